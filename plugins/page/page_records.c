/* SPDX-License-Identifier: MIT */
/*
 * page_records.c - helpers the layouts' record builders share: quotes of
 * lines for diagnostics, display names to authors, and the cut-page rule
 * (an abstract cut by the page's end is kept, flagged incomplete).
 *
 * Not for: keys and the record queue (page.c), a layout's own records
 * (layout_*.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/names.h"
#include "bibconv/utf8.h"
#include "pageint.h"

const char PAGE_FMT[] = "page";

void page_quote(char *out, size_t cap, const char *s, size_t len)
{
    size_t n = 0, i = 0;
    while (i < len && n + 5 < cap) {
        uint32_t c;
        int k = bib_utf8_decode(s + i, len - i, &c);
        if (k <= 0 || bib_utf8_length(out, n) >= 20)
            break;
        memcpy(out + n, s + i, (size_t)k);
        n += (size_t)k;
        i += (size_t)k;
    }
    if (i < len && n + 4 < cap) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = '\0';
}

int page_set_year(bib_record *rec, int year)
{
    bib_date d;
    memset(&d, 0, sizeof d);
    d.nparts = 1;
    d.parts[0].has_year = true;
    d.parts[0].year = year;
    return bib_record_set_date(rec, BIB_VAR_ISSUED, &d);
}

int page_add_display_name(bib_record *rec, const char *s, size_t len, unsigned flags)
{
    /* `Prof. Dr. Henning Okafor`: the titles are no part of the name */
    size_t h = bib_name_titles(s, len);
    s += h;
    len -= h;
    bib_name nm;
    memset(&nm, 0, sizeof nm);
    int rc = bib_name_parse_display_flags(&nm, s, len, flags);
    if (rc == BIB_ENOMEM)
        return rc;
    if (rc != 0) {
        /* no letters: keep the text as shown */
        char *lit = malloc(len + 1);
        if (!lit)
            return BIB_ENOMEM;
        memcpy(lit, s, len);
        lit[len] = '\0';
        bib_name l = {0};
        l.literal = lit;
        rc = bib_record_add_name(rec, BIB_VAR_AUTHOR, &l);
        free(lit);
        return rc;
    }
    rc = bib_record_add_name(rec, BIB_VAR_AUTHOR, &nm);
    bib_name_clear(&nm);
    return rc;
}

/* A line ends like the end of a text (not cut by the page's end): a
 * sentence's end, or a closing quote or bracket right after one ("...
 * hypothesis.”"); after a word, a quote or bracket closes a phrase or is
 * an apostrophe ("flies’"), and the text may go on. */
static bool ends_complete(const char *s, size_t n)
{
    for (int close = 0; n && close < 3; close++) {
        char c = s[n - 1];
        if (c == '.' || c == '!' || c == '?')
            return true;
        if (c == ')' || c == '"' || c == '\'' || c == ']')
            n--;
        else if (n >= 3 && (memcmp(s + n - 3, "\xE2\x80\x9D", 3) == 0
                            || memcmp(s + n - 3, "\xE2\x80\x99", 3) == 0))
            n -= 3; /* closing curly quotes */
        else
            return false;
    }
    return false;
}

size_t page_last_labelled(const page_lines *pl, const page_role *roles)
{
    for (size_t i = pl->n; i-- > 0;)
        if (roles[i] != PAGE_ROLE_BLANK)
            return i;
    return pl->n;
}

int page_mark_cut(const page_build *b, bib_record *rec, const char *s, size_t n, size_t ln)
{
    /* a line ending on the site's "… (see more)" is the abstract as the
     * site shows it; with text after the marker (the rest the site shows
     * after it) the line may still be cut (docs/page.md, "Pages cut short") */
    size_t ml = 0;
    long at = page_find_abs_marker(s, n, &ml);
    bool marker_ends = at >= 0 && (size_t)at + ml >= n;
    if (b->more || marker_ends || ends_complete(s, n))
        return BIB_OK;
    bib_input_report(b->in, BIB_SEV_WARNING, ln, 1,
                     "page ends inside a record; kept as far as it goes");
    return bib_record_add_extra(rec, PAGE_FMT, "incomplete", "true", 4);
}
