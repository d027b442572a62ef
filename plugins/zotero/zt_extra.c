/* SPDX-License-Identifier: MIT */
/*
 * zt_extra.c - Zotero's Extra field and Zotero's free-form dates.
 *
 * Extra holds what Zotero has no field for, one `Key: value` line each:
 * Zotero's CSL export and citeproc-js read a key that names a CSL variable
 * ("original-date", "Original Date", "DOI") or a Zotero field written out
 * ("Publication Title") as that variable; Better BibTeX adds `Citation Key:`
 * (docs/zoterojson.md, "Extra"). Lines read that way leave Extra; the rest
 * of it is the record's note.
 *
 * Not for: the item's own fields (zt_item.c).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bibconv/buf.h"
#include "bibconv/dates.h"
#include "ztfmt.h"

/* ---- dates ---------------------------------------------------------------- */

static bool digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* Zotero's stored form "YYYY-MM-DD original text" (00 for an unknown part),
 * as its database and some exports hold dates. */
static bool multipart(const char *s, size_t n, bib_date *d)
{
    if (n < 12 || s[4] != '-' || s[7] != '-' || s[10] != ' ' || !digits(s, 4) ||
        !digits(s + 5, 2) || !digits(s + 8, 2) || (s[11] >= '0' && s[11] <= '9' && n > 13 &&
                                                   s[13] == ':'))
        return false; /* a time after the date is an SQL timestamp, parsed below */
    int y = atoi(s), m = (s[5] - '0') * 10 + (s[6] - '0'), dd = (s[8] - '0') * 10 + (s[9] - '0');
    if (y == 0 || m > 12 || dd > 31)
        return false;
    d->nparts = 1;
    d->parts[0].has_year = true;
    d->parts[0].year = y;
    d->parts[0].month = m;
    d->parts[0].day = m ? dd : 0;
    return true;
}

/* "10.5.2001": day, month, year with dots, as Zotero reads it. */
static bool day_month_year(const char *s, size_t n, bib_date *d)
{
    int v[3] = {0, 0, 0}, k = 0;
    size_t i = 0, w[3] = {0, 0, 0};
    for (; i < n && k < 3; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            v[k] = v[k] * 10 + (s[i] - '0');
            if (++w[k] > 4)
                return false;
        } else if (s[i] == '.' && k < 2 && w[k]) {
            k++;
        } else {
            return false;
        }
    }
    if (k != 2 || w[0] > 2 || w[1] > 2 || w[2] != 4 || v[1] < 1 || v[1] > 12 || v[0] < 1 ||
        v[0] > 31)
        return false;
    d->nparts = 1;
    d->parts[0] = (bib_date_part){true, v[2], v[1], v[0], 0};
    return true;
}

int zt_set_date(bib_record *rec, bib_var var, const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s))
        s++, n--;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    if (!n)
        return 0;
    bib_date d = {0};
    int rc;
    /* a date in double quotes is cited as written (Zotero's rule) */
    if (n >= 2 && s[0] == '"' && s[n - 1] == '"') {
        char *lit = strndup(s + 1, n - 2);
        if (!lit)
            return BIB_ENOMEM;
        d.literal = lit;
        rc = bib_record_set_date(rec, var, &d);
        free(lit);
        return rc;
    }
    if (multipart(s, n, &d) || day_month_year(s, n, &d))
        return bib_record_set_date(rec, var, &d);
    /* a timestamp ("2020-01-02 10:11:12", "2011-02-02T22:26:36Z", as
     * accessDate holds them): the date, with the text kept as raw */
    bool stamp = n > 16 && (s[10] == ' ' || s[10] == 'T') && s[13] == ':' && digits(s, 4);
    rc = bib_date_parse(&d, s, stamp ? 10 : n, BIB_DATE_ANY);
    if (rc == 0 && stamp && !d.raw) {
        d.raw = strndup(s, n);
        if (!d.raw) {
            bib_date_clear(&d);
            return BIB_ENOMEM;
        }
    }
    if (rc == BIB_ENOMEM)
        return rc;
    /* not a date: kept as the literal the parser left */
    rc = bib_record_set_date(rec, var, &d);
    bib_date_clear(&d);
    return rc;
}

/* ---- Extra lines ------------------------------------------------------------ */

/* A `Key: value` line: the key's extent and the value's. */
static bool split_line(const char *s, size_t n, size_t *kl, const char **v, size_t *vl)
{
    size_t i = 0;
    if (!n || !isalpha((unsigned char)s[0]))
        return false;
    while (i < n && (isalpha((unsigned char)s[i]) || s[i] == ' ' || s[i] == '-' || s[i] == '_'))
        i++;
    if (i >= n || s[i] != ':' || i > 64)
        return false;
    *kl = i;
    while (*kl && s[*kl - 1] == ' ')
        (*kl)--;
    i++;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    size_t e = n;
    while (e > i && isspace((unsigned char)s[e - 1]))
        e--;
    *v = s + i;
    *vl = e - i;
    return *vl > 0;
}

/* The CSL variable a key names: a CSL key ("original-date", "Original
 * Date") or a Zotero field written out ("Publication Title"). */
static bib_var key_var(const char *k, size_t kl)
{
    char norm[72], camel[72];
    size_t n = 0, c = 0;
    for (size_t i = 0; i < kl; i++) {
        norm[n++] = k[i] == ' ' ? '-' : (char)tolower((unsigned char)k[i]);
        if (k[i] != ' ')
            camel[c++] = k[i];
    }
    norm[n] = camel[c] = '\0';
    bib_var v = bib_var_from_name(norm, n);
    if (v != BIB_VAR_NONE)
        return v;
    /* "Publication Title" -> publicationTitle (an acronym keeps its case) */
    if (c > 1 && islower((unsigned char)camel[1]))
        camel[0] = (char)tolower((unsigned char)camel[0]);
    const zt_field *f = zt_field_find(camel);
    return f ? f->var : BIB_VAR_NONE;
}

/* "Family || Given", or a literal name. */
static int add_name(bib_record *rec, bib_var var, const char *v, size_t vl)
{
    char *s = strndup(v, vl);
    if (!s)
        return BIB_ENOMEM;
    bib_name nm = {0};
    char *bar = strstr(s, "||");
    if (bar) {
        char *e = bar;
        while (e > s && e[-1] == ' ')
            e--;
        *e = '\0';
        char *g = bar + 2;
        while (*g == ' ')
            g++;
        nm.family = s;
        nm.given = *g ? g : NULL;
    } else {
        nm.literal = s;
    }
    int rc = bib_record_add_name(rec, var, &nm);
    free(s);
    return rc == BIB_EINVAL ? 0 : rc;
}

/* Applies one line; *used tells whether it left Extra. */
static int apply_line(bib_record *rec, const char *s, size_t n, bool *used)
{
    size_t kl, vl;
    const char *v;
    *used = false;
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n > 3 && s[0] == '{' && s[1] == ':' && s[n - 1] == '}') {
        s += 2; /* citeproc-js's older form of a line: {:key: value} */
        n -= 3;
    }
    if (!split_line(s, n, &kl, &v, &vl))
        return 0;
    if (kl == 12 && (!strncasecmp(s, "citation key", 12) || !strncasecmp(s, "citation-key", 12))) {
        *used = true; /* Better BibTeX's key; an item's own citationKey wins */
        if (bib_record_id(rec))
            return 0;
        char *k = strndup(v, vl);
        int rc = k ? bib_record_set_id(rec, k) : BIB_ENOMEM;
        free(k);
        return rc;
    }
    if (kl == 4 && !strncasecmp(s, "type", 4)) {
        bib_type t = bib_type_from_name(v, vl);
        if (t != BIB_TYPE_UNKNOWN)
            bib_record_set_type(rec, t), *used = true;
        return 0;
    }
    bib_var var = key_var(s, kl);
    if (var == BIB_VAR_NONE || var == BIB_VAR_NOTE)
        return 0;
    switch (bib_var_kind(var)) {
    case BIB_KIND_NAMES:
        *used = true;
        return add_name(rec, var, v, vl);
    case BIB_KIND_DATE: /* Extra's dates override the item's (Zotero) */
        *used = true;
        return zt_set_date(rec, var, v, vl);
    default:
        if (bib_record_has(rec, var))
            return 0; /* the item's own value wins (citeproc-js) */
        *used = true;
        return bib_record_set_text(rec, var, v, vl);
    }
}

int zt_extra_apply(bib_record *rec, const char *text, size_t len, zt_ctx *ctx)
{
    (void)ctx;
    bib_buf rest;
    bib_buf_init(&rest);
    int rc = 0;
    size_t i = 0;
    while (i < len && !rc) {
        const char *nl = memchr(text + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - text) : len, n = e - i;
        const char *line = text + i;
        if (n && line[n - 1] == '\r')
            n--;
        bool used = false;
        rc = apply_line(rec, line, n, &used);
        if (!used) {
            if (rest.len || n)
                bib_buf_append(&rest, line, n), bib_buf_putc(&rest, '\n');
        }
        i = e + 1;
    }
    while (rest.len && (rest.data[rest.len - 1] == '\n' || rest.data[rest.len - 1] == ' '))
        rest.len--;
    if (!rc && bib_buf_failed(&rest))
        rc = BIB_ENOMEM;
    if (!rc && rest.len)
        rc = bib_record_set_text(rec, BIB_VAR_NOTE, rest.data, rest.len);
    bib_buf_clear(&rest);
    return rc;
}
