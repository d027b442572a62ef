/* SPDX-License-Identifier: MIT */
/*
 * testutil.h - what every Check suite of the tree shares: one runner that
 * builds a suite from a list of tests and turns its result into an exit
 * status, so each test file ends with one BIB_TEST_MAIN line.
 */
#ifndef BIBCONV_TESTUTIL_H
#define BIBCONV_TESTUTIL_H

#include <check.h>
#include <stdlib.h>

/* Runs `n` tests as one suite; returns EXIT_SUCCESS or EXIT_FAILURE. */
static inline int bib_test_run(const char *name, const TTest *const *tests, size_t n)
{
    Suite *s = suite_create(name);
    TCase *tc = tcase_create(name);
    for (size_t i = 0; i < n; i++)
        tcase_add_test(tc, tests[i]);
    suite_add_tcase(s, tc);
    SRunner *sr = srunner_create(s);
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#define BIB_TEST_MAIN(name, ...)                                                \
    int main(void)                                                              \
    {                                                                           \
        const TTest *const tests_[] = {__VA_ARGS__};                            \
        return bib_test_run(name, tests_, sizeof tests_ / sizeof tests_[0]);    \
    }

#endif
