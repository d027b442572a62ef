#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Throughput (MB/s of input) and peak RSS of whole conversions with the
built command. Inputs are generated into a temporary directory from real
items: the CSL-JSON items of ../shared/corpus when present, else
samples/example.json, repeated with unique ids up to the requested size.

    python3 bench/bench.py [--build build] [--size-mb 50] [--runs 3]

Prints one line per conversion: size, best time, MB/s, peak RSS. Peak RSS
is measured by GNU time (/usr/bin/time, Debian package "time"): the
ru_maxrss that Python's own wait4 reports would include the Python process
that forked the converter.
Run it twice with different sizes to see that memory does not grow with the
input.
"""
import argparse
import glob
import json
import os
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)


def corpus_items():
    shared = os.environ.get("BIBCONV_SHARED", os.path.join(root, "..", "shared"))
    items = []
    for path in sorted(glob.glob(os.path.join(shared, "corpus", "**", "*.json"), recursive=True)):
        if "/schema/" in path:
            continue
        try:
            doc = json.load(open(path, encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        if isinstance(doc, list) and doc and all(isinstance(x, dict) and "id" in x for x in doc):
            items.extend(doc)
    if not items:
        items = json.load(open(os.path.join(root, "samples", "example.json")))
    return items


def generate(path_json, path_jsonl, size):
    items = corpus_items()
    n = 0
    written = 0
    with open(path_json, "w", encoding="utf-8") as fa, open(path_jsonl, "w", encoding="utf-8") as fl:
        fa.write("[\n")
        while written < size:
            for it in items:
                x = dict(it)
                x["id"] = "%s-%d" % (it.get("id"), n)
                n += 1
                s = json.dumps(x, ensure_ascii=False)
                fa.write(("  " if n == 1 else ",\n  ") + s)
                fl.write(s + "\n")
                written += len(s.encode()) + 4
                if written >= size:
                    break
        fa.write("\n]\n")
    return n


def run(cmd, runs):
    best = None
    rss = 0
    for _ in range(runs):
        # stderr goes to a file: a pipe nobody reads would block the child
        with open(os.devnull, "wb") as null, tempfile.TemporaryFile() as errf:
            t0 = time.perf_counter()
            p = subprocess.Popen(["/usr/bin/time", "-f", "@@RSS %M"] + cmd,
                                 stdout=null, stderr=errf)
            _, status, _ = os.wait4(p.pid, 0)
            dt = time.perf_counter() - t0
            errf.seek(0)
            err = errf.read().decode(errors="replace")
            kb = [l for l in err.splitlines() if l.startswith("@@RSS ")]
            ru_kb = int(kb[-1].split()[1]) if kb else 0
        if os.WEXITSTATUS(status) > 1:  # 1: some corpus items are invalid on purpose
            sys.exit("bench: %s failed: %s" % (" ".join(cmd), err[:500]))
        best = dt if best is None else min(best, dt)
        rss = max(rss, ru_kb)
    return best, rss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(root, "build"))
    ap.add_argument("--size-mb", type=float, default=50)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    exe = os.path.join(a.build, "core", "cli", "bibconv")
    with tempfile.TemporaryDirectory() as tmp:
        fj = os.path.join(tmp, "big.json")
        fl = os.path.join(tmp, "big.jsonl")
        n = generate(fj, fl, int(a.size_mb * 1e6))
        cases = [
            ("csljson -> csljson", [exe, "-j", "1", "-f", "csljson", "-t", "csljson", fj], fj),
            ("csljsonl -> csljsonl", [exe, "-j", "1", "-f", "csljsonl", "-t", "csljsonl", fl], fl),
            ("csljson -> csljsonl", [exe, "-j", "1", "-f", "csljson", "-t", "csljsonl", fj], fj),
        ]
        print("%d items" % n)
        for name, cmd, path in cases:
            size = os.path.getsize(path)
            t, rss = run(cmd, a.runs)
            print("%-24s %7.1f MB  %6.2f s  %7.1f MB/s  peak RSS %6.1f MB"
                  % (name, size / 1e6, t, size / 1e6 / t, rss / 1024))


if __name__ == "__main__":
    main()
