/* SPDX-License-Identifier: MIT */
/*
 * reftag_quoted.c - the record builder's repairs of quoted titles and of
 * numbers the tagger misreads (bib__reftag_repair_lists, reftag_int.h,
 * calls them in its order): a quoted title ends at its closing mark (the
 * container, the authors or a talk's place after it), a day's date
 * written in numbers, an issue with its year after a slash. Each is
 * general (docs/refs.md "Records"); the rest of the repairs are in
 * reftag_repair.c.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "bibconv/reftag.h"
#include "names_internal.h"
#include "reftag_int.h"

/* A title opened by a quote mark that the tagger ran on past its closing
 * mark into the container (`“Reengagement with Chinese Institutions.”
 * Change: The Magazine of Higher Learning, 2023.`, an entry without
 * names): with no container found, the title ends at a closing mark
 * that follows the title's final `.`, `,`, `?` or `!` or comes before a
 * `,`, `.`, `:` or `;` (a quote inside a title, `The “New” Economy`,
 * does neither), and the words after it are the container. */
bool bib__reftag_quoted_title_run_on(bib_reftag *t, const reftag_span sp[BIB_REF_LABEL_COUNT])
{
    reftag_span ti = sp[BIB_REF_TITLE];
    if (!ti.found || ti.a == 0 || sp[BIB_REF_CONTAINER].found || !quote_mark(t, ti.a - 1, true))
        return false;
    for (size_t k = ti.a + 2; k + 1 < ti.b; k++) {
        bool before = punct_in(t, k - 1, ".,?!");
        if (!quote_mark(t, k, false) || !(before || punct_in(t, k + 1, ",.:;")))
            continue;
        size_t j = k + 1;
        while (j < ti.b && t->tok[j].kind == BIB_REFTOK_PUNCT)
            j++;
        bool words = false;
        for (size_t w = j; w < ti.b; w++)
            words |= t->tok[w].kind == BIB_REFTOK_WORD;
        if (!words)
            return false;
        for (size_t p = k; p < j; p++)
            t->tok[p].label = BIB_REF_PUNCT;
        if (before && !punct_in(t, k - 1, "?!"))
            t->tok[k - 1].label = BIB_REF_PUNCT;
        for (; j < ti.b; j++)
            t->tok[j].label = BIB_REF_CONTAINER;
        return true;
    }
    return false;
}

size_t bib__reftag_people(const bib_reftag *t, size_t a, size_t e, const char *const *joins)
{
    size_t pieces = 0;
    for (size_t j = a; j <= e; j++) {
        if (j < e && !(punct_in(t, j, ",;") || tok_in(t, j, joins)))
            continue;
        if (j > a) {
            double sc = 0;
            size_t n = t->tok[j - 1].off + t->tok[j - 1].len - t->tok[a].off;
            if (bib__name_score_of(tx(t, a), n, &sc) || sc <= 0)
                return 0;
            pieces++;
        }
        a = j + 1;
    }
    return pieces;
}

/* A quoted title with its authors right after its closing mark
 * (`"Title" Sara Roe`, `“Title,” M. Roe with Q. Lee`, as a
 * department's paper series lists its papers): the tagger may run the
 * title on over the names, or read them as a place or a publisher. With
 * no author run before the mark, when the one run of words after it (at
 * most 12 tokens, one label, the marks `,` `;` `.` inside) splits at
 * `,` `;` and the joining words into pieces the name model reads as
 * names (and it is no venue: below), the words are the authors (`with` and `and` with them, as the
 * co-author lists are labelled; a leading `and` stays with them: the
 * list's owner is left out). A title that opens with a quoted phrase
 * (`"Liberté" en débat`) does not read as names. */
bool bib__reftag_quoted_title_names(bib_reftag *t, const reftag_span sp[BIB_REF_LABEL_COUNT])
{
    static const char *const joins[] = { "and", "und", "&", "et", "y", "e", "en", "i", "with",
                                         NULL };
    reftag_span ti = sp[BIB_REF_TITLE], au = sp[BIB_REF_AUTHOR];
    if (!ti.found || ti.a == 0 || !quote_mark(t, ti.a - 1, true))
        return false;
    size_t k = ti.a + 1;
    while (k < ti.b && !quote_mark(t, k, false))
        k++;
    if (k == ti.b && !quote_mark(t, k, false)) {
        if (!punct_in(t, k, ".,?!") || !quote_mark(t, k + 1, false))
            return false;
        k++;
    }
    if (au.found && au.a < k)
        return false;
    size_t s0 = k + 1;
    while (s0 < t->n && punct_in(t, s0, ","))
        s0++;
    if (s0 >= t->n || t->tok[s0].kind != BIB_REFTOK_WORD)
        return false;
    /* a run read as a container, or one with a journal's numbers after
     * it (`“Title”, Quid Novi, nº. 21, 2013, pp. 115-148`), is the
     * venue: a journal's name may read as a person's */
    int lab = t->tok[s0].label;
    if ((lab == BIB_REF_AUTHOR && k >= ti.b) || lab == BIB_REF_CONTAINER)
        return false;
    size_t e = s0;
    while (e < t->n && (t->tok[e].label == lab ||
                        (punct_in(t, e, ",;.") && e + 1 < t->n && t->tok[e + 1].label == lab)))
        e++;
    if (e - s0 > 12)
        return false;
    for (size_t j = e; j < t->n; j++)
        if (t->tok[j].label == BIB_REF_VOLUME || t->tok[j].label == BIB_REF_ISSUE ||
            t->tok[j].label == BIB_REF_PAGES)
            return false;
    if (!bib__reftag_people(t, s0, e, joins))
        return false;
    for (size_t j = k; j < s0; j++)
        t->tok[j].label = BIB_REF_PUNCT;
    if (k > ti.b)
        t->tok[k - 1].label = BIB_REF_PUNCT;
    for (size_t j = s0; j < e; j++)
        t->tok[j].label = BIB_REF_AUTHOR;
    return true;
}

/* Tokens [a, y] stand inside a title's words (`Der Hafen vom 23.02.2020:
 * …`): a date the title names, not the work's. */
static bool inside_title(const bib_reftag *t, size_t a, size_t y)
{
    size_t k = y + 1;
    while (k < t->n && t->tok[k].kind == BIB_REFTOK_PUNCT)
        k++;
    return a > 0 && t->tok[a - 1].kind == BIB_REFTOK_WORD && t->tok[a - 1].label == BIB_REF_TITLE &&
           k < t->n && t->tok[k].label == BIB_REF_TITLE;
}

/* A day's date written with numbers before its year (`29.04.2024`,
 * `30.-31.05.2024`, `14.-16.11.2024`, `7/3/2019`), as talks lists write
 * when a talk was given: the tagger may read the day and month as a
 * volume and an issue, or as a container. Numbers of one or two digits
 * joined by `.`, `/` and dashes, ending on a month (12 at most) and its
 * mark right before a year (whatever the tagger made of it), are the
 * date's, the year with them, unless they stand inside a title's words. */
bool bib__reftag_numeric_day_date(bib_reftag *t, const reftag_span sp[BIB_REF_LABEL_COUNT])
{
    (void)sp;
    bool changed = false;
    for (size_t y = 4; y < t->n; y++) {
        if (t->tok[y].kind != BIB_REFTOK_NUMBER || t->tok[y].len != 4 ||
            !(tx(t, y)[0] == '1' || tx(t, y)[0] == '2') || !punct_in(t, y - 1, "./") ||
            t->tok[y - 2].kind != BIB_REFTOK_NUMBER || t->tok[y - 2].len > 2 ||
            !punct_in(t, y - 3, "./") || t->tok[y - 4].kind != BIB_REFTOK_NUMBER ||
            t->tok[y - 4].len > 2)
            continue;
        const char *m = tx(t, y - 2);
        int month = t->tok[y - 2].len == 1 ? m[0] - '0' : (m[0] - '0') * 10 + m[1] - '0';
        if (month < 1 || month > 12)
            continue;
        /* a range's first day (`30.-31.05.`, `7.-8.10.`) before the day */
        size_t a = y - 4;
        while (a >= 3 && is_dash(t, a - 1) && punct_in(t, a - 2, "./") &&
               t->tok[a - 3].kind == BIB_REFTOK_NUMBER && t->tok[a - 3].len <= 2)
            a -= 3;
        if (inside_title(t, a, y))
            continue;
        for (size_t j = a; j <= y; j++)
            if (t->tok[j].label != BIB_REF_DATE) {
                t->tok[j].label = BIB_REF_DATE;
                changed = true;
            }
    }
    return changed;
}

/* An issue written with its year after a slash (`n. 2/2020`, `Nr.
 * 4/2012`, `Heft 3/1999`), as Italian, German and Scandinavian journals
 * number their issues: the tagger may read the number as a volume and the
 * word into the container. After an issue word (and its period), a
 * number of one to three digits, `/` and a year: the word and the number
 * are the issue (the builder strips the word), the year the date. */
bool bib__reftag_issue_slash_year(bib_reftag *t, const reftag_span sp[BIB_REF_LABEL_COUNT])
{
    static const char *const words[] = { "n", "no", "nr", "num", "heft", "h", "fasc", "issue",
                                         NULL };
    if (sp[BIB_REF_ISSUE].found || !memchr(t->s, '/', t->len))
        return false;
    for (size_t y = 3; y < t->n; y++) {
        if (t->tok[y].kind != BIB_REFTOK_NUMBER || t->tok[y].len != 4 ||
            !(tx(t, y)[0] == '1' || tx(t, y)[0] == '2') || !tok_eq(t, y - 1, "/") ||
            t->tok[y - 2].kind != BIB_REFTOK_NUMBER || t->tok[y - 2].len > 3)
            continue;
        size_t w = y - 3;
        if (tok_eq(t, w, ".") && w > 0)
            w--;
        if (t->tok[w].kind != BIB_REFTOK_WORD || !tok_in(t, w, words))
            continue;
        for (size_t j = w; j <= y - 2; j++)
            t->tok[j].label = BIB_REF_ISSUE;
        t->tok[y - 1].label = BIB_REF_PUNCT;
        t->tok[y].label = BIB_REF_DATE;
        return true;
    }
    return false;
}

/* A quoted title and, after other fields, a second run of title words
 * (`„Title“, 29.04.2024, Universität Rostock, im Rahmen der Reihe …`, a
 * talk's place and series; `“Title,” 2019, Workshop on …`): a quoted
 * title ends at its closing mark, so with no container found the later
 * run is the container, as in quoted_title_run_on. */
bool bib__reftag_quoted_title_second_run(bib_reftag *t, const reftag_span sp[BIB_REF_LABEL_COUNT])
{
    reftag_span ti = sp[BIB_REF_TITLE];
    if (!ti.found || ti.a == 0 || sp[BIB_REF_CONTAINER].found || !quote_mark(t, ti.a - 1, true))
        return false;
    /* the closing mark after the run, or at the end of it among its
     * trailing marks (`Memory “ ,` read with the title) */
    size_t e = ti.b;
    while (e > ti.a + 1 && t->tok[e - 1].kind == BIB_REFTOK_PUNCT)
        e--;
    size_t k = e;
    while (k <= ti.b + 1 && k < t->n && !quote_mark(t, k, false))
        k++;
    if (k > ti.b + 1 || k >= t->n || (k == ti.b + 1 && !punct_in(t, ti.b, ".,?!")))
        return false;
    size_t r = k + 1 > ti.b ? k + 1 : ti.b;
    while (r < t->n && t->tok[r].label != BIB_REF_TITLE)
        r++;
    /* other fields between the two runs, not a mark alone */
    bool between = false;
    for (size_t j = k + 1 > ti.b ? k + 1 : ti.b; j < r; j++)
        between |= t->tok[j].label != BIB_REF_PUNCT;
    if (r >= t->n || !between)
        return false;
    for (size_t j = e; j < ti.b; j++)
        t->tok[j].label = BIB_REF_PUNCT;
    for (; r < t->n && t->tok[r].label == BIB_REF_TITLE; r++)
        t->tok[r].label = BIB_REF_CONTAINER;
    return true;
}

/* A run read as the date that holds no number and opens with an `in`
 * cue and a capitalised name of two words or more (`in Rivista di
 * storia portuale n. 1/2020`, the date after it): a journal, which the
 * tagger took for a date's words. With no container, the cue is a note
 * and the words the container; `in press`, `im Druck` (one word) stay. */
bool bib__reftag_container_as_date(bib_reftag *t, const reftag_span sp[BIB_REF_LABEL_COUNT])
{
    reftag_span da = sp[BIB_REF_DATE];
    if (!da.found || sp[BIB_REF_CONTAINER].found || da.b - da.a < 3 ||
        !tok_in(t, da.a, bib__reftag_in_cues) || !(tx(t, da.a + 1)[0] >= 'A' && tx(t, da.a + 1)[0] <= 'Z'))
        return false;
    for (size_t j = da.a; j < da.b; j++)
        if (t->tok[j].kind == BIB_REFTOK_NUMBER)
            return false;
    t->tok[da.a].label = BIB_REF_NOTE;
    for (size_t j = da.a + 1; j < da.b; j++)
        t->tok[j].label = BIB_REF_CONTAINER;
    return true;
}
