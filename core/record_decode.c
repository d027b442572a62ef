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
#include "latex_scan.h"
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

/* plain_value's byte classes: latex_char_class's (core/latex_scan.h: 1
 * a byte LaTeX always converts, 2 one it does when the next byte is the
 * same: a dash, a TeX quote), and the white space rule's: 1 a byte below
 * ' ', 3 a space (when the next byte is at most ' '). Made from
 * latex_char_class when the library is loaded, so the set is written
 * once and a byte still costs one look-up. */
static unsigned char plain_class[256];
_Static_assert(sizeof latex_char_class == sizeof plain_class, "one class per byte");

__attribute__((constructor)) static void plain_class_init(void)
{
    memcpy(plain_class, latex_char_class, sizeof plain_class);
    memset(plain_class, 1, ' ');
    plain_class[' '] = 3;
}

#if defined(__x86_64__) && defined(__SSE2__)
/* plain_value's test of the sixteen bytes at s (and the one after them):
 * a mask of the bytes that end the plain run. Its "hard" and "soft"
 * bytes are latex_char_class's 1 and 2 (core/latex_scan.h), which the
 * byte loop below reads; test bibtex-plain-scan fails when they differ. */
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
static inline __attribute__((always_inline)) bool plain_value(const char *s, size_t n)
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
    if (n >= 4) {
        /* a short value in one block: its bytes and the one after them
         * (s[n]) copied in two overlapping moves to a block of plain
         * bytes, the bits past s[n - 1] not asked */
        char b[32];
        memset(b, 'x', sizeof b);
        uint64_t x, y;
        uint32_t p, q;
        if (n >= 8) {
            memcpy(&x, s, 8);
            memcpy(&y, s + n - 7, 8); /* through s[n] */
            memcpy(b, &x, 8);
            memcpy(b + n - 7, &y, 8);
        } else {
            memcpy(&p, s, 4);
            memcpy(&q, s + n - 3, 4);
            memcpy(b, &p, 4);
            memcpy(b + n - 3, &q, 4);
        }
        return !(plain_block(b) & ((1u << n) - 1));
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
typedef struct scratch_pair {
    bib_buf tmp, pages;
    bool busy, registered;
} scratch_pair;
static pthread_once_t scratch_once = PTHREAD_ONCE_INIT;
static pthread_key_t scratch_key;
static bool scratch_ok;
static _Thread_local scratch_pair tls_scratch = {BIB_BUF_INIT, BIB_BUF_INIT, false, false};

static void scratch_free(void *p)
{
    scratch_pair *s = p;
    bib_buf_clear(&s->tmp);
    bib_buf_clear(&s->pages);
    s->registered = false;
}

static void scratch_init(void) { scratch_ok = pthread_key_create(&scratch_key, scratch_free) == 0; }

/* Registers the thread's pair t for freeing when the thread ends; false
 * when that cannot be. Out of line: once per thread. */
static __attribute__((noinline)) bool scratch_register(scratch_pair *t)
{
    pthread_once(&scratch_once, scratch_init);
    if (!scratch_ok || pthread_setspecific(scratch_key, t) != 0)
        return false;
    t->registered = true;
    return true;
}

/* The thread's pair, or `fallback` (set up here, to clear after) when it
 * is in use or cannot be registered for freeing. */
static scratch_pair *scratch_take(scratch_pair *fallback)
{
    scratch_pair *t = &tls_scratch; /* one look-up of the thread-local a value */
    if (t->busy || (!t->registered && !scratch_register(t))) {
        *fallback = (scratch_pair){BIB_BUF_INIT, BIB_BUF_INIT, false, false};
        return fallback;
    }
    t->busy = true;
    return t;
}

static void scratch_give(scratch_pair *t, scratch_pair *fallback)
{
    if (t == fallback || t->tmp.failed || t->tmp.cap > SCRATCH_KEEP)
        bib_buf_clear(&t->tmp);
    if (t == fallback || t->pages.failed || t->pages.cap > SCRATCH_KEEP)
        bib_buf_clear(&t->pages);
    t->busy = false;
}

/* A recipe's scratch, taken on its first use: a value with nothing to
 * convert (most) costs no look at the thread's pair; the caller's buffer
 * (`given`, bib_record_decode's scratch) serves as its first one. */
typedef struct scratch_use {
    scratch_pair *sc;
    bib_buf *given;
    scratch_pair local;
} scratch_use;

static scratch_pair *scratch_need(scratch_use *u)
{
    if (!u->sc)
        u->sc = scratch_take(&u->local);
    return u->sc;
}

/* The recipe's first buffer: the caller's, else the pair's. */
static bib_buf *scratch_tmp(scratch_use *u)
{
    return u->given ? u->given : &scratch_need(u)->tmp;
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
    if (w < (1u << 20))
        return bib__record_text_one(rec, var, tmp->data, w);
    /* a long value: the record takes the buffer, no copy */
    rc = bib_record_set_text_owned(rec, var, bib_buf_detach(tmp));
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
            bib_buf *tmp = scratch_tmp(u);
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
static int decode_range(bib_record *rec, bib_var var, const char *s, size_t n, scratch_use *u)
{
    bib_buf *tmp = scratch_tmp(u), *pages = &scratch_need(u)->pages;
    bib_buf_reset(tmp);
    int rc = bib_latex_to_unicode(tmp, s, n, 0, NULL);
    if (rc < 0)
        return rc;
    bib_buf_reset(pages);
    rc = bib_pages_normalize(pages, tmp->data, tmp->len, "-");
    if (rc < 0 || !pages->len)
        return rc;
    rc = bib__record_text_value(rec, var, pages->data, pages->len, true);
    return rc < 0 ? rc : 1;
}

/* GCC's noipa keeps the recipes below out of interprocedural changes, so
 * bib_record_decode's calls stay jumps; clang has no noipa, and noinline
 * does that there. */
#if defined(__clang__)
#define DECODE_NOIPA __attribute__((noinline))
#else
#define DECODE_NOIPA __attribute__((noipa))
#endif

/* bib_record_decode's other recipes (the same parameters as it: the
 * call is a jump). */
static DECODE_NOIPA int decode_other(bib_record *rec, bib_var var,
                                                  bib_recipe recipe, unsigned flags,
                                                  const char *s, size_t len, bib_buf *scratch)
{
    /* the setters the recipes call refuse a variable of another kind */
    if (recipe == BIB_RECIPE_BIBTEX_NAMES)
        return rec && (s || !len) ? bib_names_add_bibtex(rec, var, s ? s : "", len, flags, NULL)
                                  : BIB_EINVAL;
    if (!rec || (!s && len) ||
        (recipe != BIB_RECIPE_LATEX_LIST && recipe != BIB_RECIPE_LATEX_RANGE))
        return BIB_EINVAL;
    if (!s)
        return 0;
    scratch_use u;
    u.sc = NULL; /* the local pair is set up only when taken (scratch_need) */
    u.given = scratch;
    int rc = recipe == BIB_RECIPE_LATEX_LIST ? decode_list(rec, var, s, len, &u)
                                             : decode_range(rec, var, s, len, &u);
    scratch_done(&u);
    return rc;
}

/* bib_record_decode's LATEX (the same parameters: the call is a jump). */
static DECODE_NOIPA int decode_text(bib_record *rec, bib_var var,
                                                 bib_recipe recipe, unsigned flags,
                                                 const char *s, size_t len, bib_buf *scratch)
{
    (void)recipe;
    if (!rec || (!s && len))
        return BIB_EINVAL;
    if (!len)
        return 0;
    /* a value the conversion and the white space rule would only copy
     * (most are) goes to the record as it is */
    if (len < (1u << 20) && latex_plain(flags, s, len))
        return bib__record_text_one(rec, var, s, len);
    scratch_use u;
    u.sc = NULL;
    u.given = scratch;
    int rc = decode_latex(rec, var, flags, s, len, scratch_tmp(&u));
    scratch_done(&u);
    return rc;
}

/* A dispatch by tail calls only: a value costs no registers saved here. */
int bib_record_decode(bib_record *rec, bib_var var, bib_recipe recipe, unsigned flags,
                      const char *s, size_t len, bib_buf *scratch)
{
    if (recipe == BIB_RECIPE_LATEX)
        return decode_text(rec, var, recipe, flags, s, len, scratch);
    return decode_other(rec, var, recipe, flags, s, len, scratch);
}

/* ---- what a text decodes to, told without decoding ------------------------------ */

/* text_nonempty's byte classes: 1 an ASCII letter or digit, 2 a byte
 * that may start something the conversion drops or changes ('$' math,
 * '%'), 3 a command, 4 and 5 a brace. */
static const unsigned char text_class[256] = {
    ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1,
    ['8'] = 1, ['9'] = 1, ['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1,
    ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1,
    ['O'] = 1, ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1,
    ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1,
    ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1, ['k'] = 1, ['l'] = 1,
    ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1, ['t'] = 1,
    ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1, ['y'] = 1, ['z'] = 1, ['$'] = 2, ['%'] = 2,
    ['\\'] = 3, ['{'] = 4, ['}'] = 5,
};

static bool ascii_letter(char c) { return (unsigned)((c | 0x20) - 'a') < 26u; }
static size_t char_end(const char *s, size_t i, size_t n);

/* True when the text gives at least one character under every LaTeX
 * recipe: an ASCII letter or digit before any byte that could start
 * something the conversion drops or changes ('$' math, '%'), outside a
 * command: neither a command's name (\relax may decode to nothing) nor
 * what follows it, a group or one character (an argument it may drop:
 * \href{url}), counts. Braces only group (or mark nocase), white space
 * only collapses, a dash or a quote becomes another character: none
 * removes a letter. A list item or a range holds the letter too (a list
 * is split at ',' and ';', a range at its dashes and commas: neither is
 * a letter). Most values: their first byte decides. */
static bool text_nonempty(const char *s, size_t n)
{
    const unsigned char *u = (const unsigned char *)s;
    int depth = 0, quiet = -1; /* quiet: an argument group is open at that level */
    size_t i = 0;
    for (; i < n; i++) { /* up to the first command: most values end here */
        unsigned k = text_class[u[i]];
        if (k == 1 || k == 2)
            return k == 1;
        if (k == 3)
            break;
        depth += k == 4 ? 1 : k == 5 && depth > 0 ? -1 : 0;
    }
    while (i < n) {
        switch (text_class[u[i]]) {
        case 1:
            if (quiet < 0)
                return true;
            i++;
            break;
        case 2:
            return false;
        case 3: {
            size_t e = i + 1;
            if (e < n && ascii_letter(s[e])) {
                while (e < n && ascii_letter(s[e]))
                    e++;
                while (e < n && (s[e] == ' ' || s[e] == '\t' || s[e] == '\n'))
                    e++;
            } else {
                e = e < n ? char_end(s, e, n) : e;
            }
            if (e < n && s[e] == '{' && quiet < 0)
                quiet = depth;
            else if (e < n && text_class[u[e]] < 2)
                e = char_end(s, e, n); /* an argument of one character */
            i = e;
            break;
        }
        case 4:
            depth++;
            i++;
            break;
        case 5:
            depth -= depth > 0;
            if (depth == quiet)
                quiet = -1;
            i++;
            break;
        default:
            i++;
        }
    }
    return false;
}

static bool c_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

/* The bytes names_walk looks at: ' ', '\t', '\n', braces, ',', '~', and
 * the refused ones ('\\', '$', '=', '%', '\v', '\f', '\r'). */
static const bool names_stop[256] = {
    ['\t'] = 1, ['\n'] = 1, ['\v'] = 1, ['\f'] = 1, ['\r'] = 1, [' '] = 1, ['{'] = 1, ['}'] = 1,
    ['~'] = 1,  [','] = 1,  ['\\'] = 1, ['$'] = 1,  ['='] = 1,  ['%'] = 1,
};

/* names_nonempty's walk: only the bytes that matter are looked at (the
 * names_stop ones); any other byte, told by the gap it leaves between two
 * of them, is a character of a name's word, which decoding keeps. */
typedef struct names_walk {
    const char *s;
    size_t n, prev; /* prev: the position after the last byte looked at */
    size_t seg;     /* where the name being walked starts */
    size_t names;   /* names with a character so far */
    unsigned commas; /* commas at brace level 0 in the name so far */
    int depth;
    int quiet;      /* a command's argument group is open at this level: its
                     * bytes do not count as characters; -1 none */
    size_t cmd_end; /* where the last command's name (and blanks) ended */
    bool chars;     /* the name so far has a character */
    bool start;     /* no word byte, brace or comma in the name yet */
    bool comma;     /* a comma is the name's last byte so far (at level 0) */
    bool refused;
} names_walk;

/* The end of the UTF-8 character that starts at s[i] (i < n). */
static size_t char_end(const char *s, size_t i, size_t n)
{
    for (i++; i < n && ((unsigned char)s[i] & 0xC0) == 0x80;)
        i++;
    return i;
}

/* A command at s[j] ('\\'): neither its name (\relax may decode to
 * nothing) nor what follows it, a group or one character (an argument
 * it may drop: \href{url}, \href u), is a character of the name; the
 * next bytes are (after white space too: it may start an " and ", and
 * no command that drops its argument is written so in a name). Refused:
 * an escaped byte the walk looks at (\{, \,, \~, \\: the reader's
 * bt_names_clean counts it as what it is unescaped). */
static void names_command(names_walk *w, size_t j)
{
    const char *s = w->s;
    size_t e = j + 1;
    if (e >= w->n || names_stop[(unsigned char)s[e]]) {
        w->refused = true;
        return;
    }
    if (!w->depth) /* a word's byte to the comma rule */
        w->start = w->comma = false;
    if (ascii_letter(s[e]))
        while (e < w->n && ascii_letter(s[e]))
            e++;
    else
        e++; /* a control symbol: \", \', \& */
    w->prev = e;
    w->cmd_end = e;
    if (e >= w->n)
        return;
    if (!names_stop[(unsigned char)s[e]])
        w->prev = char_end(s, e, w->n); /* an argument of one character */
}

static inline void names_byte(names_walk *w, size_t j)
{
    const char *s = w->s;
    char c = s[j];
    if (j > w->prev) { /* a word's bytes came between */
        w->chars |= w->quiet < 0;
        if (!w->depth)
            w->start = w->comma = false;
    }
    w->prev = j + 1;
    switch (c) {
    case '\\':
        names_command(w, j);
        break;
    case '$': case '=': case '%': case '\v': case '\f': case '\r':
        w->refused = true;
        break;
    case '{':
        if (j == w->cmd_end && w->quiet < 0)
            w->quiet = w->depth; /* a command's argument: it may be dropped */
        w->depth++;
        w->start = w->comma = false;
        break;
    case '}':
        w->depth -= w->depth > 0;
        if (w->depth == w->quiet)
            w->quiet = -1;
        w->start = w->comma = false;
        break;
    case '~': /* a word's byte to the comma rule, no character (a tie) */
        if (!w->depth)
            w->start = w->comma = false;
        break;
    case ',':
        if (!w->depth) {
            w->refused |= w->start || ++w->commas > 2;
            w->comma = true;
        }
        break;
    default: /* ' ', '\t', '\n' */
        if (w->depth == 0 && j + 4 < w->n && (s[j + 1] | 0x20) == 'a' &&
            (s[j + 2] | 0x20) == 'n' && (s[j + 3] | 0x20) == 'd' && c_space(s[j + 4])) {
            /* bib_names_add_bibtex's split: the name before it must have
             * a character and no comma at its end; the next starts at the
             * blank after "and" */
            w->refused |= !w->chars || w->comma;
            w->names++;
            w->chars = w->comma = false;
            w->start = true;
            w->commas = 0;
            w->prev = w->seg = j + 4;
        }
        break;
    }
}

/* True when the BibTeX name list s[0..n) gives at least one name and no
 * empty one (bib_names_add_bibtex's *bad), and has none of the slips
 * BibTeX warns of and the BibTeX reader forgives (a comma that starts or
 * ends a name, more than two commas in one: the reader's bt_names_clean,
 * which it asks of a list it decodes at once), told from the text: no
 * command or math (which may decode to nothing), no biber key=value name
 * (whose keys may all be unknown), no control byte but a tab or a line
 * break; every name between the " and "s that bib_names_add_bibtex
 * splits at holds a byte that is no white space, brace, '~' or ',' (a
 * word's, which decoding without commands keeps); and the list is not
 * just "others". Sixteen bytes a step. */
static __attribute__((noinline)) bool names_nonempty(const char *s, size_t n)
{
    names_walk w = {.s = s, .n = n, .start = true, .quiet = -1, .cmd_end = SIZE_MAX};
    size_t i = 0;
#if defined(__x86_64__) && defined(__SSE2__)
    const __m128i c9 = _mm_set1_epi8(9), c4 = _mm_set1_epi8(4);
    for (; i < n && n >= 16 && !w.refused; i += 16) {
        size_t at = i;
        if (n - i < 16)
            at = n - 16; /* the last bytes in one block over ones seen */
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + at));
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
        unsigned bits = (unsigned)_mm_movemask_epi8(m) & (0xFFFFu << (i - at));
        for (; bits; bits &= bits - 1) {
            size_t j = at + (size_t)__builtin_ctz(bits);
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
    if (n > w.prev) { /* the last word */
        w.chars |= w.quiet < 0;
        if (!w.depth)
            w.start = w.comma = false;
    }
    if (!w.chars || w.comma)
        return false; /* the last name is empty, or ends in a comma */
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
