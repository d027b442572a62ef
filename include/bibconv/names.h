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

/* Parses a display name as written on web pages and in RIS, in any script;
 * the input is NFC-normalised first, so NFC and NFD input give the same
 * parts:
 * - "Given [particles] Family [, Suffix]" or "Family, Given[, Suffix]";
 * - lower-case particles (van, von, van der, de la, da, dos, das, di, du,
 *   ter, zu, bin, binti, ibn, ap, al, el, ...) become non-dropping
 *   particles; "al-"/"el-" glued to the family name stay in it;
 * - "Jr.", "Sr.", "II".."IV" are suffixes;
 * - initials ("J.E.", "J. E.", "JE") kept as written; Vancouver order
 *   "Smith JE" (family, then one to three capital initials) and an all-caps
 *   family first ("SMITH John", "SMITH, John") are read family first;
 * - a name written in Han, Hangul or kana without spaces (2-4 letters) is
 *   family first: one letter of family name, or two when the first two form
 *   a known compound family name (欧阳修 -> 欧阳 + 修, 남궁민 -> 남궁 + 민);
 *   "陈 静" with a space is family then given as well;
 * - a single word becomes family alone (Sukarno).
 * Hyphens and apostrophes stay inside their word (Jean-Luc, O'Brien).
 * Returns 0, BIB_EPARSE (no letters) or BIB_ENOMEM. */
BIB_API int bib_name_parse_display(bib_name *out, const char *s, size_t len);

/* Flags for bib_name_parse_display_flags. */
enum {
    /* the list the name comes from writes every name given name first (a
     * web page's display of authors): a last word of one to three capitals
     * is then the family name or its initial ("Ömer Y", a name cut short),
     * never the Vancouver initials of a family written first ("Smith JE");
     * a family in capitals written first ("SMITH John") is still read */
    BIB_NAME_GIVEN_FIRST = 1u << 0
};

/* bib_name_parse_display with what the caller knows of the list's order
 * (flags: BIB_NAME_GIVEN_FIRST or 0, which is bib_name_parse_display).
 * Ownership and returns as bib_name_parse_display. */
BIB_API int bib_name_parse_display_flags(bib_name *out, const char *s, size_t len,
                                         unsigned flags);

/* The length of the academic and other titles the display name s[0..n)
 * opens with, and the blanks after them (`Prof. Dr. `, `Dr. med. `, `Jun.-Prof. `,
 * `Dr.Dr. hc. `, `Univ.-Prof. `, `Sir `), when a name follows them (a
 * capital first, two bytes or more), else 0; a programme's department
 * before them (`Germanistik: Prof. Dr. `) counts with them. The display
 * parser keeps such words; a reader of text that may hold them (a web
 * page's speakers, formatted references) skips them first. */
BIB_API size_t bib_name_titles(const char *s, size_t n);

/* bib_name_parse_display_flags, the name appended to `var` of `rec` (as
 * bib_record_add_name appends it) without handing over its parts: one
 * copy into the record, no allocation per part. Returns 0, BIB_EPARSE (no
 * letters: nothing added), BIB_EINVAL (var holds no names) or
 * BIB_ENOMEM. */
BIB_API int bib_names_add_display(bib_record *rec, bib_var var, const char *s, size_t len,
                                  unsigned flags);

/* ---- the learned name model (docs/names.md) ------------------------------
 * Tells a personal name from other short text (a title or a fragment of
 * one, a venue, a publisher, an organisation, a sentence). Its weights are
 * learned by tools/train_names.c and generated into core/name_model_table.c;
 * the features are the ones below, shared by the trainer and the library. */

/* Calibrated probability in [0, 1] that s[0..len) (UTF-8, any script,
 * NFC or NFD) is exactly one personal name as written in a byline or an
 * author list ("Ana dos Santos", "Smith JE", "SMITH, John", "陈静",
 * "Sukarno"); a list of several names, a title or a venue scores low. Text
 * is used up to its first 512 bytes (longer text is no name). Pure; 0.5 on
 * allocation failure. */
BIB_API double bib_name_likeness(const char *s, size_t len);

/* The same judgement as a log-odds score (logit of bib_name_likeness):
 * > 0 leans to a name. Additive, so a reader can sum it with its own
 * learned scores. */
BIB_API double bib_name_score(const char *s, size_t len);

/* Number of hash buckets of the feature ids (a power of two). */
#define BIB_NAME_FEATURE_BUCKETS (1u << 16)

/* Version of the feature function; the trainer hashes it into the model's
 * input hash, so a change to the features makes the table stale. */
BIB_API unsigned bib_name_feature_version(void);

/* Writes the hashed feature ids (each < BIB_NAME_FEATURE_BUCKETS) of
 * s[0..len) into ids[0..max) and returns how many were written (at most
 * max; features past max are dropped). Features: token count and length,
 * scripts, token shapes and their sequence, word identities, character
 * trigrams, particles, initials, capitals, punctuation (docs/names.md).
 * Allocates scratch memory internally; returns 0 on allocation failure. */
BIB_API size_t bib_name_features(const char *s, size_t len, uint32_t *ids, size_t max);

/* Appends the display form "Given particles Family, Suffix" (or the
 * literal); a family and given name both in Han, Hangul or kana are written
 * family first without a space (陈静). */
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
