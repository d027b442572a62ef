/* SPDX-License-Identifier: MIT */
/* test_namemodel.c - Unicode scripts and letter classes (script.h) and the
 * learned name model (names.h: bib_name_likeness). */
#include "testutil.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/names.h"
#include "bibconv/script.h"

START_TEST(test_scripts)
{
    ck_assert_int_eq(bib_script_of('a'), BIB_SCRIPT_LATIN);
    ck_assert_int_eq(bib_script_of(0x1ECC), BIB_SCRIPT_LATIN);   /* Ọ */
    ck_assert_int_eq(bib_script_of(0x9648), BIB_SCRIPT_HAN);     /* 陈 */
    ck_assert_int_eq(bib_script_of(0xBC15), BIB_SCRIPT_HANGUL);  /* 박 */
    ck_assert_int_eq(bib_script_of(0x3042), BIB_SCRIPT_HIRAGANA);
    ck_assert_int_eq(bib_script_of(0x0645), BIB_SCRIPT_ARABIC);
    ck_assert_int_eq(bib_script_of(0x0416), BIB_SCRIPT_CYRILLIC);
    ck_assert_int_eq(bib_script_of(0x0301), BIB_SCRIPT_INHERITED);
    ck_assert_int_eq(bib_script_of(','), BIB_SCRIPT_COMMON);
    ck_assert_str_eq(bib_script_name(BIB_SCRIPT_HANGUL), "Hangul");
    ck_assert_str_eq(bib_script_name(BIB_SCRIPT_DEVANAGARI), "Devanagari");
    ck_assert_ptr_null(bib_script_name(100000));
    ck_assert_str_eq(bib_unicode_version(), "15.0.0");

    ck_assert(bib_char_is_letter(0xBC15));
    ck_assert(bib_char_is_letter(0x00E9));
    ck_assert(!bib_char_is_letter('7'));
    ck_assert(bib_char_is_mark(0x0323));
    ck_assert(bib_char_is_upper(0x1ECC) && !bib_char_is_lower(0x1ECC));
    ck_assert(bib_char_is_lower(0x1ECD));
    ck_assert(bib_char_is_upper(0x0416) && bib_char_is_lower(0x0436));
    ck_assert_int_eq(bib_char_class_of(0x9648), BIB_CHAR_LETTER);
    ck_assert_int_eq(bib_char_class_of(0x00A0), BIB_CHAR_SPACE);

    const char *mixed = "Deep 学习 박지훈 박지훈"; /* 4 Latin, 2 Han, 6 Hangul */
    ck_assert_int_eq(bib_script_dominant(mixed, strlen(mixed)), BIB_SCRIPT_HANGUL);
    ck_assert_int_eq(bib_script_dominant("Ana Lima", 8), BIB_SCRIPT_LATIN);
    ck_assert_int_eq(bib_script_dominant("12, 3", 5), BIB_SCRIPT_COMMON);
}
END_TEST

static double lk(const char *s)
{
    return bib_name_likeness(s, strlen(s));
}

/* Names of many cultures score as names, titles and other text as not, and
 * every name above every title: the learned model must tell them apart. */
START_TEST(test_likeness)
{
    static const char *const names[] = {
        "박지훈", "陈静", "欧阳修", "Sukarno", "Ọláolúwa B. Adéṣínà", "Ana dos Santos",
        "J. van den Berg", "Jean-Luc O'Brien", "SMITH, John", "Smith JE", "Yoshua Bengio",
        "Nguyễn Văn An", "Mohammed al-Fayed", "Guillaume Lajoie", "Perich, Matthew G.",
    };
    static const char *const others[] = {
        "GRAPH NEURAL NETWORKS", "Deep Learning", "Attention Is All You Need",
        "Reinforcement Learning", "Proceedings of the International Conference on Machine Learning",
        "We propose a new method for training deep networks.", "Google DeepMind",
        "Ana Lima, J. van den Berg", "深度学习的研究", "Neural Computation",
        "A Survey of Large Language Models",
    };
    double min_name = 1.0, max_other = 0.0;
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        double p = lk(names[i]);
        ck_assert_msg(p > 0.5, "%s scores %.3f as a name", names[i], p);
        if (p < min_name)
            min_name = p;
    }
    for (size_t i = 0; i < sizeof others / sizeof *others; i++) {
        double p = lk(others[i]);
        ck_assert_msg(p < 0.5, "%s scores %.3f as a name", others[i], p);
        if (p > max_other)
            max_other = p;
    }
    ck_assert_msg(min_name > max_other, "lowest name %.3f, highest other %.3f", min_name,
                  max_other);
    /* calibrated: clear cases are confident */
    ck_assert_double_gt(lk("Yoshua Bengio"), 0.9);
    ck_assert_double_lt(lk("Attention Is All You Need"), 0.1);
    /* the score is the log-odds of the likeness */
    double z = bib_name_score("Ana Lima", 8);
    ck_assert_double_eq_tol(1.0 / (1.0 + exp(-z)), lk("Ana Lima"), 1e-12);
}
END_TEST

/* NFC and NFD spell the same features, so the same score. */
START_TEST(test_likeness_nfd)
{
    const char *nfc = "\xE1\xBB\x8Cl\xC3\xA1olúwa B. Adéṣínà";
    const char *nfd = "O\xCC\xA3la\xCC\x81olu\xCC\x81wa B. Ade\xCC\x81s\xCC\xA3i\xCC\x81na\xCC\x80";
    ck_assert_double_eq(lk(nfc), lk(nfd));
    uint32_t a[256], b[256];
    size_t na = bib_name_features(nfc, strlen(nfc), a, 256);
    size_t nb = bib_name_features(nfd, strlen(nfd), b, 256);
    ck_assert_uint_eq(na, nb);
    ck_assert_uint_gt(na, 10);
    ck_assert(!memcmp(a, b, na * sizeof *a));
    for (size_t i = 0; i < na; i++)
        ck_assert_uint_lt(a[i], BIB_NAME_FEATURE_BUCKETS);
    /* empty and junk input: no crash, a number in range */
    ck_assert_double_le(lk(""), 1.0);
    double j = bib_name_likeness("\xFF\xFE\x80", 3);
    ck_assert(j >= 0.0 && j <= 1.0);
    ck_assert_uint_eq(bib_name_features("Ana Lima", 8, a, 3), 3);
}
END_TEST

/* Every compound family name of the model's data splits off whole in the
 * display parser: the parser's list and tools/data/names agree. */
START_TEST(test_compound_families_agree)
{
    const char *root = getenv("BIBCONV_SRCDIR");
    if (!root)
        return;
    static const char *const files[] = {"zh_family_compound", "ko_family_compound"};
    size_t seen = 0;
    for (size_t k = 0; k < 2; k++) {
        char path[1024], line[256];
        snprintf(path, sizeof path, "%s/tools/data/names/%s.txt", root, files[k]);
        FILE *f = fopen(path, "r");
        ck_assert_msg(f != NULL, "%s", path);
        while (fgets(line, sizeof line - 8, f)) {
            size_t n = strcspn(line, "\r\n");
            if (!n || line[0] == '#')
                continue;
            line[n] = '\0';
            char full[264];
            snprintf(full, sizeof full, "%s%s", line, k ? "민" : "修");
            bib_name nm;
            ck_assert_int_eq(bib_name_parse_display(&nm, full, strlen(full)), 0);
            ck_assert_msg(nm.family && !strcmp(nm.family, line), "%s: family '%s'", full,
                          nm.family ? nm.family : "(none)");
            bib_name_clear(&nm);
            seen++;
        }
        fclose(f);
    }
    ck_assert_uint_gt(seen, 20);
}
END_TEST

BIB_TEST_MAIN("namemodel", test_scripts, test_likeness, test_likeness_nfd,
              test_compound_families_agree)
