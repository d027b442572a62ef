/* SPDX-License-Identifier: MIT */
/*
 * ris_reader.c - the RIS reader. It streams: lines come from
 * bib_input_getline (which handles CRLF, CR, BOMs and, with
 * BIB_ENC_DETECT, Latin-1/Windows-1252 input), the tag lines of one record
 * are collected into one reusable value buffer plus a reusable array of
 * (tag, line, offset, length) entries - no allocation per line - and at
 * `ER` the entries are mapped onto a bib_record through the field table
 * (ris_table.c, docs/ris.md). Memory is bounded by the largest record.
 *
 * Lexical rules (docs/ris.md, "Lines" and "Records"): a tag line is
 * `XX  - value` with one to three blanks before the dash; other non-blank
 * lines continue the previous value (joined by a newline for the rows
 * flagged RIS_F_READ_LINES - AB, N1, N2, RN, KW - whose line breaks are
 * the value's own, and by a space otherwise); `TY` starts a record and
 * `ER` ends it; a tag line outside a record starts one without `TY`, read
 * as GEN with a warning. Other text before the first `TY` is skipped with
 * a warning; a `TY` inside a record, or the end of the input, ends a
 * record that has no `ER` (kept, with a warning); a malformed tag line is an error that costs
 * its record only. Tags without a CSL home, and repeats of single-valued
 * tags, are kept as ("ris", tag, value) extras so ris -> ris loses nothing.
 *
 * Not for: writing RIS (ris_writer.c) or the pure mapping helpers
 * (ris_map.c).
 */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) && defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "risfmt.h"

typedef struct ris_entry {
    char tag[3];
    size_t line;
    size_t off, len; /* value bytes in vals */
} ris_entry;

typedef struct ris_reader {
    bib_input *in;
    const bib_reader *rd; /* borrowed: told each ID (bib_reader_prefetch_key) */
    bib_buf vals;        /* values of the current record, back to back */
    ris_entry *ent;      /* entries of the current record */
    size_t nent, cap;
    bib_buf tmp;
    size_t rec_line;     /* line of the record's TY */
    bool pending_ty;     /* a TY line ended the previous record: it starts this one */
    size_t pending_line;
    bib_buf pending_val;
    bool junk_warned;    /* one warning per run of text outside records */
    /* the field table by tag: 1 + the first reading row of each tag slot
     * (ris_tag_slot), and 1 + the next reading row of the same tag; 0 ends */
    unsigned char row1[RIS_TAG_SLOTS];
    unsigned char next_row[255];
    /* what the mapping asks of a TY code, once per code (a direct-mapped
     * table by a hash of its bytes, start_build): the lookups are binary
     * searches and lists of strcmp, asked of every record */
    struct code_facts {
        unsigned char len; /* the code's length + 1; 0: an empty slot */
        char code[16];
        bib_type type;
        bool known, ty_extra, da_accessed;
        unsigned mask;   /* ris_cond_mask */
        bib_var au;      /* ris_name_var of AU */
    } facts[64];
    bool wide;          /* a line of WIDE_LINE bytes or more was read */
    /* lines read from the window by next_line (see there): the window,
     * the bytes taken from it and not yet consumed, the next line's number */
    const char *win;
    size_t win_len, win_pos, win_line;
    bool by_getline;    /* a CR was seen: bib_input_getline from here on */
    bool line_clean;    /* the line next_line gave holds no byte clean_tail changes */
    uint64_t cr_free;   /* the input holds no CR before this offset */
} ris_reader;

enum { WIDE_LINE = 4096 }; /* below io.c's read size */

/* Chains the rows that read, per tag, in table order. */
static void index_rows(ris_reader *r)
{
    unsigned char last[RIS_TAG_SLOTS];
    memset(r->row1, 0, sizeof r->row1);
    memset(last, 0, sizeof last);
    for (size_t i = 0; i < ris_nfields; i++) {
        const ris_field *f = &ris_fields[i];
        int slot = ris_tag_slot(f->tag);
        r->next_row[i] = 0;
        if (f->read == RIS_C_NEVER || slot < 0)
            continue;
        if (last[slot])
            r->next_row[last[slot] - 1] = (unsigned char)(i + 1);
        else
            r->row1[slot] = (unsigned char)(i + 1);
        last[slot] = (unsigned char)(i + 1);
    }
}

static int r_open(bib_reader *rd, bib_input *in, const bib_options *opts)
{
    (void)opts;
    ris_reader *r = bib_reader_state(rd);
    index_rows(r);
    r->in = in;
    r->rd = rd;
    bib_buf_init(&r->vals);
    bib_buf_init(&r->tmp);
    bib_buf_init(&r->pending_val);
    /* RIS files in the wild are Windows-1252 as often as UTF-8 (docs/ris.md, "Encodings") */
    return bib_input_set_encoding(in, BIB_ENC_DETECT) == BIB_ENOMEM ? BIB_ENOMEM : 0;
}

static void r_close(bib_reader *rd)
{
    ris_reader *r = bib_reader_state(rd);
    bib_buf_clear(&r->vals);
    bib_buf_clear(&r->tmp);
    bib_buf_clear(&r->pending_val);
    free(r->ent);
    r->ent = NULL;
}

/* Cleans the bytes vals[from..] just appended: control characters (Reference
 * Manager writes NAK, STX, ETB; the spec allows none) are dropped with a
 * warning, tabs and U+2028/U+2029 (Atypon) become spaces (docs/ris.md). Returns
 * how many bytes were removed. The common case is one pass, no writes. */
#define KB(c) ((c) >= 0x20 && (c) != 0xE2 && (c) != 0x7F)
#define KB4(c) KB(c), KB((c) + 1), KB((c) + 2), KB((c) + 3)
#define KB16(c) KB4(c), KB4((c) + 4), KB4((c) + 8), KB4((c) + 12)
#define KB64(c) KB16(c), KB16((c) + 16), KB16((c) + 32), KB16((c) + 48)
/* The bytes clean_tail leaves as they are, looked up a byte at a time
 * (every value of the input goes through it). */
static const bool kept_byte[256] = {KB64(0), KB64(64), KB64(128), KB64(192)};
#undef KB64
#undef KB16
#undef KB4
#undef KB

/* The first byte at or after i that clean_tail must look at (below 0x20,
 * 0x7f or 0xe2), n if none: sixteen bytes a round with SSE2 and the rest
 * in one block that ends at n, else eight (the tests flag a block exactly
 * when it holds one); by table where those cannot say. */
static size_t next_unkept(const unsigned char *u, size_t i, size_t n)
{
#if defined(__x86_64__) && defined(__SSE2__)
    const __m128i lim = _mm_set1_epi8(0x1F), del = _mm_set1_epi8(0x7F),
                  e2 = _mm_set1_epi8((char)0xE2);
    for (; i + 16 <= n; i += 16) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(u + i));
        __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(x, lim), x),
                                   _mm_or_si128(_mm_cmpeq_epi8(x, del), _mm_cmpeq_epi8(x, e2)));
        unsigned m = (unsigned)_mm_movemask_epi8(hit);
        if (m)
            return i + (size_t)__builtin_ctz(m);
    }
    if (i < n && n >= 16) {
        /* the last few bytes: the sixteen that end the buffer, those
         * before i masked off (most values are shorter than a block) */
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(u + n - 16));
        __m128i hit = _mm_or_si128(_mm_cmpeq_epi8(_mm_min_epu8(x, lim), x),
                                   _mm_or_si128(_mm_cmpeq_epi8(x, del), _mm_cmpeq_epi8(x, e2)));
        if (!((unsigned)_mm_movemask_epi8(hit) >> (16 - (n - i))))
            return n;
    }
#else
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    while (n - i >= 8) {
        uint64_t x;
        memcpy(&x, u + i, 8);
        uint64_t dl = x ^ (ones * 0x7f), e = x ^ (ones * 0xe2);
        if ((((x - ones * 0x20) & ~x) | ((dl - ones) & ~dl) | ((e - ones) & ~e)) & high)
            break;
        i += 8;
    }
#endif
    while (i < n && kept_byte[u[i]])
        i++;
    return i;
}

static size_t clean_tail(ris_reader *r, size_t from, size_t line)
{
    char *d = r->vals.data;
    size_t n = r->vals.len;
    const unsigned char *u = (const unsigned char *)d;
    size_t i = next_unkept(u, from, n);
    if (i == n)
        return 0;
    size_t w = i;
    bool ctl = false;
    while (i < n) {
        unsigned char c = (unsigned char)d[i];
        if (c == 0xE2 && i + 2 < n && (unsigned char)d[i + 1] == 0x80 &&
            ((unsigned char)d[i + 2] == 0xA8 || (unsigned char)d[i + 2] == 0xA9)) {
            d[w++] = ' ';
            i += 3;
        } else if (c == '\t') {
            d[w++] = ' '; /* as the writer would write it */
            i++;
        } else if ((c < 0x20 && c != '\n') || c == 0x7f) {
            ctl = true;
            i++;
        } else {
            d[w++] = (char)c;
            i++;
        }
        /* the kept run up to the next byte to look at, moved down only
         * once something was removed */
        size_t j = next_unkept(u, i, n);
        if (w != i)
            memmove(d + w, d + i, j - i);
        w += j - i;
        i = j;
    }
    if (ctl)
        bib_input_report(r->in, BIB_SEV_WARNING, line, 1, "control characters removed");
    bib_buf_truncate(&r->vals, w);
    return n - w;
}

/* clean: the value holds no byte clean_tail changes (next_line saw its
 * line whole), so that pass is skipped. Inline in the line loop, where
 * nearly every line comes to it. */
static inline __attribute__((always_inline)) int
add_entry_clean(ris_reader *r, const char *tag, size_t line, const char *v, size_t len, bool clean)
{
    if (r->nent == r->cap) {
        size_t nc = r->cap ? r->cap * 2 : 64;
        ris_entry *ne = realloc(r->ent, nc * sizeof *ne);
        if (!ne)
            return BIB_ENOMEM;
        r->ent = ne;
        r->cap = nc;
    }
    ris_entry *e = &r->ent[r->nent++];
    e->tag[0] = tag[0];
    e->tag[1] = tag[1];
    e->tag[2] = '\0';
    e->line = line;
    e->off = r->vals.len;
    e->len = len;
    if (clean && len <= 32 && r->vals.len + 40 < r->vals.cap) {
        /* a window line's value (clean: next_line took it from the
         * window), most of them short: one or two sixteen-byte moves, no
         * memcpy call. The line's '\n' and the sixteen padding bytes
         * after a window (bib_input_window) keep the load in the input's
         * buffer. */
        char *d = r->vals.data + r->vals.len;
        memcpy(d, v, 16);
        if (len > 16)
            memcpy(d + len - 16, v + len - 16, 16);
        r->vals.len += len;
        r->vals.data[r->vals.len] = '\0';
    } else {
        bib_buf_append_fast(&r->vals, v, len);
        if (bib_buf_failed(&r->vals))
            return BIB_ENOMEM;
    }
    if (!clean)
        e->len -= clean_tail(r, e->off, line);
    /* the writer keys the record by its ID: the slots arrive while the
     * rest of the record is read */
    if (tag[0] == 'I' && tag[1] == 'D')
        bib_reader_prefetch_key(r->rd, r->vals.data + e->off, e->len);
    return 0;
}

static int add_entry(ris_reader *r, const char *tag, size_t line, const char *v, size_t len)
{
    return add_entry_clean(r, tag, line, v, len, false);
}

static bool tag_is(const ris_entry *e, const char *t)
{
    return e->tag[0] == t[0] && e->tag[1] == t[1];
}

/* Tags whose line breaks belong to the value (notes, abstracts, keyword
 * lists): their first reading row says RIS_F_READ_LINES. */
static bool keeps_newlines(const ris_reader *r, const char *tag)
{
    int slot = ris_tag_slot(tag);
    unsigned i = slot < 0 ? 0 : r->row1[slot];
    return i && (ris_fields[i - 1].flags & RIS_F_READ_LINES);
}

/* ---- record building ---------------------------------------------------- */

typedef struct build {
    ris_reader *r;
    bib_record *rec;
    char code[16]; /* TY, upper-cased */
    unsigned mask; /* the table's conditions that hold for code */
    const struct code_facts *facts; /* the rest of what code says */
    const ris_entry *da, *py, *y1, *sp, *ep; /* mapped after the loop */
    int rc;
} build;

static const char *val(const build *b, const ris_entry *e)
{
    return b->r->vals.data + e->off;
}

static void extra(build *b, const ris_entry *e)
{
    if (!b->rc)
        b->rc = bib_record_add_extra(b->rec, "ris", e->tag, val(b, e), e->len);
}

/* Sets a single-valued text variable, or keeps the tag as an extra when the
 * variable is already set (repeats, or an alias tag after the main one). */
static void set_once(build *b, bib_var var, const ris_entry *e)
{
    if (b->rc)
        return;
    if (bib_record_has(b->rec, var)) {
        extra(b, e);
        return;
    }
    /* plain text is rich text as it is (record.h): no copy through a
     * buffer, which held a huge title three times */
    b->rc = bib_record_set_text(b->rec, var, val(b, e), e->len);
}

static void add_name(build *b, bib_var var, const ris_entry *e)
{
    if (b->rc)
        return;
    const char *s = val(b, e);
    size_t len = e->len;
    /* "Sanchez, Pedro; Montoya, Maria" in one AU: split only when every
     * part looks like "Last, First" (docs/ris.md, "Names") */
    const char *semi = memchr(s, ';', len);
    if (semi) {
        bool all = true;
        const char *p = s, *end = s + len;
        while (p < end && all) {
            const char *q = memchr(p, ';', (size_t)(end - p));
            if (!q)
                q = end;
            const char *c = memchr(p, ',', (size_t)(q - p));
            all = c && memchr(c + 1, ',', (size_t)(q - c - 1)) == NULL;
            p = q + 1;
        }
        if (all) {
            p = s;
            while (p < end && !b->rc) {
                const char *q = memchr(p, ';', (size_t)(end - p));
                if (!q)
                    q = end;
                ris_entry sub = *e;
                sub.off = (size_t)(p - b->r->vals.data);
                sub.len = (size_t)(q - p);
                add_name(b, var, &sub);
                p = q + 1;
            }
            return;
        }
    }
    /* "Last, First", most names: parsed into the record without parts
     * of its own (ris_name_parse's first steps, then its parser); one the
     * parser refuses takes ris_name_parse's way to its literal */
    const char *t = s;
    size_t tl = ris_name_trim(&t, len);
    if (tl && ris_name_spaced(t, tl, memchr(t, ',', tl))) {
        int qrc = bib_names_add_display(b->rec, var, t, tl, 0);
        if (qrc != BIB_EPARSE) {
            b->rc = qrc;
            return;
        }
    }
    bib_name n;
    bool vanc;
    int rc = ris_name_parse(&n, s, len, &vanc);
    if (rc == BIB_EPARSE)
        return; /* blanks and commas only */
    if (rc) {
        b->rc = rc;
        return;
    }
    if (vanc)
        bib_input_report(b->r->in, BIB_SEV_WARNING, e->line, 7,
                         "name '%s' read as family name and initials", n.family);
    b->rc = bib_record_add_name(b->rec, var, &n);
    bib_name_clear(&n);
}

static void add_keywords(build *b, bib_var var, const ris_entry *e)
{
    /* split on newlines and ';', and on ',' only when that gave one keyword
     * (Zotero's rule, docs/ris.md) */
    const char *s = val(b, e), *end = s + e->len;
    bool multi = false;
    for (const char *p = s; p < end; p++)
        if (*p == ';' || *p == '\n')
            multi = true;
    bool has_comma = !multi && memchr(s, ',', e->len) != NULL;
    if (!multi && !has_comma) {
        if (e->len && !b->rc)
            b->rc = bib_record_add_text(b->rec, var, s, e->len);
        return;
    }
    const char *p = s;
    while (p <= end && !b->rc) {
        const char *q = p;
        /* as strchr(seps, *q), a NUL included, without a call a byte */
        while (q < end && *q && (multi ? *q != ';' && *q != '\n' : *q != ','))
            q++;
        const char *a = p, *z = q;
        while (a < z && isspace((unsigned char)*a))
            a++;
        while (z > a && isspace((unsigned char)z[-1]))
            z--;
        if (z > a)
            b->rc = bib_record_add_text(b->rec, var, a, (size_t)(z - a));
        p = q + 1;
    }
}

static bool same_day(const bib_date *a, const bib_date *b)
{
    if (a->nparts < 1 || b->nparts < 1)
        return false;
    const bib_date_part *x = &a->parts[0], *y = &b->parts[0];
    if (x->year != y->year)
        return false;
    /* a less precise date that agrees is implied by the more precise one */
    return (!x->month || !y->month || x->month == y->month) &&
           (!x->day || !y->day || x->day == y->day);
}

/* issued: DA > PY > Y1 whatever their order (docs/ris.md, "Dates"); Y2 is
 * accessed, never issued; a disagreeing Y1 is an online date
 * (available-date, Taylor & Francis), a disagreeing PY an extra. */
/* "0000" (and "0000///"): the year placeholder of exports with no date
 * (Scopus); no year, not 1 BC, as Zotero reads it. */
static bool zero_year(const char *s, size_t n)
{
    if (n < 4 || memcmp(s, "0000", 4) != 0)
        return false;
    for (size_t i = 4; i < n; i++)
        if (!strchr("/-0 ", s[i]))
            return false;
    return true;
}

static void map_dates(build *b, const ris_entry *da, const ris_entry *py,
                      const ris_entry *y1, bool da_is_accessed)
{
    /* a placeholder is no date: kept as an extra (RIS writes it back) */
    const ris_entry **each[3] = {&da, &py, &y1};
    for (int i = 0; i < 3 && !b->rc; i++)
        if (*each[i] && zero_year(val(b, *each[i]), (*each[i])->len)) {
            extra(b, *each[i]);
            *each[i] = NULL;
        }
    const ris_entry *order[3] = {da_is_accessed ? NULL : da, py, y1};
    bib_date best = {0};
    const ris_entry *from = NULL;
    for (int i = 0; i < 3 && !from && !b->rc; i++) {
        if (!order[i])
            continue;
        bib_date d;
        int rc = ris_date_parse(&d, val(b, order[i]), order[i]->len);
        if (rc == BIB_ENOMEM) {
            b->rc = rc;
            return;
        }
        if (rc == 0) {
            best = d;
            from = order[i];
        } else {
            bib_date_clear(&d);
        }
    }
    if (!from) {
        /* nothing parses: the first of them as a literal date */
        for (int i = 0; i < 3 && !from; i++)
            if (order[i]) {
                from = order[i];
                best = (bib_date){0};
                int rc = ris_date_parse(&best, val(b, from), from->len);
                if (rc == BIB_ENOMEM) {
                    b->rc = rc;
                    return;
                }
            }
    }
    if (from && best.nparts >= 1 && !best.parts[0].has_year) {
        /* "DA  - JUN 8" next to "PY  - 2004" (Web of Science): the day
         * from one, the year from the other */
        for (int i = 0; i < 3; i++) {
            if (!order[i] || order[i] == from)
                continue;
            bib_date d;
            if (ris_date_parse(&d, val(b, order[i]), order[i]->len) == 0 && d.nparts >= 1 &&
                d.parts[0].has_year) {
                best.parts[0].has_year = true;
                best.parts[0].year = d.parts[0].year;
                bib_date_clear(&d);
                free((char *)best.raw);
                best.raw = NULL;
                break;
            }
            bib_date_clear(&d);
        }
    }
    if (from && !b->rc)
        b->rc = bib_record_set_date(b->rec, BIB_VAR_ISSUED, &best);
    for (int i = 0; i < 3 && !b->rc; i++) {
        const ris_entry *e = order[i];
        if (!e || e == from)
            continue;
        bib_date d;
        int rc = ris_date_parse(&d, val(b, e), e->len);
        if (rc == BIB_ENOMEM) {
            b->rc = rc;
            break;
        }
        if (rc == 0 && same_day(&d, &best) && !d.raw) {
            bib_date_clear(&d);
            continue; /* PY 2014 next to DA 2014/04/01: nothing new */
        }
        if (e == y1 && rc == 0 && !bib_record_has(b->rec, BIB_VAR_AVAILABLE_DATE))
            b->rc = bib_record_set_date(b->rec, BIB_VAR_AVAILABLE_DATE, &d);
        else
            extra(b, e);
        bib_date_clear(&d);
    }
    bib_date_clear(&best);
}

static void set_date(build *b, bib_var var, const ris_entry *e)
{
    if (b->rc)
        return;
    if (bib_record_has(b->rec, var)) {
        extra(b, e);
        return;
    }
    bib_date d;
    int rc = ris_date_parse(&d, val(b, e), e->len);
    if (rc == BIB_ENOMEM) {
        b->rc = rc;
        return;
    }
    b->rc = bib_record_set_date(b->rec, var, &d);
    bib_date_clear(&d);
}

static void set_doi(build *b, const ris_entry *e)
{
    const char *s = val(b, e);
    size_t st = ris_doi_start(s, e->len);
    if (bib_record_has(b->rec, BIB_VAR_DOI)) {
        extra(b, e);
        return;
    }
    if (!b->rc)
        b->rc = bib_record_set_text(b->rec, BIB_VAR_DOI, s + st, e->len - st);
}

/* The row of the table that reads `tag` for a record whose conditions are
 * `mask`: the first whose read condition holds, or NULL (an extra). */
static const ris_field *find_row(const ris_reader *r, const char *tag, unsigned mask)
{
    int slot = ris_tag_slot(tag);
    unsigned i = slot < 0 ? 0 : r->row1[slot];
    while (i) {
        const ris_field *f = &ris_fields[i - 1];
        if (ris_cond_holds(mask, f->read))
            return f;
        i = r->next_row[i - 1];
    }
    return NULL;
}

/* The first of a tag that is mapped after the loop (dates, pages); later
 * ones are extras. */
static void keep_first(build *b, const ris_entry **slot, const ris_entry *e)
{
    if (!*slot)
        *slot = e;
    else
        extra(b, e);
}

/* SN: ISBN or ISSN by its shape; for report-like types anything else is
 * the number. */
static void read_sn(build *b, const ris_entry *e)
{
    int k = ris_sn_kind(val(b, e), e->len);
    bool numbered = ris_cond_holds(b->mask, RIS_C_NUMBERED);
    /* no digits at all: the type decides, as Zotero does (books carry
     * ISBNs, serials ISSNs); a malformed number stays an ISSN, which is
     * where the writer puts those */
    if (k == 0 && !numbered && ris_type_isbn(b->code) &&
        strcspn(val(b, e), "0123456789") >= e->len)
        k = 1;
    if (k == 1)
        b->rc = bib_record_add_text(b->rec, BIB_VAR_ISBN, val(b, e), e->len);
    else if (k == 2 || !numbered)
        b->rc = bib_record_add_text(b->rec, BIB_VAR_ISSN, val(b, e), e->len);
    else
        set_once(b, BIB_VAR_NUMBER, e);
}

/* N1: ProCite packs fields into notes as "Label: value"; the call number
 * is the one with a CSL home (docs/ris.md). */
static void read_note(build *b, bib_var var, const ris_entry *e)
{
    static const char cn[] = "Call Number: ";
    if (e->len > sizeof cn - 1 && memcmp(val(b, e), cn, sizeof cn - 1) == 0 &&
        !bib_record_has(b->rec, BIB_VAR_CALL_NUMBER)) {
        ris_entry sub = *e;
        sub.off += sizeof cn - 1;
        sub.len -= sizeof cn - 1;
        set_once(b, BIB_VAR_CALL_NUMBER, &sub);
    } else {
        set_once(b, var, e);
    }
}

/* M3: older EndNote puts the DOI there (docs/ris.md). */
static void read_doi_or(build *b, bib_var var, const ris_entry *e)
{
    const char *s = val(b, e);
    size_t st = ris_doi_start(s, e->len);
    if (ris_is_doi(s + st, e->len - st) && !bib_record_has(b->rec, BIB_VAR_DOI))
        set_doi(b, e);
    else
        set_once(b, var, e);
}

static void read_id(build *b, const ris_entry *e)
{
    if (bib_record_id(b->rec)) {
        extra(b, e);
        return;
    }
    b->rc = bib_record_set_id_n(b->rec, val(b, e), e->len);
}

/* Maps one entry through its row. */
static void read_field(build *b, const ris_field *f, const ris_entry *e)
{
    switch (f->kind) {
    case RIS_K_TEXT:
        set_once(b, f->var, e);
        break;
    case RIS_K_NAMES: {
        bib_var nv = tag_is(e, "AU") ? b->facts->au : ris_name_var(b->code, e->tag);
        if (nv != BIB_VAR_NONE)
            add_name(b, nv, e);
        else
            extra(b, e);
        break;
    }
    case RIS_K_DATE:
        set_date(b, f->var, e);
        break;
    case RIS_K_ISSUED:
        keep_first(b, tag_is(e, "DA") ? &b->da : tag_is(e, "PY") ? &b->py : &b->y1, e);
        break;
    case RIS_K_PAGES:
        keep_first(b, tag_is(e, "EP") ? &b->ep : &b->sp, e);
        break;
    case RIS_K_DOI:
        set_doi(b, e);
        break;
    case RIS_K_DOI_OR:
        read_doi_or(b, f->var, e);
        break;
    case RIS_K_SN:
        read_sn(b, e);
        break;
    case RIS_K_NOTE:
        read_note(b, f->var, e);
        break;
    case RIS_K_KEYWORDS:
        add_keywords(b, f->var, e);
        break;
    case RIS_K_ID:
        read_id(b, e);
        break;
    }
}

/* The values lie end to end in one buffer, not NUL-terminated: strspn
 * would run on into the next one ("100" then NV "5" reads "1005"). */
static bool all_digits(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (s[i] < '0' || s[i] > '9')
            return false;
    return true;
}

/* SP/EP after the loop: one range, or SP alone as a number of pages for the
 * types whose SP counts pages. */
static void map_pages(build *b)
{
    const ris_entry *sp = b->sp, *ep = b->ep;
    bib_buf *t = &b->r->tmp;
    bib_buf_reset(t);
    if (sp && !ep && ris_type_sp_is_count(b->code) && all_digits(val(b, sp), sp->len)) {
        b->rc = bib_record_set_text(b->rec, BIB_VAR_NUMBER_OF_PAGES, val(b, sp), sp->len);
        return;
    }
    if (sp)
        bib_pages_normalize(t, val(b, sp), sp->len, "-");
    if (ep) {
        bib_buf_putc(t, '-');
        bib_buf_append(t, val(b, ep), ep->len);
    }
    b->rc = bib_buf_failed(t) ? BIB_ENOMEM
                              : bib_record_set_text(b->rec, BIB_VAR_PAGE, t->data, t->len);
}

/* A new record of the TY in entry 0, its code kept as an extra when the
 * writer would not give it back. */
static int start_build(build *b, ris_reader *r)
{
    const ris_entry *ty = &r->ent[0];
    size_t cl = ty->len < sizeof b->code - 1 ? ty->len : sizeof b->code - 1;
    for (size_t i = 0; i < cl; i++)
        b->code[i] = (char)toupper((unsigned char)r->vals.data[ty->off + i]);
    b->code[cl] = '\0';
    uint32_t h = 2166136261u; /* FNV-1a: the common codes get slots of their own */
    for (size_t i = 0; i < cl; i++)
        h = (h ^ (unsigned char)b->code[i]) * 16777619u;
    struct code_facts *cf = &r->facts[(h ^ h >> 16) & 63];
    if (cf->len != cl + 1 || memcmp(cf->code, b->code, cl) != 0) {
        memcpy(cf->code, b->code, cl + 1);
        cf->len = (unsigned char)(cl + 1);
        cf->type = ris_type_from_code(b->code, cl, &cf->known);
        cf->ty_extra = !cf->known || strcmp(ris_type_code(cf->type), b->code) != 0;
        cf->da_accessed = ris_type_da_accessed(b->code);
        cf->mask = ris_cond_mask(b->code);
        cf->au = ris_name_var(b->code, "AU");
    }
    bool known = cf->known;
    bib_type type = cf->type;
    b->facts = cf;
    if (!known)
        bib_input_report(r->in, BIB_SEV_INFO, ty->line, 7,
                         "unknown RIS type '%s', read as document (kept for RIS output)",
                         b->code);
    b->rec = bib_record_new(type, NULL);
    if (!b->rec)
        return BIB_ENOMEM;
    bib_record_set_origin(b->rec, bib_input_name(r->in), r->rec_line);
    if (cf->ty_extra)
        b->rc = bib_record_add_extra(b->rec, "ris", "TY", b->code, strlen(b->code));
    b->mask = cf->mask;
    return 0;
}

static int build_record(ris_reader *r, bib_record **out)
{
    build b = {.r = r};
    if (start_build(&b, r))
        return BIB_ENOMEM;
    for (size_t i = 1; i < r->nent && !b.rc; i++) {
        const ris_entry *e = &r->ent[i];
        if (e->len == 0)
            continue; /* "DO  -": empty tags are dropped (as Zotero, citation-js) */
        const ris_field *f = find_row(r, e->tag, b.mask);
        if (f)
            read_field(&b, f, e);
        else
            extra(&b, e); /* AN, AD, L1-L4, C1-C8, M2, U1-U5, TA, TT, RP, ...: kept */
    }
    bool da_accessed = b.facts->da_accessed;
    if (!b.rc && (b.da || b.py || b.y1))
        map_dates(&b, b.da, b.py, b.y1, da_accessed);
    if (!b.rc && b.da && da_accessed) {
        if (bib_record_has(b.rec, BIB_VAR_ACCESSED))
            extra(&b, b.da);
        else
            set_date(&b, BIB_VAR_ACCESSED, b.da);
    }
    if (!b.rc && (b.sp || b.ep))
        map_pages(&b);
    if (r->vals.cap > (1u << 20))
        bib_buf_clear(&r->vals); /* not held while a huge value is written */
    if (b.rc) {
        bib_record_free(b.rec);
        return b.rc;
    }
    *out = b.rec;
    return 1;
}

/* ---- the line loop ------------------------------------------------------ */

static void quote_line(char *q, size_t qs, const char *s, size_t len)
{
    bib_diag_quote(q, qs, s, len, 20);
}

static int start_record(ris_reader *r, size_t line, const char *v, size_t len)
{
    r->nent = 0;
    bib_buf_reset(&r->vals);
    r->rec_line = line;
    return add_entry(r, "TY", line, v, len);
}

/* A line between records: a TY starts one (returns 1), an empty ER is
 * ignored, another tag line starts a record without TY (1: read as GEN,
 * said at its first line, so that a record whose TY line was lost is not
 * lost with it; docs/ris.md), anything else is skipped with one warning
 * per run (0). */
static int outside_record(ris_reader *r, const ris_line *l, size_t ln)
{
    if (l->kind == RIS_LINE_TAG && l->tag[0] == 'T' && l->tag[1] == 'Y') {
        if (start_record(r, ln, l->value, l->len))
            return BIB_ENOMEM;
        r->junk_warned = false;
        return 1;
    }
    if (l->kind == RIS_LINE_TAG && l->tag[0] == 'E' && l->tag[1] == 'R' && !l->len)
        return 0; /* a second ER, or an empty record's ER (JabRef test) */
    if (l->kind == RIS_LINE_TAG && !(l->tag[0] == 'E' && l->tag[1] == 'R')) {
        bib_input_report(r->in, BIB_SEV_WARNING, ln, 1,
                         "record without 'TY  - ': read as type GEN (generic)");
        if (start_record(r, ln, "GEN", 3) || add_entry(r, l->tag, ln, l->value, l->len))
            return BIB_ENOMEM;
        r->junk_warned = false;
        return 1;
    }
    if (!r->junk_warned) {
        char q[64];
        quote_line(q, sizeof q, l->value, l->len);
        bib_input_report(r->in, BIB_SEV_WARNING, ln, 1,
                         "expected 'TY  - ' to start a record, found '%s'", q);
        r->junk_warned = true;
    }
    return 0;
}

/* Appends a continuation line to the last value: after `blanks` + 1 line
 * breaks for the tags that keep them, else after a space. */
static int continue_value(ris_reader *r, const ris_line *l, size_t ln, size_t blanks)
{
    ris_entry *last = &r->ent[r->nent - 1];
    if (last->len) {
        if (keeps_newlines(r, last->tag)) {
            for (size_t k = 0; k <= blanks; k++)
                bib_buf_putc_fast(&r->vals, '\n');
            last->len += blanks + 1;
        } else {
            bib_buf_putc_fast(&r->vals, ' ');
            last->len++;
        }
    }
    size_t at = r->vals.len;
    bib_buf_append_fast(&r->vals, l->value, l->len);
    last->len += l->len;
    if (bib_buf_failed(&r->vals))
        return BIB_ENOMEM;
    last->len -= clean_tail(r, at, ln);
    return 0;
}

/* ris_lex_line, its usual case first without the call: "XX  - value"
 * with no blank at the end (nothing to trim), as ris_lex_line reads it. */
static inline void lex_line(const char *s, size_t len, ris_line *out)
{
    unsigned char e = len ? (unsigned char)s[len - 1] : ' ';
    if (len >= 6 && e > ' ' && s[0] >= 'A' && s[0] <= 'Z' &&
        ((s[1] >= 'A' && s[1] <= 'Z') || (s[1] >= '0' && s[1] <= '9')) && s[2] == ' ' &&
        s[3] == ' ' && s[4] == '-' && (s[5] == ' ' || s[5] == '\t')) {
        size_t v = 6;
        while (v < len && (s[v] == ' ' || s[v] == '\t'))
            v++;
        out->kind = RIS_LINE_TAG;
        out->tag[0] = s[0];
        out->tag[1] = s[1];
        out->tag[2] = '\0';
        out->value = s + v;
        out->len = len - v;
        return;
    }
    ris_lex_line(s, len, out);
}

/* The lines a call of r_next read from the window, consumed at once. */
static void lines_done(ris_reader *r)
{
    if (r->win_pos) /* whole LF lines, counted as they were read (next_line) */
        bib_input_consume_lines(r->in, r->win_pos, r->win_line - bib_input_line(r->in));
    r->win = NULL;
    r->win_len = r->win_pos = 0;
}

/* The next line: 1 with its text (*s, *len; no terminator) and number,
 * 0 at the end of the input, or a negative status. Lines that end in LF
 * are taken from the buffered window directly, a memchr each, and
 * consumed together (lines_done): bib_input_getline cost about 85
 * instructions a line. A line the window ends inside gets a larger
 * window. From a CR on (CR and CRLF ends, a lone CR before an LF), and
 * for a line of a megabyte or more or the last one without an end, the
 * lines come from bib_input_getline, which owns those rules, to the end
 * of the input. */
static int next_line(ris_reader *r, const char **s, size_t *len, size_t *ln)
{
    while (!r->by_getline) {
        size_t left = r->win ? r->win_len - r->win_pos : 0;
        const char *p = r->win ? r->win + r->win_pos : NULL;
        /* the line's end and whether a byte before it is one clean_tail
         * changes, in one pass: '\n' is one of those bytes (below 0x20) */
        const char *nl = NULL;
        if (left) {
            size_t k = next_unkept((const unsigned char *)p, 0, left);
            r->line_clean = k < left && p[k] == '\n';
            nl = r->line_clean ? p + k : k < left ? memchr(p + k, '\n', left - k) : NULL;
        }
        if (nl) {
            size_t n = (size_t)(nl - p);
            /* a line past the bound is bib_input_getline's error, however
             * it came (whole in a window or not: -j cuts them elsewhere) */
            if (n >= WIDE_LINE && n > bib_input_max_value(r->in)) {
                lines_done(r);
                return bib_input_getline(r->in, s, len);
            }
            *s = p;
            *len = n;
            *ln = r->win_line++;
            r->win_pos += n + 1;
            r->wide |= n >= WIDE_LINE;
            return 1;
        }
        /* the window is used up, or ends inside a line: the lines read go,
         * and a window that holds the next line whole is asked for */
        lines_done(r);
        /* the window of a huge line goes once its value is in vals: only a
         * line longer than the input's buffer grows the window, so there
         * is nothing to give back before one */
        if (r->wide)
            bib_input_trim(r->in);
        size_t want = left ? left + (64u << 10) : 0;
        const char *d;
        size_t n;
        if (want > (1u << 20) || want >= bib_input_max_value(r->in) ||
            bib_input_window(r->in, want, &d, &n) < 0 || n == 0 || (left && n <= left))
            break;
        /* each byte is looked at for a CR once, not at every record */
        uint64_t at = bib_input_offset(r->in);
        size_t from = r->cr_free > at ? (size_t)(r->cr_free - at) : 0;
        if (from < n && memchr(d + from, '\r', n - from))
            break;
        if (at + n > r->cr_free)
            r->cr_free = at + n;
        r->win = d;
        r->win_len = n;
        r->win_line = bib_input_line(r->in);
    }
    r->by_getline = true;
    r->line_clean = false;
    if (r->wide)
        bib_input_trim(r->in);
    int rc = bib_input_getline(r->in, s, len);
    if (rc <= 0)
        return rc;
    r->wide |= *len >= WIDE_LINE;
    *ln = bib_input_last_line(r->in);
    return 1;
}

static int r_next_lines(bib_reader *rd, bib_record **out);

static int r_next(bib_reader *rd, bib_record **out)
{
    int rc = r_next_lines(rd, out);
    lines_done(bib_reader_state(rd)); /* the input stands after the record */
    return rc;
}

static int r_next_lines(bib_reader *rd, bib_record **out)
{
    ris_reader *r = bib_reader_state(rd);
    bool in_rec = false, bad = false;
    size_t blanks = 0;
    *out = NULL;
    if (r->pending_ty) {
        r->pending_ty = false;
        if (start_record(r, r->pending_line, r->pending_val.data, r->pending_val.len))
            return BIB_ENOMEM;
        in_rec = true;
    }
    for (;;) {
        const char *s;
        size_t len, ln = 0;
        int rc = next_line(r, &s, &len, &ln);
        if (rc < 0)
            return rc;
        if (rc == 0) {
            if (!in_rec)
                return 0;
            bib_input_report(r->in, BIB_SEV_WARNING, r->rec_line, 1,
                             "record has no 'ER  - ' before the end of the input");
            if (bad)
                return BIB_EPARSE;
            return build_record(r, out);
        }
        ris_line l;
        lex_line(s, len, &l);
        if (l.kind == RIS_LINE_BLANK) {
            blanks++;
            continue;
        }
        if (!in_rec) {
            int st = outside_record(r, &l, ln);
            if (st < 0)
                return st;
            if (st) {
                in_rec = true;
                blanks = 0;
            }
            continue;
        }
        if (l.kind == RIS_LINE_LOWER_TAG) {
            bib_input_report(r->in, bib_reader_is_strict(rd) ? BIB_SEV_ERROR : BIB_SEV_WARNING,
                             ln, 1, "tag '%c%c' should be upper case",
                             tolower((unsigned char)l.tag[0]), tolower((unsigned char)l.tag[1]));
            if (bib_reader_is_strict(rd))
                bad = true;
            l.kind = RIS_LINE_TAG;
        }
        if (l.kind == RIS_LINE_TAG) {
            blanks = 0;
            if (l.tag[0] == 'E' && l.tag[1] == 'R') {
                if (bad)
                    return BIB_EPARSE;
                return build_record(r, out);
            }
            if (l.tag[0] == 'T' && l.tag[1] == 'Y') {
                bib_input_report(r->in, BIB_SEV_WARNING, ln, 1,
                                 "expected 'ER  - ' to end the record of line %zu before a "
                                 "new 'TY'", r->rec_line);
                bib_buf_reset(&r->pending_val);
                bib_buf_append(&r->pending_val, l.value, l.len);
                if (bib_buf_failed(&r->pending_val))
                    return BIB_ENOMEM;
                r->pending_ty = true;
                r->pending_line = ln;
                if (bad)
                    return BIB_EPARSE;
                return build_record(r, out);
            }
            if (add_entry_clean(r, l.tag, ln, l.value, l.len, r->line_clean))
                return BIB_ENOMEM;
            continue;
        }
        if (l.kind == RIS_LINE_BAD_TAG) {
            char q[64];
            quote_line(q, sizeof q, l.value - (l.value > s ? (size_t)(l.value - s) : 0),
                       len);
            bib_input_report(r->in, BIB_SEV_ERROR, ln, 3,
                             "expected two blanks and '- ' after tag '%s', found '%s'", l.tag,
                             q);
            bad = true;
            continue;
        }
        /* a continuation line: part of the last value */
        if (continue_value(r, &l, ln, blanks))
            return BIB_ENOMEM;
        blanks = 0;
    }
}

const bib_reader_ops risfmt_reader_ops = {
    .state_size = sizeof(ris_reader),
    .open = r_open,
    .next = r_next,
    .close = r_close,
    .options = NULL,
    .split = risfmt_split,
};
