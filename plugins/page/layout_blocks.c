/* SPDX-License-Identifier: MIT */
/*
 * layout_blocks.c - the generic layout's title/author blocks (a title
 * line, an author line, a venue or an abstract under them: a programme,
 * a table of talks, a lab page, a journal's recent articles; docs/page.md,
 * "Blocks"): which lines open a block, how many a page holds (the
 * layout's cue), their labels and their records. The author line's
 * splitter and the year finder are the page reader's (pageint.h).
 *
 * Not for: entries that are formatted references (layout_generic.c).
 */
#include <string.h>
#include <strings.h>

#include "bibconv/dates.h"
#include "bibconv/names.h"
#include "bibconv/reftag.h"
#include "pageint.h"
#include "refs_text.h"

#define find_year page_find_year
#define markers page_gen_markers
#define GEN_CUE_LINES PAGE_GEN_CUE_LINES

/* Calls fn on each name piece of an author line: its label
 * (author_label) skipped, parenthesised parts (affiliations) dropped, pieces cut at ',', ';', '&' and " and ". Returns
 * how many pieces there were. */
typedef void (*gen_name_fn)(const char *s, size_t n, void *ctx);

/* The label an author line may open with (`Authors: A. Roe, B. Lee`,
 * `Auteurs :`, a page that names its fields; the words of a table's person
 * column, page_person_word): its length with the colon and the blanks
 * after it, or 0. */
static size_t author_label(const char *s, size_t n)
{
    /* one word (and its plural's brackets, `Author(s)`) before a colon */
    size_t c = 0;
    while (c < n && c < 12 && s[c] != ':' && s[c] != ' ')
        c++;
    size_t i = c;
    while (i < n && s[i] == ' ')
        i++;
    if (!c || i >= n || s[i] != ':' || !page_person_word(s, c))
        return 0;
    i++;
    while (i < n && s[i] == ' ')
        i++;
    return i < n ? i : 0;
}

static size_t name_pieces(const char *s, size_t n, gen_name_fn fn, void *ctx)
{
    size_t lab = author_label(s, n);
    s += lab;
    n -= lab;
    size_t pieces = 0, st = 0;
    int depth = 0;
    for (size_t i = 0; i <= n; i++) {
        char c = i < n ? s[i] : ',';
        size_t skip = 0;
        if (c == '(' || c == '[')
            depth++;
        else if ((c == ')' || c == ']') && depth > 0)
            depth--;
        bool cut = depth == 0 && (c == ',' || c == ';' || c == '&');
        /* a programme's " · " between names (a Catalan name's own
         * middle dot, "Gal·la", has no spaces round it) */
        if (!cut && depth == 0 && i + 4 <= n && memcmp(s + i, " \xC2\xB7 ", 4) == 0)
            cut = true, skip = 3;
        if (!cut && depth == 0 && i + 5 <= n && memcmp(s + i, " and ", 5) == 0)
            cut = true, skip = 4;
        /* a feed's " | " between names */
        if (!cut && depth == 0 && i + 3 <= n && memcmp(s + i, " | ", 3) == 0)
            cut = true, skip = 2;
        if (!cut)
            continue;
        /* the piece without its parenthesised parts */
        char buf[128];
        size_t k = 0;
        int d = 0;
        for (size_t j = st; j < i && k + 1 < sizeof buf; j++) {
            if (s[j] == '(' || s[j] == '[')
                d++;
            else if ((s[j] == ')' || s[j] == ']') && d > 0)
                d--;
            else if (d == 0)
                buf[k++] = s[j];
        }
        const char *p = buf;
        size_t pn = k;
        page_trim(&p, &pn);
        if (pn) {
            pieces++;
            if (fn)
                fn(p, pn, ctx);
        }
        i += skip;
        st = i + 1;
    }
    return pieces;
}

static void count_name(const char *s, size_t n, void *ctx)
{
    size_t *names = ctx;
    size_t h = bib_name_titles(s, n);
    s += h;
    n -= h;
    *names += n <= 60 && page_name_score(s, n) > 0;
}


/* The full stop that closes an author list ("A, B and C."), not an
 * initial's ("C. D."): *n loses it; true when there was one. */
static bool list_stop(const char *s, size_t *n)
{
    if (*n > 3 && s[*n - 1] == '.' && s[*n - 3] != ' ' && s[*n - 3] != '.') {
        (*n)--;
        return true;
    }
    return false;
}

/* An author line (its label, `Authors:`, skipped): every name piece (but
 * one in five) reads as a name by the name model, no sentence and no year in it (a venue line). A
 * full stop may close a list of two names or more (a lab page writes
 * "A, B and C."); one name with a full stop is a sentence's end. */
bool page_gen_author_line(const char *s, size_t n)
{
    size_t lab = author_label(s, n);
    s += lab;
    n -= lab;
    bool stop = list_stop(s, &n);
    if (n < 3 || n > 1500)
        return false;
    if (stop) { /* the list ends on a name, which opens with a capital */
        size_t w = n;
        while (w > 0 && s[w - 1] != ' ')
            w--;
        if (!(s[w] >= 'A' && s[w] <= 'Z') && !((unsigned char)s[w] >= 0xC3))
            return false;
    }
    /* a full stop between two sentences ("… data. We …") is prose: found
     * before the names are read, as most prose lines end on a full stop */
    for (size_t i = 1, seg = 0; stop && i + 2 < n; i++) {
        if (s[i] == '.' && s[i + 1] == ' ' && s[i - 1] >= 'a' && s[i - 1] <= 'z')
            return false;
        /* nor a clause of 100 bytes without a comma (two names with
         * " and " between them are far shorter) */
        seg = s[i] == ',' || s[i] == ';' ? 0 : seg + 1;
        if (seg > 100)
            return false;
    }
    if (find_year(s, n) || page_is_heading(s, n))
        return false;
    size_t names = 0;
    size_t pieces = name_pieces(s, n, count_name, &names);
    return names >= 1 && names * 5 >= pieces * 4 && (!stop || pieces >= 2);
}

/* A title line of a block: a few words, not a name list, not a
 * publications heading, not ending on a year (a venue line). A short
 * title looks like a heading: the author line after it tells. */
static bool block_title(const char *s, size_t n)
{
    /* a programme's "Tue 15 Jul 11:00 a.m." marks a title of any
     * length, even one that reads as a name ("Machines Who Think") */
    size_t whole = n;
    page_drop_schedule_time(s, &n);
    bool timed = n < whole;
    if (n < (timed ? 2 : 12) || n > 400 || page_is_heading(s, n)
        || (n >= 4 && find_year(s + n - 4, 4)))
        return false;
    page_feat f;
    page_features(&f, s, n, NULL, 0);
    return f.prose < 3 && (timed || (f.tokens >= 3 && !page_gen_author_line(s, n)));
}

/* Is line i blank (nothing but white space)? */
static bool blank_at(const page_lines *pl, size_t i)
{
    const char *s = pl->v[i].text;
    size_t n = pl->v[i].len;
    if (n)
        page_trim(&s, &n);
    return n == 0;
}

/* The index of the first non-blank line after i, or pl->n. */
static size_t next_nonblank(const page_lines *pl, size_t i)
{
    for (size_t j = i + 1; j < pl->n; j++)
        if (!blank_at(pl, j))
            return j;
    return pl->n;
}

static bool line_is(const page_lines *pl, size_t i, bool (*pred)(const char *, size_t))
{
    if (i >= pl->n)
        return false;
    const char *s = pl->v[i].text;
    size_t n = pl->v[i].len;
    page_trim(&s, &n);
    return n && pred(s, n);
}

bool page_gen_sentence(const page_feat *f, char last)
{
    return f->tokens >= 10 && (last == '.' || last == '!' || last == '?') &&
           f->lower_words >= 2 * f->cap_words;
}

bool page_gen_prose(const page_feat *f, char last)
{
    return f->prose >= 3 || page_gen_sentence(f, last);
}

static bool date_letter(unsigned char c)
{
    return ((c | 32) >= 'a' && (c | 32) <= 'z') || c >= 0x80;
}

void page_date_scan(const char *s, size_t n, page_date *d)
{
    memset(d, 0, sizeof *d);
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        d->wide |= c >= 0x80;
        if (date_letter(c)) {
            size_t j = i;
            while (j < n && date_letter((unsigned char)s[j]))
                d->wide |= (unsigned char)s[j++] >= 0x80;
            size_t w = j - i + (j < n && s[j] == '.');
            int m = j - i >= 3 ? bib_month_parse(s + i, w) : 0;
            if (m) {
                d->month = d->month ? d->month : m;
                d->months++;
            } else if (bib_weekday_parse(s + i, w)) {
                d->weekdays++;
            } else {
                d->unknown++;
                d->odd |= j - i > 12;
            }
            i = j;
        } else if (c >= '0' && c <= '9') {
            size_t j = i;
            int v = 0;
            while (j < n && s[j] >= '0' && s[j] <= '9' && v < 10000)
                v = v * 10 + (s[j++] - '0');
            bool time = j + 1 < n && s[j] == ':' && s[j + 1] >= '0' && s[j + 1] <= '9';
            if (time) {
                while (j < n && ((s[j] >= '0' && s[j] <= '9') || s[j] == ':'))
                    j++;
            } else if (j - i == 4 && v >= 1800 && v <= 2099 && !d->year) {
                d->year = v;
            } else if (j - i <= 2 && v >= 1 && v <= 31 && !d->day) {
                d->day = v;
            } else if (j - i > 2 || !d->day) {
                d->odd = true;
            }
            /* `3rd`, `1st`, `2:30pm`: letters glued to the number */
            size_t k = j;
            while (k < n && ((s[k] | 32) >= 'a' && (s[k] | 32) <= 'z'))
                k++;
            d->suffix |= k > j;
            d->odd |= k - j > 2;
            i = k;
        } else if (c == ' ' || c == ',' || c == '.' || c == ':' || c == '-' || c == '/' ||
                   c == '(' || c == ')') {
            i++;
        } else if (c == 0xE2 && i + 2 < n && (unsigned char)s[i + 1] == 0x80 &&
                   ((unsigned char)s[i + 2] == 0x93 || (unsigned char)s[i + 2] == 0x94)) {
            i += 3; /* an en or em dash between two times */
        } else {
            d->marks = true;
            i++;
        }
    }
}

/* A date alone on a line (`July 2014`, `3 March 2021`, `2019-05-02`):
 * a year and, besides it, only numbers, month names and marks. */
bool page_gen_date_line(const char *s, size_t n, bool year)
{
    if (n < 3 || n > 30 || (year && !find_year(s, n)))
        return false;
    page_date d;
    page_date_scan(s, n, &d);
    return !d.wide && !d.weekdays && !d.unknown && !d.suffix && (year || d.months > 0);
}

static bool date_line(const char *s, size_t n)
{
    return page_gen_date_line(s, n, true);
}

size_t page_coauthor_line(const char *s, size_t n)
{
    size_t at = 0;
    for (int words = 0; words < 2; words++) {
        size_t e = at;
        while (e < n && s[e] != ' ')
            e++;
        if (e == at || e >= n || !bib_reftag_coauthor_word(s + at, e - at))
            return 0;
        at = e + 1;
        if (page_starts_upper(s + at, n - at))
            return at;
    }
    return 0;
}

static bool coauthor_line(const char *s, size_t n)
{
    return page_coauthor_line(s, n) > 0;
}

/* The author line of a block whose title is line i: the next line, or
 * the one after a date line under the title (a feed's `Title` / `July
 * 2014` / `A. Wong | S. Tang`); pl->n when neither is one. */
static size_t block_authors(const page_lines *pl, size_t i)
{
    size_t a = next_nonblank(pl, i);
    if (line_is(pl, a, date_line)) {
        /* a sentence over a date is a dated entry's teaser, not a title */
        const char *s = pl->v[i].text;
        size_t n = pl->v[i].len;
        page_trim(&s, &n);
        page_feat f;
        page_features(&f, s, n, NULL, 0);
        if (n && page_gen_sentence(&f, s[n - 1]))
            return pl->n;
        a = next_nonblank(pl, a);
    }
    /* a short title that reads as a name (`Reading Rivers`) over its
     * co-authors (`with A. Roe`) is no author line */
    if (line_is(pl, next_nonblank(pl, a), coauthor_line))
        return pl->n;
    return line_is(pl, a, page_gen_author_line) ? a : pl->n;
}

/* The index of the last non-blank line before i, or pl->n. */
static size_t prev_nonblank(const page_lines *pl, size_t i)
{
    while (i-- > 0)
        if (!blank_at(pl, i))
            return i;
    return pl->n;
}

/* A day's date alone on a line (`21-07-2021`, `3 March 2021`, `July
 * 2014`): a year with a day or a month. A year alone is a list's
 * heading (`2021` over that year's references), not an entry's date. */
static bool day_line(const char *s, size_t n)
{
    if (!date_line(s, n))
        return false;
    page_date d;
    page_date_scan(s, n, &d);
    return d.day || d.month;
}

/* A day's date after a few words that say what it is (`Publié le
 * 02/04/2024`, `Posted on 3 March 2021`, `Veröffentlicht am 1.2.2020`):
 * a news list's or a blog's line under an entry, which dates the entry
 * above it. One to three words of letters (a colon after them) of 24
 * bytes at most, then a day's date alone. A bare date is a day_line. */
static bool posted_line(const char *s, size_t n)
{
    /* most lines are longer or hold no year: tested once, first */
    if (n < 10 || n > 60 || !find_year(s, n))
        return false;
    size_t i = 0;
    for (int words = 0; words < 3 && i < n && i <= 24; words++) {
        /* the words after the first in lower case (`Posted on`, not a
         * venue's `Solid State Ionics 157:1-17, 2003`) */
        if (words && !((s[i] >= 'a' && s[i] <= 'z') || (unsigned char)s[i] >= 0x80))
            return false;
        size_t j = i;
        while (j < n && date_letter((unsigned char)s[j]))
            j++;
        if (j == i || j >= n)
            return false;
        /* a word, not a code glued to a month (`CSMar 3, 2021`, a
         * feed's subject and date) */
        for (size_t k = i + 1; k < j; k++)
            if (s[k] >= 'A' && s[k] <= 'Z')
                return false;
        if (s[j] == ':')
            j++;
        if (j >= n || s[j] != ' ')
            return false;
        i = j + 1;
        if (i <= 25 && day_line(s + i, n - i)) {
            page_date d;
            page_date_scan(s + i, n - i, &d);
            return !d.odd && !d.marks;
        }
    }
    return false;
}

static bool title_line(const page_lines *pl, size_t i);
static bool title_like(const page_lines *pl, size_t i, bool names_ok);

/* A day's date and the outlet after it (`15.10.2022 Coastal Daily`,
 * `26.02.2022, Harbour Weekly`, `July, 2022 Estuary Review`): an op-ed's or a
 * column's line under its title. The date ends at its year within the
 * first 24 bytes; the outlet is up to 60 bytes of words after it. The
 * outlet's start in *at. */
static bool dated_outlet_line(const char *s, size_t n, size_t *at)
{
    if (n < 8 || n > 90 || !find_year(s, n < 24 ? n : 24))
        return false;
    for (size_t y = 0; y + 4 <= n && y <= 20; y++) {
        if (!find_year(s + y, 4) || (y && s[y - 1] >= '0' && s[y - 1] <= '9') ||
            (y + 4 < n && s[y + 4] >= '0' && s[y + 4] <= '9'))
            continue;
        size_t e = y + 4, o = e;
        while (o < n && (s[o] == ',' || s[o] == ' ' || s[o] == ':'))
            o++;
        if (o == e || o >= n || n - o > 60 || !day_line(s, e) ||
            !((s[o] >= 'A' && s[o] <= 'Z') || (unsigned char)s[o] >= 0xC3))
            return false;
        *at = o;
        return true;
    }
    return false;
}

static bool outlet_line(const char *s, size_t n)
{
    size_t at;
    return dated_outlet_line(s, n, &at);
}

/* Line i is the title of an entry with its date and outlet right under
 * it (`Title` / `15.10.2022 Coastal Daily` / teaser). */
static bool outlet_title(const page_lines *pl, size_t i)
{
    if (!line_is(pl, next_nonblank(pl, i), outlet_line) || !title_like(pl, i, true))
        return false;
    /* a title of two capitalised words reads as a name (`Harbour
     * Lights`): one still, unless a title stands right above it (a
     * feed's title over its byline) */
    size_t p = prev_nonblank(pl, i);
    return p == pl->n || p + 1 < i || !line_is(pl, i, page_gen_author_line) ||
           !title_line(pl, p);
}

/* Line i is the title of an entry dated below (docs/page.md, "Blocks"):
 * a title line over a paragraph of prose (the teaser) and, under it, a
 * posted_line (`Title` / `Lisez mon analyse…` / `Publié le 02/04/2024`). */
static bool posted_title(const page_lines *pl, size_t i)
{
    size_t x = next_nonblank(pl, i);
    if (x == pl->n || !line_is(pl, next_nonblank(pl, x), posted_line) || !title_line(pl, i))
        return false;
    const char *s = pl->v[x].text;
    size_t n = pl->v[x].len;
    page_trim(&s, &n);
    page_feat f;
    page_features(&f, s, n, NULL, 0);
    /* a teaser may end on its link rather than a sentence's mark: a
     * line of a dozen words or more, longer than the title, does */
    return n > 200 || page_gen_prose(&f, s[n - 1]) || (f.tokens > 12 && n > pl->v[i].len);
}

/* Line i reads as an entry's title: a few words that are no date, year,
 * heading or prose, and (names_ok false) no name list. The cheap tests
 * first: block_start asks it of many lines. */
static bool title_like(const page_lines *pl, size_t i, bool names_ok)
{
    const char *s = pl->v[i].text;
    size_t n = pl->v[i].len;
    page_trim(&s, &n);
    if (n < 2 || n > 200 || find_year(s, n) || date_line(s, n) || posted_line(s, n) ||
        page_is_heading(s, n))
        return false;
    page_feat f;
    page_features(&f, s, n, NULL, 0);
    return !page_gen_prose(&f, s[n - 1]) && (names_ok || !page_gen_author_line(s, n));
}

static bool title_line(const page_lines *pl, size_t i)
{
    return title_like(pl, i, false);
}

/* Line i is the title of a dated entry (docs/page.md, "Blocks"): right
 * under a day's date alone on its line, a few words that are no date,
 * name list, year or prose, with prose under it (the entry's teaser),
 * the next entry's date or nothing: a list of reviews, talks or posts by
 * day (`21-07-2021` / `Title` / `Teaser…`). A feed's date under its
 * title has the authors under it, not a title. */
static bool dated_title(const page_lines *pl, size_t i)
{
    if (i >= pl->n)
        return false;
    const char *s = pl->v[i].text;
    size_t n = pl->v[i].len;
    page_trim(&s, &n);
    /* the line first: a blank one is no title, and the walk back to the
     * date then runs once per title, not once per blank line */
    if (n < 2 || n > 200 || !line_is(pl, prev_nonblank(pl, i), day_line) || date_line(s, n) ||
        page_is_heading(s, n) || find_year(s, n) || page_gen_author_line(s, n))
        return false;
    page_feat f;
    page_features(&f, s, n, NULL, 0);
    if (page_gen_prose(&f, s[n - 1]))
        return false;
    size_t x = next_nonblank(pl, i);
    if (x == pl->n || line_is(pl, x, day_line))
        return true;
    s = pl->v[x].text;
    n = pl->v[x].len;
    page_trim(&s, &n);
    page_features(&f, s, n, NULL, 0);
    return n > 200 || page_gen_prose(&f, s[n - 1]);
}

/* Line i opens a block: a title line followed by an author line, which
 * is not followed by another (one person per line is a profile's
 * publication, layout_profile.c); or a dated entry's title. */
static bool block_start(const page_lines *pl, size_t i)
{
    if (dated_title(pl, i) || posted_title(pl, i) || outlet_title(pl, i))
        return true;
    if (!line_is(pl, i, block_title))
        return false;
    size_t a = block_authors(pl, i);
    return a < pl->n && !line_is(pl, next_nonblank(pl, a), page_gen_author_line);
}

/* A block's venue line right after its author line (`ICML 2024`,
 * `Proc. of X, 2016`): letters, ending on a year. */
static bool block_venue(const char *s, size_t n)
{
    size_t yn = n;
    while (yn && (s[yn - 1] == '.' || s[yn - 1] == ' '))
        yn--;
    bool letters = false;
    for (size_t i = 0; i + 4 < yn && !letters; i++)
        letters = (s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z');
    return letters && yn >= 5 && find_year(s + yn - 4, 4) && s[yn - 5] == ' ';
}

/* A title line with a programme's day and time after it. */
static bool timed_title(const char *s, size_t n)
{
    size_t m = n;
    page_drop_schedule_time(s, &m);
    return m < n;
}

/* How many blocks the page holds (bounded as the cue is); in *venues,
 * how many of them have a venue line after their author line, in
 * *timed how many have a programme's day and time after their title. */
int page_gen_count_blocks(const page_lines *pl, int *venues, int *timed)
{
    int k = 0;
    *venues = *timed = 0;
    for (size_t i = 0; i < pl->n && i < 4 * GEN_CUE_LINES; i++)
        if (block_start(pl, i)) {
            k++;
            *venues += line_is(pl, next_nonblank(pl, next_nonblank(pl, i)), block_venue);
            *timed += line_is(pl, i, timed_title);
        }
    return k;
}

/* Enough blocks to read the page by them: two, or one whose title
 * carries a programme's day and time (a programme copied in part). */
bool page_gen_enough_blocks(const page_lines *pl, int *blocks)
{
    int v, t;
    *blocks = page_gen_count_blocks(pl, &v, &t);
    return *blocks >= 2 || t >= 1;
}

static void block_span(const page_lines *pl, size_t t, size_t *a, size_t *end);

/* Blocks: the title line, the author line, the lines after them as
 * venue lines. */
void page_gen_label_blocks(const page_lines *pl, page_role *roles)
{
    for (size_t i = 0; i < pl->n;) {
        if (!block_start(pl, i)) {
            i++;
            continue;
        }
        size_t a, end;
        block_span(pl, i, &a, &end);
        for (size_t j = i + 1; j < a; j++) /* a date line between */
            roles[j] = pl->v[j].len ? PAGE_ROLE_VENUE : PAGE_ROLE_BLANK;
        if (a != i)
            roles[a] = PAGE_ROLE_AUTHOR;
        roles[i] = PAGE_ROLE_TITLE;
        size_t d = prev_nonblank(pl, i); /* a dated entry's date */
        if (line_is(pl, d, day_line))
            roles[d] = PAGE_ROLE_VENUE;
        for (size_t j = a + 1; j < end; j++)
            roles[j] = pl->v[j].len ? PAGE_ROLE_VENUE : PAGE_ROLE_BLANK;
        i = end;
    }
}

/* The block that starts at line t: its author line in *a (t when it has
 * none: a dated entry), and the lines after it up to the next block, its
 * date or a heading in (*a, *end). */
static void block_span(const page_lines *pl, size_t t, size_t *a, size_t *end)
{
    *a = block_authors(pl, t);
    if (*a == pl->n)
        *a = t;
    size_t e = *a + 1;
    while (e < pl->n && !block_start(pl, e)) {
        const char *s = pl->v[e].text;
        size_t n = pl->v[e].len;
        page_trim(&s, &n);
        if (n && day_line(s, n) && block_start(pl, next_nonblank(pl, e)))
            break;
        /* an entry's own date under it closes it */
        if (n && posted_line(s, n)) {
            e++;
            break;
        }
        /* a short venue under the authors (`ICML 2024`) reads as a
         * heading but is the block's */
        if (n && (refs_is_heading(s, n) || page_is_heading(s, n))
            && !(e == next_nonblank(pl, *a) && block_venue(s, n)))
            break;
        e++;
    }
    *end = e;
}

static void add_name(const char *s, size_t n, void *ctx)
{
    bib_record *rec = ctx;
    if (bib_record_has(rec, BIB_VAR_NOTE))
        return; /* an earlier name failed: the record is dropped */
    /* programmes and lab pages may write names family first (`Smith JE`) */
    if (page_add_display_name(rec, s, n, 0) != BIB_OK)
        bib_record_set_text(rec, BIB_VAR_NOTE, "", 0);
}

int page_add_name_line(bib_record *rec, const char *s, size_t n)
{
    name_pieces(s, n, add_name, rec);
    return bib_record_has(rec, BIB_VAR_NOTE) ? BIB_ENOMEM : BIB_OK;
}

int page_find_year(const char *s, size_t n)
{
    for (size_t i = 0; i + 4 <= n; i++) {
        if ((i && s[i - 1] >= '0' && s[i - 1] <= '9') || (i + 4 < n && s[i + 4] >= '0'
                                                          && s[i + 4] <= '9'))
            continue;
        int y = 0;
        size_t k = 0;
        while (k < 4 && s[i + k] >= '0' && s[i + k] <= '9')
            y = y * 10 + (s[i + k++] - '0');
        if (k == 4 && y >= 1800 && y <= 2099)
            return y;
    }
    return 0;
}

/* One block's record: the title line, the names of the author line, the
 * first short line after them as the venue and its year. */
/* The fields of a block's venue line, read by the tagger on the block's
 * title and that line joined as one reference without authors (the title
 * gives the tagger its context; its reading of the title is not used):
 * taken only when no field but a title or a name is read in the title,
 * nothing in the line reads as a title or a name, and the venue's name
 * is found in the line, and its year is the one the line ends on, if it
 * ends on one (a year read inside an arXiv id, `1811.01234`, shows the
 * tagger lost)
 * (`In proceedings of DEBS, Irvine, CA, June 2016.`: container, place
 * and date apart). Returns BIB_OK with *done false when the line is left
 * to the caller's whole-line reading. */
static int venue_fields(bib_reftag *tag, bib_record *rec, const char *title, size_t tn,
                        const char *s, size_t n, int end_year, bool *done)
{
    static const bib_var vars[] = {
        BIB_VAR_CONTAINER_TITLE, BIB_VAR_COLLECTION_TITLE, BIB_VAR_VOLUME, BIB_VAR_ISSUE,
        BIB_VAR_PAGE, BIB_VAR_PUBLISHER, BIB_VAR_PUBLISHER_PLACE, BIB_VAR_EDITION,
        BIB_VAR_GENRE, BIB_VAR_DOI, BIB_VAR_URL, BIB_VAR_ISBN, BIB_VAR_NUMBER,
    };
    *done = false;
    if (!tag || !tn)
        return BIB_OK;
    bib_buf text = BIB_BUF_INIT;
    bib_buf_append(&text, title, tn);
    bib_buf_puts(&text, ". ");
    size_t from = text.len;
    bib_buf_append(&text, s, n);
    if (bib_buf_failed(&text)) {
        bib_buf_clear(&text);
        return BIB_ENOMEM;
    }
    int rc = BIB_OK;
    if (bib_reftag_run(tag, text.data, text.len) < 0) {
        bib_buf_clear(&text);
        return BIB_ENOMEM;
    }
    size_t nt;
    const bib_ref_token *tok = bib_reftag_tokens(tag, &nt);
    size_t venue = 0;
    bool agrees = true;
    for (size_t i = 0; i < nt && agrees; i++) {
        int l = tok[i].label;
        if (tok[i].off >= from)
            agrees = l != BIB_REF_TITLE && l != BIB_REF_AUTHOR && l != BIB_REF_EDITOR;
        else /* a field in the title part would come from the title */
            agrees = l == BIB_REF_TITLE || l == BIB_REF_PUNCT || l == BIB_REF_AUTHOR
                     || l == BIB_REF_EDITOR || l == BIB_REF_CITNUM;
        venue += tok[i].off >= from && tok[i].kind == BIB_REFTOK_WORD
                 && (l == BIB_REF_CONTAINER || l == BIB_REF_COLLECTION
                     || l == BIB_REF_PUBLISHER);
    }
    bib_record *tr = NULL;
    if (agrees && venue && bib_reftag_record(tag, text.data, text.len, NULL, &tr) != 0)
        rc = BIB_ENOMEM;
    const bib_field *td = tr ? bib_record_get(tr, BIB_VAR_ISSUED) : NULL;
    const bib_date *tdd = td ? bib_field_date(td) : NULL;
    if (tr && end_year && (!tdd || !tdd->nparts || tdd->parts[0].year != end_year)) {
        bib_record_free(tr);
        tr = NULL;
    }
    if (tr) {
        for (size_t i = 0; rc == BIB_OK && i < sizeof vars / sizeof vars[0]; i++) {
            const char *v = bib_record_text(tr, vars[i]);
            if (v)
                rc = bib_record_set_text(rec, vars[i], v, strlen(v));
        }
        const bib_field *d = bib_record_get(tr, BIB_VAR_ISSUED);
        if (rc == BIB_OK && d && bib_field_date(d))
            rc = bib_record_set_date(rec, BIB_VAR_ISSUED, bib_field_date(d));
        if (rc == BIB_OK)
            bib_record_set_type(rec, bib_record_type(tr));
        *done = rc == BIB_OK && (bib_record_has(rec, BIB_VAR_CONTAINER_TITLE)
                                 || bib_record_has(rec, BIB_VAR_PUBLISHER));
        bib_record_free(tr);
    }
    bib_buf_clear(&text);
    return rc;
}

/* The issued date of a dated entry from its date line (a day's date):
 * the whole date when core's parser reads it (`3 March 2021`), the year
 * otherwise (`21-07-2021`: day and month in numbers may be either way
 * round). */
static int set_day(bib_record *rec, const char *s, size_t n)
{
    bib_date d;
    memset(&d, 0, sizeof d);
    int rc = bib_date_parse(&d, s, n, BIB_DATE_WRITTEN);
    if (rc == BIB_ENOMEM)
        return rc;
    if (rc == BIB_OK && d.nparts == 1 && d.parts[0].has_year && !d.raw && !d.literal)
        rc = bib_record_set_date(rec, BIB_VAR_ISSUED, &d);
    else
        rc = page_set_year(rec, find_year(s, n));
    bib_date_clear(&d);
    return rc;
}

static int build_block(const page_build *b, const page_lines *pl, size_t t, size_t a,
                       size_t end, bib_reftag *tag)
{
    bib_record *rec = bib_record_new(BIB_TYPE_ARTICLE, NULL);
    if (!rec)
        return BIB_ENOMEM;
    const char *s = pl->v[t].text;
    size_t n = pl->v[t].len;
    page_trim_blank(&s, &n);
    size_t mk = markers(s, n); /* a list's bullet or number */
    s += mk;
    n -= mk;
    page_trim_blank(&s, &n);
    page_drop_schedule_time(s, &n);
    size_t lab = page_session_label(s, n);
    s += lab;
    n -= lab;
    while (n && s[n - 1] == '.')
        n--;
    int rc = bib_record_set_text(rec, BIB_VAR_TITLE, s, n);
    const char *title = s;
    size_t tn = n;
    s = pl->v[a].text;
    n = pl->v[a].len;
    page_trim(&s, &n);
    list_stop(s, &n);
    if (a != t && page_add_name_line(rec, s, n) != BIB_OK)
        rc = BIB_ENOMEM;
    /* a dated entry's date above its title */
    size_t d = prev_nonblank(pl, t);
    if (rc == BIB_OK && d < pl->n) {
        s = pl->v[d].text;
        n = pl->v[d].len;
        page_trim(&s, &n);
        if (day_line(s, n))
            rc = set_day(rec, s, n);
    }
    /* a date line between the title and the authors */
    for (size_t i = t + 1; rc == BIB_OK && i < a; i++) {
        s = pl->v[i].text;
        n = pl->v[i].len;
        page_trim(&s, &n);
        if (n && date_line(s, n))
            rc = page_set_year(rec, find_year(s, n));
    }
    for (size_t i = a + 1; rc == BIB_OK && i < end; i++) {
        s = pl->v[i].text;
        n = pl->v[i].len;
        page_trim(&s, &n);
        page_feat f;
        page_features(&f, s, n, NULL, 0);
        /* a long venue line ends on its date ("..., Irvine, CA, June
         * 2016."), an abstract on a sentence */
        size_t yn = n;
        while (yn && (s[yn - 1] == '.' || s[yn - 1] == ' '))
            yn--;
        bool ends_year = yn >= 4 && find_year(s + yn - 4, 4)
                         && !(yn > 4 && s[yn - 5] >= '0' && s[yn - 5] <= '9');
        if (!n)
            continue;
        /* the date and outlet under the title (outlet_title) */
        size_t at;
        if (a == t && i == next_nonblank(pl, t) && dated_outlet_line(s, n, &at)) {
            size_t de = at;
            while (de && (s[de - 1] == ' ' || s[de - 1] == ',' || s[de - 1] == ':'))
                de--;
            rc = set_day(rec, s, de);
            if (rc == BIB_OK)
                rc = bib_record_set_text(rec, BIB_VAR_CONTAINER_TITLE, s + at, n - at);
            continue;
        }
        /* the entry's own date under it, unless its venue gave one
         * (the work's year, where the posting date is the page's) */
        if (posted_line(s, n)) {
            size_t k = 0;
            while (k < n && !day_line(s + k, n - k))
                k++;
            if (!bib_record_has(rec, BIB_VAR_ISSUED))
                rc = set_day(rec, s + k, n - k);
            continue;
        }
        /* a short abstract (a sentence or two) is running prose: ten
         * words or more ending a sentence, lower-case words at least
         * twice the capitalised ones; a venue line is mostly capitalised
         * words ("Proceedings of the ... Conference on ...") */
        bool sentence = !ends_year && page_gen_sentence(&f, s[n - 1]);
        /* the teaser over an entry's own date (posted_title) */
        bool teaser = a == t && line_is(pl, next_nonblank(pl, i), posted_line);
        if (n > 200 || sentence || teaser || (f.prose >= 3 && f.tokens > 12 && !ends_year)) {
            /* an abstract, not a venue: the first such paragraph (a
             * programme prints it under the speakers) */
            if ((f.prose >= 3 || sentence || teaser) && !bib_record_has(rec, BIB_VAR_ABSTRACT))
                rc = bib_record_set_text(rec, BIB_VAR_ABSTRACT, s, n);
            continue;
        }
        if (bib_record_has(rec, BIB_VAR_CONTAINER_TITLE) || bib_record_has(rec, BIB_VAR_PUBLISHER))
            continue;
        bool done;
        rc = venue_fields(tag, rec, title, tn, s, n, ends_year ? find_year(s + yn - 4, 4) : 0,
                          &done);
        if (rc != BIB_OK || done)
            continue;
        rc = bib_record_set_text(rec, BIB_VAR_CONTAINER_TITLE, s, n);
        /* the date the line ends on, before any earlier number that reads
         * as a year (an arXiv id's "1811.01234") */
        int y = ends_year ? find_year(s + yn - 4, 4) : find_year(s, n);
        if (rc == BIB_OK && y)
            rc = page_set_year(rec, y);
    }
    if (rc != BIB_OK) {
        bib_record_free(rec);
        return rc;
    }
    return b->emit(b->ctx, rec, pl->v[t].lineno);
}

int page_gen_build_blocks(const page_build *b, const page_lines *pl, bib_reftag *tag)
{
    int rc = BIB_OK;
    for (size_t i = 0; rc == BIB_OK && i < pl->n;) {
        if (!block_start(pl, i)) {
            i++;
            continue;
        }
        size_t a, end;
        block_span(pl, i, &a, &end);
        rc = build_block(b, pl, i, a, end, tag);
        i = end;
    }
    return rc;
}
