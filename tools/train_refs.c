/* SPDX-License-Identifier: MIT */
/*
 * train_refs.c - trains the reference tagger (include/bibconv/reftag.h,
 * docs/refs.md) and writes core/reftag_model_table.c.
 *
 *   train_refs OUT.c INPUT...          train, print validation, write OUT.c
 *   train_refs --check TABLE.c INPUT...  exit 1 when TABLE.c's input hash
 *                                        is not the hash of INPUT...
 *
 * INPUT are the files the model depends on: the labelled references
 * (tools/data/refs/rendered.jsonl, anystyle.jsonl: one JSON object per line
 * with "src", "style", "rec" and "seg": [[label, text], ...]), the feature
 * function's source and this file; every input is hashed, the .jsonl ones
 * are read. Model: a linear-chain conditional random field over the
 * library's own features (bib_reftag_features) and decoder states, its
 * weights the L2-penalised log-likelihood's by stochastic gradient steps in
 * a fixed seeded order (forward-backward for the marginals), averaged over
 * the last epochs' ends; Viterbi decoding (REFS_TRAIN=perceptron: the
 * averaged structured perceptron of the models before).
 * Validation holds out whole styles (a seeded hash of the style name) and
 * whole source records (of the record id): training never sees a held-out
 * style or a held-out record in any style. The data's label mending and
 * the training copies are in train_refs_data.c.
 *
 * Environment (for measuring; the committed table is made without it):
 * REFS_BUILTIN=1 scores the table this program was built with instead of
 * training; REFS_DUMP / REFS_DUMP_RECORDS=FILE write the wrong validation
 * / held-out-record references token by token; REFS_ORDER_SEED=N another
 * order of the training references (the spread from run to run);
 * REFS_ROLES=0, REFS_LINK_MARKS=0 and REFS_INITIALS=0 leave out the
 * role-word, link-mark and initials' period label mending
 * (train_refs_data.c), for scoring on the labels before it;
 * REFS_TRAIN=perceptron the learner before; REFS_CRF_ETA, _L2, _EPOCHS
 * and _AVG_FROM other settings of the CRF; REFS_FLOAT=1 scores the
 * weights before quantising, REFS_MAX_WEIGHTS=N keeps N weights instead
 * of MAX_WEIGHTS.
 */
#define _POSIX_C_SOURCE 200809L
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bibconv/reftag.h"
#include "train_refs.h"

#define L BIB_REF_LABEL_COUNT
#define TRAINER_VERSION 9u
/* The learner (docs/refs.md, "Training and validation"): a linear-chain
 * conditional random field by stochastic gradient steps; its settings,
 * chosen on the held-out records of the training styles (the step, the
 * L2 penalty per reference, the epochs, the epoch from which the weights
 * at the epochs' ends are averaged). REFS_TRAIN=perceptron trains the
 * averaged perceptron of the models before 2026-12-06 (PERCEPTRON_EPOCHS). */
#define CRF_ETA 0.005
#define CRF_L2 1e-4
#define CRF_EPOCHS 40
#define CRF_AVG_FROM 20
#define PERCEPTRON_EPOCHS 16
#define MAX_WEIGHTS 220000
/* a feature seen in the training references of fewer source records gets
 * no weight: each record is rendered in ~80 styles, and a word of one
 * record's title would otherwise be learned by heart (it says nothing
 * about a held-out record) */
#define MIN_RECORDS 3
#define QMAX 1023           /* largest quantised emission weight (11 bits) */
/* a feature with weights for at least this many labels is a dense row
 * (reftag_model.h): one vector add is cheaper than that many scattered */
#define DENSE_MIN 6
#define BIB_REFTAG_LP ((L + 3) / 4 * 4)  /* as core/reftag_model.h */
#define BIB_REFTAG_DENSE 31u
/* Decoder states (as core/reftag_model.h): state s < L is label s (state 0
 * the punctuation before any field), state s >= L the punctuation after
 * field s - L + 1, so that what follows a punctuation run depends on the
 * field before it. */
#define NS (2 * L - 1)
#define NEVER (-(1 << 28))   /* a transition that cannot happen */

static inline int lab(int s) { return s < L ? s : BIB_REF_PUNCT; }

/* Can state `to` follow state `from` (-1: the start)? */
static bool allowed(int from, int to)
{
    if (to == 0)
        return from <= 0;
    if (to < L)
        return true;
    return from == to - L + 1 || from == to;
}

/* The states of a label sequence. */
static void states_of(const unsigned char *g, size_t n, unsigned char *out)
{
    int last = 0;
    for (size_t i = 0; i < n; i++) {
        if (g[i] != BIB_REF_PUNCT)
            last = g[i];
        out[i] = (unsigned char)(g[i] != BIB_REF_PUNCT ? g[i] : last ? L - 1 + last : 0);
    }
}


typedef struct {
    size_t foff;      /* first token's features in fpool */
    size_t toff;      /* first token in the token arrays */
    size_t n;         /* tokens */
    int style;        /* index into styles */
    char *text;       /* the reference (for REFS_DUMP) */
    int split;        /* 0 train, 1 held-out style and record, 2 held-out record only, 3 held-out style only,
                         4 the title-first check, 5 the short-form check (copies of split 1's) */
    long rkey;        /* the source record (rendered: its id in every style;
                         AnyStyle: the sequence itself, as -1 - index) */
} example;

static example *ex;
static size_t nex, capex;
static uint32_t *fpool;       /* feature indices (after mapping) */
static size_t nf, capf;
static uint32_t *fcount;      /* per token: number of features */
static unsigned char *gold;   /* per token */
static uint32_t *tokoff, *toklen; /* per token, into its example's text */
static size_t ntok, captok;
static char *styles[256];
static int nstyles;

/* ---- feature dictionary ---------------------------------------------- */

static uint32_t *dkeys;
static uint32_t dcap = 1u << 22, dn;

static uint32_t dict_index(uint32_t id)
{
    uint32_t mask = dcap - 1, k = (id * 2654435761u) & mask;
    while (dkeys[2 * k] && dkeys[2 * k] != id)
        k = (k + 1) & mask;
    if (!dkeys[2 * k]) {
        if (dn * 2 >= dcap) {
            fprintf(stderr, "train_refs: feature dictionary full\n");
            exit(2);
        }
        dkeys[2 * k] = id;
        dkeys[2 * k + 1] = dn++;
    }
    return dkeys[2 * k + 1];
}

/* The features of at least MIN_RECORDS source records of training
 * references: counted over the training references grouped by record. */
static example *sort_base;

static int by_record(const void *a, const void *b)
{
    const example *x = &sort_base[*(const size_t *)a], *y = &sort_base[*(const size_t *)b];
    if (x->rkey != y->rkey)
        return x->rkey < y->rkey ? -1 : 1;
    return x < y ? -1 : x > y;
}

static void count_records(uint32_t **keys_out, uint32_t **cnt_out, uint32_t cap);

/* p, or the end of the run when an allocation failed */
void *must(void *p)
{
    if (!p) {
        fprintf(stderr, "train_refs: out of memory\n");
        exit(2);
    }
    return p;
}

static void *grow(void *p, size_t *cap, size_t need, size_t size)
{
    if (need <= *cap)
        return p;
    size_t c = *cap ? *cap : 1024;
    while (c < need)
        c *= 2;
    void *q = must(realloc(p, c * size));
    *cap = c;
    return q;
}

static uint64_t hash64(uint64_t h, const void *p, size_t n)
{
    const unsigned char *s = p;
    for (size_t i = 0; i < n; i++)
        h = (h ^ s[i]) * 1099511628211ull;
    return h;
}


static int style_index(const char *name)
{
    for (int i = 0; i < nstyles; i++)
        if (!strcmp(styles[i], name))
            return i;
    if (nstyles == 256)
        return 255;
    styles[nstyles] = strdup(name);
    return nstyles++;
}

/* ---- loading ------------------------------------------------------------ */

static bib_reftag *tagger;

/* aug: 0 a reference of the data, 1 a copy for training (kept in the
 * training split only), 2 and 3 a copy for the title-first and the
 * short-form check (kept in the validation split only, as split 4 and
 * 5: never trained on) */
static void add_example(const char *src, const char *style, long rec, json_t *seg, int aug)
{
    size_t total = 0;
    for (size_t i = 0; i < json_array_size(seg); i++)
        total += strlen(json_string_value(json_array_get(json_array_get(seg, i), 1)) ?: "");
    char *text = malloc(total + 1);
    unsigned char *lab = malloc(total + 1);
    size_t o = 0;
    for (size_t i = 0; i < json_array_size(seg); i++) {
        json_t *p = json_array_get(seg, i);
        const char *ln = json_string_value(json_array_get(p, 0)) ?: "";
        const char *tx = json_string_value(json_array_get(p, 1)) ?: "";
        int l = bib_ref_label_of(ln, strlen(ln));
        size_t n = strlen(tx);
        memcpy(text + o, tx, n);
        memset(lab + o, l < 0 ? BIB_REF_NOTE : l, n);
        if (!strcmp(src, "anystyle") && (l == BIB_REF_CONTAINER || l == BIB_REF_EDITOR))
            in_as_note(tx, n, lab + o);
        if (!strcmp(src, "anystyle") && l == BIB_REF_EDITOR)
            role_before_names_as_note(tx, n, lab + o);
        o += n;
    }
    if (!getenv("REFS_ROLES") || strcmp(getenv("REFS_ROLES"), "0"))
        role_words_with_names(seg, lab);
    long nt = bib_reftag_tokenize(tagger, text, o);
    if (nt > 0 && nt < 400) {
        size_t n;
        const bib_ref_token *tok = bib_reftag_tokens(tagger, &n);
        example e = { nf, ntok, n, style_index(style), NULL, 0, 0 };
        bool anystyle = !strcmp(src, "anystyle");
        char key[64];
        snprintf(key, sizeof key, "%s/%ld", anystyle ? style : "rec", rec);
        bool hold_rec = mix(key, SEED) % 5 == 0;
        bool hold_style = !anystyle && mix(style, SEED + 1) % 5 == 0;
        e.split = hold_rec && hold_style ? 1 : hold_rec ? 2 : hold_style ? 3 : 0;
        if (anystyle)
            e.split = hold_rec ? 1 : 0;
        if (aug >= 2 && e.split == 1)
            e.split = aug + 2;
        if (aug && e.split != (aug >= 2 ? aug + 2 : 0)) {
            free(text);
            free(lab);
            return;
        }
        e.rkey = anystyle ? -1 - (long)nex : rec;
        gold = grow(gold, &captok, ntok + n, 1);
        fcount = realloc(fcount, captok * sizeof *fcount);
        tokoff = realloc(tokoff, captok * sizeof *tokoff);
        toklen = realloc(toklen, captok * sizeof *toklen);
        if (!fcount || !tokoff || !toklen) {
            fprintf(stderr, "train_refs: out of memory\n");
            exit(2);
        }
        for (size_t i = 0; i < n; i++) {
            uint32_t ids[BIB_REFTAG_MAX_FEATURES];
            size_t k = bib_reftag_features(tagger, i, ids, BIB_REFTAG_MAX_FEATURES);
            fpool = grow(fpool, &capf, nf + k, sizeof *fpool);
            for (size_t j = 0; j < k; j++)
                fpool[nf + j] = ids[j];
            nf += k;
            fcount[ntok + i] = (uint32_t)k;
            gold[ntok + i] = lab[tok[i].off];
            tokoff[ntok + i] = (uint32_t)tok[i].off;
            toklen[ntok + i] = (uint32_t)tok[i].len;
        }
        if (!getenv("REFS_LINK_MARKS") || strcmp(getenv("REFS_LINK_MARKS"), "0"))
            link_marks_as_punct(tok, n, gold + ntok, anystyle);
        if (!getenv("REFS_INITIALS") || strcmp(getenv("REFS_INITIALS"), "0"))
            initials_period_as_punct(text, tok, n, gold + ntok, anystyle);
        ntok += n;
        ex = grow(ex, &capex, nex + 1, sizeof *ex);
        if (getenv("REFS_DUMP") || getenv("REFS_DUMP_RECORDS") || getenv("REFS_BUILTIN")) {
            e.text = text;
            text = NULL;
        }
        ex[nex++] = e;
    }
    free(text);
    free(lab);
}

static void load(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        exit(2);
    }
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        json_t *j = json_loads(line, 0, NULL);
        if (!j)
            continue;
        add_example(json_string_value(json_object_get(j, "src")) ?: "",
                    json_string_value(json_object_get(j, "style")) ?: "",
                    (long)json_integer_value(json_object_get(j, "rec")),
                    json_object_get(j, "seg"), 0);
        const char *src = json_string_value(json_object_get(j, "src")) ?: "";
        const char *style = json_string_value(json_object_get(j, "style")) ?: "";
        long rec = (long)json_integer_value(json_object_get(j, "rec"));
        for (size_t c = 0; !strcmp(src, "rendered") && c < ncopiers; c++) {
            json_t *copy = copiers[c](style, rec, json_object_get(j, "seg"));
            if (copy)
                add_example(src, style, rec, copy,
                            copiers[c] == title_first_check ? 2 : copiers[c] == short_form_check ? 3 : 1);
            json_decref(copy);
        }
        json_decref(j);
    }
    free(line);
    fclose(f);
}

/* ---- model ---------------------------------------------------------------- */

static float *w, *u;          /* weights and their time-weighted sums */
static float tw[(NS + 1) * NS], tu[(NS + 1) * NS];
static long clock_c = 1;
static int epochs_run;        /* for the table's comment */

static void emissions(const example *e, const float *W, float *sc)
{
    size_t fo = e->foff;
    for (size_t i = 0; i < e->n; i++) {
        float *s = sc + i * L;
        for (int l = 0; l < L; l++)
            s[l] = 0;
        for (uint32_t k = 0; k < fcount[e->toff + i]; k++) {
            uint32_t f = fpool[fo + k];
            if (f == UINT32_MAX)
                continue;
            const float *row = W + (size_t)f * L;
            for (int l = 0; l < L; l++)
                s[l] += row[l];
        }
        fo += fcount[e->toff + i];
    }
}

/* out: the best state path */
static void viterbi(size_t n, const float *sc, const float *T, unsigned char *out,
                    float *best, unsigned char *back)
{
    for (int l = 0; l < NS; l++)
        best[l] = allowed(-1, l) ? sc[lab(l)] + T[l] : -1e30f;
    for (size_t i = 1; i < n; i++)
        for (int l = 0; l < NS; l++) {
            float top = -1e30f;
            int arg = 0;
            for (int p = 0; p < NS; p++) {
                if (!allowed(p, l))
                    continue;
                float v = best[(i - 1) * NS + p] + T[(p + 1) * NS + l];
                if (v > top)
                    top = v, arg = p;
            }
            best[i * NS + l] = top + sc[i * L + lab(l)];
            back[i * NS + l] = (unsigned char)arg;
        }
    int l = 0;
    for (int k = 1; k < NS; k++)
        if (best[(n - 1) * NS + k] > best[(n - 1) * NS + l])
            l = k;
    for (size_t i = n; i-- > 0;) {
        out[i] = (unsigned char)l;
        if (i)
            l = back[i * NS + l];
    }
}

static void update(const example *e, const unsigned char *y, float d)
{
    size_t fo = e->foff;
    for (size_t i = 0; i < e->n; i++) {
        for (uint32_t k = 0; k < fcount[e->toff + i]; k++) {
            uint32_t f = fpool[fo + k];
            if (f == UINT32_MAX)
                continue;
            w[(size_t)f * L + lab(y[i])] += d;
            u[(size_t)f * L + lab(y[i])] += d * (float)clock_c;
        }
        fo += fcount[e->toff + i];
        int from = i ? y[i - 1] + 1 : 0;
        tw[from * NS + y[i]] += d;
        tu[from * NS + y[i]] += d * (float)clock_c;
    }
}

/* ---- scoring ---------------------------------------------------------------- */

typedef struct {
    long tp, fp, fn, refs, full;
    long ltp[L], lfp[L], lfn[L];   /* the same per label */
    long conf[L][L];               /* tokens: gold, predicted */
} score;

/* Field-level: a field is a maximal run of one non-punct label; right when
 * the prediction has the same run exactly. Fully right: every token. */
static void score_example(score *s, const unsigned char *g, const unsigned char *p, size_t n)
{
    bool all = true;
    for (size_t i = 0; i < n; i++)
        all &= g[i] == p[i];
    s->refs++;
    s->full += all;
    for (size_t i = 0; i < n; i++)
        s->conf[g[i]][p[i]]++;
    for (int pass = 0; pass < 2; pass++) {
        const unsigned char *a = pass ? p : g, *b = pass ? g : p;
        for (size_t i = 0; i < n;) {
            size_t j = i;
            while (j + 1 < n && a[j + 1] == a[i])
                j++;
            if (a[i] != BIB_REF_PUNCT) {
                bool same = (i == 0 || b[i - 1] != a[i]) && (j + 1 == n || b[j + 1] != a[i]);
                for (size_t k = i; k <= j && same; k++)
                    same = b[k] == a[i];
                if (pass == 0) {
                    same ? s->tp++ : s->fn++;
                    same ? s->ltp[a[i]]++ : s->lfn[a[i]]++;
                } else if (!same) {
                    s->fp++;
                    s->lfp[a[i]]++;
                }
            }
            i = j + 1;
        }
    }
}

static double f1(const score *s)
{
    double p = s->tp + s->fp ? (double)s->tp / (double)(s->tp + s->fp) : 0;
    double r = s->tp + s->fn ? (double)s->tp / (double)(s->tp + s->fn) : 0;
    return p + r > 0 ? 2 * p * r / (p + r) : 0;
}

/* ---- quantised table, the form the library decodes ------------------------ */

static int16_t *qw;           /* nfeat * L */
static int32_t qt[(NS + 1) * NS];
static double qscale;

static void quantise(size_t nfeat)
{
    /* emission weights in 11 signed bits (an entry is 16 bits with its
     * label), transitions in 32 */
    double top = 1e-9;
    for (size_t i = 0; i < nfeat * L; i++)
        top = fmax(top, fabs(w[i]));
    qscale = (double)QMAX / top;
    qw = calloc(nfeat * L, sizeof *qw);
    for (size_t i = 0; i < nfeat * L; i++)
        qw[i] = (int16_t)lround(w[i] * qscale);
    for (int p = -1; p < NS; p++)
        for (int l = 0; l < NS; l++)
            qt[(p + 1) * NS + l] = allowed(p, l) ? (int32_t)lround(tw[(p + 1) * NS + l] * qscale)
                                                 : NEVER;
    /* keep the MAX_WEIGHTS largest weights: the table stays small and the
     * validation below is measured on exactly what the library decodes */
    static size_t hist[QMAX + 1];
    for (size_t i = 0; i < nfeat * L; i++)
        hist[abs(qw[i])]++;
    size_t kept = 0;
    int cut = QMAX;
    /* REFS_MAX_WEIGHTS: another cap, for measuring what the cap costs */
    const char *mw = getenv("REFS_MAX_WEIGHTS");
    size_t cap = mw ? strtoul(mw, NULL, 10) : MAX_WEIGHTS;
    while (cut > 1 && kept + hist[cut] <= cap)
        kept += hist[cut--];
    for (size_t i = 0; i < nfeat * L; i++)
        if (abs(qw[i]) <= cut)
            qw[i] = 0;
    fprintf(stderr, "kept %zu weights above %d\n", kept, cut);
}

static double f1_of(long tp, long fp, long fn)
{
    double p = tp + fp ? (double)tp / (double)(tp + fp) : 0;
    double r = tp + fn ? (double)tp / (double)(tp + fn) : 0;
    return p + r > 0 ? 2 * p * r / (p + r) : 0;
}

/* REFS_DUMP=FILE: the wrong validation references, token by token, for
 * looking at errors (not part of the model). */
static void dump_wrong(FILE *f, const example *e, const unsigned char *p)
{
    const unsigned char *g = gold + e->toff;
    fprintf(f, "## %s\n", styles[e->style]);
    int last = -1;
    for (size_t i = 0; i < e->n; i++) {
        const char *tx = e->text ? e->text + tokoff[e->toff + i] : "?";
        int len = e->text ? (int)toklen[e->toff + i] : 1;
        if (g[i] != p[i])
            fprintf(f, " [%.*s %s>%s]", len, tx, bib_ref_label_name(g[i]), bib_ref_label_name(p[i]));
        else if (g[i] != last)
            fprintf(f, " <%s> %.*s", bib_ref_label_name(g[i]), len, tx);
        else
            fprintf(f, " %.*s", len, tx);
        last = g[i] == p[i] ? g[i] : -1;
    }
    fputc('\n', f);
}

/* builtin: the labels of the table the trainer was built with, as
 * bib_reftag_run decodes them (REFS_BUILTIN=1: the model before, scored
 * on the same references as the new one) */
static void evaluate(const char *title, int want_split, bool builtin)
{
    static score all, per[256];
    memset(&all, 0, sizeof all);
    memset(per, 0, sizeof per);
    /* REFS_DUMP_RECORDS: the held-out records of the training styles,
     * for choosing what to change without looking at the held-out styles */
    const char *dp = want_split == 1 ? getenv("REFS_DUMP")
                     : want_split == 2 ? getenv("REFS_DUMP_RECORDS")
                     : want_split == 5 ? getenv("REFS_DUMP_SHORT") : NULL;
    FILE *dump = dp ? fopen(dp, "w") : NULL;
    size_t maxn = 0;
    for (size_t e = 0; e < nex; e++)
        maxn = ex[e].n > maxn ? ex[e].n : maxn;
    float *sc = malloc(maxn * L * sizeof *sc), *best = malloc(maxn * NS * sizeof *best);
    unsigned char *back = malloc(maxn * NS), *p = malloc(maxn);
    float *W = malloc((size_t)dn * L * sizeof *W), T[(NS + 1) * NS];
    /* REFS_FLOAT=1: the weights before quantising (what the cap costs) */
    bool fl = !builtin && getenv("REFS_FLOAT");
    for (size_t i = 0; i < (size_t)dn * L; i++)
        W[i] = builtin ? 0 : fl ? w[i] : qw[i];
    for (size_t i = 0; i < (size_t)(NS + 1) * NS; i++)
        T[i] = fl ? tw[i] : (float)qt[i];
    for (size_t e = 0; e < nex; e++) {
        if (ex[e].split != want_split)
            continue;
        size_t n = ex[e].n, end = tokoff[ex[e].toff + n - 1] + toklen[ex[e].toff + n - 1];
        const bib_ref_token *tok = NULL;
        if (builtin && (bib_reftag_run(tagger, ex[e].text, end) != (long)n || !(tok = bib_reftag_tokens(tagger, &n))))
            continue;
        if (!builtin) {
            emissions(&ex[e], W, sc);
            viterbi(n, sc, T, p, best, back);
        }
        for (size_t i = 0; i < n; i++)
            p[i] = (unsigned char)(tok ? tok[i].label : lab(p[i]));
        score_example(&all, gold + ex[e].toff, p, ex[e].n);
        score_example(&per[ex[e].style], gold + ex[e].toff, p, ex[e].n);
        if (dump && memcmp(p, gold + ex[e].toff, ex[e].n))
            dump_wrong(dump, &ex[e], p);
    }
    printf("%s: references %ld, field F1 %.4f, fully right %.4f\n", title, all.refs, f1(&all),
           all.refs ? (double)all.full / (double)all.refs : 0);
    printf("  per field:");
    for (int l = 1; l < L; l++)
        if (all.ltp[l] + all.lfn[l])
            printf(" %s %.3f", bib_ref_label_name(l), f1_of(all.ltp[l], all.lfp[l], all.lfn[l]));
    printf("\n");
    /* the largest token confusions, for choosing what to improve */
    printf("  token confusions (gold>predicted):");
    for (int k = 0; k < 12; k++) {
        long top = 0;
        int ga = 0, pa = 0;
        for (int a = 0; a < L; a++)
            for (int b = 0; b < L; b++)
                if (a != b && all.conf[a][b] > top)
                    top = all.conf[a][b], ga = a, pa = b;
        if (!top)
            break;
        printf(" %s>%s %ld", bib_ref_label_name(ga), bib_ref_label_name(pa), top);
        all.conf[ga][pa] = -all.conf[ga][pa];
    }
    printf("\n");
    for (int s = 0; s < nstyles; s++)
        if (per[s].refs)
            printf("  %-44s %5ld  F1 %.4f  full %.4f\n", styles[s], per[s].refs, f1(&per[s]),
                   (double)per[s].full / (double)per[s].refs);
    free(sc), free(best), free(back), free(p), free(W);
    if (dump)
        fclose(dump);
}

/* The training references (split 0) into *order, malloc'd, their count
 * returned; the longest reference's tokens into *maxn. */
static size_t training_order(size_t **order, size_t *maxn)
{
    size_t no = 0;
    *order = must(malloc(nex * sizeof **order));
    *maxn = 0;
    for (size_t e = 0; e < nex; e++) {
        if (ex[e].split == 0)
            (*order)[no++] = e;
        *maxn = ex[e].n > *maxn ? ex[e].n : *maxn;
    }
    return no;
}

/* REFS_ORDER_SEED: another order of the epochs, for the spread from one
 * run to the next (docs/refs.md); the committed table is SEED's. */
static uint64_t order_seed(void)
{
    const char *os = getenv("REFS_ORDER_SEED");
    return os ? strtoull(os, NULL, 10) : SEED;
}

/* One epoch's order: a seeded Fisher-Yates shuffle of order[0..n). */
static void shuffle(size_t *order, size_t n, uint64_t *rng)
{
    for (size_t i = n; i > 1; i--) {
        *rng = *rng * 6364136223846793005ull + 1442695040888963407ull;
        size_t j = (size_t)((*rng >> 33) % i);
        size_t t = order[i - 1];
        order[i - 1] = order[j];
        order[j] = t;
    }
}

static void train(void)
{
    size_t maxn, *order, no = training_order(&order, &maxn);
    float *sc = malloc(maxn * L * sizeof *sc), *best = malloc(maxn * NS * sizeof *best);
    unsigned char *back = malloc(maxn * NS), *p = malloc(maxn), *g = malloc(maxn);
    uint64_t rng = order_seed();
    epochs_run = PERCEPTRON_EPOCHS;
    for (int ep = 0; ep < PERCEPTRON_EPOCHS; ep++) {
        shuffle(order, no, &rng);
        long wrong = 0;
        for (size_t k = 0; k < no; k++) {
            const example *e = &ex[order[k]];
            emissions(e, w, sc);
            viterbi(e->n, sc, tw, p, best, back);
            states_of(gold + e->toff, e->n, g);
            if (memcmp(p, g, e->n)) {
                update(e, g, 1.0f);
                update(e, p, -1.0f);
                wrong++;
            }
            clock_c++;
        }
        fprintf(stderr, "epoch %d: %ld of %zu references wrong\n", ep + 1, wrong, no);
    }
    for (size_t i = 0; i < (size_t)dn * L; i++)
        w[i] -= u[i] / (float)clock_c;
    for (size_t i = 0; i < (size_t)(NS + 1) * NS; i++)
        tw[i] -= tu[i] / (float)clock_c;
    free(order), free(sc), free(best), free(back), free(p), free(g);
}

/* ---- conditional random field (REFS_TRAIN=crf) ------------------------------
 * The same features, states and decoder as the perceptron; the weights
 * maximise the log-likelihood of the gold state path with an L2 penalty,
 * by stochastic gradient steps in the fixed order (Bottou's form: the
 * weights are scale * v, so the penalty's shrinking is one multiply).
 * Marginals by forward-backward with a scale per token. */

static double envd(const char *name, double dflt)
{
    const char *v = getenv(name);
    return v ? strtod(v, NULL) : dflt;
}

static void train_crf(void)
{
    size_t maxn, *order, no = training_order(&order, &maxn);
    /* REFS_CRF_*: other settings, for measuring (the table is made
     * without them) */
    const double lambda = envd("REFS_CRF_L2", CRF_L2), eta0 = envd("REFS_CRF_ETA", CRF_ETA);
    const int epochs = (int)envd("REFS_CRF_EPOCHS", CRF_EPOCHS);
    const int avg_from = (int)envd("REFS_CRF_AVG_FROM", CRF_AVG_FROM);
    epochs_run = epochs;
    int navg = 0;
    float *sc = must(malloc(maxn * L * sizeof *sc));
    double *psi = must(malloc(maxn * NS * sizeof *psi)), *al = must(malloc(maxn * NS * sizeof *al)),
           *be = must(malloc(maxn * NS * sizeof *be)), *cs = must(malloc(maxn * sizeof *cs)),
           *mx = must(malloc(maxn * sizeof *mx));
    static double E[(NS + 1) * NS], gt[(NS + 1) * NS];
    unsigned char *g = must(malloc(maxn));
    double scale = 1.0;
    long t = 0;
    uint64_t rng = order_seed();
    for (int ep = 0; ep < epochs; ep++) {
        shuffle(order, no, &rng);
        double loss = 0;
        for (size_t k = 0; k < no; k++, t++) {
            const example *e = &ex[order[k]];
            size_t n = e->n;
            if (n == 0)
                continue;
            double eta = eta0 / (1.0 + eta0 * lambda * (double)t);
            emissions(e, w, sc);
            for (int q = 0; q < (NS + 1) * NS; q++) {
                int p = q / NS - 1, r = q % NS;
                /* the bound only keeps a diverging run (a step far too
                 * large) from overflowing; these settings never reach it */
                E[q] = allowed(p, r) ? exp(fmin(300.0, scale * tw[q])) : 0.0;
            }
            for (size_t i = 0; i < n; i++) {
                double m = -1e300, el[L];
                for (int l = 0; l < L; l++)
                    m = fmax(m, scale * sc[i * L + l]);
                for (int l = 0; l < L; l++)
                    el[l] = exp(scale * sc[i * L + l] - m);
                mx[i] = m;
                for (int q = 0; q < NS; q++)
                    psi[i * NS + q] = el[lab(q)];
            }
            /* forward, each row scaled to sum 1 (cs: the scales) */
            double z = 0;
            for (int q = 0; q < NS; q++)
                z += al[q] = E[q] * psi[q];
            cs[0] = z;
            for (int q = 0; q < NS; q++)
                al[q] /= z;
            for (size_t i = 1; i < n; i++) {
                double *a = al + i * NS, *ap = al + (i - 1) * NS;
                for (int q = 0; q < NS; q++)
                    a[q] = 0;
                for (int p = 0; p < NS; p++) {
                    if (ap[p] == 0)
                        continue;
                    const double *row = E + (p + 1) * NS;
                    for (int q = 0; q < NS; q++)
                        a[q] += ap[p] * row[q];
                }
                z = 0;
                for (int q = 0; q < NS; q++)
                    z += a[q] *= psi[i * NS + q];
                cs[i] = z;
                for (int q = 0; q < NS; q++)
                    a[q] /= z;
            }
            /* backward with the same scales */
            for (int q = 0; q < NS; q++)
                be[(n - 1) * NS + q] = 1.0;
            for (size_t i = n - 1; i-- > 0;) {
                double *b = be + i * NS, nb[NS];
                for (int q = 0; q < NS; q++)
                    nb[q] = psi[(i + 1) * NS + q] * be[(i + 1) * NS + q];
                for (int p = 0; p < NS; p++) {
                    const double *row = E + (p + 1) * NS;
                    double s = 0;
                    for (int q = 0; q < NS; q++)
                        s += row[q] * nb[q];
                    b[p] = s / cs[i + 1];
                }
            }
            /* the loss: log Z minus the gold path's score */
            states_of(gold + e->toff, n, g);
            double lz = 0, gs = 0;
            for (size_t i = 0; i < n; i++) {
                lz += log(cs[i]) + mx[i];
                gs += scale * sc[i * L + lab(g[i])];
                gs += scale * tw[(i ? g[i - 1] + 1 : 0) * NS + g[i]];
            }
            loss += lz - gs;
            /* the step: the penalty's shrink, then gold minus expected */
            scale *= 1.0 - eta * lambda;
            double st = eta / scale;
            size_t fo = e->foff;
            for (size_t i = 0; i < n; i++) {
                double gl[L] = {0};
                for (int q = 0; q < NS; q++)
                    gl[lab(q)] -= al[i * NS + q] * be[i * NS + q];
                gl[lab(g[i])] += 1.0;
                for (uint32_t kf = 0; kf < fcount[e->toff + i]; kf++) {
                    uint32_t f = fpool[fo + kf];
                    if (f == UINT32_MAX)
                        continue;
                    float *row = w + (size_t)f * L;
                    for (int l = 0; l < L; l++)
                        row[l] += (float)(st * gl[l]);
                }
                fo += fcount[e->toff + i];
            }
            memset(gt, 0, sizeof gt);
            for (int q = 0; q < NS; q++)
                gt[q] -= al[q] * be[q];
            gt[g[0]] += 1.0;
            for (size_t i = 1; i < n; i++) {
                const double *ap = al + (i - 1) * NS;
                double nb[NS];
                for (int q = 0; q < NS; q++)
                    nb[q] = psi[i * NS + q] * be[i * NS + q] / cs[i];
                for (int p = 0; p < NS; p++) {
                    if (ap[p] == 0)
                        continue;
                    const double *row = E + (p + 1) * NS;
                    double *gr = gt + (p + 1) * NS;
                    for (int q = 0; q < NS; q++)
                        gr[q] -= ap[p] * row[q] * nb[q];
                }
                gt[(g[i - 1] + 1) * NS + g[i]] += 1.0;
            }
            for (int q = 0; q < (NS + 1) * NS; q++)
                tw[q] += (float)(st * gt[q]);
            if (scale < 1e-4) {   /* fold the scale into the weights */
                for (size_t i = 0; i < (size_t)dn * L; i++)
                    w[i] *= (float)scale;
                for (int q = 0; q < (NS + 1) * NS; q++)
                    tw[q] *= (float)scale;
                scale = 1.0;
            }
        }
        double wn = 0;
        for (size_t i = 0; i < (size_t)dn * L; i++)
            wn += (double)w[i] * w[i];
        fprintf(stderr, "crf epoch %d: loss %.1f, |w|^2 %.1f\n", ep + 1, loss,
                wn * scale * scale);
        if (ep + 1 >= avg_from) {   /* the mean of the epochs' ends */
            for (size_t i = 0; i < (size_t)dn * L; i++)
                u[i] += w[i] * (float)scale;
            for (int q = 0; q < (NS + 1) * NS; q++)
                tu[q] += tw[q] * (float)scale;
            navg++;
        }
    }
    for (size_t i = 0; i < (size_t)dn * L; i++)
        w[i] = navg ? u[i] / (float)navg : w[i] * (float)scale;
    for (int q = 0; q < (NS + 1) * NS; q++)
        tw[q] = navg ? tu[q] / (float)navg : tw[q] * (float)scale;
    free(order), free(sc), free(psi), free(al), free(be), free(cs), free(mx), free(g);
}

/* ---- output ------------------------------------------------------------------ */

static void write_table(const char *out, const char *hash)
{
    size_t ntrain = 0;
    for (size_t e = 0; e < nex; e++)
        ntrain += ex[e].split == 0;
    /* the features that kept a weight, by their id */
    uint32_t nslots = 1;
    size_t kept = 0;
    for (uint32_t k = 0; k < dcap; k++) {
        if (!dkeys[2 * k])
            continue;
        const int16_t *row = qw + (size_t)dkeys[2 * k + 1] * L;
        for (int l = 0; l < L; l++)
            if (row[l]) {
                kept++;
                break;
            }
    }
    /* at most three quarters full: linear probing stays within a cache
     * line or two, and the table stays small enough to be cached */
    while (nslots < kept + kept / 3)
        nslots *= 2;
    uint32_t *keys = calloc(nslots, sizeof *keys), *src = calloc(nslots, sizeof *src);
    for (uint32_t k = 0; k < dcap; k++) {
        if (!dkeys[2 * k])
            continue;
        const int16_t *row = qw + (size_t)dkeys[2 * k + 1] * L;
        bool any = false;
        for (int l = 0; l < L; l++)
            any |= row[l] != 0;
        if (!any)
            continue;
        uint32_t id = dkeys[2 * k], mask = nslots - 1, s = (id * 2654435761u) & mask;
        while (keys[s])
            s = (s + 1) & mask;
        keys[s] = id;
        src[s] = dkeys[2 * k + 1];
    }
    FILE *f = fopen(out, "w");
    if (!f) {
        perror(out);
        exit(2);
    }
    fprintf(f, "/* SPDX-License-Identifier: MIT */\n"
               "/* GENERATED by tools/train_refs.c (ninja -C build train-refs): do not edit.\n"
               " * The reference tagger's learned weights (docs/refs.md): %zu features,\n"
               " * %zu training references, %d epochs, seed %u. The inputs hash covers the\n"
               " * data, the feature function and the trainer; tests/text fails when they\n"
               " * no longer match (test reftag-model-fresh). */\n"
               "#include \"reftag_model.h\"\n\n"
               "const char bib_reftag_inputs_hash[] = \"%s\";\n"
               "const unsigned bib_reftag_seed = %uu;\n"
               "const double bib_reftag_model_scale = %.6f;\n"
               "const uint32_t bib_reftag_nslots = %uu;\n\n",
            kept, ntrain, epochs_run, SEED, hash, SEED, qscale, nslots);
    fprintf(f, "const int32_t bib_reftag_trans[] = {");
    for (size_t i = 0; i < (size_t)(NS + 1) * NS; i++)
        fprintf(f, "%s%d,", i % 16 ? "" : "\n", qt[i]);
    /* slot pairs: id, first entry << 5 | entry count, or first dense
     * row << 5 | BIB_REFTAG_DENSE */
    fprintf(f, "\n};\n\nconst uint32_t bib_reftag_slots[] = {");
    uint32_t off = 0, drow = 0;
    for (uint32_t s = 0; s < nslots; s++) {
        uint32_t cnt = 0;
        if (keys[s])
            for (int l = 0; l < L; l++)
                cnt += qw[(size_t)src[s] * L + l] != 0;
        if (keys[s] && cnt >= DENSE_MIN)
            fprintf(f, "%s%u,%u,", s % 4 ? "" : "\n", keys[s], drow++ << 5 | BIB_REFTAG_DENSE);
        else if (keys[s])
            fprintf(f, "%s%u,%u,", s % 4 ? "" : "\n", keys[s], off << 5 | cnt);
        else
            fprintf(f, "%s0,0,", s % 4 ? "" : "\n");
        off += cnt < DENSE_MIN ? cnt : 0;
    }
    fprintf(f, "\n};\n\nconst uint16_t bib_reftag_ent[] = {");
    size_t c = 0, cd = 0;
    for (uint32_t s = 0; s < nslots; s++) {
        size_t cnt = 0;
        if (keys[s])
            for (int l = 0; l < L; l++)
                cnt += qw[(size_t)src[s] * L + l] != 0;
        if (keys[s] && cnt < DENSE_MIN)
            for (int l = 0; l < L; l++) {
                int16_t v = qw[(size_t)src[s] * L + l];
                if (v)
                    fprintf(f, "%s%u,", c++ % 12 ? "" : "\n",
                            (unsigned)l << 11 | ((unsigned)v & 0x7FFu));
            }
    }
    fprintf(f, "%s\n};\n\nconst int16_t bib_reftag_dense[] = {", c ? "" : "0");
    for (uint32_t s = 0; s < nslots; s++) {
        size_t cnt = 0;
        if (keys[s])
            for (int l = 0; l < L; l++)
                cnt += qw[(size_t)src[s] * L + l] != 0;
        if (keys[s] && cnt >= DENSE_MIN)
            for (int l = 0; l < BIB_REFTAG_LP; l++, cd++)
                fprintf(f, "%s%d,", cd % 20 ? "" : "\n", l < L ? qw[(size_t)src[s] * L + l] : 0);
    }
    fprintf(f, "%s\n};\n", cd ? "" : "0");
    fclose(f);
    free(keys);
    free(src);
    printf("wrote %s: %zu features, %zu sparse weights, %u dense rows, %u slots\n", out, kept, c,
           drow, nslots);
}

static void inputs_hash(char out[17], int n, char **files)
{
    uint64_t h = 14695981039346656037ull;
    unsigned v[3] = { TRAINER_VERSION, bib_reftag_feature_version(), SEED };
    h = hash64(h, v, sizeof v);
    for (int i = 0; i < n; i++) {
        FILE *f = fopen(files[i], "rb");
        if (!f) {
            perror(files[i]);
            exit(2);
        }
        char buf[65536];
        size_t k;
        const char *base = strrchr(files[i], '/');
        base = base ? base + 1 : files[i];
        h = hash64(h, base, strlen(base));
        while ((k = fread(buf, 1, sizeof buf, f)) > 0)
            h = hash64(h, buf, k);
        fclose(f);
    }
    snprintf(out, 17, "%016llx", (unsigned long long)h);
}

static int check(const char *table, int n, char **files)
{
    char want[17], line[512];
    inputs_hash(want, n, files);
    FILE *f = fopen(table, "r");
    if (!f) {
        perror(table);
        return 1;
    }
    while (fgets(line, sizeof line, f))
        if (strstr(line, "bib_reftag_inputs_hash[]") && strstr(line, want)) {
            fclose(f);
            return 0;
        }
    fclose(f);
    fprintf(stderr, "%s is stale: inputs hash %s; retrain with ninja -C build train-refs\n",
            table, want);
    return 1;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "--check"))
        return check(argv[2], argc - 3, argv + 3);
    if (argc < 3) {
        fputs("usage: train_refs OUT.c INPUT... | --check TABLE.c INPUT...\n", stderr);
        return 2;
    }
    char hash[17];
    inputs_hash(hash, argc - 2, argv + 2);
    tagger = bib_reftag_new();
    dkeys = calloc((size_t)dcap * 2, sizeof *dkeys);
    /* the source records first: copies of their references read them */
    for (int i = 2; i < argc; i++) {
        size_t n = strlen(argv[i]);
        if (n > 13 && !strcmp(argv[i] + n - 13, "records.jsonl"))
            load_records(argv[i]);
    }
    for (int i = 2; i < argc; i++) {
        size_t n = strlen(argv[i]);
        if (n > 6 && !strcmp(argv[i] + n - 6, ".jsonl") &&
            !(n > 13 && !strcmp(argv[i] + n - 13, "records.jsonl")))
            load(argv[i]);
    }
    /* map feature ids to dense indices: only features of training
     * references of MIN_RECORDS records get a weight (a held-out
     * reference's other features score nothing, as at run time) */
    uint32_t *ckeys, *ccnt, ccap = dcap;
    count_records(&ckeys, &ccnt, ccap);
    for (size_t e = 0; e < nex; e++) {
        size_t fo = ex[e].foff;
        for (size_t i = 0; i < ex[e].n; i++)
            for (uint32_t k = 0; k < fcount[ex[e].toff + i]; k++, fo++) {
                if (ex[e].split != 0)
                    continue;
                uint32_t id = fpool[fo], mask = ccap - 1, s = (id * 2654435761u) & mask;
                while (ckeys[s] != id)
                    s = (s + 1) & mask;
                if (ccnt[s] >= MIN_RECORDS)
                    dict_index(id);
            }
    }
    free(ckeys);
    free(ccnt);
    for (size_t e = 0; e < nex; e++) {
        size_t fo = ex[e].foff;
        for (size_t i = 0; i < ex[e].n; i++)
            for (uint32_t k = 0; k < fcount[ex[e].toff + i]; k++, fo++) {
                uint32_t id = fpool[fo], mask = dcap - 1, s = (id * 2654435761u) & mask;
                while (dkeys[2 * s] && dkeys[2 * s] != id)
                    s = (s + 1) & mask;
                fpool[fo] = dkeys[2 * s] ? dkeys[2 * s + 1] : UINT32_MAX;
            }
    }
    fprintf(stderr, "%zu references, %zu tokens, %u features; link marks made punct: %ld rendered, %ld AnyStyle; "
            "initials' periods: %ld, %ld\n", nex, ntok, dn, edge_marks_changed[0], edge_marks_changed[1],
            initials_marks_changed[0], initials_marks_changed[1]);
    if (getenv("REFS_BUILTIN")) {
        evaluate("validation, the built-in table", 1, true);
        evaluate("held-out records, training styles, the built-in table", 2, true);
        evaluate("title-first check, the built-in table", 4, true);
        evaluate("short-form check, the built-in table", 5, true);
        return 0;
    }
    w = calloc((size_t)dn * L, sizeof *w);
    u = calloc((size_t)dn * L, sizeof *u);
    const char *tr = getenv("REFS_TRAIN");
    if (tr && !strcmp(tr, "perceptron"))
        train();
    else
        train_crf();
    quantise(dn);
    evaluate("validation (held-out styles and records)", 1, false);
    evaluate("held-out records, training styles", 2, false);
    evaluate("title-first check (copies of validation references)", 4, false);
    evaluate("short-form check (copies of validation references)", 5, false);
    write_table(argv[1], hash);
    for (size_t e = 0; e < nex; e++)
        free(ex[e].text);
    bib_reftag_free(tagger);
    return 0;
}

static void count_records(uint32_t **keys_out, uint32_t **cnt_out, uint32_t cap)
{
    uint32_t *keys = calloc(cap, sizeof *keys), *cnt = calloc(cap, sizeof *cnt), used = 0;
    long *last = malloc(cap * sizeof *last);
    size_t *order = malloc(nex * sizeof *order), no = 0;
    if (!keys || !cnt || !last || !order) {
        fprintf(stderr, "train_refs: out of memory\n");
        exit(2);
    }
    for (size_t e = 0; e < nex; e++)
        if (ex[e].split == 0)
            order[no++] = e;
    sort_base = ex;
    qsort(order, no, sizeof *order, by_record);
    for (size_t k = 0; k < no; k++) {
        const example *e = &ex[order[k]];
        size_t fo = e->foff;
        for (size_t i = 0; i < e->n; i++)
            for (uint32_t j = 0; j < fcount[e->toff + i]; j++, fo++) {
                uint32_t id = fpool[fo], mask = cap - 1, s = (id * 2654435761u) & mask;
                while (keys[s] && keys[s] != id)
                    s = (s + 1) & mask;
                if (!keys[s]) {
                    if (++used * 2 >= cap) {
                        fprintf(stderr, "train_refs: feature count table full\n");
                        exit(2);
                    }
                    keys[s] = id;
                    last[s] = e->rkey + 1;   /* never equal to a real key */
                }
                if (last[s] != e->rkey) {
                    last[s] = e->rkey;
                    cnt[s]++;
                }
            }
    }
    free(last);
    free(order);
    *keys_out = keys;
    *cnt_out = cnt;
}
