/* SPDX-License-Identifier: MIT */
/*
 * reftag_int.h - what the record builder's files share (reftag_record.c,
 * reftag_names.c): token look-ups and the name lists.
 */
#ifndef BIB_REFTAG_INT_H
#define BIB_REFTAG_INT_H

#include <stdbool.h>
#include <stddef.h>

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

/* Adds the names of the name list in tokens [a, b) of t to rec's var
 * (reftag_names.c, docs/refs.md "Records"). 0 or BIB_ENOMEM. */
int bib__reftag_add_names(bib_record *rec, bib_var var, const bib_reftag *t, size_t a, size_t b);

#endif
