/* SPDX-License-Identifier: MIT */
/*
 * medline_writer.c - the MEDLINE (.nbib) writer: each record as PubMed
 * writes it, the rows of the field table in order (medline_table.c), long
 * values wrapped at 80 columns with six-space continuation lines, records
 * separated by a blank line. Titles lose their rich-text markup; line
 * breaks inside a value become spaces (MEDLINE has no paragraphs). What
 * MEDLINE cannot carry is listed in docs/medline.md.
 *
 * Not for: reading (medline_reader.c).
 */
#include <stdio.h>
#include <string.h>

#include "medlinefmt.h"

enum { WRAP = 80 };

typedef struct ml_writer {
    bib_output *out;
    bib_buf tmp, line;
    size_t count;
} ml_writer;

static int w_begin(bib_writer *wr, bib_output *out, const bib_options *opts)
{
    (void)opts;
    ml_writer *w = bib_writer_state(wr);
    w->out = out;
    bib_writer_track_fields(wr);
    bib_writer_carries_extras(wr, medline_syntax.format); /* tg_write_rows */
    bib_buf_init(&w->tmp);
    bib_buf_init(&w->line);
    return 0;
}

static void put(ml_writer *w, const char *tag, const bib_buf *b)
{
    if (bib_buf_failed(b))
        bib_output_fail(w->out, BIB_ENOMEM);
    else if (b->len)
        tg_write(w->out, &medline_syntax, tag, b->data, b->len, false, WRAP);
}

/* Every name of the variable: FAU and AU (FED and ED for editors), or CN
 * for an institution among the authors. */
static void write_names(ml_writer *w, const tg_field *f, const bib_record *rec)
{
    const bib_field *fld = bib_record_get(rec, f->var);
    bool ed = f->var == BIB_VAR_EDITOR;
    /* AU lines kept as extras (their count differed from FAU's): those are
     * written, not new ones */
    bool short_kept = bib_record_extra_get(rec, medline_syntax.format, ed ? "ED" : "AU") != NULL;
    for (size_t i = 0; fld && i < bib_field_name_count(fld); i++) {
        const bib_name *n = bib_field_name_at(fld, i);
        bib_buf_reset(&w->line);
        if (!n->family && n->literal && !ed) {
            bib_buf_puts(&w->line, n->literal);
            put(w, "CN", &w->line);
            continue;
        }
        tg_name_format_full(&w->line, n);
        put(w, ed ? "FED" : "FAU", &w->line);
        if (short_kept)
            continue;
        bib_buf_reset(&w->line);
        tg_name_format_short(&w->line, n, false);
        put(w, ed ? "ED" : "AU", &w->line);
    }
}

static void write_date(ml_writer *w, const tg_field *f, const bib_record *rec)
{
    const bib_field *fld = bib_record_get(rec, f->var);
    const bib_date *d = fld ? bib_field_date(fld) : NULL;
    if (!d)
        return;
    bib_buf_reset(&w->line);
    if (f->var == BIB_VAR_AVAILABLE_DATE) {
        /* DEP is YYYYMMDD: only a whole day has that form */
        const bib_date_part *p = &d->parts[0];
        if (tg_date_whole_day(d))
            bib_buf_printf(&w->line, "%04d%02d%02d", p->year, p->month, p->day);
    } else if (tg_date_format(&w->line, d) != 0) {
        return;
    }
    put(w, f->tag, &w->line);
}

static void special(void *ctx, const tg_field *f, const bib_record *rec)
{
    ml_writer *w = ctx;
    switch (f->kind) {
    case ML_K_FAU:
        write_names(w, f, rec);
        break;
    case ML_K_DATE:
        write_date(w, f, rec);
        break;
    case ML_K_AID: {
        const char *doi = bib_record_text(rec, BIB_VAR_DOI);
        if (doi && *doi) {
            bib_buf_reset(&w->line);
            bib_buf_printf(&w->line, "%s [doi]", doi);
            put(w, "AID", &w->line);
        }
        break;
    }
    case ML_K_PT: {
        const char *pt = medline_pt_of_type(bib_record_type(rec));
        if (pt)
            tg_write(w->out, &medline_syntax, "PT", pt, strlen(pt), false, WRAP);
        break;
    }
    default:
        break;
    }
}

static int w_write(bib_writer *wr, const bib_record *rec)
{
    ml_writer *w = bib_writer_state(wr);
    if (bib_record_kind_of(rec) != BIB_RECORD_ENTRY)
        return 0;
    if (tg_writes_nothing(&medline_syntax, medline_fields, medline_nfields, rec))
        return tg_refuse_empty(w->out, &medline_syntax, rec);
    if (w->count++)
        bib_output_putc(w->out, '\n');
    tg_write_rows(w->out, &medline_syntax, medline_fields, medline_nfields, rec, &w->tmp, WRAP,
                  special, w);
    tg_mark_written(wr, medline_fields, medline_nfields);
    return bib_output_error(w->out);
}

static int w_end(bib_writer *wr)
{
    ml_writer *w = bib_writer_state(wr);
    bib_buf_clear(&w->tmp);
    bib_buf_clear(&w->line);
    return w->out ? bib_output_error(w->out) : 0;
}

const bib_writer_ops medline_writer_ops = {
    .state_size = sizeof(ml_writer),
    .begin = w_begin,
    .write = w_write,
    .end = w_end,
    .options = NULL,
};
