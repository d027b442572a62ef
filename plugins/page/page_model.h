/* SPDX-License-Identifier: MIT */
/*
 * page_model.h - the page reader's learned line model: the one feature
 * function used both by the labeller and by the training program
 * (tools/page_train.c), the weight lookup, the best-path labelling of a
 * page's record zone with learned emission and transition weights, and
 * the learned feed title/author split. The weights are the generated
 * table page_model_table.c (docs/page.md, "Learned model").
 *
 * Not for: layout detection, page boundaries or records (pageint.h).
 */
#ifndef BIBCONV_PAGE_MODEL_H
#define BIBCONV_PAGE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "pageint.h"

/* Changes whenever the meaning of a feature changes: part of the hash of
 * the training inputs recorded in the table. */
#define PAGE_FEATURE_VERSION 9

/* Features are hashed into 2^PAGE_MODEL_BITS buckets; a bucket has one
 * weight per state (PAGE_MODEL_K at most). */
#define PAGE_MODEL_BITS 20
#define PAGE_MODEL_MASK ((1u << PAGE_MODEL_BITS) - 1)
#define PAGE_MODEL_K 6
/* Features of one line or one split candidate at most. */
#define PAGE_MODEL_MAXF 96
/* Split candidates of one feed line at most (the first ones). */
#define PAGE_SPLIT_MAXC 64
/* Characters of a first author at most. */
#define PAGE_SPLIT_MAXNAME 50

/* Layouts with learned weights at most (those whose descriptor labels by
 * the best path). */
#define PAGE_MODEL_LAYOUTS 6

/* Weights: a lookup of a bucket's row (NULL: all zero), and per learned
 * layout (names[i], NULL-terminated) its transition and start weights.
 * The labeller uses the generated table; the trainer its own arrays. */
typedef struct page_model {
    /* the weights of a bucket, in buf or elsewhere; NULL: all zero */
    const int32_t *(*row)(const struct page_model *m, uint32_t bucket, int32_t *buf);
    const void *data;
    const char *const *names;   /* layout names, NULL-terminated */
    const int32_t *trans;       /* [slot][PAGE_MODEL_K][PAGE_MODEL_K], from, to */
    const int32_t *start;       /* [slot][PAGE_MODEL_K] */
} page_model;

/* The model of the generated table (static storage, never freed). */
const page_model *page_model_default(void);

/* The generated table (page_model_table.c). */
extern const uint32_t page_model_nslots;      /* power of two */
extern const uint32_t page_model_keys[];      /* bucket + 1, 0: empty slot */
extern const uint32_t page_model_rowidx[];    /* row of the slot */
extern const int16_t page_model_rows[][PAGE_MODEL_K];
extern const char *const page_model_layouts[PAGE_MODEL_LAYOUTS + 1];
extern const int32_t page_model_trans[PAGE_MODEL_LAYOUTS][PAGE_MODEL_K * PAGE_MODEL_K];
extern const int32_t page_model_start[PAGE_MODEL_LAYOUTS][PAGE_MODEL_K];
extern const char page_model_inputs_hash[];   /* hex FNV-1a 64 of the inputs */
extern const unsigned page_model_seed;
extern const int page_model_epochs;

/* The slot of layout d in model m, -1 when m has no weights for it. */
int page_model_slot(const page_model *m, const page_layout_desc *d);

/* True when layout d is labelled by the best path (and so may learn). */
bool page_model_learnable(const page_layout_desc *d);

/* page_mline.cname of a line that is no name by its length. */
#define PAGE_CNAME_NA 99

/* The trainer only: when true, page_model_lines leaves core's name score
 * out of the features (some training pages are seen without it). */
extern bool page_model_no_cname;

/* The trainer only: when true, page_model_decode leaves out the cut-page
 * rule, so the last line's weights are learned from the generated cut
 * pages themselves (docs/page.md, "Pages cut short"). */
extern bool page_model_training;

/* One line of the zone as the model sees it. */
typedef struct page_mline {
    size_t line;               /* index in the page */
    uint32_t ids[PAGE_MODEL_MAXF];
    size_t nids;
    page_feat f;
    bool ends_lower;           /* its last word (not its first) is lower-case
                                * or opens a bracket it does not close */
    bool last;                 /* the zone's last line */
    bool trail_sp;             /* its raw text ends in a space or a tab:
                                * lines of saved pages never do, a page
                                * cut right after a word does */
    int cname;                 /* core's name score (bib_name_score) in five
                                * steps, -2..2; PAGE_CNAME_NA for a line
                                * too long to be one name */
} page_mline;

/* The non-blank lines [zone..n) of pl with their features for layout d;
 * *out is allocated (caller frees), *nout their number. Returns a
 * bib_status. */
int page_model_lines(const page_lines *pl, const page_layout_desc *d, size_t zone,
                     page_mline **out, size_t *nout);

/* Emission weights of one line for layout d (slot: its slot in m) into
 * e[0..d->nstates), the certain structure applied (PAGE_NEG: impossible):
 * a meta line is the meta state, a venue state needs a venue line, the
 * site's abstract marker is no title or name (a placeholder is left to
 * the weights). */
void page_model_emit(const page_model *m, const page_layout_desc *d, int slot,
                     const page_mline *l, int *e);

/* Best path over the lines: path[j] = state of lines[j]; the transitions
 * d's grammar forbids stay forbidden, the others carry the learned
 * weights. Returns a bib_status. */
int page_model_decode(const page_model *m, const page_layout_desc *d, int slot,
                      const page_mline *lines, size_t n, int *path);

/* Labels lines [zone..n) of pl with roles on the learned best path of
 * layout d (slot in m). Returns a bib_status. */
int page_model_label(const page_model *m, const page_layout_desc *d, int slot,
                     const page_lines *pl, size_t zone, page_role *roles);

/* Feed split candidates of a title+authors line: byte offsets where a
 * first author may start, with their features. */
typedef struct page_split_cand {
    size_t at;
    uint32_t ids[PAGE_MODEL_MAXF];
    size_t nids;
} page_split_cand;

/* The part of a feed title+authors line s[0..len) that holds the title
 * and the names: [*off, *end) without the white space around it, the
 * " · org" tail (*org_off, *org_len; 0 when none) and " et al." (*et_al). */
void page_model_split_bounds(const char *s, size_t len, size_t *off, size_t *end,
                             size_t *org_off, size_t *org_len, bool *et_al);

/* Fills cands (at most cap) for s[off..end) (end: before " et al." and
 * " · org"); returns their number. */
size_t page_model_split_cands(const char *s, size_t off, size_t end, page_split_cand *cands,
                              size_t cap);

/* Score of a split candidate. */
long page_model_split_score(const page_model *m, const page_split_cand *c);

/* The best candidate of s[off..end) by the model's scores: its byte
 * offset, or (size_t)-1 when there is no candidate; *score gets its score. */
size_t page_model_split_best(const page_model *m, const char *s, size_t off, size_t end,
                             long *score);

#endif /* BIBCONV_PAGE_MODEL_H */
