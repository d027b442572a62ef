/* SPDX-License-Identifier: MIT */
/*
 * check.c - the validation rules of check.h, one diagnostic per problem.
 *
 * Required fields follow the BibTeX standard styles (btxdoc) and, for
 * types BibTeX lacks, BibLaTeX; they are named in BibTeX terms with the CSL
 * variable alongside, since users fix them in their .bib files.
 *
 * Not for: parse errors (readers report those) or style-specific rules.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "bibconv/check.h"
#include "bibconv/merge.h"
#include "bibconv/names.h"

/* ---- identifiers -------------------------------------------------------- */

static const char *skip_doi_prefix(const char *s)
{
    static const char *const pre[] = {"https://doi.org/", "http://doi.org/",
                                      "https://dx.doi.org/", "http://dx.doi.org/", "doi:", NULL};
    for (size_t i = 0; pre[i]; i++)
        if (strncasecmp(s, pre[i], strlen(pre[i])) == 0)
            return s + strlen(pre[i]);
    return s;
}

bool bib_doi_valid(const char *s)
{
    if (!s)
        return false;
    s = skip_doi_prefix(s);
    if (strncmp(s, "10.", 3) != 0)
        return false;
    const char *p = s + 3;
    size_t digits = 0;
    while (*p >= '0' && *p <= '9') {
        p++;
        digits++;
    }
    /* registrant codes are 4+ digits, possibly with ".sub" parts */
    while (*p == '.' && p[1] >= '0' && p[1] <= '9')
        for (p++; *p >= '0' && *p <= '9'; p++)
            ;
    if (digits < 4 || *p != '/' || !p[1])
        return false;
    for (p++; *p; p++)
        if ((unsigned char)*p <= ' ')
            return false;
    return true;
}

/* Copies the digits (and X) of an identifier, skipping hyphens and spaces;
 * stops at anything else (a "(pbk.)" qualifier). Returns the count. */
static size_t id_chars(const char *s, size_t len, char *out, size_t cap)
{
    size_t n = 0, i = 0;
    if (len >= 4 && strncasecmp(s, "ISBN", 4) == 0)
        i = 4;
    else if (len >= 4 && strncasecmp(s, "ISSN", 4) == 0)
        i = 4;
    for (; i < len; i++) {
        char c = s[i];
        if (c == '-' || c == ' ' || c == ':' || c == '\t')
            continue;
        if (!isdigit((unsigned char)c) && c != 'X' && c != 'x')
            break;
        if (n < cap)
            out[n] = (char)toupper((unsigned char)c);
        n++;
    }
    return n;
}

bool bib_isbn_valid(const char *s, size_t len)
{
    char d[16];
    size_t n = id_chars(s, len, d, sizeof d);
    if (n == 10) {
        int sum = 0;
        for (int i = 0; i < 10; i++) {
            int v = d[i] == 'X' ? (i == 9 ? 10 : -100) : d[i] - '0';
            sum += v * (10 - i);
        }
        return sum >= 0 && sum % 11 == 0;
    }
    if (n == 13) {
        int sum = 0;
        for (int i = 0; i < 13; i++) {
            if (d[i] == 'X')
                return false;
            sum += (d[i] - '0') * (i % 2 ? 3 : 1);
        }
        return sum % 10 == 0;
    }
    return false;
}

bool bib_issn_valid(const char *s, size_t len)
{
    char d[16];
    if (id_chars(s, len, d, sizeof d) != 8)
        return false;
    int sum = 0;
    for (int i = 0; i < 8; i++) {
        int v = d[i] == 'X' ? (i == 7 ? 10 : -100) : d[i] - '0';
        sum += v * (8 - i);
    }
    return sum >= 0 && sum % 11 == 0;
}

/* ---- required fields ---------------------------------------------------- */

typedef struct need {
    bib_var var, alt; /* alt: another variable that also satisfies it */
    const char *name; /* BibTeX field name */
} need;

typedef struct rule {
    bib_type type;
    const char *entry; /* BibTeX/BibLaTeX entry type, for the message */
    need needs[6];
} rule;

#define N(v, a, n) {v, a, n}
#define AU N(BIB_VAR_AUTHOR, BIB_VAR_NONE, "author")
#define AUED N(BIB_VAR_AUTHOR, BIB_VAR_EDITOR, "author or editor")
#define TI N(BIB_VAR_TITLE, BIB_VAR_NONE, "title")
#define YR N(BIB_VAR_ISSUED, BIB_VAR_NONE, "year")
#define CT(n) N(BIB_VAR_CONTAINER_TITLE, BIB_VAR_NONE, n)
#define PUB(n) N(BIB_VAR_PUBLISHER, BIB_VAR_NONE, n)

static const rule rules[] = {
    {BIB_TYPE_ARTICLE_JOURNAL, "article", {AU, TI, CT("journal"), YR}},
    {BIB_TYPE_ARTICLE_MAGAZINE, "article", {AU, TI, CT("journal"), YR}},
    {BIB_TYPE_ARTICLE_NEWSPAPER, "article", {AU, TI, CT("journal"), YR}},
    {BIB_TYPE_BOOK, "book", {AUED, TI, PUB("publisher"), YR}},
    {BIB_TYPE_CHAPTER, "incollection", {AU, TI, CT("booktitle"), PUB("publisher"), YR}},
    {BIB_TYPE_PAPER_CONFERENCE, "inproceedings", {AU, TI, CT("booktitle"), YR}},
    {BIB_TYPE_THESIS, "phdthesis", {AU, TI, PUB("school"), YR}},
    {BIB_TYPE_REPORT, "techreport", {AU, TI, PUB("institution"), YR}},
    {BIB_TYPE_MANUSCRIPT, "unpublished", {AU, TI}},
    {BIB_TYPE_PAMPHLET, "booklet", {TI}},
    {BIB_TYPE_WEBPAGE, "online (BibLaTeX)",
     {TI, N(BIB_VAR_URL, BIB_VAR_NONE, "url"), AUED}},
    {BIB_TYPE_SOFTWARE, "software (BibLaTeX)", {TI, AUED}},
    {BIB_TYPE_DATASET, "dataset (BibLaTeX)", {TI, AUED}},
    {BIB_TYPE_PATENT, "patent (BibLaTeX)", {AU, TI, N(BIB_VAR_NUMBER, BIB_VAR_NONE, "number"), YR}},
};

/* ---- the checker -------------------------------------------------------- */

typedef struct keyent {
    char *key, *where;
    struct keyent *next;
} keyent;

struct bib_checker {
    bib_diag *diag;
    size_t problems;
    keyent **keys;
    size_t kcap, kcount;
    bib_dedupe *works;
    char **work_where; /* origin text of each work, by group index */
    size_t wcap;
    int this_year;
};

bib_checker *bib_checker_new(bib_diag *diag)
{
    bib_checker *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->diag = diag;
    c->works = bib_dedupe_new(NULL);
    c->kcap = 256;
    c->keys = calloc(c->kcap, sizeof *c->keys);
    if (!c->works || !c->keys) {
        bib_checker_free(c);
        return NULL;
    }
    time_t now = time(NULL);
    struct tm tm;
    c->this_year = gmtime_r(&now, &tm) ? tm.tm_year + 1900 : 2100;
    return c;
}

void bib_checker_free(bib_checker *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->kcap && c->keys; i++)
        for (keyent *e = c->keys[i], *n; e; e = n) {
            n = e->next;
            free(e->key);
            free(e->where);
            free(e);
        }
    free(c->keys);
    for (size_t i = 0; i < c->wcap; i++)
        free(c->work_where[i]);
    free(c->work_where);
    bib_dedupe_free(c->works);
    free(c);
}

size_t bib_checker_problems(const bib_checker *c)
{
    return c->problems;
}

typedef struct ctx {
    bib_checker *c;
    const bib_record *rec;
    const char *file;
    size_t line;
    char label[160];
    int found;
} ctx;

static void problem(ctx *x, bib_severity sev, const char *fmt, ...) BIB_PRINTF(3, 4);

static void problem(ctx *x, bib_severity sev, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    bib_diag_report(x->c->diag, sev, x->file, x->line, x->line ? 1 : 0, "%s: %s", x->label, msg);
    x->found++;
    x->c->problems++;
}

static uint64_t hash_key(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h ^ (h >> 31);
}

static int check_key(ctx *x, const char *key)
{
    bib_checker *c = x->c;
    size_t b = hash_key(key) & (c->kcap - 1);
    for (keyent *e = c->keys[b]; e; e = e->next)
        if (strcmp(e->key, key) == 0) {
            problem(x, BIB_SEV_ERROR, "duplicate key (first used at %s)", e->where);
            return 0;
        }
    if (c->kcount >= c->kcap) {
        size_t cap = c->kcap * 2;
        keyent **n = calloc(cap, sizeof *n);
        if (!n)
            return BIB_ENOMEM;
        for (size_t i = 0; i < c->kcap; i++)
            for (keyent *e = c->keys[i], *nx; e; e = nx) {
                nx = e->next;
                size_t k = hash_key(e->key) & (cap - 1);
                e->next = n[k];
                n[k] = e;
            }
        free(c->keys);
        c->keys = n;
        c->kcap = cap;
        b = hash_key(key) & (cap - 1);
    }
    keyent *e = calloc(1, sizeof *e);
    char where[300];
    snprintf(where, sizeof where, "%s:%zu", x->file ? x->file : "<input>", x->line);
    if (!e || !(e->key = strdup(key)) || !(e->where = strdup(where))) {
        if (e)
            free(e->key);
        free(e);
        return BIB_ENOMEM;
    }
    e->next = c->keys[b];
    c->keys[b] = e;
    c->kcount++;
    return 0;
}

static void check_required(ctx *x)
{
    bib_type t = bib_record_type(x->rec);
    for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++) {
        if (rules[i].type != t)
            continue;
        for (const need *n = rules[i].needs; n->var; n++) {
            if (bib_record_has(x->rec, n->var) || (n->alt && bib_record_has(x->rec, n->alt)))
                continue;
            problem(x, BIB_SEV_WARNING, "missing required field '%s' for @%s", n->name,
                    rules[i].entry);
        }
        return;
    }
}

static int days_in(int year, int month)
{
    static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
        return 29;
    return d[month - 1];
}

static void check_dates(ctx *x)
{
    for (size_t i = 0; i < bib_record_field_count(x->rec); i++) {
        const bib_field *f = bib_record_field_at(x->rec, i);
        const bib_date *d = bib_field_date(f);
        if (!d)
            continue;
        const char *var = bib_var_name(bib_field_var(f));
        char txt[64];
        for (int k = 0; k < d->nparts; k++) {
            const bib_date_part *p = &d->parts[k];
            snprintf(txt, sizeof txt, "%d-%02d-%02d", p->year, p->month, p->day);
            if (p->month < 0 || p->month > 12)
                problem(x, BIB_SEV_ERROR, "impossible date in '%s': month %s", var, txt);
            else if (p->day < 0 || p->day > 31 ||
                     (p->day && p->month && p->has_year && p->day > days_in(p->year, p->month)))
                problem(x, BIB_SEV_ERROR, "impossible date in '%s': day %s", var, txt);
            else if (p->season < 0 || p->season > 4)
                problem(x, BIB_SEV_ERROR, "impossible date in '%s': season %s", var, txt);
            else if (p->has_year && (p->year == 0 || p->year > x->c->this_year + 5))
                problem(x, BIB_SEV_ERROR, "impossible date in '%s': year %s", var, txt);
        }
        if (d->nparts == 2 && d->parts[0].has_year && d->parts[1].has_year) {
            const bib_date_part *a = &d->parts[0], *b = &d->parts[1];
            long ka = a->year * 10000L + a->month * 100 + a->day;
            long kb = b->year * 10000L + b->month * 100 + b->day;
            if (kb < ka) {
                snprintf(txt, sizeof txt, "%d/%d", a->year, b->year);
                problem(x, BIB_SEV_ERROR, "date range in '%s' runs backwards (%s)", var, txt);
            }
        }
    }
}

/* Page numbers as integers; a shortened end ("1234-56") takes the start's
 * leading digits, as BibTeX styles read it. */
static void check_pages(ctx *x)
{
    const char *pg = bib_record_text(x->rec, BIB_VAR_PAGE);
    if (!pg)
        return;
    /* a list of ranges ("1-5, 9-12") is checked range by range */
    const char *s = pg;
    while (*s) {
        size_t len = strcspn(s, ",;");
        const char *a, *b;
        size_t al, bl;
        bib_pages_split(s, len, &a, &al, &b, &bl);
        bool digits = al && bl && al < 10 && bl < 10;
        for (size_t i = 0; digits && i < al; i++)
            digits = isdigit((unsigned char)a[i]);
        for (size_t i = 0; digits && i < bl; i++)
            digits = isdigit((unsigned char)b[i]);
        if (digits) {
            char first[16], last[16];
            memcpy(first, a, al);
            first[al] = '\0';
            memcpy(last, a, al); /* start's prefix, then the end's digits */
            memcpy(last + (bl < al ? al - bl : 0), b, bl);
            last[bl < al ? al : bl] = '\0';
            if (strtol(last, NULL, 10) < strtol(first, NULL, 10)) {
                char r[64];
                snprintf(r, sizeof r, "%.*s", (int)len, s);
                problem(x, BIB_SEV_ERROR, "page range '%s' runs backwards", r);
            }
        }
        s += len;
        if (*s)
            s++;
        while (*s == ' ')
            s++;
    }
}

static void check_ids(ctx *x)
{
    const char *doi = bib_record_text(x->rec, BIB_VAR_DOI);
    if (doi && !bib_doi_valid(doi))
        problem(x, BIB_SEV_ERROR, "malformed DOI '%s' (expected 10.NNNN/suffix)", doi);
    static const bib_var vars[2] = {BIB_VAR_ISBN, BIB_VAR_ISSN};
    for (int k = 0; k < 2; k++) {
        const bib_field *f = bib_record_get(x->rec, vars[k]);
        for (size_t i = 0; f && i < bib_field_value_count(f); i++) {
            /* one value may list several: "978-... (hbk), 978-... (pbk)" */
            const char *s = bib_field_value_at(f, i);
            while (*s) {
                size_t len = strcspn(s, ",;");
                while (len && (*s == ' ')) {
                    s++;
                    len--;
                }
                if (len) {
                    bool ok = k == 0 ? bib_isbn_valid(s, len) : bib_issn_valid(s, len);
                    if (!ok) {
                        char v[64];
                        snprintf(v, sizeof v, "%.*s", (int)(len < 40 ? len : 40), s);
                        problem(x, BIB_SEV_ERROR,
                                k == 0 ? "ISBN '%s' is not a valid ISBN-10 or ISBN-13 (length "
                                         "or check digit)"
                                       : "ISSN '%s' is not valid (length or check digit)",
                                v);
                    }
                }
                s += len;
                if (*s)
                    s++;
            }
        }
    }
}

static int check_work(ctx *x)
{
    bib_checker *c = x->c;
    bib_record *copy = bib_record_clone(x->rec);
    if (!copy)
        return BIB_ENOMEM;
    size_t g;
    int rc = bib_dedupe_add(c->works, copy, &g);
    if (rc < 0)
        return rc;
    if (rc == 1) {
        problem(x, BIB_SEV_WARNING, "same work as the record at %s (duplicate)",
                g < c->wcap && c->work_where[g] ? c->work_where[g] : "?");
        return 0;
    }
    if (g >= c->wcap) {
        size_t cap = c->wcap ? c->wcap * 2 : 64;
        while (cap <= g)
            cap *= 2;
        char **n = realloc(c->work_where, cap * sizeof *n);
        if (!n)
            return BIB_ENOMEM;
        memset(n + c->wcap, 0, (cap - c->wcap) * sizeof *n);
        c->work_where = n;
        c->wcap = cap;
    }
    char where[300];
    const char *id = bib_record_id(x->rec);
    snprintf(where, sizeof where, "%s:%zu%s%s%s", x->file ? x->file : "<input>", x->line,
             id ? " ('" : "", id ? id : "", id ? "')" : "");
    c->work_where[g] = strdup(where);
    return c->work_where[g] ? 0 : BIB_ENOMEM;
}

int bib_checker_record(bib_checker *c, const bib_record *rec)
{
    if (bib_record_kind_of(rec) != BIB_RECORD_ENTRY)
        return 0;
    ctx x = {c, rec, NULL, 0, "", 0};
    x.file = bib_record_origin(rec, &x.line);
    const char *id = bib_record_id(rec);
    const char *tn = bib_type_name(bib_record_type(rec));
    snprintf(x.label, sizeof x.label, "record '%.100s' (%s)", id ? id : "(no key)",
             tn && *tn ? tn : "no type");
    if (id && check_key(&x, id))
        return BIB_ENOMEM;
    check_required(&x);
    check_ids(&x);
    check_dates(&x);
    check_pages(&x);
    if (check_work(&x))
        return BIB_ENOMEM;
    return x.found;
}
