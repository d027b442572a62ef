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
#include "bibconv/short_copy.h"

/* The JSON text emitter of bib_cslitem_write: jansson's dump layout. */
typedef struct jw {
    bib_buf *out;
    bool pretty;
    int level;        /* current depth (>= 0), counting the caller's base level */
    size_t nl;        /* a newline's length with its indentation; 0 when compact */
    bib_output *sink; /* when set, long text goes straight there (jw_text) */
    size_t step;      /* what a level adds to nl: 2, 0 when compact */
} jw;

/* An emitter writing into out at depth level (< 0 taken as 0). */
static inline jw jw_init(bib_buf *out, bib_output *sink, bool pretty, int level)
{
    jw w = {out, pretty, level > 0 ? level : 0, 0, sink, pretty ? 2 : 0};
    w.nl = pretty ? 1 + 2 * (size_t)w.level : 0;
    return w;
}

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

/* jw_key's general way: key (n bytes), any text, escaped as needed. */
void jw_key_any(jw *w, const char *key, size_t n);

/* A JSON integer as jansson writes it. */
void jw_int(jw *w, long long v);

/* Each CSL variable's key as written, `"name": `, in a padded row so that
 * it goes out in one fixed-size copy; built once by jw_keys_build (under
 * cslitem_write's pthread_once: the -j workers share them). A length of 0: a name too
 * long for the row, written by jw_key_plain. */
enum { JW_KEY_COPY = 32 };
extern char jw_keys[BIB_VAR_COUNT][JW_KEY_COPY];
extern unsigned char jw_key_len[BIB_VAR_COUNT];
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

/* A newline at w's depth; no '\0' after it (a newline is always followed
 * by more text, which ends the buffer with one). w->nl, its length, is
 * kept with the level (jw_open, jw_close), as a newline is written far
 * more often than the depth changes. */
static inline void jw_newline(jw *w)
{
    size_t k = w->nl;
    bib_buf *b = w->out;
    if (k <= 32 && b->len + 32 < b->cap) {
        /* the usual depth: one fixed-size copy, no call; compact (k 0)
         * moves nothing, which costs less than a test */
        memcpy(b->data + b->len, jw_nl, 32);
        b->len += k;
        return;
    }
    if (k)
        jw_newline_slow(w);
}

/* Whether any of the eight bytes of x needs escaping: below 0x20, '"'
 * or '\\' (the has-less-than / has-zero-byte bit tricks, exact for "any";
 * byte order does not matter). */
static inline bool jw_hit64(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
    return (((x - ones * 0x20) & ~x) | ((q - ones) & ~q) | ((b - ones) & ~b)) & high;
}

#if defined(__x86_64__) && defined(__SSE2__)
/* The bytes of x that need escaping (below 0x20, '"', '\\'), a bit each,
 * the first byte lowest. */
static inline unsigned jw_hits16(__m128i x)
{
    const __m128i lim = _mm_set1_epi8(0x1F), quote = _mm_set1_epi8('"'),
                  bs = _mm_set1_epi8('\\');
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(
        _mm_cmpeq_epi8(_mm_min_epu8(x, lim), x),
        _mm_or_si128(_mm_cmpeq_epi8(x, quote), _mm_cmpeq_epi8(x, bs))));
}
#endif

/* s[0..n), 1 <= n <= 16, quoted at d ('"', the bytes, '"'; d has room for
 * 18) when no byte needs escaping: true. The bytes go as two overlapping
 * words (eight or four bytes; below four, the first, middle and last
 * byte, which are all of them), tested at once, no loop. False when a
 * byte needs escaping: what was stored at d counts for nothing then. */
static inline bool jw_quote16(char *d, const char *s, size_t n)
{
    uint64_t lo, hi;
    if (n >= 8) {
        bib_short_load(s, n, &lo, &hi);
        bib_short_store(d + 1, n, lo, hi);
    } else if (n >= 4) {
        bib_short_load(s, n, &lo, &hi);
        bib_short_store(d + 1, n, lo, hi);
        lo = hi = lo | hi << 32;
    } else {
        uint64_t f = (unsigned char)s[0], m = (unsigned char)s[n / 2],
                 l = (unsigned char)s[n - 1];
        d[1] = (char)f;
        d[1 + n / 2] = (char)m;
        d[n] = (char)l;
        lo = hi = (f | m << 8 | l << 16 | f << 24) * 0x100000001ull;
    }
#if defined(__x86_64__) && defined(__SSE2__)
    if (jw_hits16(_mm_set_epi64x((long long)hi, (long long)lo)))
        return false;
#else
    if (jw_hit64(lo) || jw_hit64(hi))
        return false;
#endif
    d[0] = '"';
    d[n + 1] = '"';
    return true;
}

/* A string of 1 to 16 bytes that needs no escaping, quoted into b (most
 * names, ids, types and custom keys are this short). False, and nothing
 * counted, when a byte needs escaping or b lacks room. */
static inline bool jw_string_short(bib_buf *b, const char *s, size_t n)
{
    if (b->len + 20 >= b->cap || !jw_quote16(b->data + b->len, s, n))
        return false;
    b->data[b->len + n + 2] = '\0';
    b->len += n + 2;
    return true;
}

/* The rest of a string whose opening quote and first i bytes (none to
 * escape) are in w's buffer: s[i..n) escaped, then the closing quote. */
void jw_string_rest(jw *w, const char *s, size_t n, size_t i);

#if defined(__x86_64__) && defined(__SSE2__)
/* A string of 17 to JW_MID bytes (titles, journals, publishers, notes),
 * quoted into w's buffer: sixteen bytes stored as they are tested, the
 * last ones in one block that ends the string; from the first block with
 * a byte to escape on, jw_string_rest. False, and nothing counted, when
 * the buffer lacks room. */
enum { JW_MID = 512 };
static inline bool jw_string_mid(jw *w, const char *s, size_t n)
{
    bib_buf *b = w->out;
    if (b->len + n + 20 >= b->cap)
        return false;
    char *d = b->data + b->len + 1;
    d[-1] = '"';
    size_t i = 0;
    for (; i + 16 < n; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        _mm_storeu_si128((__m128i *)(void *)(d + i), x);
        if (jw_hits16(x))
            goto rest;
    }
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));
    _mm_storeu_si128((__m128i *)(void *)(d + n - 16), x);
    if (jw_hits16(x))
        goto rest;
    d[n] = '"';
    d[n + 1] = '\0';
    b->len += n + 2;
    return true;
rest:
    /* s[0..i) stored as it is: the rest from there */
    b->len += 1 + i;
    jw_string_rest(w, s, n, i);
    return true;
}
#endif

/* jw_string_any with its usual cases in line: most values (names, ids,
 * types, numbers spelled as text) are 1 to 16 bytes, titles and the like
 * a few dozen, and the general function's set-up cost more than their
 * copy */
static inline void jw_string(jw *w, const char *s, size_t n)
{
    if (n - 1 < 16 && jw_string_short(w->out, s, n))
        return;
#if defined(__x86_64__) && defined(__SSE2__)
    if (n > 16 && n <= JW_MID && jw_string_mid(w, s, n))
        return;
#endif
    jw_string_any(w, s, n);
}

/* The two digits of 0..99, in order: "00", "01", ... "99". */
extern const char jw_two[200];

/* Digits of v (0..9999) at d, as the decimal of v; how many. Two at a
 * step from jw_two (a division by 100 where a loop took one by 10 a
 * digit). */
static inline size_t jw_digits(char *d, int v)
{
    if (v >= 100) {
        int h = v / 100, l = v - 100 * h;
        size_t k = 1;
        if (h >= 10) {
            memcpy(d, jw_two + 2 * h, 2);
            k = 2;
        } else {
            d[0] = (char)('0' + h);
        }
        memcpy(d + k, jw_two + 2 * l, 2);
        return k + 2;
    }
    if (v >= 10) {
        memcpy(d, jw_two + 2 * v, 2);
        return 2;
    }
    d[0] = (char)('0' + v);
    return 1;
}

/* Opens an object or array; `first` tracks the separator. */
static inline void jw_open(jw *w, char c, bool *first)
{
    bib_buf_putc_fast(w->out, c);
    w->level++;
    w->nl += w->step;
    *first = true;
}

static inline __attribute__((always_inline)) void jw_close(jw *w, char c, bool first)
{
    w->level--;
    w->nl -= w->step;
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

/* Starts a member (jw_item) and writes key, any text, escaped as needed
 * (a format's name and its keys under custom, a BibTeX field's name
 * most): one of 1 to 16 bytes needing no escape in line. */
static inline void jw_key(jw *w, bool *first, const char *key)
{
    jw_item(w, first);
    size_t n = strlen(key);
    bib_buf *b = w->out;
    if (n - 1 < 16 && b->len + 24 < b->cap && jw_quote16(b->data + b->len, key, n)) {
        char *d = b->data + b->len + n + 2;
        d[0] = ':';
        d[1] = ' '; /* written over when compact */
        d[1 + w->pretty] = '\0';
        b->len += n + 3 + (size_t)w->pretty;
        return;
    }
    jw_key_any(w, key, n);
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
