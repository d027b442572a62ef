/* SPDX-License-Identifier: MIT */
/* record_int.h - the record's private layout and arena, shared by the
 * files that implement record.h (record.c, record_group.c), and helpers
 * for the core's hot loops (convert.c). */
#ifndef BIBCONV_RECORD_INT_H
#define BIBCONV_RECORD_INT_H

#include <stdint.h>
#include <string.h>

#include "bibconv/record.h"
#include "bibconv/short_copy.h"

/* The index of the first field of r at or after `from` whose variable is
 * not marked in mark[BIB_VAR_COUNT] (nonzero = marked), or the field
 * count when there is none: the writer's check for fields it did not
 * write (convert.c), without two library calls per field. */
size_t bib__record_next_unmarked(const bib_record *r, size_t from, const unsigned char *mark);

/* An extra as the record keeps it, and the record's extras in insertion
 * order (*n of them; borrowed): record_group.c groups them. */
typedef struct bib__extra {
    const char *format, *name, *value;
    size_t len;
} bib__extra;
const bib__extra *bib__record_extras(const bib_record *r, size_t *n);

/* ---- the record's layout (record.c says why), for the files that
 * implement record.h: record.c, record_group.c (extras), record_decode.c */

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    char *data; /* 16-byte aligned storage of cap bytes */
} chunk;

#define HDR(t) ((sizeof(t) + 15) & ~(size_t)15)

/* A value's source text (bib_record_set_source): s NULL when none; s in
 * the record's arena, or the field's first value itself (shared); format
 * the record's copy (src_format). In the text and names members of the
 * union, where a date's size leaves room: a field costs no more. */
typedef struct src_text {
    const char *s, *format;
    uint32_t len;
    unsigned tag;
} src_text;

struct bib_field {
    bib_var var;
    bib_kind kind;
    unsigned flags;
    /* a value put off (bib_record_defer): its bib_recipe and the recipe's
     * flags, its text the source text, its record `owner` (the one whose
     * arena it lives in: a keyed view's field decodes into its source);
     * recipe 0 once decoded, or for a value set as it is (most). In the
     * room the three enums leave before the union. */
    unsigned char recipe, rflags;
    union {
        /* v is &one until a second value: a one-value field (most) costs
         * no array of its own */
        struct {
            const char **v;
            size_t n, cap;
            const char *one;
            src_text src;
            bib_record *owner;
        } text;
        struct {
            bib_name *v;
            size_t n, cap;
            bool truncated;
            src_text src;
            bib_record *owner;
        } names;
        bib_date date;
    } u;
};
_Static_assert(5 * sizeof(void *) + sizeof(src_text) <= sizeof(bib_date),
               "the source text and the owner fit beside a text or names value");

/* A value the record took over (bib_record_set_text_owned): freed with it. */
typedef struct rec_owned {
    struct rec_owned *next;
    char *data;
} rec_owned;


struct bib_record {
    bib_record_kind kind;
    bib_type type;
    const char *id;
    const char *origin;
    size_t origin_line;
    /* directives */
    const char *d_format, *d_name, *d_text;
    size_t d_len;
    /* fields */
    bib_field **fields;
    size_t nfields, fcap;
    unsigned char slot[BIB_VAR_COUNT]; /* index + 1 into fields, 0 = none */
    /* a put-off value of the record could not be decoded (out of memory),
     * so it reads as less than the source held: the writer reports the
     * record (convert.c). In the padding after slot: no bigger record. */
    bool decode_failed;
    /* extras */
    bib__extra *extras;
    size_t nextras, xcap;
    /* bit (c % 64) for the first byte c of every extra's name added (a
     * removal leaves its bit): an ask for a name whose bit is clear, most
     * of a writer's asks, ends without a scan (bib_record_extra_get) */
    uint64_t xfirst;
    rec_owned *owned; /* values taken over, in the arena's own list */
    const char *src_format; /* the last format of a source text, copied once */
    /* arena */
    chunk *arena;
    chunk first; /* its storage follows the struct in the same block */
};

#define FIRST_CHUNK 2048
#define FIRST_FIELDS 16 /* 128 of the first chunk's bytes */

/* ---- arena -------------------------------------------------------------- */


/* arena_alloc's slow path (record.c): a new chunk of at least `size`
 * bytes at the head of r's list; NULL on OOM. */
void *bib__arena_grow(bib_record *r, size_t size);
/* grow's slow path (record.c): a new arena array twice as big. */
int bib__grow_copy(bib_record *r, void **arr, size_t n, size_t *cap, size_t elem);

/* `size` bytes, 16-byte aligned, owned by the record; NULL on OOM. Small
 * and inline: every value, field and array of a record comes from here. */
static inline void *arena_alloc(bib_record *r, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    chunk *c = r->arena;
    if (c->cap - c->used < size)
        return bib__arena_grow(r, size);
    void *p = c->data + c->used;
    c->used += size;
    return p;
}

/* True when s[0..len) is a whole string the record adopted. The list is
 * empty but for records with huge values, so this costs a NULL test. */
static inline bool adopted(const bib_record *r, const char *s, size_t len)
{
    for (const rec_owned *o = r->owned; o; o = o->next)
        if (o->data == s)
            return s[len] == '\0';
    return false;
}

static inline const char *arena_strndup(bib_record *r, const char *s, size_t len)
{
    if (r->owned && adopted(r, s, len))
        return s;
    char *p = arena_alloc(r, len + 1);
    if (!p)
        return NULL;
    bib_short_copy(p, s, len); /* most values, names and extras are short: no call */
    p[len] = '\0';
    return p;
}

static inline const char *arena_strdup(bib_record *r, const char *s)
{
    return s ? arena_strndup(r, s, strlen(s)) : NULL;
}


/* Grows an arena array of `elem`-sized items to hold one more: 0 or
 * BIB_ENOMEM. Inline: there is room nearly always. */
static inline int grow(bib_record *r, void **arr, size_t n, size_t *cap, size_t elem)
{
    return n < *cap ? 0 : bib__grow_copy(r, arr, n, cap, elem);
}

/* bib_record_set_text (replace) or bib_record_add_text, called inside
 * the library without its PLT stub: the recipes' setter
 * (record_decode.c), once or more per value read. */
int bib__record_text_value(bib_record *r, bib_var v, const char *s, size_t len, bool replace);
/* bib__record_text_value replacing, with 1 for success (a recipe's
 * count of values set): the recipe's last call, a jump. */
int bib__record_text_one(bib_record *r, bib_var v, const char *s, size_t len);

/* bib_record_lost_value, inline for core's hot paths */
static inline bool bib__record_decode_failed(const bib_record *r) { return r->decode_failed; }

/* True when s[0..n) is known, without decoding, to decode by `recipe`
 * to at least one value (for names: at least one name and no empty one);
 * false when that takes decoding (record_decode.c; bib_record_defer). */
bool bib__recipe_nonempty(bib_recipe recipe, const char *s, size_t n);

#endif
