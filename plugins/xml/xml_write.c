/* SPDX-License-Identifier: MIT */
/*
 * xml_write.c - the writer machinery both formats of the xml module share:
 * libxml2's xmlTextWriter over a bib_output (through an output buffer
 * whose write callback is bib_output_write), the path opener that lets
 * consecutive crosswalk rows share their leading elements, and the text
 * cleaning XML needs.
 *
 * Memory: each format's writer flushes after every record, so the
 * xmlTextWriter holds at most one record.
 */
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>

#include "xmlfmt.h"

/* The indentation is ours, not xmlTextWriter's: its indent mode writes
 * each level's two spaces with a call of their own and counts the open
 * elements with a list walk, about a tenth of a MODS run. Ours writes one
 * raw run per line, and gives the same bytes: a child on its own line two
 * spaces deeper, a container's end tag at its start tag's depth, a text
 * element on one line, a newline after every end tag. */
enum { OUT_MAX_DEPTH = 64, OUT_CHILD = 1, OUT_TEXT = 2 };

struct xml_out {
    bib_output *out;
    xmlTextWriterPtr w;
    xml_step open[XML_MAX_STEPS];
    int nopen;
    size_t dropped;
    bib_buf clean;
    bib_buf leaf;                         /* a whole text element (xml_out_leaf) */
    int depth;                            /* elements open, the root's included */
    unsigned char seen[OUT_MAX_DEPTH];    /* OUT_* of each open element */
};

/* "\n" and enough spaces for the deepest element */
static const char nl_spaces[] = "\n"
                                "                                                                "
                                "                                                                ";

static void raw_indent(xml_out *o, int depth, bool newline)
{
    int n = 2 * (depth < OUT_MAX_DEPTH ? depth : OUT_MAX_DEPTH - 1);
    if (n + 1 > (int)sizeof nl_spaces - 1)
        n = (int)sizeof nl_spaces - 2;
    if (newline)
        xmlTextWriterWriteRawLen(o->w, BAD_CAST nl_spaces, n + 1);
    else if (n)
        xmlTextWriterWriteRawLen(o->w, BAD_CAST nl_spaces + 1, n);
}

static int ob_write(void *ctx, const char *buf, int len)
{
    xml_out *o = ctx;
    if (len <= 0)
        return 0;
    return bib_output_write(o->out, buf, (size_t)len) ? -1 : len;
}

static int ob_close(void *ctx)
{
    (void)ctx;
    return 0;
}

xml_out *xml_out_new(bib_output *out)
{
    xml_out *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->out = out;
    bib_buf_init(&o->clean);
    bib_buf_init(&o->leaf);
    xmlInitParser(); /* so that the module's xmlCleanupParser frees its tables */
    xmlOutputBufferPtr ob = xmlOutputBufferCreateIO(ob_write, ob_close, o, NULL);
    if (!ob) {
        free(o);
        return NULL;
    }
    o->w = xmlNewTextWriter(ob); /* owns ob from here on */
    if (!o->w) {
        xmlOutputBufferClose(ob);
        free(o);
        return NULL;
    }
    return o;
}

int xml_out_finish(xml_out *o, bool ok)
{
    if (!o)
        return 0;
    int rc = 0;
    if (ok) {
        while (o->depth > 0)
            xml_out_end(o);
        if (xmlTextWriterEndDocument(o->w) < 0) /* its final newline */
            rc = BIB_EIO;
    }
    xmlFreeTextWriter(o->w);
    bib_buf_clear(&o->clean);
    bib_buf_clear(&o->leaf);
    free(o);
    return rc;
}

xmlTextWriterPtr xml_out_writer(xml_out *o)
{
    return o->w;
}

void xml_out_flush(xml_out *o)
{
    xmlTextWriterFlush(o->w);
}

size_t xml_out_dropped(const xml_out *o)
{
    return o->dropped;
}

static bool same_step(const xml_step *a, const xml_step *b)
{
    return strcmp(a->name, b->name) == 0 && strcmp(a->attr, b->attr) == 0 &&
           strcmp(a->value, b->value) == 0;
}

void xml_out_start(xml_out *o, const char *name)
{
    if (o->depth > 0) {
        unsigned char *up = &o->seen[(o->depth < OUT_MAX_DEPTH ? o->depth : OUT_MAX_DEPTH) - 1];
        raw_indent(o, o->depth, !*up); /* the parent's first content: a new line */
        *up |= OUT_CHILD;
    }
    xmlTextWriterStartElement(o->w, BAD_CAST name);
    if (o->depth < OUT_MAX_DEPTH)
        o->seen[o->depth] = 0;
    o->depth++;
}

void xml_out_attr(xml_out *o, const char *name, const char *value)
{
    xmlTextWriterWriteAttribute(o->w, BAD_CAST name, BAD_CAST value);
}

void xml_out_end(xml_out *o)
{
    if (o->depth <= 0)
        return;
    o->depth--;
    unsigned char seen = o->depth < OUT_MAX_DEPTH ? o->seen[o->depth] : OUT_CHILD;
    if ((seen & OUT_CHILD) && !(seen & OUT_TEXT))
        raw_indent(o, o->depth, false);
    xmlTextWriterEndElement(o->w);
    if (o->depth > 0) /* the root's newline is EndDocument's */
        xmlTextWriterWriteRawLen(o->w, BAD_CAST nl_spaces, 1);
}

static void mark_text(xml_out *o)
{
    if (o->depth > 0 && o->depth <= OUT_MAX_DEPTH)
        o->seen[o->depth - 1] |= OUT_TEXT;
}

static void start_step(xml_out *o, const xml_step *st)
{
    xml_out_start(o, st->name);
    if (st->attr[0] && st->value[0])
        xml_out_attr(o, st->attr, st->value);
}

void xml_out_open_path(xml_out *o, const xml_cpath *p, int keep)
{
    int k = 0;
    while (k < o->nopen && k < keep && same_step(&o->open[k], &p->step[k]))
        k++;
    while (o->nopen > k) {
        xml_out_end(o);
        o->nopen--;
    }
    for (; k < keep; k++) {
        start_step(o, &p->step[k]);
        o->open[o->nopen++] = p->step[k];
    }
}

void xml_out_close_all(xml_out *o)
{
    while (o->nopen > 0) {
        xml_out_end(o);
        o->nopen--;
    }
}

/* Text XML 1.0 can carry: C0 controls other than tab, LF and CR are not
 * allowed even as character references, so they are dropped (counted). */
void xml_out_text(xml_out *o, const char *text, size_t len)
{
    size_t i = 0;
    while (i < len && ((unsigned char)text[i] >= 0x20 || text[i] == '\t' || text[i] == '\n' ||
                       text[i] == '\r'))
        i++;
    mark_text(o);
    if (i == len && text[len] == '\0') { /* nothing to drop: written as it is */
        xmlTextWriterWriteString(o->w, BAD_CAST text);
        return;
    }
    bib_buf_reset(&o->clean);
    bib_buf_append(&o->clean, text, i);
    for (; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
            o->dropped++;
            continue;
        }
        bib_buf_putc(&o->clean, (char)c);
    }
    xmlTextWriterWriteString(o->w, BAD_CAST o->clean.data);
}

/* An attribute value xmlTextWriter would write unchanged (it turns
 * markup, blanks other than space and non-ASCII into references). */
static bool attr_plain(const char *v)
{
    for (; *v; v++) {
        unsigned char c = (unsigned char)*v;
        if (c < 0x20 || c >= 0x80 || c == '<' || c == '>' || c == '&' || c == '"')
            return false;
    }
    return true;
}

/* A text element is most of what the writers write: built here, with the
 * escapes xmlTextWriterWriteString makes (& < > " and CR), and handed to
 * the writer as one raw run instead of five calls. The same bytes as
 * start_step, xml_out_text and xml_out_end give; those remain for what
 * this does not cover (an empty text, an attribute needing escapes). */
void xml_out_leaf(xml_out *o, const xml_step *st, const char *text, size_t len)
{
    bool attr = st->attr[0] && st->value[0];
    if (len == 0 || o->depth <= 0 || o->depth >= OUT_MAX_DEPTH || (attr && !attr_plain(st->value))) {
        start_step(o, st);
        xml_out_text(o, text, len);
        xml_out_end(o);
        return;
    }
    bib_buf *b = &o->leaf;
    bib_buf_reset(b);
    unsigned char *up = &o->seen[o->depth - 1];
    int n = 2 * o->depth;
    if (!*up)
        bib_buf_putc(b, '\n');
    bib_buf_append(b, nl_spaces + 1, (size_t)n < sizeof nl_spaces - 2 ? (size_t)n : sizeof nl_spaces - 2);
    bib_buf_putc(b, '<');
    bib_buf_puts(b, st->name);
    if (attr)
        bib_buf_printf(b, " %s=\"%s\"", st->attr, st->value);
    bib_buf_putc(b, '>');
    size_t kept = 0, run = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        const char *esc = NULL;
        switch (c) {
        case '&': esc = "&amp;"; break;
        case '<': esc = "&lt;"; break;
        case '>': esc = "&gt;"; break;
        case '"': esc = "&quot;"; break;
        case '\r': esc = "&#13;"; break;
        default:
            if (c < 0x20 && c != '\t' && c != '\n') {
                o->dropped++;
                esc = "";
            }
        }
        if (esc) {
            bib_buf_append(b, text + run, i - run);
            bib_buf_puts(b, esc);
            run = i + 1;
        }
        if (!esc || *esc)
            kept++;
    }
    if (run < len)
        bib_buf_append(b, text + run, len - run);
    if (kept == 0) { /* only dropped characters: the empty element as before */
        b->len = 0;
        start_step(o, st);
        xml_out_text(o, "", 0);
        xml_out_end(o);
        return;
    }
    bib_buf_puts(b, "</");
    bib_buf_puts(b, st->name);
    bib_buf_puts(b, ">\n");
    *up |= OUT_CHILD;
    xmlTextWriterWriteRawLen(o->w, BAD_CAST b->data, (int)b->len);
}

const char *xml_var_plain(const bib_record *rec, bib_var var, size_t i, bib_buf *b)
{
    const bib_field *f = bib_record_get(rec, var);
    if (!f || i >= bib_field_value_count(f))
        return NULL;
    const char *v = bib_field_value_at(f, i);
    bib_buf_reset(b);
    if (bib_field_kind(f) == BIB_KIND_RICH)
        bib_rich_strip(b, v, strlen(v));
    else
        bib_buf_puts(b, v);
    return b->len ? b->data : NULL;
}

unsigned xml_type_class(bib_type t)
{
    switch (t) {
    case BIB_TYPE_ARTICLE:
    case BIB_TYPE_ARTICLE_JOURNAL:
    case BIB_TYPE_ARTICLE_MAGAZINE:
    case BIB_TYPE_ARTICLE_NEWSPAPER:
    case BIB_TYPE_REVIEW:
    case BIB_TYPE_REVIEW_BOOK:
        return XC_SERIAL;
    case BIB_TYPE_CHAPTER:
    case BIB_TYPE_PAPER_CONFERENCE:
    case BIB_TYPE_ENTRY:
    case BIB_TYPE_ENTRY_DICTIONARY:
    case BIB_TYPE_ENTRY_ENCYCLOPEDIA:
    case BIB_TYPE_WEBPAGE:
    case BIB_TYPE_POST:
    case BIB_TYPE_POST_WEBLOG:
    case BIB_TYPE_SPEECH:
        return XC_PART;
    default:
        return XC_WHOLE;
    }
}

int xml_out_end_run(xml_out *o, bool ok, bib_output *out)
{
    if (!o)
        return 0;
    if (xml_out_dropped(o))
        bib_output_report(out, BIB_SEV_WARNING,
                          "%zu control characters dropped (XML cannot carry them)",
                          xml_out_dropped(o));
    int rc = xml_out_finish(o, ok);
    bib_output_putc(out, '\n');
    return rc;
}
