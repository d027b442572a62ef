/* SPDX-License-Identifier: MIT */
/*
 * bt_macros.c - @string macros: an open-addressing hash from lower-case
 * name to expansion, and the case-insensitive name helpers the module
 * shares. Memory: one copy of each name and value, freed by
 * bt_macros_free.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "btfmt.h"

const char *const bt_month_names[12] = {
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"};

static size_t hash_name(const char *s, size_t n)
{
    size_t h = 1469598103934665603u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)tolower((unsigned char)s[i])) * 1099511628211u;
    return h;
}

/* a[0..n) in any case equals the lower-case, NUL-terminated b */
static bool name_eq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)a[i]) != (unsigned char)b[i])
            return false;
    return b[n] == '\0';
}

bool bt_ieq(const char *s, size_t n, const char *lit)
{
    /* one pass, stopping at the first difference (the type table is
     * scanned with it for every entry: no strlen of every name). ASCII
     * folding is tolower's for these lower-case ASCII literals: a byte
     * past ASCII folds to no ASCII letter in any locale. */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 'A' && c <= 'Z')
            c = (unsigned char)(c + 32);
        if (!lit[i] || c != (unsigned char)lit[i]) /* lit ended, or differs */
            return false;
    }
    return lit[n] == '\0';
}

bool bt_type_in(const char *t, const char *const *list)
{
    for (; t && *list; list++)
        if (strcmp(t, *list) == 0)
            return true;
    return false;
}

static bt_macro *macro_find(const bt_macros *t, const char *name, size_t n)
{
    if (!t->cap)
        return NULL;
    size_t i = hash_name(name, n) & (t->cap - 1);
    while (t->slots[i].name) {
        if (name_eq(name, t->slots[i].name, n))
            return &t->slots[i];
        i = (i + 1) & (t->cap - 1);
    }
    return NULL;
}

const char *bt_macros_find(const bt_macros *t, const char *name, size_t n)
{
    const bt_macro *m = macro_find(t, name, n);
    return m ? m->value : NULL;
}

/* Doubles the table (load factor stays under one half). */
static int grow(bt_macros *t)
{
    size_t ncap = t->cap ? t->cap * 2 : 64;
    bt_macro *ns = calloc(ncap, sizeof *ns);
    if (!ns)
        return BIB_ENOMEM;
    for (size_t i = 0; i < t->cap; i++) {
        if (!t->slots[i].name)
            continue;
        size_t j = hash_name(t->slots[i].name, strlen(t->slots[i].name)) & (ncap - 1);
        while (ns[j].name)
            j = (j + 1) & (ncap - 1);
        ns[j] = t->slots[i];
    }
    free(t->slots);
    t->slots = ns;
    t->cap = ncap;
    return 0;
}

int bt_macros_set(bt_macros *t, const char *name, size_t n, const char *v, size_t vn)
{
    bt_macro *m = macro_find(t, name, n);
    char *val = malloc(vn + 1);
    if (!val)
        return BIB_ENOMEM;
    memcpy(val, v, vn);
    val[vn] = '\0';
    if (m) {
        free(m->value);
        m->value = val;
        return 0;
    }
    if ((t->count + 1) * 2 > t->cap && grow(t) < 0) {
        free(val);
        return BIB_ENOMEM;
    }
    char *key = malloc(n + 1);
    if (!key) {
        free(val);
        return BIB_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        key[i] = (char)tolower((unsigned char)name[i]);
    key[n] = '\0';
    size_t j = hash_name(key, n) & (t->cap - 1);
    while (t->slots[j].name)
        j = (j + 1) & (t->cap - 1);
    t->slots[j].name = key;
    t->slots[j].value = val;
    t->count++;
    return 0;
}

void bt_macros_free(bt_macros *t)
{
    for (size_t i = 0; i < t->cap; i++) {
        free(t->slots[i].name);
        free(t->slots[i].value);
    }
    free(t->slots);
    memset(t, 0, sizeof *t);
}
