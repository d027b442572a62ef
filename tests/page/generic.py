#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The page reader's generic layout on publication lists built from the
project's rendered references (tools/data/refs/rendered.jsonl, their
records in records.jsonl; see tools/data/refs/SOURCES.tsv): for each of a
set of CSL styles, pages in several shapes (one reference per line under
headings, blank lines between, wrapped at a fixed width and numbered,
bullets, saved HTML; title/author/venue blocks), with page chrome before
the list. Each page is read
with `bibconv -f page` (and the text shapes with `-f refs`); records are
matched to the answer key by title and scored: record F1, authors (family
names in order), year. Fails when a figure falls below its floor (the
figures recorded in docs/page.md, "Generic layout", less a margin) or
when a page's exit status or layout is wrong.

Deterministic: a fixed seed, a fixed choice of references.
    generic.py [--show] [--keep DIR]
"""
import html
import json
import os
import random
import re
import subprocess
import sys
import tempfile

SRC = os.environ.get("BIBCONV_SRCDIR", os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("BIBCONV_BUILDDIR", os.path.join(SRC, "build"))
BIB = os.path.join(BUILD, "core", "cli", "bibconv")
DATA = os.path.join(SRC, "tools", "data", "refs")

# Styles the tagger's validation holds out (docs/refs.md) and a few it
# trains on; author-date, numeric and notes styles of several languages.
STYLES = ["american-physics-society", "associacao-brasileira-de-normas-tecnicas",
          "biomed-central", "cell", "chicago-notes-bibliography", "iso690-author-date-en",
          "journal-of-industrial-ecology", "science", "the-lancet", "apa", "ieee",
          "din-1505-2", "modern-language-association", "nature", "elsevier-harvard"]
PER_PAGE = 12
SEED = 20261204
SHAPES = ["lines", "blank", "wrapped", "bullets", "html", "years", "blocks"]
# Floors: record F1, authors right, year right (over all pages, -f page).
FLOORS = {"f1": 0.90, "authors": 0.65, "year": 0.93}


def norm(s):
    return re.sub(r"[^0-9a-z]+", "", (s or "").lower())


SEGS = {}  # a reference's text -> its rendered segments


def load():
    recs = [json.loads(l) for l in open(os.path.join(DATA, "records.jsonl"), encoding="utf-8")]
    by_style = {}
    for line in open(os.path.join(DATA, "rendered.jsonl"), encoding="utf-8"):
        d = json.loads(line)
        if d.get("style") not in STYLES:
            continue
        r = recs[d["rec"]]
        title = r.get("title", "")
        # a publication list's entries: a title, authors and a year;
        # no markup left over from the source records
        if (not title or not r.get("author") or not r.get("issued")
                or re.search(r"[${}\\<>]", title) or len(title) < 12
                or not all(a.get("family") for a in r["author"])):
            continue
        seg = d["seg"]
        # the citation number is the page's to give
        while seg and seg[0][0] in ("citation-number", "punct"):
            seg = seg[1:]
        text = "".join(t for _, t in seg).replace("\n", " ").strip()
        by_style.setdefault(d["style"], []).append((text, r))
        SEGS[text] = seg
    return by_style


def wrap(text, width):
    out, cur = [], ""
    for w in text.split(" "):
        if cur and len(cur) + 1 + len(w) > width:
            out.append(cur)
            cur = w
        else:
            cur = cur + " " + w if cur else w
    if cur:
        out.append(cur)
    return out


def chrome(rng, recs):
    a = recs[0][1]["author"][0]
    name = (a.get("given", "") + " " + a["family"]).strip()
    return [name, "Department of " + rng.choice(["Physics", "History", "Biology", "Economics"]),
            "", "Home | Research | Teaching | Contact", ""]


def page(shape, rng, refs):
    lines = chrome(rng, refs)
    heading = rng.choice(["Publications", "Selected publications", "Journal articles",
                          "Publications and talks"])
    if shape == "html":
        items = "\n".join("<li>%s</li>" % html.escape(t) for t, _ in refs)
        head = "".join("<p>%s</p>\n" % html.escape(l) for l in lines if l)
        return ("<!DOCTYPE html>\n<html><head><title>%s</title></head><body>\n%s<h2>%s</h2>\n"
                "<ul>\n%s\n</ul>\n</body></html>\n" % (html.escape(lines[0]), head, heading, items))
    lines.append(heading)
    lines.append("")
    years = None
    for i, (t, r) in enumerate(refs, 1):
        if shape == "lines":
            lines.append(t)
        elif shape == "blank":
            lines += [t, ""]
        elif shape == "wrapped":
            w = wrap("[%d] %s" % (i, t), 78)
            lines += w
        elif shape == "bullets":
            lines.append("\u2022 " + t)
        elif shape == "blocks":
            # not a formatted reference: title, author and venue lines
            names = [(a.get("given", "") + " " + a["family"]).strip() for a in r["author"]]
            venue = r.get("container-title") or r.get("publisher") or "Talk"
            lines += [r["title"], ", ".join(names[:-1]) + " and " + names[-1]
                      if len(names) > 1 else names[0], "%s %d" % (venue, r["issued"][0]), ""]
        elif shape == "years":
            y = str(r["issued"][0])
            if y != years:
                lines += ["", y, ""]
                years = y
            lines.append("%d. %s" % (i, t))
    return "\n".join(lines) + "\n"


def read(fmt, path, opts=()):
    p = subprocess.run([BIB, "-f", fmt, *opts, "-t", "csljson", path], capture_output=True,
                       text=True, check=False)
    try:
        out = json.loads(p.stdout) if p.stdout.strip() else []
    except ValueError:
        out = None
    return p.returncode, out, p.stderr


def score(refs, out):
    truth = {norm(r["title"]): r for _, r in refs}
    got = {}
    for rec in out or []:
        got.setdefault(norm(rec.get("title")), rec)
    hit = [k for k in truth if k in got]
    prec = len(hit) / max(1, len(out or []))
    rec_ = len(hit) / max(1, len(truth))
    f1 = 2 * prec * rec_ / (prec + rec_) if prec + rec_ else 0.0
    auth = year = 0
    for k in hit:
        t, g = truth[k], got[k]
        fam = [norm(a["family"]) for a in t["author"]]
        gfam = [norm(a.get("family") or a.get("literal")) for a in g.get("author", [])]
        auth += fam == gfam
        gy = (g.get("issued", {}).get("date-parts") or [[None]])[0][0]
        year += gy == t["issued"][0]
    return f1, auth, year, len(hit)


# Pages where no record can be read: an error naming the first line,
# exit 1, nothing written (docs/page.md, "Generic layout").
NO_RECORD = [
    ([], "Jane Roe\nPublications\n"),
    ([], "Home | About | Contact\n\n2019\n\n2018\n"),
    ([], "Selected publications\n\n(none)\n"),
    (["-O", "layout=generic"], "A page about nothing\n\nThe weather was fine and we went "
                               "for a walk by the river.\n"),
]


def check_no_record(tmp):
    fail = False
    for i, (opts, text) in enumerate(NO_RECORD):
        path = os.path.join(tmp, "norecord%d.txt" % i)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        rc, out, err = read("page", path, opts)
        first = text.split("\n")[0]
        if rc != 1 or out or ":1:1: error:" not in err or first[:15] not in err:
            print("FAIL no-record page %d: exit %d, %r, %s" % (i, rc, out, err.strip()))
            fail = True
        else:
            print("ok   no-record page %d: %s" % (i, err.strip().splitlines()[0]))
    return fail


# tests/page/generic/numbered.txt: a lab page's numbered list wrapped
# and indented, under two headings, after a menu (written for this test).
NUMBERED = [("Sediment transport under breaking waves: a laboratory study",
             ["Keller", "Ortiz", "Lindqvist"]),
            ("Long-term shoreline change from satellite imagery", ["Ortiz", "Mensah"]),
            ("Storm surge statistics for the Baltic Sea", ["Lindqvist"]),
            ("Wave overtopping of vegetated dikes", ["Mensah", "Keller", "Fujita"])]


def check_numbered():
    rc, out, err = read("page", os.path.join(SRC, "tests", "page", "generic", "numbered.txt"))
    got = [(r.get("title"), [a.get("family") for a in r.get("author", [])]) for r in out or []]
    if rc != 0 or got != NUMBERED:
        print("FAIL numbered.txt: exit %d\n  got  %r\n  want %r\n%s" % (rc, got, NUMBERED, err))
        return True
    print("ok   numbered.txt: %d records" % len(got))
    return False


# tests/page/generic/blocks-stop.txt: title/author/venue blocks as a lab
# page writes them (written for this test): author lists closed by a full
# stop, long venue lines ending on their date.
BLOCKS_STOP = [("Tidal Energy Forecasting with Sparse Sensors",
                ["Solheim", "Ferreira", "Arai", "Mbeki"], 2019),
               ("Measuring Sediment Plumes from Drone Imagery", ["Ferreira", "Solheim"], 2018),
               ("A Field Guide to Harbour Acoustics", ["Arai", "Mbeki", "Solheim"], 2018)]


def check_blocks_stop():
    rc, out, err = read("page", os.path.join(SRC, "tests", "page", "generic", "blocks-stop.txt"))
    got = [(r.get("title"), [a.get("family") for a in r.get("author", [])],
            (r.get("issued") or {}).get("date-parts", [[None]])[0][0]) for r in out or []]
    if rc != 0 or got != BLOCKS_STOP:
        print("FAIL blocks-stop.txt: exit %d\n  got  %r\n  want %r\n%s"
              % (rc, got, BLOCKS_STOP, err))
        return True
    print("ok   blocks-stop.txt: %d records" % len(got))
    return False


# Lists written in Markdown and conference programmes (docs/page.md,
# "Markdown" and "Blocks"), built from the same records with a seed of
# their own (the figures above stay as recorded): references as `- `
# items with the title bold or a link and the container in italics;
# blocks as `- **Title**` items with the authors and `*Venue* Year` on
# indented lines; a programme's talks: the title with its session's day
# and time, a blank line, the names joined by " · ", a blank line, an
# abstract (from tools/data/corpus-records.jsonl, see its SOURCES.tsv).
MARKUP_SHAPES = ["md-refs", "md-blocks", "programme"]
MARKUP_FLOORS = {"md-refs": (0.90, 0.65, 0.90), "md-blocks": (0.97, 0.95, 0.95),
                 "programme": (0.97, 0.95, 0.0)}
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def abstracts():
    out = []
    for line in open(os.path.join(SRC, "tools", "data", "corpus-records.jsonl"),
                     encoding="utf-8"):
        a = json.loads(line).get("abstract") or ""
        if len(a) > 200 and not re.search(r"[${}\\<>*_\[\]]", a):
            out.append(a)
    return out


def md_ref(rng, seg):
    parts = []
    for kind, t in seg:
        if kind == "title" and t:
            t = rng.choice(["**%s**", "[%s](https://example.org/p%d.pdf)" % ("%s", rng.randrange(99))]) % t
        elif kind == "container-title" and t:
            t = "*%s*" % t
        parts.append(t)
    return "".join(parts).replace("\n", " ").strip()


def markup_page(shape, rng, refs, abst):
    lines = ["# " + refs[0][1]["author"][0]["family"], "", "## Publications", ""]
    if shape == "programme":
        lines = ["Timezone: Europe/Vienna", ""]
    for t, r in refs:
        names = [(a.get("given", "") + " " + a["family"]).strip() for a in r["author"]]
        venue = r.get("container-title") or r.get("publisher") or "Talk"
        if shape == "md-refs":
            lines.append(" - " + t)
        elif shape == "md-blocks":
            lines += ["- **%s**  " % r["title"], "  " + ", ".join(names) + "  ",
                      "  *%s* %d" % (venue, r["issued"][0])]
        else:
            lines += ["%s %s %d %s %d:%02d %s" % (r["title"], rng.choice(DAYS),
                                                   rng.randrange(1, 29), rng.choice(MONTHS),
                                                   rng.randrange(1, 13), rng.choice([0, 15, 30]),
                                                   rng.choice(["a.m.", "p.m."])), "",
                      " \u00b7 ".join(names), "", rng.choice(abst), ""]
    return "\n".join(lines) + "\n"


def check_markup(by_style, tmp):
    rng = random.Random(SEED + 1)
    abst = abstracts()
    fail = False
    for shape in MARKUP_SHAPES:
        t = [0.0, 0, 0, 0, 0]
        for style in STYLES:
            pool = by_style.get(style, [])
            if len(pool) < PER_PAGE:
                continue
            refs = rng.sample(pool, PER_PAGE)
            if shape == "md-refs":
                refs = [(md_ref(rng, SEGS[t]), r) for t, r in refs]
            path = os.path.join(tmp, "%s-%s.txt" % (style, shape))
            with open(path, "w", encoding="utf-8") as f:
                f.write(markup_page(shape, rng, refs, abst))
            rc, out, err = read("page", path)
            if out is None:
                print("FAIL %s %s: output is not JSON" % (style, shape))
                fail = True
                continue
            f1, a, y, h = score(refs, out)
            for i, v in enumerate((f1, a, y, h, 1)):
                t[i] += v
        n = max(1, t[4])
        f1, auth, year = t[0] / n, t[1] / max(1, t[3]), t[2] / max(1, t[3])
        print("overall %s: pages=%d record F1=%.3f authors=%.3f year=%.3f"
              % (shape, t[4], f1, auth, year))
        for k, v, floor in zip(("f1", "authors", "year"), (f1, auth, year), MARKUP_FLOORS[shape]):
            if v < floor:
                print("FAIL %s: %s %.3f below its floor %.2f" % (shape, k, v, floor))
                fail = True
    return fail


# A programme copied in part (written for this test): events without
# speakers (a social, a desk) around one talk, whose day and time mark
# its title; the page is that one talk, not a single paper titled with
# the first line.
PROGRAMME_ONE = (
    "Skip to main content\n\nTimezone: Europe/Lisbon\n\n"
    "Social: River Walk Thu 12 Jun 07:00 a.m.  \n\n"
    "Meet at the north entrance for a walk along the river. Bring water and good shoes. "
    "Contact the front desk for details about the route and the meeting time.\n\n\n"
    "Registration Desk: Badge Pickup Thu 12 Jun 08:00 a.m.  \n\n\n"
    "Workshop on Frugal Learning for Small Devices Thu 12 Jun 08:50 a.m.  \n\n"
    "Marta Quintela \u00b7 Oskar Lindahl \u00b7 Hye-jin Seo \u00b7 Tomasz Wrona\n\n"
    "Small devices cannot hold the models that run in data centres. This workshop gathers "
    "work on learning with little memory and energy, from pruning and quantisation to "
    "training on the device itself, and asks which of these methods hold up in practice.\n")


def check_programme_one(tmp):
    fail = False
    # the same page with its dates written in French ("12 juin"): months
    # are known through core's date service
    for name, text in (("programme-one", PROGRAMME_ONE),
                       ("programme-one-fr", PROGRAMME_ONE.replace(" Thu 12 Jun ", " 12 juin "))):
        path = os.path.join(tmp, name + ".txt")
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        rc, out, err = read("page", path)
        got = [(r.get("title"), [a.get("family") for a in r.get("author", [])],
                (r.get("abstract") or "")[:24]) for r in out or []]
        want = [("Workshop on Frugal Learning for Small Devices",
                 ["Quintela", "Lindahl", "Seo", "Wrona"], "Small devices cannot hol")]
        if rc != 0 or got != want:
            print("FAIL %s: exit %d\n  got  %r\n  want %r\n%s" % (name, rc, got, want, err))
            fail = True
        else:
            print("ok   %s: 1 record" % name)
    return fail


# Programmes as other sites print them (docs/page.md, "Blocks"), built
# from the same records and abstracts with a seed of their own: the day
# and time in French (`jeu. 12 juin 14h30`, `jeudi 12 juin 14:30`) or as
# English words (`Thursday, 12 June 11:00 a.m.`); the abstract right under
# the speakers, without a blank line; a session label before the title
# (`Poster: `, `Oral: `). Each talk must come out with its title (no day,
# time or label left), its speakers and its abstract, and no venue made
# of the abstract.
PROG_SEED = 11
FR_DAYS = ["lun.", "mar.", "mer.", "jeu.", "ven.", "lundi", "mardi", "mercredi", "jeudi",
           "vendredi"]
FR_MONTHS = ["janv.", "f\u00e9vr.", "mars", "avr.", "mai", "juin", "juil.", "ao\u00fbt",
             "sept.", "oct.", "nov.", "d\u00e9c."]
EN_DAYS = ["Monday,", "Tuesday,", "Wednesday,", "Thursday,", "Friday,"]
EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
             "September", "October", "November", "December"]
LABELS = ["Poster: ", "Oral: ", "Spotlight: ", "Keynote: ", "Invited talk: ", "Demo: ",
          "Affiche : ", "Communication orale : "]
PROG_KINDS = ["fr", "en-words", "no-blank", "label"]


def prog_page(kind, rng, refs, abst):
    lines = ["Timezone: Europe/Paris", ""]
    talks = []
    for t, r in refs:
        names = [(a.get("given", "") + " " + a["family"]).strip() for a in r["author"]]
        h, mi = rng.randrange(8, 19), rng.choice([0, 15, 30, 45])
        if kind == "fr":
            when = "%s %d %s %s" % (rng.choice(FR_DAYS), rng.randrange(1, 29),
                                    rng.choice(FR_MONTHS),
                                    ("%dh%02d" if rng.random() < 0.5 else "%d:%02d") % (h, mi))
        elif kind == "en-words":
            when = "%s %d %s %d:%02d %s" % (rng.choice(EN_DAYS), rng.randrange(1, 29),
                                            rng.choice(EN_MONTHS), h % 12 or 12, mi,
                                            "a.m." if h < 12 else "p.m.")
        else:
            when = "%s %d %s %d:%02d" % (rng.choice(DAYS), rng.randrange(1, 29),
                                         rng.choice(MONTHS), h, mi)
        title = (rng.choice(LABELS) if kind == "label" else "") + r["title"]
        a = rng.choice(abst)
        if rng.random() < 0.5:
            # a short abstract: its first sentences, under 200 bytes, ten
            # words at least; not ending on a year (a line that does is a
            # venue, `..., Irvine, CA, June 2016.`: the known limit)
            ends = [m.end() for m in re.finditer(r"[.!?](?= )", a) if m.end() < 190
                    and len(a[:m.end()].split()) >= 10
                    and not re.search(r"\b(1[89]|20)\d\d\.$", a[:m.end()])]
            a = a[:ends[-1]] if ends else a
        lines += ["%s %s" % (title, when), "", " \u00b7 ".join(names)]
        lines += ([a, ""] if kind == "no-blank" else ["", a, ""])
        talks.append((r, a))
    return "\n".join(lines) + "\n", talks


def check_programme_kinds(by_style, tmp):
    fail = False
    rng = random.Random(PROG_SEED)
    abst = abstracts()
    # speakers as a programme prints them: capitalised names of letters
    # (the corpus also holds `John Doe5`, `zhuang liu`)
    ok_name = re.compile(r"^[A-Z\u00c0-\u024f][\w.'\u2019-]*( [A-Z\u00c0-\u024f][\w.'\u2019-]*)*$")
    pool = [x for st in sorted(by_style) for x in by_style[st]
            if all(ok_name.match((a.get("given", "") + " " + a["family"]).strip())
                   and not re.search(r"\d", a.get("given", "") + a["family"])
                   for a in x[1]["author"])]
    for kind in PROG_KINDS:
        n = ok_t = ok_a = ok_b = venues = recs = 0
        for k in range(4):
            text, talks = prog_page(kind, rng, rng.sample(pool, 6), abst)
            path = os.path.join(tmp, "prog-%s-%d.txt" % (kind, k))
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            rc, out, err = read("page", path)
            got = {norm(g.get("title")): g for g in out or []}
            recs += len(out or [])
            for r, a in talks:
                n += 1
                g = got.get(norm(r["title"]))
                if not g:
                    continue
                ok_t += 1
                # whole names: where a capitalised particle goes (`Da Ros`)
                # is the name splitter's matter, docs/names.md
                ok_a += [norm((x.get("given") or "") + (x.get("non-dropping-particle") or "")
                              + (x.get("family") or x.get("literal") or ""))
                         for x in g.get("author", [])] \
                    == [norm(x.get("given", "") + x["family"]) for x in r["author"]]
                ok_b += norm(g.get("abstract")) == norm(a)
                venues += bool(g.get("container-title"))
        print("programme %-9s talks=%d records=%d titles=%d authors=%d abstracts=%d venues=%d"
              % (kind, n, recs, ok_t, ok_a, ok_b, venues))
        # floors: every title and abstract; authors as the programme
        # shape's floor (names of every culture through the name model)
        if ok_t < n or recs != n or ok_b < n or venues or ok_a < 0.95 * n:
            print("FAIL programme %s: below its floor" % kind)
            fail = True
    return fail


# Five APA references under a Publications heading (issue 13's
# acceptance, docs/page.md "Generic layout"), drawn with a seed of their
# own from the rendered references: as a saved page (<ul> of <li><p>,
# the container or a book's title and the volume in <i>, entities), as an
# HTML fragment of the same list (no <html> or <body>: a list copied from
# a page's source), as <p> paragraphs, and as the browser's text copy;
# each read with -f page and (the HTML ones, which the page format
# claims) with the format detected. Every page must give five records,
# each with its title (the answer key's, which a volume's number may
# follow), authors and its year, exit 0, and the same records (title,
# family names, year) as the text copy read with -f page: the HTML path
# adds nothing and loses nothing. References in Latin script (a Chinese
# reference without spaced names is the tagger's matter, docs/refs.md).
APA_SEED = 5


def apa_html(seg):
    out = []
    for lab, t in seg:
        t = html.escape(t, quote=False)
        out.append("<i>%s</i>" % t if lab in ("container-title", "volume") else t)
    return "".join(out)


def apa_pages(rng, refs):
    items = [apa_html(SEGS[t]) for t, _ in refs]
    name = "%s %s" % (refs[0][1]["author"][0].get("given", "A.").split()[0],
                      refs[0][1]["author"][0]["family"])
    ul = "<h2>Publications</h2>\n<ul>\n%s\n</ul>\n" % "\n".join(
        "<li><p>%s</p></li>" % i for i in items)
    return {
        "saved.html": "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>%s</title>"
                      "</head><body>\n<h1>%s</h1>\n%s</body></html>\n"
                      % (html.escape(name), html.escape(name), ul),
        "fragment.html": ul,
        "paragraphs.html": "<h3>Publications</h3>\n%s" % "".join("<p>%s</p>\n" % i
                                                                   for i in items),
        "copy.txt": "%s\n\nPublications\n\n%s\n" % (name, "\n".join(t for t, _ in refs)),
    }


def brief(g):
    return (g.get("title"), [a.get("family") or a.get("literal") for a in g.get("author", [])],
            (g.get("issued", {}).get("date-parts") or [[None]])[0][0])


def check_apa_five(by_style, tmp):
    fail = False
    rng = random.Random(APA_SEED)
    pool = [x for x in by_style.get("apa", []) if all(ord(c) < 0x2E80 for c in x[0])]
    for k in range(4):
        refs = rng.sample(pool, 5)
        want = None
        for name, text in sorted(apa_pages(rng, refs).items()):
            path = os.path.join(tmp, "apa%d-%s" % (k, name))
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            for fmt in ("page", None) if name.endswith(".html") else ("page",):
                cmd = [BIB] + (["-f", fmt] if fmt else []) + ["-t", "csljson", path]
                p = subprocess.run(cmd, capture_output=True, text=True, check=False)
                try:
                    out = json.loads(p.stdout) if p.stdout.strip() else []
                except ValueError:
                    out = None
                bad = []
                if want is None:
                    # copy.txt sorts first: -f page on the text copy
                    want = [brief(g) for g in out or []]
                if p.returncode != 0 or out is None:
                    bad.append("exit %d" % p.returncode)
                elif len(out) != 5:
                    bad.append("%d records, want 5" % len(out))
                else:
                    for (_, r), g in zip(refs, out):
                        gy = (g.get("issued", {}).get("date-parts") or [[None]])[0][0]
                        if not norm(g.get("title")).startswith(norm(r["title"])):
                            bad.append("title %r, want %r" % (g.get("title"), r["title"]))
                        elif not g.get("author"):
                            bad.append("no authors (%r)" % r["title"][:40])
                        elif gy != r["issued"][0]:
                            bad.append("year %s, want %s" % (gy, r["issued"][0]))
                    if [brief(g) for g in out] != want:
                        bad.append("records differ from the text copy's")
                how = "-f page" if fmt else "detected"
                if bad:
                    print("FAIL apa five %d %s (%s): %s\n%s" % (k, name, how, "; ".join(bad),
                                                               p.stderr.strip()[:300]))
                    fail = True
                else:
                    print("ok   apa five %d %s (%s): 5 records" % (k, name, how))
    return fail


# ---- lists without authors --------------------------------------------
# A person's own list often leaves the authors out: `Title. Venue, Year.`
# under a heading, or a title line and a venue line under year headings
# (docs/page.md, "Lists without authors"). Entries are written here in
# house styles of the test's own from the records' fields.
BARE_SEED = 20261205
BARE_PAGES = 10
BARE_FLOORS = {"f1": 0.93, "year": 0.95, "venue": 0.85}


def bare_pool():
    pool = []
    for line in open(os.path.join(DATA, "records.jsonl"), encoding="utf-8"):
        r = json.loads(line)
        title = r.get("title", "")
        venue = r.get("container-title") or (r.get("publisher") if r.get("type") == "book"
                                             else None)
        if (not title or not venue or not 1800 <= (r.get("issued") or [0])[0] <= 2099
                or len(title) < 12
                or re.search(r"[${}\\<>]", title + venue) or title.endswith(("?", "!"))):
            continue
        pool.append(r)
    return pool


def bare_entry(rng, r):
    t, y = r["title"], r["issued"][0]
    venue = r.get("container-title") or r.get("publisher")
    vol, iss, pg = r.get("volume"), r.get("issue"), r.get("page")
    if r.get("type") == "book" or not r.get("container-title"):
        return "%s. %s, %d." % (t, venue, y)
    form = rng.randrange(3)
    if form == 0:
        tail = "".join([", %s" % vol if vol else "", "(%s)" % iss if vol and iss else "",
                        ":%s" % pg if pg else ""])
        return "%s. %s%s, %d." % (t, venue, tail, y)
    if form == 1:
        parts = [venue] + (["vol. %s" % vol] if vol else []) + (["no. %s" % iss] if iss else [])
        parts += (["pp. %s" % pg] if pg else []) + [str(y)]
        return "\u201c%s,\u201d %s." % (t, ", ".join(parts))
    return "%s. In %s%s, %d." % (t, venue, ", pages %s" % pg if pg else "", y)


def page_of(path, text, recs):
    """Writes a page, reads it with -f page and matches its records by
    title: exit status, records, stderr, record F1 and the (record,
    output) pairs matched."""
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    rc, out, err = read("page", path)
    truth = {norm(r["title"]): r for r in recs}
    got = {norm(g.get("title")): g for g in out or []}
    pairs = [(truth[t], got[t]) for t in truth if t in got]
    prec, rec_ = len(pairs) / max(1, len(out or [])), len(pairs) / len(truth)
    return rc, out, err, (2 * prec * rec_ / (prec + rec_) if pairs else 0.0), pairs


def cite_count(rng):
    # the counts a list prints after an entry: cut off, never the pages
    if rng.random() >= 0.5:
        return ""
    form = rng.choice([" %d citations", " Cited by %d", " (%d citations)"])
    return form % rng.randrange(1, 400)


def bare_page(shape, rng, recs):
    lines = ["Jane Q. Public", "Department of " + rng.choice(["Physics", "History", "Biology"]),
             "", "Home | Research | Teaching | Contact", "", "Publications", ""]
    if shape == "bullets":
        lines += ["\u2022 " + bare_entry(rng, r) + cite_count(rng) for r in recs]
    elif shape == "cv":
        # a CV's entries open with their year: "2019. Title. Venue, 2019."
        # (the year once, at the start)
        lines += ["%d. %s" % (r["issued"][0], re.sub(r",? %d\.$" % r["issued"][0], ".",
                                                     bare_entry(rng, r))) for r in recs]
    else:
        year = None
        for r in sorted(recs, key=lambda r: -r["issued"][0]):
            if r["issued"][0] != year:
                year = r["issued"][0]
                lines += [str(year), ""]
            venue = r.get("container-title") or r.get("publisher")
            lines += [r["title"] + ("" if r["title"][-1] in ".?!" else "."),
                      "%s, %d" % (venue, year), ""]
    return "\n".join(lines) + "\n"


def check_bare(tmp):
    pool = bare_pool()
    rng = random.Random(BARE_SEED)
    fail = False
    for shape in ("bullets", "years", "cv"):
        n = hit = year = venue = invented = counts = 0
        f1s = 0.0
        for k in range(BARE_PAGES):
            recs = rng.sample(pool, PER_PAGE)
            rc, out, err, f1, pairs = page_of(os.path.join(tmp, "bare-%s-%d.txt" % (shape, k)),
                                              bare_page(shape, rng, recs), recs)
            f1s += f1
            n += 1
            hit += len(pairs)
            for r, g in pairs:
                year += (g.get("issued", {}).get("date-parts") or [[None]])[0][0] == r["issued"][0]
                # a publisher written "Place : Publisher" reads as both
                want = norm(r.get("container-title")
                            or re.sub(r"^[^:]*:\s*", "", r.get("publisher")))
                venue += want in (norm(g.get("container-title")), norm(g.get("publisher")))
                invented += bool(g.get("author"))
                counts += "citation" in (g.get("page") or "").lower() or (
                    bool(g.get("page")) and not r.get("page"))
            if rc != 0:
                print("FAIL bare %s page %d: exit %d\n%s" % (shape, k, rc, err))
                fail = True
        f1, yr, vn = f1s / n, year / max(1, hit), venue / max(1, hit)
        print("overall bare %s: pages=%d record F1=%.3f year=%.3f venue=%.3f "
              "authors invented=%d pages invented=%d" % (shape, n, f1, yr, vn, invented, counts))
        if invented or counts:
            print("FAIL bare %s: a field the entries do not hold" % shape)
            fail = True
        for key, v in (("f1", f1), ("year", yr), ("venue", vn)):
            if v < BARE_FLOORS[key]:
                print("FAIL bare %s: %s %.3f below its floor %.2f"
                      % (shape, key, v, BARE_FLOORS[key]))
                fail = True
    return fail


# ---- blocks' venue lines read as fields ----------------------------------
# A block's venue line (`In Proceedings of X, pp. 1-9, 2016.`) gives the
# container, pages and date apart, not the whole line as the container
# (docs/page.md, "Generic layout", Blocks).
VENUE_SEED = 20261206
VENUE_FLOORS = {"f1": 0.95, "venue": 0.85, "pages": 0.85, "year": 0.95}


def venue_line(rng, r):
    c, y = r["container-title"], r["issued"][0]
    vol, iss, pg = r.get("volume"), r.get("issue"), r.get("page")
    if r.get("type") == "paper-conference":
        return "In %s%s, %d." % (c, ", pp. %s" % pg if pg else "", y)
    tail = "".join([" %s" % vol if vol else "", "(%s)" % iss if vol and iss else "",
                    ":%s" % pg if pg else ""])
    return "%s%s, %d" % (c, tail, y)


def venue_pool(by_style):
    """The records of the test's styles that have authors and a container
    without markup, each once."""
    seen, pool = set(), []
    for refs in by_style.values():
        for _, r in refs:
            if (id(r) in seen or not r.get("container-title") or not r.get("author")
                    or re.search(r"[${}\\<>]", r["container-title"])):
                continue
            seen.add(id(r))
            pool.append(r)
    return pool


def check_block_venues(by_style, tmp):
    pool = venue_pool(by_style)
    rng = random.Random(VENUE_SEED)
    n = hit = venue = pages = year = withpages = 0
    f1s = 0.0
    for k in range(10):
        recs = rng.sample(pool, PER_PAGE)
        lines = ["Lab of Applied Things", "", "Publications", ""]
        for r in recs:
            names = [(a.get("given", "") + " " + a["family"]).strip() for a in r["author"]]
            lines += [r["title"], ", ".join(names[:-1]) + " and " + names[-1]
                      if len(names) > 1 else names[0], venue_line(rng, r), ""]
        rc, out, err, f1, pairs = page_of(os.path.join(tmp, "venues-%d.txt" % k),
                                          "\n".join(lines) + "\n", recs)
        f1s += f1
        n += 1
        hit += len(pairs)
        for r, g in pairs:
            venue += norm(g.get("container-title")) == norm(r["container-title"])
            year += (g.get("issued", {}).get("date-parts") or [[None]])[0][0] == r["issued"][0]
            if r.get("page"):
                withpages += 1
                pages += norm(g.get("page")) == norm(r["page"].replace("\u2013", "-"))
    f1, vn, pg, yr = f1s / n, venue / max(1, hit), pages / max(1, withpages), year / max(1, hit)
    print("overall block venues: pages=%d record F1=%.3f venue=%.3f pages=%.3f year=%.3f"
          % (n, f1, vn, pg, yr))
    fail = False
    for key, v in (("f1", f1), ("venue", vn), ("pages", pg), ("year", yr)):
        if v < VENUE_FLOORS[key]:
            print("FAIL block venues: %s %.3f below its floor %.2f" % (key, v, VENUE_FLOORS[key]))
            fail = True
    return fail


# A page copied in pieces: every inline element of an entry on a line of
# its own, as some text extractions of saved pages give it (docs/page.md,
# "Pages in pieces"): family and given names, "(year):", the title,
# "In:", the editors, the container, the pages, a link.
PIECES_SEED = 20261207
PIECES_FLOORS = {"f1": 0.90, "authors": 0.85, "year": 0.95, "venue": 0.80}


def pieces_entry(rng, r):
    out = []
    for a in r["author"]:
        out += [a["family"] + ",", a["given"] + "," if a.get("given") else None]
    out = [x for x in out if x]
    out[-1] = out[-1].rstrip(",")
    out += ["(%d):" % r["issued"][0], r["title"].rstrip(".") + ".", "In:"]
    if rng.random() < 0.3:
        out += ["Roe,", "Jane,", "Doe,", "John", "(eds.)"]
    out += [r["container-title"], ",", "%d," % r["issued"][0], "."]
    if r.get("page"):
        out.append("pp. %s." % r["page"].replace("\u2013", "-"))
    if rng.random() < 0.5:
        out.append("https://example.org/paper/%d" % rng.randrange(10 ** 6))
    return out


def check_pieces(by_style, tmp):
    pool = venue_pool(by_style)
    rng = random.Random(PIECES_SEED)
    n = hit = auth = year = venue = 0
    f1s = 0.0
    for k in range(10):
        recs = rng.sample(pool, PER_PAGE)
        lines = ["Author: Jane Q. Public", "Publication Overview",
                 "Publication period start: %d" % min(r["issued"][0] for r in recs),
                 "Number of co-authors: %d" % rng.randrange(5, 90), "Publications"]
        for r in recs:
            lines += pieces_entry(rng, r)
        rc, out, err, f1, pairs = page_of(os.path.join(tmp, "pieces-%d.txt" % k),
                                          "\n".join(lines) + "\n", recs)
        f1s += f1
        n += 1
        hit += len(pairs)
        for r, g in pairs:
            auth += [norm(a["family"]) for a in r["author"]] == \
                [norm(a.get("family") or a.get("literal")) for a in g.get("author", [])]
            year += (g.get("issued", {}).get("date-parts") or [[None]])[0][0] == r["issued"][0]
            venue += norm(g.get("container-title")) == norm(r["container-title"])
    res = {"f1": f1s / n, "authors": auth / max(1, hit), "year": year / max(1, hit),
           "venue": venue / max(1, hit)}
    print("overall pieces: pages=%d record F1=%.3f authors=%.3f year=%.3f venue=%.3f"
          % (n, res["f1"], res["authors"], res["year"], res["venue"]))
    fail = False
    for key, v in res.items():
        if v < PIECES_FLOORS[key]:
            print("FAIL pieces: %s %.3f below its floor %.2f" % (key, v, PIECES_FLOORS[key]))
            fail = True
    return fail


def check_long_join(tmp):
    """Two numbered entries and 3,000 unnumbered ones after them: each
    unnumbered line is its own entry once the numbered entry has grown to
    the walk's join bound (it took the whole list in, then split it again
    and again: 66 records of 3,002 before the bound)."""
    lines = ["Publications", "",
             "[1] A. Author, B. Author. A first title of a paper. Journal of Things, "
             "12(3):1-9, 2019.", "[2] C. Author. A second title. Proc. of Stuff, 2020."]
    lines += ["D. Writer%d, E. Other. Unnumbered title number %d of the list. Some Journal "
              "%d, 2010." % (i, i, i) for i in range(3000)]
    path = os.path.join(tmp, "long-join.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    rc, out, err = read("page", path)
    n = len(out or [])
    if n < 2990:
        print("FAIL long-join: %d records of 3002" % n)
        return True
    print("ok   long-join: %d records of 3002" % n)
    return False


def main():
    show = "--show" in sys.argv
    keep = sys.argv[sys.argv.index("--keep") + 1] if "--keep" in sys.argv else None
    by_style = load()
    rng = random.Random(SEED)
    holder = None if keep else tempfile.TemporaryDirectory()
    tmp = keep or holder.name
    fail = check_no_record(tmp) | check_numbered() | check_blocks_stop()
    fail |= check_markup(by_style, tmp) | check_programme_one(tmp)
    fail |= check_apa_five(by_style, tmp) | check_programme_kinds(by_style, tmp)
    fail |= check_bare(tmp) | check_block_venues(by_style, tmp) | check_pieces(by_style, tmp)
    fail |= check_long_join(tmp)
    # "page6": -f page on the six shapes of formatted references (blocks
    # left out), the first row of docs/page.md's table
    tot = {"page": [0.0, 0, 0, 0, 0], "page6": [0.0, 0, 0, 0, 0], "refs": [0.0, 0, 0, 0, 0]}
    print("%-42s %-8s %6s %6s %6s" % ("style", "shape", "F1", "auth", "year"))
    for style in STYLES:
        pool = by_style.get(style, [])
        if len(pool) < PER_PAGE:
            continue
        for shape in SHAPES:
            refs = rng.sample(pool, PER_PAGE)
            if shape == "years":
                refs.sort(key=lambda x: -x[1]["issued"][0])
            path = os.path.join(tmp, "%s-%s.%s" % (style, shape,
                                                   "html" if shape == "html" else "txt"))
            with open(path, "w", encoding="utf-8") as f:
                f.write(page(shape, rng, refs))
            for fmt in ("page", "refs"):
                if fmt == "refs" and shape in ("html", "blocks"):
                    continue
                rc, out, err = read(fmt, path)
                if out is None:
                    print("FAIL %s %s -f %s: output is not JSON" % (style, shape, fmt))
                    fail = True
                    continue
                f1, a, y, h = score(refs, out)
                for key in (fmt, "page6") if fmt == "page" and shape != "blocks" else (fmt,):
                    t = tot[key]
                    t[0] += f1
                    t[1] += a
                    t[2] += y
                    t[3] += h
                    t[4] += 1
                if fmt == "page":
                    print("%-42s %-8s %6.3f %6.3f %6.3f" % (style, shape, f1, a / max(1, h),
                                                            y / max(1, h)))
                if show and f1 < 1:
                    print(err)
    for fmt, t in tot.items():
        n = max(1, t[4])
        f1, auth, year = t[0] / n, t[1] / max(1, t[3]), t[2] / max(1, t[3])
        print("overall -f %s: pages=%d record F1=%.3f authors=%.3f year=%.3f"
              % (fmt if fmt != "page6" else "page (six reference shapes)", t[4], f1, auth,
                 year))
        for k, v in (("f1", f1), ("authors", auth), ("year", year)):
            if v < FLOORS[k]:
                print("FAIL -f %s: %s %.3f below its floor %.2f" % (fmt, k, v, FLOORS[k]))
                fail = True
    return 1 if fail else 0


if __name__ == "__main__":
    sys.exit(main())
