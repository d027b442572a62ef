/* SPDX-License-Identifier: MIT */
/*
 * page_detect.c - which layout a page has, and where a new page starts in
 * a stream, asked of every layout's descriptor (page_layouts.def): each
 * layout scores the cues of a page, the highest score wins (ties to the
 * earlier row of the table), and a page with no layout's cues is offered
 * to the fallback layouts in order. Also the cue predicates several
 * layouts share (portrait line, topic slug, "N/A", single-paper cues).
 *
 * Not for: a layout's own cue weights (its layout_*.c), labelling
 * (page_label.c).
 */
#include <string.h>

#include "pageint.h"

/* ---- the table of layouts ----------------------------------------------- */

static const page_layout_desc *const layouts[PAGE_LAYOUT_END] = {
    NULL,
#define PAGE_LAYOUT_ROW(ID, name) &page_layout_##name,
#include "page_layouts.def"
#undef PAGE_LAYOUT_ROW
};

/* With no layout's cues: first a generic list of references, then
 * titles over their abstracts (the topic layout), then the single-paper
 * page; the page is refused when none fits. */
const page_layout page_fallback_order[] = {PAGE_LAYOUT_GENERIC, PAGE_LAYOUT_TOPIC,
                                           PAGE_LAYOUT_PAPER, PAGE_LAYOUT_NONE};

const page_layout_desc *page_layout_get(page_layout l)
{
    return l > PAGE_LAYOUT_NONE && l < PAGE_LAYOUT_END ? layouts[l] : NULL;
}

page_layout page_layout_find(const char *name)
{
    for (int l = PAGE_LAYOUT_NONE + 1; l < PAGE_LAYOUT_END; l++)
        if (strcmp(layouts[l]->name, name) == 0)
            return (page_layout)l;
    return PAGE_LAYOUT_NONE;
}

const char *page_layout_name(page_layout l)
{
    const page_layout_desc *d = page_layout_get(l);
    return d ? d->name : "none";
}

/* ---- shared cue predicates ---------------------------------------------- */

bool page_starts_with(const char *s, size_t len, const char *w)
{
    size_t n = strlen(w);
    return len >= n && memcmp(s, w, n) == 0;
}

bool page_is_portrait(const char *s, size_t len)
{
    return page_starts_with(s, len, "Portrait of ") || page_starts_with(s, len, "Portrait de ")
           || page_starts_with(s, len, "Portrait d'")
           || page_starts_with(s, len, "Portrait d\xE2\x80\x99");
}

bool page_is_lower_copy(const page_line *a, const page_line *b)
{
    const char *x = a->text, *y = b->text;
    size_t xn = a->len, yn = b->len;
    page_trim(&x, &xn);
    page_trim(&y, &yn);
    if (!xn || xn != yn || xn > 80)
        return false;
    bool differs = false;
    for (size_t i = 0; i < xn; i++) {
        char c = x[i];
        if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
            differs = true;
        }
        if (c != y[i])
            return false;
    }
    /* a line repeated as is is a repeated record, not a name and its slug */
    return differs;
}

bool page_is_na(const page_line *l)
{
    const char *x = l->text;
    size_t n = l->len;
    page_trim(&x, &n);
    return n == 3 && memcmp(x, "N/A", 3) == 0;
}

size_t page_nonblank(const page_lines *pl, size_t from, int k)
{
    for (size_t i = from; i < pl->n; i++) {
        const char *s = pl->v[i].text;
        size_t n = pl->v[i].len;
        page_trim(&s, &n);
        if (n && k-- == 0)
            return i;
    }
    return pl->n;
}

bool page_has_word_ci(const char *s, size_t len, const char *w)
{
    size_t n = strlen(w);
    for (size_t i = 0; i + n <= len; i++) {
        size_t j = 0;
        while (j < n) {
            char c = s[i + j];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if (c != w[j])
                break;
            j++;
        }
        if (j == n)
            return true;
    }
    return false;
}

bool page_is_paper_cue(const char *s, size_t n)
{
    return (n < 400 && page_has_word_ci(s, n, "h-index:")) || page_starts_with(s, n, "Originality")
           || page_starts_with(s, n, "AI Analysis");
}

bool page_is_cookie_line(const char *s, size_t len)
{
    return len < 200 && page_has_word_ci(s, len, "cookie");
}

/* ---- detection ---------------------------------------------------------- */

/* The cue counts every layout may use, from one trimmed non-blank line. */
static void count_line(const char *s, size_t n, page_cues *c)
{
    page_meta m;
    if (page_parse_meta(s, n, &m))
        c->metas++;
    int y;
    size_t nl;
    /* a date line under a title (a feed's `July 2014`) is no venue */
    if (page_parse_venue(s, n, &y, &nl) && !page_gen_date_line(s, n, false))
        c->venues++;
    size_t ml;
    if (page_find_abs_marker(s, n, &ml) >= 0) {
        c->abs_markers++;
        if (ml > 14)
            c->fr++;
        else
            c->en++;
    }
    if (page_is_heading(s, n))
        c->headings++;
}

/* The best layout for the cues, PAGE_LAYOUT_NONE when none is accepted. */
static page_layout best_layout(const page_cues *c)
{
    page_layout best = PAGE_LAYOUT_NONE;
    int top = 0;
    for (int l = PAGE_LAYOUT_NONE + 1; l < PAGE_LAYOUT_END; l++) {
        const page_layout_desc *d = layouts[l];
        int sc = d->score ? d->score(c, c->own[l]) : c->own[l];
        if (best == PAGE_LAYOUT_NONE || sc > top) {
            best = (page_layout)l;
            top = sc;
        }
    }
    const page_layout_desc *d = layouts[best];
    if (d->accept ? !d->accept(c, top) : top <= 0)
        return PAGE_LAYOUT_NONE;
    return best;
}

page_layout page_detect_layout(const page_lines *pl, const char **lang)
{
    page_cues c;
    memset(&c, 0, sizeof c);
    for (int l = PAGE_LAYOUT_NONE + 1; l < PAGE_LAYOUT_END; l++)
        if (layouts[l]->page_cue)
            c.own[l] += layouts[l]->page_cue(pl, &c);
    for (size_t i = 0; i < pl->n; i++) {
        const char *s = pl->v[i].text;
        size_t n = pl->v[i].len;
        page_trim(&s, &n);
        if (!n)
            continue;
        count_line(s, n, &c);
        for (int l = PAGE_LAYOUT_NONE + 1; l < PAGE_LAYOUT_END; l++)
            if (layouts[l]->line_cue)
                c.own[l] += layouts[l]->line_cue(s, n, &c);
    }
    *lang = c.fr > c.en ? "fr" : "en";
    page_layout best = best_layout(&c);
    for (const page_layout *f = page_fallback_order; best == PAGE_LAYOUT_NONE && *f; f++) {
        const page_layout_desc *d = page_layout_get(*f);
        if (d && d->fits && d->fits(pl))
            best = *f;
    }
    return best;
}

/* ---- page boundaries ------------------------------------------------------ */

size_t page_boundary(const page_lines *pl, size_t i, page_layout current, bool cookie_seen)
{
    size_t first = page_nonblank(pl, 0, 0);
    if (first >= i)
        return (size_t)-1; /* nothing before it in this page */
    for (int l = PAGE_LAYOUT_NONE + 1; l < PAGE_LAYOUT_END; l++) {
        if (!layouts[l]->starts_page)
            continue;
        size_t b = layouts[l]->starts_page(pl, i, first, current, cookie_seen);
        if (b != (size_t)-1)
            return b;
    }
    return (size_t)-1;
}
