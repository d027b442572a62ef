/* SPDX-License-Identifier: MIT */
/*
 * names.h - personal and corporate names: the BibTeX name algorithm (both
 * directions), plain display names ("Matthew G Perich", "Johannes von
 * Oswald", "Perich, Matthew G."), and page ranges.
 *
 * Parsers fill a caller-provided bib_name with newly allocated strings;
 * release them with bib_name_clear (record.h). On failure the name is left
 * cleared.
 */
#ifndef BIBCONV_NAMES_H
#define BIBCONV_NAMES_H

#include "buf.h"
#include "common.h"
#include "record.h"

BIB_BEGIN_DECLS

/* Flags for the BibTeX name functions. */
enum {
    /* the parts are LaTeX: convert them to Unicode (latex.h) */
    BIB_NAME_LATEX = 1u << 0
};

/* Parses one BibTeX name (no " and ") with the BibTeX algorithm: "First von
 * Last", "von Last, First", "von Last, Jr, First"; von parts are the words
 * starting lower-case at brace level 0 (a word starting with a brace group
 * whose first letter is a special character counts by that letter); a name
 * wholly in braces ({World Health Organization}) becomes a literal.
 * Hyphenated given names stay one part. Biber's extended format
 * ("family=Duchamp, given=Marcel, prefix=de") is read by its keys.
 * Returns 0, BIB_EPARSE (empty name,
 * too many commas: name cleared) or BIB_ENOMEM. */
BIB_API int bib_name_parse_bibtex(bib_name *out, const char *s, size_t len,
                                  unsigned flags);

/* Splits a BibTeX name list on " and " at brace level 0 (case-insensitive,
 * any whitespace) and appends each name to `var` of `rec`; a final
 * "others" sets the truncated flag. Returns the number of names added, or a
 * negative status. Empty parts are skipped and counted in *bad (may be
 * NULL). */
BIB_API int bib_names_add_bibtex(bib_record *rec, bib_var var,
                                 const char *s, size_t len, unsigned flags,
                                 size_t *bad);

/* Appends a name so that the BibTeX algorithm reads it back identically:
 * "von Last, Jr, First" (commas only when needed), literals in braces,
 * parts with special characters escaped when `ascii` (BIB_LATEX_ASCII
 * semantics), " and " never appearing unprotected. */
BIB_API int bib_name_format_bibtex(bib_buf *out, const bib_name *name,
                                   bool ascii);

/* Parses a display name as written on web pages and in RIS:
 * "Given [particles] Family [, Suffix]" or "Family, Given[, Suffix]";
 * lower-case particles (van, von, de, da, del, della, di, du, le, la, ter,
 * ten, zu, ...) become non-dropping particles; "Jr.", "Sr.", "II".."IV"
 * are suffixes; initials ("J.E.", "J. E.") kept as written. A single word
 * becomes family alone. Diacritics kept. Returns 0, BIB_EPARSE (no letters)
 * or BIB_ENOMEM. */
BIB_API int bib_name_parse_display(bib_name *out, const char *s, size_t len);

/* Appends the display form "Given particles Family, Suffix" (or the
 * literal). */
BIB_API int bib_name_format_display(bib_buf *out, const bib_name *name);

/* Normalises a page range: "1--10", "1 - 10", "1–10" and "1—10" become
 * first, `dash`, last ("1-10" with dash "-"); other text is kept.
 * Use bib_pages_split to get the two ends. Returns 0 or BIB_ENOMEM. */
BIB_API int bib_pages_normalize(bib_buf *out, const char *s, size_t len,
                                const char *dash);

/* Splits a page range into first and last page without allocating:
 * "123-130" -> first "123", last "130"; "e1234" -> first "e1234", last
 * empty. Pointers are into s. */
BIB_API void bib_pages_split(const char *s, size_t len, const char **first,
                             size_t *first_len, const char **last,
                             size_t *last_len);

BIB_END_DECLS

#endif /* BIBCONV_NAMES_H */
