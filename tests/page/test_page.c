/* SPDX-License-Identifier: MIT */
/*
 * test_page.c - Check suites of the page reader's internals: line features
 * (markers, feed meta lines, venues), the name model, the feed
 * title/author splitter, the labeller on small crafted pages (entries
 * without authors or abstracts, consecutive titles, titles that look like
 * names and names that look like titles, cut author lists, pages cut in
 * the middle of an entry), and the HTML-to-lines step.
 */
#include "testutil.h"
#include <stdlib.h>
#include <string.h>

#include "bibconv/names.h"
#include "pageint.h"

/* ---- helpers ---------------------------------------------------------- */

/* Splits text into a page (lines numbered from 1). */
static void load(page_lines *pl, const char *text)
{
    memset(pl, 0, sizeof *pl);
    size_t ln = 1;
    for (const char *p = text;; ln++) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        ck_assert_int_eq(page_lines_push(pl, p, n, ln), 0);
        if (!e)
            break;
        p = e + 1;
    }
}

/* One letter per line: H header, S section, T title, A author, B abstract,
 * M meta, F feed title+authors, P poster, V venue, X other, . blank. */
static void roles_of(const char *text, page_layout layout, char *out)
{
    page_lines pl;
    load(&pl, text);
    page_role *r = malloc(pl.n * sizeof *r);
    ck_assert_ptr_nonnull(r);
    if (layout == PAGE_LAYOUT_NONE) {
        const char *lang;
        layout = page_detect_layout(&pl, &lang);
    }
    ck_assert_int_eq(page_label(&pl, layout, r), 0);
    static const char letters[] = ".HSTABMFPVX";
    for (size_t i = 0; i < pl.n; i++)
        out[i] = letters[r[i]];
    out[pl.n] = '\0';
    free(r);
    page_lines_free(&pl);
}

#define ROLES(text, layout, want)                                                \
    do {                                                                         \
        char got_[256];                                                          \
        roles_of(text, layout, got_);                                            \
        ck_assert_msg(strcmp(got_, want) == 0, "roles %s, expected %s", got_, want); \
    } while (0)

/* ---- features ---------------------------------------------------------- */

START_TEST(test_markers)
{
    size_t ml = 0;
    const char *a = "The advantage o\xE2\x80\xA6 (see more)f GD is clear.";
    ck_assert_int_eq(page_find_abs_marker(a, strlen(a), &ml), 15);
    ck_assert_uint_eq(ml, 14);
    const char *b = "des r\xC3\xA9seaux\xE2\x80\xA6 (voir plus).";
    ck_assert_int_ge(page_find_abs_marker(b, strlen(b), &ml), 0);
    ck_assert_uint_eq(ml, 15);
    ck_assert_int_lt(page_find_abs_marker("no marker here", 14, &ml), 0);
    const char *c = "Joel Jennings \xE2\x80\xA6 (see 3 more)";
    ck_assert_int_eq(page_find_auth_marker(c, strlen(c)), 13);
    const char *d = "Ana Lopez \xE2\x80\xA6 (voir 2 de plus)";
    ck_assert_int_eq(page_find_auth_marker(d, strlen(d)), 9);
    ck_assert_int_lt(page_find_auth_marker("Results (see Table 2)", 21), 0);
}
END_TEST

START_TEST(test_meta_lines)
{
    page_meta m;
    const char *a = "LGOct 6, 2023";
    ck_assert(page_parse_meta(a, strlen(a), &m));
    ck_assert_uint_eq(m.codes_len, 2);
    ck_assert(m.has_year && !m.code && m.score_len == 0);
    ck_assert_uint_eq(m.date_len, 11);
    const char *b = "79.2NEMay 29";
    ck_assert(page_parse_meta(b, strlen(b), &m));
    ck_assert_uint_eq(m.score_len, 4);
    ck_assert(!m.has_year);
    const char *c = "LGNECVJan 2, 2020Code";
    ck_assert(page_parse_meta(c, strlen(c), &m));
    ck_assert_uint_eq(m.codes_len, 6);
    ck_assert(m.code);
    ck_assert(!page_parse_meta("Learning Oct 6, 2023", 20, &m));
    ck_assert(!page_parse_meta("LOct 6, 2023", 12, &m));
    ck_assert(!page_parse_meta("LGFoo 6, 2023", 13, &m));
}
END_TEST

START_TEST(test_venues)
{
    int y;
    size_t n;
    ck_assert(page_parse_venue("COSYNE 2022", 11, &y, &n));
    ck_assert_int_eq(y, 2022);
    ck_assert_uint_eq(n, 6);
    ck_assert(page_parse_venue("FENS Forum 2024", 15, &y, &n));
    ck_assert(page_parse_venue("Neuromatch 5", 12, &y, &n));
    ck_assert_int_eq(y, 0);
    ck_assert(!page_parse_venue("Learning in 2022", 16, &y, &n));
    ck_assert(!page_parse_venue("What happened in 1999?", 22, &y, &n));
    ck_assert(!page_parse_venue("Chapter 12345", 13, &y, &n));
}
END_TEST

/* ---- the name model ----------------------------------------------------- */

START_TEST(test_names_accepted)
{
    static const char *const names[] = {
        "Matthew G Perich", "Blake A. Richards", "Martijn P van den Heuvel",
        "Avery Hee-Woon Ryoo", "Matja\xC5\xBE Jakopec", "Johannes von Oswald", "Wei Liu 0001",
        "Pierre-Luc BACON", "Zo\xC3\xAB Kravitz*", "MohammadReza Davari", "Claire O'Neil",
        "Nguyen Van Anh", ("Jean\xE2\x80\x90" "Claude Beique"), "Yann Le Cun", "J. R. R. Tolkien",
    };
    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        int s = page_name_score(names[i], strlen(names[i]));
        ck_assert_msg(s > 0, "'%s' scored %d", names[i], s);
    }
}
END_TEST

START_TEST(test_names_refused)
{
    static const char *const lines[] = {
        "Learning Stochastic Rainbow Networks", "Brain-like learning with exponentiated gradients",
        "Ordered Memory", "Group Membership Bias", "Research Topics", "Publications",
        "Principal supervisor :", "PhD - McGill University", "Is a Modular Architecture Enough?",
        "NEURAL MANIFOLDS AND GRADIENT-BASED ADAPTATION", "COSYNE 2022", "Canada CIFAR AI Chair",
        "Deep Reinforcement Learning",
    };
    /* the page's shape score refuses a line by its shape; two capitalised
     * words of a title are told from a name by core's learned name model
     * (the page model weighs both: docs/page.md, "Names and titles") */
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
        size_t n = strlen(lines[i]);
        int s = page_name_score(lines[i], n);
        double c = bib_name_score(lines[i], n);
        ck_assert_msg(s <= 0 || c < 0, "'%s' scored %d and %.2f as a name", lines[i], s, c);
    }
}
END_TEST

/* ---- the feed splitter -------------------------------------------------- */

static void split_case(const char *line, const char *title, const char *first, bool et_al,
                       const char *org)
{
    page_feed_split sp;
    ck_assert_msg(page_feed_split_line(line, strlen(line), &sp), "no split: %s", line);
    ck_assert_msg(sp.title_len == strlen(title) && memcmp(line, title, sp.title_len) == 0,
                  "title of '%s' is '%.*s'", line, (int)sp.title_len, line);
    size_t fl = strlen(first);
    ck_assert_msg(memcmp(line + sp.authors_off, first, fl) == 0, "first author of '%s': '%s'",
                  line, line + sp.authors_off);
    ck_assert(sp.et_al == et_al);
    if (org)
        ck_assert(sp.org_len == strlen(org) && memcmp(line + sp.org_off, org, sp.org_len) == 0);
    else
        ck_assert_uint_eq(sp.org_len, 0);
}

START_TEST(test_feed_split)
{
    split_case("Reliability of CKA as a Similarity Measure in Deep LearningMohammadReza Davari, "
               "Stefan Horoi, Amine Natik et al. \xC2\xB7 mila",
               "Reliability of CKA as a Similarity Measure in Deep Learning", "MohammadReza Davari",
               true, "mila");
    split_case("A Unified, Scalable Framework for Neural Population DecodingJane Roe, Bo Li",
               "A Unified, Scalable Framework for Neural Population Decoding", "Jane Roe", false,
               NULL);
    split_case("Learning Dense Correspondences via MCMCJane Doe, Li Na et al.",
               "Learning Dense Correspondences via MCMC", "Jane Doe", true, NULL);
    split_case("Is Attention All We Need?Maria de Souza, JeanPaul Moreau",
               "Is Attention All We Need?", "Maria de Souza", false, NULL);
    split_case("Benchmarking GPT-4Aditya Ramesh Kumar, Sofia Rossi",
               "Benchmarking GPT-4", "Aditya Ramesh Kumar", false, NULL);
    split_case("Grid cells in deep networksNicol\xC3\xA1s van Dijk et al. \xC2\xB7 ucl",
               "Grid cells in deep networks", "Nicol\xC3\xA1s van Dijk", true, "ucl");
    split_case("Scaling Laws for LLMsJaehoon Lee, MohammadAmin Rezaei",
               "Scaling Laws for LLMs", "Jaehoon Lee", false, NULL);
    page_feed_split sp;
    const char *none = "A title without any author list";
    ck_assert(!page_feed_split_line(none, strlen(none), &sp));
    ck_assert_uint_eq(sp.title_len, strlen(none));
}
END_TEST

/* ---- the labeller -------------------------------------------------------- */

#define HEAD "Portrait of Ada Example\n\nAda Example\n\nCore Academic Member\n\nPublications\n\n"
#define HEADR "H.H.H.S."
#define MORE "\xE2\x80\xA6 (see more)"

START_TEST(test_profile_shapes)
{
    /* title only; title + authors; title + abstract; all three */
    ROLES(HEAD "A Study of Things\n"
               "Graph Neural Networks for Chemistry\nRosa Diaz\nKim Lee\n"
               "Why Sparse Models Win\nSparse models are popular. We show wh" MORE "y they win.\n"
               "Robust Control of Robots\nIvo Petrov\n"
               "Robots need robust control. W" MORE "e give one.",
          PAGE_LAYOUT_PROFILE, HEADR "TTAATBTAB");
}
END_TEST

START_TEST(test_profile_consecutive_titles)
{
    /* identical consecutive titles are two records; a title that reads
     * like a name after a title-only record is a title */
    ROLES(HEAD "Ordered Memory\nOrdered Memory\nLearning Structured Feature Networks\n"
               "Ana Souza\nThe model learns. We show i" MORE "t works.",
          PAGE_LAYOUT_PROFILE, HEADR "TTTAB");
}
END_TEST

START_TEST(test_profile_name_like_first_title)
{
    ROLES(HEAD "Group Membership Bias\nTom Hardy\nGroups matter. We stud" MORE "y bias.",
          PAGE_LAYOUT_PROFILE, HEADR "TAB");
}
END_TEST

START_TEST(test_profile_title_after_authors)
{
    /* authors then a new title with no abstract between */
    ROLES(HEAD "Expressivity of Networks with Fixed Weights\nAmy Chen\nLuca Rossi\n"
               "Fast transients convey information about the rate\nOmar Haddad\n"
               "Bursts carry signals. We sho" MORE "w how.",
          PAGE_LAYOUT_PROFILE, HEADR "TAATAB");
}
END_TEST

START_TEST(test_profile_names_like_titles)
{
    /* names made of words that are also common words */
    ROLES(HEAD "Sequential Decisions Under Uncertainty\nWill Grant\nHope Young\n"
               "Decisions are hard. We mod" MORE "el them.",
          PAGE_LAYOUT_PROFILE, HEADR "TAAB");
}
END_TEST

START_TEST(test_profile_short_abstract)
{
    /* an abstract shorter than the site's cut-off has no marker */
    ROLES(HEAD "Small Models for Parsing\nAnn Smith\n"
               "We show that small models suffice for parsing these languages.\n"
               "Another Title on Vision",
          PAGE_LAYOUT_PROFILE, HEADR "TABT");
}
END_TEST

START_TEST(test_profile_cut_author_list)
{
    ROLES(HEAD "A Very Large Collaboration Paper\nAnn Smith\nBo Chen \xE2\x80\xA6 (see 5 more)\n"
               "Zed Last\nWe report. Many auth" MORE "ors helped.",
          PAGE_LAYOUT_PROFILE, HEADR "TAAAB");
}
END_TEST

START_TEST(test_profile_marker_own_line)
{
    /* the "(see N more)" marker alone on the line after the last name */
    ROLES(HEAD "A Very Large Collaboration Paper\nAnn Smith\nBo Chen\n\xE2\x80\xA6 (see 2 more)\n"
               "We report. Many auth" MORE "ors helped.\nNext Title About Vision",
          PAGE_LAYOUT_PROFILE, HEADR "TAAABT");
}
END_TEST

START_TEST(test_profile_cut_page)
{
    /* the page ends after an author line, and after a title */
    ROLES(HEAD "Title of a Record About Learning\nAnn Smith\nBo Chen", PAGE_LAYOUT_PROFILE,
          HEADR "TAA");
    ROLES(HEAD "Title of a Record About Learning\nAnn Smith\nAnother Paper on Vision Models",
          PAGE_LAYOUT_PROFILE, HEADR "TAT");
    /* cut inside the abstract: a short fragment that starts like prose */
    ROLES(HEAD "Title of a Record About Learning\nAnn Smith\nWe study how agents learn to",
          PAGE_LAYOUT_PROFILE, HEADR "TAB");
    /* cut inside the abstract: running prose without its sentence end,
     * after authors and after a title-only record; a Title Case line or
     * one with a colon stays a title */
    ROLES(HEAD "Title of a Record About Learning\nAnn Smith\nComputational models of the "
               "cortex are wid",
          PAGE_LAYOUT_PROFILE, HEADR "TAB");
    ROLES(HEAD "Sparse Circuits\nGreedy Layerwise Training Revisited\nGreedy layerwise "
               "training was aba",
          PAGE_LAYOUT_PROFILE, HEADR "TTB");
    ROLES(HEAD "Title of a Record About Learning\nAnn Smith\nRobust Models of the Cortex",
          PAGE_LAYOUT_PROFILE, HEADR "TAT");
    ROLES(HEAD "Title of a Record About Learning\nAnn Smith\nSparse coding in the visual "
               "cortex: a review",
          PAGE_LAYOUT_PROFILE, HEADR "TAT");
    /* the same on a topic page */
    ROLES("Memory\nmemory\nN/A\nTalk One: About Memory\nMemories form in the hippocampus and "
          "are slowly moved to",
          PAGE_LAYOUT_NONE, "HHHTB");
    /* a page that ends on the heading has no records */
    ROLES("Portrait of Ada Example\n\nAda Example\n\nPublications", PAGE_LAYOUT_PROFILE,
          "H.H.S");
}
END_TEST

START_TEST(test_feed_and_topic)
{
    ROLES("LGOct 6, 2023\nA Title About ModelsAnn Smith, Bo Chen et al.\n"
          "We study models. They work well in practice and we show it.\n"
          "79.2NEMay 29\nAnother Title?Cy Twombly\nShort abstract. It is here and it is fine.",
          PAGE_LAYOUT_NONE, "MFBMFB");
    ROLES("Memory\nmemory\nN/A\n"
          "Talk One: About Memory\nThis talk is about memory. It explains how memories form and "
          "why they fade over time in the brain.\n"
          "Talk Two Without Abstract\n"
          "Poster About Memory Consolidation\nCOSYNE 2023\n"
          "Another Poster\nNeuromatch 5",
          PAGE_LAYOUT_NONE, "HHHTBTPVPV");
}
END_TEST

START_TEST(test_layout_detection)
{
    static const struct {
        const char *text;
        page_layout want;
    } cases[] = {
        {"Portrait de Jeanne Exemple\n\nJeanne Exemple\n\nPublications\n\nUn titre", 
         PAGE_LAYOUT_PROFILE},
        {"LGOct 6, 2023\nA TitleAnn Smith\nAbstract text.", PAGE_LAYOUT_FEED},
        {"Vision\nvision\nN/A\nA talk", PAGE_LAYOUT_TOPIC},
        {"Just some notes\nnothing else", PAGE_LAYOUT_NONE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        page_lines pl;
        load(&pl, cases[i].text);
        const char *lang;
        ck_assert_int_eq(page_detect_layout(&pl, &lang), cases[i].want);
        if (i == 0)
            ck_assert_str_eq(lang, "fr");
        page_lines_free(&pl);
    }
}
END_TEST

START_TEST(test_boundaries)
{
    page_lines pl;
    load(&pl, "LGOct 6, 2023\nA TitleAnn Smith\nAbstract.\nPortrait of Ann Smith");
    ck_assert_uint_eq(page_boundary(&pl, 3, PAGE_LAYOUT_FEED, false), 3);
    ck_assert_uint_eq(page_boundary(&pl, 1, PAGE_LAYOUT_FEED, false), (size_t)-1);
    page_lines_free(&pl);
    load(&pl, "Portrait of Ann Smith\n\nPublications\n\nA Title\nVision\nvision\nN/A");
    ck_assert_uint_eq(page_boundary(&pl, 7, PAGE_LAYOUT_NONE, false), 5);
    ck_assert_uint_eq(page_boundary(&pl, 4, PAGE_LAYOUT_NONE, false), (size_t)-1);
    page_lines_free(&pl);
}
END_TEST

START_TEST(test_paper_fallback)
{
    /* no layout's cues: a title and a paragraph of prose is a single-paper
     * page; a title alone, or short lines, stay refused */
    static const struct {
        const char *text;
        page_layout want;
    } cases[] = {
        {"Counting Cells in Sparse Volumes\n\nWe count cells in large volumes of tissue without "
         "segmenting them. Sparse projections keep the structure that matters. The counts are "
         "close to those of dense methods at a fraction of the cost.",
         PAGE_LAYOUT_PAPER},
        {"Counting Cells in Sparse Volumes\nAnother short line\nand one more", PAGE_LAYOUT_NONE},
        {"We count cells in large volumes of tissue without segmenting them. Sparse projections "
         "keep the structure that matters. The counts are close to those of dense methods.\n"
         "We count cells in large volumes of tissue without segmenting them. Sparse projections "
         "keep the structure that matters. The counts are close to those of dense methods.",
         PAGE_LAYOUT_NONE},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        page_lines pl;
        load(&pl, cases[i].text);
        const char *lang;
        ck_assert_int_eq(page_detect_layout(&pl, &lang), cases[i].want);
        page_lines_free(&pl);
    }
}
END_TEST

START_TEST(test_metrics_venue)
{
    static const struct {
        const char *line, *venue;
    } cases[] = {
        {"arXiv:2401.00001Citations: 17h-index: 9NeurIPS 2024", "NeurIPS 2024"},
        {"123 citationsh-index: 6ICLR", "ICLR"},
        {"h-index: 12ICML 2023Code", "ICML 2023"},
        {"Citations: 4h-index: 12", NULL},
        {"Citations: 17NeurIPS 2024", "NeurIPS 2024"},
        {"arXiv:2401.00001Citations: 3ACL 2021h-index: 4EMNLP 2022Code", "EMNLP 2022"},
        {"h-index: none", NULL},
        {"no metrics here", NULL},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        const char *s = cases[i].line;
        size_t off = 0, len = 0;
        bool ok = page_metrics_venue(s, strlen(s), &off, &len);
        ck_assert_msg(ok == (cases[i].venue != NULL), "%s", s);
        if (ok)
            ck_assert_msg(len == strlen(cases[i].venue)
                              && memcmp(s + off, cases[i].venue, len) == 0,
                          "%s: '%.*s'", s, (int)len, s + off);
    }
}
END_TEST

START_TEST(test_lower_copy)
{
    static const struct {
        const char *a, *b;
        bool want;
    } cases[] = {
        {"Vision", "vision", true},
        {"Deep Learning", "deep learning", true},
        {"fMRI", "fmri", true},
        {"vision", "vision", false},  /* repeated as is: not a slug */
        {"Vision", "Vision", false},
        {"Vision", "visions", false},
        {"Vision", "VISION", false},
        {"", "", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        page_line a = {(char *)cases[i].a, strlen(cases[i].a), 1};
        page_line b = {(char *)cases[i].b, strlen(cases[i].b), 2};
        ck_assert_msg(page_is_lower_copy(&a, &b) == cases[i].want, "%s / %s", cases[i].a,
                      cases[i].b);
    }
    /* a repeated line before "N/A" is no topic header */
    page_lines pl;
    load(&pl, "vision\nvision\nN/A\nA talk");
    const char *lang;
    ck_assert_int_eq(page_detect_layout(&pl, &lang), PAGE_LAYOUT_NONE);
    page_lines_free(&pl);
}
END_TEST

START_TEST(test_layout_table)
{
    /* every row of page_layouts.def is a complete descriptor, found by name */
    for (int l = PAGE_LAYOUT_NONE + 1; l < PAGE_LAYOUT_END; l++) {
        const page_layout_desc *d = page_layout_get((page_layout)l);
        ck_assert_ptr_nonnull(d);
        ck_assert_int_eq(page_layout_find(d->name), l);
        ck_assert_str_eq(page_layout_name((page_layout)l), d->name);
        ck_assert_ptr_nonnull(d->build);
        ck_assert(d->label || (d->nstates > 1 && d->start && d->trans
                               && d->state_roles && d->state_names));
        if (!d->label)
            ck_assert_int_eq(d->state_roles[d->nstates - 1], PAGE_ROLE_OTHER);
    }
    ck_assert_ptr_null(page_layout_get(PAGE_LAYOUT_NONE));
    ck_assert_ptr_null(page_layout_get(PAGE_LAYOUT_END));
    ck_assert_int_eq(page_layout_find("auto"), PAGE_LAYOUT_NONE);
    ck_assert_str_eq(page_layout_name(PAGE_LAYOUT_NONE), "none");
}
END_TEST

/* ---- best path ---------------------------------------------------------- */

START_TEST(test_viterbi)
{
    /* two states; emissions favour 0,1,1 but 1->1 is forbidden */
    static const int emit[] = {5, 0, 0, 3, 0, 3};
    static const int trans[] = {0, 0, 0, PAGE_NEG};
    static const int start[] = {0, 0};
    int path[3];
    ck_assert_int_eq(page_viterbi(3, 2, emit, trans, start, path), 0);
    ck_assert_int_eq(path[0], 0);
    ck_assert_int_eq(path[1] + path[2], 1);
    ck_assert_int_eq(page_viterbi(0, 2, emit, trans, start, path), 0);
}
END_TEST

/* ---- HTML to lines -------------------------------------------------------- */

START_TEST(test_html_lines)
{
    const char *html =
        "<!DOCTYPE html><html><head><title>T</title><style>p{}</style></head><body>"
        "<nav><a href='/'>Home</a></nav><header>Site</header>"
        "<img src='x.png' alt='Portrait of Ann Smith'>"
        "<h1>Ann   Smith</h1>\n<div class=meta><span>LG</span><span>Oct 6, 2023</span></div>"
        "<p>One&nbsp;line<br>Two &amp; three</p><script>var x = '<p>no</p>';</script>"
        "<ul><li>Caf&eacute;</li><li>  </li></ul><footer>Foot</footer></body></html>";
    page_lines pl = {0};
    ck_assert(page_looks_html(html, strlen(html)));
    ck_assert(!page_looks_html("Portrait of X", 13));
    /* a fragment opens on a body element; an XML record list or a
     * tag-like word is no HTML */
    static const char *const yes[] = {"<h2>Publications</h2>", "\n <ul>\n<li>x", "<P class=a>",
                                      "<section id=p>", "<br/>"};
    static const char *const no[] = {"<xml><records>", "<records>", "<pages>", "<i", "<p",
                                     "<abc>", "<mods version=\"3\">"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++)
        ck_assert_msg(page_looks_html(yes[i], strlen(yes[i])), "%s", yes[i]);
    for (size_t i = 0; i < sizeof no / sizeof *no; i++)
        ck_assert_msg(!page_looks_html(no[i], strlen(no[i])), "%s", no[i]);
    char why[120];
    ck_assert_int_eq(page_html_to_lines(html, strlen(html), &pl, why, sizeof why), 0);
    ck_assert_str_eq(why, "");
    static const char *const want[] = {"Portrait of Ann Smith", "Ann Smith", "LGOct 6, 2023",
                                       "One line", "Two & three", "Caf\xC3\xA9"};
    ck_assert_uint_eq(pl.n, sizeof want / sizeof *want);
    for (size_t i = 0; i < pl.n; i++)
        ck_assert_str_eq(pl.v[i].text, want[i]);
    page_lines_free(&pl);
    /* bytes that are not the declared charset: libxml2 stops there and
     * says why on its generic channel, which comes back here */
    static const char bad[] = "<html><head><meta charset=\"Shift_JIS\"></head><body>"
                              "<p>Before</p><p>x\x81\x20\xA0\xFD y</p><p>After</p></body></html>";
    ck_assert_int_eq(page_html_to_lines(bad, strlen(bad), &pl, why, sizeof why), 0);
    ck_assert_msg(strstr(why, "conversion failed") != NULL, "why: '%s'", why);
    page_lines_free(&pl);
}
END_TEST

/* ---- Markdown inline markup ---------------------------------------------- */

START_TEST(test_unmark)
{
    static const char *const cases[][2] = {
        {"- **Sparse Routing for Mixtures**  ", "- Sparse Routing for Mixtures  "},
        {"A. Lee. [Robust Estimation](https://x.org/a.pdf). *J. Causal Inf.*, 2023.",
         "A. Lee. Robust Estimation. J. Causal Inf., 2023."},
        {"## 2023", "2023"},
        {"__Bold__ and _it_.", "Bold and it."},
        /* a name's equal-contribution mark and spaced operators stay */
        {"Zo\xC3\xAB Kravitz*", "Zo\xC3\xAB Kravitz*"},
        {"Ana Lima*, Bo Chen*", "Ana Lima*, Bo Chen*"},
        {"a * b * c", "a * b * c"},
        {"snake_case_name and x_i", "snake_case_name and x_i"},
        {"#hashtag", "#hashtag"},
        {"[1] A. Lee (2020) [see](notes/a)", "[1] A. Lee (2020) see"},
        {"Potentials of the E[Sub 1](TO) Mode", "Potentials of the E[Sub 1](TO) Mode"},
        {"**unclosed bold", "**unclosed bold"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char buf[256];
        size_t n = strlen(cases[i][0]);
        memcpy(buf, cases[i][0], n + 1);
        n = page_unmark(buf, n);
        ck_assert_str_eq(buf, cases[i][1]);
        ck_assert_uint_eq(n, strlen(cases[i][1]));
    }
}
END_TEST

/* A page in pieces is joined back into its lines, each joined line keeping
 * its first piece's number; a page of whole lines is not in pieces. */
START_TEST(test_reflow)
{
    page_lines pl, out = {0};
    load(&pl, "Publications\nRoe,\nJane,\nDoe,\nJohn\n(2019):\nA title of the entry.\n"
              "In:\nJournal of Things\n,\n2019,\n.\npp. 1-9.\nLee,\nAnn\n(2020):\n"
              "Another title.\nIn:\nProc. of Stuff\n,\n2020,\n.");
    ck_assert(page_in_pieces(&pl));
    ck_assert_int_eq(page_reflow(&pl, &out), BIB_OK);
    ck_assert(out.pieces);
    static const char *const want[] = {
        "Publications", "Roe, Jane, Doe, John", "(2019): A title of the entry.",
        "In: Journal of Things, 2019,.", "pp. 1-9.", "Lee, Ann", "(2020): Another title.",
        "In: Proc. of Stuff, 2020,."};
    static const size_t lines[] = {1, 2, 6, 8, 13, 14, 16, 18};
    ck_assert_uint_eq(out.n, sizeof want / sizeof *want);
    for (size_t i = 0; i < out.n; i++) {
        ck_assert_str_eq(out.v[i].text, want[i]);
        ck_assert_uint_eq(out.v[i].lineno, lines[i]);
    }
    page_lines_free(&out);
    page_lines_free(&pl);
    /* a name list one name a line, under titles: not a third of pieces */
    load(&pl, "Publications\n\nA first title on the page\nAna Lima,\nJo Park\n\n"
              "A second title on the page\nLi Wei,\nSam Roe\n\nA third title here\n"
              "Kim Lee\n\nA fourth title here\nBo Chen\n\nA fifth title here\nAl Diaz\n");
    ck_assert(!page_in_pieces(&pl));
    page_lines_free(&pl);
}
END_TEST

BIB_TEST_MAIN("page", test_markers, test_meta_lines, test_venues, test_names_accepted,
              test_names_refused, test_feed_split, test_profile_shapes,
              test_profile_consecutive_titles, test_profile_name_like_first_title,
              test_profile_title_after_authors, test_profile_names_like_titles,
              test_profile_short_abstract,
              test_profile_cut_author_list, test_profile_marker_own_line,
              test_profile_cut_page, test_feed_and_topic,
              test_layout_detection, test_paper_fallback, test_metrics_venue, test_lower_copy, test_layout_table, test_boundaries,
              test_viterbi, test_html_lines, test_unmark, test_reflow)
