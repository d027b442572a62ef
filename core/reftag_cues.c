/* SPDX-License-Identifier: MIT */
/*
 * reftag_cues.c - whether a reference's text holds one of the record
 * builder's type cue words (`thesis`, `report`, `proceedings`, `arXiv`,
 * ...; reftag_record.c, infer_type; docs/refs.md "Records", Type), in one
 * pass. Apart from reftag_record.c for the project's file size rule.
 */
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "reftag_model.h"

static unsigned char ascii_lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* A list of cue words (reftag_record.c, infer_type) with what text_has
 * looks for: which bytes, either case, are some word's byte k (bit k of
 * lut[byte], k < 4), the shortest word's length (sure, at most 4) and the
 * words' first letters in lower case (letters false: some word starts
 * with another byte). Built once (cue_fill): the lists are fixed. */
typedef struct cue_list {
    const char *const *words;
    unsigned char lut[256];
    size_t sure;
    unsigned char first[16];
    size_t nfirst;
    bool letters;
} cue_list;

static const char *const thesis_words[] = { "thesis", "dissertation", "diss.", "tese", "thèse",
                                            "masterarbeit", "doktorarbeit", "tesis", NULL };
static const char *const report_words[] = { "report", "tech. rep", "technical", "working paper",
                                            "bericht", "rapport", NULL };
static const char *const conf_words[] = { "proceedings", "conference", "proc.", "workshop",
                                          "symposium", "congress", "actes", "tagung", "congresso",
                                          "meeting", NULL };
static const char *const arxiv_words[] = { "arxiv", "preprint", "biorxiv", "ssrn", NULL };
static cue_list cue_thesis = { .words = thesis_words }, cue_report = { .words = report_words },
                cue_conf = { .words = conf_words }, cue_arxiv = { .words = arxiv_words };
static pthread_once_t cue_once = PTHREAD_ONCE_INIT;

static void cue_build(cue_list *c)
{
    c->sure = 4;
    c->letters = true;
    for (const char *const *w = c->words; *w; w++) {
        unsigned char c0 = ascii_lower((unsigned char)(*w)[0]);
        bool letter = c0 >= 'a' && c0 <= 'z';
        if (letter && !memchr(c->first, c0, c->nfirst)) {
            if (c->nfirst < sizeof c->first)
                c->first[c->nfirst++] = c0;
            else
                c->letters = false;
        }
        c->letters &= letter;
        for (size_t k = 0; k < 4; k++) {
            unsigned char ch = ascii_lower((unsigned char)(*w)[k]);
            if (!ch) {
                c->sure = k < c->sure ? k : c->sure;
                break;
            }
            c->lut[ch] |= (unsigned char)(1 << k);
            if (ch >= 'a' && ch <= 'z')
                c->lut[ch - 32] |= (unsigned char)(1 << k);
        }
    }
}

static void cue_fill(void)
{
    cue_build(&cue_thesis);
    cue_build(&cue_report);
    cue_build(&cue_conf);
    cue_build(&cue_arxiv);
}

/* Does one of c's words start at s + i (s[i] is a word's first byte,
 * either case)? */
static bool word_at(const char *s, size_t n, size_t i, const cue_list *c)
{
    size_t k = 1;
    while (k < c->sure && i + k < n && c->lut[(unsigned char)s[i + k]] & (1 << k))
        k++;
    if (k < c->sure)
        return false;
    unsigned char ch = ascii_lower((unsigned char)s[i]);
    for (const char *const *w = c->words; *w; w++) {
        const unsigned char *q = (const unsigned char *)*w;
        if (ascii_lower(q[0]) != ch)
            continue;
        size_t j = 1;
        while (q[j] && i + j < n && ascii_lower((unsigned char)s[i + j]) == ascii_lower(q[j]))
            j++;
        if (!q[j])
            return true;
    }
    return false;
}

/* Does s hold one of c's words, ASCII case folded (what strncasecmp does
 * in the C locale, which bibconv never leaves)? One pass over s: a
 * position whose byte starts no word, or whose next byte is no word's
 * second, is passed over at the cost of a table look-up (`th` of `the`
 * is no `thesis` at the space); where the words all start with letters
 * (every list here), sixteen bytes at a time are compared with the first
 * letters (SSE2), and the tables are built once, not per call.
 * This was strncasecmp at every byte of the reference for every word, a
 * fifth of `-f refs`'s instructions; which word matches first does not
 * matter, only whether one does. */
static bool text_has(const char *s, size_t n, const cue_list *c)
{
    if (c->sure == 0)
        return true;        /* an empty word is in every text */
    size_t i = 0;
#if defined(__SSE2__)
    /* a byte either case of a first letter f is one whose value with bit
     * 5 set is f: the places the loop below would try, no others */
    if (c->letters) {
        const __m128i bit5 = _mm_set1_epi8(0x20);
        for (; i + 16 <= n; i += 16) {
            __m128i v = _mm_or_si128(_mm_loadu_si128((const __m128i *)(s + i)), bit5);
            __m128i m = _mm_setzero_si128();
            for (size_t f = 0; f < c->nfirst; f++)
                m = _mm_or_si128(m, _mm_cmpeq_epi8(v, _mm_set1_epi8((char)c->first[f])));
            for (unsigned at = (unsigned)_mm_movemask_epi8(m); at; at &= at - 1)
                if (word_at(s, n, i + (size_t)__builtin_ctz(at), c))
                    return true;
        }
    }
#endif
    for (; i < n; i++)
        if (c->lut[(unsigned char)s[i]] & 1 && word_at(s, n, i, c))
            return true;
    return false;
}

bool bib__reftag_text_has(const char *s, size_t n, reftag_cue which)
{
    pthread_once(&cue_once, cue_fill);
    const cue_list *c = which == REFTAG_CUE_THESIS   ? &cue_thesis
                        : which == REFTAG_CUE_REPORT ? &cue_report
                        : which == REFTAG_CUE_CONF   ? &cue_conf
                                                     : &cue_arxiv;
    return text_has(s, n, c);
}
