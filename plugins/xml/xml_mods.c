/* SPDX-License-Identifier: MIT */
/*
 * xml_mods.c - the mods format: MODS 3.x (<modsCollection> of <mods>, or
 * one <mods>), its crosswalk table, the genre and role tables, the record
 * builder and the writer. docs/xml.md describes the tables.
 *
 * The work and what holds it: a journal article's journal, a chapter's
 * book, are <relatedItem type="host">; a series is <relatedItem
 * type="series">, a part's inside its host (bibutils also writes it as a
 * host of the host). The type
 * is read from <genre> (MARC, bibutils or our own "csl" authority), else
 * from the host's genre and issuance; the writer writes the genres and
 * issuance bibutils reads. Volume, issue and pages are read from <part>
 * at the top or inside the host and written at the top, as bibutils does.
 *
 * Not for: the shared machinery (xml_read.c, xml_write.c) or EndNote.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xmlfmt.h"

/* ---- genres ---------------------------------------------------------------- */

/* G_KIND: the term names the kind of work as well as its type ("Diploma
 * thesis"), so it is also the work's CSL genre when it has none. */
enum { G_TOP = 1, G_HOST = 2, G_KIND = 4 };

typedef struct mods_genre {
    const char *term;
    const char *authority; /* written with the term; NULL: none */
    bib_type type;         /* the CSL type the term reads as */
    unsigned where;        /* G_TOP: a work's genre; G_HOST: its host's */
    bool write;            /* the writer writes this row for `type` */
} mods_genre;

/* Read: the first row whose term matches (case-insensitive) in its place.
 * Written: every row with `write` for the record's type, in order. */
static const mods_genre genres[] = {
    {"journal article", "bibutilsgt", BIB_TYPE_ARTICLE_JOURNAL, G_TOP, true},
    {"periodical", "marcgt", BIB_TYPE_ARTICLE_JOURNAL, G_HOST, true},
    {"academic journal", "bibutilsgt", BIB_TYPE_ARTICLE_JOURNAL, G_HOST, true},
    {"magazine article", "bibutilsgt", BIB_TYPE_ARTICLE_MAGAZINE, G_TOP, true},
    {"periodical", "marcgt", BIB_TYPE_ARTICLE_MAGAZINE, G_HOST, true},
    {"magazine", "bibutilsgt", BIB_TYPE_ARTICLE_MAGAZINE, G_HOST, true},
    {"newspaper article", "bibutilsgt", BIB_TYPE_ARTICLE_NEWSPAPER, G_TOP, true},
    {"newspaper", "marcgt", BIB_TYPE_ARTICLE_NEWSPAPER, G_HOST, true},
    {"article", NULL, BIB_TYPE_ARTICLE_JOURNAL, G_TOP, false},
    {"journal", NULL, BIB_TYPE_ARTICLE_JOURNAL, G_HOST, false},
    {"book chapter", "bibutilsgt", BIB_TYPE_CHAPTER, G_TOP, true},
    {"book", "marcgt", BIB_TYPE_CHAPTER, G_HOST, true},
    {"collection", "bibutilsgt", BIB_TYPE_CHAPTER, G_HOST, false},
    {"chapter", NULL, BIB_TYPE_CHAPTER, G_TOP, false},
    {"conference paper", NULL, BIB_TYPE_PAPER_CONFERENCE, G_TOP, false},
    {"conference publication", "marcgt", BIB_TYPE_PAPER_CONFERENCE, G_HOST, true},
    {"encyclopedia", "marcgt", BIB_TYPE_ENTRY_ENCYCLOPEDIA, G_HOST, true},
    {"dictionary", "marcgt", BIB_TYPE_ENTRY_DICTIONARY, G_HOST, true},
    {"web site", "marcgt", BIB_TYPE_WEBPAGE, G_HOST, false},
    {"book", "marcgt", BIB_TYPE_BOOK, G_TOP, true},
    {"thesis", "marcgt", BIB_TYPE_THESIS, G_TOP, true},
    {"Ph.D. thesis", NULL, BIB_TYPE_THESIS, G_TOP | G_KIND, false},
    {"Masters thesis", NULL, BIB_TYPE_THESIS, G_TOP | G_KIND, false},
    {"Diploma thesis", NULL, BIB_TYPE_THESIS, G_TOP | G_KIND, false},
    {"Doctoral thesis", NULL, BIB_TYPE_THESIS, G_TOP | G_KIND, false},
    {"Habilitation thesis", NULL, BIB_TYPE_THESIS, G_TOP | G_KIND, false},
    {"report", NULL, BIB_TYPE_REPORT, G_TOP, true},
    {"technical report", "marcgt", BIB_TYPE_REPORT, G_TOP, false},
    {"web page", NULL, BIB_TYPE_WEBPAGE, G_TOP, true},
    {"web site", NULL, BIB_TYPE_WEBPAGE, G_TOP, false},
    {"patent", "marcgt", BIB_TYPE_PATENT, G_TOP, true},
    {"computer program", "marcgt", BIB_TYPE_SOFTWARE, G_TOP, true},
    {"database", "marcgt", BIB_TYPE_DATASET, G_TOP, false},
    {"dataset", NULL, BIB_TYPE_DATASET, G_TOP, true},
    {"map", "marcgt", BIB_TYPE_MAP, G_TOP, true},
    {"motion picture", "marcgt", BIB_TYPE_MOTION_PICTURE, G_TOP, true},
    {"videorecording", "marcgt", BIB_TYPE_MOTION_PICTURE, G_TOP, false},
    {"letter", "marcgt", BIB_TYPE_PERSONAL_COMMUNICATION, G_TOP, true},
    {"unpublished", "bibutilsgt", BIB_TYPE_MANUSCRIPT, G_TOP, true},
    {"manuscript", NULL, BIB_TYPE_MANUSCRIPT, G_TOP, false},
    {"legal case and case notes", "marcgt", BIB_TYPE_LEGAL_CASE, G_TOP, true},
    {"legislation", "marcgt", BIB_TYPE_LEGISLATION, G_TOP, true},
    {"periodical", "marcgt", BIB_TYPE_PERIODICAL, G_TOP, true},
    {"interview", "marcgt", BIB_TYPE_INTERVIEW, G_TOP, true},
    {"picture", "marcgt", BIB_TYPE_GRAPHIC, G_TOP, true},
    {"standard", NULL, BIB_TYPE_STANDARD, G_TOP, true},
    {"pamphlet", NULL, BIB_TYPE_PAMPHLET, G_TOP, true},
};
enum { NGENRES = sizeof genres / sizeof genres[0] };

static const mods_genre *genre_of(const char *s, size_t len, unsigned where)
{
    for (size_t i = 0; i < NGENRES; i++)
        if ((genres[i].where & where) && strlen(genres[i].term) == len &&
            strncasecmp(genres[i].term, s, len) == 0)
            return &genres[i];
    return NULL;
}

static bool type_has_genre(bib_type t)
{
    for (size_t i = 0; i < NGENRES; i++)
        if (genres[i].write && genres[i].type == t && genres[i].where == G_TOP)
            return true;
    return false;
}

/* ---- roles ----------------------------------------------------------------- */

typedef struct mods_role {
    const char *text, *code; /* MARC relator term and code */
    bib_var var;
} mods_role;

static const mods_role roles[] = {
    {"author", "aut", BIB_VAR_AUTHOR},
    {"editor", "edt", BIB_VAR_EDITOR},
    {"translator", "trl", BIB_VAR_TRANSLATOR},
    {"compiler", "com", BIB_VAR_COMPILER},
    {"director", "drt", BIB_VAR_DIRECTOR},
    {"illustrator", "ill", BIB_VAR_ILLUSTRATOR},
    {"interviewer", "ivr", BIB_VAR_INTERVIEWER},
    {"composer", "cmp", BIB_VAR_COMPOSER},
    {"recipient", "rcp", BIB_VAR_RECIPIENT},
    {"contributor", "ctb", BIB_VAR_CONTRIBUTOR},
    {"performer", "prf", BIB_VAR_PERFORMER},
    {"producer", "pro", BIB_VAR_PRODUCER},
    {"organizer", "orm", BIB_VAR_ORGANIZER},
    {"curator", "cur", BIB_VAR_CURATOR},
    {"narrator", "nrt", BIB_VAR_NARRATOR},
    {"creator", "cre", BIB_VAR_AUTHOR},
    {"inventor", "inv", BIB_VAR_AUTHOR},
    {"degree grantor", "dgg", BIB_VAR_PUBLISHER},
};
enum { NROLES = sizeof roles / sizeof roles[0] };

static const mods_role *role_of(const char *s, size_t len)
{
    for (size_t i = 0; i < NROLES; i++)
        if ((strlen(roles[i].text) == len && strncasecmp(roles[i].text, s, len) == 0) ||
            (len == 3 && strncasecmp(roles[i].code, s, 3) == 0))
            return &roles[i];
    return NULL;
}

/* The variable of a role in a place: a host's author is the container
 * author, a series' editor or author the collection editor. */
static bib_var role_var(bib_var v, int ctx)
{
    if (ctx == XN_HOST && v == BIB_VAR_AUTHOR)
        return BIB_VAR_CONTAINER_AUTHOR;
    if (ctx == XN_SERIES && (v == BIB_VAR_AUTHOR || v == BIB_VAR_EDITOR))
        return BIB_VAR_COLLECTION_EDITOR;
    return v;
}

/* ---- the crosswalk --------------------------------------------------------- */

#define S XC_SERIAL
#define P XC_PART
#define W (XC_WHOLE | XC_EDITED)
#define ALL XC_ALL
#define RD XD_RD
#define BOTH XD_BOTH
#define H XN_HOST
#define HOST "relatedItem@type=host/"

/* In output order. Reading takes every row (the type is known only at the
 * end); the classes choose what the writer writes where. */
static const xml_row mods_rows[] = {
    {"titleInfo@type=", BIB_VAR_TITLE, XK_TITLE, ALL, BOTH, 0},
    {"titleInfo@type=abbreviated", BIB_VAR_TITLE_SHORT, XK_TITLE, ALL, BOTH, 0},
    {"name", BIB_VAR_NONE, XK_MNAME, ALL, BOTH, XN_TOP},
    {"originInfo/issuance", BIB_VAR_NONE, XK_ISSUANCE, W, BOTH, 0},
    {"originInfo/dateIssued", BIB_VAR_ISSUED, XK_DATE, ALL, BOTH, 0},
    {"originInfo/publisher", BIB_VAR_PUBLISHER, XK_TEXT, S | W, BOTH, 0},
    {"originInfo/place/placeTerm", BIB_VAR_PUBLISHER_PLACE, XK_TEXT, S | W, BOTH, 0},
    {"originInfo/edition", BIB_VAR_EDITION, XK_TEXT, S | W, BOTH, 0},
    {"originInfo/dateCreated", BIB_VAR_ISSUED, XK_DATE, ALL, RD, 0},
    {"originInfo/dateCaptured", BIB_VAR_ACCESSED, XK_DATE, ALL, BOTH, 0},
    {"typeOfResource", BIB_VAR_NONE, XK_DROP, ALL, RD, 0},
    {"genre", BIB_VAR_NONE, XK_TYPE, ALL, BOTH, XN_TOP},
    {"language/languageTerm", BIB_VAR_LANGUAGE, XK_TEXT, ALL, BOTH, 0},
    /* a part's too: its <part><extent><total> reads back as this */
    {"physicalDescription/extent", BIB_VAR_NUMBER_OF_PAGES, XK_TEXT, ALL, BOTH, 0},
    {"abstract", BIB_VAR_ABSTRACT, XK_TEXT, ALL, BOTH, 0},
    {"note", BIB_VAR_NOTE, XK_TEXT, ALL, BOTH, 0},
    {"subject/topic", BIB_VAR_KEYWORD, XK_LIST, ALL, BOTH, 0},
    {HOST "titleInfo@type=", BIB_VAR_CONTAINER_TITLE, XK_TITLE, ALL, BOTH, H},
    {HOST "titleInfo@type=abbreviated", BIB_VAR_CONTAINER_TITLE_SHORT, XK_TITLE, ALL, BOTH, H},
    {HOST "titleInfo", BIB_VAR_CONTAINER_TITLE, XK_TITLE, ALL, RD, H}, /* uniform, ... */
    {HOST "name", BIB_VAR_NONE, XK_MNAME, ALL, BOTH, H},
    {HOST "originInfo/issuance", BIB_VAR_NONE, XK_ISSUANCE, S | P, BOTH, H},
    {HOST "originInfo/dateIssued", BIB_VAR_ISSUED, XK_DATE, ALL, RD, H},
    {HOST "originInfo/publisher", BIB_VAR_PUBLISHER, XK_TEXT, P, BOTH, H},
    {HOST "originInfo/place/placeTerm", BIB_VAR_PUBLISHER_PLACE, XK_TEXT, P, BOTH, H},
    {HOST "originInfo/edition", BIB_VAR_EDITION, XK_TEXT, P, BOTH, H},
    {HOST "genre", BIB_VAR_NONE, XK_TYPE, S | P, BOTH, H},
    {HOST "identifier@type=issn", BIB_VAR_ISSN, XK_TEXT, S, BOTH, H},
    {HOST "identifier@type=isbn", BIB_VAR_ISBN, XK_TEXT, P, BOTH, H},
    {HOST "relatedItem@type=host/titleInfo", BIB_VAR_COLLECTION_TITLE, XK_TITLE, ALL, RD, H},
    /* a part's series is its host's: written inside the host, where
     * bibutils' xml2bib finds it (at the top it reads only a whole's);
     * a part without a host has it at the top (series_here) */
    {HOST "relatedItem@type=series/titleInfo", BIB_VAR_COLLECTION_TITLE, XK_TITLE, P, BOTH, H},
    {HOST "relatedItem@type=series/name", BIB_VAR_NONE, XK_MNAME, P, BOTH, XN_SERIES},
    {HOST "relatedItem@type=series/part/detail@type=volume/number", BIB_VAR_COLLECTION_NUMBER,
     XK_TEXT, P, BOTH, 0},
    {HOST "part/detail@type=volume/number", BIB_VAR_VOLUME, XK_TEXT, ALL, RD, H},
    {HOST "part/detail@type=issue/number", BIB_VAR_ISSUE, XK_TEXT, ALL, RD, H},
    {HOST "part/detail@type=number/number", BIB_VAR_ISSUE, XK_TEXT, ALL, RD, H},
    {HOST "part/extent@unit=page", BIB_VAR_PAGE, XK_PAGES, ALL, RD, H},
    {HOST "part/extent@unit=pages", BIB_VAR_PAGE, XK_PAGES, ALL, RD, H},
    {HOST "part/extent@unit=", BIB_VAR_PAGE, XK_PAGES, ALL, RD, H},
    {HOST "part/date", BIB_VAR_ISSUED, XK_DATE, ALL, RD, H},
    {"relatedItem@type=series/titleInfo@type=", BIB_VAR_COLLECTION_TITLE, XK_TITLE, ALL, BOTH, 0},
    {"relatedItem@type=series/name", BIB_VAR_NONE, XK_MNAME, ALL, BOTH, XN_SERIES},
    {"relatedItem@type=series/part/detail@type=volume/number", BIB_VAR_COLLECTION_NUMBER,
     XK_TEXT, ALL, BOTH, 0},
    {"identifier@type=citekey", BIB_VAR_NONE, XK_ID, ALL, BOTH, 0},
    {"identifier@type=doi", BIB_VAR_DOI, XK_DOI, ALL, BOTH, 0},
    {"identifier@type=isbn", BIB_VAR_ISBN, XK_TEXT, S | W, BOTH, 0},
    {"identifier@type=issn", BIB_VAR_ISSN, XK_TEXT, P | W, BOTH, 0},
    {"identifier@type=pmid", BIB_VAR_PMID, XK_TEXT, ALL, BOTH, 0},
    {"identifier@type=pmc", BIB_VAR_PMCID, XK_TEXT, ALL, BOTH, 0},
    {"identifier@type=uri", BIB_VAR_URL, XK_LIST, ALL, RD, 0},
    {"location/url", BIB_VAR_URL, XK_LIST, ALL, BOTH, 0},
    {"part/detail@type=volume/number", BIB_VAR_VOLUME, XK_TEXT, ALL, BOTH, 0},
    {"part/detail@type=issue/number", BIB_VAR_ISSUE, XK_TEXT, ALL, BOTH, 0},
    {"part/detail@type=number/number", BIB_VAR_ISSUE, XK_TEXT, ALL, RD, 0},
    {"part/detail@type=chapter/number", BIB_VAR_CHAPTER_NUMBER, XK_TEXT, ALL, BOTH, 0},
    {"part/extent@unit=page", BIB_VAR_PAGE, XK_PAGES, ALL, BOTH, 0},
    {"part/extent@unit=pages", BIB_VAR_PAGE, XK_PAGES, ALL, RD, 0},
    {"part/extent@unit=", BIB_VAR_PAGE, XK_PAGES, ALL, RD, 0},
    {"part/date", BIB_VAR_ISSUED, XK_DATE, ALL, RD, 0},
    {"accessCondition", BIB_VAR_LICENSE, XK_TEXT, ALL, BOTH, 0},
    {"recordInfo", BIB_VAR_NONE, XK_DROP, ALL, RD, 0},
};

#undef S
#undef P
#undef W
#undef ALL
#undef RD
#undef BOTH
#undef H
#undef HOST

enum { MODS_NROWS = sizeof mods_rows / sizeof mods_rows[0] };
static xml_cpath mods_paths[MODS_NROWS];
static xml_dialect mods_dialect = {"mods", "mods", mods_rows, MODS_NROWS, mods_paths};

/* ---- reading --------------------------------------------------------------- */

/* A <titleInfo>: nonSort, title, subTitle, partNumber and partName. */
static int map_title(xml_rec *r, const xml_row *row, xml_node *n)
{
    bib_buf t = BIB_BUF_INIT;
    static const char *const parts[] = {"nonSort", "title", "subTitle", "partNumber", "partName"};
    for (size_t i = 0; i < 5; i++) {
        for (xml_node *c = n->children; c; c = c->next) {
            if (c->type != XML_ELEMENT_NODE || strcmp((const char *)c->name, parts[i]) != 0)
                continue;
            size_t len;
            const char *s = xml_text(r, c, &len);
            if (!len)
                continue;
            if (t.len) {
                char last = t.data[t.len - 1];
                bib_buf_puts(&t, i == 2 ? ": " : i >= 3 ? ". " : (last == ' ' || last == '\'') ? "" : " ");
            }
            bib_buf_append(&t, s, len);
        }
    }
    int rc = bib_buf_failed(&t) ? BIB_ENOMEM : 0; /* read before bib_buf_clear resets it */
    size_t len = t.len;
    const char *v = t.data;
    if (len >= 65536 && !rc) {
        /* a long title: the record takes the buffer over instead of a
         * copy (rich text is the plain text as it stands) */
        char *b = bib_buf_detach(&t);
        if (!b || !(v = bib_record_adopt(r->rec, b)))
            rc = BIB_ENOMEM;
    }
    if (len && !rc && !bib_record_has(r->rec, row->var)) {
        rc = bib_record_set_text(r->rec, row->var, v, len);
    } else if (len && !rc) {
        /* a second title of the row (a second host's): kept under the path
         * of its <title>, which write_extras puts back as an element; the
         * row's own path ends at <titleInfo>, whose text no reader reads */
        bib_buf name = BIB_BUF_INIT;
        bib_buf_puts(&name, row->path);
        bib_buf_puts(&name, "/title");
        rc = bib_buf_failed(&name) ? BIB_ENOMEM
                                   : bib_record_add_extra(r->rec, "mods", name.data, v, len);
        bib_buf_clear(&name);
    }
    bib_buf_clear(&t);
    return rc;
}

typedef struct name_parts {
    bib_buf given, family, plain;
    char *suffix;
    const mods_role *role;
    bool role_seen;
} name_parts;

/* Collects the parts and role of a <name>; what the record's name has no
 * place for (affiliation, description, nameIdentifier, a date part, a
 * second termsOfAddress) is named by xml_drop. */
static int collect_parts(xml_rec *r, xml_node *n, name_parts *np)
{
    int rc = 0;
    for (xml_node *c = n->children; c && !rc; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        const char *nm = (const char *)c->name;
        size_t len;
        if (strcmp(nm, "namePart") == 0) {
            const char *s = xml_text(r, c, &len);
            const char *ty = xml_attr(c, "type");
            bib_buf *b = !ty ? &np->plain : strcmp(ty, "given") == 0 ? &np->given
                         : strcmp(ty, "family") == 0 ? &np->family : NULL;
            if (ty && strcmp(ty, "termsOfAddress") == 0 && len && !np->suffix) {
                if (!(np->suffix = strndup(s, len)))
                    return BIB_ENOMEM;
            } else if (!b && len) {
                rc = xml_drop(r, c); /* a date, a second termsOfAddress */
            }
            if (b && len) {
                if (b->len)
                    bib_buf_putc(b, ' ');
                bib_buf_append(b, s, len);
            }
        } else if (strcmp(nm, "role") == 0) {
            for (xml_node *t = c->children; t; t = t->next) {
                if (t->type != XML_ELEMENT_NODE || strcmp((const char *)t->name, "roleTerm") != 0)
                    continue;
                const char *s = xml_text(r, t, &len);
                const mods_role *ro = role_of(s, len);
                np->role_seen = true;
                if (ro && !np->role)
                    np->role = ro;
            }
        } else if (strcmp(nm, "displayForm") == 0) {
            /* the name as displayed: its words are the parts' */
            if (!np->plain.len && !np->family.len) {
                const char *s = xml_text(r, c, &len);
                bib_buf_append(&np->plain, s, len);
            }
        } else {
            rc = xml_drop(r, c);
        }
    }
    return rc;
}

/* A degree grantor: the publisher of a thesis, whatever the order of the
 * elements. A publisher that <originInfo> gave first moves to the extra
 * its row keeps a second value in (the writer puts it back there), as
 * when it comes after the grantor; a second grantor that differs (or one
 * of a host whose publisher is set) has no place and is named as dropped
 * (it was lost without a word). */
static int put_grantor(xml_rec *r, xml_node *n, int ctx, const bib_buf *b)
{
    if (!b->len)
        return 0;
    const char *old = bib_record_text(r->rec, BIB_VAR_PUBLISHER);
    if (old && strlen(old) == b->len && memcmp(old, b->data, b->len) == 0)
        return 0; /* said twice: nothing lost */
    if (old && (r->grantor_is_publisher || ctx != XN_TOP))
        return xml_drop(r, n);
    if (old) {
        int rc = bib_record_add_extra(r->rec, "mods", "originInfo/publisher", old, strlen(old));
        if (rc < 0)
            return rc;
    }
    r->grantor_is_publisher = true;
    return bib_record_set_text(r->rec, BIB_VAR_PUBLISHER, b->data, b->len);
}

/* A <name>: given and family parts, or one part (a personal name parsed
 * as displayed, any other name kept whole); the role picks the variable,
 * and a degree grantor is the publisher of a thesis. */
static int map_name(xml_rec *r, const xml_row *row, xml_node *n)
{
    name_parts np;
    memset(&np, 0, sizeof np);
    bib_buf_init(&np.given);
    bib_buf_init(&np.family);
    bib_buf_init(&np.plain);
    int rc = collect_parts(r, n, &np);
    bib_var var = role_var(np.role ? np.role->var : BIB_VAR_AUTHOR, row->ctx);
    const char *type = xml_attr(n, "type");
    bool personal = !type || strcmp(type, "personal") == 0;
    if (np.role_seen && !np.role) {
        /* a role we have no variable for: its terms are named as dropped */
        var = BIB_VAR_CONTRIBUTOR;
        for (xml_node *c = n->children; c && !rc; c = c->next)
            if (c->type == XML_ELEMENT_NODE && strcmp((const char *)c->name, "role") == 0)
                rc = xml_drop(r, c);
    }
    if (rc < 0) {
        /* out of memory: only the clean-up below */
    } else if (var == BIB_VAR_PUBLISHER) {
        r->degree_grantor = true;
        rc = put_grantor(r, n, row->ctx, np.plain.len ? &np.plain : &np.family);
    } else if (np.family.len || np.given.len) {
        bib_name nm = {.family = np.family.len ? np.family.data : NULL,
                       .given = np.given.len ? np.given.data : NULL,
                       .suffix = np.suffix};
        if (!nm.family) {
            nm.family = nm.given;
            nm.given = NULL;
        }
        rc = bib_record_add_name(r->rec, var, &nm);
    } else if (np.plain.len) {
        bib_name nm;
        memset(&nm, 0, sizeof nm);
        if (personal && (type || memchr(np.plain.data, ',', np.plain.len)) &&
            bib_name_parse_display(&nm, np.plain.data, np.plain.len) == 0) {
            rc = bib_record_add_name(r->rec, var, &nm);
            bib_name_clear(&nm);
        } else {
            bib_name_clear(&nm);
            bib_name lit = {.literal = np.plain.data};
            rc = bib_record_add_name(r->rec, var, &lit);
        }
    }
    bool failed = bib_buf_failed(&np.given) || bib_buf_failed(&np.family) ||
                  bib_buf_failed(&np.plain);
    bib_buf_clear(&np.given);
    bib_buf_clear(&np.family);
    bib_buf_clear(&np.plain);
    free(np.suffix);
    return failed ? BIB_ENOMEM : rc;
}

static bool has_children_elements(xml_node *n)
{
    for (xml_node *c = n->children; c; c = c->next)
        if (c->type == XML_ELEMENT_NODE)
            return true;
    return false;
}

/* <extent unit="page">: start and end, a list, or a total. */
static int map_pages(xml_rec *r, const xml_row *row, xml_node *n)
{
    if (bib_record_has(r->rec, row->var))
        return 0;
    size_t sl, el;
    char *start = NULL;
    const char *s = xml_child_text(r, n, "start", &sl);
    if (s && sl && !(start = strndup(s, sl)))
        return BIB_ENOMEM;
    const char *e = xml_child_text(r, n, "end", &el);
    bib_buf b = BIB_BUF_INIT;
    if (start) {
        bib_buf_puts(&b, start);
        if (e && el && (el != sl || memcmp(e, start, sl) != 0)) {
            bib_buf_putc(&b, '-');
            bib_buf_append(&b, e, el);
        }
    } else if ((s = xml_child_text(r, n, "list", &sl)) && sl) {
        bib_buf_append(&b, s, sl);
    } else if ((s = xml_child_text(r, n, "total", &sl)) && sl) {
        free(start);
        char *v = strndup(s, sl);
        int rc = v ? 0 : BIB_ENOMEM;
        if (v && !bib_record_has(r->rec, BIB_VAR_NUMBER_OF_PAGES))
            rc = bib_record_set_text(r->rec, BIB_VAR_NUMBER_OF_PAGES, v, sl);
        free(v);
        return rc;
    } else if (!has_children_elements(n)) {
        s = xml_text(r, n, &sl);
        bib_buf_append(&b, s, sl);
    }
    free(start);
    int rc = b.len ? bib_record_set_text(r->rec, row->var, b.data, b.len) : 0;
    bool failed = bib_buf_failed(&b);
    bib_buf_clear(&b);
    return failed ? BIB_ENOMEM : rc;
}

/* A <genre>: our own "csl" authority names the type exactly; a known term
 * is a type hint (the work's own, or its host's); any other term of the
 * work is its CSL genre. */
static int map_genre(xml_rec *r, const xml_row *row, xml_node *n)
{
    size_t len;
    const char *s = xml_text(r, n, &len);
    if (!len)
        return 0;
    const char *auth = xml_attr(n, "authority");
    if (auth && strcmp(auth, "rdacontent") == 0)
        return 0; /* a content type ("text"), not a genre */
    if (auth && strcmp(auth, "csl") == 0 && row->ctx == XN_TOP) {
        bib_type t = bib_type_from_name(s, len);
        if (t != BIB_TYPE_UNKNOWN) {
            bib_record_set_type(r->rec, t);
            return 0;
        }
    }
    const mods_genre *g = genre_of(s, len, row->ctx == XN_HOST ? G_HOST : G_TOP);
    char **slot = row->ctx == XN_HOST ? &r->host_genre : &r->genre;
    if (g) {
        if (!*slot && !(*slot = strdup(g->term)))
            return BIB_ENOMEM;
        if ((g->where & G_KIND) && row->ctx == XN_TOP && !bib_record_has(r->rec, BIB_VAR_GENRE))
            return bib_record_set_text(r->rec, BIB_VAR_GENRE, s, len);
        return 0;
    }
    if (row->ctx == XN_TOP && !bib_record_has(r->rec, BIB_VAR_GENRE))
        return bib_record_set_text(r->rec, BIB_VAR_GENRE, s, len);
    return 0;
}

static int map_issuance(xml_rec *r, const xml_row *row, xml_node *n)
{
    size_t len;
    const char *s = xml_text(r, n, &len);
    bool mono = len == 11 && strncmp(s, "monographic", 11) == 0;
    bool cont = (len == 10 && strncmp(s, "continuing", 10) == 0) ||
                (len == 6 && strncmp(s, "serial", 6) == 0);
    if (row->ctx == XN_HOST) {
        r->host_monographic |= mono;
        r->host_continuing |= cont;
    } else {
        r->monographic |= mono;
    }
    return 0;
}

static int mods_map(xml_rec *r, const xml_row *row, xml_node *n)
{
    if (row->ctx == XN_HOST)
        r->has_host = true;
    int rc = xml_map_plain(r, row, n);
    if (rc <= 0)
        return rc;
    switch (row->kind) {
    case XK_TITLE:
        return map_title(r, row, n);
    case XK_MNAME:
        return map_name(r, row, n);
    case XK_PAGES:
        return map_pages(r, row, n);
    case XK_TYPE:
        return map_genre(r, row, n);
    case XK_ISSUANCE:
        return map_issuance(r, row, n);
    default:
        return 0;
    }
}

/* The type from the hints the walk collected (see the header comment). */
static bib_type decide_type(xml_rec *r)
{
    const mods_genre *g;
    if (r->genre && (g = genre_of(r->genre, strlen(r->genre), G_TOP))) {
        if (g->type == BIB_TYPE_BOOK && r->has_host)
            return BIB_TYPE_CHAPTER;
        return g->type;
    }
    if (r->has_host) {
        if (r->host_genre && (g = genre_of(r->host_genre, strlen(r->host_genre), G_HOST)))
            return g->type;
        if (r->host_continuing)
            return BIB_TYPE_ARTICLE_JOURNAL;
        if (r->host_monographic)
            return BIB_TYPE_CHAPTER;
        return bib_record_has(r->rec, BIB_VAR_ISSUE) ? BIB_TYPE_ARTICLE_JOURNAL
                                                      : BIB_TYPE_CHAPTER;
    }
    if (r->degree_grantor)
        return BIB_TYPE_THESIS;
    return r->monographic ? BIB_TYPE_BOOK : BIB_TYPE_DOCUMENT;
}

static int mods_build(xml_rec *r, xml_node *record)
{
    int rc = xml_walk(r, record, mods_map);
    if (rc)
        return rc;
    if (bib_record_type(r->rec) == BIB_TYPE_UNKNOWN)
        bib_record_set_type(r->rec, decide_type(r));
    const char *id = xml_attr(record, "ID");
    if (!bib_record_id(r->rec) && id && *id)
        rc = bib_record_set_id(r->rec, id);
    return rc;
}

static int mods_open(bib_reader *rd, bib_input *in, const bib_options *opts)
{
    (void)opts;
    static const char *const roots[] = {"modsCollection", "mods", NULL};
    if (!mods_paths[0].n && xml_compile_paths(mods_rows, MODS_NROWS, mods_paths) < 0)
        return BIB_EINVAL;
    return xml_stream_open(rd, in, &mods_dialect, mods_build, roots);
}

const bib_reader_ops xml_mods_reader_ops = {
    .state_size = sizeof(xml_reader_state),
    .open = mods_open,
    .next = xml_stream_next,
    .close = xml_stream_close,
    .options = NULL,
};

/* ---- writing --------------------------------------------------------------- */

typedef struct mods_writer {
    xml_out *o;
    bib_buf b;
    bool begun;
    bib_writer *wr; /* for bib_writer_wrote (core reports the rest dropped) */
} mods_writer;

static int mods_begin(bib_writer *wr, bib_output *out, const bib_options *opts)
{
    (void)opts;
    mods_writer *w = bib_writer_state(wr);
    bib_buf_init(&w->b);
    w->wr = wr;
    bib_writer_track_fields(wr);
    bib_writer_carries_extras(wr, "mods"); /* write_extras */
    if (!mods_paths[0].n && xml_compile_paths(mods_rows, MODS_NROWS, mods_paths) < 0)
        return BIB_EINVAL;
    w->o = xml_out_new(out);
    if (!w->o)
        return BIB_ENOMEM;
    xml_out_start_document(w->o);
    xml_out_start(w->o, "modsCollection");
    xml_out_attr(w->o, "xmlns", "http://www.loc.gov/mods/v3");
    if (xml_out_failed(w->o))
        return xml_out_begin_failed(&w->o);
    w->begun = true;
    return 0;
}

/* The name variables written at each place, with the role written. */
static const struct {
    bib_var var;
    int ctx;
    const char *role;
} placed[] = {
    {BIB_VAR_AUTHOR, XN_TOP, "author"},
    {BIB_VAR_EDITOR, XN_TOP, "editor"}, /* in the host for a part */
    {BIB_VAR_TRANSLATOR, XN_TOP, "translator"},
    {BIB_VAR_COMPILER, XN_TOP, "compiler"},
    {BIB_VAR_DIRECTOR, XN_TOP, "director"},
    {BIB_VAR_ILLUSTRATOR, XN_TOP, "illustrator"},
    {BIB_VAR_INTERVIEWER, XN_TOP, "interviewer"},
    {BIB_VAR_COMPOSER, XN_TOP, "composer"},
    {BIB_VAR_RECIPIENT, XN_TOP, "recipient"},
    {BIB_VAR_CONTRIBUTOR, XN_TOP, "contributor"},
    {BIB_VAR_PERFORMER, XN_TOP, "performer"},
    {BIB_VAR_PRODUCER, XN_TOP, "producer"},
    {BIB_VAR_ORGANIZER, XN_TOP, "organizer"},
    {BIB_VAR_CURATOR, XN_TOP, "curator"},
    {BIB_VAR_NARRATOR, XN_TOP, "narrator"},
    {BIB_VAR_CONTAINER_AUTHOR, XN_HOST, "author"},
    {BIB_VAR_EDITOR, XN_HOST, "editor"},
    {BIB_VAR_COLLECTION_EDITOR, XN_SERIES, "editor"},
};

static void write_one_name(mods_writer *w, const bib_name *nm, const char *role)
{
    xml_out_start(w->o, "name");
    if (nm->literal) {
        xml_out_attr(w->o, "type", "corporate");
        xml_out_start(w->o, "namePart");
        xml_out_text(w->o, nm->literal, strlen(nm->literal));
        xml_out_end(w->o);
    } else {
        xml_out_attr(w->o, "type", "personal");
        if (nm->given || nm->dropping_particle) {
            bib_buf_reset(&w->b);
            bib_buf_printf(&w->b, "%s%s%s", nm->given ? nm->given : "",
                           nm->given && nm->dropping_particle ? " " : "",
                           nm->dropping_particle ? nm->dropping_particle : "");
            xml_out_start(w->o, "namePart");
            xml_out_attr(w->o, "type", "given");
            xml_out_text(w->o, w->b.data, w->b.len);
            xml_out_end(w->o);
        }
        bib_buf_reset(&w->b);
        bib_buf_printf(&w->b, "%s%s%s", nm->non_dropping_particle ? nm->non_dropping_particle : "",
                       nm->non_dropping_particle ? " " : "", nm->family ? nm->family : "");
        xml_out_start(w->o, "namePart");
        xml_out_attr(w->o, "type", "family");
        xml_out_text(w->o, w->b.data, w->b.len);
        xml_out_end(w->o);
        if (nm->suffix) {
            xml_out_start(w->o, "namePart");
            xml_out_attr(w->o, "type", "termsOfAddress");
            xml_out_text(w->o, nm->suffix, strlen(nm->suffix));
            xml_out_end(w->o);
        }
    }
    xml_out_start(w->o, "role");
    xml_out_start(w->o, "roleTerm");
    xml_out_attr(w->o, "authority", "marcrelator");
    xml_out_attr(w->o, "type", "text");
    xml_out_text(w->o, role, strlen(role));
    xml_out_end(w->o);
    xml_out_end(w->o);
    xml_out_end(w->o);
}

static void write_names(mods_writer *w, const bib_record *rec, const xml_cpath *p, int ctx,
                        unsigned cls)
{
    for (size_t i = 0; i < sizeof placed / sizeof placed[0]; i++) {
        if (placed[i].ctx != ctx)
            continue;
        /* a part's editor edits its host; anything else's, the work */
        if (placed[i].var == BIB_VAR_EDITOR && (ctx == XN_HOST) != (cls == XC_PART))
            continue;
        const bib_field *f = bib_record_get(rec, placed[i].var);
        if (f)
            bib_writer_wrote(w->wr, placed[i].var);
        for (size_t k = 0; f && k < bib_field_name_count(f); k++) {
            xml_out_open_path(w->o, p, p->n - 1);
            write_one_name(w, bib_field_name_at(f, k), placed[i].role);
        }
    }
    /* a thesis's publisher is its degree grantor, as bibutils writes it */
    const char *pub = bib_record_text(rec, BIB_VAR_PUBLISHER);
    if (ctx == XN_TOP && pub && bib_record_type(rec) == BIB_TYPE_THESIS) {
        bib_name lit = {.literal = pub};
        bib_writer_wrote(w->wr, BIB_VAR_PUBLISHER);
        xml_out_open_path(w->o, p, p->n - 1);
        write_one_name(w, &lit, "degree grantor");
    }
}

static void write_genres(mods_writer *w, const bib_record *rec, const xml_cpath *p, int ctx)
{
    bib_type t = bib_record_type(rec);
    unsigned where = ctx == XN_HOST ? G_HOST : G_TOP;
    for (size_t i = 0; i < NGENRES; i++) {
        if (!genres[i].write || genres[i].type != t || genres[i].where != where)
            continue;
        xml_out_open_path(w->o, p, p->n - 1);
        xml_out_start(w->o, "genre");
        if (genres[i].authority)
            xml_out_attr(w->o, "authority", genres[i].authority);
        xml_out_text(w->o, genres[i].term, strlen(genres[i].term));
        xml_out_end(w->o);
    }
    if (ctx != XN_TOP)
        return;
    if (!type_has_genre(t)) {
        const char *name = bib_type_name(t == BIB_TYPE_UNKNOWN ? BIB_TYPE_DOCUMENT : t);
        xml_out_open_path(w->o, p, p->n - 1);
        xml_out_start(w->o, "genre");
        xml_out_attr(w->o, "authority", "csl");
        xml_out_text(w->o, name, strlen(name));
        xml_out_end(w->o);
    }
    size_t gl;
    const char *g = xml_var_plain(rec, BIB_VAR_GENRE, 0, &w->b, &gl);
    if (g) {
        bib_writer_wrote(w->wr, BIB_VAR_GENRE);
        xml_out_open_path(w->o, p, p->n - 1);
        xml_out_leaf(w->o, &p->step[p->n - 1], g, gl);
    }
}

/* <extent unit="page"> with start and end for a range, else a list. */
static void write_pages(mods_writer *w, const char *v, const xml_cpath *p)
{
    const char *first, *last;
    size_t fl, ll;
    size_t len = strlen(v);
    bib_pages_split(v, len, &first, &fl, &last, &ll);
    xml_out_open_path(w->o, p, p->n - 1);
    xml_out_start(w->o, "extent");
    xml_out_attr(w->o, "unit", "page");
    bool range = fl && !memchr(v, ',', len);
    xml_out_start(w->o, range ? "start" : "list");
    xml_out_text(w->o, range ? first : v, range ? fl : len);
    xml_out_end(w->o);
    if (range && ll) {
        xml_out_start(w->o, "end");
        xml_out_text(w->o, last, ll);
        xml_out_end(w->o);
    }
    xml_out_end(w->o);
}

/* Whether a part's record has anything the host rows write. */
static bool has_host(const bib_record *rec)
{
    static const bib_var host_vars[] = {
        BIB_VAR_CONTAINER_TITLE, BIB_VAR_CONTAINER_TITLE_SHORT, BIB_VAR_CONTAINER_AUTHOR,
        BIB_VAR_EDITOR, BIB_VAR_PUBLISHER, BIB_VAR_PUBLISHER_PLACE, BIB_VAR_EDITION,
        BIB_VAR_ISBN};
    for (size_t i = 0; i < sizeof host_vars / sizeof host_vars[0]; i++)
        if (bib_record_has(rec, host_vars[i]))
            return true;
    return false;
}

/* Where a record's series goes: inside the host for a part that has one,
 * at the top for anything else. False for the rows of the other place. */
static bool series_here(const xml_cpath *p, unsigned cls, bool host_written)
{
    bool host = strcmp(p->step[0].value, "host") == 0;
    int k = host ? 1 : 0;
    if (p->n <= k || strcmp(p->step[k].name, "relatedItem") != 0 ||
        strcmp(p->step[k].value, "series") != 0)
        return true; /* not a series row */
    return host == (cls == XC_PART && host_written);
}

static void write_row(mods_writer *w, const bib_record *rec, size_t i, unsigned cls)
{
    const xml_row *row = &mods_rows[i];
    const xml_cpath *p = &mods_paths[i];
    const xml_step *leaf = &p->step[p->n - 1];
    bool container = bib_record_has(rec, BIB_VAR_CONTAINER_TITLE);
    if (!series_here(p, cls, cls == XC_PART && has_host(rec)))
        return;
    switch (row->kind) {
    case XK_MNAME:
        write_names(w, rec, p, row->ctx, cls);
        return;
    case XK_TYPE:
        if (row->ctx != XN_HOST || container)
            write_genres(w, rec, p, row->ctx);
        return;
    case XK_ISSUANCE:
        if (row->ctx != XN_HOST ? bib_record_type(rec) == BIB_TYPE_BOOK : container) {
            const char *v = row->ctx == XN_HOST && cls == XC_SERIAL ? "continuing" : "monographic";
            xml_out_open_path(w->o, p, p->n - 1);
            xml_out_leaf(w->o, leaf, v, strlen(v));
        }
        return;
    case XK_ID:
        if (xml_text_holds(bib_record_id(rec))) {
            xml_out_open_path(w->o, p, p->n - 1);
            xml_out_leaf(w->o, leaf, bib_record_id(rec), strlen(bib_record_id(rec)));
        }
        return;
    default:
        break;
    }
    const bib_field *f = bib_record_get(rec, row->var);
    if (!f || (row->var == BIB_VAR_PUBLISHER && bib_record_type(rec) == BIB_TYPE_THESIS))
        return;
    bib_writer_wrote(w->wr, row->var);
    if (row->kind == XK_DATE) {
        if (xml_date_text(&w->b, bib_field_date(f))) {
            xml_out_open_path(w->o, p, p->n - 1);
            xml_out_leaf(w->o, leaf, w->b.data, w->b.len);
        }
        return;
    }
    size_t n = row->kind == XK_LIST ? bib_field_value_count(f) : 1;
    for (size_t k = 0; k < n; k++) {
        size_t vl;
        const char *v = xml_var_plain(rec, row->var, k, &w->b, &vl);
        if (!v)
            continue;
        if (row->kind == XK_PAGES) {
            write_pages(w, v, p);
        } else if (row->kind == XK_TITLE) {
            xml_out_open_path(w->o, p, p->n);
            xml_out_start(w->o, "title");
            xml_out_text(w->o, v, vl);
            xml_out_end(w->o);
            xml_out_open_path(w->o, p, p->n - 1);
        } else {
            xml_out_open_path(w->o, p, p->n - 1);
            xml_out_leaf(w->o, leaf, v, vl);
        }
    }
}

/* An xsd:ID: a letter or '_', then letters, digits, '.', '-', '_'. */
static bool is_ncname(const char *s)
{
    if (!isalpha((unsigned char)*s) && *s != '_')
        return false;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("._-", *s))
            return false;
    return true;
}

static void write_extras(mods_writer *w, const bib_record *rec)
{
    for (size_t i = 0; i < bib_record_extra_count(rec); i++) {
        const char *fmt, *name, *value;
        size_t vl;
        xml_cpath p;
        if (bib_record_extra_at(rec, i, &fmt, &name, &value, &vl) < 0 ||
            strcmp(fmt, "mods") != 0 || xml_compile_one(name, &p) < 0)
            continue;
        xml_out_open_path(w->o, &p, p.n - 1);
        xml_out_leaf(w->o, &p.step[p.n - 1], value, vl);
    }
}

/* Whether rec holds a name the writer places (placed[]): the name rows of
 * mods_rows carry no variable, so xml_writes_nothing cannot see them. */
static bool holds_placed_name(const bib_record *rec)
{
    for (size_t i = 0; i < sizeof placed / sizeof placed[0]; i++)
        if (bib_record_holds(rec, placed[i].var))
            return true;
    return false;
}

static int mods_write(bib_writer *wr, const bib_record *rec)
{
    mods_writer *w = bib_writer_state(wr);
    unsigned cls = xml_type_class(bib_record_type(rec));
    const char *id = bib_record_id(rec);
    /* an entry of names alone is written even when its key is no xs:ID
     * (BibLaTeX's @nameonly "9.44:1a" was refused as holding nothing) */
    if (xml_writes_nothing(rec, mods_rows, MODS_NROWS, cls, "mods",
                           (id && is_ncname(id)) || holds_placed_name(rec)))
        return xml_refuse_empty(bib_writer_output(wr), rec, "MODS");
    xml_out_start(w->o, "mods");
    if (id && is_ncname(id))
        xml_out_attr(w->o, "ID", id);
    for (size_t i = 0; i < MODS_NROWS; i++)
        if ((mods_rows[i].dir & XD_WR) && (mods_rows[i].when & cls))
            write_row(w, rec, i, cls);
    write_extras(w, rec);
    xml_out_close_all(w->o);
    xml_out_end(w->o);
    return xml_out_record_done(w->o, bib_writer_output(wr), &w->b);
}

static int mods_end(bib_writer *wr)
{
    mods_writer *w = bib_writer_state(wr);
    int rc = xml_out_end_run(w->o, w->begun, bib_writer_output(wr));
    bib_buf_clear(&w->b);
    return rc;
}

const bib_writer_ops xml_mods_writer_ops = {
    .state_size = sizeof(mods_writer),
    .begin = mods_begin,
    .write = mods_write,
    .end = mods_end,
    .options = NULL,
};
