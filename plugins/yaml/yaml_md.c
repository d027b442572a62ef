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

/* what yamlfmt_md_escape looks at: the bytes it may escape, and `]` (a
 * link's end); a value with none of them is written as it is. The two
 * passes below skip every other byte four at a time (a loop over every
 * byte of every value was a quarter of the writer's time). */
static const bool md_stop[256] = {
    ['\\'] = true, ['$'] = true, ['*'] = true, ['_'] = true, ['^'] = true, ['~'] = true,
    ['`'] = true,  ['['] = true, ['-'] = true, ['.'] = true, ['&'] = true, ['>'] = true,
    [']'] = true,
};

static bool md_blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The first byte of s[i..len) that md_stop names, or len. */
static size_t md_next(const unsigned char *s, size_t i, size_t len)
{
    while (i + 4 <= len && !(md_stop[s[i]] | md_stop[s[i + 1]] | md_stop[s[i + 2]] |
                             md_stop[s[i + 3]]))
        i += 4;
    while (i < len && !md_stop[s[i]])
        i++;
    return i;
}

/* Whether s[a..b) holds a blank. */
static bool md_has_blank(const unsigned char *s, size_t a, size_t b)
{
    for (; a < b; a++)
        if (md_blank(s[a]))
            return true;
    return false;
}

/* Whether only spaces stand between the line's start and s[i]. */
static bool md_at_line(const unsigned char *s, size_t i)
{
    while (i > 0 && s[i - 1] == ' ')
        i--;
    return i == 0 || s[i - 1] == '\n';
}

int yamlfmt_md_escape(bib_buf *esc, const char **sp, size_t *lenp)
{
    const char *s = *sp;
    const unsigned char *u = (const unsigned char *)s;
    size_t len = *lenp;
    /* spans pandoc would read. `*`, `_`: an opener (a non-blank after it)
     * and a later closer (a non-blank before it). `^`, `~`: two with no
     * blank between them (x^2^, H~2~O), or for `~` two `~~` (strikeout,
     * blanks allowed). Backquotes: any two (a code span). */
    bool star = false, under = false, caret = false, tilde = false, any = false,
         link = false;
    bool star_open = false, under_open = false;
    size_t tick = 0, strike = 0;
    size_t last_caret = SIZE_MAX, last_tilde = SIZE_MAX;
    bool open = false; /* a `[` seen */
    for (size_t i = md_next(u, 0, len); i < len; i = md_next(u, i + 1, len)) {
        unsigned char c = u[i];
        if (c == ']') {
            if (open && i + 1 < len)
                link = link || s[i + 1] == '(' || s[i + 1] == '[' || s[i + 1] == '{';
            continue;
        }
        any = true;
        bool blank_before = i == 0 || md_blank(u[i - 1]);
        bool blank_after = i + 1 == len || md_blank(u[i + 1]);
        if (c == '*' || (c == '_' && !md_intraword(s, len, i))) {
            bool *seen = c == '*' ? &star_open : &under_open, *span = c == '*' ? &star : &under;
            if (*seen && !blank_before)
                *span = true;
            if (!blank_after)
                *seen = true;
        } else if (c == '^' || c == '~') {
            size_t *last = c == '^' ? &last_caret : &last_tilde;
            if (*last != SIZE_MAX && *last + 1 < i && !md_has_blank(u, *last + 1, i))
                *(c == '^' ? &caret : &tilde) = true;
            if (c == '~' && i + 1 < len && s[i + 1] == '~')
                strike++;
            *last = i;
        } else if (c == '`') {
            tick++;
        } else if (c == '[') {
            open = true;
        }
    }
    tilde = tilde || strike >= 2;
    if (!any)
        return 0;
    bib_buf_reset(esc);
    size_t from = 0;
    bool changed = false;
    for (size_t i = md_next(u, 0, len); i < len; i = md_next(u, i + 1, len)) {
        unsigned char c = u[i];
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
        case '>': e = md_at_line(u, i); break;
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
