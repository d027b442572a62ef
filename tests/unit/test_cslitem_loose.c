/* SPDX-License-Identifier: MIT */
/*
 * test_cslitem_loose.c - BIB_CSLITEM_LOOSE, the pandoc/YAML conveniences of
 * plugins/csljson/cslitem_read.c: pandoc-citeproc's {year, month, day} date maps and lists
 * of them (ranges), seasons, literal entries, names as plain strings; and
 * that the same values stay refused without the flag.
 */
#include "testutil.h"
#include <stdlib.h>
#include <string.h>

#include "bibconv.h"
#include "cslitem.h"

static bib_record *from(const char *text, unsigned flags)
{
    json_error_t e;
    json_t *j = json_loads(text, 0, &e);
    ck_assert_msg(j != NULL, "bad test JSON: %s", e.text);
    bib_record *r = NULL;
    bib_cslitem_ctx ctx = {NULL, 1, 1, flags};
    int rc = bib_cslitem_from_json(&r, j, &ctx);
    json_decref(j);
    ck_assert_int_eq(rc, 0);
    return r;
}

START_TEST(test_date_maps)
{
    bib_record *r = from("{\"id\":\"a\",\"type\":\"book\","
                         "\"issued\":[{\"year\":2019,\"month\":7,\"day\":\"22\"}],"
                         "\"accessed\":{\"year\":\"2017\",\"month\":6},"
                         "\"original-date\":[{\"year\":2017,\"season\":3},{\"year\":2018,"
                         "\"month\":22}],"
                         "\"event-date\":[{\"literal\":\"2017-14/2017-15\"}],"
                         "\"submitted\":[{\"year\":1723,\"circa\":true}]}",
                         BIB_CSLITEM_LOOSE);
    const bib_date *d = bib_field_date(bib_record_get(r, BIB_VAR_ISSUED));
    ck_assert_int_eq(d->nparts, 1);
    ck_assert_int_eq(d->parts[0].year, 2019);
    ck_assert_int_eq(d->parts[0].month, 7);
    ck_assert_int_eq(d->parts[0].day, 22);
    d = bib_field_date(bib_record_get(r, BIB_VAR_ACCESSED));
    ck_assert_int_eq(d->parts[0].year, 2017);
    ck_assert_int_eq(d->parts[0].month, 6);
    d = bib_field_date(bib_record_get(r, BIB_VAR_ORIGINAL_DATE));
    ck_assert_int_eq(d->nparts, 2);
    ck_assert_int_eq(d->parts[0].season, 3);
    ck_assert_int_eq(d->parts[1].season, BIB_SEASON_SUMMER); /* month 22 */
    ck_assert_int_eq(d->parts[1].month, 0);
    d = bib_field_date(bib_record_get(r, BIB_VAR_EVENT_DATE));
    ck_assert_int_eq(d->nparts, 0);
    ck_assert_str_eq(d->literal, "2017-14/2017-15");
    d = bib_field_date(bib_record_get(r, BIB_VAR_SUBMITTED));
    ck_assert(d->circa);
    /* written canonically as date-parts */
    json_t *j = bib_cslitem_to_json(r, 0);
    char *s = json_dumps(json_object_get(j, "issued"), JSON_COMPACT);
    ck_assert_str_eq(s, "{\"date-parts\":[[2019,7,22]]}");
    free(s);
    json_decref(j);
    bib_record_free(r);
}
END_TEST

START_TEST(test_strict_refuses)
{
    /* without the flag a date map is no CSL date: kept as an extra */
    bib_record *r = from("{\"id\":\"a\",\"type\":\"book\",\"issued\":[{\"year\":2019}],"
                         "\"author\":\"Plato\"}", 0);
    ck_assert(!bib_record_has(r, BIB_VAR_ISSUED));
    ck_assert(!bib_record_has(r, BIB_VAR_AUTHOR));
    ck_assert_str_eq(bib_record_extra_get(r, "csljson", "issued"), "[{\"year\":2019}]");
    bib_record_free(r);
    /* and a map that is not a date stays refused with it */
    r = from("{\"id\":\"a\",\"type\":\"book\",\"issued\":[{\"month\":3}],\"author\":\"Plato\"}",
             BIB_CSLITEM_LOOSE);
    ck_assert(!bib_record_has(r, BIB_VAR_ISSUED));
    ck_assert_str_eq(bib_field_name_at(bib_record_get(r, BIB_VAR_AUTHOR), 0)->literal, "Plato");
    bib_record_free(r);
    /* a CSL date object with empty date-parts is its literal (the empty
     * list holds no date), the spelling kept, as without the flag */
    r = from("{\"id\":\"a\",\"type\":\"book\","
             "\"issued\":{\"date-parts\":[],\"literal\":\"(in press)\"}}", BIB_CSLITEM_LOOSE);
    ck_assert_str_eq(bib_field_date(bib_record_get(r, BIB_VAR_ISSUED))->literal, "(in press)");
    ck_assert_ptr_nonnull(bib_record_extra_get(r, "csljson", "@raw:issued"));
    ck_assert_ptr_null(bib_record_extra_get(r, "csljson", "issued"));
    bib_record_free(r);
    /* one that holds a part CSL lacks still does not fit: an extra */
    r = from("{\"id\":\"a\",\"type\":\"book\","
             "\"issued\":{\"date-parts\":[[\"x\"]],\"literal\":\"(in press)\"}}",
             BIB_CSLITEM_LOOSE);
    ck_assert(!bib_record_has(r, BIB_VAR_ISSUED));
    ck_assert_ptr_nonnull(bib_record_extra_get(r, "csljson", "issued"));
    bib_record_free(r);
}
END_TEST

BIB_TEST_MAIN("cslitem-loose", test_date_maps, test_strict_refuses)
