/* SPDX-License-Identifier: MIT */
/* test_keys.c - ASCII folding, match keys, key generation and uniqueness. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "bibconv/keys.h"
#include "bibconv/utf8.h"
#include "pages.h" /* private; compiled in (tests/text/meson.build) */

static void fold_eq(const char *in, const char *want, bool match)
{
    bib_buf b = BIB_BUF_INIT;
    if (match)
        bib_utf8_match_key(&b, in, strlen(in));
    else
        bib_utf8_ascii_fold(&b, in, strlen(in));
    ck_assert_msg(strcmp(b.data, want) == 0, "'%s' -> '%s', want '%s'", in, b.data, want);
    bib_buf_clear(&b);
}

START_TEST(test_fold)
{
    fold_eq("Ødegård", "Odegard", false);
    fold_eq("Straße", "Strasse", false);
    fold_eq("Łódź", "Lodz", false);
    fold_eq("Æsop Œuvre", "AEsop OEuvre", false);
    fold_eq("Þór", "THor", false);
    fold_eq("e\xCC\x81t\xC3\xA9", "ete", false); /* decomposed and precomposed é */
    fold_eq("“quoted” – dash", "\"quoted\" - dash", false);
    fold_eq("Ἀθῆναι", "", false); /* no ASCII form: dropped */
    /* full-width forms and CJK punctuation (the reference tagger reads
     * the latter through this table) */
    fold_eq("\xef\xbc\x88\xef\xbc\xa1\xef\xbd\x82\xef\xbc\x89"    /* （Ａｂ） */
            "\xe3\x80\x8c\xef\xbd\x83\xe3\x80\x8d"                 /* 「ｃ」 */
            "\xe3\x80\x81\xe3\x80\x82\xe3\x80\x80\xe3\x80\x85",   /* 、。　々 */
            "(Ab)\"c\",. ", false);
    fold_eq("\xe7\x8e\x8b\xef\xbc\x8c\xe6\x9d\x8e", "\xe7\x8e\x8b \xe6\x9d\x8e", true); /* 王，李 */
    fold_eq("Über-Graph  Nets!", "uber graph nets", true);
    fold_eq("  The  DNA,  of (Life) ", "the dna of life", true);
    fold_eq("Réseaux de neurones — «profonds»", "reseaux de neurones profonds", true);
}
END_TEST

static bib_record *rec(const char *family, int year, const char *title)
{
    bib_record *r = bib_record_new(BIB_TYPE_ARTICLE_JOURNAL, NULL);
    if (family) {
        bib_name n = {.family = family, .given = "X"};
        bib_record_add_name(r, BIB_VAR_AUTHOR, &n);
    }
    if (year) {
        bib_date d = {.nparts = 1, .parts = {{true, year, 0, 0, 0}}};
        bib_record_set_date(r, BIB_VAR_ISSUED, &d);
    }
    if (title)
        bib_record_set_text(r, BIB_VAR_TITLE, title, strlen(title));
    return r;
}

static void key_eq(bib_record *r, const char *want)
{
    bib_buf b = BIB_BUF_INIT;
    ck_assert_int_eq(bib_key_generate(&b, r), 0);
    ck_assert_msg(strcmp(b.data, want) == 0, "key '%s', want '%s'", b.data, want);
    bib_buf_clear(&b);
    bib_record_free(r);
}

START_TEST(test_generate)
{
    key_eq(rec("Smith", 2020, "Deep Learning for Cats"), "smith2020deep");
    key_eq(rec("Ødegård", 2019, "The <i>Arctic</i> in Winter"), "odegard2019arctic");
    key_eq(rec("O'Brien", 2001, "On the Origin of Things"), "obrien2001origin");
    key_eq(rec("Dupont", 2018, "Les réseaux de neurones"), "dupont2018reseaux");
    key_eq(rec(NULL, 2018, "Anonymous work"), "anonymous2018");
    key_eq(rec(NULL, 2018, NULL), "anon2018");
    key_eq(rec("Smith", 0, "Undated"), "smithundated");
    key_eq(rec("Smith", 2020, "The"), "smith2020the");
    key_eq(rec("Smith", 2020, NULL), "smith2020");
    bib_record *r = bib_record_new(BIB_TYPE_REPORT, NULL);
    bib_name who = {.literal = "World Health Organization"};
    bib_record_add_name(r, BIB_VAR_AUTHOR, &who);
    key_eq(r, "world");
}
END_TEST

START_TEST(test_unique)
{
    bib_keyset *set = bib_keyset_new();
    const char *want[] = {"smith2020deep", "smith2020deepa", "smith2020deepb"};
    for (int i = 0; i < 3; i++) {
        bib_record *r = rec("Smith", 2020, "Deep nets");
        bib_buf b = BIB_BUF_INIT;
        ck_assert_int_eq(bib_key_unique(&b, set, r, NULL), 0);
        ck_assert_str_eq(b.data, want[i]);
        bib_buf_clear(&b);
        bib_record_free(r);
    }
    /* a wanted key is kept when free, suffixed when taken */
    bib_record *r = rec("Smith", 2020, "Deep nets");
    bib_buf b = BIB_BUF_INIT;
    bib_key_unique(&b, set, r, "mykey");
    ck_assert_str_eq(b.data, "mykey");
    bib_buf_reset(&b);
    bib_key_unique(&b, set, r, "mykey");
    ck_assert_str_eq(b.data, "mykeya");
    bib_buf_clear(&b);
    bib_record_free(r);
    /* many keys: the table grows and keeps them all */
    char k[32];
    for (int i = 0; i < 5000; i++) {
        snprintf(k, sizeof k, "k%d", i);
        ck_assert_int_eq(bib_keyset_add(set, k), 1);
    }
    ck_assert_int_eq(bib_keyset_add(set, "k42"), 0);
    ck_assert(bib_keyset_has(set, "k4999"));
    ck_assert(!bib_keyset_has(set, "k5000"));
    bib_keyset_free(set);
}
END_TEST

/* The file tier: a set with 64 keys in memory takes 50,000 keys (many
 * spills and bucket splits) and forgets none, and tells none new twice. */
START_TEST(test_keyset_spill)
{
    bib_keyset *set = bib_keyset_new_bounded(64);
    char k[32];
    for (int i = 0; i < 50000; i++) {
        snprintf(k, sizeof k, "key%d", i);
        ck_assert_int_eq(bib_keyset_add(set, k), 1);
    }
    for (int i = 0; i < 50000; i += 7) {
        snprintf(k, sizeof k, "key%d", i);
        ck_assert_msg(bib_keyset_has(set, k), "forgot %s", k);
        ck_assert_int_eq(bib_keyset_add(set, k), 0);
    }
    ck_assert(!bib_keyset_has(set, "key50000"));
    ck_assert(!bib_keyset_full(set));
    ck_assert_int_eq(bib_keyset_error(set), 0);
    /* unique keys past the memory tier: the 26 suffixes of one base */
    bib_record *r = rec("Doe", 2000, "T");
    bib_buf b = BIB_BUF_INIT;
    for (int i = 0; i < 30; i++) {
        bib_buf_reset(&b);
        ck_assert_int_eq(bib_key_unique(&b, set, r, "key5"), 0);
        ck_assert_int_eq(bib_keyset_add(set, b.data), 0); /* it was added */
    }
    ck_assert_str_eq(b.data, "key5ad");
    bib_buf_clear(&b);
    bib_record_free(r);
    bib_keyset_free(set);
}
END_TEST

/* The memory tier across its growth steps: doubling, the jump from
 * 256 KiB to a 2 MiB table of huge pages, and doubling once more
 * (200,000 keys: 2^19 slots), each step moving the keys in fingerprint
 * order (keys.c). None is forgotten or told new twice, and keys never
 * added are not found, at every size on the way. (Not more keys: the
 * CI runs this suite under valgrind.) */
START_TEST(test_keyset_growth)
{
    bib_keyset *set = bib_keyset_new();
    char k[32];
    static const int stops[] = {1000, 20000, 30000, 200000};
    int n = 0;
    for (size_t s = 0; s < sizeof stops / sizeof *stops; s++) {
        for (; n < stops[s]; n++) {
            snprintf(k, sizeof k, "g%d", n);
            BIB_CHECK(bib_keyset_add(set, k) == 1, "%s not new at %d keys", k, n);
        }
        for (int i = 0; i < n; i += n / 997 + 1) {
            snprintf(k, sizeof k, "g%d", i);
            BIB_CHECK(bib_keyset_has(set, k), "forgot %s at %d keys", k, n);
            BIB_CHECK(bib_keyset_add(set, k) == 0, "%s new twice at %d keys", k, n);
        }
        for (int i = 0; i < 1000; i++) {
            snprintf(k, sizeof k, "h%d", i);
            BIB_CHECK(!bib_keyset_has(set, k), "%s found at %d keys", k, n);
        }
    }
    ck_assert_int_eq(bib_keyset_error(set), 0);
    bib_keyset_free(set);
}
END_TEST

/* bib_keyset_prefetch is a hint: the set answers as it would without it,
 * and a key is read no further than len bytes or its NUL. */
START_TEST(test_keyset_prefetch)
{
    bib_keyset *set = bib_keyset_new();
    char k[32];
    for (int i = 0; i < 3000; i++) {
        snprintf(k, sizeof k, "p%d", i);
        bib_keyset_prefetch(set, k, strlen(k));
        bib_keyset_prefetch(set, k, 1); /* a prefix, not NUL-terminated there */
        bib_keyset_prefetch(set, k, sizeof k); /* stops at the NUL */
        ck_assert_int_eq(bib_keyset_add(set, k), 1);
    }
    char word[4] = {'p', '1', '7', 'x'}; /* no NUL at all: len is the bound */
    bib_keyset_prefetch(set, word, 3);
    ck_assert(!bib_keyset_has(set, "p"));
    ck_assert(bib_keyset_has(set, "p17"));
    ck_assert_int_eq(bib_keyset_add(set, "p17"), 0);
    ck_assert_int_eq(bib_keyset_add(set, "p3000"), 1);
    bib_keyset_free(set);
}
END_TEST

static void nfc_eq(const char *in, const char *want)
{
    bib_buf b = BIB_BUF_INIT;
    ck_assert_int_eq(bib_utf8_nfc(&b, in, strlen(in)), 0);
    ck_assert_msg(strcmp(b.data, want) == 0, "nfc '%s' -> '%s', want '%s'", in, b.data, want);
    bib_buf_clear(&b);
}

START_TEST(test_nfc)
{
    nfc_eq("plain ascii", "plain ascii");
    /* a mark right after a leading ASCII run (skipped eight bytes a step)
     * composes with its last byte, at every offset around the steps */
    nfc_eq("abcdefge\xCC\x81", "abcdefg\xC3\xA9");
    nfc_eq("abcdefghe\xCC\x81", "abcdefgh\xC3\xA9");
    nfc_eq("abcdefghijklmnoe\xCC\x81x", "abcdefghijklmno\xC3\xA9x");
    nfc_eq("abcdefghijklmnopA\xCC\x8A", "abcdefghijklmnop\xC3\x85");
    nfc_eq("abcdefgh\xFFxyz", "abcdefgh\xEF\xBF\xBDxyz"); /* invalid byte after it */
    nfc_eq("", "");
    nfc_eq("e\xCC\x81t\xC3\xA9", "\xC3\xA9t\xC3\xA9");              /* e + acute -> é */
    nfc_eq("A\xCC\x8A", "\xC3\x85");                                  /* A + ring -> Å */
    nfc_eq("e\xCC\xA3\xCC\x82", "\xE1\xBB\x87");                     /* e dot-below circumflex */
    nfc_eq("e\xCC\x82\xCC\xA3", "\xE1\xBB\x87");                     /* marks in the other order */
    nfc_eq("\xC3\xA9\xCC\xA3", "\xE1\xBA\xB9\xCC\x81");             /* é + dot below */
    nfc_eq("\xCE\xB1\xCC\x81", "\xCE\xAC");                           /* alpha + acute */
    nfc_eq("\xD0\xB5\xCC\x88", "\xD1\x91");                           /* Cyrillic ie + diaeresis */
    nfc_eq("q\xCC\x8C", "q\xCC\x8C");                                  /* nothing to compose */
    nfc_eq("\xCC\x81x", "\xCC\x81x");                                  /* a lone mark first */
    nfc_eq("a\xFF\xCC\x81" "b", "a\xEF\xBF\xBD\xCC\x81" "b");             /* invalid byte */
    nfc_eq("\xE1\x84\x87\xE1\x85\xA1\xE1\x86\xA8\xE1\x84\x8C\xE1\x85\xB5\xE1\x84\x92\xE1\x85\xAE\xE1\x86\xAB", "박지훈");   /* Hangul jamo L V T -> syllables */
    nfc_eq("\xE1\x84\x82\xE1\x85\xA1", "나");                 /* L V without T */
    nfc_eq("e\xCC\x81\xE1\x84\x87\xE1\x85\xA1\xE1\x86\xA8", "\xC3\xA9박");   /* a mark, then a syllable */
    nfc_eq("\xE1\x84\x80x", "\xE1\x84\x80x");      /* a lone L jamo stays */
    nfc_eq("日本語", "日本語");
}
END_TEST

START_TEST(test_suffix)
{
    static const struct { size_t n; const char *s; } cases[] = {
        {0, "a"}, {1, "b"}, {25, "z"}, {26, "aa"}, {27, "ab"}, {701, "zz"}, {702, "aaa"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bib_buf b = BIB_BUF_INIT;
        bib_key_suffix(&b, cases[i].n);
        ck_assert_str_eq(b.data, cases[i].s);
        bib_buf_clear(&b);
    }
}
END_TEST

/* The key sets' tables come from bib__pages_zalloc: zeroed at every size
 * class (a reused block is not), huge ones aligned to 2 MiB, and a size
 * whose rounding up would wrap refused rather than given a small block. */
START_TEST(test_pages_zalloc)
{
    static const size_t sizes[] = {1, 4096, 65536, (size_t)2 << 20, ((size_t)2 << 20) + 1};
    for (int round = 0; round < 2; round++) /* the second reuses freed blocks */
        for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            unsigned char *p = bib__pages_zalloc(sizes[i]);
            ck_assert_ptr_nonnull(p);
            for (size_t k = 0; k < sizes[i]; k += 509)
                BIB_CHECK(p[k] == 0, "size %zu byte %zu", sizes[i], k);
            ck_assert_uint_eq(p[sizes[i] - 1], 0);
            if (sizes[i] >= ((size_t)2 << 20))
                ck_assert_uint_eq((uintptr_t)p % ((size_t)2 << 20), 0);
            memset(p, 0xA5, sizes[i]);
            free(p);
        }
    ck_assert_ptr_null(bib__pages_zalloc(SIZE_MAX));
    ck_assert_ptr_null(bib__pages_zalloc(SIZE_MAX - 4096));
}
END_TEST

BIB_TEST_MAIN("keys", test_fold, test_generate, test_unique, test_keyset_spill,
              test_keyset_growth,
              test_keyset_prefetch, test_nfc,
              test_suffix, test_pages_zalloc)
