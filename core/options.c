/* SPDX-License-Identifier: MIT */
/*
 * options.c - bib_options: the -O name=value set. A handful of entries at
 * most, so a plain array with linear lookup is the right structure.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bibconv/options.h"

struct bib_options {
    char **names;
    char **values;
    size_t count, cap;
};

bib_options *bib_options_new(void)
{
    return calloc(1, sizeof(bib_options));
}

void bib_options_free(bib_options *o)
{
    if (!o)
        return;
    for (size_t i = 0; i < o->count; i++) {
        free(o->names[i]);
        free(o->values[i]);
    }
    free(o->names);
    free(o->values);
    free(o);
}

static long find(const bib_options *o, const char *name)
{
    if (!o)
        return -1;
    for (size_t i = 0; i < o->count; i++)
        if (strcmp(o->names[i], name) == 0)
            return (long)i;
    return -1;
}

int bib_options_set(bib_options *o, const char *name, const char *value)
{
    if (!o || !name || !*name || !value)
        return BIB_EINVAL;
    char *v = strdup(value);
    if (!v)
        return BIB_ENOMEM;
    long i = find(o, name);
    if (i >= 0) {
        free(o->values[i]);
        o->values[i] = v;
        return 0;
    }
    if (o->count == o->cap) {
        size_t cap = o->cap ? o->cap * 2 : 8;
        char **n = realloc(o->names, cap * sizeof *n);
        if (!n) { free(v); return BIB_ENOMEM; }
        o->names = n;
        char **vv = realloc(o->values, cap * sizeof *vv);
        if (!vv) { free(v); return BIB_ENOMEM; }
        o->values = vv;
        o->cap = cap;
    }
    char *nm = strdup(name);
    if (!nm) { free(v); return BIB_ENOMEM; }
    o->names[o->count] = nm;
    o->values[o->count] = v;
    o->count++;
    return 0;
}

int bib_options_parse(bib_options *o, const char *assignment)
{
    const char *eq = assignment ? strchr(assignment, '=') : NULL;
    if (!eq || eq == assignment)
        return BIB_EINVAL;
    size_t n = (size_t)(eq - assignment);
    char *name = malloc(n + 1);
    if (!name)
        return BIB_ENOMEM;
    memcpy(name, assignment, n);
    name[n] = '\0';
    int rc = bib_options_set(o, name, eq + 1);
    free(name);
    return rc;
}

const char *bib_options_get(const bib_options *o, const char *name)
{
    long i = find(o, name);
    return i >= 0 ? o->values[i] : NULL;
}

int bib_options_get_bool(const bib_options *o, const char *name, bool def, bool *out)
{
    *out = def;
    const char *v = bib_options_get(o, name);
    if (!v)
        return 0;
    static const char *const yes[] = {"true", "yes", "on", "1"};
    static const char *const no[] = {"false", "no", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (strcasecmp(v, yes[i]) == 0) { *out = true; return 0; }
        if (strcasecmp(v, no[i]) == 0) { *out = false; return 0; }
    }
    return BIB_EINVAL;
}

int bib_options_get_int(const bib_options *o, const char *name, long def, long *out)
{
    *out = def;
    const char *v = bib_options_get(o, name);
    if (!v)
        return 0;
    char *end;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno || end == v || *end)
        return BIB_EINVAL;
    *out = x;
    return 0;
}

size_t bib_options_count(const bib_options *o)
{
    return o ? o->count : 0;
}

int bib_options_at(const bib_options *o, size_t i, const char **name, const char **value)
{
    if (!o || i >= o->count)
        return BIB_ENOTFOUND;
    if (name) *name = o->names[i];
    if (value) *value = o->values[i];
    return 0;
}
