/* SPDX-License-Identifier: MIT */
/*
 * testfmt.c - a minimal, well-formed plugin for the loader and command
 * tests: format "testfmt" reads one record per non-empty line (the line is
 * the title; a line "!bad" is a reported parse error, "!silent" an error
 * returned WITHOUT a diagnostic, to exercise core's plugin-bug check) and
 * writes one title per line. Its module name is set by -DTESTFMT_MODULE so
 * the same source also builds the malformed variants.
 */
#include <string.h>

#include "bibconv/plugin.h"

#ifndef TESTFMT_MODULE
#define TESTFMT_MODULE "testfmt"
#endif
#ifndef TESTFMT_ABI
#define TESTFMT_ABI BIB_PLUGIN_ABI_VERSION
#endif
#ifndef TESTFMT_FORMAT
#define TESTFMT_FORMAT "testfmt"
#endif

#ifndef TESTFMT_NO_OPS
typedef struct { bib_input *in; } rstate;
typedef struct { bib_output *out; } wstate;

static int r_open(bib_reader *rd, bib_input *in, const bib_options *o)
{
    (void)o;
    ((rstate *)bib_reader_state(rd))->in = in;
    return 0;
}

static int r_next(bib_reader *rd, bib_record **out)
{
    bib_input *in = ((rstate *)bib_reader_state(rd))->in;
    const char *l;
    size_t n;
    int rc;
    while ((rc = bib_input_getline(in, &l, &n)) == 1) {
        if (!n)
            continue;
        if (n == 4 && memcmp(l, "!bad", 4) == 0) {
            bib_input_report(in, BIB_SEV_ERROR, bib_input_last_line(in), 1, "bad line");
            return BIB_EPARSE;
        }
        if (n == 7 && memcmp(l, "!silent", 7) == 0)
            return BIB_EPARSE; /* deliberately without a diagnostic */
        bib_record *r = bib_record_new(BIB_TYPE_BOOK, NULL);
        if (!r || bib_record_set_text(r, BIB_VAR_TITLE, l, n)) {
            bib_record_free(r);
            return BIB_ENOMEM;
        }
        *out = r;
        return 1;
    }
    return rc;
}

static void r_close(bib_reader *rd) { (void)rd; }

static int w_begin(bib_writer *wr, bib_output *out, const bib_options *o)
{
    (void)o;
    ((wstate *)bib_writer_state(wr))->out = out;
    return 0;
}

static int w_write(bib_writer *wr, const bib_record *rec)
{
    bib_output *out = ((wstate *)bib_writer_state(wr))->out;
    const char *t = bib_record_text(rec, BIB_VAR_TITLE);
    bib_output_puts(out, t ? t : "");
    return bib_output_putc(out, '\n');
}

static int w_end(bib_writer *wr) { (void)wr; return 0; }

static const bib_option_spec w_opts[] = {
    {"upper", BIB_OPT_BOOL, NULL, "false", "an option for the validation tests"},
    {NULL, 0, NULL, NULL, NULL},
};
static const bib_reader_ops rops = {sizeof(rstate), r_open, r_next, r_close, NULL, NULL};
static const bib_writer_ops wops = {sizeof(wstate), w_begin, w_write, w_end, w_opts};
#endif

static int probe(const unsigned char *h, size_t len, const char *fn)
{
    (void)fn;
    return len >= 8 && memcmp(h, "TESTFMT\n", 8) == 0 ? BIB_PROBE_MAX : 0;
}

#ifdef TESTFMT_NO_OPS
static const bib_format_desc fmt = {TESTFMT_FORMAT, "test format", "tst", NULL, 0,
                                    probe, NULL, NULL};
#else
static const bib_format_desc fmt = {TESTFMT_FORMAT, "test format", "tst", NULL, 0,
                                    probe, &rops, &wops};
#endif
#ifdef TESTFMT_SECOND
static const bib_format_desc fmt2 = {TESTFMT_SECOND, "second test format", NULL, NULL, 0,
                                     NULL, &rops, &wops};
static const bib_format_desc *const formats[] = {&fmt, &fmt2, NULL};
#else
static const bib_format_desc *const formats[] = {&fmt, NULL};
#endif

#ifdef TESTFMT_NO_SYMBOL
BIB_PLUGIN_EXPORT const bib_plugin_desc some_other_symbol = {
#else
BIB_PLUGIN_EXPORT const bib_plugin_desc bib_plugin_module = {
#endif
    .abi_version = TESTFMT_ABI,
    .module_name = TESTFMT_MODULE,
    .formats = formats,
};
