/* SPDX-License-Identifier: MIT */
/*
 * bt_lexer.c - the entry parser of the bibtex reader, a hand-written lexer
 * over one bib_input window: it parses one entry and returns BT_BT_NEED_MORE
 * when the entry runs past the window, so the reader asks for a larger one
 * (memory is bounded by the largest entry, never the file). Every loop
 * moves forward; brace nesting is a counter, so a value nested 100,000
 * braces deep costs one pass and no stack. The line ends it steps over
 * are counted on the way (bt_pctx.lines), so that the input does not pass
 * over an entry's bytes again to count them (bt_consume_entry).
 *
 * Grammar accepted (case-insensitive identifiers):
 *     file      := (junk | entry)*          junk: any text without '@'
 *     entry     := '@' ws ident ws ('{' body '}' | '(' body ')')
 *     body      := key ws ',' fields  |  fields          (for @string)
 *                  | raw                                  (@preamble/@comment)
 *     fields    := (field (',' field)*)? ','?
 *     field     := ident ws '=' ws value
 *     value     := part (ws '#' ws part)*
 *     part      := '{' balanced '}' | '"' balanced-without-top-level-'"' '"'
 *                  | digits | ident (a macro; jan..dec predefined)
 * After an error the reader skips to the next '@' at the start of a line
 * (after optional blanks) and reports BIB_EPARSE: one bad entry costs one
 * entry.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "bibconv/dates.h"
#include "btfmt.h"

/* Notes a slip the parser forgave at `at`, given once the entry is parsed. */
static void forgive(bt_pctx *c, const char *at, const char *fmt, ...) BIB_PRINTF(3, 4);
static void forgive(bt_pctx *c, const char *at, const char *fmt, ...)
{
    if (c->nwarn == BT_MAX_FORGIVEN)
        return;
    c->warn_at[c->nwarn] = at;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->warn[c->nwarn], sizeof c->warn[0], fmt, ap);
    va_end(ap);
    c->nwarn++;
}

/* A '%' that opens its line (after blanks) starts a comment there. */
static bool comment_line(const bt_pctx *c, const char *p)
{
    const char *q = p;
    while (q > c->d && (q[-1] == ' ' || q[-1] == '\t'))
        q--;
    return q > c->d && (q[-1] == '\n' || q[-1] == '\r');
}

/* The line ends in b..e as io.h counts them ("\n", "\r\n", a lone "\r"):
 * a "\n" right after a "\r" is that "\r"'s, also when the "\r" is before
 * b (b is past the window's start: an entry starts with its '@'). For the
 * paths that meet line ends seldom; the usual ones count inline. */
static size_t count_breaks(const char *b, const char *e)
{
    size_t k = 0;
    for (const char *p = b; p < e; p++)
        k += *p == '\r' || (*p == '\n' && p[-1] != '\r');
    return k;
}

/* count_breaks for the hot paths' rare case: out of line, so that their
 * usual case keeps its registers */
static __attribute__((noinline, cold)) void add_breaks(bt_pctx *c, const char *b, const char *e)
{
    c->lines += count_breaks(b, e);
}

/* BibTeX forbids these in identifiers; everything else printable goes */
#define IC(c)                                                                                 \
    ((c) > ' ' && (c) != '{' && (c) != '}' && (c) != '(' && (c) != ')' && (c) != ',' &&      \
     (c) != '=' && (c) != '"' && (c) != '#' && (c) != '%' && (c) != '\'' && (c) != '@' &&   \
     (c) != 0x7f)
#define IC4(c) IC(c), IC((c) + 1), IC((c) + 2), IC((c) + 3)
#define IC16(c) IC4(c), IC4((c) + 4), IC4((c) + 8), IC4((c) + 12)
#define IC64(c) IC16(c), IC16((c) + 16), IC16((c) + 32), IC16((c) + 48)
/* a table: every field name, key and macro goes through it byte by byte */
static const bool ident_char[256] = {IC64(0), IC64(64), IC64(128), IC64(192)};
/* the same without 0xC2, the lead byte of a no-break space (parse_ident
 * looks at the byte after it) */
#define IC_PLAIN(c) ((c) != 0xC2 && IC(c))
#define ICP4(c) IC_PLAIN(c), IC_PLAIN((c) + 1), IC_PLAIN((c) + 2), IC_PLAIN((c) + 3)
#define ICP16(c) ICP4(c), ICP4((c) + 4), ICP4((c) + 8), ICP4((c) + 12)
#define ICP64(c) ICP16(c), ICP16((c) + 16), ICP16((c) + 32), ICP16((c) + 48)
static const bool ident_plain[256] = {ICP64(0), ICP64(64), ICP64(128), ICP64(192)};
#undef ICP64
#undef ICP16
#undef ICP4
#undef IC_PLAIN
#undef IC64
#undef IC16
#undef IC4
#undef IC

static inline bool is_ident_char(unsigned char c)
{
    return ident_char[c];
}

/* Skips bytes that mean nothing inside a value: stops at '{' and '}',
 * at '"' in a quoted value, at '%' and at the control bytes up to '\r'
 * (NUL, which the value's copy must look at, and the line ends, which
 * the parse counts and after which an '@' starts an entry), so that a
 * value without them is not searched for them again. Values are most of
 * a file's bytes: sixteen at a time with SSE2 (every x86-64), without a
 * bound check, since the window's NUL guard (io.h) stops the scan; a stop
 * past `end` (a window cut at the bound) gives `end`. */
static inline __attribute__((always_inline)) const char *skip_plain(const char *p, const char *end,
                                                                    bool quoted)
{
#if defined(__x86_64__) && defined(__SSE2__)
    const __m128i lb = _mm_set1_epi8('{'), rb = _mm_set1_epi8('}'), qt = _mm_set1_epi8('"'),
                  pc = _mm_set1_epi8('%'), ctl = _mm_set1_epi8('\r');
    for (;; p += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(x, lb), _mm_cmpeq_epi8(x, rb)),
                                 _mm_or_si128(_mm_cmpeq_epi8(x, pc),
                                              _mm_cmpeq_epi8(_mm_min_epu8(x, ctl), x)));
        if (quoted)
            m = _mm_or_si128(m, _mm_cmpeq_epi8(x, qt));
        unsigned bits = (unsigned)_mm_movemask_epi8(m);
        if (bits) {
            p += __builtin_ctz(bits);
            return p < end ? p : end;
        }
    }
#else
    while (p < end && *p != '{' && *p != '}' && (*p != '"' || !quoted) && *p != '%' &&
           (unsigned char)*p > '\r')
        p++;
    return p;
#endif
}

/* Blanks between the parts of an entry; also no-break spaces (U+00A0, as
 * pasted from web pages) and whole-line '%' comments, which BibTeX would
 * choke on but JabRef, Zotero and pandoc users write. */
static void skip_ws_more(bt_pctx *c)
{
    const char *b = c->p;
    for (;;) {
        while (c->p < c->end &&
               (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
            c->p++;
        if (c->end - c->p >= 2 && (unsigned char)c->p[0] == 0xC2 &&
            (unsigned char)c->p[1] == 0xA0) {
            c->p += 2;
            continue;
        }
        if (c->p < c->end && *c->p == '%' && comment_line(c, c->p)) {
            const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
            c->p = nl ? nl + 1 : c->end;
            continue;
        }
        break;
    }
    c->lines += count_breaks(b, c->p);
}

/* skip_ws's table, looked at several times a field: odd a blank it steps
 * over (5 a line end, which it counts), 2 a byte skip_ws_more looks at (a
 * no-break space's lead byte, a comment's '%') */
static const unsigned char blank_byte[256] = {[' '] = 1, ['\t'] = 1, ['\n'] = 5, ['\r'] = 5,
                                              [0xC2] = 2, ['%'] = 2};

static inline void skip_ws(bt_pctx *c)
{
    const char *p = c->p, *e = c->end; /* in a local: one store, not one a byte */
    unsigned k;
    if (p >= e || !(k = blank_byte[(unsigned char)*p]))
        return; /* no blank (after most values): one look */
    unsigned seen = k;
    while ((k & 1) && ++p < e) {
        k = blank_byte[(unsigned char)*p];
        seen |= k;
    }
    if (seen & 4)
        add_breaks(c, c->p, p);
    c->p = p;
    if (p < e && k == 2)
        skip_ws_more(c);
}

/* skip_ws where a line break usually starts the blanks (before a field
 * name): the break and the next line's indent in one sixteen-byte look.
 * The window's NUL guard (io.h) makes the load safe, and its NUL bytes
 * end the run at the window's end. */
static inline void skip_ws_line(bt_pctx *c)
{
#if defined(__x86_64__) && defined(__SSE2__)
    if (*c->p == '\n') {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)c->p);
        __m128i brk = _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('\n')),
                                   _mm_cmpeq_epi8(x, _mm_set1_epi8('\r')));
        __m128i m = _mm_or_si128(
            brk, _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(' ')), _mm_cmpeq_epi8(x, _mm_set1_epi8('\t'))));
        unsigned nb = ~(unsigned)_mm_movemask_epi8(m) & 0xFFFFu;
        if (nb) { /* the run ends inside the block */
            const char *p = c->p + __builtin_ctz(nb);
            p = p < c->end ? p : c->end; /* past it: a window cut at the bound */
            /* the line ends of the run (its bytes' bits below nb's lowest):
             * mostly the one that starts it, a "\n" after the ',' or the
             * delimiter before (never after a "\r": blanks are skipped
             * whole) */
            unsigned ends = (unsigned)_mm_movemask_epi8(brk) & (nb ^ (nb - 1));
            if (__builtin_expect(ends == 1, 1))
                c->lines++;
            else
                add_breaks(c, c->p, p);
            c->p = p;
            if (c->p < c->end && blank_byte[(unsigned char)*c->p] == 2)
                skip_ws_more(c);
            return;
        }
    }
#endif
    skip_ws(c);
}

/* isdigit without the locale table's call (decimal digits are these in
 * every locale) */
static inline bool is_digit(char ch)
{
    return (unsigned)((unsigned char)ch - '0') < 10u;
}

static int fail(bt_pctx *c, const char *at, const char *expected)
{
    char q[64];
    if (at >= c->end) {
        if (!c->eof)
            return BT_NEED_MORE;
        snprintf(c->err, sizeof c->err, "expected %s, found end of input", expected);
    } else {
        size_t n = 0;
        while (at + n < c->end && n < 20 && at[n] != '\n' && at[n] != '\r')
            n++;
        if (!n)
            n = 1;
        bib_diag_quote(q, sizeof q, at, (size_t)(c->end - at) < n ? (size_t)(c->end - at) : n,
                       20);
        snprintf(c->err, sizeof c->err, "expected %s, found '%s'", expected, q);
    }
    c->err_at = at;
    return BIB_EPARSE;
}

/* Needs at least one more byte past the cursor (the 16 NUL guard covers
 * one-byte look-ahead, but a value may run on). */
static int need(bt_pctx *c, const char *expected)
{
    if (c->p < c->end)
        return 0;
    return fail(c, c->p, expected);
}

/* Inlined: called for every field name, and the call (arguments, saved
 * registers, the result's stores) cost as much as the scan of a name. */
static inline __attribute__((always_inline)) int
parse_ident(bt_pctx *c, const char **s, size_t *n, const char *what)
{
    const char *b = c->p;
    /* a no-break space (U+00A0) ends an identifier as a space does: copied
     * text puts them around field names, which must not swallow them */
    const char *p = c->p, *e = c->end; /* in a local: one store, not one a byte */
#if defined(__x86_64__) && defined(__SSE2__)
    /* the leading lower-case ASCII letters (most field names, types and
     * macros are nothing else) in one step; the window's sixteen NUL bytes
     * past its end (io.h) make the load safe, and letters read past `e`
     * do not count */
    {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        __m128i t = _mm_sub_epi8(x, _mm_set1_epi8('a'));
        __m128i az = _mm_cmpeq_epi8(_mm_min_epu8(t, _mm_set1_epi8('z' - 'a')), t);
        p += __builtin_ctz(~(unsigned)_mm_movemask_epi8(az));
        if (p > e)
            p = e;
    }
#endif
    while (p < e && (ident_plain[(unsigned char)*p] ||
                     ((unsigned char)*p == 0xC2 && !(p + 1 < e && (unsigned char)p[1] == 0xA0))))
        p++;
    c->p = p;
    if (c->p == c->end && !c->eof)
        return BT_NEED_MORE;
    if (c->p == b)
        return fail(c, b, what);
    *s = b;
    *n = (size_t)(c->p - b);
    return 0;
}

/* Appends value text b..e to the arena. A NUL byte has no place in a
 * value (core holds values as C strings, which it would cut): it is
 * removed, and the loss said. nul: whether b..e may hold one (the value
 * scan saw one). */
static void append_text(bt_pctx *c, const char *b, const char *e, bool nul)
{
    const char *z = nul ? memchr(b, '\0', (size_t)(e - b)) : NULL;
    if (!z) {
        bib_buf_append_fast(&c->r->arena, b, (size_t)(e - b));
        return;
    }
    forgive(c, z, "NUL byte in a value removed");
    while (z) {
        bib_buf_append_fast(&c->r->arena, b, (size_t)(z - b));
        b = z + 1;
        z = memchr(b, '\0', (size_t)(e - b));
    }
    bib_buf_append_fast(&c->r->arena, b, (size_t)(e - b));
}

/* Appends value bytes s[0..n) of the window to the arena: up to 32 of them
 * (most values) by one or two sixteen-byte moves, no memcpy call. The
 * window's NUL guard (io.h) covers a load past the value's end, and the
 * bytes stored past n stay inside the arena's capacity, unused. */
static inline void append_short(bib_buf *a, const char *s, size_t n)
{
    if (n <= 32 && a->cap - a->len > 33) {
        char *d = a->data + a->len;
        memcpy(d, s, 16);
        if (n > 16)
            memcpy(d + n - 16, s + n - 16, 16);
        a->len += n;
        a->data[a->len] = '\0';
        return;
    }
    bib_buf_append_fast(a, s, n);
}

/* Fields whose value is read verbatim (the BibLaTeX data model's verbatim
 * and URI fields): a '%' there is text, as in a URL's %20. */
static bool verbatim_field(const char *name, size_t n)
{
    static const char *const names[] = {"url", "urlraw", "doi", "eprint", "file", "pdf",
                                        "verba", "verbb", "verbc"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i]) == n && bt_ieq(name, n, names[i]))
            return true;
    return false;
}

/* Appends the text b..e of a braced or quoted value, without its TeX
 * end-of-line comments: a '%' (not escaped as '\%') with only blanks
 * after it on its line goes, with those blanks, the line break and the
 * next line's leading blanks, as TeX reads it (`year = "%` then a line
 * break, then `1983"` is 1983; docs/bibtex.md). A '%' with text after it
 * on its line stays: that is how JabRef and Mendeley write a percent
 * sign (`50% of`), and bibtex(1) and biber keep it too. Verbatim fields
 * keep every '%'. pct, nul: whether b..e may hold a '%' that goes (one
 * with only blanks after it on its line) or a NUL byte (the value scan
 * saw one). */
static void append_value(bt_pctx *c, const char *b, const char *e, bool pct, bool nul)
{
    if (!pct || (c->field && verbatim_field(c->field, c->field_len))) {
        append_text(c, b, e, nul);
        return;
    }
    const char *from = b;
    for (const char *p = b; p < e; p++) {
        if (*p == '\\') { /* a control symbol: '\%' is a percent sign */
            p++;
            continue;
        }
        if (*p != '%')
            continue;
        const char *q = p + 1;
        while (q < e && (*q == ' ' || *q == '\t'))
            q++;
        if (q < e && *q == '\r')
            q++;
        if (q >= e || *q != '\n')
            continue;
        q++;
        while (q < e && (*q == ' ' || *q == '\t'))
            q++;
        append_text(c, from, p, nul);
        from = q;
        p = q - 1;
    }
    append_text(c, from, e, nul);
}

/* Appends one value part to the arena. */
static int parse_part(bt_pctx *c, bool *bare)
{
    bt_reader *r = c->r;
    int rc;
    if ((rc = need(c, "a field value")))
        return rc;
    char ch = *c->p;
    if (ch == '{' || ch == '"') {
        const char *start = c->p;
        char close = ch == '{' ? '}' : '"';
        size_t depth = 0;
        bool pct = false, cut = false, nul = false;
        c->p++;
        const char *b = c->p;
        for (;;) {
            c->p = close == '}' ? skip_plain(c->p, c->end, false) : skip_plain(c->p, c->end, true);
            if (c->p >= c->end) {
                if (!c->eof)
                    return BT_NEED_MORE;
                c->err_at = start;
                snprintf(c->err, sizeof c->err,
                         "unterminated value: expected '%c' before end of input", close);
                return BIB_EPARSE;
            }
            char x = *c->p;
            if (x == '{') {
                depth++;
            } else if (x == '}') {
                if (depth == 0) {
                    if (close == '}')
                        break;
                    c->err_at = c->p;
                    snprintf(c->err, sizeof c->err, "unbalanced '}' in quoted value");
                    return BIB_EPARSE;
                }
                depth--;
            } else if (x == '"') { /* skip_plain stops there in quoted values */
                if (depth == 0)
                    break;
            } else if (x == '%') {
                pct = true;
                /* append_value cuts only a '%' with nothing but blanks
                 * after it on its line; a value without one ("50% of",
                 * "\%") is copied as it is, not walked byte by byte */
                const char *q = c->p + 1;
                while (q < c->end && (*q == ' ' || *q == '\t'))
                    q++;
                cut |= q >= c->end || *q == '\r' || *q == '\n';
            } else if (x == '\n') {
                c->lines += c->p[-1] != '\r';
                if (c->p + 1 < c->end && c->p[1] == '@') {
                    /* an entry start inside a value: the brace was never
                     * closed */
                    c->err_at = start;
                    snprintf(c->err, sizeof c->err,
                             "unterminated value: expected '%c' before next entry", close);
                    return BIB_EPARSE;
                }
            } else if (x == '\r') {
                c->lines++;
            } else if (x == '\0') {
                nul = true;
            }
            c->p++;
        }
        if (!cut && !nul) /* most values: one copy, no call */
            append_short(&r->arena, b, (size_t)(c->p - b));
        else
            append_value(c, b, c->p, cut, nul);
        /* a '%' outside a verbatim field is read (a comment or a percent
         * sign), and a NUL removed: the arena's text is not the source's */
        c->part_literal = !nul && (!pct || (c->field && verbatim_field(c->field, c->field_len)));
        c->p++;
        *bare = false;
        return 0;
    }
    if (is_digit(ch)) {
        const char *b = c->p;
        const char *p = c->p, *e = c->end;
        while (p < e && is_digit(*p))
            p++;
        c->p = p;
        if (c->p == c->end && !c->eof)
            return BT_NEED_MORE;
        append_short(&r->arena, b, (size_t)(c->p - b));
        return 0;
    }
    const char *s = NULL;
    size_t n = 0;
    if ((rc = parse_ident(c, &s, &n, "a field value")))
        return rc;
    const char *m = bt_macros_find(&r->macros, s, n);
    if (m) {
        bib_buf_puts(&r->arena, m);
    } else {
        int mon = 0;
        if (n == 3)
            mon = bib_month_parse(s, n);
        if (mon > 0 && !is_digit(s[0])) {
            bib_buf_puts(&r->arena, bt_month_names[mon - 1]);
        } else {
            size_t line, col;
            char q[64];
            bib_input_position_of(r->in, s, &line, &col);
            if (line > r->macro_line || (line == r->macro_line && col > r->macro_col)) {
                r->macro_line = line;
                r->macro_col = col;
                bib_input_report(r->in, BIB_SEV_WARNING, line, col,
                                 "undefined macro '%s' in field '%.*s': it adds nothing to the "
                                 "value",
                                 bib_diag_quote(q, sizeof q, s, n, 20),
                                 (int)(c->field_len < 40 ? c->field_len : 40),
                                 c->field ? c->field : "");
            }
        }
    }
    *bare = false;
    return 0;
}

static int parse_value(bt_pctx *c, bool *bare, bool *literal)
{
    int rc;
    const char *start = c->p;
    size_t v0 = c->r->arena.len;
    *bare = is_digit(*c->p);
    *literal = false;
    for (bool first = true;; first = false) {
        c->part_literal = false;
        if ((rc = parse_part(c, bare)))
            return rc;
        *literal = first && c->part_literal; /* a second part ('#') makes it false */
        /* '#' and macros can build a value larger than any line of the
         * input: the one bound of every reader applies to it too (io.h) */
        if (c->r->arena.len - v0 > c->max_value) {
            c->err_at = start;
            size_t m = bib_input_max_value(c->r->in);
            bool mib = m >= (1u << 20) && !(m & ((1u << 20) - 1));
            snprintf(c->err, sizeof c->err,
                     "value longer than %zu %s (the bound; raise it with --max-value=SIZE)",
                     mib ? m >> 20 : m, mib ? "MiB" : "bytes");
            return BIB_EPARSE;
        }
        skip_ws(c);
        if ((rc = need(c, "',' or '}'")))
            return rc;
        if (*c->p != '#')
            return 0;
        *bare = false;
        c->p++;
        skip_ws(c);
    }
}

/* Closes the field whose name is at arena offset noff and whose value runs
 * from voff to the arena's end. */
static int add_field(bt_reader *r, size_t noff, size_t nlen, unsigned hash, uint64_t word0,
                     size_t voff, bool bare, bool literal)
{
    if (r->nfields == r->capfields) {
        size_t ncap = r->capfields ? r->capfields * 2 : 32;
        bt_raw_field *nf = realloc(r->fields, ncap * sizeof *nf);
        if (!nf)
            return BIB_ENOMEM;
        r->fields = nf;
        r->capfields = ncap;
    }
    bt_raw_field *f = &r->fields[r->nfields++];
    f->name_off = noff;
    f->name_len = nlen;
    f->name_hash = hash;
    f->name_word0 = word0;
    f->val_off = voff;
    f->val_len = r->arena.len - voff;
    f->bare_number = bare;
    f->literal = literal;
    f->row = NULL;
    bib_buf_putc_fast(&r->arena, '\0');
    return 0;
}

/* "@comment some text" without braces: BibTeX skips the word; the line is
 * kept as the directive's text. */
static int parse_bare_comment(bt_pctx *c, bt_parsed *out, const char *at)
{
    const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
    if (!nl && !c->eof)
        return BT_NEED_MORE;
    c->p = nl ? nl : c->end;
    out->kind = BT_COMMENT;
    out->raw = at;
    out->raw_len = (size_t)(c->p - at);
    while (out->raw_len && (at[out->raw_len - 1] == '\r' || at[out->raw_len - 1] == ' '))
        out->raw_len--;
    return 0;
}

/* @comment{...} and @preamble{...}: kept raw, up to the balanced `close`. */
static int parse_raw_body(bt_pctx *c, bt_parsed *out, const char *at, char close)
{
    out->kind = out->type[0] == 'c' || out->type[0] == 'C' ? BT_COMMENT : BT_PREAMBLE;
    size_t depth = 0;
    for (;; c->p++) {
        if (c->p >= c->end) {
            if (!c->eof)
                return BT_NEED_MORE;
            return fail(c, c->p, close == '}' ? "'}'" : "')'");
        }
        if (*c->p == '{')
            depth++;
        else if (*c->p == '}' && depth > 0)
            depth--;
        else if (*c->p == close && depth == 0)
            break;
    }
    c->p++;
    out->raw = at;
    out->raw_len = (size_t)(c->p - at);
    return 0;
}

/* The key after the opening delimiter. Returns 0 with *state 0 (fields
 * follow), 1 (the entry closed right after the key) or 2 (no key: the word
 * was the first field's name, cursor back on it). */
static int parse_key(bt_pctx *c, bt_parsed *out, char close, int *state)
{
    int rc;
    /* the key runs to the first ',' or white space; empty keys allowed */
    const char *b = c->p;
    const char *p = c->p, *e = c->end;
    while (p < e && *p != ',' && *p != close && *p != ' ' && *p != '\t' && *p != '\n' &&
           *p != '\r' && *p != '=')
        p++;
    c->p = p;
    if (c->p == c->end)
        return fail(c, c->p, "',' after the key");
    out->key = b;
    out->key_len = (size_t)(c->p - b);
    /* the fields are parsed before the key is noted: time for the key
     * set's slot to arrive in the cache */
    bib_reader_prefetch_key(c->r->rd, b, out->key_len);
    size_t lines = c->lines; /* the blanks are skipped again after a rewind */
    skip_ws(c);
    if ((rc = need(c, "',' after the key")))
        return rc;
    *state = 0;
    if (*c->p == '=' && out->key_len) {
        /* "@article{author = ...": no key at all; the word was the first
         * field's name (EndNote exports) */
        forgive(c, b, "entry without a key: '%.*s' read as its first field",
                (int)(out->key_len > 40 ? 40 : out->key_len), b);
        out->key_len = 0;
        c->p = b;
        c->lines = lines;
        *state = 2;
        return 0;
    }
    if (*c->p == close) {
        c->p++;
        *state = 1;
        return 0;
    }
    if (*c->p != ',')
        return fail(c, c->p, "',' after the key");
    c->p++;
    return 0;
}

/* One `name = value`; @string definitions go to the macro table. */
static int parse_field(bt_pctx *c, bool is_string)
{
    bt_reader *r = c->r;
    int rc;
    const char *fn = NULL;
    size_t fl = 0;
    if ((rc = parse_ident(c, &fn, &fl, "a field name")))
        return rc;
    /* " = " with no blank after it (most fields) in one look; the
     * window's NUL guard makes the four bytes safe to load, and the
     * general way below gives the same cursor */
    uint32_t w4;
    memcpy(&w4, c->p, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    w4 = __builtin_bswap32(w4);
#endif
    if ((w4 & 0xFFFFFFu) == (' ' | '=' << 8 | ' ' << 16) && c->end - c->p > 2 &&
        !blank_byte[w4 >> 24]) {
        c->p += 3;
    } else {
        skip_ws(c);
        if ((rc = need(c, "'='")))
            return rc;
        if (*c->p != '=')
            return fail(c, c->p, "'=' after the field name");
        c->p++;
        skip_ws(c);
    }
    /* the name in lower case (ASCII: the C locale's tolower) and its hash
     * for the reader's index (bt_find_field), in one pass of eight bytes
     * a step: the name ends before the '=' inside the window, and the
     * window's NUL guard covers the last word's bytes past it */
    size_t noff = r->arena.len;
    if (r->arena.cap - r->arena.len < fl + 10 && bib_buf_reserve(&r->arena, fl + 9) < 0)
        return BIB_ENOMEM;
    char *dst = r->arena.data + noff;
    uint64_t h = bt_name_hash_init(fl), word0 = 0;
    for (size_t i = 0; i < fl; i += 8) {
        uint64_t x;
        memcpy(&x, fn + i, 8);
        if (fl - i < 8) { /* the bytes past the name count as NUL */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
            x &= ~0ull << (8 * (8 - (fl - i)));
#else
            x &= ~0ull >> (8 * (8 - (fl - i)));
#endif
        }
        x = bt_lower8(x);
        memcpy(dst + i, &x, 8);
        h = bt_name_hash_step(h, x);
        if (!i)
            word0 = x;
    }
    unsigned hash = bt_name_hash_end(h);
    dst[fl] = '\0';
    r->arena.len += fl + 1;
    r->arena.data[r->arena.len] = '\0';
    size_t voff = r->arena.len;
    bool bare, literal;
    c->field = fn;
    c->field_len = fl;
    if ((rc = parse_value(c, &bare, &literal)))
        return rc;
    if (r->arena.failed) /* the offsets point past its data */
        return BIB_ENOMEM;
    if ((rc = add_field(r, noff, fl, hash, word0, voff, bare, literal)))
        return rc;
    if (is_string) {
        bt_raw_field *f = &r->fields[r->nfields - 1];
        return bt_macros_set(&r->macros, r->arena.data + f->name_off, f->name_len,
                             r->arena.data + f->val_off, f->val_len);
    }
    return 0;
}

/* At the cursor, the entry's end: the delimiter that opened it, or the
 * other one (forgiven). */
static bool at_close(bt_pctx *c, char close)
{
    if (*c->p == close) {
        c->p++;
        return true;
    }
    if (*c->p == (close == '}' ? ')' : '}')) {
        forgive(c, c->p, "entry closed with '%c', not the delimiter that opened it", *c->p);
        c->p++;
        return true;
    }
    return false;
}

/* "title = {A}  year = 2000": a missing comma, when a field name and '='
 * follow the value. */
static bool missing_comma(bt_pctx *c)
{
    if (!is_ident_char((unsigned char)*c->p))
        return false;
    const char *q = c->p;
    while (q < c->end && is_ident_char((unsigned char)*q))
        q++;
    const char *nm = c->p;
    size_t nl = (size_t)(q - c->p);
    while (q < c->end && (*q == ' ' || *q == '\t'))
        q++;
    if (q >= c->end || *q != '=')
        return false;
    forgive(c, c->p, "missing ',' before field '%.*s'", (int)(nl > 40 ? 40 : nl), nm);
    return true;
}

/* The fields up to the closing delimiter. */
static int parse_fields(bt_pctx *c, char close, bool is_string)
{
    int rc;
    for (;;) {
        skip_ws_line(c);
        if ((rc = need(c, "a field name")))
            return rc;
        if (*c->p == ',') { /* ",," : an empty field, skipped */
            c->p++;
            continue;
        }
        if (at_close(c, close))
            return 0;
        /* parse_value has skipped the blanks after the value */
        if ((rc = parse_field(c, is_string)))
            return rc;
        if ((rc = need(c, "',' or end of entry")))
            return rc;
        if (*c->p == ',') {
            c->p++;
            continue;
        }
        if (at_close(c, close))
            return 0;
        if (!missing_comma(c))
            return fail(c, c->p, "',' after field value");
    }
}

int bt_parse_entry(bt_pctx *c, bt_parsed *out)
{
    int rc;
    const char *at = c->p;
    c->lines = 0;
    c->p++;
    skip_ws(c);
    if ((rc = parse_ident(c, &out->type, &out->type_len, "an entry type")))
        return rc;
    skip_ws(c);
    if ((rc = need(c, "'{' or '('")))
        return rc;
    /* the directives told apart by their first letter before a compare
     * (the type is at least one byte: parse_ident) */
    char t0 = (char)(out->type[0] | 0x20);
    bool comment = t0 == 'c' && bt_ieq(out->type, out->type_len, "comment");
    if (*c->p != '{' && *c->p != '(' && comment)
        return parse_bare_comment(c, out, at);
    if (*c->p != '{' && *c->p != '(')
        return fail(c, c->p, "'{' or '('");
    char close = *c->p == '{' ? '}' : ')';
    c->p++;
    out->opened = true;
    if (comment || (t0 == 'p' && bt_ieq(out->type, out->type_len, "preamble")))
        return parse_raw_body(c, out, at, close);
    bool is_string = t0 == 's' && bt_ieq(out->type, out->type_len, "string");
    out->kind = is_string ? BT_STRING : BT_ENTRY;
    skip_ws(c);
    int state = 0;
    if (!is_string && (rc = parse_key(c, out, close, &state)))
        return rc;
    if (state != 1 && (rc = parse_fields(c, close, is_string)))
        return rc;
    out->raw = at;
    out->raw_len = (size_t)(c->p - at);
    return 0;
}

/* Skips to the next '@' at the start of a line, after an error at `from`.
 * A lone CR ends a line too (io.h): resync stopped at LFs only, so an
 * entry after a CR line end was skipped with the bad one, and nothing said
 * so (where the -j split, which follows io.h, cut: tests/fuzz/fuzz_jobs.c
 * found it). */
void bt_resync(bt_reader *r, const char *d, size_t n, const char *from)
{
    const char *e = d + n;
    if (from >= e) {
        bib_input_consume(r->in, n);
        return;
    }
    /* the error may sit on the '@' of the next entry: resume right there */
    if (from > d && *from == '@') {
        const char *q = from;
        while (q > d && (q[-1] == ' ' || q[-1] == '\t'))
            q--;
        if (q == d || q[-1] == '\n' || q[-1] == '\r') {
            bib_input_consume(r->in, (size_t)(from - d));
            return;
        }
    }
    const char *p = from + 1;
    for (;;) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        /* a CR before it (most inputs have none: one look up to the LF) */
        const char *cr = memchr(p, '\r', (size_t)((nl ? nl : e) - p));
        if (cr)
            nl = cr;
        if (!nl)
            break;
        const char *q = nl + 1;
        while (q < e && (*q == ' ' || *q == '\t'))
            q++;
        if (q < e && *q == '@') {
            bib_input_consume(r->in, (size_t)(q - d));
            return;
        }
        p = nl + 1;
    }
    bib_input_consume(r->in, n);
}

void bt_consume_entry(const bt_pctx *c, size_t used)
{
    const char *e = c->d + used;
    size_t lines = c->lines + (e > c->p ? count_breaks(c->p, e) : 0);
    bib_input_consume_counted(c->r->in, used, lines);
}
