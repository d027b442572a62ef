/* SPDX-License-Identifier: MIT */
/*
 * pageint.h - internals of the page module shared by its files and its
 * Check suites: the line list of one page, per-line features, the name
 * model, the feed splitter, layout detection, the best-path labeller and
 * the HTML-to-lines step.
 *
 * Not for: other plugins (nothing here is installed or exported; the
 * module's only exported symbol is bib_plugin_module).
 */
#ifndef BIBCONV_PAGEINT_H
#define BIBCONV_PAGEINT_H

#include <stdbool.h>
#include <stddef.h>

/* One line of a page: text without its line end (owned by the page, NUL
 * terminated, trailing white space kept) and its 1-based input line. */
typedef struct page_line {
    char *text;
    size_t len;
    size_t lineno;
} page_line;

/* The lines of one page (a page is small; the stream is never held). */
typedef struct page_lines {
    page_line *v;
    size_t n, cap;
} page_lines;

/* Appends a copy of s[0..len). Returns 0 or -1 (out of memory). */
int page_lines_push(page_lines *pl, const char *s, size_t len, size_t lineno);
/* Frees the first k lines and moves the rest down. */
void page_lines_drop(page_lines *pl, size_t k);
/* Frees every line and the array. */
void page_lines_free(page_lines *pl);

typedef enum page_layout {
    PAGE_LAYOUT_NONE = 0,
    PAGE_LAYOUT_PROFILE,
    PAGE_LAYOUT_FEED,
    PAGE_LAYOUT_TOPIC,
    PAGE_LAYOUT_PAPER       /* the feed site's single-paper page */
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
    bool venue;         /* "COSYNE 2022", "Neuromatch 5" */
    bool heading;       /* a publications heading */
    bool same_as_prev;  /* equal to the previous non-blank line */
    bool placeholder;   /* "N/A", "TBA", no letters at all */
    bool opener;        /* starts like prose ("We", "In this") */
    bool sentence_end;  /* ends with a full stop after 8 words or more */
    int verbish;        /* verbs and pronouns of prose ("we", "is") */
    int name;           /* name-likeness, PAGE_NAME_NO when impossible */
    int titleish;       /* function words, colon, '?', title vocabulary */
    int prose;          /* sentence-like evidence: full stops, length */
} page_feat;

#define PAGE_NAME_NO (-1000)

/* Features of s[0..len) (prev: the previous non-blank line or NULL). */
void page_features(page_feat *f, const char *s, size_t len, const char *prev,
                   size_t prev_len);

/* Name-likeness of s[0..len) as one display name ("Matthew G. Perich",
 * "Martijn P van den Heuvel", "Liu 0001", "SMITH John*"): PAGE_NAME_NO when
 * it cannot be a name, else a score (higher is more name-like; a title of
 * capitalised words gets a negative score from the title vocabulary). */
int page_name_score(const char *s, size_t len);

/* Byte offset of the abstract marker in s, its length in *mlen; -1 none. */
long page_find_abs_marker(const char *s, size_t len, size_t *mlen);
/* Byte offset where the author marker tail (" … (see N more)") starts;
 * -1 when the line has none. */
long page_find_auth_marker(const char *s, size_t len);

/* A parsed feed meta line "79.2NEMay 29Code". Offsets into the line. */
typedef struct page_meta {
    size_t codes_off, codes_len;  /* "NE", or "LGNE" for several */
    size_t date_off, date_len;    /* "May 29" / "Oct 6, 2023" */
    size_t score_len;             /* "79.2" at offset 0; 0 when none */
    bool has_year;
    bool code;                    /* "Code" badge */
} page_meta;

/* Parses a feed meta line; true when it is one. */
bool page_parse_meta(const char *s, size_t len, page_meta *m);

/* True for a poster venue line: a short capitalised name then a year or an
 * edition number ("FENS Forum 2024", "Neuromatch 5"). *year gets the year
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

/* Splits s[0..len) on ", " into names: calls fn for each piece. */
typedef void (*page_piece_fn)(const char *s, size_t len, void *ctx);
void page_split_commas(const char *s, size_t len, page_piece_fn fn, void *ctx);

/* True for a publications heading line ("Publications", "Latest
 * Publications", "Dernières publications"). */
bool page_is_heading(const char *s, size_t len);

/* Best path: n positions, k states; emit[i*k+s], trans[a*k+b], start[s];
 * fills path[0..n). Scores are integers, PAGE_NEG forbids. Returns 0 or -1
 * (out of memory). */
#define PAGE_NEG (-1000000)
int page_viterbi(size_t n, int k, const int *emit, const int *trans,
                 const int *start, int *path);

/* Detects the layout of a page (lines [0..n) of pl) from its cues; *lang
 * gets "en" or "fr". */
page_layout page_detect_layout(const page_lines *pl, const char **lang);

/* Labels every line of the page with a role for `layout`. roles[] has
 * pl->n entries. Returns 0 or -1 (out of memory). */
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
 * line. Appends to pl. Returns 0, or -1 when the document cannot be
 * parsed or memory runs out. */
int page_html_to_lines(const char *html, size_t len, page_lines *pl);

/* True when the head of an input looks like HTML. */
bool page_looks_html(const char *s, size_t len);

#endif /* BIBCONV_PAGEINT_H */
