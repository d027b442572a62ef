/* SPDX-License-Identifier: MIT */
/*
 * refs_text.c - line tests and HTML reduction of the `refs` reader
 * (refs_text.h, docs/refs.md "Splitting a list").
 */
#include <string.h>
#include <strings.h>

#include "bibconv/names.h"
#include "bibconv/utf8.h"
#include "refs_text.h"

static bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool refs_looks_html(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
        i++;
    if (i + 2 > n || s[i] != '<')
        return false;
    char c = s[i + 1];
    return c == '!' || c == '?' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

void refs_trim(const char **s, size_t *n)
{
    const char *p = *s;
    size_t k = *n;
    for (;;) {
        if (k && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\f'))
            p++, k--;
        else if (k >= 2 && (unsigned char)p[0] == 0xC2 && (unsigned char)p[1] == 0xA0)
            p += 2, k -= 2;
        else
            break;
    }
    for (;;) {
        if (k && (p[k - 1] == ' ' || p[k - 1] == '\t' || p[k - 1] == '\r' || p[k - 1] == '\f'))
            k--;
        else if (k >= 2 && (unsigned char)p[k - 2] == 0xC2 && (unsigned char)p[k - 1] == 0xA0)
            k -= 2;
        else
            break;
    }
    *s = p;
    *n = k;
}

static size_t after_space(const char *s, size_t n, size_t i)
{
    if (i < n && s[i] != ' ' && s[i] != '\t' && !((unsigned char)s[i] == 0xC2))
        return 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t'))
        i++;
    if (i + 1 < n && (unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] == 0xA0)
        i += 2;
    return i;
}

static bool has_year(const char *s, size_t n);

size_t refs_marker(const char *s, size_t n)
{
    static const char *const bullets[] = { "\xe2\x80\xa2", "\xe2\x97\xa6", "\xe2\x96\xaa",
                                           "\xc2\xb7", "\xe2\x80\x93", "-", "*", "+", NULL };
    for (size_t b = 0; bullets[b]; b++) {
        size_t k = strlen(bullets[b]);
        if (n > k + 1 && memcmp(s, bullets[b], k) == 0)
            return after_space(s, n, k);
    }
    size_t i = 0;
    if (n > 3 && (s[0] == '[' || s[0] == '(')) {
        char close = s[0] == '[' ? ']' : ')';
        i = 1;
        while (i < n && i < 8 && s[i] != close && s[i] != ' ')
            i++;
        if (i < n && s[i] == close && i > 1 && (s[0] == '[' || i <= 4))
            return after_space(s, n, i + 1);
        return 0;
    }
    /* a lab's numbers by kind (`J-169.`, `C12.`, `B3)`: journal papers,
     * conference papers, books): capitals, maybe a hyphen, digits */
    size_t caps = 0;
    while (caps < n && caps < 3 && s[caps] >= 'A' && s[caps] <= 'Z')
        caps++;
    if (caps && caps + 2 < n) {
        size_t j = caps + (s[caps] == '-');
        size_t d = j;
        while (d < n && d < j + 4 && is_digit(s[d]))
            d++;
        if (d > j && d + 1 < n && (s[d] == '.' || s[d] == ')') && s[d + 1] == ' ')
            return after_space(s, n, d + 1);
    }
    /* a list's running number by year (`2015-14, DuFour, M.R., …`,
     * `2024/03 "Title"`, a paper series' `2020-03: "Title"`): the year,
     * `-` or `/`, one to three digits, then a comma, a full stop, a colon
     * or a space; the entry's own date is in its text */
    if (n > 8 && has_year(s, 4) && (s[4] == '-' || s[4] == '/') && is_digit(s[5])) {
        size_t d = 6;
        while (d < n && d < 8 && is_digit(s[d]))
            d++;
        if (d < n && (s[d] == ',' || s[d] == '.' || s[d] == ':' || s[d] == ' ') &&
            !(d + 1 < n && is_digit(s[d + 1]))) {
            size_t e = d + (s[d] != ' ');
            while (e < n && (s[e] == ' ' || s[e] == '\t'))
                e++;
            if (e < n)
                return e;
        }
    }
    /* a paper series' number by year, two digits each and a colon
     * (`20-03: "Title"`) */
    if (n > 7 && is_digit(s[0]) && is_digit(s[1]) && s[2] == '-' && is_digit(s[3]) &&
        is_digit(s[4]) && s[5] == ':' && s[6] == ' ')
        return after_space(s, n, 6);
    while (i < n && i < 4 && is_digit(s[i]))
        i++;
    /* "2021. Title. Journal 57: 1-9." (a CV's entries under their year):
     * a year and a full stop are the entry's date, not its number */
    bool year = i == 4 && has_year(s, 4);
    if (i > 0 && i < n && (s[i] == ')' || (s[i] == '.' && !year))
        && (i + 1 == n || s[i + 1] == ' '))
        return after_space(s, n, i + 1);
    /* "3 Author A." (a number, a space, a capital): a list number too;
     * a year (four digits) is not */
    if (i > 0 && i < 4 && i + 2 < n && s[i] == ' ' && s[i + 1] >= 'A' && s[i + 1] <= 'Z')
        return after_space(s, n, i);
    return 0;
}

static bool has_year(const char *s, size_t n)
{
    for (size_t i = 0; i + 4 <= n; i++) {
        if ((i && is_digit(s[i - 1])) || (i + 4 < n && is_digit(s[i + 4])))
            continue;
        if (((s[i] == '1' && (s[i + 1] == '8' || s[i + 1] == '9')) ||
             (s[i] == '2' && s[i + 1] == '0')) && is_digit(s[i + 2]) && is_digit(s[i + 3]))
            return true;
    }
    return false;
}

/* Bytes of a section label before a heading (`II. `, `B) `): a Roman
 * numeral or one capital, then `.` or `)` and a space; 0 for none. */
static size_t section_label(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && i < 6 && (s[i] == 'I' || s[i] == 'V' || s[i] == 'X' || s[i] == 'L'))
        i++;
    if (i == 0 && n > 0 && s[0] >= 'A' && s[0] <= 'Z')
        i = 1;
    return i && i + 2 < n && (s[i] == '.' || s[i] == ')') && s[i + 1] == ' ' ? i + 2 : 0;
}

bool refs_is_heading(const char *s, size_t n)
{
    size_t lab = section_label(s, n);
    s += lab;
    n -= lab;
    if (n == 0 || n > 60)
        return false;
    size_t digits = 0, words = 1;
    for (size_t i = 0; i < n; i++) {
        /* a period only after an initial: a name line (`Jane Q. Okafor`)
         * that opens a personal list is a heading, not a reference */
        bool initial = s[i] == '.' && i > 0 && s[i - 1] >= 'A' && s[i - 1] <= 'Z' &&
                       (i == 1 || s[i - 2] == ' ' || s[i - 2] == '-');
        if (s[i] == ',' || s[i] == ';' || (s[i] == '.' && i + 1 < n && !initial))
            return false;
        digits += is_digit(s[i]);
        words += s[i] == ' ';
    }
    if (digits) /* a year heading ("2019", "2018-2019") and nothing else */
        return digits >= 4 && digits <= 8 && n <= 11 && has_year(s, n);
    unsigned char c = (unsigned char)s[0];
    return words <= 6 && ((c >= 'A' && c <= 'Z') || c >= 0xC0) && s[n - 1] != '.';
}

static char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c + 32) : c; }

/* A review's label with its colon (`Rezension: Graziano, RabelsZ 85`,
 * `– Reviews: …`) or an earlier version's (`Revised version of: …`):
 * a line under an entry of a person's books or papers. */
static bool review_label(const char *s, size_t n)
{
    static const char *const label[] = {
        "rezension:", "rezensionen:", "besprechung:", "besprechungen:", "review:",
        "reviews:", "recension:", "recensions:", "recensione:", "recensioni:",
        "rese\xc3\xb1" "a:", "rese\xc3\xb1" "as:", "recenzja:", "recenzje:", "recensie:",
        "recensies:", "resenha:", "resenhas:", "revised version of", "earlier version:",
        "earlier version of", "previous version:", NULL
    };
    /* after a dash or bullet of its own (a list's marker, refs_marker) */
    size_t mk = refs_marker(s, n);
    s += mk;
    n -= mk;
    for (size_t k = 0; label[k]; k++) {
        size_t m = strlen(label[k]);
        if (n > m && ascii_lower(s[0]) == label[k][0] &&
            strncasecmp(s + 1, label[k] + 1, m - 1) == 0)
            return true;
    }
    return false;
}

/* The participle that opens a reviewer's note, then a preposition that
 * names the reviewer or the review's venue (`by`, `in`, `von`, `par`,
 * ...): a title may open with `Review of` or `Rezension zu`, a note of
 * this shape never with both words. */
bool refs_review_line(const char *s, size_t n)
{
    if (review_label(s, n))
        return true;
    static const char *const said[] = {
        "besprochen", "rezensiert", "reviewed", "recens\xc3\xa9", "recensito", "recensita",
        "rese\xc3\xb1" "ado", "rese\xc3\xb1" "ada", "besproken", "resenhado", "resenhada",
        "recenzowano", NULL
    };
    static const char *const by[] = {
        "von", "in", "by", "par", "dans", "da", "por", "en", "door", "em", "przez", "w", NULL
    };
    size_t a = 0;
    while (a < n && s[a] != ' ')
        a++;
    size_t b = a + 1;
    while (b < n && s[b] != ' ' && s[b] != ':' && s[b] != ',')
        b++;
    if (a == 0 || b >= n)
        return false;
    bool first = false, second = false;
    for (size_t k = 0; said[k] && !first; k++)
        first = strlen(said[k]) == a && ascii_lower(s[0]) == said[k][0] &&
                memcmp(s + 1, said[k] + 1, a - 1) == 0;
    for (size_t k = 0; by[k] && first && !second; k++)
        second = strlen(by[k]) == b - a - 1 && memcmp(s + a + 1, by[k], b - a - 1) == 0;
    return first && second;
}

/* Does s hold a mark that says the work has no date, in place of a year
 * (`n.d.`, `s. d.`, `[S.d.]`, `o. J.`, `s.f.`, `no date`)? Such a
 * reference is as dated as one with a year: it was joined to the line
 * after it as if it were unfinished. */
static bool has_no_date(const char *s, size_t n)
{
    static const char *const marks[] = { "n.d.", "n. d.", "s.d.", "s. d.", "o.j.", "o. j.",
                                         "s.f.", "s. f.", "no date", "sans date", "kein datum",
                                         "ohne jahr", NULL };
    for (size_t i = 0; i < n; i++) {
        /* a mark begins a word: `Hand.d.` is not one */
        if (i && ((s[i - 1] | 32) >= 'a' && (s[i - 1] | 32) <= 'z'))
            continue;
        for (size_t m = 0; marks[m]; m++) {
            size_t k = strlen(marks[m]), j = 0;
            while (j < k && i + j < n && ascii_lower(s[i + j]) == marks[m][j])
                j++;
            if (j == k)
                return true;
        }
    }
    return false;
}

/* Is s[i..) a link to an ORCID record or an ORCID iD (`https://orcid.org/
 * 0000-0001-9166-298X`, `0000-0002-4245-0638` after `ORCID:`)? Its
 * length, or 0. */
static size_t orcid_id_at(const char *s, size_t n, size_t i)
{
    size_t k = i;
    static const char *const pre[] = {"https://orcid.org/", "http://orcid.org/", "orcid.org/", NULL};
    for (int p = 0; pre[p]; p++) {
        size_t l = strlen(pre[p]);
        if (k + l <= n && !strncasecmp(s + k, pre[p], l)) {
            k += l;
            break;
        }
    }
    /* four groups of four digits, the last may end in X */
    for (int g = 0; g < 4; g++) {
        for (int d = 0; d < 4; d++, k++)
            if (k >= n || !((s[k] >= '0' && s[k] <= '9') || (g == 3 && d == 3 && (s[k] | 32) == 'x')))
                return 0;
        if (g < 3 && (k >= n || s[k++] != '-'))
            return 0;
    }
    return k - i;
}

/* Does s[0..n) hold `ORCID` or `orcid.org/`? (found by their rare `R`
 * and `/`) */
static bool orcid_mark(const char *s, size_t n)
{
    const char *e = s + n;
    for (const char *p = s; (p = memchr(p, 'R', (size_t)(e - p))) != NULL; p++)
        if (p > s && p[-1] == 'O' && e - p >= 4 && !memcmp(p + 1, "CID", 3))
            return true;
    for (const char *p = s; (p = memchr(p, '/', (size_t)(e - p))) != NULL; p++)
        if (p - s >= 9 && !strncasecmp(p - 9, "orcid.org", 9))
            return true;
    return false;
}

size_t refs_role_label(const char *s, size_t n)
{
    static const char *const word[] = {
        "co-author", "coauthor", "author", "sole", "main", "lead", "co-editor", "coeditor",
        "editor", "translator", "contributor", "and", NULL
    };
    /* most references open with a name or a title: their first letter
     * is none of the role words' */
    char c0 = n ? (char)(s[0] | 32) : 0;
    if (!strchr("acemlst", c0) || c0 == 0)
        return 0;
    size_t i = 0, words = 0;
    while (i < n && words < 5) {
        size_t e = i;
        while (e < n && s[e] != ' ' && s[e] != ',' && s[e] != ':')
            e++;
        bool known = false;
        for (size_t k = 0; word[k] && !known; k++)
            known = strlen(word[k]) == e - i && strncasecmp(s + i, word[k], e - i) == 0;
        if (!known || e == i)
            return 0;
        words++;
        if (e < n && (s[e] == ',' || s[e] == ':')) {
            /* a role, not the joining word alone, nor `Author,` alone (a
             * family name, as far as a list can tell) */
            if (strncasecmp(s + i, "and", 3) == 0 || (words == 1 && e - i == 6 &&
                                                      strncasecmp(s, "author", 6) == 0))
                return 0;
            e++;
            while (e < n && s[e] == ' ')
                e++;
            return e < n ? e : 0;
        }
        i = e + 1;
    }
    return 0;
}

/* The labels of a page's links written after an entry (`… 2013. link`,
 * `… Laboratory. pdf`, `[PDF]`, a line `Full text.` of its own): what a
 * browser copies of a link list, no part of the reference. */
size_t refs_link_tail(const char *s, size_t n)
{
    /* the last word decides, by its length and letters (every line of a
     * page and of a reference list comes here) */
    static const struct {
        const char *w;
        size_t n;
    } label[] = {
        {"pdf", 3}, {"link", 4}, {"links", 5}, {"html", 4}, {"bibtex", 6}, {"download", 8},
        {"text", 4}, {"fulltext", 8}, {"volltext", 8}, {"int\xc3\xa9gral", 9}, {"slides", 6},
        {"[pdf]", 5}, {"[link]", 6}, {"[html]", 6}, {"[bibtex]", 8}, {"(pdf)", 5},
        {"(link)", 6}, {"(paper)", 7}, {"[paper]", 7}, {"(slides)", 8}, {"[slides]", 8},
        {"(code)", 6}, {"[code]", 6}, {"(video)", 7}, {"[video]", 7}
    };
    size_t end = n;
    for (;;) {
        size_t e = end;
        while (e && (s[e - 1] == ' ' || s[e - 1] == '.' || s[e - 1] == '|' || s[e - 1] == ','))
            e--;
        size_t w = e;
        while (w && s[w - 1] != ' ' && e - w <= 9)
            w--;
        size_t m = e - w;
        /* a label's first byte: most lines end on a number or a name */
        if (m < 3 || m > 9 || (w && s[w - 1] != ' ') || !strchr("pPlLhHbBdDtTfFvViIsS[(", s[w]))
            return end;
        bool hit = false;
        for (size_t k = 0; k < sizeof label / sizeof *label && !hit; k++)
            hit = label[k].n == m && strncasecmp(s + w, label[k].w, m) == 0;
        if (!hit)
            return end;
        size_t a = w;
        /* `text` and `intégral` only after `full` and `texte` */
        if (m == 4 && (s[w] | 32) == 't') {
            if (w < 5 || strncasecmp(s + w - 5, "full ", 5))
                return end;
            a = w - 5;
        } else if (m == 9 && (s[w] | 32) == 'i') {
            if (w < 6 || strncasecmp(s + w - 6, "texte ", 6))
                return end;
            a = w - 6;
        }
        /* the label stands after a field's end (or alone): `2013. link`,
         * `1619–1639 link` (pages, no period), not `a new link`; a
         * bracketed label may follow a name (`Sara Roe (paper)`) */
        while (a && s[a - 1] == ' ')
            a--;
        if (a && s[w] != '(' && s[w] != '[' && !strchr(".,;:)]|\"0123456789", s[a - 1]) &&
            !(a >= 3 && !memcmp(s + a - 3, "\xe2\x80\x9d", 3)))
            return end;
        end = a;
    }
}

int refs_append_clean(bib_buf *b, const char *s, size_t n)
{
    n = refs_link_tail(s, n);
    /* most lines hold no badge: two byte searches say so */
    if (!orcid_mark(s, n))
        return bib_buf_append(b, s, n) ? BIB_ENOMEM : BIB_OK;
    size_t from = 0;
    for (size_t i = 0; i < n; i++) {
        /* a word's first byte decides most (the loop runs on every line) */
        char c = s[i];
        if ((i && s[i - 1] != ' ') || !(c == 'O' || c == 'h' || c == 'o' || (c >= '0' && c <= '9')))
            continue;
        /* `ORCID: <id>`, `ORCID iD: <id>`, `ORCID <id>`, or the id alone */
        size_t k = i;
        if (k + 5 <= n && !strncmp(s + k, "ORCID", 5)) {
            k += 5;
            if (k + 3 <= n && !strncmp(s + k, " iD", 3))
                k += 3;
            while (k < n && (s[k] == ':' || s[k] == ' '))
                k++;
        }
        size_t id = orcid_id_at(s, n, k);
        if (!id)
            continue;
        size_t e = k + id;
        size_t a = i;
        while (a > from && s[a - 1] == ' ')
            a--;
        if (bib_buf_append(b, s + from, a - from))
            return BIB_ENOMEM;
        from = e;
        i = e - 1;
    }
    return bib_buf_append(b, s + from, n - from) ? BIB_ENOMEM : BIB_OK;
}

bool refs_has_status(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if ((!i || s[i - 1] == ' ' || s[i - 1] == '(') && bib_reftag_status_phrase(s + i, n - i))
            return true;
    return false;
}

/* A year, or a mark that there is none (has_no_date) or none yet
 * (refs_has_status). */
static bool has_date(const char *s, size_t n)
{
    return has_year(s, n) || has_no_date(s, n) || refs_has_status(s, n);
}

/* A reference looks complete once it has a year (or says it has none)
 * and ends like a sentence, a bracket, a quote or a link. */
static bool complete(const char *s, size_t n)
{
    if (!has_date(s, n))
        return false;
    char e = s[n - 1];
    if (e == '.' || e == ')' || e == ']')
        return true;
    if (n >= 3 && memcmp(s + n - 3, "\xe2\x80\x9d", 3) == 0)
        return true;
    /* a CJK full stop or closing bracket (。．）) */
    if (n >= 3 && (memcmp(s + n - 3, "\xe3\x80\x82", 3) == 0 ||
                   memcmp(s + n - 3, "\xef\xbc\x8e", 3) == 0 ||
                   memcmp(s + n - 3, "\xef\xbc\x89", 3) == 0))
        return true;
    /* ends with a link or a DOI */
    size_t i = n;
    while (i > 0 && s[i - 1] != ' ')
        i--;
    return memchr(s + i, '/', n - i) != NULL;
}

/* The bytes of the lower-case particles a family name may open with
 * (`van der Meer, G.`, `de Paula, R.`, `d’Almeida, L.`, `desJardins, M.`):
 * up to three short lower-case words, each followed by a space, an
 * apostrophe or the capital of the name; 0 when there are none or no
 * capital follows them. */
static size_t particles(const char *s, size_t n)
{
    size_t i = 0;
    for (int w = 0; w < 3; w++) {
        size_t j = i;
        while (j < n && j - i <= 5 && s[j] >= 'a' && s[j] <= 'z')
            j++;
        if (j == i || j - i > 5 || j >= n)
            return 0;
        if (s[j] == ' ')
            i = j + 1;
        else if (s[j] == '\'')
            i = j + 1;
        else if (j + 3 <= n && memcmp(s + j, "\xe2\x80\x99", 3) == 0)
            i = j + 3;
        else if (s[j] >= 'A' && s[j] <= 'Z')
            return j;                     /* desJardins */
        else
            return 0;
        if (i < n && s[i] >= 'A' && s[i] <= 'Z')
            return i;
    }
    return 0;
}

static bool looks_start_upper(const char *s, size_t n);

/* Byte length of the quote mark that opens (open) or closes a title at
 * s[0..n): `"`, `“` `„` `«` to open, `”` `“` `»` to close; 0 if none. */
static size_t quote_at(const char *s, size_t n, bool open)
{
    const unsigned char *u = (const unsigned char *)s;
    if (n >= 1 && u[0] == '"')
        return 1;
    if (n >= 2 && u[0] == 0xC2 && u[1] == (open ? 0xAB : 0xBB))
        return 2;
    if (n >= 3 && u[0] == 0xE2 && u[1] == 0x80 &&
        (open ? u[2] == 0x9C || u[2] == 0x9E : u[2] == 0x9D || u[2] == 0x9C))
        return 3;
    return 0;
}

/* An entry that opens with a quoted title of three words or more (`"Tariff
 * Shocks and the Geography of Small Ports" Sara Roe`, `„Title“,
 * 29.04.2024, Universität Rostock`): a paper series' or a talks list's
 * entry, which may give no names (one person's list) and no year (a
 * series numbers its papers). */
bool refs_quoted_entry(const char *s, size_t n)
{
    size_t q = quote_at(s, n, true);
    if (!q || n > 400)
        return false;
    size_t spaces = 0;
    for (size_t i = q + 1; i < n; i++) {
        spaces += s[i] == ' ';
        size_t c = quote_at(s + i, n - i, false);
        if (c)
            return spaces >= 2 && s[i - 1] != ' ';
    }
    return false;
}

/* A line that starts like a reference: "Family, ", "FAMILY ", "J. Family",
 * also after a family name's lower-case particles ("van der Meer, G."), or
 * a quoted title (refs_quoted_entry). */
static bool looks_start(const char *s, size_t n)
{
    if (refs_quoted_entry(s, n))
        return true;
    size_t k = n && s[0] >= 'a' && s[0] <= 'z' ? particles(s, n) : 0;
    return looks_start_upper(s + k, n - k);
}

static bool looks_start_upper(const char *s, size_t n)
{
    size_t i = 0, caps = 0, low = 0;
    while (i < n && s[i] != ' ' && s[i] != ',') {
        unsigned char c = (unsigned char)s[i];
        caps += (c >= 'A' && c <= 'Z');
        low += (c >= 'a' && c <= 'z');
        i++;
    }
    if (i == 0 || (!(s[0] >= 'A' && s[0] <= 'Z') && (unsigned char)s[0] < 0xC0))
        return false;
    if (i < n && s[i] == ',')
        return true;                      /* Family, */
    if (caps >= 2 && low == 0 && i >= 2 && s[i - 1] != '.')
        return true;                      /* FAMILY */
    if (i == 2 && s[1] == '.' && i + 2 < n && s[i + 1] >= 'A' && s[i + 1] <= 'Z')
        return true;                      /* J. Family */
    /* Family AB, (initials after the family name, Vancouver) */
    size_t j = i + 1, k = 0;
    while (i < n && s[i] == ' ' && j < n && k < 3 && s[j] >= 'A' && s[j] <= 'Z')
        j++, k++;
    /* or before the year in brackets (`Bennett DC (2003)`, Springer) */
    return low && k && k <= 3 &&
           (j == n || s[j] == ',' || s[j] == '.' || (s[j] == ' ' && j + 1 < n && s[j + 1] == '('));
}

bool refs_continues(const char *cur, size_t curn, const char *s, size_t n)
{
    if (curn > REFS_JOIN_MAX)
        return false;
    /* a line in lower case continues; one that opens with a family
     * name's particles (`van der Meer, G.`) only a reference not yet
     * complete (`… Conference\nde la Sociedad, Madrid.`) */
    if (n && s[0] >= 'a' && s[0] <= 'z')
        return !looks_start(s, n) || !complete(cur, curn);
    char e = curn ? cur[curn - 1] : 0;
    /* a list whose entries end on `;` (`…, Coimbra, Almedina, 1998;`):
     * a dated one is done when the line starts like the next entry */
    if (e == ';' && has_date(cur, curn) && looks_start(s, n))
        return false;
    if (e == '-' || e == ',' || e == ';' || e == ':' || e == '&')
        return true;
    /* entries that open with a quoted title, undated (a paper series):
     * the next such line is the next entry */
    if (refs_quoted_entry(s, n) && refs_quoted_entry(cur, curn))
        return false;
    if (complete(cur, curn))
        return false;
    /* an unfinished reference with its year already is cut short when
     * the line starts like the next reference (a list without final
     * periods: DIN 1505-2) */
    return !(has_date(cur, curn) && looks_start(s, n));
}

/* A line that reads as a whole reference by itself: long, reference
 * punctuation and capitalised words, and a year or a final period (a
 * reference "in press" or "n.d." has no year). */
static bool line_whole(const char *s, size_t n)
{
    if (n < 40)
        return false;
    size_t punct = 0, caps = 0;
    /* two of each are all the test asks: most lines have them early */
    for (size_t i = 0; i < n && (punct < 2 || caps < 2); i++) {
        punct += s[i] == ',' || (s[i] == '.' && i + 1 < n && s[i + 1] == ' ') || s[i] == ':';
        caps += (i == 0 || s[i - 1] == ' ') && s[i] >= 'A' && s[i] <= 'Z';
    }
    return punct >= 2 && caps >= 2 && !(s[0] >= 'a' && s[0] <= 'z') &&
           (s[n - 1] == '.' || has_year(s, n));   /* the cheap tests first */
}

void refs_shape_add(refs_shape_stats *st, const char *s, size_t n)
{
    refs_trim(&s, &n);
    if (n == 0) {
        st->run = 0;
        return;
    }
    size_t mk = refs_marker(s, n);
    if (!mk && refs_is_heading(s, n))
        return;
    if (st->run++ == 0)
        st->groups++;
    else if (st->run == 2)
        st->multi++;
    if (st->lines < sizeof st->lens / sizeof *st->lens)
        st->lens[st->lines] = n;
    st->lines++;
    st->whole += line_whole(s + mk, n - mk);
    st->starts += mk || looks_start(s, n);
    if (n > st->max_len)
        st->max_len = n;
}

/* Lines wrapped at a fixed width: many of them within a tenth of the
 * longest, which is not long (a list copied from a PDF or a mail). */
static bool wrapped(const refs_shape_stats *st)
{
    size_t k = st->lines < 64 ? st->lines : 64, near = 0;
    if (st->max_len > 130 || k < 4)
        return false;
    for (size_t i = 0; i < k; i++)
        near += st->lens[i] * 10 >= st->max_len * 9;
    return near * 10 >= k * 3;
}

refs_shape refs_shape_guess(const refs_shape_stats *st)
{
    if (st->lines < 3)
        return REFS_SHAPE_UNKNOWN;
    /* paragraphs: blank lines between runs, most runs several lines */
    if (st->groups >= 2 && st->multi * 2 >= st->groups)
        return REFS_SHAPE_PARAGRAPH;
    /* one per line: nearly every line reads as a whole reference, and
     * starts like one or is not wrapped at a fixed width */
    if (st->whole * 10 >= st->lines * 8 && (st->starts * 10 >= st->lines * 8 || !wrapped(st)))
        return REFS_SHAPE_LINE;
    return REFS_SHAPE_UNKNOWN;
}

bool refs_opens_container(const char *cur, size_t curn, const char *s, size_t n)
{
    if (n > 7 && s[0] == 'I' && s[1] == 'n' && (s[2] == ':' || memcmp(s + 2, " Proc", 5) == 0))
        return true;
    return (curn >= 6 && memcmp(cur + curn - 6, "(eds.)", 6) == 0)
           || (curn >= 5 && memcmp(cur + curn - 5, "(ed.)", 5) == 0);
}

bool refs_ends_on_in(const char *s, size_t n)
{
    while (n && s[n - 1] == ':')
        n--;
    return n >= 3 && (s[n - 3] == ' ' || s[n - 3] == '.') && (s[n - 2] | 0x20) == 'i' &&
           s[n - 1] == 'n';
}

bool refs_continues_shape(refs_shape shape, const char *cur, size_t curn, const char *s,
                          size_t n)
{
    if (curn > REFS_JOIN_MAX)
        return false;
    if (curn && refs_opens_container(cur, curn, s, n))
        return true;
    /* `Forthcoming in` / `Journal of …`: a line that ends on `in` goes
     * on with its container */
    if (refs_ends_on_in(cur, curn))
        return true;
    if (shape == REFS_SHAPE_PARAGRAPH)
        return true;
    if (shape == REFS_SHAPE_LINE) {
        /* a line that does not read as a whole reference (too short, a
         * title and `n.d.`) still starts one after a complete reference
         * when it is complete itself */
        size_t mk = refs_marker(s, n);
        return !mk && !line_whole(s, n) && !looks_start(s, n) &&
               !(complete(cur, curn) && complete(s, n));
    }
    return refs_continues(cur, curn, s, n);
}

size_t refs_by_at(const char *s, size_t n)
{
    for (size_t i = 12; i + 5 < n; i++) {
        if (s[i] != ' ' || s[i + 3] != ' ' || s[i + 2] != 'y' ||
            !(s[i + 1] == 'B' || (s[i + 1] == 'b' && s[i - 1] == ',')))
            continue;
        size_t words = 0;
        for (size_t k = 0; k < i; k++)
            words += s[k] == ' ';
        return words >= 2 ? i + 4 : 0;
    }
    return 0;
}

bool refs_by_line(const char *s, size_t n)
{
    size_t m = refs_marker(s, n);
    s += m;
    n -= m;
    size_t at = refs_by_at(s, n);
    if (!at)
        return false;
    /* after it: capitalised words, initials, `,` `;` `and` `&`, no digit */
    size_t caps = 0;
    bool start = true;
    for (size_t k = at; k < n; k++) {
        char c = s[k];
        if (c >= '0' && c <= '9')
            return false;
        if (start && c != ' ')
            caps += (c >= 'A' && c <= 'Z') || (unsigned char)c >= 0xC3;
        start = c == ' ';
    }
    return caps >= 1;
}

bool refs_line_looks_ref(const char *s, size_t n)
{
    if (n < 40 || !has_year(s, n))
        return false;
    size_t punct = 0, caps = 0;
    /* two of each are all the test asks: most lines have them early */
    for (size_t i = 0; i < n && (punct < 2 || caps < 2); i++) {
        punct += s[i] == ',' || (s[i] == '.' && i + 1 < n && s[i + 1] == ' ') || s[i] == ':';
        caps += (i == 0 || s[i - 1] == ' ') && s[i] >= 'A' && s[i] <= 'Z';
    }
    return punct >= 2 && caps >= 2;
}

bool refs_journal_numbers(const char *s, size_t n)
{
    if (n < 40)
        return false;
    /* `127(599): 50-83`, `261(2): 595-605`, `19: 49-66`: a colon after a
     * digit or a closing bracket, then digits and a dash */
    for (const char *p = s, *e = s + n; (p = memchr(p, ':', (size_t)(e - p))) != NULL; p++) {
        if (p == s || !((p[-1] >= '0' && p[-1] <= '9') || p[-1] == ')'))
            continue;
        const char *q = p + 1;
        while (q < e && *q == ' ')
            q++;
        const char *d = q;
        while (q < e && *q >= '0' && *q <= '9')
            q++;
        if (q > d && q < e && (*q == '-' || (e - q >= 3 && !memcmp(q, "\xe2\x80\x93", 3))))
            return true;
    }
    return false;
}

/* ---- tagged text ------------------------------------------------------- */

/* The word that opens a person's co-authors (core's list). */
static bool coauthor_word(const char *s, size_t n)
{
    return bib_reftag_coauthor_word(s, n);
}

size_t refs_split_point(const bib_reftag *t, const char *s)
{
    size_t n;
    const bib_ref_token *tok = bib_reftag_tokens(t, &n);
    /* a title of one word is too little to cut at: a citation label's
     * initial (`Brandt 2016: A. Brandt, …`) tagged as a title `A` cut
     * a reference in two */
    size_t title = 0;
    bool date = false;
    for (size_t i = 0; i < n; i++) {
        /* co-authors named after `with`: one person's entry, whose list
         * may go on after a mark (`with M. Roe**, T. Berg`) */
        if (tok[i].label == BIB_REF_AUTHOR && (i == 0 || tok[i - 1].label != BIB_REF_AUTHOR) &&
            coauthor_word(s + tok[i].off, tok[i].len))
            return 0;
        if (tok[i].label == BIB_REF_TITLE)
            title += tok[i].kind == BIB_REFTOK_WORD || tok[i].kind == BIB_REFTOK_CJK;
        else if (tok[i].label == BIB_REF_DATE)
            date = true;
        else if (tok[i].label == BIB_REF_AUTHOR && title >= 2 && date && i > 0 &&
                 tok[i - 1].label != BIB_REF_AUTHOR && i + 3 < n) {
            /* not when co-authors come later in the same entry */
            for (size_t j = i + 1; j < n; j++)
                if (tok[j].label == BIB_REF_AUTHOR && tok[j - 1].label != BIB_REF_AUTHOR &&
                    coauthor_word(s + tok[j].off, tok[j].len))
                    return 0;
            return tok[i].off;
        }
    }
    return 0;
}

/* The first token after an entry's lead: punctuation, a citation number
 * and a year (a CV puts the year first: "2021. Roe, J. Title ..."); *date
 * gets the lead's year numbers. */
static size_t lead_end(const bib_ref_token *tok, size_t n, size_t *date)
{
    size_t i = 0;
    *date = 0;
    for (; i < n && (tok[i].label == BIB_REF_PUNCT || tok[i].label == BIB_REF_CITNUM
                     || tok[i].label == BIB_REF_DATE); i++)
        *date += tok[i].label == BIB_REF_DATE && tok[i].kind == BIB_REFTOK_NUMBER;
    return i;
}

/* Whether tokens [j, n) hold an author run opened by a co-author word
 * (`Venue, 2013 (with A. Aimone and L. Rubin)`). */
static bool coauthors_after(const bib_ref_token *tok, size_t j, size_t n, const char *s)
{
    for (; j < n; j++)
        if (tok[j].label == BIB_REF_AUTHOR && (j == 0 || tok[j - 1].label != BIB_REF_AUTHOR)
            && coauthor_word(s + tok[j].off, tok[j].len))
            return true;
    return false;
}

/* Whether the name run that opens at token a is a list of names: two
 * pieces or more (cut at a comma, a semicolon, `and` or `&`), the first
 * and most of them scored as names (the name model above 0, its
 * boundary; the tagger may take a venue, `bioRxiv`, into the list). A
 * title-first entry's title may be tagged as names (`Fast Collection of
 * Small Heaps, A. Okafor …`), and so may a journal's abbreviation alone
 * (`J. Opt., 2019`) or a place (`Koloa, HI, USA`). */
static bool name_list(const bib_ref_token *tok, size_t n, size_t a, const char *s)
{
    size_t pieces = 0, st = a, first_ok = 0, oks = 0;
    for (size_t e = a; e <= n; e++) {
        bool end = e == n || tok[e].label != BIB_REF_AUTHOR;
        bool cut = !end && ((tok[e].len == 1 && strchr(",;&", s[tok[e].off])) ||
                            (tok[e].len == 3 && memcmp(s + tok[e].off, "and", 3) == 0));
        if (!end && !cut)
            continue;
        if (e > st) {
            size_t len = tok[e - 1].off + tok[e - 1].len - tok[st].off;
            bool ok = bib_name_score(s + tok[st].off, len) > 0;
            if (pieces++ == 0)
                first_ok = ok;
            oks += ok;
        }
        if (end)
            break;
        st = e + 1;
    }
    return pieces >= 2 && first_ok && oks * 2 > pieces;
}

bool refs_tagged_as_venue(const bib_reftag *t, const char *s, int mode)
{
    size_t n;
    const bib_ref_token *tok = bib_reftag_tokens(t, &n);
    bool container = false, date = false, names = false, publisher = false, editors = false;
    size_t title_runs = 0, words_after = 0;
    for (size_t i = 0; i < n; i++) {
        int l = tok[i].label;
        /* a chapter's venue: `In A. Roe & B. Lee (eds.), Book, Publisher,
         * 1998`, the book after the editors read as a title */
        if (l == BIB_REF_EDITOR && i >= 1 && !container && !names && !title_runs) {
            size_t c = i;
            while (c > 0 && tok[c - 1].label == BIB_REF_PUNCT)
                c--;
            editors |= c == 1 && tok[0].label == BIB_REF_NOTE && tok[0].len == 2 &&
                       (s[tok[0].off] | 0x20) == 'i' && s[tok[0].off + 1] == 'n';
        }
        if (editors && (l == BIB_REF_EDITOR || l == BIB_REF_TITLE)) {
            container |= l == BIB_REF_TITLE;
            continue;
        }
        if (l == BIB_REF_AUTHOR && !container && !title_runs && mode >= REFS_VENUE_BYLINE &&
            (names || ((i == 0 || tok[i - 1].label == BIB_REF_PUNCT) &&
                       name_list(tok, n, i, s)))) {
            names = true;
            continue;
        }
        /* a byline's journal the tagger read as a title: one run right
         * after the names, then numbers and a date only */
        if (l == BIB_REF_TITLE && mode == REFS_VENUE_TITLED && names && !container) {
            title_runs += i == 0 || tok[i - 1].label != BIB_REF_TITLE;
            continue;
        }
        if (l == BIB_REF_TITLE || (l == BIB_REF_AUTHOR && !container))
            return false;
        container |= l == BIB_REF_CONTAINER;
        publisher |= l == BIB_REF_PUBLISHER;
        date |= l == BIB_REF_DATE;
        words_after += title_runs && tok[i].kind == BIB_REFTOK_WORD && l != BIB_REF_DATE &&
                       l != BIB_REF_PUNCT;
    }
    if (title_runs)
        return title_runs == 1 && date && !container && !words_after;
    /* a book's publisher and year (`Oxford University Press. 2010.`)
     * are its venue too */
    return (container && (date || names)) || (names && date) || (publisher && date && !names);
}

bool refs_tagged_as_ref(const bib_reftag *t, const char *s)
{
    size_t n, date;
    const bib_ref_token *tok = bib_reftag_tokens(t, &n);
    size_t i = lead_end(tok, n, &date);
    if (i >= n)
        return false;
    /* names first, or a title first with the names right after it (`Title,
     * A. Okafor and B. Lee, Venue, 2021.`, as personal pages write their
     * own papers; `"Title," 2019, with A. Hu, …`), or the co-authors of a
     * personal list anywhere after it (`Title. Venue, 2013 (with …)`) */
    if (tok[i].label == BIB_REF_TITLE) {
        size_t j = i;
        while (j < n && (tok[j].label == BIB_REF_TITLE || tok[j].label == BIB_REF_PUNCT ||
                         tok[j].label == BIB_REF_DATE))
            j++;
        if ((j >= n || tok[j].label != BIB_REF_AUTHOR) && !coauthors_after(tok, j, n, s))
            return false;
    } else if (tok[i].label != BIB_REF_AUTHOR && tok[i].label != BIB_REF_EDITOR) {
        return false;
    }
    /* undated (a department's selection, `Forthcoming in Journal`): a
     * list of names first, then a title and a journal's numbers or name */
    bool names = tok[i].label == BIB_REF_AUTHOR && name_list(tok, n, i, s);
    size_t title = 0, venue = 0;
    for (; i < n; i++) {
        title += tok[i].label == BIB_REF_TITLE && tok[i].kind == BIB_REFTOK_WORD;
        date += tok[i].label == BIB_REF_DATE && tok[i].kind == BIB_REFTOK_NUMBER;
        venue += tok[i].label == BIB_REF_CONTAINER || tok[i].label == BIB_REF_VOLUME ||
                 tok[i].label == BIB_REF_PAGES;
    }
    return title >= 2 && (date >= 1 || (names && venue >= 1));
}

bool refs_tagged_as_bare_ref(const bib_reftag *t, const char *s)
{
    size_t n, date;
    const bib_ref_token *tok = bib_reftag_tokens(t, &n);
    size_t i = lead_end(tok, n, &date);
    if (i >= n || tok[i].label != BIB_REF_TITLE)
        return false;
    size_t title = 0, venue = 0, names = 0;
    for (; i < n; i++) {
        bool word = tok[i].kind == BIB_REFTOK_WORD;
        /* `in:` before a journal the tagger took for an editor or a
         * place (the record builder makes it the container) */
        if (tok[i].label == BIB_REF_NOTE && i + 2 < n && tok[i].len == 2 &&
            (s[tok[i].off] | 0x20) == 'i' && s[tok[i].off + 1] == 'n' &&
            (tok[i + 1].label == BIB_REF_EDITOR || tok[i + 2].label == BIB_REF_EDITOR ||
             tok[i + 1].label == BIB_REF_PLACE || tok[i + 2].label == BIB_REF_PLACE)) {
            venue++;
            continue;
        }
        switch (tok[i].label) {
        case BIB_REF_TITLE: title += word; break;
        case BIB_REF_CONTAINER:
        case BIB_REF_COLLECTION:
        case BIB_REF_PUBLISHER: venue += word; break;
        case BIB_REF_DATE: date += tok[i].kind == BIB_REFTOK_NUMBER; break;
        case BIB_REF_AUTHOR: names++; break;
        default: break;
        }
    }
    /* authors after the title are another style's full reference */
    return title >= 2 && venue >= 1 && date >= 1 && names == 0;
}

bool refs_menu_line(const char *s, size_t n)
{
    int bars = 0;
    for (size_t i = 0; i + 2 < n; i++)
        bars += s[i] == ' ' && s[i + 1] == '|' && s[i + 2] == ' ';
    return bars >= 2;
}

/* ---- HTML ---------------------------------------------------------------- */

static bool block_tag(const char *t, size_t n)
{
    static const char *const tags[] = { "p", "li", "br", "div", "tr", "h1", "h2", "h3", "h4",
                                        "h5", "h6", "dd", "dt", "ul", "ol", "table", "section",
                                        "article", "blockquote", "hr", "td", "body", "title",
                                        "header", "footer", "dl", NULL };
    for (size_t i = 0; tags[i]; i++)
        if (strlen(tags[i]) == n && memcmp(tags[i], t, n) == 0)
            return true;
    return false;
}

static int entity(bib_buf *out, const char *s, size_t n, size_t *used)
{
    static const struct { const char *name; uint32_t cp; } ents[] = {
        { "amp", '&' }, { "lt", '<' }, { "gt", '>' }, { "quot", '"' }, { "apos", '\'' },
        { "nbsp", ' ' }, { "ndash", 0x2013 }, { "mdash", 0x2014 }, { "ldquo", 0x201C },
        { "rdquo", 0x201D }, { "lsquo", 0x2018 }, { "rsquo", 0x2019 }, { "hellip", 0x2026 },
    };
    size_t e = 1;
    while (e < n && e < 12 && s[e] != ';')
        e++;
    if (e >= n || s[e] != ';') {
        *used = 1;
        return bib_buf_putc(out, '&');
    }
    *used = e + 1;
    if (s[1] == '#') {
        uint32_t cp = 0;
        bool hex = e > 2 && (s[2] == 'x' || s[2] == 'X');
        for (size_t i = hex ? 3 : 2; i < e; i++) {
            char c = s[i];
            int v = is_digit(c) ? c - '0' : hex && (c | 32) >= 'a' && (c | 32) <= 'f' ? (c | 32) - 'a' + 10 : -1;
            if (v < 0 || cp > 0x10FFFF)
                return bib_buf_append(out, s, e + 1);
            cp = cp * (hex ? 16u : 10u) + (uint32_t)v;
        }
        return bib_buf_put_utf8(out, cp == 0xA0 ? ' ' : cp);
    }
    for (size_t i = 0; i < sizeof ents / sizeof *ents; i++)
        if (strlen(ents[i].name) == e - 1 && memcmp(ents[i].name, s + 1, e - 1) == 0)
            return bib_buf_put_utf8(out, ents[i].cp);
    return bib_buf_append(out, s, e + 1);
}

static int end_tag(refs_html *h, bib_buf *out)
{
    if (h->tagn == 6 && memcmp(h->tag, "script", 6) == 0)
        h->skip = !h->tag_closing;
    else if (h->tagn == 5 && memcmp(h->tag, "style", 5) == 0)
        h->skip = !h->tag_closing;
    else if (block_tag(h->tag, h->tagn))
        return bib_buf_puts(out, "\n\n");
    return 0;
}

int refs_html_line(refs_html *h, bib_buf *out, const char *s, size_t n)
{
    int rc = 0;
    for (size_t i = 0; i < n && !rc;) {
        char c = s[i];
        if (h->in_tag) {
            if (c == '>') {
                h->in_tag = 0;
                rc = end_tag(h, out);
            } else if (h->in_tag == 1) {
                if (c == '/' && h->tagn == 0)
                    h->tag_closing = true;
                else if (h->tagn < sizeof h->tag && /* digits too: <h1111111111111111 */
                         (((c | 32) >= 'a' && (c | 32) <= 'z') || (c >= '1' && c <= '6' && h->tagn)))
                    h->tag[h->tagn++] = (char)(c | 32);
                else
                    h->in_tag = 2;    /* attributes */
            }
            i++;
            continue;
        }
        if (c == '<' && i + 1 < n && (((s[i + 1] | 32) >= 'a' && (s[i + 1] | 32) <= 'z') || s[i + 1] == '/' || s[i + 1] == '!')) {
            h->in_tag = 1;
            h->tagn = 0;
            h->tag_closing = false;
            i++;
            continue;
        }
        if (h->skip) {
            i++;
            continue;
        }
        if (c == '&') {
            size_t used;
            rc = entity(out, s + i, n - i, &used);
            i += used;
            continue;
        }
        rc = bib_buf_putc(out, c);
        i++;
    }
    /* a line break inside a paragraph is a space */
    if (!rc && !h->skip)
        rc = bib_buf_putc(out, ' ');
    return rc;
}
