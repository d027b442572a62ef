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
#define PAGE_FEATURE_VERSION 1

/* Features are hashed into 2^PAGE_MODEL_BITS buckets; a bucket has one
 * weight per state (PAGE_MODEL_K at most). */
#define PAGE_MODEL_BITS 20
#define PAGE_MODEL_MASK ((1u << PAGE_MODEL_BITS) - 1)
#define PAGE_MODEL_K 6
/* Features of one line or one split candidate at most. */
#define PAGE_MODEL_MAXF 80
/* Split candidates of one feed line at most (the first ones). */
#define PAGE_SPLIT_MAXC 64
/* Characters of a first author at most. */
#define PAGE_SPLIT_MAXNAME 50

/* The layouts with a learned best path, and their state counts. */
enum { PAGE_ML_PROFILE, PAGE_ML_FEED, PAGE_ML_TOPIC, PAGE_ML_N };

/* Weights: a lookup of a bucket's row (NULL: all zero), transition and
 * start weights per learned layout. The labeller uses the generated
 * table; the trainer its own arrays. */
typedef struct page_model {
    /* the weights of a bucket, in buf or elsewhere; NULL: all zero */
    const int32_t *(*row)(const struct page_model *m, uint32_t bucket, int32_t *buf);
    const void *data;
    const int32_t *trans; /* [PAGE_ML_N][PAGE_MODEL_K][PAGE_MODEL_K], from, to */
    const int32_t *start; /* [PAGE_ML_N][PAGE_MODEL_K] */
} page_model;

/* The model of the generated table (static storage, never freed). */
const page_model *page_model_default(void);

/* The generated table (page_model_table.c). */
extern const uint32_t page_model_nslots;      /* power of two */
extern const uint32_t page_model_keys[];      /* bucket + 1, 0: empty slot */
extern const uint32_t page_model_rowidx[];    /* row of the slot */
extern const int16_t page_model_rows[][PAGE_MODEL_K];
extern const int32_t page_model_trans[PAGE_ML_N][PAGE_MODEL_K * PAGE_MODEL_K];
extern const int32_t page_model_start[PAGE_ML_N][PAGE_MODEL_K];
extern const char page_model_inputs_hash[];   /* hex FNV-1a 64 of the inputs */
extern const unsigned page_model_seed;
extern const int page_model_epochs;

/* Index of a learned layout (PAGE_ML_*), -1 for others. */
int page_model_index(page_layout layout);
/* States of a learned layout. */
int page_model_states(int ml);
/* The role of state st of learned layout ml. */
page_role page_model_role(int ml, int st);
/* The state of role r in learned layout ml, -1 when it has none. */
int page_model_state(int ml, page_role r);

/* First line of the record zone of a page (after the publications
 * heading of a profile page, or its cookie-consent block); pl->n when a
 * profile page has neither. Lines before it are chrome. */
size_t page_model_zone(const page_lines *pl, page_layout layout);

/* One line of the zone as the model sees it. */
typedef struct page_mline {
    size_t line;               /* index in the page */
    uint32_t ids[PAGE_MODEL_MAXF];
    size_t nids;
    page_feat f;
} page_mline;

/* The non-blank lines [zone..n) of pl with their features; *out is
 * allocated (caller frees), *nout their number. Returns 0 or -1. */
int page_model_lines(const page_lines *pl, page_layout layout, size_t zone,
                     page_mline **out, size_t *nout);

/* Emission weights of one line for learned layout ml into e[0..k),
 * structural constraints applied (PAGE_NEG: the state is impossible). */
void page_model_emit(const page_model *m, int ml, const page_mline *l, int *e);

/* Best path over the lines: path[j] = state of lines[j]. 0 or -1. */
int page_model_decode(const page_model *m, int ml, const page_mline *lines, size_t n,
                      int *path);

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
