/* SPDX-License-Identifier: MIT */
/*
 * ris_split.c - where a RIS input may be cut for reading with several
 * threads (-j; bib_split_fn in plugin.h): right after an `ER  -` line
 * whose next non-blank line is `TY  - `. After ER the reader is between
 * records and keeps nothing of them; the TY that follows starts a record
 * and resets the one-warning-per-run state of junk lines, so a reader
 * starting at the cut goes on exactly as one reading on. RIS has nothing
 * that ties records together.
 */
#include <string.h>

#include "risfmt.h"

/* True when the line at p (up to e) is the tag line `tag  - ...`: the tag,
 * one to three blanks, '-', then the line end or a blank (ris_lex_line's
 * upper-case tag line). */
static bool tag_line(const char *p, const char *e, const char *tag)
{
    if (e - p < 3 || p[0] != tag[0] || p[1] != tag[1])
        return false;
    const char *q = p + 2;
    while (q < e && (*q == ' ' || *q == '\t'))
        q++;
    size_t blanks = (size_t)(q - p - 2);
    if (blanks < 1 || blanks > 3 || q >= e || *q != '-')
        return false;
    q++;
    return q == e || *q == ' ' || *q == '\t' || *q == '\r' || *q == '\n';
}

size_t risfmt_split(const char *d, size_t len, size_t want, unsigned *flags)
{
    (void)flags;
    const char *e = d + len;
    /* the first line start at or after want - 1 that holds an ER line */
    const char *p = memchr(d + want - 1, '\n', (size_t)(e - (d + want - 1)));
    while (p && ++p < e) {
        const char *nl = memchr(p, '\n', (size_t)(e - p));
        if (!nl)
            return len;
        if (tag_line(p, nl, "ER") && !memchr(p, '\r', (size_t)(nl - p - (nl > p && nl[-1] == '\r'))))
        {
            /* the next non-blank line must be TY */
            const char *q = nl + 1;
            while (q < e && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r'))
                q++;
            const char *qe = memchr(q, '\n', (size_t)(e - q));
            if (q < e && (q == nl + 1 || q[-1] == '\n') && tag_line(q, qe ? qe : e, "TY"))
                return (size_t)(nl + 1 - d);
        }
        p = nl;
    }
    return len;
}
