#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The DOM-free CSL-JSON read path against jansson (the reader option
parser=jansson): for every .json/.jsonl/.ndjson file of the shared corpus
(and any files named on the command line, e.g. the bench inputs), both
paths must give byte-identical output -- to CSL-JSON, which keeps every
value and input spelling, and to BibTeX -- byte-identical diagnostics
(line:col included) and the same exit status. Files go in batches through
one command each; a batch that differs is split down to its files, which
are named. Exits 77 (skipped) without ../shared."""
import glob
import os
import subprocess
import sys

shared = os.environ.get("BIBCONV_SHARED", "")
build = os.environ.get("BIBCONV_BUILDDIR", "")
corpus = os.path.join(shared, "corpus")
extra = sys.argv[1:]
if not os.path.isdir(corpus) and not extra:
    print("skipped: no shared corpus at", corpus)
    sys.exit(77)
exe = os.path.join(build, "core", "cli", "bibconv")
files = sorted(f for ext in ("json", "jsonl", "ndjson")
               for f in glob.glob(os.path.join(corpus, "**", "*." + ext), recursive=True)
               if "/schema/" not in f) + extra


def run(parser, target, batch):
    p = subprocess.run([exe, "--no-progress", "-O", "parser=" + parser, "-t", target] + batch,
                       capture_output=True, stdin=subprocess.DEVNULL)
    # the summary line counts the same records either way; the rest is per item
    return p.returncode, p.stdout, p.stderr


def differs(target, batch):
    return run("stream", target, batch) != run("jansson", target, batch)


failures = []
checked = 0
for target in ("csljson", "bibtex"):
    todo = [files[i:i + 64] for i in range(0, len(files), 64)]
    while todo:
        batch = todo.pop()
        if not differs(target, batch):
            checked += len(batch)
            continue
        if len(batch) == 1:
            failures.append("%s (-t %s)" % (batch[0], target))
            continue
        half = len(batch) // 2
        todo += [batch[:half], batch[half:]]
for f in failures:
    print("FAIL %s: the two read paths differ" % f)
print("%d file conversions compared, %d differ" % (checked + len(failures), len(failures)))
sys.exit(1 if failures else 0)
