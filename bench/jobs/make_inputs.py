#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Builds the -j benchmark inputs from the corpus: a BibTeX file of the
corpus entries that convert cleanly (each copy with its own key, no
crossref), and the same records as RIS and as CSL-JSON Lines written by
bibconv itself. Used by bench.py; not a test.

Usage: make_inputs.py BUILDDIR SHARED_DIR OUTDIR MB
"""
import glob, os, re, subprocess, sys

build, shared, outdir, mb = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3], float(sys.argv[4])
exe = os.path.join(build, "core", "cli", "bibconv")
env = dict(os.environ, BIBCONV_PLUGIN_PATH=":".join(
    os.path.join(build, "plugins", p) for p in ("bibtex", "csljson", "ris")))

entries = []
for f in sorted(glob.glob(os.path.join(shared, "corpus", "citation-js", "bibtex-in.*.bib")) +
                glob.glob(os.path.join(shared, "corpus", "bbt-export", "*.bib"))[:200]):
    p = subprocess.run([exe, "-f", "bibtex", "-t", "csljson", f], capture_output=True, env=env)
    if p.returncode == 0 and not p.stderr:
        text = open(f, encoding="utf-8", errors="replace").read()
        entries += [e for e in
                    re.findall(r"^@(?!string|comment|preamble)\w+\s*\{[^,]*,.*?^\}", text,
                               re.S | re.M | re.I)
                    if not re.search(r"^\s*crossref\s*=", e, re.M | re.I)]
if not entries:
    sys.exit("no corpus entries found under " + shared)
os.makedirs(outdir, exist_ok=True)
bib = os.path.join(outdir, "in.bib")
size = i = 0
with open(bib, "w", encoding="utf-8") as out:
    while size < mb * 1e6:
        for e in entries:
            e2 = re.sub(r"\{[^,]*,", "{k%d," % i, e, count=1)
            out.write(e2 + "\n\n")
            size += len(e2.encode()) + 2
            i += 1
for fmt, ext in (("ris", "ris"), ("csljsonl", "jsonl")):
    subprocess.run([exe, "-f", "bibtex", "-t", fmt, "-o", os.path.join(outdir, "in." + ext), bib],
                   capture_output=True, env=env)
print(i, "records")
