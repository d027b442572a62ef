/* SPDX-License-Identifier: MIT */
/*
 * medlinefmt.h - what the files of the medline module share: the field
 * table (medline_table.c, docs/medline.md "The field table"), the PT <->
 * CSL type table and the line syntax.
 *
 * Not for: anything outside plugins/medline and its tests (hidden
 * visibility; only bib_plugin_module is exported).
 */
#ifndef BIBCONV_MEDLINEFMT_H
#define BIBCONV_MEDLINEFMT_H

#include "tagged.h"

extern const bib_reader_ops medline_reader_ops;
extern const bib_writer_ops medline_writer_ops;
extern const tg_syntax medline_syntax;

/* The module's own row kinds (after the generic ones of tagged.h). */
enum {
    ML_K_FAU = TG_K_SPECIAL, /* full name "Last, First M" of the row's variable */
    ML_K_AU,                 /* short name "Last FM": read only without FAU */
    ML_K_CN,                 /* a corporate name (literal) */
    ML_K_DATE,               /* DP/DEP: a written date */
    ML_K_AID,                /* "10.1/x [doi]", "S0140-6736(19)30001-2 [pii]" */
    ML_K_PT                  /* publication type: the CSL type, others kept */
};

extern const tg_field medline_fields[];
extern const size_t medline_nfields;

/* The CSL type of a PT value, or BIB_TYPE_UNKNOWN when PT names none. */
bib_type medline_type_from_pt(const char *s, size_t len);
/* The PT the writer gives a type: PubMed's name, else the CSL name in
 * lower case (every record gets a PT line, so none is written empty). */
const char *medline_pt_of_type(bib_type t);

#endif /* BIBCONV_MEDLINEFMT_H */
