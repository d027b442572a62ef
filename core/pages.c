/* SPDX-License-Identifier: MIT */
/*
 * pages.c - memory asked of the kernel at once (pages.h says why).
 */
#include "pages.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define PAGE ((size_t)4096)
#define HUGE ((size_t)2 << 20)

void bib__pages_populate(void *p, size_t n)
{
#if defined(MADV_POPULATE_WRITE)
    uintptr_t b = ((uintptr_t)p + PAGE - 1) & ~(uintptr_t)(PAGE - 1);
    uintptr_t e = ((uintptr_t)p + n) & ~(uintptr_t)(PAGE - 1);
    if (p && e > b)
        (void)madvise((void *)b, e - b, MADV_POPULATE_WRITE); /* a hint: errors ignored */
#else
    (void)p;
    (void)n;
#endif
}

void *bib__pages_zalloc(size_t n)
{
#if defined(MADV_HUGEPAGE)
    if (n >= HUGE) {
        if (n > SIZE_MAX - (HUGE - 1))
            return NULL; /* rounding up would wrap to a small block */
        void *t = aligned_alloc(HUGE, (n + HUGE - 1) & ~(HUGE - 1));
        if (t) {
            (void)madvise(t, n, MADV_HUGEPAGE);
            bib__pages_populate(t, n);
            memset(t, 0, n); /* a reused block is not zero */
        }
        return t;
    }
#endif
    void *t = calloc(1, n ? n : 1);
    if (t && n >= 16 * PAGE)
        bib__pages_populate(t, n);
    return t;
}
