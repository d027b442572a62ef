/* SPDX-License-Identifier: MIT */
/*
 * buf.c - bib_buf, the growable byte string used by every lexer and writer.
 * Not for: anything format-specific.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/buf.h"
#include "bibconv/utf8.h"

/* Shared empty string so an initialised buffer never has data == NULL and
 * costs no allocation until it is used. */
static char empty[1] = "";

void bib_buf_init(bib_buf *b)
{
    b->data = empty;
    b->len = 0;
    b->cap = 0;
    b->failed = false;
}

void bib_buf_clear(bib_buf *b)
{
    if (b->cap)
        free(b->data);
    bib_buf_init(b);
}

void bib_buf_reset(bib_buf *b)
{
    b->len = 0;
    if (b->cap) /* never write to the static "" of an unused buffer */
        b->data[0] = '\0';
}

int bib_buf_reserve(bib_buf *b, size_t extra)
{
    if (b->failed)
        return BIB_ENOMEM;
    if (extra > SIZE_MAX - b->len - 1)
        goto fail;
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = b->cap ? realloc(b->data, cap) : malloc(cap);
    if (!p)
        goto fail;
    if (!b->cap)
        p[0] = '\0';
    b->data = p;
    b->cap = cap;
    return 0;
fail:
    b->failed = true;
    return BIB_ENOMEM;
}

int bib_buf_append(bib_buf *b, const char *s, size_t len)
{
    if (bib_buf_reserve(b, len))
        return BIB_ENOMEM;
    if (len)
        memcpy(b->data + b->len, s, len);
    b->len += len;
    b->data[b->len] = '\0';
    return 0;
}

int bib_buf_puts(bib_buf *b, const char *s)
{
    return bib_buf_append(b, s, strlen(s));
}

int bib_buf_putc(bib_buf *b, char c)
{
    if (b->len + 1 >= b->cap && bib_buf_reserve(b, 1))
        return BIB_ENOMEM;
    b->data[b->len++] = c;
    b->data[b->len] = '\0';
    return 0;
}

int bib_buf_put_utf8(bib_buf *b, uint32_t cp)
{
    char tmp[4];
    int n = bib_utf8_encode(cp, tmp);
    return bib_buf_append(b, tmp, (size_t)n);
}

int bib_buf_vprintf(bib_buf *b, const char *fmt, va_list ap)
{
    va_list ap2;
    va_copy(ap2, ap);
    char small[256];
    int n = vsnprintf(small, sizeof small, fmt, ap2);
    va_end(ap2);
    if (n < 0)
        return BIB_EINVAL;
    if ((size_t)n < sizeof small)
        return bib_buf_append(b, small, (size_t)n);
    if (bib_buf_reserve(b, (size_t)n))
        return BIB_ENOMEM;
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    b->len += (size_t)n;
    return 0;
}

int bib_buf_printf(bib_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = bib_buf_vprintf(b, fmt, ap);
    va_end(ap);
    return rc;
}

void bib_buf_truncate(bib_buf *b, size_t len)
{
    if (len < b->len) {
        b->len = len;
        b->data[len] = '\0';
    }
}

char *bib_buf_detach(bib_buf *b)
{
    if (b->failed) {
        bib_buf_clear(b);
        return NULL;
    }
    char *p;
    if (b->cap) {
        p = b->data;
    } else {
        p = malloc(1);
        if (p)
            p[0] = '\0';
    }
    bib_buf_init(b);
    return p;
}

bool bib_buf_failed(const bib_buf *b)
{
    return b->failed;
}
