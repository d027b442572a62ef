/* SPDX-License-Identifier: MIT */
/*
 * bt_writer.c - the bibtex writer (both formats): one entry per record, one
 * field per line, '=' aligned. Fields come from the crosswalk
 * (bt_crosswalk.c) walked in output order, so the writer knows every field
 * the reader knows; then the fields kept from a BibTeX source as extras,
 * in their order. Two rows have named rules here: the issued date
 * (`date`, or year/month/day) and the genre (`type`, by entry type).
 * Memory: one record's fields at a time. The state is in bt_writer_int.h;
 * the layout of an entry, once its fields are collected, is bt_emit.c's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "bibconv/dates.h"
#include "bibconv/keys.h"
#include "bibconv/latex.h"
#include "bibconv/names.h"
#include "btfmt.h"

#include "bt_writer_int.h"

static bool bad_key_byte(const bt_writer *w, unsigned char c);
static bool other_name_row(const bt_writer *w, size_t i, size_t j);

static int bw_begin(bib_writer *wr, bib_output *out, const bib_options *opts)
{
    bt_writer *w = bib_writer_state(wr);
    w->out = out;
    w->biblatex = strcmp(bib_writer_format(wr)->name, "biblatex") == 0;
    bib_writer_track_fields(wr);
    bib_writer_carries_extras(wr, "bibtex"); /* put_extras; biblatex too */
    bib_options_get_bool(opts, "ascii", !w->biblatex, &w->ascii);
    for (int c = 0; c < 256; c++)
        w->keybad[c] = bad_key_byte(w, (unsigned char)c);
    const char *ko = bib_options_get(opts, "keys");
    w->keys = !ko || strcmp(ko, "auto") == 0 ? 0 : strcmp(ko, "keep") == 0 ? 1 : 2;
    bib_buf_init(&w->val);
    bib_buf_init(&w->key);
    bib_buf_init(&w->safe);
    bib_buf_init(&w->vals);
    bib_buf_init(&w->fold);
    bib_buf_init(&w->ebuf);
    bib_buf_init(&w->pages);
    if (bt_crosswalk_rows > MAX_ROWS)
        return BIB_EINVAL;
    w->norder = bt_write_order(w->order);
    /* only this flavour's rows: put_rows walks them for every record */
    unsigned flavour = w->biblatex ? BT_WR_BIBLATEX : BT_WR_BIBTEX;
    size_t m = 0;
    for (size_t k = 0; k < w->norder; k++)
        if (bt_crosswalk[w->order[k]].flavour & flavour)
            w->order[m++] = w->order[k];
    w->norder = m;
    /* rows by variable, as sets of positions, so that a record costs the
     * rows of the variables it has, not all of them */
    memset(w->vmask, 0, sizeof w->vmask);
    memset(w->smask, 0, sizeof w->smask);
    for (size_t k = 0; k < w->norder; k++) {
        const bt_row *row = &bt_crosswalk[w->order[k]];
        uint64_t bit = (uint64_t)1 << (k % 64);
        if (row->special == BT_SP_ISSUED || row->special == BT_SP_GENRE)
            w->smask[k / 64] |= bit;
        else if ((unsigned)row->var < BIB_VAR_COUNT)
            w->vmask[row->var][k / 64] |= bit;
    }
    for (size_t i = 0; i < bt_crosswalk_rows; i++) {
        size_t j = 0;
        while (strcmp(bt_crosswalk[j].name, bt_crosswalk[i].name) != 0)
            j++;
        w->name_id[i] = (unsigned char)j;
        w->row_nlen[i] = strlen(bt_crosswalk[i].name);
    }
    /* the rows row_out_name may give another name: plain, not
     * BT_IF_NOT_KEPT, and with a row of another name for their variable */
    for (size_t i = 0; i < bt_crosswalk_rows; i++) {
        const bt_row *row = &bt_crosswalk[i];
        w->renames[i] = false;
        for (size_t j = 0; j < bt_crosswalk_rows && !w->renames[i]; j++)
            w->renames[i] = row->special == BT_PLAIN && !(row->when & BT_IF_NOT_KEPT) &&
                            other_name_row(w, i, j);
    }
    w->used = bib_keyset_new();
    w->macros = bib_keyset_new();
    w->folded = w->biblatex ? NULL : bib_keyset_new();
    /* make_key adds each id to both: their slots are fetched while the
     * record is read */
    bib_writer_warm_keys(wr, w->used, w->folded);
    return w->used && w->macros && (w->biblatex || w->folded) ? 0 : BIB_ENOMEM;
}

/* Collects field `name`, nlen bytes long, whose value is vals[off..off +
 * n) (the caller checked that a field is free). The caller gives the
 * name's length: a row's is taken once, in bw_begin (row_nlen), not per
 * field. */
static void add_field(bt_writer *w, const char *name, size_t nlen, size_t off, size_t n, bool bare)
{
    w->f[w->nf].name = name;
    w->f[w->nf].nlen = nlen;
    w->f[w->nf].off = off;
    w->f[w->nf].len = n;
    w->f[w->nf].bare = bare;
    w->f[w->nf].big = NULL;
    w->f[w->nf].ext = NULL;
    w->nf++;
}

/* A source text s[0..n) of the record being written as field `name`,
 * borrowed, not copied: the record outlives the entry's emit. */
static void put_source(bt_writer *w, const char *name, size_t nlen, const char *s, size_t n)
{
    if (w->nf >= MAX_OUT_FIELDS)
        return;
    add_field(w, name, nlen, 0, n, false);
    w->f[w->nf - 1].ext = s;
}

static void put_field_any(bt_writer *w, const char *name, size_t nlen, const char *v, size_t n,
                          bool bare)
{
    if (w->nf >= MAX_OUT_FIELDS)
        return;
    add_field(w, name, nlen, w->vals.len, n, bare);
    bib_buf_append_fast(&w->vals, v, n);
}

/* A field, unless its value is empty (a variable with nothing to say). */
static void put_field(bt_writer *w, const char *name, const char *v, size_t n, bool bare)
{
    if (n)
        put_field_any(w, name, strlen(name), v, n, bare);
}

/* w->val as field `name`. A long value keeps its buffer instead of a copy
 * in vals: a 200 MB abstract or name is then held once by the writer, not
 * twice. */
static void put_val(bt_writer *w, const char *name, bool bare)
{
    if (w->val.len >= BIG_VALUE && w->nf < MAX_OUT_FIELDS && !bib_buf_failed(&w->val)) {
        size_t n = w->val.len;
        char *d = bib_buf_detach(&w->val);
        if (d) {
            w->f[w->nf].name = name;
            w->f[w->nf].nlen = strlen(name);
            w->f[w->nf].off = 0;
            w->f[w->nf].len = n;
            w->f[w->nf].bare = bare;
            w->f[w->nf].big = d;
            w->f[w->nf].ext = NULL;
            w->nbig++;
            w->nf++;
            return;
        }
    }
    put_field(w, name, w->val.data, w->val.len, bare);
}

/* f's value as its BibTeX source wrote it, when that may go out instead
 * of the value encoded again (docs/bibtex.md, "Source text"): the reader
 * of this module kept it (the value is unchanged since: any setter drops
 * it, record.h) and read it as `kind`, so that it reads back under a row
 * of that kind as the same value; under -O ascii, ASCII only; for the
 * classic flavour, not a text the biblatex reader read (BibLaTeX's own
 * commands would reach classic LaTeX). */
static const char *source_of(const bt_writer *w, const bib_field *f, bt_kind kind, size_t *n)
{
    unsigned tag;
    if (!w->rec_src) /* most records of another format's source: no call per field */
        return NULL;
    const char *s = bib_field_source(f, w->rec_src, &tag, n);
    if (!s || (tag & ~(unsigned)(BT_SRC_ASCII | BT_SRC_BIBLATEX)) != (unsigned)kind ||
        (w->ascii && !(tag & BT_SRC_ASCII)) || (!w->biblatex && (tag & BT_SRC_BIBLATEX)))
        return NULL;
    return s;
}

/* put_text's conversion of field f (flags ff), when its source text does
 * not go out: out of line, so that put_text, for the source texts most
 * fields of a BibTeX source go out as, saves no registers for it. */
static __attribute__((noinline)) void put_converted(bt_writer *w, const char *name, size_t nlen,
                                                    const bib_field *f, unsigned ff, bt_kind kind)
{
    unsigned fl = w->ascii ? BIB_LATEX_ASCII : 0;
    if (bib_field_kind(f) == BIB_KIND_RICH)
        fl |= BIB_LATEX_FROM_RICH;
    if (kind == BT_VERB)
        fl = BIB_LATEX_OUT_VERBATIM;
    /* a single value of less than DIRECT_MAX bytes (most) is converted
     * straight to the end of vals, where put_val would copy it: its
     * output stays far below BIG_VALUE. Others go through val. */
    size_t nv = bib_field_value_count(f), n0 = 0, off = w->vals.len;
    const char *s0 = bib_field_value_at(f, 0);
    bool direct = nv == 1 && w->nf < MAX_OUT_FIELDS && (n0 = strlen(s0)) < DIRECT_MAX;
    bib_buf *b = direct ? &w->vals : &w->val;
    if (!direct)
        bib_buf_reset(b);
    for (size_t i = 0; i < nv; i++) {
        const char *s = i ? bib_field_value_at(f, i) : s0;
        if (i)
            bib_buf_puts(b, kind == BT_LIST ? ", " : " ");
        if (kind == BT_RANGE) {
            /* the range dash goes out as BibTeX's "--" itself: through the
             * escaper it would become "-{}-", which styles print as "-".
             * The writer's scratch buffer, not one allocated per range */
            bib_buf *pg = &w->pages;
            if (pg->cap > BIG_VALUE)
                bib_buf_clear(pg); /* a huge range's memory goes back */
            bib_buf_reset(pg);
            bib_pages_normalize(pg, s, direct ? n0 : strlen(s), "\x01");
            const char *p = pg->data ? pg->data : "", *e = p + pg->len;
            while (p <= e) {
                const char *d = memchr(p, '\x01', (size_t)(e - p));
                bib_latex_from_unicode(b, p, (size_t)((d ? d : e) - p), fl, &w->nolatex);
                if (!d)
                    break;
                bib_buf_puts(b, "--");
                p = d + 1;
            }
            if (bib_buf_failed(pg)) { /* the pages were cut short */
                b->failed = true;
                bib_buf_clear(pg); /* the next range starts afresh */
            }
        } else {
            size_t n = direct ? n0 : strlen(s), before = b->len;
            bib_latex_from_unicode(b, s, n, fl, &w->nolatex);
            if (kind == BT_VERB && b->len - before != n)
                w->encoded_verb = name; /* a row's name: static storage */
        }
    }
    bool bare = (ff & BIB_FIELD_BARE_NUMBER) != 0;
    if (!direct)
        put_val(w, name, bare);
    else if (w->vals.len > off) /* as put_field: an empty value is no field */
        add_field(w, name, nlen, off, w->vals.len - off, bare);
}

/* A text variable as `name` (nlen bytes), converted by the row's kind. */
static inline void put_text(bt_writer *w, const char *name, size_t nlen, const bib_record *rec,
                            bib_var var, bt_kind kind)
{
    const bib_field *f = bib_record_get(rec, var);
    w->written[var] = true;
    if (!f)
        return;
    unsigned ff = bib_field_flags(f);
    /* inherited fields stay with the parent: crossref brings them back */
    if (ff & w->skip_inherited)
        return;
    size_t sn;
    const char *src = source_of(w, f, kind, &sn);
    if (src)
        put_source(w, name, nlen, src, sn);
    else
        put_converted(w, name, nlen, f, ff, kind);
}

/* A no-break space inside a name part is written `~`, which BibTeX reads
 * as a tie between two name words: read back, the part would have a plain
 * space. `{~}` is one word and still a tie in TeX, so the no-break space
 * survives bibtex -> bibtex (docs/fidelity.md). The control blanks \v and
 * \f, which the name reader also splits words on, are braced too. Only a
 * byte outside braces, and a `~` not part of an accent command (`\~{n}`),
 * is one; from offset at of b. */
static bool tie_at(const char *d, size_t k, size_t at, int depth)
{
    if (depth != 0)
        return false;
    return d[k] == '\v' || d[k] == '\f' || (d[k] == '~' && !(k > at && d[k - 1] == '\\'));
}

/* Whether s[0..n) holds '~', '\v' or '\f': sixteen bytes a step with
 * SSE2 (the last block overlapping the one before), eight by a word's
 * zero-byte test, then bytes. A name is scanned once for them, and most
 * hold none. */
static bool has_tie_byte(const char *s, size_t n)
{
    size_t i = 0;
#if defined(__x86_64__) && defined(__SSE2__)
    if (n >= 16) {
        const __m128i t = _mm_set1_epi8('~'), v = _mm_set1_epi8('\v'), f = _mm_set1_epi8('\f');
        for (;; i += 16) {
            if (i + 16 > n)
                i = n - 16; /* the last bytes, over ones seen clean */
            __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
            __m128i m = _mm_or_si128(_mm_cmpeq_epi8(x, t),
                                     _mm_or_si128(_mm_cmpeq_epi8(x, v), _mm_cmpeq_epi8(x, f)));
            if (_mm_movemask_epi8(m))
                return true;
            if (i + 16 == n)
                return false;
        }
    }
#endif
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    for (; n - i >= 8; i += 8) {
        uint64_t x, a, b, c;
        memcpy(&x, s + i, 8);
        a = x ^ (ones * '~');
        b = x ^ (ones * '\v');
        c = x ^ (ones * '\f');
        if ((((a - ones) & ~a) | ((b - ones) & ~b) | ((c - ones) & ~c)) & high)
            return true;
    }
    for (; i < n; i++)
        if (s[i] == '~' || s[i] == '\v' || s[i] == '\f')
            return true;
    return false;
}

static void brace_ties(bib_buf *b, size_t at)
{
    /* most names hold none of the three bytes: then nothing to follow */
    if (b->len <= at || !has_tie_byte(b->data + at, b->len - at))
        return;
    int depth = 0;
    bool any = false;
    for (size_t k = at; k < b->len && !any; k++) {
        any = tie_at(b->data, k, at, depth);
        depth += b->data[k] == '{' ? 1 : b->data[k] == '}' && depth > 0 ? -1 : 0;
    }
    if (!any || bib_buf_failed(b))
        return;
    bib_buf name = BIB_BUF_INIT; /* the name as written, rewritten into b */
    if (bib_buf_append(&name, b->data + at, b->len - at) == 0) {
        bib_buf_truncate(b, at);
        depth = 0;
        for (size_t k = 0; k < name.len; k++) {
            if (tie_at(name.data, k, 0, depth)) {
                bib_buf_putc(b, '{');
                bib_buf_putc(b, name.data[k]);
                bib_buf_putc(b, '}');
            } else
                bib_buf_putc(b, name.data[k]);
            depth += name.data[k] == '{' ? 1 : name.data[k] == '}' && depth > 0 ? -1 : 0;
        }
    }
    bib_buf_clear(&name);
}

static void put_names(bt_writer *w, const char *name, size_t nlen, const bib_record *rec,
                      bib_var var)
{
    const bib_field *f = bib_record_get(rec, var);
    w->written[var] = true;
    /* inherited fields stay with the parent: crossref brings them back */
    if (!f || (bib_field_flags(f) & w->skip_inherited))
        return;
    size_t sn;
    const char *src = source_of(w, f, BT_NAMES, &sn);
    if (src) {
        put_source(w, name, nlen, src, sn);
        return;
    }
    bib_buf_reset(&w->val);
    size_t n = bib_field_name_count(f);
    for (size_t i = 0; i < n; i++) {
        if (i)
            bib_buf_append_fast(&w->val, " and ", 5);
        size_t at = w->val.len;
        bib_name_format_bibtex(&w->val, bib_field_name_at(f, i), w->ascii);
        brace_ties(&w->val, at);
    }
    if (bib_field_names_truncated(f))
        bib_buf_puts(&w->val, n ? " and others" : "others");
    put_val(w, name, false);
}

/* A date field: the source text when the reader kept one (a time of day,
 * EDTF qualifiers) and it is a BibLaTeX date, else EDTF. Another format's
 * spelling (RIS "1908///1909") would not read back as the date; it is
 * kept only when the parts have no EDTF form. */
/* A literal date in `year` ("19--", "50% off") is text, which the reader
 * converts from LaTeX: escaped as text is, or its "--" would read back as
 * an en dash. (A `date` field is read as it stands: not for that one.) */
static void put_literal(bt_writer *w, const char *name, const char *lit)
{
    bib_buf_reset(&w->val);
    bib_latex_from_unicode(&w->val, lit, strlen(lit), w->ascii ? BIB_LATEX_ASCII : 0,
                           &w->nolatex);
    put_field(w, name, w->val.data, w->val.len, false);
}

static void put_date(bt_writer *w, const char *name, const bib_date *dt)
{
    bib_buf_reset(&w->val);
    bool edtf_raw = false;
    if (dt->raw) {
        bib_date pd = {0};
        edtf_raw = bib_date_parse(&pd, dt->raw, strlen(dt->raw), BIB_DATE_EDTF) == 0;
        bib_date_clear(&pd);
    }
    if (edtf_raw) {
        bib_buf_puts(&w->val, dt->raw);
    } else if (bib_date_format_edtf(&w->val, dt) != 0) {
        if (!dt->raw)
            return;
        bib_buf_reset(&w->val);
        bib_buf_puts(&w->val, dt->raw);
    }
    put_field(w, name, w->val.data, w->val.len, false);
}

/* A date variable of a row (not the issued date, which has its rule). */
static void put_date_var(bt_writer *w, const char *name, const bib_record *rec, bib_var var)
{
    const bib_field *f = bib_record_get(rec, var);
    if (f && bib_field_date(f) && !(bib_field_flags(f) & w->skip_inherited))
        put_date(w, name, bib_field_date(f));
    w->written[var] = true;
}

/* The type table's answers for entry type name s, asked once per name and
 * writer (three scans of the table per entry otherwise). */
static const struct bt_tinfo *type_info(bt_writer *w, const char *s)
{
    size_t n = strlen(s);
    struct bt_tinfo *ti = &w->tlong;
    if (n && n < sizeof ti->name) {
        ti = &w->tcache[(n * 7 + (unsigned char)s[0]) % 32];
        if (ti->len == n && memcmp(ti->name, s, n) == 0)
            return ti;
        memcpy(ti->name, s, n);
        ti->len = (unsigned char)n;
    }
    ti->map = bt_map_type(s, n);
    ti->classic = bt_type_classic(s, n);
    ti->note_ok = bt_type_note_ok(s, n);
    return ti;
}

/* The entry type (table in bt_crosswalk.c); orig: the source's own, kept as
 * the extra `entrytype`, or NULL. */
static const char *out_type(bt_writer *w, const bib_record *rec, const char *orig)
{
    bib_type t = bib_record_type(rec);
    /* biber's @report needs a `type`: without a genre, its alias
     * @techreport supplies one, and reads back as no genre. Not for a
     * source that said @report itself: written as it was, it prints as it
     * did, and biber's "missing mandatory field" is the source's own */
    if (w->biblatex && t == BIB_TYPE_REPORT && !bib_record_has(rec, BIB_VAR_GENRE) &&
        (!orig || strcmp(orig, "techreport") == 0))
        return "techreport";
    /* the type the source gave, when it still means the record's type and
     * the flavour has it: classic styles know only the classic types */
    const struct bt_tinfo *oi = orig ? type_info(w, orig) : NULL;
    if (oi && oi->map == t && (w->biblatex || oi->classic)) {
        /* a classic @inbook is a chapter of the book its title names;
         * BibLaTeX's @inbook needs the book as booktitle: @book then */
        if (w->biblatex && strcmp(orig, "inbook") == 0 &&
            !bib_record_has(rec, BIB_VAR_CONTAINER_TITLE))
            return "book";
        return orig;
    }
    if (t == BIB_TYPE_ARTICLE) /* a preprint: arXiv's own export writes @misc */
        return w->biblatex && (bib_record_has(rec, BIB_VAR_URL) ||
                               bib_record_extra_get(rec, "bibtex", "eprint"))
                   ? "online"
                   : "misc";
    if (t == BIB_TYPE_THESIS && !w->biblatex) {
        const char *g = bib_record_text(rec, BIB_VAR_GENRE);
        const char *k = g ? bt_genre_key(t, g) : NULL;
        return g && ((k && strcmp(k, "mathesis") == 0) || strstr(g, "aster") || strstr(g, "MA "))
                   ? "mastersthesis"
                   : "phdthesis";
    }
    return bt_out_type(t, w->biblatex);
}

/* The genre as `type` (row "type"). It goes out even where biber's data
 * model has no such field (@online, @standard, and BibLaTeX's @book,
 * @inbook, @incollection, @inproceedings, where classic BibTeX's `type`
 * is the word printed for "chapter"): biber keeps it and warns only when
 * asked to validate, and dropping it would lose data (docs/bibtex.md). A
 * genre that is one of BibLaTeX's keys or exactly its words goes out as
 * the key in BibLaTeX (biblatex prints it in the document's language) and
 * as the words in classic BibTeX, where styles print `type` verbatim; the
 * reader takes both back as the words. Nothing is added for a record
 * without a genre. */
static void write_genre(bt_writer *w, const bt_row *row, const bib_record *rec, const char *type)
{
    const char *genre = bib_record_text(rec, BIB_VAR_GENRE);
    bib_type t = bib_record_type(rec);
    const char *key = genre ? bt_genre_key(t, genre) : NULL;
    w->written[row->var] = true;
    if (!genre)
        return;
    /* with the source's @thesis noted in `entrytype`, the genre cannot
     * ride in the entry type: written, it prints as the default would */
    if (key && !w->type_note &&
        ((strcmp(type, "phdthesis") == 0 && strcmp(key, "phdthesis") == 0) ||
         (strcmp(type, "mastersthesis") == 0 && strcmp(key, "mathesis") == 0)))
        return; /* the entry type says it */
    if (key) {
        const char *v = w->biblatex ? key : bt_genre_words(t, key);
        put_field(w, row->name, v, strlen(v), false);
    } else {
        put_text(w, row->name, strlen(row->name), rec, row->var, row->kind);
    }
}

/* year, month (as a macro) and day; what they cannot say (a range, a
 * season, circa, a time) also as `date`, which BibTeX styles ignore and
 * biber, Zotero and JabRef read. */
static void put_year_month_day(bt_writer *w, const char *name, const bib_date *dt)
{
    /* digits by bib_dec_format, not snprintf (5 % of csljson -> bibtex) */
    char num[BIB_DEC_MAX];
    const char *p = bib_dec_format(num, dt->parts[0].year);
    put_field(w, "year", p, (size_t)(num + sizeof num - p), false);
    const char *mm = bib_month_macro(dt->parts[0].month);
    if (mm)
        put_field(w, "month", mm, 3, true);
    if (dt->parts[0].day && mm) {
        p = bib_dec_format(num, dt->parts[0].day);
        put_field(w, "day", p, (size_t)(num + sizeof num - p), false);
    }
    if (dt->nparts > 1 || dt->circa || dt->raw || dt->parts[0].season)
        put_date(w, name, dt);
}

/* A date shown without its year ("May 29" on a feed page) as month and
 * day, which BibTeX styles print and the reader keeps; no `date` or `year`
 * can hold it. False when dt is not such a date. */
static bool put_yearless(bt_writer *w, const bib_date *dt)
{
    bib_date pd = {0};
    bool yearless = dt->raw && !dt->literal && (!dt->nparts || !dt->parts[0].has_year) &&
                    bib_date_parse(&pd, dt->raw, strlen(dt->raw), BIB_DATE_ANY) == 0 &&
                    pd.nparts && !pd.parts[0].has_year && pd.parts[0].month;
    if (yearless) {
        put_field(w, "month", bib_month_macro(pd.parts[0].month), 3, true);
        if (pd.parts[0].day) {
            char num[32];
            snprintf(num, sizeof num, "%d", pd.parts[0].day);
            put_field(w, "day", num, strlen(num), false);
        }
    }
    bib_date_clear(&pd);
    return yearless;
}

/* The issued date (row "date"): `date` in BibLaTeX, year/month/day in
 * BibTeX (plus `date` when they cannot say it all). */
static void write_issued(bt_writer *w, const bt_row *row, const bib_record *rec)
{
    const bib_field *df = bib_record_get(rec, row->var);
    if (df && (bib_field_flags(df) & w->skip_inherited))
        df = NULL;
    const bib_date *dt = df ? bib_field_date(df) : NULL;
    w->written[row->var] = true;
    if (!dt)
        return;
    /* year/month/day kept as extras mean the source had a `date` besides
     * them: write `date` again so they stay extras on reading */
    bool date_src = bib_record_extra_get(rec, "bibtex", "year") ||
                    bib_record_extra_get(rec, "bibtex", "month") ||
                    bib_record_extra_get(rec, "bibtex", "day");
    if (put_yearless(w, dt))
        return;
    if (w->biblatex || date_src) {
        put_date(w, row->name, dt);
    } else if (dt->nparts >= 1 && dt->parts[0].has_year) {
        put_year_month_day(w, row->name, dt);
    } else if (dt->literal) {
        /* a literal of digits only would read back as a year */
        size_t k = strspn(dt->literal, "0123456789");
        put_literal(w, dt->literal[k] ? "year" : row->name, dt->literal);
    }
}

/* What the rows' writer conditions ask of the record being written. */
typedef struct row_ctx {
    const bib_record *rec;
    bib_type type;
    bool article, manual; /* the output entry type */
} row_ctx;

/* Whether a row's writer conditions hold. */
static bool row_applies(const bt_row *row, const row_ctx *x)
{
    unsigned c = row->when;
    if (!c)
        return true;
    return !((c & BT_IF_ARTICLE && !x->article) || (c & BT_IF_NOT_ARTICLE && x->article) ||
             (c & BT_IF_MANUAL && !x->manual) || (c & BT_IF_NOT_MANUAL && x->manual) ||
             (c & BT_IF_THESIS && x->type != BIB_TYPE_THESIS) ||
             (c & BT_IF_REPORT && x->type != BIB_TYPE_REPORT) ||
             (c & BT_IF_NO_NUMBER && bib_record_has(x->rec, BIB_VAR_NUMBER)) ||
             (c & BT_IF_NOT_KEPT && bib_record_extra_get(x->rec, "bibtex", row->name)));
}

/* Whether row j is another name the reader reads row i's variable by, as
 * row_out_name wants one (the record-independent half of its test). */
static bool other_name_row(const bt_writer *w, size_t i, size_t j)
{
    const bt_row *row = &bt_crosswalk[i], *o = &bt_crosswalk[j];
    const unsigned art = BT_IF_ARTICLE | BT_IF_NOT_ARTICLE;
    return o->var == row->var && (o->flavour & BT_RD) && o->special == BT_PLAIN &&
           o->kind == row->kind && (o->when & art) == (row->when & art) &&
           !(o->when & BT_IF_NOT_KEPT) && w->name_id[j] != w->name_id[i];
}

/* The name the variable of row i goes out under. Its own, unless the
 * source kept a field of that name beside it (it had both `address` and
 * `location`, or `journal` and `journaltitle`: one field reads as the
 * variable, the other is kept): then the reader's other name for the
 * same variable, if the source kept none under it and no variable took
 * it, so that the kept field goes out under its own name after it and
 * the re-read gives both back as they were (the reader takes the first
 * and keeps the second, docs/bibtex.md). */
static const char *row_out_name(bt_writer *w, const bib_record *rec, size_t i)
{
    const bt_row *row = &bt_crosswalk[i];
    /* renames[i]: whether row i may go out under another name at all
     * (bw_begin), so that most rows ask the record nothing */
    if (!w->renames[i] || !bib_record_extra_get(rec, "bibtex", row->name))
        return row->name;
    for (size_t j = 0; j < bt_crosswalk_rows; j++) {
        const bt_row *o = &bt_crosswalk[j];
        if (other_name_row(w, i, j) && !w->taken[w->name_id[j]] &&
            !bib_record_extra_get(rec, "bibtex", o->name)) {
            w->taken[w->name_id[j]] = true;
            return o->name;
        }
    }
    return row->name;
}

/* Every variable the crosswalk maps, by its rows in output order: the
 * first row whose flavour and conditions hold and whose name no other
 * variable took. */
static void put_rows(bt_writer *w, const bib_record *rec, const char *type)
{
    row_ctx x = {.rec = rec,
                 .type = bib_record_type(rec),
                 /* the first byte first: no call for most types */
                 .article = type[0] == 'a' && strcmp(type, "article") == 0,
                 .manual = type[0] == 'm' && strcmp(type, "manual") == 0};
    memset(w->taken, 0, sizeof w->taken);
    /* the rows to visit, in output order: the special ones and those of the
     * record's variables (most rows name one it lacks), as a set of
     * positions in `order` */
    uint64_t visit[VISIT_WORDS];
    memcpy(visit, w->smask, sizeof visit);
    for (size_t i = 0; i < w->nfvars; i++) {
        bib_var v = w->fvars[i];
        if (v > BIB_VAR_NONE && v < BIB_VAR_COUNT)
            for (size_t j = 0; j < VISIT_WORDS; j++)
                visit[j] |= w->vmask[v][j];
    }
    for (size_t word = 0; word < sizeof visit / sizeof visit[0]; word++)
        for (uint64_t bits = visit[word]; bits; bits &= bits - 1) {
            size_t k = word * 64 + (size_t)__builtin_ctzll(bits);
            const bt_row *row = &bt_crosswalk[w->order[k]];
            if (row->special == BT_SP_ISSUED) {
                write_issued(w, row, rec);
                continue;
            }
            if (row->special == BT_SP_GENRE) {
                write_genre(w, row, rec, type);
                continue;
            }
            bool *taken = &w->taken[w->name_id[w->order[k]]];
            if (w->written[row->var] || *taken || !row_applies(row, &x))
                continue;
            *taken = true;
            const char *name = row_out_name(w, rec, w->order[k]);
            /* a row's own name has its length taken once */
            size_t nlen = name == row->name ? w->row_nlen[w->order[k]] : strlen(name);
            if (row->kind == BT_NAMES)
                put_names(w, name, nlen, rec, row->var);
            else if (row->kind == BT_DATE)
                put_date_var(w, name, rec, row->var);
            else
                put_text(w, name, nlen, rec, row->var, row->kind);
        }
}

/* The fields kept from a BibTeX source, in their order, unless a field of
 * that name went out already. */
static void put_extras(bt_writer *w, const bib_record *rec)
{
    size_t ne = bib_record_extra_count(rec);
    const char *bt_fmt = w->rec_src; /* a copy of "bibtex" seen: compared as a pointer */
    for (size_t i = 0; i < ne; i++) {
        const char *fmt, *nm, *v;
        size_t vl;
        /* a record's extras mostly share one copy of their format's name,
         * which then compares as a pointer after the first; a name is
         * "entrytype" only from its first byte on */
        if (bib_record_extra_at(rec, i, &fmt, &nm, &v, &vl) < 0 ||
            (fmt != bt_fmt && strcmp(fmt, "bibtex") != 0))
            continue;
        bt_fmt = fmt;
        if (nm[0] == 'e' && strcmp(nm, "entrytype") == 0)
            continue;
        /* a link left out goes out as its note, which styles skip and the
         * reader takes back (docs/bibtex.md), unless the source has a
         * field of the note's name */
        bool xref = w->drop_xref && strcmp(nm, "crossref") == 0,
             xdata = w->drop_xdata && strcmp(nm, "xdata") == 0;
        if (xref || xdata) {
            const char *note = xref ? BT_XREF_NOTE : BT_XDATA_NOTE;
            if (!bib_record_extra_get(rec, "bibtex", note))
                put_field(w, note, v, vl, false);
            continue;
        }
        /* by length and first byte before the bytes: a field name seldom
         * matches */
        bool seen = false;
        size_t j = 0, nl = strlen(nm);
        for (; j < w->nf && !seen; j++)
            seen = w->f[j].nlen == nl && w->f[j].name[0] == nm[0] &&
                   memcmp(w->f[j].name, nm, nl) == 0;
        if (!seen) {
            /* an empty field the reader kept (`organization = {}`) is
             * written back, or the round trip would lose it */
            put_field_any(w, nm, nl, v, vl, false);
            continue;
        }
        /* BibTeX holds one value per name: a kept field that differs from
         * the value written under its name is lost, and said so (an
         * @article with both booktitle and journal: booktitle went out as
         * journal, the input's journal was kept as an extra) */
        j--;
        if (w->f[j].len != vl || memcmp(bt_out_val(w, j), v, vl) != 0) {
            if (w->nclash < sizeof w->clash / sizeof w->clash[0])
                w->clash[w->nclash] = nm;
            w->nclash++;
        }
    }
}

/* Bytes a key cannot hold: the reader ends a key at white space, ',' or
 * '=', a brace would close the entry, and biber reads the rest as
 * syntax. BibLaTeX output also refuses parentheses and the apostrophe,
 * which biber's parser (btparse) takes for the end of the key; classic
 * BibTeX takes them (keys like 'Smith(2020)' occur in real files), so the
 * classic writer keeps them. */
static bool bad_key_byte(const bt_writer *w, unsigned char c)
{
    /* by table, not strchr per byte of every key: 1 refused by both
     * flavours, 2 by BibLaTeX only */
    static const unsigned char bad[256] = {
        [','] = 1, ['='] = 1, ['{'] = 1, ['}'] = 1, ['"'] = 1, ['#'] = 1, ['%'] = 1,
        ['\\'] = 1, ['('] = 2, [')'] = 2, ['\''] = 2,
    };
    return c <= ' ' || c == 0x7f || (bad[c] & (w->biblatex ? 3 : 1));
}

/* A buffer that held a long key gives its memory back. */
static void reset_key_buf(bib_buf *b)
{
    if (b->cap > BIG_VALUE)
        bib_buf_clear(b);
    bib_buf_reset(b);
}

/* The key into w->keyp: kept, made unique, or generated (-O keys). An id
 * with bytes a key cannot hold is written with '_' for each (warned). An
 * id that goes out as it is is not copied (issue 18: a single huge value
 * needs at most twice its size). */
static int make_key_exact(bt_writer *w, const bib_record *rec)
{
    reset_key_buf(&w->key);
    reset_key_buf(&w->safe);
    const char *id = bib_record_id(rec);
    /* w->keybad: bad_key_byte by table, NUL among them, so one test a
     * byte finds the end or the first byte a key cannot hold */
    const unsigned char *u = (const unsigned char *)id;
    if (u)
        while (!w->keybad[*u])
            u++;
    if (u && *u) {
        bib_buf_puts(&w->safe, id);
        for (size_t i = 0; i < w->safe.len; i++)
            if (w->keybad[(unsigned char)w->safe.data[i]])
                w->safe.data[i] = '_';
    }
    if (bib_buf_failed(&w->safe))
        return BIB_ENOMEM;
    if (w->safe.len) {
        bib_output_report(w->out, BIB_SEV_WARNING,
                          "record '%.40s': written with key '%.40s': a BibTeX key holds no "
                          "white space, commas, braces, quotes or =#%%\\%s",
                          id, w->safe.data, w->biblatex ? ", nor biber's ()'" : "");
        id = w->safe.data;
    }
    if (id && (w->keys == 1 || (w->keys == 0 && *id))) {
        /* the first lookup of bib_key_unique, done here: a new id goes
         * out as it is; a used one (keys=auto) is retried there, where the
         * add answers "used" again and a suffix follows */
        int rc = bib_keyset_add(w->used, id);
        if (rc < 0)
            return rc;
        if (rc == 1 || w->keys == 1) {
            w->keyp = id;
            return 0;
        }
    }
    int rc = bib_key_unique(&w->key, w->used, rec, w->keys == 2 ? NULL : id);
    w->keyp = w->key.data;
    return rc;
}

/* make_key_exact, and for classic BibTeX, which takes keys that differ
 * only in case for one entry ("Repeated entry", docs/bibtex.md), a key
 * whose lower case was written already is replaced by a generated one,
 * as a repeated key is (not with -O keys=keep). */
static int make_key(bt_writer *w, const bib_record *rec)
{
    int rc = make_key_exact(w, rec);
    /* a key of BIG_VALUE bytes or more is no key BibTeX can read anyway,
     * and a folded copy would hold a huge id a third time (issue 18) */
    size_t kl;
    if (rc < 0 || !w->folded || w->keys == 1 || (kl = strlen(w->keyp)) >= BIG_VALUE)
        return rc;
    for (bool renamed = false;; renamed = true) {
        /* lower-cased in place after one reserve, no call per byte */
        bib_buf_reset(&w->fold);
        if (bib_buf_reserve(&w->fold, kl))
            return BIB_ENOMEM;
        for (size_t i = 0; i < kl; i++) {
            char c = w->keyp[i];
            w->fold.data[i] = (char)(c >= 'A' && c <= 'Z' ? c + 32 : c);
        }
        w->fold.data[kl] = '\0';
        w->fold.len = kl;
        rc = bib_keyset_add(w->folded, w->fold.data);
        if (rc < 0)
            return rc;
        if (rc == 1) {
            if (renamed)
                bib_output_report(w->out, BIB_SEV_WARNING,
                                  "record '%.40s': written with key '%.40s': BibTeX takes keys "
                                  "that differ only in case for one",
                                  bib_record_id(rec) ? bib_record_id(rec) : "", w->keyp);
            return 0;
        }
        reset_key_buf(&w->key);
        if ((rc = bib_key_unique(&w->key, w->used, rec, NULL)) < 0)
            return rc;
        w->keyp = w->key.data;
        kl = strlen(w->keyp);
    }
}

/* An id written with '_' for bytes of biber's ()' (or "#=) goes on as the
 * entry's alias in `ids`, biber's field for the keys an entry is also
 * cited by, which the reader takes back as the id: a document citing the
 * old key still finds the entry, and the round trip keeps it. Not when
 * the record has `ids` of its own, or its id had other bytes no key
 * holds (white space, ",{}%\" end an alias too). */
static void put_key_alias(bt_writer *w, const bib_record *rec)
{
    const char *id = bib_record_id(rec);
    if (!id || !w->safe.len || bib_record_extra_get(rec, "bibtex", "ids"))
        return;
    size_t n = strlen(id);
    if (bt_key_of_alias(w->keyp, strlen(w->keyp), id, n))
        put_field(w, "ids", id, n, false);
}

/* The record's warnings, once its key is known. */
static void report_losses(bt_writer *w)
{
    if (w->nolatex) {
        bib_output_report(w->out, BIB_SEV_WARNING,
                          "record '%.40s': %zu character(s) with no LaTeX form kept as UTF-8",
                          w->keyp, w->nolatex);
        w->nolatex = 0;
    }
    if (w->encoded_verb) {
        bib_output_report(w->out, BIB_SEV_WARNING,
                          "record '%.40s': braces of field '%s' do not pair up: "
                          "written as %%7B and %%7D",
                          w->keyp, w->encoded_verb);
        w->encoded_verb = NULL;
    }
    size_t named = sizeof w->clash / sizeof w->clash[0];
    for (size_t i = 0; i < w->nclash && i < named; i++)
        bib_output_report(w->out, BIB_SEV_WARNING,
                          "record '%.40s': field '%.40s' of the input not written: another "
                          "value went out under its name", w->keyp, w->clash[i]);
    if (w->nclash > named)
        bib_output_report(w->out, BIB_SEV_WARNING,
                          "record '%.40s': %zu more fields of the input not written alike",
                          w->keyp, w->nclash - named);
    w->nclash = 0;
}

/* The entry type the classic writer notes in `entrytype` beside `type`
 * (docs/bibtex.md, "Types classic BibTeX lacks"), or NULL: the source's
 * own type when classic BibTeX lacks it and it still means the record's
 * type; else, when `type` reads back as another CSL type (a dataset
 * written @misc), BibLaTeX's type for the record's, when that reads back
 * as it. */
static const char *type_note_of(bt_writer *w, const bib_record *rec, const char *orig,
                                const char *type)
{
    bib_type t = bib_record_type(rec);
    if (w->biblatex)
        return NULL;
    /* out_type gave the source's own type back (most records of a BibTeX
     * source): only when that type means t, so that the test below
     * (type's map is not t) fails, and there is nothing to note */
    if (orig && type == orig)
        return NULL;
    if (orig && strcmp(orig, type) != 0) {
        const struct bt_tinfo *oi = type_info(w, orig);
        if (oi->note_ok && oi->map == t)
            return orig;
    }
    /* what follows depends on t and type alone: without a source type,
     * type is one of out_type's static strings, and the answer is kept
     * (three table scans a record otherwise) */
    bool keep = !orig && (unsigned)t < BIB_TYPE_COUNT;
    if (keep && w->tnote[t].type == type)
        return w->tnote[t].note;
    const char *bl = bt_out_type(t, true), *note = NULL;
    if (type_info(w, type)->map != t && bl) {
        const struct bt_tinfo *bi = type_info(w, bl);
        if (bi->note_ok && bi->map == t)
            note = bl;
    }
    if (keep) {
        w->tnote[t].type = type;
        w->tnote[t].note = note;
    }
    return note;
}

/* Writes rec; wr non-NULL when rec is the record of the current write()
 * call, whose written fields core's dropped-field count is told of (a
 * held crossref child written later is not that record). */
static int write_entry(bt_writer *w, const bib_record *rec, bib_writer *wr)
{
    /* classic styles know only the classic types: a BibTeX source's type
     * classic BibTeX lacks goes out as a classic one, and is noted in
     * `entrytype`, which styles ignore and the reader takes back
     * (docs/bibtex.md, "Types classic BibTeX lacks") */
    const char *orig = bib_record_extra_get(rec, "bibtex", "entrytype");
    const char *type = out_type(w, rec, orig);
    const char *note = type_note_of(w, rec, orig, type);
    w->type_note = note != NULL;
    const char *sf = bib_record_source_format(rec);
    w->rec_src = !sf ? NULL : strcmp(sf, "bibtex") == 0 ? sf : "bibtex";
    bt_drop_fields(w);
    memset(w->written, 0, sizeof w->written);
    bib_buf_reset(&w->vals);
    /* the record's variables, asked of the record once (put_rows and the
     * count of written fields below both walk them) */
    w->nfvars = bib_record_field_count(rec);
    if (w->nfvars > BIB_VAR_COUNT) /* one field per variable: not reached */
        w->nfvars = BIB_VAR_COUNT;
    for (size_t i = 0; i < w->nfvars; i++)
        w->fvars[i] = bib_field_var(bib_record_field_at(rec, i));
    const char *xr = bib_record_extra_get(rec, "bibtex", "crossref");
    /* a crossref left out: what the entry inherited is its own now */
    w->skip_inherited =
        w->drop_xref || (xr && bib_keyset_has(w->used, xr)) ? 0 : BIB_FIELD_INHERITED;
    /* classic BibTeX has no @xdata (bt_write_directive leaves it out): an
     * entry naming one is written with the fields it inherited from it */
    w->drop_xdata = !w->biblatex && bib_record_extra_get(rec, "bibtex", "xdata");
    if (w->drop_xdata && !xr)
        w->skip_inherited = 0;
    put_rows(w, rec, type);
    if (note)
        put_field(w, "entrytype", note, strlen(note), false);
    /* biber's own field for a subtype, which standard styles skip */
    if (w->biblatex && orig && strcmp(orig, BT_SUBTYPE_NOTE) == 0 && strcmp(type, "book") == 0 &&
        !bib_record_extra_get(rec, "bibtex", "entrysubtype"))
        put_field(w, "entrysubtype", orig, strlen(orig), false);
    put_extras(w, rec);
    /* put, or left to the crossref parent; core asks only about the
     * record's own fields (plugin.h) */
    for (size_t i = 0, n = wr ? w->nfvars : 0; i < n; i++) {
        bib_var v = w->fvars[i];
        if (v > BIB_VAR_NONE && v < BIB_VAR_COUNT && w->written[v])
            bib_writer_wrote(wr, v);
    }
    if (make_key(w, rec) < 0)
        return BIB_ENOMEM;
    put_key_alias(w, rec);
    report_losses(w);
    if (bib_buf_failed(&w->vals) || bib_buf_failed(&w->val) || bib_buf_failed(&w->key))
        return BIB_ENOMEM;
    return bt_emit(w, type);
}

/* Takes held[i] out of the list; the caller owns it. */
static bib_record *unhold(bt_writer *w, size_t i)
{
    bib_record *c = w->held[i];
    memmove(w->held + i, w->held + i + 1, (w->nheld - i - 1) * sizeof *w->held);
    w->nheld--;
    return c;
}

/* Writes the held children naming `id` as crossref parent, each after its
 * own held children (child -> book -> mvbook), before the parent. The
 * depth is bounded by BT_WR_HELD. */
static int release_children(bt_writer *w, const char *id)
{
    for (size_t i = 0; id && i < w->nheld;) {
        const char *xr = bib_record_extra_get(w->held[i], "bibtex", "crossref");
        if (!xr || strcmp(xr, id) != 0) {
            i++;
            continue;
        }
        bib_record *c = unhold(w, i);
        int rc = release_children(w, bib_record_id(c));
        if (rc >= 0)
            rc = write_entry(w, c, NULL);
        bib_record_free(c);
        if (rc < 0)
            return rc;
        i = 0; /* the recursion may have taken others */
    }
    return 0;
}

static int bw_write(bib_writer *wr, const bib_record *rec)
{
    bt_writer *w = bib_writer_state(wr);
    if (bib_record_kind_of(rec) == BIB_RECORD_DIRECTIVE)
        return bt_write_directive(w, rec);
    if (!w->biblatex) {
        const char *xr = bib_record_extra_get(rec, "bibtex", "crossref");
        const char *id = bib_record_id(rec);
        if (xr && !bib_keyset_has(w->used, xr) && !(id && strcmp(id, xr) == 0)) {
            if (w->nheld == BT_WR_HELD) {
                /* bound memory: the oldest goes out now, after its own held
                 * children, without its crossref and with what it inherited
                 * written as its own: BibTeX counts a crossref to a parent
                 * that never comes an error, and one that comes later is
                 * not known here (docs/bibtex.md) */
                bib_record *c = unhold(w, 0);
                int rc = release_children(w, bib_record_id(c));
                if (rc >= 0) {
                    bib_output_report(w->out, BIB_SEV_WARNING,
                                      "record '%.40s': crossref parent '%.40s' not in the output "
                                      "within %d held entries: crossref left out, its fields "
                                      "written in the entry",
                                      bib_record_id(c) ? bib_record_id(c) : "",
                                      bib_record_extra_get(c, "bibtex", "crossref"), BT_WR_HELD);
                    w->drop_xref = true;
                    rc = write_entry(w, c, NULL);
                    w->drop_xref = false;
                }
                bib_record_free(c);
                if (rc < 0)
                    return rc;
            }
            bib_record *c = bib_record_clone(rec);
            if (!c)
                return BIB_ENOMEM;
            w->held[w->nheld++] = c;
            /* written later, before its parent: not counted as dropped now
             * (what its later write leaves out goes unreported) */
            for (size_t i = 0; i < bib_record_field_count(rec); i++)
                bib_writer_wrote(wr, bib_field_var(bib_record_field_at(rec, i)));
            return 0;
        }
        int rc = release_children(w, id);
        if (rc < 0)
            return rc;
    }
    return write_entry(w, rec, wr);
}

static int bw_end(bib_writer *wr)
{
    bt_writer *w = bib_writer_state(wr);
    int rc = 0;
    while (w->nheld) {
        /* an entry whose parent is not held either (or any, in a cycle)
         * goes out last of its held descendants, without its crossref */
        size_t r = 0;
        for (size_t i = 0; i < w->nheld; i++) {
            const char *xr = bib_record_extra_get(w->held[i], "bibtex", "crossref");
            bool parent_held = false;
            for (size_t k = 0; k < w->nheld && !parent_held; k++)
                parent_held = bib_record_id(w->held[k]) && strcmp(bib_record_id(w->held[k]), xr) == 0;
            if (!parent_held) {
                r = i;
                break;
            }
        }
        bib_record *c = unhold(w, r);
        if (rc >= 0 && w->used)
            rc = release_children(w, bib_record_id(c));
        if (rc >= 0 && w->used) {
            bib_output_report(w->out, BIB_SEV_WARNING,
                              "record '%.40s': crossref parent '%.40s' is not in the output: "
                              "crossref left out (BibTeX counts it an error)",
                              bib_record_id(c) ? bib_record_id(c) : "",
                              bib_record_extra_get(c, "bibtex", "crossref"));
            w->drop_xref = true;
            rc = write_entry(w, c, NULL);
            w->drop_xref = false;
        }
        bib_record_free(c);
    }
    bt_drop_fields(w);
    bib_buf_clear(&w->val);
    bib_buf_clear(&w->key);
    bib_buf_clear(&w->safe);
    bib_buf_clear(&w->vals);
    bib_buf_clear(&w->ebuf);
    bib_buf_clear(&w->pages);
    bib_writer_warm_keys(wr, NULL, NULL);
    bib_keyset_free(w->used);
    w->used = NULL;
    bib_keyset_free(w->macros);
    w->macros = NULL;
    bib_keyset_free(w->folded);
    w->folded = NULL;
    bib_buf_clear(&w->fold);
    if (rc < 0)
        return rc;
    return w->out ? bib_output_error(w->out) : 0;
}

static const bib_option_spec writer_options[] = {
    {"ascii", BIB_OPT_BOOL, NULL, "true for bibtex, false for biblatex",
     "write non-ASCII characters as LaTeX commands"},
    {"keys", BIB_OPT_CHOICE, "auto,keep,regenerate", "auto",
     "keep keys (auto: generate missing/duplicate ones), or regenerate all"},
    {NULL, 0, NULL, NULL, NULL},
};

const bib_writer_ops btfmt_writer_ops = {
    .state_size = sizeof(bt_writer),
    .begin = bw_begin,
    .write = bw_write,
    .end = bw_end,
    .options = writer_options,
};
