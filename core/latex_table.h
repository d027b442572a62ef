/* SPDX-License-Identifier: MIT */
/* latex_table.h - private: the generated accent table (latex_table.c),
 * the named-character tables and the 8-bit spellings (latex_ascii.c). */
#ifndef BIBCONV_LATEX_TABLE_H
#define BIBCONV_LATEX_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bibconv/common.h"

typedef struct bib_latex_accent {
    char cmd;       /* the accent command: '"' for \", 'c' for \c ... */
    uint32_t base;  /* base letter; U+0131/U+0237 for dotless \i and \j */
    uint32_t cp;    /* the precomposed letter */
} bib_latex_accent;

/* sorted by (cmd, base) */
extern const bib_latex_accent bib__latex_accents[];
extern const size_t bib__latex_accents_len;
/* indexes of the same entries sorted by cp (dotted bases first) */
extern const unsigned short bib__latex_accents_by_cp[];

/* Commands without argument that name one character (`\ss`), and math
 * commands read when a $...$ holds exactly one; both sorted by name. */
typedef struct bib_latex_named {
    const char *name;
    uint32_t cp;
} bib_latex_named;
extern const bib_latex_named bib__latex_letters[];
extern const size_t bib__latex_letters_len;
extern const bib_latex_named bib__latex_math[];
extern const size_t bib__latex_math_len;
/* Every control word the reader knows (latex_words.c): a letter of
 * bib__latex_letters (value: its code point), a formatting command or a
 * declaration (value: its bib_rich_tag), \enquote and \mkbibquote, the
 * links (\url, \doi, \href), \ElsevierGlyph. */
enum { BIB__LW_LETTER = 1, BIB__LW_FORMAT, BIB__LW_DECL, BIB__LW_QUOTE, BIB__LW_LINK,
       BIB__LW_GLYPH };
typedef struct bib_latex_word {
    const char *name;
    uint8_t len, kind;
    uint32_t value;
} bib_latex_word;
/* all but the letters, in the reader's old order of asking */
extern const bib_latex_word bib__latex_formats[];
extern const size_t bib__latex_formats_len;
/* name[0..n) (any bytes) looked up by hash, built once; NULL if unknown */
const bib_latex_word *bib__latex_word(const char *name, size_t n);
/* The name of the first entry of each table for cp, NULL if none: binary
 * search in an index by code point built once (latex_named.c). */
const char *bib__latex_letter_by_cp(uint32_t cp);
const char *bib__latex_math_by_cp(uint32_t cp);
/* false when no table lists cp, nor is it a dash or the no-break space
 * (whose spellings put_non_ascii knows): it has no LaTeX form. */
bool bib__latex_cp_may_name(uint32_t cp);
/* The same as a bit set, one bit per 64 code points below U+110000
 * (BIB__LATEX_PAGE_BITS), for a loop over many characters. */
enum { BIB__LATEX_PAGE_BITS = 6 };
const uint64_t *bib__latex_named_page_bits(void);

/* bib_latex_from_unicode's classic-BibTeX spellings (latex_ascii.c): a
 * non-ASCII character as an accent command, a dash, a tie, a letter or
 * math command; math as written with its Unicode symbols as commands.
 * What has none is kept as UTF-8 and counted in *no_latex (may be NULL). */
struct bib_buf;
/* The run of non-ASCII bytes at the start of s[0..len) so written; returns
 * its length (up to the first ASCII byte). */
size_t bib__latex_put_non_ascii_run(struct bib_buf *out, const char *s, size_t len,
                                    size_t *no_latex);
/* The bytes bib_latex_from_unicode copies as they are (no special, no
 * markup opener, no ligature character, no non-ASCII byte). */
extern const bool bib__latex_from_plain[256];
/* Test seam: where bib_latex_from_unicode's scan of s[i..len) stops: at
 * the first byte bib__latex_from_plain does not pass, or before it. */
BIB_API size_t bib__latex_from_plain_run(const char *s, size_t i, size_t len);
void bib__latex_put_math_ascii(struct bib_buf *out, const char *s, size_t len,
                               size_t *no_latex);

#endif
