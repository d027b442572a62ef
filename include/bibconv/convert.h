/* SPDX-License-Identifier: MIT */
/*
 * convert.h - the read -> write loop as a library call, so the command is
 * argument parsing only and tests convert without spawning a process.
 *
 * Policy: a reader's BIB_EPARSE skips that record and goes on (or stops the
 * run under strict); directives reach only writers that asked for them;
 * counts of records read, written and skipped are kept for the summary.
 */
#ifndef BIBCONV_CONVERT_H
#define BIBCONV_CONVERT_H

#include "common.h"
#include "io.h"
#include "options.h"
#include "plugin.h"
#include "registry.h"

BIB_BEGIN_DECLS

/* ---- reader and writer handles (also usable directly) ---------------- */

/* Opens a reader of `fmt` on `in` (both borrowed for the reader's life).
 * Returns 0 and a new reader in *out (free with bib_reader_free, which
 * calls close), or a negative status after reporting. */
BIB_API int bib_reader_new(bib_reader **out, const bib_format_desc *fmt,
                           bib_input *in, const bib_options *opts,
                           bool strict);
/* 1 record (new, caller owns), 0 end, negative error (reported). */
BIB_API int bib_reader_next(bib_reader *rd, bib_record **out);
BIB_API void bib_reader_free(bib_reader *rd);

BIB_API int bib_writer_new(bib_writer **out, const bib_format_desc *fmt,
                           bib_output *output, const bib_options *opts);
/* Borrows rec. Directive records are dropped here unless the writer's
 * format has BIB_WRITER_DIRECTIVES. */
BIB_API int bib_writer_write(bib_writer *wr, const bib_record *rec);
/* Records the writer has taken so far; a dropped directive is not one, so
 * summaries count what was really written. */
BIB_API size_t bib_writer_written(const bib_writer *wr);
/* Calls end(); returns its status. Must be called once before free for a
 * complete output; free alone also calls end if it was not called. */
BIB_API int bib_writer_finish(bib_writer *wr);
BIB_API void bib_writer_free(bib_writer *wr);

/* Checks every option name against the reader's and writer's tables;
 * unknown names are reported with the list of valid ones: BIB_EINVAL. */
BIB_API int bib_options_validate(const bib_options *opts,
                                 const bib_format_desc *from,
                                 const bib_format_desc *to, bib_diag *diag);

/* ---- whole conversions ---------------------------------------------- */

typedef struct bib_convert_stats {
    size_t read, written, skipped;
} bib_convert_stats;

/* Reads every record of `in` with `from` and writes it to an open writer.
 * Returns 0 when nothing was lost, BIB_EPARSE when records were skipped,
 * BIB_ESTOP when strict stopped the run, or a system error. Stats are
 * added to *stats (may be NULL). */
BIB_API int bib_convert_input(const bib_format_desc *from, bib_input *in,
                              const bib_options *opts, bool strict,
                              bib_writer *wr, bib_convert_stats *stats);

BIB_END_DECLS

#endif /* BIBCONV_CONVERT_H */
