/* SPDX-License-Identifier: MIT */
/*
 * io.c - bib_input (refillable window with line/column tracking, BOM and
 * encoding handling); bib_output is in output.c.
 *
 * Not for: parsing. Offsets count bytes of the UTF-8 text readers see
 * (after any conversion), which is what diagnostics point into.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "bibconv/buf.h"
#include "bibconv/io.h"
#include "bibconv/utf8.h"
#include "convert_int.h"
#include "io_seam.h"

#define PAD 16
_Static_assert(PAD == BIB_PIECE_PAD, "a piece's padding is a window's");
#define DEFAULT_BUFSIZE (64 * 1024)
#define DETECT_SIZE (64 * 1024)

/* Read size forced by tests and fuzzers (io_seam.h); 0: DEFAULT_BUFSIZE. */
static size_t test_bufsize;

void bib_input_test_bufsize(size_t n) { test_bufsize = n; }

typedef enum { CONV_NONE, CONV_UTF16LE, CONV_UTF16BE, CONV_LATIN1, CONV_CP1252 } conv_mode;

struct bib_input {
    /* source */
    int fd;
    bool own_fd;
    const unsigned char *mem;
    size_t memlen, mempos;
    bool src_eof;
    /* window: buf[start..end) unconsumed, followed by >= PAD NUL bytes */
    char *buf;
    size_t cap, start, end;
    size_t bufsize; /* preferred read size */
    size_t max_value; /* longest line or window a reader may ask for */
    /* conversion */
    conv_mode conv;
    unsigned char carry[4]; /* undecoded tail bytes of a UTF-16 read */
    size_t ncarry;
    bool started;  /* BOM looked at */
    bool consumed; /* any byte consumed */
    bool piece;    /* a piece of a larger input: no encoding work */
    bool bom;      /* a UTF-8 BOM was skipped */
    bool borrowed; /* buf is the caller's (bib_input_open_piece): not freed */
    /* position: the column is counted lazily, only when asked (most
     * inputs never need one): col is the column at buf[col_mark], and the
     * code points of buf[col_mark..start) come on top (current_col) */
    size_t line, col, col_mark, last_line;
    uint64_t offset;
    bool pending_cr;
    /* diagnostics */
    char *name;
    bib_diag *diag;
    int err;
};

static size_t current_col(const bib_input *in);
static void settle_col(bib_input *in);

/* ---- raw source ------------------------------------------------------- */

static ssize_t raw_read(bib_input *in, unsigned char *dst, size_t n)
{
    if (in->mem) {
        size_t left = in->memlen - in->mempos;
        if (n > left)
            n = left;
        memcpy(dst, in->mem + in->mempos, n);
        in->mempos += n;
        return (ssize_t)n;
    }
    for (;;) {
        ssize_t r = read(in->fd, dst, n);
        if (r < 0 && errno == EINTR)
            continue;
        return r;
    }
}

/* Windows-1252's 0x80..0x9F; 0 marks the five undefined bytes (kept as
 * their Latin-1 control code points). */
static const uint16_t cp1252_high[32] = {
    0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0, 0x017D, 0, 0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013,
    0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178};

static size_t put_cp(char *dst, uint32_t cp)
{
    return (size_t)bib_utf8_encode(cp, dst);
}

/* Converts 8-bit bytes to UTF-8 into dst (room: 3 bytes per input byte). */
static size_t conv_8bit(conv_mode m, const unsigned char *src, size_t n, char *dst)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned c = src[i];
        if (c < 0x80) {
            dst[o++] = (char)c;
            continue;
        }
        uint32_t cp = c;
        if (m == CONV_CP1252 && c < 0xA0 && cp1252_high[c - 0x80])
            cp = cp1252_high[c - 0x80];
        o += put_cp(dst + o, cp);
    }
    return o;
}

/* Converts UTF-16 bytes (with in->carry) to UTF-8; room: 2 bytes/byte. */
static size_t conv_utf16(bib_input *in, const unsigned char *src, size_t n, char *dst, bool last)
{
    unsigned char tmp[DEFAULT_BUFSIZE + 4];
    size_t len = 0;
    memcpy(tmp, in->carry, in->ncarry);
    len = in->ncarry;
    memcpy(tmp + len, src, n);
    len += n;
    size_t i = 0, o = 0;
    bool le = in->conv == CONV_UTF16LE;
    while (i + 2 <= len) {
        uint32_t u = le ? (uint32_t)(tmp[i] | tmp[i + 1] << 8) : (uint32_t)(tmp[i] << 8 | tmp[i + 1]);
        if (u >= 0xD800 && u <= 0xDBFF) {
            if (i + 4 > len) {
                if (!last)
                    break;
                o += put_cp(dst + o, 0xFFFD);
                i += 2;
                continue;
            }
            uint32_t v = le ? (uint32_t)(tmp[i + 2] | tmp[i + 3] << 8)
                            : (uint32_t)(tmp[i + 2] << 8 | tmp[i + 3]);
            if (v >= 0xDC00 && v <= 0xDFFF) {
                o += put_cp(dst + o, 0x10000 + ((u - 0xD800) << 10) + (v - 0xDC00));
                i += 4;
                continue;
            }
            u = 0xFFFD;
        } else if (u >= 0xDC00 && u <= 0xDFFF) {
            u = 0xFFFD;
        }
        o += put_cp(dst + o, u);
        i += 2;
    }
    in->ncarry = len - i;
    if (last && in->ncarry) {
        o += put_cp(dst + o, 0xFFFD);
        in->ncarry = 0;
    }
    memcpy(in->carry, tmp + i, in->ncarry);
    return o;
}

static int ensure_cap(bib_input *in, size_t need)
{
    if (need + PAD <= in->cap)
        return 0;
    size_t cap = in->cap ? in->cap : in->bufsize + PAD;
    while (cap < need + PAD)
        cap *= 2;
    /* near the bound, grow to what is needed, not to the next power of
     * two (a 64 MiB window must not cost 128) */
    size_t limit = in->max_value + 4 * DEFAULT_BUFSIZE + PAD;
    if (cap > limit && need + PAD <= limit)
        cap = limit;
    char *p = realloc(in->buf, cap);
    if (!p)
        return BIB_ENOMEM;
    in->buf = p;
    in->cap = cap;
    return 0;
}

static void report_errno(bib_input *in, const char *what)
{
    bib_diag_report(in->diag, BIB_SEV_ERROR, in->name, 0, 0, "%s: %s", what, strerror(errno));
}

/* Appends up to about `want` bytes of converted text at in->end. Returns
 * bytes added (0 at end of source) or a negative status. */
static ssize_t fill_once(bib_input *in, size_t want)
{
    if (in->src_eof)
        return 0;
    if (want < 4096)
        want = 4096;
    size_t raw = want;
    if (in->conv == CONV_LATIN1 || in->conv == CONV_CP1252)
        raw = want / 3 + 1;
    else if (in->conv != CONV_NONE)
        raw = want / 2 + 2;
    if (raw > DEFAULT_BUFSIZE)
        raw = DEFAULT_BUFSIZE;
    size_t room = in->conv == CONV_NONE ? raw : raw * 3 + 8;
    if (ensure_cap(in, in->end + room))
        return BIB_ENOMEM;
    if (in->conv == CONV_NONE) {
        ssize_t r = raw_read(in, (unsigned char *)in->buf + in->end, raw);
        if (r < 0) {
            report_errno(in, "read error");
            return BIB_EIO;
        }
        if (r == 0)
            in->src_eof = true;
        in->end += (size_t)r;
        return r;
    }
    unsigned char tmp[DEFAULT_BUFSIZE];
    ssize_t r = raw_read(in, tmp, raw);
    if (r < 0) {
        report_errno(in, "read error");
        return BIB_EIO;
    }
    if (r == 0)
        in->src_eof = true;
    size_t o;
    if (in->conv == CONV_UTF16LE || in->conv == CONV_UTF16BE)
        o = conv_utf16(in, tmp, (size_t)r, in->buf + in->end, r == 0);
    else
        o = conv_8bit(in->conv, tmp, (size_t)r, in->buf + in->end);
    in->end += o;
    return r == 0 ? 0 : (ssize_t)(o ? o : 1); /* >0 while the source gives bytes */
}

/* Switches the input to UTF-16 conversion, converting the buffered raw
 * bytes after the first `skip` (a BOM). */
static int switch_utf16(bib_input *in, conv_mode m, size_t skip)
{
    const unsigned char *p = (const unsigned char *)in->buf + in->start;
    size_t rawn = in->end - in->start - skip;
    unsigned char *raw = malloc(rawn ? rawn : 1);
    if (!raw)
        return BIB_ENOMEM;
    memcpy(raw, p + skip, rawn);
    in->conv = m;
    in->start = in->end = in->col_mark = 0;
    if (ensure_cap(in, rawn * 2 + 8)) {
        free(raw);
        return BIB_ENOMEM;
    }
    in->end = conv_utf16(in, raw, rawn, in->buf, false);
    free(raw);
    return 0;
}

#define SNIFF_SIZE 4096

/* UTF-16 without a BOM, told by its NUL bytes as RFC 8259 tells JSON's
 * encodings: text in a Latin script has a NUL in (nearly) every other
 * byte, on the odd side for LE, the even side for BE, while UTF-8 text has
 * none (a stray NUL or two in an 8-bit file must not count, hence the
 * proportions). Returns the guess or CONV_NONE. */
static conv_mode sniff_utf16(const unsigned char *p, size_t n)
{
    if (n > SNIFF_SIZE)
        n = SNIFF_SIZE;
    size_t pairs = n / 2, zeven = 0, zodd = 0;
    if (pairs < 2)
        return CONV_NONE;
    for (size_t i = 0; i < pairs * 2; i += 2) {
        zeven += p[i] == 0;
        zodd += p[i + 1] == 0;
    }
    if (zodd * 2 >= pairs && zeven * 16 <= zodd)
        return CONV_UTF16LE;
    if (zeven * 2 >= pairs && zodd * 16 <= zeven)
        return CONV_UTF16BE;
    return CONV_NONE;
}

/* Looks at the first bytes once for a BOM, or for UTF-16 without one. */
static int start(bib_input *in)
{
    in->started = true;
    while (in->end - in->start < SNIFF_SIZE && !in->src_eof) {
        ssize_t r = fill_once(in, SNIFF_SIZE);
        if (r < 0)
            return (int)r;
    }
    const unsigned char *p = (const unsigned char *)in->buf + in->start;
    size_t n = in->end - in->start;
    conv_mode guess;
    if (n >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
        in->start += 3; /* BOM is not text: not counted in columns */
        in->col_mark = in->start;
        in->bom = true;
    } else if (n >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF))) {
        if (switch_utf16(in, p[0] == 0xFF ? CONV_UTF16LE : CONV_UTF16BE, 2))
            return BIB_ENOMEM;
        bib_diag_report(in->diag, BIB_SEV_NOTE, in->name, 0, 0,
                        "input is UTF-16%s (byte order mark), converted to UTF-8",
                        in->conv == CONV_UTF16LE ? "LE" : "BE");
    } else if ((guess = sniff_utf16(p, n)) != CONV_NONE) {
        if (switch_utf16(in, guess, 0))
            return BIB_ENOMEM;
        /* a warning: a guess, and check must not call such a file clean */
        bib_diag_report(in->diag, BIB_SEV_WARNING, in->name, 0, 0,
                        "input has no byte order mark but its NUL bytes look like "
                        "UTF-16%s; read as UTF-16%s (a guess)",
                        guess == CONV_UTF16LE ? "LE" : "BE", guess == CONV_UTF16LE ? "LE" : "BE");
    }
    memset(in->buf + in->end, 0, PAD);
    return 0;
}

/* The bound for inputs opened from now on (bib_io_set_max_value). */
static size_t default_max_value = BIB_MAX_VALUE_DEFAULT;

void bib_io_set_max_value(size_t n)
{
    default_max_value = n ? n : BIB_MAX_VALUE_DEFAULT;
}

static bib_input *input_new(const char *name, bib_diag *diag)
{
    bib_input *in = calloc(1, sizeof *in);
    if (!in)
        return NULL;
    in->fd = -1;
    in->line = 1;
    in->col = 1;
    in->diag = diag;
    in->bufsize = test_bufsize ? test_bufsize : DEFAULT_BUFSIZE;
    in->max_value = default_max_value;
    in->name = strdup(name ? name : "<input>");
    if (!in->name || ensure_cap(in, in->bufsize)) {
        free(in->name);
        free(in->buf);
        free(in);
        return NULL;
    }
    memset(in->buf, 0, PAD);
    return in;
}

bib_input *bib_input_open_file(const char *path, bib_diag *diag)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        bib_diag_report(diag, BIB_SEV_ERROR, path, 0, 0, "cannot open: %s", strerror(errno));
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
        bib_diag_report(diag, BIB_SEV_ERROR, path, 0, 0, "cannot read: is a directory");
        close(fd);
        return NULL;
    }
    bib_input *in = input_new(path, diag);
    if (!in) {
        close(fd);
        return NULL;
    }
    in->fd = fd;
    in->own_fd = true;
    return in;
}

bib_input *bib_input_open_fd(int fd, const char *name, bib_diag *diag)
{
    bib_input *in = input_new(name, diag);
    if (in)
        in->fd = fd;
    return in;
}

bib_input *bib_input_open_memory(const void *data, size_t len, const char *name, bib_diag *diag)
{
    bib_input *in = input_new(name, diag);
    if (!in)
        return NULL;
    in->mem = data ? data : (const unsigned char *)"";
    in->memlen = data ? len : 0;
    return in;
}

bib_input *bib_input_open_piece(char *data, size_t len, const char *name, bib_diag *diag,
                                size_t line, uint64_t offset)
{
    bib_input *in = calloc(1, sizeof *in);
    if (!in || !(in->name = strdup(name ? name : "<input>"))) {
        free(in);
        return NULL;
    }
    in->fd = -1;
    in->col = 1;
    in->diag = diag;
    in->bufsize = test_bufsize ? test_bufsize : DEFAULT_BUFSIZE;
    in->max_value = default_max_value;
    /* the whole piece is the window from the start, its PAD NUL bytes
     * the caller's: nothing is read, so nothing is copied or grown */
    in->borrowed = true;
    in->buf = data;
    in->cap = len + PAD;
    in->end = len;
    in->mem = (const unsigned char *)data;
    in->memlen = in->mempos = len;
    in->src_eof = true;
    bib_input_set_piece(in, line, offset);
    return in;
}

void bib_input_set_piece(bib_input *in, size_t line, uint64_t offset)
{
    in->piece = true;
    in->started = true;
    in->line = line ? line : 1;
    in->offset = offset;
}

int bib_input_file_fd(const bib_input *in) { return in->own_fd ? in->fd : -1; }

bool bib_input_converted(const bib_input *in) { return in->conv != CONV_NONE || in->bom; }

void bib_input_free(bib_input *in)
{
    if (!in)
        return;
    if (in->own_fd && in->fd >= 0)
        close(in->fd);
    if (!in->borrowed)
        free(in->buf);
    free(in->name);
    free(in);
}

const char *bib_input_name(const bib_input *in) { return in->name; }
bib_diag *bib_input_diag(const bib_input *in) { return in->diag; }

size_t bib_input_max_value(const bib_input *in) { return in->max_value; }

size_t bib_input_grow(const bib_input *in, size_t have)
{
    size_t m = in->max_value;
    if (have >= m)
        return m + 1;
    size_t want = have < 4096 ? 8192 : have > SIZE_MAX / 2 ? SIZE_MAX : have * 2;
    return want < m ? want : m;
}

void bib_input_set_max_value(bib_input *in, size_t n)
{
    in->max_value = n ? n : BIB_MAX_VALUE_DEFAULT;
}

void bib_input_report_too_long(bib_input *in, size_t line, size_t column, const char *what)
{
    size_t m = in->max_value;
    bool mib = m % (1024 * 1024) == 0;
    bib_input_report(in, BIB_SEV_ERROR, line, column,
                     "%s longer than %zu %s (the bound; raise it with --max-value=SIZE)", what,
                     mib ? m / (1024 * 1024) : m, mib ? "MiB" : "bytes");
}

/* Past the bound: reports it at the window start, then drops the rest of
 * that line without buffering it (memory stays at the bound), so the reader
 * resumes at the next line and skips the record. A line that goes on for
 * 16 bounds more (1 GiB by default: /dev/zero) ends the input, said so: an
 * endless line must not mean an endless run. */
static int over_bound(bib_input *in, const char *what)
{
    bib_input_report_too_long(in, in->line, current_col(in), what);
    uint64_t give_up = in->offset + (in->end - in->start) + 16 * (uint64_t)in->max_value;
    for (;;) {
        if (in->offset >= give_up) {
            bib_input_report(in, BIB_SEV_ERROR, in->line, current_col(in),
                             "still no line end: the rest of the input is not read");
            settle_col(in);
            in->start = in->end = in->col_mark = 0;
            in->src_eof = true;
            break;
        }
        size_t n = in->end - in->start;
        const char *d = in->buf + in->start;
        size_t i = 0;
        while (i < n && d[i] != '\n' && d[i] != '\r')
            i++;
        if (i < n) {
            bib_input_consume(in, i + 1); /* "\r\n": the "\n" left is pending_cr's */
            break;
        }
        bib_input_consume(in, n);
        settle_col(in);
        in->start = in->end = in->col_mark = 0;
        if (in->src_eof)
            break;
        ssize_t r = fill_once(in, in->bufsize);
        if (r < 0)
            return (int)r;
    }
    memset(in->buf + in->end, 0, PAD);
    return BIB_EPARSE;
}

/* After a compaction, the buffer of unconverted input at four reads
 * (bib_input_trim keeps that size), so that bib_input_window can read on
 * behind the window a few times before it moves the window's bytes to the
 * front again. A failed realloc keeps the smaller buffer: only costlier. */
static void widen(bib_input *in)
{
    size_t target = 4 * (in->bufsize + PAD);
    if (in->cap >= target || in->borrowed || in->conv != CONV_NONE)
        return;
    char *p = realloc(in->buf, target);
    if (p) {
        in->buf = p;
        in->cap = target;
    }
}

/* bib_input_window's reading, compacting and bound: out of line, so that
 * a window that is there already (most calls) costs a few loads */
static __attribute__((noinline)) int window_fill(bib_input *in, size_t min, const char **data,
                                                size_t *len)
{
    if (!in->started) {
        int rc = start(in);
        if (rc)
            return rc;
    }
    /* a request past the bound is met up to one byte past it: an error
     * only when the input really holds that much (a large window asked near
     * the end of a short input, or under a small --max-value, gets what
     * there is) */
    bool past = min > in->max_value;
    if (past)
        min = in->max_value + 1;
    size_t have = in->end - in->start;
    if ((have < min || have == 0) && !in->src_eof) {
        /* compact so the window starts at 0, then read until satisfied;
         * not while the buffer has room after its end for all the reads
         * below can add (unconverted bytes: at most what is missing plus
         * one read): the reads and so the window are the same either way,
         * and a reader that asks for a large window at every record (the
         * BibTeX reader's 64 KiB) moved each byte of its input once */
        size_t add = (min > have ? min - have : 0) + DEFAULT_BUFSIZE;
        bool in_place = in->conv == CONV_NONE && !in->borrowed && in->cap - in->end >= add + PAD;
        if (in->start && !in_place) {
            settle_col(in);
            memmove(in->buf, in->buf + in->start, have);
            in->end = have;
            in->start = in->col_mark = 0;
            widen(in);
        }
        if (min > in->bufsize && ensure_cap(in, in->start + min))
            return BIB_ENOMEM;
        while ((in->end - in->start < min || in->end == in->start) && !in->src_eof) {
            size_t now = in->end - in->start;
            size_t want = min > now ? min - now : in->bufsize;
            if (want < in->bufsize)
                want = in->bufsize;
            ssize_t r = fill_once(in, want);
            if (r < 0)
                return (int)r;
            if (min == 0 && in->end > in->start)
                break;
        }
        memset(in->buf + in->end, 0, PAD);
    }
    if (past && in->end - in->start > in->max_value)
        return over_bound(in, "line or value");
    *data = in->buf + in->start;
    *len = in->end - in->start;
    return 0;
}

int bib_input_window(bib_input *in, size_t min, const char **data, size_t *len)
{
    size_t have = in->end - in->start;
    if (have >= min && have && min <= in->max_value && in->started) {
        *data = in->buf + in->start;
        *len = have;
        return 0;
    }
    return window_fill(in, min, data, len);
}

/* Code points in p[0..n): the bytes that are not UTF-8 continuation
 * bytes, sixteen at a time with SSE2 (a CSL-JSON item is one long line:
 * a column asked for inside it counts from that line's start). */
static size_t code_points(const unsigned char *p, size_t n)
{
    size_t c = 0, i = 0;
#if defined(__x86_64__) && defined(__SSE2__)
    /* continuation bytes 0x80-0xBF are the signed bytes below -64 */
    const __m128i lim = _mm_set1_epi8(-64), zero = _mm_setzero_si128();
    while (n - i >= 16) {
        /* per byte lane, a count of continuation bytes (at most 255
         * blocks, so no lane wraps), summed by _mm_sad_epu8: popcount is
         * not in the baseline x86-64 (it was a libgcc call per block) */
        size_t blocks = (n - i) / 16 < 255 ? (n - i) / 16 : 255;
        __m128i acc = zero;
        for (size_t b = 0; b < blocks; b++, i += 16) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
            acc = _mm_sub_epi8(acc, _mm_cmplt_epi8(x, lim));
        }
        __m128i sum = _mm_sad_epu8(acc, zero);
        size_t cont = (size_t)_mm_cvtsi128_si32(sum) +
                      (size_t)_mm_cvtsi128_si32(_mm_srli_si128(sum, 8));
        c += 16 * blocks - cont;
    }
#endif
    for (; i < n; i++)
        c += (p[i] & 0xC0) != 0x80;
    return c;
}

/* Advances line/column over p[0..n) byte by byte: the general case, with
 * CR and CRLF line ends (and for positions inside the window). */
static void track(size_t *line, size_t *col, bool *pending_cr, const unsigned char *p, size_t n)
{
    size_t l = *line, c = *col;
    bool cr = *pending_cr;
    for (size_t i = 0; i < n; i++) {
        unsigned char ch = p[i];
        if (ch == '\n') {
            if (!cr) {
                l++;
                c = 1;
            }
            cr = false;
        } else if (ch == '\r') {
            l++;
            c = 1;
            cr = true;
        } else {
            cr = false;
            if ((ch & 0xC0) != 0x80)
                c++;
        }
    }
    *line = l;
    *col = c;
    *pending_cr = cr;
}

static size_t current_col(const bib_input *in)
{
    return in->col + code_points((const unsigned char *)in->buf + in->col_mark,
                                 in->start - in->col_mark);
}

/* Counts the pending columns in, before the bytes before start go. */
static void settle_col(bib_input *in)
{
    in->col = current_col(in);
    in->col_mark = in->start;
}

/* The offset of the last "\n" in p[0..n), which holds one: backwards
 * sixteen bytes a step with SSE2 over the last line only (a CSL-JSON
 * item is one long line). */
static size_t last_lf(const unsigned char *p, size_t n)
{
    size_t j = n;
#if defined(__x86_64__) && defined(__SSE2__)
    const __m128i lf = _mm_set1_epi8('\n');
    for (; j >= 16; j -= 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + j - 16));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, lf));
        if (m)
            return j - 16 + (size_t)(31 - __builtin_clz(m));
    }
#endif
    while (p[j - 1] != '\n')
        j--;
    return j - 1;
}

/* Line ends in p[0..n) when it holds no "\r": their number, and in *last
 * the offset past the last one (untouched when none). false when a "\r"
 * is there (the caller then goes byte by byte). One pass without a branch
 * per line, sixteen bytes a step with SSE2 (memchr per line cost a call
 * per short BibTeX line), then last_lf for the last line's start. */
static bool count_lf(const unsigned char *p, size_t n, size_t *lines, size_t *last)
{
    size_t i = 0, k = 0;
#if defined(__x86_64__) && defined(__SSE2__)
    const __m128i lf = _mm_set1_epi8('\n'), crv = _mm_set1_epi8('\r'), zero = _mm_setzero_si128();
    __m128i anycr = zero;
    while (n - i >= 16) {
        /* per byte lane a count of line ends, at most 255 blocks so no lane
         * wraps, summed by _mm_sad_epu8 (as code_points does) */
        size_t blocks = (n - i) / 16 < 255 ? (n - i) / 16 : 255;
        __m128i acc = zero;
        size_t b = 0;
        for (; b + 2 <= blocks; b += 2, i += 32) { /* two a step: less loop per byte */
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
            __m128i y = _mm_loadu_si128((const __m128i *)(const void *)(p + i + 16));
            acc = _mm_sub_epi8(acc, _mm_add_epi8(_mm_cmpeq_epi8(x, lf), _mm_cmpeq_epi8(y, lf)));
            anycr = _mm_or_si128(anycr, _mm_or_si128(_mm_cmpeq_epi8(x, crv), _mm_cmpeq_epi8(y, crv)));
        }
        if (b < blocks) {
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + i));
            acc = _mm_sub_epi8(acc, _mm_cmpeq_epi8(x, lf));
            anycr = _mm_or_si128(anycr, _mm_cmpeq_epi8(x, crv));
            i += 16;
        }
        __m128i sum = _mm_sad_epu8(acc, zero);
        k += (size_t)_mm_cvtsi128_si32(sum) + (size_t)_mm_cvtsi128_si32(_mm_srli_si128(sum, 8));
    }
    if (_mm_movemask_epi8(anycr))
        return false;
    if (n >= 16 && i < n) {
        /* the last bytes in one block that overlaps those counted */
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(p + n - 16));
        unsigned skip = (unsigned)(16 - (n - i));
        if ((unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, crv)) >> skip)
            return false;
        k += (size_t)__builtin_popcount((unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(x, lf)) >> skip);
        i = n;
    }
#endif
    for (; i < n; i++) {
        if (p[i] == '\n')
            k++;
        else if (p[i] == '\r')
            return false;
    }
    if (k)
        *last = last_lf(p, n) + 1;
    *lines = k;
    return true;
}

void bib_input_consume(bib_input *in, size_t n)
{
    size_t have = in->end - in->start;
    if (n > have)
        n = have;
    const unsigned char *p = (const unsigned char *)in->buf + in->start;
    size_t lines = 0, last = SIZE_MAX;
    if (!in->pending_cr && count_lf(p, n, &lines, &last)) {
        /* the common case: the column waits until asked for */
        in->line += lines;
        if (last != SIZE_MAX) {
            in->col = 1;
            in->col_mark = in->start + last;
        }
    } else {
        settle_col(in);
        track(&in->line, &in->col, &in->pending_cr, p, n);
        in->col_mark = in->start + n;
    }
    in->start += n;
    in->offset += n;
    in->consumed = true;
}

void bib_input_consume_lines(bib_input *in, size_t n, size_t lines)
{
    /* whole LF lines from a reader that counted them: the position is
     * what bib_input_consume's count would make it (line + lines, column
     * 1 at the start), without that pass over the bytes; anything else
     * goes the counting way */
    if (in->pending_cr || !n || !lines || n > in->end - in->start ||
        in->buf[in->start + n - 1] != '\n') {
        bib_input_consume(in, n);
        return;
    }
    in->line += lines;
    in->col = 1;
    in->start += n;
    in->col_mark = in->start;
    in->offset += n;
    in->consumed = true;
}

/* A reader's count of the line ends in p[0..n) that is not track's: a bug
 * in the reader, which would move every position after it. Checked only
 * under the test read size (tests and fuzzers): the count is one pass
 * over the bytes, which is what bib_input_consume_counted saves. */
static void check_counted(const bib_input *in, const unsigned char *p, size_t n, size_t lines)
{
    size_t l = 0, c = 1;
    bool cr = false;
    track(&l, &c, &cr, p, n);
    if (l != lines) {
        fprintf(stderr, "%s: bib_input_consume_counted: %zu line ends counted in %zu bytes "
                        "at offset %llu, %zu there\n",
                in->name, lines, n, (unsigned long long)in->offset, l);
        fflush(stderr); /* buffered when not a terminal (main.c) */
        abort();
    }
}

void bib_input_consume_counted(bib_input *in, size_t n, size_t lines)
{
    if (in->pending_cr || n > in->end - in->start) {
        bib_input_consume(in, n);
        return;
    }
    const unsigned char *p = (const unsigned char *)in->buf + in->start;
    if (test_bufsize)
        check_counted(in, p, n, lines);
    if (lines) {
        /* the column starts after the last line end: most entries end
         * with one, or a short closing line after it */
        size_t j = n;
        while (j && p[j - 1] != '\n' && p[j - 1] != '\r')
            j--;
        in->col = 1;
        in->col_mark = in->start + j;
        in->pending_cr = p[n - 1] == '\r';
        in->line += lines;
    }
    in->start += n;
    in->offset += n;
    in->consumed = true;
}

void bib_input_trim(bib_input *in)
{
    size_t have = in->end - in->start, small = in->bufsize + PAD;
    if (in->cap <= 4 * small || have + PAD > small || in->borrowed)
        return;
    char *p = malloc(small);
    if (!p)
        return; /* keeping the large buffer is correct, only costlier */
    settle_col(in);
    memcpy(p, in->buf + in->start, have);
    memset(p + have, 0, PAD);
    free(in->buf);
    in->buf = p;
    in->cap = small;
    in->start = in->col_mark = 0;
    in->end = have;
}

/* The first "\n" or "\r" in [p, e), or e. The first 64 bytes in one
 * pass, sixteen a step: two memchr calls cost more on lines of a few
 * dozen bytes (RIS, MEDLINE); past them, memchr's wider steps win. */
static const char *first_eol(const char *p, const char *e)
{
#if defined(__x86_64__) && defined(__SSE2__)
    const __m128i lf = _mm_set1_epi8('\n'), cr = _mm_set1_epi8('\r');
    for (int k = 0; k < 4 && e - p >= 16; k++, p += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)p);
        unsigned m = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(x, lf), _mm_cmpeq_epi8(x, cr)));
        if (m)
            return p + __builtin_ctz(m);
    }
#endif
    const char *nl = memchr(p, '\n', (size_t)(e - p));
    const char *cr1 = memchr(p, '\r', (size_t)((nl ? nl : e) - p));
    return cr1 ? cr1 : nl ? nl : e;
}

int bib_input_getline(bib_input *in, const char **line, size_t *len)
{
    const char *d;
    size_t n, scanned = 0;
    int rc;
    for (;;) {
        if (in->started && in->end > in->start) {
            /* bytes are buffered: the window as bib_input_window(in, 0)
             * would give it, without a call per line */
            d = in->buf + in->start;
            n = in->end - in->start;
        } else if ((rc = bib_input_window(in, 0, &d, &n))) {
            return rc;
        } else if (n == 0) {
            return 0;
        }
        /* a "\n" right after a consumed lone "\r" belongs to that line end */
        if (in->pending_cr && d[0] == '\n') {
            bib_input_consume(in, 1);
            continue;
        }
        const char *e = d + n;
        /* the first "\n" or "\r" (the line readers' hot path) */
        const char *p = first_eol(d + scanned, e);
        /* a line longer than the bound is an error even when it came
         * whole in one window: whether it did depends on where the
         * windows fell (-j cuts them elsewhere) */
        if ((size_t)(p - d) > in->max_value)
            return over_bound(in, "line");
        if (p < e && (*p == '\n' || p + 1 < e || in->src_eof)) {
            size_t llen = (size_t)(p - d);
            size_t term = (*p == '\r' && p + 1 < e && p[1] == '\n') ? 2 : 1;
            in->last_line = in->line;
            in->buf[in->start + llen] = '\0';
            in->start += llen + term;
            in->offset += llen + term;
            in->line++;
            in->col = 1;
            in->col_mark = in->start;
            in->pending_cr = false;
            in->consumed = true;
            *line = d;
            *len = llen;
            return 1;
        }
        if (p == e && in->src_eof) { /* last line without a terminator */
            in->last_line = in->line;
            settle_col(in);
            in->start += n;
            in->offset += n;
            in->col += bib_utf8_length(d, n);
            in->col_mark = in->start;
            in->consumed = true;
            *line = d;
            *len = n;
            return 1;
        }
        /* need more bytes: remember how far we looked */
        scanned = (size_t)(p - d);
        if (n + 1 > in->max_value)
            return over_bound(in, "line");
        rc = bib_input_window(in, n + 1, &d, &n);
        if (rc)
            return rc;
    }
}

size_t bib_input_last_line(const bib_input *in) { return in->last_line; }

bool bib_input_eof(bib_input *in)
{
    const char *d;
    size_t n = 0; /* set when the window succeeds; gcc -O2 cannot tell */
    if (bib_input_window(in, 0, &d, &n))
        return true;
    return n == 0;
}

size_t bib_input_line(const bib_input *in) { return in->line; }
size_t bib_input_column(const bib_input *in) { return current_col(in); }
uint64_t bib_input_offset(const bib_input *in) { return in->offset; }

void bib_input_position_of(const bib_input *in, const char *p, size_t *line, size_t *column)
{
    size_t l = in->line, c = current_col(in);
    bool cr = in->pending_cr;
    const char *w = in->buf + in->start;
    if (p >= w && p <= in->buf + in->end)
        track(&l, &c, &cr, (const unsigned char *)w, (size_t)(p - w));
    if (line)
        *line = l;
    if (column)
        *column = c;
}

int bib_input_set_encoding(bib_input *in, bib_encoding enc)
{
    if (in->piece) /* the whole input's encoding was settled at its start */
        return 0;
    if (in->consumed)
        return BIB_EINVAL;
    if (!in->started) {
        int rc = start(in);
        if (rc)
            return rc;
    }
    if (in->conv == CONV_UTF16LE || in->conv == CONV_UTF16BE || enc == BIB_ENC_UTF8)
        return 0; /* a BOM is stronger evidence than any request */
    conv_mode m = enc == BIB_ENC_LATIN1 ? CONV_LATIN1 : CONV_CP1252;
    if (enc == BIB_ENC_DETECT) {
        const char *d;
        size_t n;
        /* the sample stays within the bound: a small --max-value must
         * not turn the sample itself into a line past the bound */
        size_t want = DETECT_SIZE < in->max_value ? DETECT_SIZE : in->max_value;
        int rc = bib_input_window(in, want, &d, &n);
        if (rc)
            return rc;
        /* ignore a multi-byte sequence cut by the end of the sample */
        size_t k = n;
        if (!in->src_eof) {
            size_t back = 0;
            while (back < 3 && k > 0 && ((unsigned char)d[k - 1] & 0xC0) == 0x80) {
                k--;
                back++;
            }
            if (k > 0 && (unsigned char)d[k - 1] >= 0xC0)
                k--;
        }
        if (bib_utf8_valid(d, k))
            return 0;
        bib_diag_report(in->diag, BIB_SEV_WARNING, in->name, 0, 0,
                        "input is not valid UTF-8; reading it as Windows-1252 (Latin-1)");
    }
    /* convert the buffered bytes, then switch the source conversion on */
    size_t n = in->end - in->start;
    char *conv = malloc(n * 3 + PAD);
    if (!conv)
        return BIB_ENOMEM;
    size_t o = conv_8bit(m, (const unsigned char *)in->buf + in->start, n, conv);
    if (ensure_cap(in, o)) {
        free(conv);
        return BIB_ENOMEM;
    }
    memcpy(in->buf, conv, o);
    free(conv);
    in->start = in->col_mark = 0;
    in->end = o;
    memset(in->buf + in->end, 0, PAD);
    in->conv = m;
    return 0;
}

void bib_input_report(bib_input *in, bib_severity sev, size_t line, size_t column,
                      const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bib_diag_vreport(in->diag, sev, in->name, line, column, UINT64_MAX, fmt, ap);
    va_end(ap);
}
