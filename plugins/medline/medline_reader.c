/* SPDX-License-Identifier: MIT */
/*
 * medline_reader.c - the MEDLINE (PubMed .nbib) reader: the shared line
 * loop (plugins/tagged) collects one record - the tag lines up to a blank
 * line - and this file maps its entries through the field table
 * (medline_table.c, docs/medline.md). Streams, one record at a time.
 *
 * Names: FAU "Last, First M" is the author; AU "Last FM" is read only when
 * the record has no FAU (as many AU as FAU: AU is FAU's short form and
 * adds nothing; other counts: AU kept as extras). CN is a corporate
 * author in its place in the list. The first [doi] of LID/AID is the DOI;
 * the other LID/AID values are kept as extras.
 *
 * Not for: writing (medline_writer.c), the line loop (tagged_read.c).
 */
#include <string.h>

#include "medlinefmt.h"

typedef struct ml_reader {
    tg_reader r;
} ml_reader;

static int r_open(bib_reader *rd, bib_input *in, const bib_options *opts)
{
    (void)opts;
    ml_reader *m = bib_reader_state(rd);
    return tg_reader_open(&m->r, &medline_syntax, medline_fields, medline_nfields, in,
                          bib_reader_is_strict(rd));
}

static void r_close(bib_reader *rd)
{
    ml_reader *m = bib_reader_state(rd);
    tg_reader_close(&m->r);
}

/* "10.1000/x [doi]": the DOI when the bracket says doi and none is set
 * yet; everything else is kept. */
static void read_aid(tg_build *b, const tg_entry *e)
{
    const char *s = tg_val(b->r, e);
    size_t len = e->len;
    static const char doi[] = " [doi]";
    size_t dl = sizeof doi - 1;
    if (len > dl && memcmp(s + len - dl, doi, dl) == 0) {
        const char *have = bib_record_text(b->rec, BIB_VAR_DOI);
        size_t vl = len - dl;
        if (!have) {
            b->rc = bib_record_set_text(b->rec, BIB_VAR_DOI, s, vl);
            return;
        }
        if (strlen(have) == vl && memcmp(have, s, vl) == 0 && e->tag != tg_tag_pack("LID", 3))
            return; /* AID repeating the DOI of LID */
    }
    tg_extra(b, e);
}

static void read_pt(tg_build *b, const tg_entry *e, bool *typed)
{
    bib_type t = medline_type_from_pt(tg_val(b->r, e), e->len);
    if (t != BIB_TYPE_UNKNOWN && !*typed) {
        bib_record_set_type(b->rec, t);
        *typed = true;
        return;
    }
    tg_extra(b, e);
}

/* How the record's names are read: AU and ED only stand in for FAU and
 * FED when those are absent, or are extras when the counts differ. */
typedef struct name_plan {
    bool au_names, au_extra, ed_names, ed_extra;
} name_plan;

static name_plan plan_names(const tg_reader *r)
{
    size_t fau = 0, au = 0, fed = 0, ed = 0;
    tg_tag tfau = tg_tag_pack("FAU", 3), tau = tg_tag_pack("AU", 2);
    tg_tag tfed = tg_tag_pack("FED", 3), ted = tg_tag_pack("ED", 2);
    for (size_t i = 0; i < r->nent; i++) {
        tg_tag t = r->ent[i].tag;
        fau += t == tfau;
        au += t == tau;
        fed += t == tfed;
        ed += t == ted;
    }
    name_plan p = {.au_names = fau == 0, .au_extra = fau && au != fau,
                   .ed_names = fed == 0, .ed_extra = fed && ed != fed};
    return p;
}

typedef struct ml_ctx {
    name_plan np;
    bool typed; /* a PT gave the type */
} ml_ctx;

static void read_special(tg_build *b, const tg_field *f, const tg_entry *e, void *ctx)
{
    ml_ctx *c = ctx;
    bool ed = f->var == BIB_VAR_EDITOR;
    switch (f->kind) {
    case ML_K_FAU:
        tg_add_name(b, f->var, e, true);
        break;
    case ML_K_AU:
        if (ed ? c->np.ed_names : c->np.au_names)
            tg_add_name(b, f->var, e, false);
        else if (ed ? c->np.ed_extra : c->np.au_extra)
            tg_extra(b, e);
        break;
    case ML_K_CN:
        tg_add_literal(b, f->var, e);
        break;
    case ML_K_DATE:
        tg_set_date(b, f->var, e, 0);
        break;
    case ML_K_AID:
        read_aid(b, e);
        break;
    case ML_K_PT:
        read_pt(b, e, &c->typed);
        break;
    default:
        tg_extra(b, e);
        break;
    }
}

static int build_record(tg_reader *r, bib_record **out)
{
    tg_build b;
    ml_ctx c = {.np = plan_names(r)};
    /* no PT that names a type: a journal article, what MEDLINE indexes */
    if (tg_build_entries(&b, r, BIB_TYPE_ARTICLE_JOURNAL, read_special, &c) == BIB_ENOMEM &&
        !b.rec)
        return BIB_ENOMEM;
    return tg_build_finish(&b, out);
}

static int r_next(bib_reader *rd, bib_record **out)
{
    ml_reader *m = bib_reader_state(rd);
    *out = NULL;
    int rc = tg_reader_collect(&m->r);
    if (rc <= 0)
        return rc;
    return build_record(&m->r, out);
}

const bib_reader_ops medline_reader_ops = {
    .state_size = sizeof(ml_reader),
    .open = r_open,
    .next = r_next,
    .close = r_close,
    .options = NULL,
};
