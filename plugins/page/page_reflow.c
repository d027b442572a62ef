/* SPDX-License-Identifier: MIT */
/*
 * page_reflow.c - a page copied with every inline element on a line of its
 * own ("Mei," "Tao," "(2007):" "VideoReach: …" "In:" "Proceedings …" ","
 * "2007,"), as some text extractions of saved pages give it: the pieces
 * are joined back into the lines the page showed before the layouts see
 * it (docs/page.md, "Pages in pieces").
 *
 * Not for: text wrapped at a fixed width (layout_generic.c reads it as
 * it is), HTML (page_html.c joins inline elements itself).
 */
#include <string.h>

#include "pageint.h"

/* A letter or digit of any script (a byte past ASCII belongs to one). */
static bool has_alnum(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80 || (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z'))
            return true;
    }
    return false;
}

/* Punctuation that closes the line before when a line opens with it. */
static bool closing(char c)
{
    return c && memchr(",.;:)", c, 5) != NULL;
}

/* A piece: a line of at most three words that ends where the sentence
 * goes on (',', ':', ';', '('), or that holds no letter or digit, or
 * that opens with the punctuation closing the line before. */
static bool piece(const char *s, size_t n)
{
    page_trim(&s, &n);
    if (!n)
        return false;
    int words = 1;
    for (size_t i = 0; i + 1 < n; i++)
        words += s[i] == ' ' && s[i + 1] != ' ';
    if (!has_alnum(s, n) || closing(s[0]))
        return true;
    char e = s[n - 1];
    return words <= 3 && (e == ',' || e == ':' || e == ';' || e == '(');
}

bool page_in_pieces(const page_lines *pl)
{
    size_t lines = 0, pieces = 0;
    for (size_t i = 0; i < pl->n; i++) {
        const char *s = pl->v[i].text;
        size_t n = pl->v[i].len;
        page_trim(&s, &n);
        if (!n)
            continue;
        lines++;
        pieces += piece(s, n);
    }
    /* a name list written one name a line ends its lines in commas too,
     * but not a third of a page's lines */
    return lines >= 12 && pieces * 3 >= lines;
}

/* Whether the line that was cur goes on with s: cur ends inside a
 * sentence, or s opens with punctuation or holds no letter. */
static bool goes_on(const char *cur, size_t cn, const char *s, size_t n)
{
    if (!cn)
        return false;
    char e = cur[cn - 1];
    if (e == ',' || e == ':' || e == ';' || e == '(' || e == '&' || e == '-')
        return true;
    return closing(s[0]) || !has_alnum(s, n);
}

int page_reflow(const page_lines *in, page_lines *out)
{
    bib_buf cur;
    bib_buf_init(&cur);
    size_t lineno = 0;
    int rc = BIB_OK;
    for (size_t i = 0; i < in->n && rc == BIB_OK; i++) {
        const char *s = in->v[i].text;
        size_t n = in->v[i].len;
        page_trim(&s, &n);
        if (n && goes_on(cur.data, cur.len, s, n)) {
            if (!closing(s[0]))
                bib_buf_putc(&cur, ' ');
            bib_buf_append(&cur, s, n);
            continue;
        }
        if (cur.len || lineno)
            rc = page_lines_push(out, cur.data ? cur.data : "", cur.len, lineno);
        bib_buf_reset(&cur);
        bib_buf_append(&cur, s, n);
        lineno = in->v[i].lineno;
    }
    if (rc == BIB_OK && (cur.len || lineno))
        rc = page_lines_push(out, cur.data ? cur.data : "", cur.len, lineno);
    if (rc == BIB_OK && bib_buf_failed(&cur))
        rc = BIB_ENOMEM;
    out->pieces = true;
    bib_buf_clear(&cur);
    return rc;
}
