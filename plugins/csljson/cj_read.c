/* SPDX-License-Identifier: MIT */
/*
 * cj_read.c - CSL-JSON item text -> bib_record without a DOM (cj_read.h).
 *
 * The item is tokenized (cj_tok.c), then each member is mapped straight
 * from its tokens when its shape is one whose result the jansson path
 * (cslitem_read.c) gives without a diagnostic and without keeping the
 * input spelling: a string id or type spelled canonically, a string under
 * the canonical key of a text or number variable, a name list of objects
 * with non-empty string parts only, a {"date-parts": ...} of plain integer
 * years, months 1-12 and days 1-31. Any other member is decoded alone by
 * jansson and goes through cslitem_read_member, the very code of the
 * jansson path, so its warnings, @raw: extras and unknown keys are the
 * same (so is a member holding a real: nums_read). An item the tokenizer
 * does not accept goes whole to jansson.
 * tests/fuzz/fuzz_cj_diff.c holds the two paths to the same records.
 *
 * Not for: finding items in the stream (csljson.c), CSL semantics beyond
 * those shapes (cslitem_read.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/plugin.h"
#include "bibconv/short_copy.h"
#include "cj_read.h"
#include "cslitem_int.h"

void cj_reader_init(cj_reader *cr)
{
    memset(cr, 0, sizeof *cr);
    bib_buf_init(&cr->tmp);
    bib_buf_init(&cr->key);
}

static void free_blocks(cj_reader *cr)
{
    while (cr->blocks) {
        struct cj_block *b = cr->blocks;
        cr->blocks = b->next;
        free(b);
    }
}

void cj_reader_free(cj_reader *cr)
{
    free_blocks(cr);
    cj_toks_free(&cr->toks);
    free(cr->text);
    bib_buf_clear(&cr->tmp);
    bib_buf_clear(&cr->key);
    memset(cr, 0, sizeof *cr);
}

/* Quoted lengths from which a string is not decoded into the arena: a
 * value of a text variable is decoded into a buffer of its own that the
 * record takes over (read_member), a name part or an id into one the
 * record adopts (bib_record_adopt: its setter keeps it, no copy), a key
 * into a block of its own freed once the item is read. So a single huge
 * value is held once besides the input, not three times (issue 18: at
 * most 2x). */
enum { CJ_BIG = 1 << 20 };

static bool is_big(const cj_tok *k)
{
    return k->end - k->start >= CJ_BIG;
}

/* The decoded text of string token i, in the item's text arena; a big one
 * adopted by `rec` when that is not NULL, else in a block of its own. NULL
 * when out of memory. */
static const char *str_of(cj_reader *cr, const char *d, size_t i, size_t *len, bib_record *rec)
{
    const cj_tok *k = &cr->toks.v[i];
    if (is_big(k) && rec) {
        char *s = malloc(k->end - k->start - 1);
        if (!s)
            return NULL;
        size_t n = cj_str(k, d, s);
        if (len)
            *len = n;
        return bib_record_adopt(rec, s);
    }
    if (is_big(k)) {
        struct cj_block *b = malloc(sizeof *b + (k->end - k->start - 1));
        if (!b)
            return NULL;
        b->next = cr->blocks;
        cr->blocks = b;
        size_t n = cj_str(k, d, b->text);
        if (len)
            *len = n;
        return b->text;
    }
    char *o = cr->text + cr->used;
    size_t n = cj_str(k, d, o);
    cr->used += n + 1;
    if (len)
        *len = n;
    return o;
}

/* Token i is a string equal to the NUL-terminated s, compared raw (no
 * escapes in it). */
static bool str_is(const cj_reader *cr, const char *d, size_t i, const char *s)
{
    const cj_tok *k = &cr->toks.v[i];
    size_t n = strlen(s);
    return k->type == CJ_STR && !k->esc && k->end - k->start == n + 2 &&
           memcmp(d + k->start + 1, s, n) == 0;
}

/* The index (0..5) of name key token i among cslitem_name_keys, or -1:
 * by its length, then one compare of constant size (no strlen and
 * memcmp call per part tried). The cases follow the order of that list:
 * family, given, dropping-particle, non-dropping-particle, suffix,
 * literal. */
static int name_part(const cj_reader *cr, const char *d, size_t i)
{
    const cj_tok *k = &cr->toks.v[i];
    if (k->type != CJ_STR || k->esc)
        return -1;
    const char *s = d + k->start + 1;
    switch (k->end - k->start - 2) {
    case 6: return memcmp(s, "family", 6) == 0 ? 0 : memcmp(s, "suffix", 6) == 0 ? 4 : -1;
    case 5: return memcmp(s, "given", 5) == 0 ? 1 : -1;
    case 17: return memcmp(s, "dropping-particle", 17) == 0 ? 2 : -1;
    case 21: return memcmp(s, "non-dropping-particle", 21) == 0 ? 3 : -1;
    case 7: return memcmp(s, "literal", 7) == 0 ? 5 : -1;
    default: return -1;
    }
}

/* True when name list token a is certainly read as its canonical form:
 * objects whose members are name parts with non-empty strings. */
static bool plain_names(const cj_reader *cr, const char *d, size_t a)
{
    const cj_tok *v = cr->toks.v;
    for (size_t e = a + 1; e < v[a].next; e = v[e].next) {
        if (v[e].type != CJ_OBJ || v[e].count == 0) /* {} is no name: a warning */
            return false;
        for (size_t k = e + 1; k < v[e].next; k = v[k + 1].next) {
            const cj_tok *x = &v[k + 1];
            if (x->type != CJ_STR || x->end - x->start <= 2 || name_part(cr, d, k) < 0)
                return false;
        }
    }
    return true;
}

/* Reads a plain_names list, as cslitem_read_var does. */
static int read_names(cj_reader *cr, const char *d, bib_record *rec, bib_var var, size_t a)
{
    const cj_tok *v = cr->toks.v;
    size_t count = v[a].count, i = 0;
    bool any = false;
    for (size_t e = a + 1; e < v[a].next; e = v[e].next, i++) {
        bib_name n;
        memset(&n, 0, sizeof n);
        const char **parts[6] = {&n.family, &n.given, &n.dropping_particle,
                                 &n.non_dropping_particle, &n.suffix, &n.literal};
        for (size_t k = e + 1; k < v[e].next; k = v[k + 1].next)
            if (!(*parts[name_part(cr, d, k)] = str_of(cr, d, k + 1, NULL, rec)))
                return BIB_ENOMEM;
        int rc = cslitem_add_list_name(rec, var, &n, i, count, &any);
        if (rc)
            return rc;
    }
    return any ? 0 : bib_record_set_names_truncated(rec, var, false);
}

/* A string token of 1 to 9 ASCII digits, no escape: a date part the
 * jansson path reads with strtol as the same integer. */
static bool digit_str(const char *d, const cj_tok *t, long long *x)
{
    size_t n = t->end - t->start - 2;
    if (t->type != CJ_STR || t->esc || n < 1 || n > 9)
        return false;
    long long v = 0;
    for (size_t i = 0; i < n; i++) {
        char c = d[t->start + 1 + i];
        if (c < '0' || c > '9')
            return false;
        v = v * 10 + (c - '0');
    }
    *x = v;
    return true;
}

/* A {"date-parts": [[y, m, d], ...]} whose canonical form is itself: one
 * member, one or two parts of one to three integers, no year 0 (an open
 * end), months 1-12 (13-24 are seasons), days 1-31. Fills *out. Parts may
 * also be digit strings ("2020"); *spelled then tells that the input's
 * spelling is not the canonical one (the caller keeps it, see raw_date). */
static bool plain_date(const cj_reader *cr, const char *d, size_t o, bib_date *out,
                       bool *spelled)
{
    *spelled = false;
    const cj_tok *v = cr->toks.v;
    if (v[o].type != CJ_OBJ || v[o].count != 1 || !str_is(cr, d, o + 1, "date-parts"))
        return false;
    size_t dp = o + 2;
    if (v[dp].type != CJ_ARR || v[dp].count < 1 || v[dp].count > 2)
        return false;
    memset(out, 0, sizeof *out);
    out->nparts = (int)v[dp].count;
    int i = 0;
    for (size_t a = dp + 1; a < v[dp].next; a = v[a].next, i++) {
        if (v[a].type != CJ_ARR || v[a].count < 1 || v[a].count > 3)
            return false;
        long long x[3] = {0, 0, 0};
        for (size_t k = 0; k < v[a].count; k++) {
            const cj_tok *t = &v[a + 1 + k];
            if (t->type == CJ_INT)
                x[k] = t->num;
            else if (digit_str(d, t, &x[k]))
                *spelled = true;
            else
                return false;
        }
        if (x[0] == 0 || x[0] > 999999999 || x[0] < -999999999)
            return false;
        if (v[a].count >= 2 && (x[1] < 1 || x[1] > 12))
            return false;
        if (v[a].count == 3 && (x[2] < 1 || x[2] > 31))
            return false;
        bib_date_part *p = &out->parts[i];
        p->has_year = true;
        p->year = (int)x[0];
        p->month = (int)x[1];
        p->day = (int)x[2];
    }
    return true;
}

/* What the jansson path keeps of a date whose parts were spelled as
 * strings: the extra "@raw:KEY" holding the value as json_dumps writes it
 * compact. The value is a plain_date shape, so that text is its tokens
 * without whitespace: strings copied (digits, no escapes), integers
 * printed. */
static int raw_date(cj_reader *cr, const char *d, bib_record *rec, const char *key, size_t o)
{
    const cj_tok *v = cr->toks.v;
    bib_buf *b = &cr->tmp;
    bib_buf_reset(b);
    bib_buf_puts(b, "{\"date-parts\":[");
    size_t dp = o + 2;
    for (size_t a = dp + 1; a < v[dp].next; a = v[a].next) {
        bib_buf_puts(b, a == dp + 1 ? "[" : ",[");
        for (size_t k = 0; k < v[a].count; k++) {
            const cj_tok *t = &v[a + 1 + k];
            if (k)
                bib_buf_putc(b, ',');
            if (t->type == CJ_INT)
                bib_buf_printf(b, "%lld", t->num);
            else
                bib_buf_append(b, d + t->start, t->end - t->start);
        }
        bib_buf_putc(b, ']');
    }
    bib_buf_puts(b, "]}");
    bib_buf_reset(&cr->key);
    bib_buf_puts(&cr->key, CSLITEM_RAW_PREFIX);
    bib_buf_puts(&cr->key, key);
    if (bib_buf_failed(b) || bib_buf_failed(&cr->key))
        return BIB_ENOMEM;
    return bib_record_add_extra(rec, CSLITEM_FMT, cr->key.data, b->data, b->len);
}

/* The jansson path for one member: its value decoded alone (the tokenizer
 * has checked it) and read by cslitem_read_member. */
static int member_by_jansson(cj_reader *cr, const char *d, bib_record *rec, const char *key,
                             size_t vi, const bib_cslitem_ctx *ctx)
{
    const cj_tok *t = &cr->toks.v[vi];
    json_error_t err;
    json_t *j = bib_cslitem_loadb(d + t->start, t->end - t->start,
                                  JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, &err, NULL);
    if (!j) /* out of memory: the tokenizer is the stricter parser */
        return json_error_code(&err) == json_error_out_of_memory ? BIB_ENOMEM : BIB_EINVAL;
    int rc = cslitem_read_member(rec, key, j, &cr->tmp, &cr->key, ctx);
    json_decref(j);
    return rc;
}

/* A big string token t as the value of text variable var, decoded into
 * a buffer the record takes over. */
static int own_text(const char *d, bib_record *rec, bib_var var, const cj_tok *t)
{
    size_t cap = t->end - t->start - 1;
    char *s = malloc(cap);
    if (!s)
        return BIB_ENOMEM;
    size_t n = cj_str(t, d, s);
    if (n + 1 < cap - cap / 8) { /* escapes made it much shorter */
        char *p = realloc(s, n + 1);
        if (p)
            s = p;
    }
    return bib_record_set_text_owned(rec, var, s);
}

/* One member: key token ki, value token ki + 1. */
/* The slot of name s[0..n) (n <= CJ_NAME_MAX) in a direct-mapped table of
 * `slots` entries, by its length and three of its bytes. */
static cj_name_slot *name_slot(cj_name_slot *tab, size_t slots, const char *s, size_t n)
{
    size_t h = n * 31u + (unsigned char)s[0] + 7u * (unsigned char)s[n - 1] +
               3u * (unsigned char)s[n / 2];
    return &tab[h & (slots - 1)];
}

/* a[0..n) equals b[0..n), for 1 <= n <= CJ_NAME_MAX, by at most four
 * loads a side (overlapping; no byte past n read) instead of a memcmp
 * call: the hit test of every member key. */
static inline bool same_short(const char *a, const char *b, size_t n)
{
    uint64_t x, y;
    if (n >= 8) {
        for (size_t i = 0; i + 8 < n; i += 8) {
            memcpy(&x, a + i, 8);
            memcpy(&y, b + i, 8);
            if (x != y)
                return false;
        }
        memcpy(&x, a + n - 8, 8);
        memcpy(&y, b + n - 8, 8);
        return x == y;
    }
    if (n >= 4) {
        uint64_t x2, y2;
        bib_short_load(a, n, &x, &x2);
        bib_short_load(b, n, &y, &y2);
        return x == y && x2 == y2;
    }
    /* 1 to 3 bytes: these three positions cover them all */
    return a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1];
}

/* The variable of member key k[0..n) as bib_var_from_name gives it, and
 * whether k is its CSL spelling (only then is it read directly), with the
 * variable's kind in *kind. The answer is kept per reader (cr->keys): -j
 * workers each have theirs. */
static bib_var key_lookup(cj_reader *cr, const char *k, size_t n, bool *exact, bib_kind *kind)
{
    cj_name_slot *sl = NULL;
    if (n && n <= CJ_NAME_MAX) {
        sl = name_slot(cr->keys, CJ_KEY_SLOTS, k, n);
        if (sl->len == n && same_short(sl->name, k, n)) {
            *exact = sl->exact;
            *kind = (bib_kind)sl->kind;
            return (bib_var)sl->value;
        }
    }
    /* k need not end in a NUL (read_member passes a short key's bytes in
     * the input): the slot's copy is compared */
    char z[CJ_NAME_MAX + 1];
    if (sl) {
        memcpy(z, k, n);
        z[n] = '\0';
        k = z;
    }
    bib_var var = bib_var_from_name(k, n);
    *exact = var && strcmp(bib_var_name(var), k) == 0;
    *kind = var ? bib_var_kind(var) : (bib_kind)0;
    if (sl) {
        sl->len = (unsigned char)n;
        memcpy(sl->name, k, n + 1);
        sl->value = (int)var;
        sl->exact = *exact;
        sl->kind = (int)*kind;
    }
    return var;
}

/* The type of type name s[0..n) when s is its CSL spelling, else
 * BIB_TYPE_UNKNOWN; kept per reader as key_lookup does. */
static bib_type type_lookup(cj_reader *cr, const char *s, size_t n)
{
    cj_name_slot *sl = NULL;
    if (n && n <= CJ_NAME_MAX && !memchr(s, '\0', n)) {
        sl = name_slot(cr->types, CJ_TYPE_SLOTS, s, n);
        if (sl->len == n && memcmp(sl->name, s, n) == 0)
            return sl->exact ? (bib_type)sl->value : BIB_TYPE_UNKNOWN;
    }
    bib_type ty = bib_type_from_name(s, n);
    bool exact = ty && strcmp(s, bib_type_name(ty)) == 0;
    if (sl) {
        sl->len = (unsigned char)n;
        memcpy(sl->name, s, n);
        sl->name[n] = '\0';
        sl->value = (int)ty;
        sl->exact = exact;
    }
    return exact ? ty : BIB_TYPE_UNKNOWN;
}

static int read_member(cj_reader *cr, const char *d, bib_record *rec, size_t ki,
                       const bib_cslitem_ctx *ctx)
{
    /* a short key without escapes (most keys) is compared and looked up
     * where it is in the input, not NUL-terminated: copied out (str_of)
     * only for the three paths below that take a C string */
    const cj_tok *kt = &cr->toks.v[ki];
    size_t klen = kt->end - kt->start - 2, vi = ki + 1;
    bool raw = !kt->esc && klen >= 1 && klen <= CJ_NAME_MAX;
    const char *k = raw ? d + kt->start + 1 : str_of(cr, d, ki, &klen, NULL);
    if (!k)
        return BIB_ENOMEM;
    const cj_tok *t = &cr->toks.v[vi];
    /* klen is the key's length (the tokenizer refuses \u0000 in a key) */
    if (klen == 2 && memcmp(k, "id", 2) == 0) {
        if (t->type == CJ_STR) {
            size_t n;
            const char *s = str_of(cr, d, vi, &n, rec);
            if (!s)
                return BIB_ENOMEM;
            /* the writer keys the record by it: its slots arrive while the
             * other members are read (the id comes first, usually) */
            if (cr->rd)
                bib_reader_prefetch_key(cr->rd, s, n);
            return bib_record_set_id(rec, s);
        }
    } else if (klen == 4 && memcmp(k, "type", 4) == 0) {
        if (t->type == CJ_STR) {
            size_t n;
            const char *s = str_of(cr, d, vi, &n, rec);
            if (!s)
                return BIB_ENOMEM;
            bib_type ty = type_lookup(cr, s, n);
            if (ty) {
                bib_record_set_type(rec, ty);
                return 0;
            }
        }
    } else if (!(klen == 6 && memcmp(k, "custom", 6) == 0)) {
        bool exact;
        bib_kind kind;
        bib_var var = key_lookup(cr, k, klen, &exact, &kind);
        if (var && exact && !(cr->by_jansson && bib_record_has(rec, var))) {
            if (t->type == CJ_STR && var != BIB_VAR_KEYWORD && var != BIB_VAR_CATEGORIES &&
                (kind == BIB_KIND_TEXT || kind == BIB_KIND_RICH || kind == BIB_KIND_NUMBER)) {
                if (is_big(t))
                    return own_text(d, rec, var, t);
                /* the record copies the text: one without escapes is
                 * its bytes in the input, not decoded into a copy first */
                size_t n = t->end - t->start - 2;
                const char *s = t->esc ? str_of(cr, d, vi, &n, rec) : d + t->start + 1;
                int rc = s ? bib_record_set_text(rec, var, s, n) : BIB_ENOMEM;
                /* the respelling needs a '<' (record.c's small-caps alias) */
                if (rc || kind != BIB_KIND_RICH || !memchr(s, '<', n) ||
                    strlen(bib_record_text(rec, var)) == n)
                    return rc;
                /* the setter respelled it (record.h's small-caps alias): the
                 * jansson path keeps the source's spelling */
                bib_record_remove(rec, var);
            }
            if (kind == BIB_KIND_NAMES && t->type == CJ_ARR && plain_names(cr, d, vi))
                return read_names(cr, d, rec, var, vi);
            bib_date dt;
            bool spelled;
            if (kind == BIB_KIND_DATE && plain_date(cr, d, vi, &dt, &spelled)) {
                int rc = bib_record_set_date(rec, var, &dt);
                if (rc || !spelled)
                    return rc;
                k = raw ? str_of(cr, d, ki, NULL, NULL) : k;
                return k ? raw_date(cr, d, rec, k, vi) : BIB_ENOMEM;
            }
        } else if (!var && t->type == CJ_STR && !t->esc) {
            /* a key outside CSL: the jansson path keeps json_dumps of the
             * value, which for a string without escapes is its quoted
             * source (the tokenizer let no byte through that jansson
             * would escape); a huge one is then held twice, not four
             * times */
            k = raw ? str_of(cr, d, ki, NULL, NULL) : k;
            return k ? bib_record_add_extra(rec, CSLITEM_FMT, k, d + t->start, t->end - t->start)
                     : BIB_ENOMEM;
        }
    }
    k = raw ? str_of(cr, d, ki, NULL, NULL) : k;
    cr->by_jansson = true;
    return k ? member_by_jansson(cr, d, rec, k, vi, ctx) : BIB_ENOMEM;
}

/* Every number the tokenizer left to jansson (CJ_NUM: a real, a long
 * integer) is one jansson reads alone, as it would inside the item: then
 * the member holding it goes through member_by_jansson like any other.
 * One it refuses (an overflow) makes the whole item fall back before any
 * member is read, so that jansson words the error and nothing was said.
 * Returns 0, CJ_FALLBACK or BIB_ENOMEM. */
static int nums_read(const cj_reader *cr, const char *d)
{
    for (size_t i = 0, seen = 0; seen < cr->toks.nums && i < cr->toks.n; i++) {
        const cj_tok *t = &cr->toks.v[i];
        if (t->type != CJ_NUM)
            continue;
        seen++;
        json_error_t err;
        json_t *j = bib_cslitem_loadb(d + t->start, t->end - t->start, JSON_DECODE_ANY, &err, NULL);
        if (!j)
            return json_error_code(&err) == json_error_out_of_memory ? BIB_ENOMEM : CJ_FALLBACK;
        json_decref(j);
    }
    return 0;
}

/* The top object has members, none of them "id" or "type", and every
 * value is an object: the shape csljson.c reads as an object of items. */
static bool items_object(const cj_reader *cr, const char *d)
{
    const cj_tok *v = cr->toks.v;
    if (v[0].count == 0)
        return false;
    for (size_t k = 1; k < v[0].next; k = v[k + 1].next)
        if (v[k + 1].type != CJ_OBJ || str_is(cr, d, k, "id") || str_is(cr, d, k, "type"))
            return false;
    return true;
}

int cj_read_item(cj_reader *cr, const char *d, size_t len, const bib_cslitem_ctx *ctx,
                 bib_record **out)
{
    *out = NULL;
    int rc = cj_tokenize(&cr->toks, d, len);
    if (rc == CJ_REFUSED && cr->toks.nums)
        return CJ_FALLBACK; /* a number before it may be jansson's first error */
    if (rc)
        return rc;
    return cj_read_tokens(cr, d, len, ctx, out);
}

int cj_read_tokens(cj_reader *cr, const char *d, size_t len, const bib_cslitem_ctx *ctx,
                   bib_record **out)
{
    *out = NULL;
    int rc = 0;
    const cj_tok *top = &cr->toks.v[0];
    if (top->type != CJ_OBJ)
        return CJ_FALLBACK; /* jansson words the error */
    if (cr->whole_input && items_object(cr, d))
        return CJ_FALLBACK;
    if (cr->toks.nums && (rc = nums_read(cr, d)))
        return rc;
    /* every decoded string fits in the bytes of its quoted source; a big
     * one goes elsewhere (str_of), so a big item counts only its small
     * strings (a pass over the tokens is cheaper than an unused copy) */
    size_t need = len + 1;
    if (len >= CJ_BIG) {
        need = 1;
        for (size_t i = 0; i < cr->toks.n; i++) {
            const cj_tok *k = &cr->toks.v[i];
            if (k->type == CJ_STR && !is_big(k))
                need += k->end - k->start - 1;
        }
    }
    if (need > cr->cap) {
        char *p = realloc(cr->text, need);
        if (!p)
            return BIB_ENOMEM;
        cr->text = p;
        cr->cap = need;
    }
    cr->used = 0;
    cr->by_jansson = false;
    bib_record *rec = bib_record_new(BIB_TYPE_UNKNOWN, NULL);
    if (!rec)
        return BIB_ENOMEM;
    size_t next = top->next;
    for (size_t k = 1; k < next && !rc; k = cr->toks.v[k + 1].next)
        rc = read_member(cr, d, rec, k, ctx);
    free_blocks(cr); /* the record copied what it keeps of them */
    if (rc) {
        bib_record_free(rec);
        return rc < 0 ? rc : BIB_EINVAL;
    }
    *out = rec;
    return 0;
}
