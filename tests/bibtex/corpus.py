#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Whole-conversion tests of the bibtex plugin over the shared corpus.

Checks: every .bib converts to CSL-JSON without a crash (exit status < 2 and
no signal); the tricky cases come out as tricky/expected.md says; a broken
entry costs only that entry; bibtex -> bibtex and bibtex -> csljson ->
bibtex keep the records (compared through CSL-JSON); and prints the field
agreement rate with citation-js's expected CSL-JSON. Not for: unit tests of
the lexer (test_lexer.c). Exits 77 when the corpus is absent.
"""
import re, glob, json, os, subprocess, sys, tempfile

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
import batch as batching  # noqa: E402  (tests/common/batch.py)

shared = os.environ.get("BIBCONV_SHARED", "")
if not os.path.isdir(shared):
    sys.exit(77)
build = os.environ["BIBCONV_BUILDDIR"]
exe = os.path.join(build, "core", "cli", "bibconv")
failures = []


def run(args, data=None):
    p = subprocess.run([exe] + args, input=data, capture_output=True)
    if p.returncode < 0 or b"Sanitizer" in p.stderr or b"runtime error" in p.stderr:
        failures.append("crash: %s: %s" % (args, p.stderr[-300:]))
    return p


def items(out):
    try:
        return json.loads(out.decode() or "[]")
    except ValueError:
        return None


def check(cond, what):
    if not cond:
        failures.append(what)


# 1. every .bib converts without a crash
bibs = sorted(glob.glob(os.path.join(shared, "**", "*.bib"), recursive=True))
# in batches (one process start per 50 files: what a sanitizer build pays
# for); a batch that crashed is run again file by file to name the culprit
for i in range(0, len(bibs), 50):
    batch = bibs[i:i + 50]
    n = len(failures)
    run(["-f", "bibtex", "-t", "csljson"] + batch)
    if len(failures) > n:
        del failures[n:]
        for b in batch:
            run(["-f", "bibtex", "-t", "csljson", b])
# BIBCONV_CORPUS_STRIDE=N: the round trips below on every Nth file only
# (the sanitizer run in CI; the plain run takes them all)
stride = max(1, int(os.environ.get("BIBCONV_CORPUS_STRIDE", "1") or 1))
print("corpus: %d .bib files converted" % len(bibs))

# 2. tricky cases
tricky = os.path.join(shared, "corpus", "tricky", "tricky.bib")
p = run(["-f", "bibtex", "-t", "csljson", tricky])
recs = {r["id"]: r for r in items(p.stdout) or []}
err = p.stderr.decode()
check("tricky.bib:1" in err and "error" in err, "t13: no located error: " + err)
check("t14after" in recs, "t14 lost after the broken entry")
check("t13unclosed" not in recs, "t13 should be skipped")
a = recs.get("t01accents", {})
check([n.get("family") for n in a.get("author", [])] == ["Müller", "Dupont", "Straßer", "Viète"],
      "t01 names: %s" % a.get("author"))
check(a.get("title") == "Café Culture and Ångström Größen", "t01 title: %s" % a.get("title"))
v = recs.get("t04von", {}).get("author", [{}])
check(v[0].get("family") == "Beethoven" and (v[0].get("non-dropping-particle") or
      v[0].get("dropping-particle")) == "van", "t04: %s" % v[0])
j = recs.get("t05jr", {}).get("author", [{}])
check(j[0].get("suffix") == "Jr." and j[0].get("given") == "John", "t05: %s" % j[0])
c = recs.get("t03corporate", {}).get("author", [{}])
check(c[0].get("literal") == "World Health Organization", "t03: %s" % c[0])
m = recs.get("t07macros", {})
check(m.get("container-title") == "Journal of Tricky Tests" and
      m.get("publisher") == "ACME Press" and
      m.get("issued", {}).get("date-parts") == [[2007, 1]], "t07: %s" % m)
check(recs.get("t08month", {}).get("issued", {}).get("date-parts") == [[2008, 9]], "t08")
ch = recs.get("t09child", {})
check(ch.get("container-title") == "Proceedings of the Tricky Conference" and
      ch.get("publisher") == "Conf Press" and
      ch.get("issued", {}).get("date-parts") == [[2009]], "t09: %s" % ch)
check(recs.get("t11daterange", {}).get("issued", {}).get("date-parts") ==
      [[2020, 3], [2020, 5]], "t11")
check(recs.get("t12percent", {}).get("title") == "A 50% Discount on URL-encoded%20Text",
      "t12")

# a '%' that ends its line inside a value is TeX's comment (test_bibtex.c,
# test_percent_end_of_line_comment), read as BibTeX and as BibLaTeX
for fmt in ("bibtex", "biblatex"):
    p = run(["-f", fmt, "-t", "csljson", os.path.join(shared, "corpus", "pandoc", "7668.in.bib")])
    jw = {r["id"]: r for r in items(p.stdout) or []}.get("JW83", {})
    check(jw.get("issued") == {"date-parts": [[1983]]}, "7668 %s: year: %s" % (fmt, jw))
    p = run(["-f", fmt, "-t", "csljson", os.path.join(
        shared, "corpus", "bbt-import",
        "some-bibtex-entries-quietly-discarded-on-import-from-bib-file-873.bib")])
    nv = {r["id"]: r for r in items(p.stdout) or []}.get("Norvig:thesis", {})
    check(nv.get("publisher") == "Computer Science Division (EECS), "
          "University of California at Berkeley", "873 %s: school: %s" % (fmt, nv))

# 3. malformed entries cost one entry each
bad = b"""@article{a1, title = {One}, year = 2001}
@article{a2, title = {Two} = 2002}
@article{a3, title = "Three, year = 2003}
@article{a4, title = {Four}, year = 2004}
"""
p = run(["-f", "bibtex", "-t", "csljson", "-"], bad)
ids = [r["id"] for r in items(p.stdout) or []]
check(ids == ["a1", "a4"], "malformed: got %s, stderr %s" % (ids, p.stderr))
check(b"<stdin>:2:" in p.stderr, "malformed: error not on line 2: %s" % p.stderr)


# 4. round trips, compared through CSL-JSON (custom, which holds the raw
# BibTeX extras, is left out: values are compared after conversion)
def strip(rs):
    out = []
    for r in rs or []:
        r = dict(r)
        r.pop("custom", None)
        out.append(r)
    return out


# classic BibTeX's entry types (plain.bst defines no others): the classic
# writer gives any other its classic counterpart, so its CSL type (and a
# thesis's genre) cannot survive bibtex -> bibtex (docs/fidelity.md)
CLASSIC = {"article", "book", "booklet", "conference", "inbook", "incollection",
           "inproceedings", "manual", "mastersthesis", "misc", "phdthesis",
           "proceedings", "techreport", "unpublished"}


def same_records(first, got, classic=False):
    """Equal after conversion; a key the writer had to generate (the source
    entry had none) is not a difference."""
    kinds = [((r.get("custom") or {}).get("bibtex") or {}).get("entrytype", "")
             for r in first or []]
    first, got = strip(first), strip(got)
    if len(first) != len(got):
        return False
    for a, g, kind in zip(first, got, kinds):
        if classic and kind.lower() not in CLASSIC:
            for k in ("type", "genre"):
                a.pop(k, None)
                g.pop(k, None)
        if "id" not in a:
            g.pop("id", None)
        if a != g:
            return False
    return True


def unused():
    out = []
    return out


same = diff = skipped = 0
CROSSREF = re.compile(rb"(?i)\bcrossref\s*=")


def quiet(args, data=None):
    """run() for a batch: a crash is not recorded (the file-by-file rerun
    records it), only seen."""
    p = subprocess.run([exe] + args, input=data, capture_output=True)
    crashed = p.returncode < 0 or b"Sanitizer" in p.stderr or b"runtime error" in p.stderr
    return None if crashed else p


def trip_one(job):
    """The verdict of record for one file and flavour: its own processes."""
    global same, diff, skipped
    b, fl, p1, first = job
    p2 = run(["-f", fl, "-t", fl, b])
    back = run(["-f", fl, "-t", "csljson", "-"], p2.stdout)
    via = run(["-f", "csljson", "-t", fl, "-"], p1.stdout)
    back2 = run(["-f", fl, "-t", "csljson", "-"], via.stdout)
    for name, got in (("%s->%s" % (fl, fl), back), ("%s->csljson->%s" % (fl, fl), back2)):
        if same_records(first, items(got.stdout), fl == "bibtex"):
            same += 1
        else:
            diff += 1
            failures.append("round trip %s differs: %s" % (name, b))


def trip_batch(jobs):
    """The same round trips for many files of one flavour, four processes
    in all (tests/common/batch.py): the first readings concatenated against
    the re-readings of the batch's output; True when both trips keep every
    record, counted."""
    global same
    fl = jobs[0][1]
    paths = [b for b, _, _, _ in jobs]
    first = [r for _, _, _, f in jobs for r in f]
    keep = batching.KEEP
    p2 = quiet(["-f", fl, "-t", fl] + keep + paths)
    back = p2 and quiet(["-f", fl, "-t", "csljson"] + keep + ["-"], p2.stdout)
    via = quiet(["-f", "csljson", "-t", fl] + keep + ["-"], json.dumps(first).encode())
    back2 = via and quiet(["-f", fl, "-t", "csljson"] + keep + ["-"], via.stdout)
    if not (back and back2):
        return False
    if not all(same_records(first, items(g.stdout), fl == "bibtex") for g in (back, back2)):
        return False
    same += 2 * len(jobs)
    return True


pending = {"bibtex": [], "biblatex": []}
for b in bibs[::stride]:
    # biblatex files also through the biblatex flavour
    flavours = ["bibtex", "biblatex"] if b.endswith(".biblatex.bib") else ["bibtex"]
    text = open(b, "rb").read()
    for fl in flavours:
        p1 = run(["-f", fl, "-t", "csljson", b])
        first = items(p1.stdout)
        if not first:
            continue
        if b"duplicate key" in p1.stderr:
            # the writer makes keys unique (warned by the reader), so ids and
            # the crossrefs naming them change: not a like-for-like trip
            skipped += 1
            continue
        folded = [str(r.get("id", "")).lower() for r in first]
        if fl == "bibtex" and len(set(folded)) < len(folded):
            # keys that differ only in case: the classic writer gives the
            # later a generated key (BibTeX counts both one entry)
            skipped += 1
            continue
        if fl == "biblatex" and any(set("()'") & set(str(r.get("id", ""))) for r in first):
            # keys biber's parser refuses: the BibLaTeX writer writes those
            # bytes as '_' (docs/bibtex.md), so the ids change
            skipped += 1
            continue
        kinds = {((r.get("custom") or {}).get("bibtex") or {}).get("entrytype", "").lower()
                 for r in first}
        if fl == "bibtex" and kinds - CLASSIC and CROSSREF.search(text):
            # a BibLaTeX-only type written as its classic counterpart takes
            # classic crossref inheritance on re-reading (an @mvbook parent
            # gives a @book child its title as booktitle no more): inherent
            # to the classic flavour (docs/fidelity.md), not compared
            skipped += 1
            continue
        # batched by flavour; a file with crossrefs (a parent's key could
        # meet another file's in one output) or odd ids runs alone
        ids = None if CROSSREF.search(text) else batching.id_set(first)
        pending[fl].append(((b, fl, p1, first), ids))
for fl in pending:
    print("%s: %s" % (fl, batching.run_batched(pending[fl], trip_batch, trip_one)))
print("round trips identical: %d/%d (%d files left out: duplicate keys (for bibtex also those differing only in case), keys biber refuses (biblatex), or BibLaTeX-only types with crossref)" %
      (same, same + diff, skipped))

# 5. agreement with citation-js expected CSL-JSON, field by field
agree = total = 0
cjs = os.path.join(shared, "corpus", "citation-js")
for exp in sorted(glob.glob(os.path.join(cjs, "bibtex-in.*.expected.csl.json"))):
    src = exp.replace(".expected.csl.json", ".bib")
    if not os.path.exists(src):
        continue
    want = json.load(open(exp))
    got = items(run(["-f", "bibtex", "-t", "csljson", src]).stdout) or []
    # by id: bibconv hands a crossref child out after its parent
    by_id = {g.get("id"): g for g in got if isinstance(g, dict)}
    pairs = [(w, by_id.get(w.get("id"), g)) for w, g in zip(want, got + [{}] * len(want))]
    for w, g in pairs:
        for k, val in w.items():
            if k in ("id", "_graph", "citation-key"):
                continue
            total += 1
            # CSL number variables mean the same as a number or a string
            same = g.get(k) == val or (isinstance(val, (int, str)) and
                                       isinstance(g.get(k), (int, str)) and
                                       str(g.get(k)) == str(val))
            agree += same
print("citation-js agreement: %d/%d fields (%.1f%%)" % (agree, total, 100 * agree / max(1, total)))

for f in failures:
    print("FAIL:", f)
sys.exit(1 if failures else 0)
