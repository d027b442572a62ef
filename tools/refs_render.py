#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Renders tools/data/refs/records.jsonl in the CSL styles of
tools/data/refs/styles with pandoc's citeproc and labels every character of
each formatted reference with the field it came from; writes
tools/data/refs/rendered.jsonl (docs/refs.md, "Training data").

How the labels are found: before rendering, each string field of a record is
wrapped in a pair of private-use characters that name the field (family
names of authors and editors too); citeproc carries them through case
changes, quotes and affixes, so after rendering every marked character has
its field and the marks are removed. The rest is found by value: a leading
list number is the citation number; pages, volume and issue word by word
(a range printed twice is labelled twice; a shortened range by its first
number); every free occurrence of the year, with a month name next to it
and a day next to a month (not an issue number before the year); given
names, initials, particles and `et al.` next to a marked family name join
the name list. A short word directly before a field (`pp.`, `Vol.`, `v.`,
`doi:`) joins that field; punctuation at the edges of a field (a link's
final period too) is `punct`, other unlabelled
words are `note`. A record id is carried as marks in the title. Then
tools/refs_mend.py mends what this labeller is known to get wrong.

Which records a style renders is a function of the style's name and the
record's position (deterministic), so the output changes only when the
inputs or pandoc change.

usage: tools/refs_render.py DATA_DIR [PER_STYLE] > DATA_DIR/rendered.jsonl
"""
import hashlib
import json
import os
import re
import subprocess
import sys
import tempfile

import refs_mend

FIELDS = ["title", "container-title", "collection-title", "publisher",
          "publisher-place", "genre", "DOI", "URL", "ISBN", "edition", "author",
          "editor"]
LABEL = {"title": "title", "container-title": "container-title",
         "collection-title": "collection-title", "publisher": "publisher",
         "publisher-place": "place", "genre": "genre", "DOI": "doi",
         "URL": "url", "ISBN": "isbn", "edition": "edition", "author": "author", "editor": "editor"}
OPEN = {f: chr(0xE000 + 2 * i) for i, f in enumerate(FIELDS)}
CLOSE = {f: chr(0xE001 + 2 * i) for i, f in enumerate(FIELDS)}
MARK_OF = {}
for f in FIELDS:
    MARK_OF[OPEN[f]] = (f, 1)
    MARK_OF[CLOSE[f]] = (f, 0)
ID0 = 0xE100          # record id digits: ID0 + digit
PREFIX = re.compile(r"^(?:pp?|vol|vols|no|nos|nr|h|s|bd|jg|t|n|num|doi|isbn|v|fasc|nᵒ|nº|n°|č|roč|"
                    r"issue|vo|ed|eds|hrsg|in|ss|c|pág|págs|стр|с|т|вып)$",
                    re.I)
ETAL = re.compile(r"^(?:et|al|u|a|others|and|und|et\.|y|e|&|ve|и|др|\.\.\.|…|"
                  r"others|coll|col|mult|al\.|др\.|u\.|eds?|hrsg|dir|dirs|coord|"
                  r"orgs?|éds?|red|trans|[()])$", re.I)
MONTHS = set("""jan january feb february mar march apr april may jun june jul
july aug august sep sept september oct october nov november dec december
januar februar märz mai juni juli august oktober dezember janv janvier févr
février mars avr avril juin juil juillet août sept septembre oct octobre nov
novembre déc décembre enero febrero marzo abril mayo junio julio agosto
septiembre octubre noviembre diciembre jan fev mar abr mai jun jul ago set out
nov dez janeiro fevereiro março maio junho julho setembro outubro novembro
dezembro gennaio febbraio aprile maggio giugno luglio settembre ottobre
dicembre januari februari maart mei juli augustus
января февраля марта апреля мая июня июля августа сентября октября ноября
декабря ledna února března dubna května června července srpna září října
listopadu prosince""".split())


def digest(s):
    return int(hashlib.sha1(s.encode()).hexdigest()[:8], 16)


def mark(s, f):
    return OPEN[f] + s + CLOSE[f]


def split_place(r):
    """A publisher written `Place: Publisher` in a record without a place is
    the two fields: else the rendered place would be labelled publisher."""
    pub = r.get("publisher")
    if pub and not r.get("publisher-place"):
        m = re.match(r"^([^:\d]{2,40}?)\s*:\s*(\S.*)$", pub)
        if m and len(m.group(1).split()) <= 4:
            r = dict(r)
            r["publisher-place"], r["publisher"] = m.group(1), m.group(2)
    return r


def marked_record(i, r):
    r = split_place(r)
    c = {"id": "r%d" % i, "type": r["type"]}
    for f in FIELDS[:9]:
        if r.get(f):
            c[f] = mark(r[f], f)
    if r.get("edition") and not r["edition"].isdigit():
        c["edition"] = mark(r["edition"], "edition")
    c["title"] = c["title"] + "".join(chr(ID0 + int(d)) for d in str(i))
    for f in ("volume", "issue", "page", "edition"):
        if r.get(f) and f not in c:
            c[f] = r[f]
    for role in ("author", "editor"):
        if r.get(role):
            c[role] = []
            for n in r[role]:
                n = dict(n)
                for k in ("family", "literal"):
                    if k in n:
                        n[k] = mark(n[k], role)
                c[role].append(n)
    if r.get("issued"):
        c["issued"] = {"date-parts": [r["issued"]]}
    return c


def unmark(para):
    """Text without marks, the label of each character, the record id."""
    text, lab, stack, rid, runs = [], [], [], "", []
    for ch in para:
        if not (ID0 <= ord(ch) < ID0 + 10) and rid:
            runs.append(rid)
            rid = ""
        if ch in MARK_OF:
            f, opening = MARK_OF[ch]
            if opening:
                stack.append(f)
            elif f in stack:
                stack.remove(f)
            continue
        if ID0 <= ord(ch) < ID0 + 10:
            rid += str(ord(ch) - ID0)
            continue
        text.append(ch)
        lab.append(LABEL[stack[-1]] if stack else None)
    if rid:
        runs.append(rid)
    # a style that prints a citation label before the reference prints
    # the title (and its id) and the names twice: the digits of the runs
    # joined named another record or none, and extend_names would take
    # all between the two name lists; such a reference is left out
    return "".join(text), lab, runs[0] if len(runs) == 1 else ""


TOKEN = re.compile(r"https?://\S+|www\.\S+|doi:\S+|\d+|\w+|[^\w\s]", re.U)
URL_TAIL = ".,;:)]>\"'"


def tokens(text):
    """Token spans; a link's final period or bracket is given back as its
    own token, as the library's tokenizer does (core/reftag.c)."""
    out = []
    for m in TOKEN.finditer(text):
        s, e = m.start(), m.end()
        if text[s].isalpha() and e - s > 4 and ("://" in text[s:e] or text[s:s + 4] in ("www.", "doi:")):
            k = e
            while k > s + 1 and text[k - 1] in URL_TAIL:
                k -= 1
            out.append((s, k))
            out.extend((q, q + 1) for q in range(k, e))
        else:
            out.append((s, e))
    return out


def label_of(lab, s, e):
    for k in range(s, e):
        if lab[k]:
            return lab[k]
    return None


def setlab(lab, s, e, v):
    for k in range(s, e):
        lab[k] = v


def word_runs(text, lab, toks, value):
    """Every unlabelled run of word tokens spelling `value` (case aside,
    punctuation between words free, at most three characters of it), as
    token index pairs."""
    want = [text_ for text_ in (value[s:e] for s, e in tokens(value)) if text_[0].isalnum()]
    words = [k for k, (s, e) in enumerate(toks) if text[s].isalnum()]
    n, out = len(want), []
    if not n:
        return out
    for i in range(len(words) - n + 1):
        run = words[i:i + n]
        if all(text[toks[k][0]:toks[k][1]].casefold() == w.casefold() for k, w in zip(run, want)) \
                and all(label_of(lab, *toks[k]) is None for k in run) \
                and all(toks[b][0] - toks[a][1] <= 3 for a, b in zip(run, run[1:])):
            out.append((run[0], run[-1]))
    return out


def label_run(lab, toks, run, name):
    setlab(lab, toks[run[0]][0], toks[run[1]][1], name)


def is_month(t):
    return t.casefold().rstrip(".") in MONTHS


def extend_date(text, lab, toks, k):
    """Month names next to the year belong to the date, and day numbers
    next to a month name (`12 May 2019`, `May 12, 2019`) or glued to the
    year by `-` or `/` (`2019-05-12`); an issue number before the year
    (`no. 4, 2017`) is not a day."""
    def free(j):
        return 0 <= j < len(toks) and label_of(lab, *toks[j]) is None

    def tx(j):
        return text[toks[j][0]:toks[j][1]]
    for step in (-1, 1):
        j, last, prev_month = k + step, None, False
        while free(j) and abs(j - k) <= 5:
            t = tx(j)
            if is_month(t):
                last, prev_month = j, True
            elif t.isdigit() and len(t) <= 2:
                nxt = j + step
                while free(nxt) and tx(nxt) in ".,":
                    nxt += step
                glued = step > 0 and all(toks[q][0] == toks[q - 1][1] for q in range(k + 1, j + 1)) \
                    and all(tx(q) in "-/" or tx(q).isdigit() for q in range(k + 1, j + 1))
                if not (prev_month or (free(nxt) and is_month(tx(nxt))) or glued):
                    break
                last, prev_month = j, False
            elif t not in ".,-–/":
                break
            j += step
        if last is not None:
            lo, hi = (last, k) if step < 0 else (k, last)
            setlab(lab, toks[lo][0], toks[hi][1], "date")


SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹"


def label_citation_number(text, lab, toks, r):
    """A leading list number (`[12]`, `(12)`, `12.`, `12)`, `12 `) is the
    citation number; a leading year is not one."""
    if len(toks) < 2:
        return
    k = 1 if text[toks[0][0]] in "[(" else 0
    s, e = toks[k]
    # superscript numbers (`¹⁷⁾`, a note style's list numbers)
    if k == 0 and all(c in SUPERSCRIPT for c in text[s:e]) and label_of(lab, s, e) is None:
        j = e
        while j < len(text) and text[j] in "⁾)":
            j += 1
        if j > e:
            setlab(lab, s, e, "citation-number")
        return
    if not (text[s:e].isascii() and text[s:e].isdigit()) or label_of(lab, s, e) is not None or \
            k + 1 >= len(toks) or \
            [int(text[s:e])] == (r.get("issued") or [])[:1]:
        return
    after = text[toks[k + 1][0]]
    if (k and after in "])") or (not k and (after in ".)" or toks[k + 1][0] > e)):
        setlab(lab, s, e, "citation-number")


def label_numbers(text, lab, toks, r):
    """Numbers citeproc reformats, found by value: pages first (the last
    occurrence; a range CSL shortened is its first number, a dash and a
    number), then volume and issue, then every free occurrence of the year
    with its month and day."""
    if r.get("page"):
        runs = word_runs(text, lab, toks, r["page"])
        # a range a style prints twice is pages twice; a single number the
        # last time only (an issue or a volume may be the same number)
        for run in (runs if runs and runs[0][1] > runs[0][0] else runs[-1:]):
            label_run(lab, toks, run, "pages")
        if not runs:
            first = [v for v in re.findall(r"\w+", r["page"])][:1]
            runs = word_runs(text, lab, toks, first[0]) if first else []
            for k, _ in reversed(runs):
                end = k
                if k + 2 < len(toks) and text[toks[k + 1][0]] in "-–—‐‑" and \
                        text[toks[k + 2][0]].isalnum() and label_of(lab, *toks[k + 2]) is None:
                    end = k + 2
                label_run(lab, toks, (k, end), "pages")
                break
    for f in ("volume", "issue"):
        if r.get(f):
            runs = word_runs(text, lab, toks, r[f])
            if runs:
                label_run(lab, toks, runs[0], f)
    issued = r.get("issued") or []
    if issued:
        y = str(issued[0])
        for k, (s, e) in enumerate(toks):
            if text[s:e] != y or label_of(lab, s, e) is not None:
                continue
            hi = k
            if k + 1 < len(toks) and toks[k + 1][0] == e and toks[k + 1][1] == e + 1 and \
                    text[e].isalpha() and text[e].islower():
                hi = k + 1          # 2014b
            label_run(lab, toks, (k, hi), "date")
            extend_date(text, lab, toks, k)
    if r.get("edition") and r["edition"].isdigit():
        m = re.search(r"\b(\d+)(?:st|nd|rd|th|e|ème|\.|ª|º)?\s*(?:ed\b\.?|edn\.?|"
                      r"edition|Aufl\.?|Auflage|éd\.?|édition|изд\.?|vyd\.?|edición|edição|"
                      r"ed\.|uitg\.?|druk)", text, re.I)
        if m and label_of(lab, m.start(), m.end()) is None:
            setlab(lab, m.start(), m.end(), "edition")
        else:
            # a bare edition number: only when it is the one free number
            # of that value
            runs = word_runs(text, lab, toks, r["edition"])
            if len(runs) == 1:
                label_run(lab, toks, runs[0], "edition")


def extend_names(text, lab, toks, r):
    """Given names, initials, particles and `et al.` around the marked family
    names belong to the name list."""
    for role in ("author", "editor"):
        idx = [k for k, (s, e) in enumerate(toks) if label_of(lab, s, e) == role]
        if not idx:
            continue
        given = set()
        for n in r.get(role, []):
            for part in ("given", "non-dropping-particle", "dropping-particle", "suffix"):
                for w in re.findall(r"\w+", n.get(part, "")):
                    given.add(w.casefold())
                    given.add(w[0].casefold())
        def namey(k):
            s, e = toks[k]
            t = text[s:e]
            if label_of(lab, s, e) not in (None, role):
                return False
            return t.casefold() in given or ETAL.match(t) or t in ".,-;&'’" or \
                re.match(r"^[A-Z]{1,2}$", t) or \
                (re.match(r"^[A-Z]{3,5}$", t) and all(c.casefold() in given for c in t))
        lo, hi = idx[0], idx[-1]
        while lo > 0 and namey(lo - 1) and text[toks[lo - 1][0]] not in ",;()" and \
                not (text[toks[lo - 1][0]] == "." and
                     (lo < 2 or not re.match(r"^[A-Z]{1,2}$", text[toks[lo - 2][0]:toks[lo - 2][1]]))):
            lo -= 1
        while hi + 1 < len(toks) and namey(hi + 1):
            hi += 1
        # do not swallow the punctuation that closes the list
        while hi > lo and not text[toks[hi][0]].isalnum() and \
                text[toks[hi][0]:toks[hi][1]] not in (".",):
            hi -= 1
        for k in range(lo, hi + 1):
            s, e = toks[k]
            if label_of(lab, s, e) is None:
                setlab(lab, s, e, role)


def trim_edges(text, toks, tl):
    """Punctuation at either edge of a run of one label is punct; a period
    after an initial inside a name list stays with the names."""
    k = 0
    while k < len(toks):
        j = k
        while j + 1 < len(toks) and tl[j + 1] == tl[k]:
            j += 1
        def punct(q):
            s, e = toks[q]
            return not text[s].isalnum() and not text[s:e].startswith(("http", "doi"))
        lo = k
        while lo <= j and punct(lo):
            tl[lo] = "punct"
            lo += 1
        hi = j
        while hi >= lo and punct(hi):
            s, e = toks[hi]
            p = toks[hi - 1] if hi > lo else None
            if tl[hi] in ("author", "editor") and text[s:e] == "." and p and p[1] == s \
                    and p[1] - p[0] <= 2 and text[p[0]].isupper():
                break
            tl[hi] = "punct"
            hi -= 1
        k = j + 1


def finish(text, lab):
    toks = tokens(text)
    tl = [label_of(lab, s, e) for s, e in toks]
    # a short word (and its period or colon) directly before a field joins it
    for k in range(len(toks) - 1):
        s, e = toks[k]
        if tl[k] is None and PREFIX.match(text[s:e]):
            j = k + 1
            if j < len(toks) and text[toks[j][0]] in ".:" and tl[j] is None:
                j += 1
            if j < len(toks) and tl[j] in ("pages", "volume", "issue", "doi", "isbn", "edition"):
                for q in range(k, j):
                    tl[q] = tl[j]
    # punctuation at the edges of a field is punct; other unlabelled words note
    for k, (s, e) in enumerate(toks):
        if tl[k] is None:
            tl[k] = "punct" if not text[s].isalnum() else "note"
    trim_edges(text, toks, tl)
    segs, cur, start = [], None, 0
    for k, (s, e) in enumerate(toks):
        if tl[k] != cur:
            if cur is not None:
                segs.append([cur, text[start:s]])
            cur, start = tl[k], s
    if cur is not None:
        segs.append([cur, text[start:]])
    if segs and toks:
        segs[0][1] = text[:toks[0][0]] + segs[0][1]
    return segs


def render(style, recs, tmp):
    bib = os.path.join(tmp, "refs.json")
    with open(bib, "w", encoding="utf-8") as f:
        json.dump(recs, f, ensure_ascii=False)
    doc = os.path.join(tmp, "doc.md")
    with open(doc, "w") as f:
        f.write('---\nnocite: "@*"\n---\n')
    p = subprocess.run(["pandoc", doc, "--citeproc", "--bibliography", bib, "--csl", style,
                        "-t", "plain", "--wrap=none"], capture_output=True, text=True)
    return [" ".join(x.split()) for x in p.stdout.split("\n\n") if x.strip()]


def main():
    data = sys.argv[1]
    per = int(sys.argv[2]) if len(sys.argv) > 2 else 300   # the committed set
    recs = [json.loads(l) for l in open(os.path.join(data, "records.jsonl"), encoding="utf-8")]
    styles = sorted(f[:-4] for f in os.listdir(os.path.join(data, "styles")) if f.endswith(".csl"))
    tmp = tempfile.mkdtemp()
    for st in styles:
        # journals are most of the corpus: keep every other type more often
        pick = [i for i, r in enumerate(recs)
                if digest("%s/%d" % (st, i)) % 10000 <
                (per * 10000 // len(recs)) * (1 if r["type"] == "article-journal" else 6)]
        marked = [marked_record(i, recs[i]) for i in pick]
        for para in render(os.path.join(data, "styles", st + ".csl"), marked, tmp):
            text, lab, rid = unmark(para)
            if not rid or int(rid) >= len(recs) or len(text) > 2000:
                continue
            r = recs[int(rid)]
            toks = tokens(text)
            label_citation_number(text, lab, toks, r)
            label_numbers(text, lab, toks, r)
            extend_names(text, lab, toks, r)
            # the labeller's known slips, mended (tools/refs_mend.py)
            out = {"src": "rendered", "style": st, "rec": int(rid),
                   "seg": refs_mend.mend(finish(text, lab), r)}
            sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
