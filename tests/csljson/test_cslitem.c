/* SPDX-License-Identifier: MIT */
/* test_cslitem.c - the CSL item <-> JSON mapping of plugins/csljson/cslitem.h. */
#include "testutil.h"
#include <stdlib.h>
#include <string.h>

#include "bibconv.h"
#include "cj_read.h"
#include "cslitem.h"

static bib_record *from(const char *text)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    ck_assert_msg(j != NULL, "bad test JSON: %s", e.text);
    bib_record *r = NULL;
    int rc = bib_cslitem_from_json(&r, j, NULL);
    json_decref(j);
    ck_assert_int_eq(rc, 0);
    return r;
}

/* The item written back compared with `expect` as JSON values. */
static void roundtrip_eq(const bib_record *r, const char *expect)
{
    json_t *got = bib_cslitem_to_json(r, BIB_CSLITEM_CUSTOM_EXTRAS);
    json_t *want = json_loads(expect, 0, NULL);
    char *g = json_dumps(got, JSON_SORT_KEYS | JSON_COMPACT);
    ck_assert_msg(json_equal(got, want), "got %s", g);
    free(g);
    json_decref(got);
    json_decref(want);
}

START_TEST(test_names)
{
    bib_record *r = from("{\"id\":\"a\",\"type\":\"book\",\"author\":["
                         "{\"family\":\"Gogh\",\"given\":\"Vincent\",\"non-dropping-particle\":\"van\"},"
                         "{\"literal\":\"World Health Organization\"},"
                         "{\"family\":\"Ford\",\"given\":\"Henry\",\"suffix\":\"Jr.\",\"comma-suffix\":true},"
                         "{\"literal\":\"others\"}]}");
    const bib_field *f = bib_record_get(r, BIB_VAR_AUTHOR);
    ck_assert_uint_eq(bib_field_name_count(f), 3);
    ck_assert(bib_field_names_truncated(f));
    ck_assert_str_eq(bib_field_name_at(f, 0)->non_dropping_particle, "van");
    ck_assert_str_eq(bib_field_name_at(f, 1)->literal, "World Health Organization");
    ck_assert(bib_field_name_at(f, 2)->comma_suffix);
    roundtrip_eq(r, "{\"id\":\"a\",\"type\":\"book\",\"author\":["
                    "{\"family\":\"Gogh\",\"given\":\"Vincent\",\"non-dropping-particle\":\"van\"},"
                    "{\"literal\":\"World Health Organization\"},"
                    "{\"family\":\"Ford\",\"given\":\"Henry\",\"suffix\":\"Jr.\",\"comma-suffix\":true},"
                    "{\"literal\":\"others\"}]}");
    bib_record_free(r);
}
END_TEST

START_TEST(test_dates)
{
    bib_record *r = from("{\"id\":\"d\",\"type\":\"book\","
                         "\"issued\":{\"date-parts\":[[\"2019\",4,28],[2020]]},"
                         "\"accessed\":{\"date-parts\":[[1999,22]]},"
                         "\"submitted\":\"2020-03/2021\","
                         "\"original-date\":{\"literal\":\"forthcoming\"},"
                         "\"event-date\":{\"raw\":\"1723~\"}}");
    const bib_date *d = bib_field_date(bib_record_get(r, BIB_VAR_ISSUED));
    ck_assert_int_eq(d->nparts, 2);
    ck_assert_int_eq(d->parts[0].year, 2019);
    ck_assert_int_eq(d->parts[0].day, 28);
    ck_assert_int_eq(d->parts[1].year, 2020);
    d = bib_field_date(bib_record_get(r, BIB_VAR_ACCESSED));
    ck_assert_int_eq(d->parts[0].season, BIB_SEASON_SUMMER); /* month 22 */
    ck_assert_int_eq(d->parts[0].month, 0);
    d = bib_field_date(bib_record_get(r, BIB_VAR_SUBMITTED));
    ck_assert_int_eq(d->nparts, 2);
    ck_assert_int_eq(d->parts[0].month, 3);
    d = bib_field_date(bib_record_get(r, BIB_VAR_ORIGINAL_DATE));
    ck_assert_str_eq(d->literal, "forthcoming");
    d = bib_field_date(bib_record_get(r, BIB_VAR_EVENT_DATE));
    ck_assert(d->circa);
    ck_assert_int_eq(d->parts[0].year, 1723);
    /* exact round trip through the kept input spellings */
    roundtrip_eq(r, "{\"id\":\"d\",\"type\":\"book\","
                    "\"issued\":{\"date-parts\":[[\"2019\",4,28],[2020]]},"
                    "\"accessed\":{\"date-parts\":[[1999,22]]},"
                    "\"submitted\":\"2020-03/2021\","
                    "\"original-date\":{\"literal\":\"forthcoming\"},"
                    "\"event-date\":{\"raw\":\"1723~\"}}");
    /* a changed value is written canonically, not from the kept spelling */
    bib_date nd = {.nparts = 1, .parts = {{true, 2001, 0, 0, 0}}};
    bib_record_set_date(r, BIB_VAR_ISSUED, &nd);
    json_t *j = bib_cslitem_to_json(r, 0);
    char *s = json_dumps(json_object_get(j, "issued"), JSON_COMPACT);
    ck_assert_str_eq(s, "{\"date-parts\":[[2001]]}");
    free(s);
    json_decref(j);
    bib_record_free(r);
}
END_TEST

/* Empty-string date-parts members are absent, as citeproc-js reads them
 * (csl-test-suite date_EmptyStrings); the spelling comes back exactly. */
START_TEST(test_date_empty_parts)
{
    bib_record *r = from("{\"id\":\"e\",\"type\":\"book\","
                         "\"issued\":{\"date-parts\":[[\"2000\",\"\",\"\"]]},"
                         "\"accessed\":{\"date-parts\":[[2001,\" \",5]]}}");
    const bib_date *d = bib_field_date(bib_record_get(r, BIB_VAR_ISSUED));
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->nparts, 1);
    ck_assert_int_eq(d->parts[0].year, 2000);
    ck_assert_int_eq(d->parts[0].month, 0);
    ck_assert_ptr_null(d->literal);
    d = bib_field_date(bib_record_get(r, BIB_VAR_ACCESSED));
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->parts[0].year, 2001);
    ck_assert_int_eq(d->parts[0].day, 0); /* a day without its month: dropped */
    roundtrip_eq(r, "{\"id\":\"e\",\"type\":\"book\","
                    "\"issued\":{\"date-parts\":[[\"2000\",\"\",\"\"]]},"
                    "\"accessed\":{\"date-parts\":[[2001,\" \",5]]}}");
    bib_record_free(r);
}
END_TEST

START_TEST(test_numbers_aliases_extras)
{
    bib_record *r = from("{\"id\":7,\"type\":\"article-journal\",\"volume\":12,\"page\":\"1-10\","
                         "\"shortTitle\":\"Short\",\"journalAbbreviation\":\"J.\","
                         "\"keyword\":\"a, b\",\"categories\":[\"x\",\"y\"],"
                         "\"custom\":{\"k\":1},\"unknown-key\":[1,2]}");
    ck_assert_str_eq(bib_record_id(r), "7");
    const bib_field *v = bib_record_get(r, BIB_VAR_VOLUME);
    ck_assert_str_eq(bib_field_text(v), "12");
    ck_assert(bib_field_flags(v) & BIB_FIELD_BARE_NUMBER);
    ck_assert_str_eq(bib_record_text(r, BIB_VAR_TITLE_SHORT), "Short");
    ck_assert_str_eq(bib_record_text(r, BIB_VAR_CONTAINER_TITLE_SHORT), "J.");
    ck_assert_uint_eq(bib_field_value_count(bib_record_get(r, BIB_VAR_KEYWORD)), 2);
    ck_assert_uint_eq(bib_field_value_count(bib_record_get(r, BIB_VAR_CATEGORIES)), 2);
    ck_assert_str_eq(bib_record_extra_get(r, "csljson", "unknown-key"), "[1,2]");
    roundtrip_eq(r, "{\"id\":7,\"type\":\"article-journal\",\"volume\":12,\"page\":\"1-10\","
                    "\"shortTitle\":\"Short\",\"journalAbbreviation\":\"J.\","
                    "\"keyword\":\"a, b\",\"categories\":[\"x\",\"y\"],"
                    "\"custom\":{\"k\":1},\"unknown-key\":[1,2]}");
    /* other formats' extras go under custom */
    bib_record_add_extra(r, "bibtex", "owner", "me", 2);
    json_t *j = bib_cslitem_to_json(r, BIB_CSLITEM_CUSTOM_EXTRAS);
    json_t *c = json_object_get(json_object_get(json_object_get(j, "custom"), "bibtex"), "owner");
    ck_assert_str_eq(json_string_value(c), "me");
    json_decref(j);
    bib_record_free(r);
}
END_TEST

START_TEST(test_bad_items)
{
    json_t *j = json_loads("[1,2]", 0, NULL);
    bib_record *r = NULL;
    ck_assert_int_eq(bib_cslitem_from_json(&r, j, NULL), BIB_EPARSE);
    ck_assert_ptr_null(r);
    json_decref(j);
    /* a value of the wrong shape is kept as an extra, not lost */
    r = from("{\"id\":\"b\",\"type\":\"book\",\"author\":\"not a list\",\"issued\":[1]}");
    ck_assert(!bib_record_has(r, BIB_VAR_AUTHOR));
    ck_assert_str_eq(bib_record_extra_get(r, "csljson", "author"), "\"not a list\"");
    ck_assert_str_eq(bib_record_extra_get(r, "csljson", "issued"), "[1]");
    roundtrip_eq(r, "{\"id\":\"b\",\"type\":\"book\",\"author\":\"not a list\",\"issued\":[1]}");
    bib_record_free(r);
    /* no type: written as document */
    r = from("{\"id\":\"c\",\"title\":\"T\"}");
    roundtrip_eq(r, "{\"id\":\"c\",\"type\":\"document\",\"title\":\"T\"}");
    bib_record_free(r);
}
END_TEST

/* bib_cslitem_write must give the very text jansson gives for
 * bib_cslitem_to_json, in both layouts and at an indent level. */
static void same_text(const bib_record *r)
{
    json_t *j = bib_cslitem_to_json(r, BIB_CSLITEM_CUSTOM_EXTRAS);
    for (int pretty = 0; pretty < 2; pretty++) {
        char *want = json_dumps(j, pretty ? JSON_INDENT(2) : JSON_COMPACT);
        bib_buf got = BIB_BUF_INIT;
        unsigned fl = BIB_CSLITEM_CUSTOM_EXTRAS | (pretty ? BIB_CSLITEM_PRETTY : 0);
        ck_assert_int_eq(bib_cslitem_write(&got, r, fl, 0), 0);
        ck_assert_str_eq(got.data, want);
        /* one level deeper: every line after the first gains two spaces */
        bib_buf deep = BIB_BUF_INIT, exp = BIB_BUF_INIT;
        ck_assert_int_eq(bib_cslitem_write(&deep, r, fl, 1), 0);
        for (const char *p = want; *p; p++) {
            bib_buf_putc(&exp, *p);
            if (*p == '\n')
                bib_buf_puts(&exp, "  ");
        }
        ck_assert_str_eq(deep.data, exp.data);
        bib_buf_clear(&got);
        bib_buf_clear(&deep);
        bib_buf_clear(&exp);
        free(want);
    }
    json_decref(j);
}

START_TEST(test_write_direct)
{
    bib_record *r = bib_record_new(BIB_TYPE_ARTICLE_JOURNAL, "k\"1");
    bib_name n = {0};
    n.family = "Gogh";
    n.given = "Vincent";
    n.non_dropping_particle = "van";
    n.comma_suffix = true;
    ck_assert_int_eq(bib_record_add_name(r, BIB_VAR_AUTHOR, &n), 0);
    bib_name lit = {0};
    lit.literal = "Ærø \\ \"Group\"";
    ck_assert_int_eq(bib_record_add_name(r, BIB_VAR_AUTHOR, &lit), 0);
    ck_assert_int_eq(bib_record_set_names_truncated(r, BIB_VAR_AUTHOR, true), 0);
    const char *title = "Tabs\tand\nlines \x01\x1f / <i>x</i> \xe2\x80\x93 done";
    ck_assert_int_eq(bib_record_set_text(r, BIB_VAR_TITLE, title, strlen(title)), 0);
    ck_assert_int_eq(bib_record_set_text(r, BIB_VAR_VOLUME, "12", 2), 0);
    bib_record_set_field_flags(r, BIB_VAR_VOLUME, BIB_FIELD_BARE_NUMBER);
    ck_assert_int_eq(bib_record_set_text(r, BIB_VAR_ISSUE, "007", 3), 0);
    bib_record_set_field_flags(r, BIB_VAR_ISSUE, BIB_FIELD_BARE_NUMBER);
    ck_assert_int_eq(bib_record_add_text(r, BIB_VAR_KEYWORD, "a", 1), 0);
    ck_assert_int_eq(bib_record_add_text(r, BIB_VAR_KEYWORD, "b c", 3), 0);
    bib_date d = {0};
    d.nparts = 2;
    d.parts[0].has_year = true;
    d.parts[0].year = 2020;
    d.parts[0].month = 3;
    d.parts[0].season = 2;
    d.parts[1].has_year = false;
    d.circa = true;
    d.raw = "2020-03/..";
    ck_assert_int_eq(bib_record_set_date(r, BIB_VAR_ISSUED, &d), 0);
    bib_date l = {0};
    l.literal = "forthcoming";
    ck_assert_int_eq(bib_record_set_date(r, BIB_VAR_ACCESSED, &l), 0);
    ck_assert_int_eq(bib_record_add_extra(r, "bibtex", "entrytype", "article", 7), 0);
    ck_assert_int_eq(bib_record_add_extra(r, "ris", "M1", "x", 1), 0);
    ck_assert_int_eq(bib_record_add_extra(r, "bibtex", "file", "a", 1), 0);
    ck_assert_int_eq(bib_record_add_extra(r, "bibtex", "file", "b\n", 2), 0);
    same_text(r);
    bib_record_free(r);
    /* the smallest record, and one whose extras take the json_t path */
    r = bib_record_new(BIB_TYPE_UNKNOWN, NULL);
    same_text(r);
    bib_record_free(r);
    r = from("{\"id\":1,\"type\":\"book\",\"shortTitle\":\"S\",\"note\":\"n\"}");
    same_text(r);
    bib_record_free(r);
}
END_TEST

/* Every ASCII byte at the start, the middle and the end of titles of 17
 * to 513 bytes (the writer's quick ways for 4-16 and 17-512 bytes, the
 * general one beyond), written into a buffer with room (the quick ways
 * need it) compact and pretty inside an array: the very text jansson
 * gives. Ties the writer's three copies of the set of bytes to escape to
 * jansson's. */
START_TEST(test_write_escapes)
{
    static const size_t lens[] = {4, 9, 16, 17, 20, 31, 32, 33, 47, 48, 100, 511, 512, 513};
    char t[600];
    for (size_t li = 0; li < sizeof lens / sizeof *lens; li++) {
        size_t n = lens[li];
        for (int c = 1; c < 128; c++) {
            size_t at[3] = {0, n / 2, n - 1};
            for (int k = 0; k < 3; k++) {
                memset(t, 'x', n);
                t[at[k]] = (char)c;
                bib_record *r = bib_record_new(BIB_TYPE_BOOK, "k");
                ck_assert_int_eq(bib_record_set_text(r, BIB_VAR_TITLE, t, n), 0);
                json_t *j = bib_cslitem_to_json(r, 0);
                for (int pretty = 0; pretty < 2; pretty++) {
                    char *want = json_dumps(j, pretty ? JSON_INDENT(2) : JSON_COMPACT);
                    bib_buf got = BIB_BUF_INIT, exp = BIB_BUF_INIT;
                    ck_assert_int_eq(bib_buf_reserve(&got, 8192), 0);
                    ck_assert_int_eq(bib_cslitem_write(&got, r, pretty ? BIB_CSLITEM_PRETTY : 0,
                                                       pretty), 0);
                    for (const char *p = want; *p; p++) { /* a level deeper when pretty */
                        bib_buf_putc(&exp, *p);
                        if (*p == '\n')
                            bib_buf_puts(&exp, "  ");
                    }
                    ck_assert_msg(strcmp(got.data, exp.data) == 0, "byte %d at %zu of %zu: %s",
                                  c, at[k], n, got.data);
                    bib_buf_clear(&got);
                    bib_buf_clear(&exp);
                    free(want);
                }
                json_decref(j);
                bib_record_free(r);
            }
        }
    }
}
END_TEST

/* A range whose end has a season: CSL-JSON's one "season" key is the
 * start's, so each bound's season goes into date-parts as a month 13..16
 * (both writers), and reads back as that bound's season. A single season
 * keeps the "season" key. */
START_TEST(test_season_range)
{
    bib_record *r = bib_record_new(BIB_TYPE_BOOK, "s");
    bib_date d = {.nparts = 2, .parts = {{true, 2017, 0, 0, BIB_SEASON_AUTUMN},
                                         {true, 2017, 0, 0, BIB_SEASON_WINTER}}};
    ck_assert_int_eq(bib_record_set_date(r, BIB_VAR_ISSUED, &d), 0);
    bib_date one = {.nparts = 1, .parts = {{true, 2015, 0, 0, BIB_SEASON_SPRING}}};
    ck_assert_int_eq(bib_record_set_date(r, BIB_VAR_ORIGINAL_DATE, &one), 0);
    roundtrip_eq(r, "{\"id\":\"s\",\"type\":\"book\","
                    "\"issued\":{\"date-parts\":[[2017,15],[2017,16]]},"
                    "\"original-date\":{\"date-parts\":[[2015]],\"season\":1}}");
    same_text(r);
    json_t *j = bib_cslitem_to_json(r, 0);
    char *s = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    bib_record *back = from(s);
    free(s);
    const bib_date *b = bib_field_date(bib_record_get(back, BIB_VAR_ISSUED));
    ck_assert_int_eq(b->nparts, 2);
    ck_assert_int_eq(b->parts[0].season, BIB_SEASON_AUTUMN);
    ck_assert_int_eq(b->parts[1].season, BIB_SEASON_WINTER);
    ck_assert_int_eq(b->parts[0].month, 0);
    ck_assert_int_eq(b->parts[1].month, 0);
    bib_record_free(back);
    bib_record_free(r);
}
END_TEST

/* A bare number (BibTeX `version = 1`) is a JSON number only where the
 * CSL-JSON schema allows one: `version` and `section` are strings there. */
START_TEST(test_bare_number_schema)
{
    bib_record *r = bib_record_new(BIB_TYPE_SOFTWARE, "k");
    ck_assert_int_eq(bib_record_set_text(r, BIB_VAR_VERSION, "1", 1), 0);
    bib_record_set_field_flags(r, BIB_VAR_VERSION, BIB_FIELD_BARE_NUMBER);
    ck_assert_int_eq(bib_record_set_text(r, BIB_VAR_SECTION, "4", 1), 0);
    bib_record_set_field_flags(r, BIB_VAR_SECTION, BIB_FIELD_BARE_NUMBER);
    ck_assert_int_eq(bib_record_set_text(r, BIB_VAR_VOLUME, "2", 1), 0);
    bib_record_set_field_flags(r, BIB_VAR_VOLUME, BIB_FIELD_BARE_NUMBER);
    roundtrip_eq(r, "{\"id\":\"k\",\"type\":\"software\",\"version\":\"1\","
                    "\"section\":\"4\",\"volume\":2}");
    same_text(r); /* the direct writer agrees */
    bib_record_free(r);
    /* a CSL-JSON source's own number there goes out as a string too,
     * which the schema takes (cslitem_number_as_json) */
    r = from("{\"id\":\"k\",\"type\":\"software\",\"version\":1}");
    roundtrip_eq(r, "{\"id\":\"k\",\"type\":\"software\",\"version\":\"1\"}");
    bib_record_free(r);
}
END_TEST

/* What pandoc's citeproc refuses goes out as what it reads, with the same
 * meaning: a date-parts string that is no plain digits ("-1") as its
 * number (digits alone stay), a date given as a list of one date object
 * as that object, a case variant of a CSL name ("url") as the name. */
START_TEST(test_citeproc_spelling)
{
    bib_record *r = from("{\"id\":\"c\",\"type\":\"book\","
                         "\"issued\":{\"date-parts\":[[\"-1\",\"3\"]]},"
                         "\"accessed\":{\"date-parts\":[[\"2020\", \"\"]]},"
                         "\"event-date\":[{\"literal\":\"1908-1912\"}],"
                         "\"original-date\":[{\"literal\":\"a\"},{\"literal\":\"b\"}],"
                         "\"url\":\"http://x.org/\",\"shortTitle\":\"S\","
                         "\"version\":2,\"section\":4,\"volume\":3}");
    roundtrip_eq(r, "{\"id\":\"c\",\"type\":\"book\","
                    "\"issued\":{\"date-parts\":[[-1,\"3\"]]},"
                    "\"accessed\":{\"date-parts\":[[\"2020\", \"\"]]},"
                    "\"event-date\":{\"literal\":\"1908-1912\"},"
                    "\"original-date\":[{\"literal\":\"a\"},{\"literal\":\"b\"}],"
                    "\"URL\":\"http://x.org/\",\"shortTitle\":\"S\","
                    "\"version\":\"2\",\"section\":\"4\",\"volume\":3}");
    same_text(r); /* the direct writer agrees */
    bib_record_free(r);
}
END_TEST

/* The item's compact CSL-JSON with every extra, or "" when rc is not 0. */
static char *describe(int rc, const bib_record *r)
{
    bib_buf b = BIB_BUF_INIT;
    if (rc == 0)
        ck_assert_int_eq(bib_cslitem_write(&b, r, BIB_CSLITEM_CUSTOM_EXTRAS, 0), 0);
    char *s = strdup(b.data);
    bib_buf_clear(&b);
    return s;
}

/* Reals, long integers and keys with escapes stay on the DOM-free path
 * (cj_read.c), member by member, with jansson's very record; only a number jansson refuses,
 * or one JSON's grammar refuses, sends the whole item to jansson. A
 * whole item in jansson holds a huge string of it three times (issue
 * 18), so such an item must not fall back for a real number in it. */
START_TEST(test_cj_numbers)
{
    static const char *const kept[] = {
        "{\"id\":\"a\",\"volume\":1.5,\"title\":\"T\"}",
        "{\"id\":2.5e3,\"type\":\"book\",\"issue\":-0.0e-5,\"page\":1E2}",
        "{\"id\":\"b\",\"issued\":{\"date-parts\":[[2020.0,3]]},\"x-r\":[1.25e-400,0.5]}",
        "{\"id\":\"c\",\"volume\":1234567890123456789,\"issue\":-1234567890123456789}",
        "{\"id\":\"d\",\"custom\":{\"w\":3.25},\"author\":[{\"family\":\"F\",\"x\":1.5}]}",
        /* keys with escapes are decoded: "\u0069d" is "id", "ti\/tle" "ti/tle" */
        "{\"\\u0069d\":\"m\",\"x\\u0041\":1,\"ti\\/tle\":\"T\",\"author\":[{\"f\\u0061mily\":\"F\"}]}",
        "{\"id\":\"n\",\"issued\":{\"date\\u002dparts\":[[2020]]},\"a\\u00e9\":2,\"a\u00c3\":3}",
    };
    static const char *const whole[] = {
        "{\"id\":\"e\",\"volume\":1e400}",             /* jansson: real number overflow */
        "{\"id\":\"f\",\"volume\":12345678901234567890}", /* too big integer */
        "{\"id\":\"g\",\"volume\":1.}", "{\"id\":\"h\",\"volume\":.5}",
        "{\"id\":\"i\",\"volume\":1e}", "{\"id\":\"j\",\"volume\":01.5}",
        "{\"id\":\"k\",\"volume\":1.5e+}", "{\"id\":\"l\",\"volume\":-.5}",
        /* the same key twice, once escaped: jansson refuses a duplicate */
        "{\"id\":\"o\",\"\\u0069d\":\"p\"}", "{\"x\\u0041\":1,\"id\":\"q\",\"xA\":2}",
        "{\"id\":\"r\",\"custom\":{\"\\u0061\":1,\"\\u0061\":2}}",
    };
    cj_reader cr;
    cj_reader_init(&cr);
    for (size_t i = 0; i < sizeof kept / sizeof *kept; i++) {
        bib_record *a = from(kept[i]), *b = NULL;
        int rc = cj_read_item(&cr, kept[i], strlen(kept[i]), NULL, &b);
        ck_assert_msg(rc == 0, "%s: status %d (1: handed whole to jansson)", kept[i], rc);
        char *sa = describe(0, a), *sb = describe(rc, b);
        ck_assert_str_eq(sb, sa);
        free(sa);
        free(sb);
        bib_record_free(a);
        bib_record_free(b);
    }
    for (size_t i = 0; i < sizeof whole / sizeof *whole; i++) {
        bib_record *b = NULL;
        int rc = cj_read_item(&cr, whole[i], strlen(whole[i]), NULL, &b);
        ck_assert_msg(rc == CJ_FALLBACK, "%s: status %d, not handed to jansson", whole[i], rc);
        ck_assert_ptr_null(b);
        ck_assert_ptr_null(json_loads(whole[i], JSON_REJECT_DUPLICATES, NULL)); /* jansson refuses it */
    }
    cj_reader_free(&cr);
}
END_TEST

/* What jansson refuses of valid JSON the DOM-free path refuses itself
 * (CJ_REFUSED: a huge item is not handed to jansson, issue 18), where
 * and as jansson does; it reads what jansson reads up to jansson's depth
 * and a key outside CSL holding a string, with jansson's very record. */
START_TEST(test_cj_refusals)
{
    cj_reader cr;
    cj_reader_init(&cr);
    bib_buf in = BIB_BUF_INIT;
    /* (nesting of x, what is inside, refused) */
    static const struct {
        int depth;
        const char *core;
        bool refused;
    } deep[] = {{70, "1", false}, {2047, "1", false}, {2048, "", false},
                {2048, "[]", true}, {2200, "", true}};
    for (size_t i = 0; i < sizeof deep / sizeof *deep; i++) {
        bib_buf_reset(&in);
        bib_buf_puts(&in, "{\"id\":\"d\",\n\"x\":");
        for (int k = 1; k < deep[i].depth; k++) /* the item is one level */
            bib_buf_putc(&in, '[');
        bib_buf_puts(&in, deep[i].core);
        for (int k = 1; k < deep[i].depth; k++)
            bib_buf_putc(&in, ']');
        bib_buf_putc(&in, '}');
        bib_record *b = NULL;
        int rc = cj_read_item(&cr, in.data, in.len, NULL, &b);
        json_error_t err;
        json_t *j = json_loadb(in.data, in.len, JSON_REJECT_DUPLICATES, &err);
        if (deep[i].refused) {
            ck_assert_msg(rc == CJ_REFUSED && !j, "depth %d: status %d", deep[i].depth, rc);
            json_error_t ours;
            cj_refusal(&cr.toks, in.data, &ours);
            ck_assert_int_eq(ours.line, err.line);
            ck_assert_int_eq(ours.column, err.column);
            ck_assert_msg(strncmp(err.text, ours.text, strlen(ours.text)) == 0, "%s", err.text);
        } else {
            ck_assert_msg(rc == 0 && j, "depth %d: status %d", deep[i].depth, rc);
            bib_record *a = from(in.data);
            char *sa = describe(0, a), *sb = describe(rc, b);
            ck_assert_str_eq(sb, sa);
            free(sa);
            free(sb);
            bib_record_free(a);
        }
        json_decref(j);
        bib_record_free(b);
    }
    static const char *const nul[] = {
        "{\"id\":\"a\",\"title\":\"x\\u0000y\"}",
        "{\"id\":\"a\",\n\"t\u00e9\\u0000\":1}",   /* in a key; columns in characters */
        "{\"id\":\"a\",\"title\":\"\\u0000\\ud800\"}", /* the NUL first: jansson's first error */
    };
    for (size_t i = 0; i < sizeof nul / sizeof *nul; i++) {
        bib_record *b = NULL;
        int rc = cj_read_item(&cr, nul[i], strlen(nul[i]), NULL, &b);
        json_error_t err, ours;
        ck_assert_ptr_null(json_loads(nul[i], JSON_REJECT_DUPLICATES, &err));
        if (i == 2) { /* a lone surrogate after it: jansson decides */
            ck_assert_int_eq(rc, CJ_FALLBACK);
            continue;
        }
        ck_assert_msg(rc == CJ_REFUSED, "%s: status %d", nul[i], rc);
        cj_refusal(&cr.toks, nul[i], &ours);
        ck_assert_int_eq(ours.line, err.line);
        ck_assert_int_eq(ours.column, err.column);
        ck_assert_msg(strncmp(err.text, ours.text, strlen(ours.text)) == 0, "%s", err.text);
    }
    /* a real before it may be jansson's first error: jansson decides */
    const char *num = "{\"id\":\"a\",\"volume\":1e999,\"title\":\"\\u0000\"}";
    bib_record *b = NULL;
    ck_assert_int_eq(cj_read_item(&cr, num, strlen(num), NULL, &b), CJ_FALLBACK);
    /* a key outside CSL with a string: jansson's record (the extra holds
     * the quoted text), and written back as it came */
    const char *unk = "{\"id\":\"u\",\"foo\":\"b\u00e4r / baz\",\"bar\":\"a\\nb\"}";
    bib_record *a = from(unk);
    int rc = cj_read_item(&cr, unk, strlen(unk), NULL, &b);
    ck_assert_int_eq(rc, 0);
    char *sa = describe(0, a), *sb = describe(rc, b);
    ck_assert_str_eq(sb, sa);
    ck_assert_ptr_nonnull(strstr(sb, "\"foo\":\"b\u00e4r / baz\""));
    free(sa);
    free(sb);
    bib_record_free(a);
    bib_record_free(b);
    bib_buf_clear(&in);
    cj_reader_free(&cr);
}
END_TEST

BIB_TEST_MAIN("cslitem", test_names, test_dates, test_date_empty_parts, test_numbers_aliases_extras, test_bad_items,
              test_write_direct, test_season_range, test_bare_number_schema, test_citeproc_spelling, test_cj_numbers,
              test_cj_refusals, test_write_escapes)
