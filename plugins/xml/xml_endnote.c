/* SPDX-License-Identifier: MIT */
/*
 * xml_endnote.c - the endnotexml format: EndNote's XML export
 * (<xml><records><record>...), its crosswalk table, the ref-type table,
 * the record builder and the writer. docs/xml.md describes both tables.
 *
 * A record's elements mean different things by type: <secondary-title> is
 * the journal of a Journal Article and the series of a Book, so rows carry
 * the classes (XC_*) of the types they apply to and the reader reads the
 * ref-type first. EndNote wraps text in <style> runs (face, font, size);
 * the runs are read as plain text and the writer writes plain text.
 *
 * Not for: the shared machinery (xml_read.c, xml_write.c) or MODS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xmlfmt.h"

/* ---- ref-types ------------------------------------------------------------ */

typedef struct en_type {
    int number;
    const char *name;
    bib_type type;
    unsigned cls;
    bool write; /* the ref-type the writer uses for this CSL type */
} en_type;

/* EndNote's reference types by number and name (the numbers EndNote X
 * writes), their CSL type and class. Several EndNote types share a CSL
 * type; the row marked write is the one written. */
static const en_type en_types[] = {
    {17, "Journal Article", BIB_TYPE_ARTICLE_JOURNAL, XC_SERIAL, true},
    {19, "Magazine Article", BIB_TYPE_ARTICLE_MAGAZINE, XC_SERIAL, true},
    {23, "Newspaper Article", BIB_TYPE_ARTICLE_NEWSPAPER, XC_SERIAL, true},
    {43, "Electronic Article", BIB_TYPE_ARTICLE, XC_SERIAL, true},
    {6, "Book", BIB_TYPE_BOOK, XC_WHOLE, true},
    {28, "Edited Book", BIB_TYPE_BOOK, XC_EDITED, false},
    {44, "Electronic Book", BIB_TYPE_BOOK, XC_WHOLE, false},
    {5, "Book Section", BIB_TYPE_CHAPTER, XC_PART, true},
    {60, "Electronic Book Section", BIB_TYPE_CHAPTER, XC_PART, false},
    {10, "Conference Proceedings", BIB_TYPE_PAPER_CONFERENCE, XC_PART, true},
    {47, "Conference Paper", BIB_TYPE_SPEECH, XC_PART, true},
    {52, "Dictionary", BIB_TYPE_ENTRY_DICTIONARY, XC_PART, true},
    {53, "Encyclopedia", BIB_TYPE_ENTRY_ENCYCLOPEDIA, XC_PART, true},
    {12, "Web Page", BIB_TYPE_WEBPAGE, XC_PART, true},
    {48, "Online Multimedia", BIB_TYPE_WEBPAGE, XC_PART, false},
    {56, "Blog", BIB_TYPE_POST_WEBLOG, XC_PART, true},
    {27, "Report", BIB_TYPE_REPORT, XC_WHOLE, true},
    {46, "Government Document", BIB_TYPE_REPORT, XC_WHOLE, false},
    {54, "Grant", BIB_TYPE_REPORT, XC_WHOLE, false},
    {32, "Thesis", BIB_TYPE_THESIS, XC_WHOLE, true},
    {9, "Computer Program", BIB_TYPE_SOFTWARE, XC_WHOLE, true},
    {20, "Map", BIB_TYPE_MAP, XC_WHOLE, true},
    {21, "Film or Broadcast", BIB_TYPE_MOTION_PICTURE, XC_WHOLE, true},
    {3, "Audiovisual Material", BIB_TYPE_MOTION_PICTURE, XC_WHOLE, false},
    {2, "Artwork", BIB_TYPE_GRAPHIC, XC_WHOLE, true},
    {37, "Figure", BIB_TYPE_FIGURE, XC_WHOLE, true},
    {38, "Chart or Table", BIB_TYPE_GRAPHIC, XC_WHOLE, false},
    {39, "Equation", BIB_TYPE_DOCUMENT, XC_WHOLE, false},
    {4, "Bill", BIB_TYPE_BILL, XC_WHOLE, true},
    {31, "Statute", BIB_TYPE_LEGISLATION, XC_WHOLE, true},
    {50, "Legal Rule or Regulation", BIB_TYPE_REGULATION, XC_WHOLE, true},
    {7, "Case", BIB_TYPE_LEGAL_CASE, XC_WHOLE, true},
    {14, "Hearing", BIB_TYPE_HEARING, XC_WHOLE, true},
    {25, "Patent", BIB_TYPE_PATENT, XC_WHOLE, true},
    {26, "Personal Communication", BIB_TYPE_PERSONAL_COMMUNICATION, XC_WHOLE, true},
    {36, "Manuscript", BIB_TYPE_MANUSCRIPT, XC_WHOLE, true},
    {34, "Unpublished Work", BIB_TYPE_MANUSCRIPT, XC_WHOLE, false},
    {24, "Pamphlet", BIB_TYPE_PAMPHLET, XC_WHOLE, true},
    {59, "Dataset", BIB_TYPE_DATASET, XC_WHOLE, true},
    {45, "Online Database", BIB_TYPE_DATASET, XC_WHOLE, false},
    {55, "Aggregated Database", BIB_TYPE_DATASET, XC_WHOLE, false},
    {58, "Standard", BIB_TYPE_STANDARD, XC_WHOLE, true},
    {57, "Serial", BIB_TYPE_PERIODICAL, XC_WHOLE, true},
    {49, "Classical Work", BIB_TYPE_CLASSIC, XC_WHOLE, true},
    {51, "Ancient Text", BIB_TYPE_CLASSIC, XC_WHOLE, false},
    {61, "Music", BIB_TYPE_SONG, XC_WHOLE, true},
    {8, "Catalog", BIB_TYPE_DOCUMENT, XC_WHOLE, false},
    /* names other programs write (JabRef), read by name only */
    {-1, "Conference", BIB_TYPE_PAPER_CONFERENCE, XC_PART, false},
    {13, "Generic", BIB_TYPE_DOCUMENT, XC_WHOLE, true},
};
enum { EN_NTYPES = sizeof en_types / sizeof en_types[0], EN_GENERIC = EN_NTYPES - 1 };

/* The ref-type of an element: its name attribute, else its number. NULL
 * when neither is known. */
static const en_type *type_of(const char *name, const char *num)
{
    if (name)
        for (size_t i = 0; i < EN_NTYPES; i++)
            if (strcasecmp(name, en_types[i].name) == 0)
                return &en_types[i];
    if (num && *num) {
        char *end;
        long n = strtol(num, &end, 10);
        if (*end == '\0')
            for (size_t i = 0; i < EN_NTYPES; i++)
                if (en_types[i].number == n)
                    return &en_types[i];
    }
    return NULL;
}

/* The ref-type written for a record: an edited book (editors, no author)
 * is EndNote's Edited Book, whose authors are the editors. */
static const en_type *type_for(const bib_record *rec)
{
    bib_type t = bib_record_type(rec);
    if (t == BIB_TYPE_BOOK && !bib_record_has(rec, BIB_VAR_AUTHOR) &&
        bib_record_has(rec, BIB_VAR_EDITOR))
        return &en_types[5];
    for (size_t i = 0; i < EN_NTYPES; i++)
        if (en_types[i].write && en_types[i].type == t)
            return &en_types[i];
    return &en_types[EN_GENERIC];
}

/* ---- the crosswalk -------------------------------------------------------- */

#define S XC_SERIAL
#define P XC_PART
#define W XC_WHOLE
#define E XC_EDITED
#define ALL XC_ALL
#define RD XD_RD
#define WR XD_WR
#define BOTH XD_BOTH

/* In output order (EndNote's own element order). */
static const xml_row en_rows[] = {
    {"database", BIB_VAR_NONE, XK_SKIP, ALL, RD, 0},
    {"source-app", BIB_VAR_NONE, XK_SKIP, ALL, RD, 0},
    {"rec-number", BIB_VAR_NONE, XK_SKIP, ALL, RD, 0},
    {"foreign-keys", BIB_VAR_NONE, XK_SKIP, ALL, RD, 0},
    {"ref-type", BIB_VAR_NONE, XK_TYPE, ALL, BOTH, 0},
    {"contributors/authors/author", BIB_VAR_AUTHOR, XK_NAME, S | P | W, BOTH, 0},
    {"contributors/authors/author", BIB_VAR_EDITOR, XK_NAME, E, BOTH, 0},
    {"contributors/secondary-authors/author", BIB_VAR_EDITOR, XK_NAME, S | P, BOTH, 0},
    {"contributors/secondary-authors/author", BIB_VAR_COLLECTION_EDITOR, XK_NAME, W | E, BOTH, 0},
    {"contributors/tertiary-authors/author", BIB_VAR_COLLECTION_EDITOR, XK_NAME, P, BOTH, 0},
    {"contributors/tertiary-authors/author", BIB_VAR_EDITOR, XK_NAME, W, BOTH, 0},
    {"contributors/subsidiary-authors/author", BIB_VAR_TRANSLATOR, XK_NAME, ALL, BOTH, 0},
    {"contributors/translated-authors/author", BIB_VAR_TRANSLATOR, XK_NAME, ALL, RD, 0},
    {"titles/title", BIB_VAR_TITLE, XK_TEXT, ALL, BOTH, 0},
    {"titles/secondary-title", BIB_VAR_CONTAINER_TITLE, XK_TEXT, S | P, BOTH, 0},
    {"titles/secondary-title", BIB_VAR_COLLECTION_TITLE, XK_TEXT, W | E, BOTH, 0},
    {"titles/tertiary-title", BIB_VAR_COLLECTION_TITLE, XK_TEXT, S | P, BOTH, 0},
    {"titles/alt-title", BIB_VAR_CONTAINER_TITLE_SHORT, XK_TEXT, S, RD, 0},
    {"titles/short-title", BIB_VAR_TITLE_SHORT, XK_TEXT, ALL, BOTH, 0},
    /* where secondary-title is the series, the container goes here */
    {"periodical/full-title", BIB_VAR_CONTAINER_TITLE, XK_TEXT, S | W | E, BOTH, 0},
    {"periodical/full-title", BIB_VAR_CONTAINER_TITLE, XK_TEXT, P, RD, 0},
    {"periodical/abbr-1", BIB_VAR_CONTAINER_TITLE_SHORT, XK_TEXT, ALL, BOTH, 0},
    {"alt-periodical/full-title", BIB_VAR_CONTAINER_TITLE_SHORT, XK_TEXT, ALL, RD, 0},
    {"pages", BIB_VAR_PAGE, XK_TEXT, S | P, BOTH, 0},
    {"pages", BIB_VAR_NUMBER_OF_PAGES, XK_TEXT, W | E, BOTH, 0},
    {"volume", BIB_VAR_VOLUME, XK_TEXT, ALL, BOTH, 0},
    {"number", BIB_VAR_ISSUE, XK_TEXT, S, BOTH, 0},
    {"number", BIB_VAR_COLLECTION_NUMBER, XK_TEXT, P | W | E, BOTH, 0},
    {"issue", BIB_VAR_ISSUE, XK_TEXT, ALL, RD, 0},
    {"num-vols", BIB_VAR_NUMBER_OF_VOLUMES, XK_TEXT, ALL, BOTH, 0},
    {"edition", BIB_VAR_EDITION, XK_TEXT, ALL, BOTH, 0},
    {"section", BIB_VAR_SECTION, XK_TEXT, ALL, BOTH, 0},
    {"keywords/keyword", BIB_VAR_KEYWORD, XK_LIST, ALL, BOTH, 0},
    {"dates/year", BIB_VAR_ISSUED, XK_YEAR, ALL, BOTH, 0},
    {"dates/pub-dates/date", BIB_VAR_ISSUED, XK_PUBDATE, ALL, BOTH, 0},
    {"pub-location", BIB_VAR_PUBLISHER_PLACE, XK_TEXT, ALL, BOTH, 0},
    {"publisher", BIB_VAR_PUBLISHER, XK_TEXT, ALL, BOTH, 0},
    {"isbn", BIB_VAR_ISSN, XK_TEXT, S, BOTH, 0},
    {"isbn", BIB_VAR_ISBN, XK_TEXT, P | W | E, BOTH, 0},
    {"call-num", BIB_VAR_CALL_NUMBER, XK_TEXT, ALL, BOTH, 0},
    {"electronic-resource-num", BIB_VAR_DOI, XK_DOI, ALL, BOTH, 0},
    {"abstract", BIB_VAR_ABSTRACT, XK_TEXT, ALL, BOTH, 0},
    {"label", BIB_VAR_NONE, XK_ID, ALL, BOTH, 0}, /* the citation key, as JabRef reads it */
    {"notes", BIB_VAR_NOTE, XK_TEXT, ALL, BOTH, 0},
    {"work-type", BIB_VAR_GENRE, XK_TEXT, ALL, BOTH, 0},
    {"remote-database-name", BIB_VAR_SOURCE, XK_TEXT, ALL, BOTH, 0},
    {"language", BIB_VAR_LANGUAGE, XK_TEXT, ALL, BOTH, 0},
    {"urls/related-urls/url", BIB_VAR_URL, XK_LIST, ALL, BOTH, 0},
    {"urls/web-urls/url", BIB_VAR_URL, XK_LIST, ALL, RD, 0},
    {"access-date", BIB_VAR_ACCESSED, XK_DATE, ALL, BOTH, 0},
};

#undef S
#undef P
#undef W
#undef E
#undef ALL
#undef RD
#undef WR
#undef BOTH

enum { EN_NROWS = sizeof en_rows / sizeof en_rows[0] };
static xml_cpath en_paths[EN_NROWS];
static xml_dialect en_dialect = {"endnotexml", "record", en_rows, EN_NROWS, en_paths};

/* ---- reading -------------------------------------------------------------- */

/* EndNote writes "Family, Given" and a corporate name with a final comma;
 * without a comma, a text that does not read as a personal name is kept
 * whole. */
static int add_name(xml_rec *r, bib_var var, const char *s, size_t len)
{
    bib_name nm;
    memset(&nm, 0, sizeof nm);
    bool literal = len && s[len - 1] == ',';
    if (literal)
        len--;
    while (len && s[len - 1] == ' ')
        len--;
    if (!len)
        return 0;
    if (!literal && !memchr(s, ',', len) && bib_name_score(s, len) < 0)
        literal = true;
    if (literal) {
        char *v = strndup(s, len);
        if (!v)
            return BIB_ENOMEM;
        nm.literal = v;
        int rc = bib_record_add_name(r->rec, var, &nm);
        free(v);
        return rc;
    }
    int rc = bib_name_parse_display(&nm, s, len);
    if (rc == BIB_ENOMEM)
        return rc;
    if (rc < 0) {
        bib_name_clear(&nm);
        char *v = strndup(s, len);
        if (!v)
            return BIB_ENOMEM;
        bib_name lit = {.literal = v};
        rc = bib_record_add_name(r->rec, var, &lit);
        free(v);
        return rc;
    }
    rc = bib_record_add_name(r->rec, var, &nm);
    bib_name_clear(&nm);
    return rc;
}

/* A case's <pages> is the page the case starts on in its reporter
 * (EndNote's Case calls it "First Page"), not a count. */
static bool pages_is_page(bib_type t)
{
    return t == BIB_TYPE_LEGAL_CASE;
}

/* A book's <pages> is its number of pages, unless it is a range. */
static bool is_count(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((s[i] < '0' || s[i] > '9') && s[i] != ' ')
            return false;
    return len > 0;
}

/* EndNote has one <isbn> element: by the type, the ISSN of a serial and
 * the ISBN of anything else (docs/xml.md). A value of the other shape is
 * the other number: a book's series ISSN, written there when the book has
 * no ISBN, reads back as ISSN. */
static size_t sn_digits(const char *s, size_t len, bool *ok)
{
    size_t d = 0;
    *ok = len > 0;
    for (size_t i = 0; i < len && *ok; i++) {
        if (s[i] >= '0' && s[i] <= '9')
            d++;
        else if ((s[i] == 'X' || s[i] == 'x') && i + 1 == len)
            d++;
        else
            *ok = s[i] == '-' || s[i] == ' ';
    }
    return d;
}

static bool issn_shaped(const char *s, size_t len)
{
    bool ok;
    return len == 9 && s[4] == '-' && sn_digits(s, len, &ok) == 8 && ok;
}

static bool isbn_shaped(const char *s, size_t len)
{
    bool ok;
    size_t d = sn_digits(s, len, &ok);
    return ok && (d == 10 || d == 13);
}

static int en_map(xml_rec *r, const xml_row *row, xml_node *n)
{
    if (row->var == BIB_VAR_ISBN || row->var == BIB_VAR_ISSN) {
        size_t len;
        const char *s = xml_text(r, n, &len);
        bib_var other = row->var == BIB_VAR_ISBN ? BIB_VAR_ISSN : BIB_VAR_ISBN;
        if (len && (other == BIB_VAR_ISSN ? issn_shaped(s, len) : isbn_shaped(s, len)) &&
            !bib_record_has(r->rec, other))
            return bib_record_set_text(r->rec, other, s, len);
    }
    if (row->var == BIB_VAR_NUMBER_OF_PAGES) {
        size_t len;
        const char *s = xml_text(r, n, &len);
        if (len && (!is_count(s, len) || pages_is_page(bib_record_type(r->rec))) &&
            !bib_record_has(r->rec, BIB_VAR_PAGE))
            return bib_record_set_text(r->rec, BIB_VAR_PAGE, s, len);
    }
    int rc = xml_map_plain(r, row, n);
    if (rc <= 0)
        return rc;
    size_t len;
    const char *s;
    switch (row->kind) {
    case XK_NAME:
        s = xml_text(r, n, &len);
        return len ? add_name(r, row->var, s, len) : 0;
    case XK_YEAR:
    case XK_PUBDATE:
        s = xml_text(r, n, &len);
        if (len) {
            char **slot = row->kind == XK_YEAR ? &r->year : &r->pubdate;
            if (!*slot && !(*slot = strndup(s, len)))
                return BIB_ENOMEM;
        }
        return 0;
    default:
        return 0; /* the type was read before the walk */
    }
}

static bool has_digits4(const char *s)
{
    for (int run = 0; *s; s++)
        if ((run = (*s >= '0' && *s <= '9') ? run + 1 : 0) == 4)
            return true;
    return false;
}

/* The issued date from <year> and <pub-dates><date>: the date when it
 * holds a year, else the date with the year ("Mar 15" and "2001"), else
 * the year; a date that adds nothing readable is kept as an extra. */
static int set_issued(xml_rec *r)
{
    if (!r->year && !r->pubdate)
        return 0;
    bib_buf_reset(&r->scratch);
    if (r->pubdate && has_digits4(r->pubdate))
        bib_buf_puts(&r->scratch, r->pubdate);
    else if (r->pubdate && r->year)
        bib_buf_printf(&r->scratch, "%s %s", r->pubdate, r->year);
    else
        bib_buf_puts(&r->scratch, r->year ? r->year : r->pubdate);
    bib_date d;
    int rc = bib_date_parse(&d, r->scratch.data, r->scratch.len, BIB_DATE_ANY);
    if (rc == BIB_ENOMEM)
        return rc;
    if (rc < 0 && r->year && r->pubdate) {
        bib_date_clear(&d);
        rc = bib_date_parse(&d, r->year, strlen(r->year), BIB_DATE_ANY);
        if (rc == BIB_ENOMEM)
            return rc;
        int e = bib_record_add_extra(r->rec, "endnotexml", "dates/pub-dates/date", r->pubdate,
                                     strlen(r->pubdate));
        if (e < 0) {
            bib_date_clear(&d);
            return e;
        }
    }
    rc = bib_record_set_date(r->rec, BIB_VAR_ISSUED, &d);
    bib_date_clear(&d);
    return rc;
}

static int en_build(xml_rec *r, xml_node *record)
{
    const en_type *t = NULL;
    xml_node *tn = NULL;
    for (xml_node *c = record->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "ref-type") == 0) {
            size_t len;
            const char *num = xml_text(r, c, &len);
            char buf[16];
            snprintf(buf, sizeof buf, "%.*s", (int)(len < 15 ? len : 15), num);
            t = type_of(xml_attr(c, "name"), buf);
            tn = c;
            break;
        }
    if (!t) {
        if (tn)
            xml_report(r, tn, BIB_SEV_WARNING, "unknown EndNote ref-type '%s': read as Generic",
                       xml_attr(tn, "name") ? xml_attr(tn, "name") : "");
        t = &en_types[EN_GENERIC];
    }
    bib_record_set_type(r->rec, t->type);
    r->cls = t->cls;
    int rc = xml_walk(r, record, en_map);
    if (!rc)
        rc = set_issued(r);
    return rc;
}

static int en_open(bib_reader *rd, bib_input *in, const bib_options *opts)
{
    (void)opts;
    static const char *const roots[] = {"xml", "records", "record", NULL};
    if (!en_paths[0].n && xml_compile_paths(en_rows, EN_NROWS, en_paths) < 0)
        return BIB_EINVAL;
    return xml_stream_open(rd, in, &en_dialect, en_build, roots);
}

const bib_reader_ops xml_endnote_reader_ops = {
    .state_size = sizeof(xml_reader_state),
    .open = en_open,
    .next = xml_stream_next,
    .close = xml_stream_close,
    .options = NULL,
};

/* ---- writing -------------------------------------------------------------- */

typedef struct en_writer {
    xml_out *o;
    unsigned long count;
    bib_buf b;
    bool begun;
    bib_writer *wr; /* for bib_writer_wrote (core reports the rest dropped) */
} en_writer;

static int en_begin(bib_writer *wr, bib_output *out, const bib_options *opts)
{
    (void)opts;
    en_writer *w = bib_writer_state(wr);
    bib_buf_init(&w->b);
    w->wr = wr;
    bib_writer_track_fields(wr);
    bib_writer_carries_extras(wr, "endnotexml"); /* write_extras */
    if (!en_paths[0].n && xml_compile_paths(en_rows, EN_NROWS, en_paths) < 0)
        return BIB_EINVAL;
    w->o = xml_out_new(out);
    if (!w->o)
        return BIB_ENOMEM;
    xml_out_start_document(w->o);
    xml_out_start(w->o, "xml");
    xml_out_start(w->o, "records");
    if (xml_out_failed(w->o))
        return xml_out_begin_failed(&w->o);
    w->begun = true;
    return 0;
}

/* "Family, Given, Suffix" with the particles before the family name; a
 * literal with EndNote's final comma. */
static void format_name(bib_buf *b, const bib_name *nm)
{
    bib_buf_reset(b);
    if (nm->literal) {
        bib_buf_printf(b, "%s,", nm->literal);
        return;
    }
    if (nm->non_dropping_particle)
        bib_buf_printf(b, "%s ", nm->non_dropping_particle);
    if (nm->family && !nm->given && !nm->dropping_particle && !nm->suffix) {
        /* a family name alone, with the final comma that keeps it whole:
         * without one the reader parses it as "Given Family", which splits
         * a CJK name (编者 read back as 编 / 者) */
        bib_buf_printf(b, "%s,", nm->family);
        return;
    }
    if (!nm->family && !nm->non_dropping_particle) {
        bib_buf_puts(b, nm->given ? nm->given : "");
        return; /* a given name alone (Banksy) */
    }
    if (nm->family)
        bib_buf_puts(b, nm->family);
    if (nm->given || nm->dropping_particle) {
        bib_buf_puts(b, ", ");
        if (nm->given)
            bib_buf_puts(b, nm->given);
        if (nm->dropping_particle)
            bib_buf_printf(b, "%s%s", nm->given ? " " : "", nm->dropping_particle);
    }
    if (nm->suffix)
        bib_buf_printf(b, ", %s", nm->suffix);
}

static void write_date_parts(en_writer *w, const xml_row *row, const xml_cpath *p,
                             const bib_date *d)
{
    bib_buf_reset(&w->b);
    if (row->kind == XK_YEAR) {
        if (d->nparts < 1 || !d->parts[0].has_year || d->parts[0].year < 1000)
            return; /* a year BC or before 1000 is in the pub-date, as EDTF */
        bib_buf_printf(&w->b, "%d", d->parts[0].year);
    } else {
        bool more = d->nparts > 1 || d->circa || d->literal ||
                    (d->nparts == 1 && (d->parts[0].year < 1000 || d->parts[0].year > 9999)) ||
                    (d->nparts == 1 && (d->parts[0].month || d->parts[0].season)) ||
                    (d->nparts == 1 && !d->parts[0].has_year) || d->nparts == 0;
        if (!more || !xml_date_text(&w->b, d))
            return;
    }
    xml_out_open_path(w->o, p, p->n - 1);
    xml_out_leaf(w->o, &p->step[p->n - 1], w->b.data, w->b.len);
}

static void write_row(en_writer *w, const bib_record *rec, const en_type *t, size_t i)
{
    const xml_row *row = &en_rows[i];
    const xml_cpath *p = &en_paths[i];
    const xml_step *leaf = &p->step[p->n - 1];
    bib_var var = row->var;
    const bib_field *f = var ? bib_record_get(rec, var) : NULL;
    if (f && var == BIB_VAR_NUMBER_OF_PAGES && pages_is_page(bib_record_type(rec)) &&
        bib_record_has(rec, BIB_VAR_PAGE))
        f = NULL; /* a case's page goes there, its number of pages nowhere */
    if (!f && var == BIB_VAR_NUMBER_OF_PAGES) {
        /* a book's page range ('x+121', en_map) goes to its <pages> too; a
         * page that is a count would read back as the number of pages, so
         * it is not written (and reported dropped, docs/fidelity.md) */
        const char *pg = bib_record_text(rec, BIB_VAR_PAGE);
        if (pg && (!is_count(pg, strlen(pg)) || pages_is_page(bib_record_type(rec)))) {
            var = BIB_VAR_PAGE;
            f = bib_record_get(rec, var);
        }
    }
    if (!f && (var == BIB_VAR_ISBN || var == BIB_VAR_ISSN)) {
        /* the other number, where en_map tells it by its shape */
        bib_var other = var == BIB_VAR_ISBN ? BIB_VAR_ISSN : BIB_VAR_ISBN;
        const char *v = bib_record_text(rec, other);
        if (v && (other == BIB_VAR_ISSN ? issn_shaped(v, strlen(v)) : isbn_shaped(v, strlen(v)))) {
            var = other;
            f = bib_record_get(rec, var);
        }
    }
    if (row->kind == XK_ID) {
        const char *id = bib_record_id(rec);
        if (xml_text_holds(id)) {
            xml_out_open_path(w->o, p, p->n - 1);
            xml_out_leaf(w->o, leaf, id, strlen(id));
        }
        return;
    }
    if (row->kind == XK_TYPE) {
        char num[16];
        snprintf(num, sizeof num, "%d", t->number);
        xml_out_open_path(w->o, p, 0);
        xml_out_start(w->o, "ref-type");
        xml_out_attr(w->o, "name", t->name);
        xml_out_text(w->o, num, strlen(num));
        xml_out_end(w->o);
        return;
    }
    if (!f)
        return;
    bib_writer_wrote(w->wr, var);
    switch (row->kind) {
    case XK_NAME:
        for (size_t k = 0; k < bib_field_name_count(f); k++) {
            format_name(&w->b, bib_field_name_at(f, k));
            xml_out_open_path(w->o, p, p->n - 1);
            xml_out_leaf(w->o, leaf, w->b.data, w->b.len);
        }
        break;
    case XK_YEAR:
    case XK_PUBDATE:
        write_date_parts(w, row, p, bib_field_date(f));
        break;
    case XK_DATE:
        bib_buf_reset(&w->b);
        if (bib_date_format_edtf(&w->b, bib_field_date(f)) == 0) {
            xml_out_open_path(w->o, p, p->n - 1);
            xml_out_leaf(w->o, leaf, w->b.data, w->b.len);
        }
        break;
    default: {
        size_t n = row->kind == XK_LIST ? bib_field_value_count(f) : 1;
        for (size_t k = 0; k < n; k++) {
            size_t vl;
            const char *v = xml_var_plain(rec, var, k, &w->b, &vl);
            if (!v)
                continue;
            xml_out_open_path(w->o, p, p->n - 1);
            xml_out_leaf(w->o, leaf, v, vl);
        }
    }
    }
}

/* Extras of this format go back under their paths, after the table's
 * elements. */
static void write_extras(en_writer *w, const bib_record *rec)
{
    for (size_t i = 0; i < bib_record_extra_count(rec); i++) {
        const char *fmt, *name, *value;
        size_t vl;
        xml_cpath p;
        if (bib_record_extra_at(rec, i, &fmt, &name, &value, &vl) < 0 ||
            strcmp(fmt, "endnotexml") != 0 || xml_compile_one(name, &p) < 0)
            continue;
        xml_out_open_path(w->o, &p, p.n - 1);
        xml_out_leaf(w->o, &p.step[p.n - 1], value, vl);
    }
}

static int en_write(bib_writer *wr, const bib_record *rec)
{
    en_writer *w = bib_writer_state(wr);
    const en_type *t = type_for(rec);
    unsigned cls = t->cls;
    const char *id = bib_record_id(rec);
    if (xml_writes_nothing(rec, en_rows, EN_NROWS, cls, "endnotexml", xml_text_holds(id)))
        return xml_refuse_empty(bib_writer_output(wr), rec, "EndNote XML");
    char num[24];
    snprintf(num, sizeof num, "%lu", ++w->count);
    xml_out_start(w->o, "record");
    xml_out_start(w->o, "rec-number");
    xml_out_text(w->o, num, strlen(num));
    xml_out_end(w->o);
    for (size_t i = 0; i < EN_NROWS; i++)
        if ((en_rows[i].dir & XD_WR) && (en_rows[i].when & cls))
            write_row(w, rec, t, i);
    write_extras(w, rec);
    xml_out_close_all(w->o);
    xml_out_end(w->o);
    return xml_out_record_done(w->o, bib_writer_output(wr), &w->b);
}

static int en_end(bib_writer *wr)
{
    en_writer *w = bib_writer_state(wr);
    int rc = xml_out_end_run(w->o, w->begun, bib_writer_output(wr));
    bib_buf_clear(&w->b);
    return rc;
}

const bib_writer_ops xml_endnote_writer_ops = {
    .state_size = sizeof(en_writer),
    .begin = en_begin,
    .write = en_write,
    .end = en_end,
    .options = NULL,
};
