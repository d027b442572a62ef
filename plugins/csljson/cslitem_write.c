/* SPDX-License-Identifier: MIT */
/*
 * cslitem_write.c - bib_cslitem_write: the JSON text of an entry written
 * straight from the record in jansson's dump layout (the emitter:
 * cslitem_jw.h), the fast path of bibtex -> csljson; a variable's kept
 * input spelling goes through jansson for that member alone, a kept id,
 * type or custom spelling for the whole item (bib_cslitem_to_json).
 *
 * Not for: reading (cslitem_read.c) or the jansson value (cslitem_json.c).
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/buf.h"
#include "bibconv/dates.h"
#include "bibconv/utf8.h"
#include "cslitem_int.h"
#include "cslitem_jw.h"

/* strcmp(fmt, CSLITEM_FMT) == 0, most other formats settled by their first
 * byte without a call (checked for every extra of every record) */
static inline bool is_csl_fmt(const char *fmt)
{
    return fmt[0] == CSLITEM_FMT[0] && strcmp(fmt, CSLITEM_FMT) == 0;
}

/* jw_key_plain for the keys every item has, from padded rows (the byte
 * loop of jw_key_text cost about 80 instructions a key). */
static const char jw_row_id[JW_KEY_COPY] = "\"id\": ";
static const char jw_row_type[JW_KEY_COPY] = "\"type\": ";
static const char jw_row_parts[JW_KEY_COPY] = "\"date-parts\": ";
static const char jw_row_custom[JW_KEY_COPY] = "\"custom\": "; /* every BibTeX entry's */

/* n: the row's length without the space after the colon */
static void jw_key_fixed(jw *w, bool *first, const char *row, size_t n, const char *key)
{
    if (!jw_key_row(w, first, row, n))
        jw_key_text(w, key);
}

/* The key of name part `part` (0..5, cslitem_name_keys), as jw_key_plain
 * writes it; the tables are built by the time a name is written
 * (cslitem_write). */
static void jw_key_name(jw *w, bool *first, int part)
{
    if (!jw_key_row(w, first, jw_nkeys[part], jw_nkey_len[part]))
        jw_key_text(w, cslitem_name_keys[part]);
}

/* The fixed text of a simple date (jw_date_simple) at each depth of the
 * date object: what comes before the year, between two numbers and after
 * the last, as jw_date's open, key, item and close steps write it; [0]
 * compact, [1 + level] pretty. Built once (write_tables_build). */
enum { DATE_LEVELS = 5, DATE_HEAD = 64, DATE_SEP = 32, DATE_TAIL = 48 };
typedef struct date_row {
    char head[DATE_HEAD], sep[DATE_SEP], tail[DATE_TAIL];
    unsigned char hl, sl, tl;
} date_row;
static date_row date_rows[1 + DATE_LEVELS];

/* A newline and the indentation of level lv at o; its length. */
static size_t put_nl(char *o, size_t lv)
{
    o[0] = '\n';
    memset(o + 1, ' ', 2 * lv);
    return 1 + 2 * lv;
}

static void date_rows_build(void)
{
    date_row *c = &date_rows[0];
    memcpy(c->head, "{\"date-parts\":[[", 16);
    c->hl = 16;
    c->sep[0] = ',';
    c->sl = 1;
    memcpy(c->tail, "]]}", 3);
    c->tl = 3;
    for (size_t lv = 0; lv < DATE_LEVELS; lv++) { /* at most 56, 16 and 36 bytes */
        date_row *d = &date_rows[1 + lv];
        size_t n = 0;
        d->head[n++] = '{';
        n += put_nl(d->head + n, lv + 1);
        memcpy(d->head + n, "\"date-parts\": [", 15);
        n += 15;
        n += put_nl(d->head + n, lv + 2);
        d->head[n++] = '[';
        n += put_nl(d->head + n, lv + 3);
        d->hl = (unsigned char)n;
        d->sep[0] = ',';
        d->sl = (unsigned char)(1 + put_nl(d->sep + 1, lv + 3));
        n = put_nl(d->tail, lv + 2);
        d->tail[n++] = ']';
        n += put_nl(d->tail + n, lv + 1);
        d->tail[n++] = ']';
        n += put_nl(d->tail + n, lv);
        d->tail[n++] = '}';
        d->tl = (unsigned char)n;
    }
}

static void name_rows_build(void);

/* The tables cslitem_write uses, built once (the -j workers share them). */
static pthread_once_t write_once = PTHREAD_ONCE_INIT;
static void write_tables_build(void)
{
    jw_keys_build();
    date_rows_build();
    name_rows_build();
}

/* jw_date's usual case, one part of a year 0..9999 with perhaps a month
 * and a day and nothing else, written at once from the rows of its depth
 * (date_rows) and one reserve: the same bytes as the open, key, item and
 * close steps (a dozen steps a date otherwise). False, with nothing
 * written, for any other date or a depth past the rows. */
static bool jw_date_simple(jw *w, const bib_date *d)
{
    const bib_date_part *p = &d->parts[0];
    if (d->nparts != 1 || !p->has_year || p->year < 0 || p->year > 9999 || p->season ||
        d->circa || d->literal || d->raw)
        return false;
    int month = bib_cslitem_part_month(d, 0);
    bool day = month && p->day && month <= 12;
    if (month < 0 || month > 9999 || (day && (p->day < 0 || p->day > 9999)))
        return false;
    int lv = w->level;
    if (w->pretty && lv >= DATE_LEVELS)
        return false;
    const date_row *r = &date_rows[w->pretty ? 1 + lv : 0];
    bib_buf *b = w->out;
    /* room for the fixed-size copies of the rows and the digits */
    enum { DATE_ROOM = DATE_HEAD + 2 * DATE_SEP + DATE_TAIL + 16 };
    if (b->len + DATE_ROOM >= b->cap && bib_buf_reserve(b, DATE_ROOM) != 0)
        return false;
    char *o = b->data + b->len;
    memcpy(o, r->head, DATE_HEAD);
    o += r->hl;
    o += jw_digits(o, p->year);
    if (month) {
        memcpy(o, r->sep, DATE_SEP);
        o += r->sl;
        o += jw_digits(o, month);
    }
    if (day) {
        memcpy(o, r->sep, DATE_SEP);
        o += r->sl;
        o += jw_digits(o, p->day);
    }
    memcpy(o, r->tail, DATE_TAIL);
    o += r->tl;
    *o = '\0';
    b->len = (size_t)(o - b->data);
    return true;
}

/* A date as cslitem_date_to_json gives it. */
static void jw_date(jw *w, const bib_date *d)
{
    if (jw_date_simple(w, d))
        return;
    bool f;
    jw_open(w, '{', &f);
    /* as cslitem_date_to_json: no date-parts without a year */
    bool parts = d->nparts && d->parts[0].has_year;
    if (!parts && d->nparts && !d->raw && !d->literal && d->parts[0].month) {
        char b[32];
        int n = snprintf(b, sizeof b, d->parts[0].day ? "XXXX-%02d-%02d" : "XXXX-%02d",
                         d->parts[0].month, d->parts[0].day);
        jw_key_plain(w, &f, "raw");
        jw_string(w, b, (size_t)n);
    }
    if (parts) {
        bool fa;
        jw_key_fixed(w, &f, jw_row_parts, 13, "date-parts");
        jw_open(w, '[', &fa);
        for (int i = 0; i < d->nparts; i++) {
            const bib_date_part *p = &d->parts[i];
            bool fp;
            jw_item(w, &fa);
            jw_open(w, '[', &fp);
            jw_item(w, &fp);
            jw_int(w, p->has_year ? p->year : 0);
            int month = bib_cslitem_part_month(d, i);
            if (p->has_year && month) {
                jw_item(w, &fp);
                jw_int(w, month);
                if (p->day && month <= 12) {
                    jw_item(w, &fp);
                    jw_int(w, p->day);
                }
            }
            jw_close(w, ']', fp);
        }
        jw_close(w, ']', fa);
        if (d->parts[0].season && !bib_cslitem_seasons_in_parts(d)) {
            jw_key_plain(w, &f, "season");
            jw_int(w, d->parts[0].season);
        }
    }
    if (d->circa) {
        jw_key_plain(w, &f, "circa");
        bib_buf_puts(w->out, "true");
    }
    if (d->literal) {
        jw_key_plain(w, &f, "literal");
        jw_string(w, d->literal, strlen(d->literal));
    }
    if (d->raw) {
        jw_key_plain(w, &f, "raw");
        jw_string(w, d->raw, strlen(d->raw));
    }
    jw_close(w, '}', f);
}

/* The fixed text of a simple name (jw_name_simple) at each depth of the
 * list: before the family name, before the given name with and without a
 * family name before it, and the close, as jw_name's open, key and close
 * steps write them; [0] compact, [1 + level] pretty (level: the list's).
 * Built once (write_tables_build). */
enum { NAME_LEVELS = 5, NAME_ROW = 32, NAME_TAIL = 16 };
typedef struct name_row {
    char family[NAME_ROW], given[NAME_ROW], then_given[NAME_ROW], tail[NAME_TAIL];
    unsigned char fl, gl, tgl, tl;
} name_row;
static name_row name_rows[1 + NAME_LEVELS];

/* `"key":` with the space of the pretty layout at o; its length. */
static size_t put_key(char *o, const char *key, bool pretty)
{
    size_t n = strlen(key);
    o[0] = '"';
    memcpy(o + 1, key, n);
    memcpy(o + 1 + n, "\": ", 3);
    return n + 3 + pretty;
}

static void name_rows_build(void)
{
    for (size_t r = 0; r <= NAME_LEVELS; r++) { /* at most 22, 21 and 10 bytes */
        name_row *d = &name_rows[r];
        bool pretty = r > 0;
        size_t lv = pretty ? r - 1 : 0, n;
        d->family[0] = d->given[0] = '{';
        d->then_given[0] = ',';
        n = 1 + (pretty ? put_nl(d->family + 1, lv + 1) : 0);
        d->fl = (unsigned char)(n + put_key(d->family + n, cslitem_name_keys[0], pretty));
        d->gl = (unsigned char)(n + put_key(d->given + n, cslitem_name_keys[1], pretty));
        d->tgl = (unsigned char)(n + put_key(d->then_given + n, cslitem_name_keys[1], pretty));
        if (pretty) {
            put_nl(d->given + 1, lv + 1);
            put_nl(d->then_given + 1, lv + 1);
        }
        n = pretty ? put_nl(d->tail, lv) : 0;
        d->tail[n] = '}';
        d->tl = (unsigned char)(n + 1);
    }
}

/* jw_name's usual case, a family and/or a given name of 1 to 16 bytes
 * each and nothing else: the same bytes from the rows of its depth
 * (name_rows) and one reserve, without the member steps. False, with
 * nothing counted, otherwise (or when a part needs escaping). */
static bool jw_name_simple(jw *w, const bib_name *n)
{
    if (n->dropping_particle || n->non_dropping_particle || n->suffix || n->literal ||
        n->comma_suffix || n->static_ordering || n->parse_names || (!n->family && !n->given))
        return false;
    size_t fl = n->family ? strlen(n->family) : 1, gl = n->given ? strlen(n->given) : 1;
    if (fl - 1 >= 16 || gl - 1 >= 16 || (w->pretty && w->level >= NAME_LEVELS))
        return false;
    const name_row *r = &name_rows[w->pretty ? 1 + w->level : 0];
    bib_buf *b = w->out;
    /* room for fixed-size copies: two rows, two strings of 18 bytes, the
     * close */
    enum { NAME_ROOM = 2 * (NAME_ROW + 18) + NAME_TAIL + 8 };
    if (b->len + NAME_ROOM >= b->cap && bib_buf_reserve(b, NAME_ROOM) != 0)
        return false;
    char *o = b->data + b->len;
    if (n->family) {
        memcpy(o, r->family, NAME_ROW);
        o += r->fl;
        if (!jw_quote16(o, n->family, fl))
            return false;
        o += fl + 2;
    }
    if (n->given) {
        memcpy(o, n->family ? r->then_given : r->given, NAME_ROW);
        o += n->family ? r->tgl : r->gl;
        if (!jw_quote16(o, n->given, gl))
            return false;
        o += gl + 2;
    }
    memcpy(o, r->tail, NAME_TAIL);
    o += r->tl;
    *o = '\0';
    b->len = (size_t)(o - b->data);
    return true;
}

static void jw_name(jw *w, const bib_name *n)
{
    if (jw_name_simple(w, n))
        return;
    bool f;
    const char *parts[6] = {n->family, n->given, n->dropping_particle,
                            n->non_dropping_particle, n->suffix, n->literal};
    jw_open(w, '{', &f);
    for (int i = 0; i < 6; i++)
        if (parts[i]) {
            jw_key_name(w, &f, i);
            jw_string(w, parts[i], strlen(parts[i]));
        }
    const char *flags[3] = {"comma-suffix", "static-ordering", "parse-names"};
    bool on[3] = {n->comma_suffix, n->static_ordering, n->parse_names};
    for (int i = 0; i < 3; i++)
        if (on[i]) {
            jw_key_plain(w, &f, flags[i]);
            bib_buf_puts(w->out, "true");
        }
    jw_close(w, '}', f);
}

/* The nv values of f as one string joined by ", ", as
 * cslitem_field_to_json joins the keywords: each value through jw_string,
 * the quotes between two values turned into the separator, so that there
 * is no joined copy. With a sink, a joined text long enough for jw_string
 * to send past the buffer (JW_DIRECT) is joined first as before. */
static void jw_joined(jw *w, const bib_field *f, size_t nv)
{
    bib_buf *b = w->out;
    size_t total = 0;
    for (size_t i = 0; w->sink && i < nv; i++)
        total += strlen(bib_field_value_at(f, i)) + 2;
    if (total < JW_DIRECT) {
        for (size_t i = 0; i < nv; i++) {
            const char *v = bib_field_value_at(f, i);
            size_t at = b->len;
            if (i)
                bib_buf_putc_fast(b, ',');
            jw_string(w, v, strlen(v));
            if (b->failed)
                return; /* cslitem_write sees it */
            if (i)
                b->data[at + 1] = ' '; /* the value's opening quote */
            if (i + 1 < nv)
                b->data[--b->len] = '\0'; /* its closing one */
        }
        return;
    }
    bib_buf j = BIB_BUF_INIT;
    for (size_t i = 0; i < nv; i++) {
        if (i)
            bib_buf_append_fast(&j, ", ", 2);
        bib_buf_puts(&j, bib_field_value_at(f, i));
    }
    jw_string(w, j.data, j.len);
    if (bib_buf_failed(&j)) /* the keywords were cut short */
        w->out->failed = true;
    bib_buf_clear(&j);
}

/* One variable as cslitem_field_to_json gives it; false when that gives nothing. */
static bool jw_field(jw *w, bool *first, const bib_field *f)
{
    bib_var var = bib_field_var(f);
    switch (bib_field_kind(f)) {
    case BIB_KIND_NAMES: {
        bool fa;
        jw_key_var(w, first, var);
        jw_open(w, '[', &fa);
        for (size_t i = 0; i < bib_field_name_count(f); i++) {
            jw_item(w, &fa);
            jw_name(w, bib_field_name_at(f, i));
        }
        if (bib_field_names_truncated(f)) {
            bib_name others = {0};
            others.literal = "others";
            jw_item(w, &fa);
            jw_name(w, &others);
        }
        jw_close(w, ']', fa);
        return true;
    }
    case BIB_KIND_DATE:
        jw_key_var(w, first, var);
        jw_date(w, bib_field_date(f));
        return true;
    default:
        break;
    }
    const char *s = bib_field_text(f);
    if (!s)
        return false;
    jw_key_var(w, first, var);
    /* the value count only where it matters (a call into record.c a
     * field otherwise) */
    size_t nv = var == BIB_VAR_CATEGORIES || var == BIB_VAR_KEYWORD ? bib_field_value_count(f) : 1;
    if (var == BIB_VAR_CATEGORIES) {
        bool fa;
        jw_open(w, '[', &fa);
        for (size_t i = 0; i < nv; i++) {
            const char *v = bib_field_value_at(f, i);
            jw_item(w, &fa);
            jw_string(w, v, strlen(v));
        }
        jw_close(w, ']', fa);
        return true;
    }
    if (var == BIB_VAR_KEYWORD && nv > 1) {
        jw_joined(w, f, nv);
        return true;
    }
    /* strtoll reads a number only from a digit, a sign or a blank: the
     * flags are asked only then (most text starts with a letter) */
    unsigned char c0 = (unsigned char)s[0];
    bool numeric = (c0 >= '0' && c0 <= '9') || c0 == '-' || c0 == '+' || c0 == ' ' ||
                   (c0 >= '\t' && c0 <= '\r');
    if (numeric && (bib_field_flags(f) & BIB_FIELD_BARE_NUMBER) && cslitem_number_as_json(var)) {
        char *end;
        errno = 0;
        long long x = strtoll(s, &end, 10);
        if (*s && !*end && !(s[0] == '0' && s[1]) && errno == 0) {
            jw_int(w, x);
            return true;
        }
    }
    jw_string(w, s, strlen(s));
    return true;
}

/* A record's extras as bib_record_extra_at gives them, fetched once for
 * the walks of cslitem_write (the csljson ones, whether there are others,
 * custom) when there are few (most records: one to four); past XR_MAX
 * each walk asks the record again. */
enum { XR_MAX = 16 };
typedef struct xr {
    const char *fmt, *name, *value;
    size_t len;
} xr;
typedef struct extras {
    const bib_record *rec;
    size_t n;    /* bib_record_extra_count */
    bool held;   /* x holds all n */
    bool others; /* one has another format than csljson */
    bool mine;   /* one is csljson's */
    xr x[XR_MAX];
} extras;

static void extras_load(extras *e, const bib_record *rec)
{
    e->rec = rec;
    e->n = bib_record_extra_count(rec);
    e->held = e->n <= XR_MAX;
    e->others = e->mine = false;
    for (size_t i = 0; i < e->n; i++) {
        xr x;
        bib_record_extra_at(rec, i, &x.fmt, &x.name, &x.value, &x.len);
        bool csl = is_csl_fmt(x.fmt);
        e->others = e->others || !csl;
        e->mine = e->mine || csl;
        if (e->held)
            e->x[i] = x;
    }
}

/* Extra i of e. */
static inline xr extras_at(const extras *e, size_t i)
{
    if (e->held)
        return e->x[i];
    xr x;
    bib_record_extra_at(e->rec, i, &x.fmt, &x.name, &x.value, &x.len);
    return x;
}

static bool same_str(const char *a, const char *b)
{
    return a == b || (a[0] == b[0] && strcmp(a, b) == 0);
}

/* Whether the grouped walk of e (held) is the record order itself: each
 * format in one run, no name twice within a format (most records). */
/* A name's bit among 64, from its first two bytes. */
static inline uint64_t name_bit(const char *name)
{
    unsigned c0 = (unsigned char)name[0];
    return 1ull << ((c0 ^ (c0 ? (unsigned)(unsigned char)name[1] << 1 : 0)) & 63);
}

static bool extras_in_order(const extras *e)
{
    /* the names of the current run by their bits (name_bit): only a name
     * whose bit is set is compared with the run's (RIS records carry ten
     * or more two-letter tags) */
    if (e->n < 2)
        return true;
    uint64_t seen = name_bit(e->x[0].name);
    size_t run = 0;
    for (size_t i = 1; i < e->n; i++) {
        const xr *x = &e->x[i];
        if (!same_str(x->fmt, e->x[i - 1].fmt)) {
            for (size_t j = 0; j < i; j++)
                if (same_str(x->fmt, e->x[j].fmt))
                    return false; /* a format met again */
            seen = 0;
            run = i;
        }
        uint64_t bit = name_bit(x->name);
        if (seen & bit)
            for (size_t j = run; j < i; j++)
                if (same_str(x->name, e->x[j].name))
                    return false; /* a name twice in its format */
        seen |= bit;
    }
    return true;
}

/* bib_record_extras_grouped's walk of e (held) into g, e->n steps,
 * without its sorts and allocation: formats in order of first appearance,
 * inside each its names so, each name's values in record order. Records
 * in order (extras_in_order) are walked as they are; others take a pass
 * per name over what is not yet walked, quadratic, so only for the few
 * extras held. False when e is not held (core groups it). */
static bool extras_group(const extras *e, bib_extra_step *g)
{
    if (!e->held)
        return false;
    if (extras_in_order(e)) {
        for (size_t i = 0; i < e->n; i++) {
            bool new_fmt = i == 0 || !same_str(e->x[i].fmt, e->x[i - 1].fmt);
            g[i] = (bib_extra_step){.index = i, .new_format = new_fmt, .new_name = true,
                                    .last_of_name = true};
        }
        return true;
    }
    bool taken[XR_MAX] = {false};
    size_t out = 0;
    for (size_t i = 0; i < e->n; i++) {
        if (taken[i])
            continue;
        /* the first of a format not walked yet */
        const char *fmt = e->x[i].fmt;
        bool new_fmt = true;
        for (size_t j = i; j < e->n; j++) {
            if (taken[j] || !same_str(e->x[j].fmt, fmt))
                continue;
            /* the first of a name of fmt not walked yet: all its values */
            const char *name = e->x[j].name;
            bool new_name = true;
            for (size_t k = j; k < e->n; k++) {
                if (taken[k] || !same_str(e->x[k].fmt, fmt) || !same_str(e->x[k].name, name))
                    continue;
                taken[k] = true;
                g[out++] = (bib_extra_step){.index = k, .new_format = new_fmt,
                                            .new_name = new_name, .last_of_name = false};
                new_fmt = new_name = false;
            }
            g[out - 1].last_of_name = true;
        }
    }
    return true;
}

/* The csljson plugin's own extras of a record (input spellings, unknown
 * keys), as the direct writer takes them: the variables spelled (@raw:
 * extras) into raw[] (at most nraw), and whether an unknown key is there.
 * False when the record needs bib_cslitem_to_json as a whole: an id, type
 * or custom spelling (compared or merged there), more spellings than fit,
 * or an unknown key that a variable's key or another extra might shadow. */
static bool csljson_extras(const extras *e, bib_var *raw, int nraw, int *n, bool *keys,
                           unsigned flags)
{
    /* under BIB_CSLITEM_SCHEMA, a kept spelling the schema may refuse (of
     * names, a date or text, or under an alias it lacks) is sorted out by
     * bib_cslitem_to_json: rare, and one place; unknown keys are written
     * here, under custom.csljson (jw_unknown) */
    bool schema = flags & BIB_CSLITEM_SCHEMA;
    *n = 0;
    *keys = false;
    for (size_t i = 0; e->mine && i < e->n; i++) {
        xr x = extras_at(e, i);
        const char *name = x.name;
        if (!is_csl_fmt(x.fmt))
            continue;
        if (strncmp(name, CSLITEM_RAW_PREFIX, 5) == 0) {
            const char *key = name + 5;
            bib_var var = bib_var_from_name(key, strlen(key));
            if (!var || *n == nraw)
                return false; /* @raw:id, @raw:type */
            if (schema && (bib_var_kind(var) != BIB_KIND_NUMBER || !cslitem_schema_key(key)))
                return false;
            raw[(*n)++] = var;
            continue;
        }
        if (strcmp(name, "id") == 0 || strcmp(name, "type") == 0 ||
            strcmp(name, "custom") == 0 || bib_var_from_name(name, strlen(name)))
            return false;
        for (size_t k = 0; k < i; k++) {
            xr y = extras_at(e, k);
            if (strcmp(y.fmt, CSLITEM_FMT) == 0 && strcmp(y.name, name) == 0)
                return false;
        }
        *keys = true;
    }
    return true;
}

static int dump_to_buf(const char *buffer, size_t size, void *data)
{
    return bib_buf_append_fast(data, buffer, size) == 0 ? 0 : -1;
}

/* A jansson value as json_dumps lays it out at the writer's depth: dumped
 * alone, every line after the first indented by the depth. */
static void jw_json(jw *w, const json_t *j)
{
    bib_buf tmp = BIB_BUF_INIT;
    if (json_dump_callback(j, dump_to_buf, &tmp,
                           JSON_ENCODE_ANY | (w->pretty ? JSON_INDENT(2) : JSON_COMPACT)) != 0) {
        bib_buf_clear(&tmp);
        w->out->failed = true;
        return;
    }
    size_t run = 0;
    for (size_t i = 0; i < tmp.len; i++)
        if (tmp.data[i] == '\n') {
            bib_buf_append_fast(w->out, tmp.data + run, i - run);
            run = i + 1;
            jw_newline(w);
        }
    bib_buf_append_fast(w->out, tmp.data + run, tmp.len - run);
    bib_buf_clear(&tmp);
}

/* True when v[0..len) is a JSON string that jansson reads and writes back
 * byte for byte: quoted, valid UTF-8, no quote, backslash or control
 * byte inside (the fast reader keeps an unknown key's string so). Such a
 * value goes out as it is: a huge one is not parsed and dumped again
 * (issue 18: a value needs at most 2x its size). */
static bool plain_json_string(const char *v, size_t len)
{
    if (len < 2 || v[0] != '"' || v[len - 1] != '"')
        return false;
    for (size_t i = 1; i + 1 < len; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c < 0x20 || c == '"' || c == '\\')
            return false;
    }
    return bib_utf8_valid(v + 1, len - 2);
}

/* key: j, the value laid out by jansson at w's depth; j's reference is
 * taken. A NULL j is memory that ran out: cslitem_write sees the flag. */
static void jw_member(jw *w, bool *first, const char *key, json_t *j)
{
    if (!j) {
        w->out->failed = true;
        return;
    }
    jw_key(w, first, key);
    jw_json(w, j);
    json_decref(j);
}

/* The csljson extras of rec that are unknown keys, as members at w's
 * level, as bib_cslitem_to_json sets them. */
static void jw_unknown(jw *w, bool *first, const extras *e)
{
    for (size_t i = 0; i < e->n; i++) {
        xr x = extras_at(e, i);
        if (!is_csl_fmt(x.fmt) || strncmp(x.name, CSLITEM_RAW_PREFIX, 5) == 0)
            continue;
        if (plain_json_string(x.value, x.len)) {
            jw_key(w, first, x.name); /* as jansson would write it back */
            bib_buf_append_fast(w->out, x.value, x.len);
            continue;
        }
        jw_member(w, first, x.name, bib_cslitem_extra_member(x.name, x.value, x.len));
    }
}

/* The variables of rec in record order (those in raw[] by their kept
 * spelling). */
static void jw_members(jw *w, bool *first, const bib_record *rec, const bib_var *raw,
                       int nraw)
{
    size_t nf = bib_record_field_count(rec); /* the writer changes no field */
    for (size_t i = 0; i < nf; i++) {
        const bib_field *f = bib_record_field_at(rec, i);
        bool spelled = false;
        for (int k = 0; k < nraw && !spelled; k++)
            spelled = raw[k] == bib_field_var(f);
        if (!spelled) {
            jw_field(w, first, f);
            continue;
        }
        /* an input spelling: the member to_json gives, by jansson */
        const char *key;
        json_t *j = bib_cslitem_field_member(rec, f, &key);
        if (!key) {
            json_decref(j);
            w->out->failed = true; /* out of memory: cslitem_write sees it */
        } else if (j) {
            jw_member(w, first, key, j);
        }
    }
}

/* custom: {fmt: {name: value, or [values] when repeated}} in order of
 * first appearance (core groups them, bib_record_extras_grouped), then,
 * with `mine`, "csljson": the unknown keys (as bib_cslitem_to_json and its
 * merge_mine lay them out). BIB_ENOMEM or 0. */
static int jw_custom(jw *w, bool *first, const extras *e, bool others, bool mine)
{
    bool fc, ff = false, fa = false, open_fmt = false;
    jw_key_fixed(w, first, jw_row_custom, 9, "custom");
    jw_open(w, '{', &fc);
    size_t ne = e->n;
    if (others) {
        /* a few extras (most records; half of BibTeX's entries have one,
         * their entry type) are grouped here: no call, no allocation */
        bib_extra_step here[XR_MAX], *g = here;
        bool oom = false;
        if (!extras_group(e, here))
            g = bib_record_extras_grouped(e->rec, &oom);
        if (oom)
            return BIB_ENOMEM;
        for (size_t i = 0; i < ne; i++) {
            xr x = extras_at(e, g[i].index);
            const char *fmt = x.fmt, *name = x.name, *v = x.value;
            size_t len = x.len;
            if (is_csl_fmt(fmt))
                continue; /* not in custom */
            bool last_of_name = g[i].last_of_name;
            if (g[i].new_format) {
                if (open_fmt)
                    jw_close(w, '}', ff);
                jw_key(w, &fc, fmt);
                jw_open(w, '{', &ff);
                open_fmt = true;
            }
            if (g[i].new_name) {
                jw_key(w, &ff, name);
                if (last_of_name) { /* one value */
                    jw_string(w, v, len);
                    continue;
                }
                jw_open(w, '[', &fa);
            }
            jw_item(w, &fa);
            jw_string(w, v, len);
            if (last_of_name)
                jw_close(w, ']', fa);
        }
        if (open_fmt)
            jw_close(w, '}', ff);
        if (g != here)
            free(g);
    }
    if (mine) {
        bool fm;
        jw_key(w, &fc, CSLITEM_FMT);
        jw_open(w, '{', &fm);
        jw_unknown(w, &fm, e);
        jw_close(w, '}', fm);
    }
    jw_close(w, '}', fc);
    return 0;
}

static int cslitem_write(bib_buf *out, bib_output *sink, const bib_record *rec,
                         unsigned flags, int level);

int bib_cslitem_write(bib_buf *out, const bib_record *rec, unsigned flags, int level)
{
    return cslitem_write(out, NULL, rec, flags, level);
}

int bib_cslitem_write_to(bib_buf *out, bib_output *sink, const bib_record *rec,
                         unsigned flags, int level)
{
    return cslitem_write(out, sink, rec, flags, level);
}

static int cslitem_write(bib_buf *out, bib_output *sink, const bib_record *rec,
                         unsigned flags, int level)
{
    bool pretty = flags & BIB_CSLITEM_PRETTY;
    bib_var raw[16];
    int nraw;
    bool keys;
    extras e;
    extras_load(&e, rec);
    if (!csljson_extras(&e, raw, 16, &nraw, &keys, flags)) {
        json_t *j = bib_cslitem_to_json(rec, flags);
        if (!j)
            return BIB_ENOMEM;
        size_t start = out->len;
        int rc = json_dump_callback(j, dump_to_buf, out, pretty ? JSON_INDENT(2) : JSON_COMPACT);
        json_decref(j);
        if (rc != 0 || bib_buf_failed(out))
            return BIB_ENOMEM;
        if (pretty && level > 0) {
            /* indent every line after the first by `level` levels */
            bib_buf tmp = BIB_BUF_INIT;
            for (size_t i = start; i < out->len; i++) {
                bib_buf_putc_fast(&tmp, out->data[i]);
                if (out->data[i] == '\n')
                    for (int k = 0; k < level; k++)
                        bib_buf_append_fast(&tmp, "  ", 2);
            }
            if (bib_buf_failed(&tmp)) {
                bib_buf_clear(&tmp);
                return BIB_ENOMEM;
            }
            bib_buf_truncate(out, start);
            bib_buf_append_fast(out, tmp.data, tmp.len);
            bib_buf_clear(&tmp);
        }
        return bib_buf_failed(out) ? BIB_ENOMEM : 0;
    }
    pthread_once(&write_once, write_tables_build);
    jw w = jw_init(out, sink, pretty, level);
    bool first;
    jw_open(&w, '{', &first);
    const char *id = bib_record_id(rec);
    if (id) {
        jw_key_fixed(&w, &first, jw_row_id, 5, "id");
        jw_string(&w, id, strlen(id));
    }
    bib_type t = bib_record_type(rec);
    jw_key_fixed(&w, &first, jw_row_type, 7, "type");
    const char *tn = t ? bib_type_name(t) : "document";
    jw_string(&w, tn, strlen(tn));
    jw_members(&w, &first, rec, raw, nraw);
    bool others = e.others;
    bool mine = keys && (flags & BIB_CSLITEM_SCHEMA);
    if (keys && !mine)
        jw_unknown(&w, &first, &e); /* where the source had them */
    others = others && (flags & BIB_CSLITEM_CUSTOM_EXTRAS);
    if ((others || mine) && jw_custom(&w, &first, &e, others, mine) != 0)
        return BIB_ENOMEM;
    jw_close(&w, '}', first);
    return bib_buf_failed(out) ? BIB_ENOMEM : 0;
}

const bib_record *bib_cslitem_keyed(bib_keyset *used, bib_buf *key, const bib_record *rec,
                                    bool keep, bib_record **owned)
{
    *owned = NULL;
    if (bib_record_kind_of(rec) != BIB_RECORD_ENTRY)
        return rec;
    const char *id = bib_record_id(rec);
    bib_buf_reset(key);
    if (id && *id) {
        int rc = bib_keyset_add(used, id);
        if (rc < 0)
            return NULL;
        if (rc == 1 || keep)
            return rec;
        /* repeated: the id with a suffix, as bib_writer_keyed gives it */
        if (bib_key_unique(key, used, rec, id) != 0)
            return NULL;
    } else if (bib_key_unique(key, used, rec, NULL) != 0) {
        return NULL;
    }
    /* a view with the new id: writers get a const record, and a huge
     * value of a keyless one is not copied */
    bib_record *c = bib_record_keyed_view(rec, key->data);
    if (!c)
        return NULL;
    *owned = c;
    return c;
}
