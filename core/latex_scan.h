/* SPDX-License-Identifier: MIT */
/*
 * latex_scan.h - latex.c's scans for the bytes that matter, sixteen at a
 * time where SSE2 is there (every x86-64): text is mostly plain, and a
 * byte loop over it was a tenth of BibTeX -> CSL-JSON. Static inline, so
 * the scans cost no call; a header of its own because latex.c is at the
 * project's size limit.
 */
#ifndef BIBCONV_LATEX_SCAN_H
#define BIBCONV_LATEX_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
#endif

/* From s[i], past whole blocks of sixteen bytes holding none of the
 * characters with a meaning to LaTeX text (latex.c's special_char):
 * the index of the first such byte, or one with fewer than sixteen bytes
 * left before `end` (the caller's byte loop goes on from there). */
static inline size_t latex_skip_plain16(const char *s, size_t i, size_t end)
{
#if defined(__x86_64__) && defined(__SSE2__)
    while (end - i >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i m = _mm_or_si128(
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\\')),
                                      _mm_cmpeq_epi8(x, _mm_set1_epi8('{'))),
                         _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('}')),
                                      _mm_cmpeq_epi8(x, _mm_set1_epi8('~')))),
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('$')),
                                      _mm_cmpeq_epi8(x, _mm_set1_epi8('-'))),
                         _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('`')),
                                      _mm_cmpeq_epi8(x, _mm_set1_epi8('\'')))));
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

/* The characters with a meaning to LaTeX text (strchr would also match
 * the NUL byte; a table is faster and exact). */
static const bool latex_special_char[256] = {
    ['\\'] = true, ['{'] = true, ['}'] = true, ['~'] = true,
    ['$'] = true, ['-'] = true, ['`'] = true, ['\''] = true,
};

/* From s[i], the index of the first character of latex_special_char
 * before `end`, or `end`. */
static inline size_t latex_find_special(const char *s, size_t i, size_t end)
{
    i = latex_skip_plain16(s, i, end);
    const unsigned char *u = (const unsigned char *)s;
    while (i + 4 <= end && !(latex_special_char[u[i]] | latex_special_char[u[i + 1]] |
                             latex_special_char[u[i + 2]] | latex_special_char[u[i + 3]]))
        i += 4;
    while (i < end && !latex_special_char[u[i]])
        i++;
    return i;
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
#define LATEX_PUT_LIT(out, lit) bib_buf_append_fast((out), (lit), sizeof(lit) - 1)

#endif /* BIBCONV_LATEX_SCAN_H */
