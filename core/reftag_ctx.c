/* SPDX-License-Identifier: MIT */
/*
 * reftag_ctx.c - a part of the reference tagger's tokenizer (core/reftag.c,
 * docs/refs.md) that reads only the tokens and their name buckets: the
 * name lists. Kept apart for reftag.c's size; one of the model's inputs
 * like reftag.c (tools/meson.build), since the features read it.
 */
#include "reftag_model.h"

/* A token as the word before or after a name list: a number by its
 * shape (a year), a word by its word; never 0. */
static uint32_t list_edge(const bib_reftag *t, size_t i)
{
    return (t->tok[i].kind == BIB_REFTOK_NUMBER ? t->sh[i] : t->wh[i]) | 1u;
}

/* Name lists: each run of chunks that may be names (bucket -1 to 4: a
 * family name alone between commas scores -1 or 0) and the breaks
 * between them. Whether a list names authors or editors is said around
 * it (`In`, `edited by`, `hg. v.` before; `(Eds.)`, `editors`, `Hrsg.`,
 * a year after), not inside it: every token of a list sees the first
 * word before it and after it (punctuation skipped; 2 for none). Reads
 * the breaks compute_context marks in lbef. */
void bib__reftag_name_lists(bib_reftag *t)
{
    size_t i = 0;
    while (i < t->n) {
        if (t->name[i] < -1 || t->name[i] > 4) {
            t->lbef[i] = t->laft[i] = 0;
            i++;
            continue;
        }
        size_t a = i, b = i, j = i;
        while (j < t->n && ((t->name[j] >= -1 && t->name[j] <= 4) || (t->name[j] == 9 && t->lbef[j]))) {
            if (t->name[j] != 9)
                b = j;
            j++;
        }
        uint32_t before = 2, after = 2;
        for (size_t k = a; k-- > 0;)
            if (t->tok[k].kind != BIB_REFTOK_PUNCT) {
                before = list_edge(t, k);
                break;
            }
        for (size_t k = b + 1; k < t->n; k++)
            if (t->tok[k].kind != BIB_REFTOK_PUNCT) {
                after = list_edge(t, k);
                break;
            }
        for (size_t k = a; k < j; k++) {
            t->lbef[k] = k <= b ? before : 0;
            t->laft[k] = k <= b ? after : 0;
        }
        i = j;
    }
}
