/* SPDX-License-Identifier: MIT */
/*
 * reftag_decode.c - the reference tagger's run-time decoder (docs/refs.md):
 * each token's emission scores summed from the generated weight table
 * (core/reftag_model_table.c, layout in reftag_model.h) and Viterbi over
 * the decoder states. The trainer (tools/train_refs.c) decodes with its
 * own floating-point copy, so the model does not depend on this file.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "reftag_model.h"

#define L BIB_REF_LABEL_COUNT
#define LP BIB_REFTAG_LP
#define NS BIB_REFTAG_NS

/* The packed place of feature id's weights (first << 5 | count, see
 * reftag_model.h), or 0 when it has none (a stored count is never 0). A
 * slot holds its key and its weights' place side by side, so a lookup
 * touches one cache line of the slot table. */
static uint32_t weights_of(uint32_t id)
{
    uint32_t mask = bib_reftag_nslots - 1, k = (id * 2654435761u) & mask;
    for (;;) {
        uint32_t key = bib_reftag_slots[2 * k];
        if (key == id)
            return bib_reftag_slots[2 * k + 1];
        if (!key)
            return 0;
        k = (k + 1) & mask;
    }
}

/* Feature v's weights (packed as weights_of returns them) added to row. */
static void expand_weights(uint32_t v, int32_t *row)
{
    uint32_t cnt = v & 31u;
    if (cnt == BIB_REFTAG_DENSE) {
        for (int l = 0; l < LP; l++)
            row[l] += bib_reftag_dense[(size_t)(v >> 5) * LP + l];
        return;
    }
    for (uint32_t x = 0; x < cnt; x++) {
        uint16_t e = bib_reftag_ent[(v >> 5) + x];
        row[e >> 11] += (int32_t)((e & 0x7FFu) ^ 0x400u) - 0x400;
    }
}

/* Builds the tables every tagger shares; NULL when out of memory. */
static reftag_consts *consts_build(void)
{
    /* the small-valued features' weights as rows of all labels: a few
     * hundred rows, looked up by template and value, no hashing */
    size_t nrows = 0;
    for (unsigned f = 0; f < BIB_REFTAG_TEMPLATES; f++)
        for (unsigned v = 0; v < bib_reftag_direct_domain(f); v++)
            nrows += weights_of(bib_reftag_feature_id(f, v)) != 0;
    reftag_consts *k = calloc(1, sizeof *k + nrows * LP * sizeof k->drows[0]);
    if (!k)
        return NULL;
    nrows = 0;
    for (unsigned f = 0; f < BIB_REFTAG_TEMPLATES; f++)
        for (unsigned v = 0; v < bib_reftag_direct_domain(f); v++) {
            uint32_t w = weights_of(bib_reftag_feature_id(f, v));
            if (!w)
                continue;
            expand_weights(w, k->drows + nrows * LP);
            k->drow_of[f << 8 | v] = (uint16_t)++nrows;
        }
    /* the transitions into the states below L padded for the Viterbi
     * inner loop (the padding never wins); into punctuation states the
     * two that can happen */
    for (int p = 0; p <= NS; p++)
        for (int l = 0; l < LP; l++)
            k->trans[p][l] = l < L ? bib_reftag_trans[p * NS + l] : BIB_REFTAG_NEVER;
    for (int f = 1; f < L; f++) {
        k->pin[f] = bib_reftag_trans[(f + 1) * NS + L - 1 + f];
        k->pself[f] = bib_reftag_trans[(L + f) * NS + L - 1 + f];
    }
    for (int p = 0; p < NS; p++) {
        k->tmax[p] = BIB_REFTAG_NEVER;
        k->tmin[p] = INT32_MAX;
        for (int l = 1; l < L; l++) {
            k->tmax[p] = k->trans[p + 1][l] > k->tmax[p] ? k->trans[p + 1][l] : k->tmax[p];
            k->tmin[p] = k->trans[p + 1][l] < k->tmin[p] ? k->trans[p + 1][l] : k->tmin[p];
        }
    }
    return k;
}

/* The shared tables, built by the first tagger (a failed build is tried
 * again by the next). Built per tagger they cost more than tagging a
 * page's few lines, and the page reader makes a tagger per page. Kept
 * for the life of the process. */
static _Atomic(const reftag_consts *) shared_consts;
static pthread_mutex_t consts_lock = PTHREAD_MUTEX_INITIALIZER;

int bib_reftag_decode_init(bib_reftag *t)
{
    const reftag_consts *k = atomic_load_explicit(&shared_consts, memory_order_acquire);
    if (!k) {
        pthread_mutex_lock(&consts_lock);
        k = atomic_load_explicit(&shared_consts, memory_order_relaxed);
        if (!k) {
            k = consts_build();
            if (k)
                atomic_store_explicit(&shared_consts, k, memory_order_release);
        }
        pthread_mutex_unlock(&consts_lock);
    }
    t->k = k;
    return k ? 0 : BIB_ENOMEM;
}

/* ---- decoding ----------------------------------------------------------- */

static int grow_viterbi(bib_reftag *t)
{
    if (t->vcap >= t->n)
        return 0;
    size_t cap = t->n + 64;
    int32_t *a = realloc(t->score, cap * L * sizeof *a);
    if (!a)
        return BIB_ENOMEM;
    t->score = a;
    a = realloc(t->best, cap * NS * sizeof *a);
    if (!a)
        return BIB_ENOMEM;
    t->best = a;
    t->vcap = cap;
    return 0;
}

/* Adds the direct feature d's weights to acc. */
static inline void add_row(const bib_reftag *t, uint16_t d, int32_t *restrict acc)
{
    unsigned r = t->k->drow_of[d];
    if (!r)
        return;
    const int32_t *row = t->k->drows + (size_t)(r - 1) * LP;
    for (int l = 0; l < LP; l++)
        acc[l] += row[l];
}

/* Adds the weights of the direct features dir[0..nd) to acc. They come
 * in the feature function's fixed order, so four in a row (positions,
 * buckets) recur as a group from token to token: the sum of each group
 * of four is cached by the four (integer sums, in any order the same). */
static void add_direct(bib_reftag *t, const uint16_t *dir, size_t nd, int32_t *restrict acc)
{
    size_t f = 0;
    for (; f + 4 <= nd; f += 4) {
        uint64_t key = (uint64_t)dir[f] | (uint64_t)dir[f + 1] << 16 |
                       (uint64_t)dir[f + 2] << 32 | (uint64_t)dir[f + 3] << 48;
        reftag_group_memo *m = &t->gmemo[(key * 0x9E3779B97F4A7C15u) >> (64 - BIB_REFTAG_GMEMO_BITS)];
        if (m->key != key) {
            memset(m->acc, 0, sizeof m->acc);
            for (int g = 0; g < 4; g++)
                add_row(t, dir[f + g], m->acc);
            m->key = key;
        }
        const int32_t *restrict g = m->acc;
        for (int l = 0; l < LP; l++)
            acc[l] += g[l];
    }
    for (; f < nd; f++)
        add_row(t, dir[f], acc);
}

/* Adds the weights of features ids[0..nf) to acc. */
static void add_weights(const uint32_t *ids, size_t nf, int32_t *acc)
{
    const uint16_t *ent[BIB_REFTAG_MAX_FEATURES];
    uint32_t nent[BIB_REFTAG_MAX_FEATURES];
    const int16_t *dense[BIB_REFTAG_MAX_FEATURES];
    /* the slots and entries are spread over large tables: all of a
     * token's cache lines are asked for before the first is used */
#if defined(__GNUC__)
    for (size_t f = 0; f < nf; f++)
        __builtin_prefetch(bib_reftag_slots + 2 * ((ids[f] * 2654435761u) & (bib_reftag_nslots - 1)));
#endif
    size_t m = 0, nd = 0;
    for (size_t f = 0; f < nf; f++) {
        uint32_t v = weights_of(ids[f]), cnt = v & 31u;
        if (!v)
            continue;
        if (cnt == BIB_REFTAG_DENSE) {
            dense[nd] = bib_reftag_dense + (size_t)(v >> 5) * LP;
#if defined(__GNUC__)
            __builtin_prefetch(dense[nd]);
#endif
            nd++;
            continue;
        }
#if defined(__GNUC__)
        __builtin_prefetch(bib_reftag_ent + (v >> 5));
#endif
        ent[m] = bib_reftag_ent + (v >> 5);
        nent[m++] = cnt;
    }
    /* dense rows: a vectorised add over all labels */
    for (size_t f = 0; f < nd; f++)
        for (int l = 0; l < LP; l++)
            acc[l] += dense[f][l];
    for (size_t f = 0; f < m; f++)
        for (uint32_t x = 0; x < nent[f]; x++)
            acc[ent[f][x] >> 11] += (int32_t)((ent[f][x] & 0x7FFu) ^ 0x400u) - 0x400;
}

/* The weight sum of the features of token i's own text, cached by its
 * bytes: punctuation, particles, names and journal words recur through a
 * list, and these features are a fifth of a token's. */
static void word_weights(bib_reftag *t, size_t i, int32_t *acc)
{
    const bib_ref_token *k = &t->tok[i];
    const char *p = t->s + k->off;
    reftag_word_memo *m = NULL;
    if (k->len <= sizeof m->text) {
        uint32_t h = 2166136261u ^ k->kind;
        for (size_t j = 0; j < k->len; j++)
            h = (h ^ (unsigned char)p[j]) * 16777619u;
        m = &t->wmemo[h % BIB_REFTAG_WMEMO];
        if (m->len == k->len && m->kind == k->kind && memcmp(m->text, p, k->len) == 0) {
            memcpy(acc, m->acc, sizeof m->acc);
            return;
        }
    }
    uint32_t ids[BIB_REFTAG_MAX_FEATURES];
    uint16_t dir[BIB_REFTAG_MAX_FEATURES];
    size_t nd, nf = bib_reftag_features_split(t, i, ids, BIB_REFTAG_MAX_FEATURES,
                                              BIB_REFTAG_F_WORD, dir, &nd);
    memset(acc, 0, LP * sizeof *acc);
    add_direct(t, dir, nd, acc);
    add_weights(ids, nf, acc);
    if (m) {
        memcpy(m->text, p, k->len);
        m->len = (unsigned char)k->len;
        m->kind = k->kind;
        memcpy(m->acc, acc, sizeof m->acc);
    }
}

/* The previous state of state l on the best path, given the previous
 * row's scores: the first state with the best move into l, as the
 * forward pass's running maximum (it keeps the first of equals) and its
 * skipping (a skipped state can neither win nor tie) would have had it. */
static int back_of(const bib_reftag *t, const int32_t *prev, int l)
{
    if (l >= L) {
        int f = l - L + 1;
        return prev[f] + t->k->pin[f] >= prev[l] + t->k->pself[f] ? f : l;
    }
    int arg = 0;
    int32_t top = prev[0] + t->k->trans[1][l];
    for (int p = 1; p < NS; p++) {
        int32_t v = prev[p] + t->k->trans[p + 1][l];
        if (v > top)
            top = v, arg = p;
    }
    return arg;
}

long bib_reftag_run(bib_reftag *t, const char *s, size_t len)
{
    long n = bib_reftag_tokenize(t, s, len);
    if (n <= 0)
        return n;
    if (grow_viterbi(t))
        return BIB_ENOMEM;
    uint32_t ids[BIB_REFTAG_MAX_FEATURES];
    uint16_t dir[BIB_REFTAG_MAX_FEATURES];
    for (size_t i = 0; i < t->n; i++) {
        int32_t acc[LP];
        word_weights(t, i, acc);
        size_t nd, nf = bib_reftag_features_split(t, i, ids, BIB_REFTAG_MAX_FEATURES,
                                                  BIB_REFTAG_F_CONTEXT, dir, &nd);
        add_direct(t, dir, nd, acc);
        add_weights(ids, nf, acc);
        memcpy(t->score + i * L, acc, L * sizeof *acc);
    }
    /* Viterbi over the decoder states (reftag_model.h) */
    int pb = 0;     /* the previous row's best state (its first) */
    for (int l = 0; l < NS; l++) {
        t->best[l] = t->score[l < L ? l : 0] + bib_reftag_trans[l];
        pb = t->best[l] > t->best[pb] ? l : pb;
    }
    for (size_t i = 1; i < t->n; i++) {
        const int32_t *prev = t->best + (i - 1) * NS;
        /* into the states below L: previous state outer, current inner, a
         * branch-free running maximum over padded rows, vectorised; the
         * back pointers are not kept here but found again for the one
         * state of the best path (below), which saves half the work */
        int32_t top[LP];
        /* every field state's best score here is at least `floor`, the
         * worst of the moves into fields out of the best previous state;
         * a previous state whose best move falls short of it can neither
         * win nor tie, and is skipped (most are: the row's best is 0, most
         * states far below). State 0 (punctuation before any field)
         * follows only state 0, which is never skipped. */
        int32_t floor = prev[pb] + t->k->tmin[pb];
        for (int l = 0; l < LP; l++)
            top[l] = prev[0] + t->k->trans[1][l];
        for (int p = 1; p < NS; p++) {
            const int32_t *tr = t->k->trans[p + 1];
            int32_t pv = prev[p];
            if (pv + t->k->tmax[p] < floor)
                continue;
            for (int l = 0; l < LP; l++) {
                int32_t v = pv + tr[l];
                top[l] = v > top[l] ? v : top[l];
            }
        }
        int32_t *row = t->best + i * NS, hi = INT32_MIN;
        const int32_t *sc = t->score + i * L;
        for (int l = 0; l < L; l++) {
            row[l] = top[l] + sc[l];
            if (row[l] > hi)
                hi = row[l], pb = l;
        }
        /* into punctuation after field f: from f or from itself */
        for (int f = 1; f < L; f++) {
            int ps = L - 1 + f;
            int32_t a = prev[f] + t->k->pin[f], b = prev[ps] + t->k->pself[f];
            row[ps] = (a >= b ? a : b) + sc[0];
            if (row[ps] > hi)
                hi = row[ps], pb = ps;
        }
        /* the path scores of a long text would overflow: a shift common to
         * a whole row changes no decision, so the row's best is kept at 0 */
        for (int l = 0; l < NS; l++)
            row[l] -= hi;
    }
    int l = 0;
    for (int k = 1; k < NS; k++)
        if (t->best[(t->n - 1) * NS + k] > t->best[(t->n - 1) * NS + l])
            l = k;
    for (size_t i = t->n; i-- > 0;) {
        t->tok[i].label = (unsigned char)(l < L ? l : BIB_REF_PUNCT);
        if (i)
            l = back_of(t, t->best + (i - 1) * NS, l);
    }
    return n;
}
