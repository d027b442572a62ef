#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Reads every RIS file of ../shared/corpus with `bibconv -f ris -t csljson`
and checks that none crashes (no signal, no sanitizer report, exit status 0
or 1). Where the corpus ships an expected output it compares field by field
and prints the agreement rate per source:
  - citation-js `ris-in.*.expected.csl.json` and pandoc `7894.expected.json`
    (CSL-JSON: every expected key of every item);
  - zotero-translators `ris.NN.expected.zotero.json` (Zotero items, through
    the Zotero -> CSL field map of docs/crosswalk.md);
  - jabref `ris.*.expected.bib` (BibTeX: title, authors, year, DOI, pages,
    volume, container, publisher).
Those are other tools' answers, not ground truth, so the test fails only
when an agreement rate drops below the floor recorded here (a regression),
or on a crash. Exit 77 when ../shared is absent.
"""
import glob, json, os, re, subprocess, sys

shared = os.environ.get("BIBCONV_SHARED", "")
build = os.environ.get("BIBCONV_BUILDDIR", "")
if not shared or not os.path.isdir(os.path.join(shared, "corpus")):
    print("no shared corpus: skipped")
    sys.exit(77)
exe = os.path.join(build, "core", "cli", "bibconv")
corpus = os.path.join(shared, "corpus")

# Floors: the rates measured when this test was written, minus a margin.
FLOORS = {"citation-js": 0.95, "pandoc": 0.90, "zotero": 0.81, "jabref": 0.85}

failures = []


def convert(path):
    p = subprocess.run([exe, "-f", "ris", "-t", "csljson", path], capture_output=True)
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode not in (0, 1) or "Sanitizer" in err or "runtime error" in err:
        failures.append("%s: exit %d %s" % (path, p.returncode, err[-300:]))
        return None
    try:
        return json.loads(p.stdout.decode("utf-8"))
    except ValueError as e:
        failures.append("%s: output is not JSON: %s" % (path, e))
        return None


def norm(s):
    return re.sub(r"\s+", " ", str(s)).strip().lower()


def name_key(n):
    if "literal" in n:
        return norm(n["literal"])
    return norm(" ".join(x for x in (n.get("non-dropping-particle"), n.get("family")) if x)) + \
        "|" + norm(n.get("given", ""))


def date_key(d):
    if isinstance(d, dict) and d.get("date-parts"):
        return [int(x) for x in d["date-parts"][0]]
    if isinstance(d, dict):
        return norm(d.get("literal", d.get("raw", "")))
    return norm(d)


def csl_value(key, v):
    if isinstance(v, list) and v and isinstance(v[0], dict):
        return [name_key(n) for n in v]
    if isinstance(v, dict):
        return date_key(v)
    if key == "page":
        return norm(str(v).replace("\u2013", "-").replace("--", "-"))
    if key == "keyword":
        return sorted(norm(k) for k in re.split(r"[,;]", str(v)) if k.strip())
    return norm(v)


stats = {}


def tally(src, ok):
    a = stats.setdefault(src, [0, 0])
    a[0] += bool(ok)
    a[1] += 1


def compare_csl(src, got, exp):
    for i, e in enumerate(exp):
        g = got[i] if got and i < len(got) else {}
        for k, v in e.items():
            if k in ("id", "citation-key", "_graph", "custom"):
                continue
            tally(src, k in g and csl_value(k, g[k]) == csl_value(k, v))


ZOTERO_FIELDS = {
    "title": "title", "DOI": "DOI", "url": "URL", "publisher": "publisher",
    "place": "publisher-place", "volume": "volume", "issue": "issue", "pages": "page",
    "ISBN": "ISBN", "ISSN": "ISSN", "language": "language", "abstractNote": "abstract",
    "shortTitle": "title-short", "publicationTitle": "container-title",
    "bookTitle": "container-title", "proceedingsTitle": "container-title",
    "series": "collection-title", "edition": "edition", "numPages": "number-of-pages",
    "journalAbbreviation": "container-title-short", "callNumber": "call-number",
}
ZOTERO_TYPES = {
    "journalArticle": "article-journal", "book": "book", "bookSection": "chapter",
    "conferencePaper": "paper-conference", "thesis": "thesis", "report": "report",
    "webpage": "webpage", "magazineArticle": "article-magazine",
    "newspaperArticle": "article-newspaper", "document": "document", "patent": "patent",
    "manuscript": "manuscript", "film": "motion_picture", "statute": "legislation",
    "case": "legal_case", "computerProgram": "software", "map": "map",
    "artwork": "graphic", "letter": "personal_communication", "hearing": "hearing",
    "bill": "bill", "dataset": "dataset", "encyclopediaArticle": "entry-encyclopedia",
    "dictionaryEntry": "entry-dictionary", "blogPost": "post-weblog",
}


def compare_zotero(got, exp):
    for i, e in enumerate(exp):
        g = got[i] if got and i < len(got) else {}
        if e.get("itemType") in ZOTERO_TYPES:
            tally("zotero", g.get("type") == ZOTERO_TYPES[e["itemType"]])
        for zk, ck in ZOTERO_FIELDS.items():
            if zk in e and e[zk] != "":
                tally("zotero", ck in g and csl_value(ck, g[ck]) == csl_value(ck, e[zk]))
        if e.get("date"):
            m = re.search(r"\b(\d{4})\b", e["date"])
            if m:
                gd = g.get("issued", {}).get("date-parts", [[None]])[0][0]
                tally("zotero", gd == int(m.group(1)))
        authors = [norm(c.get("lastName", c.get("name", ""))) for c in e.get("creators", [])
                   if c.get("creatorType") == "author"]
        if authors:
            ga = [norm(n.get("family", n.get("literal", ""))) for n in g.get("author", [])]
            tally("zotero", ga == authors)


def bib_fields(text):
    out = []
    for m in re.finditer(r"@\w+\{[^,]*,(.*?)\n\}", text, re.S):
        f = {}
        for fm in re.finditer(r"^\s*(\w+)\s*=\s*\{(.*)\},?\s*$", m.group(1), re.M):
            f[fm.group(1).lower()] = fm.group(2)
        out.append(f)
    return out


def compare_jabref(got, exp):
    for i, e in enumerate(exp):
        g = got[i] if got and i < len(got) else {}
        pairs = [("title", "title"), ("doi", "DOI"), ("pages", "page"), ("volume", "volume"),
                 ("publisher", "publisher"), ("journal", "container-title"),
                 ("booktitle", "container-title")]
        for bk, ck in pairs:
            if bk in e:
                tally("jabref", ck in g and csl_value(ck, g[ck]) ==
                      csl_value(ck, e[bk].replace("--", "-")))
        if "year" in e:
            gd = g.get("issued", {}).get("date-parts", [[None]])[0][0]
            tally("jabref", str(gd) == e["year"])
        if "author" in e:
            fam = [norm(a.split(",")[0]) for a in e["author"].split(" and ")]
            ga = [norm(n.get("family", n.get("literal", ""))) for n in g.get("author", [])]
            tally("jabref", ga == fam)


inputs = sorted(set(glob.glob(os.path.join(corpus, "**", "*.ris"), recursive=True)))
for path in inputs:
    got = convert(path)
    base = path[:-4]
    name = os.path.basename(path)
    if got is None:
        continue
    if name.startswith("ris-in.") and os.path.exists(base + ".expected.csl.json"):
        compare_csl("citation-js", got, json.load(open(base + ".expected.csl.json")))
    elif name == "7894.in.ris":
        compare_csl("pandoc", got, json.load(open(os.path.join(os.path.dirname(path),
                                                               "7894.expected.json"))))
    elif os.path.exists(base + ".expected.zotero.json"):
        compare_zotero(got, json.load(open(base + ".expected.zotero.json")))
    elif os.path.exists(base + ".expected.bib"):
        compare_jabref(got, bib_fields(open(base + ".expected.bib", encoding="utf-8",
                                            errors="replace").read()))

print("%d RIS files read, %d failures" % (len(inputs), len(failures)))
for src, (ok, n) in sorted(stats.items()):
    rate = ok / n if n else 1.0
    print("agreement with %-12s %4d/%4d fields = %5.1f%% (floor %.0f%%)"
          % (src, ok, n, 100 * rate, 100 * FLOORS[src]))
    if rate < FLOORS[src]:
        failures.append("agreement with %s fell below its floor" % src)
for f in failures:
    print("FAIL", f)
sys.exit(1 if failures or not inputs else 0)
