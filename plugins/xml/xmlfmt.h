/* SPDX-License-Identifier: MIT */
/*
 * xmlfmt.h - what the files of the xml module share: the crosswalk row
 * type both formats' tables use (xml_endnote.c, xml_mods.c), the record
 * walker and the text/security helpers of the reader (xml_read.c; path
 * compiling and the plain kinds in xml_map.c), the
 * element writer (xml_write.c), and the probes (xml.c).
 *
 * One table per format, read by both directions (docs/xml.md, "The
 * crosswalk"). A row names an element by its path below the record
 * element, steps separated by '/'; a step may carry one attribute test,
 * "detail@type=volume" (the attribute equals the value) or "titleInfo@type="
 * (the element has no such attribute). The reader maps each element of a
 * record through the first row whose path matches it and whose read
 * condition holds; an element no row takes is kept as an extra under its
 * path (when it has text). The writer walks the rows in table order, which
 * is the output order, and writes the rows whose write condition holds;
 * consecutive rows that share leading steps share those elements.
 *
 * Not for: anything outside plugins/xml (hidden visibility; only
 * bib_plugin_module is exported).
 */
#ifndef BIBCONV_XMLFMT_H
#define BIBCONV_XMLFMT_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/tree.h> /* xmlElementType's values name the node kinds */

#include "bibconv/plugin.h"
#include "bibconv/text.h"

extern const bib_reader_ops xml_endnote_reader_ops;
extern const bib_writer_ops xml_endnote_writer_ops;
extern const bib_reader_ops xml_mods_reader_ops;
extern const bib_writer_ops xml_mods_writer_ops;

/* Probes (xml.c). */
int xml_probe_endnote(const unsigned char *h, size_t len, const char *fn);
int xml_probe_mods(const unsigned char *h, size_t len, const char *fn);

/* ---- the crosswalk row ---------------------------------------------------- */

/* How a row's element is read and written. */
typedef enum xml_kind {
    XK_TEXT = 0,  /* text of the element: one value (a repeat is an extra) */
    XK_LIST,      /* text of the element: one more value (keywords, URLs) */
    XK_DOI,       /* a DOI, resolver prefix removed */
    XK_DATE,      /* a date in any form bib_date_parse reads */
    XK_NAME,      /* EndNote: "Family, Given" text; a literal ends in ',' */
    XK_MNAME,     /* MODS <name>: nameParts and role; the role picks the variable */
    XK_TITLE,     /* MODS <titleInfo>: nonSort, title, subTitle */
    XK_PAGES,     /* MODS <extent unit="page">: start/end or list */
    XK_TYPE,      /* the record's type (EndNote ref-type, MODS genre) */
    XK_YEAR,      /* EndNote dates/year: the year of issued */
    XK_PUBDATE,   /* EndNote dates/pub-dates/date: the rest of issued */
    XK_ISSUANCE,  /* MODS originInfo/issuance: a type hint */
    XK_ID,        /* the record id */
    XK_SKIP,      /* bookkeeping of the source program: dropped */
    XK_DROP       /* no place in the record: dropped with a warning (xml_drop) */
} xml_kind;

/* Type classes: the meaning of some elements depends on the type of the
 * record (EndNote's secondary-title is a journal in an article and a
 * series in a book). A row applies when its mask meets the class. */
enum {
    XC_SERIAL = 1u << 0, /* articles in journals, magazines, newspapers */
    XC_PART = 1u << 1,   /* chapters, papers in proceedings, entries */
    XC_WHOLE = 1u << 2,  /* books, reports, theses, everything else */
    XC_EDITED = 1u << 3, /* an edited book: its editors are its authors */
    XC_ALL = 15u,
    XC_NONE = 0u
};

/* Directions. */
enum { XD_RD = 1u, XD_WR = 2u, XD_BOTH = 3u };

/* Where a MODS name sits; picks the variable a role maps to. */
enum { XN_TOP = 0, XN_HOST = 1, XN_SERIES = 2 };

typedef struct xml_row {
    const char *path;
    bib_var var;
    xml_kind kind;
    unsigned when; /* XC_* classes the row applies to */
    unsigned dir;  /* XD_* */
    int ctx;       /* XK_MNAME: XN_*; otherwise 0 */
} xml_row;

/* One step of a compiled path. */
typedef struct xml_step {
    char name[40];
    char attr[16];  /* "" when the step tests no attribute */
    char value[32]; /* "" with attr set: the attribute must be absent */
} xml_step;

enum { XML_MAX_STEPS = 6 };

typedef struct xml_cpath {
    xml_step step[XML_MAX_STEPS];
    int n;
} xml_cpath;

/* One format: its table, record element and the hooks the shared walker
 * calls. */
typedef struct xml_dialect {
    const char *format;      /* "endnotexml": extras are kept under it */
    const char *record_name; /* "record", "mods" */
    const xml_row *rows;
    size_t nrows;
    const xml_cpath *paths;  /* rows[i]'s compiled path (xml_compile_paths) */
} xml_dialect;

/* Compiles every row path of a table into `out` (nrows entries). Returns
 * 0, or -1 when a path is malformed (a table bug; the tests check). */
int xml_compile_paths(const xml_row *rows, size_t nrows, xml_cpath *out);
/* Compiles one path (an extra's name); 0 or -1. */
int xml_compile_one(const char *path, xml_cpath *out);
/* The class of a CSL type for the writers (docs/xml.md). */
unsigned xml_type_class(bib_type t);

/* True when rec holds nothing a writer of format fmt puts out through rows
 * (those with XD_WR for class cls) or its extras, and id_out is false: such a
 * record alone reads back as an empty record, which readers skip with an
 * error, so the writers refuse it instead (xml_refuse_empty), as the RIS
 * and tagged writers do. */
bool xml_writes_nothing(const bib_record *rec, const xml_row *rows, size_t nrows,
                        unsigned cls, const char *fmt, bool id_out);
/* Whether text s leaves something in an element: XML holds no control
 * character, and blanks alone read back as nothing (the rule of
 * bib_record_holds for text). NULL: false. */
bool xml_text_holds(const char *s);
/* The text of a date for an element: its EDTF form, else (no year, no
 * literal) the source's text when it is not blank, into b; false when
 * there is none. */
bool xml_date_text(bib_buf *b, const bib_date *d);
/* Reports that rec holds nothing `what` can hold; returns BIB_EPARSE. */
int xml_refuse_empty(bib_output *out, const bib_record *rec, const char *what);

/* ---- reading -------------------------------------------------------------- */

/* One node of a record's tree, built by the reader's own SAX handlers
 * (xml_read.c) rather than libxml2's tree builder, whose text nodes stop
 * at 10,000,000 bytes: elements, texts (adjacent text and CDATA merged)
 * and entity references; comments and processing instructions are not
 * kept. Owned by the reader; the builders borrow it for one record. */
typedef struct xml_attrib {
    const char *name; /* local name (prefix:local when the prefix is unbound) */
    char *value;      /* as libxml2's tree would give its first text */
} xml_attrib;

typedef struct xml_node xml_node;
struct xml_node {
    xml_node *parent, *children, *last, *next;
    xmlElementType type; /* XML_ELEMENT_NODE, XML_TEXT_NODE, XML_ENTITY_REF_NODE */
    const char *name;    /* element or entity name; NULL for a text */
    size_t line;         /* of the start tag */
    xml_attrib *attrs;
    size_t nattrs;
    /* a text: content[0..len), NUL-terminated, from malloc */
    char *content;
    size_t len, cap;
    /* a text given to the record (xml_read.c, keep_text): the record owns
     * content, trimmed in place; the blanks cut off are pre[0..npre) and,
     * after content[len], tail0 then content[len + 1..full) */
    bool lent;
    char *pre;
    size_t npre, full;
    char tail0;
};

/* The state the per-format record builders share with the walker. */
typedef struct xml_stream xml_stream;

typedef struct xml_rec {
    bib_record *rec;
    bib_input *in;
    xml_stream *stream;  /* the run's, for the dropped-element counts */
    xml_node **stack;    /* the walk's path to the element a row took ... */
    int depth;           /* ... stack[depth - 1] (xml_drop) */
    const xml_dialect *d;
    unsigned cls;        /* XC_* class of the record (its type) */
    bib_buf text;        /* scratch for element text */
    xml_node *text_node; /* the node the last xml_text read whole, or NULL */
    bib_buf scratch;
    bool too_long;       /* a text past the value bound: record dropped */
    bool entity_seen;    /* an entity reference was kept literally */
    size_t line;         /* line of the record element */
    /* EndNote dates: year and pub-date, combined after the walk */
    char *year, *pubdate;
    /* MODS type hints */
    char *genre, *host_genre;
    bool host_continuing, host_monographic, monographic, has_host;
    bool degree_grantor;
    bool grantor_is_publisher; /* the publisher variable holds a grantor */
} xml_rec;

/* The text of node `n` and its descendants, trimmed of surrounding
 * blanks: text and CDATA as is, an entity reference literally as "&name;"
 * (noted in r->entity_seen). Checks the value bound. Borrowed: in r->text,
 * or in the tree when n holds one text without a line end; valid until
 * the next xml_text call. */
const char *xml_text(xml_rec *r, xml_node *n, size_t *len);

/* Gives a long text s[0..len), just returned by xml_text, to the record
 * (bib_record_adopt): its setters, handed the returned pointer and len,
 * keep it without a copy. Returns the text to hand on (s itself when
 * short), NULL when out of memory (xml_read.c). */
const char *xml_keep(xml_rec *r, const char *s, size_t len);

/* Text of the first child element named `name` of n (NULL when none). The
 * returned text is in r->text, valid until the next xml_text call. */
const char *xml_child_text(xml_rec *r, xml_node *n, const char *name, size_t *len);

/* Value of attribute `name` of element n, or NULL (borrowed from the
 * tree). */
const char *xml_attr(xml_node *n, const char *name);

/* Reports at the line of node n. */
void xml_report(xml_rec *r, xml_node *n, bib_severity sev, const char *fmt, ...)
    BIB_PRINTF(4, 5);

/* Notes that element n, the one a row took or one of its descendants,
 * is not read, because the record has no place for it: each element with
 * text below it (n itself when it has no child element) is named by its
 * path, in an info line for this record and in one warning per path at
 * the end of the run with the number of records (as the writers report
 * dropped fields). Returns 0 or BIB_ENOMEM. */
int xml_drop(xml_rec *r, xml_node *n);

/* Walks the children of the record element through the dialect's table,
 * calling `map` for each element a row takes and keeping the others as
 * extras. Returns 0 or BIB_ENOMEM. */
typedef int (*xml_map_fn)(xml_rec *r, const xml_row *row, xml_node *n);
int xml_walk(xml_rec *r, xml_node *record, xml_map_fn map);

/* The generic handling of the plain kinds (TEXT, LIST, DOI, DATE, ID);
 * returns 1 when the kind is not one of them. */
int xml_map_plain(xml_rec *r, const xml_row *row, xml_node *n);

/* The streaming reader shared by both formats: runs libxml2's push
 * parser over the bib_input with the safe options and its own SAX
 * handlers, which build each record element's tree and hand it to
 * `build`. */
typedef int (*xml_build_fn)(xml_rec *r, xml_node *record);

typedef struct xml_reader_state {
    xml_stream *s;
} xml_reader_state;

int xml_stream_open(bib_reader *rd, bib_input *in, const xml_dialect *d,
                    xml_build_fn build, const char *const *roots);
int xml_stream_next(bib_reader *rd, bib_record **out);
void xml_stream_close(bib_reader *rd);

/* ---- writing -------------------------------------------------------------- */

typedef struct xml_out xml_out;

typedef struct xml_writer_state {
    xml_out *o;
} xml_writer_state;

/* Starts writing XML to the bib_output (xml_write.c). NULL: no memory. */
xml_out *xml_out_new(bib_output *out);
/* The XML declaration, first. */
void xml_out_start_document(xml_out *o);
/* With `ok`, closes what is open, ends the document and flushes; frees.
 * Returns 0, BIB_ENOMEM or BIB_EIO (not reported). */
int xml_out_finish(xml_out *o, bool ok);
/* Writes what o holds to the bib_output (after each record, so memory
 * holds one record); nothing once o has failed. */
void xml_out_flush(xml_out *o);

/* Opens the elements of path `p` below those already open, sharing the
 * leading steps that are the same (see the header comment); `keep` is the
 * number of steps of p to open (the last ones stay for the caller). */
void xml_out_open_path(xml_out *o, const xml_cpath *p, int keep);
/* Closes every element opened by xml_out_open_path. */
void xml_out_close_all(xml_out *o);
/* Writes <step>text</step> (attribute included); text is made safe for
 * XML (C0 controls other than tab and line ends dropped, counted). */
void xml_out_leaf(xml_out *o, const xml_step *st, const char *text, size_t len);
void xml_out_start(xml_out *o, const char *name);
void xml_out_attr(xml_out *o, const char *name, const char *value);
void xml_out_text(xml_out *o, const char *text, size_t len);
void xml_out_end(xml_out *o);
/* Number of control characters dropped so far (the writer warns once). */
size_t xml_out_dropped(const xml_out *o);
/* True once a buffer of o failed (out of memory) or the output did: what
 * was written since is incomplete. */
bool xml_out_failed(const xml_out *o);
/* The end of a record: flushes it unless o or the writer's `scratch`
 * buffer has failed (the record is then incomplete). Returns the output's
 * error, else BIB_ENOMEM (reported) when one has failed, else 0. */
int xml_out_record_done(xml_out *o, bib_output *out, const bib_buf *scratch);
/* For a writer's begin that could not start the document: frees *o, sets
 * it NULL, reports and returns BIB_ENOMEM. */
int xml_out_begin_failed(xml_out **o);

/* The end of a writer's run, shared by both formats: the warning for
 * dropped control characters, then xml_out_finish (`ok` as there) and a
 * final newline on `out`. `o` may be NULL (nothing was begun): returns 0. */
int xml_out_end_run(xml_out *o, bool ok, bib_output *out);

/* Text of a record variable for writing: plain text (rich markup
 * stripped into `b`; the record's own text when there is none to strip,
 * so that a huge value is not copied), its length in *len. NULL when the
 * record has no such text. */
const char *xml_var_plain(const bib_record *rec, bib_var var, size_t i, bib_buf *b,
                          size_t *len);

#endif /* BIBCONV_XMLFMT_H */
