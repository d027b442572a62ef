/* SPDX-License-Identifier: MIT */
/*
 * utf8.h - UTF-8 decoding/encoding, validation, NFC normalisation, case
 * folding and ASCII folding (for keys and matching).
 *
 * Not for: LaTeX (latex.h) or any format's escaping.
 */
#ifndef BIBCONV_UTF8_H
#define BIBCONV_UTF8_H

#include "buf.h"
#include "common.h"

BIB_BEGIN_DECLS

/* Decodes one code point at s[0..len). Returns the number of bytes used
 * (1..4) and the code point in *cp; for an invalid or truncated sequence
 * returns 1 and U+FFFD. len 0 returns 0. */
BIB_API int bib_utf8_decode(const char *s, size_t len, uint32_t *cp);

/* Encodes cp into out (4 bytes room); returns the length (invalid code
 * points encode U+FFFD). */
BIB_API int bib_utf8_encode(uint32_t cp, char out[4]);

/* True when s[0..len) is valid UTF-8 (no overlongs, no surrogates). */
BIB_API bool bib_utf8_valid(const char *s, size_t len);
/* True when s[0..len) holds nothing but ASCII white space and control
 * characters (bytes up to 0x20, and 0x7F): what no writer can show (text
 * formats make a control character a space and trim, XML holds none).
 * Most values: the first byte decides. */
BIB_API bool bib_text_blank(const char *s, size_t len);

/* Number of code points in s[0..len) (invalid bytes count one each). */
BIB_API size_t bib_utf8_length(const char *s, size_t len);

/* Appends the NFC form of s[0..len) to out (canonical composition of the
 * Latin, Greek and Cyrillic letters with combining marks that real
 * bibliographies contain, and of Hangul syllables written as conjoining
 * jamo; other text passes through unchanged). Invalid
 * UTF-8 bytes become U+FFFD. Returns 0 or BIB_ENOMEM. */
BIB_API int bib_utf8_nfc(bib_buf *out, const char *s, size_t len);

/* Appends a matching key of s: NFC, diacritics removed, case folded,
 * punctuation dropped, runs of whitespace collapsed to one space, trimmed.
 * Used to compare titles and names ("Über-Graph  Nets" == "uber graph
 * nets"). Returns 0 or BIB_ENOMEM. */
BIB_API int bib_utf8_match_key(bib_buf *out, const char *s, size_t len);

/* Appends an ASCII transliteration of s (é->e, ß->ss, ø->o, æ->ae, Ł->L,
 * ...); characters with no ASCII form are dropped. Case is kept. */
BIB_API int bib_utf8_ascii_fold(bib_buf *out, const char *s, size_t len);

BIB_END_DECLS

#endif /* BIBCONV_UTF8_H */
