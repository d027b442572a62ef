/* SPDX-License-Identifier: MIT */
/* test_latex.c - LaTeX -> Unicode in every accent spelling, specials,
 * dashes, quotes, math, rich text and nocase spans; Unicode -> LaTeX; and
 * every accent of the table read back from what the writer writes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "bibconv/latex.h"
#include "../../core/latex_scan.h"
#include "../../core/latex_table.h"

static void to_u(const char *in, unsigned flags, const char *want)
{
    bib_buf b = BIB_BUF_INIT;
    ck_assert_int_eq(bib_latex_to_unicode(&b, in, strlen(in), flags, NULL), 0);
    ck_assert_msg(strcmp(b.data, want) == 0, "'%s' -> '%s', want '%s'", in, b.data, want);
    bib_buf_clear(&b);
}

static void to_l(const char *in, unsigned flags, const char *want)
{
    bib_buf b = BIB_BUF_INIT;
    ck_assert_int_eq(bib_latex_from_unicode(&b, in, strlen(in), flags, NULL), 0);
    ck_assert_msg(strcmp(b.data, want) == 0, "'%s' -> '%s', want '%s'", in, b.data, want);
    bib_buf_clear(&b);
}

START_TEST(test_accents)
{
    static const char *const umlaut[] = {"{\\\"u}", "\\\"{u}", "\\\" u", "\\\"u", "{\\\"{u}}"};
    for (size_t i = 0; i < 5; i++)
        to_u(umlaut[i], 0, "ü");
    to_u("{\\'e}", 0, "é");
    to_u("\\c{c}", 0, "ç");
    to_u("\\c c", 0, "ç");
    to_u("\\v{s}", 0, "š");
    to_u("\\H{o}", 0, "ő");
    to_u("\\k{a}", 0, "ą");
    to_u("\\'{\\i}", 0, "í");
    to_u("\\^\\j", 0, "ĵ");
    to_u("\\r{a}", 0, "å");
    to_u("\\u{g}", 0, "ğ");
    to_u("\\={a}", 0, "ā");
    to_u("\\.{z}", 0, "ż");
    to_u("\\d{s}", 0, "ṣ");
    to_u("\\~{n}", 0, "ñ");
    to_u("\\`{a}", 0, "à");
    to_u("Poincar\\'e", 0, "Poincaré");
    to_u("\\v{q}", 0, "q\xCC\x8C"); /* no precomposed form: combining mark */
    /* a non-ASCII base without braces: the mark after the whole character
     * (it went between its UTF-8 bytes: invalid output, found by fuzzing) */
    to_u("\\'\xC3\xA6x", 0, "\xC3\xA6\xCC\x81x");
    to_u("\\' \xC2\xB7", 0, "\xC2\xB7\xCC\x81");
    to_u("\\v\xE2\x82\xAC", 0, "\xE2\x82\xAC\xCC\x8C");
    to_u("\\c \xF0\x9D\x90\x80.", 0, "\xF0\x9D\x90\x80\xCC\xA7.");
    /* a control symbol of a non-ASCII character as the base, or as any
     * command's argument: the character whole (the mark went inside it) */
    to_u("\\^\\\xC3\xA9x", 0, "\\\xC3\xA9\xCC\x82x");
    to_u("\\textbf\\\xC3\xA9x", 0, "\\\xC3\xA9x");
    to_u("a\\\xE2\x82\xAC b", 0, "a\\\xE2\x82\xAC b");
}
END_TEST

START_TEST(test_specials)
{
    to_u("{\\ss} \\ss{} {\\o} {\\O} {\\aa} {\\AA} {\\ae} {\\AE} {\\oe} {\\OE} {\\l} {\\L}", 0,
         "ß ß ø Ø å Å æ Æ œ Œ ł Ł");
    to_u("\\o \\O", 0, "øØ"); /* a control word swallows the space after it */
    to_u("1--10, a---b, c-d", 0, "1–10, a—b, c-d");
    to_u("``quoted'' O'Brien", 0, "“quoted” O'Brien");
    to_u("A~B", 0, "A\xC2\xA0" "B");
    to_u("\\& \\% \\$ \\# \\_ \\{ \\}", 0, "& % $ # _ { }");
    to_u("\\textbackslash{} \\textregistered \\ldots", 0, "\\ ®…");
    to_u("$\\alpha$-helix and $x^2$", 0, "α-helix and $x^2$");
    to_u("\\unknown{arg} here", 0, "\\unknown{arg} here");
    to_u("unbalanced } brace", 0, "unbalanced  brace");
    to_u("{unclosed", 0, "unclosed");
    to_u("trailing \\", 0, "trailing \\");
    to_u("see \\url{https://x.org/a_b%20c~d}", 0, "see https://x.org/a_b%20c~d");
    to_u("\\href{https://x.org}{the \\emph{site}}", BIB_LATEX_RICH, "the <i>site</i>");
    to_u("\\doi{10.1000/a_b}", 0, "10.1000/a_b");
    to_u("a\\ElsevierGlyph{2014}b \\ElsevierGlyph{zz}", 0, "a—b \\ElsevierGlyph{zz}");
    to_u("\\mkbibquote{q} \\enquote{r}", 0, "“q” “r”");
    size_t unknown;
    bib_buf b = BIB_BUF_INIT;
    bib_latex_to_unicode(&b, "\\foo \\bar{x}", 12, 0, &unknown);
    ck_assert_uint_eq(unknown, 2);
    bib_buf_clear(&b);
}
END_TEST

START_TEST(test_rich_and_nocase)
{
    unsigned t = BIB_LATEX_RICH | BIB_LATEX_NOCASE;
    to_u("The {DNA} of \\emph{E. coli}", t,
         "The <span class=\"nocase\">DNA</span> of <i>E. coli</i>");
    to_u("{{Whole Title}}", t, "<span class=\"nocase\">Whole Title</span>");
    to_u("{\\\"U}ber {\\em all}", t, "Über <i>all</i>");
    to_u("\\textbf{B} \\textsc{Sc} H\\textsubscript{2}O x\\textsuperscript{2}", t,
         "<b>B</b> <span style=\"font-variant:small-caps;\">Sc</span> H<sub>2</sub>O "
         "x<sup>2</sup>");
    to_u("The {DNA}", BIB_LATEX_RICH, "The DNA"); /* no nocase without the flag */
    /* markup around nothing is no markup: an empty span holds nothing */
    to_u("\\textsc", t, "");
    to_u("a\\emph{}b \\textbf{{}}", t, "ab ");
    to_u("\\textit{\\textsc{}}x", t, "x");
    to_u("x \\emph{<i>} y", t, "x <i><i></i> y"); /* a text's own tag stays */
    to_u("\\emph{x}", 0, "x");
    to_u("{https://x.org/a_b%20c}", BIB_LATEX_VERBATIM, "https://x.org/a_b%20c");
}
END_TEST

START_TEST(test_from_unicode)
{
    to_l("Über & 50% #1 a_b {x} \\ ~ ^", 0,
         "Über \\& 50\\% \\#1 a\\_b \\{x\\} \\textbackslash{} \\textasciitilde{} "
         "\\textasciicircum{}");
    to_l("Über Straße çà Łódź í", BIB_LATEX_ASCII,
         "{\\\"U}ber Stra{\\ss}e {\\c c}{\\`a} {\\L}{\\'o}d{\\'z} {\\'i}");
    to_l("1–10 a—b x\xC2\xA0y α", BIB_LATEX_ASCII, "1--10 a---b x~y $\\alpha$");
    /* math kept as written, its Unicode symbols as commands for 8-bit BibTeX */
    to_l("call it $Δ$-AI, $x∈Ω$ and $αβ$", BIB_LATEX_ASCII,
         "call it $\\Delta$-AI, $x\\in\\Omega$ and $\\alpha\\beta$");
    to_l("call it $Δ$-AI", 0, "call it $Δ$-AI");
    /* a NUL byte inside a math command name: compared by length */
    bib_buf nb = BIB_BUF_INIT;
    ck_assert_int_eq(bib_latex_to_unicode(&nb, "$\\to\0x$", 7, 0, NULL), 0);
    ck_assert_uint_eq(nb.len, 7);
    bib_buf_clear(&nb);
    /* doubled dashes and quotes stay two characters */
    to_l("a -- b ``c'' d", 0, "a -{}- b `{}`c'{}' d");
    to_l("<i>E. coli</i> and <span class=\"nocase\">DNA</span>",
         BIB_LATEX_FROM_RICH | BIB_LATEX_ASCII, "\\textit{E. coli} and {DNA}");
    /* a span spelled otherwise is text, and so is its "</span>", which
     * closes nothing the writer opened (Zotero's <span style="small-caps">) */
    to_l("their <span style=\"small-caps\">species</span>, <i>x</i></i>",
         BIB_LATEX_FROM_RICH, "their <span style=\"small-caps\">species</span>, \\textit{x}</i>");
    to_l("https://x.org/a_b%", BIB_LATEX_OUT_VERBATIM, "https://x.org/a_b%");
    /* a verbatim value's braces are kept when they pair up, else
     * percent-encoded: nothing escaped there could hold a lone one */
    to_l("https://x.org/{a}", BIB_LATEX_OUT_VERBATIM, "https://x.org/{a}");
    to_l("x/{a}{b", BIB_LATEX_OUT_VERBATIM, "x/%7Ba%7D%7Bb");
    to_l("}{", BIB_LATEX_OUT_VERBATIM, "%7D%7B");
    /* math is kept as written only when its braces pair up */
    to_l("$x^{2}$", 0, "$x^{2}$");
    to_l("$x^{2]$", 0, "\\$x\\textasciicircum{}\\textbraceleft{}2]\\$");
    /* braces that do not pair up: BibTeX counts "\{" too, so commands */
    to_l("deox{ribose", 0, "deox\\textbraceleft{}ribose");
    to_l("a} {b", 0, "a\\textbraceright{} \\textbraceleft{}b");
    to_l("{a}", 0, "\\{a\\}");
    to_u("x\\textbraceleft{}y", 0, "x{y");
    size_t missing;
    bib_buf b = BIB_BUF_INIT;
    bib_latex_from_unicode(&b, "日本", 6, BIB_LATEX_ASCII, &missing);
    ck_assert_uint_eq(missing, 2);
    ck_assert_str_eq(b.data, "日本"); /* kept, never dropped */
    bib_buf_clear(&b);
}
END_TEST

START_TEST(test_table_round_trip)
{
    /* every precomposed letter the writer escapes reads back identically */
    for (size_t i = 0; i < bib__latex_accents_len; i++) {
        char utf[5] = {0};
        bib_buf u = BIB_BUF_INIT, l = BIB_BUF_INIT, back = BIB_BUF_INIT;
        bib_buf_put_utf8(&u, bib__latex_accents[i].cp);
        memcpy(utf, u.data, u.len);
        bib_latex_from_unicode(&l, u.data, u.len, BIB_LATEX_ASCII, NULL);
        bib_latex_to_unicode(&back, l.data, l.len, 0, NULL);
        ck_assert_msg(strcmp(back.data, utf) == 0, "U+%04X -> '%s' -> '%s'",
                      (unsigned)bib__latex_accents[i].cp, l.data, back.data);
        bib_buf_clear(&u);
        bib_buf_clear(&l);
        bib_buf_clear(&back);
    }
}
END_TEST

/* Reads `latex` and checks it gives the one code point `cp`. */
static void reads_as(const char *latex, uint32_t cp)
{
    bib_buf want = BIB_BUF_INIT, got = BIB_BUF_INIT;
    bib_buf_put_utf8(&want, cp);
    bib_latex_to_unicode(&got, latex, strlen(latex), 0, NULL);
    ck_assert_msg(got.data && strcmp(got.data, want.data) == 0, "'%s' -> '%s', want U+%04X",
                  latex, got.data ? got.data : "", (unsigned)cp);
    bib_buf_clear(&want);
    bib_buf_clear(&got);
}

START_TEST(test_named_tables_both_ways)
{
    /* every letter command, in its spellings, reads as its character; every
     * non-ASCII one the writer escapes reads back as the same character */
    const struct { const bib_latex_named *t; size_t n; bool math; } tables[] = {
        {bib__latex_letters, bib__latex_letters_len, false},
        {bib__latex_math, bib__latex_math_len, true},
    };
    for (size_t k = 0; k < 2; k++) {
        for (size_t i = 0; i < tables[k].n; i++) {
            const bib_latex_named *e = &tables[k].t[i];
            char src[64];
            if (i > 0)
                ck_assert_msg(strcmp(tables[k].t[i - 1].name, e->name) < 0, "unsorted at %s",
                              e->name);
            if (tables[k].math) {
                snprintf(src, sizeof src, "$\\%s$", e->name);
                reads_as(src, e->cp);
                continue;
            }
            snprintf(src, sizeof src, "\\%s{}", e->name);
            reads_as(src, e->cp);
            snprintf(src, sizeof src, "{\\%s}", e->name);
            reads_as(src, e->cp);
            bib_buf u = BIB_BUF_INIT, l = BIB_BUF_INIT, back = BIB_BUF_INIT;
            bib_buf_put_utf8(&u, e->cp);
            size_t missing = 0;
            bib_latex_from_unicode(&l, u.data, u.len, BIB_LATEX_ASCII, &missing);
            ck_assert_uint_eq(missing, 0);
            for (size_t j = 0; j < l.len; j++)
                ck_assert_msg((unsigned char)l.data[j] < 0x80, "U+%04X -> '%s' not ASCII",
                              (unsigned)e->cp, l.data);
            bib_latex_to_unicode(&back, l.data, l.len, 0, NULL);
            ck_assert_msg(strcmp(back.data, u.data) == 0, "U+%04X -> '%s' -> '%s'",
                          (unsigned)e->cp, l.data, back.data);
            bib_buf_clear(&u);
            bib_buf_clear(&l);
            bib_buf_clear(&back);
        }
    }
}
END_TEST

/* `n` copies of `open`, then `mid`, then `n` copies of `close`; owned by
 * the caller (free). */
static char *nested(const char *open, const char *mid, const char *close, size_t n,
                    size_t *len)
{
    size_t lo = strlen(open), lm = strlen(mid), lc = strlen(close);
    char *s = malloc(n * (lo + lc) + lm + 1);
    ck_assert_ptr_nonnull(s);
    size_t k = 0;
    for (size_t i = 0; i < n; i++, k += lo)
        memcpy(s + k, open, lo);
    memcpy(s + k, mid, lm);
    k += lm;
    for (size_t i = 0; i < n; i++, k += lc)
        memcpy(s + k, close, lc);
    s[k] = '\0';
    *len = k;
    return s;
}

/* The reader keeps its own stack: values nested far deeper than the C
 * stack allows convert, with the same text as shallow nesting gives. */
START_TEST(test_deep_nesting)
{
    static const size_t depths[] = {100000, 1000000};
    unsigned rich = BIB_LATEX_RICH | BIB_LATEX_NOCASE;
    for (size_t d = 0; d < 2; d++) {
        size_t n = depths[d], len;
        bib_buf b = BIB_BUF_INIT;
        /* plain groups: one nocase span at the top, the rest is text */
        char *s = nested("{", "x", "}", n, &len);
        ck_assert_int_eq(bib_latex_to_unicode(&b, s, len, rich, NULL), 0);
        ck_assert_str_eq(b.data, "<span class=\"nocase\">x</span>");
        free(s);
        /* text after every group: nothing lost, in order */
        bib_buf_reset(&b);
        s = nested("{a", "x", "}b", n, &len);
        ck_assert_int_eq(bib_latex_to_unicode(&b, s, len, 0, NULL), 0);
        ck_assert_uint_eq(b.len, 2 * n + 1);
        ck_assert(b.data[0] == 'a' && b.data[n] == 'x' && b.data[2 * n] == 'b');
        free(s);
        /* nested commands: every tag opened is closed */
        bib_buf_reset(&b);
        s = nested("\\textbf{", "x", "}", n, &len);
        ck_assert_int_eq(bib_latex_to_unicode(&b, s, len, rich, NULL), 0);
        ck_assert_uint_eq(b.len, 7 * n + 1);
        ck_assert(memcmp(b.data + b.len - 4, "</b>", 4) == 0);
        free(s);
        /* unbalanced: groups that never close read to the end */
        bib_buf_reset(&b);
        s = nested("\\enquote{", "x", "", n, &len);
        ck_assert_int_eq(bib_latex_to_unicode(&b, s, len, 0, NULL), 0);
        ck_assert_uint_eq(b.len, 6 * n + 1);
        free(s);
        /* the writer: unclosed groups after unknown commands are escaped
         * one by one (each scan of such a group used to run to the end),
         * as commands, since the braces do not pair up */
        bib_buf_reset(&b);
        s = nested("\\foo{", "x", "", n, &len);
        ck_assert_int_eq(bib_latex_from_unicode(&b, s, len, BIB_LATEX_ASCII, NULL), 0);
        ck_assert_uint_eq(b.len, 20 * n + 1);
        ck_assert(memcmp(b.data, "\\foo\\textbraceleft{}\\foo", 24) == 0);
        free(s);
        /* closed groups are passed through whole */
        bib_buf_reset(&b);
        s = nested("\\foo{", "x", "}", n, &len);
        ck_assert_int_eq(bib_latex_from_unicode(&b, s, len, BIB_LATEX_ASCII, NULL), 0);
        ck_assert_str_eq(b.data, s);
        free(s);
        bib_buf_clear(&b);
    }
    /* the same constructs shallow, checked exactly */
    to_l("\\foo{\\foo{x", BIB_LATEX_ASCII,
         "\\foo\\textbraceleft{}\\foo\\textbraceleft{}x");
    to_l("\\foo{a}{b<i>c</i>}", BIB_LATEX_ASCII | BIB_LATEX_FROM_RICH,
         "\\foo{a}\\{b\\textit{c}\\}");
    to_u("{a{a{x}b}b}", 0, "aaxbb");
    to_u("\\textbf{\\textbf{x}}", BIB_LATEX_RICH, "<b><b>x</b></b>");
    to_u("\\enquote{\\enquote{x", 0, "\xE2\x80\x9C\xE2\x80\x9Cx\xE2\x80\x9D\xE2\x80\x9D");
    to_u("\\\"{ab}c", 0, "ab\xCC\x88" "c");
    to_u("{\\em a {\\bf b} c}d", BIB_LATEX_RICH, "<i>a <b>b</b> c</i>d");
    to_u("a {\\bf b} c", BIB_LATEX_RICH, "a <b>b</b> c");
    to_u("\\em a {b}", BIB_LATEX_RICH | BIB_LATEX_NOCASE,
         "<i>a <span class=\"nocase\">b</span></i>");
}
END_TEST

START_TEST(test_rich_helpers)
{
    bib_buf b = BIB_BUF_INIT;
    const char *r = "<i>a</i> < b <span class=\"nocase\">DNA</span>";
    bib_rich_strip(&b, r, strlen(r));
    ck_assert_str_eq(b.data, "a < b DNA");
    bib_buf_reset(&b);
    ck_assert_int_eq(bib_rich_from_plain(&b, "a < b", 5), 0);
    ck_assert_int_eq(bib_rich_from_plain(&b, "x <b> y", 7), 1);
    bib_buf_clear(&b);
    bib_rich_tag t;
    bool closing;
    ck_assert_uint_eq(bib_rich_tag_at("</sup>x", 7, &t, &closing), 6);
    ck_assert_int_eq(t, BIB_RICH_SUP);
    ck_assert(closing);
    ck_assert_uint_eq(bib_rich_tag_at("<span>", 6, &t, &closing), 0);
}
END_TEST

/* bib_latex_plain_len: the run the conversion copies as it is, at every
 * length around the sixteen-byte scan and with each special character at
 * every place (a dash or TeX quote counts doubled; alone it is copied);
 * the BibTeX reader hands a value that is all of it to the record without
 * converting it. And the nocase groups the conversion writes without its
 * brace table, against the way through the table. */
START_TEST(test_plain_len)
{
    const char specials[] = "\\{}~$-`'";
    char s[48];
    bib_buf b = BIB_BUF_INIT;
    for (size_t len = 0; len < sizeof s; len++) {
        for (size_t at = 0; at <= len; at++) {
            for (size_t k = 0; k < sizeof specials - 1; k++) {
                bool soft = strchr("-`'", specials[k]) != NULL;
                for (int twice = 0; twice <= soft; twice++) {
                    for (size_t i = 0; i < len; i++)
                        s[i] = (char)('a' + i % 26);
                    if (at < len)
                        s[at] = specials[k];
                    if (twice && at + 1 < len)
                        s[at + 1] = specials[k];
                    /* where the conversion starts to change the text */
                    size_t want = !soft || (twice && at + 1 < len) ? at : len;
                    ck_assert_uint_eq(bib_latex_plain_len(s, len), want);
                    bib_buf_reset(&b);
                    ck_assert_int_eq(bib_latex_to_unicode(&b, s, len, 0, NULL), 0);
                    ck_assert_int_eq(memcmp(b.data, s, want), 0);
                    if (want == len)
                        ck_assert_uint_eq(b.len, len);
                }
            }
        }
    }
    bib_buf_clear(&b);
    unsigned t = BIB_LATEX_RICH | BIB_LATEX_NOCASE;
    /* {{}} protects nothing: no span (an empty span holds nothing) */
    to_u("a {{B}} {{}} {} {{C} D} {{E}x} {{F}}}", t,
         "a <span class=\"nocase\">B</span>   "
         "<span class=\"nocase\">C D</span> <span class=\"nocase\">Ex</span> "
         "<span class=\"nocase\">F</span>");
    to_u("{{G}", t, "<span class=\"nocase\">G</span>");
}
END_TEST

/* The writer's sixteen-byte scan may stop early, never past a byte it
 * must convert: random texts of specials, letters and UTF-8, scanned
 * from every start, against the byte table's rule. */
START_TEST(test_from_plain_run)
{
    static const char pool[] = "ab-'`&%$#_{}\\~^<>|[]\xC3\xA9 ";
    char s[70];
    srand(17);
    for (int round = 0; round < 4000; round++) {
        size_t len = (size_t)rand() % sizeof s;
        for (size_t k = 0; k < len; k++)
            s[k] = pool[(size_t)rand() % (sizeof pool - 1)];
        for (size_t i = 0; i <= len; i++) {
            size_t r = bib__latex_from_plain_run(s, i, len);
            ck_assert_uint_ge(r, i);
            ck_assert_uint_le(r, len);
            for (size_t k = i; k < r; k++) {
                unsigned char c = (unsigned char)s[k];
                /* what bib__latex_from_plain passes: not a special, ASCII */
                bool plain = c && c < 0x80 && !strchr("&%$#<-'_{}\\~^`", c);
                ck_assert_msg(plain, "passed byte %zu of a %zu-byte text", k, len);
            }
        }
    }
}
END_TEST

/* s[0..len) converted with flags, the unknown commands counted too */
static void convert(bib_buf *b, const char *s, size_t len, unsigned flags, size_t *unknown)
{
    bib_buf_reset(b);
    ck_assert_int_eq(bib_latex_to_unicode(b, s, len, flags, unknown), 0);
}

/* The reader's quick ways against its general one, on random texts of the
 * bytes that matter: "\\&" + s (a command first, so the whole text goes
 * through the reader) must convert as "&" then s, which takes leading
 * dashes, quotes and plain groups without it; and P + s, P a group longer
 * than group_end's scan allowance (the brace table built at once), as P
 * then s, which finds its groups' ends by scans until the allowance is
 * used (texts up to 600 bytes: it runs out inside some). */
START_TEST(test_reader_quick_ways)
{
    static const char pool[] = "ab -'`{}\\~$\"&%e u";
    static const unsigned flag_sets[] = {0, BIB_LATEX_RICH | BIB_LATEX_NOCASE, BIB_LATEX_RICH};
    char big[300];
    size_t plen = 0;
    big[plen++] = '{';
    big[plen++] = '\\';
    big[plen++] = '&';
    while (plen < sizeof big - 1)
        big[plen++] = 'a';
    big[plen++] = '}';
    char s[600], t[sizeof big + sizeof s];
    bib_buf a = BIB_BUF_INIT, b = BIB_BUF_INIT, p = BIB_BUF_INIT;
    srand(23);
    for (int round = 0; round < 6000; round++) {
        size_t len = (size_t)rand() % (round % 10 ? 40 : sizeof s);
        for (size_t k = 0; k < len; k++)
            s[k] = pool[(size_t)rand() % (sizeof pool - 1)];
        if (round % 3 == 0) /* page ranges: digits and dashes only */
            for (size_t k = 0; k < len; k++)
                s[k] = "12-"[rand() % 3];
        for (size_t f = 0; f < sizeof flag_sets / sizeof *flag_sets; f++) {
            unsigned fl = flag_sets[f];
            size_t ua, ub;
            convert(&a, s, len, fl, &ua);
            memcpy(t, "\\&", 2);
            memcpy(t + 2, s, len);
            convert(&b, t, len + 2, fl, &ub);
            ck_assert_msg(b.data[0] == '&' && strcmp(a.data, b.data + 1) == 0 && ua == ub,
                          "'%.*s' (flags %u): '%s', through the reader '%s'", (int)len, s, fl,
                          a.data, b.data);
            memcpy(t, big, plen);
            memcpy(t + plen, s, len);
            convert(&p, big, plen, fl, NULL);
            convert(&b, t, plen + len, fl, &ub);
            ck_assert_uint_eq(b.len, p.len + a.len);
            ck_assert_msg(memcmp(b.data, p.data, p.len) == 0 &&
                              strcmp(b.data + p.len, a.data) == 0 && ua == ub,
                          "'%.*s' (flags %u): '%s', with the brace table '%s'", (int)len, s, fl,
                          a.data, b.data + p.len);
        }
    }
    bib_buf_clear(&a);
    bib_buf_clear(&b);
    bib_buf_clear(&p);
}
END_TEST

/* bib_latex_plain_len (latex_find_convert, whose sixteen-byte test lets
 * '|' and DEL through as '{', '}' and '~') against the byte table's rule,
 * on random texts of the specials, their neighbours and UTF-8, from every
 * start */
START_TEST(test_plain_len_random)
{
    static const char pool[] = "ab-`'\\{}~$|\x7F\x7E\x7Bz{\xC3\xA9\xFF ";
    char s[80];
    srand(29);
    for (int round = 0; round < 20000; round++) {
        size_t len = (size_t)rand() % sizeof s;
        for (size_t k = 0; k < len; k++)
            s[k] = rand() % 3 ? 'a' : pool[(size_t)rand() % (sizeof pool - 1)];
        for (size_t from = 0; from <= len; from += 7) {
            size_t want = from;
            for (; want < len; want++) {
                unsigned char c = (unsigned char)s[want];
                if (latex_char_class[c] == 1 ||
                    (latex_char_class[c] == 2 && want + 1 < len && s[want + 1] == s[want]))
                    break;
            }
            ck_assert_uint_eq(from + bib_latex_plain_len(s + from, len - from), want);
        }
    }
}
END_TEST

/* latex_put appends as bib_buf_append does, whatever the length and room */
START_TEST(test_latex_put)
{
    char src[48];
    for (size_t k = 0; k < sizeof src; k++)
        src[k] = (char)('A' + k);
    for (size_t pre = 0; pre < 40; pre++)
        for (size_t n = 0; n <= 40; n++) {
            bib_buf a = BIB_BUF_INIT, b = BIB_BUF_INIT;
            bib_buf_append(&a, src + 7, pre);
            bib_buf_append(&b, src + 7, pre);
            latex_put(&a, src + 3, n);
            bib_buf_append(&b, src + 3, n);
            ck_assert_uint_eq(a.len, b.len);
            ck_assert_msg(memcmp(a.data, b.data, a.len + 1) == 0, "%zu after %zu", n, pre);
            bib_buf_clear(&a);
            bib_buf_clear(&b);
        }
}
END_TEST

/* Classic BibTeX's run of non-ASCII characters: those with no LaTeX form
 * are kept and counted, wherever they sit in the run, a bad byte too. */
START_TEST(test_non_ascii_counted)
{
    bib_buf b = BIB_BUF_INIT;
    size_t no_latex = 99;
    const char *s = "a\xE4\xB8\xAD\xC3\xA9\xFF\xD0\x96\xC3\x9F b\xE2\x80\x93\xF0\x9F\x98\x80";
    ck_assert_int_eq(bib_latex_from_unicode(&b, s, strlen(s), BIB_LATEX_ASCII, &no_latex), 0);
    ck_assert_str_eq(b.data, "a\xE4\xB8\xAD{\\'e}\xEF\xBF\xBD\xD0\x96{\\ss} b--\xF0\x9F\x98\x80");
    ck_assert_uint_eq(no_latex, 4);
    bib_buf_clear(&b);
}
END_TEST

/* The reader's kind of name[0..n) by walking the tables in the order it
 * once asked them (letters, then bib__latex_formats in order). */
static const bib_latex_word *word_by_walk(const char *name, size_t n, uint32_t *value)
{
    static bib_latex_word letter;
    for (size_t i = 0; i < bib__latex_letters_len; i++)
        if (strlen(bib__latex_letters[i].name) == n && !memcmp(bib__latex_letters[i].name, name, n)) {
            letter = (bib_latex_word){bib__latex_letters[i].name, (uint8_t)n, BIB__LW_LETTER, 0};
            *value = bib__latex_letters[i].cp;
            return &letter;
        }
    for (size_t i = 0; i < bib__latex_formats_len; i++)
        if (bib__latex_formats[i].len == n && !memcmp(bib__latex_formats[i].name, name, n)) {
            *value = bib__latex_formats[i].value;
            return &bib__latex_formats[i];
        }
    return NULL;
}

static void word_check(const char *name, size_t n)
{
    uint32_t value = 0;
    const bib_latex_word *want = word_by_walk(name, n, &value);
    const bib_latex_word *got = bib__latex_word(name, n);
    ck_assert_msg(!want == !got, "\\%.*s: %s by the walk, %s by the hash", (int)n, name,
                  want ? "known" : "unknown", got ? "known" : "unknown");
    if (want && got) {
        ck_assert_int_eq(got->kind, want->kind);
        ck_assert_uint_eq(got->value, value);
        ck_assert_uint_eq(got->len, n);
    }
}

/* The hash of every control word the reader knows against the tables it
 * is built from: each name, each name one letter short or long or with
 * one letter changed, and random words (\par and its like). */
START_TEST(test_word_lookup)
{
    char w[32];
    const char *names[200];
    size_t count = 0;
    for (size_t i = 0; i < bib__latex_letters_len; i++)
        names[count++] = bib__latex_letters[i].name;
    for (size_t i = 0; i < bib__latex_formats_len && count < 200; i++)
        names[count++] = bib__latex_formats[i].name;
    ck_assert_uint_eq(count, bib__latex_letters_len + bib__latex_formats_len);
    for (size_t k = 0; k < count; k++) {
        size_t n = strlen(names[k]);
        ck_assert_ptr_nonnull(bib__latex_word(names[k], n));
        word_check(names[k], n);
        word_check(names[k], n - 1);
        memcpy(w, names[k], n);
        w[n] = 'x';
        word_check(w, n + 1);
        for (size_t at = 0; at < n; at++) {
            memcpy(w, names[k], n);
            w[at] = w[at] == 'z' ? 'A' : (char)(w[at] + 1);
            word_check(w, n);
        }
    }
    srand(21);
    for (int round = 0; round < 20000; round++) {
        size_t n = 1 + (size_t)rand() % 12;
        for (size_t i = 0; i < n; i++)
            w[i] = "abcdeilnoprstuxAELOST"[rand() % 21];
        word_check(w, n);
    }
    ck_assert_ptr_null(bib__latex_word("par", 3));
    ck_assert_ptr_null(bib__latex_word("emphx", 5));
    ck_assert_ptr_null(bib__latex_word("", 0));
}
END_TEST

BIB_TEST_MAIN("latex", test_accents, test_specials, test_rich_and_nocase, test_from_unicode,
              test_table_round_trip, test_named_tables_both_ways, test_rich_helpers, test_deep_nesting,
              test_plain_len, test_word_lookup, test_from_plain_run,
              test_non_ascii_counted, test_reader_quick_ways, test_latex_put,
              test_plain_len_random)
