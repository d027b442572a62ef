/* SPDX-License-Identifier: MIT */
/*
 * tagged_map.c - the generic mappings of the tagged formats' field tables
 * (tagged.h) in both directions, and the name forms they share: "Last,
 * First M" (MEDLINE FAU, WoS AF) and "Last FM" / "Last, FM" (MEDLINE AU,
 * WoS AU), docs/medline.md "Names".
 *
 * Not for: dates (tagged_date.c), the line loop (tagged_read.c).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/utf8.h"
#include "tagged.h"

void tg_extra(tg_build *b, const tg_entry *e)
{
    if (b->rc)
        return;
    char tag[5];
    tg_tag_unpack(e->tag, tag);
    b->rc = bib_record_add_extra(b->rec, b->r->syn->format, tag, tg_val(b->r, e), e->len);
}

void tg_set_once(tg_build *b, bib_var var, const tg_entry *e)
{
    if (b->rc)
        return;
    if (bib_record_has(b->rec, var)) {
        tg_extra(b, e);
        return;
    }
    /* plain text is rich text as it is (record.h): no copy through a buffer */
    b->rc = bib_record_set_text(b->rec, var, tg_val(b->r, e), e->len);
}

/* Adds s[0..len) trimmed to var unless empty or (`dedupe`) already there. */
static void add_value(tg_build *b, bib_var var, const char *s, size_t len, bool dedupe)
{
    while (len && isspace((unsigned char)*s)) {
        s++;
        len--;
    }
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    if (!len || b->rc)
        return;
    const bib_field *f = bib_record_get(b->rec, var);
    for (size_t i = 0; dedupe && f && i < bib_field_value_count(f); i++) {
        const char *o = bib_field_value_at(f, i);
        if (strlen(o) == len && memcmp(o, s, len) == 0)
            return;
    }
    b->rc = bib_record_add_text(b->rec, var, s, len);
}

/* Splits a list on the separators in `seps` into values of var. */
static void add_list(tg_build *b, bib_var var, const tg_entry *e, const char *seps)
{
    const char *s = tg_val(b->r, e), *end = s + e->len;
    while (s < end && !b->rc) {
        const char *q = s;
        while (q < end && !strchr(seps, *q))
            q++;
        add_value(b, var, s, (size_t)(q - s), false);
        s = q + 1;
    }
}

/* "0028-0836 (Print)" -> "0028-0836": the qualifier tells the medium,
 * which CSL does not hold (docs/medline.md). */
static void add_issn(tg_build *b, bib_var var, const tg_entry *e)
{
    const char *s = tg_val(b->r, e);
    const char *p = memchr(s, '(', e->len);
    add_value(b, var, s, p ? (size_t)(p - s) : e->len, true);
}

bool tg_read_generic(tg_build *b, const tg_field *f, const tg_entry *e)
{
    switch (f->kind) {
    case TG_K_TEXT:
        tg_set_once(b, f->var, e);
        return true;
    case TG_K_MULTI:
        add_value(b, f->var, tg_val(b->r, e), e->len, false);
        return true;
    case TG_K_KEYWORDS:
        add_list(b, f->var, e, (f->flags & TG_F_LINES) ? "\n" : ";\n");
        return true;
    case TG_K_ISSN:
        add_issn(b, f->var, e);
        return true;
    case TG_K_EXTRA:
        tg_extra(b, e);
        return true;
    default:
        return false;
    }
}

int tg_build_entries(tg_build *b, tg_reader *r, bib_type type, tg_read_fn special, void *ctx)
{
    b->r = r;
    b->rc = 0;
    b->rec = bib_record_new(type, NULL);
    if (!b->rec)
        return b->rc = BIB_ENOMEM;
    bib_record_set_origin(b->rec, bib_input_name(r->in), r->rec_line);
    for (size_t i = 0; i < r->nent && !b->rc; i++) {
        const tg_entry *e = &r->ent[i];
        if (e->len == 0) {
            char tag[5];
            tg_tag_unpack(e->tag, tag);
            bib_input_report(r->in, BIB_SEV_WARNING, e->line, 1, "tag '%s' has no value", tag);
            continue;
        }
        const tg_field *f = tg_reader_row(r, e->tag);
        if (!f)
            tg_extra(b, e);
        else if (!tg_read_generic(b, f, e))
            special(b, f, e, ctx);
    }
    return b->rc;
}

int tg_build_finish(tg_build *b, bib_record **out)
{
    if (b->rc) {
        bib_record_free(b->rec);
        b->rec = NULL;
        return b->rc;
    }
    *out = b->rec;
    b->rec = NULL;
    return 1;
}

/* ---- names -------------------------------------------------------------- */

static char *dup_trim(const char *s, size_t len)
{
    while (len && (isspace((unsigned char)*s) || *s == ',')) {
        s++;
        len--;
    }
    while (len && (isspace((unsigned char)s[len - 1]) || s[len - 1] == ','))
        len--;
    char *d = malloc(len + 1);
    if (d) {
        memcpy(d, s, len);
        d[len] = '\0';
    }
    return d;
}

static bool has_letter(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (isalpha((unsigned char)s[i]) || (unsigned char)s[i] >= 0x80)
            return true;
    return false;
}

int tg_name_full(bib_name *out, const char *s, size_t len)
{
    memset(out, 0, sizeof *out);
    if (!has_letter(s, len))
        return BIB_EPARSE;
    const char *c1 = memchr(s, ',', len);
    const char *end = s + len;
    const char *c2 = c1 ? memchr(c1 + 1, ',', (size_t)(end - c1 - 1)) : NULL;
    char *fam = dup_trim(s, c1 ? (size_t)(c1 - s) : len);
    char *giv = c1 ? dup_trim(c1 + 1, (size_t)((c2 ? c2 : end) - c1 - 1)) : NULL;
    char *suf = c2 ? dup_trim(c2 + 1, (size_t)(end - c2 - 1)) : NULL;
    if (!fam || (c1 && !giv) || (c2 && !suf)) {
        free(fam);
        free(giv);
        free(suf);
        return BIB_ENOMEM;
    }
    if (!*fam) { /* ", John": the given name alone */
        free(fam);
        fam = NULL;
    }
    if (giv && !*giv) {
        free(giv);
        giv = NULL;
    }
    if (suf && !*suf) {
        free(suf);
        suf = NULL;
    }
    out->family = fam;
    out->given = giv;
    out->suffix = suf;
    if (!fam && giv) {
        out->family = giv;
        out->given = NULL;
    }
    if (!out->family) { /* ",,Jr": a suffix alone is no name; the caller owns nothing */
        free(suf);
        out->suffix = NULL;
        return BIB_EPARSE;
    }
    return 0;
}

/* True for "FM", "F", "FMJ": one to four capitals, nothing else. */
static bool initials(const char *s, size_t len)
{
    if (!len || len > 4)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!isupper((unsigned char)s[i]))
            return false;
    return true;
}

int tg_name_short(bib_name *out, const char *s, size_t len)
{
    memset(out, 0, sizeof *out);
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    const char *comma = memchr(s, ',', len);
    const char *split = comma;
    if (!split) {
        /* "Smith JA": the last word when it is initials */
        const char *sp = NULL;
        for (size_t i = len; i-- > 0;)
            if (s[i] == ' ') {
                sp = s + i;
                break;
            }
        if (sp && initials(sp + 1, (size_t)(s + len - sp - 1)))
            split = sp;
    }
    if (!split)
        return tg_name_full(out, s, len);
    const char *g = split + 1, *end = s + len;
    while (g < end && *g == ' ')
        g++;
    size_t gl = (size_t)(end - g);
    if (!initials(g, gl))
        return tg_name_full(out, s, len); /* "Smith, John": a full name */
    bib_buf gb = BIB_BUF_INIT;
    for (size_t i = 0; i < gl; i++)
        bib_buf_printf(&gb, i ? " %c." : "%c.", g[i]);
    char *fam = dup_trim(s, (size_t)(split - s));
    char *giv = bib_buf_detach(&gb);
    if (!fam || !giv) {
        free(fam);
        free(giv);
        return BIB_ENOMEM;
    }
    if (!*fam) {
        free(fam);
        free(giv);
        return BIB_EPARSE;
    }
    out->family = fam;
    out->given = giv;
    return 0;
}

/* The family name with its particles in front ("van Gogh"). */
static void family_with_particles(bib_buf *out, const bib_name *n)
{
    if (n->dropping_particle && *n->dropping_particle)
        bib_buf_printf(out, "%s ", n->dropping_particle);
    if (n->non_dropping_particle && *n->non_dropping_particle)
        bib_buf_printf(out, "%s ", n->non_dropping_particle);
    if (n->family)
        bib_buf_puts(out, n->family);
}

void tg_name_format_full(bib_buf *out, const bib_name *n)
{
    if (!n->family && n->literal) {
        bib_buf_puts(out, n->literal);
        return;
    }
    if (!n->family || !*n->family) { /* a given name alone */
        bib_buf_puts(out, n->given ? n->given : "");
        return;
    }
    family_with_particles(out, n);
    if (n->given && *n->given)
        bib_buf_printf(out, ", %s", n->given);
    if (n->suffix && *n->suffix)
        bib_buf_printf(out, ", %s", n->suffix);
}

void tg_name_format_short(bib_buf *out, const bib_name *n, bool comma)
{
    if (!n->family && n->literal) {
        bib_buf_puts(out, n->literal);
        return;
    }
    if (!n->family || !*n->family) {
        bib_buf_puts(out, n->given ? n->given : "");
        return;
    }
    family_with_particles(out, n);
    const char *g = n->given ? n->given : "";
    bool first = true, word_start = true;
    for (const unsigned char *p = (const unsigned char *)g; *p; p++) {
        if (*p == ' ' || *p == '-' || *p == '.') {
            word_start = true;
            continue;
        }
        if (word_start) {
            if (first)
                bib_buf_puts(out, comma ? ", " : " ");
            first = false;
            if (*p >= 0x80) { /* a letter outside ASCII: its whole UTF-8 sequence */
                size_t k = 1;
                while ((p[k] & 0xC0) == 0x80)
                    k++;
                bib_buf_append(out, (const char *)p, k);
                p += k - 1;
            } else {
                bib_buf_putc(out, (char)toupper(*p));
            }
        }
        word_start = false;
    }
}

void tg_add_name(tg_build *b, bib_var var, const tg_entry *e, bool full)
{
    if (b->rc)
        return;
    bib_name n;
    const char *s = tg_val(b->r, e);
    int rc = full ? tg_name_full(&n, s, e->len) : tg_name_short(&n, s, e->len);
    if (rc == BIB_ENOMEM) {
        b->rc = rc;
        return;
    }
    if (rc) {
        bib_input_report(b->r->in, BIB_SEV_WARNING, e->line, 1,
                         "no name in this value, kept as an extra");
        tg_extra(b, e);
        return;
    }
    b->rc = bib_record_add_name(b->rec, var, &n);
    bib_name_clear(&n);
}

void tg_add_literal(tg_build *b, bib_var var, const tg_entry *e)
{
    if (b->rc)
        return;
    char *lit = dup_trim(tg_val(b->r, e), e->len);
    if (!lit) {
        b->rc = BIB_ENOMEM;
        return;
    }
    bib_name n = {.literal = lit};
    if (*lit)
        b->rc = bib_record_add_name(b->rec, var, &n);
    free(lit);
}

void tg_set_date(tg_build *b, bib_var var, const tg_entry *e, int year)
{
    if (b->rc)
        return;
    if (bib_record_has(b->rec, var)) {
        tg_extra(b, e);
        return;
    }
    bib_date d;
    int rc = tg_date_parse(&d, tg_val(b->r, e), e->len, year);
    if (rc == BIB_ENOMEM) {
        b->rc = rc;
        return;
    }
    if (rc == BIB_EPARSE) {
        char q[64];
        bib_diag_quote(q, sizeof q, tg_val(b->r, e), e->len, 30);
        bib_input_report(b->r->in, BIB_SEV_WARNING, e->line, 1,
                         "date '%s' not understood, kept as written", q);
    }
    b->rc = bib_record_set_date(b->rec, var, &d);
    bib_date_clear(&d);
}

/* ---- writing -------------------------------------------------------------- */

/* Appends text as one line: line breaks and control characters become
 * spaces. */
static void put_flat(bib_buf *t, const char *v, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)v[i];
        bib_buf_putc_fast(t, c < 0x20 || c == 0x7f ? ' ' : (char)c);
    }
}

/* Writes one line of text from `prefix`, wrapped at `wrap` on spaces. */
static void write_wrapped(bib_output *out, const tg_syntax *syn, const char *prefix,
                          const char *v, size_t len, size_t wrap)
{
    size_t ind = strlen(syn->indent), pl = strlen(prefix);
    bib_output_puts(out, prefix);
    size_t avail = wrap > pl + 10 ? wrap - pl : 0;
    while (avail && len > avail) {
        size_t cut = avail;
        while (cut > 0 && v[cut] != ' ')
            cut--;
        /* the whole run of spaces at the cut goes: a continuation line of
         * spaces alone would read as the blank line that ends a record */
        size_t e = cut, next = cut;
        while (e > 0 && v[e - 1] == ' ')
            e--;
        while (next < len && v[next] == ' ')
            next++;
        if (e == 0)
            break; /* one long word: the rest on this line */
        if (next == len) {
            len = e; /* only spaces after the cut */
            break;
        }
        bib_output_write(out, v, e);
        bib_output_putc(out, '\n');
        bib_output_puts(out, syn->indent);
        v += next;
        len -= next;
        avail = wrap > ind + 10 ? wrap - ind : 0;
    }
    bib_output_write(out, v, len);
    bib_output_putc(out, '\n');
}

void tg_write(bib_output *out, const tg_syntax *syn, const char *tag, const char *v,
              size_t len, bool lines, size_t wrap)
{
    /* blanks and control characters alone (made spaces) would be a tag
     * line with no value, which reads back as nothing: none is written */
    if (bib_text_blank(v, len))
        return;
    char prefix[16];
    size_t tl = strlen(tag);
    if (tl > 4)
        tl = 4;
    memcpy(prefix, tag, tl);
    while (tl < syn->width)
        prefix[tl++] = ' ';
    if (syn->dash)
        prefix[tl++] = '-';
    prefix[tl++] = ' ';
    prefix[tl] = '\0';
    bib_buf t = BIB_BUF_INIT;
    const char *p = v, *end = v + len;
    bool first = true;
    while (p < end || first) {
        const char *q = lines ? memchr(p, '\n', (size_t)(end - p)) : NULL;
        if (!q)
            q = end;
        bib_buf_reset(&t);
        /* a continuation line of nothing but blanks would read as a blank */
        const char *a = p;
        while (a < q && isspace((unsigned char)*a))
            a++;
        if (a < q || first) {
            /* flattened through t only where a control character is: else
             * as it is (a huge value is not copied again) */
            const char *line = p;
            size_t n = (size_t)(q - p), k = 0;
            while (k < n && (unsigned char)p[k] >= 0x20 && p[k] != 0x7f)
                k++;
            if (k < n) {
                bib_buf_reset(&t);
                put_flat(&t, p, n);
                line = t.data;
                n = t.len;
            }
            write_wrapped(out, syn, first ? prefix : syn->indent, line ? line : "", n, wrap);
            first = false;
        }
        p = q + 1;
    }
    if (bib_buf_failed(&t))
        bib_output_fail(out, BIB_ENOMEM);
    bib_buf_clear(&t);
}

/* True when `name` is a tag of this syntax ([A-Z][A-Z0-9]*, at most the
 * tag width): extras made by hand may not be. */
static bool tag_shaped(const tg_syntax *syn, const char *name)
{
    size_t nl = strlen(name);
    bool ok = nl >= 1 && nl <= syn->width;
    for (size_t k = 0; ok && k < nl; k++)
        ok = (name[k] >= 'A' && name[k] <= 'Z') || (k && name[k] >= '0' && name[k] <= '9');
    return ok;
}

static void write_extras_named(bib_output *out, const tg_syntax *syn, const bib_record *rec,
                               const char *tag, size_t wrap)
{
    size_t n = bib_record_extra_count(rec);
    for (size_t i = 0; i < n; i++) {
        const char *fmt, *name, *v;
        size_t vl;
        if (bib_record_extra_at(rec, i, &fmt, &name, &v, &vl) == 0 &&
            strcmp(fmt, syn->format) == 0 && strcmp(name, tag) == 0)
            tg_write(out, syn, name, v, vl, true, wrap);
    }
}

static bool write_generic(bib_output *out, const tg_syntax *syn, const tg_field *f,
                      const bib_record *rec, bib_buf *tmp, size_t wrap)
{
    if (f->kind >= TG_K_SPECIAL)
        return false;
    if (f->kind == TG_K_EXTRA)
        return true; /* tg_write_rows writes the extras */
    const bib_field *fld = bib_record_get(rec, f->var);
    if (!fld)
        return true;
    size_t n = bib_field_value_count(fld);
    if (f->kind == TG_K_KEYWORDS) {
        /* one list, "a; b; c", as it was read */
        bib_buf_reset(tmp);
        for (size_t i = 0; i < n; i++)
            bib_buf_printf(tmp, "%s%s", i ? "; " : "", bib_field_value_at(fld, i));
        if (bib_buf_failed(tmp))
            bib_output_fail(out, BIB_ENOMEM);
        else if (tmp->len)
            tg_write(out, syn, f->tag, tmp->data, tmp->len, false, wrap);
        return true;
    }
    for (size_t i = 0; i < n; i++) {
        const char *v = bib_field_value_at(fld, i);
        size_t vl = strlen(v);
        /* markup to strip only where a '<' is: else the value as it is,
         * not a copy (a huge value is held once) */
        if (bib_field_kind(fld) == BIB_KIND_RICH && memchr(v, '<', vl)) {
            bib_buf_reset(tmp);
            bib_rich_strip(tmp, v, vl);
            if (bib_buf_failed(tmp)) {
                bib_output_fail(out, BIB_ENOMEM);
                return true;
            }
            v = tmp->data;
            vl = tmp->len;
        }
        if (!vl)
            continue;
        if (f->kind == TG_K_TEXT && i > 0)
            break; /* one value: a single-valued tag */
        tg_write(out, syn, f->tag, v, vl, false, wrap);
    }
    return true;
}

/* The extras of this format whose tag no row writes at its place. */
static void write_other_extras(bib_output *out, const tg_syntax *syn, const tg_field *rows,
                               size_t nrows, const bib_record *rec, size_t wrap)
{
    size_t n = bib_record_extra_count(rec);
    for (size_t i = 0; i < n; i++) {
        const char *fmt, *name, *v;
        size_t vl;
        if (bib_record_extra_at(rec, i, &fmt, &name, &v, &vl) || strcmp(fmt, syn->format) != 0 ||
            !tag_shaped(syn, name))
            continue;
        tg_tag t = tg_tag_pack(name, strlen(name));
        bool here = false;
        for (size_t k = 0; k < nrows && !here; k++)
            here = (rows[k].kind == TG_K_EXTRA || (rows[k].flags & TG_F_EXTRAS_HERE)) &&
                   !(rows[k].flags & TG_F_READ_ONLY) &&
                   tg_tag_pack(rows[k].tag, strlen(rows[k].tag)) == t;
        if (!here)
            tg_write(out, syn, name, v, vl, true, wrap);
    }
}

void tg_mark_written(bib_writer *wr, const tg_field *rows, size_t nrows)
{
    for (size_t i = 0; i < nrows; i++)
        if (!(rows[i].flags & TG_F_READ_ONLY) && rows[i].var != BIB_VAR_NONE)
            bib_writer_wrote(wr, rows[i].var);
}

void tg_write_rows(bib_output *out, const tg_syntax *syn, const tg_field *rows, size_t nrows,
                   const bib_record *rec, bib_buf *tmp, size_t wrap, tg_special_fn special,
                   void *ctx)
{
    for (size_t i = 0; i < nrows; i++) {
        const tg_field *f = &rows[i];
        if (f->flags & TG_F_READ_ONLY)
            continue;
        if (!write_generic(out, syn, f, rec, tmp, wrap))
            special(ctx, f, rec);
        if (f->kind == TG_K_EXTRA || (f->flags & TG_F_EXTRAS_HERE))
            write_extras_named(out, syn, rec, f->tag, wrap);
    }
    write_other_extras(out, syn, rows, nrows, rec, wrap);
}

/* True when rec has the row's variable with something in it that the row
 * writes (bib_record_holds); in a TG_F_WHOLE_DAY row, a date less than a
 * day writes no line either. */
static bool holds(const bib_record *rec, const tg_field *row)
{
    const bib_field *f = bib_record_get(rec, row->var);
    if (f && bib_field_kind(f) == BIB_KIND_DATE && bib_field_date(f) &&
        (row->flags & TG_F_WHOLE_DAY))
        return tg_date_whole_day(bib_field_date(f));
    return bib_record_holds(rec, row->var);
}

bool tg_writes_nothing(const tg_syntax *syn, const tg_field *rows, size_t nrows,
                       const bib_record *rec)
{
    bib_type t = bib_record_type(rec);
    if (t != BIB_TYPE_DOCUMENT && t != BIB_TYPE_UNKNOWN)
        return false;
    for (size_t i = 0; i < nrows; i++)
        if (!(rows[i].flags & TG_F_READ_ONLY) && rows[i].var != BIB_VAR_NONE &&
            holds(rec, &rows[i]))
            return false;
    for (size_t i = 0; i < bib_record_extra_count(rec); i++) {
        const char *fmt;
        if (bib_record_extra_at(rec, i, &fmt, NULL, NULL, NULL) == 0 &&
            strcmp(fmt, syn->format) == 0)
            return false;
    }
    return true;
}

int tg_refuse_empty(bib_output *out, const tg_syntax *syn, const bib_record *rec)
{
    size_t line = 0;
    const char *o = bib_record_origin(rec, &line);
    bib_output_report(out, BIB_SEV_ERROR, "record from %s:%zu: nothing %s can hold: not written",
                      o ? o : "?", line, syn->format);
    return BIB_EPARSE;
}
