/* SPDX-License-Identifier: MIT */
/*
 * latex.c - LaTeX <-> Unicode for the text of BibTeX/BibLaTeX field values,
 * and the helpers for CSL rich-text markup (record.h).
 *
 * Reading converts the *inner* text of a value: accents in every spelling
 * ({\"u}, \"{u}, \" u, \"u), special letters, dashes, TeX quotes, ties,
 * escaped specials, a few text symbols, single math symbols, formatting
 * commands into rich text, and brace groups into nocase spans. One accent
 * table (generated, latex_table.c) serves both directions, so what the
 * writer escapes the reader reads back. Text with none of the characters
 * LaTeX gives meaning to is copied in one piece (the fast path). The
 * rules, and where tools disagree about them: docs/crosswalk.md 4.6-4.8.
 *
 * Not for: BibTeX value syntax (quotes, outer braces, macros, '#').
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/latex.h"
#include "bibconv/utf8.h"
#include "latex_scan.h"
#include "latex_table.h"

/* ---- tables -------------------------------------------------------------- */

typedef bib_latex_named named_cp;

static uint32_t lookup_named(const named_cp *t, size_t n, const char *name, size_t len)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        /* by length, not by NUL: the name comes from input and may hold
         * a NUL byte ("$\\to\0x$"); compared in line (names are a few
         * bytes: a strlen and a memcmp call per probe cost more) */
        const unsigned char *tn = (const unsigned char *)t[mid].name;
        const unsigned char *un = (const unsigned char *)name;
        size_t i = 0;
        while (i < len && tn[i] && tn[i] == un[i])
            i++;
        int c = i == len ? (tn[i] != 0) : !tn[i] ? -1 : (int)tn[i] - (int)un[i];
        if (c < 0)
            lo = mid + 1;
        else if (c > 0)
            hi = mid;
        else
            return t[mid].cp;
    }
    return 0;
}

/* Combining mark of an accent command, 0 if it is not one. */
static uint32_t accent_mark(char c)
{
    static const char cmds[] = "`'^~=u.\"rHvdckbt";
    static const uint32_t marks[] = {0x300, 0x301, 0x302, 0x303, 0x304, 0x306, 0x307, 0x308,
                                     0x30A, 0x30B, 0x30C, 0x323, 0x327, 0x328, 0x331, 0x361};
    const char *p = c ? strchr(cmds, c) : NULL;
    return p ? marks[p - cmds] : 0;
}

static uint32_t compose(char cmd, uint32_t base)
{
    size_t lo = 0, hi = bib__latex_accents_len;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const bib_latex_accent *a = &bib__latex_accents[mid];
        int c = (unsigned char)a->cmd != (unsigned char)cmd
                    ? (int)(unsigned char)a->cmd - (int)(unsigned char)cmd
                    : (a->base < base ? -1 : a->base > base ? 1 : 0);
        if (c < 0)
            lo = mid + 1;
        else if (c > 0)
            hi = mid;
        else
            return a->cp;
    }
    return 0;
}

/* ---- reading ---------------------------------------------------------------- */

/*
 * The reader walks the value once, left to right, without recursion: a
 * brace group, a command's argument or an accent's long base is a nested
 * range, entered by pushing the enclosing range (where it resumes, where
 * it ends, what to write when the nested one ends) on an explicit stack.
 * Values nested a million braces deep cost heap, not C stack.
 *
 * Where a group ends comes from a brace table built once per value (on
 * the first group seen): each unescaped '{' with its matching '}'. So
 * finding a group's end is a lookup, not a scan, and the whole
 * conversion is linear in the value's length.
 */

/* What to write when a nested range ends. */
enum { END_NONE, END_TAG, END_QUOTE, END_MARK };

/* An enclosing range, waiting for a nested one to end. */
typedef struct frame {
    size_t resume;  /* where the enclosing range continues */
    size_t end;     /* where it ends */
    uint32_t arg;   /* END_TAG: the tag; END_MARK: the combining mark */
    uint8_t kind;   /* END_* */
    bool nested;    /* the enclosing range is inside a group */
    size_t at;      /* END_TAG: the output's length after the opening tag */
} frame;

/* One unescaped '{' and its matching '}' (NO_MATCH when unbalanced). */
typedef struct brace {
    size_t open, close;
} brace;

#define NO_MATCH SIZE_MAX

/* The brace table of a text: every unescaped '{' with its matching '}', in
 * order of position, and for the writer every unescaped '<'. Built in one
 * pass on first use; the arrays are owned (free with brace_table_free)
 * when grown past `small` or, for `lts`, when allocated. */
typedef struct brace_table {
    const char *s;
    size_t len;
    brace *braces;
    size_t n, cap, cursor;
    size_t *lts;        /* positions of unescaped '<' (with want_lts) */
    size_t nlts, ltcap, lt_cursor;
    bool want_lts, built, failed;
    brace small[32];
} brace_table;

typedef struct reader {
    bib_buf *out;
    const char *s;
    size_t len;
    unsigned flags;
    size_t unknown;
    bool failed;        /* out of memory for the stack or the table */
    /* the range being converted: s[i..end), inside a group when nested */
    size_t i, end;
    bool nested;
    /* the enclosing ranges; owned: heap when grown past `small_stack` */
    frame *stack;
    size_t top, cap;
    brace_table bt;
    size_t scan_left; /* group_end's allowance for scans without the table */
    size_t tried;     /* a group group_quick refused before the reader began */
    frame small_stack[16];
} reader;

static bool is_letter(char c)
{
    return isalpha((unsigned char)c);
}

/* Doubles an array of `*cap` elements held in `p` (initially `small`,
 * which is not owned, or NULL); the new array, owned by the caller, or
 * NULL (and *failed) when memory runs out. */
static void *grow(bool *failed, void *p, size_t *cap, const void *small, size_t size)
{
    size_t ncap = *cap ? *cap * 2 : 16;
    void *q = p == small ? malloc(ncap * size) : realloc(p, ncap * size);
    if (!q) {
        *failed = true;
        return NULL;
    }
    if (p == small && small)
        memcpy(q, small, *cap * size);
    *cap = ncap;
    return q;
}

/* The arrays are set up by brace_table_build, on first use: most values
 * convert without one, and init and free then cost a few stores. */
static void brace_table_init(brace_table *bt, const char *s, size_t len, bool want_lts)
{
    bt->s = s;
    bt->len = len;
    bt->want_lts = want_lts;
    bt->built = bt->failed = false;
}

static void brace_table_free(brace_table *bt)
{
    if (!bt->built)
        return;
    if (bt->braces != bt->small)
        free(bt->braces);
    free(bt->lts);
}

/* One pass (plain text skipped sixteen bytes a step); while a brace is
 * open, its `close` holds the index + 1 of the one around it (0: none). */
static void brace_table_build(brace_table *bt)
{
    const char *s = bt->s;
    size_t inner = 0; /* index + 1 of the innermost open brace */
    bt->built = true;
    bt->braces = bt->small;
    bt->n = bt->cursor = 0;
    bt->cap = sizeof bt->small / sizeof bt->small[0];
    bt->lts = NULL;
    bt->nlts = bt->ltcap = bt->lt_cursor = 0;
    for (size_t i = latex_skip_braces16(s, 0, bt->len); i < bt->len && !bt->failed;
         i = latex_skip_braces16(s, i + 1, bt->len)) {
        if (s[i] == '\\' && i + 1 < bt->len) {
            i++;
        } else if (s[i] == '{') {
            if (bt->n == bt->cap) {
                brace *g = grow(&bt->failed, bt->braces, &bt->cap, bt->small, sizeof(brace));
                if (!g)
                    break;
                bt->braces = g;
            }
            bt->braces[bt->n] = (brace){i, inner};
            inner = ++bt->n;
        } else if (s[i] == '}' && inner) {
            brace *b = &bt->braces[inner - 1];
            inner = b->close;
            b->close = i;
        } else if (s[i] == '<' && bt->want_lts) {
            if (bt->nlts == bt->ltcap) {
                size_t *g = grow(&bt->failed, bt->lts, &bt->ltcap, NULL, sizeof(size_t));
                if (!g)
                    break;
                bt->lts = g;
            }
            bt->lts[bt->nlts++] = i;
        }
    }
    while (inner) { /* unbalanced: open to the end */
        brace *b = &bt->braces[inner - 1];
        inner = b->close;
        b->close = NO_MATCH;
    }
}

/* The '}' matching the '{' at s[i], NO_MATCH if none; false if the table
 * has no brace at i (a '{' the whole-text scan saw as escaped, or memory
 * ran out). Groups are met in order of position, so a cursor finds most
 * at once. */
static bool table_match(brace_table *bt, size_t i, size_t *close)
{
    if (!bt->built)
        brace_table_build(bt);
    size_t k = bt->cursor;
    if (!(k < bt->n && bt->braces[k].open == i)) {
        size_t lo = 0, hi = bt->n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (bt->braces[mid].open < i)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo >= bt->n || bt->braces[lo].open != i || bt->failed)
            return false;
        k = lo;
    }
    bt->cursor = k + 1;
    *close = bt->braces[k].close;
    return true;
}

/* True when an unescaped '<' lies in s(a..b); the table is built. */
static bool table_lt_between(brace_table *bt, size_t a, size_t b)
{
    size_t k = bt->lt_cursor;
    if (!(k < bt->nlts && bt->lts[k] > a && (k == 0 || bt->lts[k - 1] <= a))) {
        size_t lo = 0, hi = bt->nlts;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (bt->lts[mid] <= a)
                lo = mid + 1;
            else
                hi = mid;
        }
        k = lo;
    }
    bt->lt_cursor = k;
    return k < bt->nlts && bt->lts[k] < b;
}

/* group_end's allowance: the bytes a value's groups may be scanned for
 * their ends before the brace table is built instead. */
#define GROUP_SCAN 256

/* Index just past the group that opens at s[i] == '{', or `end` when it
 * does not close before `end`. */
static size_t group_end(reader *r, size_t i, size_t end)
{
    /* while the table is not built, a group that closes within the bytes
     * left of a small allowance is found by a scan of its own (the scan
     * below, which the table agrees with): most values with a group ({\"u},
     * {\em x}) then need no table, whose pass is over the whole value; a
     * value's scans together stay under the allowance, so the conversion
     * stays linear */
    if (!r->bt.built && r->scan_left) {
        size_t stop = end - i < r->scan_left ? end : i + r->scan_left;
        int depth = 0;
        const char *s = r->s;
        /* sixteen bytes a step to the next '\\', '{', '}' (or '<') */
        for (size_t k = latex_skip_braces16(s, i, stop); k < stop;
             k = latex_skip_braces16(s, k + 1, stop)) {
            if (s[k] == '\\' && k + 1 < end) {
                k++;
                continue;
            }
            if (s[k] == '{') {
                depth++;
            } else if (s[k] == '}' && --depth == 0) {
                r->scan_left -= k + 1 - i;
                return k + 1;
            }
        }
        if (stop == end) { /* no '}' closes it before end: as the table says */
            r->scan_left -= end - i;
            return end;
        }
        r->scan_left = 0; /* a long group: the table from now on */
    }
    size_t close;
    if (table_match(&r->bt, i, &close))
        return close < end ? close + 1 : end;
    if (r->bt.failed) {
        r->failed = true;
        return end;
    }
    /* not in the table (never met so far): scan, as the table would */
    int depth = 0;
    for (const char *s = r->s; i < end; i++) {
        if (s[i] == '\\' && i + 1 < end) {
            i++;
            continue;
        }
        if (s[i] == '{')
            depth++;
        else if (s[i] == '}' && --depth == 0)
            return i + 1;
    }
    return end;
}

/* The tags with their lengths: no strlen per tag (a title's every
 * {Protected} word opens and closes one) */
#define LIT(s) {s, sizeof s - 1}
static const latex_lit open_tags[] = {LIT(""), LIT("<i>"), LIT("<b>"), LIT("<sup>"), LIT("<sub>"),
                                      LIT("<span style=\"font-variant:small-caps;\">"),
                                      LIT("<span class=\"nocase\">")};
static const latex_lit close_tags[] = {LIT(""), LIT("</i>"), LIT("</b>"), LIT("</sup>"),
                                       LIT("</sub>"), LIT("</span>"), LIT("</span>")};
static void open_tag(bib_buf *out, bib_rich_tag t)
{
    latex_put(out, open_tags[t].s, open_tags[t].len);
}

/* Closes tag t, which left the output `at` long; a tag around nothing
 * (`\textsc`, `\emph{}`) is taken back: an empty span holds nothing. */
static void close_tag(bib_buf *out, bib_rich_tag t, size_t at)
{
    if (out->len != at || at < open_tags[t].len || !open_tags[t].len || out->failed)
        latex_put(out, close_tags[t].s, close_tags[t].len);
    else
        out->data[out->len = at - open_tags[t].len] = '\0';
}
#undef LIT

/* Bytes of the character at s[k] (k < end): a control symbol's name is a
 * character, not a byte (`\^\é` put the accent's mark inside the é's
 * UTF-8 sequence: fuzz_bt_writer); invalid UTF-8 is one byte. */
static size_t char_len(const char *s, size_t k, size_t end)
{
    uint32_t cp;
    return (unsigned char)s[k] < 0xC0 ? 1 : (size_t)bib_utf8_decode(s + k, end - k, &cp);
}

/* The argument of a command at s[i]: a group (its inner range) or one
 * character/command, within s[..end). Returns the index after it. */
static size_t argument(reader *r, size_t i, size_t end, size_t *a, size_t *b)
{
    const char *s = r->s;
    while (i < end && s[i] == ' ')
        i++;
    if (i < end && s[i] == '{') {
        size_t e = group_end(r, i, end);
        *a = i + 1;
        *b = e > *a && s[e - 1] == '}' ? e - 1 : e;
        return e;
    }
    if (i < end && s[i] == '\\') {
        size_t j = i + 1;
        while (j < end && is_letter(s[j]))
            j++;
        if (j == i + 1 && j < end)
            j += char_len(s, j, end);
        *a = i;
        *b = j;
        return j;
    }
    *a = i;
    *b = i < end ? i + 1 : i;
    /* a character, not a byte: an accent on a non-ASCII letter (`\'æ`)
     * puts its mark after the whole UTF-8 sequence, never inside it */
    if (*b > i && (unsigned char)s[i] >= 0xC0) {
        uint32_t cp;
        *b = i + (size_t)bib_utf8_decode(s + i, end - i, &cp);
    }
    return *b;
}

/* Enters the nested range s[a..b): the current range, which resumes at
 * `resume`, waits on the stack; `kind` and `arg` say what to write when
 * the nested range ends. A range with nothing left after it and nothing
 * to write is not kept (deep plain nesting costs no stack). */
static void enter(reader *r, size_t resume, size_t a, size_t b, bool nested, uint8_t kind,
                  uint32_t arg)
{
    if (kind != END_NONE || resume < r->end) {
        if (r->top == r->cap) {
            frame *g = grow(&r->failed, r->stack, &r->cap, r->small_stack, sizeof(frame));
            if (!g)
                return;
            r->stack = g;
        }
        r->stack[r->top++] = (frame){resume, r->end, arg, kind, r->nested, r->out->len};
    }
    r->i = a;
    r->end = b;
    r->nested = nested;
}

/* Enters s[a..b) between a markup tag's opening and closing (only with
 * rich text and a tag that marks something). */
static void enter_tagged(reader *r, size_t resume, size_t a, size_t b, bool nested,
                         bib_rich_tag tag)
{
    bool marked = (r->flags & BIB_LATEX_RICH) && tag;
    if (marked)
        open_tag(r->out, tag);
    enter(r, resume, a, b, nested, marked ? END_TAG : END_NONE, tag);
}

/* Ends the nested range: writes what it owes, resumes the enclosing one. */
static void leave(reader *r)
{
    frame f = r->stack[--r->top];
    if (f.kind == END_TAG)
        close_tag(r->out, (bib_rich_tag)f.arg, f.at);
    else if (f.kind == END_QUOTE)
        LATEX_PUT_LIT(r->out, "\xE2\x80\x9D");
    else if (f.kind == END_MARK)
        bib_buf_put_utf8(r->out, f.arg);
    r->i = f.resume;
    r->end = f.end;
    r->nested = f.nested;
}

/* An accent command whose base is s[a..b); the range resumes at `after`. */
static void put_accent(reader *r, char cmd, size_t a, size_t b, size_t after)
{
    const char *s = r->s;
    uint32_t base = 0;
    r->i = after;
    while (a < b && (s[a] == '{' || s[a] == ' '))
        a++;
    while (b > a && (s[b - 1] == '}' || s[b - 1] == ' '))
        b--;
    if (b - a == 1 && is_letter(s[a])) {
        base = (unsigned char)s[a];
    } else if (b - a == 2 && s[a] == '\\' && (s[a + 1] == 'i' || s[a + 1] == 'j')) {
        base = s[a + 1] == 'i' ? 0x131 : 0x237; /* dotless i/j under an accent */
    } else if (b == a) {
        base = ' ';
    } else {
        /* a longer base: convert it, then put the combining mark after */
        enter(r, after, a, b, true, END_MARK, accent_mark(cmd));
        return;
    }
    uint32_t cp = compose(cmd, base);
    if (cp) {
        bib_buf_put_utf8(r->out, cp);
    } else {
        bib_buf_put_utf8(r->out, base == 0x131 ? 'i' : base == 0x237 ? 'j' : base);
        bib_buf_put_utf8(r->out, accent_mark(cmd));
    }
}


/* Inline math at s[i] == '$': a single known symbol becomes its character,
 * anything else is kept as written. */
static void read_math(reader *r)
{
    const char *s = r->s;
    size_t i = r->i, end = r->end;
    size_t e = i + 1;
    while (e < end && s[e] != '$')
        e += s[e] == '\\' && e + 1 < end ? 2 : 1;
    size_t a = i + 1, b = e;
    while (a < b && s[a] == ' ')
        a++;
    while (b > a && s[b - 1] == ' ')
        b--;
    uint32_t cp = 0;
    if (b > a + 1 && s[a] == '\\')
        cp = lookup_named(bib__latex_math, bib__latex_math_len, s + a + 1, b - a - 1);
    if (cp && e < end)
        bib_buf_put_utf8(r->out, cp);
    else
        latex_put(r->out, s + i, (e < end ? e + 1 : e) - i); /* math kept */
    r->i = e < end ? e + 1 : e;
}

/* A brace group at s[i] == '{'. At the top level, {\"u} and {\em x} are
 * BibTeX's "special characters"; other groups protect their text (a nocase
 * span when asked). */
/* read_group's quick way, for the common "{DNA}" (nothing special before
 * the '}' that closes it): its text as it is, in a nocase span at the top
 * of a title ({{DNA}} the same), what entering the group would write; the
 * index after it, or 0 for a group that needs the reader */
static inline size_t group_quick(bib_buf *out, const char *s, size_t i, size_t end,
                                 unsigned flags, bool nested)
{
    bool span = !nested && (flags & BIB_LATEX_RICH) && (flags & BIB_LATEX_NOCASE);
    size_t twice = span && i + 1 < end && s[i + 1] == '{';
    size_t stop = latex_find_convert(s, i + 1 + twice, end);
    if (!(stop + twice < end && s[stop] == '}' && s[stop + twice] == '}' && (!span || stop > i + 1)))
        return 0;
    if (span)
        open_tag(out, BIB_RICH_NOCASE);
    size_t at = out->len;
    latex_put(out, s + i + 1 + twice, stop - i - 1 - twice);
    if (span)
        close_tag(out, BIB_RICH_NOCASE, at);
    return stop + 1 + twice;
}

static void read_group(reader *r)
{
    const char *s = r->s;
    size_t i = r->i, end = r->end;
    bool rich = r->flags & BIB_LATEX_RICH;
    size_t next = i == r->tried ? 0 : group_quick(r->out, s, i, end, r->flags, r->nested);
    if (next) {
        r->i = next;
        return;
    }
    size_t e = group_end(r, i, end);
    size_t inner_end = e > i + 1 && s[e - 1] == '}' ? e - 1 : e;
    bool special = i + 1 < end && s[i + 1] == '\\';
    if (special && !r->nested) {
        /* {\"u}, {\ss}, {\em x}: a special character, not protection */
        size_t k = i + 2, n = 0;
        while (k + n < inner_end && is_letter(s[k + n]))
            n++;
        const bib_latex_word *w = bib__latex_word(s + k, n);
        if (w && w->kind == BIB__LW_DECL) {
            size_t body = k + n;
            if (body < inner_end && s[body] == ' ')
                body++; /* the space ending the control word */
            enter_tagged(r, e, body, inner_end, true, (bib_rich_tag)w->value);
        } else {
            enter(r, e, i + 1, inner_end, true, END_NONE, 0);
        }
    } else if (!r->nested && rich && (r->flags & BIB_LATEX_NOCASE) && inner_end > i + 1) {
        enter_tagged(r, e, i + 1, inner_end, true, BIB_RICH_NOCASE);
    } else {
        enter(r, e, i + 1, inner_end, true, END_NONE, 0);
    }
}

/* \ElsevierGlyph{2014} (Elsevier's exports) is U+2014; s[i] is the '\\',
 * the argument starts at `after`. */
static void read_glyph(reader *r, size_t i, size_t after)
{
    const char *s = r->s;
    size_t a, b;
    size_t e = argument(r, after, r->end, &a, &b);
    uint32_t g = 0;
    size_t q = a;
    for (; q < b && q - a < 6 && isxdigit((unsigned char)s[q]); q++) {
        int c = tolower((unsigned char)s[q]);
        g = g * 16 + (uint32_t)(isdigit(c) ? c - '0' : c - 'a' + 10);
    }
    if (q == b && b > a && g >= 0x20 && g <= 0x10FFFF && (g < 0xD800 || g > 0xDFFF)) {
        bib_buf_put_utf8(r->out, g);
    } else {
        latex_put(r->out, s + i, e - i);
        r->unknown++;
    }
    r->i = e;
}

/* \url{x} and \doi{x}: x as written (its '%', '_', '~' are literal
 * there); \href{url}{text}: the text. */
static void read_link(reader *r, size_t after, bool href)
{
    const char *s = r->s;
    size_t a, b;
    size_t e = argument(r, after, r->end, &a, &b);
    if (href) {
        e = argument(r, e, r->end, &a, &b);
        enter(r, e, a, b, true, END_NONE, 0);
        return;
    }
    for (size_t q = a; q < b; q++)
        if (s[q] != '{' && s[q] != '}')
            bib_buf_putc_fast(r->out, s[q]);
    r->i = e;
}

/* A control word \name at s[i] (name = s[k..k+n), n > 0). */
static void read_word(reader *r, size_t k, size_t n)
{
    const char *s = r->s;
    size_t i = r->i, end = r->end;
    size_t after = k + n;
    const bib_latex_word *w = bib__latex_word(s + k, n);
    int kind = w ? w->kind : 0;
    if (kind == BIB__LW_GLYPH && !(after < end && s[after] == '{'))
        kind = 0;
    size_t a, b, e;
    switch (kind) {
    case BIB__LW_LETTER:
        bib_buf_put_utf8(r->out, w->value);
        /* "\ss{}" and "\ss " end the command name */
        if (after + 1 < end && s[after] == '{' && s[after + 1] == '}')
            after += 2;
        else if (after < end && s[after] == ' ')
            after++;
        r->i = after;
        break;
    case BIB__LW_FORMAT:
        e = argument(r, after, end, &a, &b);
        enter_tagged(r, e, a, b, true, (bib_rich_tag)w->value);
        break;
    case BIB__LW_DECL:
        /* a declaration outside a group: formats the rest */
        if (after < end && s[after] == ' ')
            after++;
        enter_tagged(r, end, after, end, r->nested, (bib_rich_tag)w->value);
        break;
    case BIB__LW_QUOTE:
        e = argument(r, after, end, &a, &b);
        LATEX_PUT_LIT(r->out, "\xE2\x80\x9C");
        enter(r, e, a, b, true, END_QUOTE, 0);
        break;
    case BIB__LW_LINK: read_link(r, after, n == 4); break;
    case BIB__LW_GLYPH: read_glyph(r, i, after); break;
    default:
        /* unknown: kept as written, with a directly following group */
        e = after;
        if (e < end && s[e] == '{')
            e = group_end(r, e, end);
        latex_put(r->out, s + i, e - i);
        r->unknown++;
        r->i = e;
    }
}

/* A backslash at s[i]: an escaped special, a spacing command, an accent,
 * a control symbol or a control word. */
static void read_command(reader *r)
{
    const char *s = r->s;
    size_t i = r->i, end = r->end;
    bib_buf *out = r->out;
    if (i + 1 >= end) {
        bib_buf_putc_fast(out, '\\');
        r->i = i + 1;
        return;
    }
    char n1 = s[i + 1];
    if (n1 == '&' || n1 == '%' || n1 == '$' || n1 == '#' || n1 == '_' || n1 == '{' ||
        n1 == '}' || !n1) { /* strchr("&%$#_{}", n1) without a call (its NUL too) */
        bib_buf_putc_fast(out, n1);
        r->i = i + 2;
        return;
    }
    if (n1 == ' ' || n1 == '\\' || n1 == '/' || n1 == ',' || n1 == ';' || n1 == '!' ||
        n1 == '@') {
        if (n1 == ' ' || n1 == '\\' || n1 == ',' || n1 == ';')
            bib_buf_putc_fast(out, ' ');
        r->i = i + 2;
        return;
    }
    size_t k = i + 1, n = 0;
    while (k + n < end && is_letter(s[k + n]))
        n++;
    char acc = 0;
    if (n == 0 && accent_mark(n1))
        acc = n1;
    else if (n == 1 && accent_mark(n1) && strchr("uvHrdckbt", n1))
        acc = n1;
    if (acc) {
        size_t a, b;
        size_t after = argument(r, i + 2, end, &a, &b);
        put_accent(r, acc, a, b, after);
    } else if (n == 0) { /* an unknown control symbol: kept */
        size_t len = 1 + char_len(s, i + 1, end);
        latex_put(out, s + i, len);
        r->unknown++;
        r->i = i + len;
    } else {
        read_word(r, k, n);
    }
}

static void read_punct(reader *r)
{
    r->i = put_punct(r->out, r->s, r->i, r->end);
}

/* Converts the current range up to its first special character, or that
 * character's construct. */
static void read_step(reader *r)
{
    const char *s = r->s;
    size_t i = r->i, end = r->end;
    size_t j = latex_find_convert(s, i, end); /* a run the conversion copies */
    if (j > i) { /* then the construct at j, which a new scan would find first */
        latex_put(r->out, s + i, j - i);
        r->i = i = j;
        if (j == end)
            return;
    }
    switch (s[i]) {
    case '$': read_math(r); break;
    case '}': r->i = i + 1; break; /* unbalanced: dropped, as BibTeX does */
    case '{': read_group(r); break;
    case '\\': read_command(r); break;
    default: read_punct(r); break;
    }
}

size_t bib_latex_plain_len(const char *s, size_t len)
{
    return latex_find_convert(s, 0, len);
}

int bib_latex_to_unicode(bib_buf *out, const char *s, size_t len, unsigned flags,
                         size_t *unknown)
{
    if (unknown)
        *unknown = 0;
    if (flags & BIB_LATEX_VERBATIM) {
        /* only grouping braces go: {https://x} -> https://x; the text
         * between them is copied in runs, not byte by byte */
        size_t from = 0;
        for (size_t i = 0; i < len; i++) {
            i = latex_skip_braces16(s, i, len);
            if (i < len && (s[i] == '{' || s[i] == '}')) {
                if (i > from)
                    latex_put(out, s + from, i - from);
                from = i + 1;
            }
        }
        if (len > from)
            latex_put(out, s + from, len - from);
        return out->failed ? BIB_ENOMEM : 0; /* the field: no call per value */
    }
    /* the leading run without a special character, as read_step finds
     * it: a value that is all plain text (most of them) is one copy, with
     * no reader to set up */
    size_t plain = latex_find_convert(s, 0, len);
    latex_put(out, s, plain);
    /* dashes, TeX quotes and plain groups before any other special (a page
     * range, a title's {{DNA}}), as read_step converts them, still without
     * the reader */
    for (size_t j; plain < len; plain = latex_find_convert(s, j, len), latex_put(out, s + j, plain - j))
        if (latex_char_class[(unsigned char)s[plain]] == 2)
            j = put_punct(out, s, plain, len);
        else if (s[plain] != '{' || !(j = group_quick(out, s, plain, len, flags, false)))
            break;
    if (plain == len)
        return out->failed ? BIB_ENOMEM : 0;
    /* on the C stack, its small arrays left uninitialised: most values
     * need neither more stack nor a brace table */
    reader rd;
    reader *r = &rd;
    r->out = out;
    r->s = s;
    r->len = len;
    r->flags = flags;
    r->unknown = 0;
    r->failed = false;
    r->i = plain;
    r->end = len;
    r->nested = false;
    r->stack = r->small_stack;
    r->top = 0;
    r->cap = sizeof r->small_stack / sizeof r->small_stack[0];
    r->scan_left = GROUP_SCAN;
    r->tried = s[plain] == '{' ? plain : SIZE_MAX;
    brace_table_init(&r->bt, s, len, false);
    while (!r->failed) {
        while (r->i < r->end && !r->failed)
            read_step(r);
        if (r->top == 0 || r->failed)
            break;
        leave(r);
    }
    if (unknown)
        *unknown = r->unknown;
    bool failed = r->failed;
    if (r->stack != r->small_stack)
        free(r->stack);
    brace_table_free(&r->bt);
    return failed || out->failed ? BIB_ENOMEM : 0;
}

/* ---- writing ------------------------------------------------------------------ */

/* Whether the braces of s[0..len) pair up: BibTeX counts every brace of a
 * value, a backslash before it or not, so a lone one written "\{" makes
 * the entry unreadable (docs/bibtex.md). */
static bool braces_pair(const char *s, size_t len)
{
    long depth = 0;
    size_t i = 0;
#if defined(__x86_64__) && defined(__SSE2__)
    /* sixteen bytes a step, only the braces among them looked at (a URL
     * or DOI, checked whole, seldom has any) */
    const __m128i ob = _mm_set1_epi8('{'), cb = _mm_set1_epi8('}');
    for (; len - i >= 16; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(x, ob), _mm_cmpeq_epi8(x, cb)));
        for (; m; m &= m - 1)
            if (s[i + (size_t)__builtin_ctz(m)] == '{')
                depth++;
            else if (--depth < 0)
                return false;
    }
#endif
    for (; i < len; i++)
        if (s[i] == '{')
            depth++;
        else if (s[i] == '}' && --depth < 0)
            return false;
    return depth == 0;
}

/* c escaped for a BibTeX value; lone: the value's braces do not pair up, so
 * a brace is written as a command, which holds no brace of its own. */
static void put_escaped_ascii(bib_buf *out, char c, bool lone)
{
    if (lone && (c == '{' || c == '}')) {
        bib_buf_puts(out, c == '{' ? "\\textbraceleft{}" : "\\textbraceright{}");
        return;
    }
    switch (c) {
    case '&': case '%': case '$': case '#': case '_': case '{': case '}':
        bib_buf_putc_fast(out, '\\');
        bib_buf_putc_fast(out, c);
        break;
    case '\\': bib_buf_puts(out, "\\textbackslash{}"); break;
    case '~': bib_buf_puts(out, "\\textasciitilde{}"); break;
    case '^': bib_buf_puts(out, "\\textasciicircum{}"); break;
    default: bib_buf_putc_fast(out, c);
    }
}

/* If s[i] ('$') opens inline math by the usual rule (a non-blank after
 * the opening '$', a non-blank before the closing one, no digit right
 * after it, on one line), returns the index of the closing '$', else 0. */
static size_t math_end(const char *s, size_t len, size_t i)
{
    if (i + 2 >= len || s[i + 1] == ' ' || s[i + 1] == '$')
        return 0;
    for (size_t k = i + 1; k < len; k++) {
        bib_rich_tag tag;
        bool closing;
        if (s[k] == '\n' || (s[k] == '<' && bib_rich_tag_at(s + k, len - k, &tag, &closing)))
            return 0; /* math never spans a line or markup */
        if (s[k] == '\\') {
            k++;
            continue;
        }
        /* math is written as it is, so its braces must pair up (as BibTeX
         * counts them, "\{" included): else its '$' is a literal one */
        if (s[k] == '$' && k > i + 1)
            return s[k - 1] != ' ' && !(k + 1 < len && isdigit((unsigned char)s[k + 1])) &&
                           braces_pair(s + i, k + 1 - i)
                       ? k
                       : 0;
    }
    return 0;
}

/* True when the reader converts \name: such a name in Unicode text came
 * from a literal backslash, never from a command kept as written. */
static bool known_command(const char *name, size_t n)
{
    if (n == 1 && accent_mark(name[0]))
        return true;
    const bib_latex_word *w = bib__latex_word(name, n);
    return w && w->kind <= BIB__LW_QUOTE;
}

/* If s[i] ('\\') starts a control word, optionally followed by balanced
 * brace groups, returns the index just past it, else 0. The reader keeps
 * commands it does not know as written, so the writer passes them back.
 * A group's end and any markup inside it come from the text's brace table
 * (so a text of many unclosed "\x{" costs linear time). */
static size_t command_end(brace_table *bt, const char *s, size_t len, size_t i)
{
    size_t k = i + 1;
    while (k < len && isalpha((unsigned char)s[k]))
        k++;
    if (k == i + 1 || known_command(s + i + 1, k - i - 1))
        return 0; /* a command the reader converts came from \textbackslash */
    while (k < len && s[k] == '{') {
        size_t close;
        if (table_match(bt, k, &close)) {
            if (close == NO_MATCH || table_lt_between(bt, k, close))
                return k; /* unclosed, or markup inside: left to the caller */
            k = close + 1;
            continue;
        }
        /* not in the table (memory ran out): scan */
        int depth = 0;
        size_t e = k;
        for (; e < len; e++) {
            if (s[e] == '\\' && e + 1 < len)
                e++;
            else if (s[e] == '{')
                depth++;
            else if (s[e] == '}' && --depth == 0)
                break;
            else if (s[e] == '<')
                return k; /* markup inside: leave the group to the caller */
        }
        if (e >= len)
            return k;
        k = e + 1;
    }
    return k;
}

/* The markup commands open in the output, closed at the end if the
 * input leaves them open. For each of the innermost 32, where it was
 * written and whether it is a nocase group: such a group whose text
 * starts with a command needs a second brace, or BibTeX reads a "special
 * character" ({\\emph{x}}) instead of protected text. */
typedef struct markup {
    int top;
    size_t at[32];
    bool is_nocase[32];
} markup;

/* bib_rich_tag_at with its first test in line: the tags of a protected
 * word ({Word} read from BibTeX) without the call, the others by it. */
static inline size_t rich_tag_at(const char *s, size_t len, bib_rich_tag *tag, bool *closing)
{
    static const char nocase[] = "<span class=\"nocase\">", end[] = "</span>";
    if (len >= sizeof nocase - 1 && s[1] == 's' && !memcmp(s, nocase, sizeof nocase - 1)) {
        *tag = BIB_RICH_NOCASE;
        *closing = false;
        return sizeof nocase - 1;
    }
    if (len >= sizeof end - 1 && s[1] == '/' && !memcmp(s, end, sizeof end - 1)) {
        *tag = BIB_RICH_NOCASE;
        *closing = true;
        return sizeof end - 1;
    }
    return bib_rich_tag_at(s, len, tag, closing);
}

/* Writes a rich-text tag as a command or a group. */
static void put_tag(bib_buf *out, markup *m, bib_rich_tag tag, bool closing)
{
#define CMD(t) {t, sizeof t - 1}
    static const struct {
        char text[20];
        unsigned char n;
    } cmd[] = {CMD(""), CMD("\\textit{"), CMD("\\textbf{"), CMD("\\textsuperscript{"),
               CMD("\\textsubscript{"), CMD("\\textsc{"), CMD("{")};
#undef CMD
    if (!closing) {
        if (m->top < 32) {
            m->is_nocase[m->top] = tag == BIB_RICH_NOCASE;
            m->at[m->top] = out->len + 1;
        }
        m->top++;
        latex_put(out, cmd[tag].text, cmd[tag].n);
        return;
    }
    if (m->top == 0)
        return;
    int t = --m->top;
    bib_buf_putc_fast(out, '}');
    if (t < 32 && m->is_nocase[t] && !out->failed && out->data[m->at[t]] == '\\') {
        bib_buf_putc_fast(out, '}'); /* room for the extra '{' */
        if (!out->failed) {
            memmove(out->data + m->at[t] + 1, out->data + m->at[t], out->len - 1 - m->at[t]);
            out->data[m->at[t]] = '{';
            bib_buf_putc_fast(out, '}');
        }
    }
}

/* Bytes bib_latex_from_unicode copies as they are: ASCII other than the
 * escaped specials, the command, math and markup openers and the ligature
 * characters. Runs of them (most of a value) are copied at once. Two
 * masks of the specials: bytes 0-63 and 64-127. */
#define LATEX_BIT(c) (UINT64_C(1) << ((c) & 63))
#define LATEX_SPECIAL_LO (LATEX_BIT('&') | LATEX_BIT('%') | LATEX_BIT('$') | LATEX_BIT('#') | \
                          LATEX_BIT('<') | LATEX_BIT('-') | LATEX_BIT('\''))
#define LATEX_SPECIAL_HI (LATEX_BIT('_') | LATEX_BIT('{') | LATEX_BIT('}') | LATEX_BIT('\\') | \
                          LATEX_BIT('~') | LATEX_BIT('^') | LATEX_BIT('`'))
/* shifts masked to 0..63: clang checks the branches not taken too */
#define LP(c) ((c) < 64    ? !(LATEX_SPECIAL_LO >> ((c) & 63) & 1)                   \
               : (c) < 128 ? !(LATEX_SPECIAL_HI >> (((c) - 64) & 63) & 1)          \
                           : 0)
#define LP4(c) LP(c), LP((c) + 1), LP((c) + 2), LP((c) + 3)
#define LP16(c) LP4(c), LP4((c) + 4), LP4((c) + 8), LP4((c) + 12)
#define LP64(c) LP16(c), LP16((c) + 16), LP16((c) + 32), LP16((c) + 48)
/* looked up a byte at a time, four bytes a round (every value written to
 * BibTeX goes through it) */
const bool bib__latex_from_plain[256] = {LP64(0), LP64(64), LP64(128), LP64(192)};
#define latex_plain bib__latex_from_plain
#undef LP64
#undef LP16
#undef LP4
#undef LP
#undef LATEX_SPECIAL_HI
#undef LATEX_SPECIAL_LO
#undef LATEX_BIT

#if defined(__x86_64__) && defined(__SSE2__)
/* One bit per byte of x that is not latex_plain, and a few more: the
 * specials as three ranges and two bytes, non-ASCII by its top bit. The
 * ranges take in ']' and '|' with '\\'...'`' and '{'...'~' (two compares
 * fewer a block; a stop at a byte that is copied costs only a step of the
 * caller's loop, and the two are rare in text). */
static inline unsigned latex_special_mask(__m128i x)
{
/* lo <= x <= lo + n, unsigned: x moved so that lo is -128, then one
 * signed compare */
#define IN_RANGE(lo, n)                                                                      \
    _mm_cmplt_epi8(_mm_add_epi8(x, _mm_set1_epi8((char)(0x80 - (lo)))),                      \
                   _mm_set1_epi8((char)(-128 + (n) + 1)))
    __m128i m = _mm_or_si128(_mm_or_si128(IN_RANGE('#', 4), IN_RANGE('\\', 4)), IN_RANGE('{', 3));
    m = _mm_or_si128(m, _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8('-')),
                                     _mm_cmpeq_epi8(x, _mm_set1_epi8('<'))));
    m = _mm_or_si128(m, x);
#undef IN_RANGE
    return (unsigned)_mm_movemask_epi8(m);
}
#endif

/* The end of the run of latex_plain bytes of s[i..len): sixteen bytes a
 * step where SSE2 is there, the last under sixteen as the sixteen that
 * end the text (the flags of the bytes before i shifted off) when it is
 * that long; else four at a time by the table */
static inline size_t latex_plain_run(const char *s, size_t i, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
#if defined(__x86_64__) && defined(__SSE2__)
    for (; len - i >= 16; i += 16) {
        unsigned bits = latex_special_mask(_mm_loadu_si128((const __m128i *)(const void *)(s + i)));
        if (bits)
            return i + (size_t)__builtin_ctz(bits);
    }
    if (i < len && len >= 16) {
        unsigned bits =
            latex_special_mask(_mm_loadu_si128((const __m128i *)(const void *)(s + len - 16)));
        bits >>= 16 - (len - i);
        return bits ? i + (size_t)__builtin_ctz(bits) : len;
    }
#endif
    while (i + 4 <= len &&
           latex_plain[u[i]] & latex_plain[u[i + 1]] & latex_plain[u[i + 2]] & latex_plain[u[i + 3]])
        i += 4;
    while (i < len && latex_plain[u[i]])
        i++;
    return i;
}

/* Copies the plain run at s[i]; returns its end. */
static inline size_t latex_copy_plain(bib_buf *out, const char *s, size_t i, size_t len)
{
    size_t run = latex_plain_run(s, i, len);
    if (run > i)
        latex_put(out, s + i, run - i);
    return run;
}

size_t bib__latex_from_plain_run(const char *s, size_t i, size_t len)
{
    return latex_plain_run(s, i, len);
}

int bib_latex_from_unicode(bib_buf *out, const char *s, size_t len, unsigned flags,
                           size_t *no_latex)
{
    if (no_latex)
        *no_latex = 0;
    if (flags & BIB_LATEX_OUT_VERBATIM) {
        /* nothing is escaped in a verbatim field, so braces that do not
         * pair up would end the value early: they go out percent-encoded,
         * which a URL or DOI reads the same (RFC 3986 does not allow them
         * bare); the caller sees the length change and warns */
        if (braces_pair(s, len)) {
            latex_put(out, s, len);
        } else {
            for (size_t i = 0; i < len; i++) {
                if (s[i] == '{' || s[i] == '}')
                    bib_buf_puts(out, s[i] == '{' ? "%7B" : "%7D");
                else
                    bib_buf_putc_fast(out, s[i]);
            }
        }
        return out->failed ? BIB_ENOMEM : 0;
    }
    /* most values are plain text throughout: copied without the setup */
    size_t i = latex_plain_run(s, 0, len);
    if (i == len) {
        latex_put(out, s, len);
        return out->failed ? BIB_ENOMEM : 0;
    }
    bool ascii = flags & BIB_LATEX_ASCII;
    markup m;
    m.top = 0;
    brace_table bt; /* built only for a command followed by a group */
    brace_table_init(&bt, s, len, true);
    int lone = -1; /* whether the braces fail to pair up; -1: not looked */
    latex_put(out, s, i); /* the plain start found above */
    /* s[i] is where the plain run stopped; after each step the next run
     * is copied (the step's `continue` included), so no block is scanned
     * twice */
    for (; i < len; i = latex_copy_plain(out, s, i, len)) {
        unsigned char c = (unsigned char)s[i];
        if (c == '<' && (flags & BIB_LATEX_FROM_RICH)) {
            bib_rich_tag tag;
            bool closing;
            size_t n = rich_tag_at(s + i, len - i, &tag, &closing);
            /* with nothing open, "</span>" (of a span spelled otherwise) is text */
            if (n && !(closing && m.top == 0)) {
                put_tag(out, &m, tag, closing);
                i += n;
                continue;
            }
        }
        if (c == '$') {
            size_t k = math_end(s, len, i);
            if (k) {
                if (ascii)
                    bib__latex_put_math_ascii(out, s + i, k + 1 - i, no_latex);
                else
                    latex_put(out, s + i, k + 1 - i); /* math is kept as written */
                i = k + 1;
                continue;
            }
        }
        if (c == '\\') {
            size_t k = command_end(&bt, s, len, i);
            /* written as it is only when its braces pair up as BibTeX
             * counts them ("\{" included), as math's must: the group
             * table skips an escaped brace, so "\x{a $\{1}" was kept
             * whole with one brace open (a fuzz_writer finding) */
            if (k && !braces_pair(s + i, k - i))
                k = 0;
            if (k) {
                latex_put(out, s + i, k - i); /* an unknown command read as written */
                i = k;
                continue;
            }
        }
        if (c < 0x80) {
            if ((c == '{' || c == '}') && lone < 0) /* looked at once, when needed */
                lone = !braces_pair(s, len);
            put_escaped_ascii(out, (char)c, lone > 0);
            /* "--", "``" and "''" are ligatures to a BibTeX reader (a
             * dash, curly quotes): an empty group keeps them two characters */
            if ((c == '-' || c == '`' || c == '\'') && i + 1 < len && s[i + 1] == (char)c)
                bib_buf_puts(out, "{}");
            i++;
            continue;
        }
        /* a run of non-ASCII characters at once; kept as written unless
         * classic BibTeX (8-bit) wants commands */
        if (ascii) {
            i += bib__latex_put_non_ascii_run(out, s + i, len - i, no_latex);
        } else {
            size_t k = i + 1;
            while (k < len && (unsigned char)s[k] >= 0x80)
                k++;
            latex_put(out, s + i, k - i);
            i = k;
        }
    }
    while (m.top-- > 0)
        bib_buf_putc_fast(out, '}'); /* unbalanced markup: close what is open */
    brace_table_free(&bt);
    return out->failed ? BIB_ENOMEM : 0;
}
