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
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

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
};

struct bib_writer {
    const bib_format_desc *fmt;
    bib_output *out;
    void *state;
    bool ended;
    int end_rc;
    size_t written; /* records the writer took (directives it drops not) */
    /* dropped-field accounting (bib_writer_track_fields): the fields the
     * writer marked during the current write(), and per variable how many
     * entries lost it (NULL until the first loss) */
    bool track;
    unsigned char wrote[BIB_VAR_COUNT];
    size_t *dropped;
};

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

static int reader_new(bib_reader **out, const bib_format_desc *fmt, bib_input *in,
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
    return reader_new(out, fmt, in, opts, strict, NULL);
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

int bib_writer_new(bib_writer **out, const bib_format_desc *fmt, bib_output *output,
                   const bib_options *opts)
{
    *out = NULL;
    if (!fmt || !fmt->writer || !output)
        return BIB_EINVAL;
    bib_writer *wr = calloc(1, sizeof *wr);
    if (!wr)
        return BIB_ENOMEM;
    wr->fmt = fmt;
    wr->out = output;
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

void bib_writer_track_fields(bib_writer *wr) { wr->track = true; }

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
    for (size_t i = 0; i < n; i++) {
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
 * lost, with how many (docs/bibconv.1, DIAGNOSTICS). */
static void report_dropped(bib_writer *wr)
{
    if (!wr->dropped)
        return;
    for (int v = BIB_VAR_NONE + 1; v < BIB_VAR_COUNT; v++)
        if (wr->dropped[v])
            bib_output_report(wr->out, BIB_SEV_WARNING,
                              "field '%s' not written in %zu record%s: %s has no place for it",
                              bib_var_name((bib_var)v), wr->dropped[v],
                              wr->dropped[v] == 1 ? "" : "s", wr->fmt->name);
    free(wr->dropped);
    wr->dropped = NULL;
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
    if (rc >= 0)
        wr->written++;
    if (rc >= 0 && wr->track && bib_record_kind_of(rec) == BIB_RECORD_ENTRY)
        note_dropped(wr, rec);
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

/* ---- reading with several threads (-j) ------------------------------------ */

/* The input is cut into pieces at the boundaries the format's split
 * function finds; worker threads read each piece with a reader of its own
 * and keep its records and diagnostics (a piece's log); the calling
 * thread replays the pieces in input order through the one loop, so the
 * callback (the writer) sees the records, and the sink the diagnostics,
 * exactly as one reader of the whole input yields them. Whatever ties
 * records together (duplicate keys) is logged by the piece's reader and
 * settled during the replay. An input the split function marks serial, a
 * converted one (UTF-16, 8-bit, BOM) or one that is neither a regular file
 * nor a short stream is read by one thread as before. */

enum { LOG_MSG, LOG_KEY };

typedef struct log_ent {
    int kind;
    bib_severity sev;
    size_t line, column;
    uint64_t offset;
    char *file; /* owned; NULL when the message had none */
    char *text; /* owned: the message, or the key of LOG_KEY */
} log_ent;

struct piece_log {
    log_ent *v;
    size_t n, cap;
    bool failed; /* out of memory while logging: the replay stops */
};

/* What one next() of a piece's reader said. */
typedef struct event {
    int rc;
    bib_record *rec; /* owned until replayed */
    size_t nlog;     /* log entries made before it returned */
} event;

typedef struct piece {
    const char *data;
    size_t len, line;
    uint64_t offset;
    piece_log log;
    size_t skip; /* log entries of the piece reader's open(), already said */
    event *ev;
    size_t nev, evcap;
    bool done;
} piece;

typedef struct jobs {
    const char *map;  /* a mapped file whose pages are given back, or NULL */
    const bib_format_desc *fmt;
    const bib_options *opts;
    bool strict;
    const char *name;
    size_t max_value;
    piece *pc;
    size_t npc, cappc;    /* pieces cut so far (pc grows while cutting) */
    bool cut_done;        /* no more pieces will come */
    size_t take;          /* next piece a worker reads */
    size_t window;        /* pieces read ahead of the replay, at most */
    size_t replayed;      /* pieces replayed and freed */
    bool quit;
    pthread_mutex_t mu;
    pthread_cond_t work, done;
} jobs;

static bool log_push(piece_log *l, log_ent e)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        log_ent *v = realloc(l->v, cap * sizeof *v);
        if (!v) {
            l->failed = true;
            return false;
        }
        l->v = v;
        l->cap = cap;
    }
    l->v[l->n++] = e;
    return true;
}

/* The diagnostics sink of a piece's reader: every message into the log. */
static void log_msg(const bib_diag_msg *m, void *payload)
{
    piece_log *l = payload;
    log_ent e = {LOG_MSG, m->severity, m->line, m->column, m->offset,
                 m->file ? strdup(m->file) : NULL, strdup(m->message)};
    if (!e.text || (m->file && !e.file) || !log_push(l, e)) {
        l->failed = true;
        free(e.file);
        free(e.text);
    }
}

static void log_free(piece_log *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].file);
        free(l->v[i].text);
    }
    free(l->v);
    memset(l, 0, sizeof *l);
}

static void key_check(bib_reader *rd, const char *key, size_t line)
{
    if (!rd->keys && !(rd->keys = bib_keyset_new()))
        return; /* out of memory: the warning is lost, not the record */
    if (bib_keyset_add(rd->keys, key) == 0)
        bib_input_report(rd->in, BIB_SEV_WARNING, line, 1,
                         "duplicate key '%.40s': both entries kept", key);
}

void bib_reader_note_key(bib_reader *rd, const char *key, size_t len, size_t line)
{
    char k[512];
    if (len > sizeof k - 1)
        len = sizeof k - 1;
    memcpy(k, key, len);
    k[len] = '\0';
    if (!rd->log) {
        key_check(rd, k, line);
        return;
    }
    log_ent e = {LOG_KEY, BIB_SEV_WARNING, line, 1, UINT64_MAX, NULL, strdup(k)};
    if (!e.text || !log_push(rd->log, e))
        free(e.text);
}

static void report_raw(bib_diag *d, const log_ent *e, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bib_diag_vreport(d, e->sev, e->file, e->line, e->column, e->offset, fmt, ap);
    va_end(ap);
}

static bool event_push(piece *p, int rc, bib_record *rec)
{
    if (p->nev == p->evcap) {
        size_t cap = p->evcap ? p->evcap * 2 : 64;
        event *v = realloc(p->ev, cap * sizeof *v);
        if (!v)
            return false;
        p->ev = v;
        p->evcap = cap;
    }
    p->ev[p->nev++] = (event){rc, rec, p->log.n};
    return true;
}

/* Reads one piece with a reader of its own into p's events and log. */
static void read_piece(const jobs *j, piece *p)
{
    bib_diag *d = bib_diag_new();
    bib_input *in = d ? bib_input_open_memory(p->data, p->len, j->name, d) : NULL;
    if (!in) {
        event_push(p, BIB_ENOMEM, NULL);
        bib_diag_free(d);
        return;
    }
    bib_diag_set_verbose(d, true); /* INFO is logged; the replay filters */
    bib_diag_set_callback(d, log_msg, &p->log);
    bib_input_set_piece(in, p->line, p->offset);
    bib_input_set_max_value(in, j->max_value);
    bib_reader *rd;
    int rc = reader_new(&rd, j->fmt, in, j->opts, j->strict, &p->log);
    p->skip = p->log.n; /* the whole input's reader said these at its open */
    if (rc < 0) {
        event_push(p, rc, NULL);
    } else {
        for (;;) {
            bib_record *rec = NULL;
            rc = bib_reader_next(rd, &rec);
            if (!event_push(p, rc, rec)) {
                bib_record_free(rec);
                event_push(p, BIB_ENOMEM, NULL); /* may fail too: see replay */
                break;
            }
            if (rc == 0 || (rc < 0 && rc != BIB_EPARSE))
                break;
        }
        bib_reader_free(rd);
    }
    bib_input_free(in);
    bib_diag_free(d);
}

static void *worker(void *arg)
{
    jobs *j = arg;
    pthread_mutex_lock(&j->mu);
    for (;;) {
        while (!j->quit && !(j->take < j->npc && j->take < j->replayed + j->window) &&
               !(j->cut_done && j->take >= j->npc))
            pthread_cond_wait(&j->work, &j->mu);
        if (j->quit || j->take >= j->npc)
            break;
        size_t k = j->take++;
        piece *p = &j->pc[k];
        /* j->pc may move while cutting goes on: read a copy */
        piece w = *p;
        pthread_mutex_unlock(&j->mu);
        read_piece(j, &w);
        pthread_mutex_lock(&j->mu);
        p = &j->pc[k];
        *p = w;
        p->done = true;
        pthread_cond_broadcast(&j->done);
    }
    pthread_mutex_unlock(&j->mu);
    return NULL;
}

static void piece_free(piece *p)
{
    for (size_t i = 0; i < p->nev; i++)
        bib_record_free(p->ev[i].rec);
    free(p->ev);
    p->ev = NULL;
    p->nev = p->evcap = 0;
    log_free(&p->log);
}

/* High bit of each zero byte of v, exactly (no carries across bytes). */
static uint64_t zero_bytes(uint64_t v)
{
    const uint64_t low7 = 0x7f7f7f7f7f7f7f7full;
    return ~(((v & low7) + low7) | v | low7);
}

/* Lines in d[0..n): "\n", "\r\n" and a lone "\r" each end one (io.h),
 * so lines = LFs + CRs - CRLFs, counted eight bytes at a time: the cutting
 * thread counts every line of the input while the workers read. */
static size_t count_lines(const char *d, size_t n)
{
    const uint64_t lf = 0x0a0a0a0a0a0a0a0aull, cr = 0x0d0d0d0d0d0d0d0dull;
    size_t lines = 0, i = 0;
    for (; i + 9 <= n; i += 8) {
        uint64_t x, y;
        memcpy(&x, d + i, 8);
        memcpy(&y, d + i + 1, 8); /* the next bytes, for CR followed by LF */
        uint64_t zc = zero_bytes(x ^ cr);
        lines += (size_t)__builtin_popcountll(zero_bytes(x ^ lf)) +
                 (size_t)__builtin_popcountll(zc) -
                 (size_t)__builtin_popcountll(zc & zero_bytes(y ^ lf));
    }
    for (; i < n; i++)
        if (d[i] == '\n' || (d[i] == '\r' && (i + 1 == n || d[i + 1] != '\n')))
            lines++;
    return lines;
}

enum { GIANT = 4 << 20 }; /* a record this long is read by one thread */

/* Piece size: large enough that a reader's open and the hand-over cost
 * nothing, small enough that the pieces read ahead stay a few MiB. */
static size_t piece_size(void)
{
    const char *e = getenv("BIBCONV_JOBS_PIECE"); /* tests: tiny pieces */
    long n = e ? strtol(e, NULL, 10) : 0;
    return n > 0 ? (size_t)n : (size_t)64 << 10;
}

/* A mapped file: the pages wholly inside d[0..n), read, go back to the
 * page cache so that the process's RSS does not grow with the input (a
 * later access maps them again). */
static void drop_pages(const char *map, const char *d, size_t n)
{
    if (!map)
        return;
    size_t pg = (size_t)sysconf(_SC_PAGESIZE);
    uintptr_t b = ((uintptr_t)d + pg - 1) / pg * pg, e = ((uintptr_t)d + n) / pg * pg;
    if (e > b)
        madvise((void *)b, e - b, MADV_DONTNEED);
}

/* Replays the pieces in order through the loop's policy; returns as
 * bib_convert_records. Called with j->mu unlocked. */
static int replay(jobs *j, bib_reader *main_rd, bib_record_fn fn, void *ctx,
                  bib_convert_stats *st)
{
    bib_diag *d = bib_input_diag(main_rd->in);
    int result = 0;
    bool stop = false;
    for (size_t k = 0; !stop; k++) {
        pthread_mutex_lock(&j->mu);
        while (k < j->npc && !j->pc[k].done)
            pthread_cond_wait(&j->done, &j->mu);
        bool have = k < j->npc;
        piece p = have ? j->pc[k] : (piece){0};
        pthread_mutex_unlock(&j->mu);
        if (!have)
            break;
        size_t pos = 0;
        for (size_t i = 0; i < p.nev && !stop; i++) {
            event *e = &p.ev[i];
            for (; pos < e->nlog; pos++) {
                if (pos < p.skip)
                    continue;
                log_ent *l = &p.log.v[pos];
                if (l->kind == LOG_KEY)
                    key_check(main_rd, l->text, l->line);
                else
                    report_raw(d, l, "%s", l->text);
            }
            int rc = e->rc;
            if (rc == 0)
                break; /* the piece's end; the input goes on */
            if (rc == 1) {
                st->read++;
                bib_record *rec = e->rec;
                e->rec = NULL;
                rc = fn(ctx, rec);
                if (rc == 0) {
                    st->written++;
                    continue;
                }
            }
            if (rc != BIB_EPARSE) {
                result = rc;
                stop = true;
                break;
            }
            st->skipped++;
            result = BIB_EPARSE;
            if (main_rd->strict) {
                result = BIB_ESTOP;
                stop = true;
            }
        }
        if (!stop && p.log.failed) {
            result = BIB_ENOMEM;
            stop = true;
        }
        if (!stop) /* what the reader said after its last record */
            for (; pos < p.log.n; pos++) {
                log_ent *l = &p.log.v[pos];
                if (l->kind == LOG_KEY)
                    key_check(main_rd, l->text, l->line);
                else if (pos >= p.skip)
                    report_raw(d, l, "%s", l->text);
            }
        piece_free(&p);
        pthread_mutex_lock(&j->mu);
        j->pc[k] = p;
        j->replayed = k + 1;
        pthread_cond_broadcast(&j->work);
        pthread_mutex_unlock(&j->mu);
        drop_pages(j->map, p.data, p.len);
    }
    return result;
}

/* The bytes of the input to cut: a regular file mapped whole, or a stream
 * read ahead whole when it is short. NULL: read with one thread. */
static const char *whole_input(bib_reader *rd, size_t *len, void **map, size_t *maplen)
{
    bib_input *in = rd->in;
    *map = NULL;
    const char *d;
    size_t n;
    /* the input looks at its start (BOM, UTF-16) on its first window */
    if (bib_input_offset(in) != 0 || bib_input_window(in, 0, &d, &n) != 0 ||
        bib_input_converted(in))
        return NULL;
    int fd = bib_input_file_fd(in);
    if (fd >= 0) {
        struct stat sb;
        if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size <= 0 ||
            (uint64_t)sb.st_size > SIZE_MAX / 2)
            return NULL;
        void *m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
        if (m == MAP_FAILED)
            return NULL;
        madvise(m, (size_t)sb.st_size, MADV_SEQUENTIAL);
        *map = m;
        *maplen = *len = (size_t)sb.st_size;
        return m;
    }
    /* a stream (standard input): read ahead, unconsumed, up to the bound */
    size_t ahead = bib_input_max_value(in);
    if (ahead > (size_t)16 << 20)
        ahead = (size_t)16 << 20;
    if (bib_input_window(in, ahead, &d, &n) != 0 || n >= ahead || n == 0)
        return NULL;
    *len = n;
    return d;
}

int bib_convert_each_jobs(bib_reader *rd, unsigned nthreads, bib_record_fn fn, void *ctx,
                          bib_convert_stats *stats)
{
    bib_split_fn split = rd->fmt->reader->split;
    if (nthreads <= 1 || !split)
        return bib_convert_each(rd, fn, ctx, stats);
    size_t len = 0, maplen = 0;
    void *map;
    const char *data = whole_input(rd, &len, &map, &maplen);
    size_t psize = piece_size();
    if (!data || len <= psize) {
        if (map)
            munmap(map, maplen);
        return bib_convert_each(rd, fn, ctx, stats);
    }
    if (nthreads > 64)
        nthreads = 64;
    jobs j = {0};
    j.map = map; /* pages given back as they are read: RSS stays flat */
    j.fmt = rd->fmt;
    j.strict = rd->strict;
    j.name = bib_input_name(rd->in);
    j.max_value = bib_input_max_value(rd->in);
    /* records take several times their input bytes (1,600 tiny RIS
     * records of a 64 KiB piece hold 3.5 MB): the window bounds memory */
    j.window = (size_t)nthreads * 2;
    pthread_mutex_init(&j.mu, NULL);
    pthread_cond_init(&j.work, NULL);
    pthread_cond_init(&j.done, NULL);
    j.opts = rd->opts;
    pthread_t th[64];
    unsigned started = 0;
    for (; started < nthreads; started++)
        if (pthread_create(&th[started], NULL, worker, &j) != 0)
            break;
    /* cut while the workers read: a serial mark anywhere means one
     * thread after all (nothing has been replayed yet) */
    unsigned flags = 0;
    size_t at = 0, line = 1;
    bool nomem = false;
    while (at < len && !(flags & BIB_SPLIT_SERIAL) && started) {
        size_t rest = len - at;
        /* the last piece is scanned too, for its serial marks; the scan
         * looks at most 4 MiB ahead: no boundary there means a giant
         * record, which one reader streams (and RSS stays flat) */
        size_t look = rest > GIANT ? GIANT : rest;
        size_t cut = split(data + at, look, look > psize + psize / 2 ? psize : look, &flags);
        if (cut == 0 || cut > look)
            cut = look;
        if (cut == GIANT && rest > GIANT)
            flags |= BIB_SPLIT_SERIAL;
        if (flags & BIB_SPLIT_SERIAL)
            break; /* not handed out: the workers stop after their piece */
        pthread_mutex_lock(&j.mu);
        if (j.npc == j.cappc) {
            size_t cap = j.cappc ? j.cappc * 2 : 64;
            piece *v = realloc(j.pc, cap * sizeof *v);
            if (!v) {
                nomem = true;
                pthread_mutex_unlock(&j.mu);
                break;
            }
            j.pc = v;
            j.cappc = cap;
        }
        j.pc[j.npc] = (piece){.data = data + at, .len = cut, .line = line, .offset = at};
        j.npc++;
        pthread_cond_broadcast(&j.work);
        pthread_mutex_unlock(&j.mu);
        line += count_lines(data + at, cut);
        drop_pages(j.map, data + at, cut); /* read again by a worker */
        at += cut;
    }
    bool serial = (flags & BIB_SPLIT_SERIAL) || nomem || !started;
    if (getenv("BIBCONV_JOBS_TRACE")) /* tests: that the pieces were read apart */
        fprintf(stderr, "bibconv: jobs: %s: %zu pieces%s\n", j.name, j.npc,
                serial ? ", serial" : "");
    pthread_mutex_lock(&j.mu);
    j.cut_done = true;
    j.quit = serial;
    pthread_cond_broadcast(&j.work);
    pthread_mutex_unlock(&j.mu);
    int rc = 0;
    bib_convert_stats st = {0, 0, 0};
    if (!serial)
        rc = replay(&j, rd, fn, ctx, &st);
    pthread_mutex_lock(&j.mu);
    j.quit = true;
    pthread_cond_broadcast(&j.work);
    pthread_mutex_unlock(&j.mu);
    for (unsigned i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    for (size_t i = 0; i < j.npc; i++)
        piece_free(&j.pc[i]);
    free(j.pc);
    pthread_cond_destroy(&j.work);
    pthread_cond_destroy(&j.done);
    pthread_mutex_destroy(&j.mu);
    if (map)
        munmap(map, maplen);
    if (serial) /* nothing was said or written: the input is untouched */
        return bib_convert_each(rd, fn, ctx, stats);
    if (stats) {
        stats->read += st.read;
        stats->written += st.written;
        stats->skipped += st.skipped;
    }
    return rc;
}
