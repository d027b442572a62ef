#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""CSL-JSON -> X -> CSL-JSON over every CSL-JSON file of the shared corpus,
for X = mods and endnotexml (issue 16, acceptance 1): the same number of
items, and each keeps its title, its authors, its issued date and its
container title. What the formats cannot carry is listed in docs/xml.md;
the comparison normalises only that: rich-text markup (both formats carry
plain text), name particles (MODS and EndNote have no particle field, so
"van" comes back inside the family name, or split off again by EndNote's
display-name parser), and whitespace runs. Exits 77 without ../shared.
"""
import glob
import json
import os
import re
import subprocess
import sys

shared = os.environ.get("BIBCONV_SHARED", "")
build = os.environ.get("BIBCONV_BUILDDIR", "")
corpus = os.path.join(shared, "corpus")
if not os.path.isdir(corpus):
    print("skipped: no shared corpus at", corpus)
    sys.exit(77)
exe = os.path.join(build, "core", "cli", "bibconv")
TAG = re.compile(r'</?(i|b|sup|sub)>|<span style="font-variant:small-caps;">|'
                 r'<span class="nocase">|</span>')


def plain(s):
    if not isinstance(s, str):
        return s
    return " ".join(TAG.sub("", s).split())


def names(item):
    """Each author as the sorted words of its parts: where particles and
    suffixes sit is not carried (docs/xml.md)."""
    out = []
    for n in item.get("author", []) or []:
        parts = " ".join(str(n.get(k) or "") for k in
                         ("literal", "given", "dropping-particle", "non-dropping-particle",
                          "family", "suffix"))
        words = sorted(plain(parts).replace(",", " ").split())
        if words:  # a name with no parts is not written
            out.append(words)
    return out


def date(item):
    """The year, month and day of a valid CSL date; seasons (months 13-24)
    and dates the csljson reader keeps as raw JSON are not compared."""
    d = item.get("issued")
    if not isinstance(d, dict) or not d.get("date-parts") or not d["date-parts"][0]:
        return None
    out = []
    for p in d["date-parts"]:
        if not isinstance(p, list) or any(isinstance(x, bool) for x in p):
            return None
        if any(not re.fullmatch(r"-?\d+", str(x)) for x in p):
            return None  # kept as raw JSON by the csljson reader: not a date
        p = [int(x) for x in p if x != ""]
        if not p:
            return None
        if len(p) > 1 and not 1 <= p[1] <= 24:
            return None
        if len(p) > 1 and p[1] > 12:
            if len(p) > 2:
                return None  # a season with a day: not a date
            p = p[:1]  # a season
        if len(p) > 2 and not 1 <= p[2] <= 31:
            return None
        out.append(p)
    return out


def key(item):
    return {"title": plain(item.get("title")), "author": names(item),
            "issued": date(item), "container-title": plain(item.get("container-title"))}


def run(args, data=None):
    p = subprocess.run([exe] + args, input=data, capture_output=True)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


files = sorted(f for f in glob.glob(os.path.join(corpus, "**", "*.json"), recursive=True)
               if "/schema/" not in f)
files = files[::max(1, int(os.environ.get("BIBCONV_CORPUS_STRIDE", "1") or 1))]
checked = failed = items = 0
for path in files:
    try:
        with open(path, encoding="utf-8") as f:
            doc = json.load(f)
    except (ValueError, UnicodeDecodeError):
        continue
    if not (isinstance(doc, list) and doc and
            all(isinstance(x, dict) and "id" in x for x in doc)):
        continue  # not CSL-JSON (Zotero JSON, expected outputs of other kinds)
    rc, j, err = run(["-f", "csljson", "-t", "csljson", path])
    if rc != 0:
        continue  # a file the csljson reader rejects in part
    ref = json.loads(j)
    checked += 1
    for fmt in ("mods", "endnotexml"):
        rc, x, err = run(["-f", "csljson", "-t", fmt, path])
        if rc != 0:
            failed += 1
            print(f"FAIL {path}: csljson -> {fmt} exit {rc}: {err[:300]}")
            continue
        rc, back, err = run(["-f", fmt, "-t", "csljson", "-"], x)
        if rc != 0:
            failed += 1
            print(f"FAIL {path}: {fmt} -> csljson exit {rc}: {err[:300]}")
            continue
        got = json.loads(back)
        if len(got) != len(ref):
            failed += 1
            print(f"FAIL {path} via {fmt}: {len(got)} items, expected {len(ref)}")
            continue
        for a, b in zip(ref, got):
            ka, kb = key(a), key(b)
            if ka["issued"] is None:
                kb["issued"] = None  # not a date the formats carry
            if ka != kb:
                failed += 1
                d = {k: (ka[k], kb[k]) for k in ka if ka[k] != kb[k]}
                print(f"FAIL {path} via {fmt}, item {a.get('id')!r}: "
                      f"{json.dumps(d, ensure_ascii=False)[:400]}")
                break
        else:
            items += len(got)
print(f"{checked} CSL-JSON corpus files, {items} items through MODS and EndNote XML; "
      f"{failed} failures")
sys.exit(1 if failed or checked == 0 else 0)
