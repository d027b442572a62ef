/* SPDX-License-Identifier: MIT */
/*
 * reftag_int.h - what the record builder's files share (reftag_record.c,
 * reftag_names.c): token look-ups and the name lists.
 */
#ifndef BIB_REFTAG_INT_H
#define BIB_REFTAG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "bibconv/record.h"
#include "reftag_model.h"

static inline const char *tx(const bib_reftag *t, size_t i) { return t->s + t->tok[i].off; }

static inline bool tok_eq(const bib_reftag *t, size_t i, const char *lit)
{
    if (i >= t->n)
        return false;
    /* compared as the literal goes, no strlen: the name list's loop asks
     * every token against two dozen words */
    size_t n = t->tok[i].len;
    for (size_t k = 0; k < n; k++) {
        char c = tx(t, i)[k];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c + 32);
        if (!lit[k] || c != lit[k])
            return false;
    }
    return lit[n] == '\0';
}

static inline bool tok_in(const bib_reftag *t, size_t i, const char *const *list)
{
    if (i >= t->n || !t->tok[i].len)
        return false;
    /* the first letters compared here: most words of a list miss at it */
    char c = tx(t, i)[0];
    if (c >= 'A' && c <= 'Z')
        c = (char)(c + 32);
    for (; *list; list++)
        if ((*list)[0] == c && tok_eq(t, i, *list))
            return true;
    return false;
}

/* The role words after or before a list of editors and other
 * contributors (`ed.`, `Hrsg.`, `dir.`, `trans.`; reftag_names.c). */
extern const char *const bib__reftag_roles[];

/* The words before a container or its editors (`In:`, `Dans`, `Em:`,
 * `En:`, Polish `W:`, Czech `V:`; reftag_record.c). */
extern const char *const bib__reftag_in_cues[];

/* The number of tokens of a publication status phrase (`in press`,
 * `forthcoming`, `im Druck`) at token i, whatever their labels; 0 when
 * none starts there (reftag_record.c). */
size_t bib__reftag_status_at(const bib_reftag *t, size_t i);

/* The token of a language code in brackets that ends a reference (`(EN)`,
 * `[DE]`: a multilingual list's mark of the work's language, ISO 639-1 in
 * capitals), or SIZE_MAX (reftag_repair.c). */
size_t bib__reftag_language_at_end(const bib_reftag *t);

/* Adds the names of the name list in tokens [a, b) of t to rec's var
 * (reftag_names.c, docs/refs.md "Records"). 0 or BIB_ENOMEM. */
int bib__reftag_add_names(bib_record *rec, bib_var var, const bib_reftag *t, size_t a, size_t b);

/* A word of one capital letter (an initial). */
static inline bool lone_initial(const bib_reftag *t, size_t i)
{
    const char *p = tx(t, i);
    return t->tok[i].kind == BIB_REFTOK_WORD && t->tok[i].len == 1 && p[0] >= 'A' && p[0] <= 'Z';
}

/* A hyphen or an en or em dash. */
static inline bool is_dash(const bib_reftag *t, size_t i)
{
    return i < t->n && t->tok[i].kind == BIB_REFTOK_PUNCT &&
           (tok_eq(t, i, "-") || tok_eq(t, i, "\xe2\x80\x93") || tok_eq(t, i, "\xe2\x80\x94"));
}

/* Token i is a double quote mark that may open (open) or close a title:
 * `"`, or `“` `„` `«` to open, `”` `“` `»` to close. */
static inline bool quote_mark(const bib_reftag *t, size_t i, bool open)
{
    if (i >= t->n || t->tok[i].kind != BIB_REFTOK_PUNCT)
        return false;
    const char *p = tx(t, i);
    size_t n = t->tok[i].len;
    if (n == 1)
        return p[0] == '"';
    if (n == 2 && (unsigned char)p[0] == 0xC2)
        return (unsigned char)p[1] == (open ? 0xAB : 0xBB);
    if (n == 3 && (unsigned char)p[0] == 0xE2 && (unsigned char)p[1] == 0x80) {
        unsigned char c = (unsigned char)p[2];
        return open ? c == 0x9C || c == 0x9E : c == 0x9D || c == 0x9C;
    }
    return false;
}

/* Token i is punctuation whose one byte is in set. */
static inline bool punct_in(const bib_reftag *t, size_t i, const char *set)
{
    return i < t->n && t->tok[i].kind == BIB_REFTOK_PUNCT && t->tok[i].len == 1 &&
           strchr(set, tx(t, i)[0]);
}

/* Tokens [a, b) are punctuation labelled so, each a byte of set. */

/* The first run of each label: token range [a, b) (reftag_record.c). */
typedef struct reftag_span {
    size_t a, b;
    bool found;
} reftag_span;

/* Each label's first run into sp (BIB_REF_LABEL_COUNT entries), the
 * authors being the longer list after a citation label's date
 * (reftag_record.c). */
void bib__reftag_find_spans(const bib_reftag *t, reftag_span sp[BIB_REF_LABEL_COUNT]);

/* The record builder's first repairs of the labels: the readings of one
 * person's own list (`in:` cues, series statements, titles read as
 * names, co-authors after `By`) and of title-first entries
 * (reftag_repair.c, docs/refs.md "Records"). Each reads the spans the
 * ones before it left, which sp is kept in step with. True when a label
 * changed. */
bool bib__reftag_repair_lists(bib_reftag *t, reftag_span sp[BIB_REF_LABEL_COUNT]);

/* How many pieces tokens [a, e) hold, cut at `,` `;` and the words of
 * joins, when the name model reads every piece as a person's name (its
 * score above 0, its boundary); 0 when one is not, or when the model ran
 * out of memory (reftag_quoted.c). */
size_t bib__reftag_people(const bib_reftag *t, size_t a, size_t e, const char *const *joins);

/* The repairs of quoted titles and misread numbers (reftag_quoted.c),
 * each true when a label changed; bib__reftag_repair_lists calls them. */
bool bib__reftag_quoted_title_run_on(bib_reftag *t, const reftag_span sp[BIB_REF_LABEL_COUNT]);
bool bib__reftag_quoted_title_names(bib_reftag *t, const reftag_span sp[BIB_REF_LABEL_COUNT]);
bool bib__reftag_quoted_title_second_run(bib_reftag *t, const reftag_span sp[BIB_REF_LABEL_COUNT]);
bool bib__reftag_numeric_day_date(bib_reftag *t, const reftag_span sp[BIB_REF_LABEL_COUNT]);
bool bib__reftag_issue_slash_year(bib_reftag *t, const reftag_span sp[BIB_REF_LABEL_COUNT]);
bool bib__reftag_container_as_date(bib_reftag *t, const reftag_span sp[BIB_REF_LABEL_COUNT]);

/* A German book description after its title (`Title, Verlag X (Series
 * Bd. 43), XXV, 552 S., kart., Berlin 2004`; reftag_book.c). */
bool bib__reftag_book_description(bib_reftag *t, const reftag_span sp[BIB_REF_LABEL_COUNT]);

#endif
