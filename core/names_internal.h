/* SPDX-License-Identifier: MIT */
/* names_internal.h - private helpers shared by names.c, names_display.c and
 * namemodel.c. */
#ifndef BIBCONV_NAMES_INTERNAL_H
#define BIBCONV_NAMES_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..len) is a lower-case name particle (van, de, dos, bin...). */
bool bib__is_particle(const char *s, size_t len);

/* The generated name model (name_model_table.c, tools/train_names.c). */
extern const short bib__name_weights[];
extern const double bib__name_weight_scale; /* weight = short / scale */
extern const double bib__name_bias;
extern const unsigned long bib__name_model_seed;
extern const char bib__name_model_input_hash[];

#endif
