/* SPDX-License-Identifier: MIT */
/*
 * script.h - Unicode scripts and letter classes of code points and strings,
 * from a table generated from the Unicode Character Database
 * (tools/gen_script.py; the version is bib_unicode_version()). Name and
 * title logic asks these instead of ASCII tests, so Hangul, Han, Arabic or
 * a Yoruba letter with a combining mark are letters like any other.
 *
 * No allocation anywhere; all functions are pure and thread-safe.
 */
#ifndef BIBCONV_SCRIPT_H
#define BIBCONV_SCRIPT_H

#include "common.h"

BIB_BEGIN_DECLS

/* Script ids: the ones below are fixed; every other script of the Unicode
 * version has an id above them (bib_script_name gives its name). */
enum {
    BIB_SCRIPT_UNKNOWN = 0,   /* unassigned code points (Zzzz) */
    BIB_SCRIPT_COMMON = 1,    /* punctuation, digits, symbols shared by scripts */
    BIB_SCRIPT_INHERITED = 2, /* combining marks taking their base's script */
    BIB_SCRIPT_LATIN = 3,
    BIB_SCRIPT_GREEK = 4,
    BIB_SCRIPT_CYRILLIC = 5,
    BIB_SCRIPT_HAN = 6,
    BIB_SCRIPT_HIRAGANA = 7,
    BIB_SCRIPT_KATAKANA = 8,
    BIB_SCRIPT_HANGUL = 9,
    BIB_SCRIPT_ARABIC = 10,
    BIB_SCRIPT_HEBREW = 11,
    BIB_SCRIPT_DEVANAGARI = 12,
    BIB_SCRIPT_THAI = 13
};

/* Letter classes (from the general category). */
typedef enum bib_char_class {
    BIB_CHAR_OTHER = 0,  /* controls, unassigned, format, private use */
    BIB_CHAR_UPPER = 1,  /* Lu */
    BIB_CHAR_LOWER = 2,  /* Ll */
    BIB_CHAR_TITLE = 3,  /* Lt (Dž) */
    BIB_CHAR_LETTER = 4, /* Lm, Lo: letters without case (Han, Hangul, Arabic...) */
    BIB_CHAR_MARK = 5,   /* Mn, Mc, Me: combining marks */
    BIB_CHAR_DIGIT = 6,  /* Nd */
    BIB_CHAR_NUMBER = 7, /* Nl, No */
    BIB_CHAR_SPACE = 8,  /* Zs, Zl, Zp */
    BIB_CHAR_PUNCT = 9,  /* P* */
    BIB_CHAR_SYMBOL = 10 /* S* */
} bib_char_class;

/* The Unicode version the tables were generated from ("15.0.0"). */
BIB_API const char *bib_unicode_version(void);

/* Script id of a code point (BIB_SCRIPT_UNKNOWN when unassigned). */
BIB_API int bib_script_of(uint32_t cp);

/* Name of a script id as the UCD writes it ("Latin", "Han", "Hangul"), or
 * NULL for an id out of range. Static storage. */
BIB_API const char *bib_script_name(int script);

/* The script most letters of s[0..len) (UTF-8) belong to; Common and
 * Inherited do not count, Hiragana and Katakana count as themselves. With
 * no letter, BIB_SCRIPT_COMMON. Ties go to the script met first. */
BIB_API int bib_script_dominant(const char *s, size_t len);

/* Letter class of a code point. */
BIB_API bib_char_class bib_char_class_of(uint32_t cp);

/* Convenience tests on the class. */
BIB_API bool bib_char_is_letter(uint32_t cp); /* UPPER, LOWER, TITLE, LETTER */
BIB_API bool bib_char_is_mark(uint32_t cp);
BIB_API bool bib_char_is_upper(uint32_t cp);  /* UPPER or TITLE */
BIB_API bool bib_char_is_lower(uint32_t cp);

/* True when the script writes names without spaces between family and
 * given name (Han, Hiragana, Katakana, Hangul). */
BIB_API bool bib_script_is_cjk(int script);

BIB_END_DECLS

#endif /* BIBCONV_SCRIPT_H */
