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

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
import batch  # noqa: E402  (tests/common/batch.py)

shared = os.environ.get("BIBCONV_SHARED", "")
build = os.environ.get("BIBCONV_BUILDDIR", "")
corpus = os.path.join(shared, "corpus")
if not os.path.isdir(corpus):
    print("skipped: no shared corpus at", corpus)
    sys.exit(77)
exe = os.path.join(build, "core", "cli", "bibconv")
TAG = re.compile(r'</?(i|b|sup|sub)>|<span style="font-variant: ?small-caps;">|'
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


def compare(ref, got):
    """None when every item keeps its key fields, else (item, differences)."""
    for a, b in zip(ref, got):
        ka, kb = key(a), key(b)
        if ka["issued"] is None:
            kb["issued"] = None  # not a date the formats carry
        if ka != kb:
            return a, {k: (ka[k], kb[k]) for k in ka if ka[k] != kb[k]}
    return None


def check_one(path):
    """The verdict of record: one file, one process per conversion."""
    global checked, failed, items
    rc, j, err = run(["-f", "csljson", "-t", "csljson", path])
    if rc != 0:
        return  # a file the csljson reader rejects in part
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
        d = compare(ref, got)
        if d:
            failed += 1
            print(f"FAIL {path} via {fmt}, item {d[0].get('id')!r}: "
                  f"{json.dumps(d[1], ensure_ascii=False)[:400]}")
        else:
            items += len(got)


def check_batch(files):
    """The same checks on many files through one process per conversion
    (tests/common/batch.py), the results split back per file by item
    counts; True when every check passes for every file, counted."""
    global checked, items
    paths = [f for f, _ in files]
    counts = [len(doc) for _, doc in files]
    rc, j, err = run(["-f", "csljson", "-t", "csljson"] + batch.KEEP + paths)
    if rc != 0:
        return False  # some file is rejected in part: which, the file-by-file run says
    refs = batch.split(json.loads(j), counts)
    if refs is None:
        return False
    for fmt in ("mods", "endnotexml"):
        rc, x, err = run(["-f", "csljson", "-t", fmt] + batch.KEEP + paths)
        if rc != 0:
            return False
        rc, back, err = run(["-f", fmt, "-t", "csljson"] + batch.KEEP + ["-"], x)
        if rc != 0:
            return False
        gots = batch.split(json.loads(back), counts)
        if gots is None or any(compare(r, g) for r, g in zip(refs, gots)):
            return False
    checked += len(files)
    items += 2 * sum(counts)
    return True


# CSL-JSON only (not Zotero JSON, expected outputs of other kinds)
jobs = batch.json_jobs(files, lambda doc: isinstance(doc, list) and bool(doc) and
                       all(isinstance(x, dict) and "id" in x for x in doc))
print(batch.run_batched(jobs, check_batch, lambda job: check_one(job[0])))
print(f"{checked} CSL-JSON corpus files, {items} items through MODS and EndNote XML; "
      f"{failed} failures")
sys.exit(1 if failed or checked == 0 else 0)
