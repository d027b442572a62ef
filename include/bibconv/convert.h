/* SPDX-License-Identifier: MIT */
/*
 * convert.h - the read -> write loop as a library call, so the command is
 * argument parsing only and tests convert without spawning a process.
 *
 * Policy (bib_convert_each, the only loop: the command drives it too): a
 * BIB_EPARSE from the reader or from the record callback skips that record
 * and goes on (or stops the run under strict); directives reach only
 * writers that asked for them; counts of records read, written and skipped
 * are kept for the summary.
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
/* 1 record (new, caller owns), 0 end, negative error (reported). The
 * record's origin is the one the reader set; when it set none, the input's
 * name and the line the input stood at when next() was called. */
BIB_API int bib_reader_next(bib_reader *rd, bib_record **out);
BIB_API void bib_reader_free(bib_reader *rd);

BIB_API int bib_writer_new(bib_writer **out, const bib_format_desc *fmt,
                           bib_output *output, const bib_options *opts);
/* Borrows rec. Directive records are dropped here unless the writer's
 * format has BIB_WRITER_DIRECTIVES. A record that lacks a value it could
 * not decode (bib_record_defer) is written, reported, and BIB_ENOMEM. */
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

/* ---- the conversion loop --------------------------------------------- */

typedef struct bib_convert_stats {
    size_t read;    /* records the reader yielded */
    size_t written; /* records the callback accepted (returned 0) */
    size_t skipped; /* records lost: rejected by the reader or the callback */
} bib_convert_stats;

/* Receives each record the loop reads and TAKES OWNERSHIP of it: on every
 * return the callback has freed the record (bib_record_free) or kept it.
 * The record's origin (input name, line) is the one its reader set.
 * Returns 0 (accepted), BIB_EPARSE (this record is lost, the callback has
 * reported why; the loop goes on unless the reader is strict) or another
 * negative status (the loop stops and returns it). */
typedef int (*bib_record_fn)(void *ctx, bib_record *rec);

/* Yields the next record like bib_reader_next: 1 and a new record in *out
 * (the caller, here the loop, owns it), 0 at the end, BIB_EPARSE for a
 * record lost (reported) or another negative status (stop). */
typedef int (*bib_record_next_fn)(void *src, bib_record **out);

/* The loop and its skip/strict policy, in one place: takes every record
 * next() yields from src and hands it to fn. A record that next() or fn
 * rejects with BIB_EPARSE is counted as skipped and the loop goes on;
 * under strict the first one stops the loop with BIB_ESTOP. Returns 0 when
 * nothing was lost, BIB_EPARSE when records were skipped, BIB_ESTOP, or the
 * first other negative status of next() or fn (the loop stops there).
 * Counts are added to *stats (may be NULL). */
BIB_API int bib_convert_records(bib_record_next_fn next, void *src, bool strict,
                                bib_record_fn fn, void *ctx, bib_convert_stats *stats);

/* bib_convert_records over a reader (borrowed), strict as the reader was
 * opened: every record of the input, with the origin its reader set. */
BIB_API int bib_convert_each(bib_reader *rd, bib_record_fn fn, void *ctx,
                             bib_convert_stats *stats);

/* bib_convert_each reading with up to `threads` threads (-j): when the
 * reader's format has a split function (plugin.h) and its input is a
 * regular file or a stream shorter than 16 MiB, handed through unconverted
 * (UTF-8, no byte order mark), the input is cut into pieces read by
 * worker threads, and fn gets the records on the calling thread, in input
 * order, with the diagnostics of the input's sink in input order between
 * them: records, diagnostics, counts and the return value are those of
 * bib_convert_each. Otherwise, and when the split function marks the input
 * serial (BibTeX @string, crossref), bib_convert_each. Memory: at most
 * 2 * threads pieces of 64 KiB are read ahead, with their records; a
 * regular file is read piece by piece (pread), not mapped. threads 0 or 1:
 * bib_convert_each (the command's -j auto chooses a number itself). */
BIB_API int bib_convert_each_jobs(bib_reader *rd, unsigned threads, bib_record_fn fn,
                                  void *ctx, bib_convert_stats *stats);

/* bib_convert_each_jobs where fn(ctx, rec) writes rec to wr unchanged
 * and frees it (and may do what does not touch the output, such as a
 * progress bar: tick(ctx), may be NULL, is called instead once per record
 * read when fn is not). When wr's format has BIB_WRITER_PIECES (plugin.h)
 * and the input is cut, the worker threads write the records too, each
 * piece into a buffer of its own, and the calling thread appends the
 * buffers in input order, settling the keys (bib_writer_keyed) as one
 * thread would: the output, diagnostics, counts and the return value are
 * those of bib_convert_each. Otherwise bib_convert_each_jobs. The options
 * wr was opened with must still be valid (the pieces' writers get them). */
BIB_API int bib_convert_write_jobs(bib_reader *rd, unsigned threads, bib_writer *wr,
                                   bib_record_fn fn, void (*tick)(void *ctx), void *ctx,
                                   bib_convert_stats *stats);

/* bib_convert_each with a writer as the callback: opens a reader of `from`
 * on `in` and writes every record to wr (borrowed, open). Returns as
 * bib_convert_each, or bib_reader_new's status when the reader does not
 * open. Counts are added to *stats (may be NULL). */
BIB_API int bib_convert_input(const bib_format_desc *from, bib_input *in,
                              const bib_options *opts, bool strict,
                              bib_writer *wr, bib_convert_stats *stats);

BIB_END_DECLS

#endif /* BIBCONV_CONVERT_H */
