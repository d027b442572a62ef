/* SPDX-License-Identifier: MIT */
/*
 * check.h - validation of records a user should fix before a deadline (the
 * engine of `bibconv check`): required fields per type as the BibTeX and
 * BibLaTeX standard styles require them, DOI syntax, ISBN-10/13 and ISSN
 * check digits, impossible dates, page ranges that run backwards, duplicate
 * keys and duplicate works.
 *
 * Not for: reading (parse errors are the readers' diagnostics) nor fixing.
 *
 * Every problem is one diagnostic through the bib_diag given at creation,
 * located at the record's origin (record.h). Memory: the checker keeps one
 * entry per key and one record per distinct work (for the duplicate-work
 * rule of merge.h), so it grows with the number of records.
 */
#ifndef BIBCONV_CHECK_H
#define BIBCONV_CHECK_H

#include "common.h"
#include "diag.h"
#include "record.h"

BIB_BEGIN_DECLS

typedef struct bib_checker bib_checker;

/* Returns a new checker reporting to diag (borrowed for the checker's
 * life), or NULL when out of memory. Free with bib_checker_free. */
BIB_API bib_checker *bib_checker_new(bib_diag *diag);
BIB_API void bib_checker_free(bib_checker *chk);

/* Checks one record (borrowed). Returns the number of problems reported
 * for it (>= 0) or BIB_ENOMEM. Directive records are ignored. */
BIB_API int bib_checker_record(bib_checker *chk, const bib_record *rec);

/* Problems reported so far. */
BIB_API size_t bib_checker_problems(const bib_checker *chk);

/* Syntax and check-digit tests on one identifier; hyphens and spaces in
 * ISBN/ISSN are ignored. */
BIB_API bool bib_doi_valid(const char *s);
BIB_API bool bib_isbn_valid(const char *s, size_t len);
BIB_API bool bib_issn_valid(const char *s, size_t len);

BIB_END_DECLS

#endif /* BIBCONV_CHECK_H */
