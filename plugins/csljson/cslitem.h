/* SPDX-License-Identifier: MIT */
/*
 * cslitem.h - the one mapping between a CSL item as a JSON value (jansson)
 * and a bib_record. The csljson plugin parses JSON text into json_t; the
 * yaml plugin builds the same json_t from YAML events; both call this, so
 * CSL semantics live in one place.
 *
 * Private to the plugins: a static library (cslitem, built in
 * plugins/csljson/meson.build) linked into the csljson and yaml modules and
 * the tests, so libbibconv's public headers need no jansson. Sources:
 * cslitem_read.c (JSON -> record), cslitem_json.c (record -> JSON value),
 * cslitem_write.c (record -> JSON text, by the emitter of cslitem_jw.h/.c).
 *
 * Not for: JSON text, streaming or YAML syntax (the plugins do those).
 *
 * Reading rules: every CSL 1.0.2 variable by kind (csl.h); keys matched
 * case-insensitively with the legacy aliases; numbers as JSON numbers or
 * strings; names as objects (and, with BIB_CSLITEM_LOOSE, as "Family,
 * Given" / "Given Family" strings); dates as objects with date-parts,
 * season, circa, literal, raw, or as EDTF strings; `custom` members and
 * unknown keys kept as extras ("csljson", key, compact JSON text) so a
 * writer puts them back unchanged.
 */
#ifndef BIBCONV_PLUGIN_CSLITEM_H
#define BIBCONV_PLUGIN_CSLITEM_H

#include <jansson.h>

#include "bibconv/buf.h"
#include "bibconv/common.h"
#include "bibconv/io.h"
#include "bibconv/keys.h"
#include "bibconv/record.h"

BIB_BEGIN_DECLS

enum {
    /* pandoc/YAML conveniences: names as plain strings, dates as
     * {year, month, day} maps, booleans where strings are expected */
    BIB_CSLITEM_LOOSE = 1u << 0
};

/* Where an item came from, for diagnostics: input (for its name and diag
 * sink), and the line/column of the item's opening brace. */
typedef struct bib_cslitem_ctx {
    bib_input *in;      /* borrowed; may be NULL (no diagnostics) */
    size_t line, column;
    unsigned flags;     /* BIB_CSLITEM_* */
} bib_cslitem_ctx;

/* Converts one item object. On success returns 0 and a new record in *out
 * (caller frees). Problems that lose data are warnings; an item that is not
 * an object, or has neither id nor any variable, is an error: returns
 * BIB_EPARSE after reporting, *out NULL. BIB_ENOMEM on allocation failure.
 * `item` is borrowed. */
int bib_cslitem_from_json(bib_record **out, const json_t *item,
                          const bib_cslitem_ctx *ctx);

/* json_loadb(d, len, flags, err), but NULL when an allocation failed
 * during the load, which jansson 2.14 may otherwise absorb by dropping a
 * character (cslitem_mem.c): *oom (may be NULL) then true and err's text
 * "out of memory"; else as json_loadb, *oom false. Every JSON text the
 * plugins decode goes through this. */
json_t *bib_cslitem_loadb(const char *d, size_t len, size_t flags, json_error_t *err,
                          bool *oom);
/* json_dumps(j, flags), but NULL when an allocation failed during the
 * dump, which jansson 2.14 may otherwise absorb by dropping a key's
 * closing quote. free() the text. */
char *bib_cslitem_dumps(const json_t *j, size_t flags);

/* Flags for bib_cslitem_to_json. */
enum {
    /* put the non-csljson extras into `custom` ({"bibtex": {...}}) */
    BIB_CSLITEM_CUSTOM_EXTRAS = 1u << 8,
    /* write only what the CSL-JSON schema accepts: a key it lacks, and a
     * kept input spelling it refuses (a name object with other members,
     * a type CSL lacks), go under custom.csljson as the source had them,
     * the value itself in CSL's form (docs/fidelity.md, "schema") */
    BIB_CSLITEM_SCHEMA = 1u << 10
};

/* Builds the CSL-JSON object of an entry record: id, type, then the
 * variables in record order, numbers as strings unless the field has
 * BIB_FIELD_BARE_NUMBER, keyword values joined with ", ", "and others"
 * written as a final {"literal": "others"} name, csljson extras restored.
 * Returns a new reference (json_decref it) or NULL on out of memory. */
json_t *bib_cslitem_to_json(const bib_record *rec, unsigned flags);

/* The member bib_cslitem_to_json gives for field f of rec: its value (a
 * new reference; NULL when the field gives none, or with *key NULL when
 * memory ran out) and in *key its name, the variable's or the input's
 * alias kept in an @raw: extra (valid while rec is unchanged). The input's
 * spelling comes back when it still means the same value. */
json_t *bib_cslitem_field_member(const bib_record *rec, const bib_field *f, const char **key);

/* The value of a csljson extra (an unknown key's compact JSON text), as
 * the writers put it back: the JSON value, or the text as a string when
 * it is not JSON. A new reference; NULL only when memory ran out. */
json_t *bib_cslitem_extra_value(const char *value, size_t len);

/* bib_cslitem_extra_value for the extra `name`, as the writers put an
 * unknown key back: a date variable's value the reader could not take
 * that is a list of one CSL date object (`"issued": [{"literal": ...}]`)
 * is that object, its date-parts members as numbers (pandoc refuses the
 * list); anything else as bib_cslitem_extra_value gives it. A new
 * reference; NULL only when memory ran out. */
json_t *bib_cslitem_extra_member(const char *name, const char *value, size_t len);

/* Flags for bib_cslitem_write. */
enum {
    /* indented layout (two spaces per level), as JSON_INDENT(2) */
    BIB_CSLITEM_PRETTY = 1u << 9
};

/* Appends the JSON text of bib_cslitem_to_json(rec, flags) to out, the
 * same text json_dumps would give (JSON_INDENT(2) with BIB_CSLITEM_PRETTY,
 * else JSON_COMPACT), every line after the first indented by `level`
 * further levels (a negative level counts as 0). Written straight from the record, which is what makes
 * bibtex -> csljson fast; a member whose input spelling is kept (an @raw:
 * extra) or an unknown key through json_t, and the whole item so when an
 * id, type or custom spelling is kept. Returns 0 or BIB_ENOMEM. */
int bib_cslitem_write(bib_buf *out, const bib_record *rec, unsigned flags, int level);
/* The same, but a long run of text (a huge value) goes to `sink` directly,
 * after what `out` holds so far, instead of being copied into `out`: the
 * caller writes what `out` holds on return after it. Memory: a value is
 * not held a second time for writing. */
int bib_cslitem_write_to(bib_buf *out, bib_output *sink, const bib_record *rec,
                         unsigned flags, int level);

/* CSL requires an id on every item, one per item: the id an entry is
 * written with. A record with an id no earlier one had keeps it (marked
 * used in `used`); a repeated one gets a suffix ("dup" -> "dupa", as
 * bib_writer_keyed and the BibTeX writers give it) unless `keep` (the
 * writer's keys=keep); an entry with none gets core's key rule (keys.h)
 * made unique in `used`, the id the BibTeX writer would give it, so
 * X -> X -> CSL-JSON names it as X -> CSL-JSON does. Returns the record
 * to write: `rec` itself, or a view carrying the new id stored in *owned
 * (the caller frees it with bib_record_free; its id differs from rec's).
 * NULL on out of memory or when the key set's temporary file fails.
 * `key` is the caller's scratch buffer. */
const bib_record *bib_cslitem_keyed(bib_keyset *used, bib_buf *key, const bib_record *rec,
                                    bool keep, bib_record **owned);

/* Where a date's seasons go. CSL-JSON's one "season" key belongs to the
 * start: a range whose end has a season (2017-23/2017-24) would lose it
 * there, so such a range gives each bound's season as a month 13..16 in
 * date-parts instead, which the CSL readers (and citeproc-js, pandoc) take
 * for seasons, and no "season" key. Shared by the CSL-JSON and YAML
 * writers (docs/record-model.md, "Dates"). */
static inline bool bib_cslitem_seasons_in_parts(const bib_date *d)
{
    return d->nparts == 2 && d->parts[1].season;
}

/* The month to write for bound i of d: its month, or its season as 13..16
 * when bib_cslitem_seasons_in_parts(d). */
static inline int bib_cslitem_part_month(const bib_date *d, int i)
{
    const bib_date_part *p = &d->parts[i];
    if (!p->month && p->season && bib_cslitem_seasons_in_parts(d))
        return 12 + p->season;
    return p->month;
}

BIB_END_DECLS

#endif /* BIBCONV_PLUGIN_CSLITEM_H */
