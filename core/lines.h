/* SPDX-License-Identifier: MIT */
/*
 * lines.h - counting the lines of a buffer, sixteen bytes a step.
 */
#ifndef BIBCONV_LINES_H
#define BIBCONV_LINES_H

#include <stddef.h>

/* Lines in d[0..n): "\n", "\r\n" and a lone "\r" each end one (io.h); a
 * "\r" at d[n-1] counts as a line's end. Why here: -j's cut counts every
 * line of its input to give each piece its first line number (jobs.c),
 * at the speed of a memory scan. */
size_t bib__count_lines(const char *d, size_t n);

#endif
