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

#endif /* BIBCONV_YAMLFMT_H */
