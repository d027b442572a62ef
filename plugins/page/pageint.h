/* SPDX-License-Identifier: MIT */
/*
 * pageint.h - internals of the page module shared by its files and its
 * Check suites: the line list of one page, per-line features, the name
 * model, the feed splitter, the layout descriptors (page_layouts.def and
 * layout_*.c), layout detection, the best-path labeller, the record
 * builders and the HTML-to-lines step. Functions that can fail return a
 * bib_status (BIB_OK, BIB_ENOMEM, ...).
 *
 * Not for: other plugins (nothing here is installed or exported; the
 * module's only exported symbol is bib_plugin_module).
 */
#ifndef BIBCONV_PAGEINT_H
#define BIBCONV_PAGEINT_H

#include <stdbool.h>
#include <stddef.h>

#include "bibconv/buf.h"
#include "bibconv/common.h"
#include "bibconv/io.h"
#include "bibconv/record.h"

/* One line of a page: text without its line end (owned by the page, NUL
 * terminated, trailing white space kept) and its 1-based input line. */
typedef struct page_line {
    char *text;
    size_t len;
    size_t lineno;
} page_line;

/* The lines of one page (a page is small; the stream is never held). */
struct bib_reftag;

typedef struct page_lines {
    page_line *v;
    size_t n, cap;
    bool pieces; /* joined from a copy in pieces (page_reflow) */
    /* the reader's reference tagger (made on first use, freed with the
     * reader), shared by the lines of its pages and their copies: a
     * tagger's caches are megabytes, too many to build per look at a
     * page (layout_generic.c); NULL for lines of no reader */
    struct bib_reftag **tagger;
} page_lines;

/* Appends a copy of s[0..len). Returns BIB_OK or BIB_ENOMEM. */
int page_lines_push(page_lines *pl, const char *s, size_t len, size_t lineno);
/* Drops a line's Markdown inline markup in place (emphasis markers, a
 * link's target, an ATX heading's `#`s; page_markdown.c) and returns its
 * new length; s[result] is set to NUL. Never lengthens the line. */
size_t page_unmark(char *s, size_t n);
/* Frees the first k lines and moves the rest down. */
void page_lines_drop(page_lines *pl, size_t k);
/* Frees every line and the array. */
void page_lines_free(page_lines *pl);
/* A page copied with its inline elements on lines of their own: a third of
 * its non-blank lines (twelve or more) are pieces of a sentence
 * (page_reflow.c). */
bool page_in_pieces(const page_lines *pl);
/* Appends to out (caller's, freed with page_lines_free) the lines of in
 * with each piece joined to the line it goes on; a joined line keeps the
 * number of its first piece. Returns BIB_OK or BIB_ENOMEM. */
int page_reflow(const page_lines *in, page_lines *out);

/* A layout is an index into the table of layout descriptors
 * (page_layouts.def); 0 is "none". */
typedef enum page_layout {
    PAGE_LAYOUT_NONE = 0,
#define PAGE_LAYOUT_ROW(ID, name) PAGE_LAYOUT_##ID,
#include "page_layouts.def"
#undef PAGE_LAYOUT_ROW
    PAGE_LAYOUT_END        /* one past the last layout */
} page_layout;

/* Line roles, the labeller's states. */
typedef enum page_role {
    PAGE_ROLE_BLANK = 0,
    PAGE_ROLE_HEADER,     /* page chrome, header, bio, students */
    PAGE_ROLE_SECTION,    /* the Publications heading */
    PAGE_ROLE_TITLE,      /* profile or talk title */
    PAGE_ROLE_AUTHOR,     /* one person per line */
    PAGE_ROLE_ABSTRACT,
    PAGE_ROLE_META,       /* feed category + date line */
    PAGE_ROLE_TITLE_AUTHORS, /* feed title run together with the authors */
    PAGE_ROLE_POSTER,     /* topic page: title followed by a venue */
    PAGE_ROLE_VENUE,
    PAGE_ROLE_OTHER       /* fits no role: a warning */
} page_role;

/* Name of a role, for diagnostics and tests ("title"). */
const char *page_role_name(page_role r);
/* Name of a layout ("profile"), "none" for PAGE_LAYOUT_NONE. */
const char *page_layout_name(page_layout l);

/* Per-line features. */
typedef struct page_feat {
    size_t chars;       /* code points, trailing space excluded */
    int tokens;         /* white-space separated words */
    bool blank;
    bool abs_marker;    /* "… (see more)" / "… (voir plus)" inside */
    bool auth_marker;   /* ends in "… (see N more)" / "… (voir N de plus)" */
    bool meta;          /* feed category + date line */
    bool venue;         /* "Harbour Symposium 2021", "Meetup 3" */
    bool heading;       /* a publications heading */
    bool same_as_prev;  /* equal to the previous non-blank line */
    bool placeholder;   /* "N/A", "TBA", no letters at all */
    bool opener;        /* starts like prose ("We", "In this") */
    bool sentence_end;  /* ends with a full stop after 8 words or more */
    int verbish;        /* verbs and pronouns of prose ("we", "is") */
    int name;           /* name-likeness, PAGE_NAME_NO when impossible */
    int titleish;       /* function words, colon, '?' */
    int prose;          /* sentence-like evidence: full stops, length */
    /* after the first word, among the first 40: words that are not
     * function words, starting with a capital / with a lower-case letter
     * (Title Case against running prose) */
    int cap_words, lower_words;
    bool title_punct;   /* a colon or a question mark */
} page_feat;

#define PAGE_NAME_NO (-1000)

/* The cut-page rule: true when a page's last line with features f reads
 * as the cut start of an abstract rather than a title (running prose: no
 * more capitalised words than lower-case ones, no colon or question mark,
 * no sentence end, no abstract marker). */
bool page_cut_prose(const page_feat *f);

/* Features of s[0..len) (prev: the previous non-blank line or NULL). */
void page_features(page_feat *f, const char *s, size_t len, const char *prev,
                   size_t prev_len);

/* Name-likeness of s[0..len) by its shape, as one display name ("Ann B.
 * Smith", "Jan P van der Berg", "Li 0002", "SMITH Ann*"): PAGE_NAME_NO
 * when it cannot be a name, else a score (higher is more name-like). Its
 * words are core's name model's to judge (bib_name_score): two
 * capitalised title words have a name's shape (docs/page.md, "Names and
 * titles"). */
int page_name_score(const char *s, size_t len);

/* Byte offset of the abstract marker in s, its length in *mlen; -1 none. */
long page_find_abs_marker(const char *s, size_t len, size_t *mlen);
/* Byte offset where the author marker tail (" … (see N more)") starts;
 * -1 when the line has none. */
long page_find_auth_marker(const char *s, size_t len);
/* The length of s[0..len) without a display marker cut short by the
 * page's end ("… (see 4 mo", "… (v", a lone "…"); len when it ends
 * otherwise. */
size_t page_cut_marker(const char *s, size_t len);

/* A parsed feed meta line "12.5CVJan 7Code". Offsets into the line. */
typedef struct page_meta {
    size_t codes_off, codes_len;  /* "NE", or "LGNE" for several */
    size_t date_off, date_len;    /* "May 29" / "Oct 6, 2023" */
    size_t score_len;             /* "79.2" at offset 0; 0 when none */
    bool has_year;
    bool code;                    /* "Code" badge */
} page_meta;

/* Parses a feed meta line; true when it is one. */
bool page_parse_meta(const char *s, size_t len, page_meta *m);

/* True when s[0..len) is a feed meta line cut short (a page that ends
 * inside it: "NCApr 18, ", "79.2LGO"), not a whole one. */
bool page_meta_cut(const char *s, size_t len);

/* True for a poster venue line: a short capitalised name then a year or an
 * edition number ("Harbour Symposium 2021", "Meetup 3"). *year gets the year
 * (0 when the number is not a year) and *name_len the venue without it. */
bool page_parse_venue(const char *s, size_t len, int *year, size_t *name_len);

/* A split feed title+authors line. */
typedef struct page_feed_split {
    size_t title_len;   /* title is s[0..title_len) */
    size_t authors_off; /* authors are s[authors_off..authors_end) */
    size_t authors_end; /* before " et al." and " · org" */
    size_t org_off, org_len; /* org_len 0: none */
    bool et_al;
    bool confident;     /* a valid name was found at the split */
} page_feed_split;

/* Splits a feed line: strips " · org" then " et al.", then chooses the
 * title/first-author glue point by scoring every candidate with the name
 * model. Returns true when a split with a valid first author was found;
 * otherwise the whole line is the title (authors empty). */
bool page_feed_split_line(const char *s, size_t len, page_feed_split *out);

/* The venue badge of a single-paper page's metrics line, run together
 * with the counts before it ("...h-index: 9NeurIPS 2024" -> "NeurIPS
 * 2024", "Citations: 4ICLR" -> "ICLR"): the first badge without a label
 * after a count, one after the h-index preferred. Its offset and length
 * in *off, *len; false when there is none. */
bool page_metrics_venue(const char *s, size_t n, size_t *off, size_t *len);

/* Splits s[0..len) on ", " into names: calls fn for each piece. */
typedef void (*page_piece_fn)(const char *s, size_t len, void *ctx);
void page_split_commas(const char *s, size_t len, page_piece_fn fn, void *ctx);
/* Badges run together in copied text ("Citations: 17h-index: 9NeurIPS
 * 2024"): s[0..n) split at every digit->capital boundary, fn called on
 * each trimmed non-empty piece in order. */
void page_split_badges(const char *s, size_t n, page_piece_fn fn, void *ctx);

/* True for a publications heading line ("Publications", "Latest
 * Publications", "Dernières publications"). */
bool page_is_heading(const char *s, size_t len);

/* Best path: n positions, k states; emit[i*k+s], trans[a*k+b], start[s];
 * fills path[0..n). Scores are integers, PAGE_NEG forbids. Returns BIB_OK
 * or BIB_ENOMEM. */
#define PAGE_NEG (-1000000)
int page_viterbi(size_t n, int k, const int *emit, const int *trans,
                 const int *start, int *path);

/* Detects the layout of a page (lines [0..n) of pl) from its cues; *lang
 * gets "en" or "fr". */
page_layout page_detect_layout(const page_lines *pl, const char **lang);

/* Labels every line of the page with a role for `layout`. roles[] has
 * pl->n entries. Returns BIB_OK or BIB_ENOMEM. */
int page_label(const page_lines *pl, page_layout layout, page_role *roles);

/* The same for a part of an over-long page: a continuation has no header
 * (its records start on its first line). */
int page_label_part(const page_lines *pl, page_layout layout, page_role *roles,
                    bool continuation);

/* Where to cut an over-long page held in pl: just after the last line
 * that ends a record for sure (an abstract with its marker, a venue, a
 * paragraph of prose) among the last lines; pl->n when there is none. */
size_t page_safe_cut(const page_lines *pl);

/* True when line i of a stream starts a new page given the lines before
 * it in the current page (lines [0..i) of pl): a portrait line, a topic
 * header, a feed meta line in a page that is not a feed, or a cookie-consent
 * block (with the news lines before it) in a page that had none. Returns the
 * index where the new page starts (i or i-2 for a topic header), or
 * (size_t)-1 when no new page starts. */
size_t page_boundary(const page_lines *pl, size_t i, page_layout current, bool cookie_seen);

/* True for a line of a cookie-consent block (a redesigned profile page);
 * page_boundary starts a new page at the first one unless cookie_seen. */
bool page_is_cookie_line(const char *s, size_t len);

/* HTML to lines: parses an HTML document with libxml2 (no network, no
 * errors or warnings printed), block elements become lines, scripts,
 * styles, navigation, header and footer dropped, img alt text kept as a
 * line. Appends to pl. When the bytes stop decoding from the page's
 * declared charset, libxml2 ends the document there: its message goes to
 * why (caller's buffer of whysz bytes, "" when none) and the lines up to
 * that point are kept. Returns BIB_OK, BIB_EPARSE when the document
 * cannot be parsed, or BIB_ENOMEM. */
int page_html_to_lines(const char *html, size_t len, page_lines *pl, char *why, size_t whysz);

/* True when a saved page is read as UTF-8: it declares UTF-8 or no
 * charset (libxml2 follows any other declaration). */
bool page_html_reads_utf8(const char *s, size_t len);
/* Appends s[0..len) to out with every byte that starts no valid UTF-8
 * sequence read as Windows-1252 (U+FFFD for its five unassigned bytes):
 * a stray byte of another encoding no longer stops the HTML parser.
 * Returns how many bytes were repaired, the offset of the first in
 * *first. The caller checks bib_buf_failed(out). */
size_t page_html_repair_utf8(const char *s, size_t len, bib_buf *out, size_t *first);

/* True when the head of an input looks like HTML. */
bool page_looks_html(const char *s, size_t len);

/* ---- text helpers shared by the page files ------------------------------ */

/* Trims spaces, tabs and CRs at both ends and no-break spaces at the end
 * (the line side: features, detection, labelling). */
void page_trim(const char **s, size_t *len);
/* Trims spaces, tabs and CRs only (the record side: a value keeps what
 * the page shows). */
void page_trim_blank(const char **s, size_t *len);
/* True when s[0..len) starts with a capital letter. */
bool page_starts_upper(const char *s, size_t len);
/* A block's line that names the co-authors after a co-author word
 * (`with Sören Roe`, `joint with A. Roe and B. Lee`, `zusammen mit P.
 * Bender`; bib_reftag_coauthor_word): the length of the word or two
 * before the names, else 0 (layout_blocks.c). */
size_t page_coauthor_line(const char *s, size_t n);
/* True when s[0..len) starts with the NUL-terminated w. */
bool page_starts_with(const char *s, size_t len, const char *w);
/* True when the lower-case ASCII w occurs in s[0..len), ASCII case
 * folded. */
bool page_has_word_ci(const char *s, size_t len, const char *w);
/* True when line b is the lower-case slug of line a: equal once a's ASCII
 * capitals are folded, and a has at least one capital (a line repeated
 * as is is a repeated record, not a name and its slug). */
bool page_is_lower_copy(const page_line *a, const page_line *b);
/* True for the placeholder line "N/A" (the topic header's third line). */
bool page_is_na(const page_line *l);
/* True for a profile's portrait line ("Portrait of NAME"). */
bool page_is_portrait(const char *s, size_t len);
/* True for a line only the feed site's single-paper page has (the metrics
 * line with "h-index:", "Originality ...", "AI Analysis"). */
bool page_is_paper_cue(const char *s, size_t n);
/* Index of the k-th non-blank line from `from`, or pl->n. */
size_t page_nonblank(const page_lines *pl, size_t from, int k);

/* ---- layout descriptors ------------------------------------------------- */

/* Cue counts of one page, gathered in one pass by page_detect_layout for
 * every layout's score function. */
typedef struct page_cues {
    int metas;          /* feed meta lines */
    int venues;         /* poster venue lines */
    int abs_markers;    /* abstract markers "… (see more)" */
    int headings;       /* publications headings */
    int en, fr;         /* language evidence */
    int own[PAGE_LAYOUT_END]; /* points from each layout's cue hooks */
} page_cues;

/* What a record builder needs of the reader. */
typedef struct page_build {
    bib_input *in;         /* for diagnostics (borrowed) */
    long year;             /* -O year: 0 when not given */
    bool owner_author;     /* -O owner=author */
    bool continuation;     /* the lines continue an over-long page */
    bool more;             /* more lines of the same page follow (an
                            * over-long page labelled in parts) */
    bib_buf *owner;        /* the profile owner, kept for continuations
                            * (borrowed; the builder may rewrite it) */
    /* Takes ownership of rec (freed on failure too); line is its first
     * input line. Returns a bib_status. */
    int (*emit)(void *ctx, bib_record *rec, size_t line);
    void *ctx;
} page_build;

/* One layout: how it is recognised, labelled and turned into records.
 * Adding a layout is one layout_NAME.c defining page_layout_NAME and one
 * row in page_layouts.def (docs/page.md, "Adding a layout"). */
typedef struct page_layout_desc {
    const char *name;      /* "profile": -O layout=, diagnostics */
    /* -- cues (detection; any hook may be NULL) -- */
    /* Points from the page as a whole (its first lines); may add language
     * evidence to c->en / c->fr. */
    int (*page_cue)(const page_lines *pl, page_cues *c);
    /* Points from one trimmed non-blank line; may add language evidence. */
    int (*line_cue)(const char *s, size_t len, page_cues *c);
    /* The layout's score from the cue counts (c->own[its index] holds
     * its own points); the highest score wins, ties to the earlier row. */
    int (*score)(const page_cues *c, int own);
    /* A winning score is accepted only when this says so (NULL: any score
     * above 0). */
    bool (*accept)(const page_cues *c, int score);
    /* With no layout's cues, a layout with this hook may still claim the
     * page when its shape fits (page_fallback_order gives the order). */
    bool (*fits)(const page_lines *pl);
    /* In a stream, the index where a new page of this layout starts at
     * line i (lines [first..i] held, `current` the layout of the page held
     * so far), or (size_t)-1. */
    size_t (*starts_page)(const page_lines *pl, size_t i, size_t first, page_layout current,
                          bool cookie_seen);
    /* -- labelling: states and the allowed transitions (the weights are
     * learned, page_model_table.c; here only PAGE_NEG, forbidden, counts) -- */
    int nstates;             /* the last state is "other" (fits no role) */
    const char *const *state_names;
    const page_role *state_roles;  /* role of each state */
    const int *start;        /* start[s]; PAGE_NEG forbids */
    const int *trans;        /* trans[a * nstates + b]; PAGE_NEG forbids */
    unsigned features;       /* PAGE_FEAT_* bits: the line measures the layout relies on */
    /* Marks the lines before the labelled zone (header, section) and sets
     * *zone to its first line; returns false when no record can follow.
     * NULL: the zone is the whole page. Not called on continuations. */
    bool (*header)(const page_lines *pl, page_role *roles, size_t *zone);
    /* Replaces the best path (NULL: use it). Returns a bib_status. */
    int (*label)(const page_lines *pl, page_role *roles);
    /* -- records: builds the records of the labelled lines, handing each
     * to b->emit. Returns a bib_status. -- */
    int (*build)(const page_build *b, const page_lines *pl, const page_role *roles);
} page_layout_desc;

/* Bits of page_layout_desc.features: the line measures a layout relies
 * on (the learned model, page_model.c, reads them all). */
enum {
    PAGE_FEAT_CHARS = 1u << 0, PAGE_FEAT_ABS_MARKER = 1u << 1,
    PAGE_FEAT_AUTH_MARKER = 1u << 2, PAGE_FEAT_META = 1u << 3, PAGE_FEAT_VENUE = 1u << 4,
    PAGE_FEAT_SAME_AS_PREV = 1u << 5, PAGE_FEAT_PLACEHOLDER = 1u << 6,
    PAGE_FEAT_OPENER = 1u << 7, PAGE_FEAT_SENTENCE_END = 1u << 8,
    PAGE_FEAT_VERBISH = 1u << 9, PAGE_FEAT_NAME = 1u << 10, PAGE_FEAT_TITLEISH = 1u << 11,
    PAGE_FEAT_PROSE = 1u << 12, PAGE_FEAT_FEED_SPLIT = 1u << 13, PAGE_FEAT_SLUG = 1u << 14,
    PAGE_FEAT_POSITION = 1u << 15, PAGE_FEAT_LAST = 1u << 16, PAGE_FEAT_CASE = 1u << 17
};

#define PAGE_LAYOUT_ROW(ID, name) extern const page_layout_desc page_layout_##name;
#include "page_layouts.def"
#undef PAGE_LAYOUT_ROW

/* The descriptor of a layout; NULL for PAGE_LAYOUT_NONE or out of range. */
const page_layout_desc *page_layout_get(page_layout l);
/* The layout named `name` ("feed"), PAGE_LAYOUT_NONE when none is. */
page_layout page_layout_find(const char *name);
/* The layouts tried, in order, on a page that shows no layout's cues
 * (PAGE_LAYOUT_NONE ends the list). */
extern const page_layout page_fallback_order[];

/* ---- record builders' helpers ---------------------------------------- */

/* The format name of the page module's extras ("page"). */
extern const char PAGE_FMT[];
/* A short quote of a line for diagnostics (at most ~20 characters). */
void page_quote(char *out, size_t cap, const char *s, size_t len);
/* The first year (1800-2099) standing alone in s[0..n), or 0. */
int page_find_year(const char *s, size_t n);
/* Adds the names of an author line (`A. Okafor (Lakeside University) and
 * B. Lind`: bracketed parts dropped, cut at `,`, `;`, `&`, ` · ` and
 * ` and `) to rec's authors; BIB_OK or BIB_ENOMEM. */
int page_add_name_line(bib_record *rec, const char *s, size_t n);

/* The generic layout's shared parts. layout_generic.c: the bytes of the
 * list markers at the start of s (`• 12. `: a bullet and a number may
 * both be there). layout_blocks.c (title/author blocks, docs/page.md
 * "Blocks"): whether a line is an author line (its pieces read as names,
 * no year), how many blocks the page holds (*venues: with a venue line,
 * *timed: with a programme's time; bounded as the cue is), whether they
 * are enough to read the page by them, the blocks' labels, and their
 * records (tag NULL: venue lines kept whole). */
size_t page_gen_markers(const char *s, size_t n);
/* Detection tags at most this many candidate lines of a page: the cue is
 * settled long before, and a huge page costs no more than this. */
#define PAGE_GEN_CUE_LINES 400
bool page_gen_author_line(const char *s, size_t n);
/* A date alone on a line (`July 2014`, `3 March 2021`; with year false
 * `September 22`, a month name then needed): a year when asked and,
 * besides it, only numbers, month names (core's bib_month_parse) and
 * marks. */
bool page_gen_date_line(const char *s, size_t n, bool year);
/* The words of a short date s[0..n) (`Friday 3rd May, 1:30-2:30pm`,
 * `Montag, 1. August:`, `Jan. 12, 2023`), as page_date_scan finds them:
 * the first year, month and day, how many words name a month (core's
 * bib_month_parse), a weekday (bib_weekday_parse) or neither. */
typedef struct page_date {
    int year, month, day;         /* the first of each, 0 when none */
    int months, weekdays, unknown; /* words of each kind */
    bool suffix;   /* letters glued to a number (`3rd`, `2:30pm`) */
    bool odd;      /* a number no year, day or time, three letters or more
                    * glued to one, a word over 12 bytes */
    bool marks;    /* a mark dates do not hold (only ` ,.:-/()` and dashes do) */
    bool wide;     /* a byte outside ASCII */
} page_date;
void page_date_scan(const char *s, size_t n, page_date *d);
/* A line of running prose by its features and last byte (an abstract):
 * ten words or more ending a sentence, lower-case words twice the
 * capitalised ones at least. */
bool page_gen_sentence(const page_feat *f, char last);
/* A line of running prose (an abstract under an entry): the page model's
 * prose evidence, or a sentence as page_gen_sentence reads one. */
bool page_gen_prose(const page_feat *f, char last);
int page_gen_count_blocks(const page_lines *pl, int *venues, int *timed);
bool page_gen_enough_blocks(const page_lines *pl, int *blocks);
void page_gen_label_blocks(const page_lines *pl, page_role *roles);
int page_gen_build_blocks(const page_build *b, const page_lines *pl, struct bib_reftag *tag);

/* An entry's trimmings (page_trim.c), cut before the tagger reads it: a
 * citation count the site prints after an entry (`72 citations`, `Cited
 * by 72`, `cité 72 fois`; *n loses it), a programme's day and time after
 * a talk's title (`Tue 15 Jul 11:00 a.m.`; *n loses them), a session
 * label before it (`Poster: `: the bytes it takes, 0 for none). */
void page_drop_cite_count(const char *s, size_t *n);
void page_drop_schedule_time(const char *s, size_t *n);
size_t page_session_label(const char *s, size_t n);
/* Sets rec's issued date to the year alone (a venue line's `ICML 2024`,
 * a table's date column). Returns a bib_status. */
int page_set_year(bib_record *rec, int year);
/* Appends one display name ("Ann B. Smith") to the authors of rec, the
 * titles before it dropped (bib_name_titles); text without letters is
 * kept as a literal. flags go to core's splitter
 * (BIB_NAME_GIVEN_FIRST on the layouts whose site writes every name given
 * name first, docs/page.md "Records"). Returns a bib_status. */
int page_add_display_name(bib_record *rec, const char *s, size_t len, unsigned flags);
/* Whether the text h[0..len) (an input's head) holds a table the table
 * layout reads: a header row naming a title column, two rows after it.
 * Allocation-free, for the probe. */
bool page_table_head(const char *h, size_t len);
/* Whether s[0..n) holds a word that names a work's people (`Speaker`,
 * `Author(s)`, `Autoren`, `Auteurs`, …; layout_table.c): a table's person
 * column, an author line's label. */
bool page_person_word(const char *s, size_t n);
/* The records recs[0..n) of one list (borrowed, changed in place): when
 * the list is sorted by the word its first authors print first and that
 * word was read as the given name (`Amrouche Jean`), their first authors'
 * given and family names are swapped (page_order.c). Returns BIB_OK or
 * BIB_ENOMEM. */
int page_family_first(bib_record *const *recs, size_t n);
/* Index of the last line with a role other than blank, or pl->n. */
size_t page_last_labelled(const page_lines *pl, const page_role *roles);
/* The cut-page rule for records: when the abstract s[0..n) on line ln is
 * the page's last line, does not end on the abstract marker and does not
 * end like a text, the page was cut inside it (text after a marker inside
 * the line is the rest the site shows, which the cut may stop in): rec
 * gets the extra incomplete=true and a warning is reported. Not when b->more. Returns a bib_status. */
int page_mark_cut(const page_build *b, bib_record *rec, const char *s, size_t n, size_t ln);
/* The layouts' record builders shared between layouts (the single-paper
 * page builds its record as a feed entry). */
int page_build_feed(const page_build *b, const page_lines *pl, const page_role *roles);

#endif /* BIBCONV_PAGEINT_H */
