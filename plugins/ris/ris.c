/* SPDX-License-Identifier: MIT */
/*
 * ris.c - the ris module: one format, `ris` (Research Information Systems
 * tagged text, as EndNote, Zotero, Mendeley, Web of Science and Scopus
 * export it), with a streaming reader (ris_reader.c) and a writer
 * (ris_writer.c). This file holds the probe and the descriptor only.
 *
 * Not for: MEDLINE/nbib (`PMID- ` tags) or Web of Science plain text
 * (`PT J`): they look alike but are other formats, and the probe leaves
 * them alone.
 */
#include <string.h>

#include "risfmt.h"

/* The module and its format are `ris`; the test build of the extra table
 * row (tests/ris/meson.build) names both `ristest` so that it loads beside
 * the real module. */
#ifndef RIS_MODULE_NAME
#define RIS_MODULE_NAME "ris"
#endif

/* Scores a `TY  - ` line near the start; MEDLINE's `PMID- ` first tag says
 * it is nbib, not RIS (docs/ris.md, "Not supported"). */
static int probe_ris(const unsigned char *h, size_t len, const char *fn)
{
    const char *s = (const char *)h;
    size_t fl = fn ? strlen(fn) : 0;
    bool ext = fl > 4 && strcmp(fn + fl - 4, ".ris") == 0;
    bool ty = false, other = false, medline = false;
    size_t i = 0;
    while (i < len) {
        const char *nl = memchr(s + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - s) : len;
        ris_line l;
        ris_lex_line(s + i, e - i, &l);
        if (l.kind == RIS_LINE_TAG) {
            if (l.tag[0] == 'T' && l.tag[1] == 'Y')
                ty = true;
            else
                other = true;
        } else if (e - i >= 5 && memcmp(s + i, "PMID-", 5) == 0) {
            medline = true;
        }
        if (ty && other)
            break;
        i = e + 1;
    }
    if (medline && !ty)
        return BIB_PROBE_NONE;
    if (ty)
        return (other ? BIB_PROBE_LIKELY + 10 : BIB_PROBE_LIKELY) + (ext ? 10 : 0);
    if (other && ext)
        return BIB_PROBE_LIKELY - 10;
    return ext ? BIB_PROBE_EXTENSION : BIB_PROBE_NONE;
}

static const bib_format_desc fmt_ris = {
    .name = RIS_MODULE_NAME,
    .description = "RIS tagged references (EndNote, Zotero, PubMed, WoS, Scopus)",
    .extensions = "ris",
    .mime = "application/x-research-info-systems",
    .flags = 0,
    .probe = probe_ris,
    .reader = &risfmt_reader_ops,
    .writer = &risfmt_writer_ops,
};

static const bib_format_desc *const formats[] = {&fmt_ris, NULL};

BIB_PLUGIN_EXPORT const bib_plugin_desc bib_plugin_module = {
    .abi_version = BIB_PLUGIN_ABI_VERSION,
    .module_name = RIS_MODULE_NAME,
    .formats = formats,
};
