/* SPDX-License-Identifier: MIT */
/*
 * medline.c - the medline module: one format, `nbib` (PubMed's MEDLINE
 * tagged text, its "Citation manager" download), with a streaming reader
 * (medline_reader.c) and a writer (medline_writer.c) over one field table
 * (medline_table.c). This file holds the line syntax, the probe and the
 * descriptor.
 *
 * Not for: RIS (`TY  - ` records look alike: the probe leaves them to the
 * ris module) nor Web of Science text (plugins/wos).
 */
#include <string.h>

#include "medlinefmt.h"

#ifndef MEDLINE_MODULE_NAME
#define MEDLINE_MODULE_NAME "medline"
#endif
#ifndef MEDLINE_FORMAT_NAME
#define MEDLINE_FORMAT_NAME "nbib"
#endif

const tg_syntax medline_syntax = {
    .format = MEDLINE_FORMAT_NAME,
    .width = 4,
    .dash = true,
    .indent = "      ",
    .blank_ends = true,
    .end_tag = NULL,
    .skip_tags = NULL,
    .start_tag = "PMID",
};

static bool ends_with(const char *fn, const char *ext)
{
    size_t fl = fn ? strlen(fn) : 0, el = strlen(ext);
    return fl > el && strcmp(fn + fl - el, ext) == 0;
}

/* A `PMID- ` line, or MEDLINE's own long tags (FAU, OWN, STAT), at a line
 * start says MEDLINE; a `TY  - ` line says RIS, whatever else is there. */
static int probe_nbib(const unsigned char *h, size_t len, const char *fn)
{
    const char *s = (const char *)h;
    bool ext = ends_with(fn, ".nbib") || ends_with(fn, ".medline");
    bool pmid = false, own = false;
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(s + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - s) : len;
        const char *l = s + i;
        size_t ll = e - i;
        if (ll >= 6 && memcmp(l, "TY  - ", 6) == 0)
            return BIB_PROBE_NONE;
        if (ll >= 6 && memcmp(l, "PMID- ", 6) == 0)
            pmid = true;
        else if (ll >= 6 && (memcmp(l, "FAU - ", 6) == 0 || memcmp(l, "OWN - ", 6) == 0 ||
                             memcmp(l, "STAT- ", 6) == 0))
            own = true;
        i = e + 1;
    }
    if (pmid)
        return BIB_PROBE_LIKELY + 10 + (ext ? 5 : 0);
    if (own)
        return BIB_PROBE_LIKELY - 10 + (ext ? 5 : 0);
    return ext ? BIB_PROBE_EXTENSION : BIB_PROBE_NONE;
}

static const bib_format_desc fmt_nbib = {
    .name = MEDLINE_FORMAT_NAME,
    .description = "PubMed MEDLINE tagged text (.nbib, the citation manager download)",
    .extensions = "nbib,medline",
    .mime = "application/nbib",
    .flags = 0,
    .probe = probe_nbib,
    .reader = &medline_reader_ops,
    .writer = &medline_writer_ops,
};

static const bib_format_desc *const formats[] = {&fmt_nbib, NULL};

BIB_PLUGIN_EXPORT const bib_plugin_desc bib_plugin_module = {
    .abi_version = BIB_PLUGIN_ABI_VERSION,
    .module_name = MEDLINE_MODULE_NAME,
    .formats = formats,
};
