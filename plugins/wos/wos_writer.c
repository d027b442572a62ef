/* SPDX-License-Identifier: MIT */
/*
 * wos_writer.c - the Web of Science tagged-text writer: the FN/VR header,
 * each record as the rows of the field table in order (wos_table.c) ended
 * by `ER` and a blank line, and `EF` at the end. Lists (names, addresses,
 * cited references) put one item per line, the others indented three
 * spaces; other values are one line (Web of Science does not wrap them).
 * Titles lose their rich-text markup. What the format cannot carry is
 * listed in docs/wos.md.
 *
 * Not for: reading (wos_reader.c).
 */
#include <string.h>

#include "wosfmt.h"

typedef struct wos_writer {
    bib_output *out;
    bib_buf tmp, line;
    bool begun;
} wos_writer;

static int w_begin(bib_writer *wr, bib_output *out, const bib_options *opts)
{
    (void)opts;
    wos_writer *w = bib_writer_state(wr);
    w->out = out;
    bib_writer_track_fields(wr);
    bib_writer_carries_extras(wr, wos_syntax.format); /* tg_write_rows */
    bib_buf_init(&w->tmp);
    bib_buf_init(&w->line);
    w->begun = true;
    bib_output_puts(out, "FN Clarivate Analytics Web of Science\nVR 1.0\n");
    return bib_output_error(out);
}

static void put(wos_writer *w, const char *tag, const bib_buf *b, bool lines)
{
    if (bib_buf_failed(b))
        bib_output_fail(w->out, BIB_ENOMEM);
    else if (b->len)
        tg_write(w->out, &wos_syntax, tag, b->data, b->len, lines, 0);
}

/* The names of a variable as one list: short (AU), full (AF, BE) or the
 * literals (CA). Only authors have a group tag (CA): a literal editor goes
 * in BE as written, where it reads back as a one-part name, rather than
 * nowhere. */
static void write_names(wos_writer *w, const tg_field *f, const bib_record *rec)
{
    const bib_field *fld = bib_record_get(rec, f->var);
    bib_buf_reset(&w->line);
    for (size_t i = 0; fld && i < bib_field_name_count(fld); i++) {
        const bib_name *n = bib_field_name_at(fld, i);
        bool lit = !n->family && n->literal;
        if (lit != (f->kind == WOS_K_CA) && (f->var == BIB_VAR_AUTHOR || f->kind == WOS_K_CA))
            continue;
        if (w->line.len)
            bib_buf_putc(&w->line, '\n');
        if (f->kind == WOS_K_AU)
            tg_name_format_short(&w->line, n, true);
        else
            tg_name_format_full(&w->line, n);
    }
    put(w, f->tag, &w->line, true);
}

/* A PT or DT that the record kept (it differs from the type's own) is
 * written by its row's extras; else the type's. */
static void write_type_tag(wos_writer *w, const tg_field *f, const bib_record *rec)
{
    if (bib_record_extra_get(rec, wos_syntax.format, f->tag))
        return;
    bib_type t = bib_record_type(rec);
    const char *v = f->kind == WOS_K_PT ? wos_pt_of_type(t) : wos_dt_of_type(t);
    tg_write(w->out, &wos_syntax, f->tag, v, strlen(v), false, 0);
}

static void write_issn(wos_writer *w, const tg_field *f, const bib_record *rec)
{
    const bib_field *fld = bib_record_get(rec, BIB_VAR_ISSN);
    size_t n = fld ? bib_field_value_count(fld) : 0;
    bool sn = strcmp(f->tag, "SN") == 0;
    for (size_t i = sn ? 0 : 1; i < (sn ? (n ? 1 : 0) : n); i++) {
        const char *v = bib_field_value_at(fld, i);
        tg_write(w->out, &wos_syntax, f->tag, v, strlen(v), false, 0);
    }
}

static void write_date(wos_writer *w, const tg_field *f, const bib_record *rec)
{
    const bib_field *fld = bib_record_get(rec, BIB_VAR_ISSUED);
    const bib_date *d = fld ? bib_field_date(fld) : NULL;
    if (!d || d->nparts < 1 || !d->parts[0].has_year)
        return;
    bib_buf_reset(&w->line);
    if (f->kind == WOS_K_PY)
        bib_buf_printf(&w->line, "%d", d->parts[0].year);
    else
        tg_date_format_pd(&w->line, d);
    put(w, f->tag, &w->line, false);
}

static void write_page(wos_writer *w, const tg_field *f, const bib_record *rec)
{
    const char *p = bib_record_text(rec, BIB_VAR_PAGE);
    if (!p)
        return;
    const char *a, *z;
    size_t al, zl;
    bib_buf_reset(&w->tmp);
    bib_pages_normalize(&w->tmp, p, strlen(p), "-");
    bib_pages_split(w->tmp.data, w->tmp.len, &a, &al, &z, &zl);
    bib_buf_reset(&w->line);
    if (f->kind == WOS_K_BP)
        bib_buf_append(&w->line, a, al);
    else
        bib_buf_append(&w->line, z, zl);
    put(w, f->tag, &w->line, false);
}

static void special(void *ctx, const tg_field *f, const bib_record *rec)
{
    wos_writer *w = ctx;
    switch (f->kind) {
    case WOS_K_PT:
    case WOS_K_DT:
        write_type_tag(w, f, rec);
        break;
    case WOS_K_AU:
    case WOS_K_AF:
    case WOS_K_CA:
        write_names(w, f, rec);
        break;
    case WOS_K_ISSN:
        write_issn(w, f, rec);
        break;
    case WOS_K_PY:
    case WOS_K_PD:
        write_date(w, f, rec);
        break;
    case WOS_K_BP:
    case WOS_K_EP:
        write_page(w, f, rec);
        break;
    default:
        break;
    }
}

static int w_write(bib_writer *wr, const bib_record *rec)
{
    wos_writer *w = bib_writer_state(wr);
    if (bib_record_kind_of(rec) != BIB_RECORD_ENTRY)
        return 0;
    if (tg_writes_nothing(&wos_syntax, wos_fields, wos_nfields, rec))
        return tg_refuse_empty(w->out, &wos_syntax, rec);
    tg_write_rows(w->out, &wos_syntax, wos_fields, wos_nfields, rec, &w->tmp, 0, special, w);
    /* PY is a year: a date without one (a literal "13th Century", a raw
     * text) is not written, and counted as dropped rather than lost
     * silently */
    const bib_field *issued = bib_record_get(rec, BIB_VAR_ISSUED);
    const bib_date *d = issued ? bib_field_date(issued) : NULL;
    bool dated = d && d->nparts >= 1 && d->parts[0].has_year;
    for (size_t i = 0; i < wos_nfields; i++)
        if (!(wos_fields[i].flags & TG_F_READ_ONLY) && wos_fields[i].var != BIB_VAR_NONE &&
            (wos_fields[i].var != BIB_VAR_ISSUED || dated))
            bib_writer_wrote(wr, wos_fields[i].var);
    bib_output_puts(w->out, "ER\n\n");
    return bib_output_error(w->out);
}

static int w_end(bib_writer *wr)
{
    wos_writer *w = bib_writer_state(wr);
    if (w->begun)
        bib_output_puts(w->out, "EF\n");
    bib_buf_clear(&w->tmp);
    bib_buf_clear(&w->line);
    return w->out ? bib_output_error(w->out) : 0;
}

const bib_writer_ops wos_writer_ops = {
    .state_size = sizeof(wos_writer),
    .begin = w_begin,
    .write = w_write,
    .end = w_end,
    .options = NULL,
};
