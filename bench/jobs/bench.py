#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""-j benchmark: builds BibTeX, RIS and CSL-JSON Lines inputs of the same
records (the corpus entries that convert cleanly, each copy with its own
key, no crossref or @string; RIS and JSON Lines written from the BibTeX by
bibconv), converts each to CSL-JSON with -j 1 and -j 2, five times each
(with -o into a file the run creates: the last run's output is removed
first, unless BENCH_OVERWRITE=1; once into the temporary directory, on
disk, and once into /dev/shm, in memory: -o syncs its file before the
rename, and where the disk writes slower than -j 2 converts, its wait
bounds both modes alike),
checks that the outputs are byte-identical and prints the medians of wall
clock and CPU time (user + system of the process, GNU time) and their
ratio. Prints the load average before and after: on a shared machine the
wall-clock ratio means little when the load is above the number of cores.
Prints first the machine's own ceiling: how much faster two processes of
plain arithmetic finish their work than one doing both parts in turn
(2.00x on two real cores; a virtual machine whose two cores are one
core's two hardware threads, or share it with other guests, gives less,
and -j 2 cannot beat it). Then, per input, the same ceiling for the
conversion itself: two -j 1 runs at once against one after the other
(with the conversion's memory traffic, which the arithmetic has not).
Not a test.

Usage: bench.py BUILDDIR [SHARED_DIR] [MB] [RUNS]
"""
import glob, os, re, statistics, subprocess, sys, tempfile, time

build = os.path.abspath(sys.argv[1])
shared = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(__file__),
                                                             "..", "..", "..", "shared")
mb = float(sys.argv[3]) if len(sys.argv) > 3 else 50
runs = int(sys.argv[4]) if len(sys.argv) > 4 else 5
exe = os.path.join(build, "core", "cli", "bibconv")
env = dict(os.environ, BIBCONV_PLUGIN_PATH=":".join(
    os.path.join(build, "plugins", p) for p in ("bibtex", "csljson", "ris")))


def make_inputs(outdir):
    entries = []
    for f in sorted(glob.glob(os.path.join(shared, "corpus", "citation-js", "bibtex-in.*.bib")) +
                    glob.glob(os.path.join(shared, "corpus", "bbt-export", "*.bib"))[:200]):
        p = subprocess.run([exe, "-f", "bibtex", "-t", "csljson", f], capture_output=True,
                           env=env)
        if p.returncode == 0 and not p.stderr:
            text = open(f, encoding="utf-8", errors="replace").read()
            entries += [e for e in
                        re.findall(r"^@(?!string|comment|preamble)\w+\s*\{[^,]*,.*?^\}", text,
                                   re.S | re.M | re.I)
                        if not re.search(r"^\s*(crossref|xdata)\s*=", e, re.M | re.I)]
    if not entries:
        sys.exit("no corpus entries found under " + shared)
    bib = os.path.join(outdir, "in.bib")
    size = i = 0
    with open(bib, "w", encoding="utf-8") as out:
        while size < mb * 1e6:
            for e in entries:
                e2 = re.sub(r"\{[^,]*,", "{k%d," % i, e, count=1)
                out.write(e2 + "\n\n")
                size += len(e2.encode()) + 2
                i += 1
    for fmt, ext in (("ris", "ris"), ("csljsonl", "jsonl")):
        subprocess.run([exe, "-j", "1", "-f", "bibtex", "-t", fmt, "-o",
                        os.path.join(outdir, "in." + ext), bib], capture_output=True, env=env)
    return i


def once(args, out):
    # a new output file, as in a pipeline: renaming the temporary file over
    # the last run's 87 MB output made the kernel free its pages inside
    # rename(2), 16 ms of one core in both modes, which is not conversion
    # (BENCH_OVERWRITE=1 keeps it, for the figure with it)
    if not os.environ.get("BENCH_OVERWRITE") and os.path.exists(out):
        os.unlink(out)
    t0 = time.perf_counter()
    p = subprocess.run(["/usr/bin/time", "-f", "%U %S %M", exe] + args + ["-o", out],
                       capture_output=True, env=env)
    wall = time.perf_counter() - t0
    user, sys_, rss = p.stderr.decode().strip().splitlines()[-1].split()
    return p.returncode, wall, float(user) + float(sys_), int(rss)


SPIN = "x = 0\nfor i in range(6000000):\n    x += i * i\n"


def two_against_one(argv_of, rounds=3):
    """How much faster two processes (argv_of(0), argv_of(1)) finish at
    once than one after the other: the most -j 2 can gain here, medians
    of `rounds` runs."""
    def go(n):
        t0 = time.perf_counter()
        ps = [subprocess.Popen(argv_of(i), env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL) for i in range(n)]
        for p in ps:
            p.wait()
        return time.perf_counter() - t0
    one = statistics.median(go(1) for _ in range(rounds))
    two = statistics.median(go(2) for _ in range(rounds))
    return 2 * one / two


def core_ceiling():
    """Arithmetic in two processes against one (no memory traffic)."""
    return two_against_one(lambda i: [sys.executable, "-c", SPIN])


def pair_ceiling(fmt, src, out):
    """Two -j 1 conversions of the same input at once against one after
    the other: the ceiling with the conversion's memory traffic."""
    outs = ["%s.pair%d" % (out, i) for i in range(2)]
    r = two_against_one(lambda i: [exe, "-j", "1", "-f", fmt, "-t", "csljson", src, "-o",
                                   outs[i]])
    for o in outs:
        if os.path.exists(o):
            os.unlink(o)
    return r


with tempfile.TemporaryDirectory() as tmp:
    print("this machine's ceiling for two busy cores (arithmetic in 2 processes against 1): "
          "%.2fx" % core_ceiling())
    n = make_inputs(tmp)
    print("%d records; load average before: %s" % (n, open("/proc/loadavg").read().split()[:3]))
    print("%-22s %6s  %-28s %-28s %s" % ("input -> csljson", "MB", "-j 1 wall / CPU (median)",
                                         "-j 2 wall / CPU (median)", "speed-up wall, identical; "
                                         "two -j 1 at once"))
    shm = tempfile.mkdtemp(dir="/dev/shm") if os.path.isdir("/dev/shm") else None
    outs = [("disk", tmp)] + ([("memory", shm)] if shm else [])
    for fmt, ext in (("bibtex", "bib"), ("ris", "ris"), ("csljsonl", "jsonl")):
        src = os.path.join(tmp, "in." + ext)
        size = os.path.getsize(src) / 1e6
        # the conversion's own ceiling: into memory when there is one
        pair = pair_ceiling(fmt, src, os.path.join(shm or tmp, "out"))
        for where, outdir in outs:
            res = {}
            # interleaved, so that a change of load hits both alike
            for _ in range(runs):
                for j in (1, 2):
                    res.setdefault(j, []).append(
                        once(["-j", str(j), "-f", fmt, "-t", "csljson", src],
                             os.path.join(outdir, "out.%d" % j)))
            same = open(os.path.join(outdir, "out.1"), "rb").read() == \
                open(os.path.join(outdir, "out.2"), "rb").read()
            for j in (1, 2):
                os.unlink(os.path.join(outdir, "out.%d" % j))
            med = {j: (statistics.median(r[1] for r in res[j]),
                       statistics.median(r[2] for r in res[j]),
                       max(r[3] for r in res[j]), max(r[0] for r in res[j])) for j in res}
            print("%-22s %6.1f  %6.2f s / %5.2f s %5.0f MB   %6.2f s / %5.2f s %5.0f MB   %.2fx, %s%s; %.2fx"
                  % (fmt + " (" + where + ")", size, med[1][0], med[1][1], med[1][2] / 1024,
                     med[2][0], med[2][1], med[2][2] / 1024, med[1][0] / med[2][0],
                     "yes" if same else "NO",
                     "" if med[1][3] == med[2][3] == 0 else " (rc %d/%d)" % (med[1][3], med[2][3]),
                     pair))
    if shm:
        os.rmdir(shm)
    print("load average after: %s" % open("/proc/loadavg").read().split()[:3])
