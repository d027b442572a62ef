/* SPDX-License-Identifier: MIT */
/*
 * layout_generic.c - any publication list that none of the site layouts
 * fits: a personal or lab page, a CV, a repository listing, a numbered
 * reference list, whose entries are formatted references (APA, IEEE,
 * Chicago, DIN, ...) or title/author/venue blocks. Each entry goes through
 * core's reference tagger (reftag.h) and its record builder, as the `refs`
 * reader's entries do (plugins/refs/refs_text.c: the list splitting both
 * share).
 *
 * Cue: lines the tagger reads as a whole reference that opens with its
 * authors and holds a title and a date (docs/page.md, "Generic layout"),
 * or as one without authors that opens with its title and names its
 * venue (docs/page.md, "Lists without authors").
 * Labelling is a fixed rule (no best path): headings are sections, every
 * entry's first line a title line, its other lines continuations.
 *
 * Not for: the known sites' layouts (layout_profile.c, layout_feed.c,
 * layout_topic.c, layout_paper.c), whose cues win over this one.
 */
#include <string.h>
#include <strings.h>

#include "bibconv/dates.h"
#include "bibconv/names.h"
#include "bibconv/reftag.h"
#include "pageint.h"
#include "refs_text.h"

/* Detection tags at most this many candidate lines of a page: the cue is
 * settled long before, and a huge page costs no more than this. */
#define GEN_CUE_LINES 400

/* The tagger for pl's lines: the reader's (page_lines.tagger, made here
 * on first use and freed with the reader), or for lines of no reader a
 * new one; NULL when out of memory. Give it back with gen_tagger_done. */
static bib_reftag *gen_tagger(const page_lines *pl)
{
    if (!pl->tagger)
        return bib_reftag_new();
    if (!*pl->tagger)
        *pl->tagger = bib_reftag_new();
    return *pl->tagger;
}

static void gen_tagger_done(const page_lines *pl, bib_reftag *tag)
{
    if (!pl->tagger)
        bib_reftag_free(tag);
}

/* ---- cues --------------------------------------------------------------- */

static bool page_wrapped(const page_lines *pl);
#define find_year page_find_year
static bool ends_field(char c);

/* Bytes of the list markers at the start of s ("• 12. "): a bullet and
 * a number may both be there. */
static size_t markers(const char *s, size_t n)
{
    size_t mk = refs_marker(s, n);
    if (mk && mk < n)
        mk += refs_marker(s + mk, n - mk);
    return mk;
}

/* A line that opens with a year and a full stop ("2021. Title. ..."): a
 * CV's entry under its year, which starts an entry as a list marker
 * does (the year stays: it is the entry's date). */
static bool year_first(const char *s, size_t n)
{
    return n > 6 && s[4] == '.' && s[5] == ' ' && find_year(s, 4);
}

/* Does s[0..n) read as one whole reference? A cheap filter (a year,
 * reference punctuation, capitalised words) before the tagger's word. */
static bool ref_line(bib_reftag *tag, const char *s, size_t n)
{
    refs_trim(&s, &n);
    size_t mk = markers(s, n);
    if (!refs_line_looks_ref(s + mk, n - mk))
        return false;
    if (bib_reftag_run(tag, s + mk, n - mk) < 0)
        return false;
    return refs_tagged_as_ref(tag, s + mk);
}

/* How many entries of the page read as whole references (bounded). An
 * entry is a line, or on text wrapped at a fixed width or after a list
 * marker, a line with the lines after it up to a blank line or a list
 * marker (at most 8). *bare_refs gets how many read as references without
 * authors: 0 unless two at least and most of the entries tried (the rest
 * is the page's chrome: a name, a menu); a title line without a year
 * followed by a line under 300 bytes that holds one is tried joined to
 * it (`Title.` / `Venue, 2006`, a list grouped under year headings;
 * `Title` / `Venue, (2013), pages 1-9 (with A. Roe)`), as a reference
 * with or without names; a
 * line with a full stop before its end is prose (an abstract above its
 * feed's meta line), not tried so. */
static bool title_then_venue(const char *t, size_t tn, const char *s, size_t n);
static bool author_line(const char *s, size_t n);

/* A title and its authors after `By` or `, by` (`Managing the family firm
 * By Oriana Bandiera; Raffaella Sadun`, a paper series' table of
 * contents, no year): a title of three words at least, then an author
 * line. */
static bool by_line(const char *s, size_t n)
{
    for (size_t i = 12; i + 8 < n; i++) {
        if (s[i] != ' ' || s[i + 3] != ' ' || s[i + 2] != 'y' ||
            !(s[i + 1] == 'B' || (s[i + 1] == 'b' && s[i - 1] == ',')))
            continue;
        size_t words = 0;
        for (size_t k = 0; k < i; k++)
            words += s[k] == ' ';
        return words >= 2 && author_line(s + i + 4, n - i - 4);
    }
    return false;
}

static int count_ref_lines(const page_lines *pl, int *bare_refs)
{
    *bare_refs = 0;
    bib_reftag *tag = gen_tagger(pl);
    if (!tag)
        return 0;
    bool wrapped = page_wrapped(pl);
    bib_buf entry = BIB_BUF_INIT;
    int k = 0, tried = 0, bare = 0;
    for (size_t i = 0; i < pl->n && tried < GEN_CUE_LINES; i++) {
        const char *s = pl->v[i].text;
        size_t n = pl->v[i].len;
        refs_trim(&s, &n);
        bib_buf_reset(&entry);
        bib_buf_append(&entry, s, n);
        /* a numbered entry ends at the next number (or a blank line) */
        bool numbered = markers(s, n) > 0 || year_first(s, n);
        for (size_t j = i + 1; (wrapped || numbered) && j < pl->n && j < i + 8; j++) {
            const char *t = pl->v[j].text;
            size_t tn = pl->v[j].len;
            refs_trim(&t, &tn);
            if (!tn || markers(t, tn) || year_first(t, tn))
                break;
            bib_buf_putc(&entry, ' ');
            bib_buf_append(&entry, t, tn);
            i = j;
        }
        bool joined = false;
        if (!wrapped && !numbered && i + 1 < pl->n) {
            const char *t = pl->v[i + 1].text;
            size_t tn = pl->v[i + 1].len;
            refs_trim(&t, &tn);
            if (tn && !markers(t, tn) && title_then_venue(s, n, t, tn)) {
                bib_buf_puts(&entry, ends_field(s[n - 1]) ? " " : ". ");
                bib_buf_append(&entry, t, tn);
                joined = true;
            }
        }
        if (bib_buf_failed(&entry))
            break;
        if (entry.len < 40)
            continue;
        tried++;
        if (joined) {
            /* the pair is one entry: a reference without names, or one
             * with its co-authors after the venue (`Title` / `Venue, (2013),
             * pages 1-9 (with A. Roe and B. Lee)`) */
            if (refs_line_looks_ref(entry.data, entry.len)
                && bib_reftag_run(tag, entry.data, entry.len) >= 0) {
                if (refs_tagged_as_ref(tag, entry.data))
                    k++;
                else
                    bare += refs_tagged_as_bare_ref(tag, entry.data);
            }
            i++;
            continue;
        }
        size_t em = markers(entry.data, entry.len);
        if (ref_line(tag, entry.data, entry.len) || by_line(entry.data + em, entry.len - em))
            k++;
        else if (refs_line_looks_ref(entry.data + em, entry.len - em))
            bare += refs_tagged_as_bare_ref(tag, entry.data + em);
    }
    bib_buf_clear(&entry);
    gen_tagger_done(pl, tag);
    if (bare >= 2 && bare * 2 > tried)
        *bare_refs = bare;
    return k;
}

/* ---- title/author blocks ---------------------------------------------- */

/* Calls fn on each name piece of an author line: parenthesised parts
 * (affiliations) dropped, pieces cut at ',', ';', '&' and " and ". Returns
 * how many pieces there were. */
typedef void (*gen_name_fn)(const char *s, size_t n, void *ctx);

static size_t name_pieces(const char *s, size_t n, gen_name_fn fn, void *ctx)
{
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

/* An author line: every name piece (but one in five) reads as a name
 * by the name model, no sentence and no year in it (a venue line). A
 * full stop may close a list of two names or more (a lab page writes
 * "A, B and C."); one name with a full stop is a sentence's end. */
static bool author_line(const char *s, size_t n)
{
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
    return f.prose < 3 && (timed || (f.tokens >= 3 && !author_line(s, n)));
}

/* The index of the first non-blank line after i, or pl->n. */
static size_t next_nonblank(const page_lines *pl, size_t i)
{
    for (size_t j = i + 1; j < pl->n; j++)
        if (pl->v[j].len) {
            const char *s = pl->v[j].text;
            size_t n = pl->v[j].len;
            page_trim(&s, &n);
            if (n)
                return j;
        }
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

/* A date alone on a line (`July 2014`, `3 March 2021`, `2019-05-02`):
 * a year and, besides it, only numbers, month names and marks. */
static bool date_line(const char *s, size_t n)
{
    if (n < 4 || n > 30 || !find_year(s, n))
        return false;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && ((s[j] | 32) >= 'a' && (s[j] | 32) <= 'z'))
            j++;
        if (j > i && !bib_month_parse(s + i, j - i))
            return false;
        if (j == i && (unsigned char)s[i] >= 0x80)
            return false;
        i = j > i ? j : i + 1;
    }
    return true;
}

/* The author line of a block whose title is line i: the next line, or
 * the one after a date line under the title (a feed's `Title` / `July
 * 2014` / `A. Wong | S. Tang`); pl->n when neither is one. */
static size_t block_authors(const page_lines *pl, size_t i)
{
    size_t a = next_nonblank(pl, i);
    if (line_is(pl, a, date_line))
        a = next_nonblank(pl, a);
    return line_is(pl, a, author_line) ? a : pl->n;
}

/* Line i opens a block: a title line followed by an author line, which
 * is not followed by another (one person per line is a profile's
 * publication, layout_profile.c). */
static bool block_start(const page_lines *pl, size_t i)
{
    if (!line_is(pl, i, block_title))
        return false;
    size_t a = block_authors(pl, i);
    return a < pl->n && !line_is(pl, next_nonblank(pl, a), author_line);
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
static int count_blocks_venues(const page_lines *pl, int *venues, int *timed)
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
static bool enough_blocks(const page_lines *pl, int *blocks)
{
    int v, t;
    *blocks = count_blocks_venues(pl, &v, &t);
    return *blocks >= 2 || t >= 1;
}

static int count_ref_entries(const page_lines *pl);

static int generic_page_cue(const page_lines *pl, page_cues *c)
{
    (void)c;
    /* a block is less sure than a reference: three of them outweigh a
     * publications heading; a venue line under a block's authors is the
     * block's, not a poster's (it counts against this layout in
     * generic_score as the topic page's posters do) */
    int venues, timed;
    int blocks = count_blocks_venues(pl, &venues, &timed);
    int bare;
    int refs = count_ref_lines(pl, &bare);
    if (pl->pieces) {
        int by_entry = count_ref_entries(pl);
        refs = by_entry > refs ? by_entry : refs;
    }
    /* a reference without authors is less sure than a full one: three
     * outweigh a publications heading */
    return 5 * refs + 3 * blocks + 2 * venues + 4 * bare;
}

/* The site layouts' own marks (abstract markers, feed meta lines) speak
 * against a list of references; venue lines ("Venue 2021") count as
 * much against it as they count for a topic page. Two references
 * outweigh a publications heading (a profile's cue, 8). */
static int generic_score(const page_cues *c, int own)
{
    return own - 10 * (c->abs_markers + c->metas) - 2 * c->venues;
}

static bool generic_accept(const page_cues *c, int score)
{
    (void)c;
    return score >= 10;
}

static bool generic_fits(const page_lines *pl)
{
    int blocks, bare;
    return count_ref_lines(pl, &bare) >= 1 || bare > 0 || enough_blocks(pl, &blocks);
}

/* ---- entries ------------------------------------------------------------ */

/* Called for every entry (lines first..last, their text joined) and,
 * with text NULL, for every heading line. */
typedef int (*gen_entry_fn)(void *ctx, size_t first, size_t last, const char *text,
                            size_t n);

typedef struct gen_walk {
    const page_lines *pl;
    bib_reftag *tag;
    bib_buf cur;
    size_t first, last;
    bool wrapped;      /* the page's text is wrapped at a fixed width */
    size_t last_len;   /* length of the last line appended */
    gen_entry_fn fn;
    void *ctx;
} gen_walk;

/* Text wrapped at a fixed width (a list copied from a PDF or a mail): many
 * lines within 15 % of the longest, which is not long, and which go on
 * (a wrapped line ends inside its entry, not on its full stop: lines of
 * one whole reference each may be as long as one another). Otherwise
 * every line is a block of the page (a browser copy, saved HTML), and a
 * line break inside an entry separates two of its fields. */
static bool page_wrapped(const page_lines *pl)
{
    size_t max = 0, lines = 0, near = 0;
    for (size_t i = 0; i < pl->n; i++)
        if (pl->v[i].len > max)
            max = pl->v[i].len;
    if (max == 0 || max > 130)
        return false;
    for (size_t i = 0; i < pl->n; i++) {
        size_t n = pl->v[i].len;
        if (n == 0)
            continue;
        lines++;
        const char *t = pl->v[i].text;
        while (n > 1 && (t[n - 1] == ' ' || t[n - 1] == '\t'))
            n--;
        near += n * 20 >= max * 17 && t[n - 1] != '.';
    }
    return lines >= 4 && near * 10 >= lines * 3;
}

static bool ends_field(char c)
{
    return c == '.' || c == ',' || c == ';' || c == ':' || c == '?' || c == '!' || c == ')'
           || c == ']' || c == '"' || c == '\'';
}

static int walk_append(gen_walk *w, const char *s, size_t n)
{
    bib_buf *b = &w->cur;
    if (b->len) {
        char e = b->data[b->len - 1];
        char p = b->len > 1 ? b->data[b->len - 2] : ' ';
        if (e == '-' && p >= 'a' && p <= 'z' && s[0] >= 'a' && s[0] <= 'z') {
            bib_buf_truncate(b, b->len - 1); /* "experi-" "ment" */
        } else if (!w->wrapped && !ends_field(e) && (unsigned char)e >= 0x30
                   && page_starts_upper(s, n)) {
            /* a block's fields on lines of their own: "Title" "A. Author" */
            bib_buf_puts(b, ". ");
        } else {
            bib_buf_putc(b, ' ');
        }
    }
    bib_buf_append(b, s, n);
    w->last_len = n;
    return bib_buf_failed(b) ? BIB_ENOMEM : BIB_OK;
}

static int walk_flush(gen_walk *w)
{
    if (!w->cur.len)
        return BIB_OK;
    int rc = w->fn(w->ctx, w->first, w->last, w->cur.data, w->cur.len);
    bib_buf_reset(&w->cur);
    return rc;
}

/* A profile's figure, "Label: number" ("Number of co-authors: 52",
 * "Citations: 1,204", "Nombre de citations : 87"): the page's chrome,
 * never an entry nor a part of one. The label is letters of any script,
 * spaces and hyphens. */
static bool stat_line(const char *s, size_t n)
{
    const char *c = memchr(s, ':', n);
    if (!c || c == s || c - s > 40)
        return false;
    for (const char *p = s; p < c; p++)
        if (!((*p | 32) >= 'a' && (*p | 32) <= 'z') && (unsigned char)*p < 0x80 && *p != ' '
            && *p != '-')
            return false;
    size_t i = (size_t)(c - s) + 1, digits = 0;
    while (i < n && s[i] == ' ')
        i++;
    for (; i < n; i++) {
        if (s[i] >= '0' && s[i] <= '9')
            digits++;
        else if (s[i] != ',' && s[i] != '.')
            return false;
    }
    return digits > 0;
}

/* A title line alone (12 to 250 bytes, no year, no full stop before its
 * end) followed by a line under 300 bytes that holds a year: a pair
 * count_ref_lines tries as one entry. */
static bool title_then_venue(const char *t, size_t tn, const char *s, size_t n)
{
    return tn >= 12 && tn <= 250 && !find_year(t, tn) && !memchr(t, '.', tn - 1) && n < 300 &&
           find_year(s, n);
}

/* Is line i, which reads as a heading, the title of the venue line right
 * under it (`A Theory of Liberal Churches` / `Mathematical Social
 * Sciences, (2011), Volume 61, pages 41-51`)? A heading is followed by
 * entries, and an entry has a title of its own. */
static bool title_of_venue(gen_walk *w, size_t i)
{
    const page_lines *pl = w->pl;
    if (i + 1 >= pl->n)
        return false;
    const char *s = pl->v[i + 1].text;
    size_t n = pl->v[i + 1].len;
    refs_trim(&s, &n);
    if (n == 0 || markers(s, n) || n > 400)
        return false;
    return bib_reftag_run(w->tag, s, n) > 0 && refs_tagged_as_venue(w->tag);
}

/* Splits the page into entries as the refs reader splits a list: a blank
 * line, a list marker or a heading ends one; a line that reads as a whole
 * reference starts one; otherwise the refs reader's continuation rule. */
static int walk_page(gen_walk *w)
{
    const page_lines *pl = w->pl;
    w->wrapped = page_wrapped(pl);
    refs_shape_stats stats;
    memset(&stats, 0, sizeof stats);
    for (size_t i = 0; i < pl->n; i++)
        refs_shape_add(&stats, pl->v[i].text, pl->v[i].len);
    refs_shape shape = refs_shape_guess(&stats);
    /* A list whose entries carry markers ("[2]", "3.", a bullet) starts an
     * entry only at a marker: an unmarked line inside a marked entry is its
     * wrapped rest, however much it reads like a reference by itself. */
    size_t marked = 0;
    for (size_t i = 0; i < pl->n && marked < 2; i++) {
        const char *s = pl->v[i].text;
        size_t n = pl->v[i].len;
        refs_trim(&s, &n);
        marked += n && markers(s, n) > 0;
    }
    bool in_marked = false;
    int rc = BIB_OK;
    for (size_t i = 0; i < pl->n && rc == BIB_OK; i++) {
        const char *s = pl->v[i].text;
        size_t n = pl->v[i].len;
        refs_trim(&s, &n);
        if (n == 0) {
            rc = walk_flush(w);
            in_marked = false;
            continue;
        }
        if (stat_line(s, n) || refs_review_line(s, n)) {
            rc = walk_flush(w);
            in_marked = false;
            continue;
        }
        size_t mk = markers(s, n);
        if (!mk && (refs_is_heading(s, n) || page_is_heading(s, n)) && !title_of_venue(w, i)) {
            rc = walk_flush(w);
            if (rc == BIB_OK)
                rc = w->fn(w->ctx, i, i, NULL, 0);
            in_marked = false;
            continue;
        }
        /* a line that brings the entry's container never starts one,
         * however much it reads as a reference by itself */
        bool in_venue = w->cur.len && refs_opens_container(w->cur.data, w->cur.len, s, n);
        bool starts = mk || year_first(s, n) || (!in_venue && !(in_marked && marked >= 2) &&
                             (!refs_continues_shape(shape, w->cur.data, w->cur.len, s, n) ||
                              ref_line(w->tag, s, n)));
        /* an entry stops growing at REFS_JOIN_MAX bytes, as the refs
         * reader's do: a marked entry followed by a long unmarked list
         * would otherwise take the whole list in, to be tagged again for
         * each reference split off it (quadratic) */
        if (w->cur.len >= REFS_JOIN_MAX)
            starts = true;
        if (starts)
            in_marked = mk > 0;
        if (w->cur.len && starts)
            rc = walk_flush(w);
        if (rc != BIB_OK)
            break;
        if (!w->cur.len)
            w->first = i;
        w->last = i;
        rc = walk_append(w, s + mk, n - mk);
    }
    if (rc == BIB_OK)
        rc = walk_flush(w);
    return rc;
}

static int run_walk(const page_lines *pl, gen_entry_fn fn, void *ctx, bib_reftag *tag)
{
    gen_walk w = {.pl = pl, .tag = tag, .fn = fn, .ctx = ctx};
    bib_buf_init(&w.cur);
    int rc = walk_page(&w);
    bib_buf_clear(&w.cur);
    return rc;
}

typedef struct {
    bib_reftag *tag;
    int refs;
} ref_count;

static int count_entry(void *ctx, size_t first, size_t last, const char *text, size_t n)
{
    (void)first, (void)last;
    ref_count *rc = ctx;
    if (text && n <= 2000 && ref_line(rc->tag, text, n))
        rc->refs++;
    return BIB_OK;
}

/* A page joined from pieces: its entries span lines however they were
 * joined, so the whole references are counted by entry, as the walk
 * splits them (at most GEN_CUE_LINES lines). */
static int count_ref_entries(const page_lines *pl)
{
    ref_count rc = {gen_tagger(pl), 0};
    if (!rc.tag)
        return 0;
    page_lines head = *pl;
    if (head.n > GEN_CUE_LINES)
        head.n = GEN_CUE_LINES;
    run_walk(&head, count_entry, &rc, rc.tag);
    gen_tagger_done(pl, rc.tag);
    return rc.refs;
}

/* ---- labelling ---------------------------------------------------------- */

static int label_entry(void *ctx, size_t first, size_t last, const char *text, size_t n)
{
    (void)n;
    page_role *roles = ctx;
    if (!text) {
        roles[first] = PAGE_ROLE_SECTION;
        return BIB_OK;
    }
    roles[first] = PAGE_ROLE_TITLE;
    for (size_t i = first + 1; i <= last; i++)
        roles[i] = PAGE_ROLE_ABSTRACT; /* a continuation of the entry */
    return BIB_OK;
}

static bool block_page(const page_lines *pl);
static void block_span(const page_lines *pl, size_t t, size_t *a, size_t *end);

/* Blocks: the title line, the author line, the lines after them as
 * venue lines. */
static void label_blocks(const page_lines *pl, page_role *roles)
{
    for (size_t i = 0; i < pl->n;) {
        if (!block_start(pl, i)) {
            i++;
            continue;
        }
        size_t a, end;
        block_span(pl, i, &a, &end);
        roles[i] = PAGE_ROLE_TITLE;
        for (size_t j = i + 1; j < a; j++) /* a date line between */
            roles[j] = pl->v[j].len ? PAGE_ROLE_VENUE : PAGE_ROLE_BLANK;
        roles[a] = PAGE_ROLE_AUTHOR;
        for (size_t j = a + 1; j < end; j++)
            roles[j] = pl->v[j].len ? PAGE_ROLE_VENUE : PAGE_ROLE_BLANK;
        i = end;
    }
}

static int label_generic(const page_lines *pl, page_role *roles)
{
    for (size_t i = 0; i < pl->n; i++)
        roles[i] = PAGE_ROLE_BLANK;
    if (block_page(pl)) {
        label_blocks(pl, roles);
        return BIB_OK;
    }
    bib_reftag *tag = gen_tagger(pl);
    if (!tag)
        return BIB_ENOMEM;
    int rc = run_walk(pl, label_entry, roles, tag);
    gen_tagger_done(pl, tag);
    return rc;
}

/* ---- records ------------------------------------------------------------ */

typedef struct gen_build {
    const page_build *b;
    const page_lines *pl;
    bib_reftag *tag;
    bib_record *prev;   /* the last record, for ditto authors ("---.") */
} gen_build;

/* A record worth keeping: a title and authors or a date, or a title in a
 * container with its pages or volume (`Title, in Festschrift für …, S.
 * 197-212`: a person's own list, undated); a line of page chrome tags as
 * a title alone, a name line as names alone. */
static bool is_reference(const bib_record *rec)
{
    return bib_record_has(rec, BIB_VAR_TITLE)
           && (bib_record_has(rec, BIB_VAR_AUTHOR) || bib_record_has(rec, BIB_VAR_EDITOR)
               || bib_record_has(rec, BIB_VAR_ISSUED)
               || (bib_record_has(rec, BIB_VAR_CONTAINER_TITLE)
                   && (bib_record_has(rec, BIB_VAR_PAGE) || bib_record_has(rec, BIB_VAR_VOLUME))));
}

static int build_one(gen_build *g, size_t first, const char *text, size_t n)
{
    /* before the first reference, a menu is the page's header */
    if (!g->prev && refs_menu_line(text, n))
        return BIB_OK;
    if (bib_reftag_run(g->tag, text, n) < 0)
        return BIB_ENOMEM;
    bib_record *rec = NULL;
    if (bib_reftag_record(g->tag, text, n, g->prev, &rec) != 0)
        return BIB_ENOMEM;
    if (!rec || !is_reference(rec)) {
        bib_record_free(rec);
        /* before the first reference: the page's header (a name, an
         * address, a menu), skipped as a profile's header is */
        if (!g->prev)
            return BIB_OK;
        char q[64];
        const page_line *l = &g->pl->v[first];
        page_quote(q, sizeof q, l->text, l->len);
        bib_input_report(g->b->in, BIB_SEV_WARNING, l->lineno, 1,
                         "line reads as no reference (no title with authors or a date), "
                         "skipped: '%s'", q);
        return BIB_OK;
    }
    bib_record *copy = bib_record_clone(rec);
    if (!copy) {
        bib_record_free(rec);
        return BIB_ENOMEM;
    }
    bib_record_free(g->prev);
    g->prev = copy;
    return g->b->emit(g->b->ctx, rec, g->pl->v[first].lineno);
}

static int build_entry(void *ctx, size_t first, size_t last, const char *text, size_t n)
{
    (void)last;
    gen_build *g = ctx;
    if (!text)
        return BIB_OK; /* a heading */
    page_drop_cite_count(text, &n);
    /* several references in one entry (one bullet): split where the
     * tagger starts a second author list after a title and a date */
    for (int parts = 0; parts < 64; parts++) {
        if (bib_reftag_run(g->tag, text, n) < 0)
            return BIB_ENOMEM;
        size_t cut = refs_split_point(g->tag, text);
        if (!cut)
            break;
        size_t k = cut;
        while (k > 0 && text[k - 1] == ' ')
            k--;
        int rc = build_one(g, first, text, k);
        if (rc != BIB_OK)
            return rc;
        text += cut;
        n -= cut;
    }
    return build_one(g, first, text, n);
}

/* A page of title/author blocks rather than formatted references. */
static bool block_page(const page_lines *pl)
{
    int blocks;
    /* a block joined into one entry may read as a reference too */
    int bare;
    return enough_blocks(pl, &blocks) && blocks * 2 >= count_ref_lines(pl, &bare);
}

/* The block that starts at line t: its author line in *a, and the lines
 * after it up to the next block or heading in (*a, *end). */
static void block_span(const page_lines *pl, size_t t, size_t *a, size_t *end)
{
    *a = block_authors(pl, t);
    size_t e = *a + 1;
    while (e < pl->n && !block_start(pl, e)) {
        const char *s = pl->v[e].text;
        size_t n = pl->v[e].len;
        page_trim(&s, &n);
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
    if (page_add_name_line(rec, s, n) != BIB_OK)
        rc = BIB_ENOMEM;
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
        /* a short abstract (a sentence or two) is running prose: ten
         * words or more ending a sentence, lower-case words at least
         * twice the capitalised ones; a venue line is mostly capitalised
         * words ("Proceedings of the ... Conference on ...") */
        char last = s[n - 1];
        bool sentence = f.tokens >= 10 && !ends_year
                        && (last == '.' || last == '!' || last == '?')
                        && f.lower_words >= 2 * f.cap_words;
        if (n > 200 || sentence || (f.prose >= 3 && f.tokens > 12 && !ends_year)) {
            /* an abstract, not a venue: the first such paragraph (a
             * programme prints it under the speakers) */
            if ((f.prose >= 3 || sentence) && !bib_record_has(rec, BIB_VAR_ABSTRACT))
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

static int build_blocks(const page_build *b, const page_lines *pl)
{
    /* no tagger (out of memory) leaves venue lines whole */
    bib_reftag *tag = gen_tagger(pl);
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
    gen_tagger_done(pl, tag);
    return rc;
}

static int build_generic(const page_build *b, const page_lines *pl, const page_role *roles)
{
    (void)roles;
    if (block_page(pl))
        return build_blocks(b, pl);
    gen_build g = {b, pl, gen_tagger(pl), NULL};
    if (!g.tag)
        return BIB_ENOMEM;
    int rc = run_walk(pl, build_entry, &g, g.tag);
    bib_record_free(g.prev);
    gen_tagger_done(pl, g.tag);
    return rc;
}

const page_layout_desc page_layout_generic = {
    .name = "generic",
    .page_cue = generic_page_cue,
    .score = generic_score,
    .accept = generic_accept,
    .fits = generic_fits,
    .nstates = 0, /* no best path: the entries' rule */
    .features = 0,
    .label = label_generic,
    .build = build_generic,
};
