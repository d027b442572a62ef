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
 * LaTeX gives meaning to is copied in one piece (the fast path).
 *
 * Not for: BibTeX value syntax (quotes, outer braces, macros, '#').
 */
#include <ctype.h>
#include <string.h>

#include "bibconv/latex.h"
#include "bibconv/utf8.h"
#include "latex_table.h"

/* ---- tables -------------------------------------------------------------- */

typedef bib_latex_named named_cp;

static uint32_t lookup_named(const named_cp *t, size_t n, const char *name, size_t len)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        /* by length, not by NUL: the name comes from input and may hold
         * a NUL byte ("$\\to\0x$") */
        size_t tl = strlen(t[mid].name);
        int c = memcmp(t[mid].name, name, tl < len ? tl : len);
        if (c == 0)
            c = tl < len ? -1 : tl > len ? 1 : 0;
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

typedef struct reader {
    bib_buf *out;
    const char *s;
    size_t len;
    unsigned flags;
    size_t unknown;
} reader;

static bool is_letter(char c)
{
    return isalpha((unsigned char)c);
}

/* Index just past the group that opens at s[i] == '{' (or len). */
static size_t group_end(const char *s, size_t len, size_t i)
{
    int depth = 0;
    for (; i < len; i++) {
        if (s[i] == '\\' && i + 1 < len) {
            i++;
            continue;
        }
        if (s[i] == '{')
            depth++;
        else if (s[i] == '}' && --depth == 0)
            return i + 1;
    }
    return len;
}

static void convert(reader *r, size_t i, size_t end, int depth);

static void open_tag(bib_buf *out, bib_rich_tag t)
{
    static const char *const open[] = {"", "<i>", "<b>", "<sup>", "<sub>",
                                       "<span style=\"font-variant:small-caps;\">",
                                       "<span class=\"nocase\">"};
    bib_buf_puts(out, open[t]);
}

static void close_tag(bib_buf *out, bib_rich_tag t)
{
    static const char *const close[] = {"", "</i>", "</b>", "</sup>", "</sub>", "</span>",
                                        "</span>"};
    bib_buf_puts(out, close[t]);
}

/* Formatting command -> markup tag; BIB_RICH_NONE for "keep the text". */
static int format_command(const char *name, size_t n, bib_rich_tag *tag)
{
    static const struct { const char *name; bib_rich_tag tag; } fmt[] = {
        {"emph", BIB_RICH_ITALIC}, {"textit", BIB_RICH_ITALIC}, {"textsl", BIB_RICH_ITALIC},
        {"mkbibemph", BIB_RICH_ITALIC}, {"mkbibitalic", BIB_RICH_ITALIC},
        {"textbf", BIB_RICH_BOLD}, {"mkbibbold", BIB_RICH_BOLD},
        {"textsc", BIB_RICH_SMALLCAPS}, {"textsuperscript", BIB_RICH_SUP},
        {"mkbibsuperscript", BIB_RICH_SUP}, {"textsubscript", BIB_RICH_SUB},
        {"mkbibsubscript", BIB_RICH_SUB}, {"textrm", BIB_RICH_NONE}, {"textsf", BIB_RICH_NONE},
        {"texttt", BIB_RICH_NONE}, {"textnormal", BIB_RICH_NONE}, {"textup", BIB_RICH_NONE},
        {"textmd", BIB_RICH_NONE}, {"mbox", BIB_RICH_NONE}, {"text", BIB_RICH_NONE},
        {"NoCaseChange", BIB_RICH_NONE}, {"ensuremath", BIB_RICH_NONE},
    };
    for (size_t k = 0; k < sizeof fmt / sizeof fmt[0]; k++)
        if (strlen(fmt[k].name) == n && memcmp(fmt[k].name, name, n) == 0) {
            *tag = fmt[k].tag;
            return 1;
        }
    return 0;
}

/* Declarations that format the rest of their group: {\em x}, {\bf x}. */
static int declaration(const char *name, size_t n, bib_rich_tag *tag)
{
    static const struct { const char *name; bib_rich_tag tag; } decl[] = {
        {"em", BIB_RICH_ITALIC}, {"it", BIB_RICH_ITALIC}, {"itshape", BIB_RICH_ITALIC},
        {"sl", BIB_RICH_ITALIC}, {"bf", BIB_RICH_BOLD}, {"bfseries", BIB_RICH_BOLD},
        {"sc", BIB_RICH_SMALLCAPS}, {"scshape", BIB_RICH_SMALLCAPS}, {"rm", BIB_RICH_NONE},
        {"tt", BIB_RICH_NONE}, {"sf", BIB_RICH_NONE}, {"upshape", BIB_RICH_NONE},
        {"normalfont", BIB_RICH_NONE},
    };
    for (size_t k = 0; k < sizeof decl / sizeof decl[0]; k++)
        if (strlen(decl[k].name) == n && memcmp(decl[k].name, name, n) == 0) {
            *tag = decl[k].tag;
            return 1;
        }
    return 0;
}

/* The argument of a command at s[i]: a group (its inner range) or one
 * character/command. Returns the index after it. */
static size_t argument(const char *s, size_t len, size_t i, size_t *a, size_t *b)
{
    while (i < len && s[i] == ' ')
        i++;
    if (i < len && s[i] == '{') {
        size_t e = group_end(s, len, i);
        *a = i + 1;
        *b = e > *a && s[e - 1] == '}' ? e - 1 : e;
        return e;
    }
    if (i < len && s[i] == '\\') {
        size_t j = i + 1;
        while (j < len && is_letter(s[j]))
            j++;
        if (j == i + 1 && j < len)
            j++;
        *a = i;
        *b = j;
        return j;
    }
    *a = i;
    *b = i < len ? i + 1 : i;
    return *b;
}

/* Handles an accent command whose base is s[a..b); returns true if done. */
static bool put_accent(reader *r, char cmd, size_t a, size_t b)
{
    const char *s = r->s;
    uint32_t base = 0;
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
        convert(r, a, b, 1);
        bib_buf_put_utf8(r->out, accent_mark(cmd));
        return true;
    }
    uint32_t cp = compose(cmd, base);
    if (cp) {
        bib_buf_put_utf8(r->out, cp);
    } else {
        bib_buf_put_utf8(r->out, base == 0x131 ? 'i' : base == 0x237 ? 'j' : base);
        bib_buf_put_utf8(r->out, accent_mark(cmd));
    }
    return true;
}

/* Converts s[i..end). depth: brace level (0 = the value itself). */
/* The characters with a meaning to LaTeX text (strchr would also match
 * the NUL byte; a table is faster and exact). */
static const bool special_char[256] = {
    ['\\'] = true, ['{'] = true, ['}'] = true, ['~'] = true,
    ['$'] = true, ['-'] = true, ['`'] = true, ['\''] = true,
};

static void convert(reader *r, size_t i, size_t end, int depth)
{
    const char *s = r->s;
    bib_buf *out = r->out;
    bool rich = r->flags & BIB_LATEX_RICH;
    while (i < end) {
        /* fast path: copy the run of characters with no meaning to LaTeX */
        size_t j = i;
        while (j < end && !special_char[(unsigned char)s[j]])
            j++;
        if (j > i) {
            bib_buf_append_fast(out, s + i, j - i);
            i = j;
            continue;
        }
        char c = s[i];
        if (c == '~') {
            bib_buf_puts(out, "\xC2\xA0");
            i++;
        } else if (c == '-') {
            if (i + 2 < end && s[i + 1] == '-' && s[i + 2] == '-') {
                bib_buf_puts(out, "\xE2\x80\x94");
                i += 3;
            } else if (i + 1 < end && s[i + 1] == '-') {
                bib_buf_puts(out, "\xE2\x80\x93");
                i += 2;
            } else {
                bib_buf_putc_fast(out, '-');
                i++;
            }
        } else if (c == '`' && i + 1 < end && s[i + 1] == '`') {
            bib_buf_puts(out, "\xE2\x80\x9C");
            i += 2;
        } else if (c == '\'' && i + 1 < end && s[i + 1] == '\'') {
            bib_buf_puts(out, "\xE2\x80\x9D");
            i += 2;
        } else if (c == '`' || c == '\'') {
            bib_buf_putc_fast(out, c); /* a lone quote stays: O'Brien */
            i++;
        } else if (c == '$') {
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
                bib_buf_put_utf8(out, cp);
            else
                bib_buf_append_fast(out, s + i, (e < end ? e + 1 : e) - i); /* math kept */
            i = e < end ? e + 1 : e;
        } else if (c == '}') {
            i++; /* unbalanced: dropped, as BibTeX does */
        } else if (c == '{') {
            size_t e = group_end(s, end, i);
            size_t inner_end = e > i + 1 && s[e - 1] == '}' ? e - 1 : e;
            bool special = i + 1 < end && s[i + 1] == '\\';
            if (special && depth == 0) {
                /* {\"u}, {\ss}, {\em x}: a special character, not protection */
                size_t k = i + 2, n = 0;
                while (k + n < inner_end && is_letter(s[k + n]))
                    n++;
                bib_rich_tag tag;
                if (n && declaration(s + k, n, &tag)) {
                    size_t body = k + n;
                    if (body < inner_end && s[body] == ' ')
                        body++; /* the space ending the control word */
                    if (rich && tag)
                        open_tag(out, tag);
                    convert(r, body, inner_end, depth + 1);
                    if (rich && tag)
                        close_tag(out, tag);
                } else {
                    convert(r, i + 1, inner_end, depth + 1);
                }
            } else if (depth == 0 && rich && (r->flags & BIB_LATEX_NOCASE) && inner_end > i + 1) {
                open_tag(out, BIB_RICH_NOCASE);
                convert(r, i + 1, inner_end, depth + 1);
                close_tag(out, BIB_RICH_NOCASE);
            } else {
                convert(r, i + 1, inner_end, depth + 1);
            }
            i = e;
        } else { /* '\\' */
            if (i + 1 >= end) {
                bib_buf_putc_fast(out, '\\');
                i++;
                continue;
            }
            char n1 = s[i + 1];
            if (strchr("&%$#_{}", n1)) {
                bib_buf_putc_fast(out, n1);
                i += 2;
                continue;
            }
            if (n1 == ' ' || n1 == '\\' || n1 == '/' || n1 == ',' || n1 == ';' || n1 == '!' ||
                n1 == '@') {
                if (n1 == ' ' || n1 == '\\' || n1 == ',' || n1 == ';')
                    bib_buf_putc_fast(out, ' ');
                i += 2;
                continue;
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
                size_t after = argument(s, end, i + 2, &a, &b);
                put_accent(r, acc, a, b);
                i = after;
                continue;
            }
            if (n == 0) { /* an unknown control symbol: kept */
                bib_buf_append_fast(out, s + i, 2);
                r->unknown++;
                i += 2;
                continue;
            }
            const char *name = s + k;
            size_t after = k + n;
            uint32_t cp = lookup_named(bib__latex_letters, bib__latex_letters_len, name, n);
            bib_rich_tag tag;
            if (cp) {
                bib_buf_put_utf8(out, cp);
                /* "\ss{}" and "\ss " end the command name */
                if (after + 1 < end && s[after] == '{' && s[after + 1] == '}')
                    after += 2;
                else if (after < end && s[after] == ' ')
                    after++;
                i = after;
            } else if (format_command(name, n, &tag)) {
                size_t a, b;
                size_t e = argument(s, end, after, &a, &b);
                if (rich && tag)
                    open_tag(out, tag);
                convert(r, a, b, depth + 1);
                if (rich && tag)
                    close_tag(out, tag);
                i = e;
            } else if (declaration(name, n, &tag)) {
                /* a declaration outside a group: formats the rest */
                if (after < end && s[after] == ' ')
                    after++;
                if (rich && tag)
                    open_tag(out, tag);
                convert(r, after, end, depth);
                if (rich && tag)
                    close_tag(out, tag);
                i = end;
            } else if ((n == 8 && !memcmp(name, "enquote*", 8)) ||
                       (n == 7 && !memcmp(name, "enquote", 7)) ||
                       (n == 10 && !memcmp(name, "mkbibquote", 10))) {
                size_t a, b;
                size_t e = argument(s, end, after, &a, &b);
                bib_buf_puts(out, "\xE2\x80\x9C");
                convert(r, a, b, depth + 1);
                bib_buf_puts(out, "\xE2\x80\x9D");
                i = e;
            } else if ((n == 3 && (!memcmp(name, "url", 3) || !memcmp(name, "doi", 3))) ||
                       (n == 4 && !memcmp(name, "href", 4))) {
                /* \url{x} and \doi{x}: x as written (its '%', '_', '~' are
                 * literal there); \href{url}{text}: the text */
                size_t a, b;
                size_t e = argument(s, end, after, &a, &b);
                if (n == 4) {
                    e = argument(s, end, e, &a, &b);
                    convert(r, a, b, depth + 1);
                } else {
                    for (size_t q = a; q < b; q++)
                        if (s[q] != '{' && s[q] != '}')
                            bib_buf_putc_fast(out, s[q]);
                }
                i = e;
            } else if (n == 13 && !memcmp(name, "ElsevierGlyph", 13) && after < end &&
                       s[after] == '{') {
                /* Elsevier's exports: \ElsevierGlyph{2014} is U+2014 */
                size_t a, b;
                size_t e = argument(s, end, after, &a, &b);
                uint32_t g = 0;
                size_t q = a;
                for (; q < b && q - a < 6 && isxdigit((unsigned char)s[q]); q++) {
                    int c = tolower((unsigned char)s[q]);
                    g = g * 16 + (uint32_t)(isdigit(c) ? c - '0' : c - 'a' + 10);
                }
                if (q == b && b > a && g >= 0x20 && g <= 0x10FFFF &&
                    (g < 0xD800 || g > 0xDFFF)) {
                    bib_buf_put_utf8(out, g);
                } else {
                    bib_buf_append_fast(out, s + i, e - i);
                    r->unknown++;
                }
                i = e;
            } else {
                /* unknown: kept as written, with a directly following group */
                size_t e = after;
                if (e < end && s[e] == '{')
                    e = group_end(s, end, e);
                bib_buf_append_fast(out, s + i, e - i);
                r->unknown++;
                i = e;
            }
        }
    }
}

int bib_latex_to_unicode(bib_buf *out, const char *s, size_t len, unsigned flags,
                         size_t *unknown)
{
    if (unknown)
        *unknown = 0;
    if (flags & BIB_LATEX_VERBATIM) {
        /* only grouping braces go: {https://x} -> https://x */
        for (size_t i = 0; i < len; i++)
            if (s[i] != '{' && s[i] != '}')
                bib_buf_putc_fast(out, s[i]);
        return bib_buf_failed(out) ? BIB_ENOMEM : 0;
    }
    reader r = {out, s, len, flags, 0};
    convert(&r, 0, len, 0);
    if (unknown)
        *unknown = r.unknown;
    return bib_buf_failed(out) ? BIB_ENOMEM : 0;
}

/* ---- writing ------------------------------------------------------------------ */

/* Accent command and base of a precomposed letter, false if none. */
static bool decompose(uint32_t cp, char *cmd, uint32_t *base)
{
    size_t lo = 0, hi = bib__latex_accents_len;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        uint32_t c = bib__latex_accents[bib__latex_accents_by_cp[mid]].cp;
        if (c < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo >= bib__latex_accents_len)
        return false;
    const bib_latex_accent *a = &bib__latex_accents[bib__latex_accents_by_cp[lo]];
    if (a->cp != cp)
        return false;
    *cmd = a->cmd;
    *base = a->base;
    return true;
}

static const char *letter_command(uint32_t cp)
{
    for (size_t i = 0; i < bib__latex_letters_len; i++)
        if (bib__latex_letters[i].cp == cp && bib__latex_letters[i].cp >= 0x80)
            return bib__latex_letters[i].name;
    return NULL;
}

static void put_escaped_ascii(bib_buf *out, char c)
{
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
        if (s[k] == '$' && k > i + 1)
            return s[k - 1] != ' ' && !(k + 1 < len && isdigit((unsigned char)s[k + 1])) ? k
                                                                                     : 0;
    }
    return 0;
}

/* Math as written, but for classic BibTeX (8-bit) a Unicode letter or
 * symbol inside it as its math command ("$Δ$" -> "$\Delta$"); one with no
 * command is kept and counted. */
static void put_math_ascii(bib_buf *out, const char *s, size_t len, size_t *no_latex)
{
    for (size_t i = 0; i < len;) {
        if ((unsigned char)s[i] < 0x80) {
            bib_buf_putc_fast(out, s[i++]);
            continue;
        }
        uint32_t cp;
        int n = bib_utf8_decode(s + i, len - i, &cp);
        const char *name = NULL;
        for (size_t k = 0; k < bib__latex_math_len && !name; k++)
            if (bib__latex_math[k].cp == cp)
                name = bib__latex_math[k].name;
        if (name) {
            bib_buf_printf(out, "\\%s", name);
            /* a letter right after would join the command name */
            size_t j = i + (size_t)n;
            if (j < len && isalpha((unsigned char)s[j]))
                bib_buf_putc_fast(out, ' ');
        } else {
            bib_buf_append_fast(out, s + i, (size_t)n);
            if (no_latex)
                (*no_latex)++;
        }
        i += (size_t)n;
    }
}

/* True when the reader converts \name: such a name in Unicode text came
 * from a literal backslash, never from a command kept as written. */
static bool known_command(const char *name, size_t n)
{
    bib_rich_tag tag;
    if (n == 1 && accent_mark(name[0]))
        return true;
    return lookup_named(bib__latex_letters, bib__latex_letters_len, name, n) ||
           format_command(name, n, &tag) || declaration(name, n, &tag) ||
           (n == 7 && !memcmp(name, "enquote", 7)) || (n == 10 && !memcmp(name, "mkbibquote", 10));
}

/* If s[i] ('\\') starts a control word, optionally followed by balanced
 * brace groups, returns the index just past it, else 0. The reader keeps
 * commands it does not know as written, so the writer passes them back. */
static size_t command_end(const char *s, size_t len, size_t i)
{
    size_t k = i + 1;
    while (k < len && isalpha((unsigned char)s[k]))
        k++;
    if (k == i + 1 || known_command(s + i + 1, k - i - 1))
        return 0; /* a command the reader converts came from \textbackslash */
    while (k < len && s[k] == '{') {
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

int bib_latex_from_unicode(bib_buf *out, const char *s, size_t len, unsigned flags,
                           size_t *no_latex)
{
    if (no_latex)
        *no_latex = 0;
    if (flags & BIB_LATEX_OUT_VERBATIM) {
        bib_buf_append_fast(out, s, len);
        return bib_buf_failed(out) ? BIB_ENOMEM : 0;
    }
    bool ascii = flags & BIB_LATEX_ASCII;
    int top = 0; /* open markup commands, closed at the end if unbalanced */
    /* where each open nocase brace was written: a group whose text starts
     * with a command needs a second brace, or BibTeX reads a "special
     * character" ({\\emph{x}}) instead of protected text */
    size_t nocase_at[32];
    bool is_nocase[32];
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (c == '<' && (flags & BIB_LATEX_FROM_RICH)) {
            bib_rich_tag tag;
            bool closing;
            size_t n = bib_rich_tag_at(s + i, len - i, &tag, &closing);
            if (n) {
                static const char *const cmd[] = {"", "\\textit{", "\\textbf{",
                                                  "\\textsuperscript{", "\\textsubscript{",
                                                  "\\textsc{", "{"};
                if (closing) {
                    if (top > 0) {
                        top--;
                        bib_buf_putc_fast(out, '}');
                        if (top < 32 && is_nocase[top] && !bib_buf_failed(out) &&
                            out->data[nocase_at[top]] == '\\') {
                            bib_buf_putc_fast(out, '}'); /* room for the extra '{' */
                            if (!bib_buf_failed(out)) {
                                memmove(out->data + nocase_at[top] + 1,
                                        out->data + nocase_at[top],
                                        out->len - 1 - nocase_at[top]);
                                out->data[nocase_at[top]] = '{';
                                bib_buf_putc_fast(out, '}');
                            }
                        }
                    }
                } else {
                    if (top < 32) {
                        is_nocase[top] = tag == BIB_RICH_NOCASE;
                        nocase_at[top] = out->len + 1;
                    }
                    top++;
                    bib_buf_puts(out, cmd[tag]);
                }
                i += n;
                continue;
            }
        }
        if (c == '$') {
            size_t k = math_end(s, len, i);
            if (k) {
                if (ascii)
                    put_math_ascii(out, s + i, k + 1 - i, no_latex);
                else
                    bib_buf_append_fast(out, s + i, k + 1 - i); /* math is kept as written */
                i = k + 1;
                continue;
            }
        }
        if (c == '\\') {
            size_t k = command_end(s, len, i);
            if (k) {
                bib_buf_append_fast(out, s + i, k - i); /* an unknown command read as written */
                i = k;
                continue;
            }
        }
        if (c < 0x80) {
            put_escaped_ascii(out, (char)c);
            /* "--", "``" and "''" are ligatures to a BibTeX reader (a
             * dash, curly quotes): an empty group keeps them two characters */
            if ((c == '-' || c == '`' || c == '\'') && i + 1 < len && s[i + 1] == (char)c)
                bib_buf_puts(out, "{}");
            i++;
            continue;
        }
        uint32_t cp;
        int n = bib_utf8_decode(s + i, len - i, &cp);
        if (!ascii) {
            bib_buf_append_fast(out, s + i, (size_t)n);
            i += (size_t)n;
            continue;
        }
        i += (size_t)n;
        char acc;
        uint32_t base;
        const char *name;
        if (decompose(cp, &acc, &base)) {
            const char *b = base == 0x131 ? "\\i" : base == 0x237 ? "\\j" : NULL;
            if (isalpha((unsigned char)acc))
                bib_buf_printf(out, "{\\%c ", acc); /* {\c c}: a letter command needs a space */
            else
                bib_buf_printf(out, "{\\%c", acc);
            if (b)
                bib_buf_puts(out, b);
            else
                bib_buf_putc_fast(out, (char)base);
            bib_buf_putc_fast(out, '}');
        } else if (cp == 0x2013) {
            bib_buf_puts(out, "--"); /* BibTeX's own spelling of the dashes */
        } else if (cp == 0x2014) {
            bib_buf_puts(out, "---");
        } else if (cp == 0xA0) {
            bib_buf_putc_fast(out, '~');
        } else if ((name = letter_command(cp))) {
            bib_buf_printf(out, "{\\%s}", name);
        } else {
            uint32_t m = 0;
            for (size_t k = 0; k < bib__latex_math_len && !m; k++)
                if (bib__latex_math[k].cp == cp) {
                    bib_buf_printf(out, "$\\%s$", bib__latex_math[k].name);
                    m = cp;
                }
            if (!m) {
                bib_buf_put_utf8(out, cp); /* no LaTeX form: kept, counted */
                if (no_latex)
                    (*no_latex)++;
            }
        }
    }
    while (top-- > 0)
        bib_buf_putc_fast(out, '}'); /* unbalanced markup: close what is open */
    return bib_buf_failed(out) ? BIB_ENOMEM : 0;
}

/* ---- rich text ----------------------------------------------------------------- */

size_t bib_rich_tag_at(const char *s, size_t len, bib_rich_tag *tag, bool *closing)
{
    static const struct { const char *text; bib_rich_tag tag; bool closing; } tags[] = {
        {"<i>", BIB_RICH_ITALIC, false}, {"</i>", BIB_RICH_ITALIC, true},
        {"<b>", BIB_RICH_BOLD, false}, {"</b>", BIB_RICH_BOLD, true},
        {"<sup>", BIB_RICH_SUP, false}, {"</sup>", BIB_RICH_SUP, true},
        {"<sub>", BIB_RICH_SUB, false}, {"</sub>", BIB_RICH_SUB, true},
        {"<span style=\"font-variant:small-caps;\">", BIB_RICH_SMALLCAPS, false},
        {"<span class=\"nocase\">", BIB_RICH_NOCASE, false},
        /* "</span>" closes the innermost span; callers keep the stack */
        {"</span>", BIB_RICH_NOCASE, true},
    };
    if (!len || s[0] != '<')
        return 0;
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
        size_t n = strlen(tags[i].text);
        if (n <= len && memcmp(s, tags[i].text, n) == 0) {
            *tag = tags[i].tag;
            *closing = tags[i].closing;
            return n;
        }
    }
    return 0;
}

int bib_rich_strip(bib_buf *out, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        const char *lt = memchr(s + i, '<', len - i);
        size_t j = lt ? (size_t)(lt - s) : len;
        bib_buf_append_fast(out, s + i, j - i);
        i = j;
        if (i < len) {
            bib_rich_tag t;
            bool cl;
            size_t n = bib_rich_tag_at(s + i, len - i, &t, &cl);
            if (!n)
                bib_buf_putc_fast(out, '<');
            i += n ? n : 1;
        }
    }
    return bib_buf_failed(out) ? BIB_ENOMEM : 0;
}

int bib_rich_from_plain(bib_buf *out, const char *s, size_t len)
{
    int found = 0;
    for (const char *p = memchr(s, '<', len); p; p = memchr(p + 1, '<', len - (size_t)(p + 1 - s))) {
        bib_rich_tag t;
        bool cl;
        if (bib_rich_tag_at(p, len - (size_t)(p - s), &t, &cl)) {
            found = 1;
            break;
        }
        if ((size_t)(p + 1 - s) >= len)
            break;
    }
    bib_buf_append_fast(out, s, len);
    return bib_buf_failed(out) ? BIB_ENOMEM : found;
}
