/* SPDX-License-Identifier: MIT */
/*
 * namemodel.c - the features of the learned name model and its score
 * (names.h, docs/names.md). The trainer (tools/train_names.c) calls the
 * same bib_name_features, so a feature means the same thing in training
 * and at run time; the weights come from name_model_table.c.
 *
 * Features are strings ("tag" + value) hashed into BIB_NAME_FEATURE_BUCKETS
 * buckets; a span's score is the bias plus the sum of its features'
 * weights (repeated features count each time).
 */
#include <math.h>
#include <string.h>

#include "bibconv/names.h"
#include "bibconv/script.h"
#include "bibconv/utf8.h"
#include "names_internal.h"

/* Bump when any feature changes: the model's input hash covers it. */
#define FEATURE_VERSION 4u
#define MAX_BYTES 512
#define MAX_TOKENS 32

typedef struct {
    uint32_t *ids;
    size_t n, max;
} feats;

static void feat(feats *f, const char *tag, const char *v, size_t vlen)
{
    /* FNV-1a over tag, a separator and the value */
    uint32_t h = 2166136261u;
    for (const char *p = tag; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    h = (h ^ 0x1f) * 16777619u;
    for (size_t i = 0; i < vlen; i++)
        h = (h ^ (unsigned char)v[i]) * 16777619u;
    h ^= h >> 15;
    if (f->n < f->max)
        f->ids[f->n++] = h & (BIB_NAME_FEATURE_BUCKETS - 1);
}

static void feat_s(feats *f, const char *tag, const char *v)
{
    feat(f, tag, v, strlen(v));
}

static void feat_n(feats *f, const char *tag, unsigned n, unsigned cap)
{
    char v[12];
    unsigned k = n > cap ? cap : n, i = sizeof v;
    v[--i] = '\0';
    do
        v[--i] = (char)('0' + k % 10);
    while ((k /= 10) && i);
    feat_s(f, tag, v + i);
}

/* One shape letter per code point: case, caseless script, digit or the
 * punctuation that matters for names; combining marks leave no trace, so
 * NFC and NFD spell the same shape. 0 for a mark. */
static char shape_char(uint32_t cp)
{
    switch (bib_char_class_of(cp)) {
    case BIB_CHAR_UPPER:
    case BIB_CHAR_TITLE:
        return 'X';
    case BIB_CHAR_LOWER:
        return 'x';
    case BIB_CHAR_LETTER: {
        int sc = bib_script_of(cp);
        return sc == BIB_SCRIPT_HAN ? 'H' : sc == BIB_SCRIPT_HANGUL ? 'K'
             : (sc == BIB_SCRIPT_HIRAGANA || sc == BIB_SCRIPT_KATAKANA) ? 'J' : 'L';
    }
    case BIB_CHAR_MARK:
        return 0;
    case BIB_CHAR_DIGIT:
    case BIB_CHAR_NUMBER:
        return 'd';
    default:
        break;
    }
    switch (cp) {
    case '.': case ',': case '-': case '(': case ')': case '&': case '"':
        return (char)cp;
    case '\'': case 0x2019: case 0x02BC: case 0x2018:
        return '\'';
    case 0x2010: case 0x2011: case 0x2013:
        return '-';
    case ':': case ';':
        return ':';
    case '?': case '!':
        return '?';
    default:
        return bib_char_class_of(cp) == BIB_CHAR_SYMBOL ? 's' : 'p';
    }
}

static bool is_space_cp(uint32_t cp)
{
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
           bib_char_class_of(cp) == BIB_CHAR_SPACE;
}

typedef struct {
    const char *s;
    size_t len;
    char shape[16];  /* collapsed: runs of one shape letter written once */
    char full[8];    /* the first 7 shape letters, not collapsed */
    unsigned letters;
} token;

static void token_shape(token *t)
{
    size_t i = 0, ns = 0, nf = 0;
    t->letters = 0;
    while (i < t->len) {
        uint32_t cp;
        i += (size_t)bib_utf8_decode(t->s + i, t->len - i, &cp);
        char c = shape_char(cp);
        if (!c)
            continue;
        if (c == 'X' || c == 'x' || c == 'H' || c == 'K' || c == 'J' || c == 'L')
            t->letters++;
        if (nf < sizeof t->full - 1)
            t->full[nf++] = c;
        if ((!ns || t->shape[ns - 1] != c) && ns < sizeof t->shape - 1)
            t->shape[ns++] = c;
    }
    t->shape[ns] = '\0';
    t->full[nf] = '\0';
}

static size_t tokenize(const char *s, size_t len, token *t, size_t max)
{
    size_t n = 0, i = 0;
    while (i < len && n < max) {
        uint32_t cp;
        int k = bib_utf8_decode(s + i, len - i, &cp);
        if (is_space_cp(cp)) {
            i += (size_t)k;
            continue;
        }
        size_t j = i;
        while (j < len) {
            k = bib_utf8_decode(s + j, len - j, &cp);
            if (is_space_cp(cp))
                break;
            j += (size_t)k;
        }
        t[n].s = s + i;
        t[n].len = j - i;
        token_shape(&t[n]);
        n++;
        i = j;
    }
    return n;
}

/* Initials: one to three capitals, each optionally followed by a dot
 * ("J", "J.", "JE", "J.E.", "J.-P."). */
static bool is_initials(const token *t)
{
    const char *p = t->full;
    unsigned caps = 0;
    for (; *p; p++) {
        if (*p == 'X')
            caps++;
        else if (*p != '.' && *p != '-')
            return false;
    }
    return caps >= 1 && caps <= 3 && t->letters == caps;
}

static bool is_all_caps(const token *t)
{
    return t->letters >= 2 && !strchr(t->shape, 'x') && strchr(t->shape, 'X');
}

/* Shapes on each side of the first comma: "Smith, John Paul" (Xx | Xx Xx)
 * is one name, "Sukarno, J. van den Berg" (Xx | X. x x Xx) a list. */
static void comma_features(feats *f, const token *t, size_t n)
{
    size_t c = 0;
    while (c < n && t[c].shape[strlen(t[c].shape) - (t[c].shape[0] ? 1 : 0)] != ',')
        c++;
    if (c + 1 >= n)
        return;
    char side[64];
    size_t sl = 0;
    for (size_t i = c + 1; i < n && i < c + 6; i++) {
        size_t k = strlen(t[i].shape);
        if (sl + k + 1 >= sizeof side)
            break;
        if (sl)
            side[sl++] = '_';
        memcpy(side + sl, t[i].shape, k);
        sl += k;
    }
    feat(f, "ac", side, sl);
    feat_n(f, "acn", (unsigned)(n - c - 1), 6);
    feat_n(f, "bcn", (unsigned)(c + 1), 6);
}

static void shape_features(feats *f, const token *t, size_t n)
{
    char seq[64] = "";
    size_t sl = 0;
    unsigned init = 0, caps = 0, lower = 0, title = 0;
    for (size_t i = 0; i < n; i++) {
        const char *sh = t[i].shape;
        feat_s(f, "s", sh);
        feat_s(f, "sf", t[i].full);
        if (i == 0)
            feat_s(f, "s0", sh);
        if (i + 1 == n)
            feat_s(f, "sL", sh);
        if (i > 0) {
            char bi[34];
            size_t a = strlen(t[i - 1].shape), b = strlen(sh);
            memcpy(bi, t[i - 1].shape, a);
            bi[a] = '|';
            memcpy(bi + a + 1, sh, b);
            feat(f, "sb", bi, a + 1 + b);
        }
        size_t k = strlen(sh);
        if (i < 6 && sl + k + 1 < sizeof seq) {
            if (sl)
                seq[sl++] = '_';
            memcpy(seq + sl, sh, k);
            sl += k;
        }
        bool particle = bib__is_particle(t[i].s, t[i].len);
        if (particle) {
            feat(f, "p", t[i].s, t[i].len);
            feat_s(f, "pp", i == 0 ? "first" : i + 1 == n ? "last" : "mid");
        }
        init += is_initials(&t[i]);
        caps += is_all_caps(&t[i]);
        lower += sh[0] == 'x' && !particle;
        title += sh[0] == 'X' && sh[1] == 'x';
    }
    feat(f, "seq", seq, n <= 6 ? sl : 0);
    comma_features(f, t, n);
    feat_n(f, "ni", init, 4);
    feat_n(f, "nu", caps, 4);
    feat_n(f, "nl", lower, 4);
    feat_n(f, "nt", title, 6);
    if (n && is_initials(&t[n - 1]) && n > 1 && !is_initials(&t[0]))
        feat_s(f, "vanc", "family-initials");
}

/* Word identities and character trigrams from the match key (lower case,
 * no diacritics, punctuation as spaces). */
static void key_features(feats *f, const char *k, size_t len)
{
    size_t i = 0, nw = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && k[j] != ' ')
            j++;
        feat(f, "w", k + i, j - i);
        if (i == 0)
            feat(f, "w0", k + i, j - i);
        if (j == len)
            feat(f, "wL", k + i, j - i);
        /* trigrams centred on each code point, with ^ and $ at the word's
         * ends */
        size_t off[66], m = 0, p = i;
        while (p < j && m < 64) {
            uint32_t cp;
            off[m++] = p;
            p += (size_t)bib_utf8_decode(k + p, j - p, &cp);
        }
        off[m] = p;
        for (size_t c = 0; c < m; c++) {
            char gram[16];
            size_t gl = 0;
            size_t from = c ? off[c - 1] : off[0], to = off[c + 1 < m ? c + 2 : c + 1];
            if (!c)
                gram[gl++] = '^';
            memcpy(gram + gl, k + from, to - from);
            gl += to - from;
            if (c + 1 == m)
                gram[gl++] = '$';
            feat(f, "g", gram, gl);
        }
        nw++;
        i = j + 1;
    }
    feat_n(f, "kn", (unsigned)nw, 8);
}

/* Han, Hangul and kana names: the letters themselves (family names are a
 * short list, given names are one or two letters). */
static void cjk_features(feats *f, const char *s, size_t len, unsigned letters)
{
    size_t off[8];
    unsigned n = 0;
    size_t i = 0;
    while (i < len && n < 8) {
        uint32_t cp;
        size_t at = i;
        i += (size_t)bib_utf8_decode(s + i, len - i, &cp);
        if (bib_script_is_cjk(bib_script_of(cp)))
            off[n++] = at;
    }
    if (n == 0)
        return;
    feat_n(f, "ck", letters, 8);
    size_t e1 = n > 1 ? off[1] : len;
    feat(f, "cf", s + off[0], e1 - off[0]);
    /* the family letter with the length: 陈 opening two or three letters
     * is a name, opening eight is a title */
    char fl[8];
    size_t l1 = e1 - off[0] < 6 ? e1 - off[0] : 6;
    memcpy(fl, s + off[0], l1);
    fl[l1] = (char)('0' + (letters > 8 ? 8 : letters));
    feat(f, "cfk", fl, l1 + 1);
    if (n > 2)
        feat(f, "cf2", s + off[0], off[2] - off[0]);
    feat(f, "cl", s + off[n - 1], (n < 8 ? len : i) - off[n - 1]);
}

static unsigned length_bucket(size_t cps)
{
    static const size_t edges[] = {1, 2, 3, 4, 6, 9, 14, 20, 30, 50};
    unsigned b = 0;
    while (b < sizeof edges / sizeof *edges && cps > edges[b])
        b++;
    return b;
}

static void punct_features(feats *f, const char *s, size_t len)
{
    unsigned commas = 0;
    bool seen[128] = {false};
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        i += (size_t)bib_utf8_decode(s + i, len - i, &cp);
        char c = shape_char(cp);
        if (c == ',')
            commas++;
        if (c && c != 'X' && c != 'x' && c != 'L' && !seen[(unsigned char)c]) {
            seen[(unsigned char)c] = true;
            feat(f, "pc", &c, 1);
        }
    }
    feat_n(f, "cm", commas, 3);
    if (len && s[len - 1] == '.')
        feat_s(f, "end", ".");
}

unsigned bib_name_feature_version(void)
{
    return FEATURE_VERSION;
}

size_t bib_name_features(const char *s, size_t len, uint32_t *ids, size_t max)
{
    feats f = {ids, 0, max};
    bool long_text = len > MAX_BYTES;
    if (long_text)
        len = MAX_BYTES;
    bib_buf nfc, key;
    bib_buf_init(&nfc);
    bib_buf_init(&key);
    if (bib_utf8_nfc(&nfc, s, len) || bib_utf8_match_key(&key, nfc.data ? nfc.data : "", nfc.len)) {
        bib_buf_clear(&nfc);
        bib_buf_clear(&key);
        return 0;
    }
    const char *t = nfc.data ? nfc.data : "";
    token tok[MAX_TOKENS];
    size_t n = tokenize(t, nfc.len, tok, MAX_TOKENS);
    unsigned letters = 0;
    for (size_t i = 0; i < n; i++)
        letters += tok[i].letters;
    feat_n(&f, "n", (unsigned)n, 8);
    unsigned lb = long_text ? 11 : length_bucket(bib_utf8_length(t, nfc.len));
    feat_n(&f, "c", lb, 11);
    int sc = bib_script_dominant(t, nfc.len);
    const char *scn = bib_script_name(sc);
    feat_s(&f, "sc", scn ? scn : "?");
    char nsc[40];
    size_t nl = strlen(scn ? scn : "?");
    if (nl < 30) {
        memcpy(nsc, scn ? scn : "?", nl);
        nsc[nl] = '0' + (char)(n > 8 ? 8 : n);
        feat(&f, "scn", nsc, nl + 1);
    }
    shape_features(&f, tok, n);
    key_features(&f, key.data ? key.data : "", key.len);
    if (bib_script_is_cjk(sc))
        cjk_features(&f, t, nfc.len, letters);
    punct_features(&f, t, nfc.len);
    bib_buf_clear(&nfc);
    bib_buf_clear(&key);
    return f.n;
}

double bib_name_score(const char *s, size_t len)
{
    uint32_t ids[1024];
    size_t n = bib_name_features(s, len, ids, sizeof ids / sizeof *ids);
    if (n == 0)
        return 0.0;
    double z = bib__name_bias;
    for (size_t i = 0; i < n; i++)
        z += bib__name_weights[ids[i]] / bib__name_weight_scale;
    return z;
}

double bib_name_likeness(const char *s, size_t len)
{
    return 1.0 / (1.0 + exp(-bib_name_score(s, len)));
}
