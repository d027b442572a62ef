/* SPDX-License-Identifier: MIT */
/*
 * zt_table.c - Zotero's item model mapped to CSL as Zotero itself maps it,
 * as data: item types, base fields, type-specific fields and creator types.
 * The facts are those of the `csl` section and the `baseField` links of
 * Zotero's schema.json (zotero/zotero-schema, schema version 41) and of
 * Zotero's itemToCSLJSON (docs/zoterojson.md, "The mapping"). Each array is
 * sorted by its name column (byte order) for bsearch; tests/zotero checks
 * the order.
 *
 * Not for: the special cases' code (zt_item.c: citationKey, extra, tags,
 * creators' name parts; zt_extra.c: the Extra lines).
 */
#include <stdlib.h>
#include <string.h>

#include "ztfmt.h"

/* columns: itemType, CSL type, flags, primary creator type (an unmapped
 * primary creator type is read as author, as Zotero does) */
static const zt_type types[] = {
    {"annotation", BIB_TYPE_DOCUMENT, ZT_T_NOT_RECORD, NULL},
    {"artwork", BIB_TYPE_GRAPHIC, 0, "artist"},
    {"attachment", BIB_TYPE_DOCUMENT, ZT_T_NOT_RECORD, NULL},
    {"audioRecording", BIB_TYPE_SONG, ZT_T_EVENT_PLACE, "performer"},
    {"bill", BIB_TYPE_BILL, 0, "sponsor"},
    {"blogPost", BIB_TYPE_POST_WEBLOG, 0, "author"},
    {"book", BIB_TYPE_BOOK, 0, "author"},
    {"bookSection", BIB_TYPE_CHAPTER, 0, "author"},
    {"case", BIB_TYPE_LEGAL_CASE, 0, "author"},
    {"computerProgram", BIB_TYPE_SOFTWARE, 0, "programmer"},
    {"conferencePaper", BIB_TYPE_PAPER_CONFERENCE, 0, "author"},
    {"dataset", BIB_TYPE_DATASET, 0, "author"},
    {"dictionaryEntry", BIB_TYPE_ENTRY_DICTIONARY, 0, "author"},
    {"document", BIB_TYPE_DOCUMENT, 0, "author"},
    {"email", BIB_TYPE_PERSONAL_COMMUNICATION, 0, "author"},
    {"encyclopediaArticle", BIB_TYPE_ENTRY_ENCYCLOPEDIA, 0, "author"},
    {"film", BIB_TYPE_MOTION_PICTURE, 0, "director"},
    {"forumPost", BIB_TYPE_POST, 0, "author"},
    {"hearing", BIB_TYPE_HEARING, 0, "contributor"},
    {"instantMessage", BIB_TYPE_PERSONAL_COMMUNICATION, 0, "author"},
    {"interview", BIB_TYPE_INTERVIEW, 0, "interviewee"},
    {"journalArticle", BIB_TYPE_ARTICLE_JOURNAL, 0, "author"},
    {"letter", BIB_TYPE_PERSONAL_COMMUNICATION, 0, "author"},
    {"magazineArticle", BIB_TYPE_ARTICLE_MAGAZINE, 0, "author"},
    {"manuscript", BIB_TYPE_MANUSCRIPT, 0, "author"},
    {"map", BIB_TYPE_MAP, 0, "cartographer"},
    {"newspaperArticle", BIB_TYPE_ARTICLE_NEWSPAPER, 0, "author"},
    {"note", BIB_TYPE_DOCUMENT, ZT_T_NOT_RECORD, NULL},
    {"patent", BIB_TYPE_PATENT, 0, "inventor"},
    {"podcast", BIB_TYPE_BROADCAST, 0, "podcaster"},
    {"preprint", BIB_TYPE_ARTICLE, 0, "author"},
    {"presentation", BIB_TYPE_SPEECH, ZT_T_EVENT_PLACE, "presenter"},
    {"radioBroadcast", BIB_TYPE_BROADCAST, 0, "creator"},
    {"report", BIB_TYPE_REPORT, 0, "author"},
    {"standard", BIB_TYPE_STANDARD, 0, "author"},
    {"statute", BIB_TYPE_LEGISLATION, 0, "author"},
    {"thesis", BIB_TYPE_THESIS, 0, "author"},
    {"tvBroadcast", BIB_TYPE_BROADCAST, 0, "director"},
    {"videoRecording", BIB_TYPE_MOTION_PICTURE, ZT_T_EVENT_PLACE, "creator"},
    {"webpage", BIB_TYPE_WEBPAGE, 0, "author"},
};

/* columns: base field, CSL variable, rank among the fields of that
 * variable (Zotero takes the first one present). `extra` (note) and
 * `citationKey` (the id) are special cases of zt_item.c. */
static const zt_field fields[] = {
    {"DOI", BIB_VAR_DOI, 0},
    {"ISBN", BIB_VAR_ISBN, 0},
    {"ISSN", BIB_VAR_ISSN, 0},
    {"PMCID", BIB_VAR_PMCID, 0},
    {"PMID", BIB_VAR_PMID, 0},
    {"abstractNote", BIB_VAR_ABSTRACT, 0},
    {"accessDate", BIB_VAR_ACCESSED, 0},
    {"applicationNumber", BIB_VAR_CALL_NUMBER, 1},
    {"archive", BIB_VAR_ARCHIVE, 0},
    {"archiveLocation", BIB_VAR_ARCHIVE_LOCATION, 0},
    {"artworkSize", BIB_VAR_DIMENSIONS, 0},
    {"authority", BIB_VAR_AUTHORITY, 0},
    {"callNumber", BIB_VAR_CALL_NUMBER, 0},
    {"code", BIB_VAR_CONTAINER_TITLE, 2},
    {"codeNumber", BIB_VAR_VOLUME, 1},
    {"committee", BIB_VAR_SECTION, 1},
    {"conferenceName", BIB_VAR_EVENT_TITLE, 1},
    {"date", BIB_VAR_ISSUED, 0},
    {"edition", BIB_VAR_EDITION, 0},
    {"eventPlace", BIB_VAR_EVENT_PLACE, 0},
    {"filingDate", BIB_VAR_SUBMITTED, 0},
    {"history", BIB_VAR_REFERENCES, 0},
    {"issue", BIB_VAR_ISSUE, 0},
    {"journalAbbreviation", BIB_VAR_CONTAINER_TITLE_SHORT, 0},
    {"language", BIB_VAR_LANGUAGE, 0},
    {"libraryCatalog", BIB_VAR_SOURCE, 0},
    {"medium", BIB_VAR_MEDIUM, 0},
    {"meetingName", BIB_VAR_EVENT_TITLE, 0},
    {"numPages", BIB_VAR_NUMBER_OF_PAGES, 0},
    {"number", BIB_VAR_NUMBER, 0},
    {"numberOfVolumes", BIB_VAR_NUMBER_OF_VOLUMES, 0},
    {"originalDate", BIB_VAR_ORIGINAL_DATE, 0},
    {"originalPlace", BIB_VAR_ORIGINAL_PUBLISHER_PLACE, 0},
    {"originalPublisher", BIB_VAR_ORIGINAL_PUBLISHER, 0},
    {"pages", BIB_VAR_PAGE, 0},
    {"partNumber", BIB_VAR_PART_NUMBER, 0},
    {"partTitle", BIB_VAR_PART_TITLE, 0},
    {"place", BIB_VAR_PUBLISHER_PLACE, 0},
    {"priorityNumbers", BIB_VAR_ISSUE, 1},
    {"programmingLanguage", BIB_VAR_GENRE, 1},
    {"publicationTitle", BIB_VAR_CONTAINER_TITLE, 0},
    {"publisher", BIB_VAR_PUBLISHER, 0},
    {"references", BIB_VAR_REFERENCES, 1},
    {"reporter", BIB_VAR_CONTAINER_TITLE, 1},
    {"rights", BIB_VAR_LICENSE, 0},
    {"runningTime", BIB_VAR_DIMENSIONS, 1},
    {"scale", BIB_VAR_SCALE, 0},
    {"section", BIB_VAR_SECTION, 0},
    {"series", BIB_VAR_COLLECTION_TITLE, 1},
    {"seriesNumber", BIB_VAR_COLLECTION_NUMBER, 0},
    {"seriesTitle", BIB_VAR_COLLECTION_TITLE, 0},
    {"session", BIB_VAR_CHAPTER_NUMBER, 0},
    {"shortTitle", BIB_VAR_TITLE_SHORT, 0},
    {"status", BIB_VAR_STATUS, 0},
    {"system", BIB_VAR_MEDIUM, 1},
    {"title", BIB_VAR_TITLE, 0},
    {"type", BIB_VAR_GENRE, 0},
    {"url", BIB_VAR_URL, 0},
    {"versionNumber", BIB_VAR_VERSION, 0},
    {"volume", BIB_VAR_VOLUME, 0},
};

/* type-specific field -> base field (schema.json `baseField`) */
static const zt_alias aliases[] = {
    {"archiveID", "number"},
    {"artworkMedium", "medium"},
    {"audioFileType", "medium"},
    {"audioRecordingFormat", "medium"},
    {"billNumber", "number"},
    {"blogTitle", "publicationTitle"},
    {"bookTitle", "publicationTitle"},
    {"caseName", "title"},
    {"codePages", "pages"},
    {"codeVolume", "volume"},
    {"company", "publisher"},
    {"court", "authority"},
    {"dateDecided", "date"},
    {"dateEnacted", "date"},
    {"dictionaryTitle", "publicationTitle"},
    {"distributor", "publisher"},
    {"docketNumber", "number"},
    {"documentNumber", "number"},
    {"encyclopediaTitle", "publicationTitle"},
    {"episodeNumber", "number"},
    {"firstPage", "pages"},
    {"format", "medium"},
    {"forumTitle", "publicationTitle"},
    {"genre", "type"},
    {"identifier", "number"},
    {"institution", "publisher"},
    {"interviewMedium", "medium"},
    {"issueDate", "date"},
    {"issuingAuthority", "authority"},
    {"label", "publisher"},
    {"legalStatus", "status"},
    {"legislativeBody", "authority"},
    {"letterType", "type"},
    {"manuscriptType", "type"},
    {"mapType", "type"},
    {"nameOfAct", "title"},
    {"network", "publisher"},
    {"organization", "authority"},
    {"patentNumber", "number"},
    {"postType", "type"},
    {"presentationType", "type"},
    {"priorityDate", "originalDate"},
    {"proceedingsTitle", "publicationTitle"},
    {"programTitle", "publicationTitle"},
    {"publicLawNumber", "number"},
    {"reportNumber", "number"},
    {"reportType", "type"},
    {"reporterVolume", "volume"},
    {"repository", "publisher"},
    {"repositoryLocation", "place"},
    {"sessionTitle", "publicationTitle"},
    {"studio", "publisher"},
    {"subject", "title"},
    {"thesisType", "type"},
    {"university", "publisher"},
    {"videoRecordingFormat", "medium"},
    {"websiteTitle", "publicationTitle"},
    {"websiteType", "type"},
};

/* creatorType -> CSL name variable; other creator types are kept as
 * extras unless primary for the item type. */
static const zt_creator creators[] = {
    {"author", BIB_VAR_AUTHOR},
    {"bookAuthor", BIB_VAR_CONTAINER_AUTHOR},
    {"castMember", BIB_VAR_PERFORMER},
    {"chair", BIB_VAR_CHAIR},
    {"composer", BIB_VAR_COMPOSER},
    {"contributor", BIB_VAR_CONTRIBUTOR},
    {"creator", BIB_VAR_AUTHOR},
    {"director", BIB_VAR_DIRECTOR},
    {"editor", BIB_VAR_EDITOR},
    {"executiveProducer", BIB_VAR_EXECUTIVE_PRODUCER},
    {"guest", BIB_VAR_GUEST},
    {"host", BIB_VAR_HOST},
    {"interviewer", BIB_VAR_INTERVIEWER},
    {"narrator", BIB_VAR_NARRATOR},
    {"organizer", BIB_VAR_ORGANIZER},
    {"originalCreator", BIB_VAR_ORIGINAL_AUTHOR},
    {"podcaster", BIB_VAR_HOST},
    {"producer", BIB_VAR_PRODUCER},
    {"recipient", BIB_VAR_RECIPIENT},
    {"reviewedAuthor", BIB_VAR_REVIEWED_AUTHOR},
    {"scriptwriter", BIB_VAR_SCRIPT_WRITER},
    {"seriesCreator", BIB_VAR_SERIES_CREATOR},
    {"seriesEditor", BIB_VAR_COLLECTION_EDITOR},
    {"translator", BIB_VAR_TRANSLATOR},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static int cmp_name(const void *key, const void *row)
{
    /* every row type starts with its name */
    return strcmp((const char *)key, *(const char *const *)row);
}

const zt_type *zt_type_find(const char *name)
{
    return bsearch(name, types, COUNT(types), sizeof types[0], cmp_name);
}

const zt_field *zt_field_find(const char *name)
{
    const zt_alias *a = bsearch(name, aliases, COUNT(aliases), sizeof aliases[0], cmp_name);
    if (a)
        name = a->base;
    return bsearch(name, fields, COUNT(fields), sizeof fields[0], cmp_name);
}

const zt_creator *zt_creator_find(const char *name)
{
    return bsearch(name, creators, COUNT(creators), sizeof creators[0], cmp_name);
}

/* For the tests: 0 when every table is sorted, else the line of the first
 * row out of order in the table's order of declaration (1-based index). */
int zt_table_check(void);
int zt_table_check(void)
{
    for (size_t i = 1; i < COUNT(types); i++)
        if (strcmp(types[i - 1].zotero, types[i].zotero) >= 0)
            return (int)i;
    for (size_t i = 1; i < COUNT(fields); i++)
        if (strcmp(fields[i - 1].zotero, fields[i].zotero) >= 0)
            return (int)i;
    for (size_t i = 1; i < COUNT(aliases); i++)
        if (strcmp(aliases[i - 1].zotero, aliases[i].zotero) >= 0)
            return (int)i;
    for (size_t i = 1; i < COUNT(creators); i++)
        if (strcmp(creators[i - 1].zotero, creators[i].zotero) >= 0)
            return (int)i;
    return 0;
}
