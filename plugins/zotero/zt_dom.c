/* SPDX-License-Identifier: MIT */
/*
 * zt_dom.c - the json_t of one Zotero item built from the csljson
 * plugin's tokenizer (cj_tok.h) instead of jansson's lexer.
 *
 * Why: json_loadb holds a string three times at its peak (the input, the
 * lexer's saved text, the decoded copy), so a 100 MB abstract took 3x its
 * size; issue 18 allows 2x (docs/bibconv.1, --max-value). Here a string
 * is copied once from the input into the DOM. A long string with escapes
 * must be decoded first: it is decoded into a buffer of its own and put
 * into the DOM only after the reader has given the input's window back
 * (zt_dom_finish), so at no point are there three copies.
 *
 * The tokenizer is never looser than jansson (cj_tok.h): what it does not
 * take (duplicate keys, bad UTF-8, ...) is CJ_FALLBACK, and the reader
 * hands the item to jansson, which words the error as before.
 *
 * Not for: what the item means (zt_item.c).
 */
#include <stdlib.h>
#include <string.h>

#include "cslitem.h"
#include "zt_dom.h"
#include "ztfmt.h"

/* A string at least this long (quoted source) with an escape waits for
 * zt_dom_finish; shorter ones cost nothing worth the bookkeeping. */
enum { ZT_LATE = 1 << 20 };

struct zt_late {
    struct zt_late *next;
    json_t *parent;  /* borrowed: the DOM holds it */
    char *key;       /* a member's key (owned), NULL in an array */
    size_t key_len, index;
    char *text;      /* the decoded string (owned) */
    size_t len;
};

void zt_dom_init(zt_dom *z)
{
    memset(z, 0, sizeof *z);
}

static void late_free(zt_dom *z)
{
    while (z->late) {
        struct zt_late *l = z->late;
        z->late = l->next;
        free(l->key);
        free(l->text);
        free(l);
    }
}

void zt_dom_free(zt_dom *z)
{
    late_free(z);
    cj_toks_free(&z->toks);
    free(z->tmp);
    zt_dom_init(z);
}

/* Decodes string token k into z->tmp; its text, or NULL out of memory. */
static const char *decoded(zt_dom *z, const cj_tok *k, const char *d, size_t *len)
{
    size_t need = k->end - k->start - 1;
    if (need > z->cap) {
        char *p = realloc(z->tmp, need);
        if (!p)
            return NULL;
        z->tmp = p;
        z->cap = need;
    }
    *len = cj_str(k, d, z->tmp);
    return z->tmp;
}

/* The json_t of string token k, or a placeholder (json_null) with a late
 * entry for a long one with escapes inside `parent`. */
static json_t *string_of(zt_dom *z, const cj_tok *k, const char *d, json_t *parent,
                         const char *key, size_t key_len, size_t index)
{
    if (!k->esc) /* its source is its text: one copy, into the DOM */
        return json_stringn_nocheck(d + k->start + 1, k->end - k->start - 2);
    if (!parent || k->end - k->start < ZT_LATE) {
        size_t n;
        const char *s = decoded(z, k, d, &n);
        return s ? json_stringn_nocheck(s, n) : NULL;
    }
    struct zt_late *l = calloc(1, sizeof *l);
    if (!l)
        return NULL;
    l->text = malloc(k->end - k->start - 1);
    l->key = key ? malloc(key_len ? key_len : 1) : NULL;
    if (!l->text || (key && !l->key)) {
        free(l->text);
        free(l->key);
        free(l);
        return NULL;
    }
    l->len = cj_str(k, d, l->text);
    if (key)
        memcpy(l->key, key, key_len);
    l->key_len = key_len;
    l->index = index;
    l->parent = parent;
    l->next = z->late;
    z->late = l;
    return json_null();
}

/* The value of token i into *out. 0, CJ_FALLBACK (a number jansson does
 * not read alone: it words the error for the whole item) or BIB_ENOMEM. */
static int build(zt_dom *z, const char *d, size_t i, json_t *parent, const char *key,
                 size_t key_len, size_t index, json_t **out)
{
    const cj_tok *t = &z->toks.v[i];
    json_t *v = NULL;
    switch (t->type) {
    case CJ_STR: v = string_of(z, t, d, parent, key, key_len, index); break;
    case CJ_INT: v = json_integer((json_int_t)t->num); break;
    case CJ_TRUE: v = json_true(); break;
    case CJ_FALSE: v = json_false(); break;
    case CJ_NULL: v = json_null(); break;
    case CJ_NUM: {
        json_error_t err;
        bool oom = false;
        v = bib_cslitem_loadb(d + t->start, t->end - t->start, JSON_DECODE_ANY, &err, &oom);
        if (!v)
            return oom || json_error_code(&err) == json_error_out_of_memory ? BIB_ENOMEM
                                                                            : CJ_FALLBACK;
        break;
    }
    case CJ_ARR: {
        if (!(v = json_array()))
            return BIB_ENOMEM;
        size_t e = i + 1;
        for (size_t n = 0; n < t->count; n++, e = z->toks.v[e].next) {
            json_t *el;
            int rc = build(z, d, e, v, NULL, 0, n, &el);
            if (!rc && json_array_append_new(v, el))
                rc = BIB_ENOMEM;
            if (rc) {
                json_decref(v);
                return rc;
            }
        }
        break;
    }
    case CJ_OBJ: {
        if (!(v = json_object()))
            return BIB_ENOMEM;
        size_t k = i + 1;
        for (size_t n = 0; n < t->count; n++, k = z->toks.v[k + 1].next) {
            const cj_tok *kt = &z->toks.v[k];
            /* a key without escapes is named by its source, else by a
             * decoded copy of its own (z->tmp is for the values) */
            const char *name = d + kt->start + 1;
            size_t nl = kt->end - kt->start - 2;
            char *own = NULL;
            if (kt->esc) {
                if (!(own = malloc(nl + 1))) {
                    json_decref(v);
                    return BIB_ENOMEM;
                }
                nl = cj_str(kt, d, own);
                name = own;
            }
            json_t *mv;
            int rc = build(z, d, k + 1, v, name, nl, 0, &mv);
            if (!rc && json_object_setn_new_nocheck(v, name, nl, mv))
                rc = BIB_ENOMEM;
            free(own);
            if (rc) {
                json_decref(v);
                return rc;
            }
        }
        break;
    }
    default: return CJ_FALLBACK;
    }
    if (!v)
        return BIB_ENOMEM;
    *out = v;
    return 0;
}

int zt_dom_load(zt_dom *z, const char *d, size_t len, json_t **out)
{
    *out = NULL;
    late_free(z);
    int rc = cj_tokenize(&z->toks, d, len);
    if (rc == CJ_REFUSED && z->toks.nums)
        return CJ_FALLBACK; /* a number before it may be jansson's first error */
    if (rc)
        return rc;
    rc = build(z, d, 0, NULL, NULL, 0, 0, out);
    if (z->cap > ZT_LATE) { /* a long key's or value's scratch is not kept */
        free(z->tmp);
        z->tmp = NULL;
        z->cap = 0;
    }
    if (rc)
        late_free(z);
    return rc;
}

int zt_dom_finish(zt_dom *z)
{
    int rc = 0;
    while (z->late) {
        struct zt_late *l = z->late;
        z->late = l->next;
        if (!rc) {
            json_t *s = json_stringn_nocheck(l->text, l->len);
            free(l->text); /* before the next one is copied */
            l->text = NULL;
            if (!s || (l->key ? json_object_setn_new_nocheck(l->parent, l->key, l->key_len, s)
                              : json_array_set_new(l->parent, l->index, s)))
                rc = BIB_ENOMEM;
        }
        free(l->key);
        free(l->text);
        free(l);
    }
    return rc;
}
