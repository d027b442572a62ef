#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Converts AnyStyle's labelled references (tools/data/refs/anystyle/*.xml,
BSD-2-Clause, see SOURCES.tsv) into the segment form the reference tagger's
trainer reads (tools/data/refs/anystyle.jsonl), with the project's labels:
journal becomes container-title, location place, translator editor, other
rare labels note; an issue inside a volume segment (`12(3)`, `no. 3`)
becomes issue; a leading list number citation-number; punctuation at the
edges of a segment punct, as tools/refs_render.py does (docs/refs.md); a
monograph's title labelled container-title is the title (book_title).

usage: tools/refs_anystyle.py DATA_DIR > DATA_DIR/anystyle.jsonl
"""
import json
import os
import re
import sys
import xml.etree.ElementTree as ET

MAP = {"author": "author", "editor": "editor", "translator": "editor",
       "title": "title", "container-title": "container-title", "journal": "container-title",
       "collection-title": "collection-title", "volume": "volume", "pages": "pages",
       "date": "date", "publisher": "publisher", "location": "place", "edition": "edition",
       "genre": "genre", "doi": "doi", "url": "url", "isbn": "isbn",
       "citation-number": "citation-number"}
TOKEN = re.compile(r"https?://\S+|doi:\S+|\d+|\w+|[^\w\s]", re.U)
ISSUE = re.compile(r"\((\d[\w/–-]*)\)|\b(?:no\.?|nr\.?|n\.|h\.|heft|issue|núm\.?|num\.?)\s*(\d[\w/–-]*)", re.I)


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


def book_title(seq):
    """The container-title element that is a book's title: some of
    AnyStyle's sequences (most in ugly.xml) label a monograph's title
    `container-title` where the others label it `title`. Taken as the
    title when the sequence has no title and the container follows the
    names or the date directly, without `In`; as the record builder reads
    such a container (docs/refs.md, "Records")."""
    tags = [el.tag for el in seq]
    if "title" in tags or "container-title" not in tags:
        return None
    k = tags.index("container-title")
    if k == 0 or tags[k - 1] not in ("author", "date"):
        return None
    if re.search(r"\bin\W*$", seq[k - 1].text or "", re.I) or \
            re.match(r"\W*in\b", seq[k].text or "", re.I):
        return None
    return seq[k]


def segments(seq):
    text, lab = "", []
    book = book_title(seq)
    for el in seq:
        name = "title" if el is book else MAP.get(el.tag, "note")
        t = " ".join((el.text or "").split())
        if not t:
            continue
        if text:
            text += " "
            lab.append(lab[-1] if lab else "punct")
        start = len(text)
        text += t
        lab.extend([name] * len(t))
        if name == "volume":
            m = ISSUE.search(t)
            if m:
                # `no. 3`: the label word is the issue's, as tools/refs_render.py
                # labels it (left in the volume it was cut to `no` by the edge trim)
                a, b = (m.start(1), m.end(1)) if m.group(1) else (m.start(), m.end(2))
                for k in range(start + a, start + b):
                    lab[k] = "issue"
    toks = [(m.start(), m.end()) for m in TOKEN.finditer(text)]
    tl = [lab[s] for s, e in toks]
    trim_edges(text, toks, tl)
    segs, cur, start = [], None, 0
    for k, (s, e) in enumerate(toks):
        if tl[k] != cur:
            if cur is not None:
                segs.append([cur, text[start:s]])
            cur, start = tl[k], s
    if cur is not None:
        segs.append([cur, text[start:]])
    return segs


def main():
    d = os.path.join(sys.argv[1], "anystyle")
    for f in sorted(os.listdir(d)):
        if not f.endswith(".xml"):
            continue
        for i, seq in enumerate(ET.parse(os.path.join(d, f)).getroot().iter("sequence")):
            segs = segments(seq)
            if segs:
                out = {"src": "anystyle", "style": "anystyle-" + f[:-4], "rec": i, "seg": segs}
                sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
