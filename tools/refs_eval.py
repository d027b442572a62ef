#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Writes the tagger's validation references as reference lists with answer
keys, one pair of files per held-out style, for an end-to-end measure of
`bibconv -f refs` (docs/refs.md, "Validation"). The split is the trainer's
(tools/train_refs.c): a style is held out when a seeded hash of its name is
0 mod 5, a record when the hash of "rec/ID" is; only held-out records in
held-out styles are written. DIR/STYLE.txt has one reference per line;
DIR/STYLE.truth.json the fields of each line's record: title, family
names, year, container, volume, issue, page, DOI, type (a field only when
the rendered reference shows it: its label occurs in the reference).

usage: tools/refs_eval.py [--training-styles] DATA_DIR OUT_DIR
"""
import json
import os
import re
import sys

SEED = 20261203


def mix(s, salt):
    h = (14695981039346656037 + salt) & 0xFFFFFFFFFFFFFFFF
    for b in s.encode():
        h = ((h ^ b) * 1099511628211) & 0xFFFFFFFFFFFFFFFF
    return (h ^ (h >> 32)) & 0xFFFFFFFF


def main():
    args = sys.argv[1:]
    training = "--training-styles" in args
    data, out = [a for a in args if a != "--training-styles"][:2]
    os.makedirs(out, exist_ok=True)
    recs = [json.loads(l) for l in open(os.path.join(data, "records.jsonl"), encoding="utf-8")]
    lists = {}
    for line in open(os.path.join(data, "rendered.jsonl"), encoding="utf-8"):
        d = json.loads(line)
        held_style = mix(d["style"], SEED + 1) % 5 == 0
        if held_style == training or mix("rec/%d" % d["rec"], SEED) % 5:
            continue
        lists.setdefault(d["style"], []).append(d)
    for style, refs in sorted(lists.items()):
        lines, keys = [], []
        for d in refs:
            r = recs[d["rec"]]
            text = "".join(t for _, t in d["seg"]).replace("\n", " ")
            if not r.get("author"):
                continue
            shown = {lab for lab, _ in d["seg"]}
            if "author" not in shown or "title" not in shown:
                continue

            def seen(field, label):
                return r.get(field) if label in shown else None
            page = r.get("page") if "pages" in shown else None
            if page:
                # a style that shows the first page only
                shown_pages = "".join(t for lab, t in d["seg"] if lab == "pages")
                groups = re.findall(r"\d+", page)
                if groups and not all(g in shown_pages or g[-2:] in shown_pages for g in groups):
                    page = groups[0]
            # "et al.": the names the reference shows
            shown_names = " ".join(t for lab, t in d["seg"] if lab == "author")
            fams = [n.get("family") or n.get("literal") for n in r["author"]]
            if re.search(r"\bet al|\bu\. a\.|и др|\bothers\b|…", shown_names):
                key = re.sub(r"\W+", "", shown_names.casefold())
                fams = [f for f in fams if f and re.sub(r"\W+", "", f.casefold()) in key]
            lines.append(text)
            keys.append({"title": r["title"],
                         "family": fams,
                         "year": str(r["issued"][0]) if r.get("issued") and "date" in shown else None,
                         "container": seen("container-title", "container-title"),
                         "volume": seen("volume", "volume"), "issue": seen("issue", "issue"),
                         "page": page, "DOI": seen("DOI", "doi"),
                         "type": r.get("type")})
        with open(os.path.join(out, style + ".txt"), "w", encoding="utf-8") as f:
            f.write("\n".join(lines) + "\n")
        with open(os.path.join(out, style + ".truth.json"), "w", encoding="utf-8") as f:
            json.dump(keys, f, ensure_ascii=False, indent=0)
        print("%-40s %d" % (style, len(lines)))


if __name__ == "__main__":
    main()
