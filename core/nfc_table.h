/* SPDX-License-Identifier: MIT */
/* nfc_table.h - private: the generated NFC data (nfc_table.c). */
#ifndef BIBCONV_NFC_TABLE_H
#define BIBCONV_NFC_TABLE_H

#include <stddef.h>
#include <stdint.h>

typedef struct bib_nfc_pair {
    uint32_t first, second, composite;
} bib_nfc_pair;

typedef struct bib_nfc_class {
    uint32_t cp;
    int ccc;
} bib_nfc_class;

extern const bib_nfc_pair bib__nfc_pairs[];
extern const size_t bib__nfc_pairs_len;
extern const unsigned short bib__nfc_by_composite[];
extern const bib_nfc_class bib__nfc_classes[];
extern const size_t bib__nfc_classes_len;

#endif
