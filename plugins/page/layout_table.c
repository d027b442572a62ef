/* SPDX-License-Identifier: MIT */
/*
 * layout_table.c - a table of works copied as text, one row a line, its
 * cells between `|` bars or tabs (`Date | Speaker | Title |`: a seminar's
 * programme, a list of talks, a lab's table of papers): the header row
 * names the columns, each title column makes a record of every row, its
 * names from the person column before it (`Pre-talk speaker | Pre-talk
 * title`), its date and venue from the row's date and venue columns
 * (docs/page.md, "Tables").
 *
 * Not for: a site's menu between bars (no title column), tables saved as
 * HTML (page_html.c ends a line at every cell).
 */
#include <string.h>

#include "pageint.h"

enum { TAB_MAX_COLS = 16, TAB_CUE_ROWS = 40 };

typedef enum col_kind { COL_OTHER = 0, COL_TITLE, COL_PERSON, COL_DATE, COL_VENUE } col_kind;

typedef struct cell {
    const char *s;
    size_t n;
} cell;

/* The cells of a line between `|` bars or tabs (empty cells at both
 * ends, from a leading or closing bar, dropped); how many, at most max. */
static size_t split_cells(const char *s, size_t n, cell *out, size_t max)
{
    size_t k = 0, st = 0;
    char sep = memchr(s, '|', n) ? '|' : '\t';
    for (size_t i = 0; i <= n && k < max; i++) {
        if (i < n && s[i] != sep)
            continue;
        const char *c = s + st;
        size_t cn = i - st;
        page_trim(&c, &cn);
        out[k++] = (cell){c, cn};
        st = i + 1;
    }
    if (k && !out[k - 1].n)
        k--;
    if (k && !out[0].n) {
        memmove(out, out + 1, (k - 1) * sizeof *out);
        k--;
    }
    return k;
}

/* Whether the word w (lower case) is a word of s[0..n), ASCII case
 * folded (`Pre-talk title` holds `title`). */
static bool has_word(const char *s, size_t n, const char *w)
{
    size_t wl = strlen(w);
    for (size_t i = 0; i + wl <= n; i++) {
        if (i && ((s[i - 1] | 0x20) >= 'a' && (s[i - 1] | 0x20) <= 'z'))
            continue;
        size_t k = 0;
        while (k < wl && (s[i + k] | 0x20) == w[k])
            k++;
        if (k == wl && (i + k == n || !((s[i + k] | 0x20) >= 'a' && (s[i + k] | 0x20) <= 'z')))
            return true;
    }
    return false;
}

static bool any_word(const char *s, size_t n, const char *const *ws)
{
    for (; *ws; ws++)
        if (has_word(s, n, *ws))
            return true;
    return false;
}

/* The words that name a work's people (a table's person column, an
 * author line's label): English, German, French, Spanish, Italian. */
static const char *const person[] = { "speaker", "speakers", "author", "authors", "presenter",
                                      "presenters", "referent", "referentin", "vortragende",
                                      "autor", "autoren", "orateur", "intervenant", "auteur",
                                      "auteurs", "ponente", "autores", "relatore", "autore",
                                      "autori", "who", NULL };

bool page_person_word(const char *s, size_t n)
{
    return any_word(s, n, person);
}

/* What a header cell names; a header cell is short. */
static col_kind header_kind(const char *s, size_t n)
{
    static const char *const title[] = { "title", "titel", "titre", "titolo", "talk", "paper",
                                         "publication", "thema", "lecture", "vortrag", NULL };
    static const char *const date[] = { "date", "datum", "fecha", "data", "year", "jahr", "when",
                                        NULL };
    static const char *const venue[] = { "venue", "journal", "conference", "event", "source",
                                         NULL };
    if (!n || n > 40)
        return COL_OTHER;
    /* `Title` beats `Speaker` in `Talk title`; `Title` in `Speaker's
     * title` is rare */
    if (any_word(s, n, title) && !any_word(s, n, person))
        return COL_TITLE;
    if (any_word(s, n, person))
        return COL_PERSON;
    if (any_word(s, n, date))
        return COL_DATE;
    if (any_word(s, n, venue))
        return COL_VENUE;
    return COL_OTHER;
}

/* A header row: cells that are short words, one a title column and one
 * a person, date or venue column. kinds gets a kind per cell. */
static bool header_row(const char *s, size_t n, col_kind *kinds, size_t *ncols)
{
    cell c[TAB_MAX_COLS];
    size_t k = split_cells(s, n, c, TAB_MAX_COLS);
    if (k < 2)
        return false;
    bool title = false, other = false;
    for (size_t i = 0; i < k; i++) {
        kinds[i] = header_kind(c[i].s, c[i].n);
        title |= kinds[i] == COL_TITLE;
        other |= kinds[i] == COL_PERSON || kinds[i] == COL_DATE || kinds[i] == COL_VENUE;
    }
    *ncols = k;
    return title && other;
}

/* A separator row (`|---|:--|`): bars, dashes, colons, blanks. */
static bool rule_row(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!strchr("|-:+= \t", s[i]))
            return false;
    return true;
}

/* A row of the table whose header has ncols cells: as many cells, one
 * fewer or one more (a last column left empty, a stray bar). */
static bool body_row(const char *s, size_t n, size_t ncols)
{
    if (!memchr(s, '|', n) && !memchr(s, '\t', n))
        return false;
    cell c[TAB_MAX_COLS];
    size_t k = split_cells(s, n, c, TAB_MAX_COLS);
    return k >= 2 && k + 1 >= ncols && k <= ncols + 1;
}

/* The first header row of the page at or after line from, or pl->n; its
 * column kinds into kinds. */
static size_t find_header(const page_lines *pl, size_t from, col_kind *kinds, size_t *ncols)
{
    for (size_t i = from; i < pl->n; i++) {
        const char *s = pl->v[i].text;
        size_t n = pl->v[i].len;
        page_trim(&s, &n);
        if (n && (memchr(s, '|', n) || memchr(s, '\t', n)) && header_row(s, n, kinds, ncols))
            return i;
    }
    return pl->n;
}

/* How many body rows follow the header at h (blank and rule lines
 * between them skipped), up to the first line that is neither. */
static size_t count_rows(const page_lines *pl, size_t h, size_t ncols, size_t *end)
{
    size_t rows = 0, i = h + 1;
    for (; i < pl->n; i++) {
        const char *s = pl->v[i].text;
        size_t n = pl->v[i].len;
        page_trim(&s, &n);
        if (!n || rule_row(s, n))
            continue;
        if (!body_row(s, n, ncols))
            break;
        rows++;
    }
    *end = i;
    return rows;
}

bool page_table_head(const char *h, size_t len)
{
    size_t pos = 0, ncols = 0, rows = 0;
    bool header = false;
    col_kind kinds[TAB_MAX_COLS];
    while (pos < len && rows < 2) {
        size_t e = pos;
        while (e < len && h[e] != '\n' && h[e] != '\r')
            e++;
        const char *s = h + pos;
        size_t n = e - pos;
        pos = e + 1;
        page_trim(&s, &n);
        if (!n || (header && rule_row(s, n)))
            continue;
        bool cells = memchr(s, '|', n) || memchr(s, '\t', n);
        if (header && cells && body_row(s, n, ncols))
            rows++;
        else
            header = cells && header_row(s, n, kinds, &ncols), rows = 0;
    }
    return rows >= 2;
}

/* ---- cues --------------------------------------------------------------- */

/* Rows under a header with a title column: a row is as sure as a
 * reference line of the generic layout (5), two of them outweigh a
 * publications heading. */
static int table_page_cue(const page_lines *pl, page_cues *c)
{
    (void)c;
    col_kind kinds[TAB_MAX_COLS];
    size_t ncols, end, rows = 0;
    for (size_t h = find_header(pl, 0, kinds, &ncols); h < pl->n && rows < TAB_CUE_ROWS;
         h = find_header(pl, end, kinds, &ncols))
        rows += count_rows(pl, h, ncols, &end);
    return rows >= 2 ? 5 * (int)(rows < TAB_CUE_ROWS ? rows : TAB_CUE_ROWS) : 0;
}

static bool table_accept(const page_cues *c, int score)
{
    (void)c;
    return score >= 10;
}

/* ---- labelling ---------------------------------------------------------- */

static int label_table(const page_lines *pl, page_role *roles)
{
    for (size_t i = 0; i < pl->n; i++)
        roles[i] = PAGE_ROLE_BLANK;
    col_kind kinds[TAB_MAX_COLS];
    size_t ncols, end;
    for (size_t h = find_header(pl, 0, kinds, &ncols); h < pl->n;
         h = find_header(pl, end, kinds, &ncols)) {
        roles[h] = PAGE_ROLE_SECTION;
        count_rows(pl, h, ncols, &end);
        for (size_t i = h + 1; i < end; i++)
            if (pl->v[i].len)
                roles[i] = PAGE_ROLE_TITLE;
    }
    return BIB_OK;
}

/* ---- records ------------------------------------------------------------ */

/* Whether a title cell holds no title (`TBA`, `-`, `n/a`). */
static bool no_title(const char *s, size_t n)
{
    if (n < 3)
        return true;
    return (n == 3 && (!memcmp(s, "TBA", 3) || !memcmp(s, "TBD", 3) || !memcmp(s, "n/a", 3) ||
                       !memcmp(s, "N/A", 3)));
}

/* The records of one row (line i, its cells c[0..k)): one per title
 * column. talks: the header names speakers or talks (the records are
 * talks). */
static int build_row(const page_build *b, const page_lines *pl, size_t i, const cell *c, size_t k,
                     const col_kind *kinds, bool talks)
{
    int year = 0;
    const cell *venue = NULL;
    for (size_t j = 0; j < k && j < TAB_MAX_COLS; j++) {
        if (kinds[j] == COL_DATE && !year)
            year = page_find_year(c[j].s, c[j].n);
        if (kinds[j] == COL_VENUE && !venue && c[j].n)
            venue = &c[j];
    }
    for (size_t t = 0; t < k && t < TAB_MAX_COLS; t++) {
        if (kinds[t] != COL_TITLE || no_title(c[t].s, c[t].n))
            continue;
        /* the person column nearest before the title's, else after it */
        size_t p = TAB_MAX_COLS;
        for (size_t j = t; j-- > 0 && p == TAB_MAX_COLS;)
            if (kinds[j] == COL_PERSON)
                p = j;
        for (size_t j = t + 1; j < k && j < TAB_MAX_COLS && p == TAB_MAX_COLS; j++)
            if (kinds[j] == COL_PERSON)
                p = j;
        bib_record *rec = bib_record_new(talks ? BIB_TYPE_SPEECH : BIB_TYPE_ARTICLE, NULL);
        if (!rec)
            return BIB_ENOMEM;
        const char *ts = c[t].s;
        size_t tn = c[t].n;
        while (tn && ts[tn - 1] == '.')
            tn--;
        int rc = bib_record_set_text(rec, BIB_VAR_TITLE, ts, tn);
        if (rc == BIB_OK && p < k)
            rc = page_add_name_line(rec, c[p].s, c[p].n);
        if (rc == BIB_OK && venue)
            rc = bib_record_set_text(rec, talks ? BIB_VAR_EVENT_TITLE : BIB_VAR_CONTAINER_TITLE,
                                     venue->s, venue->n);
        if (rc == BIB_OK && year)
            rc = page_set_year(rec, year);
        if (rc != BIB_OK) {
            bib_record_free(rec);
            return rc;
        }
        rc = b->emit(b->ctx, rec, pl->v[i].lineno);
        if (rc != BIB_OK)
            return rc;
    }
    return BIB_OK;
}

static int build_table(const page_build *b, const page_lines *pl, const page_role *roles)
{
    (void)roles;
    col_kind kinds[TAB_MAX_COLS];
    size_t ncols, end;
    int rc = BIB_OK;
    for (size_t h = find_header(pl, 0, kinds, &ncols); rc == BIB_OK && h < pl->n;
         h = find_header(pl, end, kinds, &ncols)) {
        count_rows(pl, h, ncols, &end);
        bool talks = false;
        cell hc[TAB_MAX_COLS];
        const char *hs = pl->v[h].text;
        size_t hn = pl->v[h].len;
        page_trim(&hs, &hn);
        size_t hk = split_cells(hs, hn, hc, TAB_MAX_COLS);
        for (size_t j = 0; j < hk; j++)
            talks |= has_word(hc[j].s, hc[j].n, "speaker") || has_word(hc[j].s, hc[j].n, "talk") ||
                     has_word(hc[j].s, hc[j].n, "speakers") || has_word(hc[j].s, hc[j].n, "presenter");
        for (size_t i = h + 1; rc == BIB_OK && i < end; i++) {
            const char *s = pl->v[i].text;
            size_t n = pl->v[i].len;
            page_trim(&s, &n);
            if (!n || rule_row(s, n))
                continue;
            cell c[TAB_MAX_COLS];
            size_t k = split_cells(s, n, c, TAB_MAX_COLS);
            rc = build_row(b, pl, i, c, k, kinds, talks);
        }
    }
    return rc;
}

const page_layout_desc page_layout_table = {
    .name = "table",
    .page_cue = table_page_cue,
    .accept = table_accept,
    .nstates = 0, /* no best path: the header's columns */
    .features = 0,
    .label = label_table,
    .build = build_table,
};
