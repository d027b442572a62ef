/* SPDX-License-Identifier: MIT */
/*
 * keys.c - citation keys: the generation rule of keys.h and a set of used
 * keys that makes them unique across one output.
 *
 * The set is an open-addressing hash table of 64-bit key fingerprints: no
 * allocation per key, and a ceiling (BIB_KEYSET_MAX keys, 8 MiB) so that
 * memory stays flat whatever the input size.
 *
 * Not for: a format's key syntax (the writers sanitise further if needed).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/keys.h"
#include "bibconv/utf8.h"

struct bib_keyset {
    uint64_t *slots; /* 0 = empty */
    size_t cap, count;
    bool full;
};

bib_keyset *bib_keyset_new(void)
{
    bib_keyset *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->cap = 64;
    k->slots = calloc(k->cap, sizeof *k->slots);
    if (!k->slots) {
        free(k);
        return NULL;
    }
    return k;
}

void bib_keyset_free(bib_keyset *k)
{
    if (!k)
        return;
    free(k->slots);
    free(k);
}

/* FNV-1a, then a 64-bit finaliser so that the low bits (the slot) and the
 * whole value (the fingerprint) both mix every byte; never 0. */
static uint64_t fingerprint(const char *s)
{
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    h ^= h >> 33;
    return h ? h : 1;
}

static uint64_t *find_slot(uint64_t *slots, size_t cap, uint64_t fp)
{
    size_t i = (size_t)fp & (cap - 1);
    while (slots[i] && slots[i] != fp)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

bool bib_keyset_has(const bib_keyset *k, const char *key)
{
    return *find_slot(k->slots, k->cap, fingerprint(key)) != 0;
}

bool bib_keyset_full(const bib_keyset *k)
{
    return k->full;
}

int bib_keyset_add(bib_keyset *k, const char *key)
{
    uint64_t fp = fingerprint(key);
    uint64_t *slot = find_slot(k->slots, k->cap, fp);
    if (*slot)
        return 0;
    if (k->count >= BIB_KEYSET_MAX) {
        k->full = true;
        return 1;
    }
    if ((k->count + 1) * 4 > k->cap * 3) { /* keep the load under 3/4 */
        size_t ncap = k->cap * 2;
        uint64_t *ns = calloc(ncap, sizeof *ns);
        if (!ns)
            return BIB_ENOMEM;
        for (size_t i = 0; i < k->cap; i++)
            if (k->slots[i])
                *find_slot(ns, ncap, k->slots[i]) = k->slots[i];
        free(k->slots);
        k->slots = ns;
        k->cap = ncap;
        slot = find_slot(k->slots, k->cap, fp);
    }
    *slot = fp;
    k->count++;
    return 1;
}

/* Short words skipped when choosing the title word (English, French). */
static const char *const function_words[] = {
    "a", "an", "the", "on", "of", "in", "for", "to", "and", "with", "at", "by", "from",
    "is", "are", "how", "what", "why", "when", "towards", "toward", "via", "into",
    "le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "et", "en", "au", "aux",
    "sur", "pour", "dans", "par", "vers",
};

static bool is_function_word(const char *w, size_t n)
{
    for (size_t i = 0; i < sizeof function_words / sizeof *function_words; i++)
        if (strlen(function_words[i]) == n && memcmp(function_words[i], w, n) == 0)
            return true;
    return false;
}

/* Appends the lower-cased ASCII letters and digits of s. */
static void put_alnum(bib_buf *out, const char *s, size_t len)
{
    bib_buf tmp = BIB_BUF_INIT;
    bib_utf8_ascii_fold(&tmp, s, len);
    for (size_t i = 0; i < tmp.len; i++)
        if (isalnum((unsigned char)tmp.data[i]))
            bib_buf_putc(out, (char)tolower((unsigned char)tmp.data[i]));
    bib_buf_clear(&tmp);
}

/* The first significant word of a title, markup tags skipped. */
static void title_word(bib_buf *out, const char *t)
{
    bib_buf key = BIB_BUF_INIT;
    /* strip the rich-text tags: every <...> of record.h's markup */
    bib_buf plain = BIB_BUF_INIT;
    for (const char *p = t; *p; p++) {
        if (*p == '<') {
            const char *e = strchr(p, '>');
            if (e && (p[1] == '/' || p[1] == 'i' || p[1] == 'b' || p[1] == 's')) {
                p = e;
                continue;
            }
        }
        bib_buf_putc(&plain, *p);
    }
    bib_utf8_match_key(&key, plain.data, plain.len);
    const char *p = key.data;
    const char *fallback = NULL;
    size_t fallback_len = 0;
    while (*p) {
        const char *e = strchr(p, ' ');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        if (!fallback) {
            fallback = p;
            fallback_len = n;
        }
        if (!is_function_word(p, n)) {
            put_alnum(out, p, n);
            fallback = NULL;
            break;
        }
        p += n + (e ? 1 : 0);
    }
    if (fallback)
        put_alnum(out, fallback, fallback_len);
    bib_buf_clear(&plain);
    bib_buf_clear(&key);
}

int bib_key_generate(bib_buf *out, const bib_record *rec)
{
    size_t start = out->len;
    const bib_field *names = bib_record_get(rec, BIB_VAR_AUTHOR);
    if (!bib_field_name_count(names))
        names = bib_record_get(rec, BIB_VAR_EDITOR);
    const bib_name *n = bib_field_name_at(names, 0);
    if (n && n->family) {
        put_alnum(out, n->family, strlen(n->family));
    } else if (n && n->literal) {
        const char *sp = strchr(n->literal, ' ');
        put_alnum(out, n->literal, sp ? (size_t)(sp - n->literal) : strlen(n->literal));
    }
    if (out->len == start)
        bib_buf_puts(out, "anon");
    const bib_date *d = bib_field_date(bib_record_get(rec, BIB_VAR_ISSUED));
    if (d && d->nparts && d->parts[0].has_year)
        bib_buf_printf(out, "%d", d->parts[0].year < 0 ? -d->parts[0].year : d->parts[0].year);
    const char *t = bib_record_text(rec, BIB_VAR_TITLE);
    if (t)
        title_word(out, t);
    return bib_buf_failed(out) ? BIB_ENOMEM : 0;
}

/* Writes the n-th suffix: a..z, aa, ab, ... */
void bib_key_suffix(bib_buf *out, size_t n)
{
    char tmp[16];
    size_t len = 0;
    n++; /* bijective base 26 */
    while (n && len < sizeof tmp) {
        n--;
        tmp[len++] = (char)('a' + n % 26);
        n /= 26;
    }
    while (len)
        bib_buf_putc(out, tmp[--len]);
}

int bib_key_unique(bib_buf *out, bib_keyset *set, const bib_record *rec, const char *wanted)
{
    if (wanted && *wanted) {
        int rc = bib_keyset_add(set, wanted); /* one lookup: new keys are the rule */
        if (rc < 0)
            return BIB_ENOMEM;
        if (rc == 1) {
            bib_buf_puts(out, wanted);
            return bib_buf_failed(out) ? BIB_ENOMEM : 0;
        }
    }
    size_t start = out->len;
    if (wanted && *wanted)
        bib_buf_puts(out, wanted);
    else if (bib_key_generate(out, rec))
        return BIB_ENOMEM;
    size_t base = out->len;
    for (size_t n = 0; bib_keyset_has(set, out->data + start); n++) {
        bib_buf_truncate(out, base);
        bib_key_suffix(out, n);
        if (bib_buf_failed(out))
            return BIB_ENOMEM;
    }
    return bib_keyset_add(set, out->data + start) < 0 ? BIB_ENOMEM : 0;
}
