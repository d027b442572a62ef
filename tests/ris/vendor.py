#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Whole-conversion checks of the ris plugin on small inline inputs, each
with the values it must give (written by hand from the RIS specs and the
mapping in docs/ris.md, not from bibconv's output):
  - encodings: UTF-8 with and without BOM, Latin-1, Windows-1252 (warned),
    UTF-16 LE/BE with BOM; CRLF, CR and LF line ends;
  - vendor variants: PubMed-derived, Web of Science, Scopus, EndNote,
    Zotero exports (docs/ris.md, "Vendor variants");
  - lexical tolerance and errors: loose tag spacing, continuation lines,
    text before the first TY, a record without ER, a malformed tag (with
    their line numbers; the damage limited to one record);
  - the writer: CRLF by default, -O eol=lf, TY first and ER last with a
    blank line between records, SP/EP, dates, names, DOI, markup;
  - the probe: RIS found without -f, MEDLINE nbib not claimed.
"""
import atexit, json, os, shutil, subprocess, sys, tempfile

build = os.environ.get("BIBCONV_BUILDDIR", "")
exe = os.path.join(build, "core", "cli", "bibconv")
tmp = tempfile.mkdtemp(prefix="ris-vendor-")
atexit.register(shutil.rmtree, tmp, True)  # left in /tmp by every run before
fails = []


def run(args, data):
    path = os.path.join(tmp, "in.ris")
    with open(path, "wb") as f:
        f.write(data)
    p = subprocess.run([exe] + args + [path], capture_output=True)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace").replace(path, "in.ris")


def read(data, extra=()):
    rc, out, err = run(["-f", "ris", "-t", "csljson"] + list(extra), data)
    try:
        return rc, json.loads(out.decode("utf-8")), err
    except ValueError:
        return rc, None, err


def check(what, cond, detail=""):
    if not cond:
        fails.append("%s %s" % (what, detail))


def eq(what, got, want):
    check(what, got == want, "got %r, want %r" % (got, want))


ZOTERO = ("TY  - JOUR\r\nTI  - Über Graphen\r\nAU  - Müller, Jürgen\r\n"
          "AU  - Smith, John, Jr.\r\nT2  - Journal of Tests\r\nDA  - 2020/03/15/\r\n"
          "PY  - 2020\r\nY2  - 2021/01/02/10:11:12\r\n"
          "VL  - 12\r\nIS  - 3\r\nSP  - 101\r\nEP  - 110\r\nDO  - 10.1000/xyz\r\n"
          "N1  - <p>A note</p>\r\nL1  - internal-pdf://file.pdf\r\nKW  - graphs\r\nKW  - tests\r\n"
          "ER  - \r\n\r\n")

# ---- encodings and line ends -------------------------------------------------
base = ZOTERO.encode("utf-8")
for label, data in [("utf-8 crlf", base), ("utf-8 bom", b"\xef\xbb\xbf" + base),
                    ("lf", base.replace(b"\r\n", b"\n")), ("cr", base.replace(b"\r\n", b"\r")),
                    ("utf-16le", b"\xff\xfe" + ZOTERO.encode("utf-16-le")),
                    ("utf-16be", b"\xfe\xff" + ZOTERO.encode("utf-16-be"))]:
    rc, j, err = read(data)
    eq(label + " exit", rc, 0)
    if j:
        eq(label + " title", j[0].get("title"), "Über Graphen")
        eq(label + " author", j[0].get("author", [{}])[0],
           {"family": "Müller", "given": "Jürgen"})
        eq(label + " suffix", j[0].get("author", [{}, {}])[1].get("suffix"), "Jr.")
        eq(label + " issued", j[0].get("issued"), {"date-parts": [[2020, 3, 15]]})
        eq(label + " page", j[0].get("page"), "101-110")
        eq(label + " keyword", j[0].get("keyword"), "graphs, tests")
        eq(label + " accessed", j[0].get("accessed", {}).get("date-parts"), [[2021, 1, 2]])
        eq(label + " L1 kept", j[0].get("custom", {}).get("ris", {}).get("L1"),
           "internal-pdf://file.pdf")
    else:
        fails.append(label + ": no JSON output: " + err)

latin1 = "TY  - BOOK\nTI  - Café à Genève\nAU  - Gödel, Kurt\nER  - \n".encode("latin-1")
rc, j, err = read(latin1)
eq("latin-1 exit", rc, 0)
eq("latin-1 title", j and j[0].get("title"), "Café à Genève")
check("latin-1 warned", "warning" in err and ("1252" in err or "Latin" in err), err)
cp1252 = b"TY  - JOUR\nTI  - \x93Quoted\x94 \x96 dash\nER  - \n"
rc, j, err = read(cp1252)
eq("cp1252 title", j and j[0].get("title"), "\u201cQuoted\u201d \u2013 dash")
check("cp1252 warned", "warning" in err, err)

# ---- vendor variants -----------------------------------------------------------
pubmed = (b"TY  - JOUR\nID  - 31234567\nA1  - Oudin A\nA1  - Oudin \xc3\x85str\xc3\xb6m D\n"
          b"T1  - Air pollution\nJF  - Environ Health\nY1  - 2019/05/02\nSP  - pii: E1392\n"
          b"EP  - \nVL  - 18\nER  - \n")
rc, j, err = read(pubmed)
if j:
    eq("pubmed names", j[0].get("author"), [{"family": "Oudin", "given": "A."},
                                            {"family": "Oudin Åström", "given": "D."}])
    eq("pubmed id", j[0].get("id"), "31234567")
    eq("pubmed page kept as text", j[0].get("page"), "pii: E1392")
    eq("pubmed journal", j[0].get("container-title"), "Environ Health")
    eq("pubmed issued (Y1)", j[0].get("issued"), {"date-parts": [[2019, 5, 2]]})
check("pubmed vancouver warned", "family name and initials" in err, err)

wos = (b"TY  - JOUR\nAU  - Smith, J\nTI  - A WoS record\nT2  - NATURE\nDA  - JUN 8\nPY  - 2004\n"
       b"VL  - 429\nSP  - 1\nEP  - 5\nAN  - WOS:000221845500001\nDB  - Web of Science\n"
       b"SN  - 0028-0836\nER  - \n")
rc, j, err = read(wos)
if j:
    eq("wos issued", j[0].get("issued", {}).get("date-parts", [[0]])[0][0], 2004)
    eq("wos ISSN", j[0].get("ISSN"), "0028-0836")
    eq("wos source", j[0].get("source"), "Web of Science")
    eq("wos AN kept", j[0].get("custom", {}).get("ris", {}).get("AN"), "WOS:000221845500001")

scopus = (b"TY  - JOUR\r\nTI  - Scopus article\r\nT2  - Journal Alternate\r\n"
          b"JF  - Real Journal\r\nAU  - Bryan, C.J.\r\nPY  - 2008\r\nN1  - Cited By :10\r\n"
          b"N1  - Export Date: 13 July 2022\r\nDB  - Scopus\r\nDO  - 10.1016/S0027-9684(15)31340-7"
          b"\r\nER  - \r\n")
rc, j, err = read(scopus)
if j:
    eq("scopus note", j[0].get("note"), "Cited By :10")
    eq("scopus 2nd N1 kept", j[0].get("custom", {}).get("ris", {}).get("N1"),
       "Export Date: 13 July 2022")
    eq("scopus DOI", j[0].get("DOI"), "10.1016/S0027-9684(15)31340-7")
    eq("scopus container", j[0].get("container-title"), "Journal Alternate")

# Scopus writes "PY  - 0000" for an unknown year: no date (as Zotero reads
# it), not year 0 (1 BC, as an ISO date field would take it); kept as an
# extra, which the RIS writer puts back
rc, j, err = read(b"TY  - JOUR\r\nT2  - Statistics 2015\r\nPY  - 0000\r\nER  - \r\n")
if j:
    eq("scopus year 0000: no issued", j[0].get("issued"), None)
    eq("scopus year 0000 kept", j[0].get("custom", {}).get("ris", {}).get("PY"), "0000")

endnote = (b"TY  - EDBOOK\nAU  - Editor, Anne\nTI  - Edited volume\nPY  - 1999\n"
           b"M3  - doi:10.5555/abc.1\nER  - \n\nTY  - CHAP\nAU  - Writer, W.\n"
           b"A2  - Editor, Anne\nT2  - Edited volume\nT3  - Series Name\nSP  - 12-30\n"
           b"ER  - \n")
rc, j, err = read(endnote)
if j:
    eq("endnote EDBOOK type", j[0].get("type"), "book")
    eq("endnote EDBOOK AU are editors", j[0].get("editor"), [{"family": "Editor", "given": "Anne"}])
    eq("endnote DOI from M3", j[0].get("DOI"), "10.5555/abc.1")
    eq("endnote chapter editor", j[1].get("editor"), [{"family": "Editor", "given": "Anne"}])
    eq("endnote chapter container", j[1].get("container-title"), "Edited volume")
    eq("endnote chapter series", j[1].get("collection-title"), "Series Name")
    eq("endnote chapter page", j[1].get("page"), "12-30")

procite = b"TY  - BOOK\nTI  - P\nN1  - Call Number: QA76 .P7\nSN  - pending\nER  - \n"
rc, j, err = read(procite)
if j:
    eq("procite call number", j[0].get("call-number"), "QA76 .P7")
    eq("SN of a book without a shape is an ISBN", j[0].get("ISBN"), "pending")

# ---- lexical tolerance, errors and their positions -------------------------
dirty = (b"Provider: Some Database\n"              # 1: text before the first TY
         b"\n"
         b"TY - JOUR\n"                             # 3: one space
         b"TI\t-\tTabbed title\n"                   # 4
         b"AB  - first line\n"                       # 5
         b"continued line\n"                         # 6
         b"\n"
         b"second paragraph with ER  - inside\n"     # 8
         b"DB  -\n"                                  # 9: empty value
         b"ER  -\n"                                  # 10: no trailing blank
         b"TY  - BOOK\n"                             # 11
         b"TI  - No end\n"                           # 12
         b"TY  - CHAP\n"                             # 13: TY before ER
         b"TI- broken tag\n"                         # 14: malformed
         b"ER  - \n"                                 # 15
         b"TY  - RPRT\n"                             # 16
         b"TI  - Last one\n"                         # 17
         b"SN  - TR-2020-01\n"
         b"PY  - 2020///\n")                         # no ER at the end
rc, j, err = read(dirty)
eq("dirty exit (one record skipped)", rc, 1)
if j:
    eq("dirty count", len(j), 3)
    eq("dirty titles", [x.get("title") for x in j], ["Tabbed title", "No end", "Last one"])
    eq("dirty abstract", j[0].get("abstract"),
       "first line\ncontinued line\n\nsecond paragraph with ER  - inside")
    check("dirty empty DB dropped", "source" not in j[0])
    eq("dirty report number", j[2].get("number"), "TR-2020-01")
check("junk warned at line 1", "in.ris:1:1: warning: expected 'TY  - ' to start a record" in err,
      err)
check("missing ER warned at line 13", "in.ris:13:1: warning: expected 'ER  - '" in err, err)
check("malformed tag error at line 14", "in.ris:14:3: error: expected two blanks" in err, err)
check("missing ER at end warned", "in.ris:16:1: warning: record has no 'ER" in err, err)
rc, j, err = read(dirty, ["--strict"])
check("strict stops on the malformed record", rc == 1, "rc %d" % rc)

noise = b"TY  - JOUR\nTI  - Control\x15 char\xe2\x80\xa8and\tline separator\nER  - \n"
rc, j, err = read(noise)
eq("control chars and U+2028", j and j[0].get("title"), "Control char and line separator")
check("control chars warned", "in.ris:2:1: warning: control characters removed" in err, err)

# ---- writer --------------------------------------------------------------------
src = json.dumps([
    {"id": "a1", "type": "article-journal", "title": "A <i>rich</i> title",
     "author": [{"family": "Doe", "given": "Jane"}, {"literal": "WHO"}],
     "issued": {"date-parts": [[2020, 1, 2]]}, "page": "5–17",
     "DOI": "https://doi.org/10.1000/abc", "abstract": "line one\nline two",
     "container-title": "J", "keyword": "x, y"},
    {"id": "b2", "type": "book", "title": "Book\nwith break",
     "editor": [{"family": "Ed", "given": "Ina"}], "issued": {"date-parts": [[1999]]}}])
path = os.path.join(tmp, "w.json")
open(path, "w").write(src)
p = subprocess.run([exe, "-f", "csljson", "-t", "ris", path], capture_output=True)
out = p.stdout.decode("utf-8")
eq("writer exit", p.returncode, 0)
check("writer CRLF", "\r\n" in out and "\n" not in out.replace("\r\n", ""), repr(out[:80]))
lines = out.split("\r\n")
eq("writer TY first", lines[0], "TY  - JOUR")
for want in ["TI  - A rich title", "AU  - Doe, Jane", "AU  - WHO", "PY  - 2020",
             "DA  - 2020/01/02/", "SP  - 5", "EP  - 17", "DO  - 10.1000/abc",
             "AB  - line one", "line two", "KW  - x", "KW  - y", "TY  - BOOK",
             "TI  - Book with break", "A3  - Ed, Ina", "DA  - 1999///"]:
    check("writer line %r" % want, want in lines, repr(lines))
check("writer ER then blank line", "ER  - \r\n\r\nTY  - BOOK" in out, repr(out))
check("writer ends with ER and blank line", out.endswith("ER  - \r\n\r\n"), repr(out[-20:]))
p = subprocess.run([exe, "-f", "csljson", "-t", "ris", "-O", "eol=lf", path], capture_output=True)
check("writer eol=lf", b"\r" not in p.stdout and b"ER  - \n\nTY" in p.stdout, repr(p.stdout[:60]))
p = subprocess.run([exe, "-f", "csljson", "-t", "ris", "-O", "eol=cr", path], capture_output=True)
eq("writer bad eol value refused", p.returncode, 2)

# ---- probe ---------------------------------------------------------------------
txt = os.path.join(tmp, "noext.txt")
open(txt, "wb").write(base)
p = subprocess.run([exe, "-t", "csljson", txt], capture_output=True)
check("probe finds RIS without -f", p.returncode == 0 and b"Graphen" in p.stdout,
      p.stderr.decode()[:200])
nbib = os.path.join(tmp, "x.nbib")
open(nbib, "wb").write(b"PMID- 123\nTI  - x\nAU  - Doe J\n\n")
p = subprocess.run([exe, "--detect", nbib], capture_output=True)
scores = dict(l.split()[:2] for l in p.stdout.decode().splitlines()
              if l.startswith("  ") and not l.strip().startswith("=>"))
eq("nbib not claimed by ris", scores.get("ris"), "0")

for f in fails:
    print("FAIL", f)
print("%d failures" % len(fails))
sys.exit(1 if fails else 0)
