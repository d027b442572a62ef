#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every sample page converts to every output format in the build (bibtex,
biblatex, ris, yaml, csljson: those present) without a diagnostic, and each
output re-reads with its own reader without a diagnostic and with as many
records as the page gave."""
import json
import os
import subprocess
import sys
import tempfile

bib = os.path.join(os.environ["BIBCONV_BUILDDIR"], "core", "cli", "bibconv")
src = os.environ["BIBCONV_SRCDIR"]
samples = sorted(os.path.join(src, "samples", f) for f in os.listdir(os.path.join(src, "samples"))
                 if f.startswith("page-"))
listing = subprocess.run([bib, "--list-formats"], capture_output=True, text=True).stdout
present = [f for f in ("bibtex", "biblatex", "ris", "yaml", "csljson")
           if any(line.split()[:1] == [f] for line in listing.splitlines())]
print("formats:", ", ".join(present))
if "csljson" not in present or "bibtex" not in present:
    print("FAIL: csljson and bibtex must be in the build")
    sys.exit(1)
fail = False
with tempfile.TemporaryDirectory() as tmp:
    for page in samples:
        ref = subprocess.run([bib, "-f", "page", "-t", "csljson", page],
                             capture_output=True, text=True)
        count = len(json.loads(ref.stdout))
        for fmt in present:
            out = os.path.join(tmp, "out." + fmt)
            w = subprocess.run([bib, "-f", "page", "-t", fmt, "-o", out, page],
                               capture_output=True, text=True)
            # the bibtex writer notes characters it keeps as UTF-8, and a
            # writer names the fields its format has no place for (RIS has
            # none for event-title): notes about the target, not
            # diagnostics of the page
            werr = [l for l in w.stderr.splitlines()
                    if "no LaTeX form" not in l and "has no place for it" not in l]
            r = subprocess.run([bib, "-f", fmt, "-t", "csljson", out],
                               capture_output=True, text=True)
            back = len(json.loads(r.stdout)) if r.returncode == 0 and r.stdout else -1
            ok = w.returncode == 0 and not werr and r.returncode == 0 and not r.stderr \
                and back == count
            print("ok  " if ok else "FAIL", os.path.basename(page), fmt, count, back)
            if not ok:
                print(w.stderr, r.stderr)
                fail = True
sys.exit(1 if fail else 0)
