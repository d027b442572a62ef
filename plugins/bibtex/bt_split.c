/* SPDX-License-Identifier: MIT */
/*
 * bt_split.c - where a BibTeX input may be cut for reading with several
 * threads (-j; bib_split_fn in plugin.h): before an '@' that opens a line
 * outside every entry, found by following entries as the reader does
 * ('@' type '{' ... the matching '}'; junk between entries, where braces
 * mean nothing; an '@' on a line that '%' opens is junk; '%' lines between
 * fields are comments). Ties between entries make the input serial:
 * @string (macros for later entries), crossref/xdata fields and @xdata
 * (parents the reader remembers), and entries in parentheses (whose end
 * this scan does not follow through quoted values).
 *
 * Not for: parsing (bt_lexer.c). A wrong guess here can only cost
 * parallelism when it is conservative, so every doubt answers "inside an
 * entry" (no cut) or serial.
 */
#include <stdint.h>
#include <string.h>
#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define BT_AVX2 1
#endif

#include "btfmt.h"

/* Bytes that end a word (ident_char is false): controls, space, DEL and
 * the punctuation the lexer gives a meaning, as two 64-bit sets (bytes
 * 0x00-0x3f, 0x40-0x7f); a byte past ASCII is in a word. */
#define BIT(c) ((uint64_t)1 << ((c) & 63))
static const uint64_t not_ident_lo = (((uint64_t)1 << 33) - 1) /* 0x00-0x20 */ | BIT('"') |
                                     BIT('#') | BIT('%') | BIT('\'') | BIT('(') | BIT(')') |
                                     BIT(',') | BIT('=');
static const uint64_t not_ident_hi = BIT('@') | BIT('{') | BIT('}') | BIT(0x7f);
/* ' ', '\t', '\n', '\r' */
static const uint64_t blank_set = BIT(' ') | BIT('\t') | BIT('\n') | BIT('\r');

static inline bool ident_char(unsigned char c)
{
    return c >= 0x80 || !(((c < 64 ? not_ident_lo : not_ident_hi) >> (c & 63)) & 1);
}

static inline bool blank(unsigned char c)
{
    return c <= ' ' && ((blank_set >> c) & 1);
}

/* True when the word that ends at we (its first byte at lo or after a
 * byte that is not in a word) is lit, of n bytes, in any case. */
static inline bool word_before(const char *lo, const char *we, const char *lit, size_t n)
{
    if ((size_t)(we - lo) < n)
        return false;
    const char *q = we - n;
    return bt_ieq(q, n, lit) && (q == lo || !ident_char((unsigned char)q[-1]));
}

/* True when the first non-blank of the line holding p (after s) is a '%'
 * before p, or p itself when at is true (the lexer's comment_line: a
 * whole-line comment between fields starts at that '%'). */
static bool percent_line(const char *s, const char *p, bool at)
{
    const char *q = p;
    while (q > s && q[-1] != '\n' && q[-1] != '\r')
        q--;
    while (q < p && (*q == ' ' || *q == '\t'))
        q++;
    return (q < p || (at && q == p)) && *q == '%';
}

/* ---- the stops: where the scan must look ------------------------------------
 *
 * The scan looks at '{', '}', '@', '=' and '%' alone (the last two only
 * between the fields of an entry; in a value they mean nothing). They are
 * about one byte in sixteen of a typical input: each block of 64 bytes is
 * classified once into a bit set, and the scan goes from stop to stop by
 * its lowest bit (a fresh vector scan at every stop cost four
 * instructions a byte, and the cutting thread scans all of the input
 * before the first record is written). */

#if defined(__x86_64__) && defined(__SSE2__)
enum { CHUNK = 16 };

/* Bit i: b[i] is a stop, for a chunk of 16 bytes (any chunk that starts
 * before the end: the 16 bytes after the data are readable). '}' and '='
 * differ in one bit (0x40): one comparison finds both. */
static inline uint64_t stop_chunk(const char *b)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)b);
    __m128i m = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('{')),
                             _mm_cmpeq_epi8(x, _mm_set1_epi8('@')));
    m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('%')));
    x = _mm_or_si128(x, _mm_set1_epi8(0x40));
    m = _mm_or_si128(m, _mm_cmpeq_epi8(x, _mm_set1_epi8('}')));
    return (uint64_t)(unsigned)_mm_movemask_epi8(m);
}
#else
enum { CHUNK = 8 };

/* High bit of each byte of v that equals c (exact: no carries). */
static inline uint64_t bytes_eq(uint64_t v, unsigned char c)
{
    const uint64_t low7 = 0x7f7f7f7f7f7f7f7full;
    uint64_t x = v ^ (0x0101010101010101ull * c);
    return ~(((x & low7) + low7) | x | low7);
}

/* Bit i: b[i] is a stop, for a chunk of 8 bytes: the high bits of
 * bytes_eq gathered by one multiplication (the bytes' bits land on
 * distinct places, so nothing carries) where the word holds b[0] lowest,
 * else one at a time. */
static inline uint64_t stop_chunk(const char *b)
{
    uint64_t v;
    memcpy(&v, b, 8);
    v = bytes_eq(v, '{') | bytes_eq(v, '}') | bytes_eq(v, '@') | bytes_eq(v, '=') |
        bytes_eq(v, '%');
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return ((v >> 7) * 0x0102040810204080ull) >> 56;
#else
    uint64_t h = 0;
    for (unsigned i = 0; i < 8; i++) {
        unsigned char c;
        memcpy(&c, (const char *)&v + i, 1);
        h |= (uint64_t)(c >> 7) << i;
    }
    return h;
#endif
}
#endif

/* Bit i: b[i] is a stop, for the block of n bytes at b (n < 64). */
static __attribute__((noinline)) uint64_t tail_stops(const char *b, size_t n)
{
    uint64_t m = 0;
    for (unsigned k = 0; k < n; k += CHUNK) /* at most 15 bytes past the end */
        m |= stop_chunk(b + k) << k;
    return m & (((uint64_t)1 << n) - 1);
}

#ifdef BT_AVX2
#define R8(c) c, c, c, c, c, c, c, c
#define R32(c) R8(c), R8(c), R8(c), R8(c)
/* The bytes block_avx2 compares with, 32 of each: read through a
 * volatile pointer, so that they are operands of the compares in memory
 * (the compiler would otherwise build them in registers for every
 * block). */
static const char avx2_k[5][32] __attribute__((aligned(32))) = {
    {R32('{')}, {R32('@')}, {R32('%')}, {R32(0x40)}, {R32('}')}};
static const void *const volatile avx2_kp = avx2_k;
#undef R32
#undef R8

/* The stops of 64 bytes, 32 a compare (AVX2: about half the
 * instructions of four stop_chunk, with no register copies for the
 * three-operand compares). Used by split_avx2 alone, which bt_split
 * chooses at run time: the build assumes SSE2 alone. */
__attribute__((target("avx2"))) static inline uint64_t block_avx2(const char *b)
{
    const __m256i *k = (const __m256i *)avx2_kp;
    __m256i x = _mm256_loadu_si256((const __m256i *)(const void *)b);
    __m256i y = _mm256_loadu_si256((const __m256i *)(const void *)(b + 32));
    __m256i s = _mm256_or_si256(_mm256_cmpeq_epi8(x, k[0]), _mm256_cmpeq_epi8(x, k[1]));
    __m256i t = _mm256_or_si256(_mm256_cmpeq_epi8(y, k[0]), _mm256_cmpeq_epi8(y, k[1]));
    s = _mm256_or_si256(s, _mm256_cmpeq_epi8(x, k[2]));
    t = _mm256_or_si256(t, _mm256_cmpeq_epi8(y, k[2]));
    s = _mm256_or_si256(s, _mm256_cmpeq_epi8(_mm256_or_si256(x, k[3]), k[4]));
    t = _mm256_or_si256(t, _mm256_cmpeq_epi8(_mm256_or_si256(y, k[3]), k[4]));
    return (uint64_t)(uint32_t)_mm256_movemask_epi8(s) |
           (uint64_t)(uint32_t)_mm256_movemask_epi8(t) << 32;
}
#endif

/* Bit i: b[i] is a stop, for the block of 64 bytes at b; avx2:
 * block_avx2 may be used. */
static inline __attribute__((always_inline)) uint64_t full_stops(const char *b, bool avx2)
{
#ifdef BT_AVX2
    if (avx2)
        return block_avx2(b);
#else
    (void)avx2;
#endif
    uint64_t m = 0;
    for (unsigned k = 0; k < 64; k += CHUNK)
        m |= stop_chunk(b + k) << k;
    return m;
}

/* Bit i: b[i] is a stop, for the block of 64 bytes at b (b < e; none at
 * or past e). */
static inline __attribute__((always_inline)) uint64_t block_stops(const char *b, const char *e,
                                                                   bool avx2)
{
    if ((size_t)(e - b) < 64)
        return tail_stops(b, (size_t)(e - b));
    return full_stops(b, avx2);
}

/* Where the scan is: a block and its stops not yet taken. */
typedef struct cursor {
    const char *base; /* the block's first byte */
    uint64_t all;     /* block_stops(base) */
    uint64_t m;       /* the bits of all not yet taken */
    bool avx2;        /* block_stops may use AVX2 */
} cursor;

/* Makes p (p <= e, not before the block) the place the next stop is
 * looked for from. */
static inline __attribute__((always_inline)) void seek(cursor *c, const char *p, const char *e)
{
    size_t off = (size_t)(p - c->base);
    if (off < 64) {
        c->m = c->all & (~(uint64_t)0 << off);
    } else {
        c->base = p;
        c->all = c->m = p < e ? block_stops(p, e, c->avx2) : 0;
    }
}

/* The next stop, or NULL when there is none before e. */
static inline __attribute__((always_inline)) const char *next_stop(cursor *c, const char *e)
{
    while (!c->m) {
        if ((size_t)(e - c->base) <= 64)
            return NULL;
        c->base += 64;
        c->all = c->m = block_stops(c->base, e, c->avx2);
    }
    const char *q = c->base + (unsigned)__builtin_ctzll(c->m);
    c->m &= c->m - 1;
    return q;
}

/* ---- the scan ---------------------------------------------------------------- */

enum { ENTRY_END, ENTRY_AT, ENTRY_SERIAL, INPUT_END };

/* The field named by the word before the '=' at s (from lo on: where a
 * forward scan of the bytes between two stops would have started a word)
 * is a tie: crossref or xdata. */
static inline bool tie_field(const char *lo, const char *s)
{
    if (s - lo >= 2) { /* "name = " or "name=": the name's last byte */
        unsigned char last = (unsigned char)(s[-1] == ' ' ? s[-2] : s[-1]);
        if (last > ' ' && (last | 0x20) != 'f' && (last | 0x20) != 'a')
            return false;
    }
    const char *w = s;
    while (w > lo && blank((unsigned char)w[-1]))
        w--;
    if (w == lo)
        return false;
    unsigned char last = (unsigned char)(w[-1] | 0x20); /* few names end so */
    return (last == 'f' && word_before(lo, w, "crossref", 8)) ||
           (last == 'a' && word_before(lo, w, "xdata", 5));
}

/* A raw entry (@comment, @preamble): only braces count. */
static int scan_raw(cursor *c, const char *e, const char **pp)
{
    size_t depth = 1;
    seek(c, *pp, e);
    for (const char *q; (q = next_stop(c, e));) {
        if (*q == '{') {
            depth++;
        } else if (*q == '}' && !--depth) {
            *pp = q + 1;
            return ENTRY_END;
        }
    }
    return INPUT_END;
}

/* An '@' inside an entry that is not right after a line end: true when
 * blanks alone are between it and a line start (where the reader's resync
 * may stop). */
static bool indented(const char *d, const char *q)
{
    const char *r = q;
    while (r > d && (r[-1] == ' ' || r[-1] == '\t'))
        r--;
    return r < q && r > d && (r[-1] == '\n' || r[-1] == '\r');
}

/* True when the '{' at q may be in the entry's key, which starts at k
 * after blanks and comments (bt_lexer.c's parse_key runs it to a ',', a
 * blank, '=' or the closing brace): no ',' before it. */
static bool key_brace(const char *k, const char *q)
{
    return !memchr(k, ',', (size_t)(q - k));
}

/* Follows the entry whose '{' is just before *pp to its end: braces nest;
 * at depth 1 (between fields) a word followed by '=' names a field
 * (tie_field), a '%' that opens a line is a comment to its end (the
 * lexer's comment_line: its braces and '@' mean nothing). An '@' right
 * after a line end, in a value or between fields, is where the reader
 * gives the entry up (an unterminated value) and starts again: ENTRY_AT
 * with *pp at it, the outer scan does too. An '@' after blanks at a line
 * start is where the reader's resync may stop instead: serial, to be
 * sure. ENTRY_END: *pp just past the entry. The cursor is in locals here:
 * this loop is where the time goes. */
static inline __attribute__((always_inline)) int scan_entry(const char *d, const char *e, cursor *c,
                                                           const char **pp)
{
    size_t depth = 1;
    bool indented_at = false, first = true;
    const char *lo = *pp, *q, *open = *pp;
    seek(c, lo, e);
    const char *base = c->base;
    uint64_t all = c->all, m = c->m;
    int r = INPUT_END;
    for (;;) {
        while (!m) {
            if ((size_t)(e - base) < 128) { /* the last block, or none */
                if ((size_t)(e - base) <= 64)
                    goto out;
                base += 64;
                all = m = tail_stops(base, (size_t)(e - base));
                continue;
            }
            base += 64;
            all = m = full_stops(base, c->avx2);
        }
        q = base + (unsigned)__builtin_ctzll(m);
        m &= m - 1;
        unsigned char ch = (unsigned char)*q;
        if (__builtin_expect(first, 0)) {
            first = false;
            /* a '{' in the key ("@inproceedings{a{b, crossref = ..."):
             * the reader's key runs to a ',' or a blank and its braces
             * do not nest, so the fields are at another depth than
             * here, a crossref among them unseen: serial, to be sure */
            if (ch == '{' && key_brace(open, q)) {
                r = ENTRY_SERIAL;
                goto out;
            }
        }
        if (ch == '}') {
            lo = q + 1;
            if (!--depth) {
                *pp = lo;
                r = ENTRY_END;
                goto out;
            }
        } else if (ch == '{') {
            depth++;
        } else if (depth > 1 && ch != '@') {
            continue; /* '=' or '%' in a value */
        } else if (ch == '=') {
            if (tie_field(lo, q)) {
                r = ENTRY_SERIAL;
                goto out;
            }
            lo = q + 1;
        } else if (ch == '%') {
            lo = q + 1;
            if (percent_line(d, q, true)) {
                const char *nl = memchr(q, '\n', (size_t)(e - q));
                if (!nl)
                    goto out;
                c->base = base;
                c->all = all;
                seek(c, nl, e);
                base = c->base;
                all = c->all;
                m = c->m;
                lo = nl;
            }
        } else { /* '@' */
            if (q[-1] == '\n') {
                *pp = q;
                r = indented_at ? ENTRY_SERIAL : ENTRY_AT;
                goto out;
            }
            indented_at |= indented(d, q);
            lo = q + 1;
        }
    }
out:
    c->base = base;
    c->all = all;
    c->m = m;
    return r;
}

/* True when the entry type t, of tl bytes, is lit, of n bytes (the first
 * byte tested here: most types differ there). */
static inline bool type_is(const char *t, size_t tl, const char *lit, size_t n)
{
    return tl == n && (t[0] | 0x20) == lit[0] && bt_ieq(t, tl, lit);
}

/* The end of the word at p (p < e): a run of letters, the usual case,
 * found sixteen bytes at a time (SSE2), then the other bytes a word may
 * hold. */
static inline const char *word_end(const char *p, const char *e)
{
#if defined(__x86_64__) && defined(__SSE2__)
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p); /* p < e: readable */
    x = _mm_sub_epi8(_mm_or_si128(x, _mm_set1_epi8(0x20)), _mm_set1_epi8('a'));
    __m128i letter = _mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(25)), x);
    unsigned run = (unsigned)__builtin_ctz((unsigned)_mm_movemask_epi8(letter) ^ 0x1ffffu);
    p += run < (size_t)(e - p) ? run : (size_t)(e - p);
#endif
    while (p < e && ident_char((unsigned char)*p))
        p++;
    return p;
}

/* bt_split, with avx2 a constant in each of its two copies. */
static inline __attribute__((always_inline)) size_t split(const char *d, size_t len, size_t want,
                                                          unsigned *flags, bool avx2)
{
    const char *p = d, *e = d + len;
    if (!len)
        return 0;
    cursor c = {d, 0, 0, avx2};
    c.all = block_stops(d, e, c.avx2);
    while (p < e) {
        /* outside entries: the next '@' */
        const char *a;
        seek(&c, p, e);
        while ((a = next_stop(&c, e)) && *a != '@')
            ;
        if (!a)
            return len;
        bool bol = a == d || a[-1] == '\n' || a[-1] == '\r';
        if (bol && (size_t)(a - d) >= want)
            return (size_t)(a - d);
        p = a + 1;
        if (!bol && percent_line(d, a, false))
            continue;
        while (p < e && blank((unsigned char)*p))
            p++;
        const char *t = p;
        if (p < e)
            p = word_end(p, e);
        size_t tl = (size_t)(p - t);
        while (p < e && blank((unsigned char)*p))
            p++;
        if (!tl || p >= e)
            continue;
        if (*p == '(') {
            *flags |= BIB_SPLIT_SERIAL;
            return len;
        }
        if (*p != '{') {
            if (type_is(t, tl, "comment", 7)) { /* bare @comment: the line */
                const char *nl = memchr(p, '\n', (size_t)(e - p));
                p = nl ? nl : e;
            } else if (*p == '@' && (size_t)(p - d) >= want) {
                /* "@word" then the next entry: the reader's error quotes
                 * that entry's start ("expected '{' or '(', found
                 * '@article{k,'"), which a piece cut there would not see */
                want = (size_t)(p - d) + 1;
            }
            continue;
        }
        if (type_is(t, tl, "string", 6) || type_is(t, tl, "xdata", 5)) {
            *flags |= BIB_SPLIT_SERIAL;
            return len;
        }
        p++;
        int r = type_is(t, tl, "comment", 7) || type_is(t, tl, "preamble", 8)
                    ? scan_raw(&c, e, &p)
                    : scan_entry(d, e, &c, &p);
        if (r == ENTRY_SERIAL) {
            *flags |= BIB_SPLIT_SERIAL;
            return len;
        }
        if (r == INPUT_END)
            return len;
        /* given up at a line-start '@': the outer loop reads it as an
         * entry start, but no cut may fall on it */
        if (r == ENTRY_AT && (size_t)(p - d) >= want)
            want = (size_t)(p - d) + 1;
    }
    return len;
}

#ifdef BT_AVX2
/* split compiled for AVX2 and BMI (every CPU with AVX2 has BMI1): the
 * blocks classified in line, a stop taken by tzcnt and blsr. */
__attribute__((target("avx2,bmi"))) static size_t split_avx2(const char *d, size_t len, size_t want,
                                                        unsigned *flags)
{
    return split(d, len, want, flags, true);
}
#endif

size_t bt_split_plain(const char *d, size_t len, size_t want, unsigned *flags)
{
    return split(d, len, want, flags, false);
}

size_t bt_split(const char *d, size_t len, size_t want, unsigned *flags)
{
#ifdef BT_AVX2
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("bmi"))
        return split_avx2(d, len, want, flags);
#endif
    return split(d, len, want, flags, false);
}
