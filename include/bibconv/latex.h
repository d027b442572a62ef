/* SPDX-License-Identifier: MIT */
/*
 * latex.h - LaTeX <-> Unicode for BibTeX/BibLaTeX field values, and helpers
 * for the CSL rich-text markup of record.h (stripping it, or turning it into
 * another format's markup).
 *
 * Not for: BibTeX syntax (braces delimiting values, macros, '#') - the
 * bibtex plugin hands the *inner* text of a value here.
 */
#ifndef BIBCONV_LATEX_H
#define BIBCONV_LATEX_H

#include "buf.h"
#include "common.h"

BIB_BEGIN_DECLS

/* Flags for bib_latex_to_unicode. */
enum {
    /* produce CSL rich text: \emph/\textit -> <i>, \textbf -> <b>,
     * \textsc -> small-caps span, \textsuperscript -> <sup>,
     * \textsubscript -> <sub>. Without it those commands are dropped and
     * their argument kept. */
    BIB_LATEX_RICH = 1u << 0,
    /* a title: brace groups at level 1 that are not special characters
     * ({DNA}, {{Whole}}) become <span class="nocase"> (needs RICH) */
    BIB_LATEX_NOCASE = 1u << 1,
    /* keep the text verbatim apart from removing outer grouping braces
     * (url, doi, file, verbatim fields): no command conversion at all */
    BIB_LATEX_VERBATIM = 1u << 2
};

/* Converts LaTeX text to UTF-8 (NFC) and appends it to out: accents in all
 * spellings ({\"u}, \"{u}, \" u, \c{c}, \v{s}, \H{o}, \k{a}, dotless \i \j),
 * special letters (\ss \o \O \aa \AA \ae \AE \oe \OE \l \L ...), -- and ---,
 * TeX quotes (`` '' ` '), ~ (no-break space), escaped specials
 * (\& \% \$ \# \_ \{ \}), \textbackslash and friends; braces removed
 * (or made nocase spans with BIB_LATEX_NOCASE); math $...$ kept as written
 * unless it is exactly one symbol with a Unicode form ($\alpha$ -> α).
 * Unknown commands are kept as written. Never fails on bad input (an
 * unbalanced brace is kept as a literal). `unknown`, if not NULL, gets the
 * number of unknown commands kept as written. In RICH mode, a literal '<'
 * that would start a markup tag is left as is (see record.h).
 * Returns 0 or BIB_ENOMEM. */
BIB_API int bib_latex_to_unicode(bib_buf *out, const char *s, size_t len,
                                 unsigned flags, size_t *unknown);

/* The length of the leading run of s[0..len) that bib_latex_to_unicode
 * (without BIB_LATEX_VERBATIM) copies as it is: len when nothing in the
 * text means anything to LaTeX, and the conversion would be a copy. */
BIB_API size_t bib_latex_plain_len(const char *s, size_t len);

/* Flags for bib_latex_from_unicode. */
enum {
    /* escape non-ASCII as LaTeX commands (classic BibTeX); without it
     * UTF-8 is kept (biblatex/biber) */
    BIB_LATEX_ASCII = 1u << 0,
    /* the input is CSL rich text: tags become \textit{}, \textbf{},
     * \textsc{}, \textsuperscript{}, \textsubscript{}, and nocase spans
     * become {braces} */
    BIB_LATEX_FROM_RICH = 1u << 1,
    /* verbatim field (URL, DOI): nothing escaped; braces that do not
     * pair up are written %7B and %7D so the value stays readable */
    BIB_LATEX_OUT_VERBATIM = 1u << 2
};

/* Converts UTF-8 text to LaTeX for a BibTeX value (the text between the
 * braces) and appends it to out: & % # _ $ \ { } ~ ^ escaped, a doubled
 * '-', '`' or '\'' split with {} (no dash or quote ligature); with
 * BIB_LATEX_ASCII non-ASCII written as commands ({\"u}, {\ss}, --). A
 * character with no LaTeX form is kept as UTF-8 and counted in
 * *no_latex (may be NULL) so the caller can warn. Returns 0 or
 * BIB_ENOMEM. */
BIB_API int bib_latex_from_unicode(bib_buf *out, const char *s, size_t len,
                                   unsigned flags, size_t *no_latex);

/* Appends rich text with the markup removed (RIS, plain-text output). */
BIB_API int bib_rich_strip(bib_buf *out, const char *s, size_t len);

/* Appends plain text as rich text: nothing to escape under the record.h
 * rule except a '<' that would start a markup tag, which is kept but
 * reported by returning 1 (0 otherwise, BIB_ENOMEM on failure). */
BIB_API int bib_rich_from_plain(bib_buf *out, const char *s, size_t len);

/* Rich-text markup tokens, for writers that translate markup. */
typedef enum bib_rich_tag {
    BIB_RICH_NONE = 0,
    BIB_RICH_ITALIC,
    BIB_RICH_BOLD,
    BIB_RICH_SUP,
    BIB_RICH_SUB,
    BIB_RICH_SMALLCAPS,
    BIB_RICH_NOCASE
} bib_rich_tag;

/* If s[0..len) starts with a markup tag, returns its length in bytes and
 * sets *tag and *closing; else returns 0. */
BIB_API size_t bib_rich_tag_at(const char *s, size_t len, bib_rich_tag *tag,
                               bool *closing);

BIB_END_DECLS

#endif /* BIBCONV_LATEX_H */
