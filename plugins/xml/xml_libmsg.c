/* SPDX-License-Identifier: MIT */
/* libxml2's generic error channel into a buffer (xml_libmsg.h). */
#include "xml_libmsg.h"

#include <stdarg.h>
#include <stdio.h>

#include <libxml/globals.h>

/* A message may come in pieces, each a format: they are joined up to the
 * first line end, and the rest is dropped. */
static void on_generic(void *ctx, const char *fmt, ...)
{
    xml_libmsg *m = ctx;
    if (!m || m->done)
        return;
    char piece[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(piece, sizeof piece, fmt, ap);
    va_end(ap);
    for (const char *p = piece; *p && !m->done; p++) {
        if (*p == '\n')
            m->done = m->len > 0;
        else if (m->len + 1 < sizeof m->text)
            m->text[m->len++] = *p;
    }
    m->text[m->len] = '\0';
}

void xml_libmsg_take(xml_libmsg *m)
{
    m->saved = xmlGenericError;
    m->saved_ctx = xmlGenericErrorContext;
    xmlSetGenericErrorFunc(m, on_generic);
}

void xml_libmsg_give_back(xml_libmsg *m)
{
    xmlSetGenericErrorFunc(m->saved_ctx, m->saved);
}
