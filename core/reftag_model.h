/* SPDX-License-Identifier: MIT */
/*
 * reftag_model.h - private: the layout of the reference tagger's generated
 * weight table (core/reftag_model_table.c, written by tools/train_refs.c)
 * and the scratch state shared by core/reftag*.c.
 *
 * Weights: an open-addressing table of feature ids, slot k being the pair
 * slots[2k] = id (0 marks an empty slot, ids are never 0) and
 * slots[2k+1] = first << 5 | count, the slot's packed entries
 * ent[first .. first+count) = label << 11 | weight (11 bits, two's
 * complement); a count of 31 (BIB_REFTAG_DENSE) instead marks a feature
 * with weights for many labels, whose weights are the row
 * dense[first * BIB_REFTAG_LP ..] of all labels (padded): one vector add
 * instead of many scattered ones; transitions
 * trans[(from + 1) * BIB_REFTAG_NS + to] between decoder states, from = -1
 * the start, BIB_REFTAG_NEVER where `to` cannot follow `from`. Scores are
 * integers (weights times bib_reftag_model_scale).
 *
 * Decoder states: state s < L is label s (state 0 being punctuation before
 * any field); state s >= L is punctuation after field s - L + 1. A run of
 * punctuation thus remembers the field before it, and the field after it
 * is scored against that field (a first-order chain over labels alone
 * forgets it at the first comma). A field state follows any state; a
 * punctuation state follows its field or itself. Emission weights are per
 * label, shared by the punctuation states.
 */
#ifndef BIBCONV_REFTAG_MODEL_H
#define BIBCONV_REFTAG_MODEL_H

#include "bibconv/reftag.h"
#include "bibconv/buf.h"

extern const char bib_reftag_inputs_hash[];
extern const unsigned bib_reftag_seed;
extern const uint32_t bib_reftag_nslots;
extern const uint32_t bib_reftag_slots[];
extern const uint16_t bib_reftag_ent[];
extern const int16_t bib_reftag_dense[];
extern const int32_t bib_reftag_trans[];
extern const double bib_reftag_model_scale;

/* Forced inlining, for the feature function's copies per part (reftag.c) */
#if defined(__GNUC__)
#define FEAT_INLINE inline __attribute__((always_inline))
#else
#define FEAT_INLINE inline
#endif
/* Labels rounded up to a multiple of 4 (the Viterbi rows' width). */
#define BIB_REFTAG_LP ((BIB_REF_LABEL_COUNT + 3) / 4 * 4)
/* Decoder states and the transition that cannot happen. */
#define BIB_REFTAG_NS (2 * BIB_REF_LABEL_COUNT - 1)
#define BIB_REFTAG_NEVER (-(1 << 28))
/* Viterbi rows: the states padded to a multiple of 8 (reftag_decode.c) */
#define BIB_REFTAG_NSP ((BIB_REFTAG_NS + 7) / 8 * 8)
/* Feature templates are numbered below this (reftag.c). */
#define BIB_REFTAG_TEMPLATES 64
/* The entry count that marks a dense row (more than any label count). */
#define BIB_REFTAG_DENSE 31u

/* A chunk's name-likeness bucket, cached by its bytes (reftag.c,
 * name_bucket; sets of two entries, a set one cache line); len 0 is an
 * empty entry (an empty chunk is never asked). Chunks of 30 bytes at
 * most: 16,384 entries of 32 bytes (4,096 of 64 before) keep more of the
 * names that recur for 256 KB more, and a longer chunk recurs little
 * (FILE of docs/refs.md: 3,604 M -> 3,535 M instructions). */
typedef struct reftag_name_memo {
    unsigned char len;
    signed char bucket;
    char text[30];
} reftag_name_memo;
#define BIB_REFTAG_MEMO 16384

/* How far the features of a token reach into its neighbours' texts
 * (reftag.c, near_features: d = -BIB_REFTAG_NEAR .. BIB_REFTAG_NEAR). */
#define BIB_REFTAG_NEAR 2

/* The weight sums a token text gives (reftag_decode.c, word_entry),
 * cached by its bytes and kind: its own features' and what it shows the
 * tokens around it (near[q]: bib_reftag_near_split with d = q - NEAR for
 * q < NEAR, d = q - NEAR + 1 after: what the token d places after it sees
 * of it, d < 0 being before). Sets of two ways: a set's two keys share
 * one cache line (reftag_word_key; len 0 is an empty way, a token is
 * never empty), the sums are apart, and `wmru` says which way was used
 * last (the other is replaced), so that a list's one-off title words
 * evict each other, not the names and journal words that recur. */
typedef struct reftag_word_memo {
    int32_t acc[BIB_REFTAG_LP];
    int32_t near[2 * BIB_REFTAG_NEAR][BIB_REFTAG_LP];
} reftag_word_memo;
typedef struct reftag_word_key {
    unsigned char len, kind;
    char text[30];
} reftag_word_key;
#define BIB_REFTAG_WSETS 2048

/* The weight sum of four direct features in a row (reftag_decode.c,
 * add_direct), cached by the four: bib_reftag::gkey (key 0 is an empty
 * entry: a direct feature is never 0, templates start at 1) apart from
 * the sums gacc, so the keys probed stay in the first cache level; 4,096
 * entries (2,843 distinct groups in 2,000 references: 1,024 missed
 * one look-up in eight). */
#define BIB_REFTAG_GMEMO_BITS 12

/* What the decoder derives from the model table, the same for every
 * tagger: built once per process and shared (reftag_decode.c). */
typedef struct reftag_consts {
    /* transitions into the states s < L, padded (from + 1, to) */
    int32_t trans[BIB_REFTAG_NS + 1][BIB_REFTAG_LP];
    /* into punctuation after field f: from f, and from itself; 0 past
     * the fields (f = L .. LP), so that the Viterbi step adds them a
     * row's width at a time (reftag_decode.c) */
    int32_t pin[BIB_REFTAG_LP + 1], pself[BIB_REFTAG_LP + 1];
    /* per state: its best transition into a state below L (trans' row
     * maximum), for skipping states that cannot win; NEVER for the
     * padding states */
    int32_t tmax[BIB_REFTAG_NSP];
    /* and its worst one (row minimum): the floor a best state gives */
    int32_t tmin[BIB_REFTAG_NS];
    /* the small-valued features' weights: drow_of[template << 8 | value]
     * is 1 + the row in drows (LP weights each) of that feature, 0 when
     * it has no weights */
    uint16_t drow_of[BIB_REFTAG_TEMPLATES << 8];
    int32_t drows[];
} reftag_consts;

struct bib_reftag {
    const reftag_consts *k; /* shared, never freed */
    const char *s;          /* the text of the last call (borrowed) */
    size_t len;
    bib_ref_token *tok;
    size_t n, cap;
    bool oom;               /* the name model ran out of memory (compute_context) */
    /* per-token context computed once per text for the features */
    unsigned char *seg;     /* sentence index (capped) */
    unsigned char *comma;   /* commas since the sentence began (capped) */
    unsigned char *ctx;     /* bit 0 in parens, bit 1 in quotes */
    signed char *name;      /* name-likeness bucket of the token's chunk */
    uint32_t *wh, *sh;      /* hashes of the lower-cased word and shape */
    uint32_t *pid;          /* the token's phrase (reftag.c, compute_phrases) */
    uint32_t *pfirst;       /* per phrase: hash of its first word, 0 none */
    unsigned char *segr;    /* sentences after the token's (capped) */
    signed char *cprev, *cnext; /* name buckets of the chunks around */
    signed char *npb, *npa; /* name bucket of the token's chunk joined with
                               the chunk before / after it across one comma
                               (10: none; reftag.c, comma_pair) */
    unsigned char *pinfo;   /* per phrase: capitals and length buckets */
    unsigned char *snum;    /* numbers in the token's sentence (capped) * 2
                               + a number at or before the token */
    uint32_t *sfirst, *slast; /* hashes of the token's sentence's first
                                 and last words (0 none) */
    uint32_t *lbef, *laft;  /* a name list's tokens: the word before the
                               list and after it (0: not in a list) */
    uint32_t np;            /* phrases */
    size_t ctxcap;
    int32_t *score;         /* Viterbi: n * LP emission scores (padded) */
    int32_t *best;          /* n * BIB_REFTAG_NS best path scores */
    uint64_t *kept;         /* per token: the previous states Viterbi
                               did not skip (reftag_decode.c) */
    size_t vcap;
    bib_buf scratch;
    reftag_name_memo memo[BIB_REFTAG_MEMO];
    reftag_word_key wkey[BIB_REFTAG_WSETS][2];
    reftag_word_memo wmemo[BIB_REFTAG_WSETS][2];
    unsigned char wmru[BIB_REFTAG_WSETS];
    uint64_t gkey[1u << BIB_REFTAG_GMEMO_BITS];
    int32_t gacc[1u << BIB_REFTAG_GMEMO_BITS][BIB_REFTAG_LP];
};

/* Parts of a token's features (reftag.c, tmpl_part), each summed where
 * it recurs (reftag_decode.c): those of its own text alone (cached by
 * the token's bytes), those its neighbours' texts give it (cached by
 * each neighbour's bytes: bib_reftag_near_split), those the same for
 * every token of its phrase (sentence and phrase features: summed once
 * a phrase) and the rest; bib_reftag_features gives all, in the same
 * order whatever the parts asked. */
#define BIB_REFTAG_F_WORD 1
#define BIB_REFTAG_F_NEAR 2
#define BIB_REFTAG_F_PHRASE 4
#define BIB_REFTAG_F_TOKEN 8
#define BIB_REFTAG_F_ALL 15
/* The feature function's mask bit for a call with room for every
 * feature and a dir (reftag.c, put), and the most features a token has */
#define FEAT_ROOM 16u
#define FEAT_PUTS 57
_Static_assert(FEAT_PUTS <= BIB_REFTAG_MAX_FEATURES && !(FEAT_ROOM & BIB_REFTAG_F_ALL), "room");

size_t bib_reftag_features_part(bib_reftag *t, size_t i, uint32_t *ids, size_t max, int part);

/* The record builder's type cues (reftag_cues.c): does s[0..n) hold one
 * of the list's words, ASCII case folded? */
typedef enum reftag_cue {
    REFTAG_CUE_THESIS,
    REFTAG_CUE_REPORT,
    REFTAG_CUE_CONF,
    REFTAG_CUE_ARXIV
} reftag_cue;
bool bib__reftag_text_has(const char *s, size_t n, reftag_cue which);

/* The BIB_REFTAG_F_NEAR features token j gives the token d places before
 * it (d = -2..2, not 0; what bib_reftag_features gives token j - d),
 * split as bib_reftag_features_split splits them: a function of token
 * j's text and kind alone. */
size_t bib_reftag_near_split(bib_reftag *t, size_t j, int d, uint32_t *ids, size_t max,
                             uint16_t *dir, size_t *ndir);

/* The same features with the small-valued ones apart (reftag.c): those
 * whose template has a direct domain (bib_reftag_direct_domain) and a
 * value below it go to dir as template << 8 | value (*ndir of them), the
 * rest to ids as feature ids (the count returned); dir NULL puts all in
 * ids. Together, the same features as bib_reftag_features_part. */
size_t bib_reftag_features_split(bib_reftag *t, size_t i, uint32_t *ids, size_t max,
                                 int part, uint16_t *dir, size_t *ndir);
/* How many values of template tmpl go to dir (0: none). */
unsigned bib_reftag_direct_domain(unsigned tmpl);
/* The feature id of template tmpl's value v. */
uint32_t bib_reftag_feature_id(uint32_t tmpl, uint32_t v);

/* The name lists' surroundings (lbef, laft) from the name buckets and the
 * breaks compute_context marks in lbef (reftag_ctx.c). */
void bib__reftag_name_lists(bib_reftag *t);

/* Fills t's decoder tables from the generated table (reftag_decode.c);
 * returns BIB_ENOMEM when the direct rows cannot be allocated. */
int bib_reftag_decode_init(bib_reftag *t);

#endif /* BIBCONV_REFTAG_MODEL_H */
