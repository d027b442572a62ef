/* SPDX-License-Identifier: MIT */
/*
 * textfb.h - private wrappers over core text services with a reduced
 * fallback while core lacks them (see textfb.c). Not for use outside the
 * bibtex plugin.
 */
#ifndef BIBTEX_TEXTFB_H
#define BIBTEX_TEXTFB_H
#include "bibconv/buf.h"
#include "bibconv/latex.h"
#include "bibconv/names.h"
#include "bibconv/record.h"

/* Appends the Unicode form of LaTeX s[0..len) to out (latex.h flags). */
int bt_latex_to_unicode(bib_buf *out, const char *s, size_t len, unsigned flags);
/* Appends the LaTeX form of UTF-8 s[0..len) to out; counts characters with
 * no LaTeX form in *no_latex (may be NULL). */
int bt_latex_from_unicode(bib_buf *out, const char *s, size_t len, unsigned flags,
                          size_t *no_latex);
/* Adds the names of a BibTeX name list (LaTeX) to var of rec (borrowed);
 * returns the count added or a negative status. */
int bt_names_add_bibtex(bib_record *rec, bib_var var, const char *s, size_t len,
                        size_t *bad);
/* Appends a name (borrowed) so BibTeX reads it back identically. */
int bt_name_format_bibtex(bib_buf *out, const bib_name *nm, bool ascii);
#endif
