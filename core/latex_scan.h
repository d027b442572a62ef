/* SPDX-License-Identifier: MIT */
/*
 * latex_scan.h - latex.c's scans for the bytes that matter, sixteen at a
 * time where SSE2 is there (every x86-64): text is mostly plain, and a
 * byte loop over it was a tenth of BibTeX -> CSL-JSON; and its short
 * appends (latex_put, put_punct). Static inline, so they cost no call; a
 * header of its own because latex.c is at the project's size limit.
 */
#ifndef BIBCONV_LATEX_SCAN_H
#define BIBCONV_LATEX_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bibconv/buf.h"
#include "bibconv/short_copy.h"
#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
#endif

/* A dash, a TeX quote's backquote or apostrophe means something to LaTeX
 * text only doubled ("--", "``", "''"): a lone one is copied as it is
 * (read_punct), so a scan for what must be converted passes it. 1: a
 * character that always needs converting; 2: one that does when the next
 * byte is the same. The LATEX recipe's one-scan plain test, which the
 * BibTeX reader's values take, repeats this set (plain_class,
 * core/record_decode.c): change both, test bibtex-plain-scan checks they
 * agree. */
static const unsigned char latex_char_class[256] = {
    ['\\'] = 1, ['{'] = 1, ['}'] = 1, ['~'] = 1, ['$'] = 1, ['-'] = 2, ['`'] = 2, ['\''] = 2,
};

/* From s[i], the index of the first byte before `end` that the conversion
 * does not copy as it is: a character of latex_char_class 1, or the first
 * of a doubled one of class 2 (its pair inside s[i..end)); or `end`.
 * Hyphens and apostrophes are common in abstracts and titles; stopping at
 * each sent most long values through the whole conversion. */
static inline size_t latex_find_convert(const char *s, size_t i, size_t end)
{
#if defined(__x86_64__) && defined(__SSE2__)
    while (end - i >= 17) { /* the pair test reads one byte past the block */
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 1));
        /* '{', '}' and '~' by one signed compare: 0x7B..0x7F, which lets
         * '|' and DEL through too (passed over below); UTF-8 bytes are
         * negative */
        __m128i hard = _mm_or_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('z')),
                                    _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\\')),
                                                 _mm_cmpeq_epi8(x, _mm_set1_epi8('$'))));
        __m128i soft = _mm_and_si128(
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('-')),
                                      _mm_cmpeq_epi8(x, _mm_set1_epi8('`'))),
                         _mm_cmpeq_epi8(x, _mm_set1_epi8('\''))),
            _mm_cmpeq_epi8(x, y));
        for (unsigned bits = (unsigned)_mm_movemask_epi8(_mm_or_si128(hard, soft)); bits;
             bits &= bits - 1) {
            size_t k = i + (size_t)__builtin_ctz(bits);
            if (s[k] != '|' && s[k] != 0x7F)
                return k;
        }
        i += 16;
    }
#endif
    const unsigned char *u = (const unsigned char *)s;
    for (;;) {
        while (i + 4 <= end && !(latex_char_class[u[i]] | latex_char_class[u[i + 1]] |
                                 latex_char_class[u[i + 2]] | latex_char_class[u[i + 3]]))
            i += 4;
        while (i < end && !latex_char_class[u[i]])
            i++;
        if (i >= end || latex_char_class[u[i]] == 1 || (i + 1 < end && u[i + 1] == u[i]))
            return i;
        i++; /* a lone one */
    }
}

/* The same for the brace table's scan: '\\', '{', '}' and '<' (a '<' is
 * stopped at even when the table does not want it: the caller passes it
 * by). */
static inline size_t latex_skip_braces16(const char *s, size_t i, size_t end)
{
#if defined(__x86_64__) && defined(__SSE2__)
    while (i < end && end - i >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\\')),
                                              _mm_cmpeq_epi8(x, _mm_set1_epi8('{'))),
                                 _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('}')),
                                              _mm_cmpeq_epi8(x, _mm_set1_epi8('<'))));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (bits)
            return i + (size_t)__builtin_ctz(bits);
        i += 16;
    }
#else
    (void)s;
    (void)end;
#endif
    return i;
}

/* A literal and its length, and a literal appended without strlen:
 * dashes, quotes and tags are written for most values that hold any. */
typedef struct latex_lit {
    const char *s;
    size_t len;
} latex_lit;
#define LATEX_PUT_LIT(out, lit) latex_put((out), (lit), sizeof(lit) - 1)

/* bib_buf_append_fast for the short runs, groups and tags the conversion
 * writes (most under 32 bytes): bib_short_copy, no memcpy call (a call
 * was a tenth of a title's conversion). */
static inline void latex_put(bib_buf *out, const char *s, size_t n)
{
    if (n > 32 || out->len + n >= out->cap) {
        bib_buf_append_fast(out, s, n);
        return;
    }
    bib_short_copy(out->data + out->len, s, n);
    out->len += n;
    out->data[out->len] = '\0';
}

/* Dashes, TeX quotes and ties at s[i] (s[..end)) into out: the index
 * after them. */
/* (out of line: two callers, and rare against the plain runs) */
static __attribute__((noinline, unused)) size_t put_punct(bib_buf *out, const char *s, size_t i,
                                                          size_t end)
{
    char c = s[i];
    if (c == '~') {
        LATEX_PUT_LIT(out, "\xC2\xA0");
        return i + 1;
    }
    if (c == '-' && i + 2 < end && s[i + 1] == '-' && s[i + 2] == '-') {
        LATEX_PUT_LIT(out, "\xE2\x80\x94");
        return i + 3;
    }
    if (c == '-' && i + 1 < end && s[i + 1] == '-') {
        LATEX_PUT_LIT(out, "\xE2\x80\x93");
        return i + 2;
    }
    if (c == '`' && i + 1 < end && s[i + 1] == '`') {
        LATEX_PUT_LIT(out, "\xE2\x80\x9C");
        return i + 2;
    }
    if (c == '\'' && i + 1 < end && s[i + 1] == '\'') {
        LATEX_PUT_LIT(out, "\xE2\x80\x9D");
        return i + 2;
    }
    bib_buf_putc_fast(out, c); /* a lone quote stays: O'Brien */
    return i + 1;
}

#endif /* BIBCONV_LATEX_SCAN_H */
