#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""BibTeX throughput benchmark: builds a >= 50 MB .bib from the corpus
entries (each copy gets a unique key), converts it to CSL-JSON and back with
bibconv, and prints MB/s and peak RSS (GNU time). Not a correctness test.

Usage: bench.py BUILDDIR [SHARED_DIR] [MB]
"""
import glob, os, re, subprocess, sys, tempfile, time

build = sys.argv[1]
shared = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__),
                                                             "..", "..", "..", "shared")
target_mb = float(sys.argv[3]) if len(sys.argv) > 3 else 50
exe = os.path.join(build, "core", "cli", "bibconv")
env = dict(os.environ, BIBCONV_PLUGIN_PATH=os.path.join(build, "plugins", "bibtex") + ":" +
           os.path.join(build, "plugins", "csljson"))

# well-formed entries only: those that convert without an error
entries = []
for f in sorted(glob.glob(os.path.join(shared, "corpus", "citation-js", "bibtex-in.*.bib")) +
                glob.glob(os.path.join(shared, "corpus", "bbt-export", "*.bib"))[:200]):
    p = subprocess.run([exe, "-f", "bibtex", "-t", "csljson", f], capture_output=True, env=env)
    if p.returncode == 0:
        text = open(f, encoding="utf-8", errors="replace").read()
        entries += re.findall(r"^@(?!string|comment|preamble)\w+\s*\{[^,]*,.*?^\}", text,
                              re.S | re.M | re.I)
if not entries:
    sys.exit("no corpus entries found under " + shared)


def run(args):
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M", exe] + args, capture_output=True, env=env)
    dt = time.perf_counter() - t0
    rss = int(p.stderr.decode().strip().splitlines()[-1])
    return p.returncode, dt, rss


with tempfile.TemporaryDirectory() as tmp:
    bib = os.path.join(tmp, "big.bib")
    size = 0
    i = 0
    with open(bib, "w", encoding="utf-8") as out:
        while size < target_mb * 1e6:
            for e in entries:
                e2 = re.sub(r"\{[^,]*,", "{k%d," % i, e, count=1)
                out.write(e2 + "\n\n")
                size += len(e2.encode()) + 2
                i += 1
    mb = os.path.getsize(bib) / 1e6
    js = os.path.join(tmp, "big.json")
    rc, dt, rss = run(["-f", "bibtex", "-t", "csljson", "-o", js, bib])
    print("bibtex -> csljson: %.1f MB, %d entries, %.2f s, %.1f MB/s, peak RSS %.1f MB (rc %d)"
          % (mb, i, dt, mb / dt, rss / 1024, rc))
    rc2, dt2, rss2 = run(["-f", "csljson", "-t", "bibtex", "-o", os.path.join(tmp, "b.bib"), js])
    jmb = os.path.getsize(js) / 1e6
    print("csljson -> bibtex: %.1f MB, %.2f s, %.1f MB/s, peak RSS %.1f MB (rc %d)"
          % (jmb, dt2, jmb / dt2, rss2 / 1024, rc2))
