/* SPDX-License-Identifier: MIT */
/*
 * xml.c - the xml module: two formats, `endnotexml` (EndNote's XML export)
 * and `mods` (MODS 3.x, the Library of Congress schema bibutils, Zotero and
 * library catalogues exchange), each with a streaming reader and a writer
 * (xml_endnote.c, xml_mods.c over xml_read.c and xml_write.c). This file
 * holds the probes and the descriptor.
 *
 * The probes look at the root element only, after the XML declaration,
 * comments, processing instructions and a DOCTYPE: an EndNote file's root
 * is <xml> (with <records> inside), a MODS file's <modsCollection> or
 * <mods>. Any other XML (MEDLINE, JATS, RSS, MS Office bibliography) scores
 * 0, so no other format's file is taken; the shared .xml extension only
 * breaks ties.
 */
#include <string.h>

#include "xmlfmt.h"

static bool blank(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Skips what may come before the root; returns the offset of the root's
 * '<', or len when the head does not reach it. */
static size_t root_at(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        while (i < len && blank((unsigned char)s[i]))
            i++;
        if (i >= len || s[i] != '<')
            return len;
        const char *end = NULL;
        if (strncmp(s + i, "<?", 2) == 0) {
            end = strstr(s + i, "?>");
            end = end ? end + 1 : NULL;
        } else if (strncmp(s + i, "<!--", 4) == 0) {
            end = strstr(s + i, "-->");
            end = end ? end + 2 : NULL;
        }
        else if (strncmp(s + i, "<!DOCTYPE", 9) == 0) {
            /* an internal subset ends with "]>" */
            const char *br = memchr(s + i, '[', len - i), *gt = memchr(s + i, '>', len - i);
            end = br && gt && br < gt ? strstr(br, "]") : gt;
            if (end && *end == ']')
                end = memchr(end, '>', len - (size_t)(end - s));
        } else {
            return i;
        }
        if (!end)
            return len;
        i = (size_t)(end - s) + 1;
    }
    return len;
}

/* The local name of the root element (prefix dropped) into out. */
static bool root_name(const unsigned char *h, size_t len, char *out, size_t cap)
{
    const char *s = (const char *)h;
    size_t i = root_at(s, len);
    if (i >= len)
        return false;
    i++;
    size_t start = i, n = 0;
    while (i < len && !blank(h[i]) && h[i] != '>' && h[i] != '/') {
        if (h[i] == ':')
            start = i + 1;
        i++;
    }
    n = i - start;
    if (n == 0 || n >= cap)
        return false;
    memcpy(out, s + start, n);
    out[n] = '\0';
    return true;
}

int xml_probe_endnote(const unsigned char *h, size_t len, const char *fn)
{
    (void)fn;
    char root[32];
    if (!root_name(h, len, root, sizeof root) || strcmp(root, "xml") != 0)
        return BIB_PROBE_NONE;
    const char *s = (const char *)h;
    if (strstr(s, "<records>") || strstr(s, "<records "))
        return BIB_PROBE_MAX - 5;
    return strstr(s, "<record>") ? BIB_PROBE_LIKELY + 10 : BIB_PROBE_LIKELY - 20;
}

int xml_probe_mods(const unsigned char *h, size_t len, const char *fn)
{
    (void)fn;
    char root[32];
    if (!root_name(h, len, root, sizeof root))
        return BIB_PROBE_NONE;
    bool ns = strstr((const char *)h, "www.loc.gov/mods/") != NULL;
    if (strcmp(root, "modsCollection") == 0)
        return BIB_PROBE_MAX - 5;
    if (strcmp(root, "mods") == 0)
        return ns ? BIB_PROBE_LIKELY + 10 : BIB_PROBE_LIKELY - 10;
    return BIB_PROBE_NONE;
}

#if defined(__GNUC__) || defined(__clang__)
#include <libxml/parser.h>
/* libxml2 keeps global tables (encodings, the dictionary mutex) that it
 * frees only in xmlCleanupParser; this module is libxml2's user in the
 * process and is unloaded at exit, so it releases them then (valgrind
 * clean). */
__attribute__((destructor)) static void xml_module_fini(void)
{
    xmlCleanupParser();
}
#endif

static const bib_format_desc fmt_endnote = {
    .name = "endnotexml",
    .description = "EndNote XML export (<xml><records><record>)",
    .extensions = "xml",
    .mime = NULL,
    .flags = 0,
    .probe = xml_probe_endnote,
    .reader = &xml_endnote_reader_ops,
    .writer = &xml_endnote_writer_ops,
};

static const bib_format_desc fmt_mods = {
    .name = "mods",
    .description = "MODS 3.x XML (modsCollection; bibutils, library catalogues)",
    .extensions = "mods,xml",
    .mime = "application/mods+xml",
    .flags = 0,
    .probe = xml_probe_mods,
    .reader = &xml_mods_reader_ops,
    .writer = &xml_mods_writer_ops,
};

static const bib_format_desc *const formats[] = {&fmt_endnote, &fmt_mods, NULL};

BIB_PLUGIN_EXPORT const bib_plugin_desc bib_plugin_module = {
    .abi_version = BIB_PLUGIN_ABI_VERSION,
    .module_name = "xml",
    .formats = formats,
};
