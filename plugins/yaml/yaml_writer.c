/* SPDX-License-Identifier: MIT */
/*
 * yaml_writer.c - the CSL-YAML writer of the yaml module: each record goes
 * through the shared cslitem mapping (plugins/csljson/cslitem.h) to a
 * jansson value (the same value the csljson writer prints) and out through libyaml's emitter, one item at a
 * time, in the layout pandoc writes:
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
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>
#include <yaml.h>

#include "bibconv/buf.h"
#include "bibconv/csl.h"
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
    bool have_re;
    char last;       /* last byte written: a bare list ends with a line break */
    regex_t numeric; /* YAML 1.1/1.2 number and timestamp forms */
    bib_buf tmp;
    bib_keyset *used; /* ids written so far: a keyless entry's id is new */
    bib_buf key;
} yaml_writer;

/* Every form a YAML 1.1 or 1.2 reader may resolve to a number or a
 * timestamp (YAML 1.1 int/float/timestamp types, 1.2 core schema). */
static const char numeric_re[] =
    "^[-+]?(0b[01_]+|0x[0-9a-fA-F_]+|0o?[0-7_]+|[0-9][0-9_]*(:[0-5]?[0-9])*"
    "(\\.[0-9_]*)?([eE][-+]?[0-9]+)?|\\.[0-9_]+([eE][-+]?[0-9]+)?|\\.(inf|Inf|INF))$"
    "|^\\.(nan|NaN|NAN)$"
    "|^[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?";

static const char *const yaml11_words[] = {"y", "Y", "yes", "Yes", "YES", "n", "N",
                                           "no", "No", "NO", "on", "On", "ON", "off",
                                           "Off", "OFF", "=", "<<", NULL};

static bool needs_quotes(yaml_writer *w, const char *s)
{
    if (!yamlfmt_plain_is_string(s))
        return true;
    for (const char *const *p = yaml11_words; *p; p++)
        if (strcmp(s, *p) == 0)
            return true;
    return w->have_re && regexec(&w->numeric, s, 0, NULL, 0) == 0;
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

static int cmp_keys(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int emit_value(yaml_writer *w, const json_t *v, bool flow);

/* A mapping; `sorted` orders its keys as pandoc does, id and type first. */
static int emit_object(yaml_writer *w, const json_t *o, bool sorted, const bib_record *rec)
{
    yaml_event_t ev;
    yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, YAML_BLOCK_MAPPING_STYLE);
    int rc = emit(w, &ev);
    size_t n = json_object_size(o), k = 0;
    const char **keys = malloc((n ? n : 1) * sizeof *keys);
    if (!keys)
        return BIB_ENOMEM;
    const char *key;
    json_t *val;
    json_object_foreach((json_t *)o, key, val) keys[k++] = key;
    if (sorted) {
        size_t first = 0;
        for (const char *const *p = (const char *const[]){"id", "type", NULL}; *p; p++)
            for (size_t i = first; i < n; i++)
                if (strcmp(keys[i], *p) == 0) {
                    const char *t = keys[first];
                    keys[first] = keys[i];
                    keys[i] = t;
                    first++;
                    break;
                }
        qsort(keys + first, n - first, sizeof *keys, cmp_keys);
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        val = json_object_get(o, keys[i]);
        rc = emit_string(w, keys[i], strlen(keys[i]), true);
        if (rc)
            break;
        bib_var var = rec ? bib_var_from_name(keys[i], strlen(keys[i])) : BIB_VAR_NONE;
        const bib_field *f = var && w->edtf ? bib_record_get(rec, var) : NULL;
        if (f && bib_field_kind(f) == BIB_KIND_DATE && json_is_object(val) &&
            !bib_field_date(f)->literal) {
            /* -O dates=edtf: the EDTF string says all a non-literal date holds */
            bib_buf_reset(&w->tmp);
            if (bib_date_format_edtf(&w->tmp, bib_field_date(f)) == 0 && w->tmp.len) {
                rc = emit_string(w, w->tmp.data, w->tmp.len, false);
                continue;
            }
        }
        if (rec && strcmp(keys[i], "id") == 0 && json_is_integer(val)) {
            /* pandoc skips items whose id is a YAML number: ids are text */
            char num[32];
            snprintf(num, sizeof num, "%lld", (long long)json_integer_value(val));
            rc = emit_string(w, num, strlen(num), false);
            continue;
        }
        rc = emit_value(w, val, false);
    }
    free(keys);
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

static int writer_begin(bib_writer *wr, bib_output *out, const bib_options *opts)
{
    yaml_writer *w = bib_writer_state(wr);
    w->out = out;
    bib_buf_init(&w->tmp);
    bib_buf_init(&w->key);
    w->used = bib_keyset_new();
    if (!w->used) {
        bib_output_report(out, BIB_SEV_ERROR, "out of memory");
        return BIB_ENOMEM;
    }
    bib_options_get_bool(opts, "bare", false, &w->bare);
    const char *d = bib_options_get(opts, "dates");
    w->edtf = d && strcmp(d, "edtf") == 0;
    const char *ex = bib_options_get(opts, "extras");
    w->custom = !ex || strcmp(ex, "custom") == 0;
    w->have_re = regcomp(&w->numeric, numeric_re, REG_EXTENDED | REG_NOSUB) == 0;
    if (!w->have_re) {
        bib_output_report(out, BIB_SEV_ERROR, "cannot compile the number pattern");
        return BIB_ERROR;
    }
    if (!yaml_emitter_initialize(&w->em)) {
        bib_output_report(out, BIB_SEV_ERROR, "out of memory");
        return BIB_ENOMEM;
    }
    w->live = true;
    yaml_emitter_set_output(&w->em, output_handler, w);
    yaml_emitter_set_unicode(&w->em, 1);
    yaml_emitter_set_indent(&w->em, 2);
    yaml_emitter_set_width(&w->em, 80);
    yaml_emitter_set_break(&w->em, YAML_LN_BREAK);
    yaml_event_t ev;
    yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
    int rc = emit(w, &ev);
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
    return rc;
}

static int writer_write(bib_writer *wr, const bib_record *rec)
{
    yaml_writer *w = bib_writer_state(wr);
    bib_record *owned;
    rec = bib_cslitem_keyed(w->used, &w->key, rec, &owned);
    if (!rec) {
        int err = bib_keyset_error(w->used);
        bib_output_report(w->out, BIB_SEV_ERROR, err ? "cannot keep the used ids in a "
                                                       "temporary file (TMPDIR)" : "out of memory");
        return err ? err : BIB_ENOMEM;
    }
    json_t *j = bib_cslitem_to_json(rec, w->custom ? BIB_CSLITEM_CUSTOM_EXTRAS : 0);
    if (!j) {
        bib_record_free(owned);
        bib_output_report(w->out, BIB_SEV_ERROR, "out of memory");
        return BIB_ENOMEM;
    }
    int rc = emit_object(w, j, true, rec);
    json_decref(j);
    bib_record_free(owned);
    /* hand what is complete to the output: the emitter keeps only the
     * few events it needs to look ahead */
    if (!rc && !yaml_emitter_flush(&w->em)) {
        w->failed = true;
        bib_output_fail(w->out, BIB_EIO);
        rc = BIB_EIO;
    }
    if (!rc && bib_output_error(w->out))
        rc = bib_output_error(w->out);
    return rc;
}

static int writer_end(bib_writer *wr)
{
    yaml_writer *w = bib_writer_state(wr);
    int rc = 0;
    if (w->live && !w->failed) {
        yaml_event_t ev;
        yaml_sequence_end_event_initialize(&ev);
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
        if (!rc && w->last != '\n') /* libyaml leaves an implicit end open */
            bib_output_putc(w->out, '\n');
    }
    if (w->live)
        yaml_emitter_delete(&w->em);
    w->live = false;
    if (w->have_re)
        regfree(&w->numeric);
    w->have_re = false;
    bib_buf_clear(&w->tmp);
    bib_buf_clear(&w->key);
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
    {NULL, 0, NULL, NULL, NULL},
};

const bib_writer_ops yamlfmt_writer_ops = {
    .state_size = sizeof(yaml_writer),
    .begin = writer_begin,
    .write = writer_write,
    .end = writer_end,
    .options = writer_options,
};
