/* SPDX-License-Identifier: MIT */
/*
 * page_label.c - the best-path labelling of a page's lines with roles:
 * the layout's descriptor (layout_*.c) gives its states, start and
 * transition weights and its emission function; one small Viterbi picks
 * the best sequence of states, mapped to roles. Also where an over-long
 * page may be cut.
 *
 * Not for: the weights themselves (each layout's file), features
 * (page_text.c) or detection (page_detect.c).
 */
#include <stdlib.h>
#include <string.h>

#include "page_model.h"
#include "pageint.h"

/* ---- best path --------------------------------------------------------- */

int page_viterbi(size_t n, int k, const int *emit, const int *trans, const int *start,
                 int *path)
{
    if (!n)
        return BIB_OK;
    long long *score = malloc((size_t)k * 2 * sizeof *score);
    unsigned char *back = malloc(n * (size_t)k);
    if (!score || !back) {
        free(score);
        free(back);
        return BIB_ENOMEM;
    }
    long long *cur = score, *nxt = score + k;
    const long long NEG = (long long)PAGE_NEG * 1000;
    for (int s = 0; s < k; s++) {
        int e = emit[s];
        cur[s] = (start[s] <= PAGE_NEG || e <= PAGE_NEG) ? NEG : (long long)start[s] + e;
        back[s] = 0;
    }
    for (size_t i = 1; i < n; i++) {
        for (int s = 0; s < k; s++) {
            long long best = NEG;
            int arg = 0;
            int e = emit[i * (size_t)k + (size_t)s];
            for (int p = 0; p < k; p++) {
                int t = trans[p * k + s];
                if (t <= PAGE_NEG || cur[p] <= NEG)
                    continue;
                long long v = cur[p] + t;
                if (v > best) {
                    best = v;
                    arg = p;
                }
            }
            nxt[s] = (best <= NEG || e <= PAGE_NEG) ? NEG : best + e;
            back[i * (size_t)k + (size_t)s] = (unsigned char)arg;
        }
        long long *tmp = cur;
        cur = nxt;
        nxt = tmp;
    }
    int arg = 0;
    for (int s = 1; s < k; s++)
        if (cur[s] > cur[arg])
            arg = s;
    for (size_t i = n; i-- > 0;) {
        path[i] = arg;
        arg = back[i * (size_t)k + (size_t)arg];
    }
    free(score);
    free(back);
    return BIB_OK;
}

/* ---- labelling ---------------------------------------------------------- */

int page_label(const page_lines *pl, page_layout layout, page_role *roles)
{
    return page_label_part(pl, layout, roles, false);
}

/* The emission scores of lines [zone..n) of the page for layout d: one
 * row of d->nstates scores per non-blank line, whose index goes to
 * idx[]. Returns the number of rows. */
static size_t emissions(const page_layout_desc *d, const page_lines *pl, size_t zone,
                        int *emit, size_t *idx)
{
    size_t n = pl->n, m = 0, last = n;
    int k = d->nstates;
    for (size_t i = n; i-- > zone;)
        if (pl->v[i].len) {
            last = i;
            break;
        }
    const char *prev = NULL;
    size_t prev_len = 0;
    for (size_t i = zone; i < n; i++) {
        const char *s = pl->v[i].text;
        size_t len = pl->v[i].len;
        page_trim(&s, &len);
        if (!len)
            continue;
        page_feat f;
        page_features(&f, s, len, prev, prev_len);
        int *e = emit + m * (size_t)k;
        page_emit_in in = {&f, s, len, pl, i, m, i == last};
        d->emit(&in, e);
        if (f.placeholder) {
            /* "----", "N/A": no record text; only the state that may keep
             * one (a topic header) keeps it */
            for (int st = 0; st < k - 1; st++)
                if (st != d->placeholder_state && e[st] > PAGE_NEG)
                    e[st] -= 40;
        }
        idx[m++] = i;
        prev = s;
        prev_len = len;
    }
    return m;
}

/* Labels lines [zone..n) on the best path of layout d. */
static int best_path(const page_layout_desc *d, const page_lines *pl, size_t zone,
                     page_role *roles)
{
    /* learned weights when the table has them (docs/page.md, "Learned
     * model"); the layout's own emission otherwise */
    const page_model *lm = page_model_default();
    int slot = page_model_slot(lm, d);
    if (slot >= 0)
        return page_model_label(lm, d, slot, pl, zone, roles);
    size_t n = pl->n;
    int k = d->nstates;
    size_t *idx = malloc((n - zone + 1) * sizeof *idx);
    int *emit = calloc((n - zone + 1) * (size_t)k, sizeof *emit);
    int *path = malloc((n - zone + 1) * sizeof *path);
    int rc = BIB_ENOMEM;
    if (idx && emit && path) {
        size_t m = emissions(d, pl, zone, emit, idx);
        rc = page_viterbi(m, k, emit, d->trans, d->start, path);
        for (size_t j = 0; rc == BIB_OK && j < m; j++)
            roles[idx[j]] = d->state_roles[path[j]];
    }
    free(idx);
    free(emit);
    free(path);
    return rc;
}

int page_label_part(const page_lines *pl, page_layout layout, page_role *roles,
                    bool continuation)
{
    size_t n = pl->n;
    for (size_t i = 0; i < n; i++)
        roles[i] = PAGE_ROLE_BLANK;
    const page_layout_desc *d = page_layout_get(layout);
    if (!d)
        return BIB_EINVAL;
    if (!n)
        return BIB_OK;
    /* the lines the best path runs over: after the header, except on the
     * continuation of an over-long page */
    size_t zone = 0;
    if (d->header && !continuation && !d->header(pl, roles, &zone))
        return BIB_OK;
    if (d->label)
        return d->label(pl, roles);
    return best_path(d, pl, zone, roles);
}

size_t page_safe_cut(const page_lines *pl)
{
    for (size_t i = pl->n, k = 0; i-- > 1 && k < 1000; k++) {
        page_feat f;
        page_features(&f, pl->v[i].text, pl->v[i].len, NULL, 0);
        if (f.abs_marker || f.venue || f.prose >= 3)
            return i + 1;
    }
    return pl->n;
}
