/* SPDX-License-Identifier: MIT */
/* libxml2's generic error channel, taken over while a parse runs.
 *
 * libxml2 reports some failures (bytes that do not decode from the
 * declared encoding, output encoder errors) only on its generic channel,
 * which prints unprefixed lines on stderr by default. A reader takes the
 * channel for the length of a parse and puts the first line it got into
 * its own file:line:col diagnostic (docs/xml.md, "Security and limits").
 * The channel is per thread in libxml2, so -j workers do not share it.
 * Used by the XML readers and the page reader's HTML parse. */
#ifndef BIBCONV_XML_LIBMSG_H
#define BIBCONV_XML_LIBMSG_H

#include <stdbool.h>
#include <stddef.h>

#include <libxml/xmlerror.h>

typedef struct xml_libmsg {
    char text[200]; /* the first line said, "" when none */
    size_t len;
    bool done;      /* the first line is complete */
    xmlGenericErrorFunc saved;
    void *saved_ctx;
} xml_libmsg;

/* Starts the channel's capture into m (caller-owned, zeroed first by the
 * caller once; the text it holds is kept across takes). */
void xml_libmsg_take(xml_libmsg *m);

/* Gives the channel back to whoever had it before xml_libmsg_take. */
void xml_libmsg_give_back(xml_libmsg *m);

#endif
