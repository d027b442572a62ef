/* SPDX-License-Identifier: MIT */
/*
 * names_scan.h - names.c's scans of a name list's bytes, sixteen at a time
 * where SSE2 is there (every x86-64): the byte classes, the split at
 * " and ", and the masks a list's names take their quick way from. Static
 * inline, so they cost no call; a header of its own because names.c is at
 * the project's size limit. Included by names.c only.
 */
#ifndef BIBCONV_NAMES_SCAN_H
#define BIBCONV_NAMES_SCAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
#endif

/* isspace in the C locale, without a call per byte (the name scans look
 * at every byte of every name list) */
static inline bool c_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Bytes the BibTeX name scans stop at (the rest they step over in a tight
 * loop): C-locale white space, braces, '~', ',' and '\\'. */
enum { NC_SPACE = 1, NC_BRACE = 2, NC_OTHER = 4, NC_LATEX = 8 };
static const unsigned char name_stop[256] = {
    ['\t'] = NC_SPACE, ['\n'] = NC_SPACE, ['\v'] = NC_SPACE, ['\f'] = NC_SPACE,
    ['\r'] = NC_SPACE, [' '] = NC_SPACE, ['{'] = NC_BRACE | NC_LATEX,
    ['}'] = NC_BRACE | NC_LATEX, ['~'] = NC_OTHER | NC_LATEX, [','] = NC_OTHER,
    ['\\'] = NC_OTHER | NC_LATEX,
    /* NC_LATEX: bytes that LaTeX decoding or brace removal change */
    ['$'] = NC_LATEX, ['-'] = NC_LATEX, ['`'] = NC_LATEX, ['\''] = NC_LATEX,
};

#if defined(__x86_64__) && defined(__SSE2__)
/* c_space of each byte of x */
static inline __m128i space16(__m128i x)
{
    __m128i t = _mm_sub_epi8(x, _mm_set1_epi8('\t')); /* '\t'..'\r' are 0..4 */
    return _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')),
                        _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8(4)), t));
}
#endif

#if defined(__x86_64__) && defined(__SSE2__)
/* list_next_stop's test of the sixteen places at p (reading p[0..20)): a
 * bit for each brace and each white space byte that starts " and " */
static inline unsigned list_stops16(const char *p)
{
    __m128i low = _mm_set1_epi8(0x20);
    __m128i x0 = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i x1 = _mm_loadu_si128((const __m128i *)(const void *)(p + 1));
    __m128i x2 = _mm_loadu_si128((const __m128i *)(const void *)(p + 2));
    __m128i x3 = _mm_loadu_si128((const __m128i *)(const void *)(p + 3));
    __m128i x4 = _mm_loadu_si128((const __m128i *)(const void *)(p + 4));
    __m128i word = _mm_and_si128(
        _mm_and_si128(_mm_cmpeq_epi8(_mm_or_si128(x1, low), _mm_set1_epi8('a')),
                      _mm_cmpeq_epi8(_mm_or_si128(x2, low), _mm_set1_epi8('n'))),
        _mm_cmpeq_epi8(_mm_or_si128(x3, low), _mm_set1_epi8('d')));
    __m128i and_at = _mm_and_si128(_mm_and_si128(word, space16(x0)), space16(x4));
    __m128i brace = _mm_or_si128(_mm_cmpeq_epi8(x0, _mm_set1_epi8('{')),
                                 _mm_cmpeq_epi8(x0, _mm_set1_epi8('}')));
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(and_at, brace));
}
#endif

/* From s[i], the first byte of a name list that bib_names_add_bibtex must
 * look at: a brace, or a white space byte that starts " and " (any case,
 * any C-locale white space around it, its second space before len); or
 * len. The other white space (most: the names' own) the split passes by;
 * finding only these, sixteen places a step with SSE2, spares a stop at
 * every word. */
static inline size_t list_next_stop(const char *s, size_t i, size_t len)
{
#if defined(__x86_64__) && defined(__SSE2__)
    if (len >= 20) {
        /* a place j < i + 16 has its " and " in s[j..j+4], inside len */
        for (; len - i >= 20; i += 16) {
            unsigned bits = list_stops16(s + i);
            if (bits)
                return i + (size_t)__builtin_ctz(bits);
        }
        /* the places up to len - 5, the last that can start " and ", in
         * one block that overlaps those seen; after them only braces */
        size_t b = len - 20;
        unsigned bits = i - b < 16 ? list_stops16(s + b) >> (i - b) : 0;
        if (bits)
            return i + (size_t)__builtin_ctz(bits);
        for (i = i > len - 4 ? i : len - 4; i < len; i++)
            if (s[i] == '{' || s[i] == '}')
                return i;
        return len;
    }
#endif
    for (; i < len; i++) {
        unsigned char k = name_stop[(unsigned char)s[i]];
        if (k & NC_BRACE)
            return i;
        if ((k & NC_SPACE) && i + 4 < len && (s[i + 1] | 0x20) == 'a' &&
            (s[i + 2] | 0x20) == 'n' && (s[i + 3] | 0x20) == 'd' && c_space(s[i + 4]))
            return i;
    }
    return len;
}

/* The masks of a name list's bytes (bit i: s[i]) that its names' quick
 * way needs, from one pass over the list instead of one per name. */
typedef struct list_masks {
    uint64_t ws, sp, comma; /* C-locale white space, ' ', ',' */
} list_masks;

/* For a list of 16 to 64 bytes with nothing the quick way stops at (no
 * brace, LaTeX, '~', '=', '|', DEL, doubled '-', '`' or '\''): its masks
 * and *and_at, a bit where each " and " starts (white space, "and" in any
 * case, white space, as list_next_stop finds it), sixteen bytes a step;
 * false for any other list. */
#if defined(__x86_64__) && defined(__SSE2__)
/* list_masks_of's masks in the making */
typedef struct lm_acc {
    uint64_t ws, sp, cm, a, n, d;
    __m128i bad;
} lm_acc;

/* The bytes of x (y: each one's next) into the masks at bit i, the
 * first `shift` of them dropped (a block moved back to end at the list's
 * end) */
static inline void lm_block(lm_acc *acc, __m128i x, __m128i y, unsigned shift, size_t i)
{
    __m128i lx = _mm_or_si128(x, _mm_set1_epi8(0x20));
    __m128i soft = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('-')),
                                _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('`')),
                                             _mm_cmpeq_epi8(x, _mm_set1_epi8('\''))));
    acc->bad = _mm_or_si128(
        acc->bad, _mm_or_si128(_mm_and_si128(soft, _mm_cmpeq_epi8(x, y)),
                               _mm_or_si128(_mm_or_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('z')),
                                                         _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
                                            _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('$')),
                                                         _mm_cmpeq_epi8(x, _mm_set1_epi8('='))))));
#define LM_BITS(v) ((uint64_t)((unsigned)_mm_movemask_epi8(v) >> shift) << i)
    acc->ws |= LM_BITS(space16(x));
    acc->sp |= LM_BITS(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')));
    acc->cm |= LM_BITS(_mm_cmpeq_epi8(x, _mm_set1_epi8(',')));
    acc->a |= LM_BITS(_mm_cmpeq_epi8(lx, _mm_set1_epi8('a')));
    acc->n |= LM_BITS(_mm_cmpeq_epi8(lx, _mm_set1_epi8('n')));
    acc->d |= LM_BITS(_mm_cmpeq_epi8(lx, _mm_set1_epi8('d')));
#undef LM_BITS
}
#endif

static inline bool list_masks_of(const char *s, size_t len, list_masks *m, uint64_t *and_at)
{
#if defined(__x86_64__) && defined(__SSE2__)
    if (len > 64 || !len)
        return false;
    lm_acc acc = {0, 0, 0, 0, 0, 0, _mm_setzero_si128()};
    size_t i = 0;
    for (; len - i >= 17; i += 16) /* the pair test reads one byte past the block */
        lm_block(&acc, _mm_loadu_si128((const __m128i *)(const void *)(s + i)),
                 _mm_loadu_si128((const __m128i *)(const void *)(s + i + 1)), 0, i);
    __m128i x;
    unsigned shift = 0;
    if (len >= 16) { /* the rest in the block that ends at len */
        x = _mm_loadu_si128((const __m128i *)(const void *)(s + len - 16));
        shift = (unsigned)(i - (len - 16));
    } else { /* a short list, copied: NULs take no mask */
        char pad[16] = {0};
        memcpy(pad, s, len);
        x = _mm_loadu_si128((const __m128i *)(const void *)pad);
    }
    /* the next byte of each, none for the last */
    lm_block(&acc, x, _mm_srli_si128(x, 1), shift, i);
    if (_mm_movemask_epi8(acc.bad))
        return false;
    *m = (list_masks){acc.ws, acc.sp, acc.cm};
    *and_at = acc.ws & (acc.a >> 1) & (acc.n >> 2) & (acc.d >> 3) & (acc.ws >> 4);
    return true;
#else
    (void)s, (void)len, (void)m, (void)and_at;
    return false;
#endif
}

/* Bits off..off+n of a list mask */
static inline uint64_t bit_range(size_t off, size_t n)
{
    return (n >= 64 ? ~0ull : (1ull << n) - 1) << off;
}

#endif /* BIBCONV_NAMES_SCAN_H */
