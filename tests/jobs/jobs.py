#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""-j N reads an input in pieces with several threads; the output, the
diagnostics (stderr, text and JSON), and the exit status must be byte for
byte those of -j 1. Pieces are made tiny (BIBCONV_JOBS_PIECE) so that
small inputs are cut many times, right next to errors, duplicate keys,
keyless records, junk and comments. Inputs that tie records together
(@string, crossref) must fall back to one thread and still match.
BIBCONV_JOBS_TRACE tells how many pieces a run used, so the test fails if
the parallel path silently never runs.

Then every BibTeX, RIS and JSON Lines file of the corpus longer than a
piece (../shared, every
BIBCONV_CORPUS_STRIDE-th; skipped when absent) is compared the same way.

Usage: jobs.py BIBCONV
"""
import glob
import os
import re
import subprocess
import sys
import tempfile

exe = sys.argv[1]
failures = []


def run(args, jobs, piece, stdin=None, trace=False, env_extra=None):
    """jobs None: no -j (the default)."""
    env = dict(os.environ, BIBCONV_JOBS_PIECE=str(piece), **(env_extra or {}))
    env.pop("BIBCONV_JOBS_TRACE", None)
    if trace:
        env["BIBCONV_JOBS_TRACE"] = "1"
    jarg = [] if jobs is None else ["-j", str(jobs)]
    p = subprocess.run([exe] + jarg + ["--no-progress"] + args, input=stdin,
                       capture_output=True, env=env, timeout=60)
    return p.returncode, p.stdout, p.stderr


def compare(what, args, stdin=None, runs=((97, 2), (300, 4), (4096, 3)), env_extra=None):
    ref = run(args, 1, 1 << 20, stdin)
    for piece, j in runs:
        got = run(args, j, piece, stdin, env_extra=env_extra)
        if got != ref:
            failures.append("%s: -j %d (pieces of %d bytes) differs from -j 1:\n"
                            " rc %d vs %d, stdout %s\n stderr:\n%s\n vs\n%s" % (
                                what, j, piece, got[0], ref[0],
                                "same" if got[1] == ref[1] else "differs",
                                got[2].decode()[:1500], ref[2].decode()[:1500]))
            return


def pieces_used(args, piece=300, jobs=2, env_extra=None):
    err = run(args, jobs, piece, trace=True, env_extra=env_extra)[2].decode()
    for line in err.splitlines():
        if line.startswith("bibconv: jobs: "):
            return line
    return ""


# ---- generated inputs ---------------------------------------------------------

def bibtex_input(n):
    out = ["% a file written for the -j test", "@comment{jabref-meta: x}", ""]
    for i in range(n):
        k = "k%d" % (i % 37 if i % 11 == 0 else i)  # duplicate keys across pieces
        if i % 13 == 5:
            out += ["@article{%s," % k, "  title = {Unterminated %d" % i, "  year = 2020,", ""]
        elif i % 17 == 3:
            out += ["@misc{", "  title = {Keyless %d}," % i, "  year = {19%02d}" % (i % 100),
                    "}", ""]
        elif i % 19 == 7:
            out += ["stray text user@example.org between entries", "@book{%s," % k,
                    "  author = {M{\\\"u}ller, J.}", "  title = {Missing comma %d}" % i,
                    "  year = 1999", "}", ""]
        elif i % 23 == 9:
            out += ["%@article{commented" + str(i) + ", title={x}}", ""]
        else:
            out += ["@article{%s," % k, "  author = {Doe, Jane and Roe, R.}",
                    "  title = {On {T}opic %d: caf\\'e \\& more}" % i,
                    "  journal = {J}, year = %d," % (1990 + i % 30),
                    "  doi = {%s}," % ("bad" if i % 29 == 1 else "10.1000/x%d" % i),
                    "  abstract = {line one", "@notanentry inside a value", "  }", "}", ""]
    return "\n".join(out) + "\n"


def ris_input(n):
    out = ["header junk line", ""]
    for i in range(n):
        if i % 13 == 4:
            out += ["TY  - JOUR", "TI  - no end %d" % i, ""]  # TY before ER: warned
        elif i % 17 == 2:
            out += ["junk %d" % i, "more junk", ""]
        out += ["TY  - JOUR", "ID  - r%d" % (i % 41 if i % 7 == 0 else i),
                "AU  - Doe, Jane", "TI  - Title %d" % i, "  continued", "PY  - %d" % (1990 + i % 30),
                "DO  - %s" % ("bad" if i % 29 == 1 else "10.1000/r%d" % i)]
        if i % 31 == 6:
            out += ["ER -"]  # a bad tag line
        if i % 37 == 8:
            out += ["ty  - BOOK"]
        out += ["ER  - ", ""]
    return "\n".join(out) + "\n"


def jsonl_input(n):
    out = []
    for i in range(n):
        if i % 13 == 3:
            out.append('{"id": "j%d", "title": ' % i)
        elif i % 17 == 5:
            out.append("")
        elif i % 19 == 2:
            out.append('{"type": "book", "title": "Keyless %d", "issued": {"date-parts": [[%d]]}}'
                       % (i, 1990 + i % 30))
        else:
            out.append('{"id": "j%d", "type": "article-journal", "title": "T %d", '
                       '"author": [{"family": "Doe", "given": "J"}], "DOI": "%s"}'
                       % (i % 43 if i % 7 == 0 else i, i, "bad" if i % 29 == 1 else "10.1/j%d" % i))
    return "\n".join(out) + "\n"


with tempfile.TemporaryDirectory() as tmp:
    files = {}
    for name, text in (("gen.bib", bibtex_input(300)), ("gen.ris", ris_input(300)),
                       ("gen.jsonl", jsonl_input(400)), ("crlf.bib", bibtex_input(80).replace("\n", "\r\n")),
                       ("crlf.ris", ris_input(80).replace("\n", "\r\n")),
                       ("cr.bib", bibtex_input(60).replace("\n", "\r"))):
        path = os.path.join(tmp, name)
        with open(path, "w", encoding="utf-8", newline="") as f:
            f.write(text)
        files[name] = path
    strings = os.path.join(tmp, "strings.bib")
    with open(strings, "w") as f:
        f.write(bibtex_input(100) + '@string{jj = "Journal of J"}\n@article{s1, journal = jj, '
                'title={S}}\n' + bibtex_input(50))
    late_xref = os.path.join(tmp, "late-xref.bib")
    with open(late_xref, "w") as f:
        f.write(bibtex_input(120) + "@inproceedings{c1, title={Child}, crossref={p1}}\n" +
                bibtex_input(30) + "@proceedings{p1, title={Parent}, year=2001}\n")
    xref = os.path.join(tmp, "xref.bib")
    with open(xref, "w") as f:
        f.write("@inproceedings{c1, title={Child}, crossref={p1}}\n" + bibtex_input(100) +
                "@proceedings{p1, title={Parent}, year=2001, publisher={P}}\n")

    # keyless records whose made keys collide across pieces: the pieces'
    # writers make the same base key, the replay takes it once and has the
    # run's writer write the others again (suffixes as one thread gives)
    same = os.path.join(tmp, "same.jsonl")
    with open(same, "w") as f:
        f.write('{"id": "j0", "title": ' + "\n")  # the first record is lost
        for i in range(300):
            f.write('{"type": "book", "title": "Same", "author": [{"family": "Doe"}], '
                    '"issued": {"date-parts": [[2001]]}}\n' if i % 3 else
                    '{"id": "doe2001same%s", "title": "Taken %d"}\n' % ("ab"[i % 2], i))
    samebib = os.path.join(tmp, "same.bib")
    with open(samebib, "w") as f:
        for i in range(200):
            f.write("@book{,\n  title = {Same},\n  author = {Doe, J.},\n  year = 2001\n}\n\n"
                    if i % 4 else "@book{b%d,\n  title = {Other %d}\n}\n\n" % (i % 9, i))
    files["same.jsonl"], files["same.bib"] = same, samebib

    # values, lines and entries on both sides of a small bound: which ones
    # are errors must not depend on where pieces and windows fall (before,
    # an entry that came whole in a window passed, one cut by a refill was
    # "too long"; a JSON line or item likewise)
    import random
    rnd = random.Random(7)
    near = [rnd.randint(3800, 4400) for _ in range(120)]
    word = "word " * 1000
    for name, text in (
            ("near.bib", "".join("@article{n%d,\n  title = {%s},\n  year = 2020\n}\n\n"
                                 % (i, word[:k]) for i, k in enumerate(near))),
            ("near.ris", "".join("TY  - JOUR\nID  - n%d\nTI  - %s\nER  - \n\n"
                                 % (i, word[:k]) for i, k in enumerate(near))),
            ("near.jsonl", "".join('{"id": "n%d", "title": "%s"}\n' % (i, word[:k - 30])
                                   for i, k in enumerate(near))),
            ("near.json", "[\n" + ",\n".join('  {\n    "id": "n%d",\n    "title": "%s"\n  }'
                                               % (i, word[:k - 40])
                                               for i, k in enumerate(near)) + "\n]\n")):
        path = os.path.join(tmp, name)
        with open(path, "w") as f:
            f.write(text)
        files[name] = path
    for name in ("near.bib", "near.ris", "near.jsonl", "near.json"):
        compare("%s under --max-value=4K" % name, ["--max-value=4K", "-t", "csljsonl",
                                                    files[name]])
    # a pretty-printed item past the bound is skipped whole: the items after
    # it are read (its first line alone was dropped, the rest read as junk)
    rc, out, err = run(["--max-value=4K", "-t", "csljsonl", files["near.json"]], 1, 1 << 20)
    errs = err.decode().count(": error:")
    if out.count(b"\n") + errs != len(near) or not errs or b"JSON value longer" not in err:
        failures.append("near.json: %d items read and %d errors, expected %d in all"
                        % (out.count(b"\n"), errs, len(near)))

    # long runs of blank lines: the cutting thread's line count adds up
    # to 255 line ends per vector lane before it sums them (core/jobs.c,
    # count_lines); a line number after each run tells
    blanks = os.path.join(tmp, "blanks.bib")
    with open(blanks, "w") as f:
        for i in range(12):
            f.write("@book{b%d,\n  title = {T},\n  year = 20x%d\n}\n" % (i, i)
                    + "\n" * (3000 * i + 1))
    compare("blank runs -> csljson", ["-f", "bibtex", "-t", "csljson", blanks])

    g = files
    compare("keyless collisions -> csljson", ["-f", "csljsonl", "-t", "csljson", same])
    compare("keyless collisions -> csljsonl", ["-f", "csljsonl", "-t", "csljsonl", same])
    compare("keyless bibtex collisions", ["-f", "bibtex", "-t", "csljson", samebib])
    compare("keyless collisions, strict", ["-f", "csljsonl", "-t", "csljson", "--strict",
                                           same])
    compare("keyless collisions, compact", ["-f", "csljsonl", "-t", "csljson", "-O",
                                            "compact=true", same])
    compare("bibtex -> csljson", ["-f", "bibtex", "-t", "csljson", g["gen.bib"]])
    compare("bibtex -> bibtex", ["-f", "bibtex", "-t", "bibtex", g["gen.bib"]])
    compare("biblatex -> ris, json diagnostics", ["-f", "biblatex", "-t", "ris",
                                                   "--diagnostics=json", g["gen.bib"]])
    compare("bibtex keys=regenerate, verbose", ["-f", "bibtex", "-t", "bibtex", "-O",
                                               "keys=regenerate", "-v", g["gen.bib"]])
    compare("bibtex strict", ["-f", "bibtex", "-t", "csljson", "--strict", g["gen.bib"]])
    compare("bibtex CRLF", ["-f", "bibtex", "-t", "csljsonl", g["crlf.bib"]])
    compare("bibtex CR", ["-f", "bibtex", "-t", "csljsonl", g["cr.bib"]])
    compare("bibtex detected, check", ["check", g["gen.bib"]])
    compare("ris -> csljson", ["-f", "ris", "-t", "csljson", g["gen.ris"]])
    compare("ris -> bibtex keys=auto", ["-f", "ris", "-t", "bibtex", "-O", "keys=auto",
                                        g["gen.ris"]])
    compare("ris strict", ["-f", "ris", "-t", "ris", "--strict", g["gen.ris"]])
    compare("ris CRLF", ["-f", "ris", "-t", "csljsonl", g["crlf.ris"]])
    compare("csljsonl -> bibtex", ["-f", "csljsonl", "-t", "bibtex", g["gen.jsonl"]])
    compare("csljsonl -> csljson, json diagnostics",
            ["-f", "csljsonl", "-t", "csljson", "--diagnostics=json", g["gen.jsonl"]])
    compare("csljsonl --sort --dedupe", ["-f", "csljsonl", "-t", "csljsonl", "--sort=title",
                                         "--dedupe", g["gen.jsonl"]])
    compare("two inputs", ["-t", "csljson", g["gen.bib"], g["gen.ris"], g["gen.jsonl"]])
    compare("@string", ["-f", "bibtex", "-t", "csljson", strings])
    compare("crossref", ["-f", "bibtex", "-t", "bibtex", xref])
    with open(g["gen.bib"], "rb") as f:
        text = f.read()
        compare("standard input", ["-f", "bibtex", "-t", "ris", "-"], stdin=text)
        compare("standard input, written apart", ["-f", "bibtex", "-t", "csljson", "-"],
                stdin=text)

    # the parallel path runs where it may, and only there
    for name in ("gen.bib", "gen.ris", "gen.jsonl"):
        t = pieces_used(["-t", "csljson", g[name]])
        m = re.search(r"(\d+) pieces", t)
        if not m or "serial" in t or int(m.group(1)) < 10:
            failures.append("%s: expected many pieces, got %r" % (name, t))
    # a writer that writes pieces (CSL-JSON) writes on the workers
    for name in ("gen.bib", "gen.ris", "gen.jsonl", "same.jsonl"):
        t = pieces_used(["-t", "csljson", g[name]] + (["-f", "csljsonl"] if "same" in name
                                                       else []))
        if "written apart" not in t:
            failures.append("%s: expected the pieces written apart, got %r" % (name, t))
    # the default (no -j, or -j auto): the cores this process may use, up
    # to 8, when the workers write (CSL-JSON, JSON Lines) and the records
    # go to the writer unchanged; one thread otherwise
    cores = min(len(os.sched_getaffinity(0)), 8)
    for jobs in (None, "auto"):
        for args, apart in ((["-t", "csljson"], True), (["-t", "csljsonl"], True),
                            (["-t", "ris"], False), (["-t", "bibtex"], False),
                            (["-t", "csljson", "--sort=key"], False)):
            t = pieces_used(args + [g["gen.bib"]], jobs=jobs)
            want = apart and cores > 1
            if want != ("written apart" in t) or (not want and t):
                failures.append("-j %s %s: expected %s, got %r" % (
                    jobs, " ".join(args), "the pieces written apart" if want else "one thread",
                    t))
        compare("-j %s -> csljson" % jobs, ["-f", "bibtex", "-t", "csljson", g["gen.bib"]],
                runs=((300, jobs),))
    for path in (strings, xref):
        t = pieces_used(["-f", "bibtex", "-t", "csljson", path])
        if "serial" not in t:
            failures.append("%s: expected one thread, got %r" % (os.path.basename(path), t))
    # a serial mark late in the input: the pieces before it are said and
    # written while the cut goes on, then one reader reads the input from
    # its start, passing over what was said (the lockstep seam makes the
    # cut wait for each piece's replay, so that this path runs every time)
    step = {"BIBCONV_JOBS_LOCKSTEP": "1"}
    for path in (strings, late_xref):
        name = os.path.basename(path)
        for args in (["-t", "csljson"], ["-t", "bibtex"], ["-t", "ris", "-v"],
                     ["-t", "csljson", "--diagnostics=json"], ["-t", "csljson", "--strict"]):
            compare("%s, serial mark after pieces said: %s" % (name, " ".join(args)),
                    ["-f", "bibtex"] + args + [path], env_extra=step)
        with open(path, "rb") as f:
            compare("%s on standard input, serial mark after pieces said" % name,
                    ["-f", "bibtex", "-t", "csljson", "-"], stdin=f.read(), env_extra=step)
        t = pieces_used(["-f", "bibtex", "-t", "csljson", path], env_extra=step)
        m = re.search(r"records replayed: (\d+)", t)
        if "serial" not in t or not m or int(m.group(1)) < 50:
            failures.append("%s: expected records said before the serial mark, got %r" % (name, t))

# ---- the corpus -----------------------------------------------------------------

shared = os.environ.get("BIBCONV_SHARED", "")
corpus = os.path.join(shared, "corpus")
if os.path.isdir(corpus):
    # every 3rd file by default (a few seconds); BIBCONV_JOBS_CORPUS=all for all
    stride = max(1, int(os.environ.get("BIBCONV_CORPUS_STRIDE", "3") or 3))
    if os.environ.get("BIBCONV_JOBS_CORPUS") == "all":
        stride = 1
    paths = sorted(glob.glob(os.path.join(corpus, "**", "*.bib"), recursive=True) +
                   glob.glob(os.path.join(corpus, "**", "*.ris"), recursive=True) +
                   glob.glob(os.path.join(corpus, "**", "*.jsonl"), recursive=True))
    paths = [p for p in paths if os.path.getsize(p) > 256][::stride]
    # many inputs per run (-j applies to each); a batch that differs is
    # compared file by file to name the culprit
    for b in range(0, len(paths), 60):
        batch = paths[b:b + 60]
        before = len(failures)
        compare("corpus batch %d" % (b // 60), ["-t", "csljson"] + batch, runs=((256, 3),))
        if len(failures) > before:
            del failures[before:]
            for path in batch:
                compare(os.path.relpath(path, corpus), ["-t", "csljson", path], runs=((256, 3),))
    print("corpus: %d files compared" % len(paths))
else:
    print("corpus: ../shared absent, generated inputs only")

for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
