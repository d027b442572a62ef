#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""bibconv against the converters users have, side by side in one run.

Builds inputs of the same size (50 MB by default) from the corpus -- BibTeX
entries, RIS records, CSL-JSON items, and CSL-YAML written from those items
by bibconv -- each copy with a unique key, then times each conversion with
bibconv and with every peer that can do it:

    pandoc      (Debian package pandoc): BibTeX, CSL-JSON, CSL-YAML in a
                Markdown front matter (RIS only from pandoc 3)
    bibutils    (Debian package bibutils): BibTeX/RIS through its MODS XML
                (bib2xml | xml2ris, bib2xml | xml2bib, ris2xml | xml2bib)
    citation-js (npm: @citation-js/core, plugin-bibtex, plugin-ris,
                plugin-csl) through bench/citation-js.js

and prints one table: MB/s of input by wall clock and by CPU time (user +
system of the converter and its children, from GNU time), the ratio to the
fastest peer (by CPU time: the machine may be shared), and peak RSS. bibconv
runs --runs times and the fastest run counts; peers are slow, so by default
they run once. A peer that is not installed is named as missing; a run that
fails or passes --timeout is shown as such, never dropped.

    python3 bench/peers.py [--build build-release] [--shared DIR]
        [--size-mb 50] [--runs 5] [--peer-runs 1] [--timeout 1200]
        [--citation-js DIR] [--only NAME,...]

--citation-js names a folder holding node_modules/@citation-js (default:
$CITATION_JS_DIR). --only limits the table to some conversions, named as in
its first column with "->" (bibtex->csljson,...). Output of every tool goes
to a file on the temporary directory (stdout redirected), so no tool pays
for an fsync the others skip. Not a correctness test: the peers' outputs
differ from bibconv's in content, and are not compared.
"""
import argparse
import glob
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)

CONVERSIONS = [  # (from, to): the table's rows, in order
    ("bibtex", "csljson"), ("bibtex", "ris"), ("ris", "csljson"), ("csljson", "bibtex"),
    ("csljson", "yaml"), ("yaml", "csljson"), ("bibtex", "bibtex"),
]
LABEL = {"bibtex": "BibTeX", "csljson": "CSL-JSON", "ris": "RIS", "yaml": "YAML"}


# ---- inputs ------------------------------------------------------------------

def bibconv_env(build):
    dirs = sorted(glob.glob(os.path.join(build, "plugins", "*")))
    return dict(os.environ, BIBCONV_PLUGIN_PATH=":".join(d for d in dirs if os.path.isdir(d)))


def clean(exe, env, fmt, path, to):
    """True when bibconv converts the file without a diagnostic: such files
    make the inputs, so the figures measure conversion, not warnings."""
    p = subprocess.run([exe, "-f", fmt, "-t", to, path], capture_output=True, env=env)
    return p.returncode == 0 and not p.stderr


def bib_entries(exe, env, shared):
    out = []
    files = (sorted(glob.glob(os.path.join(shared, "corpus", "citation-js", "bibtex-in.*.bib"))) +
             sorted(glob.glob(os.path.join(shared, "corpus", "bbt-export", "*.bib")))[:200])
    for f in files:
        if not clean(exe, env, "bibtex", f, "csljson"):
            continue
        text = open(f, encoding="utf-8", errors="replace").read()
        for e in re.findall(r"^@(?!string|comment|preamble)\w+\s*\{[^,]*,.*?^\}", text,
                            re.S | re.M | re.I):
            if not re.search(r"^\s*crossref\s*=", e, re.M | re.I):  # parents' keys change
                out.append(e)
    return out


def ris_records(exe, env, shared):
    out = []
    for f in sorted(glob.glob(os.path.join(shared, "corpus", "**", "*.ris"), recursive=True)):
        if not clean(exe, env, "ris", f, "csljson"):
            continue
        text = open(f, encoding="utf-8", errors="replace").read().replace("\r\n", "\n")
        for m in re.finditer(r"^TY  - .*?^ER  -[^\n]*\n", text, re.S | re.M):
            out.append(re.sub(r"^ID  - .*\n", "", m.group(0), flags=re.M))
    return out


def csl_items(exe, env, shared):
    out = []
    files = (sorted(glob.glob(os.path.join(shared, "corpus", "citation-js", "*.csl.json"))) +
             sorted(glob.glob(os.path.join(shared, "corpus", "bbt-export", "*.csl.json"))))
    for f in files:
        if not clean(exe, env, "csljson", f, "bibtex"):
            continue
        try:
            doc = json.load(open(f, encoding="utf-8"))
        except ValueError:
            continue
        if isinstance(doc, list):
            out += [x for x in doc if isinstance(x, dict) and "id" in x]
    return out


def fill(path, size, pieces):
    """Writes pieces() (a generator of strings, each copy numbered n) until
    the file holds `size` bytes; returns the number of pieces."""
    n = written = 0
    with open(path, "w", encoding="utf-8") as out:
        while written < size:
            for s in pieces(n):
                out.write(s)
                written += len(s.encode())
                n += 1
                if written >= size:
                    break
    return n


def has_null(v):
    if v is None:
        return True
    if isinstance(v, dict):
        return any(has_null(x) for x in v.values())
    if isinstance(v, list):
        return any(has_null(x) for x in v)
    return False


def peer_readable(tmp, peers, fmt, records):
    """The records every available peer reads: one a peer rejects fails its
    whole run. pandoc refuses a null anywhere in a CSL item; citation-js is
    asked (bench/citation-js.js --check)."""
    if fmt == "csljson" and not peers["pandoc"][0]:
        records = [r for r in records if not has_null(r)]
        # pandoc stops at the first item it refuses ("Error in $[N]..."):
        # leave that one out and ask again
        lst = os.path.join(tmp, "check.json")
        for _ in range(500):
            with open(lst, "w", encoding="utf-8") as f:
                json.dump(records, f, ensure_ascii=False)
            p = subprocess.run(["pandoc", "-f", "csljson", "-t", "csljson", lst],
                               capture_output=True, text=True)
            m = re.search(r"Error in \$\[(\d+)\]", p.stderr)
            if p.returncode == 0 or not m:
                break
            del records[int(m.group(1))]
        os.unlink(lst)
    why, cmds = peers["citation-js"]
    if why:
        return records
    lst = os.path.join(tmp, "check.json")
    with open(lst, "w", encoding="utf-8") as f:
        json.dump(records, f, ensure_ascii=False)
    node = cmds[("bibtex", "ris")].split(" bibtex ris ")[0]
    p = subprocess.run("%s --check %s %s" % (node, fmt, lst), shell=True, capture_output=True,
                       text=True)
    os.unlink(lst)
    if p.returncode != 0:
        sys.exit("peers: citation-js --check failed: " + p.stderr[-500:])
    return [records[i] for i in json.loads(p.stdout)]


def build_inputs(tmp, exe, env, shared, size, peers):
    """The four inputs (format -> path) and how many records each holds."""
    paths, counts = {}, {}
    entries = peer_readable(tmp, peers, "bibtex", bib_entries(exe, env, shared))
    records = peer_readable(tmp, peers, "ris", ris_records(exe, env, shared))
    items = peer_readable(tmp, peers, "csljson", csl_items(exe, env, shared))
    for what, got in (("BibTeX entries", entries), ("RIS records", records),
                      ("CSL-JSON items", items)):
        if not got:
            sys.exit("peers: no clean corpus %s under %s" % (what, shared))

    paths["bibtex"] = os.path.join(tmp, "in.bib")
    counts["bibtex"] = fill(paths["bibtex"], size, lambda n: (
        re.sub(r"\{[^,]*,", "{k%d," % (n + i), e, count=1) + "\n\n" for i, e in enumerate(entries)))

    paths["ris"] = os.path.join(tmp, "in.ris")
    counts["ris"] = fill(paths["ris"], size, lambda n: (
        r.replace("\n", "\nID  - k%d\n" % (n + i), 1) + "\n" for i, r in enumerate(records)))

    paths["csljson"] = os.path.join(tmp, "in.json")
    with open(paths["csljson"], "w", encoding="utf-8") as out:
        out.write("[\n")
        n = written = 0
        while written < size - 3:
            for it in items:
                x = dict(it, id="k%d" % n)
                s = ("  " if n == 0 else ",\n  ") + json.dumps(x, ensure_ascii=False)
                out.write(s)
                written += len(s.encode())
                n += 1
                if written >= size - 3:
                    break
        out.write("\n]\n")
    counts["csljson"] = n

    # CSL-YAML as bibconv writes it (a Markdown front matter pandoc reads)
    seed = os.path.join(tmp, "seed.json")
    with open(seed, "w", encoding="utf-8") as f:
        json.dump(items, f, ensure_ascii=False)
    body = subprocess.run([exe, "-f", "csljson", "-t", "yaml", "-O", "bare=true", seed],
                          capture_output=True, env=env, check=True).stdout.decode()
    lines = body.splitlines(keepends=True)
    paths["yaml"] = os.path.join(tmp, "in.yaml")
    with open(paths["yaml"], "w", encoding="utf-8") as out:
        out.write("---\nreferences:\n")
        n = written = 0
        while written < size - 20:
            for line in lines:
                if line.startswith("- id: "):
                    if written >= size - 20:
                        break
                    line = "- id: k%d\n" % n
                    n += 1
                out.write(line)
                written += len(line.encode())
        out.write("...\n")
    counts["yaml"] = n
    os.unlink(seed)
    return paths, counts


# ---- tools -------------------------------------------------------------------

def peer_commands(cjs_dir):
    """Per peer: whether it is there (or why not), and its command per
    conversion (a shell command with {in}; None where it has no route)."""
    peers = {}
    if shutil.which("pandoc"):
        fmts = subprocess.run(["pandoc", "--list-input-formats"], capture_output=True,
                              text=True).stdout.split()
        cmds = {
            ("bibtex", "csljson"): "pandoc -f bibtex -t csljson {in}",
            ("csljson", "bibtex"): "pandoc -f csljson -t bibtex {in}",
            ("bibtex", "bibtex"): "pandoc -f bibtex -t bibtex {in}",
            # CSL-YAML is the front matter of a Markdown document to pandoc
            ("csljson", "yaml"): "pandoc -f csljson -t markdown -s {in}",
            ("yaml", "csljson"): "pandoc -f markdown -t csljson {in}",
        }
        if "ris" in fmts:
            cmds[("ris", "csljson")] = "pandoc -f ris -t csljson {in}"
        peers["pandoc"] = (None, cmds)
    else:
        peers["pandoc"] = ("not installed (Debian package pandoc)", {})
    if all(shutil.which(p) for p in ("bib2xml", "xml2ris", "xml2bib", "ris2xml")):
        peers["bibutils"] = (None, {
            ("bibtex", "ris"): "bib2xml {in} 2>/dev/null | xml2ris 2>/dev/null",
            ("bibtex", "bibtex"): "bib2xml {in} 2>/dev/null | xml2bib 2>/dev/null",
        })
    else:
        peers["bibutils"] = ("not installed (Debian package bibutils)", {})
    mods = os.path.join(cjs_dir or "", "node_modules")
    need = ["core", "plugin-bibtex", "plugin-ris", "plugin-csl"]
    lacking = [m for m in need if not os.path.isdir(os.path.join(mods, "@citation-js", m))]
    if not shutil.which("node"):
        peers["citation-js"] = ("node is not installed", {})
    elif not cjs_dir or lacking:
        peers["citation-js"] = ("not installed: npm install @citation-js/{%s} into a folder "
                                "and pass it with --citation-js" % ",".join(need), {})
    else:
        drv = os.path.join(here, "citation-js.js")
        # a 50 MB input needs more than node's default heap
        node = "NODE_PATH=%s node --max-old-space-size=16000 %s" % (mods, drv)
        peers["citation-js"] = (None, {
            (f, t): "%s %s %s {in}" % (node, f, t) for f, t in CONVERSIONS
            if f != "yaml" and t != "yaml"})
    return peers


failures = []  # failed runs' commands and last stderr lines


def timed(cmd, out_path, env, timeout):
    """One run of a shell command under GNU time, stdout to out_path.
    Returns (status, wall s, cpu s, peak RSS MB); status is 'ok', 'exit N',
    or 'timeout'."""
    tfile = out_path + ".time"
    full = ["/usr/bin/time", "-f", "%U %S %M", "-o", tfile, "sh", "-c", cmd]
    with open(out_path, "wb") as out, open(out_path + ".err", "wb") as err:
        t0 = time.perf_counter()
        # a session of its own: a timeout ends the whole pipeline, not GNU time alone
        p = subprocess.Popen(full, stdout=out, stderr=err, env=env, start_new_session=True)
        # a blocking wait, the timeout kept by a timer: Popen.wait(timeout)
        # polls with sleeps of up to 50 ms, which put 15-20 ms into a
        # quarter-second run's wall clock
        expired = threading.Event()

        def kill():
            expired.set()
            os.killpg(p.pid, signal.SIGKILL)

        timer = threading.Timer(timeout, kill)
        timer.start()
        p.wait()
        timer.cancel()
        dt = time.perf_counter() - t0
        if expired.is_set():
            return "timeout", timeout, timeout, 0.0
    if p.returncode > 1:  # say why under the table
        msg = open(out_path + ".err", errors="replace").read().strip().splitlines()
        failures.append("%s: %s" % (cmd, msg[-1] if msg else "no message"))
    fields = open(tfile).read().split()[-3:]
    user, sys_, rss = float(fields[0]), float(fields[1]), int(fields[2])
    # bibconv exits 1 when the input had a problem: still a full conversion
    status = "ok" if p.returncode == 0 or (p.returncode == 1 and os.path.getsize(out_path)) \
        else "exit %d" % p.returncode
    return status, dt, user + sys_, rss / 1024


def progress(name, tool, mb, r):
    """One line per timed tool as it ends, so a cut run still tells."""
    print("  %-22s %-12s %6.1f MB  %-8s wall %8.2f s  CPU %8.2f s  peak %7.1f MB"
          % (name, tool, mb, r[0], r[1], r[2], r[3]), flush=True)


def best_of(cmd, out_path, env, runs, timeout):
    """The run with the least CPU, its wall time replaced by the median
    wall time of all runs (the issue's tables give medians: one run that
    the machine slowed does not count, nor does one lucky run)."""
    best, walls = None, []
    for _ in range(runs):
        r = timed(cmd, out_path, env, timeout)
        if r[0] != "ok":
            return r
        walls.append(r[1])
        if best is None or r[2] < best[2]:
            best = (r[0], r[1], r[2], max(r[3], best[3] if best else 0))
        else:
            best = (best[0], best[1], best[2], max(r[3], best[3]))
    return (best[0], statistics.median(walls), best[2], best[3])


# ---- table -------------------------------------------------------------------

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.path.join(root, "build-release"))
    ap.add_argument("--shared", default=os.environ.get(
        "BIBCONV_SHARED", os.path.join(root, "..", "shared")))
    ap.add_argument("--size-mb", type=float, default=50)
    ap.add_argument("--runs", type=int, default=5, help="bibconv runs (the fastest counts)")
    ap.add_argument("--peer-runs", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=1200, help="seconds per peer run")
    ap.add_argument("--citation-js", default=os.environ.get("CITATION_JS_DIR"))
    ap.add_argument("--only", default="")
    ap.add_argument("--baseline", help="a second build timed beside --build (before/after)")
    a = ap.parse_args()

    # plugin directories go to BIBCONV_PLUGIN_PATH, which takes absolute paths only
    a.build = os.path.abspath(a.build)
    if a.baseline:
        a.baseline = os.path.abspath(a.baseline)
    exe = os.path.join(a.build, "core", "cli", "bibconv")
    if not os.access(exe, os.X_OK):
        sys.exit("peers: no %s (build a release tree first, see bench/README.md)" % exe)
    if not os.access("/usr/bin/time", os.X_OK):
        sys.exit("peers: needs GNU time (/usr/bin/time, Debian package time)")
    env = bibconv_env(a.build)
    only = {tuple(x.split("->")) for x in a.only.split(",") if x}
    rows = [c for c in CONVERSIONS if not only or c in only]
    peers = peer_commands(a.citation_js)
    missing = ["%s: %s" % (name, why) for name, (why, _) in peers.items() if why]

    with tempfile.TemporaryDirectory(prefix="bibconv-peers-") as tmp:
        paths, counts = build_inputs(tmp, exe, env, a.shared, int(a.size_mb * 1e6), peers)
        print("inputs: " + ", ".join("%s %.1f MB (%d records)"
                                     % (LABEL[f], os.path.getsize(p) / 1e6, counts[f])
                                     for f, p in paths.items()))
        print("bibconv: CPU the fastest of %d runs, wall their median; peers: the same of %d;"
              " MB/s of input" % (a.runs, a.peer_runs))
        if missing:
            print("MISSING PEERS: " + "; ".join(missing))
        print()
        table, detail = [], []
        for f, t in rows:
            src = paths[f]
            mb = os.path.getsize(src) / 1e6
            outp = os.path.join(tmp, "out")
            # one thread: the table is the single-threaded figure (the
            # default, -j auto, takes the cores to CSL-JSON; bench/jobs/)
            bc = best_of("%s -j 1 -f %s -t %s %s" % (exe, f, t, src), outp, env, a.runs,
                         a.timeout)
            name = "%s → %s" % (LABEL[f], LABEL[t])
            progress(name, "bibconv", mb, bc)
            if a.baseline:
                base = os.path.join(a.baseline, "core", "cli", "bibconv")
                r = best_of("%s -j 1 -f %s -t %s %s" % (base, f, t, src), outp,
                            bibconv_env(a.baseline), a.runs, a.timeout)
                progress(name, "baseline", mb, r)
                detail.append((name, "baseline", mb, r))
            results = []
            for peer, (why, cmds) in peers.items():
                if why or (f, t) not in cmds:
                    continue
                r = best_of(cmds[(f, t)].format(**{"in": src}), outp, env, a.peer_runs,
                            a.timeout)
                results.append((peer, r))
                detail.append((name, peer, mb, r))
                progress(name, peer, mb, r)
            detail.append((name, "bibconv", mb, bc))
            ok = [(p, r) for p, r in results if r[0] == "ok"]
            fastest = min(ok, key=lambda pr: pr[1][2]) if ok else None
            table.append((name, mb, bc, fastest, results))
            sys.stdout.flush()

    def rate(mb, s):
        return "%.1f" % (mb / s) if s > 0 else "-"

    print("| conversion | bibconv MB/s wall | CPU | fastest peer | peer MB/s wall | CPU "
          "| ratio (CPU) | ratio (wall) | bibconv peak RSS | peer peak RSS |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, mb, bc, fastest, results in table:
        bcs = bc[0] == "ok"
        cells = [name, rate(mb, bc[1]) if bcs else bc[0], rate(mb, bc[2]) if bcs else ""]
        if fastest:
            p, r = fastest
            cells += [p, rate(mb, r[1]), rate(mb, r[2]),
                      "%.1f×" % (r[2] / bc[2]) if bcs else "-",
                      "%.1f×" % (r[1] / bc[1]) if bcs else "-"]
        else:
            why = ", ".join("%s %s" % (p, r[0]) for p, r in results) or "no peer"
            cells += [why, "", "", "", ""]
        cells += ["%.0f MB" % bc[3] if bcs else "",
                  "%.0f MB" % fastest[1][3] if fastest else ""]
        print("| " + " | ".join(cells) + " |")
    print()
    print("every run: conversion, tool, MB, status, wall s, CPU s, MB/s (CPU), peak RSS MB")
    for name, tool, mb, r in detail:
        print("  %-22s %-12s %6.1f  %-8s %8.2f %8.2f %8s %8.1f"
              % (name, tool, mb, r[0], r[1], r[2], rate(mb, r[2]), r[3]))
    for f in failures:
        print("FAILED: " + f)
    if missing:
        print("MISSING PEERS: " + "; ".join(missing))


if __name__ == "__main__":
    main()
