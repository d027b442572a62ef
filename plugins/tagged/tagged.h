/* SPDX-License-Identifier: MIT */
/*
 * tagged.h - what the medline and wos modules share: both are line-tagged
 * formats with a fixed-width tag column and indented continuation lines
 * (docs/medline.md, docs/wos.md). This small static library (linked into
 * each module, hidden visibility) holds the line lexer, the record
 * collector (entries of one record in one reusable buffer), the field
 * table's types and its generic mappings in both directions, the
 * "Last, First M" / "Last FM" name forms and the written dates ("2019 Mar
 * 15", "2018 Dec-2019 Jan", "SPR", "MAR-APR").
 *
 * Not for: RIS (plugins/ris has its own lexer: `TY  - ` records), nor any
 * mapping that only one format has (each module's own files).
 */
#ifndef BIBCONV_TAGGED_H
#define BIBCONV_TAGGED_H

#include <stdint.h>

#include "bibconv/plugin.h"
#include "bibconv/text.h"

/* A tag of up to four characters [A-Z0-9] packed into an integer, first
 * character in the high byte ("PMID", "TI", "AU"). */
typedef uint32_t tg_tag;
tg_tag tg_tag_pack(const char *s, size_t n);
/* Writes the tag's characters and a NUL into out[5]. */
void tg_tag_unpack(tg_tag t, char out[5]);

/* The line syntax of a format. */
typedef struct tg_syntax {
    const char *format;           /* "medline": extras' format, messages */
    size_t width;                 /* tag columns: 4 (MEDLINE) or 2 (WoS) */
    bool dash;                    /* a '-' follows the tag column (MEDLINE) */
    const char *indent;           /* continuation prefix the writer uses */
    bool blank_ends;              /* a blank line ends a record (MEDLINE) */
    const char *end_tag;          /* tag ending a record ("ER"), or NULL */
    const char *const *skip_tags; /* header tags outside records (FN VR EF) */
    const char *start_tag;        /* a repeat of it starts a new record (PMID) */
} tg_syntax;

/* ---- the field table -------------------------------------------------- */

/* How a row's value is read and written. Kinds from TG_K_SPECIAL on are
 * the module's own (its reader and writer handle them). */
typedef enum tg_kind {
    TG_K_TEXT = 0, /* one value; a repeat is kept as an extra */
    TG_K_MULTI,    /* every value added (multi-value variable) */
    TG_K_KEYWORDS, /* a list split on ';' (WoS DE), one value per line (OT) */
    TG_K_ISSN,     /* an ISSN, "(Print)"-style qualifier dropped, repeats merged */
    TG_K_EXTRA,    /* kept as an extra; written back at this row's place */
    TG_K_SPECIAL   /* first kind number of the modules' own */
} tg_kind;

/* Row flags. */
enum {
    TG_F_LINES = 1,      /* reading: each continuation line is its own item
                            (joined by a line break) */
    TG_F_READ_ONLY = 2,  /* an alias the reader accepts; the writer skips it */
    TG_F_WRITE_ONLY = 4, /* the reader skips it (another row reads the tag) */
    TG_F_EXTRAS_HERE = 8, /* the tag's extras are written after the row (as
                            for TG_K_EXTRA), not at the record's end */
    TG_F_WHOLE_DAY = 16  /* a date row written only for a whole day
                            (tg_date_whole_day: MEDLINE's DEP) */
};

typedef struct tg_field {
    char tag[5];
    const char *flavour; /* who writes it (documentation) */
    bib_var var;         /* CSL variable, or NONE for specials */
    int kind;            /* tg_kind or a module's own */
    unsigned flags;
} tg_field;

/* The row that reads tag t, or NULL (the tag is kept as an extra). Linear
 * in the table's rows (a few dozen). */
const tg_field *tg_find_row(const tg_field *rows, size_t n, tg_tag t);

/* ---- reading ------------------------------------------------------------ */

typedef struct tg_entry {
    tg_tag tag;
    size_t line;
    size_t off, len; /* value bytes in the reader's vals */
} tg_entry;

typedef struct tg_reader {
    const tg_syntax *syn;
    const tg_field *rows;
    size_t nrows;
    bib_input *in;
    bool strict;
    bib_buf vals;  /* values of the current record, back to back */
    tg_entry *ent; /* entries of the current record */
    size_t nent, cap;
    size_t rec_line;
    bool bad;      /* the current record had an error: skipped */
    bool in_rec;
    bool ended;    /* the end of the input was seen */
    bool junk_warned;
    bool pending;  /* a start tag ended the last record and begins this one */
    size_t pending_line;
    tg_tag pending_tag;
    bib_buf pending_val;
    bib_buf tmp; /* scratch for the mappings */
    tg_tag *row_tags; /* the rows' tags packed, for tg_reader_row */
} tg_reader;

/* The row that reads tag t in the reader's table, or NULL: tg_find_row
 * without packing each row's tag again (it runs for every entry). */
const tg_field *tg_reader_row(const tg_reader *r, tg_tag t);

/* Prepares r (zeroed by the caller) to read `in`; the tables are borrowed
 * and must outlive the reader. Returns 0 or BIB_ENOMEM. */
int tg_reader_open(tg_reader *r, const tg_syntax *syn, const tg_field *rows, size_t nrows,
                   bib_input *in, bool strict);
/* Frees what the reader owns (not r itself). */
void tg_reader_close(tg_reader *r);

/* Collects the entries of the next record into r->ent/r->vals. Returns 1
 * (r->nent >= 1), 0 at the end, BIB_EPARSE after reporting a bad record
 * (skipped: the next call goes on with the next record), or another
 * negative status (fatal). */
int tg_reader_collect(tg_reader *r);

static inline const char *tg_val(const tg_reader *r, const tg_entry *e)
{
    return r->vals.data + e->off;
}

/* The state of one record being built from the collected entries. */
typedef struct tg_build {
    tg_reader *r;
    bib_record *rec;
    int rc; /* first error; later calls do nothing */
} tg_build;

/* The reader of a module's own row kinds. */
typedef void (*tg_read_fn)(tg_build *b, const tg_field *f, const tg_entry *e, void *ctx);
/* Starts b on a new record of `type` for the collected entries (origin
 * set), maps every entry - through its row, generic kinds here and the
 * others through `special`, tags without a row as extras, empty values
 * dropped with a warning. Returns 0 or BIB_ENOMEM; b->rec is then owned
 * by the caller (freed by tg_build_finish). */
int tg_build_entries(tg_build *b, tg_reader *r, bib_type type, tg_read_fn special, void *ctx);
/* Ends the build: 1 with the record in *out, or b->rc (record freed). */
int tg_build_finish(tg_build *b, bib_record **out);

/* Keeps the entry as an extra (format, tag, value). */
void tg_extra(tg_build *b, const tg_entry *e);
/* Sets a single-valued variable, or keeps the entry as an extra when the
 * variable is already set. Titles are read as plain text. */
void tg_set_once(tg_build *b, bib_var var, const tg_entry *e);
/* Maps an entry of a generic kind; false when the row's kind is special. */
bool tg_read_generic(tg_build *b, const tg_field *f, const tg_entry *e);
/* Adds a name read by tg_name_full or tg_name_short (short: `full` false)
 * to var. An entry with no usable name is kept as an extra with a warning. */
void tg_add_name(tg_build *b, bib_var var, const tg_entry *e, bool full);
/* Adds a corporate name (MEDLINE CN, WoS CA) as a literal. */
void tg_add_literal(tg_build *b, bib_var var, const tg_entry *e);
/* Sets a date variable from text (tg_date_parse); a text that is no date
 * becomes a literal date with a warning. `year` is the year for a text
 * that has none (WoS PD next to PY), 0 when none. */
void tg_set_date(tg_build *b, bib_var var, const tg_entry *e, int year);

/* ---- names ------------------------------------------------------------- */

/* "Last, First M[, Suffix]" (MEDLINE FAU, WoS AF). Without a comma the
 * text is a family name alone. Returns 0, BIB_EPARSE or BIB_ENOMEM; *out
 * holds new strings (bib_name_clear). */
int tg_name_full(bib_name *out, const char *s, size_t len);
/* "Last FM" (MEDLINE AU) or "Last, FM" (WoS AU): initials become "F. M.".
 * Same contract. */
int tg_name_short(bib_name *out, const char *s, size_t len);
/* Appends "Last, Given[, Suffix]" (particles before the family name), or
 * the literal. */
void tg_name_format_full(bib_buf *out, const bib_name *n);
/* Appends "Last FM" (`comma` false) or "Last, FM": the initials of the
 * given names, hyphenated parts included. */
void tg_name_format_short(bib_buf *out, const bib_name *n, bool comma);

/* ---- dates ------------------------------------------------------------- */

/* Parses "2019 Mar 15", "2019 Spring", "2018 Dec-2019 Jan", "2019
 * Mar-Apr", "MAR 15", "SPR", "FAL-WIN", "20190315" (year first, month or
 * season names in English, three-letter or full, any case). `year` fills a
 * text without one (0: none). Same contract as bib_date_parse: 0, or
 * BIB_EPARSE with *out a literal, or BIB_ENOMEM. */
int tg_date_parse(bib_date *out, const char *s, size_t len, int year);
/* Appends the MEDLINE form "2019 Mar 15", "2019 Spring", "2018 Dec-2019
 * Jan", or the literal. BIB_EINVAL when there is nothing to write. */
int tg_date_format(bib_buf *out, const bib_date *d);
/* True when d is one whole day of a four-digit year and no literal: the
 * only date a YYYYMMDD tag (MEDLINE's DEP) can hold. */
bool tg_date_whole_day(const bib_date *d);
/* Appends the WoS PD form "MAR 15", "SPR", "MAR-APR" (no year; empty when
 * the date has only a year). */
void tg_date_format_pd(bib_buf *out, const bib_date *d);

/* ---- writing ----------------------------------------------------------- */

/* Writes one tagged value: the tag padded to the syntax's width, the
 * separator, then the value; line breaks in the value start continuation
 * lines (`lines`) or become spaces; `wrap` > 0 wraps at that column on
 * spaces. Control characters are written as spaces. */
void tg_write(bib_output *out, const tg_syntax *syn, const char *tag, const char *v,
              size_t len, bool lines, size_t wrap);
/* The writer of a module's own row kinds. */
/* Marks for core's dropped-field report (bib_writer_track_fields) every
 * variable the table writes: each row not read-only that has one. */
void tg_mark_written(bib_writer *wr, const tg_field *rows, size_t nrows);

typedef void (*tg_special_fn)(void *ctx, const tg_field *f, const bib_record *rec);
/* Writes a record's tag lines: the rows in table order (not READ_ONLY),
 * generic kinds here and the others through `special`; each TG_K_EXTRA or
 * TG_F_EXTRAS_HERE row is followed by the extras of its tag; the other
 * extras of the syntax's format come last, in order. */
void tg_write_rows(bib_output *out, const tg_syntax *syn, const tg_field *rows, size_t nrows,
                   const bib_record *rec, bib_buf *tmp, size_t wrap, tg_special_fn special,
                   void *ctx);
/* True when a record of type document has no variable a written row holds
 * and no extra of the syntax's format: tg_write_rows would give it no line
 * but its type, which reads back as an empty record. The writer then
 * refuses it with tg_refuse_empty. */
bool tg_writes_nothing(const tg_syntax *syn, const tg_field *rows, size_t nrows,
                       const bib_record *rec);
/* Reports that rec holds nothing the format can hold; BIB_EPARSE. */
int tg_refuse_empty(bib_output *out, const tg_syntax *syn, const bib_record *rec);

#endif /* BIBCONV_TAGGED_H */
