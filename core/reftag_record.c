/* SPDX-License-Identifier: MIT */
/*
 * reftag_record.c - a record from the labelled tokens of one reference
 * (bib_reftag_record, reftag.h; docs/refs.md "Records"). Name lists are
 * read in reftag_names.c, dates through dates.h, page ranges through
 * bib_pages_normalize. Only text the tokens hold is used: a field the
 * reference does not show is never filled in.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bibconv/names.h"
#include "bibconv/dates.h"
#include "bibconv/utf8.h"
#include "bibconv/script.h"
#include "names_internal.h"
#include "fold_table.h"
#include "reftag_model.h"
#include "reftag_int.h"

#define L BIB_REF_LABEL_COUNT

typedef reftag_span span;

/* Where a citation label's reference starts (`Brandt et al. 2016: A.
 * Brandt/…`): the first token after the first author run au and the
 * punctuation and date after it, when a date is among them and a token
 * follows; SIZE_MAX when not (no authors, no date, nothing after). */
static size_t after_label(const bib_reftag *t, const span *au)
{
    if (!au->found)
        return SIZE_MAX;
    size_t k = au->b;
    bool date = false;
    while (k < t->n && (t->tok[k].label == BIB_REF_PUNCT || t->tok[k].label == BIB_REF_DATE))
        date |= t->tok[k++].label == BIB_REF_DATE;
    return date && k < t->n ? k : SIZE_MAX;
}

/* The first run of each label (the authors: see the citation label below). */
void bib__reftag_find_spans(const bib_reftag *t, span sp[L])
{
    memset(sp, 0, sizeof(span) * L);
    for (size_t i = 0; i < t->n;) {
        size_t j = i;
        int l = t->tok[i].label;
        while (j < t->n && t->tok[j].label == l)
            j++;
        if (!sp[l].found)
            sp[l] = (span){ i, j, true };
        i = j;
    }
    /* a citation label before the reference (`Ang et al. 2022: S. P.
     * Ang/S. L. Phung/...`): names, a date, then the whole name list;
     * the longer list after the date is the authors */
    span *au = &sp[BIB_REF_AUTHOR];
    size_t k = after_label(t, au);
    if (k == SIZE_MAX)
        return;
    /* the list's first initial taken for a title (`Brandt et al. 2016:
     * A. Brandt/K. Osei, Salt wedges …` as title `A`) */
    bool ini = k + 1 < t->n && t->tok[k].label == BIB_REF_TITLE && lone_initial(t, k) &&
               t->tok[k + 1].label == BIB_REF_AUTHOR;
    if (t->tok[k].label != BIB_REF_AUTHOR && !ini)
        return;
    size_t e = k + ini;
    while (e < t->n && t->tok[e].label == BIB_REF_AUTHOR)
        e++;
    if (e - k > au->b - au->a) {
        *au = (span){ k, e, true };
        if (ini) {  /* the title is the next title run */
            span *ti = &sp[BIB_REF_TITLE];
            ti->found = false;
            for (size_t i = e; i < t->n && !ti->found; i++)
                if (t->tok[i].label == BIB_REF_TITLE) {
                    size_t j = i;
                    while (j < t->n && t->tok[j].label == BIB_REF_TITLE)
                        j++;
                    *ti = (span){ i, j, true };
                }
        }
    }
}

/* Skips the label words a value starts with ("pp.", "Vol.", "Bd.", "no.",
 * "S.", "ISBN", "doi:"): words followed by '.' or ':' or directly by a
 * number. */
static size_t skip_prefix(const bib_reftag *t, size_t a, size_t b)
{
    static const char *const words[] = {
        "pp", "p", "s", "ss", "vol", "vols", "volume", "bd", "band", "jg", "t", "tome",
        "no", "nr", "n", "num", "issue", "heft", "h", "isbn", "doi", "ed", "edn",
        "pages", "page", "seiten", "issn", "available", "at", "from", "url", "in",
        "retrieved", "nos", "fasc", "v", "n\xe1\xb5\x92" /* nᵒ */, "n\xc2\xba" /* nº */,
        "\xc4\x8d" /* č */, "ro\xc4\x8d" /* roč */,
        /* GOST: С. (pages), Т. (volume), Вып. (issue), № */
        "\xd0\xa1", "\xd1\x81", "\xd0\xa2", "\xd1\x82", "\xd0\x92\xd1\x8b\xd0\xbf",
        "\xd0\xb2\xd1\x8b\xd0\xbf", "\xe2\x84\x96", NULL
    };
    size_t i = a;
    while (i + 1 < b && (t->tok[i].kind == BIB_REFTOK_WORD && tok_in(t, i, words))) {
        i++;
        while (i + 1 < b && t->tok[i].kind == BIB_REFTOK_PUNCT && (tx(t, i)[0] == '.' || tx(t, i)[0] == ':'))
            i++;
    }
    return i;
}

/* CJK and full-width punctuation (U+3000-U+303F, U+FF01-U+FF5E) that
 * stands for an ASCII mark stripped at a field's ends (、。，．：；（）「」『』
 * 《》〈〉【】...), read from core's fold table as the tagger reads it. */
static bool cjk_mark(const char *p, size_t n)
{
    uint32_t c;
    if (n != 3 || bib_utf8_decode(p, 3, &c) != 3 ||
        !((c >= 0x3000 && c <= 0x303F) || (c >= 0xFF01 && c <= 0xFF5E)))
        return false;
    const char *a = bib__fold_cp(c);
    return a && a[0] && !a[1] && strchr(".,;:\"'()[]{}<>*/\\|", a[0]);
}

static bool strip_char(const char *p, size_t n)
{
    if (n == 1)
        return strchr(".,;:\"'()[]{}<>*/\\|", p[0]) != NULL;
    /* curly quotes, guillemets, dashes */
    return (n == 3 && (memcmp(p, "\xe2\x80\x9c", 3) == 0 || memcmp(p, "\xe2\x80\x9d", 3) == 0 ||
                       memcmp(p, "\xe2\x80\x98", 3) == 0 || memcmp(p, "\xe2\x80\x99", 3) == 0 ||
                       memcmp(p, "\xe2\x80\x94", 3) == 0 || memcmp(p, "\xe2\x80\x93", 3) == 0)) ||
           (n == 2 && (memcmp(p, "\xc2\xab", 2) == 0 || memcmp(p, "\xc2\xbb", 2) == 0)) ||
           cjk_mark(p, n);
}

/* Whether tokens i and i + 1 touch (no space between). */
static bool glued(const bib_reftag *t, size_t i)
{
    return i + 1 < t->n && t->tok[i + 1].off == t->tok[i].off + t->tok[i].len;
}

/* Whether the period that ends tokens [a, b) closes an abbreviated word
 * of a journal's or series' title ("Concurr. Comput. Pract. Exp."): the
 * word before it is a capital and one to five more letters, not an
 * acronym ("IEEE.") nor a section letter ("Phys. Rev. B"), and an earlier
 * word of the span is abbreviated the same way (a period glued to it, a
 * word after). Without that, a final period ends the reference's sentence
 * ("Nature.", "Proc. of the IEEE."). */
static bool abbrev_period(const bib_reftag *t, size_t a, size_t b)
{
    if (b < a + 4 || !tok_eq(t, b - 1, ".") || t->tok[b - 2].kind != BIB_REFTOK_WORD ||
        !glued(t, b - 2))
        return false;
    const char *w = tx(t, b - 2);
    size_t n = t->tok[b - 2].len;
    bool lower = false;
    if (n < 2 || n > 6 || w[0] < 'A' || w[0] > 'Z')
        return false;
    for (size_t i = 1; i < n; i++)
        lower = lower || (w[i] >= 'a' && w[i] <= 'z');
    if (!lower)
        return false;
    for (size_t k = a; k + 3 < b; k++)
        if (t->tok[k].kind == BIB_REFTOK_WORD && glued(t, k) && tok_eq(t, k + 1, ".") &&
            t->tok[k + 2].kind == BIB_REFTOK_WORD)
            return true;
    return false;
}

/* The text of tokens [a, b) with the punctuation at both ends removed (a
 * closing bracket is kept when its opening one is inside; with abbrev, the
 * final period of an abbreviated title: abbrev_period). */
static void span_text_x(const bib_reftag *t, size_t a, size_t b, bool abbrev, const char **s,
                        size_t *n)
{
    while (a < b && t->tok[a].kind == BIB_REFTOK_PUNCT && strip_char(tx(t, a), t->tok[a].len)) {
        char c = tx(t, a)[0];
        if (c == '(' || c == '[') {
            /* "(Liquid+liquid) equilibrium": the bracket closes inside */
            bool closes = false;
            for (size_t k = a + 1; k < b && !closes; k++)
                closes = t->tok[k].len == 1 && tx(t, k)[0] == (c == '(' ? ')' : ']');
            if (closes)
                break;
        }
        a++;
    }
    while (b > a && t->tok[b - 1].kind == BIB_REFTOK_PUNCT && strip_char(tx(t, b - 1), t->tok[b - 1].len)) {
        char c = tx(t, b - 1)[0];
        if (c == ')' || c == ']') {
            int depth = 0;
            for (size_t k = a; k + 1 < b; k++)
                depth += tx(t, k)[0] == (c == ')' ? '(' : '[') && t->tok[k].len == 1;
            if (depth)
                break;
        }
        if (c == '?' || c == '!' || (abbrev && c == '.' && abbrev_period(t, a, b)))
            break;
        b--;
    }
    /* an abbreviated title's final period, labelled as the punctuation
     * after the field, is the title's */
    if (abbrev && b > a && b < t->n && abbrev_period(t, a, b + 1))
        b++;
    /* a bracket opened inside and closed right after the span is the
     * span's: "Journal of Stuff (JOS)", whose ")" the tagger labels as
     * the punctuation between fields */
    for (int depth = 0, pass = 0; pass < 2; pass++) {
        char open = pass ? '[' : '(', close = pass ? ']' : ')';
        depth = 0;
        for (size_t k = a; k < b; k++)
            if (t->tok[k].len == 1)
                depth += (tx(t, k)[0] == open) - (tx(t, k)[0] == close);
        while (depth > 0 && b < t->n && t->tok[b].len == 1 && tx(t, b)[0] == close) {
            b++;
            depth--;
        }
    }
    if (a >= b) {
        *s = NULL;
        *n = 0;
        return;
    }
    *s = tx(t, a);
    *n = t->tok[b - 1].off + t->tok[b - 1].len - t->tok[a].off;
}

static void span_text(const bib_reftag *t, size_t a, size_t b, const char **s, size_t *n)
{
    span_text_x(t, a, b, false, s, n);
}

static int set_span(bib_record *rec, bib_var var, const bib_reftag *t, size_t a, size_t b)
{
    const char *s;
    size_t n;
    span_text_x(t, a, b, var == BIB_VAR_CONTAINER_TITLE || var == BIB_VAR_COLLECTION_TITLE, &s, &n);
    return s && n ? bib_record_set_text(rec, var, s, n) : 0;
}

/* "---", "———", "___": the authors of the previous reference. */
static bool is_ditto(const bib_reftag *t, size_t a, size_t b)
{
    size_t dashes = 0;
    for (size_t i = a; i < b; i++) {
        const char *p = tx(t, i);
        if (t->tok[i].kind != BIB_REFTOK_PUNCT)
            return false;
        if (*p == '-' || *p == '_' || (t->tok[i].len == 3 && memcmp(p, "\xe2\x80", 2) == 0))
            dashes++;
    }
    return dashes >= 2;
}

static int copy_names(bib_record *rec, bib_var var, const bib_record *prev)
{
    const bib_field *f = prev ? bib_record_get(prev, var) : NULL;
    if (!f)
        return 0;
    for (size_t i = 0; i < bib_field_name_count(f); i++) {
        int rc = bib_record_add_name(rec, var, bib_field_name_at(f, i));
        if (rc)
            return rc;
    }
    return bib_field_names_truncated(f) ? bib_record_set_names_truncated(rec, var, true) : 0;
}

/* ---- fields ------------------------------------------------------------- */

/* s[0..n) with full-width forms (U+FF01-U+FF5E: `２０１９`, `１２３－１３０`)
 * as the ASCII characters they stand for into b (emptied first); false,
 * b untouched, when s holds none. Numbers, pages and dates only: a
 * Chinese or Japanese reference writes them so, and the parsers read
 * ASCII digits. */
static bool fold_wide(const char *s, size_t n, bib_buf *b, int *rc)
{
    bool any = false;
    for (size_t i = 0; i + 2 < n && !any; i++)
        any = (unsigned char)s[i] == 0xEF && ((unsigned char)s[i + 1] | 1) == 0xBD;
    if (!any)
        return false;
    bib_buf_reset(b);
    for (size_t i = 0; i < n && !*rc;) {
        unsigned char c0 = (unsigned char)s[i];
        uint32_t c = 0;
        int w = c0 == 0xEF && i + 2 < n ? bib_utf8_decode(s + i, n - i, &c) : 1;
        if (w == 3 && c >= 0xFF01 && c <= 0xFF5E) {
            char a = (char)(c - 0xFEE0);
            *rc = bib_buf_append(b, &a, 1);
            i += 3;
        } else {
            w = w > 0 ? w : 1;
            *rc = bib_buf_append(b, s + i, (size_t)w);
            i += (size_t)w;
        }
    }
    return true;
}

static int set_number(bib_record *rec, bib_var var, const bib_reftag *t, span sp)
{
    if (!sp.found)
        return 0;
    const char *s;
    size_t n;
    span_text(t, skip_prefix(t, sp.a, sp.b), sp.b, &s, &n);
    if (!s || !n)
        return 0;
    bib_buf b;
    bib_buf_init(&b);
    int rc = 0;
    if (fold_wide(s, n, &b, &rc))
        s = b.data ? b.data : "", n = b.len;
    if (!rc)
        rc = bib_record_set_text(rec, var, s, n);
    bib_buf_clear(&b);
    return rc;
}

/* "11953-62" (a range written short, CSL page-range-format) becomes
 * "11953-11962"; other text is kept. */
static int expand_range(bib_buf *b)
{
    if (!b->data)
        return 0;
    const char *d = memchr(b->data, '-', b->len);
    if (!d)
        return 0;
    size_t fl = (size_t)(d - b->data), ll = b->len - fl - 1;
    for (size_t i = 0; i < b->len; i++)
        if (i != fl && !(b->data[i] >= '0' && b->data[i] <= '9'))
            return 0;
    if (!fl || !ll || ll >= fl || memcmp(b->data + fl - ll, d + 1, ll) >= 0)
        return 0;
    char out[64];
    if (fl * 2 + 2 > sizeof out)
        return 0;
    memcpy(out, b->data, fl);
    out[fl] = '-';
    memcpy(out + fl + 1, b->data, fl - ll);
    memcpy(out + fl + 1 + fl - ll, d + 1, ll);
    bib_buf_reset(b);
    return bib_buf_append(b, out, fl * 2 + 1);
}

/* A book's length, `137 S.`, `269 ss.`, `230 pp.` (a number, then a
 * page word and its period, nothing else), with no container: the
 * number of pages, not a range in something. */
static bool book_length(const bib_reftag *t, span sp, bool container)
{
    static const char *const words[] = { "s", "ss", "pp", "p", "pages", "seiten", "str",
                                         "stron", "pgs", NULL };
    size_t e = sp.b;
    while (e > sp.a && tok_eq(t, e - 1, "."))
        e--;
    return !container && e == sp.a + 2 && t->tok[sp.a].kind == BIB_REFTOK_NUMBER &&
           t->tok[sp.a + 1].kind == BIB_REFTOK_WORD && tok_in(t, sp.a + 1, words);
}

static int set_pages(bib_record *rec, const bib_reftag *t, span sp, bool container)
{
    if (!sp.found)
        return 0;
    if (book_length(t, sp, container))
        return bib_record_set_text(rec, BIB_VAR_NUMBER_OF_PAGES, tx(t, sp.a), t->tok[sp.a].len);
    const char *s;
    size_t n;
    span_text(t, skip_prefix(t, sp.a, sp.b), sp.b, &s, &n);
    if (!s)
        return 0;
    bib_buf b, wide;
    bib_buf_init(&b);
    bib_buf_init(&wide);
    int rc = 0;
    if (fold_wide(s, n, &wide, &rc))
        s = wide.data ? wide.data : "", n = wide.len;
    if (!rc)
        rc = bib_pages_normalize(&b, s, n, "-");
    if (!rc)
        rc = expand_range(&b);
    if (!rc)
        rc = bib_record_set_text(rec, BIB_VAR_PAGE, b.data ? b.data : "", b.len);
    bib_buf_clear(&b);
    bib_buf_clear(&wide);
    return rc;
}

static int set_date(bib_record *rec, const bib_reftag *t, span sp)
{
    if (!sp.found)
        return 0;
    const char *s;
    size_t n;
    span_text(t, sp.a, sp.b, &s, &n);
    bib_buf wide;
    bib_buf_init(&wide);
    int rc = 0;
    if (s && fold_wide(s, n, &wide, &rc))
        s = wide.data ? wide.data : "", n = wide.len;
    bib_date d = { 0 };
    if (!rc)
        rc = s ? bib_date_parse(&d, s, n, BIB_DATE_ANY) : BIB_EPARSE;
    bib_buf_clear(&wide);
    if (rc == BIB_ENOMEM)
        return rc;
    if (rc == 0) {
        rc = bib_record_set_date(rec, BIB_VAR_ISSUED, &d);
        bib_date_clear(&d);
        return rc;
    }
    bib_date_clear(&d);
    /* "2014b", "(1998, March)", "1999/2000": the first plausible year */
    for (size_t i = sp.a; i < sp.b; i++) {
        const char *p = tx(t, i);
        if (t->tok[i].kind != BIB_REFTOK_NUMBER || t->tok[i].len < 4)
            continue;
        int y = 0;
        size_t k = 0;
        for (; k < 4 && p[k] >= '0' && p[k] <= '9'; k++)
            y = y * 10 + (p[k] - '0');
        if (k == 4 && (t->tok[i].len == 4 || (p[4] >= 'a' && p[4] <= 'z')) && y >= 1000 && y <= 2100) {
            bib_date yd = { .nparts = 1 };
            yd.parts[0].has_year = true;
            yd.parts[0].year = y;
            return bib_record_set_date(rec, BIB_VAR_ISSUED, &yd);
        }
    }
    return 0;
}


/* A publication's status written where its date or a note goes (`(in
 * press)`, `(forthcoming)`, `im Druck`): CSL's `status`, the words as
 * printed. The phrases in lower case, one space between words. */
static const char *const status_phrases[] = {
    "in press", "forthcoming", "forthc", "to appear", "to be published", "accepted",
    "submitted", "in preparation", "online first", "early view", "ahead of print",
    "under review", "im druck", "sous presse", "\xc3\xa0 para\xc3\xaetre", "a paraitre",
    "en prensa", "no prelo", "in stampa", "in corso di stampa", "w druku", "v tisku",
    "ter perse",
};

size_t bib_reftag_status_phrase(const char *s, size_t n)
{
    if (!s || !n)
        return 0;
    for (size_t p = 0; p < sizeof status_phrases / sizeof *status_phrases; p++) {
        const char *w = status_phrases[p];
        size_t k = 0;
        while (w[k] && k < n) {
            char c = s[k];
            if (c >= 'A' && c <= 'Z')
                c = (char)(c + 32);
            if (c != w[k])
                break;
            k++;
        }
        /* the whole phrase, no letter glued to its end */
        if (!w[k] && !(k < n && (((s[k] | 32) >= 'a' && (s[k] | 32) <= 'z') ||
                                 (unsigned char)s[k] >= 0x80)))
            return k;
    }
    return 0;
}

size_t bib__reftag_status_at(const bib_reftag *t, size_t i)
{
    if (i >= t->n || t->tok[i].kind != BIB_REFTOK_WORD)
        return 0;
    size_t off = t->tok[i].off, l = bib_reftag_status_phrase(t->s + off, t->len - off);
    if (!l)
        return 0;
    size_t k = i;
    while (k < t->n && t->tok[k].off + t->tok[k].len <= off + l)
        k++;
    return k - i;
}

static int set_status(bib_record *rec, const bib_reftag *t)
{
    for (size_t i = 0; i < t->n; i++) {
        int l = t->tok[i].label;
        if ((l != BIB_REF_NOTE && l != BIB_REF_DATE) ||
            (i > 0 && t->tok[i - 1].kind == BIB_REFTOK_WORD && t->tok[i - 1].label == l))
            continue;
        size_t k = bib__reftag_status_at(t, i);
        if (!k || t->tok[i + k - 1].label != l)
            continue;
        size_t a = t->tok[i].off, b = t->tok[i + k - 1].off + t->tok[i + k - 1].len;
        return bib_record_set_text(rec, BIB_VAR_STATUS, t->s + a, b - a);
    }
    return 0;
}

/* Is token i an arXiv identifier (`arXiv:2005.01234`, one link-like
 * token)? */
static bool is_arxiv(const bib_reftag *t, size_t i)
{
    const char *p = tx(t, i);
    if (t->tok[i].kind != BIB_REFTOK_URL || t->tok[i].len < 7)
        return false;
    for (int k = 0; k < 6; k++)
        if ((p[k] | (k < 5 ? 32 : 0)) != "arxiv:"[k])
            return false;
    return true;
}

static int set_doi(bib_record *rec, const bib_reftag *t, span sp)
{
    if (!sp.found)
        return 0;
    for (size_t i = sp.a; i < sp.b; i++) {
        const char *p = tx(t, i), *q;
        size_t n = t->tok[i].len;
        if (t->tok[i].kind == BIB_REFTOK_DOI)
            return bib_record_set_text(rec, BIB_VAR_DOI, p, n);
        if (t->tok[i].kind == BIB_REFTOK_URL && !is_arxiv(t, i) && (q = strstr(p, "10.")) != NULL &&
            q < p + n)
            return bib_record_set_text(rec, BIB_VAR_DOI, q, n - (size_t)(q - p));
    }
    return 0;
}

static bib_type infer_type(const bib_reftag *t, const span sp[L], bool in_cue)
{
    /* the span tests first: each text_has is a pass over the reference */
    if (!sp[BIB_REF_PUBLISHER].found && bib__reftag_text_has(t->s, t->len, REFTAG_CUE_ARXIV))
        return BIB_TYPE_ARTICLE;
    const char *s;
    size_t n;
    if (sp[BIB_REF_GENRE].found) {
        span_text(t, sp[BIB_REF_GENRE].a, sp[BIB_REF_GENRE].b, &s, &n);
        if (s && bib__reftag_text_has(s, n, REFTAG_CUE_THESIS))
            return BIB_TYPE_THESIS;
        if (s && bib__reftag_text_has(s, n, REFTAG_CUE_REPORT))
            return BIB_TYPE_REPORT;
    }
    if (!sp[BIB_REF_CONTAINER].found && bib__reftag_text_has(t->s, t->len, REFTAG_CUE_THESIS))
        return BIB_TYPE_THESIS;
    if (sp[BIB_REF_CONTAINER].found) {
        span_text(t, sp[BIB_REF_CONTAINER].a, sp[BIB_REF_CONTAINER].b, &s, &n);
        if (s && bib__reftag_text_has(s, n, REFTAG_CUE_CONF))
            return BIB_TYPE_PAPER_CONFERENCE;
        /* "In:" also introduces journals in some styles (DIN 1505-2):
         * a volume or issue without editors or publisher is a journal's */
        if (sp[BIB_REF_EDITOR].found || (in_cue && (sp[BIB_REF_PUBLISHER].found ||
                                                    !(sp[BIB_REF_VOLUME].found || sp[BIB_REF_ISSUE].found))))
            return BIB_TYPE_CHAPTER;
        return BIB_TYPE_ARTICLE_JOURNAL;
    }
    /* no container: a publisher, a place (`Title, Tübingen 2014`) or
     * editors (a volume they edited) make it a book */
    if (sp[BIB_REF_PUBLISHER].found || sp[BIB_REF_ISBN].found || sp[BIB_REF_PLACE].found ||
        sp[BIB_REF_EDITOR].found ||
        (sp[BIB_REF_PAGES].found && book_length(t, sp[BIB_REF_PAGES], false)))
        return BIB_TYPE_BOOK;
    if (sp[BIB_REF_URL].found)
        return BIB_TYPE_WEBPAGE;
    return BIB_TYPE_DOCUMENT;
}

/* "In:", "In", "Dans", "in:", "Em:" directly before the container or the
 * editors. */
const char *const bib__reftag_in_cues[] = { "in", "dans", "em", "en", "w", "v", NULL };

static bool in_cue(const bib_reftag *t, const span sp[L])
{
    const char *const *cues = bib__reftag_in_cues;
    size_t at = sp[BIB_REF_EDITOR].found && sp[BIB_REF_EDITOR].a < sp[BIB_REF_CONTAINER].a
                    ? sp[BIB_REF_EDITOR].a : sp[BIB_REF_CONTAINER].a;
    for (size_t k = 1; k <= 3 && k <= at; k++) {
        size_t i = at - k;
        if (t->tok[i].kind == BIB_REFTOK_WORD)
            return tok_in(t, i, cues);
    }
    return false;
}

static int fill(bib_record *rec, const bib_reftag *t, const span sp[L], const bib_record *prev)
{
    int rc = 0;
    /* the punctuation a reference starts with: a ditto mark when dashes */
    size_t lead = 0;
    while (lead < t->n && t->tok[lead].kind == BIB_REFTOK_PUNCT)
        lead++;
    bool ditto = is_ditto(t, 0, lead) &&
                 (!sp[BIB_REF_AUTHOR].found || sp[BIB_REF_AUTHOR].a >= lead);
    if (ditto && !(sp[BIB_REF_AUTHOR].found && sp[BIB_REF_AUTHOR].a == lead))
        rc = copy_names(rec, BIB_VAR_AUTHOR, prev);
    else if (sp[BIB_REF_AUTHOR].found)
        rc = bib__reftag_add_names(rec, BIB_VAR_AUTHOR, t, sp[BIB_REF_AUTHOR].a, sp[BIB_REF_AUTHOR].b);
    if (!rc && sp[BIB_REF_EDITOR].found)
        rc = bib__reftag_add_names(rec, BIB_VAR_EDITOR, t, sp[BIB_REF_EDITOR].a, sp[BIB_REF_EDITOR].b);
    static const struct { int label; bib_var var; } plain[] = {
        { BIB_REF_TITLE, BIB_VAR_TITLE }, { BIB_REF_CONTAINER, BIB_VAR_CONTAINER_TITLE },
        { BIB_REF_COLLECTION, BIB_VAR_COLLECTION_TITLE }, { BIB_REF_PUBLISHER, BIB_VAR_PUBLISHER },
        { BIB_REF_PLACE, BIB_VAR_PUBLISHER_PLACE }, { BIB_REF_GENRE, BIB_VAR_GENRE },
    };
    for (size_t k = 0; !rc && k < sizeof plain / sizeof *plain; k++)
        if (sp[plain[k].label].found) {
            size_t a = sp[plain[k].label].a, b = sp[plain[k].label].b;
            if (plain[k].label == BIB_REF_CONTAINER) {
                a = skip_prefix(t, a, b);
                /* "In arXiv arXiv:2101.00001": the identifier is the
                 * preprint's number (as below), not the container's */
                for (size_t i = a; i < b; i++)
                    if (is_arxiv(t, i)) {
                        if (!bib_record_text(rec, BIB_VAR_NUMBER))
                            rc = bib_record_set_text(rec, BIB_VAR_NUMBER, tx(t, i), t->tok[i].len);
                        b = i;
                    }
            }
            /* a title's own `?` or `!`, glued to it, which the tagger
             * labels as the mark closing the field */
            if (plain[k].label == BIB_REF_TITLE && b < t->n && t->tok[b].len == 1 &&
                !t->tok[b].space_before && (tx(t, b)[0] == '?' || tx(t, b)[0] == '!'))
                b++;
            if (!rc)
                rc = set_span(rec, plain[k].var, t, a, b);
        }
    /* a volume run of two numbers with only a space between (`20 1:
     * 29-47`, a repository's style) and no issue of its own: the volume
     * and the issue */
    span vol = sp[BIB_REF_VOLUME], iss = sp[BIB_REF_ISSUE];
    if (vol.found && !iss.found && vol.b == vol.a + 2 &&
        t->tok[vol.a].kind == BIB_REFTOK_NUMBER && t->tok[vol.a + 1].kind == BIB_REFTOK_NUMBER &&
        t->tok[vol.a + 1].space_before) {
        iss = (span){vol.a + 1, vol.b, true};
        vol.b = vol.a + 1;
    }
    /* a series' number in its bracket right after the series' name
     * (`(Abhandlungen zum Seerecht Bd. 7)`): the collection's number,
     * not the book's volume */
    span co = sp[BIB_REF_COLLECTION];
    bool series_no = vol.found && co.found && vol.a == co.b && !sp[BIB_REF_CONTAINER].found;
    if (!rc)
        rc = set_number(rec, series_no ? BIB_VAR_COLLECTION_NUMBER : BIB_VAR_VOLUME, t, vol);
    if (!rc)
        rc = set_number(rec, BIB_VAR_ISSUE, t, iss);
    if (!rc)
        rc = set_number(rec, BIB_VAR_EDITION, t, sp[BIB_REF_EDITION]);
    if (!rc)
        rc = set_number(rec, BIB_VAR_ISBN, t, sp[BIB_REF_ISBN]);
    if (!rc)
        rc = set_pages(rec, t, sp[BIB_REF_PAGES], sp[BIB_REF_CONTAINER].found);
    if (!rc)
        rc = set_date(rec, t, sp[BIB_REF_DATE]);
    if (!rc)
        rc = set_status(rec, t);
    size_t lang = bib__reftag_language_at_end(t);
    if (!rc && lang != SIZE_MAX && t->tok[lang].label == BIB_REF_NOTE) {
        /* `(EN)`: CSL's language as the code's lower case */
        char code[3] = { (char)(tx(t, lang)[0] + 32), (char)(tx(t, lang)[1] + 32), 0 };
        rc = bib_record_set_text(rec, BIB_VAR_LANGUAGE, code, 2);
    }
    if (!rc)
        rc = set_doi(rec, t, sp[BIB_REF_DOI]);
    if (!rc && sp[BIB_REF_URL].found)
        for (size_t i = sp[BIB_REF_URL].a; i < sp[BIB_REF_URL].b && !rc; i++)
            if (t->tok[i].kind == BIB_REFTOK_URL && !is_arxiv(t, i))
                rc = bib_record_set_text(rec, BIB_VAR_URL, tx(t, i), t->tok[i].len);
    /* an arXiv identifier is no link: the preprint's number, as CSL
     * (and Zotero's archive ID) keep it */
    for (int l = BIB_REF_URL; !rc && l; l = l == BIB_REF_URL ? BIB_REF_DOI : 0)
        for (size_t i = sp[l].a; sp[l].found && i < sp[l].b && !rc; i++)
            if (is_arxiv(t, i) && !bib_record_text(rec, BIB_VAR_NUMBER))
                rc = bib_record_set_text(rec, BIB_VAR_NUMBER, tx(t, i), t->tok[i].len);
    return rc;
}

/* A citation label's whole name list taken into the title (`Brandt et
 * al. 2016: A. Brandt/K. Osei, Salt wedges …` with `A. Brandt/K. Osei,
 * Salt wedges …` one title run): after the label's names and date, the
 * title's words up to its first comma are the list when each piece
 * between `/`, `;` and `&` reads as a name of two words or more (the
 * name model's score above 0, its own boundary; a title's words score
 * far below). find_spans then takes the longer list after the date as
 * the authors, as when the tagger labels it. Returns 1 when labels changed, 0 when not, BIB_ENOMEM when the name
 * model ran out of memory. */
static int label_list_in_title(bib_reftag *t, const span sp[L])
{
    size_t k = after_label(t, &sp[BIB_REF_AUTHOR]);
    if (k == SIZE_MAX || t->tok[k].label != BIB_REF_TITLE)
        return 0;
    size_t c = k;
    while (c < t->n && t->tok[c].label == BIB_REF_TITLE && !tok_eq(t, c, ","))
        c++;
    if (c == k || c >= t->n || !tok_eq(t, c, ",") || t->tok[c].label != BIB_REF_TITLE)
        return 0;
    for (size_t a = k; a < c;) {
        size_t b = a;
        while (b < c && !tok_eq(t, b, "/") && !tok_eq(t, b, ";") && !tok_eq(t, b, "&"))
            b++;
        /* a given name and a family name at least: a family name alone
         * before the first comma is as likely the list's `Family, G.` */
        size_t words = 0;
        for (size_t i = a; i < b; i++)
            words += t->tok[i].kind == BIB_REFTOK_WORD;
        if (words < 2)
            return 0;
        size_t from = t->tok[a].off, to = t->tok[b - 1].off + t->tok[b - 1].len;
        double sc;
        if (bib__name_score_of(t->s + from, to - from, &sc))
            return BIB_ENOMEM;
        if (sc <= 0)    /* the name model's own boundary, as add_names */
            return 0;
        a = b + (b < c);
    }
    for (size_t i = k; i < c; i++)
        t->tok[i].label = BIB_REF_AUTHOR;
    t->tok[c].label = BIB_REF_PUNCT;
    return 1;
}

/* The words before an arXiv identifier in a link's run (`In arXiv
 * arXiv:2101.00001` with both tokens a link) name the repository: the
 * container, when the reference has none. The identifier goes with them,
 * as when the tagger labels both the container: fill() makes it the
 * number and ends the container before it. Returns whether labels
 * changed. */
static bool arxiv_words_as_container(bib_reftag *t, const span sp[L])
{
    if (sp[BIB_REF_CONTAINER].found)
        return false;
    for (size_t i = 1; i < t->n; i++) {
        int l = t->tok[i].label;
        if ((l != BIB_REF_URL && l != BIB_REF_DOI) || !is_arxiv(t, i))
            continue;
        size_t j = i;
        while (j > 0 && t->tok[j - 1].label == l && t->tok[j - 1].kind == BIB_REFTOK_WORD)
            j--;
        if (j == i)
            continue;
        for (size_t k = j; k <= i; k++)
            t->tok[k].label = BIB_REF_CONTAINER;
        return true;
    }
    return false;
}

/* Fixes the tagger's labels where the reference's own structure says
 * otherwise; only labels change, never text. Returns 0 or BIB_ENOMEM (the
 * name model out of memory). */
/* No pages, but a range "N–M" of numbers outside the volume, issue and
 * date (the tagger gave it a second issue or a note): the last such
 * range is the pages. */
static bool pages_from_free_range(bib_reftag *t, const span sp[L])
{
    size_t at = SIZE_MAX;
    for (size_t i = 0; i + 2 < t->n; i++) {
        if (t->tok[i].kind != BIB_REFTOK_NUMBER || !is_dash(t, i + 1) ||
            t->tok[i + 2].kind != BIB_REFTOK_NUMBER)
            continue;
        bool free_run = true;
        for (size_t k = i; k < i + 3; k++) {
            int l = t->tok[k].label;
            free_run &= l == BIB_REF_PUNCT || l == BIB_REF_NOTE || l == BIB_REF_ISSUE ||
                        l == BIB_REF_VOLUME;
            for (int r = BIB_REF_VOLUME; r <= BIB_REF_DATE; r++)
                free_run &= !(sp[r].found && k >= sp[r].a && k < sp[r].b);
        }
        if (free_run)
            at = i;
    }
    if (at == SIZE_MAX)
        return false;
    for (size_t k = at; k < at + 3; k++)
        t->tok[k].label = BIB_REF_PAGES;
    return true;
}

static int repair_labels(bib_reftag *t, span sp[L])
{
    /* the readings of one person's own list and of title-first entries
     * first (reftag_repair.c) */
    bool changed = bib__reftag_repair_lists(t, sp);
    int listed = label_list_in_title(t, sp);
    if (listed < 0)
        return listed;
    changed |= listed > 0;
    changed |= arxiv_words_as_container(t, sp);
    /* a page range cut after its first number ("1" pages, "–" "18" other) */
    span pg = sp[BIB_REF_PAGES];
    if (pg.found && t->tok[pg.b - 1].kind == BIB_REFTOK_NUMBER && is_dash(t, pg.b) &&
        pg.b + 1 < t->n && t->tok[pg.b + 1].kind == BIB_REFTOK_NUMBER &&
        t->tok[pg.b + 1].label != BIB_REF_PAGES) {
        t->tok[pg.b].label = t->tok[pg.b + 1].label = BIB_REF_PAGES;
        changed = true;
    }
    if (!pg.found)
        changed |= pages_from_free_range(t, sp);
    /* a page span that opens with a number and its period before a page
     * word (GOST's `№ 10. С. 831–834`, the issue's number taken into the
     * pages): with no issue, the number is the issue */
    static const char *const page_words[] = {
        "p", "pp", "s", "\xd0\xa1" /* С */, "\xd1\x81" /* с */, NULL
    };
    if (pg.found && !sp[BIB_REF_ISSUE].found && pg.a + 3 < pg.b &&
        t->tok[pg.a].kind == BIB_REFTOK_NUMBER && tok_eq(t, pg.a + 1, ".") &&
        t->tok[pg.a + 2].kind == BIB_REFTOK_WORD && tok_in(t, pg.a + 2, page_words)) {
        t->tok[pg.a].label = BIB_REF_ISSUE;
        t->tok[pg.a + 1].label = BIB_REF_PUNCT;
        changed = true;
    }
    /* an issue's label word at the end of the volume ("vol. 33, no. 4":
     * volume "33, no", issue "4"; some training references are labelled
     * so) joins the issue it names */
    static const char *const issue_words[] = {
        "no", "nr", "n", "num", "nos", "issue", "iss", "heft", "h", "n\xe1\xb5\x92" /* nᵒ */,
        "n\xc2\xba" /* nº */, "\xc4\x8d" /* č */, NULL
    };
    span vo = sp[BIB_REF_VOLUME], is = sp[BIB_REF_ISSUE];
    bool joined = false;
    if (vo.found && is.found && is.a >= vo.b) {
        size_t w = vo.b, j;
        while (w > vo.a && t->tok[w - 1].kind == BIB_REFTOK_PUNCT)
            w--;
        bool ok = w > vo.a + 1 && t->tok[w - 1].kind == BIB_REFTOK_WORD && tok_in(t, w - 1, issue_words);
        for (j = vo.b; ok && j < is.a; j++)
            ok = t->tok[j].kind == BIB_REFTOK_PUNCT;
        for (j = w - 1; ok && j > vo.a && t->tok[j - 1].kind == BIB_REFTOK_PUNCT;)
            j--;
        if (ok && j > vo.a && t->tok[j - 1].kind == BIB_REFTOK_NUMBER) {
            for (size_t k = j; k < w - 1; k++)
                t->tok[k].label = BIB_REF_PUNCT;
            for (size_t k = w - 1; k < is.a; k++)
                t->tok[k].label = BIB_REF_ISSUE;
            changed = joined = true;
        }
    }
    /* "Vol. 73 No. 24" read whole as the volume, or whole as the issue
     * with no volume: the issue word cuts it, the volume before it and
     * the issue from it (the word is stripped as the issue's prefix) */
    if (!joined) {
        /* a volume span of its word alone ("Vol" "87 No. 11") counts as
         * none, and takes the number */
        bool vo_num = false;
        for (size_t k = vo.a; vo.found && k < vo.b; k++)
            vo_num |= t->tok[k].kind == BIB_REFTOK_NUMBER;
        bool into_issue = vo_num && !is.found;
        span in = into_issue ? vo : is;
        if (into_issue || (is.found && !vo_num && (!vo.found || vo.b <= is.a))) {
            size_t w = in.a + 1;
            while (w + 1 < in.b && !(t->tok[w].kind == BIB_REFTOK_WORD && tok_in(t, w, issue_words)))
                w++;
            if (w + 1 < in.b && t->tok[w - 1].kind == BIB_REFTOK_NUMBER &&
                t->tok[in.b - 1].kind != BIB_REFTOK_PUNCT) {
                for (size_t k = !into_issue && vo.found ? vo.a : in.a; k < w; k++)
                    t->tok[k].label = BIB_REF_VOLUME;
                for (size_t k = w; k < in.b; k++)
                    t->tok[k].label = BIB_REF_ISSUE;
                changed = true;
            }
        }
    }
    /* every work has a title: a container without one, and without an
     * `In:` before it, is a title the tagger took for a journal (a book
     * title after its date) */
    if (!sp[BIB_REF_TITLE].found && sp[BIB_REF_CONTAINER].found && !in_cue(t, sp)) {
        for (size_t i = sp[BIB_REF_CONTAINER].a; i < sp[BIB_REF_CONTAINER].b; i++)
            t->tok[i].label = BIB_REF_TITLE;
        changed = true;
    }
    if (changed)
        bib__reftag_find_spans(t, sp);
    return 0;
}

int bib_reftag_record(bib_reftag *t, const char *s, size_t len,
                      const bib_record *prev_authors, bib_record **out)
{
    *out = NULL;
    if (t->s != s || t->len != len || t->n == 0)
        return 0;
    span sp[L];
    bib__reftag_find_spans(t, sp);
    int rr = repair_labels(t, sp);
    if (rr)
        return rr;
    if (!sp[BIB_REF_TITLE].found && !sp[BIB_REF_AUTHOR].found)
        return 0;
    bool cue = sp[BIB_REF_CONTAINER].found && in_cue(t, sp);
    bib_record *rec = bib_record_new(infer_type(t, sp, cue), NULL);
    if (!rec)
        return BIB_ENOMEM;
    int rc = fill(rec, t, sp, prev_authors);
    if (rc) {
        bib_record_free(rec);
        return rc;
    }
    /* names alone ("&bogus;" read as a name) are no reference either */
    bool other = bib_record_has(rec, BIB_VAR_TITLE) || bib_record_has(rec, BIB_VAR_ISSUED) ||
                 bib_record_has(rec, BIB_VAR_CONTAINER_TITLE) || bib_record_has(rec, BIB_VAR_DOI) ||
                 bib_record_has(rec, BIB_VAR_URL);
    if (!other) {
        bib_record_free(rec);
        return 0;
    }
    *out = rec;
    return 0;
}
