/* SPDX-License-Identifier: MIT */
/*
 * ris_writer.c - the RIS writer: strict RIS as Zotero and EndNote read it
 * back best (docs/ris.md, "Writing"). `TY` first, then the
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
#include <stdint.h>
#include <string.h>
#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "bibconv/short_copy.h"
#include "bibconv/utf8.h"
#include "risfmt.h"

/* Name variables in the order the writer emits them. */
static const bib_var name_vars[] = {
    BIB_VAR_AUTHOR, BIB_VAR_DIRECTOR, BIB_VAR_COMPOSER, BIB_VAR_EDITOR,
    BIB_VAR_COLLECTION_EDITOR, BIB_VAR_PERFORMER, BIB_VAR_PRODUCER, BIB_VAR_RECIPIENT,
    BIB_VAR_ILLUSTRATOR, BIB_VAR_CONTRIBUTOR, BIB_VAR_TRANSLATOR,
};
enum { N_NAME_VARS = sizeof name_vars / sizeof name_vars[0], N_PLANS = 32 };

/* What a TY code decides for every record of it, asked of ris_map.c and
 * the table once per code rather than once per record (files mix a few
 * types): the table rows written, in order (ris_table.c keeps them under
 * 255), the tag of each name variable, and the two per-type rules. */
typedef struct ty_plan {
    char code[16]; /* NUL-padded; "" when unused */
    const char *name_tag[N_NAME_VARS];
    bool sp_count, da_accessed;
    size_t nrows;
    unsigned char rows[256];
    /* Which rows a record visits (w_write): the rows of the kinds that
     * look at several variables or none (id, names, issued, pages) always,
     * bits by position in rows[]; a row of one variable only when the
     * record has it, found from the variable: var_row[v] is the position
     * + 1 of its first row (0: none), next_row[pos] the next one's.
     * Most of a plan's rows name a variable the record lacks: they are
     * not walked at all. */
    uint64_t always[4];
    uint16_t var_row[BIB_VAR_COUNT];
    uint16_t next_row[256];
} ty_plan;

typedef struct ris_writer {
    bib_output *out;
    const char *eol;
    size_t eol_len; /* 1 or 2: a tag line's end is copied, not measured */
    bib_buf line;
    bib_buf val;
    bib_writer *wr; /* for bib_writer_wrote: what has no tag is reported by core */
    ty_plan plans[N_PLANS]; /* TY codes' plans by a hash of the code (plan_for) */
    /* the variables of the record being written, one bit each: most of a
     * plan's rows name one the record lacks, told without a call */
    uint64_t have[(BIB_VAR_COUNT + 63) / 64];
} ris_writer;

/* bib_record_get of the record being written, NULL at once for a
 * variable it lacks (w->have) */
static inline const bib_field *rec_get(const ris_writer *w, const bib_record *rec, bib_var v)
{
    if ((unsigned)v >= BIB_VAR_COUNT || !(w->have[(unsigned)v / 64] >> ((unsigned)v % 64) & 1))
        return NULL;
    return bib_record_get(rec, v);
}

/* The plan of TY `code` (NUL-padded to 16 bytes), from its slot (a hash
 * of the code; a file's few dozen codes seldom share one), made there
 * when the slot holds another code's. */
static const ty_plan *plan_for(ris_writer *w, const char code[16])
{
    uint64_t a, b;
    memcpy(&a, code, 8);
    memcpy(&b, code + 8, 8);
    ty_plan *p = &w->plans[((a ^ (b * 31)) * 0x9E3779B97F4A7C15ull) >> 59];
    _Static_assert(N_PLANS == 32, "the slot is the hash's top five bits");
    if (p->code[0] && memcmp(p->code, code, 16) == 0)
        return p;
    memcpy(p->code, code, 16);
    unsigned mask = ris_cond_mask(code);
    p->nrows = 0;
    for (size_t i = 0; i < ris_nfields && i < sizeof p->rows; i++)
        if (ris_cond_holds(mask, ris_fields[i].write))
            p->rows[p->nrows++] = (unsigned char)i;
    memset(p->always, 0, sizeof p->always);
    memset(p->var_row, 0, sizeof p->var_row);
    uint16_t *tail[BIB_VAR_COUNT]; /* where the next row of a variable is linked */
    for (size_t v = 0; v < BIB_VAR_COUNT; v++)
        tail[v] = &p->var_row[v];
    for (size_t k = 0; k < p->nrows; k++) {
        const ris_field *t = &ris_fields[p->rows[k]];
        p->next_row[k] = 0;
        switch (t->kind) {
        case RIS_K_ID: case RIS_K_NAMES: case RIS_K_ISSUED: case RIS_K_PAGES:
            p->always[k / 64] |= 1ull << (k % 64);
            break;
        default: /* put_field writes nothing when the record lacks t->var */
            if ((unsigned)t->var < BIB_VAR_COUNT) {
                *tail[t->var] = (uint16_t)(k + 1);
                tail[t->var] = &p->next_row[k];
            }
            break;
        }
    }
    for (size_t i = 0; i < N_NAME_VARS; i++)
        p->name_tag[i] = ris_name_tag(code, name_vars[i]);
    p->sp_count = ris_type_sp_is_count(code);
    p->da_accessed = ris_type_da_accessed(code);
    return p;
}

static int w_begin(bib_writer *wr, bib_output *out, const bib_options *opts)
{
    ris_writer *w = bib_writer_state(wr);
    w->out = out;
    bib_buf_init(&w->line);
    bib_buf_init(&w->val);
    const char *eol = bib_options_get(opts, "eol");
    w->eol = eol && strcmp(eol, "lf") == 0 ? "\n" : "\r\n";
    w->eol_len = strlen(w->eol);
    w->wr = wr;
    bib_writer_track_fields(wr);
    bib_writer_carries_extras(wr, "ris"); /* put_extras */
    return 0;
}

static int w_end(bib_writer *wr)
{
    ris_writer *w = bib_writer_state(wr);
    bib_buf_clear(&w->line);
    bib_buf_clear(&w->val);
    return w->out ? bib_output_error(w->out) : 0;
}

/* Appends "TAG  - value" (and continuation lines) to w->line. With
 * `newlines`, each line break of the value starts a continuation line;
 * otherwise breaks and other control characters become spaces. */
/* The first control character (below 0x20, or 0x7F) of s[i..len), or
 * len; sixteen bytes a step where SSE2 is there: values are mostly plain
 * text, and two byte loops over them (for the line breaks, then for the
 * other control characters) were a fifth of BibTeX -> RIS. */
static size_t next_control(const char *s, size_t i, size_t len)
{
#if defined(__x86_64__) && defined(__SSE2__)
    const __m128i lim = _mm_set1_epi8(0x1f), del = _mm_set1_epi8(0x7f);
    for (; len - i >= 16; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i c = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(x, lim), x),
                                 _mm_cmpeq_epi8(x, del));
        unsigned bits = (unsigned)_mm_movemask_epi8(c);
        if (bits)
            return i + (size_t)__builtin_ctz(bits);
    }
#endif
    /* eight at a time before the last bytes: most values are shorter than
     * sixteen bytes or end with a short tail */
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    for (; len - i >= 8; i += 8) {
        uint64_t x;
        memcpy(&x, s + i, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        x = __builtin_bswap64(x);
#endif
        uint64_t d = x ^ (ones * 0x7f);
        uint64_t hit = (((x - ones * 0x20) & ~x) | ((d - ones) & ~d)) & high;
        if (hit) /* the lowest flagged byte is a real one */
            return i + (size_t)__builtin_ctzll(hit) / 8;
    }
    for (; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return i;
    return len;
}

/* Whether any byte of x (8 or 4 bytes) is a control character, and the
 * flags whose lowest set one marks the first (the has-less-than and
 * has-zero-byte tricks, as next_control) */
static inline uint64_t ctl_hit64(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    uint64_t d = x ^ (ones * 0x7f);
    return (((x - ones * 0x20) & ~x) | ((d - ones) & ~d)) & high;
}

static inline uint32_t ctl_hit32(uint32_t x)
{
    const uint32_t ones = 0x01010101u, high = 0x80808080u;
    uint32_t d = x ^ (ones * 0x7f);
    return (((x - ones * 0x20) & ~x) | ((d - ones) & ~d)) & high;
}

/* A word as memcpy loaded it, its first byte lowest (as the counts of
 * the tests' bits expect) */
static inline uint64_t lo_first64(uint64_t x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x = __builtin_bswap64(x);
#endif
    return x;
}

static inline uint32_t lo_first32(uint32_t x)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
    x = __builtin_bswap32(x);
#endif
    return x;
}

/* Copies s[i..len) to d[i..len) up to its first control character and
 * returns that one's index, or len: the scan and the copy in one pass
 * (next_control, then a memcpy call, cost more on the short values of a
 * tag line). d has room for len + 16 bytes; bytes past the one returned
 * may be written, and are the caller's to overwrite. */
static size_t copy_plain(char *d, const char *s, size_t i, size_t len)
{
#if defined(__x86_64__) && defined(__SSE2__)
    const __m128i lim = _mm_set1_epi8(0x1f), del = _mm_set1_epi8(0x7f);
    size_t from = i; /* d before it may hold a control character made a space */
    for (; len - i >= 16; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        _mm_storeu_si128((__m128i *)(void *)(d + i), x);
        unsigned bits = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(x, lim), x), _mm_cmpeq_epi8(x, del)));
        if (bits)
            return i + (size_t)__builtin_ctz(bits);
    }
    if (i < len && len >= 16 && len - 16 >= from) {
        /* the last sixteen bytes, over the ones just copied (plain, so the
         * same): only the flags of the new ones count */
        unsigned k = (unsigned)(16 - (len - i));
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(s + len - 16));
        _mm_storeu_si128((__m128i *)(void *)(d + len - 16), x);
        unsigned bits = (unsigned)_mm_movemask_epi8(
            _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(x, lim), x), _mm_cmpeq_epi8(x, del)));
        bits >>= k;
        return bits ? i + (size_t)__builtin_ctz(bits) : len;
    }
#endif
    for (; len - i >= 16; i += 8) {
        uint64_t x, h;
        memcpy(&x, s + i, 8);
        memcpy(d + i, &x, 8); /* the bytes before a hit are the copy's */
        if ((h = ctl_hit64(lo_first64(x))) != 0)
            return i + (size_t)__builtin_ctzll(h) / 8;
    }
    size_t r = len - i;
    if (r >= 4) {
        /* the rest as its first and last word (eight bytes, or four below
         * eight), which overlap: copied, then tested */
        uint64_t x, y, h;
        bib_short_load(s + i, r, &x, &y);
        bib_short_store(d + i, r, x, y);
        if (r >= 8) {
            if ((h = ctl_hit64(lo_first64(x))) != 0)
                return i + (size_t)__builtin_ctzll(h) / 8;
            if ((h = ctl_hit64(lo_first64(y))) != 0)
                return len - 8 + (size_t)__builtin_ctzll(h) / 8;
        } else {
            if ((h = ctl_hit32(lo_first32((uint32_t)x))) != 0)
                return i + (size_t)__builtin_ctz((uint32_t)h) / 8;
            if ((h = ctl_hit32(lo_first32((uint32_t)y))) != 0)
                return len - 4 + (size_t)__builtin_ctz((uint32_t)h) / 8;
        }
        return len;
    }
    for (; i < len; i++) {
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return i;
        d[i] = s[i];
    }
    return len;
}

/* Appends the line end: two bytes copied from w->eol ("\r\n", or "\n"
 * and its NUL), a fixed size the compiler copies inline (a call to memcpy
 * per tag line otherwise), then the length moved by eol_len. */
static inline void put_eol(ris_writer *w, bib_buf *b)
{
    if (b->len + 2 < b->cap) {
        memcpy(b->data + b->len, w->eol, 2);
        b->len += w->eol_len;
        b->data[b->len] = '\0';
    } else {
        bib_buf_append(b, w->eol, w->eol_len);
    }
}

/* isspace in the C locale (bibconv sets none), without a call per test:
 * every tag line's value is trimmed with it */
static inline bool c_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static void put_tag(ris_writer *w, const char *tag, const char *s, size_t len, bool newlines)
{
    while (len && c_space(*s)) {
        s++;
        len--;
    }
    while (len && c_space(s[len - 1]))
        len--;
    /* blanks and control characters alone (made spaces, then trimmed)
     * would be an empty "XX  -" line, which reads back as nothing */
    if (!len || bib_text_blank(s, len))
        return;
    bib_buf *b = &w->line;
    /* the tag and its "  - " in one copy: a record has a dozen tag lines */
    const char pre[6] = {tag[0], tag[1], ' ', ' ', '-', ' '};
    size_t i = 0;
    if (b->len + len + 32 < b->cap || bib_buf_reserve(b, len + 32) == 0) {
        /* up to the first line break (most values have none) the output
         * is the value byte for byte, a control character made a space:
         * copied in place while scanned (copy_plain) */
        char *d = b->data + b->len;
        memcpy(d, pre, sizeof pre);
        d += sizeof pre;
        for (;;) {
            size_t j = copy_plain(d, s, i, len);
            if (j >= len || s[j] == '\n' || s[j] == '\r') {
                i = j;
                break;
            }
            d[j] = ' ';
            i = j + 1;
        }
        b->len += sizeof pre + i;
        b->data[b->len] = '\0';
    } else {
        bib_buf_append_fast(b, pre, sizeof pre); /* memory ran out: b says so */
    }
    while (i < len) {
        /* a run up to a control character in one copy; one that is not a
         * line break is written as a space */
        size_t j = next_control(s, i, len);
        bib_buf_append_fast(b, s + i, j - i);
        if (j >= len)
            break;
        if (s[j] != '\n' && s[j] != '\r') {
            bib_buf_putc_fast(b, ' ');
            i = j + 1;
            continue;
        }
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
                put_eol(w, b);
            }
        } else {
            bib_buf_putc_fast(b, ' ');
        }
        i = k;
    }
    while (b->len && b->data[b->len - 1] == ' ')
        b->len--;
    put_eol(w, b);
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

/* Each value of f, variable var, one tag line each; `nl` keeps line
 * breaks. The caller looks f up: most rows' variable is absent, and
 * settling that without a call saves one on each of them. */
static void put_text(ris_writer *w, const char *tag, const bib_field *f, bib_var var, bool nl)
{
    bib_writer_wrote(w->wr, var);
    size_t nv = bib_field_value_count(f);
    bool rich = bib_field_kind(f) == BIB_KIND_RICH;
    for (size_t i = 0; i < nv; i++) {
        const char *v = bib_field_value_at(f, i);
        /* markup to strip only where a '<' is; else no copy */
        if (rich && strchr(v, '<')) {
            bib_buf_reset(&w->val);
            bib_rich_strip(&w->val, v, strlen(v));
            put_tag(w, tag, w->val.data, w->val.len, nl);
        } else {
            put_tag(w, tag, v, strlen(v), nl);
        }
    }
}

/* The names of name_vars[k], under the tag the plan gives for it. */
static void put_names(ris_writer *w, const ty_plan *p, const bib_record *rec, size_t k)
{
    bib_var var = name_vars[k];
    const bib_field *f = rec_get(w, rec, var);
    if (!f || !bib_field_name_count(f))
        return;
    const char *code = p->code, *tag = p->name_tag[k];
    /* MUSIC and MPCT read AU as composer/director: their authors still go
     * there rather than nowhere */
    if (!tag && var == BIB_VAR_AUTHOR && !bib_record_has(rec, ris_name_var(code, "AU")))
        tag = "AU";
    if (!tag)
        return;
    bib_writer_wrote(w->wr, var);
    bib_buf *b = &w->line;
    const char pre[6] = {tag[0], tag[1], ' ', ' ', '-', ' '};
    for (size_t i = 0, n = bib_field_name_count(f); i < n; i++) {
        /* formatted straight into the line after its tag: a name that
         * put_tag would write as it is (no control character, no blank
         * at either end: nearly all) is done; any other is taken back
         * and goes through put_tag from w->val */
        size_t start = b->len;
        bib_buf_append_fast(b, pre, sizeof pre);
        size_t v = b->len;
        ris_name_format(b, bib_field_name_at(f, i));
        size_t len = b->len - v;
        if (len && !bib_buf_failed(b) && b->data[v] != ' ' && b->data[b->len - 1] != ' ' &&
            next_control(b->data + v, 0, len) == len) {
            put_eol(w, b);
            continue;
        }
        bib_buf_reset(&w->val);
        bib_buf_append(&w->val, b->data + v, len);
        bib_buf_truncate(b, start);
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

/* The issued date: PY holds the year and DA the date, except for the types
 * whose DA is the access date, where PY holds the whole date. */
static void put_issued(ris_writer *w, const bib_record *rec, const ty_plan *p)
{
    const bib_field *f = bib_record_get(rec, BIB_VAR_ISSUED);
    if (!f)
        return;
    bib_writer_wrote(w->wr, BIB_VAR_ISSUED);
    const bib_date *d = bib_field_date(f);
    if (p->da_accessed) {
        put_date(w, "PY", d);
        return;
    }
    /* EndNote needs PY; DA carries the full date (docs/ris.md, "Writing") */
    if (d->nparts >= 1 && d->parts[0].has_year && d->parts[0].year > 0) {
        char y[16];
        int yl = fmt_year(y, d->parts[0].year);
        put_tag(w, "PY", y, (size_t)yl, false);
    }
    put_date(w, "DA", d);
}

/* page as SP/EP when it is exactly one range, else whole in SP; without a
 * page, the number of pages in SP for the types whose SP counts them. A
 * page of such a type that is one number would read back as the number of
 * pages: it is not written (core reports it dropped, docs/ris.md). */
static void put_pages(ris_writer *w, const bib_record *rec, const ty_plan *p)
{
    const bib_field *f = bib_record_get(rec, BIB_VAR_PAGE);
    if (f && p->sp_count) {
        const char *v = bib_field_text(f);
        size_t n = strlen(v);
        if (n && strspn(v, "0123456789") == n)
            f = NULL;
    }
    if (!f) {
        if (p->sp_count &&
            (f = bib_record_get(rec, BIB_VAR_NUMBER_OF_PAGES)) != NULL)
            put_text(w, "SP", f, BIB_VAR_NUMBER_OF_PAGES, false);
        return;
    }
    bib_writer_wrote(w->wr, BIB_VAR_PAGE);
    const char *v = bib_field_text(f);
    bib_buf_reset(&w->val);
    bib_pages_normalize(&w->val, v, strlen(v), "-");
    const char *a, *z;
    size_t al, zl;
    bib_pages_split(w->val.data, w->val.len, &a, &al, &z, &zl);
    bool one = zl && !memchr(w->val.data, ',', w->val.len) && al + zl + 1 == w->val.len;
    if (one) {
        put_tag(w, "SP", a, al, false);
        put_tag(w, "EP", z, zl, false);
    } else {
        put_tag(w, "SP", w->val.data, w->val.len, false);
    }
}

/* Writes one row of the table for rec. */
static void put_field(ris_writer *w, const ris_field *t, const bib_record *rec,
                      const ty_plan *p)
{
    const bib_field *f;
    switch (t->kind) {
    case RIS_K_ID: {
        const char *id = bib_record_id(rec);
        if (id)
            put_tag(w, t->tag, id, strlen(id), false);
        break;
    }
    case RIS_K_NAMES:
        for (size_t i = 0; i < N_NAME_VARS; i++)
            put_names(w, p, rec, i);
        break;
    case RIS_K_ISSUED:
        put_issued(w, rec, p);
        break;
    case RIS_K_PAGES:
        put_pages(w, rec, p);
        break;
    case RIS_K_DATE:
        if ((f = rec_get(w, rec, t->var)) != NULL) {
            bib_writer_wrote(w->wr, t->var);
            put_date(w, t->tag, bib_field_date(f));
        }
        break;
    case RIS_K_DOI:
        if ((f = rec_get(w, rec, t->var)) != NULL) {
            bib_writer_wrote(w->wr, t->var);
            const char *v = bib_field_text(f);
            size_t st = ris_doi_start(v, strlen(v));
            put_tag(w, t->tag, v + st, strlen(v + st), false);
        }
        break;
    case RIS_K_TEXT: case RIS_K_DOI_OR: case RIS_K_SN: case RIS_K_NOTE:
    case RIS_K_KEYWORDS:
        if ((f = rec_get(w, rec, t->var)) != NULL)
            put_text(w, t->tag, f, t->var, (t->flags & RIS_F_WRITE_LINES) != 0);
        break;
    }
}

/* The record's own RIS extras, in their order. */
static void put_extras(ris_writer *w, const bib_record *rec)
{
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
}

/* The TY code: the original one from the extras when it still means this
 * type (EJOUR, EDBOOK...), else the type's first choice. */
static void type_code(const bib_record *rec, char code[16])
{
    bib_type type = bib_record_type(rec);
    if (type == BIB_TYPE_UNKNOWN)
        type = BIB_TYPE_DOCUMENT;
    const char *orig = bib_record_extra_get(rec, "ris", "TY");
    bool known = false;
    if (orig && strlen(orig) < 16 && ris_type_from_code(orig, strlen(orig), &known) == type) {
        size_t n = 0;
        for (; orig[n] && n < 15; n++)
            code[n] = (char)toupper((unsigned char)orig[n]);
        code[n] = '\0';
        while (n && code[n - 1] == ' ')
            code[--n] = '\0';
    } else {
        strcpy(code, ris_type_code(type));
    }
}

static int w_write(bib_writer *wr, const bib_record *rec)
{
    ris_writer *w = bib_writer_state(wr);
    if (bib_record_kind_of(rec) != BIB_RECORD_ENTRY)
        return 0;
    bib_buf_reset(&w->line);
    char code[16] = {0}; /* NUL-padded: plan_for compares all 16 bytes */
    type_code(rec, code);
    bib_buf_append_fast(&w->line, "TY  - ", 6);
    bib_buf_append_fast(&w->line, code, strlen(code));
    put_eol(w, &w->line);
    const ty_plan *plan = plan_for(w, code);
    memset(w->have, 0, sizeof w->have);
    uint64_t visit[4];
    memcpy(visit, plan->always, sizeof visit);
    for (size_t i = 0, n = bib_record_field_count(rec); i < n; i++) {
        unsigned v = (unsigned)bib_field_var(bib_record_field_at(rec, i));
        if (v < BIB_VAR_COUNT) {
            w->have[v / 64] |= 1ull << (v % 64);
            for (unsigned r = plan->var_row[v]; r; r = plan->next_row[r - 1])
                visit[(r - 1) / 64] |= 1ull << ((r - 1) % 64);
        }
    }
    size_t ty_end = w->line.len;
    /* the rows in plan order, only those that can write (ty_plan) */
    for (size_t k = 0; k < 4; k++)
        for (uint64_t m = visit[k]; m; m &= m - 1)
            put_field(w, &ris_fields[plan->rows[k * 64 + (size_t)__builtin_ctzll(m)]], rec, plan);
    put_extras(w, rec);
    if (w->line.len == ty_end && strcmp(code, "GEN") == 0 && !bib_buf_failed(&w->line)) {
        /* "TY  - GEN" alone reads back as an empty record, which readers
         * skip with an error: the loss is said here, where it happens */
        size_t line = 0;
        const char *o = bib_record_origin(rec, &line);
        bib_output_report(w->out, BIB_SEV_ERROR,
                          "record from %s:%zu: nothing RIS can hold: not written",
                          o ? o : "?", line);
        return BIB_EPARSE;
    }
    bib_buf_append_fast(&w->line, "ER  - ", 6);
    put_eol(w, &w->line);
    put_eol(w, &w->line);
    if (bib_buf_failed(&w->line) || bib_buf_failed(&w->val)) { /* val: a value cut short */
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
