#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Generates labelled publication-list pages for the page reader's learned
model (docs/page.md, "Learned model"): the records of
tools/data/corpus-records.jsonl rendered into every layout the reader knows
(profile EN/FR, paper feed, seminar topic page, single-paper page) with the
variation real pages show: authors missing or cut with "(see N more)",
abstracts missing or cut with and without the "… (see more)" marker, pages
cut anywhere, records repeated, names of every script (CJK, Hangul,
one-word, particles, combining marks in NFD, all-caps family names), titles
in capitals, feed titles ending in mixed-case words glued to the first
author.

Records are split by a hash of their title: the training set never sees a
validation record. The validation set over-represents the hard cases.

usage: page_gen.py --set train|valid --seed N --pages N --out FILE
                   [--truth-dir DIR]

FILE holds every page in the trainer's format: a line "@page LAYOUT LANG"
starts a page, then one line per page line "ROLE<TAB>SPLIT<TAB>TEXT" (ROLE:
- chrome before the records, s heading, T title, A author, B abstract,
M feed meta, G feed title+authors, H topic header, P poster, V venue, p
paper-page title, b paper-page abstract, . blank; SPLIT: the byte offset
where a G line's first author starts, else -). With --truth-dir every page
is also written as NAME.txt with its answer key NAME.truth.json in the form
the project's score tool reads.
"""
import argparse
import hashlib
import json
import os
import random
import re
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
RECORDS = os.path.join(HERE, "data", "corpus-records.jsonl")

# ---------------------------------------------------------------- names
# Generated names for scripts and shapes the corpus has few of.
HANGUL_FAMILY = "김이박최정강조윤장임한오서신권황안송류홍"
HANGUL_GIVEN = "민준서지현우훈영수진하은성혜경재동희연상호태주나유승원석철미"
HAN_FAMILY = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
HAN_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚英华玉兰萍红鹏辉"
KANA_FAMILY = ["佐藤", "鈴木", "高橋", "田中", "渡辺", "伊藤", "山本", "中村", "小林", "加藤"]
KANA_GIVEN = ["健太", "美咲", "翔", "陽子", "大輔", "由美", "拓也", "直子", "誠", "優"]
SYL = ["ka", "ri", "su", "wan", "to", "di", "ma", "no", "har", "ti", "ja", "ya", "pra",
       "bo", "wo", "se", "ra", "gu", "ni", "lo", "ha", "yo", "ku", "mi", "sa", "tri", "an"]
GIVEN = ["Ana", "Jonas", "Maria", "Omar", "Fatima", "Kwame", "Ngozi", "Ivan", "Olga",
         "Pedro", "Lucia", "Hamid", "Leila", "Tomasz", "Aiko", "Ravi", "Priya", "Chen",
         "Mateo", "Sofia", "Yusuf", "Amara", "Elif", "Nikos", "Ingrid", "Lars", "Zanele",
         "Thabo", "Rosa", "Diego", "Marek", "Hana", "Arjun", "Meera", "Bruno", "Clara"]
FAMILY = ["Santos", "Berg", "Silva", "Dijk", "Costa", "Rossi", "Meer", "Broek", "Vries",
          "Rahman", "Haddad", "Nowak", "Okafor", "Mensah", "Ivanova", "Petrov", "Moreau",
          "Laurent", "Garcia", "Lopez", "Bakker", "Jansen", "Lima", "Souza", "Ahmed"]
PARTICLES = ["van", "van der", "van den", "von", "de", "de la", "del", "della", "dos",
             "da", "das", "di", "du", "des", "le", "bin", "ibn", "ter", "zu", "al-", "el-"]
PARTICLE_WORDS = {w for p in PARTICLES for w in p.rstrip("-").split()} | {"e", "y", "i", "la"}
MARKS = ["\u0301", "\u0300", "\u0323", "\u0308", "\u0303", "\u0302"]


def hard_given(rng):
    """A given name, sometimes hyphenated ("Jean-Luc" shapes)."""
    g = rng.choice(GIVEN)
    if rng.random() < 0.3:
        g += "-" + rng.choice(GIVEN)
    return g


def hard_name(rng, kind):
    if kind == "hangul":
        return rng.choice(HANGUL_FAMILY) + "".join(rng.choice(HANGUL_GIVEN)
                                                   for _ in range(rng.choice((1, 2, 2, 3))))
    if kind == "han":
        if rng.random() < 0.3:
            return rng.choice(KANA_FAMILY) + rng.choice(KANA_GIVEN)
        return rng.choice(HAN_FAMILY) + "".join(rng.choice(HAN_GIVEN)
                                                for _ in range(rng.choice((1, 2, 2))))
    if kind == "oneword":
        return "".join(rng.choice(SYL) for _ in range(rng.choice((2, 3, 3, 4)))).capitalize()
    if kind == "particle":
        p = rng.choice(PARTICLES)
        g = rng.choice(GIVEN)
        if rng.random() < 0.4:
            g = g[0] + "."
        f = rng.choice(FAMILY)
        return "%s %s%s%s" % (g, p, "" if p.endswith("-") else " ", f)
    if kind == "marks":
        def mark(w):
            out = []
            for ch in w:
                out.append(ch)
                if ch.lower() in "aeiou" and rng.random() < 0.5:
                    out.append(rng.choice(MARKS))
            return unicodedata.normalize("NFC", "".join(out))
        g = "".join(rng.choice(SYL) for _ in range(rng.choice((2, 3)))).capitalize()
        f = "".join(rng.choice(SYL) for _ in range(rng.choice((2, 3, 4)))).capitalize()
        mid = " %s." % rng.choice("ABDKOT") if rng.random() < 0.4 else ""
        return mark(g) + mid + " " + mark(f)
    if kind == "pseudo":
        # a name of made-up words: the model must read the shape and the
        # place of a name it has never seen, not remember names
        def word():
            w = "".join(rng.choice(SYL) for _ in range(rng.choice((2, 2, 3))))
            return w.capitalize() + rng.choice(("", "", "ic", "ov", "sen", "ez", "i"))
        mid = " %s." % rng.choice("ABCDEJKLMPRS") if rng.random() < 0.2 else ""
        return word() + mid + " " + word()
    if kind == "camel":
        # two given names run together, each capitalised
        a, b = rng.sample(GIVEN, 2)
        return "%s%s %s" % (a, b, rng.choice(FAMILY))
    if kind == "caps":
        # an all-caps family name, before or after the given name
        g, f = hard_given(rng), rng.choice(FAMILY).upper()
        return "%s %s" % ((f, g) if rng.random() < 0.5 else (g, f))
    if kind == "hyphen":
        # hyphenated given names: "Anne-Marie" more often than "Anne-marie"
        b = rng.choice(GIVEN)
        return "%s-%s %s" % (rng.choice(GIVEN), b if rng.random() < 0.7 else b.lower(),
                             rng.choice(FAMILY).upper() if rng.random() < 0.2
                             else rng.choice(FAMILY))
    if kind == "apos":
        return "%s O'%s" % (rng.choice(GIVEN), rng.choice(FAMILY))
    if kind == "star":
        return "%s %s*" % (rng.choice(GIVEN), rng.choice(FAMILY))
    if kind == "homonym":
        return "%s %s %04d" % (rng.choice(GIVEN), rng.choice(FAMILY), rng.randint(1, 12))
    return "%s %s" % (rng.choice(GIVEN), rng.choice(FAMILY))


HARD_KINDS = ["hangul", "hangul", "han", "han", "oneword", "oneword", "particle", "marks",
              "caps", "hyphen", "apos", "star", "homonym", "camel", "pseudo", "pseudo"]
CLEAN = re.compile(r"^[^\d{}\\$@<>:;,\"!?()\[\]]+$")


def display(a):
    """A corpus name shown as a page shows it: given [particles] family."""
    if a.get("literal"):
        return None
    parts = [a.get("given"), a.get("dropping-particle"), a.get("non-dropping-particle"),
             a.get("family")]
    s = " ".join(p.strip() for p in parts if p and p.strip())
    s = " ".join(s.split())
    if not s or len(s) > 40 or not CLEAN.match(s) or len(s.split()) > 5:
        return None
    for w in s.split():
        if w[0].islower() and w.rstrip("-") not in PARTICLE_WORDS:
            return None
    return s


class Pool:
    def __init__(self, recs, rng, hard):
        self.rng = rng
        self.hard = hard
        self.recs = recs
        self.names = sorted({n for r in recs for n in r["names"]})
        self.abstracts = [r["abstract"] for r in recs if r.get("abstract")]
        self.titles = [r["title"] for r in recs]
        self.containers = sorted({r["container"] for r in recs if r.get("container")})

    def name(self):
        rng = self.rng
        if rng.random() < self.hard:
            return hard_name(rng, rng.choice(HARD_KINDS))
        n = rng.choice(self.names)
        if rng.random() < 0.1:
            # initials with and without dots
            toks = n.split()
            if len(toks) >= 2 and toks[0][0].isupper():
                toks[0] = toks[0][0] + ("." if rng.random() < 0.5 else "")
                n = " ".join(toks)
        return n

    def prose(self, exclude=None):
        """An abstract: a corpus abstract, or sentences built around titles."""
        rng = self.rng
        if self.abstracts and rng.random() < 0.6:
            a = rng.choice(self.abstracts)
            if a != exclude:
                return a
        openers = ["We study", "This paper presents", "In this work we revisit",
                   "Here we describe", "We propose", "This talk reviews", "Recent work on",
                   "Nous étudions", "Cet article présente"]
        out = []
        for _ in range(rng.randint(2, 6)):
            t = rng.choice(self.titles).rstrip(".")
            t = t[0].lower() + t[1:] if t[:2].istitle() else t
            out.append("%s %s%s" % (rng.choice(openers), t, rng.choice([".", ".", ";", "."])))
        s = " ".join(out)
        return s.replace(";", ".")


# ---------------------------------------------------------------- records

MIXED = ["GitHub", "PyTorch", "LaTeX", "JavaScript", "GraphQL", "YouTube", "iPhone",
         "macOS", "OpenStreetMap", "WordNet", "ImageNet", "LinkedIn", "PubMed", "BioBERT",
         "ChatGPT", "DeepSpeed", "NumPy", "SciPy", "eBay", "WhatsApp", "McDonald", "McKenzie"]
MIXED_LEAD = ["on", "with", "in", "for", "from", "using", "via"]


def clean_title(t):
    t = " ".join(t.split())
    if not t or len(t) > 250 or "\n" in t or t.count("$") or "{" in t or "\\" in t:
        return None
    if t.startswith("Portrait ") or len(t) < 4:
        return None
    return t


def load(path, which):
    recs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            t = clean_title(r.get("title", ""))
            if not t:
                continue
            h = int(hashlib.sha1(t.encode()).hexdigest()[:8], 16) % 10
            if (h < 8) != (which == "train"):
                continue
            names = [d for d in (display(a) for a in r.get("author") or []) if d]
            ab = r.get("abstract")
            if ab:
                ab = " ".join(ab.split())
                # a real abstract: sentences, not a title stored as one
                if len(ab) < 100 or "\\" in ab or "{" in ab \
                        or not (". " in ab or ab.endswith(".")):
                    ab = None
            recs.append({"title": t, "names": names, "abstract": ab,
                         "container": r.get("container-title"), "year": r.get("year")})
    return recs


def make_title(pool, rec, caps_p):
    t = rec["title"]
    if pool.rng.random() < caps_p:
        t = t.upper()
    return t


def nfd(s, on):
    return unicodedata.normalize("NFD", s) if on else s


def cut_abstract(rng, text, lang, with_marker):
    """The site's display cut: the marker inserted at a fixed offset."""
    if len(text) <= 150 or not with_marker:
        return text
    at = rng.randint(120, 150)
    mk = "\u2026 (see more)" if lang == "en" else "\u2026 (voir plus)"
    return text[:at] + mk + text[at:]


# ---------------------------------------------------------------- layouts
# Each renderer returns (lines, truth): lines are [role, split, text].

def chrome_profile(rng, pool, lang, owner):
    L = []
    un = rng.random() < 0.3
    if lang == "en":
        L.append("Portrait of %s%s" % (owner, " is unavailable" if un else ""))
    else:
        L.append("Portrait de %s%s" % (owner, " n'est pas disponible" if un else ""))
    L += ["", owner, ""]
    roles_en = ["Professor, %s" % rng.choice(["Department of Physics", "School of Medicine",
                                               "Faculty of Arts", "Computer Science"]),
                "Research Scientist, %s" % rng.choice(["Acme Labs", "Blue Institute"]),
                "Affiliate Member", "PhD - %s" % rng.choice(["Lakeside University", "Hill College"])]
    roles_fr = ["Professeure, %s" % rng.choice(["Département de physique", "Faculté des arts"]),
                "Chercheur, %s" % rng.choice(["Institut Bleu", "Laboratoire Nord"]),
                "Membre affilié", "Doctorat - %s" % rng.choice(["Université du Lac", "Collège Sud"])]
    L += rng.sample(roles_en if lang == "en" else roles_fr, rng.randint(1, 3))
    if rng.random() < 0.7:
        L.append("Research Topics" if lang == "en" else "Sujets de recherche")
        for _ in range(rng.randint(1, 8)):
            w = rng.choice(pool.titles).split()
            L.append(" ".join(w[:rng.randint(1, min(3, len(w)))]))
    L.append("")
    if rng.random() < 0.6:
        L += ["Biography" if lang == "en" else "Biographie", ""]
        L += [pool.prose(), ""]
    return [["-", "-", s] if s else [".", "-", ""] for s in L]


def render_profile(rng, pool, recs, lang, opts):
    owner = pool.name()
    lines = chrome_profile(rng, pool, lang, owner)
    lines += [["s", "-", "Publications"], [".", "-", ""]]
    truth = []
    for rec in recs:
        title = make_title(pool, rec, opts["caps"])
        names = [pool.name() for _ in range(len(rec["names"]))] if rng.random() < opts["gen_names"] \
            else list(rec["names"])
        r = rng.random()
        if r < 0.2:
            names = []
        elif r < 0.35:
            names = names[:rng.randint(1, 2)]
        trunc = False
        shown = names
        if len(names) >= 4 and rng.random() < 0.3:
            k = rng.randint(1, min(3, len(names) - 2))
            tail = rng.choice((1, 2, 2))
            hidden = len(names) - k - tail
            shown = names[:k] + names[-tail:]
            trunc = (k, hidden)
        abstract = None
        if rng.random() < 0.6:
            abstract = rec["abstract"] if rec["abstract"] and rng.random() < 0.7 else pool.prose()
        lines.append(["T", "-", title])
        out_names = []
        for i, n in enumerate(shown):
            lines.append(["A", "-", n])
            out_names.append(n)
            if trunc and i == trunc[0] - 1:
                mk = ("\u2026 (see %d more)" if lang == "en" else "\u2026 (voir %d de plus)") \
                    % trunc[1]
                r = rng.random()
                if r < 0.2:
                    lines.append(["A", "-", mk])  # the marker alone on its line
                else:
                    lines[-1][2] = n + (" " if r < 0.6 else "") + mk
        if abstract and rng.random() < 0.15:
            # an abstract that opens with its title's first words, as many do
            w = title.split()[:rng.randint(1, 3)]
            if w and w[0].isalpha():
                lead = " ".join(w)
                abstract = lead[0] + lead[1:].lower() + " " + abstract[0].lower() + abstract[1:]
        if abstract:
            r = rng.random()
            if r < 0.1:
                abstract = "Abstract " + abstract  # a leading word some sites keep
            elif r < 0.13:
                abstract = ". " + abstract  # a stray full stop some copies keep
            shown_abs = cut_abstract(rng, abstract, lang, rng.random() < 0.9)
            lines.append(["B", "-", shown_abs])
        truth.append({"title": title, "authors": out_names, "authors_truncated": bool(trunc),
                      "abstract": abstract, "date": None, "venue": None,
                      "type_hint": "article", "categories": []})
        if rng.random() < 0.04:
            # the same record again (another crawl of the list), title only
            lines.append(["T", "-", title])
            truth.append(dict(truth[-1], authors=[], authors_truncated=False, abstract=None))
        if rng.random() < 0.05:
            # a short title that reads like a name, title only, maybe twice
            w = rng.choice(pool.titles).split()
            if len(w) > 4:
                caps = [x for x in w if x.isalpha() and x[0].isupper() and len(x) > 2]
                k = rng.randint(0, max(0, len(caps) - 2))
                w = caps[k:k + rng.randint(2, 3)]
            if len(w) >= 2:
                short = " ".join(w)
                for _ in range(rng.choice((1, 2))):
                    lines.append(["T", "-", short])
                    truth.append({"title": short, "authors": [], "authors_truncated": False,
                                  "abstract": None, "date": None, "venue": None,
                                  "type_hint": "article", "categories": []})
    return lines, truth


CODES = ["LG", "CV", "CL", "NE", "AI", "ML", "NC", "RO", "IR", "CR", "SD", "HC", "SY"]
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()


def render_feed(rng, pool, recs, lang, opts):
    lines, truth = [], []
    for rec in recs:
        codes = "".join(rng.sample(CODES, rng.choice((1, 1, 1, 2, 3))))
        recent = rng.random() < 0.3
        date = "%s %d" % (rng.choice(MONTHS), rng.randint(1, 28))
        if not recent:
            date += ", %d" % rng.randint(2015, 2025)
        meta = ("%.1f" % rng.uniform(10, 99) if recent and rng.random() < 0.7 else "") + codes \
            + date + ("Code" if rng.random() < 0.3 else "")
        title = make_title(pool, rec, opts["caps"] * 0.5)
        if rng.random() < opts["mixed"]:
            title = "%s %s %s" % (title.rstrip(".?! "), rng.choice(MIXED_LEAD), rng.choice(MIXED))
        title = title.rstrip(" ")
        names = [pool.name() for _ in range(max(1, len(rec["names"])))] \
            if rng.random() < opts["gen_names"] or not rec["names"] else list(rec["names"])
        if rng.random() < opts["hard_first"]:
            names[0] = hard_name(rng, rng.choice(["hangul", "han", "oneword", "oneword",
                                                  "particle", "marks", "camel"]))
        etal = len(names) > 3
        shown = names[:3]
        line = title + ", ".join(shown)
        if etal:
            line += " et al."
            if rng.random() < 0.6:
                line += " \u00b7 " + rng.choice(["mila", "deepmind", "mit", "uw", "gatech", "ucl"])
        abstract = rec["abstract"] or pool.prose()
        lines += [["M", "-", meta], ["G", str(len(title.encode())), line],
                  ["B", "-", abstract]]
        truth.append({"title": title, "authors": shown, "authors_truncated": etal,
                      "abstract": abstract, "date": date, "venue": None,
                      "type_hint": "preprint", "categories": [codes[i:i + 2] for i in
                                                              range(0, len(codes), 2)]})
    return lines, truth


# Invented venues, plus a few general acronyms; none is taken from a
# sample page. EDITIONS are numbered by edition instead of year.
VENUES = ["NOVA", "SfN", "CNS", "OHBM", "Harbour Symposium", "Lakeside Workshop",
          "Winter Circuits School", "CCN", "ICLR", "NeurIPS", "ICML", "Delta Meeting",
          "Gordon Conference", "Cortex Days", "Synapse Summit"]
EDITIONS = ["Cortex Days", "Synapse Summit"]


# Kinds of event a venue's name may end with (generic words).
EVENT_KINDS = ["Annual Meeting", "Meeting", "Conference", "Workshop", "Symposium",
               "Summer School", "Congress", "Forum", "Colloquium", "Retreat", "Satellite Meeting"]


def make_venue(rng, pool):
    """A venue name made up of an acronym or a title word and a kind of
    event ("ABCD Annual Meeting", "Plasticity Workshop"): real venues are
    many more than a list holds."""
    if rng.random() < 0.85:
        head = "".join(rng.choice("ABCDEFGHIJKLMNOPRSTUVW") for _ in range(rng.randint(2, 5)))
    else:
        words = [w for w in rng.choice(pool.titles).split() if w.isalpha() and len(w) > 3]
        head = words[0].capitalize() if words else "Cortex"
    return head + " " + rng.choice(EVENT_KINDS)


def render_topic(rng, pool, recs, lang, opts):
    t = rng.choice(pool.titles).split()
    topic = " ".join(w.capitalize() for w in t[:rng.randint(1, 2)] if w.isalpha()) or "Memory"
    lines = [["H", "-", topic], ["H", "-", topic.lower()], ["H", "-", "N/A"]]
    if rng.random() < 0.7:
        lines.append(["H", "-", pool.prose()])  # the topic's description
    truth = []
    for rec in recs:
        title = make_title(pool, rec, opts["caps"] * 0.5)
        if rng.random() < 0.08 and title[-1:].isalpha():
            title += "."  # a title written as a sentence
        if rng.random() < 0.35:
            v = rng.choice(VENUES) if rng.random() < 0.5 else make_venue(rng, pool)
            venue = "%s %d" % (v, rng.randint(2015, 2025)) if v not in EDITIONS \
                else "%s %d" % (v, rng.randint(1, 9))
            lines += [["P", "-", title], ["V", "-", venue]]
            truth.append({"title": title, "authors": [], "authors_truncated": False,
                          "abstract": None, "date": None, "venue": venue,
                          "type_hint": "poster", "categories": []})
        else:
            ab = (rec["abstract"] or pool.prose()) if rng.random() < 0.8 else None
            lines.append(["T", "-", title])
            if ab:
                lines.append(["B", "-", ab])
            truth.append({"title": title, "authors": [], "authors_truncated": False,
                          "abstract": ab, "date": None, "venue": None,
                          "type_hint": "talk", "categories": []})
        if rng.random() < 0.05:
            lines += [l[:] for l in lines[-2:]] if lines[-1][0] in "VB" else [lines[-1][:]]
            truth.append(dict(truth[-1]))
    return lines, truth


def truncated_word(text, k):
    """Whether text cut at k leaves one word cut short: no space before
    k, a letter on both sides of the cut. Scripts written without spaces
    (Han, kana, Hangul) have no words to cut this way."""
    if k >= len(text) or k < 1 or " " in text[:k].strip():
        return False
    a, b = text[k - 1], text[k]
    return a.isalpha() and b.isalpha() and ord(a) < 0x2E80 and ord(b) < 0x2E80


def cut_page(rng, lines, truth, first_rec_line):
    """Cuts the page at a random point inside its records (a copied excerpt)."""
    if len(lines) - first_rec_line < 3:
        return lines, truth
    # a cut at a random character of the records, so mostly inside an
    # abstract (the longest lines), as a copied excerpt is
    total = sum(len(l[2]) + 1 for l in lines[first_rec_line + 1:])
    at = rng.randint(0, max(0, total - 1))
    i = first_rec_line + 1
    while i < len(lines) - 1 and at > len(lines[i][2]):
        at -= len(lines[i][2]) + 1
        i += 1
    if rng.random() < 0.4:
        # or inside any line alike: a title, a name, a venue cut short
        # are as ambiguous as a cut abstract and rarer by length
        i = rng.randint(first_rec_line + 1, len(lines) - 1)
        if rng.random() < 0.5:
            # a copy that stops at a line's end, as most copies do
            return lines[:i + 1], None
    role, split, text = lines[i]
    if not text:
        return lines[:i], truth
    k = rng.randint(min(2, len(text)), len(text))
    if role != "B" and rng.random() < 0.3:
        # a line cut in its first word or two: a title's fragment reads
        # like a one-word name, and a cut by length alone makes it rare
        k = rng.randint(min(2, len(text)), min(len(text), 14))
    # never inside a marker
    for mk in ("\u2026 (see more)", "\u2026 (voir plus)"):
        at = text.find(mk)
        if at >= 0 and at < k < at + len(mk):
            k = at
    if role == "B":
        r = rng.random()
        if r < 0.2:
            # cut in its first word or two ("Molecul"): after an author
            # list such a fragment reads like a one-word name
            k = rng.randint(min(2, len(text)), min(len(text), 14))
        elif r < 0.3:
            # right after a sentence's full stop: a whole sentence, not a title
            ends = [m.end() for m in re.finditer(r"[.!?] ", text[:400])]
            k = rng.choice(ends) if ends else k
        else:
            k = max(k, min(len(text), 12))  # a cut abstract keeps a few words
            if rng.random() < 0.5:
                k = min(len(text), rng.randint(12, 140))  # often before its marker
    cut_text = text[:k].rstrip(" ")
    if k < len(text) and text[:k].endswith(" ") and rng.random() < 0.5:
        # a cut right after a word keeps the space after it in half the
        # copies (a saved page's lines never end in one)
        cut_text += " "
    if len(cut_text.strip()) < 2:  # a copy keeps a line's first two letters at least
        return lines[:i], None
    if role == "G" and len(cut_text.encode()) <= int(split) + 2:
        return lines[:i], None
    if (role in "TAP" and truncated_word(text, k)) or (
            role in "TP" and k < len(text) and len(cut_text.split()) == 1):
        # a line cut inside its first word ("Bench", "Gre") leaves a word
        # cut short: no title and no name, nothing to read (a name that
        # one word can be is read from whole lines); nor is the first
        # word of a title alone a title (the reader never takes a last
        # line of one word for one)
        role = "X"
    if role == "A" and k < len(text) and len(cut_text.split()) == 1:
        # a name cut after its first word ("Oliver" of "Oliver Armitage")
        # is no name, as a title's first word alone is no title: the
        # record keeps the whole names before it ("Ömer R" of a name cut
        # in its family name stays: the site writes given names first)
        role = "X"
    new = lines[:i] + [[role, split, cut_text]]
    return new, None  # truth recomputed by the caller


def page_truth_from_lines(lines, layout, lang):
    """Answer key of a (possibly cut) page from its labelled lines."""
    recs = []
    cur = None
    for role, split, raw in lines:
        text = unicodedata.normalize("NFC", raw).rstrip(" ")
        if role in ("T", "P") or (role == "G") or (role == "M" and layout == "feed"):
            if role == "M":
                cur = {"title": "", "authors": [], "authors_truncated": False, "abstract": None,
                       "date": None, "venue": None, "type_hint": "preprint", "categories": []}
                m = re.match(r"^(\d+\.\d)?((?:[A-Z]{2})+)([A-Z][a-z]{2} \d{1,2}(?:, \d{4})?)", text)
                if m:
                    cur["date"] = m.group(3)
                    cur["categories"] = [m.group(2)[i:i + 2] for i in range(0, len(m.group(2)), 2)]
                recs.append(cur)
                continue
            if role == "G":
                cut = raw.encode()[:int(split)].decode()
                cur["title"] = unicodedata.normalize("NFC", cut).strip()
                rest = unicodedata.normalize("NFC", raw[len(cut):])
                rest = re.sub(r" \u00b7 [a-z]+$", "", rest)
                if rest.endswith(" et al."):
                    rest = rest[:-7]
                    cur["authors_truncated"] = True
                cur["authors"] = [x.strip() for x in rest.split(", ") if x.strip()]
                continue
            cur = {"title": text, "authors": [], "authors_truncated": False, "abstract": None,
                   "date": None, "venue": None,
                   "type_hint": {"profile": "article", "topic": "talk"}[layout]
                   if role == "T" else "poster", "categories": []}
            recs.append(cur)
        elif role == "A" and cur is not None:
            m = re.search(r" ?\u2026 \((?:see|voir) \d+ (?:more|de plus)\)$", text)
            if m:
                text = text[:m.start()]
                cur["authors_truncated"] = True
            if text:
                cur["authors"].append(text)
        elif role == "B" and cur is not None:
            cur["abstract"] = re.sub(r"\u2026 \((?:see more|voir plus)\)", "", text)
        elif role == "V" and cur is not None:
            cur["venue"] = text
    return [r for r in recs if r["title"]]


STRAY = ["----", "Load more", "Back to top", "\u2022", "***", "Show all", "1 2 3 Next"]


def add_stray(rng, lines, first):
    """A stray line of chrome between records (role X: fits no role)."""
    if len(lines) - first < 4 or rng.random() > 0.15:
        return lines
    starts = [i for i in range(first + 1, len(lines)) if lines[i][0] in "TMP"]
    if not starts:
        return lines
    i = rng.choice(starts)
    return lines[:i] + [["X", "-", rng.choice(STRAY)]] + lines[i:]


def build_page(rng, pool, layout, lang, opts):
    n = rng.randint(3, 14)
    recs = [rng.choice(pool.recs) for _ in range(n)]
    if layout == "profile":
        lines, _ = render_profile(rng, pool, recs, lang, opts)
        first = next(i for i, l in enumerate(lines) if l[0] == "s") + 2
    elif layout == "feed":
        lines, _ = render_feed(rng, pool, recs, lang, opts)
        first = 0
    else:
        lines, _ = render_topic(rng, pool, recs, lang, opts)
        first = 4 if lines[3][0] == "H" else 3
    lines = add_stray(rng, lines, first)
    cut = rng.random() < opts["cut"]
    if cut:
        lines, _ = cut_page(rng, lines, None, first)
    if rng.random() < opts["nfd"]:
        lines = [[r, str(len(unicodedata.normalize("NFD", t.encode()[:int(s)].decode()).encode()))
                  if s != "-" else s, unicodedata.normalize("NFD", t)] for r, s, t in lines]
    return lines, page_truth_from_lines(lines, layout, lang), cut


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", choices=("train", "valid"), required=True)
    ap.add_argument("--seed", type=int, required=True)
    ap.add_argument("--pages", type=int, default=1500)
    ap.add_argument("--out", required=True)
    ap.add_argument("--truth-dir")
    ap.add_argument("--records", default=RECORDS)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    valid = a.set == "valid"
    pool = Pool(load(a.records, a.set), rng, 0.35 if valid else 0.15)
    opts = {"caps": 0.05, "gen_names": 0.3 if valid else 0.2, "mixed": 0.3 if valid else 0.15,
            "hard_first": 0.3 if valid else 0.15, "cut": 0.3 if valid else 0.45, "nfd": 0.15 if valid else 0.08}
    kinds = [("profile", "en"), ("profile", "fr"), ("feed", "en"), ("topic", "en")]
    if a.truth_dir:
        os.makedirs(a.truth_dir, exist_ok=True)
    with open(a.out, "w", encoding="utf-8") as out:
        for p in range(a.pages):
            layout, lang = kinds[p % len(kinds)]
            # each page draws from its own stream (the set's seed and the
            # page's number), so a change to how one layout is rendered
            # leaves the pages of the others as they were
            prng = random.Random(a.seed * 1000003 + p)
            pool.rng = prng
            lines, truth, cut = build_page(prng, pool, layout, lang, opts)
            # "cut": the page was cut short (the trainer scores those apart)
            out.write("@page %s %s%s\n" % (layout, lang, " cut" if cut else ""))
            for role, split, text in lines:
                out.write("%s\t%s\t%s\n" % (role, split, text))
            if a.truth_dir:
                name = "%s-%s_%04d" % (layout, lang, p)
                with open(os.path.join(a.truth_dir, name + ".txt"), "w", encoding="utf-8") as f:
                    f.write("".join(t + "\n" for _, _, t in lines))
                with open(os.path.join(a.truth_dir, name + ".truth.json"), "w",
                          encoding="utf-8") as f:
                    json.dump(truth, f, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
