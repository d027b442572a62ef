#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Round trips of every CSL-JSON file of the shared corpus through CSL-YAML
(issue 5, acceptance 2):

  1. csljson -> yaml -> csljson (`-O unknown=keep`: the exact round trip)
     gives a JSON value equal to the input
     (types compared strictly: 1 != "1", key order ignored), with the
     difference tests/csljson/corpus_roundtrip.py documents (a missing
     "type" becomes "document", a date-parts string citeproc cannot read
     becomes its number, "url" becomes "URL") and one of the YAML writer (a numeric id is
     written as text, since pandoc skips items with numeric ids);
  2. yaml -> yaml reproduces the YAML byte for byte (the writer's output is
     a fixed point), and with -O bare=true the same values come back;
  3. the YAML written is read by libyaml through python3-yaml's CSafeLoader
     when it is installed (its values equal the JSON), and by our reader
     with no diagnostic of its own: the messages are exactly those the
     csljson reader gives for the input (a corpus item of unknown type
     is warned about by both).

A corpus file is CSL-JSON when it is a JSON array of objects that all have
an "id". Exits 77 (skipped) without ../shared.
"""
import glob
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
import batch  # noqa: E402  (tests/common/batch.py)

shared = os.environ.get("BIBCONV_SHARED", "")
build = os.environ.get("BIBCONV_BUILDDIR", "")
corpus = os.path.join(shared, "corpus")
if not os.path.isdir(corpus):
    print("skipped: no shared corpus at", corpus)
    sys.exit(77)
exe = os.path.join(build, "core", "cli", "bibconv")

try:
    import yaml
    loader = getattr(yaml, "CSafeLoader", None)
except ImportError:
    loader = None
if loader is None:
    print("note: python3-yaml with libyaml missing, the libyaml re-read is not done")


def strict_equal(a, b):
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(strict_equal(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(strict_equal(x, y) for x, y in zip(a, b))
    return a == b


def is_csl(doc):
    return (isinstance(doc, list) and doc and
            all(isinstance(x, dict) and "id" in x for x in doc))


def run(args, data=None):
    p = subprocess.run([exe] + args, input=data, capture_output=True)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


def messages(err):
    """Diagnostics without their file:line:col prefix, sorted."""
    return sorted(line.split(": ", 1)[-1] for line in err.splitlines())


def first_diff(got, expected):
    for g, e in zip(got, expected):
        if not strict_equal(g, e):
            d = {k: (e.get(k), g.get(k)) for k in set(e) | set(g)
                 if not strict_equal(e.get(k), g.get(k))}
            return f"item {e.get('id')!r} differs: {json.dumps(d, ensure_ascii=False)[:300]}"
    return f"{len(got)} items, expected {len(expected)}"


files = sorted(f for f in glob.glob(os.path.join(corpus, "**", "*.json"), recursive=True)
               if "/schema/" not in f)
# BIBCONV_CORPUS_STRIDE=N: every Nth file only (the sanitizer run in CI)
files = files[::max(1, int(os.environ.get("BIBCONV_CORPUS_STRIDE", "1") or 1))]
checked = failed = items = 0


def expected_of(doc):
    expected = [dict(x) for x in doc]
    for x in expected:
        x.setdefault("type", "document")
        # the writer's one deliberate change: ids are text (pandoc skips
        # numeric ones); CSL allows both
        if isinstance(x["id"], int) and not isinstance(x["id"], bool):
            x["id"] = str(x["id"])
    batch.writers_spelling(expected)  # dates and keys as citeproc reads them
    return batch.writers_ids(expected)  # and a repeated id gets a suffix


def check_one(job):
    """The verdict of record: one file, one process per conversion."""
    global checked, failed, items
    path, doc = job
    checked += 1
    expected = expected_of(doc)

    def fail(msg):
        global failed
        failed += 1
        print(f"FAIL {path}: {msg}")

    rc, y1, err = run(["-f", "csljson", "-t", "yaml", path])
    if rc != 0:
        fail(f"csljson -> yaml exit {rc}: {err[:300]}")
        return
    # the output's ids are unique: the writer's renaming is not said again
    own = [m for m in messages(err) if "an earlier record has its id" not in m]
    rc, j, err = run(["-f", "yaml", "-t", "csljson", "-O", "unknown=keep", "-"], y1)
    if rc != 0 or messages(err) != own:
        fail(f"yaml -> csljson exit {rc}, diagnostics: {err[:300]}")
        return
    got = json.loads(j)
    if not strict_equal(got, expected):
        fail("csljson -> yaml -> csljson: " + first_diff(got, expected))
        return
    rc, y2, err = run(["-f", "yaml", "-t", "yaml", "-"], y1)
    if rc != 0 or messages(err) != own or y2 != y1:
        fail(f"yaml -> yaml is not a fixed point (exit {rc}) {err[:200]}")
        return
    rc, yb, err = run(["-f", "csljson", "-t", "yaml", "-O", "bare=true", path])
    rc2, jb, err2 = run(["-f", "yaml", "-t", "csljson", "-O", "unknown=keep", "-"], yb)
    if rc or rc2 or messages(err2) != own or not strict_equal(json.loads(jb), expected):
        fail(f"bare list round trip (exit {rc}/{rc2}) {err2[:200]}")
        return
    if loader is not None:
        why = libyaml_differs(y1, got)
        if why:
            fail(why)
            return
    items += len(got)


MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def md_unescape(v):
    """v with every string's Markdown backslash escapes undone, as the
    YAML reader and pandoc read them (keys are not escaped)."""
    if isinstance(v, str):
        return MD_ESCAPE.sub(r"\1", v)
    if isinstance(v, list):
        return [md_unescape(x) for x in v]
    if isinstance(v, dict):
        return {k: md_unescape(x) for k, x in v.items()}
    return v


def libyaml_differs(y, got):
    try:
        data = yaml.load(y.decode(), Loader=loader)
    except yaml.YAMLError as e:
        return f"libyaml cannot read the output: {e}"
    refs = data.get("references") if isinstance(data, dict) else None
    if isinstance(refs, list):
        refs = md_unescape(refs)
    # libyaml's loader types by YAML 1.1 rules, which the writer quotes
    # against: its values must be the JSON values themselves, once pandoc's
    # Markdown escapes the writer adds (`\$`, `\\`; docs/yaml.md) are undone
    if not isinstance(refs, list) or not strict_equal(refs, got):
        return "libyaml reads other values: " + (
            first_diff(refs, got) if isinstance(refs, list) else "no references list")
    return None


def check_batch(files):
    """The same checks on many files through one process per conversion
    (tests/common/batch.py): the YAML of all of them, its re-reading split
    back per file; True when every check passes, counted. The diagnostics
    are compared as one sorted list for the batch."""
    global checked, items
    paths = [f for f, _ in files]
    counts = [len(doc) for _, doc in files]
    keep = batch.KEEP
    rc, y1, err = run(["-f", "csljson", "-t", "yaml"] + keep + paths)
    if rc != 0:
        return False
    own = messages(err)
    rc, j, err = run(["-f", "yaml", "-t", "csljson", "-O", "unknown=keep"] + keep + ["-"], y1)
    if rc != 0 or messages(err) != own:
        return False
    got = json.loads(j)
    parts = batch.split(got, counts)
    if parts is None or not all(strict_equal(g, expected_of(doc))
                                for g, (_, doc) in zip(parts, files)):
        return False
    rc, y2, err = run(["-f", "yaml", "-t", "yaml"] + keep + ["-"], y1)
    if rc != 0 or messages(err) != own or y2 != y1:
        return False
    rc, yb, err = run(["-f", "csljson", "-t", "yaml", "-O", "bare=true"] + keep + paths)
    rc2, jb, err2 = run(["-f", "yaml", "-t", "csljson", "-O", "unknown=keep"] + keep + ["-"], yb)
    if rc or rc2 or messages(err2) != own or not strict_equal(json.loads(jb), got):
        return False
    if loader is not None and libyaml_differs(y1, got):
        return False
    checked += len(files)
    items += len(got)
    return True


jobs = batch.json_jobs(files, is_csl)
print(batch.run_batched(jobs, check_batch, check_one))
print(f"{checked} CSL-JSON corpus files, {items} items round-tripped through YAML; "
      f"{failed} failures")
sys.exit(1 if failed or checked == 0 else 0)
