/* SPDX-License-Identifier: MIT */
/*
 * bt_source.c - the reader's tests of a field's text before it is kept as
 * the source text of its value, which the writers then write as it is
 * (docs/bibtex.md, "Source text"): its bytes, and a name list's slips.
 * Both run on every kept value: a scan of eight or sixteen bytes a step.
 */
#include <stdint.h>
#include <string.h>
#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "bibconv/short_copy.h"
#include "btfmt.h"

/* True when a field's text may go back out as its source text: no
 * control byte but a line break or a tab (a '\r' would give the output
 * mixed line ends). *ascii: whether it is ASCII (the writers' -O ascii
 * check). Sixteen bytes a step with SSE2, else eight: every kept value
 * is scanned. */
/* bt_source_bytes_ok's test of the sixteen bytes at s: a control byte
 * there but a line break or a tab; *hi collects the bytes' high bits. */
#if defined(__x86_64__) && defined(__SSE2__)
static inline bool ctl_block(const char *s, __m128i *hi)
{
    const __m128i ctl = _mm_set1_epi8(0x1F), nl = _mm_set1_epi8('\n'), tb = _mm_set1_epi8('\t');
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
    *hi = _mm_or_si128(*hi, x);
    __m128i bad = _mm_andnot_si128(_mm_or_si128(_mm_cmpeq_epi8(x, nl), _mm_cmpeq_epi8(x, tb)),
                                   _mm_cmpeq_epi8(_mm_min_epu8(x, ctl), x));
    return _mm_movemask_epi8(bad) != 0;
}
#endif

bool bt_source_bytes_ok(const char *s, size_t n, bool *ascii)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
#if defined(__x86_64__) && defined(__SSE2__)
    if (n >= 16) {
        __m128i hi = _mm_setzero_si128();
        size_t i = 0;
        for (; n - i > 16; i += 16)
            if (ctl_block(s + i, &hi))
                return false;
        /* the last bytes in one block over ones seen */
        if (ctl_block(s + n - 16, &hi))
            return false;
        *ascii = !_mm_movemask_epi8(hi);
        return true;
    }
#endif
    uint64_t hi = 0;
    size_t i = 0;
    if (n >= 4 && n < 8) { /* years, pages, volumes: two four-byte words */
        uint64_t x, y;
        bib_short_load(s, n, &x, &y);
        const uint32_t o = 0x01010101u, h = 0x80808080u;
        uint32_t a = (uint32_t)x, b = (uint32_t)y;
        if (!((((a - o * 0x20) & ~a) | ((b - o * 0x20) & ~b)) & h)) {
            *ascii = !((a | b) & h);
            return true;
        }
    }
    if (n >= 8 && n <= 16) { /* most values: two words that overlap, no loop */
        uint64_t x, y;
        bib_short_load(s, n, &x, &y);
        if (!((((x - ones * 0x20) & ~x) | ((y - ones * 0x20) & ~y)) & high)) {
            *ascii = !((x | y) & high);
            return true;
        }
    }
    for (uint64_t x; n - i >= 8; i += 8) {
        memcpy(&x, s + i, 8);
        hi |= x;
        if ((x - ones * 0x20) & ~x & high) /* a byte below ' ' (flags past it may be false) */
            for (size_t k = i; k < i + 8; k++)
                if ((unsigned char)s[k] < ' ' && s[k] != '\n' && s[k] != '\t')
                    return false;
    }
    for (; i < n; i++) {
        hi |= (unsigned char)s[i];
        if ((unsigned char)s[i] < ' ' && s[i] != '\n' && s[i] != '\t')
            return false;
    }
    *ascii = !(hi & high);
    return true;
}

/* True when the text of a name list has none of the slips BibTeX warns
 * of and the reader forgives without a word: a name with more than two
 * commas at brace level 0, or a comma that starts or ends a name ("May,
 * Keith, and ..."). A list with one goes out as the writer spells its
 * names, which mends it. */
/* names_clean's walk: only the bytes that matter (blanks, commas,
 * braces) are looked at, one at a time; the others only tell, by the gap
 * they leave, that a word went on. */
typedef struct name_walk {
    const char *s;
    size_t prev;      /* the position of the last byte looked at, + 1 */
    unsigned commas;  /* commas at brace level 0 in the name so far */
    int depth;
    bool start, comma; /* at a name's start; a comma is its last byte so far */
    bool bad;
} name_walk;

static inline void name_byte(name_walk *w, size_t j)
{
    const char *s = w->s;
    char ch = s[j];
    if (j > w->prev && !w->depth) /* a word's bytes came between */
        w->start = w->comma = false;
    w->prev = j + 1;
    if (ch == '{' || ch == '}') {
        w->depth += ch == '{' ? 1 : w->depth > 0 ? -1 : 0;
        w->start = w->comma = false;
    } else if (w->depth) {
        return;
    } else if (ch == ',') {
        w->bad |= w->start || ++w->commas > 2;
        w->comma = true;
    } else if ((s[j + 1] | 0x20) == 'a' && (s[j + 2] | 0x20) == 'n' &&
               (s[j + 3] | 0x20) == 'd' &&
               (s[j + 4] == ' ' || s[j + 4] == '\t' || s[j + 4] == '\n')) {
        /* " and " ends a name (the value's NUL, add_field's, ends the look
         * past its last byte) */
        w->bad |= w->comma;
        w->commas = 0;
        w->start = true;
        w->prev = j + 4;
    }
}

bool bt_names_clean(const char *s, size_t n)
{
    if (!memchr(s, ',', n)) /* most lists with no comma at all */
        return true;
    name_walk w = {.s = s, .start = true};
    size_t i = 0;
#if defined(__x86_64__) && defined(__SSE2__)
    const __m128i sp = _mm_set1_epi8(' '), tb = _mm_set1_epi8('\t'), nl = _mm_set1_epi8('\n'),
                  cm = _mm_set1_epi8(','), lb = _mm_set1_epi8('{'), rb = _mm_set1_epi8('}');
    for (; n - i >= 16; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i m = _mm_or_si128(
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, sp), _mm_cmpeq_epi8(x, tb)),
                         _mm_or_si128(_mm_cmpeq_epi8(x, nl), _mm_cmpeq_epi8(x, cm))),
            _mm_or_si128(_mm_cmpeq_epi8(x, lb), _mm_cmpeq_epi8(x, rb)));
        for (unsigned bits = (unsigned)_mm_movemask_epi8(m); bits; bits &= bits - 1) {
            size_t j = i + (size_t)__builtin_ctz(bits);
            if (j >= w.prev) /* not inside an "and" passed over */
                name_byte(&w, j);
        }
    }
#endif
    for (; i < n; i++)
        if (i >= w.prev && strchr(" \t\n,{}", s[i]) && s[i])
            name_byte(&w, i);
    if (n > w.prev && !w.depth) /* the last word */
        w.start = w.comma = false;
    return !w.bad && !w.comma;
}

bool bt_ascii(const char *s, size_t n)
{
    size_t i = 0;
#if defined(__x86_64__) && defined(__SSE2__)
    if (n >= 16) {
        __m128i hi = _mm_setzero_si128();
        for (; n - i >= 16; i += 16)
            hi = _mm_or_si128(hi, _mm_loadu_si128((const __m128i *)(const void *)(s + i)));
        /* the last bytes in one block over ones seen */
        hi = _mm_or_si128(hi, _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16)));
        return !_mm_movemask_epi8(hi);
    }
#endif
    unsigned char hi = 0;
    for (; i < n; i++)
        hi |= (unsigned char)s[i];
    return hi < 0x80;
}

/* The words' test of bt_has_break: nonzero when a byte of x is '\n' or
 * '\r' (a borrow comes only from such a byte, so no false hit). */
static inline uint64_t break_hit(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull;
    uint64_t a = x ^ (ones * '\n'), b = x ^ (ones * '\r');
    return (((a - ones) & ~a) | ((b - ones) & ~b)) & (ones * 0x80);
}

bool bt_has_break(const char *s, size_t n)
{
    size_t i = 0;
#if defined(__x86_64__) && defined(__SSE2__)
    if (n >= 16) {
        const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
        for (;; i += 16) {
            /* the last block overlaps the one before: ends at s[n - 1] */
            const char *p = n - i >= 16 ? s + i : s + n - 16;
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
            if (_mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(x, lf), _mm_cmpeq_epi8(x, cr))))
                return true;
            if (n - i <= 16)
                return false;
        }
    }
#endif
    if (n >= 4) {
        uint64_t x, y;
        for (; n - i > 16; i += 8) {
            memcpy(&x, s + i, 8);
            if (break_hit(x))
                return true;
        }
        /* the rest (4 to 16 bytes) as two words that overlap; the zero
         * bytes above a four-byte word are no line end */
        bib_short_load(s + i, n - i, &x, &y);
        return (break_hit(x) | break_hit(y)) != 0;
    }
    for (; i < n; i++)
        if (s[i] == '\n' || s[i] == '\r')
            return true;
    return false;
}
