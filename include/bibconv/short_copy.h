/* SPDX-License-Identifier: MIT */
/*
 * short_copy.h - the copy of a short run of bytes without a memcpy call,
 * for the values, names, keys and tags of a record (most under 32 bytes),
 * where a call costs more than the copy: two fixed-size moves that
 * overlap, the first and the last bytes of the run, which read and write
 * nothing outside it. Its two halves, the load and the store, serve the
 * scans that test the same words they copy or compare.
 *
 * Private to bibconv and its modules: not installed (include/bibconv/
 * meson.build leaves it out of the public headers).
 *
 * Not for: long runs (memcpy; bib_short_copy calls it past 32 bytes).
 */
#ifndef BIBCONV_SHORT_COPY_H
#define BIBCONV_SHORT_COPY_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
#endif

/* s[0..n), 4 <= n <= 16, as two words that overlap: *lo its first eight
 * bytes and *hi its last eight, or for n < 8 its first four and last four
 * (in the low half of each). Memory order, as memcpy gives it. */
static inline __attribute__((always_inline)) void bib_short_load(const char *s, size_t n, uint64_t *lo, uint64_t *hi)
{
    if (n >= 8) {
        memcpy(lo, s, 8);
        memcpy(hi, s + n - 8, 8);
    } else {
        uint32_t a, b;
        memcpy(&a, s, 4);
        memcpy(&b, s + n - 4, 4);
        *lo = a;
        *hi = b;
    }
}

/* The inverse: d[0..n) from the two words bib_short_load gave for n. */
static inline __attribute__((always_inline)) void bib_short_store(char *d, size_t n, uint64_t lo, uint64_t hi)
{
    if (n >= 8) {
        memcpy(d, &lo, 8);
        memcpy(d + n - 8, &hi, 8);
    } else {
        uint32_t a = (uint32_t)lo, b = (uint32_t)hi;
        memcpy(d, &a, 4);
        memcpy(d + n - 4, &b, 4);
    }
}

/* d[0..n) = s[0..n) (no overlap between them): up to 32 bytes in line,
 * two sixteen-byte moves from 16 bytes, the two words of bib_short_load
 * from 4, a byte loop below; memcpy past 32. */
static inline __attribute__((always_inline)) void bib_short_copy(char *d, const char *s, size_t n)
{
    if (n > 32) {
        memcpy(d, s, n);
    } else if (n >= 16) {
#if defined(__x86_64__) && defined(__SSE2__)
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)s);
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(s + n - 16));
        _mm_storeu_si128((__m128i *)(void *)d, a);
        _mm_storeu_si128((__m128i *)(void *)(d + n - 16), b);
#else
        unsigned char a[16], b[16];
        memcpy(a, s, 16);
        memcpy(b, s + n - 16, 16);
        memcpy(d, a, 16);
        memcpy(d + n - 16, b, 16);
#endif
    } else if (n >= 4) {
        uint64_t lo, hi;
        bib_short_load(s, n, &lo, &hi);
        bib_short_store(d, n, lo, hi);
    } else {
        for (size_t i = 0; i < n; i++)
            d[i] = s[i];
    }
}

#endif
