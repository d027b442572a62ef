/* SPDX-License-Identifier: MIT */
/*
 * latex_ascii.c - the classic-BibTeX (8-bit) spellings bib_latex_from_unicode
 * writes for non-ASCII text: accent commands, dashes, ties, letter and
 * math commands, from the one accent table the reader uses too
 * (latex_table.c). Apart from latex.c, which is at the project's size
 * limit.
 */
#include <ctype.h>
#include <stdint.h>
#include <string.h>

#include "bibconv/buf.h"
#include "bibconv/utf8.h"
#include "latex_table.h"

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
    if (cp < 0x80) /* ASCII has its escapes (put_escaped_ascii) */
        return NULL;
    return bib__latex_letter_by_cp(cp);
}

static const char *math_command(uint32_t cp)
{
    return bib__latex_math_by_cp(cp);
}

/* Math as written, but for classic BibTeX (8-bit) a Unicode letter or
 * symbol inside it as its math command ("$Δ$" -> "$\Delta$"); one with no
 * command is kept and counted. */
void bib__latex_put_math_ascii(bib_buf *out, const char *s, size_t len, size_t *no_latex)
{
    for (size_t i = 0; i < len;) {
        if ((unsigned char)s[i] < 0x80) {
            bib_buf_putc_fast(out, s[i++]);
            continue;
        }
        uint32_t cp;
        int n = bib_utf8_decode(s + i, len - i, &cp);
        const char *name = math_command(cp);
        if (name) {
            bib_buf_putc_fast(out, '\\');
            bib_buf_puts(out, name);
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

/* "{\\" + s[0..n) + "}" in one append: the letter and math commands. */
static void put_wrapped(bib_buf *out, char open, const char *name, char close)
{
    char tmp[64];
    size_t n = strlen(name);
    if (n + 4 > sizeof tmp) { /* no table name is that long */
        bib_buf_putc(out, open);
        bib_buf_putc(out, '\\');
        bib_buf_puts(out, name);
        bib_buf_putc(out, close);
        return;
    }
    tmp[0] = open;
    tmp[1] = '\\';
    memcpy(tmp + 2, name, n);
    tmp[n + 2] = close;
    bib_buf_append_fast(out, tmp, n + 3);
}

/* A non-ASCII character for classic BibTeX: an accent command, a dash, a
 * tie, a letter command or a math symbol; kept and counted if none. The
 * pieces go out by plain appends: bib_buf_printf cost ~700 instructions
 * a character. */
static void put_non_ascii(bib_buf *out, uint32_t cp, size_t *no_latex)
{
    char acc;
    uint32_t base;
    const char *name;
    if (!bib__latex_cp_may_name(cp)) {
        bib_buf_put_utf8(out, cp); /* no LaTeX form: kept, counted */
        if (no_latex)
            (*no_latex)++;
    } else if (decompose(cp, &acc, &base)) {
        char tmp[8];
        size_t n = 0;
        tmp[n++] = '{';
        tmp[n++] = '\\';
        tmp[n++] = acc;
        if (isalpha((unsigned char)acc))
            tmp[n++] = ' '; /* {\c c}: a letter command needs a space */
        if (base == 0x131 || base == 0x237) { /* dotless i and j */
            tmp[n++] = '\\';
            tmp[n++] = base == 0x131 ? 'i' : 'j';
        } else {
            tmp[n++] = (char)base;
        }
        tmp[n++] = '}';
        bib_buf_append_fast(out, tmp, n);
    } else if (cp == 0x2013) {
        bib_buf_append_fast(out, "--", 2); /* BibTeX's own spelling of the dashes */
    } else if (cp == 0x2014) {
        bib_buf_append_fast(out, "---", 3);
    } else if (cp == 0xA0) {
        bib_buf_putc_fast(out, '~');
    } else if ((name = letter_command(cp))) {
        put_wrapped(out, '{', name, '}');
    } else {
        if ((name = math_command(cp))) {
            put_wrapped(out, '$', name, '$');
            return;
        }
        bib_buf_put_utf8(out, cp); /* no LaTeX form: kept, counted */
        if (no_latex)
            (*no_latex)++;
    }
}

size_t bib__latex_put_non_ascii_run(bib_buf *out, const char *s, size_t len, size_t *no_latex)
{
    const unsigned char *u = (const unsigned char *)s;
    const uint64_t *pages = bib__latex_named_page_bits();
    size_t i = 0, from = 0; /* s[from..i): characters kept as they are */
    size_t kept = 0;        /* of them, added to *no_latex at the end */
    while (i < len && u[i] >= 0x80) {
        uint32_t cp;
        int n;
        /* two- and three-byte forms decoded in line (bib_utf8_decode's
         * rules: no overlong form, no surrogate), the rest by it; only
         * that way gives U+FFFD for a bad byte, or a code point past
         * U+10FFFF, which are never looked up in the pages */
        if (u[i] >= 0xC2 && u[i] <= 0xDF && i + 1 < len && (u[i + 1] & 0xC0) == 0x80) {
            cp = (uint32_t)(u[i] & 0x1F) << 6 | (u[i + 1] & 0x3F);
            n = 2;
        } else if ((u[i] & 0xF0) == 0xE0 && i + 2 < len && (u[i + 1] & 0xC0) == 0x80 &&
                   (u[i + 2] & 0xC0) == 0x80 &&
                   (cp = (uint32_t)(u[i] & 0x0F) << 12 | (uint32_t)(u[i + 1] & 0x3F) << 6 |
                         (u[i + 2] & 0x3F)) >= 0x800 &&
                   (cp < 0xD800 || cp > 0xDFFF)) {
            n = 3;
        } else {
            n = bib_utf8_decode(s + i, len - i, &cp);
            if ((cp == 0xFFFD && n == 1) || cp >= 0x110000)
                goto convert;
        }
        /* a well-formed character with no LaTeX form is its own bytes
         * (most non-ASCII text: Arabic, CJK...): copied with its run */
        uint32_t pg = cp >> BIB__LATEX_PAGE_BITS;
        if (!(pages[pg / 64] >> (pg % 64) & 1)) {
            kept++;
            i += (size_t)n;
            continue;
        }
    convert:
        bib_buf_append_fast(out, s + from, i - from);
        put_non_ascii(out, cp, no_latex);
        i += (size_t)n;
        from = i;
    }
    bib_buf_append_fast(out, s + from, i - from);
    if (no_latex)
        *no_latex += kept;
    return i;
}
