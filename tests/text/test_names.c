/* SPDX-License-Identifier: MIT */
/* test_names.c - display names (web pages, RIS) and page ranges. */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/latex.h"
#include "bibconv/names.h"
#include "bibconv/record.h"

typedef struct {
    const char *in, *given, *particle, *family, *suffix, *display;
} ncase;

static void eq(const char *got, const char *want, const char *in, const char *what)
{
    /* BIB_CHECK: eq runs in the quick tests' loops (testutil.h) */
    if (!want)
        BIB_CHECK(got == NULL, "%s: %s is '%s', expected none", in, what, got);
    else
        BIB_CHECK(got && strcmp(got, want) == 0, "%s: %s is '%s', expected '%s'", in, what,
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
        /* a bullet or a stray full stop left by a copy is no part of a name */
        {"- Bob Lee", "Bob", NULL, "Lee", NULL, "Bob Lee"},
        {". Lee", NULL, NULL, "Lee", NULL, "Lee"},
        {"Ana \xE2\x80\xA2 Lima", "Ana", NULL, "Lima", NULL, "Ana Lima"},
        {"Éric Thibodeau-Laufer", "Éric", NULL, "Thibodeau-Laufer", NULL, NULL},
        {"Vincent Van Gogh", "Vincent Van", NULL, "Gogh", NULL, NULL},
        /* Han and Hangul names: family first, one letter or a known compound */
        {"李飞飞", "飞飞", NULL, "李", NULL, NULL},
        {"陈静", "静", NULL, "陈", NULL, NULL},
        {"박지훈", "지훈", NULL, "박", NULL, NULL},
        {"欧阳修", "修", NULL, "欧阳", NULL, NULL},
        {"남궁민수", "민수", NULL, "남궁", NULL, NULL},
        {"田中太郎", "太郎", NULL, "田中", NULL, NULL},
        {"陈 静", "静", NULL, "陈", NULL, "陈静"},
        {"Maria da Silva", "Maria", "da", "Silva", NULL, NULL},
        {"Sukarno", NULL, NULL, "Sukarno", NULL, NULL},
        {"Ọláolúwa B. Adéṣínà", "Ọláolúwa B.", NULL, "Adéṣínà", NULL, NULL},
        {"Ana dos Santos", "Ana", "dos", "Santos", NULL, NULL},
        {"J. van den Berg", "J.", "van den", "Berg", NULL, NULL},
        {"Jean-Luc O'Brien", "Jean-Luc", NULL, "O'Brien", NULL, NULL},
        {"Ahmed bin Rashid", "Ahmed", "bin", "Rashid", NULL, NULL},
        {"Mohammed al-Fayed", "Mohammed", NULL, "al-Fayed", NULL, NULL},
        {"Rhys ap Gruffydd", "Rhys", "ap", "Gruffydd", NULL, NULL},
        /* all-caps family names, with and without the comma */
        {"SMITH, John", "John", NULL, "SMITH", NULL, "John SMITH"},
        {"SMITH John", "John", NULL, "SMITH", NULL, "John SMITH"},
        {"DE LA CRUZ Juan", "Juan", NULL, "DE LA CRUZ", NULL, "Juan DE LA CRUZ"},
        {"John SMITH", "John", NULL, "SMITH", NULL, NULL},
        /* initials with and without dots, Vancouver order */
        {"J. E. Smith", "J. E.", NULL, "Smith", NULL, NULL},
        {"JE Smith", "JE", NULL, "Smith", NULL, NULL},
        /* dotted initials are no family name in capitals */
        {"D.G.F. David", "D.G.F.", NULL, "David", NULL, NULL},
        {"M.V.S. da Silva", "M.V.S.", "da", "Silva", NULL, NULL},
        {"Smith JE", "JE", NULL, "Smith", NULL, "JE Smith"},
        {"van den Berg J", "J", "van den", "Berg", NULL, "J van den Berg"},
        {"Perich MG", "MG", NULL, "Perich", NULL, "MG Perich"},
        /* a suffix on both sides of the comma: the one after it is kept
         * (the one before was leaked: a fuzzing finding) */
        {"D Jr,  Jr", NULL, NULL, "D", "Jr", "D, Jr"},
        /* a no-break space separates words too */
        {"Ana\xC2\xA0Lima", "Ana", NULL, "Lima", NULL, "Ana Lima"},
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

/* A list written given name first (a web page's authors): a last word of
 * capitals is the family name or one cut short, never Vancouver initials;
 * without the flag the same text is read family first. */
START_TEST(test_display_given_first)
{
    static const ncase cases[] = {
        {"\xC3\x96mer Y", "\xC3\x96mer", NULL, "Y", NULL, NULL},
        {"Sofia R", "Sofia", NULL, "R", NULL, NULL},
        {"Ana dos S", "Ana", "dos", "S", NULL, NULL},
        {"Jin-Woo KIM", "Jin-Woo", NULL, "KIM", NULL, NULL},
        {"Matthew G Perich", "Matthew G", NULL, "Perich", NULL, NULL},
        /* a family in capitals written first is still read */
        {"SMITH John", "John", NULL, "SMITH", NULL, "John SMITH"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const ncase *c = &cases[i];
        bib_name n;
        ck_assert_msg(bib_name_parse_display_flags(&n, c->in, strlen(c->in),
                                                   BIB_NAME_GIVEN_FIRST) == 0, "%s", c->in);
        eq(n.given, c->given, c->in, "given");
        eq(n.non_dropping_particle, c->particle, c->in, "particle");
        eq(n.family, c->family, c->in, "family");
        bib_buf b = BIB_BUF_INIT;
        bib_name_format_display(&b, &n);
        const char *want = c->display ? c->display : c->in;
        ck_assert_msg(strcmp(b.data, want) == 0, "%s: displayed as '%s'", c->in, b.data);
        bib_buf_clear(&b);
        bib_name_clear(&n);
    }
    bib_name n;
    ck_assert_int_eq(bib_name_parse_display_flags(&n, "Sofia R", 7, 0), 0);
    eq(n.family, "Sofia", "Sofia R", "family without the flag");
    bib_name_clear(&n);
}
END_TEST

/* bib_names_add_display puts into the record the name that
 * bib_name_parse_display gives (its parts in one block, not allocated one
 * by one): the same parts for every shape, a long name (its block off the
 * stack), NFD input, and nothing added where the parse finds no letter. */
START_TEST(test_display_add)
{
    char longname[700];
    memset(longname, 'a', sizeof longname - 1);
    longname[0] = 'Z';
    longname[300] = ',';
    longname[301] = ' ';
    longname[500] = ' ';
    longname[sizeof longname - 1] = '\0';
    const char *const in[] = {
        "Perich, Matthew G.", "van der Berg, Jan", "Smith, John, Jr.", "D Jr,  Jr",
        "Matthew G Perich", "Smith JE", "SMITH John", "Jean de La Fontaine",
        "\xE9\x99\x88\xE9\x9D\x99", "Ana\xC2\xA0Lima", "Jose\xCC\x81 da Conceic\xCC\xA7" "a\xCC\x83o",
        "M\xC3\xBCller, J\xC3\xBCrgen", "Sukarno", "O'Brien, Jean-Luc", longname, " -- ", "",
    };
    bib_record *rec = bib_record_new(BIB_TYPE_ARTICLE_JOURNAL, NULL);
    ck_assert_ptr_nonnull(rec);
    size_t added = 0;
    for (size_t i = 0; i < sizeof in / sizeof *in; i++) {
        bib_name n;
        int want = bib_name_parse_display(&n, in[i], strlen(in[i]));
        ck_assert_int_eq(bib_names_add_display(rec, BIB_VAR_AUTHOR, in[i], strlen(in[i]), 0),
                         want);
        if (want)
            continue;
        const bib_field *f = bib_record_get(rec, BIB_VAR_AUTHOR);
        ck_assert_ptr_nonnull(f);
        ck_assert_uint_eq(bib_field_name_count(f), ++added);
        const bib_name *g = bib_field_name_at(f, added - 1);
        eq(g->family, n.family, in[i], "family (added)");
        eq(g->given, n.given, in[i], "given (added)");
        eq(g->non_dropping_particle, n.non_dropping_particle, in[i], "particle (added)");
        eq(g->dropping_particle, n.dropping_particle, in[i], "dropping particle (added)");
        eq(g->suffix, n.suffix, in[i], "suffix (added)");
        eq(g->literal, n.literal, in[i], "literal (added)");
        ck_assert_int_eq(g->comma_suffix, n.comma_suffix);
        bib_name_clear(&n);
    }
    ck_assert_uint_eq(added, sizeof in / sizeof *in - 2);
    ck_assert_int_eq(bib_names_add_display(rec, BIB_VAR_TITLE, "Smith, J", 8, 0), BIB_EINVAL);
    bib_record_free(rec);
}
END_TEST

/* Appends `words` random words of pieces[] to buf[n..cap), joined by
 * seps[] (most names: one comma after the first word; a 70-word name: a
 * long given name after it), with a lower-case particle now and then
 * when `von`; returns the new length. The quick-path tests' names. */
static size_t random_words(unsigned long *x, const char *const *pieces, size_t np,
                           const char *const *seps, size_t ns, int words, bool von, char *buf,
                           size_t n, size_t cap)
{
    for (int k = 0; k < words; k++) {
        *x = *x * 6364136223846793005ul + 1442695040888963407ul;
        const char *w = pieces[(*x >> 33) % np];
        const char *sp = seps[(*x >> 45) % ns];
        if (k == 1 && (*x >> 50) % 3)
            sp = ", ";
        else if (k > 1 && words == 70)
            sp = " ";
        if (von && (*x >> 56) % 9 == 0 && w[0] != '{' && w[0] != '\\')
            w = "de";
        if (k)
            n += (size_t)snprintf(buf + n, cap - n, "%s", sp);
        n += (size_t)snprintf(buf + n, cap - n, "%s", w);
    }
    return n;
}

/* names_display.c's quick way for "Family, Given" gives what the general
 * parse gives: random names of words, particles, suffixes, initials and
 * punctuation, commas and runs of blanks (more than the 64 words a name
 * is split into, now and then), printable ASCII or not. */
int bib__name_parse_display_general(bib_name *out, const char *s, size_t len, unsigned flags);

START_TEST(test_display_quick)
{
    static const char *const pieces[] = {
        "Smith", "van", "de", "Jr", "Jr.", "III", "jr", "J.", "A", "O'Brien", "Jean-Luc",
        "SMITH", "JE", "-", ".", "x", "Lee", "bin", "Sr", "Senior", "M\xC3\xBCller", "9",
    };
    static const char *const seps[] = {" ", "  ", ", ", ",", " ,", "\t", " ", " "};
    unsigned long x = 12345;
    char buf[1200];
    for (int t = 0; t < 200000; t++) {
        size_t n = 0;
        x = x * 6364136223846793005ul + 1442695040888963407ul;
        int words = (int)((x >> 33) % 6) + 1;
        if ((x >> 20) % 50 == 0)
            words = 70; /* past the word limit */
        if ((x >> 40) % 5 == 0)
            buf[n++] = ' ';
        n = random_words(&x, pieces, sizeof pieces / sizeof *pieces, seps,
                         sizeof seps / sizeof *seps, words, false, buf, n, sizeof buf);
        if ((x >> 55) % 7 == 0)
            buf[n++] = ' ';
        buf[n] = '\0';
        bib_name a, b;
        int ra = bib_name_parse_display(&a, buf, n);
        int rb = bib__name_parse_display_general(&b, buf, n, 0);
        BIB_CHECK(ra == rb, "'%s': %d, %d", buf, ra, rb);
        if (ra)
            continue;
        eq(a.family, b.family, buf, "family (quick)");
        eq(a.given, b.given, buf, "given (quick)");
        eq(a.non_dropping_particle, b.non_dropping_particle, buf, "particle (quick)");
        eq(a.suffix, b.suffix, buf, "suffix (quick)");
        eq(a.literal, b.literal, buf, "literal (quick)");
        BIB_CHECK(a.comma_suffix == b.comma_suffix, "'%s': comma suffix", buf);
        bib_name_clear(&a);
        bib_name_clear(&b);
    }
}
END_TEST

/* A name typed with combining marks (NFD) splits exactly like its composed
 * form (NFC): the parts come out in NFC. */
START_TEST(test_display_nfd)
{
    static const char *const pairs[][2] = {
        /* O, dot below, acute ... */
        {"O\xCC\xA3la\xCC\x81olu\xCC\x81wa B. Ade\xCC\x81s\xCC\xA3i\xCC\x81na\xCC\x80",
         "\xE1\xBB\x8C\x6C\xC3\xA1olúwa B. Adéṣínà"},
        {"Jose\xCC\x81 da Conceic\xCC\xA7" "a\xCC\x83o", "José da Conceição"},
        {"Nguye\xCC\x82\xCC\x83n Va\xCC\x86n An", "Nguyễn Văn An"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
        bib_name a, b;
        ck_assert_int_eq(bib_name_parse_display(&a, pairs[i][0], strlen(pairs[i][0])), 0);
        ck_assert_int_eq(bib_name_parse_display(&b, pairs[i][1], strlen(pairs[i][1])), 0);
        eq(a.given, b.given, pairs[i][1], "given (NFD)");
        eq(a.non_dropping_particle, b.non_dropping_particle, pairs[i][1], "particle (NFD)");
        eq(a.family, b.family, pairs[i][1], "family (NFD)");
        ck_assert_ptr_nonnull(a.family);
        bib_name_clear(&a);
        bib_name_clear(&b);
    }
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

/* names.c's page range split as it was before it passed over the bytes
 * no separator starts with (digits, letters): every place asked */
static size_t ref_dash_at(const char *s, size_t len, size_t *lead)
{
    size_t i = 0;
    while (i < len && s[i] == ' ')
        i++;
    *lead = i;
    size_t d = 0;
    while (i + d < len && s[i + d] == '-' && d < 3)
        d++;
    const unsigned char *u = (const unsigned char *)s + i;
    if (!d && i + 2 < len && u[0] == 0xE2 &&
        ((u[1] == 0x80 && (u[2] == 0x90 || u[2] == 0x91 || u[2] == 0x93 || u[2] == 0x94)) ||
         (u[1] == 0x88 && u[2] == 0x92)))
        d = 3;
    if (!d)
        return 0;
    i += d;
    while (i < len && s[i] == ' ')
        i++;
    return i;
}

static void ref_split(const char *s, size_t len, size_t *first_len, size_t *last_at,
                      size_t *last_len)
{
    size_t lead = 0;
    while (len && (*s == ' ' || (*s >= '\t' && *s <= '\r'))) {
        s++;
        len--;
        lead++;
    }
    while (len && (s[len - 1] == ' ' || (s[len - 1] >= '\t' && s[len - 1] <= '\r')))
        len--;
    *first_len = len;
    *last_at = lead + len;
    *last_len = 0;
    for (size_t i = 1; i < len; i++) {
        size_t ld, n = ref_dash_at(s + i, len - i, &ld);
        for (size_t m; n && i + n < len && (m = ref_dash_at(s + i + n, len - i - n, &ld));)
            n += m;
        if (n && i + n < len && s[i - 1] != ' ') {
            *first_len = i;
            *last_at = lead + i + n;
            *last_len = len - i - n;
            return;
        }
        if (n)
            i += n - 1;
    }
}

/* bib_pages_split against the reference on random texts of digits,
 * letters, blanks, hyphens, commas and the UTF-8 dashes (and a non-dash
 * with their first byte) */
START_TEST(test_pages_random)
{
    static const char *const pieces[] = {"1", "23", "a", " ", "-", ",", "\t", "\xE2\x80\x93",
                                         "\xE2\x80\x94", "\xE2\x88\x92", "\xE2\x80\x90",
                                         "\xE2\x82\xAC", "\xE2", "e", "S"};
    char s[64];
    srand(31);
    for (int round = 0; round < 100000; round++) {
        size_t len = 0, want = (size_t)rand() % 20;
        for (size_t k = 0; k < want; k++) {
            const char *p = pieces[(size_t)rand() % (sizeof pieces / sizeof *pieces)];
            size_t n = strlen(p);
            if (len + n >= sizeof s)
                break;
            memcpy(s + len, p, n);
            len += n;
        }
        const char *f, *l;
        size_t fl, ll, rfl, rla, rll;
        bib_pages_split(s, len, &f, &fl, &l, &ll);
        ref_split(s, len, &rfl, &rla, &rll);
        BIB_CHECK(fl == rfl && (size_t)(l - s) == rla && ll == rll,
                  "'%.*s': %zu %zu %zu, want %zu %zu %zu", (int)len, s, fl, (size_t)(l - s), ll,
                  rfl, rla, rll);
    }
}
END_TEST

typedef struct {
    const char *in, *given, *von, *family, *jr, *literal;
} bcase;

START_TEST(test_bibtex_names)
{
    /* the classic cases of the BibTeX name-parsing literature (btxdoc and
     * "Tame the BeaST"): three comma forms, von by case, braces, accents */
    static const bcase cases[] = {
        {"Jean de La Fontaine", "Jean", "de", "La Fontaine", NULL, NULL},
        {"de La Fontaine, Jean", "Jean", "de", "La Fontaine", NULL, NULL},
        {"De La Fontaine, Jean", "Jean", NULL, "De La Fontaine", NULL, NULL},
        {"Jean De La Fontaine", "Jean De La", NULL, "Fontaine", NULL, NULL},
        {"jean de la fontaine", NULL, "jean de la", "fontaine", NULL, NULL},
        {"Charles Louis Xavier Joseph de la Vall{\\'e}e Poussin",
         "Charles Louis Xavier Joseph", "de la", "Vallée Poussin", NULL, NULL},
        {"Ford, Jr., Henry", "Henry", NULL, "Ford", "Jr.", NULL},
        {"von Neumann, John", "John", "von", "Neumann", NULL, NULL},
        {"Ludwig van Beethoven", "Ludwig", "van", "Beethoven", NULL, NULL},
        {"Jean-Paul Sartre", "Jean-Paul", NULL, "Sartre", NULL, NULL},
        {"{\\\"U}ber, Hans", "Hans", NULL, "Über", NULL, NULL},
        {"Hans {\\\"u}ber Alles", "Hans", "über", "Alles", NULL, NULL},
        {"{Barnes and Noble, Inc.}", NULL, NULL, NULL, NULL, "Barnes and Noble, Inc."},
        {"{World Health Organization}", NULL, NULL, NULL, NULL, "World Health Organization"},
        {"Plato", NULL, NULL, "Plato", NULL, NULL},
        {"Smith, John~Paul", "John Paul", NULL, "Smith", NULL, NULL},
        {"{\\O}stergaard, Jens", "Jens", NULL, "Østergaard", NULL, NULL},
        {"{\\ss}tad, A.", "A.", NULL, "ßtad", NULL, NULL},
        /* biber's extended name format: keys in any order, the last wins */
        {"family=Duchamp, given={Marcel}, prefix=de, useprefix=true", "Marcel", "de",
         "Duchamp", NULL, NULL},
        {"given=A, family={M{\\\"u}ller}, given=C, suffix=Jr.", "C", NULL, "Müller", "Jr.", NULL},
        /* '=' in an ordinary name is text */
        {"A=B Smith", "A=B", NULL, "Smith", NULL, NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const bcase *c = &cases[i];
        bib_name n;
        ck_assert_msg(bib_name_parse_bibtex(&n, c->in, strlen(c->in), BIB_NAME_LATEX) == 0,
                      "%s", c->in);
        eq(n.given, c->given, c->in, "given");
        eq(n.non_dropping_particle, c->von, c->in, "von");
        eq(n.family, c->family, c->in, "family");
        eq(n.suffix, c->jr, c->in, "jr");
        eq(n.literal, c->literal, c->in, "literal");
        /* written back, it reads back the same */
        for (int ascii = 0; ascii < 2; ascii++) {
            bib_buf b = BIB_BUF_INIT;
            bib_name_format_bibtex(&b, &n, ascii);
            bib_name m;
            ck_assert_int_eq(bib_name_parse_bibtex(&m, b.data, b.len, BIB_NAME_LATEX), 0);
            eq(m.given, n.given, b.data, "given again");
            eq(m.non_dropping_particle, n.non_dropping_particle, b.data, "von again");
            eq(m.family, n.family, b.data, "family again");
            eq(m.suffix, n.suffix, b.data, "jr again");
            eq(m.literal, n.literal, b.data, "literal again");
            bib_name_clear(&m);
            bib_buf_clear(&b);
        }
        bib_name_clear(&n);
    }
    /* a given name alone (CSL "Banksy") goes out whole and comes back as
     * one name (a literal), not as "{, Banksy}", which reads as none */
    const char *alone[] = {"Banksy", "I Test J R"};
    for (size_t i = 0; i < 2; i++) {
        bib_name g = {.given = alone[i]}, m;
        bib_buf b = BIB_BUF_INIT;
        ck_assert_int_eq(bib_name_format_bibtex(&b, &g, false), 0);
        ck_assert_int_eq(bib_name_parse_bibtex(&m, b.data, b.len, BIB_NAME_LATEX), 0);
        eq(m.literal, alone[i], b.data, "given alone");
        bib_name_clear(&m);
        bib_buf_clear(&b);
    }
    bib_name n;
    ck_assert_int_eq(bib_name_parse_bibtex(&n, "a, b, c, d", 10, 0), BIB_EPARSE);
    ck_assert_int_eq(bib_name_parse_bibtex(&n, "", 0, 0), BIB_EPARSE);
    ck_assert_int_eq(bib_name_parse_bibtex(&n, ", John", 6, 0), BIB_EPARSE);
}
END_TEST

START_TEST(test_bibtex_name_lists)
{
    bib_record *r = bib_record_new(BIB_TYPE_BOOK, NULL);
    const char *list = "Smith, John and {Barnes and Noble} AND Doe, J. and  and others";
    size_t bad;
    ck_assert_int_eq(bib_names_add_bibtex(r, BIB_VAR_AUTHOR, list, strlen(list), 0, &bad), 3);
    ck_assert_uint_eq(bad, 1);
    const bib_field *f = bib_record_get(r, BIB_VAR_AUTHOR);
    ck_assert_uint_eq(bib_field_name_count(f), 3);
    ck_assert_str_eq(bib_field_name_at(f, 1)->literal, "Barnes and Noble");
    ck_assert_str_eq(bib_field_name_at(f, 2)->family, "Doe");
    ck_assert(bib_field_names_truncated(f));
    bib_record_free(r);
}
END_TEST

/* names.c's quick way for "Last, First" gives what BibTeX's tokens give:
 * random names of words, particles, initials, commas, runs of blanks,
 * tabs, braces, LaTeX, '~', '=', dashes, quotes and UTF-8, one by one
 * (bib_name_parse_bibtex) and in lists joined by " and " (its sixteen-
 * byte scan then reads around each name, up to the list's end). */
int bib__name_parse_bibtex_general(bib_name *out, const char *s, size_t len, unsigned flags);

static void same_name(const bib_name *a, const bib_name *b, const char *in)
{
    eq(a->family, b->family, in, "family (quick)");
    eq(a->given, b->given, in, "given (quick)");
    eq(a->non_dropping_particle, b->non_dropping_particle, in, "particle (quick)");
    eq(a->suffix, b->suffix, in, "suffix (quick)");
    eq(a->literal, b->literal, in, "literal (quick)");
}

START_TEST(test_bibtex_quick)
{
    static const char *const pieces[] = {
        "Smith", "van", "de la", "Jr", "J.", "A", "O'Brien", "Jean-Luc", "Smith--Jones",
        "x", "Lee", "{Barnes}", "{\\\"u}ber", "M\xC3\xBCller", "\\'Etienne", "a~b", "$x$",
        "given=Ann", "family=Doe", "foo=bar", "``q''", "9", "Abcdefghijklmnopqrstu",
        /* groups for the quick way of "{Family}, Given" and "{Literal}" */
        "{van Gulik}", "{Rinderle-Ma}", "{a--b}", "{x~y}", "{}", "{A, B}", "{O'Neil}",
        "{d``q}", "{W.  Ponweiser}", "{$x$}", "{M\xC3\xBCller}", "{a=b}", "-", "--",
        /* "and" that starts a word: no split, in any case */
        "Anderson", "ANDY", "andrea", ("Ma\xC3\xB1" "ana"),
    };
    static const char *const seps[] = {" ", "  ", ", ", ",", " ,", "\t", " ", " ", " , "};
    unsigned long x = 4242;
    char list[10000], name[2400];
    size_t starts[16], lens[16];
    for (int t = 0; t < 60000; t++) {
        size_t ln = 0;
        x = x * 6364136223846793005ul + 1442695040888963407ul;
        int names = (int)((x >> 33) % 4) + 1;
        for (int m = 0; m < names; m++) {
            size_t n = 0;
            x = x * 6364136223846793005ul + 1442695040888963407ul;
            int words = (int)((x >> 33) % 5) + 1;
            if ((x >> 20) % 40 == 0)
                words = 70; /* past the token limit */
            n = random_words(&x, pieces, sizeof pieces / sizeof *pieces, seps,
                             sizeof seps / sizeof *seps, words, true, name, n, sizeof name);
            if ((x >> 58) % 5 == 0)
                name[n++] = ' ';
            name[n] = '\0';
            /* one by one */
            bib_name a, b;
            int ra = bib_name_parse_bibtex(&a, name, n, BIB_NAME_LATEX);
            int rb = bib__name_parse_bibtex_general(&b, name, n, BIB_NAME_LATEX);
            BIB_CHECK(ra == rb, "'%s': %d, %d", name, ra, rb);
            if (ra == 0) {
                same_name(&a, &b, name);
                bib_name_clear(&a);
                bib_name_clear(&b);
            }
            if (m)
                ln += (size_t)snprintf(list + ln, sizeof list - ln, " and ");
            starts[m] = ln;
            lens[m] = n;
            ln += (size_t)snprintf(list + ln, sizeof list - ln, "%s", name);
        }
        /* in a list: each name as the general way parses it, trimmed */
        bib_record *r = bib_record_new(BIB_TYPE_BOOK, NULL);
        size_t bad;
        int added = bib_names_add_bibtex(r, BIB_VAR_AUTHOR, list, ln, BIB_NAME_LATEX, &bad);
        const bib_field *f = bib_record_get(r, BIB_VAR_AUTHOR);
        int at = 0;
        for (int m = 0; m < names; m++) {
            const char *p = list + starts[m];
            size_t l = lens[m];
            while (l && (*p == ' ' || *p == '\t'))
                p++, l--;
            while (l && (p[l - 1] == ' ' || p[l - 1] == '\t'))
                l--;
            bib_name b;
            if (bib__name_parse_bibtex_general(&b, p, l, BIB_NAME_LATEX) != 0)
                continue;
            BIB_CHECK(f && at < added, "'%s': name %d missing", list, m);
            same_name(bib_field_name_at(f, (size_t)at), &b, list);
            bib_name_clear(&b);
            at++;
        }
        BIB_CHECK(at == added, "'%s': %d names, %d expected", list, added, at);
        bib_record_free(r);
    }
}
END_TEST

/* The extended format's values: each the LaTeX conversion of its trimmed
 * text (names.c copies one with a lone '-' or '\'' as it is, and steps
 * over the bytes between braces and commas), on random values of the
 * bytes that matter, braces with commas inside them among them. */
START_TEST(test_bibtex_extended_values)
{
    static const char *const pieces[] = {"a", "B", " ", "-", "--", "'", "''", "`", "``", "el-",
                                         "d'", "{x, y}", "{z}", "\\'e", "~", "$", "\t", "=",
                                         "\xC3\xA9", "{", "}"};
    char v[64], name[160];
    srand(37);
    for (int round = 0; round < 20000; round++) {
        size_t n = 0, w = (size_t)rand() % 8;
        int depth = 0;
        for (size_t k = 0; k < w; k++) {
            const char *p = pieces[(size_t)rand() % (sizeof pieces / sizeof *pieces)];
            if (!strcmp(p, "}") && !depth)
                continue; /* a stray '}' ends no group: left out */
            depth += !strcmp(p, "{") - !strcmp(p, "}");
            if (n + strlen(p) >= sizeof v)
                break;
            memcpy(v + n, p, strlen(p));
            n += strlen(p);
        }
        while (depth-- > 0) /* the value's groups closed before the next key */
            v[n++] = '}';
        v[n] = '\0';
        snprintf(name, sizeof name, "family=%s, given=Ann", v);
        size_t a = 0, e = n;
        while (a < e && (v[a] == ' ' || v[a] == '\t'))
            a++;
        while (e > a && (v[e - 1] == ' ' || v[e - 1] == '\t'))
            e--;
        bib_buf want = BIB_BUF_INIT;
        bib_latex_to_unicode(&want, v + a, e - a, 0, NULL);
        bib_name got;
        int rc = bib_name_parse_bibtex(&got, name, strlen(name), BIB_NAME_LATEX);
        ck_assert_int_eq(rc, 0);
        ck_assert_msg(e > a ? got.family && strcmp(got.family, want.data) == 0 : !got.family,
                      "'%s': family '%s', want '%s'", name, got.family ? got.family : "(none)",
                      want.data ? want.data : "");
        ck_assert_str_eq(got.given, "Ann");
        bib_name_clear(&got);
        bib_buf_clear(&want);
    }
}
END_TEST

/* The quick way for "{Family}, Given" and "{Literal}" at its edges: an
 * empty given part, the token limit, blanks and separators around the
 * group; each as the general way parses it. */
START_TEST(test_bibtex_braced_edges)
{
    static const char *const names[] = {
        "{X},", "{X}, ", " {X} ,Y ", "{X},\tY\vZ", "{X}~, Y", "~{X}", "{X}~", "{X}Y, Z",
        "{X}, Y~Z", "{X}, Y, Z", "{X}, {Y}", "{X} {Y}", "{}, Y", "{}", "{X}, Y-Z", "{X}, Y--Z",
        "{X}, Y `` Z", "{X--Y}", "{X-}-, Y", "{ X }, Y", "{X\\}, Y",
    };
    char big[400];
    for (size_t i = 0; i < sizeof names / sizeof *names + 2; i++) {
        const char *n = i < sizeof names / sizeof *names ? names[i] : big;
        if (!(i < sizeof names / sizeof *names)) { /* given names past the token limit */
            size_t k = (size_t)snprintf(big, sizeof big, "{X}, ");
            for (int w = 0; w < (i % 2 ? 61 : 130); w++)
                k += (size_t)snprintf(big + k, sizeof big - k, "%c ", 'a' + w % 26);
            big[k - 1] = '\0';
        }
        bib_name a, b;
        int ra = bib_name_parse_bibtex(&a, n, strlen(n), BIB_NAME_LATEX);
        int rb = bib__name_parse_bibtex_general(&b, n, strlen(n), BIB_NAME_LATEX);
        ck_assert_msg(ra == rb, "'%s': %d, %d", n, ra, rb);
        if (ra == 0) {
            same_name(&a, &b, n);
            bib_name_clear(&a);
            bib_name_clear(&b);
        }
    }
}
END_TEST

/* Titles before a display name: skipped when a name follows, never a
 * name's own first word. */
START_TEST(test_name_titles)
{
    static const struct {
        const char *s;
        size_t want; /* bytes of titles */
    } cases[] = {
        {"Prof. Dr. Ines Okafor", 10},
        {"Dr.Dr. hc. Tomas Reyes", 11},
        {"Jun.-Prof. Lena Vogt", 11},
        {"Univ.-Prof. Lena Vogt", 12},
        {"Sir Tim Berg", 4},
        {"Professor Ada Lind", 10},
        {"Germanistik: Jun.-Prof. Lena Vogt", 24},
        {"Soziologie: Lena Vogt", 0},      /* a label alone stays */
        {"Drew Okafor", 0},                /* no period: a given name */
        {"Pr. Jean Roux", 4},
        {"Professorin Dr. med. Ines Okafor", 21},
        {"Dr. rer. nat. Tomas Reyes", 14},
        {"Dr. med Ines Okafor", 0},        /* no period: no faculty, no name after */
        {"Dr. ", 0},                       /* no name after it */
        {"Prof.", 0},
        {"Mr. x", 0},                      /* lower case: no name */
        {"Ines Okafor", 0},
        {"", 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        ck_assert_msg(bib_name_titles(cases[i].s, strlen(cases[i].s)) == cases[i].want,
                      "'%s': %zu, want %zu", cases[i].s,
                      bib_name_titles(cases[i].s, strlen(cases[i].s)), cases[i].want);
}
END_TEST

BIB_TEST_MAIN("names", test_name_titles, test_display_names, test_display_nfd, test_display_add,
              test_display_quick, test_display_given_first, test_bibtex_quick,
              test_bibtex_braced_edges, test_bibtex_extended_values,
              test_pages, test_pages_random, test_bibtex_names,
              test_bibtex_name_lists)
