/* SPDX-License-Identifier: MIT */
/*
 * bt_crosswalk.c - the one crosswalk between BibTeX/BibLaTeX fields and CSL
 * variables, read by both directions: the reader maps each field through
 * its row (bt_reader.c), the writer walks the rows in output order
 * (bt_writer.c). Adding a field is adding a row. The entry-type table is
 * here too. docs/bibtex.md describes the table and the decisions in it.
 */
#include <ctype.h>
#include <pthread.h>
#include <string.h>

#include "btfmt.h"

/* ---- entry types -------------------------------------------------------- */

typedef struct type_map {
    const char *name;
    unsigned char len; /* strlen(name): most names are told apart by it */
    bib_type type;
    bool classic; /* one of classic BibTeX's types, which plain.bst defines */
} type_map;

/* Reading: entry type -> CSL type. */
#define T(name, type, classic) {name, sizeof name - 1, type, classic}
static const type_map type_table[] = {
    T("article", BIB_TYPE_ARTICLE_JOURNAL, true),   T("book", BIB_TYPE_BOOK, true),
    T("mvbook", BIB_TYPE_BOOK, false),              T("collection", BIB_TYPE_BOOK, false),
    T("mvcollection", BIB_TYPE_BOOK, false),        T("reference", BIB_TYPE_BOOK, false),
    T("mvreference", BIB_TYPE_BOOK, false),         T("proceedings", BIB_TYPE_BOOK, true),
    T("mvproceedings", BIB_TYPE_BOOK, false),       T("bookinbook", BIB_TYPE_BOOK, false),
    T("booklet", BIB_TYPE_PAMPHLET, true),          T("inbook", BIB_TYPE_CHAPTER, true),
    T("incollection", BIB_TYPE_CHAPTER, true),      T("suppbook", BIB_TYPE_CHAPTER, false),
    T("suppcollection", BIB_TYPE_CHAPTER, false),
    T("inproceedings", BIB_TYPE_PAPER_CONFERENCE, true),
    T("conference", BIB_TYPE_PAPER_CONFERENCE, true),
    T("inreference", BIB_TYPE_ENTRY_ENCYCLOPEDIA, false),
    T("manual", BIB_TYPE_REPORT, true),             T("mastersthesis", BIB_TYPE_THESIS, true),
    T("phdthesis", BIB_TYPE_THESIS, true),          T("thesis", BIB_TYPE_THESIS, false),
    T("techreport", BIB_TYPE_REPORT, true),         T("report", BIB_TYPE_REPORT, false),
    T("misc", BIB_TYPE_DOCUMENT, true),             T("unpublished", BIB_TYPE_MANUSCRIPT, true),
    T("online", BIB_TYPE_WEBPAGE, false),           T("electronic", BIB_TYPE_WEBPAGE, false),
    T("www", BIB_TYPE_WEBPAGE, false),              T("periodical", BIB_TYPE_PERIODICAL, false),
    T("suppperiodical", BIB_TYPE_ARTICLE_JOURNAL, false),
    T("dataset", BIB_TYPE_DATASET, false),          T("patent", BIB_TYPE_PATENT, false),
    T("software", BIB_TYPE_SOFTWARE, false),        T("artwork", BIB_TYPE_GRAPHIC, false),
    T("audio", BIB_TYPE_SONG, false),               T("image", BIB_TYPE_GRAPHIC, false),
    T("jurisdiction", BIB_TYPE_LEGAL_CASE, false),  T("legislation", BIB_TYPE_LEGISLATION, false),
    T("legal", BIB_TYPE_TREATY, false),
    T("letter", BIB_TYPE_PERSONAL_COMMUNICATION, false),
    T("movie", BIB_TYPE_MOTION_PICTURE, false),     T("video", BIB_TYPE_MOTION_PICTURE, false),
    T("music", BIB_TYPE_SONG, false),               T("performance", BIB_TYPE_PERFORMANCE, false),
    T("review", BIB_TYPE_REVIEW, false),            T("standard", BIB_TYPE_STANDARD, false),
    T("commentary", BIB_TYPE_BOOK, false),          T("data", BIB_TYPE_DATASET, false),
    T("letters", BIB_TYPE_PERSONAL_COMMUNICATION, false),
    T("newsarticle", BIB_TYPE_ARTICLE_NEWSPAPER, false),
};

/* Whether s[0..n) is the type t's lower-case name: its length and first
 * byte, folded as bt_ieq folds it, checked here before the call (the
 * table is scanned for every entry and most names differ there). Exact
 * because every name of type_table starts with a lower-case ASCII letter,
 * which only that letter and its capital give with the 0x20 bit set. */
static inline bool type_is(const char *s, size_t n, const type_map *t)
{
    return n == t->len && ((unsigned char)s[0] | 0x20) == (unsigned char)t->name[0] &&
           bt_ieq(s, n, t->name);
}

bib_type bt_map_type(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof type_table / sizeof type_table[0]; i++)
        if (type_is(s, n, &type_table[i]))
            return type_table[i].type;
    return BIB_TYPE_DOCUMENT;
}

bool bt_type_classic(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof type_table / sizeof type_table[0]; i++)
        if (type_is(s, n, &type_table[i]))
            return type_table[i].classic;
    return false;
}

bool bt_alias_byte(unsigned char c)
{
    return c && strchr("()'\"#=", c) != NULL;
}

bool bt_key_of_alias(const char *key, size_t kl, const char *alias, size_t al)
{
    if (kl != al)
        return false;
    bool changed = false;
    for (size_t i = 0; i < al; i++) {
        unsigned char a = (unsigned char)alias[i];
        if (bt_alias_byte(a)) {
            if (key[i] != '_')
                return false;
            changed = true;
        } else if (a <= ' ' || strchr(",{}%\\", a) || key[i] != alias[i]) {
            return false;
        }
    }
    return changed;
}

bool bt_type_note_ok(const char *s, size_t n)
{
    if (!n || n > BT_TYPE_NOTE_MAX || bt_type_classic(s, n))
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '-' && s[i] != '_')
            return false;
    return true;
}

/* Writing: CSL type -> entry type, classic and BibLaTeX, where the source's
 * own entry type cannot be kept. The classic column has only the types
 * classic styles define (plain.bst, alpha.bst: anything else is formatted
 * as @misc with a warning). Types not listed: misc. The writer's two
 * conditions (a preprint with a URL is BibLaTeX's @online, a master's
 * genre makes @mastersthesis) are in bt_writer.c's out_type. */
static const struct {
    bib_type type;
    const char *bibtex, *biblatex;
} out_type_table[] = {
    {BIB_TYPE_ARTICLE_JOURNAL, "article", "article"},
    {BIB_TYPE_ARTICLE_MAGAZINE, "article", "article"},
    {BIB_TYPE_ARTICLE_NEWSPAPER, "article", "article"},
    {BIB_TYPE_REVIEW, "article", "article"},
    {BIB_TYPE_REVIEW_BOOK, "article", "article"},
    {BIB_TYPE_BOOK, "book", "book"},
    {BIB_TYPE_CLASSIC, "book", "book"},
    {BIB_TYPE_CHAPTER, "incollection", "incollection"},
    {BIB_TYPE_PAPER_CONFERENCE, "inproceedings", "inproceedings"},
    {BIB_TYPE_PAMPHLET, "booklet", "booklet"},
    {BIB_TYPE_THESIS, "phdthesis", "thesis"},
    {BIB_TYPE_REPORT, "techreport", "report"},
    {BIB_TYPE_MANUSCRIPT, "unpublished", "unpublished"},
    {BIB_TYPE_SPEECH, "unpublished", "unpublished"}, /* read back from its event fields */
    {BIB_TYPE_WEBPAGE, "misc", "online"},
    {BIB_TYPE_POST, "misc", "online"},
    {BIB_TYPE_POST_WEBLOG, "misc", "online"},
    {BIB_TYPE_DATASET, "misc", "dataset"},
    {BIB_TYPE_SOFTWARE, "misc", "software"},
    {BIB_TYPE_PATENT, "misc", "patent"},
    {BIB_TYPE_ENTRY_ENCYCLOPEDIA, "incollection", "inreference"},
    {BIB_TYPE_ENTRY_DICTIONARY, "incollection", "inreference"},
    {BIB_TYPE_PERIODICAL, "misc", "periodical"},
};

const char *bt_out_type(bib_type t, bool biblatex)
{
    for (size_t i = 0; i < sizeof out_type_table / sizeof out_type_table[0]; i++)
        if (out_type_table[i].type == t)
            return biblatex ? out_type_table[i].biblatex : out_type_table[i].bibtex;
    return "misc";
}

/* BibLaTeX's `type` keys and the genre words they print in English
 * (docs/crosswalk.md §2.2). Exact matches only, both ways, so that a
 * genre the user spelt otherwise is never rewritten. The first row of
 * equal words is the key written; `mastersthesis` is read only. */
static const struct {
    bib_type type;
    const char *key, *words;
} genre_keys[] = {
    {BIB_TYPE_THESIS, "phdthesis", "PhD thesis"},
    {BIB_TYPE_THESIS, "mathesis", "Master's thesis"},
    {BIB_TYPE_THESIS, "mastersthesis", "Master's thesis"},
    {BIB_TYPE_REPORT, "techreport", "Technical report"},
    {BIB_TYPE_REPORT, "resreport", "Research report"},
};

const char *bt_genre_words(bib_type t, const char *key)
{
    for (size_t i = 0; i < sizeof genre_keys / sizeof genre_keys[0]; i++)
        if (genre_keys[i].type == t && strcmp(genre_keys[i].key, key) == 0)
            return genre_keys[i].words;
    return NULL;
}

const char *bt_genre_key(bib_type t, const char *genre)
{
    for (size_t i = 0; i < sizeof genre_keys / sizeof genre_keys[0]; i++)
        if (genre_keys[i].type == t && (strcmp(genre_keys[i].words, genre) == 0 ||
                                        strcmp(genre_keys[i].key, genre) == 0))
            return strcmp(genre_keys[i].key, "mastersthesis") == 0 ? "mathesis"
                                                                    : genre_keys[i].key;
    return NULL;
}

/* ---- fields ------------------------------------------------------------- */

/* Rows in output order; the rows the writers never emit (order 0) last.
 * Where a variable has several rows, the writer takes the first whose
 * flavour and conditions hold: the container title is `journal`
 * (`journaltitle` in BibLaTeX) in an @article, else `booktitle`; the
 * publisher is the organization of a @manual, the school or institution of
 * a thesis or report. Where a name has several rows (`number`), the first
 * that applies takes it. */
#define W BT_WR
#define BTX BT_WR_BIBTEX
#define BLX BT_WR_BIBLATEX
const bt_row bt_crosswalk[] = {
    /* name           flavour       variable                   kind       special / when, order */
    {"author",       BT_ALL, BIB_VAR_AUTHOR,            BT_NAMES, BT_PLAIN, 0, 1},
    {"editor",       BT_ALL, BIB_VAR_EDITOR,            BT_NAMES, BT_PLAIN, 0, 2},
    {"translator",   BT_ALL, BIB_VAR_TRANSLATOR,        BT_NAMES, BT_PLAIN, 0, 3},
    {"bookauthor",   BT_ALL, BIB_VAR_CONTAINER_AUTHOR,  BT_NAMES, BT_PLAIN, 0, 4},
    {"title",        BT_ALL, BIB_VAR_TITLE,             BT_TITLE, BT_PLAIN, 0, 5},
    {"shorttitle",   BT_ALL, BIB_VAR_TITLE_SHORT,       BT_TITLE, BT_PLAIN, 0, 6},
    {"journal",      BT_RD | BTX, BIB_VAR_CONTAINER_TITLE, BT_TITLE, BT_PLAIN, BT_IF_ARTICLE, 7},
    {"journaltitle", BT_RD | BLX, BIB_VAR_CONTAINER_TITLE, BT_TITLE, BT_PLAIN, BT_IF_ARTICLE, 8},
    {"booktitle",    BT_ALL, BIB_VAR_CONTAINER_TITLE,   BT_TITLE, BT_PLAIN, BT_IF_NOT_ARTICLE, 9},
    {"series",       BT_ALL, BIB_VAR_COLLECTION_TITLE,  BT_TITLE, BT_PLAIN, 0, 10},
    {"eventtitle",   BT_ALL, BIB_VAR_EVENT_TITLE,       BT_TITLE, BT_PLAIN, 0, 11},
    {"edition",      BT_ALL, BIB_VAR_EDITION,           BT_TEXT,  BT_PLAIN, 0, 12},
    {"volume",       BT_ALL, BIB_VAR_VOLUME,            BT_TEXT,  BT_PLAIN, 0, 13},
    {"volumes",      BT_ALL, BIB_VAR_NUMBER_OF_VOLUMES, BT_TEXT,  BT_PLAIN, 0, 14},
    /* an article's issue is its `number`; elsewhere `issue`, unless the
     * record has a number too (then `issue` comes late, row "issue" below) */
    {"number",       W,      BIB_VAR_ISSUE,             BT_TEXT,  BT_PLAIN, BT_IF_ARTICLE, 15},
    {"issue",        BT_ALL, BIB_VAR_ISSUE,             BT_TEXT,  BT_PLAIN,
     BT_IF_NOT_ARTICLE | BT_IF_NO_NUMBER, 16},
    {"number",       W,      BIB_VAR_NUMBER,            BT_TEXT,  BT_PLAIN, 0, 17},
    {"number",       W,      BIB_VAR_COLLECTION_NUMBER, BT_TEXT,  BT_PLAIN, 0, 18},
    {"pages",        BT_ALL, BIB_VAR_PAGE,              BT_RANGE, BT_PLAIN, 0, 19},
    {"pagetotal",    BT_ALL, BIB_VAR_NUMBER_OF_PAGES,   BT_TEXT,  BT_PLAIN, 0, 20},
    {"chapter",      BT_ALL, BIB_VAR_CHAPTER_NUMBER,    BT_TEXT,  BT_PLAIN, 0, 21},
    {"organization", BT_ALL, BIB_VAR_PUBLISHER,         BT_TEXT,  BT_SP_ORG,
     BT_IF_MANUAL | BT_IF_NOT_KEPT, 22},
    {"school",       BT_RD | BTX, BIB_VAR_PUBLISHER,    BT_TEXT,  BT_SP_ORG,
     BT_IF_THESIS | BT_IF_NOT_MANUAL | BT_IF_NOT_KEPT, 23},
    {"institution",  BT_RD | BTX, BIB_VAR_PUBLISHER,    BT_TEXT,  BT_SP_ORG,
     BT_IF_REPORT | BT_IF_NOT_MANUAL | BT_IF_NOT_KEPT, 24},
    {"institution",  BLX,    BIB_VAR_PUBLISHER,         BT_TEXT,  BT_PLAIN,
     BT_IF_THESIS | BT_IF_NOT_MANUAL | BT_IF_NOT_KEPT, 25},
    {"institution",  BLX,    BIB_VAR_PUBLISHER,         BT_TEXT,  BT_PLAIN,
     BT_IF_REPORT | BT_IF_NOT_MANUAL | BT_IF_NOT_KEPT, 26},
    {"publisher",    BT_ALL, BIB_VAR_PUBLISHER,         BT_TEXT,  BT_PLAIN, 0, 27},
    {"address",      BT_RD | BTX, BIB_VAR_PUBLISHER_PLACE, BT_TEXT, BT_PLAIN, 0, 28},
    {"location",     BT_RD | BLX, BIB_VAR_PUBLISHER_PLACE, BT_TEXT, BT_PLAIN, 0, 29},
    {"type",         BT_ALL, BIB_VAR_GENRE,             BT_TEXT,  BT_SP_GENRE, 0, 30},
    {"date",         BT_ALL, BIB_VAR_ISSUED,            BT_DATE,  BT_SP_ISSUED, 0, 31},
    {"isbn",         BT_ALL, BIB_VAR_ISBN,              BT_TEXT,  BT_PLAIN, 0, 32},
    {"issn",         BT_ALL, BIB_VAR_ISSN,              BT_TEXT,  BT_PLAIN, 0, 33},
    {"doi",          BT_ALL, BIB_VAR_DOI,               BT_VERB,  BT_PLAIN, 0, 34},
    {"url",          BT_ALL, BIB_VAR_URL,               BT_VERB,  BT_PLAIN, 0, 35},
    {"urldate",      BT_ALL, BIB_VAR_ACCESSED,          BT_DATE,  BT_PLAIN, 0, 36},
    {"pmid",         BT_ALL, BIB_VAR_PMID,              BT_VERB,  BT_PLAIN, 0, 37},
    {"pmcid",        BT_ALL, BIB_VAR_PMCID,             BT_VERB,  BT_PLAIN, 0, 38},
    {"language",     BT_ALL, BIB_VAR_LANGUAGE,          BT_TEXT,  BT_PLAIN, 0, 39},
    {"version",      BT_ALL, BIB_VAR_VERSION,           BT_TEXT,  BT_PLAIN, 0, 40},
    {"note",         BT_ALL, BIB_VAR_NOTE,              BT_TEXT,  BT_PLAIN, 0, 41},
    {"annote",       BT_ALL, BIB_VAR_ANNOTE,            BT_TEXT,  BT_PLAIN, 0, 42},
    {"keywords",     BT_ALL, BIB_VAR_KEYWORD,           BT_LIST,  BT_PLAIN, 0, 43},
    {"abstract",     BT_ALL, BIB_VAR_ABSTRACT,          BT_TEXT,  BT_PLAIN, 0, 44},
    {"origtitle",    BT_ALL, BIB_VAR_ORIGINAL_TITLE,    BT_TITLE, BT_PLAIN, 0, 45},
    {"venue",        BT_ALL, BIB_VAR_EVENT_PLACE,       BT_TEXT,  BT_PLAIN, 0, 46},
    {"eventdate",    BT_ALL, BIB_VAR_EVENT_DATE,        BT_DATE,  BT_PLAIN, 0, 47},
    {"origdate",     BT_ALL, BIB_VAR_ORIGINAL_DATE,     BT_DATE,  BT_PLAIN, 0, 48},
    {"issue",        W,      BIB_VAR_ISSUE,             BT_TEXT,  BT_PLAIN, 0, 49},
#ifdef BIBTEX_TEST_EXTRA_ROW
    /* tests/bibtex/extra_row: a field added by this one row */
    {"testfield",    BT_ALL, BIB_VAR_DIMENSIONS,        BT_TEXT,  BT_PLAIN, 0, 50},
#endif
    /* read only: aliases, and the fields the reader's named rules take */
    {"annotation",   BT_RD,  BIB_VAR_ANNOTE,            BT_TEXT,  BT_PLAIN, 0, 0},
    {"numpages",     BT_RD,  BIB_VAR_NUMBER_OF_PAGES,   BT_TEXT,  BT_SP_FALLBACK, 0, 0},
    {"howpublished", BT_RD,  BIB_VAR_URL,               BT_VERB,  BT_SP_HOWPUB, 0, 0},
    {"number",       BT_RD,  BIB_VAR_NONE,              BT_TEXT,  BT_SP_NUMBER, 0, 0},
    {"year",         BT_RD,  BIB_VAR_NONE,              BT_TEXT,  BT_SP_YEAR, 0, 0},
    {"month",        BT_RD,  BIB_VAR_NONE,              BT_TEXT,  BT_SP_MONTHDAY, 0, 0},
    {"day",          BT_RD,  BIB_VAR_NONE,              BT_TEXT,  BT_SP_MONTHDAY, 0, 0},
};
#undef W
#undef BTX
#undef BLX

const size_t bt_crosswalk_rows = sizeof bt_crosswalk / sizeof bt_crosswalk[0];
_Static_assert(sizeof bt_crosswalk / sizeof bt_crosswalk[0] < BT_FIELD_SLOTS / 2,
               "a row's slot value is below BT_FIELD_SLOTS / 2");

uint64_t bt_name_word0(const char *name, size_t len)
{
    unsigned char b[8] = {0};
    for (size_t k = 0; k < 8 && k < len; k++)
        b[k] = (unsigned char)name[k];
    uint64_t w;
    memcpy(&w, b, 8);
    return w;
}

unsigned bt_name_hash(const char *name, size_t len)
{
    uint64_t h = bt_name_hash_init(len);
    for (size_t i = 0; i < len; i += 8) {
        unsigned char b[8] = {0};
        for (size_t k = 0; k < 8 && i + k < len; k++)
            b[k] = (unsigned char)name[i + k];
        uint64_t w;
        memcpy(&w, b, 8);
        h = bt_name_hash_step(h, bt_lower8(w));
    }
    return bt_name_hash_end(h);
}

/* The names of bt_known, in its order. */
static const char *const known_names[BT_K_COUNT] = {
    [BT_K_ENTRYTYPE] = "entrytype", [BT_K_ENTRYSUBTYPE] = "entrysubtype",
    [BT_K_CROSSREF] = "crossref",   [BT_K_XDATA] = "xdata",
    [BT_K_XREF_NOTE] = BT_XREF_NOTE, [BT_K_XDATA_NOTE] = BT_XDATA_NOTE,
    [BT_K_IDS] = "ids",             [BT_K_DATE] = "date",
    [BT_K_YEAR] = "year",           [BT_K_MONTH] = "month",
    [BT_K_DAY] = "day",             [BT_K_PUBLISHER] = "publisher",
    [BT_K_SERIES] = "series",       [BT_K_ISSUE] = "issue",
    [BT_K_EVENTTITLE] = "eventtitle", [BT_K_EVENTDATE] = "eventdate",
    [BT_K_VENUE] = "venue",
};
_Static_assert(sizeof bt_crosswalk / sizeof bt_crosswalk[0] + BT_K_COUNT < BT_FIELD_SLOTS * 3 / 4,
               "the field index needs free slots");

/* Puts value v for a name of n bytes with hash h (bt_name_hash). */
static void index_put(bt_field_index *ix, unsigned h, const char *name, size_t n,
                      unsigned char v)
{
    h %= BT_FIELD_SLOTS;
    while (ix->slot[h])
        h = (h + 1) % BT_FIELD_SLOTS;
    ix->slot[h] = v;
    ix->len[h] = (unsigned char)n; /* names are short: tests/bibtex checks < 256 */
    ix->word0[h] = bt_name_word0(name, n);
}

/* The reader's index of the table and of the names it asks for: this
 * lookup runs for every field of every entry, so one hash and one compare
 * rather than a scan. Names the reader knows are unique (tests/bibtex
 * checks it). A row is matched with the known names by hash and length
 * before its bytes (a strcmp of every row with every name cost 10,000
 * instructions more a build). */
void bt_index_fields(bt_field_index *ix)
{
    memset(ix, 0, sizeof *ix);
    unsigned kh[BT_K_COUNT];
    size_t kl[BT_K_COUNT];
    for (unsigned k = 1; k < BT_K_COUNT; k++) {
        kl[k] = strlen(known_names[k]);
        kh[k] = bt_name_hash(known_names[k], kl[k]);
    }
    for (size_t i = 0; i < bt_crosswalk_rows; i++) {
        if (!(bt_crosswalk[i].flavour & BT_RD))
            continue;
        const char *name = bt_crosswalk[i].name;
        size_t n = strlen(name);
        unsigned h = bt_name_hash(name, n);
        index_put(ix, h, name, n, (unsigned char)(i + 1));
        for (unsigned k = 1; k < BT_K_COUNT; k++)
            if (kh[k] == h && kl[k] == n && memcmp(name, known_names[k], n) == 0)
                ix->row_known[i] = (unsigned char)k;
    }
    for (unsigned k = 1; k < BT_K_COUNT; k++) {
        unsigned char kn;
        if (!bt_find_field(ix, known_names[k], kl[k], kh[k],
                           bt_name_word0(known_names[k], kl[k]), &kn))
            index_put(ix, kh[k], known_names[k], kl[k], (unsigned char)(BT_FIELD_SLOTS / 2 + k));
    }
}

/* The index depends on the tables alone: built once for every reader of
 * the process (built for each, it cost 13,500 instructions an open, 10 M
 * for the 754 pieces of 50 MB that -j reads with a reader each). */
static bt_field_index shared_index;
static pthread_once_t shared_once = PTHREAD_ONCE_INIT;

static void build_shared(void) { bt_index_fields(&shared_index); }

const bt_field_index *bt_field_index_shared(void)
{
    pthread_once(&shared_once, build_shared);
    return &shared_index;
}

static inline const bt_row *find_field(const bt_field_index *ix, const char *name, size_t len,
                                      unsigned hash, uint64_t word0, unsigned char *known)
{
    *known = BT_K_NONE;
    for (unsigned h = hash % BT_FIELD_SLOTS; ix->slot[h];
         h = (h + 1) % BT_FIELD_SLOTS) {
        unsigned v = ix->slot[h];
        if (ix->len[h] != len || ix->word0[h] != word0)
            continue;
        const char *n = v < BT_FIELD_SLOTS / 2 ? bt_crosswalk[v - 1].name
                                               : known_names[v - BT_FIELD_SLOTS / 2];
        size_t i = 8; /* the first eight bytes matched as a word */
        while (i < len && n[i] == name[i]) /* a few bytes: no call */
            i++;
        if (i < len)
            continue;
        if (v >= BT_FIELD_SLOTS / 2) {
            *known = (unsigned char)(v - BT_FIELD_SLOTS / 2);
            return NULL;
        }
        *known = ix->row_known[v - 1];
        return &bt_crosswalk[v - 1];
    }
    return NULL;
}

const bt_row *bt_find_field(const bt_field_index *ix, const char *name, size_t len,
                            unsigned hash, uint64_t word0, unsigned char *known)
{
    return find_field(ix, name, len, hash, word0, known);
}

void bt_find_fields(const bt_field_index *ix, bt_raw_field *f, size_t n, const char *arena)
{
    for (size_t i = 0; i < n; i++)
        f[i].row = find_field(ix, arena + f[i].name_off, f[i].name_len, f[i].name_hash,
                              f[i].name_word0, &f[i].known);
}

size_t bt_write_order(unsigned short *idx)
{
    size_t n = 0;
    for (size_t i = 0; i < bt_crosswalk_rows; i++) {
        if (!bt_crosswalk[i].order)
            continue;
        /* insertion by order, stable: the table is short and nearly sorted */
        size_t j = n++;
        while (j > 0 && bt_crosswalk[idx[j - 1]].order > bt_crosswalk[i].order) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = (unsigned short)i;
    }
    return n;
}
