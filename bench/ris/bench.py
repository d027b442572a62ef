#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""RIS throughput benchmark: builds a >= 50 MB .ris from the corpus RIS
records (each copy gets a unique ID), converts it to CSL-JSON and the
CSL-JSON back to RIS with bibconv, and prints MB/s and peak RSS (GNU time).
Not a correctness test.

Usage: bench.py BUILDDIR [SHARED_DIR] [MB]
"""
import glob, os, re, subprocess, sys, tempfile, time

build = sys.argv[1]
shared = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__),
                                                             "..", "..", "..", "shared")
target_mb = float(sys.argv[3]) if len(sys.argv) > 3 else 50
exe = os.path.join(build, "core", "cli", "bibconv")
env = dict(os.environ, BIBCONV_PLUGIN_PATH=os.path.join(build, "plugins", "ris") + ":" +
           os.path.join(build, "plugins", "csljson"))

# records of the files that convert without an error, ID lines dropped
records = []
for f in sorted(glob.glob(os.path.join(shared, "corpus", "**", "*.ris"), recursive=True)):
    p = subprocess.run([exe, "-f", "ris", "-t", "csljson", f], capture_output=True, env=env)
    if p.returncode != 0:
        continue
    text = open(f, encoding="utf-8", errors="replace").read().replace("\r\n", "\n")
    for m in re.finditer(r"^TY  - .*?^ER  -[^\n]*\n", text, re.S | re.M):
        records.append(re.sub(r"^ID  - .*\n", "", m.group(0), flags=re.M))
if not records:
    sys.exit("no corpus records found under " + shared)


def run(args):
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", exe, "-j", "1"] + args, capture_output=True,
                       env=env)
    dt = time.perf_counter() - t0
    rss, user, sys_ = p.stderr.decode().strip().splitlines()[-1].split()
    # CPU time beside the wall clock: the machine is shared, wall time is noisy
    return p.returncode, dt, int(rss), float(user) + float(sys_)


with tempfile.TemporaryDirectory() as tmp:
    ris = os.path.join(tmp, "big.ris")
    size = i = 0
    with open(ris, "w", encoding="utf-8") as out:
        while size < target_mb * 1e6:
            for r in records:
                r2 = r.replace("\n", "\nID  - k%d\n", 1) + "\n"
                out.write(r2)
                size += len(r2.encode())
                i += 1
    mb = os.path.getsize(ris) / 1e6
    js = os.path.join(tmp, "big.json")
    fmt = ("%s %.1f MB: wall %.2f s = %.1f MB/s, CPU %.2f s = %.1f MB/s, "
           "peak RSS %.1f MB (rc %d)")
    rc, dt, rss, cpu = run(["-f", "ris", "-t", "csljson", "-o", js, ris])
    print("%d records" % i)
    print(fmt % ("ris -> csljson:", mb, dt, mb / dt, cpu, mb / max(cpu, 1e-3), rss / 1024, rc))
    rc, dt, rss, cpu = run(["-f", "ris", "-t", "ris", "-o", os.path.join(tmp, "b.ris"), ris])
    print(fmt % ("ris -> ris:    ", mb, dt, mb / dt, cpu, mb / max(cpu, 1e-3), rss / 1024, rc))
    jmb = os.path.getsize(js) / 1e6
    rc, dt, rss, cpu = run(["-f", "csljson", "-t", "ris", "-o", os.path.join(tmp, "c.ris"), js])
    print(fmt % ("csljson -> ris:", jmb, dt, jmb / dt, cpu, jmb / max(cpu, 1e-3), rss / 1024,
                 rc))
