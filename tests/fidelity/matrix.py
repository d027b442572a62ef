#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The fidelity matrix: every reader x every writer over the shared corpus,
samples/ and the format tests' own inputs (tests/*/data), each output
checked by the program that consumes it.

Formats come from `bibconv --list-formats` (a new module joins by being
built); each corpus file goes to the reader(s) `bibconv --detect` scores
highest (a near tie, as .bib between bibtex and biblatex, gives both).
JSON Lines inputs, which the corpus lacks, are made from the CSL-JSON ones.
For a source S read by R, the reference is R -> csljson; then for every
writer W, out = R -> W and:

  write    the writer exits 0 or 1 (1 only where the reference did too)
  reread   `bibconv --strict -f W -t csljson out` exits 0, no diagnostic,
           as many items as the reference
  ids      CSL-JSON, JSON Lines and YAML output: every item has an id
  schema   CSL-JSON / JSON Lines output validates against csl-data.json
  consumer pandoc --citeproc (CSL-JSON, YAML: exit 0, no warning, one
           entry per id); bibtex with plain.bst and alpha.bst (classic
           BibTeX: no error, no "isn't style-file defined"); biber --tool
           --validate-datamodel (BibLaTeX: exit 0, no ERROR, no WARN but
           "Missing mandatory field", which says the source lacks it)
  survive  the fields survive.tsv lists for the pair are equal in the
           reread and the reference, item by item
  stable   W is R's own writer: R -> W -> csljson equals R -> csljson
           (files whose reference repeats an id are left out: the writer
           renames the repeat; for bibtex, ids that differ only in case
           repeat)

Environment: BIBCONV_SHARED (the corpus; without it only samples/ run),
BIBCONV_FIDELITY_STRIDE=N every Nth source file per reader (default 1),
BIBCONV_FIDELITY_JOBS (default: CPUs). Options: --stride N, --full (stride
1 unless --stride is given, and the figures table), --show (every failure,
not the first 5 per cell), --match REGEX (only sources whose name matches),
--jobs N, --copy-build (run a copy of the build), --part K/N (every Nth
source from the Kth) with --save FILE, and --merge FILE... (the table and
verdict of saved parts, no run).
Exits 1 on any failure, 77 when bibconv is not built.
"""
import argparse
import collections
import concurrent.futures
import glob
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.path.abspath(os.environ.get("BIBCONV_SRCDIR") or os.path.join(HERE, "..", ".."))
BUILD = os.environ.get("BIBCONV_BUILDDIR") or os.path.join(SRC, "build")
EXE = os.path.join(BUILD, "core", "cli", "bibconv")
SHARED = os.environ.get("BIBCONV_SHARED", "")
CORPUS = os.path.abspath(os.path.join(SHARED, "corpus")) if SHARED else ""

CHECKS = ["write", "reread", "ids", "schema", "consumer", "survive", "stable"]
ID_WRITERS = ("csljson", "csljsonl", "yaml")


# --copy-build: {format: its module's directory} in the copy, so that each
# conversion loads only the modules of its two formats (a start that loads
# every module, libxml2 and ICU among them, costs about 2.7 times the CPU)
MODULE_DIR = {}


def run(args, data=None, cwd=None, timeout=300):
    env = None
    if MODULE_DIR and args[0] == EXE and "-f" in args and "-t" in args:
        dirs = {MODULE_DIR.get(args[args.index(o) + 1]) for o in ("-f", "-t")}
        if None not in dirs:
            env = dict(os.environ, BIBCONV_PLUGIN_PATH=":".join(sorted(dirs)))
    try:
        p = subprocess.run(args, input=data, capture_output=True, cwd=cwd, timeout=timeout,
                           env=env)
        return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        return -1, b"", "timeout"


# ---- formats and sources -----------------------------------------------------

def list_formats():
    """{name: (readable, writable)} from bibconv --list-formats; with
    --copy-build, MODULE_DIR from its last column."""
    rc, out, _ = run([EXE, "--list-formats"])
    fmts = {}
    for line in out.decode().splitlines()[1:]:
        parts = line.split()
        if len(parts) >= 2 and re.fullmatch(r"[r-][w-]", parts[1]):
            fmts[parts[0]] = (parts[1][0] == "r", parts[1][1] == "w")
            if COPY and parts[-1].startswith(COPY + os.sep):
                MODULE_DIR[parts[0]] = os.path.dirname(parts[-1])
    return fmts


COPY = ""


def copy_build(dest):
    """The programs of BUILD (bibconv, libbibconv, the plugin modules)
    copied to dest, and used from there: a rebuild during a long run
    cannot disturb it, and outside the build tree bibconv loads only the
    modules BIBCONV_PLUGIN_PATH names (run() names two)."""
    global EXE, COPY
    os.makedirs(os.path.join(dest, "core", "cli"))
    shutil.copy2(EXE, os.path.join(dest, "core", "cli"))
    for lib in glob.glob(os.path.join(BUILD, "core", "libbibconv.so*")):
        if os.path.isfile(lib):
            shutil.copy2(lib, os.path.join(dest, "core"), follow_symlinks=False)
    dirs = []
    for so in glob.glob(os.path.join(BUILD, "plugins", "*", "*.so")):
        d = os.path.join(dest, "plugins", os.path.basename(os.path.dirname(so)))
        os.makedirs(d, exist_ok=True)
        shutil.copy2(so, d)
        dirs.append(d)
    EXE, COPY = os.path.join(dest, "core", "cli", "bibconv"), dest
    os.environ["LD_LIBRARY_PATH"] = os.path.join(dest, "core") + (
        ":" + os.environ["LD_LIBRARY_PATH"] if os.environ.get("LD_LIBRARY_PATH") else "")
    os.environ["BIBCONV_PLUGIN_PATH"] = ":".join(sorted(set(dirs)))


def detect(paths):
    """{path: [reader, ...]}: the best score, and any within 10 of it."""
    found = {}
    for i in range(0, len(paths), 200):
        rc, out, _ = run([EXE, "--detect"] + paths[i:i + 200])
        cur, scores = None, []
        for line in out.decode("utf-8", "replace").splitlines() + [":end"]:
            m = re.match(r"^\s+(\S+)\s+(\d+)", line)
            if m and cur:
                scores.append((int(m.group(2)), m.group(1)))
                continue
            if cur and scores:
                best = max(s for s, _ in scores)
                if best > 0:
                    found[cur] = [f for s, f in sorted(scores, reverse=True) if s >= best - 10]
            m = re.match(r"^(.*): looked at", line)
            cur, scores = (m.group(1), []) if m else (None, [])
    return found


ALIAS = {}


def rel_name(path):
    """A source's name in reports: relative to the corpus or the tree."""
    if path in ALIAS:
        return ALIAS[path]
    if CORPUS and path.startswith(os.path.abspath(CORPUS) + os.sep):
        return os.path.relpath(path, CORPUS)
    return os.path.relpath(path, SRC)


def sources(readers, stride, tmp, match=None, part=None):
    """[(reader, path)] in a fixed order, every stride-th per reader (only
    those whose name has a match of the regex `match`, when given); with
    part (k, n), the k-th of every n of those (a JSON Lines copy goes with
    its CSL-JSON source)."""
    paths = sorted(glob.glob(os.path.join(SRC, "samples", "*")))
    # the formats the corpus has few files of (nbib, wos, EndNote XML, MODS,
    # Zotero JSON, reference lists): the format tests' own inputs, and the
    # Zotero JSON the Zotero translators give for them (*.expected.zotero.json)
    data = []
    for pat in ("tests/zotero/data/*.json", "tests/medline/data/*.nbib",
                "tests/medline/data/*.zotero.json", "tests/wos/data/*.txt",
                "tests/wos/data/*.zotero.json", "tests/xml/data/*.xml",
                "tests/refs/golden/*.txt", "tests/refs/golden/*.html"):
        data += glob.glob(os.path.join(SRC, pat))
    data = sorted(p for p in data if not p.endswith(".expected.csl.json"))
    paths += data
    if os.path.isdir(CORPUS):
        paths += sorted(p for p in glob.glob(os.path.join(CORPUS, "**", "*"), recursive=True)
                        if os.path.isfile(p) and "/schema/" not in p
                        and not p.endswith(("index.tsv", "MANIFEST.md", "SOURCES.json")))
    per = collections.defaultdict(list)
    for path, fmts in detect(paths).items():
        for f in fmts:
            if f in readers:
                per[f].append(path)
    # JSON Lines inputs: the corpus has (almost) none, so every CSL-JSON
    # source taken is also given as JSON Lines (named "jsonl:" + its name)
    jobs = []
    for r in sorted(per):
        # samples/ always (a handful); the corpus every stride-th file
        own = sorted(p for p in per[r] if p not in data and not (CORPUS and p.startswith(CORPUS)))
        rest = sorted(p for p in per[r] if p in data) + \
            sorted(p for p in per[r] if CORPUS and p.startswith(CORPUS))
        jobs += [(r, p) for p in own + rest[::stride]
                 if not match or re.search(match, rel_name(p))]
    if part:
        jobs = jobs[part[0]::part[1]]
    if "csljsonl" in readers:
        for n, (r, p) in enumerate([j for j in jobs if j[0] == "csljson"]):
            out = os.path.join(tmp, "jsonl-src", "%05d.jsonl" % n)
            os.makedirs(os.path.dirname(out), exist_ok=True)
            rc, data, _ = run([EXE, "-f", "csljson", "-t", "csljsonl", p])
            if rc == 0 and data.strip():
                with open(out, "wb") as f:
                    f.write(data)
                ALIAS[out] = "jsonl:" + rel_name(p)
                jobs.append(("csljsonl", out))
    return jobs


# ---- what must survive ---------------------------------------------------------

def load_survive():
    """{(reader or '*', writer): (must: [field spec], lost: {field: why})}."""
    table = {}
    with open(os.path.join(HERE, "survive.tsv"), encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            cols = line.rstrip("\n").split("\t")
            pair, must = cols[0], cols[1]
            lost = cols[2] if len(cols) > 2 else ""
            r, _, w = pair.rpartition(">")
            table[(r or "*", w)] = ([x.strip() for x in must.split(",") if x.strip()],
                                    lost.strip())
    return table


# the small-caps span as citeproc-js also spells it: the record model takes
# it for its own (include/bibconv/record.h); the CSL-JSON writers give the
# source's spelling back, the others write the span
SC_ALIAS = '<span style="font-variant: small-caps;">'
SC_SPAN = '<span style="font-variant:small-caps;">'


def norm_text(v):
    s = unicodedata.normalize("NFC", str(v)).replace("\u00a0", " ").replace(SC_ALIAS, SC_SPAN)
    return " ".join(s.split())


def norm_names(v):
    """A name list as the multiset of its words, in order of names: where a
    particle sits (given, dropping, family) is the format's business."""
    if not isinstance(v, list):
        return norm_text(v)
    out = []
    for n in v:
        if isinstance(n, dict):
            words = []
            for k in ("given", "dropping-particle", "non-dropping-particle", "family",
                      "suffix", "literal"):
                if n.get(k):
                    words += norm_text(n[k]).replace(",", " ").split()
            out.append(sorted(words))
        else:
            out.append(norm_text(n))
    return out


def norm_date(v, parts):
    """The first `parts` date parts of each bound (y, ym, ymd); a literal
    or raw date as text."""
    if not isinstance(v, dict):
        return norm_text(v)
    dp = v.get("date-parts")
    if not dp:
        return norm_text(v.get("literal") or v.get("raw") or "")
    out = []
    for b in dp:
        # an empty-string part is absent (CSL processors read it so), and
        # with it the parts after it
        b = list(b)
        if "" in b or " " in b:
            b = b[:min(b.index(e) for e in ("", " ") if e in b)]
        # a month no calendar has (-1, 17, 60; 13-16 and 21-24 are
        # seasons) or a day outside 1-31 is absent too, with the parts
        # after it
        b = [int(x) if str(x).lstrip("-").isdigit() else x for x in b]
        if len(b) > 1 and isinstance(b[1], int) and not (1 <= b[1] <= 16 or 21 <= b[1] <= 24):
            b = b[:1]
        if len(b) > 2 and isinstance(b[2], int) and not 1 <= b[2] <= 31:
            b = b[:2]
        # a season, as a month 13-16 or 21-24 or as CSL's "season" key of
        # the start, is one value (with no day)
        if len(b) > 1 and isinstance(b[1], int) and b[1] > 12:
            b = [b[0], "season %d" % ((b[1] - 13) % 4 + 1 if b[1] <= 16 else b[1] - 20)]
        elif len(b) == 1 and not out and str(v.get("season", "")).isdigit():
            b = [b[0], "season %s" % v["season"]]
        out.append([int(x) if str(x).lstrip("-").isdigit() else str(x) for x in b[:parts]])
    return out


# CSL's rich-text tags, and nothing else: a "<" of the text itself (TeX
# math "$<$" kept as it is) is no tag
MARKUP = re.compile(r"</?(?:i|b|sup|sub|span)(?:\s[^<>]*)?>")


def project(item, spec, reread=False):
    """The value of field spec ("title", "issued/ym", "author/names") in a
    CSL-JSON item (the re-read's when reread), normalised for comparison;
    None when absent."""
    name, _, how = spec.partition("/")
    if how == "range-count" and reread and name not in item and "number-of-pages" in item:
        # one <pages> for a whole work's page and its number of pages: a
        # bare number reads back as the number of pages
        name, how = "number-of-pages", "range"
    elif how == "range-count":
        how = "range"
    if name not in item:
        return None
    v = item[name]
    if how == "names":
        return norm_names(v)
    if how == "names-etal":  # a final "others" (et al.) the format cannot carry, left out
        n = norm_names(v)
        return n[:-1] if isinstance(n, list) and n and n[-1] == ["others"] else n
    if how in ("y", "ym", "ymd"):
        return norm_date(v, len(how))
    if how in ("y1", "y1-parts"):  # the start's year only: the format has no ranges
        if how == "y1-parts" and not (isinstance(v, dict) and v.get("date-parts")):
            return None  # a date without parts (a literal): no form in the format
        d = norm_date(v, 1)
        return d[:1] if isinstance(d, list) else d
    if how == "plain":  # rich-text markup the format cannot carry, left out
        return norm_text(MARKUP.sub("", str(v)))
    if how == "range":  # a page range's dash is the format's own; 82-82 is page 82
        # (a run of dashes, "225-\u2013240" in a Zotero item, is one)
        r = norm_text(re.sub(r"\s*[-\u2013\u2014]+\s*", "-", str(v)))
        a, sep, z = r.partition("-")
        return a if sep and a == z else r
    if how == "doi":  # the same DOI with or without its resolver's address
        return norm_text(re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", str(v),
                                flags=re.I))
    if isinstance(v, (dict, list)):
        return json.dumps(v, sort_keys=True, ensure_ascii=False)
    return norm_text(v)


def survive(reader, writer, ref, got, table):
    """None or the first lost field."""
    key = (reader, writer) if (reader, writer) in table else ("*", writer)
    if key not in table:
        return "no row for %s>%s in survive.tsv" % (reader, writer)
    must = table[key][0]
    for i, (a, b) in enumerate(zip(ref, got)):
        specs = must
        if must == ["*"]:
            specs = sorted(set(a) - {"id"})
        for spec in specs:
            va = project(a, spec)
            if va is None:
                continue
            vb = project(b, spec, reread=True)
            if va != vb:
                return "item %d (%s): %s %s -> %s" % (i, a.get("id"), spec,
                                                      str(va)[:80], str(vb)[:80])
    return None


# ---- consumers -----------------------------------------------------------------

class Schema:
    def __init__(self):
        self.v = None
        try:
            import jsonschema
        except ImportError:
            return
        for p in (os.path.join(HERE, "csl-data.json"),
                  os.path.join(CORPUS, "schema", "csl-data.json")):
            if os.path.exists(p):
                with open(p) as f:
                    schema = json.load(f)
                self.v = jsonschema.Draft7Validator(schema)
                return

    def check(self, items):
        if self.v is None:
            return "n/a"
        # license: a CSL 1.0.2 variable the schema v1.0.2 lacks (its issue
        # 407), kept at the top level as the specification defines it
        # (docs/fidelity.md); one that is not a string stays and fails
        items = [dict((k, v) for k, v in x.items() if k != "license")
                 if isinstance(x, dict) and isinstance(x.get("license", ""), str) else x
                 for x in items]
        for e in self.v.iter_errors(items):
            return "%s: %s" % ("/".join(str(x) for x in e.absolute_path), e.message[:120])
        return None


# The consumers run on batches: many outputs whose ids do not collide go
# to one pandoc, bibtex or biber run (they cost about a second a start);
# a batch with any complaint is run again file by file, so every failure
# is the file's own.

BATCH = 40


def pandoc_run(path, nids, tmp):
    doc = os.path.join(tmp, "nocite.md")
    if not os.path.exists(doc):
        with open(doc, "w") as f:
            f.write("---\nnocite: '[@*]'\n...\n")
    rc, out, err = run(["pandoc", "--citeproc", "--bibliography", path, "-t", "html", doc],
                       timeout=600)
    got = out.decode("utf-8", "replace").count('class="csl-entry"')
    if rc != 0 or err.strip() or got != nids:
        return "pandoc exit %d, %d entries of %d: %s" % (rc, got, nids, err.strip()[:200])
    return None


def copy_bib(src, dest, k):
    """src to dest, its keys prefixed by k unless k is None."""
    with open(src, "rb") as f:
        data = f.read()
    if k is not None:
        data = prefixed_bib(data.decode("latin-1"), k).encode("latin-1")
    with open(dest, "wb") as f:
        f.write(data)


def bibtex_run(paths, tmp):
    """plain and alpha over the .bib files: no error, no entry type unknown
    to the style."""
    d = tempfile.mkdtemp(dir=tmp)
    names = []
    for n, p in enumerate(paths):
        copy_bib(p, os.path.join(d, "r%d.bib" % n), n if len(paths) > 1 else None)
        names.append("r%d" % n)
    for style in ("plain", "alpha"):
        with open(os.path.join(d, "x.aux"), "w") as f:
            f.write("\\relax\n\\citation{*}\n\\bibdata{%s}\n\\bibstyle{%s}\n"
                    % (",".join(names), style))
        rc, out, err = run(["bibtex", "-terse", "x"], cwd=d, timeout=300)
        log = out.decode("latin-1") + err
        bad = [l for l in log.splitlines()
               if "isn't style-file defined" in l or "---line" in l or "error message" in l
               or l.startswith(("I was expecting", "You're missing", "I'm skipping",
                                "Illegal", "Too many commas", "Sorry", "Repeated entry"))]
        if rc > 1 or bad:
            shutil.rmtree(d, ignore_errors=True)
            return "%s.bst: exit %d: %s" % (style, rc, "; ".join(bad[:3])[:200])
    shutil.rmtree(d, ignore_errors=True)
    return None


def biber_run(paths, tmp):
    d = tempfile.mkdtemp(dir=tmp)
    with open(os.path.join(d, "refs.bib"), "wb") as f:
        for n, p in enumerate(paths):
            with open(p, "rb") as g:
                data = g.read()
            if len(paths) > 1:
                data = prefixed_bib(data.decode("utf-8", "surrogateescape"), n).encode(
                    "utf-8", "surrogateescape")
            f.write(data + b"\n")
    rc, out, err = run(["biber", "--tool", "--validate-datamodel", "--quiet", "refs.bib"],
                       cwd=d, timeout=1200)
    shutil.rmtree(d, ignore_errors=True)
    bad = [l for l in (out.decode("utf-8", "replace") + err).splitlines()
           if l.startswith("ERROR") or (l.startswith("WARN") and
                                        "Missing mandatory field" not in l)]
    if rc != 0 or bad:
        return "biber exit %d: %s" % (rc, "; ".join(bad[:3])[:300])
    return None


def merged_csljson(outs, dest):
    """One CSL-JSON file of the batch, each output's ids prefixed with its
    place in it ("3-ITEM-1"): outputs may share ids (ITEM-1)."""
    items = []
    for k, o in enumerate(outs):
        with open(o.path, encoding="utf-8") as f:
            got = json.load(f)
        for x in got:
            if isinstance(x, dict) and "id" in x and len(outs) > 1:
                x["id"] = "%d-%s" % (k, x["id"])
        items += got
    with open(dest, "w", encoding="utf-8") as f:
        json.dump(items, f, ensure_ascii=False)


def merged_yaml(outs, dest):
    """The item lists of the files under one references: key (the writer
    puts each item at column 0 between 'references:' and '...')."""
    with open(dest, "w", encoding="utf-8") as f:
        f.write("---\nreferences:\n")
        for k, o in enumerate(outs):
            with open(o.path, encoding="utf-8") as g:
                lines = g.read().split("\n")
            body = lines[2:]
            if len(outs) > 1:
                body = [prefix_yaml_id(l, k) for l in body]
            while body and body[-1] in ("", "..."):
                body.pop()
            f.write("\n".join(body) + "\n")
        f.write("...\n")


def prefix_yaml_id(line, k):
    """An item's first line ("- id: X", as the YAML writer puts it at
    column 0) with the id prefixed by k, inside its quotes if any."""
    if not line.startswith("- id: "):
        return line
    v = line[6:]
    if v[:1] in ("'", '"'):
        return "- id: %s%d-%s" % (v[0], k, v[1:])
    return "- id: %d-%s" % (k, v)


KEY_LINE = re.compile(r"^(@[A-Za-z]+\{)(.*),$", re.M)
XREF_LINE = re.compile(r"^(\s+(?:crossref|xref|xdata|related|entryset|ids)\s*=\s*\{)([^{}\n]*)\}",
                       re.M | re.I)


def prefixed_bib(data, k):
    """A .bib output with its keys, and the keys its entries name
    (crossref, xdata, ...), prefixed by k, so that outputs sharing keys can
    go to one bibtex or biber run."""
    data = KEY_LINE.sub(lambda m: "%s%d-%s," % (m.group(1), k, m.group(2)), data)
    return XREF_LINE.sub(lambda m: m.group(1) + ",".join(
        "%d-%s" % (k, x.strip()) for x in m.group(2).split(",")) + "}", data)


def batches(outs):
    """Groups of at most BATCH outputs (their ids are made distinct when
    merged); an output with @string goes alone (a macro is global to a
    bibtex run, and biber reads the batch as one file)."""
    groups = [[]]
    for o in outs:
        if o.alone:
            groups.append([o])
            continue
        if len(groups[0]) == BATCH:
            groups.insert(0, [])
        groups[0].append(o)
    return [g for g in groups if g]


# consumer starts per kind ("bibtex" counts one per pair of styles), for
# the run's figures
STARTS = collections.Counter()
STARTS_LOCK = threading.Lock()


def run_consumer(kind, outs, tmp):
    """{out: failure or None} for one batch."""
    if kind == "bibtex":
        run1 = lambda os_: bibtex_run([o.path for o in os_], tmp)
    elif kind == "biber":
        run1 = lambda os_: biber_run([o.path for o in os_], tmp)
    else:
        def run1(os_):
            dest = os.path.join(tempfile.mkdtemp(dir=tmp), "refs." + kind)
            (merged_csljson if kind == "json" else merged_yaml)(os_, dest)
            return pandoc_run(dest, sum(len(o.ids) for o in os_), tmp)
    def one(os_):
        with STARTS_LOCK:
            STARTS[kind] += 1
        return run1(os_)
    def check(group):
        # a failing group is halved until each failure is one file's own:
        # one bad file in 40 costs about 12 runs, not 41
        if len(group) == 1:
            return {group[0]: one(group)}
        if one(group) is None:
            return dict.fromkeys(group)
        half = len(group) // 2
        got = check(group[:half])
        got.update(check(group[half:]))
        return got
    return check(outs)


class Out:
    """An output handed to a consumer: its file, ids and place in the matrix."""
    def __init__(self, path, ids, key, alone=False):
        self.path, self.ids, self.key, self.alone = path, set(ids), key, alone


# ---- one source ------------------------------------------------------------------

def parse_items(fmt, data):
    """The CSL items of csljson/csljsonl/yaml output, or None."""
    try:
        text = data.decode("utf-8")
        if fmt == "csljson":
            return json.loads(text)
        if fmt == "csljsonl":
            # lines end at "\n" only: splitlines() would also cut at a
            # U+2028/U+2029 inside a string, which JSON allows unescaped
            return [json.loads(l) for l in text.split("\n") if l.strip()]
        import yaml
        doc = yaml.load(text, Loader=yaml.BaseLoader)  # strings: as pandoc reads ids
        return doc.get("references", []) if isinstance(doc, dict) else doc
    except Exception:
        return None


def check_pair(ctx, reader, writer, src, ref, ref_rc, tmp):
    """{check: None (pass), "n/a", or the failure text} for one pair."""
    res = dict.fromkeys(CHECKS, "n/a")
    out = os.path.join(tmp, "out." + writer)
    rc, data, err = run([EXE, "--no-progress", "-f", reader, "-t", writer, src])
    if rc < 0 or rc > 1 or (rc == 1 and ref_rc == 0):
        res["write"] = "exit %d: %s" % (rc, err.strip()[:200])
        return res
    res["write"] = None
    with open(out, "wb") as f:
        f.write(data)
    if ctx.formats[writer][0]:
        # keys=keep: a format that keeps a repeated key (RIS ID, BibTeX in
        # a source that repeats one) is read back as it is, without the
        # CSL-JSON writer's renaming (and its warning) in between
        rc, back, err = run([EXE, "--no-progress", "--strict", "-f", writer, "-t", "csljson",
                             "-O", "keys=keep", out])
        got = None
        try:
            got = json.loads(back.decode("utf-8")) if rc == 0 else None
        except ValueError:
            pass
        if rc != 0 or err.strip() or got is None:
            res["reread"] = "exit %d: %s" % (rc, err.strip()[:200])
        elif len(got) != len(ref):
            res["reread"] = "%d items read back, %d in the reference" % (len(got), len(ref))
        else:
            res["reread"] = None
            res["survive"] = survive(reader, writer, ref, got, ctx.survive)
            if writer == ctx.own.get(reader):
                ids = [str(x.get("id")) for x in ref]
                if writer == "bibtex":  # keys that differ only in case repeat for BibTeX
                    ids = [i.lower() for i in ids]
                if len(set(ids)) == len(ids):
                    # nothing left out: the classic writer notes a type
                    # classic BibTeX lacks in `entrytype` (docs/bibtex.md)
                    res["stable"] = None if ref == got else first_diff(ref, got)
    items = parse_items(writer, data) if writer in ID_WRITERS else None
    if writer in ID_WRITERS:
        if items is None:
            res["ids"] = "output not parsed"
        else:
            # an id is a string or a number, 0 too (citation-js's "id": 0)
            def idstr(x):
                v = x.get("id")
                return "" if v is None or isinstance(v, (bool, dict, list)) else str(v)
            bad = [i for i, x in enumerate(items) if not idstr(x)]
            seen, rep = set(), None
            for x in items:  # CSL wants one item per id
                k = idstr(x)
                if k and k in seen and rep is None:
                    rep = k
                seen.add(k)
            res["ids"] = ("item %d of %d has no id" % (bad[0], len(items)) if bad else
                          "id %r repeated" % rep if rep is not None else None)
    if writer in ("csljson", "csljsonl") and items is not None:
        # whatever the source holds: what the schema refuses goes under
        # custom.csljson by default (-O unknown=custom)
        res["schema"] = ctx.schema.check(items)
    kind = {"csljson": "json", "yaml": "yaml", "bibtex": "bibtex", "biblatex": "biber"}.get(writer)
    tool = {"json": ctx.pandoc, "yaml": ctx.pandoc, "bibtex": ctx.bibtex, "biber": ctx.biber}
    if kind and tool[kind] and ref:
        # kept for the batched consumer run (check name "consumer")
        keep = os.path.join(ctx.keep, "%06d.%s" % (next(ctx.serial), writer))
        shutil.copy(out, keep)
        if items is not None:
            ids = [str(x.get("id")) for x in items]
        else:
            ids = re.findall(r"^@[A-Za-z]+\{(.*),$", data.decode("utf-8", "replace"), re.M)
        res["consumer"] = Out(keep, ids, None, alone=b"@string" in data.lower())
    return res


def first_diff(a, b):
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            for k in sorted(set(x) | set(y)):
                if x.get(k) != y.get(k):
                    return "item %d (%s): %s %s -> %s" % (
                        i, x.get("id"), k, json.dumps(x.get(k), ensure_ascii=False)[:90],
                        json.dumps(y.get(k), ensure_ascii=False)[:90])
    return "differs"


def check_source(ctx, reader, src):
    """(reader, src, {writer: {check: result}}) or None when R does not read src."""
    with tempfile.TemporaryDirectory() as tmp:
        # the source's own ids, a repeated one too (the stable check leaves
        # such sources out; the writers under test give it a suffix)
        rc, data, _ = run([EXE, "--no-progress", "-f", reader, "-t", "csljson", "-O", "keys=keep",
                           src])
        try:
            ref = json.loads(data.decode("utf-8")) if rc in (0, 1) else None
        except ValueError:
            ref = None
        if not ref:
            return reader, src, None
        return reader, src, {w: check_pair(ctx, reader, w, src, ref, rc, tmp)
                             for w in ctx.writers}


class Ctx:
    pass


_LAST = [None]


def cpu_since():
    """CPU seconds (user+sys, this process and its children) since the
    last call: where a run's time goes."""
    import resource
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    now = (s.ru_utime + c.ru_utime, s.ru_stime + c.ru_stime,
           c.ru_utime + c.ru_stime)
    last = _LAST[0] or (0.0, 0.0, 0.0)
    _LAST[0] = now
    return "%.1f s user + %.1f s sys (children %.1f s)" % (
        now[0] - last[0], now[1] - last[1], now[2] - last[2])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--stride", type=int, default=None)
    ap.add_argument("--ci-stride", type=int, default=1,
                    help="the stride unless BIBCONV_FIDELITY_STRIDE or --stride says")
    ap.add_argument("--full", action="store_true")
    ap.add_argument("--show", action="store_true")
    ap.add_argument("--jobs", type=int,
                    default=int(os.environ.get("BIBCONV_FIDELITY_JOBS", "0") or 0)
                    or os.cpu_count() or 1)
    ap.add_argument("--only", help="readers (comma list)")
    ap.add_argument("--match", help="only sources whose name has a match of this regex")
    ap.add_argument("--part", help="K/N: only the K-th (0..N-1) of every N sources; with "
                    "--save, the parts of a long run are done one at a time and --merge "
                    "gives the whole run's table")
    ap.add_argument("--save", help="write the run's counts and failures to this JSON file")
    ap.add_argument("--merge", nargs="+", metavar="SAVED",
                    help="no run: the table and verdict of the --save files given")
    ap.add_argument("--copy-build", action="store_true",
                    help="run a copy of the built programs, each conversion loading only "
                         "its two formats' modules")
    a = ap.parse_args()
    if a.merge:
        return merge(a.merge, a.show)
    part = None
    if a.part:
        m = re.fullmatch(r"(\d+)/(\d+)", a.part)
        if not m or int(m.group(1)) >= int(m.group(2)):
            ap.error("--part K/N with 0 <= K < N")
        part = (int(m.group(1)), int(m.group(2)))
    if not os.access(EXE, os.X_OK):
        print("bibconv not built:", EXE)
        return 77
    # --full is stride 1 unless --stride says otherwise (full.sh passes it on)
    stride = a.stride or (1 if a.full else int(os.environ.get("BIBCONV_FIDELITY_STRIDE", "0")
                                               or 0) or a.ci_stride)
    stride = max(1, stride)
    ctx = Ctx()
    copy_tmp = None
    if a.copy_build:
        copy_tmp = tempfile.TemporaryDirectory()
        copy_build(os.path.join(copy_tmp.name, "build"))
    ctx.formats = list_formats()
    readers = [f for f, (r, _) in ctx.formats.items() if r]
    if a.only:
        readers = [r for r in readers if r in a.only.split(",")]
    ctx.writers = [f for f, (_, w) in ctx.formats.items() if w]
    # a reader's own writer: the writer of the same name
    ctx.own = {r: r for r in readers if r in ctx.writers}
    ctx.survive = load_survive()
    ctx.schema = Schema()
    ctx.seen = set()
    ctx.pandoc = shutil.which("pandoc")
    ctx.bibtex = shutil.which("bibtex") and subprocess.run(
        ["kpsewhich", "plain.bst"], capture_output=True).stdout.strip()
    ctx.biber = shutil.which("biber")
    missing = [w for w in ctx.writers if ("*", w) not in ctx.survive]
    if missing:
        print("FAIL: survive.tsv has no row for writer(s) %s" % ", ".join(missing))
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        ctx.keep = os.path.join(tmp, "keep")
        os.makedirs(ctx.keep)
        ctx.serial = itertools.count()
        pending = collections.defaultdict(list)
        jobs = sources(readers, stride, tmp, a.match, part)
        print("... %d sources found: %s" % (len(jobs), cpu_since()), file=sys.stderr)
        counts = collections.defaultdict(lambda: [0, 0])  # (r, w, check) -> [pass, fail]
        fails = collections.defaultdict(list)
        nsrc = collections.Counter()
        with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
            for done, (reader, src, res) in enumerate(
                    ex.map(lambda j: check_source(ctx, *j), jobs)):
                if done % 100 == 99:
                    print("... %d of %d sources" % (done + 1, len(jobs)), file=sys.stderr)
                if res is None:
                    continue
                nsrc[reader] += 1
                rel = rel_name(src)
                ctx.seen.add((reader, rel))
                for w, checks in res.items():
                    for c, v in checks.items():
                        if isinstance(v, Out):
                            v.key = (reader, w, c, rel)
                            pending[w].append(v)
                            continue
                        if v == "n/a":
                            continue
                        counts[(reader, w, c)][0 if v is None else 1] += 1
                        if v is not None:
                            fails[(reader, w, c)].append("%s: %s" % (rel, v))
        print("... conversions and checks: %s" % cpu_since(), file=sys.stderr)
        kinds = {"csljson": "json", "yaml": "yaml", "bibtex": "bibtex", "biblatex": "biber"}
        work = [(kinds[w], b) for w in sorted(pending) for b in batches(pending[w])]
        print("... consumers: %d batches" % len(work), file=sys.stderr)
        with concurrent.futures.ThreadPoolExecutor(a.jobs) as ex:
            for got in ex.map(lambda kb: run_consumer(kb[0], kb[1], ctx.keep), work):
                for o, v in got.items():
                    reader, w, c, rel = o.key
                    counts[(reader, w, c)][0 if v is None else 1] += 1
                    if v is not None:
                        fails[(reader, w, c)].append("%s: %s" % (rel, v))
    print("... consumers: %s" % cpu_since(), file=sys.stderr)
    tools = {"pandoc": bool(ctx.pandoc), "bibtex": bool(ctx.bibtex), "biber": bool(ctx.biber),
             "schema": ctx.schema.v is not None}
    run_info = {"stride": stride, "part": a.part or "", "readers": readers,
                "writers": ctx.writers, "tools": tools, "nsrc": dict(nsrc),
                "seen": sorted(list(x) for x in ctx.seen), "batches": len(work), "starts": dict(STARTS),
                "counts": [list(k) + v for k, v in sorted(counts.items())],
                "fails": [list(k) + [l] for k, v in sorted(fails.items()) for l in v]}
    if a.save:
        with open(a.save, "w", encoding="utf-8") as f:
            json.dump(run_info, f, ensure_ascii=False)
    return verdict([run_info], a.show)


def merge(paths, show):
    """The table and verdict of runs saved with --save (the parts of one
    run: counts add up, every failure is kept)."""
    runs = []
    for p in paths:
        with open(p, encoding="utf-8") as f:
            runs.append(json.load(f))
    return verdict(runs, show)


def verdict(runs, show):
    """Prints the figures and the failures beyond expected-failures.tsv of
    one run or of the saved parts of one; 1 when there is any."""
    counts = collections.defaultdict(lambda: [0, 0])
    fails = collections.defaultdict(list)
    nsrc = collections.Counter()
    seen, readers, writers = set(), [], []
    starts, nbatch = collections.Counter(), 0
    for r in runs:
        starts.update(r["starts"])
        nbatch += r["batches"]
        for row in r["counts"]:
            counts[tuple(row[:3])][0] += row[3]
            counts[tuple(row[:3])][1] += row[4]
        for row in r["fails"]:
            fails[tuple(row[:3])].append(row[3])
        nsrc.update(r["nsrc"])
        seen.update(tuple(x) for x in r["seen"] if isinstance(x, list))
        readers += [x for x in r["readers"] if x not in readers]
        writers += [x for x in r["writers"] if x not in writers]
    t = runs[0]["tools"]
    parts = sorted(r["part"] for r in runs if r["part"])
    print("fidelity matrix: stride %d%s, sources %s; tools: pandoc %s, bibtex %s, biber %s, "
          "schema %s" % (runs[0]["stride"], " (parts %s)" % ", ".join(parts) if parts else "",
                         ", ".join("%s %d" % kv for kv in sorted(nsrc.items())),
                         *("yes" if t[k] else "no" for k in ("pandoc", "bibtex", "biber",
                                                               "schema"))))
    outs = sum(v[0] + v[1] for k, v in counts.items() if k[2] == "write")
    checks = sum(v[0] + v[1] for v in counts.values())
    print("outputs %d, checks %d; consumers: %d batches, %d starts (%s)" % (
        outs, checks, nbatch, sum(starts.values()),
        ", ".join("%s %d" % kv for kv in sorted(starts.items()))))
    print_table(counts, readers, writers)
    expected = load_expected()
    nfail = nknown = 0
    for key in sorted(fails):
        new = [l for l in fails[key] if (key[0], key[1], key[2], l.split(": ")[0]) not in expected]
        nknown += len(fails[key]) - len(new)
        if not new:
            continue
        nfail += len(new)
        print("FAIL %s -> %s, %s: %d" % (key[0], key[1], key[2], len(new)))
        for line in new[: None if show else 5]:
            print("    " + line)
    failed_now = {(k[0], k[1], k[2], l.split(": ")[0]) for k, v in fails.items() for l in v}
    checked = {k for k in counts}
    for e in sorted(expected):
        # seen per reader: a .bib read as bibtex in one part and as
        # biblatex in another was seen by one reader only
        if e not in failed_now and e[:3] in checked and (e[0], e[3]) in seen:
            print("PASSES NOW %s: remove it from expected-failures.tsv" % " ".join(e))
            nfail += 1
    print("%d failures listed in expected-failures.tsv" % nknown)
    if not nsrc:
        print("no source read")
        return 1
    return 1 if nfail else 0


def load_expected():
    """{(reader, writer, check, source)}: known failures, with the reason
    (a reader to fix, an inherent loss) in the file; the list only shrinks."""
    out = set()
    with open(os.path.join(HERE, "expected-failures.tsv"), encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                c = line.rstrip("\n").split("\t")
                out.add(tuple(c[:4]))
    return out


def print_table(counts, readers, writers):
    """Markdown: one row per pair, a column per check, passed/checked."""
    print("| reader | writer | " + " | ".join(CHECKS) + " |")
    print("|---|---|" + "---|" * len(CHECKS))
    for r in readers:
        for w in writers:
            cells = []
            for c in CHECKS:
                ok, bad = counts.get((r, w, c), [0, 0])
                cells.append("-" if ok + bad == 0 else
                             "%d/%d" % (ok, ok + bad) + (" **%d failed**" % bad if bad else ""))
            if any(x != "-" for x in cells):
                print("| %s | %s | %s |" % (r, w, " | ".join(cells)))


if __name__ == "__main__":
    sys.exit(main())
