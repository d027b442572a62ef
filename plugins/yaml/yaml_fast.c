/* SPDX-License-Identifier: MIT */
/*
 * yaml_fast.c - the CSL-YAML reader's own scanner for the items of a block
 * sequence written in the common subset of YAML (yaml_rd.h): libyaml's
 * scanner and parser were three quarters of YAML -> CSL-JSON (bench/README.md,
 * 2026-12-05 late night), mostly per-character decoding and a malloc per
 * token and string.
 *
 * The subset: an item is "- key: value" at the sequence's column and the
 * block mapping below it; keys plain words ([A-Za-z0-9_-]); values plain,
 * single- or double-quoted scalars (over several lines, folded as libyaml
 * folds them), one-line flow sequences of plain words and numbers, block
 * sequences and block mappings; indentation by spaces; no tab, CR,
 * comment, blank line, anchor, alias, tag or block scalar inside the item,
 * nothing libyaml or the input sanitizer would refuse or change (controls,
 * bytes that are not UTF-8, U+FEFF, U+2028/9, NEL), no escape libyaml
 * lacks. What the scanner makes of such an item are the events libyaml
 * makes of it, with the scalars' text in one buffer instead of a malloc
 * each; they go through the plain item path (record_item's checks,
 * map_item). Anything else is declined before a byte is consumed or a
 * word reported, and libyaml reads it (yamlrd_fast_resume).
 *
 * An item is taken only when the line that follows it (blank and comment
 * lines skipped) starts with a token libyaml's scanner cannot refuse: the
 * next item's "-", a plain key, a document marker or the end of input. So
 * libyaml, reading on from there, fails exactly where it would have failed
 * reading the whole stream, and an error there never takes the item before
 * it with it (libyaml reports an error in the first token of the next line
 * while the item's last event is asked for).
 *
 * Not for: the stream's structure and recovery (yaml_reader.c), mapping the
 * events to the record (yaml_plain.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/utf8.h"
#include "yaml_rd.h"

enum {
    FAST_MAX_ITEM = 64 * 1024 - 1, /* below yaml_plain.c's TAKE_OVER: no value is taken over */
    FAST_MAX_DEPTH = 16,
    FAST_MAX_COL = 64 /* sequence and root columns the resume prefix can repeat */
};
#define FAST_MIN_BOUND ((size_t)16 << 20) /* see fast_ok */

typedef struct fscan {
    yaml_reader *r;
    const unsigned char *t;
    size_t n;     /* window bytes */
    bool eof;     /* no byte follows the window */
    size_t pos;   /* cursor */
    size_t ls;    /* start of the cursor's line */
    size_t line;  /* the cursor's line, 0 = the item's first */
    char *out;    /* r->fbuf.data: the scalars' text */
    size_t olen;
    bool shortw;  /* a check ran into the window's end: a larger one may do */
    size_t item_at; /* the item's first line */
    bool bs;        /* the scalar being scanned holds a backslash */
} fscan;

/* Character classes of the bytes scalars may hold as they are. */
enum { C_NO = 0, C_OK = 1, C_SP, C_NL, C_HI, C_COLON, C_HASH, C_SQ, C_DQ, C_BS };

#define K1(c)                                                                                      \
    ((c) == ' '    ? C_SP                                                                          \
     : (c) == '\n' ? C_NL                                                                          \
     : (c) == ':'  ? C_COLON                                                                       \
     : (c) == '#'  ? C_HASH                                                                        \
     : (c) == '\'' ? C_SQ                                                                          \
     : (c) == '"'  ? C_DQ                                                                          \
     : (c) == '\\' ? C_BS                                                                          \
     : (c) >= 0x80 ? C_HI                                                                          \
     : ((c) > 0x20 && (c) < 0x7F) ? C_OK                                                           \
                                  : C_NO)
#define K4(c) K1(c), K1((c) + 1), K1((c) + 2), K1((c) + 3)
#define K16(c) K4(c), K4((c) + 4), K4((c) + 8), K4((c) + 12)
#define K64(c) K16(c), K16((c) + 16), K16((c) + 32), K16((c) + 48)
static const unsigned char cls[256] = {K64(0), K64(64), K64(128), K64(192)};
#undef K64
#undef K16
#undef K4
#undef K1

/* Length of the UTF-8 character at s (avail bytes) when libyaml and the
 * sanitizer both keep it as it is, else 0: U+00A0 and up, no surrogate,
 * U+FEFF, U+2028, U+2029, U+FFFE or U+FFFF. */
static size_t good_utf8(const unsigned char *s, size_t avail)
{
    uint32_t c;
    int len = bib_utf8_decode((const char *)s, avail, &c);
    if (len < 2 || c < 0xA0 || c == 0xFEFF || c == 0x2028 || c == 0x2029 || c == 0xFFFE ||
        c == 0xFFFF)
        return 0; /* one byte: not UTF-8 (U+FFFD), or cut by the end */
    return (size_t)len;
}

/* The character at t[*i], a byte of 0x80 and up, copied to the value
 * (kept: *keep past it), *i past it; false when it is no good_utf8 one
 * (s->shortw when more bytes might complete it). */
static bool take_hi(fscan *s, const unsigned char *t, size_t *i, size_t *keep)
{
    size_t len = good_utf8(t + *i, s->n - *i);
    if (!len) {
        s->shortw |= !s->eof && s->n - *i < 4;
        return false;
    }
    memcpy(s->out + s->olen, t + *i, len);
    s->olen += len;
    *keep = s->olen;
    *i += len;
    return true;
}

static bool is_word(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '-';
}

/* ---- events ------------------------------------------------------------------ */

/* A new event marked at (line, col) of the item's text. */
static yaml_event_t *new_event(fscan *s, yaml_event_type_t type, size_t line, size_t col)
{
    yaml_reader *r = s->r;
    if (yamlrd_event_room(r, NULL) < 0)
        return NULL;
    yaml_event_t *e = &r->evs[r->nev];
    memset(e, 0, sizeof *e);
    e->type = type;
    e->start_mark.line = e->end_mark.line = line;
    e->start_mark.column = e->end_mark.column = col;
    r->ends[r->nev] = r->nev + 1;
    r->nev++;
    return e;
}

static bool start_event(fscan *s, bool map, bool flow)
{
    yaml_event_t *e = new_event(s, map ? YAML_MAPPING_START_EVENT : YAML_SEQUENCE_START_EVENT,
                                s->line, s->pos - s->ls);
    if (!e)
        return false;
    if (map) {
        e->data.mapping_start.implicit = 1;
        e->data.mapping_start.style = flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE;
    } else {
        e->data.sequence_start.implicit = 1;
        e->data.sequence_start.style = flow ? YAML_FLOW_SEQUENCE_STYLE
                                            : YAML_BLOCK_SEQUENCE_STYLE;
    }
    return true;
}

static bool end_event(fscan *s, bool map)
{
    return new_event(s, map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT, s->line,
                     s->pos - s->ls) != NULL;
}

/* A scalar event of the text out[from..olen), NUL-terminated there, with
 * pandoc's escapes undone as yamlrd_get_event undoes them. */
static bool scalar_event(fscan *s, size_t from, yaml_scalar_style_t style, size_t line,
                         size_t col)
{
    yaml_event_t *e = new_event(s, YAML_SCALAR_EVENT, line, col);
    if (!e)
        return false;
    s->out[s->olen++] = '\0';
    e->data.scalar.value = (yaml_char_t *)s->out + from;
    e->data.scalar.length = s->olen - 1 - from;
    e->data.scalar.style = style;
    e->data.scalar.plain_implicit = style == YAML_PLAIN_SCALAR_STYLE;
    e->data.scalar.quoted_implicit = style != YAML_PLAIN_SCALAR_STYLE;
    if (s->bs) /* it has nothing to undo without a backslash */
        yamlrd_unescape(e);
    s->bs = false;
    return true;
}

/* ---- lines ------------------------------------------------------------------- */

typedef enum { L_CONTENT, L_BLANK, L_COMMENT, L_END, L_SHORT } line_kind;

/* The line starting at `at`: its kind and indentation (spaces). L_SHORT:
 * the window ends inside it. */
static line_kind line_at(fscan *s, size_t at, size_t *ind)
{
    size_t i = at;
    *ind = 0;
    if (at == s->n) {
        s->shortw |= !s->eof;
        return s->eof ? L_END : L_SHORT;
    }
    while (i < s->n && s->t[i] == ' ')
        i++;
    *ind = i - at;
    if (i == s->n) {
        s->shortw |= !s->eof;
        return s->eof ? L_BLANK : L_SHORT;
    }
    if (s->t[i] == '\n')
        return L_BLANK;
    return s->t[i] == '#' ? L_COMMENT : L_CONTENT;
}

/* The start of the line after the one holding `at`, or SIZE_MAX when the
 * window ends first (or the line holds a byte no blank or comment line
 * may: only comment lines are skipped this way). */
static size_t next_line(fscan *s, size_t at)
{
    const unsigned char *p = memchr(s->t + at, '\n', s->n - at);
    if (p)
        return (size_t)(p - s->t) + 1;
    s->shortw |= !s->eof;
    return s->eof ? s->n : SIZE_MAX;
}

/* Moves the cursor to the start of the line at `at`, counting lines. */
static void go_line(fscan *s, size_t at, size_t lines)
{
    s->pos = s->ls = at;
    s->line += lines;
}

/* ---- scalars ----------------------------------------------------------------- */

/* Appends the breaks of a fold: one break with nothing between is a space,
 * k + 1 breaks are k line feeds (libyaml's folding of flow and plain
 * scalars). */
static void fold(fscan *s, size_t breaks)
{
    if (breaks == 1) {
        s->out[s->olen++] = ' ';
        return;
    }
    for (size_t k = 1; k < breaks; k++)
        s->out[s->olen++] = '\n';
}

/* After a line break inside a scalar: skips blank lines and the next
 * line's indentation. Returns the breaks seen (>= 1), 0 when the scalar
 * cannot go on here (the text is declined or the scalar ends: *ends). The
 * next line continues the scalar when indented more than `indent`. */
static size_t continue_at(fscan *s, size_t indent, bool quoted, bool *ends)
{
    size_t at = s->pos, breaks = 1, lines = 1, ind = 0;
    *ends = false;
    for (;;) {
        line_kind k = line_at(s, at, &ind);
        if (k == L_BLANK && at + ind < s->n) { /* spaces, then a break */
            at += ind + 1;
            breaks++;
            lines++;
            continue;
        }
        if (k == L_SHORT || k == L_BLANK) /* the window or the input ends in blanks */
            return 0;
        if (k == L_END || ind <= indent || (k == L_COMMENT && !quoted)) {
            /* the scalar ends at its last break (a quoted one cannot) */
            *ends = !quoted && k != L_COMMENT;
            return 0;
        }
        go_line(s, at + ind, lines);
        s->ls = at;
        return breaks;
    }
}

/* A plain scalar from the cursor (its first byte checked by the caller) in
 * block context: continuation lines indented more than `indent`. Leaves
 * the cursor at the start of the line after its last line. */
static bool plain_scalar(fscan *s, size_t indent)
{
    size_t from = s->olen, line0 = s->line, col0 = s->pos - s->ls;
    for (;;) {
        size_t keep = s->olen; /* trailing blanks of a line go */
        const unsigned char *t = s->t;
        size_t i = s->pos;
        for (;;) {
            if (i == s->n) {
                if (!s->eof) {
                    s->shortw = true;
                    return false;
                }
                break;
            }
            unsigned char c = t[i];
            unsigned k = cls[c];
            if (k == C_OK || k == C_SQ || k == C_DQ) {
                s->out[s->olen++] = (char)c;
                keep = s->olen;
                i++;
            } else if (k == C_BS) {
                s->out[s->olen++] = '\\';
                keep = s->olen;
                s->bs = true;
                i++;
            } else if (k == C_SP) {
                s->out[s->olen++] = ' ';
                i++;
            } else if (k == C_NL) {
                break;
            } else if (k == C_HI) {
                if (!take_hi(s, t, &i, &keep))
                    return false;
            } else if (k == C_COLON) {
                if (i + 1 == s->n || t[i + 1] == ' ' || t[i + 1] == '\n') {
                    s->shortw |= i + 1 == s->n && !s->eof;
                    return false; /* a key or a value indicator */
                }
                s->out[s->olen++] = ':';
                keep = s->olen;
                i++;
            } else if (k == C_HASH) {
                if (t[i - 1] == ' ')
                    return false; /* a comment */
                s->out[s->olen++] = '#';
                keep = s->olen;
                i++;
            } else {
                return false;
            }
        }
        s->olen = keep;
        if (i == s->n) { /* the input ends */
            s->pos = s->ls = i;
            break;
        }
        s->pos = i + 1;
        bool ends;
        size_t breaks = continue_at(s, indent, false, &ends);
        if (!breaks) {
            if (!ends)
                return false;
            s->ls = s->pos;
            s->line++;
            break;
        }
        fold(s, breaks);
    }
    return scalar_event(s, from, YAML_PLAIN_SCALAR_STYLE, line0, col0);
}

/* The escape after a backslash at t[i] of a double-quoted scalar, as libyaml
 * reads it; returns the bytes taken, 0 to decline (an escape libyaml
 * refuses or that makes a NUL, which record_item refuses anyway). */
static size_t escape(fscan *s, size_t i)
{
    static const char simple[] = "abtnvfre \"/\\";
    static const char value[] = "\a\b\t\n\v\f\r\x1b \"/\\";
    if (i + 1 >= s->n) {
        s->shortw |= !s->eof;
        return 0;
    }
    unsigned char c = s->t[i + 1];
    const char *p = c ? strchr(simple, c) : NULL;
    if (p) {
        s->out[s->olen++] = value[p - simple];
        return 2;
    }
    size_t digits = c == 'x' ? 2 : c == 'u' ? 4 : c == 'U' ? 8 : 0;
    const char *named = c == 'N' ? "\xC2\x85" : c == '_' ? "\xC2\xA0" : c == 'L' ? "\xE2\x80\xA8"
                                                        : c == 'P'   ? "\xE2\x80\xA9"
                                                                     : NULL;
    if (named) {
        size_t len = strlen(named);
        memcpy(s->out + s->olen, named, len);
        s->olen += len;
        return 2;
    }
    if (digits && i + 2 + digits > s->n)
        s->shortw |= !s->eof;
    if (!digits || i + 2 + digits > s->n)
        return 0;
    unsigned long v = 0;
    for (size_t k = 0; k < digits; k++) {
        unsigned char h = s->t[i + 2 + k];
        unsigned d = h >= '0' && h <= '9'   ? h - '0'
                     : h >= 'a' && h <= 'f' ? h - 'a' + 10
                     : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                            : 16;
        if (d == 16)
            return 0;
        v = v << 4 | d;
    }
    if (v == 0 || (v >= 0xD800 && v <= 0xDFFF) || v > 0x10FFFF)
        return 0;
    unsigned char *o = (unsigned char *)s->out + s->olen;
    if (v <= 0x7F) {
        o[0] = (unsigned char)v;
        s->olen += 1;
    } else if (v <= 0x7FF) {
        o[0] = (unsigned char)(0xC0 | v >> 6);
        o[1] = (unsigned char)(0x80 | (v & 0x3F));
        s->olen += 2;
    } else if (v <= 0xFFFF) {
        o[0] = (unsigned char)(0xE0 | v >> 12);
        o[1] = (unsigned char)(0x80 | ((v >> 6) & 0x3F));
        o[2] = (unsigned char)(0x80 | (v & 0x3F));
        s->olen += 3;
    } else {
        o[0] = (unsigned char)(0xF0 | v >> 18);
        o[1] = (unsigned char)(0x80 | ((v >> 12) & 0x3F));
        o[2] = (unsigned char)(0x80 | ((v >> 6) & 0x3F));
        o[3] = (unsigned char)(0x80 | (v & 0x3F));
        s->olen += 4;
    }
    return 2 + digits;
}

/* The rest of a line after a closing quote or flow sequence: spaces, then
 * the line's end. Moves the cursor to the next line. */
static bool line_done(fscan *s, size_t i)
{
    while (i < s->n && s->t[i] == ' ')
        i++;
    if (i == s->n) {
        if (!s->eof) {
            s->shortw = true;
            return false;
        }
        s->pos = s->ls = i;
        return true;
    }
    if (s->t[i] != '\n')
        return false;
    s->pos = s->ls = i + 1;
    s->line++;
    return true;
}

/* A single- or double-quoted scalar at the cursor (its quote); lines after
 * the first indented more than `indent`. */
static bool quoted_scalar(fscan *s, size_t indent)
{
    const unsigned char *t = s->t;
    unsigned char q = t[s->pos];
    bool dq = q == '"';
    size_t from = s->olen, line0 = s->line, col0 = s->pos - s->ls, i = s->pos + 1;
    for (;;) {
        size_t keep = s->olen;
        bool escaped_break = false;
        for (;;) {
            if (i == s->n) {
                s->shortw |= !s->eof;
                return false;
            }
            unsigned char c = t[i];
            unsigned k = cls[c];
            if (k == C_OK || k == C_COLON || k == C_HASH || (k == C_SQ && dq) ||
                (k == C_DQ && !dq) || (k == C_BS && !dq)) {
                s->out[s->olen++] = (char)c;
                keep = s->olen;
                s->bs |= k == C_BS;
                i++;
            } else if (k == C_SP) {
                s->out[s->olen++] = ' ';
                i++;
            } else if (k == C_SQ && !dq) {
                if (i + 1 < s->n && t[i + 1] == '\'') {
                    s->out[s->olen++] = '\'';
                    keep = s->olen;
                    i += 2;
                    continue;
                }
                if (i + 1 == s->n && !s->eof) {
                    s->shortw = true;
                    return false;
                }
                break;
            } else if (k == C_DQ) {
                break;
            } else if (k == C_BS) {
                if (i + 1 < s->n && t[i + 1] == '\n') {
                    escaped_break = true;
                    break;
                }
                size_t used = escape(s, i);
                if (!used)
                    return false;
                s->bs = true; /* "\\", "\x5C"...: yamlrd_unescape looks */
                keep = s->olen;
                i += used;
            } else if (k == C_HI) {
                if (!take_hi(s, t, &i, &keep))
                    return false;
            } else if (k == C_NL) {
                break;
            } else {
                return false;
            }
        }
        if (!escaped_break && t[i] == q) { /* the closing quote */
            if (!line_done(s, i + 1))
                return false;
            break;
        }
        /* a line break: libyaml drops the blanks before it (not an
         * escaped one's: its backslash ended the text) */
        if (!escaped_break)
            s->olen = keep;
        s->pos = i + 1 + escaped_break;
        bool ends;
        size_t breaks = continue_at(s, indent, true, &ends);
        if (!breaks)
            return false;
        if (escaped_break) {
            for (size_t k = 1; k < breaks; k++)
                s->out[s->olen++] = '\n';
        } else {
            fold(s, breaks);
        }
        i = s->pos;
    }
    return scalar_event(s, from, dq ? YAML_DOUBLE_QUOTED_SCALAR_STYLE
                                    : YAML_SINGLE_QUOTED_SCALAR_STYLE,
                        line0, col0);
}

/* ---- collections ------------------------------------------------------------- */

static bool block_map(fscan *s, size_t m, int depth);

/* Length of the plain key at t[i] followed by ':' and a blank ("key: "),
 * 0 when there is none there. */
static size_t key_len(fscan *s, size_t i)
{
    size_t j = i;
    while (j < s->n && is_word(s->t[j]))
        j++;
    if (j == i || s->t[i] == '-')
        return 0;
    if (j == s->n || (j + 1 == s->n && !s->eof)) {
        s->shortw = !s->eof;
        return 0;
    }
    if (s->t[j] != ':' || (j + 1 < s->n && s->t[j + 1] != ' ' && s->t[j + 1] != '\n'))
        return 0;
    return j - i;
}

/* A one-line flow sequence of plain words and numbers at t[*at] ('['),
 * nested up to the depth bound; *at goes past its ']'. */
static bool flow_seq(fscan *s, size_t *at, int depth)
{
    size_t i = *at;
    if (depth > FAST_MAX_DEPTH)
        return false;
    size_t start = s->r->nev;
    if (!new_event(s, YAML_SEQUENCE_START_EVENT, s->line, i - s->ls))
        return false;
    s->r->evs[start].data.sequence_start.implicit = 1;
    s->r->evs[start].data.sequence_start.style = YAML_FLOW_SEQUENCE_STYLE;
    i++;
    bool first = true;
    for (;;) {
        while (i < s->n && s->t[i] == ' ')
            i++;
        if (i == s->n) {
            s->shortw = !s->eof;
            return false;
        }
        unsigned char c = s->t[i];
        if (c == ']' && first)
            break;
        if (c == '[') {
            if (!flow_seq(s, &i, depth + 1))
                return false;
        } else {
            size_t j = i, from = s->olen;
            while (j < s->n && (is_word(s->t[j]) || s->t[j] == '.' || s->t[j] == '+'))
                s->out[s->olen++] = (char)s->t[j++];
            if (j == i || (c == '-' && (j == i + 1 || s->t[i + 1] == ' ')))
                return false;
            if (!scalar_event(s, from, YAML_PLAIN_SCALAR_STYLE, s->line, i - s->ls))
                return false;
            i = j;
        }
        first = false;
        while (i < s->n && s->t[i] == ' ')
            i++;
        if (i < s->n && s->t[i] == ',') {
            i++;
            continue;
        }
        if (i < s->n && s->t[i] == ']')
            break;
        s->shortw = i == s->n && !s->eof;
        return false;
    }
    if (!new_event(s, YAML_SEQUENCE_END_EVENT, s->line, i - s->ls))
        return false;
    s->r->ends[start] = s->r->nev;
    *at = i + 1;
    return true;
}

/* A value on the current line at the cursor (a key's after ": ", or a
 * sequence entry's after "- "): a scalar or a flow sequence; continuation
 * lines indented more than `indent`. */
static bool inline_value(fscan *s, size_t indent, int depth)
{
    if (s->pos == s->n) {
        s->shortw = !s->eof;
        return false;
    }
    unsigned char c = s->t[s->pos];
    if (c == '"' || c == '\'')
        return quoted_scalar(s, indent);
    if (c == '[') {
        size_t i = s->pos;
        return flow_seq(s, &i, depth + 1) && line_done(s, i);
    }
    if (c == '-' && s->pos + 1 == s->n)
        s->shortw |= !s->eof;
    if (c == '-' && s->pos + 1 < s->n && s->t[s->pos + 1] != ' ' && s->t[s->pos + 1] != '\n')
        return plain_scalar(s, indent);
    if (c == '-' || strchr("?:,[]{}#&*!|>%@`", c))
        return false;
    unsigned k = cls[c];
    if (k == C_OK || k == C_HI || k == C_BS)
        return plain_scalar(s, indent);
    return false;
}

/* The kind of the line at the cursor once a collection's entry is done;
 * *ind its indentation. */
static line_kind after_entry(fscan *s, size_t *ind)
{
    line_kind k = line_at(s, s->pos, ind);
    if (k == L_SHORT)
        s->shortw = true;
    return k;
}

/* A block sequence whose first "-" is at the cursor, column c. */
static bool block_seq(fscan *s, size_t c, bool indentless, int depth)
{
    if (depth > FAST_MAX_DEPTH)
        return false;
    size_t start = s->r->nev;
    if (!start_event(s, false, false))
        return false;
    for (;;) {
        size_t i = s->pos + 1;
        if (i >= s->n || s->t[i] != ' ') {
            s->shortw |= i >= s->n && !s->eof;
            return false;
        }
        while (i < s->n && s->t[i] == ' ')
            i++;
        if (i == s->n) {
            s->shortw = !s->eof;
            return false;
        }
        if (s->t[i] == '\n' || s->t[i] == '-' || s->t[i] == '#')
            return false;
        s->pos = i;
        if (key_len(s, i) ? !block_map(s, i - s->ls, depth + 1)
                          : !inline_value(s, c, depth))
            return false;
        size_t ind = 0;
        line_kind k = after_entry(s, &ind);
        if (k == L_SHORT)
            return false;
        if (k == L_CONTENT && ind == c && s->t[s->pos + c] == '-') {
            s->pos += c;
            continue;
        }
        if (k == L_CONTENT && (ind > c || (ind == c && !indentless)))
            return false;
        break;
    }
    if (!end_event(s, false))
        return false;
    s->r->ends[start] = s->r->nev;
    return true;
}

enum { MAX_KEYS = 64 }; /* yaml_plain.c's MAX_PLAIN_KEYS */

/* A block mapping whose first key is at the cursor, column m. A repeated
 * key or a 65th key declines (record_item would not call it plain). */
static bool block_map(fscan *s, size_t m, int depth)
{
    size_t keys[MAX_KEYS], nkeys = 0;
    if (depth > FAST_MAX_DEPTH)
        return false;
    size_t start = s->r->nev;
    if (!start_event(s, true, false))
        return false;
    for (;;) {
        size_t i = s->pos, len = key_len(s, i);
        if (!len || nkeys == MAX_KEYS)
            return false;
        size_t from = s->olen;
        memcpy(s->out + from, s->t + i, len);
        s->olen += len;
        for (size_t k = 0; k < nkeys; k++) {
            const yaml_event_t *e = &s->r->evs[keys[k]];
            if (e->data.scalar.length == len && memcmp(e->data.scalar.value, s->t + i, len) == 0)
                return false;
        }
        keys[nkeys++] = s->r->nev;
        if (!scalar_event(s, from, YAML_PLAIN_SCALAR_STYLE, s->line, i - s->ls))
            return false;
        i += len + 1;
        while (i < s->n && s->t[i] == ' ')
            i++;
        if (i == s->n) {
            s->shortw = !s->eof;
            return false;
        }
        if (s->t[i] == '\n') { /* the value is a collection on the next lines */
            size_t ind = 0, at = i + 1;
            line_kind k = line_at(s, at, &ind);
            if (k == L_SHORT)
                s->shortw = true;
            if (k != L_CONTENT)
                return false;
            s->pos = at + ind;
            s->ls = at;
            s->line++;
            const unsigned char *p = s->t + s->pos;
            if (s->pos + 1 >= s->n)
                s->shortw |= !s->eof;
            if (ind >= m && p[0] == '-' && s->pos + 1 < s->n && p[1] == ' ') {
                if (!block_seq(s, ind, ind == m, depth + 1))
                    return false;
            } else if (ind > m && key_len(s, s->pos)) {
                if (!block_map(s, ind, depth + 1))
                    return false;
            } else {
                return false;
            }
        } else {
            s->pos = i;
            if (!inline_value(s, m, depth))
                return false;
        }
        size_t ind = 0;
        line_kind k = after_entry(s, &ind);
        if (k == L_SHORT)
            return false;
        if (k == L_CONTENT && ind == m) {
            s->pos += m;
            continue;
        }
        if (k == L_CONTENT && ind > m)
            return false;
        break;
    }
    if (!end_event(s, true))
        return false;
    s->r->ends[start] = s->r->nev;
    return true;
}

/* ---- items ------------------------------------------------------------------- */

/* Whether the line at `at` starts with a token libyaml's scanner takes
 * without an error whatever follows it (see the header comment). */
static bool safe_next(fscan *s, size_t at)
{
    for (;;) {
        size_t ind = 0;
        line_kind k = line_at(s, at, &ind);
        if (k == L_END)
            return true;
        if (k == L_SHORT) {
            s->shortw = true;
            return false;
        }
        if (k == L_BLANK || k == L_COMMENT) {
            size_t nx = next_line(s, at);
            if (nx == SIZE_MAX) {
                s->shortw = true;
                return false;
            }
            if (nx == s->n && s->t[nx - 1] != '\n') /* a comment ends the input */
                return true;
            at = nx;
            continue;
        }
        const unsigned char *p = s->t + at + ind;
        size_t left = s->n - (at + ind);
        if (left < 4 && !s->eof) {
            s->shortw = true;
            return false;
        }
        if (p[0] == '-' && left > 1 && (p[1] == ' ' || p[1] == '\n'))
            return ind < s->r->seq_col + 2;
        if (ind == 0 && left >= 3 &&
            (memcmp(p, "---", 3) == 0 || memcmp(p, "...", 3) == 0) &&
            (left == 3 || p[3] == ' ' || p[3] == '\n'))
            return true;
        return ind < s->r->seq_col + 2 && key_len(s, at + ind) > 0;
    }
}

/* Scans the item at the window's start (blank and comment lines before
 * it skipped). 1: scanned, s->pos at the line after it and *gap the lines
 * skipped before it; 0: declined. */
static int scan_item(fscan *s, size_t *gap)
{
    size_t at = 0, lines = 0, ind = 0, col = s->r->seq_col;
    for (;;) {
        line_kind k = line_at(s, at, &ind);
        if (k == L_SHORT)
            s->shortw = true;
        if (k == L_CONTENT)
            break;
        if (k != L_BLANK && k != L_COMMENT)
            return 0;
        size_t nx = next_line(s, at);
        if (nx == SIZE_MAX || nx == s->n) {
            s->shortw = nx == SIZE_MAX;
            return 0;
        }
        at = nx;
        lines++;
    }
    const unsigned char *p = s->t + at;
    if (at + col + 2 >= s->n) {
        s->shortw = !s->eof;
        return 0;
    }
    if (ind != col || p[col] != '-' || p[col + 1] != ' ' ||
        !key_len(s, at + col + 2))
        return 0;
    s->ls = s->item_at = at;
    s->pos = at + col + 2;
    s->line = 0;
    *gap = lines;
    if (!block_map(s, col + 2, 2) || s->pos - at > FAST_MAX_ITEM)
        return 0;
    return safe_next(s, s->pos);
}

/* Room for the scalars' text of an item of at most `len` bytes: each
 * scalar is at most its source bytes, plus its NUL, and takes a byte. */
static int reserve_out(yaml_reader *r, size_t len)
{
    bib_buf_reset(&r->fbuf);
    return bib_buf_reserve(&r->fbuf, 2 * len + 64);
}

/* The fast path is open: a block sequence of items at a column the resume
 * prefix can repeat, in a document without directives, not a flow root,
 * and a bound on an item's text (--max-value) of FAST_MIN_BOUND or more.
 * Under a small bound a resumed parser would meet it where the stream's
 * parser would, but its "value or item longer than" word depends on how
 * far libyaml had read ahead (yaml_reader.c, report_parser_error), which
 * differs between the two. */
static bool fast_ok(const yaml_reader *r)
{
    return r->seq_block && !r->doc_directives && r->seq_col <= FAST_MAX_COL &&
           bib_input_max_value(r->in) >= FAST_MIN_BOUND &&
           (r->recovered || !r->items_in_map || (r->root_block && r->root_col <= FAST_MAX_COL));
}

int yamlrd_fast_next(yaml_reader *r, bib_record **out)
{
    if (!fast_ok(r))
        return YAMLRD_DECLINE;
    size_t want = 0, bound = bib_input_max_value(r->in), gap = 0, skip = r->fast_skip;
    fscan s;
    for (;;) {
        const char *d;
        size_t n;
        if (bib_input_window(r->in, want, &d, &n) < 0 || n < skip)
            return YAMLRD_DECLINE; /* libyaml's reading reports it */
        memset(&s, 0, sizeof s);
        s.r = r;
        s.t = (const unsigned char *)d + skip;
        s.n = n - skip > FAST_MAX_ITEM + 4096 ? FAST_MAX_ITEM + 4096 : n - skip;
        s.eof = want > n;
        if (reserve_out(r, s.n) < 0)
            return YAMLRD_DECLINE;
        s.out = r->fbuf.data;
        r->nev = 0;
        int ok = scan_item(&s, &gap);
        if (ok && skip + s.n + 64 < bound)
            break;
        r->nev = 0;
        if (!s.shortw || s.eof || skip + s.n < n || want > FAST_MAX_ITEM)
            return YAMLRD_DECLINE;
        want = 2 * n + 4096;
        if (want + 64 >= bound) /* io.h would report a window past the bound */
            return YAMLRD_DECLINE;
    }
    /* the item is taken: the consumed point moves to its first line (the
     * last item's lines and the blank ones between go); its events are the
     * recorded ones (yaml_plain.c), marked relative to that line */
    r->fast_evs = true;
    r->cons_line += r->fast_skip_lines + gap;
    r->line_base = r->cons_line;
    r->pre_lines = 0;
    bib_input_consume(r->in, skip + s.item_at);
    r->fast_skip = s.pos - s.item_at;
    r->fast_skip_lines = s.line;
    r->nodes = 0;
    r->item_bad = false;
    r->bomb_reported = false;
    size_t line = r->line_base + 1, col = r->seq_col + 3;
    bib_cslitem_ctx ctx = {r->in, line, col, BIB_CSLITEM_LOOSE};
    int rc = yamlrd_map_item(r, &ctx, out);
    yamlrd_events_clear(r);
    return yamlrd_map_done(r, rc, line, col, out);
}

int yamlrd_fast_peek(yaml_reader *r, bib_record **out)
{
    if (r->peek_wait) {
        r->peek_wait--;
        return YAMLRD_DECLINE;
    }
    int rc = yamlrd_fast_next(r, out);
    if (rc != YAMLRD_DECLINE) {
        r->peek_misses = 0;
        return rc;
    }
    r->peek_misses++;
    r->peek_wait = (size_t)1 << (r->peek_misses < 9 ? r->peek_misses - 1 : 8);
    return rc;
}

/* ---- back to libyaml ----------------------------------------------------------- */

/* Puts `n` spaces and then s at p; returns the end. */
static char *indent_put(char *p, size_t n, const char *s)
{
    memset(p, ' ', n);
    p += n;
    size_t len = strlen(s);
    memcpy(p, s, len);
    return p + len;
}

int yamlrd_fast_resume(yaml_reader *r)
{
    char *p = r->pre;
    bool map = r->items_in_map && !r->recovered;
    if (map)
        p = indent_put(p, r->root_col, "references:\n");
    /* a quoted dummy item: a plain one would take a next line indented
     * more than the sequence as its own continuation */
    p = indent_put(p, r->seq_col, "- '0'\n");
    r->pre_len = (size_t)(p - r->pre);
    r->pre_pos = 0;
    r->pre_lines = map ? 2 : 1;
    r->pre_abs[0] = map ? r->root_line : r->seq_line;
    r->pre_abs[1] = r->seq_line;
    /* the parser reads on after the last fast item, whose lines stay
     * unconsumed (resync looks from their start, as it would have) */
    r->fed = r->fast_skip;
    r->released = 0 - r->fast_skip; /* modulo: report_parser_error adds */
    r->line_base = r->cons_line + r->fast_skip_lines - r->pre_lines; /* modulo */
    r->fast_skip = r->fast_skip_lines = 0;
    /* stream, document, [mapping, "references",] sequence, '0' */
    int events = map ? 6 : 4;
    for (int k = 0; k < events; k++) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&r->parser, &ev)) {
            r->pending_fail = true; /* reported by yamlrd_get_event */
            return 0;
        }
        yaml_event_delete(&ev);
    }
    return 0;
}
