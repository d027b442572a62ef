/* SPDX-License-Identifier: MIT */
/*
 * options.h - bib_options, the small key/value set built from `-O
 * name=value` and read by plugins. Values are kept as text; the typed
 * getters parse them and report a bad value once.
 *
 * Not for: validating names against a plugin's table (the registry does
 * that with the bib_option_spec tables of plugin.h before opening).
 */
#ifndef BIBCONV_OPTIONS_H
#define BIBCONV_OPTIONS_H

#include "common.h"

BIB_BEGIN_DECLS

/* Returns a new empty set (free with bib_options_free), NULL on OOM. */
BIB_API bib_options *bib_options_new(void);
BIB_API void bib_options_free(bib_options *opts);

/* Sets name to value (both copied), replacing an earlier value. */
BIB_API int bib_options_set(bib_options *opts, const char *name,
                            const char *value);
/* Parses "name=value" (as given to -O). BIB_EINVAL when there is no '='
 * or the name is empty. */
BIB_API int bib_options_parse(bib_options *opts, const char *assignment);

/* Borrowed value or NULL when unset. A NULL opts behaves as empty. */
BIB_API const char *bib_options_get(const bib_options *opts,
                                    const char *name);

/* Typed getters: *out gets the default when unset. Booleans accept
 * true/false/yes/no/on/off/1/0. Return 0 or BIB_EINVAL for a value that
 * does not parse (*out then holds the default). */
BIB_API int bib_options_get_bool(const bib_options *opts, const char *name,
                                 bool def, bool *out);
BIB_API int bib_options_get_int(const bib_options *opts, const char *name,
                                long def, long *out);

/* Iteration in insertion order; borrowed pointers. BIB_ENOTFOUND past the
 * end. */
BIB_API size_t bib_options_count(const bib_options *opts);
BIB_API int bib_options_at(const bib_options *opts, size_t i,
                           const char **name, const char **value);

BIB_END_DECLS

#endif /* BIBCONV_OPTIONS_H */
