/* SPDX-License-Identifier: MIT */
/*
 * wos_reader.c - the Web of Science tagged-text reader: the shared line
 * loop (plugins/tagged) collects one record - the tag lines up to `ER` -
 * and this file maps its entries through the field table (wos_table.c,
 * docs/wos.md). Streams, one record at a time; the FN/VR header and the
 * closing EF are skipped.
 *
 * Names: AF "Last, First M" (one per line) are the authors; AU "Last, FM"
 * is read only when there is no AF (as many AU as AF: AU is AF's short
 * form; other counts: AU kept as an extra); CA names are group authors.
 * PY and PD together give the issued date, BP and EP the page range; PT and
 * DT the type, each kept as an extra when the writer would not give it
 * back.
 *
 * Not for: writing (wos_writer.c), the line loop (tagged_read.c).
 */
#include <stdlib.h>
#include <string.h>

#include "wosfmt.h"

typedef struct wos_reader {
    tg_reader r;
} wos_reader;

static int r_open(bib_reader *rd, bib_input *in, const bib_options *opts)
{
    (void)opts;
    wos_reader *w = bib_reader_state(rd);
    return tg_reader_open(&w->r, &wos_syntax, wos_fields, wos_nfields, in,
                          bib_reader_is_strict(rd));
}

static void r_close(bib_reader *rd)
{
    wos_reader *w = bib_reader_state(rd);
    tg_reader_close(&w->r);
}

/* What is mapped after the loop: the first of each, later ones extras. */
typedef struct later {
    const tg_entry *pt, *dt, *py, *pd, *bp, *ep, *ps;
    bool au_names, au_extra;
} later;

static void keep_first(tg_build *b, const tg_entry **slot, const tg_entry *e)
{
    if (!*slot)
        *slot = e;
    else
        tg_extra(b, e);
}

/* "Medvedeff, Cassandra A. (someone@example.org)": older exports put the
 * e-mail address after the name; it is kept as an EM extra and the entry
 * shortened to the name. */
static void split_email(tg_build *b, tg_entry *e)
{
    const char *s = tg_val(b->r, e);
    if (e->len < 4 || s[e->len - 1] != ')')
        return;
    const char *open = NULL;
    for (size_t i = e->len; i-- > 1;)
        if (s[i] == '(' && s[i - 1] == ' ') {
            open = s + i;
            break;
        }
    if (!open || !memchr(open, '@', (size_t)(s + e->len - open)))
        return;
    tg_entry mail = *e;
    mail.tag = tg_tag_pack("EM", 2);
    mail.off = (size_t)(open + 1 - b->r->vals.data);
    mail.len = (size_t)(s + e->len - 1 - open - 1);
    tg_extra(b, &mail);
    e->len = (size_t)(open - 1 - s);
}

/* Each line of a names entry is one name. */
static void add_names(tg_build *b, bib_var var, const tg_entry *e, int how)
{
    const char *s = tg_val(b->r, e), *end = s + e->len;
    while (s < end && !b->rc) {
        const char *q = memchr(s, '\n', (size_t)(end - s));
        if (!q)
            q = end;
        tg_entry sub = *e;
        sub.off = (size_t)(s - b->r->vals.data);
        sub.len = (size_t)(q - s);
        if (sub.len == 0) {
            s = q + 1;
            continue;
        }
        if (how != WOS_K_CA)
            split_email(b, &sub);
        if (how == WOS_K_CA)
            tg_add_literal(b, var, &sub);
        else
            tg_add_name(b, var, &sub, how == WOS_K_AF);
        s = q + 1;
    }
}

static void read_special(tg_build *b, const tg_field *f, const tg_entry *e, later *lt)
{
    switch (f->kind) {
    case WOS_K_PT: keep_first(b, &lt->pt, e); break;
    case WOS_K_DT: keep_first(b, &lt->dt, e); break;
    case WOS_K_PY: keep_first(b, &lt->py, e); break;
    case WOS_K_PD: keep_first(b, &lt->pd, e); break;
    case WOS_K_BP: keep_first(b, &lt->bp, e); break;
    case WOS_K_EP: keep_first(b, &lt->ep, e); break;
    case WOS_K_PS: keep_first(b, &lt->ps, e); break;
    case WOS_K_AU:
        if (lt->au_names)
            add_names(b, f->var, e, WOS_K_AU);
        else if (lt->au_extra)
            tg_extra(b, e);
        break;
    case WOS_K_AF:
    case WOS_K_CA:
        add_names(b, f->var, e, f->kind);
        break;
    case WOS_K_ISSN: {
        tg_field g = *f;
        g.kind = TG_K_ISSN;
        tg_read_generic(b, &g, e);
        break;
    }
    default:
        tg_extra(b, e);
        break;
    }
}

/* A copy of an entry's value as a C string (NULL for no entry). */
static char *str_of(tg_build *b, const tg_entry *e)
{
    if (!e)
        return NULL;
    char *s = malloc(e->len + 1);
    if (!s) {
        b->rc = BIB_ENOMEM;
        return NULL;
    }
    memcpy(s, tg_val(b->r, e), e->len);
    s[e->len] = '\0';
    return s;
}

static void map_type(tg_build *b, const later *lt)
{
    char *pt = str_of(b, lt->pt), *dt = str_of(b, lt->dt);
    if (!b->rc) {
        bib_type t = wos_type_of(pt, dt);
        bib_record_set_type(b->rec, t);
        if (pt && strcmp(pt, wos_pt_of_type(t)) != 0)
            tg_extra(b, lt->pt);
        if (dt && strcmp(dt, wos_dt_of_type(t)) != 0)
            tg_extra(b, lt->dt);
    }
    free(pt);
    free(dt);
}

static void map_date(tg_build *b, const later *lt)
{
    int year = 0;
    if (lt->py) {
        bib_date d;
        int rc = tg_date_parse(&d, tg_val(b->r, lt->py), lt->py->len, 0);
        if (rc == BIB_ENOMEM) {
            b->rc = rc;
            return;
        }
        if (rc == 0 && d.nparts == 1 && !d.parts[0].month && !d.parts[0].season)
            year = d.parts[0].year;
        bib_date_clear(&d);
        if (!year) { /* not a year: as written */
            tg_set_date(b, BIB_VAR_ISSUED, lt->py, 0);
            if (lt->pd)
                tg_extra(b, lt->pd);
            return;
        }
    }
    if (lt->pd) {
        bib_date d;
        int rc = tg_date_parse(&d, tg_val(b->r, lt->pd), lt->pd->len, year);
        if (rc == BIB_ENOMEM) {
            b->rc = rc;
            return;
        }
        if (rc == 0 && (!year || d.parts[0].year == year)) {
            b->rc = bib_record_set_date(b->rec, BIB_VAR_ISSUED, &d);
            bib_date_clear(&d);
            return;
        }
        bib_date_clear(&d);
        bib_input_report(b->r->in, BIB_SEV_WARNING, lt->pd->line, 1,
                         "publication date not understood, kept as an extra");
        tg_extra(b, lt->pd);
    }
    if (year) {
        bib_date d = {.nparts = 1, .parts = {{.has_year = true, .year = year}}};
        b->rc = bib_record_set_date(b->rec, BIB_VAR_ISSUED, &d);
    }
}

static void map_pages(tg_build *b, const later *lt)
{
    if (lt->ps && (lt->bp || lt->ep)) {
        tg_extra(b, lt->ps); /* BP/EP say it better */
    } else if (lt->ps) {
        tg_set_once(b, BIB_VAR_PAGE, lt->ps);
        return;
    }
    bib_buf *t = &b->r->tmp;
    bib_buf_reset(t);
    if (lt->bp)
        bib_buf_append(t, tg_val(b->r, lt->bp), lt->bp->len);
    if (lt->ep && !(lt->bp && lt->bp->len == lt->ep->len &&
                    memcmp(tg_val(b->r, lt->bp), tg_val(b->r, lt->ep), lt->ep->len) == 0)) {
        bib_buf_putc(t, '-');
        bib_buf_append(t, tg_val(b->r, lt->ep), lt->ep->len);
    }
    b->rc = bib_buf_failed(t) ? BIB_ENOMEM
                              : bib_record_set_text(b->rec, BIB_VAR_PAGE, t->data, t->len);
}

static later plan(const tg_reader *r)
{
    size_t af = 0, au = 0;
    tg_tag taf = tg_tag_pack("AF", 2), tau = tg_tag_pack("AU", 2);
    for (size_t i = 0; i < r->nent; i++) {
        const tg_entry *e = &r->ent[i];
        /* names are counted by lines: one entry holds all of them */
        size_t lines = 1;
        for (size_t k = 0; k < e->len; k++)
            lines += tg_val(r, e)[k] == '\n';
        af += e->tag == taf ? lines : 0;
        au += e->tag == tau ? lines : 0;
    }
    later lt = {.au_names = af == 0, .au_extra = af && au != af};
    return lt;
}

static void special(tg_build *b, const tg_field *f, const tg_entry *e, void *ctx)
{
    read_special(b, f, e, ctx);
}

static int build_record(tg_reader *r, bib_record **out)
{
    tg_build b;
    later lt = plan(r);
    if (tg_build_entries(&b, r, BIB_TYPE_ARTICLE_JOURNAL, special, &lt) == BIB_ENOMEM && !b.rec)
        return BIB_ENOMEM;
    if (!b.rc)
        map_type(&b, &lt);
    if (!b.rc && (lt.py || lt.pd))
        map_date(&b, &lt);
    if (!b.rc && (lt.bp || lt.ep || lt.ps))
        map_pages(&b, &lt);
    return tg_build_finish(&b, out);
}

static int r_next(bib_reader *rd, bib_record **out)
{
    wos_reader *w = bib_reader_state(rd);
    *out = NULL;
    int rc = tg_reader_collect(&w->r);
    if (rc <= 0)
        return rc;
    return build_record(&w->r, out);
}

const bib_reader_ops wos_reader_ops = {
    .state_size = sizeof(wos_reader),
    .open = r_open,
    .next = r_next,
    .close = r_close,
    .options = NULL,
};
