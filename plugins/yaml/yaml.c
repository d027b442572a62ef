/* SPDX-License-Identifier: MIT */
/*
 * yaml.c - the yaml module: the format descriptor of CSL-YAML (pandoc's
 * bibliography YAML: a `references:` mapping, Markdown front matter, or a
 * bare list of items) and its probe. The reader is in yaml_reader.c, the
 * writer in yaml_writer.c; both map items through the shared plugins/csljson/cslitem.h.
 *
 * Not for: YAML that is not a bibliography (other keys are skipped), or
 * Hayagriva YAML (a different model).
 */
#include <string.h>

#include "bibconv/plugin.h"
#include "yamlfmt.h"

/* The line starting at p, without its end; returns the next line. */
static const unsigned char *line_end(const unsigned char *p, const unsigned char *e)
{
    while (p < e && *p != '\n' && *p != '\r')
        p++;
    return p;
}

static bool starts(const unsigned char *p, const unsigned char *e, const char *w)
{
    size_t n = strlen(w);
    return (size_t)(e - p) >= n && memcmp(p, w, n) == 0;
}

/* True when a line of the head is an item key CSL uses ("- id:", "  type:"). */
static bool csl_key_line(const unsigned char *p, const unsigned char *e)
{
    while (p < e && (*p == ' ' || *p == '-'))
        p++;
    static const char *const keys[] = {"id:", "type:", "title:", "author:", "issued:", NULL};
    for (const char *const *k = keys; *k; k++)
        if (starts(p, e, *k))
            return true;
    return false;
}

/* Scores: a `references:` key at the start of a line is CSL-YAML whatever
 * else the file holds (pandoc's own test of a bibliography file); a front
 * matter block alone is weak (any Markdown); a top-level list whose lines
 * carry CSL keys is likely. */
static int probe_yaml(const unsigned char *h, size_t len, const char *fn)
{
    (void)fn;
    const unsigned char *p = h, *e = h + len;
    bool front = false, list = false, refs = false, keys = false, first = true;
    while (p < e) {
        const unsigned char *le = line_end(p, e);
        bool blank = p == le || *p == '#';
        if (first && !blank) {
            front = starts(p, le, "---") && (le - p == 3 || p[3] == ' ');
            list = starts(p, le, "- ");
            first = false;
        }
        if (starts(p, le, "references:"))
            refs = true;
        if (csl_key_line(p, le))
            keys = true;
        p = le;
        while (p < e && (*p == '\n' || *p == '\r'))
            p++;
    }
    if (refs)
        return front ? BIB_PROBE_MAX - 5 : BIB_PROBE_MAX - 10;
    if (list && keys)
        return BIB_PROBE_LIKELY;
    if (front)
        return keys ? BIB_PROBE_LIKELY - 20 : BIB_PROBE_WEAK - 5;
    return BIB_PROBE_NONE;
}

static const bib_format_desc yaml_format = {
    .name = "yaml",
    .description = "CSL-YAML as pandoc reads and writes it (references:, front matter, list)",
    .extensions = "yaml,yml,md",
    .mime = NULL,
    .flags = 0,
    .probe = probe_yaml,
    .reader = &yamlfmt_reader_ops,
    .writer = &yamlfmt_writer_ops,
};

static const bib_format_desc *const formats[] = {&yaml_format, NULL};

BIB_PLUGIN_EXPORT const bib_plugin_desc bib_plugin_module = {
    .abi_version = BIB_PLUGIN_ABI_VERSION,
    .module_name = "yaml",
    .formats = formats,
};
