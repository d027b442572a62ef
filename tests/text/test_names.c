/* SPDX-License-Identifier: MIT */
/* test_names.c - display names (web pages, RIS) and page ranges. */
#include "testutil.h"
#include <stdlib.h>
#include <string.h>

#include "bibconv/names.h"

typedef struct {
    const char *in, *given, *particle, *family, *suffix, *display;
} ncase;

static void eq(const char *got, const char *want, const char *in, const char *what)
{
    if (!want)
        ck_assert_msg(got == NULL, "%s: %s is '%s', expected none", in, what, got);
    else
        ck_assert_msg(got && strcmp(got, want) == 0, "%s: %s is '%s', expected '%s'", in, what,
                      got ? got : "(none)", want);
}

START_TEST(test_display_names)
{
    static const ncase cases[] = {
        {"Matthew G Perich", "Matthew G", NULL, "Perich", NULL, NULL},
        {"Johannes von Oswald", "Johannes", "von", "Oswald", NULL, NULL},
        {"Ludwig van Beethoven", "Ludwig", "van", "Beethoven", NULL, NULL},
        {"Jean de La Fontaine", "Jean", "de", "La Fontaine", NULL, "Jean de La Fontaine"},
        {"Charles Louis Xavier Joseph de la Vallée Poussin", "Charles Louis Xavier Joseph",
         "de la", "Vallée Poussin", NULL, NULL},
        {"Jean-Paul Sartre", "Jean-Paul", NULL, "Sartre", NULL, NULL},
        {"J.E. Smith", "J.E.", NULL, "Smith", NULL, NULL},
        {"Martin Luther King Jr.", "Martin Luther", NULL, "King", "Jr.",
         "Martin Luther King Jr."},
        {"Henry Ford III", "Henry", NULL, "Ford", "III", NULL},
        {"Perich, Matthew G.", "Matthew G.", NULL, "Perich", NULL, "Matthew G. Perich"},
        {"van Gogh, Vincent", "Vincent", "van", "Gogh", NULL, "Vincent van Gogh"},
        {"King, Martin Luther, Jr.", "Martin Luther", NULL, "King", "Jr.",
         "Martin Luther King Jr."},
        {"Martin Luther King, Jr.", "Martin Luther", NULL, "King", "Jr.",
         "Martin Luther King, Jr."},
        {"Guillaume Lajoie", "Guillaume", NULL, "Lajoie", NULL, NULL},
        {"Yoshua  Bengio ", "Yoshua", NULL, "Bengio", NULL, "Yoshua Bengio"},
        {"Plato", NULL, NULL, "Plato", NULL, NULL},
        {"Éric Thibodeau-Laufer", "Éric", NULL, "Thibodeau-Laufer", NULL, NULL},
        {"Vincent Van Gogh", "Vincent Van", NULL, "Gogh", NULL, NULL},
        {"李飞飞", NULL, NULL, "李飞飞", NULL, NULL},
        {"Maria da Silva", "Maria", "da", "Silva", NULL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const ncase *c = &cases[i];
        bib_name n;
        ck_assert_msg(bib_name_parse_display(&n, c->in, strlen(c->in)) == 0, "%s", c->in);
        eq(n.given, c->given, c->in, "given");
        eq(n.non_dropping_particle, c->particle, c->in, "particle");
        eq(n.family, c->family, c->in, "family");
        eq(n.suffix, c->suffix, c->in, "suffix");
        bib_buf b = BIB_BUF_INIT;
        bib_name_format_display(&b, &n);
        const char *want = c->display ? c->display : c->in;
        ck_assert_msg(strcmp(b.data, want) == 0, "%s: displayed as '%s'", c->in, b.data);
        bib_buf_clear(&b);
        bib_name_clear(&n);
    }
    bib_name n;
    ck_assert_int_eq(bib_name_parse_display(&n, " -- ", 4), BIB_EPARSE);
    ck_assert_int_eq(bib_name_parse_display(&n, "", 0), BIB_EPARSE);
}
END_TEST

START_TEST(test_pages)
{
    static const struct { const char *in, *out, *first, *last; } cases[] = {
        {"1--10", "1-10", "1", "10"},
        {"1 - 10", "1-10", "1", "10"},
        {"123\xE2\x80\x93" "130", "123-130", "123", "130"},
        {"e1234", "e1234", "e1234", ""},
        {" 45 ", "45", "45", ""},
        {"S12---S15", "S12-S15", "S12", "S15"},
        {"1-5, 7--9", "1-5, 7-9", "1", "5, 7--9"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        bib_buf b = BIB_BUF_INIT;
        bib_pages_normalize(&b, cases[i].in, strlen(cases[i].in), "-");
        ck_assert_msg(strcmp(b.data, cases[i].out) == 0, "%s -> '%s'", cases[i].in, b.data);
        bib_buf_clear(&b);
        const char *f, *l;
        size_t fl, ll;
        bib_pages_split(cases[i].in, strlen(cases[i].in), &f, &fl, &l, &ll);
        ck_assert_msg(fl == strlen(cases[i].first) && !memcmp(f, cases[i].first, fl),
                      "%s first", cases[i].in);
        ck_assert_msg(ll == strlen(cases[i].last) && !memcmp(l, cases[i].last, ll),
                      "%s last", cases[i].in);
    }
}
END_TEST

BIB_TEST_MAIN("names", test_display_names, test_pages)
