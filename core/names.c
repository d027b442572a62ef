/* SPDX-License-Identifier: MIT */
/*
 * names.c - names as web pages and RIS write them ("Matthew G Perich",
 * "Johannes von Oswald", "Perich, Matthew G.", "King, Martin Luther, Jr."),
 * and page ranges.
 *
 * Status: the BibTeX name algorithm of names.h (bib_name_parse_bibtex,
 * bib_names_add_bibtex, bib_name_format_bibtex) needs the LaTeX services
 * and arrives with them; until then names.h is not installed.
 *
 * Not for: deciding whether a line *is* a name (the page reader's name
 * model does that).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/names.h"

/* Lower-case particles that start a family name in the languages met in
 * bibliographies (Dutch, German, French, Spanish, Portuguese, Italian). */
static const char *const particles[] = {
    "van", "von", "de", "da", "del", "della", "dei", "degli", "di", "du", "des", "le", "la",
    "les", "ter", "ten", "te", "zu", "zum", "zur", "dos", "das", "do", "den", "der", "het",
    "'t", "y", "al", "el", "bin", "ibn", "af", "av", "vom", "vander", "op",
};

static const char *const suffixes[] = {"jr", "jr.", "sr", "sr.", "jun.", "sen.",
                                       "junior", "senior"};

static bool word_in(const char *s, size_t len, const char *const *list, size_t n, bool fold)
{
    char w[16];
    if (len == 0 || len >= sizeof w)
        return false;
    for (size_t i = 0; i < len; i++)
        w[i] = fold ? (char)tolower((unsigned char)s[i]) : s[i];
    w[len] = '\0';
    for (size_t i = 0; i < n; i++)
        if (strcmp(w, list[i]) == 0)
            return true;
    return false;
}

static bool is_particle(const char *s, size_t len)
{
    /* particles are written in lower case: "Van" opening a name is part of
     * the family name or a given name, as BibTeX also decides */
    return len && islower((unsigned char)s[0]) &&
           word_in(s, len, particles, sizeof particles / sizeof *particles, false);
}

static bool is_suffix(const char *s, size_t len)
{
    /* generational numerals only in capitals: "II", "III", "IV" */
    if ((len == 2 && (!memcmp(s, "II", 2) || !memcmp(s, "IV", 2))) ||
        (len == 3 && !memcmp(s, "III", 3)))
        return true;
    return len > 1 && isupper((unsigned char)s[0]) &&
           word_in(s, len, suffixes, sizeof suffixes / sizeof *suffixes, true);
}

typedef struct { const char *s; size_t len; } span;

/* Splits on whitespace into at most `max` words. */
static size_t words(const char *s, size_t len, span *w, size_t max)
{
    size_t n = 0, i = 0;
    while (i < len && n < max) {
        while (i < len && isspace((unsigned char)s[i]))
            i++;
        if (i == len)
            break;
        size_t j = i;
        while (j < len && !isspace((unsigned char)s[j]))
            j++;
        w[n].s = s + i;
        w[n].len = j - i;
        n++;
        i = j;
    }
    return n;
}

/* Joins words [a, b) with single spaces into a new string; NULL if empty. */
static char *join(const span *w, size_t a, size_t b, bool *oom)
{
    if (a >= b)
        return NULL;
    size_t len = 0;
    for (size_t i = a; i < b; i++)
        len += w[i].len + 1;
    char *p = malloc(len);
    if (!p) {
        *oom = true;
        return NULL;
    }
    size_t o = 0;
    for (size_t i = a; i < b; i++) {
        if (i > a)
            p[o++] = ' ';
        memcpy(p + o, w[i].s, w[i].len);
        o += w[i].len;
    }
    p[o] = '\0';
    return p;
}

static bool has_letter(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (isalpha((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80)
            return true;
    return false;
}

/* Family part with its leading particles: "van der Berg" -> particle
 * "van der", family "Berg". */
static void split_family(const span *w, size_t a, size_t b, bib_name *out, bool *oom)
{
    size_t p = a;
    while (p + 1 < b && is_particle(w[p].s, w[p].len))
        p++;
    out->non_dropping_particle = join(w, a, p, oom);
    out->family = join(w, p, b, oom);
}

#define MAXW 64

int bib_name_parse_display(bib_name *out, const char *s, size_t len)
{
    memset(out, 0, sizeof *out);
    if (!has_letter(s, len))
        return BIB_EPARSE;
    bool oom = false;
    span w[MAXW];
    const char *comma = memchr(s, ',', len);
    if (comma) {
        /* "Family, Given[, Suffix]", or "Given Family, Jr." */
        const char *c2 = memchr(comma + 1, ',', len - (size_t)(comma + 1 - s));
        span a = {s, (size_t)(comma - s)};
        span b = {comma + 1, c2 ? (size_t)(c2 - comma - 1) : len - (size_t)(comma + 1 - s)};
        span b_words[MAXW];
        size_t nb = words(b.s, b.len, b_words, MAXW);
        if (!c2 && nb == 1 && is_suffix(b_words[0].s, b_words[0].len)) {
            int rc = bib_name_parse_display(out, a.s, a.len);
            if (rc)
                return rc;
            if (!(out->suffix = join(b_words, 0, 1, &oom)))
                goto nomem;
            out->comma_suffix = true;
            return 0;
        }
        size_t na = words(a.s, a.len, w, MAXW);
        if (!na)
            return BIB_EPARSE;
        split_family(w, 0, na, out, &oom);
        out->given = join(b_words, 0, nb, &oom);
        if (c2) {
            span c_words[MAXW];
            size_t nc = words(c2 + 1, len - (size_t)(c2 + 1 - s), c_words, MAXW);
            out->suffix = join(c_words, 0, nc, &oom);
        }
        if (oom)
            goto nomem;
        return 0;
    }
    size_t n = words(s, len, w, MAXW);
    if (n > 1 && is_suffix(w[n - 1].s, w[n - 1].len)) {
        if (!(out->suffix = join(w, n - 1, n, &oom)))
            goto nomem;
        n--;
    }
    if (n == 1) {
        out->family = join(w, 0, 1, &oom);
    } else {
        /* BibTeX's rule on display order: the particles run from the first
         * lower-case particle after the given names to the last one before
         * the final word; the family name is what follows ("Jean de La
         * Fontaine": given Jean, particle de, family La Fontaine) */
        size_t p = 1;
        while (p < n - 1 && !is_particle(w[p].s, w[p].len))
            p++;
        if (p < n - 1) {
            size_t q = n - 2;
            while (q > p && !is_particle(w[q].s, w[q].len))
                q--;
            out->given = join(w, 0, p, &oom);
            out->non_dropping_particle = join(w, p, q + 1, &oom);
            out->family = join(w, q + 1, n, &oom);
        } else {
            out->given = join(w, 0, n - 1, &oom);
            out->family = join(w, n - 1, n, &oom);
        }
    }
    if (oom)
        goto nomem;
    return 0;
nomem:
    bib_name_clear(out);
    return BIB_ENOMEM;
}

int bib_name_format_display(bib_buf *out, const bib_name *n)
{
    if (n->literal && !n->family) {
        bib_buf_puts(out, n->literal);
        return bib_buf_failed(out) ? BIB_ENOMEM : 0;
    }
    const char *parts[4] = {n->given, n->dropping_particle, n->non_dropping_particle, n->family};
    bool first = true;
    for (int i = 0; i < 4; i++) {
        if (!parts[i] || !*parts[i])
            continue;
        if (!first)
            bib_buf_putc(out, ' ');
        bib_buf_puts(out, parts[i]);
        first = false;
    }
    if (n->suffix && *n->suffix) {
        bib_buf_puts(out, n->comma_suffix ? ", " : " ");
        bib_buf_puts(out, n->suffix);
    }
    return bib_buf_failed(out) ? BIB_ENOMEM : 0;
}

/* ---- page ranges ---------------------------------------------------------- */

/* Length of a range separator at s ("--", "-", en dash, em dash, minus,
 * with spaces around), or 0. */
static size_t dash_at(const char *s, size_t len, size_t *lead)
{
    size_t i = 0;
    while (i < len && s[i] == ' ')
        i++;
    *lead = i;
    size_t d = 0;
    while (i + d < len && s[i + d] == '-' && d < 3)
        d++; /* "-", "--" (BibTeX en dash), "---" (em dash) */
    const unsigned char *u = (const unsigned char *)s + i;
    if (!d && i + 2 < len && u[0] == 0xE2 &&
        ((u[1] == 0x80 && (u[2] == 0x90 || u[2] == 0x91 || u[2] == 0x93 || u[2] == 0x94)) ||
         (u[1] == 0x88 && u[2] == 0x92)))
        d = 3; /* hyphen, non-breaking hyphen, en dash, em dash, minus sign */
    if (!d)
        return 0;
    i += d;
    while (i < len && s[i] == ' ')
        i++;
    return i;
}

void bib_pages_split(const char *s, size_t len, const char **first, size_t *first_len,
                     const char **last, size_t *last_len)
{
    while (len && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    *first = s;
    *first_len = len;
    *last = s + len;
    *last_len = 0;
    for (size_t i = 1; i < len; i++) {
        size_t lead, n = dash_at(s + i, len - i, &lead);
        if (n && i + n < len && s[i - 1] != ' ') {
            *first_len = i;
            *last = s + i + n;
            *last_len = len - i - n;
            return;
        }
        if (n)
            i += n - 1;
    }
}

int bib_pages_normalize(bib_buf *out, const char *s, size_t len, const char *dash)
{
    /* each comma-separated range on its own: "1-5, 7--9" */
    size_t i = 0;
    bool first_item = true;
    while (i <= len) {
        const char *c = memchr(s + i, ',', len - i);
        size_t end = c ? (size_t)(c - s) : len;
        const char *a, *b;
        size_t al, bl;
        bib_pages_split(s + i, end - i, &a, &al, &b, &bl);
        if (!first_item)
            bib_buf_puts(out, ", ");
        bib_buf_append(out, a, al);
        if (bl) {
            bib_buf_puts(out, dash);
            bib_buf_append(out, b, bl);
        }
        first_item = false;
        if (!c)
            break;
        i = end + 1;
    }
    return bib_buf_failed(out) ? BIB_ENOMEM : 0;
}
