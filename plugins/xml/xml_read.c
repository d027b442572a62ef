/* SPDX-License-Identifier: MIT */
/*
 * xml_read.c - the reader machinery both formats of the xml module share:
 * libxml2's push parser over a bib_input with SAX handlers of our own,
 * the tree of one record, the walk of one record through a crosswalk
 * table, and the element text.
 *
 * Streaming. The record loop pushes the bib_input to libxml2 a chunk at a
 * time (consumed as it goes, so the input buffer stays small). The SAX
 * handlers ignore everything outside a record element (<record>,
 * <mods>) and build each record element into a small tree of xml_nodes;
 * a finished tree waits in a queue (what one chunk completes) until the
 * loop builds its record and frees it: memory holds one record.
 *
 * Why our own handlers and not libxml2's tree builder (it was the
 * xmlTextReader): text arrives in pieces through `characters`, and
 * holding it is ours, so libxml2's 10,000,000-byte cap on a text node
 * (xmlSAX2Characters) does not apply and the value bound is the one of
 * every reader (bib_input_max_value, --max-value): past it, an error at
 * the line:column where the text passes it, and that record alone is
 * skipped. One record's tree has the same bound, 1 MiB at least (hold).
 * A long text is held once: given to the record (xml_keep), not copied.
 *
 * Security (docs/xml.md, "Security and limits"). The parser runs with
 * XML_PARSE_NONET and without XML_PARSE_NOENT, XML_PARSE_DTDLOAD,
 * XML_PARSE_DTDATTR, XML_PARSE_DTDVALID and XML_PARSE_HUGE: no DTD is
 * loaded, no external entity is fetched, no entity is substituted, and
 * libxml2 keeps its limits (256 levels of nesting, entity amplification
 * checks; XML_PARSE_HUGE would switch the latter off in libxml2 2.9). The
 * content of an internal entity, parsed by libxml2 in a context of its
 * own when the entity is first referred to, goes to libxml2's own tree
 * handlers, which keep it once in the entity (as with the tree builder
 * before): later references are not parsed again, so amplification stays
 * bounded by libxml2's checks. The external entity loader is replaced,
 * while a file is read, by one that refuses every resource. An entity
 * reference in a record's text is kept as written, "&name;", with a
 * warning; predefined and character entities are plain text already.
 *
 * Errors. A well-formedness error is fatal in XML: libxml2's message is
 * reported at its line and column, the records finished before it are
 * kept and the rest of the input is lost (the reader returns BIB_EPARSE,
 * then the end). A record whose text passes the bound is dropped alone.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/SAX2.h>
#include <libxml/parser.h>

#include "xml_libmsg.h"
#include "xmlfmt.h"

enum {
    MAX_REPORTS = 20,
    MAX_TEXT_DEPTH = 64,
    MAX_DROPPED_PATHS = 64,
    PUSH_CHUNK = 16384, /* bytes handed to libxml2 at a time */
    KEEP_MIN = 65536,   /* a text this long is given to the record, not copied */
    MAX_DEPTH = 256,    /* libxml2's xmlParserMaxDepth without XML_PARSE_HUGE */
    RECORD_FLOOR = 1 << 20 /* a record's tree may take this much under any bound */
};

/* An element path the reader dropped, and in how many records. */
typedef struct dropped_path {
    char *path;
    size_t records;
    size_t last; /* serial of the last record counted */
} dropped_path;

/* Storage of one record's tree but for its texts: nodes, attributes and
 * entity names are carved from blocks freed together (a malloc per node
 * made reading 14% slower than libxml2's tree builder). */
typedef struct block {
    struct block *next;
    size_t used, cap;
    max_align_t data[];
} block;

/* A finished record element waiting to be built; root NULL: one dropped
 * for its size (already reported). */
typedef struct pending_rec {
    xml_node *root;
    block *blocks;
    struct pending_rec *next;
} pending_rec;

struct xml_stream {
    bib_input *in;
    bib_reader *rd;
    xmlParserCtxtPtr ctxt;
    const xml_dialect *d;
    xml_build_fn build;
    const char *const *roots;
    xmlExternalEntityLoader saved_loader;
    bool loader_set;
    bool done;
    bool eof;          /* the whole input was pushed */
    bool root_seen;
    bool root_bad;     /* the root element is not one of roots (reported) */
    bool io_error;
    bool oom;          /* a handler ran out of memory (the parser is stopped) */
    bool fatal;        /* a handler found the input malformed (reported, stopped) */
    /* the record element being built */
    xml_node *cur;     /* innermost open element, NULL outside a record */
    xml_node *root;
    block *blocks;     /* its storage */
    size_t held;       /* bytes its tree holds (the bound) */
    bool dropping;     /* it passed the bound: skipped to its end */
    size_t drop_depth; /* open elements below its root while dropping */
    pending_rec *head, *tail;
    unsigned reports;  /* libxml2 errors reported */
    char last[160];    /* the last one, to drop libxml2's repeats */
    int last_line, last_col;
    bool entity_warned;
    xml_libmsg generic; /* libxml2's generic channel (an encoding failure is said only there) */
    /* dropped elements (xml_drop): distinct paths, bounded so that a
     * hostile input cannot make the lookup quadratic; past the bound they
     * are counted under one "other" row */
    dropped_path dropped[MAX_DROPPED_PATHS + 1];
    size_t ndropped;
    size_t serial; /* records built so far */
    bool dropped_reported;
};

/* ---- the tree --------------------------------------------------------------- */

static void *arena_alloc(block **head, size_t size)
{
    size = (size + 15) & ~(size_t)15;
    block *b = *head;
    if (!b || b->cap - b->used < size) {
        size_t cap = size > 4000 ? size : 4000;
        if (!(b = malloc(sizeof *b + cap)))
            return NULL;
        b->next = *head;
        b->used = 0;
        b->cap = cap;
        *head = b;
    }
    void *p = (char *)b->data + b->used;
    b->used += size;
    return p;
}

static void *arena_zalloc(block **head, size_t size)
{
    void *p = arena_alloc(head, size);
    return p ? memset(p, 0, size) : NULL;
}

static void free_blocks(block *b)
{
    while (b) {
        block *next = b->next;
        free(b);
        b = next;
    }
}

/* Frees the texts of a tree; the rest is in its blocks. */
static void free_texts(xml_node *n)
{
    for (; n; n = n->next) {
        if (n->children)
            free_texts(n->children); /* depth: at most MAX_DEPTH levels */
        if (!n->lent)
            free(n->content);
        free(n->pre);
    }
}

static void free_tree(xml_node *n, block *blocks)
{
    free_texts(n);
    free_blocks(blocks);
}

static void free_pending(xml_stream *s)
{
    while (s->head) {
        pending_rec *p = s->head;
        s->head = p->next;
        free_tree(p->root, p->blocks);
        free(p);
    }
    s->tail = NULL;
    free_tree(s->root, s->blocks);
    s->root = s->cur = NULL;
    s->blocks = NULL;
}

static xml_stream *stream_of(void *ctx)
{
    return ((xmlParserCtxtPtr)ctx)->_private;
}

/* True for a call of the document's own parser; false for libxml2's
 * parse of an entity's content, which its tree handlers keep. */
static bool in_document(void *ctx)
{
    return ctx == stream_of(ctx)->ctxt;
}

static void position(xml_stream *s, size_t *line, size_t *col)
{
    xmlParserInputPtr in = s->ctxt->input;
    *line = in && in->line > 0 ? (size_t)in->line : 0;
    *col = in && in->col > 0 ? (size_t)in->col : 0;
}

static void stop(xml_stream *s)
{
    xmlStopParser(s->ctxt);
}

/* Counts n more bytes held for the record, `text` of them the new length
 * of one text; past the bound, reports (once for the record, at the
 * parser's position), frees what was built and skips the rest of the
 * record. Returns false when dropping. */
static bool hold(xml_stream *s, size_t n, size_t text)
{
    if (s->dropping)
        return false;
    /* a tree costs several times its record's bytes: 1 MiB at least */
    size_t max = bib_input_max_value(s->in), rmax = max > RECORD_FLOOR ? max : RECORD_FLOOR;
    if (text <= max && n <= rmax && s->held <= rmax - n) {
        s->held += n;
        return true;
    }
    size_t line, col, mib = rmax % RECORD_FLOOR == 0;
    position(s, &line, &col);
    if (text > max)
        bib_input_report_too_long(s->in, line, col, "an element's text");
    else
        bib_input_report(s->in, BIB_SEV_ERROR, line, col, "a record's elements and text longer "
                         "than %zu %s (the bound, 1 MiB at least; raise it with --max-value=SIZE)",
                         mib ? rmax / RECORD_FLOOR : rmax, mib ? "MiB" : "bytes");
    s->dropping = true;
    s->drop_depth = 0;
    for (xml_node *p = s->cur; p && p != s->root; p = p->parent)
        s->drop_depth++;
    free_tree(s->root, s->blocks);
    s->root = s->cur = NULL;
    s->blocks = NULL;
    return false;
}

static void add_child(xml_node *parent, xml_node *n)
{
    n->parent = parent;
    if (parent->last)
        parent->last->next = n;
    else
        parent->children = n;
    parent->last = n;
}

/* Queues the finished record tree root (NULL: dropped) with s->blocks. */
static void queue(xml_stream *s, xml_node *root)
{
    pending_rec *p = malloc(sizeof *p);
    if (!p) {
        free_tree(root, s->blocks);
        s->blocks = NULL;
        s->oom = true;
        stop(s);
        return;
    }
    p->root = root;
    p->blocks = s->blocks;
    s->blocks = NULL;
    p->next = NULL;
    if (s->tail)
        s->tail->next = p;
    else
        s->head = p;
    s->tail = p;
}

static bool root_ok(xml_stream *s, const char *name)
{
    for (size_t i = 0; s->roots[i]; i++)
        if (strcmp(s->roots[i], name) == 0)
            return true;
    return false;
}

/* An attribute's value as libxml2's tree builder leaves it in the
 * attribute's first text node: the parser passes "&#38;" for '&' and
 * "&name;" for a reference to an entity, which becomes a node of its own
 * there, so the text ends before it. */
static char *attr_value(block **arena, const char *v, size_t n)
{
    char *out = arena_alloc(arena, n + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (v[i] != '&') {
            out[o++] = v[i++];
            continue;
        }
        if (i + 1 < n && v[i + 1] == '#') {
            const char *semi = memchr(v + i, ';', n - i);
            if (semi) {
                unsigned long cp = v[i + 2] == 'x' ? strtoul(v + i + 3, NULL, 16)
                                                   : strtoul(v + i + 2, NULL, 10);
                /* UTF-8, never longer than the reference it replaces */
                if (cp && cp < 0x80) {
                    out[o++] = (char)cp;
                } else if (cp && cp < 0x800) {
                    out[o++] = (char)(0xC0 | (cp >> 6));
                    out[o++] = (char)(0x80 | (cp & 0x3F));
                } else if (cp && cp < 0x10000) {
                    out[o++] = (char)(0xE0 | (cp >> 12));
                    out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                    out[o++] = (char)(0x80 | (cp & 0x3F));
                } else if (cp && cp < 0x110000) {
                    out[o++] = (char)(0xF0 | (cp >> 18));
                    out[o++] = (char)(0x80 | ((cp >> 12) & 0x3F));
                    out[o++] = (char)(0x80 | ((cp >> 6) & 0x3F));
                    out[o++] = (char)(0x80 | (cp & 0x3F));
                }
                i = (size_t)(semi + 1 - v);
                continue;
            }
        }
        break; /* an entity reference */
    }
    out[o] = '\0';
    return out;
}

/* ---- the SAX handlers ----------------------------------------------------- */

static void on_start(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                     const xmlChar *uri, int nb_namespaces, const xmlChar **namespaces,
                     int nb_attributes, int nb_defaulted, const xmlChar **attributes)
{
    if (!in_document(ctx)) {
        xmlSAX2StartElementNs(ctx, localname, prefix, uri, nb_namespaces, namespaces,
                              nb_attributes, nb_defaulted, attributes);
        return;
    }
    xml_stream *s = stream_of(ctx);
    xmlParserCtxtPtr ctxt = ctx;
    /* as libxml2's tree: an unbound prefix stays in the name */
    const char *name = (const char *)localname;
    if (prefix && !uri) {
        const xmlChar *q = xmlDictQLookup(ctxt->dict, prefix, localname);
        if (!q) {
            s->oom = true;
            stop(s);
            return;
        }
        name = (const char *)q;
    }
    size_t line, col;
    position(s, &line, &col);
    if (ctxt->nameNr > MAX_DEPTH) {
        /* libxml2 checks the depth in its tree builder's nodePush, which
         * this parse does not call: the same limit, the same fatal error */
        s->fatal = true;
        s->reports++;
        bib_input_report(s->in, BIB_SEV_ERROR, line, col,
                         "invalid XML: Excessive depth in document: more than %d levels",
                         (int)MAX_DEPTH);
        stop(s);
        return;
    }
    if (!s->root_seen) {
        s->root_seen = true;
        if (!root_ok(s, name)) {
            s->root_bad = true;
            bib_input_report(s->in, BIB_SEV_ERROR, line, 0, "the root element <%s> is not one of %s",
                             name,
                             s->d->record_name[0] == 'r' ? "EndNote XML's <xml>"
                                                         : "MODS's <modsCollection>, <mods>");
            stop(s);
            return;
        }
    }
    if (s->dropping) {
        s->drop_depth++;
        return;
    }
    if (!s->cur && strcmp(name, s->d->record_name) != 0)
        return; /* outside a record */
    if (!s->cur)
        s->held = 0;
    /* as libxml2's tree builder: attributes defaulted by the DTD are left
     * out (no XML_PARSE_DTDATTR) */
    size_t na = (size_t)(nb_attributes - nb_defaulted);
    size_t bytes = sizeof(xml_node) + na * sizeof(xml_attrib);
    for (size_t i = 0; i < na; i++)
        bytes += (size_t)(attributes[5 * i + 4] - attributes[5 * i + 3]) + 1;
    bool inside = s->cur != NULL;
    if (!hold(s, bytes, 0)) {
        if (inside)
            s->drop_depth++; /* this element is open too */
        return;
    }
    xml_node *n = arena_zalloc(&s->blocks, sizeof *n);
    if (n && na)
        n->attrs = arena_zalloc(&s->blocks, na * sizeof *n->attrs);
    if (!n || (na && !n->attrs)) {
        s->oom = true;
        stop(s);
        return;
    }
    n->type = XML_ELEMENT_NODE;
    n->name = name; /* libxml2's dictionary outlives the tree */
    n->line = line;
    for (size_t i = 0; i < na; i++) {
        const xmlChar **a = attributes + 5 * i;
        const char *an = (const char *)a[0];
        if (a[1] && !a[2]) {
            const xmlChar *q = xmlDictQLookup(ctxt->dict, a[1], a[0]);
            if (!q) {
                s->oom = true;
                stop(s);
                return;
            }
            an = (const char *)q;
        }
        n->attrs[i].name = an;
        n->attrs[i].value = attr_value(&s->blocks, (const char *)a[3], (size_t)(a[4] - a[3]));
        n->nattrs = i + 1;
        if (!n->attrs[i].value) {
            s->oom = true;
            stop(s);
            return;
        }
    }
    if (s->cur)
        add_child(s->cur, n);
    else
        s->root = n;
    s->cur = n;
}

static void on_end(void *ctx, const xmlChar *localname, const xmlChar *prefix,
                   const xmlChar *uri)
{
    if (!in_document(ctx)) {
        xmlSAX2EndElementNs(ctx, localname, prefix, uri);
        return;
    }
    xml_stream *s = stream_of(ctx);
    if (s->dropping) {
        if (s->drop_depth) {
            s->drop_depth--;
            return;
        }
        s->dropping = false;
        queue(s, NULL);
        return;
    }
    if (!s->cur)
        return;
    s->cur = s->cur->parent;
    if (!s->cur) {
        xml_node *root = s->root;
        s->root = NULL;
        queue(s, root);
    }
}

static void on_text(void *ctx, const xmlChar *ch, int len)
{
    if (!in_document(ctx)) {
        xmlSAX2Characters(ctx, ch, len);
        return;
    }
    xml_stream *s = stream_of(ctx);
    if (!s->cur || len <= 0)
        return;
    xml_node *t = s->cur->last;
    bool fresh = !t || t->type != XML_TEXT_NODE;
    size_t n = (size_t)len;
    if (!hold(s, n + (fresh ? sizeof(xml_node) : 0), (fresh ? 0 : t->len) + n))
        return;
    if (fresh) {
        t = arena_zalloc(&s->blocks, sizeof *t);
        if (!t) {
            s->oom = true;
            stop(s);
            return;
        }
        t->type = XML_TEXT_NODE;
        add_child(s->cur, t);
    }
    if (t->len + n + 1 > t->cap) {
        /* doubling: a text in 300-byte pieces is not copied over and
         * over; pages past its end are never touched */
        size_t cap = t->cap ? t->cap : 64;
        while (cap < t->len + n + 1)
            cap *= 2;
        char *p = realloc(t->content, cap);
        if (!p) {
            s->oom = true;
            stop(s);
            return;
        }
        t->content = p;
        t->cap = cap;
    }
    memcpy(t->content + t->len, ch, n);
    t->len += n;
    t->content[t->len] = '\0';
}

static void on_reference(void *ctx, const xmlChar *name)
{
    if (!in_document(ctx)) {
        xmlSAX2Reference(ctx, name);
        return;
    }
    xml_stream *s = stream_of(ctx);
    if (!s->cur || !name)
        return;
    size_t l = strlen((const char *)name);
    if (!hold(s, sizeof(xml_node) + l + 1, 0))
        return;
    xml_node *n = arena_zalloc(&s->blocks, sizeof *n);
    char *copy = n ? arena_alloc(&s->blocks, l + 1) : NULL;
    if (!copy) {
        s->oom = true;
        stop(s);
        return;
    }
    memcpy(copy, name, l + 1);
    n->type = XML_ENTITY_REF_NODE;
    n->name = copy;
    add_child(s->cur, n);
}

/* ---- input -------------------------------------------------------------- */

/* Refuses every external resource: DTDs and external entities are never
 * loaded, whatever the document declares. */
static xmlParserInputPtr no_loader(const char *url, const char *id, xmlParserCtxtPtr ctxt)
{
    (void)url;
    (void)id;
    (void)ctxt;
    return NULL;
}

/* Reports libxml2's diagnostics at their position. */
static void on_error(void *ctx, xmlErrorPtr e)
{
    xml_stream *s = stream_of(ctx);
    if (!s || !e || e->level == XML_ERR_NONE)
        return; /* !s: while the parser is created (out of memory, said after) */
    if (s->reports >= MAX_REPORTS)
        return;
    s->reports++;
    char msg[512];
    snprintf(msg, sizeof msg, "%s", e->message ? e->message : "malformed XML");
    size_t l = strlen(msg);
    while (l && (msg[l - 1] == '\n' || msg[l - 1] == ' '))
        msg[--l] = '\0';
    for (char *p = msg; *p; p++)
        if (*p == '\n')
            *p = ' '; /* one diagnostic, one line */
    if (e->line == s->last_line && e->int2 == s->last_col &&
        strncmp(msg, s->last, sizeof s->last - 1) == 0)
        return;
    snprintf(s->last, sizeof s->last, "%s", msg);
    s->last_line = e->line;
    s->last_col = e->int2;
    bib_severity sev = e->level == XML_ERR_WARNING ? BIB_SEV_WARNING : BIB_SEV_ERROR;
    bib_input_report(s->in, sev, e->line > 0 ? (size_t)e->line : 0,
                     e->int2 > 0 ? (size_t)e->int2 : 0, "invalid XML: %s", msg);
}

/* ---- text --------------------------------------------------------------- */

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The whole text of text node t, also after keep_text cut it. */
static void put_node_text(bib_buf *b, const xml_node *t)
{
    if (t->npre)
        bib_buf_append(b, t->pre, t->npre);
    if (t->len)
        bib_buf_append(b, t->content, t->len);
    if (t->lent && t->full > t->len) {
        bib_buf_putc(b, t->tail0);
        bib_buf_append(b, t->content + t->len + 1, t->full - t->len - 1);
    }
}

static void gather(xml_rec *r, xml_node *n, int depth, size_t max)
{
    for (xml_node *c = n->children; c && !r->too_long; c = c->next) {
        switch (c->type) {
        case XML_TEXT_NODE:
            put_node_text(&r->text, c);
            break;
        case XML_ENTITY_REF_NODE:
            /* never expanded: the entity's content is not in the tree */
            bib_buf_putc(&r->text, '&');
            bib_buf_puts(&r->text, c->name);
            bib_buf_putc(&r->text, ';');
            r->entity_seen = true;
            break;
        case XML_ELEMENT_NODE:
            if (depth < MAX_TEXT_DEPTH)
                gather(r, c, depth + 1, max);
            break;
        default:
            break;
        }
        if (r->text.len > max) {
            r->too_long = true;
            bib_input_report_too_long(r->in, r->line, 0, "an element's text");
        }
    }
}

/* Pretty-printing: a run of blanks that holds a line end followed by
 * indentation is layout, not text, and becomes one space; a line end not
 * followed by indentation is kept (EndNote's abstracts). In place. */
static void unindent(bib_buf *b)
{
    size_t o = 0;
    for (size_t i = 0; i < b->len;) {
        if (!is_blank(b->data[i])) {
            b->data[o++] = b->data[i++];
            continue;
        }
        size_t j = i;
        bool nl = false, indent = false;
        for (; j < b->len && is_blank(b->data[j]); j++) {
            if (b->data[j] == '\n')
                nl = true, indent = false;
            else if (nl && (b->data[j] == ' ' || b->data[j] == '\t'))
                indent = true;
        }
        if (nl && indent) {
            b->data[o++] = ' ';
        } else {
            memmove(b->data + o, b->data + i, j - i);
            o += j - i;
        }
        i = j;
    }
    bib_buf_truncate(b, o);
}

const char *xml_text(xml_rec *r, xml_node *n, size_t *len)
{
    bib_buf_reset(&r->text);
    r->text_node = NULL;
    const char *s;
    size_t l;
    xml_node *c = n->children;
    if (c && !c->next && c->type == XML_TEXT_NODE && c->content &&
        (c->lent || !memchr(c->content, '\n', c->len))) {
        /* the common case, one text without a line end, is read from the
         * tree: a copy would hold a long value once more (a text the
         * record holds already was trimmed in place) */
        s = c->content;
        l = c->len;
        r->text_node = c;
        if (l > bib_input_max_value(r->in)) {
            r->too_long = true;
            bib_input_report_too_long(r->in, r->line, 0, "an element's text");
        }
    } else {
        gather(r, n, 0, bib_input_max_value(r->in));
        if (memchr(r->text.data, '\n', r->text.len))
            unindent(&r->text);
        s = r->text.data;
        l = r->text.len;
    }
    while (l && is_blank(*s)) {
        s++;
        l--;
    }
    while (l && is_blank(s[l - 1]))
        l--;
    if (r->too_long)
        l = 0;
    *len = l;
    return s;
}

/* Gives a long text s[0..len), just returned by xml_text, to the record
 * (bib_record_adopt): its setters, handed the returned pointer and len,
 * then keep it without a copy (issue 18: a value held once). The tree's
 * node is trimmed in place and keeps the blanks it lost aside, so its
 * text reads the same; a gathered text leaves r->text. Returns the text
 * to hand on (s itself when short), NULL when out of memory. */
const char *xml_keep(xml_rec *r, const char *s, size_t len)
{
    if (len < KEEP_MIN)
        return s;
    xml_node *t = r->text_node;
    char *buf;
    if (t && !t->lent && s >= t->content && s + len <= t->content + t->len) {
        size_t k = (size_t)(s - t->content);
        if (k) {
            if (!(t->pre = malloc(k)))
                return NULL;
            memcpy(t->pre, t->content, k);
            t->npre = k;
            memmove(t->content, s, t->len - k + 1);
        }
        t->full = t->len - k;
        t->len = len;
        if (len < t->full) {
            t->tail0 = t->content[len];
            t->content[len] = '\0';
        }
        t->lent = true;
        buf = t->content;
        const char *kept = bib_record_adopt(r->rec, buf);
        if (!kept) { /* freed */
            t->content = NULL;
            t->len = t->full = 0;
        }
        return kept;
    }
    if (t && t->lent && s == t->content && len == t->len)
        return s; /* the record holds it already */
    if (!t && s >= r->text.data && s + len <= r->text.data + r->text.len) {
        memmove(r->text.data, s, len);
        bib_buf_truncate(&r->text, len);
        if (!(buf = bib_buf_detach(&r->text)))
            return NULL;
        return bib_record_adopt(r->rec, buf);
    }
    return s;
}

const char *xml_child_text(xml_rec *r, xml_node *n, const char *name, size_t *len)
{
    for (xml_node *c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp(c->name, name) == 0)
            return xml_text(r, c, len);
    *len = 0;
    return NULL;
}

const char *xml_attr(xml_node *n, const char *name)
{
    for (size_t i = 0; i < n->nattrs; i++)
        if (strcmp(n->attrs[i].name, name) == 0)
            return n->attrs[i].value;
    return NULL;
}

void xml_report(xml_rec *r, xml_node *n, bib_severity sev, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t line = n && n->line ? n->line : r->line;
    bib_input_report(r->in, sev, line, 0, "%s", msg);
}

/* ---- paths -------------------------------------------------------------- */

static bool step_matches(const xml_step *st, xml_node *n)
{
    /* the first letter first: most rows fail there, without a call */
    if (st->name[0] != n->name[0] || strcmp(st->name, (const char *)n->name) != 0)
        return false;
    if (!st->attr[0])
        return true;
    const char *v = xml_attr(n, st->attr);
    if (!st->value[0])
        return v == NULL;
    return v && strcmp(v, st->value) == 0;
}

static const xml_row *find_row(xml_rec *r, xml_node **stack, int depth)
{
    const xml_dialect *d = r->d;
    for (size_t i = 0; i < d->nrows; i++) {
        const xml_row *row = &d->rows[i];
        const xml_cpath *p = &d->paths[i];
        if (!(row->dir & XD_RD) || !(row->when & r->cls) || p->n != depth)
            continue;
        int k = depth - 1;
        while (k >= 0 && step_matches(&p->step[k], stack[k]))
            k--;
        if (k < 0)
            return row;
    }
    return NULL;
}

/* One step of an extra's name: the element's name with its `type` or
 * `unit` attribute when it has one (so that the writer can put it back). */
static void put_step(bib_buf *b, xml_node *n)
{
    bib_buf_puts(b, (const char *)n->name);
    static const char *const keys[] = {"type", "unit"};
    for (size_t j = 0; j < 2; j++) {
        const char *v = xml_attr(n, keys[j]);
        if (v && *v && strlen(v) < 32 && !strchr(v, '/')) {
            bib_buf_printf(b, "@%s=%s", keys[j], v);
            break;
        }
    }
}

/* The extra's name: the element's path, steps as put_step writes them. */
static void path_name(bib_buf *b, xml_node **stack, int depth)
{
    bib_buf_reset(b);
    for (int k = 0; k < depth; k++) {
        if (k)
            bib_buf_putc(b, '/');
        put_step(b, stack[k]);
    }
}

static bool has_element_child(xml_node *n)
{
    for (xml_node *c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return true;
    return false;
}

static int walk(xml_rec *r, xml_node *parent, xml_node **stack, int depth, xml_map_fn map)
{
    for (xml_node *c = parent->children; c && !r->too_long; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        stack[depth] = c;
        const xml_row *row = find_row(r, stack, depth + 1);
        int rc = 0;
        r->stack = stack;
        r->depth = depth + 1;
        if (row) {
            if (row->kind == XK_DROP)
                rc = xml_drop(r, c);
            else if (row->kind != XK_SKIP)
                rc = map(r, row, c);
        } else if (has_element_child(c) && depth + 1 < XML_MAX_STEPS) {
            rc = walk(r, c, stack, depth + 1, map);
        } else {
            size_t len;
            const char *t = xml_text(r, c, &len);
            if (len) {
                const char *v = xml_keep(r, t, len);
                if (!v)
                    return BIB_ENOMEM;
                path_name(&r->scratch, stack, depth + 1);
                rc = bib_record_add_extra(r->rec, r->d->format, r->scratch.data, v, len);
            }
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

int xml_walk(xml_rec *r, xml_node *record, xml_map_fn map)
{
    xml_node *stack[XML_MAX_STEPS];
    int rc = walk(r, record, stack, 0, map);
    r->stack = NULL;
    r->depth = 0;
    return rc;
}

/* ---- dropped elements ------------------------------------------------------ */

/* Counts path (once per record) and says so in an info line. */
static int note_dropped(xml_rec *r, const char *path)
{
    xml_stream *s = r->stream;
    size_t i = 0;
    while (i < s->ndropped && strcmp(s->dropped[i].path, path) != 0)
        i++;
    if (i == s->ndropped) {
        if (i == MAX_DROPPED_PATHS) {
            i = MAX_DROPPED_PATHS; /* the "other" row */
            if (!s->dropped[i].path && !(s->dropped[i].path = strdup("(other elements)")))
                return BIB_ENOMEM;
        } else {
            if (!(s->dropped[i].path = strdup(path)))
                return BIB_ENOMEM;
            s->ndropped++;
        }
    }
    dropped_path *d = &s->dropped[i];
    if (d->records && d->last == s->serial)
        return 0;
    d->records++;
    d->last = s->serial;
    bib_input_report(r->in, BIB_SEV_INFO, r->line, 0,
                     "element '%s' not read: the record has no place for it", path);
    return 0;
}

/* Names every element with text at or below n; path holds n's parent's. */
static int drop_below(xml_rec *r, xml_node *n, bib_buf *path, int depth)
{
    size_t mark = path->len;
    if (path->len)
        bib_buf_putc(path, '/');
    put_step(path, n);
    int rc = 0;
    if (bib_buf_failed(path)) {
        rc = BIB_ENOMEM;
    } else if (has_element_child(n)) {
        for (xml_node *c = n->children; c && !rc; c = c->next)
            if (c->type == XML_ELEMENT_NODE && depth < MAX_TEXT_DEPTH)
                rc = drop_below(r, c, path, depth + 1);
    } else {
        size_t len;
        xml_text(r, n, &len);
        if (len)
            rc = note_dropped(r, path->data);
    }
    bib_buf_truncate(path, mark);
    return rc;
}

int xml_drop(xml_rec *r, xml_node *n)
{
    if (!r->stream || !r->stack || r->depth <= 0)
        return 0;
    xml_node *top = r->stack[r->depth - 1];
    /* the steps from the row's element down to n's parent */
    xml_node *chain[MAX_TEXT_DEPTH];
    int k = 0;
    for (xml_node *p = n; p && p != top && k < MAX_TEXT_DEPTH; p = p->parent)
        chain[k++] = p;
    bib_buf path = BIB_BUF_INIT;
    /* n's own step is drop_below's */
    path_name(&path, r->stack, n == top ? r->depth - 1 : r->depth);
    while (k > 1) {
        bib_buf_putc(&path, '/');
        put_step(&path, chain[--k]);
    }
    int rc = bib_buf_failed(&path) ? BIB_ENOMEM : drop_below(r, n, &path, 0);
    bib_buf_clear(&path);
    return rc;
}

/* One warning per dropped path, with its count of records (at the end). */
static void report_dropped(xml_stream *s)
{
    if (s->dropped_reported)
        return;
    s->dropped_reported = true;
    for (size_t i = 0; i <= MAX_DROPPED_PATHS; i++) {
        dropped_path *d = &s->dropped[i];
        if (d->path && d->records)
            bib_input_report(s->in, BIB_SEV_WARNING, 0, 0,
                             "element '%s' not read in %zu record%s: the record has no place "
                             "for it",
                             d->path, d->records, d->records == 1 ? "" : "s");
    }
}

/* ---- the record loop ------------------------------------------------------ */

int xml_stream_open(bib_reader *rd, bib_input *in, const xml_dialect *d, xml_build_fn build,
                    const char *const *roots)
{
    xml_reader_state *st = bib_reader_state(rd);
    xml_stream *s = calloc(1, sizeof *s);
    if (!s)
        return BIB_ENOMEM;
    st->s = s;
    s->in = in;
    s->rd = rd;
    s->d = d;
    s->build = build;
    s->roots = roots;
    xmlInitParser();
    s->saved_loader = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(no_loader);
    s->loader_set = true;
    /* libxml2's SAX2 handlers for the prolog and the DTD subset (entity
     * declarations, which the parser needs to check references), ours
     * for the content; comments and processing instructions are not kept */
    xmlSAXHandler sax;
    memset(&sax, 0, sizeof sax);
    xmlSAXVersion(&sax, 2);
    sax.startElementNs = on_start;
    sax.endElementNs = on_end;
    sax.characters = on_text;
    sax.ignorableWhitespace = on_text;
    sax.cdataBlock = on_text;
    sax.reference = on_reference;
    sax.comment = NULL;
    sax.processingInstruction = NULL;
    sax.serror = on_error;
    /* no URL: diagnostics name the input themselves */
    s->ctxt = xmlCreatePushParserCtxt(&sax, NULL, NULL, 0, NULL);
    if (!s->ctxt) {
        bib_input_report(in, BIB_SEV_ERROR, 0, 0, "cannot start the XML parser");
        return BIB_ENOMEM;
    }
    s->ctxt->_private = s;
    /* NONET and nothing that loads or substitutes (see the header comment) */
    xmlCtxtUseOptions(s->ctxt, XML_PARSE_NONET | XML_PARSE_NOCDATA);
    return 0;
}

void xml_stream_close(bib_reader *rd)
{
    xml_reader_state *st = bib_reader_state(rd);
    xml_stream *s = st->s;
    if (!s)
        return;
    free_pending(s);
    if (s->ctxt) {
        if (s->ctxt->myDoc)
            xmlFreeDoc(s->ctxt->myDoc); /* the DTD subset and its entities */
        s->ctxt->myDoc = NULL;
        xmlFreeParserCtxt(s->ctxt);
    }
    if (s->loader_set)
        xmlSetExternalEntityLoader(s->saved_loader);
    report_dropped(s);
    for (size_t i = 0; i <= MAX_DROPPED_PATHS; i++)
        free(s->dropped[i].path);
    free(s);
    st->s = NULL;
}

/* Ends the input after a fatal error, making sure something was said. */
static int fail(xml_stream *s, const char *what)
{
    s->done = true;
    report_dropped(s);
    if (s->oom) {
        bib_input_report(s->in, BIB_SEV_ERROR, 0, 0, "out of memory");
        return BIB_ENOMEM;
    }
    if (!s->reports && !s->io_error) {
        size_t line, col;
        position(s, &line, &col);
        if (s->generic.len)
            bib_input_report(s->in, BIB_SEV_ERROR, line, col, "%s: %s", what, s->generic.text);
        else
            bib_input_report(s->in, BIB_SEV_ERROR, line, col, "%s", what);
    }
    bib_input_report(s->in, BIB_SEV_ERROR, 0, 0,
                     "the rest of the input is not read (an XML error is fatal)");
    return s->io_error ? BIB_EIO : BIB_EPARSE;
}

/* Builds the record of the record element n. Returns 1, BIB_EPARSE
 * (reported: the record is dropped) or BIB_ENOMEM. */
static int build_one(xml_stream *s, xml_node *n, block *blocks, bib_record **out)
{
    xml_rec r;
    memset(&r, 0, sizeof r);
    r.in = s->in;
    r.stream = s;
    r.d = s->d;
    s->serial++;
    r.cls = XC_ALL;
    r.line = n->line;
    bib_buf_init(&r.text);
    bib_buf_init(&r.scratch);
    r.rec = bib_record_new(BIB_TYPE_UNKNOWN, NULL);
    int rc = r.rec ? 0 : BIB_ENOMEM;
    if (!rc)
        rc = bib_record_set_origin(r.rec, bib_input_name(s->in), r.line);
    if (!rc)
        rc = s->build(&r, n);
    if (!rc && (bib_buf_failed(&r.text) || bib_buf_failed(&r.scratch)))
        rc = BIB_ENOMEM; /* a value was cut short: the buffers keep the failure */
    if (!rc && r.too_long)
        rc = BIB_EPARSE;
    if (!rc && r.entity_seen && !s->entity_warned) {
        s->entity_warned = true;
        bib_input_report(s->in, BIB_SEV_WARNING, r.line, 0,
                         "an entity reference is kept as written: entities other than the "
                         "predefined ones are never expanded");
    }
    free(r.year);
    free(r.pubdate);
    free(r.genre);
    free(r.host_genre);
    bib_buf_clear(&r.text);
    bib_buf_clear(&r.scratch);
    /* the tree first: texts the record adopted are only borrowed by it */
    free_tree(n, blocks);
    if (rc) {
        bib_record_free(r.rec);
        if (rc == BIB_ENOMEM)
            bib_input_report(s->in, BIB_SEV_ERROR, r.line, 0, "out of memory");
        return rc == BIB_ENOMEM ? rc : BIB_EPARSE;
    }
    *out = r.rec;
    return 1;
}

/* Hands libxml2 the next chunk of the input, or the end. */
static void push(xml_stream *s)
{
    const char *d;
    size_t n;
    if (bib_input_window(s->in, 1, &d, &n) < 0) {
        s->io_error = true;
        s->eof = true;
        return;
    }
    int ret;
    xml_libmsg_take(&s->generic);
    if (n == 0) {
        s->eof = true;
        ret = xmlParseChunk(s->ctxt, NULL, 0, 1);
    } else {
        size_t k = n < PUSH_CHUNK ? n : PUSH_CHUNK;
        ret = xmlParseChunk(s->ctxt, d, (int)k, 0);
        bib_input_consume(s->in, k);
        /* libxml2's push parser takes a CDATA section 300 bytes a call:
         * drain what was pushed, or a long section piles up in its input
         * buffer (up to its 10,000,000-byte look-up limit) */
        xmlParserInputPtr in = s->ctxt->input;
        while (s->ctxt->instate == XML_PARSER_CDATA_SECTION && in &&
               in->end - in->cur > 1024) {
            size_t at = (size_t)in->consumed + (size_t)(in->cur - in->base);
            if (xmlParseChunk(s->ctxt, NULL, 0, 0) == XML_ERR_INVALID_ENCODING)
                ret = XML_ERR_INVALID_ENCODING;
            in = s->ctxt->input;
            if (!in || (size_t)in->consumed + (size_t)(in->cur - in->base) == at)
                break;
        }
        /* halted before the end: an error, which may not have been
         * reported (an encoding failure only goes to libxml2's generic
         * error channel) */
        if (s->ctxt->instate == XML_PARSER_EOF)
            s->fatal = true;
    }
    xml_libmsg_give_back(&s->generic);
    if (ret == XML_ERR_INVALID_ENCODING)
        s->fatal = true;
    if (s->ctxt->errNo == XML_ERR_NO_MEMORY)
        s->oom = true; /* libxml2 halts without touching wellFormed */
}

int xml_stream_next(bib_reader *rd, bib_record **out)
{
    xml_reader_state *st = bib_reader_state(rd);
    xml_stream *s = st->s;
    if (!s || !s->ctxt)
        return 0;
    for (;;) {
        if (s->head) {
            pending_rec *p = s->head;
            s->head = p->next;
            if (!s->head)
                s->tail = NULL;
            xml_node *root = p->root;
            block *blocks = p->blocks;
            free(p);
            if (!root) {
                free_blocks(blocks);
                return BIB_EPARSE; /* too long: reported */
            }
            return build_one(s, root, blocks, out);
        }
        if (s->done) {
            report_dropped(s);
            return 0;
        }
        if (s->root_bad) {
            s->done = true;
            return BIB_EPARSE;
        }
        if (s->oom || s->fatal || s->io_error || !s->ctxt->wellFormed)
            return fail(s, s->cur || s->dropping ? "invalid XML in a record" : "invalid XML");
        if (s->eof) {
            s->done = true;
            report_dropped(s);
            if (!s->root_seen) {
                bib_input_report(s->in, BIB_SEV_ERROR, 0, 0, "no XML element in the input");
                return BIB_EPARSE;
            }
            return 0;
        }
        push(s);
    }
}
