/* SPDX-License-Identifier: MIT */
/*
 * record.h - the record model every reader produces and every writer
 * consumes. CSL 1.0.2 is the pivot: a record is a CSL item (type, id, typed
 * variables) plus "extras" that keep what a format could not map, so a
 * same-format round trip loses nothing.
 *
 * Not for: parsing or printing any format (plugins do that) nor text
 * conversions (text.h).
 *
 * Ownership: a record owns every string and value it holds. Setters copy
 * their arguments; getters return borrowed pointers valid until that field
 * is changed or the record is freed. bib_name and bib_date are plain value
 * structs that callers fill on the stack and pass in (the record copies
 * them); this is a deliberate deviation from "layout private" for these two,
 * because they are small, stable CSL objects and a builder API for each part
 * would triple the code of every reader.
 *
 * Rich text. Variables of kind BIB_KIND_RICH (the titles) hold CSL's
 * HTML-like markup subset, exactly as citeproc engines read it:
 *     <i>..</i>  <b>..</b>  <sup>..</sup>  <sub>..</sub>
 *     <span style="font-variant:small-caps;">..</span>
 *     <span class="nocase">..</span>
 * Only these exact tag spellings are markup, but for one alias: the
 * setters of a RICH variable take `<span style="font-variant: small-caps;">`
 * (with a space, which citeproc-js also reads) for the small-caps span and
 * store it in the spelling above. Every other character,
 * including a '<', '>' or '&' that does not start one of them, is literal
 * text; no entities are used. (So a title that literally contains the text
 * "<i>" cannot be represented; no real bibliography was found to need it,
 * and the rule keeps CSL-JSON round trips exact.) Readers must produce
 * balanced markup; bib_rich_* in latex.h help. Variables of kind TEXT and
 * NUMBER hold plain text.
 *
 * Multi-value text. A TEXT or RICH field may hold several values in order
 * (RIS repeats KW, UR, SN; CSL-JSON `categories` is an array; keywords are a
 * list). bib_field_text() returns the first; writers whose format has one
 * string join them (CSL-JSON `keyword`: ", ").
 */
#ifndef BIBCONV_RECORD_H
#define BIBCONV_RECORD_H

#include "buf.h"
#include "common.h"
#include "csl.h"

BIB_BEGIN_DECLS

/* ------------------------------------------------------------------ */
/* Value structs                                                       */
/* ------------------------------------------------------------------ */

/* One name (CSL name object). Unused parts are NULL. A personal name has at
 * least `family`; an institution or an unsplittable name has only
 * `literal`. Strings are UTF-8 plain text. */
typedef struct bib_name {
    const char *family;
    const char *given;
    const char *dropping_particle;     /* "von" in Alexander von Humboldt */
    const char *non_dropping_particle; /* "van" in Vincent van Gogh */
    const char *suffix;                /* "Jr.", "III" */
    const char *literal;               /* "World Health Organization" */
    bool comma_suffix;                 /* CSL "comma-suffix" */
    bool static_ordering;              /* CSL "static-ordering" */
    bool parse_names;                  /* CSL "parse-names" (input hint) */
} bib_name;

/* Seasons as CSL numbers them (date "season" 1..4). */
enum { BIB_SEASON_NONE = 0, BIB_SEASON_SPRING = 1, BIB_SEASON_SUMMER = 2,
       BIB_SEASON_AUTUMN = 3, BIB_SEASON_WINTER = 4 };

/* One end of a date. 0 means "absent" for month and day; a part with
 * has_year false and month/day 0 is an open end of a range ("2020/").
 * Years are CSL years: negative is BC, there is no year 0 in CSL (EDTF
 * conversion in text.h does the one-year shift). */
typedef struct bib_date_part {
    bool has_year;
    int year;
    int month;  /* 1..12, 0 absent */
    int day;    /* 1..31, 0 absent */
    int season; /* BIB_SEASON_*, 0 absent (replaces the month) */
} bib_date_part;

/* A date: nothing, one part, or a range of two. `literal` is text printed
 * as is (no parts then); `raw` keeps the source text when the parts do not
 * carry all of it (EDTF "?", "X", a time of day, a date without a year). */
typedef struct bib_date {
    int nparts;                 /* 0, 1 or 2 */
    bib_date_part parts[2];
    bool circa;
    const char *literal;        /* NULL when absent */
    const char *raw;            /* NULL when absent */
} bib_date;

/* Frees the strings of a name/date that a text.h parser filled (those
 * parsers allocate; see text.h) and zeroes the struct. Never call these on
 * a struct whose strings you did not get from such a parser. NULL is a
 * no-op. */
BIB_API void bib_name_clear(bib_name *name);
BIB_API void bib_date_clear(bib_date *date);

/* ------------------------------------------------------------------ */
/* Records                                                             */
/* ------------------------------------------------------------------ */

typedef enum bib_record_kind {
    BIB_RECORD_ENTRY = 0, /* a work: a CSL item */
    BIB_RECORD_DIRECTIVE  /* not a work: BibTeX @preamble, @comment, @string,
                             text between entries. Carries a format, a name
                             and raw text; only writers that declare
                             BIB_WRITER_DIRECTIVES receive them. */
} bib_record_kind;

/* Per-field flags, hints for writers of the format that produced them. */
enum {
    /* the source gave a bare number (JSON number, BibTeX `year = 2020`) */
    BIB_FIELD_BARE_NUMBER = 1u << 0,
    /* the field was inherited (crossref/xdata), not present in the entry */
    BIB_FIELD_INHERITED = 1u << 1
};

/* Returns a new entry record of `type` with the given id (may be NULL: no
 * id). Free with bib_record_free. NULL when out of memory. */
BIB_API bib_record *bib_record_new(bib_type type, const char *id);

/* Returns a new directive record: `format` names the format it belongs to
 * ("bibtex"), `name` what it is ("preamble", "comment", "string", "text"),
 * `text` the raw source text (copied, `len` bytes). NULL on out of memory. */
BIB_API bib_record *bib_record_new_directive(const char *format,
                                             const char *name,
                                             const char *text, size_t len);

/* Frees a record and everything it owns. NULL is a no-op. */
BIB_API void bib_record_free(bib_record *rec);

/* Returns a new deep copy of `rec` (free with bib_record_free), or NULL. */
BIB_API bib_record *bib_record_clone(const bib_record *rec);
/* A record that reads as `src` with another id (copied; NULL for none),
 * sharing src's fields and extras instead of copying them: what a writer
 * gives a keyless record (its new key) without holding its values twice.
 * Owned by the caller (bib_record_free frees only what is its own); valid
 * while src is alive and unchanged, and never to be changed itself. NULL
 * when out of memory or when src is not an entry. */
BIB_API bib_record *bib_record_keyed_view(const bib_record *src, const char *id);

BIB_API bib_record_kind bib_record_kind_of(const bib_record *rec);

/* Directive accessors: borrowed strings, NULL on an entry record. The text
 * of a directive is `bib_record_directive_text` with its length in *len. */
BIB_API const char *bib_record_directive_format(const bib_record *rec);
BIB_API const char *bib_record_directive_name(const bib_record *rec);
BIB_API const char *bib_record_directive_text(const bib_record *rec,
                                              size_t *len);

/* The citation key; borrowed, NULL when the record has none. */
BIB_API const char *bib_record_id(const bib_record *rec);
/* Sets (copies) or clears (NULL) the id. 0 or BIB_ENOMEM (id unchanged). */
BIB_API int bib_record_set_id(bib_record *rec, const char *id);
/* As bib_record_set_id for id[0..len), which need not end in a NUL (no
 * copy through a buffer first: a huge id is held once). */
BIB_API int bib_record_set_id_n(bib_record *rec, const char *id, size_t len);

BIB_API bib_type bib_record_type(const bib_record *rec);
BIB_API void bib_record_set_type(bib_record *rec, bib_type type);

/* Source location of the record (for diagnostics in later stages such as
 * dedupe and check): input name (borrowed, copied by the setter) and line.
 * Unset: NULL and 0. */
BIB_API const char *bib_record_origin(const bib_record *rec, size_t *line);
BIB_API int bib_record_set_origin(bib_record *rec, const char *name,
                                  size_t line);

/* ---- fields: ordered, at most one field per variable ---------------- */

BIB_API size_t bib_record_field_count(const bib_record *rec);
/* Field at position i (0-based, insertion order); borrowed; NULL when out
 * of range. */
BIB_API const bib_field *bib_record_field_at(const bib_record *rec,
                                             size_t i);
/* The field of `var`, or NULL when the record has none. Borrowed. */
BIB_API const bib_field *bib_record_get(const bib_record *rec, bib_var var);
BIB_API bool bib_record_has(const bib_record *rec, bib_var var);
/* True when rec has var with something in it a writer can write: false
 * for an empty name list (CSL-JSON "author": [] or [{}]) and for a date
 * with neither a year, a literal nor its source text ("date-parts": [[]]),
 * and for text whose every value is empty ("title": "") or holds only
 * white space and control characters, which bib_record_has counts. */
BIB_API bool bib_record_holds(const bib_record *rec, bib_var var);

/* Convenience: first text value of `var` (TEXT, RICH or NUMBER), or NULL. */
BIB_API const char *bib_record_text(const bib_record *rec, bib_var var);

/* Removes the field of `var` if present (the others keep their order). */
BIB_API void bib_record_remove(bib_record *rec, bib_var var);

/* Sets a TEXT, RICH or NUMBER variable to one value (copied; `len` bytes
 * of UTF-8), replacing any previous values of it in place (the field keeps
 * its position), or appending a new field. Returns 0, BIB_EINVAL when `var`
 * is not of those kinds, or BIB_ENOMEM (the record is then unchanged). */
BIB_API int bib_record_set_text(bib_record *rec, bib_var var, const char *s,
                                size_t len);

/* As bib_record_set_text, but the record takes `s` over instead of copying
 * it: `s` is a NUL-terminated UTF-8 string from malloc (bib_buf_detach),
 * freed with the record, or at once when this fails (BIB_EINVAL,
 * BIB_ENOMEM). For long values, which would otherwise be held twice. */
BIB_API int bib_record_set_text_owned(bib_record *rec, bib_var var, char *s);

/* Gives the record `s`, a NUL-terminated string from malloc, to free with
 * it, and returns s (NULL, with s freed, when out of memory). A setter
 * handed that very pointer (bib_record_set_id, bib_record_add_name's parts,
 * bib_record_set_text with its whole length) then keeps it instead of a
 * copy: a reader that decodes a huge name part or id itself holds it once
 * (issue 18: a single value needs at most 2x its size). */
BIB_API const char *bib_record_adopt(bib_record *rec, char *s);

/* Appends one more value to a TEXT/RICH/NUMBER variable (multi-value
 * fields: keyword, categories, URL...), creating the field if needed.
 * Same returns as bib_record_set_text. */
BIB_API int bib_record_add_text(bib_record *rec, bib_var var, const char *s,
                                size_t len);

/* Appends a copy of `name` to a NAMES variable (creating the field). Returns
 * 0, BIB_EINVAL (wrong kind, or a name with no part at all) or BIB_ENOMEM. */
BIB_API int bib_record_add_name(bib_record *rec, bib_var var,
                                const bib_name *name);

/* Marks a NAMES list as cut ("and others", "et al.", "see 3 more"),
 * creating an empty field if needed. Same returns as above. */
BIB_API int bib_record_set_names_truncated(bib_record *rec, bib_var var,
                                           bool truncated);

/* Sets a DATE variable to a copy of `date`, replacing any previous one.
 * Returns 0, BIB_EINVAL (wrong kind, nparts > 2) or BIB_ENOMEM. */
BIB_API int bib_record_set_date(bib_record *rec, bib_var var,
                                const bib_date *date);

/* Sets/reads the BIB_FIELD_* flags of an existing field. set returns
 * BIB_ENOTFOUND when the record has no such field. */
BIB_API int bib_record_set_field_flags(bib_record *rec, bib_var var,
                                       unsigned flags);

/* ---- source text ---------------------------------------------------- */

/* A reader may keep, beside a TEXT, RICH, NUMBER or NAMES value, the text
 * its format wrote that value as, so that the writer of the same format
 * can write it back as it was instead of encoding the value again (a
 * BibTeX title keeps `{\"u}` and `\emph`; docs/record-model.md, "Source
 * text"). `format` names the syntax ("bibtex"; copied), `tag` is that
 * format's own note of how the value was read. The text is copied, but
 * for the field's one value itself (`s` == bib_record_text(rec, var)),
 * which is shared. Any setter of the variable drops it (set_text,
 * add_text, set_text_owned, add_name, set_names_truncated; remove), so a
 * value changed after reading (inherited, merged) has none; flags do not;
 * clones keep it. s NULL drops it. Returns 0, BIB_ENOTFOUND (no field of
 * var), BIB_EINVAL (a date variable, len past 4 GiB) or BIB_ENOMEM. */
BIB_API int bib_record_set_source(bib_record *rec, bib_var var, const char *format,
                                  unsigned tag, const char *s, size_t len);

/* The format of the source texts rec's fields may hold (the last one
 * kept; clones keep it), borrowed; NULL when no field of rec has one, so
 * that a writer asks once per record, not once per field. */
BIB_API const char *bib_record_source_format(const bib_record *rec);

/* ---- values decoded from a format's text ----------------------------- */

/* The ways core decodes a value from the text a format wrote it as: the
 * recipes a reader names instead of decoding with code of its own, so
 * that a record may run one later (bib_record_defer), when the plugin
 * that made it may be gone. BibTeX's (docs/bibtex.md, "Source text"):
 *  - LATEX: a TEXT, RICH or NUMBER value, bib_latex_to_unicode with the
 *    recipe's flags (BIB_LATEX_RICH, _NOCASE, _VERBATIM), then each white
 *    space run as one space and none at either end;
 *  - LATEX_LIST: one TEXT value per item between ',' and ';', each
 *    trimmed and decoded as LATEX without flags (keywords);
 *  - LATEX_RANGE: LATEX without flags, then bib_pages_normalize with "-";
 *  - BIBTEX_NAMES: bib_names_add_bibtex with the recipe's flags. */
typedef enum bib_recipe {
    BIB_RECIPE_NONE = 0,
    BIB_RECIPE_LATEX,
    BIB_RECIPE_LATEX_LIST,
    BIB_RECIPE_LATEX_RANGE,
    BIB_RECIPE_BIBTEX_NAMES
} bib_recipe;

/* Decodes s[0..len) by `recipe` into var now: a LATEX or LATEX_RANGE
 * value replaces var's values, list items and names are appended. A
 * value that decodes to nothing sets nothing (no field is made). s[len]
 * must be readable (a NUL, or for a list item the separator after it).
 * `scratch`: NULL, or a buffer the call may use for its work (its
 * content is lost; a reader keeps one between values, which then cost no
 * allocation). Returns the number of values or names set (0: none), or
 * BIB_EINVAL (a recipe var's kind does not take), BIB_ENOMEM. (A caller
 * that wants the count of empty names skipped calls BIBTEX_NAMES's
 * bib_names_add_bibtex itself.) */
BIB_API int bib_record_decode(bib_record *rec, bib_var var, bib_recipe recipe,
                              unsigned flags, const char *s, size_t len, bib_buf *scratch);

/* As bib_record_decode followed by bib_record_set_source(rec, var,
 * format, tag, s, len), but with the decoding put off until something
 * reads var's value (a getter; bib_record_has and bib_field_source do
 * not decode): a writer that writes the source text back never pays for
 * it. Only when var has no field yet and the record can tell from the
 * text alone that the value is not empty (and, for names, that no name
 * is empty): otherwise nothing is set and 0 returned, for the caller to
 * decode now. Returns 1 when put off, 0, or BIB_EINVAL / BIB_ENOMEM.
 * The record decodes with its own copy of s, so the caller's text need
 * not outlive the call; getters fill a value in on its first read (a
 * record is read by one thread at a time), clones and keyed views keep
 * the value undecoded (a view's is decoded into its source), a setter
 * that adds to the value (add_text, add_name, set_names_truncated) or
 * bib_record_set_source decodes it first. Should the memory run out
 * then, the value reads as what was decoded of it (often none), and the
 * record and its later clones are marked (bib_record_lost_value):
 * bib_writer_write reports such a record after writing it and returns
 * BIB_ENOMEM (docs/record-model.md). */
BIB_API int bib_record_defer(bib_record *rec, bib_var var, bib_recipe recipe,
                             unsigned flags, const char *s, size_t len,
                             const char *format, unsigned tag);

/* True when a value of rec put off by bib_record_defer (or of the record
 * rec was cloned or merged from) could not be decoded for lack of memory:
 * rec lacks some of it. Code that copies values from one record into
 * another (a reader's crossref inheritance) checks the source after the
 * copy and treats a lost value as out of memory. */
BIB_API bool bib_record_lost_value(const bib_record *rec);

/* ---- field accessors (all borrow from the record) -------------------- */

BIB_API bib_var bib_field_var(const bib_field *f);
BIB_API bib_kind bib_field_kind(const bib_field *f);
BIB_API unsigned bib_field_flags(const bib_field *f);

/* TEXT/RICH/NUMBER: number of values (>= 1) and value i; first value via
 * bib_field_text. NULL / 0 for other kinds. */
BIB_API size_t bib_field_value_count(const bib_field *f);
BIB_API const char *bib_field_value_at(const bib_field *f, size_t i);
BIB_API const char *bib_field_text(const bib_field *f);

/* NAMES: count, name i, and the "and others" flag. */
BIB_API size_t bib_field_name_count(const bib_field *f);
BIB_API const bib_name *bib_field_name_at(const bib_field *f, size_t i);
BIB_API bool bib_field_names_truncated(const bib_field *f);

/* DATE: the date, NULL for other kinds. */
BIB_API const bib_date *bib_field_date(const bib_field *f);

/* The source text of f when a reader of `format` kept one (set_source),
 * with its tag and length (out-pointers may be NULL); else NULL. The
 * pointer bib_record_source_format gave for f's record matches its own
 * format without a string compare (a writer asks at every field). */
BIB_API const char *bib_field_source(const bib_field *f, const char *format,
                                     unsigned *tag, size_t *len);

/* ---- extras: (format, name, raw value) triples, in insertion order ---- */

/* Appends an extra (all three copied). Several extras may share a name.
 * Returns 0 or BIB_ENOMEM / BIB_EINVAL (a NULL argument). */
BIB_API int bib_record_add_extra(bib_record *rec, const char *format,
                                 const char *name, const char *value,
                                 size_t value_len);
BIB_API size_t bib_record_extra_count(const bib_record *rec);
/* Extra i: borrowed pointers into the record; any out-pointer may be NULL.
 * Returns BIB_ENOTFOUND when i is out of range. */
BIB_API int bib_record_extra_at(const bib_record *rec, size_t i,
                                const char **format, const char **name,
                                const char **value, size_t *value_len);
/* First extra with this format and name (case-sensitive), or NULL. */
BIB_API const char *bib_record_extra_get(const bib_record *rec,
                                         const char *format,
                                         const char *name);
/* Removes every extra with this format and name; returns how many. */
BIB_API size_t bib_record_extra_remove(bib_record *rec, const char *format,
                                       const char *name);

/* One step of the grouped walk over a record's extras: the extra's index
 * (for bib_record_extra_at) and where it stands in its groups, so that a
 * writer opens and closes its nesting without comparing neighbours. */
typedef struct bib_extra_step {
    size_t index;
    bool new_format;   /* the first extra of its format */
    bool new_name;     /* the first value of its name inside the format */
    bool last_of_name; /* the last value of its name (a lone value is both) */
} bib_extra_step;

/* The extras grouped as the CSL-JSON and YAML writers nest them
 * ({format: {name: value or [values]}}): every index 0..count-1 once, a
 * format's extras together, formats in order of first appearance; inside
 * a format a name's values together, names in order of first appearance;
 * values in insertion order. O(n log n): a record may carry many extras.
 * Returns a new array of bib_record_extra_count(rec) steps (free() it),
 * or NULL when there are none or memory ran out (*oom tells which). */
BIB_API bib_extra_step *bib_record_extras_grouped(const bib_record *rec, bool *oom);

BIB_END_DECLS

#endif /* BIBCONV_RECORD_H */
