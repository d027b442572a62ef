/* SPDX-License-Identifier: MIT */
/* latex_words.c - every control word the LaTeX reader knows (latex.c),
 * with its kind, found by one hash lookup. The reader used to ask the
 * letter table, then the formatting commands, the declarations and
 * the few others in turn, about 300 instructions for a word none of
 * them knows (\par, the commonest in BibTeX files). The tables here
 * (and bib__latex_letters, latex_named.c) stay the source; the hash
 * index is built from them once, and tests/text/test_latex.c ties it
 * to a walk of the tables. */
#include <pthread.h>
#include <string.h>

#include "bibconv/latex.h"
#include "latex_table.h"

#define NT(s) s, sizeof s - 1
/* Formatting command -> markup tag; BIB_RICH_NONE for "keep the text". */
const bib_latex_word bib__latex_formats[] = {
    {NT("emph"), BIB__LW_FORMAT, BIB_RICH_ITALIC},
    {NT("textit"), BIB__LW_FORMAT, BIB_RICH_ITALIC},
    {NT("textsl"), BIB__LW_FORMAT, BIB_RICH_ITALIC},
    {NT("mkbibemph"), BIB__LW_FORMAT, BIB_RICH_ITALIC},
    {NT("mkbibitalic"), BIB__LW_FORMAT, BIB_RICH_ITALIC},
    {NT("textbf"), BIB__LW_FORMAT, BIB_RICH_BOLD},
    {NT("mkbibbold"), BIB__LW_FORMAT, BIB_RICH_BOLD},
    {NT("textsc"), BIB__LW_FORMAT, BIB_RICH_SMALLCAPS},
    {NT("textsuperscript"), BIB__LW_FORMAT, BIB_RICH_SUP},
    {NT("mkbibsuperscript"), BIB__LW_FORMAT, BIB_RICH_SUP},
    {NT("textsubscript"), BIB__LW_FORMAT, BIB_RICH_SUB},
    {NT("mkbibsubscript"), BIB__LW_FORMAT, BIB_RICH_SUB},
    {NT("textrm"), BIB__LW_FORMAT, BIB_RICH_NONE},
    {NT("textsf"), BIB__LW_FORMAT, BIB_RICH_NONE},
    {NT("texttt"), BIB__LW_FORMAT, BIB_RICH_NONE},
    {NT("textnormal"), BIB__LW_FORMAT, BIB_RICH_NONE},
    {NT("textup"), BIB__LW_FORMAT, BIB_RICH_NONE},
    {NT("textmd"), BIB__LW_FORMAT, BIB_RICH_NONE},
    {NT("mbox"), BIB__LW_FORMAT, BIB_RICH_NONE},
    {NT("text"), BIB__LW_FORMAT, BIB_RICH_NONE},
    {NT("NoCaseChange"), BIB__LW_FORMAT, BIB_RICH_NONE},
    {NT("ensuremath"), BIB__LW_FORMAT, BIB_RICH_NONE},
    /* declarations: format the rest of their group, {\em x}, {\bf x} */
    {NT("em"), BIB__LW_DECL, BIB_RICH_ITALIC},
    {NT("it"), BIB__LW_DECL, BIB_RICH_ITALIC},
    {NT("itshape"), BIB__LW_DECL, BIB_RICH_ITALIC},
    {NT("sl"), BIB__LW_DECL, BIB_RICH_ITALIC},
    {NT("bf"), BIB__LW_DECL, BIB_RICH_BOLD},
    {NT("bfseries"), BIB__LW_DECL, BIB_RICH_BOLD},
    {NT("sc"), BIB__LW_DECL, BIB_RICH_SMALLCAPS},
    {NT("scshape"), BIB__LW_DECL, BIB_RICH_SMALLCAPS},
    {NT("rm"), BIB__LW_DECL, BIB_RICH_NONE},
    {NT("tt"), BIB__LW_DECL, BIB_RICH_NONE},
    {NT("sf"), BIB__LW_DECL, BIB_RICH_NONE},
    {NT("upshape"), BIB__LW_DECL, BIB_RICH_NONE},
    {NT("normalfont"), BIB__LW_DECL, BIB_RICH_NONE},
    /* the rest, each read its own way */
    {NT("enquote"), BIB__LW_QUOTE, 0},
    {NT("mkbibquote"), BIB__LW_QUOTE, 0},
    {NT("url"), BIB__LW_LINK, 0},
    {NT("doi"), BIB__LW_LINK, 0},
    {NT("href"), BIB__LW_LINK, 0},
    {NT("ElsevierGlyph"), BIB__LW_GLYPH, 0},
};
#undef NT
const size_t bib__latex_formats_len = sizeof bib__latex_formats / sizeof bib__latex_formats[0];

/* Open addressing, a quarter full at most (~110 words), so a word no
 * table knows mostly meets an empty slot at once. */
enum { WORD_SLOTS = 512 };
static bib_latex_word words[WORD_SLOTS];
static pthread_once_t words_once = PTHREAD_ONCE_INIT;

/* From the length and three letters: no loop over the name. */
static inline size_t word_hash(const char *name, size_t n)
{
    const unsigned char *u = (const unsigned char *)name;
    return (n * 61u + u[0] * 31u + u[n - 1] * 7u + u[n / 2] * 3u) & (WORD_SLOTS - 1);
}

static const bib_latex_word *word_find(const char *name, size_t n)
{
    for (size_t h = word_hash(name, n);; h = (h + 1) & (WORD_SLOTS - 1)) {
        const bib_latex_word *w = &words[h];
        if (!w->len)
            return NULL;
        if (w->len == n && memcmp(w->name, name, n) == 0)
            return w;
    }
}

/* The first table to list a name wins, in the order the reader used to
 * ask them: letters, formats, declarations, the rest. */
static void word_add(const char *name, size_t n, uint8_t kind, uint32_t value)
{
    if (!n || n > 255 || word_find(name, n))
        return;
    size_t h = word_hash(name, n);
    while (words[h].len)
        h = (h + 1) & (WORD_SLOTS - 1);
    words[h] = (bib_latex_word){name, (uint8_t)n, kind, value};
}

static void words_build(void)
{
    for (size_t i = 0; i < bib__latex_letters_len; i++)
        word_add(bib__latex_letters[i].name, strlen(bib__latex_letters[i].name), BIB__LW_LETTER,
                 bib__latex_letters[i].cp);
    for (size_t i = 0; i < bib__latex_formats_len; i++)
        word_add(bib__latex_formats[i].name, bib__latex_formats[i].len, bib__latex_formats[i].kind,
                 bib__latex_formats[i].value);
}

const bib_latex_word *bib__latex_word(const char *name, size_t n)
{
    if (n == 0 || n > 255)
        return NULL;
    pthread_once(&words_once, words_build);
    return word_find(name, n);
}
