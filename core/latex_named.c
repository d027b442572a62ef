/* SPDX-License-Identifier: MIT */
/* latex_named.c - the LaTeX commands that name one character: text-mode
 * letters and symbols (`\ss`, `\textdagger`) and the math symbols read
 * from a $...$ that holds one of them. Hand-kept (latex_table.c is
 * generated); kept apart from latex.c so the tests walk them. Also their
 * index by code point, for writing. */
#include <pthread.h>

#include "latex_table.h"

/* Commands without argument that stand for one character. */
const bib_latex_named bib__latex_letters[] = {
    {"AA", 0xC5}, {"AE", 0xC6}, {"DH", 0xD0}, {"DJ", 0x110}, {"L", 0x141}, {"NG", 0x14A},
    {"O", 0xD8}, {"OE", 0x152}, {"P", 0xB6}, {"S", 0xA7}, {"TH", 0xDE}, {"aa", 0xE5},
    {"ae", 0xE6}, {"copyright", 0xA9}, {"dh", 0xF0}, {"dj", 0x111}, {"dots", 0x2026},
    {"euro", 0x20AC}, {"guillemotleft", 0xAB}, {"guillemotright", 0xBB}, {"i", 0x131},
    {"j", 0x237}, {"l", 0x142}, {"ldots", 0x2026}, {"ng", 0x14B}, {"o", 0xF8}, {"oe", 0x153},
    {"pounds", 0xA3}, {"ss", 0xDF}, {"textasciicircum", '^'}, {"textasciitilde", '~'},
    {"textbackslash", '\\'}, {"textbar", '|'}, {"textbraceleft", '{'},
    {"textbraceright", '}'}, {"textbullet", 0x2022},
    {"textcopyright", 0xA9}, {"textdagger", 0x2020}, {"textdegree", 0xB0},
    {"textdollar", '$'}, {"textellipsis", 0x2026}, {"textemdash", 0x2014},
    {"textendash", 0x2013}, {"texteuro", 0x20AC}, {"textexclamdown", 0xA1},
    {"textgreater", '>'}, {"textless", '<'}, {"textperiodcentered", 0xB7},
    {"textperthousand", 0x2030}, {"textquestiondown", 0xBF}, {"textquotedbl", '"'},
    {"textquotedblleft", 0x201C}, {"textquotedblright", 0x201D}, {"textquoteleft", 0x2018},
    {"textquoteright", 0x2019}, {"textregistered", 0xAE}, {"textsection", 0xA7},
    {"textsterling", 0xA3}, {"texttrademark", 0x2122}, {"textunderscore", '_'},
    {"th", 0xFE},
};

/* Math-mode commands kept only when a $...$ holds exactly one of them. */
const bib_latex_named bib__latex_math[] = {
    {"Delta", 0x394}, {"Gamma", 0x393}, {"Lambda", 0x39B}, {"Omega", 0x3A9}, {"Phi", 0x3A6},
    {"Pi", 0x3A0}, {"Psi", 0x3A8}, {"Rightarrow", 0x21D2}, {"Sigma", 0x3A3}, {"Theta", 0x398},
    {"Upsilon", 0x3A5}, {"Xi", 0x39E}, {"alpha", 0x3B1}, {"approx", 0x2248}, {"ast", 0x2217},
    {"beta", 0x3B2}, {"cap", 0x2229}, {"cdot", 0xB7}, {"chi", 0x3C7}, {"circ", 0x2218},
    {"cup", 0x222A}, {"delta", 0x3B4}, {"ell", 0x2113}, {"epsilon", 0x3B5}, {"equiv", 0x2261},
    {"eta", 0x3B7}, {"exists", 0x2203}, {"forall", 0x2200}, {"gamma", 0x3B3}, {"geq", 0x2265},
    {"gg", 0x226B}, {"in", 0x2208}, {"infty", 0x221E}, {"iota", 0x3B9}, {"kappa", 0x3BA},
    {"lambda", 0x3BB}, {"leftarrow", 0x2190}, {"leftrightarrow", 0x2194}, {"leq", 0x2264},
    {"ll", 0x226A}, {"mu", 0x3BC}, {"nabla", 0x2207}, {"neq", 0x2260}, {"notin", 0x2209},
    {"nu", 0x3BD}, {"omega", 0x3C9}, {"partial", 0x2202}, {"phi", 0x3C6}, {"pi", 0x3C0},
    {"pm", 0xB1}, {"prod", 0x220F}, {"propto", 0x221D}, {"psi", 0x3C8}, {"rho", 0x3C1},
    {"sigma", 0x3C3}, {"sim", 0x223C}, {"subset", 0x2282}, {"subseteq", 0x2286},
    {"sum", 0x2211}, {"tau", 0x3C4}, {"theta", 0x3B8}, {"times", 0xD7}, {"to", 0x2192},
    {"upsilon", 0x3C5}, {"varepsilon", 0x3B5}, {"varphi", 0x3C6}, {"xi", 0x3BE},
    {"zeta", 0x3B6},
};

const size_t bib__latex_letters_len = sizeof bib__latex_letters / sizeof bib__latex_letters[0];
const size_t bib__latex_math_len = sizeof bib__latex_math / sizeof bib__latex_math[0];

/* The named-character tables by code point, built once (the -j workers
 * share them): a non-ASCII character with no command (Cyrillic, CJK...)
 * was two linear scans, a tenth of BibTeX -> BibTeX on such text. Each
 * index is sorted by code point, then table order, so a search finds
 * the entry the table lists first, as the scans did. */
enum { NAMED_MAX = 256 };
static unsigned short letters_by_cp[NAMED_MAX], math_by_cp[NAMED_MAX];
static pthread_once_t named_once = PTHREAD_ONCE_INIT;

static void sort_by_cp(const bib_latex_named *t, size_t n, unsigned short *idx)
{
    for (size_t i = 0; i < n; i++) { /* insertion sort: stable, tables of ~70 */
        size_t j = i;
        while (j > 0 && t[idx[j - 1]].cp > t[i].cp) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = (unsigned short)i;
    }
}

/* One bit per 64 code points (to U+10FFFF): set where an accent, letter
 * or math table lists a character, or put_non_ascii spells one itself
 * (the dashes, the no-break space). Most non-ASCII text (Cyrillic, CJK,
 * Greek words...) falls in pages without any, and skips three searches. */
enum { PAGE_BITS = BIB__LATEX_PAGE_BITS, PAGES = 0x110000 >> PAGE_BITS };
static uint64_t named_pages[PAGES / 64];

static void mark_page(uint32_t cp)
{
    if (cp < 0x110000)
        named_pages[(cp >> PAGE_BITS) / 64] |= 1ull << ((cp >> PAGE_BITS) % 64);
}

static void named_build(void)
{
    for (size_t i = 0; i < bib__latex_accents_len; i++)
        mark_page(bib__latex_accents[i].cp);
    for (size_t i = 0; i < bib__latex_letters_len; i++)
        mark_page(bib__latex_letters[i].cp);
    for (size_t i = 0; i < bib__latex_math_len; i++)
        mark_page(bib__latex_math[i].cp);
    mark_page(0x2013);
    mark_page(0x2014);
    mark_page(0xA0);
    if (bib__latex_letters_len <= NAMED_MAX)
        sort_by_cp(bib__latex_letters, bib__latex_letters_len, letters_by_cp);
    if (bib__latex_math_len <= NAMED_MAX)
        sort_by_cp(bib__latex_math, bib__latex_math_len, math_by_cp);
}

/* The name of the first entry of t for cp, NULL if none. */
static const char *named_for(const bib_latex_named *t, size_t n, const unsigned short *idx,
                             uint32_t cp)
{
    pthread_once(&named_once, named_build);
    if (n > NAMED_MAX) { /* a table grown past the index: scanned */
        for (size_t i = 0; i < n; i++)
            if (t[i].cp == cp)
                return t[i].name;
        return NULL;
    }
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (t[idx[mid]].cp < cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && t[idx[lo]].cp == cp ? t[idx[lo]].name : NULL;
}

const char *bib__latex_letter_by_cp(uint32_t cp)
{
    return named_for(bib__latex_letters, bib__latex_letters_len, letters_by_cp, cp);
}

const char *bib__latex_math_by_cp(uint32_t cp)
{
    return named_for(bib__latex_math, bib__latex_math_len, math_by_cp, cp);
}

const uint64_t *bib__latex_named_page_bits(void)
{
    pthread_once(&named_once, named_build);
    return named_pages;
}

bool bib__latex_cp_may_name(uint32_t cp)
{
    pthread_once(&named_once, named_build);
    return cp >= 0x110000 ||
           (named_pages[(cp >> PAGE_BITS) / 64] >> ((cp >> PAGE_BITS) % 64) & 1);
}
