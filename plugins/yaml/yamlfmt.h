/* SPDX-License-Identifier: MIT */
/*
 * yamlfmt.h - what the files of the yaml module share: the reader and
 * writer operation tables, and the one rule both sides must agree on, which
 * plain scalars read back as text.
 *
 * Not for: anything outside plugins/yaml (all of it has hidden visibility).
 */
#ifndef BIBCONV_YAMLFMT_H
#define BIBCONV_YAMLFMT_H

#include "bibconv/plugin.h"

extern const bib_reader_ops yamlfmt_reader_ops;
extern const bib_writer_ops yamlfmt_writer_ops;

/* True when the reader turns the plain (unquoted, untagged) scalar `s`
 * into a JSON string: false for null words, booleans and canonical
 * integers. The writer quotes a string whenever this is false. */
bool yamlfmt_plain_is_string(const char *s);

/* Compiles the number pattern yamlfmt_needs_quotes runs, once for the
 * process (yaml_quote.c); false when it cannot. */
bool yamlfmt_numeric_pattern(void);

/* True when the writer must quote the string `s` (a C string) for it to
 * read back as text; `have_re`: yamlfmt_numeric_pattern() said true. */
bool yamlfmt_needs_quotes(bool have_re, const char *s);

/* The byte length of the character at s[i] (of len bytes) when libyaml
 * prints it as it is and it is neither a break nor a tab; 0 otherwise. */
size_t yamlfmt_char_width(const unsigned char *s, size_t i, size_t len);

/* Whether libyaml allows str[0..len) as a block plain scalar (1 or 0), -1
 * when it holds a character yamlfmt_char_width refuses; *cols gets its
 * width in characters. */
int yamlfmt_plain_ok(const char *str, size_t len, size_t *cols);

#endif /* BIBCONV_YAMLFMT_H */
