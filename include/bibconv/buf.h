/* SPDX-License-Identifier: MIT */
/*
 * buf.h - bib_buf, a growable byte string. Every lexer and writer builds
 * text in one; it is the one caller-allocated struct of the API (init/clear
 * pair), because it lives on the stack or inside plugin state.
 *
 * Invariant: after init, `data` is never NULL and data[len] == '\0'.
 * On allocation failure the buffer keeps its old contents, sets `failed`,
 * and further appends are no-ops; check once with bib_buf_failed.
 */
#ifndef BIBCONV_BUF_H
#define BIBCONV_BUF_H

#include <stdarg.h>

#include <string.h>

#include "common.h"

BIB_BEGIN_DECLS

typedef struct bib_buf {
    char *data;   /* owned; NUL-terminated; "" (static) before first growth */
    size_t len;
    size_t cap;   /* 0 while data points at the static "" */
    bool failed;
} bib_buf;

#define BIB_BUF_INIT { (char *)"", 0, 0, false }

BIB_API void bib_buf_init(bib_buf *b);
/* Frees the storage and re-initialises. */
BIB_API void bib_buf_clear(bib_buf *b);
/* Empties without freeing (keeps capacity). */
BIB_API void bib_buf_reset(bib_buf *b);

/* Ensures room for `extra` more bytes (+ NUL). 0 or BIB_ENOMEM. */
BIB_API int bib_buf_reserve(bib_buf *b, size_t extra);

BIB_API int bib_buf_append(bib_buf *b, const char *s, size_t len);
BIB_API int bib_buf_puts(bib_buf *b, const char *s);
BIB_API int bib_buf_putc(bib_buf *b, char c);
/* Appends the UTF-8 encoding of code point cp (invalid ones as U+FFFD). */
BIB_API int bib_buf_put_utf8(bib_buf *b, uint32_t cp);
BIB_API int bib_buf_printf(bib_buf *b, const char *fmt, ...)
    BIB_PRINTF(2, 3);
BIB_API int bib_buf_vprintf(bib_buf *b, const char *fmt, va_list ap);

/* Shortens to len bytes (no-op if already shorter). */
BIB_API void bib_buf_truncate(bib_buf *b, size_t len);

/* Hands the storage to the caller (free() it) and re-initialises the
 * buffer. Returns a malloc'ed NUL-terminated copy even when the buffer
 * never grew; NULL on out of memory or when the buffer had failed. */
BIB_API char *bib_buf_detach(bib_buf *b);

BIB_API bool bib_buf_failed(const bib_buf *b);

/* Inline forms of bib_buf_putc and bib_buf_append for hot loops: the same
 * effect, without a call while the buffer has room. */
static inline int bib_buf_putc_fast(bib_buf *b, char c)
{
    if (b->len + 1 < b->cap) {
        b->data[b->len++] = c;
        b->data[b->len] = '\0';
        return 0;
    }
    return bib_buf_putc(b, c);
}

/* Room for any long long in decimal, sign included. */
#define BIB_DEC_MAX 24

/* Writes v in decimal into the end of buf (BIB_DEC_MAX bytes, no NUL) and
 * returns where the digits start; they run to buf + BIB_DEC_MAX. Writers
 * put several numbers per record: no printf on that path. */
static inline char *bib_dec_format(char buf[BIB_DEC_MAX], long long v)
{
    char *p = buf + BIB_DEC_MAX;
    unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
    do {
        *--p = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (v < 0)
        *--p = '-';
    return p;
}

static inline int bib_buf_append_fast(bib_buf *b, const char *s, size_t len)
{
    if (b->len + len < b->cap) {
        memcpy(b->data + b->len, s, len);
        b->len += len;
        b->data[b->len] = '\0';
        return 0;
    }
    return bib_buf_append(b, s, len);
}

BIB_END_DECLS

#endif /* BIBCONV_BUF_H */
