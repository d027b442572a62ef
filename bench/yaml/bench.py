#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""CSL-YAML throughput benchmark: builds CSL-YAML files of two sizes (by
default 10 and 50 MB) from the corpus's CSL-JSON items (written as YAML by
bibconv itself, each copy with a unique id), converts each to CSL-JSON, and
prints MB/s and peak RSS (GNU time). Equal peak RSS at both sizes shows
the reader streams. Also times CSL-JSON -> YAML for the larger file. Not
a correctness test.

Usage: bench.py BUILDDIR [SHARED_DIR] [SMALL_MB] [LARGE_MB]
"""
import glob
import json
import os
import subprocess
import sys
import tempfile
import time

build = sys.argv[1]
shared = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__),
                                                             "..", "..", "..", "shared")
sizes = [float(sys.argv[3]) if len(sys.argv) > 3 else 10,
         float(sys.argv[4]) if len(sys.argv) > 4 else 50]
exe = os.path.join(build, "core", "cli", "bibconv")
env = dict(os.environ, BIBCONV_PLUGIN_PATH=os.path.join(build, "plugins", "yaml") + ":" +
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


def run(args):
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", exe, "-j", "1"] + args, capture_output=True,
                       env=env)
    dt = time.perf_counter() - t0
    rss = int(p.stderr.decode().strip().splitlines()[-1])
    return p.returncode, dt, rss


with tempfile.TemporaryDirectory() as tmp:
    # one YAML list of all corpus items, written by the plugin, repeated
    seed = os.path.join(tmp, "seed.json")
    with open(seed, "w", encoding="utf-8") as f:
        json.dump(items, f, ensure_ascii=False)
    body = subprocess.run([exe, "-f", "csljson", "-t", "yaml", "-O", "bare=true", seed],
                          capture_output=True, env=env).stdout.decode()
    lines = body.splitlines(keepends=True)
    for mb in sizes:
        path = os.path.join(tmp, "big%d.yaml" % mb)
        size = n = 0
        with open(path, "w", encoding="utf-8") as out:
            out.write("---\nreferences:\n")
            while size < mb * 1e6:
                for line in lines:
                    if line.startswith("- id: "):
                        line = "- id: k%d\n" % n
                        n += 1
                    out.write(line)
                    size += len(line.encode())
            out.write("...\n")
        real = os.path.getsize(path) / 1e6
        js = os.path.join(tmp, "out.json")
        rc, dt, rss = run(["-f", "yaml", "-t", "csljson", "-o", js, path])
        print("yaml -> csljson: %.1f MB, %d items, %.2f s, %.1f MB/s, peak RSS %.1f MB (rc %d)"
              % (real, n, dt, real / dt, rss / 1024, rc))
    jmb = os.path.getsize(js) / 1e6
    rc, dt, rss = run(["-f", "csljson", "-t", "yaml", "-o", os.path.join(tmp, "b.yaml"), js])
    print("csljson -> yaml: %.1f MB, %.2f s, %.1f MB/s, peak RSS %.1f MB (rc %d)"
          % (jmb, dt, jmb / dt, rss / 1024, rc))
