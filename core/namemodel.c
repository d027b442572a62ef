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
#include <pthread.h>
#include <string.h>

#include "bibconv/names.h"
#include "bibconv/script.h"
#include "bibconv/utf8.h"
#include "names_internal.h"

/* Bump when any feature changes: the model's input hash covers it. */
#define FEATURE_VERSION 4u
#define MAX_BYTES 512
#define MAX_TOKENS 32

/* Where features go: ids, or with ids NULL the score itself, each
 * feature's weight added as it is made (bib__name_score_of: the same
 * additions in the same order as summing the ids afterwards, without
 * the array). */
typedef struct {
    uint32_t *ids;
    size_t n, max;
    double score;
} feats;

/* A feature's hash: FNV-1a over its tag, a separator and its value. The
 * tag's part is the same for every value: TAG folds it to a constant when
 * the tag is a literal (the loop has a constant count), so only the
 * value's bytes are hashed per feature. */
static inline uint32_t fnv(uint32_t h, const char *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)v[i]) * 16777619u;
    return h;
}

static inline uint32_t fnv_c(uint32_t h, char c)
{
    return (h ^ (unsigned char)c) * 16777619u;
}

static inline uint32_t tag_seed(const char *tag, size_t n)
{
    return fnv_c(fnv(2166136261u, tag, n), 0x1f);
}

#define TAG(tag) tag_seed(tag, sizeof tag - 1)

/* The feature parts are inlined into name_features' two callers: with
 * where the features go known there (ids or the score) and the count and
 * score kept in registers, a feature costs a few instructions less. */
#if defined(__GNUC__)
#define NM_INLINE inline __attribute__((always_inline))
#else
#define NM_INLINE inline
#endif

static NM_INLINE void emit(feats *f, uint32_t h)
{
    h ^= h >> 15;
    if (f->n >= f->max)
        return;
    f->n++;
    if (f->ids)
        f->ids[f->n - 1] = h & (BIB_NAME_FEATURE_BUCKETS - 1);
    else
        f->score += bib__name_weights[h & (BIB_NAME_FEATURE_BUCKETS - 1)] / bib__name_weight_scale;
}

#define FEAT(f, tag, v, vlen) emit(f, fnv(TAG(tag), v, vlen))
#define FEAT_S(f, tag, v) FEAT(f, tag, v, strlen(v))

static NM_INLINE void feat_n(feats *f, uint32_t seed, unsigned n, unsigned cap)
{
    char v[12];
    unsigned k = n > cap ? cap : n, i = sizeof v;
    do
        v[--i] = (char)('0' + k % 10);
    while ((k /= 10) && i);
    emit(f, fnv(seed, v + i, sizeof v - i));
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

/* shape_char and is_space_cp of the ASCII code points, filled once from
 * them (so they cannot disagree): most of a name's characters are ASCII,
 * and two class look-ups a character were a tenth of the model's time */
static pthread_once_t ascii_once = PTHREAD_ONCE_INIT;
static char ascii_shape[128];
static bool ascii_space[128];
/* and whether the shape is one scan_text lists as punctuation; the
 * match key's byte (ascii_match_key: a letter in lower case, a digit, 0
 * for a separator) */
static bool ascii_pc[128];
static char ascii_key[128];

static void ascii_fill(void)
{
    for (uint32_t cp = 0; cp < 128; cp++) {
        char c = shape_char(cp);
        ascii_shape[cp] = c;
        ascii_space[cp] = is_space_cp(cp);
        ascii_pc[cp] = c && c != 'X' && c != 'x' && c != 'L';
        bool upper = cp >= 'A' && cp <= 'Z';
        ascii_key[cp] = upper || (cp >= 'a' && cp <= 'z') || (cp >= '0' && cp <= '9')
                        ? (char)(upper ? cp + 32 : cp) : 0;
    }
}

/* The code point at s + i (i < len) and its length in bytes; ASCII
 * without a call. */
static inline size_t next_cp(const char *s, size_t len, size_t i, uint32_t *cp)
{
    unsigned char c = (unsigned char)s[i];
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    return (size_t)bib_utf8_decode(s + i, len - i, cp);
}

static inline char shape_of(uint32_t cp)
{
    return cp < 0x80 ? ascii_shape[cp] : shape_char(cp);
}

static inline bool space_of(uint32_t cp)
{
    return cp < 0x80 ? ascii_space[cp] : is_space_cp(cp);
}

typedef struct {
    const char *s;
    size_t len;
    char shape[16];  /* collapsed: runs of one shape letter written once */
    char full[8];    /* the first 7 shape letters, not collapsed */
    unsigned char slen, flen;
    char first;      /* the shape of the first code point (0: a mark) */
    unsigned letters;
} token;

/* What the whole text adds besides its tokens: the punctuation features
 * (punct_features) and its length in code points. */
typedef struct {
    unsigned commas;
    size_t cps;
    size_t npc;
    char pc[32];     /* shape letters other than X, x and L, first met first */
    uint64_t seen[2]; /* which of those were met (bit c of the 128) */
} text_scan;

/* Starts token t at `at` with its first shape c (scan_text, scan_ascii). */
static inline token *token_open(token *t, const char *at, char c)
{
    t->s = at;
    t->slen = t->flen = 0;
    t->letters = 0;
    t->first = c;
    return t;
}

static inline void token_add(token *t, char c)
{
    if (!c)
        return;
    if (c == 'X' || c == 'x' || c == 'H' || c == 'K' || c == 'J' || c == 'L')
        t->letters++;
    if (t->flen < sizeof t->full - 1)
        t->full[t->flen++] = c;
    if ((!t->slen || t->shape[t->slen - 1] != c) && t->slen < sizeof t->shape - 1)
        t->shape[t->slen++] = c;
}

/* token_add of an ASCII character's shape: never a mark, and its only
 * letter shapes are X and x */
static inline void token_add_ascii(token *t, char c)
{
    t->letters += (c | 32) == 'x';
    if (t->flen < sizeof t->full - 1)
        t->full[t->flen++] = c;
    if ((!t->slen || t->shape[t->slen - 1] != c) && t->slen < sizeof t->shape - 1)
        t->shape[t->slen++] = c;
}

static inline void token_end(token *t, const char *end)
{
    t->len = (size_t)(end - t->s);
    t->shape[t->slen] = '\0';
    t->full[t->flen] = '\0';
}

/* One pass over the text: its tokens (split at white space, at most max)
 * with their shapes, and the text's punctuation and length, which go on
 * past the last token kept. */
static size_t scan_text(const char *s, size_t len, token *t, size_t max, text_scan *sc)
{
    size_t n = 0, i = 0;
    token *cur = NULL;
    while (i < len) {
        uint32_t cp;
        size_t k = next_cp(s, len, i, &cp);
        char c = shape_of(cp);
        sc->cps++;
        sc->commas += c == ',';
        uint64_t bit = (uint64_t)1 << (c & 63);
        if (c && c != 'X' && c != 'x' && c != 'L' && !(sc->seen[(c >> 6) & 1] & bit)) {
            sc->seen[(c >> 6) & 1] |= bit;
            if (sc->npc < sizeof sc->pc)
                sc->pc[sc->npc++] = c;
        }
        if (space_of(cp)) {
            if (cur)
                token_end(cur, s + i);
            cur = NULL;
        } else if (cur) {
            token_add(cur, c);
        } else if (n < max) {
            cur = token_open(&t[n++], s + i, c);
            token_add(cur, c);
        }
        i += k;
    }
    if (cur)
        token_end(cur, s + len);
    return n;
}

/* scan_text of ASCII text: a code point a byte, none a mark, the shapes
 * and classes from the tables (the same tokens, shapes and counts). */
static size_t scan_ascii(const char *s, size_t len, token *t, size_t max, text_scan *sc)
{
    size_t n = 0;
    token *cur = NULL;
    sc->cps += len;
    for (size_t i = 0; i < len; i++) {
        unsigned char b = (unsigned char)s[i] & 0x7F;
        char c = ascii_shape[b];
        if (cur && (c | 32) == 'x') {  /* a letter inside a token: most */
            token_add_ascii(cur, c);
            continue;
        }
        sc->commas += c == ',';
        /* listed once a shape (`?` and `!` are one) */
        uint64_t bit = (uint64_t)1 << (c & 63);
        if (ascii_pc[b] && !(sc->seen[(c >> 6) & 1] & bit)) {
            sc->seen[(c >> 6) & 1] |= bit;
            if (sc->npc < sizeof sc->pc)
                sc->pc[sc->npc++] = c;
        }
        if (ascii_space[b]) {
            if (cur)
                token_end(cur, s + i);
            cur = NULL;
        } else if (cur) {
            token_add_ascii(cur, c);
        } else if (n < max) {
            cur = token_open(&t[n++], s + i, c);
            token_add_ascii(cur, c);
        }
    }
    if (cur)
        token_end(cur, s + len);
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
    if (t->letters < 2)
        return false;
    bool upper = false;
    for (size_t i = 0; i < t->slen; i++) {
        if (t->shape[i] == 'x')
            return false;
        upper |= t->shape[i] == 'X';
    }
    return upper;
}

/* Shapes on each side of the first comma: "Smith, John Paul" (Xx | Xx Xx)
 * is one name, "Sukarno, J. van den Berg" (Xx | X. x x Xx) a list. */
static NM_INLINE void comma_features(feats *f, const token *t, size_t n)
{
    size_t c = 0;
    while (c < n && t[c].shape[t[c].slen - (t[c].slen ? 1 : 0)] != ',')
        c++;
    if (c + 1 >= n)
        return;
    char side[64];
    size_t sl = 0;
    for (size_t i = c + 1; i < n && i < c + 6; i++) {
        size_t k = t[i].slen;
        if (sl + k + 1 >= sizeof side)
            break;
        if (sl)
            side[sl++] = '_';
        memcpy(side + sl, t[i].shape, k);
        sl += k;
    }
    FEAT(f, "ac", side, sl);
    feat_n(f, TAG("acn"), (unsigned)(n - c - 1), 6);
    feat_n(f, TAG("bcn"), (unsigned)(c + 1), 6);
}

static NM_INLINE void shape_features(feats *f, const token *t, size_t n)
{
    char seq[64] = "";
    size_t sl = 0;
    unsigned init = 0, caps = 0, lower = 0, title = 0;
    for (size_t i = 0; i < n; i++) {
        const char *sh = t[i].shape;
        size_t k = t[i].slen;
        FEAT(f, "s", sh, k);
        FEAT(f, "sf", t[i].full, t[i].flen);
        if (i == 0)
            FEAT(f, "s0", sh, k);
        if (i + 1 == n)
            FEAT(f, "sL", sh, k);
        if (i > 0) /* the previous shape, '|', this one */
            emit(f, fnv(fnv_c(fnv(TAG("sb"), t[i - 1].shape, t[i - 1].slen), '|'), sh, k));
        if (i < 6 && sl + k + 1 < sizeof seq) {
            if (sl)
                seq[sl++] = '_';
            memcpy(seq + sl, sh, k);
            sl += k;
        }
        /* a particle opens with a lower-case letter (bib__is_particle):
         * other words are not looked up */
        bool particle = t[i].first == 'x' && bib__is_particle(t[i].s, t[i].len);
        if (particle) {
            FEAT(f, "p", t[i].s, t[i].len);
            FEAT_S(f, "pp", i == 0 ? "first" : i + 1 == n ? "last" : "mid");
        }
        init += is_initials(&t[i]);
        caps += is_all_caps(&t[i]);
        lower += sh[0] == 'x' && !particle;
        title += sh[0] == 'X' && sh[1] == 'x';
    }
    FEAT(f, "seq", seq, n <= 6 ? sl : 0);
    comma_features(f, t, n);
    feat_n(f, TAG("ni"), init, 4);
    feat_n(f, TAG("nu"), caps, 4);
    feat_n(f, TAG("nl"), lower, 4);
    feat_n(f, TAG("nt"), title, 6);
    if (n && is_initials(&t[n - 1]) && n > 1 && !is_initials(&t[0]))
        FEAT_S(f, "vanc", "family-initials");
}

/* Word identities and character trigrams from the match key (lower case,
 * no diacritics, punctuation as spaces). */
static NM_INLINE void key_features(feats *f, const char *k, size_t len, bool ascii)
{
    size_t i = 0, nw = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && k[j] != ' ')
            j++;
        FEAT(f, "w", k + i, j - i);
        if (i == 0)
            FEAT(f, "w0", k + i, j - i);
        if (j == len)
            FEAT(f, "wL", k + i, j - i);
        /* trigrams centred on each code point, with ^ and $ at the word's
         * ends; an ASCII key's code points are its bytes (the same
         * trigrams without the offsets) */
        if (ascii) {
            /* the first (^ and two bytes, or one), the middle ones
             * (three bytes each), the last (two bytes and $) */
            const char *w = k + i;
            size_t m = j - i < 64 ? j - i : 64;
            uint32_t h = fnv_c(TAG("g"), '^');
            if (m == 1) {
                emit(f, fnv_c(fnv_c(h, w[0]), '$'));
            } else if (m > 1) {
                emit(f, fnv_c(fnv_c(h, w[0]), w[1]));
                for (size_t c = 1; c + 1 < m; c++)
                    emit(f, fnv_c(fnv_c(fnv_c(TAG("g"), w[c - 1]), w[c]), w[c + 1]));
                emit(f, fnv_c(fnv_c(fnv_c(TAG("g"), w[m - 2]), w[m - 1]), '$'));
            }
            nw++;
            i = j + 1;
            continue;
        }
        size_t off[66], m = 0, p = i;
        while (p < j && m < 64) {
            uint32_t cp;
            off[m++] = p;
            p += next_cp(k, j, p, &cp);
        }
        off[m] = p;
        for (size_t c = 0; c < m; c++) {
            size_t from = c ? off[c - 1] : off[0], to = off[c + 1 < m ? c + 2 : c + 1];
            uint32_t h = TAG("g");
            if (!c)
                h = fnv_c(h, '^');
            h = fnv(h, k + from, to - from);
            if (c + 1 == m)
                h = fnv_c(h, '$');
            emit(f, h);
        }
        nw++;
        i = j + 1;
    }
    feat_n(f, TAG("kn"), (unsigned)nw, 8);
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
    feat_n(f, TAG("ck"), letters, 8);
    size_t e1 = n > 1 ? off[1] : len;
    FEAT(f, "cf", s + off[0], e1 - off[0]);
    /* the family letter with the length: 陈 opening two or three letters
     * is a name, opening eight is a title */
    char fl[8];
    size_t l1 = e1 - off[0] < 6 ? e1 - off[0] : 6;
    memcpy(fl, s + off[0], l1);
    fl[l1] = (char)('0' + (letters > 8 ? 8 : letters));
    FEAT(f, "cfk", fl, l1 + 1);
    if (n > 2)
        FEAT(f, "cf2", s + off[0], off[2] - off[0]);
    FEAT(f, "cl", s + off[n - 1], (n < 8 ? len : i) - off[n - 1]);
}

static unsigned length_bucket(size_t cps)
{
    static const size_t edges[] = {1, 2, 3, 4, 6, 9, 14, 20, 30, 50};
    unsigned b = 0;
    while (b < sizeof edges / sizeof *edges && cps > edges[b])
        b++;
    return b;
}

/* The punctuation of the text (scan_text counted it), after the rest. */
static NM_INLINE void punct_features(feats *f, const text_scan *sc, const char *s, size_t len)
{
    for (size_t i = 0; i < sc->npc; i++)
        FEAT(f, "pc", &sc->pc[i], 1);
    feat_n(f, TAG("cm"), sc->commas, 3);
    if (len && s[len - 1] == '.')
        FEAT_S(f, "end", ".");
}

unsigned bib_name_feature_version(void)
{
    return FEATURE_VERSION;
}

static bool all_ascii(const char *s, size_t len)
{
    size_t i = 0;
    for (; len - i >= 8; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        if (x & 0x8080808080808080ull)
            return false;
    }
    for (; i < len; i++)
        if ((unsigned char)s[i] >= 0x80)
            return false;
    return true;
}

/* bib_utf8_match_key of ASCII text into out (len bytes at most): letters
 * and digits in lower case, the rest separating words by one space. */
static size_t ascii_match_key(const char *s, size_t len, char *out)
{
    size_t n = 0;
    bool space = false;
    for (size_t i = 0; i < len; i++) {
        char c = ascii_key[(unsigned char)s[i] & 0x7F];
        if (!c) {
            space = true;
            continue;
        }
        if (space && n)
            out[n++] = ' ';
        space = false;
        out[n++] = c;
    }
    return n;
}

/* The features of s into f (bib_name_features); false when out of memory.
 * Inlined into its two callers, so that whether ids are written or the
 * score summed is known where each feature is made. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline bool name_features(const char *s, size_t len, feats *fp)
{
    pthread_once(&ascii_once, ascii_fill);
    feats f = *fp;
    bool long_text = len > MAX_BYTES;
    if (long_text)
        len = MAX_BYTES;
    /* ASCII text is its own NFC and its match key needs no table: no
     * copy, no allocation */
    bool ascii = all_ascii(s, len);
    char kbuf[MAX_BYTES];
    const char *t = s, *key = kbuf;
    size_t tlen = len, klen = 0;
    bib_buf nfc, kb;
    bib_buf_init(&nfc);
    bib_buf_init(&kb);
    if (ascii) {
        klen = ascii_match_key(s, len, kbuf);
    } else if (bib_utf8_nfc(&nfc, s, len) ||
               bib_utf8_match_key(&kb, nfc.data ? nfc.data : "", nfc.len)) {
        bib_buf_clear(&nfc);
        bib_buf_clear(&kb);
        return false;
    } else {
        t = nfc.data ? nfc.data : "";
        tlen = nfc.len;
        key = kb.data ? kb.data : "";
        klen = kb.len;
    }
    token tok[MAX_TOKENS];
    text_scan ts;
    ts.commas = 0;
    ts.cps = ts.npc = 0;
    ts.seen[0] = ts.seen[1] = 0;
    size_t n = ascii ? scan_ascii(t, tlen, tok, MAX_TOKENS, &ts)
                     : scan_text(t, tlen, tok, MAX_TOKENS, &ts);
    unsigned letters = 0;
    for (size_t i = 0; i < n; i++)
        letters += tok[i].letters;
    feat_n(&f, TAG("n"), (unsigned)n, 8);
    unsigned lb = long_text ? 11 : length_bucket(ts.cps);
    feat_n(&f, TAG("c"), lb, 11);
    /* bib_script_dominant: ASCII letters are all Latin */
    int sc = !ascii ? bib_script_dominant(t, tlen) : letters ? BIB_SCRIPT_LATIN : BIB_SCRIPT_COMMON;
    const char *scn = bib_script_name(sc);
    FEAT_S(&f, "sc", scn ? scn : "?");
    char nsc[40];
    size_t nl = strlen(scn ? scn : "?");
    if (nl < 30) {
        memcpy(nsc, scn ? scn : "?", nl);
        nsc[nl] = '0' + (char)(n > 8 ? 8 : n);
        FEAT(&f, "scn", nsc, nl + 1);
    }
    shape_features(&f, tok, n);
    key_features(&f, key, klen, ascii);
    if (bib_script_is_cjk(sc))
        cjk_features(&f, t, tlen, letters);
    punct_features(&f, &ts, t, tlen);
    if (!ascii) {
        bib_buf_clear(&nfc);
        bib_buf_clear(&kb);
    }
    *fp = f;
    return true;
}

size_t bib_name_features(const char *s, size_t len, uint32_t *ids, size_t max)
{
    feats f = {ids, 0, max, 0.0};
    return ids && name_features(s, len, &f) ? f.n : 0;
}

/* The score as bib_name_score sums it over bib_name_features' first 1,024
 * ids (the bias, then each weight in order), without the ids. */
int bib__name_score_of(const char *s, size_t len, double *out)
{
    feats f = {NULL, 0, 1024, bib__name_bias};
    if (!name_features(s, len, &f) || f.n == 0)
        return BIB_ENOMEM;
    *out = f.score;
    return 0;
}

double bib_name_score(const char *s, size_t len)
{
    double z;
    return bib__name_score_of(s, len, &z) ? 0.0 : z;
}

double bib_name_likeness(const char *s, size_t len)
{
    return 1.0 / (1.0 + exp(-bib_name_score(s, len)));
}
