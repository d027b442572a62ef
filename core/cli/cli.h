/* SPDX-License-Identifier: MIT */
/*
 * cli.h - what the files of the `bibconv` command share: the parsed command
 * line and the input loop that feeds records to a conversion or a check.
 *
 * Not for: the library (nothing here is installed or exported).
 */
#ifndef BIBCONV_CLI_H
#define BIBCONV_CLI_H

#include "bibconv.h"

enum { EXIT_OK = 0, EXIT_BADINPUT = 1, EXIT_USAGE = 2, EXIT_SYSTEM = 3 };

/* -O keys=... as the command applies it across the whole output */
enum { KEYS_WRITER = 0, KEYS_AUTO, KEYS_KEEP, KEYS_REGENERATE };
enum { SORT_NONE = 0, SORT_KEY, SORT_YEAR, SORT_AUTHOR, SORT_TITLE };

typedef struct cli {
    const char *from, *to, *out;
    bool strict, verbose, json, list, detect, dedupe, no_progress;
    const char *help_format;
    int keys, sort;
    unsigned jobs; /* -j: reading threads; 0: auto (pipeline.c, auto_jobs) */
    /* the writer every record goes to unchanged (no --dedupe, --sort or
     * keys=...): with -j the worker threads write too; NULL otherwise */
    bib_writer *direct;
    bib_dedupe_config dcfg;
    bib_options *opts;
    bib_diag *diag;
    bib_registry *reg;
} cli;

/* Reads every FILE (stdin when none) with the -f format or the detected
 * one through the library's loop (bib_convert_each), which hands each
 * record, with the origin its reader set, to sink (bib_record_fn: the sink
 * owns the record). `to` (may be NULL) is the writer the options are
 * validated against. Counts are added to *st. Returns an EXIT_* status. */
int cli_read_all(cli *c, int nfiles, char **files, const bib_format_desc *to, bib_record_fn sink,
                 void *ctx, bib_convert_stats *st);

/* The conversion (`bibconv -t FMT ...`), with --dedupe, --sort and keys. */
int cli_convert(cli *c, int nfiles, char **files);

/* `bibconv check FILE...`. */
int cli_check(cli *c, int nfiles, char **files);

/* Writes the names of the formats that read (readers) or write into buf. */
void cli_list_known(bib_registry *reg, bool readers, char *buf, size_t n);

/* Opens "-" as stdin, else the file. */
bib_input *cli_open_input(const char *path, bib_diag *diag);

#endif /* BIBCONV_CLI_H */
