/* SPDX-License-Identifier: MIT */
/*
 * page_records.c - helpers the layouts' record builders share: quotes of
 * lines for diagnostics and display names to authors.
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

int page_add_display_name(bib_record *rec, const char *s, size_t len)
{
    bib_name nm;
    memset(&nm, 0, sizeof nm);
    int rc = bib_name_parse_display(&nm, s, len);
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
