/* SPDX-License-Identifier: MIT */
/*
 * page.c - the page module: reads the text of a publication-list web page
 * (researcher profile, paper feed, seminar topic page; plain text copied
 * from a browser or saved HTML) and yields one record per publication,
 * talk or poster. Lines are buffered one page at a time (pages follow one
 * another in a stream, each with its own layout); a page is labelled by
 * page_text.c and its records are built here, names through core's
 * display-name splitter, dates through core's date parser and ids by
 * core's key rule.
 *
 * Not for: writing pages (reader only), or pages of other sites than the
 * layouts documented in docs/page.md (they are refused with a diagnostic).
 * HTML input is parsed whole (libxml2 needs the document), bounded by
 * PAGE_HTML_MAX bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/dates.h"
#include "bibconv/keys.h"
#include "bibconv/names.h"
#include "bibconv/plugin.h"
#include "bibconv/utf8.h"
#include "pageint.h"

/* A feed page is flushed at a meta line once this many lines are held, so
 * memory stays flat on a long feed; other layouts are bounded harder. */
#define PAGE_FEED_FLUSH 3000
#define PAGE_MAX_LINES 5000
#define PAGE_HTML_MAX (64u * 1024 * 1024)

static const char FMT[] = "page";

struct page_reader {
    bib_input *in;
    page_layout forced;
    bool owner_author;
    long year;
    bool strict;
    page_lines page;          /* lines of the page being buffered */
    page_layout guess;        /* FEED when the page opened on a meta line */
    size_t nonblank;          /* non-blank lines held in the page */
    bool cookie;              /* the page held has a cookie-consent line */
    bool eof;
    bool html;
    page_lines html_lines;    /* an HTML input turned into lines */
    size_t html_pos;
    bib_record **queue;       /* records of the last page, in order */
    size_t qhead, qn, qcap;
    bib_keyset *keys;
    struct base_slot *bases;  /* records per base key (see base_count) */
    size_t nbases, cbases;
    int pending;              /* a status to return before the queue */
    page_layout last;         /* layout of the page labelled last */
    page_layout cont;         /* set: the page held continues that layout */
    bool warned_long;
    bib_buf owner;            /* owner of the profile page labelled last */
};

/* ---- small helpers ------------------------------------------------------ */

static void trim(const char **s, size_t *len)
{
    const char *p = *s;
    size_t n = *len;
    while (n && (*p == ' ' || *p == '\t' || *p == '\r'))
        p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
        n--;
    *s = p;
    *len = n;
}

static int queue_push(struct page_reader *r, bib_record *rec)
{
    if (r->qn == r->qcap) {
        size_t cap = r->qcap ? r->qcap * 2 : 32;
        bib_record **q = realloc(r->queue, cap * sizeof *q);
        if (!q) {
            bib_record_free(rec);
            return BIB_ENOMEM;
        }
        r->queue = q;
        r->qcap = cap;
    }
    r->queue[r->qn++] = rec;
    return 0;
}

/* A short quote of a line for diagnostics (at most ~20 characters). */
static void quote(char *out, size_t cap, const char *s, size_t len)
{
    size_t n = 0, i = 0;
    while (i < len && n + 5 < cap) {
        uint32_t c;
        int k = bib_utf8_decode(s + i, len - i, &c);
        if (k <= 0 || bib_utf8_length(out, n) >= 20)
            break;
        memcpy(out + n, s + i, (size_t)k);
        n += (size_t)k;
        i += (size_t)k;
    }
    if (i < len && n + 4 < cap) {
        memcpy(out + n, "...", 3);
        n += 3;
    }
    out[n] = '\0';
}

static int add_display_name(bib_record *rec, const char *s, size_t len)
{
    bib_name nm;
    memset(&nm, 0, sizeof nm);
    int rc = bib_name_parse_display(&nm, s, len);
    if (rc == BIB_ENOMEM)
        return rc;
    if (rc != 0) {
        /* no letters: keep the text as shown */
        char *lit = malloc(len + 1);
        if (!lit)
            return BIB_ENOMEM;
        memcpy(lit, s, len);
        lit[len] = '\0';
        bib_name l = {0};
        l.literal = lit;
        rc = bib_record_add_name(rec, BIB_VAR_AUTHOR, &l);
        free(lit);
        return rc;
    }
    rc = bib_record_add_name(rec, BIB_VAR_AUTHOR, &nm);
    bib_name_clear(&nm);
    return rc;
}

/* How many records so far had each base key: a page that repeats one
 * record many times would otherwise make core probe every suffix again
 * for each copy (quadratic). Open addressing on a 64-bit FNV-1a hash of
 * the base key; bounded, past which core's probing takes over. */
#define PAGE_BASES_MAX (1u << 18)

struct base_slot {
    uint64_t hash; /* 0: empty */
    uint32_t count;
};

static uint64_t fnv1a(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h ? h : 1;
}

/* The count slot of a base key, added when missing; NULL when full. */
static struct base_slot *base_count(struct page_reader *r, const char *base)
{
    uint64_t h = fnv1a(base);
    if (r->nbases * 2 >= r->cbases) {
        size_t cap = r->cbases ? r->cbases * 2 : 256;
        if (cap > PAGE_BASES_MAX)
            return NULL;
        struct base_slot *t = calloc(cap, sizeof *t);
        if (!t)
            return NULL;
        for (size_t i = 0; i < r->cbases; i++) {
            if (!r->bases[i].hash)
                continue;
            size_t j = (size_t)r->bases[i].hash & (cap - 1);
            while (t[j].hash)
                j = (j + 1) & (cap - 1);
            t[j] = r->bases[i];
        }
        free(r->bases);
        r->bases = t;
        r->cbases = cap;
    }
    size_t j = (size_t)h & (r->cbases - 1);
    while (r->bases[j].hash && r->bases[j].hash != h)
        j = (j + 1) & (r->cbases - 1);
    if (!r->bases[j].hash) {
        r->bases[j].hash = h;
        r->nbases++;
    }
    return &r->bases[j];
}

/* Sets the id by core's key rule, unique in this run. */
static int finish_record(struct page_reader *r, bib_record *rec, size_t line)
{
    bib_buf key = BIB_BUF_INIT, want = BIB_BUF_INIT;
    int rc = bib_key_generate(&want, rec);
    struct base_slot *slot = rc == 0 ? base_count(r, want.data) : NULL;
    if (slot && slot->count)
        bib_key_suffix(&want, slot->count - 1); /* the suffix core would reach */
    if (slot && slot->count < UINT32_MAX)
        slot->count++;
    if (rc == 0)
        rc = bib_buf_failed(&want) ? BIB_ENOMEM
                                   : bib_key_unique(&key, r->keys, rec, slot ? want.data : NULL);
    bib_buf_clear(&want);
    if (rc == 0)
        rc = bib_record_set_id(rec, key.data);
    bib_buf_clear(&key);
    if (rc == 0)
        rc = bib_record_set_origin(rec, bib_input_name(r->in), line);
    if (rc != 0) {
        bib_record_free(rec);
        return rc;
    }
    return queue_push(r, rec);
}

/* ---- profile pages ------------------------------------------------------ */

/* The page owner: from the portrait line ("Portrait of NAME", "... is
 * unavailable", "Portrait de NAME n'est pas disponible"), else the
 * name-like line nearest before the heading. */
static void find_owner(const page_lines *pl, const page_role *roles, const char **os,
                       size_t *on)
{
    *os = NULL;
    *on = 0;
    for (size_t i = 0; i < pl->n; i++) {
        const char *s = pl->v[i].text;
        size_t n = pl->v[i].len;
        trim(&s, &n);
        if (!n)
            continue;
        static const char *const pre[] = {"Portrait of ", "Portrait de ", "Portrait d'", NULL};
        static const char *const post[] = {" is unavailable", " n'est pas disponible",
                                           " n\xE2\x80\x99" "est pas disponible", NULL};
        for (const char *const *p = pre; *p; p++) {
            size_t pn = strlen(*p);
            if (n > pn && memcmp(s, *p, pn) == 0) {
                s += pn;
                n -= pn;
                for (const char *const *q = post; *q; q++) {
                    size_t qn = strlen(*q);
                    if (n > qn && memcmp(s + n - qn, *q, qn) == 0) {
                        n -= qn;
                        break;
                    }
                }
                *os = s;
                *on = n;
                return;
            }
        }
        break; /* only the first non-blank line */
    }
    size_t h = pl->n;
    for (size_t i = 0; i < pl->n; i++)
        if (roles[i] == PAGE_ROLE_SECTION)
            h = i;
    for (size_t i = h, seen = 0; i-- > 0 && seen < 4;) {
        const char *s = pl->v[i].text;
        size_t n = pl->v[i].len;
        trim(&s, &n);
        if (!n)
            continue;
        seen++;
        if (page_name_score(s, n) > 0) {
            *os = s;
            *on = n;
            return;
        }
    }
}

struct prof_rec {
    bib_record *rec;
    size_t line;
    bool has_abstract;
    bool has_author_owner;
};

static bool same_person(const bib_record *rec, const char *os, size_t on)
{
    const bib_field *f = bib_record_get(rec, BIB_VAR_AUTHOR);
    if (!f)
        return false;
    bib_buf a = BIB_BUF_INIT, b = BIB_BUF_INIT, d = BIB_BUF_INIT;
    bib_utf8_match_key(&a, os, on);
    bool same = false;
    for (size_t i = 0; i < bib_field_name_count(f) && !same; i++) {
        bib_buf_reset(&d);
        bib_buf_reset(&b);
        bib_name_format_display(&d, bib_field_name_at(f, i));
        bib_utf8_match_key(&b, d.data, d.len);
        same = a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
    }
    bib_buf_clear(&a);
    bib_buf_clear(&b);
    bib_buf_clear(&d);
    return same;
}

static int prof_finish(struct page_reader *r, struct prof_rec *p, const char *os, size_t on)
{
    if (!p->rec)
        return 0;
    bib_record *rec = p->rec;
    p->rec = NULL;
    int rc = 0;
    if (on) {
        rc = bib_record_add_extra(rec, FMT, "owner", os, on);
        if (rc == 0 && r->owner_author && !same_person(rec, os, on)) {
            bool cut = false;
            const bib_field *f = bib_record_get(rec, BIB_VAR_AUTHOR);
            if (f)
                cut = bib_field_names_truncated(f);
            rc = add_display_name(rec, os, on);
            if (rc == 0 && cut)
                rc = bib_record_set_names_truncated(rec, BIB_VAR_AUTHOR, true);
        }
    }
    if (rc != 0) {
        bib_record_free(rec);
        return rc;
    }
    return finish_record(r, rec, p->line);
}

static int prof_abstract(bib_record *rec, const char *s, size_t n)
{
    size_t ml = 0;
    long at = page_find_abs_marker(s, n, &ml);
    if (at < 0)
        return bib_record_set_text(rec, BIB_VAR_ABSTRACT, s, n);
    /* the halves joined as they stand: no space added or dropped */
    bib_buf b = BIB_BUF_INIT;
    bib_buf_append(&b, s, (size_t)at);
    bib_buf_append(&b, s + at + ml, n - (size_t)at - ml);
    int rc = bib_buf_failed(&b) ? BIB_ENOMEM : bib_record_set_text(rec, BIB_VAR_ABSTRACT,
                                                                    b.data, b.len);
    bib_buf_clear(&b);
    return rc;
}

/* A line ends like the end of a text (not cut by the page's end). */
static bool ends_complete(const char *s, size_t n)
{
    if (!n)
        return false;
    char c = s[n - 1];
    if (c == '.' || c == '!' || c == '?' || c == ')' || c == '"' || c == '\'' || c == ']')
        return true;
    /* closing curly quotes */
    return n >= 3 && (memcmp(s + n - 3, "\xE2\x80\x9D", 3) == 0
                      || memcmp(s + n - 3, "\xE2\x80\x99", 3) == 0);
}

static int build_profile(struct page_reader *r, const page_lines *pl, const page_role *roles,
                         bool cont)
{
    const char *os;
    size_t on;
    if (cont) {
        /* the rest of an over-long page: its owner was found on its start */
        os = r->owner.data;
        on = r->owner.len;
    } else {
        find_owner(pl, roles, &os, &on);
        bib_buf_reset(&r->owner);
        if (on && bib_buf_append(&r->owner, os, on) != 0)
            return BIB_ENOMEM;
    }
    struct prof_rec p = {0};
    int rc = 0;
    size_t last = pl->n;
    for (size_t i = pl->n; i-- > 0;)
        if (roles[i] != PAGE_ROLE_BLANK) {
            last = i;
            break;
        }
    for (size_t i = 0; i < pl->n && rc == 0; i++) {
        const char *s = pl->v[i].text;
        size_t n = pl->v[i].len;
        trim(&s, &n);
        size_t ln = pl->v[i].lineno;
        switch (roles[i]) {
        case PAGE_ROLE_TITLE:
            rc = prof_finish(r, &p, os, on);
            if (rc)
                break;
            p.rec = bib_record_new(BIB_TYPE_ARTICLE, NULL);
            p.line = ln;
            p.has_abstract = false;
            if (!p.rec)
                return BIB_ENOMEM;
            rc = bib_record_set_text(p.rec, BIB_VAR_TITLE, s, n);
            break;
        case PAGE_ROLE_AUTHOR: {
            if (!p.rec)
                break;
            long am = page_find_auth_marker(s, n);
            if (am >= 0) {
                rc = am > 0 ? add_display_name(p.rec, s, (size_t)am) : 0;
                if (rc == 0)
                    rc = bib_record_set_names_truncated(p.rec, BIB_VAR_AUTHOR, true);
            } else {
                rc = add_display_name(p.rec, s, n);
            }
            break;
        }
        case PAGE_ROLE_ABSTRACT:
            if (!p.rec || p.has_abstract) {
                rc = prof_finish(r, &p, os, on);
                if (rc)
                    break;
                char q[64];
                quote(q, sizeof q, s, n);
                bib_input_report(r->in, BIB_SEV_WARNING, ln, 1,
                                 "record without a title, kept: '%s'", q);
                p.rec = bib_record_new(BIB_TYPE_ARTICLE, NULL);
                p.line = ln;
                if (!p.rec)
                    return BIB_ENOMEM;
            }
            p.has_abstract = true;
            rc = prof_abstract(p.rec, s, n);
            if (rc == 0 && i == last && page_find_abs_marker(s, n, NULL) < 0
                && !ends_complete(s, n)) {
                bib_input_report(r->in, BIB_SEV_WARNING, ln, 1,
                                 "page ends inside a record; kept as far as it goes");
                rc = bib_record_add_extra(p.rec, FMT, "incomplete", "true", 4);
            }
            break;
        default:
            break;
        }
    }
    if (rc == 0)
        rc = prof_finish(r, &p, os, on);
    else if (p.rec)
        bib_record_free(p.rec);
    return rc;
}

/* ---- feed pages --------------------------------------------------------- */

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

static int feed_meta(struct page_reader *r, struct feed_rec *f, const char *s, size_t n)
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
        rc = bib_record_add_extra(f->rec, FMT, "category", s + m.codes_off, m.codes_len);
    bib_date d;
    memset(&d, 0, sizeof d);
    int dr = bib_date_parse(&d, s + m.date_off, m.date_len, BIB_DATE_WRITTEN);
    if (dr == BIB_ENOMEM)
        return dr;
    if (dr == 0 && !m.has_year && r->year > 0 && d.nparts == 1) {
        d.parts[0].has_year = true;
        d.parts[0].year = (int)r->year;
    }
    if (rc == 0 && !m.has_year && r->year <= 0) {
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
    if (rc == 0 && !m.has_year && r->year > 0) /* the date as shown */
        rc = bib_record_add_extra(f->rec, FMT, "date", s + m.date_off, m.date_len);
    if (rc == 0 && m.score_len)
        rc = bib_record_add_extra(f->rec, FMT, "score", s, m.score_len);
    if (rc == 0 && m.code)
        rc = bib_record_add_extra(f->rec, FMT, "code", "true", 4);
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
        c->rc = add_display_name(c->rec, s, len);
}

static int feed_title_authors(struct page_reader *r, struct feed_rec *f, const char *s,
                              size_t n, size_t ln)
{
    page_feed_split sp;
    bool ok = page_feed_split_line(s, n, &sp);
    const char *t = s;
    size_t tn = sp.title_len;
    trim(&t, &tn);
    int rc = bib_record_set_text(f->rec, BIB_VAR_TITLE, t, tn);
    if (!ok) {
        char q[64];
        quote(q, sizeof q, s, n);
        bib_input_report(r->in, BIB_SEV_WARNING, ln, 1,
                         "no author list found after the title, kept as title: '%s'", q);
    } else {
        struct piece_ctx c = {f->rec, 0};
        page_split_commas(s + sp.authors_off, sp.authors_end - sp.authors_off, add_piece, &c);
        rc = rc ? rc : c.rc;
    }
    if (rc == 0 && sp.et_al)
        rc = bib_record_set_names_truncated(f->rec, BIB_VAR_AUTHOR, true);
    if (rc == 0 && sp.org_len)
        rc = bib_record_add_extra(f->rec, FMT, "org", s + sp.org_off, sp.org_len);
    f->titled = true;
    return rc;
}

static int feed_finish(struct page_reader *r, struct feed_rec *f)
{
    if (!f->rec)
        return 0;
    bib_record *rec = f->rec;
    f->rec = NULL;
    return finish_record(r, rec, f->line);
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

static int build_feed(struct page_reader *r, const page_lines *pl, const page_role *roles)
{
    struct feed_rec f = {0};
    int rc = 0;
    for (size_t i = 0; i < pl->n && rc == 0; i++) {
        const char *s = pl->v[i].text;
        size_t n = pl->v[i].len;
        trim(&s, &n);
        size_t ln = pl->v[i].lineno;
        switch (roles[i]) {
        case PAGE_ROLE_META:
            rc = feed_finish(r, &f);
            if (rc == 0)
                rc = feed_new(&f, ln);
            if (rc == 0)
                rc = feed_meta(r, &f, s, n);
            break;
        case PAGE_ROLE_TITLE: /* a single-paper page shows no authors */
            if (!f.rec || f.titled) {
                rc = feed_finish(r, &f);
                if (rc == 0)
                    rc = feed_new(&f, ln);
            }
            if (rc == 0)
                rc = bib_record_set_text(f.rec, BIB_VAR_TITLE, s, n);
            f.titled = true;
            break;
        case PAGE_ROLE_TITLE_AUTHORS:
            if (!f.rec || f.titled) {
                rc = feed_finish(r, &f);
                if (rc == 0)
                    rc = feed_new(&f, ln);
            }
            if (rc == 0)
                rc = feed_title_authors(r, &f, s, n, ln);
            break;
        case PAGE_ROLE_ABSTRACT:
            if (!f.rec || f.has_abstract) {
                char q[64];
                quote(q, sizeof q, s, n);
                bib_input_report(r->in, BIB_SEV_WARNING, ln, 1,
                                 "abstract without a record, skipped: '%s'", q);
                break;
            }
            f.has_abstract = true;
            rc = bib_record_set_text(f.rec, BIB_VAR_ABSTRACT, s, n);
            break;
        default:
            break;
        }
    }
    if (rc == 0)
        rc = feed_finish(r, &f);
    else if (f.rec)
        bib_record_free(f.rec);
    return rc;
}

/* ---- topic pages -------------------------------------------------------- */

static int build_topic(struct page_reader *r, const page_lines *pl, const page_role *roles)
{
    const char *topic = NULL;
    size_t tn = 0;
    for (size_t i = 0; i < pl->n; i++)
        if (roles[i] == PAGE_ROLE_HEADER) {
            topic = pl->v[i].text;
            tn = pl->v[i].len;
            trim(&topic, &tn);
            break;
        }
    if (tn > 80)
        tn = 0; /* a paragraph, not a topic name */
    bib_record *cur = NULL;
    size_t cur_line = 0;
    bool has_abs = false;
    int rc = 0;
    for (size_t i = 0; i < pl->n && rc == 0; i++) {
        const char *s = pl->v[i].text;
        size_t n = pl->v[i].len;
        trim(&s, &n);
        size_t ln = pl->v[i].lineno;
        switch (roles[i]) {
        case PAGE_ROLE_TITLE:
        case PAGE_ROLE_POSTER:
            if (cur) {
                rc = finish_record(r, cur, cur_line);
                cur = NULL;
                if (rc)
                    break;
            }
            cur = bib_record_new(BIB_TYPE_SPEECH, NULL);
            if (!cur)
                return BIB_ENOMEM;
            cur_line = ln;
            has_abs = false;
            rc = bib_record_set_text(cur, BIB_VAR_TITLE, s, n);
            if (rc == 0 && roles[i] == PAGE_ROLE_POSTER)
                rc = bib_record_set_text(cur, BIB_VAR_GENRE, "poster", 6);
            if (rc == 0 && tn)
                rc = bib_record_add_text(cur, BIB_VAR_KEYWORD, topic, tn);
            break;
        case PAGE_ROLE_ABSTRACT:
            if (!cur || has_abs) {
                char q[64];
                quote(q, sizeof q, s, n);
                bib_input_report(r->in, BIB_SEV_WARNING, ln, 1,
                                 "abstract without a title, skipped: '%s'", q);
                break;
            }
            has_abs = true;
            rc = bib_record_set_text(cur, BIB_VAR_ABSTRACT, s, n);
            break;
        case PAGE_ROLE_VENUE: {
            if (!cur)
                break;
            int year;
            size_t nl;
            if (!page_parse_venue(s, n, &year, &nl))
                break;
            rc = bib_record_set_text(cur, BIB_VAR_EVENT_TITLE, s, year ? nl : n);
            if (rc == 0 && year) {
                bib_date d;
                memset(&d, 0, sizeof d);
                d.nparts = 1;
                d.parts[0].has_year = true;
                d.parts[0].year = year;
                rc = bib_record_set_date(cur, BIB_VAR_ISSUED, &d);
            }
            if (rc == 0)
                rc = bib_record_add_extra(cur, FMT, "venue", s, n);
            break;
        }
        default:
            break;
        }
    }
    if (cur) {
        if (rc == 0)
            rc = finish_record(r, cur, cur_line);
        else
            bib_record_free(cur);
    }
    return rc;
}

/* ---- pages -------------------------------------------------------------- */

/* Labels lines [0..k) of the buffered page, queues its records and drops
 * those lines. */
static int process_page(struct page_reader *r, size_t k)
{
    page_lines pl = {r->page.v, k, k};
    bool any = false;
    for (size_t i = 0; i < k && !any; i++) {
        const char *s = pl.v[i].text;
        size_t n = pl.v[i].len;
        trim(&s, &n);
        any = n > 0;
    }
    int rc = 0;
    if (any) {
        const char *lang = "en";
        page_layout lay = r->forced;
        bool cont = r->cont != PAGE_LAYOUT_NONE;
        if (cont)
            lay = r->cont; /* the rest of an over-long page */
        if (lay == PAGE_LAYOUT_NONE)
            lay = page_detect_layout(&pl, &lang);
        r->last = lay;
        if (lay == PAGE_LAYOUT_NONE) {
            size_t f = 0;
            while (f < k && !pl.v[f].len)
                f++;
            char q[64];
            quote(q, sizeof q, pl.v[f].text, pl.v[f].len);
            bib_input_report(r->in, BIB_SEV_ERROR, pl.v[f].lineno, 1,
                             "expected a publication-list page (profile, feed or topic), "
                             "found '%s'", q);
            r->pending = BIB_EPARSE;
        } else {
            page_role *roles = malloc(k * sizeof *roles);
            if (!roles || page_label_part(&pl, lay, roles, cont) != 0) {
                free(roles);
                return BIB_ENOMEM;
            }
            bool errors = false;
            for (size_t i = 0; i < k; i++) {
                if (roles[i] != PAGE_ROLE_OTHER)
                    continue;
                char q[64];
                quote(q, sizeof q, pl.v[i].text, pl.v[i].len);
                bib_input_report(r->in, r->strict ? BIB_SEV_ERROR : BIB_SEV_WARNING,
                                 pl.v[i].lineno, 1, "line fits no role in this %s page: '%s'",
                                 page_layout_name(lay), q);
                errors = true;
            }
            if (lay == PAGE_LAYOUT_FEED || lay == PAGE_LAYOUT_PAPER)
                rc = build_feed(r, &pl, roles);
            else if (lay == PAGE_LAYOUT_TOPIC)
                rc = build_topic(r, &pl, roles);
            else
                rc = build_profile(r, &pl, roles, cont);
            free(roles);
            if (errors && r->strict && rc == 0)
                r->pending = BIB_EPARSE;
        }
    }
    page_lines_drop(&r->page, k);
    r->cont = PAGE_LAYOUT_NONE;
    /* what is carried over opens the next page */
    r->guess = PAGE_LAYOUT_NONE;
    r->nonblank = 0;
    r->cookie = false;
    for (size_t i = 0; i < r->page.n; i++) {
        const page_line *l = &r->page.v[i];
        if (!l->len)
            continue;
        page_meta m;
        if (r->nonblank++ == 0 && page_parse_meta(l->text, l->len, &m))
            r->guess = PAGE_LAYOUT_FEED;
        if (page_is_cookie_line(l->text, l->len))
            r->cookie = true;
    }
    return rc;
}

static int get_line(struct page_reader *r, const char **s, size_t *n, size_t *ln)
{
    if (r->html) {
        if (r->html_pos >= r->html_lines.n)
            return 0;
        page_line *l = &r->html_lines.v[r->html_pos++];
        *s = l->text;
        *n = l->len;
        *ln = l->lineno;
        return 1;
    }
    int rc = bib_input_getline(r->in, s, n);
    if (rc == 1)
        *ln = bib_input_last_line(r->in);
    return rc;
}

/* Reads lines until a page is complete and labelled (records queued). */
static int fill(struct page_reader *r)
{
    while (r->qhead == r->qn && !r->pending) {
        r->qhead = r->qn = 0;
        if (r->eof) {
            if (!r->page.n)
                return 0;
            int rc = process_page(r, r->page.n);
            if (rc)
                return rc;
            continue;
        }
        const char *s;
        size_t n, ln = 0;
        int rc = get_line(r, &s, &n, &ln);
        if (rc < 0)
            return rc;
        if (rc == 0) {
            r->eof = true;
            continue;
        }
        if (page_lines_push(&r->page, s, n, ln) != 0)
            return BIB_ENOMEM;
        size_t i = r->page.n - 1;
        if (r->forced == PAGE_LAYOUT_NONE) {
            size_t b = page_boundary(&r->page, i, r->guess, r->cookie);
            if (b != (size_t)-1) {
                rc = process_page(r, b);
                if (rc)
                    return rc;
                continue;
            }
        }
        if (n) {
            page_meta m;
            if (r->nonblank++ == 0)
                r->guess = page_parse_meta(s, n, &m) ? PAGE_LAYOUT_FEED : PAGE_LAYOUT_NONE;
            if (page_is_cookie_line(s, n))
                r->cookie = true;
        }
        page_layout cur = r->forced ? r->forced : r->guess;
        if (cur == PAGE_LAYOUT_FEED && r->page.n >= PAGE_FEED_FLUSH) {
            /* a long feed: label what is held up to its last meta line */
            page_meta m;
            for (size_t j = r->page.n; j-- > 1;)
                if (page_parse_meta(r->page.v[j].text, r->page.v[j].len, &m)) {
                    rc = process_page(r, j);
                    if (rc)
                        return rc;
                    break;
                }
        } else if (r->page.n >= PAGE_MAX_LINES) {
            /* records of a page are held until the page is labelled: an
             * over-long page is labelled in parts, cut after a line that
             * ends a record, the rest read with the same layout */
            if (!r->warned_long)
                bib_input_report(r->in, BIB_SEV_WARNING, ln, 1,
                                 "page longer than %d lines; labelled in parts",
                                 PAGE_MAX_LINES);
            r->warned_long = true;
            rc = process_page(r, page_safe_cut(&r->page));
            if (rc)
                return rc;
            r->cont = r->last;
        }
    }
    return 1;
}

/* ---- reader ops --------------------------------------------------------- */

static int page_open(bib_reader *rd, bib_input *in, const bib_options *opts)
{
    struct page_reader *r = bib_reader_state(rd);
    r->in = in;
    bib_buf_init(&r->owner);
    r->strict = bib_reader_is_strict(rd);
    const char *lay = bib_options_get(opts, "layout");
    if (lay && strcmp(lay, "profile") == 0)
        r->forced = PAGE_LAYOUT_PROFILE;
    else if (lay && strcmp(lay, "feed") == 0)
        r->forced = PAGE_LAYOUT_FEED;
    else if (lay && strcmp(lay, "topic") == 0)
        r->forced = PAGE_LAYOUT_TOPIC;
    else if (lay && strcmp(lay, "paper") == 0)
        r->forced = PAGE_LAYOUT_PAPER;
    const char *own = bib_options_get(opts, "owner");
    r->owner_author = own && strcmp(own, "author") == 0;
    long y = 0;
    if (bib_options_get_int(opts, "year", 0, &y) != 0 || y < 0 || y > 9999) {
        bib_input_report(in, BIB_SEV_ERROR, 0, 0, "expected a year for -O year, found '%s'",
                         bib_options_get(opts, "year"));
        return BIB_EINVAL;
    }
    r->year = y;
    r->keys = bib_keyset_new();
    if (!r->keys)
        return BIB_ENOMEM;
    const char *w;
    size_t wn;
    int rc = bib_input_window(in, 512, &w, &wn);
    if (rc < 0)
        return rc;
    if (page_looks_html(w, wn)) {
        /* libxml2 parses a whole document: read it all, bounded */
        bib_buf all = BIB_BUF_INIT;
        for (;;) {
            rc = bib_input_window(in, 1, &w, &wn);
            if (rc < 0 || wn == 0)
                break;
            if (all.len + wn > PAGE_HTML_MAX) {
                bib_input_report(in, BIB_SEV_ERROR, 0, 0,
                                 "HTML page larger than %u bytes, not read", PAGE_HTML_MAX);
                rc = BIB_EPARSE;
                break;
            }
            bib_buf_append(&all, w, wn);
            bib_input_consume(in, wn);
        }
        if (rc == 0 && bib_buf_failed(&all))
            rc = BIB_ENOMEM;
        if (rc == 0 && page_html_to_lines(all.data, all.len, &r->html_lines) != 0) {
            bib_input_report(in, BIB_SEV_ERROR, 1, 1, "could not parse the HTML page");
            rc = BIB_EPARSE;
        }
        bib_buf_clear(&all);
        if (rc < 0)
            return rc;
        r->html = true;
    }
    return 0;
}

static int page_next(bib_reader *rd, bib_record **out)
{
    struct page_reader *r = bib_reader_state(rd);
    *out = NULL;
    int rc = fill(r);
    if (r->pending) {
        int p = r->pending;
        r->pending = 0;
        return p;
    }
    if (rc <= 0)
        return rc;
    *out = r->queue[r->qhead++];
    return 1;
}

static void page_close(bib_reader *rd)
{
    struct page_reader *r = bib_reader_state(rd);
    for (size_t i = r->qhead; i < r->qn; i++)
        bib_record_free(r->queue[i]);
    free(r->queue);
    page_lines_free(&r->page);
    page_lines_free(&r->html_lines);
    bib_keyset_free(r->keys);
    free(r->bases);
    bib_buf_clear(&r->owner);
}

static const bib_option_spec page_reader_options[] = {
    {"layout", BIB_OPT_CHOICE, "auto,profile,feed,topic,paper", "auto",
     "the page layout; auto detects it for each page from its cues"},
    {"owner", BIB_OPT_CHOICE, "extra,author", "extra",
     "profile pages: keep the page owner as an extra, or also append it to the authors"},
    {"year", BIB_OPT_INT, NULL, "none", "the year of feed dates shown without one"},
    {NULL, 0, NULL, NULL, NULL},
};

static const bib_reader_ops page_reader_ops = {
    .state_size = sizeof(struct page_reader),
    .open = page_open,
    .next = page_next,
    .close = page_close,
    .options = page_reader_options,
};

/* ---- probe -------------------------------------------------------------- */

static bool has_bytes(const char *h, size_t len, const char *w)
{
    size_t n = strlen(w);
    for (size_t i = 0; i + n <= len; i++)
        if (h[i] == w[0] && memcmp(h + i, w, n) == 0)
            return true;
    return false;
}

/* Strong cues only: a portrait line first, a feed meta line first, or the
 * topic header; anything else is at most weak (plain text is anything). */
static int probe_page(const unsigned char *head, size_t len, const char *filename)
{
    (void)filename;
    const char *h = (const char *)head;
    size_t i = 0;
    while (i < len && (h[i] == '\n' || h[i] == '\r' || h[i] == ' '))
        i++;
    size_t e = i;
    while (e < len && h[e] != '\n' && h[e] != '\r')
        e++;
    const char *l = h + i;
    size_t n = e - i;
    if ((n > 12 && memcmp(l, "Portrait of ", 12) == 0)
        || (n > 12 && memcmp(l, "Portrait de ", 12) == 0))
        return BIB_PROBE_LIKELY;
    page_meta m;
    if (page_parse_meta(l, n, &m))
        return BIB_PROBE_LIKELY - 20;
    /* the topic header: a name, its lower-case slug, "N/A" */
    const char *ls[3];
    size_t ln[3], p = i;
    int nl = 0;
    for (; nl < 3 && p < len; nl++) {
        size_t q = p;
        while (q < len && h[q] != '\n' && h[q] != '\r')
            q++;
        ls[nl] = h + p;
        ln[nl] = q - p;
        p = q;
        while (p < len && (h[p] == '\n' || h[p] == '\r'))
            p++;
    }
    bool topic = nl == 3 && ln[0] == ln[1] && ln[0] <= 100 && ln[2] == 3
                 && memcmp(ls[2], "N/A", 3) == 0;
    for (size_t j = 0; topic && j < ln[0]; j++) {
        char x = ls[0][j];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        topic = x == ls[1][j];
    }
    if (topic)
        return BIB_PROBE_LIKELY - 20;
    size_t ml;
    if (page_find_abs_marker(h, len, &ml) >= 0 || has_bytes(h, len, "h-index:")
        || has_bytes(h, len, "\nOriginality"))
        return BIB_PROBE_WEAK + 15;
    if (page_looks_html(h, len)) {
        if (has_bytes(h, len, "Portrait of ") || has_bytes(h, len, "Portrait de "))
            return BIB_PROBE_LIKELY - 20;
        /* no other format reads HTML: a saved page is the likely reading,
         * and a page of another kind is refused with a diagnostic */
        return BIB_PROBE_WEAK + 5;
    }
    return BIB_PROBE_NONE;
}

static const bib_format_desc page_format = {
    .name = "page",
    .description = "publication-list web pages (profiles, paper feeds, topic pages), "
                   "text or saved HTML",
    .extensions = "txt,html,htm",
    .mime = NULL,
    .flags = 0,
    .probe = probe_page,
    .reader = &page_reader_ops,
    .writer = NULL,
};

static const bib_format_desc *const formats[] = {&page_format, NULL};

BIB_PLUGIN_EXPORT const bib_plugin_desc bib_plugin_module = {
    .abi_version = BIB_PLUGIN_ABI_VERSION,
    .module_name = "page",
    .formats = formats,
};
