/* SPDX-License-Identifier: MIT */
/*
 * lines.c - counting the lines of a buffer fast (lines.h).
 *
 * Not for: lines as an input reads them (io.c), which tracks its position
 * as it goes.
 */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "lines.h"

/* High bit of each zero byte of v, exactly (no carries across bytes). */
static uint64_t zero_bytes(uint64_t v)
{
    const uint64_t low7 = 0x7f7f7f7f7f7f7f7full;
    return ~(((v & low7) + low7) | v | low7);
}

/* How many bytes of a zero_bytes() mask are set: a multiply, since a
 * popcount instruction is not in the baseline x86-64 (a libgcc call). */
static size_t count_bytes(uint64_t m)
{
    return (size_t)(((m >> 7) * 0x0101010101010101ull) >> 56);
}

/* Lines in d[0..n): "\n", "\r\n" and a lone "\r" each end one (io.h),
 * so lines = LFs + CRs - CRLFs, counted eight bytes at a time. */
static size_t count_lines_swar(const char *d, size_t n)
{
    const uint64_t lf = 0x0a0a0a0a0a0a0a0aull, cr = 0x0d0d0d0d0d0d0d0dull;
    size_t lines = 0, i = 0;
    for (; i + 9 <= n; i += 8) {
        uint64_t x, y;
        memcpy(&x, d + i, 8);
        uint64_t zl = zero_bytes(x ^ lf), zc = zero_bytes(x ^ cr);
        lines += count_bytes(zl);
        if (zc) { /* rare: the next bytes, for CR followed by LF */
            memcpy(&y, d + i + 1, 8);
            lines += count_bytes(zc) - count_bytes(zc & zero_bytes(y ^ lf));
        }
    }
    for (; i < n; i++)
        if (d[i] == '\n' || (d[i] == '\r' && (i + 1 == n || d[i + 1] != '\n')))
            lines++;
    return lines;
}

#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>

static size_t sum_bytes(__m128i v)
{
    __m128i s = _mm_sad_epu8(v, _mm_setzero_si128());
    return (size_t)_mm_cvtsi128_si64(s) + (size_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(s, s));
}

/* Lines in the first *done bytes of d[0..n), sixteen bytes a step (SSE2
 * is in every x86-64): LFs, plus with cr the CRs not followed by LF, so
 * CRLF input (RIS as written) stays on this path. Each step also reads
 * the byte after its sixteen, so the last byte is left to the caller. */
static size_t count_lines_sse2(const char *d, size_t n, bool cr, size_t *done)
{
    const __m128i lf = _mm_set1_epi8('\n'), crv = _mm_set1_epi8('\r'), zero = _mm_setzero_si128();
    size_t lines = 0, i = 0;
    while (i + 17 <= n) {
        __m128i acc = zero; /* per byte lane: up to 255 */
        if (cr) {
            __m128i alone = zero;
            for (size_t k = 0; k < 255 && i + 17 <= n; k++, i += 16) {
                __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(d + i));
                __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(d + i + 1));
                acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(x, lf));
                alone = _mm_sub_epi8(alone, _mm_andnot_si128(_mm_cmpeq_epi8(y, lf),
                                                             _mm_cmpeq_epi8(x, crv)));
            }
            lines += sum_bytes(alone);
        } else {
            /* 64 bytes a turn (the loop's own steps were half the
             * count), at most 252 per lane, then up to three chunks */
            for (size_t k = 0; k < 63 && i + 65 <= n; k++, i += 64) {
                const __m128i *x = (const __m128i *)(const void *)(d + i);
                __m128i a = _mm_add_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(x), lf),
                                         _mm_cmpeq_epi8(_mm_loadu_si128(x + 1), lf));
                __m128i b = _mm_add_epi8(_mm_cmpeq_epi8(_mm_loadu_si128(x + 2), lf),
                                         _mm_cmpeq_epi8(_mm_loadu_si128(x + 3), lf));
                acc = _mm_sub_epi8(acc, _mm_add_epi8(a, b));
            }
            for (size_t k = 0; k < 3 && i + 17 <= n; k++, i += 16) {
                __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(d + i));
                acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(x, lf));
            }
        }
        lines += sum_bytes(acc);
    }
    *done = i;
    return lines;
}
#endif

size_t bib__count_lines(const char *d, size_t n)
{
#if defined(__x86_64__) && defined(__SSE2__)
    size_t done;
    /* memchr is several times faster than the count: LF-only input
     * (most) is counted without looking for CRs */
    size_t lines = count_lines_sse2(d, n, memchr(d, '\r', n) != NULL, &done);
    return lines + count_lines_swar(d + done, n - done);
#else
    return count_lines_swar(d, n);
#endif
}
