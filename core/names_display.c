/* SPDX-License-Identifier: MIT */
/*
 * names_display.c - names as web pages, RIS and reference lists write them
 * ("Matthew G Perich", "Johannes von Oswald", "Perich, Matthew G.",
 * "Smith JE", "SMITH John", "陈静", "박지훈", "Sukarno"), in any script
 * (names.h, docs/names.md).
 *
 * Letters, case and spaces are judged by Unicode class (script.h), never
 * by ASCII tests; the input is NFC-normalised first so a name typed with
 * combining marks splits like its composed form.
 *
 * Not for: deciding whether a text *is* a name (namemodel.c does that).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/names.h"
#include "bibconv/script.h"
#include "bibconv/utf8.h"
#include "names_internal.h"

/* Lower-case particles that start a family name in the languages met in
 * bibliographies (Dutch, German, French, Spanish, Portuguese, Italian,
 * Scandinavian, Welsh, Arabic and Malay patronymics). */
static const char *const particles[] = {
    "van", "von", "de", "da", "del", "della", "dei", "degli", "di", "du", "des", "le", "la",
    "les", "las", "los", "ter", "ten", "te", "zu", "zum", "zur", "dos", "das", "do", "den",
    "der", "het", "'t", "y", "al", "el", "bin", "binti", "bint", "ibn", "ben", "af", "av",
    "vom", "vander", "op", "ap", "verch", "ferch", "d'", "l'", "d’", "l’",
};

static const char *const suffixes[] = {"jr", "jr.", "sr", "sr.", "jun.", "sen.",
                                       "junior", "senior"};

/* Compound family names of two Han or Hangul letters: 欧阳修 is 欧阳 + 修.
 * The same names as tools/data/names/{zh,ko}_family_compound.txt. */
static const char *const cjk_compound[] = {
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
    "宇文", "司徒", "夏侯", "轩辕", "令狐", "钟离", "端木", "独孤", "南宫", "西门",
    "歐陽", "諸葛", "東方", "尉遲", "公孫", "長孫", "令狐", "鍾離", "獨孤", "南宮",
    "남궁", "황보", "제갈", "선우", "독고", "사공", "서문",
};

/* Japanese family names of two kanji, so that 田中太郎 splits 田中 + 太郎
 * (tools/data/names/ja_family.txt holds more). */
static const char *const ja_family2[] = {
    "佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤",
    "吉田", "山田", "山口", "松本", "井上", "木村", "斎藤", "清水", "山崎", "池田",
    "橋本", "阿部", "石川", "山下", "中島", "石井", "小川", "前田", "岡田", "藤田",
    "後藤", "近藤", "村上", "遠藤", "青木", "坂本", "斉藤", "福田", "太田", "西村",
    "藤井", "金子", "岡本", "藤原", "中野", "三浦", "原田", "中川", "松田", "竹内",
};

static bool in_list(const char *s, size_t len, const char *const *list, size_t n)
{
    if (!len) /* no entry is empty; s[0] is then no byte of s */
        return false;
    for (size_t i = 0; i < n; i++)
        if (list[i][0] == s[0] && strlen(list[i]) == len && !memcmp(list[i], s, len))
            return true;
    return false;
}

static uint32_t first_cp(const char *s, size_t len)
{
    uint32_t cp = 0;
    if (len)
        bib_utf8_decode(s, len, &cp);
    return cp;
}

bool bib__is_particle(const char *s, size_t len)
{
    /* particles are written in lower case: "Van" opening a name is part of
     * the family name or a given name, as BibTeX also decides */
    return len && bib_char_is_lower(first_cp(s, len)) &&
           in_list(s, len, particles, sizeof particles / sizeof *particles);
}

static bool is_suffix(const char *s, size_t len)
{
    /* every suffix below starts with a capital I, J or S (the list's with
     * the upper-case first letter asked for below): any other word, most
     * given names, ends here */
    if (!len || (s[0] != 'I' && s[0] != 'J' && s[0] != 'S'))
        return false;
    /* generational numerals only in capitals: "II", "III", "IV" */
    if ((len == 2 && (!memcmp(s, "II", 2) || !memcmp(s, "IV", 2))) ||
        (len == 3 && !memcmp(s, "III", 3)))
        return true;
    if (len < 2 || len > 6 || !bib_char_is_upper(first_cp(s, len)))
        return false;
    char w[8];
    for (size_t i = 0; i < len; i++)
        w[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i];
    return in_list(w, len, suffixes, sizeof suffixes / sizeof *suffixes);
}

typedef struct { const char *s; size_t len; } span;

static bool is_space_at(const char *s, size_t len, size_t *adv)
{
    /* printable ASCII is white space only when it is the space: no decode,
     * no class lookup for the bytes of most names */
    unsigned char c = (unsigned char)s[0];
    if (c >= ' ' && c < 0x7F) {
        *adv = 1;
        return c == ' ';
    }
    uint32_t cp;
    *adv = (size_t)bib_utf8_decode(s, len, &cp);
    return cp == ' ' || cp == '\t' || cp == '\n' || cp == '\r' ||
           bib_char_class_of(cp) == BIB_CHAR_SPACE;
}

/* Splits on Unicode white space into at most `max` words. */
static size_t words(const char *s, size_t len, span *w, size_t max)
{
    size_t n = 0, i = 0, adv;
    while (i < len && n < max) {
        while (i < len && is_space_at(s + i, len - i, &adv))
            i += adv;
        if (i == len)
            break;
        size_t j = i;
        for (;;) {
            /* a run of printable ASCII but the space (most of a word)
             * first, without is_space_at's advance per byte */
            while (j < len && (unsigned char)s[j] > ' ' && (unsigned char)s[j] < 0x7F)
                j++;
            if (j == len || is_space_at(s + j, len - j, &adv))
                break;
            j += adv;
        }
        w[n].s = s + i;
        w[n].len = j - i;
        n++;
        i = j;
    }
    return n;
}

/* Where a name's parts are written: one block, sized by the caller for
 * the whole name before the parse starts (every part is words of the
 * input, no word in two parts, so the input's length and a NUL a part
 * bound it), so that a part never moves and no part is allocated on its
 * own (parse_block). `p` is the next free byte. */
typedef struct {
    char *p, *end;
    bool oom; /* a part did not fit: never, by the bound above */
    bool printable; /* the text is printable ASCII (0x20-0x7E): ' ' is its only blank */
    bool general;   /* no quick way (parse_family_given): for the test that ties them */
} part_sink;

/* Joins words [a, b) with single spaces into the sink; NULL if empty. */
static char *join(const span *w, size_t a, size_t b, part_sink *ps)
{
    if (a >= b)
        return NULL;
    size_t len = 0;
    for (size_t i = a; i < b; i++)
        len += w[i].len + 1;
    if ((size_t)(ps->end - ps->p) < len) {
        ps->oom = true;
        return NULL;
    }
    char *p = ps->p;
    size_t o = 0;
    for (size_t i = a; i < b; i++) {
        if (i > a)
            p[o++] = ' ';
        memcpy(p + o, w[i].s, w[i].len);
        o += w[i].len;
    }
    p[o] = '\0';
    ps->p += o + 1;
    return p;
}

/* Letter statistics of one word. */
typedef struct {
    unsigned letters, upper, lower, cjk, other_script;
    bool dots;
} wstat;

static wstat stat_of(const char *s, size_t len)
{
    wstat st = {0, 0, 0, 0, 0, false};
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) { /* ASCII: the letters are A-Z and a-z, Latin script */
            i++;
            st.dots = st.dots || c == '.';
            if ((c | 32) >= 'a' && (c | 32) <= 'z') {
                st.letters++;
                st.other_script++;
                if (c <= 'Z')
                    st.upper++;
                else
                    st.lower++;
            }
            continue;
        }
        i += (size_t)bib_utf8_decode(s + i, len - i, &cp);
        if (cp == '.')
            st.dots = true;
        if (!bib_char_is_letter(cp))
            continue;
        st.letters++;
        if (bib_char_is_upper(cp))
            st.upper++;
        else if (bib_char_is_lower(cp))
            st.lower++;
        if (bib_script_is_cjk(bib_script_of(cp)))
            st.cjk++;
        else
            st.other_script++;
    }
    return st;
}

/* Whether s holds a letter: up to the first ASCII letter, the whole
 * statistics only past a non-ASCII byte (every name is asked this). */
static bool has_letter(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80)
            return stat_of(s + i, len - i).letters > 0;
        if ((c | 32) >= 'a' && (c | 32) <= 'z')
            return true;
    }
    return false;
}

/* Drops the words that hold no letter and no digit (a bullet, a dash, a
 * stray full stop left by a copy: "- Bob Lee", ". Lee"): no part of a
 * name is punctuation alone. Digits stay ("Liu 0001" names one author of
 * several). Returns the number of words kept in w. */
static size_t drop_marks(span *w, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        bool keep = false;
        for (size_t j = 0; j < w[i].len && !keep; j++) {
            unsigned char c = (unsigned char)w[i].s[j];
            keep = c >= 0x80 ? stat_of(w[i].s + j, w[i].len - j).letters > 0
                             : ((c | 32) >= 'a' && (c | 32) <= 'z') || (c >= '0' && c <= '9');
            if (c >= 0x80)
                break;
        }
        if (keep)
            w[k++] = w[i];
    }
    return k;
}

/* Vancouver initials: one to three capitals, no dots, nothing else. */
static bool vancouver_initials(const span *w)
{
    wstat st = stat_of(w->s, w->len);
    return st.letters >= 1 && st.letters <= 3 && st.upper == st.letters && !st.dots &&
           st.letters == bib_utf8_length(w->s, w->len);
}

/* A family name in capitals: three letters or more, all upper case (two
 * capitals are read as initials: "JE Smith"; so are dotted capitals,
 * "D.G.F. David"). */
static bool caps_family(const span *w)
{
    wstat st = stat_of(w->s, w->len);
    return st.letters >= 3 && st.upper == st.letters && !st.dots;
}

static bool caps_word(const span *w)
{
    wstat st = stat_of(w->s, w->len);
    return st.letters >= 2 && st.upper == st.letters && !st.dots;
}

/* A word that looks like a given name or initials in mixed case. */
static bool mixed_case(const span *w)
{
    wstat st = stat_of(w->s, w->len);
    return st.lower > 0;
}

static bool all_cjk(const span *w, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        wstat st = stat_of(w[i].s, w[i].len);
        if (!st.cjk || st.other_script || st.cjk != bib_utf8_length(w[i].s, w[i].len))
            return false;
    }
    return n > 0;
}

/* Family part with its leading particles: "van der Berg" -> particle
 * "van der", family "Berg". */
static void split_family(const span *w, size_t a, size_t b, bib_name *out, part_sink *ps)
{
    size_t p = a;
    while (p + 1 < b && bib__is_particle(w[p].s, w[p].len))
        p++;
    out->non_dropping_particle = join(w, a, p, ps);
    out->family = join(w, p, b, ps);
}

/* "陈静", "박지훈", "欧阳修": family first, one letter or a known
 * two-letter compound; 2 to 4 letters. False when the word is no such
 * name (then the caller keeps it whole). */
static bool split_cjk_word(const span *w, bib_name *out, part_sink *ps)
{
    size_t n = bib_utf8_length(w->s, w->len);
    if (n < 2 || n > 4)
        return false;
    size_t one = (size_t)bib_utf8_decode(w->s, w->len, &(uint32_t){0});
    size_t two = one + (size_t)bib_utf8_decode(w->s + one, w->len - one, &(uint32_t){0});
    size_t cut = one;
    if (n > 2 && (in_list(w->s, two, cjk_compound, sizeof cjk_compound / sizeof *cjk_compound) ||
                  in_list(w->s, two, ja_family2, sizeof ja_family2 / sizeof *ja_family2)))
        cut = two;
    else if (n == 4)
        cut = two; /* four letters without a compound family are 2 + 2 */
    span f = {w->s, cut}, g = {w->s + cut, w->len - cut};
    out->family = join(&f, 0, 1, ps);
    out->given = join(&g, 0, 1, ps);
    return true;
}

static int parse_nfc(bib_name *out, const char *s, size_t len, unsigned flags, part_sink *ps);

/* parse_comma's most common case without its word arrays: printable
 * ASCII "Family, Given Words" with one comma, one word before it and a
 * given name after it that is no lone suffix; the parts it gives, the
 * given words joined by one space. True when done; false, with nothing
 * taken from ps, for any other shape (test_display_quick compares the
 * two ways on random names). */
static bool parse_family_given(bib_name *out, const char *s, size_t len, const char *comma,
                               part_sink *ps)
{
    if (!ps->printable || ps->general)
        return false;
    size_t a0 = 0, a1 = (size_t)(comma - s);
    while (a0 < a1 && s[a0] == ' ')
        a0++;
    while (a1 > a0 && s[a1 - 1] == ' ')
        a1--;
    const char *b = comma + 1, *e = s + len;
    if (a0 == a1 || memchr(s + a0, ' ', a1 - a0) || memchr(b, ',', (size_t)(e - b)) ||
        (size_t)(ps->end - ps->p) < len + 2)
        return false;
    char *fam = ps->p, *giv = fam + (a1 - a0) + 1, *o = giv;
    memcpy(fam, s + a0, a1 - a0);
    fam[a1 - a0] = '\0';
    size_t nw = 0;
    const char *first = NULL, *p = b;
    while (p < e) {
        while (p < e && *p == ' ')
            p++;
        if (p == e)
            break;
        const char *q = p;
        while (q < e && *q != ' ')
            q++;
        if (nw++)
            *o++ = ' ';
        else
            first = p;
        memcpy(o, p, (size_t)(q - p));
        o += q - p;
        p = q;
    }
    /* words() stops at BIB__NAME_MAXW words; a lone suffix is "Family Jr" */
    if (nw > BIB__NAME_MAXW ||
        (nw == 1 && is_suffix(first, (size_t)(o - giv))))
        return false;
    out->family = fam;
    if (nw) {
        *o++ = '\0';
        out->given = giv;
        ps->p = o;
    } else {
        ps->p = giv;
    }
    return true;
}

/* "Family, Given[, Suffix]", or "Given Family, Jr.". */
static int parse_comma(bib_name *out, const char *s, size_t len, const char *comma,
                       unsigned flags, part_sink *ps)
{
    if (parse_family_given(out, s, len, comma, ps))
        return 0;
    span w[BIB__NAME_MAXW], b_words[BIB__NAME_MAXW];
    const char *c2 = memchr(comma + 1, ',', len - (size_t)(comma + 1 - s));
    span a = {s, (size_t)(comma - s)};
    span b = {comma + 1, c2 ? (size_t)(c2 - comma - 1) : len - (size_t)(comma + 1 - s)};
    size_t nb = words(b.s, b.len, b_words, BIB__NAME_MAXW);
    if (!c2 && nb == 1 && is_suffix(b_words[0].s, b_words[0].len)) {
        int rc = parse_nfc(out, a.s, a.len, flags, ps);
        if (rc)
            return rc;
        /* the part before the comma may end in a suffix of its own ("D
         * Jr, Jr"): the one after the comma wins, the other stays unused
         * in the block */
        char *suffix = join(b_words, 0, 1, ps);
        if (!suffix)
            return BIB_ENOMEM;
        out->suffix = suffix;
        out->comma_suffix = true;
        return 0;
    }
    size_t na = words(a.s, a.len, w, BIB__NAME_MAXW);
    if (!na)
        return BIB_EPARSE;
    split_family(w, 0, na, out, ps);
    out->given = join(b_words, 0, nb, ps);
    if (c2) {
        span c_words[BIB__NAME_MAXW];
        size_t nc = words(c2 + 1, len - (size_t)(c2 + 1 - s), c_words, BIB__NAME_MAXW);
        out->suffix = join(c_words, 0, nc, ps);
    }
    return ps->oom ? BIB_ENOMEM : 0;
}

/* Family-first orders that need no comma: Vancouver "Smith JE", "van den
 * Berg J", and a family in capitals "SMITH John", "DE LA CRUZ Juan".
 * Returns true when it took the name. */
static bool parse_family_first(bib_name *out, const span *w, size_t n, unsigned flags,
                               part_sink *ps)
{
    if (n < 2)
        return false;
    /* a list written given name first has no Vancouver names: its capitals
     * at the end are a family name or one cut short (names.h) */
    if (!(flags & BIB_NAME_GIVEN_FIRST) && vancouver_initials(&w[n - 1])
        && !vancouver_initials(&w[0]) &&
        (mixed_case(&w[0]) || caps_family(&w[0]))) {
        for (size_t i = 1; i + 1 < n; i++)
            if (!bib__is_particle(w[i].s, w[i].len) && !mixed_case(&w[i]))
                return false;
        split_family(w, 0, n - 1, out, ps);
        out->given = join(w, n - 1, n, ps);
        return true;
    }
    size_t k = 0;
    bool caps = false;
    /* two capitals count inside the run (DE LA CRUZ) but do not start a
     * family alone (JE Smith) */
    while (k + 1 < n && (caps_family(&w[k]) || bib__is_particle(w[k].s, w[k].len) ||
                         caps_word(&w[k]))) {
        caps |= caps_family(&w[k]);
        k++;
    }
    if (!caps || k == 0)
        return false;
    for (size_t i = k; i < n; i++)
        if (!mixed_case(&w[i]) && !stat_of(w[i].s, w[i].len).dots)
            return false;
    split_family(w, 0, k, out, ps);
    out->given = join(w, k, n, ps);
    return true;
}

/* "Given [particles] Family", with BibTeX's rule on display order: the
 * particles run from the first lower-case particle after the given names
 * to the last one before the final word; the family name is what follows
 * ("Jean de La Fontaine": given Jean, particle de, family La Fontaine). */
static void parse_given_first(bib_name *out, const span *w, size_t n, part_sink *ps)
{
    size_t p = 1;
    while (p < n - 1 && !bib__is_particle(w[p].s, w[p].len))
        p++;
    if (p < n - 1) {
        size_t q = n - 2;
        while (q > p && !bib__is_particle(w[q].s, w[q].len))
            q--;
        out->given = join(w, 0, p, ps);
        out->non_dropping_particle = join(w, p, q + 1, ps);
        out->family = join(w, q + 1, n, ps);
    } else {
        out->given = join(w, 0, n - 1, ps);
        out->family = join(w, n - 1, n, ps);
    }
}

/* bib_name_parse_display on text already in NFC; fills *out (cleared
 * first), its parts written into ps. */
static int parse_nfc(bib_name *out, const char *s, size_t len, unsigned flags, part_sink *ps)
{
    memset(out, 0, sizeof *out);
    if (!has_letter(s, len))
        return BIB_EPARSE;
    const char *comma = memchr(s, ',', len);
    if (comma)
        return parse_comma(out, s, len, comma, flags, ps);
    span w[BIB__NAME_MAXW];
    size_t n = drop_marks(w, words(s, len, w, BIB__NAME_MAXW));
    if (n > 1 && is_suffix(w[n - 1].s, w[n - 1].len)) {
        out->suffix = join(w, n - 1, n, ps);
        n--;
    }
    if (n == 1) {
        if (!all_cjk(w, 1) || !split_cjk_word(&w[0], out, ps))
            out->family = join(w, 0, 1, ps);
    } else if (n == 2 && all_cjk(w, 2)) {
        /* "陈 静", "田中 太郎": family first as well */
        out->family = join(w, 0, 1, ps);
        out->given = join(w, 1, 2, ps);
    } else if (!parse_family_first(out, w, n, flags, ps)) {
        parse_given_first(out, w, n, ps);
    }
    return ps->oom ? BIB_ENOMEM : 0;
}

enum { NAME_STACK = 256 }; /* a name's block on the stack; longer ones are allocated */

/* The display parse of s[0..len) into out, the parts written into one
 * block: stack[0..cap) when they fit, else *heap, allocated here (the
 * caller frees it, also on failure, once done with the parts). *block
 * and *used: where the parts lie. The input is NFC-normalised first
 * unless it is ASCII (NFC as it is). 0, BIB_EPARSE or BIB_ENOMEM. */
static int parse_block(bib_name *out, const char *s, size_t len, unsigned flags, char *stack,
                       size_t cap, char **heap, char **block, size_t *used, bool general)
{
    *heap = NULL;
    *block = stack;
    *used = 0;
    memset(out, 0, sizeof *out);
    size_t a = 0;
    while (a < len && (unsigned char)(s[a] - 0x20) < 0x5F) /* printable ASCII */
        a++;
    bool printable = a == len;
    while (a < len && (unsigned char)s[a] < 0x80)
        a++;
    bib_buf nfc = BIB_BUF_INIT;
    if (a < len) {
        int rc = bib_utf8_nfc(&nfc, s, len);
        if (rc) {
            bib_buf_clear(&nfc);
            return rc;
        }
        s = nfc.data;
        len = nfc.len;
    }
    /* the parts are words of s, none in two parts, each with a NUL: len
     * and one byte a part (at most six, a replaced suffix counted) */
    if (len > cap - 16) {
        if (len > SIZE_MAX - 16 || !(*heap = malloc(len + 16))) {
            bib_buf_clear(&nfc);
            return BIB_ENOMEM;
        }
        *block = *heap;
        cap = len + 16;
    }
    part_sink ps = {*block, *block + cap, false, printable, general};
    int rc = parse_nfc(out, len ? s : "", len, flags, &ps);
    if (nfc.cap)
        bib_buf_clear(&nfc);
    *used = (size_t)(ps.p - *block);
    return rc;
}

/* bib_name_parse_display_flags; `general`: without the quick way */
static int parse_owned(bib_name *out, const char *s, size_t len, unsigned flags, bool general)
{
    char stack[NAME_STACK], *heap, *block;
    size_t used;
    bib_name n;
    int rc = parse_block(&n, s, len, flags, stack, sizeof stack, &heap, &block, &used, general);
    memset(out, 0, sizeof *out);
    if (!rc) {
        /* the caller owns each part (bib_name_clear); the flags as parsed */
        out->comma_suffix = n.comma_suffix;
        out->static_ordering = n.static_ordering;
        out->parse_names = n.parse_names;
        const char *from[6] = {n.family, n.given, n.dropping_particle,
                               n.non_dropping_particle, n.suffix, n.literal};
        const char **to[6] = {&out->family, &out->given, &out->dropping_particle,
                              &out->non_dropping_particle, &out->suffix, &out->literal};
        for (int i = 0; i < 6 && !rc; i++)
            if (from[i] && !(*to[i] = strdup(from[i])))
                rc = BIB_ENOMEM;
        if (rc)
            bib_name_clear(out);
    }
    free(heap);
    return rc;
}

int bib_name_parse_display_flags(bib_name *out, const char *s, size_t len, unsigned flags)
{
    return parse_owned(out, s, len, flags, false);
}

int bib__name_parse_display_general(bib_name *out, const char *s, size_t len, unsigned flags)
{
    return parse_owned(out, s, len, flags, true);
}

int bib_name_parse_display(bib_name *out, const char *s, size_t len)
{
    return bib_name_parse_display_flags(out, s, len, 0);
}

int bib_names_add_display(bib_record *rec, bib_var var, const char *s, size_t len,
                          unsigned flags)
{
    char stack[NAME_STACK], *heap, *block;
    size_t used;
    bib_name n;
    int rc = parse_block(&n, s, len, flags, stack, sizeof stack, &heap, &block, &used, false);
    if (!rc) /* one copy of the block into the record (names.c does so too) */
        rc = bib__record_add_name_block(rec, var, &n, block, used);
    free(heap);
    return rc;
}

static bool cjk_part(const char *p)
{
    if (!p)
        return false;
    wstat st = stat_of(p, strlen(p));
    return st.cjk > 0 && st.other_script == 0;
}

int bib_name_format_display(bib_buf *out, const bib_name *n)
{
    if (n->literal && !n->family) {
        bib_buf_puts(out, n->literal);
        return bib_buf_failed(out) ? BIB_ENOMEM : 0;
    }
    if (cjk_part(n->family) && cjk_part(n->given) && !n->non_dropping_particle &&
        !n->dropping_particle) {
        /* East Asian order, no space: 陈静 */
        bib_buf_puts(out, n->family);
        bib_buf_puts(out, n->given);
        return bib_buf_failed(out) ? BIB_ENOMEM : 0;
    }
    const char *parts[4] = {n->given, n->dropping_particle, n->non_dropping_particle, n->family};
    bool first = true;
    for (int i = 0; i < 4; i++) {
        if (!parts[i] || !*parts[i])
            continue;
        if (!first)
            bib_buf_putc(out, ' ');
        bib_buf_puts(out, parts[i]);
        first = false;
    }
    if (n->suffix && *n->suffix) {
        bib_buf_puts(out, n->comma_suffix ? ", " : " ");
        bib_buf_puts(out, n->suffix);
    }
    return bib_buf_failed(out) ? BIB_ENOMEM : 0;
}

/* ---- titles before a name ----------------------------------------------- */

/* One title at s[0..n): its length with its period or space, or 0. */
static size_t one_title(const char *s, size_t n)
{
    /* with a period or, the spelled-out ones, a space after them; longer
     * first (`Prof.` before `Pr.`) */
    static const struct {
        const char *w;
        unsigned char len;
        char after;
    } t[] = {
        {"Univ.-Prof", 10, '.'}, {"Jun.-Prof", 9, '.'}, {"Priv.-Doz", 9, '.'},
        {"Dr.-Ing", 7, '.'}, {"Dipl.-Ing", 9, '.'}, {"Professorin", 11, ' '},
        {"Professeur", 10, ' '}, {"Professor", 9, ' '}, {"Prof", 4, '.'}, {"Prof", 4, ' '},
        {"Dres", 4, '.'}, {"Doz", 3, '.'}, {"Dott", 4, '.'}, {"Dame", 4, ' '}, {"Mrs", 3, '.'},
        {"Mme", 3, '.'}, {"Dr", 2, '.'}, {"Dr", 2, ' '}, {"Mr", 2, '.'}, {"Ms", 2, '.'},
        {"Pr", 2, '.'}, {"PD", 2, ' '}, {"Sir", 3, ' '}, {"hc", 2, '.'}, {"h.c", 3, '.'},
        {"apl", 3, '.'},
        /* a doctor's faculty after `Dr.` (`Dr. med.`, `Dr. rer. nat.`) */
        {"med", 3, '.'}, {"rer", 3, '.'}, {"nat", 3, '.'}, {"phil", 4, '.'}, {"jur", 3, '.'},
        {"habil", 5, '.'}, {"oec", 3, '.'}, {"theol", 5, '.'},
    };
    /* most names open with a letter no title opens with */
    switch (n ? s[0] : 0) {
    case 'U': case 'J': case 'P': case 'D': case 'M': case 'S': case 'h': case 'a':
    case 'm': case 'r': case 'n': case 'p': case 'j': case 'o': case 't':
        break;
    default:
        return 0;
    }
    for (size_t k = 0; k < sizeof t / sizeof *t; k++) {
        size_t l = t[k].len;
        if (l + 1 < n && s[0] == t[k].w[0] && s[l] == t[k].after && memcmp(s, t[k].w, l) == 0)
            return l + 1;
    }
    return 0;
}

size_t bib_name_titles(const char *s, size_t n)
{
    size_t i = 0, done = 0;
    /* a programme's department before them (`Germanistik: Prof. Dr. …`):
     * letters, spaces and hyphens up to a colon, taken only when titles
     * follow */
    const char *colon = memchr(s, ':', n < 42 ? n : 42);
    if (colon && colon > s + 2 && (size_t)(colon - s) + 2 < n && colon[1] == ' ') {
        size_t lab = 0;
        while (s + lab < colon && (((s[lab] | 0x20) >= 'a' && (s[lab] | 0x20) <= 'z') ||
                                   (unsigned char)s[lab] >= 0x80 || s[lab] == ' ' ||
                                   s[lab] == '-'))
            lab++;
        if (s + lab == colon && bib_name_titles(s + lab + 2, n - lab - 2))
            i = lab + 2;
    }
    for (size_t l; (l = one_title(s + i, n - i)) != 0;) {
        i += l;
        while (i < n && s[i] == ' ')
            i++;
        done = i;
    }
    /* a name must follow: two bytes or more, a capital first */
    return done && done + 2 <= n &&
                   ((s[done] >= 'A' && s[done] <= 'Z') || (unsigned char)s[done] >= 0xC3)
               ? done
               : 0;
}
