#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The writer's CSL-YAML is accepted by `pandoc --citeproc` as a
bibliography (issue 5, acceptance 1): CSL-JSON files of the shared corpus
and the golden YAML inputs are converted with `-t yaml`, given to pandoc as
--bibliography with nocite @*, and pandoc must exit 0 without a warning
and render one entry per item that has an id (pandoc skips items without
one, as its manual says). Exits 77 (skipped) without pandoc or ../shared.
"""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

pandoc = shutil.which("pandoc")
shared = os.environ.get("BIBCONV_SHARED", "")
corpus = os.path.join(shared, "corpus")
if not pandoc:
    print("skipped: pandoc not installed")
    sys.exit(77)
if not os.path.isdir(corpus):
    print("skipped: no shared corpus at", corpus)
    sys.exit(77)
exe = os.path.join(os.environ.get("BIBCONV_BUILDDIR", ""), "core", "cli", "bibconv")
golden = os.path.join(os.environ.get("BIBCONV_SRCDIR", ""), "tests", "yaml", "golden")

inputs = sorted(glob.glob(os.path.join(corpus, "citation-js", "*.csl.json")) +
                glob.glob(os.path.join(corpus, "bbt-export", "*.csl.json")) +
                glob.glob(os.path.join(corpus, "pandoc", "*.expected.json")) +
                sorted(glob.glob(os.path.join(corpus, "csl-test-suite", "*.json")))[::20] +
                [os.path.join(golden, "refs.yaml"), os.path.join(golden, "items.json")])
checked = failed = 0
with tempfile.TemporaryDirectory() as tmp:
    doc = os.path.join(tmp, "doc.md")
    with open(doc, "w") as f:
        f.write("---\nnocite: '[@*]'\n...\n")
    for path in inputs:
        fmt = "yaml" if path.endswith(".yaml") else "csljson"
        # items pandoc will render: the ids of the input (read back as JSON)
        p = subprocess.run([exe, "-f", fmt, "-t", "csljson", path], capture_output=True)
        try:
            items = json.loads(p.stdout)
        except ValueError:
            continue
        if not isinstance(items, list) or not items:
            continue
        want = len({str(x["id"]) for x in items if "id" in x})
        bib = os.path.join(tmp, "refs.yaml")
        with open(bib, "wb") as f:
            p = subprocess.run([exe, "-f", fmt, "-t", "yaml", path], capture_output=True)
            f.write(p.stdout)
        if p.returncode != 0:
            continue  # inputs our reader refuses are not this test's concern
        checked += 1
        q = subprocess.run([pandoc, "--citeproc", "--bibliography", bib, "-t", "html", doc],
                           capture_output=True, timeout=120)
        got = q.stdout.decode(errors="replace").count('class="csl-entry"')
        err = q.stderr.decode(errors="replace").strip()
        if q.returncode != 0 or err or got != want:
            failed += 1
            print(f"FAIL {path}: pandoc exit {q.returncode}, {got} entries "
                  f"(want {want}): {err[:300]}")
print(f"{checked} bibliographies written as CSL-YAML and read by {pandoc}; {failed} failures")
sys.exit(1 if failed or not checked else 0)
