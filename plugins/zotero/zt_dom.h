/* SPDX-License-Identifier: MIT */
/*
 * zt_dom.h - one Zotero item's json_t built from the csljson plugin's
 * tokenizer (zt_dom.c), for the reader (zt_reader.c). Not installed.
 */
#ifndef ZT_DOM_H
#define ZT_DOM_H

#include <jansson.h>

#include "cj_tok.h"

/* Scratch reused from item to item: the tokens, a decoding buffer, and
 * the long strings with escapes that wait for zt_dom_finish. Owned;
 * zt_dom_free releases it. */
typedef struct zt_dom {
    cj_toks toks;
    char *tmp;
    size_t cap;
    struct zt_late *late;
} zt_dom;

void zt_dom_init(zt_dom *z);
void zt_dom_free(zt_dom *z);

/* Builds the json_t of the JSON value d[0..len) (whitespace around it
 * allowed) into *out (the caller owns it), holding each string once.
 * Returns 0; CJ_FALLBACK when jansson must read it instead (nothing was
 * reported); CJ_REFUSED when jansson would refuse it for the reason
 * cj_refusal gives; or BIB_ENOMEM. After 0, *out may still miss its long
 * strings with escapes (json nulls in their place): call zt_dom_finish
 * once d is no longer held, before *out is read. */
int zt_dom_load(zt_dom *z, const char *d, size_t len, json_t **out);

/* Puts the long strings of the last zt_dom_load into its json_t. 0 or
 * BIB_ENOMEM (the json_t is then incomplete: the caller drops it). */
int zt_dom_finish(zt_dom *z);

#endif /* ZT_DOM_H */
