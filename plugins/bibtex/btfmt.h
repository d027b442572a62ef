/* SPDX-License-Identifier: MIT */
/*
 * btfmt.h - what the files of the bibtex module share. The module serves
 * two formats, `bibtex` and `biblatex`, with one reader and one writer (the
 * flavour decides field and type names on output and the default of
 * -O ascii). Its files, by concern:
 *
 *     bibtex.c        module descriptor, probe, options
 *     bt_macros.c     @string macros (name -> expansion)
 *     bt_lexer.c      the entry parser over a bib_input window, resync
 *     bt_crosswalk.c  THE crosswalk table (fields <-> CSL variables, read
 *                     and written through it) and the entry types
 *     bt_reader.c     bib_reader ops: entries -> records via the table,
 *                     and the few fields that are not one CSL variable
 *     bt_source.c     the tests of a text kept as a value's source text
 *     bt_crossref.c   crossref/xdata: parents kept, children held back
 *     bt_writer.c     bib_writer ops: records -> entries via the table
 *
 * The table and its decisions are described in docs/bibtex.md.
 *
 * Not for: anything outside plugins/bibtex and its tests (the module is
 * built with hidden visibility; only bib_plugin_module is exported).
 */
#ifndef BIBCONV_BTFMT_H
#define BIBCONV_BTFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bibconv/buf.h"
#include "bibconv/keys.h"
#include "bibconv/plugin.h"

extern const bib_reader_ops btfmt_reader_ops;
extern const bib_writer_ops btfmt_writer_ops;

/* ---- names -------------------------------------------------------------- */

/* True when s[0..n) equals the lower-case `lit`, ignoring the case of s. */
bool bt_ieq(const char *s, size_t n, const char *lit);
/* The reader's split function (bib_split_fn, -j): bt_split.c. */
size_t bt_split(const char *d, size_t len, size_t want, unsigned *flags);
/* The same without the AVX2 copy bt_split picks where the CPU has it:
 * what it runs elsewhere; the tests check both on any machine. */
size_t bt_split_plain(const char *d, size_t len, size_t want, unsigned *flags);
/* True when t is one of the NULL-terminated list. */
bool bt_type_in(const char *t, const char *const *list);

/* ---- @string macros ----------------------------------------------------- */

typedef struct bt_macro {
    char *name; /* lower case, owned */
    char *value; /* owned */
} bt_macro;

/* Open-addressing hash: lower-case name -> expansion. Zero-initialised is
 * empty; bt_macros_free releases everything. */
typedef struct bt_macros {
    bt_macro *slots;
    size_t cap, count;
} bt_macros;

/* The expansion of name[0..n) (any case), or NULL. Borrowed. */
const char *bt_macros_find(const bt_macros *t, const char *name, size_t n);
/* Defines or redefines name[0..n) as v[0..vn) (copied). 0 or BIB_ENOMEM. */
int bt_macros_set(bt_macros *t, const char *name, size_t n, const char *v, size_t vn);
void bt_macros_free(bt_macros *t);

/* English month names, for the predefined macros jan..dec. */
extern const char *const bt_month_names[12];

/* ---- reader state ------------------------------------------------------- */

/* One parsed field: name and value are offsets into the reader's arena. */
typedef struct bt_raw_field {
    size_t name_off, name_len;
    unsigned name_hash; /* bt_name_hash_* over the lower-case name */
    uint64_t name_word0; /* its first eight bytes (bt_name_word0) */
    size_t val_off, val_len;
    bool bare_number; /* the whole value was one bare number */
    /* the value is its source text: one braced or quoted part, no macro
     * or '#', no NUL removed, no '%' the lexer had to read (bt_lexer.c) */
    bool literal;
    bool maybe_twin;  /* an earlier field may have its name (set by bt_build_record) */
    unsigned char known; /* its bt_known, set by bt_build_record */
    const struct bt_row *row; /* its crosswalk row (NULL: none), set by bt_build_record */
} bt_raw_field;

/* Field names the reader asks for by name besides reading them through
 * their rows: each entry's fields are indexed by these once
 * (bt_reader.at), so that asking is a load rather than a scan of the
 * fields with a strcmp each. */
typedef enum bt_known {
    BT_K_NONE = 0, BT_K_ENTRYTYPE, BT_K_ENTRYSUBTYPE, BT_K_CROSSREF, BT_K_XDATA,
    BT_K_XREF_NOTE, BT_K_XDATA_NOTE, BT_K_IDS, BT_K_DATE, BT_K_YEAR, BT_K_MONTH, BT_K_DAY,
    BT_K_PUBLISHER, BT_K_SERIES, BT_K_ISSUE, BT_K_EVENTTITLE, BT_K_EVENTDATE, BT_K_VENUE,
    BT_K_COUNT
} bt_known;

enum { BT_MAX_PARENTS = 1024, BT_MAX_HELD = 256, BT_WAIT_SLOTS = 4096, BT_FIELD_SLOTS = 256,
       BT_MAX_SEEN = 1024, BT_TYPE_MEMO = 32 };

/* The reader's hash index of field names (bt_index_fields): a slot holds
 * 1..127 for crosswalk row slot-1, 128 + k for known name k that has no
 * row, 0 for free, and `len` that name's length; row_known gives a row's
 * bt_known. */
typedef struct bt_field_index {
    unsigned char slot[BT_FIELD_SLOTS];
    unsigned char len[BT_FIELD_SLOTS]; /* the length of the slot's name */
    uint64_t word0[BT_FIELD_SLOTS];    /* its first eight bytes (bt_name_word0) */
    unsigned char row_known[BT_FIELD_SLOTS / 2];
} bt_field_index;

/* A parent-like entry kept as what built it (bt_save_entry): its fields,
 * the arena bytes they point into, its key and type as parsed, its line,
 * and the id its record got; one block, freed with free(). */
typedef struct bt_saved {
    const bt_raw_field *fields;
    size_t nfields;
    const char *arena;
    size_t arena_len;
    const char *key, *type; /* as the entry spelt them (bt_parsed) */
    size_t key_len, type_len, line;
    const char *id; /* bib_record_id of its record */
} bt_saved;

typedef struct bt_reader {
    bib_input *in;
    bool biblatex;
    bt_macros macros;
    bib_buf arena; /* field names and expanded values of the current entry */
    bib_buf tmp;   /* conversion scratch */
    bt_raw_field *fields;
    size_t nfields, capfields;
    bib_reader *rd;   /* the handle: duplicate keys go to bib_reader_note_key */
    bool bol;         /* the '@' at the window start begins a line */
    const bt_field_index *field_index; /* field names to rows and bt_known */
    unsigned at[BT_K_COUNT]; /* the entry's first field of each bt_known, + 1; 0 none */
    /* crossref: possible parents seen (clones), children waiting for a
     * parent, and records ready to hand out */
    bib_record **parents; /* a ring once full: the oldest at phead */
    bt_saved **psaved;    /* beside it: a parent kept as its entry (parents[k] NULL) */
    size_t nparents, capparents, phead;
    bib_record **held;
    size_t nheld, capheld;
    /* held children per hash slot of the key they name: a record whose
     * slot is 0 has no child waiting, found without a scan */
    unsigned short waiting[BT_WAIT_SLOTS];
    unsigned char parent_tag[BT_MAX_PARENTS]; /* a hash byte per parent: most
                                                 misses are told apart
                                                 without a strcmp */
    bib_record **ready;
    size_t rhead, nready, capready;
    /* key hashes of the last BT_MAX_SEEN entries not kept as parents: a
     * child naming one of them has its parent before it, not missing */
    size_t seen[BT_MAX_SEEN];
    size_t nseen;
    /* the entry just built has its crossref or xdata from the classic
     * writer's note (BT_XREF_NOTE): kept, not resolved */
    bool link_noted;
    /* the entry just built, for bt_save_entry while ok (one_entry sets it
     * for the crossref step): its key and type as parsed, its line */
    struct {
        bool ok;
        const char *key, *type;
        size_t key_len, type_len, line;
    } built;
    bool quiet; /* bt_rebuild: the entry's warnings were said when it was read */
    /* the entry just built has no crossref or xdata field: its record's
     * crossref or xdata extra, if any, is a link note's (link_noted), which
     * the crossref step leaves (bt_build_record; read once by that step) */
    bool no_links;
    /* values' source texts are kept (bib_reader_keeps_source, asked at
     * the first entry: -1 not yet) */
    signed char keep_src;
    /* the entry just built: its type, lower case, as its entrytype extra
     * says (bt_build_record), for the crossref step */
    char type[64];
    bool type_plike; /* bt_parent_like(type) */
    /* entry types as written (up to 31 bytes) with their bib_type and
     * lower case, a slot per hash of length and three bytes: a file uses a
     * few types over and over, which then cost no table scan
     * (bt_map_type) nor lower-casing */
    struct bt_type_memo {
        char name[32], lower[32];
        size_t len; /* 0: empty */
        bib_type type;
        bool plike; /* bt_parent_like(lower) */
    } type_memo[BT_TYPE_MEMO];
    /* where the last undefined-macro warning was: an entry longer than the
     * window is parsed again from its start once the window has grown, and
     * a warning at or before this place was said by the first parse */
    size_t macro_line, macro_col;
} bt_reader;

/* ---- the entry parser (bt_lexer.c) -------------------------------------- */

enum { BT_NEED_MORE = 1 }; /* the entry runs past the window: ask for more */

typedef enum { BT_ENTRY, BT_STRING, BT_PREAMBLE, BT_COMMENT } bt_entry_kind;

/* One parsed entry; pointers into the window. */
typedef struct bt_parsed {
    bt_entry_kind kind;
    const char *type;
    size_t type_len;
    const char *key;
    size_t key_len;
    const char *raw; /* whole entry text, for directives */
    size_t raw_len;
    size_t line;
    bool opened; /* the '{' or '(' after the type was read */
} bt_parsed;

enum { BT_MAX_FORGIVEN = 4 };

/* Parse context over one window. */
typedef struct bt_pctx {
    bt_reader *r;
    const char *d;   /* window start */
    const char *p;   /* cursor */
    const char *end; /* window end */
    bool eof;        /* the window holds the rest of the input */
    size_t max_value; /* bib_input_max_value, asked once per entry */
    const char *err_at;
    char err[160];
    const char *field; /* name of the field being parsed (in the window) */
    size_t field_len;
    bool part_literal; /* the part just parsed went to the arena as it was written */
    /* the line ends (io.h's: "\n", "\r\n", a lone "\r") between c->d and
     * c->p, counted on every path of an entry or @string that steps over
     * one, so that the input does not count them again (bt_consume_entry);
     * not in the raw text of @preamble and @comment, which the reader
     * consumes counting */
    size_t lines;
    /* what the parser forgave (a missing comma, a stray delimiter), given
     * once the entry is parsed: a parse restarted on a larger window must
     * not warn twice */
    int nwarn;
    const char *warn_at[BT_MAX_FORGIVEN];
    char warn[BT_MAX_FORGIVEN][100];
} bt_pctx;

/* Parses the entry at c->p (an '@') into *out, its fields into r->fields
 * and r->arena (@string definitions into r->macros). Returns 0,
 * BT_NEED_MORE, BIB_EPARSE (c->err, c->err_at set) or BIB_ENOMEM. Brace
 * matching is a loop with a depth counter: linear, no recursion, whatever
 * the nesting. */
int bt_parse_entry(bt_pctx *c, bt_parsed *out);
/* After an error at `from` in window d[0..n): consumes up to the next '@'
 * that begins a line (or the whole window). */
void bt_resync(bt_reader *r, const char *d, size_t n, const char *from);
/* Consumes the first `used` bytes of the window of an entry parsed by
 * bt_parse_entry (BT_ENTRY or BT_STRING; used >= c->p - c->d, the bytes
 * past c->p blanks), with the line ends the parse counted. */
void bt_consume_entry(const bt_pctx *c, size_t used);

/* ---- the crosswalk (bt_crosswalk.c) ------------------------------------- */

/* Who uses a row: the reader (any .bib), and which writers emit it. */
enum {
    BT_RD = 1,       /* the reader knows this name */
    BT_WR_BIBTEX = 2,   /* the `bibtex` writer emits it */
    BT_WR_BIBLATEX = 4, /* the `biblatex` writer emits it */
    BT_WR = BT_WR_BIBTEX | BT_WR_BIBLATEX,
    BT_ALL = BT_RD | BT_WR
};

/* What the value is, which decides its conversion both ways. */
typedef enum bt_kind {
    BT_TEXT,  /* LaTeX <-> Unicode; a bare number keeps its bareness */
    BT_TITLE, /* rich text and {Protected} words as nocase spans */
    BT_VERB,  /* verbatim (URLs, identifiers) */
    BT_NAMES, /* BibTeX name list ("and") */
    BT_DATE,  /* ISO 8601 / EDTF */
    BT_RANGE, /* page ranges: '-' in CSL, '--' in BibTeX */
    BT_LIST   /* comma/semicolon list in, ", " out (keywords) */
} bt_kind;

/* A kept source text's tag (bib_record_set_source): the bt_kind the
 * reader read the value by, BT_SRC_ASCII when the text is ASCII and
 * BT_SRC_BIBLATEX when the biblatex reader read it (its commands, such as
 * \mkbibemph, are not classic LaTeX). */
enum { BT_SRC_ASCII = 0x100, BT_SRC_BIBLATEX = 0x200 };

/* The few fields that are not one CSL variable, handled by named code:
 * the reader's rules in bt_reader.c, the writer's in bt_writer.c. */
typedef enum bt_special {
    BT_PLAIN = 0,    /* one field, one variable */
    BT_SP_YEAR,      /* year: with month and day, the issued date */
    BT_SP_MONTHDAY,  /* month, day: parts of the issued date */
    BT_SP_NUMBER,    /* number: issue, collection-number or number by type */
    BT_SP_ORG,       /* school, institution, organization: the publisher
                        when the entry has none */
    BT_SP_FALLBACK,  /* numpages: the variable of another field, when the
                        entry lacks that field (pagetotal) */
    BT_SP_HOWPUB,    /* howpublished: the URL when it is only an address */
    BT_SP_ISSUED,    /* writer: the issued date as date or year/month/day */
    BT_SP_GENRE      /* writer: the genre as `type`, by entry type */
} bt_special;

/* Writer conditions on a row (all that are set must hold). */
enum {
    BT_IF_ARTICLE = 1,      /* the output entry type is @article */
    BT_IF_NOT_ARTICLE = 2,  /* ... is not @article */
    BT_IF_MANUAL = 4,       /* ... is @manual */
    BT_IF_NOT_MANUAL = 8,   /* ... is not @manual */
    BT_IF_THESIS = 16,      /* the CSL type is thesis */
    BT_IF_REPORT = 32,      /* the CSL type is report */
    BT_IF_NO_NUMBER = 64,   /* the record has no `number` variable */
    BT_IF_NOT_KEPT = 128    /* the source kept no field of this row's name
                               as an extra (then its own goes out) */
};

/* One row of the crosswalk. Reading: a field of `name` goes to `var` as
 * `kind` (or by `special`). Writing: the writer walks the rows by `order`
 * and emits `var` under `name` from the first row whose flavour, `when`
 * and name are free (a name once used is not used again for another
 * variable); order 0 rows are never written. */
typedef struct bt_row {
    const char *name;      /* lower case */
    unsigned char flavour; /* BT_RD | BT_WR_BIBTEX | BT_WR_BIBLATEX */
    bib_var var;           /* BIB_VAR_NONE: `special` decides */
    bt_kind kind;
    bt_special special;
    unsigned short when; /* BT_IF_* */
    unsigned char order; /* output position, 1 first; 0 not written */
} bt_row;

extern const bt_row bt_crosswalk[];
extern const size_t bt_crosswalk_rows;

/* The hash of a field name in the reader's index, computed by the lexer
 * as it copies the name eight bytes at a time: h = bt_name_hash_init(len),
 * then bt_name_hash_step for each word of eight lower-case bytes (the
 * last one padded with NUL bytes), then bt_name_hash_end. */
static inline uint64_t bt_name_hash_init(size_t len)
{
    return (uint64_t)len * 0x9E3779B97F4A7C15ull;
}

static inline uint64_t bt_name_hash_step(uint64_t h, uint64_t word)
{
    h = (h ^ word) * 0xFF51AFD7ED558CCDull;
    return h ^ (h >> 32);
}

static inline unsigned bt_name_hash_end(uint64_t h)
{
    return (unsigned)h;
}

/* The eight bytes of x with their ASCII capitals in lower case (the C
 * locale's tolower; other bytes as they are). */
static inline uint64_t bt_lower8(uint64_t x)
{
    const uint64_t low7 = 0x7F7F7F7F7F7F7F7Full, high = 0x8080808080808080ull;
    uint64_t h7 = x & low7;
    uint64_t from_a = h7 + 0x3F3F3F3F3F3F3F3Full; /* high bit: at least 'A' */
    uint64_t past_z = h7 + 0x2525252525252525ull; /* high bit: past 'Z' */
    return x | (((from_a ^ past_z) & ~x & high) >> 2);
}

/* Fills ix with the reader's hash index of the rows flagged BT_RD and of
 * the bt_known names. */
void bt_index_fields(bt_field_index *ix);
/* The index of bt_index_fields, built on the first call (any thread), the
 * same for the process's life. */
const bt_field_index *bt_field_index_shared(void);
/* The reader's row for the lower-case field name[0..len) (NUL-terminated
 * there) whose hash is `hash` (bt_name_hash_*) and first word `word0`, or NULL; *known gets the
 * name's bt_known (BT_K_NONE if none). */
const bt_row *bt_find_field(const bt_field_index *ix, const char *name, size_t len,
                            unsigned hash, uint64_t word0, unsigned char *known);
/* bt_find_field for each of an entry's fields f[0..n) (names in arena):
 * its row and bt_known; one call an entry, the look-up in line. */
void bt_find_fields(const bt_field_index *ix, bt_raw_field *f, size_t n, const char *arena);
/* The hash of name[0..len) as bt_find_field takes it. */
unsigned bt_name_hash(const char *name, size_t len);
/* The first eight bytes of name[0..len) as a word (memcpy order), NUL
 * bytes past its end: the lexer's first word of a lower-case name, which
 * bt_find_field compares before any byte. */
uint64_t bt_name_word0(const char *name, size_t len);
/* Fills idx (room for bt_crosswalk_rows) with the indexes of the rows the
 * writers emit (order > 0), by order (table order among equals). Returns
 * how many. */
size_t bt_write_order(unsigned short *idx);

/* The CSL type of a BibTeX entry type (any case); document if unknown. */
bib_type bt_map_type(const char *s, size_t n);
/* True when the entry type (any case) is one of classic BibTeX's. */
bool bt_type_classic(const char *s, size_t n);
/* An entry type the classic writer may note in `entrytype` beside the
 * classic type it writes, and the reader takes back from there: not one of
 * the classic types, at most BT_TYPE_NOTE_MAX bytes of letters, digits,
 * '-' and '_' (docs/bibtex.md, "Types classic BibTeX lacks"). */
enum { BT_TYPE_NOTE_MAX = 63 };
bool bt_type_note_ok(const char *s, size_t n);
/* The classic writer's notes of a link it leaves out: a `crossref` whose
 * parent is not in the output (BibTeX counts it an error) and an `xdata`
 * (classic BibTeX has no @xdata), written under these names, which styles
 * skip; the reader takes them back as the source's link, unresolved
 * (docs/bibtex.md, "Links classic BibTeX cannot hold"). */
#define BT_XREF_NOTE "crossref-omitted"
#define BT_XDATA_NOTE "xdata-omitted"
/* A BibLaTeX entry type's subtype note: the BibLaTeX writer writes a
 * source's @inbook without booktitle as @book with `entrysubtype =
 * {inbook}`; the reader takes it back as @inbook. */
#define BT_SUBTYPE_NOTE "inbook"
/* A byte the writer writes as '_' in a key, which the key's alias in
 * `ids` may hold (docs/bibtex.md, "Keys"): biber's ()' and "#=, which
 * every braced value holds and biber's `ids` list keeps. */
bool bt_alias_byte(unsigned char c);
/* True when `key` (kl bytes) is `alias` (al bytes) with each of the
 * alias's bt_alias_byte bytes written '_', at least one: the key the
 * writer made of an id it could not write, which it notes in `ids`. */
bool bt_key_of_alias(const char *key, size_t kl, const char *alias, size_t al);
/* The entry type a writer gives CSL type t (classic or BibLaTeX). */
const char *bt_out_type(bib_type t, bool biblatex);
/* BibLaTeX's localisation keys for `type` (phdthesis, mathesis,
 * techreport, resreport) on the CSL type they belong to: the genre words a
 * key stands for, or NULL when `key` is not one of t's keys. */
const char *bt_genre_words(bib_type t, const char *key);
/* The key for a genre that is a key of t or exactly its words ("PhD
 * thesis"); NULL otherwise (other spellings are the user's text, kept). */
const char *bt_genre_key(bib_type t, const char *genre);

/* ---- source text (bt_source.c) ----------------------------------------- */

/* True when text s[0..n) may be kept as a value's source text: no control
 * byte but a line break or a tab. *ascii: whether it is ASCII. */
bool bt_source_bytes_ok(const char *s, size_t n, bool *ascii);
/* True when s[0..n) holds a '\n' or a '\r' (memchr for either, in one
 * pass; sixteen bytes a step). */
bool bt_has_break(const char *s, size_t n);
/* True when s[0..n) is ASCII (sixteen bytes a step). */
bool bt_ascii(const char *s, size_t n);
/* True when the name list s[0..n) (NUL at s[n]) has none of the slips
 * BibTeX warns of: a name with more than two commas at brace level 0
 * (biber's `family=..., given=...` too), a comma that starts or ends a
 * name. */
bool bt_names_clean(const char *s, size_t n);

/* ---- crossref (bt_crossref.c) ------------------------------------------- */

/* Decides what to hand out after reading `rec` (taken): a child whose parent
 * is unknown is held (returns 2, *out NULL); otherwise returns 1 with *out
 * the next record (a parent releases its held children before itself).
 * type: rec's entry type, lower case (its entrytype extra), or NULL to look
 * it up. Negative on error (rec freed). */
int bt_crossref_step(bt_reader *r, bib_record *rec, const char *type, bib_record **out);
/* True when the lower-case entry type t is one a later entry may name as
 * its crossref or xdata parent (@book, @proceedings, @xdata...): such an
 * entry is kept (a clone) for children that come after it. */
bool bt_parent_like(const char *t);
/* Keeps `x` (taken) as a possible parent; bounded at BT_MAX_PARENTS. */
int bt_remember_parent(bt_reader *r, bib_record *x);
/* At end of input: the oldest held child (its parent never came), with a
 * warning; 0 when none is left. */
int bt_crossref_flush(bt_reader *r, bib_record **out);
/* Frees what the crossref state owns. */
void bt_crossref_free(bt_reader *r);

/* ---- reader (bt_reader.c) ----------------------------------------------- */

/* The record of a parsed entry (fields in r->fields). 0 or BIB_ENOMEM. */
int bt_build_record(bt_reader *r, const bt_parsed *pe, bib_record **out);
/* The entry just built (r->fields, r->arena, r->built; the caller knows
 * they still hold it: r->built.ok when the crossref step began) kept as a
 * block that bt_rebuild builds again, with `id` its record's id; NULL on
 * a failed allocation (the caller clones). */
bt_saved *bt_save_entry(const bt_reader *r, const char *id);
/* The record of a saved entry, as bt_build_record gave it when the entry
 * was read, without its warnings again; the reader's entry state (fields,
 * arena) is overwritten, its type and link note kept. 0 or BIB_ENOMEM. */
int bt_rebuild(bt_reader *r, const bt_saved *sv, bib_record **out);
/* A test's seam: true keeps every parent as a clone (test_bibtex.c ties
 * the saved way to it). */
extern bool bt_save_parents_off;
/* A `date` of the forms most are, "YYYY", "YYYY-MM" or "YYYY-MM-DD"
 * (years from 1, months 1..12, days 1..31), into *d as bib_date_parse
 * reads it (EDTF | WRITTEN), without its call: true when done (nothing in
 * *d to free), false for any other text. test_date_quick ties the two. */
bool bt_date_quick(bib_date *d, const char *v, size_t n);

#endif
