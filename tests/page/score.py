#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The answer keys are the test: runs ../shared/tools/score.py on the seed
pages (../shared/seeds-gold) and on the crafted variant pages of
tests/page/crafted (their *.truth.json keys, written by hand), and requires
record F1 = 1 and every scored field rate = 1 on each. Skipped (77) when
../shared is absent."""
import os
import subprocess
import sys

shared = os.environ.get("BIBCONV_SHARED", "")
score = os.path.join(shared, "tools", "score.py")
if not os.path.isfile(score):
    print("skip: no ../shared/tools/score.py")
    sys.exit(77)
bib = os.path.join(os.environ["BIBCONV_BUILDDIR"], "core", "cli", "bibconv")
crafted = os.path.join(os.environ["BIBCONV_SRCDIR"], "tests", "page", "crafted")
cmd = bib + " -f page -t csljson {file}"
fail = False
for args in ([], [crafted, "--pages", crafted]):
    out = subprocess.run([sys.executable, score, *args, "--cmd", cmd, "-v"],
                         capture_output=True, text=True, check=False)
    print(out.stdout)
    rows = [l.split() for l in out.stdout.splitlines()
            if l and not l.startswith(("layout", "score:", " "))]
    if not rows:
        print("FAIL: no score rows", out.stderr)
        fail = True
    for r in rows:
        # name pages truth pred P R F1 fields... crash/timeout/nonjson/exit
        nums = [x for x in r[4:-1] if x != "-"]
        if any(float(x) != 1.0 for x in nums) or r[-1] != "0/0/0/0":
            print("FAIL:", " ".join(r))
            fail = True
sys.exit(1 if fail else 0)
