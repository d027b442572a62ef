#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The cases the page reader must generalise to (issue list of docs/page.md),
on pages built here from invented names and titles: names of every culture
in a profile's author lines (Hangul, Han, one word, combining marks in
NFD, particles) after a title in capitals; feed titles glued to a first
author that is CJK, one word, or after a title ending in a mixed-case
word; a feed page cut at the end of a title ending in capitals; a fused
metrics badge on a single-paper page without its meta line;
exit status and diagnostics when nothing is found. Each case checks the
records read; the test fails on the first wrong one.
(BIBCONV_BUILDDIR as for the other tests.)"""
import json
import os
import random
import subprocess
import sys
import tempfile
import unicodedata

bib = os.path.join(os.environ["BIBCONV_BUILDDIR"], "core", "cli", "bibconv")
rng = random.Random(7)
HANGUL_F, HANGUL_G = "김이박최정", "민준서지현우훈"
HAN_F, HAN_G = "王李张刘陈", "伟芳娜敏静"
SYL = ["ka", "ri", "wan", "to", "ma", "no", "har", "ti", "su", "lo"]


def oneword():
    return "".join(rng.choice(SYL) for _ in range(3)).capitalize()


def run(text, *opts):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        f.write(text)
        path = f.name
    p = subprocess.run([bib, "-f", "page", "-t", "csljson", *opts, path], capture_output=True)
    os.unlink(path)
    out = p.stdout.decode("utf-8")
    return p.returncode, p.stderr.decode("utf-8"), json.loads(out) if out.strip() else []


def shown(a):
    if a.get("literal"):
        return a["literal"]
    g, p, f = a.get("given", ""), a.get("non-dropping-particle", ""), a.get("family", "")
    if any(0xAC00 <= ord(c) <= 0xD7A3 or 0x4E00 <= ord(c) <= 0x9FFF for c in f):
        return f + g
    return " ".join(x for x in (g, p, f) if x)


fails = 0


def check(what, got, want):
    global fails
    if got != want:
        fails += 1
        print("FAIL %s: got %r, want %r" % (what, got, want))


for trial in range(6):
    names = [rng.choice(HANGUL_F) + rng.choice(HANGUL_G) + rng.choice(HANGUL_G),
             rng.choice(HAN_F) + rng.choice(HAN_G), oneword(),
             "%s B. %s" % (oneword(), oneword()), "Ana dos " + oneword(),
             "J. van den " + oneword()]
    rng.shuffle(names)
    # names in NFD: Latin ones with combining marks, Hangul ones
    # decomposed into conjoining jamo (as some macOS copies are)
    nfd = [unicodedata.normalize("NFD", n.replace("a", "á", 1)) for n in names]
    title = "SPARSE CODES IN THE VISUAL SYSTEM OF THE %s" % oneword().upper()
    page = ["Portrait of Jonas Okafor", "Research Topics", "Graphs", "Publications", title,
            *nfd, "We study sparse codes in the visual system and show that they are stable.",
            "A Second Paper on Robust Learning", names[0], oneword()]
    rc, err, recs = run("\n".join(page) + "\n")
    check("profile exit %d" % trial, rc, 0)
    check("profile titles %d" % trial, [r.get("title") for r in recs],
          [title, "A Second Paper on Robust Learning"])
    if recs:
        check("profile names %d" % trial, [shown(a) for a in recs[0].get("author", [])],
              [unicodedata.normalize("NFC", n) for n in nfd])

    first = [rng.choice(HANGUL_F) + rng.choice(HANGUL_G), oneword(),
             "%s %s" % (rng.choice(["Ana", "Omar", "Lars"]), oneword())][trial % 3]
    ftitle = "Fast %s Tracking on GitHub" % oneword() if trial % 2 else \
        "Adaptive %s Control" % oneword()
    rest = "J. van den %s" % oneword()
    feed = "LGOct 6, 2023\n%s%s, %s\nWe propose a method for it.\n" % (ftitle, first, rest)
    rc, err, recs = run(feed)
    check("feed exit %d" % trial, rc, 0)
    check("feed title %d" % trial, [r.get("title") for r in recs], [ftitle])
    if recs:
        check("feed names %d" % trial, [shown(a) for a in recs[0].get("author", [])],
              [first, rest])

# a page cut inside its last author's family name, after its initial:
# the site writes every name given name first, so "Ömer Y" is Ömer with a
# family cut short, not the family-first "Smith J" of a reference list
for trial, given in enumerate(("\u00d6mer", "Sofia", oneword())):
    rc, err, recs = run("LGOct 6, 2023\nA Study of ThingsAnn Lee, %s Y" % given)
    check("feed cut initial %d" % trial, [shown(a) for r in recs for a in r.get("author", [])],
          ["Ann Lee", given + " Y"])
    rc, err, recs = run("Portrait of Jonas Okafor\nResearch Topics\nGraphs\nPublications\n"
                        "A Study of Things\nAnn Lee\n%s R" % given)
    check("profile cut initial %d" % trial,
          [shown(a) for r in recs for a in r.get("author", [])], ["Ann Lee", given + " R"])

# a single-paper page without its meta line, a fused badge
ptitle = "Learning %s Representations" % oneword()
paper = "%s\narXiv:2403.01234citationsh-index: 6ICLR 2023\n%s\n" % (
    ptitle, "This paper studies how deep networks learn in many settings. We show results "
    "on several benchmarks and discuss their meaning for practice and for theory.")
rc, err, recs = run(paper)
check("paper exit", rc, 0)
check("paper no error", "error:" in err, False)
check("paper", [(r.get("title"), r.get("container-title")) for r in recs],
      [(ptitle, "ICLR 2023")])
# the same page with no badge line either: a title, then prose
rc, err, recs = run("%s\n\n%s\n" % (ptitle, paper.split("\n")[2]))
check("bare paper", (rc, "error:" in err, [r.get("title") for r in recs]), (0, False, [ptitle]))

# a feed page cut inside its last meta line: no record for it
for tail in ("NCApr 18, ", "NCAp", "NC", "79.2LGOct 6, 20"):
    rc, err, recs = run("LGOct 6, 2023\nA Study of ThingsAnn Lee, Bo Chen\n"
                        "We study things. More follows.\n" + tail)
    check("cut meta %r" % tail, (rc, [r.get("title") for r in recs],
                                 "ends inside a meta line" in err),
          (0, ["A Study of Things"], True))

# a feed page cut at the end of a title ending in capitals (an acronym,
# `LoRA`), or inside that word: the title as far as it goes, no author
# made of the word's last capitals; a whole line still splits there
HEAD = "LGOct 6, 2023\nA Study of ThingsAnn Lee, Bo Chen\nWe study things. More follows.\n"
for trial in range(6):
    acro = "".join(rng.choice("BCDGKLMNPRSTVX") for _ in range(rng.choice((3, 4))))
    if trial % 3 == 2:
        acro = acro[:1] + rng.choice(["o", "e"]) + acro[1:]  # mixed case, LoRA-like
    ftitle = "%s %s with %s" % (rng.choice(["Robust", "Sparse", "Fast"]), oneword(), acro)
    for cut in (len(ftitle), len(ftitle) - 1):
        rc, err, recs = run(HEAD + "CVMar 2, 2024\n" + ftitle[:cut])
        check("cut acronym %d/%d" % (trial, cut),
              (rc, [(r.get("title"), [shown(a) for a in r.get("author", [])]) for r in recs]),
              (0, [("A Study of Things", ["Ann Lee", "Bo Chen"]), (ftitle[:cut], [])]))
    first = "Ana %s" % oneword()
    rc, err, recs = run(HEAD + "CVMar 2, 2024\n%s%s, Bo Chen\nWe study it.\n" % (ftitle, first))
    check("glued acronym %d" % trial, [(r.get("title"), [shown(a) for a in r.get("author", [])])
                                      for r in recs][1:],
          [(ftitle, [first, "Bo Chen"])])

# a personal page listing its papers title first, then the authors, the
# venue and the date: one record a line, with its authors and year
fam = [oneword() for _ in range(6)]
tfirst = ["Publications", "",
          "Fast Collection of Small Heaps, A. %s, B. %s, and C. %s, The Conference on "
          "Language Design (LDC), June 2021." % tuple(fam[:3]),
          "Learning to Sort Graphs, D. %s and E. %s, Journal of Odd Results 12(3):45-67, "
          "2019." % tuple(fam[3:5]),
          "Quiet Networks for Loud Rooms, F. %s, A. %s and B. %s, Proceedings of the "
          "Workshop on Rooms, pp. 10-19, 2017." % (fam[5], fam[0], fam[1])]
rc, err, recs = run("\n".join(tfirst) + "\n")
check("title first", (rc, [(r.get("title"), len(r.get("author", [])),
                            (r.get("issued") or {}).get("date-parts", [[None]])[0][0])
                           for r in recs]),
      (0, [("Fast Collection of Small Heaps", 3, 2021), ("Learning to Sort Graphs", 2, 2019),
           ("Quiet Networks for Loud Rooms", 3, 2017)]))

# nothing found: an error naming the first line, exit 1, also when forced
for opts in ((), ("-O", "layout=feed")):
    rc, err, recs = run("hello %s\nnothing here\n" % oneword(), *opts)
    check("no page %s exit" % (opts,), (rc, recs), (1, []))
    check("no page %s error" % (opts,), ":1:1: error:" in err, True)

print("%d failed" % fails)
sys.exit(1 if fails else 0)
