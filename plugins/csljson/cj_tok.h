/* SPDX-License-Identifier: MIT */
/*
 * cj_tok.h - a flat, validating tokenizer for one CSL-JSON item: the text
 * of one JSON value (the extent the csljson reader's scanner found) becomes
 * an array of tokens in document order, with no allocation per value. It
 * is the front half of the DOM-free read path (cj_read.c).
 *
 * Deliberately a subset, and never looser than jansson: anything jansson
 * refuses (bad UTF-8, a raw control byte, a lone surrogate, a duplicate
 * key, leading zeros...) gives CJ_FALLBACK: the caller then hands the
 * whole item to jansson, which decides and words any error. So
 * diagnostics and their line:col come from one place. Two refusals are
 * the tokenizer's own, CJ_REFUSED, because jansson would first lex every
 * string before them, a huge one twice (issue 18): \u0000 in a string
 * (a value, a C string, cannot hold it) and nesting past CJ_MAX_DEPTH
 * (jansson's own limit). cj_refusal words them as jansson does, at the
 * place jansson names, so the error is the same on both paths. Reals and integers past 18 digits are CJ_NUM tokens, checked
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
 * (cj_tokenize_prefix only); "jansson refuses this item too" (cj_toks
 * says where and why) */
enum { CJ_FALLBACK = 1, CJ_SHORT = 2, CJ_REFUSED = 3 };

/* jansson's JSON_PARSER_MAX_DEPTH: values nested deeper are refused
 * (cj_tok.c falls back instead when jansson's limit is another) */
#define CJ_MAX_DEPTH 2048

/* Why an item was refused (cj_toks.refused). */
enum { CJ_REFUSE_NUL = 1, CJ_REFUSE_NUL_KEY = 2, CJ_REFUSE_DEPTH = 3 };

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
    /* after CJ_REFUSED: CJ_REFUSE_*, and the offset of the byte jansson
     * stops at (the string's closing quote; the bracket one too deep) */
    int refused;
    size_t refused_at;
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

/* After CJ_REFUSED on the text d: fills *e (a json_error_t, jansson.h) as
 * json_loadb of that text fills it: line and column (in characters) of
 * the place, and the first words of jansson's message. */
struct json_error_t;
void cj_refusal(const cj_toks *t, const char *d, struct json_error_t *e);

/* Writes the decoded text of string token k (of the text d) to out, NUL
 * terminated; returns its length without the NUL. out must have room for
 * k->end - k->start - 1 bytes: a decoded string is never longer than its
 * quoted source. */
size_t cj_str(const cj_tok *k, const char *d, char *out);

#endif /* BIBCONV_PLUGIN_CJ_TOK_H */
