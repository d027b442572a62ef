/* SPDX-License-Identifier: MIT */
/*
 * page_html.c - saved HTML pages to the line layout the text reader
 * expects: libxml2's HTML parser (no network, errors and warnings off),
 * block elements become lines, inline elements run together as a browser
 * copy does ("LG" + "Mar 3, 2024" -> "LGMar 3, 2024"), white space runs
 * collapse to one space, scripts, styles, navigation, header, footer and
 * forms are dropped, and an image's alt text is a line of its own (the
 * profile's "Portrait of NAME").
 *
 * Not for: rendering (no CSS: hidden elements are kept), or finding the
 * records (page_text.c labels the lines).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "bibconv/buf.h"
#include "bibconv/utf8.h"
#include "pageint.h"
#include "xml_libmsg.h"

struct h2l {
    page_lines *pl;
    bib_buf cur;   /* the line being built */
    size_t line;   /* source line of its first text */
    bool space;    /* a white space run is pending */
    int failed;
};

static bool name_is(const xmlNode *n, const char *const *names)
{
    for (; *names; names++)
        if (xmlStrcasecmp(n->name, (const xmlChar *)*names) == 0)
            return true;
    return false;
}

static const char *const dropped[] = {"script", "style", "nav", "header", "footer", "noscript",
                                      "template", "head", "form", "button", "select",
                                      "iframe", "svg", "object", "embed", "canvas",
                                      "textarea", NULL};

static const char *const blocks[] = {
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "dl", "dt", "dd",
    "section", "article", "main", "aside", "table", "thead", "tbody", "tfoot", "tr",
    "td", "th", "blockquote", "pre", "figure", "figcaption", "body", "address", "hr",
    "caption", "details", "summary", "fieldset", "legend", "center", "html", NULL};

/* Ends the current line (empty lines are not made: blank lines carry no
 * meaning in HTML). */
static void flush(struct h2l *h)
{
    size_t n = h->cur.len;
    while (n && h->cur.data[n - 1] == ' ')
        n--;
    if (n && page_lines_push(h->pl, h->cur.data, n, h->line ? h->line : 1) != 0)
        h->failed = 1;
    bib_buf_reset(&h->cur);
    h->space = false;
    h->line = 0;
}

static void add_text(struct h2l *h, const char *s, size_t len, size_t line)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
            h->space = true;
            continue;
        }
        /* &nbsp; ("et&nbsp;al.") is a space once the page is text */
        if (c == 0xC2 && i + 1 < len && (unsigned char)s[i + 1] == 0xA0) {
            h->space = true;
            i++;
            continue;
        }
        if (h->space && h->cur.len)
            bib_buf_putc(&h->cur, ' ');
        h->space = false;
        if (!h->cur.len)
            h->line = line;
        bib_buf_putc(&h->cur, (char)c);
    }
    if (bib_buf_failed(&h->cur))
        h->failed = 1;
}

/* Enters node n: text is added, a <br> ends the line, an image's alt
 * text is a line; true for an element whose children are walked (a block
 * element ends the line before them). */
static bool enter(struct h2l *h, xmlNode *n)
{
    if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
        if (n->content)
            add_text(h, (const char *)n->content, strlen((const char *)n->content),
                     (size_t)xmlGetLineNo(n));
        return false;
    }
    if (n->type != XML_ELEMENT_NODE || name_is(n, dropped))
        return false;
    if (xmlStrcasecmp(n->name, (const xmlChar *)"br") == 0) {
        flush(h);
        return false;
    }
    if (xmlStrcasecmp(n->name, (const xmlChar *)"img") == 0) {
        xmlChar *alt = xmlGetProp(n, (const xmlChar *)"alt");
        if (alt && *alt) {
            flush(h);
            add_text(h, (const char *)alt, strlen((const char *)alt), (size_t)xmlGetLineNo(n));
            flush(h);
        }
        xmlFree(alt);
        return false;
    }
    if (name_is(n, blocks))
        flush(h);
    return true;
}

/* Leaves an entered element: a block element ends the line after it. */
static void leave(struct h2l *h, xmlNode *n)
{
    if (name_is(n, blocks))
        flush(h);
}

/* Walks start and its following siblings in document order without
 * recursion, so that any depth of nesting is read (no stack to exhaust). */
static void walk(struct h2l *h, xmlNode *start)
{
    xmlNode *top = start->parent, *n = start;
    while (n && !h->failed) {
        bool in = enter(h, n);
        if (in && n->children) {
            n = n->children;
            continue;
        }
        if (in)
            leave(h, n);
        while (!n->next) {
            n = n->parent;
            if (!n || n == top)
                return;
            leave(h, n);
        }
        n = n->next;
    }
}

bool page_looks_html(const char *s, size_t len)
{
    size_t i = 0;
    if (len >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB)
        i = 3;
    while (i < len && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t'))
        i++;
    if (i >= len || s[i] != '<')
        return false;
    static const char *const heads[] = {"<!doctype html", "<html", "<head", "<body", "<!--",
                                        "<meta", NULL};
    for (const char *const *h = heads; *h; h++) {
        size_t n = strlen(*h);
        if (len - i >= n && xmlStrncasecmp((const xmlChar *)s + i, (const xmlChar *)*h,
                                           (int)n) == 0)
            return true;
    }
    /* a fragment (a list copied from a page's source, a CMS export)
     * opens on an element of a page's body: its name, then '>', a space
     * or '/' (no bibliographic XML format names its root so) */
    static const char *const body[] = {
        "div", "section", "article", "main", "header", "footer", "nav", "aside", "h1", "h2",
        "h3", "h4", "h5", "h6", "p", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead",
        "tbody", "tr", "td", "th", "span", "a", "b", "i", "em", "strong", "br", "hr",
        "blockquote", "pre", "figure", "title", "style", "script", "link", NULL};
    for (const char *const *h = body; *h; h++) {
        size_t n = strlen(*h);
        if (len - i < n + 2
            || xmlStrncasecmp((const xmlChar *)s + i + 1, (const xmlChar *)*h, (int)n) != 0)
            continue;
        char c = s[i + 1 + n];
        if (c == '>' || c == ' ' || c == '/' || c == '\t' || c == '\n' || c == '\r')
            return true;
    }
    return false;
}

/* True when the head of the document declares a charset other than UTF-8
 * (libxml2 then follows the declaration; without one, UTF-8 is assumed,
 * as browsers save pages). */
static bool declared_other_charset(const char *s, size_t len)
{
    size_t n = len < 4096 ? len : 4096;
    for (size_t i = 0; i + 8 < n; i++) {
        if (xmlStrncasecmp((const xmlChar *)s + i, (const xmlChar *)"charset=", 8) != 0)
            continue;
        size_t j = i + 8;
        while (j < n && (s[j] == '"' || s[j] == '\'' || s[j] == ' '))
            j++;
        return !(n - j >= 5 && (xmlStrncasecmp((const xmlChar *)s + j,
                                               (const xmlChar *)"utf-8", 5) == 0
                                || xmlStrncasecmp((const xmlChar *)s + j,
                                                  (const xmlChar *)"utf8", 4) == 0));
    }
    return false;
}

bool page_html_reads_utf8(const char *s, size_t len)
{
    return !declared_other_charset(s, len);
}

/* Windows-1252's characters for the bytes 0x80..0x9F (0: none). */
static const uint16_t cp1252[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
    0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178};

size_t page_html_repair_utf8(const char *s, size_t len, bib_buf *out, size_t *first)
{
    size_t bad = 0;
    *first = len;
    for (size_t i = 0; i < len;) {
        uint32_t c;
        int k = bib_utf8_decode(s + i, len - i, &c);
        /* an invalid byte decodes as one byte of U+FFFD */
        if (k > 1 || (unsigned char)s[i] < 0x80) {
            bib_buf_append(out, s + i, (size_t)k);
            i += (size_t)k;
            continue;
        }
        unsigned char b = (unsigned char)s[i];
        uint32_t cp = b >= 0xA0 ? b : b >= 0x80 && cp1252[b - 0x80] ? cp1252[b - 0x80] : 0xFFFD;
        char u[4];
        bib_buf_append(out, u, (size_t)bib_utf8_encode(cp, u));
        if (!bad++)
            *first = i;
        i++;
    }
    return bad;
}

int page_html_to_lines(const char *html, size_t len, page_lines *pl, char *why, size_t whysz)
{
    if (whysz)
        why[0] = '\0';
    if (len > (size_t)INT32_MAX)
        return BIB_EPARSE;
    /* libxml2's generic channel: ours for this parse, not stderr */
    xml_libmsg g = {0};
    xml_libmsg_take(&g);
    htmlDocPtr doc = htmlReadMemory(html, (int)len, NULL, declared_other_charset(html, len)
                                                          ? NULL : "UTF-8",
                                    HTML_PARSE_NONET | HTML_PARSE_NOERROR
                                        | HTML_PARSE_NOWARNING | XML_PARSE_HUGE);
    xml_libmsg_give_back(&g);
    if (whysz)
        snprintf(why, whysz, "%s", g.text);
    if (!doc)
        return BIB_EPARSE;
    struct h2l h = {pl, BIB_BUF_INIT, 0, false, 0};
    xmlNode *root = xmlDocGetRootElement(doc);
    if (root)
        walk(&h, root);
    flush(&h);
    bib_buf_clear(&h.cur);
    xmlFreeDoc(doc);
    return h.failed ? BIB_ENOMEM : BIB_OK;
}
