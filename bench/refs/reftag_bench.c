/* SPDX-License-Identifier: MIT */
/*
 * reftag_bench.c - speed of the reference tagger (docs/refs.md, "Speed"):
 * reads a file of references, one per line, tags each line REPEAT times
 * (bib_reftag_run) and, with --record, builds its record too; prints the
 * CPU time (user + system), MB/s of reference text and the peak RSS (the
 * file is held in memory: compare two sizes, the rest must stay flat).
 *
 *   reftag_bench FILE [REPEAT] [--record]
 *
 * bench/README.md shows how to write FILE from tools/data/refs.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "bibconv/reftag.h"

static double cpu_seconds(void)
{
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
           (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fputs("usage: reftag_bench FILE [REPEAT] [--record]\n", stderr);
        return 2;
    }
    int repeat = argc > 2 && argv[2][0] != '-' ? atoi(argv[2]) : 1;
    bool record = argc > 2 && !strcmp(argv[argc - 1], "--record");
    FILE *f = fopen(argv[1], "rb");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    /* the whole file in memory: only the tagger is timed */
    size_t cap = 1 << 20, len = 0, k;
    char *text = malloc(cap);
    while (text && (k = fread(text + len, 1, cap - len, f)) > 0)
        if ((len += k) == cap)
            text = realloc(text, cap *= 2);
    fclose(f);
    if (!text)
        return 2;
    bib_reftag *t = bib_reftag_new();
    size_t refs = 0, tokens = 0, records = 0;
    /* a hash of every label: a speed change must leave it as it was */
    unsigned long long sum = 1469598103934665603ull;
    double t0 = cpu_seconds();
    for (int r = 0; r < repeat; r++)
        for (size_t i = 0; i < len;) {
            const char *nl = memchr(text + i, '\n', len - i);
            size_t n = nl ? (size_t)(nl - text) - i : len - i;
            long m = bib_reftag_run(t, text + i, n);
            if (m < 0)
                return 1;
            tokens += (size_t)m;
            size_t nt;
            const bib_ref_token *tok = bib_reftag_tokens(t, &nt);
            for (size_t x = 0; x < nt; x++)
                sum = (sum ^ tok[x].label) * 1099511628211ull;
            refs++;
            if (record) {
                bib_record *rec = NULL;
                if (bib_reftag_record(t, text + i, n, NULL, &rec))
                    return 1;
                records += rec != NULL;
                bib_record_free(rec);
            }
            i += n + 1;
        }
    double cpu = cpu_seconds() - t0;
    double mb = (double)len * repeat / 1e6;
    printf("%zu references, %zu tokens, %.1f MB%s: CPU %.2f s, %.2f MB/s\n", refs, tokens, mb,
           record ? " (tag + record)" : " (tag)", cpu, cpu > 0 ? mb / cpu : 0);
    printf("labels hash %016llx\n", sum);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS %ld KB (the file: %zu KB)\n", ru.ru_maxrss, len / 1024);
    if (record)
        printf("%zu records\n", records);
    bib_reftag_free(t);
    free(text);
    return 0;
}
