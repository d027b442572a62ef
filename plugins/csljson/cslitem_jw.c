/* SPDX-License-Identifier: MIT */
/*
 * cslitem_jw.c - the out-of-line steps of the direct writer's JSON
 * emitter (cslitem_jw.h): text past the buffer, deep newlines, strings of
 * any length and content, keys that need a look, integers, and the tables
 * of keys.
 *
 * Not for: what an item holds (cslitem_write.c).
 */
#include <stdint.h>
#include <string.h>

#include "bibconv/buf.h"
#include "cslitem_int.h"
#include "cslitem_jw.h"

/* (cslitem_jw.h) */
void jw_text(jw *w, const char *s, size_t n)
{
    if (w->sink && n >= JW_DIRECT) {
        if (w->out->len)
            bib_output_write(w->sink, w->out->data, w->out->len);
        bib_buf_reset(w->out);
        bib_output_write(w->sink, s, n);
        return;
    }
    bib_buf_append_fast(w->out, s, n);
}

/* A newline and the indentation, "\n" and 64 spaces: one copy serves the
 * usual depth, deeper levels loop (jw_newline_slow). */
const char jw_nl[66] = "\n                                                                ";

/* jw_newline where the fixed-size copy does not serve: a deep level or a
 * full buffer. Kept out of line so that the usual case below saves no
 * registers. */
void jw_newline_slow(jw *w)
{
    size_t sp = 2 * (size_t)w->level, room = sizeof jw_nl - 2;
    size_t k = sp < room ? sp : room;
    bib_buf_append_fast(w->out, jw_nl, 1 + k);
    for (sp -= k; sp; sp -= k) {
        k = sp < room ? sp : room;
        bib_buf_append_fast(w->out, jw_nl + 1, k);
    }
}

/* The escape of byte c (a control byte, '"' or '\\') into e; its length
 * (cslitem_int.h). */
size_t cslitem_json_escape(unsigned char c, char *e)
{
    static const char hex[] = "0123456789ABCDEF";
    e[0] = '\\';
    switch (c) {
    case '"': e[1] = '"'; return 2;
    case '\\': e[1] = '\\'; return 2;
    case '\b': e[1] = 'b'; return 2;
    case '\f': e[1] = 'f'; return 2;
    case '\n': e[1] = 'n'; return 2;
    case '\r': e[1] = 'r'; return 2;
    case '\t': e[1] = 't'; return 2;
    default:
        e[1] = 'u';
        e[2] = '0';
        e[3] = '0';
        e[4] = hex[c >> 4];
        e[5] = hex[c & 15];
        return 6;
    }
}

/* Bytes a JSON string must escape: below 0x20, '"' and '\\'. */
const unsigned char jw_special[256] = {
    [0] = 1, [1] = 1, [2] = 1, [3] = 1, [4] = 1, [5] = 1, [6] = 1, [7] = 1,
    [8] = 1, [9] = 1, [10] = 1, [11] = 1, [12] = 1, [13] = 1, [14] = 1, [15] = 1,
    [16] = 1, [17] = 1, [18] = 1, [19] = 1, [20] = 1, [21] = 1, [22] = 1, [23] = 1,
    [24] = 1, [25] = 1, [26] = 1, [27] = 1, [28] = 1, [29] = 1, [30] = 1, [31] = 1,
    ['"'] = 1, ['\\'] = 1,
};

/* jw_string for a long value with a sink: the runs that need no escaping
 * go to the sink without a copy in the buffer (jw_text). */
static void jw_string_long(jw *w, const char *s, size_t n)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    bib_buf_putc_fast(w->out, '"');
    size_t run = 0, i = 0;
    while (i < n) {
        /* eight bytes at a time while none needs escaping: a byte below
         * 0x20, a '"' or a '\\' (the usual has-zero-byte bit trick; its
         * lowest flagged byte is always a real one); the tail is padded
         * with harmless bytes */
        uint64_t x = ones * 'a';
        memcpy(&x, s + i, n - i < 8 ? n - i : 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        x = __builtin_bswap64(x); /* first byte lowest, as the count below expects */
#endif
        uint64_t lt = (x - ones * 0x20) & ~x;
        uint64_t q = x ^ (ones * '"'), b = x ^ (ones * '\\');
        uint64_t hit = (lt | ((q - ones) & ~q) | ((b - ones) & ~b)) & high;
        if (!hit) {
            i += 8;
            continue;
        }
        i += (size_t)__builtin_ctzll(hit) / 8;
        unsigned char c = (unsigned char)s[i];
        jw_text(w, s + run, i - run);
        run = ++i;
        char e[6];
        size_t el = cslitem_json_escape(c, e);
        bib_buf_append_fast(w->out, e, el);
    }
    jw_text(w, s + run, n - run);
    bib_buf_putc_fast(w->out, '"');
}

enum { JW_CHUNK = 4096 }; /* input bytes escaped per reservation */

/* A JSON string, escaped straight into the buffer: room for the worst
 * case (six bytes a byte) is reserved a chunk at a time, so the copy and
 * the scan are one pass (sixteen bytes a step with SSE2) and memory stays
 * within a few times JW_CHUNK of the text. */
void jw_string_any(jw *w, const char *s, size_t n)
{
    if (w->sink && n >= JW_DIRECT) {
        jw_string_long(w, s, n);
        return;
    }
    bib_buf_putc_fast(w->out, '"');
    jw_string_rest(w, s, n, 0);
}

/* (cslitem_jw.h) */
void jw_string_rest(jw *w, const char *s, size_t n, size_t i)
{
    bib_buf *b = w->out;
    size_t clean = 0; /* from s[clean] on, the output is the text as is */
    while (i < n) {
        size_t stop = n - i > JW_CHUNK ? i + JW_CHUNK : n;
        /* 6 a byte, and 16 of slack for the wide stores */
        if (b->len + 6 * (stop - i) + 16 >= b->cap &&
            bib_buf_reserve(b, 6 * (stop - i) + 16) != 0)
            return;
        char *d = b->data + b->len;
#if defined(__x86_64__) && defined(__SSE2__)
        while (i + 16 <= stop) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            _mm_storeu_si128((__m128i *)(void *)d, x);
            unsigned m = jw_hits16(x);
            if (!m) {
                i += 16;
                d += 16;
                continue;
            }
            unsigned k = (unsigned)__builtin_ctz(m);
            i += k;
            d += k;
            d += cslitem_json_escape((unsigned char)s[i++], d);
            clean = i;
        }
        /* the last few bytes: the sixteen that end the chunk, loaded again
         * and stored over the output of the ones before them, which is
         * those bytes unchanged when no escape was written since */
        if (i < stop && stop >= 16 && stop - 16 >= clean) {
            unsigned k = (unsigned)(16 - (stop - i));
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + stop - 16));
            if (!(jw_hits16(x) >> k)) {
                _mm_storeu_si128((__m128i *)(void *)(d - k), x);
                d += stop - i;
                i = stop;
            }
        }
#endif
        for (; i < stop; i++) {
            unsigned char c = (unsigned char)s[i];
            if (jw_special[c]) {
                d += cslitem_json_escape(c, d);
                clean = i + 1;
            } else {
                *d++ = (char)c;
            }
        }
        b->len = (size_t)(d - b->data);
        b->data[b->len] = '\0';
    }
    (void)clean;
    bib_buf_putc_fast(b, '"');
}

/* (cslitem_jw.h) */
void jw_key_text(jw *w, const char *key)
{
    bib_buf *b = w->out;
    if (b->len + 40 < b->cap) {
        /* a short key copied by bytes where it fits: no strlen, no call */
        char *d = b->data + b->len, *stop = d + 36;
        *d++ = '"';
        const char *k = key;
        while (*k && d < stop)
            *d++ = *k++;
        if (!*k) {
            *d++ = '"';
            *d++ = ':';
            if (w->pretty)
                *d++ = ' ';
            *d = '\0';
            b->len = (size_t)(d - b->data);
            return;
        }
    }
    size_t n = strlen(key);
    bib_buf_putc_fast(w->out, '"');
    bib_buf_append_fast(w->out, key, n);
    bib_buf_append_fast(w->out, w->pretty ? "\": " : "\":", w->pretty ? 3 : 2);
}

/* Each CSL variable's key as written, `"name": `, in a padded row so that
 * it goes out in one fixed-size copy; built once (the -j workers share
 * it). A length of 0: a name too long for the row, written by
 * jw_key_plain. */
char jw_keys[BIB_VAR_COUNT][JW_KEY_COPY];
unsigned char jw_key_len[BIB_VAR_COUNT];

/* The same rows with what comes before a member of an item at the usual
 * depth (level 2: an item inside the array), ",\n    \"name\": ", so that
 * the separator, the newline, the indentation and the key are one copy
 * (jw_key_var); the row from its second byte for the first member. */
char jw_mkeys[BIB_VAR_COUNT][JW_MEMBER_COPY];

/* The same for the six name parts (cslitem_name_keys), all short enough. */
char jw_nkeys[6][JW_KEY_COPY];
unsigned char jw_nkey_len[6];

void jw_keys_build(void)
{
    for (int i = 0; i < 6; i++) {
        size_t n = strlen(cslitem_name_keys[i]);
        if (n + 4 > JW_KEY_COPY)
            continue;
        jw_nkeys[i][0] = '"';
        memcpy(jw_nkeys[i] + 1, cslitem_name_keys[i], n);
        memcpy(jw_nkeys[i] + 1 + n, "\": ", 3);
        jw_nkey_len[i] = (unsigned char)(n + 3);
    }
    for (int v = 1; v < BIB_VAR_COUNT; v++) {
        const char *name = bib_var_name((bib_var)v);
        size_t n = name ? strlen(name) : JW_KEY_COPY;
        if (n + 4 > JW_KEY_COPY)
            continue;
        jw_keys[v][0] = '"';
        memcpy(jw_keys[v] + 1, name, n);
        memcpy(jw_keys[v] + 1 + n, "\": ", 3);
        jw_key_len[v] = (unsigned char)(n + 3); /* without the space */
        /* ",\n" and two spaces a level, then the key row (at most 28 + 4) */
        memcpy(jw_mkeys[v], ",\n", 2);
        memset(jw_mkeys[v] + 2, ' ', 2 * JW_MEMBER_LEVEL);
        memcpy(jw_mkeys[v] + 2 + 2 * JW_MEMBER_LEVEL, jw_keys[v], n + 4);
    }
}

/* (cslitem_jw.h) */
void jw_key_any(jw *w, const char *key, size_t n)
{
    jw_string(w, key, n);
    bib_buf_append_fast(w->out, w->pretty ? ": " : ":", w->pretty ? 2 : 1);
}

/* (cslitem_jw.h) */
const char jw_two[200] =
    "0001020304050607080910111213141516171819"
    "2021222324252627282930313233343536373839"
    "4041424344454647484950515253545556575859"
    "6061626364656667686970717273747576777879"
    "8081828384858687888990919293949596979899";

/* (cslitem_jw.h) */
void jw_int(jw *w, long long v)
{
    bib_buf *o = w->out;
    if (v >= 0 && v < 10000 && o->len + 8 < o->cap) {
        /* a year, month or day: its digits in place, as bib_dec_format
         * writes them */
        o->len += jw_digits(o->data + o->len, (int)v);
        o->data[o->len] = '\0';
        return;
    }
    char b[BIB_DEC_MAX];
    const char *p = bib_dec_format(b, v);
    bib_buf_append_fast(w->out, p, (size_t)(b + sizeof b - p));
}
