/* SPDX-License-Identifier: MIT */
/*
 * fuzz_writer.c - the writers' targets: the input is read as CSL-JSON
 * (fuzz_writer) or as BibTeX (fuzz_bt_writer, BIB_FUZZ_WRITER_FROM set by
 * tests/fuzz/meson.build: LaTeX, BibTeX name lists and kept source text
 * make records that CSL-JSON never gives); records the reader skips are
 * skipped. Every record is then written to each format that has a writer,
 * through the library's public calls as the command makes them (default
 * options, the writer's own keys). Each output is read back by that
 * format's reader in strict mode: a re-read that fails, or that yields
 * another number of records than the writer took, is a finding and aborts
 * with the output and the reader's messages.
 *
 * A writer that refuses a record (BIB_EPARSE, reported) is allowed: some
 * formats cannot say everything. Any other writer error is a finding too.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bibconv.h"

#ifndef BIB_FUZZ_WRITER_FROM
#define BIB_FUZZ_WRITER_FROM "csljson"
#endif

#define MAX_RECORDS 64
#define MAX_FORMATS 64

static bib_diag *quiet;  /* read and write: their messages are not looked at */
static bib_diag *reread; /* the re-read: kept, printed with a finding */
static bib_buf said;
static bib_registry *reg;
static const bib_format_desc *from; /* the input's reader */
static const bib_format_desc *writers[MAX_FORMATS];
static size_t nwriters;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static void collect(const bib_diag_msg *m, void *payload)
{
    (void)payload;
    bib_buf_printf(&said, "  %zu:%zu: %d: %s\n", m->line, m->column, (int)m->severity,
                   m->message);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    quiet = bib_diag_new();
    reread = bib_diag_new();
    reg = bib_registry_new(quiet);
    bib_registry_load(reg, 0);
    bib_diag_set_callback(quiet, NULL, NULL); /* loader messages were shown */
    bib_diag_set_callback(reread, collect, NULL);
    bib_buf_init(&said);
    from = bib_registry_find(reg, BIB_FUZZ_WRITER_FROM);
    for (size_t i = 0; i < bib_registry_count(reg) && nwriters < MAX_FORMATS; i++)
        if (bib_registry_at(reg, i)->writer)
            writers[nwriters++] = bib_registry_at(reg, i);
    if (!from || !from->reader || !nwriters) {
        fprintf(stderr, "fuzz_writer: no %s reader or no writer found\n", BIB_FUZZ_WRITER_FROM);
        exit(1);
    }
    return 0;
}

static _Noreturn void finding(const bib_format_desc *fmt, const char *what, const bib_output *out)
{
    size_t len;
    const char *text = bib_output_memory(out, &len);
    fprintf(stderr, "fuzz_writer: %s: %s\n--- output (%zu bytes)\n%s\n--- re-read said\n%s",
            fmt->name, what, len, text ? text : "", said.data ? said.data : "");
    abort();
}

/* Reads back what `fmt` wrote (strict); `taken` records are expected. */
static void check_reread(const bib_format_desc *fmt, const bib_output *out, size_t taken)
{
    size_t len;
    const char *text = bib_output_memory(out, &len);
    bib_buf_reset(&said);
    bib_input *in = bib_input_open_memory(text, len, "written", reread);
    bib_reader *rd;
    if (!in || bib_reader_new(&rd, fmt, in, NULL, true) < 0)
        finding(fmt, "the reader does not open", out);
    size_t n = 0;
    int rc;
    bib_record *rec;
    while ((rc = bib_reader_next(rd, &rec)) == 1) {
        if (bib_record_kind_of(rec) == BIB_RECORD_ENTRY)
            n++;
        bib_record_free(rec);
    }
    bib_reader_free(rd);
    bib_input_free(in);
    if (rc < 0)
        finding(fmt, "the strict re-read failed", out);
    if (n != taken) {
        char what[96];
        snprintf(what, sizeof what, "wrote %zu records, read back %zu", taken, n);
        finding(fmt, what, out);
    }
}

static void write_and_reread(const bib_format_desc *fmt, bib_record **recs, size_t nrecs)
{
    bib_output *out = bib_output_open_memory(quiet);
    bib_writer *wr;
    if (!out || bib_writer_new(&wr, fmt, out, NULL) < 0)
        finding(fmt, "the writer does not open", out);
    size_t taken = 0;
    for (size_t i = 0; i < nrecs; i++) {
        size_t before = bib_writer_written(wr); /* BIB_WRITE_LEFT_OUT: not written */
        int rc = bib_writer_write(wr, recs[i]);
        if (rc == 0 && bib_writer_written(wr) > before &&
            bib_record_kind_of(recs[i]) == BIB_RECORD_ENTRY)
            taken++;
        else if (rc < 0 && rc != BIB_EPARSE)
            finding(fmt, "the writer failed", out);
    }
    int rc = bib_writer_finish(wr);
    bib_writer_free(wr);
    if ((rc < 0 && rc != BIB_EPARSE) || bib_output_commit(out) < 0)
        finding(fmt, "the writer's end failed", out);
    if (fmt->reader)
        check_reread(fmt, out, taken);
    bib_output_free(out);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    bib_record *recs[MAX_RECORDS];
    size_t nrecs = 0;
    bib_input *in = bib_input_open_memory(data, size, "fuzz", quiet);
    bib_reader *rd;
    if (in && bib_reader_new(&rd, from, in, NULL, false) == 0) {
        int rc;
        while (nrecs < MAX_RECORDS &&
               ((rc = bib_reader_next(rd, &recs[nrecs])) == 1 || rc == BIB_EPARSE))
            if (rc == 1)
                nrecs++;
        bib_reader_free(rd);
    }
    bib_input_free(in);
    if (nrecs)
        for (size_t f = 0; f < nwriters; f++)
            write_and_reread(writers[f], recs, nrecs);
    for (size_t i = 0; i < nrecs; i++)
        bib_record_free(recs[i]);
    return 0;
}
