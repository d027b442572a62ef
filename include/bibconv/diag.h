/* SPDX-License-Identifier: MIT */
/*
 * diag.h - diagnostics: every warning and error of core and plugins goes
 * through a bib_diag sink, never straight to stdout/stderr. The sink counts
 * what it saw (the command derives its exit status from the counts) and
 * hands each message to a callback; the default callback prints
 *     file:line:col: warning|error|note: message
 * to stderr, and bib_diag_set_json switches to one JSON object per line.
 *
 * Positions are 1-based; columns count Unicode code points (a tab is 1).
 * Line 0 means "no position" (the file name alone is printed); a NULL file
 * prints "bibconv".
 *
 * Message style: lower-case start, no final full stop, say what was expected
 * and what was found, quote at most ~20 characters of offending text.
 */
#ifndef BIBCONV_DIAG_H
#define BIBCONV_DIAG_H

#include <stdarg.h>

#include "common.h"

BIB_BEGIN_DECLS

typedef enum bib_severity {
    BIB_SEV_NOTE = 0,    /* extra context for the previous message */
    BIB_SEV_INFO,        /* shown only when verbose */
    BIB_SEV_WARNING,
    BIB_SEV_ERROR
} bib_severity;

/* One diagnostic as handed to a callback. All pointers are borrowed for the
 * duration of the callback only. */
typedef struct bib_diag_msg {
    bib_severity severity;
    const char *file;   /* input/output name, "<stdin>", or NULL */
    size_t line;        /* 1-based; 0 = no position */
    size_t column;      /* 1-based code points; 0 = no column */
    uint64_t offset;    /* byte offset in the input; UINT64_MAX = unknown */
    const char *message;
} bib_diag_msg;

typedef void (*bib_diag_fn)(const bib_diag_msg *msg, void *payload);

/* Returns a new sink printing text to stderr (free with bib_diag_free), or
 * NULL on out of memory. */
BIB_API bib_diag *bib_diag_new(void);
BIB_API void bib_diag_free(bib_diag *diag);

/* Replaces the output callback (NULL: discard messages; they are still
 * counted). `payload` is borrowed for the life of the sink. */
BIB_API void bib_diag_set_callback(bib_diag *diag, bib_diag_fn fn,
                                   void *payload);
/* Default callback only: JSON lines instead of text. */
BIB_API void bib_diag_set_json(bib_diag *diag, bool json);
/* INFO messages are dropped (not printed) unless verbose. */
BIB_API void bib_diag_set_verbose(bib_diag *diag, bool verbose);
BIB_API bool bib_diag_is_verbose(const bib_diag *diag);

/* Emits a diagnostic. The message is printf-formatted. A NULL diag only
 * discards. */
BIB_API void bib_diag_report(bib_diag *diag, bib_severity sev,
                             const char *file, size_t line, size_t column,
                             const char *fmt, ...) BIB_PRINTF(6, 7);
BIB_API void bib_diag_vreport(bib_diag *diag, bib_severity sev,
                              const char *file, size_t line, size_t column,
                              uint64_t offset, const char *fmt, va_list ap);

/* Counters since creation or the last reset. */
BIB_API size_t bib_diag_count(const bib_diag *diag, bib_severity sev);
BIB_API void bib_diag_reset_counts(bib_diag *diag);

/* Quotes at most `max` code points of s[0..len) into a static-free buffer
 * `out` of `outsize` bytes, escaping control characters, adding "..." when
 * cut: helper for "found 'xyz'" messages. Returns out. */
BIB_API char *bib_diag_quote(char *out, size_t outsize, const char *s,
                             size_t len, size_t max);

BIB_END_DECLS

#endif /* BIBCONV_DIAG_H */
