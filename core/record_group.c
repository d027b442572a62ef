/* SPDX-License-Identifier: MIT */
/*
 * record_group.c - bib_record_extras_grouped (record.h): a record's extras
 * in the nesting the CSL-JSON and YAML writers write, {format: {name:
 * value or [values]}}, and the extras themselves (add, ask, remove).
 * Apart from record.c, whose size it keeps within the project's bound;
 * the record's layout is record_int.h's.
 */
#include <stdlib.h>
#include <string.h>

#include "bibconv/record.h"
#include "bibconv/sort.h"
#include "record_int.h"

typedef bib__extra extra;

/* The grouping sorts twice: by (format, name, index) to find where each
 * format and each name first appears, then by those first appearances. */
typedef struct extra_rank {
    size_t index, fmt_first, name_first;
    const extra *e;
} extra_rank;

static int by_format_name(const void *a, const void *b)
{
    const extra_rank *x = a, *y = b;
    /* a record's extras share their format string: equal pointers first */
    int c = x->e->format == y->e->format ? 0 : strcmp(x->e->format, y->e->format);
    if (!c)
        c = strcmp(x->e->name, y->e->name);
    return c ? c : (x->index > y->index) - (x->index < y->index);
}

static int by_first(const void *a, const void *b)
{
    const extra_rank *x = a, *y = b;
    if (x->fmt_first != y->fmt_first)
        return x->fmt_first < y->fmt_first ? -1 : 1;
    if (x->name_first != y->name_first)
        return x->name_first < y->name_first ? -1 : 1;
    return (x->index > y->index) - (x->index < y->index);
}

static bool same_str(const char *a, const char *b)
{
    return a == b || (a[0] == b[0] && strcmp(a, b) == 0);
}

/* True when the grouping is the record order itself: each format in one
 * run, no name twice within a format (most records). new_fmt[i] tells
 * where a run starts. The check is quadratic, so short lists only. */
static bool extras_in_order(const extra *x, size_t n, bool *new_fmt)
{
    if (n > 16)
        return false;
    for (size_t i = 0; i < n; i++) {
        const extra *e = &x[i];
        new_fmt[i] = i == 0 || !same_str(e->format, x[i - 1].format);
        for (size_t j = 0; j < i; j++) {
            bool fmt = same_str(e->format, x[j].format);
            if (fmt && (new_fmt[i] || same_str(e->name, x[j].name)))
                return false; /* a format met again, or a name twice */
        }
    }
    return true;
}

bib_extra_step *bib_record_extras_grouped(const bib_record *r, bool *oom)
{
    *oom = false;
    size_t n;
    const extra *x = bib__record_extras(r, &n);
    if (!n)
        return NULL;
    bib_extra_step *out = malloc(n * sizeof *out);
    bool run_start[16];
    if (out && extras_in_order(x, n, run_start)) {
        /* the usual case, settled without the sorts */
        for (size_t i = 0; i < n; i++)
            out[i] = (bib_extra_step){.index = i, .new_format = run_start[i], .new_name = true,
                                      .last_of_name = true};
        return out;
    }
    extra_rank *k = malloc(n * sizeof *k);
    if (!k || !out) {
        free(k);
        free(out);
        *oom = true;
        return NULL;
    }
    for (size_t i = 0; i < n; i++)
        k[i] = (extra_rank){i, 0, 0, &x[i]};
    bib_sort_small(k, n, sizeof *k, by_format_name); /* both orders are total */
    /* sorted: a name's run starts at its first appearance */
    size_t name_first = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || !same_str(k[i].e->format, k[i - 1].e->format) ||
            !same_str(k[i].e->name, k[i - 1].e->name))
            name_first = k[i].index;
        k[i].name_first = name_first;
    }
    /* a format's first appearance is the least index of its run (which
     * is sorted by name first) */
    for (size_t i = 0; i < n;) {
        size_t j = i, least = k[i].index;
        while (j < n && same_str(k[j].e->format, k[i].e->format)) {
            if (k[j].index < least)
                least = k[j].index;
            j++;
        }
        for (size_t m = i; m < j; m++)
            k[m].fmt_first = least;
        i = j;
    }
    bib_sort_small(k, n, sizeof *k, by_first);
    for (size_t i = 0; i < n; i++) {
        const extra *e = k[i].e, *p = i ? k[i - 1].e : NULL, *q = i + 1 < n ? k[i + 1].e : NULL;
        bool new_fmt = !p || !same_str(p->format, e->format);
        out[i] = (bib_extra_step){
            .index = k[i].index,
            .new_format = new_fmt,
            .new_name = new_fmt || !same_str(p->name, e->name),
            .last_of_name = !q || !same_str(q->format, e->format) || !same_str(q->name, e->name),
        };
    }
    free(k);
    return out;
}

/* ---- extras ---------------------------------------------------------------------- */

int bib_record_add_extra(bib_record *r, const char *format, const char *name, const char *value,
                         size_t len)
{
    if (!format || !name || (!value && len))
        return BIB_EINVAL;
    if (grow(r, (void **)&r->extras, r->nextras, &r->xcap, sizeof(extra)))
        return BIB_ENOMEM;
    /* a record's extras mostly share one format: the previous one's copy
     * is reused, so that grouping them (extras_in_order) compares
     * pointers, not strings */
    const extra *prev = r->nextras ? &r->extras[r->nextras - 1] : NULL;
    const char *fmt = prev && strcmp(prev->format, format) == 0 ? prev->format
                                                                : arena_strdup(r, format);
    extra e = {fmt, arena_strdup(r, name), arena_strndup(r, value ? value : "", len), len};
    if (!e.format || !e.name || !e.value)
        return BIB_ENOMEM;
    r->extras[r->nextras++] = e;
    r->xfirst |= (uint64_t)1 << ((unsigned char)e.name[0] % 64);
    return 0;
}

size_t bib_record_extra_count(const bib_record *r) { return r->nextras; }

int bib_record_extra_at(const bib_record *r, size_t i, const char **format, const char **name,
                        const char **value, size_t *len)
{
    if (i >= r->nextras)
        return BIB_ENOTFOUND;
    const extra *e = &r->extras[i];
    if (format) *format = e->format;
    if (name) *name = e->name;
    if (value) *value = e->value;
    if (len) *len = e->len;
    return 0;
}

const bib__extra *bib__record_extras(const bib_record *r, size_t *n)
{
    *n = r->nextras;
    return r->extras;
}

/* bib_record_extra_get's scan, out of line: the test of xfirst before it
 * then needs no registers saved (most asks end there). */
__attribute__((noinline)) static const char *extra_scan(const bib_record *r, const char *format,
                                                        const char *name)
{
    for (size_t i = 0; i < r->nextras; i++)
        if (same_str(r->extras[i].name, name) && same_str(r->extras[i].format, format))
            return r->extras[i].value;
    return NULL;
}

const char *bib_record_extra_get(const bib_record *r, const char *format, const char *name)
{
    if (!(r->xfirst >> ((unsigned char)name[0] % 64) & 1))
        return NULL;
    return extra_scan(r, format, name);
}

size_t bib_record_extra_remove(bib_record *r, const char *format, const char *name)
{
    size_t o = 0, removed = 0;
    for (size_t i = 0; i < r->nextras; i++) {
        if (strcmp(r->extras[i].name, name) == 0 && strcmp(r->extras[i].format, format) == 0)
            removed++;
        else
            r->extras[o++] = r->extras[i];
    }
    r->nextras = o;
    return removed;
}
