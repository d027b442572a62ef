/* SPDX-License-Identifier: MIT */
/*
 * diag_int.h - what core alone asks of a diagnostic sink.
 */
#ifndef BIBCONV_DIAG_INT_H
#define BIBCONV_DIAG_INT_H

#include <stddef.h>

#include "bibconv/diag.h"

/* Makes d drop its next n reports: not passed on, and counted only until
 * bib__diag_drop_end (so that a caller comparing counts before and after
 * a call, as bib_reader_next does, sees them). Why: -j said the reports
 * of a prefix of the input before a serial mark turned up after it, and
 * one reader then reads the input from its start again (jobs.c). */
void bib__diag_drop(bib_diag *d, size_t n);

/* Stops dropping and takes the dropped reports out of d's counts. */
void bib__diag_drop_end(bib_diag *d);

#endif
