/* SPDX-License-Identifier: MIT */
/*
 * refs_text.h - private: the line tests of the `refs` reader (refs.c) and
 * its HTML-to-text reduction. All pure except refs_html_line, which
 * appends to a caller-owned buffer.
 */
#ifndef BIBCONV_REFS_TEXT_H
#define BIBCONV_REFS_TEXT_H

#include "bibconv/buf.h"
#include "bibconv/common.h"
#include "bibconv/reftag.h"

/* HTML state carried from line to line. */
typedef struct refs_html {
    int in_tag;          /* inside <...> */
    int skip;            /* inside <script>/<style> */
    char tag[16];        /* the tag name being read */
    size_t tagn;
    bool tag_closing;
} refs_html;

/* Does the head look like HTML (a tag at the start after white space)? */
bool refs_looks_html(const char *s, size_t n);

/* Appends the text of one HTML line: tags removed, block boundaries as an
 * empty line, character references decoded. Returns 0 or BIB_ENOMEM. */
int refs_html_line(refs_html *h, bib_buf *out, const char *s, size_t n);

/* Trims white space (incl. no-break spaces) at both ends. */
void refs_trim(const char **s, size_t *n);

/* Bytes of a list marker and the space after it at the start of a line
 * ("[12] ", "12. ", "(a) ", "• ", "- "), or 0. */
size_t refs_marker(const char *s, size_t n);

/* A heading line: short, no year, no inner sentence ("References",
 * "Selected publications", "Journal articles", "2019"). */
bool refs_is_heading(const char *s, size_t n);

/* Does line s continue the reference cur (not yet complete, or starting
 * in lower case)? */
bool refs_continues(const char *cur, size_t curn, const char *s, size_t n);

/* Does a line look like a whole reference (a year, a title-like run,
 * reference punctuation)? Used by the probe. */
bool refs_line_looks_ref(const char *s, size_t n);

/* Where a second reference starts inside the text of the tagger's last
 * run: an author run after a title and a date (several references in one
 * bullet), or 0. */
size_t refs_split_point(const bib_reftag *t);

/* Does the tagger's last run read as one reference that opens with its
 * authors (an optional list number first) and holds a title and a date?
 * The page reader's generic layout counts such lines as its cue. */
bool refs_tagged_as_ref(const bib_reftag *t);

#endif /* BIBCONV_REFS_TEXT_H */
