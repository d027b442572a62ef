/* SPDX-License-Identifier: MIT */
/*
 * reftag.c - the reference tagger's tokenizer and feature function
 * (docs/refs.md), the one the trainer (tools/train_refs.c) calls, so a
 * feature means the same in training and at run time; the weights are
 * core/reftag_model_table.c, the decoder core/reftag_decode.c (not among
 * the model's inputs: the model does not depend on it).
 */
#include <stdlib.h>
#include <string.h>
#include <math.h>

#include "bibconv/names.h"
#include "bibconv/dates.h"
#include "bibconv/script.h"
#include "bibconv/utf8.h"
#include "fold_table.h"
#include "names_internal.h"
#include "reftag_model.h"

#define L BIB_REF_LABEL_COUNT
#define LP BIB_REFTAG_LP
#define NS BIB_REFTAG_NS

/* Bump when any feature changes: the model's input hash covers it. */
#define FEATURE_VERSION 19u

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
    if (!t)
        return NULL;
    bib_buf_init(&t->scratch);
    if (bib_reftag_decode_init(t)) {
        free(t);
        return NULL;
    }
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
    free(t->wh);
    free(t->sh);
    free(t->pid);
    free(t->pfirst);
    free(t->segr);
    free(t->cprev);
    free(t->cnext);
    free(t->npb);
    free(t->npa);
    free(t->pinfo);
    free(t->sfirst);
    free(t->slast);
    free(t->snum);
    free(t->lbef);
    free(t->laft);
    free(t->score);
    free(t->best);
    free(t->kept);
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

/* The value of a superscript digit (¹ ² ³ U+00B9, U+00B2, U+00B3; ⁰ ⁴-⁹
 * U+2070, U+2074-U+2079) or a full-width one (０-９, U+FF10-U+FF19), -1
 * for any other character: a list numbered with superscripts (`¹⁷⁾`)
 * writes its numbers with them, a Chinese or Japanese reference its
 * years and pages with full-width ones, and the features read them as
 * the digits they are (compute_hashes). */
static int sup_digit(uint32_t c)
{
    if (c >= 0xFF10 && c <= 0xFF19)
        return (int)(c - 0xFF10);
    if (c == 0xB9)
        return 1;
    if (c == 0xB2 || c == 0xB3)
        return (int)c - 0xB0;
    if (c == 0x2070 || (c >= 0x2074 && c <= 0x2079))
        return (int)c - 0x2070;
    return -1;
}

static bool is_sup_digit(uint32_t c) { return sup_digit(c) >= 0; }

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

static inline uint32_t cp_at(const char *s, size_t len, size_t i, int *w)
{
    /* ASCII inline: most of a reference's characters, and the decoder is
     * a call per character */
    if (i < len && (unsigned char)s[i] < 0x80) {
        *w = 1;
        return (unsigned char)s[i];
    }
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

/* An arXiv identifier (`arXiv:2005.01234v2`, `arXiv:hep-th/9905221`):
 * one token like a link, up to white space; split at its `:` and `.` it
 * read as a title's words and numbers. */
static bool starts_arxiv(const char *s, size_t len, size_t i)
{
    if (len - i < 8)
        return false;
    for (int k = 0; k < 6; k++)
        if ((s[i + k] | (k < 5 ? 32 : 0)) != "arxiv:"[k])
            return false;
    unsigned char c = (unsigned char)s[i + 6];
    return is_digit(c) || ((c | 32) >= 'a' && (c | 32) <= 'z');
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
        unsigned char a = (unsigned char)s[j];
        if (is_digit(a) || ((a | 32) >= 'a' && (a | 32) <= 'z')) {
            /* ASCII letters and digits (most of a word): no decoding */
            digits |= is_digit(a);
            letters |= !is_digit(a);
            prev = a;
            j++;
            continue;
        }
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
    /* `C++`, `C#`, `NAD+`: a `+`, `++` or `#` glued to the end of a word
     * of letters is part of it (one punctuation token each, a title's
     * `C++` read as a field's end and the next words as names) */
    if (letters && !digits && j < len && (s[j] == '+' || s[j] == '#') && prev < 128) {
        size_t e = j + 1 + (s[j] == '+' && j + 1 < len && s[j + 1] == '+');
        unsigned char c = e < len ? (unsigned char)s[e] : ' ';
        if (is_space(c) || (c < 128 && !is_word_char(c) && c != '+' && c != '#' && c != '-'))
            j = e;
    }
    *kind = digits ? BIB_REFTOK_NUMBER : BIB_REFTOK_WORD;
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

/* Grows one per-token array of grow_ctx to `cap` elements (plus `extra`). */
#define GROW(field, extra)                                                   \
    do {                                                                     \
        void *g_ = realloc(t->field, (cap + (extra)) * sizeof *t->field);    \
        if (!g_)                                                             \
            return BIB_ENOMEM;                                               \
        t->field = g_;                                                       \
    } while (0)

static int grow_ctx(bib_reftag *t)
{
    if (t->ctxcap >= t->n && t->ctxcap) /* arrays even for an empty text */
        return 0;
    size_t cap = t->n + 64;
    GROW(seg, 0);
    GROW(comma, 0);
    GROW(ctx, 0);
    GROW(name, 0);
    GROW(wh, 0);
    GROW(sh, 0);
    GROW(pid, 0);
    GROW(pfirst, 1);    /* per phrase: at most one more than tokens */
    GROW(segr, 0);
    GROW(cprev, 0);
    GROW(cnext, 0);
    GROW(npb, 0);
    GROW(npa, 0);
    GROW(pinfo, 1);
    GROW(sfirst, 0);
    GROW(slast, 0);
    GROW(snum, 0);
    GROW(lbef, 0);
    GROW(laft, 0);
    t->ctxcap = cap;
    return 0;
}
#undef GROW

static const char *tok_text(const bib_reftag *t, size_t i) { return t->s + t->tok[i].off; }

/* The ASCII punctuation a CJK or full-width punctuation token stands for
 * (U+3000-U+303F, U+FF01-U+FF5E), read from core's fold table
 * (tools/gen_fold.py: `。` a period, `，` and `、` commas, `（` a bracket,
 * `「」『』《》` quotes), or a superscript bracket; 0 for any other token:
 * the features see a Chinese or Japanese reference's punctuation as the
 * training references write it (no training reference writes these). */
static char folded_punct3(const bib_reftag *t, size_t i);
/* most tokens are not three-byte punctuation: no call for them */
static inline char folded_punct(const bib_reftag *t, size_t i)
{
    return t->tok[i].kind == BIB_REFTOK_PUNCT && t->tok[i].len == 3 ? folded_punct3(t, i) : 0;
}

static char folded_punct3(const bib_reftag *t, size_t i)
{
    const bib_ref_token *k = &t->tok[i];
    /* both blocks are three bytes with lead byte E3 or EF; the curly
     * quotes and dashes (E2) are not folded: the features tell them
     * from the ASCII marks */
    const char *p = tok_text(t, i);
    unsigned char b = (unsigned char)p[0];
    if (k->kind != BIB_REFTOK_PUNCT || k->len != 3)
        return 0;
    /* the superscript brackets of a superscript list number (`¹⁷⁾`,
     * U+207D, U+207E), as its digits are read (sup_digit) */
    if (b == 0xE2 && (unsigned char)p[1] == 0x81 && ((unsigned char)p[2] | 1) == 0xBF)
        return (unsigned char)p[2] == 0xBD ? '(' : ')';
    if (b != 0xE3 && b != 0xEF)
        return 0;
    uint32_t c;
    if (bib_utf8_decode(tok_text(t, i), 3, &c) != 3 ||
        !((c >= 0x3000 && c <= 0x303F) || (c >= 0xFF01 && c <= 0xFF5E)))
        return 0;
    const char *a = bib__fold_cp(c);
    /* punctuation only: a full-width digit is not a mark */
    return a && a[0] && !a[1] && strchr("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", a[0]) ? a[0] : 0;
}

/* Does CJK quote token i open a quotation? 〈《「『 open (even code
 * points, U+3008-U+300F) and 〝 (U+301D); 〉》」』〞〟 close. */
static bool cjk_quote_opens(const bib_reftag *t, size_t i)
{
    uint32_t c = 0;
    bib_utf8_decode(tok_text(t, i), 3, &c);
    return c < 0x301D ? !(c & 1) : c == 0x301D;
}

/* A punctuation token's character: its byte, or the ASCII one a CJK
 * mark stands for (folded_punct). */
static char punct_char(const bib_reftag *t, size_t i)
{
    char f = folded_punct(t, i);
    return f ? f : tok_text(t, i)[0];
}

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

static bool year_like(const bib_reftag *t, size_t i);

/* Does a chunk (for the name-likeness feature) end before token i? A
 * year is a break too: styles that put it after the names without
 * punctuation (`and A. Smith 2019 Title`) would otherwise join the last
 * name to the title in one chunk with a number, which is not scored. */
static bool chunk_break(const bib_reftag *t, size_t i)
{
    const bib_ref_token *k = &t->tok[i];
    if (k->kind == BIB_REFTOK_PUNCT) {
        char c = punct_char(t, i);
        if (c == '.')
            return !is_initial(t, i - (i > 0));
        /* between names: spaced (`S. Ang / M. Field`) or between two
         * words (`M. Abbas/O. Gustafsson`); not inside a number (`12/3`) */
        if (c == '/')
            return k->space_before || (i + 1 < t->n && t->tok[i + 1].space_before) ||
                   (i + 1 < t->n && t->tok[i - 1].kind == BIB_REFTOK_WORD &&
                    t->tok[i + 1].kind == BIB_REFTOK_WORD);
        /* marks between fields (and NUL, which strchr over them matched) */
        return k->len > 1 || c == ',' || c == ';' || c == ':' || c == '(' || c == ')' ||
               c == '[' || c == ']' || c == '"' || c == '&' || !c;
    }
    if (k->kind == BIB_REFTOK_NUMBER)
        return year_like(t, i);
    /* the joining words have three letters at most */
    return k->len <= 3 && (tok_is(t, i, "and") || tok_is(t, i, "und") || tok_is(t, i, "et") ||
                           tok_is(t, i, "y") || tok_is(t, i, "e"));
}

/* The name likeness of a chunk, bucketed -4..4; 9 for no words or a long
 * chunk, 8 for a chunk with a number, link or DOI: no name holds one, and
 * the name model (most of the tokenizer's time) is not asked. */
static signed char name_bucket(bib_reftag *t, size_t a, size_t b)
{
    size_t words = 0;
    bool num = false;
    for (size_t i = a; i < b; i++) {
        unsigned char k = t->tok[i].kind;
        words += k == BIB_REFTOK_WORD || k == BIB_REFTOK_CJK;
        num |= k == BIB_REFTOK_NUMBER || k == BIB_REFTOK_URL || k == BIB_REFTOK_DOI;
    }
    if (words == 0 || b - a > 8)
        return 9;
    if (num)
        return 8;
    size_t from = t->tok[a].off, to = t->tok[b - 1].off + t->tok[b - 1].len, n = to - from;
    /* the same chunk (an author's name, `In`, a journal) recurs from one
     * reference of a list to the next: its bucket is cached by its bytes */
    const char *p = t->s + from;
    reftag_name_memo *m = NULL;
    if (n <= sizeof m->text) {
        /* two ways a set, the one used last first: a list's one-off
         * chunks (a title's words) do not evict the name that recurs */
        /* the set: the bytes hashed eight at a time (any hash will do) */
        uint64_t h = n, w = 0;
        size_t i = 0;
        for (; i + 8 <= n; i += 8) {
            memcpy(&w, p + i, 8);
            h = (h ^ w) * 0x9E3779B97F4A7C15u;
        }
        for (w = 0; i < n; i++)
            w = w << 8 | (unsigned char)p[i];
        h = (h ^ w) * 0x9E3779B97F4A7C15u;
        m = &t->memo[(h >> 40) % (BIB_REFTAG_MEMO / 2) * 2];
        if (m[0].len == n && memcmp(m[0].text, p, n) == 0)
            return m[0].bucket;
        if (m[1].len == n && memcmp(m[1].text, p, n) == 0) {
            reftag_name_memo hit = m[1];
            m[1] = m[0];
            m[0] = hit;
            return hit.bucket;
        }
        m[1] = m[0];
    }
    /* bib_name_score, with its one failure (the name model's
     * normalisation out of memory) told apart from a score */
    double sc;
    if (bib__name_score_of(p, n, &sc)) {
        t->oom = true;
        return 9;
    }
    long q = lround(floor(sc));
    signed char bucket = (signed char)(q < -4 ? -4 : q > 4 ? 4 : q);
    if (m) {
        memcpy(m->text, p, n);
        m->len = (unsigned char)n;
        m->bucket = bucket;
    }
    return bucket;
}

static size_t sup_number(const bib_reftag *t, size_t i, char *out);

/* A four-digit number 1500..2039, maybe with a letter (2001a); full-width
 * digits read as theirs (２０１９). */
static bool year_like(const bib_reftag *t, size_t i)
{
    const bib_ref_token *k = &t->tok[i];
    const char *p = tok_text(t, i);
    char alt[24];
    size_t len = k->len;
    if (k->kind == BIB_REFTOK_NUMBER && (unsigned char)p[0] >= 0x80) {
        len = sup_number(t, i, alt);
        p = alt;
    }
    if (k->kind != BIB_REFTOK_NUMBER || len < 4 || len > 5)
        return false;
    int y = 0;
    for (int d = 0; d < 4; d++) {
        if (!is_digit((unsigned char)p[d]))
            return false;
        y = y * 10 + (p[d] - '0');
    }
    return y >= 1500 && y <= 2039 && (len == 4 || (p[4] >= 'a' && p[4] <= 'z'));
}

/* Does punctuation token i end a sentence (a period, colon, question or
 * exclamation mark not after an initial, with white space after it)? */
static bool sentence_end(const bib_reftag *t, size_t i)
{
    if (t->tok[i].kind != BIB_REFTOK_PUNCT)
        return false;
    char f = folded_punct(t, i), p = f ? f : tok_text(t, i)[0];
    /* CJK text writes no space after its full stop */
    return (p == '.' || p == ':' || p == '?' || p == '!') && !is_initial(t, i - (i > 0)) &&
           i + 1 < t->n && (t->tok[i + 1].space_before || f);
}

/* Sentence index, comma count, bracket/quote state and name likeness of
 * each token: the context the features read. */
static void compute_hashes(bib_reftag *t);
static void compute_phrases(bib_reftag *t);

/* One direction of the context the features see on either side (the
 * two directions are one walk, forwards or backwards): into out[i] the
 * name bucket of the nearest chunk on that side of token i's own (10:
 * none; a run of one bucket other than 9 is a chunk), and `yearbit` set in
 * ctx[i] when a year-like number lies on that side. */
static void chunks_around(bib_reftag *t, bool backwards, signed char *out, unsigned char yearbit)
{
    signed char done = 10, cur = 10;
    bool seen = false;
    for (size_t k = 0; k < t->n; k++) {
        size_t i = backwards ? t->n - 1 - k : k;
        signed char v = t->name[i];
        if (v == 9 || (cur != 10 && v != cur)) {
            if (cur != 10)
                done = cur;
            cur = 10;
        }
        if (v != 9 && cur == 10)
            cur = v;
        out[i] = done;
        if (seen)
            t->ctx[i] |= yearbit;
        seen |= t->tok[i].kind == BIB_REFTOK_NUMBER && year_like(t, i);   /* no call for others */
    }
}

/* The chunk before the one being closed, for comma_pair. */
typedef struct chunk_prev {
    size_t a, b;        /* its tokens [a, b); b == a: none */
    signed char bucket;
    bool comma;         /* the break after it is one comma */
} chunk_prev;

/* `Family, Given` is one name in two chunks (`WEBER, Anna`): when the
 * chunk [a, b) just closed follows a chunk across one comma and both
 * may be names (bucket -4..4), the name likeness of the two as one span
 * goes to the tokens of both (npb: with the chunk before, npa: with the
 * one after), so a given name alone between a comma and a colon is
 * judged with its family name. Then [a, b) becomes the chunk before. */
static void comma_pair(bib_reftag *t, chunk_prev *pc, size_t a, size_t b, signed char bucket)
{
    if (pc->b > pc->a && pc->b + 1 == a && pc->comma && pc->bucket >= -4 && pc->bucket <= 4
        && bucket >= -4 && bucket <= 4) {
        signed char pb = name_bucket(t, pc->a, b);
        for (size_t j = a; j < b; j++)
            t->npb[j] = pb;
        for (size_t j = pc->a; j < pc->b; j++)
            t->npa[j] = pb;
    }
    const bib_ref_token *k = b < t->n ? &t->tok[b] : NULL;
    pc->a = a;
    pc->b = b;
    pc->bucket = bucket;
    pc->comma = k && k->kind == BIB_REFTOK_PUNCT &&
                (k->len == 1 ? t->s[k->off] == ',' : folded_punct(t, b) == ',');
}

static int compute_context(bib_reftag *t)
{
    if (grow_ctx(t))
        return BIB_ENOMEM;
    t->oom = false;
    unsigned seg = 0, comma = 0, paren = 0, quote = 0;
    size_t chunk = 0;
    chunk_prev pc = {0, 0, 9, false};
    memset(t->npb, 10, t->n);
    memset(t->npa, 10, t->n);
    for (size_t i = 0; i < t->n; i++) {
        const bib_ref_token *k = &t->tok[i];
        if (i > 0 && chunk_break(t, i)) {
            signed char b = name_bucket(t, chunk, i);
            for (size_t j = chunk; j < i; j++)
                t->name[j] = b;
            t->name[i] = 9;     /* the break itself is in no chunk */
            comma_pair(t, &pc, chunk, i, b);
            chunk = i + 1;
        }
        t->lbef[i] = chunk == i + 1;   /* a break (name_lists) */
        t->seg[i] = (unsigned char)(seg > 7 ? 7 : seg);
        t->segr[i] = (unsigned char)(seg > 255 ? 255 : seg);
        t->comma[i] = (unsigned char)(comma > 5 ? 5 : comma);
        t->ctx[i] = (unsigned char)((paren ? 1 : 0) | (quote ? 2 : 0));
        if (k->kind != BIB_REFTOK_PUNCT)
            continue;
        const char *p = tok_text(t, i);
        char f = folded_punct(t, i), c = f ? f : *p;
        if (c == ',')
            comma++;
        else if (c == '(' || c == '[')
            paren++;
        else if ((c == ')' || c == ']') && paren)
            paren--;
        else if (f == '"' && (unsigned char)p[0] == 0xE3)
            quote = cjk_quote_opens(t, i);
        else if (c == '"')
            quote = !quote;
        else if (k->len == 3 && (memcmp(p, "\xe2\x80\x9c", 3) == 0 || memcmp(p, "\xc2\xab", 2) == 0))
            quote = 1;
        else if (k->len == 3 && memcmp(p, "\xe2\x80\x9d", 3) == 0)
            quote = 0;
        if (sentence_end(t, i))
            seg++, comma = 0;
    }
    /* sentences still to come: the container and the numbers after it
     * sit near the end whatever the style puts first */
    for (size_t i = 0; i < t->n; i++) {
        unsigned r = (seg > 255 ? 255 : seg) - t->segr[i];
        t->segr[i] = (unsigned char)(r > 7 ? 7 : r);
    }
    if (chunk < t->n) {
        signed char b = name_bucket(t, chunk, t->n);
        for (size_t j = chunk; j < t->n; j++)
            t->name[j] = b;
        comma_pair(t, &pc, chunk, t->n, b);
    }
    /* the buckets of the chunks before and after each token's; bit 2 of
     * ctx: a year-like number came before, bit 3: one comes after */
    chunks_around(t, false, t->cprev, 4);
    chunks_around(t, true, t->cnext, 8);
    return t->oom ? BIB_ENOMEM : 0;
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
        if (starts_url(s, len, i) || ((c | 32) == 'a' && starts_arxiv(s, len, i))) {
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
        } else if (is_sup_digit(c)) {
            /* a run of superscript (or full-width) digits is one number
             * of its own, also when glued to a word (`Smith¹`): it is
             * no part of the word */
            end = i + (size_t)w;
            int w2;
            while (end < len && is_sup_digit(cp_at(s, len, end, &w2)))
                end += (size_t)w2;
            kind = BIB_REFTOK_NUMBER;
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
    compute_hashes(t);
    compute_phrases(t);
    bib__reftag_name_lists(t);
    return (long)t->n;
}

/* Does token i end a phrase? Phrases are the runs between field-like
 * punctuation: commas, colons, brackets, quotes, sentence ends (an
 * initial's period is not one). */
static bool phrase_break(const bib_reftag *t, size_t i)
{
    const bib_ref_token *k = &t->tok[i];
    if (k->kind != BIB_REFTOK_PUNCT)
        return false;
    const char *p = tok_text(t, i);
    char f = folded_punct(t, i);
    if (k->len == 1 || f) {
        char c = f ? f : *p;    /* marks between fields; NUL as strchr had it */
        return c == ',' || c == ';' || c == ':' || c == '(' || c == ')' || c == '[' || c == ']' ||
               c == '"' || c == '?' || c == '!' || !c || (c == '.' && !is_initial(t, i - (i > 0)));
    }
    return k->len == 3 && (memcmp(p, "\xe2\x80\x9c", 3) == 0 || memcmp(p, "\xe2\x80\x9d", 3) == 0);
}

/* Phrases: each token's phrase (pid; a break token takes the phrase it
 * ends), each phrase's first word and a bucket of its length and of how
 * many of its longer words are capitalised (Title Case, a sentence, a
 * name). */
static void compute_phrases(bib_reftag *t)
{
    uint32_t np = 0;
    size_t a = 0;
    for (size_t i = 0; i <= t->n && t->n; i++) {
        if (i < t->n && !phrase_break(t, i))
            continue;
        uint32_t first = 0, words = 0, longw = 0, caps = 0;
        for (size_t j = a; j < i; j++) {
            if (t->tok[j].kind == BIB_REFTOK_PUNCT)
                continue;
            if (!first)
                first = t->wh[j] | 1u;
            words++;
            if (t->tok[j].kind == BIB_REFTOK_WORD && t->tok[j].len >= 4) {
                longw++;
                uint32_t c = (unsigned char)tok_text(t, j)[0];
                if (c >= 0x80)
                    bib_utf8_decode(tok_text(t, j), t->tok[j].len, &c);
                caps += c_upper(c);
            }
        }
        unsigned capb = !longw ? 0 : caps == longw ? 1 : caps * 2 >= longw ? 2 : caps ? 3 : 4;
        unsigned lenb = words <= 2 ? words : words <= 4 ? 3 : words <= 8 ? 4 : 5;
        t->pfirst[np] = first;
        t->pinfo[np] = (unsigned char)(capb * 8 + lenb);
        for (size_t j = a; j <= i && j < t->n; j++)
            t->pid[j] = np;
        np++;
        a = i + 1;
    }
    t->np = np;
    /* each sentence's first and last word (`In ... (Eds.)`, a name list
     * ending in a year): what the sentence is, seen from all its tokens */
    size_t a0 = 0, nums = 0;
    uint32_t first = 0, last = 0;
    for (size_t i = 0; i < t->n; i++) {
        if (t->tok[i].kind != BIB_REFTOK_PUNCT) {
            last = t->wh[i] | 1u;
            first = first ? first : last;
        }
        nums += t->tok[i].kind == BIB_REFTOK_NUMBER;
        if (i + 1 == t->n || (t->tok[i].kind == BIB_REFTOK_PUNCT && sentence_end(t, i))) {
            unsigned nb = nums > 3 ? 3 : (unsigned)nums, seen = 0;
            for (size_t j = a0; j <= i; j++) {
                t->sfirst[j] = first, t->slast[j] = last;
                seen |= t->tok[j].kind == BIB_REFTOK_NUMBER;
                t->snum[j] = (unsigned char)(nb * 2 + seen);
            }
            a0 = i + 1;
            first = last = 0;
            nums = 0;
        }
    }
}

/* ---- features ----------------------------------------------------------- */

/* A feature id is a hash of its template (one of the F_ constants) and a
 * value; the values of a token (its lower-cased word, its shape) are
 * hashed once per text (compute_hashes), so a feature costs a few
 * multiplications and no string work. */
enum {
    F_BIAS = 1, F_KIND, F_W, F_S, F_ND, F_YEAR, F_RNG_NEXT, F_RNG_PREV, F_P2, F_P3,
    F_X3, F_X2, F_MONTH, F_SP, F_I, F_REL, F_SEG, F_CM, F_CTX, F_YR, F_FIRST, F_S_YR,
    F_NM, F_S_SEG, F_W_M2, F_W_M1, F_W_P1, F_W_P2, F_S_M2, F_S_M1, F_S_P1, F_S_P2,
    F_EDGE_M2, F_EDGE_M1, F_EDGE_P1, F_EDGE_P2, F_S_M1_S, F_W_M1_W, F_NM_M1, F_NM_P1,
    F_PH_FIRST, F_PH_PREV, F_PH_NEXT, F_PH_INFO, F_PH_POS, F_PH_PREV_INFO, F_PH_NEXT_INFO,
    F_PH_FIRST_W, F_PH_INDEX, F_SEG_R, F_PH_R, F_PH_INFO_R, F_NM_CP, F_NM_CN,
    F_SEG_FIRST, F_SEG_LAST, F_SEG_NUM, F_NL_BEF, F_NL_AFT, F_NM_PB, F_NM_PA, F_COUNT
};

/* The templates whose values are small numbers (positions, buckets,
 * flags) and how many of their values the decoder looks up directly
 * instead of by hash (reftag_decode.c): the weight sums of these go
 * through a small table of rows, the rest through the large hash table.
 * A value at or past its template's bound is hashed like any other. */
static const unsigned short direct_domain[F_COUNT] = {
    [F_BIAS] = 1, [F_KIND] = 8, [F_ND] = 8, [F_YEAR] = 1, [F_RNG_NEXT] = 1,
    [F_RNG_PREV] = 1, [F_MONTH] = 1, [F_SP] = 2, [F_I] = 8, [F_REL] = 8,
    [F_SEG] = 8, [F_CM] = 8, [F_CTX] = 4, [F_YR] = 64, [F_FIRST] = 2,
    [F_NM] = 16, [F_EDGE_M2] = 1, [F_EDGE_M1] = 1, [F_EDGE_P1] = 1,
    [F_EDGE_P2] = 1, [F_NM_M1] = 16, [F_NM_P1] = 16, [F_PH_INFO] = 256,
    [F_PH_POS] = 4, [F_PH_PREV_INFO] = 256, [F_PH_NEXT_INFO] = 256,
    [F_PH_INDEX] = 16, [F_SEG_R] = 8, [F_PH_R] = 16, [F_NM_CP] = 16,
    [F_NM_CN] = 16, [F_SEG_NUM] = 8, [F_NM_PB] = 16, [F_NM_PA] = 16,
};

_Static_assert(F_COUNT <= BIB_REFTAG_TEMPLATES, "a template number fits in dir's high byte");

unsigned bib_reftag_direct_domain(unsigned tmpl)
{
    return tmpl < F_COUNT ? direct_domain[tmpl] : 0;
}

/* Which part of a token's features each template is (reftag_model.h,
 * BIB_REFTAG_F_*): the decoder sums each part where it recurs (the
 * token's text, a neighbour's text, the phrase) and only the rest per
 * token. Every template not named here is of BIB_REFTAG_F_TOKEN. */
static const unsigned char tmpl_part[F_COUNT] = {
    [F_BIAS] = BIB_REFTAG_F_WORD, [F_KIND] = BIB_REFTAG_F_WORD, [F_W] = BIB_REFTAG_F_WORD,
    [F_S] = BIB_REFTAG_F_WORD, [F_ND] = BIB_REFTAG_F_WORD, [F_YEAR] = BIB_REFTAG_F_WORD,
    [F_P2] = BIB_REFTAG_F_WORD, [F_P3] = BIB_REFTAG_F_WORD, [F_X3] = BIB_REFTAG_F_WORD,
    [F_X2] = BIB_REFTAG_F_WORD, [F_MONTH] = BIB_REFTAG_F_WORD,
    [F_W_M2] = BIB_REFTAG_F_NEAR, [F_W_M1] = BIB_REFTAG_F_NEAR, [F_W_P1] = BIB_REFTAG_F_NEAR,
    [F_W_P2] = BIB_REFTAG_F_NEAR, [F_S_M2] = BIB_REFTAG_F_NEAR, [F_S_M1] = BIB_REFTAG_F_NEAR,
    [F_S_P1] = BIB_REFTAG_F_NEAR, [F_S_P2] = BIB_REFTAG_F_NEAR,
    [F_SEG] = BIB_REFTAG_F_PHRASE, [F_PH_FIRST] = BIB_REFTAG_F_PHRASE,
    [F_PH_PREV] = BIB_REFTAG_F_PHRASE, [F_PH_NEXT] = BIB_REFTAG_F_PHRASE,
    [F_PH_INFO] = BIB_REFTAG_F_PHRASE, [F_PH_PREV_INFO] = BIB_REFTAG_F_PHRASE,
    [F_PH_NEXT_INFO] = BIB_REFTAG_F_PHRASE, [F_PH_INDEX] = BIB_REFTAG_F_PHRASE,
    [F_SEG_R] = BIB_REFTAG_F_PHRASE, [F_PH_R] = BIB_REFTAG_F_PHRASE,
    [F_PH_INFO_R] = BIB_REFTAG_F_PHRASE, [F_SEG_FIRST] = BIB_REFTAG_F_PHRASE,
    [F_SEG_LAST] = BIB_REFTAG_F_PHRASE,
};

static unsigned part_of(unsigned tmpl)
{
    return tmpl_part[tmpl] ? tmpl_part[tmpl] : BIB_REFTAG_F_TOKEN;
}

/* Where features go: ids, and with dir set the small-valued ones as
 * template << 8 | value in dir instead; n counts both against max. Only
 * the templates of the parts in `mask` are kept (the order of the rest
 * is the feature function's, whatever the mask). */
typedef struct fsink {
    uint32_t *ids;
    size_t n, max;
    uint16_t *dir;
    size_t nid, nd;
} fsink;

static inline uint32_t hmix(uint32_t h, uint32_t v)
{
    h ^= v;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    return h ^ (h >> 16);
}

static uint32_t fnv(uint32_t h, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h;
}

uint32_t bib_reftag_feature_id(uint32_t tmpl, uint32_t v)
{
    uint32_t h = hmix(hmix(0x9747b28cu, tmpl), v);
    return h ? h : 1;
}

/* Inlined with a constant mask (features_split's cases), the test of a
 * template's part and the work for a feature of another part fold away.
 * FEAT_ROOM in mask (reftag_model.h): dir set, max at least FEAT_PUTS, the
 * most puts one token makes (49 calls outside the loop over the four
 * neighbours, two at most in it: count again when adding one). */
static FEAT_INLINE void put(fsink *f, unsigned mask, uint32_t tmpl, uint32_t v)
{
    if ((!(mask & FEAT_ROOM) && f->n >= f->max) || !(mask & part_of(tmpl)))
        return;
    f->n++;
    if ((mask & FEAT_ROOM || f->dir) && v < direct_domain[tmpl])
        f->dir[f->nd++] = (uint16_t)(tmpl << 8 | v);
    else
        f->ids[f->nid++] = bib_reftag_feature_id(tmpl, v);
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
        uint32_t c = (unsigned char)p[k];
        int w = 1;
        if (c >= 0x80)
            w = bib_utf8_decode(p + k, len - k, &c);
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

/* A number token of superscript or full-width digits (the tokenizer
 * keeps them apart from ASCII ones) as ASCII digits into out (at most
 * 24), its length; 0 for any other token. */
static size_t sup_number(const bib_reftag *t, size_t i, char *out)
{
    const bib_ref_token *k = &t->tok[i];
    const char *p = tok_text(t, i);
    if (k->kind != BIB_REFTOK_NUMBER || (unsigned char)p[0] < 0x80)
        return 0;
    size_t n = 0;
    for (size_t j = 0; j < k->len && n < 24;) {
        uint32_t c;
        int w = bib_utf8_decode(p + j, k->len - j, &c);
        int d = sup_digit(c);
        if (d < 0)
            return 0;
        out[n++] = (char)('0' + d);
        j += (size_t)w;
    }
    return n;
}

/* lower's and shape's hashes of an ASCII token in one pass over it, no
 * buffers; false (nothing set) when a byte lower or shape would read is
 * not ASCII. */
static bool ascii_hashes(const char *p, size_t len, uint32_t *wh, uint32_t *sh)
{
    uint32_t w = 2166136261u, h = 2166136261u;
    char last = 0;
    int rep = 0;
    for (size_t k = 0, o = 0; k < len && (k < 24 || o < 12); k++) {
        unsigned c = (unsigned char)p[k];
        if (c >= 0x80)
            return false;
        bool up = c - 'A' < 26u;
        if (k < 24)
            w = (w ^ (up ? c + 32 : c)) * 16777619u;
        char ch = c - '0' < 10u ? 'd' : up ? 'X' : c - 'a' < 26u ? 'x' : (char)c;
        rep = ch == last ? rep + 1 : 0;
        last = ch;
        if (o < 12 && rep < 2)
            h = (h ^ (unsigned char)ch) * 16777619u, o++;
    }
    *wh = w;
    *sh = h;
    return true;
}

/* The word and shape hashes of every token. */
static void compute_hashes(bib_reftag *t)
{
    for (size_t i = 0; i < t->n; i++) {
        if (ascii_hashes(tok_text(t, i), t->tok[i].len, &t->wh[i], &t->sh[i]))
            continue;
        char b[24];
        if ((b[0] = folded_punct(t, i)) != 0) {   /* as the ASCII mark */
            t->wh[i] = t->sh[i] = fnv(2166136261u, b, 1);
            continue;
        }
        size_t n = sup_number(t, i, b);
        if (n) {   /* a superscript or full-width number as its ASCII digits */
            t->wh[i] = fnv(2166136261u, b, n);
            t->sh[i] = fnv(2166136261u, "dd", n < 2 ? n : 2);
            continue;
        }
        n = lower(t, i, b);
        t->wh[i] = fnv(2166136261u, b, n);
        n = shape(t, i, b);
        t->sh[i] = fnv(2166136261u, b, n);
    }
}

static FEAT_INLINE void range_features(fsink *f, unsigned m, const bib_reftag *t, size_t i)
{
    bool dash_next = i + 2 < t->n && t->tok[i + 1].kind == BIB_REFTOK_PUNCT &&
                     (tok_is(t, i + 1, "-") || tok_is(t, i + 1, "\xe2\x80\x93")) &&
                     t->tok[i + 2].kind == BIB_REFTOK_NUMBER;
    bool dash_prev = i >= 2 && t->tok[i - 1].kind == BIB_REFTOK_PUNCT &&
                     (tok_is(t, i - 1, "-") || tok_is(t, i - 1, "\xe2\x80\x93")) &&
                     t->tok[i - 2].kind == BIB_REFTOK_NUMBER;
    if (dash_next)
        put(f, m, F_RNG_NEXT, 0);
    if (dash_prev)
        put(f, m, F_RNG_PREV, 0);
}

/* The features of the token's own text (the same for every occurrence of
 * the same bytes: the decoder caches their weight sum per text). */
static FEAT_INLINE void word_features(fsink *f, unsigned m, const bib_reftag *t, size_t i)
{
    const bib_ref_token *k = &t->tok[i];
    put(f, m, F_BIAS, 0);
    put(f, m, F_KIND, k->kind);
    put(f, m, F_W, t->wh[i]);
    put(f, m, F_S, t->sh[i]);
    if (k->kind == BIB_REFTOK_NUMBER) {
        char sup[24];
        size_t n = sup_number(t, i, sup), d = 0;
        const char *p = n ? sup : tok_text(t, i);
        n = n ? n : k->len;
        long v = 0;
        while (d < n && is_digit((unsigned char)p[d]) && d < 9)
            v = v * 10 + (p[d] - '0'), d++;
        put(f, m, F_ND, (uint32_t)(d > 6 ? 6 : d));
        if (d == 4 && v >= 1500 && v <= 2039)
            put(f, m, F_YEAR, 0);
    }
    if (k->kind == BIB_REFTOK_WORD) {
        char b[24] = { 0 };
        size_t n = lower(t, i, b);
        put(f, m, F_P2, fnv(2166136261u, b, n < 2 ? n : 2));
        put(f, m, F_P3, fnv(2166136261u, b, n < 3 ? n : 3));
        put(f, m, F_X3, fnv(2166136261u, b + (n > 3 ? n - 3 : 0), n < 3 ? n : 3));
        put(f, m, F_X2, fnv(2166136261u, b + (n > 2 ? n - 2 : 0), n < 2 ? n : 2));
        if (k->len > 2 && bib_month_parse(tok_text(t, i), k->len) > 0)
            put(f, m, F_MONTH, 0);
    }
}

/* What token j shows the token d places before it (d = -2..2, not 0):
 * its word and shape, read from j's text alone. */
static FEAT_INLINE void near_features(fsink *f, unsigned m, const bib_reftag *t, size_t j, int d)
{
    static const uint32_t wt[] = { F_W_M2, F_W_M1, 0, F_W_P1, F_W_P2 };
    static const uint32_t st[] = { F_S_M2, F_S_M1, 0, F_S_P1, F_S_P2 };
    if (d == -1 || d == 1 || t->tok[j].kind == BIB_REFTOK_PUNCT)
        put(f, m, wt[d + 2], t->wh[j]);
    put(f, m, st[d + 2], t->sh[j]);
}

size_t bib_reftag_near_split(bib_reftag *t, size_t j, int d, uint32_t *ids, size_t max,
                             uint16_t *dir, size_t *ndir)
{
    fsink f = { ids, 0, max, dir, 0, 0 };
    if (j < t->n && d >= -2 && d <= 2 && d != 0)
        near_features(&f, BIB_REFTAG_F_NEAR, t, j, d);
    *ndir = f.nd;
    return f.nid;
}

/* The features of the parts in m of token i (< t->n) into f, in the
 * feature function's order. */
static FEAT_INLINE void features_of(fsink *f, const bib_reftag *t, size_t i, unsigned m)
{
    if (m & BIB_REFTAG_F_WORD)
        word_features(f, m, t, i);
    if (!(m & BIB_REFTAG_F_ALL & ~BIB_REFTAG_F_WORD))
        return;
    const bib_ref_token *k = &t->tok[i];
    uint32_t sh = t->sh[i];
    if (k->kind == BIB_REFTOK_NUMBER)
        range_features(f, m, t, i);
    put(f, m, F_SP, k->space_before);
    /* position: absolute, relative, sentence, commas in the sentence */
    put(f, m, F_I, (uint32_t)(i > 6 ? 6 : i));
    put(f, m, F_REL, (uint32_t)(i * 8 / t->n));
    put(f, m, F_SEG, t->seg[i]);
    put(f, m, F_CM, t->comma[i]);
    put(f, m, F_CTX, t->ctx[i] & 3u);
    put(f, m, F_YR, t->ctx[i] >> 2);
    /* first token of a sentence; its shape with the year context */
    bool first = i == 0 || t->seg[i] != t->seg[i - 1];
    put(f, m, F_FIRST, first);
    put(f, m, F_S_YR, hmix(sh, (uint32_t)(t->ctx[i] >> 2) * 2u + first));
    put(f, m, F_NM, (uint32_t)(t->name[i] + 4));
    put(f, m, F_S_SEG, hmix(sh, t->seg[i]));
    /* neighbours: words next door and punctuation two away, shapes */
    static const uint32_t et[] = { F_EDGE_M2, F_EDGE_M1, 0, F_EDGE_P1, F_EDGE_P2 };
    for (int d = -2; d <= 2; d++) {
        if (d == 0)
            continue;
        long j = (long)i + d;
        if (j < 0 || (size_t)j >= t->n)
            put(f, m, et[d + 2], 0);
        else if (m & BIB_REFTAG_F_NEAR)
            near_features(f, m, t, (size_t)j, d);
    }
    if (i > 0) {
        put(f, m, F_S_M1_S, hmix(t->sh[i - 1], sh));
        put(f, m, F_W_M1_W, hmix(t->wh[i - 1], t->wh[i]));
        put(f, m, F_NM_M1, (uint32_t)(t->name[i - 1] + 4));
    }
    if (i + 1 < t->n)
        put(f, m, F_NM_P1, (uint32_t)(t->name[i + 1] + 4));
    /* the phrase: its first word (`In`, `edited`, `Retrieved`), the first
     * words of the phrases around it (`eds`, `editors` after a name list),
     * its shape, the token's place in it */
    uint32_t p = t->pid[i];
    bool phrase = m & BIB_REFTAG_F_PHRASE;   /* the blocks of that part alone */
    if (phrase) {
        put(f, m, F_PH_FIRST, t->pfirst[p]);
        put(f, m, F_PH_PREV, p ? t->pfirst[p - 1] : 0);
        put(f, m, F_PH_NEXT, p + 1 < t->np ? t->pfirst[p + 1] : 0);
        put(f, m, F_PH_INFO, t->pinfo[p]);
        put(f, m, F_PH_PREV_INFO, p ? t->pinfo[p - 1] : 255u);
        put(f, m, F_PH_NEXT_INFO, p + 1 < t->np ? t->pinfo[p + 1] : 255u);
        put(f, m, F_PH_INDEX, p > 10 ? 10 : p);
    }
    size_t pos = 0;
    while (pos < 3 && i > pos && t->pid[i - pos - 1] == p)
        pos++;
    put(f, m, F_PH_POS, (uint32_t)pos);
    put(f, m, F_PH_FIRST_W, hmix(t->pfirst[p], t->wh[i]));
    /* from the end: sentences and phrases still to come */
    if (phrase) {
        put(f, m, F_SEG_R, t->segr[i]);
        put(f, m, F_PH_R, t->np - 1 - p > 10 ? 10 : t->np - 1 - p);
        put(f, m, F_PH_INFO_R, hmix(t->pinfo[p], t->segr[i]));
    }
    /* the name likeness of the chunks before and after the token's (the
     * tokens next door are mostly the commas between them) */
    put(f, m, F_NM_CP, (uint32_t)(t->cprev[i] + 4));
    put(f, m, F_NM_CN, (uint32_t)(t->cnext[i] + 4));
    /* and joined with the chunk across one comma (`WEBER, Anna`) */
    put(f, m, F_NM_PB, (uint32_t)(t->npb[i] + 4));
    put(f, m, F_NM_PA, (uint32_t)(t->npa[i] + 4));
    /* the sentence's first and last words */
    if (phrase) {
        put(f, m, F_SEG_FIRST, t->sfirst[i]);
        put(f, m, F_SEG_LAST, t->slast[i]);
    }
    /* the numbers of the sentence and whether the token comes before
     * the first of them: a container's sentence holds its volume and
     * pages, a title's mostly none */
    put(f, m, F_SEG_NUM, t->snum[i]);
    /* a name list's surroundings: authors or editors */
    if (t->lbef[i]) {
        put(f, m, F_NL_BEF, t->lbef[i]);
        put(f, m, F_NL_AFT, t->laft[i]);
    }
}

/* The decoder's three parts each get a copy of features_of of their own
 * (constant masks); other masks (the trainer's) the general one. */
size_t bib_reftag_features_split(bib_reftag *t, size_t i, uint32_t *ids, size_t max,
                                 int part, uint16_t *dir, size_t *ndir)
{
    fsink f = { ids, 0, max, dir, 0, 0 };
    if (i < t->n) {
        switch (dir && max >= FEAT_PUTS ? part : 0) {
        case BIB_REFTAG_F_TOKEN: features_of(&f, t, i, BIB_REFTAG_F_TOKEN | FEAT_ROOM); break;
        case BIB_REFTAG_F_WORD: features_of(&f, t, i, BIB_REFTAG_F_WORD | FEAT_ROOM); break;
        case BIB_REFTAG_F_PHRASE: features_of(&f, t, i, BIB_REFTAG_F_PHRASE | FEAT_ROOM); break;
        default: features_of(&f, t, i, (unsigned)part & BIB_REFTAG_F_ALL); break;
        }
    }
    if (ndir)
        *ndir = f.nd;
    return f.nid;
}
