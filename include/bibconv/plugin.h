/* SPDX-License-Identifier: MIT */
/*
 * plugin.h - the plugin ABI: what a format module exports and the calls
 * core makes into it. A module is a shared object exporting exactly one
 * symbol, `bib_plugin_module`, a constant bib_plugin_desc. It is plain data:
 * no plugin code runs when the module is loaded or listed.
 *
 * Not for: finding or loading modules (registry.h).
 *
 * Life cycle of a reader (the same shape for a writer):
 *     core allocates ops->state_size zeroed bytes (bib_reader_state)
 *     open(rd, in, opts)            once
 *     next(rd, &rec)                repeatedly while it returns 1
 *     close(rd)                     once, ALWAYS, even when open failed
 * next() returns 1 with a new record in *out (the caller owns it), 0 at the
 * end of input, or a negative bib_status after emitting a diagnostic. After
 * BIB_EPARSE the caller may call next() again: the reader must have
 * resynchronised at the next record (one bad record costs one record). Any
 * other negative value is fatal for that input. Core emits "reader failed
 * without a message (plugin bug)" when a plugin returns an error without
 * reporting one.
 *
 * A writer's write() borrows the record for the call only. begin/end
 * bracket the whole output; end() is called once even if begin failed.
 *
 * Ownership across the boundary: plugins create records with record.h
 * functions and never free() core objects; core never frees plugin memory.
 *
 * Any change to the structs below bumps BIB_PLUGIN_ABI_VERSION; the loader
 * requires an exact match.
 */
#ifndef BIBCONV_PLUGIN_H
#define BIBCONV_PLUGIN_H

#include "common.h"
#include "io.h"
#include "keys.h" /* bib_keyset, for bib_writer_warm_keys */
#include "options.h"
#include "record.h"

BIB_BEGIN_DECLS

#define BIB_PLUGIN_ABI_VERSION 2u

#if defined(__GNUC__) || defined(__clang__)
#define BIB_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define BIB_PLUGIN_EXPORT
#endif

/* Probe scores. A probe returns 0..100. */
enum {
    BIB_PROBE_NONE = 0,
    BIB_PROBE_WEAK = 25,      /* at or below: too weak to act on */
    BIB_PROBE_EXTENSION = 50, /* what a matching extension alone is worth */
    BIB_PROBE_LIKELY = 80,
    BIB_PROBE_MAX = 100
};

/* Confidence that `head` starts an input of this format. Pure: no
 * allocation, no diagnostics, no global state. `head` holds the first `len`
 * bytes (UTF-8 after BOM/UTF-16 handling) and is followed by at least 16
 * NUL bytes. `filename` may be NULL (stdin). */
typedef int (*bib_probe_fn)(const unsigned char *head, size_t len,
                            const char *filename);

typedef enum bib_option_kind {
    BIB_OPT_BOOL = 0,
    BIB_OPT_INT,
    BIB_OPT_STRING,
    BIB_OPT_CHOICE
} bib_option_kind;

/* One option a reader or writer understands. Tables end with an entry
 * whose name is NULL. */
typedef struct bib_option_spec {
    const char *name;         /* "compact" */
    bib_option_kind kind;
    const char *choices;      /* "lf,crlf" for CHOICE, else NULL */
    const char *default_text; /* shown by --help-format */
    const char *help;         /* one line */
} bib_option_spec;

/* Format flags. */
enum {
    /* the reader must see the whole input before yielding (not streaming) */
    BIB_FORMAT_WHOLE_INPUT = 1u << 0,
    /* the writer wants BIB_RECORD_DIRECTIVE records of its own module's
     * formats (BibTeX @preamble/@comment/@string); others never get them */
    BIB_WRITER_DIRECTIVES = 1u << 1,
    /* the reader may hold records back (crossref resolution); memory is
     * bounded by the held records, see the plugin's header comment */
    BIB_FORMAT_HOLDS_RECORDS = 1u << 2,
    /* the writer can write pieces of the output on worker threads (-j):
     * when bib_writer_is_piece(wr), begin() and end() write nothing and
     * each record is written as it would be after an earlier record; the
     * bytes of a record depend on nothing but the record, the options and
     * the key bib_writer_keyed gives it (the keys are settled later, in
     * input order, and a record whose key was taken is written again by
     * the run's writer) */
    BIB_WRITER_PIECES = 1u << 3
};

/* Flags a split function sets (bib_split_fn). */
enum {
    /* the input holds something that ties records together (BibTeX
     * @string, crossref, @xdata): it is read whole by one reader */
    BIB_SPLIT_SERIAL = 1u << 0
};

/* Finds a record boundary for reading with several threads (-j): the input
 * is cut into pieces, each read by its own reader, and a cut is right only
 * where readers opened on the two sides alone yield the same records and
 * diagnostics as one reader of the whole input. `data[0..len)` starts at a
 * boundary (the input's start or an earlier cut) and is followed by 16 NUL
 * bytes; `len` reaches the end of the input or of what core lets it see
 * (a few MiB). Returns the first boundary at or after `want`
 * (0 < want <= len) whose place is certain from data[0..len), or `len`
 * when there is none. Sets
 * BIB_SPLIT_* bits in *flags for what data[0..returned) holds. Pure: no
 * allocation, no diagnostics, no global state (it runs on any thread). A
 * boundary must start a line (core counts lines up to it). */
typedef size_t (*bib_split_fn)(const char *data, size_t len, size_t want,
                               unsigned *flags);

typedef struct bib_reader_ops {
    size_t state_size; /* core allocates this many zeroed bytes */
    int (*open)(bib_reader *rd, bib_input *in, const bib_options *opts);
    int (*next)(bib_reader *rd, bib_record **out);
    void (*close)(bib_reader *rd);
    const bib_option_spec *options; /* NULL when none */
    /* NULL: the input is read by one thread. A reader with a split
     * function must keep nothing from one record to the next that a
     * reader of a later piece would miss, except what it reports as
     * BIB_SPLIT_SERIAL, and checks duplicate keys through
     * bib_reader_note_key (the check then runs in input order) */
    bib_split_fn split;
} bib_reader_ops;

/* What write() returns for a record it took but deliberately left out of
 * the output (a directive the format has no place for), having reported
 * why: the run's summary does not count it as written. 0 is written; a
 * negative value is an error. */
#define BIB_WRITE_LEFT_OUT 1

typedef struct bib_writer_ops {
    size_t state_size;
    int (*begin)(bib_writer *wr, bib_output *out, const bib_options *opts);
    int (*write)(bib_writer *wr, const bib_record *rec);
    int (*end)(bib_writer *wr);
    const bib_option_spec *options;
} bib_writer_ops;

typedef struct bib_format_desc {
    const char *name;        /* [a-z0-9][a-z0-9-]*, unique across modules */
    const char *description; /* one line for --list-formats */
    const char *extensions;  /* "bib" or "json,csljson": no dots; or NULL */
    const char *mime;        /* NULL when there is none */
    unsigned flags;          /* BIB_FORMAT_* */
    bib_probe_fn probe;      /* NULL: detected by extension only */
    const bib_reader_ops *reader; /* NULL: write-only */
    const bib_writer_ops *writer; /* NULL: read-only */
} bib_format_desc;

typedef struct bib_plugin_desc {
    unsigned abi_version;                  /* FIRST member, for ever */
    const char *module_name;               /* equals the file stem */
    const bib_format_desc *const *formats; /* NULL-terminated, 1..32 */
} bib_plugin_desc;

/* ---- calls a plugin makes on its handles ------------------------------ */

/* The zeroed state block of state_size bytes (NULL when state_size is 0);
 * owned by core, freed after close/end. */
BIB_API void *bib_reader_state(bib_reader *rd);
BIB_API void *bib_writer_state(bib_writer *wr);

/* The format this handle was opened for (lets one set of ops serve
 * sibling formats such as bibtex/biblatex). */
BIB_API const bib_format_desc *bib_reader_format(const bib_reader *rd);
BIB_API const bib_format_desc *bib_writer_format(const bib_writer *wr);

/* The input/output of the handle (borrowed). */
BIB_API bib_input *bib_reader_input(const bib_reader *rd);
BIB_API bib_output *bib_writer_output(const bib_writer *wr);

/* True when wr writes one piece of the output (BIB_WRITER_PIECES). */
BIB_API bool bib_writer_is_piece(const bib_writer *wr);

/* The record to write for rec, keyed across the output: an entry with an
 * id no earlier entry had is rec itself (the id noted as used); one without
 * gets a view with a key unique among the ids this output has had
 * (bib_key_unique), and one whose id was had already the same with its id
 * and a suffix ("dup" -> "dupa", as the BibTeX writers do; warned), unless
 * wr's option keys is "keep" (the command's -O keys=); in *owned (free it
 * after the write; NULL when none); not an entry: rec.
 * Returns 0, BIB_ENOMEM, or BIB_EIO (the key set's temporary file). A
 * writer with BIB_WRITER_PIECES keys records through this call only. */
BIB_API int bib_writer_keyed(bib_writer *wr, const bib_record *rec,
                             const bib_record **keyed, bib_record **owned);

/* Dropped fields. A writer that calls bib_writer_track_fields in begin()
 * marks, during each write(), every variable of the entry it wrote (or
 * folded into another: a page count written as a page) with
 * bib_writer_wrote, as it walks its crosswalk table. Core counts every
 * other field of the entry as dropped: an info line per record (shown
 * under --verbose) and, before end(), one warning per variable with the
 * number of records that lost it (docs/bibconv.1, DIAGNOSTICS). A writer
 * that does not track reports nothing. */
BIB_API void bib_writer_track_fields(bib_writer *wr);
BIB_API void bib_writer_wrote(bib_writer *wr, bib_var var);

/* Extras (record.h) are counted the same way: a tracking writer declares
 * in begin() each extras format it writes back (its own: "bibtex" for the
 * bibtex and biblatex writers), at most two; core reports every extra of
 * an entry in another format as a dropped field of that format and name
 * ("bibtex field 'groups' not written in 3 records"), a name once per
 * record. Extras that name the source's entry type (bibtex `entrytype`,
 * RIS `TY`) restate the record's type and are not counted. `format` is
 * borrowed: a string that lives as long as the writer (a literal). */
BIB_API void bib_writer_carries_extras(bib_writer *wr, const char *format);

/* Whether a reader should keep its values' source texts (record.h,
 * bib_record_set_source) for `format`: false when the records go to a
 * writer known not to write that format's extras back (one that does,
 * bib_writer_carries_extras, is that format's own writer, which may write
 * a source text back); true when they do or the writer is not known. The
 * texts cost time and memory, and only such a writer reads them. Ask it
 * when reading (next()), not in open(): the conversion names the writer
 * after the reader is opened. */
BIB_API bool bib_reader_keeps_source(const bib_reader *rd, const char *format);

/* True when the run is --strict (readers may then treat anomalies they
 * would only warn about as errors). */
BIB_API bool bib_reader_is_strict(const bib_reader *rd);

/* The duplicate-key check across one input, for readers whose format has
 * keys: notes `key` (len bytes) of the entry at `line` and warns
 * "duplicate key 'KEY': both entries kept" at line:1 when an earlier entry
 * of the same input had it. When the input is read in pieces by several
 * threads (-j) the check runs later, in input order, with the message in
 * the place it has in a one-thread run. */
BIB_API void bib_reader_note_key(bib_reader *rd, const char *key, size_t len,
                                 size_t line);
/* A hint, no effect on results: `key` (len bytes, borrowed) will be noted
 * soon, or is the id of the record being read (a reader without keys
 * calls it with the id); its place in the key set is fetched into the
 * cache meanwhile (a random probe of a large set otherwise stalls on
 * memory), and in a one-thread run its place in the writer's id sets too
 * (bib_writer_keyed's, and those of bib_writer_warm_keys). */
BIB_API void bib_reader_prefetch_key(const bib_reader *rd, const char *key, size_t len);

/* A hint, no effect on results: the writer's own key sets, which take a
 * record's id as it is (`exact`) or in ASCII lower case (`folded`); the
 * readers' bib_reader_prefetch_key warms their slots for the record
 * about to be written. Either may be NULL; both are borrowed until the
 * next call (call it with two NULLs before freeing them). */
BIB_API void bib_writer_warm_keys(bib_writer *wr, const bib_keyset *exact,
                                  const bib_keyset *folded);

BIB_END_DECLS

#endif /* BIBCONV_PLUGIN_H */
