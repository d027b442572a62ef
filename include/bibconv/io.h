/* SPDX-License-Identifier: MIT */
/*
 * io.h - bib_input, a refillable read buffer over a file, a descriptor or
 * memory that tracks line, column and byte offset for diagnostics, and
 * bib_output, a buffered writer with a sticky error and atomic commit.
 *
 * Not for: parsing. Readers get bytes and positions from here and nothing
 * else; they never call read(2) or stdio themselves.
 *
 * Encoding. At open, a UTF-8 BOM is skipped and a UTF-16 (LE/BE) BOM turns
 * on conversion to UTF-8, so readers and probes only ever see UTF-8 (with a
 * note naming the conversion). Without a BOM, UTF-16 is recognised by its
 * NUL bytes in the first 4 KiB (at least half the code units with a NUL
 * high byte, hardly any on the other side) and converted with a warning
 * naming the guess. Readers of formats that meet 8-bit files
 * (RIS, BibTeX) call bib_input_set_encoding(in, BIB_ENC_DETECT) before
 * reading: if the head is not valid UTF-8 the input is converted from
 * Windows-1252 (a superset of printable Latin-1) with a warning.
 *
 * Positions. bib_input_line/column/offset give the position of the next
 * unconsumed byte. Columns count code points from 1. Line ends are "\n",
 * "\r\n" and a lone "\r"; each counts as one line end.
 *
 * Memory. The buffer holds the unconsumed window only; it grows when a
 * reader asks for a longer contiguous window (bib_input_window with a large
 * `min`), so memory is bounded by the largest single record, not the input.
 *
 * The bound. No line (bib_input_getline) and no window (bib_input_window's
 * `min`) may be longer than the input's bound, BIB_MAX_VALUE_DEFAULT (64
 * MiB) unless raised (bib_io_set_max_value, the command's --max-value).
 * Past it the call reports "FILE:LINE:COL: error: line longer than 64 MiB
 * ...", drops the rest of that line without buffering it and returns
 * BIB_EPARSE: the reader skips its record and resumes at the next line.
 * Readers that build a value out of pieces in their own buffers (macro
 * concatenation, unescaping) check it against bib_input_max_value and
 * report with bib_input_report_too_long, so that every reader has the one
 * bound.
 */
#ifndef BIBCONV_IO_H
#define BIBCONV_IO_H

#include "buf.h"
#include "common.h"
#include "diag.h"

BIB_BEGIN_DECLS

typedef enum bib_encoding {
    BIB_ENC_UTF8 = 0,  /* default: bytes pass through (BOMs handled) */
    BIB_ENC_DETECT,    /* UTF-8 if valid, else Windows-1252 with a warning */
    BIB_ENC_LATIN1,    /* ISO-8859-1 -> UTF-8 */
    BIB_ENC_CP1252     /* Windows-1252 -> UTF-8 */
} bib_encoding;

/* ---- bib_input ------------------------------------------------------- */

/* Opens a file for reading. `diag` is borrowed for the life of the input
 * (may be NULL). Returns a new input (free with bib_input_free), or NULL
 * after reporting the system error to `diag`. */
BIB_API bib_input *bib_input_open_file(const char *path, bib_diag *diag);

/* Wraps an open descriptor (not closed by bib_input_free). `name` is copied
 * and used in diagnostics ("<stdin>"). */
BIB_API bib_input *bib_input_open_fd(int fd, const char *name,
                                     bib_diag *diag);

/* Reads from memory; `data` is borrowed and must outlive the input. */
BIB_API bib_input *bib_input_open_memory(const void *data, size_t len,
                                         const char *name, bib_diag *diag);

BIB_API void bib_input_free(bib_input *in);

/* Makes a memory input one piece of a larger input (-j): its positions
 * start at `line` (column 1) and byte `offset`, and no encoding work is
 * done (no BOM or UTF-16 sniffing; bib_input_set_encoding does nothing):
 * the bytes are the whole input's, already UTF-8. Call before reading. */
BIB_API void bib_input_set_piece(bib_input *in, size_t line,
                                 uint64_t offset);
/* The descriptor of an input opened with bib_input_open_file (borrowed),
 * or -1 for other inputs. */
BIB_API int bib_input_file_fd(const bib_input *in);
/* True when the input's bytes are converted (UTF-16, Windows-1252,
 * Latin-1) or a byte order mark was skipped: readers see other bytes
 * than the file holds. */
BIB_API bool bib_input_converted(const bib_input *in);

#define BIB_MAX_VALUE_DEFAULT ((size_t)64 * 1024 * 1024)

/* Sets the bound (see the header comment) of inputs opened afterwards; 0
 * restores the default. Process-wide: call it once at start-up, before
 * inputs are opened (the command does, for --max-value). */
BIB_API void bib_io_set_max_value(size_t n);
/* The bound of this input, and a way to change it before reading (0: the
 * default). */
BIB_API size_t bib_input_max_value(const bib_input *in);
BIB_API void bib_input_set_max_value(bib_input *in, size_t n);
/* Reports "`what` longer than N MiB (the bound; raise it with
 * --max-value=SIZE)" as an error at line:column, for readers that
 * accumulate a value themselves and find it past bib_input_max_value. */
BIB_API void bib_input_report_too_long(bib_input *in, size_t line,
                                       size_t column, const char *what);

/* Name used in diagnostics; borrowed. */
BIB_API const char *bib_input_name(const bib_input *in);
BIB_API bib_diag *bib_input_diag(const bib_input *in);

/* Asks for a conversion (see the header comment). Must be called before
 * the first byte is consumed; returns BIB_EINVAL afterwards. */
BIB_API int bib_input_set_encoding(bib_input *in, bib_encoding enc);

/* Makes at least `min` bytes available if the input has them (fewer only at
 * end of input) and returns a borrowed pointer to the unconsumed window in
 * *data and its length in *len. The window is followed by at least 16 NUL
 * bytes (so scanners may look one ahead without a bounds check) and is
 * valid until the next call that consumes or refills. min = 0 returns what
 * is buffered, refilling only when nothing is. Returns 0, BIB_EIO after
 * reporting a read error, or BIB_EPARSE when `min` is past the bound (see
 * above: reported, the rest of the line dropped). At end of input *len is
 * 0. */
BIB_API int bib_input_window(bib_input *in, size_t min, const char **data,
                             size_t *len);

/* The next `min` for a reader that holds `have` bytes of a window and needs
 * more of one record: twice as much (8 KiB at least) up to the bound, then
 * one byte past it, so that bib_input_window reports "too long" only when
 * the record itself is longer than the bound. A reader that grew its
 * requests without it asked past a small bound (--max-value=4K) for a
 * record of a few hundred bytes, and every line after it was an error. */
BIB_API size_t bib_input_grow(const bib_input *in, size_t have);

/* Consumes n bytes of the current window (n <= its length), advancing the
 * line/column/offset counters over them. */
BIB_API void bib_input_consume(bib_input *in, size_t n);

/* bib_input_consume for a reader that counted the lines it consumes: the
 * n bytes are whole lines, each ending in "\n" (none with a "\r"), and
 * `lines` of them; the position is advanced without another pass over
 * the bytes. Bytes that do not end in "\n" are counted as
 * bib_input_consume counts them. */
BIB_API void bib_input_consume_lines(bib_input *in, size_t n, size_t lines);

/* bib_input_consume for a reader that counted the line ends in the n bytes
 * as this header counts them ("\n", "\r\n" and a lone "\r", one each),
 * `lines` of them: the position is advanced without another pass over the
 * bytes (only back over their last line, for the column). The count must
 * be right (inputs opened with the test read size, io_seam.h, check it and
 * abort when it is not). After a consumed "\r" whose "\n" may follow, the
 * bytes are counted as bib_input_consume counts them. */
BIB_API void bib_input_consume_counted(bib_input *in, size_t n, size_t lines);

/* Gives the memory of a window grown for one long record back once what
 * remains unconsumed is short (a no-op otherwise): a reader calls it after
 * consuming such a record, so that a 200 MB value is not held by the
 * input while the record is built and written. Invalidates window
 * pointers, as a consume does. */
BIB_API void bib_input_trim(bib_input *in);

/* Reads one line. *line gets a borrowed pointer to it, *len its length
 * without the line end (valid until the next call that consumes or
 * refills); a NUL follows the line. Returns 1 for a line, 0 at end of
 * input, BIB_EIO on a read error. The position afterwards is the start of
 * the next line; bib_input_line() - 1 is the number of the line returned
 * (use bib_input_last_line for clarity). A line longer than the buffer
 * grows the buffer, up to the bound (past it: BIB_EPARSE, see above). */
BIB_API int bib_input_getline(bib_input *in, const char **line, size_t *len);
BIB_API size_t bib_input_last_line(const bib_input *in);

/* True once every byte has been consumed (may refill to find out). */
BIB_API bool bib_input_eof(bib_input *in);

/* Position of the next unconsumed byte. */
BIB_API size_t bib_input_line(const bib_input *in);
BIB_API size_t bib_input_column(const bib_input *in);
BIB_API uint64_t bib_input_offset(const bib_input *in);

/* Position of a byte inside the current window that has not been consumed
 * yet: `p` must point into the window returned by the last
 * bib_input_window call. Computes line and column by scanning from the
 * window start (costs O(p - window); meant for diagnostics, not hot paths).
 */
BIB_API void bib_input_position_of(const bib_input *in, const char *p,
                                   size_t *line, size_t *column);

/* Reports a diagnostic at an explicit position of this input (the name is
 * filled in). line 0: no position. */
BIB_API void bib_input_report(bib_input *in, bib_severity sev, size_t line,
                              size_t column, const char *fmt, ...)
    BIB_PRINTF(5, 6);

/* ---- bib_output ------------------------------------------------------ */

/* Opens FILE for an atomic write: bytes go to a temporary file in the same
 * directory, renamed over `path` (the file a symbolic link names) only by
 * bib_output_commit on success. A path that is not a regular file (a
 * device, a FIFO) is opened and written directly: rename() would replace
 * it with a regular file. The replacement gets the old file's mode, and its
 * owner and group where the process may set them.
 * Returns a new output (free with bib_output_free) or NULL after reporting.
 */
BIB_API bib_output *bib_output_open_file(const char *path, bib_diag *diag);

/* Wraps a descriptor (stdout); not closed by free. `name` is copied. */
BIB_API bib_output *bib_output_open_fd(int fd, const char *name,
                                       bib_diag *diag);

/* Collects everything in memory (tests, library users); read it with
 * bib_output_memory after commit. */
BIB_API bib_output *bib_output_open_memory(bib_diag *diag);

/* Collects everything by appending to `into` (borrowed; it must outlive
 * the output), named `name` (copied) in diagnostics: a buffer used again
 * and again costs no allocation (-j: the pieces of an output). */
BIB_API bib_output *bib_output_open_buffer(bib_buf *into, const char *name,
                                           bib_diag *diag);

/* Buffered writes. Errors are sticky: after the first failure further
 * writes do nothing and commit reports it; writers may ignore the return
 * value of each call. Return 0 or the sticky error. */
BIB_API int bib_output_write(bib_output *out, const void *data, size_t len);
BIB_API int bib_output_puts(bib_output *out, const char *s);
BIB_API int bib_output_putc(bib_output *out, char c);
BIB_API int bib_output_printf(bib_output *out, const char *fmt, ...)
    BIB_PRINTF(2, 3);

/* Records an error (e.g. a writer that cannot go on) so commit fails. */
BIB_API void bib_output_fail(bib_output *out, int status);
/* The sticky error, 0 if none. */
BIB_API int bib_output_error(const bib_output *out);

BIB_API const char *bib_output_name(const bib_output *out);
BIB_API bib_diag *bib_output_diag(const bib_output *out);
/* Total bytes written so far (accepted into the buffer). */
BIB_API uint64_t bib_output_bytes(const bib_output *out);

/* Reports a diagnostic about the output (name filled in, no position). */
BIB_API void bib_output_report(bib_output *out, bib_severity sev,
                               const char *fmt, ...) BIB_PRINTF(3, 4);

/* Flushes; for a file output fsyncs and renames the temporary file over
 * the target. Returns 0, or the sticky/IO error (reported), in which case
 * the target is untouched. Call at most once. */
BIB_API int bib_output_commit(bib_output *out);

/* Frees the output. Without a successful commit, a file output removes its
 * temporary file and leaves the target untouched. NULL is a no-op. */
BIB_API void bib_output_free(bib_output *out);

/* Memory outputs: the bytes written, borrowed until free; NUL-terminated.
 */
BIB_API const char *bib_output_memory(const bib_output *out, size_t *len);

BIB_END_DECLS

#endif /* BIBCONV_IO_H */
