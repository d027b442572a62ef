/* SPDX-License-Identifier: MIT */
/*
 * ris_writer.c - the RIS writer: strict RIS as Zotero and EndNote read it
 * back best (../shared/docs/crosswalk.md 5.6, 5.8). `TY` first, then the
 * tags in Zotero's export order, then the record's own ("ris", tag, value)
 * extras, then `ER  - ` and a blank line; CR LF line ends (`-O eol=lf`).
 * One name per AU/A2/A3/A4 line as "Last, First, Suffix"; `PY` holds the
 * year and `DA` the date as YYYY/MM/DD/; a single page range is split into
 * SP/EP; rich-text markup is stripped; DOIs lose their resolver prefix.
 * Line breaks survive only in AB and N1 (and kept extras), as continuation
 * lines; elsewhere they become spaces, and a continuation line that would
 * read as a tag is joined to the previous one with a space instead.
 *
 * Not for: reading (ris_reader.c). Extras of other formats are not
 * written (RIS has no place that readers agree on for them).
 */
#include <ctype.h>
#include <string.h>

#include "risfmt.h"

typedef struct ris_writer {
    bib_output *out;
    const char *eol;
    bib_buf line;
    bib_buf val;
    bool verbose;
    size_t dropped; /* fields RIS cannot carry, for one summary */
} ris_writer;

static int w_begin(bib_writer *wr, bib_output *out, const bib_options *opts)
{
    ris_writer *w = bib_writer_state(wr);
    w->out = out;
    bib_buf_init(&w->line);
    bib_buf_init(&w->val);
    const char *eol = bib_options_get(opts, "eol");
    w->eol = eol && strcmp(eol, "lf") == 0 ? "\n" : "\r\n";
    w->verbose = bib_diag_is_verbose(bib_output_diag(out));
    return 0;
}

static int w_end(bib_writer *wr)
{
    ris_writer *w = bib_writer_state(wr);
    if (w->out && w->dropped && w->verbose)
        bib_output_report(w->out, BIB_SEV_INFO,
                          "%zu field(s) have no RIS tag and were not written", w->dropped);
    bib_buf_clear(&w->line);
    bib_buf_clear(&w->val);
    return w->out ? bib_output_error(w->out) : 0;
}

/* Appends "TAG  - value" (and continuation lines) to w->line. With
 * `newlines`, each line break of the value starts a continuation line;
 * otherwise breaks and other control characters become spaces. */
static void put_tag(ris_writer *w, const char *tag, const char *s, size_t len, bool newlines)
{
    while (len && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    if (!len)
        return;
    bib_buf *b = &w->line;
    bib_buf_append(b, tag, 2);
    bib_buf_append(b, "  - ", 4);
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && s[j] != '\n' && s[j] != '\r')
            j++;
        /* this segment, copied in one block, then control characters made
         * spaces in place */
        size_t at = b->len;
        bib_buf_append_fast(b, s + i, j - i);
        if (!bib_buf_failed(b))
            for (size_t k = at; k < b->len; k++)
                if ((unsigned char)b->data[k] < 0x20 || b->data[k] == 0x7f)
                    b->data[k] = ' ';
        if (j >= len)
            break;
        /* a line break: find the next non-empty segment */
        size_t breaks = 0, k = j;
        while (k < len && (s[k] == '\n' || s[k] == '\r' || s[k] == ' ' || s[k] == '\t')) {
            if (s[k] == '\n' || (s[k] == '\r' && (k + 1 >= len || s[k + 1] != '\n')))
                breaks++;
            k++;
        }
        if (k >= len)
            break;
        size_t e = k;
        while (e < len && s[e] != '\n' && s[e] != '\r')
            e++;
        if (newlines && !ris_looks_like_tag(s + k, e - k)) {
            for (size_t n = 0; n < breaks; n++) {
                /* trailing blanks would be trimmed by the reader anyway */
                while (b->len && b->data[b->len - 1] == ' ')
                    b->len--;
                bib_buf_puts(b, w->eol);
            }
        } else {
            bib_buf_putc_fast(b, ' ');
        }
        i = k;
    }
    while (b->len && b->data[b->len - 1] == ' ')
        b->len--;
    bib_buf_puts(b, w->eol);
}

/* "%04d" of a year 1..99999 without printf (it is on every record) */
static int fmt_year(char *out, int year)
{
    char t[8];
    int n = 0;
    while (year > 0 && n < 7) {
        t[n++] = (char)('0' + year % 10);
        year /= 10;
    }
    while (n < 4)
        t[n++] = '0';
    for (int k = 0; k < n; k++)
        out[k] = t[n - 1 - k];
    out[n] = '\0';
    return n;
}

static void put_text(ris_writer *w, const char *tag, const bib_record *rec, bib_var var)
{
    const bib_field *f = bib_record_get(rec, var);
    if (!f)
        return;
    bool nl = strcmp(tag, "AB") == 0 || strcmp(tag, "N1") == 0;
    for (size_t i = 0; i < bib_field_value_count(f); i++) {
        const char *v = bib_field_value_at(f, i);
        if (bib_field_kind(f) == BIB_KIND_RICH) {
            bib_buf_reset(&w->val);
            bib_rich_strip(&w->val, v, strlen(v));
            put_tag(w, tag, w->val.data, w->val.len, nl);
        } else {
            put_tag(w, tag, v, strlen(v), nl);
        }
    }
}

static void put_names(ris_writer *w, const char *code, const bib_record *rec, bib_var var)
{
    const bib_field *f = bib_record_get(rec, var);
    if (!f || !bib_field_name_count(f))
        return;
    const char *tag = ris_name_tag(code, var);
    /* MUSIC and MPCT read AU as composer/director: their authors still go
     * there rather than nowhere */
    if (!tag && var == BIB_VAR_AUTHOR && !bib_record_has(rec, ris_name_var(code, "AU")))
        tag = "AU";
    if (!tag) {
        w->dropped++;
        return;
    }
    for (size_t i = 0; i < bib_field_name_count(f); i++) {
        bib_buf_reset(&w->val);
        ris_name_format(&w->val, bib_field_name_at(f, i));
        put_tag(w, tag, w->val.data, w->val.len, false);
    }
}

static void put_date(ris_writer *w, const char *tag, const bib_date *d)
{
    bib_buf_reset(&w->val);
    if (d->nparts >= 1 && d->parts[0].has_year && d->parts[0].year > 0) {
        ris_date_format(&w->val, d);
        /* the source's own RIS text when it says more (a time of day,
         * "other" text) and agrees with the parts */
        if (d->raw && strncmp(d->raw, w->val.data, w->val.len) == 0) {
            bib_buf_reset(&w->val);
            bib_buf_puts(&w->val, d->raw);
        }
    } else if (d->nparts >= 1 && d->parts[0].has_year) {
        /* RIS has no years before 1: EDTF ("-0333-11-05"), which the
         * reader's general date parser reads back */
        bib_date first = *d;
        first.nparts = 1;
        first.raw = first.literal = NULL;
        bib_date_format_edtf(&w->val, &first);
    } else if (d->literal) {
        bib_buf_puts(&w->val, d->literal);
    } else if (d->raw) {
        bib_buf_puts(&w->val, d->raw);
    }
    put_tag(w, tag, w->val.data, w->val.len, false);
}

/* Name variables in the order the writer emits them. */
static const bib_var name_vars[] = {
    BIB_VAR_AUTHOR, BIB_VAR_DIRECTOR, BIB_VAR_COMPOSER, BIB_VAR_EDITOR,
    BIB_VAR_COLLECTION_EDITOR, BIB_VAR_PERFORMER, BIB_VAR_PRODUCER, BIB_VAR_RECIPIENT,
    BIB_VAR_ILLUSTRATOR, BIB_VAR_CONTRIBUTOR, BIB_VAR_TRANSLATOR,
};

static int w_write(bib_writer *wr, const bib_record *rec)
{
    ris_writer *w = bib_writer_state(wr);
    if (bib_record_kind_of(rec) != BIB_RECORD_ENTRY)
        return 0;
    bib_buf_reset(&w->line);
    bib_type type = bib_record_type(rec);
    if (type == BIB_TYPE_UNKNOWN)
        type = BIB_TYPE_DOCUMENT;
    /* the original TY when it still means this type (EJOUR, EDBOOK...) */
    char code[16];
    const char *orig = bib_record_extra_get(rec, "ris", "TY");
    bool known = false;
    if (orig && strlen(orig) < sizeof code &&
        ris_type_from_code(orig, strlen(orig), &known) == type) {
        size_t n = 0;
        for (; orig[n] && n < sizeof code - 1; n++)
            code[n] = (char)toupper((unsigned char)orig[n]);
        code[n] = '\0';
        while (n && code[n - 1] == ' ')
            code[--n] = '\0';
    } else {
        strcpy(code, ris_type_code(type));
    }
    bib_buf_append(&w->line, "TY  - ", 6);
    bib_buf_puts(&w->line, code);
    bib_buf_puts(&w->line, w->eol);

    const char *id = bib_record_id(rec);
    if (id)
        put_tag(w, "ID", id, strlen(id), false);
    put_text(w, "TI", rec, BIB_VAR_TITLE);
    for (size_t i = 0; i < sizeof name_vars / sizeof name_vars[0]; i++)
        put_names(w, code, rec, name_vars[i]);
    bool series = ris_type_series_t2(code);
    if (series) {
        put_text(w, "T2", rec, BIB_VAR_COLLECTION_TITLE);
        put_text(w, "JF", rec, BIB_VAR_CONTAINER_TITLE);
    } else {
        put_text(w, "T2", rec, BIB_VAR_CONTAINER_TITLE);
        put_text(w, "T3", rec, BIB_VAR_COLLECTION_TITLE);
    }
    put_text(w, "AB", rec, BIB_VAR_ABSTRACT);
    bool journal = ris_type_journal(code);
    if (journal)
        put_text(w, "C2", rec, BIB_VAR_PMCID);
    put_text(w, "CN", rec, BIB_VAR_CALL_NUMBER);
    put_text(w, "CY", rec, BIB_VAR_PUBLISHER_PLACE);
    const bib_field *f = bib_record_get(rec, BIB_VAR_ISSUED);
    bool da_accessed = ris_type_da_accessed(code);
    if (f) {
        const bib_date *d = bib_field_date(f);
        if (da_accessed) {
            /* DA is the access date of these types: the whole date in PY */
            put_date(w, "PY", d);
        } else {
            /* EndNote needs PY; DA carries the full date (user-needs P20) */
            if (d->nparts >= 1 && d->parts[0].has_year && d->parts[0].year > 0) {
                char y[16];
                int yl = fmt_year(y, d->parts[0].year);
                put_tag(w, "PY", y, (size_t)yl, false);
            }
            put_date(w, "DA", d);
        }
    }
    f = bib_record_get(rec, BIB_VAR_DOI);
    if (f) {
        const char *v = bib_field_text(f);
        size_t st = ris_doi_start(v, strlen(v));
        put_tag(w, "DO", v + st, strlen(v + st), false);
    }
    put_text(w, "DP", rec, BIB_VAR_SOURCE);
    bool versioned = strcmp(code, "COMP") == 0 || strcmp(code, "DATA") == 0;
    put_text(w, "ET", rec, versioned ? BIB_VAR_VERSION : BIB_VAR_EDITION);
    put_text(w, "VL", rec, BIB_VAR_VOLUME);
    put_text(w, "IS", rec, BIB_VAR_ISSUE);
    f = bib_record_get(rec, BIB_VAR_PAGE);
    if (f) {
        const char *v = bib_field_text(f);
        size_t n = strlen(v);
        /* split only a value that is exactly one range (crosswalk 3.11) */
        bib_buf_reset(&w->val);
        bib_pages_normalize(&w->val, v, n, "-");
        const char *a, *z;
        size_t al, zl;
        bib_pages_split(w->val.data, w->val.len, &a, &al, &z, &zl);
        bool one = zl && !memchr(w->val.data, ',', w->val.len) &&
                   al + zl + 1 == w->val.len;
        if (one) {
            put_tag(w, "SP", a, al, false);
            put_tag(w, "EP", z, zl, false);
        } else {
            put_tag(w, "SP", w->val.data, w->val.len, false);
        }
    } else if (ris_type_sp_is_count(code)) {
        put_text(w, "SP", rec, BIB_VAR_NUMBER_OF_PAGES);
    }
    put_text(w, "J2", rec, BIB_VAR_CONTAINER_TITLE_SHORT);
    put_text(w, "LA", rec, BIB_VAR_LANGUAGE);
    bool numbered = strcmp(code, "RPRT") == 0 || strcmp(code, "GOVDOC") == 0 ||
                    strcmp(code, "PAT") == 0 || strcmp(code, "STAND") == 0;
    if (!numbered)
        put_text(w, journal ? "C7" : "M1", rec, BIB_VAR_NUMBER);
    put_text(w, "M3", rec, BIB_VAR_GENRE);
    put_text(w, "NV", rec, BIB_VAR_NUMBER_OF_VOLUMES);
    put_text(w, "OP", rec, BIB_VAR_ORIGINAL_TITLE);
    put_text(w, "PB", rec, BIB_VAR_PUBLISHER);
    put_text(w, "RI", rec, BIB_VAR_REVIEWED_TITLE);
    put_text(w, "SE", rec, BIB_VAR_SECTION);
    put_text(w, "SN", rec, BIB_VAR_ISBN);
    put_text(w, "SN", rec, BIB_VAR_ISSN);
    if (numbered)
        put_text(w, "SN", rec, BIB_VAR_NUMBER);
    put_text(w, "ST", rec, BIB_VAR_TITLE_SHORT);
    put_text(w, "SV", rec, BIB_VAR_COLLECTION_NUMBER);
    put_text(w, "UR", rec, BIB_VAR_URL);
    put_text(w, "AV", rec, BIB_VAR_ARCHIVE_LOCATION);
    f = bib_record_get(rec, BIB_VAR_ACCESSED);
    if (f)
        put_date(w, "Y2", bib_field_date(f));
    f = bib_record_get(rec, BIB_VAR_AVAILABLE_DATE);
    if (f)
        put_date(w, "Y1", bib_field_date(f));
    put_text(w, "N1", rec, BIB_VAR_NOTE);
    put_text(w, "RN", rec, BIB_VAR_ANNOTE);
    put_text(w, "KW", rec, BIB_VAR_KEYWORD);

    /* the record's own RIS extras, in their order */
    size_t ne = bib_record_extra_count(rec);
    for (size_t i = 0; i < ne; i++) {
        const char *fmt, *name, *v;
        size_t vl;
        bib_record_extra_at(rec, i, &fmt, &name, &v, &vl);
        if (strcmp(fmt, "ris") != 0 || strlen(name) != 2 || strcmp(name, "TY") == 0 ||
            strcmp(name, "ER") == 0 || !isupper((unsigned char)name[0]) ||
            !(isupper((unsigned char)name[1]) || isdigit((unsigned char)name[1])))
            continue;
        put_tag(w, name, v, vl, true);
    }
    bib_buf_append(&w->line, "ER  - ", 6);
    bib_buf_puts(&w->line, w->eol);
    bib_buf_puts(&w->line, w->eol);
    if (bib_buf_failed(&w->line)) {
        bib_output_fail(w->out, BIB_ENOMEM);
        return BIB_ENOMEM;
    }
    return bib_output_write(w->out, w->line.data, w->line.len);
}

static const bib_option_spec writer_options[] = {
    {"eol", BIB_OPT_CHOICE, "crlf,lf", "crlf", "line ends of the written file"},
    {NULL, 0, NULL, NULL, NULL},
};

const bib_writer_ops risfmt_writer_ops = {
    .state_size = sizeof(ris_writer),
    .begin = w_begin,
    .write = w_write,
    .end = w_end,
    .options = writer_options,
};
