/* SPDX-License-Identifier: MIT */
/*
 * page_text.c - the text side of the page reader: line lists, per-line
 * features, the name model (is this line one person's display name?),
 * truncation markers, the feed meta line and title/author splitter,
 * poster venues.
 *
 * Not for: layout detection and page boundaries (page_detect.c), the
 * best-path labelling (page_label.c), a layout's states, weights and
 * records (layout_*.c), HTML (page_html.c), or name splitting into
 * given/family (core's names.h does that).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/dates.h"
#include "bibconv/utf8.h"
#include "page_model.h"
#include "pageint.h"

/* ---- line lists ------------------------------------------------------ */

int page_lines_push(page_lines *pl, const char *s, size_t len, size_t lineno)
{
    if (pl->n == pl->cap) {
        size_t cap = pl->cap ? pl->cap * 2 : 64;
        page_line *v = realloc(pl->v, cap * sizeof *v);
        if (!v)
            return BIB_ENOMEM;
        pl->v = v;
        pl->cap = cap;
    }
    /* a line that may hold combining marks (U+0300-U+036F, lead bytes
     * CC, CD) or conjoining jamo (U+1100-U+11FF: E1 84-87) is put in
     * NFC, so an NFD copy (macOS) reads as the NFC page: shapes, names
     * and record text alike; other lines (most, "…" included) are copied */
    bool maybe_nfd = memchr(s, 0xCC, len) || memchr(s, 0xCD, len);
    for (const char *p = memchr(s, 0xE1, len); p && !maybe_nfd;
         p = memchr(p + 1, 0xE1, len - (size_t)(p + 1 - s))) {
        unsigned char c = p + 1 < s + len ? (unsigned char)p[1] : 0;
        maybe_nfd = c >= 0x84 && c <= 0x87;
    }
    if (maybe_nfd && bib_utf8_valid(s, len)) {
        bib_buf b = BIB_BUF_INIT;
        if (bib_utf8_nfc(&b, s, len) != 0) {
            bib_buf_clear(&b);
            return BIB_ENOMEM;
        }
        size_t n = b.len;
        char *t = bib_buf_detach(&b);
        if (!t)
            return BIB_ENOMEM;
        pl->v[pl->n++] = (page_line){t, n, lineno};
        return BIB_OK;
    }
    char *t = malloc(len + 1);
    if (!t)
        return BIB_ENOMEM;
    memcpy(t, s, len);
    t[len] = '\0';
    pl->v[pl->n++] = (page_line){t, len, lineno};
    return BIB_OK;
}

void page_lines_drop(page_lines *pl, size_t k)
{
    if (k > pl->n)
        k = pl->n;
    for (size_t i = 0; i < k; i++)
        free(pl->v[i].text);
    if (k && pl->n > k)
        memmove(pl->v, pl->v + k, (pl->n - k) * sizeof *pl->v);
    pl->n -= k;
}

void page_lines_free(page_lines *pl)
{
    page_lines_drop(pl, pl->n);
    free(pl->v);
    pl->v = NULL;
    pl->n = pl->cap = 0;
}

const char *page_role_name(page_role r)
{
    static const char *const names[] = {"blank", "header", "section", "title", "author",
                                        "abstract", "meta", "title+authors", "poster",
                                        "venue", "other"};
    return (unsigned)r < sizeof names / sizeof *names ? names[r] : "?";
}


/* ---- characters ------------------------------------------------------ */

enum { CC_NONE = 0, CC_UPPER = 1, CC_LOWER = 2, CC_LETTER = 3 };

/* Letter case of a code point for the scripts names on these pages use
 * (Latin, Greek, Cyrillic); other letters (CJK) count as caseless. */
static int cp_class(uint32_t c)
{
    if (c < 0x80) {
        if (c >= 'A' && c <= 'Z')
            return CC_UPPER;
        if (c >= 'a' && c <= 'z')
            return CC_LOWER;
        return CC_NONE;
    }
    if (c >= 0xC0 && c <= 0xDE && c != 0xD7)
        return CC_UPPER;
    if (c >= 0xDF && c <= 0xFF && c != 0xF7)
        return CC_LOWER;
    if (c >= 0x100 && c <= 0x17F) {
        /* Latin Extended-A pairs upper/lower, with the parity shifted in
         * 0x139..0x148 and 0x179..0x17E */
        if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E))
            return (c & 1) ? CC_UPPER : CC_LOWER;
        if (c == 0x138 || c == 0x149 || c == 0x17F)
            return CC_LOWER;
        if (c == 0x178)
            return CC_UPPER;
        return (c & 1) ? CC_LOWER : CC_UPPER;
    }
    if (c >= 0x180 && c <= 0x24F)
        return CC_LETTER;
    if ((c >= 0x391 && c <= 0x3A9))
        return CC_UPPER;
    if (c >= 0x3AC && c <= 0x3CE)
        return CC_LOWER;
    if (c >= 0x400 && c <= 0x42F)
        return CC_UPPER;
    if (c >= 0x430 && c <= 0x45F)
        return CC_LOWER;
    if ((c >= 0x3040 && c <= 0x9FFF) || (c >= 0xAC00 && c <= 0xD7AF))
        return CC_LETTER;
    return CC_NONE;
}

static uint32_t cp_at(const char *s, size_t len, size_t i, int *n)
{
    if ((unsigned char)s[i] < 0x80) {
        *n = 1; /* ASCII: most of every page, and this is hot */
        return (unsigned char)s[i];
    }
    uint32_t c = 0;
    *n = bib_utf8_decode(s + i, len - i, &c);
    if (*n <= 0)
        *n = 1;
    return c;
}

static bool is_space_cp(uint32_t c)
{
    return c == ' ' || c == '\t' || c == 0xA0 || c == '\r';
}

static bool is_hyphen_cp(uint32_t c)
{
    return c == '-' || c == 0x2010 || c == 0x2011;
}

/* Trims ASCII white space at both ends, NBSP at the end. */
void page_trim(const char **s, size_t *len)
{
    const char *p = *s;
    size_t n = *len;
    while (n && (p[0] == ' ' || p[0] == '\t' || p[0] == '\r'))
        p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
        n--;
    while (n >= 2 && (unsigned char)p[n - 2] == 0xC2 && (unsigned char)p[n - 1] == 0xA0)
        n -= 2;
    *s = p;
    *len = n;
}

void page_trim_blank(const char **s, size_t *len)
{
    const char *p = *s;
    size_t n = *len;
    while (n && (*p == ' ' || *p == '\t' || *p == '\r'))
        p++, n--;
    while (n && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
        n--;
    *s = p;
    *len = n;
}

/* Next token of s starting at *pos: white space separated. */
static bool next_token(const char *s, size_t len, size_t *pos, size_t *ts, size_t *te)
{
    size_t i = *pos;
    int n;
    while (i < len && is_space_cp(cp_at(s, len, i, &n)))
        i += (size_t)n;
    if (i >= len)
        return false;
    *ts = i;
    while (i < len && !is_space_cp(cp_at(s, len, i, &n)))
        i += (size_t)n;
    *te = i;
    *pos = i;
    return true;
}

/* Lower-case ASCII fold of a token into buf (for the word lists). */
static size_t fold_word(const char *s, size_t len, char *buf, size_t cap)
{
    size_t a = 0;
    while (a < len && (unsigned char)s[a] < 0x80)
        a++;
    if (a == len) {
        /* ASCII: no transliteration needed (the common case, and hot) */
        size_t n = 0;
        for (size_t i = 0; i < len && n + 1 < cap; i++) {
            char c = s[i];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c - 'A' + 'a');
            if ((c >= 'a' && c <= 'z') || c == '-' || c == '\'')
                buf[n++] = c;
        }
        buf[n] = '\0';
        return n;
    }
    bib_buf b = BIB_BUF_INIT;
    bib_utf8_ascii_fold(&b, s, len);
    size_t n = 0;
    for (size_t i = 0; i < b.len && n + 1 < cap; i++) {
        char c = b.data[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if ((c >= 'a' && c <= 'z') || c == '-' || c == '\'')
            buf[n++] = c;
    }
    buf[n] = '\0';
    bib_buf_clear(&b);
    return n;
}

static bool in_list(const char *w, const char *const *list)
{
    /* first letters differ for most pairs: test them before strcmp */
    char c = w[0];
    for (; *list; list++)
        if ((*list)[0] == c && strcmp(w, *list) == 0)
            return true;
    return false;
}

/* ---- word lists (generic vocabulary, not taken from any one page) ---- */

/* Lower-case function words of English and French titles and prose. */
static const char *const function_words[] = {
    "a", "an", "the", "of", "for", "with", "and", "in", "on", "to", "via", "from", "by",
    "is", "are", "at", "as", "vs", "or", "into", "through", "under", "over", "without",
    "between", "using", "can", "do", "does", "not", "be", "its", "their", "we", "our",
    "this", "that", "these", "it", "which", "how", "what", "when", "why", "where",
    "than", "towards", "toward", "beyond", "across", "within", "about", "against",
    "et", "pour", "avec", "dans", "sur", "une", "un", "par", "les", "aux", "au", "est",
    NULL};

/* Name particles: lower-case words allowed inside a personal name. */
static const char *const particles[] = {
    "van", "von", "der", "den", "de", "des", "du", "da", "dos", "das", "di", "del",
    "della", "la", "le", "ter", "ten", "zu", "y", "bin", "ibn", "al", "el", "st", "vander",
    "e", NULL};

/* Title-word endings that person names do not have (checked on the
 * folded lower-case word, with a minimum length against short names). */
static bool title_suffix(const char *w, size_t n)
{
    static const struct { const char *suf; size_t min; } sufs[] = {
        {"ing", 7}, {"tion", 6}, {"tions", 7}, {"sion", 7}, {"ness", 6}, {"ity", 6},
        {"ment", 8}, {"ments", 8}, {"ics", 6}, {"ogy", 6}, {"ism", 6}, {"isms", 7},
        {"ive", 7}, {"ous", 6}, {"able", 6}, {"ible", 6}, {"ship", 7}, {"ized", 6},
        {"ised", 7}, {"izing", 7}, {"ization", 8}, {"ular", 7}, {"ational", 8},
        {"works", 6}, {"ators", 7}, {"ities", 7}, {"ologies", 8},
    };
    for (size_t i = 0; i < sizeof sufs / sizeof *sufs; i++) {
        size_t k = strlen(sufs[i].suf);
        if (n >= sufs[i].min && n > k && memcmp(w + n - k, sufs[i].suf, k) == 0)
            return true;
    }
    return false;
}

/* ---- the name model -------------------------------------------------- */

enum { TK_BAD = 0, TK_CAP, TK_INITIAL, TK_ALLCAPS, TK_PARTICLE, TK_NUMBER, TK_FUNC };

/* Classifies one token of a candidate name. */
static int name_token(const char *t, size_t n)
{
    while (n && t[n - 1] == '*') /* equal-contribution mark */
        n--;
    if (!n)
        return TK_BAD;
    /* a homonym number ("Liu 0001") */
    size_t d = 0;
    while (d < n && t[d] >= '0' && t[d] <= '9')
        d++;
    if (d == n)
        return TK_NUMBER;
    if (d)
        return TK_BAD;
    /* a parenthesised given name: "Pierre (Louis) Bellec" */
    if (t[0] == '(' && t[n - 1] == ')' && n > 2) {
        int k = name_token(t + 1, n - 2);
        return k == TK_CAP ? TK_CAP : TK_BAD;
    }
    int upper = 0, lower = 0, letters = 0, caps_run = 0, bad_camel = 0, dots = 0;
    int prev = CC_NONE;
    uint32_t first = 0;
    for (size_t i = 0; i < n;) {
        int k;
        uint32_t c = cp_at(t, n, i, &k);
        int cl = cp_class(c);
        if (i == 0)
            first = c;
        if (cl == CC_UPPER) {
            upper++;
            letters++;
            caps_run++;
        } else if (cl == CC_LOWER || cl == CC_LETTER) {
            /* two capitals before a lower-case letter: an acronym glued
             * to a word ("EDIAlice"), not a camel-case given name */
            if (cl == CC_LOWER && caps_run >= 2 && upper != letters)
                bad_camel = 1;
            if (cl == CC_LOWER && caps_run >= 2 && upper == letters && letters >= 2)
                bad_camel = 1;
            if (cl == CC_LOWER)
                lower++;
            letters++;
            caps_run = 0;
        } else if (c == '.') {
            dots++;
            caps_run = 0;
        } else if (is_hyphen_cp(c) || c == '\'' || c == 0x2019) {
            caps_run = 0;
        } else {
            return TK_BAD;
        }
        prev = cl;
        i += (size_t)k;
    }
    (void)prev;
    if (!letters)
        return TK_BAD;
    int fc = cp_class(first);
    if (fc == CC_LOWER) {
        char w[32];
        fold_word(t, n, w, sizeof w);
        if (in_list(w, particles))
            return TK_PARTICLE;
        if (in_list(w, function_words))
            return TK_FUNC;
        return TK_BAD;
    }
    /* initials: "J", "J.", "J.E.", "J.-P." */
    if (upper == letters && (letters == 1 || (dots && dots >= letters - 0 && letters <= 3)))
        return TK_INITIAL;
    if (bad_camel)
        return TK_BAD;
    if (upper == letters)
        return TK_ALLCAPS;
    if (fc == CC_UPPER || fc == CC_LETTER)
        return dots > 1 ? TK_BAD : TK_CAP;
    return TK_BAD;
}

int page_name_score(const char *s, size_t len)
{
    page_trim(&s, &len);
    if (!len || bib_utf8_length(s, len) > 60)
        return PAGE_NAME_NO;
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (c == ':' || c == '?' || c == '!' || c == ';' || c == ',' || c == '"' || c == '/'
            || c == '[' || c == '&' || c == '=' || c == '+' || c == '@' || c == '#')
            return PAGE_NAME_NO;
    }
    size_t pos = 0, ts, te;
    int ntok = 0, core = 0, initials = 0, suffixes = 0, allcaps = 0, func = 0;
    int first_kind = TK_BAD, last_kind = TK_BAD, prev_kind = TK_BAD;
    while (next_token(s, len, &pos, &ts, &te)) {
        int k = name_token(s + ts, te - ts);
        if (k == TK_BAD)
            return PAGE_NAME_NO;
        if (k == TK_NUMBER && prev_kind == TK_NUMBER)
            return PAGE_NAME_NO;
        if (prev_kind == TK_NUMBER)
            return PAGE_NAME_NO; /* a number only at the end */
        ntok++;
        if (ntok > 7)
            return PAGE_NAME_NO;
        if (ntok == 1)
            first_kind = k;
        if (k != TK_NUMBER)
            last_kind = k;
        if (k == TK_FUNC)
            func++;
        if (k == TK_CAP || k == TK_ALLCAPS || k == TK_INITIAL)
            core++;
        if (k == TK_INITIAL)
            initials++;
        if (k == TK_CAP || k == TK_ALLCAPS) {
            char w[48];
            size_t wn = fold_word(s + ts, te - ts, w, sizeof w);
            if (in_list(w, function_words))
                func++;
            else if (title_suffix(w, wn))
                suffixes++;
            if (k == TK_ALLCAPS)
                allcaps++;
        }
        prev_kind = k;
    }
    if (func)
        return PAGE_NAME_NO;
    if (core < 2 || core > 5)
        return PAGE_NAME_NO;
    if (first_kind != TK_CAP && first_kind != TK_INITIAL && first_kind != TK_ALLCAPS)
        return PAGE_NAME_NO;
    if (last_kind != TK_CAP && last_kind != TK_ALLCAPS && last_kind != TK_INITIAL)
        return PAGE_NAME_NO;
    int score = 6;
    if (core > 3)
        score -= 2 * (core - 3);
    score += initials > 2 ? 2 : initials;
    if (last_kind == TK_INITIAL)
        score -= 3;
    score -= 4 * suffixes;
    /* a line all in capitals is a shouted title more often than a name */
    if (allcaps == core)
        score -= 4;
    else if (allcaps > 1)
        score -= 2;
    return score;
}

/* ---- markers --------------------------------------------------------- */

static const char ELLIPSIS[] = "\xE2\x80\xA6";

long page_find_abs_marker(const char *s, size_t len, size_t *mlen)
{
    static const char *const marks[] = {"\xE2\x80\xA6 (see more)", "\xE2\x80\xA6 (voir plus)",
                                        NULL};
    const char *best = NULL;
    size_t bl = 0;
    for (const char *const *m = marks; *m; m++) {
        size_t ml = strlen(*m);
        for (const char *p = s; (size_t)(s + len - p) >= ml;) {
            const char *q = memchr(p, (unsigned char)ELLIPSIS[0], (size_t)(s + len - p));
            if (!q || (size_t)(s + len - q) < ml)
                break;
            if (memcmp(q, *m, ml) == 0) {
                if (!best || q < best)
                    best = q, bl = ml;
                break;
            }
            p = q + 1;
        }
    }
    if (!best)
        return -1;
    if (mlen)
        *mlen = bl;
    return (long)(best - s);
}

size_t page_cut_marker(const char *s, size_t len)
{
    /* "… (see 4 mo", "… (v", "…": what is left after the last ellipsis
     * is short, opens with a space or a bracket and holds only the
     * letters, digits and spaces of the markers, without their ")" */
    static const char allowed[] = " (0123456789seemorvilpud";
    size_t e = len;
    while (e >= 3 && memcmp(s + e - 3, ELLIPSIS, 3) != 0 && len - e < 18)
        e--;
    if (e < 3 || memcmp(s + e - 3, ELLIPSIS, 3) != 0)
        return len;
    if (e < len && s[e] != ' ' && s[e] != '(')
        return len;
    for (size_t i = e; i < len; i++)
        if (!strchr(allowed, s[i]) || !s[i])
            return len;
    e -= 3;
    while (e && s[e - 1] == ' ')
        e--;
    return e;
}

long page_find_auth_marker(const char *s, size_t len)
{
    page_trim(&s, &len);
    /* " … (see N more)" / " … (voir N de plus)" at the end of the line */
    if (len < 8 || s[len - 1] != ')')
        return -1;
    const char *open = NULL;
    for (size_t i = len; i-- > 0;)
        if (s[i] == '(') {
            open = s + i;
            break;
        }
    if (!open || open - s < 4)
        return -1;
    const char *in = open + 1, *end = s + len - 1;
    bool digit = false;
    for (const char *p = in; p < end; p++)
        if (*p >= '0' && *p <= '9')
            digit = true;
    if (!digit)
        return -1;
    bool en = (size_t)(end - in) > 8 && memcmp(in, "see ", 4) == 0
              && memcmp(end - 5, " more", 5) == 0;
    bool fr = (size_t)(end - in) > 10 && memcmp(in, "voir ", 5) == 0
              && memcmp(end - 5, " plus", 5) == 0;
    if (!en && !fr)
        return -1;
    const char *e = open;
    if (e > s && e[-1] == ' ')
        e--;
    if (e - s >= 3 && memcmp(e - 3, ELLIPSIS, 3) == 0)
        e -= 3;
    else if (e - s >= 3 && memcmp(e - 3, "...", 3) == 0)
        e -= 3;
    else
        return -1;
    while (e > s && e[-1] == ' ')
        e--;
    return (long)(e - s);
}

/* ---- feed meta lines and venues -------------------------------------- */

bool page_parse_meta(const char *s, size_t len, page_meta *m)
{
    page_trim(&s, &len);
    memset(m, 0, sizeof *m);
    size_t i = 0;
    /* optional score with one decimal */
    size_t d = 0;
    while (d < len && s[d] >= '0' && s[d] <= '9')
        d++;
    if (d) {
        if (d + 1 < len && s[d] == '.' && s[d + 1] >= '0' && s[d + 1] <= '9') {
            i = d + 2;
            while (i < len && s[i] >= '0' && s[i] <= '9')
                i++;
            m->score_len = i;
        } else {
            return false;
        }
    }
    size_t up = i;
    while (up < len && s[up] >= 'A' && s[up] <= 'Z')
        up++;
    /* the run of capitals ends with the month's first letter */
    if (up == i || up >= len || !(s[up] >= 'a' && s[up] <= 'z'))
        return false;
    size_t codes = up - 1 - i;
    if (codes < 2 || codes % 2 || codes > 16)
        return false;
    m->codes_off = i;
    m->codes_len = codes;
    size_t mon = up - 1, me = up;
    while (me < len && s[me] >= 'a' && s[me] <= 'z')
        me++;
    if (me - mon < 3 || me - mon > 9 || bib_month_parse(s + mon, me - mon) == 0)
        return false;
    size_t p = me;
    if (p < len && s[p] == '.')
        p++;
    if (p >= len || s[p] != ' ')
        return false;
    p++;
    size_t ds = p;
    while (p < len && s[p] >= '0' && s[p] <= '9')
        p++;
    if (p == ds || p - ds > 2)
        return false;
    if (p + 6 <= len && s[p] == ',' && s[p + 1] == ' ') {
        size_t y = p + 2, ye = y;
        while (ye < len && s[ye] >= '0' && s[ye] <= '9')
            ye++;
        if (ye - y != 4)
            return false;
        p = ye;
        m->has_year = true;
    }
    m->date_off = mon;
    m->date_len = p - mon;
    if (p + 4 == len && memcmp(s + p, "Code", 4) == 0) {
        m->code = true;
        p += 4;
    }
    return p == len;
}

bool page_meta_cut(const char *s, size_t len)
{
    /* the grammar of page_parse_meta, any part of it allowed to stop
     * early: [score] CODES M[on[th]][.][ ][DD][,][ ][YYYY][Code] */
    page_meta m;
    page_trim(&s, &len);
    if (!len || page_parse_meta(s, len, &m))
        return false;
    size_t i = 0;
    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i && i < len && s[i] == '.') {
        i++;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
    } else if (i) {
        return false;
    }
    size_t up = i;
    while (up < len && s[up] >= 'A' && s[up] <= 'Z')
        up++;
    /* cut inside the codes ("NC", "79.2L"), or after the codes and the
     * month's capital */
    if (up == len)
        return up - i <= 17;
    if (up - i < 3 || (up - i) % 2 == 0 || up - i > 17)
        return false;
    size_t mon = up - 1, me = up;
    while (me < len && s[me] >= 'a' && s[me] <= 'z')
        me++;
    static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
    bool ok = false;
    size_t ml = me - mon < 3 ? me - mon : 3;
    for (size_t k = 0; k < 36; k += 3)
        ok |= memcmp(months + k, s + mon, ml) == 0;
    if (!ok || me - mon > 9)
        return false;
    size_t p = me;
    if (p < len && s[p] == '.')
        p++;
    if (p < len && s[p] == ' ')
        p++;
    size_t ds = p;
    while (p < len && p - ds < 2 && s[p] >= '0' && s[p] <= '9')
        p++;
    if (p < len && p > ds && s[p] == ',') {
        p++;
        if (p < len && s[p] == ' ')
            p++;
        size_t ys = p;
        while (p < len && p - ys < 4 && s[p] >= '0' && s[p] <= '9')
            p++;
    }
    /* the code badge, cut anywhere */
    if (p < len && len - p <= 4 && memcmp(s + p, "Code", len - p) == 0)
        p = len;
    return p == len;
}

bool page_parse_venue(const char *s, size_t len, int *year, size_t *name_len)
{
    page_trim(&s, &len);
    *year = 0;
    *name_len = 0;
    if (len < 3 || len > 60)
        return false;
    size_t d = len;
    while (d > 0 && s[d - 1] >= '0' && s[d - 1] <= '9')
        d--;
    size_t nd = len - d;
    if (nd == 0 || nd > 4 || d < 2 || s[d - 1] != ' ')
        return false;
    int num = atoi(s + d);
    if (nd == 4 && num >= 1900 && num <= 2100)
        *year = num;
    else if (nd > 2)
        return false;
    size_t nl = d - 1;
    /* the venue name: 1..4 words, each starting with a capital or a digit,
     * no function word and no sentence punctuation */
    size_t pos = 0, ts, te;
    int words = 0;
    while (next_token(s, nl, &pos, &ts, &te)) {
        words++;
        int k;
        uint32_t c = cp_at(s, nl, ts, &k);
        int cl = cp_class(c);
        if (cl != CC_UPPER && !(c >= '0' && c <= '9'))
            return false;
        for (size_t i = ts; i < te; i++)
            if (s[i] == ':' || s[i] == '?' || s[i] == '.' || s[i] == ',' || s[i] == '!')
                return false;
        char w[32];
        fold_word(s + ts, te - ts, w, sizeof w);
        if (in_list(w, function_words))
            return false;
    }
    if (words < 1 || words > 4)
        return false;
    *name_len = nl;
    return true;
}

/* ---- the feed splitter ----------------------------------------------- */

void page_split_commas(const char *s, size_t len, page_piece_fn fn, void *ctx)
{
    size_t st = 0;
    for (size_t i = 0; i + 1 < len; i++) {
        if (s[i] == ',' && s[i + 1] == ' ') {
            const char *p = s + st;
            size_t n = i - st;
            page_trim(&p, &n);
            if (n)
                fn(p, n, ctx);
            st = i + 2;
            i++;
        }
    }
    const char *p = s + st;
    size_t n = len - st;
    page_trim(&p, &n);
    if (n)
        fn(p, n, ctx);
}

/* The glue point is chosen by the learned split scores (page_model.c):
 * every position where a first author may start is a candidate. */
bool page_feed_split_line(const char *s, size_t len, page_feed_split *out)
{
    memset(out, 0, sizeof *out);
    size_t off, end;
    page_model_split_bounds(s, len, &off, &end, &out->org_off, &out->org_len, &out->et_al);
    out->title_len = out->authors_off = out->authors_end = end;
    long score;
    size_t at = page_model_split_best(page_model_default(), s, off, end, &score);
    if (at == (size_t)-1)
        return false;
    out->title_len = at;
    out->authors_off = at;
    out->confident = score > 0;
    return true;
}

/* ---- line features --------------------------------------------------- */

bool page_is_heading(const char *s, size_t len)
{
    page_trim(&s, &len);
    static const char *const heads[] = {"Publications", "Latest Publications",
                                        "Dernières publications", "Dernières Publications",
                                        "Publications récentes", "Recent Publications",
                                        "Selected Publications", NULL};
    for (const char *const *h = heads; *h; h++)
        if (strlen(*h) == len && memcmp(*h, s, len) == 0)
            return true;
    return false;
}

/* An empty-field placeholder ("N/A", "TBA") or a line without letters:
 * never a title. */
static bool is_placeholder(const char *s, size_t len)
{
    static const char *const ph[] = {"n/a", "na", "tba", "tbd", "none", "null", "-", NULL};
    char w[16];
    if (len < sizeof w) {
        size_t n = 0;
        for (size_t i = 0; i < len; i++) {
            char c = s[i];
            w[n++] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
        }
        w[n] = '\0';
        if (in_list(w, ph))
            return true;
    }
    for (size_t i = 0; i < len;) {
        int k;
        if (cp_class(cp_at(s, len, i, &k)) != CC_NONE)
            return false;
        i += (size_t)k;
    }
    return true;
}

/* Words of running prose (verbs, pronouns) rare in titles. */
static const char *const verb_words[] = {"we", "our", "is", "are", "was", "were", "has",
                                         "have", "will", "been", "it", "they", "which",
                                         "nous", "est", "sont", NULL};

/* Words that open abstracts rather than titles. */
static bool prose_opener(const char *w)
{
    static const char *const openers[] = {"we", "in", "this", "our", "here", "recent",
                                          "although", "while", "despite", "these",
                                          "nous", "dans", "ce", "cette", NULL};
    return in_list(w, openers);
}

void page_features(page_feat *f, const char *s, size_t len, const char *prev, size_t prev_len)
{
    memset(f, 0, sizeof *f);
    page_trim(&s, &len);
    if (!len) {
        f->blank = true;
        f->name = PAGE_NAME_NO;
        return;
    }
    f->chars = bib_utf8_length(s, len);
    size_t ml;
    f->abs_marker = page_find_abs_marker(s, len, &ml) >= 0;
    long am = page_find_auth_marker(s, len);
    /* the marker after the last name, or alone on its own line (the list
     * cut after a name line) */
    f->auth_marker = am == 0 || (am > 0 && page_name_score(s, (size_t)am) != PAGE_NAME_NO);
    page_meta m;
    f->meta = page_parse_meta(s, len, &m);
    int y;
    size_t nl;
    f->venue = page_parse_venue(s, len, &y, &nl);
    f->heading = page_is_heading(s, len);
    if (prev) {
        page_trim(&prev, &prev_len);
        f->same_as_prev = prev_len == len && memcmp(prev, s, len) == 0;
    }
    f->name = page_name_score(s, len);
    f->placeholder = is_placeholder(s, len);
    /* title and prose evidence */
    size_t pos = 0, ts, te;
    int func = 0;
    bool first = true, opener = false;
    while (next_token(s, len, &pos, &ts, &te)) {
        f->tokens++;
        /* the word lists matter for titles and line openings; past 40
         * words a line is prose whatever its words */
        if (f->tokens > 40)
            continue;
        char w[48];
        fold_word(s + ts, te - ts, w, sizeof w);
        int k;
        int cl = cp_class(cp_at(s, len, ts, &k));
        bool fw = (cl == CC_LOWER || !first) && in_list(w, function_words);
        if (cl == CC_LOWER && fw)
            func++;
        if (!first && !fw && cl == CC_UPPER)
            f->cap_words++;
        else if (!first && !fw && cl == CC_LOWER && w[0] && w[1] && w[2])
            f->lower_words++;
        if (first)
            opener = prose_opener(w);
        if (in_list(w, verb_words))
            f->verbish++;
        first = false;
    }
    int sentences = 0;
    for (size_t i = 0; i + 2 < len; i++)
        if ((s[i] == '.' || s[i] == '?' || s[i] == '!') && s[i + 1] == ' ') {
            int k;
            int cl = cp_class(cp_at(s, len, i + 2, &k));
            if (cl == CC_UPPER)
                sentences++;
        }
    bool colon = memchr(s, ':', len) != NULL;
    bool qmark = memchr(s, '?', len) != NULL;
    f->titleish = (func > 2 ? 2 : func) + (colon || qmark ? 1 : 0);
    f->title_punct = colon || qmark;
    int prose = 0;
    if (f->chars > 200)
        prose += 3;
    else if (f->chars > 120)
        prose += 1;
    prose += 2 * (sentences > 3 ? 3 : sentences);
    if (s[len - 1] == '.' && f->tokens > 8)
        prose += 1;
    if (opener && f->tokens > 6)
        prose += 1;
    f->opener = opener;
    f->sentence_end = s[len - 1] == '.' && f->tokens >= 8;
    f->prose = prose;
}

bool page_cut_prose(const page_feat *f)
{
    /* titles at a page's end are in Title Case more often than not; a
     * cut abstract is a sentence without its end */
    return !f->blank && !f->abs_marker && !f->sentence_end && !f->title_punct
           && f->lower_words >= f->cap_words;
}

bool page_starts_upper(const char *s, size_t len)
{
    int k;
    return len && cp_class(cp_at(s, len, 0, &k)) == CC_UPPER;
}
