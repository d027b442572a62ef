/* SPDX-License-Identifier: MIT */
/*
 * tagged_date.c - the written dates of MEDLINE (DP "2019 Mar 15", "2019
 * Spring", "2018 Dec-2019 Jan", DEP "20190315") and Web of Science (PD
 * "MAR 15", "SPR", "MAR-APR" next to PY), docs/medline.md "Dates". Month
 * names go through core's bib_month_parse; forms these rules do not know
 * (ISO dates) fall back to bib_date_parse.
 *
 * Not for: RIS or EDTF dates (core's dates.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "tagged.h"

static const char *const season_names[4][3] = {
    {"spring", "spr", NULL}, {"summer", "sum", NULL}, {"fall", "fal", "autumn"},
    {"winter", "win", NULL}};
static const char *const season_out[4] = {"Spring", "Summer", "Fall", "Winter"};
static const char *const month_out[12] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static int season_parse(const char *s, size_t len)
{
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < 3 && season_names[i][k]; k++)
            if (strlen(season_names[i][k]) == len && strncasecmp(season_names[i][k], s, len) == 0)
                return i + 1;
    return 0;
}

static bool all_digits(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!isdigit((unsigned char)s[i]))
            return false;
    return len > 0;
}

static int num(const char *s, size_t len)
{
    int v = 0;
    for (size_t i = 0; i < len; i++)
        v = v * 10 + (s[i] - '0');
    return v;
}

/* "-100", "68": a year of one to four digits, maybe negative (BC). */
static bool year_token(const char *t, size_t tl)
{
    size_t k = t[0] == '-' ? 1 : 0;
    return tl > k && tl - k <= 4 && all_digits(t + k, tl - k);
}

/* One end of a date: tokens year, month or season, day in any order that
 * the formats use. False when a token is none of these. A range's `end`
 * takes a lone number of one or two digits as a day ("Mar 1-15"). */
static bool parse_part(bib_date_part *p, const char *s, size_t len, bool end)
{
    memset(p, 0, sizeof *p);
    size_t i = 0;
    bool any = false;
    while (i < len) {
        while (i < len && (s[i] == ' ' || s[i] == ','))
            i++;
        size_t j = i;
        while (j < len && s[j] != ' ' && s[j] != ',')
            j++;
        if (j == i)
            break;
        const char *t = s + i;
        size_t tl = j - i;
        int m;
        /* the token after this one: a four-digit year there makes a short
         * number here a month or a day ("04 2006": WoS PD, month and year),
         * not the leading short year of "68 Mar 15" */
        size_t k = j;
        while (k < len && (s[k] == ' ' || s[k] == ','))
            k++;
        size_t kn = k;
        while (kn < len && s[kn] != ' ' && s[kn] != ',')
            kn++;
        bool year_next = kn - k == 4 && all_digits(s + k, 4);
        if (tl == 8 && all_digits(t, tl) && !p->has_year) { /* DEP 20190315 */
            p->has_year = true;
            p->year = num(t, 4);
            p->month = num(t + 4, 2);
            p->day = num(t + 6, 2);
            if (p->month < 1 || p->month > 12 || p->day < 1 || p->day > 31)
                return false;
        } else if (tl <= 2 && all_digits(t, tl) && year_next && !p->has_year && !p->month &&
                   !p->season && !p->day && num(t, tl) >= 1 && num(t, tl) <= 12) {
            p->month = num(t, tl); /* "04 2006": a numeric month before the year */
        } else if (!p->has_year && ((tl == 4 && all_digits(t, tl)) ||
                                    (i == 0 && !year_next && year_token(t, tl) &&
                                     (!end || tl > 2 || t[0] == '-' || j < len)))) {
            /* four digits, or the leading year of "68 Mar 15", "-100 Jul 12" */
            p->has_year = true;
            p->year = t[0] == '-' ? -num(t + 1, tl - 1) : num(t, tl);
        } else if (tl <= 2 && all_digits(t, tl) && p->has_year && !p->month && !p->season &&
                   num(t, tl) >= 1 && num(t, tl) <= 12) {
            p->month = num(t, tl); /* "2013 06 10": numeric month after the year */
        } else if (tl <= 2 && all_digits(t, tl) && (p->month || !p->has_year) && !p->day) {
            p->day = num(t, tl);
            if (p->day < 1 || p->day > 31)
                return false;
        } else if (!all_digits(t, tl) && (m = bib_month_parse(t, tl)) > 0 && !p->month &&
                   !p->season) {
            p->month = m;
        } else if ((m = season_parse(t, tl)) > 0 && !p->month && !p->season) {
            p->season = m;
        } else {
            return false;
        }
        any = true;
        i = j;
    }
    if (p->day && !p->month && !end)
        return false;
    return any;
}

static int parse_parts(bib_date *out, const char *s, size_t len, int year)
{
    memset(out, 0, sizeof *out);
    /* the range's dash: not a year's minus sign (at the start or after
     * another dash, "-100 Jul 12--44 Mar 15") */
    const char *dash = len > 1 ? memchr(s + 1, '-', len - 1) : NULL;
    size_t l1 = dash ? (size_t)(dash - s) : len;
    if (!parse_part(&out->parts[0], s, l1, false))
        return BIB_EPARSE;
    bib_date_part *a = &out->parts[0];
    if (!a->has_year && year) {
        a->has_year = true;
        a->year = year;
    }
    if (!a->has_year)
        return BIB_EPARSE;
    out->nparts = 1;
    if (!dash)
        return 0;
    bib_date_part *z = &out->parts[1];
    if (!parse_part(z, dash + 1, len - l1 - 1, true))
        return BIB_EPARSE;
    /* "2019 Mar-Apr", "2019 Mar 1-15": what the end leaves out is the start's */
    if (!z->has_year) {
        z->has_year = true;
        z->year = a->year;
        if (z->day && !z->month && !z->season)
            z->month = a->month;
    }
    if (z->day && !z->month)
        z->month = a->month;
    if ((a->season && z->month) || (a->month && z->season) || (z->day && !a->day))
        return BIB_EPARSE;
    out->nparts = 2;
    return 0;
}

int tg_date_parse(bib_date *out, const char *s, size_t len, int year)
{
    while (len && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    if (parse_parts(out, s, len, year) == 0)
        return 0;
    return bib_date_parse(out, s, len, BIB_DATE_EDTF | BIB_DATE_WRITTEN);
}

static void put_part(bib_buf *out, const bib_date_part *p, bool year)
{
    if (year)
        bib_buf_printf(out, "%d", p->year);
    if (p->season >= 1 && p->season <= 4)
        bib_buf_printf(out, "%s%s", year ? " " : "", season_out[p->season - 1]);
    else if (p->month >= 1 && p->month <= 12)
        bib_buf_printf(out, "%s%s", year ? " " : "", month_out[p->month - 1]);
    if (p->month >= 1 && p->month <= 12 && p->day >= 1 && p->day <= 31)
        bib_buf_printf(out, " %d", p->day);
}

bool tg_date_whole_day(const bib_date *d)
{
    const bib_date_part *p = &d->parts[0];
    return d->nparts >= 1 && p->has_year && p->month && p->day && p->year > 999 &&
           p->year < 10000 && !d->literal;
}

int tg_date_format(bib_buf *out, const bib_date *d)
{
    if (d->literal && *d->literal) {
        bib_buf_puts(out, d->literal);
        return 0;
    }
    if (d->nparts < 1 || !d->parts[0].has_year)
        return d->raw && *d->raw ? (bib_buf_puts(out, d->raw), 0) : BIB_EINVAL;
    const bib_date_part *a = &d->parts[0], *z = &d->parts[1];
    put_part(out, a, true);
    if (d->nparts < 2 || !z->has_year)
        return 0; /* an open end has no MEDLINE form */
    bib_buf_putc(out, '-');
    bool same_year = z->year == a->year;
    if (same_year && z->month == a->month && a->day && z->day && !a->season)
        bib_buf_printf(out, "%d", z->day);
    else
        put_part(out, z, !same_year || (!z->month && !z->season));
    return 0;
}

void tg_date_format_pd(bib_buf *out, const bib_date *d)
{
    if (d->literal || d->nparts < 1)
        return;
    const bib_date_part *a = &d->parts[0], *z = &d->parts[1];
    static const char *const wos_season[4] = {"SPR", "SUM", "FAL", "WIN"};
    size_t start = out->len;
    if (a->season >= 1 && a->season <= 4)
        bib_buf_puts(out, wos_season[a->season - 1]);
    else if (a->month >= 1 && a->month <= 12)
        bib_buf_puts(out, month_out[a->month - 1]);
    /* a day only after a month written (not after [1965, -1, 1]'s) */
    if (a->month >= 1 && a->month <= 12 && a->day >= 1 && a->day <= 31)
        bib_buf_printf(out, " %d", a->day);
    if (d->nparts == 2 && z->has_year && z->year == a->year && out->len > start) {
        if (z->season >= 1 && z->season <= 4 && z->season != a->season)
            bib_buf_printf(out, "-%s", wos_season[z->season - 1]);
        else if (z->month >= 1 && z->month <= 12 && z->month != a->month)
            bib_buf_printf(out, "-%s", month_out[z->month - 1]);
    }
    for (size_t i = start; i < out->len; i++)
        out->data[i] = (char)toupper((unsigned char)out->data[i]);
}
