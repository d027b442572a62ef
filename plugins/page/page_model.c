/* SPDX-License-Identifier: MIT */
/*
 * page_model.c - the learned line model of the page reader: hashed sparse
 * features of a line (its shape, words, the measures of page_features, its
 * neighbours), the weight lookup in the generated table, emission scores
 * with the structural constraints that are certain (a feed meta line is a
 * meta line, a venue state needs a venue line), the best path, and the
 * features and score of a feed title/author split candidate.
 *
 * The training program (tools/page_train.c) calls these same functions,
 * so a feature means the same in training and at run time.
 *
 * Not for: the weights themselves (page_model_table.c, generated), layout
 * detection or records.
 */
#include "page_model.h"

#include <stdlib.h>
#include <string.h>

#include "bibconv/names.h"
#include "bibconv/utf8.h"

/* ---- characters --------------------------------------------------------- */

enum { M_SPACE, M_UPPER, M_LOWER, M_DIGIT, M_HAN, M_HANGUL, M_KANA, M_OTHERL, M_MARK,
       M_PUNCT };

/* Class of a code point: case for Latin, Greek and Cyrillic, script for
 * the caseless letters names are written in, combining marks apart (an
 * NFD name has the same shape as its NFC form). */
static int mcls(uint32_t c)
{
    if (c < 0x80) {
        if (c >= 'A' && c <= 'Z')
            return M_UPPER;
        if (c >= 'a' && c <= 'z')
            return M_LOWER;
        if (c >= '0' && c <= '9')
            return M_DIGIT;
        if (c == ' ' || c == '\t' || c == '\r')
            return M_SPACE;
        return M_PUNCT;
    }
    if (c == 0xA0)
        return M_SPACE;
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
        return M_UPPER;
    if (c >= 0xDF && c <= 0xFF && c != 0xF7)
        return M_LOWER;
    if (c >= 0x100 && c <= 0x17F) {
        if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
            return (c & 1) ? M_UPPER : M_LOWER;
        if (c == 0x138 || c == 0x149 || c == 0x17F)
            return M_LOWER;
        if (c == 0x178)
            return M_UPPER;
        return (c & 1) ? M_LOWER : M_UPPER;
    }
    if (c >= 0x180 && c <= 0x24F)
        return M_LOWER;
    if (c >= 0x300 && c <= 0x36F)
        return M_MARK;
    if (c >= 0x391 && c <= 0x3A9)
        return M_UPPER;
    if (c >= 0x3AC && c <= 0x3CE)
        return M_LOWER;
    if (c >= 0x400 && c <= 0x42F)
        return M_UPPER;
    if (c >= 0x430 && c <= 0x45F)
        return M_LOWER;
    if (c >= 0x460 && c <= 0x4FF)
        return (c & 1) ? M_LOWER : M_UPPER;
    if (c >= 0x590 && c <= 0xDFF)
        return M_OTHERL;
    if ((c >= 0x1AB0 && c <= 0x1AFF) || (c >= 0x1DC0 && c <= 0x1DFF)
        || (c >= 0x20D0 && c <= 0x20FF) || (c >= 0xFE20 && c <= 0xFE2F))
        return M_MARK;
    if (c >= 0x1E00 && c <= 0x1EFF)
        return (c & 1) ? M_LOWER : M_UPPER;
    if (c >= 0x3040 && c <= 0x30FF)
        return M_KANA;
    if ((c >= 0x3400 && c <= 0x4DBF) || (c >= 0x4E00 && c <= 0x9FFF)
        || (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FFFF))
        return M_HAN;
    if ((c >= 0xAC00 && c <= 0xD7AF) || (c >= 0x1100 && c <= 0x11FF)
        || (c >= 0x3130 && c <= 0x318F))
        return M_HANGUL;
    if (c == 0x2010 || c == 0x2011 || c == 0x2019 || c == 0x2026 || c == 0xB7 || c == 0x22C5)
        return M_PUNCT;
    if (c >= 0x2000 && c <= 0x2BFF)
        return M_PUNCT;
    return M_OTHERL;
}

static uint32_t dec(const char *s, size_t len, size_t i, int *n)
{
    if ((unsigned char)s[i] < 0x80) {
        *n = 1; /* ASCII: most of every page */
        return (unsigned char)s[i];
    }
    uint32_t c = 0;
    *n = bib_utf8_decode(s + i, len - i, &c);
    if (*n <= 0) {
        *n = 1;
        c = 0xFFFD;
    }
    return c;
}

/* Shape of s[0..len): one letter per class, runs longer than two cut to
 * two ("Ingrid" -> "Xxx"... as "Xxx"), punctuation kept as itself. */
static size_t shape(const char *s, size_t len, char *out, size_t cap)
{
    size_t o = 0;
    char prev = 0;
    int run = 0;
    for (size_t i = 0; i < len && o + 1 < cap;) {
        int k;
        uint32_t c = dec(s, len, i, &k);
        i += (size_t)k;
        char ch;
        switch (mcls(c)) {
        case M_UPPER: ch = 'X'; break;
        case M_LOWER: ch = 'x'; break;
        case M_DIGIT: ch = 'd'; break;
        case M_HAN: ch = 'C'; break;
        case M_HANGUL: ch = 'K'; break;
        case M_KANA: ch = 'J'; break;
        case M_OTHERL: ch = 'L'; break;
        case M_MARK: continue;
        case M_SPACE: ch = '_'; break;
        default:
            if (c < 0x80)
                ch = (char)c;
            else if (c == 0x2010 || c == 0x2011)
                ch = '-';
            else if (c == 0x2019)
                ch = '\'';
            else
                ch = 'p';
        }
        if (ch == prev) {
            if (++run > 2)
                continue;
        } else {
            run = 1;
        }
        out[o++] = ch;
        prev = ch;
    }
    out[o] = '\0';
    return o;
}

/* ---- hashing ------------------------------------------------------------ */

static uint32_t fh(uint32_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 16777619u;
    }
    return h;
}

/* Features being gathered: ns is the hash of the layout's name (or of
 * "split"), so each layout has weights of its own. */
typedef struct fx {
    uint32_t *ids;
    size_t n;
    uint32_t ns;
} fx;

static uint32_t fx_kind(const fx *x, int kind)
{
    unsigned char b = (unsigned char)kind;
    return fh(x->ns, &b, 1);
}

static uint32_t ns_of(const char *name)
{
    return fh(2166136261u, name, strlen(name));
}

static void fx_put(fx *x, uint32_t h)
{
    if (x->n < PAGE_MODEL_MAXF) {
        h ^= h >> 15;
        h *= 0x2c1b3c6du;
        h ^= h >> 12;
        x->ids[x->n++] = h & PAGE_MODEL_MASK;
    }
}

static void fx_int(fx *x, int kind, int v)
{
    fx_put(x, fh(fx_kind(x, kind), &v, sizeof v));
}

static void fx_str(fx *x, int kind, const char *s, size_t n)
{
    fx_put(x, fh(fx_kind(x, kind), s, n));
}

static void fx_pair(fx *x, int kind, int a, int b)
{
    int v[2] = {a, b};
    fx_put(x, fh(fx_kind(x, kind), v, sizeof v));
}

/* Feature kinds (stable numbers: they are hashed). */
enum {
    K_BIAS = 1, K_ABSM, K_AUTHM, K_META, K_VENUE, K_PLACE, K_SAME, K_OPENER, K_SENTEND,
    K_CHARS, K_TOKS, K_NAME, K_PROSE, K_TITLEISH, K_VERB, K_SHAPESEQ, K_SHAPE, K_FIRSTW,
    K_LASTW, K_WORD, K_LASTCH, K_SCRIPT, K_COLON, K_COMMAS, K_DIGITS, K_ALLCAPS, K_FIRST,
    K_LAST, K_LAST_OPENER, K_LAST_VERB, K_PREV, K_NEXT, K_NAME_NEXT, K_NAME_PREV,
    K_LOWERCOPY, K_NA, K_IDX, K_HEADING, K_FIRSTSHAPE, K_LASTSHAPE, K_NEXT2, K_CASE,
    K_LAST_CUT, K_SUF, K_CNAME, K_CNAME_PREV, K_CNAME_NEXT, K_CNAME_SHAPE,
    K_LAST_LOWER, K_LAST_NAMEWORDS, K_LAST_PREV, K_LAST_PREFIX, K_LAST_LEN, K_LAST_SENT, K_LAST_CASE, K_LAST_CUTPREV,
    K_ABSLABEL, K_LAST_ABSLABEL, K_LAST_TRAILSP,
    /* split candidates */
    K_S_BIAS = 64, K_S_ASHAPE, K_S_ATOKS, K_S_ANAME, K_S_A1SHAPE, K_S_BEFORE, K_S_AT,
    K_S_TSHAPE, K_S_TWORD, K_S_TLAST, K_S_PAIR, K_S_REST, K_S_BAD, K_S_RANK, K_S_RRANK,
    K_S_ACHARS, K_S_A1LEN, K_S_CAMEL, K_S_TLEN, K_S_SEG, K_S_COMMAS,
};

static int bucket_chars(size_t c)
{
    static const size_t lim[] = {3, 6, 10, 15, 20, 25, 30, 40, 50, 60, 80, 100, 120, 150, 200,
                                 300, 500};
    int b = 0;
    while (b < (int)(sizeof lim / sizeof *lim) && c > lim[b])
        b++;
    return b;
}

static int bucket_small(int v, int max)
{
    return v < 0 ? -1 : v > max ? max : v;
}

static int bucket_name(int v)
{
    if (v == PAGE_NAME_NO)
        return -100;
    return v < -6 ? -7 : v > 8 ? 8 : v;
}

/* ---- model layouts ------------------------------------------------------ */

bool page_model_learnable(const page_layout_desc *d)
{
    return d && !d->label && d->nstates > 0 && d->nstates <= PAGE_MODEL_K;
}

int page_model_slot(const page_model *m, const page_layout_desc *d)
{
    if (!page_model_learnable(d))
        return -1;
    for (int i = 0; i < PAGE_MODEL_LAYOUTS && m->names[i]; i++)
        if (strcmp(m->names[i], d->name) == 0)
            return i;
    return -1;
}

static void trim(const char **s, size_t *len)
{
    page_trim(s, len);
}

/* ---- line features ------------------------------------------------------ */

/* Lower-case ASCII of a word without the punctuation around it. */
static size_t word_key(const char *s, size_t n, char *out, size_t cap)
{
    while (n && (s[n - 1] == ',' || s[n - 1] == '.' || s[n - 1] == ':' || s[n - 1] == ';'
                 || s[n - 1] == '?' || s[n - 1] == '!' || s[n - 1] == ')' || s[n - 1] == '"'))
        n--;
    while (n && (s[0] == '(' || s[0] == '"'))
        s++, n--;
    size_t o = 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        char c = s[i];
        out[o++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
    }
    out[o] = '\0';
    return o;
}

static bool is_sp(char c)
{
    return c == ' ' || c == '\t' || c == '\r';
}

/* Features of the line's own text. */
static void text_features(fx *x, const char *s, size_t len, const page_feat *f)
{
    char sh[64], w[32];
    size_t ntok = 0, pos = 0;
    char seq[96];
    size_t sq = 0;
    int scripts = 0, letters = 0, uppers = 0, digits = 0, commas = 0;
    bool colon = false, paren = false;
    for (size_t i = 0; i < len;) {
        unsigned char b = (unsigned char)s[i];
        if (b < 0x80) {
            /* ASCII, most of every line */
            bool up = b >= 'A' && b <= 'Z', lo = b >= 'a' && b <= 'z';
            letters += up || lo;
            uppers += up;
            digits += b >= '0' && b <= '9';
            commas += b == ',';
            colon |= b == ':' || b == '?';
            paren |= b == '(';
            i++;
            continue;
        }
        int k;
        uint32_t c = dec(s, len, i, &k);
        int cl = mcls(c);
        if (cl >= M_HAN && cl <= M_OTHERL)
            scripts |= 1 << (cl - M_HAN);
        if (cl == M_MARK)
            scripts |= 1 << 5;
        if (cl == M_UPPER || cl == M_LOWER)
            letters++, uppers += cl == M_UPPER;
        digits += cl == M_DIGIT;
        commas += c == ',';
        colon |= c == ':' || c == '?';
        paren |= c == '(';
        i += (size_t)k;
    }
    const char *lastw = NULL;
    size_t lastn = 0;
    while (pos < len) {
        while (pos < len && is_sp(s[pos]))
            pos++;
        if (pos >= len)
            break;
        size_t ts = pos;
        while (pos < len && !is_sp(s[pos]))
            pos++;
        size_t tn = pos - ts;
        ntok++;
        lastw = s + ts;
        lastn = tn;
        if (ntok > 12)
            continue; /* past the first words only the last one counts */
        size_t sl = shape(s + ts, tn, sh, 12);
        if (ntok <= 10)
            fx_str(x, K_SHAPE, sh, sl);
        if (ntok == 1)
            fx_str(x, K_FIRSTSHAPE, sh, sl);
        if (ntok <= 6 && sq + sl + 2 < sizeof seq) {
            if (sq)
                seq[sq++] = ' ';
            memcpy(seq + sq, sh, sl);
            sq += sl;
        }
        size_t wn = word_key(s + ts, tn, w, sizeof w);
        if (ntok == 1)
            fx_str(x, K_FIRSTW, w, wn);
        if (ntok <= 12 && f->tokens <= 14)
            fx_str(x, K_WORD, w, wn);
        /* word endings generalise past the words seen in training
         * ("-ation" of titles, "-ova" of names) */
        if (ntok <= 6 && f->tokens <= 6 && wn >= 4)
            fx_str(x, K_SUF, w + wn - 3, 3);
    }
    if (ntok <= 6)
        fx_str(x, K_SHAPESEQ, seq, sq);
    if (lastw) {
        size_t wn = word_key(lastw, lastn, w, sizeof w);
        fx_str(x, K_LASTW, w, wn);
        size_t sl = shape(lastw, lastn, sh, 12);
        fx_str(x, K_LASTSHAPE, sh, sl);
    }
    char last = len ? s[len - 1] : 0;
    int lc = (last >= 'a' && last <= 'z') ? 'a' : (last >= 'A' && last <= 'Z') ? 'A'
             : (last >= '0' && last <= '9') ? '0' : (unsigned char)last >= 0x80 ? 'u' : last;
    fx_int(x, K_LASTCH, lc);
    fx_int(x, K_SCRIPT, scripts);
    fx_int(x, K_COLON, colon * 2 + paren);
    fx_int(x, K_COMMAS, bucket_small(commas, 4));
    fx_int(x, K_DIGITS, bucket_small(digits, 5));
    if (letters >= 4 && uppers == letters)
        fx_int(x, K_ALLCAPS, 1);
}

/* The lower-case copy of the line before it (a topic page's slug). */
static bool lower_copy(const char *a, size_t an, const char *b, size_t bn)
{
    if (!an || an != bn || an > 80)
        return false;
    for (size_t i = 0; i < an; i++) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != b[i])
            return false;
    }
    return true;
}

static int coarse(const page_feat *f)
{
    /* a neighbour in a few words: marker, meta, venue, name-like, length */
    if (f->abs_marker)
        return 1;
    if (f->meta)
        return 2;
    if (f->venue)
        return 3;
    if (f->auth_marker)
        return 4;
    int n = f->name == PAGE_NAME_NO ? 0 : f->name > 2 ? 2 : 1;
    return 10 + n * 10 + (f->prose >= 3 ? 5 : f->chars > 80 ? 3 : f->chars > 40 ? 2 : 1);
}

/* ASCII case-insensitive: a[0..an) is a prefix of b[0..bn). */
static bool prefix_ci(const char *a, size_t an, const char *b, size_t bn)
{
    if (an > bn)
        return false;
    for (size_t i = 0; i < an; i++) {
        char x = a[i], y = b[i];
        if (x >= 'A' && x <= 'Z')
            x = (char)(x - 'A' + 'a');
        if (y >= 'A' && y <= 'Z')
            y = (char)(y - 'A' + 'a');
        if (x != y)
            return false;
    }
    return true;
}

/* Whether the first word of s[0..len) (the zone's last line) begins a
 * word of one of the few lines before it: 0 no, 1 a longer word (the
 * line may be that word cut short), 2 the same word, in a line of four
 * words or more; 3 and 4 the same in a shorter line (a name). Two bytes
 * at least. */
static int word_before(const page_mline *L, size_t j, const page_lines *pl, const char *s,
                       size_t len)
{
    size_t wn = 0;
    while (wn < len && !is_sp(s[wn]) && s[wn] != ',' && s[wn] != '.' && s[wn] != ':')
        wn++;
    if (wn < 2)
        return 0;
    int best = 0;
    for (size_t b = j, k = 0; b-- > 0 && k < 8; k++) {
        const char *p = pl->v[L[b].line].text;
        size_t pn = pl->v[L[b].line].len;
        if (pn > 600)
            pn = 600; /* a title or an abstract's opening: the words it repeats */
        for (size_t i = 0; i < pn;) {
            while (i < pn && (is_sp(p[i]) || p[i] == '(' || p[i] == '"'))
                i++;
            size_t ts = i;
            while (i < pn && !is_sp(p[i]))
                i++;
            size_t te = i;
            while (te > ts && (p[te - 1] == ',' || p[te - 1] == '.' || p[te - 1] == ':'
                               || p[te - 1] == ';' || p[te - 1] == ')'))
                te--;
            if (te > ts && prefix_ci(s, wn, p + ts, te - ts)) {
                /* in a line of several words (a title, an abstract) or
                 * in a short one (a name) */
                int kind = (L[b].f.tokens >= 4 ? 1 : 3) + (te - ts == wn);
                if (te - ts > wn)
                    return kind;
                best = kind;
            }
        }
    }
    return best;
}

/* Whether s[0..len) opens with the word "Abstract" (any case) and goes
 * on: the label some sites keep before an abstract, a layout cue, not a
 * name's word ("Abstract Classi", a page cut there, reads like a name). */
static bool abstract_label(const char *s, size_t len)
{
    static const char w[] = "abstract";
    size_t n = sizeof w - 1;
    if (len <= n)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((s[i] | 0x20) != w[i])
            return false;
    return s[n] == ' ' || s[n] == ':' || s[n] == '.';
}

static void line_features(fx *x, const page_mline *L, size_t j, size_t n,
                          const page_lines *pl)
{
    const page_feat *f = &L[j].f;
    const char *s = pl->v[L[j].line].text;
    size_t len = pl->v[L[j].line].len;
    trim(&s, &len);
    fx_int(x, K_BIAS, 0);
    if (f->abs_marker)
        fx_int(x, K_ABSM, 1);
    if (f->auth_marker)
        fx_int(x, K_AUTHM, 1);
    if (f->meta)
        fx_int(x, K_META, 1);
    if (f->venue)
        fx_int(x, K_VENUE, 1);
    if (f->placeholder)
        fx_int(x, K_PLACE, 1);
    if (f->same_as_prev)
        fx_int(x, K_SAME, 1);
    if (f->opener)
        fx_int(x, K_OPENER, 1);
    if (f->sentence_end)
        fx_int(x, K_SENTEND, 1);
    if (f->heading)
        fx_int(x, K_HEADING, 1);
    fx_int(x, K_CHARS, bucket_chars(f->chars));
    fx_int(x, K_TOKS, bucket_small(f->tokens, 16));
    int nb = bucket_name(f->name);
    fx_int(x, K_NAME, nb);
    fx_int(x, K_PROSE, bucket_small(f->prose, 8));
    fx_int(x, K_TITLEISH, bucket_small(f->titleish, 4));
    fx_int(x, K_VERB, bucket_small(f->verbish, 3));
    text_features(x, s, len, f);
    bool label = abstract_label(s, len);
    if (label)
        fx_int(x, K_ABSLABEL, 1);
    if (j == 0)
        fx_int(x, K_FIRST, 1);
    fx_int(x, K_IDX, j < 4 ? (int)j : 4);
    /* Title Case against running prose */
    fx_pair(x, K_CASE, bucket_small(f->cap_words, 4), bucket_small(f->lower_words, 4));
    if (j + 1 == n) {
        fx_int(x, K_LAST, 1);
        /* the page may end inside an abstract: running prose cut short */
        fx_int(x, K_LAST_CUT, page_cut_prose(f));
        fx_int(x, K_LAST_OPENER, f->opener);
        fx_int(x, K_LAST_VERB, bucket_small(f->verbish, 2));
        /* a cut line ending on a lower-case word is no name */
        fx_pair(x, K_LAST_LOWER, page_cut_prose(f), L[j].ends_lower);
        /* a page cut inside a title leaves a word or two, which the
         * page's shape score takes for a one-word name: core's name score
         * of the fragment (a word cut short is rarely a name) and the
         * line before it, with its number of words */
        fx_pair(x, K_LAST_NAMEWORDS, L[j].cname, f->tokens < 3 ? f->tokens : 3);
        fx_pair(x, K_LAST_PREV, j ? coarse(&L[j - 1].f) : 0, f->tokens < 3 ? f->tokens : 3);
        /* an abstract cut in its first word often repeats a word of its
         * title ("Molecul" under "... Molecular Property ..."), which a
         * name rarely does; a fragment of a few letters is rarely a name */
        int tk = f->tokens < 3 ? f->tokens : 3;
        fx_pair(x, K_LAST_PREFIX, word_before(L, j, pl, s, len), tk);
        fx_pair(x, K_LAST_LEN, tk, bucket_chars(f->chars));
        /* the abstract's label opening a line cut short */
        if (label)
            fx_pair(x, K_LAST_ABSLABEL, 1, tk);
        /* a page's last line ending in a space was cut right after a
         * word: more of that line followed (a fragment of a longer line,
         * rarely a whole name); with the open record's shape before it */
        if (L[j].trail_sp) {
            fx_pair(x, K_LAST_TRAILSP, tk, 0);
            fx_pair(x, K_LAST_TRAILSP, tk, 1 + (j ? coarse(&L[j - 1].f) : 0));
        }
        /* a title at a page's end is in Title Case more often than not,
         * a cut abstract is running prose; what came before tells which
         * record is open */
        fx_pair(x, K_LAST_CASE, bucket_small(f->cap_words, 4), bucket_small(f->lower_words, 4));
        fx_pair(x, K_LAST_CUTPREV, page_cut_prose(f), j ? coarse(&L[j - 1].f) : 0);
        /* a page cut right after a full stop ends on whole sentences */
        fx_pair(x, K_LAST_SENT, page_cut_prose(f) || f->sentence_end,
                len && (s[len - 1] == '.' || s[len - 1] == '!' || s[len - 1] == '?'));
    }
    int cp = j ? coarse(&L[j - 1].f) : 0, cn = j + 1 < n ? coarse(&L[j + 1].f) : 0;
    int cn2 = j + 2 < n ? coarse(&L[j + 2].f) : 0;
    fx_int(x, K_PREV, cp);
    fx_int(x, K_NEXT, cn);
    fx_pair(x, K_NEXT2, cn, cn2);
    fx_pair(x, K_NAME_NEXT, nb, cn);
    fx_pair(x, K_NAME_PREV, nb, cp);
    if (j) {
        const char *p = pl->v[L[j - 1].line].text;
        size_t pn = pl->v[L[j - 1].line].len;
        trim(&p, &pn);
        if (lower_copy(p, pn, s, len))
            fx_int(x, K_LOWERCOPY, 1);
    }
    if (len == 3 && memcmp(s, "N/A", 3) == 0)
        fx_int(x, K_NA, 1);
    /* core's name model knows names of every script and culture, which
     * the page's own shape score does not (a one-word or Hangul name, a
     * short title in Title Case); the neighbours' scores tell the last
     * author of a list from the short title after it */
    int c = L[j].cname, pc = j ? L[j - 1].cname : 100, nc = j + 1 < n ? L[j + 1].cname : 100;
    if (c != 0) {
        /* an unsure score (near 0) says nothing: the line's own
         * features decide */
        fx_int(x, K_CNAME, c);
        fx_pair(x, K_CNAME_PREV, c, pc);
        fx_pair(x, K_CNAME_NEXT, c, nc);
        fx_pair(x, K_CNAME_SHAPE, c, nb);
    }
}

bool page_model_no_cname;
bool page_model_training;

/* Core's name score of a line in five steps, -2..2 (a name list's
 * author marker left out); PAGE_CNAME_NA when the line is too long or
 * has too many words to be one name. */
static int core_name(const char *s, size_t len, const page_feat *f)
{
    if (page_model_no_cname)
        return 0;
    if (f->chars > 60 || f->tokens > 7 || f->abs_marker || f->meta)
        return PAGE_CNAME_NA;
    /* nor does a byline open with a full stop, a comma, a semicolon or a
     * colon (". Non-s", a cut abstract a copy left a stray mark before):
     * the name model never saw such strings, and its score there says
     * nothing */
    if (len && (s[0] == '.' || s[0] == ',' || s[0] == ';' || s[0] == ':'))
        return PAGE_CNAME_NA;
    long am = page_find_auth_marker(s, len);
    if (am >= 0)
        len = (size_t)am;
    while (len && (s[len - 1] == ' ' || s[len - 1] == ','))
        len--;
    if (!len)
        return PAGE_CNAME_NA;
    /* coarse: the model's score is calibrated on names in isolation, and
     * a plausible name may score a little below 0 */
    double v = bib_name_score(s, len);
    return v <= -3 ? -2 : v <= -1.5 ? -1 : v <= 1 ? 0 : v <= 2.5 ? 1 : 2;
}

int page_model_lines(const page_lines *pl, const page_layout_desc *d, size_t zone,
                     page_mline **out, size_t *nout)
{
    *out = NULL;
    *nout = 0;
    if (zone >= pl->n)
        return BIB_OK;
    page_mline *L = malloc((pl->n - zone) * sizeof *L);
    if (!L)
        return BIB_ENOMEM;
    size_t n = 0;
    const char *prev = NULL;
    size_t prev_len = 0;
    for (size_t i = zone; i < pl->n; i++) {
        const char *s = pl->v[i].text;
        size_t len = pl->v[i].len;
        bool trail = len && (s[len - 1] == ' ' || s[len - 1] == '\t');
        trim(&s, &len);
        if (!len)
            continue;
        L[n].line = i;
        L[n].trail_sp = trail;
        L[n].nids = 0;
        size_t ws = len;
        while (ws > 0 && !is_sp(s[ws - 1]))
            ws--;
        int k;
        L[n].ends_lower = ws > 0 && (mcls(dec(s, len, ws, &k)) == M_LOWER
                                     || (s[ws] == '(' && s[len - 1] != ')'));
        page_features(&L[n].f, s, len, prev, prev_len);
        L[n].cname = core_name(s, len, &L[n].f);
        prev = s;
        prev_len = len;
        n++;
    }
    uint32_t ns = ns_of(d->name);
    for (size_t j = 0; j < n; j++) {
        L[j].last = j + 1 == n;
        fx x = {L[j].ids, 0, ns};
        line_features(&x, L, j, n, pl);
        L[j].nids = x.n;
    }
    *out = L;
    *nout = n;
    return BIB_OK;
}

/* ---- scores ------------------------------------------------------------- */

static int page_model_state_of(const page_layout_desc *d, page_role r)
{
    for (int s = 0; s < d->nstates; s++)
        if (d->state_roles[s] == r)
            return s;
    return -1;
}

static bool page_model_has_meta(const page_layout_desc *d)
{
    return page_model_state_of(d, PAGE_ROLE_META) >= 0;
}

void page_model_emit(const page_model *m, const page_layout_desc *d, int slot,
                     const page_mline *l, int *e)
{
    (void)slot;
    int k = d->nstates;
    long acc[PAGE_MODEL_K] = {0};
    for (size_t i = 0; i < l->nids; i++) {
        int32_t buf[PAGE_MODEL_K];
        const int32_t *r = m->row(m, l->ids[i], buf);
        if (r)
            for (int s = 0; s < k; s++)
                acc[s] += r[s];
    }
    const long lim = -(long)PAGE_NEG / 4;
    const page_feat *f = &l->f;
    for (int s = 0; s < k; s++) {
        e[s] = (int)(acc[s] > lim ? lim : acc[s] < -lim ? -lim : acc[s]);
        page_role r = d->state_roles[s];
        /* certain structure: a feed's meta line is the meta state and
         * nothing else is; a venue state needs a venue line, but a page's
         * last line may be a venue cut short, without its year (a
         * placeholder, "----" or "N/A", is left to the learned weights) */
        if ((r == PAGE_ROLE_META) != f->meta && (r == PAGE_ROLE_META || page_model_has_meta(d)))
            e[s] = PAGE_NEG;
        if (r == PAGE_ROLE_VENUE && !f->venue && !l->last)
            e[s] = PAGE_NEG;
        /* the site's "… (see more)" cuts an abstract, never a title or a
         * name (a page cut after it keeps the marker) */
        if (f->abs_marker && (r == PAGE_ROLE_TITLE || r == PAGE_ROLE_AUTHOR
                              || r == PAGE_ROLE_POSTER || r == PAGE_ROLE_VENUE))
            e[s] = PAGE_NEG;
    }
}

int page_model_decode(const page_model *m, const page_layout_desc *d, int slot,
                      const page_mline *lines, size_t n, int *path)
{
    if (!n)
        return BIB_OK;
    int k = d->nstates;
    int *emit = malloc(n * (size_t)k * sizeof *emit);
    if (!emit)
        return BIB_ENOMEM;
    for (size_t j = 0; j < n; j++)
        page_model_emit(m, d, slot, &lines[j], emit + j * (size_t)k);
    /* the cut-page rule (page_cut_prose): a page's last line of running
     * prose cut short is the start of an abstract, never a new record's
     * title, a name or chrome, since a fake record costs more than a title cut
     * short lost (one word alone may be a word cut short, which is
     * nothing to read: the weights decide that); after an abstract (which no second abstract follows)
     * the line is left to the weights, and so is the feed's glued line */
    const page_mline *z = &lines[n - 1];
    const page_feat *zp = n > 1 ? &lines[n - 2].f : NULL;
    /* nor after a venue line: a poster's record is complete there and
     * a talk's abstract follows its title, not a venue */
    bool after_abstract = zp && (zp->abs_marker || zp->prose >= 3 || zp->venue);
    /* with no line before it in the zone, no record is open for a cut
     * abstract to belong to: the line starts the first record */
    /* (training leaves it out: the last line's own weights learn from
     * the generated pages cut at any point, page_model_training) */
    if (!page_model_training && page_cut_prose(&z->f) && !after_abstract && n > 1
        && page_model_state_of(d, PAGE_ROLE_ABSTRACT) >= 0
        && page_model_state_of(d, PAGE_ROLE_TITLE_AUTHORS) < 0)
        for (int s = 0; s < k; s++) {
            page_role r = d->state_roles[s];
            /* a name ends on a capitalised word, an initial or a number,
             * never on a lower-case word */
            if (r == PAGE_ROLE_TITLE || r == PAGE_ROLE_POSTER
                || (r == PAGE_ROLE_OTHER && z->f.tokens > 1)
                || (r == PAGE_ROLE_HEADER && n > 4)
                || (r == PAGE_ROLE_AUTHOR && z->ends_lower))
                emit[(n - 1) * (size_t)k + (size_t)s] = PAGE_NEG;
        }
    /* a last line of one word that core's name model rejects (a word cut
     * short is rarely a name), right after a name line: a record with its
     * authors is open, and on the site such a record usually goes on
     * to its abstract, so the word is more often that abstract cut in
     * its first word than the next title cut so. Read as nothing, the cut
     * abstract was lost; read as the abstract, a title's first word is a
     * one-word abstract flagged incomplete: neither makes a record, and
     * the likelier reading wins (docs/page.md, "Pages cut short") */
    if (!page_model_training && n > 1 && z->f.tokens == 1 && z->cname <= -1
        && lines[n - 2].cname >= 1
        && lines[n - 2].cname != PAGE_CNAME_NA
        && page_model_state_of(d, PAGE_ROLE_AUTHOR) >= 0
        && page_model_state_of(d, PAGE_ROLE_ABSTRACT) >= 0
        && page_model_state_of(d, PAGE_ROLE_TITLE_AUTHORS) < 0)
        for (int s = 0; s < k; s++)
            if (d->state_roles[s] == PAGE_ROLE_OTHER)
                emit[(n - 1) * (size_t)k + (size_t)s] = PAGE_NEG;
    int trans[PAGE_MODEL_K * PAGE_MODEL_K], start[PAGE_MODEL_K];
    const int32_t *tw = m->trans + (size_t)slot * PAGE_MODEL_K * PAGE_MODEL_K;
    const int32_t *sw = m->start + (size_t)slot * PAGE_MODEL_K;
    for (int a = 0; a < k; a++) {
        start[a] = d->start[a] <= PAGE_NEG ? PAGE_NEG : sw[a];
        for (int b = 0; b < k; b++)
            trans[a * k + b] = d->trans[a * k + b] <= PAGE_NEG ? PAGE_NEG
                                                               : tw[a * PAGE_MODEL_K + b];
    }
    int rc = page_viterbi(n, k, emit, trans, start, path);
    free(emit);
    return rc;
}

int page_model_label(const page_model *m, const page_layout_desc *d, int slot,
                     const page_lines *pl, size_t zone, page_role *roles)
{
    page_mline *L;
    size_t n;
    int rc = page_model_lines(pl, d, zone, &L, &n);
    if (rc != BIB_OK)
        return rc;
    int *path = malloc((n + 1) * sizeof *path);
    rc = path ? page_model_decode(m, d, slot, L, n, path) : BIB_ENOMEM;
    for (size_t j = 0; rc == BIB_OK && j < n; j++)
        roles[L[j].line] = d->state_roles[path[j]];
    free(path);
    free(L);
    return rc;
}

/* ---- the feed split ----------------------------------------------------- */

static bool split_before(uint32_t p)
{
    /* a glue point follows a character of the title, not a space or an
     * opening bracket */
    return !(p == ' ' || p == '-' || p == '(' || p == '/' || p == '\'' || p == '"'
             || p == 0x2010 || p == '[' || p == 0xA0);
}

static int cls_tag(int cl)
{
    return cl == M_UPPER ? 'X' : cl == M_LOWER ? 'x' : cl == M_DIGIT ? 'd' : cl == M_HAN ? 'C'
           : cl == M_HANGUL ? 'K' : cl == M_KANA ? 'J' : cl == M_OTHERL ? 'L' : 'p';
}

struct rest_info {
    int count, bad;
};

static void rest_piece(const char *s, size_t len, void *ctx)
{
    struct rest_info *r = ctx;
    r->count++;
    if (page_name_score(s, len) == PAGE_NAME_NO)
        r->bad++;
}

static void cand_features(fx *x, const char *s, size_t off, size_t at, size_t end,
                          uint32_t before, uint32_t c, int rank, int rrank,
                          const struct rest_info *rest, size_t fe)
{
    char sh[64], seq[96], w[32];
    fx_int(x, K_S_BIAS, 0);
    fx_pair(x, K_S_BEFORE, cls_tag(mcls(before)), before < 0x80 ? (int)before : 0);
    fx_int(x, K_S_AT, cls_tag(mcls(c)));
    fx_int(x, K_S_RANK, rank > 3 ? 3 : rank);
    fx_int(x, K_S_RRANK, rrank > 3 ? 3 : rrank);
    /* the first author: up to the next ", " */
    const char *a = s + at;
    size_t an = fe - at;
    size_t sq = 0, ntok = 0, pos = 0;
    int a1shape = 0;
    while (pos < an) {
        while (pos < an && is_sp(a[pos]))
            pos++;
        if (pos >= an)
            break;
        size_t ts = pos;
        while (pos < an && !is_sp(a[pos]))
            pos++;
        ntok++;
        size_t sl = shape(a + ts, pos - ts, sh, 12);
        if (ntok == 1) {
            fx_str(x, K_S_A1SHAPE, sh, sl);
            fx_int(x, K_S_A1LEN, bucket_chars(bib_utf8_length(a + ts, pos - ts)));
            a1shape = (int)fh(0, sh, sl);
            /* an upper-case letter after a lower-case one inside the word */
            int camel = 0;
            for (size_t i = 1; i < sl; i++)
                camel += sh[i] == 'X' && sh[i - 1] == 'x';
            fx_int(x, K_S_CAMEL, camel > 2 ? 2 : camel);
        }
        if (ntok <= 5 && sq + sl + 2 < sizeof seq) {
            if (sq)
                seq[sq++] = ' ';
            memcpy(seq + sq, sh, sl);
            sq += sl;
        }
    }
    fx_str(x, K_S_ASHAPE, ntok <= 5 ? seq : "long", ntok <= 5 ? sq : 4);
    fx_int(x, K_S_ATOKS, (int)(ntok > 7 ? 7 : ntok));
    fx_int(x, K_S_ACHARS, bucket_chars(bib_utf8_length(a, an)));
    fx_int(x, K_S_ANAME, bucket_name(an <= 240 ? page_name_score(a, an) : PAGE_NAME_NO));
    /* how the title ends before the glue */
    size_t ws = at;
    while (ws > off && !is_sp(s[ws - 1]))
        ws--;
    size_t sl = shape(s + ws, at - ws, sh, 12);
    fx_str(x, K_S_TSHAPE, sh, sl);
    fx_pair(x, K_S_PAIR, (int)fh(0, sh, sl), a1shape);
    size_t wn = word_key(s + ws, at - ws, w, sizeof w);
    fx_str(x, K_S_TWORD, w, wn);
    fx_int(x, K_S_TLEN, bucket_chars(bib_utf8_length(s + ws, at - ws)));
    char last = s[at - 1];
    fx_int(x, K_S_TLAST, (unsigned char)last < 0x80 ? last : 'u');
    /* the text since the last ", " before the glue: a title rarely has
     * one, an author list does ("Maria de Souza, JeanPaul Moreau" is not
     * split inside JeanPaul) */
    size_t cs = at, commas = 0;
    for (size_t i = off; i + 1 < at; i++)
        if (s[i] == ',' && s[i + 1] == ' ')
            commas++, cs = i + 2;
    fx_int(x, K_S_COMMAS, commas > 2 ? 2 : (int)commas);
    if (commas) {
        size_t segtok = 0;
        for (size_t i = cs; i < at; i++)
            segtok += is_sp(s[i]);
        sl = shape(s + cs, at - cs < 24 ? at - cs : 24, sh, 16);
        fx_pair(x, K_S_SEG, (int)(segtok > 4 ? 4 : segtok), (int)fh(0, sh, sl > 3 ? 3 : sl));
    }
    fx_int(x, K_S_REST, rest->count > 3 ? 3 : rest->count);
    fx_int(x, K_S_BAD, rest->bad > 2 ? 2 : rest->bad);
    (void)end;
}

size_t page_model_split_cands(const char *s, size_t off, size_t end, page_split_cand *cands,
                              size_t cap)
{
    size_t n = 0;
    uint32_t prev = 0;
    int prevcl = M_SPACE;
    /* the ranks from the right need the count first: collect positions */
    size_t at[PAGE_SPLIT_MAXC];
    uint32_t bef[PAGE_SPLIT_MAXC], cps[PAGE_SPLIT_MAXC];
    size_t ce = off; /* the ", " after the last candidate seen */
    for (size_t i = off; i < end && n < cap && n < PAGE_SPLIT_MAXC;) {
        int k;
        uint32_t c = dec(s, end, i, &k);
        int cl = mcls(c);
        bool cand = false;
        if (i > off && split_before(prev)) {
            if (cl == M_UPPER)
                cand = true;
            else if ((cl == M_HAN || cl == M_HANGUL || cl == M_KANA) && prevcl != cl
                     && !(cl == M_HAN && prevcl == M_KANA) && !(cl == M_KANA && prevcl == M_HAN))
                cand = true;
        }
        if (cand) {
            /* a first author runs to the next ", ": a name is short */
            if (ce <= i) {
                ce = i;
                while (ce < end && !(s[ce] == ',' && ce + 1 < end && s[ce + 1] == ' '))
                    ce++;
            }
            cand = bib_utf8_length(s + i, ce - i) <= PAGE_SPLIT_MAXNAME;
        }
        if (cand) {
            at[n] = i;
            bef[n] = prev;
            cps[n] = c;
            n++;
        }
        if (cl != M_MARK) {
            prev = c;
            prevcl = cl;
        }
        i += (size_t)k;
    }
    struct rest_info rest = {0, 0};
    size_t rest_at = (size_t)-1;
    uint32_t split_ns = ns_of("split");
    for (size_t j = 0; j < n; j++) {
        size_t i = at[j];
        size_t fe = i, lim = i + 240 < end ? i + 240 : end;
        while (fe < lim && !(s[fe] == ',' && fe + 1 < end && s[fe + 1] == ' '))
            fe++;
        if (fe != rest_at) {
            rest = (struct rest_info){0, 0};
            if (fe + 2 <= end)
                page_split_commas(s + fe + 2, end - fe - 2, rest_piece, &rest);
            rest_at = fe;
        }
        fx x = {cands[j].ids, 0, split_ns};
        cands[j].at = i;
        cand_features(&x, s, off, i, end, bef[j], cps[j], (int)j, (int)(n - 1 - j), &rest, fe);
        cands[j].nids = x.n;
    }
    return n;
}

long page_model_split_score(const page_model *m, const page_split_cand *c)
{
    long v = 0;
    for (size_t i = 0; i < c->nids; i++) {
        int32_t buf[PAGE_MODEL_K];
        const int32_t *r = m->row(m, c->ids[i], buf);
        if (r)
            v += r[0];
    }
    return v;
}

void page_model_split_bounds(const char *s, size_t len, size_t *off, size_t *end,
                             size_t *org_off, size_t *org_len, bool *et_al)
{
    const char *b = s;
    size_t n = len;
    trim(&b, &n);
    size_t o = (size_t)(b - s), e = o + n;
    *org_off = *org_len = 0;
    *et_al = false;
    /* " · org" at the end: a lower-case slug after U+00B7 */
    static const char DOT[] = " \xC2\xB7 ";
    for (size_t i = e; i >= o + 4 + 1; i--) {
        if (memcmp(s + i - 4, DOT, 4) == 0) {
            bool slug = i < e;
            for (size_t j = i; j < e; j++) {
                char c = s[j];
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                      || c == '.' || c == ' '))
                    slug = false;
            }
            if (slug) {
                *org_off = i;
                *org_len = e - i;
                e = i - 4;
            }
            break;
        }
        if (e - i > 40)
            break;
    }
    /* a line cut by the page's end may stop anywhere in that tail: after
     * the dot, after a comma, inside "et al." */
    if (e - o > 3 && memcmp(s + e - 3, " \xC2\xB7", 3) == 0)
        e -= 3;
    while (e > o && (s[e - 1] == ' ' || s[e - 1] == ','))
        e--;
    static const char *const etal[] = {" et al.", " et al", " et a", " et"};
    for (size_t k = 0; k < sizeof etal / sizeof *etal; k++) {
        size_t m = strlen(etal[k]);
        if (e - o > m && memcmp(s + e - m, etal[k], m) == 0) {
            *et_al = true;
            e -= m;
            break;
        }
    }
    *off = o;
    *end = e;
}

size_t page_model_split_best(const page_model *m, const char *s, size_t off, size_t end,
                             long *score)
{
    page_split_cand c[PAGE_SPLIT_MAXC];
    size_t n = page_model_split_cands(s, off, end, c, PAGE_SPLIT_MAXC);
    size_t best = (size_t)-1;
    long bv = 0;
    for (size_t j = 0; j < n; j++) {
        long v = page_model_split_score(m, &c[j]);
        if (best == (size_t)-1 || v > bv) {
            best = c[j].at;
            bv = v;
        }
    }
    *score = bv;
    return best;
}

/* ---- the generated table ------------------------------------------------ */

static const int32_t *table_row(const page_model *m, uint32_t bucket, int32_t *buf)
{
    (void)m;
    uint32_t mask = page_model_nslots - 1;
    uint32_t h = (bucket * 2654435761u) & mask;
    for (uint32_t probe = 0; probe <= mask; probe++, h = (h + 1) & mask) {
        uint32_t k = page_model_keys[h];
        if (k == 0)
            return NULL;
        if (k == bucket + 1) {
            const int16_t *r = page_model_rows[page_model_rowidx[h]];
            for (int s = 0; s < PAGE_MODEL_K; s++)
                buf[s] = r[s];
            return buf;
        }
    }
    return NULL;
}

static const page_model DEFAULT_MODEL = {table_row, NULL, page_model_layouts,
                                         &page_model_trans[0][0], &page_model_start[0][0]};

const page_model *page_model_default(void)
{
    return &DEFAULT_MODEL;
}
