/* SPDX-License-Identifier: MIT */
/*
 * wos.c - the wos module: one format, `wos` (Web of Science tagged plain
 * text, the input of most bibliometrics tools), with a streaming reader
 * (wos_reader.c) and a writer (wos_writer.c) over one field table
 * (wos_table.c). This file holds the line syntax, the probe and the
 * descriptor.
 *
 * Not for: RIS (`TY  - `; Web of Science also exports RIS, which the ris
 * module reads) nor MEDLINE (plugins/medline).
 */
#include <string.h>

#include "wosfmt.h"

#ifndef WOS_MODULE_NAME
#define WOS_MODULE_NAME "wos"
#endif

static const char *const header_tags[] = {"FN", "VR", "EF", NULL};

const tg_syntax wos_syntax = {
    .format = WOS_MODULE_NAME,
    .width = 2,
    .dash = false,
    .indent = "   ",
    .blank_ends = false,
    .end_tag = "ER",
    .skip_tags = header_tags,
    .start_tag = NULL,
};

static bool starts(const char *l, size_t ll, const char *p)
{
    size_t pl = strlen(p);
    return ll >= pl && memcmp(l, p, pl) == 0;
}

/* The `FN ` and `VR ` header, or a `PT X` line and an `ER` line, say Web
 * of Science; a `TY  - ` line says RIS. A .txt name only breaks a tie. */
static int probe_wos(const unsigned char *h, size_t len, const char *fn)
{
    const char *s = (const char *)h;
    size_t i = 0;
    if (len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    bool fnl = false, vr = false, pt = false, er = false;
    size_t fl = fn ? strlen(fn) : 0;
    bool txt = fl > 4 && (strcmp(fn + fl - 4, ".txt") == 0 || strcmp(fn + fl - 4, ".ciw") == 0 ||
                          strcmp(fn + fl - 4, ".isi") == 0);
    while (i < len) {
        const char *nl = memchr(s + i, '\n', len - i);
        size_t e = nl ? (size_t)(nl - s) : len;
        const char *l = s + i;
        size_t ll = e - i;
        if (ll && l[ll - 1] == '\r')
            ll--;
        if (starts(l, ll, "TY  - "))
            return BIB_PROBE_NONE;
        if (starts(l, ll, "FN "))
            fnl = true;
        else if (starts(l, ll, "VR "))
            vr = true;
        else if (ll == 4 && starts(l, ll, "PT ") && strchr("JBSP", l[3]))
            pt = true;
        else if (ll == 2 && starts(l, ll, "ER"))
            er = true;
        i = e + 1;
    }
    int score = BIB_PROBE_NONE;
    if (fnl && vr)
        score = BIB_PROBE_LIKELY + 10;
    else if (pt && er)
        score = BIB_PROBE_LIKELY;
    else if (pt && (fnl || vr))
        score = BIB_PROBE_LIKELY - 10;
    return score && txt ? score + 5 : score;
}

static const bib_format_desc fmt_wos = {
    .name = WOS_MODULE_NAME,
    .description = "Web of Science tagged plain text (FN/VR, PT ... ER, EF)",
    .extensions = "ciw,isi",
    .mime = NULL,
    .flags = 0,
    .probe = probe_wos,
    .reader = &wos_reader_ops,
    .writer = &wos_writer_ops,
};

static const bib_format_desc *const formats[] = {&fmt_wos, NULL};

BIB_PLUGIN_EXPORT const bib_plugin_desc bib_plugin_module = {
    .abi_version = BIB_PLUGIN_ABI_VERSION,
    .module_name = WOS_MODULE_NAME,
    .formats = formats,
};
