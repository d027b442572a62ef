/* SPDX-License-Identifier: MIT */
/*
 * reftag_names.c - the record builder's name lists: a run of tokens the
 * tagger labelled author or editor cut into names and each read with
 * core's name service, by the list syntax of the styles (docs/refs.md,
 * "Records").
 *
 * Not for: the other fields (reftag_record.c).
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/names.h"
#include "bibconv/utf8.h"
#include "bibconv/script.h"
#include "names_internal.h"
#include "reftag_int.h"

/* bib_utf8_decode, bib_char_is_upper and bib_char_is_lower with ASCII
 * read inline: is_initials asks them of every character of a name
 * list's parts. The ASCII classes are core's own, asked once
 * (ascii_fill: bit 0 upper, bit 1 lower). */
static unsigned char ascii_class[0x80];
static pthread_once_t ascii_once = PTHREAD_ONCE_INIT;

static void ascii_fill(void)
{
    for (uint32_t c = 0; c < 0x80; c++)
        ascii_class[c] = (unsigned char)(bib_char_is_upper(c) | bib_char_is_lower(c) << 1);
}

static inline int dec(const char *s, size_t n, uint32_t *c)
{
    if (n && (unsigned char)s[0] < 0x80) {
        *c = (unsigned char)s[0];
        return 1;
    }
    return bib_utf8_decode(s, n, c);
}

static inline bool up(uint32_t c) { return c < 0x80 ? ascii_class[c] & 1 : bib_char_is_upper(c); }
static inline bool low(uint32_t c) { return c < 0x80 ? ascii_class[c] >> 1 : bib_char_is_lower(c); }

static bool is_initials(const char *s, size_t n)
{
    /* "J.", "J.-P.", "JE", "J. E.", "Yu.": capitals, dots, hyphens and
     * spaces; lower-case letters only in an abbreviation ending in '.' */
    pthread_once(&ascii_once, ascii_fill);
    size_t caps = 0;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        int w = dec(s + i, n - i, &c);
        i += (size_t)w;
        if (c == '.' || c == '-' || c == ' ')
            continue;
        if (up(c)) {
            caps++;
            /* "JE" is initials, "BABA" a family name in capitals */
            uint32_t d;
            if (i < n && dec(s + i, n - i, &d) && up(d) &&
                i + 1 < n) {
                size_t k2 = i + (size_t)dec(s + i, n - i, &d);
                uint32_t e;
                if (k2 < n && dec(s + k2, n - k2, &e) && up(e))
                    return false;
            }
            size_t k = i, lows = 0;
            while (k < n) {
                uint32_t lc;
                int w2 = dec(s + k, n - k, &lc);
                if (!low(lc))
                    break;
                k += (size_t)w2;
                lows++;
            }
            if (lows && (lows > 2 || k >= n || s[k] != '.'))
                return false;
            i = k;
            continue;
        }
        return false;
    }
    return caps > 0 && caps <= 4;
}

/* Whether a piece has a word of initials (`Richard J. Komp`). */
static bool has_initial_word(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        const char *e = memchr(s + i, ' ', n - i);
        size_t j = e ? (size_t)(e - s) : n;
        if (is_initials(s + i, j - i))
            return true;
        i = j + 1;
    }
    return false;
}

/* Whether s[0..n) names a body, not a person (`American Psychological
 * Association`, `Universität Hamburg`): words without initials or comma
 * that the learned name model scores at or below its own boundary, 0
 * (bodies score -3 to -21, people's names +3 to +8); *rc BIB_ENOMEM when
 * the model ran out of memory. */
static bool body_name(const char *s, size_t n, int *rc)
{
    if (!memchr(s, ' ', n) || memchr(s, ',', n) || has_initial_word(s, n))
        return false;
    double sc = 0;
    if (bib__name_score_of(s, n, &sc)) {
        *rc = BIB_ENOMEM;
        return false;
    }
    return sc <= 0;
}

/* Adds s[0..n) as a literal name (a body's). */
static int add_literal(bib_record *rec, bib_var var, const char *s, size_t n)
{
    bib_buf b;
    bib_buf_init(&b);
    bib_buf_append(&b, s, n);
    if (bib_buf_failed(&b))
        return BIB_ENOMEM;
    bib_name name = {0};
    name.literal = b.data;
    int rc = bib_record_add_name(rec, var, &name);
    bib_buf_clear(&b);
    return rc == BIB_EINVAL ? 0 : rc;
}

/* Whether s[0..n) is one word of capital letters (hyphens and
 * apostrophes inside) that does not read as initials (`FAHLMAN`, `NAU`). */
static bool caps_word(const char *s, size_t n)
{
    if (!n || is_initials(s, n))
        return false;
    for (size_t i = 0; i < n;) {
        uint32_t c;
        int w = dec(s + i, n - i, &c);
        if (w <= 0 || !(up(c) || c == '-' || c == '\''))
            return false;
        i += (size_t)w;
    }
    return true;
}

/* The space that ends the family name of a name written family first
 * without a comma, or NULL: words in capitals before a word with lower
 * case (`FAHLMAN Scott E.`, `DUPONT Jean-Pierre`); or, in a list whose
 * names are written family first (fam_first), the first of two words of
 * capitals that both read as initials (`YU DP` beside `WANG JC`). */
static const char *caps_family_end(const char *s, size_t n, bool fam_first)
{
    const char *sp = memchr(s, ' ', n);
    if (fam_first && sp && !memchr(s, '.', n) && !memchr(sp + 1, ' ', n - (size_t)(sp + 1 - s)) &&
        is_initials(s, (size_t)(sp - s)) && is_initials(sp + 1, n - (size_t)(sp + 1 - s)))
        return sp;
    const char *w = s, *end = NULL;
    pthread_once(&ascii_once, ascii_fill);
    while (w < s + n) {
        const char *e = memchr(w, ' ', n - (size_t)(w - s));
        size_t wl = e ? (size_t)(e - w) : n - (size_t)(w - s);
        if (!caps_word(w, wl))
            break;
        end = e;
        w = e ? e + 1 : s + n;
    }
    if (!end || w >= s + n)
        return NULL;
    for (const char *p = w; p < s + n && *p != ' ';) { /* a word with lower case next */
        uint32_t c;
        int k = dec(p, n - (size_t)(p - s), &c);
        if (k <= 0)
            break;
        if (low(c))
            return end;
        p += k;
    }
    return NULL;
}

/* Whether a word has a lower-case letter. */
static bool has_lower(const char *s, size_t n)
{
    for (size_t i = 0; i < n;) {
        uint32_t c;
        int k = dec(s + i, n - i, &c);
        if (k <= 0)
            return false;
        if (low(c))
            return true;
        i += (size_t)k;
    }
    return false;
}

/* The space before the family name of a name written given names first
 * with the family in capitals (`Dana NAU`, `Jean DE LA FONTAINE`: the
 * display parser reads a short word of capitals after a name as its
 * initials), or NULL: the words before it have lower case or are
 * initials with a period. */
static const char *caps_family_start(const char *s, size_t n, bool caps_list)
{
    const char *start = NULL, *w = s;
    bool head = true;
    pthread_once(&ascii_once, ascii_fill);
    while (w < s + n) {
        const char *e = memchr(w, ' ', n - (size_t)(w - s));
        size_t wl = e ? (size_t)(e - w) : n - (size_t)(w - s);
        if (caps_word(w, wl)) {
            /* Vancouver writes three initials so (`Calil PHR`): a family
             * name that short only in a list of such names (caps_list) */
            size_t chars = 0;
            for (size_t k = 0; k < wl; k++)
                chars += ((unsigned char)w[k] & 0xC0) != 0x80;
            if (head && w > s && (caps_list || chars >= 4))
                start = w - 1;
            else if (head)
                return NULL;
            head = false;
        } else if (!head || !(has_lower(w, wl) || (wl && w[wl - 1] == '.'))) {
            return NULL;
        }
        w = e ? e + 1 : s + n;
    }
    return start;
}

/* What a name list tells of its names (add_names to add_one_name). */
enum {
    NAME_FAM_FIRST = 1, /* names written family first, initials after */
    NAME_CAPS = 2,      /* family names in capitals (the first, inverted) */
    NAME_PERSON = 4     /* a person's name, never a body's (co-authors) */
};

/* The length of the initials s[0..n) opens with when they are glued to
 * a family name without a space (`R.Numrich`, `G.S.Gill`, `J.-P.Roux`:
 * capitals each with a period, maybe a hyphen, then a capital and at
 * least one more letter, no space), else 0. */
static size_t glued_initials(const char *s, size_t n)
{
    size_t i = 0, end = 0;
    while (i + 1 < n && s[i] >= 'A' && s[i] <= 'Z' && s[i + 1] == '.') {
        i += 2;
        end = i;
        if (i < n && s[i] == '-')
            i++;
    }
    if (!end || end + 2 > n || memchr(s, ' ', n))
        return 0;
    unsigned char c = (unsigned char)s[end];
    return (c >= 'A' && c <= 'Z') || c >= 0xC0 ? end : 0;
}

/* The length of the author mark that ends s[0..n) (`*` the corresponding
 * author or a student, `#`, `†`, `‡` an equal contribution), else 0. */
static size_t author_mark_end(const char *s, size_t n)
{
    if (n && (s[n - 1] == '*' || s[n - 1] == '#'))
        return 1;
    if (n >= 3 && (!memcmp(s + n - 3, "\xe2\x80\xa0", 3) || !memcmp(s + n - 3, "\xe2\x80\xa1", 3)))
        return 3;
    return 0;
}

static int add_one_name(bib_record *rec, bib_var var, const char *s, size_t n, unsigned hints)
{
    while (n && (*s == ' ' || *s == ',' || *s == '#'))
        s++, n--;
    /* a list's marks after a name (`DuFour, M.R.**`: a student, `Roe*`:
     * the corresponding author, `Hong D.#`: a co-first author) are no part
     * of it */
    for (size_t m = 1; n && m;) {
        m = s[n - 1] == ' ' || s[n - 1] == ',' || s[n - 1] == ';' ? 1 : author_mark_end(s, n);
        n -= m;
    }
    if (!n)
        return 0;
    /* `Prof. Dr. Ines Okafor`: the titles are no part of the name */
    size_t ti = bib_name_titles(s, n);
    s += ti;
    n -= ti;
    int brc = 0;
    if (!(hints & NAME_PERSON) && body_name(s, n, &brc))
        return add_literal(rec, var, s, n);
    if (brc)
        return brc;
    bib_name name;
    int rc;
    /* initials glued to the family name (`R.Numrich`, `G.S.Gill`): the
     * display parser reads one word as a family name */
    size_t gl = glued_initials(s, n);
    if (gl) {
        bib_buf b;
        bib_buf_init(&b);
        bib_buf_append(&b, s + gl, n - gl);
        bib_buf_puts(&b, ", ");
        bib_buf_append(&b, s, gl);
        rc = bib_buf_failed(&b) ? BIB_ENOMEM : bib_name_parse_display(&name, b.data, b.len);
        bib_buf_clear(&b);
        goto parsed;
    }
    /* "Allen J. F.", "Patras P.", "De Angelis M.": family (one word or
     * more), then initials with periods (the display parser reads "Smith
     * JE" but takes "J. F." for given names before a family name): the
     * first space after which only initials follow */
    const char *sp = memchr(s, ',', n) ? NULL : caps_family_end(s, n, hints & NAME_FAM_FIRST);
    if (!sp && !memchr(s, ',', n)) {
        sp = memchr(s, ' ', n);
        while (sp && !is_initials(sp + 1, n - (size_t)(sp + 1 - s)))
            sp = memchr(sp + 1, ' ', n - (size_t)(sp + 1 - s));
        if (sp && is_initials(s, (size_t)(sp - s)))
            sp = NULL;
    }
    const char *tail = sp || memchr(s, ',', n) ? NULL : caps_family_start(s, n, hints & NAME_CAPS);
    if (sp || tail) {
        bib_buf b;
        bib_buf_init(&b);
        if (tail) { /* "FAMILY, Given" */
            bib_buf_append(&b, tail + 1, n - (size_t)(tail + 1 - s));
            bib_buf_puts(&b, ", ");
            bib_buf_append(&b, s, (size_t)(tail - s));
        } else {
            bib_buf_append(&b, s, (size_t)(sp - s));
            bib_buf_puts(&b, ",");
            bib_buf_append(&b, sp, n - (size_t)(sp - s));
        }
        rc = bib_buf_failed(&b) ? BIB_ENOMEM : bib_name_parse_display(&name, b.data, b.len);
        bib_buf_clear(&b);
    } else {
        rc = bib_name_parse_display(&name, s, n);
    }
parsed:
    if (rc == BIB_ENOMEM)
        return rc;
    if (rc == 0) {
        rc = bib_record_add_name(rec, var, &name);
        bib_name_clear(&name);
        return rc == BIB_EINVAL ? 0 : rc;
    }
    return 0;
}

typedef struct piece {
    const char *s;
    size_t n;
    bool br; /* between brackets (`Ann Okafor (Lakeside University)`) */
} piece;

/* Whether a piece of several words opens (`C. MALERBA`: given names
 * first) or ends (`KEYSER SJ`, `LESH N.`: a whole name, family first)
 * with initials. */
static bool edge_initials(const char *s, size_t n, bool end)
{
    const char *sp = end ? NULL : memchr(s, ' ', n);
    if (end)
        for (size_t i = n; i-- > 0 && !sp;)
            sp = s[i] == ' ' ? s + i : NULL;
    if (!sp)
        return false;
    /* at the start, with a period: `DE ANGELIS` opens with a particle */
    return end ? is_initials(sp + 1, n - (size_t)(sp + 1 - s)) && !is_initials(s, (size_t)(sp - s))
               : is_initials(s, (size_t)(sp - s)) && memchr(s, '.', (size_t)(sp - s));
}

/* A family name as a "Family, Given" list writes it: one word, or words
 * in capitals (DE OLIVEIRA), or lower-case particles before one word
 * (van der Berg); never initials, nor a whole name that has its initials
 * before or after it (the Vancouver list `KEYSER SJ, POSTAL PM` has no
 * "Family, Given" pairs). */
static bool family_piece(const char *s, size_t n)
{
    if (!n || is_initials(s, n) || edge_initials(s, n, false) || edge_initials(s, n, true))
        return false;
    bool upper = true;
    size_t words = 1;
    for (size_t i = 0; i < n; i++) {
        words += s[i] == ' ';
        if (s[i] >= 'a' && s[i] <= 'z')
            upper = false;
    }
    if (words == 1 || upper)
        return words <= 4;
    /* all words but the last start in lower case */
    const char *p = s;
    for (size_t w = 0; w + 1 < words; w++) {
        if (!(*p >= 'a' && *p <= 'z'))
            return false;
        p = (const char *)memchr(p, ' ', n - (size_t)(p - s)) + 1;
    }
    return words <= 4;
}

/* One word of capital letters alone (`MA`, `NI`). */
static bool upper_word(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && s[i] >= 'A' && s[i] <= 'Z')
        i++;
    return n && i == n;
}

/* A given-name part of a "Family, Given" list: initials or at most three
 * capitalised words. */
static bool given_piece(const char *s, size_t n)
{
    if (is_initials(s, n))
        return true;
    size_t words = 1;
    for (size_t i = 0; i < n; i++)
        words += s[i] == ' ';
    unsigned char c = (unsigned char)s[0];
    return words <= 3 && ((c >= 'A' && c <= 'Z') || c >= 0xC0);
}

/* bib_name_score into *out, or BIB_ENOMEM when the name model's
 * normalisation ran out of memory (its score would be 0, silently). */
static int name_score(const char *s, size_t n, double *out)
{
    return bib__name_score_of(s, n, out);
}

/* The marks between CJK names: `・`, `、`, `，`. */
static bool cjk_name_sep(const char *p, size_t n)
{
    uint32_t c;
    return n == 3 && bib_utf8_decode(p, 3, &c) == 3 && (c == 0x30FB || c == 0x3001 || c == 0xFF0C);
}

/* The Russian `и` ("and") and `др` (of `и др.`, "and others": GOST). */
#define RU_AND "\xd0\xb8"
#define RU_OTHERS "\xd0\xb4\xd1\x80"

/* Whether the pieces of a name list invert the first name only, as
 * Chicago and MLA write it ("García, Alberto, and Marvin L. Cohen"; "Li,
 * Qiang, Shaoyun Huang, Dong Pan"): a family name alone, its given names,
 * then names of two words or more, none of them initials alone. */
static bool first_inverted(const piece *pc, size_t np)
{
    bool first = np >= 3 && memchr(pc[0].s, ' ', pc[0].n) == NULL &&
                 family_piece(pc[0].s, pc[0].n) && given_piece(pc[1].s, pc[1].n) &&
                 !is_initials(pc[1].s, pc[1].n);
    for (size_t i = 2; first && i < np; i++)
        first = memchr(pc[i].s, ' ', pc[i].n) != NULL && !is_initials(pc[i].s, pc[i].n);
    return first;
}

/* Whether the tokens at i (before b) say "and others": `et al` or `и др`. */
static bool etal_at(const bib_reftag *t, size_t i, size_t b)
{
    return i + 1 < b && ((tok_eq(t, i, "et") && tok_eq(t, i + 1, "al")) ||
                         (tok_eq(t, i, RU_AND) && tok_eq(t, i + 1, RU_OTHERS)));
}

const char *const bib__reftag_roles[] = { "ed", "eds", "hrsg", "hg", "dir", "dirs", "coord",
                                          "org", "orgs", "éd", "éds", "red", "trans", "comp",
                                          "comps", NULL };
#define roles bib__reftag_roles

/* The words before a person's co-authors (bib_reftag_coauthor_word):
 * `with` in the languages of docs/refs.md, and the words that may come
 * before it (`jointly with`, `zusammen mit`). */
static const char *const with_words[] = {
    "with", "mit", "avec", "con", "com", "met", "coautor", "coautores", "coautora",
    "wsp\xc3\xb3\xc5\x82" "autor", "wsp\xc3\xb3\xc5\x82" "autorzy",
    "wsp\xc3\xb3\xc5\x82" "autorka", "spoluautor", NULL
};
static const char *const jointly_words[] = { "joint", "jointly", "together", "gemeinsam",
                                             "zusammen", "samen", "wsp\xc3\xb3lnie", "razem",
                                             "spolu", NULL };
/* The Polish and Czech `with` after those (`wspólnie z`, `spolu s`): a
 * preposition too common to stand for `with` alone. */
static const char *const short_with[] = { "z", "ze", "s", "se", NULL };

/* Cuts the name list in tokens [a, b) into pc (room for 256) at its
 * separators and joining words; returns the pieces' count, *etal when
 * the list says "and others". semi: ';' or '/' separate the names. */
static size_t cut_list(const bib_reftag *t, size_t a, size_t b, bool semi, piece *pc, bool *etal)
{
    static const char *const joins[] = { "and", "und", "&", "y", "e", "et", "og", "och",
                                         "en", "i", "и", "oraz", NULL };
    size_t np = 0, start = a;
    int depth = 0;
    for (size_t i = a; i <= b && np < 255; i++) {
        bool cut = i == b;
        if (!cut && t->tok[i].kind == BIB_REFTOK_PUNCT) {
            char c = tx(t, i)[0];
            /* with ';' between names, a comma is inside a name */
            cut = (c == ',' && !semi) || c == ';' || c == '/' || c == '&' || c == '(' || c == ')';
        }
        if (!cut && i < b && cjk_name_sep(tx(t, i), t->tok[i].len)) {
            cut = true;
        } else if (!cut && (t->tok[i].kind != BIB_REFTOK_PUNCT && t->tok[i].space_before &&
                            !(tx(t, i)[0] >= 'A' && tx(t, i)[0] <= 'Z') &&
                            (tok_in(t, i, joins) || (i > a && tok_in(t, i, with_words))))) {
            /* `Mara Roe with Qi Lee`: the owner, then the
             * co-authors after their word, as `and` joins them */
            cut = !etal_at(t, i, b);
            if (tok_eq(t, i, "e") && i + 1 < b && tx(t, i + 1)[0] == '.')
                cut = false; /* an initial E. */
        } else if (!cut && i > a && i + 1 < b && t->tok[i].space_before && tok_eq(t, i, "a") &&
                   tx(t, i + 1)[0] >= 'A' && tx(t, i + 1)[0] <= 'Z' &&
                   caps_word(tx(t, i - 1), t->tok[i - 1].len)) {
            /* Czech and Slovak "and" after a family name in capitals (ISO
             * 690: `Dana NAU a Paolo TRAVERSO`); a lone `a` elsewhere is
             * more often an initial that lost its case (`Jose a Garrido`) */
            cut = true;
        }
        if (!cut && etal_at(t, i, b)) {
            *etal = true;
            cut = true;
        }
        if (!cut && i > a && (tx(t, i - 1)[0] == '(' || t->tok[i].space_before) && tok_in(t, i, roles))
            cut = true;
        if (!cut)
            continue;
        /* a list's marks after a name (`Amari, S.*,`: the corresponding
         * author; `DuFour, M.R.**`: a student) are no part of it */
        size_t e = i;
        while (e > start && t->tok[e - 1].kind == BIB_REFTOK_PUNCT &&
               author_mark_end(tx(t, e - 1), t->tok[e - 1].len))
            e--;
        if (e > start) {
            const char *s = tx(t, start);
            size_t n = t->tok[e - 1].off + t->tok[e - 1].len - t->tok[start].off;
            pc[np++] = (piece){ s, n, depth > 0 };
        }
        if (i < b && t->tok[i].kind == BIB_REFTOK_PUNCT && tx(t, i)[0] == '(')
            depth++;
        else if (i < b && t->tok[i].kind == BIB_REFTOK_PUNCT && tx(t, i)[0] == ')' && depth > 0)
            depth--;
        /* skip "et al.", role words and their dots */
        if (i < b && (*etal || tok_in(t, i, roles))) {
            while (i + 1 < b && (t->tok[i + 1].kind == BIB_REFTOK_WORD || tx(t, i + 1)[0] == '.') &&
                   (tok_eq(t, i + 1, "al") || tok_eq(t, i + 1, RU_OTHERS) ||
                    tx(t, i + 1)[0] == '.'))
                i++;
        }
        start = i + 1;
    }
    return np;
}

/* Whether every piece of a list cut at its joining words is a person's
 * name to the name model (`Chang Lee and Dermot Murphy`, which the model
 * scores low as one name, against `Centers for Disease Control and
 * Prevention`); *rc BIB_ENOMEM when the model ran out of memory. */
static bool people(const piece *pc, size_t np, int *rc)
{
    for (size_t i = 0; i < np; i++) {
        double sc = 0;
        if (bib__name_score_of(pc[i].s, pc[i].n, &sc)) {
            *rc = BIB_ENOMEM;
            return false;
        }
        if (sc <= 0)
            return false;
    }
    return true;
}

/* A body between brackets after a person's name is an affiliation
 * (`Vaibhav Okafor (Lakeside University)`, a programme's speakers): such
 * pieces are taken out of pc (*np pieces); true when one was. *rc
 * BIB_ENOMEM when the name model ran out of memory. */
static bool drop_affiliations(piece *pc, size_t *np, int *rc)
{
    size_t kept = 0, outside = 0;
    for (size_t i = 0; i < *np; i++)
        outside += !pc[i].br;
    for (size_t i = 0; i < *np; i++)
        if (!(pc[i].br && outside && !people(&pc[i], 1, rc)))
            pc[kept++] = pc[i];
    bool dropped = kept < *np;
    *np = kept;
    return dropped;
}


static bool word_in(const char *s, size_t n, const char *const *list)
{
    for (; *list; list++) {
        const char *w = *list;
        if (strlen(w) == n && n && (s[0] == w[0] || s[0] + 32 == w[0]) &&
            memcmp(s + 1, w + 1, n - 1) == 0)
            return true;
    }
    return false;
}

bool bib_reftag_coauthor_word(const char *s, size_t n)
{
    return s && (word_in(s, n, with_words) || word_in(s, n, jointly_words));
}

/* The names' own tokens of the run [*a, *b): a publication list of one
 * person's works names the co-authors after a word that is no name
 * (`(with R. Numrich)`, `2019, with A. Hu and N. Zhu,`, `zusammen mit P.
 * Bender`, `met K. Peters`, `współautor: M. Jaremko`; docs/refs.md
 * "Records"): the list starts after it (true: they are people written
 * given name first); a role word in brackets closing the list
 * (`Stanley Roe (ed`, its bracket closed outside the run) is no part of
 * the names. */
static bool list_bounds(const bib_reftag *t, size_t *ap, size_t *bp)
{
    static const char *const lead_joins[] = { "and", "und", "et", "y", "e", "en", "i", "og",
                                              "och", "&", NULL };
    size_t a = *ap, b = *bp;
    bool with = false;
    /* a list whose first name was left out (a person's own list drops
     * the owner: `"Title," and Ray Lee`): the joining word opens it */
    if (a + 1 < b && !(tx(t, a)[0] >= 'A' && tx(t, a)[0] <= 'Z') && tok_in(t, a, lead_joins) &&
        t->tok[a + 1].kind == BIB_REFTOK_WORD)
        a++;
    if (a + 2 < b && tok_in(t, a, jointly_words) &&
        (tok_in(t, a + 1, with_words) || tok_in(t, a + 1, short_with))) {
        a++;
        if (tok_in(t, a, short_with)) {
            a++;
            with = true;
        }
    }
    if (a + 1 < b && tok_in(t, a, with_words)) {
        size_t k = a + 1;
        while (k < b && tok_eq(t, k, ":"))
            k++;
        if (k < b && t->tok[k].kind != BIB_REFTOK_PUNCT) {
            a = k;
            with = true;
        }
    }
    if (b >= a + 3 && tok_in(t, b - 1, roles) && tok_eq(t, b - 2, "("))
        b -= 2;
    else if (b >= a + 4 && tok_eq(t, b - 1, ".") && tok_in(t, b - 2, roles) &&
             tok_eq(t, b - 3, "("))
        b -= 3;
    *ap = a;
    *bp = b;
    return with;
}

/* Adds the names of a name list "Smith, J., Doe, K. & Roe, R." /
 * "J. Smith, K. Doe and R. Roe" / "SMITH, J.; DOE, K." / "Smith J, Doe K". */
int bib__reftag_add_names(bib_record *rec, bib_var var, const bib_reftag *t, size_t a, size_t b)
{
    piece pc[256];
    bool etal = false, semi = false;
    bool with = list_bounds(t, &a, &b);
    /* ';' or '/' between names (`MÜLLER, H. ; SCHMIDT, P.`, `M. Abbas/O.
     * Gustafsson`): the list's separator, so a comma is inside a name */
    bool comma = false;
    for (size_t i = a; i < b; i++) {
        semi |= t->tok[i].kind == BIB_REFTOK_PUNCT && (tx(t, i)[0] == ';' || tx(t, i)[0] == '/');
        comma |= t->tok[i].kind == BIB_REFTOK_PUNCT && (tx(t, i)[0] == ',' || tx(t, i)[0] == '&');
    }
    /* a body's name whole, its "and" inside (`Centers for Disease Control
     * and Prevention`) */
    size_t whole = a < b ? t->tok[b - 1].off + t->tok[b - 1].len - t->tok[a].off : 0;
    size_t np = cut_list(t, a, b, semi, pc, &etal);
    int brc = 0;
    bool dropped = drop_affiliations(pc, &np, &brc);
    if (brc)
        return brc;
    if (dropped && np == 1 && body_name(pc[0].s, pc[0].n, &brc))
        return add_literal(rec, var, pc[0].s, pc[0].n);
    if (!with && !dropped && !semi && !comma && a < b && body_name(tx(t, a), whole, &brc) &&
        !(np >= 2 && people(pc, np, &brc)))
        return add_literal(rec, var, tx(t, a), whole);
    if (brc)
        return brc;
    /* names written family first, initials after (`WANG JC, FENG SQ`) */
    size_t ff = 0, gf = 0;
    for (size_t i = 0; i < np; i++) {
        ff += edge_initials(pc[i].s, pc[i].n, true);
        gf += edge_initials(pc[i].s, pc[i].n, false);
    }
    /* co-authors after `with` are written given name first, in capitals
     * too (`with CHRISTOPH A. ROE and JANINE LEE`) */
    unsigned hints = (ff > gf ? NAME_FAM_FIRST : 0) |
                     (np && !with && caps_word(pc[0].s, pc[0].n) ? NAME_CAPS : 0) |
                     (with ? NAME_PERSON : 0);
    /* a whole list of "Family, Given" pairs ("Smith, John, Doe, Jane";
     * "PASTOR, Jon and MCKAY, Donald P.") */
    /* CJK names are written whole (`山田太郎`, `王小明`): never paired */
    bool cjk = false;
    for (size_t i = a; i < b && !cjk; i++)
        cjk = t->tok[i].kind == BIB_REFTOK_CJK;
    bool pairs = !semi && !cjk && !with && np >= 2 && np % 2 == 0;
    for (size_t i = 0; pairs && i < np; i += 2)
        pairs = given_piece(pc[i + 1].s, pc[i + 1].n) &&
                (family_piece(pc[i].s, pc[i].n) ||
                 /* a short family name in capitals reads as initials
                  * ("MA, ShaoJun, NI, Zhaoheng"): not before a given name
                  * that is a word */
                 (!is_initials(pc[i + 1].s, pc[i + 1].n) && upper_word(pc[i].s, pc[i].n)));
    for (size_t i = 0; pairs && i < np; i += 2) {
        int rc = add_one_name(rec, var, pc[i].s, (size_t)(pc[i + 1].s + pc[i + 1].n - pc[i].s), false);
        if (rc)
            return rc;
    }
    bool first = !pairs && !semi && !cjk && first_inverted(pc, np);
    if (first) {
        int rc = add_one_name(rec, var, pc[0].s, (size_t)(pc[1].s + pc[1].n - pc[0].s), false);
        for (size_t i = 2; !rc && i < np; i++)
            rc = add_one_name(rec, var, pc[i].s, pc[i].n, hints);
        if (rc)
            return rc;
    }
    /* else pair "Family, Initials" pieces; a list with ';' between names
     * keeps its commas inside names */
    for (size_t i = 0; !pairs && !first && i < np; i++) {
        piece p = pc[i];
        bool pair = false;
        /* initials alone are no name: they go with the family before them,
         * of one word or more (`De Angelis, M.`, `Fonseca de la Bella, L.`)
         * unless that piece is a whole name itself */
        if (!semi && !cjk && i + 1 < np && is_initials(pc[i + 1].s, pc[i + 1].n) &&
            !is_initials(p.s, p.n) &&
            (memchr(p.s, ' ', p.n) == NULL || !has_initial_word(p.s, p.n)))
            pair = true;
        if (pair) {
            size_t n = (size_t)(pc[i + 1].s + pc[i + 1].n - p.s);
            int rc = add_one_name(rec, var, p.s, n, false);
            if (rc)
                return rc;
            i++;
            continue;
        }
        double sc = 0;
        if (!semi && !cjk && i + 1 < np && memchr(p.s, ' ', p.n) == NULL && !is_initials(p.s, p.n) &&
            np % 2 == 0 && memchr(pc[i + 1].s, ' ', pc[i + 1].n) == NULL &&
            name_score(p.s, (size_t)(pc[i + 1].s + pc[i + 1].n - p.s), &sc))
            return BIB_ENOMEM;
        if (sc > 0) {
            /* "Smith, John, Doe, Jane": family, given pairs */
            int rc = add_one_name(rec, var, p.s, (size_t)(pc[i + 1].s + pc[i + 1].n - p.s), false);
            if (rc)
                return rc;
            i++;
            continue;
        }
        int rc = add_one_name(rec, var, p.s, p.n, hints);
        if (rc)
            return rc;
    }
    if (etal)
        return bib_record_set_names_truncated(rec, var, true);
    return 0;
}

