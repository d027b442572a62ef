/* SPDX-License-Identifier: MIT */
/*
 * train_refs_data.c - what the reference tagger's trainer
 * (tools/train_refs.c) does to its data before training: labels mended
 * so that the two sources (AnyStyle's sequences, the rendered set) teach
 * one thing, and the copies of rendered references for layouts no style
 * renders (docs/refs.md, "Training and validation").
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "bibconv/reftag.h"
#include "train_refs.h"

uint32_t mix(const char *s, unsigned salt)
{
    uint64_t h = 14695981039346656037ull + salt;   /* FNV-1a, seeded */
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        h = (h ^ *p) * 1099511628211ull;
    return (uint32_t)(h ^ (h >> 32));
}

/* AnyStyle's sequences write the words that say a book's editors or
 * title follow inside the editor or container-title: a leading `In`
 * (`In: Schule und Psychologie`, `In Thomas A. Sebeok, ed`: 1,296
 * segments) or `edited by` (139), where the rendered set, the record
 * builder and the label table (docs/refs.md) take them as a note and the
 * colon after `In` as punctuation. The labels of such a segment's text
 * tx (n bytes) in lab are changed so, that the two sources teach one
 * thing (the held-out sequences' too: they are scored by it). */
void in_as_note(const char *tx, size_t n, unsigned char *lab)
{
    size_t k = 0;
    while (k < n && tx[k] == ' ')
        k++;
    size_t w = k + 10 < n && !strncasecmp(tx + k, "edited by ", 10) ? 9
               : k + 2 < n && (tx[k] == 'I' || tx[k] == 'i') && tx[k + 1] == 'n' &&
                 (tx[k + 2] == ' ' || tx[k + 2] == ':') ? 2 : 0;
    if (!w)
        return;
    memset(lab + k, BIB_REF_NOTE, w);
    if (tx[k + w] == ':')
        lab[k + w] = BIB_REF_PUNCT;
}


/* AnyStyle's editor segments also open with the role word before the
 * names (`ed. J. Neusner`, `Eds. A. Clarke`, `Hg. v. K. Weber`: 165
 * segments), where the rendered set (tools/refs_render.py, since
 * 2026-12-06) and the record builder take the word as a note and its
 * period as punctuation; the labels of such an editor segment's text tx
 * (n bytes) in lab are changed so. */
void role_before_names_as_note(const char *tx, size_t n, unsigned char *lab)
{
    static const char *const words[] = { "eds", "ed", "hrsg", "hg", "dirs", "dir", NULL };
    size_t k = 0;
    while (k < n && tx[k] == ' ')
        k++;
    for (int j = 0; words[j]; j++) {
        size_t w = strlen(words[j]);
        /* with its period: `Ed Smith` is a name */
        if (k + w + 2 > n || strncasecmp(tx + k, words[j], w) || tx[k + w] != '.')
            continue;
        memset(lab + k, BIB_REF_NOTE, w);
        lab[k + w] = BIB_REF_PUNCT;
        /* `Hg. v.`, `hrsg. von` */
        size_t v = k + w + 1;
        while (v < n && tx[v] == ' ')
            v++;
        if (j >= 2 && j <= 3 && v + 2 < n && tx[v] == 'v' && (tx[v + 1] == '.' || !strncmp(tx + v, "von ", 4))) {
            size_t vl = tx[v + 1] == '.' ? 1 : 3;
            memset(lab + v, BIB_REF_NOTE, vl);
            if (tx[v + vl] == '.')
                lab[v + vl] = BIB_REF_PUNCT;
        }
        return;
    }
}
/* Does a name-list piece start given-first with initials (`D. P. Kingma`,
 * `J.-L. Liow`)? Not initials alone, not ending in a period (`Smith, J.`'s
 * second half). */
static bool given_first(const char *p, size_t n)
{
    size_t k = 0;
    bool initial = false;
    while (k + 1 < n && p[k] >= 'A' && p[k] <= 'Z' && p[k + 1] == '.') {
        initial = true;
        k += 2;
        while (k < n && (p[k] == ' ' || p[k] == '-'))
            k++;
    }
    return initial && k < n && k > 2 && p[k - 1] == ' ' && p[n - 1] != '.';
}

/* The given-first pieces of a name list written with commas and a
 * conjunction (`H. Schulz, J. Zumer, and S. Sharma`): their spans into
 * out (at most `max`); 0 when any piece is not given-first. */
static size_t given_first_pieces(const char *tx, size_t n, size_t (*out)[2], size_t max)
{
    static const char *const seps[] = { ", and ", " and ", ", ", " & ", " et ", " y ", " und ", NULL };
    while (n && tx[n - 1] == ' ')
        n--;
    if (memchr(tx, '(', n) || memchr(tx, ';', n))
        return 0;
    size_t np = 0, a = 0;
    for (size_t k = 0; k <= n; k++) {
        size_t sl = 0;
        for (int j = 0; k < n && !sl && seps[j]; j++)
            if (!strncmp(tx + k, seps[j], strlen(seps[j])))
                sl = strlen(seps[j]);
        if (k < n && !sl)
            continue;
        if (np == max || !given_first(tx + a, k - a))
            return 0;
        out[np][0] = a, out[np][1] = k;
        np++;
        if (k == n)
            break;
        a = k + sl;
        k = a - 1;
    }
    return np >= 2 ? np : 0;
}

/* A copy of a rendered reference whose name lists are written with `/`
 * between the names: no training style writes that separator, which
 * some do (offa: `M. Abbas/O. Gustafsson`; `Müller, H. / Schmidt, P.`).
 * The lists copied: those written with `;` (family first) and the
 * given-first ones written with commas and a conjunction; the `/`
 * without spaces or, for a seeded half, with them. A seeded half of
 * those references get one; training split only. */
static json_t *slash_copy(const char *style, long rec, json_t *seg)
{
    char key[300];
    snprintf(key, sizeof key, "slash/%s/%ld", style, rec);
    if (mix(key, SEED) % 2)
        return NULL;
    bool spaced = mix(key, SEED + 2) % 2;
    json_t *out = json_array();
    bool any = false;
    for (size_t i = 0; i < json_array_size(seg); i++) {
        json_t *p = json_array_get(seg, i);
        const char *ln = json_string_value(json_array_get(p, 0)) ?: "";
        const char *tx = json_string_value(json_array_get(p, 1)) ?: "";
        bool names = !strcmp(ln, "author") || !strcmp(ln, "editor");
        size_t n = strlen(tx), o = 0;
        char *b = must(malloc(3 * n + 4));
        size_t pcs[64][2], np = names ? given_first_pieces(tx, n, pcs, 64) : 0;
        if (np) {
            for (size_t k = 0; k < np; k++) {
                if (k) {
                    memcpy(b + o, spaced ? " / " : "/", spaced ? 3 : 1);
                    o += spaced ? 3 : 1;
                }
                memcpy(b + o, tx + pcs[k][0], pcs[k][1] - pcs[k][0]);
                o += pcs[k][1] - pcs[k][0];
            }
            memcpy(b + o, tx + pcs[np - 1][1], n - pcs[np - 1][1]);  /* trailing space */
            o += n - pcs[np - 1][1];
            any = true;
        }
        for (size_t k = 0; !np && k < n; k++) {
            if (names && tx[k] == ';' && k + 1 < n && tx[k + 1] == ' ') {
                while (o && b[o - 1] == ' ')
                    o--;
                memcpy(b + o, spaced ? " / " : "/", spaced ? 3 : 1);
                o += spaced ? 3 : 1;
                k++;    /* the space after the ';' */
                any = true;
            } else {
                b[o++] = tx[k];
            }
        }
        b[o] = 0;
        json_array_append_new(out, json_pack("[ss]", ln, b));
        free(b);
    }
    if (!any) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* Label words of numbers and the word before a container, as the
 * record builder knows them (core/reftag_record.c: skip_prefix,
 * issue_words, the `In` cues) in several languages; a label word of a
 * training reference is swapped for another of its field's. */
static const char *const vol_words[] = { "vol.", "Vol.", "Bd.", "v.", "\xd0\xa2.", "Jg.", "t.",
                                         "ro\xc4\x8d.", "Vol", "vol", NULL };
static const char *const iss_words[] = { "no.", "No.", "Nr.", "n.", "fasc.", "n\xe1\xb5\x92",
                                         "n\xc2\xba", "H.", "\xc4\x8d.", "Heft",
                                         "num.", NULL };
static const char *const page_words[] = { "pp.", "p.", "S.", "\xd0\xa1.", "s.", "str.", "pag.", NULL };
static const char *const in_words[] = { "In", "Dans", "Em", "En", "Im", NULL };

static size_t nwords(const char *const *w)
{
    size_t n = 0;
    while (w[n])
        n++;
    return n;
}

/* A copy of a rendered reference whose label words (`Vol.`, `no.`,
 * `pp.`, the `In` before a container) are swapped for those of other
 * languages (`Bd.`, `fasc.`, `S.`, `Dans`): most words of that kind are
 * written by one or two styles, and a style held out writes its own. A
 * seeded third of the references with a label word; training split only. */
static json_t *word_copy(const char *style, long rec, json_t *seg)
{
    char key[300];
    snprintf(key, sizeof key, "words/%s/%ld", style, rec);
    if (mix(key, SEED) % 3)
        return NULL;
    json_t *out = json_array();
    bool any = false;
    for (size_t i = 0; i < json_array_size(seg); i++) {
        json_t *p = json_array_get(seg, i);
        const char *ln = json_string_value(json_array_get(p, 0)) ?: "";
        const char *tx = json_string_value(json_array_get(p, 1)) ?: "";
        const char *const *set = !strcmp(ln, "volume") ? vol_words : !strcmp(ln, "issue") ? iss_words
                                 : !strcmp(ln, "pages") ? page_words : !strcmp(ln, "note") ? in_words : NULL;
        /* the label word: up to the first space (note: the whole text) */
        size_t n = strlen(tx), w = 0;
        while (w < n && tx[w] != ' ')
            w++;
        bool is_label = false;
        for (size_t k = 0; set && set[k] && !is_label; k++)
            is_label = strlen(set[k]) == w && !memcmp(set[k], tx, w);
        if (set == in_words)
            is_label &= w == n || (w + 1 == n && tx[w] == ' ');
        else
            is_label &= w + 1 < n && tx[w + 1] >= '0' && tx[w + 1] <= '9';
        if (!is_label) {
            json_array_append(out, p);
            continue;
        }
        char k2[340];
        snprintf(k2, sizeof k2, "%s/%zu", key, i);
        const char *nw = set[mix(k2, SEED + 3) % nwords(set)];
        char *b = must(malloc(strlen(nw) + n + 1));
        strcpy(b, nw);
        strcat(b, tx + w);
        json_array_append_new(out, json_pack("[ss]", ln, b));
        free(b);
        any = true;
    }
    if (!any) {
        json_decref(out);
        return NULL;
    }
    return out;
}

/* The label and text of segment i. */
static const char *seg_label(json_t *seg, size_t i)
{
    return json_string_value(json_array_get(json_array_get(seg, i), 0)) ?: "";
}

static const char *seg_text(json_t *seg, size_t i)
{
    return json_string_value(json_array_get(json_array_get(seg, i), 1)) ?: "";
}

static void seg_add(json_t *out, const char *label, const char *text)
{
    if (*text)
        json_array_append_new(out, json_pack("[ss]", label, text));
}

/* A copy of an author-date reference (the names, then the date) with
 * its date moved before the names, as a CV or a publication list under
 * years writes its entries (`2019. Okafor, A. and Lind, B. Title. …`,
 * `(2019) Okafor, A. …`): no training style writes that, and the
 * tagger took such a leading year for a list number. The date's
 * brackets and the punctuation around it close the names as a period
 * would. A seeded sixth of those references; training split only. */
static json_t *year_first_copy(const char *style, long rec, json_t *seg)
{
    char key[300];
    snprintf(key, sizeof key, "yearfirst/%s/%ld", style, rec);
    if (mix(key, SEED) % 6)
        return NULL;
    size_t n = json_array_size(seg), d = 0;
    bool names = false;
    for (; d < n; d++) {
        const char *l = seg_label(seg, d);
        if (!strcmp(l, "date"))
            break;
        if (!strcmp(l, "author"))
            names = true;
        else if (strcmp(l, "punct"))
            return NULL;
    }
    if (d == n || !names || strcmp(seg_label(seg, 0), "author"))
        return NULL;
    /* the date without its white space; the punctuation after it */
    const char *dt = seg_text(seg, d);
    size_t dlen = strlen(dt);
    while (dlen && dt[dlen - 1] == ' ')
        dlen--;
    char *date = must(strndup(dt, dlen));
    size_t last = d;   /* the last segment of the names */
    while (last > 0 && !strcmp(seg_label(seg, last - 1), "punct"))
        last--;
    const char *after = d + 1 < n && !strcmp(seg_label(seg, d + 1), "punct") ? seg_text(seg, d + 1) : "";
    while (*after == ')' || *after == ']')
        after++;
    static const char *const opens[] = { "", "", "", "(", "" };
    static const char *const closes[] = { ". ", " ", ": ", ") ", " \xe2\x80\x93 " };
    unsigned v = mix(key, SEED + 5) % 5;
    json_t *out = json_array();
    seg_add(out, "punct", opens[v]);
    seg_add(out, "date", date);
    seg_add(out, "punct", closes[v]);
    for (size_t k = 0; k < last; k++)
        json_array_append(out, json_array_get(seg, k));
    /* what closes the names now: the date's punctuation without its
     * bracket, one period after an initial's */
    const char *nm = seg_text(seg, last - 1);
    size_t nl = strlen(nm);
    char mid[64];
    snprintf(mid, sizeof mid, "%s", *after && strspn(after, " ") < strlen(after) ? after : ". ");
    const char *m = mid;
    if (nl && nm[nl - 1] == '.' && *m == '.')
        m++;
    if (nl && nm[nl - 1] == ' ')
        m += strspn(m, " ");
    seg_add(out, "punct", m);
    for (size_t k = d + 1 + (d + 1 < n && !strcmp(seg_label(seg, d + 1), "punct")); k < n; k++)
        json_array_append(out, json_array_get(seg, k));
    free(date);
    return out;
}

/* Where the parts are in a reference whose names open it (after a
 * citation number and punctuation) and are followed by its title: *a
 * the names' first segment, *t the title's, *te one past the title's
 * last, *r the first segment after the punctuation that closes it (n
 * when none). False when the reference is not so. */
static bool names_then_title(json_t *seg, size_t *a, size_t *t, size_t *te, size_t *r)
{
    size_t n = json_array_size(seg);
    for (*a = 0; *a < n && strcmp(seg_label(seg, *a), "author"); ++*a)
        if (strcmp(seg_label(seg, *a), "punct") && strcmp(seg_label(seg, *a), "citation-number"))
            return false;
    for (*t = *a; *t < n && (!strcmp(seg_label(seg, *t), "author") || !strcmp(seg_label(seg, *t), "punct")); ++*t)
        ;
    if (*a == n || *t == n || strcmp(seg_label(seg, *t), "title"))
        return false;
    for (*te = *r = *t + 1; *r < n && (!strcmp(seg_label(seg, *r), "punct") || !strcmp(seg_label(seg, *r), "title")); ++*r)
        *te = strcmp(seg_label(seg, *r), "title") ? *te : *r + 1;
    for (*r = *te; *r < n && !strcmp(seg_label(seg, *r), "punct"); ++*r)
        ;
    return true;
}

/* A copy of a reference without its names (`Title, subtitle. Journal 3:
 * 1-9.`), as a list writes an anonymous work, a standard or a web page:
 * the names' place then holds the title, and a title opening with a
 * word and a comma or a slash is not a family name. A seeded tenth of
 * the references whose names are followed by the title; training split
 * only. */
static json_t *bare_copy(const char *style, long rec, json_t *seg)
{
    char key[300];
    snprintf(key, sizeof key, "bare/%s/%ld", style, rec);
    if (mix(key, SEED) % 10)
        return NULL;
    size_t n = json_array_size(seg), a, t, te, r;
    if (!names_then_title(seg, &a, &t, &te, &r))
        return NULL;
    json_t *out = json_array();
    for (size_t k = 0; k < a; k++)
        json_array_append(out, json_array_get(seg, k));
    for (size_t k = t; k < n; k++)
        json_array_append(out, json_array_get(seg, k));
    return out;
}

/* Appends the punctuation segments seg[i..j) to b (cap bytes). */
static void cat_punct(char *b, size_t cap, json_t *seg, size_t i, size_t j)
{
    for (; i < j; i++)
        snprintf(b + strlen(b), cap - strlen(b), "%s", seg_text(seg, i));
}

/* seg[i] with its text's trailing white space cut; ends_dot: 1 when it
 * ends in a period, 2 in `et al` (whose period the punctuation after holds) */
static void add_trimmed(json_t *out, json_t *seg, size_t i, int *ends_dot)
{
    const char *tx = seg_text(seg, i);
    size_t n = strlen(tx);
    while (n && tx[n - 1] == ' ')
        n--;
    char *b = must(strndup(tx, n));
    seg_add(out, seg_label(seg, i), b);
    if (ends_dot)
        *ends_dot = n > 2 && !memcmp(tx + n - 3, " al", 3) ? 2 : n && tx[n - 1] == '.';
    free(b);
}

/* A new copy (the caller's) that opens with seg's segments before its
 * names (a citation number), the title's opening quote (what pre holds
 * after the names' closing marks) and the title, segments [t, te), its
 * last one's white space cut: a title moved to the front. */
static json_t *title_opening(json_t *seg, size_t a, size_t t, size_t te, const char *pre)
{
    json_t *out = json_array();
    for (size_t k = 0; k < a; k++)
        json_array_append(out, json_array_get(seg, k));
    seg_add(out, "punct", pre + strspn(pre, " .,;:-/"));
    for (size_t k = t; k + 1 < te; k++)
        json_array_append(out, json_array_get(seg, k));
    add_trimmed(out, seg, te - 1, NULL);
    return out;
}

/* A copy of a reference that gives the names and then the title with
 * the title moved before the names, as personal publication pages write
 * their entries (`Fast Heaps, A. Okafor and B. Lind, Proc. LDC, 2021.`):
 * no style renders that, and the tagger took the title's first and last
 * words for names and the venue for the title. The title keeps its
 * quotes; its closing punctuation becomes a comma (two in three, as
 * such pages mostly write) or a period, the names end with a comma or a
 * period before the venue (seeded), labels move
 * with their text. A seeded sixth of those references with a venue
 * after the title; `salt` the seed (the training copies' or the
 * held-out check's, docs/refs.md). */
static json_t *title_first(const char *style, long rec, json_t *seg, unsigned salt)
{
    char key[300];
    snprintf(key, sizeof key, "titlefirst/%s/%ld", style, rec);
    if (mix(key, salt) % 6)
        return NULL;
    size_t n = json_array_size(seg), a, ne = 0, t, te, r;
    if (!names_then_title(seg, &a, &t, &te, &r))
        return NULL;
    for (size_t k = a; k < t; k++)   /* one past the names' last segment */
        ne = strcmp(seg_label(seg, k), "author") ? ne : k + 1;
    char pre[128] = "", post[128] = "", close[128] = "", tail[16];
    cat_punct(pre, sizeof pre, seg, ne, t);
    cat_punct(post, sizeof post, seg, te, r);
    const char *tt = seg_text(seg, te - 1), *q = !strpbrk(post, "?!") && *tt ? strchr("?!", tt[strlen(tt) - 1]) : "";
    if (r == n || (!q && !strpbrk(post, ".,:;")))
        return NULL;   /* no venue, or the title closed by a bracket */
    bool comma = mix(key, salt + 1) % 3, names_comma = mix(key, salt + 2) % 2;
    int ends_dot;
    /* the title's closing: its quotes and brackets kept, the first mark
     * the seeded one, the others left out; none after a `?` or `!` */
    for (size_t k = 0, o = 0, marks = 0; post[k] && o + 2 < sizeof close; k++)
        if (!strchr(".,:;", post[k]))
            close[o++] = post[k];
        else if (!marks++ && !q)
            close[o++] = comma ? ',' : '.';
    if (!*close || close[strlen(close) - 1] != ' ')
        strcat(close, " ");
    json_t *out = title_opening(seg, a, t, te, pre);
    seg_add(out, "punct", close);
    for (size_t k = a; k + 1 < ne; k++)
        json_array_append(out, json_array_get(seg, k));
    add_trimmed(out, seg, ne - 1, &ends_dot);
    snprintf(tail, sizeof tail, "%s%s", ends_dot == 2 ? "." : "",
             names_comma ? ", " : ends_dot ? " " : ". ");
    seg_add(out, "punct", tail);
    for (size_t k = r; k < n; k++)
        json_array_append(out, json_array_get(seg, k));
    return out;
}

static json_t *title_first_copy(const char *style, long rec, json_t *seg)
{
    return title_first(style, rec, seg, SEED);
}

/* the held-out check's copies: of validation references, never trained on */
json_t *title_first_check(const char *style, long rec, json_t *seg)
{
    return title_first(style, rec, seg, SEED + 13);
}

/* The source records' author lists (load_records), by record index. */
static json_t **rec_authors;
static size_t nrec_authors;

void load_records(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        perror(path);
        exit(2);
    }
    char *line = NULL;
    size_t cap = 0, room = 0;
    while (getline(&line, &cap, f) > 0) {
        json_t *j = json_loads(line, 0, NULL);
        if (nrec_authors == room) {
            room = room ? 2 * room : 4096;
            rec_authors = must(realloc(rec_authors, room * sizeof *rec_authors));
        }
        json_t *a = j ? json_object_get(j, "author") : NULL;
        rec_authors[nrec_authors++] = json_is_array(a) ? json_incref(a) : NULL;
        json_decref(j);
    }
    free(line);
    fclose(f);
}

/* The co-authors of record rec written given name first after `with`
 * (`with Arturo Quispe and L. Vogt`): every author but the first (the
 * list's owner), the given names whole or, for a seeded half of the
 * references, as initials; `, ` between them and ` and ` (a seeded half
 * `, and ` with three or more) before the last. False when the record
 * has fewer than two authors or one without a given and a family name. */
static bool coauthor_text(long rec, const char *key, bool cap, char *out, size_t room)
{
    json_t *a = rec >= 0 && (size_t)rec < nrec_authors ? rec_authors[rec] : NULL;
    size_t na = json_array_size(a);
    if (na < 2 || na > 12)
        return false;
    bool initials = mix(key, SEED + 3) % 2, oxford = mix(key, SEED + 2) % 2;
    size_t o = (size_t)snprintf(out, room, "%s", cap ? "With " : "with ");
    for (size_t k = 1; k < na && o < room; k++) {
        const char *g = json_string_value(json_object_get(json_array_get(a, k), "given"));
        const char *fam = json_string_value(json_object_get(json_array_get(a, k), "family"));
        if (!g || !fam || !*g || !*fam || strchr(g, '{') || strchr(fam, '{'))
            return false;
        const char *sep = k == 1 ? "" : k + 1 < na ? ", " : na > 3 && oxford ? ", and " : " and ";
        o += (size_t)snprintf(out + o, room - o, "%s", sep);
        if (initials) {
            /* each word's first letter (ASCII capitals only) and a period */
            for (const char *w = g; *w && o + 4 < room; w++)
                if ((w == g || w[-1] == ' ' || w[-1] == '-') && *w >= 'A' && *w <= 'Z') {
                    out[o++] = *w;
                    out[o++] = '.';
                    out[o++] = ' ';
                }
            out[o] = 0;
            if (o && out[o - 1] != ' ')
                return false;
            o += (size_t)snprintf(out + o, room - o, "%s", fam);
        } else {
            o += (size_t)snprintf(out + o, room - o, "%s %s", g, fam);
        }
    }
    return o + 1 < room;
}

/* A copy of a reference whose names are followed by the title, written
 * as one person's list of their own works writes it: the title first,
 * the person left out, the co-authors named after `with` (their names
 * from the source record, coauthor_text; `with` labelled with the names,
 * which the record builder drops, docs/refs.md "Records"): after the
 * title in brackets (`"Title," (with P. Kelly and N. Zhu). Venue …`) or
 * as a last sentence (`Title. Venue 3: 1-9. With Pia Kelly.`), a seeded
 * half each. No style renders that; a seeded sixth of those references
 * with two authors or more and a venue after the title; training split
 * only. (A third shape, the names between commas after the title,
 * `Title, with P. Kelly, Venue`, was tried and left out: it scored a
 * little lower on the title-first check; every table trained with these
 * copies, with it or without, read a title-first reference's title and
 * names as one name list, which the record builder mends; docs/refs.md
 * "Round of 2026-12-07, real pages".) */
static json_t *coauthor_copy(const char *style, long rec, json_t *seg)
{
    char key[300];
    snprintf(key, sizeof key, "coauthor/%s/%ld", style, rec);
    if (mix(key, SEED) % 6)
        return NULL;
    size_t n = json_array_size(seg), a, t, te, r;
    if (!names_then_title(seg, &a, &t, &te, &r) || r == n)
        return NULL;
    bool last = mix(key, SEED + 1) % 2; /* the names as a last sentence */
    char co[1024];
    if (!coauthor_text(rec, key, last, co, sizeof co))
        return NULL;
    char pre[128] = "", post[128] = "";
    cat_punct(pre, sizeof pre, seg, t - (t > a && !strcmp(seg_label(seg, t - 1), "punct")), t);
    cat_punct(post, sizeof post, seg, te, r);
    /* the title's quotes and brackets kept, its marks now a comma (the
     * names after it) or a period (the names last) */
    char close[128];
    size_t c = 0;
    bool q = false;
    for (size_t k = 0; post[k] && c + 3 < sizeof close; k++)
        if (!strchr(".,:;? ", post[k]))
            close[c++] = post[k];
        else if (post[k] == '?')
            close[c++] = '?', q = true;
    close[c] = 0;
    json_t *out = title_opening(seg, a, t, te, pre);
    char mark[160];
    snprintf(mark, sizeof mark, "%s%s%s", close, q ? "" : last ? "." : ",", last ? " " : " (");
    seg_add(out, "punct", mark);
    if (!last) {
        seg_add(out, "author", co);
        seg_add(out, "punct", "). ");
    }
    for (size_t k = r; k < n; k++)
        json_array_append(out, json_array_get(seg, k));
    if (last) {
        /* after the reference's last mark: ` With …` and a period */
        seg_add(out, "punct", " ");
        seg_add(out, "author", co);
        seg_add(out, "punct", ".");
    }
    return out;
}

/* Is label l one of a venue's (what a short own-list entry keeps)? */
static bool venue_label(const char *l)
{
    return !strcmp(l, "container-title") || !strcmp(l, "collection-title") || !strcmp(l, "publisher") ||
           !strcmp(l, "place");
}

/* A copy of a reference that gives the names and then the title,
 * written as a person's short list of their own works writes it: no
 * names (the list is the person's), the title, its venue (journal,
 * series, publisher, place, in the reference's order) and the year last
 * (`Title. Regional Studies 2022`, `Title, Duncker & Humblot, Berlin
 * 2004.`, `Title. Public Choice (2009)`): volume, pages, links and the
 * date's month and day left out. No style renders that; the tagger read such a journal into the
 * title. The title keeps its quotes and closes with a period or a comma
 * (seeded); a place moves before the year for a seeded half, as German
 * lists write `Berlin 2004`; the year follows a space, a comma or
 * brackets (seeded), a final period or none. A seeded tenth of the
 * references with a venue and a year; `salt` the seed (the training
 * copies' or the held-out short-form check's, docs/refs.md). */
static json_t *short_form(const char *style, long rec, json_t *seg, unsigned salt)
{
    char key[300];
    snprintf(key, sizeof key, "shortform/%s/%ld", style, rec);
    if (mix(key, salt) % 10)
        return NULL;
    size_t n = json_array_size(seg), a, t, te, r, date = SIZE_MAX, place = SIZE_MAX, nv = 0;
    if (!names_then_title(seg, &a, &t, &te, &r))
        return NULL;
    for (size_t k = 0; k < n; k++) {
        const char *l = seg_label(seg, k);
        if (!strcmp(l, "date") && date == SIZE_MAX)
            date = k;
        if (k >= te && venue_label(l))
            nv++, place = !strcmp(l, "place") ? k : place;
    }
    if (date == SIZE_MAX || !nv)
        return NULL;
    /* the year alone (`2019`, `2019a`): such lists write no month, and
     * a month kept taught the tagger that a word before the year is the
     * date's, where German lists write the place (`Baden-Baden 2019`) */
    const char *dt = seg_text(seg, date);
    size_t dlen = 0;
    while (*dt && !(strspn(dt, "0123456789") == 4 && (dt == seg_text(seg, date) || !isalnum((unsigned char)dt[-1]))))
        dt++;
    if (!*dt)
        return NULL;
    dlen = 4 + (isalpha((unsigned char)dt[4]) && !isalnum((unsigned char)dt[5]));
    if (isalnum((unsigned char)dt[dlen]))
        return NULL;
    char pre[128] = "", post[128] = "", close[128];
    cat_punct(pre, sizeof pre, seg, t - (t > a && !strcmp(seg_label(seg, t - 1), "punct")), t);
    cat_punct(post, sizeof post, seg, te, r);
    bool comma = mix(key, salt + 1) % 2, place_last = place != SIZE_MAX && mix(key, salt + 2) % 2;
    unsigned ysep = mix(key, salt + 3) % 3, end = mix(key, salt + 4) % 2;
    /* the title's quotes and brackets kept, its marks one period or comma */
    size_t c = 0;
    bool q = false;
    for (size_t k = 0; post[k] && c + 3 < sizeof close; k++)
        if (!strchr(".,:;? ", post[k]))
            close[c++] = post[k];
        else if (post[k] == '?' || post[k] == '!')
            close[c++] = post[k], q = true;
    close[c] = 0;
    strcat(close, q ? " " : comma ? ", " : ". ");
    json_t *out = title_opening(seg, a, t, te, pre);
    seg_add(out, "punct", close);
    size_t done = 0;
    for (size_t k = te; k < n; k++)
        if (venue_label(seg_label(seg, k)) && !(place_last && k == place)) {
            if (done++)
                seg_add(out, "punct", ", ");
            add_trimmed(out, seg, k, NULL);
        }
    if (place_last) {
        if (done)
            seg_add(out, "punct", ", ");
        add_trimmed(out, seg, place, NULL);
    }
    static const char *const opens[] = { " ", ", ", " (" };
    char *y = must(strndup(dt, dlen));
    seg_add(out, "punct", place_last && ysep == 2 ? " " : opens[ysep]);
    seg_add(out, "date", y);
    free(y);
    seg_add(out, "punct", ysep == 2 && !place_last ? (end ? ")." : ")") : end ? "." : "");
    return out;
}

static json_t *short_form_copy(const char *style, long rec, json_t *seg)
{
    return short_form(style, rec, seg, SEED);
}

/* the held-out short-form check's copies: of validation references */
json_t *short_form_check(const char *style, long rec, json_t *seg)
{
    return short_form(style, rec, seg, SEED + 17);
}

/* The copies of a rendered reference, in this order: for training, and
 * the last two for the held-out title-first and short-form checks. */
const refs_copier copiers[] = {
    slash_copy, word_copy, year_first_copy, bare_copy, title_first_copy, coauthor_copy,
    short_form_copy, title_first_check, short_form_check
};
const size_t ncopiers = sizeof copiers / sizeof *copiers;

/* ---- role words after a name list ---------------------------------------- */

/* The word that says a name list is of editors, after the list (`Smith,
 * J., editors`, `(Hg.)`, `(szerk.)`, `editores`), and CJK's `et al.`
 * (`等`): the rendered set labels `eds`, `Hrsg` and `et al.` with the
 * names (its labeller joins the words it knows to the list) and the
 * others, written by fewer styles, as a note (1,300 segments), while
 * AnyStyle's sequences keep them all inside the list; the label table
 * (docs/refs.md) puts them with the names and the record builder drops
 * them there (`roles` in core/reftag_record.c). Such a note after an
 * editor list, and `等` after any name list, with only a comma, a period
 * or a bracket between, is labelled as the list; the mark between stays
 * punct (labelled as the list, it taught the comma after a list's last
 * initials to be a name's: `Borrego JM, 1991.`). */
static const char *const role_words[] = {
    "ed", "eds", "editor", "editors", "editores", "editora", "editoras", "hg", "hrsg", "szerk",
    "red", "dir", "dirs", "coord", "coords", "org", "orgs", "\xc3\xa9" "d", "\xc3\xa9" "ds",
    "herausgeber", NULL
};

static bool is_role_word(const char *tx)
{
    size_t a = strspn(tx, " "), n = strlen(tx);
    while (n > a && (tx[n - 1] == ' ' || tx[n - 1] == '.'))
        n--;
    for (size_t k = 0; role_words[k]; k++)
        if (strlen(role_words[k]) == n - a && !strncasecmp(tx + a, role_words[k], n - a))
            return true;
    return false;
}

void role_words_with_names(json_t *seg, unsigned char *lab)
{
    size_t n = json_array_size(seg), o = 0, off[3] = { 0, 0, 0 };
    int l[3] = { -1, -1, -1 };
    for (size_t i = 0; i < n; i++) {
        json_t *p = json_array_get(seg, i);
        const char *ln = json_string_value(json_array_get(p, 0)) ?: "";
        const char *tx = json_string_value(json_array_get(p, 1)) ?: "";
        int li = bib_ref_label_of(ln, strlen(ln));
        size_t len = strlen(tx);
        /* l[0], l[1]: the two segments before this one (off: their starts) */
        l[0] = l[1], l[1] = l[2], l[2] = li;
        off[0] = off[1], off[1] = off[2], off[2] = o;
        o += len;
        if (li != BIB_REF_NOTE || l[1] != BIB_REF_PUNCT || off[2] - off[1] > 3 ||
            strspn(json_string_value(json_array_get(json_array_get(seg, i - 1), 1)), " ,(.") != off[2] - off[1])
            continue;
        bool cjk_etal = !strcmp(tx, "\xe7\xad\x89") && (l[0] == BIB_REF_AUTHOR || l[0] == BIB_REF_EDITOR);
        if (cjk_etal || (l[0] == BIB_REF_EDITOR && is_role_word(tx)))
            memset(lab + off[2], l[0], o - off[2]);
    }
}

/* ---- a link's final mark ----------------------------------------------------- */

long edge_marks_changed[2];

/* The marks the tokenizer gives back from the end of a link or DOI
 * (`https://x.org/a.`: the link and `.`) are punct, as the rendered set
 * labels them; tools/refs_anystyle.py trims a segment's edges by its own
 * tokens, which keep a link whole, so AnyStyle's sequences gave about 200
 * such marks the link's label. g: the n tokens' labels, changed in
 * place; anystyle: which count the changes go to. */
void link_marks_as_punct(const bib_ref_token *tok, size_t n, unsigned char *g, bool anystyle)
{
    for (size_t k = n; k-- > 1;)
        if ((g[k] == BIB_REF_URL || g[k] == BIB_REF_DOI) && tok[k].kind == BIB_REFTOK_PUNCT &&
            !tok[k].space_before && (k + 1 == n || g[k + 1] != g[k])) {
            size_t j = k;
            while (j > 0 && g[j - 1] == g[k] && tok[j - 1].kind == BIB_REFTOK_PUNCT)
                j--;
            if (j == 0 || g[j - 1] != g[k] || (tok[j - 1].kind != BIB_REFTOK_URL && tok[j - 1].kind != BIB_REFTOK_DOI))
                continue;
            for (size_t q = j; q <= k; q++)
                g[q] = BIB_REF_PUNCT;
            edge_marks_changed[anystyle] += (long)(k - j + 1);
        }
}

/* The period that closes a name list after unpointed initials or a
 * capitals name (`Kwok SJJ.`, `Yun SH.`, `GILFERT a J. REITHMAIER.`) is
 * punctuation, not an initial's point: both sources' labellers kept a
 * period with a capitals word of one or two letters (the rendered
 * set's trim_edges, AnyStyle's converter), so `SH.` had the period as
 * the name and `SJJ.` as punct, which no model reads apart (docs/refs.md,
 * "Mended keys"). tx: the reference's text; g: the n tokens' labels,
 * changed in place; counted in initials_marks_changed. */
long initials_marks_changed[2];

void initials_period_as_punct(const char *tx, const bib_ref_token *tok, size_t n, unsigned char *g,
                              bool anystyle)
{
    for (size_t k = 1; k < n; k++) {
        const bib_ref_token *w = &tok[k - 1];
        if ((g[k] != BIB_REF_AUTHOR && g[k] != BIB_REF_EDITOR) || g[k - 1] != g[k] ||
            tok[k].kind != BIB_REFTOK_PUNCT || tok[k].len != 1 || tx[tok[k].off] != '.' ||
            tok[k].space_before || w->kind != BIB_REFTOK_WORD || w->len < 2 ||
            (k + 1 < n && g[k + 1] == g[k]))
            continue;
        size_t a = 0;
        while (a < w->len && tx[w->off + a] >= 'A' && tx[w->off + a] <= 'Z')
            a++;
        if (a < w->len)
            continue;
        g[k] = BIB_REF_PUNCT;
        initials_marks_changed[anystyle]++;
    }
}
