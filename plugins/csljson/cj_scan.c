/* SPDX-License-Identifier: MIT */
/*
 * cj_scan.c - the JSON value scanner of cj_scan.h.
 */
#include <string.h>

#include "cj_scan.h"
#include "cj_tok.h"

int cj_peek_nonws(bib_input *in)
{
    for (;;) {
        const char *d;
        size_t n;
        int rc = bib_input_window(in, 0, &d, &n);
        if (rc < 0)
            return rc;
        if (!n)
            return CJ_PEEK_END;
        size_t i = 0;
        while (i < n && cj_is_ws(d[i]))
            i++;
        if (i) /* none, mostly: the call is skipped */
            bib_input_consume(in, i);
        if (i < n)
            return (unsigned char)d[i];
    }
}

size_t cj_scan_step(cj_scan *s, const char *d, size_t pos, size_t n, bool *done)
{
    *done = true;
    for (; pos < n; pos++) {
        char c = d[pos];
        if (c == '\0' && s->nul < 0)
            s->nul = (long)pos;
        if (s->str) {
            if (s->esc)
                s->esc = false;
            else if (c == '\\')
                s->esc = true;
            else if (c == '"' && (s->str = false, s->depth == 0))
                return pos + 1; /* a string at depth 0 is the whole value */
            continue;
        }
        if (c == '"') {
            s->str = true;
        } else if (c == '{' || c == '[') {
            s->depth++;
        } else if (c == '}' || c == ']') {
            if (s->depth == 0) /* closes the enclosing array: a scalar ends */
                return pos;
            if (--s->depth == 0)
                return pos + 1;
        } else if (c == ',' && s->depth == 0) {
            return pos;
        }
    }
    *done = false;
    return n;
}

/* A value that goes on past the bound, scanned `done` bytes into the
 * window at its start: reported there, then scanned to its end a window at
 * a time and consumed, so that the next value is read where it begins
 * (the input's own error dropped only the first line of a value that
 * spans lines, and the rest was read as garbage items). BIB_EPARSE, or a
 * read error. */
static long skip_long(bib_input *in, cj_scan *s, size_t done)
{
    bib_input_report_too_long(in, bib_input_line(in), bib_input_column(in), "a JSON value");
    bib_input_consume(in, done);
    for (;;) {
        const char *d;
        size_t n;
        int rc = bib_input_window(in, 0, &d, &n);
        if (rc < 0)
            return rc;
        if (n == 0)
            return BIB_EPARSE;
        bool end;
        size_t pos = cj_scan_step(s, d, 0, n, &end);
        bib_input_consume(in, pos);
        if (end)
            return BIB_EPARSE;
    }
}

long cj_value_extent(bib_input *in, const char **data, long *nul)
{
    cj_scan s = CJ_SCAN_INIT;
    size_t want = 0, pos = 0, max = bib_input_max_value(in);
    for (;;) {
        const char *d;
        size_t n;
        int rc = bib_input_window(in, want, &d, &n);
        if (rc < 0)
            return rc;
        bool done;
        /* within the bound, however much is buffered (item_tokens) */
        size_t view = n > max ? max : n;
        pos = cj_scan_step(&s, d, pos, view, &done);
        *data = d;
        *nul = s.nul;
        if (done)
            return (long)pos;
        if (n < want || (want && n == 0)) /* the input ended inside the value */
            return s.depth == 0 && !s.str ? (long)n : 0;
        if (view == max)
            return skip_long(in, &s, view);
        want = bib_input_grow(in, view);
    }
}

void cj_report_json_error(bib_input *in, const json_error_t *e, size_t line, size_t col)
{
    size_t l = line, c = col;
    if (e->line > 1) {
        l = line + (size_t)e->line - 1;
        c = e->column > 0 ? (size_t)e->column : 1;
    } else if (e->column > 0) {
        c = col + (size_t)e->column - 1;
    }
    /* the two refusals of valid JSON (cj_tok.h, CJ_REFUSED) in words of
     * ours, the same whichever path met them */
    if (strncmp(e->text, "\\u0000 is not allowed", 21) == 0)
        bib_input_report(in, BIB_SEV_ERROR, l, c,
                         "\\u0000 (a NUL character) in a string: no value can hold it "
                         "(item skipped)");
    else if (strncmp(e->text, "NUL byte in object key not supported", 36) == 0)
        bib_input_report(in, BIB_SEV_ERROR, l, c,
                         "\\u0000 (a NUL character) in a key: no name can hold it "
                         "(item skipped)");
    else if (strncmp(e->text, "maximum parsing depth reached", 29) == 0)
        bib_input_report(in, BIB_SEV_ERROR, l, c,
                         "arrays and objects nested more than %d deep (item skipped)",
                         CJ_MAX_DEPTH);
    else
        bib_input_report(in, BIB_SEV_ERROR, l, c, "invalid JSON: %s", e->text);
}
