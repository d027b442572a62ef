/* SPDX-License-Identifier: MIT */
/*
 * layout_paper.c - the feed site's single-paper page: one record, its
 * title the first line (after the meta line when there is one), its
 * abstract the last paragraph of prose (machine-written summaries sit
 * between the title and the real abstract); every other line is page
 * chrome. Its cues, its labeller (a fixed rule, no best path) and its
 * records (built as a feed entry).
 *
 * Not for: pages listing several papers (layout_feed.c).
 */
#include <string.h>

#include "pageint.h"

/* ---- cues --------------------------------------------------------------- */

static int paper_line_cue(const char *s, size_t n, page_cues *c)
{
    (void)c;
    return page_is_paper_cue(s, n) ? 10 : 0;
}

/* One meta line at most: more make a feed. */
static int paper_score(const page_cues *c, int own)
{
    return own && c->metas <= 1 ? own + 4 * c->metas : 0;
}

/* A single-paper page after a feed: its metrics or analysis line comes a
 * few lines after its meta line, where the new page starts. */
static size_t paper_starts_page(const page_lines *pl, size_t i, size_t first,
                                page_layout current, bool cookie_seen)
{
    (void)cookie_seen;
    const page_line *l = &pl->v[i];
    if (current != PAGE_LAYOUT_FEED || !page_is_paper_cue(l->text, l->len))
        return (size_t)-1;
    page_meta m;
    for (size_t j = i, k = 0; j-- > first + 1 && k < 8; k++)
        if (page_parse_meta(pl->v[j].text, pl->v[j].len, &m))
            return j;
    return (size_t)-1;
}

/* With no layout's cues: a title line followed by paragraphs of prose is
 * a single-paper page (the page copied without its meta and metrics
 * lines). */
static bool paper_fits(const page_lines *pl)
{
    size_t t = page_nonblank(pl, 0, 0);
    if (t >= pl->n)
        return false;
    page_feat f;
    page_features(&f, pl->v[t].text, pl->v[t].len, NULL, 0);
    if (f.prose >= 3 || f.chars > 300 || f.placeholder || f.sentence_end || f.tokens < 2)
        return false;
    size_t last = t;
    for (size_t i = t + 1; i < pl->n; i++) {
        page_features(&f, pl->v[i].text, pl->v[i].len, NULL, 0);
        if (f.prose >= 3 && f.chars > 150)
            return true;
        if (!f.blank)
            last = i;
    }
    if (last == t)
        return false;
    /* a page cut inside its only paragraph: a long sentence without its
     * end */
    page_features(&f, pl->v[last].text, pl->v[last].len, NULL, 0);
    return f.tokens >= 8 && f.lower_words > f.cap_words && !f.title_punct
           && page_starts_upper(pl->v[last].text, pl->v[last].len);
}

void page_split_badges(const char *s, size_t n, page_piece_fn fn, void *ctx)
{
    size_t st = 0;
    for (size_t i = 1; i < n; i++)
        if (s[i - 1] >= '0' && s[i - 1] <= '9' && page_starts_upper(s + i, n - i)) {
            const char *p = s + st;
            size_t pn = i - st;
            page_trim(&p, &pn);
            if (pn)
                fn(p, pn, ctx);
            st = i;
        }
    const char *p = s + st;
    size_t pn = n - st;
    page_trim(&p, &pn);
    if (pn)
        fn(p, pn, ctx);
}

struct venue_pick {
    const char *v;      /* the venue badge, NULL: none yet */
    size_t vn;
    bool after_count;   /* a badge ending in a count came before */
    bool after_h;       /* the h-index badge came before */
    bool v_after_h;     /* the venue found came after it */
};

/* A label-less badge (no "Label:", starting with a capital) after a
 * count is the venue; one after the h-index badge wins over an earlier
 * one; the first such badge is taken ("ICML 2023" before "Code"). */
static void venue_badge(const char *s, size_t n, void *ctx)
{
    struct venue_pick *vp = ctx;
    bool label = memchr(s, ':', n) != NULL;
    if (!label && vp->after_count && page_starts_upper(s, n)
        && (!vp->v || (vp->after_h && !vp->v_after_h))) {
        vp->v = s;
        vp->vn = n;
        vp->v_after_h = vp->after_h;
    }
    if (label && page_has_word_ci(s, n, "h-index:"))
        vp->after_h = true;
    vp->after_count |= label && s[n - 1] >= '0' && s[n - 1] <= '9';
}

/* The venue on the metrics line, where the badges are run together
 * ("arXiv:2403.01234Citations: 17h-index: 9NeurIPS 2024",
 * "citationsh-index: 6ICLR"): the line is split into badges at every
 * digit->capital boundary (page_split_badges) and the venue is the first
 * badge without a label after a count, preferably after the h-index. */
bool page_metrics_venue(const char *s, size_t n, size_t *off, size_t *len)
{
    struct venue_pick vp = {0};
    page_split_badges(s, n, venue_badge, &vp);
    if (!vp.v)
        return false;
    *off = (size_t)(vp.v - s);
    *len = vp.vn;
    return true;
}

/* ---- labelling ---------------------------------------------------------- */

static int label_paper(const page_lines *pl, page_role *roles)
{
    size_t n = pl->n, title = n, abs = n, last = n;
    bool meta = false, cut = false;
    for (size_t i = 0; i < n; i++) {
        const char *s = pl->v[i].text;
        size_t len = pl->v[i].len;
        page_trim(&s, &len);
        if (!len)
            continue;
        page_meta m;
        roles[i] = PAGE_ROLE_HEADER;
        if (!meta && title == n && page_parse_meta(s, len, &m)) {
            roles[i] = PAGE_ROLE_META;
            meta = true;
            continue;
        }
        if (title == n) {
            title = i;
            continue;
        }
        size_t vo, vl;
        if (page_is_paper_cue(s, len) && page_metrics_venue(s, len, &vo, &vl))
            roles[i] = PAGE_ROLE_VENUE;
        page_feat f;
        page_features(&f, s, len, NULL, 0);
        if (f.prose >= 3 && f.chars > 150 && !page_is_paper_cue(s, len))
            abs = i;
        last = i;
        /* the cut-page rule: a page that ends inside its abstract ends on
         * running prose, however short (page chrome such as "2 code
         * implementations" does not start with a capital) */
        cut = f.tokens >= 3 && !f.title_punct && f.lower_words >= f.cap_words
              && !page_is_paper_cue(s, len) && page_starts_upper(s, len);
    }
    if (cut && last < n)
        abs = last;
    if (title < n)
        roles[title] = PAGE_ROLE_TITLE;
    if (abs < n)
        roles[abs] = PAGE_ROLE_ABSTRACT;
    return BIB_OK;
}

const page_layout_desc page_layout_paper = {
    .name = "paper",
    .line_cue = paper_line_cue,
    .score = paper_score,
    .fits = paper_fits,
    .starts_page = paper_starts_page,
    .nstates = 0, /* no best path: label_paper's rule */
    .features = PAGE_FEAT_META | PAGE_FEAT_PROSE | PAGE_FEAT_CHARS,
    .label = label_paper,
    .build = page_build_feed,
};
