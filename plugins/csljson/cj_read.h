/* SPDX-License-Identifier: MIT */
/*
 * cj_read.h - the DOM-free read path of one CSL-JSON item (cj_read.c):
 * the same record as json_loadb + bib_cslitem_from_json, without building
 * a json_t per item. Private to the csljson plugin and its tests.
 */
#ifndef BIBCONV_PLUGIN_CJ_READ_H
#define BIBCONV_PLUGIN_CJ_READ_H

#include "cj_tok.h"
#include "cslitem.h"

/* Scratch reused from item to item: the token array and a text arena for
 * the decoded strings of the current item (the record copies what it
 * keeps; a string of 1 MiB or more is decoded outside the arena, see
 * cj_read.c). Owned; cj_reader_free releases it. */
struct cj_block {
    struct cj_block *next;
    char text[];
};

/* A member key or type name seen before and what it maps to (cj_read.c,
 * key_lookup, type_lookup): items repeat the same few dozen keys, so a
 * key costs one compare instead of a normalised hash lookup and the
 * spelling check. len 0 is an empty slot. */
enum { CJ_NAME_MAX = 30, CJ_KEY_SLOTS = 64, CJ_TYPE_SLOTS = 16 };
typedef struct cj_name_slot {
    unsigned char len;
    char name[CJ_NAME_MAX + 1];
    int value;  /* bib_var or bib_type */
    int kind;   /* a bib_var's bib_kind */
    bool exact; /* the name is the CSL spelling of value */
} cj_name_slot;

typedef struct cj_reader {
    cj_toks toks;
    cj_name_slot keys[CJ_KEY_SLOTS], types[CJ_TYPE_SLOTS];
    char *text;
    size_t used, cap;
    struct cj_block *blocks; /* the current item's big strings, one block each */
    /* set by the caller when the item is the whole input: an object that
     * may be an object of items (csljson.c) then falls back to jansson */
    bool whole_input;
    /* a member of the current item went through jansson (cslitem_read_member
     * may set any variable); until then a variable under its exact CSL
     * key is new to the record (the tokenizer refuses repeated keys) */
    bool by_jansson;
    bib_buf tmp, key;
    /* borrowed (csljson.c): the handle whose bib_reader_prefetch_key is
     * told each id; NULL: none */
    const bib_reader *rd;
} cj_reader;

void cj_reader_init(cj_reader *cr);
void cj_reader_free(cj_reader *cr);

/* Reads the item whose JSON text is d[0..len) (an object, whitespace
 * around it allowed). Returns 0 with a new record in *out (caller frees);
 * CJ_FALLBACK when the item must be read by jansson instead (nothing was
 * reported then); CJ_REFUSED when jansson would refuse it for the reason
 * cj_refusal gives (nothing reported: the caller words it as jansson's
 * error, without handing jansson a huge item); or a negative status (BIB_ENOMEM, or an error of the
 * record model, as bib_cslitem_from_json returns it; its diagnostics went
 * to ctx). ctx: as for bib_cslitem_from_json. */
int cj_read_item(cj_reader *cr, const char *d, size_t len, const bib_cslitem_ctx *ctx,
                 bib_record **out);

/* As cj_read_item, for an item whose tokens cr->toks already holds: those
 * cj_tokenize gives for d[0..len), e.g. from cj_tokenize_prefix (the
 * stream reader's one pass over an item, csljson.c). */
int cj_read_tokens(cj_reader *cr, const char *d, size_t len, const bib_cslitem_ctx *ctx,
                   bib_record **out);

#endif /* BIBCONV_PLUGIN_CJ_READ_H */
