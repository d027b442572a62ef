/* SPDX-License-Identifier: MIT */
/*
 * page_markdown.c - the inline markup of a publication list written in
 * Markdown (a README, a static site's source): `**Title**`, `*Venue*`,
 * `[Title](https://...)`, `# Publications` read as the words they mark
 * (docs/page.md, "Markdown").
 *
 * Not for: list markers (`- `, `1. `), which split entries
 * (layout_generic.c), or HTML (page_html.c).
 */
#include <stdbool.h>
#include <string.h>

#include "pageint.h"

/* (called only on pages read as generic lists, page.c: a site's page
 * copied from a browser shows no markup, and a `*` there is its own) */

/* Characters that may follow a closing emphasis marker. */
static bool closes_after(char c)
{
    return c == ' ' || c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?'
           || c == ')' || c == ']' || c == '\'' || c == '"' || c == '\t';
}

static bool opens_after(char c)
{
    return c == ' ' || c == '(' || c == '[' || c == '"' || c == '\t';
}

/* The end of the closing run of k markers m that matches an opening run
 * at o (s[o..o+k) are the markers), or 0: the run follows a non-space
 * character and is followed by the line's end, a space or punctuation;
 * no marker m between them (a name's equal-contribution `*` never opens:
 * it follows a letter). */
static size_t emphasis_close(const char *s, size_t n, size_t o, size_t k, char m)
{
    if ((o && !opens_after(s[o - 1])) || o + k >= n || s[o + k] == ' ' || s[o + k] == m)
        return 0;
    for (size_t i = o + k + 1; i + k <= n; i++) {
        if (s[i] != m)
            continue;
        bool run = k == 1 || s[i + 1] == m;
        if (!run || (i + k < n && s[i + k] == m))
            return 0;
        if (s[i - 1] == ' ' || (i + k < n && !closes_after(s[i + k])))
            return 0;
        return i;
    }
    return 0;
}

/* `[text](target)`: the index of ')' when s[o] opens a link whose text
 * holds no bracket and whose target no space, else 0. */
static size_t link_end(const char *s, size_t n, size_t o, size_t *text_end)
{
    size_t i = o + 1;
    while (i < n && s[i] != ']' && s[i] != '[')
        i++;
    if (i + 1 >= n || s[i] != ']' || s[i + 1] != '(' || i == o + 1)
        return 0;
    *text_end = i;
    /* a target is an address (`https://…`, `/papers/x.pdf`, `#top`),
     * not a bracketed note after a word (`E[Sub 1](TO)`) */
    bool addr = i + 2 < n && s[i + 2] == '#';
    for (size_t j = i + 2; j < n; j++) {
        if (s[j] == ')')
            return j > i + 2 && addr ? j : 0;
        if (s[j] == ' ' || s[j] == '(')
            return 0;
        addr = addr || s[j] == '/' || s[j] == ':';
    }
    return 0;
}

size_t page_unmark(char *s, size_t n)
{
    size_t r = 0, w = 0;
    /* an ATX heading: `## 2023` reads as `2023` */
    size_t h = 0;
    while (h < n && h < 6 && s[h] == '#')
        h++;
    if (h && h < n && s[h] == ' ')
        r = h + 1;
    /* closing markers to drop, found when their opening run is read
     * (at most a few a line: emphasis does not nest deeper) */
    size_t drop[16], ndrop = 0, dk[16];
    while (r < n) {
        char c = s[r];
        size_t k = 0;
        for (size_t j = 0; j < ndrop; j++)
            if (drop[j] == r)
                k = dk[j];
        if (k) {
            r += k;
            continue;
        }
        if ((c == '*' || c == '_') && ndrop < 16) {
            size_t run = r + 1 < n && s[r + 1] == c ? 2 : 1;
            size_t e = emphasis_close(s, n, r, run, c);
            if (e) {
                drop[ndrop] = e;
                dk[ndrop++] = run;
                r += run;
                continue;
            }
        }
        size_t te;
        size_t le = c == '[' ? link_end(s, n, r, &te) : 0;
        if (le) {
            /* the link's text, its target dropped */
            memmove(s + w, s + r + 1, te - r - 1);
            w += te - r - 1;
            r = le + 1;
            continue;
        }
        s[w++] = s[r++];
    }
    s[w] = '\0';
    return w;
}
