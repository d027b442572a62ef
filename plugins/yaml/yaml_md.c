/* SPDX-License-Identifier: MIT */
/*
 * yaml_md.c - the CSL-YAML writer's Markdown escapes (yamlfmt.h,
 * yamlfmt_md_escape): what pandoc's Markdown would read in a value, and
 * only that, written with a backslash (docs/yaml.md, "Known limits").
 * Split from yaml_writer.c, which lays the scalars out.
 *
 * Not for: undoing them (yamlrd_unescape, yaml_plain.c).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bibconv/buf.h"
#include "bibconv/plugin.h"
#include "yamlfmt.h"


/* what yamlfmt_md_escape looks at; a value with none of these is written as it is */
static const bool md_active[256] = {
    ['\\'] = true, ['$'] = true, ['*'] = true, ['_'] = true, ['^'] = true, ['~'] = true,
    ['`'] = true,  ['['] = true, ['-'] = true, ['.'] = true, ['&'] = true, ['>'] = true,
};

static bool md_word_byte(unsigned char c)
{
    return c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/* An `_` between two word bytes is inside a word, where pandoc's Markdown
 * never reads emphasis (intraword underscores). */
static bool md_intraword(const char *s, size_t len, size_t i)
{
    return i > 0 && i + 1 < len && md_word_byte((unsigned char)s[i - 1]) &&
           md_word_byte((unsigned char)s[i + 1]);
}

/* `&name;`, `&#123;` or `&#x1F;` at s[i]: an entity pandoc decodes. */
static bool md_entity(const char *s, size_t len, size_t i)
{
    size_t j = i + 1;
    if (j < len && s[j] == '#') {
        j++;
        if (j < len && (s[j] == 'x' || s[j] == 'X'))
            j++;
    }
    size_t b = j;
    while (j < len && j - b < 32 && md_word_byte((unsigned char)s[j]) && (unsigned char)s[j] < 0x80)
        j++;
    return j > b && j < len && s[j] == ';';
}

int yamlfmt_md_escape(bib_buf *esc, const char **sp, size_t *lenp)
{
    const char *s = *sp;
    size_t len = *lenp;
    /* spans pandoc would read. `*`, `_`: an opener (a non-blank after it)
     * and a later closer (a non-blank before it). `^`, `~`: two with no
     * blank between them (x^2^, H~2~O), or for `~` two `~~` (strikeout,
     * blanks allowed). Backquotes: any two (a code span). */
    bool star = false, under = false, caret = false, tilde = false, any = false,
         link = false;
    bool star_open = false, under_open = false;
    size_t tick = 0, strike = 0;
    size_t last_caret = SIZE_MAX, last_tilde = SIZE_MAX, last_blank = SIZE_MAX;
    const char *open = NULL; /* the first `[` */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            last_blank = i;
            continue;
        }
        if (c == ']' && open && i + 1 < len)
            link = link || s[i + 1] == '(' || s[i + 1] == '[' || s[i + 1] == '{';
        if (!md_active[c])
            continue;
        any = true;
        bool blank_before = i == 0 || last_blank == i - 1;
        bool blank_after = i + 1 == len || s[i + 1] == ' ' || s[i + 1] == '\t' ||
                           s[i + 1] == '\n' || s[i + 1] == '\r';
        if (c == '*' || (c == '_' && !md_intraword(s, len, i))) {
            bool *seen = c == '*' ? &star_open : &under_open, *span = c == '*' ? &star : &under;
            if (*seen && !blank_before)
                *span = true;
            if (!blank_after)
                *seen = true;
        } else if (c == '^' || c == '~') {
            size_t *last = c == '^' ? &last_caret : &last_tilde;
            if (*last != SIZE_MAX && *last + 1 < i && (last_blank == SIZE_MAX || last_blank < *last))
                *(c == '^' ? &caret : &tilde) = true;
            if (c == '~' && i + 1 < len && s[i + 1] == '~')
                strike++;
            *last = i;
        } else if (c == '`') {
            tick++;
        } else if (c == '[' && !open) {
            open = s + i;
        }
    }
    tilde = tilde || strike >= 2;
    if (!any)
        return 0;
    bib_buf_reset(esc);
    size_t from = 0;
    bool changed = false, line_start = true;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        bool at_line = line_start;
        if (c == '\n')
            line_start = true;
        else if (c != ' ')
            line_start = false;
        if (!md_active[c] && c != ']')
            continue;
        bool e;
        switch (c) {
        case '\\': case '$': e = true; break;
        case '*': e = star; break;
        case '^': e = caret; break;
        case '~': e = tilde; break;
        case '`': e = tick >= 2; break;
        case '_': e = under && !md_intraword(s, len, i); break;
        case '[': case ']': e = link; break;
        case '-': e = i + 1 < len && s[i + 1] == '-'; break;
        case '.': e = i + 2 < len && s[i + 1] == '.' && s[i + 2] == '.'; break;
        case '&': e = md_entity(s, len, i); break;
        case '>': e = at_line; break;
        default: e = false;
        }
        if (!e)
            continue;
        bib_buf_append(esc, s + from, i - from);
        bib_buf_putc(esc, '\\');
        from = i;
        changed = true;
    }
    if (!changed)
        return 0;
    bib_buf_append(esc, s + from, len - from);
    if (bib_buf_failed(esc))
        return BIB_ENOMEM;
    *sp = esc->data;
    *lenp = esc->len;
    return 0;
}
