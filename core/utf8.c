/* SPDX-License-Identifier: MIT */
/*
 * utf8.c - UTF-8 decoding, encoding, validation and counting, and folding
 * to ASCII and to matching keys (through the generated fold_table.c).
 * NFC covers the Latin, Greek and Cyrillic letters with their combining
 * marks (generated nfc_table.c). Not for: LaTeX (latex.c).
 */
#include <ctype.h>
#include <string.h>

#include "bibconv/utf8.h"
#include "fold_table.h"
#include "nfc_table.h"

int bib_utf8_decode(const char *s, size_t len, uint32_t *cp)
{
    const unsigned char *p = (const unsigned char *)s;
    if (!len)
        return 0;
    unsigned char c = p[0];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    size_t n;
    uint32_t v, min;
    if (c >= 0xC2 && c <= 0xDF) { n = 2; v = c & 0x1F; min = 0x80; }
    else if (c >= 0xE0 && c <= 0xEF) { n = 3; v = c & 0x0F; min = 0x800; }
    else if (c >= 0xF0 && c <= 0xF4) { n = 4; v = c & 0x07; min = 0x10000; }
    else goto bad;
    if (len < n)
        goto bad;
    for (size_t i = 1; i < n; i++) {
        if ((p[i] & 0xC0) != 0x80)
            goto bad;
        v = (v << 6) | (p[i] & 0x3F);
    }
    if (v < min || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        goto bad;
    *cp = v;
    return (int)n;
bad:
    *cp = 0xFFFD;
    return 1;
}

int bib_utf8_encode(uint32_t cp, char out[4])
{
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

bool bib_text_blank(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] > ' ' && s[i] != 0x7F)
            return false;
    return true;
}

bool bib_utf8_valid(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if ((unsigned char)s[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        int n = bib_utf8_decode(s + i, len - i, &cp);
        /* a decoded U+FFFD of length 1 is an error; a real U+FFFD is 3 bytes */
        if (cp == 0xFFFD && n == 1)
            return false;
        i += (size_t)n;
    }
    return true;
}

size_t bib_utf8_length(const char *s, size_t len)
{
    size_t n = 0, i = 0;
    while (i < len) {
        uint32_t cp;
        i += (size_t)bib_utf8_decode(s + i, len - i, &cp);
        n++;
    }
    return n;
}

/* ---- folding ------------------------------------------------------------ */

/* ASCII form of a code point from the generated table, or NULL (private,
 * fold_table.h: the reference tagger reads CJK punctuation through it). */
const char *bib__fold_cp(uint32_t cp)
{
    size_t lo = 0, hi = bib__fold_table_len;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (bib__fold_table[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < bib__fold_table_len && bib__fold_table[lo].cp == cp ? bib__fold_table[lo].ascii
                                                                     : NULL;
}

/* Combining diacritical marks (U+0300-U+036F): dropped when folding, so a
 * decomposed "e" + U+0301 folds like the precomposed "é". */
static bool is_combining(uint32_t cp)
{
    return cp >= 0x300 && cp <= 0x36F;
}

int bib_utf8_ascii_fold(bib_buf *out, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            size_t j = i + 1;
            while (j < len && (unsigned char)s[j] < 0x80)
                j++;
            bib_buf_append(out, s + i, j - i); /* ASCII runs in one copy */
            i = j;
            continue;
        }
        uint32_t cp;
        i += (size_t)bib_utf8_decode(s + i, len - i, &cp);
        const char *a = bib__fold_cp(cp);
        if (a)
            bib_buf_puts(out, a);
        /* anything else (combining marks, other scripts) has no ASCII form */
    }
    return bib_buf_failed(out) ? BIB_ENOMEM : 0;
}

int bib_utf8_match_key(bib_buf *out, const char *s, size_t len)
{
    size_t start = out->len;
    bool space = false;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        i += (size_t)bib_utf8_decode(s + i, len - i, &cp);
        char tmp[4];
        const char *piece;
        size_t plen;
        if (cp < 0x80) {
            tmp[0] = (char)cp;
            piece = tmp;
            plen = 1;
        } else if (is_combining(cp)) {
            continue;
        } else if ((piece = bib__fold_cp(cp))) {
            plen = strlen(piece);
        } else {
            plen = (size_t)bib_utf8_encode(cp, tmp);
            piece = tmp;
            /* other scripts: kept as they are; General Punctuation dropped */
            if (cp >= 0x2000 && cp <= 0x206F) {
                space = true;
                continue;
            }
        }
        for (size_t k = 0; k < plen; k++) {
            unsigned char c = (unsigned char)piece[k];
            if (c < 0x80 && !isalnum(c)) {
                space = true; /* punctuation and spaces separate words */
                continue;
            }
            if (space && out->len > start)
                bib_buf_putc(out, ' ');
            space = false;
            bib_buf_putc(out, c < 0x80 ? (char)tolower(c) : (char)c);
        }
    }
    return bib_buf_failed(out) ? BIB_ENOMEM : 0;
}

/* ---- NFC ---------------------------------------------------------------------- */

static int combining_class(uint32_t cp)
{
    if (cp < 0x300)
        return 0;
    size_t lo = 0, hi = bib__nfc_classes_len;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (bib__nfc_classes[mid].cp < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < bib__nfc_classes_len && bib__nfc_classes[lo].cp == cp ? bib__nfc_classes[lo].ccc
                                                                       : 0;
}

static uint32_t compose_pair(uint32_t a, uint32_t b)
{
    size_t lo = 0, hi = bib__nfc_pairs_len;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const bib_nfc_pair *p = &bib__nfc_pairs[mid];
        if (p->first < a || (p->first == a && p->second < b))
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < bib__nfc_pairs_len && bib__nfc_pairs[lo].first == a &&
                   bib__nfc_pairs[lo].second == b
               ? bib__nfc_pairs[lo].composite
               : 0;
}

static bool decompose_cp(uint32_t cp, uint32_t *a, uint32_t *b)
{
    size_t lo = 0, hi = bib__nfc_pairs_len;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (bib__nfc_pairs[bib__nfc_by_composite[mid]].composite < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo >= bib__nfc_pairs_len)
        return false;
    const bib_nfc_pair *p = &bib__nfc_pairs[bib__nfc_by_composite[lo]];
    if (p->composite != cp)
        return false;
    *a = p->first;
    *b = p->second;
    return true;
}

#define SEG 32

/* Normalises one starter and its combining marks: full decomposition,
 * canonical order, canonical composition. */
static void flush_segment(bib_buf *out, const uint32_t *seg, size_t n)
{
    uint32_t d[SEG * 2];
    size_t m = 0;
    for (size_t i = 0; i < n && m < SEG; i++) {
        /* decompose recursively: the starter may carry marks already */
        uint32_t stack[8], a, b;
        size_t top = 0;
        stack[top++] = seg[i];
        uint32_t tail[8];
        size_t nt = 0;
        while (top) {
            uint32_t c = stack[--top];
            if (decompose_cp(c, &a, &b) && top < 7 && nt < 8) {
                tail[nt++] = b;
                stack[top++] = a;
            } else {
                d[m++] = c;
            }
        }
        while (nt && m < SEG * 2)
            d[m++] = tail[--nt];
    }
    /* canonical ordering of the marks (stable insertion sort by class) */
    for (size_t i = 1; i < m; i++) {
        int ci = combining_class(d[i]);
        if (!ci)
            continue;
        for (size_t j = i; j > 0; j--) {
            int cj = combining_class(d[j - 1]);
            if (cj <= ci || cj == 0)
                break;
            uint32_t t = d[j];
            d[j] = d[j - 1];
            d[j - 1] = t;
        }
    }
    /* composition: a mark joins the starter unless a mark of the same or
     * a higher class stands between them (it is "blocked") */
    uint32_t starter = d[0];
    uint32_t rest[SEG * 2];
    size_t nr = 0;
    int last = 0;
    for (size_t i = 1; i < m; i++) {
        int cc = combining_class(d[i]);
        uint32_t c = (nr == 0 || last < cc) ? compose_pair(starter, d[i]) : 0;
        if (c) {
            starter = c;
        } else {
            rest[nr++] = d[i];
            last = cc;
        }
    }
    bib_buf_put_utf8(out, starter);
    for (size_t i = 0; i < nr; i++)
        bib_buf_put_utf8(out, rest[i]);
}

/* Hangul: conjoining jamo L V (T), as NFD writes every syllable, compose
 * by arithmetic (The Unicode Standard, ch. 3.12), not by the pair table.
 * Returns the bytes of s[i..len) that make one syllable (0 when the L
 * jamo at i is not followed by a V jamo) and the syllable in *syl. */
static size_t hangul_compose(const char *s, size_t len, size_t i, uint32_t *syl)
{
    uint32_t l = 0, v = 0, t = 0;
    size_t kl = (size_t)bib_utf8_decode(s + i, len - i, &l);
    if (l < 0x1100 || l > 0x1112 || i + kl >= len)
        return 0;
    size_t kv = (size_t)bib_utf8_decode(s + i + kl, len - i - kl, &v);
    if (v < 0x1161 || v > 0x1175)
        return 0;
    size_t used = kl + kv;
    uint32_t ti = 0;
    if (i + used < len) {
        size_t kt = (size_t)bib_utf8_decode(s + i + used, len - i - used, &t);
        if (t >= 0x11A8 && t <= 0x11C2) {
            ti = t - 0x11A7;
            used += kt;
        }
    }
    *syl = 0xAC00 + ((l - 0x1100) * 21 + (v - 0x1161)) * 28 + ti;
    return used;
}

int bib_utf8_nfc(bib_buf *out, const char *s, size_t len)
{
    uint32_t seg[SEG];
    size_t n = 0, i = 0, run = 0; /* run: start of bytes not yet written */
    size_t seg_start = 0;
    bool seg_marks = false;
    /* a leading ASCII run is already NFC: stepped over eight bytes at a
     * time, leaving the state the loop below would (its last byte the
     * segment's starter); all ASCII is one copy */
    while (len - i >= 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        if (x & 0x8080808080808080ull)
            break;
        i += 8;
    }
    while (i < len && (unsigned char)s[i] < 0x80)
        i++;
    if (i == len) {
        bib_buf_append(out, s, len);
        return bib_buf_failed(out) ? BIB_ENOMEM : 0;
    }
    if (i) {
        seg_start = i - 1;
        seg[n++] = (unsigned char)s[i - 1];
    }
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0xCC) { /* ASCII and the 2-byte letters: starters, fast */
            if (n && seg_marks) {
                flush_segment(out, seg, n);
                run = i;
            }
            n = 0;
            seg_marks = false;
            if (c >= 0x80) {
                uint32_t cp;
                size_t k = (size_t)bib_utf8_decode(s + i, len - i, &cp);
                if (cp == 0xFFFD && k == 1) { /* an invalid byte: U+FFFD, no segment */
                    bib_buf_append(out, s + run, i - run);
                    bib_buf_puts(out, "\xEF\xBF\xBD");
                    run = ++i;
                    continue;
                }
                seg_start = i;
                seg[n++] = cp;
                i += k;
            } else {
                seg_start = i;
                seg[n++] = c;
                i++;
            }
            continue;
        }
        uint32_t cp, syl;
        size_t k = (size_t)bib_utf8_decode(s + i, len - i, &cp);
        size_t hk = cp >= 0x1100 && cp <= 0x1112 ? hangul_compose(s, len, i, &syl) : 0;
        if (hk) {
            if (n && seg_marks)
                flush_segment(out, seg, n);
            else
                bib_buf_append(out, s + run, i - run);
            bib_buf_put_utf8(out, syl);
            i += hk;
            run = i;
            n = 0;
            seg_marks = false;
            continue;
        }
        if (combining_class(cp) && n && n < SEG) {
            if (!seg_marks) {
                bib_buf_append(out, s + run, seg_start - run); /* text before the segment */
                seg_marks = true;
            }
            seg[n++] = cp;
            i += k;
            continue;
        }
        if (n && seg_marks) {
            flush_segment(out, seg, n);
            run = i;
        }
        n = 0;
        seg_marks = false;
        if (cp == 0xFFFD && k == 1) {
            bib_buf_append(out, s + run, i - run);
            bib_buf_puts(out, "\xEF\xBF\xBD");
            run = i + 1;
            i++;
            continue;
        }
        seg_start = i;
        seg[n++] = cp;
        i += k;
    }
    if (n && seg_marks)
        flush_segment(out, seg, n);
    else
        bib_buf_append(out, s + run, len - run);
    return bib_buf_failed(out) ? BIB_ENOMEM : 0;
}
