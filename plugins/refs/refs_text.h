/* SPDX-License-Identifier: MIT */
/*
 * refs_text.h - private: the line tests of the `refs` reader (refs.c) and
 * its HTML-to-text reduction. All pure except refs_html_line, which
 * appends to a caller-owned buffer.
 */
#ifndef BIBCONV_REFS_TEXT_H
#define BIBCONV_REFS_TEXT_H

#include "bibconv/buf.h"
#include "bibconv/common.h"
#include "bibconv/reftag.h"

/* HTML state carried from line to line. */
typedef struct refs_html {
    int in_tag;          /* inside <...> */
    int skip;            /* inside <script>/<style> */
    char tag[16];        /* the tag name being read */
    size_t tagn;
    bool tag_closing;
} refs_html;

/* Does the head look like HTML (a tag at the start after white space)? */
bool refs_looks_html(const char *s, size_t n);

/* Appends the text of one HTML line: tags removed, block boundaries as an
 * empty line, character references decoded. Returns 0 or BIB_ENOMEM. */
int refs_html_line(refs_html *h, bib_buf *out, const char *s, size_t n);

/* Trims white space (incl. no-break spaces) at both ends. */
void refs_trim(const char **s, size_t *n);

/* A publication status (`in press`, `forthcoming`, `Online first`;
 * core's bib_reftag_status_phrase) at a word's start: the year it has
 * not yet. */
bool refs_has_status(const char *s, size_t n);

/* The length of a label of the person's part that opens an entry of a
 * person's own list (`Co-author, Title …`, `Editor and main author,
 * …`): role words and a comma or colon; else 0. */
size_t refs_role_label(const char *s, size_t n);

/* The length of s[0..n) without the link labels after it (`… 2013.
 * link`, `[PDF]`, `Full text.`): 0 for a line of labels alone. */
size_t refs_link_tail(const char *s, size_t n);

/* Whether s[0..n) opens with a quoted title of three words or more
 * (`"Title" A. Roe`, `„Title“, 29.04.2024, Rostock`): an entry of a paper
 * series or a talks list, which may give no names and no year. */
bool refs_quoted_entry(const char *s, size_t n);

/* Whether s[0..n) holds a journal's numbers (`127(599): 50-83`, `19:
 * 49-66`): with a list of names first, a reference without its year
 * (refs_tagged_as_ref). */
bool refs_journal_numbers(const char *s, size_t n);

/* Whether s[0..n) ends on the word `in` (a colon after it allowed):
 * `Forthcoming in` over `Journal of …`, an entry's part going on with
 * its container on the next line, no heading. */
bool refs_ends_on_in(const char *s, size_t n);

/* Appends s[0..n) to b without the ORCID badges a repository's copy puts
 * after each author (`Gillard, Jonathan  ORCID: https://orcid.org/0000-
 * 0001-9166-298X, Knight, …`: the badge and the blanks before it go, the
 * comma after it stays; a line without `ORCID` or `orcid.org/` is copied
 * as it is) and without the link labels after it (refs_link_tail).
 * Returns BIB_OK or BIB_ENOMEM. */
int refs_append_clean(bib_buf *b, const char *s, size_t n);

/* Bytes of a list marker and the space after it at the start of a line
 * ("[12] ", "12. ", "(a) ", "• ", "- "), or 0. */
size_t refs_marker(const char *s, size_t n);

/* Where the authors start after `By` or `, by` that follows a title of
 * three words or more (`Do apprenticeships pay off? By Mira Olsen; Tomas
 * Reyes`: a paper series' table of contents), 0 for none; and whether
 * line s (a list marker allowed) is such a title with capitalised names
 * and no number after `By`: a probe's cue, allocation-free (the page
 * reader's generic layout reads the names with the name model). */
size_t refs_by_at(const char *s, size_t n);
bool refs_by_line(const char *s, size_t n);

/* A heading line: short, no year, no inner sentence ("References",
 * "Selected publications", "Journal articles", "2019"). */
bool refs_is_heading(const char *s, size_t n);

/* A line that tells of the entry above it and is none (`Besprochen von
 * A. B., in: JZ 1997, S. 403`, `Reviewed by C. D. in Isis 12`, `–
 * Rezension: Graziano, RabelsZ 85`, `Revised version of: Discussion
 * Paper 18/11`): a reviewer's note or an earlier version under a work in
 * a personal list. Readers end the entry before it and skip it, as a
 * heading. */
bool refs_review_line(const char *s, size_t n);

/* Does line s continue the reference cur (not yet complete, or starting
 * in lower case)? */
bool refs_continues(const char *cur, size_t curn, const char *s, size_t n);

/* Does a line look like a whole reference (a year, a title-like run,
 * reference punctuation)? Used by the probe. */
bool refs_line_looks_ref(const char *s, size_t n);

/* How a list lays its references out, guessed from the shape of its
 * lines (refs_shape_*): one per line, one per paragraph (blank lines
 * between, several lines each), or unknown (the per-line rule of
 * refs_continues decides). */
typedef enum refs_shape {
    REFS_SHAPE_UNKNOWN = 0,
    REFS_SHAPE_LINE,
    REFS_SHAPE_PARAGRAPH
} refs_shape;

/* Line statistics gathered one line at a time (no allocation). */
typedef struct refs_shape_stats {
    size_t lines;       /* non-blank, non-heading lines */
    size_t whole;       /* of them, lines that read as a whole reference */
    size_t starts;      /* lines that start like a reference */
    size_t max_len;     /* the longest line (bytes) */
    size_t lens[64];    /* the first 64 lines' lengths */
    size_t groups;      /* runs of lines between blank lines */
    size_t multi;       /* runs of more than one line */
    size_t run;         /* lines in the current run */
} refs_shape_stats;

/* Adds one line (blank lines end a run). */
void refs_shape_add(refs_shape_stats *st, const char *s, size_t n);
/* The shape the lines added so far show. */
refs_shape refs_shape_guess(const refs_shape_stats *st);

/* The longest text joined into one reference from several lines; the
 * next line starts a new one (both readers: refs.c and the page reader's
 * generic walk). */
#define REFS_JOIN_MAX 4000

/* Whether line s brings the container of the reference cur is building,
 * whatever the list's shape: it opens `In:` or `In Proc` (`In Search of`
 * may open a title, so only these two), or cur ends on an editors'
 * `(eds.)` / `(ed.)`, after which comes the book. */
bool refs_opens_container(const char *cur, size_t curn, const char *s, size_t n);

/* refs_continues under a known shape: one per line, a line continues the
 * reference only when it neither reads as a whole reference nor starts
 * like one; one per paragraph, every line of a paragraph continues it
 * (list markers and blank lines are the caller's). */
bool refs_continues_shape(refs_shape shape, const char *cur, size_t curn, const char *s,
                          size_t n);

/* Where a second reference starts inside s, the text of the tagger's
 * last run: an author run after a title (two words or more) and a date
 * (several references in one bullet), not opened by a word that names
 * co-authors (`with`), or 0. */
size_t refs_split_point(const bib_reftag *t, const char *s);

/* Does the tagger's last run, on text s, read as one reference that
 * opens with its authors (a list number or its year first at most), or
 * with its title and the authors right after it (its date between at
 * most) or co-authors named after a `with` later, and holds a title and
 * a date?
 * The page reader's generic layout counts such lines as its cue. */
bool refs_tagged_as_ref(const bib_reftag *t, const char *s);

/* Does the tagged text s read as a reference without authors (a person's
 * own list: "Title. Venue, 1996.")? It opens with its title (two title
 * words at least; after its year at most), names where it appeared (a
 * container, a series or a publisher, or what follows `in`), holds a
 * year and no name. */
bool refs_tagged_as_bare_ref(const bib_reftag *t, const char *s);
/* Does the last tagging read as a venue alone: a container and a date,
 * no title, no names before the container (`Economic Inquiry, (2012),
 * vol. 50(2), pages 327-347`)? With byline, also the names then the
 * venue or a date, no title (`A. Boudichevskaia and A. Houben,
 * Chromosome Research, 2022.`, a feed's line under its title; two names
 * or more, the first and most read as names by the name model); titled,
 * also such names then one run the tagger read as a title (a journal it
 * does not know), then a date and numbers only. s is the tagged text.
 * The line before such a line is its entry's title, however much it
 * looks like a heading. */
enum {
    REFS_VENUE_ONLY = 0,   /* no names */
    REFS_VENUE_BYLINE = 1, /* names may come first */
    REFS_VENUE_TITLED = 2  /* ... and the journal may be read as a title */
};
bool refs_tagged_as_venue(const bib_reftag *t, const char *s, int mode);

/* A line of items between `|` bars (`Members | Projects | Contact`): a
 * site's menu, which the tagger may read as names and a one-word title;
 * readers skip it before their first reference. */
bool refs_menu_line(const char *s, size_t n);

#endif /* BIBCONV_REFS_TEXT_H */
