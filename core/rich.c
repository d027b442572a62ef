/* CSL rich text (the markup subset include/bibconv/record.h sets for the
 * rich kind): its tags, and text with them removed or taken as it is. Kept
 * apart from latex.c, which turns the tags into LaTeX and back, because
 * the writers without markup (RIS, the tagged formats) need only these. */
#include <stdbool.h>
#include <string.h>
#include "bibconv/latex.h"

size_t bib_rich_tag_at(const char *s, size_t len, bib_rich_tag *tag, bool *closing)
{
#define RT(t) t, sizeof t - 1
    static const struct {
        const char *text;
        size_t n;
        bib_rich_tag tag;
        bool closing;
    } tags[] = {
        {RT("<i>"), BIB_RICH_ITALIC, false}, {RT("</i>"), BIB_RICH_ITALIC, true},
        {RT("<b>"), BIB_RICH_BOLD, false}, {RT("</b>"), BIB_RICH_BOLD, true},
        {RT("<sup>"), BIB_RICH_SUP, false}, {RT("</sup>"), BIB_RICH_SUP, true},
        {RT("<sub>"), BIB_RICH_SUB, false}, {RT("</sub>"), BIB_RICH_SUB, true},
        {RT("<span style=\"font-variant:small-caps;\">"), BIB_RICH_SMALLCAPS, false},
        {RT("<span class=\"nocase\">"), BIB_RICH_NOCASE, false},
        /* "</span>" closes the innermost span; callers keep the stack */
        {RT("</span>"), BIB_RICH_NOCASE, true},
    };
#undef RT
    /* every tag is "<" then 'i', 'b', 's' or '/', and at least 3 long: a
     * '<' in text ("a < b") is turned down before the table */
    if (len < 3 || s[0] != '<' || (s[1] != 'i' && s[1] != 'b' && s[1] != 's' && s[1] != '/'))
        return 0;
    /* the two tags of a protected word ({Word} read from BibTeX), the most
     * common by far, before the table, which has them last (no tag is a
     * prefix of another: the order changes no answer) */
    if (len >= 21 && s[1] == 's' && memcmp(s, "<span class=\"nocase\">", 21) == 0) {
        *tag = BIB_RICH_NOCASE;
        *closing = false;
        return 21;
    }
    if (len >= 7 && s[1] == '/' && memcmp(s, "</span>", 7) == 0) {
        *tag = BIB_RICH_NOCASE;
        *closing = true;
        return 7;
    }
    for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
        size_t n = tags[i].n;
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
