/* SPDX-License-Identifier: MIT */
/*
 * io_seam.h - test-only seams of io.c. Not installed and not part of the
 * public API (include/bibconv/): tests and fuzzers include it from core/
 * to drive the library's code paths that production input rarely reaches.
 */
#ifndef BIBCONV_IO_SEAM_H
#define BIBCONV_IO_SEAM_H

#include <stddef.h>

#include "bibconv/common.h"

BIB_BEGIN_DECLS

/* Sets the read size of every bib_input opened from now on, so small
 * values (1, 2, 3 ...) force refills that split line ends and UTF-8
 * sequences. 0 restores the default (64 KiB). Process-wide and not
 * thread-safe: call it between inputs, from one thread. */
BIB_API void bib_input_test_bufsize(size_t n);

BIB_END_DECLS

#endif /* BIBCONV_IO_SEAM_H */
