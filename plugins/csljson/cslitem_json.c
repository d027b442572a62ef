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
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/buf.h"
#include "bibconv/dates.h"
#include "cslitem_int.h"

/* jansson's set and append calls take the value's reference even when
 * they fail, and fail on a NULL value (a json_string or json_integer that
 * could not allocate): every builder here keeps one flag, false once a
 * call failed, and gives no tree at all then (out of memory) rather than
 * one with a member missing. */
static void put(json_t *o, const char *key, json_t *v, bool *ok)
{
    if (json_object_set_new(o, key, v) < 0)
        *ok = false;
}

static void push(json_t *a, json_t *v, bool *ok)
{
    if (json_array_append_new(a, v) < 0)
        *ok = false;
}

static json_t *built(json_t *j, bool ok)
{
    if (!ok) {
        json_decref(j);
        return NULL;
    }
    return j;
}

static json_t *date_to_json(const bib_date *d, bool *ok)
{
    json_t *o = json_object();
    if (!o) {
        *ok = false;
        return NULL;
    }
    /* date-parts begin with the year: a date without one ("May 29" on a
     * page that gives no year) goes out as its raw text only */
    bool parts = d->nparts && d->parts[0].has_year;
    if (!parts && d->nparts && !d->raw && !d->literal && d->parts[0].month) {
        char b[32];
        snprintf(b, sizeof b, d->parts[0].day ? "XXXX-%02d-%02d" : "XXXX-%02d",
                 d->parts[0].month, d->parts[0].day);
        put(o, "raw", json_string(b), ok);
    }
    if (parts) {
        json_t *dp = json_array();
        json_incref(dp); /* still used below if put fails */
        put(o, "date-parts", dp, ok);
        for (int i = 0; dp && i < d->nparts; i++) {
            const bib_date_part *p = &d->parts[i];
            json_t *a = json_array();
            if (!a) {
                *ok = false;
                break;
            }
            if (!p->has_year) {
                push(a, json_integer(0), ok); /* open end */
            } else {
                push(a, json_integer(p->year), ok);
                int month = bib_cslitem_part_month(d, i);
                if (month) {
                    push(a, json_integer(month), ok);
                    if (p->day && month <= 12)
                        push(a, json_integer(p->day), ok);
                }
            }
            push(dp, a, ok);
        }
        json_decref(dp);
        int season = d->parts[0].season;
        if (season && !bib_cslitem_seasons_in_parts(d))
            put(o, "season", json_integer(season), ok);
    }
    if (d->circa)
        put(o, "circa", json_true(), ok);
    if (d->literal)
        put(o, "literal", json_string(d->literal), ok);
    if (d->raw)
        put(o, "raw", json_string(d->raw), ok);
    return o;
}

json_t *cslitem_date_to_json(const bib_date *d)
{
    bool ok = true;
    json_t *o = date_to_json(d, &ok);
    return built(o, ok);
}

static json_t *name_to_json(const bib_name *n, bool *ok)
{
    json_t *o = json_object();
    if (!o) {
        *ok = false;
        return NULL;
    }
    const char *parts[6] = {n->family, n->given, n->dropping_particle,
                            n->non_dropping_particle, n->suffix, n->literal};
    for (int i = 0; i < 6; i++)
        if (parts[i])
            put(o, cslitem_name_keys[i], json_string(parts[i]), ok);
    if (n->comma_suffix)
        put(o, "comma-suffix", json_true(), ok);
    if (n->static_ordering)
        put(o, "static-ordering", json_true(), ok);
    if (n->parse_names)
        put(o, "parse-names", json_true(), ok);
    return o;
}

/* Canonical JSON of one field (a new reference), NULL when it gives none;
 * *ok false when memory ran out (the result is then incomplete). */
static json_t *field_to_json(const bib_field *f, bool *ok)
{
    switch (bib_field_kind(f)) {
    case BIB_KIND_NAMES: {
        json_t *a = json_array();
        if (!a) {
            *ok = false;
            return NULL;
        }
        for (size_t i = 0; i < bib_field_name_count(f); i++)
            push(a, name_to_json(bib_field_name_at(f, i), ok), ok);
        if (bib_field_names_truncated(f))
            push(a, json_pack("{s:s}", "literal", "others"), ok);
        return a;
    }
    case BIB_KIND_DATE:
        return date_to_json(bib_field_date(f), ok);
    default: {
        const char *s = bib_field_text(f);
        if (!s)
            return NULL;
        json_t *j;
        if (bib_field_var(f) == BIB_VAR_CATEGORIES) {
            json_t *a = json_array();
            if (!a) {
                *ok = false;
                return NULL;
            }
            for (size_t i = 0; i < bib_field_value_count(f); i++)
                push(a, json_string(bib_field_value_at(f, i)), ok);
            return a;
        }
        if (bib_field_var(f) == BIB_VAR_KEYWORD && bib_field_value_count(f) > 1) {
            bib_buf b = BIB_BUF_INIT;
            for (size_t i = 0; i < bib_field_value_count(f); i++) {
                if (i)
                    bib_buf_puts(&b, ", ");
                bib_buf_puts(&b, bib_field_value_at(f, i));
            }
            j = bib_buf_failed(&b) ? NULL : json_string(b.data);
            bib_buf_clear(&b);
        } else if ((bib_field_flags(f) & BIB_FIELD_BARE_NUMBER) &&
                   cslitem_number_as_json(bib_field_var(f))) {
            char *end;
            errno = 0;
            long long x = strtoll(s, &end, 10);
            if (*s && !*end && !(s[0] == '0' && s[1]) && errno == 0)
                j = json_integer(x);
            else
                j = json_string(s);
        } else {
            j = json_string(s);
        }
        if (!j)
            *ok = false;
        return j;
    }
    }
}

json_t *cslitem_field_to_json(const bib_record *rec, const bib_field *f)
{
    (void)rec;
    bool ok = true;
    json_t *j = field_to_json(f, &ok);
    return built(j, ok);
}

/* A date-part member spelled as a string that the reader takes for an
 * integer (cslitem_read.c's part_int: strtol's digits, spaces after) but
 * citeproc does not: anything but digits alone ("-1", "+5", "2020 "),
 * which pandoc refuses ("not a number"; digits alone it reads, and they
 * stay as the source spelled them). The integer in *out. */
static bool numeral_part(const json_t *v, long *out)
{
    if (!json_is_string(v))
        return false;
    const char *s = json_string_value(v);
    if (*s && strspn(s, "0123456789") == strlen(s))
        return false;
    char *end;
    errno = 0;
    long x = strtol(s, &end, 10);
    if (end == s)
        return false; /* no digits: "" or spaces, an absent member */
    while (*end == ' ')
        end++;
    if (*end || errno || x < INT_MIN || x > INT_MAX)
        return false;
    *out = x;
    return true;
}

/* The date-parts members of a kept date spelling that are integers spelt
 * as strings citeproc cannot read ("-1", numeral_part) turned into
 * numbers, in place: the reader takes the same value from either, and
 * pandoc refuses the string, so CSL-JSON, JSON Lines and YAML output give
 * the number (docs/fidelity.md, "consumer"). Digits alone ("2020") and
 * an empty string (an absent member) stay, as the source spelled them. */
static void numeral_parts(json_t *date, bool *ok)
{
    json_t *dp = json_is_object(date) ? json_object_get(date, "date-parts") : NULL;
    for (size_t i = 0; i < json_array_size(dp); i++) {
        json_t *a = json_array_get(dp, i);
        for (size_t k = 0; k < json_array_size(a); k++) {
            long x;
            if (numeral_part(json_array_get(a, k), &x) &&
                json_array_set_new(a, k, json_integer(x)) < 0)
                *ok = false;
        }
    }
}

/* The kept input spelling of `key`, if it still maps to the same value
 * (its date-parts members as numbers, numeral_parts); *ok false when
 * memory ran out deciding. */
static json_t *raw_if_same(const bib_record *rec, const char *key, const json_t *canon,
                           bib_var var, bool *ok)
{
    char name[80];
    snprintf(name, sizeof name, CSLITEM_RAW_PREFIX "%s", key);
    const char *raw = bib_record_extra_get(rec, CSLITEM_FMT, name);
    if (!raw)
        return NULL;
    bool oom;
    json_t *j = bib_cslitem_loadb(raw, strlen(raw), JSON_DECODE_ANY, NULL, &oom);
    if (!j) {
        if (oom)
            *ok = false;
        return NULL;
    }
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
    int rc = probe ? cslitem_read_var(probe, var, key, j, &tmp, NULL) : BIB_ENOMEM;
    if (rc == 0) {
        const bib_field *pf = bib_record_get(probe, var);
        json_t *c2 = pf ? field_to_json(pf, ok) : NULL;
        same = c2 && *ok && json_equal(c2, (json_t *)canon);
        json_decref(c2);
    } else if (rc == BIB_ENOMEM || bib_buf_failed(&tmp)) {
        *ok = false;
    }
    bib_buf_clear(&tmp);
    bib_record_free(probe);
    if (!same) {
        json_decref(j);
        return NULL;
    }
    if (bib_var_kind(var) == BIB_KIND_DATE)
        numeral_parts(j, ok);
    return j;
}

/* Whether key, which names var, is a name CSL gives it: the variable's own
 * or an alias of the specification or the schema ("shortTitle", "event",
 * "part-number"). A spelling the reader takes for it only because names
 * are compared without case ("url", "doi" in pandoc's YAML) is not: CSL's
 * names are case-sensitive, the schema refuses "url" and a citeproc that
 * looks for "URL" would not see it, so such a key goes out as the
 * variable's name (docs/fidelity.md, "schema"). */
static bool csl_key(const char *key, bib_var var)
{
    return strcmp(key, bib_var_name(var)) == 0 || cslitem_alias(key) != 0;
}

/* bib_cslitem_field_member with the flag of the builders above. With
 * BIB_CSLITEM_SCHEMA in flags, a kept spelling the schema refuses is not
 * the member: the canonical value is, and the spelling goes to *moved (a
 * new reference, under the key in *moved_key) for custom; an alias key
 * the schema lacks ("part-number") gives way to the variable's name. */
static json_t *field_member(const bib_record *rec, const bib_field *f, const char **key,
                            unsigned flags, json_t **moved, const char **moved_key, bool *ok)
{
    bib_var var = bib_field_var(f);
    *key = bib_var_name(var);
    if (moved)
        *moved = NULL;
    json_t *canon = field_to_json(f, ok);
    if (!canon || !*ok) {
        json_decref(canon);
        return NULL;
    }
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
        json_t *out = raw_if_same(rec, rkey, canon, var, ok);
        if (!*ok) {
            json_decref(out);
            json_decref(canon);
            return NULL;
        }
        if (out && (flags & BIB_CSLITEM_SCHEMA) && moved && !cslitem_schema_value(var, out)) {
            *moved = out;
            *moved_key = rkey;
            return canon;
        }
        if (out) {
            json_decref(canon);
            if (csl_key(rkey, var) &&
                (!(flags & BIB_CSLITEM_SCHEMA) || cslitem_schema_key(rkey)))
                *key = rkey;
            return out;
        }
    }
    return canon;
}

json_t *bib_cslitem_field_member(const bib_record *rec, const bib_field *f, const char **key)
{
    bool ok = true;
    json_t *j = field_member(rec, f, key, 0, NULL, NULL, &ok);
    if (!ok)
        *key = NULL;
    return j;
}

/* A csljson extra's JSON text as its value (a string when it is not
 * JSON), as both writers put an unknown key back. NULL when memory ran
 * out. */
json_t *bib_cslitem_extra_value(const char *value, size_t len)
{
    bool oom;
    json_t *j = bib_cslitem_loadb(value, len, JSON_DECODE_ANY, NULL, &oom);
    if (!j && !oom)
        j = json_stringn(value, len);
    return j;
}

json_t *bib_cslitem_extra_member(const char *name, const char *value, size_t len)
{
    json_t *j = bib_cslitem_extra_value(value, len);
    bib_var var = bib_var_from_name(name, strlen(name));
    if (!j || !var || bib_var_kind(var) != BIB_KIND_DATE || json_array_size(j) != 1)
        return j;
    /* a date given as a list of one date object ([{"literal": ...}]):
     * the CSL date it holds, which citeproc reads (pandoc refuses the
     * list); one that is no CSL date, or a longer list, stays as it was */
    json_t *one = json_array_get(j, 0);
    bib_record *probe = bib_record_new(BIB_TYPE_UNKNOWN, NULL);
    bib_buf tmp = BIB_BUF_INIT;
    int rc = probe ? cslitem_read_var(probe, var, name, one, &tmp, NULL) : BIB_ENOMEM;
    bool failed = rc == BIB_ENOMEM || bib_buf_failed(&tmp);
    bib_buf_clear(&tmp);
    bib_record_free(probe);
    if (failed) {
        json_decref(j);
        return NULL;
    }
    if (rc == 0 && json_is_object(one)) {
        json_incref(one);
        json_decref(j);
        bool ok = true;
        numeral_parts(one, &ok);
        return built(one, ok);
    }
    return j;
}

/* Adds v (its reference taken) under key to *mine, custom.csljson of the
 * item being built, made on first use. */
static void keep_mine(json_t **mine, const char *key, json_t *v, bool *ok)
{
    if (!*mine && !(*mine = json_object())) {
        json_decref(v);
        *ok = false;
        return;
    }
    put(*mine, key, v, ok);
}

/* Another format's extra, appended under custom[fmt][name] (a list when
 * the name repeats); *custom made on first use. */
static void custom_extra(json_t **custom, const char *fmt, const char *name, const char *value,
                         size_t len, bool *ok)
{
    if (!*custom && !(*custom = json_object())) {
        *ok = false;
        return;
    }
    json_t *sub = json_object_get(*custom, fmt);
    if (!sub) {
        sub = json_object();
        json_incref(sub); /* borrowed below, whether put keeps it or not */
        put(*custom, fmt, sub, ok);
        json_decref(sub);
        if (!*ok)
            return;
    }
    json_t *prev = json_object_get(sub, name);
    json_t *val = json_stringn(value, len);
    if (!prev) {
        put(sub, name, val, ok);
    } else if (json_is_array(prev)) {
        push(prev, val, ok);
    } else {
        json_t *arr = json_array();
        if (json_array_append(arr, prev) < 0)
            *ok = false;
        push(arr, val, ok);
        put(sub, name, arr, ok);
    }
}

/* A csljson extra (an unknown key, a source's own custom, an alias of a
 * variable already set) back into o, or, under BIB_CSLITEM_SCHEMA, into
 * *mine when the schema refuses its key or value. */
static void csljson_extra(json_t *o, json_t **custom, json_t **mine, const char *name,
                          const char *value, size_t len, unsigned flags, bool *ok)
{
    json_t *j = bib_cslitem_extra_member(name, value, len);
    if (!j) {
        *ok = false;
        return;
    }
    bool custom_obj = strcmp(name, "custom") == 0 && json_is_object(j);
    if (flags & BIB_CSLITEM_SCHEMA) {
        bib_var var = bib_var_from_name(name, strlen(name));
        if (!custom_obj && (strcmp(name, "custom") == 0 || !cslitem_schema_key(name) ||
                            (var && !cslitem_schema_value(var, j)))) {
            keep_mine(mine, name, j, ok);
            return;
        }
    }
    if (custom_obj) {
        if (!*custom) {
            *custom = j;
        } else {
            if (json_object_update(*custom, j) < 0)
                *ok = false;
            json_decref(j);
        }
    } else if (!json_object_get(o, name)) {
        put(o, name, j, ok);
    } else {
        json_decref(j);
    }
}

/* custom.csljson gets *mine (what the schema refused), beside what a
 * source's own custom.csljson held; custom is made when there is none. */
static json_t *merge_mine(json_t *custom, json_t *mine, bool *ok)
{
    if (!mine)
        return custom;
    if (!custom && !(custom = json_object())) {
        json_decref(mine);
        *ok = false;
        return NULL;
    }
    json_t *had = json_object_get(custom, CSLITEM_FMT);
    if (json_is_object(had)) {
        if (json_object_update_missing(had, mine) < 0)
            *ok = false;
        json_decref(mine);
    } else {
        put(custom, CSLITEM_FMT, mine, ok);
    }
    return custom;
}

json_t *bib_cslitem_to_json(const bib_record *rec, unsigned flags)
{
    json_t *o = json_object();
    if (!o)
        return NULL;
    bool ok = true;
    json_t *mine = NULL; /* custom.csljson: what the schema refuses */
    /* id */
    const char *id = bib_record_id(rec);
    if (id) {
        json_t *raw = raw_if_same(rec, "id", NULL, BIB_VAR_NONE, &ok);
        char buf[64];
        const char *rs = NULL;
        if (raw && json_is_integer(raw)) {
            snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(raw));
            rs = buf;
        }
        if (raw && rs && strcmp(rs, id) == 0)
            put(o, "id", raw, &ok);
        else {
            json_decref(raw);
            put(o, "id", json_string(id), &ok);
        }
    }
    /* type: the source's spelling when it means the same type; under
     * BIB_CSLITEM_SCHEMA CSL's own name, the spelling kept in custom */
    bib_type t = bib_record_type(rec);
    json_t *rawt = raw_if_same(rec, "type", NULL, BIB_VAR_NONE, &ok);
    const char *tn = t ? bib_type_name(t) : "document";
    if (rawt && json_is_string(rawt) &&
        bib_type_from_name(json_string_value(rawt), json_string_length(rawt)) == t &&
        !(flags & BIB_CSLITEM_SCHEMA)) {
        put(o, "type", rawt, &ok);
    } else {
        if (rawt && (flags & BIB_CSLITEM_SCHEMA) &&
            !(json_is_string(rawt) && strcmp(json_string_value(rawt), tn) == 0))
            keep_mine(&mine, "type", rawt, &ok);
        else
            json_decref(rawt);
        put(o, "type", json_string(tn), &ok);
    }
    /* variables in record order */
    for (size_t i = 0; i < bib_record_field_count(rec) && ok; i++) {
        const char *outkey, *movedkey = NULL;
        json_t *moved = NULL;
        json_t *v = field_member(rec, bib_record_field_at(rec, i), &outkey, flags, &moved,
                                 &movedkey, &ok);
        if (v)
            put(o, outkey, v, &ok);
        if (moved)
            keep_mine(&mine, movedkey, moved, &ok);
    }
    /* extras: csljson ones back in place, others under custom */
    json_t *custom = NULL;
    for (size_t i = 0; i < bib_record_extra_count(rec) && ok; i++) {
        const char *fmt, *name, *value;
        size_t len;
        bib_record_extra_at(rec, i, &fmt, &name, &value, &len);
        if (strcmp(fmt, CSLITEM_FMT) == 0) {
            if (strncmp(name, CSLITEM_RAW_PREFIX, 5) != 0)
                csljson_extra(o, &custom, &mine, name, value, len, flags, &ok);
        } else if (flags & BIB_CSLITEM_CUSTOM_EXTRAS) {
            custom_extra(&custom, fmt, name, value, len, &ok);
        }
    }
    custom = merge_mine(custom, mine, &ok);
    if (custom)
        put(o, "custom", custom, &ok);
    return built(o, ok);
}
