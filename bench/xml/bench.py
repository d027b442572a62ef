#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""EndNote XML and MODS throughput benchmark (issue 16: a 50 MB file
converts with peak RSS <= 32 MB at >= 50 MB/s). Builds, for each format, a
file of about LARGE_MB (default 50) by writing the corpus's CSL-JSON items
with bibconv itself and repeating the records, converts it to CSL-JSON
(to /dev/null), and prints MB/s (by wall-clock time and by CPU time, user
plus system: on a shared machine the wall clock mostly measures the
neighbours) and peak RSS (GNU time). A smaller file
(SMALL_MB, default 10) shows that peak RSS does not grow with the input.
Also times CSL-JSON -> X and X -> X for the large file. Not a correctness
test.

Usage: bench.py BUILDDIR [SHARED_DIR] [SMALL_MB] [LARGE_MB]
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import time

build = os.path.abspath(sys.argv[1])
shared = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__),
                                                             "..", "..", "..", "shared")
sizes = [float(sys.argv[3]) if len(sys.argv) > 3 else 10,
         float(sys.argv[4]) if len(sys.argv) > 4 else 50]
exe = os.path.join(build, "core", "cli", "bibconv")
env = dict(os.environ, BIBCONV_PLUGIN_PATH=os.path.join(build, "plugins", "xml") + ":" +
           os.path.join(build, "plugins", "csljson"))

items = []
for f in sorted(glob.glob(os.path.join(shared, "corpus", "citation-js", "*.csl.json")) +
                glob.glob(os.path.join(shared, "corpus", "bbt-export", "*.csl.json"))):
    try:
        doc = json.load(open(f, encoding="utf-8"))
    except ValueError:
        continue
    if isinstance(doc, list):
        items += [x for x in doc if isinstance(x, dict) and "id" in x]
if not items:
    sys.exit("no corpus items found under " + shared)


def run(args, out=None):
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", exe, "-j", "1"] + args,
                       stdout=out or subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    dt = time.perf_counter() - t0
    rss, user, sys_ = p.stderr.decode().strip().splitlines()[-1].split()
    return p.returncode, dt, int(rss), float(user) + float(sys_)


FRAME = {"mods": (r"<mods[ >]", "</modsCollection>"),
         "endnotexml": (r"<record>", "</records>")}

with tempfile.TemporaryDirectory() as tmp:
    seed = os.path.join(tmp, "seed.json")
    with open(seed, "w", encoding="utf-8") as f:
        json.dump(items, f, ensure_ascii=False)
    for fmt, (start, end) in FRAME.items():
        doc = subprocess.run([exe, "-f", "csljson", "-t", fmt, seed], capture_output=True,
                             env=env).stdout.decode()
        m = re.search(start, doc)
        head, body = doc[:m.start()], doc[m.start():doc.rindex(end)]
        tail = doc[doc.rindex(end):]
        for mb in sizes:
            path = os.path.join(tmp, "big%d.%s.xml" % (mb, fmt))
            target = int(mb * 1e6)
            with open(path, "w", encoding="utf-8") as f:
                f.write(head)
                n = len(head)
                while n < target:
                    f.write(body)
                    n += len(body.encode())
                f.write(tail)
            size = os.path.getsize(path) / 1e6
            rc, dt, rss, cpu = run(["-f", fmt, "-t", "csljson", path])
            print(f"{fmt:10} -> csljson {size:6.1f} MB: {size / dt:6.1f} MB/s wall, "
                  f"{size / max(cpu, 1e-3):6.1f} MB/s CPU, peak RSS {rss / 1024:5.1f} MB, exit {rc}")
        big = os.path.join(tmp, "big%d.json" % sizes[-1])
        with open(big, "w") as out:
            subprocess.run([exe, "-f", fmt, "-t", "csljson", path], stdout=out, env=env)
        size = os.path.getsize(big) / 1e6
        xsize = os.path.getsize(path) / 1e6
        rc, dt, rss, cpu = run(["-f", "csljson", "-t", fmt, big])
        # by the input's size this mostly measures the CSL-JSON reader; by
        # the output's size, the writer
        print(f"csljson -> {fmt:10} {size:6.1f} MB: {size / dt:6.1f} MB/s wall, "
              f"{size / max(cpu, 1e-3):6.1f} MB/s CPU ({xsize / max(cpu, 1e-3):6.1f} MB/s CPU "
              f"of {fmt} written), peak RSS {rss / 1024:5.1f} MB, exit {rc}")
        # the format read and written again: both directions of the module
        rc, dt, rss, cpu = run(["-f", fmt, "-t", fmt, path])
        print(f"{fmt:10} -> {fmt:10} {xsize:6.1f} MB: {xsize / dt:6.1f} MB/s wall, "
              f"{xsize / max(cpu, 1e-3):6.1f} MB/s CPU, peak RSS {rss / 1024:5.1f} MB, exit {rc}")
