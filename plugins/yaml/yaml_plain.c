/* SPDX-License-Identifier: MIT */
/*
 * yaml_plain.c - the CSL-YAML reader's path for plain items: from libyaml's
 * events to the record without a jansson value (yaml_rd.h). Split from
 * yaml_reader.c, which reads the stream and builds jansson values for the
 * items this path declines.
 *
 * Not for: the stream, recovery, anchors (yaml_reader.c), CSL semantics
 * (plugins/csljson/cslitem_*.c).
 */
#include <stdlib.h>
#include <string.h>

#include "cslitem_int.h"
#include "yamlfmt.h"
#include "yaml_rd.h"

/* ---- plain scalars --------------------------------------------------------- */

/* True when s[0..len) is a plain integer in canonical form ("0", "-12",
 * not "012" or "+1": those stay text, so `number: 0815` keeps its zero). */
bool yamlrd_canonical_int(const char *s, size_t len, long long *out)
{
    size_t i = s[0] == '-' ? 1 : 0;
    if (i >= len || len - i > 18)
        return false;
    if (s[i] == '0' && len - i > 1)
        return false;
    long long v = 0; /* at most 18 digits: no overflow */
    for (size_t k = i; k < len; k++) {
        if (s[k] < '0' || s[k] > '9')
            return false;
        v = v * 10 + (s[k] - '0');
    }
    *out = i ? -v : v;
    return true;
}

static bool word_in(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (strcmp(s, *list) == 0)
            return true;
    return false;
}

static const char *const null_words[] = {"", "~", "null", "Null", "NULL", NULL};
static const char *const true_words[] = {"true", "True", "TRUE", NULL};
static const char *const false_words[] = {"false", "False", "FALSE", NULL};

yamlrd_word yamlrd_plain_word(const char *s)
{
    return word_in(s, null_words)    ? YW_NULL
           : word_in(s, true_words)  ? YW_TRUE
           : word_in(s, false_words) ? YW_FALSE
                                     : YW_TEXT;
}

/* Whether the plain scalar s (n bytes, NUL-terminated) resolves to text:
 * not a null, boolean or canonical integer. Only these first bytes start
 * one of those (the writer asks for every scalar it writes). */
bool yamlrd_plain_is_text(const char *s, size_t n)
{
    long long x;
    switch (n ? s[0] : '~') {
    case '~': case 'n': case 'N': case 't': case 'T': case 'f': case 'F':
        return !word_in(s, null_words) && !word_in(s, true_words) && !word_in(s, false_words);
    case '-': case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
        return !yamlrd_canonical_int(s, n, &x);
    default:
        return true;
    }
}

bool yamlfmt_plain_is_string(const char *s)
{
    return yamlrd_plain_is_text(s, strlen(s));
}

/* ---- items without a DOM ----------------------------------------------------- */

/* Most items are plain: scalars, mappings and sequences, no anchor, alias,
 * merge key, duplicate key or NUL, not deep. record_item keeps the events
 * of such an item, and map_item turns them into the record member by
 * member, as cj_read.c does for CSL-JSON text: shapes whose result is
 * certain (a string id, type, text or number variable, a list of name
 * mappings, a date-parts date of plain integers) straight from the event
 * text; any other member as a jansson value built from its events alone
 * (yamlrd_build_node over the recorded events) and read by cslitem_read_member,
 * the code bib_cslitem_from_json runs for each member. An item that turns
 * out not to be plain goes to yamlrd_build_node whole, from its first event: it
 * has seen every event it would have seen, and no diagnostic was given
 * before the first event that is not plain, so the output and diagnostics
 * are those of the DOM path. */

/* pandoc's Markdown escapes undone (yaml_rd.h): every scalar event the
 * reader gets passes here once, from libyaml, before it is recorded or
 * built. */
void yamlrd_unescape(yaml_event_t *e)
{
    if (e->type != YAML_SCALAR_EVENT)
        return;
    char *s = (char *)e->data.scalar.value;
    size_t n = e->data.scalar.length;
    char *p = memchr(s, '\\', n);
    if (!p)
        return;
    size_t k = (size_t)(p - s);
    bool changed = false;
    for (size_t i = k; i < n; i++) {
        unsigned char c = i + 1 < n ? (unsigned char)s[i + 1] : 0;
        if (s[i] == '\\' &&
            ((c >= '!' && c <= '/') || (c >= ':' && c <= '@') || (c >= '[' && c <= '`') ||
             (c >= '{' && c <= '~'))) {
            i++;
            changed = true;
        }
        s[k++] = s[i];
    }
    if (!changed)
        return;
    s[k] = '\0';
    e->data.scalar.length = k;
    if (e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
        e->data.scalar.style = YAML_SINGLE_QUOTED_SCALAR_STYLE;
}

/* Frees the recorded events not taken and forgets them. */
void yamlrd_events_clear(yaml_reader *r)
{
    /* yaml_fast.c's events own nothing (their text is in fbuf) */
    for (size_t i = 0; i < r->nev && !r->fast_evs; i++)
        yaml_event_delete(&r->evs[i]);
    r->fast_evs = false;
    r->nev = r->replay = r->replay_end = 0;
    if (r->evcap > 4096) { /* a huge item's room is not kept */
        free(r->evs);
        free(r->ends);
        r->evs = NULL;
        r->ends = NULL;
        r->evcap = 0;
    }
}

int yamlrd_event_room(yaml_reader *r, yaml_event_t *ev)
{
    if (r->nev == r->evcap) {
        size_t cap = r->evcap ? 2 * r->evcap : 256;
        yaml_event_t *e = realloc(r->evs, cap * sizeof *e);
        if (e)
            r->evs = e;
        size_t *x = e ? realloc(r->ends, cap * sizeof *x) : NULL;
        if (!x) {
            if (ev)
                yaml_event_delete(ev);
            return BIB_ENOMEM;
        }
        r->ends = x;
        r->evcap = cap;
    }
    return 0;
}

static bool scalar_is(const yaml_event_t *e, const char *s, size_t n)
{
    return e->type == YAML_SCALAR_EVENT && e->data.scalar.length == n &&
           memcmp(e->data.scalar.value, s, n) == 0;
}

/* A key event that build_mapping treats as plain: a scalar, not "<<" (a
 * merge), not equal to an earlier key of its mapping (a warning). The
 * mapping's keys are at most MAX_PLAIN_KEYS, compared pairwise. */
enum { MAX_PLAIN_KEYS = 64 };

static bool plain_key(const yaml_reader *r, size_t map, size_t k)
{
    const yaml_event_t *e = &r->evs[k];
    if (e->type != YAML_SCALAR_EVENT || scalar_is(e, "<<", 2))
        return false;
    size_t n = 0;
    for (size_t j = map + 1; j < k; j = r->ends[j + 1], n++)
        if (n == MAX_PLAIN_KEYS ||
            scalar_is(&r->evs[j], (const char *)e->data.scalar.value, e->data.scalar.length))
            return false;
    return true;
}

/* Records the events of the item whose first event is *ev (a mapping
 * start, taken over; depth: its yamlrd_build_node depth) into r->evs. Returns 0
 * when the item is plain and whole (evs[0] to its end event); 1 when an
 * event that is not plain was met (it is the last one kept) or the parser
 * failed (pending_fail): the item then goes to yamlrd_build_node; BIB_ENOMEM
 * (nothing kept). */
int yamlrd_record_item(yaml_reader *r, yaml_event_t *ev, int depth)
{
    size_t stack[MAX_DEPTH];
    bool want_key[MAX_DEPTH];
    int top = -1;
    yamlrd_events_clear(r);
    if (yamlrd_event_room(r, ev) < 0)
        return BIB_ENOMEM;
    r->evs[0] = *ev;
    for (;;) {
        /* evs[i] holds the event just parsed */
        size_t i = r->nev++;
        r->ends[i] = i + 1;
        const yaml_event_t *e = &r->evs[i];
        bool is_key = top >= 0 && want_key[top], whole = true;
        if (r->nev > MAX_NODES) /* yamlrd_build_node counts them */
            return 1;
        switch (e->type) {
        case YAML_SCALAR_EVENT:
            if (e->data.scalar.anchor ||
                memchr(e->data.scalar.value, '\0', e->data.scalar.length) ||
                (is_key && !plain_key(r, stack[top], i)))
                return 1;
            break;
        case YAML_MAPPING_START_EVENT:
        case YAML_SEQUENCE_START_EVENT: {
            bool map = e->type == YAML_MAPPING_START_EVENT;
            if (is_key || depth + top + 1 >= MAX_DEPTH - 1 ||
                (map ? e->data.mapping_start.anchor : e->data.sequence_start.anchor))
                return 1;
            stack[++top] = i;
            want_key[top] = map;
            whole = false;
            break;
        }
        case YAML_MAPPING_END_EVENT:
        case YAML_SEQUENCE_END_EVENT:
            r->ends[stack[top]] = i + 1;
            if (top-- == 0)
                return 0;
            break;
        default: /* an alias */
            return 1;
        }
        /* a node ended: its mapping expects a key after a value, and back */
        if (whole && r->evs[stack[top]].type == YAML_MAPPING_START_EVENT)
            want_key[top] = !want_key[top];
        if (yamlrd_event_room(r, NULL) < 0) {
            yamlrd_events_clear(r);
            return BIB_ENOMEM;
        }
        if (!yaml_parser_parse(&r->parser, &r->evs[r->nev])) {
            r->pending_fail = true;
            return 1;
        }
        r->fed_at_event = r->fed;
        yamlrd_unescape(&r->evs[r->nev]);
    }
}

/* The text of a scalar event that yamlrd_build_node makes a JSON string of, as
 * scalar_value decides (untagged: quoted, or plain but not a null, boolean
 * or canonical integer); NULL for any other node. */
static const char *str_event(const yaml_event_t *e, size_t *len)
{
    if (e->type != YAML_SCALAR_EVENT || e->data.scalar.tag)
        return NULL;
    const char *s = (const char *)e->data.scalar.value;
    size_t n = e->data.scalar.length;
    if (e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && !yamlrd_plain_is_text(s, n))
        return NULL;
    *len = n;
    return s;
}

/* A plain untagged scalar that yamlrd_build_node makes a JSON integer of. */
static bool int_event(const yaml_event_t *e, long long *x)
{
    return e->type == YAML_SCALAR_EVENT && !e->data.scalar.tag &&
           e->data.scalar.style == YAML_PLAIN_SCALAR_STYLE && e->data.scalar.length &&
           yamlrd_canonical_int((const char *)e->data.scalar.value, e->data.scalar.length, x);
}

/* The index (0..5) of name key event k among cslitem_name_keys, or -1. */
static int name_part(const yaml_reader *r, size_t k)
{
    const yaml_event_t *e = &r->evs[k];
    for (int p = 0; p < 6; p++)
        if (scalar_is(e, cslitem_name_keys[p], strlen(cslitem_name_keys[p])))
            return p;
    return -1;
}

/* The sequence at event a holds name mappings only, whose keys are name
 * parts with non-empty text: read as cj_read.c's plain_names, certainly
 * the canonical form of what cslitem_read_var makes of them. */
static bool plain_names(const yaml_reader *r, size_t a)
{
    size_t end = r->ends[a] - 1;
    for (size_t e = a + 1; e < end; e = r->ends[e]) {
        if (r->evs[e].type != YAML_MAPPING_START_EVENT || r->ends[e] == e + 2)
            return false; /* {} is no name: a warning */
        for (size_t k = e + 1; k < r->ends[e] - 1; k = r->ends[k + 1]) {
            size_t n;
            if (!str_event(&r->evs[k + 1], &n) || !n || name_part(r, k) < 0)
                return false;
        }
    }
    return true;
}

static int read_names(yaml_reader *r, bib_record *rec, bib_var var, size_t a)
{
    size_t end = r->ends[a] - 1, count = 0, i = 0;
    for (size_t e = a + 1; e < end; e = r->ends[e])
        count++;
    bool any = false;
    for (size_t e = a + 1; e < end; e = r->ends[e], i++) {
        bib_name n;
        memset(&n, 0, sizeof n);
        const char **parts[6] = {&n.family, &n.given, &n.dropping_particle,
                                 &n.non_dropping_particle, &n.suffix, &n.literal};
        for (size_t k = e + 1; k < r->ends[e] - 1; k = r->ends[k + 1])
            *parts[name_part(r, k)] = (const char *)r->evs[k + 1].data.scalar.value;
        int rc = cslitem_add_list_name(rec, var, &n, i, count, &any);
        if (rc)
            return rc;
    }
    return any ? 0 : bib_record_set_names_truncated(rec, var, false);
}

/* A mapping at event o of one member, date-parts: one or two lists of one
 * to three plain integers, year not 0 (an open end) and within +-999999999,
 * months 1-12 (13-24 are seasons), days 1-31: the shape cj_read.c's
 * plain_date reads as its own canonical form. Fills *out. */
static bool plain_date(const yaml_reader *r, size_t o, bib_date *out)
{
    const yaml_event_t *v = r->evs;
    size_t dp = o + 2;
    if (v[o].type != YAML_MAPPING_START_EVENT || r->ends[o] < o + 4 ||
        !scalar_is(&v[o + 1], "date-parts", 10) || v[dp].type != YAML_SEQUENCE_START_EVENT ||
        r->ends[dp] + 1 != r->ends[o])
        return false;
    memset(out, 0, sizeof *out);
    for (size_t a = dp + 1; a < r->ends[dp] - 1; a = r->ends[a]) {
        if (out->nparts == 2 || v[a].type != YAML_SEQUENCE_START_EVENT)
            return false;
        long long x[3] = {0, 0, 0};
        size_t n = 0;
        for (size_t k = a + 1; k < r->ends[a] - 1; k++, n++)
            if (n == 3 || !int_event(&v[k], &x[n]))
                return false;
        if (n == 0 || x[0] == 0 || x[0] > 999999999 || x[0] < -999999999)
            return false;
        if (n >= 2 && (x[1] < 1 || x[1] > 12))
            return false;
        if (n == 3 && (x[2] < 1 || x[2] > 31))
            return false;
        bib_date_part *p = &out->parts[out->nparts++];
        p->has_year = true;
        p->year = (int)x[0];
        p->month = (int)x[1];
        p->day = (int)x[2];
    }
    return out->nparts > 0;
}

enum { TAKE_OVER = 64 * 1024 }; /* a value this long is taken, not copied */

/* A key outside CSL whose value is a long string: the extra that
 * cslitem_read_member makes of it (the value's JSON text, escaped as
 * jansson's dump escapes, by the CSL-JSON writer's cslitem_json_escape),
 * built straight from libyaml's string, which is freed at once. The value
 * is then held once, not in libyaml's string, a jansson string and its
 * dump as well (issue 18). */
static int take_extra(yaml_reader *r, bib_record *rec, const char *key, size_t vi)
{
    yaml_event_t *e = &r->evs[vi];
    char *s = (char *)e->data.scalar.value;
    size_t n = e->data.scalar.length, len = n + 2;
    e->data.scalar.value = NULL;
    char *t = realloc(s, n + 1); /* libyaml's spare room goes first */
    if (t)
        s = t;
    char esc[6];
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == '"' || c == '\\')
            len += cslitem_json_escape(c, esc) - 1;
    }
    char *out = malloc(len + 1);
    if (!out) {
        free(s);
        return BIB_ENOMEM;
    }
    size_t k = 0;
    out[k++] = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == '"' || c == '\\')
            k += cslitem_json_escape(c, out + k);
        else
            out[k++] = (char)c;
    }
    out[k++] = '"';
    out[k] = '\0';
    free(s);
    const char *held = bib_record_adopt(rec, out);
    return held ? bib_record_add_extra(rec, CSLITEM_FMT, key, held, len) : BIB_ENOMEM;
}

/* The member whose key is event k: a shape above straight into rec, any
 * other through its jansson value and cslitem_read_member. */
static int map_member(yaml_reader *r, bib_record *rec, size_t k, const bib_cslitem_ctx *ctx)
{
    const char *key = (const char *)r->evs[k].data.scalar.value;
    size_t klen = r->evs[k].data.scalar.length, vi = k + 1, n = 0;
    const char *s = str_event(&r->evs[vi], &n);
    if (strcmp(key, "id") == 0) {
        if (s)
            return bib_record_set_id(rec, s);
    } else if (strcmp(key, "type") == 0) {
        bib_type ty = s ? bib_type_from_name(s, n) : BIB_TYPE_UNKNOWN;
        if (ty && strcmp(s, bib_type_name(ty)) == 0) {
            bib_record_set_type(rec, ty);
            return 0;
        }
    } else if (strcmp(key, "custom") != 0) {
        bib_var var = bib_var_from_name(key, klen);
        if (var && !bib_record_has(rec, var) && strcmp(bib_var_name(var), key) == 0) {
            bib_kind kind = bib_var_kind(var);
            bib_date dt;
            if (s && var != BIB_VAR_KEYWORD && var != BIB_VAR_CATEGORIES &&
                (kind == BIB_KIND_TEXT || kind == BIB_KIND_RICH || kind == BIB_KIND_NUMBER)) {
                /* a long value: the record takes libyaml's string (malloc'd,
                 * NUL-terminated, no NUL in a plain item) over, so that it
                 * is not held twice (issue 18); not where the setter could
                 * respell markup (below) */
                if (n >= TAKE_OVER && (kind != BIB_KIND_RICH || !memchr(s, '<', n))) {
                    r->evs[vi].data.scalar.value = NULL;
                    /* libyaml's string has room to spare (it doubles) */
                    char *t = realloc((char *)s, n + 1);
                    return bib_record_set_text_owned(rec, var, t ? t : (char *)s);
                }
                int rc = bib_record_set_text(rec, var, s, n);
                if (rc || kind != BIB_KIND_RICH || strlen(bib_record_text(rec, var)) == n)
                    return rc;
                /* the setter respelled it (record.h's small-caps alias): the
                 * path below keeps the source's spelling */
                bib_record_remove(rec, var);
            }
            if (kind == BIB_KIND_NAMES && r->evs[vi].type == YAML_SEQUENCE_START_EVENT &&
                plain_names(r, vi))
                return read_names(r, rec, var, vi);
            if (kind == BIB_KIND_DATE && plain_date(r, vi, &dt))
                return bib_record_set_date(rec, var, &dt);
        } else if (!var && s && n >= TAKE_OVER) {
            return take_extra(r, rec, key, vi);
        }
    }
    /* the value's events, through yamlrd_build_node (no diagnostic: they are plain) */
    yaml_event_t ev;
    json_t *j = NULL;
    size_t nodes;
    r->replay = vi;
    r->replay_end = r->ends[vi];
    /* a recorded event fails only for memory (yaml_fast.c's are copied
     * out), and then is not the taker's */
    int rc = yamlrd_get_event(r, &ev);
    if (rc == 0)
        rc = yamlrd_build_node(r, &ev, 0, &j, &nodes);
    r->replay = r->replay_end = 0;
    if (rc == 0 && !j)
        rc = BIB_ENOMEM;
    if (rc == 0)
        rc = cslitem_read_member(rec, key, j, &r->tmp, &r->key, ctx);
    json_decref(j);
    return rc;
}

/* The record of the plain item recorded in r->evs, as bib_cslitem_from_json
 * makes it from the item's jansson value. Returns 0 with *out, or a
 * negative status (diagnostics went to ctx). */
int yamlrd_map_item(yaml_reader *r, const bib_cslitem_ctx *ctx, bib_record **out)
{
    *out = NULL;
    bib_record *rec = bib_record_new(BIB_TYPE_UNKNOWN, NULL);
    if (!rec)
        return BIB_ENOMEM;
    int rc = 0;
    for (size_t k = 1; k + 1 < r->nev && !rc; k = r->ends[k + 1])
        rc = map_member(r, rec, k, ctx);
    if (rc) {
        bib_record_free(rec);
        return rc;
    }
    *out = rec;
    return 0;
}
