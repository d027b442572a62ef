/* SPDX-License-Identifier: MIT */
/*
 * bibtex.c - the bibtex module: formats `bibtex` and `biblatex`, one set of
 * reader and writer ops serving both (the flavour decides field and type
 * names on output and the default of -O ascii). The reader is a hand-written
 * lexer over bib_input windows: it asks for a window, parses one entry in
 * it, and asks for a larger window only when the entry runs past the end, so
 * memory is bounded by the largest entry, never the file. Mapping to CSL
 * follows ../shared/docs/crosswalk.md sections 2.2 and 3; what has no CSL
 * variable is kept as a ("bibtex", field, raw value) extra so bibtex ->
 * bibtex loses nothing. LaTeX, names and dates are converted by core's
 * text services (latex.h, names.h, dates.h).
 *
 * crossref/xdata (BibLaTeX rules: parent title -> container-title, other
 * missing fields filled in, marked BIB_FIELD_INHERITED): the reader keeps
 * clones of the last 1024 parent-like entries (@proceedings, @book,
 * @collection, @xdata...) and holds back only children whose parent has not
 * appeared yet, releasing them right after their parent (or at the end with
 * a warning). Memory: one entry + @string table + 1024 parents + at most
 * 256 held children (beyond that the oldest goes out unresolved, warned).
 *
 * Not for: LaTeX<->Unicode, the name algorithm, dates or key generation
 * (core text services).
 *
 * Grammar accepted (case-insensitive identifiers):
 *     file      := (junk | entry)*          junk: any text without '@'
 *     entry     := '@' ws ident ws ('{' body '}' | '(' body ')')
 *     body      := key ws ',' fields  |  fields          (for @string)
 *                  | raw                                  (@preamble/@comment)
 *     fields    := (field (',' field)*)? ','?
 *     field     := ident ws '=' ws value
 *     value     := part (ws '#' ws part)*
 *     part      := '{' balanced '}' | '"' balanced-without-top-level-'"' '"'
 *                  | digits | ident (a macro; jan..dec predefined)
 * After an error the reader skips to the next '@' at the start of a line
 * (after optional blanks) and reports BIB_EPARSE: one bad entry costs one
 * entry.
 */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/buf.h"
#include "bibconv/dates.h"
#include "bibconv/keys.h"
#include "bibconv/latex.h"
#include "bibconv/names.h"
#include "bibconv/plugin.h"

/* ---- macro table ------------------------------------------------------- */

/* Open-addressing hash of @string macros: lower-case name -> expansion. */
typedef struct macro {
    char *name;
    char *value;
} macro;

typedef struct macro_table {
    macro *slots;
    size_t cap, count;
} macro_table;

static size_t hash_name(const char *s, size_t n)
{
    size_t h = 1469598103934665603u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)tolower((unsigned char)s[i])) * 1099511628211u;
    return h;
}

static bool name_eq(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)a[i]) != (unsigned char)b[i])
            return false;
    return b[n] == '\0';
}

static macro *macro_find(macro_table *t, const char *name, size_t n)
{
    if (!t->cap)
        return NULL;
    size_t i = hash_name(name, n) & (t->cap - 1);
    while (t->slots[i].name) {
        if (name_eq(name, t->slots[i].name, n))
            return &t->slots[i];
        i = (i + 1) & (t->cap - 1);
    }
    return NULL;
}

static int macro_set(macro_table *t, const char *name, size_t n, const char *v, size_t vn)
{
    macro *m = macro_find(t, name, n);
    char *val = malloc(vn + 1);
    if (!val)
        return BIB_ENOMEM;
    memcpy(val, v, vn);
    val[vn] = '\0';
    if (m) {
        free(m->value);
        m->value = val;
        return 0;
    }
    if ((t->count + 1) * 2 > t->cap) {
        size_t ncap = t->cap ? t->cap * 2 : 64;
        macro *ns = calloc(ncap, sizeof *ns);
        if (!ns) {
            free(val);
            return BIB_ENOMEM;
        }
        for (size_t i = 0; i < t->cap; i++) {
            if (!t->slots[i].name)
                continue;
            size_t j = hash_name(t->slots[i].name, strlen(t->slots[i].name)) & (ncap - 1);
            while (ns[j].name)
                j = (j + 1) & (ncap - 1);
            ns[j] = t->slots[i];
        }
        free(t->slots);
        t->slots = ns;
        t->cap = ncap;
    }
    char *key = malloc(n + 1);
    if (!key) {
        free(val);
        return BIB_ENOMEM;
    }
    for (size_t i = 0; i < n; i++)
        key[i] = (char)tolower((unsigned char)name[i]);
    key[n] = '\0';
    size_t j = hash_name(key, n) & (t->cap - 1);
    while (t->slots[j].name)
        j = (j + 1) & (t->cap - 1);
    t->slots[j].name = key;
    t->slots[j].value = val;
    t->count++;
    return 0;
}

static void macro_free(macro_table *t)
{
    for (size_t i = 0; i < t->cap; i++) {
        free(t->slots[i].name);
        free(t->slots[i].value);
    }
    free(t->slots);
    memset(t, 0, sizeof *t);
}

static const char *const month_names[12] = {
    "January", "February", "March", "April", "May", "June", "July",
    "August", "September", "October", "November", "December"};

/* ---- reader ------------------------------------------------------------ */

/* One parsed field: name and value are offsets into the reader's arena. */
typedef struct raw_field {
    size_t name_off, name_len;
    size_t val_off, val_len;
    size_t line, col;
    bool bare_number; /* the whole value was one bare number */
} raw_field;

typedef struct bt_reader {
    bib_input *in;
    bool biblatex;
    macro_table macros;
    bib_buf arena;  /* field names and expanded values of the current entry */
    bib_buf tmp;    /* conversion scratch */
    raw_field *fields;
    size_t nfields, capfields;
    bib_keyset *keys; /* citation keys seen, for the duplicate warning */
    bool bol;         /* the '@' at the window start begins a line */
    bool keys_full;   /* the note that r->keys is full was given */
    unsigned char field_slots[256]; /* hash index of field_table */
    /* crossref: possible parents seen (clones), children waiting for a
     * parent, and records ready to hand out */
    bib_record **parents;
    size_t nparents, capparents;
    bib_record **held;
    size_t nheld, capheld;
    /* held children per hash slot of the key they name: a record whose
     * slot is 0 has no child waiting, found without a scan */
    unsigned short waiting[4096];
    unsigned char parent_tag[1024]; /* a hash byte per parent: most misses
                                       are told apart without a strcmp */
    bib_record **ready;
    size_t rhead, nready, capready;
} bt_reader;

enum { NEED_MORE = 1 };

/* Parse context over one window. */
typedef struct pctx {
    bt_reader *r;
    const char *d;   /* window start */
    const char *p;   /* cursor */
    const char *end; /* window end */
    bool eof;        /* the window holds the rest of the input */
    const char *err_at;
    char err[160];
    /* what the parser forgave (a missing comma, a stray delimiter), given
     * once the entry is parsed: a parse restarted on a larger window must
     * not warn twice */
    int nwarn;
    const char *warn_at[4];
    char warn[4][100];
} pctx;

static void forgive(pctx *c, const char *at, const char *msg, const char *arg, size_t argn)
{
    if (c->nwarn == 4)
        return;
    c->warn_at[c->nwarn] = at;
    snprintf(c->warn[c->nwarn], sizeof c->warn[0], msg, (int)(argn > 40 ? 40 : argn), arg);
    c->nwarn++;
}

/* A '%' that opens its line (after blanks) starts a comment there. */
static bool comment_line(const pctx *c, const char *p)
{
    const char *q = p;
    while (q > c->d && (q[-1] == ' ' || q[-1] == '\t'))
        q--;
    return q > c->d && (q[-1] == '\n' || q[-1] == '\r');
}

static bool is_ident_char(unsigned char c)
{
    /* BibTeX forbids these in identifiers; everything else printable goes */
    return c > ' ' && c != '{' && c != '}' && c != '(' && c != ')' && c != ',' &&
           c != '=' && c != '"' && c != '#' && c != '%' && c != '\'' && c != '@' &&
           c != 0x7f;
}

/* Skips bytes that mean nothing inside a value ('{', '}', '"' and '@' do),
 * eight at a time: values are most of a file's bytes. */
static const char *skip_plain(const char *p, const char *end)
{
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    while (end - p >= 8) {
        uint64_t x;
        memcpy(&x, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
        x = __builtin_bswap64(x);
#endif
        uint64_t a = x ^ (ones * '{'), b = x ^ (ones * '}'), q = x ^ (ones * '"'),
                 at = x ^ (ones * '@');
        uint64_t hit = (((a - ones) & ~a) | ((b - ones) & ~b) | ((q - ones) & ~q) |
                        ((at - ones) & ~at)) & high;
        if (hit) /* the lowest flagged byte is a real one */
            return p + __builtin_ctzll(hit) / 8;
        p += 8;
    }
    while (p < end && *p != '{' && *p != '}' && *p != '"' && *p != '@')
        p++;
    return p;
}

/* Blanks between the parts of an entry; also no-break spaces (U+00A0, as
 * pasted from web pages) and whole-line '%' comments, which BibTeX would
 * choke on but JabRef, Zotero and pandoc users write. */
static void skip_ws_more(pctx *c)
{
    for (;;) {
        while (c->p < c->end &&
               (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
            c->p++;
        if (c->end - c->p >= 2 && (unsigned char)c->p[0] == 0xC2 &&
            (unsigned char)c->p[1] == 0xA0) {
            c->p += 2;
            continue;
        }
        if (c->p < c->end && *c->p == '%' && comment_line(c, c->p)) {
            const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
            c->p = nl ? nl + 1 : c->end;
            continue;
        }
        return;
    }
}

static inline void skip_ws(pctx *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
    if (c->p < c->end && ((unsigned char)*c->p == 0xC2 || *c->p == '%'))
        skip_ws_more(c);
}

static int fail(pctx *c, const char *at, const char *expected)
{
    char q[64];
    if (at >= c->end) {
        if (!c->eof)
            return NEED_MORE;
        snprintf(c->err, sizeof c->err, "expected %s, found end of input", expected);
    } else {
        size_t n = 0;
        while (at + n < c->end && n < 20 && at[n] != '\n' && at[n] != '\r')
            n++;
        if (!n)
            n = 1;
        bib_diag_quote(q, sizeof q, at, (size_t)(c->end - at) < n ? (size_t)(c->end - at) : n,
                       20);
        snprintf(c->err, sizeof c->err, "expected %s, found '%s'", expected, q);
    }
    c->err_at = at;
    return BIB_EPARSE;
}

/* Needs at least one more byte past the cursor (the 16 NUL guard covers
 * one-byte look-ahead, but a value may run on). */
static int need(pctx *c, const char *expected)
{
    if (c->p < c->end)
        return 0;
    return fail(c, c->p, expected);
}

static int parse_ident(pctx *c, const char **s, size_t *n, const char *what)
{
    const char *b = c->p;
    while (c->p < c->end && is_ident_char((unsigned char)*c->p))
        c->p++;
    if (c->p == c->end && !c->eof)
        return NEED_MORE;
    if (c->p == b)
        return fail(c, b, what);
    *s = b;
    *n = (size_t)(c->p - b);
    return 0;
}

/* Appends one value part to the arena. */
static int parse_part(pctx *c, bool *bare)
{
    bt_reader *r = c->r;
    int rc;
    if ((rc = need(c, "a field value")))
        return rc;
    char ch = *c->p;
    if (ch == '{' || ch == '"') {
        const char *start = c->p;
        char close = ch == '{' ? '}' : '"';
        int depth = 0;
        c->p++;
        const char *b = c->p;
        for (;;) {
            c->p = skip_plain(c->p, c->end);
            if (c->p >= c->end) {
                if (!c->eof)
                    return NEED_MORE;
                c->err_at = start;
                snprintf(c->err, sizeof c->err,
                         "unterminated value: expected '%c' before end of input", close);
                return BIB_EPARSE;
            }
            char x = *c->p;
            if (x == '{') {
                depth++;
            } else if (x == '}') {
                if (depth == 0) {
                    if (close == '}')
                        break;
                    c->err_at = c->p;
                    snprintf(c->err, sizeof c->err, "unbalanced '}' in quoted value");
                    return BIB_EPARSE;
                }
                depth--;
            } else if (x == '"' && close == '"' && depth == 0) {
                break;
            } else if (x == '@' && c->p[-1] == '\n') {
                /* an entry start inside a value: the brace was never closed */
                c->err_at = start;
                snprintf(c->err, sizeof c->err,
                         "unterminated value: expected '%c' before next entry", close);
                return BIB_EPARSE;
            }
            c->p++;
        }
        bib_buf_append_fast(&r->arena, b, (size_t)(c->p - b));
        c->p++;
        *bare = false;
        return 0;
    }
    if (isdigit((unsigned char)ch)) {
        const char *b = c->p;
        while (c->p < c->end && isdigit((unsigned char)*c->p))
            c->p++;
        if (c->p == c->end && !c->eof)
            return NEED_MORE;
        bib_buf_append_fast(&r->arena, b, (size_t)(c->p - b));
        return 0;
    }
    const char *s;
    size_t n;
    if ((rc = parse_ident(c, &s, &n, "a field value")))
        return rc;
    macro *m = macro_find(&r->macros, s, n);
    if (m) {
        bib_buf_puts(&r->arena, m->value);
    } else {
        int mon = 0;
        if (n == 3)
            mon = bib_month_parse(s, n);
        if (mon > 0 && !isdigit((unsigned char)s[0])) {
            bib_buf_puts(&r->arena, month_names[mon - 1]);
        } else {
            size_t line, col;
            char q[64];
            bib_input_position_of(r->in, s, &line, &col);
            bib_input_report(r->in, BIB_SEV_WARNING, line, col, "undefined macro '%s'",
                             bib_diag_quote(q, sizeof q, s, n, 20));
        }
    }
    *bare = false;
    return 0;
}

static int parse_value(pctx *c, bool *bare)
{
    int rc;
    *bare = isdigit((unsigned char)*c->p) != 0;
    for (;;) {
        if ((rc = parse_part(c, bare)))
            return rc;
        skip_ws(c);
        if ((rc = need(c, "',' or '}'")))
            return rc;
        if (*c->p != '#')
            return 0;
        *bare = false;
        c->p++;
        skip_ws(c);
    }
}

typedef enum { E_ENTRY, E_STRING, E_PREAMBLE, E_COMMENT } entry_kind;

typedef struct parsed {
    entry_kind kind;
    const char *type;
    size_t type_len;
    const char *key;
    size_t key_len;
    const char *raw; /* whole entry text for directives */
    size_t raw_len;
    size_t line;
    bool opened; /* the '{' or '(' after the type was read */
} parsed;

static int add_field(bt_reader *r, size_t noff, size_t nlen, size_t voff, size_t line,
                     size_t col, bool bare)
{
    if (r->nfields == r->capfields) {
        size_t ncap = r->capfields ? r->capfields * 2 : 32;
        raw_field *nf = realloc(r->fields, ncap * sizeof *nf);
        if (!nf)
            return BIB_ENOMEM;
        r->fields = nf;
        r->capfields = ncap;
    }
    raw_field *f = &r->fields[r->nfields++];
    f->name_off = noff;
    f->name_len = nlen;
    f->val_off = voff;
    f->val_len = r->arena.len - voff;
    f->line = line;
    f->col = col;
    f->bare_number = bare;
    bib_buf_putc_fast(&r->arena, '\0');
    return 0;
}

static bool ieq(const char *s, size_t n, const char *lit)
{
    return strlen(lit) == n && name_eq(s, lit, n);
}

/* Parses the entry at c->p ('@'). */
static int parse_entry(pctx *c, parsed *out)
{
    bt_reader *r = c->r;
    int rc;
    const char *at = c->p;
    c->p++;
    skip_ws(c);
    if ((rc = parse_ident(c, &out->type, &out->type_len, "an entry type")))
        return rc;
    skip_ws(c);
    if ((rc = need(c, "'{' or '('")))
        return rc;
    if (*c->p != '{' && *c->p != '(' && ieq(out->type, out->type_len, "comment")) {
        /* "@comment some text": BibTeX skips the word; the line is kept */
        const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
        if (!nl && !c->eof)
            return NEED_MORE;
        c->p = nl ? nl : c->end;
        out->kind = E_COMMENT;
        out->raw = at;
        out->raw_len = (size_t)(c->p - at);
        while (out->raw_len && (at[out->raw_len - 1] == '\r' || at[out->raw_len - 1] == ' '))
            out->raw_len--;
        return 0;
    }
    if (*c->p != '{' && *c->p != '(')
        return fail(c, c->p, "'{' or '('");
    char close = *c->p == '{' ? '}' : ')';
    c->p++;
    out->opened = true;
    if (ieq(out->type, out->type_len, "comment") || ieq(out->type, out->type_len, "preamble")) {
        out->kind = out->type[0] == 'c' || out->type[0] == 'C' ? E_COMMENT : E_PREAMBLE;
        int depth = 0;
        for (;; c->p++) {
            if (c->p >= c->end) {
                if (!c->eof)
                    return NEED_MORE;
                return fail(c, c->p, close == '}' ? "'}'" : "')'");
            }
            if (*c->p == '{')
                depth++;
            else if (*c->p == '}' && depth > 0)
                depth--;
            else if (*c->p == close && depth == 0)
                break;
        }
        c->p++;
        out->raw = at;
        out->raw_len = (size_t)(c->p - at);
        return 0;
    }
    bool is_string = ieq(out->type, out->type_len, "string");
    out->kind = is_string ? E_STRING : E_ENTRY;
    skip_ws(c);
    if (!is_string) {
        /* the key runs to the first ',' or white space; empty keys allowed */
        const char *b = c->p;
        while (c->p < c->end && *c->p != ',' && *c->p != close && *c->p != ' ' &&
               *c->p != '\t' && *c->p != '\n' && *c->p != '\r' && *c->p != '=')
            c->p++;
        if (c->p == c->end)
            return fail(c, c->p, "',' after the key");
        out->key = b;
        out->key_len = (size_t)(c->p - b);
        skip_ws(c);
        if ((rc = need(c, "',' after the key")))
            return rc;
        if (*c->p == '=' && out->key_len) {
            /* "@article{author = ...": no key at all; the word was the
             * first field's name (EndNote exports) */
            forgive(c, b, "entry without a key: '%.*s' read as its first field", b,
                    out->key_len);
            out->key_len = 0;
            c->p = b;
            goto fields;
        }
        if (*c->p == close) {
            c->p++;
            return 0;
        }
        if (*c->p != ',')
            return fail(c, c->p, "',' after the key");
        c->p++;
    }
fields:
    for (;;) {
        skip_ws(c);
        if ((rc = need(c, "a field name")))
            return rc;
        if (*c->p == ',') { /* ",," : an empty field, skipped */
            c->p++;
            continue;
        }
        if (*c->p == close) {
            c->p++;
            break;
        }
        if (*c->p == (close == '}' ? ')' : '}')) {
            forgive(c, c->p, "entry closed with '%.*s', not the delimiter that opened it",
                    c->p, 1);
            c->p++;
            break;
        }
        const char *fn;
        size_t fl;
        const char *fpos = c->p;
        if ((rc = parse_ident(c, &fn, &fl, "a field name")))
            return rc;
        skip_ws(c);
        if ((rc = need(c, "'='")))
            return rc;
        if (*c->p != '=')
            return fail(c, c->p, "'=' after the field name");
        c->p++;
        skip_ws(c);
        size_t noff = r->arena.len;
        for (size_t i = 0; i < fl; i++)
            bib_buf_putc_fast(&r->arena, (char)tolower((unsigned char)fn[i]));
        bib_buf_putc_fast(&r->arena, '\0');
        size_t voff = r->arena.len;
        bool bare;
        if ((rc = parse_value(c, &bare)))
            return rc;
        size_t line = 0, col = 0;
        (void)fpos;
        if ((rc = add_field(r, noff, fl, voff, line, col, bare)))
            return rc;
        if (is_string) {
            raw_field *f = &r->fields[r->nfields - 1];
            if ((rc = macro_set(&r->macros, r->arena.data + f->name_off, f->name_len,
                                r->arena.data + f->val_off, f->val_len)))
                return rc;
        }
        skip_ws(c);
        if ((rc = need(c, "',' or end of entry")))
            return rc;
        if (*c->p == ',') {
            c->p++;
            continue;
        }
        if (*c->p == close) {
            c->p++;
            break;
        }
        if (*c->p == (close == '}' ? ')' : '}')) {
            forgive(c, c->p, "entry closed with '%.*s', not the delimiter that opened it",
                    c->p, 1);
            c->p++;
            break;
        }
        if (is_ident_char((unsigned char)*c->p)) {
            /* "title = {A}  year = 2000": a missing comma, if a field
             * name and '=' follow */
            const char *q = c->p;
            while (q < c->end && is_ident_char((unsigned char)*q))
                q++;
            const char *nm = c->p;
            size_t nl = (size_t)(q - c->p);
            while (q < c->end && (*q == ' ' || *q == '\t'))
                q++;
            if (q < c->end && *q == '=') {
                forgive(c, c->p, "missing ',' before field '%.*s'", nm, nl);
                continue;
            }
        }
        return fail(c, c->p, "',' after field value");
    }
    out->raw = at;
    out->raw_len = (size_t)(c->p - at);
    return 0;
}

/* ---- crossref ---------------------------------------------------------- */

static int push(bib_record ***arr, size_t *n, size_t *cap, bib_record *rec)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        bib_record **na = realloc(*arr, nc * sizeof *na);
        if (!na)
            return BIB_ENOMEM;
        *arr = na;
        *cap = nc;
    }
    (*arr)[(*n)++] = rec;
    return 0;
}

/* Copies field `from` of parent into `to` of child when the child lacks it. */
static int inherit_field(bib_record *child, const bib_field *f, bib_var to)
{
    if (bib_record_has(child, to))
        return 0;
    int rc = 0;
    switch (bib_field_kind(f)) {
    case BIB_KIND_NAMES:
        for (size_t i = 0; i < bib_field_name_count(f) && rc >= 0; i++)
            rc = bib_record_add_name(child, to, bib_field_name_at(f, i));
        if (rc >= 0 && bib_field_names_truncated(f))
            rc = bib_record_set_names_truncated(child, to, true);
        break;
    case BIB_KIND_DATE:
        rc = bib_record_set_date(child, to, bib_field_date(f));
        break;
    default:
        for (size_t i = 0; i < bib_field_value_count(f) && rc >= 0; i++) {
            const char *v = bib_field_value_at(f, i);
            rc = bib_record_add_text(child, to, v, strlen(v));
        }
        break;
    }
    if (rc >= 0 && bib_record_has(child, to))
        bib_record_set_field_flags(child, to,
                                   bib_field_flags(bib_record_get(child, to)) |
                                       BIB_FIELD_INHERITED);
    return rc == BIB_EINVAL ? 0 : rc;
}

static bool type_in(const char *t, const char *const *list)
{
    for (; t && *list; list++)
        if (strcmp(t, *list) == 0)
            return true;
    return false;
}

/* Biber's default inheritance between entry types: does the parent's title
 * name the child's container (book -> inbook: title -> booktitle;
 * periodical -> article: title -> journaltitle)? Multi-volume parents
 * (mvbook -> book) are containers too. Between other types (book -> book,
 * book -> article) fields keep their names. */
static bool parent_is_container(const bib_record *child, const bib_record *parent)
{
    static const char *const books[] = {"book", "mvbook", NULL},
                             *const in_books[] = {"inbook", "bookinbook", "suppbook", NULL},
                             *const colls[] = {"collection", "mvcollection", "reference",
                                               "mvreference", NULL},
                             *const in_colls[] = {"incollection", "suppcollection",
                                                  "inreference", NULL},
                             *const procs[] = {"proceedings", "mvproceedings", NULL},
                             *const in_procs[] = {"inproceedings", NULL},
                             *const pers[] = {"periodical", NULL},
                             *const in_pers[] = {"article", "suppperiodical", NULL},
                             *const mvs[] = {"mvbook", "mvcollection", "mvproceedings",
                                             "mvreference", NULL};
    const char *c = bib_record_extra_get(child, "bibtex", "entrytype");
    const char *p = bib_record_extra_get(parent, "bibtex", "entrytype");
    if (!c || !p)
        return true;
    return (type_in(p, books) && type_in(c, in_books)) ||
           (type_in(p, colls) && type_in(c, in_colls)) ||
           (type_in(p, procs) && type_in(c, in_procs)) ||
           (type_in(p, pers) && type_in(c, in_pers)) || type_in(p, mvs);
}

/* Inheritance as biber does it: fields the child lacks are filled in from
 * the parent; when the parent is the child's container its title becomes
 * the container-title and its author the container-author. */
static int inherit(bib_record *child, const bib_record *parent)
{
    int rc = 0;
    bool container = parent_is_container(child, parent);
    size_t n = bib_record_field_count(parent);
    for (size_t i = 0; i < n && rc >= 0; i++) {
        const bib_field *f = bib_record_field_at(parent, i);
        bib_var v = bib_field_var(f);
        if (v == BIB_VAR_TITLE)
            rc = inherit_field(child, f, container ? BIB_VAR_CONTAINER_TITLE : v);
        else if (v == BIB_VAR_AUTHOR && container && bib_record_type(child) != BIB_TYPE_BOOK)
            rc = inherit_field(child, f, BIB_VAR_CONTAINER_AUTHOR);
        else if (v != BIB_VAR_TITLE_SHORT && v != BIB_VAR_CONTAINER_TITLE)
            rc = inherit_field(child, f, v);
        else if (v == BIB_VAR_CONTAINER_TITLE && (!container || !bib_record_has(parent, BIB_VAR_TITLE)))
            rc = inherit_field(child, f, v);
    }
    return rc;
}

static bool parent_like(const char *t)
{
    static const char *const kinds[] = {"proceedings", "mvproceedings", "book", "mvbook",
                                        "collection", "mvcollection", "reference",
                                        "mvreference", "periodical", "xdata", NULL};
    for (size_t i = 0; kinds[i]; i++)
        if (t[0] == kinds[i][0] && strcmp(t, kinds[i]) == 0)
            return true;
    return false;
}

/* ---- mapping ------------------------------------------------------------ */

typedef struct type_map {
    const char *name;
    bib_type type;
} type_map;

static const type_map type_table[] = {
    {"article", BIB_TYPE_ARTICLE_JOURNAL},   {"book", BIB_TYPE_BOOK},
    {"mvbook", BIB_TYPE_BOOK},               {"collection", BIB_TYPE_BOOK},
    {"mvcollection", BIB_TYPE_BOOK},         {"reference", BIB_TYPE_BOOK},
    {"mvreference", BIB_TYPE_BOOK},          {"proceedings", BIB_TYPE_BOOK},
    {"mvproceedings", BIB_TYPE_BOOK},        {"bookinbook", BIB_TYPE_BOOK},
    {"booklet", BIB_TYPE_PAMPHLET},          {"inbook", BIB_TYPE_CHAPTER},
    {"incollection", BIB_TYPE_CHAPTER},      {"suppbook", BIB_TYPE_CHAPTER},
    {"suppcollection", BIB_TYPE_CHAPTER},    {"inproceedings", BIB_TYPE_PAPER_CONFERENCE},
    {"conference", BIB_TYPE_PAPER_CONFERENCE}, {"inreference", BIB_TYPE_ENTRY_ENCYCLOPEDIA},
    {"manual", BIB_TYPE_REPORT},             {"mastersthesis", BIB_TYPE_THESIS},
    {"phdthesis", BIB_TYPE_THESIS},          {"thesis", BIB_TYPE_THESIS},
    {"techreport", BIB_TYPE_REPORT},         {"report", BIB_TYPE_REPORT},
    {"misc", BIB_TYPE_DOCUMENT},             {"unpublished", BIB_TYPE_MANUSCRIPT},
    {"online", BIB_TYPE_WEBPAGE},            {"electronic", BIB_TYPE_WEBPAGE},
    {"www", BIB_TYPE_WEBPAGE},               {"periodical", BIB_TYPE_PERIODICAL},
    {"suppperiodical", BIB_TYPE_ARTICLE_JOURNAL}, {"dataset", BIB_TYPE_DATASET},
    {"patent", BIB_TYPE_PATENT},             {"software", BIB_TYPE_SOFTWARE},
    {"artwork", BIB_TYPE_GRAPHIC},           {"audio", BIB_TYPE_SONG},
    {"image", BIB_TYPE_GRAPHIC},             {"jurisdiction", BIB_TYPE_LEGAL_CASE},
    {"legislation", BIB_TYPE_LEGISLATION},   {"legal", BIB_TYPE_TREATY},
    {"letter", BIB_TYPE_PERSONAL_COMMUNICATION}, {"movie", BIB_TYPE_MOTION_PICTURE},
    {"video", BIB_TYPE_MOTION_PICTURE},      {"music", BIB_TYPE_SONG},
    {"performance", BIB_TYPE_PERFORMANCE},   {"review", BIB_TYPE_REVIEW},
    {"standard", BIB_TYPE_STANDARD},         {"commentary", BIB_TYPE_BOOK},
    {"data", BIB_TYPE_DATASET},              {"letters", BIB_TYPE_PERSONAL_COMMUNICATION},
    {"newsarticle", BIB_TYPE_ARTICLE_NEWSPAPER},
};

static bib_type map_type(const char *s, size_t n)
{
    for (size_t i = 0; i < sizeof type_table / sizeof type_table[0]; i++)
        if (ieq(s, n, type_table[i].name))
            return type_table[i].type;
    return BIB_TYPE_DOCUMENT;
}

enum {
    K_TEXT, K_TITLE, K_VERB, K_NAMES, K_DATE, K_PAGES,
    /* read by rules of their own (no single variable) */
    K_YEAR, K_MONTHDAY, K_NUMBER, K_ORG, K_KEYWORDS,
    /* another field's variable, when the entry lacks that field
     * (ACM's numpages for pagetotal; a URL in howpublished) */
    K_ALIAS, K_HOWPUB
};

typedef struct field_map {
    const char *name;
    bib_var var;
    int how;
} field_map;

static const field_map field_table[] = {
    {"author", BIB_VAR_AUTHOR, K_NAMES},
    {"editor", BIB_VAR_EDITOR, K_NAMES},
    {"translator", BIB_VAR_TRANSLATOR, K_NAMES},
    {"bookauthor", BIB_VAR_CONTAINER_AUTHOR, K_NAMES},
    {"title", BIB_VAR_TITLE, K_TITLE},
    {"journal", BIB_VAR_CONTAINER_TITLE, K_TITLE},
    {"journaltitle", BIB_VAR_CONTAINER_TITLE, K_TITLE},
    {"booktitle", BIB_VAR_CONTAINER_TITLE, K_TITLE},
    {"series", BIB_VAR_COLLECTION_TITLE, K_TITLE},
    {"shorttitle", BIB_VAR_TITLE_SHORT, K_TITLE},
    {"eventtitle", BIB_VAR_EVENT_TITLE, K_TITLE},
    {"origtitle", BIB_VAR_ORIGINAL_TITLE, K_TITLE},
    {"venue", BIB_VAR_EVENT_PLACE, K_TEXT},
    {"date", BIB_VAR_ISSUED, K_DATE},
    {"urldate", BIB_VAR_ACCESSED, K_DATE},
    {"eventdate", BIB_VAR_EVENT_DATE, K_DATE},
    {"origdate", BIB_VAR_ORIGINAL_DATE, K_DATE},
    {"volume", BIB_VAR_VOLUME, K_TEXT},
    {"issue", BIB_VAR_ISSUE, K_TEXT},
    {"pages", BIB_VAR_PAGE, K_PAGES},
    {"edition", BIB_VAR_EDITION, K_TEXT},
    {"chapter", BIB_VAR_CHAPTER_NUMBER, K_TEXT},
    {"volumes", BIB_VAR_NUMBER_OF_VOLUMES, K_TEXT},
    {"pagetotal", BIB_VAR_NUMBER_OF_PAGES, K_TEXT},
    {"numpages", BIB_VAR_NUMBER_OF_PAGES, K_ALIAS},
    {"howpublished", BIB_VAR_URL, K_HOWPUB},
    {"publisher", BIB_VAR_PUBLISHER, K_TEXT},
    {"address", BIB_VAR_PUBLISHER_PLACE, K_TEXT},
    {"location", BIB_VAR_PUBLISHER_PLACE, K_TEXT},
    {"doi", BIB_VAR_DOI, K_VERB},
    {"url", BIB_VAR_URL, K_VERB},
    {"isbn", BIB_VAR_ISBN, K_TEXT},
    {"issn", BIB_VAR_ISSN, K_TEXT},
    {"note", BIB_VAR_NOTE, K_TEXT},
    {"abstract", BIB_VAR_ABSTRACT, K_TEXT},
    {"annote", BIB_VAR_ANNOTE, K_TEXT},
    {"annotation", BIB_VAR_ANNOTE, K_TEXT},
    {"language", BIB_VAR_LANGUAGE, K_TEXT},
    {"type", BIB_VAR_GENRE, K_TEXT},
    {"version", BIB_VAR_VERSION, K_TEXT},
    {"pmid", BIB_VAR_PMID, K_VERB},
    {"pmcid", BIB_VAR_PMCID, K_VERB},
    {"year", BIB_VAR_NONE, K_YEAR},
    {"month", BIB_VAR_NONE, K_MONTHDAY},
    {"day", BIB_VAR_NONE, K_MONTHDAY},
    {"number", BIB_VAR_NONE, K_NUMBER},
    {"school", BIB_VAR_NONE, K_ORG},
    {"institution", BIB_VAR_NONE, K_ORG},
    {"organization", BIB_VAR_NONE, K_ORG},
    {"keywords", BIB_VAR_NONE, K_KEYWORDS},
};

enum { FIELD_SLOTS = 256 };
#define FIELD_COUNT (sizeof field_table / sizeof field_table[0])
_Static_assert(FIELD_COUNT < FIELD_SLOTS / 2, "the field index needs free slots");

static unsigned field_hash(const char *name)
{
    unsigned h = 2166136261u;
    for (; *name; name++)
        h = (h ^ (unsigned char)*name) * 16777619u;
    return h;
}

/* The reader's index of field_table: this lookup runs for every field of
 * every entry, so one hash and one strcmp rather than a scan. */
static void index_fields(unsigned char slots[FIELD_SLOTS])
{
    memset(slots, 0, FIELD_SLOTS);
    for (size_t i = 0; i < FIELD_COUNT; i++) {
        unsigned h = field_hash(field_table[i].name) % FIELD_SLOTS;
        while (slots[h])
            h = (h + 1) % FIELD_SLOTS;
        slots[h] = (unsigned char)(i + 1);
    }
}

static const field_map *find_field(const unsigned char slots[FIELD_SLOTS], const char *name)
{
    for (unsigned h = field_hash(name) % FIELD_SLOTS; slots[h]; h = (h + 1) % FIELD_SLOTS)
        if (strcmp(field_table[slots[h] - 1].name, name) == 0)
            return &field_table[slots[h] - 1];
    return NULL;
}

static const char *fval(bt_reader *r, const raw_field *f)
{
    return r->arena.data + f->val_off;
}

static const char *fname(bt_reader *r, const raw_field *f)
{
    return r->arena.data + f->name_off;
}

static raw_field *get_raw(bt_reader *r, const char *name)
{
    for (size_t i = 0; i < r->nfields; i++) {
        const char *n = fname(r, &r->fields[i]);
        if (n[0] == name[0] && strcmp(n, name) == 0)
            return &r->fields[i];
    }
    return NULL;
}

static int set_converted(bt_reader *r, bib_record *rec, bib_var var, const char *s, size_t n,
                         unsigned flags)
{
    bib_buf_reset(&r->tmp);
    int rc = bib_latex_to_unicode(&r->tmp, s, n, flags, NULL);
    if (rc < 0)
        return rc;
    /* collapse white space runs (BibTeX does the same on output); most
     * values need nothing, which the first loop finds eight bytes at a
     * time: up to `w` the text is words and single spaces */
    char *d = r->tmp.data;
    size_t w = 0, len = r->tmp.len;
    const uint64_t ones = 0x0101010101010101ull, high = 0x8080808080808080ull;
    while (w < len) {
        if (len - w >= 8) {
            uint64_t x;
            memcpy(&x, d + w, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
            x = __builtin_bswap64(x);
#endif
            uint64_t hit = (x - ones * 0x21) & ~x & high;
            if (!hit) {
                w += 8;
                continue;
            }
            w += (size_t)__builtin_ctzll(hit) / 8; /* the first byte <= ' ' */
        }
        unsigned char ch = (unsigned char)d[w];
        if (ch > ' ' || (ch == ' ' && w > 0 && w + 1 < len && (unsigned char)d[w + 1] > ' '))
            w++;
        else
            break;
    }
    bool sp = false;
    for (size_t i = w; i < len; i++) {
        char ch = d[i];
        if (ch == '\n' || ch == '\r' || ch == '\t' || ch == ' ') {
            sp = w > 0;
            continue;
        }
        if (sp)
            d[w++] = ' ';
        sp = false;
        d[w++] = ch;
    }
    bib_buf_truncate(&r->tmp, w);
    if (!w)
        return 0;
    return bib_record_set_text(rec, var, r->tmp.data, w);
}

/* The month of an entry with `month` but neither `year` nor `date` (a
 * page that showed "May 29"), or 0 when `month` is not a month. */
static int yearless_month(bt_reader *r)
{
    const raw_field *fm = get_raw(r, "month");
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
    static const char *const names[] = {"January", "February", "March",     "April",
                                        "May",     "June",     "July",      "August",
                                        "September", "October", "November", "December"};
    char buf[32];
    snprintf(buf, sizeof buf, "%s", names[mon - 1]);
    const raw_field *fd = get_raw(r, "day");
    if (fd) {
        char *endp;
        long dd = strtol(fval(r, fd), &endp, 10);
        if (dd >= 1 && dd <= 31 && !*endp)
            snprintf(buf, sizeof buf, "%s %ld", names[mon - 1], dd);
        else
            bib_record_add_extra(rec, "bibtex", "day", fval(r, fd), strlen(fval(r, fd)));
    }
    bib_date d;
    memset(&d, 0, sizeof d);
    d.raw = buf;
    return bib_record_set_date(rec, BIB_VAR_ISSUED, &d);
}

/* year + month (+ day) into issued, when there is no `date` field. */
static int map_year_month(bt_reader *r, bib_record *rec, const raw_field *fy, const raw_field *fm,
                          const raw_field *fd)
{
    bib_date dt;
    memset(&dt, 0, sizeof dt);
    const char *y = fval(r, fy);
    char *endp;
    long yr = strtol(y, &endp, 10);
    while (*endp == ' ')
        endp++;
    if (endp == y || *endp) {
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

static int build_record(bt_reader *r, const parsed *pe, bib_record **out)
{
    bib_type type = map_type(pe->type, pe->type_len);
    char key[512];
    size_t kl = pe->key_len < sizeof key - 1 ? pe->key_len : sizeof key - 1;
    memcpy(key, pe->key, kl);
    key[kl] = '\0';
    bib_record *rec = bib_record_new(type, kl ? key : NULL);
    if (!rec)
        return BIB_ENOMEM;
    int rc = 0;
    bib_record_set_origin(rec, bib_input_name(r->in), pe->line);
    char tbuf[64];
    size_t tl = pe->type_len < sizeof tbuf - 1 ? pe->type_len : sizeof tbuf - 1;
    for (size_t i = 0; i < tl; i++)
        tbuf[i] = (char)tolower((unsigned char)pe->type[i]);
    tbuf[tl] = '\0';
    rc = bib_record_add_extra(rec, "bibtex", "entrytype", tbuf, tl);
    bool is_article = strcmp(tbuf, "article") == 0;
    /* in a book-like entry of a series, `number` is the number in the
     * series (CSL collection-number); elsewhere the item's own number */
    static const char *const serial[] = {"book", "mvbook", "inbook", "bookinbook", "suppbook",
                                         "collection", "mvcollection", "incollection",
                                         "suppcollection", "proceedings", "mvproceedings",
                                         "inproceedings", "reference", "mvreference",
                                         "inreference", NULL};

    bool has_date = get_raw(r, "date") != NULL;
    bool has_publisher = get_raw(r, "publisher") != NULL;
    for (size_t i = 0; i < r->nfields && rc >= 0; i++) {
        raw_field *f = &r->fields[i];
        const char *name = fname(r, f);
        const char *v = fval(r, f);
        size_t vn = f->val_len;
        /* duplicate fields: the first wins, as BibTeX does */
        bool dup = false;
        for (size_t j = 0; j < i && !dup; j++)
            dup = r->fields[j].name_len == f->name_len && fname(r, &r->fields[j])[0] == name[0] &&
                  strcmp(fname(r, &r->fields[j]), name) == 0;
        if (dup) {
            bib_input_report(r->in, BIB_SEV_WARNING, pe->line, 0,
                             "duplicate field '%.20s' in entry '%.40s' ignored", name, key);
            continue;
        }
        const field_map *fm = find_field(r->field_slots, name);
        int how = fm ? fm->how : -1;
        if (how == K_YEAR) {
            if (!has_date)
                rc = map_year_month(r, rec, f, get_raw(r, "month"), get_raw(r, "day"));
            else
                rc = bib_record_add_extra(rec, "bibtex", name, v, vn);
            continue;
        }
        if (how == K_MONTHDAY) {
            int ym = has_date || get_raw(r, "year") ? 0 : yearless_month(r);
            if (ym > 0 && name[0] == 'm')
                rc = set_yearless(r, rec, ym);
            else if (ym <= 0 && (has_date || !get_raw(r, "year")))
                rc = bib_record_add_extra(rec, "bibtex", name, v, vn);
            continue;
        }
        if (how == K_NUMBER) {
            bool series_number = !is_article && get_raw(r, "series") != NULL &&
                                 type_in(tbuf, serial);
            bib_var var = is_article     ? BIB_VAR_ISSUE
                          : series_number ? BIB_VAR_COLLECTION_NUMBER
                                          : BIB_VAR_NUMBER;
            rc = set_converted(r, rec, var, v, vn, 0);
            if (rc >= 0 && f->bare_number && bib_record_has(rec, var))
                bib_record_set_field_flags(rec, var, BIB_FIELD_BARE_NUMBER);
            continue;
        }
        if (how == K_ALIAS || how == K_HOWPUB) {
            const char *own = how == K_ALIAS ? "pagetotal" : "url";
            bool mapped = false;
            if (!get_raw(r, own)) {
                bib_buf_reset(&r->tmp);
                rc = bib_latex_to_unicode(&r->tmp, v, vn, 0, NULL);
                const char *t = r->tmp.data ? r->tmp.data : "";
                /* howpublished = {\url{...}} or a bare address: the URL
                 * (old-style BibTeX for web pages); other text stays */
                bool url = how == K_ALIAS ||
                           ((strncmp(t, "http://", 7) == 0 || strncmp(t, "https://", 8) == 0) &&
                            !strpbrk(t, " \t\n"));
                if (rc >= 0 && url && r->tmp.len) {
                    rc = bib_record_set_text(rec, fm->var, t, r->tmp.len);
                    mapped = true;
                }
            }
            if (rc >= 0 && !mapped)
                rc = bib_record_add_extra(rec, "bibtex", name, v, vn);
            continue;
        }
        if (how == K_ORG) {
            if (!has_publisher && !bib_record_has(rec, BIB_VAR_PUBLISHER))
                rc = set_converted(r, rec, BIB_VAR_PUBLISHER, v, vn, 0);
            else
                rc = bib_record_add_extra(rec, "bibtex", name, v, vn);
            continue;
        }
        if (how == K_KEYWORDS) {
            /* comma- or semicolon-separated list */
            const char *s = v;
            const char *e = v + vn;
            while (s < e && rc >= 0) {
                const char *q = s;
                while (q < e && *q != ',' && *q != ';')
                    q++;
                const char *a = s, *b = q;
                while (a < b && isspace((unsigned char)*a))
                    a++;
                while (b > a && isspace((unsigned char)b[-1]))
                    b--;
                if (b > a) {
                    bib_buf_reset(&r->tmp);
                    rc = bib_latex_to_unicode(&r->tmp, a, (size_t)(b - a), 0, NULL);
                    if (rc >= 0 && r->tmp.len)
                        rc = bib_record_add_text(rec, BIB_VAR_KEYWORD, r->tmp.data, r->tmp.len);
                }
                s = q + 1;
            }
            continue;
        }
        if (!fm || (fm->var != BIB_VAR_NONE && bib_record_has(rec, fm->var))) {
            rc = bib_record_add_extra(rec, "bibtex", name, v, vn);
            continue;
        }
        switch (fm->how) {
        case K_NAMES: {
            size_t bad = 0;
            int n = bib_names_add_bibtex(rec, fm->var, v, vn, BIB_NAME_LATEX, &bad);
            if (n < 0 && n != BIB_EPARSE)
                rc = n;
            if (bad)
                bib_input_report(r->in, BIB_SEV_WARNING, pe->line, 0,
                                 "empty name in '%s' of entry '%.40s'", name, key);
            break;
        }
        case K_TITLE:
            rc = set_converted(r, rec, fm->var, v, vn, BIB_LATEX_RICH | BIB_LATEX_NOCASE);
            break;
        case K_VERB:
            rc = set_converted(r, rec, fm->var, v, vn, BIB_LATEX_VERBATIM);
            break;
        case K_PAGES:
            bib_buf_reset(&r->tmp);
            rc = bib_latex_to_unicode(&r->tmp, v, vn, 0, NULL);
            if (rc >= 0) {
                bib_buf pg = BIB_BUF_INIT;
                rc = bib_pages_normalize(&pg, r->tmp.data, r->tmp.len, "-");
                if (rc >= 0 && pg.len)
                    rc = bib_record_set_text(rec, fm->var, pg.data, pg.len);
                bib_buf_clear(&pg);
            }
            break;
        case K_DATE: {
            if (strspn(v, " \t\r\n") == vn)
                break; /* an empty date says nothing */
            bib_date dt;
            int prc = bib_date_parse(&dt, v, vn, BIB_DATE_EDTF | BIB_DATE_WRITTEN);
            if (prc == BIB_ENOMEM) {
                rc = prc;
                break;
            }
            rc = bib_record_set_date(rec, fm->var, &dt);
            bib_date_clear(&dt);
            break;
        }
        default:
            rc = set_converted(r, rec, fm->var, v, vn, 0);
            if (rc >= 0 && f->bare_number && bib_record_has(rec, fm->var))
                bib_record_set_field_flags(rec, fm->var, BIB_FIELD_BARE_NUMBER);
            break;
        }
    }
    if (rc < 0) {
        bib_record_free(rec);
        return rc;
    }
    /* BibLaTeX's `type` names a localisation key; the defaults the writer
     * adds for reports and theses read back as what they stand for */
    const char *gk = bib_record_text(rec, BIB_VAR_GENRE);
    if (gk && type == BIB_TYPE_REPORT && strcmp(gk, "techreport") == 0) {
        bib_record_remove(rec, BIB_VAR_GENRE);
    } else if (gk && type == BIB_TYPE_THESIS) {
        const char *g = strcmp(gk, "phdthesis") == 0 ? "PhD thesis"
                        : strcmp(gk, "mathesis") == 0 || strcmp(gk, "mastersthesis") == 0
                            ? "Master's thesis"
                            : NULL;
        if (g)
            bib_record_set_text(rec, BIB_VAR_GENRE, g, strlen(g));
    }
    if (type == BIB_TYPE_THESIS && !bib_record_has(rec, BIB_VAR_GENRE)) {
        const char *g = strcmp(tbuf, "mastersthesis") == 0 ? "Master's thesis"
                        : strcmp(tbuf, "phdthesis") == 0   ? "PhD thesis"
                                                           : NULL;
        if (g)
            bib_record_set_text(rec, BIB_VAR_GENRE, g, strlen(g));
    }
    if (type == BIB_TYPE_MANUSCRIPT &&
        (get_raw(r, "eventtitle") || get_raw(r, "eventdate") || get_raw(r, "venue")))
        bib_record_set_type(rec, BIB_TYPE_SPEECH);
    *out = rec;
    return 0;
}

static int bt_open(bib_reader *rd, bib_input *in, const bib_options *opts)
{
    (void)opts;
    bt_reader *r = bib_reader_state(rd);
    r->in = in;
    r->biblatex = strcmp(bib_reader_format(rd)->name, "biblatex") == 0;
    bib_buf_init(&r->arena);
    bib_buf_init(&r->tmp);
    r->keys = bib_keyset_new();
    if (!r->keys)
        return BIB_ENOMEM;
    r->bol = true;
    index_fields(r->field_slots);
    bib_input_set_encoding(in, BIB_ENC_DETECT);
    return 0;
}

/* Skips to the next '@' at the start of a line, after an error at `from`. */
static void resync(bt_reader *r, const char *d, size_t n, const char *from)
{
    const char *e = d + n;
    if (from >= e) {
        bib_input_consume(r->in, n);
        return;
    }
    /* the error may sit on the '@' of the next entry: resume right there */
    if (from > d && *from == '@') {
        const char *q = from;
        while (q > d && (q[-1] == ' ' || q[-1] == '\t'))
            q--;
        if (q == d || q[-1] == '\n' || q[-1] == '\r') {
            bib_input_consume(r->in, (size_t)(from - d));
            return;
        }
    }
    const char *p = from + 1;
    for (;;) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        if (!nl)
            break;
        const char *q = nl + 1;
        while (q < e && (*q == ' ' || *q == '\t'))
            q++;
        if (q < e && *q == '@') {
            bib_input_consume(r->in, (size_t)(q - d));
            return;
        }
        p = nl + 1;
    }
    bib_input_consume(r->in, n);
}

enum { MAX_PARENTS = 1024, MAX_HELD = 256 };

static size_t key_hash(const char *k)
{
    size_t h = 1469598103934665603u;
    for (; *k; k++)
        h = (h ^ (unsigned char)*k) * 1099511628211u;
    return h ^ (h >> 29);
}

#define WAIT_SLOT(k) (key_hash(k) % 4096)

/* Keeps a clone-free reference: `x` is owned by the parents ring (the
 * oldest is freed when the ring is full, which bounds memory). */
static int remember_parent(bt_reader *r, bib_record *x)
{
    if (!bib_record_id(x)) {
        bib_record_free(x);
        return 0;
    }
    if (r->nparents == MAX_PARENTS) {
        bib_record_free(r->parents[0]);
        memmove(r->parents, r->parents + 1, (MAX_PARENTS - 1) * sizeof *r->parents);
        memmove(r->parent_tag, r->parent_tag + 1, MAX_PARENTS - 1);
        r->nparents--;
    }
    r->parent_tag[r->nparents] = (unsigned char)key_hash(bib_record_id(x));
    return push(&r->parents, &r->nparents, &r->capparents, x);
}

static const bib_record *find_parent(bt_reader *r, const char *key)
{
    unsigned char tag = (unsigned char)key_hash(key);
    for (size_t i = r->nparents; i-- > 0;)
        if (r->parent_tag[i] == tag && strcmp(bib_record_id(r->parents[i]), key) == 0)
            return r->parents[i];
    return NULL;
}

static const char *xref_of(const bib_record *rec)
{
    const char *x = bib_record_extra_get(rec, "bibtex", "crossref");
    return x ? x : bib_record_extra_get(rec, "bibtex", "xdata");
}

/* `rec` (borrowed) is resolved: remembers it as a parent when it may be
 * one (a parent-like type, or a held child names it), then moves the held
 * children naming it to `ready`, each followed by its own children, so
 * nested crossrefs (child -> book -> mvbook) resolve whatever the order. */
static int release_children(bt_reader *r, const bib_record *rec)
{
    const char *id = bib_record_id(rec);
    if (!id)
        return 0;
    const char *t = bib_record_extra_get(rec, "bibtex", "entrytype");
    bool wanted = false;
    for (size_t i = 0; i < r->nheld && !wanted && r->waiting[WAIT_SLOT(id)]; i++)
        wanted = strcmp(xref_of(r->held[i]), id) == 0;
    if ((t && parent_like(t)) || wanted) {
        bib_record *c = bib_record_clone(rec);
        int rc = c ? remember_parent(r, c) : BIB_ENOMEM;
        if (rc < 0)
            return rc;
    }
    for (size_t i = 0; wanted && i < r->nheld;) {
        if (strcmp(xref_of(r->held[i]), id) != 0) {
            i++;
            continue;
        }
        bib_record *ch = r->held[i];
        memmove(r->held + i, r->held + i + 1, (r->nheld - i - 1) * sizeof *r->held);
        r->nheld--;
        r->waiting[WAIT_SLOT(id)]--;
        /* a child goes out after its own children and before its parent:
         * the order BibTeX needs (a crossref parent comes later) */
        int rc = inherit(ch, rec);
        if (rc >= 0)
            rc = release_children(r, ch);
        if (rc >= 0)
            rc = push(&r->ready, &r->nready, &r->capready, ch);
        if (rc < 0) {
            bib_record_free(ch);
            return rc;
        }
        i = 0; /* the recursion may have changed `held` (at most MAX_HELD) */
    }
    return 0;
}

/* Decides what to hand out after reading `rec` (taken): a child whose parent
 * is unknown is held; a parent releases its held children after itself. */
static int crossref_step(bt_reader *r, bib_record *rec, bib_record **out)
{
    int rc;
    const char *x = xref_of(rec);
    if (x && bib_record_id(rec) && strcmp(x, bib_record_id(rec)) == 0) {
        size_t line;
        bib_record_origin(rec, &line);
        bib_input_report(r->in, BIB_SEV_WARNING, line, 0,
                         "entry '%.40s' names itself as its crossref parent: ignored", x);
        x = NULL;
    }
    if (x) {
        const bib_record *p = find_parent(r, x);
        if (!p) {
            if (r->nheld == MAX_HELD) {
                /* bound memory and time: the oldest waiting child goes out
                 * without its parent */
                bib_record *old = r->held[0];
                memmove(r->held, r->held + 1, (MAX_HELD - 1) * sizeof *r->held);
                r->nheld--;
                r->waiting[WAIT_SLOT(xref_of(old))]--;
                size_t line;
                bib_record_origin(old, &line);
                bib_input_report(r->in, BIB_SEV_WARNING, line, 0,
                                 "entry '%.40s': crossref parent '%.40s' not found within "
                                 "%d held entries",
                                 bib_record_id(old), xref_of(old), MAX_HELD);
                if ((rc = push(&r->ready, &r->nready, &r->capready, old)) < 0) {
                    bib_record_free(old);
                    bib_record_free(rec);
                    return rc;
                }
            }
            if ((rc = push(&r->held, &r->nheld, &r->capheld, rec)) < 0) {
                bib_record_free(rec);
                return rc;
            }
            r->waiting[WAIT_SLOT(x)]++;
            *out = NULL;
            return 2; /* nothing to hand out yet */
        }
        if ((rc = inherit(rec, p)) < 0) {
            bib_record_free(rec);
            return rc;
        }
    }
    size_t before = r->nready;
    if ((rc = release_children(r, rec)) < 0) {
        bib_record_free(rec);
        return rc;
    }
    if (r->nready > before) {
        /* children released: they go out first, the parent last */
        if ((rc = push(&r->ready, &r->nready, &r->capready, rec)) < 0) {
            bib_record_free(rec);
            return rc;
        }
        *out = r->ready[r->rhead++];
        if (r->rhead == r->nready)
            r->rhead = r->nready = 0;
        return 1;
    }
    *out = rec;
    return 1;
}

static int bt_next(bib_reader *rd, bib_record **out)
{
    bt_reader *r = bib_reader_state(rd);
    if (r->rhead < r->nready) {
        *out = r->ready[r->rhead++];
        if (r->rhead == r->nready)
            r->rhead = r->nready = 0;
        return 1;
    }
    size_t want = 1 << 16;
    for (;;) {
        const char *d;
        size_t n;
        int rc = bib_input_window(r->in, want, &d, &n);
        if (rc < 0)
            return rc;
        if (!n) {
            if (r->nheld) {
                /* parents that never came: hand the children out as they are */
                *out = r->held[0];
                memmove(r->held, r->held + 1, (r->nheld - 1) * sizeof *r->held);
                r->nheld--;
                r->waiting[WAIT_SLOT(xref_of(*out))]--;
                size_t line;
                bib_record_origin(*out, &line);
                bib_input_report(r->in, BIB_SEV_WARNING, line, 0,
                                 "entry '%.40s': crossref parent '%.40s' not found",
                                 bib_record_id(*out), xref_of(*out));
                return 1;
            }
            return 0;
        }
        bool eof = n < want;
        const char *a = memchr(d, '@', n);
        if (!a) {
            bib_input_consume(r->in, n);
            want = 1 << 16;
            continue;
        }
        if (a > d) {
            const char *q = a;
            while (q > d && (q[-1] == ' ' || q[-1] == '\t'))
                q--;
            r->bol = q > d ? q[-1] == '\n' || q[-1] == '\r' : bib_input_column(r->in) == 1;
            /* "%@article{...": an entry commented out, as biber and JabRef
             * read it (BibTeX has no comments, but its users write them) */
            const char *ls = a;
            while (ls > d && ls[-1] != '\n' && ls[-1] != '\r')
                ls--;
            while (ls < a && (*ls == ' ' || *ls == '\t'))
                ls++;
            if (ls < a && *ls == '%' && (ls > d || bib_input_column(r->in) == 1)) {
                bib_input_consume(r->in, (size_t)(a - d) + 1);
                continue;
            }
            bib_input_consume(r->in, (size_t)(a - d));
            continue;
        }
        pctx c = {.r = r, .d = d, .p = d, .end = d + n, .eof = eof};
        parsed pe;
        memset(&pe, 0, sizeof pe);
        bib_buf_reset(&r->arena);
        r->nfields = 0;
        rc = parse_entry(&c, &pe);
        if (rc == NEED_MORE) {
            want = n * 2;
            continue;
        }
        for (int k = 0; k < c.nwarn && rc != BIB_EPARSE; k++) {
            size_t wl, wc;
            bib_input_position_of(r->in, c.warn_at[k], &wl, &wc);
            bib_input_report(r->in, BIB_SEV_WARNING, wl, wc, "%s", c.warn[k]);
        }
        if (rc == BIB_EPARSE && !pe.opened && !r->bol) {
            /* an '@' inside text between entries ("user@example.org"), not
             * at the start of a line and not followed by a type and a
             * brace: BibTeX's comment text, skipped without a word */
            bib_input_consume(r->in, 1);
            r->bol = false;
            continue;
        }
        if (rc == BIB_EPARSE) {
            size_t line, col;
            bib_input_position_of(r->in, c.err_at, &line, &col);
            if (pe.key_len) {
                size_t eline, ecol;
                bib_input_position_of(r->in, d, &eline, &ecol);
                bib_input_report(r->in, BIB_SEV_ERROR, line, col,
                                 "%s (entry '%.*s' from line %zu skipped)", c.err,
                                 (int)(pe.key_len > 40 ? 40 : pe.key_len), pe.key, eline);
            } else {
                bib_input_report(r->in, BIB_SEV_ERROR, line, col, "%s", c.err);
            }
            resync(r, d, n, c.err_at < d ? d : c.err_at);
            r->bol = true; /* resync stops at an '@' that begins a line */
            return BIB_EPARSE;
        }
        if (rc < 0)
            return rc;
        if (bib_buf_failed(&r->arena))
            return BIB_ENOMEM;
        pe.line = bib_input_line(r->in);
        size_t used = (size_t)(c.p - d);
        bool xdata = pe.kind == E_ENTRY && ieq(pe.type, pe.type_len, "xdata");
        if (xdata) {
            /* not a work: a source of fields, and kept raw for bibtex output */
            bib_record *x = NULL;
            rc = build_record(r, &pe, &x);
            if (rc < 0)
                return rc;
            if ((rc = remember_parent(r, x)) < 0)
                return rc;
            pe.kind = E_COMMENT;
        }
        if (pe.kind != E_ENTRY) {
            const char *nm = pe.kind == E_STRING     ? "string"
                             : pe.kind == E_PREAMBLE ? "preamble"
                             : ieq(pe.type, pe.type_len, "comment") ? "comment"
                                                                    : "raw";
            *out = bib_record_new_directive("bibtex", nm, pe.raw, pe.raw_len);
            bib_input_consume(r->in, used);
            r->bol = false;
            return *out ? 1 : BIB_ENOMEM;
        }
        if (pe.key_len) {
            char key[512];
            size_t kl = pe.key_len < sizeof key - 1 ? pe.key_len : sizeof key - 1;
            memcpy(key, pe.key, kl);
            key[kl] = '\0';
            if (bib_keyset_add(r->keys, key) == 0)
                bib_input_report(r->in, BIB_SEV_WARNING, pe.line, 1,
                                 "duplicate key '%.40s': both entries kept", key);
            else if (!r->keys_full && bib_keyset_full(r->keys)) {
                r->keys_full = true;
                bib_input_report(r->in, BIB_SEV_WARNING, pe.line, 1,
                                 "more than %d keys: duplicate keys past this one are not "
                                 "reported (memory stays bounded)", BIB_KEYSET_MAX);
            }
        }
        bib_record *rec = NULL;
        rc = build_record(r, &pe, &rec);
        bib_input_consume(r->in, used);
        r->bol = false;
        if (rc < 0)
            return rc;
        rc = crossref_step(r, rec, out);
        if (rc == 2)
            continue;
        return rc;
    }
}

static void bt_close(bib_reader *rd)
{
    bt_reader *r = bib_reader_state(rd);
    macro_free(&r->macros);
    bib_buf_clear(&r->arena);
    bib_buf_clear(&r->tmp);
    free(r->fields);
    bib_keyset_free(r->keys);
    for (size_t i = 0; i < r->nparents; i++)
        bib_record_free(r->parents[i]);
    for (size_t i = 0; i < r->nheld; i++)
        bib_record_free(r->held[i]);
    for (size_t i = r->rhead; i < r->nready; i++)
        bib_record_free(r->ready[i]);
    free(r->parents);
    free(r->held);
    free(r->ready);
}

/* ---- writer ------------------------------------------------------------ */

typedef struct bt_writer {
    bib_output *out;
    bool biblatex;
    bool ascii;
    int keys; /* 0 auto, 1 keep, 2 regenerate */
    bib_keyset *used;
    bib_buf line, val, key;
    size_t nolatex;
    bool dropped_type; /* a genre BibLaTeX's entry type has no field for */
    /* collected fields of the record being written */
    struct {
        const char *name;
        size_t off, len;
        bool bare;
    } f[128];
    size_t nf;
    bib_buf vals;
    bool written[BIB_VAR_COUNT]; /* variables already put for this record */
    /* BIB_FIELD_INHERITED while a crossref parent is still to come (the
     * child leaves inherited fields to it); 0 once the parent is written:
     * BibTeX only inherits from a parent that comes later */
    unsigned skip_inherited;
} bt_writer;

static int bw_begin(bib_writer *wr, bib_output *out, const bib_options *opts)
{
    bt_writer *w = bib_writer_state(wr);
    w->out = out;
    w->biblatex = strcmp(bib_writer_format(wr)->name, "biblatex") == 0;
    bib_options_get_bool(opts, "ascii", !w->biblatex, &w->ascii);
    const char *k = bib_options_get(opts, "keys");
    w->keys = !k || strcmp(k, "auto") == 0 ? 0 : strcmp(k, "keep") == 0 ? 1 : 2;
    bib_buf_init(&w->line);
    bib_buf_init(&w->val);
    bib_buf_init(&w->key);
    bib_buf_init(&w->vals);
    w->used = bib_keyset_new();
    return w->used ? 0 : BIB_ENOMEM;
}

static void put_field(bt_writer *w, const char *name, const char *v, size_t n, bool bare)
{
    if (w->nf >= sizeof w->f / sizeof w->f[0] || !n)
        return;
    w->f[w->nf].name = name;
    w->f[w->nf].off = w->vals.len;
    w->f[w->nf].len = n;
    w->f[w->nf].bare = bare;
    w->nf++;
    bib_buf_append_fast(&w->vals, v, n);
}

static void put_text(bt_writer *w, const char *name, const bib_record *rec, bib_var var)
{
    const bib_field *f = bib_record_get(rec, var);
    w->written[var] = true;
    /* inherited fields stay with the parent: crossref brings them back */
    if (!f || (bib_field_flags(f) & w->skip_inherited))
        return;
    bib_buf_reset(&w->val);
    unsigned fl = w->ascii ? BIB_LATEX_ASCII : 0;
    if (bib_field_kind(f) == BIB_KIND_RICH)
        fl |= BIB_LATEX_FROM_RICH;
    if (var == BIB_VAR_URL || var == BIB_VAR_DOI || var == BIB_VAR_PMID || var == BIB_VAR_PMCID)
        fl = BIB_LATEX_OUT_VERBATIM;
    for (size_t i = 0; i < bib_field_value_count(f); i++) {
        const char *s = bib_field_value_at(f, i);
        if (i)
            bib_buf_puts(&w->val, var == BIB_VAR_KEYWORD ? ", " : " ");
        if (var == BIB_VAR_PAGE) {
            bib_buf pg = BIB_BUF_INIT;
            bib_pages_normalize(&pg, s, strlen(s), "--");
            bib_latex_from_unicode(&w->val, pg.data, pg.len, fl, &w->nolatex);
            bib_buf_clear(&pg);
        } else {
            bib_latex_from_unicode(&w->val, s, strlen(s), fl, &w->nolatex);
        }
    }
    bool bare = (bib_field_flags(f) & BIB_FIELD_BARE_NUMBER) != 0;
    put_field(w, name, w->val.data, w->val.len, bare);
}

static void put_names(bt_writer *w, const char *name, const bib_record *rec, bib_var var)
{
    const bib_field *f = bib_record_get(rec, var);
    w->written[var] = true;
    /* inherited fields stay with the parent: crossref brings them back */
    if (!f || (bib_field_flags(f) & w->skip_inherited))
        return;
    bib_buf_reset(&w->val);
    size_t n = bib_field_name_count(f);
    for (size_t i = 0; i < n; i++) {
        if (i)
            bib_buf_puts(&w->val, " and ");
        bib_name_format_bibtex(&w->val, bib_field_name_at(f, i), w->ascii);
    }
    if (bib_field_names_truncated(f))
        bib_buf_puts(&w->val, n ? " and others" : "others");
    put_field(w, name, w->val.data, w->val.len, false);
}

/* A date field: the source text when the reader kept one (a time of day,
 * EDTF qualifiers), else EDTF. */
static void put_date(bt_writer *w, const char *name, const bib_date *dt)
{
    bib_buf_reset(&w->val);
    if (dt->raw)
        bib_buf_puts(&w->val, dt->raw);
    else if (bib_date_format_edtf(&w->val, dt) != 0)
        return;
    put_field(w, name, w->val.data, w->val.len, false);
}

static const char *out_type(bt_writer *w, const bib_record *rec)
{
    const char *orig = bib_record_extra_get(rec, "bibtex", "entrytype");
    bib_type t = bib_record_type(rec);
    /* the type the source gave, when it still means the record's type: a
     * biblatex-only type in a classic file stays (BibTeX styles format an
     * unknown type as @misc, with a warning), so bibtex -> bibtex loses
     * nothing */
    if (orig && map_type(orig, strlen(orig)) == t) {
        /* a classic @inbook is a chapter of the book its title names;
         * BibLaTeX's @inbook needs the book as booktitle: @book then */
        if (w->biblatex && strcmp(orig, "inbook") == 0 &&
            !bib_record_has(rec, BIB_VAR_CONTAINER_TITLE))
            return "book";
        return orig;
    }
    switch (t) {
    case BIB_TYPE_ARTICLE: /* a preprint: arXiv's own export writes @misc */
        return w->biblatex && (bib_record_has(rec, BIB_VAR_URL) ||
                               bib_record_extra_get(rec, "bibtex", "eprint"))
                   ? "online"
                   : "misc";
    case BIB_TYPE_ARTICLE_JOURNAL:
    case BIB_TYPE_ARTICLE_MAGAZINE:
    case BIB_TYPE_ARTICLE_NEWSPAPER:
    case BIB_TYPE_REVIEW:
    case BIB_TYPE_REVIEW_BOOK:
        return "article";
    case BIB_TYPE_BOOK:
    case BIB_TYPE_CLASSIC:
        return "book";
    case BIB_TYPE_CHAPTER:
        return "incollection";
    case BIB_TYPE_PAPER_CONFERENCE:
        return "inproceedings";
    case BIB_TYPE_PAMPHLET:
        return "booklet";
    case BIB_TYPE_THESIS: {
        if (w->biblatex)
            return "thesis";
        const char *g = bib_record_text(rec, BIB_VAR_GENRE);
        return g && (strstr(g, "aster") || strstr(g, "MA ")) ? "mastersthesis" : "phdthesis";
    }
    case BIB_TYPE_REPORT:
        return w->biblatex ? "report" : "techreport";
    case BIB_TYPE_MANUSCRIPT:
    case BIB_TYPE_SPEECH: /* read back as speech from its event fields */
        return "unpublished";
    case BIB_TYPE_WEBPAGE:
    case BIB_TYPE_POST:
    case BIB_TYPE_POST_WEBLOG:
        return w->biblatex ? "online" : "misc";
    case BIB_TYPE_DATASET:
        return w->biblatex ? "dataset" : "misc";
    case BIB_TYPE_SOFTWARE:
        return w->biblatex ? "software" : "misc";
    case BIB_TYPE_PATENT:
        return w->biblatex ? "patent" : "misc";
    case BIB_TYPE_ENTRY_ENCYCLOPEDIA:
    case BIB_TYPE_ENTRY_DICTIONARY:
        return w->biblatex ? "inreference" : "incollection";
    case BIB_TYPE_PERIODICAL:
        return w->biblatex ? "periodical" : "misc";
    default:
        return "misc";
    }
}

static int bw_write(bib_writer *wr, const bib_record *rec)
{
    bt_writer *w = bib_writer_state(wr);
    if (bib_record_kind_of(rec) == BIB_RECORD_DIRECTIVE) {
        size_t n;
        const char *t = bib_record_directive_text(rec, &n);
        bib_output_write(w->out, t, n);
        bib_output_puts(w->out, "\n\n");
        return bib_output_error(w->out);
    }
    const char *type = out_type(w, rec);
    bool article = strcmp(type, "article") == 0;
    bib_type t = bib_record_type(rec);
    w->nf = 0;
    memset(w->written, 0, sizeof w->written);
    bib_buf_reset(&w->vals);
    const char *xr = bib_record_extra_get(rec, "bibtex", "crossref");
    w->skip_inherited = xr && bib_keyset_has(w->used, xr) ? 0 : BIB_FIELD_INHERITED;
    /* Field order (fixed): names, titles, container, series, numbering,
     * pages, publisher, place, date, identifiers, links, notes, keywords,
     * abstract, then fields kept verbatim from a BibTeX source. */
    put_names(w, "author", rec, BIB_VAR_AUTHOR);
    put_names(w, "editor", rec, BIB_VAR_EDITOR);
    put_names(w, "translator", rec, BIB_VAR_TRANSLATOR);
    put_names(w, "bookauthor", rec, BIB_VAR_CONTAINER_AUTHOR);
    put_text(w, "title", rec, BIB_VAR_TITLE);
    put_text(w, "shorttitle", rec, BIB_VAR_TITLE_SHORT);
    put_text(w, article ? (w->biblatex ? "journaltitle" : "journal") : "booktitle", rec,
             BIB_VAR_CONTAINER_TITLE);
    put_text(w, "series", rec, BIB_VAR_COLLECTION_TITLE);
    put_text(w, "eventtitle", rec, BIB_VAR_EVENT_TITLE);
    put_text(w, "edition", rec, BIB_VAR_EDITION);
    put_text(w, "volume", rec, BIB_VAR_VOLUME);
    put_text(w, "volumes", rec, BIB_VAR_NUMBER_OF_VOLUMES);
    if (article || !bib_record_has(rec, BIB_VAR_NUMBER))
        put_text(w, article ? "number" : "issue", rec, BIB_VAR_ISSUE);
    if (!article || !bib_record_has(rec, BIB_VAR_ISSUE))
        put_text(w, "number", rec, BIB_VAR_NUMBER);
    if (!bib_record_has(rec, BIB_VAR_NUMBER) &&
        !(article && bib_record_has(rec, BIB_VAR_ISSUE)))
        put_text(w, "number", rec, BIB_VAR_COLLECTION_NUMBER);
    put_text(w, "pages", rec, BIB_VAR_PAGE);
    put_text(w, "pagetotal", rec, BIB_VAR_NUMBER_OF_PAGES);
    put_text(w, "chapter", rec, BIB_VAR_CHAPTER_NUMBER);
    const char *pubname = "publisher";
    if (strcmp(type, "manual") == 0)
        pubname = "organization";
    else if (!w->biblatex && t == BIB_TYPE_THESIS)
        pubname = "school";
    else if (t == BIB_TYPE_THESIS || t == BIB_TYPE_REPORT)
        pubname = "institution";
    if (bib_record_extra_get(rec, "bibtex", pubname))
        pubname = "publisher"; /* the source had both: its own goes out too */
    put_text(w, pubname, rec, BIB_VAR_PUBLISHER);
    put_text(w, w->biblatex ? "location" : "address", rec, BIB_VAR_PUBLISHER_PLACE);
    const char *genre = bib_record_text(rec, BIB_VAR_GENRE);
    /* the genre goes out as `type` even where biber's data model has no
     * such field (@online, @standard): biber keeps it unless asked to
     * validate, and dropping it would lose data. Not for BibLaTeX's parts
     * of books, where classic BibTeX's `type` (the word for "chapter") has
     * no counterpart: dropped there, with a warning. Reports get BibLaTeX's `techreport` key, which the
     * reader takes back as no genre. */
    static const char *const parts[] = {"book", "inbook", "incollection", "inproceedings",
                                        NULL};
    bool type_ok = !w->biblatex || !type_in(type, parts);
    bool std_thesis = genre && t == BIB_TYPE_THESIS &&
                      (strcmp(genre, "PhD thesis") == 0 || strcmp(genre, "Master's thesis") == 0);
    if (std_thesis && (strcmp(type, "phdthesis") == 0 || strcmp(type, "mastersthesis") == 0))
        ; /* the entry type says it */
    else if (strcmp(type, "thesis") == 0 && std_thesis)
        put_field(w, "type", genre && strstr(genre, "aster") ? "mathesis" : "phdthesis",
                  genre && strstr(genre, "aster") ? 8 : 9, false);
    else if (genre && type_ok)
        put_text(w, "type", rec, BIB_VAR_GENRE);
    else if (genre)
        w->dropped_type = true;
    else if (!genre && w->biblatex && strcmp(type, "report") == 0)
        put_field(w, "type", "techreport", 10, false);
    w->written[BIB_VAR_GENRE] = true;
    const bib_field *df = bib_record_get(rec, BIB_VAR_ISSUED);
    if (df && (bib_field_flags(df) & w->skip_inherited))
        df = NULL;
    const bib_date *dt = df ? bib_field_date(df) : NULL;
    w->written[BIB_VAR_ISSUED] = true;
    char num[32];
    /* year/month/day kept as extras mean the source had a `date` besides
     * them: write `date` again so they stay extras on reading */
    bool date_src = bib_record_extra_get(rec, "bibtex", "year") ||
                    bib_record_extra_get(rec, "bibtex", "month") ||
                    bib_record_extra_get(rec, "bibtex", "day");
    bib_date pd = {0};
    if (dt && dt->raw && !dt->literal && (!dt->nparts || !dt->parts[0].has_year) &&
        bib_date_parse(&pd, dt->raw, strlen(dt->raw), BIB_DATE_ANY) == 0 && pd.nparts &&
        !pd.parts[0].has_year && pd.parts[0].month) {
        /* a date shown without its year ("May 29" on a feed page): month
         * and day, which BibTeX styles print and the reader keeps; no
         * `date` or `year` can hold it */
        put_field(w, "month", bib_month_macro(pd.parts[0].month), 3, true);
        if (pd.parts[0].day) {
            snprintf(num, sizeof num, "%d", pd.parts[0].day);
            put_field(w, "day", num, strlen(num), false);
        }
    } else if (dt && (w->biblatex || date_src)) {
        put_date(w, "date", dt);
    } else if (dt && dt->nparts >= 1 && dt->parts[0].has_year) {
        snprintf(num, sizeof num, "%d", dt->parts[0].year);
        put_field(w, "year", num, strlen(num), false);
        const char *mm = bib_month_macro(dt->parts[0].month);
        if (mm)
            put_field(w, "month", mm, 3, true);
        if (dt->parts[0].day && mm) {
            snprintf(num, sizeof num, "%d", dt->parts[0].day);
            put_field(w, "day", num, strlen(num), false);
        }
        /* what year/month/day cannot say (a range, a season, circa, a
         * time): also a `date`, which BibTeX styles ignore and biber,
         * Zotero and JabRef read */
        if (dt->nparts > 1 || dt->circa || dt->raw || dt->parts[0].season)
            put_date(w, "date", dt);
    } else if (dt && dt->literal) {
        /* a literal of digits only would read back as a year */
        size_t k = strspn(dt->literal, "0123456789");
        put_field(w, dt->literal[k] ? "year" : "date", dt->literal, strlen(dt->literal), false);
    }
    bib_date_clear(&pd);
    put_text(w, "isbn", rec, BIB_VAR_ISBN);
    put_text(w, "issn", rec, BIB_VAR_ISSN);
    put_text(w, "doi", rec, BIB_VAR_DOI);
    put_text(w, "url", rec, BIB_VAR_URL);
    const bib_field *af = bib_record_get(rec, BIB_VAR_ACCESSED);
    if (af && bib_field_date(af) && !(bib_field_flags(af) & w->skip_inherited))
        put_date(w, "urldate", bib_field_date(af));
    w->written[BIB_VAR_ACCESSED] = true;
    put_text(w, "pmid", rec, BIB_VAR_PMID);
    put_text(w, "pmcid", rec, BIB_VAR_PMCID);
    put_text(w, "language", rec, BIB_VAR_LANGUAGE);
    put_text(w, "version", rec, BIB_VAR_VERSION);
    put_text(w, "note", rec, BIB_VAR_NOTE);
    put_text(w, "annote", rec, BIB_VAR_ANNOTE);
    put_text(w, "keywords", rec, BIB_VAR_KEYWORD);
    put_text(w, "abstract", rec, BIB_VAR_ABSTRACT);
    /* every other variable the reader maps, under the reader's name for it,
     * so the writer never knows fewer fields than the reader */
    for (size_t i = 0; i < sizeof field_table / sizeof field_table[0]; i++) {
        const field_map *fm = &field_table[i];
        if (fm->var == BIB_VAR_NONE || w->written[fm->var] || !bib_record_has(rec, fm->var))
            continue;
        if (fm->how == K_NAMES) {
            put_names(w, fm->name, rec, fm->var);
        } else if (fm->how == K_DATE) {
            const bib_field *f = bib_record_get(rec, fm->var);
            if (bib_field_date(f) && !(bib_field_flags(f) & w->skip_inherited))
                put_date(w, fm->name, bib_field_date(f));
            w->written[fm->var] = true;
        } else {
            put_text(w, fm->name, rec, fm->var);
        }
    }
    size_t ne = bib_record_extra_count(rec);
    for (size_t i = 0; i < ne; i++) {
        const char *fmt, *nm, *v;
        size_t vl;
        if (bib_record_extra_at(rec, i, &fmt, &nm, &v, &vl) < 0 || strcmp(fmt, "bibtex") != 0 ||
            strcmp(nm, "entrytype") == 0)
            continue;
        bool seen = false;
        for (size_t j = 0; j < w->nf; j++)
            if (strcmp(w->f[j].name, nm) == 0)
                seen = true;
        if (!seen)
            put_field(w, nm, v, vl, false);
    }
    /* key */
    bib_buf_reset(&w->key);
    const char *id = bib_record_id(rec);
    if (w->keys == 1 && id) {
        bib_buf_puts(&w->key, id);
        if (bib_keyset_add(w->used, id) < 0)
            return BIB_ENOMEM;
    } else
        bib_key_unique(&w->key, w->used, rec, w->keys == 2 ? NULL : id);
    if (w->nolatex) {
        bib_output_report(w->out, BIB_SEV_WARNING,
                          "record '%.40s': %zu character(s) with no LaTeX form kept as UTF-8",
                          w->key.data, w->nolatex);
        w->nolatex = 0;
    }
    if (w->dropped_type) {
        bib_output_report(w->out, BIB_SEV_WARNING,
                          "record '%.40s': type '%.40s' dropped: BibLaTeX's @%s has no type field",
                          w->key.data, bib_record_text(rec, BIB_VAR_GENRE), type);
        w->dropped_type = false;
    }
    if (bib_buf_failed(&w->vals) || bib_buf_failed(&w->val) || bib_buf_failed(&w->key))
        return BIB_ENOMEM;
    size_t width = 0;
    for (size_t i = 0; i < w->nf; i++)
        if (strlen(w->f[i].name) > width)
            width = strlen(w->f[i].name);
    bib_output_printf(w->out, "@%s{%s", type, w->key.data);
    for (size_t i = 0; i < w->nf; i++) {
        const char *v = w->vals.data + w->f[i].off;
        bib_output_printf(w->out, ",\n  %-*s = ", (int)width, w->f[i].name);
        if (w->f[i].bare) {
            bib_output_write(w->out, v, w->f[i].len);
        } else {
            bib_output_putc(w->out, '{');
            bib_output_write(w->out, v, w->f[i].len);
            bib_output_putc(w->out, '}');
        }
    }
    bib_output_puts(w->out, "\n}\n\n");
    return bib_output_error(w->out);
}

static int bw_end(bib_writer *wr)
{
    bt_writer *w = bib_writer_state(wr);
    bib_buf_clear(&w->line);
    bib_buf_clear(&w->val);
    bib_buf_clear(&w->key);
    bib_buf_clear(&w->vals);
    bib_keyset_free(w->used);
    w->used = NULL;
    return w->out ? bib_output_error(w->out) : 0;
}

/* ---- probe and descriptors -------------------------------------------- */

/* Scores '@type{' at a line start; biblatex-only markers raise biblatex and
 * lower bibtex so the two siblings rank on purpose, not by load order. */
static int probe_common(const unsigned char *h, size_t len, const char *fn, bool blx)
{
    const char *s = (const char *)h;
    bool entry = false, blx_marks = false;
    for (size_t i = 0; i < len; i++) {
        if (s[i] != '@' || (i && s[i - 1] != '\n' && s[i - 1] != ' ' && s[i - 1] != '\t'))
            continue;
        size_t j = i + 1;
        while (j < len && isalpha((unsigned char)s[j]))
            j++;
        if (j > i + 1 && j < len && (s[j] == '{' || s[j] == '(')) {
            entry = true;
            if (ieq(s + i + 1, j - i - 1, "online") || ieq(s + i + 1, j - i - 1, "thesis") ||
                ieq(s + i + 1, j - i - 1, "report") || ieq(s + i + 1, j - i - 1, "dataset"))
                blx_marks = true;
        }
    }
    for (size_t i = 0; i + 12 < len && !blx_marks; i++) {
        if ((s[i] == 'j' && strncmp(s + i, "journaltitle", 12) == 0) ||
            (s[i] == 'u' && strncmp(s + i, "urldate", 7) == 0) ||
            ((s[i] == ' ' || s[i] == '\t') && strncmp(s + i + 1, "date ", 5) == 0) ||
            ((s[i] == ' ' || s[i] == '\t') && strncmp(s + i + 1, "date=", 5) == 0))
            blx_marks = true;
    }
    size_t fl = fn ? strlen(fn) : 0;
    bool ext = fl > 4 && strcmp(fn + fl - 4, ".bib") == 0;
    if (!entry)
        return ext ? (blx ? BIB_PROBE_EXTENSION - 1 : BIB_PROBE_EXTENSION) : BIB_PROBE_NONE;
    int score = BIB_PROBE_LIKELY + (ext ? 10 : 0);
    if (blx)
        score += blx_marks ? 5 : -5;
    return score;
}

static int probe_bibtex(const unsigned char *h, size_t len, const char *fn)
{
    return probe_common(h, len, fn, false);
}

static int probe_biblatex(const unsigned char *h, size_t len, const char *fn)
{
    return probe_common(h, len, fn, true);
}

static const bib_option_spec writer_options[] = {
    {"ascii", BIB_OPT_BOOL, NULL, "true for bibtex, false for biblatex",
     "write non-ASCII characters as LaTeX commands"},
    {"keys", BIB_OPT_CHOICE, "auto,keep,regenerate", "auto",
     "keep keys (auto: generate missing/duplicate ones), or regenerate all"},
    {NULL, 0, NULL, NULL, NULL},
};

static const bib_reader_ops reader_ops = {
    .state_size = sizeof(bt_reader),
    .open = bt_open,
    .next = bt_next,
    .close = bt_close,
    .options = NULL,
};

static const bib_writer_ops writer_ops = {
    .state_size = sizeof(bt_writer),
    .begin = bw_begin,
    .write = bw_write,
    .end = bw_end,
    .options = writer_options,
};

static const bib_format_desc fmt_bibtex = {
    .name = "bibtex",
    .description = "BibTeX (.bib), classic fields and types, LaTeX escapes",
    .extensions = "bib",
    .mime = "application/x-bibtex",
    .flags = BIB_WRITER_DIRECTIVES | BIB_FORMAT_HOLDS_RECORDS,
    .probe = probe_bibtex,
    .reader = &reader_ops,
    .writer = &writer_ops,
};

static const bib_format_desc fmt_biblatex = {
    .name = "biblatex",
    .description = "BibLaTeX (.bib) for biber: date, journaltitle, @online, UTF-8",
    .extensions = "bib",
    .mime = NULL,
    .flags = BIB_WRITER_DIRECTIVES | BIB_FORMAT_HOLDS_RECORDS,
    .probe = probe_biblatex,
    .reader = &reader_ops,
    .writer = &writer_ops,
};

static const bib_format_desc *const formats[] = {&fmt_bibtex, &fmt_biblatex, NULL};

BIB_PLUGIN_EXPORT const bib_plugin_desc bib_plugin_module = {
    .abi_version = BIB_PLUGIN_ABI_VERSION,
    .module_name = "bibtex",
    .formats = formats,
};
