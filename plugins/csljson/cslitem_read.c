/* SPDX-License-Identifier: MIT */
/*
 * cslitem_read.c - CSL item (a jansson value) -> bib_record, the reading
 * half of the mapping the csljson and yaml plugins share (cslitem.h).
 *
 * Exactness. The model is authoritative, but CSL-JSON allows several
 * spellings of one value (date-parts members as strings or numbers, a
 * season as month 21, a numeric id, unknown keys inside a name object).
 * When the canonical JSON of a mapped value differs from what the input
 * had, the input's JSON is kept as the extra ("csljson", "@raw:KEY"); the
 * writer emits it instead of the canonical form only while it still maps to
 * the same model value. So csljson -> csljson is exact, and a value changed
 * by any later stage is written canonically; but for what citeproc cannot
 * read (docs/fidelity.md, "Fixes this matrix brought"): a date given as a
 * list of one date object is read as that date, and the writers give a
 * date-part "-1" as a number and `url` under CSL's `URL`.
 *
 * Not for: the record -> JSON direction (cslitem_json.c, cslitem_write.c),
 * JSON text, streaming, YAML syntax (the plugins do those).
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/buf.h"
#include "bibconv/dates.h"
#include "cslitem_int.h"

/* ---- diagnostics ---------------------------------------------------------- */

/* Reports at the item's position; nothing without an input. */
static void warn(const bib_cslitem_ctx *ctx, bib_severity sev, const char *fmt, ...)
    BIB_PRINTF(3, 4);

static void warn(const bib_cslitem_ctx *ctx, bib_severity sev, const char *fmt, ...)
{
    if (!ctx || !ctx->in)
        return;
    va_list ap;
    va_start(ap, fmt);
    bib_diag_vreport(bib_input_diag(ctx->in), sev, bib_input_name(ctx->in), ctx->line,
                     ctx->column, UINT64_MAX, fmt, ap);
    va_end(ap);
}

/* EDTF string -> parts through dates.h; *needs_raw tells whether the
 * parts lose something (uncertainty, open start, time) so the caller keeps
 * the string as `raw`. */
static bool parse_edtf(const char *s, bib_date *d, bool *needs_raw)
{
    bib_date tmp;
    int rc = bib_date_parse(&tmp, s, strlen(s), BIB_DATE_EDTF);
    *needs_raw = tmp.raw != NULL;
    free((char *)tmp.raw); /* the caller points raw/literal at the JSON string */
    free((char *)tmp.literal);
    tmp.raw = tmp.literal = NULL;
    *d = tmp;
    return rc == 0;
}

/* ---- reading ------------------------------------------------------------------ */

static bool truthy(const json_t *v)
{
    if (json_is_true(v))
        return true;
    if (json_is_integer(v))
        return json_integer_value(v) != 0;
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        return *s && strcmp(s, "false") != 0 && strcmp(s, "0") != 0;
    }
    return false;
}

/* Text of a scalar (string, number, bool); NULL for others. Uses buf. */
static const char *scalar_text(const json_t *v, bib_buf *buf, bool *was_number)
{
    if (was_number)
        *was_number = false;
    bib_buf_reset(buf);
    if (json_is_string(v))
        return json_string_value(v);
    if (json_is_integer(v)) {
        if (was_number)
            *was_number = true;
        bib_buf_printf(buf, "%lld", (long long)json_integer_value(v));
        return bib_buf_failed(buf) ? NULL : buf->data;
    }
    if (json_is_real(v)) {
        if (was_number)
            *was_number = true;
        bib_buf_printf(buf, "%.17g", json_real_value(v));
        return bib_buf_failed(buf) ? NULL : buf->data;
    }
    if (json_is_boolean(v))
        return json_is_true(v) ? "true" : "false";
    return NULL;
}

/* Integer of a date-part member: number or numeric string. A value
 * outside int's range is none (converting such a real to int is undefined
 * behaviour; fuzz_cj_diff found 1.9992e+11). */
static bool part_int(const json_t *v, int *out)
{
    if (json_is_integer(v)) {
        json_int_t x = json_integer_value(v);
        if (x < INT_MIN || x > INT_MAX)
            return false;
        *out = (int)x;
        return true;
    }
    if (json_is_real(v)) {
        double x = json_real_value(v);
        if (!(x > (double)INT_MIN - 1.0 && x < (double)INT_MAX + 1.0))
            return false; /* out of range, or NaN */
        *out = (int)x;
        return true;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end;
        long x = strtol(s, &end, 10);
        while (*end == ' ')
            end++;
        if (end == s || *end || x < INT_MIN || x > INT_MAX)
            return false;
        *out = (int)x;
        return true;
    }
    return false;
}

/* A date-part member that is an empty string (or only spaces): absent, as
 * citeproc-js reads it (csl-test-suite date_EmptyStrings). */
static bool empty_part(const json_t *v)
{
    if (!json_is_string(v))
        return false;
    const char *s = json_string_value(v);
    while (*s == ' ')
        s++;
    return !*s;
}

/* *dropped is set when a member after an empty one is lost (["2000", "",
 * "5"]: a day without its month has no CSL form). */
static bool read_date_parts(const json_t *dp, bib_date *d, bool *dropped)
{
    if (!json_is_array(dp) || json_array_size(dp) < 1 || json_array_size(dp) > 2)
        return false;
    d->nparts = (int)json_array_size(dp);
    for (size_t i = 0; i < json_array_size(dp); i++) {
        const json_t *a = json_array_get(dp, i);
        bib_date_part *p = &d->parts[i];
        memset(p, 0, sizeof *p);
        if (!json_is_array(a) || json_array_size(a) > 3)
            return false;
        int v[3] = {0, 0, 0};
        size_t n = 0, all = json_array_size(a);
        while (n < all && !empty_part(json_array_get(a, n)))
            n++;
        for (size_t k = n; k < all; k++)
            if (!empty_part(json_array_get(a, k)))
                *dropped = true;
        for (size_t k = 0; k < n; k++)
            if (!part_int(json_array_get(a, k), &v[k]))
                return false;
        if (n == 0 || (n == 1 && v[0] == 0 && i == 1))
            continue; /* empty / [0]: an open end */
        if (n >= 1 && !(n == 1 && v[0] == 0)) {
            p->has_year = true;
            p->year = v[0];
        }
        if (n >= 2) {
            /* months 13-16 and 21-24 are seasons, as processors read them */
            if (v[1] >= 21 && v[1] <= 24)
                p->season = v[1] - 20;
            else if (v[1] >= 13 && v[1] <= 16)
                p->season = v[1] - 12;
            else
                p->month = v[1];
        }
        if (n == 3)
            p->day = v[2];
    }
    /* a range with identical ends is one date */
    return true;
}

/* A date string: EDTF, else a literal. raw/literal point into s. */
static void read_date_text(const char *s, bib_date *d, const char **raw_out,
                           const char **lit_out)
{
    bool needs_raw;
    if (parse_edtf(s, d, &needs_raw)) {
        if (needs_raw)
            *raw_out = s;
    } else {
        memset(d, 0, sizeof *d);
        *lit_out = s;
    }
}

/* pandoc's CSL-YAML date string (BIB_CSLITEM_LOOSE): pandoc writes a date
 * as EDTF, and since its metadata strings are Markdown, EDTF's `~`
 * (circa) as `\~` (docs/yaml.md). The text with that escape undone, in
 * tmp when there was one; NULL when memory ran out. */
static const char *loose_date_text(const char *s, bib_buf *tmp)
{
    if (!strstr(s, "\\~"))
        return s;
    bib_buf_reset(tmp);
    for (const char *p = s; *p; p++)
        if (!(p[0] == '\\' && p[1] == '~'))
            bib_buf_putc(tmp, *p);
    return bib_buf_failed(tmp) ? NULL : tmp->data;
}

/* Converts a date value; returns false when it is unusable. Strings that
 * are not EDTF become a literal. Sets *canon_ok false when `raw` must be
 * kept because the date object had a member the model lacks. */
static bool read_date(const json_t *v, bib_date *d, const char **raw_out, const char **lit_out,
                      bool *dropped)
{
    memset(d, 0, sizeof *d);
    *raw_out = *lit_out = NULL;
    if (json_is_string(v)) {
        read_date_text(json_string_value(v), d, raw_out, lit_out);
        return true;
    }
    int year;
    if (json_is_integer(v) && part_int(v, &year)) { /* a bare year */
        d->nparts = 1;
        d->parts[0].has_year = true;
        d->parts[0].year = year;
        return true;
    }
    if (!json_is_object(v))
        return false;
    const json_t *dp = json_object_get(v, "date-parts");
    if (json_is_array(dp) && json_array_size(dp) == 0)
        dp = NULL; /* no date in it: the literal or raw beside it is the date */
    if (dp && !read_date_parts(dp, d, dropped)) {
        memset(d, 0, sizeof *d);
        return false;
    }
    const json_t *x;
    if ((x = json_object_get(v, "season"))) {
        int s;
        if (part_int(x, &s) && s >= 1 && s <= 4 && d->nparts)
            d->parts[0].season = s;
        else if (part_int(x, &s) && s >= 21 && s <= 24 && d->nparts)
            d->parts[0].season = s - 20;
    }
    if ((x = json_object_get(v, "circa")))
        d->circa = truthy(x);
    if ((x = json_object_get(v, "literal")) && json_is_string(x))
        *lit_out = json_string_value(x);
    if ((x = json_object_get(v, "raw")) && json_is_string(x)) {
        *raw_out = json_string_value(x);
        if (!d->nparts && !*lit_out) {
            bool nr;
            bib_date tmp;
            if (parse_edtf(*raw_out, &tmp, &nr)) {
                tmp.circa = tmp.circa || d->circa;
                *d = tmp;
            }
        }
    }
    return d->nparts || *lit_out || *raw_out;
}

/* pandoc-citeproc's date maps, read under BIB_CSLITEM_LOOSE (the CSL-YAML
 * files of corpus/bbt-import and corpus/pandoc use them): {year, month,
 * day, season, circa} or {literal}, alone or as a list of one or two (a
 * range). Months 13-16 and 21-24 are seasons, as in date-parts. */
static bool read_loose_date(const json_t *v, bib_date *d, const char **lit_out)
{
    memset(d, 0, sizeof *d);
    *lit_out = NULL;
    size_t n = json_is_array(v) ? json_array_size(v) : 1;
    if (n < 1 || n > 2)
        return false;
    for (size_t i = 0; i < n; i++) {
        const json_t *o = json_is_array(v) ? json_array_get(v, i) : v;
        const json_t *x;
        if (!json_is_object(o) || json_object_get(o, "date-parts"))
            return false; /* a CSL date object is read strictly, never guessed */
        if ((x = json_object_get(o, "circa")))
            d->circa = d->circa || truthy(x);
        if ((x = json_object_get(o, "literal")) && json_is_string(x)) {
            if (!*lit_out)
                *lit_out = json_string_value(x);
            continue;
        }
        int y, m = 0, day = 0, season = 0;
        if (!(x = json_object_get(o, "year")) || !part_int(x, &y))
            return false;
        if ((x = json_object_get(o, "month")) && !part_int(x, &m))
            return false;
        if ((x = json_object_get(o, "day")) && !part_int(x, &day))
            return false;
        if ((x = json_object_get(o, "season")) && !part_int(x, &season))
            return false;
        if (m >= 13 && m <= 24) {
            season = m >= 21 ? m - 20 : m - 12; /* 17-20 fall out below */
            m = 0;
        }
        if (season >= 21 && season <= 24)
            season -= 20;
        bib_date_part *p = &d->parts[d->nparts++];
        p->has_year = true;
        p->year = y;
        p->month = m;
        p->day = m ? day : 0;
        p->season = season >= 1 && season <= 4 ? season : 0;
    }
    if (*lit_out)
        d->nparts = 0; /* a literal says the whole date */
    return d->nparts || *lit_out;
}

const char *const cslitem_name_keys[6] = {"family", "given", "dropping-particle",
                                          "non-dropping-particle", "suffix", "literal"};

static bool read_name(const json_t *v, bib_name *n, bib_buf *tmp, unsigned flags)
{
    (void)tmp;
    memset(n, 0, sizeof *n);
    if (json_is_string(v) && (flags & BIB_CSLITEM_LOOSE)) {
        n->literal = json_string_value(v);
        return true;
    }
    if (!json_is_object(v))
        return false;
    const char **parts[6] = {&n->family, &n->given, &n->dropping_particle,
                             &n->non_dropping_particle, &n->suffix, &n->literal};
    for (int i = 0; i < 6; i++) {
        const json_t *x = json_object_get(v, cslitem_name_keys[i]);
        if (x && json_is_string(x) && json_string_length(x))
            *parts[i] = json_string_value(x);
    }
    const json_t *x;
    if ((x = json_object_get(v, "comma-suffix")))
        n->comma_suffix = truthy(x);
    if ((x = json_object_get(v, "static-ordering")))
        n->static_ordering = truthy(x);
    if ((x = json_object_get(v, "parse-names")))
        n->parse_names = truthy(x);
    return n->family || n->given || n->dropping_particle || n->non_dropping_particle ||
           n->suffix || n->literal;
}

static bool is_others(const bib_name *n)
{
    return n->literal && !n->family && !n->given && strcmp(n->literal, "others") == 0;
}

int cslitem_add_list_name(bib_record *rec, bib_var var, const bib_name *n, size_t i,
                          size_t count, bool *any)
{
    if (i == count - 1 && *any && is_others(n))
        return bib_record_set_names_truncated(rec, var, true);
    *any = true;
    return bib_record_add_name(rec, var, n);
}

static int add_extra_json(bib_record *rec, const char *name, const json_t *v)
{
    char *s = bib_cslitem_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!s)
        return BIB_ENOMEM;
    int rc = bib_record_add_extra(rec, CSLITEM_FMT, name, s, strlen(s));
    free(s);
    return rc;
}

/* True for {"name": "text" or ["text", ...], ...}: the shape the writer gives
 * another format's extras under custom (see bib_cslitem_to_json). */
static bool extras_shaped(const json_t *sub)
{
    const char *name;
    const json_t *val;
    if (!json_is_object(sub))
        return false;
    json_object_foreach((json_t *)sub, name, val) {
        if (json_is_array(val)) {
            size_t i;
            const json_t *x;
            if (json_array_size(val) < 2)
                return false;
            json_array_foreach(val, i, x)
                if (!json_is_string(x))
                    return false;
        } else if (!json_is_string(val)) {
            return false;
        }
    }
    return true;
}

/* "custom": each {"fmt": {...}} member in the extras shape goes back to
 * (fmt, name, value) extras, so bibtex -> csljson -> bibtex keeps what
 * CSL has no variable for; anything else stays a csljson extra. */
static int read_custom(bib_record *rec, const json_t *v)
{
    if (!json_is_object(v) || json_object_size(v) == 0)
        return add_extra_json(rec, "custom", v);
    json_t *rest = json_object();
    if (!rest)
        return BIB_ENOMEM;
    const char *fmt;
    json_t *sub;
    int rc = 0;
    json_object_foreach((json_t *)v, fmt, sub) {
        if (strcmp(fmt, CSLITEM_FMT) == 0 || !extras_shaped(sub)) {
            if (json_object_set(rest, fmt, sub) < 0) { /* a key jansson took: memory */
                rc = BIB_ENOMEM;
                break;
            }
            continue;
        }
        const char *name;
        json_t *val;
        json_object_foreach(sub, name, val) {
            size_t i;
            json_t *x;
            if (json_is_string(val)) {
                rc = bib_record_add_extra(rec, fmt, name, json_string_value(val),
                                          json_string_length(val));
            } else {
                json_array_foreach(val, i, x) {
                    rc = bib_record_add_extra(rec, fmt, name, json_string_value(x),
                                              json_string_length(x));
                    if (rc < 0)
                        break;
                }
            }
            if (rc < 0)
                break;
        }
        if (rc < 0)
            break;
    }
    if (rc >= 0 && json_object_size(rest))
        rc = add_extra_json(rec, "custom", rest);
    json_decref(rest);
    return rc;
}

/* Reads one variable; returns 0, BIB_EINVAL when the value does not fit
 * (kept as an extra by the caller), or BIB_ENOMEM. */
int cslitem_read_var(bib_record *rec, bib_var var, const char *key, const json_t *v,
                     bib_buf *tmp, const bib_cslitem_ctx *ctx)
{
    unsigned flags = ctx ? ctx->flags : 0;
    int rc = 0;
    switch (bib_var_kind(var)) {
    case BIB_KIND_NAMES: {
        if (!json_is_array(v)) {
            if ((flags & BIB_CSLITEM_LOOSE) && json_is_string(v)) {
                bib_name n = {0};
                n.literal = json_string_value(v);
                return bib_record_add_name(rec, var, &n);
            }
            return BIB_EINVAL;
        }
        size_t count = json_array_size(v);
        bool any = false;
        for (size_t i = 0; i < count; i++) {
            bib_name n;
            if (!read_name(json_array_get(v, i), &n, tmp, flags)) {
                warn(ctx, BIB_SEV_WARNING, "item: a name in '%s' is not a name object%s",
                     key, "");
                continue;
            }
            if ((rc = cslitem_add_list_name(rec, var, &n, i, count, &any)))
                return rc;
        }
        if (!any && !bib_record_has(rec, var))
            return bib_record_set_names_truncated(rec, var, false); /* empty list */
        return 0;
    }
    case BIB_KIND_DATE: {
        bib_date d;
        const char *raw, *lit;
        bool ok, dropped = false;
        if ((flags & BIB_CSLITEM_LOOSE) && json_is_string(v)) {
            const char *s = loose_date_text(json_string_value(v), tmp);
            if (!s)
                return BIB_ENOMEM;
            memset(&d, 0, sizeof d);
            raw = lit = NULL;
            read_date_text(s, &d, &raw, &lit);
            ok = true;
        } else {
            ok = read_date(v, &d, &raw, &lit, &dropped);
        }
        if (ok && dropped)
            warn(ctx, BIB_SEV_WARNING,
                 "item: '%s' has a date part after an empty one; read up to the empty "
                 "one, the rest dropped%s",
                 key, "");
        if (!ok && (flags & BIB_CSLITEM_LOOSE)) {
            raw = NULL;
            ok = read_loose_date(v, &d, &lit);
        }
        if (!ok)
            return BIB_EINVAL;
        d.raw = raw;
        d.literal = lit;
        return bib_record_set_date(rec, var, &d);
    }
    case BIB_KIND_NUMBER: {
        bool num;
        const char *s = scalar_text(v, tmp, &num);
        if (!s)
            return bib_buf_failed(tmp) ? BIB_ENOMEM : BIB_EINVAL;
        rc = bib_record_set_text(rec, var, s, strlen(s));
        if (!rc && num && cslitem_number_as_json(var))
            rc = bib_record_set_field_flags(rec, var, BIB_FIELD_BARE_NUMBER);
        return rc;
    }
    default: {
        if (var == BIB_VAR_CATEGORIES && json_is_array(v)) {
            for (size_t i = 0; i < json_array_size(v); i++) {
                const char *s = scalar_text(json_array_get(v, i), tmp, NULL);
                if (s && (rc = bib_record_add_text(rec, var, s, strlen(s))))
                    return rc;
                if (bib_buf_failed(tmp))
                    return BIB_ENOMEM;
            }
            return bib_record_has(rec, var) ? 0 : BIB_EINVAL;
        }
        bool num;
        const char *s = scalar_text(v, tmp, &num);
        if (!s)
            return bib_buf_failed(tmp) ? BIB_ENOMEM : BIB_EINVAL;
        if (var == BIB_VAR_KEYWORD) {
            /* keywords are a list in the model; CSL-JSON joins them */
            const char *p = s;
            while (*p) {
                const char *c = strchr(p, ',');
                size_t l = c ? (size_t)(c - p) : strlen(p);
                while (l && isspace((unsigned char)*p)) {
                    p++;
                    l--;
                }
                while (l && isspace((unsigned char)p[l - 1]))
                    l--;
                if (l && (rc = bib_record_add_text(rec, var, p, l)))
                    return rc;
                if (!c)
                    break;
                p = c + 1;
            }
            return bib_record_has(rec, var) ? 0 : bib_record_set_text(rec, var, "", 0);
        }
        rc = bib_record_set_text(rec, var, s, strlen(s));
        /* loose (YAML): a number under a text variable is text, as pandoc
         * reads it (loose_number_text below) */
        if (!rc && num && !(ctx && (ctx->flags & BIB_CSLITEM_LOOSE)))
            rc = bib_record_set_field_flags(rec, var, BIB_FIELD_BARE_NUMBER);
        return rc;
    }
    }
}

/* True when the value is certainly written back as read, so the costly
 * canonical comparison can be skipped: a plain string under the canonical
 * key of a single-valued text or number variable (the common case). */
static bool plain_spelling(const bib_record *rec, bib_var var, const char *key, const json_t *v)
{
    bib_kind k = bib_var_kind(var);
    if ((k != BIB_KIND_TEXT && k != BIB_KIND_RICH && k != BIB_KIND_NUMBER) ||
        var == BIB_VAR_KEYWORD || var == BIB_VAR_CATEGORIES || !json_is_string(v))
        return false;
    /* rich text the setter respelled (a small-caps span with a space,
     * record.h) keeps the source's spelling */
    if (k == BIB_KIND_RICH && strchr(json_string_value(v), '<') &&
        strcmp(bib_record_text(rec, var), json_string_value(v)) != 0)
        return false;
    return strcmp(bib_var_name(var), key) == 0;
}

/* A YAML date string is read as pandoc reads it, a date (or a literal),
 * and its spelling is not kept: the CSL-JSON writers would give the
 * string back, which the CSL-JSON schema refuses and pandoc's own CSL-JSON
 * never has (docs/yaml.md). */
static bool loose_date_string(bib_var var, const json_t *v, const bib_cslitem_ctx *ctx)
{
    return ctx && (ctx->flags & BIB_CSLITEM_LOOSE) && bib_var_kind(var) == BIB_KIND_DATE &&
           json_is_string(v);
}

/* A YAML number under a CSL text variable (`collection-title: 4`) is read
 * as text, as pandoc reads it, and its spelling is not kept: CSL wants a
 * string there, and the CSL-JSON writers would give the number back, which
 * the schema refuses (docs/yaml.md). Number variables keep theirs, but for
 * the two the schema types as strings alone (cslitem_number_as_json:
 * pandoc's `version: 3`, a CSL-JSON `"version": 1`), read as text too. */
static bool loose_number_text(bib_var var, const json_t *v, const bib_cslitem_ctx *ctx)
{
    bib_kind k = bib_var_kind(var);
    bool loose = ctx && (ctx->flags & BIB_CSLITEM_LOOSE);
    return json_is_number(v) && (!cslitem_number_as_json(var)
                                 || (loose && (k == BIB_KIND_TEXT || k == BIB_KIND_RICH)));
}

int cslitem_read_member(bib_record *rec, const char *k, const json_t *v, bib_buf *tmp,
                        bib_buf *key, const bib_cslitem_ctx *ctx)
{
    int rc = 0;
    if (strcmp(k, "id") == 0) {
        bool num;
        const char *s = scalar_text(v, tmp, &num);
        if (!s && bib_buf_failed(tmp)) {
            rc = BIB_ENOMEM;
        } else if (!s) {
            warn(ctx, BIB_SEV_WARNING, "item: 'id' is not a string or number%s%s", "", "");
            rc = add_extra_json(rec, CSLITEM_RAW_PREFIX "id", v);
        } else {
            rc = bib_record_set_id(rec, s);
            if (!rc && !json_is_string(v))
                rc = add_extra_json(rec, CSLITEM_RAW_PREFIX "id", v);
        }
    } else if (strcmp(k, "type") == 0) {
        const char *s = json_is_string(v) ? json_string_value(v) : NULL;
        bib_type t = s ? bib_type_from_name(s, strlen(s)) : BIB_TYPE_UNKNOWN;
        if (!t) {
            warn(ctx, BIB_SEV_WARNING, "item: unknown type '%s' (kept, written as '%s')",
                 s ? s : "?", "document");
            rc = add_extra_json(rec, CSLITEM_RAW_PREFIX "type", v);
        } else {
            bib_record_set_type(rec, t);
            if (strcmp(s, bib_type_name(t)) != 0)
                rc = add_extra_json(rec, CSLITEM_RAW_PREFIX "type", v);
        }
    } else if (strcmp(k, "custom") == 0) {
        rc = read_custom(rec, v);
    } else {
        bib_var var = bib_var_from_name(k, strlen(k));
        if (var && bib_record_has(rec, var)) {
            /* an alias of a variable already set ("event" and "event-title") */
            rc = add_extra_json(rec, k, v);
        } else if (var) {
            /* a date given as a list of one date object (`"issued":
             * [{"literal": "1908-1912"}]`, as some exporters write it) is
             * that date, so every writer has it; the list is kept as it
             * was only when its object is no CSL date */
            const json_t *dv = v;
            if (bib_var_kind(var) == BIB_KIND_DATE && json_is_array(v) && json_array_size(v) == 1
                && json_is_object(json_array_get(v, 0)))
                dv = json_array_get(v, 0);
            rc = cslitem_read_var(rec, var, k, dv, tmp, ctx);
            if (rc == BIB_EINVAL) {
                warn(ctx, BIB_SEV_WARNING, "item: value of '%s' does not fit a CSL %s (kept)",
                     k, bib_var_kind(var) == BIB_KIND_DATE    ? "date"
                        : bib_var_kind(var) == BIB_KIND_NAMES ? "name list"
                                                              : "variable");
                bib_record_remove(rec, var);
                rc = add_extra_json(rec, k, v);
            } else if (!rc && !plain_spelling(rec, var, k, dv) && !loose_date_string(var, dv, ctx)) {
                /* keep the input spelling when it is not the canonical one;
                 * a loose number under a text variable counts as its text */
                const bib_field *f = bib_record_get(rec, var);
                json_t *canon = cslitem_field_to_json(rec, f);
                json_t *text = loose_number_text(var, dv, ctx)
                                   ? json_string(bib_record_text(rec, var))
                                   : json_incref((json_t *)dv);
                const char *cname = bib_var_name(var);
                if (!text) {
                    rc = BIB_ENOMEM;
                } else if (!canon || !json_equal(canon, text) || strcmp(cname, k) != 0) {
                    bib_buf_reset(key);
                    bib_buf_printf(key, CSLITEM_RAW_PREFIX "%s", k);
                    rc = bib_buf_failed(key) ? BIB_ENOMEM : add_extra_json(rec, key->data, text);
                }
                json_decref(text);
                json_decref(canon);
            }
        } else {
            rc = add_extra_json(rec, k, v);
        }
    }
    return rc;
}

int bib_cslitem_from_json(bib_record **out, const json_t *item, const bib_cslitem_ctx *ctx)
{
    *out = NULL;
    if (!json_is_object(item)) {
        warn(ctx, BIB_SEV_ERROR, "expected an item object, found %s%s",
             json_is_array(item) ? "an array" : "a scalar", "");
        return BIB_EPARSE;
    }
    bib_record *rec = bib_record_new(BIB_TYPE_UNKNOWN, NULL);
    if (!rec)
        return BIB_ENOMEM;
    bib_buf tmp = BIB_BUF_INIT, key = BIB_BUF_INIT;
    int rc = 0;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)item, k, v) {
        rc = cslitem_read_member(rec, k, v, &tmp, &key, ctx);
        if (rc)
            break;
    }
    bib_buf_clear(&tmp);
    bib_buf_clear(&key);
    if (rc) {
        bib_record_free(rec);
        return rc;
    }
    *out = rec;
    return 0;
}
