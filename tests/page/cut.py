#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Pages cut inside an abstract (a copied excerpt, a page saved before it
finished loading): every page of samples/ and tests/page/{crafted,html} is
read whole, then cut at many points inside each record's abstract, before
its "... (see more)" marker and (text pages) in the rest after it, and read
again. The cut page must give the
records of the whole page up to the cut one and no other: no fake record
made of the cut abstract, every earlier record unchanged, and the cut
record with its title and authors, its abstract a prefix of the whole
one and flagged incomplete (custom.page.incomplete) unless the cut left a
sentence end. Exit status 0 and no error on every cut page. Then every
text page holding feed meta lines is cut right after each of them and
after the line that follows it: no record without a title, no record the
whole page lacks.

Usage: cut.py [--points N] (BIBCONV_BUILDDIR and BIBCONV_SRCDIR as for the
other tests)."""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

build = os.environ["BIBCONV_BUILDDIR"]
src = os.environ["BIBCONV_SRCDIR"]
bib = os.path.join(build, "core", "cli", "bibconv")
points = int(sys.argv[sys.argv.index("--points") + 1]) if "--points" in sys.argv else 7
# the sanitizer run (BIBCONV_CORPUS_STRIDE) reads every Nth cut of each
# kind, the first always: the checks stay the same, the runs fewer
stride = max(1, int(os.environ.get("BIBCONV_CORPUS_STRIDE", "1") or 1))
taken = {}


def take(kind):
    n = taken.get(kind, 0)
    taken[kind] = n + 1
    return n % stride == 0

MARKS = ("\u2026 (see more)", "\u2026 (voir plus)")
# a feed meta line: score, category codes, date, "Code" badge
META = re.compile(r"^(\d+\.\d)?(?:[A-Z]{2})+[A-Z][a-z]{2} \d{1,2}(?:, \d{4})?(?:Code)?$")

pages = sorted(glob.glob(os.path.join(src, "samples", "page-*.txt")))
pages += sorted(glob.glob(os.path.join(src, "tests", "page", "crafted", "*.txt")))
pages += sorted(glob.glob(os.path.join(src, "tests", "page", "html", "*.html")))
# a page that is no publication list has no abstracts to cut
pages = [p for p in pages if not p.endswith("notapage.txt")]


def read(path):
    p = subprocess.run([bib, "-f", "page", "-t", "csljson", path], capture_output=True,
                       check=False)
    try:
        recs = json.loads(p.stdout.decode("utf-8")) if p.stdout.strip() else []
    except ValueError:
        recs = None
    return p.returncode, p.stderr.decode("utf-8", "replace"), recs


def who(r):
    return [(a.get("family"), a.get("given"), a.get("literal")) for a in r.get("author", [])]


def incomplete(r):
    return r.get("custom", {}).get("page", {}).get("incomplete") == "true"


def cut_points(data, start, end):
    """Byte offsets strictly inside data[start:end], mid-word and after a
    space, spread over the visible part; on UTF-8 character starts."""
    out = []
    for k in range(1, points + 1):
        at = start + (end - start) * k // (points + 1)
        while at < end and (data[at] & 0xC0) == 0x80:
            at += 1
        if k % 2 == 0:  # after a space, the cut falls between two words
            sp = data.rfind(b" ", start, at)
            if sp > start + 3:
                at = sp + 1
        if start + 3 < at < end:
            out.append(at)
    return sorted(set(out))


fails = 0
runs = html_runs = 0
with tempfile.TemporaryDirectory() as tmp:
    for page in pages:
        rc, err, whole = read(page)
        if rc != 0 or not whole:
            print("FAIL %s: the whole page does not read (exit %d)\n%s" % (page, rc, err))
            fails += 1
            continue
        data = open(page, "rb").read()
        ext = os.path.splitext(page)[1]
        pos = 0
        for j, r in enumerate(whole):
            ab = r.get("abstract")
            if not ab or len(ab) < 40:
                continue
            key = ab[:30].encode("utf-8")
            start = data.find(key, pos)
            if start < 0:
                continue  # written with entities in HTML: not cut here
            # the visible part ends at the marker, else at the line's end
            nl = data.find(b"\n", start)
            end = nl if nl >= 0 else len(data)
            if ext == ".html":
                lt = data.find(b"<", start)
                end = min(end, lt) if lt >= 0 else end
            line_end, after = end, []
            for m in MARKS:
                at = data.find(m.encode("utf-8"), start, end)
                if at >= 0:
                    end = at
                    # the rest of the abstract after the marker (the site
                    # shows it whole after "… (see more)"): a cut there
                    # leaves the marker inside the line, the text still cut
                    if ext == ".txt":
                        after = cut_points(data, at + len(m.encode("utf-8")), line_end)
            pos = end
            for at in cut_points(data, start, end) + after:
                if not take(ext):
                    continue
                runs += 1
                html_runs += ext == ".html"
                path = os.path.join(tmp, "cut" + ext)
                with open(path, "wb") as f:
                    f.write(data[:at])
                crc, cerr, got = read(path)
                where = "%s cut at byte %d (record %d, '%s')" % (
                    os.path.basename(page), at, j + 1, data[max(start, at - 20):at].decode(
                        "utf-8", "replace"))
                bad = []
                if crc != 0 or "error" in cerr:
                    bad.append("exit %d: %s" % (crc, cerr.strip()[:200]))
                if got is None:
                    bad.append("output is not JSON")
                    got = []
                if len(got) != j + 1:
                    bad.append("%d records, want %d" % (len(got), j + 1))
                for i in range(min(j, len(got))):
                    a, b = whole[i], got[i]
                    if (a.get("title"), who(a), a.get("abstract")) != (
                            b.get("title"), who(b), b.get("abstract")):
                        bad.append("record %d changed: %s" % (i + 1, b.get("title")))
                if len(got) > j:
                    c = got[j]
                    if c.get("title") != r.get("title"):
                        bad.append("cut record's title %r, want %r" % (c.get("title"),
                                                                      r.get("title")))
                    if who(c) != who(r):
                        bad.append("cut record's authors %s, want %s" % (who(c), who(r)))
                    cab = c.get("abstract") or ""
                    if not cab or not ab.startswith(cab.rstrip()):
                        bad.append("cut abstract %r not a prefix of the whole one" % cab[-40:])
                    if cab and cab.rstrip()[-1:] not in ".!?)\"'" and not incomplete(c):
                        bad.append("cut record not flagged incomplete")
                if bad:
                    fails += 1
                    if os.environ.get("CUT_ALL") or fails <= 40:
                        print("FAIL %s: %s" % (where, "; ".join(bad)))
    # Feed pages cut right after a meta line or the title line after it:
    # every record read has a title, none is made up, and all but the last
    # are those of the whole page.
    line_runs = 0
    for page in pages:
        if not page.endswith(".txt"):
            continue
        rc, err, whole = read(page)
        if rc != 0 or not whole:
            continue
        data = open(page, "rb").read()
        # after every feed meta line and after the line that follows it
        ends = []
        pos = 0
        for line in data.split(b"\n")[:-1]:
            pos += len(line) + 1
            if META.match(line.decode("utf-8", "replace").strip()):
                ends.append(pos)
                nl = data.find(b"\n", pos)
                if nl >= 0:
                    ends.append(nl + 1)
        for at in sorted(set(e for e in ends if e < len(data))):
            if not take("line"):
                continue
            line_runs += 1
            path = os.path.join(tmp, "cutline.txt")
            with open(path, "wb") as f:
                f.write(data[:at])
            crc, cerr, got = read(path)
            where = "%s cut after byte %d (line end)" % (os.path.basename(page), at)
            bad = []
            if got is None:
                bad.append("output is not JSON")
                got = []
            # a page left with its meta line alone gives no record: an
            # error naming it, the only one allowed
            if got and crc != 0 and "page ends after a meta line" not in cerr:
                bad.append("exit %d with records written: %s" % (crc, cerr.strip()[:200]))
            if len(got) > len(whole):
                bad.append("%d records, the whole page has %d" % (len(got), len(whole)))
            for i, b in enumerate(got):
                if not b.get("title"):
                    bad.append("record %d has no title" % (i + 1))
                elif i < len(whole) and b.get("title") != whole[i].get("title"):
                    bad.append("record %d title %r, want %r" % (i + 1, b.get("title"),
                                                                whole[i].get("title")))
                elif i + 1 < len(got) and i < len(whole) and who(b) != who(whole[i]):
                    bad.append("record %d authors changed" % (i + 1))
            if bad:
                fails += 1
                if os.environ.get("CUT_ALL") or fails <= 40:
                    print("FAIL %s: %s" % (where, "; ".join(bad)))
print("%d cut pages (%d of them HTML), %d cut at line ends, %d failed" % (
    runs, html_runs, line_runs, fails))
sys.exit(1 if fails or not runs or not html_runs or not line_runs else 0)
