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

/* A non-ASCII character for classic BibTeX: an accent command, a dash, a
 * tie, a letter command or a math symbol; kept and counted if none. */
void bib__latex_put_non_ascii(bib_buf *out, uint32_t cp, size_t *no_latex)
{
    char acc;
    uint32_t base;
    const char *name;
    if (!bib__latex_cp_may_name(cp)) {
        bib_buf_put_utf8(out, cp); /* no LaTeX form: kept, counted */
        if (no_latex)
            (*no_latex)++;
    } else if (decompose(cp, &acc, &base)) {
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
        if ((name = math_command(cp))) {
            bib_buf_printf(out, "$\\%s$", name);
            return;
        }
        bib_buf_put_utf8(out, cp); /* no LaTeX form: kept, counted */
        if (no_latex)
            (*no_latex)++;
    }
}
