/* SPDX-License-Identifier: MIT */
/*
 * sort.h - the sort for the short arrays of one record: its extras
 * grouped (record.c), an item's members in key order (the YAML writer).
 * Such an array has a dozen elements, for which qsort's merge sort and a
 * call per comparison cost more than the sorting itself.
 *
 * Not for: long lists (records of a file: convert.c sorts those).
 */
#ifndef BIBCONV_SORT_H
#define BIBCONV_SORT_H

#include <stdlib.h>
#include <string.h>

enum { BIB_SORT_SMALL = 32, BIB_SORT_ELEM_MAX = 64 };

/* Sorts base[0..n), elements of `size` bytes, by cmp, as qsort does. Up to
 * BIB_SORT_SMALL elements of at most BIB_SORT_ELEM_MAX bytes an insertion
 * sort, stable, inline so that a constant cmp is inlined with it; beyond,
 * qsort, which is not stable: a caller whose equal elements must keep
 * their order gives cmp a total order. Sorts in place, allocates nothing. */
static inline void bib_sort_small(void *base, size_t n, size_t size,
                                  int (*cmp)(const void *, const void *))
{
    if (n > BIB_SORT_SMALL || size > BIB_SORT_ELEM_MAX) {
        qsort(base, n, size, cmp);
        return;
    }
    unsigned char *b = base, x[BIB_SORT_ELEM_MAX];
    for (size_t i = 1; i < n; i++) {
        if (cmp(b + (i - 1) * size, b + i * size) <= 0)
            continue;
        memcpy(x, b + i * size, size);
        size_t j = i;
        do {
            memcpy(b + j * size, b + (j - 1) * size, size);
            j--;
        } while (j > 0 && cmp(b + (j - 1) * size, x) > 0);
        memcpy(b + j * size, x, size);
    }
}

#endif /* BIBCONV_SORT_H */
