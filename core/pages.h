/* SPDX-License-Identifier: MIT */
/*
 * pages.h - private: memory that is about to be written whole, asked of
 * the kernel at once. A page's first touch is one fault each; where
 * faults are dear (a virtual machine whose kernel runs under the
 * hypervisor's page tables: 12 us a 4 KiB page, bench/README.md, "Fresh
 * pages") a large table or buffer filled page by page cost more than
 * the work done in it. Both calls are hints: without the kernel's
 * support (Linux 5.14's MADV_POPULATE_WRITE, transparent huge pages)
 * memory is what malloc gave, and the program does the same.
 *
 * Not for: memory that may stay partly unwritten (populating it would
 * make it resident for nothing).
 */
#ifndef BIBCONV_PAGES_H
#define BIBCONV_PAGES_H

#include <stddef.h>

/* Maps the whole pages inside [p, p + n) writable now, in one call. */
void bib__pages_populate(void *p, size_t n);

/* n zeroed bytes, the caller's to free(): from 2 MiB on, aligned to 2 MiB
 * as huge pages, filled at once; from 64 KiB, filled at once. NULL when
 * out of memory. */
void *bib__pages_zalloc(size_t n);

#endif
