/* SPDX-License-Identifier: MIT */
/*
 * xml_write.c - the writer machinery both formats of the xml module share:
 * the XML text of a record built in a buffer and written to the
 * bib_output, the path opener that lets consecutive crosswalk rows share
 * their leading elements, and the text cleaning XML needs.
 *
 * The bytes are those libxml2's xmlTextWriter gave (without its indent
 * mode; the indentation is ours, below): a start tag closed by the first
 * content, an element with none written "<name/>", attribute values and
 * text escaped as it escapes them. It is no longer used because libxml2
 * 2.9's xmlTextWriterStartElement ignores a failed push of the element
 * onto its stack: it leaks the entry and reports success, and the end tags
 * that follow close the wrong elements. Here every failure is a failed
 * buffer, seen by xml_out_failed.
 *
 * Memory: each format's writer flushes after every record, so the buffer
 * holds at most one record.
 */
#include <stdlib.h>
#include <string.h>

#include "bibconv/utf8.h"
#include "xmlfmt.h"

/* The indentation: a child on its own line two spaces deeper, a
 * container's end tag at its start tag's depth, a text element on one
 * line, a newline after every end tag; one run per line. */
enum { OUT_MAX_DEPTH = 64, OUT_CHILD = 1, OUT_TEXT = 2 };

struct xml_out {
    bib_output *out;
    bib_buf text;                         /* written since the last flush */
    bib_buf tags;                         /* open elements' names, NUL-ended, innermost last */
    bool tag_open;                        /* the innermost start tag lacks its '>' */
    bool failed;                          /* the output failed */
    xml_step open[XML_MAX_STEPS];
    int nopen;
    size_t dropped;
    bib_buf clean;
    bib_buf leaf;                         /* a whole text element (xml_out_leaf) */
    int depth;                            /* elements open, the root's included */
    unsigned char seen[OUT_MAX_DEPTH];    /* OUT_* of each open element */
};

bool xml_out_failed(const xml_out *o)
{
    return o->failed || bib_buf_failed(&o->text) || bib_buf_failed(&o->tags) ||
           bib_buf_failed(&o->clean) || bib_buf_failed(&o->leaf);
}

/* Content of the innermost element begins: its start tag is closed. */
static void content(xml_out *o)
{
    if (o->tag_open)
        bib_buf_putc(&o->text, '>');
    o->tag_open = false;
}

static void raw(xml_out *o, const char *s, size_t n)
{
    content(o);
    bib_buf_append(&o->text, s, n);
}

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
        raw(o, nl_spaces, (size_t)n + 1);
    else if (n)
        raw(o, nl_spaces + 1, (size_t)n);
}

/* Text content: & < > " and CR as references, the rest as it is. */
static void put_escaped(bib_buf *b, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *esc;
        switch (s[i]) {
        case '&': esc = "&amp;"; break;
        case '<': esc = "&lt;"; break;
        case '>': esc = "&gt;"; break;
        case '"': esc = "&quot;"; break;
        case '\r': esc = "&#13;"; break;
        default: continue;
        }
        bib_buf_append(b, s + run, i - run);
        bib_buf_puts(b, esc);
        run = i + 1;
    }
    bib_buf_append(b, s + run, n - run);
}

/* An attribute value: also tab and newline as references, and every
 * character past ASCII as a hexadecimal one (&#xE9;). */
static void put_attr_value(bib_buf *b, const char *v)
{
    const unsigned char *p = (const unsigned char *)v;
    while (*p) {
        unsigned char c = *p;
        if (c == '\n' || c == '\t') {
            bib_buf_puts(b, c == '\n' ? "&#10;" : "&#9;");
            p++;
        } else if (c < 0x80) {
            put_escaped(b, (const char *)p, 1);
            p++;
        } else {
            int len = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
            unsigned cp = len == 4 ? c & 0x07u : len == 3 ? c & 0x0Fu : c & 0x1Fu;
            int k = 1;
            for (; k < len && (p[k] & 0xC0) == 0x80; k++)
                cp = (cp << 6) | (p[k] & 0x3Fu);
            if (len == 1 || k < len) { /* not UTF-8: the byte as it is */
                bib_buf_putc(b, (char)c);
                p++;
                continue;
            }
            bib_buf_printf(b, "&#x%X;", cp);
            p += len;
        }
    }
}

xml_out *xml_out_new(bib_output *out)
{
    xml_out *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->out = out;
    bib_buf_init(&o->text);
    bib_buf_init(&o->tags);
    bib_buf_init(&o->clean);
    bib_buf_init(&o->leaf);
    return o;
}

void xml_out_start_document(xml_out *o)
{
    bib_buf_puts(&o->text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
}

int xml_out_finish(xml_out *o, bool ok)
{
    if (!o)
        return 0;
    int rc = 0;
    if (ok) {
        while (o->depth > 0)
            xml_out_end(o);
        bib_buf_putc(&o->text, '\n'); /* after the root's end tag */
        xml_out_flush(o);
        if (xml_out_failed(o))
            rc = bib_output_error(o->out) ? BIB_EIO : BIB_ENOMEM;
    }
    bib_buf_clear(&o->text);
    bib_buf_clear(&o->tags);
    bib_buf_clear(&o->clean);
    bib_buf_clear(&o->leaf);
    free(o);
    return rc;
}

int xml_out_begin_failed(xml_out **o)
{
    bib_output *out = (*o)->out;
    xml_out_finish(*o, false);
    *o = NULL;
    bib_output_report(out, BIB_SEV_ERROR, "out of memory");
    return BIB_ENOMEM;
}

int xml_out_record_done(xml_out *o, bib_output *out, const bib_buf *scratch)
{
    if (bib_buf_failed(scratch)) /* a value the record lacks */
        o->failed = true;
    xml_out_flush(o);
    int rc = bib_output_error(out);
    if (!rc && xml_out_failed(o)) {
        bib_output_report(out, BIB_SEV_ERROR, "out of memory");
        rc = BIB_ENOMEM;
    }
    return rc;
}

void xml_out_flush(xml_out *o)
{
    if (xml_out_failed(o)) /* an incomplete record is not written */
        return;
    if (o->text.len && bib_output_write(o->out, o->text.data, o->text.len))
        o->failed = true;
    bib_buf_reset(&o->text);
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
    content(o);
    bib_buf_putc(&o->text, '<');
    bib_buf_puts(&o->text, name);
    bib_buf_append(&o->tags, name, strlen(name) + 1);
    o->tag_open = true;
    if (o->depth < OUT_MAX_DEPTH)
        o->seen[o->depth] = 0;
    o->depth++;
}

void xml_out_attr(xml_out *o, const char *name, const char *value)
{
    if (!o->tag_open) /* only inside a start tag, as xmlTextWriter */
        return;
    bib_buf_printf(&o->text, " %s=\"", name);
    put_attr_value(&o->text, value);
    bib_buf_putc(&o->text, '"');
}

void xml_out_end(xml_out *o)
{
    if (o->depth <= 0)
        return;
    o->depth--;
    unsigned char seen = o->depth < OUT_MAX_DEPTH ? o->seen[o->depth] : OUT_CHILD;
    if ((seen & OUT_CHILD) && !(seen & OUT_TEXT))
        raw_indent(o, o->depth, false);
    /* the innermost name: after the NUL before its own */
    size_t end = o->tags.len ? o->tags.len - 1 : 0, at = end;
    while (at > 0 && o->tags.data[at - 1] != '\0')
        at--;
    if (o->tag_open) {
        bib_buf_puts(&o->text, "/>");
    } else {
        bib_buf_puts(&o->text, "</");
        bib_buf_append(&o->text, o->tags.data + at, end - at);
        bib_buf_putc(&o->text, '>');
    }
    o->tag_open = false;
    bib_buf_truncate(&o->tags, at);
    if (o->depth > 0) /* the root's newline is xml_out_finish's */
        raw(o, nl_spaces, 1);
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
    content(o);
    if (i == len) { /* nothing to drop: written as it is */
        put_escaped(&o->text, text, len);
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
    put_escaped(&o->text, o->clean.data, o->clean.len);
}

/* An attribute value put_attr_value writes unchanged (it turns markup,
 * blanks other than space and non-ASCII into references). */
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
 * escapes put_escaped makes (& < > " and CR), in one run instead of
 * five calls. The same bytes as
 * start_step, xml_out_text and xml_out_end give; those remain for what
 * this does not cover (an empty text, an attribute needing escapes). */
void xml_out_leaf(xml_out *o, const xml_step *st, const char *text, size_t len)
{
    bool attr = st->attr[0] && st->value[0];
    /* a long text is escaped straight into the record's text, not built
     * in o->leaf first (a huge value would be held once more) */
    if (len == 0 || len > 65536 || o->depth <= 0 || o->depth >= OUT_MAX_DEPTH || (attr && !attr_plain(st->value))) {
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
    raw(o, b->data, b->len);
}

const char *xml_var_plain(const bib_record *rec, bib_var var, size_t i, bib_buf *b,
                          size_t *len)
{
    const bib_field *f = bib_record_get(rec, var);
    if (!f || i >= bib_field_value_count(f))
        return NULL;
    const char *v = bib_field_value_at(f, i);
    size_t n = strlen(v);
    if (bib_field_kind(f) == BIB_KIND_RICH && memchr(v, '<', n)) {
        bib_buf_reset(b);
        bib_rich_strip(b, v, n);
        v = b->data;
        n = b->len;
    }
    *len = n;
    return n ? v : NULL;
}


bool xml_writes_nothing(const bib_record *rec, const xml_row *rows, size_t nrows,
                        unsigned cls, const char *fmt, bool id_out)
{
    bib_type t = bib_record_type(rec);
    if (id_out || (t != BIB_TYPE_DOCUMENT && t != BIB_TYPE_UNKNOWN))
        return false;
    for (size_t i = 0; i < nrows; i++)
        if ((rows[i].dir & XD_WR) && (rows[i].when & cls) && rows[i].var != BIB_VAR_NONE &&
            bib_record_holds(rec, rows[i].var))
            return false;
    for (size_t i = 0; i < bib_record_extra_count(rec); i++) {
        const char *f;
        if (bib_record_extra_at(rec, i, &f, NULL, NULL, NULL) == 0 && strcmp(f, fmt) == 0)
            return false;
    }
    return true;
}

bool xml_text_holds(const char *s)
{
    return s && !bib_text_blank(s, strlen(s));
}

bool xml_date_text(bib_buf *b, const bib_date *d)
{
    bib_buf_reset(b);
    if (!d)
        return false;
    if (bib_date_format_edtf(b, d) == 0 && b->len)
        return true;
    /* a BibTeX month alone, a raw text no parser read: written as it is
     * (the readers keep it), not lost without a word */
    bib_buf_reset(b);
    if (!xml_text_holds(d->raw))
        return false;
    return bib_buf_append(b, d->raw, strlen(d->raw)) == 0;
}

int xml_refuse_empty(bib_output *out, const bib_record *rec, const char *what)
{
    size_t line = 0;
    const char *o = bib_record_origin(rec, &line);
    bib_output_report(out, BIB_SEV_ERROR, "record from %s:%zu: nothing %s can hold: not written",
                      o ? o : "?", line, what);
    return BIB_EPARSE;
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
    if (rc == BIB_ENOMEM)
        bib_output_report(out, BIB_SEV_ERROR, "out of memory");
    bib_output_putc(out, '\n');
    return rc;
}
