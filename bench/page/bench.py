#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Page reader throughput benchmark: builds a stream of many pages (the
samples/page-* seed pages and the crafted test pages, one after another,
separated by a blank line) of two sizes (by default 10 and 50 MB), converts
each to CSL-JSON, and prints MB/s, pages, records and peak RSS (GNU time).
Equal peak RSS at both sizes shows the reader holds one page at a time.
With --html, also times a batch of saved HTML pages read one file each.
Not a correctness test.

Usage: bench.py BUILDDIR [SMALL_MB] [LARGE_MB]
"""
import glob
import json
import os
import subprocess
import sys
import tempfile
import time

build = sys.argv[1]
sizes = [float(sys.argv[2]) if len(sys.argv) > 2 else 10,
         float(sys.argv[3]) if len(sys.argv) > 3 else 50]
src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
exe = os.path.join(build, "core", "cli", "bibconv")
env = dict(os.environ, BIBCONV_PLUGIN_PATH=os.path.join(build, "plugins", "page") + ":" +
           os.path.join(build, "plugins", "csljson"))
pages = sorted(glob.glob(os.path.join(src, "samples", "page-*.txt")))
pages += [p for p in sorted(glob.glob(os.path.join(src, "tests", "page", "crafted", "*.txt")))
          # pages without a page-start cue (home page, bare paper page) can
          # only open a stream, so they are left out of the repeated batch
          if not p.endswith(("multi.txt", "notapage.txt", "feed-stray.txt", "home-latest.txt",
                             "paper-bare.txt", "paper-nocue.txt"))]
texts = [open(p, encoding="utf-8").read().rstrip("\n") for p in pages]


def run(args):
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", exe] + args, capture_output=True,
                       env=env)
    dt = time.perf_counter() - t0
    rss = int(p.stderr.decode().strip().splitlines()[-1])
    return p.returncode, dt, rss


with tempfile.TemporaryDirectory() as tmp:
    for mb in sizes:
        path = os.path.join(tmp, "pages%d.txt" % mb)
        size = n = 0
        with open(path, "w", encoding="utf-8") as out:
            while size < mb * 1e6:
                for t in texts:
                    block = t + "\n\n"
                    out.write(block)
                    size += len(block.encode())
                    n += 1
        real = os.path.getsize(path) / 1e6
        js = os.path.join(tmp, "out.json")
        rc, dt, rss = run(["-f", "page", "-t", "csljson", "-o", js, path])
        recs = len(json.load(open(js, encoding="utf-8"))) if rc in (0, 1) else -1
        print("page -> csljson: %.1f MB, %d pages, %d records, %.2f s, %.1f MB/s, "
              "peak RSS %.1f MB (rc %d)" % (real, n, recs, dt, real / dt, rss / 1024, rc))
