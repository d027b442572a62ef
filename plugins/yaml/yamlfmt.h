/* SPDX-License-Identifier: MIT */
/*
 * yamlfmt.h - what the files of the yaml module share: the reader and
 * writer operation tables, and the one rule both sides must agree on, which
 * plain scalars read back as text.
 *
 * Not for: anything outside plugins/yaml (all of it has hidden visibility).
 */
#ifndef BIBCONV_YAMLFMT_H
#define BIBCONV_YAMLFMT_H

#include <stdint.h>

#include "bibconv/buf.h"
#include "bibconv/plugin.h"

extern const bib_reader_ops yamlfmt_reader_ops;
extern const bib_writer_ops yamlfmt_writer_ops;

/* True when the reader turns the plain (unquoted, untagged) scalar `s`
 * into a JSON string: false for null words, booleans and canonical
 * integers. The writer quotes a string whenever this is false. */
bool yamlfmt_plain_is_string(const char *s);

/* Compiles the number pattern yamlfmt_needs_quotes runs, once for the
 * process (yaml_quote.c); false when it cannot. */
bool yamlfmt_numeric_pattern(void);

/* True when the writer must quote the string `s` (a C string) for it to
 * read back as text; `have_re`: yamlfmt_numeric_pattern() said true. */
bool yamlfmt_needs_quotes(bool have_re, const char *s);

/* The byte length of the character at s[i] (of len bytes) when libyaml
 * prints it as it is and it is neither a break nor a tab; 0 otherwise. */
size_t yamlfmt_char_width(const unsigned char *s, size_t i, size_t len);

/* Whether libyaml allows str[0..len) as a block plain scalar (1 or 0), -1
 * when it holds a character yamlfmt_char_width refuses; *cols gets its
 * width in characters. */
int yamlfmt_plain_ok(const char *str, size_t len, size_t *cols);

/* A mapping key the direct writer laid out plain before (yaml_writer.c,
 * dr_key): items repeat the same few dozen keys, and whether one needs
 * quotes and its width are the same every time. len 0 is an empty slot. */
enum { YAMLFMT_KEY_MAX = 30, YAMLFMT_KEY_SLOTS = 256 };
typedef struct yamlfmt_key_slot {
    unsigned char len;
    char text[YAMLFMT_KEY_MAX + 1]; /* the key and its ':' */
    int width;                      /* of the key, in characters */
} yamlfmt_key_slot;

/* The slot of tab (YAMLFMT_KEY_SLOTS of them) for key[0..len), 1 <= len
 * <= YAMLFMT_KEY_MAX; it holds that key when its len and text match. */
yamlfmt_key_slot *yamlfmt_key_slot_of(yamlfmt_key_slot *tab, const char *key, size_t len);
/* Keeps key[0..len) (written unquoted) in its slot sl when it is plain. */
void yamlfmt_key_keep(yamlfmt_key_slot *sl, const char *key, size_t len);

/* The first eight bytes of s, big-endian, zero past its end: two keys
 * whose prefixes differ compare as strcmp compares them. */
uint64_t yamlfmt_key_prefix(const char *s);

/* pandoc reads the text values of CSL-YAML as Markdown (docs/yaml.md):
 * `$` opens TeX math there, a backslash before a letter is a raw TeX
 * command (`\bar{1}` is dropped) and one before ASCII punctuation an
 * escape; pairs of `*`, `_`, `^`, `~` or backquotes are emphasis,
 * superscript, subscript or code, `[x](y)` a link (`[x]{.c}` a span),
 * `--`, `---` and `...` dashes and an ellipsis, `&amp;` an entity and a
 * `>` opening a line a block quote. CSL text has none of these meanings,
 * so what would take one is written with a backslash, as pandoc writes
 * its own CSL-YAML, and nothing else (a lone `*`, `snake_case`, `x@y`
 * and `[a]` stay as they are); the reader undoes every such escape
 * (yamlrd_unescape). `<` is left alone: the record model's markup is
 * written as the HTML tags CSL uses. The value at *sp (*lenp bytes) is
 * replaced by its escaped copy in esc when it needs one (most values do
 * not); 0, or BIB_ENOMEM. *sp then points into esc, which the caller
 * owns; the value it pointed to is not changed. */
int yamlfmt_md_escape(bib_buf *esc, const char **sp, size_t *lenp);

#endif /* BIBCONV_YAMLFMT_H */
