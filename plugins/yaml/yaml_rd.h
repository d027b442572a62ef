/* SPDX-License-Identifier: MIT */
/*
 * yaml_rd.h - what the files of the CSL-YAML reader share: its state, and
 * the functions yaml_plain.c (items straight from events, scalar typing),
 * yaml_fast.c (the reader's own item scanner) and yaml_reader.c (the
 * stream, libyaml's events, the jansson builder) call in each other.
 * Private to plugins/yaml.
 */
#ifndef BIBCONV_YAML_RD_H
#define BIBCONV_YAML_RD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>
#include <yaml.h>

#include "cslitem.h"
#include "bibconv/plugin.h"

enum {
    MAX_DEPTH = 64,                 /* nesting levels from the document root */
    MAX_NODES = 100000,             /* nodes per item, aliases expanded */
    MAX_ANCHORS = 4096              /* anchors kept (oldest dropped) */
};

typedef enum {
    ST_START,    /* no parser yet */
    ST_DOC,      /* expecting a document start or the stream end */
    ST_ROOT,     /* expecting the root node of a document */
    ST_TOPMAP,   /* inside the root mapping, expecting a key */
    ST_ITEMS,    /* inside the sequence of items */
    ST_DOC_END,  /* expecting the end of a document */
    ST_END
} rd_state;

typedef enum { ABORT_NONE, ABORT_IO, ABORT_BOUND } abort_kind;

typedef struct anchor {
    char *name;
    json_t *value;
    size_t nodes; /* nodes an alias to it produces */
} anchor;

typedef struct yaml_reader {
    bib_input *in;
    yaml_parser_t parser;
    bool live;         /* parser initialised */
    size_t fed;        /* window bytes handed to libyaml past the consumed point */
    size_t fed_at_event;
    size_t released;   /* bytes consumed since the parser started */
    size_t item_cut;   /* ... of them inside the current item (release_held) */
    abort_kind abort;
    size_t line_base;  /* absolute 0-based line of the parser's first byte */
    size_t cons_line;  /* absolute 0-based line of the consumed point */
    rd_state st;
    int docs;          /* documents started so far */
    int docs_done;     /* ... and ended */
    bool items_in_map; /* the items sequence sits under `references:` */
    bool seq_block;    /* ... and is a block sequence (recovery possible) */
    size_t seq_col;    /* its column (0-based) */
    bool recovered;    /* current parser started after a recovery */
    bool broken;       /* the parser stopped on an error */
    bool quiet;        /* ... in a Markdown body: not an error */
    bool item_bad;     /* an error was reported inside the current item */
    size_t errors;     /* errors reported inside nodes, ever */
    bool bomb_reported;
    size_t nodes;      /* nodes of the current item */
    anchor *anchors;   /* ring of MAX_ANCHORS */
    size_t nanchors, anchor_head;
    size_t fixes;      /* bytes removed or replaced by sanitize */
    bool fix_seen;     /* ... and the input offset of the last one */
    uint64_t fix_last;
    /* the current item's events, recorded by record_item; get_event hands
     * out evs[replay..replay_end) before asking the parser (a taken slot is
     * zeroed: its event belongs to the taker) */
    yaml_event_t *evs;
    size_t *ends;      /* per event: the index just past its node */
    size_t nev, evcap, replay, replay_end;
    bool pending_fail; /* the parser failed right after the recorded events */
    bib_buf tmp, key;  /* scratch of cslitem_read_member */
    /* yaml_fast.c: evs made by its scanner (scalar text in fbuf, not
     * malloc'd); what the resume prefix repeats of the document (root
     * mapping, items sequence: columns and absolute 1-based lines) */
    bool fast_evs;
    bib_buf fbuf;
    bool doc_directives; /* the document has %YAML or %TAG */
    bool root_block;
    size_t root_col, root_line, seq_line;
    char pre[160];     /* the prefix libyaml reads before the input */
    size_t pre_len, pre_pos;
    size_t pre_lines;  /* its lines, whose marks stand for pre_abs[] */
    size_t pre_abs[2];
    /* the last fast item's bytes and lines, past the consumed point (it
     * stays at the item's first line, as release_to_line leaves it) */
    size_t fast_skip, fast_skip_lines;
    /* yamlrd_fast_peek's back-off: items libyaml starts that are left to
     * it untried, and the scanner's declines there in a row */
    size_t peek_wait, peek_misses;
} yaml_reader;

/* yaml_reader.c */

/* Next event: the recorded ones first (see evs), then the parser's. 0
 * with *ev (yaml_event_delete it), or BIB_EPARSE after the report. */
int yamlrd_get_event(yaml_reader *r, yaml_event_t *ev);

/* Undoes pandoc's Markdown escapes in a scalar event's text, in place: a
 * backslash before ASCII punctuation is that character (`\$` is `$`), as
 * pandoc reads CSL-YAML text (docs/yaml.md). A plain scalar so changed is
 * marked single-quoted, so that it stays text (`\-1` is not a number).
 * Any other event is left alone. */
void yamlrd_unescape(yaml_event_t *e);
/* The jansson value of the node whose first event is *ev (taken over). */
int yamlrd_build_node(yaml_reader *r, yaml_event_t *ev, int depth, json_t **out,
                      size_t *nodes);

/* The end of reading an item once the record is made (rc 0, *out) or
 * refused: 1 with *out, or the status (reported). */
int yamlrd_map_done(yaml_reader *r, int rc, size_t line, size_t col, bib_record **out);

/* yaml_plain.c */

/* s[0..len) is a canonical integer ("0", "-12"; not "012", "+1"). */
bool yamlrd_canonical_int(const char *s, size_t len, long long *out);
/* The plain scalar s (n bytes) resolves to text, not null/bool/integer. */
bool yamlrd_plain_is_text(const char *s, size_t n);

/* The core schema's words of a plain scalar: null (also "" and "~"),
 * true, false (three spellings each), or none of them. */
typedef enum { YW_TEXT, YW_NULL, YW_TRUE, YW_FALSE } yamlrd_word;
yamlrd_word yamlrd_plain_word(const char *s);

/* Room for one more event in r->evs (ev, when not NULL, is deleted if
 * there is none): 0 or BIB_ENOMEM. */
int yamlrd_event_room(yaml_reader *r, yaml_event_t *ev);

/* Frees the recorded events not taken and forgets them. */
void yamlrd_events_clear(yaml_reader *r);
/* Records the item's events: 0 plain and whole, 1 not plain (replay them
 * into yamlrd_build_node), BIB_ENOMEM. */
int yamlrd_record_item(yaml_reader *r, yaml_event_t *ev, int depth);
/* The record of the plain item recorded. */
int yamlrd_map_item(yaml_reader *r, const bib_cslitem_ctx *ctx, bib_record **out);

/* yaml_fast.c */

enum { YAMLRD_DECLINE = 3 }; /* yamlrd_fast_next: libyaml reads this */

/* Reads the item at the consumed point (ST_ITEMS, a line start) with the
 * reader's own scanner: 1 with *out, a negative status, or YAMLRD_DECLINE
 * (nothing consumed or reported). */
int yamlrd_fast_next(yaml_reader *r, bib_record **out);
/* yamlrd_fast_next for an item libyaml has started (its first event is
 * at the consumed point): after declines in a row it waits 1, 2, 4... up
 * to 256 items before it tries again, so that a file the scanner cannot
 * take (a comment in every item) is not scanned twice. */
int yamlrd_fast_peek(yaml_reader *r, bib_record **out);
/* After parser_start at the consumed point: has the new parser read a
 * prefix that puts it where the stream's parser was (inside the items
 * sequence), and takes the prefix's events. 0 (a parser error is left
 * for yamlrd_get_event to report). */
int yamlrd_fast_resume(yaml_reader *r);

#endif /* BIBCONV_YAML_RD_H */
