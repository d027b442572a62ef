/* SPDX-License-Identifier: MIT */
/*
 * test_ris.c - Check suite for the pure parts of the ris module, compiled
 * together with plugins/ris/ris_map.c and ris_table.c: the tag-line lexer,
 * RIS date forms, RIS names, the TY <-> CSL type tables and per-type name
 * roles, ISBN/ISSN and DOI recognition, and the field table's self-check
 * (every tag the writer puts a variable under reads back as it).
 *
 * Not for: whole conversions (the python scripts of tests/ris run those).
 */
#include <string.h>

#include "risfmt.h"
#include "testutil.h"

static ris_line lex(const char *s)
{
    ris_line l;
    ris_lex_line(s, strlen(s), &l);
    return l;
}

static bool val_is(const ris_line *l, const char *v)
{
    return l->len == strlen(v) && memcmp(l->value, v, l->len) == 0;
}

START_TEST(lex_strict_and_loose)
{
    ris_line l = lex("TY  - JOUR");
    ck_assert_int_eq(l.kind, RIS_LINE_TAG);
    ck_assert_str_eq(l.tag, "TY");
    ck_assert(val_is(&l, "JOUR"));
    l = lex("AU - Smith, J.");   /* one space */
    ck_assert_int_eq(l.kind, RIS_LINE_TAG);
    ck_assert(val_is(&l, "Smith, J."));
    l = lex("T1\t-\tTabbed");      /* tabs */
    ck_assert_int_eq(l.kind, RIS_LINE_TAG);
    ck_assert(val_is(&l, "Tabbed"));
    l = lex("ER  -");              /* no trailing space */
    ck_assert_int_eq(l.kind, RIS_LINE_TAG);
    ck_assert_str_eq(l.tag, "ER");
    ck_assert_uint_eq(l.len, 0);
    l = lex("ER  - \r");           /* CR left over, trailing blanks */
    ck_assert_int_eq(l.kind, RIS_LINE_TAG);
    ck_assert_uint_eq(l.len, 0);
    l = lex("   TI  - Leading blanks  ");
    ck_assert_int_eq(l.kind, RIS_LINE_TAG);
    ck_assert(val_is(&l, "Leading blanks"));
    l = lex("C1  - custom");
    ck_assert_str_eq(l.tag, "C1");
    /* a byte-order mark inside the file (files joined with cat) starts no
     * text: the line is a tag line or blank (issue 15, a JabRef test file) */
    l = lex("\xEF\xBB\xBFTY  - BOOK");
    ck_assert_int_eq(l.kind, RIS_LINE_TAG);
    ck_assert(val_is(&l, "BOOK"));
    ck_assert_int_eq(lex(" \xEF\xBB\xBF").kind, RIS_LINE_BLANK);
    l = lex("text \xEF\xBB\xBF");
    ck_assert_int_eq(l.kind, RIS_LINE_TEXT);
    ck_assert(val_is(&l, "text \xEF\xBB\xBF"));
}
END_TEST

START_TEST(lex_other_lines)
{
    ck_assert_int_eq(lex("").kind, RIS_LINE_BLANK);
    ck_assert_int_eq(lex(" \t\r").kind, RIS_LINE_BLANK);
    ck_assert_int_eq(lex("continued abstract text").kind, RIS_LINE_TEXT);
    ck_assert_int_eq(lex("T1-weighted images").kind, RIS_LINE_TEXT);
    ck_assert_int_eq(lex("AB -CD ratio").kind, RIS_LINE_TEXT);
    ck_assert_int_eq(lex("PMID- 123").kind, RIS_LINE_TEXT);
    ris_line l = lex("TI- bad");
    ck_assert_int_eq(l.kind, RIS_LINE_BAD_TAG);
    ck_assert_str_eq(l.tag, "TI");
    ck_assert_int_eq(lex("TI      - too far").kind, RIS_LINE_BAD_TAG);
    l = lex("ti  - lower");
    ck_assert_int_eq(l.kind, RIS_LINE_LOWER_TAG);
    ck_assert_str_eq(l.tag, "TI");
    ck_assert(ris_looks_like_tag("ER  - ", 6));
    ck_assert(!ris_looks_like_tag("plain", 5));
}
END_TEST

static bib_date_part date1(const char *s, int *rc, bib_date *keep)
{
    bib_date d;
    *rc = ris_date_parse(&d, s, strlen(s));
    bib_date_part p = d.parts[0];
    if (keep)
        *keep = d;
    else
        bib_date_clear(&d);
    return p;
}

START_TEST(date_forms)
{
    int rc;
    bib_date_part p = date1("2020/03/15/", &rc, NULL);
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(p.year, 2020);
    ck_assert_int_eq(p.month, 3);
    ck_assert_int_eq(p.day, 15);
    p = date1("2012/05//", &rc, NULL);
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(p.month, 5);
    ck_assert_int_eq(p.day, 0);
    p = date1("2014//", &rc, NULL);
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(p.year, 2014);
    ck_assert_int_eq(p.month, 0);
    p = date1("1948", &rc, NULL);
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(p.year, 1948);
    p = date1("2020/00/00", &rc, NULL); /* zeros are unknown parts */
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(p.year, 2020);
    ck_assert_int_eq(p.month, 0);
    p = date1("2023/11/1/", &rc, NULL); /* one-digit day */
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(p.day, 1);
    p = date1("2015/october", &rc, NULL); /* JabRef */
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(p.month, 10);
    p = date1("2015/october/117379030711", &rc, NULL); /* no overflow: not a day */
    ck_assert_int_eq(p.day, 0);
    p = date1("1998///Spring", &rc, NULL);
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(p.season, BIB_SEASON_SPRING);
    p = date1("2012-09-01", &rc, NULL); /* ISO seen in the wild */
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(p.month, 9);
    bib_date d;
    p = date1("2017/04/07/online", &rc, &d);
    ck_assert_int_eq(rc, 0);
    ck_assert_int_eq(p.day, 7);
    ck_assert_ptr_nonnull(d.raw); /* "online" kept */
    bib_date_clear(&d);
    p = date1("in press", &rc, &d);
    ck_assert_int_eq(rc, BIB_EPARSE);
    ck_assert_str_eq(d.literal, "in press");
    bib_date_clear(&d);
}
END_TEST

START_TEST(date_format)
{
    bib_buf b = BIB_BUF_INIT;
    bib_date d = {.nparts = 1};
    d.parts[0] = (bib_date_part){.has_year = true, .year = 2020, .month = 1, .day = 2};
    ck_assert_int_eq(ris_date_format(&b, &d), 0);
    ck_assert_str_eq(b.data, "2020/01/02/");
    bib_buf_reset(&b);
    d.parts[0] = (bib_date_part){.has_year = true, .year = 1998, .season = 1};
    ris_date_format(&b, &d);
    ck_assert_str_eq(b.data, "1998///Spring");
    bib_buf_reset(&b);
    d.parts[0] = (bib_date_part){.has_year = true, .year = 2001, .month = 9};
    ris_date_format(&b, &d);
    ck_assert_str_eq(b.data, "2001/09//");
    d.parts[0] = (bib_date_part){0};
    ck_assert_int_eq(ris_date_format(&b, &d), BIB_EINVAL);
    bib_buf_clear(&b);
}
END_TEST

static bib_name name1(const char *s, bool *vanc)
{
    bib_name n;
    ck_assert_int_eq(ris_name_parse(&n, s, strlen(s), vanc), 0);
    return n;
}

START_TEST(names)
{
    bool v;
    bib_name n = name1("Smith, John", &v);
    ck_assert_str_eq(n.family, "Smith");
    ck_assert_str_eq(n.given, "John");
    ck_assert(!v);
    bib_name_clear(&n);
    n = name1("Cobb, F. W., Jr.", &v);
    ck_assert_str_eq(n.family, "Cobb");
    ck_assert_str_eq(n.given, "F. W.");
    ck_assert_str_eq(n.suffix, "Jr.");
    bib_name_clear(&n);
    n = name1("Phillips,A.J.,Sr.", &v); /* no blanks after commas */
    ck_assert_str_eq(n.family, "Phillips");
    ck_assert_str_eq(n.suffix, "Sr.");
    bib_name_clear(&n);
    n = name1("World Health Organization", &v);
    ck_assert_ptr_null(n.family);
    ck_assert_str_eq(n.literal, "World Health Organization");
    bib_name_clear(&n);
    n = name1("Oudin A", &v);
    ck_assert(v);
    ck_assert_str_eq(n.family, "Oudin");
    ck_assert_str_eq(n.given, "A.");
    bib_name_clear(&n);
    n = name1("Plato", &v);
    ck_assert_str_eq(n.family, "Plato");
    bib_name_clear(&n);
    bib_name e;
    ck_assert_int_eq(ris_name_parse(&e, " , ", 3, &v), BIB_EPARSE);
}
END_TEST

START_TEST(name_format_round_trip)
{
    const char *in[] = {"Smith, John", "Cobb, F. W., Jr.", "van Gogh, Vincent",
                        "World Health Organization", "Müller, Jürgen"};
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        bool v;
        bib_name n = name1(in[i], &v);
        bib_buf b = BIB_BUF_INIT;
        ck_assert_int_eq(ris_name_format(&b, &n), 0);
        ck_assert_str_eq(b.data, in[i]);
        bib_buf_clear(&b);
        bib_name_clear(&n);
    }
    bib_name n = {.family = "Doe", .suffix = "III"};
    bib_buf b = BIB_BUF_INIT;
    ris_name_format(&b, &n);
    ck_assert_str_eq(b.data, "Doe,, III");
    bib_buf_clear(&b);
}
END_TEST

START_TEST(types)
{
    bool k;
    ck_assert_int_eq(ris_type_from_code("JOUR", 4, &k), BIB_TYPE_ARTICLE_JOURNAL);
    ck_assert(k);
    ck_assert_int_eq(ris_type_from_code("Chap", 4, &k), BIB_TYPE_CHAPTER);
    ck_assert_int_eq(ris_type_from_code("JOUR ", 5, &k), BIB_TYPE_ARTICLE_JOURNAL);
    ck_assert_int_eq(ris_type_from_code("EDBOOK", 6, &k), BIB_TYPE_BOOK);
    ck_assert_int_eq(ris_type_from_code("CPAPER", 6, &k), BIB_TYPE_PAPER_CONFERENCE);
    ck_assert_int_eq(ris_type_from_code("ELEC", 4, &k), BIB_TYPE_WEBPAGE);
    ck_assert_int_eq(ris_type_from_code("SLIDE", 5, &k), BIB_TYPE_SPEECH);
    ck_assert_int_eq(ris_type_from_code("OTHER", 5, &k), BIB_TYPE_DOCUMENT);
    ck_assert(!k);
    /* every CSL type has a code, and every code the writer uses reads back
     * as a known type */
    for (int t = 1; t < BIB_TYPE_COUNT; t++) {
        const char *c = ris_type_code((bib_type)t);
        ck_assert_ptr_nonnull(c);
        bib_type back = ris_type_from_code(c, strlen(c), &k);
        ck_assert(k);
        /* types RIS cannot tell apart come back as their RIS reading */
        if (strcmp(c, "GEN") != 0 && t != BIB_TYPE_REVIEW && t != BIB_TYPE_REVIEW_BOOK &&
            t != BIB_TYPE_BROADCAST && t != BIB_TYPE_POST)
            ck_assert_int_eq(back, t);
    }
}
END_TEST

START_TEST(roles)
{
    ck_assert_int_eq(ris_name_var("JOUR", "AU"), BIB_VAR_AUTHOR);
    ck_assert_int_eq(ris_name_var("JOUR", "A1"), BIB_VAR_AUTHOR);
    ck_assert_int_eq(ris_name_var("EDBOOK", "AU"), BIB_VAR_EDITOR);
    ck_assert_int_eq(ris_name_var("CHAP", "A2"), BIB_VAR_EDITOR);
    ck_assert_int_eq(ris_name_var("BOOK", "A2"), BIB_VAR_COLLECTION_EDITOR);
    ck_assert_int_eq(ris_name_var("BOOK", "A3"), BIB_VAR_EDITOR);
    ck_assert_int_eq(ris_name_var("JOUR", "A4"), BIB_VAR_TRANSLATOR);
    ck_assert_int_eq(ris_name_var("JOUR", "ED"), BIB_VAR_EDITOR);
    ck_assert_int_eq(ris_name_var("JOUR", "TI"), BIB_VAR_NONE);
    /* the writer's tag reads back as the same role, for every type */
    static const bib_var vars[] = {BIB_VAR_AUTHOR, BIB_VAR_EDITOR, BIB_VAR_COLLECTION_EDITOR,
                                   BIB_VAR_TRANSLATOR, BIB_VAR_DIRECTOR, BIB_VAR_PERFORMER};
    for (int t = 1; t < BIB_TYPE_COUNT; t++) {
        const char *code = ris_type_code((bib_type)t);
        for (size_t i = 0; i < sizeof vars / sizeof vars[0]; i++) {
            const char *tag = ris_name_tag(code, vars[i]);
            if (tag)
                ck_assert_int_eq(ris_name_var(code, tag), vars[i]);
        }
    }
    ck_assert_str_eq(ris_name_tag("BOOK", BIB_VAR_EDITOR), "A3");
    ck_assert_str_eq(ris_name_tag("CHAP", BIB_VAR_EDITOR), "A2");
    ck_assert_str_eq(ris_name_tag("EDBOOK", BIB_VAR_EDITOR), "AU");
}
END_TEST

START_TEST(identifiers)
{
    ck_assert_int_eq(ris_sn_kind("0028-0836", 9), 2);
    ck_assert_int_eq(ris_sn_kind("1550-235X", 9), 2);
    ck_assert_int_eq(ris_sn_kind("978-3-16-148410-0", 17), 1);
    ck_assert_int_eq(ris_sn_kind("0-306-40615-2", 13), 1);
    ck_assert_int_eq(ris_sn_kind("0028-0836 (Print)", 17), 2);
    ck_assert_int_eq(ris_sn_kind("TR-2020-01", 10), 0);
    const char *d = "https://doi.org/10.1000/xyz";
    size_t st = ris_doi_start(d, strlen(d));
    ck_assert_str_eq(d + st, "10.1000/xyz");
    d = "doi:10.1000/abc";
    ck_assert_str_eq(d + ris_doi_start(d, strlen(d)), "10.1000/abc");
    ck_assert(ris_is_doi("10.1000/xyz", 11));
    ck_assert(!ris_is_doi("Preprint", 8));
    ck_assert(ris_type_series_t2("BOOK"));
    ck_assert(!ris_type_series_t2("CHAP"));
    ck_assert(ris_type_journal("EJOUR"));
    ck_assert(ris_type_sp_is_count("THES"));
}
END_TEST

/* The reader's row for tag under mask, as the reader finds it: the first
 * row of the tag whose read condition holds. */
static const ris_field *read_row(const char *tag, unsigned mask)
{
    for (size_t i = 0; i < ris_nfields; i++)
        if (strcmp(ris_fields[i].tag, tag) == 0 && ris_cond_holds(mask, ris_fields[i].read))
            return &ris_fields[i];
    return NULL;
}

/* The field table is consistent with itself and with core's variable
 * kinds, and for every TY code the writer can produce, a tag written for a
 * variable is read back as that variable (the SN and Y1 special readings
 * aside, which name their variables in code). */
START_TEST(table_self_check)
{
    ck_assert_uint_gt(ris_nfields, 40);
    for (size_t i = 0; i < ris_nfields; i++) {
        const ris_field *f = &ris_fields[i];
        ck_assert_msg(ris_tag_slot(f->tag) >= 0 && strlen(f->tag) == 2, "row %zu tag", i);
        ck_assert_msg(f->read != RIS_C_NEVER || f->write != RIS_C_NEVER, "row %zu unused", i);
        ck_assert_msg(f->read < RIS_C_COUNT && f->write < RIS_C_COUNT, "row %zu cond", i);
        ck_assert_ptr_nonnull(f->flavour);
        bib_kind k = bib_var_kind(f->var);
        switch (f->kind) {
        case RIS_K_NAMES: case RIS_K_ID:
            ck_assert_msg(k == BIB_KIND_NONE, "row %zu (%s) has a variable", i, f->tag);
            break;
        case RIS_K_DATE: case RIS_K_ISSUED:
            ck_assert_msg(k == BIB_KIND_DATE, "row %zu (%s) is not a date", i, f->tag);
            break;
        default:
            ck_assert_msg(k == BIB_KIND_TEXT || k == BIB_KIND_RICH || k == BIB_KIND_NUMBER,
                          "row %zu (%s): variable kind %d", i, f->tag, (int)k);
        }
    }
    static const char *const also[] = {"EJOUR", "EDBOOK", "EBOOK", "ECHAP", "AGGR", "DBASE",
                                       "MULTI", "UNPB", "GOVDOC", "INPR", "ABST", "JFULL",
                                       "DATA", "COMP", "RPRT", "PAT", "STAND", NULL};
    for (int t = 0; t < BIB_TYPE_COUNT + 17; t++) {
        const char *code = t < BIB_TYPE_COUNT ? ris_type_code((bib_type)t)
                                              : also[t - BIB_TYPE_COUNT];
        unsigned mask = ris_cond_mask(code);
        for (size_t i = 0; i < ris_nfields; i++) {
            const ris_field *w = &ris_fields[i];
            if (!ris_cond_holds(mask, w->write) || w->var == BIB_VAR_NONE)
                continue;
            const ris_field *r = read_row(w->tag, mask);
            ck_assert_msg(r != NULL, "%s: %s written for %s is not read", code, w->tag,
                          bib_var_name(w->var));
            if (r->kind == RIS_K_SN)
                ck_assert(w->var == BIB_VAR_ISBN || w->var == BIB_VAR_ISSN ||
                          w->var == BIB_VAR_NUMBER);
            else if (r->kind == RIS_K_ISSUED && w->kind == RIS_K_DATE)
                ck_assert_int_eq(w->var, BIB_VAR_AVAILABLE_DATE); /* a disagreeing Y1 */
            else
                ck_assert_msg(r->var == w->var, "%s: %s written for %s reads as %s", code,
                              w->tag, bib_var_name(w->var), bib_var_name(r->var));
        }
    }
    /* the conditions the table relies on */
    unsigned m = ris_cond_mask("BOOK");
    ck_assert(ris_cond_holds(m, RIS_C_SERIES) && !ris_cond_holds(m, RIS_C_NOT_SERIES));
    ck_assert(ris_cond_holds(m, RIS_C_BT_TITLE) && ris_cond_holds(m, RIS_C_PLAIN));
    ck_assert(!ris_cond_holds(m, RIS_C_NEVER) && ris_cond_holds(m, RIS_C_ANY));
    m = ris_cond_mask("JOUR");
    ck_assert(ris_cond_holds(m, RIS_C_JOURNAL) && !ris_cond_holds(m, RIS_C_PLAIN));
    m = ris_cond_mask("RPRT");
    ck_assert(ris_cond_holds(m, RIS_C_NUMBERED) && ris_cond_holds(m, RIS_C_SERIES));
    ck_assert(ris_cond_holds(ris_cond_mask("COMP"), RIS_C_VERSIONED));
    ck_assert(ris_cond_holds(ris_cond_mask("CHAP"), RIS_C_NOT_VERSIONED));
}
END_TEST

BIB_TEST_MAIN("ris", lex_strict_and_loose, lex_other_lines, date_forms, date_format, names,
              name_format_round_trip, types, roles, identifiers, table_self_check)
