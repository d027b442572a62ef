/* SPDX-License-Identifier: MIT */
/*
 * dropped.c - the extras a tracking writer leaves out (issue 18: no silent
 * loss). Extras keep what a reader could not map to a CSL variable (a
 * BibTeX `groups`, a RIS `C7`); a writer carries only those of its own
 * format (bib_writer_carries_extras), so the others are lost when the
 * target differs. They are reported as dropped fields are: an info line
 * per record and name (shown under --verbose) and, at the end, one
 * warning per name with the number of records (docs/bibconv.1,
 * DESCRIPTION).
 *
 * Memory stays bounded on hostile input (a million distinct field names):
 * at most XD_MAX names, each key cut at XD_KEY bytes; past that the
 * records are counted in one more warning.
 *
 * Not for: the CSL variables (convert.c, note_dropped).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "convert_int.h"

enum {
    XD_MAX = 1024,        /* names kept with their own count */
    XD_SLOTS = 2 * XD_MAX, /* open addressing, load at most 1/2 */
    XD_KEY = 256          /* bytes of a name that tell names apart */
};

typedef struct xd_ent {
    char *fmt;      /* the extra's format, then its name, in one block */
    char *name;
    size_t records; /* records that lost it */
    size_t last;    /* serial of the last record counted */
} xd_ent;

struct xd_table {
    xd_ent ent[XD_MAX]; /* in order of first loss: the warnings' order */
    size_t n;
    uint16_t slot[XD_SLOTS]; /* index + 1; 0 is empty */
    size_t serial;           /* entries seen, 1-based */
    size_t other_records;    /* records that lost a name past XD_MAX */
    size_t other_last;
};

/* Extras that name the source's own entry type restate the record's type,
 * which every writer writes its own way, and a CSL-JSON spelling restates
 * a value: not a loss of a field. */
static bool restates_type(const char *fmt, const char *name)
{
    /* told apart by first bytes before any strcmp (every extra of every
     * record a writer drops comes here) */
    if ((fmt[0] != 'b' || name[0] != 'e') && (fmt[0] != 'r' || name[0] != 'T') &&
        (fmt[0] != 'c' || name[0] != '@'))
        return false;
    return (strcmp(fmt, "bibtex") == 0 && strcmp(name, "entrytype") == 0) ||
           (strcmp(fmt, "ris") == 0 && strcmp(name, "TY") == 0) ||
           /* the CSL-JSON source's spelling of a value the record holds
            * (date-parts as strings, a numeric id): the value is written
            * (but an unknown type's name, which is all the record has) */
           (strcmp(fmt, "csljson") == 0 && strncmp(name, "@raw:", 5) == 0 &&
            strcmp(name + 5, "type") != 0);
}

void bib_writer_carries_extras(bib_writer *wr, const char *format)
{
    if (wr->ncarry < sizeof wr->carry / sizeof wr->carry[0])
        wr->carry[wr->ncarry++] = format;
}

static bool carried(const bib_writer *wr, const char *fmt)
{
    for (unsigned i = 0; i < wr->ncarry; i++)
        if (wr->carry[i] == fmt || (wr->carry[i][0] == fmt[0] && strcmp(wr->carry[i], fmt) == 0))
            return true;
    return false;
}

bool bib_reader_keeps_source(const bib_reader *rd, const char *format)
{
    return !rd->dest || carried(rd->dest, format);
}

static size_t key_len(const char *name)
{
    size_t l = strlen(name);
    return l < XD_KEY ? l : XD_KEY;
}

static uint32_t hash(const char *fmt, const char *name, size_t nl)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (const char *p = fmt; *p; p++)
        h = (h ^ (unsigned char)*p) * 16777619u;
    h = (h ^ 0xffu) * 16777619u; /* a separator no format name holds */
    for (size_t i = 0; i < nl; i++)
        h = (h ^ (unsigned char)name[i]) * 16777619u;
    return h;
}

/* The entry of (fmt, name), made when new and there is room; NULL past
 * XD_MAX names (or out of memory: that loss then counts as the others). */
static xd_ent *lookup(struct xd_table *t, const char *fmt, const char *name)
{
    size_t nl = key_len(name);
    size_t i = hash(fmt, name, nl) & (XD_SLOTS - 1);
    for (; t->slot[i]; i = (i + 1) & (XD_SLOTS - 1)) {
        xd_ent *e = &t->ent[t->slot[i] - 1];
        if (e->name[0] == name[0] && strcmp(e->fmt, fmt) == 0 &&
            strncmp(e->name, name, nl) == 0 && !e->name[nl])
            return e;
    }
    if (t->n == XD_MAX)
        return NULL;
    size_t fl = strlen(fmt);
    char *s = malloc(fl + 1 + nl + 1);
    if (!s)
        return NULL;
    memcpy(s, fmt, fl + 1);
    memcpy(s + fl + 1, name, nl);
    s[fl + 1 + nl] = '\0';
    xd_ent *e = &t->ent[t->n];
    *e = (xd_ent){.fmt = s, .name = s + fl + 1};
    t->slot[i] = (uint16_t)++t->n;
    return e;
}

/* After a tracked write() of an entry: every extra of a format the writer
 * does not carry is lost; each name counts once per record. */
void bib_writer_note_dropped_extras(bib_writer *wr, const bib_record *rec)
{
    size_t n = bib_record_extra_count(rec);
    if (!n)
        return;
    struct xd_table *t = wr->xdrop;
    bool serial_taken = false;
    for (size_t i = 0; i < n; i++) {
        const char *fmt, *name;
        if (bib_record_extra_at(rec, i, &fmt, &name, NULL, NULL) < 0 || carried(wr, fmt) ||
            restates_type(fmt, name))
            continue;
        if (!t && !(t = wr->xdrop = calloc(1, sizeof *t)))
            return; /* out of memory: the summary is then missing */
        if (!serial_taken) {
            t->serial++;
            serial_taken = true;
        }
        xd_ent *e = lookup(t, fmt, name);
        if (e && e->last == t->serial)
            continue; /* another value of a name this record lost already */
        if (e) {
            e->last = t->serial;
            e->records++;
        } else if (t->other_last != t->serial) {
            t->other_last = t->serial;
            t->other_records++;
        }
        size_t line = 0;
        const char *file = bib_record_origin(rec, &line);
        const char *id = bib_record_id(rec);
        bib_diag_report(bib_output_diag(wr->out), BIB_SEV_INFO, file, line, 0,
                        "record '%.40s': %s field '%.*s' not written: %s has no place for it",
                        id ? id : "", fmt, (int)key_len(name), name, wr->fmt->name);
    }
}

/* At the end: one warning per name some entries lost, with how many. */
void bib_writer_report_dropped_extras(bib_writer *wr)
{
    struct xd_table *t = wr->xdrop;
    if (!t)
        return;
    for (size_t i = 0; i < t->n; i++) {
        const xd_ent *e = &t->ent[i];
        bib_output_report(wr->out, BIB_SEV_WARNING,
                          "%s field '%s' not written in %zu record%s: %s has no place for it",
                          e->fmt, e->name, e->records, e->records == 1 ? "" : "s",
                          wr->fmt->name);
        free(e->fmt);
    }
    if (t->other_records)
        bib_output_report(wr->out, BIB_SEV_WARNING,
                          "fields of further names (past the first %d) not written in %zu "
                          "record%s: %s has no place for them (--verbose names each)",
                          XD_MAX, t->other_records, t->other_records == 1 ? "" : "s",
                          wr->fmt->name);
    free(t);
    wr->xdrop = NULL;
}
