/* SPDX-License-Identifier: MIT */
/*
 * train_names.c - trains the name model of core/namemodel.c (names.h,
 * docs/names.md) and writes core/name_model_table.c.
 *
 *   train_names DATA_DIR OUT.c [--seed N] [SOURCE...]
 *       train, print validation, write OUT.c
 *   train_names --check DATA_DIR TABLE.c [SOURCE...]
 *       exit 1 when TABLE.c's recorded input hash is not the inputs' hash
 *
 * The SOURCE files (meson passes core/namemodel.c, the feature function)
 * join the input hash.
 *
 * Examples: positive = one personal name as bylines write it, negative =
 * a title, a fragment of one, a venue, a publisher, an organisation, an
 * abstract fragment or a list of several names. They come from
 * DATA_DIR/corpus-records.jsonl (real records) and DATA_DIR/names/ (lists
 * the project wrote, composed into names of other cultures). Records and
 * generated names go to training or validation by a seeded hash of their
 * index; the validation generator uses another seed and over-represents
 * the hard cases. Logistic regression by averaged SGD, deterministic.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/buf.h"
#include "bibconv/names.h"
#include "bibconv/script.h"
#include "bibconv/utf8.h"

#define TRAINER_VERSION 3u
#define DEFAULT_SEED 20261203ul
#define EPOCHS 12
#define MAX_FEATS 1024

/* ---- deterministic randomness ------------------------------------------ */

static uint64_t rng_state;

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static uint64_t rnd(void)
{
    return splitmix(&rng_state);
}

static size_t rnd_below(size_t n)
{
    return n ? (size_t)(rnd() % n) : 0;
}

static bool chance(double p)
{
    return (double)(rnd() >> 11) / 9007199254740992.0 < p;
}

/* ---- examples ----------------------------------------------------------- */

typedef struct {
    char *text;       /* kept for the error listing (BIB_TRAIN_ERRORS) */
    size_t off, n;    /* into the feature pool */
    int y;            /* 1 name, 0 not */
    int tag;          /* category, for the per-category report */
} example;

typedef struct {
    example *ex;
    size_t n, cap;
} exset;

static uint32_t *pool;
static size_t pool_n, pool_cap;

enum { T_NAME, T_TITLE, T_FRAG, T_CAPS, T_VENUE, T_ORG, T_ABSTRACT, T_LIST,
       T_ZH, T_KO, T_JA, T_VI, T_MONO, T_YO, T_AR, T_PARTICLE, T_NFD, T_INITIALS,
       T_CJK_TITLE, T_SHORT_TITLE, T_OTHER_NAME, T_TC_FRAG, T_NTAGS };
static const char *const tag_names[T_NTAGS] = {
    "corpus name", "title", "title fragment", "all-caps title", "venue/publisher",
    "organisation", "abstract fragment", "list of names", "Chinese name", "Korean name",
    "Japanese name", "Vietnamese name", "one-word name", "Yoruba name", "Arabic name",
    "particle name", "NFD name", "initials/Vancouver", "CJK title", "short title",
    "other-script name", "Title Case fragment"};

static void *xrealloc(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) {
        fputs("train_names: out of memory\n", stderr);
        exit(2);
    }
    return p;
}

static void add(exset *set, const char *s, size_t len, int y, int tag)
{
    if (!len)
        return;
    if (pool_n + MAX_FEATS > pool_cap) {
        pool_cap = pool_cap ? pool_cap * 2 : 1u << 20;
        pool = xrealloc(pool, pool_cap * sizeof *pool);
    }
    size_t n = bib_name_features(s, len, pool + pool_n, MAX_FEATS);
    if (set->n == set->cap) {
        set->cap = set->cap ? set->cap * 2 : 4096;
        set->ex = xrealloc(set->ex, set->cap * sizeof *set->ex);
    }
    char *text = NULL;
    if (getenv("BIB_TRAIN_ERRORS")) {
        text = xrealloc(NULL, len + 1);
        memcpy(text, s, len);
        text[len] = '\0';
    }
    set->ex[set->n++] = (example){text, pool_n, n, y, tag};
    pool_n += n;
}

static void add_s(exset *set, const char *s, int y, int tag)
{
    add(set, s, strlen(s), y, tag);
}

/* ---- text helpers ------------------------------------------------------- */

/* Upper case of the letters names and titles of the corpus use (Latin,
 * Latin-1, Latin Extended-A, Greek, Cyrillic); others unchanged. */
static uint32_t upper_cp(uint32_t c)
{
    if (c >= 'a' && c <= 'z')
        return c - 32;
    if (c >= 0xE0 && c <= 0xFE && c != 0xF7)
        return c - 32;
    if (c >= 0x100 && c <= 0x17F && bib_char_is_lower(c) && bib_char_is_upper(c - 1))
        return c - 1;
    if (c >= 0x1E00 && c <= 0x1EFF && (c & 1) && bib_char_is_upper(c - 1))
        return c - 1;
    if (c >= 0x3B1 && c <= 0x3C9 && c != 0x3C2)
        return c - 32;
    if (c >= 0x430 && c <= 0x44F)
        return c - 32;
    if (c >= 0x450 && c <= 0x45F)
        return c - 80;
    return c;
}

static void put_upper(bib_buf *b, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        i += (size_t)bib_utf8_decode(s + i, len - i, &cp);
        bib_buf_put_utf8(b, upper_cp(cp));
    }
}

/* NFD by search: for each composite the library's NFC builds from a base
 * and one mark, remember the pair (so NFD input is generated with the
 * library's own tables, recursively: Ọ́ -> O, U+0323, U+0301). */
typedef struct { uint32_t comp, base, mark; } decomp;
static decomp *decomps;
static size_t ndecomps;

static void build_nfd(void)
{
    static const uint32_t bases[][2] = {{0x41, 0x5A}, {0x61, 0x7A}, {0xC0, 0x24F},
                                        {0x1E00, 0x1EFF}, {0x391, 0x3C9}, {0x410, 0x44F}};
    decomps = xrealloc(NULL, 8192 * sizeof *decomps);
    bib_buf b;
    bib_buf_init(&b);
    for (size_t r = 0; r < sizeof bases / sizeof *bases; r++)
        for (uint32_t base = bases[r][0]; base <= bases[r][1]; base++)
            for (uint32_t mark = 0x300; mark < 0x370; mark++) {
                char in[8];
                size_t n = (size_t)bib_utf8_encode(base, in);
                n += (size_t)bib_utf8_encode(mark, in + n);
                bib_buf_reset(&b);
                bib_utf8_nfc(&b, in, n);
                uint32_t cp;
                if (b.len && (size_t)bib_utf8_decode(b.data, b.len, &cp) == b.len &&
                    cp != base && ndecomps < 8192)
                    decomps[ndecomps++] = (decomp){cp, base, mark};
            }
    bib_buf_clear(&b);
}

static void put_nfd_cp(bib_buf *b, uint32_t cp)
{
    for (size_t i = 0; i < ndecomps; i++)
        if (decomps[i].comp == cp) {
            put_nfd_cp(b, decomps[i].base);
            bib_buf_put_utf8(b, decomps[i].mark);
            return;
        }
    bib_buf_put_utf8(b, cp);
}

/* Appends the NFD form of s; returns whether it differs from s. */
static bool put_nfd(bib_buf *b, const char *s)
{
    size_t start = b->len, len = strlen(s), i = 0;
    while (i < len) {
        uint32_t cp;
        i += (size_t)bib_utf8_decode(s + i, len - i, &cp);
        put_nfd_cp(b, cp);
    }
    return b->len - start != len;
}

/* Appends the initial of each word of s ("Jean-Luc Marie" -> "J.-L. M."),
 * with dots or without, spaced or not. */
static void put_initials(bib_buf *b, const char *s, bool dots, bool spaced)
{
    size_t len = strlen(s), i = 0;
    bool start = true, first = true;
    while (i < len) {
        uint32_t cp;
        int k = bib_utf8_decode(s + i, len - i, &cp);
        if (cp == ' ' || cp == '-') {
            if (cp == '-' && dots)
                bib_buf_putc(b, '-');
            start = true;
            i += (size_t)k;
            if (cp == '-')
                first = true;
            continue;
        }
        if (start && bib_char_is_letter(cp)) {
            if (!first && spaced)
                bib_buf_putc(b, ' ');
            bib_buf_put_utf8(b, upper_cp(cp));
            if (dots)
                bib_buf_putc(b, '.');
            first = false;
        }
        start = false;
        i += (size_t)k;
    }
}

/* ---- word lists (DATA_DIR/names/NAME.txt, one item a line) -------------- */

typedef struct {
    char **w;
    size_t n;
} list;

static list load_list(const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/names/%s.txt", dir, name);
    FILE *f = fopen(path, "r");
    list l = {NULL, 0};
    if (!f) {
        fprintf(stderr, "train_names: cannot read %s\n", path);
        exit(2);
    }
    char line[512];
    while (fgets(line, sizeof line, f)) {
        size_t n = strcspn(line, "\r\n");
        line[n] = '\0';
        if (!n || line[0] == '#')
            continue;
        l.w = xrealloc(l.w, (l.n + 1) * sizeof *l.w);
        l.w[l.n++] = strdup(line);
    }
    fclose(f);
    return l;
}

static const char *pick(const list *l)
{
    return l->w[rnd_below(l->n)];
}

/* ---- examples from the corpus records ----------------------------------- */

static const char *jstr(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    return json_is_string(v) ? json_string_value(v) : NULL;
}

/* Renders one structured name as bylines write it; returns its tag. */
static int render_name(bib_buf *b, json_t *n)
{
    const char *family = jstr(n, "family"), *given = jstr(n, "given");
    const char *ndp = jstr(n, "non-dropping-particle"), *suffix = jstr(n, "suffix");
    if (!family)
        return -1;
    if (!given || !*given) {
        bib_buf_puts(b, family);
        return T_NAME;
    }
    size_t form = rnd_below(100);
    int tag = T_NAME;
    if (form < 45) {            /* Given [particle] Family[, Suffix] */
        bib_buf_printf(b, "%s %s%s%s", given, ndp ? ndp : "", ndp ? " " : "", family);
        if (suffix)
            bib_buf_printf(b, chance(0.5) ? ", %s" : " %s", suffix);
    } else if (form < 60) {     /* [particle] Family, Given */
        bib_buf_printf(b, "%s%s%s, %s", ndp ? ndp : "", ndp ? " " : "", family, given);
    } else if (form < 78) {     /* initials first */
        put_initials(b, given, chance(0.7), chance(0.6));
        bib_buf_printf(b, " %s%s%s", ndp ? ndp : "", ndp ? " " : "", family);
        tag = T_INITIALS;
    } else if (form < 88) {     /* Vancouver: Family GI */
        bib_buf_printf(b, "%s%s%s ", ndp ? ndp : "", ndp ? " " : "", family);
        put_initials(b, given, false, false);
        tag = T_INITIALS;
    } else {                    /* all-caps family */
        bool comma = chance(0.5);
        bool first = comma || chance(0.7);
        if (first) {
            put_upper(b, family, strlen(family));
            bib_buf_printf(b, "%s %s", comma ? "," : "", given);
        } else {
            bib_buf_printf(b, "%s ", given);
            put_upper(b, family, strlen(family));
        }
    }
    return tag;
}

static size_t count_words(const char *s)
{
    size_t n = 0;
    bool in = false;
    for (; *s; s++) {
        bool sp = *s == ' ';
        n += !sp && !in;
        in = !sp;
    }
    return n;
}

/* Appends words [a, a+k) of s. */
static void put_words(bib_buf *b, const char *s, size_t a, size_t k)
{
    size_t w = 0;
    bool in = false, any = false;
    for (; *s; s++) {
        bool sp = *s == ' ';
        if (!sp && !in)
            w++;
        in = !sp;
        if (w > a && w <= a + k && !sp) {
            if (any && s[-1] == ' ')
                bib_buf_putc(b, ' ');
            bib_buf_putc(b, *s);
            any = true;
        }
    }
}

static void add_fragment(exset *set, bib_buf *b, const char *s, size_t lo, size_t hi, int tag)
{
    size_t nw = count_words(s);
    if (nw < lo)
        return;
    size_t k = lo + rnd_below(hi - lo + 1);
    if (k > nw)
        k = nw;
    bib_buf_reset(b);
    put_words(b, s, rnd_below(nw - k + 1), k);
    add(set, b->data, b->len, 0, tag);
}

/* Words [a, a+k) of s in Title Case, as publication lists often print
 * titles: a word of four letters or more gets an upper-case first letter.
 * Sentence-case titles alone would let the model learn that two
 * capitalised words are a name, whatever the words. */
static void put_title_case(bib_buf *b, const char *s, size_t a, size_t k)
{
    bib_buf t;
    bib_buf_init(&t);
    put_words(&t, s, a, k);
    const char *p = t.data ? t.data : "";
    size_t len = t.len, i = 0;
    while (i < len) {
        size_t e = i;
        while (e < len && p[e] != ' ')
            e++;
        uint32_t cp;
        size_t k1 = (size_t)bib_utf8_decode(p + i, e - i, &cp);
        if (bib_utf8_length(p + i, e - i) >= 4)
            bib_buf_put_utf8(b, upper_cp(cp));
        else
            bib_buf_append(b, p + i, k1);
        bib_buf_append(b, p + i + k1, e - i - k1);
        if (e < len)
            bib_buf_putc(b, ' ');
        i = e + 1;
    }
    bib_buf_clear(&t);
}

/* Examples from one title; fragments of at least lo words (2 for the
 * AnyStyle titles: their one-word fragments outweighed the one-word
 * names). */
static void title_examples(exset *set, bib_buf *b, const char *title, size_t lo)
{
    size_t nw = count_words(title);
    /* a quarter of the titles: at half, three-word names of rare words
     * fell below zero and cut pages read worse (docs/names.md) */
    if (nw >= 2 && chance(0.25)) {
        size_t k = 2 + rnd_below(3);
        if (k > nw)
            k = nw;
        bib_buf_reset(b);
        put_title_case(b, title, rnd_below(nw - k + 1), k);
        add(set, b->data, b->len, 0, T_TC_FRAG);
    }
    if (nw <= 4 && nw >= lo)
        add_s(set, title, 0, T_SHORT_TITLE);
    else if (chance(0.5))
        add_s(set, title, 0, T_TITLE);
    add_fragment(set, b, title, lo, 6, T_FRAG);
    if (chance(0.5))
        add_fragment(set, b, title, 2, 4, T_FRAG);
    if (chance(0.25)) {
        bib_buf_reset(b);
        put_words(b, title, 0, nw <= 8 ? nw : 2 + rnd_below(6));
        char *t = strdup(b->data ? b->data : "");
        bib_buf_reset(b);
        put_upper(b, t, strlen(t));
        free(t);
        add(set, b->data, b->len, 0, T_CAPS);
    }
}

static void record_examples(exset *set, json_t *rec, bib_buf *b)
{
    const char *title = jstr(rec, "title");
    if (title)
        title_examples(set, b, title, 1);
    const char *venue = jstr(rec, "container-title"), *pub = jstr(rec, "publisher");
    if (venue)
        add_s(set, venue, 0, T_VENUE);
    if (pub && chance(0.5))
        add_s(set, pub, 0, T_VENUE);
    const char *abs = jstr(rec, "abstract");
    if (abs)
        add_fragment(set, b, abs, 3, 20, T_ABSTRACT);
    json_t *authors = json_object_get(rec, "author");
    size_t na = json_array_size(authors);
    for (size_t i = 0; i < na; i++) {
        json_t *n = json_array_get(authors, i);
        const char *lit = jstr(n, "literal");
        bib_buf_reset(b);
        if (lit) {
            add_s(set, lit, 0, T_ORG);
            continue;
        }
        int tag = render_name(b, n);
        if (tag >= 0)
            add(set, b->data, b->len, 1, tag);
    }
    if (na >= 2 && chance(0.4)) {
        static const char *const seps[] = {", ", " and ", "; ", ", ", " & "};
        const char *sep = seps[rnd_below(5)];
        bib_buf_reset(b);
        size_t k = 2 + rnd_below(na - 1 < 3 ? na - 1 : 3);
        for (size_t i = 0; i < k && i < na; i++) {
            if (i)
                bib_buf_puts(b, sep);
            render_name(b, json_array_get(authors, i));
        }
        add(set, b->data, b->len, 0, T_LIST);
    }
}

/* DATA_DIR/name opened for reading (the caller closes it); exits when it
 * cannot be read. */
static FILE *open_data(const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "train_names: cannot read %s\n", path);
        exit(2);
    }
    return f;
}

/* Reads the corpus; record i goes to validation when its seeded hash says
 * so (a fifth of the records). */
static void corpus_examples(const char *dir, exset *train, exset *val, uint64_t seed)
{
    FILE *f = open_data(dir, "corpus-records.jsonl");
    bib_buf b;
    bib_buf_init(&b);
    char *line = NULL;
    size_t cap = 0;
    uint64_t i = 0;
    while (getline(&line, &cap, f) > 0) {
        uint64_t h = seed ^ (i++ * 0x9E3779B97F4A7C15ull);
        bool is_val = splitmix(&h) % 5 == 0;
        json_t *rec = json_loads(line, 0, NULL);
        if (!rec)
            continue;
        record_examples(is_val ? val : train, rec, &b);
        json_decref(rec);
    }
    free(line);
    fclose(f);
    bib_buf_clear(&b);
}

/* The titles and containers of AnyStyle's hand-labelled references
 * (DATA_DIR/refs/anystyle.jsonl, docs/names.md): titles of many fields and
 * languages, more words than the corpus has. Reference i goes to
 * validation when its seeded hash says so (a fifth). */
static void anystyle_examples(const char *dir, exset *train, exset *val, uint64_t seed)
{
    FILE *f = open_data(dir, "refs/anystyle.jsonl");
    bib_buf b, t;
    bib_buf_init(&b);
    bib_buf_init(&t);
    char *line = NULL;
    size_t cap = 0;
    uint64_t i = 0;
    while (getline(&line, &cap, f) > 0) {
        uint64_t h = (seed ^ 0xA5A5ull) ^ (i++ * 0x9E3779B97F4A7C15ull);
        exset *set = splitmix(&h) % 5 == 0 ? val : train;
        json_t *rec = json_loads(line, 0, NULL);
        json_t *seg = json_object_get(rec, "seg");
        for (size_t k = 0; k < json_array_size(seg); k++) {
            json_t *p = json_array_get(seg, k);
            const char *lab = json_string_value(json_array_get(p, 0));
            const char *txt = json_string_value(json_array_get(p, 1));
            if (!lab || !txt)
                continue;
            /* the segment without the quotes and stops around it */
            size_t len = strlen(txt);
            while (len && strchr(" .,;:\"'", txt[len - 1]))
                len--;
            while (len && strchr(" \"'", *txt))
                txt++, len--;
            if (len < 3)
                continue;
            bib_buf_reset(&t);
            bib_buf_append(&t, txt, len);
            if (!strcmp(lab, "title"))
                title_examples(set, &b, t.data, 2);
            else if (!strcmp(lab, "container-title") && chance(0.5))
                add(set, t.data, t.len, 0, T_VENUE);
        }
        json_decref(rec);
    }
    free(line);
    fclose(f);
    bib_buf_clear(&b);
    bib_buf_clear(&t);
}

/* Generated names of other cultures; defined below. */
static void culture_examples(const char *dir, exset *set, size_t scale, bool hard);

/* ---- training ----------------------------------------------------------- */

typedef struct {
    double *w, *wa; /* weights and the running sum for averaging */
    double b, ba;
} model;

static double dot(const model *m, const example *e, bool avg)
{
    double z = avg ? m->ba : m->b;
    const double *w = avg ? m->wa : m->w;
    for (size_t i = 0; i < e->n; i++)
        z += w[pool[e->off + i]];
    return z;
}

static double sigmoid(double z)
{
    return 1.0 / (1.0 + exp(-z));
}

/* SGD on the logistic loss with L2 (BIB_TRAIN_L2 overrides it for
 * experiments), classes weighted to balance, in a seeded order each epoch;
 * the model is the average of the weights at the end of each epoch. */
static void train(model *m, const exset *set)
{
    size_t npos = 0;
    for (size_t i = 0; i < set->n; i++)
        npos += set->ex[i].y;
    double wpos = set->n / (2.0 * (npos ? npos : 1));
    double wneg = set->n / (2.0 * (set->n - npos ? set->n - npos : 1));
    size_t *order = xrealloc(NULL, set->n * sizeof *order);
    for (size_t i = 0; i < set->n; i++)
        order[i] = i;
    double *sum = calloc(BIB_NAME_FEATURE_BUCKETS, sizeof *sum);
    double bsum = 0;
    const double l2 = getenv("BIB_TRAIN_L2") ? atof(getenv("BIB_TRAIN_L2")) : 1e-3;
    for (int ep = 0; ep < EPOCHS; ep++) {
        for (size_t i = set->n; i > 1; i--) {
            size_t j = rnd_below(i), t = order[i - 1];
            order[i - 1] = order[j];
            order[j] = t;
        }
        double lr = 0.1 / (1.0 + ep);
        for (size_t k = 0; k < set->n; k++) {
            const example *e = &set->ex[order[k]];
            double p = sigmoid(dot(m, e, false));
            double g = (e->y - p) * (e->y ? wpos : wneg) * lr;
            for (size_t i = 0; i < e->n; i++) {
                uint32_t id = pool[e->off + i];
                m->w[id] += g - lr * l2 * m->w[id];
            }
            m->b += g;
        }
        for (size_t i = 0; i < BIB_NAME_FEATURE_BUCKETS; i++)
            sum[i] += m->w[i];
        bsum += m->b;
    }
    /* average of the epoch-end weights: smooths the last epochs' noise */
    for (size_t i = 0; i < BIB_NAME_FEATURE_BUCKETS; i++)
        m->wa[i] = sum[i] / EPOCHS;
    m->ba = bsum / EPOCHS;
    free(sum);
    free(order);
}

static void evaluate(const model *m, const exset *set, const char *what)
{
    size_t ok[T_NTAGS] = {0}, n[T_NTAGS] = {0}, all_ok = 0;
    double loss = 0;
    for (size_t i = 0; i < set->n; i++) {
        const example *e = &set->ex[i];
        double p = sigmoid(dot(m, e, true));
        bool good = (p >= 0.5) == (e->y == 1);
        ok[e->tag] += good;
        n[e->tag]++;
        all_ok += good;
        if (!good && e->text && !strcmp(what, "validation"))
            printf("  miss %.3f %-18s %s\n", p, tag_names[e->tag], e->text);
        double q = e->y ? p : 1 - p;
        loss -= log(q > 1e-12 ? q : 1e-12);
    }
    printf("%s: %zu examples, accuracy %.4f, log loss %.4f\n", what, set->n,
           set->n ? (double)all_ok / set->n : 0.0, set->n ? loss / set->n : 0.0);
    for (int t = 0; t < T_NTAGS; t++)
        if (n[t])
            printf("  %-20s %6zu  %.4f\n", tag_names[t], n[t], (double)ok[t] / n[t]);
}

/* ---- the input hash ---------------------------------------------------- */

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *c = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ c[i]) * 1099511628211ull;
    return h;
}

static uint64_t hash_file(uint64_t h, const char *path, const char *name)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "train_names: cannot read %s\n", path);
        exit(2);
    }
    h = fnv(h, name, strlen(name) + 1);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        h = fnv(h, buf, n);
    fclose(f);
    return h;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Hash of everything the table depends on: the corpus file, every list
 * under names/ (in name order), the feature and trainer versions, the
 * seed, and the source files given (the feature function's code: an edit
 * there that forgot the feature version still makes the table stale). */
static uint64_t input_hash(const char *dir, uint64_t seed, char **src, int nsrc)
{
    char path[1024];
    uint64_t h = 14695981039346656037ull;
    snprintf(path, sizeof path, "%s/corpus-records.jsonl", dir);
    h = hash_file(h, path, "corpus-records.jsonl");
    snprintf(path, sizeof path, "%s/refs/anystyle.jsonl", dir);
    h = hash_file(h, path, "refs/anystyle.jsonl");
    snprintf(path, sizeof path, "%s/names", dir);
    DIR *d = opendir(path);
    if (!d) {
        fprintf(stderr, "train_names: cannot list %s\n", path);
        exit(2);
    }
    char **names = NULL;
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t l = strlen(e->d_name);
        if (l > 4 && !strcmp(e->d_name + l - 4, ".txt")) {
            names = xrealloc(names, (n + 1) * sizeof *names);
            names[n++] = strdup(e->d_name);
        }
    }
    closedir(d);
    qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        snprintf(path, sizeof path, "%s/names/%s", dir, names[i]);
        h = hash_file(h, path, names[i]);
        free(names[i]);
    }
    free(names);
    for (int i = 0; i < nsrc; i++) {
        const char *base = strrchr(src[i], '/');
        h = hash_file(h, src[i], base ? base + 1 : src[i]);
    }
    unsigned v[2] = {bib_name_feature_version(), TRAINER_VERSION};
    h = fnv(h, v, sizeof v);
    return fnv(h, &seed, sizeof seed);
}

/* ---- output ------------------------------------------------------------- */

static int write_table(const char *out, const model *m, uint64_t seed, uint64_t hash,
                       double val_acc)
{
    double mx = 1e-9;
    for (size_t i = 0; i < BIB_NAME_FEATURE_BUCKETS; i++)
        if (fabs(m->wa[i]) > mx)
            mx = fabs(m->wa[i]);
    double scale = 32767.0 / mx;
    FILE *f = fopen(out, "w");
    if (!f) {
        fprintf(stderr, "train_names: cannot write %s\n", out);
        return 2;
    }
    fprintf(f, "/* SPDX-License-Identifier: MIT */\n"
               "/* name_model_table.c - GENERATED by tools/train_names.c (meson compile\n"
               " * -C build train-names); do not edit. The weights of the name model\n"
               " * (core/namemodel.c, docs/names.md). Validation accuracy %.4f. */\n"
               "#include \"names_internal.h\"\n\n", val_acc);
    fprintf(f, "const unsigned long bib__name_model_seed = %lluul;\n",
            (unsigned long long)seed);
    fprintf(f, "/* hash of the training inputs, feature and trainer versions, seed */\n");
    fprintf(f, "const char bib__name_model_input_hash[] = \"%016llx\";\n",
            (unsigned long long)hash);
    fprintf(f, "const double bib__name_weight_scale = %.17g;\n", scale);
    fprintf(f, "const double bib__name_bias = %.17g;\n\n", m->ba);
    fprintf(f, "const short bib__name_weights[%u] = {\n", BIB_NAME_FEATURE_BUCKETS);
    for (size_t i = 0; i < BIB_NAME_FEATURE_BUCKETS; i += 16) {
        fputs("   ", f);
        for (size_t k = i; k < i + 16; k++)
            fprintf(f, " %ld,", lround(m->wa[k] * scale));
        fputc('\n', f);
    }
    fputs("};\n", f);
    return fclose(f) ? 2 : 0;
}

static int check(const char *dir, const char *table, char **src, int nsrc)
{
    FILE *f = fopen(table, "r");
    if (!f) {
        fprintf(stderr, "train_names: cannot read %s\n", table);
        return 2;
    }
    char line[512], rec[64] = "";
    unsigned long long seed = 0;
    while (fgets(line, sizeof line, f)) {
        sscanf(line, "const unsigned long bib__name_model_seed = %llu", &seed);
        sscanf(line, "const char bib__name_model_input_hash[] = \"%16[0-9a-f]", rec);
    }
    fclose(f);
    char now[32];
    snprintf(now, sizeof now, "%016llx", (unsigned long long)input_hash(dir, seed, src, nsrc));
    if (strcmp(now, rec)) {
        fprintf(stderr, "%s: stale: recorded input hash %s, the inputs hash to %s; "
                        "retrain with `meson compile -C build train-names`\n", table, rec, now);
        return 1;
    }
    printf("%s: inputs hash %s as recorded\n", table, now);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 4 && !strcmp(argv[1], "--check"))
        return check(argv[2], argv[3], argv + 4, argc - 4);
    /* train_names DATA_DIR OUT.c [--seed N] [SOURCE...] */
    int first_src = 3;
    uint64_t seed = DEFAULT_SEED;
    if (argc >= 5 && !strcmp(argv[3], "--seed")) {
        seed = strtoull(argv[4], NULL, 10);
        first_src = 5;
    }
    if (argc < 3 || (argc >= 4 && argv[3][0] == '-' && first_src == 3)) {
        fputs("usage: train_names DATA_DIR OUT.c [--seed N] [SOURCE...]\n"
              "       train_names --check DATA_DIR TABLE.c [SOURCE...]\n", stderr);
        return 2;
    }
    exset train_set = {0}, val_set = {0};
    build_nfd();
    rng_state = seed;
    corpus_examples(argv[1], &train_set, &val_set, seed);
    anystyle_examples(argv[1], &train_set, &val_set, seed);
    culture_examples(argv[1], &train_set, 30, false);
    /* validation: another seed, other draws, hard cases over-represented */
    rng_state = seed ^ 0x5EED5EED5EEDull;
    culture_examples(argv[1], &val_set, 6, true);
    rng_state = seed + 1;
    model m;
    m.w = calloc(BIB_NAME_FEATURE_BUCKETS, sizeof *m.w);
    m.wa = calloc(BIB_NAME_FEATURE_BUCKETS, sizeof *m.wa);
    m.b = m.ba = 0;
    if (!m.w || !m.wa)
        return 2;
    train(&m, &train_set);
    evaluate(&m, &train_set, "training");
    evaluate(&m, &val_set, "validation");
    size_t ok = 0;
    for (size_t i = 0; i < val_set.n; i++)
        ok += (sigmoid(dot(&m, &val_set.ex[i], true)) >= 0.5) == (val_set.ex[i].y == 1);
    uint64_t hash = input_hash(argv[1], seed, argv + first_src, argc - first_src);
    int rc = write_table(argv[2], &m, seed, hash,
                         val_set.n ? (double)ok / val_set.n : 0.0);
    free(m.w);
    free(m.wa);
    free(train_set.ex);
    free(val_set.ex);
    free(pool);
    return rc;
}

/* ---- names of other cultures -------------------------------------------- */

enum { L_ZH_F, L_ZH_FC, L_ZH_G, L_ZH_FL, L_ZH_GL, L_KO_F, L_KO_FC, L_KO_G, L_KO_FL, L_KO_GL,
       L_JA_F, L_JA_G, L_JA_FL, L_JA_GL, L_VI_F, L_VI_M, L_VI_G, L_MONO, L_YO_G, L_YO_F,
       L_AR_G, L_AR_F, L_AR_GA, L_AR_FA, L_PART, L_LAT_G, L_LAT_F, L_RU_G, L_RU_F, L_EL_G,
       L_EL_F, L_HI_G, L_HI_F, L_ZH_T, L_KO_T, L_JA_T, L_ORG, L_VENUE, L_N };
static const char *const list_files[L_N] = {
    "zh_family", "zh_family_compound", "zh_given", "zh_family_latin", "zh_given_latin",
    "ko_family", "ko_family_compound", "ko_given", "ko_family_latin", "ko_given_latin",
    "ja_family", "ja_given", "ja_family_latin", "ja_given_latin", "vi_family", "vi_middle",
    "vi_given", "id_mononym", "yo_given", "yo_family", "ar_given", "ar_family",
    "ar_given_arabic", "ar_family_arabic", "particle_family", "latin_given", "latin_family",
    "ru_given", "ru_family", "el_given", "el_family", "hi_given", "hi_family",
    "zh_title_words", "ko_title_words", "ja_title_words", "organisations", "venues"};
static list lists[L_N];
/* Lists whose items are held out: every fifth item only in validation, so
 * validation asks for names the model never saw. */
static const bool held_out[L_N] = {
    [L_ZH_G] = true, [L_ZH_GL] = true, [L_KO_GL] = true, [L_JA_G] = true, [L_JA_GL] = true,
    [L_VI_G] = true, [L_MONO] = true, [L_YO_G] = true, [L_YO_F] = true, [L_AR_G] = true,
    [L_AR_F] = true, [L_PART] = true, [L_LAT_G] = true, [L_LAT_F] = true, [L_ORG] = true,
    [L_VENUE] = true};
static bool validating;

static const char *draw(int which)
{
    const list *l = &lists[which];
    if (!held_out[which] || l->n < 10)
        return pick(l);
    for (;;) {
        size_t i = rnd_below(l->n);
        if ((i % 5 == 0) == validating)
            return l->w[i];
    }
}

static void put_upper_s(bib_buf *b, const char *s)
{
    put_upper(b, s, strlen(s));
}

/* Latin-letter name of an East Asian family/given pair in one of the
 * orders bylines use. */
static void put_latin_pair(bib_buf *b, const char *family, const char *given)
{
    switch (rnd_below(5)) {
    case 0: bib_buf_printf(b, "%s %s", family, given); break;
    case 1: put_upper_s(b, family); bib_buf_printf(b, " %s", given); break;
    case 2: bib_buf_printf(b, "%s, %s", family, given); break;
    default: bib_buf_printf(b, "%s %s", given, family); break;
    }
}

static int gen_cjk(bib_buf *b, int f, int fc, int g, int fl, int gl, int tag, double compound)
{
    if (chance(0.2)) {
        put_latin_pair(b, draw(fl), draw(gl));
        return tag;
    }
    bib_buf_puts(b, draw(chance(compound) ? fc : f));
    if (tag == T_JA ? chance(0.4) : chance(0.1))
        bib_buf_putc(b, ' ');
    bib_buf_puts(b, draw(g));
    if (tag != T_JA && chance(0.7))
        bib_buf_puts(b, draw(g));
    return tag;
}

static int gen_other(bib_buf *b, int kind)
{
    switch (kind) {
    case 0: /* Vietnamese, family first or Western order */
        if (chance(0.7))
            bib_buf_printf(b, "%s %s %s", draw(L_VI_F), draw(L_VI_M), draw(L_VI_G));
        else
            bib_buf_printf(b, "%s %s", draw(L_VI_G), draw(L_VI_F));
        return T_VI;
    case 1:
        bib_buf_puts(b, draw(L_MONO));
        return T_MONO;
    case 2: /* Yoruba and other Nigerian names, diacritics as written */
        bib_buf_puts(b, draw(L_YO_G));
        if (chance(0.4)) {
            bib_buf_putc(b, ' ');
            put_initials(b, draw(L_YO_G), true, false);
        }
        bib_buf_printf(b, " %s", draw(L_YO_F));
        return T_YO;
    case 3: /* Arabic names, Latin or Arabic script */
        if (chance(0.25))
            bib_buf_printf(b, "%s %s", draw(L_AR_GA), draw(L_AR_FA));
        else if (chance(0.3))
            bib_buf_printf(b, "%s %s %s", draw(L_AR_G), draw(L_AR_G), draw(L_AR_F));
        else
            bib_buf_printf(b, "%s %s", draw(L_AR_G), draw(L_AR_F));
        return T_AR;
    case 4: { /* particles, every order */
        const char *fam = draw(L_PART), *given = draw(L_LAT_G);
        size_t form = rnd_below(4);
        if (form == 0)
            bib_buf_printf(b, "%s, %s", fam, given);
        else if (form == 1) {
            put_initials(b, given, true, chance(0.5));
            bib_buf_printf(b, " %s", fam);
        } else if (form == 2) {
            bib_buf_printf(b, "%s ", fam);
            put_initials(b, given, false, false);
        } else {
            bib_buf_printf(b, "%s %s", given, fam);
        }
        return T_PARTICLE;
    }
    default: { /* Latin names of many languages, Cyrillic, Greek, Devanagari */
        static const int pairs[][2] = {{L_LAT_G, L_LAT_F}, {L_RU_G, L_RU_F},
                                       {L_EL_G, L_EL_F}, {L_HI_G, L_HI_F}, {L_LAT_G, L_LAT_F}};
        size_t k = rnd_below(5);
        const char *g = draw(pairs[k][0]), *f = draw(pairs[k][1]);
        if (chance(0.2))
            bib_buf_printf(b, "%s, %s", f, g);
        else if (chance(0.2)) {
            put_upper_s(b, f);
            bib_buf_printf(b, " %s", g);
        } else
            bib_buf_printf(b, "%s %s", g, f);
        return T_OTHER_NAME;
    }
    }
}

/* One generated name of a random culture; returns its tag. */
static int gen_name(bib_buf *b)
{
    size_t k = rnd_below(9);
    switch (k) {
    case 0: return gen_cjk(b, L_ZH_F, L_ZH_FC, L_ZH_G, L_ZH_FL, L_ZH_GL, T_ZH, 0.08);
    case 1: return gen_cjk(b, L_KO_F, L_KO_FC, L_KO_G, L_KO_FL, L_KO_GL, T_KO, 0.05);
    case 2: return gen_cjk(b, L_JA_F, L_JA_F, L_JA_G, L_JA_FL, L_JA_GL, T_JA, 0.0);
    default: return gen_other(b, (int)k - 3);
    }
}

/* A title of East Asian words: Chinese and Japanese without spaces, Korean
 * with. */
static void gen_cjk_title(bib_buf *b)
{
    size_t which = rnd_below(3), n = 1 + rnd_below(5);
    int l = which == 0 ? L_ZH_T : which == 1 ? L_JA_T : L_KO_T;
    for (size_t i = 0; i < n; i++) {
        if (i && which == 2)
            bib_buf_putc(b, ' ');
        bib_buf_puts(b, draw(l));
    }
}

static void culture_examples(const char *dir, exset *set, size_t scale, bool hard)
{
    if (!lists[0].n)
        for (int i = 0; i < L_N; i++)
            lists[i] = load_list(dir, list_files[i]);
    validating = hard;
    bib_buf b, nfd;
    bib_buf_init(&b);
    bib_buf_init(&nfd);
    for (size_t i = 0; i < 1000 * scale; i++) {
        bib_buf_reset(&b);
        int tag = gen_name(&b);
        add(set, b.data, b.len, 1, tag);
        bib_buf_reset(&nfd);
        if (put_nfd(&nfd, b.data) && chance(0.3))
            add(set, nfd.data, nfd.len, 1, T_NFD);
        if (i % 3 == 0) {
            bib_buf_reset(&b);
            gen_cjk_title(&b);
            add(set, b.data, b.len, 0, T_CJK_TITLE);
        }
        if (i % 4 == 0) { /* lists of generated names */
            bib_buf_reset(&b);
            gen_name(&b);
            size_t first_end = b.len;
            bib_buf_puts(&b, chance(0.3) ? "、" : ", ");
            gen_name(&b);
            /* "Kartini, Sri" is one name in family-comma-given order: a
             * list needs more than one word on one side of the comma */
            if (memchr(b.data, ' ', first_end) || strchr(b.data + first_end + 2, ' '))
                add(set, b.data, b.len, 0, T_LIST);
        }
        if (i % 10 == 0) {
            add_s(set, draw(L_ORG), 0, T_ORG);
            add_s(set, draw(L_VENUE), 0, T_VENUE);
        }
    }
    bib_buf_clear(&b);
    bib_buf_clear(&nfd);
}
