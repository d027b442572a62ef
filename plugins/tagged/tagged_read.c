/* SPDX-License-Identifier: MIT */
/*
 * tagged_read.c - the line loop shared by the medline and wos readers
 * (tagged.h). It streams: lines come from bib_input_getline, the entries of
 * one record go into one reusable value buffer and one reusable entry
 * array (no allocation per line), and the module maps them onto a record.
 * Memory is bounded by the largest record.
 *
 * Lexical rules (docs/medline.md, docs/wos.md): a tag line starts with an
 * upper-case letter in column 1 and has its tag in the first `width`
 * columns (padded with spaces), then "- " for MEDLINE or a space for WoS;
 * a line starting with a space continues the last value. Bad bytes (NUL,
 * control characters) are removed with a warning; a value past the bound
 * (--max-value) costs its record, reported at its line.
 *
 * Not for: the mapping of entries onto records (tagged_map.c and the
 * modules).
 */
#include <stdlib.h>
#include <string.h>

#include "tagged.h"

tg_tag tg_tag_pack(const char *s, size_t n)
{
    tg_tag t = 0;
    for (size_t i = 0; i < 4; i++)
        t = (t << 8) | (i < n ? (unsigned char)s[i] : 0u);
    return t;
}

void tg_tag_unpack(tg_tag t, char out[5])
{
    for (int i = 0; i < 4; i++)
        out[i] = (char)((t >> (8 * (3 - i))) & 0xff);
    out[4] = '\0';
}

const tg_field *tg_find_row(const tg_field *rows, size_t n, tg_tag t)
{
    for (size_t i = 0; i < n; i++)
        if (!(rows[i].flags & TG_F_WRITE_ONLY) && tg_tag_pack(rows[i].tag, strlen(rows[i].tag)) == t)
            return &rows[i];
    return NULL;
}

int tg_reader_open(tg_reader *r, const tg_syntax *syn, const tg_field *rows, size_t nrows,
                   bib_input *in, bool strict)
{
    r->syn = syn;
    r->rows = rows;
    r->nrows = nrows;
    r->in = in;
    r->strict = strict;
    bib_buf_init(&r->vals);
    bib_buf_init(&r->pending_val);
    bib_buf_init(&r->tmp);
    r->row_tags = malloc((nrows ? nrows : 1) * sizeof *r->row_tags);
    if (!r->row_tags)
        return BIB_ENOMEM;
    for (size_t i = 0; i < nrows; i++)
        r->row_tags[i] = (rows[i].flags & TG_F_WRITE_ONLY)
                             ? 0
                             : tg_tag_pack(rows[i].tag, strlen(rows[i].tag));
    /* exports saved by older tools are Latin-1 as often as UTF-8 */
    return bib_input_set_encoding(in, BIB_ENC_DETECT) == BIB_ENOMEM ? BIB_ENOMEM : 0;
}

void tg_reader_close(tg_reader *r)
{
    bib_buf_clear(&r->vals);
    bib_buf_clear(&r->pending_val);
    bib_buf_clear(&r->tmp);
    free(r->ent);
    r->ent = NULL;
    free(r->row_tags);
    r->row_tags = NULL;
}

const tg_field *tg_reader_row(const tg_reader *r, tg_tag t)
{
    for (size_t i = 0; i < r->nrows; i++)
        if (r->row_tags[i] == t)
            return &r->rows[i];
    return NULL;
}

/* What one physical line is. */
enum { L_BLANK, L_TAG, L_CONT, L_TEXT };

        /* "TI  - ", "TI  -" at the end of the line, and the loose "TI - " */
static int lex(const tg_syntax *syn, const char *s, size_t len, tg_tag *tag, const char **v,
               size_t *vl)
{
    /* blanks at the end of a line are layout (PubMed leaves some) */
    while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        len--;
    size_t i = 0;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i == len)
        return L_BLANK;
    if (i > 0) {
        *v = s + i;
        *vl = len - i;
        return L_CONT;
    }
    size_t n = 0;
    while (n < len && n < syn->width &&
           ((s[n] >= 'A' && s[n] <= 'Z') || (n > 0 && s[n] >= '0' && s[n] <= '9')))
        n++;
    size_t j = n;
    while (j < len && j < syn->width && s[j] == ' ')
        j++;
    bool ok = n > 0 && (j == syn->width || j == len || (syn->dash && s[j] == '-'));
    if (ok && syn->dash) {
        /* "TI  - ", also "TI  -" at the end and the loose "TI - " */
        while (j < len && j < syn->width + 1 && s[j] == ' ')
            j++;
        ok = j < len && s[j] == '-';
        j++;
    }
    /* a value glued to a dash in its column ("PMID-22664220", JabRef's
     * tests) is still a value; elsewhere a space must follow */
    if (ok && j < len && s[j] != ' ' && !(syn->dash && j == syn->width + 1))
        ok = false;
    if (!ok) {
        *v = s;
        *vl = len;
        return L_TEXT;
    }
    if (j < len && s[j] == ' ')
        j++;
    *tag = tg_tag_pack(s, n);
    *v = s + j;
    *vl = len - j;
    return L_TAG;
}

static bool lines_tag(const tg_reader *r, tg_tag t)
{
    const tg_field *f = tg_reader_row(r, t);
    return f && (f->flags & TG_F_LINES);
}

/* Cleans vals[from..]: control characters (NUL included) are removed with
 * a warning at their column, tabs become spaces. Returns bytes removed. */
static size_t clean_tail(tg_reader *r, size_t from, size_t line, size_t col0)
{
    char *d = r->vals.data;
    size_t n = r->vals.len, i = from;
    while (i < n && (unsigned char)d[i] >= 0x20 && d[i] != 0x7f)
        i++;
    if (i == n)
        return 0;
    size_t w = i, bad_col = 0;
    for (; i < n; i++) {
        unsigned char c = (unsigned char)d[i];
        if (c == '\t' || c == '\n') {
            d[w++] = c == '\t' ? ' ' : '\n';
        } else if (c < 0x20 || c == 0x7f) {
            if (!bad_col)
                bad_col = col0 + (i - from);
        } else {
            d[w++] = (char)c;
        }
    }
    if (bad_col)
        bib_input_report(r->in, BIB_SEV_WARNING, line, bad_col,
                         "control character (NUL or other) removed from the value");
    bib_buf_truncate(&r->vals, w);
    return n - w;
}

static int add_entry(tg_reader *r, tg_tag tag, size_t line, const char *v, size_t len,
                     size_t col)
{
    if (r->nent == r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 64;
        tg_entry *ne = realloc(r->ent, nc * sizeof *ne);
        if (!ne)
            return BIB_ENOMEM;
        r->ent = ne;
        r->cap = nc;
    }
    tg_entry *e = &r->ent[r->nent++];
    e->tag = tag;
    e->line = line;
    e->off = r->vals.len;
    bib_buf_append_fast(&r->vals, v, len);
    if (bib_buf_failed(&r->vals))
        return BIB_ENOMEM;
    e->len = len - clean_tail(r, e->off, line, col);
    return 0;
}

static int continue_value(tg_reader *r, const char *v, size_t len, size_t line, size_t col)
{
    tg_entry *last = &r->ent[r->nent - 1];
    if (last->len) {
        bib_buf_putc_fast(&r->vals, lines_tag(r, last->tag) ? '\n' : ' ');
        last->len++;
    }
    size_t at = r->vals.len;
    bib_buf_append_fast(&r->vals, v, len);
    if (bib_buf_failed(&r->vals))
        return BIB_ENOMEM;
    last->len += len - clean_tail(r, at, line, col);
    if (last->len > bib_input_max_value(r->in) && !r->bad) {
        bib_input_report_too_long(r->in, line, 1, "value");
        r->bad = true;
    }
    return 0;
}

static bool is_tag(tg_tag t, const char *name)
{
    return name && t == tg_tag_pack(name, strlen(name));
}

static bool skipped_tag(const tg_syntax *syn, tg_tag t)
{
    for (const char *const *p = syn->skip_tags; p && *p; p++)
        if (is_tag(t, *p))
            return true;
    return false;
}

static int start_record(tg_reader *r, tg_tag t, size_t line, const char *v, size_t len)
{
    r->nent = 0;
    r->bad = false;
    r->in_rec = true;
    r->junk_warned = false;
    bib_buf_reset(&r->vals);
    r->rec_line = line;
    return add_entry(r, t, line, v, len, r->syn->width + 2);
}

/* The end of a record: 1 with its entries, or BIB_EPARSE when it was bad. */
static int finish(tg_reader *r)
{
    r->in_rec = false;
    return r->bad ? BIB_EPARSE : 1;
}

/* A line outside records. Returns 1 when it started a record, 0 when it
 * was skipped, or a negative status. */
static int outside(tg_reader *r, int kind, tg_tag t, const char *line, const char *v,
                   size_t vl, size_t ln)
{
    if (kind == L_TAG && skipped_tag(r->syn, t))
        return 0; /* FN/VR/EF: exports concatenated with cat go on after EF */
    if (kind == L_TAG && is_tag(t, r->syn->end_tag))
        return 0; /* a second ER */
    if (kind == L_TAG)
        return start_record(r, t, ln, v, vl) ? BIB_ENOMEM : 1;
    if (r->junk_warned)
        return 0;
    /* text that no tag owns is lost: an error, once per run of lines */
    char q[64];
    bib_diag_quote(q, sizeof q, v, vl, 20);
    bib_input_report(r->in, BIB_SEV_ERROR, ln, (size_t)(v - line) + 1,
                     "text outside a record (no tag before it), skipped: '%s'", q);
    r->junk_warned = true;
    return BIB_EPARSE;
}

/* Handles the line that a getline past the bound left: the record is bad. */
static int too_long(tg_reader *r)
{
    if (r->in_rec) {
        r->bad = true;
        return 0;
    }
    return BIB_EPARSE; /* reported by the input; nothing else was lost */
}

static int on_eof(tg_reader *r)
{
    r->ended = true;
    if (!r->in_rec)
        return 0;
    if (r->syn->end_tag)
        bib_input_report(r->in, BIB_SEV_WARNING, r->rec_line, 1,
                         "record has no '%s' before the end of the input (kept)",
                         r->syn->end_tag);
    return finish(r);
}

/* A tag line inside a record. Returns 1/BIB_EPARSE when it ended the
 * record, 0 to go on, or a negative status. */
static int in_record_tag(tg_reader *r, tg_tag t, const char *v, size_t vl, size_t ln,
                         size_t col)
{
    if (is_tag(t, r->syn->end_tag))
        return finish(r);
    if (r->syn->start_tag && is_tag(t, r->syn->start_tag)) {
        bool seen = false;
        for (size_t i = 0; i < r->nent && !seen; i++)
            seen = r->ent[i].tag == t;
        if (seen) {
            /* MEDLINE records without the blank line between them */
            bib_input_report(r->in, BIB_SEV_WARNING, ln, 1,
                             "a second '%s' without a blank line: a new record",
                             r->syn->start_tag);
            bib_buf_reset(&r->pending_val);
            bib_buf_append(&r->pending_val, v, vl);
            if (bib_buf_failed(&r->pending_val))
                return BIB_ENOMEM;
            r->pending = true;
            r->pending_line = ln;
            r->pending_tag = t;
            return finish(r);
        }
    }
    return add_entry(r, t, ln, v, vl, col);
}

int tg_reader_collect(tg_reader *r)
{
    if (r->pending) {
        r->pending = false;
        if (start_record(r, r->pending_tag, r->pending_line, r->pending_val.data,
                         r->pending_val.len))
            return BIB_ENOMEM;
    }
    for (;;) {
        if (r->ended && !r->in_rec)
            return 0;
        const char *s, *v = NULL;
        size_t len, vl = 0;
        /* the window of a huge line goes once its value is in vals (a value
         * is held there and in the record, not in the window as well) */
        bib_input_trim(r->in);
        int rc = bib_input_getline(r->in, &s, &len);
        if (rc == BIB_EPARSE) {
            if (too_long(r))
                return BIB_EPARSE;
            continue;
        }
        if (rc < 0)
            return rc;
        if (rc == 0)
            return on_eof(r);
        size_t ln = bib_input_last_line(r->in);
        tg_tag t = 0;
        int kind = lex(r->syn, s, len, &t, &v, &vl);
        if (kind == L_BLANK) {
            if (r->in_rec && r->syn->blank_ends)
                return finish(r);
            continue;
        }
        if (!r->in_rec) {
            rc = outside(r, kind, t, s, v, vl, ln);
            if (rc < 0)
                return rc;
            continue;
        }
        if (kind == L_TAG) {
            rc = in_record_tag(r, t, v, vl, ln, (size_t)(v - s) + 1);
            if (rc)
                return rc;
            continue;
        }
        if (kind == L_TEXT) {
            /* unindented text inside a record: kept as a continuation */
            char q[64];
            bib_diag_quote(q, sizeof q, v, vl, 20);
            bib_input_report(r->in, r->strict ? BIB_SEV_ERROR : BIB_SEV_WARNING, ln, 1,
                             "expected a tag or an indented continuation, found '%s' "
                             "(read as a continuation)", q);
            if (r->strict)
                r->bad = true;
        }
        if (continue_value(r, v, vl, ln, (size_t)(v - s) + 1))
            return BIB_ENOMEM;
    }
}
