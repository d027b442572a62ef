/* SPDX-License-Identifier: MIT */
/*
 * xml_read.c - the reader machinery both formats of the xml module share:
 * libxml2's xmlTextReader over a bib_input, the record loop, the walk of
 * one record through a crosswalk table, and the element text.
 *
 * Streaming. libxml2 pulls bytes through io_read, which copies them out of
 * the bib_input window and consumes them, so the input buffer stays small.
 * The loop reads nodes until a record element (<record>, <mods>), expands
 * that one element into a small tree (xmlTextReaderExpand), builds the
 * record from it, and skips past it (xmlTextReaderNext), which lets the
 * reader free the subtree: memory holds one record.
 *
 * Security (docs/xml.md, "Security"). The parser runs with XML_PARSE_NONET
 * and without XML_PARSE_NOENT, XML_PARSE_DTDLOAD, XML_PARSE_DTDATTR,
 * XML_PARSE_DTDVALID and XML_PARSE_HUGE: no DTD is loaded, no external
 * entity is fetched, no entity is substituted, and libxml2 keeps its own
 * limits (256 levels of nesting, 10 MB per text node, entity amplification
 * checks): --max-value bounds element text below 10 MB, never above
 * (libxml2 2.9's XML_PARSE_HUGE would also switch the amplification check
 * off). The external entity loader is replaced, while a file is read,
 * by one that refuses every resource. An entity reference left in the text
 * (an internal entity of the document's own DTD subset) is kept as written,
 * "&name;", with a warning; predefined and character entities are plain
 * text already. Element text is bounded by the input's value bound
 * (bib_input_max_value).
 *
 * Errors. A well-formedness error is fatal in XML: libxml2's message is
 * reported at its line and column, the records read so far are kept and
 * the rest of the input is lost (the reader returns BIB_EPARSE, then the
 * end). A record whose text passes the bound is dropped alone.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/xmlreader.h>

#include "xmlfmt.h"

enum { MAX_REPORTS = 20, MAX_TEXT_DEPTH = 64, MAX_DROPPED_PATHS = 64 };

/* An element path the reader dropped, and in how many records. */
typedef struct dropped_path {
    char *path;
    size_t records;
    size_t last; /* serial of the last record counted */
} dropped_path;

struct xml_stream {
    bib_input *in;
    bib_reader *rd;
    xmlTextReaderPtr xr;
    const xml_dialect *d;
    xml_build_fn build;
    const char *const *roots;
    xmlExternalEntityLoader saved_loader;
    bool loader_set;
    bool pending;      /* the reader stands on a node not yet looked at */
    bool done;
    bool root_seen;
    bool io_error;
    unsigned reports;  /* libxml2 errors reported */
    char last[160];    /* the last one, to drop libxml2's repeats */
    int last_line, last_col;
    bool entity_warned;
    /* dropped elements (xml_drop): distinct paths, bounded so that a
     * hostile input cannot make the lookup quadratic; past the bound they
     * are counted under one "other" row */
    dropped_path dropped[MAX_DROPPED_PATHS + 1];
    size_t ndropped;
    size_t serial; /* records built so far */
    bool dropped_reported;
};

/* ---- input -------------------------------------------------------------- */

/* libxml2's read callback: the next bytes of the bib_input. Returns the
 * count, 0 at the end, -1 on a read error (already reported by bib_input). */
static int io_read(void *ctx, char *buf, int len)
{
    xml_stream *s = ctx;
    const char *d;
    size_t n;
    if (len <= 0)
        return 0;
    if (bib_input_window(s->in, 1, &d, &n) < 0) {
        s->io_error = true;
        return -1;
    }
    size_t k = n < (size_t)len ? n : (size_t)len;
    memcpy(buf, d, k);
    bib_input_consume(s->in, k);
    return (int)k;
}

static int io_close(void *ctx)
{
    (void)ctx;
    return 0;
}

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
    xml_stream *s = ctx;
    if (!e || e->level == XML_ERR_NONE)
        return;
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
    /* libxml2's cap on one text node is below --max-value's default and
     * the option cannot raise it: lifting it (XML_PARSE_HUGE) also lifts
     * libxml2 2.9's entity-amplification check (docs/xml.md, "Security
     * and limits") */
    const char *hint = strstr(msg, "huge text node")
                           ? " (an element's text longer than 10,000,000 bytes, libxml2's "
                             "limit; --max-value cannot raise it for XML, see docs/xml.md)"
                           : "";
    bib_input_report(s->in, sev, e->line > 0 ? (size_t)e->line : 0,
                     e->int2 > 0 ? (size_t)e->int2 : 0, "invalid XML: %s%s", msg, hint);
}

/* ---- text --------------------------------------------------------------- */

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static void gather(xml_rec *r, xmlNodePtr n, int depth, size_t max)
{
    for (xmlNodePtr c = n->children; c && !r->too_long; c = c->next) {
        switch (c->type) {
        case XML_TEXT_NODE:
        case XML_CDATA_SECTION_NODE:
            if (c->content)
                bib_buf_puts(&r->text, (const char *)c->content);
            break;
        case XML_ENTITY_REF_NODE:
            /* never expanded: the children of an entity reference are the
             * entity's own content (a billion-laughs chain) */
            bib_buf_putc(&r->text, '&');
            bib_buf_puts(&r->text, (const char *)c->name);
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

const char *xml_text(xml_rec *r, xmlNodePtr n, size_t *len)
{
    bib_buf_reset(&r->text);
    const char *s;
    size_t l;
    xmlNodePtr c = n->children;
    if (c && !c->next && (c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
        c->content && !strchr((const char *)c->content, '\n')) {
        /* the common case, one text without a line end, is read from the
         * tree: a copy would hold a long value once more besides
         * libxml2's two (input buffer, tree) and the record's */
        s = (const char *)c->content;
        l = strlen(s);
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

const char *xml_child_text(xml_rec *r, xmlNodePtr n, const char *name, size_t *len)
{
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, name) == 0)
            return xml_text(r, c, len);
    *len = 0;
    return NULL;
}

const char *xml_attr(xmlNodePtr n, const char *name)
{
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        if (strcmp((const char *)a->name, name) != 0)
            continue;
        xmlNodePtr t = a->children;
        return t && t->type == XML_TEXT_NODE && t->content ? (const char *)t->content : "";
    }
    return NULL;
}

void xml_report(xml_rec *r, xmlNodePtr n, bib_severity sev, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    long line = n ? xmlGetLineNo(n) : -1;
    bib_input_report(r->in, sev, line > 0 ? (size_t)line : r->line, 0, "%s", msg);
}

/* ---- paths -------------------------------------------------------------- */

static int compile_step(xml_step *st, const char *s, size_t n)
{
    memset(st, 0, sizeof *st);
    const char *at = memchr(s, '@', n);
    size_t nl = at ? (size_t)(at - s) : n;
    if (nl == 0 || nl >= sizeof st->name)
        return -1;
    memcpy(st->name, s, nl);
    if (!at)
        return 0;
    const char *eq = memchr(at, '=', n - nl);
    if (!eq)
        return -1;
    size_t al = (size_t)(eq - at - 1), vl = n - nl - al - 2;
    if (al == 0 || al >= sizeof st->attr || vl >= sizeof st->value)
        return -1;
    memcpy(st->attr, at + 1, al);
    memcpy(st->value, eq + 1, vl);
    return 0;
}

static int compile_path(const char *path, xml_cpath *out)
{
    out->n = 0;
    const char *p = path;
    while (*p) {
        const char *e = strchr(p, '/');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (out->n >= XML_MAX_STEPS || compile_step(&out->step[out->n], p, n) < 0)
            return -1;
        out->n++;
        p += n;
        if (*p == '/')
            p++;
    }
    return out->n ? 0 : -1;
}

int xml_compile_paths(const xml_row *rows, size_t nrows, xml_cpath *out)
{
    for (size_t i = 0; i < nrows; i++)
        if (compile_path(rows[i].path, &out[i]) < 0)
            return -1;
    return 0;
}

int xml_compile_one(const char *path, xml_cpath *out)
{
    return compile_path(path, out);
}

static bool step_matches(const xml_step *st, xmlNodePtr n)
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

static const xml_row *find_row(xml_rec *r, xmlNodePtr *stack, int depth)
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
static void put_step(bib_buf *b, xmlNodePtr n)
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
static void path_name(bib_buf *b, xmlNodePtr *stack, int depth)
{
    bib_buf_reset(b);
    for (int k = 0; k < depth; k++) {
        if (k)
            bib_buf_putc(b, '/');
        put_step(b, stack[k]);
    }
}

static bool has_element_child(xmlNodePtr n)
{
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return true;
    return false;
}

static int walk(xml_rec *r, xmlNodePtr parent, xmlNodePtr *stack, int depth, xml_map_fn map)
{
    for (xmlNodePtr c = parent->children; c && !r->too_long; c = c->next) {
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
                char *v = malloc(len + 1);
                if (!v)
                    return BIB_ENOMEM;
                memcpy(v, t, len);
                v[len] = '\0';
                path_name(&r->scratch, stack, depth + 1);
                rc = bib_record_add_extra(r->rec, r->d->format, r->scratch.data, v, len);
                free(v);
            }
        }
        if (rc < 0)
            return rc;
    }
    return 0;
}

int xml_walk(xml_rec *r, xmlNodePtr record, xml_map_fn map)
{
    xmlNodePtr stack[XML_MAX_STEPS];
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
static int drop_below(xml_rec *r, xmlNodePtr n, bib_buf *path, int depth)
{
    size_t mark = path->len;
    if (path->len)
        bib_buf_putc(path, '/');
    put_step(path, n);
    int rc = 0;
    if (bib_buf_failed(path)) {
        rc = BIB_ENOMEM;
    } else if (has_element_child(n)) {
        for (xmlNodePtr c = n->children; c && !rc; c = c->next)
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

int xml_drop(xml_rec *r, xmlNodePtr n)
{
    if (!r->stream || !r->stack || r->depth <= 0)
        return 0;
    xmlNodePtr top = r->stack[r->depth - 1];
    /* the steps from the row's element down to n's parent */
    xmlNodePtr chain[MAX_TEXT_DEPTH];
    int k = 0;
    for (xmlNodePtr p = n; p && p != top && k < MAX_TEXT_DEPTH; p = p->parent)
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

/* ---- the plain kinds ------------------------------------------------------ */

/* Sets or appends a text value, as rich text for the title variables. */
static int put_text(xml_rec *r, bib_var var, const char *s, size_t len, bool append)
{
    if (bib_var_kind(var) == BIB_KIND_RICH) {
        bib_buf_reset(&r->scratch);
        if (bib_rich_from_plain(&r->scratch, s, len) < 0)
            return BIB_ENOMEM;
        s = r->scratch.data;
        len = r->scratch.len;
    }
    return append ? bib_record_add_text(r->rec, var, s, len)
                  : bib_record_set_text(r->rec, var, s, len);
}

/* s[0..len) kept as an extra of the record under the row's path. */
static int keep_extra(xml_rec *r, const xml_row *row, const char *s, size_t len)
{
    char *v = strndup(s, len);
    if (!v)
        return BIB_ENOMEM;
    int rc = bib_record_add_extra(r->rec, r->d->format, row->path, v, len);
    free(v);
    return rc;
}

/* A second value of a one-value variable: kept as an extra under the
 * row's path unless it repeats the first. */
static int keep_repeat(xml_rec *r, const xml_row *row, const char *s, size_t len)
{
    const char *have = bib_record_text(r->rec, row->var);
    if (have && strlen(have) == len && memcmp(have, s, len) == 0)
        return 0;
    return keep_extra(r, row, s, len);
}

static bool plain_single(const bib_date *d)
{
    return d && d->nparts == 1 && d->parts[0].has_year && !d->literal && !d->raw && !d->circa;
}

/* a is b or b with less precision (2003 of January 2003) */
static bool coarser_or_same(const bib_date_part *a, const bib_date_part *b)
{
    return a->year == b->year &&
           (!a->month || (a->month == b->month && (!a->day || a->day == b->day))) &&
           (!a->season || a->season == b->season);
}

/* A second date of a date variable (have): MODS's point="end" closes a
 * range; a date that only adds precision (a host's "Jan. 2003" after
 * dateIssued 2003) replaces it; one that says less, or the same, is not
 * news; any other is kept as an extra under the row's path (docs/xml.md). */
static int second_date(xml_rec *r, const xml_row *row, xmlNodePtr n, const bib_date *have,
                       const bib_date *d, const char *s, size_t len)
{
    const char *point = xml_attr(n, "point");
    if (plain_single(have) && plain_single(d)) {
        const bib_date_part *a = &have->parts[0], *b = &d->parts[0];
        if (point && strcmp(point, "end") == 0) {
            bib_date range = {.nparts = 2, .parts = {*a, *b}};
            return bib_record_set_date(r->rec, row->var, &range);
        }
        if (coarser_or_same(b, a))
            return 0;
        if (coarser_or_same(a, b))
            return bib_record_set_date(r->rec, row->var, d);
    } else if (have && have->nparts == 2 && plain_single(d) &&
               (coarser_or_same(&d->parts[0], &have->parts[0]) ||
                coarser_or_same(&d->parts[0], &have->parts[1]))) {
        return 0; /* an end of the range already read */
    }
    return keep_extra(r, row, s, len);
}

static size_t doi_start(const char *s, size_t len)
{
    static const char *const pre[] = {"https://doi.org/", "http://doi.org/",
                                      "https://dx.doi.org/", "http://dx.doi.org/",
                                      "doi:", "DOI:", "doi: ", "DOI: "};
    for (size_t i = sizeof pre / sizeof pre[0]; i-- > 0;) {
        size_t n = strlen(pre[i]);
        if (len > n && strncmp(s, pre[i], n) == 0)
            return n;
    }
    return 0;
}

int xml_map_plain(xml_rec *r, const xml_row *row, xmlNodePtr n)
{
    size_t len;
    const char *s;
    switch (row->kind) {
    case XK_TEXT:
    case XK_DOI:
        s = xml_text(r, n, &len);
        if (!len)
            return 0;
        if (row->kind == XK_DOI) {
            size_t k = doi_start(s, len);
            s += k;
            len -= k;
        }
        if (bib_record_has(r->rec, row->var))
            return keep_repeat(r, row, s, len);
        return put_text(r, row->var, s, len, false);
    case XK_LIST:
        s = xml_text(r, n, &len);
        return len ? put_text(r, row->var, s, len, true) : 0;
    case XK_DATE: {
        s = xml_text(r, n, &len);
        if (!len)
            return 0;
        bib_date d;
        int rc = bib_date_parse(&d, s, len, BIB_DATE_ANY);
        if (rc == BIB_ENOMEM)
            return rc;
        const bib_field *f = bib_record_get(r->rec, row->var);
        rc = f ? second_date(r, row, n, bib_field_date(f), &d, s, len)
               : bib_record_set_date(r->rec, row->var, &d);
        bib_date_clear(&d);
        return rc;
    }
    case XK_ID:
        s = xml_text(r, n, &len);
        if (!len || bib_record_id(r->rec))
            return 0;
        {
            char *v = strndup(s, len);
            if (!v)
                return BIB_ENOMEM;
            int rc = bib_record_set_id(r->rec, v);
            free(v);
            return rc;
        }
    default:
        return 1;
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
    /* NONET and nothing that loads or substitutes (see the header comment) */
    int opts = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_COMPACT;
    /* no URL: diagnostics name the input themselves, and libxml2 2.9
     * leaks the input stream when copying the URL fails */
    s->xr = xmlReaderForIO(io_read, io_close, s, NULL, NULL, opts);
    if (!s->xr) {
        bib_input_report(in, BIB_SEV_ERROR, 0, 0, "cannot start the XML parser");
        return BIB_ENOMEM;
    }
    xmlTextReaderSetStructuredErrorHandler(s->xr, on_error, s);
    return 0;
}

void xml_stream_close(bib_reader *rd)
{
    xml_reader_state *st = bib_reader_state(rd);
    xml_stream *s = st->s;
    if (!s)
        return;
    if (s->xr)
        xmlFreeTextReader(s->xr);
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
    if (!s->reports && !s->io_error) {
        size_t line = (size_t)xmlTextReaderGetParserLineNumber(s->xr);
        size_t col = (size_t)xmlTextReaderGetParserColumnNumber(s->xr);
        bib_input_report(s->in, BIB_SEV_ERROR, line, col, "%s", what);
    }
    bib_input_report(s->in, BIB_SEV_ERROR, 0, 0,
                     "the rest of the input is not read (an XML error is fatal)");
    return s->io_error ? BIB_EIO : BIB_EPARSE;
}

static bool root_ok(xml_stream *s, const char *name)
{
    for (size_t i = 0; s->roots[i]; i++)
        if (strcmp(s->roots[i], name) == 0)
            return true;
    return false;
}

/* Builds the record of the expanded element n. Returns 1, BIB_EPARSE
 * (reported: the record is dropped) or BIB_ENOMEM. */
static int build_one(xml_stream *s, xmlNodePtr n, bib_record **out)
{
    xml_rec r;
    memset(&r, 0, sizeof r);
    r.in = s->in;
    r.stream = s;
    r.d = s->d;
    s->serial++;
    r.cls = XC_ALL;
    r.line = (size_t)xmlGetLineNo(n);
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
    if (rc) {
        bib_record_free(r.rec);
        if (rc == BIB_ENOMEM)
            bib_input_report(s->in, BIB_SEV_ERROR, r.line, 0, "out of memory");
        return rc == BIB_ENOMEM ? rc : BIB_EPARSE;
    }
    *out = r.rec;
    return 1;
}

int xml_stream_next(bib_reader *rd, bib_record **out)
{
    xml_reader_state *st = bib_reader_state(rd);
    xml_stream *s = st->s;
    if (!s || !s->xr)
        return 0;
    if (s->done) {
        report_dropped(s);
        return 0;
    }
    for (;;) {
        int ret = 1;
        if (!s->pending)
            ret = xmlTextReaderRead(s->xr);
        s->pending = false;
        if (ret < 0)
            return fail(s, "invalid XML");
        if (ret == 0) {
            s->done = true;
            report_dropped(s);
            if (s->io_error)
                return BIB_EIO;
            if (!s->root_seen) {
                bib_input_report(s->in, BIB_SEV_ERROR, 0, 0, "no XML element in the input");
                return BIB_EPARSE;
            }
            return 0;
        }
        if (xmlTextReaderNodeType(s->xr) != XML_READER_TYPE_ELEMENT)
            continue;
        const char *name = (const char *)xmlTextReaderConstLocalName(s->xr);
        if (!name)
            continue;
        if (!s->root_seen) {
            s->root_seen = true;
            if (!root_ok(s, name)) {
                s->done = true;
                xmlNodePtr cur = xmlTextReaderCurrentNode(s->xr);
                long line = cur ? xmlGetLineNo(cur) : -1;
                bib_input_report(s->in, BIB_SEV_ERROR, line > 0 ? (size_t)line : 0, 0,
                                 "the root element <%s> is not one of %s", name,
                                 s->d->record_name[0] == 'r' ? "EndNote XML's <xml>"
                                                             : "MODS's <modsCollection>, <mods>");
                return BIB_EPARSE;
            }
        }
        if (strcmp(name, s->d->record_name) != 0)
            continue;
        xmlNodePtr n = xmlTextReaderExpand(s->xr);
        if (!n)
            return fail(s, "invalid XML in a record");
        int rc = build_one(s, n, out);
        ret = xmlTextReaderNext(s->xr);
        if (ret < 0) {
            if (rc == 1) {
                bib_record_free(*out);
                *out = NULL;
            }
            return fail(s, "invalid XML after a record");
        }
        if (ret == 0)
            s->done = true;
        else
            s->pending = true;
        return rc;
    }
}
