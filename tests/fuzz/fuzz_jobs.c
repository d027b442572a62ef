/* SPDX-License-Identifier: MIT */
/*
 * fuzz_jobs.c - the -j target, differential: the same input converted
 * with one thread and with several, in pieces of a few bytes, must give
 * the same output bytes, the same diagnostics (severity, file, line,
 * column, offset, text, in order), the same counts and the same status
 * (docs/real-use.md, "Threads": byte for byte those of -j 1). Anything
 * else is a finding and aborts with both runs.
 *
 * The first three bytes choose: the reader and the writer (byte 0: BibTeX,
 * BibLaTeX, RIS or JSON Lines into CSL-JSON or JSON Lines, whose workers
 * write their pieces, or RIS or BibTeX, whose records are replayed to the
 * calling thread; bit 7 strict; bit 4 the lockstep seam, which makes
 * the cut wait for each piece's replay, so that a serial mark is found
 * after the pieces before it were said), the piece size (byte 1: 1 to 256 bytes,
 * so that small inputs are cut at every kind of place), the threads
 * (byte 2: 2 to 4) and the input's kind (byte 2, bit 7: a regular file,
 * which the workers read with pread, or memory, read ahead as standard
 * input is). The rest is the input.
 */
#define _GNU_SOURCE /* memfd_create */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "bibconv.h"

static bib_registry *reg;
static const char *const readers[] = {"bibtex", "biblatex", "ris", "csljsonl"};
static const char *const writers[] = {"csljson", "csljsonl", "ris", "bibtex"};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    bib_diag *quiet = bib_diag_new();
    reg = bib_registry_new(quiet);
    bib_registry_load(reg, 0);
    for (size_t i = 0; i < 4; i++)
        if (!bib_registry_find(reg, readers[i]) || !bib_registry_find(reg, writers[i])) {
            fprintf(stderr, "fuzz_jobs: format %s or %s not found\n", readers[i], writers[i]);
            exit(1);
        }
    return 0; /* quiet stays with the registry for the whole run */
}

/* One run's results: everything the two runs must agree on. */
typedef struct result {
    int rc, frc;
    bib_convert_stats st;
    bib_buf out;  /* the output's bytes */
    bib_buf said; /* the diagnostics, one per line */
} result;

static void collect(const bib_diag_msg *m, void *payload)
{
    bib_buf_printf(payload, "%d %s:%zu:%zu @%llu: %s\n", (int)m->severity,
                   m->file ? m->file : "-", m->line, m->column,
                   (unsigned long long)m->offset, m->message);
}

/* fn of bib_convert_write_jobs: the record to the writer, as the command
 * does without --sort, --dedupe or -O keys. */
static int write_one(void *ctx, bib_record *rec)
{
    int rc = bib_writer_write(ctx, rec);
    bib_record_free(rec);
    return rc;
}

/* Converts the input (fd >= 0: that file from its start; else memory)
 * with `threads` threads into r. */
static void run(const bib_format_desc *from, const bib_format_desc *to, bool strict,
                unsigned threads, int fd, const unsigned char *data, size_t size, result *r)
{
    memset(r, 0, sizeof *r);
    bib_buf_init(&r->out);
    bib_buf_init(&r->said);
    bib_diag *d = bib_diag_new();
    if (!d)
        abort();
    bib_diag_set_verbose(d, true);
    bib_diag_set_callback(d, collect, &r->said);
    if (fd >= 0 && lseek(fd, 0, SEEK_SET) != 0)
        abort();
    bib_input *in = fd >= 0 ? bib_input_open_fd(fd, "fuzz", d)
                            : bib_input_open_memory(data, size, "fuzz", d);
    bib_output *out = bib_output_open_memory(d);
    bib_reader *rd = NULL;
    bib_writer *wr = NULL;
    if (!in || !out || bib_writer_new(&wr, to, out, NULL) < 0)
        abort();
    r->rc = bib_reader_new(&rd, from, in, NULL, strict);
    if (r->rc == 0) {
        r->rc = bib_convert_write_jobs(rd, threads, wr, write_one, NULL, wr, &r->st);
        bib_reader_free(rd);
    }
    r->frc = bib_writer_finish(wr);
    bib_writer_free(wr);
    if (bib_output_commit(out) == 0) {
        size_t len;
        const char *text = bib_output_memory(out, &len);
        bib_buf_append(&r->out, text ? text : "", len);
    }
    bib_output_free(out);
    bib_input_free(in);
    bib_diag_free(d);
}

static bool same(const result *a, const result *b)
{
    return a->rc == b->rc && a->frc == b->frc && a->st.read == b->st.read &&
           a->st.written == b->st.written && a->st.skipped == b->st.skipped &&
           a->out.len == b->out.len && (!a->out.len || !memcmp(a->out.data, b->out.data,
                                                                a->out.len)) &&
           a->said.len == b->said.len &&
           (!a->said.len || !memcmp(a->said.data, b->said.data, a->said.len));
}

static void show(const char *what, const result *r)
{
    fprintf(stderr, "--- %s: status %d, end %d, read %zu, written %zu, skipped %zu\n"
            "--- its diagnostics\n%.*s--- its output (%zu bytes, the first 2,000)\n%.*s\n",
            what, r->rc, r->frc, r->st.read, r->st.written, r->st.skipped,
            (int)(r->said.len < 4000 ? r->said.len : 4000), r->said.data ? r->said.data : "",
            r->out.len, (int)(r->out.len < 2000 ? r->out.len : 2000),
            r->out.data ? r->out.data : "");
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    if (size < 3)
        return 0;
    const bib_format_desc *from = bib_registry_find(reg, readers[data[0] & 3]);
    const bib_format_desc *to = bib_registry_find(reg, writers[(data[0] >> 2) & 3]);
    bool strict = data[0] & 0x80;
    bool lockstep = data[0] & 0x10;
    char piece[8];
    snprintf(piece, sizeof piece, "%u", 1u + data[1]);
    unsigned threads = 2 + (data[2] & 0x7f) % 3;
    bool file = data[2] & 0x80;
    data += 3;
    size -= 3;
    int fd = -1;
    if (file) {
        fd = memfd_create("fuzz_jobs", 0);
        if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size))
            abort();
    }
    result one, many;
    run(from, to, strict, 1, fd, data, size, &one);
    /* read by the cutting code on each run (getenv): no thread is running */
    setenv("BIBCONV_JOBS_PIECE", piece, 1);
    if (lockstep)
        setenv("BIBCONV_JOBS_LOCKSTEP", "1", 1);
    run(from, to, strict, threads, fd, data, size, &many);
    unsetenv("BIBCONV_JOBS_PIECE");
    unsetenv("BIBCONV_JOBS_LOCKSTEP");
    if (!same(&one, &many)) {
        fprintf(stderr, "fuzz_jobs: %s -> %s%s%s, %s, -j %u in pieces of %s bytes differs from "
                "-j 1\n", from->name, to->name, strict ? ", strict" : "",
                lockstep ? ", lockstep" : "", file ? "a file" : "memory", threads, piece);
        show("-j 1", &one);
        show("-j N", &many);
        abort();
    }
    bib_buf_clear(&one.out);
    bib_buf_clear(&one.said);
    bib_buf_clear(&many.out);
    bib_buf_clear(&many.said);
    if (fd >= 0)
        close(fd);
    return 0;
}
