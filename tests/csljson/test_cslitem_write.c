/* SPDX-License-Identifier: MIT */
/*
 * test_cslitem_write.c - the quick ways of the direct CSL-JSON writer
 * (plugins/csljson/cslitem_jw.h, cslitem_write.c) tied to the general
 * ones: the emitter's strings and keys to a byte-by-byte escape, and
 * names, dates, keywords and custom extras of every shape to the text
 * jansson dumps for bib_cslitem_to_json, at every depth the prebuilt rows
 * serve and past them.
 */
#include "testutil.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv.h"
#include "cslitem.h"
#include "cslitem_int.h"
#include "cslitem_jw.h"

/* A fixed-seed generator: the same cases on every run. */
static uint64_t rng = 0x9E3779B97F4A7C15ull;
static unsigned rnd(unsigned n)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)((rng >> 11) % n);
}

/* The general way: each byte as is or by cslitem_json_escape (which
 * test_cslitem ties to jansson), quoted. */
static void slow_string(bib_buf *b, const char *s, size_t n)
{
    bib_buf_putc(b, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == '"' || c == '\\') {
            char e[6];
            bib_buf_append(b, e, cslitem_json_escape(c, e));
        } else {
            bib_buf_putc(b, (char)c);
        }
    }
    bib_buf_putc(b, '"');
}

/* s through jw_string and, when it has no NUL, jw_key, into a buffer
 * with room (the quick ways) and into one without (the general way), each
 * after some text already there, compared with slow_string. */
static void check_string(const char *s, size_t n)
{
    bib_buf want = BIB_BUF_INIT, key = BIB_BUF_INIT;
    bib_buf_puts(&want, "x");
    slow_string(&want, s, n);
    bib_buf_puts(&key, "x\n    "); /* a member at level 2 */
    slow_string(&key, s, n);
    bib_buf_puts(&key, ": ");
    bool nul = memchr(s, '\0', n) != NULL;
    for (int room = 0; room < 2; room++) {
        bib_buf out = BIB_BUF_INIT;
        if (room)
            ck_assert_int_eq(bib_buf_reserve(&out, 8 * n + 64), 0);
        bib_buf_putc(&out, 'x');
        jw w = jw_init(&out, NULL, true, 2);
        jw_string(&w, s, n);
        ck_assert_uint_eq(out.len, want.len);
        ck_assert_msg(memcmp(out.data, want.data, want.len) == 0 && out.data[out.len] == '\0',
                      "string of %zu bytes (room %d): %s", n, room, out.data);
        if (!nul) {
            char *z = strndup(s, n);
            bib_buf_truncate(&out, 1);
            bool first = true;
            jw_key(&w, &first, z);
            free(z);
            ck_assert_str_eq(out.data, key.data);
        }
        bib_buf_clear(&out);
    }
    bib_buf_clear(&want);
    bib_buf_clear(&key);
}

/* Every byte value at the start, the middle and the end of strings of
 * every length the quick ways take (1-16 in line, 17-512 by blocks) and
 * past them, and random strings with few and many bytes to escape. */
START_TEST(test_emitter_strings)
{
    char s[5000];
    for (size_t n = 1; n <= 530; n += n < 40 ? 1 : 13) {
        for (int c = 0; c < 256; c++) {
            size_t at[3] = {0, n / 2, n - 1};
            for (int k = 0; k < 3; k++) {
                memset(s, 'a', n);
                s[at[k]] = (char)c;
                check_string(s, n);
            }
        }
    }
    check_string("", 0);
    for (int i = 0; i < 4000; i++) {
        size_t n = i < 3000 ? rnd(600) : rnd(5000);
        unsigned dense = rnd(4); /* 1 in 2, 8, 32 or 128 bytes to escape */
        for (size_t k = 0; k < n; k++) {
            static const char special[] = "\"\\\n\t\x01\x1f";
            s[k] = rnd(2u << (2 * dense)) == 0 ? special[rnd(6)] : (char)(0x20 + rnd(224));
        }
        check_string(s, n);
    }
}
END_TEST

/* bib_cslitem_write must give the text jansson gives for
 * bib_cslitem_to_json, compact and pretty, at `level` (every line after
 * the first two spaces a level further in), into a new buffer and into
 * one with room. */
static void same_text_at(const bib_record *r, int level)
{
    json_t *j = bib_cslitem_to_json(r, BIB_CSLITEM_CUSTOM_EXTRAS);
    ck_assert_ptr_nonnull(j);
    for (int pretty = 0; pretty < 2; pretty++) {
        char *dump = json_dumps(j, pretty ? JSON_INDENT(2) : JSON_COMPACT);
        bib_buf want = BIB_BUF_INIT;
        for (const char *p = dump; *p; p++) {
            bib_buf_putc(&want, *p);
            if (*p == '\n')
                for (int k = 0; k < level; k++)
                    bib_buf_puts(&want, "  ");
        }
        unsigned fl = BIB_CSLITEM_CUSTOM_EXTRAS | (pretty ? BIB_CSLITEM_PRETTY : 0);
        for (int room = 0; room < 2; room++) {
            bib_buf got = BIB_BUF_INIT;
            if (room)
                ck_assert_int_eq(bib_buf_reserve(&got, 4 * want.len + 256), 0);
            ck_assert_int_eq(bib_cslitem_write(&got, r, fl, level), 0);
            ck_assert_msg(strcmp(got.data, want.data) == 0, "level %d pretty %d room %d:\n%s\nwant\n%s",
                          level, pretty, room, got.data, want.data);
            bib_buf_clear(&got);
        }
        bib_buf_clear(&want);
        free(dump);
    }
    json_decref(j);
}

static void same_text_levels(const bib_record *r)
{
    for (int level = 0; level <= 7; level++) /* the rows serve 0..4 */
        same_text_at(r, level);
}

/* A name part of n bytes (0: none), now and then with a byte to escape. */
static char *name_part(char *buf, size_t n)
{
    if (!n)
        return NULL;
    for (size_t k = 0; k < n; k++)
        buf[k] = (char)('a' + rnd(26));
    if (rnd(8) == 0)
        buf[rnd((unsigned)n)] = rnd(2) ? '"' : '\t';
    buf[n] = '\0';
    return buf;
}

/* Names of every pair of family and given lengths around the quick way's
 * 1 to 16 bytes, with and without the other part and the other members
 * that send a name the general way. */
START_TEST(test_names_every_shape)
{
    char fam[32], giv[32];
    for (size_t fl = 0; fl <= 18; fl++) {
        for (size_t gl = 0; gl <= 18; gl++) {
            bib_record *r = bib_record_new(BIB_TYPE_BOOK, "n");
            for (int i = 0; i < 3; i++) {
                bib_name n = {0};
                n.family = name_part(fam, fl);
                n.given = name_part(giv, gl);
                if (!n.family && !n.given)
                    n.literal = "Lit";
                if (i == 2 && rnd(3) == 0)
                    n.suffix = "Jr.";
                if (i == 2 && rnd(3) == 0)
                    n.comma_suffix = true;
                ck_assert_int_eq(bib_record_add_name(r, i ? BIB_VAR_AUTHOR : BIB_VAR_EDITOR, &n), 0);
            }
            same_text_levels(r);
            bib_record_free(r);
        }
    }
}
END_TEST

/* Dates of one part of every size of year, month and day, seasons in
 * and out of range, and the other shapes the quick way leaves alone. */
START_TEST(test_dates_every_shape)
{
    static const int years[] = {0, 7, 10, 99, 100, 999, 1000, 2020, 9999, 10000, -5};
    static const int months[] = {0, 1, 9, 10, 12, 13, 16, 100, 9999, 10000, -1};
    static const int days[] = {0, 1, 9, 10, 31, 99, 100, 9999, 10000, -1};
    for (size_t y = 0; y < sizeof years / sizeof *years; y++)
        for (size_t m = 0; m < sizeof months / sizeof *months; m++)
            for (size_t d = 0; d < sizeof days / sizeof *days; d++) {
                bib_record *r = bib_record_new(BIB_TYPE_BOOK, "d");
                bib_date dt = {0};
                dt.nparts = 1;
                dt.parts[0].has_year = y != 0 || rnd(2);
                dt.parts[0].year = years[y];
                dt.parts[0].month = months[m];
                dt.parts[0].day = days[d];
                if (rnd(10) == 0)
                    dt.parts[0].season = 1 + (int)rnd(4);
                if (rnd(10) == 0)
                    dt.circa = true;
                if (rnd(10) == 0) {
                    dt.nparts = 2;
                    dt.parts[1].has_year = true;
                    dt.parts[1].year = 2021;
                }
                if (bib_record_set_date(r, BIB_VAR_ISSUED, &dt) == 0) {
                    ck_assert_int_eq(bib_record_set_text(r, BIB_VAR_TITLE, "T", 1), 0);
                    same_text_at(r, 0);
                    same_text_at(r, 1 + (int)rnd(7));
                }
                bib_record_free(r);
            }
}
END_TEST

/* Keywords of one to five values, empty ones and ones with bytes to
 * escape among them: one string joined by ", " as jansson's value has
 * it; and a joined text past the writer's sink limit, with a sink. */
START_TEST(test_keywords_joined)
{
    static const char *const vals[] = {"a", "", "b c", "quo\"te", "tab\there", "long keyword of text",
                                       "x\\y", "\xc3\xa6r"};
    for (int i = 0; i < 300; i++) {
        bib_record *r = bib_record_new(BIB_TYPE_BOOK, "k");
        int nv = 1 + (int)rnd(5);
        for (int k = 0; k < nv; k++) {
            const char *v = vals[rnd(8)];
            ck_assert_int_eq(bib_record_add_text(r, BIB_VAR_KEYWORD, v, strlen(v)), 0);
        }
        same_text_at(r, (int)rnd(4));
        bib_record_free(r);
    }
    /* past JW_DIRECT: the part before it and the joined text go to the sink */
    bib_record *r = bib_record_new(BIB_TYPE_BOOK, "k");
    bib_buf big = BIB_BUF_INIT;
    for (int k = 0; k < 3; k++) {
        bib_buf_reset(&big);
        for (int i = 0; i < 30000; i++)
            bib_buf_putc(&big, i == 999 && !k ? '"' : (char)('a' + k));
        ck_assert_int_eq(bib_record_add_text(r, BIB_VAR_KEYWORD, big.data, big.len), 0);
    }
    json_t *j = bib_cslitem_to_json(r, 0);
    char *want = json_dumps(j, JSON_INDENT(2));
    bib_buf sunk = BIB_BUF_INIT, got = BIB_BUF_INIT;
    bib_output *sink = bib_output_open_buffer(&sunk, "sink", NULL);
    ck_assert_ptr_nonnull(sink);
    ck_assert_int_eq(bib_cslitem_write_to(&got, sink, r, BIB_CSLITEM_PRETTY, 0), 0);
    ck_assert_int_eq(bib_output_commit(sink), 0);
    bib_buf_append(&sunk, got.data, got.len);
    ck_assert(strcmp(sunk.data, want) == 0);
    ck_assert_uint_gt(sunk.len, got.len); /* the sink did take the text */
    bib_output_free(sink);
    bib_buf_clear(&sunk);
    bib_buf_clear(&got);
    bib_buf_clear(&big);
    free(want);
    json_decref(j);
    bib_record_free(r);
}
END_TEST

/* Custom extras in random orders: formats met again, names repeated
 * inside a format, one to twenty extras (past the writer's sixteen held,
 * core groups them): grouped as jansson's value has them. */
START_TEST(test_extras_grouped)
{
    static const char *const fmts[] = {"bibtex", "ris", "zotero"};
    static const char *const names[] = {"entrytype", "M1", "N1", "file", "a", "ab"};
    for (int i = 0; i < 2000; i++) {
        bib_record *r = bib_record_new(BIB_TYPE_BOOK, "e");
        int n = 1 + (int)rnd(i < 1500 ? 8 : 20);
        unsigned nf = 1 + rnd(3), nn = 1 + rnd(6);
        for (int k = 0; k < n; k++) {
            char v[16];
            snprintf(v, sizeof v, "v%d%s", k, rnd(6) ? "" : "\"");
            ck_assert_int_eq(bib_record_add_extra(r, fmts[rnd(nf)], names[rnd(nn)], v, strlen(v)), 0);
        }
        same_text_at(r, (int)rnd(3));
        bib_record_free(r);
    }
}
END_TEST

BIB_TEST_MAIN("cslitem_write", test_emitter_strings, test_names_every_shape, test_dates_every_shape,
              test_keywords_joined, test_extras_grouped)
