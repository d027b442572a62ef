/* SPDX-License-Identifier: MIT */
/*
 * cj_scan.h - finding JSON values in a bib_input stream without decoding
 * them: the extent of the next value (strings, escapes and bracket depth
 * tracked), whitespace skipping, and jansson's errors placed at their real
 * line and column. Shared by the csljson reader (csljson.c) and the zotero
 * reader (plugins/zotero/zt_reader.c), which both stream a top-level array
 * and decode one element at a time.
 *
 * Not for: validating JSON (jansson and cj_tok.c do that), decoding.
 */
#ifndef BIBCONV_PLUGIN_CJ_SCAN_H
#define BIBCONV_PLUGIN_CJ_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "bibconv/io.h"

/* What cj_peek_nonws returns at the end of input: not a byte value, so a
 * NUL byte in the input (0) is told apart from the end. */
enum { CJ_PEEK_END = 256 };

/* JSON's four blanks; inline: the stream reader asks it per byte */
static inline bool cj_is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Skips whitespace; returns the next byte (CJ_PEEK_END at the end, a
 * negative status on a read error) without consuming it. */
int cj_peek_nonws(bib_input *in);

/* The lexical state of a scan through JSON text. */
typedef struct cj_scan {
    int depth;
    bool str, esc;
    long nul; /* offset of the first NUL byte seen, or -1 */
} cj_scan;

#define CJ_SCAN_INIT {0, false, false, -1}

/* Steps over d[pos..n) (d: the window, positions from its start): returns
 * the offset just past the value when it ends in this stretch (a string at
 * depth 0 ends at its closing quote, another scalar before ',' ']' '}' at
 * depth 0, which also ends an empty stretch), else n with *done false. */
size_t cj_scan_step(cj_scan *s, const char *d, size_t pos, size_t n, bool *done);

/* The extent of the value at the window start, held whole in the window
 * (*data). Returns its length, 0 when the input ends inside it, BIB_EPARSE
 * when it is longer than the bound (reported at its start, and consumed
 * to its end: the next value is read where it begins), or a read error's
 * negative status. The bound holds however much the input has buffered,
 * so the outcome does not depend on where windows fall (-j). *nul:
 * the offset of its first NUL byte, or -1 (JSON allows none). */
long cj_value_extent(bib_input *in, const char **data, long *nul);

/* Reports jansson's error e for a value that starts at line:col. */
void cj_report_json_error(bib_input *in, const json_error_t *e, size_t line, size_t col);

#endif /* BIBCONV_PLUGIN_CJ_SCAN_H */
