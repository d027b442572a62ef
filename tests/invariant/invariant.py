#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The no-silent-loss invariant over the whole corpus.

For every corpus input of a format with syntactic records (BibTeX, RIS,
CSL-JSON, JSON Lines, CSL-YAML, Zotero JSON, MEDLINE, MODS), this script counts the records itself,
without the reader (the counters below), runs `bibconv -v
--diagnostics=json -f FORMAT -t csljson FILE` and checks:

  1. records read + records reported skipped = records in the input;
  2. the summary's "written" is what really is in the output (the items of
     the CSL-JSON array: directives the target drops are not written).

For BibTeX, RIS, CSL-JSON, CSL-YAML, MEDLINE and MODS it also converts each
file to its own format (every BIBLATEX_STRIDE-th .bib file also as
BibLaTeX), and the items of the CSL-JSON files, made JSON Lines in
batches (jsonl_batches: the corpus has no JSON Lines files), are read and
written as JSON Lines, and those batches written as Web of Science text
and EndNote XML (no corpus files either) are read and written as WoS and
EndNote XML, checking 1 and 2 and:

  3. the summary's "written" is the number of records in that output
     (counted by the counters below);
  4. every field of an input record arrives in the output record or a
     diagnostic names it (fields.py; exceptions with their reasons in
     field-exceptions.txt).

Zotero item JSON has no writer: check 4 runs on its CSL-JSON output, by
value (fields.lost_fields_zotero: Zotero and CSL name fields differently).

Files where a reader does not hold the invariant yet are listed, with the
reason, in expected-failures.txt next to this script. The test fails for a
file that fails and is not listed, and for a listed file that now passes
(remove it from the list: the list only shrinks). Pages and reference
lists have no syntactic count (their scorers cover them).

Environment: BIBCONV_SHARED (exit 77, skipped, when absent),
BIBCONV_CORPUS_STRIDE=N (every Nth file only, for sanitizer builds),
BIBCONV_INVARIANT_SHOW=1 prints every file's counts.
"""
import concurrent.futures, glob, json, os, re, subprocess, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fields  # noqa: E402  (the field half, next to this script)

try:
    import yaml
except ImportError:  # the YAML inputs are then not counted
    yaml = None

shared = os.environ.get("BIBCONV_SHARED", "")
corpus = os.path.join(shared, "corpus")
if not os.path.isdir(corpus):
    print("no corpus (BIBCONV_SHARED): skipped")
    sys.exit(77)
exe = os.path.join(os.environ["BIBCONV_BUILDDIR"], "core", "cli", "bibconv")
here = os.path.dirname(os.path.abspath(__file__))
stride = max(1, int(os.environ.get("BIBCONV_CORPUS_STRIDE", "1") or 1))
show = os.environ.get("BIBCONV_INVARIANT_SHOW")

# ---- independent counters ----------------------------------------------------

# directives: records too (the reader hands them on for a BibTeX target to
# keep), never written to CSL-JSON
BIB_DIRECTIVES = ("string", "preamble", "xdata", "comment")


def count_bibtex(data):
    """Entries and directives: '@type{' or '@type(' at brace level 0,
    outside '%' comment lines; @string, @preamble, @xdata and @comment
    count as directive records (the reader passes them on)."""
    text = data.decode("utf-8", "replace")
    n = len(text)
    i = entries = directives = 0
    # whole-line '%' comments may stand between the parts (docs/bibtex.md:
    # the readers take them as biber and JabRef do)
    gap = r"(?:\s*\n[ \t]*%[^\n]*)*\s*"
    at_re = re.compile(r"@" + gap + r"([A-Za-z][A-Za-z0-9_:-]*)" + gap + r"([{(])")
    bare_comment = re.compile(r"@comment\b", re.I)
    # an entry left unclosed ends where a line starts a new one, as readers
    # resynchronise (a value holding "\n@type{" is not met in practice)
    next_entry = re.compile(r"\n[ \t]*@\s*[A-Za-z][A-Za-z0-9_:-]*\s*[{(]")
    while i < n:
        c = text[i]
        if c == "%":  # a comment line outside entries
            j = text.find("\n", i)
            i = n if j < 0 else j + 1
            continue
        if c != "@":
            i += 1
            continue
        m = at_re.match(text, i)
        if not m:
            if bare_comment.match(text, i):  # '@comment text': to the line end
                directives += 1
                j = text.find("\n", i)
                i = n if j < 0 else j + 1
            else:
                i += 1
            continue
        kind = m.group(1).lower()
        open_c = m.group(2)
        close_c = "}" if open_c == "{" else ")"
        # the body: braces balanced; a '(' entry ends at the ')' at depth 0
        j, depth = m.end(), 0
        while j < n:
            ch = text[j]
            if ch == "\n" and next_entry.match(text, j):
                break
            if ch == "{":
                depth += 1
            elif ch == "}":
                if depth == 0 and close_c == "}":
                    break
                depth -= 1
            elif ch == ")" and depth == 0 and close_c == ")":
                break
            j += 1
        if kind in BIB_DIRECTIVES:
            directives += 1
        else:
            entries += 1
        i = j + 1 if j < n and text[j] != "\n" else j
    return entries + directives


RIS_TAG = re.compile(r"^[ \t]*\ufeff?([A-Z][A-Z0-9])[ \t]{1,3}-([ \t]|$)")


def count_ris(data):
    """Records: a "TY  - " line starts one, and so does any other tag line
    outside a record (a record whose TY was lost: read as GEN); "ER  - "
    ends one."""
    text = data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
    n, in_rec = 0, False
    for line in text.split("\n"):
        m = RIS_TAG.match(line)
        if not m:
            continue
        tag = m.group(1)
        if tag == "TY":
            n, in_rec = n + 1, True
        elif tag == "ER":
            in_rec = False
        elif not in_rec:
            n, in_rec = n + 1, True
    return n


def count_csljson(data):
    """Items of the top-level array (a lone item object: 1); None when the
    file is not CSL-JSON (not JSON, an array of non-objects, an object that
    is no item)."""
    try:
        v = json.loads(data.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        return None
    if isinstance(v, list):
        return len(v) if v and all(isinstance(x, dict) for x in v) else None
    if isinstance(v, dict):
        if any(k in v for k in ("id", "type", "title", "author")):
            return 1
    return None


ZOTERO_NOT_RECORDS = ("note", "attachment", "annotation")


def count_zotero(data):
    """Items of a Zotero item JSON file (Better BibTeX's {"config": ...,
    "items": [...]}, the web API's array, whose items may sit in "data"),
    notes and attachments aside (they are not records); None when the
    file is not Zotero JSON."""
    try:
        v = json.loads(data.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError):
        return None
    items = v.get("items") if isinstance(v, dict) else v
    if not isinstance(items, list) or not items:
        return None

    def item_type(x):
        if not isinstance(x, dict):
            return None
        if "itemType" not in x and isinstance(x.get("data"), dict):
            x = x["data"]
        return x.get("itemType")

    if not any(isinstance(item_type(x), str) for x in items):
        return None
    return sum(1 for x in items if item_type(x) not in ZOTERO_NOT_RECORDS)


def count_jsonl(data):
    return sum(1 for line in data.decode("utf-8", "replace").splitlines() if line.strip())


def count_yaml(data, markdown):
    """Items of `references:` (or of a top-level list), over all documents
    (a Markdown file: its front matter only)."""
    if yaml is None:
        return None
    text = data.decode("utf-8", "replace")
    if markdown:
        m = re.match(r"^---\s*\n(.*?\n)(?:---|\.\.\.)\s*\n", text, re.S)
        if not m:
            return None
        text = m.group(1)
    try:
        docs = list(yaml.safe_load_all(text))
    except yaml.YAMLError:
        return None
    total, seen = 0, False
    for d in docs:
        if isinstance(d, dict) and isinstance(d.get("references"), list):
            total += len(d["references"])
            seen = True
        elif isinstance(d, list) and all(isinstance(x, dict) for x in d):
            total += len(d)
            seen = True
    return total if seen else None


def count_nbib(data):
    """MEDLINE records: runs of non-blank lines apart by blank lines (a run
    without any tag line is a record whose tags were lost: the reader skips
    it with an error)."""
    text = data.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n")
    return sum(1 for block in re.split(r"\n[ \t]*\n", text) if block.strip())


def count_mods(data):
    """<mods> elements (in a modsCollection or alone)."""
    return len(re.findall(rb"<(?:[A-Za-z][\w.-]*:)?mods[\s>]", data))


def classify(path):
    """(reader format, independent count) or None when not counted."""
    name = path.lower()
    try:
        data = open(path, "rb").read()
    except OSError:
        return None
    if name.endswith(".bib"):
        return "bibtex", count_bibtex(data)
    if name.endswith(".ris"):
        return "ris", count_ris(data)
    if name.endswith((".nbib", ".medline")):
        return "nbib", count_nbib(data)
    if name.endswith(".xml") and re.search(rb"<(?:\w+:)?modsCollection[\s>]|<(?:\w+:)?mods[\s>]",
                                           data[:4096]):
        return "mods", count_mods(data)
    if name.endswith((".jsonl", ".ndjson")):
        return "csljsonl", count_jsonl(data)
    if name.endswith(".json"):
        n = count_zotero(data)
        if n is not None:
            return "zoterojson", n
        n = count_csljson(data)
        return ("csljson", n) if n is not None else None
    if name.endswith((".yml", ".yaml", ".md")):
        n = count_yaml(data, name.endswith(".md"))
        return ("yaml", n) if n is not None else None
    return None


# ---- the check ---------------------------------------------------------------

SUMMARY = re.compile(r"^(\d+) records read, (\d+) written, (\d+) skipped$")


def convert(path, fmt, to, runs, extra=()):
    """One run of bibconv FORMAT -> TO on path, kept in runs (a dict) so the
    record and field halves share it when TO is the same (CSL-JSON)."""
    key = (fmt, to) + tuple(extra)
    if key not in runs:
        try:
            runs[key] = subprocess.run([exe, "-v", "--diagnostics=json", "--no-progress",
                                        "-f", fmt, "-t", to, *extra, path], capture_output=True,
                                       timeout=120)
        except subprocess.TimeoutExpired:
            runs[key] = None
    return runs[key]


def diagnostics(p):
    """The JSON diagnostics of a run (--diagnostics=json) as (line, message)
    pairs, and its summary line's (read, written, skipped) or None."""
    diags, summary = [], None
    for line in p.stderr.decode("utf-8", "replace").splitlines():
        try:
            d = json.loads(line)
        except ValueError:
            continue
        if isinstance(d, dict):
            diags.append((d.get("line") or 0, str(d.get("message", ""))))
            m = SUMMARY.match(diags[-1][1])
            if m:
                summary = tuple(int(x) for x in m.groups())
    return diags, summary


def check(path, fmt, expected, runs):
    """Returns None when the invariant holds, else the reason."""
    p = convert(path, fmt, "csljson", runs)
    if p is None:
        return "timeout"
    if p.returncode < 0 or p.returncode > 1:
        return "exit %d" % p.returncode
    summary = diagnostics(p)[1]
    if not summary:
        return "no summary line"
    read, written, skipped = summary
    try:
        out = len(json.loads(p.stdout.decode("utf-8") or "[]"))
    except ValueError:
        return "output is not a JSON array"
    if show:
        print("     %s: input %d, read %d, skipped %d, written %d, output %d"
              % (path, expected, read, skipped, written, out))
    if read + skipped != expected:
        return "read %d + skipped %d != %d in the input" % (read, skipped, expected)
    if written != out:
        return "summary says %d written, the output has %d" % (written, out)
    return None


SAME = {"bibtex": "bibtex", "biblatex": "biblatex", "ris": "ris", "csljson": "csljson",
        "yaml": "yaml", "nbib": "nbib", "mods": "mods"}
# .bib files are also read and written as BibLaTeX, every BIBLATEX_STRIDE-th
# one (the counters are the BibTeX ones; a whole second pass would cost CI
# time for little: both flavours share the reader)
BIBLATEX_STRIDE = 4


def count_output(fmt, out):
    if fmt in ("bibtex", "biblatex"):
        return count_bibtex(out)
    if fmt == "ris":
        return count_ris(out)
    if fmt == "nbib":
        return count_nbib(out)
    if fmt == "mods":
        return count_mods(out)
    if fmt == "csljson":
        return count_csljson(out) or 0
    return count_yaml(out, False) or 0


def check_fields(path, fmt, exceptions, runs):
    """Checks 3 and 4 (None when they hold, else the reason)."""
    p = convert(path, fmt, SAME[fmt], runs)
    if p is None:
        return "timeout"
    diags, summary = diagnostics(p)
    messages = [m for _, m in diags]
    if not summary:
        return "%s -> %s: no summary line" % (fmt, SAME[fmt])
    written = count_output(fmt, p.stdout)
    if summary[1] != written:
        return "%s -> %s: summary says %d written, the output has %d" % (
            fmt, SAME[fmt], summary[1], written)
    lost = fields.lost_fields(fmt, open(path, "rb").read(), p.stdout, messages, exceptions)
    if lost:
        return "%s -> %s: fields lost without a word: %s" % (fmt, SAME[fmt], ", ".join(lost))
    return None


def check_fields_zotero(path, runs):
    """Check 4 for Zotero item JSON, which has no writer: against the
    CSL-JSON output of check 1's run (fields.lost_fields_zotero)."""
    # keys=keep: a repeated citation key stays the item's id (the CSL-JSON
    # writer would give it a suffix, said in a warning the field check
    # cannot tie to citationKey)
    p = convert(path, "zoterojson", "csljson", runs, ("-O", "keys=keep"))
    if p is None:
        return "timeout"
    messages = [m for _, m in diagnostics(p)[0]]
    lost = fields.lost_fields_zotero(open(path, "rb").read(), p.stdout, messages)
    if lost:
        return "zoterojson -> csljson: fields lost without a word: %s" % ", ".join(lost[:12])
    return None


def jsonl_batches(jobs, size=400):
    """The items of the CSL-JSON inputs as JSON Lines batches (JSON Lines
    has no corpus files of its own): [(text, [(source, item index)])], one
    item a line."""
    batches, lines, origin = [], [], []
    for path, fmt, _ in jobs:
        if fmt != "csljson":
            continue
        v = json.loads(open(path, "rb").read().decode("utf-8-sig"))
        for k, it in enumerate(v if isinstance(v, list) else [v]):
            if not isinstance(it, dict):
                continue
            lines.append(json.dumps(it, ensure_ascii=False))
            origin.append((path, k))
            if len(lines) == size:
                batches.append(("\n".join(lines) + "\n", origin))
                lines, origin = [], []
    if lines:
        batches.append(("\n".join(lines) + "\n", origin))
    return batches


def check_jsonl(text, origin, exceptions):
    """The record and field halves for one JSON Lines batch read and
    written as JSON Lines: [(source, item index, reason)] of the failures."""
    data = text.encode("utf-8")
    try:
        p = subprocess.run([exe, "-v", "--diagnostics=json", "--no-progress", "-f", "csljsonl",
                            "-t", "csljsonl", "-"], input=data, capture_output=True, timeout=300)
    except subprocess.TimeoutExpired:
        return [(origin[0][0], 0, "JSON Lines batch: timeout")]
    diags, summary = diagnostics(p)
    first = origin[0][0]
    if p.returncode < 0 or p.returncode > 1:
        return [(first, 0, "JSON Lines batch: exit %d" % p.returncode)]
    if not summary:
        return [(first, 0, "JSON Lines batch: no summary line")]
    out_lines = sum(1 for x in p.stdout.splitlines() if x.strip())
    if summary[0] + summary[2] != len(origin):
        return [(first, 0, "JSON Lines batch: read %d + skipped %d != %d lines"
                 % (summary[0], summary[2], len(origin)))]
    if summary[1] != out_lines:
        return [(first, 0, "JSON Lines batch: summary says %d written, the output has %d"
                 % (summary[1], out_lines))]
    lost = fields.lost_fields_lines(data, p.stdout, diags, exceptions)
    return [(origin[n - 1][0], origin[n - 1][1],
             "csljsonl -> csljsonl: fields lost without a word: %s" % ", ".join(f))
            for n, f in sorted(lost.items())]


def check_generated(fmt, text, origin, exceptions):
    """Web of Science and EndNote XML have no corpus files: a JSON Lines
    batch written as FMT by bibconv is the input, read and written as FMT
    (records read + skipped = its records, written = the output's, fields
    by fields.py). [(source, 0, reason)] of the failures."""
    first = origin[0][0]
    values = fields.wos_values if fmt == "wos" else fields.endnote_values
    try:
        w = subprocess.run([exe, "-f", "csljsonl", "-t", fmt, "-"], input=text.encode("utf-8"),
                           capture_output=True, timeout=300)
        p = subprocess.run([exe, "-v", "--diagnostics=json", "--no-progress", "-f", fmt, "-t",
                            fmt, "-"], input=w.stdout, capture_output=True, timeout=300)
    except subprocess.TimeoutExpired:
        return [(first, 0, "%s batch: timeout" % fmt)]
    diags, summary = diagnostics(p)
    messages = [m for _, m in diags]
    if p.returncode < 0 or p.returncode > 1 or not summary:
        return [(first, 0, "%s batch: exit %d, summary %s" % (fmt, p.returncode, summary))]
    try:
        n_in = len(values(w.stdout.decode("utf-8", "replace")))
        n_out = len(values(p.stdout.decode("utf-8", "replace")))
    except (ValueError, SyntaxError) as e:  # ElementTree's ParseError is a SyntaxError
        return [(first, 0, "%s batch: output unreadable: %s" % (fmt, e))]
    if summary[0] + summary[2] != n_in or summary[1] != n_out:
        return [(first, 0, "%s batch: read %d + skipped %d, written %d; input %d, output %d"
                 % (fmt, summary[0], summary[2], summary[1], n_in, n_out))]
    lost = fields.lost_fields(fmt, w.stdout, p.stdout, messages, exceptions)
    return [(first, 0, "%s batch: fields lost without a word: %s" % (fmt, ", ".join(lost)))
            ] if lost else []


# writers that have no place for some CSL variables: each variable they do
# not write is named by a warning (docs/bibconv.1, DESCRIPTION)
LOSSY = ("ris", "bibtex", "biblatex", "mods", "endnotexml", "nbib", "wos")
CSL_VARS = None


def csl_vars():
    """The CSL variable names (core/csl.c's table), read once."""
    global CSL_VARS
    if CSL_VARS is None:
        src = open(os.path.join(here, "..", "..", "core", "csl.c"), encoding="utf-8").read()
        CSL_VARS = set(re.findall(r'\{"([A-Za-z_-]+)", BIB_KIND_', src))
    return CSL_VARS


def check_dropped(fmt, text, origin):
    """The dropped-field half across formats: a JSON Lines batch written as
    FMT (-v, JSON diagnostics) and read back; each CSL variable of an item
    that does not come back must be named by a diagnostic of the writing
    run. Items pair by order (by a unique id when the counts differ).
    [(source, item index, reason)] of the failures."""
    first = origin[0][0]
    try:
        w = subprocess.run([exe, "-v", "--diagnostics=json", "--no-progress", "-f", "csljsonl",
                            "-t", fmt, "-"], input=text.encode("utf-8"), capture_output=True,
                           timeout=300)
        r = subprocess.run([exe, "--no-progress", "-f", fmt, "-t", "csljsonl", "-"],
                           input=w.stdout, capture_output=True, timeout=300)
    except subprocess.TimeoutExpired:
        return [(first, 0, "csljsonl -> %s -> csljsonl: timeout" % fmt)]
    said = []
    for line in w.stderr.decode("utf-8", "replace").splitlines():
        try:
            said.append(str(json.loads(line).get("message", "")))
        except (ValueError, AttributeError):
            continue
    said = " ".join(said)
    ins = [json.loads(x) for x in text.splitlines()]
    outs = [json.loads(x) for x in r.stdout.decode("utf-8", "replace").splitlines() if x.strip()]
    if len(ins) == len(outs):
        pairs = list(enumerate(zip(ins, outs)))
    else:
        cin, cout, by = {}, {}, {}
        for a in ins:
            cin[str(a.get("id"))] = cin.get(str(a.get("id")), 0) + 1
        for o in outs:
            cout[str(o.get("id"))] = cout.get(str(o.get("id")), 0) + 1
            by[str(o.get("id"))] = o
        # these formats carry no id: the output's are generated keys, and
        # one may be another item's source id (a title word), so a pair
        # must also have the same title, markup and spacing aside
        def plain(x):
            t = x.get("title") if isinstance(x.get("title"), str) else ""
            return " ".join(re.sub(r"<[^>]*>", "", t).split()).lower()
        pairs = [(k, (a, by[str(a.get("id"))])) for k, a in enumerate(ins)
                 if cin[str(a.get("id"))] == 1 and cout.get(str(a.get("id"))) == 1
                 and plain(a) == plain(by[str(a.get("id"))])]
    fails = []
    for k, (a, o) in pairs:
        lost = sorted(v for v, x in a.items() if v in csl_vars() and x not in (None, "", [], {})
                      and v not in o and "'%s'" % v not in said)
        if lost:
            fails.append((origin[k][0], origin[k][1], "csljsonl -> %s: not back and not said: %s"
                          % (fmt, ", ".join(lost))))
    return fails


def load_expected():
    """path (relative to the corpus) -> reason."""
    exp = {}
    with open(os.path.join(here, "expected-failures.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            path, _, reason = line.partition("\t")
            exp[path.strip()] = reason.strip()
    return exp


def main():
    files = sorted(p for p in glob.glob(os.path.join(corpus, "**", "*"), recursive=True)
                   if os.path.isfile(p))
    jobs = []
    for i, path in enumerate(files):
        c = classify(path)
        if c and c[1] is not None and i % stride == 0:
            jobs.append((path, c[0], c[1]))
    expected = load_expected()
    problems, listed_pass, listed_fail = [], [], 0
    workers = max(1, min(4, os.cpu_count() or 1))
    exceptions = fields.load_exceptions(here)

    def both(i, path, fmt, n):
        runs = {}
        why = check(path, fmt, n, runs)
        if not why and fmt in SAME:
            why = check_fields(path, fmt, exceptions, runs)
        if not why and fmt == "zoterojson":
            why = check_fields_zotero(path, runs)
        if not why and fmt == "bibtex" and i % BIBLATEX_STRIDE == 0:
            why = check_fields(path, "biblatex", exceptions, runs)
        return why

    batches = jsonl_batches(jobs)
    # listed batch items (path#item[:writer]) not seen failing pass now
    expected_batch = {r for r in expected if "#" in r} if stride == 1 else set()
    with concurrent.futures.ThreadPoolExecutor(workers) as ex:
        jl = [ex.submit(check_jsonl, text, origin, exceptions) for text, origin in batches]
        jl += [ex.submit(check_generated, fmt, text, origin, exceptions)
               for text, origin in batches for fmt in ("wos", "endnotexml")]
        jl += [ex.submit(check_dropped, fmt, text, origin)
               for text, origin in batches for fmt in LOSSY]
        results = ex.map(lambda ij: both(ij[0], *ij[1]), enumerate(jobs))
        for (path, fmt, n), why in zip(jobs, results):
            rel = os.path.relpath(path, corpus)
            if why and rel not in expected:
                problems.append("FAIL %s (%s): %s" % (rel, fmt, why))
            elif why:
                listed_fail += 1
            elif rel in expected:
                listed_pass.append("PASSES NOW %s: remove it from expected-failures.txt" % rel)
        for f in jl:
            for path, k, why in f.result():
                rel = "%s#%d" % (os.path.relpath(path, corpus), k)
                if why.startswith("csljsonl -> "):  # check_dropped: listed per writer
                    rel += ":" + why.split()[2].rstrip(":")
                if rel in expected:
                    listed_fail += 1
                    expected_batch.discard(rel)
                    continue
                problems.append("FAIL %s item %d (a JSON Lines / WoS / EndNote batch): %s"
                                % (os.path.relpath(path, corpus), k, why))
        listed_pass += ["PASSES NOW %s: remove it from expected-failures.txt" % r
                        for r in sorted(expected_batch)]
    by_fmt = {}
    for _, fmt, n in jobs:
        by_fmt[fmt] = by_fmt.get(fmt, 0) + 1
    print("invariant: %d files (%s), stride %d; %d expected failures still failing; "
          "%d CSL-JSON items also read as JSON Lines (%d batches)"
          % (len(jobs), ", ".join("%s %d" % kv for kv in sorted(by_fmt.items())), stride,
             listed_fail, sum(len(o) for _, o in batches), len(batches)))
    for m in problems + listed_pass:
        print(m)
    return 1 if problems or listed_pass else 0


if __name__ == "__main__":
    sys.exit(main())
