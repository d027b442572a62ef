#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Label mending of the rendered references, after tools/refs_render.py's
labeller: answer keys that labeller got wrong, found by reading the wrong
held-out records of the training styles (docs/refs.md, "Training data",
round of 2026-12-06). Each rule changes only what is wrong by
construction:

- a leading list number written `12- Title` or `12 - Title` is the
  citation number (it was a note);
- `In` before the pages of a reference without a container (`In:
  375–384`) is a note, its colon punctuation (it was taken into the pages
  as a label word);
- a month name the labeller did not know (`ene`, `Mär`, `okt`, Czech and
  Russian nominatives: `22. březen 2018`) next to the year is the date,
  with a day number before it;
- an edition word right after the edition (`1989th ed.`, `Revised ed.`,
  `3ᵉ éd.`) is the edition;
- a role word before an editor list (`ed SM Christensen`) is a note, as it
  is where a period follows it (`ed. J. Neusner`), in AnyStyle's
  sequences (tools/train_refs_data.c) and in the record builder;
- a publisher written `Place, Region, Country: Publisher` in a record
  without a place is the two fields, as `Place: Publisher` already was.

refs_render.py applies it to every reference it writes; on its own it
rewrites a rendered.jsonl in place, so that the committed set is mended
without rendering again (which needs pandoc and, on the shared machine,
about an hour):

usage: tools/refs_mend.py DATA_DIR
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import refs_render as R   # noqa: E402  (tokens, trim_edges, MONTHS)

MORE_MONTHS = set("""mär okt ene dic ago gen mag giu lug ott leden únor březen
duben květen červen červenec srpen říjen listopad prosinec январь февраль
март апрель май июнь июль август сентябрь октябрь ноябрь декабрь""".split())
ROLE_BEFORE = re.compile(r"^(?:eds?|hg|hrsg|éds?|dirs?)$", re.I)
EDITION_WORD = re.compile(r"^(?:ed|edn|edition|éd|édition|aufl|auflage|vyd|изд|edición|"
                          r"edição|uitg|druk)$", re.I)
ORDINAL = re.compile(r"^(?:st|nd|rd|th|e|ème|ᵉ|ʳᵉ|er|re|ª|º)$")


def month(t):
    t = t.casefold().rstrip(".")
    return t in R.MONTHS or t in MORE_MONTHS


def citation_dash(tx, tl, r):
    """`12- Title`: the leading number a note, a dash after it, no number
    after the dash, not the year."""
    if len(tx) > 2 and tl[0] == "note" and tx[0].isascii() and tx[0].isdigit() and \
            tx[1] in ("-", "–") and not tx[2][:1].isdigit() and \
            [int(tx[0])] != (r.get("issued") or [])[:1]:
        tl[0] = "citation-number"


def in_before_pages(tx, tl):
    for k in range(len(tx) - 1):
        if tl[k] == "pages" and tx[k].casefold() == "in" and (k == 0 or tl[k - 1] != "pages"):
            tl[k] = "note"
            if tx[k + 1] == ":" and tl[k + 1] == "pages":
                tl[k + 1] = "punct"


def months(tx, tl):
    """A note that is a month next to the date (punctuation between), and a
    day number before that month, join the date."""
    for k in range(len(tx)):
        if tl[k] != "note" or not tx[k][:1].isalpha() or not month(tx[k]):
            continue
        for step in (-1, 1):
            j = k + step
            while 0 <= j < len(tx) and tl[j] == "punct" and tx[j] in (".", ",") and abs(j - k) <= 2:
                j += step
            if 0 <= j < len(tx) and tl[j] == "date":
                lo, hi = (j, k) if step < 0 else (k, j)
                # a day number before the month (`22. březen`)
                d = lo - 1
                if d >= 0 and tl[d] == "punct" and tx[d] == ".":
                    d -= 1
                if step > 0 and d >= 0 and tl[d] == "note" and tx[d].isdigit() and len(tx[d]) <= 2:
                    lo = d
                for q in range(lo, hi + 1):
                    tl[q] = "date"
                break


def edition_words(tx, tl, r):
    for k in range(1, len(tx)):
        if tl[k] == "note" and tl[k - 1] == "edition" and EDITION_WORD.match(tx[k]):
            tl[k] = "edition"
    # `3ᵉ éd`: the record's edition number, an ordinal ending, an edition word
    ed = str(r.get("edition") or "")
    for k in range(len(tx) - 2):
        if ed.isdigit() and tx[k] == ed and tl[k] == tl[k + 1] == tl[k + 2] == "note" and \
                ORDINAL.match(tx[k + 1]) and EDITION_WORD.match(tx[k + 2]):
            tl[k] = tl[k + 1] = tl[k + 2] = "edition"


def role_before_editors(tx, tl, r):
    given = {w.casefold() for n in r.get("editor", []) for w in re.findall(r"\w+", n.get("given", ""))}
    for k in range(len(tx) - 1):
        if tl[k] == "editor" and (k == 0 or tl[k - 1] != "editor") and ROLE_BEFORE.match(tx[k]) \
                and tl[k + 1] == "editor" and tx[k + 1][:1].isalpha() and tx[k].casefold() not in given:
            tl[k] = "note"


def place_in_publisher(text, toks, tl, r):
    """Only where refs_render.split_place (at most four words) left the
    place in the publisher: a place of comma-separated parts of at most
    three words each."""
    pub = r.get("publisher") or ""
    if r.get("publisher-place"):
        return
    m = re.match(r"^([^:\d]{2,60}?)\s*:\s*(\S.*)$", pub)
    if not m or len(m.group(1).split()) <= 4 or "," not in m.group(1) or \
            not all(len(p.split()) <= 3 for p in m.group(1).split(",")):
        return
    want = [w for w in re.findall(r"\w+|[^\w\s]", m.group(1))]
    n = len(want)
    for k in range(len(toks) - n + 1):
        if all(tl[k + i] == "publisher" and text[toks[k + i][0]:toks[k + i][1]] == want[i]
               for i in range(n)):
            for i in range(n):
                tl[k + i] = "place"
            q = k + n
            if q < len(toks) and text[toks[q][0]:toks[q][1]] == ":" and tl[q] == "publisher":
                tl[q] = "punct"


def mend(seg, r):
    """The mended segments of one rendered reference (seg: its [label, text]
    pairs; r: its record)."""
    text = "".join(t for _, t in seg)
    toks = R.tokens(text)
    if not toks:
        return seg
    lab, o = [None] * len(text), 0
    for l, t in seg:
        for q in range(o, o + len(t)):
            lab[q] = l
        o += len(t)
    tl = [lab[s] for s, e in toks]
    tx = [text[s:e] for s, e in toks]
    before = list(tl)
    citation_dash(tx, tl, r)
    in_before_pages(tx, tl)
    months(tx, tl)
    edition_words(tx, tl, r)
    role_before_editors(tx, tl, r)
    place_in_publisher(text, toks, tl, r)
    if tl == before:
        return seg
    R.trim_edges(text, toks, tl)
    out, cur, start = [], None, 0
    for k, (s, e) in enumerate(toks):
        if tl[k] != cur:
            if cur is not None:
                out.append([cur, text[start:s]])
            cur, start = tl[k], s
    out.append([cur, text[start:]])
    out[0][1] = text[:toks[0][0]] + out[0][1]
    return out


def main():
    data = sys.argv[1]
    recs = [json.loads(l) for l in open(os.path.join(data, "records.jsonl"), encoding="utf-8")]
    path = os.path.join(data, "rendered.jsonl")
    lines, changed = open(path, encoding="utf-8").read().splitlines(), 0
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        for line in lines:
            d = json.loads(line)
            seg = mend(d["seg"], recs[d["rec"]])
            if seg != d["seg"]:
                changed += 1
                d["seg"] = seg
                line = json.dumps(d, ensure_ascii=False)
            f.write(line + "\n")
    os.replace(path + ".tmp", path)
    print("refs_mend: %d of %d references changed" % (changed, len(lines)), file=sys.stderr)


if __name__ == "__main__":
    main()
