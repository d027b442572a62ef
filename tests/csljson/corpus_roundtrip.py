#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Round-trips every CSL-JSON file of the shared corpus through
`bibconv -f csljson -t csljson` (and through csljsonl) and checks that
(1) with `-O unknown=keep` the output is an equal JSON value (types
compared strictly: 1 != "1", true != 1, key order ignored as JSON does),
and (2) with the default (`unknown=custom`) every output validates against
the CSL-JSON schema, whatever the input holds (38 corpus files are
themselves invalid: unknown keys such as "key" or "isInstitution", empty
date-parts; what the schema refuses goes under custom.csljson), and
reading that output again gives it back unchanged. A string `license`,
a CSL 1.0.2 variable the schema v1.0.2 lacks, is allowed (docs/fidelity.md).
Documented differences of the exact round trip are allowed: an input item without "type" gets "type": "document"
(the schema requires a type), an id an earlier item has gets a suffix
(CSL wants ids unique), and a date-parts member that citeproc cannot read
("-1" as a string) is written as its number, and a key CSL spells in
upper case given in another ("url") under CSL's name (batch.writers_spelling).

A corpus file is CSL-JSON when it is a JSON array whose elements are all
objects with an "id" (that is what the schema calls an item); other JSON
files of the corpus (Zotero item JSON, objects keyed by number) are not
CSL-JSON and are skipped here. Exits 77 (skipped) without ../shared.
"""
import glob
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
import batch  # noqa: E402  (tests/common/batch.py)
from batch import split as batch_split  # noqa: E402

shared = os.environ.get("BIBCONV_SHARED", "")
build = os.environ.get("BIBCONV_BUILDDIR", "")
corpus = os.path.join(shared, "corpus")
if not os.path.isdir(corpus):
    print("skipped: no shared corpus at", corpus)
    sys.exit(77)
exe = os.path.join(build, "core", "cli", "bibconv")

try:
    import jsonschema
    with open(os.path.join(corpus, "schema", "csl-data.json")) as f:
        validator = jsonschema.Draft7Validator(json.load(f))
except ImportError:
    validator = None
    print("note: python3-jsonschema missing, schema validation not done")


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


files = sorted(f for f in glob.glob(os.path.join(corpus, "**", "*.json"), recursive=True)
               if "/schema/" not in f)
# BIBCONV_CORPUS_STRIDE=N: every Nth file only (the sanitizer run in CI)
files = files[::max(1, int(os.environ.get("BIBCONV_CORPUS_STRIDE", "1") or 1))]
checked = failed = items = invalid = invalid_inputs = 0
KEEP = batch.KEEP + ["-O", "unknown=keep"]


def expected_of(doc):
    expected = [dict(x) for x in doc]
    for x in expected:
        x.setdefault("type", "document")
    batch.writers_spelling(expected)  # dates and keys as citeproc reads them
    return batch.writers_ids(expected)  # a repeated id gets a suffix


def jsonl_of(doc):
    return "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in doc)


def schema_verdict(text):
    """None when the default output `text` (one CSL-JSON array of every
    file's items) validates and reads back to itself, else what fails;
    "input" counts the outputs whose source the schema refuses."""
    try:
        got = json.loads(text)
    except ValueError:
        return "the default output is no JSON"
    if validator:
        # license: a CSL 1.0.2 variable the schema v1.0.2 lacks (its issue 407)
        items_ = [dict((k, v) for k, v in x.items() if k != "license")
                  if isinstance(x.get("license", ""), str) else x for x in got]
        for e in validator.iter_errors(items_):
            return "output does not validate: %s: %s" % (
                "/".join(str(x) for x in e.absolute_path), e.message[:160])
    again = subprocess.run([exe, "-f", "csljson", "-t", "csljson"] + batch.KEEP + ["-"],
                           input=text.encode(), capture_output=True)
    try:
        back = json.loads(again.stdout.decode())
    except ValueError:
        return "the default output does not read back (exit %d)" % again.returncode
    if not strict_equal(back, got):
        for g, b in zip(got, back):
            if not strict_equal(g, b):
                return "the default output read back differs: item %r" % g.get("id")
        return "the default output read back differs"
    return None


def invalid_input(doc):
    return bool(validator) and next(validator.iter_errors(doc), None) is not None


def check_one(job):
    """The verdict of record: one file, one process per format."""
    global checked, failed, items, invalid, invalid_inputs
    path, doc = job
    checked += 1
    expected = expected_of(doc)
    for fmt in ("csljson", "csljsonl"):
        if fmt == "csljson":
            proc = subprocess.run([exe, "-f", "csljson", "-t", "csljson", "-O", "unknown=keep",
                                   path], capture_output=True)
        else:
            proc = subprocess.run([exe, "-f", "csljsonl", "-t", "csljsonl", "-O", "unknown=keep"],
                                  input=jsonl_of(doc).encode(), capture_output=True)
        if proc.returncode != 0:
            print(f"FAIL {path} ({fmt}): exit {proc.returncode}: {proc.stderr.decode()[:300]}")
            failed += 1
            continue
        out = proc.stdout.decode()
        got = json.loads(out) if fmt == "csljson" else [json.loads(l) for l in out.splitlines()]
        if not strict_equal(got, expected):
            failed += 1
            for g, e in zip(got, expected):
                if not strict_equal(g, e):
                    diff = {k: (e.get(k), g.get(k)) for k in set(e) | set(g)
                            if not strict_equal(e.get(k), g.get(k))}
                    print(f"FAIL {path} ({fmt}): item {e.get('id')!r} differs: "
                          f"{json.dumps(diff, ensure_ascii=False)[:400]}")
                    break
            else:
                print(f"FAIL {path} ({fmt}): {len(got)} items, expected {len(expected)}")
            continue
        if fmt == "csljson":
            items += len(got)
            d = subprocess.run([exe, "-f", "csljson", "-t", "csljson", path],
                               capture_output=True)
            v = schema_verdict(d.stdout.decode())
            invalid_inputs += invalid_input(doc)
            if v:
                invalid += 1
                failed += 1
                print(f"FAIL {path}: {v[:300]}")


def check_batch(files):
    """The same checks on many files through one process per format (see
    tests/common/batch.py); True when all of them pass, counted."""
    global checked, items, invalid_inputs
    counts = [len(doc) for _, doc in files]
    p = subprocess.run([exe, "-f", "csljson", "-t", "csljson"] + KEEP +
                       [f for f, _ in files], capture_output=True)
    q = subprocess.run([exe, "-f", "csljsonl", "-t", "csljsonl"] + KEEP,
                       input="".join(jsonl_of(doc) for _, doc in files).encode(),
                       capture_output=True)
    if p.returncode or q.returncode:
        return False
    try:
        whole = batch_split(json.loads(p.stdout.decode()), counts)
        lines = batch_split([json.loads(l) for l in q.stdout.decode().splitlines()], counts)
    except ValueError:
        return False
    if whole is None or lines is None:
        return False
    bad_inputs = 0
    for (path, doc), got, gotl in zip(files, whole, lines):
        expected = expected_of(doc)
        if not strict_equal(got, expected) or not strict_equal(gotl, expected):
            return False
        bad_inputs += invalid_input(doc)
    d = subprocess.run([exe, "-f", "csljson", "-t", "csljson"] + batch.KEEP +
                       [f for f, _ in files], capture_output=True)
    if d.returncode or schema_verdict(d.stdout.decode()):
        return False
    checked += len(files)
    items += sum(counts)
    invalid_inputs += bad_inputs
    return True


jobs = batch.json_jobs(files, is_csl)
print(batch.run_batched(jobs, check_batch, check_one))
print(f"{checked} CSL-JSON corpus files, {items} items round-tripped; "
      f"{failed} failures, {invalid} default outputs schema-invalid or unstable "
      f"({invalid_inputs} inputs were schema-invalid themselves)")
sys.exit(1 if failed or checked == 0 else 0)
