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
#include "diag_int.h"

struct bib_diag {
    bib_diag_fn fn;
    void *payload;
    bool json;
    bool verbose;
    size_t counts[4];
    size_t drop;  /* reports to drop unsaid (bib__diag_drop) */
    size_t dropped[4]; /* ... counted meanwhile, per severity */
    bib_buf msg;  /* reused formatting buffer */
    bib_buf line; /* the printed line, reused: written in one call */
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

static void json_string(bib_buf *b, const char *s)
{
    bib_buf_putc(b, '"');
    const unsigned char *p = (const unsigned char *)s, *run = p;
    for (; *p; p++) {
        if (*p >= 0x20 && *p != '"' && *p != '\\')
            continue;
        bib_buf_append(b, (const char *)run, (size_t)(p - run));
        run = p + 1;
        switch (*p) {
        case '"': bib_buf_puts(b, "\\\""); break;
        case '\\': bib_buf_puts(b, "\\\\"); break;
        case '\n': bib_buf_puts(b, "\\n"); break;
        case '\r': bib_buf_puts(b, "\\r"); break;
        case '\t': bib_buf_puts(b, "\\t"); break;
        default: bib_buf_printf(b, "\\u%04x", *p);
        }
    }
    bib_buf_append(b, (const char *)run, (size_t)(p - run));
    bib_buf_putc(b, '"');
}

/* A message's line, text or JSON, into d->line, then to stderr in one
 * call: unbuffered (a terminal; the command buffers a file or a pipe), a
 * line printed in parts cost a system call a part (a JSON line one a
 * character), thousands of calls on a large file's warnings. */
static void print_default(const bib_diag_msg *m, void *payload)
{
    bib_diag *d = payload;
    bib_buf *b = &d->line;
    bib_buf_reset(b);
    if (d->json) {
        bib_buf_puts(b, "{\"severity\":");
        json_string(b, sev_name(m->severity));
        bib_buf_puts(b, ",\"file\":");
        if (m->file)
            json_string(b, m->file);
        else
            bib_buf_puts(b, "null");
        bib_buf_printf(b, ",\"line\":%zu,\"column\":%zu", m->line, m->column);
        if (m->offset != UINT64_MAX)
            bib_buf_printf(b, ",\"offset\":%llu", (unsigned long long)m->offset);
        bib_buf_puts(b, ",\"message\":");
        json_string(b, m->message);
        bib_buf_puts(b, "}\n");
    } else {
        bib_buf_puts(b, m->file ? m->file : "bibconv");
        if (m->line) {
            bib_buf_printf(b, ":%zu", m->line);
            if (m->column)
                bib_buf_printf(b, ":%zu", m->column);
        }
        bib_buf_printf(b, ": %s: %s\n", sev_name(m->severity), m->message);
    }
    if (!bib_buf_failed(b)) {
        fwrite(b->data, 1, b->len, stderr);
        return;
    }
    /* out of memory: the text line in parts, as it can be */
    bib_buf_clear(b);
    bib_buf_init(b);
    fputs(m->file ? m->file : "bibconv", stderr);
    if (m->line) {
        fprintf(stderr, ":%zu", m->line);
        if (m->column)
            fprintf(stderr, ":%zu", m->column);
    }
    fprintf(stderr, ": %s: %s\n", sev_name(m->severity), m->message);
}

bib_diag *bib_diag_new(void)
{
    bib_diag *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->fn = print_default;
    d->payload = d;
    bib_buf_init(&d->msg);
    bib_buf_init(&d->line);
    return d;
}

void bib_diag_free(bib_diag *d)
{
    if (!d)
        return;
    bib_buf_clear(&d->msg);
    bib_buf_clear(&d->line);
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
    if (d->drop) {
        d->drop--;
        d->dropped[sev]++;
        return;
    }
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

void bib__diag_drop(bib_diag *d, size_t n)
{
    if (d)
        d->drop = n;
}

void bib__diag_drop_end(bib_diag *d)
{
    if (!d)
        return;
    for (int s = 0; s < 4; s++) {
        d->counts[s] -= d->dropped[s];
        d->dropped[s] = 0;
    }
    d->drop = 0;
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
