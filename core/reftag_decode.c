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
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "reftag_model.h"

#define L BIB_REF_LABEL_COUNT
#define LP BIB_REFTAG_LP
#define NS BIB_REFTAG_NS

#define NSP BIB_REFTAG_NSP
/* A padding state's score: below any floor, and no overflow when a
 * transition is added to it */
#define BIB_REFTAG_PAD (INT32_MIN / 2)
_Static_assert(NSP <= 64, "a row's kept states fit in 64 bits");

static inline int ctz64(uint64_t m)
{
#if defined(__GNUC__)
    return __builtin_ctzll(m);
#else
    int n = 0;
    while (!(m & 1))
        m >>= 1, n++;
    return n;
#endif
}

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

/* weights_of with the first four slots from the home one compared at
 * once where SSE2 is there: the first slot holding the id or empty, as
 * the loop finds it, without a branch per slot (the decoder's look-ups
 * missed those branches' predictions more than they waited on memory:
 * more instructions, less time). Near the table's end, or when all four
 * are taken by other ids, the loop goes on. */
static inline uint32_t weights_of_fast(uint32_t id)
{
#if defined(__SSE2__)
    uint32_t mask = bib_reftag_nslots - 1, k = (id * 2654435761u) & mask;
    if (k + 4 <= bib_reftag_nslots) {
        const float *p = (const float *)(bib_reftag_slots + 2 * k);
        /* the four slots' keys (every other lane) side by side */
        __m128i keys = _mm_castps_si128(_mm_shuffle_ps(_mm_loadu_ps(p), _mm_loadu_ps(p + 4),
                                                       _MM_SHUFFLE(2, 0, 2, 0)));
        int hit = _mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(keys, _mm_set1_epi32((int)id))));
        int end = _mm_movemask_ps(_mm_castsi128_ps(_mm_cmpeq_epi32(keys, _mm_setzero_si128())));
        if (hit | end) {
            int j = __builtin_ctz((unsigned)(hit | end));
            return hit >> j & 1 ? bib_reftag_slots[2 * (k + (uint32_t)j) + 1] : 0;
        }
    }
#endif
    return weights_of(id);
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
    for (int p = NS; p < NSP; p++)
        k->tmax[p] = BIB_REFTAG_NEVER;
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

/* The feature function's whole and partial forms (reftag.h). */
size_t bib_reftag_features(bib_reftag *t, size_t i, uint32_t *ids, size_t max)
{
    return bib_reftag_features_part(t, i, ids, max, BIB_REFTAG_F_ALL);
}

size_t bib_reftag_features_part(bib_reftag *t, size_t i, uint32_t *ids, size_t max, int part)
{
    return bib_reftag_features_split(t, i, ids, max, part, NULL, NULL);
}

/* ---- decoding ----------------------------------------------------------- */

static int grow_viterbi(bib_reftag *t)
{
    if (t->vcap >= t->n)
        return 0;
    size_t cap = t->n + 64;
    int32_t *a = realloc(t->score, cap * LP * sizeof *a);
    if (!a)
        return BIB_ENOMEM;
    t->score = a;
    a = realloc(t->best, cap * NSP * sizeof *a);
    if (!a)
        return BIB_ENOMEM;
    t->best = a;
    uint64_t *m = realloc(t->kept, cap * sizeof *m);
    if (!m)
        return BIB_ENOMEM;
    t->kept = m;
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

/* The weight sum of the four direct features at dir (one group): they
 * come in the feature function's fixed order, so four in a row
 * (positions, buckets) recur as a group from token to token, and the
 * sum of each group is cached by the four (integer sums, in any order
 * the same). Borrowed until the next call. */
static inline const int32_t *group_sum(bib_reftag *t, const uint16_t *dir)
{
    /* the four as one 64-bit load (any order of their bytes makes a key:
     * four nonzero features, never key 0) */
    uint64_t key;
    memcpy(&key, dir, sizeof key);
    size_t x = (key * 0x9E3779B97F4A7C15u) >> (64 - BIB_REFTAG_GMEMO_BITS);
    int32_t *sum = t->gacc[x];
    if (t->gkey[x] != key) {
        memset(sum, 0, sizeof t->gacc[x]);
        for (int g = 0; g < 4; g++)
            add_row(t, dir[g], sum);
        t->gkey[x] = key;
    }
    return sum;
}

#if !defined(__SSE2__)
/* Adds the weights of the direct features dir[0..nd) to acc: each group
 * of four by its cached sum (group_sum), the rest one by one. */
static void add_direct(bib_reftag *t, const uint16_t *dir, size_t nd, int32_t *restrict acc)
{
    size_t f = 0;
    for (; f + 4 <= nd; f += 4) {
        const int32_t *restrict g = group_sum(t, dir + f);
        for (int l = 0; l < LP; l++)
            acc[l] += g[l];
    }
    for (; f < nd; f++)
        add_row(t, dir[f], acc);
}
#endif

/* A token's hashed features on their way to its scores, in three
 * stages (part_weights does all three at once; emissions spreads them
 * over three tokens, so that the slot and row lines of a token are
 * fetched while the tokens before it are summed): its feature ids and
 * small-valued features (stage 1), where their weights are (stage 2),
 * the sum (stage 3). */
typedef struct reftag_pending {
    uint32_t ids[BIB_REFTAG_MAX_FEATURES];
    uint16_t dir[BIB_REFTAG_MAX_FEATURES];
    size_t nf, nd;
    const int16_t *dense[BIB_REFTAG_MAX_FEATURES];
    const uint16_t *ent[BIB_REFTAG_MAX_FEATURES];
    uint32_t nent[BIB_REFTAG_MAX_FEATURES];
    size_t ndense, nsparse;
} reftag_pending;

/* Stage 1 ends here: the slots of P's ids are asked for. */
static void ask_slots(const reftag_pending *P)
{
#if defined(__GNUC__)
    for (size_t f = 0; f < P->nf; f++)
        __builtin_prefetch(bib_reftag_slots + 2 * ((P->ids[f] * 2654435761u) & (bib_reftag_nslots - 1)));
#else
    (void)P;
#endif
}

/* Stage 2: the slots looked up, the rows and entries asked for. */
static void find_weights(reftag_pending *P)
{
    size_t m = 0, nd = 0;
    for (size_t f = 0; f < P->nf; f++) {
        uint32_t v = weights_of_fast(P->ids[f]), cnt = v & 31u;
        if (!v)
            continue;
        if (cnt == BIB_REFTAG_DENSE) {
            P->dense[nd] = bib_reftag_dense + (size_t)(v >> 5) * LP;
#if defined(__GNUC__)
            __builtin_prefetch(P->dense[nd]);
#endif
            nd++;
            continue;
        }
#if defined(__GNUC__)
        __builtin_prefetch(bib_reftag_ent + (v >> 5));
#endif
        P->ent[m] = bib_reftag_ent + (v >> 5);
        P->nent[m++] = cnt;
    }
    P->ndense = nd;
    P->nsparse = m;
}

static inline void add_vec(int32_t *restrict acc, const int32_t *restrict v)
{
    for (int l = 0; l < LP; l++)
        acc[l] += v[l];
}

#if defined(__SSE2__)
/* A row of LP sums held in registers while the parts of a sum are added
 * (sum_parts): the row in memory is loaded and stored once, not once a
 * part. */
#define NV (LP / 4)
typedef struct vrow {
    __m128i v[NV];
} vrow;

static inline void vr_add(vrow *a, const int32_t *p)
{
    for (int q = 0; q < NV; q++)
        a->v[q] = _mm_add_epi32(a->v[q], _mm_loadu_si128((const __m128i *)(p + 4 * q)));
}

/* adds a dense row (16 bits a weight, sign-extended) */
static inline void vr_add16(vrow *a, const int16_t *p)
{
    for (int q = 0; q < NV; q++) {
        __m128i x = _mm_loadl_epi64((const __m128i *)(p + 4 * q));
        a->v[q] = _mm_add_epi32(a->v[q], _mm_srai_epi32(_mm_unpacklo_epi16(x, x), 16));
    }
}
#endif

/* Stage 3: into acc (LP sums) the sums of base (NULL: zeros; it may be
 * acc itself), own and ph (rows, each NULL for none), P's direct
 * features (add_direct) and the weights P's stage 2 found. Integer sums:
 * the order of the additions does not matter. */
static inline void sum_parts(bib_reftag *t, int32_t *acc, const int32_t *base, const int32_t *own,
                             const int32_t *ph, const reftag_pending *P)
{
#if defined(__SSE2__)
    vrow a;
    for (int q = 0; q < NV; q++)
        a.v[q] = base ? _mm_loadu_si128((const __m128i *)(base + 4 * q)) : _mm_setzero_si128();
    if (own)
        vr_add(&a, own);
    if (ph)
        vr_add(&a, ph);
    size_t f = 0;
    for (; f + 4 <= P->nd; f += 4)
        vr_add(&a, group_sum(t, P->dir + f));
    for (; f < P->nd; f++) {
        unsigned r = t->k->drow_of[P->dir[f]];
        if (r)
            vr_add(&a, t->k->drows + (size_t)(r - 1) * LP);
    }
    for (size_t d = 0; d < P->ndense; d++)
        vr_add16(&a, P->dense[d]);
    for (int q = 0; q < NV; q++)
        _mm_storeu_si128((__m128i *)(acc + 4 * q), a.v[q]);
#else
    if (!base)
        memset(acc, 0, LP * sizeof *acc);
    else if (base != acc)
        memcpy(acc, base, LP * sizeof *acc);
    if (own)
        add_vec(acc, own);
    if (ph)
        add_vec(acc, ph);
    add_direct(t, P->dir, P->nd, acc);
    /* dense rows: a vectorised add over all labels */
    for (size_t f = 0; f < P->ndense; f++)
        for (int l = 0; l < LP; l++)
            acc[l] += P->dense[f][l];
#endif
    for (size_t e = 0; e < P->nsparse; e++)
        for (uint32_t x = 0; x < P->nent[e]; x++)
            acc[P->ent[e][x] >> 11] += (int32_t)((P->ent[e][x] & 0x7FFu) ^ 0x400u) - 0x400;
}

/* The weight sums of part `part` of token i's features into acc (LP
 * entries). */
static void part_weights(bib_reftag *t, size_t i, int part, int32_t *acc)
{
    reftag_pending P;
    P.nf = bib_reftag_features_split(t, i, P.ids, BIB_REFTAG_MAX_FEATURES, part, P.dir, &P.nd);
    ask_slots(&P);
    find_weights(&P);
    sum_parts(t, acc, NULL, NULL, NULL, &P);
}

/* The offset d of reftag_word_memo's near[q]. */
static inline int near_d(int q)
{
    return q < BIB_REFTAG_NEAR ? q - BIB_REFTAG_NEAR : q - BIB_REFTAG_NEAR + 1;
}

/* The weight sums token i's text gives (reftag_word_memo): from the
 * cache by its bytes, or computed into it (or into *spare for a text too
 * long to cache). Punctuation, particles, names and journal words recur
 * through a list, and these features are half of a token's. The entry
 * is borrowed until the next call. */
static const reftag_word_memo *word_entry(bib_reftag *t, size_t i, reftag_word_memo *spare)
{
    const bib_ref_token *k = &t->tok[i];
    const char *p = t->s + k->off;
    reftag_word_memo *m = spare;
    reftag_word_key *key = NULL;
    if (k->len <= sizeof key->text) {
        /* the set from the word hash the tokenizer made (of the text
         * lower-cased; the key below tells the cases apart) */
        uint32_t h = (t->wh[i] ^ k->kind) * 0x9E3779B1u;
        size_t set = (h >> 16) % BIB_REFTAG_WSETS;
        key = t->wkey[set];
        for (int w = 0; w < 2; w++)
            if (key[w].len == k->len && key[w].kind == k->kind && memcmp(key[w].text, p, k->len) == 0) {
                t->wmru[set] = (unsigned char)w;
                return &t->wmemo[set][w];
            }
        /* the way not used last is replaced */
        int w = !t->wmru[set];
        t->wmru[set] = (unsigned char)w;
        key += w;
        m = &t->wmemo[set][w];
    }
    /* the five sums' features, the slots of each asked for as soon as
     * it is made (the first ones' lines arrive while the rest are made),
     * then their rows, then the sums (reftag_pending) */
    enum { NQ = 2 * BIB_REFTAG_NEAR };
    reftag_pending P[NQ + 1];
    P[0].nf = bib_reftag_features_split(t, i, P[0].ids, BIB_REFTAG_MAX_FEATURES,
                                        BIB_REFTAG_F_WORD, P[0].dir, &P[0].nd);
    ask_slots(&P[0]);
    for (int q = 0; q < NQ; q++) {
        P[q + 1].nf = bib_reftag_near_split(t, i, near_d(q), P[q + 1].ids,
                                            BIB_REFTAG_MAX_FEATURES, P[q + 1].dir, &P[q + 1].nd);
        ask_slots(&P[q + 1]);
    }
    for (int q = 0; q <= NQ; q++)
        find_weights(&P[q]);
    for (int q = 0; q <= NQ; q++)
        sum_parts(t, q ? m->near[q - 1] : m->acc, NULL, NULL, NULL, &P[q]);
    if (key) {
        memcpy(key->text, p, k->len);
        key->len = (unsigned char)k->len;
        key->kind = k->kind;
    }
    return m;
}

/* Every token's emission scores into t->score (LP a token): each part of
 * its features summed where it recurs (reftag_model.h, BIB_REFTAG_F_*).
 * Integer sums: the same scores as summing each token's features. */
static void emissions(bib_reftag *t)
{
    /* no clearing pass: a row's first sum is copied into it (token 0's
     * own, token 1's from token 0, token j's from token j - 2) */
    reftag_word_memo spare;
    int32_t ph[LP];
    uint32_t cur = UINT32_MAX;
    /* the per-token part in three stages over three tokens (reftag_pending):
     * token i is summed while token i + 1's weights and token i + 2's
     * slots are on their way */
    reftag_pending pend[3];
    for (size_t i = 0; i < t->n + 2; i++) {
        if (i < t->n) {
            reftag_pending *P = &pend[i % 3];
            P->nf = bib_reftag_features_split(t, i, P->ids, BIB_REFTAG_MAX_FEATURES,
                                              BIB_REFTAG_F_TOKEN, P->dir, &P->nd);
            ask_slots(P);
        }
        if (i >= 1 && i - 1 < t->n)
            find_weights(&pend[(i - 1) % 3]);
        if (i < 2)
            continue;
        size_t k = i - 2;
        int32_t *row = t->score + k * LP;
        const reftag_word_memo *m = word_entry(t, k, &spare);
        /* what token k shows the tokens before it and after it: the
         * token k - d sees it d places after itself */
        for (int q = 0; q < 2 * BIB_REFTAG_NEAR; q++) {
            long d = near_d(q), j = (long)k - d;
            if (j < 0 || (size_t)j >= t->n)
                continue;
            if (d == -2 || (d == -1 && k == 0))
                memcpy(t->score + (size_t)j * LP, m->near[q], sizeof m->near[q]);
            else
                add_vec(t->score + (size_t)j * LP, m->near[q]);
        }
        /* a phrase's tokens are consecutive */
        if (t->pid[k] != cur) {
            cur = t->pid[k];
            part_weights(t, k, BIB_REFTAG_F_PHRASE, ph);
        }
        /* the row's own parts: its text's, its phrase's and its own
         * (rows 1 on have their neighbours' parts already) */
        sum_parts(t, row, k ? row : NULL, m->acc, ph, &pend[k % 3]);
    }
}

/* The previous state of state l on the best path, given the previous
 * row's scores and the states the forward pass did not skip there (bit
 * p of `kept`): the first state with the best move into l, as the
 * forward pass's running maximum (state 0 first, then the kept ones in
 * order; it keeps the first of equals) would have had it. A skipped
 * state can neither win nor tie, so it need not be looked at. */
static int back_of(const bib_reftag *t, const int32_t *prev, uint64_t kept, int l)
{
    if (l >= L) {
        int f = l - L + 1;
        return prev[f] + t->k->pin[f] >= prev[l] + t->k->pself[f] ? f : l;
    }
    int arg = 0;
    int32_t top = prev[0] + t->k->trans[1][l];
    for (; kept; kept &= kept - 1) {
        int p = ctz64(kept);
        int32_t v = prev[p] + t->k->trans[p + 1][l];
        if (v > top)
            top = v, arg = p;
    }
    return arg;
}

#if defined(__SSE2__)
/* The lanes' 32-bit maxima (SSE4.1's pmaxsd in SSE2). */
static inline __m128i max4(__m128i a, __m128i b)
{
    __m128i gt = _mm_cmpgt_epi32(a, b);
    return _mm_or_si128(_mm_and_si128(gt, a), _mm_andnot_si128(gt, b));
}
#endif

#if !defined(__SSE2__)
/* Bit p of the result set when keep[p] (p < NSP; each 0 or 1): eight
 * bytes at a time gathered by one multiplication. */
static uint64_t pack_bits(const unsigned char *keep)
{
    uint64_t m = 0;
    for (int q = 0; q < NSP / 8; q++) {
        uint64_t x;
        memcpy(&x, keep + 8 * q, 8);
        m |= ((x * 0x0102040810204080u) >> 56) << (8 * q);
    }
    return m;
}
#endif

/* Bit p set when prev[p] + tmax[p] >= floor (p < NSP); four states a
 * comparison where SSE2 is there (x86-64 always). */
static inline uint64_t keep_mask(const int32_t *prev, const int32_t *tmax, int32_t floor)
{
#if defined(__SSE2__)
    uint64_t m = 0;
    const __m128i lo = _mm_set1_epi32(floor - 1);
    for (int p = 0; p < NSP; p += 4) {
        __m128i v = _mm_add_epi32(_mm_loadu_si128((const __m128i *)(prev + p)),
                                  _mm_loadu_si128((const __m128i *)(tmax + p)));
        m |= (uint64_t)_mm_movemask_ps(_mm_castsi128_ps(_mm_cmpgt_epi32(v, lo))) << p;
    }
    return m;
#else
    unsigned char keep[NSP];
    for (int p = 0; p < NSP; p++)
        keep[p] = prev[p] + tmax[p] >= floor;
    return pack_bits(keep);
#endif
}

/* One Viterbi step: row (the scores of token i's states) from prev (token
 * i - 1's, whose best state is pb) and sc (token i's emission scores).
 * Returns the states of prev not skipped (bits 1..NS-1) and sets *pb to
 * a best state of row. Each row is shifted by the previous row's best
 * score, a shift common to the whole row that changes no decision and
 * keeps the scores of a long text from overflowing. */
static uint64_t viterbi_step(const bib_reftag *t, const int32_t *restrict prev,
                             const int32_t *restrict sc, int32_t *restrict row, int *pb)
{
    const reftag_consts *k = t->k;
    /* into the states below L: previous state outer, current inner, a
     * branch-free running maximum over padded rows, vectorised. Every
     * field state's best score here is at least `floor`, the worst of
     * the moves into fields out of the best previous state; a previous
     * state whose best move falls short of it can neither win nor tie,
     * and is skipped (most are). State 0 (punctuation before any field)
     * follows only state 0, which is never skipped. The padding states
     * (NS..NSP) are never kept. */
    int32_t shift = prev[*pb], floor = shift + k->tmin[*pb];
    uint64_t kept = keep_mask(prev, k->tmax, floor) & ~(uint64_t)1;
    int32_t top[LP];
    for (int l = 0; l < LP; l++)
        top[l] = prev[0] + k->trans[1][l];
    for (uint64_t m = kept; m; m &= m - 1) {
        int p = ctz64(m);
        const int32_t *tr = k->trans[p + 1];
        int32_t pv = prev[p];
        for (int l = 0; l < LP; l++) {
            int32_t v = pv + tr[l];
            top[l] = v > top[l] ? v : top[l];
        }
    }
    /* the field states (the padding written past L is overwritten) */
    for (int l = 0; l < LP; l++)
        row[l] = top[l] + (sc[l] - shift);
    /* into punctuation after field f (state L - 1 + f): from f or from
     * itself; over LP fields, vectorised (the states past NS that the
     * padding fields write are padding, set below; pin and pself are 0
     * there and prev's padding is PAD, so nothing overflows) */
    _Static_assert(L - 1 + LP <= NSP, "the padding fields' states are in the row");
    int32_t sp = sc[0] - shift;
#if defined(__SSE2__)
    /* four fields at a time (the compiler kept these two loops scalar:
     * SSE2 has no 32-bit maximum) */
    const __m128i spv = _mm_set1_epi32(sp);
    for (int f = 1; f <= LP; f += 4) {
        __m128i a = _mm_add_epi32(_mm_loadu_si128((const __m128i *)(prev + f)),
                                  _mm_loadu_si128((const __m128i *)(k->pin + f)));
        __m128i b = _mm_add_epi32(_mm_loadu_si128((const __m128i *)(prev + L - 1 + f)),
                                  _mm_loadu_si128((const __m128i *)(k->pself + f)));
        _mm_storeu_si128((__m128i *)(row + L - 1 + f), _mm_add_epi32(max4(a, b), spv));
    }
#else
    for (int f = 1; f <= LP; f++) {
        int32_t a = prev[f] + k->pin[f], b = prev[L - 1 + f] + k->pself[f];
        row[L - 1 + f] = (a >= b ? a : b) + sp;
    }
#endif
    for (int p = NS; p < NSP; p++)
        row[p] = BIB_REFTAG_PAD;
    /* the best score over the padded row (the padding never wins) and
     * the first state that has it */
#if defined(__SSE2__)
    __m128i hv = _mm_loadu_si128((const __m128i *)row);
    for (int p = 4; p < NSP; p += 4)
        hv = max4(hv, _mm_loadu_si128((const __m128i *)(row + p)));
    hv = max4(hv, _mm_shuffle_epi32(hv, _MM_SHUFFLE(1, 0, 3, 2)));
    hv = max4(hv, _mm_shuffle_epi32(hv, _MM_SHUFFLE(2, 3, 0, 1)));
    int best = 0;
    for (int p = 0; p < NSP; p += 4) {
        int eq = _mm_movemask_ps(_mm_castsi128_ps(
            _mm_cmpeq_epi32(_mm_loadu_si128((const __m128i *)(row + p)), hv)));
        if (eq) {
            best = p + __builtin_ctz((unsigned)eq);
            break;
        }
    }
#else
    int32_t hi = row[0];
    for (int p = 1; p < NSP; p++)
        hi = row[p] > hi ? row[p] : hi;
    int best = 0;
    while (row[best] != hi)
        best++;
#endif
    *pb = best;
    return kept;
}

long bib_reftag_run(bib_reftag *t, const char *s, size_t len)
{
    long n = bib_reftag_tokenize(t, s, len);
    if (n <= 0)
        return n;
    if (grow_viterbi(t))
        return BIB_ENOMEM;
    emissions(t);
    /* Viterbi over the decoder states (reftag_model.h); the back
     * pointers are not kept but found again for the one state of the
     * best path (back_of), among the states the step did not skip */
    int pb = 0;     /* the previous row's best state */
    for (int l = 0; l < NSP; l++) {
        t->best[l] = l >= NS ? BIB_REFTAG_PAD : t->score[l < L ? l : 0] + bib_reftag_trans[l];
        pb = t->best[l] > t->best[pb] ? l : pb;
    }
    for (size_t i = 1; i < t->n; i++)
        t->kept[i] = viterbi_step(t, t->best + (i - 1) * NSP, t->score + i * LP,
                                  t->best + i * NSP, &pb);
    /* the last token's best state: the first of equals */
    const int32_t *last = t->best + (t->n - 1) * NSP;
    int l = 0;
    for (int k = 1; k < NS; k++)
        if (last[k] > last[l])
            l = k;
    for (size_t i = t->n; i-- > 0;) {
        t->tok[i].label = (unsigned char)(l < L ? l : BIB_REF_PUNCT);
        if (i)
            l = back_of(t, t->best + (i - 1) * NSP, t->kept[i], l);
    }
    return n;
}
