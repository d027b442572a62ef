/* SPDX-License-Identifier: MIT */
/*
 * fuzz_reader.c - one libFuzzer target per reader format: built once per
 * format with -DBIB_FUZZ_FORMAT="name" (tests/fuzz/meson.build). Each input
 * is read from memory to the end (at most MAX_RECORDS records) with every
 * diagnostic discarded; the sanitizers and the fuzzer find the rest.
 * Plugins are found as the command finds them (the build tree's plugin
 * directories when run uninstalled).
 */
#include <stdio.h>
#include <stdlib.h>

#include "bibconv.h"

#ifndef BIB_FUZZ_FORMAT
#error "build with -DBIB_FUZZ_FORMAT=\"format\""
#endif
#define MAX_RECORDS 100000

static bib_diag *diag;
static bib_registry *reg;
static const bib_format_desc *fmt;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    diag = bib_diag_new();
    reg = bib_registry_new(diag);
    bib_registry_load(reg, 0);
    bib_diag_set_callback(diag, NULL, NULL); /* loader messages were shown */
    fmt = bib_registry_find(reg, BIB_FUZZ_FORMAT);
    if (!fmt || !fmt->reader) {
        fprintf(stderr, "fuzz: no reader for format '%s'\n", BIB_FUZZ_FORMAT);
        exit(1);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    bib_input *in = bib_input_open_memory(data, size, "fuzz", diag);
    bib_reader *rd;
    if (in && bib_reader_new(&rd, fmt, in, NULL, false) == 0) {
        for (int i = 0; i < MAX_RECORDS; i++) {
            bib_record *rec;
            int rc = bib_reader_next(rd, &rec);
            if (rc == 1)
                bib_record_free(rec);
            else if (rc == 0 || rc != BIB_EPARSE)
                break;
        }
        bib_reader_free(rd);
    }
    bib_input_free(in);
    return 0;
}
