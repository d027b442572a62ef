#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Extracts tools/data/corpus-records.jsonl: one line per distinct work
(title, names, container, publisher, abstract, year, type) from the
MIT-licensed folders of the shared conformance corpus, read with bibconv
itself. The file is the raw material of the learned models' training and
validation data (names and titles of many languages); SOURCES.tsv beside it
says where each folder comes from.

usage: tools/extract_corpus_records.py CORPUS_DIR BIBCONV > corpus-records.jsonl
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


def plain(s):
    return re.sub(r"<[^>]+>", "", s).strip() if isinstance(s, str) else None


def items(corpus, bibconv):
    for folder in FOLDERS:
        d = os.path.join(corpus, folder)
        for name in sorted(os.listdir(d)):
            if ".expected." in name or not name.endswith(EXTS):
                continue
            p = subprocess.run([bibconv, "-t", "csljsonl", os.path.join(d, name)],
                               capture_output=True, text=True)
            for line in p.stdout.splitlines():
                try:
                    yield folder, json.loads(line)
                except ValueError:
                    continue


def project(folder, it):
    title = plain(it.get("title"))
    if not title or len(title) < 3:
        return None
    r = {"src": folder, "type": it.get("type"), "title": title}
    names = []
    for a in it.get("author", [])[:60]:
        n = {k: plain(a[k]) for k in NAME_PARTS
             if isinstance(a.get(k), str) and a[k].strip()}
        if n:
            names.append(n)
    if names:
        r["author"] = names
    for f in ("container-title", "publisher", "abstract", "language"):
        v = plain(it.get(f))
        if v:
            r[f] = v[:2000] if f == "abstract" else v
    dp = (it.get("issued") or {}).get("date-parts") if isinstance(it.get("issued"), dict) else None
    if dp and dp[0] and isinstance(dp[0][0], int):
        r["year"] = dp[0][0]
    return r


def main():
    corpus, bibconv = sys.argv[1], sys.argv[2]
    seen, out = set(), []
    for folder, it in items(corpus, bibconv):
        r = project(folder, it)
        if not r:
            continue
        k = re.sub(r"\W+", "", r["title"].lower())
        if k not in seen:
            seen.add(k)
            out.append(r)
    out.sort(key=lambda r: (r["src"], r["title"]))
    for r in out:
        sys.stdout.write(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
