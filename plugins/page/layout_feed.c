/* SPDX-License-Identifier: MIT */
/*
 * layout_feed.c - the paper feed layout: each entry is a meta line
 * (score, arXiv category codes, date, "Code" badge), the title run
 * together with the authors ("…et al. · org"), then an abstract. Its
 * cues, states, transitions and record builder (records
 * of type article, genre preprint; the single-paper page uses the same
 * builder).
 *
 * Not for: the meta-line grammar and the title/author split (page_text.c).
 */
#include <stdio.h>
#include <string.h>

#include "bibconv/dates.h"
#include "bibconv/names.h"
#include "pageint.h"

/* ---- cues --------------------------------------------------------------- */

static int feed_score(const page_cues *c, int own)
{
    return own + (c->metas > 10 ? 40 : 4 * c->metas);
}

/* A meta line starts a new page after a page that is not a feed. */
static size_t feed_starts_page(const page_lines *pl, size_t i, size_t first,
                               page_layout current, bool cookie_seen)
{
    (void)first;
    (void)cookie_seen;
    page_meta m;
    if (current != PAGE_LAYOUT_FEED && page_parse_meta(pl->v[i].text, pl->v[i].len, &m))
        return i;
    return (size_t)-1;
}

/* ---- labelling ---------------------------------------------------------- */

enum { F_M, F_TA, F_B, F_X, F_K }; /* meta, title+authors, abstract, other */

static const char *const feed_states[F_K] = {"meta", "title+authors", "abstract", "other"};
static const page_role feed_roles[F_K] = {PAGE_ROLE_META, PAGE_ROLE_TITLE_AUTHORS,
                                          PAGE_ROLE_ABSTRACT, PAGE_ROLE_OTHER};
/* A record opens with its meta line: a page's first line is no title
 * line (a detected page starts at a meta line; a forced one may open
 * on chrome). */
static const int feed_start[F_K] = {0, PAGE_NEG, -20, 0};
static const int feed_trans[F_K * F_K] = {
    /* to:   M         TA        B         X */
    /* M  */ -5,       0,        PAGE_NEG, 0, /* the title line comes first */
    /* TA */ 0,        -8,       0,        0,
    /* B  */ 0,        -10,      -12,      0,
    /* X  */ 0,        0,        0,        0,
};

/* ---- records ------------------------------------------------------------ */

/* arXiv archives of the two-letter codes the feed shows. */
static const char *arxiv_archive(const char *c)
{
    static const char *const cs[] = {
        "AI", "AR", "CC", "CE", "CG", "CL", "CR", "CV", "CY", "DB", "DC", "DL", "DM",
        "DS", "ET", "FL", "GL", "GR", "GT", "HC", "IR", "IT", "LG", "LO", "MA", "MM",
        "MS", "NA", "NE", "NI", "OH", "OS", "PF", "PL", "RO", "SC", "SD", "SE", "SI",
        "SY", NULL};
    static const char *const qbio[] = {"NC", "QM", "BM", "CB", "GN", "MN", "PE", "TO", NULL};
    static const char *const stat[] = {"ML", "ME", "CO", "AP", NULL};
    for (const char *const *p = cs; *p; p++)
        if (strcmp(*p, c) == 0)
            return "cs";
    for (const char *const *p = qbio; *p; p++)
        if (strcmp(*p, c) == 0)
            return "q-bio";
    for (const char *const *p = stat; *p; p++)
        if (strcmp(*p, c) == 0)
            return "stat";
    return NULL;
}

struct feed_rec {
    bib_record *rec;
    size_t line;
    bool titled;
    bool has_abstract;
};

static int feed_meta(const page_build *b, struct feed_rec *f, const char *s, size_t n)
{
    page_meta m;
    if (!page_parse_meta(s, n, &m))
        return 0;
    int rc = 0;
    for (size_t i = 0; i + 1 < m.codes_len && rc == 0; i += 2) {
        char code[3] = {s[m.codes_off + i], s[m.codes_off + i + 1], '\0'};
        const char *arch = arxiv_archive(code);
        char kw[16];
        snprintf(kw, sizeof kw, "%s%s%s", arch ? arch : "", arch ? "." : "", code);
        rc = bib_record_add_text(f->rec, BIB_VAR_KEYWORD, kw, strlen(kw));
    }
    if (rc == 0)
        rc = bib_record_add_extra(f->rec, PAGE_FMT, "category", s + m.codes_off, m.codes_len);
    bib_date d;
    memset(&d, 0, sizeof d);
    int dr = bib_date_parse(&d, s + m.date_off, m.date_len, BIB_DATE_WRITTEN);
    if (dr == BIB_ENOMEM)
        return dr;
    if (dr == 0 && !m.has_year && b->year > 0 && d.nparts == 1) {
        d.parts[0].has_year = true;
        d.parts[0].year = (int)b->year;
    }
    if (rc == 0 && !m.has_year && b->year <= 0) {
        /* no year shown: CSL date-parts need one, so the date stays raw
         * text ("May 29") rather than a made-up year */
        char raw[32];
        size_t rl = m.date_len < sizeof raw - 1 ? m.date_len : sizeof raw - 1;
        memcpy(raw, s + m.date_off, rl);
        raw[rl] = '\0';
        bib_date only = {0};
        only.raw = raw;
        rc = bib_record_set_date(f->rec, BIB_VAR_ISSUED, &only);
    } else if (rc == 0) {
        rc = bib_record_set_date(f->rec, BIB_VAR_ISSUED, &d);
    }
    bib_date_clear(&d);
    if (rc == 0 && !m.has_year && b->year > 0) /* the date as shown */
        rc = bib_record_add_extra(f->rec, PAGE_FMT, "date", s + m.date_off, m.date_len);
    if (rc == 0 && m.score_len)
        rc = bib_record_add_extra(f->rec, PAGE_FMT, "score", s, m.score_len);
    if (rc == 0 && m.code)
        rc = bib_record_add_extra(f->rec, PAGE_FMT, "code", "true", 4);
    return rc;
}

struct piece_ctx {
    bib_record *rec;
    int rc;
};

static void add_piece(const char *s, size_t len, void *ctx)
{
    struct piece_ctx *c = ctx;
    if (c->rc == 0)
        c->rc = page_add_display_name(c->rec, s, len, BIB_NAME_GIVEN_FIRST);
}

static bool ascii_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

/* A split inside a title's last word of capitals (`…Conditional GA|N`,
 * `…via LoR|A`, `…via Lo|R`): what follows the glue is the whole author
 * part and one capital letter, or two or three right after a capital. A
 * line cut at its title's end (a page cut short) is split so; no name is
 * one letter, and an all-capital name is not glued inside a run of
 * capitals. */
static bool split_in_capitals(const char *s, const page_feed_split *sp)
{
    size_t a = sp->authors_off, e = sp->authors_end;
    if (a == 0 || e <= a || e - a > 3 || sp->et_al || sp->org_len
        || (e - a > 1 && !ascii_upper(s[a - 1])))
        return false;
    for (size_t i = a; i < e; i++)
        if (!ascii_upper(s[i]))
            return false;
    return true;
}

static int feed_title_authors(const page_build *b, struct feed_rec *f, const char *s,
                              size_t n, size_t ln)
{
    page_feed_split sp;
    bool ok = page_feed_split_line(s, n, &sp);
    if (ok && split_in_capitals(s, &sp)) {
        /* the whole line is the title (its authors cut off) */
        ok = false;
        sp.title_len = sp.authors_end;
    }
    const char *t = s;
    size_t tn = sp.title_len;
    page_trim_blank(&t, &tn);
    int rc = bib_record_set_text(f->rec, BIB_VAR_TITLE, t, tn);
    if (!ok) {
        char q[64];
        page_quote(q, sizeof q, s, n);
        bib_input_report(b->in, BIB_SEV_WARNING, ln, 1,
                         "no author list found after the title, kept as title: '%s'", q);
    } else {
        struct piece_ctx c = {f->rec, 0};
        page_split_commas(s + sp.authors_off, sp.authors_end - sp.authors_off, add_piece, &c);
        rc = rc ? rc : c.rc;
    }
    if (rc == 0 && sp.et_al)
        rc = bib_record_set_names_truncated(f->rec, BIB_VAR_AUTHOR, true);
    if (rc == 0 && sp.org_len)
        rc = bib_record_add_extra(f->rec, PAGE_FMT, "org", s + sp.org_off, sp.org_len);
    f->titled = true;
    return rc;
}

static int feed_finish(const page_build *b, struct feed_rec *f)
{
    if (!f->rec)
        return 0;
    bib_record *rec = f->rec;
    f->rec = NULL;
    return b->emit(b->ctx, rec, f->line);
}

static int feed_new(struct feed_rec *f, size_t ln)
{
    f->rec = bib_record_new(BIB_TYPE_ARTICLE, NULL);
    if (!f->rec)
        return BIB_ENOMEM;
    f->line = ln;
    f->titled = f->has_abstract = false;
    return bib_record_set_text(f->rec, BIB_VAR_GENRE, "preprint", 8);
}

int page_build_feed(const page_build *b, const page_lines *pl, const page_role *roles)
{
    struct feed_rec f = {0};
    int rc = 0;
    size_t last = page_last_labelled(pl, roles);
    for (size_t i = 0; i < pl->n && rc == 0; i++) {
        const char *s = pl->v[i].text;
        size_t n = pl->v[i].len;
        page_trim_blank(&s, &n);
        size_t ln = pl->v[i].lineno;
        switch (roles[i]) {
        case PAGE_ROLE_META:
            rc = feed_finish(b, &f);
            if (rc == 0)
                rc = feed_new(&f, ln);
            if (rc == 0)
                rc = feed_meta(b, &f, s, n);
            break;
        case PAGE_ROLE_TITLE: /* a single-paper page shows no authors */
            if (!f.rec || f.titled) {
                rc = feed_finish(b, &f);
                if (rc == 0)
                    rc = feed_new(&f, ln);
            }
            if (rc == 0)
                rc = bib_record_set_text(f.rec, BIB_VAR_TITLE, s, n);
            f.titled = true;
            break;
        case PAGE_ROLE_TITLE_AUTHORS:
            if (!f.rec || f.titled) {
                rc = feed_finish(b, &f);
                if (rc == 0)
                    rc = feed_new(&f, ln);
            }
            if (rc == 0)
                rc = feed_title_authors(b, &f, s, n, ln);
            break;
        case PAGE_ROLE_VENUE: { /* a single-paper page's metrics line */
            size_t vo, vl;
            if (f.rec && page_metrics_venue(s, n, &vo, &vl)) {
                rc = bib_record_set_text(f.rec, BIB_VAR_CONTAINER_TITLE, s + vo, vl);
                if (rc == 0)
                    rc = bib_record_add_extra(f.rec, PAGE_FMT, "venue", s + vo, vl);
            }
            break;
        }
        case PAGE_ROLE_ABSTRACT:
            if (!f.rec || f.has_abstract) {
                char q[64];
                page_quote(q, sizeof q, s, n);
                bib_input_report(b->in, BIB_SEV_WARNING, ln, 1,
                                 "abstract without a record, skipped: '%s'", q);
                break;
            }
            f.has_abstract = true;
            rc = bib_record_set_text(f.rec, BIB_VAR_ABSTRACT, s, n);
            if (rc == 0 && i == last)
                rc = page_mark_cut(b, f.rec, s, n, ln);
            break;
        default:
            break;
        }
    }
    /* a page cut right after a meta line: the meta line alone is no
     * record (a record without its title would be a fake one) */
    if (rc == 0 && f.rec && !f.titled && !f.has_abstract && !b->more) {
        bib_input_report(b->in, BIB_SEV_WARNING, f.line, 1,
                         "page ends after a meta line; no record for it");
        bib_record_free(f.rec);
        f.rec = NULL;
    }
    if (rc == 0)
        rc = feed_finish(b, &f);
    else if (f.rec)
        bib_record_free(f.rec);
    return rc;
}

const page_layout_desc page_layout_feed = {
    .name = "feed",
    .score = feed_score,
    .starts_page = feed_starts_page,
    .nstates = F_K,
    .state_names = feed_states,
    .state_roles = feed_roles,
    .start = feed_start,
    .trans = feed_trans,
    .features = PAGE_FEAT_META | PAGE_FEAT_FEED_SPLIT | PAGE_FEAT_PLACEHOLDER | PAGE_FEAT_PROSE
                | PAGE_FEAT_CHARS,
    .build = page_build_feed,
};
