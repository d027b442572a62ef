/* SPDX-License-Identifier: MIT */
/*
 * ris_map.c - the pure parts of the ris module: the line lexer, the TY
 * code <-> CSL type tables (docs/ris.md, "Types"), the per-type roles of
 * name tags (docs/ris.md, "Name roles"), and RIS readings of names,
 * dates, ISBN/ISSN and DOIs on top of core's text services.
 *
 * Not for: I/O or record building (ris_reader.c, ris_writer.c).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "risfmt.h"

static bool is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

static bool is_up(char c)
{
    return c >= 'A' && c <= 'Z';
}

static bool is_up_dig(char c)
{
    return is_up(c) || (c >= '0' && c <= '9');
}

/* Skips leading blanks, and a byte-order mark after them that is not the
 * file's first bytes (files joined with cat; a JabRef test has " <BOM>" on
 * its first line): not text. */
static void skip_lead(const char **sp, size_t *lenp)
{
    const char *s = *sp;
    size_t len = *lenp;
    while (len && is_blank(*s)) {
        s++;
        len--;
    }
    if (len >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
        (unsigned char)s[2] == 0xBF) {
        s += 3;
        len -= 3;
        while (len && is_blank(*s)) {
            s++;
            len--;
        }
    }
    *sp = s;
    *lenp = len;
}

void ris_lex_line(const char *s, size_t len, ris_line *out)
{
    /* leading blanks occur on ScienceDirect tag lines (docs/ris.md, "Lines");
     * a line that starts with a tag's letter has none (nearly every line:
     * no call) */
    if (!len || !is_up(s[0]))
        skip_lead(&s, &len);
    while (len && is_blank(s[len - 1]))
        len--;
    out->tag[0] = out->tag[1] = out->tag[2] = '\0';
    out->value = s;
    out->len = len;
    if (!len) {
        out->kind = RIS_LINE_BLANK;
        return;
    }
    if (len >= 5 && is_up(s[0]) && is_up_dig(s[1]) && s[2] == ' ' && s[3] == ' ' &&
        s[4] == '-' && (len == 5 || s[5] == ' ' || s[5] == '\t')) {
        /* "TY  - value", nearly every line: what the rules below decide
         * for it, without their ctype calls */
        out->kind = RIS_LINE_TAG;
        out->tag[0] = s[0];
        out->tag[1] = s[1];
        size_t v = 5;
        while (v < len && (s[v] == ' ' || s[v] == '\t'))
            v++;
        out->value = s + v;
        out->len = len - v;
        return;
    }
    out->kind = RIS_LINE_TEXT;
    if (len < 3 || !isalpha((unsigned char)s[0]) || !isalnum((unsigned char)s[1]))
        return;
    size_t i = 2;
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    size_t blanks = i - 2;
    if (i >= len || s[i] != '-')
        return;
    /* after the dash: the end of the line or a blank, else it is text such
     * as "T1-weighted" or "AB -CD" */
    if (i + 1 < len && s[i + 1] != ' ' && s[i + 1] != '\t')
        return;
    bool upper = is_up(s[0]) && is_up_dig(s[1]);
    bool lower = !upper && islower((unsigned char)s[0]) &&
                 (islower((unsigned char)s[1]) || isdigit((unsigned char)s[1]));
    if (!upper && !lower)
        return;
    out->tag[0] = (char)toupper((unsigned char)s[0]);
    out->tag[1] = (char)toupper((unsigned char)s[1]);
    size_t v = i + 1;
    while (v < len && (s[v] == ' ' || s[v] == '\t'))
        v++;
    out->value = s + v;
    out->len = len - v;
    if (blanks == 0 || blanks > 3)
        out->kind = upper ? RIS_LINE_BAD_TAG : RIS_LINE_TEXT;
    else if (lower)
        out->kind = blanks == 2 ? RIS_LINE_LOWER_TAG : RIS_LINE_TEXT;
    else
        out->kind = RIS_LINE_TAG;
    if (out->kind == RIS_LINE_TEXT) {
        out->value = s;
        out->len = len;
        out->tag[0] = out->tag[1] = '\0';
    }
}

bool ris_looks_like_tag(const char *s, size_t len)
{
    ris_line l;
    ris_lex_line(s, len, &l);
    return l.kind != RIS_LINE_TEXT && l.kind != RIS_LINE_BLANK;
}

/* ---- types ------------------------------------------------------------ */

struct type_code {
    const char *code;
    bib_type type;
};

/* docs/ris.md "Types", reading direction; sorted by code for a readable table,
 * searched linearly (60 entries, once per record) */
static const struct type_code read_types[] = {
    {"ABST", BIB_TYPE_ARTICLE_JOURNAL}, {"ADVS", BIB_TYPE_MOTION_PICTURE},
    {"AGGR", BIB_TYPE_DATASET},         {"ANCIENT", BIB_TYPE_CLASSIC},
    {"ART", BIB_TYPE_GRAPHIC},          {"BILL", BIB_TYPE_BILL},
    {"BLOG", BIB_TYPE_POST_WEBLOG},     {"BOOK", BIB_TYPE_BOOK},
    {"CASE", BIB_TYPE_LEGAL_CASE},      {"CHAP", BIB_TYPE_CHAPTER},
    {"CHART", BIB_TYPE_FIGURE},         {"CLSWK", BIB_TYPE_CLASSIC},
    {"COMP", BIB_TYPE_SOFTWARE},        {"CONF", BIB_TYPE_PAPER_CONFERENCE},
    {"CPAPER", BIB_TYPE_PAPER_CONFERENCE}, {"CTLG", BIB_TYPE_ENTRY},
    {"DATA", BIB_TYPE_DATASET},         {"DBASE", BIB_TYPE_DATASET},
    {"DICT", BIB_TYPE_ENTRY_DICTIONARY}, {"EBOOK", BIB_TYPE_BOOK},
    {"ECHAP", BIB_TYPE_CHAPTER},        {"EDBOOK", BIB_TYPE_BOOK},
    {"EJOUR", BIB_TYPE_ARTICLE_JOURNAL}, {"ELEC", BIB_TYPE_WEBPAGE},
    {"ENCYC", BIB_TYPE_ENTRY_ENCYCLOPEDIA}, {"EQUA", BIB_TYPE_FIGURE},
    {"FIGURE", BIB_TYPE_FIGURE},        {"GEN", BIB_TYPE_DOCUMENT},
    {"GOVDOC", BIB_TYPE_REPORT},        {"GRANT", BIB_TYPE_DOCUMENT},
    {"HEAR", BIB_TYPE_HEARING},         {"ICOMM", BIB_TYPE_PERSONAL_COMMUNICATION},
    {"INPR", BIB_TYPE_ARTICLE_JOURNAL}, {"JFULL", BIB_TYPE_PERIODICAL},
    {"JOUR", BIB_TYPE_ARTICLE_JOURNAL}, {"JOURN", BIB_TYPE_ARTICLE_JOURNAL},
    {"LEGAL", BIB_TYPE_REGULATION},     {"MANSCPT", BIB_TYPE_MANUSCRIPT},
    {"MAP", BIB_TYPE_MAP},              {"MGZN", BIB_TYPE_ARTICLE_MAGAZINE},
    {"MPCT", BIB_TYPE_MOTION_PICTURE},  {"MULTI", BIB_TYPE_MOTION_PICTURE},
    {"MUSIC", BIB_TYPE_MUSICAL_SCORE},  {"NEWS", BIB_TYPE_ARTICLE_NEWSPAPER},
    {"PAMP", BIB_TYPE_PAMPHLET},        {"PAT", BIB_TYPE_PATENT},
    {"PCOMM", BIB_TYPE_PERSONAL_COMMUNICATION}, {"RPRT", BIB_TYPE_REPORT},
    {"SER", BIB_TYPE_PERIODICAL},       {"SLIDE", BIB_TYPE_SPEECH},
    {"SOUND", BIB_TYPE_SONG},           {"STAND", BIB_TYPE_STANDARD},
    {"STAT", BIB_TYPE_LEGISLATION},     {"THES", BIB_TYPE_THESIS},
    {"UNBILL", BIB_TYPE_BILL},          {"UNPB", BIB_TYPE_MANUSCRIPT},
    {"UNPD", BIB_TYPE_MANUSCRIPT},      {"VIDEO", BIB_TYPE_MOTION_PICTURE},
    {"WEB", BIB_TYPE_WEBPAGE},
};

bib_type ris_type_from_code(const char *code, size_t len, bool *known)
{
    while (len && is_blank(*code)) {
        code++;
        len--;
    }
    while (len && is_blank(code[len - 1]))
        len--;
    /* upper-cased once; the codes are short and upper case, so a longer
     * or empty code is none of them */
    char up[16];
    if (len && len < sizeof up) {
        for (size_t k = 0; k < len; k++)
            up[k] = (char)toupper((unsigned char)code[k]);
        up[len] = '\0';
        /* the table is sorted by code (strcmp order) and its codes unique */
        size_t lo = 0, hi = sizeof read_types / sizeof read_types[0];
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            int c = strcmp(read_types[mid].code, up);
            if (c == 0) {
                *known = true;
                return read_types[mid].type;
            }
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
    }
    *known = false;
    return BIB_TYPE_DOCUMENT;
}

const char *ris_type_code(bib_type type)
{
    /* docs/ris.md "Types": the writer's code for each CSL type */
    switch (type) {
    case BIB_TYPE_ARTICLE_JOURNAL: case BIB_TYPE_REVIEW: case BIB_TYPE_REVIEW_BOOK:
        return "JOUR";
    case BIB_TYPE_ARTICLE_MAGAZINE: return "MGZN";
    case BIB_TYPE_ARTICLE_NEWSPAPER: return "NEWS";
    case BIB_TYPE_BILL: return "BILL";
    case BIB_TYPE_BOOK: return "BOOK";
    case BIB_TYPE_BROADCAST: case BIB_TYPE_MOTION_PICTURE: return "MPCT";
    case BIB_TYPE_CHAPTER: return "CHAP";
    case BIB_TYPE_CLASSIC: return "CLSWK";
    case BIB_TYPE_DATASET: return "DATA";
    case BIB_TYPE_ENTRY: return "CTLG";
    case BIB_TYPE_ENTRY_DICTIONARY: return "DICT";
    case BIB_TYPE_ENTRY_ENCYCLOPEDIA: return "ENCYC";
    case BIB_TYPE_FIGURE: return "FIGURE";
    case BIB_TYPE_GRAPHIC: return "ART";
    case BIB_TYPE_HEARING: return "HEAR";
    case BIB_TYPE_LEGAL_CASE: return "CASE";
    case BIB_TYPE_LEGISLATION: return "STAT";
    case BIB_TYPE_MANUSCRIPT: return "MANSCPT";
    case BIB_TYPE_MAP: return "MAP";
    case BIB_TYPE_MUSICAL_SCORE: return "MUSIC";
    case BIB_TYPE_PAMPHLET: return "PAMP";
    case BIB_TYPE_PAPER_CONFERENCE: return "CONF";
    case BIB_TYPE_PATENT: return "PAT";
    case BIB_TYPE_PERIODICAL: return "JFULL";
    case BIB_TYPE_PERSONAL_COMMUNICATION: return "PCOMM";
    case BIB_TYPE_POST: return "ICOMM";
    case BIB_TYPE_POST_WEBLOG: return "BLOG";
    case BIB_TYPE_REGULATION: return "LEGAL";
    case BIB_TYPE_REPORT: return "RPRT";
    case BIB_TYPE_SOFTWARE: return "COMP";
    case BIB_TYPE_SONG: return "SOUND";
    case BIB_TYPE_SPEECH: return "SLIDE";
    case BIB_TYPE_STANDARD: return "STAND";
    case BIB_TYPE_THESIS: return "THES";
    case BIB_TYPE_WEBPAGE: return "ELEC";
    default: return "GEN";
    }
}

static bool code_in(const char *code, const char *const *set)
{
    for (; *set; set++)
        if (ris_streq(code, *set))
            return true;
    return false;
}

bool ris_type_series_t2(const char *code)
{
    static const char *const set[] = {"BOOK", "EBOOK", "EDBOOK", "RPRT", "COMP", "MAP",
                                      "CLSWK", NULL};
    return code_in(code, set);
}

bool ris_type_sp_is_count(const char *code)
{
    static const char *const set[] = {"BOOK", "THES", "EDBOOK", "EBOOK", "CLSWK", NULL};
    return code_in(code, set);
}

bool ris_type_isbn(const char *code)
{
    static const char *const set[] = {"BOOK", "CHAP", "EBOOK", "ECHAP", "EDBOOK", "CLSWK",
                                      "ANCIENT", "CONF", "DICT", "ENCYC", "MUSIC", "PAMP",
                                      "THES", NULL};
    return code_in(code, set);
}

bool ris_type_da_accessed(const char *code)
{
    static const char *const set[] = {"AGGR", "DBASE", "EJOUR", "EBOOK", "ECHAP", "MULTI", NULL};
    return code_in(code, set);
}

bool ris_type_journal(const char *code)
{
    static const char *const set[] = {"JOUR", "EJOUR", "ABST", "INPR", "JFULL", NULL};
    return code_in(code, set);
}

/* docs/ris.md "Name roles": the role of a name tag depends on TY */
bib_var ris_name_var(const char *code, const char *tag)
{
    if (ris_streq(tag, "AU") || ris_streq(tag, "A1")) {
        if (ris_streq(code, "EDBOOK"))
            return BIB_VAR_EDITOR;
        if (ris_streq(code, "MPCT"))
            return BIB_VAR_DIRECTOR;
        if (ris_streq(code, "MUSIC"))
            return BIB_VAR_COMPOSER;
        return BIB_VAR_AUTHOR;
    }
    if (ris_streq(tag, "ED"))
        return BIB_VAR_EDITOR;
    if (ris_streq(tag, "A2")) {
        static const char *const series[] = {"BOOK", "RPRT", "COMP", "MAP", "CLSWK",
                                             "EDBOOK", "UNPB", "ELEC", NULL};
        static const char *const perf[] = {"ADVS", "SLIDE", "SOUND", "VIDEO", NULL};
        static const char *const recip[] = {"PCOMM", "ICOMM", NULL};
        if (code_in(code, series))
            return BIB_VAR_COLLECTION_EDITOR;
        if (code_in(code, perf))
            return BIB_VAR_PERFORMER;
        if (code_in(code, recip))
            return BIB_VAR_RECIPIENT;
        if (ris_streq(code, "DATA"))
            return BIB_VAR_PRODUCER;
        return BIB_VAR_EDITOR;
    }
    if (ris_streq(tag, "A3")) {
        if (ris_streq(code, "BOOK"))
            return BIB_VAR_EDITOR;
        if (ris_streq(code, "MPCT"))
            return BIB_VAR_PRODUCER;
        if (ris_streq(code, "BLOG"))
            return BIB_VAR_ILLUSTRATOR;
        if (ris_streq(code, "THES"))
            return BIB_VAR_CONTRIBUTOR;
        return BIB_VAR_COLLECTION_EDITOR;
    }
    if (ris_streq(tag, "A4")) {
        if (ris_streq(code, "MPCT"))
            return BIB_VAR_PERFORMER;
        if (ris_streq(code, "MUSIC"))
            return BIB_VAR_PRODUCER;
        return BIB_VAR_TRANSLATOR;
    }
    return BIB_VAR_NONE;
}

const char *ris_name_tag(const char *code, bib_var var)
{
    /* the first tag in this order whose reading gives `var`, so that the
     * writer never picks a tag the reader would take for another role */
    static const char *const tags[] = {"AU", "A2", "A3", "A4", "ED", NULL};
    for (size_t i = 0; tags[i]; i++)
        if (ris_name_var(code, tags[i]) == var)
            return tags[i];
    return NULL;
}

/* ---- names ------------------------------------------------------------- */

static char *dup_n(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

/* "Oudin A", "Oudin Åström D", "Smith JE": words, the last one 1-3 capitals */
static bool vancouver_split(const char *s, size_t len, size_t *family_len)
{
    size_t sp = len;
    while (sp && s[sp - 1] != ' ')
        sp--;
    if (!sp)
        return false;
    size_t n = len - sp;
    if (n < 1 || n > 3)
        return false;
    for (size_t i = sp; i < len; i++)
        if (!is_up(s[i]))
            return false;
    *family_len = sp - 1;
    while (*family_len && s[*family_len - 1] == ' ')
        (*family_len)--;
    /* every family word capitalised and not all capitals: "TIME USA" and
     * "A and B" are not Vancouver names */
    for (size_t i = 0; i < *family_len;) {
        size_t j = i;
        while (j < *family_len && s[j] != ' ')
            j++;
        unsigned char c0 = (unsigned char)s[i];
        bool lower = false;
        for (size_t k = i + 1; k < j; k++)
            lower = lower || islower((unsigned char)s[k]) || (unsigned char)s[k] >= 0x80;
        if (j - i < 2 || !(is_up((char)c0) || c0 >= 0x80) || !lower)
            return false;
        i = j + 1;
    }
    return *family_len > 0;
}

size_t ris_name_trim(const char **s, size_t len)
{
    while (len && is_blank(**s)) {
        (*s)++;
        len--;
    }
    while (len && (is_blank((*s)[len - 1]) || (*s)[len - 1] == ','))
        len--;
    return len;
}

bool ris_name_spaced(const char *s, size_t len, const char *comma)
{
    bool spaced = comma != NULL;
    for (const char *c = comma; c && spaced; c = memchr(c + 1, ',', len - (size_t)(c + 1 - s)))
        spaced = c + 1 == s + len || c[1] == ' ';
    return spaced;
}

int ris_name_parse(bib_name *out, const char *s, size_t len, bool *vancouver)
{
    memset(out, 0, sizeof *out);
    *vancouver = false;
    len = ris_name_trim(&s, len);
    if (!len)
        return BIB_EPARSE;
    const char *comma = memchr(s, ',', len);
    if (ris_name_spaced(s, len, comma)) { /* "Last, First": the parser takes it as it is */
        int rc = bib_name_parse_display(out, s, len);
        if (rc != BIB_EPARSE)
            return rc;
        memset(out, 0, sizeof *out);
        return (out->literal = dup_n(s, len)) ? 0 : BIB_ENOMEM;
    }
    if (comma) {
        /* "Last,F.M." is legal RIS: give the parser its space back */
        bib_buf t = BIB_BUF_INIT;
        /* written in place after one reserve (at most a space per byte):
         * a call per byte was most of a RIS name's cost */
        if (len > SIZE_MAX / 2 - 1 || bib_buf_reserve(&t, 2 * len + 1)) {
            bib_buf_clear(&t);
            return BIB_ENOMEM;
        }
        char *d = t.data;
        for (size_t i = 0; i < len; i++) {
            *d++ = s[i];
            if (s[i] == ',' && i + 1 < len && s[i + 1] != ' ')
                *d++ = ' ';
        }
        *d = '\0';
        t.len = (size_t)(d - t.data);
        int rc = bib_name_parse_display(out, t.data, t.len);
        bib_buf_clear(&t);
        if (rc != BIB_EPARSE)
            return rc;
        /* no letters: keep the text rather than lose the name */
        memset(out, 0, sizeof *out);
        return (out->literal = dup_n(s, len)) ? 0 : BIB_ENOMEM;
    }
    if (!memchr(s, ' ', len)) {
        out->family = dup_n(s, len); /* one word: a family name (as citation-js) */
        return out->family ? 0 : BIB_ENOMEM;
    }
    size_t fl;
    if (vancouver_split(s, len, &fl)) {
        *vancouver = true;
        out->family = dup_n(s, fl);
        /* "JE" -> "J. E.": initials as a given name */
        bib_buf g = BIB_BUF_INIT;
        for (size_t i = fl; i < len; i++) {
            if (s[i] == ' ')
                continue;
            if (g.len)
                bib_buf_putc(&g, ' ');
            bib_buf_putc(&g, s[i]);
            bib_buf_putc(&g, '.');
        }
        out->given = bib_buf_detach(&g);
        if (!out->family || !out->given) {
            bib_name_clear(out);
            return BIB_ENOMEM;
        }
        return 0;
    }
    /* several words and no comma: an institution or a name that must not
     * be split (docs/ris.md, "Names") */
    out->literal = dup_n(s, len);
    return out->literal ? 0 : BIB_ENOMEM;
}

/* bib_buf_puts without its call: a name has up to five parts */
static inline void put_str(bib_buf *out, const char *s)
{
    bib_buf_append_fast(out, s, strlen(s));
}

int ris_name_format(bib_buf *out, const bib_name *n)
{
    size_t start = out->len;
    if (n->literal && !n->family) {
        put_str(out, n->literal);
        return bib_buf_failed(out) ? BIB_ENOMEM : 0;
    }
    if (n->dropping_particle && *n->dropping_particle) {
        put_str(out, n->dropping_particle);
        bib_buf_putc_fast(out, ' ');
    }
    if (n->non_dropping_particle && *n->non_dropping_particle) {
        put_str(out, n->non_dropping_particle);
        bib_buf_putc_fast(out, ' ');
    }
    if (n->family)
        put_str(out, n->family);
    else if (n->given && !n->suffix) {
        put_str(out, n->given); /* a given name alone: as written */
        return bib_buf_failed(out) ? BIB_ENOMEM : 0;
    }
    if (n->given && *n->given) {
        bib_buf_append_fast(out, ", ", 2);
        put_str(out, n->given);
    }
    if (n->suffix && *n->suffix) {
        if (!(n->given && *n->given))
            bib_buf_append_fast(out, ",", 1);
        bib_buf_append_fast(out, ", ", 2);
        put_str(out, n->suffix);
    }
    (void)start;
    return bib_buf_failed(out) ? BIB_ENOMEM : 0;
}

/* ---- dates ------------------------------------------------------------- */

/* Copies s[0..n) up to its first NUL to d + o (as printf's %.*s); the
 * new end. */
static size_t put_upto(char *d, size_t o, const char *s, size_t n)
{
    const char *z = memchr(s, '\0', n);
    size_t k = z ? (size_t)(z - s) : n;
    memcpy(d + o, s, k);
    return o + k;
}

int ris_date_parse(bib_date *out, const char *s, size_t len)
{
    skip_lead(&s, &len);
    while (len && is_blank(s[len - 1]))
        len--;
    /* "0000" is how exporters say "no year": not the year 1 BC */
    if (len >= 4 && memcmp(s, "0000", 4) == 0 && (len == 4 || s[4] == '/'))
        return bib_date_parse(out, s, len, 0);
    /* a bare year of four digits (PY, most often): the date the EDTF
     * parse of core/dates.c gives it, set without that parse */
    if (len == 4 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
        isdigit((unsigned char)s[2]) && isdigit((unsigned char)s[3])) {
        memset(out, 0, sizeof *out);
        out->nparts = 1;
        out->parts[0].has_year = true;
        out->parts[0].year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
                             (s[3] - '0');
        return 0;
    }
    /* "YYYY/MM/DD/other" with the repairs of docs/ris.md "Dates": a zero part
     * means unknown and drops what follows ("2020/00/00"), a month may be a
     * name ("2015/october", JabRef), single digits are fine ("2023/11/1/") */
    if (len >= 5 && len < 64 && isdigit((unsigned char)s[0]) && s[4] == '/') {
        const char *slot[3] = {NULL, NULL, NULL};
        size_t slen[3] = {0, 0, 0};
        size_t i = 5;
        for (int k = 0; k < 3 && i <= len; k++) {
            size_t j = i;
            while (j < len && (k == 2 || s[j] != '/'))
                j++;
            slot[k] = s + i;
            slen[k] = j - i;
            i = j + 1;
        }
        int month = 0, day = 0;
        bool ok = true;
        if (slen[0]) {
            /* one or two digits as bib_month_parse reads them (1-12, else
             * 0), without the call; a name goes to it */
            if (slen[0] <= 2 && isdigit((unsigned char)slot[0][0]) &&
                (slen[0] == 1 || isdigit((unsigned char)slot[0][1]))) {
                month = slot[0][0] - '0';
                if (slen[0] == 2)
                    month = month * 10 + (slot[0][1] - '0');
                if (month > 12)
                    month = 0;
            } else {
                month = bib_month_parse(slot[0], slen[0]);
            }
            ok = month > 0 || strspn(slot[0], "0") >= slen[0];
        }
        if (ok && month && slen[1]) {
            /* two digits at most, checked before the value is built: a long
             * digit run would overflow it */
            ok = slen[1] <= 2;
            for (size_t k = 0; k < slen[1] && ok; k++)
                ok = isdigit((unsigned char)slot[1][k]) != 0;
            for (size_t k = 0; k < slen[1] && ok; k++)
                day = day * 10 + (slot[1][k] - '0');
            ok = ok && day <= 31;
        }
        if (ok) {
            /* "YYYY/MM/DD/other" by hand, as printf's "%.4s/%02d/%02d/%.*s"
             * would (a NUL ends a part): every RIS date comes here. The
             * parts fit, len < 64; month 1-12 and day 0-31 are two digits */
            char tmp[80];
            size_t n = put_upto(tmp, 0, s, 4);
            tmp[n++] = '/';
            if (month) {
                tmp[n++] = (char)('0' + month / 10);
                tmp[n++] = (char)('0' + month % 10);
            }
            tmp[n++] = '/';
            if (month && day) {
                tmp[n++] = (char)('0' + day / 10);
                tmp[n++] = (char)('0' + day % 10);
            }
            tmp[n++] = '/';
            bool tail = slen[2] && (month ? day != 0 : !slen[0]);
            if (tail)
                n = put_upto(tmp, n, slot[2], slen[2]);
            if (n > 0 && n < sizeof tmp) {
                /* four year digits and nothing after the parts (nearly
                 * every RIS date): the date parse_ris (core/dates.c) reads
                 * from that text, set here without building and parsing it */
                bool plain = !tail && isdigit((unsigned char)tmp[1]) &&
                             isdigit((unsigned char)tmp[2]) && isdigit((unsigned char)tmp[3]) &&
                             tmp[4] == '/' && month <= 12;
                int rc = 0;
                if (plain) {
                    memset(out, 0, sizeof *out);
                    out->nparts = 1;
                    out->parts[0].has_year = true;
                    out->parts[0].year = (tmp[0] - '0') * 1000 + (tmp[1] - '0') * 100 +
                                         (tmp[2] - '0') * 10 + (tmp[3] - '0');
                    out->parts[0].month = month;
                    out->parts[0].day = month ? day : 0;
                } else {
                    rc = bib_date_parse(out, tmp, n, BIB_DATE_RIS);
                }
                if (rc != BIB_EPARSE) {
                    /* keep the source text when the repair dropped some */
                    if (!rc && !out->raw && slen[2] && !(out->parts[0].season)) {
                        out->raw = dup_n(s, len);
                        if (!out->raw) {
                            bib_date_clear(out);
                            return BIB_ENOMEM;
                        }
                    }
                    return rc;
                }
                bib_date_clear(out);
            }
        }
    }
    return bib_date_parse(out, s, len, BIB_DATE_ANY);
}

/* Two digits of v into t. */
static void dig2(char *t, int v)
{
    t[0] = (char)('0' + v / 10 % 10);
    t[1] = (char)('0' + v % 10);
}

int ris_date_format(bib_buf *out, const bib_date *d)
{
    if (d->nparts < 1 || !d->parts[0].has_year)
        return BIB_EINVAL;
    const bib_date_part *p = &d->parts[0];
    /* by hand rather than printf, in one append: this runs for every
     * record written */
    char t[16];
    size_t n = 0;
    if (p->year >= 0 && p->year <= 9999) {
        dig2(t, p->year / 100);
        dig2(t + 2, p->year % 100);
        n = 4;
    } else {
        bib_buf_printf(out, "%04d", p->year);
    }
    t[n++] = '/';
    if (p->month >= 1 && p->month <= 12 && !p->season) {
        dig2(t + n, p->month);
        n += 2;
    }
    t[n++] = '/';
    if (p->month >= 1 && p->month <= 12 && p->day >= 1 && p->day <= 31 && !p->season) {
        dig2(t + n, p->day);
        n += 2;
    }
    t[n++] = '/';
    bib_buf_append_fast(out, t, n);
    static const char *const seasons[] = {"", "Spring", "Summer", "Autumn", "Winter"};
    if (p->season >= 1 && p->season <= 4)
        bib_buf_puts(out, seasons[p->season]);
    return bib_buf_failed(out) ? BIB_ENOMEM : 0;
}

/* ---- identifiers ------------------------------------------------------- */

int ris_sn_kind(const char *s, size_t len)
{
    /* look at the first identifier-like run only: "0028-0836 (Print)" */
    char d[16];
    size_t n = 0, i = 0;
    while (i < len && is_blank(s[i]))
        i++;
    if (len - i >= 5 && strncmp(s + i, "ISBN", 4) == 0)
        return 1;
    if (len - i >= 5 && strncmp(s + i, "ISSN", 4) == 0)
        return 2;
    for (; i < len && n < sizeof d; i++) {
        char c = s[i];
        if (isdigit((unsigned char)c) || c == 'X' || c == 'x')
            d[n++] = c;
        else if (c == '-' || (c == ' ' && n != 8 && n != 10 && n != 13))
            continue; /* "978 0 ..." groups; a blank after a whole id ends it */
        else
            break;
    }
    bool digits_ok = n > 0;
    for (size_t k = 0; k + 1 < n; k++)
        digits_ok = digits_ok && isdigit((unsigned char)d[k]);
    if (!digits_ok)
        return 0;
    if (n == 13 || n == 10)
        return 1;
    if (n == 8)
        return 2;
    return 0;
}

size_t ris_doi_start(const char *s, size_t len)
{
    static const char *const prefixes[] = {"https://doi.org/", "http://doi.org/",
                                           "https://dx.doi.org/", "http://dx.doi.org/",
                                           "doi.org/", "doi:", "DOI:", "doi: ", "DOI: ", NULL};
    size_t best = 0;
    /* every prefix starts with h, d or D: most DOIs ("10.") need no compare */
    bool maybe = len && (s[0] == 'h' || s[0] == 'd' || s[0] == 'D');
    for (size_t i = 0; maybe && prefixes[i]; i++) {
        size_t pl = strlen(prefixes[i]);
        if (pl <= len && strncmp(s, prefixes[i], pl) == 0 && pl > best)
            best = pl;
    }
    while (best < len && s[best] == ' ')
        best++;
    return best;
}

bool ris_is_doi(const char *s, size_t len)
{
    if (len < 7 || s[0] != '1' || s[1] != '0' || s[2] != '.')
        return false;
    const char *slash = memchr(s, '/', len);
    if (!slash || slash == s + 3)
        return false;
    for (const char *p = s + 3; p < slash; p++)
        if (!isdigit((unsigned char)*p) && *p != '.')
            return false;
    for (size_t i = 0; i < len; i++)
        if (s[i] == ' ')
            return false;
    return true;
}
