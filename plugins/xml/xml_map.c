/* SPDX-License-Identifier: MIT */
/*
 * xml_map.c - the parts of the XML readers that need no parser: compiling
 * a crosswalk row's path, and the plain kinds of rows (text, list, DOI,
 * date, id) that xml_map_plain maps for both formats. Split from
 * xml_read.c, which holds the parser, the record tree and the walk.
 */
#include <stdlib.h>
#include <string.h>

#include "xmlfmt.h"

/* ---- paths -------------------------------------------------------------- */

static int compile_step(xml_step *st, const char *s, size_t n)
{
    memset(st, 0, sizeof *st);
    const char *at = memchr(s, '@', n);
    size_t nl = at ? (size_t)(at - s) : n;
    if (nl == 0 || nl >= sizeof st->name)
        return -1;
    memcpy(st->name, s, nl);
    if (!at)
        return 0;
    const char *eq = memchr(at, '=', n - nl);
    if (!eq)
        return -1;
    size_t al = (size_t)(eq - at - 1), vl = n - nl - al - 2;
    if (al == 0 || al >= sizeof st->attr || vl >= sizeof st->value)
        return -1;
    memcpy(st->attr, at + 1, al);
    memcpy(st->value, eq + 1, vl);
    return 0;
}

static int compile_path(const char *path, xml_cpath *out)
{
    out->n = 0;
    const char *p = path;
    while (*p) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (out->n >= XML_MAX_STEPS || compile_step(&out->step[out->n], p, n) < 0)
            return -1;
        out->n++;
        p += n;
        if (*p == '/')
            p++;
    }
    return out->n ? 0 : -1;
}

int xml_compile_paths(const xml_row *rows, size_t nrows, xml_cpath *out)
{
    for (size_t i = 0; i < nrows; i++)
        if (compile_path(rows[i].path, &out[i]) < 0)
            return -1;
    return 0;
}

int xml_compile_one(const char *path, xml_cpath *out)
{
    return compile_path(path, out);
}

/* ---- the plain kinds ------------------------------------------------------ */

/* Sets or appends a text value. Rich text (the title variables) is plain
 * text as it stands (bib_rich_from_plain copies it unchanged), so a long
 * title is given to the record like any text (xml_keep). */
static int put_text(xml_rec *r, bib_var var, const char *s, size_t len, bool append)
{
    if (!(s = xml_keep(r, s, len)))
        return BIB_ENOMEM;
    return append ? bib_record_add_text(r->rec, var, s, len)
                  : bib_record_set_text(r->rec, var, s, len);
}

/* s[0..len) kept as an extra of the record under the row's path. */
static int keep_extra(xml_rec *r, const xml_row *row, const char *s, size_t len)
{
    const char *v = xml_keep(r, s, len);
    return v ? bib_record_add_extra(r->rec, r->d->format, row->path, v, len) : BIB_ENOMEM;
}

/* A second value of a one-value variable: kept as an extra under the
 * row's path unless it repeats the first. */
static int keep_repeat(xml_rec *r, const xml_row *row, const char *s, size_t len)
{
    const char *have = bib_record_text(r->rec, row->var);
    if (have && strlen(have) == len && memcmp(have, s, len) == 0)
        return 0;
    return keep_extra(r, row, s, len);
}

static bool plain_single(const bib_date *d)
{
    return d && d->nparts == 1 && d->parts[0].has_year && !d->literal && !d->raw && !d->circa;
}

/* a is b or b with less precision (2003 of January 2003) */
static bool coarser_or_same(const bib_date_part *a, const bib_date_part *b)
{
    return a->year == b->year &&
           (!a->month || (a->month == b->month && (!a->day || a->day == b->day))) &&
           (!a->season || a->season == b->season);
}

/* A second date of a date variable (have): MODS's point="end" closes a
 * range; a date that only adds precision (a host's "Jan. 2003" after
 * dateIssued 2003) replaces it; one that says less, or the same, is not
 * news; any other is kept as an extra under the row's path (docs/xml.md). */
static int second_date(xml_rec *r, const xml_row *row, xml_node *n, const bib_date *have,
                       const bib_date *d, const char *s, size_t len)
{
    const char *point = xml_attr(n, "point");
    if (plain_single(have) && plain_single(d)) {
        const bib_date_part *a = &have->parts[0], *b = &d->parts[0];
        if (point && strcmp(point, "end") == 0) {
            bib_date range = {.nparts = 2, .parts = {*a, *b}};
            return bib_record_set_date(r->rec, row->var, &range);
        }
        if (coarser_or_same(b, a))
            return 0;
        if (coarser_or_same(a, b))
            return bib_record_set_date(r->rec, row->var, d);
    } else if (have && have->nparts == 2 && plain_single(d) &&
               (coarser_or_same(&d->parts[0], &have->parts[0]) ||
                coarser_or_same(&d->parts[0], &have->parts[1]))) {
        return 0; /* an end of the range already read */
    }
    return keep_extra(r, row, s, len);
}

static size_t doi_start(const char *s, size_t len)
{
    static const char *const pre[] = {"https://doi.org/", "http://doi.org/",
                                      "https://dx.doi.org/", "http://dx.doi.org/",
                                      "doi:", "DOI:", "doi: ", "DOI: "};
    for (size_t i = sizeof pre / sizeof pre[0]; i-- > 0;) {
        size_t n = strlen(pre[i]);
        if (len > n && strncmp(s, pre[i], n) == 0)
            return n;
    }
    return 0;
}

int xml_map_plain(xml_rec *r, const xml_row *row, xml_node *n)
{
    size_t len;
    const char *s;
    switch (row->kind) {
    case XK_TEXT:
    case XK_DOI:
        s = xml_text(r, n, &len);
        if (!len)
            return 0;
        if (row->kind == XK_DOI) {
            size_t k = doi_start(s, len);
            s += k;
            len -= k;
        }
        if (bib_record_has(r->rec, row->var))
            return keep_repeat(r, row, s, len);
        return put_text(r, row->var, s, len, false);
    case XK_LIST:
        s = xml_text(r, n, &len);
        return len ? put_text(r, row->var, s, len, true) : 0;
    case XK_DATE: {
        s = xml_text(r, n, &len);
        if (!len)
            return 0;
        bib_date d;
        int rc = bib_date_parse(&d, s, len, BIB_DATE_ANY);
        if (rc == BIB_ENOMEM)
            return rc;
        const bib_field *f = bib_record_get(r->rec, row->var);
        rc = f ? second_date(r, row, n, bib_field_date(f), &d, s, len)
               : bib_record_set_date(r->rec, row->var, &d);
        bib_date_clear(&d);
        return rc;
    }
    case XK_ID:
        s = xml_text(r, n, &len);
        if (!len || bib_record_id(r->rec))
            return 0;
        {
            char *v = strndup(s, len);
            if (!v)
                return BIB_ENOMEM;
            int rc = bib_record_set_id(r->rec, v);
            free(v);
            return rc;
        }
    default:
        return 1;
    }
}
