/* SPDX-License-Identifier: MIT */
/*
 * layout_profile.c - the researcher profile layout: a portrait line, a
 * header (biography, topics, students) up to a "Publications" heading,
 * then records of a title line, one author per line and an abstract line.
 * Its cues, states, transitions and record builder
 * (records of type article; the owner from the portrait line).
 *
 * Not for: features (page_text.c), the best path (page_label.c).
 */
#include <string.h>

#include "bibconv/names.h"
#include "bibconv/utf8.h"
#include "pageint.h"

/* ---- cues --------------------------------------------------------------- */

/* A portrait line first: the strongest cue, and the page's language. */
static int profile_page_cue(const page_lines *pl, page_cues *c)
{
    size_t first = page_nonblank(pl, 0, 0);
    if (first >= pl->n || !page_is_portrait(pl->v[first].text, pl->v[first].len))
        return 0;
    if (page_starts_with(pl->v[first].text, pl->v[first].len, "Portrait of "))
        c->en += 3;
    else
        c->fr += 3;
    return 20;
}

/* The section headings of the header, and cookie-consent lines. */
static int profile_line_cue(const char *s, size_t n, page_cues *c)
{
    static const char *const en_heads[] = {"Research Topics", "Biography", "Current Students",
                                           NULL};
    static const char *const fr_heads[] = {"Sujets de recherche", "Biographie",
                                           "Étudiants actuels", NULL};
    int pts = 0;
    for (const char *const *h = en_heads; *h; h++)
        if (strlen(*h) == n && memcmp(*h, s, n) == 0)
            c->en += 2, pts += 3;
    for (const char *const *h = fr_heads; *h; h++)
        if (strlen(*h) == n && memcmp(*h, s, n) == 0)
            c->fr += 2, pts += 3;
    if (page_is_cookie_line(s, n))
        pts += 1;
    return pts;
}

static int profile_score(const page_cues *c, int own)
{
    return own + (c->headings ? 8 : 0)
           + (c->abs_markers > 5 ? 10 : 2 * c->abs_markers);
}

/* Abstract markers alone are weak: a publications heading or more is
 * needed. */
static bool profile_accept(const page_cues *c, int score)
{
    return score > 2 || c->headings;
}

/* A portrait line, or a cookie-consent block (a redesigned profile) in a
 * page that had none, starts a new page. */
static size_t profile_starts_page(const page_lines *pl, size_t i, size_t first,
                                  page_layout current, bool cookie_seen)
{
    (void)current;
    const page_line *l = &pl->v[i];
    if (page_is_portrait(l->text, l->len))
        return i;
    if (cookie_seen || !page_is_cookie_line(l->text, l->len))
        return (size_t)-1;
    /* its two or three news lines come first */
    size_t nb = 0;
    for (size_t j = first; j < i; j++)
        nb += pl->v[j].len > 0;
    if (nb <= 3)
        return (size_t)-1; /* only the news lines of this page before it */
    size_t b = i;
    for (int k = 0; k < 3 && b > first + 1; k++) {
        const page_line *p = &pl->v[b - 1];
        page_feat f;
        page_features(&f, p->text, p->len, NULL, 0);
        if (f.blank || f.chars > 120 || f.prose >= 3 || f.venue || f.abs_marker || f.meta)
            break;
        b--;
    }
    return b;
}

/* ---- labelling ---------------------------------------------------------- */

enum { P_T, P_A, P_B, P_X, P_K }; /* title, author, abstract, other */

static const char *const profile_states[P_K] = {"title", "author", "abstract", "other"};
static const page_role profile_roles[P_K] = {PAGE_ROLE_TITLE, PAGE_ROLE_AUTHOR,
                                             PAGE_ROLE_ABSTRACT, PAGE_ROLE_OTHER};
/* the first line after the heading is a title; an untitled record (an
 * abstract first) is possible but costly */
static const int profile_start[P_K] = {0, PAGE_NEG, -15, -5};
static const int profile_trans[P_K * P_K] = {
    /* to:   T         A         B         X */
    /* T  */ -2,       0,        0,        0,
    /* A  */ 0,        0,        0,        0,
    /* B  */ 0,        PAGE_NEG, -20,      0,
    /* X  */ 0,        PAGE_NEG, -15,      0,
};

/* The header ends at the publications heading: anchor on it, never on
 * chrome that changes between crawls. */
static bool profile_header(const page_lines *pl, page_role *roles, size_t *zone)
{
    size_t n = pl->n, h = n;
    for (size_t i = 0; i < n; i++)
        if (page_is_heading(pl->v[i].text, pl->v[i].len)) {
            h = i;
            break;
        }
    if (h == n) {
        /* redesigned pages without a heading: records follow the
         * cookie-consent block */
        size_t c = n;
        for (size_t i = 0; i < n; i++)
            if (pl->v[i].len < 300 && page_has_word_ci(pl->v[i].text, pl->v[i].len, "cookie"))
                c = i;
        h = c;
    }
    for (size_t i = 0; i < n && i <= h; i++)
        if (pl->v[i].len)
            roles[i] = (i == h && page_is_heading(pl->v[i].text, pl->v[i].len))
                           ? PAGE_ROLE_SECTION : PAGE_ROLE_HEADER;
    if (h == n)
        return false;
    *zone = h + 1;
    return true;
}

/* ---- records ------------------------------------------------------------ */

/* The page owner: from the portrait line ("Portrait of NAME", "... is
 * unavailable", "Portrait de NAME n'est pas disponible"), else the most
 * name-like of the last four lines before the heading. */
static void find_owner(const page_lines *pl, const page_role *roles, const char **os,
                       size_t *on)
{
    *os = NULL;
    *on = 0;
    for (size_t i = 0; i < pl->n; i++) {
        const char *s = pl->v[i].text;
        size_t n = pl->v[i].len;
        page_trim_blank(&s, &n);
        if (!n)
            continue;
        static const char *const pre[] = {"Portrait of ", "Portrait de ", "Portrait d'", NULL};
        static const char *const post[] = {" is unavailable", " n'est pas disponible",
                                           " n\xE2\x80\x99" "est pas disponible", NULL};
        for (const char *const *p = pre; *p; p++) {
            size_t pn = strlen(*p);
            if (n > pn && memcmp(s, *p, pn) == 0) {
                s += pn;
                n -= pn;
                for (const char *const *q = post; *q; q++) {
                    size_t qn = strlen(*q);
                    if (n > qn && memcmp(s + n - qn, *q, qn) == 0) {
                        n -= qn;
                        break;
                    }
                }
                *os = s;
                *on = n;
                return;
            }
        }
        break; /* only the first non-blank line */
    }
    size_t h = pl->n;
    for (size_t i = 0; i < pl->n; i++)
        if (roles[i] == PAGE_ROLE_SECTION)
            h = i;
    /* the most name-like of the last lines before the heading (a role
     * such as "Alumni" may lean to a name too, less than the owner) */
    int best = 0;
    for (size_t i = h, seen = 0; i-- > 0 && seen < 4;) {
        const char *s = pl->v[i].text;
        size_t n = pl->v[i].len;
        page_trim_blank(&s, &n);
        if (!n)
            continue;
        seen++;
        int sc = page_name_score(s, n);
        if (sc > best) {
            best = sc;
            *os = s;
            *on = n;
        }
    }
}

struct prof_rec {
    bib_record *rec;
    size_t line;
    bool has_abstract;
    bool has_author_owner;
};

static bool same_person(const bib_record *rec, const char *os, size_t on)
{
    const bib_field *f = bib_record_get(rec, BIB_VAR_AUTHOR);
    if (!f)
        return false;
    bib_buf a = BIB_BUF_INIT, b = BIB_BUF_INIT, d = BIB_BUF_INIT;
    bib_utf8_match_key(&a, os, on);
    bool same = false;
    for (size_t i = 0; i < bib_field_name_count(f) && !same; i++) {
        bib_buf_reset(&d);
        bib_buf_reset(&b);
        bib_name_format_display(&d, bib_field_name_at(f, i));
        bib_utf8_match_key(&b, d.data, d.len);
        same = a.len == b.len && memcmp(a.data, b.data, a.len) == 0;
    }
    bib_buf_clear(&a);
    bib_buf_clear(&b);
    bib_buf_clear(&d);
    return same;
}

static int prof_finish(const page_build *b, struct prof_rec *p, const char *os, size_t on)
{
    if (!p->rec)
        return 0;
    bib_record *rec = p->rec;
    p->rec = NULL;
    int rc = 0;
    if (on) {
        rc = bib_record_add_extra(rec, PAGE_FMT, "owner", os, on);
        if (rc == 0 && b->owner_author && !same_person(rec, os, on)) {
            bool cut = false;
            const bib_field *f = bib_record_get(rec, BIB_VAR_AUTHOR);
            if (f)
                cut = bib_field_names_truncated(f);
            rc = page_add_display_name(rec, os, on, BIB_NAME_GIVEN_FIRST);
            if (rc == 0 && cut)
                rc = bib_record_set_names_truncated(rec, BIB_VAR_AUTHOR, true);
        }
    }
    if (rc != 0) {
        bib_record_free(rec);
        return rc;
    }
    return b->emit(b->ctx, rec, p->line);
}

static int prof_abstract(bib_record *rec, const char *s, size_t n)
{
    size_t ml = 0;
    long at = page_find_abs_marker(s, n, &ml);
    if (at < 0)
        return bib_record_set_text(rec, BIB_VAR_ABSTRACT, s, n);
    /* the halves joined as they stand: no space added or dropped */
    bib_buf b = BIB_BUF_INIT;
    bib_buf_append(&b, s, (size_t)at);
    bib_buf_append(&b, s + at + ml, n - (size_t)at - ml);
    int rc = bib_buf_failed(&b) ? BIB_ENOMEM : bib_record_set_text(rec, BIB_VAR_ABSTRACT,
                                                                    b.data, b.len);
    bib_buf_clear(&b);
    return rc;
}

static int build_profile(const page_build *b, const page_lines *pl, const page_role *roles)
{
    const char *os;
    size_t on;
    if (b->continuation) {
        /* the rest of an over-long page: its owner was found on its start */
        os = b->owner->data;
        on = b->owner->len;
    } else {
        find_owner(pl, roles, &os, &on);
        bib_buf_reset(b->owner);
        if (on && bib_buf_append(b->owner, os, on) != 0)
            return BIB_ENOMEM;
    }
    struct prof_rec p = {0};
    int rc = 0;
    size_t last = page_last_labelled(pl, roles);
    for (size_t i = 0; i < pl->n && rc == 0; i++) {
        const char *s = pl->v[i].text;
        size_t n = pl->v[i].len;
        page_trim_blank(&s, &n);
        size_t ln = pl->v[i].lineno;
        switch (roles[i]) {
        case PAGE_ROLE_TITLE:
            rc = prof_finish(b, &p, os, on);
            if (rc)
                break;
            p.rec = bib_record_new(BIB_TYPE_ARTICLE, NULL);
            p.line = ln;
            p.has_abstract = false;
            if (!p.rec)
                return BIB_ENOMEM;
            rc = bib_record_set_text(p.rec, BIB_VAR_TITLE, s, n);
            break;
        case PAGE_ROLE_AUTHOR: {
            if (!p.rec)
                break;
            long am = page_find_auth_marker(s, n);
            if (am >= 0) {
                rc = am > 0 ? page_add_display_name(p.rec, s, (size_t)am, BIB_NAME_GIVEN_FIRST)
                            : 0;
                if (rc == 0)
                    rc = bib_record_set_names_truncated(p.rec, BIB_VAR_AUTHOR, true);
            } else {
                rc = page_add_display_name(p.rec, s, n, BIB_NAME_GIVEN_FIRST);
            }
            break;
        }
        case PAGE_ROLE_ABSTRACT:
            if (!p.rec || p.has_abstract) {
                rc = prof_finish(b, &p, os, on);
                if (rc)
                    break;
                char q[64];
                page_quote(q, sizeof q, s, n);
                bib_input_report(b->in, BIB_SEV_WARNING, ln, 1,
                                 "record without a title, kept: '%s'", q);
                p.rec = bib_record_new(BIB_TYPE_ARTICLE, NULL);
                p.line = ln;
                if (!p.rec)
                    return BIB_ENOMEM;
            }
            p.has_abstract = true;
            rc = prof_abstract(p.rec, s, n);
            if (rc == 0 && i == last)
                rc = page_mark_cut(b, p.rec, s, n, ln);
            break;
        default:
            break;
        }
    }
    if (rc == 0)
        rc = prof_finish(b, &p, os, on);
    else if (p.rec)
        bib_record_free(p.rec);
    return rc;
}

const page_layout_desc page_layout_profile = {
    .name = "profile",
    .page_cue = profile_page_cue,
    .line_cue = profile_line_cue,
    .score = profile_score,
    .accept = profile_accept,
    .starts_page = profile_starts_page,
    .nstates = P_K,
    .state_names = profile_states,
    .state_roles = profile_roles,
    .start = profile_start,
    .trans = profile_trans,
    .features = PAGE_FEAT_CHARS | PAGE_FEAT_ABS_MARKER | PAGE_FEAT_AUTH_MARKER
                | PAGE_FEAT_PLACEHOLDER | PAGE_FEAT_PROSE | PAGE_FEAT_TITLEISH | PAGE_FEAT_NAME
                | PAGE_FEAT_SAME_AS_PREV | PAGE_FEAT_VERBISH | PAGE_FEAT_SENTENCE_END
                | PAGE_FEAT_OPENER | PAGE_FEAT_LAST | PAGE_FEAT_CASE,
    .header = profile_header,
    .label = NULL,
    .build = build_profile,
};
