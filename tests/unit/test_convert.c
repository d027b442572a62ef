/* SPDX-License-Identifier: MIT */
/* test_convert.c - bib_convert_records, the one loop: its skip/strict
 * policy, its counts, and the callback's ownership of every record. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv.h"

/* A source scripted by a string: 'r' a record, 'p' a lost record
 * (BIB_EPARSE), 'e' a system error (BIB_EIO); the end of the string ends. */
typedef struct script {
    const char *steps;
    size_t pos;
} script;

static int script_next(void *src, bib_record **out)
{
    script *s = src;
    char c = s->steps[s->pos];
    if (!c)
        return 0;
    s->pos++;
    if (c == 'p')
        return BIB_EPARSE;
    if (c == 'e')
        return BIB_EIO;
    char id[16];
    snprintf(id, sizeof id, "r%zu", s->pos);
    *out = bib_record_new(BIB_TYPE_BOOK, id);
    return *out ? 1 : BIB_ENOMEM;
}

/* A callback scripted the same way per record it receives: 'a' accepts,
 * 'p' refuses (BIB_EPARSE), 'e' fails (BIB_EIO); it always frees the
 * record, which it owns (ASan/valgrind see any leak or double free). */
typedef struct sink {
    const char *answers;
    size_t seen;
    char ids[64];
} sink;

static int sink_take(void *ctx, bib_record *rec)
{
    sink *k = ctx;
    char a = k->answers[k->seen++];
    strncat(k->ids, bib_record_id(rec), sizeof k->ids - strlen(k->ids) - 1);
    bib_record_free(rec);
    return a == 'p' ? BIB_EPARSE : a == 'e' ? BIB_EIO : 0;
}

static int run(const char *steps, const char *answers, bool strict, bib_convert_stats *st,
               sink *k)
{
    script s = {steps, 0};
    memset(k, 0, sizeof *k);
    k->answers = answers;
    memset(st, 0, sizeof *st);
    return bib_convert_records(script_next, &s, strict, sink_take, k, st);
}

START_TEST(test_clean_run)
{
    bib_convert_stats st;
    sink k;
    ck_assert_int_eq(run("rrr", "aaa", false, &st, &k), 0);
    ck_assert_uint_eq(st.read, 3);
    ck_assert_uint_eq(st.written, 3);
    ck_assert_uint_eq(st.skipped, 0);
    ck_assert_str_eq(k.ids, "r1r2r3");
    /* nothing to read */
    ck_assert_int_eq(run("", "", true, &st, &k), 0);
    ck_assert_uint_eq(st.read + st.written + st.skipped, 0);
}
END_TEST

START_TEST(test_skips_go_on)
{
    bib_convert_stats st;
    sink k;
    /* a record lost by the source and one refused by the callback */
    ck_assert_int_eq(run("rprr", "apa", false, &st, &k), BIB_EPARSE);
    ck_assert_uint_eq(st.read, 3);
    ck_assert_uint_eq(st.written, 2);
    ck_assert_uint_eq(st.skipped, 2);
    ck_assert_str_eq(k.ids, "r1r3r4");
}
END_TEST

START_TEST(test_strict_stops)
{
    bib_convert_stats st;
    sink k;
    /* at the source's first loss */
    ck_assert_int_eq(run("rprr", "aaa", true, &st, &k), BIB_ESTOP);
    ck_assert_uint_eq(st.read, 1);
    ck_assert_uint_eq(st.skipped, 1);
    /* at the callback's first refusal: later records are never read */
    script s = {"rrrr", 0};
    memset(&k, 0, sizeof k);
    k.answers = "apaa";
    memset(&st, 0, sizeof st);
    ck_assert_int_eq(bib_convert_records(script_next, &s, true, sink_take, &k, &st),
                     BIB_ESTOP);
    ck_assert_uint_eq(s.pos, 2);
    ck_assert_uint_eq(st.written, 1);
    ck_assert_uint_eq(st.skipped, 1);
}
END_TEST

START_TEST(test_errors_stop)
{
    bib_convert_stats st;
    sink k;
    ck_assert_int_eq(run("rerr", "aaaa", false, &st, &k), BIB_EIO);
    ck_assert_uint_eq(st.read, 1);
    ck_assert_uint_eq(st.skipped, 0);
    ck_assert_int_eq(run("rrrr", "aeaa", false, &st, &k), BIB_EIO);
    ck_assert_uint_eq(st.read, 2);
    ck_assert_uint_eq(st.written, 1);
    ck_assert_str_eq(k.ids, "r1r2");
    /* counts add up across calls; NULL stats are allowed */
    script s = {"rr", 0};
    memset(&k, 0, sizeof k);
    k.answers = "aa";
    ck_assert_int_eq(bib_convert_records(script_next, &s, false, sink_take, &k, NULL), 0);
}
END_TEST

/* bib_reader_keeps_source (plugin.h): a reader whose records go to a
 * writer that carries its format's extras keeps source texts, one whose
 * records go to another writer does not, and one whose writer is not
 * known keeps them. The reader's one record is named by the answer. */
static int ks_open(bib_reader *rd, bib_input *in, const bib_options *opts)
{
    (void)rd, (void)in, (void)opts;
    return 0;
}

static int ks_next(bib_reader *rd, bib_record **out)
{
    bool *done = bib_reader_state(rd);
    if (*done)
        return 0;
    *done = true;
    *out = bib_record_new(BIB_TYPE_BOOK, bib_reader_keeps_source(rd, "ks") ? "kept" : "none");
    return *out ? 1 : BIB_ENOMEM;
}

static void ks_close(bib_reader *rd)
{
    (void)rd;
}

static int ks_begin_own(bib_writer *wr, bib_output *out, const bib_options *opts)
{
    (void)out, (void)opts;
    bib_writer_carries_extras(wr, "ks");
    return 0;
}

static int ks_begin_other(bib_writer *wr, bib_output *out, const bib_options *opts)
{
    (void)wr, (void)out, (void)opts;
    return 0;
}

static int ks_write(bib_writer *wr, const bib_record *rec)
{
    (void)wr, (void)rec;
    return 0;
}

static int ks_end(bib_writer *wr)
{
    (void)wr;
    return 0;
}

static int ks_take(void *ctx, bib_record *rec)
{
    snprintf(ctx, 16, "%s", bib_record_id(rec));
    bib_record_free(rec);
    return 0;
}

/* The id of the one record read by a ks reader whose records go to a
 * writer beginning with `begin` (NULL: no writer, bib_convert_each). */
static void ks_run(int (*begin)(bib_writer *, bib_output *, const bib_options *), char *id)
{
    static const bib_reader_ops rops = {sizeof(bool), ks_open, ks_next, ks_close, NULL, NULL};
    bib_writer_ops wops = {0, begin, ks_write, ks_end, NULL};
    bib_format_desc fmt = {"ks", "test", NULL, NULL, 0, NULL, &rops, &wops};
    bib_diag *d = bib_diag_new();
    bib_input *in = bib_input_open_memory("x", 1, "ks", d);
    bib_output *out = bib_output_open_memory(d);
    bib_reader *rd = NULL;
    bib_writer *wr = NULL;
    ck_assert_int_eq(bib_reader_new(&rd, &fmt, in, NULL, false), 0);
    bib_convert_stats st;
    if (begin) {
        ck_assert_int_eq(bib_writer_new(&wr, &fmt, out, NULL), 0);
        ck_assert_int_eq(bib_convert_write_jobs(rd, 1, wr, ks_take, NULL, id, &st), 0);
        bib_writer_free(wr);
    } else {
        ck_assert_int_eq(bib_convert_each(rd, ks_take, id, &st), 0);
    }
    bib_reader_free(rd);
    bib_output_free(out);
    bib_input_free(in);
    bib_diag_free(d);
}

START_TEST(test_reader_keeps_source)
{
    char id[16] = "";
    ks_run(ks_begin_own, id);
    ck_assert_str_eq(id, "kept");
    ks_run(ks_begin_other, id);
    ck_assert_str_eq(id, "none");
    ks_run(NULL, id);
    ck_assert_str_eq(id, "kept");
}
END_TEST

BIB_TEST_MAIN("convert", test_clean_run, test_skips_go_on, test_strict_stops, test_errors_stop,
              test_reader_keeps_source)
