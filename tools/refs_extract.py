#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Extracts tools/data/refs/records.jsonl: the CSL-JSON fields a formatted
reference shows (names, title, container, collection, volume, issue, pages,
date, publisher, place, edition, genre, DOI, URL, ISBN) of the distinct works
in the MIT-licensed folders of the shared conformance corpus, read with
bibconv itself. These records are rendered in many citation styles by
tools/refs_render.py (docs/refs.md, "Training data").

usage: tools/refs_extract.py CORPUS_DIR BIBCONV > tools/data/refs/records.jsonl
"""
import json
import os
import re
import subprocess
import sys

FOLDERS = ("bbt-import", "bbt-export", "citation-js", "jabref")
EXTS = (".bib", ".json", ".yml", ".yaml", ".ris")
NAME_PARTS = ("family", "given", "non-dropping-particle", "dropping-particle",
              "suffix", "literal")
STRINGS = ("title", "container-title", "collection-title", "volume", "issue",
           "page", "publisher", "publisher-place", "edition", "genre", "DOI",
           "URL", "ISBN", "event-title", "number")
TYPES = {"article-journal", "article", "article-magazine", "article-newspaper",
         "book", "chapter", "paper-conference", "thesis", "report", "webpage",
         "manuscript", "dataset", "software"}


def plain(s):
    if isinstance(s, (int, float)):
        s = str(s)
    if not isinstance(s, str):
        return None
    s = " ".join(re.sub(r"<[^>]+>", "", s).split())
    return s or None


def names(lst):
    out = []
    for a in (lst or [])[:40]:
        if not isinstance(a, dict):
            continue
        n = {k: plain(a[k]) for k in NAME_PARTS if plain(a.get(k))}
        if n:
            out.append(n)
    return out


def project(folder, it):
    title = plain(it.get("title"))
    if not title or len(title) < 3 or it.get("type") not in TYPES:
        return None
    r = {"src": folder, "type": it["type"], "title": title[:300]}
    for role in ("author", "editor"):
        n = names(it.get(role))
        if n:
            r[role] = n
    for f in STRINGS[1:]:
        v = plain(it.get(f))
        if v and len(v) < 300:
            r[f] = v
    iss = it.get("issued")
    dp = iss.get("date-parts") if isinstance(iss, dict) else None
    if dp and isinstance(dp[0], list) and dp[0] and isinstance(dp[0][0], int):
        r["issued"] = [x for x in dp[0][:3] if isinstance(x, int)]
    return r


def main():
    corpus, bibconv = sys.argv[1], sys.argv[2]
    seen, out = set(), []
    for folder in FOLDERS:
        d = os.path.join(corpus, folder)
        for name in sorted(os.listdir(d)):
            if ".expected." in name or not name.endswith(EXTS):
                continue
            p = subprocess.run([bibconv, "-t", "csljsonl", os.path.join(d, name)],
                               capture_output=True, text=True)
            for line in p.stdout.splitlines():
                try:
                    r = project(folder, json.loads(line))
                except ValueError:
                    continue
                if not r:
                    continue
                k = re.sub(r"\W+", "", r["title"].lower())
                if k and k not in seen:
                    seen.add(k)
                    out.append(r)
    out.sort(key=lambda r: (r["src"], r["title"]))
    for r in out:
        sys.stdout.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
