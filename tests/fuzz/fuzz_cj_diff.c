/* SPDX-License-Identifier: MIT */
/*
 * fuzz_cj_diff.c - differential target: the same bytes, read as one
 * CSL-JSON item by the DOM-free path (cj_read_item) and by jansson +
 * bib_cslitem_from_json (the oracle), must give the same record -- the
 * same compact CSL-JSON text with every extra -- and the same diagnostics,
 * or the DOM-free path must hand the item to jansson (CJ_FALLBACK) without
 * a word. It aborts on the first difference, so the fuzzer keeps the input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv.h"
#include "cj_read.h"
#include "cslitem.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static bib_diag *diag;
static bib_buf said; /* the diagnostics of the current path, one per line */
static cj_reader cr;

static void collect(const bib_diag_msg *m, void *payload)
{
    (void)payload;
    bib_buf_printf(&said, "%d %zu:%zu %s\n", (int)m->severity, m->line, m->column, m->message);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    diag = bib_diag_new();
    bib_diag_set_callback(diag, collect, NULL);
    bib_buf_init(&said);
    cj_reader_init(&cr);
    return 0;
}

/* The record's compact CSL-JSON with every extra, or the status. */
static void describe(bib_buf *out, int rc, const bib_record *rec)
{
    bib_buf_reset(out);
    if (rc == 0 && rec)
        bib_cslitem_write(out, rec, BIB_CSLITEM_CUSTOM_EXTRAS, 0);
    else
        bib_buf_printf(out, "status %d", rc);
}

static void differ(const char *what, const bib_buf *a, const bib_buf *b)
{
    fprintf(stderr, "fuzz_cj_diff: %s differ\n  jansson: %s\n  stream:  %s\n", what, a->data,
            b->data);
    abort();
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    bib_input *in = bib_input_open_memory(data, size, "fuzz", diag);
    if (!in)
        return 0;
    bib_cslitem_ctx ctx = {in, 1, 1, 0};
    const char *d = (const char *)data;

    bib_buf_reset(&said);
    bib_record *rb = NULL;
    int rcb = cj_read_item(&cr, d, size, &ctx, &rb);
    bib_buf said_b = BIB_BUF_INIT;
    bib_buf_append(&said_b, said.data, said.len);

    if (rcb == CJ_FALLBACK) {
        if (said_b.len)
            differ("diagnostics before a fallback", &said_b, &said_b);
    } else {
        bib_buf_reset(&said);
        json_error_t err;
        bib_record *ra = NULL;
        int rca = BIB_EPARSE;
        json_t *j = json_loadb(d, size, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
        if (j) {
            rca = bib_cslitem_from_json(&ra, j, &ctx);
            json_decref(j);
        }
        bib_buf a = BIB_BUF_INIT, b = BIB_BUF_INIT;
        describe(&a, rca, ra);
        describe(&b, rcb, rb);
        if (strcmp(a.data, b.data) != 0)
            differ("records", &a, &b);
        if (strcmp(said.data, said_b.data) != 0)
            differ("diagnostics", &said, &said_b);
        bib_buf_clear(&a);
        bib_buf_clear(&b);
        bib_record_free(ra);
    }
    bib_record_free(rb);
    bib_buf_clear(&said_b);
    bib_input_free(in);
    return 0;
}
