/* SPDX-License-Identifier: MIT */
/*
 * diag.c - the diagnostics sink: counts every message by severity and hands
 * it to a callback; the default callback prints "file:line:col: sev: msg"
 * or one JSON object per line to stderr.
 *
 * Not for: deciding exit codes (the command does that from the counts).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/buf.h"
#include "bibconv/diag.h"

struct bib_diag {
    bib_diag_fn fn;
    void *payload;
    bool json;
    bool verbose;
    size_t counts[4];
    bib_buf msg; /* reused formatting buffer */
};

static const char *sev_name(bib_severity s)
{
    switch (s) {
    case BIB_SEV_NOTE: return "note";
    case BIB_SEV_INFO: return "info";
    case BIB_SEV_WARNING: return "warning";
    default: return "error";
    }
}

static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20)
                fprintf(f, "\\u%04x", *p);
            else
                fputc(*p, f);
        }
    }
    fputc('"', f);
}

static void print_default(const bib_diag_msg *m, void *payload)
{
    const bib_diag *d = payload;
    FILE *f = stderr;
    if (d->json) {
        fputs("{\"severity\":", f);
        json_string(f, sev_name(m->severity));
        fputs(",\"file\":", f);
        if (m->file)
            json_string(f, m->file);
        else
            fputs("null", f);
        fprintf(f, ",\"line\":%zu,\"column\":%zu", m->line, m->column);
        if (m->offset != UINT64_MAX)
            fprintf(f, ",\"offset\":%llu", (unsigned long long)m->offset);
        fputs(",\"message\":", f);
        json_string(f, m->message);
        fputs("}\n", f);
        return;
    }
    fputs(m->file ? m->file : "bibconv", f);
    if (m->line) {
        fprintf(f, ":%zu", m->line);
        if (m->column)
            fprintf(f, ":%zu", m->column);
    }
    fprintf(f, ": %s: %s\n", sev_name(m->severity), m->message);
}

bib_diag *bib_diag_new(void)
{
    bib_diag *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->fn = print_default;
    d->payload = d;
    bib_buf_init(&d->msg);
    return d;
}

void bib_diag_free(bib_diag *d)
{
    if (!d)
        return;
    bib_buf_clear(&d->msg);
    free(d);
}

void bib_diag_set_callback(bib_diag *d, bib_diag_fn fn, void *payload)
{
    d->fn = fn;
    d->payload = payload;
}

void bib_diag_set_json(bib_diag *d, bool json) { d->json = json; }
void bib_diag_set_verbose(bib_diag *d, bool v) { d->verbose = v; }
bool bib_diag_is_verbose(const bib_diag *d) { return d && d->verbose; }

void bib_diag_vreport(bib_diag *d, bib_severity sev, const char *file, size_t line,
                      size_t column, uint64_t offset, const char *fmt, va_list ap)
{
    if (!d)
        return;
    if ((unsigned)sev > BIB_SEV_ERROR)
        sev = BIB_SEV_ERROR;
    d->counts[sev]++;
    if (sev == BIB_SEV_INFO && !d->verbose)
        return;
    if (!d->fn)
        return;
    bib_buf_reset(&d->msg);
    bib_buf_vprintf(&d->msg, fmt, ap);
    bib_diag_msg m = {sev, file, line, column, offset,
                      bib_buf_failed(&d->msg) ? "out of memory" : d->msg.data};
    d->fn(&m, d->payload);
}

void bib_diag_report(bib_diag *d, bib_severity sev, const char *file, size_t line,
                     size_t column, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bib_diag_vreport(d, sev, file, line, column, UINT64_MAX, fmt, ap);
    va_end(ap);
}

size_t bib_diag_count(const bib_diag *d, bib_severity sev)
{
    return d && (unsigned)sev <= BIB_SEV_ERROR ? d->counts[sev] : 0;
}

void bib_diag_reset_counts(bib_diag *d)
{
    memset(d->counts, 0, sizeof d->counts);
}

char *bib_diag_quote(char *out, size_t outsize, const char *s, size_t len, size_t max)
{
    size_t o = 0, cps = 0, i = 0;
    if (!outsize)
        return out;
    while (i < len && cps < max) {
        unsigned char c = (unsigned char)s[i];
        size_t n = 1;
        if (c >= 0xC0) {
            n = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
            if (i + n > len)
                n = len - i;
        }
        if (c < 0x20 || c == 0x7F) {
            if (o + 4 >= outsize)
                break;
            o += (size_t)snprintf(out + o, outsize - o, "\\x%02x", c);
        } else {
            if (o + n >= outsize)
                break;
            memcpy(out + o, s + i, n);
            o += n;
        }
        i += n;
        cps++;
    }
    if (i < len && o + 3 < outsize) {
        memcpy(out + o, "...", 3);
        o += 3;
    }
    out[o] = '\0';
    return out;
}
