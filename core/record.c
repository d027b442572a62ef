/* SPDX-License-Identifier: MIT */
/*
 * record.c - the record model of record.h.
 *
 * Layout, chosen for the hot path (a reader creates, fills and frees one
 * record per entry; the project targets >100 MB/s end to end):
 *  - every string, field and array of a record lives in a per-record arena
 *    of chained chunks, so filling costs a pointer bump and freeing costs
 *    one free() per chunk; replaced values are simply abandoned until the
 *    record is freed (a record is short-lived, so this waste is bounded);
 *  - fields are arena-allocated structs reached through an ordered array of
 *    pointers (insertion order) plus a per-variable index (`slot`), so
 *    get-by-variable is O(1) and a borrowed field pointer stays valid while
 *    other fields are added; a text field's first value sits in the field
 *    itself, so a one-value field (most) has no array of its own;
 *  - the blocks of freed records (header and first chunk, one allocation;
 *    up to CACHE_DEPTH, in a thread-local list) are kept for the thread's
 *    next bib_record_new: a reader's record per entry then costs no
 *    malloc/free pair of a block too big for malloc's fast bins
 *    (record_cache_take / record_cache_put).
 *
 * Not for: parsing or printing any format.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/record.h"
#include "bibconv/utf8.h"
#include "names_internal.h"
#include "record_int.h"

typedef bib__extra extra;

static void field_decode(const bib_field *f);

/* Decodes f's value when it was put off (bib_record_defer): every getter
 * of a value, and every setter that adds to one, asks first. */
static inline void field_ready(const bib_field *f)
{
    if (__builtin_expect(f->recipe != 0, 0))
        field_decode(f);
}

/* ---- arena (record_int.h has its fast paths) ------------------------------- */

/* arena_alloc's slow path: a new chunk of at least `size` bytes (rounded)
 * at the head of the list; NULL on OOM. */
void *bib__arena_grow(bib_record *r, size_t size)
{
    chunk *c = r->arena;
    size_t cap = c->cap * 2;
    if (cap < size)
        cap = size;
    if (cap > 1u << 20 && size < 1u << 18)
        cap = 1u << 20; /* do not double forever for big records */
    chunk *n = malloc(HDR(chunk) + cap);
    if (!n)
        return NULL;
    n->data = (char *)n + HDR(chunk);
    n->next = c;
    n->used = size;
    n->cap = cap;
    r->arena = n;
    return n->data;
}

/* grow's slow path: a new arena array twice as big (at least 4), the n
 * items copied over (the old array is abandoned until the record goes). */
int bib__grow_copy(bib_record *r, void **arr, size_t n, size_t *cap, size_t elem)
{
    size_t ncap = *cap < 4 ? 4 : *cap * 2; /* a field's one inline value: cap 1 */
    void *p = arena_alloc(r, ncap * elem);
    if (!p)
        return BIB_ENOMEM;
    if (n)
        memcpy(p, *arr, n * elem);
    *arr = p;
    *cap = ncap;
    return 0;
}

/* ---- life cycle ----------------------------------------------------------- */

/* Freed record blocks kept per thread for the next record_alloc. Off
 * under AddressSanitizer, which must see every block freed to catch a use
 * after bib_record_free. The key's destructor frees a worker thread's
 * blocks when it ends; the main thread's stay reachable until exit. */
#if defined(__SANITIZE_ADDRESS__)
#define RECORD_CACHE 0
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RECORD_CACHE 0
#endif
#endif
#ifndef RECORD_CACHE
#define RECORD_CACHE 1
#endif

#if RECORD_CACHE
/* Kept blocks form a stack through their first bytes (the block is
 * cleared when taken): `n` counts the blocks from this one down. */
typedef struct kept {
    struct kept *next;
    unsigned n;
} kept;
_Static_assert(sizeof(kept) <= sizeof(bib_record), "a kept block holds its link");

/* Up to this many blocks per thread: a reader that keeps records (the
 * BibTeX reader's crossref parents, a clone per @book) frees one and
 * clones another at each entry, beside the record in flight. */
enum { CACHE_DEPTH = 4 };

/* The thread's kept blocks: a thread-local top of stack, cheaper to reach
 * than pthread_getspecific/setspecific at every record. The key serves
 * only its destructor, which frees a worker thread's blocks when it ends
 * (set once per thread, on its first kept block); the main thread's stay
 * reachable through the thread-local until exit. */
static pthread_once_t cache_once = PTHREAD_ONCE_INIT;
static pthread_key_t cache_key;
static bool cache_ok;
static _Thread_local kept *cache_top;
static _Thread_local bool cache_registered;

/* Frees the blocks of a thread that ends (thread-locals stay valid while
 * key destructors run). */
static void cache_free(void *unused)
{
    (void)unused;
    for (kept *k = cache_top; k;) {
        kept *next = k->next;
        free(k);
        k = next;
    }
    cache_top = NULL;
    cache_registered = false; /* a record freed later registers again */
}

static void cache_init(void) { cache_ok = pthread_key_create(&cache_key, cache_free) == 0; }

/* A kept block of the thread (the caller owns it), or NULL. */
static bib_record *record_cache_take(void)
{
    kept *k = cache_top;
    if (k)
        cache_top = k->next;
    return (bib_record *)(void *)k;
}

/* Keeps block r (taken over) for the thread's next records; true when
 * kept, false when the caller must free it. */
static bool record_cache_put(bib_record *r)
{
    if (!cache_registered) {
        pthread_once(&cache_once, cache_init);
        /* any non-NULL value: the destructor runs only for those */
        if (!cache_ok || pthread_setspecific(cache_key, &cache_registered) != 0)
            return false;
        cache_registered = true;
    }
    kept *top = cache_top;
    if (top && top->n >= CACHE_DEPTH)
        return false;
    kept *k = (kept *)(void *)r;
    k->next = top;
    k->n = top ? top->n + 1 : 1;
    cache_top = k;
    return true;
}
#else
static bib_record *record_cache_take(void) { return NULL; }
static bool record_cache_put(bib_record *r) { (void)r; return false; }
#endif

static bib_record *record_alloc(void)
{
    bib_record *r = record_cache_take();
    if (!r && !(r = malloc(HDR(bib_record) + FIRST_CHUNK)))
        return NULL;
    memset(r, 0, sizeof *r);
    r->first.cap = FIRST_CHUNK;
    r->first.data = (char *)r + HDR(bib_record);
    r->arena = &r->first;
    /* room for FIRST_FIELDS fields from the start: an entry has about
     * seven (BibTeX) to ten (RIS), which grew the array twice from four */
    r->fields = arena_alloc(r, FIRST_FIELDS * sizeof *r->fields);
    r->fcap = FIRST_FIELDS;
    return r;
}

bib_record *bib_record_new(bib_type type, const char *id)
{
    bib_record *r = record_alloc();
    if (!r)
        return NULL;
    r->kind = BIB_RECORD_ENTRY;
    r->type = (unsigned)type < BIB_TYPE_COUNT ? type : BIB_TYPE_UNKNOWN;
    if (id && !(r->id = arena_strdup(r, id))) {
        bib_record_free(r);
        return NULL;
    }
    return r;
}

bib_record *bib_record_new_directive(const char *format, const char *name, const char *text,
                                     size_t len)
{
    if (!format || !name || (!text && len))
        return NULL;
    bib_record *r = record_alloc();
    if (!r)
        return NULL;
    r->kind = BIB_RECORD_DIRECTIVE;
    r->d_format = arena_strdup(r, format);
    r->d_name = arena_strdup(r, name);
    r->d_text = arena_strndup(r, text ? text : "", len);
    r->d_len = len;
    if (!r->d_format || !r->d_name || !r->d_text) {
        bib_record_free(r);
        return NULL;
    }
    return r;
}

void bib_record_free(bib_record *r)
{
    if (!r)
        return;
    for (rec_owned *o = r->owned; o; o = o->next)
        free(o->data);
    chunk *c = r->arena;
    while (c != &r->first) {
        chunk *next = c->next;
        free(c);
        c = next;
    }
    if (!record_cache_put(r))
        free(r);
}

bib_record_kind bib_record_kind_of(const bib_record *r) { return r->kind; }

const char *bib_record_directive_format(const bib_record *r)
{
    return r->kind == BIB_RECORD_DIRECTIVE ? r->d_format : NULL;
}

const char *bib_record_directive_name(const bib_record *r)
{
    return r->kind == BIB_RECORD_DIRECTIVE ? r->d_name : NULL;
}

const char *bib_record_directive_text(const bib_record *r, size_t *len)
{
    if (r->kind != BIB_RECORD_DIRECTIVE) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = r->d_len;
    return r->d_text;
}

const char *bib_record_id(const bib_record *r) { return r->id; }

int bib_record_set_id(bib_record *r, const char *id)
{
    if (!id) {
        r->id = NULL;
        return 0;
    }
    const char *p = arena_strdup(r, id);
    if (!p)
        return BIB_ENOMEM;
    r->id = p;
    return 0;
}

int bib_record_set_id_n(bib_record *r, const char *id, size_t len)
{
    const char *p = arena_strndup(r, id, len);
    if (!p)
        return BIB_ENOMEM;
    r->id = p;
    return 0;
}

bib_type bib_record_type(const bib_record *r) { return r->type; }

void bib_record_set_type(bib_record *r, bib_type t)
{
    r->type = (unsigned)t < BIB_TYPE_COUNT ? t : BIB_TYPE_UNKNOWN;
}

const char *bib_record_origin(const bib_record *r, size_t *line)
{
    if (line)
        *line = r->origin_line;
    return r->origin;
}

int bib_record_set_origin(bib_record *r, const char *name, size_t line)
{
    const char *p = NULL;
    if (name && !(p = arena_strdup(r, name)))
        return BIB_ENOMEM;
    r->origin = p;
    r->origin_line = line;
    return 0;
}

/* ---- fields ----------------------------------------------------------------- */

size_t bib_record_field_count(const bib_record *r) { return r->nfields; }

const bib_field *bib_record_field_at(const bib_record *r, size_t i)
{
    return i < r->nfields ? r->fields[i] : NULL;
}

size_t bib__record_next_unmarked(const bib_record *r, size_t from, const unsigned char *mark)
{
    size_t i = from;
    while (i < r->nfields && mark[r->fields[i]->var])
        i++;
    return i;
}

const bib_field *bib_record_get(const bib_record *r, bib_var v)
{
    if ((unsigned)v >= BIB_VAR_COUNT || !r->slot[v])
        return NULL;
    return r->fields[r->slot[v] - 1];
}

bool bib_record_has(const bib_record *r, bib_var v)
{
    return bib_record_get(r, v) != NULL;
}

bool bib_record_holds(const bib_record *r, bib_var var)
{
    const bib_field *f = bib_record_get(r, var);
    if (!f)
        return false;
    if (f->recipe) /* put off only when it decodes to something */
        return true;
    const bib_date *d = bib_field_date(f);
    switch (bib_field_kind(f)) {
    case BIB_KIND_NAMES:
        return bib_field_name_count(f) > 0;
    case BIB_KIND_DATE:
        /* a literal of control characters alone writes nothing either (a
         * BibTeX date of U+001C: MEDLINE wrote the type line alone) */
        return d && ((d->literal && !bib_text_blank(d->literal, strlen(d->literal))) ||
                     (d->raw && !bib_text_blank(d->raw, strlen(d->raw))) ||
                     (d->nparts >= 1 && d->parts[0].has_year));
    default:
        /* an empty string is had but writes nothing (CSL-JSON "title": ""),
         * nor does one of white space and control characters alone: the
         * text formats write a control character as a space and trim the
         * value, XML cannot hold one (a BibTeX key of U+0001 was written
         * as an empty RIS line, which read back as nothing) */
        for (size_t i = 0; i < bib_field_value_count(f); i++) {
            const char *v = bib_field_value_at(f, i);
            if (v && !bib_text_blank(v, strlen(v)))
                return true;
        }
        return false;
    }
}

const char *bib_record_text(const bib_record *r, bib_var v)
{
    return bib_field_text(bib_record_get(r, v));
}

void bib_record_remove(bib_record *r, bib_var v)
{
    if ((unsigned)v >= BIB_VAR_COUNT || !r->slot[v])
        return;
    size_t i = r->slot[v] - 1u;
    memmove(r->fields + i, r->fields + i + 1, (r->nfields - i - 1) * sizeof *r->fields);
    r->nfields--;
    r->slot[v] = 0;
    for (size_t j = i; j < r->nfields; j++)
        r->slot[r->fields[j]->var] = (unsigned char)(j + 1);
}

/* bib_var_kind(v) for a valid v, kept per variable once asked (its
 * kind + 1; 0 not yet): the setters ask at every new field, and a call
 * into csl.c through the library's PLT was a tenth of a setter. Relaxed
 * atomics: threads that race store the same value. */
static _Atomic unsigned char kind_memo[BIB_VAR_COUNT];

static inline bib_kind var_kind(bib_var v)
{
    unsigned k = atomic_load_explicit(&kind_memo[v], memory_order_relaxed);
    if (__builtin_expect(k != 0, 1))
        return (bib_kind)(k - 1);
    bib_kind kind = bib_var_kind(v);
    atomic_store_explicit(&kind_memo[v], (unsigned char)(kind + 1), memory_order_relaxed);
    return kind;
}

/* Appends an empty field of v (absent; kind k, its variable's) at the
 * end; NULL on OOM. */
static inline bib_field *field_new(bib_record *r, bib_var v, bib_kind k)
{
    if (grow(r, (void **)&r->fields, r->nfields, &r->fcap, sizeof *r->fields))
        return NULL;
    bib_field *f = arena_alloc(r, sizeof *f);
    if (!f)
        return NULL;
    f->var = v;
    f->kind = k;
    f->flags = 0;
    f->recipe = 0;
    if (k == BIB_KIND_TEXT || k == BIB_KIND_RICH || k == BIB_KIND_NUMBER) {
        /* the text members only (most fields): the rest of the union is
         * never read for a textual field */
        f->u.text.v = &f->u.text.one;
        f->u.text.n = 0;
        f->u.text.cap = 1;
        f->u.text.one = NULL;
        f->u.text.src.s = NULL;
    } else {
        memset(&f->u, 0, sizeof f->u);
    }
    r->fields[r->nfields++] = f;
    r->slot[v] = (unsigned char)r->nfields;
    return f;
}

/* The field of v (a valid variable), or NULL when absent. */
static bib_field *field_of(const bib_record *r, bib_var v)
{
    return r->slot[v] ? r->fields[r->slot[v] - 1] : NULL;
}

/* Returns the field of v, creating an empty one of the variable's kind at
 * the end when absent; NULL on OOM. */
static inline bib_field *field_for(bib_record *r, bib_var v)
{
    bib_field *f = field_of(r, v);
    if (f)
        field_ready(f); /* the setters that take it add to its value */
    return f ? f : field_new(r, v, var_kind(v));
}

static bool is_textual(bib_kind k)
{
    return k == BIB_KIND_TEXT || k == BIB_KIND_RICH || k == BIB_KIND_NUMBER;
}

/* The small-caps span as citeproc-js also spells it, with a space: rich
 * text takes it for the model's span (record.h), so its "</span>" closes
 * a span, not nothing (csl-test-suite bugreports_SmallCapsEscape). */
static const char sc_alias[] = "<span style=\"font-variant: small-caps;\">";

static bool has_sc_alias(const char *s, size_t len)
{
    size_t an = sizeof sc_alias - 1;
    if (len < an) /* most titles: too short to hold it, no scan */
        return false;
    for (const char *p = memchr(s, '<', len); p && (size_t)(p - s) + an <= len;
         p = memchr(p + 1, '<', len - (size_t)(p + 1 - s)))
        /* byte 6 tells it from the nocase span the LaTeX decoding writes */
        if (p[6] == 's' && memcmp(p, sc_alias, an) == 0)
            return true;
    return false;
}

/* A copy of s with each sc_alias spelled the model's way (one byte
 * shorter), in the record's arena; NULL when out of memory. */
static char *rich_canonical_copy(bib_record *r, const char *s, size_t len)
{
    char *copy = arena_alloc(r, len + 1);
    if (!copy)
        return NULL;
    size_t an = sizeof sc_alias - 1, w = 0;
    for (size_t i = 0; i < len;) {
        if (s[i] == '<' && len - i >= an && memcmp(s + i, sc_alias, an) == 0) {
            memcpy(copy + w, "<span style=\"font-variant:small-caps;\">", an - 1);
            w += an - 1;
            i += an;
        } else {
            copy[w++] = s[i++];
        }
    }
    copy[w] = '\0';
    return copy;
}

/* Stores a copy of s as the only value (replace) or one more value. The
 * kind comes from the field when there is one (no call into the variable
 * table per value). */
static inline __attribute__((always_inline)) int text_value(bib_record *r, bib_var v,
                                                            const char *s, size_t len,
                                                            bool replace)
{
    if ((unsigned)v >= BIB_VAR_COUNT || (!s && len))
        return BIB_EINVAL;
    bib_field *f = field_of(r, v);
    bib_kind k = f ? f->kind : var_kind(v);
    if (!is_textual(k))
        return BIB_EINVAL;
    if (f && f->recipe) {
        if (!replace)
            field_decode(f); /* one more value after the put-off one */
        f->recipe = 0;
    }
    bool rich_alias = k == BIB_KIND_RICH && s && has_sc_alias(s, len);
    /* a put-off value that decodes to its source text (most) shares it */
    const char *copy;
    if (f && s && !rich_alias && s == f->u.text.src.s && len == f->u.text.src.len && !s[len])
        copy = s;
    else
        copy = rich_alias ? rich_canonical_copy(r, s, len) : arena_strndup(r, s ? s : "", len);
    if (!copy)
        return BIB_ENOMEM;
    if (!f && !(f = field_new(r, v, k)))
        return BIB_ENOMEM;
    if (replace) {
        f->u.text.n = 0;
        f->flags = 0;
    }
    f->u.text.src.s = NULL; /* the value changed: its source text says no more */
    if (grow(r, (void **)&f->u.text.v, f->u.text.n, &f->u.text.cap, sizeof(char *)))
        return BIB_ENOMEM;
    f->u.text.v[f->u.text.n++] = copy;
    return 0;
}

int bib_record_set_text(bib_record *r, bib_var v, const char *s, size_t len)
{
    return text_value(r, v, s, len, true);
}

int bib_record_add_text(bib_record *r, bib_var v, const char *s, size_t len)
{
    return text_value(r, v, s, len, false);
}

int bib__record_text_value(bib_record *r, bib_var v, const char *s, size_t len, bool replace)
{
    return replace ? text_value(r, v, s, len, true) : text_value(r, v, s, len, false);
}

int bib__record_text_one(bib_record *r, bib_var v, const char *s, size_t len)
{
    int rc = text_value(r, v, s, len, true);
    return rc < 0 ? rc : 1;
}

const char *bib_record_adopt(bib_record *r, char *s)
{
    rec_owned *o = s ? arena_alloc(r, sizeof *o) : NULL;
    if (!o) {
        free(s);
        return NULL;
    }
    o->data = s;
    o->next = r->owned;
    r->owned = o;
    return s;
}

int bib_record_set_text_owned(bib_record *r, bib_var v, char *s)
{
    if ((unsigned)v >= BIB_VAR_COUNT || !is_textual(var_kind(v)) || !s) {
        free(s);
        return BIB_EINVAL;
    }
    rec_owned *o = arena_alloc(r, sizeof *o);
    bib_field *f = o ? field_for(r, v) : NULL;
    if (!f) {
        free(s);
        return BIB_ENOMEM;
    }
    if (grow(r, (void **)&f->u.text.v, 0, &f->u.text.cap, sizeof(char *))) {
        free(s);
        return BIB_ENOMEM;
    }
    o->data = s;
    o->next = r->owned;
    r->owned = o;
    f->flags = 0;
    f->u.text.n = 0;
    f->u.text.v[f->u.text.n++] = s;
    f->u.text.src.s = NULL;
    return 0;
}

static int copy_name(bib_record *r, bib_name *dst, const bib_name *src)
{
    *dst = *src;
#define COPY(part)                                                       \
    if (src->part && !(dst->part = arena_strdup(r, src->part)))          \
        return BIB_ENOMEM;
    COPY(family) COPY(given) COPY(dropping_particle) COPY(non_dropping_particle)
    COPY(suffix) COPY(literal)
#undef COPY
    return 0;
}

static bool name_empty(const bib_name *n)
{
    return !n->family && !n->given && !n->dropping_particle && !n->non_dropping_particle &&
           !n->suffix && !n->literal;
}

int bib_record_add_name(bib_record *r, bib_var v, const bib_name *name)
{
    if ((unsigned)v >= BIB_VAR_COUNT || var_kind(v) != BIB_KIND_NAMES || !name ||
        name_empty(name))
        return BIB_EINVAL;
    bib_field *f = field_for(r, v);
    if (!f || grow(r, (void **)&f->u.names.v, f->u.names.n, &f->u.names.cap, sizeof(bib_name)))
        return BIB_ENOMEM;
    if (copy_name(r, &f->u.names.v[f->u.names.n], name))
        return BIB_ENOMEM;
    f->u.names.n++;
    f->u.names.src.s = NULL;
    return 0;
}

/* bib_record_add_name for a name whose parts lie in block[0..len) (each
 * NUL-terminated there; names.c's scratch buffer): the block is copied
 * into the arena at once and the parts pointed into the copy, no strlen
 * and copy per part. A part outside the block is copied on its own. */
int bib__record_add_name_block(bib_record *r, bib_var v, const bib_name *name,
                               const char *block, size_t len)
{
    if ((unsigned)v >= BIB_VAR_COUNT || !name || name_empty(name) || !block || !len ||
        block[len - 1])
        return BIB_EINVAL;
    /* the kind from the field when there is one (a list's second name on:
     * no call into the variable table), as text_value does */
    bib_field *f = field_of(r, v);
    if ((f ? f->kind : bib_var_kind(v)) != BIB_KIND_NAMES)
        return BIB_EINVAL;
    if (!f && !(f = field_new(r, v, BIB_KIND_NAMES)))
        return BIB_ENOMEM;
    if (grow(r, (void **)&f->u.names.v, f->u.names.n, &f->u.names.cap, sizeof(bib_name)))
        return BIB_ENOMEM;
    char *copy = arena_alloc(r, len);
    if (!copy)
        return BIB_ENOMEM;
    bib_short_copy(copy, block, len); /* most blocks are short: no memcpy call */
    bib_name *dst = &f->u.names.v[f->u.names.n];
    *dst = *name;
    /* a part in the block: one unsigned compare of its offset */
#define REBASE(part)                                                                  \
    if (name->part && (uintptr_t)name->part - (uintptr_t)block < len)                 \
        dst->part = copy + (name->part - block);                                      \
    else if (name->part && !(dst->part = arena_strdup(r, name->part)))                \
        return BIB_ENOMEM;
    REBASE(family) REBASE(given) REBASE(dropping_particle) REBASE(non_dropping_particle)
    REBASE(suffix) REBASE(literal)
#undef REBASE
    f->u.names.n++;
    f->u.names.src.s = NULL;
    return 0;
}

int bib_record_set_names_truncated(bib_record *r, bib_var v, bool truncated)
{
    if ((unsigned)v >= BIB_VAR_COUNT || var_kind(v) != BIB_KIND_NAMES)
        return BIB_EINVAL;
    bib_field *f = field_for(r, v);
    if (!f)
        return BIB_ENOMEM;
    f->u.names.truncated = truncated;
    f->u.names.src.s = NULL;
    return 0;
}

int bib_record_set_date(bib_record *r, bib_var v, const bib_date *d)
{
    if ((unsigned)v >= BIB_VAR_COUNT || var_kind(v) != BIB_KIND_DATE || !d ||
        d->nparts < 0 || d->nparts > 2)
        return BIB_EINVAL;
    bib_date copy = *d;
    if (d->literal && !(copy.literal = arena_strdup(r, d->literal)))
        return BIB_ENOMEM;
    if (d->raw && !(copy.raw = arena_strdup(r, d->raw)))
        return BIB_ENOMEM;
    bib_field *f = field_for(r, v);
    if (!f)
        return BIB_ENOMEM;
    f->u.date = copy;
    return 0;
}

int bib_record_set_field_flags(bib_record *r, bib_var v, unsigned flags)
{
    if ((unsigned)v >= BIB_VAR_COUNT || !r->slot[v])
        return BIB_ENOTFOUND;
    r->fields[r->slot[v] - 1]->flags = flags;
    return 0;
}

/* strcmp(a, b) == 0 in line, for the short format names of source
 * texts: a call per field was 1 % of bibtex -> bibtex. */
static inline bool same_name(const char *a, const char *b)
{
    if (a == b) /* the record's own copy (bib_record_source_format) */
        return true;
    while (*a && *a == *b)
        a++, b++;
    return *a == *b;
}

/* The source text slot of a text or names field; NULL for a date. */
static src_text *field_src(bib_field *f)
{
    return is_textual(f->kind) ? &f->u.text.src
           : f->kind == BIB_KIND_NAMES ? &f->u.names.src : NULL;
}

/* The source text slot of a put-off value's field (text or names). */
static src_text *pend_src(bib_field *f)
{
    return is_textual(f->kind) ? &f->u.text.src : &f->u.names.src;
}

/* The record's copy of a source text's format name (NULL on OOM). */
static const char *src_format_of(bib_record *r, const char *format)
{
    return r->src_format && same_name(r->src_format, format) ? r->src_format
                                                              : arena_strdup(r, format);
}

/* Makes var's field (there is none) a put-off value: recipe over a copy
 * of s[0..len), which is also its source text. 1 or BIB_ENOMEM. */
static inline int field_defer(bib_record *r, bib_var v, bib_kind k, bib_recipe recipe,
                              unsigned flags, const char *s, size_t len, const char *format,
                              unsigned tag)
{
    const char *fmt = src_format_of(r, format);
    const char *own = fmt ? arena_strndup(r, s, len) : NULL;
    bib_field *f = own ? field_new(r, v, k) : NULL;
    if (!f)
        return BIB_ENOMEM;
    r->src_format = fmt;
    f->recipe = (unsigned char)recipe;
    f->rflags = (unsigned char)flags;
    *pend_src(f) = (src_text){own, fmt, (uint32_t)len, tag};
    if (is_textual(f->kind))
        f->u.text.owner = r;
    else
        f->u.names.owner = r;
    return 1;
}

int bib_record_defer(bib_record *r, bib_var v, bib_recipe recipe, unsigned flags, const char *s,
                     size_t len, const char *format, unsigned tag)
{
    if ((unsigned)v >= BIB_VAR_COUNT || !s || !format || len > UINT32_MAX || flags > 0xFF ||
        recipe <= BIB_RECIPE_NONE || recipe > BIB_RECIPE_BIBTEX_NAMES)
        return BIB_EINVAL;
    bib_kind k = var_kind(v);
    if (recipe == BIB_RECIPE_BIBTEX_NAMES ? k != BIB_KIND_NAMES : !is_textual(k))
        return BIB_EINVAL;
    /* a value that may decode to nothing makes no field, which only its
     * decoding tells: decoded now, by the caller */
    if (r->slot[v])
        return 0;
    /* a text whose first byte is a letter or a digit (most) is not
     * empty: record_decode.c's rule, without the call */
    unsigned char c0 = len ? (unsigned char)s[0] : 0;
    bool alnum0 = (unsigned)(c0 - '0') < 10u || (unsigned)((c0 | 0x20) - 'a') < 26u;
    if (!(recipe != BIB_RECIPE_BIBTEX_NAMES && alnum0) && !bib__recipe_nonempty(recipe, s, len))
        return 0;
    return field_defer(r, v, k, recipe, flags, s, len, format, tag);
}

bool bib_record_lost_value(const bib_record *rec) { return rec->decode_failed; }

/* field_decode's failure: f's record (its owner, which the decoding
 * leaves as it was: read again, not held across the call) is marked. */
static __attribute__((noinline, cold)) void decode_failed(bib_field *f)
{
    bib_record *owner = is_textual(f->kind) ? f->u.text.owner : f->u.names.owner;
    owner->decode_failed = true;
}

/* Runs the recipe of a put-off value, into the record that made the
 * field (for a keyed view's field, its source: the view shares it),
 * keeping its source text and flags, which the setters the recipe calls
 * drop. The field is the record's own data, not the caller's: a getter
 * given a const record may fill it in (a record is read by one thread at
 * a time). Out of memory, the value stays what was decoded of it, and
 * the record says so (bib_record_lost_value): a getter cannot, and the
 * conversion must not end as if nothing was lost (convert.c). */
static __attribute__((noinline)) void field_decode(const bib_field *cf)
{
    bib_field *f = (bib_field *)(uintptr_t)cf;
    src_text keep = *pend_src(f);
    bib_record *owner = is_textual(f->kind) ? f->u.text.owner : f->u.names.owner;
    bib_recipe recipe = (bib_recipe)f->recipe;
    unsigned flags = f->flags;
    f->recipe = 0;
    if (__builtin_expect(
            bib_record_decode(owner, f->var, recipe, f->rflags, keep.s, keep.len, NULL) < 0, 0))
        decode_failed(f);
    *pend_src(f) = keep;
    f->flags = flags;
}

int bib_record_set_source(bib_record *r, bib_var v, const char *format, unsigned tag,
                          const char *s, size_t len)
{
    if ((unsigned)v >= BIB_VAR_COUNT || !format || (!s && len) || len > UINT32_MAX)
        return BIB_EINVAL;
    bib_field *f = field_of(r, v);
    src_text *src = f ? field_src(f) : NULL;
    if (!src)
        return f ? BIB_EINVAL : BIB_ENOTFOUND;
    field_ready(f); /* a put-off value is decoded from the text replaced */
    if (!s) {
        src->s = NULL;
        return 0;
    }
    const char *fmt = src_format_of(r, format);
    /* the field's one value itself is shared, not copied */
    bool same = is_textual(f->kind) && f->u.text.n == 1 && s == f->u.text.v[0];
    const char *own = !fmt ? NULL : same ? s : arena_strndup(r, s, len);
    if (!own)
        return BIB_ENOMEM;
    r->src_format = fmt;
    *src = (src_text){own, fmt, (uint32_t)len, tag};
    return 0;
}

const char *bib_record_source_format(const bib_record *r) { return r ? r->src_format : NULL; }

const char *bib_field_source(const bib_field *f, const char *format, unsigned *tag,
                             size_t *len)
{
    const src_text *src = f ? field_src((bib_field *)(uintptr_t)f) : NULL;
    if (!src || !src->s || !format || !same_name(src->format, format))
        return NULL;
    if (tag)
        *tag = src->tag;
    if (len)
        *len = src->len;
    return src->s;
}

/* ---- field accessors ---------------------------------------------------------- */

bib_var bib_field_var(const bib_field *f) { return f ? f->var : BIB_VAR_NONE; }
bib_kind bib_field_kind(const bib_field *f) { return f ? f->kind : BIB_KIND_NONE; }
unsigned bib_field_flags(const bib_field *f) { return f ? f->flags : 0; }

/* A put-off value has no values yet (n 0): the getters ask field_ready
 * only then, not at every value read. */
size_t bib_field_value_count(const bib_field *f)
{
    if (!f || !is_textual(f->kind))
        return 0;
    if (!f->u.text.n)
        field_ready(f);
    return f->u.text.n;
}

const char *bib_field_value_at(const bib_field *f, size_t i)
{
    if (!f || !is_textual(f->kind))
        return NULL;
    if (i >= f->u.text.n)
        field_ready(f);
    return i < f->u.text.n ? f->u.text.v[i] : NULL;
}

const char *bib_field_text(const bib_field *f)
{
    return bib_field_value_at(f, 0);
}

size_t bib_field_name_count(const bib_field *f)
{
    if (!f || f->kind != BIB_KIND_NAMES)
        return 0;
    if (!f->u.names.n)
        field_ready(f);
    return f->u.names.n;
}

const bib_name *bib_field_name_at(const bib_field *f, size_t i)
{
    if (!f || f->kind != BIB_KIND_NAMES)
        return NULL;
    if (i >= f->u.names.n)
        field_ready(f);
    return i < f->u.names.n ? &f->u.names.v[i] : NULL;
}

bool bib_field_names_truncated(const bib_field *f)
{
    if (!f || f->kind != BIB_KIND_NAMES)
        return false;
    if (!f->u.names.n)
        field_ready(f);
    return f->u.names.truncated;
}

const bib_date *bib_field_date(const bib_field *f)
{
    return f && f->kind == BIB_KIND_DATE ? &f->u.date : NULL;
}

/* ---- clone -------------------------------------------------------------------------- */

bib_record *bib_record_keyed_view(const bib_record *src, const char *id)
{
    if (src->kind != BIB_RECORD_ENTRY)
        return NULL;
    bib_record *r = bib_record_new(src->type, id);
    if (!r)
        return NULL;
    r->origin = src->origin; /* borrowed, as the fields: the view lives less */
    r->origin_line = src->origin_line;
    if (src->nfields > r->fcap) {
        if (!(r->fields = arena_alloc(r, src->nfields * sizeof *r->fields)))
            goto fail;
        r->fcap = src->nfields;
    }
    if (src->nfields)
        memcpy(r->fields, src->fields, src->nfields * sizeof *r->fields);
    r->nfields = src->nfields;
    memcpy(r->slot, src->slot, sizeof r->slot);
    if (src->nextras && !(r->extras = arena_alloc(r, src->nextras * sizeof *r->extras)))
        goto fail;
    if (src->nextras)
        memcpy(r->extras, src->extras, src->nextras * sizeof *r->extras);
    r->nextras = r->xcap = src->nextras;
    r->xfirst = src->xfirst;
    return r;
fail:
    bib_record_free(r);
    return NULL;
}

/* Moves pointer p from the source's first chunk (from lo, `used` bytes)
 * to the same offset in the copy (delta d); a pointer elsewhere (a view's
 * borrowed field, an adopted value) makes the copy fail. */
#define RELOC(p)                                                                             \
    do {                                                                                     \
        if (p) {                                                                             \
            uintptr_t u_ = (uintptr_t)(p);                                                   \
            if (u_ - lo >= used)                                                             \
                return false;                                                                \
            (p) = (void *)(u_ + d);                                                          \
        }                                                                                    \
    } while (0)

/* Fills r (fresh from record_alloc) as a copy of src when everything of src
 * lies in its first chunk (most records: 2 KiB): one memcpy of the chunk,
 * then every pointer moved by the same offset, instead of a copy per
 * value. False (r then to be freed, never used) when src is not so. */
static bool clone_flat(bib_record *r, const bib_record *src)
{
    if (src->arena != &src->first || src->owned || src->kind != BIB_RECORD_ENTRY)
        return false;
    uintptr_t lo = (uintptr_t)src->first.data, used = src->first.used;
    uintptr_t d = (uintptr_t)r->first.data - lo;
    memcpy(r->first.data, src->first.data, used);
    r->first.used = used;
    r->kind = src->kind;
    r->type = src->type;
    r->id = src->id;
    RELOC(r->id);
    r->origin = src->origin;
    RELOC(r->origin);
    r->origin_line = src->origin_line;
    r->decode_failed = src->decode_failed; /* what src lost, the copy lacks */
    r->src_format = src->src_format;
    RELOC(r->src_format);
    r->fields = src->fields;
    RELOC(r->fields);
    r->nfields = src->nfields;
    r->fcap = src->fcap;
    memcpy(r->slot, src->slot, sizeof r->slot);
    for (size_t i = 0; i < r->nfields; i++) {
        RELOC(r->fields[i]);
        bib_field *f = r->fields[i];
        switch (f->kind) {
        case BIB_KIND_NAMES:
            RELOC(f->u.names.v);
            for (size_t j = 0; j < f->u.names.n; j++) {
                bib_name *n = &f->u.names.v[j];
                RELOC(n->family);
                RELOC(n->given);
                RELOC(n->dropping_particle);
                RELOC(n->non_dropping_particle);
                RELOC(n->suffix);
                RELOC(n->literal);
            }
            break;
        case BIB_KIND_DATE:
            RELOC(f->u.date.literal);
            RELOC(f->u.date.raw);
            break;
        default:
            RELOC(f->u.text.v);
            for (size_t j = 0; j < f->u.text.n; j++)
                RELOC(f->u.text.v[j]);
            break;
        }
        src_text *st = field_src(f);
        if (st && st->s) {
            RELOC(st->s);
            RELOC(st->format);
        }
        if (f->recipe && is_textual(f->kind)) /* a put-off value decodes into the copy */
            f->u.text.owner = r;
        else if (f->recipe)
            f->u.names.owner = r;
    }
    r->extras = src->extras;
    RELOC(r->extras);
    r->nextras = src->nextras;
    r->xcap = src->xcap;
    r->xfirst = src->xfirst;
    for (size_t i = 0; i < r->nextras; i++) {
        RELOC(r->extras[i].format);
        RELOC(r->extras[i].name);
        RELOC(r->extras[i].value);
    }
    return true;
}
#undef RELOC

bib_record *bib_record_clone(const bib_record *src)
{
    bib_record *r;
    if (src->kind == BIB_RECORD_DIRECTIVE)
        return bib_record_new_directive(src->d_format, src->d_name, src->d_text, src->d_len);
    if (src->arena == &src->first && !src->owned) {
        if (!(r = record_alloc()))
            return NULL;
        if (clone_flat(r, src))
            return r;
        bib_record_free(r); /* not self-contained: value by value below */
    }
    if (!(r = bib_record_new(src->type, src->id)))
        return NULL;
    r->decode_failed = src->decode_failed;
    if (src->origin && bib_record_set_origin(r, src->origin, src->origin_line))
        goto fail;
    for (size_t i = 0; i < src->nfields; i++) {
        const bib_field *f = src->fields[i];
        int rc = 0;
        if (f->recipe) { /* put off in the copy too */
            const src_text *pt = pend_src((bib_field *)(uintptr_t)f);
            if (field_defer(r, f->var, f->kind, (bib_recipe)f->recipe, f->rflags, pt->s, pt->len,
                            pt->format, pt->tag) < 0 ||
                bib_record_set_field_flags(r, f->var, f->flags))
                goto fail;
            continue;
        }
        switch (f->kind) {
        case BIB_KIND_NAMES:
            for (size_t j = 0; j < f->u.names.n && !rc; j++)
                rc = bib_record_add_name(r, f->var, &f->u.names.v[j]);
            if (!rc)
                rc = bib_record_set_names_truncated(r, f->var, f->u.names.truncated);
            break;
        case BIB_KIND_DATE:
            rc = bib_record_set_date(r, f->var, &f->u.date);
            break;
        default:
            for (size_t j = 0; j < f->u.text.n && !rc; j++)
                rc = bib_record_add_text(r, f->var, f->u.text.v[j], strlen(f->u.text.v[j]));
            break;
        }
        if (rc || bib_record_set_field_flags(r, f->var, f->flags))
            goto fail;
        const src_text *st = field_src((bib_field *)(uintptr_t)f);
        if (st && st->s) { /* a shared one stays shared in the copy */
            bool own = is_textual(f->kind) && st->s == f->u.text.v[0];
            if (bib_record_set_source(r, f->var, st->format, st->tag,
                                      own ? bib_record_text(r, f->var) : st->s, st->len))
                goto fail;
        }
    }
    for (size_t i = 0; i < src->nextras; i++) {
        const extra *e = &src->extras[i];
        if (bib_record_add_extra(r, e->format, e->name, e->value, e->len))
            goto fail;
    }
    return r;
fail:
    bib_record_free(r);
    return NULL;
}

/* ---- value structs filled by text.h parsers --------------------------------------- */

void bib_name_clear(bib_name *n)
{
    if (!n)
        return;
    free((char *)n->family);
    free((char *)n->given);
    free((char *)n->dropping_particle);
    free((char *)n->non_dropping_particle);
    free((char *)n->suffix);
    free((char *)n->literal);
    memset(n, 0, sizeof *n);
}

void bib_date_clear(bib_date *d)
{
    if (!d)
        return;
    free((char *)d->literal);
    free((char *)d->raw);
    memset(d, 0, sizeof *d);
}
