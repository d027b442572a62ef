/* SPDX-License-Identifier: MIT */
/*
 * page.c - the page module: reads the text of a publication-list web page
 * (researcher profile, paper feed, seminar topic page; plain text copied
 * from a browser or saved HTML) and yields one record per publication,
 * talk or poster. Lines are buffered one page at a time (pages follow one
 * another in a stream, each with its own layout); a page's layout is
 * detected (page_detect.c), its lines labelled (page_label.c) and its
 * records built by the layout's descriptor (layout_*.c); here they get
 * ids by core's key rule and are queued.
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
#include <strings.h>

#include "bibconv/keys.h"
#include "bibconv/plugin.h"
#include "bibconv/utf8.h"
#include "bibconv/reftag.h"
#include "pageint.h"

/* A feed page is flushed at a meta line once this many lines are held, so
 * memory stays flat on a long feed; other layouts are bounded harder. */
#define PAGE_FEED_FLUSH 3000
#define PAGE_MAX_LINES 5000
#define PAGE_HTML_MAX (64u * 1024 * 1024)

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
    struct bib_reftag *tagger; /* the pages' tagger (page_lines.tagger) */
    size_t html_pos;
    bib_record **queue;       /* records of the last page, in order */
    size_t qhead, qn, qcap;
    bib_keyset *keys;
    struct base_slot *bases;  /* records per base key (see base_count) */
    size_t nbases, cbases;
    int pending;              /* a status to return before the queue */
    char undecoded[200];      /* why the HTML page's text stopped decoding, "" if it did not */
    page_layout last;         /* layout of the page labelled last */
    page_layout cont;         /* set: the page held continues that layout */
    bool warned_long;
    bib_buf owner;            /* owner of the profile page labelled last */
    /* the page being labelled, over its parts: its first non-blank line
     * (for diagnostics) and how many records it gave */
    bool page_started;
    size_t first_line;
    char first_quote[64];
    size_t page_records;
    bool html_empty;          /* an HTML page without any text */
};

/* process_page flags */
enum {
    PART_MORE = 1, /* the page goes on after these lines (labelled in parts) */
    PART_NEXT = 2  /* a new page starts right after these lines */
};

/* ---- small helpers ------------------------------------------------------ */

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

/* ---- pages -------------------------------------------------------------- */

static int emit_record(void *ctx, bib_record *rec, size_t line)
{
    return finish_record(ctx, rec, line);
}

/* A single-paper page keeps its title and its last paragraph of prose,
 * the abstract: on the feed site every other line is chrome or a
 * machine-written summary (docs/page.md). With none of the site's lines
 * on the page (no meta or metrics line: it was read by its shape alone),
 * the other lines may be the paper's own (its authors, the abstract's
 * first paragraphs), so each is named in a warning (an error under
 * --strict) instead of being dropped silently. True when one was. */
static bool report_unread_lines(struct page_reader *r, const page_lines *pl,
                                const page_role *roles)
{
    for (size_t i = 0; i < pl->n; i++)
        if (roles[i] == PAGE_ROLE_META || roles[i] == PAGE_ROLE_VENUE
            || page_is_paper_cue(pl->v[i].text, pl->v[i].len))
            return false;
    bool any = false;
    for (size_t i = 0; i < pl->n; i++) {
        const char *t = pl->v[i].text;
        size_t n = pl->v[i].len;
        page_trim(&t, &n);
        if (roles[i] != PAGE_ROLE_HEADER || !n)
            continue;
        char q[64];
        page_quote(q, sizeof q, t, n);
        bib_input_report(r->in, r->strict ? BIB_SEV_ERROR : BIB_SEV_WARNING,
                         pl->v[i].lineno, 1,
                         "line not read: a page read as a single paper keeps its title and "
                         "its last paragraph of prose: '%s'", q);
        any = true;
    }
    return any;
}

/* Labels the page pl (of layout lay, cont: the rest of an over-long
 * page) and queues its records. */
static int label_and_build(struct page_reader *r, const page_lines *pl, page_layout lay,
                           bool cont, bool more)
{
    const page_layout_desc *d = page_layout_get(lay);
    page_role *roles = malloc((pl->n ? pl->n : 1) * sizeof *roles);
    if (!roles)
        return BIB_ENOMEM;
    int rc = page_label_part(pl, lay, roles, cont);
    if (rc != BIB_OK) {
        free(roles);
        return rc;
    }
    bool errors = false;
    for (size_t i = 0; i < pl->n; i++) {
        if (roles[i] != PAGE_ROLE_OTHER)
            continue;
        char q[64];
        page_quote(q, sizeof q, pl->v[i].text, pl->v[i].len);
        bib_input_report(r->in, r->strict ? BIB_SEV_ERROR : BIB_SEV_WARNING,
                         pl->v[i].lineno, 1, "line fits no role in this %s page: '%s'",
                         d->name, q);
        errors = true;
    }
    if (lay == PAGE_LAYOUT_PAPER && report_unread_lines(r, pl, roles))
        errors = true;
    page_build b = {r->in, r->year, r->owner_author, cont, more, &r->owner, emit_record, r};
    rc = d->build(&b, pl, roles);
    free(roles);
    if (errors && r->strict && rc == 0)
        r->pending = BIB_EPARSE;
    return rc;
}

/* Lines that fit no layout. Before a page that starts right after them
 * (PART_NEXT) they are its lead-in (site chrome copied with it): a
 * warning, an error under --strict. Else the input is no page we know: an
 * error naming its first line. */
static void report_no_layout(struct page_reader *r, const page_lines *pl, unsigned flags)
{
    size_t f = 0;
    while (f < pl->n && !pl->v[f].len)
        f++;
    char q[64];
    page_quote(q, sizeof q, pl->v[f].text, pl->v[f].len);
    if (flags & PART_NEXT) {
        bib_input_report(r->in, r->strict ? BIB_SEV_ERROR : BIB_SEV_WARNING, pl->v[f].lineno,
                         1, "lines before the page that starts at line %zu fit no layout, "
                         "skipped: '%s'", pl->v[pl->n - 1].lineno + 1, q);
        if (r->strict)
            r->pending = BIB_EPARSE;
        return;
    }
    bib_input_report(r->in, BIB_SEV_ERROR, pl->v[f].lineno, 1,
                     "expected a publication-list page (profile, feed or topic), found '%s'",
                     q);
    r->pending = BIB_EPARSE;
}

/* At the end of a page: a page that gave no record is an error naming its
 * first line (nothing was written for it). */
static void end_page(struct page_reader *r, page_layout lay)
{
    if (r->page_started && r->page_records == 0 && lay != PAGE_LAYOUT_NONE) {
        bib_input_report(r->in, BIB_SEV_ERROR, r->first_line, 1,
                         "no record found in this %s page, which starts '%s'",
                         page_layout_name(lay), r->first_quote);
        r->pending = BIB_EPARSE;
    }
    r->page_started = false;
    r->page_records = 0;
}

/* Labels lines [0..k) of the buffered page, queues its records and drops
 * those lines; flags: PART_MORE, PART_NEXT. */
static int process_page(struct page_reader *r, size_t k, unsigned flags)
{
    page_lines pl = {r->page.v, k, k, false, &r->tagger};
    /* a whole page copied in pieces is read as the lines it showed (its
     * own lines, freed below; not a page read in parts, whose lines are
     * carried over) */
    page_lines joined = {0};
    if (!(flags & PART_MORE) && r->cont == PAGE_LAYOUT_NONE && page_in_pieces(&pl)) {
        if (page_reflow(&pl, &joined) != BIB_OK) {
            page_lines_free(&joined);
            return BIB_ENOMEM;
        }
        pl = joined;
        pl.tagger = &r->tagger;
    }
    size_t held = k; /* the buffered lines this page used */
    k = pl.n;
    size_t first = k;
    for (size_t i = 0; i < k && first == k; i++) {
        const char *s = pl.v[i].text;
        size_t n = pl.v[i].len;
        page_trim_blank(&s, &n);
        if (n)
            first = i;
    }
    int rc = 0;
    page_layout lay = PAGE_LAYOUT_NONE;
    if (first < k) {
        const char *lang = "en";
        lay = r->forced;
        bool cont = r->cont != PAGE_LAYOUT_NONE;
        if (cont)
            lay = r->cont; /* the rest of an over-long page */
        if (lay == PAGE_LAYOUT_NONE)
            lay = page_detect_layout(&pl, &lang);
        r->last = lay;
        /* a list written in Markdown reads as its words; only on a
         * generic list or a schedule: a copy of a site's page shows no markup, and its
         * titles keep a `*` of their own (`*Proverbia*`, `E[Sub 1](TO)`) */
        if (lay == PAGE_LAYOUT_GENERIC || lay == PAGE_LAYOUT_SCHEDULE)
            for (size_t i = 0; i < k; i++)
                pl.v[i].len = page_unmark(pl.v[i].text, pl.v[i].len);
        if (lay == PAGE_LAYOUT_NONE) {
            report_no_layout(r, &pl, flags);
        } else {
            if (!r->page_started) {
                r->page_started = true;
                r->first_line = pl.v[first].lineno;
                page_quote(r->first_quote, sizeof r->first_quote, pl.v[first].text,
                           pl.v[first].len);
            }
            /* the input ends here: a page cut inside a display marker
             * ends before it (the marker's text is no record text) */
            size_t last = k;
            while (last-- > first && !pl.v[last].len)
                ;
            if (!(flags & (PART_MORE | PART_NEXT)) && last < k) {
                size_t e = page_cut_marker(pl.v[last].text, pl.v[last].len);
                if (e < pl.v[last].len) {
                    pl.v[last].len = e;
                    pl.v[last].text[e] = '\0';
                }
                /* a feed page that ends inside a meta line (after a line
                 * that is not one, where only a meta line may come): that
                 * line opens a record the page does not hold */
                size_t prev = last;
                while (prev-- > first && !pl.v[prev].len)
                    ;
                page_meta pm;
                if (lay == PAGE_LAYOUT_FEED && last > first && prev < last
                    && !page_parse_meta(pl.v[prev].text, pl.v[prev].len, &pm)
                    && page_meta_cut(pl.v[last].text, pl.v[last].len)) {
                    bib_input_report(r->in, BIB_SEV_WARNING, pl.v[last].lineno, 1,
                                     "page ends inside a meta line; no record for it");
                    pl.v[last].len = 0;
                    pl.v[last].text[0] = '\0';
                }
            }
            size_t before = r->qn;
            rc = label_and_build(r, &pl, lay, cont, flags & PART_MORE);
            r->page_records += r->qn - before;
        }
    }
    if (rc == 0 && !(flags & PART_MORE))
        end_page(r, lay);
    page_lines_free(&joined);
    page_lines_drop(&r->page, held);
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
            int rc = process_page(r, r->page.n, 0);
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
                rc = process_page(r, b, PART_NEXT);
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
                    rc = process_page(r, j, PART_MORE);
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
            rc = process_page(r, page_safe_cut(&r->page), PART_MORE);
            if (rc)
                return rc;
            r->cont = r->last;
        }
    }
    return 1;
}

/* ---- reader ops --------------------------------------------------------- */

/* A saved page read as UTF-8 with bytes that are not UTF-8 (a meta
 * attribute pasted from another encoding): libxml2 would stop at the
 * first and lose the page, so each is read as Windows-1252, with a
 * warning at the first. */
static int repair_utf8(bib_input *in, bib_buf *all)
{
    if (!page_html_reads_utf8(all->data, all->len) || bib_utf8_valid(all->data, all->len))
        return BIB_OK;
    bib_buf fixed = BIB_BUF_INIT;
    size_t first;
    size_t bad = page_html_repair_utf8(all->data, all->len, &fixed, &first);
    if (bib_buf_failed(&fixed)) {
        bib_buf_clear(&fixed);
        return BIB_ENOMEM;
    }
    size_t line = 1, col = 1;
    for (size_t i = 0; i < first; i++) {
        if (all->data[i] == '\n')
            line++, col = 1;
        else if (((unsigned char)all->data[i] & 0xC0) != 0x80)
            col++;
    }
    bib_input_report(in, BIB_SEV_WARNING, line, col,
                     "%zu byte%s not UTF-8 (the first 0x%02X) read as Windows-1252", bad,
                     bad == 1 ? "" : "s", (unsigned char)all->data[first]);
    bib_buf_clear(all);
    *all = fixed;
    return BIB_OK;
}

static int page_open(bib_reader *rd, bib_input *in, const bib_options *opts)
{
    struct page_reader *r = bib_reader_state(rd);
    r->in = in;
    bib_buf_init(&r->owner);
    r->strict = bib_reader_is_strict(rd);
    const char *lay = bib_options_get(opts, "layout");
    if (lay)
        r->forced = page_layout_find(lay); /* "auto": none forced */
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
        if (rc == 0)
            rc = repair_utf8(in, &all);
        /* where the bytes stop decoding, if they do (page_next reports it);
         * a page that fails to parse has its own error below */
        if (rc == 0)
            rc = page_html_to_lines(all.data, all.len, &r->html_lines, r->undecoded,
                                    sizeof r->undecoded);
        if (rc != 0)
            r->undecoded[0] = '\0';
        r->html_empty = rc == 0 && r->html_lines.n == 0;
        if (rc == BIB_EPARSE)
            bib_input_report(in, BIB_SEV_ERROR, 1, 1, "could not parse the HTML page");
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
    if (r->html_empty) {
        /* nothing to read: an error, not a silent empty result */
        r->html_empty = false;
        bib_input_report(r->in, BIB_SEV_ERROR, 1, 1, "no text found in the HTML page");
        return BIB_EPARSE;
    }
    if (r->undecoded[0]) {
        /* the text past the first byte that does not decode is lost:
         * said and counted (a non-zero exit), not silent */
        bib_input_report(r->in, BIB_SEV_ERROR, 0, 0,
                         "the page's bytes do not all decode from its declared charset "
                         "(%s); the text from there on is not read", r->undecoded);
        r->undecoded[0] = '\0';
        return BIB_EPARSE;
    }
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
    bib_reftag_free(r->tagger);
    bib_keyset_free(r->keys);
    free(r->bases);
    bib_buf_clear(&r->owner);
}

static const bib_option_spec page_reader_options[] = {
    {"layout", BIB_OPT_CHOICE, "auto"
#define PAGE_LAYOUT_ROW(ID, name) "," #name
#include "page_layouts.def"
#undef PAGE_LAYOUT_ROW
     , "auto",
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

/* The next line of head[*pos..len) without its line break, blank lines
 * skipped; false at the end. */
static bool next_line(const char *h, size_t len, size_t *pos, const char **l, size_t *n)
{
    size_t i = *pos;
    while (i < len && (h[i] == '\n' || h[i] == '\r'))
        i++;
    if (i >= len)
        return false;
    size_t e = i;
    while (e < len && h[e] != '\n' && h[e] != '\r')
        e++;
    *l = h + i;
    *n = e - i;
    *pos = e;
    return true;
}

/* A single-paper page without any layout cue, as sure as a text can be
 * without cues: its first line a title (capitalised, at most 300
 * characters, no sentence, no markup or tag of another format), then,
 * among the next three lines, a paragraph of prose (several sentences,
 * over 150 characters, more lower-case words than capitalised ones) and
 * nothing before it that reads as prose or as a reference (a year in
 * brackets). Allocation-free, as a probe must be. */
static bool probe_paper(const char *h, size_t len)
{
    size_t pos = 0, n;
    const char *l;
    if (!next_line(h, len, &pos, &l, &n))
        return false;
    page_trim(&l, &n);
    page_feat f;
    page_features(&f, l, n, NULL, 0);
    if (f.blank || f.prose >= 3 || f.chars > 300 || f.tokens < 2 || f.sentence_end || f.meta
        || f.placeholder || !page_starts_upper(l, n) || memchr(l, '=', n) || memchr(l, '{', n)
        || (n > 4 && l[2] == ' ' && l[3] == ' '))
        return false;
    for (int k = 0; k < 3 && next_line(h, len, &pos, &l, &n); k++) {
        page_trim(&l, &n);
        page_features(&f, l, n, NULL, 0);
        if (f.prose >= 3 && f.chars > 150 && f.lower_words > 2 * f.cap_words
            && page_starts_upper(l, n))
            return true;
        for (size_t i = 0; i + 5 < n; i++)
            if (l[i] == '(' && (l[i + 1] == '1' || l[i + 1] == '2') && l[i + 5] == ')')
                return false;
        if (f.prose >= 2 || f.chars > 300)
            return false;
    }
    return false;
}

/* Text of three lines or more that are not blank, no NUL byte and no
 * other format's opening mark (`{`, `[`, `@`, `%`, `<`) first. */
static bool text_lines(const char *h, size_t len)
{
    size_t i = 0;
    while (i < len && (h[i] == ' ' || h[i] == '\t' || h[i] == '\n' || h[i] == '\r'))
        i++;
    if (i >= len || strchr("{[@%<", h[i]) || memchr(h, '\0', len))
        return false;
    size_t lines = 0;
    for (bool text = false; i < len && lines < 3; i++) {
        if (h[i] == '\n') {
            lines += text;
            text = false;
        } else if (h[i] != ' ' && h[i] != '\t' && h[i] != '\r') {
            text = true;
        }
    }
    return lines >= 3;
}

/* A file name that says text or nothing (standard input, no extension,
 * `.txt`, `.text`): another extension names another kind of file, which
 * the weak text cue must not take from its format (a Markdown file is
 * mostly a project's documentation, which a title over prose would
 * read as one paper). */
static bool text_name(const char *filename)
{
    if (!filename)
        return true;
    const char *slash = strrchr(filename, '/');
    const char *base = slash ? slash + 1 : filename;
    const char *dot = strrchr(base, '.');
    if (!dot || dot == base)
        return true;
    static const char *const exts[] = {".txt", ".text", NULL};
    for (int i = 0; exts[i]; i++)
        if (strcasecmp(dot, exts[i]) == 0)
            return true;
    return false;
}

/* Strong cues only: a portrait line first, a feed meta line first, or the
 * topic header; anything else is at most weak (plain text is anything),
 * except a single-paper page without cues that probe_paper is sure of
 * and a table of works under a header naming its columns
 * (page_table_head); and any text of several lines, weakly (text_lines:
 * a schedule of talks, a list of titles over venue lines). */
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
    /* below what a matching extension alone is worth: a file named for
     * another format stays with it */
    if (probe_paper(h, len) || page_table_head(h, len))
        return BIB_PROBE_WEAK + 10;
    if (page_looks_html(h, len)) {
        if (has_bytes(h, len, "Portrait of ") || has_bytes(h, len, "Portrait de "))
            return BIB_PROBE_LIKELY - 20;
        /* no other format reads HTML: a saved page is the likely reading,
         * and a page of another kind is refused with a diagnostic */
        return BIB_PROBE_WEAK + 5;
    }
    /* any other text of several lines is at worst a page without cues,
     * which the reader judges itself with all its layouts (and refuses
     * with an error naming its first line): just above what detection
     * acts on, below every other format's probe and any extension */
    return text_lines(h, len) && text_name(filename) ? BIB_PROBE_WEAK + 1 : BIB_PROBE_NONE;
}

static const bib_format_desc page_format = {
    .name = "page",
    .description = "publication-list web pages (profiles, paper feeds, topic pages), "
                   "text or saved HTML",
    .extensions = "txt,html,htm",
    .mime = NULL,
    /* HTML is read whole (libxml2 parses a document); text streams */
    .flags = BIB_FORMAT_WHOLE_INPUT,
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

