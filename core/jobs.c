/* SPDX-License-Identifier: MIT */
/*
 * jobs.c - the conversion loop on several threads (-j).
 *
 * A thread of its own cuts the input into pieces at the boundaries the
 * format's split function finds; worker threads read each piece with a
 * reader of its own and keep its records and diagnostics (a piece's log);
 * the calling thread replays the pieces in input order through the one
 * loop while the cut goes on (reading pieces itself while the one it
 * waits for is read: N - 1 workers, docs/real-use.md), so the callback sees the
 * records, and the sink the diagnostics, exactly as one reader of the
 * whole input yields them. Whatever ties records together (duplicate
 * keys) is logged by the piece's reader and settled during the replay. A
 * serial mark (what the split function says ties records together) sends
 * the input to one reader: found after some pieces were replayed, that
 * reader reads them again unsaid and goes on (read_rest). A converted
 * input (UTF-16, 8-bit, BOM) or one that is neither a regular file nor a
 * short stream is read by one thread as before.
 *
 * When the records only go to a writer that can write pieces
 * (bib_convert_write_jobs, BIB_WRITER_PIECES), the workers write too: a
 * piece's records are written into the piece's own buffer and freed where
 * they were made, and the replay appends the bytes. What a writer ties
 * across records is its keys: a piece's writer notes each record's key,
 * the replay adds it to the run's key set in input order, and a made key
 * that is taken there (or a record before the run's writer has taken
 * one: the first record has no separator) is read again from the piece
 * and written by the run's writer, as one thread would have. Why: with
 * the writing on the calling thread, -j 2 was slower than -j 1
 * (docs/real-use.md, "Threads").
 *
 * Not for: the one-thread loop and the handles (convert.c).
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "convert_int.h"
#include "diag_int.h"
#include "lines.h"

enum { LOG_MSG, LOG_KEY };

typedef struct log_ent {
    int kind;
    bib_severity sev;
    size_t line, column;
    uint64_t offset;
    char *file; /* owned; NULL when the message had none */
    char *text; /* owned: the message; NULL for LOG_KEY */
    size_t key; /* LOG_KEY: where the key starts in the log's keys */
} log_ent;

struct piece_log {
    log_ent *v;
    size_t n, cap;
    bib_buf keys; /* LOG_KEY's keys, NUL-separated: no allocation per key */
    bool failed; /* out of memory while logging: the replay stops */
};

/* What one next() of a piece's reader said, and in the write path what
 * writing its record did. */
typedef struct event {
    int rc;
    bib_record *rec; /* owned until replayed (read path only) */
    size_t nlog;     /* log entries made before next() returned */
    size_t nlogw;    /* ... and after the record was written */
    size_t end;      /* the piece's output bytes after the write */
    size_t key;      /* where its key starts in the piece's keys */
    int wrc;         /* what bib_writer_write returned */
    unsigned char kind; /* WKEY_*: what the piece's writer noted */
    bool took;       /* the writer took the record (not a dropped directive) */
} event;

typedef struct piece {
    /* into the stream read ahead; a file's piece: into its worker's input
     * buffer while read, NULL after (read again from the file for the
     * rare record written again: a held piece keeps its output only) */
    const char *data;
    size_t len, line;
    uint64_t offset;
    piece_log log;
    size_t skip; /* log entries of the piece reader's open(), already said */
    event *ev;
    size_t nev, evcap;
    bib_buf bytes;     /* write path: what the piece's writer wrote */
    bib_buf keys;      /* write path: the keys to settle, NUL-separated */
    size_t held;       /* bytes it holds once read */
    bool done;
} piece;

/* The big arrays of a replayed piece, kept for the next one: fresh ones
 * cost page faults (and their growth copies) on every piece. */
typedef struct spare {
    event *ev;
    size_t evcap;
    bib_buf bytes;
} spare;

typedef struct jobs {
    int fd;           /* a regular file the pieces are read from, or -1 */
    const bib_format_desc *fmt;
    const bib_options *opts;
    const bib_format_desc *wfmt; /* write path: the writer's format, else NULL */
    const bib_options *wopts;
    /* the writer the whole input's records go to (bib_reader_keeps_source:
     * the pieces' readers answer as that reader does); NULL: unknown */
    const struct bib_writer *dest;
    bool strict;
    const char *name;
    size_t max_value;
    piece *pc;
    size_t npc, cappc;    /* pieces cut so far (pc grows while cutting) */
    bool cut_done;        /* no more pieces will come */
    bool serial;          /* ... since the cut found a serial mark (or
                           * could not go on): one reader reads it all */
    size_t take;          /* next piece a worker reads */
    size_t window;        /* pieces read ahead of the replay, at least */
    size_t held, budget;  /* bytes the read pieces hold; more pieces while
                           * under the budget (the write path: a piece is
                           * its output bytes, no records, no input) */
    size_t replayed;      /* pieces replayed and freed */
    bool awaiting;        /* the replay waits for piece await_k to be read */
    bool await_cut;       /* the replay waits for the next piece's cut */
    size_t await_k;
    spare *spares;        /* at most nspares_max */
    size_t nspares_max;
    size_t nspare;
    const char *outname;  /* write path: the run's output, as messages name it */
    double worker_cpu;    /* seconds, summed at the workers' ends (the trace) */
    double cut_cpu, cut_wall; /* the cut's seconds (the trace) */
    double budget_wait;   /* wall seconds workers waited with pieces cut but
                           * the budget spent (the trace) */
    size_t done_at_cut;   /* pieces read when the cut ended (the trace) */
    bool quit;
    bool trace;           /* BIBCONV_JOBS_TRACE */
    /* BIBCONV_JOBS_LOCKSTEP (tests): the cut waits for each piece to be
     * replayed before the next, so that a serial mark is found after all
     * the pieces before it were said (read_rest runs every time) */
    bool lockstep;
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
                 m->file ? strdup(m->file) : NULL, strdup(m->message), 0};
    if (!e.text || (m->file && !e.file) || !log_push(l, e)) {
        l->failed = true;
        free(e.file);
        free(e.text);
    }
}

static void log_truncate(piece_log *l, size_t n)
{
    for (size_t i = n; i < l->n; i++) {
        free(l->v[i].file);
        free(l->v[i].text);
    }
    if (n < l->n)
        l->n = n;
}

static void log_free(piece_log *l)
{
    log_truncate(l, 0);
    bib_buf_clear(&l->keys);
    free(l->v);
    memset(l, 0, sizeof *l);
}

/* The duplicate-key check of the input's reader; whether it reported. */
static bool key_check(bib_reader *rd, const char *key, size_t line)
{
    if (!rd->keys && !(rd->keys = bib_keyset_new()))
        return false; /* out of memory: the warning is lost, not the record */
    if (bib_keyset_add(rd->keys, key) != 0)
        return false;
    bib_input_report(rd->in, BIB_SEV_WARNING, line, 1,
                     "duplicate key '%.40s': both entries kept", key);
    return true;
}

void bib_reader_prefetch_key(const bib_reader *rd, const char *key, size_t len)
{
    /* as bib_reader_note_key cuts it; with -j the check runs later */
    const bib_keyset *sets[3] = {rd->keys && !rd->log ? rd->keys : NULL, NULL, NULL};
    const bib_keyset *folded = NULL;
    /* the writer's id sets (bib_writer_keyed, bib_writer_warm_keys) take
     * the same key as the record's id when the entry is written, right
     * after it is read: without this each is a cache miss of its own
     * (perf: 5-8 % of BibTeX -> CSL-JSON at 50 MB, 13 % of CSL-JSON ->
     * BibTeX). A key the writer changes, or one longer than 511 bytes,
     * only makes the hint useless. */
    const bib_writer *wr = rd->ahead;
    if (wr && !wr->piece) {
        sets[1] = wr->keys;
        sets[2] = wr->warm_exact;
        folded = wr->warm_folded;
    }
    if (sets[0] || sets[1] || sets[2] || folded)
        bib_keyset_prefetch_sets(sets, 3, folded, key, len < 511 ? len : 511);
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
    piece_log *l = rd->log;
    log_ent e = {LOG_KEY, BIB_SEV_WARNING, line, 1, UINT64_MAX, NULL, NULL, l->keys.len};
    if (bib_buf_append(&l->keys, k, len + 1) || !log_push(l, e))
        l->failed = true;
}

static void report_raw(bib_diag *d, const log_ent *e, const char *file, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bib_diag_vreport(d, e->sev, file, e->line, e->column, e->offset, fmt, ap);
    va_end(ap);
}

static event *event_push(piece *p, int rc, bib_record *rec)
{
    if (p->nev == p->evcap) {
        size_t cap = p->evcap ? p->evcap * 2 : 64;
        event *v = realloc(p->ev, cap * sizeof *v);
        if (!v)
            return NULL;
        p->ev = v;
        p->evcap = cap;
    }
    event *e = &p->ev[p->nev++];
    *e = (event){.rc = rc, .rec = rec, .nlog = p->log.n, .nlogw = p->log.n};
    e->end = p->nev > 1 ? e[-1].end : 0;
    return e;
}

/* Writes rec (then freed) with the piece's writer; fills e. */
static void write_record(piece *p, event *e, bib_writer *pw, bib_record *rec)
{
    size_t took = pw->written;
    pw->key_kind = WKEY_NONE;
    e->wrc = bib_writer_write(pw, rec);
    bib_record_free(rec);
    e->took = pw->written > took;
    e->kind = (unsigned char)pw->key_kind;
    if (e->kind != WKEY_NONE) {
        e->key = p->keys.len;
        bib_buf_append(&p->keys, pw->key.data, pw->key.len + 1);
        if (bib_buf_failed(&p->keys))
            p->log.failed = true;
    }
    e->end = (size_t)bib_output_bytes(pw->out);
    e->nlogw = p->log.n;
}

/* The piece's writer (write path), into p->bytes; begin() said nothing
 * that counts (its messages are dropped with the reader's open ones). */
static bib_writer *piece_writer(const jobs *j, piece *p, bib_diag *d)
{
    if (!j->wfmt)
        return NULL;
    bib_buf_init(&p->keys);
    /* room for the piece's output at once (about 1.7 times a BibTeX
     * piece as CSL-JSON): grown from 64 bytes by doubling, every step
     * copied into fresh pages, the most page faults of -j 2
     * (bench/README.md, "-j 2 against what the machine allows"); a
     * failure marks the buffer, and the writer's first write says so */
    (void)bib_buf_reserve(&p->bytes, p->len * 2);
    bib_writer *pw;
    bib_output *out = bib_output_open_buffer(&p->bytes, j->outname, d);
    if (!out || bib_writer_new_piece(&pw, j->wfmt, out, j->wopts, true) < 0) {
        bib_output_free(out);
        p->log.failed = true;
        return NULL;
    }
    return pw;
}

/* Reads one piece with a reader of its own into p's events and log, and
 * in the write path writes its records too. fbuf: a file's piece as
 * pread_piece read it (padded, the reader's to write into), read where it
 * lies; NULL: a stream's piece, copied as it is read (its bytes are the
 * stream's and are read again by reread). */
static void read_piece(const jobs *j, piece *p, char *fbuf)
{
    bib_diag *d = bib_diag_new();
    bib_input *in = !d ? NULL : fbuf ? bib_input_open_piece(fbuf, p->len, j->name, d, p->line,
                                                           p->offset)
                                     : bib_input_open_memory(p->data, p->len, j->name, d);
    if (!in) {
        event_push(p, BIB_ENOMEM, NULL);
        bib_diag_free(d);
        return;
    }
    bib_diag_set_verbose(d, true); /* INFO is logged; the replay filters */
    bib_diag_set_callback(d, log_msg, &p->log);
    bib_input_set_piece(in, p->line, p->offset);
    bib_input_set_max_value(in, j->max_value);
    bib_writer *pw = piece_writer(j, p, d);
    bib_reader *rd;
    int rc = bib_reader_new_logged(&rd, j->fmt, in, j->opts, j->strict, &p->log);
    if (rc >= 0)
        rd->dest = j->dest;
    p->skip = p->log.n; /* the whole input's reader said these at its open */
    if (rc < 0 || (j->wfmt && !pw)) {
        event_push(p, rc < 0 ? rc : BIB_ENOMEM, NULL);
        if (rc >= 0)
            bib_reader_free(rd);
    } else {
        for (;;) {
            bib_record *rec = NULL;
            rc = bib_reader_next(rd, &rec);
            event *e = event_push(p, rc, pw ? NULL : rec);
            if (!e) {
                bib_record_free(rec);
                event_push(p, BIB_ENOMEM, NULL); /* may fail too: see replay */
                break;
            }
            if (pw && rec)
                write_record(p, e, pw, rec);
            if (rc == 0 || (rc < 0 && rc != BIB_EPARSE))
                break;
        }
        bib_reader_free(rd);
    }
    if (pw) {
        size_t n = p->log.n;
        bib_output *out = pw->out;
        bib_writer_free(pw); /* a piece's end() writes nothing */
        log_truncate(&p->log, n);
        if (bib_output_commit(out) < 0)
            p->log.failed = true;
        bib_output_free(out);
    }
    bib_input_free(in);
    bib_diag_free(d);
}

/* CPU seconds of the calling thread, for BIBCONV_JOBS_TRACE. */
static double thread_cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* A file's piece: its bytes into buf (read, not mapped: page faults and
 * giving mapped pages back cost more than the copy). 0 or an errno. */
static int pread_piece(const jobs *j, const piece *p, bib_buf *buf)
{
    bib_buf_reset(buf);
    int err = bib_buf_reserve(buf, p->len + BIB_PIECE_PAD) ? ENOMEM : 0;
    for (size_t got = 0; !err && got < p->len;) {
        ssize_t n = pread(j->fd, buf->data + got, p->len - got, (off_t)(p->offset + got));
        if (n < 0 && errno == EINTR)
            continue;
        err = n < 0 ? errno : n == 0 ? EIO : 0; /* the file shrank */
        got += n > 0 ? (size_t)n : 0;
    }
    if (!err) { /* the padding bib_input_open_piece reads the piece with */
        buf->len = p->len;
        memset(buf->data + p->len, 0, BIB_PIECE_PAD);
    }
    return err;
}

/* Whether a file's piece is read where it lies (bib_input_open_piece):
 * only when the whole piece is within the bound (--max-value). A window
 * then never reaches it, as with windows filled 64 KiB at a time; under a
 * smaller bound, which of the two errors a long line or value gets
 * (the input's "line or value longer", a reader's own) depends on the
 * windows' sizes, and the piece is copied as before. */
static bool in_place(const jobs *j, const piece *p)
{
    return p->len < j->max_value;
}

/* A file's piece into the worker's buffer; false after logging why not. */
static bool load_piece(const jobs *j, piece *p, bib_buf *buf)
{
    int err = pread_piece(j, p, buf);
    if (!err) {
        p->data = buf->data;
        return true;
    }
    bib_diag_msg m = {BIB_SEV_ERROR, j->name, 0, 0, p->offset, strerror(err)};
    log_msg(&m, &p->log);
    event_push(p, err == ENOMEM ? BIB_ENOMEM : BIB_EIO, NULL);
    return false;
}

/* Wall-clock seconds, for BIBCONV_JOBS_TRACE. */
static double wall(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Whether a piece may be taken now: one is cut and unread, and the pieces
 * read ahead are within the window or the budget. */
static bool can_take(const jobs *j)
{
    return j->take < j->npc && (j->take < j->replayed + j->window || j->held < j->budget);
}

/* Reads the next piece (can_take): called with j->mu held, unlocked while
 * the piece is read; inbuf is the caller's buffer for a file's piece. */
static void read_next(jobs *j, bib_buf *inbuf)
{
    size_t k = j->take++;
    piece *p = &j->pc[k];
    /* j->pc may move while cutting goes on: read a copy */
    piece w = *p;
    if (j->nspare) {
        spare s = j->spares[--j->nspare];
        w.ev = s.ev;
        w.evcap = s.evcap;
        w.bytes = s.bytes;
    }
    pthread_mutex_unlock(&j->mu);
    if (j->fd < 0)
        read_piece(j, &w, NULL);
    else if (load_piece(j, &w, inbuf))
        read_piece(j, &w, in_place(j, &w) ? inbuf->data : NULL);
    if (j->fd >= 0)
        w.data = NULL; /* inbuf takes the next piece */
    pthread_mutex_lock(&j->mu);
    p = &j->pc[k];
    *p = w;
    p->held = p->bytes.cap + p->keys.cap + p->log.keys.cap + p->evcap * sizeof(event);
    j->held += p->held;
    p->done = true;
    if (j->awaiting && j->pc[j->await_k].done)
        pthread_cond_signal(&j->done);
}

static void *worker(void *arg)
{
    jobs *j = arg;
    bib_buf inbuf = BIB_BUF_INIT; /* a file's piece while it is read */
    pthread_mutex_lock(&j->mu);
    for (;;) {
        double w0 = 0;
        while (!j->quit && !can_take(j) && !(j->cut_done && j->take >= j->npc)) {
            if (!w0 && j->take < j->npc && j->trace)
                w0 = wall();
            pthread_cond_wait(&j->work, &j->mu);
        }
        if (w0)
            j->budget_wait += wall() - w0;
        if (j->quit || j->take >= j->npc)
            break;
        read_next(j, &inbuf);
    }
    j->worker_cpu += thread_cpu();
    pthread_mutex_unlock(&j->mu);
    bib_buf_clear(&inbuf);
    return NULL;
}

/* Frees what p holds, its arrays kept as a spare when j has room (called
 * with j->mu held) or j is NULL. */
static void piece_free(jobs *j, piece *p)
{
    for (size_t i = 0; i < p->nev; i++)
        bib_record_free(p->ev[i].rec);
    if (j && j->spares && j->nspare < j->nspares_max) {
        bib_buf_reset(&p->bytes);
        j->spares[j->nspare++] = (spare){p->ev, p->evcap, p->bytes};
    } else {
        free(p->ev);
        bib_buf_clear(&p->bytes);
    }
    p->ev = NULL;
    p->nev = p->evcap = 0;
    bib_buf_init(&p->bytes);
    log_free(&p->log);
    bib_buf_clear(&p->keys);
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

/* ---- the replay ------------------------------------------------------------ */

/* A piece read again up to one of its records (the write path's records
 * that the run's writer writes): one reader going forward through one
 * piece, its messages dropped (the workers' were said). */
typedef struct rereader {
    size_t piece; /* the piece it reads; SIZE_MAX: none */
    size_t at;    /* next() calls made */
    bib_diag *d;
    bib_input *in;
    bib_reader *rd;
    bib_buf buf;  /* a file's piece, read again */
} rereader;

static void reread_close(rereader *r)
{
    bib_reader_free(r->rd);
    bib_input_free(r->in);
    bib_diag_free(r->d);
    bib_buf buf = r->buf; /* kept for the next piece read again */
    *r = (rereader){.piece = SIZE_MAX, .buf = buf};
}

/* The record of event idx of piece k (p): 0 and a new record in *out, or a
 * negative status (BIB_EIO: *err has the errno of reading the file again). */
static int reread(rereader *r, const jobs *j, const piece *p, size_t k, size_t idx,
                  bib_record **out, int *err)
{
    *out = NULL;
    if (r->piece != k || r->at > idx) {
        reread_close(r);
        if (!p->data && (*err = pread_piece(j, p, &r->buf)) != 0)
            return *err == ENOMEM ? BIB_ENOMEM : BIB_EIO;
        if (!(r->d = bib_diag_new()))
            return BIB_ENOMEM;
        bib_diag_set_callback(r->d, NULL, NULL);
        const char *data = p->data ? p->data : r->buf.data;
        r->in = !p->data && in_place(j, p)
                    ? bib_input_open_piece(r->buf.data, p->len, j->name, r->d, p->line,
                                           p->offset)
                    : bib_input_open_memory(data, p->len, j->name, r->d);
        if (!r->in)
            return BIB_ENOMEM;
        bib_input_set_piece(r->in, p->line, p->offset);
        bib_input_set_max_value(r->in, j->max_value);
        if (bib_reader_new_logged(&r->rd, j->fmt, r->in, j->opts, j->strict, NULL) < 0)
            return BIB_ENOMEM;
        r->rd->dest = j->dest;
        r->piece = k;
    }
    while (r->at <= idx) {
        bib_record *rec = NULL;
        int rc = bib_reader_next(r->rd, &rec);
        if (r->at++ == idx) {
            *out = rec;
            return rc == 1 ? 0 : BIB_EPLUGIN; /* the first reading gave a record */
        }
        bib_record_free(rec);
        if (rc == 0 || (rc < 0 && rc != BIB_EPARSE))
            break;
    }
    return BIB_EPLUGIN;
}

typedef struct replay_ctx {
    jobs *j;
    bib_reader *rd; /* the input's reader: its sink and duplicate-key check */
    bib_writer *wr; /* write path: the run's writer; NULL: fn gets records */
    bib_record_fn fn;
    void (*tick)(void *ctx);
    void *ctx;
    bib_convert_stats *st;
    rereader rr;
    bib_buf inbuf; /* a file's piece the replay reads itself (read_next) */
    /* what the input's reader would have done so far: its next() calls
     * (records and skipped ones) and the reports on its sink, for one
     * reader to pass over when a serial mark turns up late (run) */
    size_t nexts, said;
    bool stopped; /* the loop stopped (an error, --strict) */
} replay_ctx;

/* Says p's log entries [from, to); those of the reader's open were said by
 * the input's own reader. A writer's message names the run's output. */
static void say(replay_ctx *r, const piece *p, size_t from, size_t to, bool writer)
{
    bib_diag *d = writer ? bib_output_diag(r->wr->out) : bib_input_diag(r->rd->in);
    for (size_t i = from < p->skip ? p->skip : from; i < to; i++) {
        const log_ent *l = &p->log.v[i];
        if (l->kind == LOG_KEY)
            r->said += key_check(r->rd, p->log.keys.data + l->key, l->line);
        else {
            report_raw(d, l, l->file, "%s", l->text);
            r->said += !writer;
        }
    }
}

/* Whether the bytes a piece's writer made for e are the run's: 1 yes, 0
 * no (written again), or a negative status. The first record the run's
 * writer takes has no separator before it; a made key must still be free
 * (bib_key_unique takes the base key when it is, else a suffix), and so
 * must an id unless repeated ids are kept (bib_writer_keyed renames). */
static int settle(bib_writer *wr, const event *e, const char *key)
{
    if (!wr->written)
        return 0;
    if (e->kind == WKEY_NONE)
        return 1;
    int rc = wr->keys || (wr->keys = bib_keyset_new()) ? bib_keyset_add(wr->keys, key)
                                                       : BIB_ENOMEM;
    if (rc < 0) {
        bib_output_report(wr->out, BIB_SEV_ERROR, rc == BIB_EIO ? "cannot keep the used "
                          "ids in a temporary file (TMPDIR)" : "out of memory");
        return rc;
    }
    return e->kind == WKEY_ID && bib_writer_keeps_ids(wr) ? 1 : rc;
}

/* The bytes of a piece taken so far and not yet appended: written in one
 * call, which the output passes through without a copy. */
typedef struct span {
    size_t from, to;
} span;

static int span_flush(replay_ctx *r, const piece *p, span *sp)
{
    if (sp->to > sp->from)
        bib_output_write(r->wr->out, p->bytes.data + sp->from, sp->to - sp->from);
    sp->from = sp->to;
    return bib_output_error(r->wr->out);
}

/* One record of the write path, event i of piece k: its bytes taken into
 * *sp or the record written again. Returns as bib_writer_write. */
static int put_record(replay_ctx *r, piece *p, size_t k, size_t i, size_t from, span *sp)
{
    const event *e = &p->ev[i];
    int ok = settle(r->wr, e, p->keys.data ? p->keys.data + e->key : "");
    if (ok == 1) {
        say(r, p, e->nlog, e->nlogw, true);
        if (sp->to != from) { /* a record written again lies between */
            span_flush(r, p, sp);
            sp->from = from;
        }
        sp->to = e->end;
        if (e->took)
            r->wr->written++;
        return e->wrc < 0 ? e->wrc : 0;
    }
    if (ok < 0)
        return ok;
    int rc = span_flush(r, p, sp);
    if (rc < 0)
        return rc;
    bib_record *rec;
    int err = 0;
    rc = reread(&r->rr, r->j, p, k, i, &rec, &err);
    if (rc < 0) {
        if (err)
            bib_diag_report(bib_input_diag(r->rd->in), BIB_SEV_ERROR, r->j->name, 0, 0,
                            "cannot read again: %s", strerror(err));
        else
            bib_diag_report(bib_input_diag(r->rd->in), BIB_SEV_ERROR, r->j->name, 0, 0,
                            "%s reader read a piece differently the second time (plugin bug)",
                            r->j->fmt->name);
        return rc;
    }
    rc = bib_writer_write(r->wr, rec);
    bib_record_free(rec);
    return rc;
}

/* Asks for the key sets' slots of event i's keys (the reader's duplicate
 * check, the writer's used keys) a few records before they are added:
 * the sets are large and each add is otherwise a cache miss, as
 * bib_reader_prefetch_key avoids on one thread (perf: 3.7 % of a -j 2
 * run of 50 MB of BibTeX, on the thread that replays). */
static void prefetch_keys(const replay_ctx *r, const piece *p, size_t i)
{
    if (i >= p->nev)
        return;
    const event *e = &p->ev[i];
    const bib_keyset *sets[2] = {r->rd->log ? NULL : r->rd->keys, r->wr ? r->wr->keys : NULL};
    const char *key = r->wr && e->kind != WKEY_NONE && p->keys.data ? p->keys.data + e->key
                                                                    : NULL;
    for (size_t l = i ? e[-1].nlogw : 0; l < e->nlog && l < p->log.n; l++)
        if (p->log.v[l].kind == LOG_KEY) {
            key = p->log.keys.data + p->log.v[l].key;
            break;
        }
    if (key && (sets[0] || sets[1]))
        bib_keyset_prefetch_sets(sets, 2, NULL, key, strlen(key));
}

enum { KEYS_AHEAD = 8 }; /* records: the misses of eight adds overlap */

/* The events of one piece through the loop's policy; *stop when the loop
 * stops. Returns as bib_convert_records for what it saw. */
static int replay_piece(replay_ctx *r, piece *p, size_t k, bool *stop)
{
    int result = 0;
    size_t pos = 0, from = 0;
    span sp = {0, 0};
    for (size_t i = 0; i < KEYS_AHEAD; i++)
        prefetch_keys(r, p, i);
    for (size_t i = 0; i < p->nev && !*stop; i++) {
        event *e = &p->ev[i];
        prefetch_keys(r, p, i + KEYS_AHEAD);
        say(r, p, pos, e->nlog, false);
        pos = e->nlog;
        int rc = e->rc;
        if (rc == 0)
            break; /* the piece's end; the input goes on */
        r->nexts++;
        if (rc == 1) {
            r->st->read++;
            if (r->wr) {
                if (r->tick)
                    r->tick(r->ctx);
                rc = put_record(r, p, k, i, from, &sp);
                pos = e->nlogw;
            } else {
                bib_record *rec = e->rec;
                e->rec = NULL;
                rc = r->fn(r->ctx, rec);
            }
            from = e->end;
            if (rc == 0) {
                r->st->written++;
                continue;
            }
        }
        if (rc != BIB_EPARSE) {
            result = rc;
            *stop = true;
            break;
        }
        r->st->skipped++;
        result = BIB_EPARSE;
        if (r->rd->strict) {
            result = BIB_ESTOP;
            *stop = true;
        }
    }
    /* an output error shows here, a few records late: the run fails
     * anyway (exit 3, no file) */
    int wrc = r->wr ? span_flush(r, p, &sp) : 0;
    if (!*stop && wrc < 0) {
        result = wrc;
        *stop = true;
    }
    if (!*stop && p->log.failed) {
        result = BIB_ENOMEM;
        *stop = true;
    }
    if (!*stop) /* what the reader said after its last record */
        say(r, p, pos, p->log.n, false);
    return result;
}

/* Replays the pieces in order; returns as bib_convert_records. Called
 * with j->mu unlocked. */
static int replay(replay_ctx *r)
{
    jobs *j = r->j;
    int result = 0;
    bool stop = false;
    r->rr = (rereader){.piece = SIZE_MAX};
    for (size_t k = 0; !stop; k++) {
        pthread_mutex_lock(&j->mu);
        /* the next piece: read by now, read here, or waited for (a worker
         * reads it, the window is full, or it is not cut yet) */
        for (;;) {
            if (k < j->npc) {
                if (j->pc[k].done)
                    break;
                /* a piece to read: read here rather than sleep (the
                 * piece awaited itself, when no worker took it yet) */
                if (can_take(j)) {
                    read_next(j, &r->inbuf);
                    continue;
                }
                j->awaiting = true;
                j->await_k = k;
            } else if (j->cut_done) {
                break;
            } else {
                j->await_cut = true;
            }
            pthread_cond_wait(&j->done, &j->mu);
            j->awaiting = j->await_cut = false;
        }
        bool have = k < j->npc;
        piece p = have ? j->pc[k] : (piece){0};
        pthread_mutex_unlock(&j->mu);
        if (!have)
            break;
        int rc = replay_piece(r, &p, k, &stop);
        if (rc)
            result = rc;
        reread_close(&r->rr);
        pthread_mutex_lock(&j->mu);
        j->held -= p.held;
        piece_free(j, &p);
        j->pc[k] = p;
        j->replayed = k + 1;
        pthread_cond_broadcast(&j->work);
        pthread_mutex_unlock(&j->mu);
    }
    bib_buf_clear(&r->rr.buf);
    bib_buf_clear(&r->inbuf);
    r->stopped = stop;
    return result;
}

/* After a replay that a late serial mark ended (the cut's j->serial): one
 * reader reads the whole input as bib_convert_each does, passing over
 * what the replay already said and wrote, which it reads exactly as the
 * pieces did (the marks come after): its first r->nexts next() calls,
 * their records dropped, and the first r->said reports on its sink,
 * dropped there (neither said nor counted again), with the duplicate-key
 * check started again from empty. Returns as bib_convert_each. */
static int read_rest(replay_ctx *r, bib_convert_stats *stats)
{
    bib_reader *rd = r->rd;
    bib_diag *d = bib_input_diag(rd->in);
    bib_keyset_free(rd->keys);
    rd->keys = NULL;
    bib__diag_drop(d, r->said);
    int rc = 1;
    for (size_t i = 0; i < r->nexts && (rc > 0 || rc == BIB_EPARSE); i++) {
        bib_record *rec;
        rc = bib_reader_next(rd, &rec);
        bib_record_free(rec);
    }
    if (rc == 0) { /* ended before the records the pieces gave */
        bib__diag_drop_end(d);
        bib_diag_report(d, BIB_SEV_ERROR, r->j->name, 0, 0, "%s reader read the input "
                        "differently from its pieces (plugin bug)", r->j->fmt->name);
        return BIB_EPLUGIN;
    }
    if (rc > 0 || rc == BIB_EPARSE)
        rc = bib_convert_each(rd, r->fn, r->ctx, stats);
    bib__diag_drop_end(d);
    return rc;
}

/* ---- the driver ------------------------------------------------------------ */

/* What to cut: a regular file (*fd, *len), or a stream read ahead whole
 * when it is short (returned, *len). NULL and *fd -1: read with one
 * thread. */
static const char *whole_input(bib_reader *rd, size_t *len, int *fd)
{
    bib_input *in = rd->in;
    *fd = -1;
    const char *d;
    size_t n;
    /* the input looks at its start (BOM, UTF-16) on its first window */
    if (bib_input_offset(in) != 0 || bib_input_window(in, 0, &d, &n) != 0 ||
        bib_input_converted(in))
        return NULL;
    int f = bib_input_file_fd(in);
    if (f >= 0) {
        struct stat sb;
        if (fstat(f, &sb) != 0 || !S_ISREG(sb.st_mode) || sb.st_size <= 0 ||
            (uint64_t)sb.st_size > SIZE_MAX / 2)
            return NULL;
        *fd = f;
        *len = (size_t)sb.st_size;
        return NULL;
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

/* The cutting thread's view of the input: a stream read ahead whole, or
 * a window of a file slid forward (read, not mapped, as load_piece). */
typedef struct view {
    int fd;
    const char *mem; /* the stream's bytes, or NULL */
    size_t len;      /* the input's */
    /* a file's bytes [start, start + n), in a mapping of its own: a
     * malloc'd one moved glibc's mmap threshold (tests/robust, section 7) */
    char *buf;
    size_t n, start;
} view;

enum { VIEW_MAP = GIANT + 4096 };

/* The input's bytes from `at` on, at least `need` of them (fewer at the
 * end), followed by 16 NUL bytes for the split function; NULL when the
 * file cannot be read (one thread then reads it and says why). */
static const char *view_at(view *v, size_t at, size_t need)
{
    if (v->mem)
        return v->mem + at;
    if (need > v->len - at)
        need = v->len - at;
    if (at + need <= v->start + v->n)
        return v->buf + (at - v->start);
    if (!v->buf) {
        void *m = mmap(NULL, VIEW_MAP, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED)
            return NULL;
        v->buf = m;
    }
    size_t keep = v->start + v->n - at; /* at only grows */
    memmove(v->buf, v->buf + (at - v->start), keep);
    v->n = keep;
    v->start = at;
    /* 1 MiB at a time (a larger window is slower: out of the cache) */
    size_t want = need > ((size_t)1 << 20) ? need : (size_t)1 << 20;
    if (want > v->len - at)
        want = v->len - at;
    if (want + 16 > VIEW_MAP)
        return NULL;
    while (v->n < want) {
        ssize_t n = pread(v->fd, v->buf + v->n, want - v->n, (off_t)(v->start + v->n));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return NULL;
        v->n += (size_t)n;
    }
    memset(v->buf + v->n, 0, 16);
    return v->buf;
}

/* The end of the piece that starts at `at`: split() looks a few pieces
 * ahead, and up to GIANT only when it found no boundary there. *d gets the
 * piece's bytes; 0: the file could not be read. */
static size_t next_cut(view *v, bib_split_fn split, size_t at, size_t psize, unsigned *flags,
                       const char **d)
{
    size_t rest = v->len - at;
    for (size_t look = 4 * psize < GIANT ? 4 * psize : GIANT;; look = GIANT) {
        if (look > rest)
            look = rest;
        if (!(*d = view_at(v, at, look)))
            return 0;
        size_t n = split(*d, look, look > psize + psize / 2 ? psize : look, flags);
        if (n == 0 || n > look)
            n = look;
        if (n < look || look == rest || look == GIANT || (*flags & BIB_SPLIT_SERIAL))
            return n;
    }
}

/* Cuts the input into pieces for the workers while they read and the
 * replay writes; returns true when the input must be read by one thread
 * after all (a serial mark, or cutting failed): the pieces before it
 * were cut right, and the replay may have said them. Stops early when
 * the replay did (j->quit). */
static bool cut(jobs *j, bib_split_fn split, view *v, size_t psize)
{
    unsigned flags = 0;
    size_t at = 0, line = 1;
    while (at < v->len && !(flags & BIB_SPLIT_SERIAL)) {
        /* the last piece is scanned too, for its serial marks; the scan
         * looks at most 4 MiB ahead: no boundary there means a giant
         * record, which one reader streams (and RSS stays flat) */
        const char *d;
        size_t n = next_cut(v, split, at, psize, &flags, &d);
        if (!n)
            return true;
        if (n == GIANT && v->len - at > GIANT)
            flags |= BIB_SPLIT_SERIAL;
        if (flags & BIB_SPLIT_SERIAL)
            break; /* not handed out: the workers stop after their piece */
        pthread_mutex_lock(&j->mu);
        if (j->quit) {
            pthread_mutex_unlock(&j->mu);
            return false;
        }
        if (j->npc == j->cappc) {
            size_t cap = j->cappc ? j->cappc * 2 : 64;
            piece *pv = realloc(j->pc, cap * sizeof *pv);
            if (!pv) {
                pthread_mutex_unlock(&j->mu);
                return true;
            }
            j->pc = pv;
            j->cappc = cap;
        }
        j->pc[j->npc] = (piece){.data = v->mem ? d : NULL, .len = n, .line = line, .offset = at};
        j->npc++;
        pthread_cond_broadcast(&j->work);
        if (j->await_cut)
            pthread_cond_signal(&j->done);
        while (j->lockstep && !j->quit && j->replayed < j->npc)
            pthread_cond_wait(&j->work, &j->mu);
        pthread_mutex_unlock(&j->mu);
        line += bib__count_lines(d, n);
        at += n;
    }
    return (flags & BIB_SPLIT_SERIAL) != 0;
}

/* What the cutting thread is given. */
typedef struct cut_arg {
    jobs *j;
    bib_split_fn split;
    view *v;
    size_t psize;
} cut_arg;

/* The cutting thread: cut() and its end said to the others. */
static void *cutter(void *arg)
{
    cut_arg *c = arg;
    jobs *j = c->j;
    double t0 = thread_cpu(), w0 = wall();
    bool serial = cut(j, c->split, c->v, c->psize);
    if (c->v->buf) {
        munmap(c->v->buf, VIEW_MAP);
        c->v->buf = NULL;
    }
    pthread_mutex_lock(&j->mu);
    j->cut_cpu = thread_cpu() - t0;
    j->cut_wall = wall() - w0;
    for (size_t i = 0; i < j->npc; i++)
        j->done_at_cut += j->pc[i].done;
    j->serial = serial;
    j->cut_done = true;
    pthread_cond_broadcast(&j->work);
    pthread_cond_broadcast(&j->done);
    pthread_mutex_unlock(&j->mu);
    return NULL;
}

/* Bytes the pieces read ahead of the replay may hold in the write path
 * (the bench's knob: BIBCONV_JOBS_BUDGET, in KiB), beyond the window of
 * 2N pieces: few buffers stay warm; with the replay reading too, 1 MiB
 * (50 MB of BibTeX, -j 2: page faults 1,240-1,320 with 4 MiB, 880-930
 * with 1, wall 2-7 % less; bench/README.md). */
static size_t budget(void)
{
    const char *e = getenv("BIBCONV_JOBS_BUDGET");
    long n = e ? strtol(e, NULL, 10) : -1;
    return n >= 0 ? (size_t)n << 10 : (size_t)1 << 20;
}

/* bib_convert_write_jobs when wr is not NULL, else bib_convert_each_jobs. */
static int run(bib_reader *rd, unsigned nthreads, bib_writer *wr, bib_record_fn fn,
               void (*tick)(void *), void *ctx, bib_convert_stats *stats)
{
    bib_split_fn split = rd->fmt->reader->split;
    if (nthreads <= 1 || !split)
        return bib_convert_each(rd, fn, ctx, stats);
    view v = {-1, NULL, 0, NULL, 0, 0};
    v.mem = whole_input(rd, &v.len, &v.fd);
    size_t psize = piece_size();
    if ((!v.mem && v.fd < 0) || v.len <= psize)
        return bib_convert_each(rd, fn, ctx, stats);
    if (nthreads > 64)
        nthreads = 64;
    jobs j = {0};
    j.trace = getenv("BIBCONV_JOBS_TRACE") != NULL;
    j.lockstep = getenv("BIBCONV_JOBS_LOCKSTEP") != NULL;
    j.fd = v.fd;
    j.fmt = rd->fmt;
    j.opts = rd->opts;
    j.dest = rd->dest;
    j.strict = rd->strict;
    j.name = bib_input_name(rd->in);
    j.max_value = bib_input_max_value(rd->in);
    if (wr) {
        j.wfmt = wr->fmt;
        j.wopts = wr->opts;
        j.outname = bib_output_name(wr->out);
    }
    /* records take several times their input bytes: the window bounds
     * memory; written pieces keep their bytes only, so more of them are
     * read ahead while the input is cut, up to the budget */
    j.window = (size_t)nthreads * 2;
    j.budget = wr ? budget() : 0;
    /* as many spares as pieces may be read ahead (a budget of pieces of
     * about 200 KiB), so that the budget is not paid in page faults */
    j.nspares_max = j.window + 1 + j.budget / (200u << 10);
    j.spares = calloc(j.nspares_max, sizeof *j.spares); /* NULL: none kept */
    pthread_mutex_init(&j.mu, NULL);
    pthread_cond_init(&j.work, NULL);
    pthread_cond_init(&j.done, NULL);
    pthread_t th[64], ct;
    unsigned started = 0; /* N - 1 workers: the replay reads too (read_next) */
    for (; started + 1 < nthreads; started++)
        if (pthread_create(&th[started], NULL, worker, &j) != 0)
            break;
    /* The cut runs beside the workers and the replay: the first pieces
     * are written while it goes on, and the pieces read ahead are few, so
     * their buffers come back warm (docs/real-use.md, "Threads"). A
     * serial mark it finds late sends the input to one reader after all
     * (read_rest). Without a thread of its own, it runs first. */
    cut_arg ca = {&j, split, &v, psize};
    bool cut_thread = started && pthread_create(&ct, NULL, cutter, &ca) == 0;
    if (started && !cut_thread)
        cutter(&ca);
    int rc = 0;
    bib_convert_stats st = {0, 0, 0};
    replay_ctx r = {&j, rd, wr, fn, tick, ctx, &st, {0}, BIB_BUF_INIT, 0, 0, false};
    double t1 = thread_cpu();
    if (started)
        rc = replay(&r);
    double t2 = thread_cpu();
    pthread_mutex_lock(&j.mu);
    j.quit = true;
    pthread_cond_broadcast(&j.work);
    pthread_mutex_unlock(&j.mu);
    if (cut_thread)
        pthread_join(ct, NULL);
    for (unsigned i = 0; i < started; i++)
        pthread_join(th[i], NULL);
    if (v.buf)
        munmap(v.buf, VIEW_MAP);
    bool serial = !started || (j.serial && !r.stopped);
    /* tests: that the pieces were read apart; bench: where the time goes */
    if (j.trace)
        fprintf(stderr, "bibconv: jobs: %s: %zu pieces%s%s (CPU s: cut %.3f, replay and its reading %.3f, "
                "workers %.3f; wall s: cut %.3f, workers waiting on the budget %.3f; "
                "pieces read when the cut ended: %zu; records replayed: %zu)\n", j.name,
                j.npc, serial ? ", serial" : "", !serial && wr ? ", written apart" : "",
                j.cut_cpu, t2 - t1, j.worker_cpu, j.cut_wall, j.budget_wait, j.done_at_cut,
                r.nexts);
    for (size_t i = 0; i < j.npc; i++)
        piece_free(NULL, &j.pc[i]);
    free(j.pc);
    for (size_t i = 0; i < j.nspare; i++) {
        free(j.spares[i].ev);
        bib_buf_clear(&j.spares[i].bytes);
    }
    free(j.spares);
    pthread_cond_destroy(&j.work);
    pthread_cond_destroy(&j.done);
    pthread_mutex_destroy(&j.mu);
    if (serial) {
        int rest = read_rest(&r, &st);
        rc = rest ? rest : rc;
    }
    if (stats) {
        stats->read += st.read;
        stats->written += st.written;
        stats->skipped += st.skipped;
    }
    return rc;
}

int bib_convert_each_jobs(bib_reader *rd, unsigned threads, bib_record_fn fn, void *ctx,
                          bib_convert_stats *stats)
{
    return run(rd, threads, NULL, fn, NULL, ctx, stats);
}

int bib_convert_write_jobs(bib_reader *rd, unsigned threads, bib_writer *wr, bib_record_fn fn,
                           void (*tick)(void *ctx), void *ctx, bib_convert_stats *stats)
{
    bool pieces = wr && (wr->fmt->flags & BIB_WRITER_PIECES) && !wr->piece;
    /* records go from rd to wr: rd's key hints warm wr's key sets (read
     * on this thread only: the pieces of -j have readers of their own) */
    rd->ahead = wr;
    rd->dest = wr;
    int rc = run(rd, threads, pieces ? wr : NULL, fn, tick, ctx, stats);
    rd->ahead = NULL;
    rd->dest = NULL;
    return rc;
}
