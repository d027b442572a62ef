/* SPDX-License-Identifier: MIT */
/*
 * convert_int.h - what convert.c (the handles and the one-thread loop) and
 * jobs.c (the same loop on several threads, -j) share: the handles' fields
 * and the constructors that open a handle for one piece of an input.
 *
 * Not for: anything installed (the handles are opaque in plugin.h).
 */
#ifndef BIBCONV_CONVERT_INT_H
#define BIBCONV_CONVERT_INT_H

#include "bibconv/convert.h"
#include "bibconv/keys.h"

typedef struct piece_log piece_log;

struct bib_reader {
    const bib_format_desc *fmt;
    bib_input *in;
    void *state;
    bool strict;
    bool open_called;
    const bib_options *opts; /* borrowed: the pieces' readers (-j) get them */
    bib_keyset *keys; /* the duplicate-key check of this input (lazy) */
    piece_log *log;   /* a piece's reader (-j): checks are logged, run later */
    /* borrowed (jobs.c, bib_convert_write_jobs): the writer the records
     * go to, whose key sets bib_reader_prefetch_key warms too (NULL: none) */
    const struct bib_writer *ahead;
    /* borrowed (jobs.c): the writer the records go to, for
     * bib_reader_keeps_source; a piece's reader (-j) gets its input's.
     * Read by worker threads: the writer's declarations, made in its
     * begin(), do not change while records are read. NULL: unknown */
    const struct bib_writer *dest;
};

/* The NUL bytes a piece's bytes must be followed by for
 * bib_input_open_piece. */
enum { BIB_PIECE_PAD = 16 };

/* An input over data[0..len), one piece of a larger input as
 * bib_input_set_piece makes it (line, offset), read where it lies: the
 * windows are data itself, never copied. data[len..len + BIB_PIECE_PAD)
 * must be NUL bytes, and data is the input's until bib_input_free, which
 * leaves it to the caller: the input may write into it (a line reader
 * ends its lines there). io.c; for jobs.c's pieces of a file. */
bib_input *bib_input_open_piece(char *data, size_t len, const char *name, bib_diag *diag,
                                size_t line, uint64_t offset);

/* bib_keyset_prefetch for the n sets exact[] (NULL entries skipped) and
 * for folded (NULL: none), which takes keys in ASCII lower case; the key
 * hashed once (keys.c). */
void bib_keyset_prefetch_sets(const bib_keyset *const *exact, size_t n,
                              const bib_keyset *folded, const char *key, size_t len);

/* What bib_writer_keyed did for the last record (a piece's writer, -j):
 * the key it must be settled with in input order. */
enum { WKEY_NONE = 0, WKEY_ID, WKEY_MADE };

struct bib_writer {
    const bib_format_desc *fmt;
    bib_output *out;
    void *state;
    bool ended;
    int end_rc;
    size_t written; /* records the writer took (directives it drops not) */
    bool piece;     /* writes one piece of the output on a worker (-j) */
    const bib_options *opts; /* borrowed: the pieces' writers (-j) get them */
    bib_keyset *keys; /* ids written so far (bib_writer_keyed; lazy) */
    /* borrowed: the plugin's own key sets (bib_writer_warm_keys) */
    const bib_keyset *warm_exact, *warm_folded;
    bib_buf key;      /* a made key; in a piece, the key to settle */
    int key_kind;     /* WKEY_*: in a piece, what the last write noted */
    /* dropped-field accounting (bib_writer_track_fields): the fields the
     * writer marked during the current write(), and per variable how many
     * entries lost it (NULL until the first loss) */
    bool track;
    unsigned char wrote[BIB_VAR_COUNT];
    size_t *dropped;
    /* the same for extras (dropped.c): the formats whose extras the writer
     * writes (borrowed), and the names lost (NULL until the first loss) */
    const char *carry[2];
    unsigned ncarry;
    struct xd_table *xdrop;
};

/* Whether wr was told to keep repeated ids (its option keys=keep, which
 * the command sets when it owns -O keys=): bib_writer_keyed. */
bool bib_writer_keeps_ids(const bib_writer *wr);

/* bib_reader_new for a piece's reader when log is not NULL. */
int bib_reader_new_logged(bib_reader **out, const bib_format_desc *fmt, bib_input *in,
                          const bib_options *opts, bool strict, piece_log *log);

/* bib_writer_new for a writer of one piece of the output (plugin.h,
 * BIB_WRITER_PIECES) when piece is true. */
int bib_writer_new_piece(bib_writer **out, const bib_format_desc *fmt, bib_output *output,
                         const bib_options *opts, bool piece);

/* dropped.c: after a tracked write() of an entry, notes the extras of
 * formats wr does not carry; at the end, warns once per name and frees
 * the table. */
void bib_writer_note_dropped_extras(bib_writer *wr, const bib_record *rec);
void bib_writer_report_dropped_extras(bib_writer *wr);

#endif /* BIBCONV_CONVERT_INT_H */
