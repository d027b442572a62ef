/* SPDX-License-Identifier: MIT */
/*
 * refs.c - format `refs`: a list of formatted references ("Smith, J.
 * (2001). Title. Journal, 3(2), 1-10.") as text or saved HTML, one
 * reference per line or paragraph (docs/refs.md). Each reference goes
 * through core's reference tagger (reftag.h) and its record builder.
 *
 * Streaming: lines are read one at a time and a reference is emitted as
 * soon as the next one starts, so memory is bounded by one reference.
 * Splitting into references:
 * - a blank line, a list marker ("[12]", "12.", "(a)", bullets) or an HTML
 *   block boundary (<p>, <li>, <br>, <div>, <tr>, headings) ends one;
 * - in a list whose references carry markers (two marked lines in the
 *   head), a line without a marker continues a reference that began at a
 *   marker, however much it reads like a reference by itself;
 * - a line continues the current reference when that reference does not
 *   look complete yet (no year, or no final period) or when the line starts
 *   in lower case; a line ending in a hyphen is joined without the hyphen
 *   when a lower-case letter follows;
 * - short heading lines without a year ("References", "Selected
 *   publications", "2019") are skipped;
 * - a bullet that holds several references is split where the tagger
 *   starts a second author list after a title.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/buf.h"
#include "bibconv/io.h"
#include "bibconv/plugin.h"
#include "bibconv/reftag.h"
#include "refs_text.h"

typedef struct refs_state {
    bib_input *in;
    bib_reftag *tag;
    bib_buf cur;          /* the reference being assembled */
    size_t cur_line;      /* its first line */
    bib_buf pending;      /* HTML: text lines still to assemble */
    size_t pending_pos;
    refs_html html;       /* HTML tag state across lines */
    bool is_html, decided, eof, said_empty;
    refs_shape shape;     /* the list's layout, guessed from its head */
    bool marked;          /* the head has two lines or more with a list marker */
    bool cur_marked;      /* the reference being assembled began at a marker */
    bool rest_marked;     /* the line in `rest` had one */
    bib_record *prev;     /* the last record, for ditto authors */
    size_t count, lost;
    /* the line that started the next reference, read next */
    bib_buf rest;
    size_t rest_line;
    /* the second half of a split reference, read before `rest` */
    bib_buf split;
    size_t split_line;
} refs_state;

/* The head of a text list (up to REFS_HEAD bytes, whole lines) tells its
 * shape: one reference per line or per paragraph (refs_shape_guess). The
 * window is only looked at, not consumed. */
#define REFS_HEAD 65536

static int guess_shape(refs_state *st)
{
    const char *w;
    size_t wn;
    int rc = bib_input_window(st->in, REFS_HEAD, &w, &wn);
    if (rc < 0)
        return rc;
    if (refs_looks_html(w, wn))
        return 0;
    refs_shape_stats stats;
    memset(&stats, 0, sizeof stats);
    size_t marks = 0;
    for (size_t i = 0; i < wn;) {
        const char *e = memchr(w + i, '\n', wn - i);
        if (!e && wn >= REFS_HEAD)
            break; /* a line cut by the window */
        size_t n = e ? (size_t)(e - (w + i)) : wn - i;
        refs_shape_add(&stats, w + i, n);
        const char *s = w + i;
        size_t sn = n;
        refs_trim(&s, &sn);
        marks += sn && refs_marker(s, sn) > 0;
        i += n + 1;
    }
    st->shape = refs_shape_guess(&stats);
    st->marked = marks >= 2;
    return 0;
}

static int refs_open(bib_reader *rd, bib_input *in, const bib_options *opts)
{
    (void)opts;
    refs_state *st = bib_reader_state(rd);
    st->in = in;
    int rc = guess_shape(st);
    if (rc < 0)
        return rc;
    st->tag = bib_reftag_new();
    bib_buf_init(&st->cur);
    bib_buf_init(&st->pending);
    bib_buf_init(&st->rest);
    bib_buf_init(&st->split);
    return st->tag ? 0 : BIB_ENOMEM;
}

static void refs_close(bib_reader *rd)
{
    refs_state *st = bib_reader_state(rd);
    bib_reftag_free(st->tag);
    bib_buf_clear(&st->cur);
    bib_buf_clear(&st->pending);
    bib_buf_clear(&st->rest);
    bib_buf_clear(&st->split);
    bib_record_free(st->prev);
}

/* Next text line: from the input, or from HTML reduced to text lines (a
 * block boundary is an empty line). 1, 0 at the end, or a status. */
static int next_line(refs_state *st, const char **s, size_t *n, size_t *line)
{
    for (;;) {
        if (st->pending_pos < st->pending.len) {
            const char *p = st->pending.data + st->pending_pos;
            const char *e = memchr(p, '\n', st->pending.len - st->pending_pos);
            size_t k = e ? (size_t)(e - p) : st->pending.len - st->pending_pos;
            *s = p;
            *n = k;
            *line = bib_input_last_line(st->in);
            st->pending_pos += k + (e != NULL);
            return 1;
        }
        const char *l;
        size_t len;
        int rc = bib_input_getline(st->in, &l, &len);
        if (rc <= 0)
            return rc;
        if (!st->decided) {
            st->is_html = refs_looks_html(l, len);
            st->decided = len > 0 || st->is_html;
        }
        if (!st->is_html) {
            *s = l;
            *n = len;
            *line = bib_input_last_line(st->in);
            return 1;
        }
        bib_buf_reset(&st->pending);
        st->pending_pos = 0;
        if (refs_html_line(&st->html, &st->pending, l, len))
            return BIB_ENOMEM;
    }
}

static int append_line(refs_state *st, const char *s, size_t n)
{
    if (st->cur.len && st->cur.data[st->cur.len - 1] == '-' && n && s[0] >= 'a' && s[0] <= 'z' &&
        st->cur.len > 1 && st->cur.data[st->cur.len - 2] >= 'a' && st->cur.data[st->cur.len - 2] <= 'z') {
        bib_buf_truncate(&st->cur, st->cur.len - 1);   /* "experi-\nment" */
    } else if (st->cur.len) {
        if (bib_buf_putc(&st->cur, ' '))
            return BIB_ENOMEM;
    } else {
        /* the person's part before a reference (`Co-author, Title …`) */
        size_t rl = refs_role_label(s, n);
        s += rl;
        n -= rl;
    }
    return refs_append_clean(&st->cur, s, n);
}

/* Collects the next reference's text into st->cur (empty at the end). */
static int assemble(refs_state *st)
{
    bib_buf_reset(&st->cur);
    if (st->split.len) {
        /* a whole reference already (the person's part before it
         * dropped, as append_line drops it) */
        size_t rl = refs_role_label(st->split.data, st->split.len);
        if (bib_buf_append(&st->cur, st->split.data + rl, st->split.len - rl))
            return BIB_ENOMEM;
        st->cur_line = st->split_line;
        st->cur_marked = false;
        bib_buf_reset(&st->split);
        return 0;
    }
    if (st->rest.len) {
        if (append_line(st, st->rest.data, st->rest.len))
            return BIB_ENOMEM;
        st->cur_line = st->rest_line;
        st->cur_marked = st->rest_marked;
        bib_buf_reset(&st->rest);
    }
    for (;;) {
        if (st->eof)
            return 0;
        const char *s;
        size_t n, line;
        int rc = next_line(st, &s, &n, &line);
        if (rc < 0)
            return rc;
        if (rc == 0) {
            st->eof = true;
            return 0;
        }
        refs_trim(&s, &n);
        if (n == 0) {
            if (st->cur.len)
                return 0;
            continue;
        }
        if (!refs_link_tail(s, n))
            continue; /* a link's label alone (`[PDF]`, `Full text.`) */
        size_t mk = refs_marker(s, n);
        bool heading = !mk && (refs_is_heading(s, n) || refs_review_line(s, n));
        /* an unmarked line inside a marked reference of a marked list is
         * its wrapped rest (docs/refs.md), up to the length at which every
         * other reference ends too (refs_continues_shape): a marked list
         * followed by a long unmarked one (a list of mixed styles) grew
         * one reference without bound, and splitting it again and again
         * (refs_split_point) took time quadratic in its length */
        bool rest_of_marked = st->marked && st->cur_marked && !mk && !heading &&
                              st->cur.len <= REFS_JOIN_MAX;
        if (st->cur.len && !rest_of_marked &&
            (mk || heading || !refs_continues_shape(st->shape, st->cur.data, st->cur.len, s, n))) {
            /* the line starts the next reference: keep it for then */
            st->rest_marked = mk > 0;
            bib_buf_reset(&st->rest);
            if (!heading && bib_buf_append(&st->rest, s + mk, n - mk))
                return BIB_ENOMEM;
            st->rest_line = line;
            return 0;
        }
        if (heading)
            continue;
        if (!st->cur.len) {
            st->cur_line = line;
            st->cur_marked = mk > 0;
        }
        rc = append_line(st, s + mk, n - mk);
        if (rc)
            return rc;
    }
}

static int refs_next(bib_reader *rd, bib_record **out)
{
    refs_state *st = bib_reader_state(rd);
    for (;;) {
        int rc = assemble(st);
        if (rc < 0)
            return rc;
        if (!st->cur.len) {
            if (st->count == 0 && st->lost == 0 && !st->said_empty) {
                /* reported once: the caller reads on after BIB_EPARSE */
                st->said_empty = true;
                bib_input_report(st->in, BIB_SEV_ERROR, 1, 1, "no reference found");
                return BIB_EPARSE;
            }
            return 0;
        }
        /* a page's menu above the list (refs_menu_line) is no reference */
        if (st->count == 0 && st->lost == 0 && refs_menu_line(st->cur.data, st->cur.len))
            continue;
        long nt = bib_reftag_run(st->tag, st->cur.data, st->cur.len);
        if (nt < 0)
            return (int)nt;
        size_t cut = refs_split_point(st->tag, st->cur.data);
        if (cut) {
            if (bib_buf_append(&st->split, st->cur.data + cut, st->cur.len - cut))
                return BIB_ENOMEM;
            st->split_line = st->cur_line;
            bib_buf_truncate(&st->cur, cut);
            nt = bib_reftag_run(st->tag, st->cur.data, st->cur.len);
            if (nt < 0)
                return (int)nt;
        }
        bib_record *rec = NULL;
        rc = bib_reftag_record(st->tag, st->cur.data, st->cur.len, st->prev, &rec);
        if (rc)
            return rc;
        if (!rec) {
            st->lost++;
            char q[64];
            snprintf(q, sizeof q, "%.40s", st->cur.data);
            bib_input_report(st->in, BIB_SEV_ERROR, st->cur_line, 1,
                             "no title or author found in '%s'; reference skipped", q);
            return BIB_EPARSE;
        }
        char id[32];
        snprintf(id, sizeof id, "ref%zu", ++st->count);
        if (bib_record_set_id(rec, id) ||
            bib_record_set_origin(rec, bib_input_name(st->in), st->cur_line)) {
            bib_record_free(rec);
            return BIB_ENOMEM;
        }
        bib_record_free(st->prev);
        st->prev = bib_record_clone(rec);
        *out = rec;
        return 1;
    }
}

static const bib_reader_ops refs_reader_ops = {
    .state_size = sizeof(refs_state),
    .open = refs_open,
    .next = refs_next,
    .close = refs_close,
    .options = NULL,
};

/* Mostly references: most non-blank lines of the head carry a year and
 * the punctuation of a reference, or a title and authors after `By`. HTML is the page format's (it keeps its
 * layout cues), so it scores nothing here; -f refs reads it. */
static int probe_refs(const unsigned char *head, size_t len, const char *filename)
{
    (void)filename;
    const char *h = (const char *)head;
    if (refs_looks_html(h, len))
        return BIB_PROBE_NONE;
    size_t lines = 0, refs = 0;
    for (size_t i = 0; i < len && lines < 60;) {
        const char *e = memchr(h + i, '\n', len - i);
        size_t n = e ? (size_t)(e - (h + i)) : len - i;
        const char *s = h + i;
        i += n + 1;
        if (!e && i < len)
            break;
        refs_trim(&s, &n);
        if (n == 0 || refs_is_heading(s, n))
            continue;
        lines++;
        refs += refs_line_looks_ref(s, n) || refs_by_line(s, n);
    }
    if (refs >= 2 && refs * 10 >= lines * 6)
        return BIB_PROBE_WEAK + 30;   /* 55: below page's strong cues (60, 80) */
    return BIB_PROBE_NONE;
}

static const bib_format_desc refs_format = {
    .name = "refs",
    .description = "formatted reference lists (APA, IEEE, Chicago, ... one per line or "
                   "paragraph), text or saved HTML",
    .extensions = NULL,
    .mime = NULL,
    .flags = 0,
    .probe = probe_refs,
    .reader = &refs_reader_ops,
    .writer = NULL,
};

static const bib_format_desc *const formats[] = {&refs_format, NULL};

BIB_PLUGIN_EXPORT const bib_plugin_desc bib_plugin_module = {
    .abi_version = BIB_PLUGIN_ABI_VERSION,
    .module_name = "refs",
    .formats = formats,
};
