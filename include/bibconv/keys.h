/* SPDX-License-Identifier: MIT */
/*
 * keys.h - citation keys: generation by the documented rule and uniqueness
 * across one output.
 *
 * The rule (-O keys=auto): ASCII-folded family name (or literal's first
 * word) of the first author or editor, lower-cased, + year + first
 * significant title word (articles and short function words in English and
 * French skipped), letters and digits only; with no name the title word
 * comes first (word + year), "anon" + year when there is no title either;
 * no year part when no year. Collisions get a, b, ..., z, aa, ab ... appended.
 * Only the first KiB of the name and of the title is looked at, so a key
 * stays short and a huge value is not copied to make it. 
 */
#ifndef BIBCONV_KEYS_H
#define BIBCONV_KEYS_H

#include "buf.h"
#include "common.h"
#include "record.h"

BIB_BEGIN_DECLS

typedef struct bib_keyset bib_keyset;

/* The key-uniqueness service: one set of used keys per output (the
 * command's unique keys, a reader's duplicate check, ids of keyless
 * records). It keeps a 64-bit fingerprint per key, not the key, with a
 * false "already used" once in about 10^12 pairs of keys (which only costs
 * a needless suffix, never a duplicate). Up to BIB_KEYSET_MAX keys live in
 * memory (8 MiB); past that the set moves them into an unlinked temporary
 * file (in $TMPDIR, else /tmp) used as a hash table, so memory stays flat
 * and no key is ever forgotten: 2,000,000 keys cost 8 MiB of memory, 32
 * MiB of file, one 4 KiB read per lookup past the memory tier. */

/* Returns a new empty set of used keys (free with bib_keyset_free, which
 * also removes its file), or NULL when out of memory. */
BIB_API bib_keyset *bib_keyset_new(void);
/* The same with at most `mem_keys` keys in memory (at least 16): for
 * callers that run several sets at once, and for tests of the file tier. */
BIB_API bib_keyset *bib_keyset_new_bounded(size_t mem_keys);
BIB_API void bib_keyset_free(bib_keyset *set);

/* Marks key as used. Returns 1 if it was new, 0 if already used, or
 * BIB_ENOMEM / BIB_EIO (the temporary file could not be written or read;
 * sticky: every later add returns it, see bib_keyset_error). */
BIB_API int bib_keyset_add(bib_keyset *set, const char *key);
/* True if key was added. A read error of the file tier answers false and
 * is kept for the next add. */
BIB_API bool bib_keyset_has(const bib_keyset *set, const char *key);
/* A hint, no effect on results: fetches into the cache the memory-tier
 * slot where key (its first len bytes, up to a NUL; borrowed) would go,
 * for a later add or has. */
BIB_API void bib_keyset_prefetch(const bib_keyset *set, const char *key, size_t len);
/* The sticky error of the set, 0 if none. */
BIB_API int bib_keyset_error(const bib_keyset *set);

#define BIB_KEYSET_MAX 786000 /* memory tier: 2^20 slots at a load under 3/4 */

/* Always false: the set no longer stops remembering keys (it spills to a
 * file instead). Kept so that older callers build. */
BIB_API bool bib_keyset_full(const bib_keyset *set);

/* Appends the base key of rec by the rule above (not made unique). */
BIB_API int bib_key_generate(bib_buf *out, const bib_record *rec);

/* Appends to out a key for rec that is unique in `set` and adds it there:
 * `wanted` if given and unused, else the generated key with a suffix.
 * Returns 0, BIB_ENOMEM or BIB_EIO (the set's file). */
BIB_API int bib_key_unique(bib_buf *out, bib_keyset *set,
                           const bib_record *rec, const char *wanted);

/* Appends the n-th suffix bib_key_unique tries (0: "a", 25: "z", 26: "aa",
 * ...), for a reader that counts its own base keys and wants the key
 * bib_key_unique would reach without trying every earlier suffix. */
BIB_API void bib_key_suffix(bib_buf *out, size_t n);

BIB_END_DECLS

#endif /* BIBCONV_KEYS_H */
