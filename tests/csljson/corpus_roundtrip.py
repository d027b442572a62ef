#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Round-trips every CSL-JSON file of the shared corpus through
`bibconv -f csljson -t csljson` (and through csljsonl) and checks that
(1) the output is an equal JSON value (types compared strictly: 1 != "1",
true != 1, key order ignored as JSON does), and (2) every output validates
against the CSL-JSON schema whenever the input does (38 corpus files are
themselves invalid: unknown keys such as "key" or "isInstitution", empty
date-parts; the exact round trip keeps what they hold, so their outputs are
as invalid as their inputs, and that is reported, not failed). Documented
differences are allowed: an input item without "type" gets "type": "document"
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


def expected_of(doc):
    expected = [dict(x) for x in doc]
    for x in expected:
        x.setdefault("type", "document")
    batch.writers_spelling(expected)  # dates and keys as citeproc reads them
    return batch.writers_ids(expected)  # a repeated id gets a suffix


def jsonl_of(doc):
    return "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in doc)


def schema_verdict(got, doc):
    """None (valid), "input" (as invalid as its input) or the first error
    of an output whose input is valid."""
    if not validator:
        return None
    errs = list(validator.iter_errors(got))
    if not errs:
        return None
    if next(validator.iter_errors(doc), None) is not None:
        return "input"
    return errs[0].message


def check_one(job):
    """The verdict of record: one file, one process per format."""
    global checked, failed, items, invalid, invalid_inputs
    path, doc = job
    checked += 1
    expected = expected_of(doc)
    for fmt in ("csljson", "csljsonl"):
        if fmt == "csljson":
            proc = subprocess.run([exe, "-f", "csljson", "-t", "csljson", path],
                                  capture_output=True)
        else:
            proc = subprocess.run([exe, "-f", "csljsonl", "-t", "csljsonl"],
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
            v = schema_verdict(got, doc)
            if v == "input":
                invalid_inputs += 1
            elif v:
                invalid += 1
                failed += 1
                print(f"FAIL {path}: output does not validate: {v[:200]}")


def check_batch(files):
    """The same checks on many files through one process per format (see
    tests/common/batch.py); True when all of them pass, counted."""
    global checked, items, invalid_inputs
    counts = [len(doc) for _, doc in files]
    p = subprocess.run([exe, "-f", "csljson", "-t", "csljson"] + batch.KEEP +
                       [f for f, _ in files], capture_output=True)
    q = subprocess.run([exe, "-f", "csljsonl", "-t", "csljsonl"] + batch.KEEP,
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
        v = schema_verdict(got, doc)
        if v == "input":
            bad_inputs += 1
        elif v:
            return False
    checked += len(files)
    items += sum(counts)
    invalid_inputs += bad_inputs
    return True


jobs = batch.json_jobs(files, is_csl)
print(batch.run_batched(jobs, check_batch, check_one))
print(f"{checked} CSL-JSON corpus files, {items} items round-tripped; "
      f"{failed} failures, {invalid} schema-invalid outputs of valid inputs "
      f"({invalid_inputs} inputs were schema-invalid themselves)")
sys.exit(1 if failed or checked == 0 else 0)
