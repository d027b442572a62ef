/* SPDX-License-Identifier: MIT */
/*
 * names.c - BibTeX names (both directions) and page ranges; display names
 * as pages and RIS write them are in names_display.c.
 *
 * The BibTeX half follows BibTeX's own rules (btxdoc, bibtex.web): tokens
 * split at brace level 0, the von part found by the case of each token's
 * first letter at level 0 (a leading special character {\"u} counts by its
 * letter; another brace group counts as upper case), and the three comma
 * forms. Its writer produces "von Last, Jr, First" with braces wherever the
 * reader would otherwise split differently, so parse(format(n)) == n.
 *
 * Not for: deciding whether a line *is* a name (the page reader's name
 * model does that).
 */
#include <ctype.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bibconv/latex.h"
#include "bibconv/names.h"
#include "bibconv/script.h"
#include "bibconv/utf8.h"
#include "latex_table.h"
#include "names_internal.h"
#include "names_scan.h"

/* ---- page ranges ---------------------------------------------------------- */

/* Length of a range separator at s ("--", "-", en dash, em dash, minus,
 * with spaces around), or 0. */
static size_t dash_at(const char *s, size_t len, size_t *lead)
{
    size_t i = 0;
    while (i < len && s[i] == ' ')
        i++;
    *lead = i;
    size_t d = 0;
    while (i + d < len && s[i + d] == '-' && d < 3)
        d++; /* "-", "--" (BibTeX en dash), "---" (em dash) */
    const unsigned char *u = (const unsigned char *)s + i;
    if (!d && i + 2 < len && u[0] == 0xE2 &&
        ((u[1] == 0x80 && (u[2] == 0x90 || u[2] == 0x91 || u[2] == 0x93 || u[2] == 0x94)) ||
         (u[1] == 0x88 && u[2] == 0x92)))
        d = 3; /* hyphen, non-breaking hyphen, en dash, em dash, minus sign */
    if (!d)
        return 0;
    i += d;
    while (i < len && s[i] == ' ')
        i++;
    return i;
}

void bib_pages_split(const char *s, size_t len, const char **first, size_t *first_len,
                     const char **last, size_t *last_len)
{
    while (len && c_space(*s)) {
        s++;
        len--;
    }
    while (len && c_space(s[len - 1]))
        len--;
    *first = s;
    *first_len = len;
    *last = s + len;
    *last_len = 0;
    for (size_t i = 1; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c != ' ' && c != '-' && c != 0xE2)
            continue; /* dash_at finds nothing there: no call per digit */
        size_t lead, n = dash_at(s + i, len - i, &lead);
        for (size_t m; n && i + n < len && (m = dash_at(s + i + n, len - i - n, &lead));)
            n += m; /* a run of mixed dashes ("-–") is one separator */
        if (n && i + n < len && s[i - 1] != ' ') {
            *first_len = i;
            *last = s + i + n;
            *last_len = len - i - n;
            return;
        }
        if (n)
            i += n - 1;
    }
}

int bib_pages_normalize(bib_buf *out, const char *s, size_t len, const char *dash)
{
    /* each comma-separated range on its own: "1-5, 7--9" */
    size_t i = 0;
    bool first_item = true;
    while (i <= len) {
        const char *c = memchr(s + i, ',', len - i);
        size_t end = c ? (size_t)(c - s) : len;
        const char *a, *b;
        size_t al, bl;
        bib_pages_split(s + i, end - i, &a, &al, &b, &bl);
        if (!first_item)
            bib_buf_append_fast(out, ", ", 2);
        bib_buf_append_fast(out, a, al);
        if (bl) {
            bib_buf_append_fast(out, dash, strlen(dash));
            bib_buf_append_fast(out, b, bl);
        }
        first_item = false;
        if (!c)
            break;
        i = end + 1;
    }
    return bib_buf_failed(out) ? BIB_ENOMEM : 0;
}

/* ---- BibTeX names ------------------------------------------------------------ */

/* A token of a BibTeX name at brace level 0, or a comma. */
typedef struct btok {
    const char *s;
    size_t len;
    bool comma;
    bool latex; /* holds a byte LaTeX decoding or brace removal changes */
} btok;

#define MAXTOK 128

/* Splits on whitespace, '~' and commas at brace level 0. */
static size_t bibtex_tokens(const char *s, size_t len, btok *t, size_t max)
{
    size_t n = 0, i = 0;
    while (i < len && n < max) {
        char c = s[i];
        if (c_space(c) || c == '~') {
            i++;
            continue;
        }
        if (c == ',') {
            t[n++] = (btok){s + i, 1, true, false};
            i++;
            continue;
        }
        size_t j = i;
        int depth = 0;
        unsigned char seen = 0; /* the stops' classes: NC_LATEX tells tokens_text */
        while (j < len) {
            if (!name_stop[(unsigned char)s[j]]) {
                j++;
                continue;
            }
            char d = s[j];
            seen |= name_stop[(unsigned char)d];
            if (d == '\\' && j + 1 < len) {
                j += 2;
                continue;
            }
            if (d == '{')
                depth++;
            else if (d == '}' && depth > 0)
                depth--;
            else if (depth == 0 && (c_space(d) || d == '~' || d == ','))
                break;
            j++;
        }
        t[n++] = (btok){s + i, j - i, false, (seen & NC_LATEX) != 0};
        i = j;
    }
    return n;
}

/* Case of the first letter in t->s[i..len): 1 lower, 0 upper, -1 none. */
static int first_letter_case(const char *s, size_t i, size_t len)
{
    for (; i < len; i++)
        if (isalpha((unsigned char)s[i]))
            return islower((unsigned char)s[i]) ? 1 : 0;
    return -1;
}

/* BibTeX's case of a token: 1 lower, 0 upper, -1 no letter (caseless). */
static int token_case(const btok *t)
{
    const char *s = t->s;
    for (size_t i = 0; i < t->len; i++) {
        if (s[i] == '{') {
            if (i + 1 < t->len && s[i + 1] == '\\') {
                /* a special character counts by its letter: {\"u} is lower
                 * case by the u, {\ss} by the control word, {\O} upper */
                size_t k = i + 2, w = k;
                while (w < t->len && isalpha((unsigned char)s[w]))
                    w++;
                bool accent = w == k || (w - k == 1 && strchr("uvHrdckbt", s[k]));
                return accent ? first_letter_case(s, w, t->len) : first_letter_case(s, k, w);
            }
            return 0; /* a protected group counts as upper case */
        }
        if (isalpha((unsigned char)s[i]))
            return islower((unsigned char)s[i]) ? 1 : 0;
        if ((unsigned char)s[i] >= 0x80) {
            /* a UTF-8 letter counts by its Unicode case, as biber does
             * (Š upper, ł lower); caseless letters (Han) do not decide */
            uint32_t cp;
            int n = bib_utf8_decode(s + i, t->len - i, &cp);
            if (bib_char_is_lower(cp))
                return 1;
            if (bib_char_is_upper(cp))
                return 0;
            if (n > 1)
                i += (size_t)n - 1;
            continue;
        }
        if (s[i] == '\\') { /* \"uber outside braces: by the letter after */
            size_t k = i + 1;
            while (k < t->len && !isalpha((unsigned char)s[k]))
                k++;
            return first_letter_case(s, k, t->len);
        }
    }
    return -1;
}

/* No part: what tokens_text gives for an empty token range. */
#define NO_PART SIZE_MAX

/* Converts tokens [a, b) joined by spaces (LaTeX to Unicode when asked;
 * braces removed either way) and appends the text with its NUL to `dst`;
 * returns its offset there (pointers wait until the name is complete, as
 * dst may move), NO_PART when empty, with *oom set when dst or the
 * conversion ran out of memory. One scratch buffer serves every part of
 * every name of a list: a part costs no allocation of its own. */
/* tokens_text's way for tokens with LaTeX or braces: joined, then
 * converted. Apart so that the plain way, which most parts take, saves no
 * registers and keeps no stack buffer. */
static size_t tokens_text_latex(bib_buf *dst, const btok *t, size_t a, size_t b,
                                unsigned flags, bool *oom)
{
    size_t at = dst->len;
    /* the tokens joined, on the stack when short (most parts with a
     * LaTeX accent are a word or two): no allocation per part */
    char small[256];
    size_t need = b - a - 1;
    for (size_t i = a; i < b; i++)
        need += t[i].len;
    char *raw = need < sizeof small ? small : malloc(need + 1);
    if (!raw) { /* a part of the name would pass for all of it */
        *oom = true;
        return NO_PART;
    }
    char *o = raw;
    for (size_t i = a; i < b; i++) {
        if (i > a)
            *o++ = ' ';
        memcpy(o, t[i].s, t[i].len);
        o += t[i].len;
    }
    *o = '\0';
    size_t rawlen = (size_t)(o - raw);
    if (flags & BIB_NAME_LATEX)
        bib_latex_to_unicode(dst, raw, rawlen, 0, NULL);
    else
        for (size_t i = 0; i < rawlen; i++)
            if (raw[i] != '{' && raw[i] != '}')
                bib_buf_putc(dst, raw[i]);
    if (raw != small)
        free(raw);
    bib_buf_putc_fast(dst, '\0');
    if (dst->failed)
        *oom = true;
    return *oom ? NO_PART : at;
}

static size_t tokens_text(bib_buf *dst, const btok *t, size_t a, size_t b, unsigned flags,
                          bool *oom)
{
    if (a >= b)
        return NO_PART;
    /* most parts are plain words, copied as they are: straight into the
     * result, after one reserve */
    size_t total = b - a - 1; /* the spaces between */
    for (size_t i = a; i < b; i++) {
        if (t[i].latex)
            return tokens_text_latex(dst, t, a, b, flags, oom);
        total += t[i].len;
    }
    size_t at = dst->len;
    if ((dst->failed || dst->cap - dst->len < total + 2) && bib_buf_reserve(dst, total + 1)) {
        *oom = true;
        return NO_PART;
    }
    char *o = dst->data + dst->len;
    for (size_t i = a; i < b; i++) {
        if (i > a)
            *o++ = ' ';
        memcpy(o, t[i].s, t[i].len);
        o += t[i].len;
    }
    *o++ = '\0'; /* the part's own end */
    *o = '\0';   /* the buffer's */
    dst->len = (size_t)(o - dst->data);
    return at;
}

/* Splits "von Last" tokens [a, b): von = the leading run up to the last
 * lower-case token that is not the final token. */
static void von_last(const btok *t, size_t a, size_t b, size_t *von_end)
{
    size_t v = a;
    for (size_t i = a; i + 1 < b; i++)
        if (token_case(&t[i]) == 1)
            v = i + 1;
    *von_end = v;
}

/* Whether LaTeX conversion copies s[a..b) as it is and no brace or comma
 * splits it: none of ",{}\\~$" and no "--", "``" or "''". */
static bool braced_plain(const char *s, size_t a, size_t b)
{
    static const unsigned char cls[256] = {[','] = 1, ['{'] = 1, ['}'] = 1, ['\\'] = 1,
                                           ['~'] = 1, ['$'] = 1, ['-'] = 2, ['`'] = 2,
                                           ['\''] = 2}; /* 2: only doubled */
    for (size_t i = a; i < b; i++) {
        unsigned char k = cls[(unsigned char)s[i]];
        if (k && (k == 1 || (i + 1 < b && s[i + 1] == s[i])))
            return false;
    }
    return true;
}

/* The text of s[0..len) as a name part (braces dropped, as tokens_text does),
 * LaTeX converted with BIB_NAME_LATEX, appended to dst: its offset there,
 * NO_PART for an empty part. */
static size_t part_value(bib_buf *dst, const char *s, size_t len, unsigned flags, bool *oom)
{
    while (len && c_space(*s))
        s++, len--;
    while (len && c_space(s[len - 1]))
        len--;
    if (!len)
        return NO_PART;
    /* a lone '-' or '\'' (prefix=el-, d') is copied as it is: no conversion */
    btok t = {s, len, false, !braced_plain(s, 0, len)};
    return tokens_text(dst, &t, 0, 1, flags, oom);
}

/* The offsets in the scratch buffer of a name's parts while it is parsed. */
typedef struct part_offs {
    size_t family, given, particle, suffix, literal;
} part_offs;

/* Biber's extended name format: "family=Duchamp, given=Marcel,
 * prefix=de, useprefix=true" (keys at brace level 0, any order, the last
 * of a key wins). True when s is one, with *out filled (or *oom set). */
static bool parse_extended(part_offs *out, bib_buf *dst, const char *s, size_t len,
                           unsigned flags, bool *oom)
{
    static const char *const keys[] = {"family", "given", "prefix", "suffix", "useprefix",
                                       "familyi", "giveni", "prefixi", "suffixi", NULL};
    size_t i = 0;
    while (i < len && c_space(s[i]))
        i++;
    size_t k = i;
    while (k < len && (islower((unsigned char)s[k]) || s[k] == '-'))
        k++;
    if (k == i || k >= len || s[k] != '=')
        return false;
    bool known = false;
    for (const char *const *p = keys; *p && !known; p++)
        known = strlen(*p) == k - i && memcmp(*p, s + i, k - i) == 0;
    if (!known)
        return false;
    size_t a = i;
    int depth = 0;
    for (size_t j = i; j <= len; j++) {
        /* only braces and commas matter ('~' and '\\' stop here too) */
        while (j < len && !(name_stop[(unsigned char)s[j]] & (NC_BRACE | NC_OTHER)))
            j++;
        if (j < len) {
            if (s[j] == '{')
                depth++;
            else if (s[j] == '}' && depth > 0)
                depth--;
            if (s[j] != ',' || depth > 0)
                continue;
        }
        /* one "key=value" in s[a..j) */
        const char *eq = memchr(s + a, '=', j - a);
        if (eq) {
            const char *ks = s + a;
            size_t kl = (size_t)(eq - ks);
            while (kl && c_space(*ks))
                ks++, kl--;
            while (kl && c_space(ks[kl - 1]))
                kl--;
            size_t *slot = NULL;
            if (kl == 6 && memcmp(ks, "family", 6) == 0)
                slot = &out->family;
            else if (kl == 5 && memcmp(ks, "given", 5) == 0)
                slot = &out->given;
            else if (kl == 6 && memcmp(ks, "prefix", 6) == 0)
                slot = &out->particle;
            else if (kl == 6 && memcmp(ks, "suffix", 6) == 0)
                slot = &out->suffix;
            if (slot) /* initials (giveni...) and useprefix are style matters; a
                       * repeated key's earlier text stays unused in dst */
                *slot = part_value(dst, eq + 1, (size_t)(s + j - eq - 1), flags, oom);
        }
        a = j + 1;
    }
    return true;
}

/* What last_first_scan finds in a name, when the list's masks gave it
 * already (list_masks_of): ok is its result. */
typedef struct lf_scan {
    size_t comma;
    bool ok, blank, single;
} lf_scan;

static int parse_last_first(bib_name *out, bib_buf *dst, const char *s, size_t len,
                            const char *lo, const char *hi, const lf_scan *pre);
static int parse_general(part_offs *out, bib_buf *dst, const char *s, size_t len,
                         unsigned flags);
static char *copy_words(char *o, const char *s, size_t a, size_t b);

/* The quick way for a name that is one plain group, "{World Health
 * Organization}" (a literal), or one before a comma and plain given
 * names, "{van Gulik}, Robert": what the general way makes of them (the
 * group one upper-case token, the given tokens joined by one space), from
 * the bytes. 1 when done, 0 for the general way, BIB_ENOMEM. */
static int parse_braced(bib_name *out, bib_buf *dst, const char *s, size_t len)
{
    size_t a = 0, e = len;
    while (a < e && c_space(s[a]))
        a++;
    while (e > a && c_space(s[e - 1]))
        e--;
    const char *close = a < e && s[a] == '{' ? memchr(s + a, '}', e - a) : NULL;
    if (!close || !braced_plain(s, a + 1, (size_t)(close - s)))
        return 0;
    size_t c = (size_t)(close - s) + 1, g = c;
    while (g < e && c_space(s[g]))
        g++;
    bool literal = g == e;
    if (!literal) { /* a comma, then given names the token limit keeps whole */
        if (s[g] != ',' || e - g > 2 * (MAXTOK / 2 - 2))
            return 0;
        for (g++; g < e && c_space(s[g]); g++)
            ;
        if (g == e || !braced_plain(s, g, e))
            return 0;
    }
    if ((dst->failed || dst->cap - dst->len < len + 3) && bib_buf_reserve(dst, len + 2))
        return BIB_ENOMEM;
    char *o = dst->data + dst->len;
    if (!literal) {
        out->given = o;
        o = copy_words(o, s, g, e);
        *o++ = '\0';
    }
    *(literal ? &out->literal : &out->family) = o;
    memcpy(o, s + a + 1, c - a - 2);
    o += c - a - 2;
    *o++ = '\0'; /* the part's end */
    *o = '\0';   /* the buffer's */
    dst->len = (size_t)(o - dst->data);
    return 1;
}

/* Parses one BibTeX name into dst (parts NUL-terminated, one after the
 * other) and sets *out's parts to point there: they live as long as dst
 * is neither cleared nor written. 0, BIB_EPARSE or BIB_ENOMEM (*out then
 * zeroed). [lo, hi) holds s[0..len) and may be read (parse_last_first);
 * lo NULL: the general way only (the test seam). */
static int parse_into(bib_name *out, bib_buf *dst, const char *s, size_t len, unsigned flags,
                      const char *lo, const char *hi, const lf_scan *pre)
{
    memset(out, 0, sizeof *out);
    /* the quick way first: it refuses any name with '=', so the extended
     * format is tried after it as before it, and most names skip that
     * search and the general way's frame; it sets *out itself */
    int rc = lo ? parse_last_first(out, dst, s, len, lo, hi, pre) : 0;
    if (!rc && lo)
        rc = parse_braced(out, dst, s, len);
    if (rc)
        return rc < 0 ? rc : 0;
    part_offs o = {NO_PART, NO_PART, NO_PART, NO_PART, NO_PART};
    rc = parse_general(&o, dst, s, len, flags);
    if (rc)
        return rc;
    /* dst no longer moves: the offsets become pointers */
    out->family = o.family == NO_PART ? NULL : dst->data + o.family;
    out->given = o.given == NO_PART ? NULL : dst->data + o.given;
    out->non_dropping_particle = o.particle == NO_PART ? NULL : dst->data + o.particle;
    out->suffix = o.suffix == NO_PART ? NULL : dst->data + o.suffix;
    out->literal = o.literal == NO_PART ? NULL : dst->data + o.literal;
    return 0;
}

/* Copies s[a..b) (no blank at either end) with each run of blanks as one
 * space, as tokens_text joins tokens; returns the end of the copy. */
static char *copy_words(char *o, const char *s, size_t a, size_t b)
{
    bool sp = false;
    for (size_t i = a; i < b; i++) {
        char c = s[i];
        if (c_space(c)) {
            sp = true;
            continue;
        }
        if (sp)
            *o++ = ' ';
        sp = false;
        *o++ = c;
    }
    return o;
}

/* s[a..b) copied as it is (copy_words for one whose blanks are lone
 * spaces): up to sixteen bytes by one move when s[a..a+16) lies below hi
 * (the name list's end), o having sixteen bytes of room (the bytes past
 * the copy are written over or lie past the buffer's length); a memcpy
 * call was most of a short part's cost. */
static inline char *copy_plain(char *o, const char *s, size_t a, size_t b, const char *hi)
{
#if defined(__x86_64__) && defined(__SSE2__)
    if (b - a <= 16 && hi - (s + a) >= 16) {
        _mm_storeu_si128((__m128i *)(void *)o,
                         _mm_loadu_si128((const __m128i *)(const void *)(s + a)));
        return o + (b - a);
    }
#else
    (void)hi;
#endif
    memcpy(o, s + a, b - a);
    return o + (b - a);
}

/* Where von ends in the words of s[a..b) (trimmed; no brace, LaTeX or
 * '~'), as von_last decides on their tokens: after the last word but the
 * final one that starts lower case. Only words that start with an ASCII
 * letter are told apart here (token_case gives 1 for a-z, 0 for A-Z);
 * SIZE_MAX when another word is not final, or for too many words. */
static size_t von_end_words(const char *s, size_t a, size_t b)
{
    size_t v = a, words = 0;
    for (size_t i = a; i < b;) {
        size_t j = i;
        while (j < b && !c_space(s[j]))
            j++;
        if (j == b) /* the final word: Last whatever its case */
            break;
        if (++words > MAXTOK / 2 - 2) /* within the general way's token limit */
            return SIZE_MAX;
        char c = s[i];
        if (c >= 'a' && c <= 'z')
            v = j;
        else if (!(c >= 'A' && c <= 'Z'))
            return SIZE_MAX;
        while (j < b && c_space(s[j]))
            j++;
        i = j;
    }
    return v;
}

/* What parse_last_first needs of a name's bytes, from one pass: *comma
 * (its only comma), *blank (white space before it) and *single (every
 * blank a lone ' ' and the last byte not one: each copy_words of the name
 * is then a plain copy). 0 for a name the quick way leaves to the general
 * one: a brace, LaTeX, '~', a byte LaTeX decoding changes ('-', '`' and
 * '\'' only doubled), '=' (the extended format), no comma or a second
 * one. [lo, hi) is memory that may be read around s[0..len) (the whole
 * name list): with sixteen bytes of it, sixteen places a step with SSE2,
 * a block at the end moved back to end at hi, the bytes outside the name
 * masked off. */
static int last_first_scan(const char *s, size_t len, const char *lo, const char *hi,
                           size_t *comma, bool *blank, bool *single)
{
    *comma = SIZE_MAX;
    *blank = false;
    *single = false;
#if defined(__x86_64__) && defined(__SSE2__)
    if (hi - lo >= 16) {
        bool lone = true, prev_sp = false;
        for (size_t i = 0; i < len; i += 16) {
            const char *p = s + i;
            unsigned shift = 0;
            if (hi - p < 16) {
                shift = (unsigned)(16 - (hi - p));
                p = hi - 16;
            }
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
            /* '{', '}', '~' (and '|', DEL) by one signed compare */
            __m128i stop = _mm_or_si128(
                _mm_or_si128(_mm_cmpgt_epi8(x, _mm_set1_epi8('z')),
                             _mm_cmpeq_epi8(x, _mm_set1_epi8('\\'))),
                _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('$')),
                             _mm_cmpeq_epi8(x, _mm_set1_epi8('='))));
            __m128i soft = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('-')),
                                        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('`')),
                                                     _mm_cmpeq_epi8(x, _mm_set1_epi8('\''))));
            size_t n = len - i < 16 ? len - i : 16;
            unsigned keep = (unsigned)((1ul << n) - 1);
            unsigned st = ((unsigned)_mm_movemask_epi8(stop) >> shift) & keep;
            for (unsigned so = ((unsigned)_mm_movemask_epi8(soft) >> shift) & keep; so;
                 so &= so - 1) {
                size_t k = i + (size_t)__builtin_ctz(so);
                if (k + 1 < len && s[k + 1] == s[k])
                    return 0;
            }
            unsigned cm = ((unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(','))) >>
                           shift) & keep;
            unsigned ws = ((unsigned)_mm_movemask_epi8(space16(x)) >> shift) & keep;
            unsigned sp = ((unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, _mm_set1_epi8(' '))) >>
                           shift) & keep;
            if (st || (cm & (cm - 1)) || (cm && *comma != SIZE_MAX))
                return 0; /* a brace, LaTeX, '~', '=', a second comma */
            if (*comma == SIZE_MAX) {
                if (cm) {
                    *comma = i + (size_t)__builtin_ctz(cm);
                    *blank |= (ws & (cm - 1)) != 0;
                } else {
                    *blank |= ws != 0;
                }
            }
            lone &= ws == sp && !(sp & (sp >> 1)) && !(prev_sp && (sp & 1));
            prev_sp = (sp >> (n - 1)) & 1;
        }
        if (*comma == SIZE_MAX)
            return 0;
        *single = lone && !prev_sp;
        return 1;
    }
#else
    (void)lo;
    (void)hi;
#endif
    for (size_t i = 0; i < len; i++) {
        unsigned char k = name_stop[(unsigned char)s[i]];
        if (!k) {
            if (s[i] == '=')
                return 0;
            continue;
        }
        if (s[i] == '-' || s[i] == '`' || s[i] == '\'') { /* doubled: converted */
            if (i + 1 < len && s[i + 1] == s[i])
                return 0;
            continue;
        }
        if (k & NC_SPACE) {
            *blank |= *comma == SIZE_MAX;
            continue;
        }
        if (s[i] != ',' || *comma != SIZE_MAX)
            return 0; /* a brace, LaTeX, '~', a second comma */
        *comma = i;
    }
    return *comma != SIZE_MAX;
}

/* The common "von Last, First Middle" without a brace, LaTeX or '~' and
 * with one comma, straight from the bytes: what the tokens give it (no
 * Jr; each part's tokens joined by one space), without them. 1 when
 * done, 0 when the name needs the general way (among them any with '=',
 * which parse_into then tries as the extended format), BIB_ENOMEM.
 * [lo, hi): see last_first_scan. The parts go into dst after one reserve,
 * so *out (zeroed by the caller) points at them at once. */
static int parse_last_first(bib_name *out, bib_buf *dst, const char *s, size_t len,
                            const char *lo, const char *hi, const lf_scan *pre)
{
    size_t comma;
    bool blank, single; /* blank: Last may be several words */
    if (pre ? !pre->ok : !last_first_scan(s, len, lo, hi, &comma, &blank, &single))
        return 0;
    if (pre) {
        comma = pre->comma;
        blank = pre->blank;
        single = pre->single;
    }
    size_t a = 0, b = comma, g = comma + 1;
    while (a < b && c_space(s[a]))
        a++;
    while (b > a && c_space(s[b - 1]))
        b--;
    while (g < len && c_space(s[g]))
        g++;
    /* nothing before the comma, or after it ("May,"), and a long tail
     * that could pass the token limit: the general way */
    if (a == b || g == len || len - g > 2 * (MAXTOK / 2 - 2))
        return 0;
    /* von is s[a..v), Last s[v..b) (v past von's blanks) */
    size_t v = blank ? von_end_words(s, a, b) : a;
    if (v == SIZE_MAX)
        return 0;
    while (v < b && c_space(s[v]))
        v++;
    size_t need = (len - g) + (b - a) + 3 + 16; /* 16: copy_plain's room */
    if ((dst->failed || dst->cap - dst->len < need + 1) && bib_buf_reserve(dst, need))
        return BIB_ENOMEM;
    /* given, von, family, as the general way writes them */
    char *o = dst->data + dst->len;
    out->given = o;
    o = single ? copy_plain(o, s, g, len, hi) : copy_words(o, s, g, len);
    *o++ = '\0';
    if (v > a) {
        out->non_dropping_particle = o;
        size_t ve = v;
        while (c_space(s[ve - 1]))
            ve--;
        o = single ? copy_plain(o, s, a, ve, hi) : copy_words(o, s, a, ve);
        *o++ = '\0';
    }
    out->family = o;
    if (blank) {
        o = single ? copy_plain(o, s, v, b, hi) : copy_words(o, s, v, b);
    } else {
        o = copy_plain(o, s, a, b, hi);
    }
    *o++ = '\0'; /* the part's end */
    *o = '\0';   /* the buffer's */
    dst->len = (size_t)(o - dst->data);
    return 1;
}

/* The parts of one BibTeX name as offsets into dst (see parse_into) the
 * general way: the extended format, or BibTeX's tokens. */
static int parse_general(part_offs *out, bib_buf *dst, const char *s, size_t len,
                         unsigned flags)
{
    bool xoom = false;
    if (memchr(s, '=', len) && parse_extended(out, dst, s, len, flags, &xoom)) {
        if (xoom)
            return BIB_ENOMEM;
        if (out->family == NO_PART && out->given == NO_PART)
            return BIB_EPARSE;
        return 0;
    }
    btok t[MAXTOK];
    size_t n = bibtex_tokens(s, len, t, MAXTOK);
    size_t commas[2], nc = 0;
    for (size_t i = 0; i < n; i++)
        if (t[i].comma) {
            if (nc == 2)
                return BIB_EPARSE; /* "too many commas", as BibTeX says */
            commas[nc++] = i;
        }
    /* a comma at the end is dropped, as BibTeX does ("has a comma at the
     * end"): "May, Keith," is Keith May, not May with suffix Keith */
    if (nc && commas[nc - 1] + 1 == n) {
        n--;
        nc--;
    }
    if (n == 0 || (nc && commas[0] == 0))
        return BIB_EPARSE;
    bool oom = false;
    /* a name wholly in one brace group is an institution: {World Health Org} */
    if (n == 1 && t[0].s[0] == '{' && t[0].s[t[0].len - 1] == '}' &&
        !(t[0].len > 1 && t[0].s[1] == '\\')) {
        out->literal = tokens_text(dst, t, 0, 1, flags, &oom);
        return oom ? BIB_ENOMEM : 0;
    }
    size_t first_a = 0, first_b = 0, von_a, von_b, last_a, last_b, jr_a = 0, jr_b = 0;
    if (nc == 0) {
        /* First von Last: von starts at the first lower-case token */
        size_t v = 0;
        while (v + 1 < n && token_case(&t[v]) != 1)
            v++;
        if (v + 1 >= n) { /* no von: Last is the final token */
            first_b = n - 1;
            von_a = von_b = n - 1;
        } else {
            first_b = v;
            von_a = v;
            von_last(t, v, n, &von_b);
        }
        last_a = von_b;
        last_b = n;
    } else {
        von_a = 0;
        von_last(t, 0, commas[0], &von_b);
        last_a = von_b;
        last_b = commas[0];
        if (nc == 2) {
            jr_a = commas[0] + 1;
            jr_b = commas[1];
            first_a = commas[1] + 1;
            first_b = n;
        } else {
            first_a = commas[0] + 1;
            first_b = n;
        }
    }
    if (last_a >= last_b)
        return BIB_EPARSE;
    out->given = tokens_text(dst, t, first_a, first_b, flags, &oom);
    out->particle = tokens_text(dst, t, von_a, von_b, flags, &oom);
    out->family = tokens_text(dst, t, last_a, last_b, flags, &oom);
    out->suffix = tokens_text(dst, t, jr_a, jr_b, flags, &oom);
    if (out->given != NO_PART && !dst->data[out->given]) /* "Last, Jr, {}": no First */
        out->given = NO_PART;
    return oom ? BIB_ENOMEM : 0;
}

/* bib_name_parse_bibtex, or without the quick way (general): the parts
 * strdup'd from the scratch buffer. */
static int parse_bibtex_dup(bib_name *out, const char *s, size_t len, unsigned flags,
                            bool general)
{
    bib_buf sc = BIB_BUF_INIT;
    bib_name n;
    int rc = parse_into(&n, &sc, s, len, flags, general ? NULL : s, s + len, NULL);
    memset(out, 0, sizeof *out);
    if (rc == 0) {
        const char **to[] = {&out->family, &out->given, &out->non_dropping_particle,
                             &out->suffix, &out->literal};
        const char *from[] = {n.family, n.given, n.non_dropping_particle, n.suffix, n.literal};
        for (size_t i = 0; i < 5 && rc == 0; i++)
            if (from[i] && !(*to[i] = strdup(from[i])))
                rc = BIB_ENOMEM;
        if (rc)
            bib_name_clear(out);
    }
    bib_buf_clear(&sc);
    return rc;
}

/* The caller owns out's parts (malloc'd, freed by bib_name_clear). */
int bib_name_parse_bibtex(bib_name *out, const char *s, size_t len, unsigned flags)
{
    return parse_bibtex_dup(out, s, len, flags, false);
}

int bib__name_parse_bibtex_general(bib_name *out, const char *s, size_t len, unsigned flags)
{
    return parse_bibtex_dup(out, s, len, flags, true);
}

/* The scratch buffer of bib_names_add_bibtex, kept per thread between
 * lists (a malloc and free per list otherwise). The key serves only its
 * destructor, which frees a worker thread's buffer when it ends; one that
 * grew past SCRATCH_KEEP for a huge list is freed after that list. */
enum { SCRATCH_KEEP = 1 << 16 };
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static pthread_key_t scratch_key;
static bool scratch_ok;
/* One thread-local block, its address taken once a list: in a shared
 * library each access to a thread-local variable is a __tls_get_addr
 * call, four a list when they were separate (about 1.3 M on BibTeX ->
 * CSL-JSON, 5 MB). The buffer comes first: scratch_give finds the block
 * from it. */
typedef struct scratch_tls {
    bib_buf buf;
    bool registered, busy;
} scratch_tls;
static _Thread_local scratch_tls scratch = {BIB_BUF_INIT, false, false};

static void scratch_free(void *unused)
{
    (void)unused;
    bib_buf_clear(&scratch.buf);
    scratch.registered = false; /* a later list registers again */
}

static void scratch_init(void) { scratch_ok = pthread_key_create(&scratch_key, scratch_free) == 0; }

/* The thread's scratch buffer, empty, or `fallback` when it cannot be
 * kept (no key) or is in use. */
static __attribute__((noinline)) bool scratch_register(scratch_tls *t)
{
    pthread_once(&scratch_once, scratch_init);
    /* any non-NULL value: the destructor runs only for those */
    if (!scratch_ok || pthread_setspecific(scratch_key, &t->registered) != 0)
        return false;
    t->registered = true;
    return true;
}

/* The registration apart, out of line: with no call on the common way,
 * the block's address is asked of __tls_get_addr once a list, not twice. */
static bib_buf *scratch_take(bib_buf *fallback)
{
    scratch_tls *t = &scratch;
#if defined(__GNUC__)
    /* the address kept in a register: GCC otherwise asks __tls_get_addr
     * for it again after the test below (a call per list) */
    __asm__("" : "+r"(t));
#endif
    if (t->busy || (!t->registered && !scratch_register(t)))
        return fallback;
    t->busy = true;
    t->buf.len = 0; /* bib_buf_reset without its call (see the list loop) */
    return &t->buf;
}

/* Gives back what scratch_take returned (`fallback`: what it was given). */
static void scratch_give(bib_buf *b, bib_buf *fallback)
{
    if (b == fallback) {
        bib_buf_clear(b);
        return;
    }
    if (b->failed || b->cap > SCRATCH_KEEP)
        bib_buf_clear(b);
    ((scratch_tls *)(void *)b)->busy = false;
}

/* One name of a list, s[start..i) (i == len: the last): "others", a name
 * (parsed into sc and added) or an empty one (counted in *bad). 0 or the
 * error to return. m: the list's masks, which give last_first_scan's
 * answer (list_masks_of's lists have no stop), or NULL. */
static inline __attribute__((always_inline)) int
list_segment(bib_record *rec, bib_var var, bib_buf *sc, const char *s, size_t len,
                        size_t start, size_t i, unsigned flags, size_t *bad, int *added,
                        const list_masks *m)
{
    const char *p = s + start;
    size_t l = i - start;
    while (l && c_space(*p)) {
        p++;
        l--;
    }
    while (l && c_space(p[l - 1]))
        l--;
    if (l == 6 && strncasecmp(p, "others", 6) == 0 && i == len)
        return bib_record_set_names_truncated(rec, var, true);
    if (!l) {
        if (bad && i < len)
            (*bad)++;
        return 0;
    }
    lf_scan pre;
    if (m) { /* the one comma; blanks before it; every blank one ' ' */
        size_t off = (size_t)(p - s);
        uint64_t r = bit_range(off, l), cm = m->comma & r;
        pre.ok = cm && !(cm & (cm - 1));
        pre.comma = pre.ok ? (size_t)__builtin_ctzll(cm) - off : 0;
        pre.blank = (m->ws & bit_range(off, pre.comma)) != 0;
        pre.single = !((m->ws ^ m->sp) & r) && !(m->sp & (m->sp >> 1) & r);
    }
    bib_name n;
    /* bib_buf_reset without its call: no part is read but those the
     * parse writes, each with its NUL */
    sc->len = 0;
    int rc = parse_into(&n, sc, p, l, flags, s, s + len, m ? &pre : NULL);
    if (rc == 0)
        rc = bib__record_add_name_block(rec, var, &n, sc->data, sc->len);
    if (rc && rc != BIB_EPARSE)
        return rc;
    if (rc == 0)
        (*added)++;
    else if (bad)
        (*bad)++;
    return 0;
}

int bib_names_add_bibtex(bib_record *rec, bib_var var, const char *s, size_t len,
                         unsigned flags, size_t *bad)
{
    if (bad)
        *bad = 0;
    int added = 0, rc = 0;
    size_t i = 0, start = 0;
    /* every name's parts go through this one buffer, then into the record's
     * arena in one copy (bib__record_add_name_block): no allocation per
     * part, nor per list (scratch_take) */
    bib_buf local = BIB_BUF_INIT, *sc = scratch_take(&local);
    list_masks m;
    uint64_t and_at;
    if (list_masks_of(s, len, &m, &and_at)) {
        /* no brace: each " and " splits (one never starts inside another's
         * "and", so the next is past this one's) */
        for (;; and_at &= and_at - 1) {
            i = and_at ? (size_t)__builtin_ctzll(and_at) : len;
            rc = list_segment(rec, var, sc, s, len, start, i, flags, bad, &added, &m);
            if (rc || i == len)
                break;
            start = i + 4;
        }
        scratch_give(sc, &local);
        return rc ? rc : added;
    }
    int depth = 0;
    while (i <= len) {
        /* words and the white space between them need no look */
        i = list_next_stop(s, i, len);
        bool split = i == len;
        if (!split) {
            char c = s[i];
            if (c == '{')
                depth++;
            else if (c == '}' && depth > 0)
                depth--;
            else if (depth == 0 && c_space(c) && i + 4 < len &&
                     (s[i + 1] | 0x20) == 'a' && (s[i + 2] | 0x20) == 'n' &&
                     (s[i + 3] | 0x20) == 'd' && /* tolower's C-locale result, no call */
                     c_space(s[i + 4]))
                split = true;
        }
        if (split) {
            rc = list_segment(rec, var, sc, s, len, start, i, flags, bad, &added, NULL);
            if (rc || i == len)
                break;
            i += 4; /* past " and" */
            start = i;
            continue;
        }
        i++;
    }
    scratch_give(sc, &local);
    return rc ? rc : added;
}

/* Appends one name part as BibTeX text, braces where the reader would
 * split otherwise: words starting in lower case (they would read as von)
 * when `protect_lower`, the word "and", and any comma. */
/* Whether put_part writes p as it is: every byte one that LaTeX
 * conversion copies, no comma, words split by single spaces with none at
 * either end, none of them "and", and (for a family name) no space at all,
 * whose case rule needs the full path. Most name parts (one plain word).
 * One pass, which also gives p's length in *len. */
static bool part_as_is(const char *p, size_t *len, bool protect_lower)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t i = 0, word = 0; /* word: where the current word starts */
    bool ok = true;
    for (;; i++) {
        unsigned char c = u[i];
        if (c == ' ' || !c) {
            /* an empty word (a space at either end, two in a row) or "and" */
            if (i == word || (i - word == 3 && strncasecmp(p + word, "and", 3) == 0) ||
                (c && protect_lower)) {
                ok = false;
                break;
            }
            if (!c)
                break;
            word = i + 1;
        } else if (!bib__latex_from_plain[c] || c == ',') {
            ok = false;
            break;
        }
    }
    *len = ok ? i : i + strlen(p + i);
    return ok;
}

static void put_part(bib_buf *out, const char *p, bool ascii, bool protect_lower)
{
    size_t len, i = 0;
    bool first = true;
    if (part_as_is(p, &len, protect_lower)) {
        bib_buf_append_fast(out, p, len);
        return;
    }
    if (protect_lower && strchr(p, ' ')) {
        /* a family name of several words, one of which (not the last)
         * would read back as von ('t Hooft, \noopsort{x}boven d'Eert, a
         * word that becomes {\l}...): one group keeps them the family */
        /* converted in place in out (a huge name is then held once more,
         * not twice), and taken back when no group is needed */
        size_t at = out->len;
        bib_latex_from_unicode(out, p, len, ascii ? BIB_LATEX_ASCII : 0, NULL);
        bool need = false;
        int depth = 0;
        size_t start = at;
        for (size_t k = at; k <= out->len && !need && !bib_buf_failed(out); k++) {
            char c = k < out->len ? out->data[k] : ' ';
            if (c == '{')
                depth++;
            else if (c == '}' && depth > 0)
                depth--;
            else if (c == ' ' && depth == 0) {
                btok t = {out->data + start, k - start, false, false}; /* only its case is asked */
                need = k < out->len && k > start && token_case(&t) == 1;
                start = k + 1;
            }
        }
        if (need && bib_buf_putc(out, '}') == 0 && bib_buf_putc(out, '}') == 0) {
            /* the group's '{' goes before the converted text */
            memmove(out->data + at + 1, out->data + at, out->len - 2 - at);
            out->data[at] = '{';
            return;
        }
        bib_buf_truncate(out, at);
        if (need) /* out of memory: out says so */
            return;
    }
    while (i < len) {
        size_t j = i;
        while (j < len && p[j] != ' ')
            j++;
        if (!first)
            bib_buf_putc(out, ' ');
        first = false;
        /* a lone word is always the last name, whatever its case */
        bool brace = (protect_lower && j < len && islower((unsigned char)p[i])) ||
                     (j - i == 3 && strncasecmp(p + i, "and", 3) == 0) ||
                     memchr(p + i, ',', j - i);
        if (brace)
            bib_buf_putc(out, '{');
        bib_latex_from_unicode(out, p + i, j - i, ascii ? BIB_LATEX_ASCII : 0, NULL);
        if (brace)
            bib_buf_putc(out, '}');
        i = j;
        while (i < len && p[i] == ' ')
            i++;
    }
}

int bib_name_format_bibtex(bib_buf *out, const bib_name *n, bool ascii)
{
    /* a given name alone ("Banksy"): BibTeX has no First without a Last
     * ("{, Banksy}" reads back as no name), so it goes out whole, as one
     * braced part, as a literal does */
    const char *whole = n->literal && !n->family ? n->literal
                        : !n->family && !n->literal && !n->non_dropping_particle &&
                                  !n->dropping_particle && !n->suffix && n->given && *n->given
                            ? n->given
                            : NULL;
    if (whole) {
        bib_buf_putc(out, '{');
        bib_latex_from_unicode(out, whole, strlen(whole), ascii ? BIB_LATEX_ASCII : 0, NULL);
        bib_buf_putc(out, '}');
        return bib_buf_failed(out) ? BIB_ENOMEM : 0;
    }
    const char *particle = n->non_dropping_particle ? n->non_dropping_particle
                                                    : n->dropping_particle;
    if (particle && n->non_dropping_particle && n->dropping_particle) {
        bib_buf_puts(out, n->dropping_particle);
        bib_buf_putc(out, ' ');
    }
    if (particle) {
        /* particles read back as von only while they start in lower case */
        if (islower((unsigned char)particle[0]))
            bib_latex_from_unicode(out, particle, strlen(particle), ascii ? BIB_LATEX_ASCII : 0,
                                   NULL);
        else
            put_part(out, particle, ascii, false);
        bib_buf_putc(out, ' ');
    }
    if (n->family)
        put_part(out, n->family, ascii, true);
    if (n->suffix) {
        bib_buf_append_fast(out, ", ", 2);
        put_part(out, n->suffix, ascii, false);
    }
    if (n->given || n->suffix) {
        bib_buf_append_fast(out, ", ", 2);
        if (n->given && *n->given)
            put_part(out, n->given, ascii, false);
        else if (n->suffix)
            bib_buf_puts(out, "{}"); /* "Last, Jr," ends in a comma, which
                                      * BibTeX drops (then Jr is First) */
    }
    return bib_buf_failed(out) ? BIB_ENOMEM : 0;
}
