/* SPDX-License-Identifier: MIT */
/* test_dates.c - month names, EDTF, RIS and written dates, EDTF output. */
#include "testutil.h"
#include <stdlib.h>
#include <string.h>

#include "bibconv/dates.h"

START_TEST(test_months)
{
    static const struct { const char *s; int m; } cases[] = {
        {"jan", 1}, {"January", 1}, {"Feb.", 2}, {"sept", 9}, {"Sept.", 9}, {"12", 12},
        {"3", 3}, {"févr.", 2}, {"février", 2}, {"fevrier", 2}, {"août", 8}, {"AOÛT", 8},
        {"déc.", 12}, {"décembre", 12}, {"juil.", 7}, {"mai", 5}, {" oct ", 10},
        {"13", 0}, {"0", 0}, {"foo", 0}, {"", 0}, {"marsh", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg(bib_month_parse(cases[i].s, strlen(cases[i].s)) == cases[i].m,
                      "%s", cases[i].s);
    ck_assert_str_eq(bib_month_macro(3), "mar");
    ck_assert_ptr_null(bib_month_macro(13));
}
END_TEST

START_TEST(test_weekdays)
{
    static const struct { const char *s; int d; } cases[] = {
        {"Mon", 1}, {"Tuesday", 2}, {"tue.", 2}, {"WED", 3}, {"Thu", 4}, {"thurs.", 4},
        {"Fri", 5}, {"saturday", 6}, {"Sun.", 7}, {"lundi", 1}, {"mar.", 2}, {"Mercredi", 3},
        {"jeu.", 4}, {"VENDREDI", 5}, {"sam", 6}, {"dim.", 7}, {" jeudi ", 4},
        {"", 0}, {"Thu,", 0}, {"Thurday", 0}, {"juin", 0}, {"12", 0}, {"Mo", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        ck_assert_msg(bib_weekday_parse(cases[i].s, strlen(cases[i].s)) == cases[i].d, "%s",
                      cases[i].s);
}
END_TEST

typedef struct {
    const char *in;
    unsigned flags;
    int rc, nparts;
    bool has_year;
    int y, m, d, season;
    int y2, m2;
    bool circa, raw;
} dcase;

START_TEST(test_parse)
{
    static const dcase cases[] = {
        {"2020", BIB_DATE_EDTF, 0, 1, true, 2020, 0, 0, 0, 0, 0, false, false},
        {"2020-03-15", BIB_DATE_EDTF, 0, 1, true, 2020, 3, 15, 0, 0, 0, false, false},
        {"1988/1992", BIB_DATE_EDTF, 0, 2, true, 1988, 0, 0, 0, 1992, 0, false, false},
        {"2020-03/2021-01", BIB_DATE_EDTF, 0, 2, true, 2020, 3, 0, 0, 2021, 1, false, false},
        {"2020/..", BIB_DATE_EDTF, 0, 2, true, 2020, 0, 0, 0, 0, 0, false, false},
        {"2020/", BIB_DATE_EDTF, 0, 2, true, 2020, 0, 0, 0, 0, 0, false, false},
        {"../1997", BIB_DATE_EDTF, 0, 1, true, 1997, 0, 0, 0, 0, 0, false, true},
        {"1723~", BIB_DATE_EDTF, 0, 1, true, 1723, 0, 0, 0, 0, 0, true, false},
        {"1723?", BIB_DATE_EDTF, 0, 1, true, 1723, 0, 0, 0, 0, 0, false, true},
        {"2019-22", BIB_DATE_EDTF, 0, 1, true, 2019, 0, 0, 2, 0, 0, false, false},
        {"2020-01-02T14:34:00", BIB_DATE_EDTF, 0, 1, true, 2020, 1, 2, 0, 0, 0, false, true},
        {"0000", BIB_DATE_EDTF, 0, 1, true, -1, 0, 0, 0, 0, 0, false, false},
        {"-0044", BIB_DATE_EDTF, 0, 1, true, -45, 0, 0, 0, 0, 0, false, false},
        {"2020-13", BIB_DATE_EDTF, BIB_EPARSE, 0, false, 0, 0, 0, 0, 0, 0, false, false},
        {"2020/01/15/", BIB_DATE_RIS, 0, 1, true, 2020, 1, 15, 0, 0, 0, false, false},
        {"2020//", BIB_DATE_RIS, 0, 1, true, 2020, 0, 0, 0, 0, 0, false, false},
        {"2020/01//", BIB_DATE_RIS, 0, 1, true, 2020, 1, 0, 0, 0, 0, false, false},
        {"2020///Spring", BIB_DATE_RIS, 0, 1, true, 2020, 0, 0, 1, 0, 0, false, false},
        {"2020///Conference week", BIB_DATE_RIS, 0, 1, true, 2020, 0, 0, 0, 0, 0, false, true},
        {"Oct 6, 2023", BIB_DATE_WRITTEN, 0, 1, true, 2023, 10, 6, 0, 0, 0, false, false},
        {"October 6, 2023", BIB_DATE_WRITTEN, 0, 1, true, 2023, 10, 6, 0, 0, 0, false, false},
        {"6 Oct. 2023", BIB_DATE_WRITTEN, 0, 1, true, 2023, 10, 6, 0, 0, 0, false, false},
        {"le 6 octobre 2023", BIB_DATE_WRITTEN, 0, 1, true, 2023, 10, 6, 0, 0, 0, false, false},
        {"1er mai 2020", BIB_DATE_WRITTEN, 0, 1, true, 2020, 5, 1, 0, 0, 0, false, false},
        {"May 29", BIB_DATE_WRITTEN, 0, 1, false, 0, 5, 29, 0, 0, 0, false, true},
        {"Spring 1950", BIB_DATE_WRITTEN, 0, 1, true, 1950, 0, 0, 1, 0, 0, false, false},
        {"Oct 2023", BIB_DATE_WRITTEN, 0, 1, true, 2023, 10, 0, 0, 0, 0, false, false},
        {"2022", BIB_DATE_ANY, 0, 1, true, 2022, 0, 0, 0, 0, 0, false, false},
        {"forthcoming", BIB_DATE_ANY, BIB_EPARSE, 0, false, 0, 0, 0, 0, 0, 0, false, false},
        {"May the force", BIB_DATE_WRITTEN, BIB_EPARSE, 0, false, 0, 0, 0, 0, 0, 0, false, false},
        {"29", BIB_DATE_WRITTEN, BIB_EPARSE, 0, false, 0, 0, 0, 0, 0, 0, false, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const dcase *c = &cases[i];
        bib_date d;
        int rc = bib_date_parse(&d, c->in, strlen(c->in), c->flags);
        ck_assert_msg(rc == c->rc, "%s: rc %d", c->in, rc);
        if (rc == 0) {
            ck_assert_msg(d.nparts == c->nparts, "%s: nparts %d", c->in, d.nparts);
            ck_assert_msg(d.parts[0].has_year == c->has_year, "%s: has_year", c->in);
            ck_assert_msg(d.parts[0].year == c->y, "%s: year %d", c->in, d.parts[0].year);
            ck_assert_msg(d.parts[0].month == c->m, "%s: month %d", c->in, d.parts[0].month);
            ck_assert_msg(d.parts[0].day == c->d, "%s: day %d", c->in, d.parts[0].day);
            ck_assert_msg(d.parts[0].season == c->season, "%s: season", c->in);
            if (c->nparts == 2) {
                ck_assert_msg(d.parts[1].year == c->y2, "%s: year2", c->in);
                ck_assert_msg(d.parts[1].month == c->m2, "%s: month2", c->in);
            }
            ck_assert_msg(d.circa == c->circa, "%s: circa", c->in);
            ck_assert_msg((d.raw != NULL) == c->raw, "%s: raw", c->in);
            if (d.raw)
                ck_assert_str_eq(d.raw, c->in);
        } else {
            ck_assert_str_eq(d.literal, c->in);
        }
        bib_date_clear(&d);
    }
}
END_TEST

START_TEST(test_format_edtf)
{
    static const char *const round[] = {"2020", "2020-03-15", "1988/1992", "2020/..",
                                        "1723~", "2019-22", "0000", "-0044", "2020-03/2021-01"};
    for (size_t i = 0; i < sizeof round / sizeof round[0]; i++) {
        bib_date d;
        ck_assert_int_eq(bib_date_parse(&d, round[i], strlen(round[i]), BIB_DATE_EDTF), 0);
        bib_buf b = BIB_BUF_INIT;
        ck_assert_int_eq(bib_date_format_edtf(&b, &d), 0);
        ck_assert_str_eq(b.data, round[i]);
        bib_buf_clear(&b);
        bib_date_clear(&d);
    }
    bib_date lit = {.literal = "forthcoming"};
    bib_buf b = BIB_BUF_INIT;
    ck_assert_int_eq(bib_date_format_edtf(&b, &lit), 0);
    ck_assert_str_eq(b.data, "forthcoming");
    bib_buf_clear(&b);
    bib_date none = {0};
    ck_assert_int_eq(bib_date_format_edtf(&b, &none), BIB_EINVAL);
    /* CSL-JSON's invalid parts (csl-test-suite date_variousinvaliddates):
     * a month no calendar has goes with its day, a day past 31 alone */
    bib_date bad = {.nparts = 2};
    bad.parts[0] = (bib_date_part){.has_year = true, .year = 1965, .month = -1, .day = 1};
    bad.parts[1] = (bib_date_part){.has_year = true, .year = 1966, .month = 3, .day = 40};
    bib_buf_reset(&b);
    ck_assert_int_eq(bib_date_format_edtf(&b, &bad), 0);
    ck_assert_str_eq(b.data, "1965/1966-03");
    bad.nparts = 1;
    bad.parts[0].month = 60;
    bib_buf_reset(&b);
    ck_assert_int_eq(bib_date_format_edtf(&b, &bad), 0);
    ck_assert_str_eq(b.data, "1965");
    bib_buf_clear(&b);
}
END_TEST

BIB_TEST_MAIN("dates", test_months, test_weekdays, test_parse, test_format_edtf)
