/* SPDX-License-Identifier: MIT */
/*
 * pipeline.c - the record path of the `bibconv` command: inputs -> (dedupe)
 * -> (sort) -> keys -> writer, with the progress bar, and the `check`
 * command. The command has no loop of its own: each input, and the held
 * records of --dedupe/--sort, go through the library's bib_convert_records
 * (convert.h) with a callback, so the skip/--strict policy is core's.
 *
 * Memory: a plain conversion holds one record at a time. --dedupe and
 * --sort must see every record before writing the first, so in those modes
 * memory grows with the number of records (one merged record per work).
 *
 * Not for: argument parsing (main.c) or any format knowledge (plugins).
 */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

/* ---- progress bar ------------------------------------------------------- */

/* Drawn on stderr only when it is a terminal and the run has lasted about
 * a second, so short runs and pipes never see it. */
typedef struct progress {
    bool on, drawn;
    bool flush; /* stderr is a file or a pipe: buffered (main.c), flushed here */
    double start, last, flushed;
    size_t records;
    uint64_t done_bytes; /* of the inputs already finished */
    bib_input *cur;
} progress;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void progress_tick(progress *p)
{
    p->records++;
    if (p->records % 64)
        return;
    if (!p->on) {
        double t = p->flush ? now_s() : 0;
        if (p->flush && t - p->flushed >= 0.5) {
            fflush(stderr);
            p->flushed = t;
        }
        return;
    }
    double t = now_s();
    if (t - p->start < 1.0 || t - p->last < 0.2)
        return;
    p->last = t;
    uint64_t bytes = p->done_bytes + (p->cur ? bib_input_offset(p->cur) : 0);
    double el = t - p->start;
    fprintf(stderr, "\r\033[K%zu records  %.1f MiB  %.0f records/s  %.1f MiB/s", p->records,
            (double)bytes / 1048576.0, (double)p->records / el, (double)bytes / 1048576.0 / el);
    p->drawn = true;
}

static void progress_done(progress *p)
{
    if (p->drawn)
        fputs("\r\033[K", stderr);
    p->drawn = false;
}

/* ---- the input loop ------------------------------------------------------ */

bib_input *cli_open_input(const char *path, bib_diag *diag)
{
    if (strcmp(path, "-") == 0)
        return bib_input_open_fd(STDIN_FILENO, "<stdin>", diag);
    return bib_input_open_file(path, diag);
}

/* What the loop's callback needs around the command's sink: the progress
 * bar, and whether a stop came from the sink (the run ends) rather than
 * from one input's reader (the next input is still read). */
typedef struct feed {
    bib_record_fn sink;
    void *ctx;
    progress *pg;
    bool sink_failed;
} feed;

static int feed_one(void *ctx, bib_record *rec)
{
    feed *f = ctx;
    progress_tick(f->pg);
    int rc = f->sink(f->ctx, rec);
    if (rc < 0 && rc != BIB_EPARSE)
        f->sink_failed = true;
    return rc;
}

static void feed_tick(void *ctx)
{
    feed *f = ctx;
    progress_tick(f->pg);
}

static int exit_of(int rc)
{
    return rc == BIB_EIO || rc == BIB_ENOMEM ? EXIT_SYSTEM : EXIT_BADINPUT;
}

/* Resolves -f (validated against `to`), or NULL to detect per input;
 * returns an EXIT_* status. */
static int input_format(cli *c, const bib_format_desc *to, const bib_format_desc **from)
{
    *from = NULL;
    if (!c->from)
        return EXIT_OK;
    *from = bib_registry_find(c->reg, c->from);
    if (!*from || !(*from)->reader) {
        char known[512];
        cli_list_known(c->reg, true, known, sizeof known);
        bib_diag_report(c->diag, BIB_SEV_ERROR, NULL, 0, 0,
                        "unknown input format '%s' (known: %s)", c->from, known);
        return EXIT_USAGE;
    }
    return bib_options_validate(c->opts, *from, to, c->diag) ? EXIT_USAGE : EXIT_OK;
}

/* The threads of a run without -j (or with -j auto): the cores this
 * process may use when the workers write their pieces too (the writer has
 * BIB_WRITER_PIECES and takes the records unchanged), at most 8, since
 * a thread cuts the input and another appends the pieces; one otherwise,
 * where only reading runs in parallel and -j 2 was measured no faster
 * than -j 1, for more CPU (docs/real-use.md, "Threads"). */
static unsigned auto_jobs(const cli *c)
{
    if (!c->direct || !(bib_writer_format(c->direct)->flags & BIB_WRITER_PIECES))
        return 1;
    long n = 1;
#ifdef CPU_COUNT
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        n = CPU_COUNT(&set);
    else
#endif
        n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 8 ? 8 : (unsigned)n;
}

int cli_read_all(cli *c, int nfiles, char **files, const bib_format_desc *to, bib_record_fn sink,
                 void *ctx, bib_convert_stats *st)
{
    static char *stdin_only[] = {"-"};
    if (nfiles == 0) {
        nfiles = 1;
        files = stdin_only;
    }
    progress pg = {0};
    pg.on = !c->no_progress && !c->json && isatty(STDERR_FILENO);
    pg.flush = !isatty(STDERR_FILENO);
    pg.start = pg.flushed = now_s();
    const bib_format_desc *from;
    int status = input_format(c, to, &from);
    if (status != EXIT_OK)
        return status;
    feed fd = {sink, ctx, &pg, false};
    bool stop = false;
    for (int i = 0; i < nfiles && !stop; i++) {
        bib_input *in = cli_open_input(files[i], c->diag);
        if (!in) {
            status = EXIT_SYSTEM;
            continue;
        }
        const bib_format_desc *f = from;
        if (!f) {
            if (bib_registry_probe(c->reg, in, &f, NULL, 0, NULL, NULL) < 0) {
                bib_input_free(in);
                if (status == EXIT_OK)
                    status = EXIT_BADINPUT;
                continue;
            }
            if (bib_options_validate(c->opts, f, to, c->diag)) {
                bib_input_free(in);
                status = EXIT_USAGE;
                break;
            }
            bib_diag_report(c->diag, BIB_SEV_INFO, bib_input_name(in), 0, 0,
                            "detected format: %s", f->name);
        }
        bib_reader *rd;
        if (bib_reader_new(&rd, f, in, c->opts, c->strict) < 0) {
            bib_input_free(in);
            status = EXIT_BADINPUT;
            continue;
        }
        pg.cur = in;
        unsigned jobs = c->jobs ? c->jobs : auto_jobs(c);
        int rc = c->direct ? bib_convert_write_jobs(rd, jobs, c->direct, feed_one, feed_tick,
                                                    &fd, st)
                           : bib_convert_each_jobs(rd, jobs, feed_one, &fd, st);
        if (rc == BIB_EPARSE || rc == BIB_ESTOP) {
            if (status == EXIT_OK)
                status = EXIT_BADINPUT;
            stop = rc == BIB_ESTOP;
        } else if (rc < 0) {
            /* a reader's failure ends its input; the sink's ends the run */
            status = exit_of(rc);
            stop = fd.sink_failed ||
                   (c->direct && bib_output_error(bib_writer_output(c->direct)));
        }
        pg.done_bytes += bib_input_offset(in);
        pg.cur = NULL;
        bib_reader_free(rd);
        bib_input_free(in);
    }
    progress_done(&pg);
    return status;
}

/* ---- conversion: hold, dedupe, sort, keys, write ------------------------- */

typedef struct conv {
    cli *c;
    bib_writer *wr;
    bib_dedupe *dd;
    bib_record **held;
    size_t nheld, cap;
    bib_keyset *used;
    bib_buf key;
    size_t written, merged;
} conv;

/* Applies the key policy, writes and frees rec. */
static int emit(conv *v, bib_record *rec)
{
    int rc = 0;
    if (v->c->keys != KEYS_WRITER && bib_record_kind_of(rec) == BIB_RECORD_ENTRY) {
        const char *id = bib_record_id(rec);
        bib_buf_reset(&v->key);
        if (v->c->keys == KEYS_KEEP && id && *id) {
            rc = bib_keyset_add(v->used, id) < 0 ? bib_keyset_error(v->used) : 0;
        } else {
            rc = bib_key_unique(&v->key, v->used, rec, v->c->keys == KEYS_AUTO ? id : NULL);
            if (rc == 0 && !(id && strcmp(id, v->key.data) == 0))
                rc = bib_record_set_id(rec, v->key.data);
        }
        if (rc == BIB_EIO) /* the key set spills past BIB_KEYSET_MAX keys */
            bib_diag_report(v->c->diag, BIB_SEV_ERROR, NULL, 0, 0,
                            "cannot keep the used keys in a temporary file (TMPDIR)");
    }
    if (rc == 0)
        rc = bib_writer_write(v->wr, rec);
    bib_record_free(rec);
    return rc;
}

static int hold(conv *v, bib_record *rec)
{
    if (v->nheld == v->cap) {
        size_t cap = v->cap ? v->cap * 2 : 256;
        bib_record **n = realloc(v->held, cap * sizeof *n);
        if (!n) {
            bib_record_free(rec);
            return BIB_ENOMEM;
        }
        v->held = n;
        v->cap = cap;
    }
    v->held[v->nheld++] = rec;
    return 0;
}

static int conv_sink(void *ctx, bib_record *rec)
{
    conv *v = ctx;
    if (v->dd) {
        size_t line = 0, gline = 0, g;
        char where[512] = "";
        const char *o = bib_record_origin(rec, &line);
        /* copied: the engine may free rec */
        snprintf(where, sizeof where, "%s", o ? o : "");
        int rc = bib_dedupe_add(v->dd, rec, &g);
        if (rc == 1) {
            v->merged++;
            const bib_record *m = bib_dedupe_at(v->dd, g);
            const char *go = bib_record_origin(m, &gline);
            const char *id = bib_record_id(m);
            if (v->c->verbose)
                bib_diag_report(v->c->diag, BIB_SEV_NOTE, where[0] ? where : NULL, line, 0,
                                "same work as %s:%zu%s%s%s: merged", go ? go : "?", gline,
                                id ? " ('" : "", id ? id : "", id ? "')" : "");
        }
        return rc < 0 ? rc : 0;
    }
    if (v->c->sort != SORT_NONE)
        return hold(v, rec);
    return emit(v, rec);
}

typedef struct sortent {
    bib_record *rec;
    char *key;
    int year;
    size_t idx;
} sortent;

static int cmp_ent(const void *pa, const void *pb)
{
    const sortent *a = pa, *b = pb;
    if (a->year != b->year)
        return a->year < b->year ? -1 : 1;
    int c = strcmp(a->key ? a->key : "", b->key ? b->key : "");
    if (c)
        return c;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Builds the sort key of one record for the chosen order. */
static char *sort_key(const bib_record *r, int how, int *year)
{
    bib_buf b;
    bib_buf_init(&b);
    *year = 0;
    if (bib_record_kind_of(r) != BIB_RECORD_ENTRY) {
        bib_buf_puts(&b, "");
        return bib_buf_detach(&b);
    }
    const bib_field *f;
    const char *s;
    switch (how) {
    case SORT_KEY:
        if (bib_record_id(r))
            bib_buf_puts(&b, bib_record_id(r));
        else
            bib_key_generate(&b, r);
        break;
    case SORT_YEAR: {
        f = bib_record_get(r, BIB_VAR_ISSUED);
        const bib_date *d = f ? bib_field_date(f) : NULL;
        /* undated records last, as reference lists put "n.d." */
        *year = d && d->nparts && d->parts[0].has_year ? d->parts[0].year : 1 << 30;
        if (d && d->nparts)
            bib_buf_printf(&b, "%02d%02d", d->parts[0].month, d->parts[0].day);
        break;
    }
    case SORT_AUTHOR:
        f = bib_record_get(r, BIB_VAR_AUTHOR);
        if (!f || !bib_field_name_count(f))
            f = bib_record_get(r, BIB_VAR_EDITOR);
        for (size_t i = 0; f && i < bib_field_name_count(f) && i < 8; i++) {
            const bib_name *n = bib_field_name_at(f, i);
            s = n->family ? n->family : n->literal ? n->literal : "";
            bib_utf8_match_key(&b, s, strlen(s));
            bib_buf_putc(&b, '\x01');
            if (n->given)
                bib_utf8_match_key(&b, n->given, strlen(n->given));
            bib_buf_putc(&b, '\x02');
        }
        if (!b.len)
            bib_buf_puts(&b, "\x7f"); /* no name: last */
        break;
    case SORT_TITLE:
        s = bib_record_text(r, BIB_VAR_TITLE);
        if (s)
            bib_utf8_match_key(&b, s, strlen(s));
        else
            bib_buf_puts(&b, "\x7f");
        break;
    }
    return bib_buf_detach(&b);
}

/* The held records in output order, as a record source for the loop. */
typedef struct held_iter {
    sortent *e;
    size_t n, pos;
} held_iter;

static int held_next(void *src, bib_record **out)
{
    held_iter *it = src;
    if (it->pos == it->n)
        return 0;
    *out = it->e[it->pos++].rec;
    return 1;
}

static int emit_sink(void *ctx, bib_record *rec) { return emit(ctx, rec); }

/* Writes the held records (sorted when asked) through the library's loop,
 * so a record the writer refuses is skipped or stops the run as any
 * other. Frees every held record. */
static int flush_sorted(conv *v, bib_convert_stats *st)
{
    sortent *e = calloc(v->nheld ? v->nheld : 1, sizeof *e);
    if (!e)
        return BIB_ENOMEM;
    for (size_t i = 0; i < v->nheld; i++) {
        e[i].rec = v->held[i];
        e[i].idx = i;
        e[i].key = sort_key(v->held[i], v->c->sort, &e[i].year);
    }
    if (v->c->sort != SORT_NONE)
        qsort(e, v->nheld, sizeof *e, cmp_ent);
    for (size_t i = 0; i < v->nheld; i++)
        free(e[i].key);
    held_iter it = {e, v->nheld, 0};
    bib_convert_stats fst = {0, 0, 0};
    int rc = bib_convert_records(held_next, &it, v->c->strict, emit_sink, v, &fst);
    st->skipped += fst.skipped;
    for (size_t i = it.pos; i < it.n; i++) /* not reached after a stop */
        bib_record_free(e[i].rec);
    free(e);
    v->nheld = 0;
    return rc;
}

int cli_convert(cli *c, int nfiles, char **files)
{
    const bib_format_desc *to = bib_registry_find(c->reg, c->to);
    if (!to || !to->writer) {
        char known[512];
        cli_list_known(c->reg, false, known, sizeof known);
        bib_diag_report(c->diag, BIB_SEV_ERROR, NULL, 0, 0,
                        "unknown output format '%s' (known: %s)", c->to, known);
        return EXIT_USAGE;
    }
    /* the command owns keys=...: a writer with its own keys option is told
     * to keep the ids the command has made unique */
    if (c->keys != KEYS_WRITER)
        for (const bib_option_spec *s = to->writer->options; s && s->name; s++)
            if (strcmp(s->name, "keys") == 0)
                bib_options_set(c->opts, "keys", "keep");
    /* a usage error writes nothing: an unknown -f is found before the
     * writer begins (an empty CSL-JSON array went to stdout) */
    const bib_format_desc *from;
    int us = input_format(c, to, &from);
    if (us != EXIT_OK)
        return us;
    bib_output *out = c->out ? bib_output_open_file(c->out, c->diag)
                             : bib_output_open_fd(STDOUT_FILENO, "<stdout>", c->diag);
    if (!out)
        return EXIT_SYSTEM;
    conv v = {0};
    v.c = c;
    bib_buf_init(&v.key);
    if (bib_writer_new(&v.wr, to, out, c->opts) < 0) {
        bib_output_free(out);
        return EXIT_SYSTEM;
    }
    v.used = bib_keyset_new();
    if (c->dedupe)
        v.dd = bib_dedupe_new(&c->dcfg);
    int status = !v.used || (c->dedupe && !v.dd) ? EXIT_SYSTEM : EXIT_OK;
    bib_convert_stats st = {0, 0, 0};
    if (c->keys == KEYS_WRITER && !c->dedupe && c->sort == SORT_NONE)
        c->direct = v.wr; /* conv_sink is then emit(): bib_writer_write */
    if (status == EXIT_OK)
        status = cli_read_all(c, nfiles, files, to, conv_sink, &v, &st);
    c->direct = NULL;
    if (v.dd) {
        size_t n = bib_dedupe_count(v.dd);
        for (size_t i = 0; i < n && status != EXIT_SYSTEM; i++) {
            bib_record *r = bib_dedupe_take(v.dd, i);
            if (r && hold(&v, r) < 0)
                status = EXIT_SYSTEM;
        }
        bib_dedupe_free(v.dd);
        v.dd = NULL;
    }
    if (v.nheld || v.held) {
        int rc = flush_sorted(&v, &st);
        if (rc < 0 && status == EXIT_OK)
            status = exit_of(rc);
    }
    free(v.held);
    if (status == EXIT_OK && bib_diag_count(c->diag, BIB_SEV_ERROR))
        status = EXIT_BADINPUT;
    v.written = bib_writer_written(v.wr); /* directives the target drops are not counted */
    int erc = bib_writer_finish(v.wr);
    bib_writer_free(v.wr);
    bib_keyset_free(v.used);
    bib_buf_clear(&v.key);
    if (erc < 0 && status == EXIT_OK)
        status = exit_of(erc);
    if (status == EXIT_OK) {
        if (bib_output_commit(out) < 0)
            status = EXIT_SYSTEM;
    } else if (c->out) {
        bib_diag_report(c->diag, BIB_SEV_NOTE, c->out, 0, 0,
                        "not written: the run was not clean, the existing file is unchanged");
    } else {
        bib_output_commit(out); /* stdout: flush what was converted */
    }
    bib_output_free(out);
    if (c->verbose || st.skipped) {
        if (c->dedupe)
            bib_diag_report(c->diag, BIB_SEV_NOTE, NULL, 0, 0,
                            "%zu records merged into works seen before", v.merged);
        bib_diag_report(c->diag, st.skipped ? BIB_SEV_WARNING : BIB_SEV_NOTE, NULL, 0, 0,
                        "%zu records read, %zu written, %zu skipped", st.read, v.written,
                        st.skipped);
    }
    return status;
}

/* ---- check ---------------------------------------------------------------- */

static int check_sink(void *ctx, bib_record *rec)
{
    int rc = bib_checker_record(ctx, rec);
    bib_record_free(rec);
    return rc < 0 ? rc : 0;
}

int cli_check(cli *c, int nfiles, char **files)
{
    bib_checker *chk = bib_checker_new(c->diag);
    if (!chk)
        return EXIT_SYSTEM;
    bib_convert_stats st = {0, 0, 0};
    int status = cli_read_all(c, nfiles, files, NULL, check_sink, chk, &st);
    size_t problems = bib_checker_problems(chk);
    size_t input = bib_diag_count(c->diag, BIB_SEV_ERROR) +
                   bib_diag_count(c->diag, BIB_SEV_WARNING) - problems;
    bib_checker_free(chk);
    bib_diag_report(c->diag, problems || input ? BIB_SEV_WARNING : BIB_SEV_NOTE, NULL, 0, 0,
                    "%zu records checked: %zu problems, %zu input diagnostics, %zu records "
                    "unreadable",
                    st.read, problems, input, st.skipped);
    if (status == EXIT_OK && (problems || input))
        status = EXIT_BADINPUT;
    return status;
}
