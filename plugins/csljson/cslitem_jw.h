/* SPDX-License-Identifier: MIT */
/*
 * cslitem_jw.h - the JSON text emitter of bib_cslitem_write (cslitem_write.c):
 * jansson's dump layout written straight into a bib_buf. The steps every
 * member takes are inline here; the rest is in cslitem_jw.c. Only the two
 * cslitem_*.c files of the direct writer include it.
 */
#ifndef BIBCONV_PLUGIN_CSLITEM_JW_H
#define BIBCONV_PLUGIN_CSLITEM_JW_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "bibconv/buf.h"
#include "bibconv/csl.h"
#include "bibconv/io.h"

/* The JSON text emitter of bib_cslitem_write: jansson's dump layout. */
typedef struct jw {
    bib_buf *out;
    bool pretty;
    int level;        /* current depth, counting the caller's base level */
    size_t nl;        /* a newline's length with its indentation; 0 when compact */
    bib_output *sink; /* when set, long text goes straight there (jw_text) */
} jw;

enum { JW_DIRECT = 1 << 16 }; /* text at least this long bypasses the buffer */

/* The emitter's out-of-line steps (cslitem_jw.c). */

/* Appends text; with a sink, a long run is not copied into the buffer:
 * the buffer so far, then the run, go to the sink (a 200 MB value would
 * otherwise be held a second time, escaped, before it is written). */
void jw_text(jw *w, const char *s, size_t n);

/* A newline and the indentation, "\n" and 64 spaces: one copy serves the
 * usual depth, deeper levels loop (jw_newline_slow). */
extern const char jw_nl[66];

/* jw_newline where the fixed-size copy does not serve: a deep level or a
 * full buffer; out of line so that the usual case saves no registers. */
void jw_newline_slow(jw *w);

/* Bytes a JSON string must escape: below 0x20, '"' and '\\' (1). */
extern const unsigned char jw_special[256];

/* A JSON string of any length and content, escaped as jansson's dump
 * escapes it (jw_string takes the usual cases in line). */
void jw_string_any(jw *w, const char *s, size_t n);

/* A key known to need no escaping (CSL's own names): copied as is. */
void jw_key_text(jw *w, const char *key);

/* Starts a member (jw_item) and writes key, any text, escaped as needed. */
void jw_key(jw *w, bool *first, const char *key);

/* A JSON integer as jansson writes it. */
void jw_int(jw *w, long long v);

/* Each CSL variable's key as written, `"name": `, in a padded row so that
 * it goes out in one fixed-size copy; built once by jw_keys_build under
 * jw_keys_once (the -j workers share them). A length of 0: a name too
 * long for the row, written by jw_key_plain. */
enum { JW_KEY_COPY = 32 };
extern char jw_keys[BIB_VAR_COUNT][JW_KEY_COPY];
extern unsigned char jw_key_len[BIB_VAR_COUNT];
extern pthread_once_t jw_keys_once;
void jw_keys_build(void);

/* The same rows with what comes before a member of an item at the usual
 * depth (level 2: an item inside the array), ",\n    \"name\": ", so that
 * the separator, the newline, the indentation and the key are one copy
 * (jw_key_var); the row from its second byte for the first member. */
enum { JW_MEMBER_COPY = 48, JW_MEMBER_LEVEL = 2 };
extern char jw_mkeys[BIB_VAR_COUNT][JW_MEMBER_COPY];

/* The same for the six name parts (cslitem_name_keys), all short enough. */
extern char jw_nkeys[6][JW_KEY_COPY];
extern unsigned char jw_nkey_len[6];

/* w->nl for w's depth: kept with the level (jw_open, jw_close), as a
 * newline is written far more often than the depth changes */
static inline size_t jw_nl_len(const jw *w)
{
    return w->pretty ? 1 + 2 * (size_t)(w->level > 0 ? w->level : 0) : 0;
}

static inline void jw_newline(jw *w)
{
    size_t k = w->nl;
    bib_buf *b = w->out;
    if (k <= 32 && b->len + 32 < b->cap) {
        /* the usual depth: one fixed-size copy, no call; compact (k 0)
         * moves nothing, which costs less than a test */
        memcpy(b->data + b->len, jw_nl, 32);
        b->len += k;
        b->data[b->len] = '\0';
        return;
    }
    if (k)
        jw_newline_slow(w);
}

/* Whether any of the eight (or four) bytes of x needs escaping: below
 * 0x20, '"' or '\\' (the has-less-than / has-zero-byte bit tricks, exact
 * for "any"; byte order does not matter). */
static inline bool jw_hit64(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
    return (((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b)) & high;
}

static inline bool jw_hit32(uint32_t x)
{
    const uint32_t ones = 0x01010101u, high = 0x80808080u;
    uint32_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
    return (((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b)) & high;
}

/* A string of 4 to 16 bytes that needs no escaping, quoted into b by two
 * overlapping loads and stores (most names, ids and types are this
 * short, and below sixteen bytes jw_string's wide step does not serve).
 * False, and nothing written, when a byte needs escaping or b lacks room. */
static inline bool jw_string_short(bib_buf *b, const char *s, size_t n)
{
    if (b->len + 20 >= b->cap)
        return false;
    char *d = b->data + b->len;
    if (n >= 8) {
        uint64_t x, y;
        memcpy(&x, s, 8);
        memcpy(&y, s + n - 8, 8);
        if (jw_hit64(x) || jw_hit64(y))
            return false;
        memcpy(d + 1, &x, 8);
        memcpy(d + 1 + n - 8, &y, 8);
    } else {
        uint32_t x, y;
        memcpy(&x, s, 4);
        memcpy(&y, s + n - 4, 4);
        if (jw_hit32(x) || jw_hit32(y))
            return false;
        memcpy(d + 1, &x, 4);
        memcpy(d + 1 + n - 4, &y, 4);
    }
    d[0] = '"';
    d[n + 1] = '"';
    d[n + 2] = '\0';
    b->len += n + 2;
    return true;
}

#if defined(__x86_64__) && defined(__SSE2__)
/* A string of 17 to JW_MID bytes that needs no escaping (titles,
 * journals, publishers, notes), quoted into b: sixteen bytes stored as
 * they are tested, the last ones in one block that ends the string. False,
 * and nothing counted, when a byte needs escaping or b lacks room: then
 * jw_string_any writes over it. */
enum { JW_MID = 512 };
static inline bool jw_string_mid(bib_buf *b, const char *s, size_t n)
{
    if (b->len + n + 20 >= b->cap)
        return false;
    const __m128i lim = _mm_set1_epi8(0x1F), quote = _mm_set1_epi8('"'),
                  bs = _mm_set1_epi8('\\');
    char *d = b->data + b->len + 1;
    __m128i hit = _mm_setzero_si128();
    size_t i = 0;
    for (; i + 16 < n; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        _mm_storeu_si128((__m128i *)(void *)(d + i), x);
        hit = _mm_or_si128(hit, _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(x, lim), x),
                                             _mm_or_si128(_mm_cmpeq_epi8(x, quote),
                                                          _mm_cmpeq_epi8(x, bs))));
    }
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));
    _mm_storeu_si128((__m128i *)(void *)(d + n - 16), x);
    hit = _mm_or_si128(hit, _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(x, lim), x),
                                         _mm_or_si128(_mm_cmpeq_epi8(x, quote),
                                                      _mm_cmpeq_epi8(x, bs))));
    if (_mm_movemask_epi8(hit))
        return false;
    d[-1] = '"';
    d[n] = '"';
    d[n + 1] = '\0';
    b->len += n + 2;
    return true;
}
#endif

/* jw_string_any with its usual cases in line: most values (names, ids,
 * types, numbers spelled as text) are 4 to 16 bytes, titles and the like
 * a few dozen, and the general function's set-up cost more than their
 * copy */
static inline void jw_string(jw *w, const char *s, size_t n)
{
    if (n >= 4 && n <= 16 && jw_string_short(w->out, s, n))
        return;
#if defined(__x86_64__) && defined(__SSE2__)
    if (n > 16 && n <= JW_MID && jw_string_mid(w->out, s, n))
        return;
#endif
    jw_string_any(w, s, n);
}

/* Opens an object or array; `first` tracks the separator. */
static inline void jw_open(jw *w, char c, bool *first)
{
    bib_buf_putc_fast(w->out, c);
    w->level++;
    w->nl = jw_nl_len(w);
    *first = true;
}

static inline __attribute__((always_inline)) void jw_close(jw *w, char c, bool first)
{
    w->level--;
    w->nl = jw_nl_len(w);
    if (!first)
        jw_newline(w);
    bib_buf_putc_fast(w->out, c);
}

static inline __attribute__((always_inline)) void jw_item(jw *w, bool *first)
{
    if (!*first)
        bib_buf_putc_fast(w->out, ',');
    *first = false;
    jw_newline(w);
}

static inline void jw_key_plain(jw *w, bool *first, const char *key)
{
    jw_item(w, first);
    jw_key_text(w, key);
}

/* Starts a member and writes its key from a padded row (n bytes written
 * as jw_key_plain writes them, padded to JW_KEY_COPY so that one
 * fixed-size copy serves). False when there is no row (n 0) or no room
 * for the copy: the caller writes the key's text (jw_key_text). */
static inline bool jw_key_row(jw *w, bool *first, const char *row, size_t n)
{
    bib_buf *b = w->out;
    jw_item(w, first);
    if (!n || b->len + JW_KEY_COPY >= b->cap)
        return false;
    memcpy(b->data + b->len, row, JW_KEY_COPY);
    b->len += n + w->pretty;
    b->data[b->len] = '\0';
    return true;
}

/* The key of variable v, as jw_key_plain(bib_var_name(v)) writes it
 * (inline: a call's own cost was a fifth of it, once a member) */
static inline __attribute__((always_inline)) void jw_key_var(jw *w, bool *first, bib_var v)
{
    bool known = (unsigned)v < BIB_VAR_COUNT;
    bib_buf *b = w->out;
    if (known && jw_key_len[v] && w->pretty && w->level == JW_MEMBER_LEVEL &&
        b->len + JW_MEMBER_COPY < b->cap) {
        /* the usual depth: what jw_item and jw_key_row write, one copy */
        size_t skip = *first; /* no ',' before the first member */
        memcpy(b->data + b->len, jw_mkeys[v] + skip, JW_MEMBER_COPY - 1);
        b->len += 2 + 2 * JW_MEMBER_LEVEL + jw_key_len[v] + 1 - skip;
        b->data[b->len] = '\0';
        *first = false;
        return;
    }
    if (!jw_key_row(w, first, known ? jw_keys[v] : NULL, known ? jw_key_len[v] : 0))
        jw_key_text(w, bib_var_name(v));
}

#endif /* BIBCONV_PLUGIN_CSLITEM_JW_H */
