/* SPDX-License-Identifier: MIT */
/*
 * zt_item.c - one Zotero item object (web API, Better BibTeX export,
 * translator output) to one record, with the table of zt_table.c and the
 * special cases Zotero's own CSL export has: the first field present of a
 * variable wins (the others are kept as extras), `place` is the event's
 * place for three item types, a creator type with no CSL role is the
 * author when it is the item type's primary one, a single-field name is a
 * literal, name particles are split off as citeproc-js does, a value in
 * double quotes loses them, tags are keywords and Extra is read by
 * zt_extra.c (docs/zoterojson.md).
 *
 * Not for: finding the items in the file (zt_reader.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bibconv/buf.h"
#include "cslitem.h"
#include "ztfmt.h"

#define FMT "zoterojson"

/* Keys that describe the item's place in a library, not the work: not
 * read (docs/zoterojson.md lists them). Sorted for bsearch. */
static const char *const admin_keys[] = {
    "attachments", "collections", "dateAdded",  "dateModified", "deleted",
    "inPublications", "itemID", "itemKey",      "key",          "libraryID",
    "multi",       "notes",     "parentItem",   "relations",    "seeAlso",
    "uri",         "version",
};

static int cmp_str(const void *a, const void *b)
{
    return strcmp((const char *)a, *(const char *const *)b);
}

static bool is_admin(const char *k)
{
    return bsearch(k, admin_keys, sizeof admin_keys / sizeof admin_keys[0], sizeof admin_keys[0],
                   cmp_str) != NULL;
}

/* Keeps an unmapped value as an extra: strings as they are, other JSON as
 * its compact text. Returns 0 or BIB_ENOMEM. */
static int keep_extra(bib_record *rec, const char *name, const json_t *v)
{
    if (json_is_string(v))
        return bib_record_add_extra(rec, FMT, name, json_string_value(v), json_string_length(v));
    char *s = bib_cslitem_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    if (!s)
        return BIB_ENOMEM;
    int rc = bib_record_add_extra(rec, FMT, name, s, strlen(s));
    free(s);
    return rc;
}

/* ---- fields ------------------------------------------------------------- */

/* The best candidate so far for one CSL variable. */
typedef struct cand {
    const char *key;
    const json_t *val;
    int rank;
} cand;

/* Sets a text variable, without the enclosing double quotes Zotero's CSL
 * export strips. */
static int set_text(bib_record *rec, bib_var var, const char *s, size_t n)
{
    if (n >= 2 && s[0] == '"' && memchr(s + 1, '"', n - 1) == s + n - 1) {
        s++;
        n -= 2;
    }
    return n ? bib_record_set_text(rec, var, s, n) : 0;
}

/* A scalar field value as text: strings, and numbers as JSON writes them. */
static const char *scalar_text(const json_t *v, char *tmp, size_t cap, size_t *len)
{
    if (json_is_string(v)) {
        *len = json_string_length(v);
        return json_string_value(v);
    }
    if (json_is_integer(v)) {
        int n = snprintf(tmp, cap, "%lld", (long long)json_integer_value(v));
        *len = n > 0 ? (size_t)n : 0;
        return tmp;
    }
    return NULL;
}

/* One field of the item: a date set at once, a text value offered as a
 * candidate for its variable, anything unmapped kept as an extra. */
static int read_field(bib_record *rec, const zt_type *t, const char *k, const json_t *v,
                      cand *best)
{
    const zt_field *f = zt_field_find(k);
    char tmp[32];
    size_t n = 0;
    const char *s = scalar_text(v, tmp, sizeof tmp, &n);
    if (!f || !s)
        return s && !n ? 0 : keep_extra(rec, k, v);
    if (!n)
        return 0;
    bib_var var = f->var;
    if (var == BIB_VAR_PUBLISHER_PLACE && t && (t->flags & ZT_T_EVENT_PLACE))
        var = BIB_VAR_EVENT_PLACE;
    if (bib_var_kind(var) == BIB_KIND_DATE)
        return zt_set_date(rec, var, s, n);
    cand *c = &best[var];
    if (c->val && c->rank <= f->rank)
        return keep_extra(rec, k, v);
    if (c->val) {
        int rc = keep_extra(rec, c->key, c->val);
        if (rc)
            return rc;
    }
    *c = (cand){k, v, f->rank};
    return 0;
}

static int read_fields(bib_record *rec, const zt_type *t, const json_t *item)
{
    cand *best = calloc(BIB_VAR_COUNT, sizeof *best);
    if (!best)
        return BIB_ENOMEM;
    int rc = 0;
    const char *k;
    json_t *v;
    json_object_foreach((json_t *)item, k, v) {
        if (rc)
            break;
        if (is_admin(k) || !strcmp(k, "itemType") || !strcmp(k, "creators") ||
            !strcmp(k, "tags") || !strcmp(k, "extra") || !strcmp(k, "citationKey") ||
            !strcmp(k, "citekey") || json_is_null(v))
            continue;
        rc = read_field(rec, t, k, v, best);
    }
    /* in the order of the variables, so records of any key order match */
    for (int var = 1; var < BIB_VAR_COUNT && !rc; var++) {
        if (!best[var].val)
            continue;
        char tmp[32];
        size_t n = 0;
        const char *s = scalar_text(best[var].val, tmp, sizeof tmp, &n);
        rc = set_text(rec, (bib_var)var, s, n);
    }
    free(best);
    return rc;
}

/* ---- creators ------------------------------------------------------------ */

static bool is_lower_start(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (s[i] == '-' || s[i] == '\'' || s[i] == ' '))
        i++;
    return i < n && s[i] >= 'a' && s[i] <= 'z';
}

/* Length of the leading particle of a family name ("van ", "de la ", "al-"):
 * words that start lower-case, each ended by a space, a hyphen or an
 * apostrophe, with text left after them (citeproc-js's rule). 0: none. */
static size_t family_particle(const char *s, size_t n)
{
    size_t end = 0;
    for (;;) {
        size_t i = end;
        while (i < n && s[i] != ' ' && s[i] != '-' && s[i] != '\'')
            i++;
        if (i >= n || !is_lower_start(s + end, i - end))
            return end;
        i++;
        while (i < n && s[i] == ' ')
            i++;
        if (i >= n)
            return end;
        end = i;
    }
}

/* Start of the trailing particle of a given name ("Ludwig van"): the last
 * words after a space that start lower-case, with text before them. n: none. */
static size_t given_particle(const char *s, size_t n)
{
    size_t start = n;
    for (;;) {
        size_t i = start;
        while (i > 0 && s[i - 1] == ' ')
            i--;
        size_t w = i;
        while (w > 0 && s[w - 1] != ' ')
            w--;
        if (w == 0 || w == i || !is_lower_start(s + w, i - w))
            return start;
        start = w;
    }
}

/* *out: s[0..n) without the blanks and commas around it, NULL when
 * nothing is left. False when memory ran out. */
static bool dup_trim(char **out, const char *s, size_t n)
{
    while (n && (*s == ' ' || *s == ','))
        s++, n--;
    while (n && s[n - 1] == ' ')
        n--;
    *out = n ? strndup(s, n) : NULL;
    return !n || *out;
}

/* Fills a name from Zotero's firstName/lastName (both non-empty), with the
 * particles and a ", Jr." suffix split off. Strings allocated: freed by
 * the caller. Returns 0 or BIB_ENOMEM. */
static int split_name(bib_name *nm, char **own, const char *last, const char *first)
{
    size_t ln = strlen(last), fn = strlen(first);
    if (ln > 1 && last[0] == '"' && last[ln - 1] == '"') {
        own[0] = strndup(last + 1, ln - 2); /* quoted: no particle */
    } else {
        size_t p = family_particle(last, ln);
        own[0] = strndup(last + p, ln - p);
        if (!dup_trim(&own[1], last, p))
            return BIB_ENOMEM;
    }
    const char *comma = memchr(first, ',', fn);
    size_t gn = comma ? (size_t)(comma - first) : fn;
    bool ok = !comma || dup_trim(&own[3], comma + 1, fn - gn - 1);
    size_t gp = given_particle(first, gn);
    ok = dup_trim(&own[2], first, gp) && ok;
    ok = dup_trim(&own[4], first + gp, gn - gp) && ok;
    if (!own[0] || !ok)
        return BIB_ENOMEM;
    nm->family = own[0];
    nm->non_dropping_particle = own[1];
    nm->given = own[2];
    nm->suffix = own[3];
    nm->dropping_particle = own[4];
    return 0;
}

/* The name of one creator as "Family, Given" or the literal (for an
 * extra). */
static void creator_text(bib_buf *b, const char *last, const char *first, const char *lit)
{
    if (lit) {
        bib_buf_puts(b, lit);
        return;
    }
    bib_buf_puts(b, last ? last : "");
    if (first && *first) {
        bib_buf_puts(b, ", ");
        bib_buf_puts(b, first);
    }
}

static const char *str_of(const json_t *o, const char *k)
{
    const char *s = json_string_value(json_object_get(o, k));
    return s && *s ? s : NULL;
}

static int read_creator(bib_record *rec, const zt_type *t, const json_t *c, zt_ctx *ctx)
{
    const char *ct = str_of(c, "creatorType");
    if (!ct)
        ct = t && t->primary ? t->primary : "author";
    const char *last = str_of(c, "lastName"), *first = str_of(c, "firstName");
    const char *lit = str_of(c, "name");
    json_int_t mode = json_integer_value(json_object_get(c, "fieldMode"));
    if (!lit && mode == 1 && last && !first)
        lit = last;
    if (!lit && !last && !first) {
        bib_input_report(ctx->in, BIB_SEV_WARNING, ctx->line, ctx->col,
                         "a %s without a name: not read", ct);
        return 0;
    }
    const zt_creator *m = zt_creator_find(ct);
    bib_var var = m ? m->var : t && t->primary && !strcmp(ct, t->primary) ? BIB_VAR_AUTHOR
                                                                        : BIB_VAR_NONE;
    if (var == BIB_VAR_NONE) { /* a role CSL lacks: kept under its Zotero name */
        bib_buf b;
        bib_buf_init(&b);
        creator_text(&b, last, first, lit);
        int rc = bib_buf_failed(&b) ? BIB_ENOMEM
                                    : bib_record_add_extra(rec, FMT, ct, b.data ? b.data : "", b.len);
        bib_buf_clear(&b);
        return rc;
    }
    bib_name nm = {0};
    char *own[5] = {0};
    int rc = 0;
    if (lit)
        nm.literal = lit;
    else if (last && first)
        rc = split_name(&nm, own, last, first);
    else if (last)
        nm.family = last;
    else
        nm.given = first, nm.literal = NULL;
    if (!rc && !nm.family && !nm.literal) /* a given name alone: CSL needs a family */
        nm.literal = first, nm.given = NULL;
    if (!rc)
        rc = bib_record_add_name(rec, var, &nm);
    for (int i = 0; i < 5; i++)
        free(own[i]);
    return rc == BIB_EINVAL ? 0 : rc;
}

static int read_creators(bib_record *rec, const zt_type *t, const json_t *arr, zt_ctx *ctx)
{
    if (!arr)
        return 0;
    if (!json_is_array(arr)) {
        bib_input_report(ctx->in, BIB_SEV_WARNING, ctx->line, ctx->col,
                         "\"creators\" is not an array: kept as an extra");
        return keep_extra(rec, "creators", arr);
    }
    size_t i;
    json_t *c;
    json_array_foreach(arr, i, c) {
        int rc;
        if (!json_is_object(c)) {
            bib_input_report(ctx->in, BIB_SEV_WARNING, ctx->line, ctx->col,
                             "creator %zu is not an object: kept as an extra", i + 1);
            rc = keep_extra(rec, "creators", c);
        } else {
            rc = read_creator(rec, t, c, ctx);
        }
        if (rc)
            return rc;
    }
    return 0;
}

/* ---- tags, extra, key ------------------------------------------------------ */

static int read_tags(bib_record *rec, const json_t *arr)
{
    size_t i;
    json_t *tg;
    json_array_foreach(arr, i, tg) {
        const json_t *s = json_is_object(tg) ? json_object_get(tg, "tag") : tg;
        int rc = 0;
        if (json_is_string(s) && json_string_length(s))
            rc = bib_record_add_text(rec, BIB_VAR_KEYWORD, json_string_value(s),
                                     json_string_length(s));
        else if (!json_is_string(s))
            rc = keep_extra(rec, "tags", tg);
        if (rc)
            return rc;
    }
    return 0;
}

/* Extra as one text: a string, or Better BibTeX's array of lines. */
static int read_extra(bib_record *rec, const json_t *v, zt_ctx *ctx)
{
    if (json_is_string(v))
        return zt_extra_apply(rec, json_string_value(v), json_string_length(v), ctx);
    if (!json_is_array(v))
        return v ? keep_extra(rec, "extra", v) : 0;
    bib_buf b;
    bib_buf_init(&b);
    size_t i;
    json_t *l;
    json_array_foreach(v, i, l) {
        if (json_is_string(l)) {
            if (b.len)
                bib_buf_putc(&b, '\n');
            bib_buf_append(&b, json_string_value(l), json_string_length(l));
        }
    }
    int rc = bib_buf_failed(&b) ? BIB_ENOMEM
                                : zt_extra_apply(rec, b.data ? b.data : "", b.len, ctx);
    bib_buf_clear(&b);
    return rc;
}

static size_t array_size(const json_t *o, const char *k)
{
    return json_array_size(json_object_get(o, k));
}

/* The item's type row, or a report: NULL with *rc set. */
static const zt_type *item_type(const json_t *item, zt_ctx *ctx, const char **name, int *rc)
{
    const json_t *it = json_object_get(item, "itemType");
    if (!json_is_string(it)) {
        bib_input_report(ctx->in, BIB_SEV_ERROR, ctx->line, ctx->col,
                         "an item without an \"itemType\": not a Zotero item; skipped");
        *rc = BIB_EPARSE;
        return NULL;
    }
    *name = json_string_value(it);
    *rc = 0;
    const zt_type *t = zt_type_find(*name);
    if (!t)
        bib_input_report(ctx->in, BIB_SEV_WARNING, ctx->line, ctx->col,
                         "unknown item type \"%s\": read as a document", *name);
    return t;
}

int zt_item_convert(const json_t *item, zt_ctx *ctx, bib_record **out)
{
    *out = NULL;
    if (!json_is_object(item)) {
        bib_input_report(ctx->in, BIB_SEV_ERROR, ctx->line, ctx->col,
                         "an item must be a JSON object; skipped");
        return BIB_EPARSE;
    }
    const json_t *data = json_object_get(item, "data");
    if (!json_object_get(item, "itemType") && json_is_object(data))
        item = data; /* the web API's wrapper: key, version, links, meta, data */
    const char *tname = NULL;
    int rc;
    const zt_type *t = item_type(item, ctx, &tname, &rc);
    if (rc)
        return rc;
    if (t && (t->flags & ZT_T_NOT_RECORD))
        return !strcmp(tname, "attachment") ? ZT_ITEM_ATTACHMENT : ZT_ITEM_NOTE;
    ctx->child_notes += array_size(item, "notes");
    ctx->child_attachments += array_size(item, "attachments");
    const char *key = str_of(item, "citationKey");
    if (!key)
        key = str_of(item, "citekey");
    bib_record *rec = bib_record_new(t ? t->csl : BIB_TYPE_DOCUMENT, key);
    if (!rec)
        return BIB_ENOMEM;
    rc = t ? 0 : bib_record_add_extra(rec, FMT, "itemType", tname, strlen(tname));
    if (!rc)
        rc = read_fields(rec, t, item);
    if (!rc)
        rc = read_creators(rec, t, json_object_get(item, "creators"), ctx);
    const json_t *tags = json_object_get(item, "tags");
    if (!rc && tags)
        rc = json_is_array(tags) ? read_tags(rec, tags) : keep_extra(rec, "tags", tags);
    if (!rc)
        rc = read_extra(rec, json_object_get(item, "extra"), ctx);
    if (rc) {
        bib_record_free(rec);
        return rc;
    }
    *out = rec;
    return ZT_ITEM_RECORD;
}
