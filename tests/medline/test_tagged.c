/* SPDX-License-Identifier: MIT */
/*
 * test_tagged.c - Check suite for plugins/tagged, the code the medline and
 * wos modules share (linked from its static library): the written dates of
 * MEDLINE DP and WoS PD in both directions, the "Last, First M" and "Last
 * FM" name forms in both directions, and the field tables' self-check
 * (every row the writer writes has a tag the reader maps back to it).
 *
 * Not for: whole conversions (tests/common/tagged_tests.py runs those).
 */
#include <string.h>

#include "medlinefmt.h"
#include "testutil.h"
#include "wosfmt.h"

static bib_date parse(const char *s, int year)
{
    bib_date d;
    int rc = tg_date_parse(&d, s, strlen(s), year);
    ck_assert_int_eq(rc, 0);
    return d;
}

static void part_is(const bib_date_part *p, int y, int m, int day, int season)
{
    ck_assert(p->has_year);
    ck_assert_int_eq(p->year, y);
    ck_assert_int_eq(p->month, m);
    ck_assert_int_eq(p->day, day);
    ck_assert_int_eq(p->season, season);
}

START_TEST(dates_medline)
{
    bib_date d = parse("2019 Mar 15", 0);
    ck_assert_int_eq(d.nparts, 1);
    part_is(&d.parts[0], 2019, 3, 15, 0);
    bib_date_clear(&d);
    d = parse("2019 Spring", 0);
    part_is(&d.parts[0], 2019, 0, 0, BIB_SEASON_SPRING);
    bib_date_clear(&d);
    d = parse("2018 Dec-2019 Jan", 0);
    ck_assert_int_eq(d.nparts, 2);
    part_is(&d.parts[0], 2018, 12, 0, 0);
    part_is(&d.parts[1], 2019, 1, 0, 0);
    bib_date_clear(&d);
    d = parse("2019 Mar-Apr", 0);
    part_is(&d.parts[1], 2019, 4, 0, 0);
    bib_date_clear(&d);
    d = parse("2019 Mar 1-15", 0);
    part_is(&d.parts[1], 2019, 3, 15, 0);
    bib_date_clear(&d);
    d = parse("20190315", 0);
    part_is(&d.parts[0], 2019, 3, 15, 0);
    bib_date_clear(&d);
    d = parse("11 Spring-12 Summer", 0);
    part_is(&d.parts[0], 11, 0, 0, BIB_SEASON_SPRING);
    part_is(&d.parts[1], 12, 0, 0, BIB_SEASON_SUMMER);
    bib_date_clear(&d);
    d = parse("-100 Jul 12--44 Mar 15", 0);
    part_is(&d.parts[0], -100, 7, 12, 0);
    part_is(&d.parts[1], -44, 3, 15, 0);
    bib_date_clear(&d);
    bib_date bad;
    ck_assert_int_eq(tg_date_parse(&bad, "Article 10 2019", 15, 0), BIB_EPARSE);
    ck_assert_str_eq(bad.literal, "Article 10 2019");
    bib_date_clear(&bad);
}
END_TEST

START_TEST(dates_wos)
{
    bib_date d = parse("MAR 15", 2019);
    part_is(&d.parts[0], 2019, 3, 15, 0);
    bib_date_clear(&d);
    d = parse("SPR", 2011);
    part_is(&d.parts[0], 2011, 0, 0, BIB_SEASON_SPRING);
    bib_date_clear(&d);
    d = parse("FEB 2011", 2011);
    part_is(&d.parts[0], 2011, 2, 0, 0);
    bib_date_clear(&d);
    d = parse("04 2006", 2006); /* numeric month before the year */
    part_is(&d.parts[0], 2006, 4, 0, 0);
    bib_date_clear(&d);
    d = parse("JUN 28 2011", 2011);
    part_is(&d.parts[0], 2011, 6, 28, 0);
    bib_date_clear(&d);
    d = parse("68 Mar 15", 0); /* a leading short year stays a year */
    part_is(&d.parts[0], 68, 3, 15, 0);
    bib_date_clear(&d);
    bib_date none; /* no year given: none is made up */
    tg_date_parse(&none, "MAR", 3, 0);
    ck_assert(none.nparts == 0 || !none.parts[0].has_year);
    bib_date_clear(&none);
}
END_TEST

static void formats_as(const char *in, const char *medline, const char *pd)
{
    bib_date d = parse(in, 0);
    bib_buf b = BIB_BUF_INIT;
    ck_assert_int_eq(tg_date_format(&b, &d), 0);
    ck_assert_str_eq(b.data, medline);
    bib_buf_reset(&b);
    tg_date_format_pd(&b, &d);
    ck_assert_str_eq(b.data, pd);
    bib_buf_clear(&b);
    bib_date_clear(&d);
}

START_TEST(dates_written)
{
    formats_as("2019 Mar 15", "2019 Mar 15", "MAR 15");
    formats_as("2019 spring", "2019 Spring", "SPR");
    formats_as("2018 Dec-2019 Jan", "2018 Dec-2019 Jan", "DEC");
    formats_as("2019 Mar-Apr", "2019 Mar-Apr", "MAR-APR");
    formats_as("2019 Mar 1-15", "2019 Mar 1-15", "MAR 1");
    formats_as("2019", "2019", "");
}
END_TEST

static bib_name name(const char *s, bool full)
{
    bib_name n;
    int rc = full ? tg_name_full(&n, s, strlen(s)) : tg_name_short(&n, s, strlen(s));
    ck_assert_int_eq(rc, 0);
    return n;
}

START_TEST(names_read)
{
    bib_name n = name("Sanchez-Martin, Maria Luisa", true);
    ck_assert_str_eq(n.family, "Sanchez-Martin");
    ck_assert_str_eq(n.given, "Maria Luisa");
    bib_name_clear(&n);
    n = name("Doe, Jane, Jr", true);
    ck_assert_str_eq(n.suffix, "Jr");
    bib_name_clear(&n);
    n = name("van der Berg JP", false);
    ck_assert_str_eq(n.family, "van der Berg");
    ck_assert_str_eq(n.given, "J. P.");
    bib_name_clear(&n);
    n = name("Smith, JA", false); /* WoS AU */
    ck_assert_str_eq(n.family, "Smith");
    ck_assert_str_eq(n.given, "J. A.");
    bib_name_clear(&n);
    n = name("Zelle, Rintze M.", false); /* a full name in AU */
    ck_assert_str_eq(n.given, "Rintze M.");
    bib_name_clear(&n);
    bib_name e;
    ck_assert_int_eq(tg_name_full(&e, " , ", 3), BIB_EPARSE);
    /* a suffix alone (found by the fuzzer): refused, nothing left to free
     * (the valgrind and ASan runs of this suite catch a leak) */
    ck_assert_int_eq(tg_name_full(&e, ",,Brown, JM", 11), BIB_EPARSE);
    ck_assert_ptr_null(e.suffix);
}
END_TEST

START_TEST(names_written)
{
    bib_name n = {.family = "Gogh", .non_dropping_particle = "van", .given = "Vincent Willem"};
    bib_buf b = BIB_BUF_INIT;
    tg_name_format_full(&b, &n);
    ck_assert_str_eq(b.data, "van Gogh, Vincent Willem");
    bib_buf_reset(&b);
    tg_name_format_short(&b, &n, false);
    ck_assert_str_eq(b.data, "van Gogh VW");
    bib_buf_reset(&b);
    bib_name h = {.family = "Doe", .given = "Jane-marie"};
    tg_name_format_short(&b, &h, true);
    ck_assert_str_eq(b.data, "Doe, JM");
    bib_buf_reset(&b);
    bib_name g = {.given = "Plato"};
    tg_name_format_full(&b, &g);
    ck_assert_str_eq(b.data, "Plato");
    bib_buf_clear(&b);
}
END_TEST

/* Every row a writer writes reads back through the same row (or one of
 * the same variable): a row that only the writer knew would lose data. */
static void table_reads_back(const tg_field *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (rows[i].flags & TG_F_READ_ONLY)
            continue;
        const tg_field *r = tg_find_row(rows, n, tg_tag_pack(rows[i].tag, strlen(rows[i].tag)));
        ck_assert_msg(r != NULL, "tag %s is written but not read", rows[i].tag);
        ck_assert_msg(r->var == rows[i].var, "tag %s reads another variable", rows[i].tag);
    }
}

START_TEST(tables)
{
    table_reads_back(medline_fields, medline_nfields);
    table_reads_back(wos_fields, wos_nfields);
    ck_assert_int_eq(medline_type_from_pt("Journal Article", 15), BIB_TYPE_ARTICLE_JOURNAL);
    ck_assert_int_eq(medline_type_from_pt("book", 4), BIB_TYPE_BOOK);
    ck_assert_int_eq(medline_type_from_pt("Review", 6), BIB_TYPE_UNKNOWN);
    ck_assert_int_eq(wos_type_of("J", "Proceedings Paper"), BIB_TYPE_PAPER_CONFERENCE);
    ck_assert_int_eq(wos_type_of("B", "Book"), BIB_TYPE_BOOK);
    ck_assert_int_eq(wos_type_of("S", "Article"), BIB_TYPE_CHAPTER);
    for (int t = 1; t < BIB_TYPE_COUNT; t++) {
        const char *pt = medline_pt_of_type((bib_type)t);
        ck_assert_int_eq(medline_type_from_pt(pt, strlen(pt)), t);
    }
}
END_TEST

BIB_TEST_MAIN("tagged", dates_medline, dates_wos, dates_written, names_read, names_written,
              tables)
