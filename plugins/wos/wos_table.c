/* SPDX-License-Identifier: MIT */
/*
 * wos_table.c - the Web of Science crosswalk as data: one row per tag, read
 * by both directions (docs/wos.md, "The field table"). The reader maps a
 * tag through its row (no row: an extra); the writer walks the rows in
 * this order, the order of Web of Science's own export, and writes them;
 * tags kept as extras are written back at their row's place.
 *
 * Not for: the special kinds' code (wos_reader.c, wos_writer.c).
 */
#include <string.h>
#include <strings.h>

#include "wosfmt.h"

#define X TG_K_EXTRA
#define L TG_F_LINES
#define H TG_F_EXTRAS_HERE
#define N BIB_VAR_NONE

/* columns: tag, what it is, CSL variable, kind, flags */
const tg_field wos_fields[] = {
    {"PT", "publication type", N, WOS_K_PT, H},
    {"AU", "authors, short", BIB_VAR_AUTHOR, WOS_K_AU, L | H},
    {"BA", "book authors, short", N, X, L},
    {"BE", "book editors", BIB_VAR_EDITOR, WOS_K_AF, L},
    {"GP", "book group authors", N, X, L},
    {"AF", "authors, full", BIB_VAR_AUTHOR, WOS_K_AF, L},
    {"BF", "book authors, full", N, X, L},
    {"CA", "group authors", BIB_VAR_AUTHOR, WOS_K_CA, L},
    {"TI", "title", BIB_VAR_TITLE, TG_K_TEXT, 0},
    {"SO", "source", BIB_VAR_CONTAINER_TITLE, TG_K_TEXT, 0},
    {"SE", "book series", BIB_VAR_COLLECTION_TITLE, TG_K_TEXT, 0},
    {"BS", "book series subtitle", N, X, 0},
    {"LA", "language", BIB_VAR_LANGUAGE, TG_K_TEXT, 0},
    {"DT", "document type", N, WOS_K_DT, H},
    {"CT", "conference title", BIB_VAR_EVENT_TITLE, TG_K_TEXT, 0},
    {"CY", "conference date", N, X, 0},
    {"CL", "conference location", BIB_VAR_EVENT_PLACE, TG_K_TEXT, 0},
    {"SP", "conference sponsors", N, X, 0},
    {"HO", "conference host", N, X, 0},
    {"DE", "author keywords", BIB_VAR_KEYWORD, TG_K_KEYWORDS, 0},
    {"ID", "Keywords Plus", N, X, 0},
    {"AB", "abstract", BIB_VAR_ABSTRACT, TG_K_TEXT, 0},
    {"C1", "addresses", N, X, L},
    {"C3", "affiliations", N, X, L},
    {"RP", "reprint address", N, X, L},
    {"EM", "e-mail addresses", N, X, 0},
    {"RI", "ResearcherID numbers", N, X, 0},
    {"OI", "ORCID identifiers", N, X, 0},
    {"FU", "funding agencies", N, X, 0},
    {"FP", "funding programmes", N, X, 0},
    {"FX", "funding text", N, X, 0},
    {"CR", "cited references", N, X, L},
    {"NR", "cited reference count", N, X, 0},
    {"TC", "times cited (WoS core)", N, X, 0},
    {"Z9", "times cited (all)", N, X, 0},
    {"U1", "usage count, 180 days", N, X, 0},
    {"U2", "usage count since 2013", N, X, 0},
    {"PU", "publisher", BIB_VAR_PUBLISHER, TG_K_TEXT, 0},
    {"PI", "publisher city", BIB_VAR_PUBLISHER_PLACE, TG_K_TEXT, 0},
    {"PA", "publisher address", N, X, 0},
    {"SN", "ISSN", BIB_VAR_ISSN, WOS_K_ISSN, 0},
    {"EI", "eISSN", BIB_VAR_ISSN, WOS_K_ISSN, 0},
    {"BN", "ISBN", BIB_VAR_ISBN, TG_K_MULTI, 0},
    {"J9", "29-character source abbreviation", N, X, 0},
    {"JI", "ISO source abbreviation", BIB_VAR_CONTAINER_TITLE_SHORT, TG_K_TEXT, 0},
    {"PD", "publication date", BIB_VAR_ISSUED, WOS_K_PD, 0},
    {"PY", "year published", BIB_VAR_ISSUED, WOS_K_PY, 0},
    {"VL", "volume", BIB_VAR_VOLUME, TG_K_TEXT, 0},
    {"IS", "issue", BIB_VAR_ISSUE, TG_K_TEXT, 0},
    {"PN", "part number", BIB_VAR_PART_NUMBER, TG_K_TEXT, 0},
    {"SU", "supplement", BIB_VAR_SUPPLEMENT_NUMBER, TG_K_TEXT, 0},
    {"SI", "special issue", N, X, 0},
    {"MA", "meeting abstract", N, X, 0},
    {"BP", "beginning page", BIB_VAR_PAGE, WOS_K_BP, 0},
    {"EP", "ending page", BIB_VAR_PAGE, WOS_K_EP, 0},
    {"PS", "page span (older exports)", BIB_VAR_PAGE, WOS_K_PS, TG_F_READ_ONLY},
    {"AR", "article number", BIB_VAR_NUMBER, TG_K_TEXT, 0},
    {"DI", "DOI", BIB_VAR_DOI, TG_K_TEXT, 0},
    {"DL", "DOI link", N, X, 0},
    {"D2", "book DOI", N, X, 0},
    {"EA", "early access date", N, X, 0},
    {"PG", "page count", BIB_VAR_NUMBER_OF_PAGES, TG_K_TEXT, 0},
    {"WC", "Web of Science categories", N, X, 0},
    {"WE", "Web of Science editions", N, X, 0},
    {"SC", "research areas", N, X, 0},
    {"GA", "document delivery number", N, X, 0},
    {"UT", "accession number", N, X, 0},
    {"PM", "PubMed ID", BIB_VAR_PMID, TG_K_TEXT, 0},
    {"OA", "open access", N, X, 0},
    {"HC", "highly cited", N, X, 0},
    {"HP", "hot paper", N, X, 0},
    {"DA", "date of export", N, X, 0},
#ifdef WOS_TEST_EXTRA_ROW
    WOS_TEST_EXTRA_ROW,
#endif
};

const size_t wos_nfields = sizeof wos_fields / sizeof wos_fields[0];

static bool has(const char *s, const char *word)
{
    return s && strstr(s, word) != NULL;
}

bib_type wos_type_of(const char *pt, const char *dt)
{
    if (has(dt, "Proceedings Paper"))
        return BIB_TYPE_PAPER_CONFERENCE;
    if (has(dt, "Book Review"))
        return BIB_TYPE_REVIEW_BOOK;
    if (pt && strcasecmp(pt, "P") == 0)
        return BIB_TYPE_PATENT;
    if (pt && (strcasecmp(pt, "B") == 0 || strcasecmp(pt, "S") == 0))
        return dt && strcasecmp(dt, "Book") == 0 ? BIB_TYPE_BOOK : BIB_TYPE_CHAPTER;
    return BIB_TYPE_ARTICLE_JOURNAL;
}

const char *wos_pt_of_type(bib_type t)
{
    switch (t) {
    case BIB_TYPE_BOOK:
    case BIB_TYPE_CHAPTER:
        return "B";
    case BIB_TYPE_PATENT:
        return "P";
    default:
        return "J";
    }
}

const char *wos_dt_of_type(bib_type t)
{
    switch (t) {
    case BIB_TYPE_BOOK:
        return "Book";
    case BIB_TYPE_PAPER_CONFERENCE:
        return "Proceedings Paper";
    case BIB_TYPE_REVIEW_BOOK:
        return "Book Review";
    case BIB_TYPE_PATENT:
        return "Patent";
    default:
        return "Article";
    }
}
