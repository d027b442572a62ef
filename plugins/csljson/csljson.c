/* SPDX-License-Identifier: MIT */
/*
 * csljson.c - the csljson module: CSL-JSON (a JSON array of CSL items, or a
 * single item object) and csljsonl (JSON Lines: one item per line).
 *
 * Streaming: the array reader never holds more than one element. It scans
 * the bytes for the extent of the next top-level element (strings, escapes
 * and bracket depth tracked) and maps that slice into a record without a
 * DOM (cj_read.c); an element that path does not take is decoded alone
 * with json_loadb, shifting jansson's line/column by the slice's start, so
 * a bad element is reported at its real place and skipped while the others
 * convert. Reader option parser=jansson reads every element through
 * jansson (the oracle the DOM-free path is compared with). The
 * writers emit one item at a time. The mapping itself is the cslitem
 * library of this directory (cslitem.h), shared with the yaml plugin.
 *
 * Not for: CSL semantics (plugins/csljson/cslitem_*.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "bibconv/buf.h"
#include "cj_read.h"
#include "cj_scan.h"
#include "cslitem.h"
#include "bibconv/plugin.h"

/* ---- reader ---------------------------------------------------------------- */

typedef enum { ST_START, ST_ARRAY, ST_SINGLE_DONE, ST_END } rd_state;

typedef struct csl_reader {
    bib_input *in;
    rd_state st;
    bool lines; /* csljsonl */
    bool first; /* no element read yet in the array */
    json_t *pending; /* items of a top-level object-of-items, drained one by one */
    void *pend_iter; /* the next of them (jansson iterator), NULL after the last */
    size_t pend_line, pend_col;
    bool dom; /* parser=jansson: no DOM-free path */
    cj_reader cj;
} csl_reader;

/* An object none of whose keys CSL-JSON knows ({"foo": 1}, a forced
 * -f csljson on other JSON) reads as a record of extras only, which a
 * writer would emit as an empty entry ('@misc{anon}'): refused, naming its
 * keys, so the input's loss is said. `whole`: the object is the whole
 * input. Returns BIB_EPARSE (reported, *out freed), or 1. */
static int refuse_keyless(csl_reader *r, bool whole, size_t line, size_t col, bib_record **out)
{
    const bib_record *rec = *out;
    const char *id = bib_record_id(rec);
    bib_type t = bib_record_type(rec);
    if ((id && *id) || t != BIB_TYPE_UNKNOWN ||
        bib_record_field_count(rec) != 0)
        return 1;
    bib_buf keys;
    bib_buf_init(&keys);
    size_t n = bib_record_extra_count(rec), shown = 0;
    bool items = false;
    for (size_t i = 0; i < n; i++) {
        const char *fmt, *name;
        if (bib_record_extra_at(rec, i, &fmt, &name, NULL, NULL) < 0 || strcmp(fmt, "csljson"))
            continue;
        if (strncmp(name, "@raw:", 5) == 0)
            name += 5;
        items = items || strcmp(name, "items") == 0;
        if (shown++ < 4)
            bib_buf_printf(&keys, "%s'%s'", shown > 1 ? ", " : "", name);
        else if (shown == 5)
            bib_buf_puts(&keys, ", ...");
    }
    if (!shown) /* nothing but another format's extras: an item all the same */
        return 1;
    if (whole)
        bib_input_report(r->in, BIB_SEV_ERROR, line, col,
                         "the input is a JSON object without any CSL-JSON key (no id, type or "
                         "CSL variable; its keys: %s): not a CSL-JSON item%s",
                         keys.data, items ? " (an export with an \"items\" array? try -f "
                                            "zoterojson)" : "");
    else
        bib_input_report(r->in, BIB_SEV_ERROR, line, col,
                         "object without any CSL-JSON key (no id, type or CSL variable; its "
                         "keys: %s): not a CSL-JSON item, skipped", keys.data);
    bib_buf_clear(&keys);
    bib_record_free(*out);
    *out = NULL;
    return BIB_EPARSE;
}

/* The end of decode_item once an item went through either path (rc as
 * bib_cslitem_from_json returns it): 1 with *out, or the error. */
static int converted(csl_reader *r, int rc, size_t line, size_t col, bib_record **out)
{
    if (rc == BIB_EPARSE)
        return rc;
    if (rc < 0) {
        bib_input_report(r->in, BIB_SEV_ERROR, line, col, "cannot convert item: %s",
                         bib_status_text(rc));
        return rc;
    }
    if (refuse_keyless(r, r->st == ST_START, line, col, out) < 0)
        return BIB_EPARSE;
    bib_record_set_origin(*out, bib_input_name(r->in), line);
    return 1;
}

/* Reports the NUL byte at d (a window pointer) and why it is refused; the
 * hint is for one inside an item, which may be meant as a string's. */
static void report_nul(bib_input *in, const char *d, const char *where)
{
    size_t line, col;
    bib_input_position_of(in, d, &line, &col);
    bool item = strstr(where, "item") != NULL;
    bib_input_report(in, BIB_SEV_ERROR, line, col, "NUL byte %s: JSON allows none%s", where,
                     item ? " (nor can a value hold one, as \\u0000 either)" : "");
}

/* Decodes the value of `len` bytes at the window start, converts it, and
 * consumes it; nul is the offset of a NUL byte in it or -1 (cj_value_extent).
 * `tokenized`: r->cj.toks already holds its tokens (item_tokens).
 * Returns 1 with *out, or BIB_EPARSE (reported). */
static int decode_item(csl_reader *r, const char *d, size_t len, long nul, bool tokenized,
                       bib_record **out)
{
    if (nul >= 0) {
        report_nul(r->in, d + nul, "in this item (skipped)");
        bib_input_consume(r->in, len);
        return BIB_EPARSE;
    }
    size_t line, col;
    bib_input_position_of(r->in, d, &line, &col);
    int rc;
    if (!r->dom) {
        bib_cslitem_ctx fctx = {r->in, line, col, 0};
        r->cj.whole_input = r->st == ST_START;
        rc = tokenized ? cj_read_tokens(&r->cj, d, len, &fctx, out)
                       : cj_read_item(&r->cj, d, len, &fctx, out);
        if (rc == CJ_REFUSED) { /* jansson's error, without jansson */
            json_error_t err;
            cj_refusal(&r->cj.toks, d, &err);
            bib_input_consume(r->in, len);
            bib_input_trim(r->in);
            cj_report_json_error(r->in, &err, line, col);
            return BIB_EPARSE;
        }
        if (rc != CJ_FALLBACK) {
            bib_input_consume(r->in, len);
            bib_input_trim(r->in); /* a long item's window is not kept while it is written */
            return converted(r, rc, line, col, out);
        }
    }
    json_error_t err;
    bool oom;
    json_t *j = bib_cslitem_loadb(d, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err, &oom);
    bib_input_consume(r->in, len);
    bib_input_trim(r->in);
    if (!j) {
        if (oom)
            return converted(r, BIB_ENOMEM, line, col, out);
        cj_report_json_error(r->in, &err, line, col);
        return BIB_EPARSE;
    }
    bib_cslitem_ctx ctx = {r->in, line, col, 0};
    if (json_is_object(j) && !json_object_get(j, "id") && !json_object_get(j, "type") &&
        json_object_size(j) > 0 && r->st == ST_START) {
        /* an object keyed by item number, as some converters write: read
         * its values as items (whole object already in memory) */
        bool all = true;
        const char *k;
        json_t *v;
        json_object_foreach(j, k, v) all = all && json_is_object(v);
        if (all) {
            bib_input_report(r->in, BIB_SEV_WARNING, line, col,
                             "top-level object of items, not a CSL-JSON array; reading its "
                             "values as items");
            r->pending = j;
            r->pend_iter = json_object_iter(j);
            r->pend_line = line;
            r->pend_col = col;
            return 0;
        }
    }
    rc = bib_cslitem_from_json(out, j, &ctx);
    json_decref(j);
    return converted(r, rc, line, col, out);
}

/* The next value of a top-level object of items; its records carry the
 * object's line (jansson keeps no position for the values inside). */
static int next_pending(csl_reader *r, bib_record **out)
{
    if (!r->pend_iter) {
        json_decref(r->pending);
        r->pending = NULL;
        return 0;
    }
    json_t *v = json_object_iter_value(r->pend_iter);
    r->pend_iter = json_object_iter_next(r->pending, r->pend_iter);
    bib_cslitem_ctx ctx = {r->in, r->pend_line, r->pend_col, 0};
    int rc = bib_cslitem_from_json(out, v, &ctx);
    if (rc < 0)
        return rc;
    if (refuse_keyless(r, false, r->pend_line, r->pend_col, out) < 0)
        return BIB_EPARSE;
    bib_record_set_origin(*out, bib_input_name(r->in), r->pend_line);
    return 1;
}

static int reader_open(bib_reader *rd, bib_input *in, const bib_options *opts)
{
    csl_reader *r = bib_reader_state(rd);
    r->in = in;
    const char *parser = bib_options_get(opts, "parser");
    r->dom = parser && strcmp(parser, "jansson") == 0;
    cj_reader_init(&r->cj);
    r->cj.rd = rd;
    r->lines = strcmp(bib_reader_format(rd)->name, "csljsonl") == 0;
    r->st = ST_START;
    r->first = true;
    return 0;
}

static int next_line_item(csl_reader *r, bib_record **out)
{
    const char *line;
    size_t len;
    for (;;) {
        int rc = bib_input_getline(r->in, &line, &len);
        if (rc <= 0)
            return rc;
        size_t i = 0;
        while (i < len && cj_is_ws(line[i]))
            i++;
        if (i == len)
            continue;
        size_t ln = bib_input_last_line(r->in);
        const char *z = memchr(line, 0, len);
        if (z) { /* jansson would point next to it, inside a string */
            bib_input_report(r->in, BIB_SEV_ERROR, ln, (size_t)(z - line) + 1,
                             "NUL byte in this item (skipped): JSON allows none (inside a "
                             "string, write \\u0000)");
            return BIB_EPARSE;
        }
        bib_cslitem_ctx ctx = {r->in, ln, i + 1, 0};
        rc = r->dom ? CJ_FALLBACK : cj_read_item(&r->cj, line, len, &ctx, out);
        if (rc == CJ_REFUSED) { /* as in decode_item */
            json_error_t err;
            cj_refusal(&r->cj.toks, line, &err);
            cj_report_json_error(r->in, &err, ln, 1);
            return BIB_EPARSE;
        }
        if (rc == CJ_FALLBACK) {
            json_error_t err;
            bool oom;
            json_t *j = bib_cslitem_loadb(line, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
                                          &err, &oom);
            if (!j && !oom) {
                cj_report_json_error(r->in, &err, ln, 1);
                return BIB_EPARSE;
            }
            rc = j ? bib_cslitem_from_json(out, j, &ctx) : BIB_ENOMEM;
            json_decref(j);
        }
        bib_input_trim(r->in); /* as in decode_item */
        if (rc == 0 && refuse_keyless(r, false, ln, i + 1, out) < 0)
            return BIB_EPARSE;
        if (rc == 0) {
            bib_record_set_origin(*out, bib_input_name(r->in), ln);
            return 1;
        }
        if (rc != BIB_EPARSE)
            bib_input_report(r->in, BIB_SEV_ERROR, ln, 1, "cannot convert item: %s",
                             bib_status_text(rc));
        return rc;
    }
}

/* The item object at the read position tokenized in the pass that finds
 * its end (cj_tokenize_prefix), the window grown as cj_value_extent grows
 * it, so that a well-formed item is scanned once. Returns 1 with the
 * window in *d and the item's length in *len (r->cj.toks holds its
 * tokens), 0 when the item is for cj_value_extent and the jansson path
 * (not an object of the tokenizer's subset, cut by the end of input,
 * out of memory: that path finds its extent and words what is wrong), or
 * a negative status from the window (past the bound: reported). */
static int item_tokens(csl_reader *r, const char **d, size_t *len)
{
    size_t want = 0, max = bib_input_max_value(r->in);
    for (;;) {
        size_t n, end;
        int rc = bib_input_window(r->in, want, d, &n);
        if (rc < 0)
            return rc;
        /* within the bound's first bytes even when more is buffered: an
         * item longer than the bound is the window's error however the
         * input was cut into windows (-j) */
        size_t view = n > max ? max : n;
        rc = cj_tokenize_prefix(&r->cj.toks, *d, view, &end);
        if (rc == 0) {
            *len = end;
            return 1;
        }
        /* the input ended; or the item goes on past the bound, which
         * cj_value_extent reports and skips */
        if (rc != CJ_SHORT || (want && n < want) || view == max)
            return 0;
        want = bib_input_grow(r->in, view);
    }
}

/* What a state step returns besides reader_next's values: look again. */
enum { AGAIN = 2 };

/* A NUL byte at the read position, outside any value: reported at its
 * place and consumed; the caller's state goes on from the next byte. */
static int stray_nul(csl_reader *r, const char *where)
{
    const char *d;
    size_t n;
    if (bib_input_window(r->in, 0, &d, &n) < 0 || !n)
        return BIB_EIO;
    report_nul(r->in, d, where);
    bib_input_consume(r->in, 1);
    return BIB_EPARSE;
}

/* ST_START at byte c: '[' opens the array; '{' is a single item or an
 * object of items. */
static int at_start(csl_reader *r, int c, bib_record **out)
{
    if (c == CJ_PEEK_END)
        return 0; /* empty input: no items */
    if (c == '[') {
        bib_input_consume(r->in, 1);
        r->st = ST_ARRAY;
        return AGAIN;
    }
    if (c == '{') {
        const char *d;
        size_t tlen;
        int rc = r->dom ? 0 : item_tokens(r, &d, &tlen);
        if (rc > 0) {
            rc = decode_item(r, d, tlen, -1, true, out);
            r->st = ST_SINGLE_DONE;
            return rc == 0 && r->pending ? AGAIN : rc;
        }
        long nul;
        long len = rc < 0 ? rc : cj_value_extent(r->in, &d, &nul);
        if (len < 0) { /* past the bound (reported, skipped) or unreadable */
            r->st = ST_SINGLE_DONE;
            return (int)len;
        }
        if (len == 0) {
            bib_input_report(r->in, BIB_SEV_ERROR, bib_input_line(r->in),
                             bib_input_column(r->in), "unterminated JSON object");
            r->st = ST_END;
            return BIB_EPARSE;
        }
        rc = decode_item(r, d, (size_t)len, nul, false, out);
        r->st = ST_SINGLE_DONE;
        return rc == 0 && r->pending ? AGAIN : rc;
    }
    if (c == 0)
        return stray_nul(r, "where the CSL-JSON array '[' or an item object '{' should start");
    bib_input_report(r->in, BIB_SEV_ERROR, bib_input_line(r->in), bib_input_column(r->in),
                     "expected a CSL-JSON array '[' or an item object '{', found '%c'", c);
    r->st = ST_END;
    return BIB_EPARSE;
}

/* ST_ARRAY at byte c: the separators, the closing ']', then one element. */
static int in_array(csl_reader *r, int c, bib_record **out)
{
    const char *d;
    size_t n;
    if (c == CJ_PEEK_END) {
        bib_input_report(r->in, BIB_SEV_ERROR, bib_input_line(r->in), bib_input_column(r->in),
                         "unexpected end of input: the array is not closed with ']'");
        r->st = ST_END;
        return BIB_EPARSE;
    }
    if (c == ']') {
        bib_input_consume(r->in, 1);
        r->st = ST_SINGLE_DONE;
        return AGAIN;
    }
    if (c == 0)
        return stray_nul(r, "between the array's elements");
    if (c == ',') {
        if (r->first) {
            bib_input_report(r->in, BIB_SEV_ERROR, bib_input_line(r->in),
                             bib_input_column(r->in), "expected a value, found ','");
            r->first = false;
            bib_input_consume(r->in, 1);
            return BIB_EPARSE;
        }
        /* the comma and the blanks after it in one consume when the
         * window holds the next element's first byte (the usual
         * ",\n  {"), else byte by byte as cj_peek_nonws goes */
        size_t i = 1;
        n = 0;
        if (bib_input_window(r->in, 0, &d, &n) == 0)
            while (i < n && cj_is_ws(d[i]))
                i++;
        if (i < n) {
            bib_input_consume(r->in, i);
            c = (unsigned char)d[i];
        } else {
            bib_input_consume(r->in, 1);
            c = cj_peek_nonws(r->in);
        }
        if (c == ']') {
            bib_input_report(r->in, BIB_SEV_WARNING, bib_input_line(r->in),
                             bib_input_column(r->in), "trailing ',' before ']'");
            return AGAIN;
        }
    } else if (!r->first) {
        bib_input_report(r->in, BIB_SEV_ERROR, bib_input_line(r->in), bib_input_column(r->in),
                         "expected ',' or ']' after an item");
        /* resynchronise: treat it as the next element */
    }
    r->first = false;
    if (!r->dom) {
        size_t tlen;
        int rc = item_tokens(r, &d, &tlen);
        if (rc < 0)
            return rc;
        if (rc > 0)
            return decode_item(r, d, tlen, -1, true, out);
    }
    long nul;
    long len = cj_value_extent(r->in, &d, &nul);
    if (len < 0)
        return (int)len;
    if (len == 0) {
        bib_input_report(r->in, BIB_SEV_ERROR, bib_input_line(r->in), bib_input_column(r->in),
                         "unexpected end of input inside an item");
        bib_input_window(r->in, 0, &d, &n);
        bib_input_consume(r->in, n);
        r->st = ST_END;
        return BIB_EPARSE;
    }
    return decode_item(r, d, (size_t)len, nul, false, out);
}

/* ST_SINGLE_DONE at byte c: only the end of input may follow the value. */
static int after_value(csl_reader *r, int c)
{
    r->st = ST_END;
    if (c == CJ_PEEK_END)
        return 0;
    if (c == 0)
        return stray_nul(r, "after the JSON value");
    bib_input_report(r->in, BIB_SEV_ERROR, bib_input_line(r->in), bib_input_column(r->in),
                     "unexpected content after the JSON value%s",
                     c == '{' ? " (one object per line is JSON Lines: read it with -f csljsonl)"
                              : "");
    return BIB_EPARSE;
}

static int reader_next(bib_reader *rd, bib_record **out)
{
    csl_reader *r = bib_reader_state(rd);
    if (r->lines)
        return next_line_item(r, out);
    for (;;) {
        if (r->pending) {
            int rc = next_pending(r, out);
            if (rc != 0)
                return rc;
            r->st = ST_SINGLE_DONE;
        }
        int c = cj_peek_nonws(r->in);
        if (c < 0)
            return BIB_EIO;
        int rc = 0;
        switch (r->st) {
        case ST_START: rc = at_start(r, c, out); break;
        case ST_ARRAY: rc = in_array(r, c, out); break;
        case ST_SINGLE_DONE: rc = after_value(r, c); break;
        case ST_END: return 0;
        }
        if (rc != AGAIN)
            return rc;
    }
}

static void reader_close(bib_reader *rd)
{
    csl_reader *r = bib_reader_state(rd);
    json_decref(r->pending);
    r->pending = NULL;
    cj_reader_free(&r->cj);
}

/* ---- writer ------------------------------------------------------------------ */

typedef struct csl_writer {
    bib_output *out;
    bool lines, compact, custom, schema;
    size_t count;
    bib_buf buf;
} csl_writer;

static int writer_begin(bib_writer *wr, bib_output *out, const bib_options *opts)
{
    csl_writer *w = bib_writer_state(wr);
    w->out = out;
    bib_buf_init(&w->buf);
    w->lines = strcmp(bib_writer_format(wr)->name, "csljsonl") == 0;
    bib_options_get_bool(opts, "compact", false, &w->compact);
    const char *ex = bib_options_get(opts, "extras");
    w->custom = !ex || strcmp(ex, "custom") == 0;
    const char *un = bib_options_get(opts, "unknown");
    w->schema = !un || strcmp(un, "custom") == 0;
    /* a piece of the output (-j): no bracket, and every item after one */
    if (bib_writer_is_piece(wr))
        w->count = 1;
    else if (!w->lines)
        bib_output_putc(out, '[');
    return 0;
}

static int writer_write(bib_writer *wr, const bib_record *rec)
{
    csl_writer *w = bib_writer_state(wr);
    bool pretty = !w->lines && !w->compact;
    unsigned flags = (w->custom ? BIB_CSLITEM_CUSTOM_EXTRAS : 0) | (pretty ? BIB_CSLITEM_PRETTY : 0) |
                     (w->schema ? BIB_CSLITEM_SCHEMA : 0);
    bib_record *owned;
    int krc = bib_writer_keyed(wr, rec, &rec, &owned); /* a keyless entry's id is new */
    if (krc) {
        bib_output_report(w->out, BIB_SEV_ERROR, krc == BIB_EIO ? "cannot keep the used ids in "
                                                 "a temporary file (TMPDIR)" : "out of memory");
        return krc;
    }
    bib_buf_reset(&w->buf);
    if (w->lines)
        ;
    else if (!pretty)
        bib_buf_puts(&w->buf, w->count ? "," : "");
    else /* ",\n  " between items, its last three bytes before the first: no strlen */
        bib_buf_append_fast(&w->buf, &",\n  "[w->count ? 0 : 1], w->count ? 4 : 3);
    /* inside the array, an item's lines are indented one level */
    int rc = bib_cslitem_write_to(&w->buf, w->out, rec, flags, pretty ? 1 : 0);
    bib_record_free(owned);
    if (rc != 0) {
        bib_output_report(w->out, BIB_SEV_ERROR, "out of memory");
        return BIB_ENOMEM;
    }
    if (w->lines)
        bib_buf_putc(&w->buf, '\n');
    bib_output_write(w->out, w->buf.data, w->buf.len);
    w->count++;
    return bib_output_error(w->out) ? bib_output_error(w->out) : 0;
}

static int writer_end(bib_writer *wr)
{
    csl_writer *w = bib_writer_state(wr);
    if (w->out && !w->lines && !bib_writer_is_piece(wr))
        bib_output_puts(w->out, w->count && !w->compact ? "\n]\n" : "]\n");
    bib_buf_clear(&w->buf);
    return 0;
}

/* ---- probes ---------------------------------------------------------------------- */

static const unsigned char *skip_ws(const unsigned char *p, const unsigned char *e)
{
    while (p < e && cj_is_ws((char)*p))
        p++;
    return p;
}

/* True when the head has a CSL-looking key ("id", "type", "title", ...). */
static bool has_csl_keys(const unsigned char *h, size_t len)
{
    (void)len;
    return strstr((const char *)h, "\"type\"") || strstr((const char *)h, "\"id\"") ||
           strstr((const char *)h, "\"title\"") || strstr((const char *)h, "\"author\"");
}

/* Counts leading lines that are one complete-looking object each; *cut:
 * the head ends inside a line that opens an object after them (a line
 * longer than the head: items with long abstracts). */
static int object_lines(const unsigned char *h, size_t len, bool *cut)
{
    const unsigned char *p = h, *e = h + len;
    int n = 0;
    *cut = false;
    while (p < e && n < 3) {
        p = skip_ws(p, e);
        if (p >= e)
            break;
        const unsigned char *nl = memchr(p, '\n', (size_t)(e - p));
        if (!nl) {
            *cut = *p == '{'; /* a cut last line proves nothing by itself */
            break;
        }
        const unsigned char *q = nl;
        while (q > p && cj_is_ws((char)q[-1]))
            q--;
        if (*p != '{' || q[-1] != '}')
            return n > 0 ? n : -1;
        n++;
        p = nl + 1;
    }
    return n;
}

static int probe_csljson(const unsigned char *h, size_t len, const char *fn)
{
    (void)fn;
    const unsigned char *p = skip_ws(h, h + len);
    if (p >= h + len)
        return 0;
    /* Zotero's item JSON ("itemType") is the zotero module's to read
     * (plugins/zotero/zotero.c); its probe scores what this one does not */
    if (strstr((const char *)h, "\"itemType\""))
        return BIB_PROBE_WEAK;
    if (*p == '[') {
        p = skip_ws(p + 1, h + len);
        if (p < h + len && (*p == '{' || *p == ']'))
            return has_csl_keys(h, len) || *p == ']' ? BIB_PROBE_MAX - 5 : BIB_PROBE_LIKELY - 20;
        return 10;
    }
    if (*p == '{') {
        bool cut;
        if (object_lines(h, len, &cut) >= 2)
            return 30; /* several one-line objects: JSON Lines */
        return has_csl_keys(h, len) ? BIB_PROBE_LIKELY - 10 : 30;
    }
    return 0;
}

/* Whether a file name ends in one of JSON Lines' extensions. */
static bool jsonl_name(const char *fn)
{
    size_t n = fn ? strlen(fn) : 0;
    return (n > 6 && strcasecmp(fn + n - 6, ".jsonl") == 0) ||
           (n > 7 && strcasecmp(fn + n - 7, ".ndjson") == 0);
}

/* Whether the object that opens at p ('{') starts with a member whose
 * value is not an object: an item ("id", "type", ...), not a top-level
 * object of items ({"1": {...}}), which only the CSL-JSON reader reads. */
static bool item_opens(const unsigned char *p, const unsigned char *e)
{
    p = skip_ws(p + 1, e);
    if (p >= e || *p != '"')
        return false;
    for (p++; p < e && *p != '"'; p++)
        if (*p == '\\')
            p++;
    if (p >= e)
        return false;
    p = skip_ws(p + 1, e);
    if (p >= e || *p != ':')
        return false;
    p = skip_ws(p + 1, e);
    return p < e && *p != '{';
}

static int probe_csljsonl(const unsigned char *h, size_t len, const char *fn)
{
    bool cut;
    int n = object_lines(h, len, &cut);
    if (n >= 2)
        return has_csl_keys(h, len) ? BIB_PROBE_MAX - 5 : BIB_PROBE_LIKELY - 20;
    /* the head ends inside a line that opens an object. After a first
     * line that is a whole object, that is JSON Lines: a CSL-JSON file
     * holds one value. A first line longer than the head (items with long
     * abstracts) is one item on one line, which both readers read alike
     * when it is alone and only this one when lines follow: this one,
     * unless the object opens as an object of items does. The name
     * decides too. (Standard input has no name: such a stream was read as
     * one CSL-JSON item, and its second line an error.) */
    if (cut && has_csl_keys(h, len) &&
        (n == 1 || jsonl_name(fn) || item_opens(skip_ws(h, h + len), h + len)))
        return BIB_PROBE_MAX - 5;
    if (n == 1)
        return 40; /* one line only: the array format's probe wins if CSL */
    return 0;
}

/* ---- descriptors -------------------------------------------------------------------- */

static const bib_option_spec writer_options[] = {
    {"compact", BIB_OPT_BOOL, NULL, "false", "csljson: one line instead of pretty-printed"},
    {"extras", BIB_OPT_CHOICE, "custom,drop", "custom",
     "where other formats' unmapped fields go: the item's custom object, or nowhere"},
    {"keys", BIB_OPT_CHOICE, "auto,keep", "auto",
     "an id an earlier item has: given a suffix (auto), or kept as it is"},
    {"unknown", BIB_OPT_CHOICE, "custom,keep", "custom",
     "a CSL-JSON source's keys and values the CSL-JSON schema refuses: under custom.csljson, "
     "the value in CSL's form (custom: output the schema accepts), or where the source had "
     "them (keep: the exact round trip)"},
    {NULL, 0, NULL, NULL, NULL},
};

static const bib_option_spec reader_options[] = {
    {"parser", BIB_OPT_CHOICE, "stream,jansson", "stream",
     "csljson: how items are read: mapped from their tokens, or through a jansson DOM (the "
     "reference the other is tested against; slower)"},
    {NULL, 0, NULL, NULL, NULL},
};

static const bib_reader_ops reader_ops = {
    .state_size = sizeof(csl_reader),
    .open = reader_open,
    .next = reader_next,
    .close = reader_close,
    .options = reader_options,
};

/* Where CSL-JSON Lines may be cut for reading with several threads (-j;
 * bib_split_fn in plugin.h): after any "\n", since the reader takes one
 * item per line and keeps nothing from one line to the next. */
static size_t split_lines(const char *d, size_t len, size_t want, unsigned *flags)
{
    (void)flags;
    const char *nl = memchr(d + want - 1, '\n', len - want + 1);
    return nl ? (size_t)(nl + 1 - d) : len;
}

static const bib_reader_ops lines_reader_ops = {
    .state_size = sizeof(csl_reader),
    .open = reader_open,
    .next = reader_next,
    .close = reader_close,
    .options = reader_options,
    .split = split_lines,
};

static const bib_writer_ops writer_ops = {
    .state_size = sizeof(csl_writer),
    .begin = writer_begin,
    .write = writer_write,
    .end = writer_end,
    .options = writer_options,
};

static const bib_format_desc csljson_format = {
    .name = "csljson",
    .description = "CSL-JSON array of items (streamed element by element)",
    .extensions = "json,csljson",
    .mime = "application/vnd.citationstyles.csl+json",
    .flags = BIB_WRITER_PIECES,
    .probe = probe_csljson,
    .reader = &reader_ops,
    .writer = &writer_ops,
};

static const bib_format_desc csljsonl_format = {
    .name = "csljsonl",
    .description = "CSL-JSON Lines: one item object per line",
    .extensions = "jsonl,ndjson",
    .mime = NULL,
    .flags = BIB_WRITER_PIECES,
    .probe = probe_csljsonl,
    .reader = &lines_reader_ops,
    .writer = &writer_ops,
};

static const bib_format_desc *const formats[] = {&csljson_format, &csljsonl_format, NULL};

BIB_PLUGIN_EXPORT const bib_plugin_desc bib_plugin_module = {
    .abi_version = BIB_PLUGIN_ABI_VERSION,
    .module_name = "csljson",
    .formats = formats,
};
