/* SPDX-License-Identifier: MIT */
/*
 * cslitem_json.c - bib_record -> CSL item as a jansson value
 * (bib_cslitem_to_json), the canonical form every value is compared to,
 * and the input spellings (@raw: extras) put back while they still mean
 * the same model value.
 *
 * Not for: reading (cslitem_read.c) or the direct text writer
 * (cslitem_write.c).
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/buf.h"
#include "bibconv/dates.h"
#include "cslitem_int.h"

json_t *cslitem_date_to_json(const bib_date *d)
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
            json_object_set_new(o, cslitem_name_keys[i], json_string(parts[i]));
    if (n->comma_suffix)
        json_object_set_new(o, "comma-suffix", json_true());
    if (n->static_ordering)
        json_object_set_new(o, "static-ordering", json_true());
    if (n->parse_names)
        json_object_set_new(o, "parse-names", json_true());
    return o;
}

/* Canonical JSON of one field. New reference or NULL. */
json_t *cslitem_field_to_json(const bib_record *rec, const bib_field *f)
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
        return cslitem_date_to_json(bib_field_date(f));
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
    snprintf(name, sizeof name, CSLITEM_RAW_PREFIX "%s", key);
    const char *raw = bib_record_extra_get(rec, CSLITEM_FMT, name);
    if (!raw)
        return NULL;
    json_t *j = json_loads(raw, JSON_DECODE_ANY, NULL);
    if (!j)
        return NULL;
    if (var == BIB_VAR_NONE)
        return j; /* id / type: checked by the caller */
    /* a bare number as a date is not given back (pandoc and the CSL-JSON
     * schema refuse it; an EDTF string, which pandoc reads, is) */
    if (bib_var_kind(var) == BIB_KIND_DATE && json_is_number(j)) {
        json_decref(j);
        return NULL;
    }
    /* re-read the raw value and compare canonical forms */
    bib_record *probe = bib_record_new(BIB_TYPE_UNKNOWN, NULL);
    bib_buf tmp = BIB_BUF_INIT;
    bool same = false;
    if (probe && cslitem_read_var(probe, var, key, j, &tmp, NULL) == 0) {
        json_t *c2 = cslitem_field_to_json(probe, bib_record_get(probe, var));
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

json_t *bib_cslitem_field_member(const bib_record *rec, const bib_field *f, const char **key)
{
    bib_var var = bib_field_var(f);
    *key = bib_var_name(var);
    json_t *canon = cslitem_field_to_json(rec, f);
    if (!canon)
        return NULL;
    /* the input may have used an alias key ("shortTitle"): look for a
     * raw extra under any key that maps to this variable */
    for (size_t k = 0; k < bib_record_extra_count(rec); k++) {
        const char *fmt, *name;
        bib_record_extra_at(rec, k, &fmt, &name, NULL, NULL);
        if (strcmp(fmt, CSLITEM_FMT) != 0 || strncmp(name, CSLITEM_RAW_PREFIX, 5) != 0)
            continue;
        const char *rkey = name + 5;
        if (bib_var_from_name(rkey, strlen(rkey)) != var)
            continue;
        json_t *out = raw_if_same(rec, rkey, canon, var);
        if (out) {
            json_decref(canon);
            *key = rkey;
            return out;
        }
    }
    return canon;
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
        const char *outkey;
        json_t *v = bib_cslitem_field_member(rec, bib_record_field_at(rec, i), &outkey);
        if (v)
            json_object_set_new(o, outkey, v);
    }
    /* extras: csljson ones back in place, others under custom */
    json_t *custom = NULL;
    for (size_t i = 0; i < bib_record_extra_count(rec); i++) {
        const char *fmt, *name, *value;
        size_t len;
        bib_record_extra_at(rec, i, &fmt, &name, &value, &len);
        if (strcmp(fmt, CSLITEM_FMT) == 0) {
            if (strncmp(name, CSLITEM_RAW_PREFIX, 5) == 0)
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
