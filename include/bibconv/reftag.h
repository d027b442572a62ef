/* SPDX-License-Identifier: MIT */
/*
 * reftag.h - the reference-string tagger: a formatted reference
 * ("Smith, J. (2001). Title. Journal, 3(2), 1-10.") split into tokens,
 * each token labelled with the field it belongs to by a learned
 * linear-chain model decoded with Viterbi, and a record built from the
 * labelled tokens (docs/refs.md). Used by the `refs` reader and meant for
 * the page reader: a block of lines is one call once its lines are joined.
 *
 * Ownership: a bib_reftag is a reusable tagger owned by its caller (one per
 * thread; it keeps scratch buffers between calls so a stream of references
 * does not allocate per reference). Token arrays returned by it are
 * borrowed and valid until the next call on the same tagger. Records built
 * by bib_reftag_record belong to the caller (bib_record_free).
 */
#ifndef BIBCONV_REFTAG_H
#define BIBCONV_REFTAG_H

#include "common.h"
#include "record.h"

BIB_BEGIN_DECLS

/* The labels, in the model's order. PUNCT is the punctuation between
 * fields; CITNUM the list number a reference starts with ("[12]"). */
typedef enum bib_ref_label {
    BIB_REF_PUNCT = 0,
    BIB_REF_AUTHOR,
    BIB_REF_EDITOR,
    BIB_REF_TITLE,
    BIB_REF_CONTAINER,
    BIB_REF_COLLECTION,
    BIB_REF_VOLUME,
    BIB_REF_ISSUE,
    BIB_REF_PAGES,
    BIB_REF_DATE,
    BIB_REF_PUBLISHER,
    BIB_REF_PLACE,
    BIB_REF_EDITION,
    BIB_REF_GENRE,
    BIB_REF_DOI,
    BIB_REF_URL,
    BIB_REF_ISBN,
    BIB_REF_NOTE,
    BIB_REF_CITNUM,
    BIB_REF_LABEL_COUNT
} bib_ref_label;

/* Token kinds of the tokenizer. */
typedef enum bib_ref_kind {
    BIB_REFTOK_WORD = 0,  /* letters (any script), inner ' and - kept */
    BIB_REFTOK_NUMBER,    /* digits, maybe with letters glued (2001a, e123) */
    BIB_REFTOK_PUNCT,     /* one punctuation or symbol character */
    BIB_REFTOK_URL,       /* http(s)://... or www.... up to white space */
    BIB_REFTOK_DOI,       /* 10.NNNN/... up to white space */
    BIB_REFTOK_CJK        /* one Han, kana or Hangul letter */
} bib_ref_kind;

/* One token: bytes s[off .. off+len) of the tagged text. */
typedef struct bib_ref_token {
    size_t off;
    size_t len;
    unsigned char kind;   /* bib_ref_kind */
    unsigned char label;  /* bib_ref_label, set by bib_reftag_run */
    bool space_before;    /* white space between this token and the last */
} bib_ref_token;

typedef struct bib_reftag bib_reftag;

/* A new tagger (NULL on allocation failure); free with bib_reftag_free. */
BIB_API bib_reftag *bib_reftag_new(void);
BIB_API void bib_reftag_free(bib_reftag *t);

/* Name of a label as used in the training data and docs ("author",
 * "container-title", "punct"); NULL when out of range. */
BIB_API const char *bib_ref_label_name(int label);
/* The label of a name, or -1. */
BIB_API int bib_ref_label_of(const char *name, size_t len);

/* Splits s[0..len) (UTF-8; invalid bytes become one-byte punctuation
 * tokens) into tokens; labels are left 0. Returns the token count or
 * BIB_ENOMEM. Linear in len. */
BIB_API long bib_reftag_tokenize(bib_reftag *t, const char *s, size_t len);

/* Tokenizes and labels s[0..len) with the built-in model. Returns the token
 * count or BIB_ENOMEM. Linear in len. */
BIB_API long bib_reftag_run(bib_reftag *t, const char *s, size_t len);

/* The tokens of the last call (borrowed, see above). */
BIB_API const bib_ref_token *bib_reftag_tokens(const bib_reftag *t,
                                               size_t *count);

/* Whether s[0..n) is a word that introduces the co-authors of one
 * person's work in a list of that person's works (`2019, with A. Hu and
 * N. Zhu`, `zusammen mit P. Bender`, `(współautor: M. Jaremko)`): the
 * names after it are the reference's co-authors, the person being left
 * out. Case is ignored in the first letter only. */
BIB_API bool bib_reftag_coauthor_word(const char *s, size_t n);

/* The length of the publication status phrase s[0..n) opens with (`in
 * press`, `forthcoming`, `to appear`, `submitted`, `im Druck`, `sous
 * presse`, `à paraître`, `en prensa`, `no prelo`, `w druku`, …; ASCII
 * case ignored, no letter glued to its end), 0 when none: where a
 * reference's date goes, it says the work has none yet. */
BIB_API size_t bib_reftag_status_phrase(const char *s, size_t n);

/* ---- the feature function shared with the trainer (tools/train_refs.c) */

/* Version of the feature function: hashed into the model's input hash. */
BIB_API unsigned bib_reftag_feature_version(void);

/* Writes the hashed feature ids of token i of the last tokenize into
 * ids[0..max) and returns how many (at most max). */
BIB_API size_t bib_reftag_features(bib_reftag *t, size_t i, uint32_t *ids,
                                   size_t max);

/* Most features a token has (a safe `max` for bib_reftag_features). */
#define BIB_REFTAG_MAX_FEATURES 64

/* ---- records ---------------------------------------------------------- */

/* Builds a record from the labelled tokens of the last bib_reftag_run on
 * s[0..len) (the same text): names split with the name service (names.h;
 * "et al." sets the truncated flag, ditto dashes "---" repeat `prev_authors`
 * when given), the date parsed (dates.h), the page range normalised, the
 * type inferred from the fields and cue words ("In:", "Dans", "thesis",
 * "arXiv"). No field is invented: only text the tokens hold is used;
 * labels the reference's structure contradicts are mended first (a page
 * range cut after its first number, a container without a title). The
 * tokens' labels are updated to match. *out is a new record (caller
 * frees) or NULL when no title and no author was found, or names only.
 * Returns 0 or BIB_ENOMEM. */
BIB_API int bib_reftag_record(bib_reftag *t, const char *s, size_t len,
                              const bib_record *prev_authors,
                              bib_record **out);

BIB_END_DECLS

#endif /* BIBCONV_REFTAG_H */
