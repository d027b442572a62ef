/* SPDX-License-Identifier: MIT */
/*
 * cslitem.c - the one mapping between a CSL item as a jansson value and a
 * bib_record, shared by the csljson and yaml plugins.
 *
 * Exactness. The model is authoritative, but CSL-JSON allows several
 * spellings of one value (date-parts members as strings or numbers, a
 * season as month 21, a numeric id, unknown keys inside a name object).
 * When the canonical JSON of a mapped value differs from what the input
 * had, the input's JSON is kept as the extra ("csljson", "@raw:KEY"); the
 * writer emits it instead of the canonical form only while it still maps to
 * the same model value. So csljson -> csljson is exact, and a value changed
 * by any later stage is written canonically.
 *
 * Not for: JSON text, streaming, YAML syntax (the plugins do those).
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/buf.h"
#include "bibconv/cslitem.h"
#include "bibconv/dates.h"

#define FMT "csljson"
#define RAW_PREFIX "@raw:"

/* ---- diagnostics ---------------------------------------------------------- */

static void warn(const bib_cslitem_ctx *ctx, bib_severity sev, const char *fmt, const char *a,
                 const char *b)
{
    if (!ctx || !ctx->in)
        return;
    bib_input_report(ctx->in, sev, ctx->line, ctx->column, fmt, a, b);
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
        return buf->data;
    }
    if (json_is_real(v)) {
        if (was_number)
            *was_number = true;
        bib_buf_printf(buf, "%.17g", json_real_value(v));
        return buf->data;
    }
    if (json_is_boolean(v))
        return json_is_true(v) ? "true" : "false";
    return NULL;
}

/* Integer of a date-part member: number or numeric string. */
static bool part_int(const json_t *v, int *out)
{
    if (json_is_integer(v)) {
        *out = (int)json_integer_value(v);
        return true;
    }
    if (json_is_real(v)) {
        *out = (int)json_real_value(v);
        return true;
    }
    if (json_is_string(v)) {
        const char *s = json_string_value(v);
        char *end;
        long x = strtol(s, &end, 10);
        while (*end == ' ')
            end++;
        if (end == s || *end)
            return false;
        *out = (int)x;
        return true;
    }
    return false;
}

static bool read_date_parts(const json_t *dp, bib_date *d)
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
        for (size_t k = 0; k < json_array_size(a); k++)
            if (!part_int(json_array_get(a, k), &v[k]))
                return false;
        size_t n = json_array_size(a);
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

/* Converts a date value; returns false when it is unusable. Strings that
 * are not EDTF become a literal. Sets *canon_ok false when `raw` must be
 * kept because the date object had a member the model lacks. */
static bool read_date(const json_t *v, bib_date *d, const char **raw_out, const char **lit_out)
{
    memset(d, 0, sizeof *d);
    *raw_out = *lit_out = NULL;
    if (json_is_string(v)) {
        bool needs_raw;
        const char *s = json_string_value(v);
        if (parse_edtf(s, d, &needs_raw)) {
            if (needs_raw)
                *raw_out = s;
        } else {
            memset(d, 0, sizeof *d);
            *lit_out = s;
        }
        return true;
    }
    if (json_is_integer(v)) { /* a bare year */
        d->nparts = 1;
        d->parts[0].has_year = true;
        d->parts[0].year = (int)json_integer_value(v);
        return true;
    }
    if (!json_is_object(v))
        return false;
    const json_t *dp = json_object_get(v, "date-parts");
    if (dp && !read_date_parts(dp, d)) {
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

static const char *name_keys[] = {"family", "given", "dropping-particle",
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
        const json_t *x = json_object_get(v, name_keys[i]);
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

static int add_extra_json(bib_record *rec, const char *name, const json_t *v)
{
    char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!s)
        return BIB_ENOMEM;
    int rc = bib_record_add_extra(rec, FMT, name, s, strlen(s));
    free(s);
    return rc;
}

static json_t *field_to_json(const bib_record *rec, const bib_field *f);

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
        if (strcmp(fmt, FMT) == 0 || !extras_shaped(sub)) {
            json_object_set(rest, fmt, sub);
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
static int read_var(bib_record *rec, bib_var var, const char *key, const json_t *v,
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
            if (i == count - 1 && is_others(&n) && any) {
                rc = bib_record_set_names_truncated(rec, var, true);
            } else {
                rc = bib_record_add_name(rec, var, &n);
                any = true;
            }
            if (rc)
                return rc;
        }
        if (!any && !bib_record_has(rec, var))
            return bib_record_set_names_truncated(rec, var, false); /* empty list */
        return 0;
    }
    case BIB_KIND_DATE: {
        bib_date d;
        const char *raw, *lit;
        bool ok = read_date(v, &d, &raw, &lit);
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
            return BIB_EINVAL;
        rc = bib_record_set_text(rec, var, s, strlen(s));
        if (!rc && num)
            rc = bib_record_set_field_flags(rec, var, BIB_FIELD_BARE_NUMBER);
        return rc;
    }
    default: {
        if (var == BIB_VAR_CATEGORIES && json_is_array(v)) {
            for (size_t i = 0; i < json_array_size(v); i++) {
                const char *s = scalar_text(json_array_get(v, i), tmp, NULL);
                if (s && (rc = bib_record_add_text(rec, var, s, strlen(s))))
                    return rc;
            }
            return bib_record_has(rec, var) ? 0 : BIB_EINVAL;
        }
        bool num;
        const char *s = scalar_text(v, tmp, &num);
        if (!s)
            return BIB_EINVAL;
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
        if (!rc && num)
            rc = bib_record_set_field_flags(rec, var, BIB_FIELD_BARE_NUMBER);
        return rc;
    }
    }
}

/* True when the value is certainly written back as read, so the costly
 * canonical comparison can be skipped: a plain string under the canonical
 * key of a single-valued text or number variable (the common case). */
static bool plain_spelling(bib_var var, const char *key, const json_t *v)
{
    bib_kind k = bib_var_kind(var);
    if ((k != BIB_KIND_TEXT && k != BIB_KIND_RICH && k != BIB_KIND_NUMBER) ||
        var == BIB_VAR_KEYWORD || var == BIB_VAR_CATEGORIES || !json_is_string(v))
        return false;
    return strcmp(bib_var_name(var), key) == 0;
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
        if (strcmp(k, "id") == 0) {
            bool num;
            const char *s = scalar_text(v, &tmp, &num);
            if (!s) {
                warn(ctx, BIB_SEV_WARNING, "item: 'id' is not a string or number%s%s", "", "");
                rc = add_extra_json(rec, RAW_PREFIX "id", v);
            } else {
                rc = bib_record_set_id(rec, s);
                if (!rc && !json_is_string(v))
                    rc = add_extra_json(rec, RAW_PREFIX "id", v);
            }
        } else if (strcmp(k, "type") == 0) {
            const char *s = json_is_string(v) ? json_string_value(v) : NULL;
            bib_type t = s ? bib_type_from_name(s, strlen(s)) : BIB_TYPE_UNKNOWN;
            if (!t) {
                warn(ctx, BIB_SEV_WARNING, "item: unknown type '%s' (kept, written as '%s')",
                     s ? s : "?", "document");
                rc = add_extra_json(rec, RAW_PREFIX "type", v);
            } else {
                bib_record_set_type(rec, t);
                if (strcmp(s, bib_type_name(t)) != 0)
                    rc = add_extra_json(rec, RAW_PREFIX "type", v);
            }
        } else if (strcmp(k, "custom") == 0) {
            rc = read_custom(rec, v);
        } else {
            bib_var var = bib_var_from_name(k, strlen(k));
            if (var && bib_record_has(rec, var)) {
                /* an alias of a variable already set ("event" and "event-title") */
                rc = add_extra_json(rec, k, v);
            } else if (var) {
                rc = read_var(rec, var, k, v, &tmp, ctx);
                if (rc == BIB_EINVAL) {
                    warn(ctx, BIB_SEV_WARNING, "item: value of '%s' does not fit a CSL %s (kept)",
                         k, bib_var_kind(var) == BIB_KIND_DATE    ? "date"
                            : bib_var_kind(var) == BIB_KIND_NAMES ? "name list"
                                                                  : "variable");
                    bib_record_remove(rec, var);
                    rc = add_extra_json(rec, k, v);
                } else if (!rc && !plain_spelling(var, k, v)) {
                    /* keep the input spelling when it is not the canonical one */
                    const bib_field *f = bib_record_get(rec, var);
                    json_t *canon = field_to_json(rec, f);
                    const char *cname = bib_var_name(var);
                    if (!canon || !json_equal(canon, (json_t *)v) || strcmp(cname, k) != 0) {
                        bib_buf_reset(&key);
                        bib_buf_printf(&key, RAW_PREFIX "%s", k);
                        rc = add_extra_json(rec, key.data, v);
                    }
                    json_decref(canon);
                }
            } else {
                rc = add_extra_json(rec, k, v);
            }
        }
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

/* ---- writing ------------------------------------------------------------------ */

static json_t *date_to_json(const bib_date *d)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    /* date-parts begin with the year: a date without one ("May 29" on a
     * page that gives no year) goes out as its raw text only */
    bool parts = d->nparts && d->parts[0].has_year;
    if (!parts && d->nparts && !d->raw && !d->literal && d->parts[0].month) {
        char b[32];
        snprintf(b, sizeof b, d->parts[0].day ? "XXXX-%02d-%02d" : "XXXX-%02d",
                 d->parts[0].month, d->parts[0].day);
        json_object_set_new(o, "raw", json_string(b));
    }
    if (parts) {
        json_t *dp = json_array();
        json_object_set_new(o, "date-parts", dp);
        for (int i = 0; i < d->nparts; i++) {
            const bib_date_part *p = &d->parts[i];
            json_t *a = json_array();
            json_array_append_new(dp, a);
            if (!p->has_year) {
                json_array_append_new(a, json_integer(0)); /* open end */
                continue;
            }
            json_array_append_new(a, json_integer(p->year));
            if (p->month) {
                json_array_append_new(a, json_integer(p->month));
                if (p->day)
                    json_array_append_new(a, json_integer(p->day));
            }
        }
        int season = d->parts[0].season;
        if (season)
            json_object_set_new(o, "season", json_integer(season));
    }
    if (d->circa)
        json_object_set_new(o, "circa", json_true());
    if (d->literal)
        json_object_set_new(o, "literal", json_string(d->literal));
    if (d->raw)
        json_object_set_new(o, "raw", json_string(d->raw));
    return o;
}

static json_t *name_to_json(const bib_name *n)
{
    json_t *o = json_object();
    const char *parts[6] = {n->family, n->given, n->dropping_particle,
                            n->non_dropping_particle, n->suffix, n->literal};
    for (int i = 0; i < 6; i++)
        if (parts[i])
            json_object_set_new(o, name_keys[i], json_string(parts[i]));
    if (n->comma_suffix)
        json_object_set_new(o, "comma-suffix", json_true());
    if (n->static_ordering)
        json_object_set_new(o, "static-ordering", json_true());
    if (n->parse_names)
        json_object_set_new(o, "parse-names", json_true());
    return o;
}

/* Canonical JSON of one field. New reference or NULL. */
static json_t *field_to_json(const bib_record *rec, const bib_field *f)
{
    (void)rec;
    switch (bib_field_kind(f)) {
    case BIB_KIND_NAMES: {
        json_t *a = json_array();
        for (size_t i = 0; i < bib_field_name_count(f); i++)
            json_array_append_new(a, name_to_json(bib_field_name_at(f, i)));
        if (bib_field_names_truncated(f))
            json_array_append_new(a, json_pack("{s:s}", "literal", "others"));
        return a;
    }
    case BIB_KIND_DATE:
        return date_to_json(bib_field_date(f));
    default: {
        const char *s = bib_field_text(f);
        if (!s)
            return NULL;
        if (bib_field_var(f) == BIB_VAR_CATEGORIES) {
            json_t *a = json_array();
            for (size_t i = 0; i < bib_field_value_count(f); i++)
                json_array_append_new(a, json_string(bib_field_value_at(f, i)));
            return a;
        }
        if (bib_field_var(f) == BIB_VAR_KEYWORD && bib_field_value_count(f) > 1) {
            bib_buf b = BIB_BUF_INIT;
            for (size_t i = 0; i < bib_field_value_count(f); i++) {
                if (i)
                    bib_buf_puts(&b, ", ");
                bib_buf_puts(&b, bib_field_value_at(f, i));
            }
            json_t *j = json_string(b.data);
            bib_buf_clear(&b);
            return j;
        }
        if (bib_field_flags(f) & BIB_FIELD_BARE_NUMBER) {
            char *end;
            errno = 0;
            long long x = strtoll(s, &end, 10);
            if (*s && !*end && !(s[0] == '0' && s[1]) && errno == 0)
                return json_integer(x);
        }
        return json_string(s);
    }
    }
}

/* The kept input spelling of `key`, if it still maps to the same value. */
static json_t *raw_if_same(const bib_record *rec, const char *key, const json_t *canon,
                           bib_var var)
{
    char name[80];
    snprintf(name, sizeof name, RAW_PREFIX "%s", key);
    const char *raw = bib_record_extra_get(rec, FMT, name);
    if (!raw)
        return NULL;
    json_t *j = json_loads(raw, JSON_DECODE_ANY, NULL);
    if (!j)
        return NULL;
    if (var == BIB_VAR_NONE)
        return j; /* id / type: checked by the caller */
    /* re-read the raw value and compare canonical forms */
    bib_record *probe = bib_record_new(BIB_TYPE_UNKNOWN, NULL);
    bib_buf tmp = BIB_BUF_INIT;
    bool same = false;
    if (probe && read_var(probe, var, key, j, &tmp, NULL) == 0) {
        json_t *c2 = field_to_json(probe, bib_record_get(probe, var));
        same = c2 && json_equal(c2, (json_t *)canon);
        json_decref(c2);
    }
    bib_buf_clear(&tmp);
    bib_record_free(probe);
    if (!same) {
        json_decref(j);
        return NULL;
    }
    return j;
}

json_t *bib_cslitem_to_json(const bib_record *rec, unsigned flags)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    /* id */
    const char *id = bib_record_id(rec);
    if (id) {
        json_t *raw = raw_if_same(rec, "id", NULL, BIB_VAR_NONE);
        char buf[64];
        const char *rs = NULL;
        if (raw && json_is_integer(raw)) {
            snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(raw));
            rs = buf;
        }
        if (raw && rs && strcmp(rs, id) == 0)
            json_object_set_new(o, "id", raw);
        else {
            json_decref(raw);
            json_object_set_new(o, "id", json_string(id));
        }
    }
    /* type */
    bib_type t = bib_record_type(rec);
    json_t *rawt = raw_if_same(rec, "type", NULL, BIB_VAR_NONE);
    if (rawt && json_is_string(rawt) &&
        bib_type_from_name(json_string_value(rawt), json_string_length(rawt)) == t)
        json_object_set_new(o, "type", rawt);
    else {
        json_decref(rawt);
        json_object_set_new(o, "type", json_string(t ? bib_type_name(t) : "document"));
    }
    /* variables in record order */
    for (size_t i = 0; i < bib_record_field_count(rec); i++) {
        const bib_field *f = bib_record_field_at(rec, i);
        bib_var var = bib_field_var(f);
        json_t *canon = field_to_json(rec, f);
        if (!canon)
            continue;
        /* the input may have used an alias key ("shortTitle"): look for a
         * raw extra under any key that maps to this variable */
        json_t *out = NULL;
        const char *outkey = bib_var_name(var);
        for (size_t k = 0; k < bib_record_extra_count(rec) && !out; k++) {
            const char *fmt, *name;
            bib_record_extra_at(rec, k, &fmt, &name, NULL, NULL);
            if (strcmp(fmt, FMT) != 0 || strncmp(name, RAW_PREFIX, 5) != 0)
                continue;
            const char *key = name + 5;
            if (bib_var_from_name(key, strlen(key)) != var)
                continue;
            out = raw_if_same(rec, key, canon, var);
            if (out)
                outkey = key;
        }
        if (out) {
            json_object_set_new(o, outkey, out);
            json_decref(canon);
        } else {
            json_object_set_new(o, outkey, canon);
        }
    }
    /* extras: csljson ones back in place, others under custom */
    json_t *custom = NULL;
    for (size_t i = 0; i < bib_record_extra_count(rec); i++) {
        const char *fmt, *name, *value;
        size_t len;
        bib_record_extra_at(rec, i, &fmt, &name, &value, &len);
        if (strcmp(fmt, FMT) == 0) {
            if (strncmp(name, RAW_PREFIX, 5) == 0)
                continue;
            json_t *j = json_loadb(value, len, JSON_DECODE_ANY, NULL);
            if (!j)
                j = json_stringn(value, len);
            if (strcmp(name, "custom") == 0 && json_is_object(j)) {
                if (!custom)
                    custom = j;
                else {
                    json_object_update(custom, j);
                    json_decref(j);
                }
            } else if (!json_object_get(o, name)) {
                json_object_set_new(o, name, j);
            } else {
                json_decref(j);
            }
        } else if (flags & BIB_CSLITEM_CUSTOM_EXTRAS) {
            if (!custom)
                custom = json_object();
            json_t *sub = json_object_get(custom, fmt);
            if (!sub) {
                sub = json_object();
                json_object_set_new(custom, fmt, sub);
            }
            json_t *prev = json_object_get(sub, name);
            json_t *val = json_stringn(value, len);
            if (!prev) {
                json_object_set_new(sub, name, val);
            } else if (json_is_array(prev)) {
                json_array_append_new(prev, val);
            } else {
                json_t *arr = json_array();
                json_array_append(arr, prev);
                json_array_append_new(arr, val);
                json_object_set_new(sub, name, arr);
            }
        }
    }
    if (custom)
        json_object_set_new(o, "custom", custom);
    return o;
}

/* ---- direct writing ---------------------------------------------------------- */

/* The JSON text emitter of bib_cslitem_write: jansson's dump layout. */
typedef struct jw {
    bib_buf *out;
    bool pretty;
    int level; /* current depth, counting the caller's base level */
} jw;

static void jw_newline(jw *w)
{
    if (!w->pretty)
        return;
    /* a newline and the indentation in one copy (deeper levels loop) */
    static const char nl[] = "\n                                                                ";
    size_t sp = 2 * (size_t)(w->level > 0 ? w->level : 0), room = sizeof nl - 2;
    size_t k = sp < room ? sp : room;
    bib_buf_append_fast(w->out, nl, 1 + k);
    for (sp -= k; sp; sp -= k) {
        k = sp < room ? sp : room;
        bib_buf_append_fast(w->out, nl + 1, k);
    }
}

static void jw_string(jw *w, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    bib_buf_putc_fast(w->out, '"');
    size_t run = 0, i = 0;
    while (i < n) {
        /* eight bytes at a time while none needs escaping: a byte below
         * 0x20, a '"' or a '\\' (the usual has-zero-byte bit trick; its
         * lowest flagged byte is always a real one); the tail is padded
         * with harmless bytes */
        uint64_t x = ones * 'a';
        memcpy(&x, s + i, n - i < 8 ? n - i : 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        x = __builtin_bswap64(x); /* first byte lowest, as the count below expects */
#endif
        uint64_t lt = (x - ones * 0x20) & ~x;
        uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
        uint64_t hit = (lt | ((q - ones) & ~q) | ((b - ones) & ~b)) & high;
        if (!hit) {
            i += 8;
            continue;
        }
        i += (size_t)__builtin_ctzll(hit) / 8;
        unsigned char c = (unsigned char)s[i];
        bib_buf_append_fast(w->out, s + run, i - run);
        run = ++i;
        char e[7] = {'\\', 0, 0, 0, 0, 0, 0};
        size_t el = 2;
        switch (c) {
        case '"': e[1] = '"'; break;
        case '\\': e[1] = '\\'; break;
        case '\b': e[1] = 'b'; break;
        case '\f': e[1] = 'f'; break;
        case '\n': e[1] = 'n'; break;
        case '\r': e[1] = 'r'; break;
        case '\t': e[1] = 't'; break;
        default:
            e[1] = 'u';
            e[2] = '0';
            e[3] = '0';
            e[4] = hex[c >> 4];
            e[5] = hex[c & 15];
            el = 6;
        }
        bib_buf_append_fast(w->out, e, el);
    }
    bib_buf_append_fast(w->out, s + run, n - run);
    bib_buf_putc_fast(w->out, '"');
}

/* Opens an object or array; `first` tracks the separator. */
static void jw_open(jw *w, char c, bool *first)
{
    bib_buf_putc_fast(w->out, c);
    w->level++;
    *first = true;
}

static void jw_close(jw *w, char c, bool first)
{
    w->level--;
    if (!first)
        jw_newline(w);
    bib_buf_putc_fast(w->out, c);
}

static void jw_item(jw *w, bool *first)
{
    if (!*first)
        bib_buf_putc_fast(w->out, ',');
    *first = false;
    jw_newline(w);
}

/* A key known to need no escaping (CSL's own names): copied as is. */
static void jw_key_plain(jw *w, bool *first, const char *key)
{
    jw_item(w, first);
    size_t n = strlen(key);
    bib_buf_putc_fast(w->out, '"');
    bib_buf_append_fast(w->out, key, n);
    bib_buf_append_fast(w->out, w->pretty ? "\": " : "\":", w->pretty ? 3 : 2);
}

static void jw_key(jw *w, bool *first, const char *key)
{
    jw_item(w, first);
    jw_string(w, key, strlen(key));
    bib_buf_append_fast(w->out, w->pretty ? ": " : ":", w->pretty ? 2 : 1);
}

static void jw_int(jw *w, long long v)
{
    /* dates write several numbers per record: no printf */
    char b[24];
    size_t i = sizeof b;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do {
        b[--i] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        b[--i] = '-';
    bib_buf_append_fast(w->out, b + i, sizeof b - i);
}

static void jw_date(jw *w, const bib_date *d)
{
    bool f;
    jw_open(w, '{', &f);
    /* as date_to_json: no date-parts without a year */
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
        jw_key_plain(w, &f, "date-parts");
        jw_open(w, '[', &fa);
        for (int i = 0; i < d->nparts; i++) {
            const bib_date_part *p = &d->parts[i];
            bool fp;
            jw_item(w, &fa);
            jw_open(w, '[', &fp);
            jw_item(w, &fp);
            jw_int(w, p->has_year ? p->year : 0);
            if (p->has_year && p->month) {
                jw_item(w, &fp);
                jw_int(w, p->month);
                if (p->day) {
                    jw_item(w, &fp);
                    jw_int(w, p->day);
                }
            }
            jw_close(w, ']', fp);
        }
        jw_close(w, ']', fa);
        if (d->parts[0].season) {
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

static void jw_name(jw *w, const bib_name *n)
{
    bool f;
    const char *parts[6] = {n->family, n->given, n->dropping_particle,
                            n->non_dropping_particle, n->suffix, n->literal};
    jw_open(w, '{', &f);
    for (int i = 0; i < 6; i++)
        if (parts[i]) {
            jw_key_plain(w, &f, name_keys[i]);
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

/* One variable as field_to_json gives it; false when that gives nothing. */
static bool jw_field(jw *w, bool *first, const bib_field *f)
{
    const char *key = bib_var_name(bib_field_var(f));
    switch (bib_field_kind(f)) {
    case BIB_KIND_NAMES: {
        bool fa;
        jw_key_plain(w, first, key);
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
        jw_key_plain(w, first, key);
        jw_date(w, bib_field_date(f));
        return true;
    default:
        break;
    }
    const char *s = bib_field_text(f);
    if (!s)
        return false;
    jw_key_plain(w, first, key);
    size_t nv = bib_field_value_count(f);
    if (bib_field_var(f) == BIB_VAR_CATEGORIES) {
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
    if (bib_field_var(f) == BIB_VAR_KEYWORD && nv > 1) {
        /* one string, as field_to_json joins them */
        bib_buf j = BIB_BUF_INIT;
        for (size_t i = 0; i < nv; i++) {
            if (i)
                bib_buf_append_fast(&j, ", ", 2);
            bib_buf_puts(&j, bib_field_value_at(f, i));
        }
        jw_string(w, j.data, j.len);
        bib_buf_clear(&j);
        return true;
    }
    if (bib_field_flags(f) & BIB_FIELD_BARE_NUMBER) {
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

/* True when some extra of the record is the csljson plugin's own (an input
 * spelling to restore, or a key CSL does not know): those need the json_t
 * path, which looks them up and compares canonical forms. */
static bool has_csljson_extras(const bib_record *rec)
{
    size_t n = bib_record_extra_count(rec);
    for (size_t i = 0; i < n; i++) {
        const char *fmt;
        bib_record_extra_at(rec, i, &fmt, NULL, NULL, NULL);
        if (strcmp(fmt, FMT) == 0)
            return true;
    }
    return false;
}

static int dump_to_buf(const char *buffer, size_t size, void *data)
{
    return bib_buf_append_fast(data, buffer, size) == 0 ? 0 : -1;
}

int bib_cslitem_write(bib_buf *out, const bib_record *rec, unsigned flags, int level)
{
    bool pretty = flags & BIB_CSLITEM_PRETTY;
    if (has_csljson_extras(rec)) {
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
            bib_buf_truncate(out, start);
            bib_buf_append_fast(out, tmp.data, tmp.len);
            bib_buf_clear(&tmp);
        }
        return bib_buf_failed(out) ? BIB_ENOMEM : 0;
    }
    jw w = {out, pretty, level};
    bool first;
    jw_open(&w, '{', &first);
    const char *id = bib_record_id(rec);
    if (id) {
        jw_key_plain(&w, &first, "id");
        jw_string(&w, id, strlen(id));
    }
    bib_type t = bib_record_type(rec);
    jw_key_plain(&w, &first, "type");
    const char *tn = t ? bib_type_name(t) : "document";
    jw_string(&w, tn, strlen(tn));
    for (size_t i = 0; i < bib_record_field_count(rec); i++)
        jw_field(&w, &first, bib_record_field_at(rec, i));
    size_t ne = bib_record_extra_count(rec);
    if (ne && (flags & BIB_CSLITEM_CUSTOM_EXTRAS)) {
        /* custom: {fmt: {name: value, or [values] when repeated}} in order
         * of first appearance; a record has few extras, so the grouping
         * scans stay small */
        bool fc;
        jw_key_plain(&w, &first, "custom");
        jw_open(&w, '{', &fc);
        for (size_t i = 0; i < ne; i++) {
            const char *fmt, *name;
            bib_record_extra_at(rec, i, &fmt, &name, NULL, NULL);
            bool seen = false;
            for (size_t k = 0; k < i && !seen; k++) {
                const char *f2;
                bib_record_extra_at(rec, k, &f2, NULL, NULL, NULL);
                seen = strcmp(f2, fmt) == 0;
            }
            if (seen)
                continue;
            bool ff;
            jw_key(&w, &fc, fmt);
            jw_open(&w, '{', &ff);
            for (size_t k = i; k < ne; k++) {
                const char *f2, *n2, *v2;
                size_t l2;
                bib_record_extra_at(rec, k, &f2, &n2, &v2, &l2);
                if (strcmp(f2, fmt) != 0)
                    continue;
                bool dup = false;
                size_t count = 0;
                for (size_t m = i; m < ne; m++) {
                    const char *f3, *n3;
                    bib_record_extra_at(rec, m, &f3, &n3, NULL, NULL);
                    if (strcmp(f3, fmt) == 0 && strcmp(n3, n2) == 0) {
                        if (m < k)
                            dup = true;
                        count++;
                    }
                }
                if (dup)
                    continue;
                jw_key(&w, &ff, n2);
                if (count == 1) {
                    jw_string(&w, v2, l2);
                    continue;
                }
                bool fa;
                jw_open(&w, '[', &fa);
                for (size_t m = k; m < ne; m++) {
                    const char *f3, *n3, *v3;
                    size_t l3;
                    bib_record_extra_at(rec, m, &f3, &n3, &v3, &l3);
                    if (strcmp(f3, fmt) == 0 && strcmp(n3, n2) == 0) {
                        jw_item(&w, &fa);
                        jw_string(&w, v3, l3);
                    }
                }
                jw_close(&w, ']', fa);
            }
            jw_close(&w, '}', ff);
        }
        jw_close(&w, '}', fc);
    }
    jw_close(&w, '}', first);
    return bib_buf_failed(out) ? BIB_ENOMEM : 0;
}
