/* SPDX-License-Identifier: MIT */
/*
 * bt_emit.c - the bibtex writer's layout of one entry: the fields
 * bt_writer.c collected, '=' aligned, one output call per entry (pieces
 * when an entry is longer than EMIT_CHUNK).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/short_copy.h"
#include "bt_writer_int.h"

/* The value of collected field i. */
const char *bt_out_val(const bt_writer *w, size_t i)
{
    if (!w->f[i].len)
        return ""; /* vals may still be unallocated */
    return w->f[i].ext ? w->f[i].ext : w->f[i].big ? w->f[i].big : w->vals.data + w->f[i].off;
}

/* Frees the long values of the collected fields and forgets the fields. */
void bt_drop_fields(bt_writer *w)
{
    for (size_t i = 0; w->nbig && i < w->nf; i++) { /* most entries have none */
        free(w->f[i].big);
        w->f[i].big = NULL;
    }
    w->nbig = 0;
    w->nf = 0;
}

/* Appends n bytes of the entry being emitted; what does not fit in
 * EMIT_CHUNK goes out first, and a longer piece goes out directly (a huge
 * value is not copied once more). */
static void emit_put(bt_writer *w, const char *p, size_t n)
{
    if (w->ebuf.len + n > EMIT_CHUNK) {
        if (w->ebuf.failed) /* out of memory: nothing more goes out, emit says so */
            return;
        if (w->ebuf.len)
            bib_output_write(w->out, w->ebuf.data, w->ebuf.len);
        bib_buf_reset(&w->ebuf);
        if (n > EMIT_CHUNK) {
            bib_output_write(w->out, p, n);
            return;
        }
    }
    bib_buf_append_fast(&w->ebuf, p, n);
}

/* The layout of bt_emit below, for an entry that fits in EMIT_CHUNK: its size
 * (from `vlen`, the values' lengths summed, which bt_emit took with the
 * width) first, then written into ebuf (reset) after one reserve, without
 * a call per piece. False, with nothing written, for a bigger entry or when
 * the reserve fails: bt_emit then goes piece by piece. */
static bool emit_flat(bt_writer *w, const char *type, size_t width, size_t vlen)
{
    static const char blanks32[33] = "                                ";
    size_t tl = strlen(type), kl = strlen(w->keyp); /* the key up to a NUL, as %s */
    if (vlen > EMIT_CHUNK || width > EMIT_CHUNK) /* and the sum below cannot wrap */
        return false;
    size_t total = 1 + tl + 1 + kl + 5 + w->nf * (4 + width + 3 + 2) + vlen;
    /* 32 bytes of slack: the padding below is one fixed-size store */
    if (total > EMIT_CHUNK || bib_buf_reserve(&w->ebuf, total + 32))
        return false;
    char *d = w->ebuf.data;
    *d++ = '@';
    memcpy(d, type, tl);
    d += tl;
    *d++ = '{';
    memcpy(d, w->keyp, kl);
    d += kl;
    for (size_t i = 0; i < w->nf; i++) {
        size_t nl = w->f[i].nlen, vl = w->f[i].len;
        memcpy(d, ",\n  ", 4);
        d += 4;
        bib_short_copy(d, w->f[i].name, nl);
        d += nl;
        /* the name padded to width, as %-*s: a store of 32 blanks (no
         * call) when that covers it, the bytes past the padding written
         * over next */
        if (width - nl <= 32)
            memcpy(d, blanks32, 32);
        else
            memset(d, ' ', width - nl);
        d += width - nl;
        memcpy(d, " = ", 3);
        d += 3;
        if (w->f[i].bare) {
            bib_short_copy(d, bt_out_val(w, i), vl);
            d += vl;
        } else {
            *d++ = '{';
            bib_short_copy(d, bt_out_val(w, i), vl);
            d += vl;
            *d++ = '}';
        }
    }
    /* biber's parser wants the comma after a key even with no field */
    if (w->nf) {
        memcpy(d, "\n}\n\n", 4);
        d += 4;
    } else {
        memcpy(d, ",\n}\n\n", 5);
        d += 5;
    }
    *d = '\0';
    w->ebuf.len = (size_t)(d - w->ebuf.data);
    return true;
}

/* The collected fields as one entry, '=' aligned. */
int bt_emit(bt_writer *w, const char *type)
{
    /* no printf: it was a fifth of CSL-JSON -> BibTeX (callgrind); and
     * one output call per entry, not five per field */
    static const char pad[] = "                                ";
    size_t width = 0, vlen = 0;
    for (size_t i = 0; i < w->nf; i++) {
        if (w->f[i].nlen > width)
            width = w->f[i].nlen;
        /* saturated: a huge value goes piece by piece */
        vlen += w->f[i].len < EMIT_CHUNK ? w->f[i].len : EMIT_CHUNK + 1;
    }
    bib_buf_reset(&w->ebuf);
    if (emit_flat(w, type, width, vlen))
        goto out;
    emit_put(w, "@", 1);
    emit_put(w, type, strlen(type));
    emit_put(w, "{", 1);
    emit_put(w, w->keyp, strlen(w->keyp)); /* up to a NUL, as %s */
    for (size_t i = 0; i < w->nf; i++) {
        const char *v = bt_out_val(w, i);
        size_t nl = w->f[i].nlen;
        emit_put(w, ",\n  ", 4);
        emit_put(w, w->f[i].name, nl);
        for (size_t k = width - nl; k; ) { /* the name padded to width, as %-*s */
            size_t c = k < sizeof pad - 1 ? k : sizeof pad - 1;
            emit_put(w, pad, c);
            k -= c;
        }
        emit_put(w, " = ", 3);
        if (w->f[i].bare) {
            emit_put(w, v, w->f[i].len);
        } else {
            emit_put(w, "{", 1);
            emit_put(w, v, w->f[i].len);
            emit_put(w, "}", 1);
        }
    }
    /* biber's parser wants the comma after a key even with no field */
    if (w->nf)
        emit_put(w, "\n}\n\n", 4);
    else
        emit_put(w, ",\n}\n\n", 5);
out:;
    bool failed = bib_buf_failed(&w->ebuf);
    if (w->ebuf.len && !failed)
        bib_output_write(w->out, w->ebuf.data, w->ebuf.len);
    if (failed)
        bib_buf_clear(&w->ebuf); /* the next entry starts afresh */
    bib_buf_reset(&w->ebuf);
    bt_drop_fields(w);
    if (failed)
        return BIB_ENOMEM;
    return bib_output_error(w->out);
}
