/* SPDX-License-Identifier: MIT */
/*
 * page_trim.c - what the generic layout cuts off an entry before the
 * reference tagger reads it (pageint.h): a site's citation count after
 * an entry, a programme's day and time after a talk's title, a session
 * label before it. Page chrome, never a reference's own words.
 *
 * Not for: the per-line features (page_text.c), entries and records
 * (layout_generic.c).
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "bibconv/dates.h"
#include "pageint.h"

/* A citation count a list prints after an entry (`... 1997. 72
 * citations`, `Cited by 72`, `cité 72 fois`): the site's, not the
 * reference's, so it is cut off before the tagger reads the entry (it was
 * read as the pages). *n loses it and the spaces before it. */
void page_drop_cite_count(const char *s, size_t *n)
{
    static const struct { const char *pre, *post; } forms[] = {
        { "", " citations" }, { "", " citation" }, { "cited by ", "" }, { "citations: ", "" },
        { "cit\xc3\xa9 ", " fois" }, { "(", " citations)" }, { "[", " citations]" },
    };
    size_t e = *n;
    while (e && s[e - 1] == ' ')
        e--;
    for (size_t f = 0; f < sizeof forms / sizeof forms[0]; f++) {
        size_t pl = strlen(forms[f].pre), ql = strlen(forms[f].post);
        if (e < ql + 1 + pl || strncasecmp(s + e - ql, forms[f].post, ql) != 0)
            continue;
        size_t d = e - ql;
        while (d && s[d - 1] >= '0' && s[d - 1] <= '9')
            d--;
        if (d == e - ql || e - ql - d > 6 || d < pl || strncasecmp(s + d - pl, forms[f].pre, pl))
            continue;
        d -= pl;
        /* the count stands apart: after the entry's own end or a space */
        if (d && s[d - 1] != ' ')
            continue;
        while (d && s[d - 1] == ' ')
            d--;
        if (d >= 20) /* a whole entry is left before it */
            *n = d;
        return;
    }
}

/* The last word of s[0..*n): its start; *n is left alone. */
static size_t last_word(const char *s, size_t n)
{
    while (n && s[n - 1] != ' ')
        n--;
    return n;
}

/* A programme prints its session's day and time after a talk's title
 * (`Title Tue 15 Jul 11:00 a.m.`, `Titre 15 juil. 11:00`): *n loses
 * them. A clock time with two date words before it (a weekday, a day, a
 * month) is needed, so a title's own number stays. */
void page_drop_schedule_time(const char *s, size_t *n)
{
    size_t m = *n;
    while (m && s[m - 1] == ' ')
        m--;
    size_t w = last_word(s, m);
    const char *t = s + w;
    size_t tn = m - w;
    if ((tn == 4 && (memcmp(t, "a.m.", 4) == 0 || memcmp(t, "p.m.", 4) == 0))
        || (tn == 2 && (t[1] == 'm' || t[1] == 'M') && strchr("apAP", t[0]))) {
        m = w ? w - 1 : 0;
        w = last_word(s, m);
        t = s + w;
        tn = m - w;
    }
    /* H:MM or HH:MM, or as French writes it, 14h30 */
    if (!(tn >= 4 && tn <= 5 && (t[tn - 3] == ':' || t[tn - 3] == 'h') && t[0] >= '0'
          && t[0] <= '9' && t[tn - 1] >= '0' && t[tn - 1] <= '9' && t[tn - 2] >= '0'
          && t[tn - 2] <= '9'))
        return;
    m = w ? w - 1 : 0;
    int dates = 0;
    while (m && dates < 3) {
        w = last_word(s, m);
        t = s + w;
        tn = m - w;
        if (tn > 1 && t[tn - 1] == ',')
            tn--; /* "Thu, 12 Jun" */
        bool day = (tn == 1 || tn == 2) && t[0] >= '0' && t[0] <= '9'
                   && t[tn - 1] >= '0' && t[tn - 1] <= '9';
        /* weekdays and months through core's date service (English and
         * French, names or abbreviations, with or without the '.') */
        if (!day && !bib_weekday_parse(t, tn) && !bib_month_parse(t, tn))
            break;
        dates++;
        m = w ? w - 1 : 0;
    }
    if (dates >= 2 && m)
        *n = m;
}

/* A programme's session label before a talk's title (`Poster: `, `Oral: `,
 * `Affiche : `): the bytes it takes, 0 when the line opens with none. A
 * layout cue, not a title's own words: only these labels, each followed by
 * a colon (a space may come before it, as French writes it) and a space. */
size_t page_session_label(const char *s, size_t n)
{
    static const char *const labels[] = {
        "poster", "oral", "oral presentation", "spotlight", "spotlight talk", "keynote",
        "keynote talk", "invited talk", "contributed talk", "lightning talk", "short talk",
        "long talk", "talk", "demo", "tutorial", "panel", "affiche", "communication orale",
        "expos\xC3\xA9", "conf\xC3\xA9" "rence invit\xC3\xA9" "e", NULL};
    for (const char *const *l = labels; *l; l++) {
        size_t k = strlen(*l), i;
        if (n < k + 2)
            continue;
        for (i = 0; i < k; i++) {
            char c = s[i];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if (c != (*l)[i])
                break;
        }
        if (i < k)
            continue;
        if (s[i] == ' ' && i + 1 < n && s[i + 1] == ':')
            i++;
        if (s[i] != ':' || i + 1 >= n || s[i + 1] != ' ')
            continue;
        i += 2;
        while (i < n && s[i] == ' ')
            i++;
        return i < n ? i : 0;
    }
    return 0;
}
