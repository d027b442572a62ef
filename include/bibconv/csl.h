/* SPDX-License-Identifier: MIT */
/*
 * csl.h - the CSL 1.0.2 vocabulary the record model is built on: item types,
 * variables, and the kind of value each variable holds, with name <-> enum
 * lookups. Mechanical and long, so kept apart from record.h.
 *
 * The inventory follows CSL 1.0.2 (spec appendices III and IV) and the
 * csl-data.json schema; see docs/record-model.md for the spelling choices.
 */
#ifndef BIBCONV_CSL_H
#define BIBCONV_CSL_H

#include "common.h"

BIB_BEGIN_DECLS

/* The 45 CSL item types. BIB_TYPE_UNKNOWN is "no type given"; writers treat
 * it as `document`. Values are stable within one plugin ABI version. */
typedef enum bib_type {
    BIB_TYPE_UNKNOWN = 0,
    BIB_TYPE_ARTICLE,
    BIB_TYPE_ARTICLE_JOURNAL,
    BIB_TYPE_ARTICLE_MAGAZINE,
    BIB_TYPE_ARTICLE_NEWSPAPER,
    BIB_TYPE_BILL,
    BIB_TYPE_BOOK,
    BIB_TYPE_BROADCAST,
    BIB_TYPE_CHAPTER,
    BIB_TYPE_CLASSIC,
    BIB_TYPE_COLLECTION,
    BIB_TYPE_DATASET,
    BIB_TYPE_DOCUMENT,
    BIB_TYPE_ENTRY,
    BIB_TYPE_ENTRY_DICTIONARY,
    BIB_TYPE_ENTRY_ENCYCLOPEDIA,
    BIB_TYPE_EVENT,
    BIB_TYPE_FIGURE,
    BIB_TYPE_GRAPHIC,
    BIB_TYPE_HEARING,
    BIB_TYPE_INTERVIEW,
    BIB_TYPE_LEGAL_CASE,
    BIB_TYPE_LEGISLATION,
    BIB_TYPE_MANUSCRIPT,
    BIB_TYPE_MAP,
    BIB_TYPE_MOTION_PICTURE,
    BIB_TYPE_MUSICAL_SCORE,
    BIB_TYPE_PAMPHLET,
    BIB_TYPE_PAPER_CONFERENCE,
    BIB_TYPE_PATENT,
    BIB_TYPE_PERFORMANCE,
    BIB_TYPE_PERIODICAL,
    BIB_TYPE_PERSONAL_COMMUNICATION,
    BIB_TYPE_POST,
    BIB_TYPE_POST_WEBLOG,
    BIB_TYPE_REGULATION,
    BIB_TYPE_REPORT,
    BIB_TYPE_REVIEW,
    BIB_TYPE_REVIEW_BOOK,
    BIB_TYPE_SOFTWARE,
    BIB_TYPE_SONG,
    BIB_TYPE_SPEECH,
    BIB_TYPE_STANDARD,
    BIB_TYPE_THESIS,
    BIB_TYPE_TREATY,
    BIB_TYPE_WEBPAGE,
    BIB_TYPE_COUNT
} bib_type;

/* CSL variables, grouped by kind (see bib_var_kind). CSL-JSON-only keys that
 * carry data (`categories`) are variables too; `id` and `type` are not (they
 * are record properties), nor is `custom` (it is where extras go). */
typedef enum bib_var {
    BIB_VAR_NONE = 0,
    /* names */
    BIB_VAR_AUTHOR,
    BIB_VAR_CHAIR,
    BIB_VAR_COLLECTION_EDITOR,
    BIB_VAR_COMPILER,
    BIB_VAR_COMPOSER,
    BIB_VAR_CONTAINER_AUTHOR,
    BIB_VAR_CONTRIBUTOR,
    BIB_VAR_CURATOR,
    BIB_VAR_DIRECTOR,
    BIB_VAR_EDITOR,
    BIB_VAR_EDITOR_TRANSLATOR,
    BIB_VAR_EDITORIAL_DIRECTOR,
    BIB_VAR_EXECUTIVE_PRODUCER,
    BIB_VAR_GUEST,
    BIB_VAR_HOST,
    BIB_VAR_ILLUSTRATOR,
    BIB_VAR_INTERVIEWER,
    BIB_VAR_NARRATOR,
    BIB_VAR_ORGANIZER,
    BIB_VAR_ORIGINAL_AUTHOR,
    BIB_VAR_PERFORMER,
    BIB_VAR_PRODUCER,
    BIB_VAR_RECIPIENT,
    BIB_VAR_REVIEWED_AUTHOR,
    BIB_VAR_SCRIPT_WRITER,
    BIB_VAR_SERIES_CREATOR,
    BIB_VAR_TRANSLATOR,
    /* dates */
    BIB_VAR_ACCESSED,
    BIB_VAR_AVAILABLE_DATE,
    BIB_VAR_EVENT_DATE,
    BIB_VAR_ISSUED,
    BIB_VAR_ORIGINAL_DATE,
    BIB_VAR_SUBMITTED,
    /* numbers (held as text: "12-14", "xii", "S1" are valid) */
    BIB_VAR_CHAPTER_NUMBER,
    BIB_VAR_CITATION_NUMBER,
    BIB_VAR_COLLECTION_NUMBER,
    BIB_VAR_EDITION,
    BIB_VAR_FIRST_REFERENCE_NOTE_NUMBER,
    BIB_VAR_ISSUE,
    BIB_VAR_LOCATOR,
    BIB_VAR_NUMBER,
    BIB_VAR_NUMBER_OF_PAGES,
    BIB_VAR_NUMBER_OF_VOLUMES,
    BIB_VAR_PAGE,
    BIB_VAR_PAGE_FIRST,
    BIB_VAR_PART_NUMBER,       /* CSL-JSON key "part" (schema spelling) */
    BIB_VAR_PRINTING_NUMBER,   /* CSL-JSON key "printing" */
    BIB_VAR_SECTION,
    BIB_VAR_SUPPLEMENT_NUMBER, /* CSL-JSON key "supplement" */
    BIB_VAR_VERSION,
    BIB_VAR_VOLUME,
    /* titles: rich text (see record.h) */
    BIB_VAR_TITLE,
    BIB_VAR_CONTAINER_TITLE,
    BIB_VAR_COLLECTION_TITLE,
    BIB_VAR_ORIGINAL_TITLE,
    BIB_VAR_PART_TITLE,
    BIB_VAR_REVIEWED_TITLE,
    BIB_VAR_VOLUME_TITLE,
    BIB_VAR_TITLE_SHORT,           /* also read from "shortTitle" */
    BIB_VAR_CONTAINER_TITLE_SHORT, /* also read from "journalAbbreviation" */
    BIB_VAR_VOLUME_TITLE_SHORT,
    /* other text */
    BIB_VAR_ABSTRACT,
    BIB_VAR_ANNOTE,
    BIB_VAR_ARCHIVE,
    BIB_VAR_ARCHIVE_COLLECTION,
    BIB_VAR_ARCHIVE_LOCATION,
    BIB_VAR_ARCHIVE_PLACE,
    BIB_VAR_AUTHORITY,
    BIB_VAR_CALL_NUMBER,
    BIB_VAR_CATEGORIES, /* CSL-JSON array of strings: a multi-value field */
    BIB_VAR_CITATION_KEY,
    BIB_VAR_CITATION_LABEL,
    BIB_VAR_DIMENSIONS,
    BIB_VAR_DIVISION,
    BIB_VAR_DOI,
    BIB_VAR_EVENT_TITLE, /* also read from the deprecated "event" */
    BIB_VAR_EVENT_PLACE,
    BIB_VAR_GENRE,
    BIB_VAR_ISBN,
    BIB_VAR_ISSN,
    BIB_VAR_JURISDICTION,
    BIB_VAR_KEYWORD, /* multi-value in the model; one string in CSL-JSON */
    BIB_VAR_LANGUAGE,
    BIB_VAR_LICENSE,
    BIB_VAR_MEDIUM,
    BIB_VAR_NOTE,
    BIB_VAR_ORIGINAL_PUBLISHER,
    BIB_VAR_ORIGINAL_PUBLISHER_PLACE,
    BIB_VAR_PMCID,
    BIB_VAR_PMID,
    BIB_VAR_PUBLISHER,
    BIB_VAR_PUBLISHER_PLACE,
    BIB_VAR_REFERENCES,
    BIB_VAR_REVIEWED_GENRE,
    BIB_VAR_SCALE,
    BIB_VAR_SOURCE,
    BIB_VAR_STATUS,
    BIB_VAR_URL,
    BIB_VAR_YEAR_SUFFIX,
    BIB_VAR_COUNT
} bib_var;

/* The kind of value a variable holds. */
typedef enum bib_kind {
    BIB_KIND_NONE = 0,
    BIB_KIND_TEXT,   /* plain UTF-8 text, no markup */
    BIB_KIND_RICH,   /* UTF-8 with the CSL rich-text markup (record.h) */
    BIB_KIND_NUMBER, /* number kept as text */
    BIB_KIND_NAMES,  /* list of bib_name */
    BIB_KIND_DATE    /* one bib_date */
} bib_kind;

/* Canonical CSL spelling of a type ("article-journal"); "" for UNKNOWN and
 * NULL for an out-of-range value. Returns a static string. */
BIB_API const char *bib_type_name(bib_type type);

/* Looks a type up by its CSL name, case-insensitively, accepting '_' and '-'
 * interchangeably ("legal-case" finds legal_case). Returns BIB_TYPE_UNKNOWN
 * when the name is not a CSL type. `len` is the length of `name` in bytes. */
BIB_API bib_type bib_type_from_name(const char *name, size_t len);

/* Canonical CSL-JSON key of a variable ("container-title", "DOI", "part");
 * NULL for NONE or an out-of-range value. Returns a static string. */
BIB_API const char *bib_var_name(bib_var var);

/* Looks a variable up by its CSL-JSON key, case-insensitively, also
 * accepting the spec spellings ("part-number"), the legacy aliases
 * ("shortTitle", "journalAbbreviation", "event") and '_'/'-' swapped.
 * Returns BIB_VAR_NONE for anything else. */
BIB_API bib_var bib_var_from_name(const char *name, size_t len);

/* Kind of a variable; BIB_KIND_NONE for NONE or an out-of-range value. */
BIB_API bib_kind bib_var_kind(bib_var var);

BIB_END_DECLS

#endif /* BIBCONV_CSL_H */
