/* SPDX-License-Identifier: MIT */
/*
 * cj_tok.c - the validating flat tokenizer of cj_tok.h. A recursive
 * descent bounded by CJ_MAX_DEPTH; every token is one array slot, so an
 * item costs no allocation once the array has grown to the largest item.
 * Whatever is not certainly valid JSON in the subset gives CJ_FALLBACK
 * (jansson then reads the item): being stricter than jansson only costs
 * time, being looser would change what is read.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <jansson.h>

#include "bibconv/common.h"
#include "cj_tok.h"

/* Past CJ_MAX_DEPTH the item is refused when jansson refuses it there
 * too; with another limit (or none) jansson decides. */
#if defined(JSON_PARSER_MAX_DEPTH) && JSON_PARSER_MAX_DEPTH == CJ_MAX_DEPTH
#define DEPTH_REFUSED true
#else
#define DEPTH_REFUSED false
#endif

typedef struct parser {
    cj_toks *t;
    const unsigned char *d;
    size_t len, pos;
    int depth;
    /* a check ran into len: the value may go on past the text given
     * (cj_tokenize_prefix's CJ_SHORT), whatever the check concluded */
    bool starved;
} parser;

/* True when d[i] exists; notes the starvation when not. */
static bool have(parser *p, size_t i)
{
    if (i < p->len)
        return true;
    p->starved = true;
    return false;
}

/* The blanks from p->pos on, past the usual case of none or one space
 * (this writer and most write `, "` and `": `), which is checked inline
 * at every call; a longer run goes to skip_ws_run. */
static void skip_ws_run(parser *p);

static inline __attribute__((always_inline)) void skip_ws(parser *p)
{
    size_t i = p->pos;
    if (i < p->len && p->d[i] > ' ')
        return;
    if (i + 1 < p->len && p->d[i] == ' ' && p->d[i + 1] > ' ') {
        p->pos = i + 1;
        return;
    }
    skip_ws_run(p);
}

static __attribute__((noinline)) void skip_ws_run(parser *p)
{
    while (p->pos < p->len) {
        unsigned char c = p->d[p->pos];
        if (c != ' ' && c != '\n' && c != '\t' && c != '\r')
            break;
        p->pos++;
    }
}

/* A new token slot; its index in *idx. */
static int push(parser *p, int type, size_t *idx)
{
    cj_toks *t = p->t;
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 256;
        cj_tok *v = realloc(t->v, cap * sizeof *v);
        if (!v)
            return BIB_ENOMEM;
        t->v = v;
        t->cap = cap;
    }
    *idx = t->n++;
    cj_tok *k = &t->v[*idx];
    memset(k, 0, sizeof *k);
    k->type = (uint8_t)type;
    k->start = (uint32_t)p->pos;
    return 0;
}

static int hex4(const unsigned char *s, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = s[i], x;
        if (c >= '0' && c <= '9')
            x = c - '0';
        else if (c >= 'a' && c <= 'f')
            x = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            x = c - 'A' + 10;
        else
            return -1;
        v = v << 4 | x;
    }
    *out = v;
    return 0;
}

/* Length of the well-formed UTF-8 sequence at s (at most n bytes), or 0:
 * no overlong form, no surrogate, nothing past U+10FFFF (*starved set when
 * the n bytes end inside a sequence that may go on). */
static size_t utf8_seq(const unsigned char *s, size_t n, bool *starved)
{
    unsigned c = s[0];
    size_t need;
    unsigned lo = 0x80, hi = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0)
            lo = 0xA0;
        else if (c == 0xED)
            hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0)
            lo = 0x90;
        else if (c == 0xF4)
            hi = 0x8F;
    } else {
        return 0;
    }
    for (size_t i = 1; i < need; i++) {
        if (i >= n) {
            *starved = true;
            return 0;
        }
        if (s[i] < (i == 1 ? lo : 0x80) || s[i] > (i == 1 ? hi : 0xBF))
            return 0;
    }
    return need;
}

/* The escape after a backslash at d[pos] ('\\'); returns its length or 0
 * (*starved set when the text ended inside it). \u0000 is 6 long and sets
 * *nul: jansson refuses it without JSON_ALLOW_NUL, but only once it has
 * checked the whole string. */
static size_t escape_len(const unsigned char *d, size_t pos, size_t len, bool *starved, bool *nul)
{
    if (pos + 1 >= len) {
        *starved = true;
        return 0;
    }
    switch (d[pos + 1]) {
    case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
        return 2;
    case 'u': break;
    default: return 0;
    }
    unsigned u, u2;
    if (pos + 6 > len) {
        *starved = true;
        return 0;
    }
    if (hex4(d + pos + 2, &u))
        return 0;
    if (u == 0) {
        *nul = true;
        return 6;
    }
    if (u >= 0xDC00 && u <= 0xDFFF)
        return 0;
    if (u < 0xD800 || u > 0xDBFF)
        return 6;
    if (pos + 12 > len) {
        *starved = true;
        return 0;
    }
    if (d[pos + 6] != '\\' || d[pos + 7] != 'u' || hex4(d + pos + 8, &u2) || u2 < 0xDC00 ||
        u2 > 0xDFFF)
        return 0;
    return 12;
}

/* The bytes a string's text runs over without a closer look: printable
 * ASCII but the quote and the backslash (one lookup a byte, the hot loop
 * of the reader). */
#define PB(c) ((c) >= 0x20 && (c) < 0x80 && (c) != '"' && (c) != '\\')
#define PB4(c) PB(c), PB((c) + 1), PB((c) + 2), PB((c) + 3)
#define PB16(c) PB4(c), PB4((c) + 4), PB4((c) + 8), PB4((c) + 12)
#define PB64(c) PB16(c), PB16((c) + 16), PB16((c) + 32), PB16((c) + 48)
static const bool plain_byte[256] = {PB64(0), PB64(64), PB64(128), PB64(192)};
#undef PB64
#undef PB16
#undef PB4
#undef PB

/* Inline at its two callers (a key, a value): the call's register saves
 * were a fifth of its cost. */
static inline __attribute__((always_inline)) int string(parser *p)
{
    size_t idx;
    if (push(p, CJ_STR, &idx))
        return BIB_ENOMEM;
    const unsigned char *d = p->d;
    size_t i = p->pos + 1, len = p->len;
    bool esc = false, nul = false;
    for (;;) {
#if defined(__x86_64__) && defined(__SSE2__)
        /* sixteen at a time: as signed bytes, those below 0x20 are the
         * control bytes and every non-ASCII byte; the stop found goes
         * straight to its check (the byte loops are for the last few
         * bytes of the text only) */
        const __m128i lim = _mm_set1_epi8(0x20), quote = _mm_set1_epi8('"'),
                      bs = _mm_set1_epi8('\\');
        bool stopped = false;
        while (i + 16 <= len) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(d + i));
            __m128i stop = _mm_or_si128(_mm_cmplt_epi8(x, lim),
                                        _mm_or_si128(_mm_cmpeq_epi8(x, quote),
                                                     _mm_cmpeq_epi8(x, bs)));
            unsigned m = (unsigned)_mm_movemask_epi8(stop);
            if (m) {
                i += (size_t)__builtin_ctz(m);
                stopped = true;
                break;
            }
            i += 16;
        }
        if (!stopped)
#endif
        {
            while (i + 4 <= len && plain_byte[d[i]] && plain_byte[d[i + 1]] &&
                   plain_byte[d[i + 2]] && plain_byte[d[i + 3]])
                i += 4;
            while (i < len && plain_byte[d[i]])
                i++;
        }
        if (!have(p, i))
            return CJ_FALLBACK;
        unsigned char c = d[i];
        if (c == '"')
            break;
        size_t n;
        if (c == '\\') {
            esc = true;
            n = escape_len(d, i, len, &p->starved, &nul);
        } else if (c < 0x20) {
            n = 0;
        } else {
            n = utf8_seq(d + i, len - i, &p->starved);
        }
        if (!n)
            return CJ_FALLBACK;
        i += n;
    }
    if (nul) { /* a valid string but for it: jansson stops at the quote */
        p->t->refused = CJ_REFUSE_NUL;
        p->t->refused_at = i;
        return CJ_REFUSED;
    }
    p->pos = i + 1;
    cj_tok *k = &p->t->v[idx];
    k->esc = esc;
    k->end = (uint32_t)p->pos;
    k->next = (uint32_t)p->t->n;
    return 0;
}

static bool digit_at(parser *p, size_t i)
{
    return have(p, i) && p->d[i] >= '0' && p->d[i] <= '9';
}

/* A number: CJ_INT when it is an integer of at most 18 digits, else (a
 * real, a longer integer) CJ_NUM, checked here against JSON's grammar
 * only: whether jansson reads its value (an overflow) is cj_read.c's
 * question. */
static int number(parser *p)
{
    size_t idx;
    if (push(p, CJ_INT, &idx))
        return BIB_ENOMEM;
    size_t i = p->pos;
    bool neg = have(p, i) && p->d[i] == '-';
    if (neg)
        i++;
    size_t s = i;
    while (digit_at(p, i))
        i++;
    size_t nd = i - s;
    if (nd == 0 || (p->d[s] == '0' && nd > 1)) /* no digit, a leading zero */
        return CJ_FALLBACK;
    bool real = false;
    if (have(p, i) && p->d[i] == '.') {
        if (!digit_at(p, ++i))
            return CJ_FALLBACK;
        while (digit_at(p, i))
            i++;
        real = true;
    }
    if (have(p, i) && (p->d[i] == 'e' || p->d[i] == 'E')) {
        i++;
        if (have(p, i) && (p->d[i] == '+' || p->d[i] == '-'))
            i++;
        if (!digit_at(p, i))
            return CJ_FALLBACK;
        while (digit_at(p, i))
            i++;
        real = true;
    }
    cj_tok *k = &p->t->v[idx];
    if (real || nd > 18) { /* past what long long surely holds */
        k->type = CJ_NUM;
        p->t->nums++;
    } else {
        long long v = 0;
        for (size_t j = s; j < s + nd; j++)
            v = v * 10 + (p->d[j] - '0');
        k->num = neg ? -v : v;
    }
    k->end = (uint32_t)i;
    k->next = (uint32_t)p->t->n;
    p->pos = i;
    return 0;
}

static int literal(parser *p, const char *word, int type)
{
    size_t n = strlen(word), idx;
    if (!have(p, p->pos + n - 1) || memcmp(p->d + p->pos, word, n) != 0)
        return CJ_FALLBACK;
    if (push(p, type, &idx))
        return BIB_ENOMEM;
    p->pos += n;
    p->t->v[idx].end = (uint32_t)p->pos;
    p->t->v[idx].next = (uint32_t)p->t->n;
    return 0;
}

static int value(parser *p);

/* Whether key tokens x and y name the same key once decoded (either has
 * an escape: "\u0041" is "A"). */
static int same_decoded(const parser *p, const cj_tok *x, const cj_tok *y)
{
    char *a = malloc(x->end - x->start - 1), *b = malloc(y->end - y->start - 1);
    int rc = BIB_ENOMEM;
    if (a && b) {
        size_t na = cj_str(x, (const char *)p->d, a), nb = cj_str(y, (const char *)p->d, b);
        rc = na == nb && memcmp(a, b, na) == 0;
    }
    free(a);
    free(b);
    return rc;
}

/* 1 when the key token a equals an earlier key of the object whose first
 * member key is token first (jansson refuses duplicates), 0 if not,
 * BIB_ENOMEM. Keys without escapes are equal when their text is; one with
 * an escape is compared decoded. Quadratic in the members of one object,
 * which are few in a CSL item. */
static int duplicate_key(const parser *p, size_t first, size_t a)
{
    const cj_tok *v = p->t->v;
    const cj_tok *ka = &v[a];
    size_t la = ka->end - ka->start;
    for (size_t k = first; k < a; k = v[k + 1].next) {
        if (ka->esc || v[k].esc) {
            int same = same_decoded(p, &v[k], ka);
            if (same)
                return same;
        } else if (v[k].end - v[k].start == la &&
                   memcmp(p->d + v[k].start, p->d + ka->start, la) == 0) {
            return 1;
        }
    }
    return 0;
}

static int object(parser *p)
{
    size_t idx;
    if (push(p, CJ_OBJ, &idx))
        return BIB_ENOMEM;
    p->pos++;
    skip_ws(p);
    uint32_t count = 0;
    size_t first = p->t->n;
    /* a bit of 128 per key seen, by its length and three of its bytes: a
     * key whose bit is not set equals no earlier key, so the scan of
     * duplicate_key runs only on a hit (or once any key has an escape;
     * by length and middle byte in 64 bits, 10,332 of 14,466 items of the
     * bench input had a hit) */
    uint64_t seen[2] = {0, 0};
    bool esc = false;
    if (have(p, p->pos) && p->d[p->pos] == '}') {
        p->pos++;
    } else {
        for (;;) {
            if (!have(p, p->pos) || p->d[p->pos] != '"')
                return CJ_FALLBACK;
            size_t key = p->t->n, ks = p->pos;
            int rc = string(p);
            if (rc == CJ_REFUSED) /* jansson words a NUL in a key its own way */
                p->t->refused = CJ_REFUSE_NUL_KEY;
            if (rc)
                return rc;
            /* a duplicate: jansson words the error. The key's extent from
             * the position (its token's start and end), not reloaded */
            size_t kl = p->pos - ks; /* with its quotes: 2 or more */
            const unsigned char *q = p->d + ks;
            size_t h = (kl * 31 + q[1] + 7u * q[kl - 2] + 3u * q[kl / 2]) & 127;
            uint64_t bit = (uint64_t)1 << (h & 63);
            esc |= p->t->v[key].esc;
            if ((esc || (seen[h >> 6] & bit)) && (rc = duplicate_key(p, first, key)))
                return rc < 0 ? rc : CJ_FALLBACK;
            seen[h >> 6] |= bit;
            skip_ws(p);
            if (!have(p, p->pos) || p->d[p->pos] != ':')
                return CJ_FALLBACK;
            p->pos++;
            skip_ws(p);
            if ((rc = value(p)))
                return rc;
            count++;
            skip_ws(p);
            if (!have(p, p->pos))
                return CJ_FALLBACK;
            if (p->d[p->pos] == '}') {
                p->pos++;
                break;
            }
            if (p->d[p->pos] != ',')
                return CJ_FALLBACK;
            p->pos++;
            skip_ws(p);
        }
    }
    cj_tok *k = &p->t->v[idx];
    k->count = count;
    k->end = (uint32_t)p->pos;
    k->next = (uint32_t)p->t->n;
    return 0;
}

static int array(parser *p)
{
    size_t idx;
    if (push(p, CJ_ARR, &idx))
        return BIB_ENOMEM;
    p->pos++;
    skip_ws(p);
    uint32_t count = 0;
    if (have(p, p->pos) && p->d[p->pos] == ']') {
        p->pos++;
    } else {
        for (;;) {
            int rc = value(p);
            if (rc)
                return rc;
            count++;
            skip_ws(p);
            if (!have(p, p->pos))
                return CJ_FALLBACK;
            if (p->d[p->pos] == ']') {
                p->pos++;
                break;
            }
            if (p->d[p->pos] != ',')
                return CJ_FALLBACK;
            p->pos++;
            skip_ws(p);
        }
    }
    cj_tok *k = &p->t->v[idx];
    k->count = count;
    k->end = (uint32_t)p->pos;
    k->next = (uint32_t)p->t->n;
    return 0;
}

static int value(parser *p)
{
    if (!have(p, p->pos))
        return CJ_FALLBACK;
    int rc;
    if (p->depth >= CJ_MAX_DEPTH) {
        /* jansson counts every value, the top one 1: this one is past its
         * limit. It names a bracket at once; a scalar after lexing it */
        if (!DEPTH_REFUSED || (p->d[p->pos] != '{' && p->d[p->pos] != '['))
            return CJ_FALLBACK;
        p->t->refused = CJ_REFUSE_DEPTH;
        p->t->refused_at = p->pos;
        return CJ_REFUSED;
    }
    switch (p->d[p->pos]) {
    case '{':
    case '[':
        p->depth++;
        rc = p->d[p->pos] == '{' ? object(p) : array(p);
        p->depth--;
        return rc;
    case '"': return string(p);
    case 't': return literal(p, "true", CJ_TRUE);
    case 'f': return literal(p, "false", CJ_FALSE);
    case 'n': return literal(p, "null", CJ_NULL);
    default: return number(p);
    }
}

int cj_tokenize(cj_toks *t, const char *d, size_t len)
{
    if (len >= UINT32_MAX)
        return CJ_FALLBACK;
    parser p = {t, (const unsigned char *)d, len, 0, 0, false};
    t->n = t->nums = 0;
    skip_ws(&p);
    int rc = value(&p);
    if (rc)
        return rc;
    skip_ws(&p);
    return p.pos == len ? 0 : CJ_FALLBACK;
}

int cj_tokenize_prefix(cj_toks *t, const char *d, size_t len, size_t *end)
{
    t->n = t->nums = 0;
    if (!len)
        return CJ_SHORT;
    if (d[0] != '{')
        return CJ_FALLBACK;
    /* past 4 GiB the offsets would not fit: as if the text went on, so
     * the caller's window grows into its bound (or the extent path) */
    parser p = {t, (const unsigned char *)d, len < UINT32_MAX ? len : UINT32_MAX - 1, 0, 0,
                false};
    int rc = value(&p);
    if (rc == CJ_FALLBACK && p.starved)
        return len < UINT32_MAX ? CJ_SHORT : CJ_FALLBACK;
    if (rc)
        return rc;
    *end = p.pos;
    return 0;
}

void cj_refusal(const cj_toks *t, const char *d, json_error_t *e)
{
    /* jansson counts lines at '\n' and columns in characters: every byte
     * but a UTF-8 continuation byte, up to and with the one it stops at */
    int line = 1, col = 0;
    for (size_t i = 0; i <= t->refused_at; i++) {
        unsigned char c = (unsigned char)d[i];
        if (c == '\n') {
            line++;
            col = 0;
        } else if (c < 0x80 || c >= 0xC0) {
            col++;
        }
    }
    memset(e, 0, sizeof *e);
    e->line = line;
    e->column = col;
    e->position = (int)(t->refused_at + 1);
    snprintf(e->text, sizeof e->text, "%s",
             t->refused == CJ_REFUSE_NUL       ? "\\u0000 is not allowed without JSON_ALLOW_NUL"
             : t->refused == CJ_REFUSE_NUL_KEY ? "NUL byte in object key not supported"
                                               : "maximum parsing depth reached");
}

void cj_toks_free(cj_toks *t)
{
    free(t->v);
    t->v = NULL;
    t->n = t->cap = 0;
}

/* Appends code point cp as UTF-8; returns the bytes written. */
static size_t put_utf8(char *o, unsigned cp)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12);
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | cp >> 18);
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t cj_str(const cj_tok *k, const char *d, char *out)
{
    const char *s = d + k->start + 1, *e = d + k->end - 1;
    if (!k->esc) {
        size_t n = (size_t)(e - s);
        memcpy(out, s, n);
        out[n] = '\0';
        return n;
    }
    char *o = out;
    while (s < e) {
#if defined(__x86_64__) && defined(__SSE2__)
        /* sixteen bytes copied a step up to the next backslash: no call
         * per escape (an abstract's line breaks). A store never passes
         * out's room: the decoded text is never longer than its source */
        const __m128i bsl = _mm_set1_epi8('\\');
        while (e - s >= 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
            unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, bsl));
            _mm_storeu_si128((__m128i *)(void *)o, x);
            if (m) {
                unsigned at = (unsigned)__builtin_ctz(m);
                s += at;
                o += at;
                break;
            }
            s += 16;
            o += 16;
        }
#endif
        if (s == e || *s != '\\') { /* the last few bytes, or no SSE2 */
            const char *b = memchr(s, '\\', (size_t)(e - s));
            size_t n = b ? (size_t)(b - s) : (size_t)(e - s);
            memcpy(o, s, n);
            o += n;
            s += n;
            if (!b)
                break;
        }
        char c = s[1];
        s += 2;
        switch (c) {
        case 'b': *o++ = '\b'; break;
        case 'f': *o++ = '\f'; break;
        case 'n': *o++ = '\n'; break;
        case 'r': *o++ = '\r'; break;
        case 't': *o++ = '\t'; break;
        case 'u': {
            unsigned u = 0, u2 = 0;
            hex4((const unsigned char *)s, &u);
            s += 4;
            if (u >= 0xD800 && u <= 0xDBFF) { /* the tokenizer saw the pair whole */
                hex4((const unsigned char *)s + 2, &u2);
                s += 6;
                u = 0x10000 + ((u - 0xD800) << 10) + (u2 - 0xDC00);
            }
            o += put_utf8(o, u);
            break;
        }
        default: *o++ = c; break; /* " \ / */
        }
    }
    *o = '\0';
    return (size_t)(o - out);
}
