/* SPDX-License-Identifier: MIT */
/* record_int.h - private record helpers for the core's hot loops
 * (record.c defines them; record_group.c uses them). */
#ifndef BIBCONV_RECORD_INT_H
#define BIBCONV_RECORD_INT_H

#include "bibconv/record.h"

/* The index of the first field of r at or after `from` whose variable is
 * not marked in mark[BIB_VAR_COUNT] (nonzero = marked), or the field
 * count when there is none: the writer's check for fields it did not
 * write (convert.c), without two library calls per field. */
size_t bib__record_next_unmarked(const bib_record *r, size_t from, const unsigned char *mark);

/* An extra as record.c keeps it, and the record's extras in insertion
 * order (*n of them; borrowed): record_group.c groups them. */
typedef struct bib__extra {
    const char *format, *name, *value;
    size_t len;
} bib__extra;
const bib__extra *bib__record_extras(const bib_record *r, size_t *n);

#endif
