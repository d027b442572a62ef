/* SPDX-License-Identifier: MIT */
/*
 * script.c - scripts and letter classes of code points (include/bibconv/
 * script.h): binary search over the generated ranges of script_table.c.
 */
#include <pthread.h>

#include "bibconv/script.h"
#include "bibconv/utf8.h"
#include "script_table.h"

static unsigned range_value(const bib_cp_range *r, size_t n, uint32_t cp)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cp < r[mid].lo)
            hi = mid;
        else if (cp > r[mid].hi)
            lo = mid + 1;
        else
            return r[mid].value;
    }
    return 0;
}

const char *bib_unicode_version(void)
{
    return bib__unicode_version;
}

int bib_script_of(uint32_t cp)
{
    /* ASCII letters are the common case in bibliographies: answer without
     * the search */
    if (cp < 0x80)
        return ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') ? BIB_SCRIPT_LATIN : BIB_SCRIPT_COMMON;
    return (int)range_value(bib__script_ranges, bib__script_ranges_len, cp);
}

const char *bib_script_name(int script)
{
    if (script < 0 || (size_t)script >= bib__script_names_len)
        return NULL;
    return bib__script_names[script];
}

/* The classes of ASCII, looked up once from the ranges: names, titles and
 * shapes ask about ASCII letters far more than about anything else. */
static unsigned char ascii_class[0x80];
static pthread_once_t ascii_once = PTHREAD_ONCE_INIT;

static void ascii_fill(void)
{
    for (uint32_t cp = 0; cp < 0x80; cp++)
        ascii_class[cp] = (unsigned char)range_value(bib__class_ranges, bib__class_ranges_len, cp);
}

bib_char_class bib_char_class_of(uint32_t cp)
{
    if (cp < 0x80) {
        pthread_once(&ascii_once, ascii_fill);
        return (bib_char_class)ascii_class[cp];
    }
    return (bib_char_class)range_value(bib__class_ranges, bib__class_ranges_len, cp);
}

bool bib_char_is_letter(uint32_t cp)
{
    bib_char_class c = bib_char_class_of(cp);
    return c >= BIB_CHAR_UPPER && c <= BIB_CHAR_LETTER;
}

bool bib_char_is_mark(uint32_t cp)
{
    return bib_char_class_of(cp) == BIB_CHAR_MARK;
}

bool bib_char_is_upper(uint32_t cp)
{
    bib_char_class c = bib_char_class_of(cp);
    return c == BIB_CHAR_UPPER || c == BIB_CHAR_TITLE;
}

bool bib_char_is_lower(uint32_t cp)
{
    return bib_char_class_of(cp) == BIB_CHAR_LOWER;
}

bool bib_script_is_cjk(int script)
{
    return script == BIB_SCRIPT_HAN || script == BIB_SCRIPT_HIRAGANA ||
           script == BIB_SCRIPT_KATAKANA || script == BIB_SCRIPT_HANGUL;
}

int bib_script_dominant(const char *s, size_t len)
{
    /* script ids fit a byte (about 170 scripts): one counter each */
    unsigned count[256] = {0};
    int best = BIB_SCRIPT_COMMON;
    unsigned best_n = 0;
    size_t i = 0;
    while (i < len) {
        uint32_t cp;
        i += (size_t)bib_utf8_decode(s + i, len - i, &cp);
        if (!bib_char_is_letter(cp))
            continue;
        int sc = bib_script_of(cp);
        if (sc <= BIB_SCRIPT_INHERITED || sc >= 256)
            continue;
        /* strictly more wins, so ties go to the script met first */
        if (++count[sc] > best_n) {
            best_n = count[sc];
            best = sc;
        }
    }
    return best;
}
