/* SPDX-License-Identifier: MIT */
/*
 * test_merge.c - the dedupe engine (merge.h): DOI and title matching, the
 * cases kept apart, and the richest-value merge.
 */
#include <stdio.h>
#include <string.h>

#include "bibconv.h"
#include "testutil.h"

static bib_record *mk(const char *id, const char *title, int year, const char *doi,
                      const char *families)
{
    bib_record *r = bib_record_new(BIB_TYPE_ARTICLE_JOURNAL, id);
    ck_assert_ptr_nonnull(r);
    if (title)
        bib_record_set_text(r, BIB_VAR_TITLE, title, strlen(title));
    if (year) {
        bib_date d = {0};
        d.nparts = 1;
        d.parts[0].has_year = true;
        d.parts[0].year = year;
        bib_record_set_date(r, BIB_VAR_ISSUED, &d);
    }
    if (doi)
        bib_record_set_text(r, BIB_VAR_DOI, doi, strlen(doi));
    char buf[256];
    snprintf(buf, sizeof buf, "%s", families ? families : "");
    for (char *s = strtok(buf, ","); s; s = strtok(NULL, ",")) {
        bib_name n = {0};
        n.family = s;
        bib_record_add_name(r, BIB_VAR_AUTHOR, &n);
    }
    return r;
}

START_TEST(doi_matches_whatever_the_title)
{
    bib_dedupe *d = bib_dedupe_new(NULL);
    ck_assert_int_eq(bib_dedupe_add(d, mk("a", "One", 2020, "10.1000/ABC", "Smith"), NULL), 0);
    ck_assert_int_eq(
        bib_dedupe_add(d, mk("b", "Other", 2019, "https://doi.org/10.1000/abc", NULL), NULL), 1);
    ck_assert_uint_eq(bib_dedupe_count(d), 1);
    ck_assert_uint_eq(bib_dedupe_members(d, 0), 2);
    bib_dedupe_free(d);
}
END_TEST

START_TEST(title_folding)
{
    bib_dedupe *d = bib_dedupe_new(NULL);
    bib_dedupe_add(d, mk("a", "Étude des <i>Graphes</i>: une approche", 2020, NULL,
                         "Müller,Dupont"), NULL);
    size_t g = 99;
    ck_assert_int_eq(
        bib_dedupe_add(d, mk("b", "etude des graphes -- Une  Approche.", 2021, NULL, "Dupont"), &g),
        1);
    ck_assert_uint_eq(g, 0);
    ck_assert_uint_eq(bib_dedupe_count(d), 1);
    bib_dedupe_free(d);
}
END_TEST

START_TEST(kept_apart)
{
    bib_dedupe *d = bib_dedupe_new(NULL);
    bib_dedupe_add(d, mk("a", "Deep Nets with Random Weights", 2016, NULL, "Giryes"), NULL);
    bib_dedupe_add(d, mk("b", "Deep Nets with Fixed Weights", 2016, NULL, "Giryes"), NULL);
    /* same title, years too far apart */
    bib_dedupe_add(d, mk("c", "Deep Nets with Random Weights", 2010, NULL, "Giryes"), NULL);
    /* same title and year, no author in common */
    bib_dedupe_add(d, mk("e", "Deep Nets with Random Weights", 2016, NULL, "Other"), NULL);
    /* same title, both DOIs present and different */
    bib_dedupe_add(d, mk("f", "Deep Nets with Random Weights", 2016, "10.1/x", "Giryes"), NULL);
    bib_dedupe_add(d, mk("g", "Deep Nets with Random Weights", 2016, "10.1/y", "Giryes"), NULL);
    ck_assert_uint_eq(bib_dedupe_count(d), 5);
    bib_dedupe_free(d);
}
END_TEST

START_TEST(thresholds_are_options)
{
    bib_dedupe_config cfg;
    bib_dedupe_config_init(&cfg);
    cfg.year_slack = 0;
    bib_record *a = mk("a", "T", 2016, NULL, "X"), *b = mk("b", "T", 2017, NULL, "X");
    ck_assert(!bib_records_same_work(a, b, &cfg));
    cfg.year_slack = 1;
    ck_assert(bib_records_same_work(a, b, &cfg));
    cfg.match_titles = false;
    ck_assert(!bib_records_same_work(a, b, &cfg));
    bib_record_free(a);
    bib_record_free(b);
    a = mk("a", "T", 2016, NULL, "X,Y,Z");
    b = mk("b", "T", 2016, NULL, "X,Y,W");
    bib_dedupe_config_init(&cfg);
    cfg.min_shared_authors = 3;
    ck_assert(!bib_records_same_work(a, b, &cfg));
    cfg.min_shared_authors = 2;
    ck_assert(bib_records_same_work(a, b, &cfg));
    bib_record_free(a);
    bib_record_free(b);
}
END_TEST

START_TEST(richest_value_kept)
{
    bib_dedupe *d = bib_dedupe_new(NULL);
    bib_record *a = mk("a", "Learning Things", 2020, NULL, "Smith,Jones");
    bib_record_set_names_truncated(a, BIB_VAR_AUTHOR, true);
    bib_record_add_text(a, BIB_VAR_URL, "https://a.example", 17);
    bib_record_add_text(a, BIB_VAR_ISBN, "9780306406157", 13);
    bib_record *b = mk("b", "Learning things", 2020, "10.5555/lt", "Smith,Jones,Brown,Lee");
    bib_record_set_text(b, BIB_VAR_ABSTRACT, "We learn.", 9);
    bib_record_add_text(b, BIB_VAR_URL, "https://b.example", 17);
    bib_record_add_text(b, BIB_VAR_URL, "https://a.example", 17);
    bib_date full = {0};
    full.nparts = 1;
    full.parts[0] = (bib_date_part){true, 2020, 5, 17, 0};
    bib_record_set_date(b, BIB_VAR_ISSUED, &full);
    bib_record_add_extra(b, "bibtex", "note", "x", 1);
    bib_dedupe_add(d, a, NULL);
    ck_assert_int_eq(bib_dedupe_add(d, b, NULL), 1);
    const bib_record *m = bib_dedupe_at(d, 0);
    ck_assert_str_eq(bib_record_id(m), "a");
    const bib_field *au = bib_record_get(m, BIB_VAR_AUTHOR);
    ck_assert_uint_eq(bib_field_name_count(au), 4);
    ck_assert(!bib_field_names_truncated(au));
    ck_assert_str_eq(bib_record_text(m, BIB_VAR_ABSTRACT), "We learn.");
    ck_assert_str_eq(bib_record_text(m, BIB_VAR_DOI), "10.5555/lt");
    ck_assert_str_eq(bib_record_text(m, BIB_VAR_ISBN), "9780306406157");
    const bib_field *url = bib_record_get(m, BIB_VAR_URL);
    ck_assert_uint_eq(bib_field_value_count(url), 2);
    ck_assert_int_eq(bib_field_date(bib_record_get(m, BIB_VAR_ISSUED))->parts[0].day, 17);
    ck_assert_str_eq(bib_record_extra_get(m, "bibtex", "note"), "x");
    /* the DOI it gained is indexed: a third copy with only the DOI joins */
    ck_assert_int_eq(bib_dedupe_add(d, mk("c", "Unrelated", 1999, "doi:10.5555/LT", NULL), NULL),
                     1);
    bib_record *t = bib_dedupe_take(d, 0);
    ck_assert_ptr_nonnull(t);
    ck_assert_ptr_null(bib_dedupe_at(d, 0));
    bib_record_free(t);
    bib_dedupe_free(d);
}
END_TEST

START_TEST(many_records_linear)
{
    /* 20,000 distinct titles and their 20,000 duplicates: finishes fast
     * only if matching is bucketed */
    bib_dedupe *d = bib_dedupe_new(NULL);
    char t[64];
    for (int pass = 0; pass < 2; pass++)
        for (int i = 0; i < 20000; i++) {
            snprintf(t, sizeof t, "Title number %d", i);
            bib_dedupe_add(d, mk(NULL, t, 2000, NULL, "A"), NULL);
        }
    ck_assert_uint_eq(bib_dedupe_count(d), 20000);
    bib_dedupe_free(d);
}
END_TEST

START_TEST(doi_normalize)
{
    bib_buf b;
    bib_buf_init(&b);
    ck_assert_int_eq(bib_doi_normalize(&b, "https://dx.doi.org/10.1000/XY.z."), 0);
    ck_assert_str_eq(b.data, "10.1000/xy.z");
    bib_buf_reset(&b);
    ck_assert_int_eq(bib_doi_normalize(&b, "not a doi"), BIB_EINVAL);
    bib_buf_clear(&b);
}
END_TEST

START_TEST(title_alone_needs_words)
{
    /* no names on one side (a profile lists titles only), no year on one
     * side: a long title decides, a short generic one never does */
    bib_dedupe_config cfg;
    bib_dedupe_config_init(&cfg);
    bib_record *a = mk("a", "Gradient Starvation: A Learning Proclivity", 0, NULL, NULL);
    bib_record *b = mk("b", "Gradient starvation - a learning proclivity", 2021, NULL, "Pe,Ka");
    ck_assert(bib_records_same_work(a, b, &cfg));
    cfg.min_title_words = 6;
    ck_assert(!bib_records_same_work(a, b, &cfg));
    bib_record *c = mk("c", "Introduction", 0, NULL, NULL);
    bib_record *e = mk("e", "Introduction", 2021, NULL, "Pe");
    bib_dedupe_config_init(&cfg);
    ck_assert(!bib_records_same_work(c, e, &cfg));
    /* both years known: they must agree */
    bib_record *f = mk("f", "Gradient Starvation: A Learning Proclivity", 2019, NULL, NULL);
    ck_assert(!bib_records_same_work(f, b, &cfg));
    bib_record *recs[] = {a, b, c, e, f};
    for (size_t i = 0; i < 5; i++)
        bib_record_free(recs[i]);
}
END_TEST

START_TEST(longer_author_list_wins)
{
    /* a cut list naming more people beats a shorter one that lost its
     * "and others" marker (RIS has none); equal length: the cut one too */
    bib_dedupe *d = bib_dedupe_new(NULL);
    bib_record *a = mk("a", "Some Work on Things", 2020, NULL, "Ab,Cd,Ef");
    bib_record *b = mk("b", "Some work on things", 2020, NULL, "Ab,Cd,Ef,Gh");
    bib_record_set_names_truncated(b, BIB_VAR_AUTHOR, true);
    bib_dedupe_add(d, a, NULL);
    ck_assert_int_eq(bib_dedupe_add(d, b, NULL), 1);
    const bib_field *au = bib_record_get(bib_dedupe_at(d, 0), BIB_VAR_AUTHOR);
    ck_assert_uint_eq(bib_field_name_count(au), 4);
    ck_assert(bib_field_names_truncated(au));
    bib_record *c = mk("c", "Other Work", 2020, NULL, "Ab,Cd");
    bib_record *e = mk("e", "Other work", 2020, NULL, "Ab,Cd");
    bib_record_set_names_truncated(e, BIB_VAR_AUTHOR, true);
    bib_dedupe_add(d, c, NULL);
    ck_assert_int_eq(bib_dedupe_add(d, e, NULL), 1);
    au = bib_record_get(bib_dedupe_at(d, 1), BIB_VAR_AUTHOR);
    ck_assert(bib_field_names_truncated(au));
    bib_dedupe_free(d);
}
END_TEST

START_TEST(source_text_kept_when_copied_whole)
{
    /* a value copied whole keeps its source text, put off or not (the
     * writer of that format writes it back); one whose values the merge
     * joins from both records has none */
    const char *src = "On \\emph{Flies}", *kw = "flies";
    bib_record *a = mk("a", NULL, 2020, "10.1/x", "Ab");
    ck_assert_int_eq(bib_record_defer(a, BIB_VAR_TITLE, BIB_RECIPE_LATEX, BIB_LATEX_RICH, src,
                                      strlen(src), "bibtex", 7), 1);
    bib_record_set_text(a, BIB_VAR_KEYWORD, kw, strlen(kw));
    ck_assert_int_eq(bib_record_set_source(a, BIB_VAR_KEYWORD, "bibtex", 1, kw, strlen(kw)), 0);
    bib_record *b = mk("b", "On Flies", 2020, "10.1/x", "Ab");
    bib_record_add_text(b, BIB_VAR_KEYWORD, "wings", 5);
    const char *pg = "1--5";
    bib_record_set_text(b, BIB_VAR_PAGE, "1-5", 3);
    ck_assert_int_eq(bib_record_set_source(b, BIB_VAR_PAGE, "bibtex", 2, pg, strlen(pg)), 0);
    bib_record *m = bib_record_merge(a, b);
    ck_assert_ptr_nonnull(m);
    unsigned tag = 0;
    size_t len = 0;
    const char *s = bib_field_source(bib_record_get(m, BIB_VAR_TITLE), "bibtex", &tag, &len);
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(s, src);
    ck_assert_uint_eq(tag, 7);
    ck_assert_str_eq(bib_record_text(m, BIB_VAR_TITLE), "On <i>Flies</i>");
    s = bib_field_source(bib_record_get(m, BIB_VAR_PAGE), "bibtex", &tag, &len);
    ck_assert_ptr_nonnull(s);
    ck_assert_str_eq(s, pg);
    ck_assert_uint_eq(tag, 2);
    ck_assert_uint_eq(bib_field_value_count(bib_record_get(m, BIB_VAR_KEYWORD)), 2);
    ck_assert_ptr_null(bib_field_source(bib_record_get(m, BIB_VAR_KEYWORD), "bibtex", &tag, &len));
    bib_record_free(m);
    bib_record_free(a);
    bib_record_free(b);
}
END_TEST

BIB_TEST_MAIN("merge", doi_matches_whatever_the_title, title_folding, kept_apart,
              thresholds_are_options, richest_value_kept, many_records_linear, doi_normalize,
              title_alone_needs_words, longer_author_list_wins,
              source_text_kept_when_copied_whole)
