#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Same-format round trips over the whole corpus, exactly (issue 15's
acceptance: X -> X -> CSL-JSON equals X -> CSL-JSON for every corpus file
of every format that has a writer, .bib read as bibtex and as biblatex,
except renamed duplicate keys). Unlike the matrix's `stable` check, which
leaves out for bibtex -> bibtex what the classic format cannot carry (the
entry type of a BibLaTeX-only type), nothing is left out: this counts
every difference, for docs/fidelity.md ("Same-format round trips").

Usage: tests/fidelity/stable_pairs.py [BUILDDIR] [--show]
Readers per file as matrix.py gives them (`bibconv --detect`, a near tie
both); a file whose reference repeats an id (for bibtex, ids that differ
only in case) is counted as "dupkeys" and not compared.
Prints one line per (reader, outcome) with its count; --show also the
first difference of each file that differs. Exits 0 (a report, not a test).
"""
import collections
import glob
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
args = [a for a in sys.argv[1:] if not a.startswith("--")]
os.environ.setdefault("BIBCONV_BUILDDIR", os.path.abspath(args[0] if args else
                                                           os.path.join(HERE, "..", "..", "build")))
os.environ.setdefault("BIBCONV_SHARED", os.path.join(HERE, "..", "..", "..", "shared"))
import matrix as M  # noqa: E402  (tests/fidelity/matrix.py: detect, first_diff)

EXE = os.path.join(os.environ["BIBCONV_BUILDDIR"], "core", "cli", "bibconv")
M.EXE = EXE
CORPUS = os.path.join(os.environ["BIBCONV_SHARED"], "corpus")


def conv(a, data=None):
    p = subprocess.run([EXE, "--no-progress"] + a, input=data, capture_output=True)
    return p.stdout


def one(reader, path, writers):
    ref_out = conv(["-f", reader, "-t", "csljson", "-O", "keys=keep", path])
    try:
        ref = json.loads(ref_out)
    except ValueError:
        return "no reference", None
    if not ref:
        return "empty", None
    ids = [str(x.get("id")) for x in ref]
    if reader == "bibtex":
        ids = [i.lower() for i in ids]
    if len(set(ids)) != len(ids):
        return "dupkeys", None
    out = conv(["-f", reader, "-t", reader, path])
    try:
        got = json.loads(conv(["-f", reader, "-t", "csljson", "-O", "keys=keep", "-"], out))
    except ValueError:
        return "not read back", None
    if got == ref:
        return "equal", None
    if len(got) != len(ref):
        return "differs", "%d items read back, %d in the reference" % (len(got), len(ref))
    return "differs", M.first_diff(ref, got)


def main():
    fmts = M.list_formats()
    own = {f for f, (r, w) in fmts.items() if r and w}
    paths = sorted(p for p in glob.glob(os.path.join(CORPUS, "**", "*"), recursive=True)
                   if os.path.isfile(p) and "/schema/" not in p
                   and not p.endswith(("index.tsv", "MANIFEST.md", "SOURCES.json")))
    jobs = sorted((r, p) for p, rs in M.detect(paths).items() for r in rs if r in own)
    count = collections.Counter()
    diffs = []
    for r, p in jobs:
        outcome, why = one(r, p, own)
        count[(r, outcome)] += 1
        if why:
            diffs.append((r, os.path.relpath(p, CORPUS), why))
    for (r, outcome), n in sorted(count.items()):
        print("%-10s %-14s %d" % (r, outcome, n))
    if "--show" in sys.argv:
        for r, p, why in diffs:
            print("DIFF %s %s | %s" % (r, p, why))


main()
