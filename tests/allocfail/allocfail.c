/* SPDX-License-Identifier: MIT */
/*
 * allocfail.c - fails the N-th allocation of a whole conversion, for every
 * N, and requires a clean end each time: no crash, no leak, and either an
 * error status or, when the failure was absorbed (a stdio buffer, a qsort
 * scratch array), the very output of a run without failure. A status of
 * success with other output is data lost in silence. (An error without a
 * message is not counted: core then says "plugin bug", or the command
 * exits with its system status.)
 *
 *     allocfail FROM TO FILE
 *     allocfail --registry FROM TO
 *
 * converts FILE from FROM to TO in memory, through the public calls the
 * command makes, first without failure (twice: lazy caches fill), then
 * once per N = 1, 2, ... until a run makes fewer than N allocations.
 * BIBCONV_ALLOCFAIL_FIRST / _LAST / _STEP (environment) restrict N.
 * With --registry, the same over finding the plugins, looking FROM and TO
 * up (which opens their modules) and listing every format.
 *
 * How failures reach every allocator: this program defines malloc,
 * calloc, realloc, free and the libc calls that allocate on their own
 * (strdup, strndup, the aligned ones). The executable comes first in the
 * dynamic linker's lookup order, before libc, the sanitizer runtime and
 * every library, so core, the plugins (dlopen'ed), jansson, libxml2 and
 * libyaml all call these, which pass each call on to the next definition
 * (dlsym RTLD_NEXT: libc's, or ASan's in a sanitizer build). A leak is a
 * count of live blocks that grew across a failed run, twice in a row
 * (caches are full by then, even those only an error path fills); under
 * ASan, LeakSanitizer also checks at exit.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* RTLD_NEXT */
#endif
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv.h"

/* ---- the interposer ----------------------------------------------------- */

static void *(*real_malloc)(size_t);
static void *(*real_calloc)(size_t, size_t);
static void *(*real_realloc)(void *, size_t);
static void (*real_free)(void *);
static int (*real_posix_memalign)(void **, size_t, size_t);
static void *(*real_aligned_alloc)(size_t, size_t);

static struct {
    int armed;      /* count allocations and fail the fail_at-th */
    size_t fail_at; /* 1-based; 0: never */
    size_t count;   /* allocations since arming */
    int failed;     /* the failure was injected */
    long live;      /* blocks allocated and not freed (whole process) */
} af;

/* dlsym may allocate while the pointers are being looked up: those few
 * bytes come from here and are never given back. */
static _Alignas(16) unsigned char boot[4096];
static size_t boot_used;
static int resolving;

static void *boot_alloc(size_t n)
{
    n = (n + 15) & ~(size_t)15;
    if (n > sizeof boot - boot_used)
        return NULL;
    void *p = boot + boot_used;
    boot_used += n;
    return p;
}

static int in_boot(const void *p)
{
    return (const unsigned char *)p >= boot && (const unsigned char *)p < boot + sizeof boot;
}

static void resolve(void)
{
    if (real_free || resolving)
        return;
    resolving = 1;
    *(void **)&real_malloc = dlsym(RTLD_NEXT, "malloc");
    *(void **)&real_calloc = dlsym(RTLD_NEXT, "calloc");
    *(void **)&real_realloc = dlsym(RTLD_NEXT, "realloc");
    *(void **)&real_posix_memalign = dlsym(RTLD_NEXT, "posix_memalign");
    *(void **)&real_aligned_alloc = dlsym(RTLD_NEXT, "aligned_alloc");
    *(void **)&real_free = dlsym(RTLD_NEXT, "free");
    resolving = 0;
    if (!real_malloc || !real_calloc || !real_realloc || !real_free ||
        !real_posix_memalign || !real_aligned_alloc)
        abort();
}

/* In a sanitizer build: where the failed allocation was made (traced). */
void __sanitizer_print_stack_trace(void) __attribute__((weak));
static int trace;

/* True when this allocation is the one to fail. */
static int fail_now(void)
{
    if (!af.armed)
        return 0;
    if (++af.count != af.fail_at)
        return 0;
    af.failed = 1;
    if (trace && __sanitizer_print_stack_trace)
        __sanitizer_print_stack_trace();
    errno = ENOMEM;
    return 1;
}

static void *counted(void *p)
{
    if (p)
        af.live++;
    return p;
}

void *malloc(size_t n)
{
    resolve();
    if (resolving)
        return boot_alloc(n);
    return fail_now() ? NULL : counted(real_malloc(n));
}

void *calloc(size_t k, size_t n)
{
    resolve();
    if (resolving)
        return boot_alloc(k * n); /* zeroed: static storage, never reused */
    return fail_now() ? NULL : counted(real_calloc(k, n));
}

void *realloc(void *p, size_t n)
{
    resolve();
    if (in_boot(p)) { /* moved out of the boot buffer */
        void *q = malloc(n);
        if (q)
            memcpy(q, p, n < (size_t)(boot + sizeof boot - (unsigned char *)p)
                             ? n
                             : (size_t)(boot + sizeof boot - (unsigned char *)p));
        return q;
    }
    if (!p)
        return malloc(n);
    if (n == 0) { /* glibc frees; one block fewer */
        free(p);
        return NULL;
    }
    return fail_now() ? NULL : real_realloc(p, n);
}

void free(void *p)
{
    if (!p || in_boot(p))
        return;
    resolve();
    af.live--;
    real_free(p);
}

/* strdup and strndup on malloc, not passed on: libc's would call malloc
 * (counted twice), a sanitizer's its own allocator (not counted). */
char *strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    return p ? memcpy(p, s, n) : NULL;
}

char *strndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *p = malloc(len + 1);
    if (p) {
        memcpy(p, s, len);
        p[len] = '\0';
    }
    return p;
}

int posix_memalign(void **out, size_t align, size_t n)
{
    resolve();
    if (fail_now())
        return ENOMEM;
    int rc = real_posix_memalign(out, align, n);
    if (rc == 0)
        counted(*out);
    return rc;
}

void *aligned_alloc(size_t align, size_t n)
{
    resolve();
    return fail_now() ? NULL : counted(real_aligned_alloc(align, n));
}

/* ---- the conversion --------------------------------------------------- */

/* The run's last few diagnostics, kept without allocating, for a report. */
static struct {
    char last[4][512];
    size_t n;
} said;

static void collect(const bib_diag_msg *m, void *payload)
{
    (void)payload;
    snprintf(said.last[said.n++ % 4], sizeof said.last[0], "%zu:%zu: %s", m->line, m->column,
             m->message);
}

typedef struct job {
    const bib_format_desc *from, *to;
    const char *path;
    bib_diag *diag;
} job;

typedef struct result {
    int rc;
    char *text; /* the output (copied after disarming), NULL if none */
    size_t len;
} result;

/* One whole conversion, armed to fail the fail_at-th allocation (0:
 * none). The output is copied out after disarming. */
static void convert(const job *j, size_t fail_at, result *r)
{
    memset(&said, 0, sizeof said);
    af.count = 0;
    af.failed = 0;
    af.fail_at = fail_at;
    af.armed = 1;
    int rc = BIB_ENOMEM;
    bib_output *out = bib_output_open_memory(j->diag);
    bib_writer *wr;
    if (out && (rc = bib_writer_new(&wr, j->to, out, NULL)) == 0) {
        bib_input *in = bib_input_open_file(j->path, j->diag);
        rc = in ? bib_convert_input(j->from, in, NULL, false, wr, NULL) : BIB_EIO;
        bib_input_free(in);
        int erc = bib_writer_finish(wr);
        bib_writer_free(wr);
        if (rc == 0)
            rc = erc;
        if (rc == 0)
            rc = bib_output_commit(out);
    }
    af.armed = 0;
    r->rc = rc;
    r->text = NULL;
    r->len = 0;
    size_t len;
    const char *text = out ? bib_output_memory(out, &len) : NULL;
    if (text && (r->text = malloc(len + 1))) {
        memcpy(r->text, text, len + 1);
        r->len = len;
    }
    bib_output_free(out);
}

static void print_said(void)
{
    for (size_t i = said.n > 4 ? said.n - 4 : 0; i < said.n; i++)
        fprintf(stderr, "    %s\n", said.last[i % 4]);
}

/* The verdict on run N; returns 1 when it is a finding (printed). */
static int judge(const job *j, size_t n, const result *ref, const result *r, long leaked)
{
    const char *why = NULL;
    if (leaked > 0)
        why = "blocks leaked";
    else if (r->rc == 0 && (r->len != ref->len || memcmp(r->text, ref->text, r->len)))
        why = "success, but the output differs from a run without failure";
    if (!why)
        return 0;
    fprintf(stderr, "allocfail: %s %s->%s: allocation %zu failed: %s (status %d, %ld leaked)\n",
            j->path, j->from->name, j->to->name, n, why, r->rc, leaked);
    print_said();
    if (trace && r->rc == 0) {
        size_t at = 0;
        while (at < r->len && at < ref->len && r->text[at] == ref->text[at])
            at++;
        size_t from = at > 80 ? at - 80 : 0;
        fprintf(stderr, "  expected: %.160s\n  got:      %.160s\n", ref->text + from,
                r->text + from);
    }
    return 1;
}

static size_t env_size(const char *name, size_t dflt)
{
    const char *v = getenv(name);
    return v && *v ? (size_t)strtoull(v, NULL, 10) : dflt;
}

/* The registry under failure: scan, look FROM and TO up (each opens its
 * module, docs/plugin-guide.md, "Index files"), list every format, free.
 * Returns the formats found (FROM, TO, count) in *found; the allocations
 * made in af.count. */
static void registry_run(const char *from, const char *to, size_t fail_at, bib_diag *diag,
                         size_t found[3])
{
    memset(&said, 0, sizeof said);
    af.count = 0;
    af.failed = 0;
    af.fail_at = fail_at;
    af.armed = 1;
    found[0] = found[1] = found[2] = 0;
    bib_registry *reg = bib_registry_new(diag);
    if (reg && bib_registry_load(reg, 0) >= 0) {
        const bib_format_desc *f = bib_registry_find(reg, from);
        const bib_format_desc *t = bib_registry_find(reg, to);
        found[0] = f && strcmp(f->name, from) == 0;
        found[1] = t && strcmp(t->name, to) == 0;
        size_t n = bib_registry_count(reg);
        for (size_t i = 0; i < n; i++) /* every entry a real format */
            found[2] += bib_registry_at(reg, i) != NULL && bib_registry_at(reg, i)->name[0];
    }
    bib_registry_free(reg);
    af.armed = 0;
}

/* allocfail --registry FROM TO: every allocation of registry_run failed
 * in turn; no crash, no leak, and a run that did not fail finds what
 * the reference run found. */
static int registry_mode(const char *from, const char *to, bib_diag *diag)
{
    size_t ref[3], got[3];
    registry_run(from, to, 0, diag, ref); /* the libraries stay mapped: caches */
    registry_run(from, to, 0, diag, ref);
    size_t total = af.count, findings = 0;
    if (!ref[0] || !ref[1] || !ref[2]) {
        fprintf(stderr, "allocfail: the registry has no %s or %s\n", from, to);
        return 1;
    }
    for (size_t n = 1; n <= total; n++) {
        long before = af.live;
        registry_run(from, to, n, diag, got);
        long leaked = af.live - before;
        if (leaked > 0) { /* a cache that only an error path fills: again */
            before = af.live;
            registry_run(from, to, n, diag, got);
            leaked = af.live - before;
        }
        const char *why = leaked > 0 ? "blocks leaked"
                          : !af.failed && memcmp(got, ref, sizeof got) ? "no failure, other formats"
                          : NULL;
        if (why) {
            findings++;
            fprintf(stderr, "allocfail: registry %s, %s: allocation %zu failed: %s (%ld leaked)\n",
                    from, to, n, why, leaked);
            print_said();
        }
    }
    printf("registry %s, %s: %zu allocations, %zu runs, %zu findings\n", from, to, total, total,
           findings);
    return findings ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--registry") == 0) {
        bib_diag *diag = bib_diag_new();
        bib_diag_set_callback(diag, collect, NULL);
        int rc = registry_mode(argv[2], argv[3], diag);
        bib_diag_free(diag);
        return rc;
    }
    if (argc != 4) {
        fprintf(stderr, "usage: allocfail FROM TO FILE | allocfail --registry FROM TO\n");
        return 2;
    }
    bib_diag *diag = bib_diag_new();
    bib_registry *reg = bib_registry_new(diag);
    if (!reg || bib_registry_load(reg, 0) < 0)
        return 1;
    bib_diag_set_callback(diag, collect, NULL);
    job j = {bib_registry_find(reg, argv[1]), bib_registry_find(reg, argv[2]), argv[3], diag};
    if (!j.from || !j.from->reader || !j.to || !j.to->writer) {
        fprintf(stderr, "allocfail: no reader for %s or no writer for %s\n", argv[1], argv[2]);
        return 1;
    }
    result ref;
    convert(&j, 0, &ref); /* fills lazy caches */
    free(ref.text);
    convert(&j, 0, &ref);
    size_t total = af.count;
    if (ref.rc < 0 || !ref.text) {
        fprintf(stderr, "allocfail: %s does not convert without failure (status %d)\n", j.path,
                ref.rc);
        print_said();
        return 1;
    }
    size_t first = env_size("BIBCONV_ALLOCFAIL_FIRST", 1);
    size_t last = env_size("BIBCONV_ALLOCFAIL_LAST", total);
    size_t step = env_size("BIBCONV_ALLOCFAIL_STEP", 1);
    trace = getenv("BIBCONV_ALLOCFAIL_TRACE") != NULL;
    size_t runs = 0, findings = 0;
    for (size_t n = first ? first : 1; n <= last && n <= total; n += step ? step : 1) {
        result r;
        long before = af.live;
        convert(&j, n, &r);
        long leaked = af.live - before - (r.text != NULL);
        if (leaked > 0) { /* a cache that only an error path fills: again */
            free(r.text);
            before = af.live;
            convert(&j, n, &r);
            leaked = af.live - before - (r.text != NULL);
        }
        runs++;
        if (!af.failed) /* fewer allocations than with no failure: stop */
            fprintf(stderr, "allocfail: note: run %zu made only %zu allocations\n", n, af.count);
        findings += (size_t)judge(&j, n, &ref, &r, leaked);
        free(r.text);
        if (findings >= 20 && !getenv("BIBCONV_ALLOCFAIL_ALL"))
            break;
    }
    printf("%s %s->%s: %zu allocations, %zu runs, %zu findings\n", j.path, j.from->name,
           j.to->name, total, runs, findings);
    free(ref.text);
    bib_registry_free(reg);
    bib_diag_free(diag);
    return findings ? 1 : 0;
}
