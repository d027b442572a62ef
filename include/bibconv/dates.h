/* SPDX-License-Identifier: MIT */
/*
 * dates.h - date parsing and formatting shared by the plugins: ISO 8601 /
 * EDTF (with ranges, open ends, circa "~", seasons 21-24), the RIS
 * "YYYY/MM/DD/other" form, written dates in English and French ("Oct 6,
 * 2023", "6 octobre 2023", "May 29", "Spring 1950"), plain years, and
 * month names.
 *
 * Parsers fill a caller-provided bib_date with newly allocated strings
 * (raw, literal); release them with bib_date_clear (record.h).
 */
#ifndef BIBCONV_DATES_H
#define BIBCONV_DATES_H

#include "buf.h"
#include "common.h"
#include "record.h"

BIB_BEGIN_DECLS

/* Month number 1..12 of a month name or abbreviation in English or French
 * (case- and accent-insensitive, optional final '.'), a BibTeX month macro
 * ("jan"), or a number "1".."12"; 0 when it is none of these. */
BIB_API int bib_month_parse(const char *s, size_t len);

/* Day of the week 1..7 (Monday 1, as ISO 8601 counts) of a weekday name
 * or abbreviation in English or French ("Thu", "Thursday", "jeu.",
 * "jeudi"; case- and accent-insensitive, optional final '.'); 0 when it
 * is none. A programme prints a session's weekday before its date. */
BIB_API int bib_weekday_parse(const char *s, size_t len);

/* English three-letter BibTeX macro of month 1..12 ("jan"), NULL else. */
BIB_API const char *bib_month_macro(int month);

/* Flags for bib_date_parse. */
enum {
    BIB_DATE_EDTF = 1u << 0,    /* ISO 8601 / EDTF / BibLaTeX date field */
    BIB_DATE_RIS = 1u << 1,     /* RIS YYYY/MM/DD/other */
    BIB_DATE_WRITTEN = 1u << 2, /* "Oct 6, 2023", "6 octobre 2023", "May 29" */
    BIB_DATE_ANY = BIB_DATE_EDTF | BIB_DATE_RIS | BIB_DATE_WRITTEN
};

/* Parses a date in any of the forms allowed by `flags`. On success fills
 * *out (parts; `raw` set to the source text when the parts do not carry all
 * of it: no year, uncertainty, a time) and returns 0. When the text is not
 * a date it returns BIB_EPARSE and *out holds the text as `literal`.
 * BIB_ENOMEM on allocation failure (out cleared). */
BIB_API int bib_date_parse(bib_date *out, const char *s, size_t len,
                           unsigned flags);

/* Appends the EDTF form of a date ("2020-03-15", "1988/1992", "2020/..",
 * "1723~", seasons as month 21..24); a literal is appended as is.
 * Returns 0, BIB_EINVAL (nothing to write) or BIB_ENOMEM. */
BIB_API int bib_date_format_edtf(bib_buf *out, const bib_date *date);

BIB_END_DECLS

#endif /* BIBCONV_DATES_H */
