#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""BibTeX throughput benchmark: builds .bib files of two sizes (by default
10 and 50 MB) from the corpus entries (each copy gets a unique key),
converts each to CSL-JSON, the larger one back to BibTeX, and prints MB/s
(wall clock, and CPU time of the one process; the fastest of five runs)
and peak RSS (GNU time).
Equal peak RSS at both sizes shows the conversion streams. Entries come
from corpus files that convert without any diagnostic, minus those with a
crossref (their parents' keys change), so the figures measure conversion,
not the printing of warnings. Not a correctness test.

Usage: bench.py BUILDDIR [SHARED_DIR] [SMALL_MB] [LARGE_MB]
"""
import glob, os, re, subprocess, sys, tempfile, time

build = sys.argv[1]
shared = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__),
                                                             "..", "..", "..", "shared")
sizes = [float(sys.argv[3]) if len(sys.argv) > 3 else 10,
         float(sys.argv[4]) if len(sys.argv) > 4 else 50]
exe = os.path.join(build, "core", "cli", "bibconv")
env = dict(os.environ, BIBCONV_PLUGIN_PATH=os.path.join(build, "plugins", "bibtex") + ":" +
           os.path.join(build, "plugins", "csljson"))

# well-formed entries only: those that convert without an error
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


def run(args, times=5):
    """The fastest of `times` runs (the machine is shared: one run is noisy)."""
    best = None
    for _ in range(times):
        t0 = time.perf_counter()
        p = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", exe, "-j", "1"] + args, capture_output=True,
                           env=env)
        dt = time.perf_counter() - t0
        rss, user, sys_ = p.stderr.decode().strip().splitlines()[-1].split()
        r = (p.returncode, dt, float(user) + float(sys_), int(rss))
        if best is None or r[2] < best[2]:
            best = r
    return best


def report(what, mb, extra, rc, dt, cpu, rss):
    print("%s: %.1f MB%s, %.2f s, %.1f MB/s (CPU %.2f s, %.1f MB/s), peak RSS %.1f MB (rc %d)"
          % (what, mb, extra, dt, mb / dt, cpu, mb / cpu, rss / 1024, rc))


with tempfile.TemporaryDirectory() as tmp:
    for target_mb in sizes:
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
        report("bibtex -> csljson", mb, ", %d entries" % i,
               *run(["-f", "bibtex", "-t", "csljson", "-o", js, bib]))
    jmb = os.path.getsize(js) / 1e6
    report("csljson -> bibtex", jmb, "",
           *run(["-f", "csljson", "-t", "bibtex", "-o", os.path.join(tmp, "b.bib"), js]))
