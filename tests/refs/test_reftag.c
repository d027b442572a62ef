/* SPDX-License-Identifier: MIT */
/* test_reftag.c - the reference tagger (reftag.h): tokens, labels, the
 * record builder and its names, dates, pages and types. */
#include "testutil.h"
#include <stdio.h>
#include <string.h>

#include "bibconv/reftag.h"
/* FEAT_PUTS: the decoder's unchecked feature path relies on it */
#include "../../core/reftag_model.h"

static const char *tok_str(const char *s, const bib_ref_token *t, char *buf, size_t cap)
{
    size_t n = t->len < cap - 1 ? t->len : cap - 1;
    memcpy(buf, s + t->off, n);
    buf[n] = '\0';
    return buf;
}

START_TEST(test_tokens)
{
    bib_reftag *t = bib_reftag_new();
    const char *s = "Jean-Luc O'Brien (2001a). Über 12–15, https://x.org/a_b. 10.1000/xyz.12 陈静";
    long n = bib_reftag_tokenize(t, s, strlen(s));
    ck_assert_int_gt(n, 10);
    size_t cnt;
    const bib_ref_token *tok = bib_reftag_tokens(t, &cnt);
    char b[64];
    ck_assert_str_eq(tok_str(s, &tok[0], b, sizeof b), "Jean-Luc");
    ck_assert_str_eq(tok_str(s, &tok[1], b, sizeof b), "O'Brien");
    ck_assert(tok[1].space_before);
    ck_assert_str_eq(tok_str(s, &tok[3], b, sizeof b), "2001a");
    ck_assert_int_eq(tok[3].kind, BIB_REFTOK_NUMBER);
    bool url = false, doi = false, cjk = false, dash = false;
    for (size_t i = 0; i < cnt; i++) {
        tok_str(s, &tok[i], b, sizeof b);
        url |= tok[i].kind == BIB_REFTOK_URL && !strcmp(b, "https://x.org/a_b");
        doi |= tok[i].kind == BIB_REFTOK_DOI && !strcmp(b, "10.1000/xyz.12");
        cjk |= tok[i].kind == BIB_REFTOK_CJK;
        dash |= tok[i].kind == BIB_REFTOK_PUNCT && !strcmp(b, "\xe2\x80\x93");
    }
    ck_assert(url && doi && cjk && dash);
    /* invalid UTF-8 and empty text */
    ck_assert_int_eq(bib_reftag_run(t, "\xff\xfe", 2), 2);
    ck_assert_int_eq(bib_reftag_run(t, "", 0), 0);
    bib_reftag_free(t);
}
END_TEST

START_TEST(test_labels)
{
    for (int l = 0; l < BIB_REF_LABEL_COUNT; l++) {
        const char *n = bib_ref_label_name(l);
        ck_assert_ptr_nonnull(n);
        ck_assert_int_eq(bib_ref_label_of(n, strlen(n)), l);
    }
    ck_assert_ptr_null(bib_ref_label_name(BIB_REF_LABEL_COUNT));
    ck_assert_int_eq(bib_ref_label_of("nope", 4), -1);
}
END_TEST

static bib_record *parse(bib_reftag *t, const char *s, const bib_record *prev)
{
    ck_assert_int_gt(bib_reftag_run(t, s, strlen(s)), 0);
    bib_record *r = NULL;
    ck_assert_int_eq(bib_reftag_record(t, s, strlen(s), prev, &r), 0);
    ck_assert_ptr_nonnull(r);
    return r;
}

static const char *family(const bib_record *r, bib_var v, size_t i)
{
    const bib_field *f = bib_record_get(r, v);
    return f && i < bib_field_name_count(f) ? bib_field_name_at(f, i)->family : NULL;
}

START_TEST(test_apa_record)
{
    bib_reftag *t = bib_reftag_new();
    bib_record *r = parse(t, "Okonkwo, A. N., & Lindqvist, B. (2018). Tidal mixing in shallow "
                             "estuaries. Journal of Coastal Research, 34(2), 211\xe2\x80\x93" "229. "
                             "https://doi.org/10.2112/JCR-17-00012.1", NULL);
    ck_assert_int_eq(bib_record_type(r), BIB_TYPE_ARTICLE_JOURNAL);
    ck_assert_str_eq(family(r, BIB_VAR_AUTHOR, 0), "Okonkwo");
    ck_assert_str_eq(family(r, BIB_VAR_AUTHOR, 1), "Lindqvist");
    ck_assert_str_eq(bib_record_text(r, BIB_VAR_TITLE), "Tidal mixing in shallow estuaries");
    ck_assert_str_eq(bib_record_text(r, BIB_VAR_CONTAINER_TITLE), "Journal of Coastal Research");
    ck_assert_str_eq(bib_record_text(r, BIB_VAR_VOLUME), "34");
    ck_assert_str_eq(bib_record_text(r, BIB_VAR_ISSUE), "2");
    ck_assert_str_eq(bib_record_text(r, BIB_VAR_PAGE), "211-229");
    ck_assert_str_eq(bib_record_text(r, BIB_VAR_DOI), "10.2112/JCR-17-00012.1");
    const bib_date *d = bib_field_date(bib_record_get(r, BIB_VAR_ISSUED));
    ck_assert_int_eq(d->parts[0].year, 2018);
    /* nothing invented: no publisher, no editor, no URL */
    ck_assert(!bib_record_has(r, BIB_VAR_PUBLISHER));
    ck_assert(!bib_record_has(r, BIB_VAR_EDITOR));
    ck_assert(!bib_record_has(r, BIB_VAR_URL));

    /* ditto dashes repeat the previous reference's authors */
    bib_record *r2 = parse(t, "\xe2\x80\x94\xe2\x80\x94\xe2\x80\x94. (2020). Field methods "
                              "in estuarine physics. Springer.", r);
    ck_assert_str_eq(family(r2, BIB_VAR_AUTHOR, 0), "Okonkwo");
    ck_assert_str_eq(family(r2, BIB_VAR_AUTHOR, 1), "Lindqvist");
    bib_record_free(r2);
    bib_record_free(r);
    bib_reftag_free(t);
}
END_TEST

START_TEST(test_ieee_record)
{
    bib_reftag *t = bib_reftag_new();
    bib_record *r = parse(t, "M. Osei, K. Brandt, and L. Moreau, \xe2\x80\x9cRobust parsing of "
                             "noisy text,\xe2\x80\x9d IEEE Trans. Knowl. Data Eng., vol. 33, "
                             "no. 4, pp. 1502\xe2\x80\x93" "14, 2021.", NULL);
    ck_assert_str_eq(family(r, BIB_VAR_AUTHOR, 0), "Osei");
    ck_assert_str_eq(family(r, BIB_VAR_AUTHOR, 2), "Moreau");
    ck_assert_ptr_null(family(r, BIB_VAR_AUTHOR, 3));
    ck_assert_str_eq(bib_record_text(r, BIB_VAR_TITLE), "Robust parsing of noisy text");
    ck_assert_str_eq(bib_record_text(r, BIB_VAR_PAGE), "1502-1514");   /* short range expanded */
    ck_assert_str_eq(bib_record_text(r, BIB_VAR_VOLUME), "33");
    bib_record_free(r);
    /* et al. marks the list as cut and is no name */
    r = parse(t, "Tanaka, H., et al. (2019). Coral bleaching in warm years. Marine Biology, 166, 1-12.", NULL);
    const bib_field *f = bib_record_get(r, BIB_VAR_AUTHOR);
    ck_assert_uint_eq(bib_field_name_count(f), 1);
    ck_assert(bib_field_names_truncated(f));
    bib_record_free(r);
    bib_reftag_free(t);
}
END_TEST

/* The authors' family names of text read alone: exactly `want` (NULL
 * ended); whether the list was cut by an "et al." into *cut. */
static void expect_authors(bib_reftag *t, const char *text, const char *const *want, bool cut)
{
    bib_record *r = parse(t, text, NULL);
    size_t i = 0;
    for (; want[i]; i++)
        ck_assert_str_eq(family(r, BIB_VAR_AUTHOR, i), want[i]);
    ck_assert_ptr_null(family(r, BIB_VAR_AUTHOR, i));
    ck_assert(bib_field_names_truncated(bib_record_get(r, BIB_VAR_AUTHOR)) == cut);
    bib_record_free(r);
}

START_TEST(test_style_syntax)
{
    bib_reftag *t = bib_reftag_new();
    /* Chicago, MLA and their translations invert the first name only:
     * "Family, Given" and then names in reading order */
    expect_authors(t, "Okafor, Adaeze, Tom\xc3\xa1s Ruiz, and Mei Lin Zhou. \xe2\x80\x9cTidal "
                      "Flats under Stress.\xe2\x80\x9d Estuaries 12, no. 3 (2018): 45\xe2\x80\x93" "67.",
                   (const char *const[]){"Okafor", "Ruiz", "Zhou", NULL}, false);
    expect_authors(t, "Brandt, Karl und Lena Moreau. 2019. Salzwasser im Watt. Die K\xc3\xbcste "
                      "8: 1\xe2\x80\x93" "9.",
                   (const char *const[]){"Brandt", "Moreau", NULL}, false);
    /* ISO 690: every name inverted, family names in capitals, some as
     * short as initials */
    expect_authors(t, "MA, Lin, NI, Zhaoheng and OKAFOR, Adaeze, 2012. Tidal flats under "
                      "stress. Estuaries. Vol. 12, no. 3, p. 45\xe2\x80\x93" "67.",
                   (const char *const[]){"MA", "NI", "OKAFOR", NULL}, false);
    /* GOST's `и др.` ("and others") is et al., not a name */
    expect_authors(t, "Okafor A., Ruiz T. \xd0\xb8 \xd0\xb4\xd1\x80. Tidal flats under stress // "
                      "Estuaries. 2018. \xd0\xa2. 12. \xe2\x84\x96 3. \xd0\xa1. 45\xe2\x80\x93" "67.",
                   (const char *const[]){"Okafor", "Ruiz", NULL}, true);
    /* GOST's numbers after their words: Т. (volume), № (issue), С. (pages) */
    bib_record *r = parse(t, "Okafor A., Ruiz T. \xd0\xb8 \xd0\xb4\xd1\x80. Tidal flats under "
                             "stress // Estuaries. 2018. \xd0\xa2. 12. \xe2\x84\x96 3. \xd0\xa1. "
                             "45\xe2\x80\x93" "67.", NULL);
    ck_assert_str_eq(bib_record_text(r, BIB_VAR_VOLUME), "12");
    ck_assert_str_eq(bib_record_text(r, BIB_VAR_ISSUE), "3");
    ck_assert_str_eq(bib_record_text(r, BIB_VAR_PAGE), "45-67");
    bib_record_free(r);
    /* Emerald's "Vol. 73 No. 24" without a comma between */
    r = parse(t, "Okafor, A. and Ruiz, T. (2018), \xe2\x80\x9cTidal flats under stress\xe2\x80\x9d, "
                 "Estuaries, Vol. 73 No. 24, pp. 45\xe2\x80\x93" "67.", NULL);
    ck_assert_str_eq(bib_record_text(r, BIB_VAR_VOLUME), "73");
    ck_assert_str_eq(bib_record_text(r, BIB_VAR_ISSUE), "24");
    bib_record_free(r);
    /* the issue's number taken into the pages by the tagger */
    r = parse(t, "12. Okafor A. \xd0\xb8 \xd0\xb4\xd1\x80. Salt wedges in tidal rivers // Estuar. "
                 "Coast. Res.. 2013. \xd0\xa2. 7. \xe2\x84\x96 10. \xd0\xa1. 831\xe2\x80\x93" "834.",
              NULL);
    ck_assert_str_eq(bib_record_text(r, BIB_VAR_ISSUE), "10");
    ck_assert_str_eq(bib_record_text(r, BIB_VAR_PAGE), "831-834");
    bib_record_free(r);
    /* Vancouver with periods: a family name of two words before initials */
    expect_authors(t, "Okafor A., De Angelis M. Tidal flats under stress. Estuaries. "
                      "2018;12(3):45\xe2\x80\x93" "67.",
                   (const char *const[]){"Okafor", "De Angelis", NULL}, false);
    /* every name inverted: pairs, as before */
    expect_authors(t, "Okafor, Adaeze, Ruiz, Tom\xc3\xa1s, and Zhou, Mei. 2018. Tidal flats "
                      "under stress. Estuaries 12: 45\xe2\x80\x93" "67.",
                   (const char *const[]){"Okafor", "Ruiz", "Zhou", NULL}, false);
    bib_reftag_free(t);
}
END_TEST

/* The first body name of r's authors as a literal, or NULL. */
static const char *literal0(const bib_record *r)
{
    const bib_field *f = bib_record_get(r, BIB_VAR_AUTHOR);
    return f && bib_field_name_count(f) ? bib_field_name_at(f, 0)->literal : NULL;
}

/* Name lists the record builder once misread (docs/refs.md, "Records"):
 * each case fails with its rule in core/reftag_record.c taken out. */
START_TEST(test_name_shapes)
{
    bib_reftag *t = bib_reftag_new();
    /* Vancouver in capitals: "FAMILY INITIALS" names, no pairs; a name
     * whose two words both read as initials follows the others' order */
    expect_authors(t, "12- OKAFOR AN, RUIZ TM, YU DP. Tidal flats under stress. Estuaries. "
                      "2018, 12(3):45\xe2\x80\x93" "67.",
                   (const char *const[]){"OKAFOR", "RUIZ", "YU", NULL}, false);
    expect_authors(t, "OKAFOR A.N., RUIZ T., Tidal flats under stress, Estuaries, 2018.",
                   (const char *const[]){"OKAFOR", "RUIZ", NULL}, false);
    /* the first name inverted with initials, the others in reading order,
     * joined by "und" */
    expect_authors(t, "OKAFOR, A., T. RUIZ und M. ZHOU (2018): Tidal flats under stress. In: "
                      "Estuaries.",
                   (const char *const[]){"OKAFOR", "RUIZ", "ZHOU", NULL}, false);
    /* ISO 690 in Czech: "a" is "and"; a family name in capitals after the
     * given name, three letters that the display parser reads as initials
     * (two, `Mei LI`, stay ambiguous with Vancouver's `Smith JE`) */
    expect_authors(t, "OKAFOR, Adaeze, Mei LIU a Tom\xc3\xa1s RUIZ. Tidal flats under stress. "
                      "Estuaries. 2018, 12(3), 45\xe2\x80\x93" "67.",
                   (const char *const[]){"OKAFOR", "LIU", "RUIZ", NULL}, false);
    /* a family name of two words before initials alone, with a comma */
    expect_authors(t, "De Angelis, M. 2018. Tidal Flats under Stress. Estuaries 12: 45\xe2\x80\x93"
                      "67.",
                   (const char *const[]){"De Angelis", NULL}, false);
    /* family in capitals first, given names after it, no comma */
    expect_authors(t, "OKAFOR Adaeze N., \xe2\x80\x9cTidal flats under stress\xe2\x80\x9d, "
                      "Estuaries, c. 12 (2018), ss. 45-67.",
                   (const char *const[]){"OKAFOR", NULL}, false);
    /* a body's name is a literal, its "and" inside */
    bib_record *r = parse(t, "Coastal Research Association. 2018. Tidal flats under stress. "
                             "Estuaries 12: 45\xe2\x80\x93" "67.", NULL);
    ck_assert_str_eq(literal0(r), "Coastal Research Association");
    bib_record_free(r);
    r = parse(t, "Council for Tides and Estuaries. 2018. Tidal flats under stress. "
                 "Estuaries 12: 45-67.", NULL);
    ck_assert_str_eq(literal0(r), "Council for Tides and Estuaries");
    bib_record_free(r);
    /* ... and a piece of a list with commas */
    r = parse(t, "Coastal Research Association, Okafor, A. 2018. Tidal flats under stress. "
                 "Estuaries 12: 45-67.", NULL);
    ck_assert_str_eq(literal0(r), "Coastal Research Association");
    ck_assert_str_eq(family(r, BIB_VAR_AUTHOR, 1), "Okafor");
    bib_record_free(r);
    bib_reftag_free(t);
}
END_TEST

START_TEST(test_slash_names)
{
    /* `/` between names, without spaces (given first) or with them (family
     * first, commas inside the names) */
    bib_reftag *t = bib_reftag_new();
    bib_record *r = parse(t, "M. Abbas/O. Gustafsson/K. Brandt, Computational complexity of "
                             "polynomial evaluation schemes. Journal of Signal Processing 14, "
                             "2011, 1\xe2\x80\x93" "6.", NULL);
    ck_assert_str_eq(family(r, BIB_VAR_AUTHOR, 0), "Abbas");
    ck_assert_str_eq(family(r, BIB_VAR_AUTHOR, 1), "Gustafsson");
    ck_assert_str_eq(family(r, BIB_VAR_AUTHOR, 2), "Brandt");
    ck_assert_ptr_null(family(r, BIB_VAR_AUTHOR, 3));
    ck_assert_str_eq(bib_record_text(r, BIB_VAR_TITLE),
                     "Computational complexity of polynomial evaluation schemes");
    bib_record_free(r);
    /* a citation label before it (names, year): the whole list after it */
    r = parse(t, "Abbas et al. 2011: M. Abbas/O. Gustafsson/K. Brandt, Computational "
                 "complexity of polynomial evaluation schemes. Journal of Signal Processing "
                 "14, 2011, 1\xe2\x80\x93" "6.", NULL);
    ck_assert_str_eq(family(r, BIB_VAR_AUTHOR, 2), "Brandt");
    ck_assert(!bib_field_names_truncated(bib_record_get(r, BIB_VAR_AUTHOR)));
    bib_record_free(r);
    r = parse(t, "M\xc3\xbcller, H. / Schmidt, P. (2019). Wasserhaushalt kleiner Seen. "
                 "Zeitschrift f\xc3\xbcr Hydrologie, 12(3), 45\xe2\x80\x93" "67.", NULL);
    ck_assert_str_eq(family(r, BIB_VAR_AUTHOR, 0), "M\xc3\xbcller");
    ck_assert_str_eq(family(r, BIB_VAR_AUTHOR, 1), "Schmidt");
    ck_assert_ptr_null(family(r, BIB_VAR_AUTHOR, 2));
    bib_record_free(r);
    bib_reftag_free(t);
}
END_TEST

START_TEST(test_cjk_record)
{
    /* a Chinese reference in GB/T 7714 with full-width punctuation and
     * no spaces, a Japanese one with 「」『』 (invented): a record with its
     * two names cut at `，` / `・` and never paired as family, given */
    bib_reftag *t = bib_reftag_new();
    bib_record *r = parse(t, "\xe7\x8e\x8b\xe5\xb0\x8f\xe6\x98\x8e\xef\xbc\x8c\xe6\x9d\x8e"
                             "\xe5\x8d\x8e\xe3\x80\x82\xe5\x9f\xba\xe4\xba\x8e\xe6\xb7\xb1"
                             "\xe5\xba\xa6\xe5\xad\xa6\xe4\xb9\xa0\xe3\x80\x82\xe8\xae\xa1"
                             "\xe7\xae\x97\xe6\x9c\xba\xe5\xad\xa6\xe6\x8a\xa5\xef\xbc\x8c"
                             "2020\xef\xbc\x8c" "43\xef\xbc\x88" "5\xef\xbc\x89\xef\xbc\x9a"
                             "901\xe2\x80\x93" "915\xe3\x80\x82", NULL);
    const bib_field *a = bib_record_get(r, BIB_VAR_AUTHOR);
    ck_assert_ptr_nonnull(a);
    ck_assert_int_eq(bib_field_name_count(a), 2);
    ck_assert_ptr_nonnull(bib_record_text(r, BIB_VAR_TITLE));
    bib_record_free(r);
    r = parse(t, "\xe5\xb1\xb1\xe7\x94\xb0\xe5\xa4\xaa\xe9\x83\x8e\xe3\x83\xbb\xe9\x88"
                 "\xb4\xe6\x9c\xa8\xe8\x8a\xb1\xe5\xad\x90\xef\xbc\x88" "2019\xef\xbc\x89"
                 "\xe3\x80\x8c\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x81\xae\xe8\xa7"
                 "\xa3\xe6\x9e\x90\xe3\x80\x8d\xe3\x80\x8e\xe6\x83\x85\xe5\xa0\xb1\xe5"
                 "\x87\xa6\xe7\x90\x86\xe3\x80\x8f" "60\xef\xbc\x8c" "123\xe2\x80\x93"
                 "130\xe3\x80\x82", NULL);
    a = bib_record_get(r, BIB_VAR_AUTHOR);
    ck_assert_ptr_nonnull(a);
    ck_assert_int_eq(bib_field_name_count(a), 2);
    ck_assert_ptr_nonnull(bib_record_text(r, BIB_VAR_TITLE));
    bib_record_free(r);
    bib_reftag_free(t);
}
END_TEST

START_TEST(test_closing_bracket)
{
    /* the tagger labels a container's closing ")" as punctuation between
     * fields; the field keeps it when its "(" is inside */
    bib_reftag *t = bib_reftag_new();
    bib_record *r = parse(t, "Mbeki, T., & Salas, R. (2003). Design of heartbeat protocols. In "
                             "Proceedings of the 17th Conference on Networking (CNW'03), "
                             "pp. 41-50.", NULL);
    ck_assert_str_eq(bib_record_text(r, BIB_VAR_CONTAINER_TITLE),
                     "Proceedings of the 17th Conference on Networking (CNW'03)");
    bib_record_free(r);
    bib_reftag_free(t);
}
END_TEST

/* Do two texts give the same features, token by token? */
static bool same_features(const char *a, const char *b)
{
    bib_reftag *ta = bib_reftag_new(), *tb = bib_reftag_new();
    long na = bib_reftag_tokenize(ta, a, strlen(a)), nb = bib_reftag_tokenize(tb, b, strlen(b));
    bool same = na > 0 && na == nb;
    for (long i = 0; same && i < na; i++) {
        uint32_t fa[BIB_REFTAG_MAX_FEATURES], fb[BIB_REFTAG_MAX_FEATURES];
        size_t ka = bib_reftag_features(ta, (size_t)i, fa, BIB_REFTAG_MAX_FEATURES);
        size_t kb = bib_reftag_features(tb, (size_t)i, fb, BIB_REFTAG_MAX_FEATURES);
        same = ka == kb && memcmp(fa, fb, ka * sizeof *fa) == 0;
    }
    bib_reftag_free(ta);
    bib_reftag_free(tb);
    return same;
}

START_TEST(test_folded_tokens)
{
    /* a superscript list number is a number token of its own, also glued
     * to a word, and the features read it as its ASCII digits; full-width
     * and CJK punctuation is read as the ASCII mark (core's fold table) */
    bib_reftag *t = bib_reftag_new();
    const char *s = "\xc2\xb9\xe2\x81\xb7\xe2\x81\xbe Smith\xc2\xb2 J";   /* ¹⁷⁾ Smith² J */
    ck_assert_int_eq(bib_reftag_tokenize(t, s, strlen(s)), 5);
    size_t cnt;
    const bib_ref_token *tok = bib_reftag_tokens(t, &cnt);
    char b[64];
    ck_assert_str_eq(tok_str(s, &tok[0], b, sizeof b), "\xc2\xb9\xe2\x81\xb7");
    ck_assert_int_eq(tok[0].kind, BIB_REFTOK_NUMBER);
    ck_assert_int_eq(tok[1].kind, BIB_REFTOK_PUNCT);
    ck_assert_str_eq(tok_str(s, &tok[2], b, sizeof b), "Smith");
    ck_assert_int_eq(tok[3].kind, BIB_REFTOK_NUMBER);
    bib_reftag_free(t);
    ck_assert(same_features("\xc2\xb9\xe2\x81\xb7\xe2\x81\xbe Smith J. A title. 2001.",
                            "17) Smith J. A title. 2001."));
    ck_assert(!same_features("\xc2\xb9\xe2\x81\xb8\xe2\x81\xbe Smith J. A title. 2001.",
                             "17) Smith J. A title. 2001."));
    ck_assert(same_features("Smith J\xef\xbc\x8c A title\xef\xbc\x9a more \xe3\x80\x8cX\xe3\x80\x8d "
                            "\xef\xbc\x88" "2001\xef\xbc\x89 \xe3\x80\x90" "5\xe3\x80\x91",
                            "Smith J, A title: more \"X\" (2001) [5]"));
}
END_TEST

START_TEST(test_wide_digits)
{
    /* full-width digits (a Japanese reference's year and pages) are one
     * number token, read by the features as ASCII digits, and folded to
     * ASCII in the record's date and pages (invented reference) */
    ck_assert(same_features("Smith J. A title. \xef\xbc\x92\xef\xbc\x90\xef\xbc\x90\xef\xbc\x91.",
                            "Smith J. A title. 2001."));
    bib_reftag *t = bib_reftag_new();
    bib_record *r = parse(t, "\xe5\xb1\xb1\xe7\x94\xb0\xe5\xa4\xaa\xe9\x83\x8e\xef\xbc\x8c"
                             "\xe9\x88\xb4\xe6\x9c\xa8\xe8\x8a\xb1\xe5\xad\x90\xef\xbc\x8e"
                             "\xe6\xb7\xb1\xe5\xb1\xa4\xe5\xad\xa6\xe7\xbf\x92\xe3\x81\xab"
                             "\xe3\x82\x88\xe3\x82\x8b\xe8\xa7\xa3\xe6\x9e\x90\xef\xbc\x8e"
                             "\xe6\x83\x85\xe5\xa0\xb1\xe5\x87\xa6\xe7\x90\x86\xe5\xad\xa6"
                             "\xe4\xbc\x9a\xe8\xab\x96\xe6\x96\x87\xe8\xaa\x8c\xef\xbc\x8c"
                             "\xef\xbc\x92\xef\xbc\x90\xef\xbc\x91\xef\xbc\x99\xef\xbc\x8c"
                             "\xef\xbc\x96\xef\xbc\x90\xef\xbc\x88\xef\xbc\x93\xef\xbc\x89"
                             "\xef\xbc\x8c\xef\xbc\x91\xef\xbc\x92\xef\xbc\x93\xef\xbc\x8d"
                             "\xef\xbc\x91\xef\xbc\x93\xef\xbc\x90\xef\xbc\x8e", NULL);
    ck_assert_ptr_nonnull(r);
    const bib_date *d = bib_field_date(bib_record_get(r, BIB_VAR_ISSUED));
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->parts[0].year, 2019);
    ck_assert_str_eq(bib_record_text(r, BIB_VAR_PAGE), "123-130");
    bib_record_free(r);
    bib_reftag_free(t);
}
END_TEST

START_TEST(test_arxiv_token)
{
    /* an arXiv identifier is one token like a link (its final period
     * given back), not a word, a colon and two numbers */
    bib_reftag *t = bib_reftag_new();
    const char *s = "Deep nets. arXiv:2005.01234v2.";
    ck_assert_int_eq(bib_reftag_tokenize(t, s, strlen(s)), 5);
    size_t cnt;
    const bib_ref_token *tok = bib_reftag_tokens(t, &cnt);
    char b[64];
    ck_assert_str_eq(tok_str(s, &tok[3], b, sizeof b), "arXiv:2005.01234v2");
    ck_assert_int_eq(tok[3].kind, BIB_REFTOK_URL);
    s = "arXiv: a preprint server";   /* the word alone stays a word */
    ck_assert_int_eq(bib_reftag_tokenize(t, s, strlen(s)), 5);
    bib_reftag_free(t);
}
END_TEST

START_TEST(test_no_record)
{
    bib_reftag *t = bib_reftag_new();
    const char *s = ".... ;; ,,";
    bib_reftag_run(t, s, strlen(s));
    bib_record *r = (bib_record *)1;
    ck_assert_int_eq(bib_reftag_record(t, s, strlen(s), NULL, &r), 0);
    ck_assert_ptr_null(r);
    bib_reftag_free(t);
}
END_TEST

/* The labels of the tokens of text s from tagger t, as letters. */
static void labels_of(bib_reftag *t, const char *s, char *out, size_t cap)
{
    long n = bib_reftag_run(t, s, strlen(s));
    ck_assert_int_gt(n, 0);
    ck_assert_int_lt(n, (long)cap);
    const bib_ref_token *tok = bib_reftag_tokens(t, NULL);
    for (long i = 0; i < n; i++)
        out[i] = (char)('a' + tok[i].label);
    out[n] = '\0';
}

START_TEST(test_reuse)
{
    /* a tagger keeps sums by token text, by chunk and by phrase from one
     * reference to the next (docs/refs.md, "Decoding"): a tagger that has
     * read other references labels each one as a new tagger does, in
     * either order, long tokens (not cached) and repeated words too */
    static const char *const refs[] = {
        "Okonkwo, A. N., & Lindqvist, B. (2018). Tidal mixing in shallow estuaries. "
        "Journal of Coastal Research, 34(2), 211-229. https://doi.org/10.2112/JCOASTRES-D-17-00012.1",
        "[3] A. Okonkwo and B. Lindqvist, \"Tidal mixing,\" J. Coast. Res., vol. 34, no. 2, "
        "pp. 211-229, 2018.",
        "Lindqvist B, Okonkwo AN. Mixing mixing mixing in estuaries estuaries. Estuaries. "
        "2018;34(2):211-29.",
        "van der Meer, G. 2016. Pneumonoultramicroscopicsilicovolcanoconiosis and "
        "Hippopotomonstrosesquippedaliophobia. In Proceedings of the Workshop, edited by "
        "K. Brandt, 1-20. Berlin: Springer.",
    };
    enum { N = sizeof refs / sizeof *refs };
    char fresh[N][512], got[512];
    for (int k = 0; k < N; k++) {
        bib_reftag *t = bib_reftag_new();
        labels_of(t, refs[k], fresh[k], sizeof fresh[k]);
        bib_reftag_free(t);
    }
    bib_reftag *t = bib_reftag_new();
    for (int round = 0; round < 3; round++)
        for (int k = 0; k < N; k++) {
            int r = round == 1 ? N - 1 - k : k;
            labels_of(t, refs[r], got, sizeof got);
            ck_assert_str_eq(got, fresh[r]);
        }
    bib_reftag_free(t);
}
END_TEST


static const char *const golden_lists[] = {"apa", "cv", "din", "ieee", "label", "titlefirst"};

/* Golden list k (tests/refs/golden) opened for reading; the test fails
 * when it cannot be. */
static FILE *golden_open(size_t k)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.txt", REFS_GOLDEN_DIR, golden_lists[k]);
    FILE *f = fopen(path, "r");
    ck_assert_msg(f != NULL, "cannot read %s", path);
    return f;
}

/* The decoder's emission scores (t->score after bib_reftag_run) from a
 * tagger that has read many references, its text cache full and sets
 * replaced (core/reftag_decode.c, word_entry), are those of a fresh
 * tagger per reference, row by row: a cache hit gives the sums the
 * features give. Filler lines of made-up words between the rounds evict
 * the golden lists' words, which are computed again. */
START_TEST(test_memo_scores)
{
    bib_reftag *warm = bib_reftag_new();
    size_t rows = 0;
    char filler[4096];
    for (int round = 0; round < 3; round++) {
        /* some 6,000 distinct words: more than the cache's 4,096 ways */
        for (int r = 0; round && r < 300; r++) {
            size_t o = 0;
            for (int w = 0; w < 20; w++)
                o += (size_t)snprintf(filler + o, sizeof filler - o, "%sQw%dx%d", w ? " " : "",
                                      round * 7919 + r, w);
            ck_assert_int_gt(bib_reftag_run(warm, filler, o), 0);
        }
        for (size_t k = 0; k < sizeof golden_lists / sizeof *golden_lists; k++) {
            char line[8192];
            FILE *f = golden_open(k);
            while (fgets(line, sizeof line, f)) {
                size_t len = strlen(line);
                bib_reftag *fresh = bib_reftag_new();
                long n = bib_reftag_run(fresh, line, len);
                ck_assert_int_eq(bib_reftag_run(warm, line, len), n);
                for (long i = 0; i < n; i++)
                    for (int l = 0; l < BIB_REF_LABEL_COUNT; l++)
                        ck_assert_msg(warm->score[i * BIB_REFTAG_LP + l] ==
                                          fresh->score[i * BIB_REFTAG_LP + l],
                                      "%s, token %ld, label %d", golden_lists[k], i, l);
                rows += (size_t)n;
                bib_reftag_free(fresh);
            }
            fclose(f);
        }
    }
    bib_reftag_free(warm);
    ck_assert_uint_gt(rows, 900);
}
END_TEST

/* The weights of feature id added to row, read from the generated table
 * as core/reftag_model.h lays it out (open addressing, then a dense row
 * or packed entries): the test's own reading, not the decoder's. */
static void add_feature(uint32_t id, long long *row)
{
    uint32_t mask = bib_reftag_nslots - 1, k = (id * 2654435761u) & mask;
    while (bib_reftag_slots[2 * k] && bib_reftag_slots[2 * k] != id)
        k = (k + 1) & mask;
    if (!bib_reftag_slots[2 * k])
        return;
    uint32_t v = bib_reftag_slots[2 * k + 1], first = v >> 5, cnt = v & 31u;
    if (cnt == BIB_REFTAG_DENSE) {
        for (int l = 0; l < BIB_REF_LABEL_COUNT; l++)
            row[l] += bib_reftag_dense[(size_t)first * BIB_REFTAG_LP + l];
        return;
    }
    for (uint32_t x = 0; x < cnt; x++) {
        uint16_t e = bib_reftag_ent[first + x];
        int w = e & 0x7FF;
        row[e >> 11] += w >= 0x400 ? w - 0x800 : w;
    }
}

/* The decoder's emission scores (core/reftag_decode.c: the parts summed
 * where they recur, groups of direct features from a cache, rows added
 * four labels at a time) are, token by token and label by label, the
 * sum of the weights of the token's features: a fault in how a part,
 * a group, a dense row's widening or a sparse entry is added shows. */
START_TEST(test_score_sums)
{
    bib_reftag *t = bib_reftag_new();
    size_t rows = 0, nonzero = 0;
    for (int round = 0; round < 2; round++)  /* the second with the caches warm */
        for (size_t k = 0; k < sizeof golden_lists / sizeof *golden_lists; k++) {
            char line[8192];
            FILE *f = golden_open(k);
            while (fgets(line, sizeof line, f)) {
                long n = bib_reftag_run(t, line, strlen(line));
                for (long i = 0; i < n; i++) {
                    uint32_t ids[BIB_REFTAG_MAX_FEATURES];
                    size_t c = bib_reftag_features(t, (size_t)i, ids, BIB_REFTAG_MAX_FEATURES);
                    long long want[BIB_REF_LABEL_COUNT] = {0};
                    for (size_t x = 0; x < c; x++)
                        add_feature(ids[x], want);
                    for (int l = 0; l < BIB_REF_LABEL_COUNT; l++) {
                        ck_assert_msg(t->score[i * BIB_REFTAG_LP + l] == want[l],
                                      "%s, token %ld, label %d: %d, want %lld", golden_lists[k], i, l,
                                      t->score[i * BIB_REFTAG_LP + l], want[l]);
                        nonzero += want[l] != 0;
                    }
                    rows++;
                }
            }
            fclose(f);
        }
    bib_reftag_free(t);
    ck_assert_uint_gt(rows, 900);
    ck_assert_uint_gt(nonzero, rows);
}
END_TEST

/* Initials, as the record builder tells them (core/reftag_record.c,
 * is_initials, which reads ASCII without the UTF-8 decoder and its
 * classes from a table): a family name before initials with periods,
 * one of them a capital and a lower-case letter (`Yu.`), and "Family,
 * Initials" pairs with hyphenated initials. A fault in the ASCII path
 * turns `Allen Yu. F.` into the family name `F.`. */
START_TEST(test_initials)
{
    bib_reftag *t = bib_reftag_new();
    bib_record *r = parse(t, "Allen Yu. F., Patras P. Tidal mixing in shallow estuaries. "
                             "J Coast Res. 2018;34(2):211-29.", NULL);
    ck_assert_str_eq(family(r, BIB_VAR_AUTHOR, 0), "Allen");
    ck_assert_str_eq(family(r, BIB_VAR_AUTHOR, 1), "Patras");
    bib_record_free(r);
    r = parse(t, "Xq, J.-P., Zv, Yu., & Wb, A. B. (2018). Tidal mixing in shallow estuaries. "
                 "Journal of Coastal Research, 34(2), 211-229.", NULL);
    ck_assert_str_eq(family(r, BIB_VAR_AUTHOR, 0), "Xq");
    ck_assert_str_eq(family(r, BIB_VAR_AUTHOR, 1), "Zv");
    ck_assert_str_eq(family(r, BIB_VAR_AUTHOR, 2), "Wb");
    bib_record_free(r);
    bib_reftag_free(t);
}
END_TEST

/* The decoder's copies of the feature function skip the room test when
 * the buffer holds FEAT_PUTS features (core/reftag_model.h, a count made
 * by hand of the feature function's calls): no token of the golden
 * lists may have more. Through the checked path, a count past FEAT_PUTS
 * shows here (up to BIB_REFTAG_MAX_FEATURES) when a new feature was not
 * counted. */
START_TEST(test_feature_count)
{
    size_t tokens = 0, most = 0;
    bib_reftag *t = bib_reftag_new();
    for (size_t k = 0; k < sizeof golden_lists / sizeof *golden_lists; k++) {
        char line[8192];
        FILE *f = golden_open(k);
        while (fgets(line, sizeof line, f)) {
            long n = bib_reftag_tokenize(t, line, strlen(line));
            for (long i = 0; i < n; i++) {
                uint32_t ids[BIB_REFTAG_MAX_FEATURES];
                size_t c = bib_reftag_features(t, (size_t)i, ids, BIB_REFTAG_MAX_FEATURES);
                most = c > most ? c : most;
                tokens++;
            }
        }
        fclose(f);
    }
    bib_reftag_free(t);
    ck_assert_uint_gt(tokens, 300);
    ck_assert_uint_le(most, FEAT_PUTS);
    ck_assert_uint_gt(most, FEAT_PUTS / 2); /* the count is not trivially small */
}
END_TEST

/* A status phrase where a date goes: its length, whole words only. */
START_TEST(test_status_phrase)
{
    static const struct {
        const char *s;
        size_t want;
    } cases[] = {
        {"in press).", 8},
        {"In Press", 8},
        {"forthcoming", 11},
        {"im Druck.", 8},
        {"\xc3\xa0 para\xc3\xaetre", 12},
        {"in pressure", 0},   /* a longer word */
        {"in the press", 0},
        {"forthcomings", 0},
        {"", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        ck_assert_msg(bib_reftag_status_phrase(cases[i].s, strlen(cases[i].s)) == cases[i].want,
                      "'%s': %zu, want %zu", cases[i].s,
                      bib_reftag_status_phrase(cases[i].s, strlen(cases[i].s)), cases[i].want);
    ck_assert_uint_eq(bib_reftag_status_phrase(NULL, 3), 0);
}
END_TEST

BIB_TEST_MAIN("reftag", test_tokens, test_labels, test_apa_record, test_ieee_record,
              test_style_syntax, test_name_shapes, test_slash_names, test_cjk_record,
              test_closing_bracket, test_folded_tokens, test_wide_digits, test_arxiv_token, test_no_record, test_reuse,
              test_memo_scores, test_score_sums, test_initials, test_feature_count,
              test_status_phrase)
