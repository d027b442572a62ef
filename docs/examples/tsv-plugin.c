/* SPDX-License-Identifier: MIT */
/*
 * tsv-plugin.c - a complete minimal bibconv plugin, the example of
 * docs/plugin-guide.md, built and tested in the tree (tests/real).
 *
 * Format "tsv": one work per line, three tab-separated columns
 *
 *     title <TAB> authors <TAB> year
 *
 * authors as "Family, Given; Family, Given". Lines starting with '#' are
 * comments. The reader reports a line without three columns as an error
 * at its place (the core skips that record and goes on); the writer has one
 * option, `-O header=true`, a comment line naming the columns.
 */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L /* strndup, strtok_r under -std=c11 */
#endif
#include <stdlib.h>
#include <string.h>

#include "bibconv/plugin.h"

typedef struct { bib_input *in; } reader_state;
typedef struct { bib_output *out; } writer_state;

/* ---- reader ----------------------------------------------------------- */

static int tsv_open(bib_reader *rd, bib_input *in, const bib_options *opts)
{
    (void)opts;
    ((reader_state *)bib_reader_state(rd))->in = in;
    return 0;
}

/* Adds the names of s[0..n) ("Family, Given; ...") as authors. */
static int add_authors(bib_record *rec, const char *s, size_t n)
{
    char *copy = strndup(s, n); /* bib_name holds borrowed strings */
    if (!copy)
        return BIB_ENOMEM;
    int rc = 0;
    for (char *save, *one = strtok_r(copy, ";", &save); one && !rc;
         one = strtok_r(NULL, ";", &save)) {
        while (*one == ' ')
            one++;
        char *comma = strchr(one, ',');
        bib_name name = {0};
        name.family = one;
        if (comma) {
            *comma = '\0';
            name.given = comma + 1 + strspn(comma + 1, " ");
        }
        if (*one)
            rc = bib_record_add_name(rec, BIB_VAR_AUTHOR, &name); /* copies */
    }
    free(copy);
    return rc;
}

static int tsv_next(bib_reader *rd, bib_record **out)
{
    bib_input *in = ((reader_state *)bib_reader_state(rd))->in;
    const char *l;
    size_t n;
    int rc;
    while ((rc = bib_input_getline(in, &l, &n)) == 1) {
        if (n == 0 || l[0] == '#')
            continue;
        const char *t1 = memchr(l, '\t', n);
        const char *t2 = t1 ? memchr(t1 + 1, '\t', n - (size_t)(t1 + 1 - l)) : NULL;
        if (!t2) {
            bib_input_report(in, BIB_SEV_ERROR, bib_input_last_line(in),
                             t1 ? (size_t)(t1 - l) + 2 : n + 1,
                             "expected 3 tab-separated columns: title, authors, year");
            return BIB_EPARSE; /* reported: core skips this record */
        }
        bib_record *rec = bib_record_new(BIB_TYPE_ARTICLE_JOURNAL, NULL);
        if (!rec)
            return BIB_ENOMEM;
        rc = bib_record_set_text(rec, BIB_VAR_TITLE, l, (size_t)(t1 - l));
        if (!rc)
            rc = add_authors(rec, t1 + 1, (size_t)(t2 - t1 - 1));
        const char *y = t2 + 1;
        size_t yn = n - (size_t)(y - l);
        if (!rc && yn > 0 && yn <= 4 && strspn(y, "0123456789") >= yn) {
            bib_date d = {0};
            d.nparts = 1;
            d.parts[0].has_year = true;
            d.parts[0].year = atoi(y);
            rc = bib_record_set_date(rec, BIB_VAR_ISSUED, &d);
        }
        if (rc) {
            bib_record_free(rec);
            return rc;
        }
        *out = rec; /* ownership passes to the caller */
        return 1;
    }
    return rc; /* 0 at the end, or an I/O error */
}

static void tsv_close(bib_reader *rd) { (void)rd; }

/* ---- writer ----------------------------------------------------------- */

static int tsv_begin(bib_writer *wr, bib_output *out, const bib_options *opts)
{
    ((writer_state *)bib_writer_state(wr))->out = out;
    bool header;
    if (bib_options_get_bool(opts, "header", false, &header))
        return BIB_EINVAL;
    if (header)
        bib_output_puts(out, "# title\tauthors\tyear\n");
    return bib_output_error(out);
}

/* Text without the tabs and line breaks that would break the columns. */
static void put_clean(bib_output *out, const char *s)
{
    for (; s && *s; s++)
        bib_output_putc(out, *s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s);
}

static int tsv_write(bib_writer *wr, const bib_record *rec)
{
    bib_output *out = ((writer_state *)bib_writer_state(wr))->out;
    if (bib_record_kind_of(rec) != BIB_RECORD_ENTRY)
        return 0; /* @preamble and friends have no place here */
    put_clean(out, bib_record_text(rec, BIB_VAR_TITLE));
    bib_output_putc(out, '\t');
    const bib_field *au = bib_record_get(rec, BIB_VAR_AUTHOR);
    for (size_t i = 0; au && i < bib_field_name_count(au); i++) {
        const bib_name *nm = bib_field_name_at(au, i);
        if (i)
            bib_output_puts(out, "; ");
        put_clean(out, nm->family ? nm->family : nm->literal);
        if (nm->given) {
            bib_output_puts(out, ", ");
            put_clean(out, nm->given);
        }
    }
    bib_output_putc(out, '\t');
    const bib_field *df = bib_record_get(rec, BIB_VAR_ISSUED);
    const bib_date *d = df ? bib_field_date(df) : NULL;
    if (d && d->nparts && d->parts[0].has_year)
        bib_output_printf(out, "%d", d->parts[0].year);
    bib_output_putc(out, '\n');
    return bib_output_error(out);
}

static int tsv_end(bib_writer *wr) { (void)wr; return 0; }

/* ---- the descriptor: the module's one exported symbol ------------------ */

static const bib_option_spec writer_options[] = {
    {"header", BIB_OPT_BOOL, NULL, "false", "write a comment line naming the columns"},
    {NULL, 0, NULL, NULL, NULL},
};
static const bib_reader_ops reader_ops = {sizeof(reader_state), tsv_open, tsv_next,
                                          tsv_close, NULL, NULL};
static const bib_writer_ops writer_ops = {sizeof(writer_state), tsv_begin, tsv_write, tsv_end,
                                          writer_options};
/* no probe: the format is recognised by its extension only */
static const bib_format_desc tsv_format = {"tsv", "title, authors, year in tab-separated columns",
                                           "tsv", NULL, 0, NULL, &reader_ops, &writer_ops};
static const bib_format_desc *const formats[] = {&tsv_format, NULL};

BIB_PLUGIN_EXPORT const bib_plugin_desc bib_plugin_module = {
    .abi_version = BIB_PLUGIN_ABI_VERSION,
    .module_name = "tsv",
    .formats = formats,
};
