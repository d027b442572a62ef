/* SPDX-License-Identifier: MIT */
/*
 * zotero.c - the zotero module: one read-only format, `zoterojson`, the
 * item JSON of Zotero's web API, of Better BibTeX's JSON export and of
 * Zotero's translators (zt_reader.c). This file holds the probe and the
 * descriptor.
 *
 * The probe owns the decision between Zotero JSON and CSL-JSON: an
 * "itemType" key or Better BibTeX's export label is Zotero's, and scores
 * above anything the csljson probes give (they step back on "itemType").
 * A JSON object that is neither (`{}`, an object without item keys) is
 * claimed just above csljson's weak score so that the reader refuses it
 * with a message that says what it is, instead of an empty record.
 */
#include <string.h>

#include "ztfmt.h"

static bool is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* True when `key` (with its quotes) occurs in the head as an object key:
 * not escaped inside a string, followed by ':'. The head is NUL-padded. */
static bool has_key(const char *h, const char *key)
{
    size_t kl = strlen(key);
    for (const char *p = strstr(h, key); p; p = strstr(p + 1, key)) {
        if (p > h && p[-1] == '\\')
            continue;
        const char *q = p + kl;
        while (is_ws((unsigned char)*q))
            q++;
        if (*q == ':')
            return true;
    }
    return false;
}

/* The keys the csljson probe takes for CSL-JSON (plugins/csljson/csljson.c). */
static bool csl_keys(const char *h)
{
    return strstr(h, "\"type\"") || strstr(h, "\"id\"") || strstr(h, "\"title\"") ||
           strstr(h, "\"author\"");
}

/* Scores 100 for Zotero's items, 80 for an export object whose items lie
 * past the head, 45 for a lone JSON object that is neither format (the
 * reader refuses it); never a score the csljson probes give (95, 70, 60,
 * 40, 30, 10), so the two never tie. */
static int probe_zotero(const unsigned char *head, size_t len, const char *fn)
{
    (void)fn;
    const char *h = (const char *)head;
    size_t i = 0;
    while (i < len && is_ws(head[i]))
        i++;
    if (i >= len || (h[i] != '{' && h[i] != '['))
        return BIB_PROBE_NONE;
    if (has_key(h, "\"itemType\""))
        return BIB_PROBE_MAX;
    if (h[i] == '[')
        return BIB_PROBE_NONE;
    if (strstr(h, "\"BetterBibTeX JSON\""))
        return BIB_PROBE_MAX;
    size_t k = i + 1;
    while (k < len && is_ws(head[k]))
        k++;
    if (!strncmp(h + k, "\"config\"", 8) || !strncmp(h + k, "\"collections\"", 13))
        return BIB_PROBE_LIKELY;
    /* one object (not JSON Lines: a second line opening an object) */
    const char *nl = memchr(h + i, '\n', len - i);
    while (nl && nl < h + len && is_ws((unsigned char)*nl))
        nl++;
    bool lines = nl && nl < h + len && *nl == '{';
    return !lines && !csl_keys(h) ? 45 : BIB_PROBE_NONE;
}

static const bib_format_desc fmt_zoterojson = {
    .name = "zoterojson",
    .description = "Zotero item JSON: web API, Better BibTeX JSON export (read only)",
    .extensions = "json",
    .mime = NULL,
    .flags = 0,
    .probe = probe_zotero,
    .reader = &zt_reader_ops,
    .writer = NULL,
};

static const bib_format_desc *const formats[] = {&fmt_zoterojson, NULL};

BIB_PLUGIN_EXPORT const bib_plugin_desc bib_plugin_module = {
    .abi_version = BIB_PLUGIN_ABI_VERSION,
    .module_name = "zotero",
    .formats = formats,
};
