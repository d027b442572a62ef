/* SPDX-License-Identifier: MIT */
/*
 * bt_write_dir.c - the bibtex writer's directives (@string, @preamble,
 * @comment and kept raw entries such as @xdata), written as the source
 * spelled them with the repairs bt_write_directive describes. Apart from
 * bt_writer.c, which is at the project's size limit.
 */
#include <stdbool.h>
#include <string.h>

#include "bibconv/keys.h"
#include "bt_writer_int.h"

static bool is_macro_char(char c)
{
    return c && !strchr(" \t\r\n\"#%'(),={}", c);
}

/* The macro name a directive's value starts with, lower-cased in `out`,
 * or "" when the value starts with a delimiter. */
static void macro_name(bib_buf *out, const char *v, const char *e)
{
    bib_buf_reset(out);
    while (v < e && strchr(" \t\r\n", *v))
        v++;
    for (; v < e && is_macro_char(*v); v++)
        bib_buf_putc(out, (char)(*v >= 'A' && *v <= 'Z' ? *v + 32 : *v));
    bib_buf_putc(out, '\0');
}

/* The text of an "@comment some text" line the reader kept without
 * delimiters (docs/bibtex.md): BibTeX skips the word, but biber's parser
 * wants a brace after it, so the text is given braces when they balance in
 * it. Returns whether it was written so. */
static bool write_bare_comment(bt_writer *w, const char *t, size_t n)
{
    const char *p = t + 1, *e = t + n; /* past the '@' */
    /* blank lines may part the '@' from the name, as the reader reads
     * it: "@{" + "\n\ncomment{...}" + "}" was written, which no reader
     * takes (fuzz_bt_writer); a '%' line there is write_head's */
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    const char *word = p;
    while (p < e && ((*p | 0x20) >= 'a' && (*p | 0x20) <= 'z'))
        p++;
    const char *word_end = p;
    if (word_end == word)
        return false;
    while (p < e && (*p == ' ' || *p == '\t'))
        p++;
    if (p < e && (*p == '{' || *p == '('))
        return false;
    long depth = 0;
    for (const char *q = p; q < e && depth >= 0; q++)
        depth += *q == '{' ? 1 : *q == '}' ? -1 : 0;
    if (depth != 0)
        return false;
    bib_output_putc(w->out, '@');
    bib_output_write(w->out, word, (size_t)(word_end - word));
    bib_output_putc(w->out, '{');
    bib_output_write(w->out, p, (size_t)(e - p));
    bib_output_putc(w->out, '}');
    return true;
}

/* True when the directive text t[0..n) is an entry of type `type`. */
static bool directive_is(const char *t, size_t n, const char *type)
{
    size_t k = strlen(type);
    if (n <= k || t[0] != '@')
        return false;
    for (size_t i = 0; i < k; i++)
        if ((t[1 + i] | 0x20) != type[i])
            return false;
    return !((t[1 + k] | 0x20) >= 'a' && (t[1 + k] | 0x20) <= 'z');
}

/* A kept entry (an @xdata) with each no-break space outside its values
 * written as a space: the reader takes one for white space there
 * (docs/bibtex.md), biber's parser does not. */
static void write_raw_entry(bt_writer *w, const char *t, size_t n)
{
    const char *open = memchr(t, '{', n), *paren = memchr(t, '(', n);
    int base = open && (!paren || open < paren) ? 1 : 0; /* brace depth of the fields */
    int depth = 0;
    bool quoted = false;
    const char *from = t;
    for (const char *p = t; p < t + n; p++) {
        if (*p == '{')
            depth++;
        else if (*p == '}')
            depth--;
        else if (*p == '"' && depth == base)
            quoted = !quoted;
        else if (*p == '\xc2' && p + 1 < t + n && p[1] == '\xa0' && depth <= base && !quoted) {
            bib_output_write(w->out, from, (size_t)(p - from));
            bib_output_putc(w->out, ' ');
            from = ++p + 1;
        }
    }
    bib_output_write(w->out, from, (size_t)(t + n - from));
}

/* Writes a directive's head t..open ("@string", "@ preamble "): as the
 * source spelled it, unless a '%' comment line sits between the '@' and
 * the name (Zotero's parser takes that; BibTeX stops there), then '@' and
 * the name alone. */
static void write_head(bt_writer *w, const char *t, const char *open)
{
    if (!memchr(t, '%', (size_t)(open - t))) {
        bib_output_write(w->out, t, (size_t)(open - t));
        return;
    }
    const char *p = t + 1;
    for (;;) {
        while (p < open && strchr(" \t\r\n", *p))
            p++;
        if (p < open && *p == '%') { /* a comment runs to the line's end */
            while (p < open && *p != '\n' && *p != '\r')
                p++;
            continue;
        }
        break;
    }
    const char *e = p;
    while (e < open && !strchr(" \t\r\n%", *e))
        e++;
    bib_output_putc(w->out, '@');
    bib_output_write(w->out, p, (size_t)(e - p));
}

/* A directive as the source wrote it, with two repairs: a @preamble whose
 * whole value is one bare word that no earlier @string defined gets
 * braces, since BibTeX reads a bare word as a macro and stops on an
 * undefined one ("@preamble{foo}"); a head with comment lines is written
 * without them (write_head). The names @string defines are noted for
 * that. */
int bt_write_directive(bt_writer *w, const bib_record *rec)
{
    size_t n;
    const char *t = bib_record_directive_text(rec, &n);
    const char *nm = bib_record_directive_name(rec);
    const char *open = memchr(t, '{', n), *paren = memchr(t, '(', n);
    if (!open || (paren && paren < open))
        open = paren;
    const char *close = NULL;
    for (const char *q = t + n; open && q > open + 1 && !close; q--)
        if (q[-1] == (*open == '{' ? '}' : ')'))
            close = q - 1;
    if (close && nm && strcmp(nm, "string") == 0) {
        macro_name(&w->val, open + 1, close);
        if (w->val.len > 1 && bib_keyset_add(w->macros, w->val.data) < 0)
            return BIB_ENOMEM;
    }
    bool bare = false;
    if (close && nm && strcmp(nm, "preamble") == 0) {
        macro_name(&w->val, open + 1, close);
        const char *v = open + 1;
        while (v < close && strchr(" \t\r\n", *v))
            v++;
        /* only a lone word: a concatenation (#) names its macros on purpose */
        bare = w->val.len > 1 && !memchr(v, '#', (size_t)(close - v)) &&
               !bib_keyset_has(w->macros, w->val.data);
    }
    bool xdata = nm && strcmp(nm, "raw") == 0 && directive_is(t, n, "xdata");
    if (xdata && !w->biblatex) {
        bib_output_report(w->out, BIB_SEV_WARNING,
                          "@xdata not written: classic BibTeX has none; the entries that name "
                          "it are written with its fields");
        return bib_output_error(w->out) < 0 ? bib_output_error(w->out) : BIB_WRITE_LEFT_OUT;
    }
    if (nm && strcmp(nm, "comment") == 0 && n && t[0] == '@' && write_bare_comment(w, t, n)) {
        /* written with braces */
    } else if (xdata) {
        write_raw_entry(w, t, n);
    } else if (bare) {
        const char *b = open + 1, *e = close;
        while (b < e && strchr(" \t\r\n", *b))
            b++;
        while (e > b && strchr(" \t\r\n", e[-1]))
            e--;
        write_head(w, t, open);
        bib_output_write(w->out, open, 1);
        bib_output_putc(w->out, '{');
        bib_output_write(w->out, b, (size_t)(e - b));
        bib_output_putc(w->out, '}');
        bib_output_write(w->out, close, (size_t)(t + n - close));
    } else if (open && t[0] == '@' && nm && strcmp(nm, "raw") != 0) {
        write_head(w, t, open);
        bib_output_write(w->out, open, (size_t)(t + n - open));
    } else {
        bib_output_write(w->out, t, n);
    }
    bib_output_puts(w->out, "\n\n");
    return bib_output_error(w->out);
}
