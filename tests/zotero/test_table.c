/* SPDX-License-Identifier: MIT */
/*
 * test_table.c - the Zotero -> CSL table of plugins/zotero/zt_table.c:
 * its arrays are sorted (bsearch needs it; a row out of order would be
 * silently unreachable) and a few rows per kind read as the schema says.
 */
#include <stdio.h>
#include <string.h>

#include "ztfmt.h"

int zt_table_check(void);

static int fails;

static void expect(bool ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "FAIL %s\n", what);
        fails++;
    }
}

static bib_var field_var(const char *name)
{
    const zt_field *f = zt_field_find(name);
    return f ? f->var : BIB_VAR_NONE;
}

int main(void)
{
    int row = zt_table_check();
    if (row)
        fprintf(stderr, "FAIL a table is not sorted at row %d\n", row);
    fails += row != 0;
    expect(field_var("bookTitle") == BIB_VAR_CONTAINER_TITLE, "bookTitle");
    expect(field_var("proceedingsTitle") == BIB_VAR_CONTAINER_TITLE, "proceedingsTitle");
    expect(field_var("university") == BIB_VAR_PUBLISHER, "university");
    expect(field_var("dateDecided") == BIB_VAR_ISSUED, "dateDecided");
    expect(field_var("abstractNote") == BIB_VAR_ABSTRACT, "abstractNote");
    expect(field_var("place") == BIB_VAR_PUBLISHER_PLACE, "place");
    expect(field_var("extra") == BIB_VAR_NONE, "extra is a special case");
    expect(field_var("assignee") == BIB_VAR_NONE, "assignee has no CSL variable");
    const zt_field *a = zt_field_find("publicationTitle"), *b = zt_field_find("code");
    expect(a && b && a->rank < b->rank, "publicationTitle before code");
    const zt_creator *c = zt_creator_find("seriesEditor");
    expect(c && c->var == BIB_VAR_COLLECTION_EDITOR, "seriesEditor");
    c = zt_creator_find("bookAuthor");
    expect(c && c->var == BIB_VAR_CONTAINER_AUTHOR, "bookAuthor");
    expect(zt_creator_find("inventor") == NULL, "inventor has no CSL role");
    const zt_type *t = zt_type_find("patent");
    expect(t && t->csl == BIB_TYPE_PATENT && !strcmp(t->primary, "inventor"), "patent");
    t = zt_type_find("presentation");
    expect(t && t->csl == BIB_TYPE_SPEECH && (t->flags & ZT_T_EVENT_PLACE), "presentation");
    t = zt_type_find("note");
    expect(t && (t->flags & ZT_T_NOT_RECORD), "note is not a record");
    expect(zt_type_find("Book") == NULL, "type names are case-sensitive");
    if (!fails)
        printf("ok: Zotero table sorted, rows as the schema says\n");
    return fails ? 1 : 0;
}
