/* SPDX-License-Identifier: MIT */
/*
 * page_text.c - the text side of the page reader: per-line features, the
 * name model (is this line one person's display name?), truncation
 * markers, the feed meta line and title/author splitter, poster venues,
 * layout detection, page boundaries in a stream, and the best-path
 * labelling of lines with roles (one small Viterbi per layout, emission
 * scores from the features, transition scores from the layout's grammar).
 *
 * Not for: records (page.c builds them from the roles), HTML (page_html.c),
 * or name splitting into given/family (core's names.h does that).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/dates.h"
#include "bibconv/utf8.h"
#include "pageint.h"

/* ---- line lists ------------------------------------------------------ */

int page_lines_push(page_lines *pl, const char *s, size_t len, size_t lineno)
{
    if (pl->n == pl->cap) {
        size_t cap = pl->cap ? pl->cap * 2 : 64;
        page_line *v = realloc(pl->v, cap * sizeof *v);
        if (!v)
            return -1;
        pl->v = v;
        pl->cap = cap;
    }
    char *t = malloc(len + 1);
    if (!t)
        return -1;
    memcpy(t, s, len);
    t[len] = '\0';
    pl->v[pl->n++] = (page_line){t, len, lineno};
    return 0;
}

void page_lines_drop(page_lines *pl, size_t k)
{
    if (k > pl->n)
        k = pl->n;
    for (size_t i = 0; i < k; i++)
        free(pl->v[i].text);
    if (k && pl->n > k)
        memmove(pl->v, pl->v + k, (pl->n - k) * sizeof *pl->v);
    pl->n -= k;
}

void page_lines_free(page_lines *pl)
{
    page_lines_drop(pl, pl->n);
    free(pl->v);
    pl->v = NULL;
    pl->n = pl->cap = 0;
}

const char *page_role_name(page_role r)
{
    static const char *const names[] = {"blank", "header", "section", "title", "author",
                                        "abstract", "meta", "title+authors", "poster",
                                        "venue", "other"};
    return (unsigned)r < sizeof names / sizeof *names ? names[r] : "?";
}

const char *page_layout_name(page_layout l)
{
    switch (l) {
    case PAGE_LAYOUT_PROFILE: return "profile";
    case PAGE_LAYOUT_FEED: return "feed";
    case PAGE_LAYOUT_TOPIC: return "topic";
    case PAGE_LAYOUT_PAPER: return "paper";
    default: return "none";
    }
}

/* ---- characters ------------------------------------------------------ */

enum { CC_NONE = 0, CC_UPPER = 1, CC_LOWER = 2, CC_LETTER = 3 };

/* Letter case of a code point for the scripts names on these pages use
 * (Latin, Greek, Cyrillic); other letters (CJK) count as caseless. */
static int cp_class(uint32_t c)
{
    if (c < 0x80) {
        if (c >= 'A' && c <= 'Z')
            return CC_UPPER;
        if (c >= 'a' && c <= 'z')
            return CC_LOWER;
        return CC_NONE;
    }
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
        return CC_UPPER;
    if (c >= 0xDF && c <= 0xFF && c != 0xF7)
        return CC_LOWER;
    if (c >= 0x100 && c <= 0x17F) {
        /* Latin Extended-A pairs upper/lower, with the parity shifted in
         * 0x139..0x148 and 0x179..0x17E */
        if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
            return (c & 1) ? CC_UPPER : CC_LOWER;
        if (c == 0x138 || c == 0x149 || c == 0x17F)
            return CC_LOWER;
        if (c == 0x178)
            return CC_UPPER;
        return (c & 1) ? CC_LOWER : CC_UPPER;
    }
    if (c >= 0x180 && c <= 0x24F)
        return CC_LETTER;
    if ((c >= 0x391 && c <= 0x3A9))
        return CC_UPPER;
    if (c >= 0x3AC && c <= 0x3CE)
        return CC_LOWER;
    if (c >= 0x400 && c <= 0x42F)
        return CC_UPPER;
    if (c >= 0x430 && c <= 0x45F)
        return CC_LOWER;
    if ((c >= 0x3040 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF))
        return CC_LETTER;
    return CC_NONE;
}

static uint32_t cp_at(const char *s, size_t len, size_t i, int *n)
{
    uint32_t c = 0;
    *n = bib_utf8_decode(s + i, len - i, &c);
    if (*n <= 0)
        *n = 1;
    return c;
}

static bool is_space_cp(uint32_t c)
{
    return c == ' ' || c == '\t' || c == 0xA0 || c == '\r';
}

static bool is_hyphen_cp(uint32_t c)
{
    return c == '-' || c == 0x2010 || c == 0x2011;
}

/* Trims ASCII white space (and NBSP) at both ends. */
static void trim(const char **s, size_t *len)
{
    const char *p = *s;
    size_t n = *len;
    while (n && (p[0] == ' ' || p[0] == '\t' || p[0] == '\r'))
        p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
        n--;
    while (n >= 2 && (unsigned char)p[n - 2] == 0xC2 && (unsigned char)p[n - 1] == 0xA0)
        n -= 2;
    *s = p;
    *len = n;
}

/* Next token of s starting at *pos: white space separated. */
static bool next_token(const char *s, size_t len, size_t *pos, size_t *ts, size_t *te)
{
    size_t i = *pos;
    int n;
    while (i < len && is_space_cp(cp_at(s, len, i, &n)))
        i += (size_t)n;
    if (i >= len)
        return false;
    *ts = i;
    while (i < len && !is_space_cp(cp_at(s, len, i, &n)))
        i += (size_t)n;
    *te = i;
    *pos = i;
    return true;
}

/* Lower-case ASCII fold of a token into buf (for the word lists). */
static size_t fold_word(const char *s, size_t len, char *buf, size_t cap)
{
    size_t a = 0;
    while (a < len && (unsigned char)s[a] < 0x80)
        a++;
    if (a == len) {
        /* ASCII: no transliteration needed (the common case, and hot) */
        size_t n = 0;
        for (size_t i = 0; i < len && n + 1 < cap; i++) {
            char c = s[i];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if ((c >= 'a' && c <= 'z') || c == '-' || c == '\'')
                buf[n++] = c;
        }
        buf[n] = '\0';
        return n;
    }
    bib_buf b = BIB_BUF_INIT;
    bib_utf8_ascii_fold(&b, s, len);
    size_t n = 0;
    for (size_t i = 0; i < b.len && n + 1 < cap; i++) {
        char c = b.data[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || c == '-' || c == '\'')
            buf[n++] = c;
    }
    buf[n] = '\0';
    bib_buf_clear(&b);
    return n;
}

static bool in_list(const char *w, const char *const *list)
{
    /* first letters differ for most pairs: test them before strcmp */
    char c = w[0];
    for (; *list; list++)
        if ((*list)[0] == c && strcmp(w, *list) == 0)
            return true;
    return false;
}

/* ---- word lists (generic vocabulary, not taken from any one page) ---- */

/* Lower-case function words of English and French titles and prose. */
static const char *const function_words[] = {
    "a", "an", "the", "of", "for", "with", "and", "in", "on", "to", "via", "from", "by",
    "is", "are", "at", "as", "vs", "or", "into", "through", "under", "over", "without",
    "between", "using", "can", "do", "does", "not", "be", "its", "their", "we", "our",
    "this", "that", "these", "it", "which", "how", "what", "when", "why", "where",
    "than", "towards", "toward", "beyond", "across", "within", "about", "against",
    "et", "pour", "avec", "dans", "sur", "une", "un", "par", "les", "aux", "au", "est",
    NULL};

/* Name particles: lower-case words allowed inside a personal name. */
static const char *const particles[] = {
    "van", "von", "der", "den", "de", "des", "du", "da", "dos", "das", "di", "del",
    "della", "la", "le", "ter", "ten", "zu", "y", "bin", "ibn", "al", "el", "st", "vander",
    "e", NULL};

/* Words common in the titles of scientific papers and talks; a line made
 * of capitalised words from this list is a title, not a person. */
static const char *const title_words[] = {
    "learning", "learned", "learn", "network", "networks", "neural", "deep", "model",
    "models", "modeling", "modelling", "theory", "theories", "random", "structured",
    "feature", "features", "analysis", "representation", "representations", "memory",
    "memories", "ordered", "bias", "biases", "group", "groups", "membership", "attention",
    "transformer", "transformers", "language", "languages", "large", "graph", "graphs",
    "data", "dataset", "datasets", "inference", "optimization", "optimisation",
    "gradient", "gradients", "descent", "training", "generative", "diffusion",
    "reinforcement", "policy", "policies", "agent", "agents", "reward", "rewards",
    "control", "dynamics", "dynamic", "dynamical", "system", "systems", "brain",
    "brains", "cortex", "cortical", "neuron", "neurons", "neuronal", "synaptic",
    "plasticity", "circuit", "circuits", "cognition", "cognitive", "visual", "vision",
    "image", "images", "video", "speech", "text", "knowledge", "reasoning", "causal",
    "bayesian", "probabilistic", "stochastic", "statistical", "efficient", "efficiency",
    "robust", "robustness", "scalable", "adaptive", "adaptation", "towards", "toward",
    "beyond", "self", "supervised", "unsupervised", "contrastive", "meta", "multi",
    "transfer", "generalization", "generalisation", "compositional", "compositionality",
    "complexity", "approximation", "estimation", "sampling", "search", "retrieval",
    "decoding", "encoding", "embedding", "embeddings", "space", "spaces", "function",
    "functions", "functional", "linear", "nonlinear", "recurrent", "convolutional",
    "layer", "layers", "architecture", "architectures", "benchmark", "benchmarks",
    "evaluation", "framework", "frameworks", "approach", "approaches", "method",
    "methods", "algorithm", "algorithms", "problem", "problems", "study", "studies",
    "review", "survey", "overview", "introduction", "principles", "principle", "design",
    "foundation", "foundations", "task", "tasks", "object", "objects", "scene", "scenes",
    "detection", "segmentation", "classification", "regression", "prediction",
    "predictions", "forecasting", "simulation", "simulations", "online", "offline",
    "continual", "lifelong", "federated", "privacy", "fairness", "safety", "alignment",
    "interpretability", "explainable", "emergent", "emergence", "world", "worlds",
    "human", "humans", "social", "medical", "clinical", "health", "disease", "diseases",
    "molecular", "protein", "proteins", "drug", "drugs", "chemical", "physics",
    "quantum", "climate", "energy", "motor", "sensory", "perception", "behavior",
    "behaviour", "behavioral", "behavioural", "decision", "decisions", "making",
    "exploration", "planning", "hierarchical", "modular", "sparse", "dense", "rank",
    "matrix", "matrices", "tensor", "tensors", "kernel", "kernels", "manifold",
    "manifolds", "geometry", "topology", "information", "entropy", "loss", "losses",
    "regularization", "normalization", "noise", "uncertainty", "calibration", "active",
    "temporal", "spatial", "sequence", "sequences", "series", "tree", "trees", "flow",
    "flows", "state", "states", "tuning", "scaling", "credit", "assignment", "plausible",
    "biologically", "biological", "artificial", "intelligence", "machine", "machines",
    "computation", "computational", "computing", "neuroscience", "science", "sciences",
    "code", "coding", "programming", "program", "programs", "software", "hardware",
    "spiking", "spike", "spikes", "oscillations", "rhythm", "rhythms", "activity",
    "population", "populations", "signal", "signals", "processing", "mechanisms",
    "mechanism", "evidence", "role", "roles", "effects", "effect", "impact", "novel",
    "unified", "universal", "general", "generalized", "simple", "improved", "improving",
    "revisiting", "rethinking", "understanding", "exploring", "learnable", "trained",
    "pretrained", "weights", "weight", "hypothesis", "replay", "interface", "interfaces",
    "correction", "report", "editorial", "comment", "response", "workshop", "conference",
    "proceedings", "journal", "chapter", "part", "augmentation", "invariance",
    "equivariant", "equivariance", "latent", "variational", "autoencoder",
    "autoencoders", "adversarial", "attack", "attacks", "defense", "benchmarking",
    "tokens", "token", "prompt", "prompting", "chain", "thought", "reasoner", "solver",
    "solving", "games", "game", "theoretic", "metric", "metrics", "similarity",
    "distance", "measure", "measures", "measuring", "mapping", "maps", "map", "discovery",
    "generation", "synthesis", "editing", "captioning", "translation", "dialogue",
    "question", "answering", "summarization", "benchmarks", "ensemble", "ensembles",
    "pruning", "compression", "quantization", "distillation", "sparsity", "expressivity",
    "capacity", "stability", "convergence", "dimensional", "infinite", "continuous",
    "discrete", "temporal", "recognition", "understanding", "multimodal", "modal",
    "foundation", "agentic", "environment", "environments", "robot", "robots",
    "robotic", "robotics", "navigation", "locomotion", "manipulation", "imitation",
    "offline", "curriculum", "datasets", "label", "labels", "noisy", "semi",
    "cells", "cell", "gene", "genes", "genomic", "genomics", "imaging", "mri", "fmri",
    "eeg", "stimulation", "therapy", "patients", "patient", "treatment", "clinical",
    "tasks", "skills", "skill", "motifs", "motif", "patterns", "pattern", "hidden",
    "markov", "process", "processes", "gaussian", "mixture", "flow",
    "research", "topics", "topic", "publications", "biography", "students", "student",
    "current", "member", "members", "chair", "professor", "director", "scientist",
    "alumni", "team", "leadership", "department", "university", "institute", "academic",
    "associate", "assistant", "industry", "core", "visiting", "researcher", "supervisor",
    "apprentissage", "profond", "reseaux", "reseau", "neurones", "modeles", "modele",
    "donnees", "analyse", "theorie", "intelligence", "artificielle", "automatique",
    NULL};

/* Title-word endings that person names do not have (checked on the
 * folded lower-case word, with a minimum length against short names). */
static bool title_suffix(const char *w, size_t n)
{
    static const struct { const char *suf; size_t min; } sufs[] = {
        {"ing", 7}, {"tion", 6}, {"tions", 7}, {"sion", 7}, {"ness", 6}, {"ity", 6},
        {"ment", 8}, {"ments", 8}, {"ics", 6}, {"ogy", 6}, {"ism", 6}, {"isms", 7},
        {"ive", 7}, {"ous", 6}, {"able", 6}, {"ible", 6}, {"ship", 7}, {"ized", 6},
        {"ised", 7}, {"izing", 7}, {"ization", 8}, {"ular", 7}, {"ational", 8},
        {"works", 6}, {"ators", 7}, {"ities", 7}, {"ologies", 8},
    };
    for (size_t i = 0; i < sizeof sufs / sizeof *sufs; i++) {
        size_t k = strlen(sufs[i].suf);
        if (n >= sufs[i].min && n > k && memcmp(w + n - k, sufs[i].suf, k) == 0)
            return true;
    }
    return false;
}

/* ---- the name model -------------------------------------------------- */

enum { TK_BAD = 0, TK_CAP, TK_INITIAL, TK_ALLCAPS, TK_PARTICLE, TK_NUMBER, TK_FUNC };

/* Classifies one token of a candidate name. */
static int name_token(const char *t, size_t n)
{
    while (n && t[n - 1] == '*') /* equal-contribution mark */
        n--;
    if (!n)
        return TK_BAD;
    /* a homonym number ("Liu 0001") */
    size_t d = 0;
    while (d < n && t[d] >= '0' && t[d] <= '9')
        d++;
    if (d == n)
        return TK_NUMBER;
    if (d)
        return TK_BAD;
    /* a parenthesised given name: "Pierre (Louis) Bellec" */
    if (t[0] == '(' && t[n - 1] == ')' && n > 2) {
        int k = name_token(t + 1, n - 2);
        return k == TK_CAP ? TK_CAP : TK_BAD;
    }
    int upper = 0, lower = 0, letters = 0, caps_run = 0, bad_camel = 0, dots = 0;
    int prev = CC_NONE;
    uint32_t first = 0;
    for (size_t i = 0; i < n;) {
        int k;
        uint32_t c = cp_at(t, n, i, &k);
        int cl = cp_class(c);
        if (i == 0)
            first = c;
        if (cl == CC_UPPER) {
            upper++;
            letters++;
            caps_run++;
        } else if (cl == CC_LOWER || cl == CC_LETTER) {
            /* two capitals before a lower-case letter: an acronym glued
             * to a word ("EDIAlice"), not a camel-case given name */
            if (cl == CC_LOWER && caps_run >= 2 && upper != letters)
                bad_camel = 1;
            if (cl == CC_LOWER && caps_run >= 2 && upper == letters && letters >= 2)
                bad_camel = 1;
            if (cl == CC_LOWER)
                lower++;
            letters++;
            caps_run = 0;
        } else if (c == '.') {
            dots++;
            caps_run = 0;
        } else if (is_hyphen_cp(c) || c == '\'' || c == 0x2019) {
            caps_run = 0;
        } else {
            return TK_BAD;
        }
        prev = cl;
        i += (size_t)k;
    }
    (void)prev;
    if (!letters)
        return TK_BAD;
    int fc = cp_class(first);
    if (fc == CC_LOWER) {
        char w[32];
        fold_word(t, n, w, sizeof w);
        if (in_list(w, particles))
            return TK_PARTICLE;
        if (in_list(w, function_words))
            return TK_FUNC;
        return TK_BAD;
    }
    /* initials: "J", "J.", "J.E.", "J.-P." */
    if (upper == letters && (letters == 1 || (dots && dots >= letters - 0 && letters <= 3)))
        return TK_INITIAL;
    if (bad_camel)
        return TK_BAD;
    if (upper == letters)
        return TK_ALLCAPS;
    if (fc == CC_UPPER || fc == CC_LETTER)
        return dots > 1 ? TK_BAD : TK_CAP;
    return TK_BAD;
}

int page_name_score(const char *s, size_t len)
{
    trim(&s, &len);
    if (!len || bib_utf8_length(s, len) > 60)
        return PAGE_NAME_NO;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == ':' || c == '?' || c == '!' || c == ';' || c == ',' || c == '"' || c == '/'
            || c == '[' || c == '&' || c == '=' || c == '+' || c == '@' || c == '#')
            return PAGE_NAME_NO;
    }
    size_t pos = 0, ts, te;
    int ntok = 0, core = 0, initials = 0, lexicon = 0, suffixes = 0, allcaps = 0, func = 0;
    int first_kind = TK_BAD, last_kind = TK_BAD, prev_kind = TK_BAD;
    while (next_token(s, len, &pos, &ts, &te)) {
        int k = name_token(s + ts, te - ts);
        if (k == TK_BAD)
            return PAGE_NAME_NO;
        if (k == TK_NUMBER && prev_kind == TK_NUMBER)
            return PAGE_NAME_NO;
        if (prev_kind == TK_NUMBER)
            return PAGE_NAME_NO; /* a number only at the end */
        ntok++;
        if (ntok > 7)
            return PAGE_NAME_NO;
        if (ntok == 1)
            first_kind = k;
        if (k != TK_NUMBER)
            last_kind = k;
        if (k == TK_FUNC)
            func++;
        if (k == TK_CAP || k == TK_ALLCAPS || k == TK_INITIAL)
            core++;
        if (k == TK_INITIAL)
            initials++;
        if (k == TK_CAP || k == TK_ALLCAPS) {
            char w[48];
            size_t wn = fold_word(s + ts, te - ts, w, sizeof w);
            if (in_list(w, function_words))
                func++;
            else if (in_list(w, title_words))
                lexicon++;
            else if (title_suffix(w, wn))
                suffixes++;
            if (k == TK_ALLCAPS)
                allcaps++;
        }
        prev_kind = k;
    }
    if (func)
        return PAGE_NAME_NO;
    if (core < 2 || core > 5)
        return PAGE_NAME_NO;
    if (first_kind != TK_CAP && first_kind != TK_INITIAL && first_kind != TK_ALLCAPS)
        return PAGE_NAME_NO;
    if (last_kind != TK_CAP && last_kind != TK_ALLCAPS && last_kind != TK_INITIAL)
        return PAGE_NAME_NO;
    int score = 6;
    if (core > 3)
        score -= 2 * (core - 3);
    score += initials > 2 ? 2 : initials;
    if (last_kind == TK_INITIAL)
        score -= 3;
    /* one title word can be a surname ("Chris Fields"): context decides */
    score -= 5 * lexicon;
    score -= 4 * suffixes;
    /* a line all in capitals is a shouted title more often than a name */
    if (allcaps == core)
        score -= 4;
    else if (allcaps > 1)
        score -= 2;
    return score;
}

/* ---- markers --------------------------------------------------------- */

static const char ELLIPSIS[] = "\xE2\x80\xA6";

long page_find_abs_marker(const char *s, size_t len, size_t *mlen)
{
    static const char *const marks[] = {"\xE2\x80\xA6 (see more)", "\xE2\x80\xA6 (voir plus)",
                                        NULL};
    const char *best = NULL;
    size_t bl = 0;
    for (const char *const *m = marks; *m; m++) {
        size_t ml = strlen(*m);
        for (const char *p = s; (size_t)(s + len - p) >= ml;) {
            const char *q = memchr(p, (unsigned char)ELLIPSIS[0], (size_t)(s + len - p));
            if (!q || (size_t)(s + len - q) < ml)
                break;
            if (memcmp(q, *m, ml) == 0) {
                if (!best || q < best)
                    best = q, bl = ml;
                break;
            }
            p = q + 1;
        }
    }
    if (!best)
        return -1;
    if (mlen)
        *mlen = bl;
    return (long)(best - s);
}

long page_find_auth_marker(const char *s, size_t len)
{
    trim(&s, &len);
    /* " … (see N more)" / " … (voir N de plus)" at the end of the line */
    if (len < 8 || s[len - 1] != ')')
        return -1;
    const char *open = NULL;
    for (size_t i = len; i-- > 0;)
        if (s[i] == '(') {
            open = s + i;
            break;
        }
    if (!open || open - s < 4)
        return -1;
    const char *in = open + 1, *end = s + len - 1;
    bool digit = false;
    for (const char *p = in; p < end; p++)
        if (*p >= '0' && *p <= '9')
            digit = true;
    if (!digit)
        return -1;
    bool en = (size_t)(end - in) > 8 && memcmp(in, "see ", 4) == 0
              && memcmp(end - 5, " more", 5) == 0;
    bool fr = (size_t)(end - in) > 10 && memcmp(in, "voir ", 5) == 0
              && memcmp(end - 5, " plus", 5) == 0;
    if (!en && !fr)
        return -1;
    const char *e = open;
    if (e > s && e[-1] == ' ')
        e--;
    if (e - s >= 3 && memcmp(e - 3, ELLIPSIS, 3) == 0)
        e -= 3;
    else if (e - s >= 3 && memcmp(e - 3, "...", 3) == 0)
        e -= 3;
    else
        return -1;
    while (e > s && e[-1] == ' ')
        e--;
    return (long)(e - s);
}

/* ---- feed meta lines and venues -------------------------------------- */

bool page_parse_meta(const char *s, size_t len, page_meta *m)
{
    trim(&s, &len);
    memset(m, 0, sizeof *m);
    size_t i = 0;
    /* optional score with one decimal */
    size_t d = 0;
    while (d < len && s[d] >= '0' && s[d] <= '9')
        d++;
    if (d) {
        if (d + 1 < len && s[d] == '.' && s[d + 1] >= '0' && s[d + 1] <= '9') {
            i = d + 2;
            while (i < len && s[i] >= '0' && s[i] <= '9')
                i++;
            m->score_len = i;
        } else {
            return false;
        }
    }
    size_t up = i;
    while (up < len && s[up] >= 'A' && s[up] <= 'Z')
        up++;
    /* the run of capitals ends with the month's first letter */
    if (up == i || up >= len || !(s[up] >= 'a' && s[up] <= 'z'))
        return false;
    size_t codes = up - 1 - i;
    if (codes < 2 || codes % 2 || codes > 16)
        return false;
    m->codes_off = i;
    m->codes_len = codes;
    size_t mon = up - 1, me = up;
    while (me < len && s[me] >= 'a' && s[me] <= 'z')
        me++;
    if (me - mon < 3 || me - mon > 9 || bib_month_parse(s + mon, me - mon) == 0)
        return false;
    size_t p = me;
    if (p < len && s[p] == '.')
        p++;
    if (p >= len || s[p] != ' ')
        return false;
    p++;
    size_t ds = p;
    while (p < len && s[p] >= '0' && s[p] <= '9')
        p++;
    if (p == ds || p - ds > 2)
        return false;
    if (p + 6 <= len && s[p] == ',' && s[p + 1] == ' ') {
        size_t y = p + 2, ye = y;
        while (ye < len && s[ye] >= '0' && s[ye] <= '9')
            ye++;
        if (ye - y != 4)
            return false;
        p = ye;
        m->has_year = true;
    }
    m->date_off = mon;
    m->date_len = p - mon;
    if (p + 4 == len && memcmp(s + p, "Code", 4) == 0) {
        m->code = true;
        p += 4;
    }
    return p == len;
}

bool page_parse_venue(const char *s, size_t len, int *year, size_t *name_len)
{
    trim(&s, &len);
    *year = 0;
    *name_len = 0;
    if (len < 3 || len > 60)
        return false;
    size_t d = len;
    while (d > 0 && s[d - 1] >= '0' && s[d - 1] <= '9')
        d--;
    size_t nd = len - d;
    if (nd == 0 || nd > 4 || d < 2 || s[d - 1] != ' ')
        return false;
    int num = atoi(s + d);
    if (nd == 4 && num >= 1900 && num <= 2100)
        *year = num;
    else if (nd > 2)
        return false;
    size_t nl = d - 1;
    /* the venue name: 1..4 words, each starting with a capital or a digit,
     * no function word and no sentence punctuation */
    size_t pos = 0, ts, te;
    int words = 0;
    while (next_token(s, nl, &pos, &ts, &te)) {
        words++;
        int k;
        uint32_t c = cp_at(s, nl, ts, &k);
        int cl = cp_class(c);
        if (cl != CC_UPPER && !(c >= '0' && c <= '9'))
            return false;
        for (size_t i = ts; i < te; i++)
            if (s[i] == ':' || s[i] == '?' || s[i] == '.' || s[i] == ',' || s[i] == '!')
                return false;
        char w[32];
        fold_word(s + ts, te - ts, w, sizeof w);
        if (in_list(w, function_words))
            return false;
    }
    if (words < 1 || words > 4)
        return false;
    *name_len = nl;
    return true;
}

/* ---- the feed splitter ----------------------------------------------- */

void page_split_commas(const char *s, size_t len, page_piece_fn fn, void *ctx)
{
    size_t st = 0;
    for (size_t i = 0; i + 1 < len; i++) {
        if (s[i] == ',' && s[i + 1] == ' ') {
            const char *p = s + st;
            size_t n = i - st;
            trim(&p, &n);
            if (n)
                fn(p, n, ctx);
            st = i + 2;
            i++;
        }
    }
    const char *p = s + st;
    size_t n = len - st;
    trim(&p, &n);
    if (n)
        fn(p, n, ctx);
}

struct names_check {
    int bad, count;
};

static void check_piece(const char *s, size_t len, void *ctx)
{
    struct names_check *c = ctx;
    c->count++;
    if (page_name_score(s, len) == PAGE_NAME_NO)
        c->bad++;
}

/* How much the text before a glue point reads like the end of a title:
 * a lower-case word, a digit, '?', ')' are clean ends; a camel-case last
 * word ("LearningMohammad") means the glue is too far right. */
static int title_end_score(const char *s, size_t len)
{
    if (!len)
        return PAGE_NEG;
    size_t ws = len;
    while (ws > 0 && s[ws - 1] != ' ')
        ws--;
    int lower_then_upper = 0, uppers = 0, prevc = CC_NONE;
    for (size_t i = ws; i < len;) {
        int k;
        int cl = cp_class(cp_at(s, len, i, &k));
        if (cl == CC_UPPER && prevc == CC_LOWER)
            lower_then_upper++;
        uppers += cl == CC_UPPER;
        prevc = cl;
        i += (size_t)k;
    }
    int score = 0;
    char last = s[len - 1];
    if (last == '?' || last == ')' || last == '!' || (last >= '0' && last <= '9'))
        score += 2;
    if (lower_then_upper)
        score -= 3 * lower_then_upper;
    if (len - ws <= 1 && uppers == 1)
        score -= 3; /* a lone capital before the glue: more likely an initial */
    /* an acronym's plural ("LLMs", "GNNs") ends a title often; the split
     * one letter earlier would leave a name starting "Ms..." */
    if (last == 's' && len - ws >= 3 && (size_t)uppers == len - ws - 1)
        score += 3;
    return score;
}

bool page_feed_split_line(const char *s, size_t len, page_feed_split *out)
{
    memset(out, 0, sizeof *out);
    const char *b = s;
    size_t n = len;
    trim(&b, &n);
    size_t off = (size_t)(b - s);
    size_t end = off + n;
    /* " · org" at the end: a lower-case slug after U+00B7 */
    static const char DOT[] = " \xC2\xB7 ";
    for (size_t i = end; i >= off + 4 + 1; i--) {
        if (memcmp(s + i - 4, DOT, 4) == 0) {
            bool slug = i < end;
            for (size_t j = i; j < end; j++) {
                char c = s[j];
                if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_'
                      || c == '.' || c == ' '))
                    slug = false;
            }
            if (slug) {
                out->org_off = i;
                out->org_len = end - i;
                end = i - 4;
            }
            break;
        }
        if (end - i > 40)
            break;
    }
    while (end > off && s[end - 1] == ' ')
        end--;
    if (end - off > 7 && memcmp(s + end - 7, " et al.", 7) == 0) {
        out->et_al = true;
        end -= 7;
    }
    out->title_len = end;
    out->authors_off = end;
    out->authors_end = end;
    /* candidates: a capital right after a non-space character */
    int best = PAGE_NEG;
    size_t best_at = 0, rest_at = (size_t)-1;
    struct names_check rest = {0, 0};
    uint32_t prevcp = 0;
    for (size_t i = off; i < end;) {
        int k;
        uint32_t c = cp_at(s, end, i, &k);
        if (i > off && cp_class(c) == CC_UPPER && !is_space_cp(prevcp) && prevcp != '-'
            && prevcp != '(' && prevcp != '/' && prevcp != '\'' && prevcp != '"') {
            /* first author: up to the next ", " */
            /* a name is short: look no further than this for its end, so a
             * long line costs linear time */
            size_t fe = i, lim = i + 240 < end ? i + 240 : end;
            while (fe < lim && !(s[fe] == ',' && fe + 1 < end && s[fe + 1] == ' '))
                fe++;
            int ns = fe == lim && lim < end ? PAGE_NAME_NO : page_name_score(s + i, fe - i);
            if (ns != PAGE_NAME_NO) {
                /* the other names: the same for every candidate before fe */
                if (fe != rest_at) {
                    rest = (struct names_check){0, 0};
                    if (fe < end)
                        page_split_commas(s + fe + 2, end - fe - 2, check_piece, &rest);
                    rest_at = fe;
                }
                struct names_check nc = rest;
                int score = ns + title_end_score(s + off, i - off) - 6 * nc.bad;
                if (score > best) {
                    best = score;
                    best_at = i;
                }
            }
        }
        prevcp = c;
        i += (size_t)k;
    }
    if (best == PAGE_NEG)
        return false;
    out->title_len = best_at;
    out->authors_off = best_at;
    out->authors_end = end;
    out->confident = best > 0;
    return true;
}

/* ---- line features --------------------------------------------------- */

bool page_is_heading(const char *s, size_t len)
{
    trim(&s, &len);
    static const char *const heads[] = {"Publications", "Latest Publications",
                                        "Dernières publications", "Dernières Publications",
                                        "Publications récentes", "Recent Publications",
                                        "Selected Publications", NULL};
    for (const char *const *h = heads; *h; h++)
        if (strlen(*h) == len && memcmp(*h, s, len) == 0)
            return true;
    return false;
}

/* An empty-field placeholder ("N/A", "TBA") or a line without letters:
 * never a title. */
static bool is_placeholder(const char *s, size_t len)
{
    static const char *const ph[] = {"n/a", "na", "tba", "tbd", "none", "null", "-", NULL};
    char w[16];
    if (len < sizeof w) {
        size_t n = 0;
        for (size_t i = 0; i < len; i++) {
            char c = s[i];
            w[n++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        }
        w[n] = '\0';
        if (in_list(w, ph))
            return true;
    }
    for (size_t i = 0; i < len;) {
        int k;
        if (cp_class(cp_at(s, len, i, &k)) != CC_NONE)
            return false;
        i += (size_t)k;
    }
    return true;
}

/* Words of running prose (verbs, pronouns) rare in titles. */
static const char *const verb_words[] = {"we", "our", "is", "are", "was", "were", "has",
                                         "have", "will", "been", "it", "they", "which",
                                         "nous", "est", "sont", NULL};

/* Words that open abstracts rather than titles. */
static bool prose_opener(const char *w)
{
    static const char *const openers[] = {"we", "in", "this", "our", "here", "recent",
                                          "although", "while", "despite", "these",
                                          "nous", "dans", "ce", "cette", NULL};
    return in_list(w, openers);
}

void page_features(page_feat *f, const char *s, size_t len, const char *prev, size_t prev_len)
{
    memset(f, 0, sizeof *f);
    trim(&s, &len);
    if (!len) {
        f->blank = true;
        f->name = PAGE_NAME_NO;
        return;
    }
    f->chars = bib_utf8_length(s, len);
    size_t ml;
    f->abs_marker = page_find_abs_marker(s, len, &ml) >= 0;
    long am = page_find_auth_marker(s, len);
    /* the marker after the last name, or alone on its own line (the list
     * cut after a name line) */
    f->auth_marker = am == 0 || (am > 0 && page_name_score(s, (size_t)am) != PAGE_NAME_NO);
    page_meta m;
    f->meta = page_parse_meta(s, len, &m);
    int y;
    size_t nl;
    f->venue = page_parse_venue(s, len, &y, &nl);
    f->heading = page_is_heading(s, len);
    if (prev) {
        trim(&prev, &prev_len);
        f->same_as_prev = prev_len == len && memcmp(prev, s, len) == 0;
    }
    f->name = page_name_score(s, len);
    f->placeholder = is_placeholder(s, len);
    /* title and prose evidence */
    size_t pos = 0, ts, te;
    int func = 0, lex = 0;
    bool first = true, opener = false;
    while (next_token(s, len, &pos, &ts, &te)) {
        f->tokens++;
        /* the word lists matter for titles and line openings; past 40
         * words a line is prose whatever its words */
        if (f->tokens > 40)
            continue;
        char w[48];
        fold_word(s + ts, te - ts, w, sizeof w);
        int k;
        int cl = cp_class(cp_at(s, len, ts, &k));
        if (cl == CC_LOWER && in_list(w, function_words))
            func++;
        if (in_list(w, title_words))
            lex++;
        if (first)
            opener = prose_opener(w);
        if (in_list(w, verb_words))
            f->verbish++;
        first = false;
    }
    int sentences = 0;
    for (size_t i = 0; i + 2 < len; i++)
        if ((s[i] == '.' || s[i] == '?' || s[i] == '!') && s[i + 1] == ' ') {
            int k;
            int cl = cp_class(cp_at(s, len, i + 2, &k));
            if (cl == CC_UPPER)
                sentences++;
        }
    bool colon = memchr(s, ':', len) != NULL;
    bool qmark = memchr(s, '?', len) != NULL;
    f->titleish = (func > 2 ? 2 : func) + (colon || qmark ? 1 : 0) + (lex ? 1 : 0);
    int prose = 0;
    if (f->chars > 200)
        prose += 3;
    else if (f->chars > 120)
        prose += 1;
    prose += 2 * (sentences > 3 ? 3 : sentences);
    if (s[len - 1] == '.' && f->tokens > 8)
        prose += 1;
    if (opener && f->tokens > 6)
        prose += 1;
    f->opener = opener;
    f->sentence_end = s[len - 1] == '.' && f->tokens >= 8;
    f->prose = prose;
}

/* ---- best path --------------------------------------------------------- */

int page_viterbi(size_t n, int k, const int *emit, const int *trans, const int *start,
                 int *path)
{
    if (!n)
        return 0;
    long long *score = malloc((size_t)k * 2 * sizeof *score);
    unsigned char *back = malloc(n * (size_t)k);
    if (!score || !back) {
        free(score);
        free(back);
        return -1;
    }
    long long *cur = score, *nxt = score + k;
    const long long NEG = (long long)PAGE_NEG * 1000;
    for (int s = 0; s < k; s++) {
        int e = emit[s];
        cur[s] = (start[s] <= PAGE_NEG || e <= PAGE_NEG) ? NEG : (long long)start[s] + e;
        back[s] = 0;
    }
    for (size_t i = 1; i < n; i++) {
        for (int s = 0; s < k; s++) {
            long long best = NEG;
            int arg = 0;
            int e = emit[i * (size_t)k + (size_t)s];
            for (int p = 0; p < k; p++) {
                int t = trans[p * k + s];
                if (t <= PAGE_NEG || cur[p] <= NEG)
                    continue;
                long long v = cur[p] + t;
                if (v > best) {
                    best = v;
                    arg = p;
                }
            }
            nxt[s] = (best <= NEG || e <= PAGE_NEG) ? NEG : best + e;
            back[i * (size_t)k + (size_t)s] = (unsigned char)arg;
        }
        long long *tmp = cur;
        cur = nxt;
        nxt = tmp;
    }
    int arg = 0;
    for (int s = 1; s < k; s++)
        if (cur[s] > cur[arg])
            arg = s;
    for (size_t i = n; i-- > 0;) {
        path[i] = arg;
        arg = back[i * (size_t)k + (size_t)arg];
    }
    free(score);
    free(back);
    return 0;
}

/* ---- layout detection ------------------------------------------------ */

static bool starts_with(const char *s, size_t len, const char *w)
{
    size_t n = strlen(w);
    return len >= n && memcmp(s, w, n) == 0;
}

static bool is_portrait(const char *s, size_t len)
{
    return starts_with(s, len, "Portrait of ") || starts_with(s, len, "Portrait de ")
           || starts_with(s, len, "Portrait d'") || starts_with(s, len, "Portrait d\xE2\x80\x99");
}

static bool is_lower_copy(const page_line *a, const page_line *b)
{
    const char *x = a->text, *y = b->text;
    size_t xn = a->len, yn = b->len;
    trim(&x, &xn);
    trim(&y, &yn);
    if (!xn || xn != yn || xn > 80)
        return false;
    bool differs = false;
    for (size_t i = 0; i < xn; i++) {
        char c = x[i];
        if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
            differs = true;
        }
        if (c != y[i])
            return false;
    }
    return differs || true;
}

static bool is_na(const page_line *l)
{
    const char *x = l->text;
    size_t n = l->len;
    trim(&x, &n);
    return n == 3 && memcmp(x, "N/A", 3) == 0;
}

/* Index of the k-th non-blank line from `from`, or pl->n. */
static size_t nonblank(const page_lines *pl, size_t from, int k)
{
    for (size_t i = from; i < pl->n; i++) {
        const char *s = pl->v[i].text;
        size_t n = pl->v[i].len;
        trim(&s, &n);
        if (n && k-- == 0)
            return i;
    }
    return pl->n;
}

static bool topic_header_at(const page_lines *pl, size_t i)
{
    size_t a = nonblank(pl, i, 0), b = nonblank(pl, a + 1 < pl->n ? a + 1 : pl->n, 0);
    if (a >= pl->n || b >= pl->n)
        return false;
    size_t c = nonblank(pl, b + 1, 0);
    return c < pl->n && is_lower_copy(&pl->v[a], &pl->v[b]) && is_na(&pl->v[c]);
}

static bool has_word_ci(const char *s, size_t len, const char *w)
{
    size_t n = strlen(w);
    for (size_t i = 0; i + n <= len; i++) {
        size_t j = 0;
        while (j < n) {
            char c = s[i + j];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if (c != w[j])
                break;
            j++;
        }
        if (j == n)
            return true;
    }
    return false;
}

/* Lines of the feed site's single-paper page that no other page has: the
 * metrics line ("... h-index: 12 ..."), "Originality ...", "AI Analysis". */
static bool is_paper_cue(const char *s, size_t n)
{
    return (n < 400 && has_word_ci(s, n, "h-index:")) || starts_with(s, n, "Originality")
           || starts_with(s, n, "AI Analysis");
}

page_layout page_detect_layout(const page_lines *pl, const char **lang)
{
    int profile = 0, feed = 0, topic = 0, paper = 0, fr = 0, en = 0;
    size_t first = nonblank(pl, 0, 0);
    if (first < pl->n && is_portrait(pl->v[first].text, pl->v[first].len)) {
        profile += 20;
        if (starts_with(pl->v[first].text, pl->v[first].len, "Portrait of "))
            en += 3;
        else
            fr += 3;
    }
    if (topic_header_at(pl, 0))
        topic += 20;
    int metas = 0, venues = 0, absm = 0, heads = 0;
    for (size_t i = 0; i < pl->n; i++) {
        const char *s = pl->v[i].text;
        size_t n = pl->v[i].len;
        trim(&s, &n);
        if (!n)
            continue;
        page_meta m;
        if (page_parse_meta(s, n, &m))
            metas++;
        int y;
        size_t nl;
        if (page_parse_venue(s, n, &y, &nl))
            venues++;
        size_t ml;
        long at = page_find_abs_marker(s, n, &ml);
        if (at >= 0) {
            absm++;
            if (ml > 14)
                fr++;
            else
                en++;
        }
        if (page_is_heading(s, n))
            heads++;
        static const char *const en_heads[] = {"Research Topics", "Biography",
                                               "Current Students", NULL};
        static const char *const fr_heads[] = {"Sujets de recherche", "Biographie",
                                               "Étudiants actuels", NULL};
        for (const char *const *h = en_heads; *h; h++)
            if (strlen(*h) == n && memcmp(*h, s, n) == 0)
                en += 2, profile += 3;
        for (const char *const *h = fr_heads; *h; h++)
            if (strlen(*h) == n && memcmp(*h, s, n) == 0)
                fr += 2, profile += 3;
        if (n < 200 && has_word_ci(s, n, "cookie"))
            profile += 1;
        if (is_paper_cue(s, n))
            paper += 10;
    }
    profile += (heads ? 8 : 0) + (absm > 5 ? 10 : 2 * absm);
    feed += metas > 10 ? 40 : 4 * metas;
    topic += venues > 5 ? 10 : 2 * venues;
    *lang = fr > en ? "fr" : "en";
    if (paper && metas <= 1 && paper + 4 * metas > profile && paper > topic)
        return PAGE_LAYOUT_PAPER;
    if (profile == 0 && feed == 0 && topic == 0)
        return PAGE_LAYOUT_NONE;
    if (feed > profile && feed > topic)
        return PAGE_LAYOUT_FEED;
    if (topic > profile)
        return PAGE_LAYOUT_TOPIC;
    if (profile <= 2 && !heads)
        return PAGE_LAYOUT_NONE;
    return PAGE_LAYOUT_PROFILE;
}

size_t page_safe_cut(const page_lines *pl)
{
    for (size_t i = pl->n, k = 0; i-- > 1 && k < 1000; k++) {
        page_feat f;
        page_features(&f, pl->v[i].text, pl->v[i].len, NULL, 0);
        if (f.abs_marker || f.venue || f.prose >= 3)
            return i + 1;
    }
    return pl->n;
}

bool page_is_cookie_line(const char *s, size_t len)
{
    return len < 200 && has_word_ci(s, len, "cookie");
}

size_t page_boundary(const page_lines *pl, size_t i, page_layout current, bool cookie_seen)
{
    size_t first = nonblank(pl, 0, 0);
    if (first >= i)
        return (size_t)-1; /* nothing before it in this page */
    const page_line *l = &pl->v[i];
    if (is_portrait(l->text, l->len))
        return i;
    if (i >= 2 && is_na(l)) {
        /* the two non-blank lines before it */
        size_t b = i, a;
        while (b-- > 0 && !pl->v[b].len) {
        }
        if (b < i && b > 0) {
            a = b;
            while (a-- > 0 && !pl->v[a].len) {
            }
            if (a < b && is_lower_copy(&pl->v[a], &pl->v[b]) && a > first)
                return a;
        }
    }
    page_meta m;
    if (current != PAGE_LAYOUT_FEED && page_parse_meta(l->text, l->len, &m))
        return i;
    /* a single-paper page after a feed: its metrics or analysis line comes
     * a few lines after its meta line, where the new page starts */
    if (current == PAGE_LAYOUT_FEED && is_paper_cue(l->text, l->len)) {
        for (size_t j = i, k = 0; j-- > first + 1 && k < 8; k++)
            if (page_parse_meta(pl->v[j].text, pl->v[j].len, &m))
                return j;
    }
    /* the cookie-consent block of a redesigned profile: a new page unless
     * this page already had one; its two or three news lines come first */
    if (!cookie_seen && page_is_cookie_line(l->text, l->len)) {
        size_t nb = 0;
        for (size_t j = first; j < i; j++)
            nb += pl->v[j].len > 0;
        if (nb <= 3)
            return (size_t)-1; /* only the news lines of this page before it */
        size_t b = i;
        for (int k = 0; k < 3 && b > first + 1; k++) {
            const page_line *p = &pl->v[b - 1];
            page_feat f;
            page_features(&f, p->text, p->len, NULL, 0);
            if (f.blank || f.chars > 120 || f.prose >= 3 || f.venue || f.abs_marker || f.meta)
                break;
            b--;
        }
        return b;
    }
    return (size_t)-1;
}

/* ---- labelling ---------------------------------------------------------- */

enum { P_T, P_A, P_B, P_X, P_K };       /* profile zone states */
enum { F_M, F_TA, F_B, F_X, F_K };      /* feed states */
enum { W_H, W_T, W_B, W_P, W_V, W_X, W_K }; /* topic page states */

static int min_i(int a, int b) { return a < b ? a : b; }

static void emit_profile(const page_feat *f, int *e)
{
    int t = 0;
    if (f->abs_marker || f->auth_marker)
        t -= 30;
    if (f->placeholder)
        t -= 40;
    if (f->prose >= 3)
        t -= 2 * f->prose;
    if (f->chars > 300)
        t -= 10;
    t += min_i(f->titleish, 2);
    e[P_T] = t;
    if (f->auth_marker)
        e[P_A] = 30;
    else if (f->name == PAGE_NAME_NO)
        e[P_A] = PAGE_NEG;
    else
        e[P_A] = f->name - (f->same_as_prev ? 50 : 0);
    if (f->abs_marker)
        e[P_B] = 30;
    else
        e[P_B] = 2 * f->prose - 4 - (f->chars < 80 ? (f->sentence_end ? 3 : 6) : 0);
    /* pronouns and verbs of running prose ("we show", "is") */
    e[P_B] += 2 * min_i(f->verbish, 2);
    e[P_T] -= min_i(f->verbish, 2);
    if (f->sentence_end) {
        /* a full stop after a real sentence: short abstracts have no
         * marker, and titles rarely end so */
        e[P_B] += 3;
        e[P_T] -= 3;
    }
    e[P_X] = -25;
}

static void emit_feed(const page_feat *f, const char *s, size_t len, int *e)
{
    e[F_M] = f->meta ? 20 : PAGE_NEG;
    if (f->meta) {
        e[F_TA] = e[F_B] = PAGE_NEG;
    } else {
        page_feed_split sp;
        bool ok = page_feed_split_line(s, len, &sp);
        e[F_TA] = ok ? (sp.confident ? 8 : 4) : -2;
        if (f->placeholder)
            e[F_TA] -= 40;
        if (f->prose >= 3)
            e[F_TA] -= 2 * f->prose;
        e[F_B] = 2 * f->prose - 2 - (f->chars < 80 ? 6 : 0);
    }
    e[F_X] = -25;
}

static void emit_topic(const page_feat *f, size_t idx, const page_lines *pl, size_t li,
                       int *e)
{
    /* header cues: the topic name, its lower-case slug, "N/A" */
    int h = -8;
    if (idx == 0 && f->chars <= 80)
        h = 6;
    if (li > 0 && is_lower_copy(&pl->v[li - 1], &pl->v[li]))
        h = 10;
    if (is_na(&pl->v[li]))
        h = 10;
    if (f->prose >= 3)
        h = 0;
    e[W_H] = h;
    int t = 1;
    if (f->prose >= 3)
        t -= 2 * f->prose;
    if (f->chars > 300)
        t -= 10;
    if (f->venue)
        t -= 10;
    if (f->placeholder)
        t -= 40;
    e[W_T] = t;
    e[W_P] = t;
    e[W_B] = f->venue ? PAGE_NEG : 2 * f->prose - 2 - (f->chars < 80 ? 6 : 0);
    if (f->sentence_end && !f->venue) {
        e[W_B] += 3;
        e[W_T] -= 3;
        e[W_P] -= 3;
    }
    e[W_V] = f->venue ? 10 : PAGE_NEG;
    e[W_X] = -25;
}

/* The single-paper page holds one record: the title is the first line
 * (after the meta line when there is one); machine-written summaries sit
 * between the title and the real abstract, so the abstract is the last
 * paragraph of prose; every other line is page chrome. */
static int label_paper(const page_lines *pl, page_role *roles)
{
    size_t n = pl->n, title = n, abs = n;
    bool meta = false;
    for (size_t i = 0; i < n; i++) {
        const char *s = pl->v[i].text;
        size_t len = pl->v[i].len;
        trim(&s, &len);
        if (!len)
            continue;
        page_meta m;
        roles[i] = PAGE_ROLE_HEADER;
        if (!meta && title == n && page_parse_meta(s, len, &m)) {
            roles[i] = PAGE_ROLE_META;
            meta = true;
            continue;
        }
        if (title == n) {
            title = i;
            continue;
        }
        page_feat f;
        page_features(&f, s, len, NULL, 0);
        if (f.prose >= 3 && f.chars > 150 && !is_paper_cue(s, len))
            abs = i;
    }
    if (title < n)
        roles[title] = PAGE_ROLE_TITLE;
    if (abs < n)
        roles[abs] = PAGE_ROLE_ABSTRACT;
    return 0;
}

int page_label(const page_lines *pl, page_layout layout, page_role *roles)
{
    return page_label_part(pl, layout, roles, false);
}

int page_label_part(const page_lines *pl, page_layout layout, page_role *roles,
                    bool continuation)
{
    size_t n = pl->n;
    for (size_t i = 0; i < n; i++)
        roles[i] = PAGE_ROLE_BLANK;
    if (!n)
        return 0;
    /* the lines the best path runs over */
    size_t zone = 0;
    if (layout == PAGE_LAYOUT_PROFILE && !continuation) {
        /* the header ends at the publications heading: anchor on it, never
         * on chrome that changes between crawls */
        size_t h = n;
        for (size_t i = 0; i < n; i++)
            if (page_is_heading(pl->v[i].text, pl->v[i].len)) {
                h = i;
                break;
            }
        if (h == n) {
            /* redesigned pages without a heading: records follow the
             * cookie-consent block */
            size_t c = n;
            for (size_t i = 0; i < n; i++)
                if (pl->v[i].len < 300 && has_word_ci(pl->v[i].text, pl->v[i].len, "cookie"))
                    c = i;
            h = c;
        }
        for (size_t i = 0; i < n && i <= h; i++)
            if (pl->v[i].len)
                roles[i] = (i == h && page_is_heading(pl->v[i].text, pl->v[i].len))
                               ? PAGE_ROLE_SECTION : PAGE_ROLE_HEADER;
        if (h == n)
            return 0;
        zone = h + 1;
    }
    if (layout == PAGE_LAYOUT_PAPER)
        return label_paper(pl, roles);
    size_t *idx = malloc((n - zone + 1) * sizeof *idx);
    int k = layout == PAGE_LAYOUT_FEED ? F_K : layout == PAGE_LAYOUT_TOPIC ? W_K : P_K;
    int *emit = calloc((n - zone + 1) * (size_t)k, sizeof *emit);
    int *path = malloc((n - zone + 1) * sizeof *path);
    if (!idx || !emit || !path) {
        free(idx);
        free(emit);
        free(path);
        return -1;
    }
    size_t m = 0, last = n;
    for (size_t i = n; i-- > zone;)
        if (pl->v[i].len) {
            last = i;
            break;
        }
    const char *prev = NULL;
    size_t prev_len = 0;
    for (size_t i = zone; i < n; i++) {
        const char *s = pl->v[i].text;
        size_t len = pl->v[i].len;
        trim(&s, &len);
        if (!len)
            continue;
        page_feat f;
        page_features(&f, s, len, prev, prev_len);
        int *e = emit + m * (size_t)k;
        if (layout == PAGE_LAYOUT_FEED)
            emit_feed(&f, s, len, e);
        else if (layout == PAGE_LAYOUT_TOPIC)
            emit_topic(&f, m, pl, i, e);
        else
            emit_profile(&f, e);
        if (f.placeholder) {
            /* "----", "N/A": no record text; only a topic header keeps it */
            for (int st = 0; st < k - 1; st++)
                if (!(layout == PAGE_LAYOUT_TOPIC && st == W_H) && e[st] > PAGE_NEG)
                    e[st] -= 40;
        }
        if (layout == PAGE_LAYOUT_PROFILE && i == last) {
            /* a page cut inside an abstract ends on a short fragment that
             * reads like a title: prefer prose when it starts like prose */
            int bonus = (f.opener ? 6 : 0) + (f.verbish ? 3 : 0);
            e[P_B] += bonus;
            e[P_T] -= bonus;
        }
        idx[m++] = i;
        prev = s;
        prev_len = len;
    }
    int rc = 0;
    if (layout == PAGE_LAYOUT_FEED) {
        static const int start[F_K] = {0, -5, -20, 0};
        static const int trans[F_K * F_K] = {
            /* to:   M         TA        B         X */
            /* M  */ -5,       0,        -10,      0,
            /* TA */ 0,        -8,       0,        0,
            /* B  */ 0,        -10,      -12,      0,
            /* X  */ 0,        0,        0,        0,
        };
        rc = page_viterbi(m, F_K, emit, trans, start, path);
        static const page_role map[F_K] = {PAGE_ROLE_META, PAGE_ROLE_TITLE_AUTHORS,
                                           PAGE_ROLE_ABSTRACT, PAGE_ROLE_OTHER};
        for (size_t j = 0; rc == 0 && j < m; j++)
            roles[idx[j]] = map[path[j]];
    } else if (layout == PAGE_LAYOUT_TOPIC) {
        static const int start[W_K] = {0, -3, -20, -3, PAGE_NEG, -5};
        static const int trans[W_K * W_K] = {
            /* to:   H         T         B         P         V         X */
            /* H  */ 0,        0,        PAGE_NEG, 0,        PAGE_NEG, 0,
            /* T  */ PAGE_NEG, -1,       0,        0,        PAGE_NEG, 0,
            /* B  */ PAGE_NEG, 0,        -12,      0,        PAGE_NEG, 0,
            /* P  */ PAGE_NEG, PAGE_NEG, PAGE_NEG, PAGE_NEG, 0,        0,
            /* V  */ PAGE_NEG, -2,       PAGE_NEG, 0,        -12,      0,
            /* X  */ PAGE_NEG, 0,        0,        0,        0,        0,
        };
        rc = page_viterbi(m, W_K, emit, trans, start, path);
        static const page_role map[W_K] = {PAGE_ROLE_HEADER, PAGE_ROLE_TITLE,
                                           PAGE_ROLE_ABSTRACT, PAGE_ROLE_POSTER,
                                           PAGE_ROLE_VENUE, PAGE_ROLE_OTHER};
        for (size_t j = 0; rc == 0 && j < m; j++)
            roles[idx[j]] = map[path[j]];
    } else {
        /* the first line after the heading is a title; an untitled record
         * (an abstract first) is possible but costly */
        static const int start[P_K] = {0, PAGE_NEG, -15, -5};
        static const int trans[P_K * P_K] = {
            /* to:   T         A         B         X */
            /* T  */ -2,       0,        0,        0,
            /* A  */ 0,        0,        0,        0,
            /* B  */ 0,        PAGE_NEG, -20,      0,
            /* X  */ 0,        PAGE_NEG, -15,      0,
        };
        rc = page_viterbi(m, P_K, emit, trans, start, path);
        static const page_role map[P_K] = {PAGE_ROLE_TITLE, PAGE_ROLE_AUTHOR,
                                           PAGE_ROLE_ABSTRACT, PAGE_ROLE_OTHER};
        for (size_t j = 0; rc == 0 && j < m; j++)
            roles[idx[j]] = map[path[j]];
    }
    free(idx);
    free(emit);
    free(path);
    return rc;
}
