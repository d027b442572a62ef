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

/* Digits of v (0..9999) at d; how many. */
static inline size_t jw_digits(char *d, int v)
{
    size_t n = v >= 1000 ? 4 : v >= 100 ? 3 : v >= 10 ? 2 : 1;
    for (size_t i = n; i-- > 0; v /= 10)
        d[i] = (char)('0' + v % 10);
    return n;
}

/* jw_date's usual case, one part of a year 0..9999 with perhaps a month
 * and a day and nothing else, written at once: the same bytes as the
 * open, key, item and close steps, from one reserve (a dozen steps a date
 * otherwise). False, with nothing written, for any other date or depth. */
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
    /* the newlines at the item's level and the three below it */
    size_t lv = (size_t)(w->level > 0 ? w->level : 0), l[4];
    for (size_t k = 0; k < 4; k++)
        l[k] = w->pretty ? 1 + 2 * (lv + k) : 0;
    bib_buf *b = w->out;
    /* room for fixed-size copies of 32 bytes of indentation (eight at
     * most), the key row and the digits */
    enum { DATE_ROOM = 8 * 32 + JW_KEY_COPY + 32 };
    if (l[3] > 32 || (b->len + DATE_ROOM >= b->cap && bib_buf_reserve(b, DATE_ROOM) != 0))
        return false;
    char *o = b->data + b->len;
    *o++ = '{';
    memcpy(o, jw_nl, 32);
    o += l[1];
    memcpy(o, jw_row_parts, JW_KEY_COPY); /* "date-parts": and padding */
    o += 13 + (size_t)w->pretty;
    *o++ = '[';
    memcpy(o, jw_nl, 32);
    o += l[2];
    *o++ = '[';
    memcpy(o, jw_nl, 32);
    o += l[3];
    o += jw_digits(o, p->year);
    if (month) {
        *o++ = ',';
        memcpy(o, jw_nl, 32);
        o += l[3];
        o += jw_digits(o, month);
    }
    if (day) {
        *o++ = ',';
        memcpy(o, jw_nl, 32);
        o += l[3];
        o += jw_digits(o, p->day);
    }
    for (int k = 2; k >= 0; k--) { /* the closing brackets, each on its line */
        memcpy(o, jw_nl, 32);
        o += l[k];
        *o++ = k ? ']' : '}';
    }
    *o = '\0';
    b->len = (size_t)(o - b->data);
    return true;
}

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

/* jw_name's usual case, a family and/or a given name of 4 to 16 bytes
 * each and nothing else: the same bytes from one reserve, without the
 * member steps. False, with nothing written, otherwise (or when a part
 * needs escaping: what was written is taken back). */
static bool jw_name_simple(jw *w, const bib_name *n)
{
    if (n->dropping_particle || n->non_dropping_particle || n->suffix || n->literal ||
        n->comma_suffix || n->static_ordering || n->parse_names || (!n->family && !n->given))
        return false;
    size_t fl = n->family ? strlen(n->family) : 4, gl = n->given ? strlen(n->given) : 4;
    if (fl < 4 || fl > 16 || gl < 4 || gl > 16)
        return false;
    size_t lv = (size_t)(w->level > 0 ? w->level : 0);
    size_t l0 = w->pretty ? 1 + 2 * lv : 0, l1 = w->pretty ? l0 + 2 : 0;
    bib_buf *b = w->out;
    /* room for fixed-size copies: 32 bytes of indentation, a key row and
     * a string's 18 bytes per part, 32 more for the close */
    enum { NAME_ROOM = 2 * (32 + JW_KEY_COPY + 24) + 40 };
    if (l1 > 32 || !jw_nkey_len[0] || !jw_nkey_len[1] ||
        (b->len + NAME_ROOM >= b->cap && bib_buf_reserve(b, NAME_ROOM) != 0))
        return false;
    size_t start = b->len;
    b->data[b->len++] = '{';
    const char *part[2] = {n->family, n->given};
    size_t plen[2] = {fl, gl};
    bool first = true;
    for (int i = 0; i < 2; i++) {
        if (!part[i])
            continue;
        char *o = b->data + b->len;
        if (!first)
            *o++ = ',';
        first = false;
        memcpy(o, jw_nl, 32); /* fixed size: no call; l1 of them count */
        o += l1;
        memcpy(o, jw_nkeys[i], JW_KEY_COPY);
        o += jw_nkey_len[i] + (size_t)w->pretty;
        b->len = (size_t)(o - b->data);
        if (!jw_string_short(b, part[i], plen[i])) {
            b->len = start; /* a byte to escape: the general way */
            b->data[start] = '\0';
            return false;
        }
    }
    memcpy(b->data + b->len, jw_nl, 32);
    b->len += l0;
    b->data[b->len++] = '}';
    b->data[b->len] = '\0';
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
        /* one string, as cslitem_field_to_json joins them */
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

/* The csljson plugin's own extras of a record (input spellings, unknown
 * keys), as the direct writer takes them: the variables spelled (@raw:
 * extras) into raw[] (at most nraw), and whether an unknown key is there.
 * False when the record needs bib_cslitem_to_json as a whole: an id, type
 * or custom spelling (compared or merged there), more spellings than fit,
 * or an unknown key that a variable's key or another extra might shadow. */
static bool csljson_extras(const bib_record *rec, bib_var *raw, int nraw, int *n, bool *keys,
                           unsigned flags)
{
    /* under BIB_CSLITEM_SCHEMA, a kept spelling the schema may refuse (of
     * names, a date or text, or under an alias it lacks) is sorted out by
     * bib_cslitem_to_json: rare, and one place; unknown keys are written
     * here, under custom.csljson (jw_unknown) */
    bool schema = flags & BIB_CSLITEM_SCHEMA;
    size_t ne = bib_record_extra_count(rec);
    *n = 0;
    *keys = false;
    for (size_t i = 0; i < ne; i++) {
        const char *fmt, *name;
        bib_record_extra_at(rec, i, &fmt, &name, NULL, NULL);
        if (!is_csl_fmt(fmt))
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
            const char *f2, *n2;
            bib_record_extra_at(rec, k, &f2, &n2, NULL, NULL);
            if (strcmp(f2, CSLITEM_FMT) == 0 && strcmp(n2, name) == 0)
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
static void jw_unknown(jw *w, bool *first, const bib_record *rec)
{
    size_t ne = bib_record_extra_count(rec);
    for (size_t i = 0; i < ne; i++) {
        const char *fmt, *name, *value;
        size_t len;
        bib_record_extra_at(rec, i, &fmt, &name, &value, &len);
        if (!is_csl_fmt(fmt) || strncmp(name, CSLITEM_RAW_PREFIX, 5) == 0)
            continue;
        if (plain_json_string(value, len)) {
            jw_key(w, first, name); /* as jansson would write it back */
            bib_buf_append_fast(w->out, value, len);
            continue;
        }
        jw_member(w, first, name, bib_cslitem_extra_member(name, value, len));
    }
}

/* The variables of rec in record order (those in raw[] by their kept
 * spelling). True when rec has extras of other formats (for custom). */
static bool jw_members(jw *w, bool *first, const bib_record *rec, const bib_var *raw,
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
    size_t ne = bib_record_extra_count(rec);
    for (size_t i = 0; i < ne; i++) {
        const char *fmt;
        bib_record_extra_at(rec, i, &fmt, NULL, NULL, NULL);
        if (!is_csl_fmt(fmt))
            return true;
    }
    return false;
}

/* custom: {fmt: {name: value, or [values] when repeated}} in order of
 * first appearance (core groups them, bib_record_extras_grouped), then,
 * with `mine`, "csljson": the unknown keys (as bib_cslitem_to_json and its
 * merge_mine lay them out). BIB_ENOMEM or 0. */
static int jw_custom(jw *w, bool *first, const bib_record *rec, bool others, bool mine)
{
    bool fc, ff = false, fa = false, open_fmt = false;
    jw_key_fixed(w, first, jw_row_custom, 9, "custom");
    jw_open(w, '{', &fc);
    size_t ne = bib_record_extra_count(rec);
    if (others) {
        /* one extra (half of BibTeX's entries: their entry type) is its
         * own grouped walk, all three flags set: no call, no allocation */
        bib_extra_step one = {0, true, true, true}, *g = &one;
        bool oom = false;
        if (ne != 1)
            g = bib_record_extras_grouped(rec, &oom);
        if (oom)
            return BIB_ENOMEM;
        for (size_t i = 0; i < ne; i++) {
            const char *fmt, *name, *v;
            size_t len;
            bib_record_extra_at(rec, g[i].index, &fmt, &name, &v, &len);
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
        if (g != &one)
            free(g);
    }
    if (mine) {
        bool fm;
        jw_key(w, &fc, CSLITEM_FMT);
        jw_open(w, '{', &fm);
        jw_unknown(w, &fm, rec);
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
    if (!csljson_extras(rec, raw, 16, &nraw, &keys, flags)) {
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
    pthread_once(&jw_keys_once, jw_keys_build);
    jw w = {out, pretty, level, 0, sink};
    w.nl = jw_nl_len(&w);
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
    bool others = jw_members(&w, &first, rec, raw, nraw);
    bool mine = keys && (flags & BIB_CSLITEM_SCHEMA);
    if (keys && !mine)
        jw_unknown(&w, &first, rec); /* where the source had them */
    others = others && (flags & BIB_CSLITEM_CUSTOM_EXTRAS);
    if ((others || mine) && jw_custom(&w, &first, rec, others, mine) != 0)
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
