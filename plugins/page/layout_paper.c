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
    .starts_page = paper_starts_page,
    .nstates = 0, /* no best path: label_paper's rule */
    .features = PAGE_FEAT_META | PAGE_FEAT_PROSE | PAGE_FEAT_CHARS,
    .placeholder_state = -1,
    .label = label_paper,
    .build = page_build_feed,
};
