/* SPDX-License-Identifier: MIT */
/*
 * zt_reader.c - the streaming reader of `zoterojson`. The input is one of
 *   - an array of items (the web API, Zotero's translators' test cases);
 *   - an object with an "items" array beside other keys ("config",
 *     "collections", "version": Better BibTeX's JSON export);
 *   - one item object.
 * One item is in memory at a time: the bytes are scanned for the extent of
 * the next element of the items array (strings, escapes and nesting
 * tracked), that slice alone is decoded (zt_dom.c: each string held once;
 * json_loadb for what its tokenizer does not take), and jansson's
 * line/column are shifted by the slice's start so a bad item is reported
 * at its place and skipped. The other keys of an export are skipped byte
 * by byte without being held (an export whose first key is not one of
 * those is read whole, then its items in turn). Notes and attachments are
 * not works: they
 * are counted and named in one note at the end, not skipped.
 *
 * Not for: the item itself (zt_item.c).
 */
#include <string.h>

#include "cj_scan.h"
#include "cslitem.h"
#include "zt_dom.h"
#include "ztfmt.h"

typedef enum { ST_START, ST_OBJECT, ST_ITEMS, ST_AFTER, ST_END } zt_state;

typedef struct zt_reader {
    bib_input *in;
    zt_state st;
    bool in_object; /* the items array is the value of an object's "items" */
    bool seen_items;
    bool first;     /* no element (or key) read yet in the array (object) */
    bool told;      /* the final note was given */
    size_t notes, attachments, child_notes, child_attachments;
    json_t *pending; /* an export object read whole (its first key was not
                        one of an export's): its "items", drained in order */
    zt_dom dom; /* an item's json_t, each string held once (zt_dom.c) */
    size_t pend_i, pend_line, pend_col;
} zt_reader;

/* Skips the value at the current position, consuming as it goes (an
 * export's "collections" may be large). 0, or BIB_EPARSE at the end of
 * input inside it (reported), or a negative status. */
static int skip_value(zt_reader *r)
{
    cj_scan s = CJ_SCAN_INIT;
    for (;;) {
        const char *d;
        size_t n;
        int rc = bib_input_window(r->in, 0, &d, &n);
        if (rc < 0)
            return rc;
        if (!n) {
            bib_input_report(r->in, BIB_SEV_ERROR, bib_input_line(r->in),
                             bib_input_column(r->in), "unexpected end of input inside a value");
            return BIB_EPARSE;
        }
        bool done;
        size_t e = cj_scan_step(&s, d, 0, n, &done);
        bib_input_consume(r->in, e);
        if (done)
            return 0;
    }
}

/* Reads the object key at the current '"' and the ':' after it; the key,
 * cut to fit, goes to key[cap]. 0 or BIB_EPARSE (reported). */
static int read_key(zt_reader *r, char *key, size_t cap)
{
    const char *d;
    long nul, len = cj_value_extent(r->in, &d, &nul);
    if (len <= 1 || d[0] != '"' || d[len - 1] != '"') {
        if (len >= 0)
            bib_input_report(r->in, BIB_SEV_ERROR, bib_input_line(r->in),
                             bib_input_column(r->in), "expected a key string");
        return len < 0 ? (int)len : BIB_EPARSE;
    }
    size_t kl = (size_t)len - 2 < cap - 1 ? (size_t)len - 2 : cap - 1;
    memcpy(key, d + 1, kl);
    key[kl] = '\0';
    bib_input_consume(r->in, (size_t)len);
    if (cj_peek_nonws(r->in) != ':') {
        bib_input_report(r->in, BIB_SEV_ERROR, bib_input_line(r->in), bib_input_column(r->in),
                         "expected ':' after the key \"%s\"", key);
        return BIB_EPARSE;
    }
    bib_input_consume(r->in, 1);
    return 0;
}

/* The first key of the object at the window start, without consuming; ""
 * when there is none (or it does not fit in a look-ahead of 4 KiB). */
static void first_key(bib_input *in, char *key, size_t cap)
{
    const char *d;
    size_t n;
    key[0] = '\0';
    if (bib_input_window(in, 4096, &d, &n) < 0)
        return;
    size_t i = 1;
    while (i < n && cj_is_ws(d[i]))
        i++;
    if (i >= n || d[i] != '"')
        return;
    const char *q = memchr(d + i + 1, '"', n - i - 1);
    if (q && (size_t)(q - d - i - 1) < cap) {
        memcpy(key, d + i + 1, (size_t)(q - d - i - 1));
        key[q - d - i - 1] = '\0';
    }
}

/* True when a decoded object has the keys of a CSL-JSON item. */
static bool csl_like(const json_t *j)
{
    return json_object_get(j, "id") || json_object_get(j, "type") ||
           json_object_get(j, "title") || json_object_get(j, "author");
}

static int convert_one(zt_reader *r, const json_t *j, zt_ctx *ctx, bib_record **out);

/* Decodes the element of `len` bytes at the window start, consumes it and
 * converts it. Returns 1 with *out, AGAIN for a note or attachment, or a
 * negative status (reported). `single`: the whole input is this object. */
enum { AGAIN = 2 };
static int decode_item(zt_reader *r, const char *d, size_t len, bool single, bib_record **out)
{
    size_t line, col;
    bib_input_position_of(r->in, d, &line, &col);
    json_error_t err;
    bool oom = false;
    json_t *j = NULL;
    int lrc = zt_dom_load(&r->dom, d, len, &j);
    if (lrc == CJ_REFUSED) /* jansson's error, without jansson */
        cj_refusal(&r->dom.toks, d, &err);
    else if (lrc == CJ_FALLBACK)
        j = bib_cslitem_loadb(d, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err, &oom);
    else
        oom = lrc < 0;
    bib_input_consume(r->in, len);
    bib_input_trim(r->in); /* a long item's window is not kept while it is converted */
    if (j && !lrc && zt_dom_finish(&r->dom) < 0) {
        json_decref(j);
        j = NULL;
        oom = true;
    }
    if (!j) {
        if (oom) {
            bib_input_report(r->in, BIB_SEV_ERROR, line, col, "cannot convert item: %s",
                             bib_status_text(BIB_ENOMEM));
            return BIB_ENOMEM;
        }
        cj_report_json_error(r->in, &err, line, col);
        return BIB_EPARSE;
    }
    if (single && json_is_array(json_object_get(j, "items"))) {
        r->pending = j; /* an export whose keys come in another order */
        r->pend_i = 0;
        r->pend_line = line;
        r->pend_col = col;
        return AGAIN;
    }
    if (single && json_is_object(j) && !json_object_get(j, "itemType") &&
        !json_is_object(json_object_get(j, "data"))) {
        /* neither format: say what the file looks like instead of
         * inventing an empty record */
        bib_input_report(r->in, BIB_SEV_ERROR, line, col, "%s",
                         json_object_size(j) == 0
                             ? "the input is an empty JSON object: no items to convert"
                         : csl_like(j)
                             ? "the input is one JSON object with CSL-JSON keys, not a Zotero "
                               "item: read it with -f csljson"
                             : "the input is a JSON object that is neither a CSL-JSON item nor "
                               "Zotero JSON (no \"itemType\", no \"items\" array)");
        json_decref(j);
        return BIB_EPARSE;
    }
    zt_ctx ctx = {r->in, line, col, 0, 0};
    int rc = convert_one(r, j, &ctx, out);
    json_decref(j);
    return rc;
}

/* Converts one decoded item; counts notes and attachments (AGAIN). */
static int convert_one(zt_reader *r, const json_t *j, zt_ctx *ctx, bib_record **out)
{
    size_t line = ctx->line, col = ctx->col;
    int rc = zt_item_convert(j, ctx, out);
    r->child_notes += ctx->child_notes;
    r->child_attachments += ctx->child_attachments;
    if (rc == ZT_ITEM_NOTE || rc == ZT_ITEM_ATTACHMENT) {
        if (rc == ZT_ITEM_NOTE)
            r->notes++;
        else
            r->attachments++;
        return AGAIN;
    }
    if (rc == ZT_ITEM_RECORD) {
        bib_record_set_origin(*out, bib_input_name(r->in), line);
        return 1;
    }
    if (rc != BIB_EPARSE)
        bib_input_report(r->in, BIB_SEV_ERROR, line, col, "cannot convert item: %s",
                         bib_status_text(rc));
    return rc;
}

/* ---- the states ------------------------------------------------------------ */

static int fail(zt_reader *r, const char *msg, int c)
{
    if (c == 0)
        bib_input_report(r->in, BIB_SEV_ERROR, bib_input_line(r->in), bib_input_column(r->in),
                         "%s, found a NUL byte (JSON allows none)", msg);
    else if (c > 0 && c != CJ_PEEK_END)
        bib_input_report(r->in, BIB_SEV_ERROR, bib_input_line(r->in), bib_input_column(r->in),
                         "%s, found '%c'", msg, c);
    else
        bib_input_report(r->in, BIB_SEV_ERROR, bib_input_line(r->in), bib_input_column(r->in),
                         "%s, found the end of input", msg);
    r->st = ST_END;
    return BIB_EPARSE;
}

static int at_start(zt_reader *r, int c, bib_record **out)
{
    if (c == CJ_PEEK_END) {
        r->st = ST_END; /* empty input: no items, as for CSL-JSON */
        return AGAIN;
    }
    if (c == '[') {
        bib_input_consume(r->in, 1);
        r->st = ST_ITEMS;
        r->first = true;
        return AGAIN;
    }
    if (c != '{')
        return fail(r, "expected a Zotero JSON array '[' or object '{'", c);
    char key[32];
    first_key(r->in, key, sizeof key);
    if (!strcmp(key, "config") || !strcmp(key, "collections") || !strcmp(key, "items") ||
        !strcmp(key, "version")) {
        bib_input_consume(r->in, 1);
        r->st = ST_OBJECT;
        r->in_object = true;
        r->first = true;
        return AGAIN;
    }
    const char *d;
    long nul, len = cj_value_extent(r->in, &d, &nul);
    r->st = ST_AFTER;
    if (len <= 0)
        return len < 0 ? (int)len : fail(r, "unterminated JSON object", CJ_PEEK_END);
    return decode_item(r, d, (size_t)len, true, out);
}

/* An export's own "notes" or "attachments" array beside its items: not
 * records, counted for the final note. The value is decoded whole (these
 * lists are small). */
static int count_array(zt_reader *r, const char *key)
{
    const char *d;
    long nul, len = cj_value_extent(r->in, &d, &nul);
    if (len <= 0) {
        r->st = ST_END;
        if (len == 0)
            bib_input_report(r->in, BIB_SEV_ERROR, bib_input_line(r->in),
                             bib_input_column(r->in), "unexpected end of input inside a value");
        return len < 0 ? (int)len : BIB_EPARSE;
    }
    bool oom;
    json_t *j = bib_cslitem_loadb(d, (size_t)len, JSON_DECODE_ANY, NULL, &oom);
    bib_input_consume(r->in, (size_t)len);
    if (oom) { /* the count would be short */
        bib_input_report(r->in, BIB_SEV_ERROR, bib_input_line(r->in), bib_input_column(r->in),
                         "%s", bib_status_text(BIB_ENOMEM));
        return BIB_ENOMEM;
    }
    size_t n = json_array_size(j);
    json_decref(j);
    if (!strcmp(key, "notes"))
        r->notes += n;
    else
        r->attachments += n;
    return AGAIN;
}

/* In the export object: the keys; "items" opens the items array, the
 * others are skipped. */
static int in_object(zt_reader *r, int c)
{
    if (c == '}') {
        bib_input_consume(r->in, 1);
        r->st = ST_AFTER;
        if (!r->seen_items) {
            bib_input_report(r->in, BIB_SEV_ERROR, bib_input_line(r->in),
                             bib_input_column(r->in),
                             "a JSON object without an \"items\" array: not a Zotero export");
            return BIB_EPARSE;
        }
        return AGAIN;
    }
    if (!r->first) {
        if (c != ',')
            return fail(r, "expected ',' or '}' in the export object", c);
        bib_input_consume(r->in, 1);
        c = cj_peek_nonws(r->in);
    }
    r->first = false;
    if (c != '"')
        return fail(r, "expected a key in the export object", c);
    char key[32];
    int rc = read_key(r, key, sizeof key);
    if (rc) {
        r->st = ST_END;
        return rc;
    }
    c = cj_peek_nonws(r->in);
    if (!strcmp(key, "notes") || !strcmp(key, "attachments"))
        return count_array(r, key);
    if (strcmp(key, "items") != 0 || r->seen_items) {
        rc = skip_value(r);
        if (rc)
            r->st = ST_END;
        return rc ? rc : AGAIN;
    }
    if (c != '[')
        return fail(r, "expected the \"items\" array '['", c);
    bib_input_consume(r->in, 1);
    r->seen_items = true;
    r->st = ST_ITEMS;
    r->first = true;
    return AGAIN;
}

static int in_items(zt_reader *r, int c, bib_record **out)
{
    if (c == CJ_PEEK_END)
        return fail(r, "unexpected end of input: the items array is not closed with ']'", CJ_PEEK_END);
    if (c == ']') {
        bib_input_consume(r->in, 1);
        r->st = r->in_object ? ST_OBJECT : ST_AFTER;
        r->first = false;
        return AGAIN;
    }
    if (c == ',') {
        bib_input_consume(r->in, 1);
        if (r->first) {
            bib_input_report(r->in, BIB_SEV_ERROR, bib_input_line(r->in),
                             bib_input_column(r->in), "expected an item, found ','");
            r->first = false;
            return BIB_EPARSE;
        }
        c = cj_peek_nonws(r->in);
        if (c == ']') {
            bib_input_report(r->in, BIB_SEV_WARNING, bib_input_line(r->in),
                             bib_input_column(r->in), "trailing ',' before ']'");
            return AGAIN;
        }
    } else if (!r->first) {
        bib_input_report(r->in, BIB_SEV_ERROR, bib_input_line(r->in), bib_input_column(r->in),
                         "expected ',' or ']' after an item");
    }
    r->first = false;
    const char *d;
    long nul, len = cj_value_extent(r->in, &d, &nul);
    if (len < 0) {
        if (len != BIB_EPARSE) /* BIB_EPARSE: past the bound, reported and skipped */
            r->st = ST_END;
        return (int)len;
    }
    if (len == 0)
        return fail(r, "unexpected end of input inside an item", CJ_PEEK_END);
    return decode_item(r, d, (size_t)len, false, out);
}

/* The next item of an export object held whole; its records carry the
 * object's line (jansson keeps no position for the values inside). */
static int next_pending(zt_reader *r, bib_record **out)
{
    const json_t *items = json_object_get(r->pending, "items");
    if (r->pend_i == 0) { /* the export's own notes and attachments */
        r->notes += json_array_size(json_object_get(r->pending, "notes"));
        r->attachments += json_array_size(json_object_get(r->pending, "attachments"));
    }
    while (r->pend_i < json_array_size(items)) {
        zt_ctx ctx = {r->in, r->pend_line, r->pend_col, 0, 0};
        int rc = convert_one(r, json_array_get(items, r->pend_i++), &ctx, out);
        if (rc != AGAIN)
            return rc;
    }
    json_decref(r->pending);
    r->pending = NULL;
    return AGAIN;
}

/* The one note about what is not a record. */
static void tell(zt_reader *r)
{
    if (r->told)
        return;
    r->told = true;
    size_t n = r->notes + r->child_notes, a = r->attachments + r->child_attachments;
    if (n || a)
        bib_input_report(r->in, BIB_SEV_NOTE, 0, 0,
                         "%zu note%s and %zu attachment%s are not bibliographic records: not "
                         "converted",
                         n, n == 1 ? "" : "s", a, a == 1 ? "" : "s");
}

static int reader_open(bib_reader *rd, bib_input *in, const bib_options *opts)
{
    (void)opts;
    zt_reader *r = bib_reader_state(rd);
    r->in = in;
    r->st = ST_START;
    zt_dom_init(&r->dom);
    return 0;
}

static int reader_next(bib_reader *rd, bib_record **out)
{
    zt_reader *r = bib_reader_state(rd);
    for (;;) {
        if (r->st == ST_END) {
            tell(r);
            return 0;
        }
        if (r->pending) {
            int rc = next_pending(r, out);
            if (rc != AGAIN)
                return rc;
            continue;
        }
        int c = cj_peek_nonws(r->in);
        if (c < 0)
            return c;
        int rc = 0;
        switch (r->st) {
        case ST_START: rc = at_start(r, c, out); break;
        case ST_OBJECT: rc = in_object(r, c); break;
        case ST_ITEMS: rc = in_items(r, c, out); break;
        case ST_AFTER:
            r->st = ST_END;
            if (c != CJ_PEEK_END)
                rc = fail(r, "unexpected content after the JSON value", c);
            else
                rc = AGAIN;
            break;
        case ST_END: break;
        }
        if (rc != AGAIN)
            return rc;
    }
}

static void reader_close(bib_reader *rd)
{
    zt_reader *r = bib_reader_state(rd);
    json_decref(r->pending);
    r->pending = NULL;
    zt_dom_free(&r->dom);
}

const bib_reader_ops zt_reader_ops = {
    .state_size = sizeof(zt_reader),
    .open = reader_open,
    .next = reader_next,
    .close = reader_close,
    .options = NULL,
};
