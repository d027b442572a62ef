/* SPDX-License-Identifier: MIT */
/*
 * output.c - bib_output (buffered, sticky error, atomic commit through a
 * temporary file and rename; or a memory buffer). Split from io.c, which
 * keeps bib_input.
 */
#define _GNU_SOURCE /* sync_file_range */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bibconv/buf.h"
#include "bibconv/io.h"

#define OUTBUF (64 * 1024)

struct bib_output {
    int fd;
    bool own_fd;
    bool memory;
    bib_buf mem;
    bib_buf *into; /* memory: where the bytes go (&mem unless borrowed) */
    char *path, *tmppath;
    char *name;
    bib_diag *diag;
    char *buf;
    size_t n;
    int err;
    uint64_t bytes;
    uint64_t put, kicked; /* bytes written to fd; those handed to writeback */
    bool committed;
};

/* memory: the bytes go to a bib_buf, appended as they come (no staging
 * buffer: -j's pieces write into one each, and a second copy of every
 * piece cost more than the calls it saved) */
static bib_output *output_new(const char *name, bib_diag *diag, bool memory)
{
    bib_output *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->fd = -1;
    o->diag = diag;
    o->memory = memory;
    bib_buf_init(&o->mem);
    o->into = &o->mem;
    o->name = strdup(name);
    o->buf = memory ? NULL : malloc(OUTBUF);
    if (!o->name || (!memory && !o->buf)) {
        free(o->name);
        free(o->buf);
        free(o);
        return NULL;
    }
    return o;
}

/* A target that is not a regular file (a device such as /dev/null, a FIFO)
 * cannot be replaced by rename(), which would put a regular file in its
 * place: it is written directly, and so not atomically. */
static bib_output *open_special(bib_output *o, const char *path)
{
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        bib_diag_report(o->diag, BIB_SEV_ERROR, path, 0, 0, "cannot open output: %s",
                        strerror(errno));
        bib_output_free(o);
        return NULL;
    }
    o->fd = fd;
    o->own_fd = true;
    return o;
}

bib_output *bib_output_open_file(const char *path, bib_diag *diag)
{
    bib_output *o = output_new(path, diag, false);
    if (!o)
        return NULL;
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
        return open_special(o, path);
    /* through a symbolic link, the file it names is replaced, and the link
     * kept (renaming onto the link would replace the link itself) */
    char *real = realpath(path, NULL);
    if (real)
        path = real;
    o->path = strdup(path);
    char *dup = strdup(path);
    size_t tl = strlen(path) + 32;
    o->tmppath = malloc(tl);
    if (!o->path || !dup || !o->tmppath) {
        free(dup);
        free(real);
        bib_output_free(o);
        return NULL;
    }
    /* the temporary file sits beside the target so rename() is atomic */
    const char *dir = dirname(dup);
    char *base = strrchr(path, '/');
    snprintf(o->tmppath, tl, "%s/.%s.XXXXXX", dir, base ? base + 1 : path);
    free(dup);
    int fd = mkstemp(o->tmppath);
    if (fd < 0) {
        bib_diag_report(diag, BIB_SEV_ERROR, o->name, 0, 0, "cannot create output: %s",
                        strerror(errno));
        free(o->tmppath);
        o->tmppath = NULL;
        bib_output_free(o);
        free(real);
        return NULL;
    }
    mode_t mode;
    if (stat(path, &st) == 0) {
        mode = st.st_mode & 07777;
        /* the replacement keeps the old file's owner and group where we may
         * set them (root, or a group we are in); failing that it is ours,
         * as with any editor that saves by rename */
        if (fchown(fd, st.st_uid, st.st_gid) != 0)
            (void)!fchown(fd, (uid_t)-1, st.st_gid);
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    (void)fchmod(fd, mode);
    free(real);
    o->fd = fd;
    o->own_fd = true;
    return o;
}

bib_output *bib_output_open_fd(int fd, const char *name, bib_diag *diag)
{
    bib_output *o = output_new(name, diag, false);
    if (o)
        o->fd = fd;
    return o;
}

bib_output *bib_output_open_memory(bib_diag *diag)
{
    return output_new("<memory>", diag, true);
}

bib_output *bib_output_open_buffer(bib_buf *into, const char *name, bib_diag *diag)
{
    bib_output *o = output_new(name, diag, true);
    if (o)
        o->into = into;
    return o;
}

enum { KICK = 8 << 20 }; /* bytes between two writeback starts */

/* Starts the writeback of what a file output written through a temporary
 * file holds so far, without waiting for it: the fsync of the commit then
 * waits for the last few MiB only, not for the whole file (87 MB of
 * CSL-JSON: 65 ms of fsync, one seventh of a -j 2 run, after the last
 * byte), and the disk works while the records are converted. Linux only;
 * elsewhere the commit's fsync does it all. */
static void kick_writeback(bib_output *o)
{
#if defined(__linux__) && defined(SYNC_FILE_RANGE_WRITE)
    if (!o->tmppath || o->put - o->kicked < KICK)
        return;
    /* a failure here only leaves the work to the fsync, which says so */
    (void)sync_file_range(o->fd, (off_t)o->kicked, (off_t)(o->put - o->kicked),
                          SYNC_FILE_RANGE_WRITE);
    o->kicked = o->put;
#else
    (void)o;
#endif
}

/* Writes p[0..n) where the output goes, past the buffer. */
static int put_through(bib_output *o, const char *p, size_t n)
{
    if (o->memory) {
        if (bib_buf_append(o->into, p, n))
            o->err = BIB_ENOMEM;
        return o->err;
    }
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(o->fd, p + off, n - off);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            /* a reader that closed its end (`| head`) wants no more: stop
             * quietly, as filters do; anything else (EFBIG under ulimit -f,
             * ENOSPC) is a system error worth a message */
            if (errno != EPIPE)
                bib_diag_report(o->diag, BIB_SEV_ERROR, o->name, 0, 0, "write error: %s",
                                strerror(errno));
            o->err = BIB_EIO;
            break;
        }
        off += (size_t)w;
    }
    o->put += off;
    kick_writeback(o);
    return o->err;
}

static int flush_buf(bib_output *o)
{
    if (o->err || !o->n)
        return o->err;
    put_through(o, o->buf, o->n);
    o->n = 0;
    return o->err;
}

int bib_output_write(bib_output *o, const void *data, size_t len)
{
    if (o->err)
        return o->err;
    o->bytes += len;
    if (o->memory)
        return put_through(o, data, len);
    if (len > OUTBUF - o->n) {
        if (flush_buf(o))
            return o->err;
        if (len >= OUTBUF) /* big block (-j: a piece): not copied twice */
            return put_through(o, data, len);
    }
    memcpy(o->buf + o->n, data, len);
    o->n += len;
    return 0;
}

int bib_output_puts(bib_output *o, const char *s)
{
    return bib_output_write(o, s, strlen(s));
}

int bib_output_putc(bib_output *o, char c)
{
    if (!o->memory && o->n < OUTBUF && !o->err) {
        o->buf[o->n++] = c;
        o->bytes++;
        return 0;
    }
    return bib_output_write(o, &c, 1);
}

int bib_output_printf(bib_output *o, const char *fmt, ...)
{
    bib_buf b = BIB_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    int rc = bib_buf_vprintf(&b, fmt, ap);
    va_end(ap);
    if (rc == 0)
        rc = bib_output_write(o, b.data, b.len);
    else
        bib_output_fail(o, rc);
    bib_buf_clear(&b);
    return rc;
}

void bib_output_fail(bib_output *o, int status)
{
    if (!o->err)
        o->err = status < 0 ? status : BIB_ERROR;
}

int bib_output_error(const bib_output *o) { return o->err; }
const char *bib_output_name(const bib_output *o) { return o->name; }
bib_diag *bib_output_diag(const bib_output *o) { return o->diag; }
uint64_t bib_output_bytes(const bib_output *o) { return o->bytes; }

void bib_output_report(bib_output *o, bib_severity sev, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    bib_diag_vreport(o->diag, sev, o->name, 0, 0, UINT64_MAX, fmt, ap);
    va_end(ap);
}

int bib_output_commit(bib_output *o)
{
    if (o->committed)
        return BIB_EINVAL;
    if (flush_buf(o))
        return o->err;
    if (o->tmppath) {
        if (fsync(o->fd) != 0 && errno != EINVAL) {
            bib_diag_report(o->diag, BIB_SEV_ERROR, o->name, 0, 0, "cannot sync output: %s",
                            strerror(errno));
            return o->err = BIB_EIO;
        }
        if (close(o->fd) != 0) {
            o->fd = -1;
            bib_diag_report(o->diag, BIB_SEV_ERROR, o->name, 0, 0, "cannot close output: %s",
                            strerror(errno));
            return o->err = BIB_EIO;
        }
        o->fd = -1;
        if (rename(o->tmppath, o->path) != 0) {
            bib_diag_report(o->diag, BIB_SEV_ERROR, o->name, 0, 0, "cannot replace output: %s",
                            strerror(errno));
            return o->err = BIB_EIO;
        }
        free(o->tmppath);
        o->tmppath = NULL;
    }
    o->committed = true;
    return 0;
}

void bib_output_free(bib_output *o)
{
    if (!o)
        return;
    if (o->own_fd && o->fd >= 0)
        close(o->fd);
    if (o->tmppath) {
        unlink(o->tmppath); /* not committed: the target stays untouched */
        free(o->tmppath);
    }
    free(o->path);
    free(o->name);
    free(o->buf);
    bib_buf_clear(&o->mem);
    free(o);
}

const char *bib_output_memory(const bib_output *o, size_t *len)
{
    if (len)
        *len = o->memory ? o->into->len : 0;
    return o->memory ? o->into->data : NULL;
}
