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


def render(tmp, doc, bibs):
    """pandoc's exit status, entry count and stderr for these
    bibliography files together."""
    args = [pandoc, "--citeproc"]
    for b in bibs:
        args += ["--bibliography", b]
    q = subprocess.run(args + ["-t", "html", doc], capture_output=True, timeout=300)
    return (q.returncode, q.stdout.decode(errors="replace").count('class="csl-entry"'),
            q.stderr.decode(errors="replace").strip())


with tempfile.TemporaryDirectory() as tmp:
    doc = os.path.join(tmp, "doc.md")
    with open(doc, "w") as f:
        f.write("---\nnocite: '[@*]'\n...\n")
    # pandoc takes a quarter of a second to start: the bibliographies go to
    # it in batches whose ids are disjoint (so the entries add up), and a
    # batch that fails is rendered again a file at a time to name the file
    batches, ids = [[]], set()
    for n, path in enumerate(inputs):
        fmt = "yaml" if path.endswith(".yaml") else "csljson"
        # items pandoc will render: the ids of the input (read back as JSON)
        p = subprocess.run([exe, "-f", fmt, "-t", "csljson", path], capture_output=True)
        try:
            items = json.loads(p.stdout)
        except ValueError:
            continue
        if not isinstance(items, list) or not items:
            continue
        mine = {str(x["id"]) for x in items if "id" in x}
        bib = os.path.join(tmp, "refs%d.yaml" % n)
        with open(bib, "wb") as f:
            p = subprocess.run([exe, "-f", fmt, "-t", "yaml", path], capture_output=True)
            f.write(p.stdout)
        if p.returncode != 0:
            continue  # inputs our reader refuses are not this test's concern
        checked += 1
        if ids & mine or len(batches[-1]) == 25:
            batches.append([])
            ids = set()
        ids |= mine
        batches[-1].append((path, bib, len(mine)))
    for batch in batches:
        if not batch:
            continue
        rc, got, err = render(tmp, doc, [b for _, b, _ in batch])
        if rc == 0 and not err and got == sum(w for _, _, w in batch):
            continue
        before = failed
        for path, bib, want in batch:
            rc1, got1, err1 = render(tmp, doc, [bib])
            if rc1 != 0 or err1 or got1 != want:
                failed += 1
                print(f"FAIL {path}: pandoc exit {rc1}, {got1} entries (want {want}): {err1[:300]}")
        if failed == before:  # each alone passes, together they do not
            failed += 1
            print(f"FAIL batch of {len(batch)} from {batch[0][0]}: pandoc exit {rc}, {got} "
                  f"entries (want {sum(w for _, _, w in batch)}): {err[:300]}")
print(f"{checked} bibliographies written as CSL-YAML and read by {pandoc}; {failed} failures")
sys.exit(1 if failed or not checked else 0)
