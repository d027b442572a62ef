/* SPDX-License-Identifier: MIT */
/*
 * merge.h - finding records that describe the same work and merging them
 * into one (the engine behind `bibconv --dedupe` and the duplicate-work
 * check of `bibconv check`).
 *
 * The matching rule (documented for users in docs/real-use.md, "Merge and
 * deduplicate"):
 *   1. Two records with the same DOI (case folded, "https://doi.org/" and
 *      "doi:" prefixes removed) are the same work.
 *   2. Two records whose DOIs are both present and differ are never the
 *      same work.
 *   3. Otherwise they are the same work when their title match keys are
 *      equal (utf8.h: accents, case, punctuation and whitespace folded;
 *      rich-text markup ignored), their years are compatible (within
 *      year_slack of each other, or one is missing) and their author lists
 *      overlap (at least min_shared_authors family names in common, capped
 *      at the length of the shorter list; two lists of which one is empty
 *      need equal years instead).
 * Candidates are found through hash buckets on the DOI and on the title
 * key, so adding n records costs O(n) expected, never O(n^2).
 *
 * Merging keeps, per field, the richest value: the name list naming more
 * people (equal length: the one cut short by "and others", whose marker
 * says more exist); the more
 * precise date;
 * the longer text (an abstract beats none); multi-valued identifiers (URL,
 * ISBN, ISSN, keywords, ...) are the union of the distinct values.
 *
 * Not for: ordering or keys of the output (the CLI), reading or writing.
 *
 * Memory: the engine holds every distinct work it has seen (one record per
 * work plus its keys), so it grows with the number of works: dedupe is not a
 * streaming operation.
 */
#ifndef BIBCONV_MERGE_H
#define BIBCONV_MERGE_H

#include "buf.h"
#include "common.h"
#include "record.h"

BIB_BEGIN_DECLS

typedef struct bib_dedupe_config {
    int year_slack;         /* max difference of years (default 1) */
    int min_shared_authors; /* family names in common needed (default 1) */
    bool match_titles;      /* rule 3 on (default true); false: DOI only */
    int min_title_words;    /* a title alone (no names or no year to compare)
                               matches when it has this many words (default 4) */
} bib_dedupe_config;

typedef struct bib_dedupe bib_dedupe;

/* Fills *cfg with the defaults above. */
BIB_API void bib_dedupe_config_init(bib_dedupe_config *cfg);

/* Returns a new, empty engine (copies *cfg; NULL cfg: defaults), or NULL
 * when out of memory. Free with bib_dedupe_free. */
BIB_API bib_dedupe *bib_dedupe_new(const bib_dedupe_config *cfg);

/* Frees the engine and every record it still holds. NULL is a no-op. */
BIB_API void bib_dedupe_free(bib_dedupe *d);

/* Adds a record; the engine takes ownership of rec in every case (it is
 * freed on failure). Directive records are kept as their own group, never
 * matched. On success *group (may be NULL) is the index of the work it
 * joined or started. Returns 1 when it was merged into an existing work,
 * 0 when it started a new one, BIB_ENOMEM on failure. */
BIB_API int bib_dedupe_add(bib_dedupe *d, bib_record *rec, size_t *group);

/* Number of works (groups), in order of first appearance. */
BIB_API size_t bib_dedupe_count(const bib_dedupe *d);

/* The merged record of work i (borrowed; NULL out of range or taken). */
BIB_API const bib_record *bib_dedupe_at(const bib_dedupe *d, size_t i);

/* How many input records were merged into work i (0 out of range). */
BIB_API size_t bib_dedupe_members(const bib_dedupe *d, size_t i);

/* Removes work i's record from the engine and returns it (the caller owns
 * it); the engine will not match against it any more. NULL out of range or
 * already taken. */
BIB_API bib_record *bib_dedupe_take(bib_dedupe *d, size_t i);

/* True when a and b are the same work by the rule above. */
BIB_API bool bib_records_same_work(const bib_record *a, const bib_record *b,
                                   const bib_dedupe_config *cfg);

/* Returns a new record (caller frees) holding the merge of a and b with
 * a's field order, id and origin preferred; NULL when out of memory. A
 * field copied whole from a or b keeps its source text (record.h); one
 * whose values are joined from both has none. */
BIB_API bib_record *bib_record_merge(const bib_record *a, const bib_record *b);

/* Appends the normalised DOI of s ("10.1000/xyz", lower-case) to out; 0,
 * BIB_EINVAL when s holds no "10." DOI, BIB_ENOMEM. */
BIB_API int bib_doi_normalize(bib_buf *out, const char *s);

BIB_END_DECLS

#endif /* BIBCONV_MERGE_H */
