/* SPDX-License-Identifier: MIT */
/*
 * dates.c - date parsing and formatting shared by the plugins: EDTF / ISO
 * 8601 (BibLaTeX date fields, CSL-JSON and YAML date strings), the RIS
 * "YYYY/MM/DD/other" form, and dates as web pages write them in English and
 * French ("Oct 6, 2023", "6 octobre 2023", "May 29", "Spring 1950").
 *
 * Years: CSL has no year 0 and counts BC as negative; EDTF is astronomical
 * (0000 = 1 BC, -0001 = 2 BC). The one-year shift happens here only, in
 * edtf_point and in format_year.
 *
 * Not for: deciding which field a date goes to (plugins do that).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/dates.h"

/* ---- months and seasons ------------------------------------------------- */

/* Folds the accented letters of French month names ("février", "août",
 * "décembre") to ASCII and lower-cases; returns false for anything else
 * that is not a letter or a final dot. */
static bool fold_word(const char *s, size_t len, char *out, size_t outsize)
{
    size_t o = 0;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char f;
        if (c < 0x80) {
            if (c == '.' && i == len - 1)
                break;
            /* isalpha and tolower of the C locale (the program sets no
             * other), without two calls per letter */
            unsigned char l = c | 0x20;
            if (l < 'a' || l > 'z')
                return false;
            f = (char)l;
        } else if (c == 0xC3 && i + 1 < len) {
            unsigned char d = (unsigned char)s[++i] | 0x20; /* É -> é */
            if (d >= 0xA8 && d <= 0xAB)
                f = 'e'; /* è é ê ë */
            else if (d >= 0xB9 && d <= 0xBC)
                f = 'u'; /* ù ú û ü */
            else if (d >= 0xA0 && d <= 0xA2)
                f = 'a';
            else if (d == 0xBB)
                f = 'u';
            else
                return false;
        } else {
            return false;
        }
        if (o + 1 >= outsize)
            return false;
        out[o++] = f;
    }
    out[o] = '\0';
    return o > 0;
}

/* Drops white space at both ends of s[0..*len). Returns the new start. */
static inline bool c_space(unsigned char c) /* isspace of the C locale */
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static const char *trim(const char *s, size_t *len)
{
    while (*len && c_space((unsigned char)*s)) {
        s++;
        (*len)--;
    }
    while (*len && c_space((unsigned char)s[*len - 1]))
        (*len)--;
    return s;
}

/* A table word in place, NUL-padded (no pointer to follow per entry, and
 * a whole-array compare instead of strcmp). */
typedef struct { char name[12]; int value; } word_value;

/* Value of a word (accents folded, case ignored) in a table, 0 if absent. */
static int word_lookup(const char *s, size_t len, const word_value *t, size_t n)
{
    char w[sizeof t->name] = {0};
    if (!fold_word(s, len, w, sizeof w))
        return 0;
    for (size_t i = 0; i < n; i++) /* the first letter first: most words miss */
        if (w[0] == t[i].name[0] && memcmp(w, t[i].name, sizeof w) == 0)
            return t[i].value;
    return 0;
}

static const word_value month_names[] = {
    /* English names and abbreviations (also the BibTeX macros) */
    {"january", 1}, {"jan", 1}, {"february", 2}, {"feb", 2}, {"march", 3}, {"mar", 3},
    {"april", 4}, {"apr", 4}, {"may", 5}, {"june", 6}, {"jun", 6}, {"july", 7}, {"jul", 7},
    {"august", 8}, {"aug", 8}, {"september", 9}, {"sep", 9}, {"sept", 9}, {"october", 10},
    {"oct", 10}, {"november", 11}, {"nov", 11}, {"december", 12}, {"dec", 12},
    /* French, accents folded */
    {"janvier", 1}, {"janv", 1}, {"fevrier", 2}, {"fevr", 2}, {"fev", 2}, {"mars", 3},
    {"avril", 4}, {"avr", 4}, {"mai", 5}, {"juin", 6}, {"juillet", 7}, {"juil", 7},
    {"aout", 8}, {"septembre", 9}, {"octobre", 10}, {"novembre", 11}, {"decembre", 12},
};

int bib_month_parse(const char *s, size_t len)
{
    s = trim(s, &len);
    if (len && len <= 2 && isdigit((unsigned char)s[0])) {
        int m = 0;
        for (size_t i = 0; i < len; i++) {
            if (!isdigit((unsigned char)s[i]))
                return 0;
            m = m * 10 + (s[i] - '0');
        }
        return m >= 1 && m <= 12 ? m : 0;
    }
    return word_lookup(s, len, month_names, sizeof month_names / sizeof month_names[0]);
}

static const word_value weekday_names[] = {
    /* English names and abbreviations */
    {"monday", 1}, {"mon", 1}, {"tuesday", 2}, {"tue", 2}, {"tues", 2}, {"wednesday", 3},
    {"wed", 3}, {"thursday", 4}, {"thu", 4}, {"thur", 4}, {"thurs", 4}, {"friday", 5},
    {"fri", 5}, {"saturday", 6}, {"sat", 6}, {"sunday", 7}, {"sun", 7},
    /* French */
    {"lundi", 1}, {"lun", 1}, {"mardi", 2}, {"mar", 2}, {"mercredi", 3}, {"mer", 3},
    {"jeudi", 4}, {"jeu", 4}, {"vendredi", 5}, {"ven", 5}, {"samedi", 6}, {"sam", 6},
    {"dimanche", 7}, {"dim", 7},
};

int bib_weekday_parse(const char *s, size_t len)
{
    s = trim(s, &len);
    return word_lookup(s, len, weekday_names, sizeof weekday_names / sizeof weekday_names[0]);
}

const char *bib_month_macro(int month)
{
    static const char *const macros[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                         "jul", "aug", "sep", "oct", "nov", "dec"};
    return month >= 1 && month <= 12 ? macros[month - 1] : NULL;
}

/* Season number of a season word (English, French), 0 if none. */
static int season_parse(const char *s, size_t len)
{
    static const word_value seasons[] = {
        {"spring", 1}, {"summer", 2}, {"autumn", 3}, {"fall", 3}, {"winter", 4},
        {"printemps", 1}, {"ete", 2}, {"automne", 3}, {"hiver", 4},
    };
    return word_lookup(s, len, seasons, sizeof seasons / sizeof seasons[0]);
}

/* ---- EDTF ------------------------------------------------------------------ */

/* Parses [-]YYYY[-MM[-DD]] at s; returns bytes used, 0 if none. */
static size_t edtf_point(const char *s, size_t len, bib_date_part *p)
{
    size_t i = 0;
    bool neg = false;
    memset(p, 0, sizeof *p);
    if (i < len && s[i] == '-') {
        neg = true;
        i++;
    }
    size_t d0 = i;
    long y = 0;
    while (i < len && isdigit((unsigned char)s[i]) && i - d0 < 6)
        y = y * 10 + (s[i++] - '0');
    if (i - d0 < 4)
        return 0;
    p->has_year = true;
    /* astronomical -N is CSL -(N+1); astronomical 0 is 1 BC, CSL -1 */
    p->year = neg ? (int)(-y - 1) : y == 0 ? -1 : (int)y;
    if (i + 2 < len && s[i] == '-' && isdigit((unsigned char)s[i + 1]) &&
        isdigit((unsigned char)s[i + 2])) {
        int m = (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
        if (m >= 21 && m <= 24)
            p->season = m - 20;
        else if (m >= 1 && m <= 12)
            p->month = m;
        else
            return 0;
        i += 3;
        if (i + 2 < len && s[i] == '-' && isdigit((unsigned char)s[i + 1]) &&
            isdigit((unsigned char)s[i + 2]) && p->month) {
            int d = (s[i + 1] - '0') * 10 + (s[i + 2] - '0');
            if (d < 1 || d > 31)
                return 0;
            p->day = d;
            i += 3;
        }
    }
    return i;
}

static size_t qualifiers(const char *s, size_t len, size_t i, bib_date *d, bool *needs_raw)
{
    while (i < len && (s[i] == '~' || s[i] == '?' || s[i] == '%')) {
        if (s[i] == '~')
            d->circa = true;
        else
            *needs_raw = true; /* uncertainty: CSL cannot say it */
        i++;
    }
    return i;
}

static bool parse_edtf(const char *s, size_t len, bib_date *d, bool *needs_raw)
{
    memset(d, 0, sizeof *d);
    *needs_raw = false;
    size_t i = 0, n;
    if (len >= 1 && (s[0] == '/' || (len >= 3 && strncmp(s, "../", 3) == 0))) {
        *needs_raw = true; /* open start */
        i = s[0] == '/' ? 1 : 3;
        if (!(n = edtf_point(s + i, len - i, &d->parts[0])))
            return false;
        d->nparts = 1;
        return qualifiers(s, len, i + n, d, needs_raw) == len;
    }
    if (!(n = edtf_point(s, len, &d->parts[0])))
        return false;
    d->nparts = 1;
    i = qualifiers(s, len, n, d, needs_raw);
    if (i < len && s[i] == 'T') {
        *needs_raw = true; /* a time of day */
        return true;
    }
    if (i < len && s[i] == '/') {
        i++;
        d->nparts = 2;
        if (i == len || (len - i == 2 && s[i] == '.' && s[i + 1] == '.'))
            return true; /* open end: the second part stays empty */
        if (!(n = edtf_point(s + i, len - i, &d->parts[1])))
            return false;
        i = qualifiers(s, len, i + n, d, needs_raw);
    }
    return i == len;
}

/* ---- RIS ------------------------------------------------------------------------ */

/* "YYYY/MM/DD/other" and its partial forms ("2020//", "2020/01//",
 * "2020///Spring"); the spec requires the slashes, exporters drop some. */
static bool parse_ris(const char *s, size_t len, bib_date *d, bool *needs_raw)
{
    memset(d, 0, sizeof *d);
    *needs_raw = false;
    size_t i = 0;
    int y = 0;
    while (i < len && isdigit((unsigned char)s[i]) && i < 4)
        y = y * 10 + (s[i++] - '0');
    if (i != 4 || i >= len || s[i] != '/')
        return false;
    d->nparts = 1;
    d->parts[0].has_year = true;
    d->parts[0].year = y;
    int vals[2] = {0, 0};
    for (int k = 0; k < 2 && i < len && s[i] == '/'; k++) {
        i++;
        size_t d0 = i;
        while (i < len && isdigit((unsigned char)s[i]) && i - d0 < 2)
            vals[k] = vals[k] * 10 + (s[i] - '0'), i++;
    }
    if (vals[0] > 12 || vals[1] > 31)
        return false;
    d->parts[0].month = vals[0];
    d->parts[0].day = vals[0] ? vals[1] : 0;
    if (i < len && s[i] == '/') {
        i++;
        size_t ol = len - i;
        while (ol && isspace((unsigned char)s[i + ol - 1]))
            ol--;
        if (ol) {
            int season = season_parse(s + i, ol);
            if (season && !d->parts[0].month)
                d->parts[0].season = season;
            else
                *needs_raw = true; /* free text the parts cannot hold */
        }
        return true;
    }
    return i == len;
}

/* ---- written dates ------------------------------------------------------------- */

/* "Oct 6, 2023", "October 6, 2023", "6 Oct 2023", "6 octobre 2023", "le 6
 * octobre 2023", "1er mai 2020", "May 29", "Oct 2023", "Spring 1950". Every
 * word must be a month, a season, a day, a year or a filler word. */
static bool parse_written(const char *s, size_t len, bib_date *d, bool *needs_raw)
{
    memset(d, 0, sizeof *d);
    *needs_raw = false;
    int month = 0, day = 0, season = 0;
    long year = -1;
    size_t i = 0;
    while (i < len) {
        unsigned char c = (unsigned char)s[i];
        if (isspace(c) || c == ',' || c == '.') {
            i++;
            continue;
        }
        size_t j = i;
        if (isdigit(c)) {
            long v = 0;
            while (j < len && isdigit((unsigned char)s[j]) && j - i < 6)
                v = v * 10 + (s[j++] - '0');
            size_t nd = j - i;
            /* ordinal suffixes: 1st 2nd 3rd 4th, French 1er */
            size_t k = j;
            while (k < len && isalpha((unsigned char)s[k]))
                k++;
            if (k > j) {
                char suf[4] = "";
                if (k - j > 2)
                    return false;
                memcpy(suf, s + j, k - j);
                suf[k - j] = '\0';
                for (char *p = suf; *p; p++)
                    *p = (char)tolower((unsigned char)*p);
                if (strcmp(suf, "st") && strcmp(suf, "nd") && strcmp(suf, "rd") &&
                    strcmp(suf, "th") && strcmp(suf, "er"))
                    return false;
                if (nd > 2)
                    return false;
                j = k;
            }
            if (nd == 4 && year < 0)
                year = v;
            else if (nd <= 2 && v >= 1 && v <= 31 && !day)
                day = (int)v;
            else
                return false;
            i = j;
            continue;
        }
        /* a word: letters and UTF-8 bytes */
        while (j < len && (isalpha((unsigned char)s[j]) || (unsigned char)s[j] >= 0x80))
            j++;
        if (j == i)
            return false;
        size_t wl = j;
        if (wl < len && s[wl] == '.')
            wl++; /* "Oct." */
        int m = bib_month_parse(s + i, wl - i);
        int se = m ? 0 : season_parse(s + i, j - i);
        char w[8];
        if (m && !month && !season)
            month = m;
        else if (se && !season && !month)
            season = se;
        else if (!(fold_word(s + i, j - i, w, sizeof w) &&
                   (!strcmp(w, "le") || !strcmp(w, "the") || !strcmp(w, "of"))))
            return false;
        i = wl;
    }
    if (year < 0 && !month && !season)
        return false;
    if (day && !month)
        return false;
    d->nparts = 1;
    bib_date_part *p = &d->parts[0];
    p->has_year = year >= 0;
    p->year = year >= 0 ? (int)year : 0;
    p->month = month;
    p->day = day;
    p->season = season;
    if (!p->has_year)
        *needs_raw = true; /* "May 29": the year is not shown */
    return true;
}

/* ---- entry points ------------------------------------------------------------- */

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

int bib_date_parse(bib_date *out, const char *s, size_t len, unsigned flags)
{
    memset(out, 0, sizeof *out);
    s = trim(s, &len);
    bib_date d;
    bool raw = false, ok = false;
    if (len && (flags & BIB_DATE_EDTF))
        ok = parse_edtf(s, len, &d, &raw);
    if (!ok && len && (flags & BIB_DATE_RIS))
        ok = parse_ris(s, len, &d, &raw);
    if (!ok && len && (flags & BIB_DATE_WRITTEN))
        ok = parse_written(s, len, &d, &raw);
    if (!ok) {
        memset(out, 0, sizeof *out);
        if (!(out->literal = dup_n(s, len)))
            return BIB_ENOMEM;
        return BIB_EPARSE;
    }
    *out = d;
    if (raw && !(out->raw = dup_n(s, len))) {
        memset(out, 0, sizeof *out);
        return BIB_ENOMEM;
    }
    return 0;
}

/* v in decimal, zero-padded to `digits` as printf's %0*u (no printf: every
 * date of every record goes through here on the way to BibTeX). */
static void put_padded(bib_buf *out, unsigned long long v, size_t digits)
{
    char b[24];
    size_t i = sizeof b;
    do {
        b[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (sizeof b - i < digits)
        b[--i] = '0';
    bib_buf_append(out, b + i, sizeof b - i);
}

/* An int as printf's %02d. */
static void put2(bib_buf *out, int v)
{
    if (v < 0)
        bib_buf_printf(out, "%02d", v); /* not a date the readers make */
    else
        put_padded(out, (unsigned long long)v, 2);
}

static void format_part(bib_buf *out, const bib_date_part *p)
{
    /* CSL -1 is astronomical 0000; CSL -N is astronomical -(N-1) */
    long long y = p->year < 0 ? (long long)p->year + 1 : p->year;
    if (y < 0)
        bib_buf_putc(out, '-');
    put_padded(out, (unsigned long long)(y < 0 ? -y : y), 4);
    if (p->season) {
        bib_buf_putc(out, '-');
        put2(out, p->season + 20);
    } else if (p->month >= 1 && p->month <= 12) {
        /* a month no calendar has (CSL-JSON's [1965, -1, 1], [1965, 60])
         * is left out with the day after it, as CSL processors read it:
         * written, it made no EDTF a reader takes for a date */
        bib_buf_putc(out, '-');
        put2(out, p->month);
        if (p->day >= 1 && p->day <= 31) {
            bib_buf_putc(out, '-');
            put2(out, p->day);
        }
    }
}

int bib_date_format_edtf(bib_buf *out, const bib_date *d)
{
    if (!d->nparts || !d->parts[0].has_year) {
        if (d->literal) {
            bib_buf_puts(out, d->literal);
            return bib_buf_failed(out) ? BIB_ENOMEM : 0;
        }
        return BIB_EINVAL;
    }
    format_part(out, &d->parts[0]);
    if (d->circa)
        bib_buf_putc(out, '~');
    if (d->nparts == 2) {
        bib_buf_putc(out, '/');
        if (d->parts[1].has_year) {
            format_part(out, &d->parts[1]);
            if (d->circa)
                bib_buf_putc(out, '~');
        } else {
            bib_buf_puts(out, "..");
        }
    }
    return bib_buf_failed(out) ? BIB_ENOMEM : 0;
}
