/* SPDX-License-Identifier: MIT */
/*
 * reftag_repair.c - the record builder's first repairs of the tagger's
 * labels (bib__reftag_repair_lists, reftag_int.h): the conventions of
 * one person's own list and of a page, which no training style renders
 * (a series in brackets, `in:` inside a title, a title read as a name,
 * co-authors after `By` or `with`, a title first); the rest of the
 * builder is reftag_record.c. Each repair is general (docs/refs.md
 * "Records"): the words it reads are listed, a name is told by the name
 * model. The repairs of quoted titles and misread numbers are in
 * reftag_quoted.c.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "bibconv/dates.h"
#include "bibconv/record.h"
#include "bibconv/reftag.h"
#include "bibconv/script.h"
#include "bibconv/utf8.h"
#include "names_internal.h"
#include "reftag_model.h"
#include "reftag_int.h"

#define L BIB_REF_LABEL_COUNT

typedef reftag_span span;

/* Nothing but punctuation and a citation number before token a: a run
 * that starts there opens the reference. */
static bool opens_reference(const bib_reftag *t, size_t a)
{
    for (size_t i = 0; i < a; i++)
        if (t->tok[i].label != BIB_REF_PUNCT && t->tok[i].label != BIB_REF_CITNUM)
            return false;
    return true;
}

/* A title-first reference whose title opens with a word and a comma
 * (`Low-Latency, High-Throughput Collection, A. Okafor and B. Lind,
 * Proc. …`): the tagger may take the word before the comma for a name,
 * so the reference shows an author run of words alone (no initial, no
 * mark), a comma, a title run and, after it, the longer author run of
 * the real names. That first run and its comma are the title's. */
static bool title_word_as_name(bib_reftag *t, const span sp[L])
{
    span au = sp[BIB_REF_AUTHOR], ti = sp[BIB_REF_TITLE];
    if (!au.found || !ti.found || au.b + 1 != ti.a || au.b - au.a > 3 ||
        !tok_eq(t, au.b, ","))
        return false;
    for (size_t i = au.a; i < au.b; i++)
        if (t->tok[i].kind != BIB_REFTOK_WORD)
            return false;
    size_t k = ti.b;
    while (k < t->n && t->tok[k].label == BIB_REF_PUNCT)
        k++;
    size_t e = k;
    while (e < t->n && t->tok[e].label == BIB_REF_AUTHOR)
        e++;
    if (k == t->n || t->tok[k].label != BIB_REF_AUTHOR || e - k <= au.b - au.a)
        return false;
    for (size_t i = au.a; i <= au.b; i++)
        t->tok[i].label = BIB_REF_TITLE;
    return true;
}

/* A title-first reference read as one author run (`Fast Collection of
 * Small Heaps, A. Okafor, B. Lind, and C. Varga, Proc. …`, no title run):
 * when the run opens the reference and its part before the first comma
 * is three words or more, none an initial, that the name model scores
 * at or below its boundary 0 (no person's name), that part is the title.
 * The model's one failure (out of memory) leaves the labels. */
static bool title_in_name_run(bib_reftag *t, const span sp[L])
{
    span au = sp[BIB_REF_AUTHOR];
    if (sp[BIB_REF_TITLE].found || !au.found || !opens_reference(t, au.a))
        return false;
    size_t c = au.a, words = 0;
    for (; c < au.b && !tok_eq(t, c, ","); c++) {
        if (t->tok[c].kind != BIB_REFTOK_WORD || (t->tok[c].len == 1 && tok_eq(t, c + 1, ".")))
            return false;
        words++;
    }
    if (words < 3 || c + 2 >= au.b)
        return false;
    double sc = 0;
    const char *p = tx(t, au.a);
    size_t n = t->tok[c - 1].off + t->tok[c - 1].len - t->tok[au.a].off;
    if (bib__name_score_of(p, n, &sc) || sc > 0)
        return false;
    for (size_t i = au.a; i < c; i++)
        t->tok[i].label = BIB_REF_TITLE;
    t->tok[c].label = BIB_REF_PUNCT;
    return true;
}

static bool marks_only(const bib_reftag *t, size_t a, size_t b, const char *set)
{
    for (size_t i = a; i < b; i++)
        if (t->tok[i].label != BIB_REF_PUNCT || !punct_in(t, i, set))
            return false;
    return true;
}

/* Is token i the word before a chapter's editors: an `in` cue
 * (bib__reftag_in_cues) or Catalan `a` (lower-case: `A.` is an initial),
 * followed by a word with a capital (the first editor's name)? */
static bool editors_cue(const bib_reftag *t, size_t i)
{
    if (i + 1 >= t->n || t->tok[i + 1].kind != BIB_REFTOK_WORD ||
        !(tx(t, i)[0] == 'a' ? t->tok[i].len == 1 : tok_in(t, i, bib__reftag_in_cues)))
        return false;
    uint32_t c;
    return bib_utf8_decode(tx(t, i + 1), t->tok[i + 1].len, &c) > 0 && bib_char_is_upper(c);
}

/* A quoted title followed by the cue of a chapter's editors and the
 * editors (`"Title" a Roca, E., Soler, E. (eds.), Book`, as Catalan
 * lists write `in`; `"Title" in Roca, E. …`): the tagger ran the title
 * on past its closing mark into the cue and the first family name, or
 * read the cue as that name's first word (`a Roca`). The title ends at
 * the mark, the cue is a note, the words after it are the editors'. */
static bool quoted_title_editors(bib_reftag *t, const span sp[L])
{
    span ti = sp[BIB_REF_TITLE], ed = sp[BIB_REF_EDITOR];
    if (!ti.found || !ed.found || ti.a == 0 || ed.a < ti.b || !quote_mark(t, ti.a - 1, true))
        return false;
    if (editors_cue(t, ed.a) && quote_mark(t, ed.a - 1, false) && ed.a - 1 >= ti.b) {
        t->tok[ed.a].label = BIB_REF_NOTE;   /* `a Roca`: the cue read as a name's */
        return true;
    }
    for (size_t k = ti.a + 1; k + 2 < ti.b; k++) {
        if (!quote_mark(t, k, false))
            continue;
        if (!editors_cue(t, k + 1) || !marks_only(t, ti.b, ed.a, ","))
            return false;
        for (size_t j = k + 2; j < ti.b; j++)
            if (t->tok[j].kind != BIB_REFTOK_WORD && !punct_in(t, j, "-'."))
                return false;   /* more than a name: not the editors' */
        t->tok[k].label = BIB_REF_PUNCT;
        t->tok[k + 1].label = BIB_REF_NOTE;
        for (size_t j = k + 2; j < ed.a; j++)
            t->tok[j].label = BIB_REF_EDITOR;
        return true;
    }
    return false;
}

size_t bib__reftag_language_at_end(const bib_reftag *t)
{
    static const char codes[] = "EN DE FR ES IT PT NL SV DA NO NB FI PL CS SK RU UK ZH JA KO CA EL HU "
                                "RO TR HR SL SR BG ET LV LT IS GA EU GL";
    size_t k = t->n;
    while (k > 0 && t->tok[k - 1].kind == BIB_REFTOK_PUNCT && punct_in(t, k - 1, "."))
        k--;
    if (k < 4 || !(punct_in(t, k - 1, ")") || punct_in(t, k - 1, "]")))
        return SIZE_MAX;
    size_t c = k - 2;
    const char *p = tx(t, c);
    if (t->tok[c].len != 2 || !(punct_in(t, c - 1, "(") || punct_in(t, c - 1, "[")) ||
        p[0] < 'A' || p[0] > 'Z' || p[1] < 'A' || p[1] > 'Z')
        return SIZE_MAX;
    for (const char *q = codes; *q; q += q[2] ? 3 : 2)
        if (q[0] == p[0] && q[1] == p[1])
            return c;
    return SIZE_MAX;
}

/* A language code in brackets at a reference's end (`Title, in Book,
 * 2005 (EN)`, multilingual pages mark each work so): the tagger reads an
 * unknown pair of capitals as a name (`(DE)`: an author `DE`); it is a
 * note, which the record builder makes the record's language. */
static bool language_code(bib_reftag *t, const span sp[L])
{
    (void)sp;
    size_t c = bib__reftag_language_at_end(t);
    if (c == SIZE_MAX || t->tok[c].label == BIB_REF_NOTE)
        return false;
    t->tok[c].label = BIB_REF_NOTE;
    t->tok[c - 1].label = t->tok[c + 1].label = BIB_REF_PUNCT;
    return true;
}

/* Co-authors named at a reference's end after a comma, a period or a
 * semicolon (`…, S. 28-31, zusammen mit Jan Roe`, `…: 28-31, joint with
 * A. Roe and B. Lee.`), which the tagger read as a publisher or a note
 * where it reads `with` alone as names: with no author before them, the
 * run from the co-author words to the end is the names, when each of its
 * pieces (cut at commas and `and`, `und`, `&`) is a person's name to the
 * name model. English `with` alone is left to the tagger, which reads it
 * so (`, with Application Examples`, `, with Erratum` are no people, and
 * the name model scores some such pairs as names). The record builder
 * drops the words, as in a bracket (reftag_names.c). */
static bool coauthors_at_end(bib_reftag *t, const span sp[L])
{
    static const char *const joins[] = { "and", "und", "&", "et", "y", "e", "en", "i", NULL };
    size_t e = t->n;
    while (e > 0 && t->tok[e - 1].kind == BIB_REFTOK_PUNCT)
        e--;
    size_t k = e > 40 ? e - 40 : 1;
    /* the word's first byte and length first: this runs on every
     * reference, and most words after a comma are none of these */
    for (; k + 1 < e; k++)
        if (punct_in(t, k - 1, ",.;") && t->tok[k].len >= 3 && t->tok[k].len <= 16 &&
            strchr("wWmMaAcCjJtTgGzZsS", tx(t, k)[0]) && t->tok[k].label != BIB_REF_AUTHOR &&
            bib_reftag_coauthor_word(tx(t, k), t->tok[k].len))
            break;
    if (k + 1 >= e || (sp[BIB_REF_AUTHOR].found && sp[BIB_REF_AUTHOR].a < k))
        return false;
    size_t w = k + 1;
    if (bib_reftag_coauthor_word(tx(t, w), t->tok[w].len))
        w++;   /* `joint with`, `zusammen mit` */
    else if (tok_eq(t, k, "with"))
        return false;   /* `, with Erratum`: the tagger's to read */
    if (!bib__reftag_people(t, w, e, joins))
        return false;
    for (size_t j = k; j < e; j++)
        t->tok[j].label = BIB_REF_AUTHOR;
    return true;
}

/* A series statement in brackets after the title, `(= Series, Bd. 106)`
 * as German lists write it (the `=` says "appeared as"): the tagger reads
 * the series as part of the title, or the title before it as names. The
 * words after `=` up to a comma, a semicolon, the closing bracket or a
 * labelled volume are the collection; with no title left, the run right
 * before the bracket is the title. */
static bool series_statement(bib_reftag *t, const span sp[L])
{
    (void)sp;
    size_t i = 1;
    /* the bytes first: this runs on every reference */
    while (i + 2 < t->n && !(t->tok[i].len == 1 && tx(t, i)[0] == '(' &&
                             t->tok[i + 1].len == 1 && tx(t, i + 1)[0] == '='))
        i++;
    if (i + 2 >= t->n)
        return false;
    size_t e = i + 2;
    bool words = false;
    for (; e < t->n; e++) {
        if (tok_eq(t, e, ")") || tok_eq(t, e, ",") || tok_eq(t, e, ";") ||
            t->tok[e].label == BIB_REF_VOLUME)
            break;
        words |= t->tok[e].kind == BIB_REFTOK_WORD;
    }
    if (!words)
        return false;
    t->tok[i].label = t->tok[i + 1].label = BIB_REF_PUNCT;
    for (size_t k = i + 2; k < e; k++)
        t->tok[k].label = t->tok[k].kind == BIB_REFTOK_PUNCT && (k == i + 2 || k + 1 == e)
                              ? BIB_REF_PUNCT : BIB_REF_COLLECTION;
    bool title = false;
    for (size_t k = 0; k < t->n && !title; k++)
        title = t->tok[k].label == BIB_REF_TITLE;
    size_t b = i;
    while (b > 0 && t->tok[b - 1].kind == BIB_REFTOK_PUNCT && t->tok[b - 1].label == BIB_REF_PUNCT)
        b--;
    if (!title && b > 0 && t->tok[b - 1].label == BIB_REF_AUTHOR) {
        for (size_t k = b; k > 0 && t->tok[k - 1].label == BIB_REF_AUTHOR; k--)
            t->tok[k - 1].label = BIB_REF_TITLE;
    }
    return true;
}

/* `in:` inside the title run (`Wissenschaftsfreiheit, in:
 * Wissenschaftsrecht, Heft 2`, `…. W zbiorze: Czytanie pozytywizmu`, `Human Dignity as a Legal Concept in:
 * Kultura Prawna 2019`), or `, in` before a capital (`Recht und Zeit, in
 * Festschrift für K. Weber`): a title does not hold the cue so, so the
 * title ends before it and the rest of the run is the container, up to a
 * bracket (editors, `(Hrsg.)`), which is a note; a container run right
 * after it (`zum 65. Geburtstag`, cut at the ordinal's period) joins it. */
static bool in_colon_in_title(bib_reftag *t, const span sp[L])
{
    span ti = sp[BIB_REF_TITLE];
    if (!ti.found)
        return false;
    for (size_t k = ti.a + 1; k + 2 < ti.b; k++) {
        /* `in`, or with its colon a cue of another language (Polish
         * `w:`, Spanish `en:`, Portuguese `em:`, French `dans :`) */
        if (t->tok[k].len > 4 || !tok_in(t, k, bib__reftag_in_cues))
            continue;
        /* the cue and its colon, or a one-letter cue, a noun and the
         * colon (Polish `W zbiorze:`, `W tomie:`: in the collection, the
         * volume; not `in practice :`, a title's words) */
        size_t c = tok_eq(t, k + 1, ":") ? k + 1
                   : t->tok[k].len == 1 && k + 3 < ti.b &&
                             t->tok[k + 1].kind == BIB_REFTOK_WORD &&
                             tx(t, k + 1)[0] >= 'a' && tx(t, k + 1)[0] <= 'z' &&
                             tok_eq(t, k + 2, ":")
                       ? k + 2
                       : 0;
        bool colon = c != 0;
        if (!colon && !tok_eq(t, k, "in"))
            continue;
        if (!colon && !(punct_in(t, k - 1, ",") && t->tok[k + 1].kind == BIB_REFTOK_WORD &&
                        tx(t, k + 1)[0] >= 'A' && tx(t, k + 1)[0] <= 'Z'))
            continue;
        for (size_t p = k; p > ti.a && punct_in(t, p - 1, ",;."); p--)
            t->tok[p - 1].label = BIB_REF_PUNCT;
        t->tok[k].label = BIB_REF_NOTE;
        size_t j = k + 1;
        if (colon) {
            for (; j < c; j++)
                t->tok[j].label = BIB_REF_NOTE;
            t->tok[j++].label = BIB_REF_PUNCT;
        }
        int lab = BIB_REF_CONTAINER;
        for (; j < ti.b; j++) {
            if (tok_eq(t, j, "("))
                lab = BIB_REF_NOTE;
            t->tok[j].label = (unsigned char)lab;
        }
        size_t e = ti.b;
        while (lab == BIB_REF_CONTAINER && e < t->n && t->tok[e].kind == BIB_REFTOK_PUNCT &&
               t->tok[e].label == BIB_REF_PUNCT)
            e++;
        if (lab == BIB_REF_CONTAINER && e > ti.b && e < t->n &&
            t->tok[e].label == BIB_REF_CONTAINER)
            for (size_t p = ti.b; p < e; p++)
                t->tok[p].label = BIB_REF_CONTAINER;
        return true;
    }
    return false;
}

/* A list of titles each followed by its authors after `By` (`Managing
 * the family firm By Oriana Bandiera; Raffaella Sadun`, a paper series'
 * table of contents; `Title, by A. Roe`): no training style writes it,
 * and the tagger reads the first name into the title and the others as
 * anything. When the title run holds `By` or `, by` after three tokens, with no names
 * before the title, and what follows it up to its first `;` (or `,`,
 * `and`, `&`) reads as a name (the name model's score above 0, its own boundary),
 * the rest of the reference up to a date, a container or a number is
 * the authors. */
static bool by_names_after_title(bib_reftag *t, const span sp[L])
{
    span ti = sp[BIB_REF_TITLE];
    if (!ti.found || (sp[BIB_REF_AUTHOR].found && sp[BIB_REF_AUTHOR].a < ti.a))
        return false;
    size_t k = ti.a + 3;
    while (k + 1 < ti.b && !(tok_eq(t, k, "by") && (tx(t, k)[0] == 'B' || punct_in(t, k - 1, ","))))
        k++;
    if (k + 1 >= ti.b)
        return false;
    size_t e = k + 1;
    for (; e < t->n; e++) {
        int l = t->tok[e].label;
        if (l == BIB_REF_DATE || l == BIB_REF_CONTAINER || l == BIB_REF_VOLUME ||
            l == BIB_REF_ISSUE || l == BIB_REF_PAGES || l == BIB_REF_DOI || l == BIB_REF_URL ||
            l == BIB_REF_ISBN || t->tok[e].kind == BIB_REFTOK_NUMBER)
            break;
    }
    while (e > k + 1 && t->tok[e - 1].kind == BIB_REFTOK_PUNCT)
        e--;
    size_t c = k + 1;
    while (c < e && !tok_eq(t, c, ";"))
        c++;
    if (c == e)
        for (c = k + 1; c < e && !tok_eq(t, c, ",") && !tok_eq(t, c, "and") &&
                        !tok_eq(t, c, "&") && !tok_eq(t, c, "und");
             c++)
            ;
    if (c == k + 1)
        return false;
    double sc = 0;
    size_t n = t->tok[c - 1].off + t->tok[c - 1].len - t->tok[k + 1].off;
    if (bib__name_score_of(tx(t, k + 1), n, &sc) || sc <= 0)
        return false;
    t->tok[k].label = BIB_REF_NOTE;
    for (size_t j = k + 1; j < e; j++)
        t->tok[j].label = BIB_REF_AUTHOR;
    return true;
}

/* Whether word i names a kind of body (`Association`, `Universität`,
 * `Ministère`): a corporate author's name holds one, a title seldom. */
static bool body_word(const bib_reftag *t, size_t i)
{
    static const char *const words[] = {
        "organization", "organisation", "organizaci\xc3\xb3n", "association", "asociaci\xc3\xb3n",
        "associa\xc3\xa7\xc3\xa3o", "institute", "institut", "instituto", "istituto",
        "institution", "university", "universit\xc3\xa4t", "universit\xc3\xa9",
        "universidad", "universidade", "universit\xc3\xa0", "universiteit", "college",
        "society", "gesellschaft", "soci\xc3\xa9t\xc3\xa9", "sociedad", "agency", "committee",
        "commission", "kommission", "comit\xc3\xa9", "council", "department", "ministry",
        "ministerium", "minist\xc3\xa8re", "ministerio", "minist\xc3\xa9rio", "bureau", "office",
        "group", "consortium", "foundation", "stiftung", "fondation", "fundaci\xc3\xb3n", "bank",
        "centre", "center", "zentrum", "federation", "verband", "board", "authority",
        "administration", "corporation", "company", "inc", "ltd", "gmbh", "nations", "union",
        "network", "laboratory", "academy", "akademie", "acad\xc3\xa9mie", "academia", "school",
        "hospital", "alliance", "panel", "collaboration", "survey", "statistics", "library",
        "museum", "services", "service", "agence", "bundesamt", "amt", "team", "project",
        "contributors", "developers", "community", "staff", "collective", "initiative",
        "partnership", "forum", "trust", "press", NULL
    };
    return t->tok[i].kind == BIB_REFTOK_WORD && tok_in(t, i, words);
}

/* A word of capitals alone, two or more (`APHA`, `OECD`): a body's
 * acronym. */
static bool caps_word(const bib_reftag *t, size_t i)
{
    const char *p = tx(t, i);
    size_t n = t->tok[i].len;
    if (t->tok[i].kind != BIB_REFTOK_WORD || n < 2)
        return false;
    for (size_t k = 0; k < n; k++)
        if (p[k] < 'A' || p[k] > 'Z')
            return false;
    return true;
}

/* A title read as one name before its subtitle (`Grundfragen des
 * Besteuerungsverfahrens. Anforderungen des Rechts an …, StuW 95`, a
 * person's own list of books): an author run that opens the reference,
 * one chunk of three words or more with a lower-case word after the
 * first (a title's `des`, `of`, `zur`; no comma, semicolon, `&`,
 * initial, body word or acronym), that the name model scores well below
 * its boundary 0, and that a sentence mark alone parts from the title
 * run: the run and the mark are the title's. A body (`World Health
 * Organization. Global report …`, `News From Science.`) keeps its name
 * by its body word or its capitals.
 * TITLE_AS_NAMES_MAX is set by hand, not learned: people's names written
 * oddly score near the boundary (`Marquis Condorcet de` -0.8, whose `de`
 * a German title's `des` cannot be told from by the particle list), such
 * titles -5 to -22 (docs/refs.md, "Round of 2026-12-07, afternoon"). */
#define TITLE_AS_NAMES_MAX (-4.0)
static bool title_read_as_names(bib_reftag *t, const span sp[L])
{
    span au = sp[BIB_REF_AUTHOR], ti = sp[BIB_REF_TITLE];
    if (!au.found || !ti.found || ti.a <= au.b)
        return false;
    if (!opens_reference(t, au.a) || !marks_only(t, au.b, ti.a, ".:"))
        return false;
    size_t words = 0, lower = 0;
    for (size_t i = au.a; i < au.b; i++) {
        if (t->tok[i].kind == BIB_REFTOK_PUNCT && !punct_in(t, i, "-'"))
            return false;
        if (body_word(t, i) || caps_word(t, i) || tok_eq(t, i, "and") || tok_eq(t, i, "und") ||
            lone_initial(t, i))
            return false;
        words += t->tok[i].kind == BIB_REFTOK_WORD;
        lower += t->tok[i].kind == BIB_REFTOK_WORD && i > au.a && tx(t, i)[0] >= 'a' &&
                 tx(t, i)[0] <= 'z';
    }
    if (words < 3 || !lower)
        return false;
    double sc = 0;
    size_t n = t->tok[au.b - 1].off + t->tok[au.b - 1].len - t->tok[au.a].off;
    if (bib__name_score_of(tx(t, au.a), n, &sc) || sc > TITLE_AS_NAMES_MAX)
        return false;
    for (size_t i = au.a; i < ti.a; i++)
        t->tok[i].label = BIB_REF_TITLE;
    return true;
}

/* `in:` before a journal the tagger took for an editor, a place or a
 * publisher (`Title,
 * in: Bestuurswetenschappen, 2014, nr. 2`, a person's own list in Dutch or
 * German: the training styles write `In:` before books and their
 * editors): with no container found, the run right after the cue is
 * the container unless a role word follows it or ends it (`(Hrsg.)`:
 * editors). */
static bool in_without_container(bib_reftag *t, const span sp[L])
{
    if (sp[BIB_REF_CONTAINER].found)
        return false;
    for (size_t i = 0; i + 2 < t->n; i++) {
        if (t->tok[i].label != BIB_REF_NOTE || !tok_in(t, i, bib__reftag_in_cues))
            continue;
        size_t j = i + 1;
        while (j < t->n && t->tok[j].kind == BIB_REFTOK_PUNCT && t->tok[j].label == BIB_REF_PUNCT)
            j++;
        if (j >= t->n || (t->tok[j].label != BIB_REF_EDITOR && t->tok[j].label != BIB_REF_PLACE &&
                          t->tok[j].label != BIB_REF_PUBLISHER))
            return false;
        unsigned char lab = t->tok[j].label;
        size_t e = j;
        while (e < t->n && t->tok[e].label == lab)
            e++;
        /* the role word after the names or inside their run (`Sophie
         * van Bijsterveld & Hans-Martien ten Napel (eds.)`, `(eds` read
         * with the names) */
        for (size_t k = j; k < t->n && k < e + 3; k++)
            if (tok_in(t, k, bib__reftag_roles) || tok_eq(t, k, "editor") ||
                tok_eq(t, k, "editors"))
                return false;
        for (size_t k = j; k < e; k++)
            t->tok[k].label = BIB_REF_CONTAINER;
        return true;
    }
    return false;
}

/* Two readings of a person's own list in German law and humanities
 * (`Souveränität, in: Staatslexikon, 8. Aufl., 2021`, `Keine Entwarnung,
 * in: JZ 2022, Heft 18, S. 889`): with no title, an author run right
 * before an `in` cue is the title (no one's name comes alone before
 * `in:`); with no date, a volume that is a year alone (1800-2039, the
 * journal counted by years) is the date. */
static bool own_list_readings(bib_reftag *t, const span sp[L])
{
    bool changed = false;
    span au = sp[BIB_REF_AUTHOR];
    if (!sp[BIB_REF_TITLE].found && au.found) {
        size_t j = au.b;
        while (j < t->n && t->tok[j].kind == BIB_REFTOK_PUNCT)
            j++;
        if (j < t->n && t->tok[j].label == BIB_REF_NOTE && tok_in(t, j, bib__reftag_in_cues)) {
            for (size_t k = au.a; k < au.b; k++)
                t->tok[k].label = BIB_REF_TITLE;
            changed = true;
        }
    }
    span vo = sp[BIB_REF_VOLUME];
    if (!sp[BIB_REF_DATE].found && vo.found && vo.b == vo.a + 1 &&
        t->tok[vo.a].kind == BIB_REFTOK_NUMBER && t->tok[vo.a].len == 4) {
        const char *p = tx(t, vo.a);
        int y = 0;
        for (int k = 0; k < 4 && p[k] >= '0' && p[k] <= '9'; k++)
            y = y * 10 + (p[k] - '0');
        if (y >= 1800 && y <= 2039) {
            t->tok[vo.a].label = BIB_REF_DATE;
            changed = true;
        }
    }
    return changed;
}

/* A bracket at token k of co-authors (`(with A. Roe)`), or of co-editors
 * after a role word (`(hrsg. gemeinsam mit A. Roe)`, role true): its
 * closing bracket's index, or 0. *w gets the co-author word's. */
static size_t coauthor_bracket(const bib_reftag *t, size_t k, bool *role, size_t *w)
{
    if (!tok_eq(t, k, "("))
        return 0;
    size_t i = k + 1;
    *role = tok_in(t, i, bib__reftag_roles);
    if (*role)
        i += 1 + (i + 1 < t->n && tok_eq(t, i + 1, "."));
    if (i + 1 >= t->n || !bib_reftag_coauthor_word(tx(t, i), t->tok[i].len))
        return 0;
    size_t e = i + 1;
    while (e < t->n && !tok_eq(t, e, ")"))
        e++;
    *w = i;
    return e < t->n ? e : 0;
}

/* Labels the bracket [k, e] coauthor_bracket found: its marks punct, the
 * role word a note, the names authors or, after a role word, editors. */
static void label_coauthor_bracket(bib_reftag *t, size_t k, size_t w, size_t e, bool role)
{
    t->tok[k].label = t->tok[e].label = BIB_REF_PUNCT;
    for (size_t j = k + 1; j < w; j++) /* the role word and its period */
        t->tok[j].label = tok_eq(t, j, ".") ? BIB_REF_PUNCT : BIB_REF_NOTE;
    for (size_t j = w; j < e; j++)
        t->tok[j].label = role ? BIB_REF_EDITOR : BIB_REF_AUTHOR;
}

/* Co-authors in brackets inside the title run (`Płynność banków
 * (współautor: M. Nowak), w: …`, `Title (with P. Kelly)` where the tagger
 * did not see the word): the bracket opens with a co-author word
 * (bib_reftag_coauthor_word), so its words up to the closing bracket
 * are the authors (the word is dropped with the names, reftag_names.c)
 * and the title ends before it. After a role word (`Title (hrsg.
 * gemeinsam mit J. Roe)`, `(ed. with …)`: a volume the list's owner
 * edited with them) they are its co-editors. */
static bool coauthors_in_title(bib_reftag *t, const span sp[L])
{
    span ti = sp[BIB_REF_TITLE], au = sp[BIB_REF_AUTHOR];
    /* a list with such brackets names no one before its titles: a
     * short run of words read as names before the title's first comma,
     * period or colon (`Tide Tables, Harbour Dues, and …`) is the
     * title's */
    bool lead = au.found && au.a < ti.a;
    if (!ti.found || (lead && (!opens_reference(t, au.a) || au.b + 1 != ti.a ||
                               !punct_in(t, au.b, ",.:") || au.b - au.a > 4)))
        return false;
    for (size_t j = au.a; lead && j < au.b; j++)
        if (t->tok[j].kind != BIB_REFTOK_WORD || lone_initial(t, j))
            return false;
    for (size_t k = ti.a + 1; k + 2 < ti.b; k++) {
        bool role;
        size_t w, e = coauthor_bracket(t, k, &role, &w);
        if (!e)
            continue;
        for (size_t j = au.a; lead && j <= au.b; j++)
            t->tok[j].label = BIB_REF_TITLE;
        label_coauthor_bracket(t, k, w, e, role);
        /* what the run held after the bracket is the title's no more */
        for (size_t j = e + 1; j < ti.b; j++)
            t->tok[j].label = BIB_REF_NOTE;
        return true;
    }
    return false;
}

/* The same bracket with a role word after the title that opens the
 * reference (`Title (hrsg. gemeinsam mit J. Roe), Tübingen 2019`) when
 * the tagger read the title and the role word as an editor list and its
 * name (`Roe (Hrsg.)`) and the co-editors as a title: the words before
 * the bracket are the title, the names in it the editors. */
static bool coeditors_after_title(bib_reftag *t, const span sp[L])
{
    (void)sp;
    size_t a = 0;
    while (a < t->n && (t->tok[a].label == BIB_REF_PUNCT || t->tok[a].label == BIB_REF_CITNUM))
        a++;
    if (a >= t->n || (t->tok[a].label != BIB_REF_TITLE && t->tok[a].label != BIB_REF_EDITOR))
        return false;
    int first = t->tok[a].label;
    for (size_t k = a + 2; k + 3 < t->n && k < a + 80; k++) {
        int l = t->tok[k - 1].label;
        if (l != first && l != BIB_REF_PUNCT)
            return false; /* the opening run ended before any bracket */
        bool role;
        size_t w, e = coauthor_bracket(t, k, &role, &w);
        if (!e || !role)
            continue;
        for (size_t j = a; j < k; j++)
            if (t->tok[j].label == first)
                t->tok[j].label = BIB_REF_TITLE;
        label_coauthor_bracket(t, k, w, e, role);
        return true;
    }
    return false;
}

/* A bracket that opens with a co-author word the tagger read as names
 * (`(with MARTA J. OKAFOR and LENA BRANDT)`) holds names only, however
 * the tagger read its rest after an initial's period (a note, a
 * publisher): all of it up to the closing bracket is the name list; so
 * is one it read as a note whole, when a capital follows the word (`(with
 * TOMAS ROE)`, not `(with an introduction by …)`) and no names come
 * before it. */
static bool coauthor_bracket_rest(bib_reftag *t, const span sp[L])
{
    bool changed = false;
    if (!memchr(t->s, '(', t->len))
        return false; /* most references: one byte search */
    for (size_t k = 0; k + 2 < t->n; k++) {
        if (t->tok[k].kind != BIB_REFTOK_PUNCT || tx(t, k)[0] != '(' ||
            !bib_reftag_coauthor_word(tx(t, k + 1), t->tok[k + 1].len))
            continue;
        int l = t->tok[k + 1].label;
        if (l == BIB_REF_NOTE &&
            (sp[BIB_REF_AUTHOR].found || t->tok[k + 2].kind != BIB_REFTOK_WORD ||
             !(tx(t, k + 2)[0] >= 'A' && tx(t, k + 2)[0] <= 'Z')))
            continue;
        if (l != BIB_REF_AUTHOR && l != BIB_REF_NOTE)
            continue;
        if (l == BIB_REF_NOTE) {
            t->tok[k + 1].label = BIB_REF_AUTHOR;
            changed = true;
        }
        size_t e = k + 2;
        while (e < t->n && !tok_eq(t, e, ")") && !tok_eq(t, e, "("))
            e++;
        if (e >= t->n || !tok_eq(t, e, ")"))
            continue;
        for (size_t j = k + 2; j < e; j++)
            if (t->tok[j].label != BIB_REF_AUTHOR && t->tok[j].label != BIB_REF_PUNCT) {
                t->tok[j].label = BIB_REF_AUTHOR;
                changed = true;
            }
        /* its inner marks go with the names (`A. Roe, B. Lee`) */
        for (size_t j = k + 2; changed && j < e; j++)
            t->tok[j].label = BIB_REF_AUTHOR;
        k = e;
    }
    return changed;
}

/* Names that open a reference whose co-authors come later after a
 * co-author word (`Taxing Harbour M&A: Dues …, Review 128 (with
 * A. Roe and B. Lee)`): a person's own list names no one before its
 * titles, so the opening run (read as names: `M&A` as initials), up to
 * the title right after it, is the title's. */
static bool lead_names_before_coauthors(bib_reftag *t, const span sp[L])
{
    span au = sp[BIB_REF_AUTHOR], ti = sp[BIB_REF_TITLE];
    if (!au.found || !ti.found || !opens_reference(t, au.a) || ti.a < au.b ||
        ti.a - au.b > 1 || au.b - au.a > 8)
        return false;
    for (size_t j = au.b; j < ti.a; j++)
        if (!punct_in(t, j, ":,"))
            return false;
    bool later = false;
    for (size_t k = ti.b; k + 1 < t->n && !later; k++)
        later = t->tok[k + 1].label == BIB_REF_AUTHOR && tok_eq(t, k, "(") &&
                bib_reftag_coauthor_word(tx(t, k + 1), t->tok[k + 1].len);
    if (!later)
        return false;
    for (size_t j = au.a; j < ti.a; j++)
        t->tok[j].label = BIB_REF_TITLE;
    return true;
}

/* A status and `in` closing the title run before its container
 * (`Title, to be published in: Journal 43`, `Title, forthcoming in
 * Synthese`): the status is a note (CSL's status, reftag_record.c) and
 * the title ends before it. */
static bool status_in_before_container(bib_reftag *t, const span sp[L])
{
    span ti = sp[BIB_REF_TITLE], co = sp[BIB_REF_CONTAINER];
    if (!ti.found || !co.found || co.a < ti.b || ti.b - ti.a < 4 || !tok_eq(t, ti.b - 1, "in"))
        return false;
    for (size_t k = ti.a + 1; k + 1 < ti.b; k++) {
        size_t l = bib__reftag_status_at(t, k);
        if (!l || k + l != ti.b - 1 || !punct_in(t, k - 1, ",;."))
            continue;
        t->tok[k - 1].label = BIB_REF_PUNCT;
        for (size_t j = k; j < ti.b; j++)
            t->tok[j].label = BIB_REF_NOTE;
        return true;
    }
    return false;
}

/* A status opening the container run, its mark or `in` after it
 * (`"Title." Forthcoming. Maritime Studies.`, `Title, in press,
 * Journal`, `Title. Forthcoming in Port Economics.`): the status is a note
 * (CSL's status) and the container starts after the mark. */
static bool status_opens_container(bib_reftag *t, const span sp[L])
{
    span co = sp[BIB_REF_CONTAINER];
    if (!co.found)
        return false;
    size_t l = bib__reftag_status_at(t, co.a);
    if (!l || co.a + l + 1 >= co.b)
        return false;
    /* `Forthcoming in Journal`: the cue goes with the status */
    bool in = tok_in(t, co.a + l, bib__reftag_in_cues);
    if (!in && !punct_in(t, co.a + l, ".,;:"))
        return false;
    for (size_t j = co.a; j < co.a + l + in; j++)
        t->tok[j].label = BIB_REF_NOTE;
    if (!in || punct_in(t, co.a + l + 1, ":"))
        t->tok[co.a + l + in].label = BIB_REF_PUNCT;
    return true;
}

/* A run read as names after the title that is one body's name, no
 * person's (`The last crossing? Harbour Policy Papers, 2022`): with
 * no container found, a run of two words or more without a comma, a
 * joining word or an initial, which the name model scores at or below
 * its boundary, is the container (a series or a journal). */
static bool body_after_title(bib_reftag *t, const span sp[L])
{
    span ti = sp[BIB_REF_TITLE], au = sp[BIB_REF_AUTHOR];
    if (!ti.found || !au.found || au.a < ti.b || sp[BIB_REF_CONTAINER].found ||
        au.b - au.a < 2 || au.b - au.a > 8)
        return false;
    for (size_t j = au.a; j < au.b; j++)
        if (t->tok[j].kind != BIB_REFTOK_WORD || t->tok[j].len < 2 ||
            !(tx(t, j)[0] >= 'A' && tx(t, j)[0] <= 'Z'))
            return false;
    double sc = 0;
    size_t n = t->tok[au.b - 1].off + t->tok[au.b - 1].len - t->tok[au.a].off;
    if (bib__name_score_of(tx(t, au.a), n, &sc) || sc > 0)
        return false;
    for (size_t j = au.a; j < au.b; j++)
        t->tok[j].label = BIB_REF_CONTAINER;
    return true;
}

/* Months read as a volume (`2022, November-December, no. 6`): a volume
 * run of month names alone, a dash or a slash between two, is the
 * date's. */
static bool months_as_volume(bib_reftag *t, const span sp[L])
{
    span vo = sp[BIB_REF_VOLUME];
    if (!vo.found || vo.b - vo.a > 3)
        return false;
    /* one word of two months (`November-December`) */
    if (vo.b - vo.a == 1 && t->tok[vo.a].kind == BIB_REFTOK_WORD) {
        const char *w = tx(t, vo.a);
        size_t n = t->tok[vo.a].len, d = 0;
        while (d < n && w[d] != '-' && w[d] != '/')
            d++;
        if (d < n && bib_month_parse(w, d) && bib_month_parse(w + d + 1, n - d - 1)) {
            t->tok[vo.a].label = BIB_REF_DATE;
            return true;
        }
    }
    for (size_t j = vo.a; j < vo.b; j++) {
        bool mark = (j - vo.a) % 2 == 1;
        if (mark ? !(is_dash(t, j) || tok_eq(t, j, "/"))
                 : (t->tok[j].kind != BIB_REFTOK_WORD ||
                    !bib_month_parse(tx(t, j), t->tok[j].len)))
            return false;
    }
    if ((vo.b - vo.a) % 2 == 0)
        return false;
    for (size_t j = vo.a; j < vo.b; j++)
        t->tok[j].label = BIB_REF_DATE;
    return true;
}

/* Co-authors after a comma at the end of the title run (`Title, together
 * with Pam Roe, Venue`, `Title, with A. Roe and B. Lee. Venue`): a
 * co-author word after the comma, then capitalised words (names and
 * their joining words, initials) up to the run's end: the names are the
 * authors and the title ends at the comma. */
static bool coauthors_after_title_comma(bib_reftag *t, const span sp[L])
{
    span ti = sp[BIB_REF_TITLE];
    if (!ti.found || sp[BIB_REF_AUTHOR].found || ti.b - ti.a < 5)
        return false;
    for (size_t k = ti.a + 2; k + 1 < ti.b; k++) {
        if (!punct_in(t, k - 1, ",") || !bib_reftag_coauthor_word(tx(t, k), t->tok[k].len))
            continue;
        size_t w = k + 1;
        if (w + 1 < ti.b && bib_reftag_coauthor_word(tx(t, w), t->tok[w].len))
            w++; /* `together with`, `joint with` */
        bool names = w < ti.b;
        size_t words = 0;
        for (size_t j = w; j < ti.b && names; j++) {
            const char *x = tx(t, j);
            if (t->tok[j].kind == BIB_REFTOK_PUNCT)
                names = strchr(".,&", x[0]) != NULL;
            else if (t->tok[j].kind == BIB_REFTOK_WORD)
                names = (x[0] >= 'A' && x[0] <= 'Z') || (unsigned char)x[0] >= 0xC3 ||
                        tok_eq(t, j, "and") || tok_eq(t, j, "und") || tok_eq(t, j, "et") ||
                        tok_eq(t, j, "y") || tok_eq(t, j, "e") || tok_eq(t, j, "og") ||
                        tok_eq(t, j, "och") || tok_eq(t, j, "en");
            else
                names = false;
            words += t->tok[j].kind == BIB_REFTOK_WORD;
        }
        if (!names || words < 2 || words > 24)
            return false;
        t->tok[k - 1].label = BIB_REF_PUNCT;
        for (size_t j = k; j < ti.b; j++)
            t->tok[j].label = BIB_REF_AUTHOR;
        return true;
    }
    return false;
}

/* A role word at the end of the container run, then names the tagger
 * read as authors (`w: Rynek finansowy, red. A. Kowalska, Poznań 2002`,
 * `In: Handbook, ed. J. Roe`): the names are the container's editors. */
static bool role_before_names(bib_reftag *t, const span sp[L])
{
    span co = sp[BIB_REF_CONTAINER], ti = sp[BIB_REF_TITLE];
    if (!co.found || !ti.found || co.a < ti.b || co.b - co.a < 2)
        return false;
    size_t r = co.b - 1;
    if (!tok_in(t, r, bib__reftag_roles))
        return false;
    size_t j = co.b;
    while (j < t->n && t->tok[j].kind == BIB_REFTOK_PUNCT && t->tok[j].label == BIB_REF_PUNCT)
        j++;
    if (j >= t->n || t->tok[j].label != BIB_REF_AUTHOR)
        return false;
    for (size_t p = r; p > co.a && punct_in(t, p - 1, ",;"); p--)
        t->tok[p - 1].label = BIB_REF_PUNCT;
    t->tok[r].label = BIB_REF_NOTE;
    for (; j < t->n && t->tok[j].label == BIB_REF_AUTHOR; j++)
        t->tok[j].label = BIB_REF_EDITOR;
    return true;
}

/* A byline's journal the tagger took into the name list (`O. Maddox, L.
 * Vogt and H. Kraus, Chromosome Letters, 2022.`, `A. Quispe and I. Varga,
 * bioRxiv, 2022.`: names and a venue under a title, no title in the
 * line): with no title and no container, the list's last piece after a
 * comma, which the name model scores at or below 0 (no person's name),
 * is the container. */
static bool venue_in_name_run(bib_reftag *t, const span sp[L])
{
    span au = sp[BIB_REF_AUTHOR];
    if (!au.found || sp[BIB_REF_TITLE].found || sp[BIB_REF_CONTAINER].found || au.b - au.a < 4)
        return false;
    size_t c = au.b;
    while (c > au.a && !tok_eq(t, c - 1, ","))
        c--;
    if (c <= au.a + 1 || c >= au.b || t->tok[c].kind != BIB_REFTOK_WORD)
        return false;
    /* a venue holds no initial and no joining word (`G. N. and S. Osu`) */
    for (size_t k = c; k < au.b; k++)
        if (lone_initial(t, k) || tok_eq(t, k, "and") || tok_eq(t, k, "&"))
            return false;
    double sc = 0;
    size_t n = t->tok[au.b - 1].off + t->tok[au.b - 1].len - t->tok[c].off;
    if (bib__name_score_of(tx(t, c), n, &sc) || sc > 0)
        return false;
    t->tok[c - 1].label = BIB_REF_PUNCT;
    for (size_t k = c; k < au.b; k++)
        t->tok[k].label = BIB_REF_CONTAINER;
    return true;
}

/* The book after `in:` and its editors read as a second title (`‘Title’,
 * in: A. Roe & B. Lee (eds.), Book Title, Publisher, 2021`; Catalan `a`
 * for `in`): with a title before the cue, the title run after the
 * editors' list is the container, and so is a container right after it
 * (the book's second part: `Book. Proceedings of …`); with a container
 * elsewhere, nothing changes. */
static bool book_after_in_editors(bib_reftag *t, const span sp[L])
{
    span co = sp[BIB_REF_CONTAINER];
    if (!sp[BIB_REF_TITLE].found)
        return false;
    for (size_t i = 1; i + 2 < t->n; i++) {
        if (t->tok[i].label != BIB_REF_NOTE ||
            !(tok_in(t, i, bib__reftag_in_cues) || (tx(t, i)[0] == 'a' && t->tok[i].len == 1)))
            continue;
        /* a title before the cue */
        size_t k = i;
        while (k > 0 && t->tok[k - 1].label == BIB_REF_PUNCT)
            k--;
        if (k == 0 || t->tok[k - 1].label != BIB_REF_TITLE)
            return false;
        size_t j = i + 1;
        while (j < t->n && t->tok[j].label == BIB_REF_PUNCT)
            j++;
        if (j >= t->n || t->tok[j].label != BIB_REF_EDITOR)
            return false;
        while (j < t->n && (t->tok[j].label == BIB_REF_EDITOR || t->tok[j].label == BIB_REF_PUNCT))
            j++;
        if (j >= t->n || t->tok[j].label != BIB_REF_TITLE)
            return false;
        size_t e = j;
        while (e < t->n && t->tok[e].label == BIB_REF_TITLE)
            e++;
        size_t c = e;
        while (c < t->n && t->tok[c].label == BIB_REF_PUNCT && punct_in(t, c, ".,:"))
            c++;
        if (co.found && co.a != c)
            return false;
        for (size_t q = j; q < (co.found ? c : e); q++)
            t->tok[q].label = BIB_REF_CONTAINER;
        return true;
    }
    return false;
}

/* A status in brackets after the container the tagger ran into it
 * (`Synthese (forthcoming)` one container): the brackets punctuation, the
 * phrase a note (the record's status, reftag_record.c). */
static bool status_in_brackets(bib_reftag *t, const span sp[L])
{
    (void)sp;
    bool changed = false;
    for (size_t i = 1; i + 1 < t->n; i++) {
        if (t->tok[i - 1].kind != BIB_REFTOK_PUNCT || tx(t, i - 1)[0] != '(')
            continue;
        size_t k = bib__reftag_status_at(t, i);
        if (!k || i + k >= t->n || !tok_eq(t, i + k, ")"))
            continue;
        int l = t->tok[i].label;
        if (l == BIB_REF_NOTE || l == BIB_REF_DATE)
            continue;
        t->tok[i - 1].label = BIB_REF_PUNCT;
        t->tok[i + k].label = BIB_REF_PUNCT;
        for (size_t j = i; j < i + k; j++)
            t->tok[j].label = BIB_REF_NOTE;
        changed = true;
    }
    return changed;
}

/* A journal run into the title before its status in brackets (`Title.
 * State and Local Government Review (forthc.)`, a person's own list,
 * no year yet): a status says where a work is to appear, so with no
 * container found, the title's last sentence before the bracket, two
 * words or more in title case (capitalised words and the small words
 * between), is the container. */
static bool venue_before_status(bib_reftag *t, const span sp[L])
{
    static const char *const small[] = { "of", "and", "for", "in", "the", "on", "de", "des",
                                         "für", "und", "la", "le", "di", "del", "&", NULL };
    span ti = sp[BIB_REF_TITLE];
    if (!ti.found || sp[BIB_REF_CONTAINER].found || !tok_eq(t, ti.b, "(") ||
        !bib__reftag_status_at(t, ti.b + 1))
        return false;
    size_t d = ti.b;
    while (d > ti.a + 1 && !tok_eq(t, d - 1, "."))
        d--;
    if (d <= ti.a + 1 || ti.b - d < 2)
        return false;
    for (size_t j = d; j < ti.b; j++) {
        const char *w = tx(t, j);
        if (t->tok[j].kind != BIB_REFTOK_WORD ||
            !((w[0] >= 'A' && w[0] <= 'Z') || tok_in(t, j, small)))
            return false;
    }
    t->tok[d - 1].label = BIB_REF_PUNCT;
    for (size_t j = d; j < ti.b; j++)
        t->tok[j].label = BIB_REF_CONTAINER;
    return true;
}

/* A role word in brackets right after the names that open a reference
 * (`Franzen, K. Erik / Roe, Martin (Hg.): Title`, `Smith, J. (ed.):
 * Title`), read as a note after an author list (the rendered styles
 * label `(Hg.)` so, docs/refs.md "Where validation's errors are"), as the
 * list's last name (`Roe, Martin (Hg`), or after a list the tagger cut
 * in two at its `/` (authors, then editors): the names are the editors
 * of the book the title names. */
static bool role_after_authors(bib_reftag *t, const span sp[L])
{
    span au = sp[BIB_REF_AUTHOR], ed = sp[BIB_REF_EDITOR];
    if (!au.found || (sp[BIB_REF_TITLE].found && sp[BIB_REF_TITLE].a < au.a))
        return false;
    size_t b = au.b;   /* one past the names */
    if (ed.found) {
        /* a `/` between: one list; `;` is how DIN 1505 writes an author
         * and an editor (`POSCH, W. ; APATHY, P. (Hrsg.)`) */
        if (ed.a != au.b + 1 || !marks_only(t, au.b, ed.a, "/"))
            return false;
        b = ed.b;
    }
    /* the bracket's `(` at the names' end or among their last tokens */
    size_t r = b > au.a + 3 ? b - 3 : au.a + 1;
    while (r <= b && r + 1 < t->n && !(tok_eq(t, r, "(") && tok_in(t, r + 1, bib__reftag_roles)))
        r++;
    if (r > b || r + 2 >= t->n)
        return false;
    size_t e = r + 2 + (tok_eq(t, r + 2, ".") ? 1 : 0);
    if (e >= t->n || !tok_eq(t, e, ")") || e + 1 < b)
        return false;
    for (size_t j = au.a; j < r; j++)   /* the `/` between the two parts too: one list */
        t->tok[j].label = BIB_REF_EDITOR;
    t->tok[r].label = t->tok[e].label = BIB_REF_PUNCT;
    t->tok[r + 1].label = BIB_REF_NOTE;
    if (e > r + 2)
        t->tok[r + 2].label = BIB_REF_PUNCT;
    return true;
}

/* A name list that is a role word alone (`(Hg.): Title. Leipzig 2016.`,
 * `(ed.)`): one person's own list says that the person edited the book,
 * and names nobody; the word is a note, not a name (the page's owner is
 * the page reader's option, never a guess). After edited_book_subtitle,
 * which reads such a reference as an edited volume. */
static bool role_alone(bib_reftag *t, const span sp[L])
{
    static const int lists[] = { BIB_REF_AUTHOR, BIB_REF_EDITOR };
    for (size_t k = 0; k < 2; k++) {
        span s = sp[lists[k]];
        if (!s.found || !(s.b == s.a + 1 || (s.b == s.a + 2 && tok_eq(t, s.a + 1, "."))) ||
            !tok_in(t, s.a, bib__reftag_roles) || !opens_reference(t, s.a))
            continue;
        t->tok[s.a].label = BIB_REF_NOTE;
        if (s.b > s.a + 1)
            t->tok[s.a + 1].label = BIB_REF_PUNCT;
        return true;
    }
    return false;
}

/* An edited volume cited by its editors (`Roe, Ilona (Hrsg.): Title.
 * Subtitle. Leipzig 2009.`): with the editors opening the reference and
 * no author, no `In`, no volume, issue or pages, the work is the book
 * itself, so a container read right after its title, a period between,
 * is the title's second part. */
static bool edited_book_subtitle(bib_reftag *t, const span sp[L])
{
    span ed = sp[BIB_REF_EDITOR], ti = sp[BIB_REF_TITLE], co = sp[BIB_REF_CONTAINER];
    if (!ed.found || !ti.found || !co.found || sp[BIB_REF_AUTHOR].found || sp[BIB_REF_VOLUME].found ||
        sp[BIB_REF_ISSUE].found || sp[BIB_REF_PAGES].found || ed.b > ti.a || co.a <= ti.b)
        return false;
    if (!opens_reference(t, ed.a) || !marks_only(t, ti.b, co.a, "."))
        return false;
    for (size_t i = 0; i < t->n; i++)
        if (t->tok[i].label == BIB_REF_NOTE && tok_in(t, i, bib__reftag_in_cues))
            return false;
    for (size_t i = ti.b; i < co.b; i++)
        t->tok[i].label = BIB_REF_TITLE;
    return true;
}

/* Does the text of tokens [a, b) parse as a date? */
static bool parses_as_date(const bib_reftag *t, size_t a, size_t b)
{
    bib_date d = { 0 };
    const char *s = tx(t, a);
    int rc = bib_date_parse(&d, s, t->tok[b - 1].off + t->tok[b - 1].len - t->tok[a].off, BIB_DATE_ANY);
    bib_date_clear(&d);
    return rc == 0;
}

/* A place glued to the year that ends a reference (`…, Baden-Baden
 * 2019.`, as German lists write `Ort Jahr`) read with the date: words
 * before the year that the date parser does not take with it (no month,
 * season or day) are the place, when the reference names none. */
static bool place_in_date(bib_reftag *t, const span sp[L])
{
    span d = sp[BIB_REF_DATE];
    if (!d.found || sp[BIB_REF_PLACE].found)
        return false;
    size_t y = d.a;
    while (y < d.b && t->tok[y].kind == BIB_REFTOK_WORD)
        y++;
    if (y == d.a || y >= d.b || t->tok[y].kind != BIB_REFTOK_NUMBER)
        return false;
    uint32_t c0 = 0;   /* a capital in any script (core's case table) */
    if (bib_utf8_decode(tx(t, d.a), t->tok[d.a].len, &c0) <= 0 || !bib_char_is_upper(c0))
        return false;
    for (size_t i = d.b; i < t->n; i++)
        if (t->tok[i].label != BIB_REF_PUNCT)
            return false;
    if (parses_as_date(t, d.a, d.b) || !parses_as_date(t, y, d.b))
        return false;
    for (size_t i = d.a; i < y; i++)
        t->tok[i].label = BIB_REF_PLACE;
    return true;
}

bool bib__reftag_repair_lists(bib_reftag *t, reftag_span sp[L])
{
    /* each repair reads the spans the ones before it left */
    bool (*const first[])(bib_reftag *, const span *) = {
        language_code, bib__reftag_numeric_day_date, bib__reftag_issue_slash_year,
        bib__reftag_container_as_date, series_statement, bib__reftag_book_description,
        bib__reftag_quoted_title_names, bib__reftag_quoted_title_run_on, bib__reftag_quoted_title_second_run, quoted_title_editors,
        in_colon_in_title, by_names_after_title,
        coeditors_after_title, coauthors_in_title, coauthor_bracket_rest, lead_names_before_coauthors,
        coauthors_after_title_comma, coauthors_at_end, in_without_container, own_list_readings, title_word_as_name,
        title_in_name_run, title_read_as_names, role_before_names, venue_in_name_run,
        book_after_in_editors, status_in_brackets, role_after_authors, status_in_before_container,
        status_opens_container, body_after_title, months_as_volume, venue_before_status,
        edited_book_subtitle, role_alone, place_in_date
    };
    bool changed = false;
    for (size_t r = 0; r < sizeof first / sizeof *first; r++)
        if (first[r](t, sp)) {
            changed = true;
            bib__reftag_find_spans(t, sp);
        }
    return changed;
}
