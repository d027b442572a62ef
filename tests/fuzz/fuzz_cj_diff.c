/* SPDX-License-Identifier: MIT */
/*
 * fuzz_cj_diff.c - differential target: the same bytes, read as one
 * CSL-JSON item by the DOM-free path (cj_read_item) and by jansson +
 * bib_cslitem_from_json (the oracle), must give the same record -- the
 * same compact CSL-JSON text with every extra -- and the same diagnostics,
 * or the DOM-free path must hand the item to jansson (CJ_FALLBACK) without
 * a word, or refuse it (CJ_REFUSED) where and as jansson refuses it. The stream reader's one-pass tokenizer (cj_tokenize_prefix) is
 * held to cj_tokenize: the same tokens for the object it finds, and
 * CJ_SHORT, never a verdict, for the text cut anywhere before its end
 * (the reader then grows its window). It aborts on the first difference,
 * so the fuzzer keeps the input.
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

static void prefix_differs(const char *what, size_t cut)
{
    fprintf(stderr, "fuzz_cj_diff: cj_tokenize_prefix: %s (cut at %zu)\n", what, cut);
    abort();
}

/* cj_tokenize_prefix on data[0..cut), copied to a buffer of exactly that
 * size so that a sanitizer sees a read past it. */
static int prefix_at(cj_toks *t, const unsigned char *data, size_t cut, size_t *end)
{
    char *c = malloc(cut ? cut : 1);
    if (!c)
        abort();
    memcpy(c, data, cut);
    int rc = cj_tokenize_prefix(t, c, cut, end);
    free(c);
    return rc;
}

static bool same_tokens(const cj_toks *a, const cj_toks *b)
{
    if (a->n != b->n || a->nums != b->nums)
        return false;
    for (size_t i = 0; i < a->n; i++) {
        const cj_tok *x = &a->v[i], *y = &b->v[i];
        if (x->type != y->type || x->esc != y->esc || x->start != y->start ||
            x->end != y->end || x->next != y->next || x->count != y->count ||
            (x->type == CJ_INT && x->num != y->num))
            return false;
    }
    return true;
}

/* The one-pass tokenizer against cj_tokenize on the same bytes. */
static void check_prefix(const unsigned char *data, size_t size)
{
    static cj_toks whole, pre;
    size_t end = 0;
    int rp = prefix_at(&pre, data, size, &end);
    if (rp == 0) {
        if (data[0] != '{' || end > size)
            prefix_differs("an object that is not one", end);
        if (cj_tokenize(&whole, (const char *)data, end) != 0 || !same_tokens(&whole, &pre))
            prefix_differs("not the tokens of cj_tokenize", end);
        /* every shorter text ends inside the object: CJ_SHORT, whatever
         * the cut (each one on a short item, some on a long one) */
        size_t step = end > 256 ? end / 64 : 1;
        for (size_t cut = 0; cut < end; cut += step)
            if (prefix_at(&pre, data, cut, &end) != CJ_SHORT)
                prefix_differs("a cut object not said to be cut", cut);
    } else if (rp == CJ_SHORT) {
        /* the text ended inside: cj_tokenize cannot take it whole */
        if (cj_tokenize(&whole, (const char *)data, size) == 0 && data[0] == '{')
            prefix_differs("CJ_SHORT on a whole object", size);
    } else if (rp == CJ_FALLBACK && size && data[0] == '{') {
        /* refused: so is the whole text when it is that object alone */
        if (cj_tokenize(&whole, (const char *)data, size) == 0)
            prefix_differs("CJ_FALLBACK on an object cj_tokenize takes", size);
    }
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    check_prefix(data, size);
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
    } else if (rcb == CJ_REFUSED) {
        /* refused without jansson: jansson refuses it too, at the same
         * place and for the same reason (the reader words both alike) */
        json_error_t err, ours;
        json_t *j = json_loadb(d, size, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &err);
        cj_refusal(&cr.toks, d, &ours);
        bib_buf a = BIB_BUF_INIT, b = BIB_BUF_INIT;
        bib_buf_printf(&a, "%s %d:%d %s", j ? "read" : "refused", err.line, err.column,
                       j ? "" : err.text);
        bib_buf_printf(&b, "refused %d:%d %s", ours.line, ours.column, ours.text);
        if (j || err.line != ours.line || err.column != ours.column ||
            strncmp(err.text, ours.text, strlen(ours.text)) != 0 || said_b.len)
            differ("refusals", &a, &b);
        json_decref(j);
        bib_buf_clear(&a);
        bib_buf_clear(&b);
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
