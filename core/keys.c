/* SPDX-License-Identifier: MIT */
/*
 * keys.c - citation keys: the generation rule of keys.h and a set of used
 * keys that makes them unique across one output.
 *
 * The set keeps 64-bit key fingerprints: no allocation per key, an
 * open-addressing table in memory up to BIB_KEYSET_MAX keys (8 MiB), then
 * a file-backed table (below), so that memory stays flat whatever the
 * number of keys and no key is ever forgotten.
 *
 * Not for: a format's key syntax (the writers sanitise further if needed).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bibconv/keys.h"
#include "bibconv/utf8.h"
#include "convert_int.h" /* bib_keyset_prefetch_sets */
#include "pages.h"

/* The memory tier: an open-addressing table of fingerprints holding up to
 * mem_max keys. When it fills it is merged into the disk tier, a hash
 * table in an unlinked temporary file: 2^bits buckets of BUCKET slots (4
 * KiB: a count, then up to BUCKET - 1 fingerprints), bucket = the top
 * `bits` of the fingerprint. Top bits keep buckets in fingerprint order,
 * so a merge of the sorted memory tier is one sequential pass and doubling
 * the buckets splits each into two neighbours (another pass). A lookup
 * past the memory tier costs one 4 KiB pread. */
#define KEY_HINTS 256
#define SMALL_TABLE ((size_t)32 * 1024)  /* slots: 256 KiB */
#define HUGE_TABLE ((size_t)256 * 1024)  /* slots: 2 MiB, one huge page */
#define BUCKET 512
#define BUCKET_FILL 256 /* average fill the disk tier keeps under */

struct bib_keyset {
    uint64_t *slots; /* 0 = empty */
    size_t cap, count, mem_max;
    unsigned shift;  /* 64 - log2(cap): a key's home slot is fp >> shift */
    int fd;          /* disk tier, -1 until the first spill */
    unsigned bits;   /* 2^bits buckets */
    uint64_t disk_count;
    int err;         /* sticky: a failed spill or read */
    /* per base key (by fingerprint, a small direct-mapped cache): the
     * first suffix not yet known taken, so that many records with one base
     * key do not each try every earlier suffix (quadratic: a million
     * keyless records with one title took hours). Keys are never removed,
     * so a suffix once taken stays taken and the hint only skips lookups. */
    struct key_hint { uint64_t fp; size_t next; } hint[KEY_HINTS];
};

/* A zeroed table of n slots, the caller's to free(). A large table is
 * all fresh pages, each faulted twice (read by a probe, then written):
 * with 10^5 keys that was most of the set's time on a machine where a
 * fault is dear (bench/README.md, "Fresh pages"). So tables are asked
 * of the kernel at once, those of 2 MiB and more as huge pages
 * (pages.h), and growth jumps from 256 KiB to 2 MiB (bib_keyset_add). */
static uint64_t *table_new(size_t n)
{
    return bib__pages_zalloc(n * sizeof(uint64_t));
}

bib_keyset *bib_keyset_new_bounded(size_t mem_keys)
{
    bib_keyset *k = calloc(1, sizeof *k);
    if (!k)
        return NULL;
    k->cap = 64;
    k->shift = 64 - 6;
    k->fd = -1;
    k->mem_max = mem_keys < 16 ? 16 : mem_keys;
    k->slots = table_new(k->cap);
    if (!k->slots) {
        free(k);
        return NULL;
    }
    return k;
}

bib_keyset *bib_keyset_new(void)
{
    return bib_keyset_new_bounded(BIB_KEYSET_MAX);
}

void bib_keyset_free(bib_keyset *k)
{
    if (!k)
        return;
    if (k->fd >= 0)
        close(k->fd);
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

/* A key's home is the top bits of its fingerprint, not the low ones: the
 * table is then in fingerprint order (but for a cluster that wraps), so
 * growing it moves the keys in one forward pass over both tables instead
 * of scattering them (with 10^5 keys and more, the scattered stores'
 * cache misses were most of the set's time; bench/README.md, "Fresh pages"). */
static uint64_t *find_slot(uint64_t *slots, size_t cap, unsigned shift, uint64_t fp)
{
    size_t i = (size_t)(fp >> shift);
    while (slots[i] && slots[i] != fp)
        i = (i + 1) & (cap - 1);
    return &slots[i];
}

/* ---- disk tier ------------------------------------------------------------ */

static uint64_t bucket_of(uint64_t fp, unsigned bits)
{
    return bits ? fp >> (64 - bits) : 0;
}

static int io_bucket(int fd, uint64_t *b, uint64_t i, bool write_it)
{
    off_t off = (off_t)(i * BUCKET * sizeof *b);
    size_t n = BUCKET * sizeof *b;
    ssize_t r = write_it ? pwrite(fd, b, n, off) : pread(fd, b, n, off);
    if (r == (ssize_t)n)
        return 0;
    if (r >= 0 && !write_it) { /* a bucket never written reads short: empty */
        memset((char *)b + r, 0, n - (size_t)r);
        return 0;
    }
    return BIB_EIO;
}

/* 1 if fp is in the disk tier, 0 if not, BIB_EIO. */
static int disk_has(const bib_keyset *k, uint64_t fp)
{
    if (k->fd < 0)
        return 0;
    uint64_t b[BUCKET];
    if (io_bucket(k->fd, b, bucket_of(fp, k->bits), false))
        return BIB_EIO;
    for (uint64_t i = 1; i <= b[0] && i < BUCKET; i++)
        if (b[i] == fp)
            return 1;
    return 0;
}

/* An unlinked temporary file: nothing is left behind, even after a crash. */
static int temp_fd(void)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];
    snprintf(path, sizeof path, "%s/bibconv-keys.XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(path);
    if (fd >= 0)
        unlink(path);
    return fd;
}

/* Doubles the buckets: bucket i splits into 2i and 2i + 1 of a new file. */
static int disk_split(bib_keyset *k)
{
    int nfd = temp_fd();
    if (nfd < 0)
        return BIB_EIO;
    uint64_t *b = calloc(3 * BUCKET, sizeof *b); /* unused slots written too */
    if (!b) {
        close(nfd);
        return BIB_ENOMEM;
    }
    uint64_t *lo = b + BUCKET, *hi = lo + BUCKET;
    int rc = 0;
    for (uint64_t i = 0; i < (1ull << k->bits) && !rc; i++) {
        rc = io_bucket(k->fd, b, i, false);
        lo[0] = hi[0] = 0;
        for (uint64_t j = 1; !rc && j <= b[0] && j < BUCKET; j++) {
            uint64_t *t = (b[j] >> (63 - k->bits)) & 1 ? hi : lo;
            t[++t[0]] = b[j];
        }
        if (!rc)
            rc = io_bucket(nfd, lo, 2 * i, true);
        if (!rc)
            rc = io_bucket(nfd, hi, 2 * i + 1, true);
    }
    free(b);
    if (rc) {
        close(nfd);
        return rc;
    }
    close(k->fd);
    k->fd = nfd;
    k->bits++;
    return 0;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* Moves the memory tier into the disk tier: sort, then one pass over the
 * buckets in order (a bucket that would overflow doubles them first). */
static int spill(bib_keyset *k)
{
    size_t n = 0;
    for (size_t i = 0; i < k->cap; i++)
        if (k->slots[i])
            k->slots[n++] = k->slots[i];
    qsort(k->slots, n, sizeof *k->slots, cmp_u64);
    int rc = 0;
    if (k->fd < 0 && (k->fd = temp_fd()) < 0)
        rc = BIB_EIO;
    while (!rc && (k->disk_count + n) > (uint64_t)BUCKET_FILL << k->bits)
        rc = disk_split(k);
    uint64_t b[BUCKET];
    for (size_t i = 0; i < n && !rc;) {
        uint64_t bi = bucket_of(k->slots[i], k->bits);
        size_t j = i;
        while (j < n && bucket_of(k->slots[j], k->bits) == bi)
            j++;
        rc = io_bucket(k->fd, b, bi, false);
        if (!rc && b[0] + (j - i) >= BUCKET) {
            rc = disk_split(k); /* rare: a crowded bucket; the rest re-buckets */
            continue;
        }
        for (; !rc && i < j; i++)
            b[++b[0]] = k->slots[i];
        if (!rc)
            rc = io_bucket(k->fd, b, bi, true);
    }
    if (rc)
        return k->err = rc;
    k->disk_count += n;
    memset(k->slots, 0, k->cap * sizeof *k->slots);
    k->count = 0;
    return 0;
}

void bib_keyset_prefetch_sets(const bib_keyset *const *exact, size_t n,
                              const bib_keyset *folded, const char *key, size_t len)
{
    /* fingerprint() over at most len bytes, of the key as it is and, when
     * a folded set is named, of its ASCII lower case in the same pass */
    uint64_t h = 1469598103934665603ull, hf = h;
    if (folded) {
        for (size_t i = 0; i < len && key[i]; i++) {
            unsigned char c = (unsigned char)key[i];
            h = (h ^ c) * 1099511628211ull;
            hf = (hf ^ (c >= 'A' && c <= 'Z' ? c + 32u : c)) * 1099511628211ull;
        }
    } else {
        for (size_t i = 0; i < len && key[i]; i++)
            h = (h ^ (unsigned char)key[i]) * 1099511628211ull;
    }
    uint64_t fp[2] = {h, hf};
    for (int j = 0; j < (folded ? 2 : 1); j++) {
        uint64_t x = fp[j];
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdull;
        x ^= x >> 33;
        x *= 0xc4ceb9fe1a85ec53ull;
        x ^= x >> 33;
        fp[j] = x ? x : 1;
    }
#if defined(__GNUC__)
    for (size_t i = 0; i < n; i++)
        if (exact[i])
            __builtin_prefetch(&exact[i]->slots[(size_t)(fp[0] >> exact[i]->shift)]);
    if (folded)
        __builtin_prefetch(&folded->slots[(size_t)(fp[1] >> folded->shift)]);
#else
    (void)exact;
    (void)n;
    (void)folded;
    (void)fp;
#endif
}

void bib_keyset_prefetch(const bib_keyset *k, const char *key, size_t len)
{
    bib_keyset_prefetch_sets(&k, 1, NULL, key, len);
}

bool bib_keyset_has(const bib_keyset *k, const char *key)
{
    uint64_t fp = fingerprint(key);
    if (*find_slot(k->slots, k->cap, k->shift, fp))
        return true;
    return disk_has(k, fp) == 1; /* a read error surfaces at the next add */
}

bool bib_keyset_full(const bib_keyset *k)
{
    (void)k;
    return false; /* past the memory tier keys go to disk, never dropped */
}

int bib_keyset_error(const bib_keyset *k)
{
    return k->err;
}

int bib_keyset_add(bib_keyset *k, const char *key)
{
    if (k->err)
        return k->err;
    uint64_t fp = fingerprint(key);
    uint64_t *slot = find_slot(k->slots, k->cap, k->shift, fp);
    if (*slot)
        return 0;
    int d = disk_has(k, fp);
    if (d)
        return d < 0 ? (k->err = d) : 0;
    if ((k->count + 1) * 4 > k->cap * 3) { /* keep the load under 3/4 */
        /* doubling, but past 256 KiB straight to a table of huge pages
         * (table_new): the sizes between would be plain fresh pages */
        size_t ncap = k->cap * 2;
        if (ncap > SMALL_TABLE && ncap < HUGE_TABLE)
            ncap = HUGE_TABLE;
        unsigned nshift = 64 - (unsigned)__builtin_ctzll((unsigned long long)ncap);
        uint64_t *ns = table_new(ncap);
        if (!ns)
            return BIB_ENOMEM;
        for (size_t i = 0; i < k->cap; i++)
            if (k->slots[i])
                *find_slot(ns, ncap, nshift, k->slots[i]) = k->slots[i];
        free(k->slots);
        k->slots = ns;
        k->cap = ncap;
        k->shift = nshift;
        slot = find_slot(k->slots, k->cap, k->shift, fp);
    }
    *slot = fp;
    if (++k->count >= k->mem_max)
        return spill(k) ? k->err : 1;
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

/* The bytes of a name or title a key is made from: a key stays short, and
 * a huge value is not copied for it (issue 18: a value needs at most 2x
 * its size). Cut back to the start of a UTF-8 character. */
#define KEY_SCAN 1024

static size_t scan_len(const char *s, size_t len)
{
    if (len <= KEY_SCAN)
        return len;
    len = KEY_SCAN;
    while (len && ((unsigned char)s[len] & 0xc0) == 0x80)
        len--;
    return len;
}

/* Appends the lower-cased ASCII letters and digits of s (its first
 * KEY_SCAN bytes). */
static void put_alnum(bib_buf *out, const char *s, size_t len)
{
    len = scan_len(s, len);
    bib_buf tmp = BIB_BUF_INIT;
    bib_utf8_ascii_fold(&tmp, s, len);
    for (size_t i = 0; i < tmp.len; i++)
        if (isalnum((unsigned char)tmp.data[i]))
            bib_buf_putc(out, (char)tolower((unsigned char)tmp.data[i]));
    if (bib_buf_failed(&tmp)) /* a shorter key would pass for the whole one */
        out->failed = true;
    bib_buf_clear(&tmp);
}

/* The first significant word of a title (in its first KEY_SCAN bytes),
 * markup tags skipped. */
static void title_word(bib_buf *out, const char *t)
{
    bib_buf key = BIB_BUF_INIT;
    /* strip the rich-text tags: every <...> of record.h's markup */
    bib_buf plain = BIB_BUF_INIT;
    const char *end = t + scan_len(t, strnlen(t, KEY_SCAN + 1));
    for (const char *p = t; p < end; p++) {
        if (*p == '<') {
            const char *e = memchr(p, '>', (size_t)(end - p));
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
    if (bib_buf_failed(&plain) || bib_buf_failed(&key))
        out->failed = true;
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
    /* no name: the title word leads, not a fixed word, so that keyless
     * anonymous works differ from their first letters on (alpha.bst labels
     * such an entry by its key's first three; docs/bibtex.md) */
    const char *t = bib_record_text(rec, BIB_VAR_TITLE);
    bool lead = out->len == start && t;
    if (lead)
        title_word(out, t);
    if (out->len == start)
        bib_buf_puts(out, "anon");
    const bib_date *d = bib_field_date(bib_record_get(rec, BIB_VAR_ISSUED));
    if (d && d->nparts && d->parts[0].has_year)
        bib_buf_printf(out, "%d", d->parts[0].year < 0 ? -d->parts[0].year : d->parts[0].year);
    if (t && !lead)
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
            return rc;
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
    uint64_t bfp = fingerprint(out->data + start);
    struct key_hint *h = &set->hint[bfp % KEY_HINTS];
    /* a hint exists only once the base itself was found taken */
    if ((h->fp == bfp && h->next) || bib_keyset_has(set, out->data + start)) {
        size_t n = h->fp == bfp ? h->next : 0;
        for (;; n++) {
            bib_buf_truncate(out, base);
            bib_key_suffix(out, n);
            if (bib_buf_failed(out))
                return BIB_ENOMEM;
            if (!bib_keyset_has(set, out->data + start) || set->err)
                break;
        }
        h->fp = bfp;
        h->next = n + 1;
    }
    int rc = bib_keyset_add(set, out->data + start);
    return rc < 0 ? rc : 0;
}
