/* SPDX-License-Identifier: MIT */
/*
 * page_label.c - the best-path labelling of a page's lines with roles:
 * the layout's descriptor (layout_*.c) gives its states and the
 * transitions it allows, the learned table (page_model.c) the weights;
 * one small Viterbi picks the best sequence of states, mapped to roles.
 * Also where an over-long page may be cut.
 *
 * Not for: the weights themselves (page_model_table.c), features
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

/* Labels lines [zone..n) on the best path of layout d. */
static int best_path(const page_layout_desc *d, const page_lines *pl, size_t zone,
                     page_role *roles)
{
    /* the learned weights (docs/page.md, "Learned model"): a layout
     * labelled by a best path has its row in the generated table, which
     * page_train writes for every such layout */
    const page_model *lm = page_model_default();
    int slot = page_model_slot(lm, d);
    if (slot < 0)
        return BIB_EINVAL;
    return page_model_label(lm, d, slot, pl, zone, roles);
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
