/* SPDX-License-Identifier: MIT */
/*
 * train_refs.h - what tools/train_refs.c (training, validation, the
 * table) and tools/train_refs_data.c (the data's label mending and the
 * training copies) share; docs/refs.md, "Training and validation".
 */
#ifndef TRAIN_REFS_H
#define TRAIN_REFS_H

#include <jansson.h>
#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

#include "bibconv/reftag.h"

#define SEED 20261203u

/* a seeded 32-bit hash of the string s (the split and the copies) */
uint32_t mix(const char *s, unsigned salt);
/* p, or exit 2 with a message when it is NULL (out of memory) */
void *must(void *p);

/* Label mending of one segment of the data, before training and
 * validation: tx (n bytes) is the segment's text, lab its labels, one
 * a byte, changed in place. */
void in_as_note(const char *tx, size_t n, unsigned char *lab);
/* the same for a role word before the names of an editor segment
 * (`ed. J. Neusner`) */
void role_before_names_as_note(const char *tx, size_t n, unsigned char *lab);

/* Label mending across segments (role words after a name list): seg is
 * the sequence, lab the labels of its concatenated text, one a byte,
 * changed in place (train_refs_data.c). */
void role_words_with_names(json_t *seg, unsigned char *lab);

/* Label mending by tokens: the marks after a link or DOI token are punct;
 * g the n tokens' labels, changed in place; edge_marks_changed counts the
 * changes of the rendered set [0] and of AnyStyle's [1]. */
void link_marks_as_punct(const bib_ref_token *tok, size_t n, unsigned char *g, bool anystyle);
extern long edge_marks_changed[2];
/* The same for the period closing a name list after a capitals word of
 * two letters or more (`Kwok SJ.`); tx the reference's text. */
void initials_period_as_punct(const char *tx, const bib_ref_token *tok, size_t n, unsigned char *g,
                              bool anystyle);
extern long initials_marks_changed[2];

/* A copy of a rendered reference (its seg), or NULL when it gets none;
 * the caller owns the copy. The training copies, then the held-out
 * title-first and short-form checks (title_first_check,
 * short_form_check) last. */
/* Reads the source records (tools/data/refs/records.jsonl, one a line,
 * a rendered reference's `rec` its line's index): the names some copies
 * write. Exits on a read error. */
void load_records(const char *path);

typedef json_t *(*refs_copier)(const char *style, long rec, json_t *seg);
extern const refs_copier copiers[];
extern const size_t ncopiers;
json_t *title_first_check(const char *style, long rec, json_t *seg);
json_t *short_form_check(const char *style, long rec, json_t *seg);

#endif
