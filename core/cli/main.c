/* SPDX-License-Identifier: MIT */
/*
 * main.c - the `bibconv` command: argument parsing, then the library's
 * registry and the record pipeline (pipeline.c). No format knowledge lives
 * here.
 *
 * Exit status (docs/bibconv.1, EXIT STATUS): 0 everything converted; 1 some input was bad
 * (records skipped, or --strict stopped the run); 2 usage error; 3 system
 * error (I/O, no plugin). With -o FILE the output is committed (renamed
 * over FILE) only when the exit status is 0, so a failed run leaves an
 * existing FILE byte-for-byte untouched.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static void usage(FILE *f)
{
    fputs(
"Usage: bibconv [-f FROM] -t TO [-o OUT] [options] [FILE...]\n"
"       bibconv check [-f FROM] [--diagnostics=json] [FILE...]\n"
"       bibconv --list-formats | --detect FILE... | --help-format NAME\n"
"\n"
"Convert bibliographic records between formats. Each format is provided by a\n"
"plugin loaded at run time. Input is read from the FILEs in order (standard\n"
"input when there is none or for '-') and written as one output.\n"
"\n"
"Options:\n"
"  -f, --from FORMAT       input format (default: detected from each input)\n"
"  -t, --to FORMAT         output format (required for a conversion)\n"
"  -o, --output FILE       write to FILE atomically (only on full success);\n"
"                          default: standard output\n"
"  -O NAME=VALUE           option for the reader or writer (repeatable; see\n"
"                          --help-format)\n"
"      --strict            stop at the first bad record (exit 1)\n"
"      --dedupe            merge records of the same work (same DOI, or same\n"
"                          folded title, compatible year, shared author)\n"
"      --dedupe-year-slack=N   years may differ by N (default 1)\n"
"      --dedupe-authors=N  family names in common needed (default 1)\n"
"      --dedupe-title-words=N  a title alone (one record has no names and\n"
"                          a year is missing) needs N words (default 4)\n"
"      --dedupe-doi-only   match on DOIs only\n"
"      --sort=ORDER        key, year, author, title or none (default: input order)\n"
"  -O keys=MODE            auto (keep unique keys, make the rest unique), keep,\n"
"                          or regenerate; unique across the whole output\n"
"  -j, --jobs=N|auto       read (and, to CSL-JSON, write) with N threads;\n"
"                          auto (the default): the cores, up to 8, when the\n"
"                          output is CSL-JSON or JSON Lines, else 1 (see\n"
"                          docs/real-use.md); output and diagnostics are the\n"
"                          same as with -j 1\n"
"      --no-progress       no progress bar (it is shown only on a terminal)\n"
"      --max-value=SIZE    longest line or field value read (default 64M; K, M,\n"
"                          G: binary multiples); a longer one is an error and\n"
"                          its record is skipped\n"
"  -v, --verbose           more diagnostics and a summary of record counts\n"
"      --diagnostics=FMT   'text' (default) or 'json' (one object per line)\n"
"      --plugin-dir DIR    search DIR for plugins first (repeatable)\n"
"      --list-formats      list the available formats and their modules\n"
"      --detect            print every format's probe score for each FILE\n"
"      --help-format NAME  describe a format and its options\n"
"  -V, --version           print the version\n"
"  -h, --help              print this help\n"
"\n"
"Exit status: 0 all converted; 1 some input was bad (records skipped, or\n"
"--strict stopped the run; for check: a problem was found); 2 usage error;\n"
"3 system error (I/O, no plugin).\n"
"\n"
"Environment: BIBCONV_PLUGIN_PATH, a colon-separated list of absolute plugin\n"
"directories searched after --plugin-dir.\n"
"\n"
"Examples:\n"
"  bibconv -t csljson refs.json                 rewrite CSL-JSON (detected)\n"
"  bibconv -f csljson -t csljsonl -o refs.jsonl refs.json\n"
"  cat refs.json | bibconv -f csljson -t csljson -O compact=true\n"
"  bibconv -t bibtex --dedupe --sort=author a.bib b.ris refs.json\n"
"  bibconv check refs.bib\n"
"  bibconv --detect mystery.txt\n", f);
}

/* "64M", "1G", "100000": a byte count with an optional binary multiple;
 * 0 when malformed or out of 4 KiB .. 1 TiB. */
static size_t parse_size(const char *s)
{
    char *end;
    errno = 0;
    unsigned long long n = strtoull(s, &end, 10);
    if (end == s || errno || *s == '-')
        return 0;
    const char *units = "KMGT";
    const char *u = *end ? strchr(units, *end) : NULL;
    if (*end && (!u || (end[1] && strcmp(end + 1, "iB") != 0 && strcmp(end + 1, "B") != 0)))
        return 0;
    for (int k = u ? (int)(u - units) + 1 : 0; k > 0; k--)
        n = n > (1ull << 40) ? 0 : n * 1024;
    return n < 4096 || n > (1ull << 40) || n > SIZE_MAX / 4 ? 0 : (size_t)n;
}

void cli_list_known(bib_registry *reg, bool readers, char *buf, size_t n)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < bib_registry_count(reg) && o < n - 2; i++) {
        const bib_format_desc *f = bib_registry_at(reg, i);
        if (readers ? !f->reader : !f->writer)
            continue;
        o += (size_t)snprintf(buf + o, n - o, "%s%s", o ? ", " : "", f->name);
    }
}

static int list_formats(bib_registry *reg)
{
    printf("%-10s %-3s %-16s %-52s %s\n", "FORMAT", "R/W", "EXTENSIONS", "DESCRIPTION",
           "MODULE");
    for (size_t i = 0; i < bib_registry_count(reg); i++) {
        const bib_format_desc *f = bib_registry_at(reg, i);
        char rw[3] = {f->reader ? 'r' : '-', f->writer ? 'w' : '-', 0};
        printf("%-10s %-3s %-16s %-52s %s\n", f->name, rw, f->extensions ? f->extensions : "-",
               f->description, bib_registry_module_path(reg, f));
    }
    return EXIT_OK;
}

static void print_options(const char *what, const bib_option_spec *s)
{
    if (!s || !s->name) {
        printf("  %s options: none\n", what);
        return;
    }
    printf("  %s options:\n", what);
    for (; s->name; s++)
        printf("    -O %s=%s  %s (default: %s)\n", s->name,
               s->kind == BIB_OPT_BOOL ? "true|false"
               : s->kind == BIB_OPT_INT ? "N"
               : s->kind == BIB_OPT_CHOICE ? s->choices
                                           : "TEXT",
               s->help ? s->help : "", s->default_text ? s->default_text : "-");
}

static int help_format(bib_registry *reg, const char *name)
{
    const bib_format_desc *f = bib_registry_find(reg, name);
    if (!f)
        return -1;
    printf("%s: %s\n  module: %s\n  extensions: %s\n  reads: %s, writes: %s%s\n", f->name,
           f->description, bib_registry_module_path(reg, f), f->extensions ? f->extensions : "-",
           f->reader ? "yes" : "no", f->writer ? "yes" : "no",
           f->flags & BIB_FORMAT_WHOLE_INPUT ? " (reads the whole input before yielding)" : "");
    if (f->reader)
        print_options("reader", f->reader->options);
    if (f->writer)
        print_options("writer", f->writer->options);
    return 0;
}

static int detect(cli *c, int nfiles, char **files)
{
    int status = EXIT_OK;
    static char *stdin_only[] = {"-"};
    if (nfiles == 0) {
        nfiles = 1;
        files = stdin_only;
    }
    size_t cap = bib_registry_count(c->reg);
    bib_probe_result *res = calloc(cap ? cap : 1, sizeof *res);
    if (!res)
        return EXIT_SYSTEM;
    for (int i = 0; i < nfiles; i++) {
        bib_input *in = cli_open_input(files[i], c->diag);
        if (!in) {
            status = EXIT_SYSTEM;
            continue;
        }
        const bib_format_desc *win = NULL;
        size_t n = 0, head = 0;
        int rc = bib_registry_probe(c->reg, in, &win, res, cap, &n, &head);
        printf("%s: looked at %zu bytes\n", bib_input_name(in), head);
        for (size_t k = 0; k < n; k++)
            printf("  %-10s %3d%s\n", res[k].format->name, res[k].score,
                   res[k].ext_match ? "  (extension matches)" : "");
        if (win)
            printf("  => %s (%s)\n", win->name,
                   n > 1 && res[1].score == res[0].score ? "tie broken by the file extension"
                                                         : "highest score");
        else
            printf("  => none (%s)\n", rc == BIB_EAMBIGUOUS ? "tie" : "best score too weak");
        if (!win && status == EXIT_OK)
            status = EXIT_BADINPUT;
        bib_input_free(in);
    }
    free(res);
    return status;
}

enum { OPT_STRICT = 256, OPT_DIAG, OPT_PLUGIN_DIR, OPT_LIST, OPT_DETECT, OPT_HELP_FORMAT,
       OPT_DEDUPE, OPT_SLACK, OPT_AUTHORS, OPT_TITLE_WORDS, OPT_DOI_ONLY, OPT_SORT,
       OPT_NO_PROGRESS, OPT_MAX_VALUE };

static const struct option longopts[] = {
    {"from", required_argument, NULL, 'f'},
    {"to", required_argument, NULL, 't'},
    {"output", required_argument, NULL, 'o'},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"verbose", no_argument, NULL, 'v'},
    {"diagnostics", required_argument, NULL, OPT_DIAG},
    {"plugin-dir", required_argument, NULL, OPT_PLUGIN_DIR},
    {"list-formats", no_argument, NULL, OPT_LIST},
    {"detect", no_argument, NULL, OPT_DETECT},
    {"help-format", required_argument, NULL, OPT_HELP_FORMAT},
    {"dedupe", no_argument, NULL, OPT_DEDUPE},
    {"dedupe-year-slack", required_argument, NULL, OPT_SLACK},
    {"dedupe-authors", required_argument, NULL, OPT_AUTHORS},
    {"dedupe-title-words", required_argument, NULL, OPT_TITLE_WORDS},
    {"dedupe-doi-only", no_argument, NULL, OPT_DOI_ONLY},
    {"sort", required_argument, NULL, OPT_SORT},
    {"jobs", required_argument, NULL, 'j'},
    {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
    {"max-value", required_argument, NULL, OPT_MAX_VALUE},
    {"version", no_argument, NULL, 'V'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

/* parse_option's "keep parsing" (EXIT_* values are >= 0) */
enum { GO_ON = -1 };

/* -O NAME=VALUE: keys=... is the command's (unique across the whole
 * output, whatever the writer), the rest goes to the plugins. */
static int parse_o(cli *c, const char *arg)
{
    if (strncmp(arg, "keys=", 5) == 0) {
        static const char *const km[] = {"auto", "keep", "regenerate"};
        c->keys = KEYS_WRITER;
        for (int k = 0; k < 3; k++)
            if (strcmp(arg + 5, km[k]) == 0)
                c->keys = KEYS_AUTO + k;
        if (c->keys == KEYS_WRITER) {
            fprintf(stderr, "bibconv: error: bad value '%s' for option 'keys' "
                            "(expected auto,keep,regenerate)\n", arg + 5);
            return EXIT_USAGE;
        }
    } else if (bib_options_parse(c->opts, arg)) {
        fprintf(stderr, "bibconv: error: -O expects NAME=VALUE, got '%s'\n", arg);
        return EXIT_USAGE;
    }
    return GO_ON;
}

/* --dedupe-year-slack, --dedupe-authors, --dedupe-title-words. */
static int parse_dedupe_number(cli *c, int opt, const char *arg)
{
    char *end;
    long n = strtol(arg, &end, 10);
    if (!*arg || *end || n < 0 || n > 1000) {
        fprintf(stderr, "bibconv: error: --%s expects a number from 0 to 1000\n",
                opt == OPT_SLACK     ? "dedupe-year-slack"
                : opt == OPT_AUTHORS ? "dedupe-authors"
                                     : "dedupe-title-words");
        return EXIT_USAGE;
    }
    if (opt == OPT_SLACK)
        c->dcfg.year_slack = (int)n;
    else if (opt == OPT_AUTHORS)
        c->dcfg.min_shared_authors = (int)n;
    else
        c->dcfg.min_title_words = (int)n;
    return GO_ON;
}

static int parse_sort(cli *c, const char *arg)
{
    static const char *const so[] = {"none", "key", "year", "author", "title"};
    c->sort = -1;
    for (int k = 0; k < 5; k++)
        if (strcmp(arg, so[k]) == 0)
            c->sort = k;
    if (c->sort < 0) {
        fprintf(stderr, "bibconv: error: --sort expects key, year, author, title or none\n");
        return EXIT_USAGE;
    }
    return GO_ON;
}

/* Applies one option from getopt_long. Returns GO_ON, or the exit status
 * when the run ends here (a usage error, --version, --help). */
static int parse_option(cli *c, int opt, const char *arg)
{
    switch (opt) {
    case 'f': c->from = arg; break;
    case 't': c->to = arg; break;
    case 'o': c->out = arg; break;
    case 'O': return parse_o(c, arg);
    case 'v': c->verbose = true; break;
    case 'j': {
        char *end;
        if (strcmp(arg, "auto") == 0) {
            c->jobs = 0;
            break;
        }
        long n = strtol(arg, &end, 10);
        if (!*arg || *end || n < 1 || n > 64) {
            fprintf(stderr, "bibconv: error: -j expects a number of threads from 1 to 64, "
                    "or auto\n");
            return EXIT_USAGE;
        }
        c->jobs = (unsigned)n;
        break;
    }
    case OPT_STRICT: c->strict = true; break;
    case OPT_DIAG:
        if (strcmp(arg, "json") == 0)
            c->json = true;
        else if (strcmp(arg, "text") != 0) {
            fprintf(stderr, "bibconv: error: --diagnostics expects 'text' or 'json'\n");
            return EXIT_USAGE;
        }
        break;
    case OPT_PLUGIN_DIR: bib_registry_add_dir(c->reg, arg); break;
    case OPT_LIST: c->list = true; break;
    case OPT_DETECT: c->detect = true; break;
    case OPT_HELP_FORMAT: c->help_format = arg; break;
    case OPT_DEDUPE: c->dedupe = true; break;
    case OPT_DOI_ONLY: c->dcfg.match_titles = false; break;
    case OPT_NO_PROGRESS: c->no_progress = true; break;
    case OPT_SLACK:
    case OPT_AUTHORS:
    case OPT_TITLE_WORDS: return parse_dedupe_number(c, opt, arg);
    case OPT_SORT: return parse_sort(c, arg);
    case OPT_MAX_VALUE: {
        size_t n = parse_size(arg);
        if (!n) {
            fprintf(stderr, "bibconv: error: --max-value expects a size from 4K to 1T, "
                            "like 256M (K, M, G, T: binary multiples)\n");
            return EXIT_USAGE;
        }
        bib_io_set_max_value(n);
        break;
    }
    case 'V':
        printf("bibconv %s (plugin ABI %u)\n", bib_version_string(), BIB_PLUGIN_ABI_VERSION);
        return EXIT_OK;
    case 'h':
        usage(stdout);
        return EXIT_OK;
    default:
        fputs("Try 'bibconv --help' for more information.\n", stderr);
        return EXIT_USAGE;
    }
    return GO_ON;
}

/* Runs what the parsed command line asks for; returns the exit status. */
static int run(cli *c, bool check, int nfiles, char **files)
{
    if (!check && !c->list && !c->detect && !c->help_format && !c->to) {
        fputs("bibconv: error: no output format given (use -t FORMAT; see --list-formats)\n"
              "Try 'bibconv --help' for more information.\n", stderr);
        return EXIT_USAGE;
    }
    if (bib_registry_load(c->reg, 0) < 0)
        return EXIT_SYSTEM;
    if (c->list)
        return list_formats(c->reg);
    if (c->help_format) {
        if (help_format(c->reg, c->help_format) < 0) {
            char known[512];
            cli_list_known(c->reg, true, known, sizeof known);
            bib_diag_report(c->diag, BIB_SEV_ERROR, NULL, 0, 0, "unknown format '%s' (known: %s)",
                            c->help_format, known);
            return EXIT_USAGE;
        }
        return EXIT_OK;
    }
    if (c->detect)
        return detect(c, nfiles, files);
    if (check)
        return cli_check(c, nfiles, files);
    return cli_convert(c, nfiles, files);
}

int main(int argc, char **argv)
{
    /* write errors come back as EPIPE/EFBIG and end the run through the
     * output's sticky error (exit 3, temporary file removed) instead of a
     * signal that kills it half-way */
    signal(SIGPIPE, SIG_IGN);
    signal(SIGXFSZ, SIG_IGN);
    /* diagnostics to a file or a pipe in blocks, not a write(2) a line:
     * thousands of warnings (characters with no LaTeX form, one a record)
     * were thousands of calls, a few per cent of a large run. Flushed at
     * exit and by the input loop every half second (pipeline.c), so a log
     * still follows a long run; a terminal gets each line at once. */
    static char errbuf[16384];
    if (!isatty(STDERR_FILENO))
        setvbuf(stderr, errbuf, _IOFBF, sizeof errbuf);
    cli c = {0};
    bib_dedupe_config_init(&c.dcfg);
    c.diag = bib_diag_new();
    c.opts = bib_options_new();
    c.reg = bib_registry_new(c.diag);
    if (!c.diag || !c.opts || !c.reg) {
        fputs("bibconv: error: out of memory\n", stderr);
        return EXIT_SYSTEM;
    }
    int status = GO_ON, opt;
    while (status == GO_ON && (opt = getopt_long(argc, argv, "f:t:o:O:j:vVh", longopts, NULL)) != -1)
        status = parse_option(&c, opt, optarg);
    if (status == GO_ON) {
        /* c.jobs 0 (no -j, or -j auto): chosen per input by the pipeline
         * (auto_jobs); the output does not depend on it */
        bib_diag_set_json(c.diag, c.json);
        bib_diag_set_verbose(c.diag, c.verbose);
        /* getopt has moved the operands to the end: a first operand "check"
         * is the subcommand (a file named check is ./check) */
        bool check = optind < argc && strcmp(argv[optind], "check") == 0;
        if (check)
            optind++;
        status = run(&c, check, argc - optind, argv + optind);
    }
    if (fflush(stdout) != 0 && status == EXIT_OK)
        status = EXIT_SYSTEM;
    bib_registry_free(c.reg);
    bib_options_free(c.opts);
    bib_diag_free(c.diag);
    return status;
}
