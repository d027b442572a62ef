/* SPDX-License-Identifier: MIT */
/*
 * bt_writer_int.h - the bibtex writer's state, shared by bt_writer.c (what
 * goes into an entry) and bt_emit.c (how the collected fields are laid
 * out and written). Not for other files.
 */
#ifndef BT_WRITER_INT_H
#define BT_WRITER_INT_H

#include <stdint.h>

#include "bibconv/keys.h"
#include "btfmt.h"

enum { MAX_OUT_FIELDS = 128, MAX_ROWS = 128, BT_WR_HELD = 64 };
enum { VISIT_WORDS = (MAX_ROWS + 63) / 64 }; /* a set of row positions */
enum { BIG_VALUE = 1 << 20 }; /* a converted value this long keeps its own buffer */
enum { DIRECT_MAX = 1 << 14 }; /* put_text converts a value below this straight into vals */
enum { EMIT_CHUNK = 1 << 16 }; /* an entry is put together up to this, then written */

typedef struct bt_writer {
    bib_output *out;
    bool biblatex;
    bool ascii;
    /* the format to ask the record being written for source texts by
     * (bib_field_source): the record's own copy of "bibtex" when that is
     * its source texts' format, which is then compared as a pointer, not
     * a string, at each field; "bibtex" when it is another; NULL when the
     * record holds none */
    const char *rec_src;
    int keys; /* 0 auto, 1 keep, 2 regenerate */
    bib_keyset *used;
    bib_keyset *macros; /* @string names written so far (lower case) */
    bib_keyset *folded; /* classic: the keys written, lower-cased */
    bib_buf fold;
    bib_buf val, key;
    /* the key of the entry being written: key.data, or the record's id
     * itself (or `safe`) when that goes out unchanged, so that a huge id
     * is not held twice */
    const char *keyp;
    bib_buf safe; /* an id with bytes a key cannot hold, '_' for each */
    size_t nolatex;
    bool type_note; /* classic: the source's entry type goes out as `entrytype` */
    /* classic: type_note_of's answer for a record without a source type,
     * per CSL type, and the entry type (a static string) it was for */
    struct {
        const char *type, *note;
    } tnote[BIB_TYPE_COUNT];
    /* what the type table says of an entry type name (bt_map_type,
     * bt_type_classic, bt_type_note_ok: a scan of the table each), per
     * name seen, in slots by length and first byte; a name too long for
     * a slot is answered in `tlong` */
    struct bt_tinfo {
        char name[23];
        unsigned char len; /* 0: slot free */
        bib_type map;
        bool classic, note_ok;
    } tcache[32], tlong;
    const char *encoded_verb; /* a verbatim field whose braces were percent-encoded */
    const char *clash[8]; /* kept fields whose name another value took ... */
    size_t nclash;        /* ... and how many (reported in report_losses) */
    unsigned short order[MAX_ROWS]; /* crosswalk rows in output order */
    size_t norder;
    size_t nbig; /* how many of the collected fields hold a long value (`big`) */
    bool keybad[256]; /* bad_key_byte of each byte, for the writer's flavour */
    /* collected fields of the record being written */
    struct {
        const char *name;
        size_t nlen; /* strlen(name), taken once */
        size_t off, len;
        bool bare;
        char *big; /* owned: a long value kept apart from vals (put_text) */
        const char *ext; /* borrowed from the record being written: a source
                            text, not copied (put_source) */
    } f[MAX_OUT_FIELDS];
    size_t nf;
    bib_buf vals;
    bib_buf ebuf; /* the entry being emitted, up to EMIT_CHUNK bytes */
    bib_buf pages; /* put_text's scratch for a page range */
    bool written[BIB_VAR_COUNT]; /* variables already put for this record */
    unsigned char name_id[MAX_ROWS]; /* per row: the first row of its name */
    /* the positions in `order` of the rows put_rows must visit for
     * variable v, as a set (bit k: position k), so that a record's set is
     * an OR per field; smask: the special rows (issued, genre), visited
     * for every record */
    uint64_t vmask[BIB_VAR_COUNT][VISIT_WORDS], smask[VISIT_WORDS];
    /* the variables of the record being written, in field order (one
     * field per variable: at most BIB_VAR_COUNT), and how many */
    bib_var fvars[BIB_VAR_COUNT];
    size_t nfvars;
    bool taken[MAX_ROWS];            /* per name_id: used by a variable */
    size_t row_nlen[MAX_ROWS];       /* per crosswalk row: strlen of its name */
    bool renames[MAX_ROWS]; /* per crosswalk row: row_out_name may rename it */
    /* BIB_FIELD_INHERITED while a crossref parent is still to come (the
     * child leaves inherited fields to it); 0 once the parent is written:
     * BibTeX only inherits from a parent that comes later */
    unsigned skip_inherited;
    /* classic BibTeX: children whose crossref parent is not written yet,
     * held (owned clones) until it comes, to go out right before it; at
     * the end, those whose parent never came go out without crossref,
     * which BibTeX would count an error (a bad cross reference) */
    bib_record *held[BT_WR_HELD];
    size_t nheld;
    bool drop_xref; /* the entry being written leaves its crossref out */
    bool drop_xdata; /* classic: the entry being written names an @xdata */
} bt_writer;

/* The value of collected field i (borrowed from w: valid until the fields
 * are dropped). */
const char *bt_out_val(const bt_writer *w, size_t i);

/* Frees the long values of the collected fields and forgets the fields. */
void bt_drop_fields(bt_writer *w);

/* The collected fields as one entry, '=' aligned, written to w->out; the
 * fields are dropped. 0, BIB_ENOMEM or the output's error. */
int bt_emit(bt_writer *w, const char *type);

/* A directive record (bt_write_dir.c): 0, BIB_WRITE_LEFT_OUT (an @xdata
 * in classic BibTeX), BIB_ENOMEM or the output's error. */
int bt_write_directive(bt_writer *w, const bib_record *rec);

#endif
