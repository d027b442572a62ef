/* SPDX-License-Identifier: MIT */
/*
 * page_html.c - saved HTML pages to the line layout the text reader
 * expects: libxml2's HTML parser (no network, errors and warnings off),
 * block elements become lines, inline elements run together as a browser
 * copy does ("LG" + "Oct 6, 2023" -> "LGOct 6, 2023"), white space runs
 * collapse to one space, scripts, styles, navigation, header, footer and
 * forms are dropped, and an image's alt text is a line of its own (the
 * profile's "Portrait of NAME").
 *
 * Not for: rendering (no CSS: hidden elements are kept), or finding the
 * records (page_text.c labels the lines).
 */
#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "bibconv/buf.h"
#include "pageint.h"

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

static void walk(struct h2l *h, xmlNode *n, int depth)
{
    for (; n && !h->failed; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            if (n->content)
                add_text(h, (const char *)n->content, strlen((const char *)n->content),
                         (size_t)xmlGetLineNo(n));
            continue;
        }
        if (n->type != XML_ELEMENT_NODE)
            continue;
        if (name_is(n, dropped))
            continue;
        if (xmlStrcasecmp(n->name, (const xmlChar *)"br") == 0) {
            flush(h);
            continue;
        }
        if (xmlStrcasecmp(n->name, (const xmlChar *)"img") == 0) {
            xmlChar *alt = xmlGetProp(n, (const xmlChar *)"alt");
            if (alt && *alt) {
                flush(h);
                add_text(h, (const char *)alt, strlen((const char *)alt),
                         (size_t)xmlGetLineNo(n));
                flush(h);
            }
            xmlFree(alt);
            continue;
        }
        bool block = name_is(n, blocks);
        if (block)
            flush(h);
        /* deep nesting is walked no deeper than this (hostile input) */
        if (depth < 256)
            walk(h, n->children, depth + 1);
        if (block)
            flush(h);
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
                                        "<meta", "<div", NULL};
    for (const char *const *h = heads; *h; h++) {
        size_t n = strlen(*h);
        if (len - i >= n && xmlStrncasecmp((const xmlChar *)s + i, (const xmlChar *)*h,
                                           (int)n) == 0)
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

int page_html_to_lines(const char *html, size_t len, page_lines *pl)
{
    if (len > (size_t)INT32_MAX)
        return BIB_EPARSE;
    htmlDocPtr doc = htmlReadMemory(html, (int)len, NULL, declared_other_charset(html, len)
                                                          ? NULL : "UTF-8",
                                    HTML_PARSE_NONET | HTML_PARSE_NOERROR
                                        | HTML_PARSE_NOWARNING);
    if (!doc)
        return BIB_EPARSE;
    struct h2l h = {pl, BIB_BUF_INIT, 0, false, 0};
    xmlNode *root = xmlDocGetRootElement(doc);
    if (root)
        walk(&h, root, 0);
    flush(&h);
    bib_buf_clear(&h.cur);
    xmlFreeDoc(doc);
    return h.failed ? BIB_ENOMEM : BIB_OK;
}
