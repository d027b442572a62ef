/* SPDX-License-Identifier: MIT */
/*
 * registry.h - finding, loading, listing and probing format plugins.
 *
 * Search order: directories added with bib_registry_add_dir (--plugin-dir),
 * then BIBCONV_PLUGIN_PATH (colon-separated; empty and relative entries
 * skipped with a warning), then the build tree's plugin directories when
 * libbibconv itself runs from the build tree, else the installed
 * ${libdir}/bibconv/plugins. Never the current directory; no recursion;
 * files ending in ".so" in sorted order.
 *
 * Each refused module or format gets one warning line naming the file and
 * the reason; the rest still load. No plugin code runs while loading.
 *
 * A module with an index beside it (NAME.formats) is opened only when a
 * format it lists is first looked up, or when every format is needed
 * (bib_registry_count, bib_registry_at, bib_registry_probe); so a refusal
 * of such a module is reported then. The index never changes which module
 * provides a format (docs/plugin-guide.md, "Index files"). The lookups
 * take a const registry but may open modules: not for concurrent use
 * from several threads.
 */
#ifndef BIBCONV_REGISTRY_H
#define BIBCONV_REGISTRY_H

#include "common.h"
#include "diag.h"
#include "io.h"
#include "plugin.h"

BIB_BEGIN_DECLS

/* Returns a new empty registry reporting to `diag` (borrowed for its
 * life), NULL on OOM. Free with bib_registry_free after every reader and
 * writer made from it is closed. */
BIB_API bib_registry *bib_registry_new(bib_diag *diag);
BIB_API void bib_registry_free(bib_registry *reg);

/* Adds an explicit plugin directory (copied), searched first, in call
 * order. */
BIB_API int bib_registry_add_dir(bib_registry *reg, const char *dir);

/* Flags for bib_registry_load. */
enum {
    BIB_REGISTRY_NO_ENV = 1u << 0,     /* ignore BIBCONV_PLUGIN_PATH */
    BIB_REGISTRY_NO_DEFAULT = 1u << 1  /* no build-tree/installed dir */
};

/* Scans the search path and loads every acceptable module (an indexed
 * one when first needed). Returns the number of formats available, as
 * far as the indexes tell (>= 0), or BIB_ENOTFOUND after reporting every
 * directory searched when there is none. */
BIB_API int bib_registry_load(bib_registry *reg, unsigned flags);

/* Loads one module file explicitly (tests). 0 or BIB_EPLUGIN (reported). */
BIB_API int bib_registry_load_file(bib_registry *reg, const char *path);

BIB_API size_t bib_registry_count(const bib_registry *reg);
/* Format i in load order (borrowed), NULL out of range. */
BIB_API const bib_format_desc *bib_registry_at(const bib_registry *reg,
                                               size_t i);
/* Path of the module that provides `fmt` (borrowed), or NULL. */
BIB_API const char *bib_registry_module_path(const bib_registry *reg,
                                             const bib_format_desc *fmt);
/* Format by exact name, or NULL; opens the module that provides it when
 * it is not open yet. */
BIB_API const bib_format_desc *bib_registry_find(const bib_registry *reg,
                                                 const char *name);

/* One line per format: score and reason, filled by bib_registry_probe. */
typedef struct bib_probe_result {
    const bib_format_desc *format;
    int score;          /* 0..100 after the extension rule */
    bool ext_match;     /* the file name has one of its extensions */
} bib_probe_result;

/* Detects the format of `in` (nothing is consumed). On success returns 0
 * and the winner in *out. A tie without a unique extension match returns
 * BIB_EAMBIGUOUS, a best score <= BIB_PROBE_WEAK returns BIB_ENOTFOUND;
 * both after reporting the candidates. `results` (may be NULL) receives up
 * to `cap` per-format results sorted by score, and *nresults their count;
 * *head_size (may be NULL) the number of bytes looked at. Only formats
 * with a reader are candidates. */
BIB_API int bib_registry_probe(bib_registry *reg, bib_input *in,
                               const bib_format_desc **out,
                               bib_probe_result *results, size_t cap,
                               size_t *nresults, size_t *head_size);

BIB_END_DECLS

#endif /* BIBCONV_REGISTRY_H */
