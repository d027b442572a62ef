/* SPDX-License-Identifier: MIT */
/*
 * layout_schedule.c - a schedule of talks written as lines, not as a
 * table: each talk under its date (a date line of its own, `September 29`,
 * `Montag, 1. August:`), after it (`January 20: “Title,” Venue`) or
 * inside it (`A. Roe (Univ. X). Title. Friday 3rd May, 1:30pm.`), its
 * title in quotes or after the speaker's name and a colon; the year from
 * the date or the heading the talks stand under (`2021`, `Fall 2015 -
 * Spring 2016 Seminars`). Records of type speech: title, speaker, date
 * (docs/page.md, "Schedules").
 *
 * Not for: talks in a table (layout_table.c), a seminar topic page's
 * titles and abstracts (layout_topic.c), a CV's talks written as
 * references (layout_generic.c).
 */
#include <string.h>

#include "bibconv/dates.h"
#include "bibconv/names.h"
#include "pageint.h"

enum { SCHED_CUE_LINES = 400, SCHED_DATE_MAX = 48, SCHED_LINE_MAX = 1024 };

typedef struct span {
    const char *s;
    size_t n;
} span;

typedef struct sched_date {
    int year, month, day;
} sched_date;

typedef struct talk {
    span speaker;   /* n 0: none named */
    span title;
    sched_date date; /* from the line itself: a date before or after */
} talk;

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Is s[0..n) a date and nothing else (page_date_scan): a month's name, a
 * day or a year, and besides them only a weekday, times, ordinal endings
 * and the marks dates hold? One word that is neither month nor weekday
 * may stand in it (a weekday in a language core's date words do not
 * cover: `Montag, 1. August`; `10.15 Uhr` has a number no day). */
/* A date in numbers alone, as European pages write it: day, month and
 * year (`26.02.1991`, `09.03. 1991`), a range of days (`03.-09.04.
 * 1989`), or the year first (`1991-02-26`); the line holds nothing else
 * but a closing `:` or `,`. */
static bool numeric_date(const char *s, size_t n, sched_date *d)
{
    int num[4], k = 0;
    size_t i = 0, dig[4];
    while (n && (s[n - 1] == ':' || s[n - 1] == ',' || s[n - 1] == ' '))
        n--;
    while (i < n) {
        if (!is_digit(s[i])) {
            if (s[i] != '.' && s[i] != '-' && s[i] != ' ' && s[i] != '/')
                return false;
            i++;
            continue;
        }
        if (k == 4)
            return false;
        size_t a = i;
        int v = 0;
        while (i < n && is_digit(s[i]) && i - a < 5)
            v = v * 10 + (s[i++] - '0');
        if (i < n && is_digit(s[i]))
            return false;
        dig[k] = i - a;
        num[k++] = v;
    }
    if (k < 3)
        return false;
    int y, m, day;
    if (dig[0] == 4 && k == 3) /* 1991-02-26 */
        y = num[0], m = num[1], day = num[2];
    else if (dig[k - 1] == 4) /* [day, [day,]] month, year */
        y = num[k - 1], m = num[k - 2], day = num[0];
    else
        return false;
    if (y < 1800 || y > 2100 || m < 1 || m > 12 || day < 1 || day > 31 ||
        (k == 4 && (num[1] < day || num[1] > 31)))
        return false;
    *d = (sched_date){y, m, day};
    return true;
}

static bool date_text(const char *s, size_t n, sched_date *d)
{
    memset(d, 0, sizeof *d);
    if (n < 3 || n > SCHED_DATE_MAX)
        return false;
    if (numeric_date(s, n, d))
        return true;
    page_date w;
    page_date_scan(s, n, &w);
    if (w.odd || w.marks || w.unknown > 1 || !w.month || !(w.day || w.year))
        return false;
    *d = (sched_date){w.year, w.month, w.day};
    return true;
}

/* A name that speaks (2 to 6 words, no digit, a name as an author line's
 * names are: page_name_score): s[0..n) with the academic titles before
 * it already skipped. */
static bool speaker_name(const char *s, size_t n)
{
    page_trim(&s, &n);
    if (n < 4 || n > 60)
        return false;
    size_t words = 1;
    for (size_t i = 0; i < n; i++) {
        if (is_digit(s[i]))
            return false;
        words += s[i] == ' ';
    }
    return words >= 2 && words <= 6 && page_name_score(s, n) > 0;
}

/* The sentence from s on (up to a full stop followed by a capital, not
 * an initial's: `Die Hochwasserkatastrophe vom Juli 2021. Social-Media
 * …`), its final stop dropped. */
static span sentence_at(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] == ' ')
        i++;
    size_t a = i;
    for (; i + 2 < n; i++) {
        if (s[i] != '.' || s[i + 1] != ' ')
            continue;
        unsigned char nx = (unsigned char)s[i + 2];
        bool initial = i >= a + 1 && s[i - 1] >= 'A' && s[i - 1] <= 'Z' &&
                       (i == a + 1 || s[i - 2] == ' ' || s[i - 2] == '.');
        if (!initial && ((nx >= 'A' && nx <= 'Z') || nx >= 0x80))
            return (span){s + a, i - a};
    }
    size_t e = n;
    while (e > a && (s[e - 1] == '.' || s[e - 1] == ' '))
        e--;
    return (span){s + a, e - a};
}

static bool two_words(span t)
{
    return t.n >= 6 && memchr(t.s, ' ', t.n) != NULL;
}

/* An opening quote mark at s[i] (`“`, `"`, `«`, `»`, `„`): its length
 * and the closing mark's bytes in *close (NUL-terminated). */
static size_t open_quote(const char *s, size_t n, size_t i, const char **close)
{
    const unsigned char *u = (const unsigned char *)s + i;
    if (u[0] == '"') {
        *close = "\"";
        return 1;
    }
    if (i + 1 < n && u[0] == 0xC2 && (u[1] == 0xAB || u[1] == 0xBB)) {
        *close = u[1] == 0xAB ? "\xC2\xBB" : "\xC2\xAB";
        return 2;
    }
    if (i + 2 < n && u[0] == 0xE2 && u[1] == 0x80 && (u[2] == 0x9C || u[2] == 0x9E)) {
        *close = u[2] == 0x9C ? "\xE2\x80\x9D" : "\xE2\x80\x9C";
        return 3;
    }
    return 0;
}

/* The quoted title in s[0..n): from its opening mark to the closing one
 * (or, a mark never closed, to the first comma after it); *at gets the
 * opening mark's place. */
static bool quoted_title(const char *s, size_t n, span *t, size_t *at)
{
    for (size_t i = 0; i < n; i++) {
        const char *close;
        size_t ol = open_quote(s, n, i, &close);
        if (!ol)
            continue;
        size_t a = i + ol, cl = strlen(close), e = a;
        while (e + cl <= n && memcmp(s + e, close, cl))
            e++;
        if (e + cl > n) {
            const char *c = memchr(s + a, ',', n - a);
            e = c ? (size_t)(c - s) : n;
        }
        span q = {s + a, e - a};
        while (q.n && (q.s[q.n - 1] == ',' || q.s[q.n - 1] == '.' || q.s[q.n - 1] == ' '))
            q.n--;
        if (!two_words(q))
            return false;
        *t = q;
        *at = i;
        return true;
    }
    return false;
}

/* A talk in s[0..n) (its list marker and date prefix gone): a speaker
 * and a colon then the title (`Professor Dr. A. Roe: Title. Abstract`),
 * a speaker, an affiliation in brackets and the title as the next
 * sentence (`A. Roe (Univ. X). Title. Friday 3rd May, 1:30pm.`), or a
 * title in quotes after the speaker or none (`A. Roe, Univ. X, "Title"`).
 * With its own date (the bracket form's sentences after the title). */
static bool talk_parse(const char *s, size_t n, talk *t)
{
    memset(t, 0, sizeof *t);
    size_t h = bib_name_titles(s, n);
    const char *colon = NULL;
    for (size_t i = h; i + 1 < n && i < 120 && !colon; i++)
        if (s[i] == ':' && s[i + 1] == ' ')
            colon = s + i;
    if (colon && speaker_name(s + h, (size_t)(colon - s) - h)) {
        t->speaker = (span){s + h, (size_t)(colon - s) - h};
        size_t a = (size_t)(colon - s) + 1;
        t->title = sentence_at(s + a, n - a);
        return two_words(t->title);
    }
    const char *par = NULL;
    for (size_t i = h; i + 1 < n && i < 80 && !par; i++) {
        if (s[i] == ',' || s[i] == ':' || s[i] == '"')
            break;
        if (s[i] == ' ' && s[i + 1] == '(')
            par = s + i;
    }
    if (par && speaker_name(s + h, (size_t)(par - s) - h)) {
        const char *cp = memchr(par, ')', n - (size_t)(par - s));
        size_t a = cp ? (size_t)(cp - s) + 1 : n;
        if (a + 1 < n && (s[a] == '.' || s[a] == ',')) {
            a++;
            t->speaker = (span){s + h, (size_t)(par - s) - h};
            t->title = sentence_at(s + a, n - a);
            /* the date among the sentences after the title */
            size_t r = (size_t)(t->title.s + t->title.n - s);
            while (r < n && !t->date.month) {
                while (r < n && (s[r] == '.' || s[r] == ' '))
                    r++;
                size_t e = r;
                while (e < n && !(s[e] == '.' && (e + 1 == n || s[e + 1] == ' ')))
                    e++;
                sched_date d;
                if (e > r && date_text(s + r, e - r, &d))
                    t->date = d;
                r = e + 1;
            }
            return two_words(t->title);
        }
    }
    size_t at;
    if (!quoted_title(s, n, &t->title, &at))
        return false;
    /* the speaker: the first piece before the title, when a name */
    size_t e = 0;
    while (e < at && s[e] != ',' && s[e] != '(' && s[e] != ':')
        e++;
    if (e > h && speaker_name(s + h, e - h))
        t->speaker = (span){s + h, e - h};
    return true;
}

/* A date line glued to the end of the line before it by a copy that lost
 * the break between them (`… Stefan George.Freitag, 5. August:`): a line
 * ending in a colon whose last sentence is a date. */
static bool glued_date(const char *s, size_t n, sched_date *d)
{
    if (n < 4 || s[n - 1] != ':')
        return false;
    for (size_t i = n - 1; i-- > 0 && n - 1 - i <= SCHED_DATE_MAX;)
        if (s[i] == '.' && i + 1 < n - 1 && s[i + 1] != ' ' && date_text(s + i + 1, n - 2 - i, d))
            return true;
    return false;
}

/* ---- the walk ----------------------------------------------------------- */

/* What the walk has seen: the heading's years (an academic year's two)
 * and the date line waiting for its talk. */
typedef struct sched_walk {
    int year1, year2;
    sched_date pending;
    bool has_pending;
    char line[SCHED_LINE_MAX]; /* a line's words without its Markdown */
    char joined[SCHED_LINE_MAX]; /* a quoted title's lines (walk_at) */
} sched_walk;

/* A date line's or heading's year for a date of month m. */
static int walk_year(const sched_walk *w, int m)
{
    /* `Fall 2015 - Spring 2016`: January to July in the second year */
    return w->year2 && m && m <= 7 ? w->year2 : w->year1;
}

/* The next line s[0..n): a talk (true, *t filled, its date settled; its
 * spans valid until the next call) or not; the walk's state moves on
 * either way. */
static bool walk_line(sched_walk *w, const char *s, size_t n, talk *t)
{
    page_trim(&s, &n);
    if (!n)
        return false;
    /* a programme written in Markdown (`*A. Roe (X). ***Title.**`) reads
     * as its words (page.c unmarks a schedule's lines before it is built;
     * detection sees them as written) */
    if (n < sizeof w->line && (memchr(s, '*', n) || memchr(s, '_', n) || memchr(s, '[', n))) {
        memcpy(w->line, s, n);
        n = page_unmark(w->line, n);
        /* and the stars of emphasis broken by a conversion from HTML
         * (`*A. Roe (X). ***Title.**`), which unmarking leaves */
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (w->line[i] != '*')
                w->line[k++] = w->line[i];
        n = k;
        s = w->line;
        page_trim(&s, &n);
    }
    size_t mk = page_gen_markers(s, n);
    s += mk, n -= mk;
    page_trim(&s, &n);
    sched_date d;
    if (date_text(s, n, &d)) {
        w->pending = d;
        w->has_pending = true;
        return false;
    }
    sched_date own = {0, 0, 0};
    bool prefixed = false;
    for (size_t c = 0; c + 1 < n && c <= SCHED_DATE_MAX; c++)
        if (s[c] == ':' && s[c + 1] == ' ' && date_text(s, c, &own)) {
            s += c + 1, n -= c + 1;
            page_trim(&s, &n);
            prefixed = true;
            break;
        }
    bool had = w->has_pending;
    sched_date before = w->pending;
    w->has_pending = glued_date(s, n, &w->pending);
    if (talk_parse(s, n, t)) {
        if (prefixed)
            t->date = own;
        else if (!t->date.month && had)
            t->date = before;
        if (t->date.month) {
            if (!t->date.year)
                t->date.year = walk_year(w, t->date.month);
            return true;
        }
        return false;
    }
    /* a heading holding a year (or an academic year's two) */
    int y1 = n <= 80 ? page_find_year(s, n) : 0;
    if (y1) {
        int y2 = 0;
        for (size_t k = 0; k + 4 <= n; k++)
            if (is_digit(s[k]) && page_find_year(s + k, 4) == y1) {
                y2 = page_find_year(s + k + 4, n - k - 4);
                break;
            }
        w->year1 = y1;
        w->year2 = y2 == y1 + 1 ? y2 : 0;
    }
    return false;
}

/* Whether a line may go on a quoted title of the line before: no list
 * marker or date opens it (the next talk's), and its first quote mark,
 * if any, is the one that closes (`„Title … ihre` / `Schüler …“.
 * Vortrag`), not an opening one. */
static bool quote_goes_on(const char *u, size_t un, const char *close)
{
    if (page_gen_markers(u, un))
        return false;
    sched_date d;
    for (size_t c = 0; c < un && c <= SCHED_DATE_MAX; c++)
        if (u[c] == ':' && date_text(u, c, &d))
            return false;
    if (date_text(u, un, &d))
        return false;
    size_t cl = strlen(close);
    for (size_t i = 0; i < un; i++) {
        if (i + cl <= un && !memcmp(u + i, close, cl))
            return true;
        const char *c2;
        if (open_quote(u, un, i, &c2))
            return false;
    }
    return true;
}

/* Whether s[0..n) opens a quote it does not close; its closing mark in
 * *close. */
static bool quote_open(const char *s, size_t n, const char **close)
{
    for (size_t i = 0; i < n; i++) {
        size_t ol = open_quote(s, n, i, close);
        if (!ol)
            continue;
        size_t cl = strlen(*close);
        for (size_t e = i + ol; e + cl <= n; e++)
            if (!memcmp(s + e, *close, cl))
                return false;
        return true;
    }
    return false;
}

/* walk_line on line *i, or, when it opens a quote it does not close
 * (a title in quotes wrapped over lines), on it joined with the lines
 * after it up to the one that closes it (three at most, no blank line
 * between); *i moves to the last line taken. */
static bool walk_at(sched_walk *w, const page_lines *pl, size_t *i, talk *t)
{
    const char *s = pl->v[*i].text, *close;
    size_t n = pl->v[*i].len;
    if (!quote_open(s, n, &close) || n >= sizeof w->joined)
        return walk_line(w, s, n, t);
    memcpy(w->joined, s, n);
    size_t len = n, j = *i;
    while (j + 1 < pl->n && j < *i + 3 && quote_open(w->joined, len, &close)) {
        const char *u = pl->v[j + 1].text;
        size_t un = pl->v[j + 1].len;
        page_trim(&u, &un);
        if (!un || len + 1 + un >= sizeof w->joined || !quote_goes_on(u, un, close))
            break;
        w->joined[len++] = ' ';
        memcpy(w->joined + len, u, un);
        len += un;
        j++;
    }
    if (quote_open(w->joined, len, &close))
        return walk_line(w, s, n, t); /* never closed: the line alone */
    *i = j;
    return walk_line(w, w->joined, len, t);
}

/* ---- cues --------------------------------------------------------------- */

/* Talks under their dates: each as sure as a reference line (5); three
 * make a schedule. */
static int schedule_page_cue(const page_lines *pl, page_cues *c)
{
    (void)c;
    sched_walk w = {0};
    talk t;
    int talks = 0;
    for (size_t i = 0; i < pl->n && i < SCHED_CUE_LINES; i++)
        talks += walk_at(&w, pl, &i, &t);
    return talks >= 3 ? 5 * talks : 0;
}

static bool schedule_accept(const page_cues *c, int score)
{
    (void)c;
    return score >= 15;
}

/* ---- labelling ---------------------------------------------------------- */

static int label_schedule(const page_lines *pl, page_role *roles)
{
    sched_walk w = {0};
    talk t;
    for (size_t i = 0; i < pl->n; i++) {
        size_t first = i;
        bool talk_line = walk_at(&w, pl, &i, &t);
        for (size_t k = first; k <= i; k++)
            roles[k] = talk_line ? PAGE_ROLE_TITLE : PAGE_ROLE_BLANK;
    }
    return BIB_OK;
}

/* ---- records ------------------------------------------------------------ */

static int talk_record(const page_build *b, const talk *t, bib_record **out)
{
    bib_record *rec = bib_record_new(BIB_TYPE_SPEECH, NULL);
    if (!rec)
        return BIB_ENOMEM;
    int rc = bib_record_set_text(rec, BIB_VAR_TITLE, t->title.s, t->title.n);
    if (rc == BIB_OK && t->speaker.n)
        rc = page_add_display_name(rec, t->speaker.s, t->speaker.n, 0);
    int year = t->date.year ? t->date.year : (int)b->year;
    if (rc == BIB_OK && year) {
        bib_date d;
        memset(&d, 0, sizeof d);
        d.nparts = 1;
        d.parts[0].has_year = true;
        d.parts[0].year = year;
        d.parts[0].month = t->date.month;
        d.parts[0].day = t->date.month ? t->date.day : 0;
        rc = bib_record_set_date(rec, BIB_VAR_ISSUED, &d);
    }
    if (rc != BIB_OK) {
        bib_record_free(rec);
        return rc;
    }
    *out = rec;
    return BIB_OK;
}

static int build_schedule(const page_build *b, const page_lines *pl, const page_role *roles)
{
    (void)roles;
    sched_walk w = {0};
    talk t;
    for (size_t i = 0; i < pl->n; i++) {
        size_t first = i;
        if (!walk_at(&w, pl, &i, &t))
            continue;
        bib_record *rec;
        int rc = talk_record(b, &t, &rec);
        if (rc == BIB_OK)
            rc = b->emit(b->ctx, rec, pl->v[first].lineno);
        if (rc != BIB_OK)
            return rc;
    }
    return BIB_OK;
}

const page_layout_desc page_layout_schedule = {
    .name = "schedule",
    .page_cue = schedule_page_cue,
    .accept = schedule_accept,
    .nstates = 0, /* no best path: the talks' dates */
    .features = 0,
    .label = label_schedule,
    .build = build_schedule,
};
