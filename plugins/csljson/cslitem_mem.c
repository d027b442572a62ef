/* SPDX-License-Identifier: MIT */
/*
 * cslitem_mem.c - jansson loads that fail cleanly when memory runs out
 * (bib_cslitem_loadb).
 *
 * Why: jansson 2.14's lexer ignores a failed allocation while it collects
 * a token (the byte is simply not saved); its json_dumps likewise loses
 * a key's closing quote when a buffer cannot grow. json_loadb may then succeed with
 * a character missing from a string (data lost in silence), and when the
 * byte lost is a string's closing quote, the decoding that follows runs
 * past the end of the saved text (a heap overflow; a number with a lost
 * digit trips an assertion instead). Nothing after the call can repair
 * that, so the load must not go on past the failed allocation.
 *
 * How: jansson's allocation functions are replaced, once, by ones that
 * pass every call on to the functions installed before (a host's own
 * allocator keeps working). While a load runs on a thread, they record
 * the blocks it holds; when an allocation fails, they free those blocks
 * and jump back out of json_loadb to bib_cslitem_loadb, which returns
 * NULL. jansson holds no lock or other resource but these blocks during
 * a load, so leaving it there is clean.
 *
 * The replacement is process-wide and must outlive the module that made
 * it: the modules linking this are built with -z nodelete
 * (plugins/csljson/meson.build), so dlclose leaves their code mapped.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "cslitem.h"

static json_malloc_t prev_malloc;
static json_free_t prev_free;
static pthread_once_t installed = PTHREAD_ONCE_INIT;

#define TOMB ((void *)1) /* a removed slot */

/* The blocks of the load running on this thread: an open-addressing set
 * of pointers (NULL empty, TOMB removed), so that a free is O(1). */
static _Thread_local struct {
    jmp_buf *env; /* set while a load runs */
    void **slot;
    size_t cap, used; /* used: live and removed slots */
} g;

static size_t slot_of(const void *p, size_t cap)
{
    uintptr_t h = (uintptr_t)p >> 4;
    h ^= h >> 17;
    h *= (uintptr_t)0x9E3779B97F4A7C15u;
    return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

static void set_put(void **slot, size_t cap, void *p)
{
    size_t i = slot_of(p, cap);
    while (slot[i] && slot[i] != TOMB)
        i = (i + 1) & (cap - 1);
    slot[i] = p;
}

/* Adds p; false when the set could not grow. */
static bool track(void *p)
{
    if ((g.used + 1) * 2 > g.cap) {
        size_t live = 0;
        for (size_t i = 0; i < g.cap; i++)
            live += g.slot[i] && g.slot[i] != TOMB;
        size_t cap = g.cap ? g.cap : 64;
        while ((live + 1) * 4 > cap) /* a quarter full at most after growing */
            cap *= 2;
        void **slot = prev_malloc(cap * sizeof *slot);
        if (!slot)
            return false;
        memset(slot, 0, cap * sizeof *slot);
        for (size_t i = 0; i < g.cap; i++)
            if (g.slot[i] && g.slot[i] != TOMB)
                set_put(slot, cap, g.slot[i]);
        if (g.slot)
            prev_free(g.slot);
        g.slot = slot;
        g.cap = cap;
        g.used = live;
    }
    set_put(g.slot, g.cap, p);
    g.used++;
    return true;
}

static void untrack(void *p)
{
    if (!g.cap)
        return;
    size_t i = slot_of(p, g.cap);
    while (g.slot[i]) {
        if (g.slot[i] == p) {
            g.slot[i] = TOMB;
            return;
        }
        i = (i + 1) & (g.cap - 1);
    }
}

static void *guarded_malloc(size_t n)
{
    void *p = prev_malloc(n);
    if (!g.env)
        return p;
    if (!p || !track(p)) {
        if (p)
            prev_free(p);
        longjmp(*g.env, 1);
    }
    return p;
}

static void guarded_free(void *p)
{
    if (g.env && p)
        untrack(p);
    prev_free(p);
}

static void install(void)
{
    json_get_alloc_funcs(&prev_malloc, &prev_free);
    json_set_alloc_funcs(guarded_malloc, guarded_free);
}

/* Empties the set after a load, freeing the blocks it holds when
 * `release`. The table goes too: a thread's table kept past its end
 * would be a leak. */
static void untrack_all(bool release)
{
    for (size_t i = 0; release && i < g.cap; i++)
        if (g.slot[i] && g.slot[i] != TOMB)
            prev_free(g.slot[i]);
    if (g.slot)
        prev_free(g.slot);
    g.slot = NULL;
    g.cap = g.used = 0;
}

json_t *bib_cslitem_loadb(const char *d, size_t len, size_t flags, json_error_t *err,
                          bool *oom)
{
    pthread_once(&installed, install);
    jmp_buf env;
    json_t *volatile j = NULL;
    volatile bool failed = false;
    if (setjmp(env) == 0) {
        g.env = &env;
        j = json_loadb(d, len, flags, err);
    } else {
        failed = true; /* out of an allocation that failed: j is still NULL */
    }
    g.env = NULL;
    untrack_all(failed);
    if (oom)
        *oom = failed;
    if (failed && err) { /* json_error_code reads the text's last byte */
        err->line = err->column = -1;
        err->position = 0;
        snprintf(err->text, sizeof err->text - 1, "out of memory");
        err->text[sizeof err->text - 1] = (char)json_error_out_of_memory;
    }
    return j;
}

char *bib_cslitem_dumps(const json_t *j, size_t flags)
{
    pthread_once(&installed, install);
    jmp_buf env;
    char *volatile s = NULL;
    volatile bool failed = false;
    if (setjmp(env) == 0) {
        g.env = &env;
        s = json_dumps(j, flags);
    } else {
        failed = true;
    }
    g.env = NULL;
    untrack_all(failed);
    return s;
}
