/* SPDX-License-Identifier: MIT */
/*
 * csl.c - the CSL 1.0.2 vocabulary: names and kinds of item types and
 * variables, and their lookups. The tables follow the enum order of csl.h;
 * lookups normalise the key (lower case, '_' as '-') and binary-search a
 * table sorted once, since every reader calls them for every field.
 *
 * Not for: anything about values (record.c).
 */
#include <stdint.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/csl.h"

static const char *const type_names[BIB_TYPE_COUNT] = {
    "",
    "article",
    "article-journal",
    "article-magazine",
    "article-newspaper",
    "bill",
    "book",
    "broadcast",
    "chapter",
    "classic",
    "collection",
    "dataset",
    "document",
    "entry",
    "entry-dictionary",
    "entry-encyclopedia",
    "event",
    "figure",
    "graphic",
    "hearing",
    "interview",
    "legal_case",
    "legislation",
    "manuscript",
    "map",
    "motion_picture",
    "musical_score",
    "pamphlet",
    "paper-conference",
    "patent",
    "performance",
    "periodical",
    "personal_communication",
    "post",
    "post-weblog",
    "regulation",
    "report",
    "review",
    "review-book",
    "software",
    "song",
    "speech",
    "standard",
    "thesis",
    "treaty",
    "webpage",
};

static const struct { const char *name; bib_kind kind; } vars[BIB_VAR_COUNT] = {
    {NULL, BIB_KIND_NONE},
    {"author", BIB_KIND_NAMES},
    {"chair", BIB_KIND_NAMES},
    {"collection-editor", BIB_KIND_NAMES},
    {"compiler", BIB_KIND_NAMES},
    {"composer", BIB_KIND_NAMES},
    {"container-author", BIB_KIND_NAMES},
    {"contributor", BIB_KIND_NAMES},
    {"curator", BIB_KIND_NAMES},
    {"director", BIB_KIND_NAMES},
    {"editor", BIB_KIND_NAMES},
    {"editor-translator", BIB_KIND_NAMES},
    {"editorial-director", BIB_KIND_NAMES},
    {"executive-producer", BIB_KIND_NAMES},
    {"guest", BIB_KIND_NAMES},
    {"host", BIB_KIND_NAMES},
    {"illustrator", BIB_KIND_NAMES},
    {"interviewer", BIB_KIND_NAMES},
    {"narrator", BIB_KIND_NAMES},
    {"organizer", BIB_KIND_NAMES},
    {"original-author", BIB_KIND_NAMES},
    {"performer", BIB_KIND_NAMES},
    {"producer", BIB_KIND_NAMES},
    {"recipient", BIB_KIND_NAMES},
    {"reviewed-author", BIB_KIND_NAMES},
    {"script-writer", BIB_KIND_NAMES},
    {"series-creator", BIB_KIND_NAMES},
    {"translator", BIB_KIND_NAMES},
    {"accessed", BIB_KIND_DATE},
    {"available-date", BIB_KIND_DATE},
    {"event-date", BIB_KIND_DATE},
    {"issued", BIB_KIND_DATE},
    {"original-date", BIB_KIND_DATE},
    {"submitted", BIB_KIND_DATE},
    {"chapter-number", BIB_KIND_NUMBER},
    {"citation-number", BIB_KIND_NUMBER},
    {"collection-number", BIB_KIND_NUMBER},
    {"edition", BIB_KIND_NUMBER},
    {"first-reference-note-number", BIB_KIND_NUMBER},
    {"issue", BIB_KIND_NUMBER},
    {"locator", BIB_KIND_NUMBER},
    {"number", BIB_KIND_NUMBER},
    {"number-of-pages", BIB_KIND_NUMBER},
    {"number-of-volumes", BIB_KIND_NUMBER},
    {"page", BIB_KIND_NUMBER},
    {"page-first", BIB_KIND_NUMBER},
    {"part", BIB_KIND_NUMBER},
    {"printing", BIB_KIND_NUMBER},
    {"section", BIB_KIND_NUMBER},
    {"supplement", BIB_KIND_NUMBER},
    {"version", BIB_KIND_NUMBER},
    {"volume", BIB_KIND_NUMBER},
    {"title", BIB_KIND_RICH},
    {"container-title", BIB_KIND_RICH},
    {"collection-title", BIB_KIND_RICH},
    {"original-title", BIB_KIND_RICH},
    {"part-title", BIB_KIND_RICH},
    {"reviewed-title", BIB_KIND_RICH},
    {"volume-title", BIB_KIND_RICH},
    {"title-short", BIB_KIND_RICH},
    {"container-title-short", BIB_KIND_RICH},
    {"volume-title-short", BIB_KIND_RICH},
    {"abstract", BIB_KIND_TEXT},
    {"annote", BIB_KIND_TEXT},
    {"archive", BIB_KIND_TEXT},
    {"archive_collection", BIB_KIND_TEXT},
    {"archive_location", BIB_KIND_TEXT},
    {"archive-place", BIB_KIND_TEXT},
    {"authority", BIB_KIND_TEXT},
    {"call-number", BIB_KIND_TEXT},
    {"categories", BIB_KIND_TEXT},
    {"citation-key", BIB_KIND_TEXT},
    {"citation-label", BIB_KIND_TEXT},
    {"dimensions", BIB_KIND_TEXT},
    {"division", BIB_KIND_TEXT},
    {"DOI", BIB_KIND_TEXT},
    {"event-title", BIB_KIND_TEXT},
    {"event-place", BIB_KIND_TEXT},
    {"genre", BIB_KIND_TEXT},
    {"ISBN", BIB_KIND_TEXT},
    {"ISSN", BIB_KIND_TEXT},
    {"jurisdiction", BIB_KIND_TEXT},
    {"keyword", BIB_KIND_TEXT},
    {"language", BIB_KIND_TEXT},
    {"license", BIB_KIND_TEXT},
    {"medium", BIB_KIND_TEXT},
    {"note", BIB_KIND_TEXT},
    {"original-publisher", BIB_KIND_TEXT},
    {"original-publisher-place", BIB_KIND_TEXT},
    {"PMCID", BIB_KIND_TEXT},
    {"PMID", BIB_KIND_TEXT},
    {"publisher", BIB_KIND_TEXT},
    {"publisher-place", BIB_KIND_TEXT},
    {"references", BIB_KIND_TEXT},
    {"reviewed-genre", BIB_KIND_TEXT},
    {"scale", BIB_KIND_TEXT},
    {"source", BIB_KIND_TEXT},
    {"status", BIB_KIND_TEXT},
    {"URL", BIB_KIND_TEXT},
    {"year-suffix", BIB_KIND_TEXT},
};

/* Extra spellings accepted on input (csl.h): spec names of the three
 * number variables the schema renames, and legacy aliases. */
static const struct { const char *name; bib_var var; } aliases[] = {
    {"part-number", BIB_VAR_PART_NUMBER},
    {"printing-number", BIB_VAR_PRINTING_NUMBER},
    {"supplement-number", BIB_VAR_SUPPLEMENT_NUMBER},
    {"shorttitle", BIB_VAR_TITLE_SHORT},
    {"journalabbreviation", BIB_VAR_CONTAINER_TITLE_SHORT},
    {"event", BIB_VAR_EVENT_TITLE},
};

typedef struct { char key[40]; int value; } entry;

#define NALIASES (sizeof aliases / sizeof aliases[0])
static entry var_index[BIB_VAR_COUNT + NALIASES];
static size_t var_index_len;
static entry type_index[BIB_TYPE_COUNT];
/* The variable names again, hashed (open addressing, power-of-two size):
 * readers look a name up per field, and the sorted index costs a dozen
 * strcmp per lookup. Slots hold an index into var_index + 1; 0 is empty. */
#define VAR_HASH_SIZE 1024
static unsigned short var_hash[VAR_HASH_SIZE];
static size_t type_index_len;
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

/* A byte as keys are compared: ASCII lower case, '_' as '-' (what
 * tolower gives in the C locale, which bibconv never leaves; a table, as
 * every field name of every record passes through here). */
#define FOLD1(c) ((unsigned char)((c) == '_' ? '-' : (c) >= 'A' && (c) <= 'Z' ? (c) + 32 : (c)))
#define FOLD4(c) FOLD1(c), FOLD1((c) + 1), FOLD1((c) + 2), FOLD1((c) + 3)
#define FOLD16(c) FOLD4(c), FOLD4((c) + 4), FOLD4((c) + 8), FOLD4((c) + 12)
#define FOLD64(c) FOLD16(c), FOLD16((c) + 16), FOLD16((c) + 32), FOLD16((c) + 48)
static const unsigned char fold[256] = {FOLD64(0), FOLD64(64), FOLD64(128), FOLD64(192)};
#undef FOLD64
#undef FOLD16
#undef FOLD4
#undef FOLD1

/* Lower-cases and maps '_' to '-'; returns false when it does not fit. */
static bool normalise(char out[40], const char *s, size_t len)
{
    if (len == 0 || len >= 40)
        return false;
    for (size_t i = 0; i < len; i++)
        out[i] = (char)fold[(unsigned char)s[i]];
    out[len] = '\0';
    return true;
}

/* FNV-1a of a normalised key, folded to the table size. */
static size_t hash_key(const char *k, size_t len)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < len; i++)
        h = (h ^ (unsigned char)k[i]) * 16777619u;
    return (h ^ h >> 16) & (VAR_HASH_SIZE - 1);
}

static int cmp_entry(const void *a, const void *b)
{
    return strcmp(((const entry *)a)->key, ((const entry *)b)->key);
}

static void build_index(void)
{
    for (int v = 1; v < BIB_VAR_COUNT; v++) {
        normalise(var_index[var_index_len].key, vars[v].name, strlen(vars[v].name));
        var_index[var_index_len++].value = v;
    }
    for (size_t i = 0; i < NALIASES; i++) {
        normalise(var_index[var_index_len].key, aliases[i].name, strlen(aliases[i].name));
        var_index[var_index_len++].value = (int)aliases[i].var;
    }
    qsort(var_index, var_index_len, sizeof(entry), cmp_entry);
    for (size_t i = 0; i < var_index_len; i++) {
        size_t h = hash_key(var_index[i].key, strlen(var_index[i].key));
        while (var_hash[h])
            h = (h + 1) & (VAR_HASH_SIZE - 1);
        var_hash[h] = (unsigned short)(i + 1);
    }
    for (int t = 1; t < BIB_TYPE_COUNT; t++) {
        normalise(type_index[type_index_len].key, type_names[t], strlen(type_names[t]));
        type_index[type_index_len++].value = t;
    }
    qsort(type_index, type_index_len, sizeof(entry), cmp_entry);
}

static int lookup(const entry *idx, size_t n, const char *s, size_t len)
{
    entry k;
    if (!s || !normalise(k.key, s, len))
        return 0;
    pthread_once(&index_once, build_index);
    const entry *e = bsearch(&k, idx, n, sizeof(entry), cmp_entry);
    return e ? e->value : 0;
}

const char *bib_type_name(bib_type t)
{
    return (unsigned)t < BIB_TYPE_COUNT ? type_names[t] : NULL;
}

bib_type bib_type_from_name(const char *name, size_t len)
{
    pthread_once(&index_once, build_index);
    return (bib_type)lookup(type_index, type_index_len, name, len);
}

const char *bib_var_name(bib_var v)
{
    return v > BIB_VAR_NONE && v < BIB_VAR_COUNT ? vars[v].name : NULL;
}

bib_var bib_var_from_name(const char *name, size_t len)
{
    pthread_once(&index_once, build_index);
    char k[40];
    if (!name || len == 0 || len >= 40)
        return BIB_VAR_NONE;
    /* normalise and hash_key in one pass */
    uint32_t fh = 2166136261u;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = fold[(unsigned char)name[i]];
        k[i] = (char)c;
        fh = (fh ^ c) * 16777619u;
    }
    k[len] = '\0';
    for (size_t h = (fh ^ fh >> 16) & (VAR_HASH_SIZE - 1);; h = (h + 1) & (VAR_HASH_SIZE - 1)) {
        unsigned short i = var_hash[h];
        if (!i)
            return BIB_VAR_NONE;
        if (memcmp(var_index[i - 1].key, k, len + 1) == 0)
            return (bib_var)var_index[i - 1].value;
    }
}

bib_kind bib_var_kind(bib_var v)
{
    return v > BIB_VAR_NONE && v < BIB_VAR_COUNT ? vars[v].kind : BIB_KIND_NONE;
}
