/* SPDX-License-Identifier: MIT */
/*
 * cslitem_int.h - what the cslitem_*.c files share and nothing else
 * includes: the extras' format name and the canonical JSON of one value.
 */
#ifndef BIBCONV_PLUGIN_CSLITEM_INT_H
#define BIBCONV_PLUGIN_CSLITEM_INT_H

#include "cslitem.h"
#include "bibconv/dates.h"

/* extras kept for the csljson writer: ("csljson", key, compact JSON) */
#define CSLITEM_FMT "csljson"
/* extra name prefix of an input spelling kept beside the mapped value */
#define CSLITEM_RAW_PREFIX "@raw:"

/* The members of a CSL name object that hold text, in bib_name order:
 * family, given, dropping-particle, non-dropping-particle, suffix, literal. */
extern const char *const cslitem_name_keys[6];

/* Adds name n, the i-th of a list of count, to var of rec; a last
 * literal "others" after a real name marks the list truncated instead (CSL's
 * "and others" spelling, docs/record-model.md). *any: a name was added so far (in,
 * out). Returns 0 or a negative status. The three CSL readers (jansson,
 * cj_read.c, the YAML fast path) share it so their records match. */
int cslitem_add_list_name(bib_record *rec, bib_var var, const bib_name *n, size_t i,
                          size_t count, bool *any);

/* Reads one variable of an item into rec (tmp: scratch; ctx may be NULL:
 * no diagnostics). Returns 0, BIB_EINVAL when the value does not fit (the
 * caller keeps it as an extra), or BIB_ENOMEM. */
int cslitem_read_var(bib_record *rec, bib_var var, const char *key, const json_t *v,
                     bib_buf *tmp, const bib_cslitem_ctx *ctx);

/* Reads one member (key k, value v) of an item into rec, as
 * bib_cslitem_from_json does for each in order: id, type, custom, a
 * variable (its input spelling kept as an @raw: extra when not canonical),
 * or an unknown key kept as an extra. tmp, key: scratch. Returns 0 or a
 * negative status; diagnostics go to ctx. */
int cslitem_read_member(bib_record *rec, const char *k, const json_t *v, bib_buf *tmp,
                        bib_buf *key, const bib_cslitem_ctx *ctx);

/* The canonical CSL-JSON value of one field of rec (a new reference), or
 * NULL when it gives nothing or memory ran out. */
json_t *cslitem_field_to_json(const bib_record *rec, const bib_field *f);

/* Whether a bare number of var may be written as a JSON number: CSL's
 * number variables that the CSL-JSON schema types as strings only
 * (`version`, `section`) are written as strings (docs/record-model.md). */
static inline bool cslitem_number_as_json(bib_var var)
{
    return var != BIB_VAR_VERSION && var != BIB_VAR_SECTION;
}

/* Whether the CSL-JSON schema (csl-data.json, CSL 1.0.2) has `key` as an
 * item member: id, type, custom, a variable's own name or an alias the
 * schema lists (names are case-sensitive there). */
bool cslitem_schema_key(const char *key);

/* Whether key is another name CSL gives a variable ("shortTitle",
 * "part-number"): 0 no, 1 one the schema lacks, 2 one the schema has. */
int cslitem_alias(const char *key);

/* Whether the schema accepts v as the value of var: names as objects of
 * its members only, dates as objects (no EDTF string), a number variable
 * as a string or a number, any other as a string (categories: strings). */
bool cslitem_schema_value(bib_var var, const json_t *v);

/* The CSL-JSON date object of d (a new reference), or NULL. */
json_t *cslitem_date_to_json(const bib_date *d);

/* The JSON escape of byte c, a control byte, '"' or '\\', as jansson's
 * dump writes it (\n, \u001F...), into e (room for 6); its length. */
size_t cslitem_json_escape(unsigned char c, char *e);

#endif /* BIBCONV_PLUGIN_CSLITEM_INT_H */
