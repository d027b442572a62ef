/* SPDX-License-Identifier: MIT */
/*
 * textfb.c - private stand-ins for core text services that were not yet in
 * libbibconv when this plugin was written (bib_latex_to_unicode,
 * bib_latex_from_unicode, bib_names_add_bibtex, bib_name_format_bibtex).
 * The core symbols are referenced weakly: when core has them, the wrappers
 * below call core, and these reduced versions (common accents and specials,
 * the three BibTeX name forms) are only a fallback. Remove this file once
 * core ships latex.c and the BibTeX half of names.c.
 *
 * Not for: anything beyond keeping the plugin usable meanwhile.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "textfb.h"

#pragma weak bib_latex_to_unicode
#pragma weak bib_latex_from_unicode
#pragma weak bib_names_add_bibtex
#pragma weak bib_name_format_bibtex
#pragma weak bib_rich_tag_at

typedef struct accent {
    char cmd;
    char base;
    const char *utf8;
} accent;

static const accent accents[] = {
    {'"', 'a', "ä"}, {'"', 'o', "ö"}, {'"', 'u', "ü"}, {'"', 'A', "Ä"}, {'"', 'O', "Ö"},
    {'"', 'U', "Ü"}, {'"', 'e', "ë"}, {'"', 'i', "ï"}, {'\'', 'a', "á"}, {'\'', 'e', "é"},
    {'\'', 'i', "í"}, {'\'', 'o', "ó"}, {'\'', 'u', "ú"}, {'\'', 'E', "É"}, {'\'', 'c', "ć"},
    {'\'', 'n', "ń"}, {'\'', 's', "ś"}, {'\'', 'z', "ź"}, {'`', 'a', "à"}, {'`', 'e', "è"},
    {'`', 'i', "ì"}, {'`', 'o', "ò"}, {'`', 'u', "ù"}, {'^', 'a', "â"}, {'^', 'e', "ê"},
    {'^', 'i', "î"}, {'^', 'o', "ô"}, {'^', 'u', "û"}, {'~', 'n', "ñ"}, {'~', 'a', "ã"},
    {'~', 'o', "õ"}, {'~', 'N', "Ñ"}, {'c', 'c', "ç"}, {'c', 'C', "Ç"}, {'v', 's', "š"},
    {'v', 'c', "č"}, {'v', 'z', "ž"}, {'v', 'r', "ř"}, {'v', 'S', "Š"}, {'v', 'C', "Č"},
    {'v', 'e', "ě"}, {'H', 'o', "ő"}, {'H', 'u', "ű"}, {'k', 'a', "ą"}, {'k', 'e', "ę"},
    {'u', 'g', "ğ"}, {'=', 'a', "ā"}, {'.', 'z', "ż"}, {'r', 'a', "å"}, {'r', 'A', "Å"},
};

typedef struct word {
    const char *cmd;
    const char *utf8;
} word;

static const word letters[] = {
    {"ss", "ß"}, {"o", "ø"}, {"O", "Ø"}, {"aa", "å"}, {"AA", "Å"}, {"ae", "æ"},
    {"AE", "Æ"}, {"oe", "œ"}, {"OE", "Œ"}, {"l", "ł"}, {"L", "Ł"}, {"i", "ı"},
    {"j", "ȷ"}, {"textendash", "–"}, {"textemdash", "—"}, {"textbackslash", "\\"},
};

static const char *accent_of(char cmd, char base)
{
    if (base == '\0')
        return NULL;
    for (size_t i = 0; i < sizeof accents / sizeof accents[0]; i++)
        if (accents[i].cmd == cmd && accents[i].base == base)
            return accents[i].utf8;
    /* dotless i under an accent */
    return NULL;
}

static int fb_to_unicode(bib_buf *out, const char *s, size_t len, unsigned flags)
{
    const char *e = s + len;
    int depth = 0;
    bool nocase = (flags & BIB_LATEX_NOCASE) && (flags & BIB_LATEX_RICH);
    bool verb = flags & BIB_LATEX_VERBATIM;
    while (s < e) {
        char c = *s;
        if (c == '{' || c == '}') {
            bool special = c == '{' && s + 1 < e && s[1] == '\\';
            if (c == '{') {
                depth++;
                if (nocase && depth == 1 && !special) {
                    /* level-1 group that is not a special character */
                    bib_buf_puts(out, "<span class=\"nocase\">");
                    depth += 1000;
                }
            } else if (depth > 0) {
                if (depth == 1001) {
                    bib_buf_puts(out, "</span>");
                    depth -= 1000;
                }
                depth--;
            }
            s++;
            continue;
        }
        if (c == '$' && !verb) {
            /* math is kept as written */
            const char *q = memchr(s + 1, '$', (size_t)(e - s - 1));
            if (q) {
                bib_buf_append(out, s, (size_t)(q - s + 1));
                s = q + 1;
                continue;
            }
        }
        if (verb) {
            bib_buf_putc(out, c);
            s++;
            continue;
        }
        if (c == '\\' && s + 1 < e) {
            char n = s[1];
            if (strchr("&%$#_{}", n)) {
                bib_buf_putc(out, n);
                s += 2;
                continue;
            }
            if (strchr("\"'`^~=.", n) || (strchr("cvHkur", n) && s + 2 < e &&
                                           (s[2] == '{' || s[2] == ' '))) {
                const char *p = s + 2;
                while (p < e && *p == ' ')
                    p++;
                bool br = p < e && *p == '{';
                if (br)
                    p++;
                if (p < e && *p == '\\' && p + 1 < e && (p[1] == 'i' || p[1] == 'j'))
                    p++;
                const char *u = p < e ? accent_of(n, *p) : NULL;
                if (u) {
                    bib_buf_puts(out, u);
                    p++;
                    if (br && p < e && *p == '}')
                        p++;
                    s = p;
                    continue;
                }
            }
            if (isalpha((unsigned char)n)) {
                const char *p = s + 1;
                while (p < e && isalpha((unsigned char)*p))
                    p++;
                size_t n2 = (size_t)(p - s - 1);
                bool found = false;
                for (size_t i = 0; i < sizeof letters / sizeof letters[0]; i++) {
                    if (strlen(letters[i].cmd) == n2 && memcmp(letters[i].cmd, s + 1, n2) == 0) {
                        bib_buf_puts(out, letters[i].utf8);
                        found = true;
                        break;
                    }
                }
                if (found) {
                    while (p < e && *p == ' ')
                        p++;
                    s = p;
                    continue;
                }
                static const char *const drop[] = {"emph", "textit", "textbf", "textsc",
                                                   "textsuperscript", "textsubscript",
                                                   "textrm", "textsf", "texttt", "url",
                                                   "mkbibquote", NULL};
                static const char *const open[] = {"<i>", "<i>", "<b>",
                                                   "<span style=\"font-variant:small-caps;\">",
                                                   "<sup>", "<sub>", "", "", "", "", "", NULL};
                static const char *const close[] = {"</i>", "</i>", "</b>", "</span>",
                                                    "</sup>", "</sub>", "", "", "", "", "",
                                                    NULL};
                for (size_t i = 0; drop[i]; i++) {
                    if (strlen(drop[i]) == n2 && memcmp(drop[i], s + 1, n2) == 0 && p < e &&
                        *p == '{') {
                        /* find the matching brace and convert the argument */
                        int d = 0;
                        const char *q = p;
                        for (; q < e; q++) {
                            if (*q == '{')
                                d++;
                            else if (*q == '}' && --d == 0)
                                break;
                        }
                        if (q >= e)
                            break;
                        bool rich = flags & BIB_LATEX_RICH;
                        if (rich)
                            bib_buf_puts(out, open[i]);
                        fb_to_unicode(out, p + 1, (size_t)(q - p - 1),
                                      flags & ~(unsigned)BIB_LATEX_NOCASE);
                        if (rich)
                            bib_buf_puts(out, close[i]);
                        s = q + 1;
                        found = true;
                        break;
                    }
                }
                if (found)
                    continue;
            }
            bib_buf_putc(out, c);
            s++;
            continue;
        }
        if (c == '-' && s + 1 < e && s[1] == '-') {
            if (s + 2 < e && s[2] == '-') {
                bib_buf_puts(out, "—");
                s += 3;
            } else {
                bib_buf_puts(out, "–");
                s += 2;
            }
            continue;
        }
        if (c == '~') {
            bib_buf_puts(out, "\xc2\xa0");
            s++;
            continue;
        }
        if (c == '`' && s + 1 < e && s[1] == '`') {
            bib_buf_puts(out, "“");
            s += 2;
            continue;
        }
        if (c == '\'' && s + 1 < e && s[1] == '\'') {
            bib_buf_puts(out, "”");
            s += 2;
            continue;
        }
        bib_buf_putc(out, c);
        s++;
    }
    if (depth > 1000)
        bib_buf_puts(out, "</span>");
    return bib_buf_failed(out) ? BIB_ENOMEM : 0;
}

int bt_latex_to_unicode(bib_buf *out, const char *s, size_t len, unsigned flags)
{
    if (bib_latex_to_unicode)
        return bib_latex_to_unicode(out, s, len, flags, NULL);
    return fb_to_unicode(out, s, len, flags);
}

static int fb_from_unicode(bib_buf *out, const char *s, size_t len, unsigned flags,
                           size_t *no_latex)
{
    const char *e = s + len;
    bool ascii = flags & BIB_LATEX_ASCII;
    while (s < e) {
        unsigned char c = (unsigned char)*s;
        if (flags & BIB_LATEX_OUT_VERBATIM) {
            bib_buf_putc(out, (char)c);
            s++;
            continue;
        }
        if ((flags & BIB_LATEX_FROM_RICH) && c == '<') {
            bib_rich_tag tag;
            bool closing;
            size_t n = bib_rich_tag_at ? bib_rich_tag_at(s, (size_t)(e - s), &tag, &closing) : 0;
            if (!n && strncmp(s, "<span class=\"nocase\">", 21) == 0) {
                n = 21;
                tag = BIB_RICH_NOCASE;
                closing = false;
            }
            if (n) {
                static const char *const cmd[] = {"", "\\textit{", "\\textbf{",
                                                  "\\textsuperscript{", "\\textsubscript{",
                                                  "\\textsc{", "{"};
                bib_buf_puts(out, closing ? "}" : cmd[tag]);
                s += n;
                continue;
            }
            if (strncmp(s, "</span>", 7) == 0 || strncmp(s, "</i>", 4) == 0 ||
                strncmp(s, "</b>", 4) == 0) {
                bib_buf_putc(out, '}');
                s += s[2] == 's' ? 7 : 4;
                continue;
            }
        }
        if (strchr("&%$#_{}", (int)c) && c) {
            bib_buf_putc(out, '\\');
            bib_buf_putc(out, (char)c);
            s++;
            continue;
        }
        if (c == '\\') {
            bib_buf_puts(out, "\\textbackslash{}");
            s++;
            continue;
        }
        if (c >= 0x80 && ascii) {
            size_t n = (c >= 0xf0) ? 4 : (c >= 0xe0) ? 3 : 2;
            bool done = false;
            for (size_t i = 0; i < sizeof accents / sizeof accents[0] && !done; i++) {
                if (strlen(accents[i].utf8) == n && memcmp(accents[i].utf8, s, n) == 0) {
                    bib_buf_printf(out, "{\\%c%s%c}", accents[i].cmd,
                                   isalpha((unsigned char)accents[i].cmd) ? "{" : "",
                                   accents[i].base);
                    if (isalpha((unsigned char)accents[i].cmd))
                        bib_buf_putc(out, '}');
                    done = true;
                }
            }
            for (size_t i = 0; i < sizeof letters / sizeof letters[0] && !done; i++) {
                if (strlen(letters[i].utf8) == n && memcmp(letters[i].utf8, s, n) == 0) {
                    bib_buf_printf(out, "{\\%s}", letters[i].cmd);
                    done = true;
                }
            }
            if (!done) {
                if (n == 3 && memcmp(s, "–", 3) == 0)
                    bib_buf_puts(out, "--");
                else if (n == 3 && memcmp(s, "—", 3) == 0)
                    bib_buf_puts(out, "---");
                else if (n == 2 && memcmp(s, "\xc2\xa0", 2) == 0)
                    bib_buf_putc(out, '~');
                else {
                    bib_buf_append(out, s, n);
                    if (no_latex)
                        (*no_latex)++;
                }
            }
            s += n;
            continue;
        }
        bib_buf_putc(out, (char)c);
        s++;
    }
    return bib_buf_failed(out) ? BIB_ENOMEM : 0;
}

int bt_latex_from_unicode(bib_buf *out, const char *s, size_t len, unsigned flags,
                          size_t *no_latex)
{
    if (bib_latex_from_unicode)
        return bib_latex_from_unicode(out, s, len, flags, no_latex);
    return fb_from_unicode(out, s, len, flags, no_latex);
}

/* ---- names --------------------------------------------------------------- */

typedef struct span {
    const char *s;
    size_t n;
} span;

/* Splits s on white space at brace level 0 into at most max words. */
static size_t words(const char *s, size_t n, span *w, size_t max)
{
    size_t k = 0, i = 0;
    while (i < n && k < max) {
        while (i < n && (isspace((unsigned char)s[i]) || s[i] == '~'))
            i++;
        if (i >= n)
            break;
        size_t b = i;
        int d = 0;
        while (i < n && (d > 0 || !(isspace((unsigned char)s[i]) || s[i] == '~'))) {
            if (s[i] == '{')
                d++;
            else if (s[i] == '}' && d > 0)
                d--;
            i++;
        }
        w[k].s = s + b;
        w[k].n = i - b;
        k++;
    }
    return k;
}

static bool is_lower_word(span w)
{
    size_t i = 0;
    /* {\"u}ber counts by its letter; a plain brace group is not von */
    if (w.n > 1 && w.s[0] == '{' && w.s[1] == '\\') {
        i = 2;
        while (i < w.n && !isalpha((unsigned char)w.s[i]))
            i++;
        while (i < w.n && isalpha((unsigned char)w.s[i]) && w.s[i - 1] == '\\')
            i++;
        while (i < w.n && !isalpha((unsigned char)w.s[i]))
            i++;
        return i < w.n && islower((unsigned char)w.s[i]);
    }
    while (i < w.n && !isalpha((unsigned char)w.s[i]) && w.s[i] != '{')
        i++;
    return i < w.n && islower((unsigned char)w.s[i]);
}

static char *join_conv(span *w, size_t a, size_t b)
{
    if (a >= b)
        return NULL;
    bib_buf raw = BIB_BUF_INIT, out = BIB_BUF_INIT;
    for (size_t i = a; i < b; i++) {
        if (i > a)
            bib_buf_putc(&raw, ' ');
        bib_buf_append(&raw, w[i].s, w[i].n);
    }
    bt_latex_to_unicode(&out, raw.data, raw.len, 0);
    bib_buf_clear(&raw);
    return bib_buf_detach(&out);
}

static int fb_parse_name(bib_record *rec, bib_var var, const char *s, size_t n)
{
    while (n && isspace((unsigned char)*s))
        s++, n--;
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    if (!n)
        return BIB_EPARSE;
    bib_name nm;
    memset(&nm, 0, sizeof nm);
    char *parts[6] = {0};
    /* commas at level 0 */
    size_t commas[3], nc = 0;
    int d = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '{')
            d++;
        else if (s[i] == '}' && d > 0)
            d--;
        else if (s[i] == ',' && d == 0 && nc < 3)
            commas[nc++] = i;
    }
    span w[64];
    if (s[0] == '{' && s[n - 1] == '}' && nc == 0 && words(s, n, w, 64) == 1) {
        bib_buf out = BIB_BUF_INIT;
        bt_latex_to_unicode(&out, s + 1, n - 2, 0);
        parts[5] = bib_buf_detach(&out);
        nm.literal = parts[5];
    } else if (nc == 0) {
        size_t k = words(s, n, w, 64);
        size_t vs = k, ve = k;
        for (size_t i = 0; i + 1 < k; i++)
            if (is_lower_word(w[i])) {
                if (vs == k)
                    vs = i;
                ve = i + 1;
            }
        if (vs == k) {
            vs = ve = k - 1;
        }
        parts[0] = join_conv(w, 0, vs);
        parts[2] = join_conv(w, vs, ve);
        parts[1] = join_conv(w, ve, k);
    } else {
        size_t k = words(s, commas[0], w, 64);
        size_t ve = 0;
        for (size_t i = 0; i + 1 < k; i++)
            if (is_lower_word(w[i]))
                ve = i + 1;
        parts[2] = join_conv(w, 0, ve);
        parts[1] = join_conv(w, ve, k);
        size_t fb = commas[nc - 1] + 1;
        k = words(s + fb, n - fb, w, 64);
        parts[0] = join_conv(w, 0, k);
        if (nc >= 2) {
            k = words(s + commas[0] + 1, commas[1] - commas[0] - 1, w, 64);
            parts[3] = join_conv(w, 0, k);
        }
    }
    nm.given = parts[0];
    nm.family = parts[1];
    nm.non_dropping_particle = parts[2];
    nm.suffix = parts[3];
    int rc = (nm.family || nm.literal) ? bib_record_add_name(rec, var, &nm) : BIB_EPARSE;
    for (size_t i = 0; i < 6; i++)
        free(parts[i]);
    return rc;
}

static int fb_names_add(bib_record *rec, bib_var var, const char *s, size_t len, size_t *bad)
{
    int added = 0;
    size_t i = 0, start = 0;
    int d = 0;
    while (i <= len) {
        bool cut = i == len;
        if (!cut) {
            if (s[i] == '{')
                d++;
            else if (s[i] == '}' && d > 0)
                d--;
            else if (d == 0 && isspace((unsigned char)s[i]) && i + 4 < len &&
                     (s[i + 1] == 'a' || s[i + 1] == 'A') && (s[i + 2] == 'n' || s[i + 2] == 'N') &&
                     (s[i + 3] == 'd' || s[i + 3] == 'D') && isspace((unsigned char)s[i + 4]))
                cut = true;
        }
        if (cut) {
            const char *p = s + start;
            size_t n = i - start;
            while (n && isspace((unsigned char)*p))
                p++, n--;
            while (n && isspace((unsigned char)p[n - 1]))
                n--;
            if (n == 6 && strncmp(p, "others", 6) == 0) {
                bib_record_set_names_truncated(rec, var, true);
            } else {
                int rc = fb_parse_name(rec, var, p, n);
                if (rc == BIB_ENOMEM)
                    return rc;
                if (rc < 0) {
                    if (bad)
                        (*bad)++;
                } else {
                    added++;
                }
            }
            if (i == len)
                break;
            i += 4;
            start = i;
            continue;
        }
        i++;
    }
    return added;
}

int bt_names_add_bibtex(bib_record *rec, bib_var var, const char *s, size_t len, size_t *bad)
{
    if (bib_names_add_bibtex)
        return bib_names_add_bibtex(rec, var, s, len, BIB_NAME_LATEX, bad);
    return fb_names_add(rec, var, s, len, bad);
}

int bt_name_format_bibtex(bib_buf *out, const bib_name *nm, bool ascii)
{
    if (bib_name_format_bibtex)
        return bib_name_format_bibtex(out, nm, ascii);
    unsigned fl = ascii ? BIB_LATEX_ASCII : 0;
    if (nm->literal) {
        bib_buf_putc(out, '{');
        bt_latex_from_unicode(out, nm->literal, strlen(nm->literal), fl, NULL);
        bib_buf_putc(out, '}');
        return bib_buf_failed(out) ? BIB_ENOMEM : 0;
    }
    const char *vp = nm->non_dropping_particle ? nm->non_dropping_particle
                                               : nm->dropping_particle;
    if (vp) {
        bt_latex_from_unicode(out, vp, strlen(vp), fl, NULL);
        bib_buf_putc(out, ' ');
    }
    if (nm->family) {
        /* a family name with spaces would be split: brace it */
        bool sp = strchr(nm->family, ' ') != NULL;
        if (sp)
            bib_buf_putc(out, '{');
        bt_latex_from_unicode(out, nm->family, strlen(nm->family), fl, NULL);
        if (sp)
            bib_buf_putc(out, '}');
    }
    if (nm->suffix) {
        bib_buf_puts(out, ", ");
        bt_latex_from_unicode(out, nm->suffix, strlen(nm->suffix), fl, NULL);
    }
    if (nm->given) {
        bib_buf_puts(out, ", ");
        bt_latex_from_unicode(out, nm->given, strlen(nm->given), fl, NULL);
    } else if (nm->suffix) {
        bib_buf_puts(out, ", ");
    }
    return bib_buf_failed(out) ? BIB_ENOMEM : 0;
}
