/* SPDX-License-Identifier: MIT */
/* test_record.c - the record model: fields, kinds, names, dates, extras,
 * directives, clone, and the CSL vocabulary lookups. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv.h"
#include "bibconv/sort.h"

START_TEST(test_text_fields)
{
    bib_record *r = bib_record_new(BIB_TYPE_BOOK, "key1");
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(bib_record_id(r), "key1");
    ck_assert_int_eq(bib_record_type(r), BIB_TYPE_BOOK);
    ck_assert_int_eq(bib_record_set_text(r, BIB_VAR_TITLE, "A <i>B</i>", 10), 0);
    ck_assert_int_eq(bib_record_set_text(r, BIB_VAR_VOLUME, "12", 2), 0);
    ck_assert_str_eq(bib_record_text(r, BIB_VAR_TITLE), "A <i>B</i>");
    /* the small-caps span spelled with a space, as citeproc-js takes it, is
     * the model's span in rich text (its </span> closes it); text keeps it */
    const char *sc = "<span style=\"font-variant: small-caps;\">Here</span> x";
    ck_assert_int_eq(bib_record_set_text(r, BIB_VAR_CONTAINER_TITLE, sc, strlen(sc)), 0);
    ck_assert_str_eq(bib_record_text(r, BIB_VAR_CONTAINER_TITLE),
                     "<span style=\"font-variant:small-caps;\">Here</span> x");
    ck_assert_int_eq(bib_record_set_text(r, BIB_VAR_NOTE, sc, strlen(sc)), 0);
    ck_assert_str_eq(bib_record_text(r, BIB_VAR_NOTE), sc);
    bib_record_remove(r, BIB_VAR_CONTAINER_TITLE);
    bib_record_remove(r, BIB_VAR_NOTE);
    /* replacing keeps the position */
    ck_assert_int_eq(bib_record_set_text(r, BIB_VAR_TITLE, "C", 1), 0);
    ck_assert_int_eq(bib_field_var(bib_record_field_at(r, 0)), BIB_VAR_TITLE);
    ck_assert_str_eq(bib_record_text(r, BIB_VAR_TITLE), "C");
    ck_assert_uint_eq(bib_record_field_count(r), 2);
    /* wrong kind */
    ck_assert_int_eq(bib_record_set_text(r, BIB_VAR_AUTHOR, "x", 1), BIB_EINVAL);
    ck_assert_int_eq(bib_record_set_text(r, BIB_VAR_ISSUED, "x", 1), BIB_EINVAL);
    /* multi-value */
    bib_record_add_text(r, BIB_VAR_KEYWORD, "a", 1);
    bib_record_add_text(r, BIB_VAR_KEYWORD, "b", 1);
    const bib_field *kw = bib_record_get(r, BIB_VAR_KEYWORD);
    ck_assert_uint_eq(bib_field_value_count(kw), 2);
    ck_assert_str_eq(bib_field_value_at(kw, 1), "b");
    /* a borrowed field pointer survives adding many more fields */
    const bib_field *t = bib_record_get(r, BIB_VAR_TITLE);
    for (int v = BIB_VAR_ABSTRACT; v < BIB_VAR_COUNT; v++)
        bib_record_set_text(r, (bib_var)v, "x", 1);
    ck_assert_str_eq(bib_field_text(t), "C");
    bib_record_remove(r, BIB_VAR_VOLUME);
    ck_assert(!bib_record_has(r, BIB_VAR_VOLUME));
    ck_assert_str_eq(bib_record_text(r, BIB_VAR_TITLE), "C");
    ck_assert_str_eq(bib_record_text(r, BIB_VAR_URL), "x");
    /* a value taken over, not copied: the same storage, freed with the
     * record (ASan/valgrind see a leak or a double free); refused ones are
     * freed at once */
    char *own = strdup("taken over");
    ck_assert_int_eq(bib_record_set_text_owned(r, BIB_VAR_ABSTRACT, own), 0);
    ck_assert_ptr_eq(bib_record_text(r, BIB_VAR_ABSTRACT), own);
    ck_assert_int_eq(bib_record_set_text_owned(r, BIB_VAR_AUTHOR, strdup("x")), BIB_EINVAL);
    bib_record *c = bib_record_clone(r);
    ck_assert_str_eq(bib_record_text(c, BIB_VAR_ABSTRACT), "taken over");
    bib_record_free(c);
    bib_record_free(r);
}
END_TEST

START_TEST(test_names_and_dates)
{
    bib_record *r = bib_record_new(BIB_TYPE_ARTICLE_JOURNAL, NULL);
    ck_assert_ptr_null(bib_record_id(r));
    char family[] = "Gogh";
    bib_name n = {.family = family, .given = "Vincent", .non_dropping_particle = "van"};
    ck_assert_int_eq(bib_record_add_name(r, BIB_VAR_AUTHOR, &n), 0);
    family[0] = 'X'; /* the record copied it */
    bib_name empty = {0};
    ck_assert_int_eq(bib_record_add_name(r, BIB_VAR_AUTHOR, &empty), BIB_EINVAL);
    bib_record_set_names_truncated(r, BIB_VAR_AUTHOR, true);
    const bib_field *f = bib_record_get(r, BIB_VAR_AUTHOR);
    ck_assert_uint_eq(bib_field_name_count(f), 1);
    ck_assert_str_eq(bib_field_name_at(f, 0)->family, "Gogh");
    ck_assert_str_eq(bib_field_name_at(f, 0)->non_dropping_particle, "van");
    ck_assert(bib_field_names_truncated(f));
    bib_date d = {.nparts = 2, .parts = {{true, 2020, 3, 1, 0}, {true, 2021, 0, 0, 0}},
                  .raw = "2020-03-01/2021"};
    ck_assert_int_eq(bib_record_set_date(r, BIB_VAR_ISSUED, &d), 0);
    const bib_date *g = bib_field_date(bib_record_get(r, BIB_VAR_ISSUED));
    ck_assert_int_eq(g->nparts, 2);
    ck_assert_int_eq(g->parts[1].year, 2021);
    ck_assert_str_eq(g->raw, "2020-03-01/2021");
    d.nparts = 3;
    ck_assert_int_eq(bib_record_set_date(r, BIB_VAR_ISSUED, &d), BIB_EINVAL);
    bib_record *c = bib_record_clone(r);
    bib_record_free(r);
    ck_assert_str_eq(bib_field_name_at(bib_record_get(c, BIB_VAR_AUTHOR), 0)->given, "Vincent");
    ck_assert_int_eq(bib_field_date(bib_record_get(c, BIB_VAR_ISSUED))->parts[0].month, 3);
    bib_record_free(c);
}
END_TEST

/* A clone outlives its source and the block the source left behind (a
 * freed record's block is reused by the next one): small records are
 * copied as one chunk with their pointers moved, big ones and views value
 * by value; both must read the same and grow on their own. */
START_TEST(test_clone_independent)
{
    for (int big = 0; big < 3; big++) {
        bib_record *r = bib_record_new(BIB_TYPE_BOOK, "key1");
        bib_record_set_origin(r, "in.bib", 12);
        bib_record_set_text(r, BIB_VAR_TITLE, "Title", 5);
        bib_record_add_text(r, BIB_VAR_KEYWORD, "k1", 2);
        bib_record_add_text(r, BIB_VAR_KEYWORD, "k2", 2);
        bib_name n = {.family = "Gogh", .given = "Vincent", .non_dropping_particle = "van"};
        bib_record_add_name(r, BIB_VAR_AUTHOR, &n);
        bib_name l = {.literal = "World Health Organization"};
        bib_record_add_name(r, BIB_VAR_EDITOR, &l);
        bib_date d = {.nparts = 1, .parts = {{true, 1999, 5, 0, 0}}, .raw = "May 1999"};
        bib_record_set_date(r, BIB_VAR_ISSUED, &d);
        bib_record_add_extra(r, "bibtex", "owner", "me", 2);
        bib_record_add_extra(r, "bibtex", "entrytype", "book", 4);
        if (big == 1) { /* past the first chunk */
            char longv[3000];
            memset(longv, 'a', sizeof longv);
            bib_record_set_text(r, BIB_VAR_ABSTRACT, longv, sizeof longv);
        }
        bib_record *src = big == 2 ? bib_record_keyed_view(r, "key2") : r;
        bib_record *c = bib_record_clone(src);
        if (src != r)
            bib_record_free(src);
        bib_record_free(r);
        /* a new record over the freed block, other values */
        bib_record *o = bib_record_new(BIB_TYPE_ARTICLE, "zzzz");
        bib_record_set_origin(o, "other.ris", 1);
        bib_record_set_text(o, BIB_VAR_TITLE, "XXXXX", 5);
        bib_name m = {.family = "Doe", .given = "Jane"};
        bib_record_add_name(o, BIB_VAR_AUTHOR, &m);
        bib_record_add_extra(o, "ris", "XX", "yy", 2);
        ck_assert_str_eq(bib_record_id(c), big == 2 ? "key2" : "key1");
        size_t line;
        ck_assert_str_eq(bib_record_origin(c, &line), "in.bib");
        ck_assert_uint_eq(line, 12);
        ck_assert_int_eq(bib_record_type(c), BIB_TYPE_BOOK);
        ck_assert_str_eq(bib_record_text(c, BIB_VAR_TITLE), "Title");
        const bib_field *kw = bib_record_get(c, BIB_VAR_KEYWORD);
        ck_assert_uint_eq(bib_field_value_count(kw), 2);
        ck_assert_str_eq(bib_field_value_at(kw, 1), "k2");
        const bib_field *a = bib_record_get(c, BIB_VAR_AUTHOR);
        ck_assert_str_eq(bib_field_name_at(a, 0)->family, "Gogh");
        ck_assert_str_eq(bib_field_name_at(a, 0)->given, "Vincent");
        ck_assert_str_eq(bib_field_name_at(a, 0)->non_dropping_particle, "van");
        ck_assert_str_eq(bib_field_name_at(bib_record_get(c, BIB_VAR_EDITOR), 0)->literal,
                         "World Health Organization");
        const bib_date *g = bib_field_date(bib_record_get(c, BIB_VAR_ISSUED));
        ck_assert_int_eq(g->parts[0].year, 1999);
        ck_assert_str_eq(g->raw, "May 1999");
        ck_assert_str_eq(bib_record_extra_get(c, "bibtex", "owner"), "me");
        ck_assert_str_eq(bib_record_extra_get(c, "bibtex", "entrytype"), "book");
        ck_assert_uint_eq(bib_record_text(c, BIB_VAR_ABSTRACT) ? 1 : 0, big == 1);
        /* the clone grows on its own */
        bib_record_add_text(c, BIB_VAR_KEYWORD, "k3", 2);
        bib_record_add_name(c, BIB_VAR_AUTHOR, &n);
        bib_record_add_extra(c, "bibtex", "note", "n", 1);
        ck_assert_str_eq(bib_field_value_at(bib_record_get(c, BIB_VAR_KEYWORD), 2), "k3");
        ck_assert_uint_eq(bib_field_name_count(bib_record_get(c, BIB_VAR_AUTHOR)), 2);
        ck_assert_str_eq(bib_record_extra_get(c, "bibtex", "note"), "n");
        for (int v = BIB_VAR_ABSTRACT; v < BIB_VAR_COUNT; v++)
            bib_record_set_text(c, (bib_var)v, "x", 1);
        ck_assert_str_eq(bib_record_text(c, BIB_VAR_TITLE), "Title");
        ck_assert_str_eq(bib_record_text(o, BIB_VAR_TITLE), "XXXXX");
        bib_record_free(o);
        bib_record_free(c);
    }
}
END_TEST

START_TEST(test_extras_and_directives)
{
    bib_record *r = bib_record_new(BIB_TYPE_UNKNOWN, "k");
    bib_record_add_extra(r, "bibtex", "owner", "me", 2);
    bib_record_add_extra(r, "bibtex", "owner", "you", 3);
    bib_record_add_extra(r, "ris", "AD", "Paris", 5);
    ck_assert_uint_eq(bib_record_extra_count(r), 3);
    ck_assert_str_eq(bib_record_extra_get(r, "bibtex", "owner"), "me");
    /* a name sharing a first byte, another format, an empty name, and a
     * name removed (its first byte's bit stays: the scan answers) */
    ck_assert_ptr_null(bib_record_extra_get(r, "bibtex", "own"));
    ck_assert_ptr_null(bib_record_extra_get(r, "ris", "owner"));
    ck_assert_ptr_null(bib_record_extra_get(r, "bibtex", ""));
    ck_assert_str_eq(bib_record_extra_get(r, "ris", "AD"), "Paris");
    ck_assert_uint_eq(bib_record_extra_remove(r, "bibtex", "owner"), 2);
    ck_assert_ptr_null(bib_record_extra_get(r, "bibtex", "owner"));
    const char *fmt, *name, *value;
    size_t len;
    ck_assert_int_eq(bib_record_extra_at(r, 0, &fmt, &name, &value, &len), 0);
    ck_assert_str_eq(name, "AD");
    ck_assert_uint_eq(len, 5);
    ck_assert_int_eq(bib_record_extra_at(r, 1, NULL, NULL, NULL, NULL), BIB_ENOTFOUND);
    bib_record_free(r);
    bib_record *d = bib_record_new_directive("bibtex", "preamble", "\\def\\x{}", 8);
    ck_assert_int_eq(bib_record_kind_of(d), BIB_RECORD_DIRECTIVE);
    ck_assert_str_eq(bib_record_directive_name(d), "preamble");
    ck_assert_str_eq(bib_record_directive_text(d, &len), "\\def\\x{}");
    bib_record_free(d);
    bib_record_free(NULL);
}
END_TEST

/* Grouped for {format: {name: [values]}}: formats and names in order of
 * first appearance, values in insertion order, every extra once. */
START_TEST(test_extras_grouped)
{
    bib_record *r = bib_record_new(BIB_TYPE_UNKNOWN, "k");
    bool oom;
    ck_assert_ptr_null(bib_record_extras_grouped(r, &oom));
    ck_assert(!oom);
    static const char *const in[][3] = {
        {"ris", "ZZ", "1"}, {"bibtex", "owner", "a"}, {"ris", "M9", "x"},
        {"ris", "ZZ", "2"}, {"bibtex", "abc", "b"},   {"bibtex", "owner", "c"},
    };
    for (size_t i = 0; i < 6; i++)
        bib_record_add_extra(r, in[i][0], in[i][1], in[i][2], 1);
    bib_extra_step *g = bib_record_extras_grouped(r, &oom);
    ck_assert_ptr_nonnull(g);
    /* ris{ZZ:[1,2], M9:x}, bibtex{owner:[a,c], abc:b} */
    static const size_t want[] = {0, 3, 2, 1, 5, 4};
    static const bool fmt1[] = {1, 0, 0, 1, 0, 0}, name1[] = {1, 0, 1, 1, 0, 1},
                      last[] = {0, 1, 1, 0, 1, 1};
    for (size_t i = 0; i < 6; i++) {
        ck_assert_uint_eq(g[i].index, want[i]);
        ck_assert_int_eq(g[i].new_format, fmt1[i]);
        ck_assert_int_eq(g[i].new_name, name1[i]);
        ck_assert_int_eq(g[i].last_of_name, last[i]);
    }
    free(g);
    bib_record_free(r);
    /* already grouped (each format in one run, names once: the short
     * path) and the same extras with a format met again (the sorts) */
    static const char *const run[][2] = {
        {"bibtex", "a"}, {"bibtex", "b"}, {"ris", "X"}, {"ris", "Y"}, {"bibtex", "c"},
    };
    for (size_t m = 4; m <= 5; m++) {
        r = bib_record_new(BIB_TYPE_UNKNOWN, "k");
        for (size_t i = 0; i < m; i++)
            bib_record_add_extra(r, run[i][0], run[i][1], "v", 1);
        g = bib_record_extras_grouped(r, &oom);
        ck_assert_ptr_nonnull(g);
        static const size_t want4[] = {0, 1, 2, 3}, want5[] = {0, 1, 4, 2, 3};
        static const bool fmt4[] = {1, 0, 1, 0}, fmt5[] = {1, 0, 0, 1, 0};
        for (size_t i = 0; i < m; i++) {
            ck_assert_uint_eq(g[i].index, m == 4 ? want4[i] : want5[i]);
            ck_assert_int_eq(g[i].new_format, m == 4 ? fmt4[i] : fmt5[i]);
            ck_assert(g[i].new_name && g[i].last_of_name);
        }
        free(g);
        bib_record_free(r);
    }
}
END_TEST

START_TEST(test_csl_vocabulary)
{
    for (int t = 1; t < BIB_TYPE_COUNT; t++) {
        const char *n = bib_type_name((bib_type)t);
        ck_assert_int_eq(bib_type_from_name(n, strlen(n)), t);
    }
    for (int v = 1; v < BIB_VAR_COUNT; v++) {
        const char *n = bib_var_name((bib_var)v);
        ck_assert_ptr_nonnull(n);
        ck_assert_int_eq(bib_var_from_name(n, strlen(n)), v);
        ck_assert_int_ne(bib_var_kind((bib_var)v), BIB_KIND_NONE);
    }
    ck_assert_int_eq(bib_type_from_name("Legal-Case", 10), BIB_TYPE_LEGAL_CASE);
    ck_assert_int_eq(bib_type_from_name("nonsense", 8), BIB_TYPE_UNKNOWN);
    ck_assert_int_eq(bib_var_from_name("shortTitle", 10), BIB_VAR_TITLE_SHORT);
    ck_assert_int_eq(bib_var_from_name("journalAbbreviation", 19),
                     BIB_VAR_CONTAINER_TITLE_SHORT);
    ck_assert_int_eq(bib_var_from_name("event", 5), BIB_VAR_EVENT_TITLE);
    ck_assert_int_eq(bib_var_from_name("part-number", 11), BIB_VAR_PART_NUMBER);
    ck_assert_str_eq(bib_var_name(BIB_VAR_PART_NUMBER), "part");
    ck_assert_int_eq(bib_var_from_name("doi", 3), BIB_VAR_DOI);
    ck_assert_int_eq(bib_var_from_name("archive-location", 16), BIB_VAR_ARCHIVE_LOCATION);
    ck_assert_int_eq(bib_var_kind(BIB_VAR_TITLE), BIB_KIND_RICH);
    ck_assert_int_eq(bib_var_kind(BIB_VAR_EDITOR), BIB_KIND_NAMES);
    ck_assert_int_eq(bib_var_kind(BIB_VAR_SUBMITTED), BIB_KIND_DATE);
    ck_assert_int_eq(bib_var_kind(BIB_VAR_PAGE), BIB_KIND_NUMBER);
    ck_assert_int_eq(bib_var_kind(BIB_VAR_URL), BIB_KIND_TEXT);
}
END_TEST

START_TEST(test_buf_and_options)
{
    bib_buf b = BIB_BUF_INIT;
    bib_buf_reset(&b); /* must not write to the static empty string */
    ck_assert_str_eq(b.data, "");
    for (int i = 0; i < 1000; i++)
        bib_buf_printf(&b, "%d,", i);
    ck_assert_uint_eq(b.len, strlen(b.data));
    bib_buf_put_utf8(&b, 0xE9);
    ck_assert_str_eq(b.data + b.len - 2, "\xC3\xA9");
    char *s = bib_buf_detach(&b);
    ck_assert_ptr_nonnull(s);
    ck_assert_uint_eq(b.len, 0);
    free(s);
    bib_options *o = bib_options_new();
    ck_assert_int_eq(bib_options_parse(o, "compact=true"), 0);
    ck_assert_int_eq(bib_options_parse(o, "noequals"), BIB_EINVAL);
    ck_assert_int_eq(bib_options_parse(o, "=x"), BIB_EINVAL);
    bool v;
    ck_assert_int_eq(bib_options_get_bool(o, "compact", false, &v), 0);
    ck_assert(v);
    bib_options_set(o, "compact", "maybe");
    ck_assert_int_eq(bib_options_get_bool(o, "compact", true, &v), BIB_EINVAL);
    long n;
    bib_options_set(o, "n", "42");
    ck_assert_int_eq(bib_options_get_int(o, "n", 0, &n), 0);
    ck_assert_int_eq(n, 42);
    ck_assert_uint_eq(bib_options_count(o), 2);
    ck_assert_ptr_null(bib_options_get(o, "absent"));
    bib_options_free(o);
}
END_TEST

typedef struct { char text[4096]; size_t n; } capture;

static void cap(const bib_diag_msg *m, void *p)
{
    capture *c = p;
    c->n += (size_t)snprintf(c->text + c->n, sizeof c->text - c->n, "%s:%zu:%zu:%d:%s\n",
                             m->file ? m->file : "-", m->line, m->column, (int)m->severity,
                             m->message);
}

START_TEST(test_diag)
{
    bib_diag *d = bib_diag_new();
    capture c = {{0}, 0};
    bib_diag_set_callback(d, cap, &c);
    bib_diag_report(d, BIB_SEV_ERROR, "a.bib", 3, 7, "expected '%c'", ',');
    bib_diag_report(d, BIB_SEV_INFO, NULL, 0, 0, "hidden");
    bib_diag_report(d, BIB_SEV_WARNING, NULL, 0, 0, "w");
    ck_assert_str_eq(c.text, "a.bib:3:7:3:expected ','\n-:0:0:2:w\n");
    ck_assert_uint_eq(bib_diag_count(d, BIB_SEV_ERROR), 1);
    ck_assert_uint_eq(bib_diag_count(d, BIB_SEV_INFO), 1);
    char q[32];
    bib_diag_quote(q, sizeof q, "abc\tdefghijklmnopqrstuvwxyz", 27, 5);
    ck_assert_str_eq(q, "abc\\x09d...");
    bib_diag_free(d);
}
END_TEST

/* bib_sort_small: keys with ties, sorted by key alone; below the cut
 * equal keys keep their order (stable), above it qsort's order of keys. */
typedef struct sort_item {
    int key, pos;
} sort_item;

static int by_key(const void *a, const void *b)
{
    const sort_item *x = a, *y = b;
    return (x->key > y->key) - (x->key < y->key);
}

START_TEST(test_sort_small)
{
    sort_item v[BIB_SORT_SMALL + 8];
    for (size_t n = 0; n <= BIB_SORT_SMALL + 8; n++) {
        for (size_t i = 0; i < n; i++)
            v[i] = (sort_item){(int)((i * 7 + 3) % 5), (int)i};
        bib_sort_small(v, n, sizeof *v, by_key);
        for (size_t i = 1; i < n; i++) {
            ck_assert_int_le(v[i - 1].key, v[i].key);
            if (n <= BIB_SORT_SMALL && v[i - 1].key == v[i].key)
                ck_assert_int_lt(v[i - 1].pos, v[i].pos);
        }
        int seen[BIB_SORT_SMALL + 8] = {0};
        for (size_t i = 0; i < n; i++)
            seen[v[i].pos]++;
        for (size_t i = 0; i < n; i++)
            ck_assert_int_eq(seen[i], 1);
    }
}
END_TEST

/* Source text (record.h): kept beside a value, shared when it is the
 * value itself, asked for by format; dropped by every setter of its
 * variable but not by flags; carried by both kinds of clone. */
START_TEST(test_source_text)
{
    bib_record *r = bib_record_new(BIB_TYPE_BOOK, "k");
    ck_assert_int_eq(bib_record_set_source(r, BIB_VAR_TITLE, "bibtex", 1, "x", 1),
                     BIB_ENOTFOUND);
    ck_assert_ptr_null(bib_record_source_format(r));
    bib_record_set_text(r, BIB_VAR_TITLE, "Plain", 5);
    bib_record_set_text(r, BIB_VAR_NOTE, "\u00fc", 2);
    bib_name n = {.family = "G\u00f6del", .given = "Kurt"};
    bib_record_add_name(r, BIB_VAR_AUTHOR, &n);
    bib_date d = {.nparts = 1, .parts = {{.has_year = true, .year = 1931}}};
    bib_record_set_date(r, BIB_VAR_ISSUED, &d);
    const char *t = bib_record_text(r, BIB_VAR_TITLE);
    ck_assert_ptr_null(bib_record_source_format(r));
    ck_assert_int_eq(bib_record_set_source(r, BIB_VAR_TITLE, "bibtex", 5, t, 5), 0);
    ck_assert_str_eq(bib_record_source_format(r), "bibtex");
    ck_assert_int_eq(bib_record_set_source(r, BIB_VAR_NOTE, "bibtex", 1, "{\\\"u}x", 5), 0);
    ck_assert_int_eq(bib_record_set_source(r, BIB_VAR_AUTHOR, "bibtex", 3, "Kurt G{\\\"o}del",
                                           15), 0);
    ck_assert_int_eq(bib_record_set_source(r, BIB_VAR_ISSUED, "bibtex", 0, "1931", 4),
                     BIB_EINVAL);
    unsigned tag = 0;
    size_t len = 0;
    const bib_field *f = bib_record_get(r, BIB_VAR_TITLE);
    ck_assert_ptr_eq(bib_field_source(f, "bibtex", &tag, &len), t); /* shared */
    ck_assert_uint_eq(tag, 5);
    ck_assert_uint_eq(len, 5);
    ck_assert_ptr_null(bib_field_source(f, "ris", NULL, NULL));
    /* the length given, not the NUL: "{\"u}" of "{\"u}x" */
    ck_assert_int_eq(strncmp(bib_field_source(bib_record_get(r, BIB_VAR_NOTE), "bibtex", NULL,
                                              &len), "{\\\"u}", len), 0);
    ck_assert_uint_eq(len, 5);
    /* flags keep it; clones (flat and value by value) carry it */
    bib_record_set_field_flags(r, BIB_VAR_TITLE, BIB_FIELD_BARE_NUMBER);
    ck_assert_ptr_nonnull(bib_field_source(bib_record_get(r, BIB_VAR_TITLE), "bibtex", 0, 0));
    for (int big = 0; big < 2; big++) {
        if (big) { /* past the first chunk: the clone copies value by value */
            char *pad = calloc(4096, 1);
            memset(pad, 'a', 4095);
            bib_record_set_text(r, BIB_VAR_ABSTRACT, pad, 4095);
            free(pad);
        }
        bib_record *c = bib_record_clone(r);
        /* a writer asks the record first (bib_record_source_format) */
        ck_assert_str_eq(bib_record_source_format(c), "bibtex");
        const bib_field *cf = bib_record_get(c, BIB_VAR_TITLE);
        ck_assert_ptr_eq(bib_field_source(cf, "bibtex", &tag, &len), bib_field_text(cf));
        ck_assert_uint_eq(tag, 5);
        const char *ca = bib_field_source(bib_record_get(c, BIB_VAR_AUTHOR), "bibtex", &tag, &len);
        ck_assert_ptr_nonnull(ca);
        ck_assert_int_eq(strncmp(ca, "Kurt G{\\\"o}del", len), 0);
        ck_assert_uint_eq(tag, 3);
        bib_record_free(c);
    }
    /* any setter of the variable drops it */
    bib_record_add_text(r, BIB_VAR_TITLE, "More", 4);
    ck_assert_ptr_null(bib_field_source(bib_record_get(r, BIB_VAR_TITLE), "bibtex", 0, 0));
    bib_record_set_text(r, BIB_VAR_NOTE, "y", 1);
    ck_assert_ptr_null(bib_field_source(bib_record_get(r, BIB_VAR_NOTE), "bibtex", 0, 0));
    bib_record_set_names_truncated(r, BIB_VAR_AUTHOR, true);
    ck_assert_ptr_null(bib_field_source(bib_record_get(r, BIB_VAR_AUTHOR), "bibtex", 0, 0));
    bib_record_set_source(r, BIB_VAR_AUTHOR, "bibtex", 3, "x", 1);
    bib_record_add_name(r, BIB_VAR_AUTHOR, &n);
    ck_assert_ptr_null(bib_field_source(bib_record_get(r, BIB_VAR_AUTHOR), "bibtex", 0, 0));
    bib_record_free(r);
}
END_TEST

/* A text of white space and control characters alone holds nothing a
 * writer can show (bib_text_blank): bib_record_holds says so, also of a
 * date's literal, and the RIS, tagged and XML writers refuse a record of
 * such values alone. */
START_TEST(test_blank_text_holds_nothing)
{
    ck_assert(bib_text_blank("", 0));
    ck_assert(bib_text_blank(" \t\x01\x1b\x7f\n", 6));
    ck_assert(!bib_text_blank("\x01" "a", 2));
    ck_assert(!bib_text_blank("\xc3\xa9", 2)); /* non-ASCII counts */
    bib_record *r = bib_record_new(BIB_TYPE_ARTICLE, "k");
    ck_assert_ptr_nonnull(r);
    ck_assert_int_eq(bib_record_set_text(r, BIB_VAR_TITLE, "\x01\x02 ", 3), 0);
    ck_assert(bib_record_has(r, BIB_VAR_TITLE));
    ck_assert(!bib_record_holds(r, BIB_VAR_TITLE));
    ck_assert_int_eq(bib_record_set_text(r, BIB_VAR_TITLE, "\x01" "T", 2), 0);
    ck_assert(bib_record_holds(r, BIB_VAR_TITLE));
    /* a date whose literal is such a text (a BibTeX date of U+001C) */
    bib_date d = { .literal = "\x1c " };
    ck_assert_int_eq(bib_record_set_date(r, BIB_VAR_ISSUED, &d), 0);
    ck_assert(!bib_record_holds(r, BIB_VAR_ISSUED));
    bib_date w = { .literal = "\x1c" "spring" };
    ck_assert_int_eq(bib_record_set_date(r, BIB_VAR_ISSUED, &w), 0);
    ck_assert(bib_record_holds(r, BIB_VAR_ISSUED));
    bib_record_free(r);
}
END_TEST

BIB_TEST_MAIN("record",
              test_text_fields, test_names_and_dates, test_clone_independent,
              test_extras_and_directives,
              test_extras_grouped, test_sort_small, test_csl_vocabulary, test_buf_and_options,
              test_diag, test_source_text, test_blank_text_holds_nothing)
