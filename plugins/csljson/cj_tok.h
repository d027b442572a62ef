/* SPDX-License-Identifier: MIT */
/*
 * cj_tok.h - a flat, validating tokenizer for one CSL-JSON item: the text
 * of one JSON value (the extent the csljson reader's scanner found) becomes
 * an array of tokens in document order, with no allocation per value. It
 * is the front half of the DOM-free read path (cj_read.c).
 *
 * Deliberately a subset, and never looser than jansson: anything jansson
 * refuses (bad UTF-8, a raw control byte, a lone surrogate, a duplicate
 * key, leading zeros...) and a few things it accepts but this path does
 * not need (\u0000, nesting past CJ_MAX_DEPTH) give
 * CJ_FALLBACK: the caller then hands the whole item to jansson, which
 * decides and words any error. So diagnostics and their line:col come from
 * one place. Reals and integers past 18 digits are CJ_NUM tokens, checked
 * by grammar only: the caller asks jansson whether it reads each (an
 * overflow is its error), and falls back if not. They are not a reason
 * to hand a whole item to jansson, whose lexer holds a huge string of the
 * item twice besides the input (issue 18: a value needs at most 2x); nor
 * is a key with an escape (compared decoded for duplicates).
 *
 * Not for: CSL semantics (cj_read.c), finding the extent of a value the
 * subset refuses (cj_scan.c).
 */
#ifndef BIBCONV_PLUGIN_CJ_TOK_H
#define BIBCONV_PLUGIN_CJ_TOK_H

#include <stddef.h>
#include <stdint.h>

/* CJ_NUM: a real or an integer past 18 digits, for jansson to decode */
enum { CJ_OBJ, CJ_ARR, CJ_STR, CJ_INT, CJ_TRUE, CJ_FALSE, CJ_NULL, CJ_NUM };

/* "use jansson for this item"; "the text given ends inside the value"
 * (cj_tokenize_prefix only) */
enum { CJ_FALLBACK = 1, CJ_SHORT = 2 };

enum { CJ_MAX_DEPTH = 64 };

typedef struct cj_tok {
    uint8_t type; /* CJ_* */
    uint8_t esc;  /* CJ_STR: the text holds a backslash escape */
    uint32_t start, end; /* the value's bytes [start, end); a string's include its quotes */
    uint32_t next;  /* index of the token after this value and everything inside it */
    uint32_t count; /* CJ_OBJ: members (each a key token, then the value's tokens);
                     * CJ_ARR: elements */
    long long num;  /* CJ_INT */
} cj_tok;

/* Owns its token array; reused from item to item (cj_toks_free at the end). */
typedef struct cj_toks {
    cj_tok *v;
    size_t n, cap;
    size_t nums; /* CJ_NUM tokens among the n */
} cj_toks;

/* Tokenizes d[0..len): exactly one JSON value, with whitespace only around
 * it. Returns 0 (t->v[0] is the value), CJ_FALLBACK, or BIB_ENOMEM. Items
 * of 4 GiB and more fall back. */
int cj_tokenize(cj_toks *t, const char *d, size_t len);

/* Tokenizes the object that starts at d[0] (no whitespace before it) and
 * stops after its closing brace, whatever follows: *end gets the offset
 * just past it. This is how the stream reader finds an item's extent and
 * its tokens in one pass (csljson.c). Returns 0, CJ_SHORT when d[0..len)
 * ends before the object does (or may: a number or literal cut at len) --
 * the caller may call again with more text --, CJ_FALLBACK when the text
 * is not an object of the subset (as for cj_tokenize; the caller then
 * finds the extent with cj_value_extent), or BIB_ENOMEM. The tokens on
 * success are those cj_tokenize gives for d[0..*end). */
int cj_tokenize_prefix(cj_toks *t, const char *d, size_t len, size_t *end);

void cj_toks_free(cj_toks *t);

/* Writes the decoded text of string token k (of the text d) to out, NUL
 * terminated; returns its length without the NUL. out must have room for
 * k->end - k->start - 1 bytes: a decoded string is never longer than its
 * quoted source. */
size_t cj_str(const cj_tok *k, const char *d, char *out);

#endif /* BIBCONV_PLUGIN_CJ_TOK_H */
