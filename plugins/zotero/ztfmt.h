/* SPDX-License-Identifier: MIT */
/*
 * ztfmt.h - internals of the zotero module (format `zoterojson`): the
 * Zotero -> CSL mapping table (zt_table.c), the conversion of one item
 * object to a record (zt_item.c, zt_extra.c) and the streaming reader
 * (zt_reader.c). Not installed; not part of the plugin ABI.
 */
#ifndef ZTFMT_H
#define ZTFMT_H

#include <jansson.h>

#include "bibconv/plugin.h"

/* ---- the mapping table (zt_table.c, docs/zoterojson.md) ---------------- */

enum {
    ZT_T_NOT_RECORD = 1u << 0,  /* note, attachment, annotation: no work */
    ZT_T_EVENT_PLACE = 1u << 1  /* `place` is the event's place */
};

typedef struct zt_type {
    const char *zotero;  /* itemType */
    bib_type csl;
    unsigned flags;      /* ZT_T_* */
    const char *primary; /* primary creator type, NULL for non-records */
} zt_type;

typedef struct zt_field {
    const char *zotero; /* a base field name */
    bib_var var;        /* its CSL variable */
    int rank;           /* 0 first: the lowest rank present wins the variable */
} zt_field;

typedef struct zt_alias {
    const char *zotero; /* a type-specific field ("bookTitle") */
    const char *base;   /* its base field ("publicationTitle") */
} zt_alias;

typedef struct zt_creator {
    const char *zotero; /* creatorType */
    bib_var var;
} zt_creator;

/* Lookups by exact (case-sensitive) name; NULL when absent. */
const zt_type *zt_type_find(const char *name);
/* A field name, type-specific or base: the row of its base field. */
const zt_field *zt_field_find(const char *name);
const zt_creator *zt_creator_find(const char *name);

/* ---- one item (zt_item.c) -------------------------------------------- */

/* Where an item is, for its diagnostics. */
typedef struct zt_ctx {
    bib_input *in;
    size_t line, col;
    size_t child_notes, child_attachments; /* counted, added to by the caller's totals */
} zt_ctx;

/* What zt_item_convert found. */
enum { ZT_ITEM_RECORD = 1, ZT_ITEM_NOTE = 2, ZT_ITEM_ATTACHMENT = 3 };

/* Converts one item object (the web API's wrapper with "data" accepted) to
 * a new record in *out (the caller owns it). Returns ZT_ITEM_RECORD with
 * *out set, ZT_ITEM_NOTE / ZT_ITEM_ATTACHMENT (no record: not a work),
 * BIB_EPARSE after reporting an item that cannot be read, or BIB_ENOMEM.
 * Borrows `item`. */
int zt_item_convert(const json_t *item, zt_ctx *ctx, bib_record **out);

/* ---- Extra (zt_extra.c) ---------------------------------------------- */

/* Reads Zotero's Extra text (lines; BBT writes it as an array of lines)
 * into the record: `Key: value` lines naming a CSL variable or a Zotero
 * field set it (a variable the item already has is kept, as citeproc-js
 * does; date variables from Extra override); `Citation Key:` sets the id
 * when the item has none; `type:` with a CSL type sets the type. Every
 * other line stays in `note`. Returns 0 or BIB_ENOMEM. */
int zt_extra_apply(bib_record *rec, const char *text, size_t len, zt_ctx *ctx);

/* Converts a Zotero date string to a record date: a quoted date is a
 * literal, otherwise core's date parser (include/bibconv/dates.h), with
 * Zotero's internal "YYYY-MM-DD text" form read by its first part.
 * Returns 0 or BIB_ENOMEM. */
int zt_set_date(bib_record *rec, bib_var var, const char *s, size_t len);

/* ---- the reader (zt_reader.c) ---------------------------------------- */

extern const bib_reader_ops zt_reader_ops;

#endif /* ZTFMT_H */
