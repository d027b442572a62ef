/* SPDX-License-Identifier: MIT */
/*
 * merge.c - the dedupe engine of merge.h: same-work matching through hash
 * buckets on DOI and title key, and the field-by-field "richest value"
 * merge.
 *
 * Not for: output order or keys (the CLI does those on the merged records).
 */
#include <stdlib.h>
#include <string.h>

#include "bibconv/merge.h"
#include "bibconv/utf8.h"
#include "record_int.h"

/* ---- a small string -> list of group indices map ------------------------ */

typedef struct entry {
    char *key;
    size_t group;
    struct entry *next;
} entry;

typedef struct map {
    entry **slots;
    size_t cap, count;
} map;

static uint64_t hash_str(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h ^ (h >> 29);
}

static void map_free(map *m)
{
    for (size_t i = 0; i < m->cap; i++)
        for (entry *e = m->slots[i], *n; e; e = n) {
            n = e->next;
            free(e->key);
            free(e);
        }
    free(m->slots);
    m->slots = NULL;
    m->cap = m->count = 0;
}

static int map_grow(map *m)
{
    size_t cap = m->cap ? m->cap * 2 : 256;
    entry **s = calloc(cap, sizeof *s);
    if (!s)
        return BIB_ENOMEM;
    for (size_t i = 0; i < m->cap; i++)
        for (entry *e = m->slots[i], *n; e; e = n) {
            n = e->next;
            size_t b = hash_str(e->key) & (cap - 1);
            e->next = s[b];
            s[b] = e;
        }
    free(m->slots);
    m->slots = s;
    m->cap = cap;
    return 0;
}

/* Adds (key, group) unless that exact pair is there. */
static int map_add(map *m, const char *key, size_t group)
{
    if (m->count >= m->cap && map_grow(m))
        return BIB_ENOMEM;
    size_t b = hash_str(key) & (m->cap - 1);
    for (entry *e = m->slots[b]; e; e = e->next)
        if (e->group == group && strcmp(e->key, key) == 0)
            return 0;
    entry *e = malloc(sizeof *e);
    char *k = strdup(key);
    if (!e || !k) {
        free(e);
        free(k);
        return BIB_ENOMEM;
    }
    e->key = k;
    e->group = group;
    /* appended at the chain's end so that lookups meet older groups first */
    e->next = NULL;
    entry **pp = &m->slots[b];
    while (*pp)
        pp = &(*pp)->next;
    *pp = e;
    m->count++;
    return 0;
}

/* ---- keys of a record --------------------------------------------------- */

int bib_doi_normalize(bib_buf *out, const char *s)
{
    if (!s)
        return BIB_EINVAL;
    const char *p = strstr(s, "10.");
    if (!p)
        return BIB_EINVAL;
    size_t start = out->len;
    for (; *p && *p != ' ' && *p != '\t' && *p != '\n'; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (bib_buf_putc(out, c))
            return BIB_ENOMEM;
    }
    /* a trailing full stop is sentence punctuation, not part of the DOI */
    while (out->len > start && (out->data[out->len - 1] == '.' || out->data[out->len - 1] == ','))
        bib_buf_truncate(out, out->len - 1);
    return out->len - start > 3 && strchr(out->data + start, '/') ? 0 : BIB_EINVAL;
}

/* Title match key with the CSL rich-text tags removed first. */
static int title_key(bib_buf *out, const bib_record *rec)
{
    const char *t = bib_record_text(rec, BIB_VAR_TITLE);
    if (!t)
        return BIB_EINVAL;
    bib_buf plain;
    bib_buf_init(&plain);
    for (const char *p = t; *p; p++) {
        if (*p == '<') {
            const char *q = strchr(p, '>');
            if (q && (p[1] == '/' || p[1] == 'i' || p[1] == 'b' || p[1] == 's')) {
                bib_buf_putc(&plain, ' ');
                p = q;
                continue;
            }
        }
        bib_buf_putc(&plain, *p);
    }
    int rc = bib_buf_failed(&plain) ? BIB_ENOMEM : bib_utf8_match_key(out, plain.data, plain.len);
    bib_buf_clear(&plain);
    if (rc == 0 && out->len == 0)
        rc = BIB_EINVAL;
    return rc;
}

static bool year_of(const bib_record *rec, int *year)
{
    const bib_field *f = bib_record_get(rec, BIB_VAR_ISSUED);
    const bib_date *d = f ? bib_field_date(f) : NULL;
    if (!d || d->nparts < 1 || !d->parts[0].has_year)
        return false;
    *year = d->parts[0].year;
    return true;
}

static const bib_field *names_of(const bib_record *rec)
{
    const bib_field *f = bib_record_get(rec, BIB_VAR_AUTHOR);
    if (!f || !bib_field_name_count(f))
        f = bib_record_get(rec, BIB_VAR_EDITOR);
    return f && bib_field_name_count(f) ? f : NULL;
}

/* Folded family name (or the last word of a literal) of name i. */
static int family_key(bib_buf *out, const bib_name *n)
{
    const char *s = n->family;
    if (!s && n->literal) {
        s = strrchr(n->literal, ' ');
        s = s ? s + 1 : n->literal;
    }
    if (!s)
        return BIB_EINVAL;
    return bib_utf8_match_key(out, s, strlen(s));
}

static size_t shared_names(const bib_field *a, const bib_field *b)
{
    size_t na = bib_field_name_count(a), nb = bib_field_name_count(b), shared = 0;
    /* author lists are short; the cap keeps a pathological 10,000-author
     * pair from costing 10^8 comparisons */
    if (na > 64)
        na = 64;
    if (nb > 64)
        nb = 64;
    bib_buf ka, kb;
    bib_buf_init(&ka);
    bib_buf_init(&kb);
    for (size_t i = 0; i < na; i++) {
        bib_buf_reset(&ka);
        if (family_key(&ka, bib_field_name_at(a, i)) || !ka.len)
            continue;
        for (size_t j = 0; j < nb; j++) {
            bib_buf_reset(&kb);
            if (family_key(&kb, bib_field_name_at(b, j)) == 0 && strcmp(ka.data, kb.data) == 0) {
                shared++;
                break;
            }
        }
    }
    bib_buf_clear(&ka);
    bib_buf_clear(&kb);
    return shared;
}

static bool same_doi_status(const bib_record *a, const bib_record *b, int *same)
{
    bib_buf da, db;
    bib_buf_init(&da);
    bib_buf_init(&db);
    bool both = bib_doi_normalize(&da, bib_record_text(a, BIB_VAR_DOI)) == 0 &&
                bib_doi_normalize(&db, bib_record_text(b, BIB_VAR_DOI)) == 0;
    *same = both && strcmp(da.data, db.data) == 0;
    bib_buf_clear(&da);
    bib_buf_clear(&db);
    return both;
}

void bib_dedupe_config_init(bib_dedupe_config *cfg)
{
    cfg->year_slack = 1;
    cfg->min_shared_authors = 1;
    cfg->match_titles = true;
    cfg->min_title_words = 4;
}

/* Words of a title key (folded: words are separated by single spaces). */
static size_t key_words(const char *key)
{
    size_t n = *key ? 1 : 0;
    for (; *key; key++)
        n += *key == ' ';
    return n;
}

/* Rule 3 alone (the title keys are known equal, `key` is one of them). */
static bool compatible(const bib_record *a, const bib_record *b, const char *key,
                       const bib_dedupe_config *cfg)
{
    int ya = 0, yb = 0; /* read only when year_of set them; gcc -O2 cannot tell */
    bool hya = year_of(a, &ya), hyb = year_of(b, &yb);
    if (hya && hyb && abs(ya - yb) > cfg->year_slack)
        return false;
    const bib_field *na = names_of(a), *nb = names_of(b);
    /* a record without names (a profile page lists titles only, a talk has
     * no speaker line): the year must agree exactly, and with no year
     * either, only a title long enough to name one work ("Introduction"
     * and "Editorial" do not) */
    if (!na || !nb) {
        if (hya && hyb)
            return ya == yb;
        return cfg->min_title_words >= 0 && key_words(key) >= (size_t)cfg->min_title_words;
    }
    size_t need = cfg->min_shared_authors > 0 ? (size_t)cfg->min_shared_authors : 0;
    size_t shorter = bib_field_name_count(na) < bib_field_name_count(nb)
                         ? bib_field_name_count(na)
                         : bib_field_name_count(nb);
    if (need > shorter)
        need = shorter;
    return shared_names(na, nb) >= need;
}

bool bib_records_same_work(const bib_record *a, const bib_record *b, const bib_dedupe_config *cfg)
{
    bib_dedupe_config def;
    if (!cfg) {
        bib_dedupe_config_init(&def);
        cfg = &def;
    }
    if (bib_record_kind_of(a) != BIB_RECORD_ENTRY || bib_record_kind_of(b) != BIB_RECORD_ENTRY)
        return false;
    int same;
    if (same_doi_status(a, b, &same))
        return same;
    if (!cfg->match_titles)
        return false;
    bib_buf ta, tb;
    bib_buf_init(&ta);
    bib_buf_init(&tb);
    bool eq = title_key(&ta, a) == 0 && title_key(&tb, b) == 0 && strcmp(ta.data, tb.data) == 0;
    eq = eq && compatible(a, b, ta.data, cfg);
    bib_buf_clear(&ta);
    bib_buf_clear(&tb);
    return eq;
}

/* ---- merging ------------------------------------------------------------ */

/* Variables whose distinct values are all kept (identifiers, links, tags). */
static bool union_var(bib_var v)
{
    return v == BIB_VAR_URL || v == BIB_VAR_ISBN || v == BIB_VAR_ISSN || v == BIB_VAR_KEYWORD ||
           v == BIB_VAR_PMID || v == BIB_VAR_PMCID;
}

static size_t text_weight(const bib_field *f)
{
    size_t w = 0;
    for (size_t i = 0; i < bib_field_value_count(f); i++)
        w += strlen(bib_field_value_at(f, i));
    return w;
}

static int date_precision(const bib_date *d)
{
    if (!d || d->nparts == 0)
        return d && d->literal ? 1 : 0;
    const bib_date_part *p = &d->parts[0];
    return 2 + (p->has_year ? 1 : 0) + (p->month || p->season ? 1 : 0) + (p->day ? 1 : 0) +
           (d->nparts == 2 ? 1 : 0);
}

/* True when b's value of a field is richer than a's (ties keep a). */
static bool richer(const bib_field *a, const bib_field *b)
{
    /* a DOI is an identifier: a longer spelling ("https://doi.org/...") is
     * not richer */
    if (bib_field_var(a) == BIB_VAR_DOI)
        return false;
    switch (bib_field_kind(a)) {
    case BIB_KIND_NAMES: {
        /* the list naming more people; at equal length the one cut short
         * ("and others"), whose marker says more people exist: a list that
         * claims to be complete but names no more than a cut one lost its
         * marker on the way (RIS has none) */
        size_t na = bib_field_name_count(a), nb = bib_field_name_count(b);
        if (na != nb)
            return nb > na;
        return !bib_field_names_truncated(a) && bib_field_names_truncated(b);
    }
    case BIB_KIND_DATE:
        return date_precision(bib_field_date(b)) > date_precision(bib_field_date(a));
    default:
        return text_weight(b) > text_weight(a);
    }
}

/* Gives dst's field of f's variable f's source text, when from (whose
 * field f is) kept one: the value was copied unchanged, so the writer of
 * that format may write it back as the source wrote it (a BibTeX title's
 * \emph; docs/record-model.md, "Source text") instead of encoding the
 * value again. A setter that adds to the value later drops it. */
static int copy_source(bib_record *dst, const bib_record *from, const bib_field *f)
{
    const char *fmt = bib_record_source_format(from);
    unsigned tag = 0;
    size_t len = 0;
    const char *s = fmt ? bib_field_source(f, fmt, &tag, &len) : NULL;
    if (!s || !bib_record_has(dst, bib_field_var(f)))
        return 0;
    return bib_record_set_source(dst, bib_field_var(f), fmt, tag, s, len);
}

/* Copies field f of record `from` to dst: its values, flags and source
 * text. */
static int copy_field(bib_record *dst, const bib_record *from, const bib_field *f)
{
    bib_var v = bib_field_var(f);
    int rc = 0;
    switch (bib_field_kind(f)) {
    case BIB_KIND_NAMES:
        for (size_t i = 0; rc == 0 && i < bib_field_name_count(f); i++)
            rc = bib_record_add_name(dst, v, bib_field_name_at(f, i));
        if (rc == 0 && bib_field_names_truncated(f))
            rc = bib_record_set_names_truncated(dst, v, true);
        break;
    case BIB_KIND_DATE:
        rc = bib_record_set_date(dst, v, bib_field_date(f));
        break;
    default:
        for (size_t i = 0; rc == 0 && i < bib_field_value_count(f); i++) {
            const char *s = bib_field_value_at(f, i);
            rc = bib_record_add_text(dst, v, s, strlen(s));
        }
    }
    if (rc == 0 && bib_field_flags(f))
        rc = bib_record_set_field_flags(dst, v, bib_field_flags(f));
    if (rc == 0)
        rc = copy_source(dst, from, f);
    return rc == BIB_EINVAL ? 0 : rc; /* an empty name is dropped, not fatal */
}

/* Adds the values of b not already in dst's field of the same variable. */
static int add_missing_values(bib_record *dst, const bib_field *b)
{
    bib_var v = bib_field_var(b);
    for (size_t i = 0; i < bib_field_value_count(b); i++) {
        const char *s = bib_field_value_at(b, i);
        const bib_field *d = bib_record_get(dst, v);
        bool have = false;
        for (size_t j = 0; d && j < bib_field_value_count(d) && !have; j++)
            have = strcmp(bib_field_value_at(d, j), s) == 0;
        if (!have && bib_record_add_text(dst, v, s, strlen(s)))
            return BIB_ENOMEM;
    }
    return 0;
}

static bool generic_type(bib_type t)
{
    return t == BIB_TYPE_UNKNOWN || t == BIB_TYPE_DOCUMENT || t == BIB_TYPE_ARTICLE;
}

static bool has_extra(const bib_record *r, const char *fmt, const char *name, const char *val,
                      size_t len)
{
    for (size_t i = 0; i < bib_record_extra_count(r); i++) {
        const char *f, *n, *v;
        size_t l;
        bib_record_extra_at(r, i, &f, &n, &v, &l);
        if (l == len && strcmp(f, fmt) == 0 && strcmp(n, name) == 0 && memcmp(v, val, len) == 0)
            return true;
    }
    return false;
}

bib_record *bib_record_merge(const bib_record *a, const bib_record *b)
{
    if (bib_record_kind_of(a) != BIB_RECORD_ENTRY || bib_record_kind_of(b) != BIB_RECORD_ENTRY)
        return bib_record_clone(a);
    bib_type t = bib_record_type(a);
    if (generic_type(t) && !generic_type(bib_record_type(b)))
        t = bib_record_type(b);
    const char *id = bib_record_id(a) ? bib_record_id(a) : bib_record_id(b);
    bib_record *m = bib_record_new(t, id);
    if (!m)
        return NULL;
    size_t line;
    const char *origin = bib_record_origin(a, &line);
    if (!origin)
        origin = bib_record_origin(b, &line);
    int rc = origin ? bib_record_set_origin(m, origin, line) : 0;
    for (size_t i = 0; rc == 0 && i < bib_record_field_count(a); i++) {
        const bib_field *fa = bib_record_field_at(a, i);
        const bib_field *fb = bib_record_get(b, bib_field_var(fa));
        bool take_b = fb && richer(fa, fb);
        rc = copy_field(m, take_b ? b : a, take_b ? fb : fa);
        if (rc == 0 && fb && union_var(bib_field_var(fa)))
            rc = add_missing_values(m, fb);
    }
    for (size_t i = 0; rc == 0 && i < bib_record_field_count(b); i++) {
        const bib_field *fb = bib_record_field_at(b, i);
        if (!bib_record_has(a, bib_field_var(fb)))
            rc = copy_field(m, b, fb);
    }
    const bib_record *src[2] = {a, b};
    for (int s = 0; s < 2 && rc == 0; s++)
        for (size_t i = 0; rc == 0 && i < bib_record_extra_count(src[s]); i++) {
            const char *f, *n, *v;
            size_t l;
            bib_record_extra_at(src[s], i, &f, &n, &v, &l);
            if (s == 0 || !has_extra(m, f, n, v, l))
                rc = bib_record_add_extra(m, f, n, v, l);
        }
    if (rc) {
        bib_record_free(m);
        return NULL;
    }
    /* a value a or b could not decode (out of memory) is missing from the
     * merge too: the writer reports the merged record (record_int.h) */
    m->decode_failed = bib__record_decode_failed(a) || bib__record_decode_failed(b);
    return m;
}

/* ---- the engine --------------------------------------------------------- */

typedef struct group {
    bib_record *rec;
    size_t members;
} group;

struct bib_dedupe {
    bib_dedupe_config cfg;
    group *groups;
    size_t count, cap;
    map by_doi, by_title;
    bib_buf k;
};

bib_dedupe *bib_dedupe_new(const bib_dedupe_config *cfg)
{
    bib_dedupe *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    if (cfg)
        d->cfg = *cfg;
    else
        bib_dedupe_config_init(&d->cfg);
    bib_buf_init(&d->k);
    return d;
}

void bib_dedupe_free(bib_dedupe *d)
{
    if (!d)
        return;
    for (size_t i = 0; i < d->count; i++)
        bib_record_free(d->groups[i].rec);
    free(d->groups);
    map_free(&d->by_doi);
    map_free(&d->by_title);
    bib_buf_clear(&d->k);
    free(d);
}

size_t bib_dedupe_count(const bib_dedupe *d)
{
    return d->count;
}

const bib_record *bib_dedupe_at(const bib_dedupe *d, size_t i)
{
    return i < d->count ? d->groups[i].rec : NULL;
}

size_t bib_dedupe_members(const bib_dedupe *d, size_t i)
{
    return i < d->count ? d->groups[i].members : 0;
}

bib_record *bib_dedupe_take(bib_dedupe *d, size_t i)
{
    if (i >= d->count)
        return NULL;
    bib_record *r = d->groups[i].rec;
    d->groups[i].rec = NULL;
    return r;
}

/* Indexes group g under its DOI and title key. */
static int index_group(bib_dedupe *d, size_t g)
{
    const bib_record *r = d->groups[g].rec;
    bib_buf_reset(&d->k);
    if (bib_doi_normalize(&d->k, bib_record_text(r, BIB_VAR_DOI)) == 0 &&
        map_add(&d->by_doi, d->k.data, g))
        return BIB_ENOMEM;
    bib_buf_reset(&d->k);
    if (d->cfg.match_titles && title_key(&d->k, r) == 0 && map_add(&d->by_title, d->k.data, g))
        return BIB_ENOMEM;
    return bib_buf_failed(&d->k) ? BIB_ENOMEM : 0;
}

/* First live group in map m under key that is the same work as rec. */
static bool find_in(bib_dedupe *d, map *m, const char *key, const bib_record *rec, size_t *g)
{
    if (!m->cap)
        return false;
    for (entry *e = m->slots[hash_str(key) & (m->cap - 1)]; e; e = e->next)
        if (strcmp(e->key, key) == 0 && d->groups[e->group].rec &&
            bib_records_same_work(d->groups[e->group].rec, rec, &d->cfg)) {
            *g = e->group;
            return true;
        }
    return false;
}

int bib_dedupe_add(bib_dedupe *d, bib_record *rec, size_t *group_out)
{
    size_t g = 0;
    bool found = false;
    if (bib_record_kind_of(rec) == BIB_RECORD_ENTRY) {
        bib_buf_reset(&d->k);
        if (bib_doi_normalize(&d->k, bib_record_text(rec, BIB_VAR_DOI)) == 0)
            found = find_in(d, &d->by_doi, d->k.data, rec, &g);
        bib_buf_reset(&d->k);
        if (!found && d->cfg.match_titles && title_key(&d->k, rec) == 0)
            found = find_in(d, &d->by_title, d->k.data, rec, &g);
    }
    if (found) {
        bib_record *m = bib_record_merge(d->groups[g].rec, rec);
        bib_record_free(rec);
        if (!m)
            return BIB_ENOMEM;
        bib_record_free(d->groups[g].rec);
        d->groups[g].rec = m;
        d->groups[g].members++;
    } else {
        if (d->count == d->cap) {
            size_t cap = d->cap ? d->cap * 2 : 64;
            group *n = realloc(d->groups, cap * sizeof *n);
            if (!n) {
                bib_record_free(rec);
                return BIB_ENOMEM;
            }
            d->groups = n;
            d->cap = cap;
        }
        g = d->count++;
        d->groups[g].rec = rec;
        d->groups[g].members = 1;
    }
    /* a merge may have brought a DOI or a better title: index those too */
    if (bib_record_kind_of(d->groups[g].rec) == BIB_RECORD_ENTRY && index_group(d, g))
        return BIB_ENOMEM;
    if (group_out)
        *group_out = g;
    return found ? 1 : 0;
}
