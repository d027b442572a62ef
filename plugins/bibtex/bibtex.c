/* SPDX-License-Identifier: MIT */
/*
 * bibtex.c - the bibtex module's descriptor: formats `bibtex` and
 * `biblatex`, one set of reader and writer ops serving both (the flavour
 * decides field and type names on output and the default of -O ascii),
 * and the probe that ranks the two. The files of the module are listed in
 * btfmt.h; the mapping is described in docs/bibtex.md.
 *
 * Not for: LaTeX<->Unicode, the name algorithm, dates or key generation
 * (core text services).
 */
#include <ctype.h>
#include <string.h>

#include "btfmt.h"

/* Scores '@type{' at a line start; biblatex-only markers raise biblatex and
 * lower bibtex so the two siblings rank on purpose, not by load order. */
static int probe_common(const unsigned char *h, size_t len, const char *fn, bool blx)
{
    const char *s = (const char *)h;
    bool entry = false, blx_marks = false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '@' || (i && s[i - 1] != '\n' && s[i - 1] != ' ' && s[i - 1] != '\t'))
            continue;
        size_t j = i + 1;
        while (j < len && isalpha((unsigned char)s[j]))
            j++;
        if (j > i + 1 && j < len && (s[j] == '{' || s[j] == '(')) {
            entry = true;
            if (bt_ieq(s + i + 1, j - i - 1, "online") || bt_ieq(s + i + 1, j - i - 1, "thesis") ||
                bt_ieq(s + i + 1, j - i - 1, "report") || bt_ieq(s + i + 1, j - i - 1, "dataset"))
                blx_marks = true;
        }
    }
    for (size_t i = 0; i + 12 < len && !blx_marks; i++) {
        if ((s[i] == 'j' && strncmp(s + i, "journaltitle", 12) == 0) ||
            (s[i] == 'u' && strncmp(s + i, "urldate", 7) == 0) ||
            ((s[i] == ' ' || s[i] == '\t') && strncmp(s + i + 1, "date ", 5) == 0) ||
            ((s[i] == ' ' || s[i] == '\t') && strncmp(s + i + 1, "date=", 5) == 0))
            blx_marks = true;
    }
    size_t fl = fn ? strlen(fn) : 0;
    bool ext = fl > 4 && strcmp(fn + fl - 4, ".bib") == 0;
    if (!entry)
        return ext ? (blx ? BIB_PROBE_EXTENSION - 1 : BIB_PROBE_EXTENSION) : BIB_PROBE_NONE;
    int score = BIB_PROBE_LIKELY + (ext ? 10 : 0);
    if (blx)
        score += blx_marks ? 5 : -5;
    return score;
}

static int probe_bibtex(const unsigned char *h, size_t len, const char *fn)
{
    return probe_common(h, len, fn, false);
}

static int probe_biblatex(const unsigned char *h, size_t len, const char *fn)
{
    return probe_common(h, len, fn, true);
}

static const bib_format_desc fmt_bibtex = {
    .name = "bibtex",
    .description = "BibTeX (.bib), classic fields and types, LaTeX escapes",
    .extensions = "bib",
    .mime = "application/x-bibtex",
    .flags = BIB_WRITER_DIRECTIVES | BIB_FORMAT_HOLDS_RECORDS,
    .probe = probe_bibtex,
    .reader = &btfmt_reader_ops,
    .writer = &btfmt_writer_ops,
};

static const bib_format_desc fmt_biblatex = {
    .name = "biblatex",
    .description = "BibLaTeX (.bib) for biber: date, journaltitle, @online, UTF-8",
    .extensions = "bib",
    .mime = NULL,
    .flags = BIB_WRITER_DIRECTIVES | BIB_FORMAT_HOLDS_RECORDS,
    .probe = probe_biblatex,
    .reader = &btfmt_reader_ops,
    .writer = &btfmt_writer_ops,
};

static const bib_format_desc *const formats[] = {&fmt_bibtex, &fmt_biblatex, NULL};

BIB_PLUGIN_EXPORT const bib_plugin_desc bib_plugin_module = {
    .abi_version = BIB_PLUGIN_ABI_VERSION,
    .module_name = "bibtex",
    .formats = formats,
};
