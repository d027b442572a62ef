/* SPDX-License-Identifier: MIT */
/*
 * reftag.c - the reference tagger's tokenizer, feature function and Viterbi
 * decoder (docs/refs.md). The feature function is the one the trainer
 * (tools/train_refs.c) calls, so a feature means the same in training and
 * at run time; the weights are core/reftag_model_table.c.
 */
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include "bibconv/names.h"
#include "bibconv/dates.h"
#include "bibconv/script.h"
#include "bibconv/utf8.h"
#include "reftag_model.h"

#define L BIB_REF_LABEL_COUNT

/* Bump when any feature changes: the model's input hash covers it. */
#define FEATURE_VERSION 4u

static const char *const label_names[L] = {
    "punct", "author", "editor", "title", "container-title",
    "collection-title", "volume", "issue", "pages", "date", "publisher",
    "place", "edition", "genre", "doi", "url", "isbn", "note",
    "citation-number"
};

const char *bib_ref_label_name(int label)
{
    return label >= 0 && label < L ? label_names[label] : NULL;
}

int bib_ref_label_of(const char *name, size_t len)
{
    for (int i = 0; i < L; i++)
        if (strlen(label_names[i]) == len && memcmp(label_names[i], name, len) == 0)
            return i;
    return -1;
}

unsigned bib_reftag_feature_version(void) { return FEATURE_VERSION; }

bib_reftag *bib_reftag_new(void)
{
    bib_reftag *t = calloc(1, sizeof *t);
    if (t)
        bib_buf_init(&t->scratch);
    return t;
}

void bib_reftag_free(bib_reftag *t)
{
    if (!t)
        return;
    free(t->tok);
    free(t->seg);
    free(t->comma);
    free(t->ctx);
    free(t->name);
    free(t->score);
    free(t->best);
    free(t->back);
    bib_buf_clear(&t->scratch);
    free(t);
}

const bib_ref_token *bib_reftag_tokens(const bib_reftag *t, size_t *count)
{
    if (count)
        *count = t->n;
    return t->tok;
}

/* ---- tokenizer ---------------------------------------------------------- */

static bool is_space(uint32_t c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v' || c == 0xA0 || (c >= 0x2000 && c <= 0x200B) ||
           c == 0x202F || c == 0x3000;
}

static bool is_digit(uint32_t c) { return c >= '0' && c <= '9'; }

/* ASCII first: the Unicode class tables are a search per call, and most
 * references are mostly ASCII. */
static bool c_upper(uint32_t c)
{
    return c < 128 ? (c >= 'A' && c <= 'Z') : bib_char_is_upper(c);
}

static bool c_letter(uint32_t c)
{
    return c < 128 ? ((c | 32) >= 'a' && (c | 32) <= 'z') : bib_char_is_letter(c);
}

static bool c_mark(uint32_t c) { return c >= 0x300 && bib_char_is_mark(c); }

static bool is_cjk(uint32_t c)
{
    if (c < 0x2E80)
        return false;
    return bib_script_is_cjk(bib_script_of(c)) && bib_char_is_letter(c);
}

static bool is_word_char(uint32_t c)
{
    return (c_letter(c) || c_mark(c) || is_digit(c)) && !is_cjk(c);
}

static bool is_joiner(uint32_t c)
{
    return c == '\'' || c == 0x2019 || c == '-' || c == 0x2010;
}

static uint32_t cp_at(const char *s, size_t len, size_t i, int *w)
{
    uint32_t c = 0;
    *w = i < len ? bib_utf8_decode(s + i, len - i, &c) : 0;
    return c;
}

/* Bytes of a URL or DOI from i: up to white space, then final
 * punctuation given back (a sentence's period, a closing bracket). */
static size_t run_to_space(const char *s, size_t len, size_t i)
{
    size_t j = i;
    while (j < len) {
        int w;
        uint32_t c = cp_at(s, len, j, &w);
        if (is_space(c))
            break;
        j += (size_t)w;
    }
    while (j > i + 1 && strchr(".,;:)]>\"'", s[j - 1]))
        j--;
    return j - i;
}

static bool starts_doi(const char *s, size_t len, size_t i)
{
    if (i + 8 > len || s[i] != '1' || s[i + 1] != '0' || s[i + 2] != '.')
        return false;
    size_t j = i + 3, d = 0;
    while (j < len && is_digit((unsigned char)s[j]) && d < 10)
        j++, d++;
    return d >= 4 && j < len && s[j] == '/' && j + 1 < len && !is_space((unsigned char)s[j + 1]);
}

static bool starts_url(const char *s, size_t len, size_t i)
{
    size_t r = len - i;
    return (r > 8 && (memcmp(s + i, "http://", 7) == 0 || memcmp(s + i, "https://", 8) == 0)) ||
           (r > 5 && memcmp(s + i, "www.", 4) == 0);
}

/* Scans a word or number from i; returns its end and sets *kind. */
static size_t scan_word(const char *s, size_t len, size_t i, unsigned char *kind)
{
    size_t j = i;
    bool digits = false, letters = false;
    uint32_t prev = 0;
    while (j < len) {
        int w;
        uint32_t c = cp_at(s, len, j, &w);
        if (is_word_char(c)) {
            digits |= is_digit(c);
            letters |= !is_digit(c);
        } else if (is_joiner(c) && prev && !is_digit(prev) && c_letter(prev)) {
            int w2;
            uint32_t n = cp_at(s, len, j + (size_t)w, &w2);
            if (!(w2 && c_letter(n) && !is_cjk(n)))
                break;
        } else {
            break;
        }
        prev = c;
        j += (size_t)w;
    }
    *kind = digits ? BIB_REFTOK_NUMBER : BIB_REFTOK_WORD;
    (void)letters;
    return j;
}

static int push_token(bib_reftag *t, size_t off, size_t len, unsigned char kind, bool sp)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 64;
        bib_ref_token *v = realloc(t->tok, cap * sizeof *v);
        if (!v)
            return BIB_ENOMEM;
        t->tok = v;
        t->cap = cap;
    }
    t->tok[t->n++] = (bib_ref_token){ off, len, kind, 0, sp };
    return 0;
}

static int grow_ctx(bib_reftag *t)
{
    if (t->ctxcap >= t->n)
        return 0;
    size_t cap = t->n + 64;
    unsigned char *a = realloc(t->seg, cap);
    if (!a)
        return BIB_ENOMEM;
    t->seg = a;
    a = realloc(t->comma, cap);
    if (!a)
        return BIB_ENOMEM;
    t->comma = a;
    a = realloc(t->ctx, cap);
    if (!a)
        return BIB_ENOMEM;
    t->ctx = a;
    signed char *b = realloc(t->name, cap);
    if (!b)
        return BIB_ENOMEM;
    t->name = b;
    t->ctxcap = cap;
    return 0;
}

static const char *tok_text(const bib_reftag *t, size_t i) { return t->s + t->tok[i].off; }

static bool tok_is(const bib_reftag *t, size_t i, const char *lit)
{
    size_t n = strlen(lit);
    return i < t->n && t->tok[i].len == n && memcmp(tok_text(t, i), lit, n) == 0;
}

/* A single capital letter: an initial ("J" of "J. Smith"). */
static bool is_initial(const bib_reftag *t, size_t i)
{
    if (i >= t->n || t->tok[i].kind != BIB_REFTOK_WORD)
        return false;
    uint32_t c;
    int w = bib_utf8_decode(tok_text(t, i), t->tok[i].len, &c);
    return (size_t)w == t->tok[i].len && c_upper(c);
}

/* Does a chunk (for the name-likeness feature) end before token i? */
static bool chunk_break(const bib_reftag *t, size_t i)
{
    const bib_ref_token *k = &t->tok[i];
    if (k->kind == BIB_REFTOK_PUNCT) {
        char c = tok_text(t, i)[0];
        if (c == '.')
            return !is_initial(t, i - (i > 0));
        return k->len > 1 || strchr(",;:()[]\"&", c) != NULL;
    }
    return tok_is(t, i, "and") || tok_is(t, i, "und") || tok_is(t, i, "et") ||
           tok_is(t, i, "y") || tok_is(t, i, "e");
}

static signed char name_bucket(bib_reftag *t, size_t a, size_t b)
{
    size_t words = 0;
    for (size_t i = a; i < b; i++)
        words += t->tok[i].kind == BIB_REFTOK_WORD || t->tok[i].kind == BIB_REFTOK_CJK;
    if (words == 0 || b - a > 8)
        return 9;
    size_t from = t->tok[a].off, to = t->tok[b - 1].off + t->tok[b - 1].len;
    double sc = bib_name_score(t->s + from, to - from);
    long q = lround(floor(sc));
    return (signed char)(q < -4 ? -4 : q > 4 ? 4 : q);
}

/* A four-digit number 1500..2039, maybe with a letter (2001a). */
static bool year_like(const bib_reftag *t, size_t i)
{
    const bib_ref_token *k = &t->tok[i];
    if (k->kind != BIB_REFTOK_NUMBER || k->len < 4 || k->len > 5)
        return false;
    const char *p = tok_text(t, i);
    int y = 0;
    for (int d = 0; d < 4; d++) {
        if (!is_digit((unsigned char)p[d]))
            return false;
        y = y * 10 + (p[d] - '0');
    }
    return y >= 1500 && y <= 2039 && (k->len == 4 || (p[4] >= 'a' && p[4] <= 'z'));
}

/* Sentence index, comma count, bracket/quote state and name likeness of
 * each token: the context the features read. */
static int compute_context(bib_reftag *t)
{
    if (grow_ctx(t))
        return BIB_ENOMEM;
    unsigned seg = 0, comma = 0, paren = 0, quote = 0;
    size_t chunk = 0;
    for (size_t i = 0; i < t->n; i++) {
        const bib_ref_token *k = &t->tok[i];
        if (i > 0 && chunk_break(t, i)) {
            signed char b = name_bucket(t, chunk, i);
            for (size_t j = chunk; j < i; j++)
                t->name[j] = b;
            t->name[i] = 9;     /* the break itself is in no chunk */
            chunk = i + 1;
        }
        t->seg[i] = (unsigned char)(seg > 7 ? 7 : seg);
        t->comma[i] = (unsigned char)(comma > 5 ? 5 : comma);
        t->ctx[i] = (unsigned char)((paren ? 1 : 0) | (quote ? 2 : 0));
        if (k->kind != BIB_REFTOK_PUNCT)
            continue;
        const char *p = tok_text(t, i);
        if (*p == ',')
            comma++;
        else if (*p == '(' || *p == '[')
            paren++;
        else if ((*p == ')' || *p == ']') && paren)
            paren--;
        else if (*p == '"')
            quote = !quote;
        else if (k->len == 3 && (memcmp(p, "\xe2\x80\x9c", 3) == 0 || memcmp(p, "\xc2\xab", 2) == 0))
            quote = 1;
        else if (k->len == 3 && memcmp(p, "\xe2\x80\x9d", 3) == 0)
            quote = 0;
        if ((*p == '.' || *p == ':' || *p == '?' || *p == '!') && !is_initial(t, i - (i > 0)) &&
            i + 1 < t->n && t->tok[i + 1].space_before)
            seg++, comma = 0;
    }
    if (chunk < t->n) {
        signed char b = name_bucket(t, chunk, t->n);
        for (size_t j = chunk; j < t->n; j++)
            t->name[j] = b;
    }
    /* bit 2: a year-like number came before; bit 3: one comes after */
    bool seen = false;
    for (size_t i = 0; i < t->n; i++) {
        if (seen)
            t->ctx[i] |= 4;
        seen |= year_like(t, i);
    }
    seen = false;
    for (size_t i = t->n; i-- > 0;) {
        if (seen)
            t->ctx[i] |= 8;
        seen |= year_like(t, i);
    }
    return 0;
}

long bib_reftag_tokenize(bib_reftag *t, const char *s, size_t len)
{
    t->s = s;
    t->len = len;
    t->n = 0;
    size_t i = 0;
    bool sp = false;
    while (i < len) {
        int w;
        uint32_t c = cp_at(s, len, i, &w);
        if (is_space(c)) {
            sp = true;
            i += (size_t)w;
            continue;
        }
        size_t end;
        unsigned char kind;
        if (starts_url(s, len, i)) {
            end = i + run_to_space(s, len, i);
            kind = BIB_REFTOK_URL;
        } else if (starts_doi(s, len, i)) {
            end = i + run_to_space(s, len, i);
            kind = BIB_REFTOK_DOI;
        } else if (is_cjk(c)) {
            end = i + (size_t)w;
            kind = BIB_REFTOK_CJK;
        } else if (is_word_char(c)) {
            end = scan_word(s, len, i, &kind);
        } else {
            end = i + (size_t)w;
            kind = BIB_REFTOK_PUNCT;
        }
        if (push_token(t, i, end - i, kind, sp))
            return BIB_ENOMEM;
        sp = false;
        i = end;
    }
    if (compute_context(t))
        return BIB_ENOMEM;
    return (long)t->n;
}

/* ---- features ----------------------------------------------------------- */

typedef struct fsink {
    uint32_t *ids;
    size_t n, max;
} fsink;

static uint32_t fnv(uint32_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

static void emit(fsink *f, const char *tag, const char *v, size_t n)
{
    if (f->n >= f->max)
        return;
    uint32_t h = fnv(2166136261u, tag, strlen(tag));
    h = fnv(h * 31u + 7u, v, n);
    f->ids[f->n++] = h ? h : 1;
}

static void emit_n(fsink *f, const char *tag, unsigned v)
{
    char b[12];
    size_t n = 0;
    do
        b[n++] = (char)('0' + v % 10);
    while ((v /= 10) && n < sizeof b);
    emit(f, tag, b, n);
}

/* Lower-cased (ASCII letters), at most 24 bytes. */
static size_t lower(const bib_reftag *t, size_t i, char *out)
{
    size_t n = t->tok[i].len < 24 ? t->tok[i].len : 24;
    const char *p = tok_text(t, i);
    for (size_t k = 0; k < n; k++)
        out[k] = (p[k] >= 'A' && p[k] <= 'Z') ? (char)(p[k] + 32) : p[k];
    return n;
}

/* Word shape: X upper, x lower, d digit, the character itself for ASCII
 * punctuation, * otherwise; a class repeated more than twice is cut. */
static size_t shape(const bib_reftag *t, size_t i, char *out)
{
    const char *p = tok_text(t, i);
    size_t len = t->tok[i].len, o = 0, k = 0;
    char last = 0;
    int rep = 0;
    while (k < len && o < 12) {
        uint32_t c;
        int w = bib_utf8_decode(p + k, len - k, &c);
        k += (size_t)w;
        char ch = is_digit(c) ? 'd' : c_upper(c) ? 'X'
                  : c_letter(c) ? 'x' : (c < 128 ? (char)c : '*');
        if (c_mark(c))
            continue;
        rep = ch == last ? rep + 1 : 0;
        last = ch;
        if (rep < 2)
            out[o++] = ch;
    }
    return o;
}

static void emit_word(fsink *f, const bib_reftag *t, size_t i, const char *tag)
{
    char b[24];
    size_t n = lower(t, i, b);
    emit(f, tag, b, n);
}

static void emit_shape(fsink *f, const bib_reftag *t, size_t i, const char *tag)
{
    char b[12];
    emit(f, tag, b, shape(t, i, b));
}

static void number_features(fsink *f, const bib_reftag *t, size_t i)
{
    const char *p = tok_text(t, i);
    size_t n = t->tok[i].len, d = 0;
    long v = 0;
    while (d < n && is_digit((unsigned char)p[d]) && d < 9)
        v = v * 10 + (p[d] - '0'), d++;
    emit_n(f, "nd", (unsigned)(d > 6 ? 6 : d));
    if (d == 4 && v >= 1500 && v <= 2039)
        emit(f, "year", "", 0);
    bool dash_next = i + 2 < t->n && t->tok[i + 1].kind == BIB_REFTOK_PUNCT &&
                     (tok_is(t, i + 1, "-") || tok_is(t, i + 1, "\xe2\x80\x93")) &&
                     t->tok[i + 2].kind == BIB_REFTOK_NUMBER;
    bool dash_prev = i >= 2 && t->tok[i - 1].kind == BIB_REFTOK_PUNCT &&
                     (tok_is(t, i - 1, "-") || tok_is(t, i - 1, "\xe2\x80\x93")) &&
                     t->tok[i - 2].kind == BIB_REFTOK_NUMBER;
    if (dash_next)
        emit(f, "rng<", "", 0);
    if (dash_prev)
        emit(f, "rng>", "", 0);
}

size_t bib_reftag_features(bib_reftag *t, size_t i, uint32_t *ids, size_t max)
{
    fsink f = { ids, 0, max };
    if (i >= t->n)
        return 0;
    const bib_ref_token *k = &t->tok[i];
    emit(&f, "bias", "", 0);
    emit_n(&f, "kind", k->kind);
    emit_word(&f, t, i, "w");
    emit_shape(&f, t, i, "s");
    if (k->kind == BIB_REFTOK_NUMBER)
        number_features(&f, t, i);
    if (k->kind == BIB_REFTOK_WORD) {
        char b[24] = { 0 };
        size_t n = lower(t, i, b);
        emit(&f, "p2", b, n < 2 ? n : 2);
        emit(&f, "p3", b, n < 3 ? n : 3);
        emit(&f, "x3", b + (n > 3 ? n - 3 : 0), n < 3 ? n : 3);
        emit(&f, "x2", b + (n > 2 ? n - 2 : 0), n < 2 ? n : 2);
        if (bib_month_parse(tok_text(t, i), k->len) > 0 && k->len > 2)
            emit(&f, "month", "", 0);
    }
    emit_n(&f, "sp", k->space_before);
    /* position: absolute, relative, sentence, commas in the sentence */
    emit_n(&f, "i", (unsigned)(i > 6 ? 6 : i));
    emit_n(&f, "rel", (unsigned)(i * 8 / t->n));
    emit_n(&f, "seg", t->seg[i]);
    emit_n(&f, "cm", t->comma[i]);
    emit_n(&f, "ctx", t->ctx[i] & 3);
    emit_n(&f, "yr", t->ctx[i] >> 2);
    {
        /* first token of a sentence; its shape with the year context */
        bool first = i == 0 || t->seg[i] != t->seg[i - 1];
        emit_n(&f, "first", first);
        char b[16];
        size_t n = shape(t, i, b);
        b[n++] = (char)('0' + (t->ctx[i] >> 2));
        b[n++] = (char)('0' + first);
        emit(&f, "s|yr", b, n);
    }
    emit_n(&f, "nm", (unsigned)(t->name[i] + 4));
    {
        char b[32];
        size_t n = shape(t, i, b);
        b[n++] = '|';
        b[n++] = (char)('0' + t->seg[i]);
        emit(&f, "s|seg", b, n);
    }
    /* neighbours */
    for (int d = -2; d <= 2; d++) {
        if (d == 0)
            continue;
        long j = (long)i + d;
        static const char *const wt[] = { "w-2", "w-1", "", "w+1", "w+2" };
        static const char *const st[] = { "s-2", "s-1", "", "s+1", "s+2" };
        if (j < 0 || (size_t)j >= t->n) {
            emit(&f, wt[d + 2], "<>", 2);
            continue;
        }
        if (d == -1 || d == 1 || t->tok[j].kind == BIB_REFTOK_PUNCT)
            emit_word(&f, t, (size_t)j, wt[d + 2]);
        emit_shape(&f, t, (size_t)j, st[d + 2]);
    }
    if (i > 0) {
        char a[16], b[16], c[34];
        size_t na = shape(t, i - 1, a), nb = shape(t, i, b);
        memcpy(c, a, na);
        c[na] = '|';
        memcpy(c + na + 1, b, nb);
        emit(&f, "s-1|s", c, na + 1 + nb);
    }
    if (i > 0) {
        char a[24], b[24], c[50];
        size_t na = lower(t, i - 1, a), nb = lower(t, i, b);
        memcpy(c, a, na);
        c[na] = '|';
        memcpy(c + na + 1, b, nb);
        emit(&f, "w-1|w", c, na + 1 + nb);
        emit_n(&f, "nm-1", (unsigned)(t->name[i - 1] + 4));
    }
    if (i + 1 < t->n)
        emit_n(&f, "nm+1", (unsigned)(t->name[i + 1] + 4));
    return f.n;
}

/* ---- decoding ----------------------------------------------------------- */

static uint32_t slot_of(uint32_t id)
{
    uint32_t mask = bib_reftag_nslots - 1, k = (id * 2654435761u) & mask;
    while (bib_reftag_keys[k] && bib_reftag_keys[k] != id)
        k = (k + 1) & mask;
    return k;
}

static int grow_viterbi(bib_reftag *t)
{
    if (t->vcap >= t->n)
        return 0;
    size_t cap = t->n + 64;
    int32_t *a = realloc(t->score, cap * L * sizeof *a);
    if (!a)
        return BIB_ENOMEM;
    t->score = a;
    a = realloc(t->best, cap * L * sizeof *a);
    if (!a)
        return BIB_ENOMEM;
    t->best = a;
    unsigned char *b = realloc(t->back, cap * L);
    if (!b)
        return BIB_ENOMEM;
    t->back = b;
    t->vcap = cap;
    return 0;
}

long bib_reftag_run(bib_reftag *t, const char *s, size_t len)
{
    long n = bib_reftag_tokenize(t, s, len);
    if (n <= 0)
        return n;
    if (grow_viterbi(t))
        return BIB_ENOMEM;
    uint32_t ids[BIB_REFTAG_MAX_FEATURES];
    for (size_t i = 0; i < t->n; i++) {
        int32_t *sc = t->score + i * L;
        memset(sc, 0, L * sizeof *sc);
        size_t nf = bib_reftag_features(t, i, ids, BIB_REFTAG_MAX_FEATURES);
        for (size_t f = 0; f < nf; f++) {
            uint32_t k = slot_of(ids[f]);
            if (!bib_reftag_keys[k])
                continue;
            for (uint32_t e = bib_reftag_off[k]; e < bib_reftag_off[k + 1]; e++)
                sc[bib_reftag_ent[e] >> 16] += (int16_t)(bib_reftag_ent[e] & 0xFFFFu);
        }
    }
    for (int l = 0; l < L; l++)
        t->best[l] = t->score[l] + bib_reftag_trans[l];
    for (size_t i = 1; i < t->n; i++) {
        const int32_t *prev = t->best + (i - 1) * L;
        for (int l = 0; l < L; l++) {
            int32_t top = INT32_MIN;
            int arg = 0;
            for (int p = 0; p < L; p++) {
                int32_t v = prev[p] + bib_reftag_trans[(p + 1) * L + l];
                if (v > top)
                    top = v, arg = p;
            }
            t->best[i * L + l] = top + t->score[i * L + l];
            t->back[i * L + l] = (unsigned char)arg;
        }
        /* the path scores of a long text would overflow: a shift common to
         * a whole row changes no decision, so the row's best is kept at 0 */
        int32_t *row = t->best + i * L, hi = row[0];
        for (int k = 1; k < L; k++)
            if (row[k] > hi)
                hi = row[k];
        for (int k = 0; k < L; k++)
            row[k] -= hi;
    }
    int l = 0;
    for (int k = 1; k < L; k++)
        if (t->best[(t->n - 1) * L + k] > t->best[(t->n - 1) * L + l])
            l = k;
    for (size_t i = t->n; i-- > 0;) {
        t->tok[i].label = (unsigned char)l;
        if (i)
            l = t->back[i * L + l];
    }
    return n;
}
