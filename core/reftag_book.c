/* SPDX-License-Identifier: MIT */
/*
 * reftag_book.c - the record builder's repair of a book's description
 * as German lists write one person's books (docs/refs.md "Records"):
 * `Title, Verlag X (Series Bd. 43), XXV, 552 S., kart., Berlin 2004`.
 * No training style renders it, and the tagger runs the title on into
 * the publisher and the series, or reads them as names. Called by
 * bib__reftag_repair_lists (reftag_repair.c).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bibconv/reftag.h"
#include "reftag_int.h"

/* `552 S.`: a book's number of pages (Seiten). */
static bool pages_count_at(const bib_reftag *t, size_t i)
{
    return i + 2 < t->n && t->tok[i].kind == BIB_REFTOK_NUMBER && tok_eq(t, i + 1, "s") &&
           tx(t, i + 1)[0] == 'S' && tok_eq(t, i + 2, ".");
}

/* A roman number of front-matter pages (`XXV`). */
static bool roman_at(const bib_reftag *t, size_t i)
{
    if (i >= t->n || t->tok[i].kind != BIB_REFTOK_WORD || t->tok[i].len > 7)
        return false;
    for (size_t k = 0; k < t->tok[i].len; k++)
        if (!strchr("IVXLCDM", tx(t, i)[k]))
            return false;
    return true;
}

/* A series in brackets with its volume (`(Jus Publicum Bd. 121)`,
 * `(Schriften zum Öffentlichen Recht, Band 1216)`): the bracket's index,
 * its closing bracket in *close and the volume word in *vol. */
static size_t series_bracket(const bib_reftag *t, size_t *close, size_t *vol)
{
    static const char *const vol_words[] = { "bd", "band", NULL };
    for (size_t i = 1; i + 4 < t->n; i++) {
        if (!tok_eq(t, i, "(") || t->tok[i + 1].kind != BIB_REFTOK_WORD)
            continue;
        for (size_t j = i + 2; j + 1 < t->n && j < i + 16; j++) {
            if (tok_eq(t, j, ")") || tok_eq(t, j, "("))
                break;
            if (!tok_in(t, j, vol_words))
                continue;
            size_t k = j + 1 + tok_eq(t, j + 1, ".");
            if (k + 1 < t->n && t->tok[k].kind == BIB_REFTOK_NUMBER && tok_eq(t, k + 1, ")")) {
                *close = k + 1;
                *vol = j;
                return i;
            }
            break;
        }
    }
    return SIZE_MAX;
}

/* Words of a book's binding after a comma (`kart.`, `Leinen`, `geb.`). */
static bool binding_at(const bib_reftag *t, size_t i)
{
    static const char *const words[] = { "kart", "leinen", "geb", "brosch", "pappband", "ln",
                                         NULL };
    return punct_in(t, i - 1, ",") && tok_in(t, i, words);
}

/* The bytes first (this runs on every reference): a number of pages
 * (`552 S.`) or a volume word (`Bd.`, `Band`) somewhere in the text. */
static bool book_bytes(const char *s, size_t n)
{
    for (const char *p = s, *e = s + n; (p = memchr(p, 'S', (size_t)(e - p))) != NULL; p++)
        if (p - s >= 2 && p[-1] == ' ' && p[-2] >= '0' && p[-2] <= '9' && p + 1 < e &&
            p[1] == '.')
            return true;
    for (const char *p = s, *e = s + n; (p = memchr(p, 'B', (size_t)(e - p))) != NULL; p++)
        if (p + 2 < e && p[1] == 'd' && (p[2] == '.' || p[2] == ' '))
            return true;
        else if (p + 4 < e && !memcmp(p + 1, "and ", 4))
            return true;
    return false;
}

/* The description's head: the title, then `, Publisher` right before the
 * series bracket or the number of pages (a roman number of pages before
 * it passed over). The publisher is one to eight tokens of capitalised
 * words, `&`, `.` and `-` between two commas (or a comma and the
 * bracket); the title every token before its comma, from the
 * reference's first word or after the names that open it when they read
 * as people (`Roe, Hans, Title, Verlag X, 300 S.`; the tagger may read a
 * title as names, `Hafen – Zoll – Handel`); a chapter's `in:` inside
 * says it is no book. */
bool bib__reftag_book_description(bib_reftag *t, const reftag_span sp[BIB_REF_LABEL_COUNT])
{
    (void)sp;
    if (!book_bytes(t->s, t->len))
        return false;
    size_t close = 0, vol = 0, open = series_bracket(t, &close, &vol);
    size_t pc = SIZE_MAX;
    for (size_t i = 1; i < t->n && pc == SIZE_MAX; i++)
        if (pages_count_at(t, i) && punct_in(t, i - 1, ","))
            pc = i;
    if (open == SIZE_MAX && pc == SIZE_MAX)
        return false;
    size_t anchor = open != SIZE_MAX && open < pc ? open : pc;
    if (anchor == pc && anchor >= 3 && roman_at(t, anchor - 2) && punct_in(t, anchor - 3, ","))
        anchor -= 2;   /* `XXV, 552 S.` */
    size_t e = anchor;
    while (e > 0 && punct_in(t, e - 1, ","))
        e--;
    size_t c = e;
    while (c > 0 && !punct_in(t, c - 1, ","))
        c--;
    if (c < 2 || e - c == 0 || e - c > 8 || !(tx(t, c)[0] >= 'A' && tx(t, c)[0] <= 'Z'))
        return false;
    for (size_t k = c; k < e; k++)
        if (t->tok[k].kind == BIB_REFTOK_NUMBER ||
            (t->tok[k].kind == BIB_REFTOK_PUNCT && !punct_in(t, k, "&.-")))
            return false;
    static const char *const joins[] = { "and", "und", "&", NULL };
    size_t h = 0;
    while (h < c && t->tok[h].label == BIB_REF_PUNCT)
        h++;
    if (h < c && t->tok[h].label == BIB_REF_AUTHOR) {
        /* the run read as names, up to its first comma (`Hans Roe,
         * Title, …` read as one run) */
        size_t a = h;
        while (a < c && t->tok[a].label == BIB_REF_AUTHOR && !punct_in(t, a, ","))
            a++;
        while (a > h && t->tok[a - 1].kind == BIB_REFTOK_PUNCT)
            a--;
        if (a < c && bib__reftag_people(t, h, a, joins))
            for (h = a; h < c && t->tok[h].kind == BIB_REFTOK_PUNCT; h++)
                t->tok[h].label = BIB_REF_PUNCT;
    }
    for (size_t k = h; k + 1 < c; k++)
        if (tok_in(t, k, bib__reftag_in_cues) && tok_eq(t, k + 1, ":"))
            return false;
    for (size_t k = h; k + 1 < c; k++)
        t->tok[k].label = BIB_REF_TITLE;
    t->tok[c - 1].label = BIB_REF_PUNCT;
    for (size_t k = c; k < e; k++)
        t->tok[k].label = BIB_REF_PUBLISHER;
    if (open != SIZE_MAX) {
        t->tok[open].label = t->tok[close].label = BIB_REF_PUNCT;
        for (size_t k = open + 1; k < vol; k++)
            t->tok[k].label = punct_in(t, k, ",") && k + 1 == vol ? BIB_REF_PUNCT
                                                                 : BIB_REF_COLLECTION;
        for (size_t k = vol; k < close; k++)
            t->tok[k].label = BIB_REF_VOLUME;
    }
    /* the number of pages (the builder's number-of-pages), their roman
     * front matter and the binding: notes */
    for (size_t k = anchor; k < t->n; k++) {
        if (pages_count_at(t, k)) {
            t->tok[k].label = t->tok[k + 1].label = t->tok[k + 2].label = BIB_REF_PAGES;
            t->tok[k - 1].label = BIB_REF_PUNCT;
            if (k >= 2 && roman_at(t, k - 2) && punct_in(t, k - 1, ","))
                t->tok[k - 2].label = BIB_REF_NOTE;
        } else if (binding_at(t, k)) {
            t->tok[k].label = BIB_REF_NOTE;
            t->tok[k - 1].label = BIB_REF_PUNCT;
        }
    }
    return true;
}
