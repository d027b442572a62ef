/* SPDX-License-Identifier: MIT */
/*
 * yaml_writer.c - the CSL-YAML writer of the yaml module: each record is
 * written as the item the shared cslitem mapping (plugins/csljson/
 * cslitem.h) gives (the same value the csljson writer prints): straight
 * from the record where it can (dr_item), else through that mapping's
 * jansson value, laid out by the direct writer below, which follows
 * libyaml's emitter rules (libyaml itself for the items it declines), one
 * item at a time, in the layout pandoc writes:
 *     ---
 *     references:
 *     - id: ...
 *       type: ...
 *       (other keys in alphabetical order)
 *     ...
 * `-O bare=true` writes the list alone; `-O dates=edtf` writes dates as
 * EDTF strings where one says everything.
 *
 * Scalars are plain unless YAML would read them as something else: a
 * string the reader would type (null, true, 12) or that YAML 1.1 tools
 * would (yes, 0815, 1.5, 2020-03-15, 1:20) is quoted; libyaml's own
 * analysis quotes what plain syntax cannot hold (": ", " #", leading
 * indicators); text with line breaks is a literal block scalar. Integers
 * are plain, reals carry an explicit !!float tag so they read back as
 * reals. An item's id is always text ('7', not 7): pandoc 2.17 skips items
 * whose id is a YAML number.
 *
 * Not for: CSL semantics (plugins/csljson/cslitem_*.c), reading (yaml_reader.c).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <yaml.h>

#include "bibconv/buf.h"
#include "bibconv/csl.h"
#include "bibconv/sort.h"
#include "cslitem.h"
#include "bibconv/dates.h"
#include "bibconv/plugin.h"
#include "yamlfmt.h"

typedef struct yaml_writer {
    bib_output *out;
    yaml_emitter_t em;
    bool live;      /* emitter initialised */
    bool failed;    /* an emitter error was reported */
    bool bare, edtf, custom;
    bool keep_ids; /* keys=keep: a repeated id is written as it is */
    bool have_re;    /* yamlfmt_numeric_pattern() gave the pattern */
    char last;       /* last byte written: a bare list ends with a line break */
    bib_buf tmp;
    bib_keyset *used; /* ids written so far: a keyless entry's id is new */
    bib_buf key;
    bib_buf item;    /* an item as the direct writer lays it out */
    bib_buf esc;     /* a value with pandoc's Markdown escapes (yaml_md.c) */
    yamlfmt_key_slot keys[YAMLFMT_KEY_SLOTS]; /* plain keys seen (dr_key) */
    size_t items;    /* written so far */
    bool open_end;   /* the last item left libyaml's document open */
} yaml_writer;

/* yamlfmt_needs_quotes with the writer's pattern */
static bool needs_quotes(yaml_writer *w, const char *s)
{
    return yamlfmt_needs_quotes(w->have_re, s);
}

static int output_handler(void *data, unsigned char *buffer, size_t size)
{
    yaml_writer *w = data;
    if (size)
        w->last = (char)buffer[size - 1];
    return bib_output_write(w->out, buffer, size) == 0;
}

static int emit(yaml_writer *w, yaml_event_t *ev)
{
    if (w->failed)
        return BIB_EIO;
    if (!yaml_emitter_emit(&w->em, ev)) {
        w->failed = true;
        if (!bib_output_error(w->out))
            bib_output_report(w->out, BIB_SEV_ERROR, "YAML emitter: %s",
                              w->em.problem ? w->em.problem : "unknown error");
        bib_output_fail(w->out, BIB_EIO);
        return BIB_EIO;
    }
    return 0;
}

static int emit_scalar(yaml_writer *w, const char *tag, const char *s, size_t len, bool plain,
                       yaml_scalar_style_t style)
{
    yaml_event_t ev;
    if (!yaml_scalar_event_initialize(&ev, NULL, (yaml_char_t *)tag, (yaml_char_t *)s,
                                      (int)len, plain, tag == NULL, style))
        return BIB_ENOMEM;
    return emit(w, &ev);
}

static int emit_string(yaml_writer *w, const char *s, size_t len, bool key)
{
    if (!key && yamlfmt_md_escape(&w->esc, &s, &len))
        return BIB_ENOMEM;
    bool quote = needs_quotes(w, s);
    yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;
    if (quote)
        style = YAML_SINGLE_QUOTED_SCALAR_STYLE;
    else if (!key && memchr(s, '\n', len))
        style = YAML_LITERAL_SCALAR_STYLE; /* libyaml falls back when it cannot */
    return emit_scalar(w, NULL, s, len, !quote, style);
}

/* Arrays of numbers, or of arrays of numbers (date-parts), read best on
 * one line: [[2020, 3, 15]]. */
static bool flow_array(const json_t *a)
{
    for (size_t i = 0; i < json_array_size(a); i++) {
        const json_t *x = json_array_get(a, i);
        if (json_is_array(x) ? !flow_array(x) : !json_is_number(x))
            return false;
    }
    return json_array_size(a) > 0;
}

typedef struct member {
    const char *key;
    json_t *val;
} member;

static int cmp_keys(const void *a, const void *b)
{
    return strcmp(((const member *)a)->key, ((const member *)b)->key);
}

static int emit_value(yaml_writer *w, const json_t *v, bool flow);

/* The members of `o` with their values, in one pass (no lookup per key),
 * into `local` when they fit (an item's few dozen do) or a new array the
 * caller frees; `sorted` orders the keys as pandoc does, id and type first.
 * NULL on out of memory. */
static member *members(const json_t *o, bool sorted, member *local, size_t nlocal)
{
    size_t n = json_object_size(o), k = 0;
    member *m = n <= nlocal ? local : malloc(n * sizeof *m);
    if (!m)
        return NULL;
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)o, key, val) m[k++] = (member){key, val};
    if (sorted) {
        size_t first = 0;
        for (const char *const *p = (const char *const[]){"id", "type", NULL}; *p; p++)
            for (size_t i = first; i < n; i++)
                if (strcmp(m[i].key, *p) == 0) {
                    member t = m[first];
                    m[first] = m[i];
                    m[i] = t;
                    first++;
                    break;
                }
        qsort(m + first, n - first, sizeof *m, cmp_keys);
    }
    return m;
}

/* An item member written as text rather than as its JSON value: a date
 * as EDTF (-O dates=edtf) or a numeric id. Returns the text (w->tmp or
 * `num`) and its length in *len, or NULL for the JSON value. */
static const char *member_text(yaml_writer *w, const bib_record *rec, const char *name,
                               size_t nlen, const json_t *val, char num[32], size_t *len)
{
    if (!rec)
        return NULL;
    bib_var var = w->edtf ? bib_var_from_name(name, nlen) : BIB_VAR_NONE;
    const bib_field *f = var ? bib_record_get(rec, var) : NULL;
    if (f && bib_field_kind(f) == BIB_KIND_DATE && json_is_object(val) &&
        !bib_field_date(f)->literal) {
        /* -O dates=edtf: the EDTF string says all a non-literal date holds */
        bib_buf_reset(&w->tmp);
        if (bib_date_format_edtf(&w->tmp, bib_field_date(f)) == 0 && w->tmp.len) {
            *len = w->tmp.len;
            return w->tmp.data;
        }
    }
    if (strcmp(name, "id") == 0 && json_is_integer(val)) {
        /* pandoc skips items whose id is a YAML number: ids are text */
        snprintf(num, 32, "%lld", (long long)json_integer_value(val));
        *len = strlen(num);
        return num;
    }
    return NULL;
}

/* A mapping through libyaml's emitter; `rec` for an item (see member_text). */
static int emit_object(yaml_writer *w, const json_t *o, bool sorted, const bib_record *rec)
{
    yaml_event_t ev;
    yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
    int rc = emit(w, &ev);
    member local[64];
    member *m = members(o, sorted, local, 64);
    if (!m)
        return BIB_ENOMEM;
    size_t n = json_object_size(o);
    for (size_t i = 0; i < n && rc == 0; i++) {
        size_t nlen = strlen(m[i].key), len;
        char num[32];
        rc = emit_string(w, m[i].key, nlen, true);
        if (rc)
            break;
        const char *t = member_text(w, rec, m[i].key, nlen, m[i].val, num, &len);
        rc = t ? emit_string(w, t, len, false) : emit_value(w, m[i].val, false);
    }
    if (m != local)
        free(m);
    if (rc)
        return rc;
    yaml_mapping_end_event_initialize(&ev);
    return emit(w, &ev);
}

static int emit_value(yaml_writer *w, const json_t *v, bool flow)
{
    yaml_event_t ev;
    char num[64];
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return emit_object(w, v, false, NULL);
    case JSON_ARRAY: {
        bool f = flow || flow_array(v);
        yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1,
                                             f ? YAML_FLOW_SEQUENCE_STYLE
                                               : YAML_BLOCK_SEQUENCE_STYLE);
        int rc = emit(w, &ev);
        for (size_t i = 0; i < json_array_size(v) && rc == 0; i++)
            rc = emit_value(w, json_array_get(v, i), f);
        if (rc)
            return rc;
        yaml_sequence_end_event_initialize(&ev);
        return emit(w, &ev);
    }
    case JSON_STRING:
        return emit_string(w, json_string_value(v), json_string_length(v), false);
    case JSON_INTEGER:
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        return emit_scalar(w, NULL, num, strlen(num), true, YAML_PLAIN_SCALAR_STYLE);
    case JSON_REAL:
        snprintf(num, sizeof num, "%.17g", json_real_value(v));
        return emit_scalar(w, YAML_FLOAT_TAG, num, strlen(num), false, YAML_PLAIN_SCALAR_STYLE);
    case JSON_TRUE:
        return emit_scalar(w, NULL, "true", 4, true, YAML_PLAIN_SCALAR_STYLE);
    case JSON_FALSE:
        return emit_scalar(w, NULL, "false", 5, true, YAML_PLAIN_SCALAR_STYLE);
    case JSON_NULL:
        return emit_scalar(w, NULL, "null", 4, true, YAML_PLAIN_SCALAR_STYLE);
    }
    return 0;
}

/* ---- direct writer -------------------------------------------------------
 *
 * libyaml's emitter costs most of this writer's time (an event, its
 * copies and its queue per scalar). Items go instead straight into a
 * buffer by the same layout rules as libyaml 0.2.5 with the settings of
 * writer_begin (indent 2, width 80, Unicode, LF): block mappings and
 * sequences (a sequence in a mapping indentless), number arrays in flow
 * style, plain scalars unless a block indicator, a leading or trailing
 * space or needs_quotes asks for single quotes, long scalars folded at the
 * first space past column 80, text with line breaks that a literal block
 * cannot hold double-quoted (dw_breaks). An item holding anything else (a
 * literal block, a line break in a key or a quoted word, a tab or other
 * character libyaml escapes, a character past U+FFFF, a real number, an
 * empty map or list, a key over 128 bytes) is written
 * through libyaml on its own instead (emit_alone): the direct writer
 * declines before its bytes leave the buffer. bench/compare_builds.py and
 * tests/yaml check that both give the same bytes. */

#define DW_WIDTH 80
#define DW_DECLINE 1 /* not an error: the item goes to libyaml */

typedef struct dw {
    bib_buf *b;
    int column;
    bool whitespace, indention;
    bib_buf *esc; /* yamlfmt_md_escape's room */
} dw;

static void dw_put(dw *d, const char *s, size_t n, int columns)
{
    bib_buf_append_fast(d->b, s, n);
    d->column += columns;
}

static void dw_indent(dw *d, int indent)
{
    if (!d->indention || d->column > indent || (d->column == indent && !d->whitespace)) {
        bib_buf_putc_fast(d->b, '\n');
        d->column = 0;
    }
    while (d->column < indent) {
        bib_buf_putc_fast(d->b, ' ');
        d->column++;
    }
    d->whitespace = d->indention = true;
}

static void dw_indicator(dw *d, const char *s, bool need_ws, bool is_ws, bool is_indention)
{
    if (need_ws && !d->whitespace)
        dw_put(d, " ", 1, 1);
    size_t n = strlen(s);
    dw_put(d, s, n, (int)n);
    d->whitespace = is_ws;
    d->indention = d->indention && is_indention;
}

/* A value holding line breaks, which emit_string asks libyaml to write as
 * a literal block: libyaml 0.2.5 writes it double-quoted when a block may
 * not hold it (a space before a break, a trailing space), and that is
 * written here by its rules: '\n', '"' and '\\' escaped, a space past
 * the width (not the first or last character, not after another space)
 * folded into a line break at `indent` + 2, with a backslash there when a
 * space follows it. A literal block, and any character yamlfmt_char_width leaves to
 * libyaml, declines. */
static int dw_breaks(dw *d, const char *str, size_t len, int indent)
{
    const unsigned char *s = (const unsigned char *)str;
    bool block = s[len - 1] != ' ';
    for (size_t i = 0; i < len;) {
        if (s[i] == '\n') {
            block = block && !(i && s[i - 1] == ' ');
            i++;
            continue;
        }
        size_t w = s[i] >= 0x20 && s[i] < 0x7F ? 1 : yamlfmt_char_width(s, i, len);
        if (!w)
            return DW_DECLINE;
        i += w;
    }
    if (block)
        return DW_DECLINE;
    int cont = indent < 0 ? 2 : indent + 2;
    bool spaces = false;
    dw_indicator(d, "\"", true, false, false);
    for (size_t i = 0; i < len;) {
        unsigned char c = s[i];
        if (c == '\n' || c == '"' || c == '\\') {
            dw_put(d, c == '\n' ? "\\n" : c == '"' ? "\\\"" : "\\\\", 2, 2);
            spaces = false;
            i++;
        } else if (c == ' ') {
            if (!spaces && d->column > DW_WIDTH && i != 0 && i != len - 1) {
                dw_indent(d, cont);
                if (s[i + 1] == ' ')
                    dw_put(d, "\\", 1, 1);
            } else {
                dw_put(d, " ", 1, 1);
            }
            spaces = true;
            i++;
        } else {
            /* a run up to the next space or escaped byte, in one copy */
            size_t k = i, cols = 0;
            while (k < len && s[k] != ' ' && s[k] != '\n' && s[k] != '"' && s[k] != '\\') {
                cols += (s[k] & 0xC0) != 0x80;
                k++;
            }
            dw_put(d, str + i, k - i, (int)cols);
            spaces = false;
            i = k;
        }
    }
    dw_indicator(d, "\"", false, false, false);
    d->whitespace = d->indention = false;
    return 0;
}

/* A scalar in block context: plain, or single-quoted when `quote` or plain
 * is not allowed. `indent` is the node's (continuation lines go 2 further);
 * a key (simple key context) is never folded. */
static int dw_scalar(dw *d, const char *str, size_t len, bool quote, bool key, int indent)
{
    if (!key && yamlfmt_md_escape(d->esc, &str, &len))
        return BIB_ENOMEM;
    if (!key && !quote && len && memchr(str, '\n', len))
        return dw_breaks(d, str, len, indent); /* as emit_string asks libyaml */
    size_t width;
    int plain = yamlfmt_plain_ok(str, len, &width);
    if (plain < 0 || (key && len > 128))
        return DW_DECLINE;
    if (len == 0 && key)
        quote = true;
    const unsigned char *s = (const unsigned char *)str;
    int cont = indent < 0 ? 2 : indent + 2;
    bool breaks = !key, spaces = false;
    bool quoted = quote || !plain;
    if (quoted)
        dw_indicator(d, "'", true, false, false);
    else if (!d->whitespace && len)
        dw_put(d, " ", 1, 1);
    if (!quoted && (!breaks || (size_t)d->column + width <= DW_WIDTH + 1)) {
        /* no space of it can be past the width: no fold, one copy */
        dw_put(d, str, len, (int)width);
        d->whitespace = d->indention = false;
        return 0;
    }
    for (size_t i = 0; i < len;) {
        if (s[i] == ' ') {
            /* a fold: past the width, at the first of a run of spaces, and
             * in quotes not at either end */
            bool fold = breaks && !spaces && d->column > DW_WIDTH &&
                        (i + 1 >= len || s[i + 1] != ' ') &&
                        (!quoted || (i != 0 && i != len - 1));
            if (fold)
                dw_indent(d, cont);
            else
                dw_put(d, " ", 1, 1);
            spaces = true;
            i++;
            continue;
        }
        if (quoted && s[i] == '\'') {
            dw_put(d, "''", 2, 2);
            i++;
            d->indention = spaces = false;
        } else {
            /* a run up to the next quote or the next space that may fold
             * (one past the width), in one copy: a space before the width
             * is written as it is, so it joins the run; a column per
             * character (UTF-8 continuation bytes do not count) */
            size_t k = i, cols = 0;
            for (; k < len; k++) {
                unsigned char c = s[k];
                if ((quoted && c == '\'') || (c == ' ' && d->column + (int)cols > DW_WIDTH))
                    break;
                cols += (c & 0xC0) != 0x80;
            }
            dw_put(d, str + i, k - i, (int)cols);
            d->indention = false;
            spaces = s[k - 1] == ' ';
            i = k;
        }
    }
    if (quoted)
        dw_indicator(d, "'", false, false, false);
    d->whitespace = d->indention = false;
    return 0;
}

/* Plain words and integers: plain in block and flow context alike. */
static void dw_word(dw *d, const char *s, size_t len)
{
    if (!d->whitespace && len)
        dw_put(d, " ", 1, 1);
    dw_put(d, s, len, (int)len);
    d->whitespace = d->indention = false;
}

static int dw_value(yaml_writer *w, dw *d, const json_t *v, int indent, bool in_map, bool flow);

/* A block mapping at `indent` (the parent's; -1 at the top). */
static int dw_object(yaml_writer *w, dw *d, const json_t *o, int indent, bool sorted,
                     const bib_record *rec)
{
    size_t n = json_object_size(o);
    if (n == 0)
        return DW_DECLINE; /* libyaml writes {} */
    member local[64];
    member *m = members(o, sorted, local, 64);
    if (!m)
        return BIB_ENOMEM;
    int in = indent < 0 ? 0 : indent + 2, rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        size_t nlen = strlen(m[i].key), len;
        char num[32];
        dw_indent(d, in);
        rc = dw_scalar(d, m[i].key, nlen, needs_quotes(w, m[i].key), true, in);
        if (rc)
            break;
        dw_indicator(d, ":", false, false, false);
        const char *t = member_text(w, rec, m[i].key, nlen, m[i].val, num, &len);
        rc = t ? dw_scalar(d, t, len, needs_quotes(w, t), false, in)
               : dw_value(w, d, m[i].val, in, true, false);
    }
    if (m != local)
        free(m);
    return rc;
}

static int dw_value(yaml_writer *w, dw *d, const json_t *v, int indent, bool in_map, bool flow)
{
    char num[32];
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        return flow ? DW_DECLINE : dw_object(w, d, v, indent, false, NULL);
    case JSON_ARRAY: {
        size_t n = json_array_size(v);
        if (n == 0)
            return DW_DECLINE; /* libyaml writes [] */
        int rc = 0;
        if (flow || flow_array(v)) {
            dw_indicator(d, "[", true, true, false);
            int in = indent < 0 ? 2 : indent + 2;
            for (size_t i = 0; i < n && rc == 0; i++) {
                if (i)
                    dw_indicator(d, ",", false, false, false);
                if (d->column > DW_WIDTH)
                    dw_indent(d, in);
                rc = dw_value(w, d, json_array_get(v, i), in, false, true);
            }
            dw_indicator(d, "]", false, false, false);
            return rc;
        }
        int in = indent < 0 ? 0 : in_map && !d->indention ? indent : indent + 2;
        for (size_t i = 0; i < n && rc == 0; i++) {
            dw_indent(d, in);
            dw_indicator(d, "-", true, false, true);
            rc = dw_value(w, d, json_array_get(v, i), in, false, false);
        }
        return rc;
    }
    case JSON_STRING:
        if (flow)
            return DW_DECLINE;
        return dw_scalar(d, json_string_value(v), json_string_length(v),
                         needs_quotes(w, json_string_value(v)), false, indent);
    case JSON_INTEGER:
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        dw_word(d, num, strlen(num));
        return 0;
    case JSON_TRUE:
        dw_word(d, "true", 4);
        return 0;
    case JSON_FALSE:
        dw_word(d, "false", 5);
        return 0;
    case JSON_NULL:
        dw_word(d, "null", 4);
        return 0;
    case JSON_REAL:
        break;
    }
    return DW_DECLINE; /* reals carry a !!float tag: libyaml */
}

/* ---- items straight from the record --------------------------------------
 *
 * The jansson value of an item (bib_cslitem_to_json), its sort and its
 * freeing cost more than laying the item out. An item whose record holds
 * nothing of the csljson plugin's own but unknown keys (no input spelling
 * to restore: those need to_json's comparisons) is written here from the
 * record, member by member in the order and with the same dw_ calls the
 * value would get above; anything else declines to that path. */

#define DR_CSLJSON "csljson" /* the csljson plugin's extras (cslitem_int.h) */

typedef struct rmember {
    const char *key;
    const bib_field *f; /* a variable (.j: to_json's value when spelled), or NULL: */
    json_t *j;
    size_t extra;       /* an unknown key kept by the csljson reader, or */
    bool custom;        /* the custom map of other formats' extras */
    uint64_t prefix;    /* yamlfmt_key_prefix(key), set by sort_rmembers */
} rmember;

/* Key order (strcmp's): the prefixes first (yamlfmt_key_prefix keeps
 * strcmp's order), the rest of the keys when they tie. */
static int cmp_rmembers(const void *a, const void *b)
{
    const rmember *x = a, *y = b;
    if (x->prefix != y->prefix)
        return x->prefix < y->prefix ? -1 : 1;
    return strcmp(x->key, y->key);
}

/* Sorts m[0..n) by key (stable; equal keys decline anyway): an item has a
 * dozen members, sorted inline (bib_sort_small) on the keys' prefixes. */
static void sort_rmembers(rmember *m, size_t n)
{
    for (size_t i = 0; i < n; i++)
        m[i].prefix = yamlfmt_key_prefix(m[i].key);
    bib_sort_small(m, n, sizeof *m, cmp_rmembers);
}

static void dr_int(dw *d, long long v)
{
    char b[BIB_DEC_MAX];
    const char *p = bib_dec_format(b, v);
    dw_word(d, p, (size_t)(b + sizeof b - p));
}

/* A mapping key at `in`, as dw_object writes one, and its ':'. */
static int dr_key(yaml_writer *w, dw *d, const char *key, int in)
{
    dw_indent(d, in);
    size_t len = strlen(key);
    yamlfmt_key_slot *sl = NULL;
    if (len && len <= YAMLFMT_KEY_MAX) {
        sl = yamlfmt_key_slot_of(w->keys, key, len);
        if (sl->len == len && memcmp(sl->text, key, len) == 0) {
            /* what dw_scalar and dw_indicator do with a plain key and its
             * ':', without judging the key again */
            if (!d->whitespace)
                dw_put(d, " ", 1, 1);
            dw_put(d, sl->text, len + 1, sl->width + 1);
            d->whitespace = d->indention = false;
            return 0;
        }
    }
    bool quote = needs_quotes(w, key);
    int rc = dw_scalar(d, key, len, quote, true, in);
    if (!rc && sl && !quote)
        yamlfmt_key_keep(sl, key, len);
    dw_indicator(d, ":", false, false, false);
    return rc;
}

static int dr_text(yaml_writer *w, dw *d, const char *s, size_t len, int indent)
{
    return dw_scalar(d, s, len, needs_quotes(w, s), false, indent);
}

/* The start of element i of a block sequence that is a mapping's value at
 * `indent`: returns the elements' indent (dw_value's rule). */
static int dr_dash(dw *d, int indent, size_t i, int *in)
{
    if (i == 0)
        *in = indent < 0 ? 0 : !d->indention ? indent : indent + 2;
    dw_indent(d, *in);
    dw_indicator(d, "-", true, false, true);
    return *in;
}

/* A date as cslitem_date_to_json gives it, at member indent `indent`. */
static int dr_date(yaml_writer *w, dw *d, const bib_date *dt, int indent)
{
    int in = indent + 2, rc = 0;
    bool parts = dt->nparts && dt->parts[0].has_year, any = false;
    if (!parts && dt->nparts && !dt->raw && !dt->literal && dt->parts[0].month) {
        char b[32];
        int n = snprintf(b, sizeof b, dt->parts[0].day ? "XXXX-%02d-%02d" : "XXXX-%02d",
                         dt->parts[0].month, dt->parts[0].day);
        rc = rc ? rc : dr_key(w, d, "raw", in);
        rc = rc ? rc : dr_text(w, d, b, (size_t)n, in);
        any = true;
    }
    if (parts) {
        rc = rc ? rc : dr_key(w, d, "date-parts", in);
        /* flow style, as dw_value writes arrays of number arrays */
        int fin = in + 2;
        dw_indicator(d, "[", true, true, false);
        for (int i = 0; i < dt->nparts; i++) {
            const bib_date_part *p = &dt->parts[i];
            if (i)
                dw_indicator(d, ",", false, false, false);
            if (d->column > DW_WIDTH)
                dw_indent(d, fin);
            int month = bib_cslitem_part_month(dt, i);
            long long x[3] = {p->has_year ? p->year : 0, month, p->day};
            int nx = !p->has_year || !month ? 1 : p->day && month <= 12 ? 3 : 2;
            dw_indicator(d, "[", true, true, false);
            for (int k = 0; k < nx; k++) {
                if (k)
                    dw_indicator(d, ",", false, false, false);
                if (d->column > DW_WIDTH)
                    dw_indent(d, fin + 2);
                dr_int(d, x[k]);
            }
            dw_indicator(d, "]", false, false, false);
        }
        dw_indicator(d, "]", false, false, false);
        if (dt->parts[0].season && !bib_cslitem_seasons_in_parts(dt)) {
            rc = rc ? rc : dr_key(w, d, "season", in);
            dr_int(d, dt->parts[0].season);
        }
        any = true;
    }
    if (dt->circa) {
        rc = rc ? rc : dr_key(w, d, "circa", in);
        dw_word(d, "true", 4);
        any = true;
    }
    if (dt->literal) {
        rc = rc ? rc : dr_key(w, d, "literal", in);
        rc = rc ? rc : dr_text(w, d, dt->literal, strlen(dt->literal), in);
        any = true;
    }
    if (dt->raw) {
        rc = rc ? rc : dr_key(w, d, "raw", in);
        rc = rc ? rc : dr_text(w, d, dt->raw, strlen(dt->raw), in);
        any = true;
    }
    return rc ? rc : any ? 0 : DW_DECLINE; /* libyaml writes {} */
}

/* A CSL name object, a sequence element at `in`. */
static int dr_name(yaml_writer *w, dw *d, const bib_name *n, int in)
{
    static const char *const keys[6] = {"family", "given", "dropping-particle",
                                        "non-dropping-particle", "suffix", "literal"};
    const char *parts[6] = {n->family, n->given, n->dropping_particle,
                            n->non_dropping_particle, n->suffix, n->literal};
    const char *flags[3] = {"comma-suffix", "static-ordering", "parse-names"};
    bool on[3] = {n->comma_suffix, n->static_ordering, n->parse_names};
    int rc = 0, min = in + 2;
    bool any = false;
    for (int i = 0; i < 6 && !rc; i++)
        if (parts[i]) {
            rc = dr_key(w, d, keys[i], min);
            rc = rc ? rc : dr_text(w, d, parts[i], strlen(parts[i]), min);
            any = true;
        }
    for (int i = 0; i < 3 && !rc; i++)
        if (on[i]) {
            rc = dr_key(w, d, flags[i], min);
            dw_word(d, "true", 4);
            any = true;
        }
    return rc ? rc : any ? 0 : DW_DECLINE;
}

/* One variable's value at member indent `in`, as cslitem_field_to_json
 * gives it and dw_value lays it out. */
static int dr_field(yaml_writer *w, dw *d, const bib_field *f, int in)
{
    int rc = 0, sin = 0;
    switch (bib_field_kind(f)) {
    case BIB_KIND_NAMES: {
        size_t n = bib_field_name_count(f);
        for (size_t i = 0; i < n && !rc; i++)
            rc = dr_name(w, d, bib_field_name_at(f, i), dr_dash(d, in, i, &sin));
        if (bib_field_names_truncated(f) && !rc) {
            bib_name others = {0};
            others.literal = "others";
            rc = dr_name(w, d, &others, dr_dash(d, in, n, &sin));
        } else if (n == 0) {
            return DW_DECLINE; /* libyaml writes [] */
        }
        return rc;
    }
    case BIB_KIND_DATE:
        return dr_date(w, d, bib_field_date(f), in);
    default:
        break;
    }
    const char *s = bib_field_text(f);
    size_t nv = bib_field_value_count(f);
    if (bib_field_var(f) == BIB_VAR_CATEGORIES) {
        if (nv == 0)
            return DW_DECLINE;
        for (size_t i = 0; i < nv && !rc; i++) {
            const char *v = bib_field_value_at(f, i);
            rc = dr_text(w, d, v, strlen(v), dr_dash(d, in, i, &sin));
        }
        return rc;
    }
    if (bib_field_var(f) == BIB_VAR_KEYWORD && nv > 1) {
        bib_buf_reset(&w->tmp);
        for (size_t i = 0; i < nv; i++) {
            if (i)
                bib_buf_append_fast(&w->tmp, ", ", 2);
            bib_buf_puts(&w->tmp, bib_field_value_at(f, i));
        }
        if (bib_buf_failed(&w->tmp))
            return BIB_ENOMEM;
        /* the C string, as json_string reads it */
        return dr_text(w, d, w->tmp.data, strlen(w->tmp.data), in);
    }
    if (bib_field_flags(f) & BIB_FIELD_BARE_NUMBER) {
        char *end;
        errno = 0;
        long long x = strtoll(s, &end, 10);
        if (*s && !*end && !(s[0] == '0' && s[1]) && errno == 0) {
            dr_int(d, x);
            return 0;
        }
    }
    return dr_text(w, d, s, strlen(s), in);
}

/* The custom map of other formats' extras, as bib_cslitem_to_json builds
 * it: {format: {name: value, or [values] when repeated}} in order of first
 * appearance (a record has few extras: the scans stay small). */
static int dr_custom(yaml_writer *w, dw *d, const bib_record *rec, int in)
{
    size_t ne = bib_record_extra_count(rec);
    bool oom;
    bib_extra_step *g = bib_record_extras_grouped(rec, &oom);
    if (oom)
        return BIB_ENOMEM;
    int rc = 0, sin = 0;
    size_t e = 0;
    for (size_t i = 0; i < ne && !rc; i++) {
        const char *fmt, *name, *v;
        size_t len;
        bib_record_extra_at(rec, g[i].index, &fmt, &name, &v, &len);
        if (strcmp(fmt, DR_CSLJSON) == 0)
            continue;
        if (g[i].new_format)
            rc = dr_key(w, d, fmt, in + 2);
        if (!rc && g[i].new_name) {
            rc = dr_key(w, d, name, in + 4);
            if (!rc && g[i].last_of_name) { /* one value */
                rc = dr_text(w, d, v, len, in + 4);
                continue;
            }
            sin = 0;
            e = 0;
        }
        if (!rc)
            rc = dr_text(w, d, v, len, dr_dash(d, in + 4, e++, &sin));
    }
    free(g);
    return rc;
}

/* The variables of rec with an input spelling kept (an @raw: extra of the
 * csljson reader) into raw[], at most nraw; -1 when there are more, or an
 * extra to_json merges (custom) or compares itself (id, type) is there. */
static int dr_raw_vars(const bib_record *rec, bib_var *raw, int nraw)
{
    size_t ne = bib_record_extra_count(rec);
    int n = 0;
    for (size_t i = 0; i < ne; i++) {
        const char *fmt, *name;
        bib_record_extra_at(rec, i, &fmt, &name, NULL, NULL);
        if (strcmp(fmt, DR_CSLJSON) != 0)
            continue;
        if (strcmp(name, "custom") == 0 || strcmp(name, "id") == 0 ||
            strcmp(name, "type") == 0 || strcmp(name, "@raw:id") == 0 ||
            strcmp(name, "@raw:type") == 0)
            return -1;
        if (strncmp(name, "@raw:", 5) != 0)
            continue;
        if (n == nraw)
            return -1;
        raw[n++] = bib_var_from_name(name + 5, strlen(name + 5));
    }
    return n;
}

/* The members of an item, sorted as members() sorts them after id and
 * type, into m (room for every field and extra, and custom). A variable
 * whose input spelling is kept gets to_json's value in .j. */
static int dr_members(yaml_writer *w, const bib_record *rec, rmember *m, size_t *count)
{
    bib_var raw[16];
    int nraw = dr_raw_vars(rec, raw, 16);
    if (nraw < 0)
        return DW_DECLINE;
    size_t nf = bib_record_field_count(rec), ne = bib_record_extra_count(rec), n = 0;
    for (size_t i = 0; i < nf; i++) {
        const bib_field *f = bib_record_field_at(rec, i);
        bib_var var = bib_field_var(f);
        rmember r = {bib_var_name(var), f, NULL, 0, false, 0};
        bool spelled = false;
        for (int k = 0; k < nraw && !spelled; k++)
            spelled = raw[k] == var;
        if (spelled) {
            r.j = bib_cslitem_field_member(rec, f, &r.key);
            if (!r.key) { /* out of memory */
                *count = n;
                return BIB_ENOMEM;
            }
            if (!r.j)
                continue; /* nothing, as to_json */
        } else if (bib_field_kind(f) != BIB_KIND_NAMES && bib_field_kind(f) != BIB_KIND_DATE &&
                   !bib_field_text(f)) {
            continue; /* to_json gives nothing */
        }
        m[n++] = r;
    }
    bool custom = false;
    for (size_t i = 0; i < ne; i++) {
        const char *fmt, *name;
        bib_record_extra_at(rec, i, &fmt, &name, NULL, NULL);
        if (strcmp(fmt, DR_CSLJSON) != 0)
            custom = true;
        else if (name[0] != '@')
            m[n++] = (rmember){name, NULL, NULL, i, false, 0};
    }
    if (custom && w->custom)
        m[n++] = (rmember){"custom", NULL, NULL, 0, true, 0};
    *count = n;
    sort_rmembers(m, n);
    for (size_t i = 1; i < n; i++)
        if (m[i - 1].prefix == m[i].prefix && strcmp(m[i - 1].key, m[i].key) == 0)
            return DW_DECLINE; /* to_json keeps the first: rare, left to it */
    return 0;
}

/* One member's value at `in`, as dw_object writes it. */
static int dr_member(yaml_writer *w, dw *d, const bib_record *rec, const rmember *m, int in)
{
    if (m->custom)
        return dr_custom(w, d, rec, in);
    if (!m->f) {
        /* an unknown key: its JSON text, read back as to_json does */
        const char *v, *name;
        size_t len;
        bib_record_extra_at(rec, m->extra, NULL, &name, &v, &len);
        /* a long JSON string without an escape is its own text: written
         * from the extra as it is, not decoded into a copy (a huge value
         * is held twice, not three times). needs_quotes looks only at the
         * start of so long a string: none unless it starts as a number. */
        if (len >= 65536 && v[0] == '"' && v[len - 1] == '"' && !memchr(v + 1, '\\', len - 2) &&
            !strchr("0123456789+-.", v[1]))
            return dw_scalar(d, v + 1, len - 2, false, false, in);
        json_t *j = bib_cslitem_extra_member(name, v, len);
        if (!j)
            return BIB_ENOMEM;
        int rc = dw_value(w, d, j, in, true, false);
        json_decref(j);
        return rc;
    }
    const bib_field *f = m->f;
    if (w->edtf && bib_field_kind(f) == BIB_KIND_DATE && !bib_field_date(f)->literal &&
        (!m->j || json_is_object(m->j))) {
        /* -O dates=edtf, as member_text */
        bib_buf_reset(&w->tmp);
        if (bib_date_format_edtf(&w->tmp, bib_field_date(f)) == 0 && w->tmp.len)
            return dr_text(w, d, w->tmp.data, w->tmp.len, in);
    }
    return m->j ? dw_value(w, d, m->j, in, true, false) : dr_field(w, d, f, in);
}

/* One item from the record into d; DW_DECLINE when the jansson path must
 * write it (see above). */
static int dr_item(yaml_writer *w, dw *d, const bib_record *rec)
{
    size_t cap = bib_record_field_count(rec) + bib_record_extra_count(rec) + 1, n = 0;
    rmember local[64];
    rmember *m = cap <= 64 ? local : malloc(cap * sizeof *m);
    if (!m)
        return BIB_ENOMEM;
    const int in = 2; /* the members of an item in the top-level list */
    int rc = dr_members(w, rec, m, &n);
    const char *id = bib_record_id(rec);
    if (!rc && id) {
        rc = dr_key(w, d, "id", in);
        rc = rc ? rc : dr_text(w, d, id, strlen(id), in);
    }
    if (!rc) {
        bib_type t = bib_record_type(rec);
        const char *tn = t ? bib_type_name(t) : "document";
        rc = dr_key(w, d, "type", in);
        rc = rc ? rc : dr_text(w, d, tn, strlen(tn), in);
    }
    for (size_t i = 0; i < n && !rc; i++) {
        rc = dr_key(w, d, m[i].key, in);
        rc = rc ? rc : dr_member(w, d, rec, &m[i], in);
    }
    for (size_t i = 0; i < n; i++)
        json_decref(m[i].j);
    if (m != local)
        free(m);
    return rc;
}

/* Sets up w->em as writer_begin always did. */
static int emitter_open(yaml_writer *w)
{
    if (!yaml_emitter_initialize(&w->em)) {
        bib_output_report(w->out, BIB_SEV_ERROR, "out of memory");
        return BIB_ENOMEM;
    }
    w->live = true;
    yaml_emitter_set_output(&w->em, output_handler, w);
    yaml_emitter_set_unicode(&w->em, 1);
    yaml_emitter_set_indent(&w->em, 2);
    yaml_emitter_set_width(&w->em, 80);
    yaml_emitter_set_break(&w->em, YAML_LN_BREAK);
    return 0;
}

static void emitter_close(yaml_writer *w)
{
    if (w->live)
        yaml_emitter_delete(&w->em);
    w->live = false;
}

/* One item through libyaml, alone in a bare top-level list: the same bytes
 * it gets inside the document (the list is at column 0 either way), up to
 * the line break the next item's dash would write. */
static int emit_alone(yaml_writer *w, const json_t *j, const bib_record *rec)
{
    int rc = emitter_open(w);
    yaml_event_t ev;
    yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
    if (!rc)
        rc = emit(w, &ev);
    yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
    if (!rc)
        rc = emit(w, &ev);
    yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
    if (!rc)
        rc = emit(w, &ev);
    if (!rc)
        rc = emit_object(w, j, true, rec);
    yaml_sequence_end_event_initialize(&ev);
    if (!rc)
        rc = emit(w, &ev);
    yaml_document_end_event_initialize(&ev, 1);
    if (!rc)
        rc = emit(w, &ev);
    /* a kept final line break leaves the document open: a bare list then
     * ends with "..." (libyaml writes it at the stream's end) */
    w->open_end = !rc && w->em.open_ended == 2;
    emitter_close(w);
    return rc;
}

static int writer_begin(bib_writer *wr, bib_output *out, const bib_options *opts)
{
    yaml_writer *w = bib_writer_state(wr);
    w->out = out;
    bib_buf_init(&w->tmp);
    bib_buf_init(&w->key);
    bib_buf_init(&w->item);
    bib_buf_init(&w->esc);
    w->used = bib_keyset_new();
    if (!w->used) {
        bib_output_report(out, BIB_SEV_ERROR, "out of memory");
        return BIB_ENOMEM;
    }
    /* each id goes into it: its slot is fetched while the record is read */
    bib_writer_warm_keys(wr, w->used, NULL);
    bib_options_get_bool(opts, "bare", false, &w->bare);
    const char *ko = bib_options_get(opts, "keys");
    w->keep_ids = ko && strcmp(ko, "keep") == 0;
    const char *d = bib_options_get(opts, "dates");
    w->edtf = d && strcmp(d, "edtf") == 0;
    const char *ex = bib_options_get(opts, "extras");
    w->custom = !ex || strcmp(ex, "custom") == 0;
    w->have_re = yamlfmt_numeric_pattern();
    if (!w->have_re) {
        bib_output_report(out, BIB_SEV_ERROR, "cannot compile the number pattern");
        return BIB_ERROR;
    }
    return 0; /* the header goes out with the first item (writer_write) */
}

static int writer_write(bib_writer *wr, const bib_record *rec)
{
    yaml_writer *w = bib_writer_state(wr);
    if (w->failed)
        return BIB_EIO;
    bib_record *owned;
    const char *id = bib_record_id(rec);
    rec = bib_cslitem_keyed(w->used, &w->key, rec, w->keep_ids, &owned);
    if (!rec) {
        int err = bib_keyset_error(w->used);
        bib_output_report(w->out, BIB_SEV_ERROR, err ? "cannot keep the used ids in a "
                                                       "temporary file (TMPDIR)" : "out of memory");
        return err ? err : BIB_ENOMEM;
    }
    if (owned && id && *id) /* as bib_writer_keyed says it */
        bib_output_report(w->out, BIB_SEV_WARNING,
                          "record '%.40s': written with id '%.40s': an earlier record has "
                          "its id", id, bib_record_id(owned));
    /* what libyaml writes for the document start and "references:" */
    if (!w->items++ && !w->bare)
        bib_output_write(w->out, "---\nreferences:\n", 16);
    bib_buf_reset(&w->item);
    dw d = {&w->item, 0, true, true, &w->esc};
    dw_indent(&d, 0);
    dw_indicator(&d, "-", true, false, true);
    size_t start = w->item.len;
    dw at_start = d;
    json_t *j = NULL;
    int rc = dr_item(w, &d, rec);
    if (rc == DW_DECLINE) {
        /* the jansson value, laid out by the same rules */
        bib_buf_truncate(&w->item, start);
        d = at_start;
        j = bib_cslitem_to_json(rec, w->custom ? BIB_CSLITEM_CUSTOM_EXTRAS : 0);
        if (!j) {
            bib_record_free(owned);
            bib_output_report(w->out, BIB_SEV_ERROR, "out of memory");
            return BIB_ENOMEM;
        }
        rc = dw_object(w, &d, j, 0, true, rec);
    }
    if (rc == 0) {
        bib_buf_putc_fast(&w->item, '\n'); /* the next dash's (or the end's) */
        if (bib_buf_failed(&w->item)) {
            bib_output_report(w->out, BIB_SEV_ERROR, "out of memory");
            rc = BIB_ENOMEM;
        } else {
            bib_output_write(w->out, w->item.data, w->item.len);
            w->last = '\n';
            w->open_end = false;
        }
    } else if (rc == DW_DECLINE && j) {
        rc = emit_alone(w, j, rec);
    }
    json_decref(j);
    bib_record_free(owned);
    if (!rc && bib_output_error(w->out))
        rc = bib_output_error(w->out);
    return rc;
}

/* No item: the whole document through libyaml (an empty list is "[]"). */
static int emit_empty(yaml_writer *w)
{
    int rc = emitter_open(w);
    yaml_event_t ev;
    yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
    if (!rc)
        rc = emit(w, &ev);
    yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, w->bare);
    if (!rc)
        rc = emit(w, &ev);
    if (!rc && !w->bare) {
        yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
        rc = emit(w, &ev);
        if (!rc)
            rc = emit_string(w, "references", 10, true);
    }
    yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_SEQUENCE_STYLE);
    if (!rc)
        rc = emit(w, &ev);
    yaml_sequence_end_event_initialize(&ev);
    if (!rc)
        rc = emit(w, &ev);
    if (!rc && !w->bare) {
        yaml_mapping_end_event_initialize(&ev);
        rc = emit(w, &ev);
    }
    /* pandoc ends its metadata block with "..." */
    yaml_document_end_event_initialize(&ev, w->bare);
    if (!rc)
        rc = emit(w, &ev);
    yaml_stream_end_event_initialize(&ev);
    if (!rc)
        rc = emit(w, &ev);
    emitter_close(w);
    return rc;
}

static int writer_end(bib_writer *wr)
{
    yaml_writer *w = bib_writer_state(wr);
    int rc = 0;
    if (!w->failed && w->have_re) {
        if (!w->items)
            rc = emit_empty(w);
        else if (!w->bare || w->open_end) /* what libyaml writes at the end */
            rc = bib_output_write(w->out, "...\n", 4) ? BIB_EIO : 0;
        if (!rc && !w->failed && w->last != '\n') /* libyaml leaves an implicit end open */
            bib_output_putc(w->out, '\n');
    }
    emitter_close(w);
    w->have_re = false;
    bib_buf_clear(&w->tmp);
    bib_buf_clear(&w->key);
    bib_buf_clear(&w->item);
    bib_buf_clear(&w->esc);
    bib_writer_warm_keys(wr, NULL, NULL);
    bib_keyset_free(w->used);
    w->used = NULL;
    return rc;
}

static const bib_option_spec writer_options[] = {
    {"bare", BIB_OPT_BOOL, NULL, "false",
     "a bare list of items instead of '---' / 'references:' / items / '...'"},
    {"dates", BIB_OPT_CHOICE, "parts,edtf", "parts",
     "dates as date-parts maps, or as EDTF strings (2020-03-15, 1988/1992, 1723~)"},
    {"extras", BIB_OPT_CHOICE, "custom,drop", "custom",
     "where other formats' unmapped fields go: the item's custom map, or nowhere"},
    {"keys", BIB_OPT_CHOICE, "auto,keep", "auto",
     "an id an earlier item has: given a suffix (auto), or kept as it is"},
    {NULL, 0, NULL, NULL, NULL},
};

const bib_writer_ops yamlfmt_writer_ops = {
    .state_size = sizeof(yaml_writer),
    .begin = writer_begin,
    .write = writer_write,
    .end = writer_end,
    .options = writer_options,
};
