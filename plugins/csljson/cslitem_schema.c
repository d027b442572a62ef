/* SPDX-License-Identifier: MIT */
/*
 * cslitem_schema.c - what the CSL-JSON schema (csl-data.json of CSL 1.0.2)
 * accepts as an item's key and as a variable's value, so that the writers
 * can keep what the schema refuses under custom instead of where the
 * source had it (BIB_CSLITEM_SCHEMA; docs/fidelity.md, "schema").
 *
 * Not for: the mapping itself (cslitem_json.c) or reading.
 */
#include <string.h>

#include "cslitem_int.h"

/* The other names CSL gives a variable (the specification's and the
 * schema's; `license` is a variable of CSL 1.0.2 the schema v1.0.2 lacks
 * by mistake, docs/fidelity.md): whether the schema has each. */
static const struct { const char *key; bool schema; } csl_aliases[] = {
    {"shortTitle", true},         {"journalAbbreviation", true}, {"event", true},
    {"part-number", false},       {"printing-number", false},    {"supplement-number", false},
};

int cslitem_alias(const char *key)
{
    for (size_t i = 0; i < sizeof csl_aliases / sizeof csl_aliases[0]; i++)
        if (strcmp(key, csl_aliases[i].key) == 0)
            return csl_aliases[i].schema ? 2 : 1;
    return 0;
}

bool cslitem_schema_key(const char *key)
{
    if (strcmp(key, "id") == 0 || strcmp(key, "type") == 0 || strcmp(key, "custom") == 0)
        return true;
    bib_var var = bib_var_from_name(key, strlen(key));
    if (!var)
        return false;
    /* names are case-sensitive in CSL: only the variable's own spelling */
    if (strcmp(key, bib_var_name(var)) == 0)
        return var != BIB_VAR_EDITOR_TRANSLATOR;
    return cslitem_alias(key) == 2;
}

static bool is_text(const json_t *v)
{
    return json_is_string(v);
}

static bool is_flag(const json_t *v)
{
    return json_is_string(v) || json_is_number(v) || json_is_boolean(v);
}

/* One name object: only the schema's members, text ones as strings. */
static bool name_ok(const json_t *o)
{
    if (!json_is_object(o))
        return false;
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)o, k, v) {
        bool text = false;
        for (int i = 0; i < 6 && !text; i++)
            text = strcmp(k, cslitem_name_keys[i]) == 0;
        if (text ? !is_text(v)
                 : !((strcmp(k, "comma-suffix") == 0 || strcmp(k, "static-ordering") == 0 ||
                      strcmp(k, "parse-names") == 0) && is_flag(v)))
            return false;
    }
    return true;
}

/* A date object: date-parts of one or two dates of one to three parts,
 * season, circa, literal, raw; nothing else (no EDTF string: the
 * schema's date is an object only). */
static bool date_ok(const json_t *o)
{
    if (!json_is_object(o))
        return false;
    const char *k;
    const json_t *v;
    json_object_foreach((json_t *)o, k, v) {
        if (strcmp(k, "date-parts") == 0) {
            size_t n = json_array_size(v);
            if (!json_is_array(v) || n < 1 || n > 2)
                return false;
            for (size_t i = 0; i < n; i++) {
                const json_t *d = json_array_get(v, i);
                size_t m = json_array_size(d);
                if (!json_is_array(d) || m < 1 || m > 3)
                    return false;
                for (size_t p = 0; p < m; p++) {
                    const json_t *x = json_array_get(d, p);
                    if (!json_is_string(x) && !json_is_number(x))
                        return false;
                }
            }
        } else if (strcmp(k, "season") == 0) {
            if (!json_is_string(v) && !json_is_number(v))
                return false;
        } else if (strcmp(k, "circa") == 0) {
            if (!is_flag(v))
                return false;
        } else if (strcmp(k, "literal") == 0 || strcmp(k, "raw") == 0) {
            if (!is_text(v))
                return false;
        } else {
            return false;
        }
    }
    return true;
}

/* v is a list whose every member passes ok. */
static bool each(const json_t *v, bool (*ok)(const json_t *))
{
    if (!json_is_array(v))
        return false;
    size_t i;
    const json_t *x;
    json_array_foreach((json_t *)v, i, x)
        if (!ok(x))
            return false;
    return true;
}

bool cslitem_schema_value(bib_var var, const json_t *v)
{
    switch (bib_var_kind(var)) {
    case BIB_KIND_NAMES:
        return each(v, name_ok);
    case BIB_KIND_DATE:
        return date_ok(v);
    case BIB_KIND_NUMBER:
        return json_is_string(v) || (json_is_number(v) && cslitem_number_as_json(var));
    default:
        return var == BIB_VAR_CATEGORIES ? each(v, is_text) : is_text(v);
    }
}
