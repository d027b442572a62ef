/* SPDX-License-Identifier: MIT */
/* names_internal.h - private helpers shared by names.c, names_display.c and
 * namemodel.c (and record.c, for names.c's block of parts). */
#ifndef BIBCONV_NAMES_INTERNAL_H
#define BIBCONV_NAMES_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "bibconv/record.h"

/* True when s[0..len) is a lower-case name particle (van, de, dos, bin...). */
bool bib__is_particle(const char *s, size_t len);

/* bib_record_add_name for a name whose parts are NUL-terminated strings in
 * block[0..len), which ends in a NUL: one copy of the block into the
 * record instead of one per part. 0, BIB_EINVAL or BIB_ENOMEM. */
int bib__record_add_name_block(bib_record *r, bib_var var, const bib_name *name,
                               const char *block, size_t len);

/* bib_name_parse_display_flags without its quick way for the common
 * "Family, Given" (names_display.c): a test-only seam, exported for
 * tests/text/test_names.c, which compares the two; not public API. */
BIB_API int bib__name_parse_display_general(bib_name *out, const char *s, size_t len,
                                            unsigned flags);

/* bib_name_parse_bibtex without its quick way for "Last, First"
 * (names.c): a test-only seam for tests/text/test_names.c, as above. */
BIB_API int bib__name_parse_bibtex_general(bib_name *out, const char *s, size_t len,
                                           unsigned flags);

/* Most words a display name is split into. */
#define BIB__NAME_MAXW 64

/* The generated name model (name_model_table.c, tools/train_names.c). */
extern const short bib__name_weights[];
extern const double bib__name_weight_scale; /* weight = short / scale */
extern const double bib__name_bias;
extern const unsigned long bib__name_model_seed;
extern const char bib__name_model_input_hash[];
/* bib_name_score into *out (namemodel.c), BIB_ENOMEM when the name
 * model's normalisation ran out of memory (bib_name_score's 0). */
int bib__name_score_of(const char *s, size_t len, double *out);

#endif
