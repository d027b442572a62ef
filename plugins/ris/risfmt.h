/* SPDX-License-Identifier: MIT */
/*
 * risfmt.h - what the files of the ris module share: the line lexer, the
 * TY code <-> CSL type tables, the type-dependent role of each name and
 * title tag, and the RIS-specific readings of names, dates, ISBN/ISSN and
 * DOIs. They are plain functions without I/O so that the Check suite
 * (tests/ris/test_ris.c) compiles ris_map.c in and tests them directly.
 *
 * Not for: anything outside plugins/ris and its tests (the module is built
 * with hidden visibility; only bib_plugin_module is exported).
 */
#ifndef BIBCONV_RISFMT_H
#define BIBCONV_RISFMT_H

#include <string.h>

#include "bibconv/plugin.h"
#include "bibconv/text.h"

extern const bib_reader_ops risfmt_reader_ops;
/* The reader's split function (bib_split_fn, -j): ris_split.c. */
size_t risfmt_split(const char *d, size_t len, size_t want, unsigned *flags);
extern const bib_writer_ops risfmt_writer_ops;

/* What one physical line is (after trimming blanks and the line end). */
typedef enum ris_line_kind {
    RIS_LINE_BLANK = 0, /* empty or only blanks */
    RIS_LINE_TAG,       /* "XX  - value", loose spacing accepted */
    RIS_LINE_LOWER_TAG, /* "xx  - value": a tag in lower case (warned) */
    RIS_LINE_BAD_TAG,   /* "XX- value", "XX     - v": a tag that is malformed */
    RIS_LINE_TEXT       /* anything else: a continuation line */
} ris_line_kind;

typedef struct ris_line {
    ris_line_kind kind;
    char tag[3];       /* TAG/LOWER_TAG/BAD_TAG: the two tag characters, upper-cased */
    const char *value; /* into the line: the value (TAG) or the trimmed text */
    size_t len;
} ris_line;

/* Classifies s[0..len). Tag lines are `[A-Z][A-Z0-9]`, one to three blanks
 * (spaces or tabs), '-', then a blank and the value, or the end of line
 * (`ER  -`). Pure, no allocation; pointers in *out point into s. */
void ris_lex_line(const char *s, size_t len, ris_line *out);

/* True when s[0..len) would be read back as a tag line of any kind (the
 * writer must not put such text on a continuation line). */
bool ris_looks_like_tag(const char *s, size_t len);

/* CSL type of a TY code (case-insensitive, blanks trimmed). *known is set
 * false for an unknown code, which reads as document. */
bib_type ris_type_from_code(const char *code, size_t len, bool *known);
/* TY code the writer uses for a CSL type (static string). */
const char *ris_type_code(bib_type type);

/* The CSL name variable a name tag (AU A1 A2 A3 A4 ED) carries in a record
 * of TY `code`; BIB_VAR_NONE for other tags. */
bib_var ris_name_var(const char *code, const char *tag);
/* The tag the writer uses for name variable `var` in a record of TY
 * `code` (the inverse of ris_name_var), or NULL when RIS has none. */
const char *ris_name_tag(const char *code, bib_var var);

/* True for the TY codes whose T2 is a series title (BOOK, RPRT, COMP...):
 * there T2 is collection-title and T3 is unused. */
bool ris_type_series_t2(const char *code);
/* True for the TY codes whose SP is a number of pages (BOOK, THES...). */
bool ris_type_sp_is_count(const char *code);
/* True for the book-like TY codes whose SN is an ISBN when its shape does
 * not say (BOOK, CHAP, CONF, THES...). */
bool ris_type_isbn(const char *code);
/* True for the TY codes whose DA is the date accessed (AGGR, DBASE, EJOUR,
 * EBOOK, ECHAP, MULTI; the RIS 2011 per-type tag tables). */
bool ris_type_da_accessed(const char *code);
/* True for the journal family (JOUR, EJOUR, ABST, INPR, JFULL). */
bool ris_type_journal(const char *code);

/* ---- the field table (ris_table.c; docs/ris.md "The field table") ---- */

/* How a row's value is read and written. TEXT covers text, numbers and
 * verbatim values alike (the CSL variable's own kind tells rich text from
 * plain); the other kinds name the few mappings that are not one tag to
 * one variable. */
typedef enum ris_kind {
    RIS_K_TEXT = 0, /* one value; a repeat is kept as an extra. Written: each value */
    RIS_K_NAMES,    /* a name; the role comes from TY (ris_name_var). The writer's
                       row writes every name variable, each under its own tag */
    RIS_K_DATE,     /* one date (Y2) */
    RIS_K_ISSUED,   /* DA/PY/Y1 together: precedence, accessed DA, Y1 online */
    RIS_K_PAGES,    /* SP/EP as one range, or SP as a number of pages */
    RIS_K_DOI,      /* a DOI, resolver prefix removed */
    RIS_K_DOI_OR,   /* a DOI-shaped value is the DOI, else the row's variable (M3) */
    RIS_K_SN,       /* ISBN, ISSN or number, by the value's shape and TY */
    RIS_K_NOTE,     /* a note; ProCite's "Call Number: " note is the call number */
    RIS_K_KEYWORDS, /* a keyword list: one per line, or split on ';' or ',' */
    RIS_K_ID        /* the record id */
} ris_kind;

/* When a row applies, by the record's TY code. Each is one bit of the
 * mask ris_cond_mask returns. */
typedef enum ris_cond {
    RIS_C_NEVER = 0,   /* not in this direction */
    RIS_C_ANY,
    RIS_C_SERIES,      /* T2 is a series title (ris_type_series_t2) */
    RIS_C_NOT_SERIES,
    RIS_C_JOURNAL,     /* the journal family (ris_type_journal) */
    RIS_C_NUMBERED,    /* RPRT, GOVDOC, PAT, STAND: SN is the report/patent number */
    RIS_C_PLAIN,       /* neither journal nor numbered: M1 carries the number */
    RIS_C_VERSIONED,   /* COMP, DATA: ET is the version */
    RIS_C_NOT_VERSIONED,
    RIS_C_BT_TITLE,    /* BOOK, UNPB: BT is the title itself */
    RIS_C_COUNT
} ris_cond;

/* Row flags. */
enum {
    RIS_F_READ_LINES = 1,  /* reading: continuation lines joined by line breaks */
    RIS_F_WRITE_LINES = 2, /* writing: line breaks kept as continuation lines */
};

/* One row of the crosswalk. The reader maps a tag through the first row
 * with that tag whose `read` condition holds (no row: an extra); the
 * writer walks the rows in table order - the output order - and writes
 * those whose `write` condition holds. */
typedef struct ris_field {
    char tag[3];
    const char *flavour; /* who writes this tag this way (documentation) */
    bib_var var;         /* CSL variable (NONE for NAMES and ID) */
    ris_kind kind;
    ris_cond read, write;
    unsigned flags;
} ris_field;

extern const ris_field *const ris_fields;
extern const size_t ris_nfields;

/* The conditions that hold for TY `code` (upper case), as a bit mask. */
unsigned ris_cond_mask(const char *code);
/* True when condition c holds in mask m (NEVER never does). */
static inline bool ris_cond_holds(unsigned m, ris_cond c)
{
    return (m >> c) & 1u;
}
/* Index of a tag [A-Z][A-Z0-9] in [0, RIS_TAG_SLOTS), or -1. Inline: the
 * reader looks up every tag line. */
#define RIS_TAG_SLOTS (26 * 36)
static inline int ris_tag_slot(const char *tag)
{
    char a = tag[0], b = tag[1];
    if (a < 'A' || a > 'Z')
        return -1;
    if (b >= 'A' && b <= 'Z')
        return (a - 'A') * 36 + (b - 'A');
    if (b >= '0' && b <= '9')
        return (a - 'A') * 36 + 26 + (b - '0');
    return -1;
}

/* ris_cond_mask with a one-entry cache: consecutive records mostly share
 * their TY. `last` holds the code of *mask (empty at first). */
/* strcmp(a, b) == 0 that settles most differing type codes and tags by
 * their first byte, without a call (the type tests run per record, the
 * name roles per name) */
static inline bool ris_streq(const char *a, const char *b)
{
    return a[0] == b[0] && strcmp(a, b) == 0;
}

static inline unsigned ris_cond_mask_cached(const char *code, char last[16], unsigned *mask)
{
    if (!last[0] || strcmp(code, last) != 0) {
        *mask = ris_cond_mask(code);
        size_t n = strlen(code);
        if (n > 15)
            n = 15;
        memcpy(last, code, n);
        last[n] = '\0';
    }
    return *mask;
}

/* Parses one RIS name: "Last, First", "Last, First, Suffix", "Last,F.M.",
 * a Vancouver "Oudin A" (sets *vancouver), or a corporate name (no comma,
 * several words: literal). Fills *out with new strings (bib_name_clear).
 * Returns 0, BIB_EPARSE (nothing usable) or BIB_ENOMEM. */
int ris_name_parse(bib_name *out, const char *s, size_t len, bool *vancouver);

/* ris_name_parse's first steps, for a reader that adds the common name
 * straight to the record (bib_names_add_display): the value without its
 * blanks around and commas at the end (*s moved; the length returned),
 * and whether every comma of it (the first at `comma`, NULL for none) is
 * followed by a space or ends it, the "Last, First" that the display
 * parser takes as it is. */
size_t ris_name_trim(const char **s, size_t len);
bool ris_name_spaced(const char *s, size_t len, const char *comma);
/* Appends "family, given, suffix" (particles in front of the family name)
 * or the literal. Returns 0 or BIB_ENOMEM. */
int ris_name_format(bib_buf *out, const bib_name *name);

/* Parses a RIS date: "YYYY/MM/DD/other" and its partial forms, zeros for
 * unknown parts ("2020/00/00"), plain years, ISO dates and written dates.
 * Same contract as bib_date_parse. */
int ris_date_parse(bib_date *out, const char *s, size_t len);
/* Appends "YYYY/MM/DD/" (two-digit parts, empty slots kept, a season in
 * the fourth slot) for the first part of `d`. BIB_EINVAL when d has no
 * year. */
int ris_date_format(bib_buf *out, const bib_date *d);

/* 1 when s looks like an ISBN, 2 an ISSN, 0 neither. */
int ris_sn_kind(const char *s, size_t len);
/* Strips a resolver prefix ("https://doi.org/", "doi:") from a DOI:
 * returns the offset of the bare DOI in s. */
size_t ris_doi_start(const char *s, size_t len);
/* True when s[0..len) is a DOI ("10.NNNN/..."), after ris_doi_start. */
bool ris_is_doi(const char *s, size_t len);

#endif /* BIBCONV_RISFMT_H */
