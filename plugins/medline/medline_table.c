/* SPDX-License-Identifier: MIT */
/*
 * medline_table.c - the MEDLINE crosswalk as data: one row per tag, read by
 * both directions (docs/medline.md, "The field table"). The reader maps a
 * tag through its first row without TG_F_WRITE_ONLY (no row: an extra); the
 * writer walks the rows in this order, PubMed's own output order, and
 * writes those without TG_F_READ_ONLY. Tags kept as extras that have a
 * TG_K_EXTRA row are written back at that row's place.
 *
 * Not for: the special kinds' code (medline_reader.c, medline_writer.c).
 */
#include <string.h>
#include <strings.h>

#include "medlinefmt.h"

#define RO TG_F_READ_ONLY

/* columns: tag, who writes it, CSL variable, kind, flags */
const tg_field medline_fields[] = {
    {"PMID", "PubMed", BIB_VAR_PMID, TG_K_TEXT, 0},
    {"OWN", "PubMed (owner)", BIB_VAR_NONE, TG_K_EXTRA, 0},
    {"STAT", "PubMed (status)", BIB_VAR_NONE, TG_K_EXTRA, 0},
    {"DCOM", "PubMed (date completed)", BIB_VAR_NONE, TG_K_EXTRA, 0},
    {"LR", "PubMed (date revised)", BIB_VAR_NONE, TG_K_EXTRA, 0},
    {"IS", "PubMed", BIB_VAR_ISSN, TG_K_ISSN, 0},
    {"ISBN", "PubMed Bookshelf", BIB_VAR_ISBN, TG_K_MULTI, 0},
    {"VI", "PubMed", BIB_VAR_VOLUME, TG_K_TEXT, 0},
    {"IP", "PubMed", BIB_VAR_ISSUE, TG_K_TEXT, 0},
    {"DP", "PubMed", BIB_VAR_ISSUED, ML_K_DATE, 0},
    {"TI", "PubMed", BIB_VAR_TITLE, TG_K_TEXT, 0},
    {"BTI", "PubMed Bookshelf (book title)", BIB_VAR_CONTAINER_TITLE, TG_K_TEXT, RO},
    {"PG", "PubMed", BIB_VAR_PAGE, TG_K_TEXT, 0},
    /* the DOI is written as AID; LID is read (first [doi] of the two wins) */
    {"LID", "PubMed (location id)", BIB_VAR_DOI, ML_K_AID, RO},
    {"AB", "PubMed", BIB_VAR_ABSTRACT, TG_K_TEXT, 0},
    {"CI", "PubMed (copyright)", BIB_VAR_NONE, TG_K_EXTRA, 0},
    /* FAU writes every author as FAU and AU (or CN for an institution) */
    {"FAU", "PubMed", BIB_VAR_AUTHOR, ML_K_FAU, 0},
    {"AU", "PubMed", BIB_VAR_AUTHOR, ML_K_AU, RO},
    /* affiliations follow their author in PubMed's files; CSL names have
     * none, so they are kept and written after the names */
    {"AD", "PubMed (affiliation)", BIB_VAR_NONE, TG_K_EXTRA, 0},
    {"CN", "PubMed (collective name)", BIB_VAR_AUTHOR, ML_K_CN, RO},
    {"FED", "PubMed Bookshelf (editor)", BIB_VAR_EDITOR, ML_K_FAU, 0},
    {"ED", "PubMed Bookshelf (editor)", BIB_VAR_EDITOR, ML_K_AU, RO},
    {"LA", "PubMed", BIB_VAR_LANGUAGE, TG_K_TEXT, 0},
    {"GR", "PubMed (grant)", BIB_VAR_NONE, TG_K_EXTRA, 0},
    {"PT", "PubMed", BIB_VAR_NONE, ML_K_PT, TG_F_EXTRAS_HERE},
    {"DEP", "PubMed (electronic publication)", BIB_VAR_AVAILABLE_DATE, ML_K_DATE, TG_F_WHOLE_DAY},
    {"PL", "PubMed (country)", BIB_VAR_NONE, TG_K_EXTRA, 0},
    {"TA", "PubMed", BIB_VAR_CONTAINER_TITLE_SHORT, TG_K_TEXT, 0},
    {"JT", "PubMed", BIB_VAR_CONTAINER_TITLE, TG_K_TEXT, 0},
    {"JID", "PubMed (NLM journal id)", BIB_VAR_NONE, TG_K_EXTRA, 0},
    {"PB", "PubMed Bookshelf", BIB_VAR_PUBLISHER, TG_K_TEXT, 0},
    {"SB", "PubMed (subset)", BIB_VAR_NONE, TG_K_EXTRA, 0},
    {"MH", "PubMed (MeSH heading)", BIB_VAR_NONE, TG_K_EXTRA, 0},
    {"OT", "PubMed (other term)", BIB_VAR_KEYWORD, TG_K_MULTI, 0},
    {"EDAT", "PubMed", BIB_VAR_NONE, TG_K_EXTRA, 0},
    {"MHDA", "PubMed", BIB_VAR_NONE, TG_K_EXTRA, 0},
    {"CRDT", "PubMed", BIB_VAR_NONE, TG_K_EXTRA, 0},
    {"PHST", "PubMed", BIB_VAR_NONE, TG_K_EXTRA, 0},
    {"AID", "PubMed", BIB_VAR_DOI, ML_K_AID, TG_F_EXTRAS_HERE},
    {"PST", "PubMed", BIB_VAR_NONE, TG_K_EXTRA, 0},
    {"SO", "PubMed (source line)", BIB_VAR_NONE, TG_K_EXTRA, 0},
    {"PMC", "PubMed Central", BIB_VAR_PMCID, TG_K_TEXT, 0},
    {"URL", "some exports", BIB_VAR_URL, TG_K_MULTI, 0},
#ifdef MEDLINE_TEST_EXTRA_ROW
    MEDLINE_TEST_EXTRA_ROW,
#endif
};

const size_t medline_nfields = sizeof medline_fields / sizeof medline_fields[0];

/* PT values that name a CSL type; the first PT of a record that is here
 * gives its type. Other PT values (Review, Case Reports...) are kept. */
static const struct {
    const char *pt;
    bib_type type;
} pt_types[] = {
    {"Journal Article", BIB_TYPE_ARTICLE_JOURNAL},
    {"Preprint", BIB_TYPE_ARTICLE},
    {"Dataset", BIB_TYPE_DATASET},
    {"Congress", BIB_TYPE_PAPER_CONFERENCE},
    {"Newspaper Article", BIB_TYPE_ARTICLE_NEWSPAPER},
    {"Legal Case", BIB_TYPE_LEGAL_CASE},
    {"Legislation", BIB_TYPE_LEGISLATION},
    {"Webcast", BIB_TYPE_BROADCAST},
    {"Technical Report", BIB_TYPE_REPORT},
    {"Academic Dissertation", BIB_TYPE_THESIS},
};

bib_type medline_type_from_pt(const char *s, size_t len)
{
    for (size_t i = 0; i < sizeof pt_types / sizeof pt_types[0]; i++)
        if (strlen(pt_types[i].pt) == len && strncasecmp(pt_types[i].pt, s, len) == 0)
            return pt_types[i].type;
    /* the writer's PT for a type MEDLINE has no name for: the CSL name in
     * lower case, which no PubMed type is spelled as (docs/medline.md) */
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || s[i] == '-' || s[i] == '_'))
            return BIB_TYPE_UNKNOWN;
    return bib_type_from_name(s, len);
}

const char *medline_pt_of_type(bib_type t)
{
    for (size_t i = 0; i < sizeof pt_types / sizeof pt_types[0]; i++)
        if (pt_types[i].type == t)
            return pt_types[i].pt;
    const char *name = bib_type_name(t);
    return name && *name ? name : pt_types[0].pt;
}
