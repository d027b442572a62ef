/* SPDX-License-Identifier: MIT */
/*
 * page_order.c - what a list's order says of its names. A bibliography
 * sorted by its authors' family names that writes the first author
 * family first without a comma (`Amrouche Jean, « Titre », in …`, as
 * French and Italian lists do) is read given first by the name parser,
 * one entry at a time; the list as a whole shows it: the words printed
 * first run in alphabetical order, the words printed last do not
 * (docs/page.md, "Names in alphabetical lists").
 *
 * Not for: the names themselves (core's name service).
 */
#include <string.h>

#include "pageint.h"

/* The first author of rec as a pair of one word each, given without a
 * period (no initials), neither particle nor literal: *given and *family,
 * true; else false. */
static bool plain_pair(const bib_record *rec, const char **given, const char **family)
{
    const bib_field *f = bib_record_get(rec, BIB_VAR_AUTHOR);
    if (!f || bib_field_name_count(f) == 0)
        return false;
    const bib_name *nm = bib_field_name_at(f, 0);
    if (!nm->given || !nm->family || nm->literal || nm->dropping_particle ||
        nm->non_dropping_particle || nm->suffix)
        return false;
    if (strchr(nm->given, ' ') || strchr(nm->given, '.') || strchr(nm->family, ' ') ||
        strlen(nm->given) < 2)
        return false;
    *given = nm->given;
    *family = nm->family;
    return true;
}

/* A word's first letter for the alphabet's order, lower case; 0 when it
 * is no ASCII letter (an accented capital: its place is not compared). */
static int first_letter(const char *s)
{
    int c = (unsigned char)s[0] | 0x20;
    return c >= 'a' && c <= 'z' ? c : 0;
}

/* Counts adjacent pairs of the plain first authors whose given (g) or
 * family (f) names' first letters step back in the alphabet. */
static size_t steps_back(bib_record *const *recs, size_t n, size_t *considered, size_t *f_back)
{
    size_t g_back = 0;
    int pg = 0, pf = 0;
    const char *last_g = "", *last_f = "";
    *considered = *f_back = 0;
    for (size_t i = 0; i < n; i++) {
        const char *g, *f;
        if (!plain_pair(recs[i], &g, &f))
            continue;
        int lg = first_letter(g), lf = first_letter(f);
        /* a person's run of entries (or their ditto marks) is one name */
        if (!lg || !lf || (!strcmp(g, last_g) && !strcmp(f, last_f)))
            continue;
        last_g = g;
        last_f = f;
        if (*considered) {
            g_back += lg < pg;
            *f_back += lf < pf;
        }
        (*considered)++;
        pg = lg;
        pf = lf;
    }
    return g_back;
}

/* Swaps the given and family names of rec's first author. */
static int swap_first(bib_record *rec)
{
    const bib_field *f = bib_record_get(rec, BIB_VAR_AUTHOR);
    size_t k = bib_field_name_count(f);
    bool cut = bib_field_names_truncated(f);
    /* the names are copied out before the field goes */
    bib_record *tmp = bib_record_new(BIB_TYPE_DOCUMENT, NULL);
    if (!tmp)
        return BIB_ENOMEM;
    int rc = BIB_OK;
    for (size_t i = 0; i < k && rc == BIB_OK; i++) {
        bib_name nm = *bib_field_name_at(f, i);
        if (i == 0) {
            const char *t = nm.given;
            nm.given = nm.family;
            nm.family = t;
        }
        rc = bib_record_add_name(tmp, BIB_VAR_AUTHOR, &nm);
    }
    if (rc == BIB_OK) {
        bib_record_remove(rec, BIB_VAR_AUTHOR);
        const bib_field *tf = bib_record_get(tmp, BIB_VAR_AUTHOR);
        for (size_t i = 0; i < k && rc == BIB_OK; i++)
            rc = bib_record_add_name(rec, BIB_VAR_AUTHOR, bib_field_name_at(tf, i));
        if (rc == BIB_OK && cut)
            rc = bib_record_set_names_truncated(rec, BIB_VAR_AUTHOR, true);
    }
    bib_record_free(tmp);
    return rc;
}

int page_family_first(bib_record *const *recs, size_t n)
{
    size_t considered, f_back;
    size_t g_back = steps_back(recs, n, &considered, &f_back);
    /* six first authors at least (a run of one name counted once), the
     * words printed first in the alphabet's order (by chance one time in
     * hundreds), the words printed last out of it twice or more: a list
     * sorted by the word it prints first, the family name */
    if (considered < 6 || g_back > 0 || f_back < 2)
        return BIB_OK;
    for (size_t i = 0; i < n; i++) {
        const char *g, *f;
        if (plain_pair(recs[i], &g, &f)) {
            int rc = swap_first(recs[i]);
            if (rc != BIB_OK)
                return rc;
        }
    }
    return BIB_OK;
}
