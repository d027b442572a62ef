/* SPDX-License-Identifier: MIT */
/*
 * bt_crossref.c - crossref and BibLaTeX xdata, by biber's rules: a child
 * inherits the fields it lacks from its parent (marked
 * BIB_FIELD_INHERITED); when the parent is the child's container its
 * title becomes the container-title. The reader keeps the last
 * BT_MAX_PARENTS parent-like entries (@proceedings, @book, @collection,
 * @xdata...), as what built them (bt_save_entry) until a child names one,
 * and holds back only children whose parent has not appeared
 * yet, releasing them right after their parent (or at the end, with a
 * warning). Memory: the parents plus at most BT_MAX_HELD held children
 * (beyond that the oldest goes out unresolved, warned).
 */
#include <stdlib.h>
#include <string.h>

#include "btfmt.h"

static int push(bib_record ***arr, size_t *n, size_t *cap, bib_record *rec)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 16;
        bib_record **na = realloc(*arr, nc * sizeof *na);
        if (!na)
            return BIB_ENOMEM;
        *arr = na;
        *cap = nc;
    }
    (*arr)[(*n)++] = rec;
    return 0;
}

/* Copies field `from` of parent into `to` of child when the child lacks it. */
static int inherit_field(bib_record *child, const bib_field *f, bib_var to)
{
    if (bib_record_has(child, to))
        return 0;
    int rc = 0;
    switch (bib_field_kind(f)) {
    case BIB_KIND_NAMES:
        for (size_t i = 0; i < bib_field_name_count(f) && rc >= 0; i++)
            rc = bib_record_add_name(child, to, bib_field_name_at(f, i));
        if (rc >= 0 && bib_field_names_truncated(f))
            rc = bib_record_set_names_truncated(child, to, true);
        break;
    case BIB_KIND_DATE:
        rc = bib_record_set_date(child, to, bib_field_date(f));
        break;
    default:
        for (size_t i = 0; i < bib_field_value_count(f) && rc >= 0; i++) {
            const char *v = bib_field_value_at(f, i);
            rc = bib_record_add_text(child, to, v, strlen(v));
        }
        break;
    }
    if (rc >= 0 && bib_record_has(child, to))
        bib_record_set_field_flags(child, to,
                                   bib_field_flags(bib_record_get(child, to)) |
                                       BIB_FIELD_INHERITED);
    return rc == BIB_EINVAL ? 0 : rc;
}


/* Biber's default inheritance between entry types: does the parent's title
 * name the child's container (book -> inbook: title -> booktitle;
 * periodical -> article: title -> journaltitle)? Multi-volume parents
 * (mvbook -> book) are containers too. Between other types (book -> book,
 * book -> article) fields keep their names. */
static bool parent_is_container(const bib_record *child, const bib_record *parent)
{
    static const char *const books[] = {"book", "mvbook", NULL},
                             *const in_books[] = {"inbook", "bookinbook", "suppbook", NULL},
                             *const colls[] = {"collection", "mvcollection", "reference",
                                               "mvreference", NULL},
                             *const in_colls[] = {"incollection", "suppcollection",
                                                  "inreference", NULL},
                             *const procs[] = {"proceedings", "mvproceedings", NULL},
                             *const in_procs[] = {"inproceedings", NULL},
                             *const pers[] = {"periodical", NULL},
                             *const in_pers[] = {"article", "suppperiodical", NULL},
                             *const mvs[] = {"mvbook", "mvcollection", "mvproceedings",
                                             "mvreference", NULL};
    const char *c = bib_record_extra_get(child, "bibtex", "entrytype");
    const char *p = bib_record_extra_get(parent, "bibtex", "entrytype");
    if (!c || !p)
        return true;
    return (bt_type_in(p, books) && bt_type_in(c, in_books)) ||
           (bt_type_in(p, colls) && bt_type_in(c, in_colls)) ||
           (bt_type_in(p, procs) && bt_type_in(c, in_procs)) ||
           (bt_type_in(p, pers) && bt_type_in(c, in_pers)) || bt_type_in(p, mvs);
}

/* Inheritance as biber does it: fields the child lacks are filled in from
 * the parent; when the parent is the child's container its title becomes
 * the container-title and its author the container-author. */
static int inherit(bib_record *child, const bib_record *parent)
{
    int rc = 0;
    bool container = parent_is_container(child, parent);
    size_t n = bib_record_field_count(parent);
    for (size_t i = 0; i < n && rc >= 0; i++) {
        const bib_field *f = bib_record_field_at(parent, i);
        bib_var v = bib_field_var(f);
        if (v == BIB_VAR_TITLE)
            rc = inherit_field(child, f, container ? BIB_VAR_CONTAINER_TITLE : v);
        else if (v == BIB_VAR_AUTHOR && container && bib_record_type(child) != BIB_TYPE_BOOK)
            rc = inherit_field(child, f, BIB_VAR_CONTAINER_AUTHOR);
        else if (v != BIB_VAR_TITLE_SHORT && v != BIB_VAR_CONTAINER_TITLE)
            rc = inherit_field(child, f, v);
        else if (v == BIB_VAR_CONTAINER_TITLE && (!container || !bib_record_has(parent, BIB_VAR_TITLE)))
            rc = inherit_field(child, f, v);
    }
    /* a value of the parent read here for the first time and lost to a
     * lack of memory (bib_record_defer) is lost to the child too */
    if (rc >= 0 && bib_record_lost_value(parent))
        rc = BIB_ENOMEM;
    return rc;
}

/* Types a later entry may name as its crossref parent (btfmt.h). biblatex-software's
 * versions and modules name their software (@softwareversion ->
 * @software, a version -> another), from which they inherit fields under
 * the same names, as biber does with its data model. */
bool bt_parent_like(const char *t)
{
    static const char *const kinds[] = {"proceedings", "mvproceedings", "book", "mvbook",
                                        "collection", "mvcollection", "reference",
                                        "mvreference", "periodical", "xdata", "software",
                                        "softwareversion", "softwaremodule", NULL};
    for (size_t i = 0; kinds[i]; i++)
        if (t[0] == kinds[i][0] && strcmp(t, kinds[i]) == 0)
            return true;
    return false;
}
static size_t key_hash(const char *k)
{
    size_t h = 1469598103934665603u;
    for (; *k; k++)
        h = (h ^ (unsigned char)*k) * 1099511628211u;
    return h ^ (h >> 29);
}

#define WAIT_SLOT(k) (key_hash(k) % BT_WAIT_SLOTS)

/* Frees kept parent k: its record or what would build it. */
static void drop_parent(bt_reader *r, size_t k)
{
    bib_record_free(r->parents[k]);
    free(r->psaved[k]);
}

/* A parent joins the ring: record x or saved entry sv (taken; the other
 * NULL). When BT_MAX_PARENTS are kept the oldest is freed and the new one
 * takes its slot (no pointers move), which bounds memory. */
static int remember(bt_reader *r, bib_record *x, bt_saved *sv, const char *id)
{
    unsigned char tag = (unsigned char)key_hash(id);
    if (r->nparents == BT_MAX_PARENTS) {
        drop_parent(r, r->phead);
        r->parents[r->phead] = x;
        r->psaved[r->phead] = sv;
        r->parent_tag[r->phead] = tag;
        r->phead = (r->phead + 1) % BT_MAX_PARENTS;
        return 0;
    }
    if (r->nparents == r->capparents) {
        size_t nc = r->capparents ? r->capparents * 2 : 16;
        bib_record **np = realloc(r->parents, nc * sizeof *np);
        if (np)
            r->parents = np;
        bt_saved **ns = np ? realloc(r->psaved, nc * sizeof *ns) : NULL;
        if (!ns) { /* taken either way */
            bib_record_free(x);
            free(sv);
            return BIB_ENOMEM;
        }
        r->psaved = ns;
        r->capparents = nc;
    }
    r->parent_tag[r->nparents] = tag;
    r->parents[r->nparents] = x;
    r->psaved[r->nparents++] = sv;
    return 0;
}

int bt_remember_parent(bt_reader *r, bib_record *x)
{
    if (!bib_record_id(x)) {
        bib_record_free(x);
        return 0;
    }
    return remember(r, x, NULL, bib_record_id(x));
}

/* The newest parent whose key is `key` into *out (NULL: none). A parent
 * kept as what built it is built now, once (bt_rebuild): 0 or an error. */
static int find_parent(bt_reader *r, const char *key, const bib_record **out)
{
    unsigned char tag = (unsigned char)key_hash(key);
    *out = NULL;
    for (size_t i = r->nparents; i-- > 0;) {
        size_t k = (r->phead + i) % BT_MAX_PARENTS; /* phead is 0 until full */
        if (r->parent_tag[k] != tag ||
            strcmp(r->parents[k] ? bib_record_id(r->parents[k]) : r->psaved[k]->id, key) != 0)
            continue;
        if (!r->parents[k]) {
            int rc = bt_rebuild(r, r->psaved[k], &r->parents[k]);
            if (rc < 0)
                return rc;
            free(r->psaved[k]);
            r->psaved[k] = NULL;
        }
        *out = r->parents[k];
        return 0;
    }
    return 0;
}

/* Was `key` an entry not kept as a parent, among the last BT_MAX_SEEN? */
static bool seen_before(const bt_reader *r, const char *key)
{
    size_t h = key_hash(key), n = r->nseen < BT_MAX_SEEN ? r->nseen : BT_MAX_SEEN;
    for (size_t i = 0; i < n; i++)
        if (r->seen[i] == h)
            return true;
    return false;
}

static const char *xref_of(const bib_record *rec)
{
    const char *x = bib_record_extra_get(rec, "bibtex", "crossref");
    return x ? x : bib_record_extra_get(rec, "bibtex", "xdata");
}

/* `rec` (borrowed) is resolved: remembers it as a parent when it may be
 * one (a parent-like type, or a held child names it), then moves the held
 * children naming it to `ready`, each followed by its own children, so
 * nested crossrefs (child -> book -> mvbook) resolve whatever the order.
 * type: rec's entry type when the caller has it (the reader's, no look-up
 * in the extras), or NULL. */
static int release_children(bt_reader *r, const bib_record *rec, const char *type, bool pristine)
{
    const char *id = bib_record_id(rec);
    if (!id)
        return 0;
    const char *t = type ? type : bib_record_extra_get(rec, "bibtex", "entrytype");
    bool wanted = false;
    for (size_t i = 0; i < r->nheld && !wanted && r->waiting[WAIT_SLOT(id)]; i++)
        wanted = strcmp(xref_of(r->held[i]), id) == 0;
    /* the reader's entry type (r->type) comes with its answer, memoised
     * with the type (bt_build_record) */
    bool plike = t && (t == r->type ? r->type_plike : bt_parent_like(t));
    if (plike || wanted) {
        /* a record just built as it came from its entry is kept as that
         * entry (its fields and values, about half a clone's work and
         * memory), built again only if a later child names it; one that
         * inherited, or lost a crossref to itself, as a clone */
        bt_saved *sv = pristine && !bt_save_parents_off ? bt_save_entry(r, id) : NULL;
        bib_record *c = sv ? NULL : bib_record_clone(rec);
        int rc = sv ? remember(r, NULL, sv, id) : c ? bt_remember_parent(r, c) : BIB_ENOMEM;
        if (rc < 0)
            return rc;
    } else {
        r->seen[r->nseen++ % BT_MAX_SEEN] = key_hash(id);
    }
    for (size_t i = 0; wanted && i < r->nheld;) {
        if (strcmp(xref_of(r->held[i]), id) != 0) {
            i++;
            continue;
        }
        bib_record *ch = r->held[i];
        memmove(r->held + i, r->held + i + 1, (r->nheld - i - 1) * sizeof *r->held);
        r->nheld--;
        r->waiting[WAIT_SLOT(id)]--;
        /* a child goes out after its own children and before its parent:
         * the order BibTeX needs (a crossref parent comes later) */
        int rc = inherit(ch, rec);
        if (rc >= 0)
            rc = release_children(r, ch, NULL, false);
        if (rc >= 0)
            rc = push(&r->ready, &r->nready, &r->capready, ch);
        if (rc < 0) {
            bib_record_free(ch);
            return rc;
        }
        i = 0; /* the recursion may have changed `held` (at most BT_MAX_HELD) */
    }
    return 0;
}

/* Decides what to hand out after reading `rec` (taken): a child whose parent
 * is unknown is held; a parent releases its held children after itself. */
int bt_crossref_step(bt_reader *r, bib_record *rec, const char *type, bib_record **out)
{
    int rc;
    /* a link the classic writer noted is the source's, left unresolved */
    const char *x = r->link_noted || r->no_links ? NULL : xref_of(rec);
    r->link_noted = r->no_links = false;
    /* rec is as its entry built it (nothing inherited nor removed below):
     * bt_rebuild would give it again */
    bool pristine = r->built.ok && !x;
    r->built.ok = false;
    if (x && bib_record_id(rec) && strcmp(x, bib_record_id(rec)) == 0) {
        size_t line;
        bib_record_origin(rec, &line);
        bib_input_report(r->in, BIB_SEV_WARNING, line, 0,
                         "entry '%.40s' names itself as its crossref parent: ignored", x);
        /* ignored means left out: kept, a writer would put it back and
         * every re-read of the output would warn again */
        bib_record_extra_remove(rec, "bibtex",
                                bib_record_extra_get(rec, "bibtex", "crossref") ? "crossref"
                                                                                 : "xdata");
        x = NULL;
    }
    if (x) {
        const bib_record *p;
        if ((rc = find_parent(r, x, &p)) < 0) {
            bib_record_free(rec);
            return rc;
        }
        if (!p && seen_before(r, x)) {
            /* the parent came before, as a type not kept as a parent
             * (@misc, @article...): BibTeX inherits nothing from an
             * earlier entry either, so a classic child stands as it is;
             * biber would inherit, which this reader cannot any more */
            if (r->biblatex) {
                size_t line;
                bib_record_origin(rec, &line);
                bib_input_report(r->in, BIB_SEV_WARNING, line, 0,
                                 "entry '%.40s': crossref parent '%.40s' comes before it and "
                                 "is not a container type: nothing inherited",
                                 bib_record_id(rec) ? bib_record_id(rec) : "", x);
            }
        } else if (!p) {
            if (r->nheld == BT_MAX_HELD) {
                /* bound memory and time: the oldest waiting child goes out
                 * without its parent */
                bib_record *old = r->held[0];
                memmove(r->held, r->held + 1, (BT_MAX_HELD - 1) * sizeof *r->held);
                r->nheld--;
                r->waiting[WAIT_SLOT(xref_of(old))]--;
                size_t line;
                bib_record_origin(old, &line);
                bib_input_report(r->in, BIB_SEV_WARNING, line, 0,
                                 "entry '%.40s': crossref parent '%.40s' not found within "
                                 "%d held entries",
                                 bib_record_id(old), xref_of(old), BT_MAX_HELD);
                if ((rc = push(&r->ready, &r->nready, &r->capready, old)) < 0) {
                    bib_record_free(old);
                    bib_record_free(rec);
                    return rc;
                }
            }
            if ((rc = push(&r->held, &r->nheld, &r->capheld, rec)) < 0) {
                bib_record_free(rec);
                return rc;
            }
            r->waiting[WAIT_SLOT(x)]++;
            *out = NULL;
            return 2; /* nothing to hand out yet */
        }
        if (p && (rc = inherit(rec, p)) < 0) {
            bib_record_free(rec);
            return rc;
        }
    }
    size_t before = r->nready;
    if ((rc = release_children(r, rec, type, pristine)) < 0) {
        bib_record_free(rec);
        return rc;
    }
    if (r->nready > before) {
        /* children released: they go out first, the parent last */
        if ((rc = push(&r->ready, &r->nready, &r->capready, rec)) < 0) {
            bib_record_free(rec);
            return rc;
        }
        *out = r->ready[r->rhead++];
        if (r->rhead == r->nready)
            r->rhead = r->nready = 0;
        return 1;
    }
    *out = rec;
    return 1;
}

int bt_crossref_flush(bt_reader *r, bib_record **out)
{
    if (!r->nheld)
        return 0;
    /* parents that never came: hand the children out as they are */
    *out = r->held[0];
    memmove(r->held, r->held + 1, (r->nheld - 1) * sizeof *r->held);
    r->nheld--;
    r->waiting[WAIT_SLOT(xref_of(*out))]--;
    size_t line;
    bib_record_origin(*out, &line);
    bib_input_report(r->in, BIB_SEV_WARNING, line, 0,
                     "entry '%.40s': crossref parent '%.40s' not found", bib_record_id(*out),
                     xref_of(*out));
    return 1;
}

void bt_crossref_free(bt_reader *r)
{
    for (size_t i = 0; i < r->nparents; i++)
        drop_parent(r, i);
    for (size_t i = 0; i < r->nheld; i++)
        bib_record_free(r->held[i]);
    for (size_t i = r->rhead; i < r->nready; i++)
        bib_record_free(r->ready[i]);
    free(r->parents);
    free(r->psaved);
    free(r->held);
    free(r->ready);
}
