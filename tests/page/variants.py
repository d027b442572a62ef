#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generated variants of the seed pages: for each seed, several pages are
rebuilt from its answer key with the records shuffled, and (profiles) some
author lists and abstracts dropped, the abstract marker placed at the
site's cut-off; each variant gets its own answer key and the whole set is
scored with ../shared/tools/score.py, which must report F1 = 1 and every
field rate 1. The reader sees pages it has never seen in this order and
shape. A profile page of 1200 records checks the labelling of an
over-long page in parts. Skipped (77) when ../shared is absent."""
import json
import os
import random
import subprocess
import sys
import tempfile

shared = os.environ.get("BIBCONV_SHARED", "")
gold = os.path.join(shared, "seeds-gold")
seeds = os.path.join(shared, "seeds")
score = os.path.join(shared, "tools", "score.py")
if not (os.path.isdir(gold) and os.path.isfile(score)):
    print("skip: no ../shared")
    sys.exit(77)
bib = os.path.join(os.environ["BIBCONV_BUILDDIR"], "core", "cli", "bibconv")

MARK = {"en": "\u2026 (see more)", "fr": "\u2026 (voir plus)"}


def profile_header(lines, first_title):
    return lines[:lines.index(first_title)]


def render_profile(header, recs, lang, rng):
    out = list(header)
    truth = []
    for r in recs:
        r = dict(r)
        if r["authors"] and not r["authors_truncated"] and rng.random() < 0.25:
            r["authors"] = []
        if r["abstract"] and rng.random() < 0.2:
            r["abstract"] = None
        out.append(r["title"])
        out.extend(r["authors"])
        if r["authors_truncated"]:
            # keep the marker on the same author as the seed: the third-last
            k = len(out) - 3
            out[k] = out[k] + " \u2026 (see 3 more)"
        if r["abstract"]:
            a = r["abstract"]
            out.append(a[:140] + MARK[lang] + a[140:] if len(a) > 160 else a)
        truth.append(r)
    return out, truth


def render_feed(recs):
    out = []
    for r in recs:
        meta = ("%.1f" % r["score"] if r["score"] is not None else "") + "".join(
            r["categories"]) + r["date"] + ("Code" if r["code"] else "")
        line = r["title"] + ", ".join(r["authors"])
        if r["authors_truncated"]:
            line += " et al."
        if r["org"]:
            line += " \u00b7 " + r["org"]
        out += [meta, line, r["abstract"]]
    return out


def render_topic(header, recs):
    out = list(header)
    for r in recs:
        out.append(r["title"])
        if r["abstract"]:
            out.append(r["abstract"])
        if r["venue"]:
            out.append(r["venue"])
    return out


with tempfile.TemporaryDirectory() as tmp:
    made = 0
    for name in sorted(os.listdir(gold)):
        if not name.endswith(".truth.json"):
            continue
        stem = name[:-len(".truth.json")]
        recs = json.load(open(os.path.join(gold, name), encoding="utf-8"))
        lines = open(os.path.join(seeds, stem + ".txt"), encoding="utf-8").read().split("\n")
        kind = recs[0]["type_hint"]
        for k in range(3):
            rng = random.Random(1000 * k + made)
            if kind == "article":
                lang = "fr" if lines[0].startswith("Portrait de") else "en"
                header = profile_header(lines, recs[0]["title"])
                order = recs[:]
                rng.shuffle(order)
                text, truth = render_profile(header, order, lang, rng)
            elif kind == "preprint":
                truth = recs[:]
                rng.shuffle(truth)
                text = render_feed(truth)
            else:
                talks = [r for r in recs if r["type_hint"] == "talk"]
                posters = [r for r in recs if r["type_hint"] == "poster"]
                # a talk without abstract may not end the talks: it would
                # read as a poster title only if a venue followed; keep it
                rng.shuffle(talks)
                rng.shuffle(posters)
                truth = talks + posters
                text = render_topic(lines[:4], truth)
            out = "%s-v%d" % (stem, k)
            with open(os.path.join(tmp, out + ".txt"), "w", encoding="utf-8") as f:
                f.write("\n".join(text))
            with open(os.path.join(tmp, out + ".truth.json"), "w", encoding="utf-8") as f:
                json.dump(truth, f, ensure_ascii=False)
            made += 1
    res = subprocess.run([sys.executable, score, tmp, "--pages", tmp, "-v",
                          "--cmd", bib + " -f page -t csljson {file}"],
                         capture_output=True, text=True)
    print(res.stdout)
    fail = False
    for line in res.stdout.splitlines():
        p = line.split()
        if not p or p[0] in ("layout", "score:") or line.startswith(" "):
            continue
        nums = [x for x in p[4:-1] if x != "-"]
        if any(float(x) != 1.0 for x in nums) or p[-1] != "0/0/0/0":
            fail = True
    # an over-long profile page (labelled in parts): the records of the
    # English seed 100 times after its header, compared in order here
    # (score.py's alignment is quadratic in the records)
    lines = open(os.path.join(seeds, "000_71c1567f17c6223b.txt"),
                 encoding="utf-8").read().split("\n")
    recs = json.load(open(os.path.join(gold, "000_71c1567f17c6223b.truth.json"),
                          encoding="utf-8"))
    head = lines.index(recs[0]["title"])
    longp = os.path.join(tmp, "long-profile.txt")
    with open(longp, "w", encoding="utf-8") as f:
        f.write("\n".join(lines[:head] + lines[head:] * 100))
    out = subprocess.run([bib, "-f", "page", "-t", "csljson", longp], capture_output=True,
                         text=True)
    got = json.loads(out.stdout)

    def shown(r):
        names = [" ".join(x for x in (a.get("given"), a.get("non-dropping-particle"),
                                      a.get("family"), a.get("literal")) if x)
                 for a in r.get("author", []) if a.get("literal") != "others"]
        return (r.get("title"), names, r.get("abstract"))
    want = [(r["title"], r["authors"], r["abstract"]) for r in recs] * 100
    ok = [shown(r) for r in got] == want
    print("long page: %d records, %s" % (len(got), "ok" if ok else "FAIL"))
    fail = fail or not ok
    sys.exit(1 if fail else 0)
