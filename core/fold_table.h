/* SPDX-License-Identifier: MIT */
/* fold_table.h - private: the generated ASCII folding table (fold_table.c). */
#ifndef BIBCONV_FOLD_TABLE_H
#define BIBCONV_FOLD_TABLE_H

#include <stddef.h>
#include <stdint.h>

typedef struct bib_fold_entry {
    uint32_t cp;
    const char *ascii;
} bib_fold_entry;

extern const bib_fold_entry bib__fold_table[];
extern const size_t bib__fold_table_len;

/* The ASCII form of code point cp (a static string), NULL when it has none
 * (core/utf8.c). */
const char *bib__fold_cp(uint32_t cp);

#endif
