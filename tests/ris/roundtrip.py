#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Round trips through RIS on the corpus, and the strict re-read of every
file the RIS writer produced.

  ris -> ris        the CSL-JSON reading of the output equals that of the
                    input (every mapped field and every kept extra), and
                    every tag of the input is in the output, itself or as
                    the tag the writer uses for the same data (ALIASES).
  bibtex -> ris -> bibtex, csljson -> ris -> csljson
                    every field RIS can carry survives (compared on the
                    CSL-JSON readings of both ends); NOT_CARRIED lists what
                    RIS cannot carry, and it is the only thing skipped.
  strict re-read    every RIS file written above reads back with --strict,
                    exit status 0 and not one diagnostic.

Exit 77 when ../shared is absent.
"""
import atexit, glob, json, os, re, shutil, subprocess, sys, tempfile

shared = os.environ.get("BIBCONV_SHARED", "")
build = os.environ.get("BIBCONV_BUILDDIR", "")
if not shared or not os.path.isdir(os.path.join(shared, "corpus")):
    print("no shared corpus: skipped")
    sys.exit(77)
exe = os.path.join(build, "core", "cli", "bibconv")
corpus = os.path.join(shared, "corpus")
tmp = tempfile.mkdtemp(prefix="ris-rt-")
atexit.register(shutil.rmtree, tmp, True)  # left in /tmp by every run before
failures = []

# Fields RIS has no tag for (docs/ris.md, "Not written"), or only for some
# types; they are not compared. Everything else is.
NOT_CARRIED = {
    "original-date", "event-date", "submitted", "event-title", "event-place",
    "container-author", "collection-number-short", "chair", "compiler", "curator",
    "editorial-director", "executive-producer", "guest", "host", "interviewer",
    "narrator", "organizer", "original-author", "reviewed-author", "script-writer",
    "series-creator", "editor-translator", "illustrator", "contributor", "producer",
    "performer", "recipient", "director", "composer", "original-publisher",
    "original-publisher-place", "archive", "archive_collection", "archive-place",
    "authority", "categories", "citation-key", "citation-label", "dimensions", "division",
    "jurisdiction", "license", "medium", "part", "part-title", "printing", "references",
    "reviewed-genre", "scale", "status", "supplement", "volume-title", "volume-title-short",
    "year-suffix", "chapter-number", "PMID", "locator", "first-reference-note-number",
    "citation-number", "custom", "page-first", "number-of-pages", "available-date",
    "part-number",
}
# Keys that are not CSL variables are extras of another format, which the
# RIS writer does not carry (only the record's own "ris" extras).
schema = json.load(open(os.path.join(corpus, "schema", "csl-data.json")))
item_schema = schema["items"]["properties"]
CSL_KEYS = set(item_schema)
CSL_TYPES = set(item_schema["type"]["enum"])
# Fields RIS carries for some types only: version is ET of COMP/DATA (ET
# is the edition elsewhere); a lone page number of a book or thesis reads
# back as its number of pages (SP is "Number of Pages" there in the RIS 2011 per-type tables).
TYPE_ONLY = {"version": lambda t, v: t in ("software", "dataset"),
             "page": lambda t, v: t not in ("book", "thesis", "classic") or
             not str(v).isdigit()}
DATE_KEYS = {"issued", "accessed", "event-date", "original-date", "submitted",
             "available-date"}
# Legacy CSL-JSON spellings the csljson writer gives back as the input had them.
KEY_ALIAS = {"journalAbbreviation": "container-title-short", "shortTitle": "title-short"}
# RIS reads AU as the composer of MUSIC and the director of MPCT.
AU_ROLE = {"musical_score": "composer", "motion_picture": "director"}
# Types RIS cannot tell apart: what they read back as (docs/ris.md, "Types").
TYPE_BACK = {
    "article": "document", "collection": "document", "event": "document",
    "interview": "document", "performance": "document", "treaty": "document",
    "review": "article-journal", "review-book": "article-journal",
    "broadcast": "motion_picture", "post": "personal_communication",
}
# Input tag -> tags the writer may use for the same data.
ALIASES = {
    "A1": {"AU"}, "ED": {"A2", "A3", "AU", "ED"}, "T1": {"TI"}, "CT": {"TI"},
    "BT": {"TI", "T2"}, "JF": {"T2", "JF"}, "JO": {"T2", "JF"}, "JA": {"J2"},
    "J1": {"J2"}, "N2": {"AB"}, "Y1": {"PY", "DA", "Y1"}, "PY": {"PY", "DA"},
    "DA": {"DA", "Y2", "PY"}, "CP": {"IS"}, "PP": {"CY"}, "DI": {"DO"}, "DB": {"DP"},
    "M3": {"M3", "DO"}, "EP": {"EP", "SP"}, "M1": {"M1", "C7", "SN"},
    "C7": {"C7", "M1", "SN"}, "T2": {"T2", "JF"}, "T3": {"T3", "T2"},
    "SN": {"SN"}, "SP": {"SP"}, "N1": {"N1", "CN"},
}
TAG = re.compile(r"^\s*([A-Za-z][A-Za-z0-9])[ \t]{1,3}-(?:[ \t]+(.*?))?\s*$")


def run(args, inp=None):
    return subprocess.run([exe] + args, capture_output=True, input=inp)


def csl(path, fmt):
    p = run(["-f", fmt, "-t", "csljson", path])
    if p.returncode not in (0, 1):
        failures.append("%s: reading as %s exited %d" % (path, fmt, p.returncode))
        return None
    return json.loads(p.stdout.decode("utf-8"))


written = []


def write_ris(src, fmt, name):
    out = os.path.join(tmp, name + ".ris")
    p = run(["-f", fmt, "-t", "ris", "-o", out, src])
    if p.returncode not in (0, 1) or not os.path.exists(out):
        failures.append("%s: writing RIS exited %d: %s" % (src, p.returncode,
                                                          p.stderr.decode()[-200:]))
        return None
    written.append(out)
    return out


def tags_of(path):
    """Tags with a value inside TY .. ER (text outside records is skipped
    by the reader, with a warning)."""
    tags, inside = set(), False
    for line in open(path, encoding="utf-8", errors="replace"):
        m = TAG.match(line)
        if not m:
            continue
        t = m.group(1).upper()
        if t == "TY":
            inside = True
        elif t == "ER":
            inside = False
        elif inside and m.group(2):
            tags.add(t)
    return tags


def plain(s):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", "", str(s))).strip()


def name_key(n):
    if "literal" in n and len(n) == 1:
        # a comma inside a one-field name reads back as "Family, Given": RIS
        # has no way to protect it (docs/ris.md, "Names"), so compare the words
        return " ".join(sorted(plain(n["literal"]).replace(",", " ").split()))
    parts = [n.get(k, "") for k in ("given", "dropping-particle", "non-dropping-particle",
                                    "family", "suffix")]
    # the words of the name: RIS keeps them, not always the split of a
    # one-field name or a particle's side of the comma
    return " ".join(sorted(plain(" ".join(p for p in parts if p)).replace(",", " ").split()))


def value(k, v):
    if k in DATE_KEYS and not isinstance(v, dict):
        return ""  # not a CSL date: the csljson reader kept it as an extra
    if isinstance(v, list) and (not v or isinstance(v[0], dict)):
        names = [name_key(n) for n in v]
        return [n for n in names if n != "others"] if names and names[-1] == "others" else names
    if isinstance(v, dict):
        dp = v.get("date-parts")
        if dp and dp[0] and dp[0][0] not in ("", None):
            # first part only (RIS has no ranges); months 13-16 and 21-24
            # are seasons, which RIS writes in the fourth slot
            parts = [int(x) for x in dp[0] if x not in ("", None)]
            season = v.get("season") if isinstance(v.get("season"), int) else None
            if len(parts) > 1 and parts[1] > 12:
                season, parts = (parts[1] - 1) % 4 + 1 if parts[1] <= 16 else parts[1] - 20, \
                    parts[:1]
            return parts + (["season %s" % season] if season else [])
        return plain(v.get("literal", v.get("raw", "")))
    if k == "page":
        return plain(str(v).replace("\u2013", "-").replace("--", "-"))
    if k == "keyword":
        return sorted(plain(x) for x in re.split(r"[,;]", str(v)) if x.strip())
    if k == "DOI":
        return re.sub(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", "", plain(v), flags=re.I)
    return plain(v)


# BibLaTeX's books and their parts have no `type` field: the biblatex writer
# drops a genre there with a warning (docs/bibtex.md).
BIBLATEX_UNTYPED = {"book", "chapter", "paper-conference"}


def compare_items(src, a, b, end=None):
    if a is None or b is None:
        return
    if len(a) != len(b):
        failures.append("%s: %d items before, %d after" % (src, len(a), len(b)))
        return
    ids = [x.get("id") for x in a]
    for x, y in zip(a, b):
        x = {KEY_ALIAS.get(k, k): v for k, v in x.items()}
        y = {KEY_ALIAS.get(k, k): v for k, v in y.items()}
        t = x.get("type", "document") or "document"
        role = AU_ROLE.get(y.get("type"))
        if role and role in y and "author" not in y:
            y = dict(y, author=y[role])
        if t in CSL_TYPES and TYPE_BACK.get(t, t) != y.get("type"):
            failures.append("%s: %s: type %s came back as %s" % (src, x.get("id"), t,
                                                                 y.get("type")))
        for k, v in x.items():
            if k in NOT_CARRIED or k in ("type",) or v in ("", [], {}) or \
                    (k not in CSL_KEYS and k != "id"):
                continue
            if k in TYPE_ONLY and not TYPE_ONLY[k](y.get("type"), v):
                continue
            if k == "genre" and end == "biblatex" and y.get("type") in BIBLATEX_UNTYPED:
                continue
            if k == "id" and not isinstance(v, str):
                v = str(v)
            if k == "id" and ids.count(x.get("id")) > 1:
                continue  # duplicate keys: the bibtex writer renames them
            if k == "id":
                if str(y.get("id")) != v:
                    failures.append("%s: id %r came back as %r" % (src, v, y.get("id")))
                continue
            if value(k, v) in ("", []):
                continue
            if k not in y or value(k, y[k]) != value(k, v):
                failures.append("%s: %s: field %s %r came back as %r"
                                % (src, x.get("id"), k, value(k, v)[:80] if isinstance(
                                    value(k, v), str) else value(k, v),
                                   value(k, y[k]) if k in y else None))


# ---- ris -> ris -------------------------------------------------------------
# BIBCONV_CORPUS_STRIDE=N: every Nth file of each list (the sanitizer run in CI)
STRIDE = max(1, int(os.environ.get("BIBCONV_CORPUS_STRIDE", "1") or 1))
ris_inputs = sorted(glob.glob(os.path.join(corpus, "**", "*.ris"), recursive=True))[::STRIDE]
n_ris = 0
for i, f in enumerate(ris_inputs):
    out = write_ris(f, "ris", "rr%d" % i)
    if not out:
        continue
    a, b = csl(f, "ris"), csl(out, "ris")
    if a is not None and a != b:
        for x, y in zip(a, b):
            if x != y:
                failures.append("%s: ris -> ris changed %s into %s" % (
                    f, json.dumps(x)[:300], json.dumps(y)[:300]))
                break
        else:
            failures.append("%s: ris -> ris changed the number of records" % f)
    if run(["-f", "ris", "-t", "csljson", f]).returncode == 0:
        have = tags_of(out)
        for t in tags_of(f):
            if t not in have and not (ALIASES.get(t, set()) & have):
                failures.append("%s: tag %s lost in ris -> ris" % (f, t))
    n_ris += 1

# ---- bibtex -> ris -> bibtex -------------------------------------------------
bib_inputs = sorted(glob.glob(os.path.join(corpus, "citation-js", "bibtex-in.*.bib")) +
                    glob.glob(os.path.join(corpus, "jabref", "testbib.*.bib")) +
                    glob.glob(os.path.join(corpus, "tricky", "*.bib")) +
                    glob.glob(os.path.join(corpus, "bbt-export", "*.bibtex.bib"))[:60])[::STRIDE]
n_bib = 0
for i, f in enumerate(bib_inputs):
    if run(["-f", "bibtex", "-t", "csljson", f]).returncode != 0:
        continue  # files with bad entries: the bibtex tests cover them
    r = write_ris(f, "bibtex", "bb%d" % i)
    if not r:
        continue
    back = os.path.join(tmp, "bb%d.bib" % i)
    # back to biblatex, the BibTeX flavour with the most room (software,
    # dataset...): what classic BibTeX cannot hold is not RIS's loss
    p = run(["-f", "ris", "-t", "biblatex", "-o", back, r])
    if p.returncode != 0:
        failures.append("%s: ris -> bibtex exited %d" % (f, p.returncode))
        continue
    compare_items(f, csl(f, "bibtex"), csl(back, "biblatex"), "biblatex")
    n_bib += 1

# ---- csljson -> ris -> csljson -----------------------------------------------
json_inputs = sorted(glob.glob(os.path.join(corpus, "citation-js", "ris-out.*.csl.json")) +
                     glob.glob(os.path.join(corpus, "bbt-export", "*.csl.json")) +
                     glob.glob(os.path.join(corpus, "csl-test-suite", "*.json"))[::6])[::STRIDE]
n_json = 0
for i, f in enumerate(json_inputs):
    if run(["-f", "csljson", "-t", "csljson", f]).returncode != 0:
        continue
    r = write_ris(f, "csljson", "jj%d" % i)
    if not r:
        continue
    compare_items(f, csl(f, "csljson"), csl(r, "ris"))
    n_json += 1

# ---- strict re-read of everything written ------------------------------------
for w in written:
    # keys=keep: an ID the source repeated reads back as it is, without the
    # CSL-JSON writer's suffix and its warning (not the RIS file's doing)
    p = run(["--strict", "-f", "ris", "-t", "csljson", "-O", "keys=keep", w])
    if p.returncode != 0 or p.stderr:
        failures.append("%s: strict re-read: exit %d: %s" % (w, p.returncode,
                                                             p.stderr.decode()[:300]))

print("ris -> ris: %d files; bibtex -> ris -> bibtex: %d files; csljson -> ris -> csljson: "
      "%d files; strict re-reads: %d" % (n_ris, n_bib, n_json, len(written)))
for f in failures[:60]:
    print("FAIL", f)
print("%d failures" % len(failures))
sys.exit(1 if failures or not written else 0)
