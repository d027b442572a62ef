/* SPDX-License-Identifier: MIT */
/*
 * yaml_reader.c - the CSL-YAML reader of the yaml module: libyaml's event
 * API over a bib_input, one item at a time, mapped by the shared cslitem
 * mapping (plugins/csljson/cslitem.h, with BIB_CSLITEM_LOOSE for pandoc's
 * conveniences), exactly as the csljson reader does: a plain item straight
 * from its events, member by member (record_item, map_item: no DOM), any
 * other through a jansson value built from its events (yamlrd_build_node).
 *
 * Not for: CSL semantics (plugins/csljson/cslitem_*.c) or writing (yaml_writer.c).
 *
 * Shapes accepted (the first document decides; later documents of the
 * stream are read only for a `references:` mapping, so the Markdown body
 * that follows front matter is ignored, and a parse error there ends the
 * input quietly):
 *     document  := mapping-with-references | sequence-of-items
 *     mapping   := { ..., references: [ item, ... ], ... }   (other keys skipped)
 *     item      := mapping of CSL keys (cslitem.h)
 *
 * Own scanner. Items in the common subset are scanned by yaml_fast.c
 * instead of libyaml (no parser runs meanwhile); when it declines, a
 * fresh parser resumes at that line behind a prefix that repeats the
 * document's structure (yamlrd_fast_resume), and the scanner is tried
 * again at the next item libyaml starts.
 *
 * Streaming and recovery. libyaml pulls bytes through read_handler, which
 * copies them out of the bib_input window without consuming them; the
 * window is released line by line (release_to_line) up to the start of
 * the current item, or the current event outside items. So memory holds
 * one item plus libyaml's read-ahead. When libyaml stops on an error inside
 * a block sequence of items, the parser is dropped, the retained text is
 * scanned for the next line that starts an item at the sequence's column,
 * and a fresh parser continues there: one bad item costs one item.
 *
 * Bounds (issue 5, acceptance 3): nesting depth, bytes between two events
 * (one scalar or comment), bytes of one item, nodes produced per item
 * including alias expansions (a billion-laughs file is refused when the
 * count passes the limit, before anything is copied), and the number of
 * anchors kept. Each refusal is an error diagnostic at libyaml's position.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <yaml.h>

#include "cslitem.h"
#include "cslitem_int.h"
#include "bibconv/plugin.h"
#include "yamlfmt.h"

#include "yaml_rd.h"

/* ---- input ----------------------------------------------------------------- */

enum { MAX_FIX_REPORTS = 20 }; /* byte fixes reported one by one */

typedef enum { FIX_NUL, FIX_CONTROL, FIX_NOT_UTF8 } fix_kind;

/* Says that the byte at window offset `off` (absolute input offset `abs`)
 * was removed or replaced: once per byte, however often recovery feeds it
 * again, one by one for the first MAX_FIX_REPORTS, then once for all. */
static void report_fix(yaml_reader *r, const char *d, size_t off, uint64_t abs, fix_kind kind,
                       unsigned cp)
{
    if (r->fix_seen && abs <= r->fix_last)
        return;
    r->fix_seen = true;
    r->fix_last = abs;
    if (++r->fixes > MAX_FIX_REPORTS + 1)
        return;
    size_t line, col;
    bib_input_position_of(r->in, d + off, &line, &col);
    if (r->fixes > MAX_FIX_REPORTS)
        bib_input_report(r->in, BIB_SEV_WARNING, line, col,
                         "more bytes YAML does not allow: removed or replaced as above, "
                         "not reported one by one");
    else if (kind == FIX_NUL)
        bib_input_report(r->in, BIB_SEV_WARNING, line, col,
                         "NUL byte removed (YAML does not allow it)");
    else if (kind == FIX_CONTROL)
        bib_input_report(r->in, BIB_SEV_WARNING, line, col,
                         "control character U+%04X removed (YAML does not allow it)", cp);
    else
        bib_input_report(r->in, BIB_SEV_WARNING, line, col,
                         "byte 0x%02X is not UTF-8: replaced by U+FFFD", cp);
}

/* Length of the valid UTF-8 sequence at s (avail bytes), its code point in
 * *cp; 0 when the bytes are not UTF-8, -1 when the sequence is cut by the
 * end of the bytes available. */
static int utf8_seq(const unsigned char *s, size_t avail, unsigned *cp)
{
    unsigned c = s[0], len, min;
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, min = 0x80, c &= 0x1F;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, min = 0x800, c &= 0x0F;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, min = 0x10000, c &= 0x07;
    else
        return 0;
    for (unsigned k = 1; k < len; k++) {
        if (k >= avail)
            return -1;
        if ((s[k] & 0xC0) != 0x80)
            return 0;
        c = (c << 6) | (s[k] & 0x3Fu);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 0;
    *cp = c;
    return (int)len;
}

/* Copies src[0..avail) to buf (room bytes) as libyaml accepts it: a
 * character YAML does not allow (C0 controls but tab and line ends, DEL,
 * C1 controls but NEL, U+FFFE, U+FFFF) is removed and a byte that is not
 * UTF-8 becomes U+FFFD, each with a warning at its place. libyaml would
 * stop on them while decoding ahead and lose every item after the one
 * being read; see docs/yaml.md. `at_end`: no byte follows src[avail - 1]
 * in the input. Returns the bytes written; *used the source bytes taken. */
#define AB(c) (((c) >= 0x20 && (c) < 0x7F) || (c) == '\n' || (c) == '\r' || (c) == '\t')
#define AB4(c) AB(c), AB((c) + 1), AB((c) + 2), AB((c) + 3)
#define AB16(c) AB4(c), AB4((c) + 4), AB4((c) + 8), AB4((c) + 12)
#define AB64(c) AB16(c), AB16((c) + 16), AB16((c) + 32), AB16((c) + 48)
/* The ASCII bytes sanitize copies as they are: runs of them go by memcpy
 * (the reader's hot loop is here and in release_to_line). */
static const bool ascii_kept[256] = {AB64(0), AB64(64), AB64(128), AB64(192)};
#undef AB64
#undef AB16
#undef AB4
#undef AB

static size_t sanitize(yaml_reader *r, const char *d, size_t from, size_t avail, bool at_end,
                       unsigned char *buf, size_t room, size_t *used)
{
    const unsigned char *s = (const unsigned char *)d + from;
    uint64_t base = bib_input_offset(r->in) + from;
    size_t i = 0, k = 0;
    while (i < avail && k < room) {
        size_t run = 0, most = avail - i < room - k ? avail - i : room - k;
        const unsigned char *p = s + i;
        while (run + 4 <= most && (ascii_kept[p[run]] & ascii_kept[p[run + 1]] &
                                   ascii_kept[p[run + 2]] & ascii_kept[p[run + 3]]))
            run += 4;
        while (run < most && ascii_kept[p[run]])
            run++;
        if (run) {
            memcpy(buf + k, s + i, run);
            i += run;
            k += run;
            continue;
        }
        unsigned c = s[i], cp = 0;
        if ((c >= 0x20 && c < 0x7F) || c == '\n' || c == '\r' || c == '\t') {
            buf[k++] = (unsigned char)c;
            i++;
            continue;
        }
        if (c < 0x80) {
            report_fix(r, d, from + i, base + i, c ? FIX_CONTROL : FIX_NUL, c);
            i++;
            continue;
        }
        int len = utf8_seq(s + i, avail - i, &cp);
        if (len < 0 && !at_end)
            break; /* the rest of the sequence comes with the next window */
        if (len <= 0) {
            if (room - k < 3) {
                if (k)
                    break;
                i++; /* no room for U+FFFD even alone: the byte goes */
                continue;
            }
            report_fix(r, d, from + i, base + i, FIX_NOT_UTF8, c);
            memcpy(buf + k, "\xEF\xBF\xBD", 3);
            k += 3;
            i++;
            continue;
        }
        if ((cp >= 0x80 && cp <= 0x9F && cp != 0x85) || cp == 0xFFFE || cp == 0xFFFF) {
            report_fix(r, d, from + i, base + i, FIX_CONTROL, cp);
            i += (size_t)len;
            continue;
        }
        if (room - k < (size_t)len)
            break;
        memcpy(buf + k, s + i, (size_t)len);
        k += (size_t)len;
        i += (size_t)len;
    }
    *used = i;
    return k;
}

/* libyaml's read callback: copies the next bytes of the bib_input window
 * without consuming them (see the header comment), through sanitize.
 * Returns 1 with *size_read 0 at the end, 0 on an error or a bound (the
 * reason kept in r->abort, reported by the caller). The window holds the
 * text since the current item's start, so the input's bound (--max-value)
 * bounds an item; no window past it is asked for (io.h would drop the
 * rest of the line under the parser). */
static void release_held(yaml_reader *r);

enum { RESUMED_READ = 1024 }; /* bytes a read gives a resumed parser (below) */
static int read_handler(void *data, unsigned char *buf, size_t size, size_t *size_read)
{
    yaml_reader *r = data;
    *size_read = 0;
    if (r->abort)
        return 0;
    if (r->pre_len) {
        if (r->pre_pos < r->pre_len) { /* yamlrd_fast_resume's prefix first */
            size_t k = r->pre_len - r->pre_pos < size ? r->pre_len - r->pre_pos : size;
            memcpy(buf, r->pre + r->pre_pos, k);
            r->pre_pos += k;
            *size_read = k;
            return 1;
        }
        /* mostly dropped again after an item or two, and libyaml decodes
         * all it is given: given little at once */
        size = size > RESUMED_READ ? RESUMED_READ : size;
    }
    release_held(r);
    size_t bound = bib_input_max_value(r->in);
    bound = bound > r->item_cut ? bound - r->item_cut : 0; /* the item's bytes released */
    for (;;) {
        const char *d;
        size_t n, want = r->fed + 4 < bound ? r->fed + 4 : bound;
        if (bib_input_window(r->in, want, &d, &n) < 0) {
            r->abort = ABORT_IO;
            return 0;
        }
        bool at_end = n < want || n >= bound; /* no byte past the window for us */
        if (n > bound)
            n = bound;
        if (n <= r->fed) {
            if (r->fed < bound)
                return 1; /* the end */
            r->abort = ABORT_BOUND;
            return 0;
        }
        size_t used, avail = n - r->fed;
        size_t k = sanitize(r, d, r->fed, avail, at_end, buf, size, &used);
        if (!k && !used) {
            /* no room for one character (libyaml leaves room for several):
             * the raw bytes, which libyaml then judges itself */
            k = avail < size ? avail : size;
            memcpy(buf, d + r->fed, k);
            used = k;
        }
        r->fed += used;
        if (k) {
            *size_read = k;
            return 1;
        }
        /* every byte seen was removed: look further (0 bytes means the end) */
    }
}

/* Length of the line break at p (libyaml's set: LF, CR, CRLF, NEL, LS, PS),
 * 0 when there is none. `avail` bytes may be read. */
static size_t break_len(const unsigned char *p, size_t avail)
{
    if (!avail)
        return 0;
    if (p[0] == '\n')
        return 1;
    if (p[0] == '\r')
        return avail > 1 && p[1] == '\n' ? 2 : 1;
    if (avail > 1 && p[0] == 0xC2 && p[1] == 0x85)
        return 2;
    if (avail > 2 && p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9))
        return 3;
    return 0;
}

/* The first bytes of libyaml's line breaks (LF, CR, NEL's 0xC2, LS and
 * PS's 0xE2); break_len decides whether one is there. */
static const bool brk_lead[256] = {['\n'] = true, ['\r'] = true, [0xC2] = true, [0xE2] = true};

/* Consumes whole lines already fed to libyaml until the consumed point is
 * at the start of absolute line `target`. A CR ending the fed bytes stays
 * (its LF may follow unfed). */
static void release_to_line(yaml_reader *r, size_t target)
{
    if (r->cons_line >= target)
        return;
    const char *d;
    size_t n;
    if (bib_input_window(r->in, 0, &d, &n) < 0)
        return;
    const unsigned char *u = (const unsigned char *)d;
    size_t lim = r->fed < n ? r->fed : n, i = 0, cut = 0, line = r->cons_line;
    while (i < lim && line < target) {
        /* no break starts at a byte brk_lead does not mark: skip them, four
         * a round (this loop sees every byte of the input) */
        while (i + 4 <= lim && !(brk_lead[u[i]] | brk_lead[u[i + 1]] | brk_lead[u[i + 2]] |
                                 brk_lead[u[i + 3]]))
            i += 4;
        while (i < lim && !brk_lead[u[i]])
            i++;
        if (i == lim)
            break;
        size_t b = break_len(u + i, lim - i);
        if (!b) {
            i++;
            continue;
        }
        if (u[i] == '\r' && b == 1 && i + 1 == lim)
            break;
        i += b;
        cut = i;
        line++;
    }
    r->cons_line = line;
    bib_input_consume(r->in, cut);
    r->released += cut;
    r->fed -= cut;
    r->fed_at_event = r->fed_at_event > cut ? r->fed_at_event - cut : 0;
}

enum { LONG_HELD = 1 << 18 };

/* Inside an item, the text libyaml already has is held only for recovery
 * (resync), which looks for line starts, never inside a line. Once more
 * than LONG_HELD bytes are held, the whole lines before the point fed are
 * released, and the current line's bytes too when they are that many: a
 * one-line value of any size is then held by libyaml and the record only
 * (issue 18: a value needs at most 2x its size, not 3x). The item's bound
 * counts what was released (item_cut). The cost: recovery from an error
 * in such an item cannot see item starts inside the released lines, where
 * only an unclosed quote could have hidden them. */
static void release_held(yaml_reader *r)
{
    if (r->st != ST_ITEMS || r->fed <= LONG_HELD)
        return;
    size_t before = r->released;
    release_to_line(r, SIZE_MAX);
    if (r->fed > LONG_HELD) {
        bib_input_consume(r->in, r->fed);
        r->released += r->fed;
        r->fed_at_event = 0;
        r->fed = 0;
    }
    r->item_cut += r->released - before;
}

static size_t abs_line(const yaml_reader *r, yaml_mark_t m)
{
    if (m.line < r->pre_lines) /* a mark in the resume prefix stands for its original */
        return r->pre_abs[m.line];
    return r->line_base + m.line + 1;
}

/* ---- parser ---------------------------------------------------------------- */

static void parser_drop(yaml_reader *r)
{
    if (r->live)
        yaml_parser_delete(&r->parser);
    r->live = false;
}

/* Starts a parser at the consumed point (a line start). */
static int parser_start(yaml_reader *r)
{
    parser_drop(r);
    if (!yaml_parser_initialize(&r->parser)) {
        bib_input_report(r->in, BIB_SEV_ERROR, 0, 0, "out of memory");
        return BIB_ENOMEM;
    }
    r->live = true;
    yaml_parser_set_encoding(&r->parser, YAML_UTF8_ENCODING);
    yaml_parser_set_input(&r->parser, read_handler, r);
    r->fed = r->fed_at_event = r->released = r->item_cut = 0;
    r->pre_len = r->pre_pos = r->pre_lines = 0;
    r->abort = ABORT_NONE;
    r->line_base = r->cons_line;
    r->broken = r->quiet = r->pending_fail = false;
    return 0;
}

/* Reports why libyaml stopped: its problem at its mark, and its context
 * as a note. `quiet` drops it to an info message (the
 * Markdown body after front matter is not YAML, and that is fine). */
static void report_parser_error(yaml_reader *r, bool quiet)
{
    yaml_parser_t *p = &r->parser;
    size_t line = abs_line(r, p->problem_mark), col = p->problem_mark.column + 1;
    if (quiet) {
        bib_input_report(r->in, BIB_SEV_INFO, line, col,
                         "reading stops here: the rest is not YAML (%s)",
                         p->problem ? p->problem : "unknown error");
        return;
    }
    if (r->abort != ABORT_NONE) {
        /* the read callback stopped: libyaml's current position */
        line = abs_line(r, p->mark);
        col = p->mark.column + 1;
    }
    switch (r->abort) {
    case ABORT_BOUND:
        /* the text held is the item's: one value makes most of it, or many */
        bib_input_report_too_long(r->in, line, col,
                                  r->fed - r->fed_at_event > r->fed / 2 ? "value" : "item");
        return;
    case ABORT_IO:
        bib_input_report(r->in, BIB_SEV_ERROR, line, col, "read error");
        return;
    case ABORT_NONE:
        break;
    }
    if (p->error == YAML_MEMORY_ERROR) {
        bib_input_report(r->in, BIB_SEV_ERROR, line, col, "out of memory");
        return;
    }
    if (p->error == YAML_READER_ERROR) {
        /* libyaml decodes ahead and gives only a byte offset: find it in the
         * retained window (it holds everything fed since the last release) */
        const char *d;
        size_t n;
        line = col = 0;
        /* the resume prefix is no input; `released` counts from the
         * parser's first input byte, which may lie past the consumed point
         * (yamlrd_fast_resume): modulo arithmetic */
        size_t at = p->problem_offset - r->pre_len - r->released;
        if (p->problem_offset >= r->pre_len && bib_input_window(r->in, 0, &d, &n) == 0 &&
            at < n)
            bib_input_position_of(r->in, d + at, &line, &col);
        bib_input_report(r->in, BIB_SEV_ERROR, line, col, "invalid YAML input: %s",
                         p->problem ? p->problem : "unknown error");
        return;
    }
    bib_input_report(r->in, BIB_SEV_ERROR, line, col, "invalid YAML: %s",
                     p->problem ? p->problem : "unknown error");
    if (p->context)
        bib_input_report(r->in, BIB_SEV_NOTE, abs_line(r, p->context_mark),
                         p->context_mark.column + 1, "%s", p->context);
}

/* Next event, escapes undone (yamlrd_unescape). 0 with *ev (yaml_event_delete
 * it), or BIB_EPARSE after the report (r->broken set: the parser is finished;
 * r->quiet set when the error only ends a Markdown body, which is not one). */
int yamlrd_get_event(yaml_reader *r, yaml_event_t *ev)
{
    if (r->replay < r->replay_end) {
        *ev = r->evs[r->replay];
        memset(&r->evs[r->replay++], 0, sizeof *ev); /* YAML_NO_EVENT */
        if (r->fast_evs && ev->type == YAML_SCALAR_EVENT) { /* the taker frees it */
            char *v = malloc(ev->data.scalar.length + 1);
            if (!v)
                return BIB_ENOMEM;
            memcpy(v, ev->data.scalar.value, ev->data.scalar.length + 1);
            ev->data.scalar.value = (yaml_char_t *)v;
        }
        return 0;
    }
    if (r->pending_fail || !yaml_parser_parse(&r->parser, ev)) {
        /* record_item's failure: reported where yamlrd_build_node meets it */
        r->pending_fail = false;
        r->broken = true;
        r->quiet = r->docs_done > 0 && r->abort == ABORT_NONE && !r->recovered &&
                   r->st != ST_ITEMS;
        report_parser_error(r, r->quiet);
        return BIB_EPARSE;
    }
    r->fed_at_event = r->fed;
    yamlrd_unescape(ev);
    return 0;
}

/* Ends reading after the parser stopped: rc, or 0 when the stop was quiet. */
static int stop(yaml_reader *r, int rc)
{
    parser_drop(r);
    r->st = ST_END;
    return r->quiet && rc == BIB_EPARSE ? 0 : rc;
}

/* ---- values ------------------------------------------------------------------ */

static anchor *anchor_find(yaml_reader *r, const char *name)
{
    for (size_t k = 0; k < r->nanchors; k++) {
        size_t i = (r->anchor_head + MAX_ANCHORS - 1 - k) % MAX_ANCHORS;
        if (strcmp(r->anchors[i].name, name) == 0)
            return &r->anchors[i];
    }
    return NULL;
}

static void anchors_clear(yaml_reader *r)
{
    for (size_t k = 0; k < r->nanchors; k++) {
        size_t i = (r->anchor_head + MAX_ANCHORS - 1 - k) % MAX_ANCHORS;
        free(r->anchors[i].name);
        json_decref(r->anchors[i].value);
    }
    r->nanchors = r->anchor_head = 0;
}

/* Keeps an anchored value (takes a new reference). The oldest anchor goes
 * when MAX_ANCHORS are held, so memory does not grow with the document. */
static int anchor_add(yaml_reader *r, const char *name, json_t *v, size_t nodes, yaml_mark_t m)
{
    if (!r->anchors) {
        r->anchors = calloc(MAX_ANCHORS, sizeof *r->anchors);
        if (!r->anchors)
            return BIB_ENOMEM;
    }
    char *dup = strdup(name);
    if (!dup)
        return BIB_ENOMEM;
    anchor *a = &r->anchors[r->anchor_head];
    if (r->nanchors == MAX_ANCHORS) {
        if (!r->bomb_reported)
            bib_input_report(r->in, BIB_SEV_WARNING, abs_line(r, m), m.column + 1,
                             "more than %d anchors: the oldest are forgotten", MAX_ANCHORS);
        free(a->name);
        json_decref(a->value);
    } else {
        r->nanchors++;
    }
    a->name = dup;
    a->value = v ? json_incref(v) : NULL; /* NULL: refused, aliases to it fail */
    a->nodes = nodes;
    r->anchor_head = (r->anchor_head + 1) % MAX_ANCHORS;
    return 0;
}

/* The JSON value of a scalar event. Plain untagged scalars resolve as YAML
 * 1.2's core schema does for null, booleans and canonical integers;
 * everything else (floats, "0815", dates, "yes") is text, since CSL text
 * must not change by being read. Explicit !!int, !!float, !!bool, !!null
 * and !!str tags are honoured (the writer marks real numbers with !!float).
 * NULL with item_bad set when the value cannot be represented; NULL with
 * *rc BIB_ENOMEM when memory ran out. */
static json_t *made(json_t *v, int *rc)
{
    if (!v)
        *rc = BIB_ENOMEM;
    return v;
}

static json_t *scalar_value(yaml_reader *r, const yaml_event_t *ev, int *rc)
{
    const char *s = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    const char *tag = (const char *)ev->data.scalar.tag;
    if (memchr(s, '\0', len)) {
        bib_input_report(r->in, BIB_SEV_ERROR, abs_line(r, ev->start_mark),
                         ev->start_mark.column + 1, "a NUL character in a scalar is not allowed");
        r->item_bad = true;
        return NULL;
    }
    long long x;
    if (tag && strncmp(tag, "tag:yaml.org,2002:", 18) == 0) {
        const char *t = tag + 18;
        if (strcmp(t, "int") == 0 && yamlrd_canonical_int(s, len, &x))
            return made(json_integer(x), rc);
        if (strcmp(t, "float") == 0) {
            char *end;
            errno = 0;
            double dv = strtod(s, &end);
            if (end != s && !*end && !errno)
                return made(json_real(dv), rc);
        }
        yamlrd_word w = yamlrd_plain_word(s);
        if (strcmp(t, "bool") == 0 && (w == YW_TRUE || w == YW_FALSE))
            return json_boolean(w == YW_TRUE);
        if (strcmp(t, "null") == 0)
            return json_null();
    }
    else if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !tag) {
        yamlrd_word w = yamlrd_plain_word(s);
        if (w != YW_TEXT)
            return w == YW_NULL ? json_null() : json_boolean(w == YW_TRUE);
        if (yamlrd_canonical_int(s, len, &x))
            return made(json_integer(x), rc);
    }
    /* libyaml has checked UTF-8: a failure is out of memory */
    return made(json_stringn(s, len), rc);
}

static size_t add_sat(size_t a, size_t b)
{
    return a > SIZE_MAX - b ? SIZE_MAX : a + b;
}

int yamlrd_build_node(yaml_reader *r, yaml_event_t *ev, int depth, json_t **out,
                      size_t *nodes);

/* Applies YAML merge keys ("<<: *defaults"): keys of `src` (a mapping or a
 * list of mappings) not already in `map`. */
static int merge_into(json_t *map, const json_t *src)
{
    if (json_is_array(src)) {
        for (size_t i = 0; i < json_array_size(src); i++)
            if (merge_into(map, json_array_get(src, i)) < 0)
                return BIB_ENOMEM;
        return 0;
    }
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)src, k, v) {
        if (!json_object_get(map, k) && json_object_set(map, k, v) < 0)
            return BIB_ENOMEM;
    }
    return 0;
}

/* Builds the children of a mapping (start event already taken). */
static int build_mapping(yaml_reader *r, json_t *map, int depth, size_t *nodes)
{
    json_t *merges = NULL;
    int rc = 0;
    for (;;) {
        yaml_event_t kev, vev;
        if ((rc = yamlrd_get_event(r, &kev)) < 0)
            break;
        if (kev.type == YAML_MAPPING_END_EVENT) {
            yaml_event_delete(&kev);
            break;
        }
        yaml_mark_t km = kev.start_mark;
        const char *key = NULL; /* kev's text, kept until the value is read */
        bool merge = false;
        if (kev.type == YAML_SCALAR_EVENT) {
            key = (const char *)kev.data.scalar.value;
            merge = kev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !kev.data.scalar.tag &&
                    strcmp(key, "<<") == 0;
            *nodes = add_sat(*nodes, 1);
        } else {
            json_t *junk = NULL;
            size_t n = 0;
            rc = yamlrd_build_node(r, &kev, depth + 1, &junk, &n);
            json_decref(junk);
            if (rc < 0)
                break;
            bib_input_report(r->in, BIB_SEV_WARNING, abs_line(r, km), km.column + 1,
                             "a mapping key that is not a scalar is ignored with its value");
        }
        if ((rc = yamlrd_get_event(r, &vev)) < 0) {
            if (key)
                yaml_event_delete(&kev);
            break;
        }
        json_t *v = NULL;
        size_t n = 0;
        rc = yamlrd_build_node(r, &vev, depth + 1, &v, &n);
        *nodes = add_sat(*nodes, n);
        if (rc < 0) {
            if (key)
                yaml_event_delete(&kev);
            json_decref(v);
            break;
        }
        if (key && v && merge && (json_is_object(v) || json_is_array(v))) {
            if (!merges)
                merges = json_array();
            if (json_array_append(merges, v) < 0) /* merges NULL too */
                rc = BIB_ENOMEM;
        } else if (key && v) {
            if (json_object_get(map, key))
                bib_input_report(r->in, BIB_SEV_WARNING, abs_line(r, km), km.column + 1,
                                 "duplicate key '%s': the later value is kept", key);
            if (json_object_set(map, key, v) < 0) /* libyaml checked UTF-8: memory */
                rc = BIB_ENOMEM;
        }
        if (key)
            yaml_event_delete(&kev);
        json_decref(v);
        if (rc < 0)
            break;
    }
    if (merges && rc == 0)
        rc = merge_into(map, merges);
    json_decref(merges);
    return rc;
}

/* Builds the children of a sequence (start event already taken). */
static int build_sequence(yaml_reader *r, json_t *arr, int depth, size_t *nodes)
{
    int rc = 0;
    for (;;) {
        yaml_event_t cev;
        if ((rc = yamlrd_get_event(r, &cev)) < 0)
            break;
        if (cev.type == YAML_SEQUENCE_END_EVENT) {
            yaml_event_delete(&cev);
            break;
        }
        json_t *c = NULL;
        size_t n = 0;
        rc = yamlrd_build_node(r, &cev, depth + 1, &c, &n);
        *nodes = add_sat(*nodes, n);
        if (c && json_array_append_new(arr, c) < 0 && rc == 0)
            rc = BIB_ENOMEM;
        if (rc < 0)
            break;
    }
    return rc;
}

/* An alias (*name) as a node: the anchored value, shared, or refused
 * (unknown, refused itself, or past MAX_NODES once expanded). Takes over
 * and deletes *ev. Returns 0. */
static int build_alias(yaml_reader *r, yaml_event_t *ev, json_t **out, size_t *nodes)
{
    yaml_mark_t m = ev->start_mark;
    json_t *v = NULL;
    const char *name = (const char *)ev->data.alias.anchor;
    anchor *an = anchor_find(r, name);
    if (!an || !an->value) {
        if (!an || !r->bomb_reported) /* once per item, not once per use */
            bib_input_report(r->in, BIB_SEV_ERROR, abs_line(r, m), m.column + 1,
                             an ? "alias '*%s' names a node that was refused"
                                : "unknown alias '*%s'", name);
        r->bomb_reported = r->bomb_reported || an;
        r->item_bad = true;
        r->errors++;
    } else if (add_sat(r->nodes, an->nodes) > MAX_NODES) {
        if (!r->bomb_reported)
            bib_input_report(r->in, BIB_SEV_ERROR, abs_line(r, m), m.column + 1,
                             "alias '*%s' would expand the item past %d nodes "
                             "(alias bomb?): refused", name, MAX_NODES);
        r->bomb_reported = true;
        r->item_bad = true;
        r->errors++;
    } else {
        /* shared, not copied: memory does not grow with expansion */
        v = json_incref(an->value);
        *nodes = an->nodes;
        r->nodes = add_sat(r->nodes, an->nodes);
    }
    yaml_event_delete(ev);
    *out = v;
    return 0;
}

/* Builds the value of the node whose first event is *ev (taken over and
 * deleted here), reading its remaining events. *out gets a new reference
 * (NULL when the node was refused; r->item_bad then says a diagnostic was
 * given), *nodes the node count with aliases expanded. Returns 0, or
 * BIB_EPARSE when the parser is finished (r->broken), or BIB_ENOMEM. */
int yamlrd_build_node(yaml_reader *r, yaml_event_t *ev, int depth, json_t **out,
                      size_t *nodes)
{
    *out = NULL;
    *nodes = 1;
    size_t errors = r->errors;
    yaml_mark_t m = ev->start_mark;
    char *anchor_name = NULL;
    const yaml_char_t *a = NULL;
    json_t *v = NULL;
    int rc = 0;
    switch (ev->type) {
    case YAML_ALIAS_EVENT:
        return build_alias(r, ev, out, nodes);
    case YAML_SCALAR_EVENT:
        a = ev->data.scalar.anchor;
        r->nodes = add_sat(r->nodes, 1);
        v = scalar_value(r, ev, &rc);
        if (!v && !rc) {
            r->item_bad = true;
            r->errors++;
        }
        break;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT: {
        bool seq = ev->type == YAML_SEQUENCE_START_EVENT;
        a = seq ? ev->data.sequence_start.anchor : ev->data.mapping_start.anchor;
        r->nodes = add_sat(r->nodes, 1);
        if (depth >= MAX_DEPTH) {
            bib_input_report(r->in, BIB_SEV_ERROR, abs_line(r, m), m.column + 1,
                             "nesting deeper than %d levels (limit)", MAX_DEPTH);
            /* stop pulling events: libyaml's own stacks grow with depth */
            r->broken = true;
            yaml_event_delete(ev);
            return BIB_EPARSE;
        }
        if (r->nodes > MAX_NODES) {
            if (!r->bomb_reported)
                bib_input_report(r->in, BIB_SEV_ERROR, abs_line(r, m), m.column + 1,
                                 "an item with more than %d nodes (limit)", MAX_NODES);
            r->bomb_reported = true;
            r->item_bad = true;
            r->errors++;
        }
        if (a && !(anchor_name = strdup((const char *)a))) {
            yaml_event_delete(ev);
            return BIB_ENOMEM;
        }
        a = NULL;
        yaml_event_delete(ev);
        v = seq ? json_array() : json_object();
        if (!v) {
            free(anchor_name);
            return BIB_ENOMEM;
        }
        rc = seq ? build_sequence(r, v, depth, nodes) : build_mapping(r, v, depth, nodes);
        break;
    }
    default:
        /* document/stream events never start a node */
        bib_input_report(r->in, BIB_SEV_ERROR, abs_line(r, m), m.column + 1,
                         "unexpected YAML event");
        yaml_event_delete(ev);
        r->item_bad = true;
        r->errors++;
        return 0;
    }
    if (a && !(anchor_name = strdup((const char *)a)))
        rc = BIB_ENOMEM;
    if (ev->type == YAML_SCALAR_EVENT)
        yaml_event_delete(ev);
    if (rc == 0 && anchor_name) /* a node with errors is kept as refused */
        rc = anchor_add(r, anchor_name, r->errors == errors ? v : NULL, *nodes, m);
    free(anchor_name);
    *out = v;
    return rc;
}

/* ---- recovery -------------------------------------------------------------- */

/* After the parser stopped inside the block sequence of items: finds the
 * next line, after the current item's first line, that starts an item at
 * column seq_col, releases the text before it and starts a new parser
 * there. Returns true when one was found. A line indented less than the
 * items, or a document marker, ends the search: the list is over. */
static bool resync(yaml_reader *r)
{
    parser_drop(r);
    r->fed = r->fed_at_event = r->item_cut = 0;
    size_t bound = bib_input_max_value(r->in);
    bool first = true, midline = false; /* the window starts inside a judged line */
    for (;;) {
        const char *d;
        size_t n;
        if (bib_input_window(r->in, 0, &d, &n) < 0 || n == 0)
            return false;
        /* one whole line in the window (it grows for long lines, up to the
         * bound: a longer line is judged by its start, the rest dropped) */
        size_t i = 0, b = 0;
        bool cut = false;
        for (;;) {
            while (i < n && !(b = break_len((const unsigned char *)d + i, n - i)))
                i++;
            bool cr_edge = i + 1 == n && d[i] == '\r'; /* its LF may be unread */
            if (i < n && !cr_edge)
                break;
            if (n >= bound) {
                cut = true;
                break;
            }
            size_t old = n;
            if (bib_input_window(r->in, n + 4096 < bound ? n + 4096 : bound, &d, &n) < 0)
                return false;
            if (n == old) /* end of input */
                break;
        }
        if (!first && !midline) {
            size_t k = 0;
            while (k < i && d[k] == ' ')
                k++;
            bool blank = k == i || d[k] == '#';
            if (!blank && k == r->seq_col && d[k] == '-' &&
                (k + 1 == i || d[k + 1] == ' ' || d[k + 1] == '\t'))
                break;
            if (!blank && (k < r->seq_col || (k == 0 && i >= 3 &&
                                               (strncmp(d, "---", 3) == 0 ||
                                                strncmp(d, "...", 3) == 0))))
                return false;
        }
        first = false;
        if (cut) {
            bib_input_consume(r->in, i);
            midline = true;
            continue;
        }
        midline = false;
        bib_input_consume(r->in, i + b);
        if (b)
            r->cons_line++;
        if (i == n)
            return false;
    }
    if (parser_start(r) < 0)
        return false;
    r->recovered = true;
    r->st = ST_DOC;
    return true;
}

/* ---- the state machine ------------------------------------------------------ */

static int reader_open(bib_reader *rd, bib_input *in, const bib_options *opts)
{
    (void)opts;
    yaml_reader *r = bib_reader_state(rd);
    r->in = in;
    r->st = ST_START;
    bib_buf_init(&r->tmp);
    bib_buf_init(&r->key);
    bib_buf_init(&r->fbuf);
    /* YAML is UTF-8, but hand-edited files in Latin-1 exist: converted from
     * Windows-1252 with a warning when the head is not UTF-8 (io.h) */
    bib_input_set_encoding(in, BIB_ENC_DETECT);
    return 0;
}

int yamlrd_map_done(yaml_reader *r, int rc, size_t line, size_t col, bib_record **out)
{
    if (rc == BIB_EPARSE)
        return rc;
    if (rc < 0) {
        bib_input_report(r->in, BIB_SEV_ERROR, line, col, "cannot convert item: %s",
                         bib_status_text(rc));
        return rc;
    }
    bib_record_set_origin(*out, bib_input_name(r->in), line);
    return 1;
}

/* Reads one item at the current event. Returns 1 with *out, BIB_EPARSE
 * (reported), or another negative status. */
static int read_item(yaml_reader *r, yaml_event_t *ev, bib_record **out)
{
    yaml_mark_t m = ev->start_mark;
    size_t line = abs_line(r, m), col = m.column + 1;
    bool is_map = ev->type == YAML_MAPPING_START_EVENT;
    r->nodes = 0;
    r->item_bad = false;
    r->bomb_reported = false;
    int depth = r->items_in_map ? 2 : 1;
    bib_cslitem_ctx ctx = {r->in, line, col, BIB_CSLITEM_LOOSE};
    int rc = is_map ? yamlrd_record_item(r, ev, depth) : 1;
    if (rc == 0) { /* plain: no DOM */
        rc = yamlrd_map_item(r, &ctx, out);
        yamlrd_events_clear(r);
        return yamlrd_map_done(r, rc, line, col, out);
    }
    json_t *j = NULL;
    size_t nodes;
    if (rc == 1 && is_map) { /* not plain: yamlrd_build_node reads the events kept first */
        r->replay = 0;
        r->replay_end = r->nev;
        yamlrd_get_event(r, ev);
    }
    if (rc == 1)
        rc = yamlrd_build_node(r, ev, depth, &j, &nodes);
    yamlrd_events_clear(r);
    if (rc == BIB_ENOMEM) {
        json_decref(j);
        bib_input_report(r->in, BIB_SEV_ERROR, line, col, "out of memory");
        return rc;
    }
    if (rc < 0 || r->broken) {
        json_decref(j);
        if (r->seq_block && resync(r))
            bib_input_report(r->in, BIB_SEV_NOTE, line, col,
                             "item skipped; reading resumes at line %zu", r->cons_line + 1);
        else
            return stop(r, BIB_EPARSE);
        return BIB_EPARSE;
    }
    if (r->item_bad || !j) {
        json_decref(j);
        return BIB_EPARSE;
    }
    if (!is_map) {
        bool seq = json_is_array(j); /* read before the value is freed */
        json_decref(j);
        bib_input_report(r->in, BIB_SEV_ERROR, line, col, "expected an item mapping, found %s",
                         seq ? "a sequence" : "a scalar");
        return BIB_EPARSE;
    }
    rc = bib_cslitem_from_json(out, j, &ctx);
    json_decref(j);
    return yamlrd_map_done(r, rc, line, col, out);
}

/* Skips (builds and drops) the node starting at *ev, outside items: its
 * anchors are kept for later aliases. Returns as yamlrd_build_node. */
static int skip_node(yaml_reader *r, yaml_event_t *ev, int depth)
{
    json_t *junk = NULL;
    size_t n;
    r->nodes = 0;
    r->item_bad = false;
    r->bomb_reported = false;
    int rc = yamlrd_build_node(r, ev, depth, &junk, &n);
    json_decref(junk);
    if (rc == 0 && r->item_bad)
        rc = BIB_EPARSE; /* reported; reading goes on after this value */
    return rc;
}

/* What a state step returns besides reader_next's values: look again. */
enum { AGAIN = 2 };

/* ST_ROOT, at the document's root node *ev (taken over): a mapping holds
 * `references:`, a sequence is a bare list of items, anything else is
 * skipped. */
static int at_root(yaml_reader *r, yaml_event_t *ev)
{
    int rc;
    if (ev->type == YAML_MAPPING_START_EVENT && !r->recovered) {
        r->root_block = ev->data.mapping_start.style != YAML_FLOW_MAPPING_STYLE;
        r->root_col = ev->start_mark.column;
        r->root_line = abs_line(r, ev->start_mark);
        yaml_event_delete(ev);
        r->st = ST_TOPMAP;
        return AGAIN;
    }
    if (ev->type == YAML_SEQUENCE_START_EVENT && (r->docs == 1 || r->recovered)) {
        if (!r->recovered) {
            /* a bare list of items (pandoc reads only `references:`) */
            bib_input_report(r->in, BIB_SEV_INFO, abs_line(r, ev->start_mark),
                             ev->start_mark.column + 1,
                             "a bare list of items, without 'references:'");
            r->items_in_map = false;
            r->seq_block = ev->data.sequence_start.style != YAML_FLOW_SEQUENCE_STYLE;
            r->seq_col = ev->start_mark.column;
        }
        r->seq_line = abs_line(r, ev->start_mark);
        yaml_event_delete(ev);
        r->st = ST_ITEMS;
        return AGAIN;
    }
    /* a scalar (Markdown text, an empty document) or a later list */
    r->st = ST_DOC_END;
    rc = skip_node(r, ev, 0);
    if (r->broken)
        return stop(r, rc);
    if (rc < 0)
        return rc;
    return AGAIN;
}

/* ST_TOPMAP, at a key event *ev (taken over) of the root mapping:
 * `references:` opens the items, other keys are skipped with their value. */
static int in_topmap(yaml_reader *r, yaml_event_t *ev)
{
    int rc;
    if (ev->type == YAML_MAPPING_END_EVENT) {
        yaml_event_delete(ev);
        r->st = ST_DOC_END;
        return AGAIN;
    }
    if (ev->type == YAML_SCALAR_EVENT &&
        strcmp((const char *)ev->data.scalar.value, "references") == 0) {
        yaml_event_delete(ev);
        if ((rc = yamlrd_get_event(r, ev)) < 0)
            return stop(r, rc);
        if (ev->type == YAML_SEQUENCE_START_EVENT) {
            r->items_in_map = true;
            r->seq_block = ev->data.sequence_start.style != YAML_FLOW_SEQUENCE_STYLE;
            r->seq_col = ev->start_mark.column;
            r->seq_line = abs_line(r, ev->start_mark);
            yaml_event_delete(ev);
            r->st = ST_ITEMS;
            return AGAIN;
        }
        bib_input_report(r->in, BIB_SEV_ERROR, abs_line(r, ev->start_mark),
                         ev->start_mark.column + 1,
                         "expected a list of items after 'references:'");
        rc = skip_node(r, ev, 1);
        if (r->broken)
            return stop(r, BIB_EPARSE);
        return rc == BIB_ENOMEM ? rc : BIB_EPARSE;
    }
    /* another key: skip it and its value (both, to stay in step) */
    rc = skip_node(r, ev, 1);
    if (!r->broken && rc != BIB_ENOMEM) {
        int rc2 = yamlrd_get_event(r, ev);
        if (rc2 == 0)
            rc2 = skip_node(r, ev, 1);
        if (rc == 0)
            rc = rc2;
    }
    if (r->broken)
        return stop(r, rc < 0 ? rc : BIB_EPARSE);
    if (rc < 0)
        return rc;
    return AGAIN;
}

static int reader_next(bib_reader *rd, bib_record **out)
{
    yaml_reader *r = bib_reader_state(rd);
    for (;;) {
        yaml_event_t ev;
        int rc;
        if (r->st == ST_END)
            return 0;
        if (r->st == ST_START) {
            if ((rc = parser_start(r)) < 0)
                return rc;
            r->st = ST_DOC;
        }
        if (r->st == ST_ITEMS && !r->live) { /* yaml_fast.c's items */
            if ((rc = yamlrd_fast_next(r, out)) != YAMLRD_DECLINE)
                return rc;
            if ((rc = parser_start(r)) < 0 || (rc = yamlrd_fast_resume(r)) < 0)
                return rc;
        }
        if ((rc = yamlrd_get_event(r, &ev)) < 0) {
            if (r->st == ST_ITEMS && r->seq_block && resync(r))
                return BIB_EPARSE;
            return stop(r, rc);
        }
        if (r->st != ST_ITEMS)
            release_to_line(r, r->line_base + ev.start_mark.line);
        switch (r->st) {
        case ST_DOC:
            if (ev.type == YAML_DOCUMENT_START_EVENT) {
                r->docs++;
                r->doc_directives = ev.data.document_start.version_directive ||
                                    ev.data.document_start.tag_directives.start !=
                                        ev.data.document_start.tag_directives.end;
                if (!r->recovered)
                    anchors_clear(r); /* anchors are per document */
                r->st = ST_ROOT;
            } else if (ev.type == YAML_STREAM_END_EVENT) {
                r->st = ST_END;
            } /* else STREAM_START */
            yaml_event_delete(&ev);
            continue;
        case ST_ROOT:
            rc = at_root(r, &ev);
            break;
        case ST_TOPMAP:
            rc = in_topmap(r, &ev);
            break;
        case ST_ITEMS:
            if (ev.type == YAML_SEQUENCE_END_EVENT) {
                yaml_event_delete(&ev);
                if (r->recovered) /* the rest of the document is unknown to this parser */
                    return stop(r, 0);
                r->st = r->items_in_map ? ST_TOPMAP : ST_DOC_END;
                continue;
            }
            release_to_line(r, r->line_base + ev.start_mark.line);
            r->item_cut = 0;
            if (ev.type == YAML_MAPPING_START_EVENT && ev.start_mark.column == r->seq_col + 2 &&
                r->cons_line == r->line_base + ev.start_mark.line &&
                (rc = yamlrd_fast_peek(r, out)) != YAMLRD_DECLINE) {
                yaml_event_delete(&ev); /* read from its line again: no parser from here */
                parser_drop(r);
                return rc;
            }
            return read_item(r, &ev, out);
        case ST_DOC_END:
            /* DOCUMENT_END */
            r->docs_done++;
            yaml_event_delete(&ev);
            r->st = ST_DOC;
            continue;
        case ST_START:
        case ST_END:
            yaml_event_delete(&ev);
            return 0;
        }
        if (rc != AGAIN)
            return rc;
    }
}

static void reader_close(bib_reader *rd)
{
    yaml_reader *r = bib_reader_state(rd);
    parser_drop(r);
    anchors_clear(r);
    free(r->anchors);
    r->anchors = NULL;
    yamlrd_events_clear(r);
    free(r->evs);
    free(r->ends);
    r->evs = NULL;
    r->ends = NULL;
    r->evcap = 0;
    bib_buf_clear(&r->tmp);
    bib_buf_clear(&r->key);
    bib_buf_clear(&r->fbuf);
}

const bib_reader_ops yamlfmt_reader_ops = {
    .state_size = sizeof(yaml_reader),
    .open = reader_open,
    .next = reader_next,
    .close = reader_close,
    .options = NULL,
};
