/* SPDX-License-Identifier: MIT */
/*
 * fuzz_reader.c - one libFuzzer target per reader format: built once per
 * format with -DBIB_FUZZ_FORMAT="name" (tests/fuzz/meson.build). Each input
 * is read from memory to the end (at most MAX_RECORDS records) with every
 * diagnostic discarded; the sanitizers and the fuzzer find the rest.
 * Plugins are found as the command finds them (the build tree's plugin
 * directories when run uninstalled).
 *
 * The last input byte also picks the reader's refill size through the test
 * seam (core/io_seam.h), so refills split lines, tokens and UTF-8
 * sequences at places one whole buffer never does: byte b < 128 reads
 * b + 1 bytes at a time, b >= 128 reads 256 << (b % 9) bytes (up to the
 * 64 KiB default). The byte stays part of the input, so a seed reads as
 * the file it is (a text file's final newline: 11-byte refills). Run with
 * -max_len=262144.
 *
 * The byte before it sets the bound (--max-value) when it is below 16:
 * 4 KiB << c, so that values, lines and records past a small bound, and
 * windows that stop at it, are reached; any other byte (a text seed's)
 * leaves the 64 MiB default.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bibconv.h"
#include "io_seam.h"

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

/* The refill size byte b stands for (see the top of this file). */
static size_t refill_size(unsigned char b)
{
    return b < 128 ? (size_t)b + 1 : (size_t)256 << (b % 9);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    bib_input_test_bufsize(size ? refill_size(data[size - 1]) : 0);
    bib_input *in = bib_input_open_memory(data, size, "fuzz", diag);
    if (in && size >= 2 && data[size - 2] < 16)
        bib_input_set_max_value(in, (size_t)4096 << data[size - 2]);
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
    bib_input_test_bufsize(0);
    return 0;
}
