/* SPDX-License-Identifier: MIT */
/*
 * bt_reader.c - the bibtex reader (both formats): asks bib_input for a
 * window, parses one entry in it (bt_lexer.c), maps its fields to a CSL
 * record through the crosswalk (bt_crosswalk.c), and hands the record to
 * the crossref step (bt_crossref.c). What has no CSL variable is kept as a
 * ("bibtex", field, raw value) extra, so bibtex -> bibtex loses nothing.
 * Values are decoded by core's recipes (record.h, bib_record_decode:
 * LaTeX, name lists, ranges, lists), or, when their source text is kept
 * for the module's writers, put off until something reads them
 * (bib_record_defer); dates by core's text services (dates.h).
 *
 * The fields that are not one CSL variable each have a named rule here:
 * year/month/day (the issued date), number (by entry type), school,
 * institution and organization (the publisher when there is none),
 * numpages and howpublished (another field's variable when that field is
 * missing); after the fields, the entry type's genre.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/dates.h"
#include "bibconv/latex.h"
#include "bibconv/names.h"
#include "bibconv/short_copy.h"
#include "btfmt.h"

static const char *fval(bt_reader *r, const bt_raw_field *f)
{
    return r->arena.data + f->val_off;
}

static const char *fname(bt_reader *r, const bt_raw_field *f)
{
    return r->arena.data + f->name_off;
}

/* The entry's first field named by bt_known k, or NULL (r->at, filled by
 * index_entry). */
static const bt_raw_field *get_raw(const bt_reader *r, bt_known k)
{
    return r->at[k] ? &r->fields[r->at[k] - 1] : NULL;
}

/* Each field's row and bt_known, and the first field of each bt_known:
 * the one look-up of a name per field (read_field, yields() and the named
 * rules ask by row or bt_known after it). */
static void index_entry(bt_reader *r)
{
    memset(r->at, 0, sizeof r->at);
    bt_find_fields(r->field_index, r->fields, r->nfields, r->arena.data);
    uint64_t seen = 0; /* a bit per name hash: a field whose bit is new has no twin before it */
    for (size_t i = 0; i < r->nfields; i++) {
        bt_raw_field *f = &r->fields[i];
        uint64_t bit = 1ull << (f->name_hash & 63);
        f->maybe_twin = (seen & bit) != 0;
        seen |= bit;
        if (f->known && !r->at[f->known])
            r->at[f->known] = (unsigned)(i + 1); /* fields of an entry: far below 2^32 */
    }
}

/* The tag of a source text read as `kind` (btfmt.h). */
static unsigned source_tag(const bt_reader *r, bt_kind kind, bool ascii)
{
    return (unsigned)kind | (ascii ? BT_SRC_ASCII : 0) | (r->biblatex ? BT_SRC_BIBLATEX : 0);
}

/* Keeps field f's text s as the source text of var's value, which was
 * just decoded from it, for the module's writers (docs/bibtex.md,
 * "Source text"): when f was a literal, below 1 MiB (a huge value is not
 * held twice) and without a control byte, and when the run's writer may
 * write it (r->keep_src). A value that is the text itself (nothing to
 * convert, most) is shared, not copied again. */
static int keep_source(const bt_reader *r, bib_record *rec, bib_var var, const bt_raw_field *f,
                       const char *s, bt_kind kind)
{
    size_t n = f->val_len;
    bool ascii;
    if (!r->keep_src || !f->literal || !n || n >= (1u << 20) || !bt_source_bytes_ok(s, n, &ascii))
        return 0;
    unsigned tag = source_tag(r, kind, ascii);
    /* a huge decoded value was not kept with its text before values were
     * put off: not now either (bib_record_defer takes none that large) */
    const char *val = kind == BT_NAMES ? NULL : bib_record_text(rec, var);
    if (val && strnlen(val, 1u << 20) >= (1u << 20))
        return 0;
    if (val && strncmp(val, s, n) == 0 && !val[n])
        return bib_record_set_source(rec, var, "bibtex", tag, val, n);
    return bib_record_set_source(rec, var, "bibtex", tag, s, n);
}

/* A test's seam (tests/bibtex/test_bibtex.c): true puts no value off,
 * so that a test compares the source texts kept either way. */
bool bt_defer_off;

/* Sets var from field f, read as `kind`, by core's `recipe` with
 * `flags`, with the decoding put off until something reads the value
 * (bib_record_defer), which the writer that writes the source text back
 * never does: when the source text is kept (keep_source's rules; for a
 * name list, bt_names_clean's too: bib_record_defer asks that itself, and
 * that no name is empty) and the value is less than 32 KiB, so
 * that its decoding, at most 32 times as long, stays below keep_source's
 * 1 MiB. 1 when put off; 0 when the caller decodes now (the record could
 * not tell without decoding that the value is not empty); or an error. */
static inline int defer_value(const bt_reader *r, bib_record *rec, bib_var var,
                              const bt_raw_field *f, bib_recipe recipe, unsigned flags,
                              bt_kind kind)
{
    const char *s = r->arena.data + f->val_off;
    size_t n = f->val_len;
    bool ascii;
    if (!r->keep_src || !f->literal || !n || n >= (1u << 15) || bt_defer_off ||
        !bt_source_bytes_ok(s, n, &ascii))
        return 0;
    /* the record's copy of "bibtex" once it has one (the reader keeps no
     * other format's texts): a pointer compare for the record, no string's */
    const char *fmt = bib_record_source_format(rec);
    return bib_record_defer(rec, var, recipe, flags, s, n, fmt ? fmt : "bibtex",
                            source_tag(r, kind, ascii));
}

/* set_converted for a literal when the source text may be kept. */
static __attribute__((noinline)) int set_kept(bt_reader *r, bib_record *rec, bib_var var,
                                              const bt_raw_field *f, unsigned flags, bt_kind kind)
{
    int rc = defer_value(r, rec, var, f, BIB_RECIPE_LATEX, flags, kind);
    if (rc)
        return rc < 0 ? rc : 0;
    const char *s = r->arena.data + f->val_off;
    rc = bib_record_decode(rec, var, BIB_RECIPE_LATEX, flags, s, f->val_len, &r->tmp);
    return rc <= 0 ? rc : keep_source(r, rec, var, f, s, kind);
}

/* var from field f, converted by flags, read as `kind`; its source text
 * kept. */
static int set_converted(bt_reader *r, bib_record *rec, bib_var var, const bt_raw_field *f,
                         unsigned flags, bt_kind kind)
{
    if (r->keep_src && f->literal)
        return set_kept(r, rec, var, f, flags, kind);
    int rc = bib_record_decode(rec, var, BIB_RECIPE_LATEX, flags, r->arena.data + f->val_off,
                               f->val_len, &r->tmp);
    return rc < 0 ? rc : 0;
}

/* An unmapped field, kept as a ("bibtex", name, raw value) extra. A line
 * break in a value is the source's layout, not text: BibTeX and biber read
 * it, with the white space around it, as one space, so it is kept as one
 * (JabRef's "\n\t" wrapping, kept, made pandoc read a YAML value as a
 * code block); at either end, as nothing. Other white space is kept as
 * it is (paths in `file`). */
static int add_raw_extra(bt_reader *r, bib_record *rec, const char *name, const char *v,
                         size_t n)
{
    if (!bt_has_break(v, n))
        return bib_record_add_extra(rec, "bibtex", name, v, n);
    bib_buf_reset(&r->tmp);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        bool ws = strchr(" \t\n\r", v[i]) != NULL, brk = false;
        while (j < n && v[j] && (strchr(" \t\n\r", v[j]) != NULL) == ws) {
            brk |= v[j] == '\n' || v[j] == '\r';
            j++;
        }
        if (j == i) /* a NUL byte */
            j++;
        int rc = !brk ? bib_buf_append(&r->tmp, v + i, j - i)
                 : i > 0 && j < n ? bib_buf_append(&r->tmp, " ", 1)
                                  : 0; /* none at either end */
        if (rc < 0)
            return rc;
        i = j;
    }
    return bib_record_add_extra(rec, "bibtex", name, r->tmp.data, r->tmp.len);
}

/* The month of an entry with `month` but neither `year` nor `date` (a
 * page that showed "May 29"), or 0 when `month` is not a month. */
static int yearless_month(bt_reader *r)
{
    const bt_raw_field *fm = get_raw(r, BT_K_MONTH);
    if (!fm)
        return 0;
    const char *m = fval(r, fm);
    int mon = bib_month_parse(m, strlen(m));
    return mon > 0 && mon <= 12 ? mon : 0;
}

/* issued as the raw text "May 29" ("May" without a valid day): CSL dates
 * need a year, and the writer turns this back into month and day. */
static int set_yearless(bt_reader *r, bib_record *rec, int mon)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%s", bt_month_names[mon - 1]);
    const bt_raw_field *fd = get_raw(r, BT_K_DAY);
    if (fd) {
        char *endp;
        long dd = strtol(fval(r, fd), &endp, 10);
        if (dd >= 1 && dd <= 31 && !*endp)
            snprintf(buf, sizeof buf, "%s %ld", bt_month_names[mon - 1], dd);
        else
            bib_record_add_extra(rec, "bibtex", "day", fval(r, fd), strlen(fval(r, fd)));
    }
    bib_date d;
    memset(&d, 0, sizeof d);
    d.raw = buf;
    return bib_record_set_date(rec, BIB_VAR_ISSUED, &d);
}

/* year + month (+ day) into issued, when there is no `date` field. */
static int map_year_month(bt_reader *r, bib_record *rec, const bt_raw_field *fy, const bt_raw_field *fm,
                          const bt_raw_field *fd)
{
    bib_date dt;
    memset(&dt, 0, sizeof dt);
    const char *y = fval(r, fy);
    char *endp;
    const char *yend = y;
    long yr = 0;
    if (fy->val_len && fy->val_len < 10) /* most: digits alone, no strtol call */
        for (; (unsigned)(*yend - '0') < 10u; yend++)
            yr = yr * 10 + (*yend - '0');
    if (yend == y || *yend) {
        yr = strtol(y, &endp, 10);
        for (yend = endp; *yend == ' ';)
            yend++;
    }
    if (yend == y || *yend) {
        /* not a plain year: let the date parser try, else a literal (in
         * plain text: "{13th Century}" is 13th Century) */
        bib_buf_reset(&r->tmp);
        int rc = bib_latex_to_unicode(&r->tmp, y, strlen(y), 0, NULL);
        if (rc < 0)
            return rc;
        bib_date pd;
        rc = bib_date_parse(&pd, r->tmp.data ? r->tmp.data : "", r->tmp.len, BIB_DATE_ANY);
        if (rc == BIB_ENOMEM)
            return rc;
        rc = bib_record_set_date(rec, BIB_VAR_ISSUED, &pd);
        bib_date_clear(&pd);
        return rc;
    }
    dt.nparts = 1;
    dt.parts[0].has_year = true;
    dt.parts[0].year = (int)yr;
    if (fm) {
        const char *m = fval(r, fm);
        int mon = bib_month_parse(m, strlen(m));
        if (mon > 0)
            dt.parts[0].month = mon;
        else
            bib_record_add_extra(rec, "bibtex", "month", m, strlen(m));
    }
    if (fd && dt.parts[0].month) {
        long dd = strtol(fval(r, fd), &endp, 10);
        if (dd >= 1 && dd <= 31 && !*endp)
            dt.parts[0].day = (int)dd;
    }
    return bib_record_set_date(rec, BIB_VAR_ISSUED, &dt);
}

/* One entry being mapped. */
typedef struct entry_ctx {
    bt_reader *r;
    const bt_parsed *pe;
    bib_record *rec;
    char key[512];  /* the citation key, cut to fit, for messages */
    char type[64];  /* the entry type, lower case */
    bool article;   /* the entry type is article */
    bool has_date;  /* the entry has a `date` field */
    bool has_publisher;
    const bt_raw_field *type_note; /* `entrytype`, taken as the entry type */
    bool notes_ok; /* no crossref or xdata of its own: the writer's notes count */
} entry_ctx;

/* True when a year, month or day field beside `date` says what the start
 * of the date says already: the classic writer puts them there for BibTeX
 * styles (a range, circa), and keeping them as extras would make bibtex ->
 * bibtex -> csljson differ from bibtex -> csljson. */
static bool date_repeats(bt_reader *r, const bt_raw_field *f)
{
    const bt_raw_field *d = get_raw(r, BT_K_DATE);
    const char *name = fname(r, f), *v = fval(r, f);
    size_t n = f->val_len;
    int x = 0;
    /* a year before 1 BC is negative (the writer's year for an EDTF -0877) */
    bool minus = name[0] == 'y' && n > 1 && v[0] == '-';
    if (minus)
        v++, n--;
    if (name[0] == 'm') {
        x = bib_month_parse(v, n);
    } else if (n && n < 6 && strspn(v, "0123456789") == n) {
        for (size_t i = 0; i < n; i++)
            x = x * 10 + (v[i] - '0');
    }
    if (!d || x <= 0)
        return false;
    if (minus)
        x = -x;
    bib_date dt = {0};
    bool same = false;
    if (bib_date_parse(&dt, fval(r, d), d->val_len, BIB_DATE_EDTF) == 0 && dt.nparts &&
        dt.parts[0].has_year)
        same = x == (name[0] == 'y'   ? dt.parts[0].year
                     : name[0] == 'm' ? dt.parts[0].month
                                      : dt.parts[0].day);
    bib_date_clear(&dt);
    return same;
}

/* year: with month and day the issued date, unless a `date` field gives
 * it (then an extra, unless it repeats the date). */
static int read_year(entry_ctx *e, const bt_raw_field *f)
{
    bt_reader *r = e->r;
    if (!e->has_date)
        return map_year_month(r, e->rec, f, get_raw(r, BT_K_MONTH), get_raw(r, BT_K_DAY));
    if (date_repeats(r, f))
        return 0;
    return add_raw_extra(r, e->rec, fname(r, f), fval(r, f), f->val_len);
}

/* month, day: read with the year; without a year or date, the month (and
 * day) is the yearless date ("May 29"); beside a `date`, extras. */
static int read_monthday(entry_ctx *e, const bt_raw_field *f)
{
    bt_reader *r = e->r;
    const char *name = fname(r, f);
    int ym = e->has_date || get_raw(r, BT_K_YEAR) ? 0 : yearless_month(r);
    if (ym > 0 && name[0] == 'm')
        return set_yearless(r, e->rec, ym);
    if (e->has_date && date_repeats(r, f))
        return 0;
    if (ym <= 0 && (e->has_date || !get_raw(r, BT_K_YEAR)))
        return add_raw_extra(r, e->rec, name, fval(r, f), f->val_len);
    return 0;
}

/* number: an article's issue; in a book-like entry of a series, the number
 * in the series (collection-number); elsewhere the item's own number. */
static int read_number(entry_ctx *e, const bt_raw_field *f)
{
    static const char *const serial[] = {"book", "mvbook", "inbook", "bookinbook", "suppbook",
                                         "collection", "mvcollection", "incollection",
                                         "suppcollection", "proceedings", "mvproceedings",
                                         "inproceedings", "reference", "mvreference",
                                         "inreference", NULL};
    bt_reader *r = e->r;
    bool article = e->article;
    bool series_number = !article && get_raw(r, BT_K_SERIES) != NULL && bt_type_in(e->type, serial);
    bib_var var = article         ? BIB_VAR_ISSUE
                  : series_number ? BIB_VAR_COLLECTION_NUMBER
                                  : BIB_VAR_NUMBER;
    int rc = 0;
    const bt_raw_field *iss = get_raw(r, BT_K_ISSUE);
    if (article && iss && bib_record_has(e->rec, BIB_VAR_ISSUE))
        /* `issue` came first and took the variable: it becomes the extra
         * it is when it comes after `number`, not overwritten */
        rc = add_raw_extra(r, e->rec, "issue", fval(r, iss), iss->val_len);
    if (rc >= 0)
        rc = set_converted(r, e->rec, var, f, 0, BT_TEXT);
    if (rc >= 0 && f->bare_number && bib_record_has(e->rec, var))
        bib_record_set_field_flags(e->rec, var, BIB_FIELD_BARE_NUMBER);
    return rc;
}

/* True when the entry has the field whose reader row is the plain one of
 * `var` (the field that owns it): names the reader indexes are unique, so
 * the row tells the field. */
static bool has_owner(const bt_reader *r, bib_var var)
{
    const bt_row *own = NULL;
    for (size_t i = 0; i < bt_crosswalk_rows && !own; i++)
        if (bt_crosswalk[i].var == var && bt_crosswalk[i].special == BT_PLAIN &&
            (bt_crosswalk[i].flavour & BT_RD))
            own = &bt_crosswalk[i];
    for (size_t i = 0; own && i < r->nfields; i++)
        if (r->fields[i].row == own)
            return true;
    return false;
}

/* numpages, howpublished: their row's variable when the entry lacks the
 * field that owns it (pagetotal, url); howpublished only when it holds
 * nothing but a web address (old-style BibTeX for web pages). Else an
 * extra. */
static int read_fallback(entry_ctx *e, const bt_row *row, const bt_raw_field *f)
{
    bt_reader *r = e->r;
    const char *v = fval(r, f);
    int rc = 0;
    bool mapped = false;
    if (!has_owner(r, row->var)) {
        bib_buf_reset(&r->tmp);
        rc = bib_latex_to_unicode(&r->tmp, v, f->val_len, 0, NULL);
        const char *t = r->tmp.data ? r->tmp.data : "";
        bool url = row->special == BT_SP_FALLBACK ||
                   ((strncmp(t, "http://", 7) == 0 || strncmp(t, "https://", 8) == 0) &&
                    !strpbrk(t, " \t\n"));
        if (rc >= 0 && url && r->tmp.len) {
            rc = bib_record_set_text(e->rec, row->var, t, r->tmp.len);
            mapped = true;
        }
    }
    if (rc >= 0 && !mapped)
        rc = add_raw_extra(r, e->rec, fname(r, f), v, f->val_len);
    return rc;
}

/* school, institution, organization: the publisher when the entry has
 * none; else an extra. */
static int read_org(entry_ctx *e, const bt_row *row, const bt_raw_field *f)
{
    bt_reader *r = e->r;
    if (!e->has_publisher && !bib_record_has(e->rec, row->var))
        return set_converted(r, e->rec, row->var, f, 0, BT_TEXT);
    return add_raw_extra(r, e->rec, fname(r, f), fval(r, f), f->val_len);
}

/* The number of the two digits at v, or -1 when either is not one. */
static inline int two_digits(const char *v)
{
    unsigned a = (unsigned)((unsigned char)v[0] - '0'), b = (unsigned)((unsigned char)v[1] - '0');
    return a < 10u && b < 10u ? (int)(a * 10u + b) : -1;
}

/* read_date's quick way (btfmt.h). The year's four digits are tested in
 * one word: each byte minus '0' is below 10 when neither it nor that plus
 * 0x76 has its high bit (a byte below '0' borrows and shows a high bit;
 * the carries only come from bytes already refused). */
bool bt_date_quick(bib_date *d, const char *v, size_t n)
{
    if (n != 4 && n != 7 && n != 10)
        return false;
    uint32_t y;
    memcpy(&y, v, 4);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    y = __builtin_bswap32(y); /* v[0] in the low byte */
#endif
    y -= 0x30303030u;
    if ((y | (y + 0x76767676u)) & 0x80808080u)
        return false;
    int year = (int)((y & 0xFF) * 1000u + (y >> 8 & 0xFF) * 100u + (y >> 16 & 0xFF) * 10u +
                     (y >> 24));
    int mon = 0, day = 0;
    /* year 0 is 1 BC, which the record holds as -1 (the parse knows) */
    if (!year || (n > 4 && (v[4] != '-' || (mon = two_digits(v + 5)) < 1 || mon > 12)) ||
        (n > 7 && (v[7] != '-' || (day = two_digits(v + 8)) < 1 || day > 31)))
        return false;
    memset(d, 0, sizeof *d);
    d->nparts = 1;
    d->parts[0].has_year = true;
    d->parts[0].year = year;
    d->parts[0].month = mon;
    d->parts[0].day = day;
    return true;
}

static int read_date(entry_ctx *e, bib_var var, const char *v, size_t vn)
{
    bib_date dt;
    if (bt_date_quick(&dt, v, vn)) /* most: no parse, nothing to free */
        return bib_record_set_date(e->rec, var, &dt);
    if (strspn(v, " \t\r\n") == vn)
        return 0; /* an empty date says nothing */
    int rc = bib_date_parse(&dt, v, vn, BIB_DATE_EDTF | BIB_DATE_WRITTEN);
    if (rc == BIB_ENOMEM)
        return rc;
    rc = bib_record_set_date(e->rec, var, &dt);
    bib_date_clear(&dt);
    return rc;
}

/* True when row's variable belongs to another field of the entry: a row
 * for the other kind of entry (booktitle in an @article, journal
 * elsewhere) yields to one for this kind, wherever the fields stand, so
 * the extra is the field the writer keeps as one (bibtex -> bibtex). */
static bool yields(entry_ctx *e, const bt_row *row)
{
    const unsigned which = BT_IF_ARTICLE | BT_IF_NOT_ARTICLE;
    bool article = e->article;
    if (!(row->when & which) || ((row->when & BT_IF_ARTICLE) != 0) == article)
        return false;
    bt_reader *r = e->r;
    for (size_t j = 0; j < r->nfields; j++) {
        const bt_row *o = r->fields[j].row;
        if (o && o->var == row->var && (o->when & which) &&
            ((o->when & BT_IF_ARTICLE) != 0) == article)
            return true;
    }
    return false;
}

/* A field through its row, by the row's kind; an unknown field, or one
 * whose variable an earlier field already gave, is kept as an extra. */
static int read_plain(entry_ctx *e, const bt_row *row, const bt_raw_field *f)
{
    bt_reader *r = e->r;
    const char *name = fname(r, f);
    const char *v = fval(r, f);
    size_t vn = f->val_len;
    if (!row || (row->var != BIB_VAR_NONE && (bib_record_has(e->rec, row->var) || yields(e, row))))
        return add_raw_extra(r, e->rec, name, v, vn);
    int rc = 0;
    switch (row->kind) {
    case BT_NAMES: {
        /* put off only when it has no empty name, of which it warns now */
        if ((rc = defer_value(r, e->rec, row->var, f, BIB_RECIPE_BIBTEX_NAMES, BIB_NAME_LATEX,
                              BT_NAMES)) != 0)
            return rc < 0 ? rc : 0;
        size_t bad = 0;
        /* the recipe BIBTEX_NAMES itself (record.h), without the dispatch */
        int n = bib_names_add_bibtex(e->rec, row->var, v, vn, BIB_NAME_LATEX, &bad);
        if (n < 0 && n != BIB_EPARSE)
            rc = n;
        if (bad && !r->quiet)
            bib_input_report(r->in, BIB_SEV_WARNING, e->pe->line, 0,
                             "empty name in '%s' of entry '%.40s'", name, e->key);
        /* a list with an empty name would warn again when read back */
        else if (n > 0 && r->keep_src && f->literal && bt_names_clean(v, vn))
            rc = keep_source(r, e->rec, row->var, f, v, BT_NAMES);
        return rc;
    }
    case BT_TITLE:
        return set_converted(r, e->rec, row->var, f, BIB_LATEX_RICH | BIB_LATEX_NOCASE, BT_TITLE);
    case BT_VERB:
        return set_converted(r, e->rec, row->var, f, BIB_LATEX_VERBATIM, BT_VERB);
    case BT_RANGE:
    case BT_LIST: {
        bib_recipe recipe = row->kind == BT_RANGE ? BIB_RECIPE_LATEX_RANGE : BIB_RECIPE_LATEX_LIST;
        if ((rc = defer_value(r, e->rec, row->var, f, recipe, 0, row->kind)) != 0)
            return rc < 0 ? rc : 0;
        rc = bib_record_decode(e->rec, row->var, recipe, 0, v, vn, &r->tmp);
        break;
    }
    case BT_DATE:
        return read_date(e, row->var, v, vn);
    case BT_TEXT:
        rc = set_converted(r, e->rec, row->var, f, 0, BT_TEXT);
        if (rc >= 0 && f->bare_number && bib_record_has(e->rec, row->var))
            bib_record_set_field_flags(e->rec, row->var, BIB_FIELD_BARE_NUMBER);
        return rc;
    }
    /* a range or list: the source text kept when the field gave a value
     * (the variable was free: checked above) */
    if (rc >= 0 && bib_record_has(e->rec, row->var))
        rc = keep_source(r, e->rec, row->var, f, v, row->kind);
    return rc;
}

/* One field of the entry: a named rule, or its row. Duplicate fields: the
 * first wins, as in BibTeX. */
static int read_field(entry_ctx *e, size_t i)
{
    bt_reader *r = e->r;
    const bt_raw_field *f = &r->fields[i];
    const char *name = fname(r, f);
    for (size_t j = 0; f->maybe_twin && j < i; j++) /* by hash and length first */
        if (r->fields[j].name_hash == f->name_hash && r->fields[j].name_len == f->name_len &&
            strcmp(fname(r, &r->fields[j]), name) == 0) {
            if (!r->quiet)
                bib_input_report(r->in, BIB_SEV_WARNING, e->pe->line, 0,
                                 "duplicate field '%.20s' in entry '%.40s' ignored", name,
                                 e->key);
            return 0;
        }
    if (f == e->type_note)
        return 0;
    if (e->notes_ok && (f->known == BT_K_XREF_NOTE || f->known == BT_K_XDATA_NOTE)) {
        r->link_noted = true;
        return add_raw_extra(r, e->rec, name[0] == 'c' ? "crossref" : "xdata", fval(r, f),
                             f->val_len);
    }
    if (f->known == BT_K_IDS &&
        bt_key_of_alias(e->pe->key, e->pe->key_len, fval(r, f), f->val_len))
        return bib_record_set_id_n(e->rec, fval(r, f), f->val_len);
    const bt_row *row = f->row;
    switch (row ? row->special : BT_PLAIN) {
    case BT_SP_YEAR:
        return read_year(e, f);
    case BT_SP_MONTHDAY:
        return read_monthday(e, f);
    case BT_SP_NUMBER:
        return read_number(e, f);
    case BT_SP_FALLBACK:
    case BT_SP_HOWPUB:
        return read_fallback(e, row, f);
    case BT_SP_ORG:
        return read_org(e, row, f);
    default:
        return read_plain(e, row, f);
    }
}

/* After the fields: BibLaTeX's `type` keys (phdthesis, techreport, ...)
 * read as the genre words they stand for, in either flavour; a classic
 * thesis type gives the genre. An unpublished entry with event fields is a
 * talk. A report's entry type (@techreport) gives no genre: classic files
 * also say @report, which the classic writer must spell @techreport, and
 * the genre would then appear on the way back. */
static void read_genre(entry_ctx *e, bib_type type)
{
    bib_record *rec = e->rec;
    const char *gk = bib_record_text(rec, BIB_VAR_GENRE);
    const char *words = gk ? bt_genre_words(type, gk) : NULL;
    if (words)
        bib_record_set_text(rec, BIB_VAR_GENRE, words, strlen(words));
    if (type == BIB_TYPE_THESIS && !bib_record_has(rec, BIB_VAR_GENRE)) {
        const char *g = strcmp(e->type, "mastersthesis") == 0 ? "Master's thesis"
                        : strcmp(e->type, "phdthesis") == 0   ? "PhD thesis"
                                                              : NULL;
        if (g)
            bib_record_set_text(rec, BIB_VAR_GENRE, g, strlen(g));
    }
    if (type == BIB_TYPE_MANUSCRIPT && (get_raw(e->r, BT_K_EVENTTITLE) ||
                                        get_raw(e->r, BT_K_EVENTDATE) || get_raw(e->r, BT_K_VENUE)))
        bib_record_set_type(rec, BIB_TYPE_SPEECH);
}

/* a[0..n) equals the memo b[0..n) (n below 32): a type name is mostly
 * 4 to 16 bytes, compared as two words a side without a memcmp call */
static inline bool same_type(const char *a, const char *b, size_t n)
{
    if (n < 4 || n > 16)
        return memcmp(a, b, n) == 0;
    uint64_t x, x2, y, y2;
    bib_short_load(a, n, &x, &x2);
    bib_short_load(b, n, &y, &y2);
    return x == y && x2 == y2;
}

/* The memo slot of entry type s[0..n): a multiplicative hash of its
 * first, middle and last byte and its length (a file's dozen types mostly
 * get slots of their own). */
static inline unsigned type_slot(const char *s, size_t n)
{
    if (!n)
        return 0;
    uint32_t x = (unsigned char)s[0] | (uint32_t)(unsigned char)s[n - 1] << 8 |
                 (uint32_t)(n & 0xFF) << 16 | (uint32_t)(unsigned char)s[n / 2] << 24;
    _Static_assert(BT_TYPE_MEMO == 32, "the slot is the hash's top five bits");
    return (x * 0x9E3779B1u) >> 27;
}

int bt_build_record(bt_reader *r, const bt_parsed *pe, bib_record **out)
{
    /* set member by member: a {0} initializer would clear the two
     * buffers (600 bytes) for every entry, and both are filled below */
    entry_ctx e;
    e.r = r;
    e.pe = pe;
    e.type_note = NULL;
    /* A classic entry type with `entrytype` naming one classic BibTeX
     * lacks: the classic writer's note of the source's type (@misc with
     * entrytype = {online}), which styles ignore; the entry is read as that
     * type, so that bibtex -> bibtex keeps it (docs/bibtex.md, "Types
     * classic BibTeX lacks") */
    const char *tname = pe->type;
    size_t tlen = pe->type_len;
    index_entry(r);
    const bt_raw_field *note = get_raw(r, BT_K_ENTRYTYPE);
    const bt_raw_field *sub = get_raw(r, BT_K_ENTRYSUBTYPE);
    if (note && bt_type_classic(pe->type, pe->type_len) &&
        bt_type_note_ok(fval(r, note), note->val_len)) {
        e.type_note = note;
        tname = fval(r, note);
        tlen = note->val_len;
    } else if (sub && bt_ieq(pe->type, pe->type_len, "book") &&
               bt_ieq(fval(r, sub), sub->val_len, BT_SUBTYPE_NOTE)) {
        /* the BibLaTeX writer's @book for a classic @inbook without its
         * book as booktitle (docs/bibtex.md, "Writing") */
        e.type_note = sub;
        tname = BT_SUBTYPE_NOTE;
        tlen = strlen(BT_SUBTYPE_NOTE);
    }
    e.notes_ok = !get_raw(r, BT_K_CROSSREF) && !get_raw(r, BT_K_XDATA);
    /* no crossref or xdata field: the crossref step need not look for
     * their extras (a link note's sets link_noted, which it ignores) */
    r->no_links = e.notes_ok;
    r->link_noted = false;
    struct bt_type_memo *tm = &r->type_memo[type_slot(tname, tlen)];
    bool memo = tlen && tlen == tm->len && same_type(tname, tm->name, tlen);
    bib_type type = memo ? tm->type : bt_map_type(tname, tlen);
    size_t kl = pe->key_len < sizeof e.key - 1 ? pe->key_len : sizeof e.key - 1;
    memcpy(e.key, pe->key, kl);
    e.key[kl] = '\0';
    e.rec = bib_record_new(type, kl == pe->key_len && kl ? e.key : NULL);
    if (!e.rec)
        return BIB_ENOMEM;
    if (kl < pe->key_len) { /* a key longer than e.key: the record's id is whole */
        char *k = malloc(pe->key_len + 1);
        if (k) {
            memcpy(k, pe->key, pe->key_len);
            k[pe->key_len] = '\0';
        }
        const char *id = k ? bib_record_adopt(e.rec, k) : NULL;
        if (!id || bib_record_set_id(e.rec, id) < 0) {
            bib_record_free(e.rec);
            return BIB_ENOMEM;
        }
    }
    bib_record_set_origin(e.rec, bib_input_name(r->in), pe->line);
    size_t tl = tlen < sizeof e.type - 1 ? tlen : sizeof e.type - 1;
    bool plike;
    if (memo) {
        bib_short_copy(e.type, tm->lower, tl); /* below 32 bytes: no call */
        e.type[tl] = '\0';
        plike = tm->plike;
    } else {
        for (size_t i = 0; i < tl; i++)
            e.type[i] = (char)tolower((unsigned char)tname[i]);
        e.type[tl] = '\0';
        plike = bt_parent_like(e.type);
        tm->len = 0;
        if (tl && tl < sizeof tm->name) {
            memcpy(tm->name, tname, tl);
            memcpy(tm->lower, e.type, tl);
            tm->type = type;
            tm->plike = plike;
            tm->len = tl;
        }
    }
    e.article = tl == 7 && memcmp(e.type, "article", 7) == 0; /* no strcmp call */
    int rc = bib_record_add_extra(e.rec, "bibtex", "entrytype", e.type, tl);
    e.has_date = get_raw(r, BT_K_DATE) != NULL;
    /* an empty publisher (an undefined macro) leaves the place to
     * organization, as no publisher does: it sets nothing */
    const bt_raw_field *pub = get_raw(r, BT_K_PUBLISHER);
    e.has_publisher = pub && pub->val_len;
    for (size_t i = 0; i < r->nfields && rc >= 0; i++)
        rc = read_field(&e, i);
    if (rc < 0) {
        bib_record_free(e.rec);
        return rc;
    }
    read_genre(&e, type);
    bib_short_copy(r->type, e.type, tl + 1);
    r->type_plike = plike;
    *out = e.rec;
    return 0;
}

bool bt_save_parents_off;

static void trim_buffers(bt_reader *r);

bt_saved *bt_save_entry(const bt_reader *r, const char *id)
{
    size_t nf = r->nfields, al = r->arena.len, kl = r->built.key_len, tl = r->built.type_len,
           il = strlen(id);
    size_t fsz = nf * sizeof(bt_raw_field);
    bt_saved *sv = malloc(sizeof *sv + fsz + al + 1 + kl + 1 + tl + 1 + il + 1);
    if (!sv)
        return NULL;
    char *p = (char *)(sv + 1);
    _Static_assert(sizeof(bt_saved) % _Alignof(bt_raw_field) == 0, "the fields follow the header");
    /* an entry without fields has no field array, arena or key yet: memcpy
     * takes no NULL even for 0 bytes (UBSan, fuzz_bt_writer) */
    if (fsz)
        memcpy(p, r->fields, fsz);
    sv->fields = (const bt_raw_field *)(void *)p;
    sv->nfields = nf;
    p += fsz;
    if (r->arena.data)
        memcpy(p, r->arena.data, al + 1); /* with the NUL after the last value */
    else
        p[0] = '\0';
    sv->arena = p;
    sv->arena_len = al;
    p += al + 1;
    if (kl)
        memcpy(p, r->built.key, kl);
    p[kl] = '\0';
    sv->key = p;
    sv->key_len = kl;
    p += kl + 1;
    if (tl)
        memcpy(p, r->built.type, tl);
    p[tl] = '\0';
    sv->type = p;
    sv->type_len = tl;
    p += tl + 1;
    memcpy(p, id, il + 1);
    sv->id = p;
    sv->line = r->built.line;
    return sv;
}

int bt_rebuild(bt_reader *r, const bt_saved *sv, bib_record **out)
{
    *out = NULL;
    /* the entry's fields and values back where bt_build_record reads them
     * (the entry in them now is built: nothing reads them again) */
    bib_buf_reset(&r->arena);
    if (bib_buf_reserve(&r->arena, sv->arena_len + 1) < 0)
        return BIB_ENOMEM;
    memcpy(r->arena.data, sv->arena, sv->arena_len + 1);
    r->arena.len = sv->arena_len;
    if (sv->nfields > r->capfields) {
        bt_raw_field *nf = realloc(r->fields, sv->nfields * sizeof *nf);
        if (!nf)
            return BIB_ENOMEM;
        r->fields = nf;
        r->capfields = sv->nfields;
    }
    if (sv->nfields) /* r->fields may still be NULL: memcpy takes none */
        memcpy(r->fields, sv->fields, sv->nfields * sizeof *r->fields);
    r->nfields = sv->nfields;
    bt_parsed pe;
    memset(&pe, 0, sizeof pe);
    pe.kind = BT_ENTRY;
    pe.type = sv->type;
    pe.type_len = sv->type_len;
    pe.key = sv->key;
    pe.key_len = sv->key_len;
    pe.line = sv->line;
    pe.opened = true;
    /* the entry being stepped keeps its type and link note */
    char type[sizeof r->type];
    memcpy(type, r->type, sizeof type);
    bool plike = r->type_plike, noted = r->link_noted;
    r->quiet = true;
    int rc = bt_build_record(r, &pe, out);
    r->quiet = false;
    memcpy(r->type, type, sizeof type);
    r->type_plike = plike;
    r->link_noted = noted;
    trim_buffers(r);
    return rc;
}

static int bt_open(bib_reader *rd, bib_input *in, const bib_options *opts)
{
    (void)opts;
    bt_reader *r = bib_reader_state(rd);
    r->in = in;
    r->biblatex = strcmp(bib_reader_format(rd)->name, "biblatex") == 0;
    bib_buf_init(&r->arena);
    bib_buf_init(&r->tmp);
    r->rd = rd;
    r->bol = true;
    r->keep_src = -1;
    r->field_index = bt_field_index_shared();
    bib_input_set_encoding(in, BIB_ENC_DETECT);
    return 0;
}

/* The window d[0..n) starts with text before an '@' at `a`: consumes it
 * (and the '@' of an entry commented out with '%'). */
static void skip_junk(bt_reader *r, const char *d, const char *a)
{
    const char *q = a;
    while (q > d && (q[-1] == ' ' || q[-1] == '\t'))
        q--;
    r->bol = q > d ? q[-1] == '\n' || q[-1] == '\r' : bib_input_column(r->in) == 1;
    /* "%@article{...": an entry commented out, as biber and JabRef read it
     * (BibTeX has no comments, but its users write them) */
    const char *ls = a;
    while (ls > d && ls[-1] != '\n' && ls[-1] != '\r')
        ls--;
    while (ls < a && (*ls == ' ' || *ls == '\t'))
        ls++;
    if (ls < a && *ls == '%' && (ls > d || bib_input_column(r->in) == 1)) {
        bib_input_consume(r->in, (size_t)(a - d) + 1);
        return;
    }
    bib_input_consume(r->in, (size_t)(a - d));
}

/* A parse error in window d[0..n): reported at its place, then the reader
 * resumes at the next '@' that begins a line. */
static int parse_error(bt_reader *r, const bt_pctx *c, const bt_parsed *pe, const char *d,
                       size_t n)
{
    size_t line, col;
    bib_input_position_of(r->in, c->err_at, &line, &col);
    if (pe->key_len) {
        size_t eline, ecol;
        bib_input_position_of(r->in, d, &eline, &ecol);
        bib_input_report(r->in, BIB_SEV_ERROR, line, col, "%s (entry '%.*s' from line %zu skipped)",
                         c->err, (int)(pe->key_len > 40 ? 40 : pe->key_len), pe->key, eline);
    } else {
        bib_input_report(r->in, BIB_SEV_ERROR, line, col, "%s", c->err);
    }
    bt_resync(r, d, n, c->err_at < d ? d : c->err_at);
    r->bol = true; /* resync stops at an '@' that begins a line */
    return BIB_EPARSE;
}

/* @string, @preamble, @comment (and @xdata, also kept as a parent) as a
 * directive record, so the bibtex writers give them back. */
static int directive(bt_reader *r, bt_parsed *pe, size_t used, bib_record **out)
{
    if (pe->kind == BT_ENTRY) { /* @xdata: not a work, a source of fields */
        bib_record *x = NULL;
        int rc = bt_build_record(r, pe, &x);
        if (rc < 0)
            return rc;
        if ((rc = bt_remember_parent(r, x)) < 0)
            return rc;
        pe->kind = BT_COMMENT;
    }
    const char *nm = pe->kind == BT_STRING                          ? "string"
                     : pe->kind == BT_PREAMBLE                      ? "preamble"
                     : bt_ieq(pe->type, pe->type_len, "comment") ? "comment"
                                                                    : "raw";
    *out = bib_record_new_directive("bibtex", nm, pe->raw, pe->raw_len);
    bib_input_consume(r->in, used);
    r->bol = false;
    return *out ? 1 : BIB_ENOMEM;
}

/* Duplicate keys: both entries are kept, with a warning (core's check,
 * which runs in input order when the input is read in pieces). */
static void note_key(bt_reader *r, const bt_parsed *pe)
{
    bib_reader_note_key(r->rd, pe->key, pe->key_len, pe->line);
}

/* The forgiven slips of a parsed entry, as warnings at their places. */
static void report_forgiven(bt_reader *r, const bt_pctx *c)
{
    for (int k = 0; k < c->nwarn; k++) {
        size_t wl, wc;
        bib_input_position_of(r->in, c->warn_at[k], &wl, &wc);
        bib_input_report(r->in, BIB_SEV_WARNING, wl, wc, "%s", c->warn[k]);
    }
}

/* Frees the arena and the conversion buffer after an entry that grew them
 * past 1 MiB, so that they do not hold a huge value while it is written. */
static void trim_buffers(bt_reader *r)
{
    if (r->arena.cap > (1u << 20))
        bib_buf_clear(&r->arena);
    if (r->tmp.cap > (1u << 20))
        bib_buf_clear(&r->tmp);
}

/* Text between entries is a comment for BibTeX, but text right after an
 * entry that reads as its continuation (a ',', a '}' or ')', or
 * `name =`) says the entry closed early: a '\}' or an unbalanced '}' in
 * a value, whose following fields BibTeX also ignores. Returns where that
 * text starts in p[0..end), or NULL (blanks, prose, '%' lines, the next
 * '@'). */
static const char *stray_fields(const char *p, const char *end)
{
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
        p++;
    if (p == end || *p == '@' || *p == '%')
        return NULL;
    if (*p == ',' || *p == '}' || *p == ')')
        return p;
    const char *q = p;
    while (q < end && (isalnum((unsigned char)*q) || strchr("_-:.", *q)))
        q++;
    if (q == p || q - p > 64)
        return NULL;
    while (q < end && (*q == ' ' || *q == '\t'))
        q++;
    return q < end && *q == '=' ? p : NULL;
}

/* Warns about stray_fields text after the entry `pe` that ends at `at`. */
static void check_after(bt_reader *r, const bt_parsed *pe, const char *at, const char *end)
{
    const char *s = stray_fields(at, end);
    if (!s)
        return;
    size_t line, col;
    char q[96];
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    bib_input_position_of(r->in, s, &line, &col);
    bib_input_report(r->in, BIB_SEV_WARNING, line, col,
                     "text after the end of entry '%.*s' ignored: '%s' (a '}' in a value, "
                     "escaped or not, closes the entry early)",
                     (int)(pe->key_len > 40 ? 40 : pe->key_len), pe->key,
                     bib_diag_quote(q, sizeof q, s, (size_t)((nl ? nl : end) - s), 20));
}

/* What one_entry says besides 1 (a record in *out) and errors. */
enum { ENTRY_HELD = 2, ENTRY_SKIPPED = 3, ENTRY_MORE = 4 };

/* Parses the entry at the start of window d[0..n) and maps it. Returns 1
 * with *out, ENTRY_HELD (a child waits for its parent), ENTRY_SKIPPED (a
 * stray '@'), ENTRY_MORE (the entry runs past the window) or a negative
 * error. */
static int one_entry(bt_reader *r, const char *d, size_t n, bool eof, bib_record **out)
{
    /* member by member: an initializer would clear its message buffers
     * (660 bytes) for every entry; warn[] is read only below nwarn */
    bt_pctx c;
    c.r = r;
    c.d = c.p = d;
    c.end = d + n;
    c.eof = eof;
    c.max_value = bib_input_max_value(r->in);
    c.err_at = NULL;
    c.err[0] = '\0';
    c.field = NULL;
    c.field_len = 0;
    c.nwarn = 0;
    bt_parsed pe;
    memset(&pe, 0, sizeof pe);
    bib_buf_reset(&r->arena);
    r->nfields = 0;
    int rc = bt_parse_entry(&c, &pe);
    if (rc == BT_NEED_MORE)
        return ENTRY_MORE;
    if (rc != BIB_EPARSE)
        report_forgiven(r, &c);
    if (rc == BIB_EPARSE && !pe.opened && !r->bol) {
        /* an '@' inside text between entries ("user@example.org"), not at
         * the start of a line and not followed by a type and a brace:
         * BibTeX's comment text, skipped without a word */
        bib_input_consume(r->in, 1);
        r->bol = false;
        return ENTRY_SKIPPED;
    }
    if (rc == BIB_EPARSE && !pe.opened && !pe.type_len && c.err_at >= d &&
        (c.err_at >= d + n || (*c.err_at != '{' && *c.err_at != '('))) {
        /* an '@' that opens a line but has no entry type after it: no
         * entry there, only text between entries (BibTeX's comment text,
         * docs/bibtex.md); said, since an entry may have been meant */
        size_t line, col;
        bib_input_position_of(r->in, d, &line, &col);
        bib_input_report(r->in, BIB_SEV_WARNING, line, col,
                         "an '@' without an entry type is ignored (text between entries)");
        bib_input_consume(r->in, 1);
        r->bol = false;
        return ENTRY_SKIPPED;
    }
    if (rc == BIB_EPARSE)
        return parse_error(r, &c, &pe, d, n);
    if (rc < 0)
        return rc;
    if (bib_buf_failed(&r->arena))
        return BIB_ENOMEM;
    pe.line = bib_input_line(r->in);
    size_t used = (size_t)(c.p - d);
    if (pe.kind == BT_ENTRY)
        check_after(r, &pe, c.p, d + n);
    if (pe.kind != BT_ENTRY ||
        ((pe.type[0] | 0x20) == 'x' && bt_ieq(pe.type, pe.type_len, "xdata")))
        return directive(r, &pe, used, out);
    if (pe.key_len)
        note_key(r, &pe);
    /* the values are in the arena now: the entry's text goes before the
     * record is built (type and key copied out of it first), so that a
     * huge value is not held by the input, the arena, the conversion and
     * the record at once */
    char key[512], type[64];
    char *long_key = NULL; /* a key past key[]: the record's id is whole */
    if (pe.key_len > sizeof key && !(long_key = malloc(pe.key_len)))
        return BIB_ENOMEM;
    /* a type past 63 bytes (the room of the record building's copy, which
     * then takes it whole) is cut at a character, not inside one */
    if (pe.type_len > sizeof type - 1) {
        pe.type_len = sizeof type - 1;
        while (pe.type_len && ((unsigned char)pe.type[pe.type_len] & 0xC0) == 0x80)
            pe.type_len--;
    }
    memcpy(long_key ? long_key : key, pe.key, pe.key_len);
    memcpy(type, pe.type, pe.type_len);
    pe.key = long_key ? long_key : key;
    pe.type = type;
    /* the blank lines up to the next entry's '@' at a line's start go
     * with this entry: skip_junk would consume them and note the '@' as
     * beginning a line, after a second window and '@' search */
    const char *q = c.p, *e = d + n;
    while (q < e && (*q == '\n' || *q == ' ' || *q == '\t' || *q == '\r'))
        q++;
    r->bol = false;
    if (q < e && *q == '@') {
        const char *t = q;
        while (t > c.p && (t[-1] == ' ' || t[-1] == '\t'))
            t--;
        if (t > c.p && (t[-1] == '\n' || t[-1] == '\r')) {
            used = (size_t)(q - d);
            r->bol = true;
        }
    }
    bt_consume_entry(&c, used); /* the line ends the parse counted */
    bib_input_trim(r->in);
    bib_record *rec = NULL;
    rc = bt_build_record(r, &pe, &rec);
    trim_buffers(r);
    if (rc >= 0) {
        /* what built rec, for the crossref step to keep it by (an arena
         * trimmed away, capacity 0, holds its values no more: the step
         * clones then) */
        r->built.ok = r->arena.cap != 0;
        r->built.key = pe.key;
        r->built.key_len = pe.key_len;
        r->built.type = pe.type;
        r->built.type_len = pe.type_len;
        r->built.line = pe.line;
        rc = bt_crossref_step(r, rec, r->type, out);
        r->built.ok = false;
    }
    free(long_key);
    return rc;
}

static int bt_next(bib_reader *rd, bib_record **out)
{
    bt_reader *r = bib_reader_state(rd);
    if (r->keep_src < 0) /* the run's writer is known once reading starts */
        r->keep_src = bib_reader_keeps_source(rd, "bibtex");
    if (r->rhead < r->nready) {
        *out = r->ready[r->rhead++];
        if (r->rhead == r->nready)
            r->rhead = r->nready = 0;
        return 1;
    }
    /* 64 KiB windows, or the bound when it is smaller: a window asked
     * past the bound is an error when the input holds that much */
    size_t max = bib_input_max_value(r->in), first = max < (1 << 16) ? max : 1 << 16;
    size_t want = first;
    for (;;) {
        const char *d;
        size_t n;
        int rc = bib_input_window(r->in, want, &d, &n);
        if (rc < 0)
            return rc;
        if (!n)
            return bt_crossref_flush(r, out);
        const char *a = memchr(d, '@', n);
        if (!a) {
            bib_input_consume(r->in, n);
            want = first;
            continue;
        }
        if (a > d) {
            skip_junk(r, d, a);
            continue;
        }
        /* an entry is parsed within the bound's first bytes even when
         * more is buffered, so that one longer than the bound is the
         * window's error however the input was cut into windows (-j) */
        size_t view = n > max ? max : n;
        rc = one_entry(r, d, view, n < want, out);
        if (rc == ENTRY_MORE)
            want = bib_input_grow(r->in, view);
        else if (rc != ENTRY_HELD && rc != ENTRY_SKIPPED)
            return rc;
    }
}

static void bt_close(bib_reader *rd)
{
    bt_reader *r = bib_reader_state(rd);
    bt_macros_free(&r->macros);
    bib_buf_clear(&r->arena);
    bib_buf_clear(&r->tmp);
    free(r->fields);
    bt_crossref_free(r);
}

const bib_reader_ops btfmt_reader_ops = {
    .state_size = sizeof(bt_reader),
    .open = bt_open,
    .next = bt_next,
    .close = bt_close,
    .options = NULL,
    .split = bt_split,
};
