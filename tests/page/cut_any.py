#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Pages cut at any byte (a copied excerpt that stops anywhere: inside a
title, an author list, an abstract, a meta line): every text page of
samples/ and tests/page/crafted is read whole, then cut at random points
(fixed seed) past the start of its first record, and read again. Counted:

- fake records: a record whose title is no title of the whole page (the
  last record may carry a title cut short: a prefix of the whole one's);
- lost authors: a record whose author list is not the whole record's (the
  last record may have lost the authors after the cut, and its last
  author may be cut short);
- more records than the whole page has.

The counts must not pass --max-fake / --max-lost (default 0; the suite
passes the figures docs/page.md records while a cut title of one word,
such as "Molec", is still read as a one-word name). Usage: cut_any.py
[--points N] [--seed N] [--max-fake N] [--max-lost N] (BIBCONV_BUILDDIR
and BIBCONV_SRCDIR as for the other tests); CUT_ALL=1 prints every
failure."""
import glob
import json
import os
import random
import subprocess
import sys
import tempfile

build = os.environ["BIBCONV_BUILDDIR"]
src = os.environ["BIBCONV_SRCDIR"]
bib = os.path.join(build, "core", "cli", "bibconv")
points = int(sys.argv[sys.argv.index("--points") + 1]) if "--points" in sys.argv else 30
seed = int(sys.argv[sys.argv.index("--seed") + 1]) if "--seed" in sys.argv else 12


def opt(name):
    return int(sys.argv[sys.argv.index(name) + 1]) if name in sys.argv else 0


max_fake, max_lost = opt("--max-fake"), opt("--max-lost")

pages = sorted(glob.glob(os.path.join(src, "samples", "page-*.txt")))
pages += sorted(glob.glob(os.path.join(src, "tests", "page", "crafted", "*.txt")))
# not a publication list; streams of several pages are cut by the others
pages = [p for p in pages if not p.endswith(("notapage.txt", "multi.txt"))
         and "stream-" not in p]


def read(path):
    p = subprocess.run([bib, "-f", "page", "-t", "csljson", path], capture_output=True,
                       check=False)
    try:
        recs = json.loads(p.stdout.decode("utf-8")) if p.stdout.strip() else []
    except ValueError:
        recs = None
    return p.returncode, p.stderr.decode("utf-8", "replace"), recs


def who(r):
    """The author list as shown ("others" for a cut long list)."""
    out = []
    for a in r.get("author", []):
        parts = [a.get("given"), a.get("non-dropping-particle"), a.get("family"),
                 a.get("suffix")]
        out.append(a.get("literal") or " ".join(x for x in parts if x))
    return out


def names_prefix(cut, whole):
    """cut is whole's author list stopped somewhere (its last name may be
    cut short: then it is a prefix of the whole one's name, as shown)."""
    if len(cut) > len(whole):
        return False
    for i, (a, b) in enumerate(zip(cut, whole)):
        if a != b and not (i == len(cut) - 1 and b.startswith(a)):
            return False
    return True


rng = random.Random(seed)
runs = fake = lost = extra = errors = 0
shown = 0
with tempfile.TemporaryDirectory() as tmp:
    for page in pages:
        rc, err, whole = read(page)
        if rc != 0 or not whole:
            print("FAIL %s: the whole page does not read (exit %d)\n%s" % (page, rc, err))
            errors += 1
            continue
        data = open(page, "rb").read()
        t0 = whole[0].get("title", "")
        start = data.find(t0[:20].encode("utf-8")) if t0 else -1
        if start < 0:
            continue
        titles = [r.get("title", "") for r in whole]
        for _ in range(points):
            at = rng.randrange(start + 1, len(data))
            while at < len(data) and (data[at] & 0xC0) == 0x80:
                at += 1
            path = os.path.join(tmp, "cut.txt")
            with open(path, "wb") as f:
                f.write(data[:at])
            runs += 1
            crc, cerr, got = read(path)
            bad = []
            if got is None:
                bad.append("output is not JSON")
                got = []
            if len(got) > len(whole):
                extra += 1
                bad.append("%d records, the whole page has %d" % (len(got), len(whole)))
            for i, b in enumerate(got):
                t = b.get("title", "")
                last = i == len(got) - 1
                if t in titles:
                    w = whole[titles.index(t)]
                elif last and t and any(x.startswith(t) for x in titles):
                    w = next(r for r in whole if r.get("title", "").startswith(t))
                else:
                    fake += 1
                    bad.append("fake record %d %r" % (i + 1, t[:60]))
                    continue
                if last:  # "others" stands for names after the cut too
                    ok = names_prefix([a for a in who(b) if a != "others"],
                                      [a for a in who(w) if a != "others"])
                else:
                    ok = who(b) == who(w)
                if not ok:
                    lost += 1
                    bad.append("record %d authors %s, want %s" % (i + 1, who(b), who(w)))
            if bad:
                shown += 1
                if os.environ.get("CUT_ALL") or shown <= 30:
                    print("FAIL %s cut at byte %d (...%r): %s" % (
                        os.path.basename(page), at,
                        data[max(0, at - 30):at].decode("utf-8", "replace"), "; ".join(bad)))
print("%d cut pages: %d fake records, %d records with wrong authors, %d with extra "
      "records, %d pages unread" % (runs, fake, lost, extra, errors))
sys.exit(1 if fake > max_fake or lost > max_lost or extra or errors or not runs else 0)
