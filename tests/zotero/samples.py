#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Real Zotero JSON from public test suites (tests/zotero/data, SOURCES.tsv).

- bbt-*.zotero.json with bbt-*.expected.csl.json: Better BibTeX's export
  test inputs and the CSL-JSON its "Better CSL JSON" exporter writes of
  them. Every item must give one record, matched by id; title, type,
  author and editor names, issued and container-title are compared with
  BBT's (BBT is one peer, so the test asserts the agreement measured when
  the reader was written, FLOOR, and lists the differences).
- api-*.json: Zotero web API v3 responses (the pyzotero test data): the
  wrapper objects with "data", a single item, an attachment (no record).
- bbt-particles-313.zotero.json: name particles and suffixes, checked
  name by name below (the CSL parts citeproc-js gives these names).
Environment: BIBCONV_SAMPLES_SHOW=1 prints each difference.
"""
import glob, json, os, subprocess, sys

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
exe = os.path.join(os.environ["BIBCONV_BUILDDIR"], "core", "cli", "bibconv")
show = os.environ.get("BIBCONV_SAMPLES_SHOW")
FLOOR = 96.4  # percent of compared fields that agree with BBT's CSL (217 of 225;
# the rest: seasons, which BBT writes as months 13-24, a "19--" date, a CSL
# type "video" that CSL 1.0.2 lacks)
problems = []


def convert(path):
    p = subprocess.run([exe, "--no-progress", "-f", "zoterojson", "-t", "csljson", path],
                       capture_output=True, timeout=60)
    return p.returncode, json.loads(p.stdout.decode("utf-8") or "[]"), p.stderr.decode()


def names(v):
    return [(n.get("family"), n.get("given"), n.get("literal")) for n in v or []]


def date(v):
    if not v:
        return None
    dp = v.get("date-parts")
    if dp:
        return [[int(x) for x in part] for part in dp]
    return v.get("literal") or v.get("raw")


FIELDS = {"type": lambda r: r.get("type"), "title": lambda r: r.get("title"),
          "author": lambda r: names(r.get("author")), "editor": lambda r: names(r.get("editor")),
          "issued": lambda r: date(r.get("issued")),
          "container-title": lambda r: r.get("container-title")}


def bbt_pairs():
    agree = total = 0
    for z in sorted(glob.glob(os.path.join(here, "bbt-*.zotero.json"))):
        exp = z[: -len(".zotero.json")] + ".expected.csl.json"
        if not os.path.exists(exp):
            continue
        rc, got, err = convert(z)
        want = json.load(open(exp, encoding="utf-8"))
        if rc != 0 or len(got) != len(want):
            problems.append("%s: exit %d, %d records for %d items\n%s"
                            % (os.path.basename(z), rc, len(got), len(want), err))
            continue
        # by id; BBT makes the keys of items without one, so else by title,
        # else by position
        by_id = {r.get("id"): r for r in got}
        by_title = {r.get("title"): r for r in got}
        for i, w in enumerate(want):
            g = by_id.get(w.get("id")) or by_title.get(w.get("title")) or got[i]
            if g is None:
                problems.append("%s: no record %s" % (os.path.basename(z), w.get("id")))
                continue
            for f, get in FIELDS.items():
                wv = get(w)
                if not wv:
                    continue
                total += 1
                if get(g) == wv:
                    agree += 1
                elif show:
                    print("  %s %s %s: BBT %r, bibconv %r"
                          % (os.path.basename(z)[:40], w.get("id"), f, wv, get(g)))
    pct = 100.0 * agree / total if total else 100.0
    print("bbt samples: %d / %d fields agree with Better CSL JSON (%.1f%%)" % (agree, total, pct))
    if pct < FLOOR:
        problems.append("agreement %.1f%% below the floor %.1f%%" % (pct, FLOOR))


def api_samples():
    rc, got, err = convert(os.path.join(here, "api-items_doc.json"))
    items = json.load(open(os.path.join(here, "api-items_doc.json"), encoding="utf-8"))
    works = [x for x in items if x["data"]["itemType"] not in ("note", "attachment")]
    if rc != 0 or len(got) != len(works):
        problems.append("api-items_doc: exit %d, %d records for %d works" % (rc, len(got), len(works)))
    for x, r in zip(works, got):
        if r.get("title") != x["data"].get("title"):
            problems.append("api-items_doc: title %r for %r" % (r.get("title"), x["data"]["title"]))
    rc, got, err = convert(os.path.join(here, "api-item_doc.json"))
    if rc != 0 or len(got) != 1 or got[0].get("type") != "book" or \
            got[0]["author"][0].get("literal") != "Institute of Physics (Great Britain)":
        problems.append("api-item_doc: %d %r" % (rc, got))
    rc, got, err = convert(os.path.join(here, "api-attachments_doc.json"))
    if rc != 0 or got or "0 notes and 1 attachment are not bibliographic records" not in err:
        problems.append("api-attachments_doc: exit %d, %r, %s" % (rc, got, err))


# family, given, non-dropping, dropping, suffix for some names of #313
PARTICLES = {
    ("Humboldt", "Alexander", None, "von", None),
    ("Gooding", "Cuba", None, None, "Jr."),
    ("Wright", "Georg Henrik Auto", "von", None, None),
    ("von Wright", "Georg Henrik Explicit", None, None, None),
    ("Meer", "Gerard", "van der", None, None),
    ("One", "Alan", "al-", None, None),
    ("Doe", "John", None, None, "III"),
    ("Gogh", "Vincent", "van", None, None),
}


def particles():
    rc, got, err = convert(os.path.join(here, "bbt-particles-313.zotero.json"))
    seen = set()
    for r in got:
        for n in (r.get("author") or []) + (r.get("editor") or []):
            seen.add((n.get("family"), n.get("given"), n.get("non-dropping-particle"),
                      n.get("dropping-particle"), n.get("suffix")))
    for want in sorted(PARTICLES, key=str):
        if want not in seen:
            problems.append("bbt-particles-313: no name %r" % (want,))


bbt_pairs()
api_samples()
particles()
for p in problems:
    print("FAIL " + p)
sys.exit(1 if problems else 0)
