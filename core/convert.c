/* SPDX-License-Identifier: MIT */
/*
 * convert.c - reader and writer handles around a plugin's op tables, option
 * validation, and the read -> write loop with its skip/strict policy.
 *
 * The handles enforce the plugin contract of plugin.h: core allocates the
 * zeroed state block, close()/end() run exactly once even after a failed
 * open()/begin(), and a plugin that fails without a diagnostic is named as
 * buggy instead of leaving the user with a silent non-zero exit.
 *
 * Not for: argument parsing (core/cli) or loading (registry.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "convert_int.h"
#include "record_int.h"

void *bib_reader_state(bib_reader *rd) { return rd->state; }
void *bib_writer_state(bib_writer *wr) { return wr->state; }
const bib_format_desc *bib_reader_format(const bib_reader *rd) { return rd->fmt; }
const bib_format_desc *bib_writer_format(const bib_writer *wr) { return wr->fmt; }
bib_input *bib_reader_input(const bib_reader *rd) { return rd->in; }
bib_output *bib_writer_output(const bib_writer *wr) { return wr->out; }
bool bib_reader_is_strict(const bib_reader *rd) { return rd->strict; }

/* Reports a plugin error that came without a diagnostic. */
static void check_reported(bib_diag *d, size_t errors_before, const char *fmt, const char *what,
                           const char *where)
{
    if (bib_diag_count(d, BIB_SEV_ERROR) == errors_before)
        bib_diag_report(d, BIB_SEV_ERROR, where, 0, 0,
                        "%s %s failed without a message (plugin bug)", fmt, what);
}

int bib_reader_new_logged(bib_reader **out, const bib_format_desc *fmt, bib_input *in,
                          const bib_options *opts, bool strict, piece_log *log)
{
    *out = NULL;
    if (!fmt || !fmt->reader || !in)
        return BIB_EINVAL;
    bib_reader *rd = calloc(1, sizeof *rd);
    if (!rd)
        return BIB_ENOMEM;
    rd->fmt = fmt;
    rd->in = in;
    rd->strict = strict;
    rd->log = log;
    rd->opts = opts;
    if (fmt->reader->state_size && !(rd->state = calloc(1, fmt->reader->state_size))) {
        free(rd);
        return BIB_ENOMEM;
    }
    bib_diag *d = bib_input_diag(in);
    size_t before = bib_diag_count(d, BIB_SEV_ERROR);
    rd->open_called = true;
    int rc = fmt->reader->open(rd, in, opts);
    if (rc < 0) {
        check_reported(d, before, fmt->name, "reader", bib_input_name(in));
        bib_reader_free(rd);
        return rc;
    }
    *out = rd;
    return 0;
}

int bib_reader_new(bib_reader **out, const bib_format_desc *fmt, bib_input *in,
                   const bib_options *opts, bool strict)
{
    return bib_reader_new_logged(out, fmt, in, opts, strict, NULL);
}

/* An entry with no id, no field, no extra and no type the input named
 * (the default, document): `{}` in CSL-JSON. A RIS `TY  - BOOK` alone still
 * says what it is and passes. */
static bool is_empty(const bib_record *rec)
{
    const char *id = bib_record_id(rec);
    bib_type t = bib_record_type(rec);
    return bib_record_kind_of(rec) == BIB_RECORD_ENTRY && !(id && *id) &&
           (t == BIB_TYPE_DOCUMENT || t == BIB_TYPE_UNKNOWN) &&
           bib_record_field_count(rec) == 0 && bib_record_extra_count(rec) == 0;
}

int bib_reader_next(bib_reader *rd, bib_record **out)
{
    *out = NULL;
    bib_diag *d = bib_input_diag(rd->in);
    size_t before = bib_diag_count(d, BIB_SEV_ERROR);
    size_t line = bib_input_line(rd->in);
    int rc = rd->fmt->reader->next(rd, out);
    if (rc < 0) {
        if (*out) { /* a record with an error is a plugin bug: do not leak it */
            bib_record_free(*out);
            *out = NULL;
        }
        check_reported(d, before, rd->fmt->name, "reader", bib_input_name(rd->in));
    } else if (rc == 1 && !*out) {
        bib_diag_report(d, BIB_SEV_ERROR, bib_input_name(rd->in), 0, 0,
                        "%s reader returned no record (plugin bug)", rd->fmt->name);
        return BIB_EPLUGIN;
    } else if (rc > 1) {
        rc = 1;
    }
    /* a reader that sets no origin: where the input stood when asked,
     * exact for line-per-record formats; a reader's own origin is kept */
    if (rc == 1 && !bib_record_origin(*out, NULL) &&
        bib_record_set_origin(*out, bib_input_name(rd->in), line) < 0) {
        bib_record_free(*out);
        *out = NULL;
        return BIB_ENOMEM;
    }
    if (rc == 1 && is_empty(*out)) {
        /* nothing to convert: a writer would invent an entry ('@misc{anon}')
         * out of it; an error, so the loss of whatever was meant is said */
        size_t at = 0;
        bib_record_origin(*out, &at);
        bib_input_report(rd->in, BIB_SEV_ERROR, at, at ? 1 : 0,
                         "empty record (no id, no type, no fields): skipped");
        bib_record_free(*out);
        *out = NULL;
        return BIB_EPARSE;
    }
    return rc;
}

void bib_reader_free(bib_reader *rd)
{
    if (!rd)
        return;
    if (rd->open_called)
        rd->fmt->reader->close(rd);
    bib_keyset_free(rd->keys);
    free(rd->state);
    free(rd);
}

int bib_writer_new_piece(bib_writer **out, const bib_format_desc *fmt, bib_output *output,
                         const bib_options *opts, bool piece)
{
    *out = NULL;
    if (!fmt || !fmt->writer || !output)
        return BIB_EINVAL;
    bib_writer *wr = calloc(1, sizeof *wr);
    if (!wr)
        return BIB_ENOMEM;
    wr->fmt = fmt;
    wr->out = output;
    wr->piece = piece;
    wr->opts = opts;
    bib_buf_init(&wr->key);
    if (fmt->writer->state_size && !(wr->state = calloc(1, fmt->writer->state_size))) {
        free(wr);
        return BIB_ENOMEM;
    }
    bib_diag *d = bib_output_diag(output);
    size_t before = bib_diag_count(d, BIB_SEV_ERROR);
    int rc = fmt->writer->begin(wr, output, opts);
    if (rc < 0) {
        check_reported(d, before, fmt->name, "writer", bib_output_name(output));
        bib_writer_free(wr); /* runs end() once, as the contract says */
        return rc;
    }
    *out = wr;
    return 0;
}

int bib_writer_new(bib_writer **out, const bib_format_desc *fmt, bib_output *output,
                   const bib_options *opts)
{
    return bib_writer_new_piece(out, fmt, output, opts, false);
}

bool bib_writer_is_piece(const bib_writer *wr) { return wr->piece; }

bool bib_writer_keeps_ids(const bib_writer *wr)
{
    const char *k = bib_options_get(wr->opts, "keys");
    return k && strcmp(k, "keep") == 0;
}

int bib_writer_keyed(bib_writer *wr, const bib_record *rec, const bib_record **keyed,
                     bib_record **owned)
{
    *keyed = rec;
    *owned = NULL;
    if (bib_record_kind_of(rec) != BIB_RECORD_ENTRY)
        return 0;
    const char *id = bib_record_id(rec);
    bib_buf_reset(&wr->key);
    if (wr->piece) {
        /* the run's key set is the calling thread's: note what to settle
         * there (jobs.c); a made key is the base key, taken there or the
         * record written again by the run's writer */
        wr->key_kind = id && *id ? WKEY_ID : WKEY_MADE;
        if (id && *id)
            bib_buf_puts(&wr->key, id);
        else
            bib_key_generate(&wr->key, rec);
        if (bib_buf_failed(&wr->key))
            return BIB_ENOMEM;
        if (id && *id)
            return 0;
    } else {
        if (!wr->keys && !(wr->keys = bib_keyset_new()))
            return BIB_ENOMEM;
        if (id && *id) {
            int rc = bib_keyset_add(wr->keys, id);
            if (rc != 0 || bib_writer_keeps_ids(wr))
                return rc < 0 ? rc : 0;
            /* an id an earlier item has (a source that repeats a key):
             * CSL wants ids unique, so it gets a suffix, the key the
             * BibTeX writers give it (bib_key_unique: "dup" -> "dupa") */
            rc = bib_key_unique(&wr->key, wr->keys, rec, id);
            if (rc != 0)
                return rc;
            bib_output_report(wr->out, BIB_SEV_WARNING,
                              "record '%.40s': written with id '%.40s': an earlier record "
                              "has its id", id, wr->key.data);
        } else {
            int rc = bib_key_unique(&wr->key, wr->keys, rec, NULL);
            if (rc != 0)
                return rc;
        }
    }
    /* a view with the new id: writers get a const record, and a huge
     * value of a keyless one is not copied */
    bib_record *c = bib_record_keyed_view(rec, wr->key.data);
    if (!c)
        return BIB_ENOMEM;
    *keyed = *owned = c;
    return 0;
}

void bib_writer_track_fields(bib_writer *wr) { wr->track = true; }

void bib_writer_warm_keys(bib_writer *wr, const bib_keyset *exact, const bib_keyset *folded)
{
    wr->warm_exact = exact;
    wr->warm_folded = folded;
}

void bib_writer_wrote(bib_writer *wr, bib_var var)
{
    if (var > BIB_VAR_NONE && var < BIB_VAR_COUNT)
        wr->wrote[var] = 1;
}

/* After a tracked write(): counts each field of rec the writer did not
 * mark, naming the record in an info line (shown under --verbose). */
static void note_dropped(bib_writer *wr, const bib_record *rec)
{
    size_t n = bib_record_field_count(rec);
    /* the fields written skipped inside record.c: most are */
    for (size_t i = bib__record_next_unmarked(rec, 0, wr->wrote); i < n;
         i = bib__record_next_unmarked(rec, i + 1, wr->wrote)) {
        bib_var v = bib_field_var(bib_record_field_at(rec, i));
        if (v <= BIB_VAR_NONE || v >= BIB_VAR_COUNT || wr->wrote[v])
            continue;
        if (!wr->dropped && !(wr->dropped = calloc(BIB_VAR_COUNT, sizeof *wr->dropped)))
            return; /* out of memory: the summary below is then missing */
        wr->dropped[v]++;
        size_t line = 0;
        const char *file = bib_record_origin(rec, &line);
        const char *id = bib_record_id(rec);
        bib_diag_report(bib_output_diag(wr->out), BIB_SEV_INFO, file, line, 0,
                        "record '%.40s': field '%s' not written: %s has no place for it",
                        id ? id : "", bib_var_name(v), wr->fmt->name);
    }
}

/* At the end of a tracked writer: one warning per field that some entries
 * lost, with how many (docs/bibconv.1, DESCRIPTION). */
static void report_dropped(bib_writer *wr)
{
    for (int v = BIB_VAR_NONE + 1; wr->dropped && v < BIB_VAR_COUNT; v++)
        if (wr->dropped[v])
            bib_output_report(wr->out, BIB_SEV_WARNING,
                              "field '%s' not written in %zu record%s: %s has no place for it",
                              bib_var_name((bib_var)v), wr->dropped[v],
                              wr->dropped[v] == 1 ? "" : "s", wr->fmt->name);
    free(wr->dropped);
    wr->dropped = NULL;
    bib_writer_report_dropped_extras(wr); /* then the extras, as many lines */
}

/* After a write(): a record that lacks a value it could not decode (out
 * of memory, record.c) was written without it; the run must not end as
 * if nothing was lost. BIB_ENOMEM, said, or 0. */
static __attribute__((noinline)) int lost_said(bib_writer *wr, const bib_record *rec)
{
    size_t line = 0;
    const char *file = bib_record_origin(rec, &line);
    const char *id = bib_record_id(rec);
    bib_diag_report(bib_output_diag(wr->out), BIB_SEV_ERROR, file, line, 0,
                    "record '%.40s': a value could not be decoded (out of memory) and is "
                    "missing from the output", id ? id : "");
    return BIB_ENOMEM;
}

int bib_writer_write(bib_writer *wr, const bib_record *rec)
{
    if (bib_record_kind_of(rec) == BIB_RECORD_DIRECTIVE &&
        !(wr->fmt->flags & BIB_WRITER_DIRECTIVES))
        return 0;
    bib_diag *d = bib_output_diag(wr->out);
    size_t before = bib_diag_count(d, BIB_SEV_ERROR);
    if (wr->track)
        memset(wr->wrote, 0, sizeof wr->wrote);
    int rc = wr->fmt->writer->write(wr, rec);
    if (rc < 0 && bib_output_error(wr->out) != BIB_EIO) /* EIO: the output said why */
        check_reported(d, before, wr->fmt->name, "writer", bib_output_name(wr->out));
    if (rc == 0 && __builtin_expect(bib__record_decode_failed(rec), 0))
        rc = lost_said(wr, rec);
    if (rc == 0)
        wr->written++;
    if (rc == 0 && wr->track && bib_record_kind_of(rec) == BIB_RECORD_ENTRY) {
        note_dropped(wr, rec);
        bib_writer_note_dropped_extras(wr, rec);
    }
    return rc < 0 ? rc : 0;
}

int bib_writer_finish(bib_writer *wr)
{
    if (wr->ended)
        return wr->end_rc;
    wr->ended = true;
    bib_diag *d = bib_output_diag(wr->out);
    size_t before = bib_diag_count(d, BIB_SEV_ERROR);
    report_dropped(wr);
    wr->end_rc = wr->fmt->writer->end(wr);
    if (wr->end_rc < 0 && bib_output_error(wr->out) != BIB_EIO)
        check_reported(d, before, wr->fmt->name, "writer", bib_output_name(wr->out));
    return wr->end_rc;
}

size_t bib_writer_written(const bib_writer *wr) { return wr->written; }

void bib_writer_free(bib_writer *wr)
{
    if (!wr)
        return;
    bib_writer_finish(wr);
    bib_keyset_free(wr->keys);
    bib_buf_clear(&wr->key);
    free(wr->state);
    free(wr);
}

/* ---- options ------------------------------------------------------------- */

static const bib_option_spec *find_spec(const bib_option_spec *t, const char *name)
{
    for (; t && t->name; t++)
        if (strcmp(t->name, name) == 0)
            return t;
    return NULL;
}

static bool choice_ok(const char *choices, const char *v)
{
    size_t vl = strlen(v);
    for (const char *p = choices; p && *p;) {
        const char *c = strchr(p, ',');
        size_t l = c ? (size_t)(c - p) : strlen(p);
        if (l == vl && strncmp(p, v, l) == 0)
            return true;
        if (!c)
            break;
        p = c + 1;
    }
    return false;
}

static bool value_ok(const bib_option_spec *s, const char *v)
{
    switch (s->kind) {
    case BIB_OPT_BOOL: {
        static const char *const ok[] = {"true", "false", "yes", "no", "on", "off", "1", "0"};
        for (size_t i = 0; i < 8; i++)
            if (strcasecmp(v, ok[i]) == 0)
                return true;
        return false;
    }
    case BIB_OPT_INT: {
        char *end;
        (void)strtol(v, &end, 10);
        return *v && !*end;
    }
    case BIB_OPT_CHOICE:
        return choice_ok(s->choices, v);
    default:
        return true;
    }
}

static void list_names(char *buf, size_t n, const bib_option_spec *a, const bib_option_spec *b)
{
    size_t o = 0;
    buf[0] = '\0';
    const bib_option_spec *tabs[2] = {a, b};
    for (int t = 0; t < 2; t++)
        for (const bib_option_spec *s = tabs[t]; s && s->name && o < n - 2; s++)
            o += (size_t)snprintf(buf + o, n - o, "%s%s", o ? ", " : "", s->name);
    if (!o)
        snprintf(buf, n, "none");
}

int bib_options_validate(const bib_options *opts, const bib_format_desc *from,
                         const bib_format_desc *to, bib_diag *diag)
{
    const bib_option_spec *rs = from && from->reader ? from->reader->options : NULL;
    const bib_option_spec *ws = to && to->writer ? to->writer->options : NULL;
    int rc = 0;
    for (size_t i = 0; i < bib_options_count(opts); i++) {
        const char *name, *value;
        bib_options_at(opts, i, &name, &value);
        const bib_option_spec *s = find_spec(rs, name);
        if (!s)
            s = find_spec(ws, name);
        if (!s) {
            char list[512];
            list_names(list, sizeof list, rs, ws);
            bib_diag_report(diag, BIB_SEV_ERROR, NULL, 0, 0,
                            "unknown option '%s' for %s -> %s (valid: %s)", name,
                            from ? from->name : "?", to ? to->name : "?", list);
            rc = BIB_EINVAL;
        } else if (!value_ok(s, value)) {
            bib_diag_report(diag, BIB_SEV_ERROR, NULL, 0, 0,
                            "bad value '%s' for option '%s' (expected %s)", value, name,
                            s->kind == BIB_OPT_BOOL ? "true or false"
                            : s->kind == BIB_OPT_INT ? "an integer"
                                                     : s->choices);
            rc = BIB_EINVAL;
        }
    }
    return rc;
}

/* ---- the loop -------------------------------------------------------------- */

int bib_convert_records(bib_record_next_fn next, void *src, bool strict, bib_record_fn fn,
                        void *ctx, bib_convert_stats *stats)
{
    bib_convert_stats st = {0, 0, 0};
    int result = 0;
    for (;;) {
        bib_record *rec = NULL;
        int rc = next(src, &rec);
        if (rc == 0)
            break;
        if (rc == 1) {
            st.read++;
            rc = fn(ctx, rec); /* rec is fn's now */
            if (rc == 0) {
                st.written++;
                continue;
            }
        }
        if (rc != BIB_EPARSE) {
            result = rc;
            break;
        }
        st.skipped++;
        result = BIB_EPARSE;
        if (strict) {
            result = BIB_ESTOP;
            break;
        }
    }
    if (stats) {
        stats->read += st.read;
        stats->written += st.written;
        stats->skipped += st.skipped;
    }
    return result;
}

static int reader_next(void *rd, bib_record **out) { return bib_reader_next(rd, out); }

int bib_convert_each(bib_reader *rd, bib_record_fn fn, void *ctx, bib_convert_stats *stats)
{
    return bib_convert_records(reader_next, rd, rd->strict, fn, ctx, stats);
}

/* The writer as a record callback: writes, then frees the record it owns. */
static int write_one(void *wr, bib_record *rec)
{
    int rc = bib_writer_write(wr, rec);
    bib_record_free(rec);
    return rc;
}

int bib_convert_input(const bib_format_desc *from, bib_input *in, const bib_options *opts,
                      bool strict, bib_writer *wr, bib_convert_stats *stats)
{
    bib_reader *rd;
    int rc = bib_reader_new(&rd, from, in, opts, strict);
    if (rc < 0)
        return rc;
    /* written = what the writer took: a directive it drops is read, not
     * written, so the summary says what the output holds */
    bib_convert_stats st = {0, 0, 0};
    size_t taken = bib_writer_written(wr);
    rc = bib_convert_each(rd, write_one, wr, &st);
    bib_reader_free(rd);
    st.written = bib_writer_written(wr) - taken;
    if (stats) {
        stats->read += st.read;
        stats->written += st.written;
        stats->skipped += st.skipped;
    }
    return rc;
}

