/* SPDX-License-Identifier: MIT */
/*
 * record_decode.c - the recipes by which a value is decoded from the text
 * a format wrote it as (record.h, bib_record_decode): BibTeX's LaTeX with
 * its white-space rule, keyword lists, page ranges and name lists. They
 * are core's, not the reader's, because a record may run one long after
 * reading (bib_record_defer: on the first read of the value), when the
 * plugin whose reader made the record may be unloaded; the reader runs
 * the same ones when it decodes at once, so both ways give one value
 * (docs/bibtex.md, "Source text"; tests/bibtex/test_bibtex.c compares
 * them over the corpus).
 *
 * Not for: keeping the source text or the undecoded state (record.c).
 */
#include <ctype.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "bibconv/latex.h"
#include "bibconv/names.h"
#include "record_int.h"

/* ---- the white-space rule ------------------------------------------------ */

/* From d[i], past words and the single spaces between them: the index of
 * the first byte below ' ', of a space that starts the text, ends it or
 * comes before another byte of at most ' ', or len. Sixteen bytes a step
 * where SSE2 is there, then eight. */
static size_t words_run(const char *d, size_t i, size_t len)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
#if defined(__x86_64__) && defined(__SSE2__)
    if (i < len && (unsigned char)d[i] != ' ') {
        const __m128i ctl = _mm_set1_epi8(0x1F), sp = _mm_set1_epi8(' ');
        while (len - i >= 17) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(d + i));
            __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(d + i + 1));
            __m128i bad = _mm_or_si128(
                _mm_cmpeq_epi8(_mm_min_epu8(x, ctl), x),
                _mm_and_si128(_mm_cmpeq_epi8(x, sp), _mm_cmpeq_epi8(_mm_min_epu8(y, sp), y)));
            unsigned bits = (unsigned)_mm_movemask_epi8(bad);
            if (bits)
                return i + (size_t)__builtin_ctz(bits);
            i += 16;
        }
    }
#endif
    while (i < len) {
        if (len - i >= 8) {
            uint64_t x;
            memcpy(&x, d + i, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
            x = __builtin_bswap64(x);
#endif
            uint64_t hit = (x - ones * 0x21) & ~x & high;
            if (!hit) {
                i += 8;
                continue;
            }
            i += (size_t)__builtin_ctzll(hit) / 8; /* the first byte <= ' ' */
        }
        unsigned char ch = (unsigned char)d[i];
        if (ch > ' ' || (ch == ' ' && i > 0 && i + 1 < len && (unsigned char)d[i + 1] > ' '))
            i++;
        else
            break;
    }
    return i;
}

/* Collapses each white space run of d[0..len) (space, tab, line breaks)
 * to one space, none at either end, as BibTeX does on output: the new
 * length. The runs of words and single spaces between them are moved
 * whole, so a value needs no byte loop (most need no move either). */
static size_t collapse_ws(char *d, size_t len)
{
    size_t w = words_run(d, 0, len), i = w;
    bool sp = false;
    while (i < len) {
        char ch = d[i];
        if (ch == '\n' || ch == '\r' || ch == '\t' || ch == ' ') {
            sp = w > 0;
            i++;
            continue;
        }
        if (sp)
            d[w++] = ' ';
        sp = false;
        if ((unsigned char)ch < ' ') { /* another control byte: kept, alone */
            d[w++] = ch;
            i++;
            continue;
        }
        size_t j = words_run(d, i, len); /* > i: d[i] is past ' ' */
        memmove(d + w, d + i, j - i);
        w += j - i;
        i = j;
    }
    return w;
}

/* ---- values with nothing to convert ---------------------------------------- */

/* plain_value's byte classes: 1 a byte that always needs converting or
 * collapsing (LaTeX's '\\', braces, '~', '$'; a byte below ' '), 2 one
 * that does when the next byte is the same (a dash, a TeX quote), 3 a
 * space (when the next byte is at most ' '). Classes 1-2 repeat
 * latex_char_class (core/latex_scan.h), for a scan of a whole value in
 * one pass; test bibtex-plain-scan fails when the two sets differ. */
static const unsigned char plain_class[256] = {
    [0] = 1,    [1] = 1,    [2] = 1,    [3] = 1,    [4] = 1,    [5] = 1,    [6] = 1,
    [7] = 1,    [8] = 1,    [9] = 1,    [10] = 1,   [11] = 1,   [12] = 1,   [13] = 1,
    [14] = 1,   [15] = 1,   [16] = 1,   [17] = 1,   [18] = 1,   [19] = 1,   [20] = 1,
    [21] = 1,   [22] = 1,   [23] = 1,   [24] = 1,   [25] = 1,   [26] = 1,   [27] = 1,
    [28] = 1,   [29] = 1,   [30] = 1,   [31] = 1,   ['\\'] = 1, ['{'] = 1,  ['}'] = 1,
    ['~'] = 1,  ['$'] = 1,  ['-'] = 2,  ['`'] = 2,  ['\''] = 2, [' '] = 3,
};

#if defined(__x86_64__) && defined(__SSE2__)
/* plain_value's test of the sixteen bytes at s (and the one after them):
 * a mask of the bytes that end the plain run */
static inline unsigned plain_block(const char *s)
{
    __m128i x = _mm_loadu_si128((const __m128i *)(const void *)s);
    __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(s + 1));
    __m128i sp = _mm_set1_epi8(' ');
    __m128i hard = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\\')), _mm_cmpeq_epi8(x, _mm_set1_epi8('{'))),
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('}')),
                                  _mm_cmpeq_epi8(x, _mm_set1_epi8('~'))),
                     _mm_cmpeq_epi8(x, _mm_set1_epi8('$'))));
    __m128i soft = _mm_and_si128(
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('-')),
                                  _mm_cmpeq_epi8(x, _mm_set1_epi8('`'))),
                     _mm_cmpeq_epi8(x, _mm_set1_epi8('\''))),
        _mm_cmpeq_epi8(x, y));
    __m128i ws = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(x, _mm_set1_epi8(0x1F)), x),
                              _mm_and_si128(_mm_cmpeq_epi8(x, sp),
                                            _mm_cmpeq_epi8(_mm_min_epu8(y, sp), y)));
    return (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(hard, soft), ws));
}
#endif

/* True when the value s[0..n) (s[n] readable: a NUL) is what the LaTeX
 * conversion without flags and then collapse_ws would give, in one pass
 * instead of two. s[n] may also be a list item's separator (',' or ';')
 * after the trimmed item: no blank, dash or quote, it makes the looks
 * past the last byte decide as the value's end does. */
static bool plain_value(const char *s, size_t n)
{
    if (n && s[0] == ' ')
        return false;
    size_t i = 0;
#if defined(__x86_64__) && defined(__SSE2__)
    if (n >= 16) {
        for (; n - i >= 16; i += 16)
            if (plain_block(s + i))
                return false;
        /* the last bytes in one block that overlaps the one before; the
         * byte after it is the NUL, which ends a trailing space */
        return i == n || !plain_block(s + n - 16);
    }
#endif
    const unsigned char *u = (const unsigned char *)s;
    for (; i < n; i++) {
        unsigned k = plain_class[u[i]];
        if (k && (k == 1 || (k == 2 && u[i + 1] == u[i]) || (k == 3 && u[i + 1] <= ' ')))
            return false;
    }
    return true;
}

/* ---- scratch ------------------------------------------------------------------ */

/* The recipes' two conversion buffers, one pair per thread (a recipe runs
 * on the thread that reads the record): no allocation per value. A pair
 * grown past SCRATCH_KEEP by a huge value is freed after it. The key's
 * destructor frees a worker thread's pair when it ends. */
enum { SCRATCH_KEEP = 1 << 20 };
typedef struct scratch {
    bib_buf tmp, pages;
    bool busy, registered;
} scratch;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static pthread_key_t scratch_key;
static bool scratch_ok;
static _Thread_local scratch tls_scratch = {BIB_BUF_INIT, BIB_BUF_INIT, false, false};

static void scratch_free(void *p)
{
    scratch *s = p;
    bib_buf_clear(&s->tmp);
    bib_buf_clear(&s->pages);
    s->registered = false;
}

static void scratch_init(void) { scratch_ok = pthread_key_create(&scratch_key, scratch_free) == 0; }

/* The thread's pair, or `fallback` (to clear after) when it is in use or
 * cannot be registered for freeing. */
static scratch *scratch_take(scratch *fallback)
{
    scratch *t = &tls_scratch;
    if (!t->registered) {
        pthread_once(&scratch_once, scratch_init);
        if (!scratch_ok || pthread_setspecific(scratch_key, t) != 0)
            return fallback;
        t->registered = true;
    }
    if (t->busy)
        return fallback;
    t->busy = true;
    return t;
}

static void scratch_give(scratch *t, scratch *fallback)
{
    if (t == fallback || t->tmp.failed || t->tmp.cap > SCRATCH_KEEP)
        bib_buf_clear(&t->tmp);
    if (t == fallback || t->pages.failed || t->pages.cap > SCRATCH_KEEP)
        bib_buf_clear(&t->pages);
    t->busy = false;
}

/* A recipe's scratch, taken on its first use: a value with nothing to
 * convert (most) costs no look at the thread's pair. */
typedef struct scratch_use {
    scratch *sc;
    scratch local;
} scratch_use;

static scratch *scratch_need(scratch_use *u)
{
    if (!u->sc) {
        u->local = (scratch){BIB_BUF_INIT, BIB_BUF_INIT, false, false};
        u->sc = scratch_take(&u->local);
    }
    return u->sc;
}

static void scratch_done(scratch_use *u)
{
    if (u->sc)
        scratch_give(u->sc, &u->local);
}

/* ---- the recipes -------------------------------------------------------------- */

/* True when the LATEX recipe with flags gives s[0..n) itself. */
static bool latex_plain(unsigned flags, const char *s, size_t n)
{
    return flags & BIB_LATEX_VERBATIM
               ? !memchr(s, '{', n) && !memchr(s, '}', n) && words_run(s, 0, n) == n
               : plain_value(s, n);
}

/* LATEX for a value that is not latex_plain (or is huge): var replaced
 * by s[0..n) converted; 1, 0 (nothing) or an error. */
static int decode_latex(bib_record *rec, bib_var var, unsigned flags, const char *s, size_t n,
                        bib_buf *tmp)
{
    bib_buf_reset(tmp);
    int rc = bib_latex_to_unicode(tmp, s, n, flags, NULL);
    if (rc < 0)
        return rc;
    size_t w = collapse_ws(tmp->data, tmp->len);
    bib_buf_truncate(tmp, w);
    if (!w)
        return 0;
    if (w >= (1u << 20)) /* a long value: the record takes the buffer, no copy */
        rc = bib_record_set_text_owned(rec, var, bib_buf_detach(tmp));
    else
        rc = bib__record_text_value(rec, var, tmp->data, w, true);
    return rc < 0 ? rc : 1;
}

/* LATEX_LIST: one value per item between ',' and ';'; the count added. */
static int decode_list(bib_record *rec, bib_var var, const char *v, size_t vn, scratch_use *u)
{
    int rc = 0, added = 0;
    const char *s = v, *end = v + vn;
    while (s < end && rc >= 0) {
        /* the value ends in a NUL (the reader's) and holds none */
        const char *q = s + strcspn(s, ",;");
        while (q < end && *q != ',' && *q != ';')
            q++;
        const char *a = s, *b = q;
        while (a < b && isspace((unsigned char)*a))
            a++;
        while (b > a && isspace((unsigned char)b[-1]))
            b--;
        if (b > a && plain_value(a, (size_t)(b - a))) {
            /* most items: nothing to convert or collapse (the item is
             * trimmed, so the byte after it is no trailing space's) */
            rc = bib__record_text_value(rec, var, a, (size_t)(b - a), false);
            added += rc >= 0;
        } else if (b > a) {
            bib_buf *tmp = &scratch_need(u)->tmp;
            bib_buf_reset(tmp);
            rc = bib_latex_to_unicode(tmp, a, (size_t)(b - a), 0, NULL);
            /* white space runs inside an item are one space, as in every
             * text field (a keyword wrapped over lines: "Cell\n\tCulture") */
            if (rc >= 0)
                bib_buf_truncate(tmp, collapse_ws(tmp->data, tmp->len));
            if (rc >= 0 && tmp->len) {
                rc = bib__record_text_value(rec, var, tmp->data, tmp->len, false);
                added += rc >= 0;
            }
        }
        s = q + 1;
    }
    return rc < 0 ? rc : added;
}

/* LATEX_RANGE: var replaced by the range s[0..n) converted and with its
 * dashes as one '-'; 1, 0 (nothing) or an error. */
static int decode_range(bib_record *rec, bib_var var, const char *s, size_t n, scratch *sc)
{
    bib_buf_reset(&sc->tmp);
    int rc = bib_latex_to_unicode(&sc->tmp, s, n, 0, NULL);
    if (rc < 0)
        return rc;
    bib_buf_reset(&sc->pages);
    rc = bib_pages_normalize(&sc->pages, sc->tmp.data, sc->tmp.len, "-");
    if (rc < 0 || !sc->pages.len)
        return rc;
    rc = bib__record_text_value(rec, var, sc->pages.data, sc->pages.len, true);
    return rc < 0 ? rc : 1;
}

/* bib_record_decode but for a plain LATEX value, out of line: the plain
 * one (most) then costs no registers saved for the others. */
static __attribute__((noinline)) int decode_other(bib_record *rec, bib_var var,
                                                  bib_recipe recipe, unsigned flags,
                                                  const char *s, size_t len, size_t *bad)
{
    /* the setters the recipes call refuse a variable of another kind */
    if (bad)
        *bad = 0;
    if (!rec || (!s && len) || recipe < BIB_RECIPE_LATEX || recipe > BIB_RECIPE_BIBTEX_NAMES)
        return BIB_EINVAL;
    if (recipe == BIB_RECIPE_BIBTEX_NAMES)
        return bib_names_add_bibtex(rec, var, s ? s : "", len, flags, bad);
    if (!s || (recipe == BIB_RECIPE_LATEX && !len))
        return 0;
    scratch_use u;
    u.sc = NULL; /* the local pair is set up only when taken (scratch_need) */
    int rc = recipe == BIB_RECIPE_LATEX ? decode_latex(rec, var, flags, s, len,
                                                       &scratch_need(&u)->tmp)
             : recipe == BIB_RECIPE_LATEX_LIST ? decode_list(rec, var, s, len, &u)
                                               : decode_range(rec, var, s, len, scratch_need(&u));
    scratch_done(&u);
    return rc;
}

int bib_record_decode(bib_record *rec, bib_var var, bib_recipe recipe, unsigned flags,
                      const char *s, size_t len, size_t *bad)
{
    /* a value the conversion and the white space rule would only copy
     * (most are) goes to the record as it is */
    if (recipe == BIB_RECIPE_LATEX && s && len && len < (1u << 20) && latex_plain(flags, s, len)) {
        if (bad)
            *bad = 0;
        int rc = bib__record_text_value(rec, var, s, len, true);
        return rc < 0 ? rc : 1;
    }
    return decode_other(rec, var, recipe, flags, s, len, bad);
}

/* ---- what a text decodes to, told without decoding ------------------------------ */

static bool ascii_alnum(unsigned char c)
{
    return (unsigned)(c - '0') < 10u || (unsigned)((c | 0x20) - 'a') < 26u;
}

/* True when the text gives at least one character under every LaTeX
 * recipe: an ASCII letter or digit before any byte that could start
 * something the conversion drops or changes ('\\' a command, '$' math,
 * '%'). Braces only group (or mark nocase), white space only collapses,
 * a dash or a quote becomes another character: none removes a letter. */
static bool text_nonempty(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (ascii_alnum(c))
            return true;
        if (c == '\\' || c == '$' || c == '%')
            return false;
    }
    return false;
}

static bool c_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/* names_nonempty's walk: only the bytes that matter are looked at (white
 * space, braces, '~', ',' and the refused '\\', '$', '=', '%'); any other
 * byte, told by the gap it leaves between two of them, is a name's
 * character, which decoding keeps. */
typedef struct names_walk {
    const char *s;
    size_t n, prev; /* prev: the position after the last byte looked at */
    size_t seg;     /* where the name being walked starts */
    size_t names;   /* names with a character so far */
    int depth;
    bool chars;     /* the name so far has a character */
    bool refused;
} names_walk;

static inline void names_byte(names_walk *w, size_t j)
{
    const char *s = w->s;
    char c = s[j];
    w->chars |= j > w->prev;
    w->prev = j + 1;
    if (c == '\\' || c == '$' || c == '=' || c == '%')
        w->refused = true;
    else if (c == '{')
        w->depth++;
    else if (c == '}')
        w->depth -= w->depth > 0;
    else if (w->depth == 0 && c_space(c) && j + 4 < w->n && (s[j + 1] | 0x20) == 'a' &&
             (s[j + 2] | 0x20) == 'n' && (s[j + 3] | 0x20) == 'd' && c_space(s[j + 4])) {
        /* bib_names_add_bibtex's split: the name before it must have a
         * character; the next starts at the blank after "and" */
        w->refused |= !w->chars;
        w->names++;
        w->chars = false;
        w->prev = w->seg = j + 4;
    }
}

/* The bytes names_walk looks at: white space, braces, '~', ',' and the
 * refused ones. */
static const bool names_stop[256] = {
    ['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1, [' '] = 1, ['{'] = 1, ['}'] = 1,
    ['~'] = 1,  [','] = 1,  ['\\'] = 1, ['$'] = 1,  ['='] = 1,  ['%'] = 1,
};

/* True when the BibTeX name list s[0..n) gives at least one name and no
 * empty one (bib_names_add_bibtex's *bad), told from the text: no command
 * or math (which may decode to nothing), no biber key=value name (whose
 * keys may all be unknown), and every name between the " and "s that
 * bib_names_add_bibtex splits at holding a character that is no white
 * space, brace, '~' or ',' (a token of its own, which decoding without
 * commands keeps); at most two commas to a name and none at a name's
 * start or end (the reader's bt_names_clean, asked first, or a name may
 * be refused); the list is not just "others". Sixteen bytes a step. */
static bool names_nonempty(const char *s, size_t n)
{
    names_walk w = {.s = s, .n = n};
    size_t i = 0;
#if defined(__x86_64__) && defined(__SSE2__)
    const __m128i c9 = _mm_set1_epi8(9), c4 = _mm_set1_epi8(4);
    for (; n - i >= 16 && !w.refused; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i t = _mm_sub_epi8(x, c9); /* \t..\r: 0..4 */
        __m128i m = _mm_or_si128(
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')),
                                      _mm_cmpeq_epi8(_mm_min_epu8(t, c4), t)),
                         _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('{')),
                                      _mm_cmpeq_epi8(x, _mm_set1_epi8('}')))),
            _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('~')),
                             _mm_cmpeq_epi8(x, _mm_set1_epi8(','))),
                _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\\')),
                                          _mm_cmpeq_epi8(x, _mm_set1_epi8('$'))),
                             _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('=')),
                                          _mm_cmpeq_epi8(x, _mm_set1_epi8('%'))))));
        for (unsigned bits = (unsigned)_mm_movemask_epi8(m); bits; bits &= bits - 1) {
            size_t j = i + (size_t)__builtin_ctz(bits);
            if (j >= w.prev) /* not inside an "and" passed over */
                names_byte(&w, j);
        }
    }
#endif
    for (; i < n && !w.refused; i++)
        if (i >= w.prev && names_stop[(unsigned char)s[i]])
            names_byte(&w, i);
    if (w.refused)
        return false;
    w.chars |= n > w.prev;
    if (!w.chars)
        return false; /* the last name is empty */
    /* a final "others" is the list's "et al.", no name */
    size_t a = w.seg, b = n;
    while (a < b && c_space(s[a]))
        a++;
    while (b > a && c_space(s[b - 1]))
        b--;
    return w.names + !(b - a == 6 && strncasecmp(s + a, "others", 6) == 0) > 0;
}

bool bib__recipe_nonempty(bib_recipe recipe, const char *s, size_t n)
{
    return recipe == BIB_RECIPE_BIBTEX_NAMES ? names_nonempty(s, n) : text_nonempty(s, n);
}
