/* SPDX-License-Identifier: MIT */
/*
 * wosfmt.h - what the files of the wos module share: the field table
 * (wos_table.c, docs/wos.md "The field table"), the PT/DT <-> CSL type
 * rules and the line syntax.
 *
 * Not for: anything outside plugins/wos and its tests (hidden visibility;
 * only bib_plugin_module is exported).
 */
#ifndef BIBCONV_WOSFMT_H
#define BIBCONV_WOSFMT_H

#include "tagged.h"

extern const bib_reader_ops wos_reader_ops;
extern const bib_writer_ops wos_writer_ops;
extern const tg_syntax wos_syntax;

/* The module's own row kinds (after the generic ones of tagged.h). */
enum {
    WOS_K_PT = TG_K_SPECIAL, /* publication type: with DT, the CSL type */
    WOS_K_DT,                /* document type */
    WOS_K_AU,                /* short names "Last, FM", one per line */
    WOS_K_AF,                /* full names "Last, First M", one per line */
    WOS_K_CA,                /* group authors (literal), one per line */
    WOS_K_ISSN,              /* SN: the first ISSN; EI: the others */
    WOS_K_PY,                /* year; with PD the issued date */
    WOS_K_PD,                /* "MAR 15", "SPR", "MAR-APR" */
    WOS_K_BP,                /* first page; with EP the page range */
    WOS_K_EP,
    WOS_K_PS                 /* "467-72": the pages when there is no BP/EP */
};

extern const tg_field wos_fields[];
extern const size_t wos_nfields;

/* The CSL type of a record of PT `pt` and DT `dt` (either may be NULL). */
bib_type wos_type_of(const char *pt, const char *dt);
/* The PT and the DT the writer gives a type. */
const char *wos_pt_of_type(bib_type t);
const char *wos_dt_of_type(bib_type t);

#endif /* BIBCONV_WOSFMT_H */
