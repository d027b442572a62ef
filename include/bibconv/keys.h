/* SPDX-License-Identifier: MIT */
/*
 * keys.h - citation keys: generation by the documented rule and uniqueness
 * across one output.
 *
 * The rule (-O keys=auto): ASCII-folded family name (or literal's first
 * word) of the first author or editor, lower-cased, + year + first
 * significant title word (articles and short function words in English and
 * French skipped), letters and digits only; "anon" when no name, no year
 * part when no year. Collisions get a, b, ..., z, aa, ab ... appended.
 */
#ifndef BIBCONV_KEYS_H
#define BIBCONV_KEYS_H

#include "buf.h"
#include "common.h"
#include "record.h"

BIB_BEGIN_DECLS

typedef struct bib_keyset bib_keyset;

/* Returns a new empty set of used keys (free with bib_keyset_free). */
BIB_API bib_keyset *bib_keyset_new(void);
BIB_API void bib_keyset_free(bib_keyset *set);

/* Marks key as used. Returns 1 if it was new, 0 if already used, or
 * BIB_ENOMEM. The set keeps a 64-bit fingerprint per key, not the key:
 * 8 to 16 bytes a key, with a false "already used" once in about 10^12
 * pairs of keys. It holds at most BIB_KEYSET_MAX keys, so memory stays
 * bounded (8 MiB: a reader's duplicate check and the command's unique
 * output keys together stay within a 32 MB run); past that, new keys are
 * reported new and not kept (see bib_keyset_full). */
BIB_API int bib_keyset_add(bib_keyset *set, const char *key);
BIB_API bool bib_keyset_has(const bib_keyset *set, const char *key);

#define BIB_KEYSET_MAX 786000 /* 2^20 slots at a load under 3/4 */

/* True once the set has stopped remembering new keys (BIB_KEYSET_MAX). */
BIB_API bool bib_keyset_full(const bib_keyset *set);

/* Appends the base key of rec by the rule above (not made unique). */
BIB_API int bib_key_generate(bib_buf *out, const bib_record *rec);

/* Appends to out a key for rec that is unique in `set` and adds it there:
 * `wanted` if given and unused, else the generated key with a suffix.
 * Returns 0 or BIB_ENOMEM. */
BIB_API int bib_key_unique(bib_buf *out, bib_keyset *set,
                           const bib_record *rec, const char *wanted);

/* Appends the n-th suffix bib_key_unique tries (0: "a", 25: "z", 26: "aa",
 * ...), for a reader that counts its own base keys and wants the key
 * bib_key_unique would reach without trying every earlier suffix. */
BIB_API void bib_key_suffix(bib_buf *out, size_t n);

BIB_END_DECLS

#endif /* BIBCONV_KEYS_H */
