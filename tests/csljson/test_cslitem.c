/* SPDX-License-Identifier: MIT */
/* test_cslitem.c - the CSL item <-> JSON mapping of core/cslitem.c. */
#include "testutil.h"
#include <stdlib.h>
#include <string.h>

#include "bibconv.h"

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

BIB_TEST_MAIN("cslitem", test_names, test_dates, test_numbers_aliases_extras, test_bad_items)
