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

#include "btfmt.h"

static inline bool ident_char(unsigned char c)
{
    return c > ' ' && c != '{' && c != '}' && c != '(' && c != ')' && c != ',' && c != '=' &&
           c != '"' && c != '#' && c != '%' && c != '\'' && c != '@' && c != 0x7f;
}

static inline bool ieq(const char *a, size_t n, const char *lit)
{
    return strlen(lit) == n && bt_ieq(a, n, lit);
}

/* True when the word that ends at we (its first byte at lo or after a
 * byte that is not in a word) is lit, of n bytes, in any case. The last
 * byte first: few field names end as these two do. */
static inline bool word_before(const char *lo, const char *we, const char *lit, size_t n)
{
    if ((size_t)(we - lo) < n || (we[-1] | 0x20) != lit[n - 1])
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

#if !(defined(__x86_64__) && defined(__SSE2__))
/* High bit of each byte of v that equals c (exact: no carries). */
static uint64_t bytes_eq(uint64_t v, unsigned char c)
{
    const uint64_t low7 = 0x7f7f7f7f7f7f7f7full;
    uint64_t x = v ^ (0x0101010101010101ull * c);
    return ~(((x & low7) + low7) | x | low7);
}
#endif

static inline bool is_stop(unsigned char c, bool fields)
{
    return c == '{' || c == '}' || c == '@' || (fields && (c == '%' || c == '='));
}

/* The first byte of [p, e) that the scan of an entry must look at, or e:
 * '{', '}' and '@'; with fields (between the fields of an entry) also '%'
 * (a comment line) and '=' (after a field name). Values and field lists
 * are most of an input and the cutting thread scans all of it before the
 * first record is written, so sixteen bytes (SSE2) or eight at a time. */
static const char *stop_at(const char *p, const char *e, bool fields)
{
#if defined(__x86_64__) && defined(__SSE2__)
    const __m128i lb = _mm_set1_epi8('{'), rb = _mm_set1_epi8('}'), at = _mm_set1_epi8('@');
    const __m128i pc = _mm_set1_epi8('%'), eq = _mm_set1_epi8('=');
    while (e - p >= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, lb), _mm_cmpeq_epi8(x, rb)),
                                 _mm_cmpeq_epi8(x, at));
        if (fields)
            m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(x, pc), _mm_cmpeq_epi8(x, eq)));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (bits)
            return p + __builtin_ctz(bits);
        p += 16;
    }
#else
    while (e - p >= 8) {
        uint64_t v;
        memcpy(&v, p, 8);
        uint64_t m = bytes_eq(v, '{') | bytes_eq(v, '}') | bytes_eq(v, '@');
        if (fields)
            m |= bytes_eq(v, '%') | bytes_eq(v, '=');
        if (m)
            break; /* the bytes below find it */
        p += 8;
    }
#endif
    while (p < e && !is_stop((unsigned char)*p, fields))
        p++;
    return p;
}

size_t bt_split(const char *d, size_t len, size_t want, unsigned *flags)
{
    const char *p = d, *e = d + len;
    while (p < e) {
        /* outside entries: the next '@' */
        const char *a = memchr(p, '@', (size_t)(e - p));
        if (!a)
            return len;
        bool bol = a == d || a[-1] == '\n' || a[-1] == '\r';
        if (bol && (size_t)(a - d) >= want)
            return (size_t)(a - d);
        p = a + 1;
        if (percent_line(d, a, false))
            continue;
        while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
            p++;
        const char *t = p;
        while (p < e && ident_char((unsigned char)*p))
            p++;
        size_t tl = (size_t)(p - t);
        while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
            p++;
        if (!tl || p >= e)
            continue;
        if (*p == '(') {
            *flags |= BIB_SPLIT_SERIAL;
            return len;
        }
        if (*p != '{') {
            if (ieq(t, tl, "comment")) { /* bare @comment: the line */
                const char *nl = memchr(p, '\n', (size_t)(e - p));
                p = nl ? nl : e;
            }
            continue;
        }
        if (ieq(t, tl, "string") || ieq(t, tl, "xdata")) {
            *flags |= BIB_SPLIT_SERIAL;
            return len;
        }
        bool raw = ieq(t, tl, "comment") || ieq(t, tl, "preamble");
        /* inside the entry: braces nest; at depth 1 (between fields) a
         * word followed by '=' names a field (found from the '=' back,
         * not before `lo`: where a forward scan of the bytes between two
         * stops would have started a word), a '%' line is a comment.
         * An '@' right after a line end, in a value or between fields,
         * is where the reader gives the entry up (an unterminated value)
         * and starts again: the scan does too, without a cut there (the
         * piece before it would end in another error). An '@' after
         * blanks at a line start is where the reader's resync may stop
         * instead: serial, to be sure. */
        size_t depth = 1;
        bool indented_at = false;
        p++;
        while (p < e && depth) {
            /* inside a value or a raw entry only braces and '@' count */
            const char *lo = p;
            p = stop_at(p, e, depth == 1 && !raw);
            if (p == e)
                break;
            unsigned char c = (unsigned char)*p;
            if (c == '{') {
                depth++;
                p++;
            } else if (c == '}') {
                depth--;
                p++;
            } else if (c == '@' && !raw) {
                if (p[-1] == '\n') {
                    if (indented_at) {
                        *flags |= BIB_SPLIT_SERIAL;
                        return len;
                    }
                    break; /* the outer loop takes this '@' again */
                }
                const char *q = p;
                while (q > d && (q[-1] == ' ' || q[-1] == '\t'))
                    q--;
                if (q < p && q > d && (q[-1] == '\n' || q[-1] == '\r'))
                    indented_at = true;
                p++;
            } else if (depth == 1 && !raw && c == '%' && percent_line(d, p, true)) {
                const char *nl = memchr(p, '\n', (size_t)(e - p));
                p = nl ? nl : e;
            } else if (depth == 1 && !raw && c == '=') {
                const char *q = p;
                while (q > lo && (q[-1] == ' ' || q[-1] == '\t' || q[-1] == '\n' || q[-1] == '\r'))
                    q--;
                if (word_before(lo, q, "crossref", 8) || word_before(lo, q, "xdata", 5)) {
                    *flags |= BIB_SPLIT_SERIAL;
                    return len;
                }
                p++;
            } else {
                p++;
            }
        }
        /* given up at a line-start '@': the outer loop reads it as an
         * entry start, but no cut may fall on it */
        if (p < e && *p == '@' && depth && (size_t)(p - d) >= want)
            want = (size_t)(p - d) + 1;
    }
    return len;
}
