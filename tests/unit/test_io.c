/* SPDX-License-Identifier: MIT */
/* test_io.c - bib_input positions across refills, line ends, BOMs and
 * encodings; bib_output atomic commit and memory outputs. */
#include "testutil.h"
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bibconv.h"
#include "io_seam.h" /* core/: the test-only read size */

static char *read_all(bib_input *in, size_t *lines)
{
    bib_buf b = BIB_BUF_INIT;
    const char *l;
    size_t len, n = 0;
    while (bib_input_getline(in, &l, &len) == 1) {
        bib_buf_append(&b, l, len);
        bib_buf_putc(&b, '|');
        n++;
    }
    *lines = n;
    return bib_buf_detach(&b);
}

START_TEST(test_getline_line_ends)
{
    /* every buffer size, so refills split "\r\n" and UTF-8 sequences */
    static const char text[] = "a\r\nb\rc\n\nd\xC3\xA9\r";
    for (int bs = 1; bs <= 8; bs++) {
        bib_input_test_bufsize((size_t)bs);
        bib_input *in = bib_input_open_memory(text, sizeof text - 1, "m", NULL);
        size_t n;
        char *all = read_all(in, &n);
        ck_assert_str_eq(all, "a|b|c||d\xC3\xA9|");
        ck_assert_uint_eq(n, 5);
        ck_assert_uint_eq(bib_input_last_line(in), 5);
        free(all);
        bib_input_free(in);
    }
    bib_input_test_bufsize(0);
}
END_TEST

START_TEST(test_consume_positions)
{
    static const char text[] = "ab\ncd\xC3\xA9" "f\r\ngh";
    for (int bs = 1; bs <= 6; bs++) {
        bib_input_test_bufsize((size_t)bs);
        bib_input *in = bib_input_open_memory(text, sizeof text - 1, "m", NULL);
        const char *d;
        size_t n;
        /* consume byte by byte and check the position of 'f' and 'g' */
        size_t seen = 0;
        while (bib_input_window(in, 0, &d, &n) == 0 && n) {
            if (seen == 7) {
                ck_assert_uint_eq(bib_input_line(in), 2);
                ck_assert_uint_eq(bib_input_column(in), 4); /* é counts one */
            }
            if (seen == 10) {
                ck_assert_uint_eq(bib_input_line(in), 3);
                ck_assert_uint_eq(bib_input_column(in), 1);
            }
            bib_input_consume(in, 1);
            seen++;
        }
        ck_assert_uint_eq(seen, sizeof text - 1);
        ck_assert_uint_eq(bib_input_offset(in), sizeof text - 1);
        bib_input_free(in);
    }
    bib_input_test_bufsize(0);
}
END_TEST

/* Consumes of many sizes over long and short lines, LF only (counted a
 * block at a time, the column only when asked) and with a CR among them,
 * against a count made here byte by byte: the position stays right across
 * refills, compactions and trims. */
START_TEST(test_consume_chunks)
{
    char text[3000];
    size_t len = 0, cr = 0;
    for (int i = 0; len < sizeof text - 80; i++) {
        for (int k = 0; k < i % 37; k++)
            len += (size_t)snprintf(text + len, sizeof text - len, k % 5 ? "x" : "\xC3\xA9");
        if (i == 40)
            cr = len;
        text[len++] = '\n';
    }
    for (int pass = 0; pass < 2; pass++) {
        text[cr] = pass ? '\n' : '\r'; /* the second pass: LF only */
        static const size_t sizes[] = {16, 64, 1000};
        for (size_t s = 0; s < 3; s++) {
            bib_input_test_bufsize(sizes[s]);
            bib_input *in = bib_input_open_memory(text, len, "m", NULL);
            size_t at = 0, line = 1, col = 1, step = 1;
            const char *d;
            size_t n;
            while (bib_input_window(in, 40, &d, &n) == 0 && n) {
                ck_assert_uint_eq(bib_input_line(in), line);
                ck_assert_uint_eq(bib_input_column(in), col);
                size_t take = step % 53 < n ? step % 53 : n;
                for (size_t i = 0; i < take; i++, at++) {
                    unsigned char ch = (unsigned char)text[at];
                    if (ch == '\n' || ch == '\r') {
                        line++;
                        col = 1;
                    } else if ((ch & 0xC0) != 0x80) {
                        col++;
                    }
                }
                bib_input_consume(in, take);
                if (step % 3 == 0)
                    bib_input_trim(in);
                step += 7;
            }
            ck_assert_uint_eq(at, len);
            ck_assert_uint_eq(bib_input_line(in), line);
            ck_assert_uint_eq(bib_input_column(in), col);
            bib_input_free(in);
        }
    }
    bib_input_test_bufsize(0);
}
END_TEST

/* bib_input_consume_lines leaves the position where bib_input_consume
 * leaves it: whole lines taken a few at a time (refills and compactions
 * between), a wrong count, and bytes that do not end a line (counted). */
START_TEST(test_consume_lines)
{
    char text[4000];
    size_t len = 0;
    for (int i = 0; len < sizeof text - 80; i++) {
        for (int k = 0; k < i % 41; k++)
            text[len++] = k % 7 ? 'y' : ' ';
        text[len++] = '\n';
    }
    static const size_t sizes[] = {16, 64, 1000};
    for (size_t s = 0; s < 3; s++) {
        bib_input_test_bufsize(sizes[s]);
        bib_input *a = bib_input_open_memory(text, len, "a", NULL);
        bib_input *b = bib_input_open_memory(text, len, "b", NULL);
        const char *da, *db;
        size_t na, nb;
        for (size_t step = 1;; step++) {
            ck_assert_int_eq(bib_input_window(a, 200, &da, &na), 0);
            ck_assert_int_eq(bib_input_window(b, 200, &db, &nb), 0);
            ck_assert_uint_eq(na, nb);
            if (!na)
                break;
            /* up to step % 4 + 1 whole lines, or a part of one */
            size_t take = 0, lines = 0;
            while (take < na && lines < step % 4 + 1) {
                const char *e = memchr(da + take, '\n', na - take);
                if (!e)
                    break;
                take = (size_t)(e - da) + 1;
                lines++;
            }
            if (step % 5 == 0 || !take) {
                /* three bytes: when they do not end a line, a wrong count
                 * is not taken (the bytes are counted) */
                take = na < 3 ? na : 3;
                lines = 0;
                for (size_t i = 0; i < take; i++)
                    lines += da[i] == '\n';
                if (da[take - 1] != '\n')
                    lines += 7;
            }
            bib_input_consume(a, take);
            bib_input_consume_lines(b, take, lines);
            ck_assert_uint_eq(bib_input_line(a), bib_input_line(b));
            ck_assert_uint_eq(bib_input_column(a), bib_input_column(b));
            ck_assert_uint_eq(bib_input_offset(a), bib_input_offset(b));
        }
        bib_input_free(a);
        bib_input_free(b);
    }
    bib_input_test_bufsize(0);
}
END_TEST

/* bib_input_consume_counted leaves the position where bib_input_consume
 * leaves it, given the right count: "\n", "\r\n" and lone "\r" line ends,
 * non-ASCII text, pieces that end inside a "\r\n" (then counted by the
 * input) or inside a line, with refills between. Under the test read size
 * the count is checked (a wrong one aborts), so the counts here are
 * io.h's. */
START_TEST(test_consume_counted)
{
    char text[3000];
    size_t len = 0;
    static const char *const ends[] = {"\n", "\r\n", "\r", "\r\n\n", "\n\r"};
    for (int i = 0; len < sizeof text - 80; i++) {
        for (int k = 0; k < i % 23; k++)
            text[len++] = k % 5 ? 'y' : (char)0xC3;
        if (i % 23 % 5 == 1)
            text[len++] = (char)0xA9; /* after a lead byte: é */
        const char *e = ends[i % 5];
        memcpy(text + len, e, strlen(e));
        len += strlen(e);
    }
    static const size_t sizes[] = {16, 64, 1000};
    for (size_t s = 0; s < 3; s++) {
        bib_input_test_bufsize(sizes[s]);
        bib_input *a = bib_input_open_memory(text, len, "a", NULL);
        bib_input *b = bib_input_open_memory(text, len, "b", NULL);
        const char *da, *db;
        size_t na, nb;
        for (size_t step = 1;; step++) {
            ck_assert_int_eq(bib_input_window(a, 100, &da, &na), 0);
            ck_assert_int_eq(bib_input_window(b, 100, &db, &nb), 0);
            ck_assert_uint_eq(na, nb);
            if (!na)
                break;
            size_t take = (step * 7) % 61 + 1;
            if (take > na)
                take = na;
            /* the count as io.h defines it, a "\n" after a consumed "\r"
             * being that "\r"'s (bib_input_consume_counted then counts) */
            size_t lines = 0;
            for (size_t i = 0; i < take; i++)
                lines += da[i] == '\r' || (da[i] == '\n' && (i ? da[i - 1] != '\r' : 1));
            bib_input_consume(a, take);
            bib_input_consume_counted(b, take, lines);
            ck_assert_uint_eq(bib_input_line(a), bib_input_line(b));
            ck_assert_uint_eq(bib_input_column(a), bib_input_column(b));
            ck_assert_uint_eq(bib_input_offset(a), bib_input_offset(b));
            if (step % 4 == 0) {
                bib_input_trim(a);
                bib_input_trim(b);
            }
        }
        bib_input_free(a);
        bib_input_free(b);
    }
    bib_input_test_bufsize(0);
}
END_TEST

START_TEST(test_boms_and_encodings)
{
    size_t n;
    static const char bom8[] = "\xEF\xBB\xBFhi\n";
    bib_input *in = bib_input_open_memory(bom8, sizeof bom8 - 1, "m", NULL);
    char *all = read_all(in, &n);
    ck_assert_str_eq(all, "hi|");
    free(all);
    bib_input_free(in);

    static const char le[] = "\xFF\xFEh\0\xE9\0\n\0\x3D\xD8\x00\xDE"; /* h é \n U+1F600 */
    in = bib_input_open_memory(le, sizeof le - 1, "m", NULL);
    all = read_all(in, &n);
    ck_assert_str_eq(all, "h\xC3\xA9|\xF0\x9F\x98\x80|");
    free(all);
    bib_input_free(in);

    static const char be[] = "\xFE\xFF\0h\0\xE9";
    in = bib_input_open_memory(be, sizeof be - 1, "m", NULL);
    all = read_all(in, &n);
    ck_assert_str_eq(all, "h\xC3\xA9|");
    free(all);
    bib_input_free(in);

    bib_diag *d = bib_diag_new();
    bib_diag_set_callback(d, NULL, NULL);
    static const char latin[] = "caf\xE9 \x93q\x94\n";
    in = bib_input_open_memory(latin, sizeof latin - 1, "m", d);
    ck_assert_int_eq(bib_input_set_encoding(in, BIB_ENC_DETECT), 0);
    all = read_all(in, &n);
    ck_assert_str_eq(all, "caf\xC3\xA9 \xE2\x80\x9Cq\xE2\x80\x9D|");
    ck_assert_uint_eq(bib_diag_count(d, BIB_SEV_WARNING), 1);
    free(all);
    bib_input_free(in);

    static const char utf[] = "caf\xC3\xA9\n";
    in = bib_input_open_memory(utf, sizeof utf - 1, "m", d);
    ck_assert_int_eq(bib_input_set_encoding(in, BIB_ENC_DETECT), 0);
    all = read_all(in, &n);
    ck_assert_str_eq(all, "caf\xC3\xA9|");
    ck_assert_uint_eq(bib_diag_count(d, BIB_SEV_WARNING), 1); /* no new warning */
    free(all);
    bib_input_free(in);
    bib_diag_free(d);
}
END_TEST

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    static char buf[256];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

START_TEST(test_output_atomic)
{
    char dir[] = "/tmp/bibconv-io-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[300];
    snprintf(path, sizeof path, "%s/out.txt", dir);
    FILE *f = fopen(path, "w");
    fputs("old", f);
    fclose(f);
    bib_output *o = bib_output_open_file(path, NULL);
    bib_output_puts(o, "new content");
    bib_output_free(o); /* no commit: old file untouched, temp removed */
    ck_assert_str_eq(slurp(path), "old");
    o = bib_output_open_file(path, NULL);
    bib_output_printf(o, "%s %d", "new", 2);
    ck_assert_int_eq(bib_output_commit(o), 0);
    bib_output_free(o);
    ck_assert_str_eq(slurp(path), "new 2");
    o = bib_output_open_file(path, NULL);
    bib_output_puts(o, "x");
    bib_output_fail(o, BIB_EIO);
    ck_assert_int_eq(bib_output_commit(o), BIB_EIO);
    bib_output_free(o);
    ck_assert_str_eq(slurp(path), "new 2");
    /* only out.txt is left in the directory */
    char cmd[400];
    snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) -eq 1", dir);
    ck_assert_int_eq(system(cmd), 0);
    unlink(path);
    rmdir(dir);

    o = bib_output_open_memory(NULL);
    for (int i = 0; i < 100000; i++)
        bib_output_putc(o, 'a');
    ck_assert_int_eq(bib_output_commit(o), 0);
    size_t len;
    const char *m = bib_output_memory(o, &len);
    ck_assert_uint_eq(len, 100000);
    ck_assert_int_eq(m[99999], 'a');
    bib_output_free(o);
}
END_TEST

/* A borrowed buffer collects small and big writes (a big block passes
 * the output's buffer by) in order; the output's name is the given one. */
START_TEST(test_output_buffer)
{
    bib_buf b;
    bib_buf_init(&b);
    bib_buf_puts(&b, "kept:");
    bib_output *o = bib_output_open_buffer(&b, "run.json", NULL);
    ck_assert_ptr_nonnull(o);
    ck_assert_str_eq(bib_output_name(o), "run.json");
    size_t big = 200000;
    char *block = malloc(big);
    ck_assert_ptr_nonnull(block);
    for (size_t i = 0; i < big; i++)
        block[i] = (char)('a' + i % 26);
    bib_output_puts(o, "<");
    bib_output_write(o, block, big);
    bib_output_puts(o, ">");
    ck_assert_uint_eq(bib_output_bytes(o), big + 2);
    ck_assert_int_eq(bib_output_commit(o), 0);
    size_t len;
    const char *m = bib_output_memory(o, &len);
    ck_assert_ptr_eq(m, b.data);
    ck_assert_uint_eq(len, 5 + big + 2);
    ck_assert_int_eq(memcmp(m, "kept:<", 6), 0);
    ck_assert_int_eq(memcmp(m + 6, block, big), 0);
    ck_assert_int_eq(m[len - 1], '>');
    bib_output_free(o);
    ck_assert_uint_eq(b.len, 5 + big + 2); /* the buffer outlives the output */

    /* the same through a file: the big block is written past the buffer */
    char path[] = "/tmp/bibconv-io-big-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    o = bib_output_open_file(path, NULL);
    bib_output_puts(o, "<");
    bib_output_write(o, block, big);
    bib_output_puts(o, ">");
    ck_assert_int_eq(bib_output_commit(o), 0);
    bib_output_free(o);
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    char *back = malloc(big + 3);
    ck_assert_uint_eq(fread(back, 1, big + 3, f), big + 2);
    fclose(f);
    unlink(path);
    ck_assert_int_eq(back[0], '<');
    ck_assert_int_eq(memcmp(back + 1, block, big), 0);
    ck_assert_int_eq(back[big + 1], '>');
    free(back);
    free(block);
    bib_buf_clear(&b);
}
END_TEST

BIB_TEST_MAIN("io",
              test_getline_line_ends, test_consume_positions, test_consume_chunks,
              test_consume_lines, test_consume_counted, test_boms_and_encodings,
              test_output_atomic, test_output_buffer)
