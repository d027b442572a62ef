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

/* ck_assert_msg without Check's mark of the place when the check passes:
 * Check records every passing assertion's file and line with a write(2)
 * to its message channel, which in a loop of 10^5 checks is most of a
 * test's time (3.2 million calls in test_names: 9 s, 157 s under the
 * CI's valgrind). For checks inside such loops; a failure reports as
 * ck_abort_msg does. */
#define BIB_CHECK(cond, ...)                                                    \
    do {                                                                        \
        if (!(cond))                                                            \
            ck_abort_msg(__VA_ARGS__);                                          \
    } while (0)

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
