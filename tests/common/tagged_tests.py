#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Whole-conversion tests of the line-tagged formats (nbib, wos), one mode
per meson test:

  golden FMT DIR     each DIR/NAME.{nbib,txt} reads as DIR/NAME.expected.csl.json
                     and each DIR/NAME.csl.json writes DIR/NAME.expected.FMT
                     (byte for byte); exit status 0.
  zotero FMT DIR     each DIR/NAME.{nbib,txt} with a NAME.expected.zotero.json
                     (Zotero's own test cases; the corpus's too when present)
                     gives the same titles, author family names, years, DOIs,
                     volumes, issues and pages as Zotero's import.
  roundtrip FMT DIR  the corpus's CSL-JSON -> FMT -> CSL-JSON keeps title,
                     authors, date, container and every field of CARRIED[FMT]
                     (docs/medline.md, docs/wos.md); FMT -> FMT on DIR's
                     samples and the corpus's files of FMT reads back the same.
                     Exit 77 without the corpus.
  malformed FMT      bad input cases: the diagnostic at its file:line:col,
                     the records kept, and the exit status.
  probe FMT DIR      DIR's samples are detected as FMT (under any name) and
                     no RIS file (the corpus's, PubMed- and WoS-flavoured
                     ones) is.
  bibutils FMT DIR   wos only: bibutils' isi2xml reads what bibconv writes
                     with the same titles; bibconv reads what xml2isi writes
                     with the titles bibutils gave. Exit 77 without bibutils.
"""
import atexit, glob, json, os, re, shutil, subprocess, sys, tempfile

build = os.environ.get("BIBCONV_BUILDDIR", "")
exe = os.path.join(build, "core", "cli", "bibconv")
shared = os.environ.get("BIBCONV_SHARED", "")
corpus = os.path.join(shared, "corpus") if shared else ""
tmp = tempfile.mkdtemp(prefix="tagged-")
atexit.register(shutil.rmtree, tmp, True)  # left in /tmp by every run before
fails = []
EXT = {"nbib": ".nbib", "wos": ".txt"}

# Fields each format carries besides title, authors, issued and container.
CARRIED = {
    "nbib": ["volume", "issue", "page", "DOI", "abstract", "language", "ISSN", "ISBN",
             "PMID", "PMCID", "container-title-short", "keyword", "publisher", "URL"],
    "wos": ["volume", "issue", "page", "DOI", "abstract", "language", "ISSN", "ISBN",
            "PMID", "container-title-short", "keyword", "publisher", "publisher-place",
            "collection-title", "event-title", "event-place", "number", "number-of-pages",
            "part", "supplement"],
}


def run(args, inp=None):
    return subprocess.run([exe] + args, capture_output=True, input=inp)


def fail(msg):
    fails.append(msg)


def plain(s):
    s = re.sub(r"<[^>]*>", "", str(s))
    return re.sub(r"\s+", " ", s).strip()


def read_json(path, fmt):
    p = run(["-f", fmt, "-t", "csljson", path])
    if p.returncode not in (0, 1):
        fail("%s: reading as %s exited %d: %s" % (path, fmt, p.returncode, p.stderr.decode()[-300:]))
        return None
    return json.loads(p.stdout.decode("utf-8"))


def inputs(dir_, fmt):
    return sorted(f for f in glob.glob(os.path.join(dir_, "*" + EXT[fmt]))
                  if ".expected." not in f)


# ---- golden -------------------------------------------------------------
def golden(fmt, dir_):
    n = 0
    for f in inputs(dir_, fmt):
        exp = f[: -len(EXT[fmt])] + ".expected.csl.json"
        if not os.path.exists(exp):
            continue
        p = run(["-f", fmt, "-t", "csljson", f])
        n += 1
        if p.returncode not in (0, 1):  # 1: a sample with a bad line (its error is expected)
            fail("%s: exit %d: %s" % (f, p.returncode, p.stderr.decode()))
            continue
        if json.loads(p.stdout) != json.load(open(exp, encoding="utf-8")):
            fail("%s: reading differs from %s" % (f, exp))
    for f in sorted(glob.glob(os.path.join(dir_, "*.csl.json"))):
        if ".expected." in f:
            continue
        exp = f[: -len(".csl.json")] + ".expected" + EXT[fmt]
        p = run(["-f", "csljson", "-t", fmt, f])
        n += 1
        if p.returncode != 0 or p.stdout != open(exp, "rb").read():
            fail("%s: writing %s differs from %s (exit %d)" % (f, fmt, exp, p.returncode))
    if n == 0:
        fail("no golden case in " + dir_)


# ---- zotero oracle ------------------------------------------------------
def year_of(s):
    m = re.search(r"\b(\d{4})\b", s or "")
    return int(m.group(1)) if m else None


def zotero(fmt, dir_):
    files = inputs(dir_, fmt)
    if corpus and fmt == "nbib":
        files += sorted(glob.glob(os.path.join(corpus, "zotero-translators", "medlinenbib.*.nbib")))
    n = 0
    for f in files:
        exp = f[: -len(EXT[fmt])] + ".expected.zotero.json"
        if not os.path.exists(exp):
            continue
        items = json.load(open(exp, encoding="utf-8"))
        got = read_json(f, fmt)
        n += 1
        if got is None or len(got) != len(items):
            fail("%s: %s records, Zotero %d" % (f, got and len(got), len(items)))
            continue
        for i, (z, c) in enumerate(zip(items, got)):
            where = "%s #%d" % (f, i + 1)
            if "title" in z and plain(z["title"]) != plain(c.get("title", "")):
                fail("%s: title %r, Zotero %r" % (where, c.get("title"), z.get("title")))
            zl = [plain(x.get("lastName", x.get("name", ""))).lower() for x in z["creators"]
                  if x["creatorType"] in ("author", "inventor")]
            cl = [plain(" ".join(filter(None, [a.get("non-dropping-particle"), a.get("family",
                  a.get("literal", ""))]))).lower() for a in c.get("author", [])]
            if zl != cl:
                fail("%s: authors %r, Zotero %r" % (where, cl, zl))
            zy = year_of(z.get("date"))
            cy = (c.get("issued", {}).get("date-parts") or [[None]])[0][0]
            if cy is None:  # a date kept as written
                cy = year_of(c.get("issued", {}).get("literal"))
            if zy and zy != cy:
                fail("%s: year %r, Zotero %r" % (where, cy, zy))
            for zk, ck in (("DOI", "DOI"), ("volume", "volume"), ("issue", "issue")):
                if zk in z and plain(z[zk]) != plain(c.get(ck, "")):
                    fail("%s: %s %r, Zotero %r" % (where, ck, c.get(ck), z[zk]))
            zp = re.sub(r"^(\w+)-\1$", r"\1", plain(z.get("pages", "")))  # "82-82"
            if "pages" in z and fmt == "wos" and zp not in (
                    plain(c.get("page", "")), plain(c.get("number", ""))):
                fail("%s: page %r, Zotero %r" % (where, c.get("page"), z["pages"]))
    if n == 0:
        fail("no Zotero case found")


# ---- round trips ----------------------------------------------------------
def name_words(a):
    parts = [a.get(k, "") for k in ("literal", "given", "dropping-particle",
                                    "non-dropping-particle", "family", "suffix")]
    return sorted(plain(" ".join(parts)).replace(",", " ").replace(".", " ").split())


def literal_read(d, e):
    """Whether the literal date d ("1908-1912") came back as the years it
    spells (a range of years): the writer gives the text as it is, and
    the reader reads a date in it, which is no loss."""
    if not isinstance(d, dict) or not isinstance(e, dict) or not d.get("literal"):
        return False
    years = re.findall(r"\d{4}", str(d["literal"]))
    got = [str(p[0]) for p in e.get("date-parts") or [] if p]
    return bool(years) and re.fullmatch(r"\d{4}(-\d{4})?", str(d["literal"]).strip()) \
        is not None and years == got


def date_key(d, fmt):
    """(year, month, season, day) of each end of a date, CSL's pseudo-months
    13-16 and 21-24 read as seasons; an open end, circa and the season of a
    range's end (CSL-JSON has one "season" per date) are not compared."""
    if not isinstance(d, dict):
        return None
    parts = [p for p in d.get("date-parts") or [] if p and str(p[0]).lstrip("-").isdigit()
             and int(p[0]) != 0]
    if not parts:
        return ("literal", plain(d.get("literal", ""))) if fmt == "nbib" and d.get("literal") else None
    out = []
    for i, p in enumerate(parts[:2]):
        y, m = int(p[0]), int(p[1]) if len(p) > 1 and str(p[1]).isdigit() else 0
        day = int(p[2]) if len(p) > 2 and str(p[2]).isdigit() else 0
        season = 0
        if 13 <= m <= 16 or 21 <= m <= 24:
            season, m = (m - 12 if m < 20 else m - 20), 0
        if i == 0 and not m and d.get("season"):
            # a season given as a word stays a CSL-JSON extra in bibconv's
            # record model (no writer but CSL-JSON's carries it)
            sv = str(d["season"])
            season = int(sv) if sv.isdigit() else 0
        out.append((y, m, season if i == 0 else 0, day))
    if fmt == "wos":
        out = out[:1]  # PY/PD: one date (a range within its year keeps its months)
    return tuple(out)


def value_key(k, v):
    if isinstance(v, list):
        v = v[0] if v else ""
    s = plain(v)
    if k == "page":
        s = s.replace("\u2013", "-").replace("--", "-")
    if k == "keyword":
        return sorted(x.strip() for x in re.split(r"[,;]", s) if x.strip())
    if k == "ISSN":
        return s.split(",")[0].strip()
    return s


def compare(where, fmt, a, b):
    if len(a) != len(b):
        fail("%s: %d records, %d after the round trip" % (where, len(a), len(b)))
        return
    for i, (x, y) in enumerate(zip(a, b)):
        w = "%s #%d" % (where, i + 1)
        for k in ("title", "container-title"):
            if plain(x.get(k, "")) != plain(y.get(k, "")):
                fail("%s: %s %r -> %r" % (w, k, x.get(k), y.get(k)))
        ax = [name_words(n) for n in x.get("author", []) if name_words(n)]
        ay = [name_words(n) for n in y.get("author", [])]
        if ax != ay:
            fail("%s: author %r -> %r" % (w, ax, ay))
        if date_key(x.get("issued"), fmt) != date_key(y.get("issued"), fmt) and \
                date_key(x.get("issued"), fmt) is not None and \
                not literal_read(x.get("issued"), y.get("issued")):
            fail("%s: issued %r -> %r" % (w, x.get("issued"), y.get("issued")))
        for k in CARRIED[fmt]:
            if k in x and value_key(k, x[k]) and value_key(k, x[k]) != value_key(k, y.get(k, "")):
                fail("%s: %s %r -> %r" % (w, k, x[k], y.get(k)))


def roundtrip(fmt, dir_):
    if not corpus or not os.path.isdir(corpus):
        print("no shared corpus: skipped")
        sys.exit(77)
    json_inputs = sorted(glob.glob(os.path.join(corpus, "citation-js", "*.csl.json")) +
                         glob.glob(os.path.join(corpus, "bbt-export", "*.csl.json")) +
                         glob.glob(os.path.join(corpus, "csl-test-suite", "*.json"))[::4])
    # the sanitizer run reads every Nth corpus file, as the other round trips
    json_inputs = json_inputs[::max(1, int(os.environ.get("BIBCONV_CORPUS_STRIDE", "1") or 1))]
    n = 0
    for i, f in enumerate(json_inputs):
        src = read_json(f, "csljson")
        if not src:
            continue
        out = os.path.join(tmp, "j%d%s" % (i, EXT[fmt]))
        p = run(["-f", "csljson", "-t", fmt, "-o", out, f])
        if p.returncode not in (0, 1):
            fail("%s: writing %s exited %d" % (f, fmt, p.returncode))
            continue
        back = read_json(out, fmt)
        if back is not None:
            compare(f, fmt, src, back)
            n += 1
    same = inputs(dir_, fmt)
    if fmt == "nbib":
        same += sorted(glob.glob(os.path.join(corpus, "*", "*.nbib")))
    for i, f in enumerate(same):
        a = read_json(f, fmt)
        out = os.path.join(tmp, "s%d%s" % (i, EXT[fmt]))
        p = run(["-f", fmt, "-t", fmt, "-o", out, f])
        if a is None or p.returncode not in (0, 1):
            fail("%s: %s -> %s exited %d" % (f, fmt, fmt, p.returncode))
            continue
        if not os.path.exists(out):
            continue  # the input had errors: bibconv wrote nothing
        b = read_json(out, fmt)
        strict = run(["--strict", "-f", fmt, "-t", "csljson", out])
        clean = run(["-f", fmt, "-t", "csljson", f]).stderr == b""
        if clean and (strict.returncode != 0 or strict.stderr):
            fail("%s: the written %s does not read back cleanly: %s" % (f, fmt, strict.stderr.decode()[:300]))
        for x, y in zip(a, b or []):
            x.pop("id", None)
            y.pop("id", None)
            if x != y:
                keys = sorted(k for k in set(x) | set(y) if x.get(k) != y.get(k))
                fail("%s: %s -> %s changes %s" % (f, fmt, fmt, keys))
                break
        if b is None or len(a) != len(b):
            fail("%s: record count changed" % f)
        n += 1
    print("%s: %d files round-tripped" % (fmt, n))


# ---- malformed input --------------------------------------------------------
def cases(fmt):
    big = "x" * 300000  # past 16 bounds: the input gives up
    if fmt == "nbib":
        ok = b"PMID- 1\nTI  - A title.\nFAU - Doe, Jane\nDP  - 2019\n"
        return [
            ("tag without value", ok + b"VI  -\n", 0, 1, ["in:5:1: warning: tag 'VI' has no value"]),
            ("continuation before any tag", b"      stray text\n\n" + ok, 1, 1,
             ["in:1:7: error: text outside a record"]),
            ("endless line past --max-value", b"PMID- 1\nTI  - " + big.encode() + b"\n\n" + ok, 1, 0,
             ["in:2:1: error: line longer than 4096 bytes", "error: still no line end"]),
            ("NUL byte", b"PMID- 1\nTI  - A\x00B\n", 0, 1, ["in:2:8: warning: control character"]),
            ("unindented text in a record", ok + b"stray\n", 0, 1,
             ["in:5:1: warning: expected a tag or an indented continuation"]),
            ("second PMID without a blank line", ok + ok, 0, 2, ["in:5:1: warning: a second 'PMID'"]),
            ("continuation too long", b"PMID- 1\nAB  - a\n" + (b"      " + b"y" * 100 + b"\n") * 50 + b"\n" + ok,
             1, 1, ["in:", "error: value longer than"]),
        ]
    ok = b"PT J\nAU Doe, J\nTI A title\nPY 2019\nER\n\n"
    return [
        ("tag without value", b"FN x\nVR 1.0\nPT J\nTI A\nVL\nER\n\nEF\n", 0, 1,
         ["in:5:1: warning: tag 'VL' has no value"]),
        ("continuation before any tag", b"FN x\nVR 1.0\n   stray text\n" + ok + b"EF\n", 1, 1,
         ["in:3:4: error: text outside a record"]),
        ("endless line past --max-value", b"PT J\nTI " + big.encode() + b"\nER\n\n" + ok, 1, 0,
         ["in:2:1: error: line longer than 4096 bytes", "error: still no line end"]),
        ("NUL byte", b"PT J\nTI A\x00B\nER\n", 0, 1, ["in:2:5: warning: control character"]),
        ("two exports concatenated", b"FN x\nVR 1.0\n" + ok + b"EF\nFN x\nVR 1.0\n" + ok + b"EF\n",
         0, 2, []),
        ("record without ER at the end", ok + b"PT J\nTI Last\n", 0, 2,
         ["in:7:1: warning: record has no 'ER'"]),
        ("continuation too long", b"PT J\nAB a\n" + (b"   " + b"y" * 100 + b"\n") * 50 + b"ER\n\n" + ok,
         1, 1, ["in:", "error: value longer than"]),
    ]


def malformed(fmt):
    for name, data, rc, nrec, needles in cases(fmt):
        path = os.path.join(tmp, "in")
        open(path, "wb").write(data)
        p = run(["--max-value=4K", "-f", fmt, "-t", "csljson", path])
        err = p.stderr.decode("utf-8", "replace").replace(path, "in")
        try:
            got = len(json.loads(p.stdout))
        except ValueError:
            got = None
        if p.returncode != rc:
            fail("%s: exit %d, expected %d: %s" % (name, p.returncode, rc, err))
        if got != nrec:
            fail("%s: %s records, expected %d" % (name, got, nrec))
        for nd in needles:
            if nd not in err:
                fail("%s: no %r in %r" % (name, nd, err))
    if fmt == "nbib":
        # writing: an item with nothing but its key (NBIB has no key tag)
        # is not written as a lone PT line, which reads back as an empty
        # record: an error, the item lost, exit 1; the others written
        path = os.path.join(tmp, "keyonly.json")
        json.dump([{"id": "a", "type": "document"},
                   {"id": "b", "type": "article-journal", "title": "T"}], open(path, "w"))
        p = run(["-f", "csljson", "-t", "nbib", path])
        err = p.stderr.decode("utf-8", "replace")
        if p.returncode != 1 or "nothing nbib can hold: not written" not in err:
            fail("key-only item: exit %d: %s" % (p.returncode, err))
        if p.stdout.decode() != "TI  - T\nPT  - Journal Article\n":
            fail("key-only item: wrote %r" % p.stdout.decode())
    if fmt == "wos":
        # writing: PY is a year, so a date without one (a literal) is not
        # written, and the writer says so (it was lost silently)
        path = os.path.join(tmp, "literal-date.json")
        json.dump([{"id": "a", "type": "article-journal", "title": "T",
                    "issued": {"literal": "13th Century"}},
                   {"id": "b", "type": "article-journal", "title": "U",
                    "issued": {"date-parts": [[2001]]}}], open(path, "w"))
        p = run(["-f", "csljson", "-t", "wos", path])
        err = p.stderr.decode("utf-8", "replace")
        if p.returncode != 0 or "field 'issued' not written in 1 record" not in err:
            fail("literal date: exit %d: %s" % (p.returncode, err))
        if "13th" in p.stdout.decode() or "PY 2001" not in p.stdout.decode():
            fail("literal date: wrote %r" % p.stdout.decode())


# ---- probes -------------------------------------------------------------------
def detected(path):
    p = run(["--detect", path])
    m = re.search(r"=> (\S+)", p.stdout.decode() + p.stderr.decode())
    return m.group(1) if m else None


def probe(fmt, dir_):
    """The format's samples are detected as it, by content (also under a
    neutral name); no RIS file of the corpus is taken for it."""
    n = 0
    for f in inputs(dir_, fmt):
        path = os.path.join(tmp, "sample-%d.dat" % n)
        shutil.copy(f, path)
        for p in (f, path):
            if detected(p) != fmt:
                fail("%s: detected as %s, not %s" % (p, detected(p), fmt))
        n += 1
    ris = sorted(glob.glob(os.path.join(corpus, "**", "*.ris"), recursive=True)) if corpus else []
    ris.append(os.path.join(tmp, "pubmed.ris"))
    open(ris[-1], "w").write("TY  - JOUR\nPMID- 1\nTI  - A\nAU  - Doe, J\nER  - \n")
    ris.append(os.path.join(tmp, "wos.ris"))
    open(ris[-1], "w").write("FN x\nVR 1.0\nTY  - JOUR\nTI  - A\nER  - \n")
    for f in ris:
        if detected(f) in ("nbib", "wos"):
            fail("%s: a RIS file detected as %s" % (f, detected(f)))
    print("%d samples, %d RIS files" % (n, len(ris)))


# ---- bibutils ---------------------------------------------------------------
def titles_mods(xml):
    # the main titles of each mods record (not those of relatedItem hosts)
    out = []
    for rec in re.findall(r"<mods ID=.*?</mods>", xml, re.S):
        rec = re.sub(r"<relatedItem.*?</relatedItem>", "", rec, flags=re.S)
        m = re.search(r"<title>(.*?)</title>", rec, re.S)
        sub = re.search(r"<subTitle>(.*?)</subTitle>", rec, re.S)  # bibutils splits at ':'
        t = plain(m.group(1)) if m else ""
        out.append(t + ": " + plain(sub.group(1)) if sub else t)
    return out


def bibutils(fmt, dir_):
    if not shutil.which("isi2xml") or not shutil.which("xml2isi") or not shutil.which("bib2xml"):
        print("bibutils not installed: skipped")
        sys.exit(77)
    n = 0
    for f in inputs(dir_, fmt):
        out = os.path.join(tmp, "w%d.txt" % n)
        ours = read_json(f, fmt)
        p = run(["-f", fmt, "-t", fmt, "-o", out, f])
        if p.returncode not in (0, 1) or ours is None:
            fail("%s: writing failed" % f)
            continue
        x = subprocess.run(["isi2xml", out], capture_output=True)
        t = titles_mods(x.stdout.decode("utf-8", "replace"))
        want = [plain(r.get("title", "")) for r in ours]
        if t != want:
            fail("%s: isi2xml reads %r, bibconv wrote %r" % (f, t, want))
        n += 1
    # the other way: BibTeX -> MODS -> ISI by bibutils, read by bibconv
    bibs = sorted(glob.glob(os.path.join(corpus, "jabref", "testbib.*.bib")))[:20] if corpus else []
    for i, f in enumerate(bibs):
        mods = subprocess.run(["bib2xml", f], capture_output=True).stdout
        isi = subprocess.run(["xml2isi"], input=mods, capture_output=True).stdout
        want = [x for x in titles_mods(mods.decode("utf-8", "replace")) if x]
        path = os.path.join(tmp, "b%d.isi" % i)
        open(path, "wb").write(isi)
        got = read_json(path, fmt) or []
        titles = [plain(r.get("title", "")) for r in got if r.get("title")]
        if titles != want:
            fail("%s: bibconv reads %r from xml2isi, bibutils had %r" % (f, titles[:3], want[:3]))
        n += 1
    print("%d files checked against bibutils" % n)


def main():
    mode, fmt = sys.argv[1], sys.argv[2]
    dir_ = sys.argv[3] if len(sys.argv) > 3 else ""
    {"golden": lambda: golden(fmt, dir_), "zotero": lambda: zotero(fmt, dir_),
     "roundtrip": lambda: roundtrip(fmt, dir_), "malformed": lambda: malformed(fmt),
     "bibutils": lambda: bibutils(fmt, dir_), "probe": lambda: probe(fmt, dir_)}[mode]()
    for f in fails[:60]:
        print("FAIL:", f)
    if len(fails) > 60:
        print("... and %d more" % (len(fails) - 60))
    sys.exit(1 if fails else 0)


main()
