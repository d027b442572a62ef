#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""What one small conversion costs before and around its records: runs
each command below RUNS times (default 200) on samples/example.bib and
prints the mean wall time per run, the CPU time (user + system of the
children) and the minor page faults per run (getrusage of the children).
Scripts that call bibconv once a file pay this on every file; the figures
also show what opening plugin modules costs (docs/plugin-guide.md,
"Index files": a conversion opens its two modules, detection and
--list-formats open every one). /bin/true is the floor: starting any
program. Not a test.

Usage: startup.py BUILDDIR [RUNS] [BUILDDIR2]
With a second build directory the two are run alternately, command by
command, so a change of the machine's speed hits both alike.
"""
import os, resource, subprocess, sys, time

here = os.path.dirname(os.path.abspath(__file__))
sample = os.path.join(here, "..", "..", "samples", "example.bib")
builds = [os.path.abspath(sys.argv[1])] + [os.path.abspath(b) for b in sys.argv[3:4]]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 200

CASES = [("bibtex -> csljson (-f, -t)", ["-f", "bibtex", "-t", "csljson", sample]),
         ("detected -> csljson (no -f)", ["-t", "csljson", sample]),
         ("--list-formats", ["--list-formats"])]


def env_of(build):
    plugins = os.path.join(build, "plugins")
    dirs = [os.path.join(plugins, d) for d in sorted(os.listdir(plugins))
            if os.path.isdir(os.path.join(plugins, d))]
    return dict(os.environ, BIBCONV_PLUGIN_PATH=":".join(dirs))


def measure(cmd, env):
    """(ms wall, ms CPU, minor faults) per run, means over the runs."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    with open(os.devnull, "wb") as null:
        for _ in range(runs):
            subprocess.run(cmd, stdout=null, stderr=null, env=env, check=False)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return (1000 * wall / runs, 1000 * cpu / runs,
            (after.ru_minflt - before.ru_minflt) / runs)


print("%d runs each; mean per run: wall ms, CPU ms, minor page faults" % runs)
w, c, f = measure(["/bin/true"], dict(os.environ))
print("%-30s %-10s %7.2f %7.2f %7.0f" % ("/bin/true", "", w, c, f))
for name, args in CASES:
    for k, b in enumerate(builds):
        exe = os.path.join(b, "core", "cli", "bibconv")
        w, c, f = measure([exe] + args, env_of(b))
        print("%-30s %-10s %7.2f %7.2f %7.0f" % (name, "build %d" % (k + 1) if len(builds) > 1
                                                  else "", w, c, f))
