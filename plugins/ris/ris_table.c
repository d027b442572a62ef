/* SPDX-License-Identifier: MIT */
/*
 * ris_table.c - the RIS crosswalk as data: one row per (tag, variable,
 * condition), read by both directions (docs/ris.md, "The field table").
 * The reader takes the first row of a tag whose read condition holds for
 * the record's TY; the writer walks the rows in this order, which is the
 * output order (Zotero's export order), and writes the rows whose write
 * condition holds. Rows that only one direction uses say NEVER for the
 * other: aliases the reader accepts (T1, JO, N2...) and the tags the writer
 * puts a variable under (JF for a series' journal, SN for each ISBN...).
 *
 * Adding a field is one row here. tests/ris/meson.build builds a copy of
 * the module with -DRIS_TEST_EXTRA_ROW=<row> appended and round-trips it.
 *
 * Not for: the type table and the per-type name roles (ris_map.c), the
 * special cases' code (ris_reader.c, ris_writer.c).
 */
#include <string.h>

#include "risfmt.h"

#define ANY RIS_C_ANY
#define NEVER RIS_C_NEVER
#define RL RIS_F_READ_LINES
#define WL RIS_F_WRITE_LINES

/* columns: tag, flavour, CSL variable, kind, read when, write when, flags */
static const ris_field fields[] = {
    {"ID", "RIS", BIB_VAR_NONE, RIS_K_ID, ANY, ANY, 0},
    {"TI", "RIS", BIB_VAR_TITLE, RIS_K_TEXT, ANY, ANY, 0},
    {"T1", "RIS 2001 (primary title)", BIB_VAR_TITLE, RIS_K_TEXT, ANY, NEVER, 0},
    {"CT", "RIS 2001 (unpublished work)", BIB_VAR_TITLE, RIS_K_TEXT, ANY, NEVER, 0},
    {"BT", "RIS 2001 (book title)", BIB_VAR_TITLE, RIS_K_TEXT, RIS_C_BT_TITLE, NEVER, 0},
    {"BT", "RIS 2001 (book title)", BIB_VAR_CONTAINER_TITLE, RIS_K_TEXT, ANY, NEVER, 0},
    /* the AU row writes every name variable under the tag that reads back
     * as its role for the record's TY (ris_name_tag) */
    {"AU", "RIS", BIB_VAR_NONE, RIS_K_NAMES, ANY, ANY, 0},
    {"A1", "RIS 2001", BIB_VAR_NONE, RIS_K_NAMES, ANY, NEVER, 0},
    {"A2", "RIS", BIB_VAR_NONE, RIS_K_NAMES, ANY, NEVER, 0},
    {"A3", "RIS", BIB_VAR_NONE, RIS_K_NAMES, ANY, NEVER, 0},
    {"A4", "RIS", BIB_VAR_NONE, RIS_K_NAMES, ANY, NEVER, 0},
    {"ED", "RIS 2001, EndNote", BIB_VAR_NONE, RIS_K_NAMES, ANY, NEVER, 0},
    {"T2", "RIS (series types)", BIB_VAR_COLLECTION_TITLE, RIS_K_TEXT, RIS_C_SERIES,
     RIS_C_SERIES, 0},
    {"JF", "RIS 2001, EndNote", BIB_VAR_CONTAINER_TITLE, RIS_K_TEXT, ANY, RIS_C_SERIES, 0},
    {"JO", "RIS 2001", BIB_VAR_CONTAINER_TITLE, RIS_K_TEXT, ANY, NEVER, 0},
    {"T2", "RIS", BIB_VAR_CONTAINER_TITLE, RIS_K_TEXT, ANY, RIS_C_NOT_SERIES, 0},
    {"T3", "RIS", BIB_VAR_COLLECTION_TITLE, RIS_K_TEXT, ANY, RIS_C_NOT_SERIES, 0},
    {"AB", "RIS", BIB_VAR_ABSTRACT, RIS_K_TEXT, ANY, ANY, RL | WL},
    {"N2", "RIS 2001 (abstract)", BIB_VAR_ABSTRACT, RIS_K_TEXT, ANY, NEVER, RL},
    {"C2", "EndNote (PMCID, from PubMed)", BIB_VAR_PMCID, RIS_K_TEXT, RIS_C_JOURNAL, RIS_C_JOURNAL,
     0},
    {"CN", "RIS", BIB_VAR_CALL_NUMBER, RIS_K_TEXT, ANY, ANY, 0},
    {"CY", "RIS", BIB_VAR_PUBLISHER_PLACE, RIS_K_TEXT, ANY, ANY, 0},
    {"PP", "JabRef, some vendors", BIB_VAR_PUBLISHER_PLACE, RIS_K_TEXT, ANY, NEVER, 0},
    /* PY writes the issued date as PY and DA (or PY alone where DA is the
     * access date) */
    {"PY", "RIS", BIB_VAR_ISSUED, RIS_K_ISSUED, ANY, ANY, 0},
    {"DA", "RIS 2011, Zotero, EndNote", BIB_VAR_ISSUED, RIS_K_ISSUED, ANY, NEVER, 0},
    {"Y1", "RIS 2001; Taylor & Francis", BIB_VAR_ISSUED, RIS_K_ISSUED, ANY, NEVER, 0},
    {"DO", "RIS", BIB_VAR_DOI, RIS_K_DOI, ANY, ANY, 0},
    {"DI", "Web of Science style exports", BIB_VAR_DOI, RIS_K_DOI, ANY, NEVER, 0},
    {"DP", "RIS 2011, Zotero (database provider)", BIB_VAR_SOURCE, RIS_K_TEXT, ANY, ANY, 0},
    {"DB", "EndNote, Scopus (database name)", BIB_VAR_SOURCE, RIS_K_TEXT, ANY, NEVER, 0},
    {"ET", "RIS (software, data)", BIB_VAR_VERSION, RIS_K_TEXT, RIS_C_VERSIONED,
     RIS_C_VERSIONED, 0},
    {"ET", "RIS", BIB_VAR_EDITION, RIS_K_TEXT, ANY, RIS_C_NOT_VERSIONED, 0},
    {"VL", "RIS", BIB_VAR_VOLUME, RIS_K_TEXT, ANY, ANY, 0},
    {"IS", "RIS", BIB_VAR_ISSUE, RIS_K_TEXT, ANY, ANY, 0},
    {"CP", "RIS 2001 (undefined there; issue as citation-js reads it)", BIB_VAR_ISSUE, RIS_K_TEXT, ANY, NEVER, 0},
    /* SP writes page (split at its one range) or number-of-pages */
    {"SP", "RIS", BIB_VAR_PAGE, RIS_K_PAGES, ANY, ANY, 0},
    {"EP", "RIS", BIB_VAR_PAGE, RIS_K_PAGES, ANY, NEVER, 0},
    {"J2", "RIS 2011, Zotero, EndNote", BIB_VAR_CONTAINER_TITLE_SHORT, RIS_K_TEXT, ANY, ANY,
     0},
    {"JA", "RIS 2001", BIB_VAR_CONTAINER_TITLE_SHORT, RIS_K_TEXT, ANY, NEVER, 0},
    {"J1", "RIS 2001", BIB_VAR_CONTAINER_TITLE_SHORT, RIS_K_TEXT, ANY, NEVER, 0},
    {"LA", "RIS", BIB_VAR_LANGUAGE, RIS_K_TEXT, ANY, ANY, 0},
    {"C7", "EndNote (article number)", BIB_VAR_NUMBER, RIS_K_TEXT, RIS_C_JOURNAL,
     RIS_C_JOURNAL, 0},
    {"M1", "RIS", BIB_VAR_NUMBER, RIS_K_TEXT, ANY, RIS_C_PLAIN, 0},
    {"M3", "RIS 2011; older EndNote (a DOI)", BIB_VAR_GENRE, RIS_K_DOI_OR, ANY, ANY, 0},
    {"NV", "RIS", BIB_VAR_NUMBER_OF_VOLUMES, RIS_K_TEXT, ANY, ANY, 0},
    {"OP", "RIS", BIB_VAR_ORIGINAL_TITLE, RIS_K_TEXT, ANY, ANY, 0},
    {"PB", "RIS", BIB_VAR_PUBLISHER, RIS_K_TEXT, ANY, ANY, 0},
    {"RI", "RIS", BIB_VAR_REVIEWED_TITLE, RIS_K_TEXT, ANY, ANY, 0},
    {"SE", "RIS", BIB_VAR_SECTION, RIS_K_TEXT, ANY, ANY, 0},
    /* one SN row reads (the shape decides the variable); three write */
    {"SN", "RIS", BIB_VAR_ISBN, RIS_K_SN, ANY, ANY, 0},
    {"SN", "RIS", BIB_VAR_ISSN, RIS_K_TEXT, NEVER, ANY, 0},
    {"SN", "RIS (report, patent, standard)", BIB_VAR_NUMBER, RIS_K_TEXT, NEVER,
     RIS_C_NUMBERED, 0},
    {"ST", "RIS", BIB_VAR_TITLE_SHORT, RIS_K_TEXT, ANY, ANY, 0},
    {"SV", "RIS", BIB_VAR_COLLECTION_NUMBER, RIS_K_TEXT, ANY, ANY, 0},
    {"UR", "RIS", BIB_VAR_URL, RIS_K_TEXT, ANY, ANY, 0},
    {"AV", "RIS", BIB_VAR_ARCHIVE_LOCATION, RIS_K_TEXT, ANY, ANY, 0},
    {"Y2", "RIS, Zotero", BIB_VAR_ACCESSED, RIS_K_DATE, ANY, ANY, 0},
    /* a Y1 that disagrees with the issued date is read as this (ISSUED) */
    {"Y1", "Taylor & Francis (online date)", BIB_VAR_AVAILABLE_DATE, RIS_K_DATE, NEVER, ANY,
     0},
    {"N1", "RIS; ProCite (Call Number:)", BIB_VAR_NOTE, RIS_K_NOTE, ANY, ANY, RL | WL},
    {"RN", "RIS", BIB_VAR_ANNOTE, RIS_K_TEXT, ANY, ANY, RL},
    {"KW", "RIS", BIB_VAR_KEYWORD, RIS_K_KEYWORDS, ANY, ANY, RL},
#ifdef RIS_TEST_EXTRA_ROW
    RIS_TEST_EXTRA_ROW,
#endif
};

/* the reader's tag index holds row numbers in an unsigned char */
_Static_assert(sizeof fields / sizeof fields[0] < 255, "too many rows for the tag index");

const ris_field *const ris_fields = fields;
const size_t ris_nfields = sizeof fields / sizeof fields[0];

static bool code_is(const char *code, const char *const *set)
{
    for (; *set; set++)
        if (ris_streq(code, *set))
            return true;
    return false;
}

unsigned ris_cond_mask(const char *code)
{
    static const char *const numbered[] = {"RPRT", "GOVDOC", "PAT", "STAND", NULL};
    static const char *const versioned[] = {"COMP", "DATA", NULL};
    static const char *const bt_title[] = {"BOOK", "UNPB", NULL};
    bool series = ris_type_series_t2(code), journal = ris_type_journal(code);
    bool num = code_is(code, numbered), ver = code_is(code, versioned);
    unsigned m = 1u << RIS_C_ANY;
    m |= 1u << (series ? RIS_C_SERIES : RIS_C_NOT_SERIES);
    m |= 1u << (ver ? RIS_C_VERSIONED : RIS_C_NOT_VERSIONED);
    if (journal)
        m |= 1u << RIS_C_JOURNAL;
    if (num)
        m |= 1u << RIS_C_NUMBERED;
    if (!journal && !num)
        m |= 1u << RIS_C_PLAIN;
    if (code_is(code, bt_title))
        m |= 1u << RIS_C_BT_TITLE;
    return m;
}
