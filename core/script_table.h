/* SPDX-License-Identifier: MIT */
/* script_table.h - private: the generated Unicode script and letter-class
 * ranges (script_table.c, tools/gen_script.py). */
#ifndef BIBCONV_SCRIPT_TABLE_H
#define BIBCONV_SCRIPT_TABLE_H

#include <stddef.h>
#include <stdint.h>

typedef struct bib_cp_range {
    uint32_t lo, hi;   /* inclusive */
    unsigned short value;
} bib_cp_range;

extern const char bib__unicode_version[];
extern const char *const bib__script_names[];
extern const size_t bib__script_names_len;
extern const bib_cp_range bib__script_ranges[];
extern const size_t bib__script_ranges_len;
extern const bib_cp_range bib__class_ranges[];
extern const size_t bib__class_ranges_len;

#endif
