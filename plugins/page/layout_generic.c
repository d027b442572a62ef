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
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bibconv/dates.h"
#include "bibconv/names.h"
#include "bibconv/reftag.h"
#include "pageint.h"
#include "refs_text.h"

#define GEN_CUE_LINES PAGE_GEN_CUE_LINES

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
#define markers page_gen_markers
static bool ends_field(char c);

size_t page_gen_markers(const char *s, size_t n)
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
    if (!refs_line_looks_ref(s + mk, n - mk) && !refs_journal_numbers(s + mk, n - mk))
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

/* A title and its authors after `By` or `, by` (`Managing the family firm
 * By Oriana Bandiera; Raffaella Sadun`, a paper series' table of
 * contents, no year): a title of three words at least, then an author
 * line. */
static bool by_line(const char *s, size_t n)
{
    size_t at = refs_by_at(s, n);
    return at && page_gen_author_line(s + at, n - at);
}

static int count_ref_lines(const page_lines *pl, int *bare_refs)
{
    *bare_refs = 0;
    bib_reftag *tag = gen_tagger(pl);
    if (!tag)
        return 0;
    bool wrapped = page_wrapped(pl);
    bib_buf entry = BIB_BUF_INIT;
    int k = 0, tried = 0, bare = 0, titles = 0;
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
        size_t vj = i + 1;
        if (!wrapped && !numbered && i + 1 < pl->n) {
            const char *t = pl->v[vj].text;
            size_t tn = pl->v[vj].len;
            refs_trim(&t, &tn);
            /* a blank line between a title and its venue (a feed's) */
            if (!tn && n && vj + 1 < pl->n) {
                t = pl->v[++vj].text;
                tn = pl->v[vj].len;
                refs_trim(&t, &tn);
            }
            /* the co-authors between them (`with A. Roe`), bracketed as
             * the walk brackets them (walk_append) */
            const char *co = NULL;
            size_t con = 0;
            if (tn && vj + 1 < pl->n && page_coauthor_line(t, tn)) {
                co = t;
                con = tn;
                t = pl->v[++vj].text;
                tn = pl->v[vj].len;
                refs_trim(&t, &tn);
            }
            if (tn && !markers(t, tn) && title_then_venue(s, n, t, tn)) {
                if (co) {
                    bib_buf_puts(&entry, " (");
                    bib_buf_append(&entry, co, con);
                    bib_buf_puts(&entry, ").");
                }
                bib_buf_puts(&entry, co || ends_field(s[n - 1]) ? " " : ". ");
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
            i = vj;
            continue;
        }
        size_t em = markers(entry.data, entry.len);
        if (ref_line(tag, entry.data, entry.len) || by_line(entry.data + em, entry.len - em))
            k++;
        else if (refs_line_looks_ref(entry.data + em, entry.len - em) &&
                 refs_tagged_as_bare_ref(tag, entry.data + em))
            bare++;
        else if (refs_quoted_entry(entry.data + em, entry.len - em))
            bare++;
        else if (em && !find_year(entry.data, entry.len) &&
                 !refs_line_looks_ref(entry.data + em, entry.len - em))
            titles++;
    }
    bib_buf_clear(&entry);
    gen_tagger_done(pl, tag);
    /* a numbered entry without a year is no chrome: a list of one
     * person's work numbers its titles alone too (`14. Il finanziamento
     * della scuola privata`), so it does not count against the rest */
    if (bare >= 2 && bare * 2 > tried - titles)
        *bare_refs = bare;
    return k;
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
    int blocks = page_gen_count_blocks(pl, &venues, &timed);
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
    return count_ref_lines(pl, &bare) >= 1 || bare > 0 || page_gen_enough_blocks(pl, &blocks);
}

/* ---- entries ------------------------------------------------------------ */

/* Called for every entry (lines first..last, their text joined) and,
 * with text NULL, for every heading line. */
/* What the walk knows of an entry of a title line over its venue line
 * (venue_after): the title's length in the text (the text is the title,
 * `. ` or ` `, the venue line) and the prose under the two (abs NULL when
 * none). */
typedef struct gen_pair {
    size_t title_len;
    const char *abs;
    size_t absn;
} gen_pair;

/* An entry of lines [first, last] (text NULL: a heading); pair NULL
 * unless the entry is a title over its venue line. */
typedef int (*gen_entry_fn)(void *ctx, size_t first, size_t last, const char *text,
                            size_t n, const gen_pair *pair);

typedef struct gen_walk {
    const page_lines *pl;
    bib_reftag *tag;
    bib_buf cur;
    size_t first, last;
    bool wrapped;      /* the page's text is wrapped at a fixed width */
    size_t last_len;   /* length of the last line appended */
    gen_entry_fn fn;
    void *ctx;
    bib_buf abs;       /* the prose under a title/venue pair */
    bool abs_open;     /* the entry is such a pair: prose lines are its abstract */
    size_t title_len;  /* the pair's title in cur */
    bool co_open;      /* the last line appended named co-authors: the
                        * venue line after them is the entry's */
} gen_walk;

/* Text wrapped at a fixed width (a list copied from a PDF or a mail): many
 * lines within 15 % of the longest, which is not long, and which go on
 * (a wrapped line ends inside its entry, not on its full stop or the `;`
 * some lists end entries with: lines of one whole reference each may be
 * as long as one another). Otherwise
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
        near += n * 20 >= max * 17 && t[n - 1] != '.' && t[n - 1] != ';';
    }
    return lines >= 4 && near * 10 >= lines * 3;
}

static bool ends_field(char c)
{
    return c == '.' || c == ',' || c == ';' || c == ':' || c == '?' || c == '!' || c == ')'
           || c == ']' || c == '"' || c == '\'';
}

/* Whether s[0..n) leaves a round bracket open (`… (wspólnie z
 * Adamem` / `Nowakiem), Szczecin 2000.`): a line broken inside a
 * bracket goes on in it, not in a field of its own. */
static bool bracket_open(const char *s, size_t n)
{
    int depth = 0;
    for (size_t i = 0; i < n; i++)
        depth += s[i] == '(' ? 1 : s[i] == ')' && depth > 0 ? -1 : 0;
    return depth > 0;
}

static int walk_append(gen_walk *w, const char *s, size_t n)
{
    bib_buf *b = &w->cur;
    if (b->len && !w->wrapped && page_coauthor_line(s, n)) {
        /* as a title's bracket writes them (`Title (with P. Kelly).
         * Venue`), the form the tagger learned (docs/refs.md, "Training
         * and validation") and coauthors_in_title reads; the block's
         * next line then opens a field of its own */
        while (n && (s[n - 1] == '.' || s[n - 1] == ',' || s[n - 1] == ';'))
            n--;
        bib_buf_puts(b, " (");
        refs_append_clean(b, s, n);
        bib_buf_puts(b, ").");
        w->last_len = n;
        w->co_open = true;
        return bib_buf_failed(b) ? BIB_ENOMEM : BIB_OK;
    }
    if (!b->len) {
        /* the person's part before an entry (`Co-author, Title …`) */
        size_t rl = refs_role_label(s, n);
        s += rl;
        n -= rl;
    }
    if (b->len) {
        char e = b->data[b->len - 1];
        char p = b->len > 1 ? b->data[b->len - 2] : ' ';
        if (e == '-' && p >= 'a' && p <= 'z' && s[0] >= 'a' && s[0] <= 'z') {
            bib_buf_truncate(b, b->len - 1); /* "experi-" "ment" */
        } else if (!w->wrapped && !ends_field(e) && (unsigned char)e >= 0x30
                   && page_starts_upper(s, n) && !bracket_open(b->data, b->len)) {
            /* a block's fields on lines of their own: "Title" "A. Author" */
            bib_buf_puts(b, ". ");
        } else {
            bib_buf_putc(b, ' ');
        }
    }
    refs_append_clean(b, s, n);
    w->last_len = n;
    return bib_buf_failed(b) ? BIB_ENOMEM : BIB_OK;
}

static int walk_flush(gen_walk *w)
{
    w->co_open = false;
    if (!w->cur.len)
        return BIB_OK;
    gen_pair pair = {w->title_len, w->abs.len ? w->abs.data : NULL, w->abs.len};
    int rc = w->fn(w->ctx, w->first, w->last, w->cur.data, w->cur.len,
                   w->title_len ? &pair : NULL);
    bib_buf_reset(&w->cur);
    bib_buf_reset(&w->abs);
    w->abs_open = false;
    w->title_len = 0;
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

/* A bullet and a number alone (`•  533`, a profile's count of views or
 * citations above each work): the page's chrome, as a stat line is. */
static bool count_badge(const char *s, size_t n)
{
    size_t mk = markers(s, n);
    if (!mk || mk >= n || n - mk > 6)
        return false;
    for (size_t i = mk; i < n; i++)
        if (!(s[i] >= '0' && s[i] <= '9') && s[i] != ',')
            return false;
    return true;
}

/* A title line alone (12 to 250 bytes, no year, no full stop before its
 * end) followed by a line under 300 bytes that holds a year: a pair
 * count_ref_lines tries as one entry. */
static bool title_then_venue(const char *t, size_t tn, const char *s, size_t n)
{
    return tn >= 12 && tn <= 250 && !find_year(t, tn) && !memchr(t, '.', tn - 1) && n < 300 &&
           (find_year(s, n) || refs_has_status(s, n));
}

/* Does line i title the venue line under it (`A Theory of Liberal
 * Churches` / `Mathematical Social Sciences, (2011), Volume 61, pages
 * 41-51`)? The venue line names a container and holds a number, but no
 * title of its own: a heading-like line above it is no heading. With
 * pair (line i opens an entry), a blank line may come between and the
 * venue line may be a byline, names then the venue (a feed's `Title` /
 * `A. Roe and B. Lee, Chromosome Research, 2022.`) and line i holds no
 * names and no date: the two are one entry. *j gets the venue line. */
/* The venue line s (n bytes) read after its title line t (tn bytes), as
 * walk_pair joins them: a venue line alone may read as a reference of
 * its own (`Ordo. Jahrbuch für … 68 (2017): 159-176.`: a name, then a
 * title), where after the title every word of it is a venue's. True
 * when the title line's words are all a title's and the venue line's are
 * no names or title, with a container or a publisher among them and a
 * volume, issue or pages (a quoted title and its year, `„Title” (2016)`,
 * reads as a container and a date after a line of prose). */
static bool venue_in_context(bib_reftag *tag, const char *t, size_t tn, const char *s, size_t n)
{
    bib_buf b = BIB_BUF_INIT;
    bib_buf_append(&b, t, tn);
    if (!ends_field(t[tn - 1]))
        bib_buf_putc(&b, '.');
    bib_buf_putc(&b, ' ');
    size_t at = b.len;
    bib_buf_append(&b, s, n);
    bool ok = !bib_buf_failed(&b) && bib_reftag_run(tag, b.data, b.len) > 0;
    bool title = false, venue = false, numbers = false;
    size_t nt = 0;
    const bib_ref_token *tok = ok ? bib_reftag_tokens(tag, &nt) : NULL;
    for (size_t q = 0; q < nt && ok; q++) {
        int l = tok[q].label;
        if (tok[q].off < at) {
            title |= l == BIB_REF_TITLE;
            ok = l == BIB_REF_TITLE || l == BIB_REF_PUNCT;
        } else {
            ok = l != BIB_REF_AUTHOR && l != BIB_REF_EDITOR && l != BIB_REF_TITLE;
            venue |= l == BIB_REF_CONTAINER || l == BIB_REF_PUBLISHER;
            numbers |= l == BIB_REF_VOLUME || l == BIB_REF_ISSUE || l == BIB_REF_PAGES;
        }
    }
    bib_buf_clear(&b);
    return ok && title && venue && numbers;
}

/* The tagger's last text read as a title with a volume, issue or pages
 * and no container or publisher. */
static bool title_without_venue(const bib_reftag *tag)
{
    size_t nt;
    const bib_ref_token *tok = bib_reftag_tokens(tag, &nt);
    bool title = false, numbers = false;
    for (size_t q = 0; q < nt; q++) {
        int l = tok[q].label;
        if (l == BIB_REF_CONTAINER || l == BIB_REF_PUBLISHER)
            return false;
        title |= l == BIB_REF_TITLE;
        numbers |= l == BIB_REF_VOLUME || l == BIB_REF_ISSUE || l == BIB_REF_PAGES;
    }
    return title && numbers;
}

static bool venue_after(gen_walk *w, size_t i, size_t *j, bool pair, bool heading)
{
    const page_lines *pl = w->pl;
    size_t k = i + 1;
    const char *s = NULL;
    size_t n = 0;
    for (int blank = 0; k < pl->n && blank < (pair ? 2 : 1); k++, blank++) {
        s = pl->v[k].text;
        n = pl->v[k].len;
        refs_trim(&s, &n);
        if (n)
            break;
    }
    if (k >= pl->n || n == 0 || n > 400 || markers(s, n) || !memchr(s, ' ', n))
        return false;
    /* a number, or the status a venue without its volume has yet
     * (`Public Choice, Online first.`) */
    bool digit = refs_has_status(s, n);
    for (size_t d = 0; d < n && !digit; d++)
        digit = s[d] >= '0' && s[d] <= '9';
    /* a journal read as a title is a byline's only under a title line
     * that is no heading (`Publications` over a reference of names, a
     * title and a year) */
    int mode = !pair ? REFS_VENUE_ONLY : heading ? REFS_VENUE_BYLINE : REFS_VENUE_TITLED;
    if (!digit || bib_reftag_run(w->tag, s, n) <= 0)
        return false;
    if (!refs_tagged_as_venue(w->tag, s, mode)) {
        /* read alone it is no venue: after a title line that is no
         * heading, it may be one in context, when alone it reads as a
         * title with numbers and no journal (the journal read as the
         * title); a whole reference has its journal, and is not tagged
         * twice */
        if (!pair || heading || !title_without_venue(w->tag))
            return false;
        const char *t = pl->v[i].text;
        size_t tn = pl->v[i].len;
        refs_trim(&t, &tn);
        if (!pair || heading || !tn || !venue_in_context(w->tag, t, tn, s, n))
            return false;
        *j = k;
        return true;
    }
    if (pair) {
        /* line i is a title alone: no names, no date in it (a list of
         * references with blank lines between is no list of titles) */
        const char *t = pl->v[i].text;
        size_t tn = pl->v[i].len;
        refs_trim(&t, &tn);
        if (bib_reftag_run(w->tag, t, tn) <= 0)
            return false;
        size_t nt;
        const bib_ref_token *tok = bib_reftag_tokens(w->tag, &nt);
        for (size_t q = 0; q < nt; q++)
            if (tok[q].label == BIB_REF_AUTHOR || tok[q].label == BIB_REF_DATE)
                return false;
    }
    *j = k;
    return true;
}

/* A paragraph of running prose (an abstract under a feed's entry): ten
 * words or more ending a sentence, lower-case words twice the
 * capitalised ones at least, or the page model's prose evidence. */
static bool prose_line(const char *s, size_t n)
{
    page_feat f;
    page_features(&f, s, n, NULL, 0);
    return page_gen_prose(&f, s[n - 1]);
}

/* Starts an entry of line i, a title, and line j, its venue (venue_after):
 * joined as one reference, the prose after them its abstract. */
static int walk_pair(gen_walk *w, size_t i, size_t j, const char *s, size_t n)
{
    int rc = walk_flush(w);
    if (rc != BIB_OK)
        return rc;
    w->first = i;
    w->last = j;
    bib_buf_append(&w->cur, s, n);
    w->title_len = n;
    if (!ends_field(s[n - 1]))
        bib_buf_putc(&w->cur, '.');
    const char *v = w->pl->v[j].text;
    size_t vn = w->pl->v[j].len;
    refs_trim(&v, &vn);
    bib_buf_putc(&w->cur, ' ');
    bib_buf_append(&w->cur, v, vn);
    w->abs_open = true;
    return bib_buf_failed(&w->cur) ? BIB_ENOMEM : BIB_OK;
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
        if (stat_line(s, n) || refs_review_line(s, n) || count_badge(s, n)) {
            rc = walk_flush(w);
            in_marked = false;
            continue;
        }
        if (!refs_link_tail(s, n))
            continue; /* a link's label alone (`Full text.`): the entry goes on */
        size_t mk = markers(s, n);
        bool heading = !mk && (refs_is_heading(s, n) || page_is_heading(s, n)) &&
                       !(w->cur.len && refs_ends_on_in(s, n));
        size_t vj;
        if (!mk && (!w->cur.len || w->abs_open) && venue_after(w, i, &vj, true, heading)) {
            rc = walk_pair(w, i, vj, s, n);
            in_marked = false;
            i = vj;
            continue;
        }
        /* inside an entry, a heading-like line over a venue is its text;
         * so is one over a line of co-authors (a short title) */
        if (heading && venue_after(w, i, &vj, false, true))
            heading = false;
        if (heading && !w->wrapped && i + 1 < pl->n) {
            const char *t = pl->v[i + 1].text;
            size_t tn = pl->v[i + 1].len;
            refs_trim(&t, &tn);
            heading = !page_coauthor_line(t, tn);
        }
        if (w->abs_open) {
            if (prose_line(s, n)) {
                if (w->abs.len)
                    bib_buf_putc(&w->abs, ' ');
                bib_buf_append(&w->abs, s, n);
                rc = bib_buf_failed(&w->abs) ? BIB_ENOMEM : BIB_OK;
                continue;
            }
            /* a link under them is the entry's (`doi: 10.1/x`, a URL),
             * and so are its co-authors (`With H. Roe`, a CV's line
             * under its title and venue); else a title, its venue and
             * its prose are the whole entry */
            if (strncasecmp(s, "doi", 3) == 0 || strncasecmp(s, "http", 4) == 0 ||
                strncasecmp(s, "www.", 4) == 0 || (!w->abs.len && page_coauthor_line(s, n))) {
                rc = walk_append(w, s, n);
                continue;
            }
            rc = walk_flush(w);
            if (rc != BIB_OK)
                break;
        }
        if (heading) {
            rc = walk_flush(w);
            if (rc == BIB_OK)
                rc = w->fn(w->ctx, i, i, NULL, 0, NULL);
            in_marked = false;
            continue;
        }
        /* a line that brings the entry's container never starts one,
         * however much it reads as a reference by itself */
        bool in_venue = w->cur.len && refs_opens_container(w->cur.data, w->cur.len, s, n);
        /* a quoted title after a dated entry opens the next one (a
         * list whose entries run on over their `;`) */
        bool quoted = w->cur.len && refs_quoted_entry(s, n) && find_year(w->cur.data, w->cur.len);
        bool starts = mk || year_first(s, n) || (!in_venue && !(in_marked && marked >= 2) &&
                             (!refs_continues_shape(shape, w->cur.data, w->cur.len, s, n) ||
                              quoted || ref_line(w->tag, s, n)));
        /* an entry stops growing at REFS_JOIN_MAX bytes, as the refs
         * reader's do: a marked entry followed by a long unmarked list
         * would otherwise take the whole list in, to be tagged again for
         * each reference split off it (quadratic) */
        if (w->cur.len >= REFS_JOIN_MAX)
            starts = true;
        else if (w->co_open && !mk)
            starts = false;
        w->co_open = false;
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
    bib_buf_init(&w.abs);
    int rc = walk_page(&w);
    bib_buf_clear(&w.cur);
    bib_buf_clear(&w.abs);
    return rc;
}

typedef struct {
    bib_reftag *tag;
    int refs;
} ref_count;

static int count_entry(void *ctx, size_t first, size_t last, const char *text, size_t n,
                       const gen_pair *pair)
{
    (void)first, (void)last, (void)pair;
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

static int label_entry(void *ctx, size_t first, size_t last, const char *text, size_t n,
                       const gen_pair *pair)
{
    (void)n, (void)pair;
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

static int label_generic(const page_lines *pl, page_role *roles)
{
    for (size_t i = 0; i < pl->n; i++)
        roles[i] = PAGE_ROLE_BLANK;
    if (block_page(pl)) {
        page_gen_label_blocks(pl, roles);
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
    /* the page's records, held until the page is read: the list's order
     * tells how its names are written (page_family_first) */
    bib_record **held;
    size_t *held_line;
    size_t nheld, cap;
} gen_build;

/* A record worth keeping: a title and authors or a date, or a title in a
 * container with its pages or volume (`Title, in Festschrift für …, S.
 * 197-212`: a person's own list, undated), a book's number of pages or
 * series number (`Title, Verlag X (Reihe Bd. 3), 552 S.`) or its status
 * (`"Title", Synthese (forthcoming)`; a venue read as a publisher
 * likewise) or
 * the language mark a multilingual list puts on its works (`…, in IRIS
 * Tagungsband (DE)`); a line of page chrome tags as a title alone, a
 * name line as names alone. */
static bool is_reference(const bib_record *rec)
{
    return bib_record_has(rec, BIB_VAR_TITLE)
           && (bib_record_has(rec, BIB_VAR_AUTHOR) || bib_record_has(rec, BIB_VAR_EDITOR)
               || bib_record_has(rec, BIB_VAR_ISSUED)
               || ((bib_record_has(rec, BIB_VAR_CONTAINER_TITLE)
                    || bib_record_has(rec, BIB_VAR_PUBLISHER))
                   && (bib_record_has(rec, BIB_VAR_PAGE) || bib_record_has(rec, BIB_VAR_VOLUME)
                       || bib_record_has(rec, BIB_VAR_NUMBER_OF_PAGES)
                       || bib_record_has(rec, BIB_VAR_COLLECTION_NUMBER)
                       || bib_record_has(rec, BIB_VAR_STATUS)
                       || bib_record_has(rec, BIB_VAR_LANGUAGE))));
}

/* Holds rec (owned, given to the builder) for the page's end, a copy of
 * it kept as the record before the next one (ditto authors). */
static int emit_kept(gen_build *g, size_t first, bib_record *rec)
{
    if (g->nheld == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 16;
        bib_record **h = realloc(g->held, cap * sizeof *h);
        if (h)
            g->held = h;
        size_t *l = h ? realloc(g->held_line, cap * sizeof *l) : NULL;
        if (!l) {
            bib_record_free(rec);
            return BIB_ENOMEM;
        }
        g->held_line = l;
        g->cap = cap;
    }
    bib_record *copy = bib_record_clone(rec);
    if (!copy) {
        bib_record_free(rec);
        return BIB_ENOMEM;
    }
    bib_record_free(g->prev);
    g->prev = copy;
    g->held[g->nheld] = rec;
    g->held_line[g->nheld++] = g->pl->v[first].lineno;
    return BIB_OK;
}

/* Emits the held records in order (rc: the walk's status; on an error
 * they are freed unread); returns the first error. */
static int emit_held(gen_build *g, int rc)
{
    if (rc == BIB_OK)
        rc = page_family_first(g->held, g->nheld);
    for (size_t i = 0; i < g->nheld; i++) {
        if (rc == BIB_OK)
            rc = g->b->emit(g->b->ctx, g->held[i], g->held_line[i]);
        else
            bib_record_free(g->held[i]);
    }
    free(g->held);
    free(g->held_line);
    return rc;
}

static int build_one(gen_build *g, size_t first, const char *text, size_t n, const char *abs,
                     size_t absn)
{
    /* before the first reference, a menu is the page's header */
    if (!g->prev && refs_menu_line(text, n))
        return BIB_OK;
    if (bib_reftag_run(g->tag, text, n) < 0)
        return BIB_ENOMEM;
    bib_record *rec = NULL;
    if (bib_reftag_record(g->tag, text, n, g->prev, &rec) != 0)
        return BIB_ENOMEM;
    /* a numbered title alone, no year in it, inside a list of
     * references: one of the list's entries, undated (a person's own
     * list numbers them all; count_ref_lines counts it so) */
    const page_line *fl = &g->pl->v[first];
    const char *ft = fl->text;
    size_t fn = fl->len;
    refs_trim(&ft, &fn);
    bool numbered_title = rec && g->prev && markers(ft, fn) && bib_record_has(rec, BIB_VAR_TITLE)
                          && !bib_record_has(rec, BIB_VAR_CONTAINER_TITLE) && !find_year(text, n);
    if (!rec || !(is_reference(rec) || numbered_title)) {
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
    if (abs && bib_record_set_text(rec, BIB_VAR_ABSTRACT, abs, absn) != BIB_OK) {
        bib_record_free(rec);
        return BIB_ENOMEM;
    }
    return emit_kept(g, first, rec);
}

/* A title line over its venue line: a byline (names, then the venue) is
 * read by the tagger alone (its names, container, numbers and date:
 * joined after the title, the names were read into the title or the
 * container into the names), the title line is the title; the prose
 * under them the abstract. A venue without names, or a byline that gives
 * no record alone, is read joined after its title. */
static int build_pair(gen_build *g, size_t first, const char *text, size_t n,
                      const gen_pair *pair)
{
    size_t v = pair->title_len;
    while (v < n && (text[v] == '.' || text[v] == ' '))
        v++;
    if (bib_reftag_run(g->tag, text + v, n - v) < 0)
        return BIB_ENOMEM;
    /* a venue without names reads best after its title (the title gives
     * the tagger its context): only a byline is read alone */
    size_t tn = pair->title_len;
    while (tn && (text[tn - 1] == '.' || text[tn - 1] == ' '))
        tn--;
    if (refs_tagged_as_venue(g->tag, text + v, REFS_VENUE_ONLY) ||
        (tn && title_without_venue(g->tag) && venue_in_context(g->tag, text, tn, text + v, n - v)))
        return build_one(g, first, text, n, pair->abs, pair->absn);
    if (bib_reftag_run(g->tag, text + v, n - v) < 0)   /* the byline alone again */
        return BIB_ENOMEM;
    bib_record *rec = NULL;
    if (bib_reftag_record(g->tag, text + v, n - v, g->prev, &rec) != 0)
        return BIB_ENOMEM;
    if (!rec)
        return build_one(g, first, text, n, pair->abs, pair->absn);
    /* the builder gives a venue without a title its container as the
     * title (every work has one): it is the container again */
    const char *vt = bib_record_text(rec, BIB_VAR_TITLE);
    if (vt && !bib_record_has(rec, BIB_VAR_CONTAINER_TITLE)) {
        if (bib_record_set_text(rec, BIB_VAR_CONTAINER_TITLE, vt, strlen(vt)) != BIB_OK) {
            bib_record_free(rec);
            return BIB_ENOMEM;
        }
        if (bib_record_type(rec) == BIB_TYPE_DOCUMENT || bib_record_type(rec) == BIB_TYPE_BOOK)
            bib_record_set_type(rec, BIB_TYPE_ARTICLE_JOURNAL);
    }
    if (bib_record_set_text(rec, BIB_VAR_TITLE, text, tn) != BIB_OK ||
        (pair->abs && bib_record_set_text(rec, BIB_VAR_ABSTRACT, pair->abs, pair->absn) != BIB_OK)) {
        bib_record_free(rec);
        return BIB_ENOMEM;
    }
    return emit_kept(g, first, rec);
}

static int build_entry(void *ctx, size_t first, size_t last, const char *text, size_t n,
                       const gen_pair *pair)
{
    (void)last;
    gen_build *g = ctx;
    if (!text)
        return BIB_OK; /* a heading */
    if (pair)
        return build_pair(g, first, text, n, pair);
    const char *abs = NULL;
    size_t absn = 0;
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
        int rc = build_one(g, first, text, k, NULL, 0);
        if (rc != BIB_OK)
            return rc;
        text += cut;
        n -= cut;
        abs = NULL; /* whose abstract it is, is no longer known */
    }
    return build_one(g, first, text, n, abs, absn);
}

/* A page of title/author blocks rather than formatted references. */
static bool block_page(const page_lines *pl)
{
    int blocks;
    /* a block joined into one entry may read as a reference too */
    int bare;
    return page_gen_enough_blocks(pl, &blocks) && blocks * 2 >= count_ref_lines(pl, &bare);
}

static int build_blocks(const page_build *b, const page_lines *pl)
{
    /* no tagger (out of memory) leaves venue lines whole */
    bib_reftag *tag = gen_tagger(pl);
    int rc = page_gen_build_blocks(b, pl, tag);
    gen_tagger_done(pl, tag);
    return rc;
}

static int build_generic(const page_build *b, const page_lines *pl, const page_role *roles)
{
    (void)roles;
    if (block_page(pl))
        return build_blocks(b, pl);
    gen_build g = {b, pl, gen_tagger(pl), NULL, NULL, NULL, 0, 0};
    if (!g.tag)
        return BIB_ENOMEM;
    int rc = emit_held(&g, run_walk(pl, build_entry, &g, g.tag));
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
