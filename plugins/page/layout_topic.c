/* SPDX-License-Identifier: MIT */
/*
 * layout_topic.c - the seminar topic page: a header (the topic name, its
 * lower-case slug, "N/A"), then talks (a title and an abstract, or none)
 * and posters (a title and a "Venue Year" line). Its cues, states,
 * transitions and record builder (records of type
 * speech, genre poster for posters, the topic as a keyword).
 *
 * Not for: the venue grammar (page_text.c).
 */
#include <string.h>

#include "bibconv/dates.h"
#include "pageint.h"

/* ---- cues --------------------------------------------------------------- */

/* The topic header from line i on: a name, its lower-case slug, "N/A". */
static bool topic_header_at(const page_lines *pl, size_t i)
{
    size_t a = page_nonblank(pl, i, 0),
           b = page_nonblank(pl, a + 1 < pl->n ? a + 1 : pl->n, 0);
    if (a >= pl->n || b >= pl->n)
        return false;
    size_t c = page_nonblank(pl, b + 1, 0);
    return c < pl->n && page_is_lower_copy(&pl->v[a], &pl->v[b]) && page_is_na(&pl->v[c]);
}

static int topic_page_cue(const page_lines *pl, page_cues *c)
{
    (void)c;
    return topic_header_at(pl, 0) ? 20 : 0;
}

/* With no layout's cues: titles each over its abstract, three at least
 * (a lab's publications with their teasers, a topic page copied without
 * its header). A title: 3 to 40 words, no prose, no sentence end; an
 * abstract: prose (page_gen_prose, as the generic layout's) right under
 * it. */
static bool topic_fits(const page_lines *pl)
{
    int pairs = 0;
    bool title = false;
    for (size_t i = 0; i < pl->n && i < 400 && pairs < 3; i++) {
        const char *s = pl->v[i].text;
        size_t n = pl->v[i].len;
        page_trim_blank(&s, &n);
        if (!n)
            continue;
        page_feat f;
        page_features(&f, s, n, NULL, 0);
        bool prose = page_gen_prose(&f, s[n - 1]);
        pairs += title && prose;
        title = !prose && !f.sentence_end && f.tokens >= 3 && f.tokens <= 40 &&
                page_starts_upper(s, n);
    }
    return pairs >= 3;
}

static int topic_score(const page_cues *c, int own)
{
    return own + (c->venues > 5 ? 10 : 2 * c->venues);
}

/* A topic header starts a new page: at its "N/A" line, the page starts
 * at the topic name two non-blank lines before. */
static size_t topic_starts_page(const page_lines *pl, size_t i, size_t first,
                                page_layout current, bool cookie_seen)
{
    (void)current;
    (void)cookie_seen;
    if (i < 2 || !page_is_na(&pl->v[i]))
        return (size_t)-1;
    size_t b = i, a;
    while (b-- > 0 && !pl->v[b].len) {
    }
    if (b < i && b > 0) {
        a = b;
        while (a-- > 0 && !pl->v[a].len) {
        }
        if (a < b && page_is_lower_copy(&pl->v[a], &pl->v[b]) && a > first)
            return a;
    }
    return (size_t)-1;
}

/* ---- labelling ---------------------------------------------------------- */

/* header, talk title, abstract, poster title, venue, other */
enum { W_H, W_T, W_B, W_P, W_V, W_X, W_K };

static const char *const topic_states[W_K] = {"header", "title", "abstract", "poster",
                                              "venue", "other"};
static const page_role topic_roles[W_K] = {PAGE_ROLE_HEADER, PAGE_ROLE_TITLE,
                                           PAGE_ROLE_ABSTRACT, PAGE_ROLE_POSTER,
                                           PAGE_ROLE_VENUE, PAGE_ROLE_OTHER};
static const int topic_start[W_K] = {0, -3, -20, -3, PAGE_NEG, -5};
static const int topic_trans[W_K * W_K] = {
    /* to:   H         T         B         P         V         X */
    /* H  */ 0,        0,        PAGE_NEG, 0,        PAGE_NEG, 0,
    /* T  */ PAGE_NEG, -1,       0,        0,        PAGE_NEG, 0,
    /* B  */ PAGE_NEG, 0,        -12,      0,        PAGE_NEG, 0,
    /* P  */ PAGE_NEG, PAGE_NEG, PAGE_NEG, PAGE_NEG, 0,        0,
    /* V  */ PAGE_NEG, -2,       PAGE_NEG, 0,        -12,      0,
    /* X  */ PAGE_NEG, 0,        0,        0,        0,        0,
};

/* ---- records ------------------------------------------------------------ */

static int build_topic(const page_build *b, const page_lines *pl, const page_role *roles)
{
    const char *topic = NULL;
    size_t tn = 0;
    bool topic_seen = topic_header_at(pl, 0) || b->continuation;
    for (size_t i = 0; i < pl->n; i++)
        if (roles[i] == PAGE_ROLE_HEADER) {
            topic = pl->v[i].text;
            tn = pl->v[i].len;
            page_trim_blank(&topic, &tn);
            break;
        }
    if (tn > 80)
        tn = 0; /* a paragraph, not a topic name */
    bib_record *cur = NULL;
    size_t cur_line = 0;
    bool has_abs = false;
    int rc = 0;
    size_t last = page_last_labelled(pl, roles);
    for (size_t i = 0; i < pl->n && rc == 0; i++) {
        const char *s = pl->v[i].text;
        size_t n = pl->v[i].len;
        page_trim_blank(&s, &n);
        size_t ln = pl->v[i].lineno;
        switch (roles[i]) {
        case PAGE_ROLE_TITLE:
        case PAGE_ROLE_POSTER:
            if (cur) {
                rc = b->emit(b->ctx, cur, cur_line);
                cur = NULL;
                if (rc)
                    break;
            }
            /* talks on a seminar's topic page (its header says so);
             * without the header, works of no known kind */
            cur = bib_record_new(topic_seen ? BIB_TYPE_SPEECH : BIB_TYPE_DOCUMENT, NULL);
            if (!cur)
                return BIB_ENOMEM;
            cur_line = ln;
            has_abs = false;
            rc = bib_record_set_text(cur, BIB_VAR_TITLE, s, n);
            if (rc == 0 && roles[i] == PAGE_ROLE_POSTER)
                rc = bib_record_set_text(cur, BIB_VAR_GENRE, "poster", 6);
            if (rc == 0 && tn)
                rc = bib_record_add_text(cur, BIB_VAR_KEYWORD, topic, tn);
            break;
        case PAGE_ROLE_ABSTRACT:
            if (!cur || has_abs) {
                char q[64];
                page_quote(q, sizeof q, s, n);
                bib_input_report(b->in, BIB_SEV_WARNING, ln, 1,
                                 "abstract without a title, skipped: '%s'", q);
                break;
            }
            has_abs = true;
            rc = bib_record_set_text(cur, BIB_VAR_ABSTRACT, s, n);
            if (rc == 0 && i == last)
                rc = page_mark_cut(b, cur, s, n, ln);
            break;
        case PAGE_ROLE_VENUE: {
            if (!cur)
                break;
            int year;
            size_t nl;
            if (!page_parse_venue(s, n, &year, &nl))
                break;
            rc = bib_record_set_text(cur, BIB_VAR_EVENT_TITLE, s, year ? nl : n);
            if (rc == 0 && year)
                rc = page_set_year(cur, year);
            if (rc == 0)
                rc = bib_record_add_extra(cur, PAGE_FMT, "venue", s, n);
            break;
        }
        default:
            break;
        }
    }
    if (cur) {
        if (rc == 0)
            rc = b->emit(b->ctx, cur, cur_line);
        else
            bib_record_free(cur);
    }
    return rc;
}

const page_layout_desc page_layout_topic = {
    .name = "topic",
    .page_cue = topic_page_cue,
    .score = topic_score,
    .fits = topic_fits,
    .starts_page = topic_starts_page,
    .nstates = W_K,
    .state_names = topic_states,
    .state_roles = topic_roles,
    .start = topic_start,
    .trans = topic_trans,
    .features = PAGE_FEAT_POSITION | PAGE_FEAT_CHARS | PAGE_FEAT_SLUG | PAGE_FEAT_PROSE
                | PAGE_FEAT_VENUE | PAGE_FEAT_PLACEHOLDER | PAGE_FEAT_SENTENCE_END
                | PAGE_FEAT_LAST | PAGE_FEAT_CASE,
    .build = build_topic,
};
