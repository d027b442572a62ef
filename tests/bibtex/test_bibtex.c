/* SPDX-License-Identifier: MIT */
/*
 * test_bibtex.c - the bibtex plugin's lexer and reader rules, one case per
 * grammar feature, and the writer's escaping, names, months and keys.
 * The plugin's source is compiled into this program, so its descriptor is
 * used without the loader; text services have their own suites in
 * tests/text. Whole-file behaviour is in corpus.py.
 */
#include "testutil.h"
#include <dirent.h>
#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bibconv.h"
#include "btfmt.h"

extern const bib_plugin_desc bib_plugin_module;

/* What one read produced: the records and every diagnostic as
 * "line:col: severity: message" lines. */
typedef struct result {
    bib_record *rec[256]; /* more than the classic writer holds (64) */
    size_t n;
    char diags[4096];
    size_t ndiag;
    int last_rc;
} result;

static void collect(const bib_diag_msg *m, void *payload)
{
    result *r = payload;
    size_t used = strlen(r->diags);
    snprintf(r->diags + used, sizeof r->diags - used, "%zu:%zu: %s: %s\n", m->line, m->column,
             m->severity == BIB_SEV_ERROR ? "error" : m->severity == BIB_SEV_WARNING ? "warning"
                                                                                  : "note",
             m->message);
    if (m->severity >= BIB_SEV_WARNING)
        r->ndiag++;
}

static const bib_format_desc *format(const char *name)
{
    for (size_t i = 0; bib_plugin_module.formats[i]; i++)
        if (strcmp(bib_plugin_module.formats[i]->name, name) == 0)
            return bib_plugin_module.formats[i];
    ck_abort_msg("no format %s", name);
    return NULL;
}

/* Reads `text` as `fmt`; keeps entry records (directives too when
 * `directives`). The caller frees with done(). */
static result *read_as(const char *fmt, const char *text, bool directives)
{
    result *r = calloc(1, sizeof *r);
    bib_diag *d = bib_diag_new();
    bib_diag_set_callback(d, collect, r);
    bib_input *in = bib_input_open_memory(text, strlen(text), "t.bib", d);
    ck_assert_ptr_nonnull(in);
    bib_reader *rd = NULL;
    ck_assert_int_eq(bib_reader_new(&rd, format(fmt), in, NULL, false), 0);
    for (;;) {
        bib_record *rec = NULL;
        int rc = bib_reader_next(rd, &rec);
        if (rc == 0)
            break;
        if (rc < 0) {
            r->last_rc = rc;
            continue;
        }
        if ((bib_record_kind_of(rec) == BIB_RECORD_DIRECTIVE && !directives) || r->n == sizeof r->rec / sizeof r->rec[0])
            bib_record_free(rec);
        else
            r->rec[r->n++] = rec;
    }
    bib_reader_free(rd);
    bib_input_free(in);
    bib_diag_free(d);
    return r;
}

static result *rd(const char *text)
{
    return read_as("bibtex", text, false);
}

static void done(result *r)
{
    for (size_t i = 0; i < r->n; i++)
        bib_record_free(r->rec[i]);
    free(r);
}

static const char *text(const result *r, size_t i, bib_var v)
{
    ck_assert_uint_gt(r->n, i);
    const char *s = bib_record_text(r->rec[i], v);
    return s ? s : "(none)";
}

static const char *extra(const result *r, size_t i, const char *name)
{
    ck_assert_uint_gt(r->n, i);
    const char *s = bib_record_extra_get(r->rec[i], "bibtex", name);
    return s ? s : "(none)";
}

static const bib_name *name_at(const result *r, size_t i, bib_var v, size_t k)
{
    const bib_field *f = bib_record_get(r->rec[i], v);
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_gt(bib_field_name_count(f), k);
    return bib_field_name_at(f, k);
}

/* ---- lexer ------------------------------------------------------------ */

START_TEST(test_delimiters_and_case)
{
    result *r = rd("@ARTICLE{a, TITLE = {One}, Year = 2001}\n"
                   "@Book( b , title = \"Two\" , year = \"2002\" )\n"
                   "@misc{c,title={Three},}\n"
                   "@book{d}\n@book{e}\n@BOOK{f}\n@misc{g}\n@ARTICLE{h}\n@ARTICLE{i}\n");
    ck_assert_uint_eq(r->n, 9);
    /* a type as the entry before spelt it, or otherwise (the reader's
     * memo of the last type) */
    static const char *const lower[] = {"article", "book", "misc", "book", "book",
                                        "book",    "misc", "article", "article"};
    for (size_t i = 0; i < 9; i++) {
        size_t first = lower[i][0] == 'a' ? 0 : lower[i][0] == 'b' ? 1 : 2;
        ck_assert_str_eq(extra(r, i, "entrytype"), lower[i]);
        ck_assert_int_eq(bib_record_type(r->rec[i]), bib_record_type(r->rec[first]));
    }
    ck_assert_str_eq(bib_record_id(r->rec[0]), "a");
    ck_assert_str_eq(text(r, 0, BIB_VAR_TITLE), "One");
    ck_assert_int_eq(bib_record_type(r->rec[0]), BIB_TYPE_ARTICLE_JOURNAL);
    ck_assert_str_eq(bib_record_id(r->rec[1]), "b");
    ck_assert_str_eq(text(r, 1, BIB_VAR_TITLE), "Two");
    ck_assert_int_eq(bib_record_type(r->rec[1]), BIB_TYPE_BOOK);
    ck_assert_str_eq(text(r, 2, BIB_VAR_TITLE), "Three"); /* trailing comma */
    ck_assert_uint_eq(r->ndiag, 0);
    done(r);
}
END_TEST

/* An entry type past the reader's 63 bytes is cut at a character: the
 * entrytype extra stays UTF-8 (a type of 'y' with diaeresis, two bytes
 * each, was cut inside one, which made the CSL-JSON output invalid). */
START_TEST(test_long_type_cut_at_char)
{
    char in[256] = "@string";
    for (int i = 0; i < 40; i++)
        strcat(in, "\xC3\xBF");
    strcat(in, "{k, title = {T}}\n");
    result *r = rd(in);
    ck_assert_uint_eq(r->n, 1);
    const char *t = extra(r, 0, "entrytype");
    ck_assert_msg(bib_utf8_valid(t, strlen(t)), "'%s'", t);
    ck_assert_uint_eq(strlen(t), 62); /* "string" and 28 of them */
    done(r);
}
END_TEST

START_TEST(test_values)
{
    result *r = rd("@misc{k,\n"
                   "  note = {a {nested {deep}} \"quote\" value},\n"
                   "  howpublished = \"with {braces \"inside\"} quotes\",\n"
                   "  volume = 12,\n"
                   "  edition = {  spread\n   over\tlines  }\n}\n");
    ck_assert_uint_eq(r->n, 1);
    ck_assert_str_eq(text(r, 0, BIB_VAR_NOTE), "a nested deep \"quote\" value");
    ck_assert_str_eq(text(r, 0, BIB_VAR_VOLUME), "12");
    ck_assert_str_eq(text(r, 0, BIB_VAR_EDITION), "spread over lines");
    ck_assert_uint_eq(r->ndiag, 0);
    done(r);
}
END_TEST

/* A '%' that ends its line inside a value is TeX's comment: it goes with
 * the line break and the next line's indent (pandoc's 7668.in.bib). A '%'
 * with text after it stays (a percent sign, as bibtex(1) and biber keep
 * it), so does '\%', and a verbatim field keeps every '%'. */
START_TEST(test_percent_end_of_line_comment)
{
    result *r = rd("@book{k,\n"
                   "  year = \"%\n  1983\",\n"
                   "  publisher = {Division (EECS), %  \r\n\t\tUniversity},\n"
                   "  note = {50% of 10\\%%\n  x},\n"
                   "  title = {50% of\n  all},\n"
                   "  url = {http://x.org/a%\n b%20c}\n}\n");
    ck_assert_uint_eq(r->n, 1);
    const bib_date *d = bib_field_date(bib_record_get(r->rec[0], BIB_VAR_ISSUED));
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->parts[0].year, 1983);
    ck_assert_str_eq(text(r, 0, BIB_VAR_PUBLISHER), "Division (EECS), University");
    ck_assert_str_eq(text(r, 0, BIB_VAR_NOTE), "50% of 10%x");
    ck_assert_str_eq(text(r, 0, BIB_VAR_TITLE), "50% of all");
    ck_assert_str_eq(text(r, 0, BIB_VAR_URL), "http://x.org/a% b%20c");
    ck_assert_uint_eq(r->ndiag, 0);
    done(r);
}
END_TEST

START_TEST(test_macros_and_concatenation)
{
    result *r = rd("@string{jr = \"Journal of \"}\n"
                   "@STRING(pub = {Tests} # \" Press\")\n"
                   "@article{k, journal = jr # {Things}, publisher = pub,\n"
                   "  year = 1999, month = feb # \"~1\"}\n"
                   "@article{m, title = {T}, year = {2000}, month = OCT}\n");
    ck_assert_uint_eq(r->n, 2);
    ck_assert_str_eq(text(r, 0, BIB_VAR_CONTAINER_TITLE), "Journal of Things");
    ck_assert_str_eq(text(r, 0, BIB_VAR_PUBLISHER), "Tests Press");
    const bib_date *d = bib_field_date(bib_record_get(r->rec[1], BIB_VAR_ISSUED));
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->parts[0].year, 2000);
    ck_assert_int_eq(d->parts[0].month, 10);
    done(r);
}
END_TEST

START_TEST(test_undefined_macro_warns)
{
    result *r = rd("@misc{k, note = nosuchmacro # { and text}}\n");
    ck_assert_uint_eq(r->n, 1);
    ck_assert_msg(strstr(r->diags, "nosuchmacro") != NULL, "%s", r->diags);
    ck_assert_msg(strstr(r->diags, "1:17:") != NULL, "position: %s", r->diags);
    done(r);
}
END_TEST

START_TEST(test_text_between_entries)
{
    result *r = rd("Some notes, with an address user@example.org inside a line.\n"
                   "% a comment line\n"
                   "@misc{a, title = {A}}\n"
                   "stray } braces { and text\n"
                   "@misc{b, title = {B}}\n");
    ck_assert_uint_eq(r->n, 2);
    ck_assert_str_eq(bib_record_id(r->rec[1]), "b");
    ck_assert_uint_eq(r->ndiag, 0);
    done(r);
}
END_TEST

/* A lone '@' (no entry type after it) is text between entries, said in a
 * warning and not a skipped record; '%' lines between '@' and the type
 * are comments (a preamble, as biber reads it); "@{" is a damaged entry. */
START_TEST(test_lone_at_is_junk)
{
    result *r = read_as("bibtex",
                        "@\n\n@misc{a, title = {A}}\n"
                        "@\n  %c\npreamble\n  %c\n{ \"P\" }\n"
                        "@{b, title = {B}}\n"
                        "@misc{c, title = {C}}\n@",
                        true);
    ck_assert_uint_eq(r->n, 3);
    ck_assert_str_eq(bib_record_id(r->rec[0]), "a");
    ck_assert_str_eq(bib_record_directive_name(r->rec[1]), "preamble");
    ck_assert_str_eq(bib_record_id(r->rec[2]), "c");
    ck_assert_msg(strstr(r->diags, "1:1: warning: an '@' without an entry type is ignored") &&
                      strstr(r->diags, "11:1: warning: an '@' without an entry type") &&
                      strstr(r->diags, "9:2: error: expected an entry type"),
                  "%s", r->diags);
    ck_assert_uint_eq(r->ndiag, 3);
    done(r);
}
END_TEST

/* The blanks after an entry go with it when the next line starts an
 * entry (one_entry); the '@' is then at a line's start as skip_junk would
 * say: a lone '@' there is warned of, one after text on its line is not. */
START_TEST(test_blanks_between_entries)
{
    result *r = read_as("bibtex",
                        "@misc{a, title = {A}}\n \t\n  @ \n"
                        "@misc{b, title = {B}} @ c\n"
                        "@misc{d, title = {D}}\r\n@ \n"
                        "@misc{e, title = {E}}\r@\n@misc{f, title = {F}}\n\n\n@misc{g}",
                        true);
    ck_assert_uint_eq(r->n, 6);
    ck_assert_str_eq(bib_record_id(r->rec[3]), "e");
    ck_assert_str_eq(bib_record_id(r->rec[5]), "g");
    ck_assert_msg(strstr(r->diags, "3:3: warning: an '@' without an entry type") &&
                      strstr(r->diags, "6:1: warning: an '@' without an entry type") &&
                      strstr(r->diags, "8:1: warning: an '@' without an entry type"),
                  "%s", r->diags);
    ck_assert_uint_eq(r->ndiag, 3);
    done(r);
}
END_TEST

START_TEST(test_preamble_and_comment_kept)
{
    result *r = read_as("bibtex",
                        "@preamble{ \"\\newcommand{\\noop}[1]{}\" }\n"
                        "@comment{jabref-meta: databaseType:bibtex;}\n"
                        "@misc{a, title = {A}}\n",
                        true);
    ck_assert_uint_eq(r->n, 3);
    ck_assert_int_eq(bib_record_kind_of(r->rec[0]), BIB_RECORD_DIRECTIVE);
    ck_assert_str_eq(bib_record_directive_name(r->rec[0]), "preamble");
    ck_assert_int_eq(bib_record_kind_of(r->rec[1]), BIB_RECORD_DIRECTIVE);
    ck_assert_str_eq(bib_record_directive_name(r->rec[1]), "comment");
    size_t n = 0;
    const char *t = bib_record_directive_text(r->rec[1], &n);
    ck_assert_ptr_nonnull(strstr(t, "jabref-meta"));
    done(r);
}
END_TEST

START_TEST(test_duplicate_field_first_wins)
{
    result *r = rd("@misc{a, title = {First}, TITLE = {Second}}\n");
    ck_assert_uint_eq(r->n, 1);
    ck_assert_str_eq(text(r, 0, BIB_VAR_TITLE), "First");
    ck_assert_msg(strstr(r->diags, "duplicate field 'title'") != NULL, "%s", r->diags);
    done(r);
}
END_TEST

START_TEST(test_duplicate_key_both_kept)
{
    result *r = rd("@misc{a, title = {One}}\n@misc{a, title = {Two}}\n");
    ck_assert_uint_eq(r->n, 2);
    ck_assert_str_eq(text(r, 0, BIB_VAR_TITLE), "One");
    ck_assert_str_eq(text(r, 1, BIB_VAR_TITLE), "Two");
    ck_assert_msg(strstr(r->diags, "2:") == r->diags && strstr(r->diags, "duplicate key 'a'"),
                  "%s", r->diags);
    done(r);
}
END_TEST

/* ---- errors and resynchronisation ------------------------------------ */

START_TEST(test_missing_brace_costs_one_entry)
{
    result *r = rd("@article{bad, title = {Unclosed,\n  year = 2000\n"
                   "@article{good, title = {Fine}}\n");
    ck_assert_uint_eq(r->n, 1);
    ck_assert_str_eq(bib_record_id(r->rec[0]), "good");
    ck_assert_msg(strstr(r->diags, "1:") == r->diags && strstr(r->diags, "error"), "%s",
                  r->diags);
    done(r);
}
END_TEST

/* Positions after every construct that holds line ends: the reader
 * counts them while it parses (the input does not count an entry's bytes
 * again), so each is followed by an undefined macro whose line:column is
 * said. Line ends are "\n", "\r\n" and a lone "\r" (io.h). */
START_TEST(test_lines_after_multiline_constructs)
{
    result *r = rd("@string{s = \"two\n"                      /* 1 */
                   "lines\"}\n"                               /* 2 */
                   "@misc{a, title = m1}\n"                   /* 3 */
                   "@preamble{\"x\n"                          /* 4 */
                   "y\"}  @misc{b, title = m2}\n"             /* 5 */
                   "@comment{one\n"                           /* 6 */
                   "two}\n"                                   /* 7 */
                   "@comment a bare\rcomment\n"               /* 8, 9 */
                   "% a comment line\n"                       /* 10 */
                   "@misc{c,\n"                               /* 11 */
                   "  % a comment between fields\n"           /* 12 */
                   "  title = {T %\n"                         /* 13 */
                   "    end}, note = \"q\n"                   /* 14 */
                   "\tr{\n"                                   /* 15 */
                   "}\" #\n"                                  /* 16 */
                   "  s, year = m3}\n"                        /* 17 */
                   "\n"                                       /* 18 */
                   "  @misc{author\n"                         /* 19 */
                   "   = m4}\n"                               /* 20 */
                   "@misc{d,\r\n"                             /* 21 */
                   "  title = {A\r\n"                         /* 22 */
                   "B},\r\n"                                  /* 23 */
                   "  note = m5\r\n"                          /* 24 */
                   "}\r\n"                                    /* 25 */
                   "@misc{e, title = m6}\r\n"                 /* 26 */
                   "@misc{f,\r"                               /* 27 */
                   " title = {A\rB}\r"                        /* 28, 29 */
                   "}\r"                                      /* 30 */
                   "@misc{g, title = m7}\n"                   /* 31 */
                   "@misc{h, title = {x},\n"                  /* 32 */
                   "\n"                                       /* 33 */
                   "}\n"                                      /* 34 */
                   "\n"                                       /* 35 */
                   "@misc{i, title = m8}\n");                 /* 36 */
    ck_assert_uint_eq(r->n, 10);
    static const char *const want[] = {
        "3:18: warning: undefined macro 'm1'",
        "5:23: warning: undefined macro 'm2'",
        "17:13: warning: undefined macro 'm3'",
        "20:6: warning: undefined macro 'm4'", /* said while parsing */
        "19:9: warning: entry without a key",  /* said once parsed */
        "24:10: warning: undefined macro 'm5'",
        "26:18: warning: undefined macro 'm6'",
        "31:18: warning: undefined macro 'm7'",
        "36:18: warning: undefined macro 'm8'",
    };
    const char *d = r->diags;
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        ck_assert_msg(strncmp(d, want[i], strlen(want[i])) == 0, "want '%s' in:\n%s", want[i],
                      r->diags);
        d = strchr(d, '\n');
        ck_assert_ptr_nonnull(d);
        d++;
    }
    ck_assert_msg(*d == '\0', "more than expected:\n%s", r->diags);
    done(r);
}
END_TEST

/* An entry longer than the input's window is parsed again from its start
 * once the window has grown: its undefined macros are said once, not once
 * a parse (a 100 KB abstract after the macro, the default window 64 KiB). */
START_TEST(test_long_entry_warns_once)
{
    size_t big = 100000;
    const char *head = "@misc{a,\n  title = m1 # { x},\n  abstract = {";
    const char *tail = "},\n  note = m2\n}\n@misc{b, title = m3}\n";
    char *t = malloc(strlen(head) + big + strlen(tail) + 1);
    ck_assert_ptr_nonnull(t);
    strcpy(t, head);
    memset(t + strlen(head), 'a', big);
    strcpy(t + strlen(head) + big, tail);
    result *r = rd(t);
    free(t);
    ck_assert_uint_eq(r->n, 2);
    ck_assert_msg(strcmp(r->diags, "2:11: warning: undefined macro 'm1' in field 'title': it adds "
                                   "nothing to the value\n"
                                   "4:10: warning: undefined macro 'm2' in field 'note': it adds "
                                   "nothing to the value\n"
                                   "6:18: warning: undefined macro 'm3' in field 'title': it adds "
                                   "nothing to the value\n") == 0,
                  "got:\n%s", r->diags);
    done(r);
}
END_TEST

START_TEST(test_bad_field_position)
{
    result *r = rd("@misc{a, title = {A}}\n"
                   "@misc{b,\n  title = {B}\n  year 2000}\n"
                   "@misc{c, title = {C}}\n");
    ck_assert_uint_eq(r->n, 2);
    ck_assert_str_eq(bib_record_id(r->rec[1]), "c");
    /* the parser stopped at 'year' on line 4, column 3 */
    ck_assert_msg(strstr(r->diags, "4:3: error:") != NULL && strstr(r->diags, "'year"), "%s",
                  r->diags);
    done(r);
}
END_TEST

/* After a bad entry the reader resumes at the next '@' that starts a
 * line, and a lone CR ends one (io.h): the entry after it was skipped with
 * the bad one, and nothing said so (the -j split cut there). */
START_TEST(test_resync_after_lone_cr)
{
    result *r = rd("@misc{b, year = 20x1\n}\n\r@misc{c, title = {C}}\n"
                   "@misc{d, year = 20x1}\r@misc{e, title = {E}}\r");
    ck_assert_uint_eq(r->n, 2);
    ck_assert_str_eq(bib_record_id(r->rec[0]), "c");
    ck_assert_str_eq(bib_record_id(r->rec[1]), "e");
    done(r);
}
END_TEST

START_TEST(test_unterminated_string)
{
    result *r = rd("@misc{a, title = \"never closed}\n"
                   "@misc{b, title = {B}}\n");
    ck_assert_uint_eq(r->n, 1);
    ck_assert_str_eq(bib_record_id(r->rec[0]), "b");
    ck_assert_uint_ge(r->ndiag, 1);
    done(r);
}
END_TEST

START_TEST(test_garbage_only)
{
    result *r = rd("@@@@ {{{{ }}}} @x{ @y( \"\n");
    ck_assert_uint_eq(r->n, 0);
    ck_assert_uint_ge(r->ndiag, 1);
    done(r);
}
END_TEST

/* ---- conversions on read -------------------------------------------- */

START_TEST(test_latex_and_nocase)
{
    result *r = rd("@article{a, title = {The {DNA} of {\\\"u}ber \\emph{Caf\\'e} --- "
                   "``quoted'' 5\\%},\n author = {M{\\\"u}ller, J{\\o}rg and "
                   "{\\v{S}}koda, {\\v S}imon}}\n");
    ck_assert_uint_eq(r->n, 1);
    ck_assert_str_eq(text(r, 0, BIB_VAR_TITLE),
                     "The <span class=\"nocase\">DNA</span> of über <i>Café</i> — "
                     "\u201cquoted\u201d 5%");
    ck_assert_str_eq(name_at(r, 0, BIB_VAR_AUTHOR, 0)->family, "Müller");
    ck_assert_str_eq(name_at(r, 0, BIB_VAR_AUTHOR, 0)->given, "Jørg");
    ck_assert_str_eq(name_at(r, 0, BIB_VAR_AUTHOR, 1)->family, "Škoda");
    ck_assert_str_eq(name_at(r, 0, BIB_VAR_AUTHOR, 1)->given, "Šimon");
    done(r);
}
END_TEST

START_TEST(test_names_and_others)
{
    result *r = rd("@book{a, author = {van der Berg, Jr., Jan and {World Health "
                   "Organization} and others},\n editor = {Jean-Paul Sartre}}\n");
    const bib_field *f = bib_record_get(r->rec[0], BIB_VAR_AUTHOR);
    ck_assert_uint_eq(bib_field_name_count(f), 2);
    ck_assert(bib_field_names_truncated(f));
    const bib_name *n = bib_field_name_at(f, 0);
    ck_assert_str_eq(n->family, "Berg");
    ck_assert_str_eq(n->non_dropping_particle, "van der");
    ck_assert_str_eq(n->suffix, "Jr.");
    ck_assert_str_eq(bib_field_name_at(f, 1)->literal, "World Health Organization");
    ck_assert_str_eq(name_at(r, 0, BIB_VAR_EDITOR, 0)->given, "Jean-Paul");
    done(r);
}
END_TEST

START_TEST(test_crossref_inherits)
{
    result *r = rd("@inproceedings{child, title = {Paper}, crossref = {conf}, pages = {1--2}}\n"
                   "@proceedings{conf, title = {Proceedings of Things}, year = 2010,\n"
                   "  publisher = {ACM}, editor = {Ann Editor}}\n"
                   "@inproceedings{orphan, title = {Alone}, crossref = {nowhere}}\n");
    ck_assert_uint_eq(r->n, 3);
    const bib_record *c = NULL;
    for (size_t i = 0; i < r->n; i++)
        if (strcmp(bib_record_id(r->rec[i]), "child") == 0)
            c = r->rec[i];
    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(bib_record_text(c, BIB_VAR_TITLE), "Paper");
    ck_assert_str_eq(bib_record_text(c, BIB_VAR_CONTAINER_TITLE), "Proceedings of Things");
    ck_assert_str_eq(bib_record_text(c, BIB_VAR_PUBLISHER), "ACM");
    ck_assert(bib_record_has(c, BIB_VAR_ISSUED));
    ck_assert(bib_record_has(c, BIB_VAR_EDITOR));
    ck_assert_msg(strstr(r->diags, "nowhere") != NULL, "%s", r->diags);
    done(r);
}
END_TEST

START_TEST(test_xdata)
{
    result *r = read_as("biblatex",
                        "@xdata{pub, publisher = {Springer}, location = {Berlin}}\n"
                        "@book{b, title = {Book}, xdata = {pub}, date = {2001-03}}\n",
                        false);
    ck_assert_uint_eq(r->n, 1);
    ck_assert_str_eq(text(r, 0, BIB_VAR_PUBLISHER), "Springer");
    ck_assert_str_eq(text(r, 0, BIB_VAR_PUBLISHER_PLACE), "Berlin");
    done(r);
}
END_TEST

START_TEST(test_biblatex_dates)
{
    result *r = read_as("biblatex",
                        "@online{o, title = {T}, date = {2019-04/2020-06-30},\n"
                        "  urldate = {2021-01-02}, eventdate = {2018/}}\n",
                        false);
    const bib_date *d = bib_field_date(bib_record_get(r->rec[0], BIB_VAR_ISSUED));
    ck_assert_int_eq(d->nparts, 2);
    ck_assert_int_eq(d->parts[0].month, 4);
    ck_assert_int_eq(d->parts[1].day, 30);
    d = bib_field_date(bib_record_get(r->rec[0], BIB_VAR_ACCESSED));
    ck_assert_int_eq(d->parts[0].day, 2);
    d = bib_field_date(bib_record_get(r->rec[0], BIB_VAR_EVENT_DATE));
    ck_assert_int_eq(d->nparts, 2);
    ck_assert(!d->parts[1].has_year);
    done(r);
}
END_TEST

START_TEST(test_unmapped_kept_as_extra)
{
    result *r = rd("@article{a, title = {T}, mrnumber = {MR123}, Timestamp = {2020}}\n");
    ck_assert_str_eq(extra(r, 0, "mrnumber"), "MR123");
    ck_assert_str_eq(extra(r, 0, "timestamp"), "2020");
    done(r);
}
END_TEST

/* A line break in an unmapped value, with the white space around it, is
 * one space (BibTeX's reading); other runs of white space stay (issue 15:
 * JabRef's "\n\t\n\t" made pandoc read the YAML value as a code block);
 * inside a keyword, every run is one space, as in text fields. */
START_TEST(test_extra_line_breaks_are_spaces)
{
    result *r = rd("@article{a, title = {T}, affiliation = {X,\n\t\n\tY \r\n Z},\n"
                   "  file = {a  b\tc}, note2 = {\n  lead},\n"
                   "  keywords = {Cell\n\t\n\t Culture, B}}\n");
    ck_assert_str_eq(extra(r, 0, "affiliation"), "X, Y Z");
    ck_assert_str_eq(extra(r, 0, "file"), "a  b\tc");
    ck_assert_str_eq(extra(r, 0, "note2"), "lead");
    ck_assert_str_eq(text(r, 0, BIB_VAR_KEYWORD), "Cell Culture");
    done(r);
}
END_TEST

/* In an @article the journal is the container wherever it stands (a
 * booktitle before it is the extra, as the writer keeps it); a year beside
 * a date that repeats the date's start, a BC one too, is not an extra. */
START_TEST(test_container_and_year_beside_date)
{
    result *r = rd("@article{a, booktitle = {B}, journal = {J}, title = {T}}\n"
                   "@book{b, journal = {J}, booktitle = {B}, title = {T}}\n"
                   "@article{c, year = {-878}, date = {-0877/-0866}}\n");
    ck_assert_str_eq(text(r, 0, BIB_VAR_CONTAINER_TITLE), "J");
    ck_assert_str_eq(extra(r, 0, "booktitle"), "B");
    ck_assert_str_eq(text(r, 1, BIB_VAR_CONTAINER_TITLE), "B");
    ck_assert_str_eq(extra(r, 1, "journal"), "J");
    ck_assert_str_eq(extra(r, 2, "year"), "(none)");
    done(r);
}
END_TEST

/* ---- writer --------------------------------------------------------- */

/* Writes the records of r as `fmt` with option `opt` (or none). */
static char *write_as(const char *fmt, const result *r, const char *opt)
{
    bib_diag *d = bib_diag_new();
    bib_output *out = bib_output_open_memory(d);
    bib_options *o = bib_options_new();
    if (opt)
        ck_assert_int_eq(bib_options_parse(o, opt), 0);
    bib_writer *w = NULL;
    ck_assert_int_eq(bib_writer_new(&w, format(fmt), out, o), 0);
    for (size_t i = 0; i < r->n; i++)
        ck_assert_int_eq(bib_writer_write(w, r->rec[i]), 0);
    ck_assert_int_eq(bib_writer_finish(w), 0);
    bib_writer_free(w);
    ck_assert_int_eq(bib_output_commit(out), 0);
    size_t n = 0;
    const char *s = bib_output_memory(out, &n);
    char *copy = strndup(s, n);
    bib_output_free(out);
    bib_options_free(o);
    bib_diag_free(d);
    return copy;
}

/* "@comment text" without delimiters is written back with braces (biber's
 * parser refuses the bare form); a delimited one, or one whose braces do
 * not balance, as it was. */
START_TEST(test_write_bare_comment_braced)
{
    result *r = read_as("bibtex",
                        "@Comment some {user} text\n"
                        "@comment{kept}\n"
                        "@comment ( paren )\n"
                        "@ comment spaced text\n"
                        "@\n\ncomment{lines apart}\n"
                        "@misc{a, title = {A}}\n",
                        true);
    ck_assert_uint_eq(r->n, 6);
    char *s = write_as("biblatex", r, NULL);
    ck_assert_msg(strstr(s, "@Comment{some {user} text}\n"), "%s", s);
    ck_assert_msg(strstr(s, "@comment{kept}\n"), "%s", s);
    ck_assert_msg(strstr(s, "@comment ( paren )\n"), "%s", s);
    /* blanks between '@' and the name (fuzz_bt_writer: "@{\n\ncomment{...}}") */
    ck_assert_msg(strstr(s, "@comment{spaced text}\n"), "%s", s);
    ck_assert_msg(strstr(s, "@\n\ncomment{lines apart}\n"), "%s", s);
    result *back = read_as("biblatex", s, true);
    ck_assert_uint_eq(back->n, 6);
    ck_assert_uint_eq(back->ndiag, 0);
    done(back);
    free(s);
    done(r);
}
END_TEST

/* '%' lines between '@' and a directive's name are comments to the reader
 * (Zotero's parser test) but stop BibTeX: the head is written '@' and the
 * name; a head without them stays as the source spelled it. */
START_TEST(test_write_directive_head_comments)
{
    result *r = read_as("bibtex",
                        "@\n  %c\nPreamble\n  %c\n{ \"P\" }\n"
                        "@\n%c\nstring\n%c\n(s = \"S\")\n"
                        "@\n %c\npreamble\n(bare)\n"
                        "@ preamble {\"x\"}\n"
                        "@misc{a, title = {A}}\n",
                        true);
    ck_assert_uint_eq(r->n, 5);
    for (int k = 0; k < 2; k++) {
        char *s = write_as(k ? "biblatex" : "bibtex", r, NULL);
        ck_assert_msg(strstr(s, "@Preamble{ \"P\" }\n"), "%s", s);
        ck_assert_msg(strstr(s, "@string(s = \"S\")\n"), "%s", s);
        ck_assert_msg(strstr(s, "@preamble({bare})\n"), "%s", s);
        ck_assert_msg(strstr(s, "@ preamble {\"x\"}\n"), "%s", s);
        ck_assert_msg(!strchr(s, '%'), "%s", s);
        free(s);
    }
    done(r);
}
END_TEST

/* Classic BibTeX takes keys that differ only in case for one entry: the
 * later one gets a generated key, with a warning; BibLaTeX keeps both. */
START_TEST(test_write_keys_differing_in_case)
{
    result *r = read_as("bibtex", "@misc{bug, title = {A}}\n@misc{BUG, title = {B}}\n", false);
    ck_assert_uint_eq(r->n, 2);
    char *s = write_as("bibtex", r, NULL);
    ck_assert_msg(strstr(s, "@misc{bug,\n"), "%s", s);
    ck_assert_msg(!strstr(s, "{BUG,") && !strstr(s, "{Bug,"), "%s", s);
    free(s);
    s = write_as("biblatex", r, NULL);
    ck_assert_msg(strstr(s, "@misc{bug,\n") && strstr(s, "@misc{BUG,\n"), "%s", s);
    free(s);
    s = write_as("bibtex", r, "keys=keep");
    ck_assert_msg(strstr(s, "@misc{BUG,\n"), "%s", s);
    free(s);
    done(r);
}
END_TEST

/* @xdata: BibLaTeX output gives it back with the no-break spaces outside
 * its values as spaces (biber's parser takes none); classic output, which
 * has no @xdata, writes its fields in the entry that names it instead,
 * and the xdata key in its note `xdata-omitted`, which the reader takes
 * back as the entry's xdata, unresolved and without a warning. */
START_TEST(test_write_xdata)
{
    result *r = read_as("biblatex",
                        "@xdata{pub,\n \xc2\xa0 publisher\xc2\xa0= {A.\xc2\xa0Knopf}}\n"
                        "@book{b, title = {Book}, xdata = {pub}, date = {2001}}\n",
                        true);
    ck_assert_uint_eq(r->n, 2);
    char *s = write_as("biblatex", r, NULL);
    ck_assert_msg(strstr(s, "@xdata{pub,\n   publisher = {A.\xc2\xa0Knopf}}"), "%s", s);
    ck_assert_msg(strstr(s, "xdata = {pub}") && !strstr(s, "publisher = {A.~"), "%s", s);
    free(s);
    s = write_as("bibtex", r, NULL);
    ck_assert_msg(!strstr(s, "@xdata") && !strstr(s, "  xdata "), "%s", s);
    ck_assert_msg(strstr(s, "publisher     = {A.~Knopf}") && strstr(s, "xdata-omitted = {pub}"),
                  "%s", s);
    result *b = rd(s);
    ck_assert_uint_eq(b->n, 1);
    ck_assert_uint_eq(b->ndiag, 0);
    ck_assert_str_eq(extra(b, 0, "xdata"), "pub");
    ck_assert_str_eq(extra(b, 0, "xdata-omitted"), "(none)");
    ck_assert_str_eq(text(b, 0, BIB_VAR_PUBLISHER), text(r, 1, BIB_VAR_PUBLISHER));
    done(b);
    free(s);
    done(r);
}
END_TEST

START_TEST(test_write_escapes_and_layout)
{
    result *r = rd("@article{a, title = {Fish \\& Chips: 100\\% {\\#}1 a\\_b {NASA}},\n"
                   "  author = {Gödel, Kurt and {Ærø Group}}, journal = {Zeitschrift für X},\n"
                   "  url = {https://x.org/a_b%20c#frag}, doi = {10.1000/a_b},\n"
                   "  year = 1931, month = mar}\n");
    char *s = write_as("bibtex", r, NULL);
    ck_assert_msg(strstr(s, "@article{a,\n") == s, "%s", s);
    ck_assert_msg(strstr(s, "  title   = {Fish \\& Chips: 100\\% \\#1 a\\_b {NASA}},\n"), "%s",
                  s);
    ck_assert_msg(strstr(s, "{G\\\"odel}, Kurt") || strstr(s, "G{\\\"o}del, Kurt"), "%s", s);
    ck_assert_msg(strstr(s, "{{\\AE}r{\\o} Group}") || strstr(s, "{\\AE}r{\\o} Group"), "%s", s);
    ck_assert_msg(strstr(s, "= {https://x.org/a_b%20c#frag}\n"), "url verbatim: %s", s);
    ck_assert_msg(strstr(s, "= {10.1000/a_b},"), "doi verbatim: %s", s);
    ck_assert_msg(strstr(s, "= mar,") || strstr(s, "= mar\n"), "month macro: %s", s);
    free(s);
    /* biblatex keeps UTF-8 unless asked */
    s = write_as("biblatex", r, NULL);
    ck_assert_msg(strstr(s, "Gödel") && strstr(s, "journaltitle") && strstr(s, "1931-03"), "%s",
                  s);
    free(s);
    s = write_as("biblatex", r, "ascii=true");
    ck_assert_msg(!strstr(s, "Gödel") && strstr(s, "\\\"o"), "%s", s);
    free(s);
    s = write_as("bibtex", r, "ascii=false");
    ck_assert_msg(strstr(s, "Gödel"), "%s", s);
    free(s);
    done(r);
}
END_TEST

START_TEST(test_write_names_read_back)
{
    const char *in = "@book{a, author = {de la Fontaine, Jean and van Beethoven, Jr, Ludwig "
                     "and {Barnes and Noble} and Charles Louis Xavier Joseph de la "
                     "Vall{\\'e}e Poussin and Carrami{~n}ana, A.}, title = {T}}\n";
    result *r = rd(in);
    /* a braced tie is a no-break space in the part, and stays one */
    ck_assert_str_eq(name_at(r, 0, BIB_VAR_AUTHOR, 4)->family, "Carrami\xC2\xA0nana");
    char *s = write_as("bibtex", r, NULL);
    result *back = rd(s);
    ck_assert_uint_eq(back->n, 1);
    const bib_field *a = bib_record_get(r->rec[0], BIB_VAR_AUTHOR);
    const bib_field *b = bib_record_get(back->rec[0], BIB_VAR_AUTHOR);
    ck_assert_uint_eq(bib_field_name_count(a), bib_field_name_count(b));
    for (size_t i = 0; i < bib_field_name_count(a); i++) {
        const bib_name *x = bib_field_name_at(a, i), *y = bib_field_name_at(b, i);
#define SAME(part) ck_assert_msg((!x->part && !y->part) || (x->part && y->part && \
                                 strcmp(x->part, y->part) == 0), \
                                 "name %zu " #part ": %s vs %s in\n%s", i, \
                                 x->part ? x->part : "-", y->part ? y->part : "-", s)
        SAME(family);
        SAME(given);
        SAME(non_dropping_particle);
        SAME(dropping_particle);
        SAME(suffix);
        SAME(literal);
#undef SAME
    }
    free(s);
    done(back);
    done(r);
}
END_TEST

START_TEST(test_write_auto_keys)
{
    result *r = rd("@article{, author = {Čapek, Karel}, title = {The War with the Newts},"
                   " year = 1936}\n"
                   "@article{, author = {Čapek, Karel}, title = {The Absolute at Large},"
                   " year = 1936}\n"
                   "@article{keepme, author = {Other, A.}, title = {X}, year = 1900}\n");
    ck_assert_uint_eq(r->n, 3);
    char *s = write_as("bibtex", r, NULL);
    ck_assert_msg(strstr(s, "@article{capek1936war,") && strstr(s, "@article{capek1936absolute,") &&
                      strstr(s, "@article{keepme,"),
                  "%s", s);
    free(s);
    s = write_as("bibtex", r, "keys=regenerate");
    ck_assert_msg(!strstr(s, "keepme") && strstr(s, "{other1900"), "%s", s);
    free(s);
    done(r);
}
END_TEST

/* biber's parser ends a key at a parenthesis or an apostrophe: BibLaTeX
 * output writes them as '_' and keeps keys unique; classic BibTeX takes
 * them, so the classic writer keeps the key. */
START_TEST(test_write_biber_key_bytes)
{
    result *r = rd("@misc{Agilent(2022)Mods, title = {A}}\n"
                   "@misc{Dobrovol'skii_1963, title = {B}}\n"
                   "@misc{Agilent_2022_Mods, title = {C}}\n");
    char *s = write_as("biblatex", r, NULL);
    ck_assert_msg(!strstr(s, "@misc{Agilent(") && !strstr(s, "@misc{Dobrovol'"), "%s", s);
    ck_assert_msg(strstr(s, "@misc{Agilent_2022_Mods,") && strstr(s, "@misc{Dobrovol_skii_1963,"),
                  "%s", s);
    /* the third, whose own key the first now has, gets another */
    const char *third = strstr(s, "title = {C}");
    ck_assert_ptr_nonnull(third);
    const char *head = s, *p;
    while ((p = strstr(head + 1, "@misc{")) && p < third)
        head = p;
    ck_assert_msg(strncmp(head, "@misc{Agilent_2022_Mods,", 24) != 0, "%s", s);
    /* the old key goes on as the entry's alias in `ids`, which the reader
     * takes back as the id; not for the third, renamed as a repeated key */
    ck_assert_msg(strstr(s, "ids   = {Agilent(2022)Mods}") &&
                      strstr(s, "ids   = {Dobrovol'skii_1963}") && !strstr(third, "ids"),
                  "%s", s);
    result *b = rd(s);
    ck_assert_uint_eq(b->n, 3);
    for (size_t i = 0; i < 2; i++) {
        ck_assert_str_eq(bib_record_id(b->rec[i]), bib_record_id(r->rec[i]));
        ck_assert_str_eq(extra(b, i, "ids"), "(none)");
    }
    done(b);
    free(s);
    s = write_as("bibtex", r, NULL);
    ck_assert_msg(strstr(s, "{Agilent(2022)Mods,") && strstr(s, "{Dobrovol'skii_1963,"), "%s", s);
    ck_assert_msg(!strstr(s, "ids"), "%s", s);
    free(s);
    done(r);
    /* an alias that is not the writer's: ids stays a field */
    r = rd("@misc{A_b, ids = {A(b}}\n@misc{Ab, ids = {A(b}}\n@misc{A_c, ids = {A(b}}\n");
    ck_assert_str_eq(bib_record_id(r->rec[0]), "A(b");
    ck_assert_str_eq(bib_record_id(r->rec[1]), "Ab");
    ck_assert_str_eq(extra(r, 1, "ids"), "A(b");
    ck_assert_str_eq(bib_record_id(r->rec[2]), "A_c");
    done(r);
}
END_TEST

/* Classic output of more children naming an absent crossref parent than
 * the writer holds (64): none goes out with its crossref, which BibTeX
 * would count a bad cross reference; each is written, once. */
START_TEST(test_write_many_orphan_crossrefs)
{
    bib_buf b = BIB_BUF_INIT;
    for (int i = 0; i < 150; i++)
        bib_buf_printf(&b, "@inbook{c%d, title = {Chapter %d}, crossref = {absent}}\n", i, i);
    ck_assert(!bib_buf_failed(&b));
    result *r = rd(b.data);
    bib_buf_clear(&b);
    ck_assert_uint_eq(r->n, 150);
    char *s = write_as("bibtex", r, NULL);
    ck_assert_msg(!strstr(s, "  crossref "), "%s", s);
    size_t n = 0;
    for (const char *p = s; (p = strstr(p, "@inbook{")); p++)
        n++;
    ck_assert_uint_eq(n, 150);
    free(s);
    done(r);
}
END_TEST

START_TEST(test_write_unique_generated_keys)
{
    result *r = rd("@misc{, author = {Smith, A.}, title = {On Things}, year = 2000}\n"
                   "@misc{, author = {Smith, B.}, title = {On Things}, year = 2000}\n");
    char *s = write_as("bibtex", r, NULL);
    ck_assert_msg(strstr(s, "{smith2000things,") && strstr(s, "{smith2000thingsa,"), "%s", s);
    free(s);
    done(r);
}
END_TEST

START_TEST(test_crossref_by_type_pair)
{
    /* book -> inbook: the parent's title names the container; book -> book
     * and book -> article: fields keep their names; a self-reference is
     * ignored with a warning and the entry still serves as a parent */
    result *r = rd("@book{p, title = {Parent}, author = {Last, First}, crossref = {p}}\n"
                   "@inbook{c, title = {Chapter}, crossref = {p}}\n"
                   "@book{b, title = {Own}, crossref = {p}}\n"
                   "@article{d, crossref = {p}}\n");
    ck_assert_uint_eq(r->n, 4);
    ck_assert_str_eq(text(r, 1, BIB_VAR_CONTAINER_TITLE), "Parent");
    ck_assert_str_eq(text(r, 1, BIB_VAR_TITLE), "Chapter");
    ck_assert_str_eq(text(r, 2, BIB_VAR_TITLE), "Own");
    ck_assert_str_eq(text(r, 2, BIB_VAR_CONTAINER_TITLE), "(none)");
    ck_assert_str_eq(name_at(r, 2, BIB_VAR_AUTHOR, 0)->family, "Last");
    ck_assert_str_eq(text(r, 3, BIB_VAR_TITLE), "Parent");
    ck_assert_msg(strstr(r->diags, "names itself") != NULL, "%s", r->diags);
    /* ignored means left out: the output does not name it again, so its
     * re-read does not warn again (the fidelity matrix's strict re-read) */
    for (int w = 0; w < 2; w++) {
        char *s = write_as(w ? "biblatex" : "bibtex", r, NULL);
        const char *p = strstr(s, "{p,");
        ck_assert_msg(p != NULL, "%s", s);
        const char *end = strchr(p, '@');
        const char *x = strstr(p, "crossref");
        ck_assert_msg(!x || (end && x > end), "%s", s);
        result *back = rd(s);
        ck_assert_msg(!strstr(back->diags, "names itself"), "%s", back->diags);
        done(back);
        free(s);
    }
    done(r);
}
END_TEST

START_TEST(test_crossref_parent_before)
{
    /* the classic writer turns @periodical into @misc, which the reader
     * does not keep as a parent, and puts it before its child: classic
     * BibTeX inherits nothing from an earlier entry, so the child stands
     * as it is, without a warning; BibLaTeX (biber inherits) is warned */
    const char *src = "@misc{e, title = {Foo}}\n"
                      "@article{f, journal = {Foo}, crossref = {e}}\n"
                      "@article{g, crossref = {missing}}\n";
    result *r = rd(src);
    ck_assert_uint_eq(r->n, 3);
    ck_assert_str_eq(text(r, 1, BIB_VAR_CONTAINER_TITLE), "Foo");
    ck_assert_msg(!strstr(r->diags, "'e'"), "%s", r->diags);
    ck_assert_msg(strstr(r->diags, "parent 'missing' not found"), "%s", r->diags);
    done(r);
    r = read_as("biblatex", src, false);
    ck_assert_uint_eq(r->n, 3);
    ck_assert_msg(strstr(r->diags, "2:0: warning: entry 'f': crossref parent 'e' comes before"),
                  "%s", r->diags);
    done(r);
}
END_TEST

/* biblatex-software: a version names its software, a later version an
 * earlier one, both before it; each inherits what it lacks, under the same
 * names, without a warning, and its BibLaTeX output reads back quietly. */
START_TEST(test_crossref_software)
{
    const char *src = "@software{s, title = {Tool}, author = {Doe, Jane}, date = {1994}}\n"
                      "@softwareversion{v, version = {1.1}, crossref = {s}}\n"
                      "@softwareversion{w, version = {2.0}, date = {2001}, crossref = {v}}\n";
    result *r = read_as("biblatex", src, true);
    ck_assert_uint_eq(r->n, 3);
    ck_assert_msg(r->ndiag == 0, "%s", r->diags);
    ck_assert_str_eq(text(r, 1, BIB_VAR_TITLE), "Tool");
    ck_assert_str_eq(text(r, 2, BIB_VAR_TITLE), "Tool");
    ck_assert_str_eq(text(r, 2, BIB_VAR_VERSION), "2.0");
    ck_assert_ptr_null(bib_record_get(r->rec[1], BIB_VAR_CONTAINER_TITLE));
    char *s = write_as("biblatex", r, NULL);
    done(r);
    r = read_as("biblatex", s, true);
    ck_assert_msg(r->ndiag == 0, "%s\n%s", r->diags, s);
    ck_assert_str_eq(text(r, 1, BIB_VAR_TITLE), "Tool");
    free(s);
    done(r);
}
END_TEST

START_TEST(test_write_foreign_raw_date)
{
    /* a date's raw text in another format's spelling (RIS DA
     * "1908///1909") is not a BibLaTeX date: EDTF of the parts is written */
    result *r = calloc(1, sizeof *r);
    r->rec[0] = bib_record_new(BIB_TYPE_BOOK, "lux");
    bib_date d = {.nparts = 1, .parts = {{.has_year = true, .year = 1908}}, .raw = "1908///1909"};
    ck_assert_int_ge(bib_record_set_date(r->rec[0], BIB_VAR_ISSUED, &d), 0);
    bib_date e = {.nparts = 1, .parts = {{.has_year = true, .year = 2001, .month = 5}},
                  .raw = "2001-05?"};
    ck_assert_int_ge(bib_record_set_date(r->rec[0], BIB_VAR_ACCESSED, &e), 0);
    r->n = 1;
    char *s = write_as("biblatex", r, NULL);
    ck_assert_msg(strstr(s, "{1908}") && !strstr(s, "///"), "%s", s);
    ck_assert_msg(strstr(s, "{2001-05?}"), "%s", s); /* an EDTF raw stays */
    free(s);
    done(r);
}
END_TEST

/* A literal date in classic `year` is text: "--" and "%" escaped, so it
 * reads back as it was (Zotero's "19--" came back "19–"; issue 15); in
 * BibLaTeX's `date`, read as it stands, it is written as it is. */
START_TEST(test_write_literal_date_escaped)
{
    for (int flavour = 0; flavour < 2; flavour++) { /* classic `year`, BibLaTeX `date` */
        result *r = calloc(1, sizeof *r);
        r->rec[0] = bib_record_new(BIB_TYPE_BOOK, "lit");
        bib_date d = {.literal = "19-- 50% off"};
        ck_assert_int_ge(bib_record_set_date(r->rec[0], BIB_VAR_ISSUED, &d), 0);
        r->n = 1;
        const char *fmt = flavour ? "biblatex" : "bibtex";
        char *s = write_as(fmt, r, NULL);
        if (!flavour)
            ck_assert_msg(!strstr(s, "19--") && strstr(s, "\\%"), "%s", s);
        result *back = read_as(fmt, s, false);
        const bib_date *b = bib_field_date(bib_record_get(back->rec[0], BIB_VAR_ISSUED));
        ck_assert_ptr_nonnull(b);
        ck_assert_str_eq(b->literal, "19-- 50% off");
        free(s);
        done(back);
        done(r);
    }
}
END_TEST

/* A source with both names of one variable (address and location, journal
 * and journaltitle): the first is the variable, the second kept. Written
 * in the same flavour, both go out (the variable under the other name),
 * so the re-read gives the same variable and the same kept field. */
START_TEST(test_write_alias_pair_round_trip)
{
    static const char *src =
        "@inproceedings{a, title = {T}, address = {New York}, location = {Dallas}}\n"
        "@book{b, title = {T}, location = {San Jose}, address = {New York}}\n"
        "@article{c, title = {T}, journaltitle = {JT}, journal = {J}}\n";
    for (int flavour = 0; flavour < 2; flavour++) {
        const char *fmt = flavour ? "biblatex" : "bibtex";
        result *r = read_as(fmt, src, false);
        ck_assert_str_eq(text(r, 0, BIB_VAR_PUBLISHER_PLACE), "New York");
        ck_assert_str_eq(extra(r, 0, "location"), "Dallas");
        char *s = write_as(fmt, r, NULL);
        result *back = read_as(fmt, s, false);
        ck_assert_int_eq(back->n, 3);
        for (size_t i = 0; i < 2; i++) {
            ck_assert_str_eq(text(back, i, BIB_VAR_PUBLISHER_PLACE),
                             text(r, i, BIB_VAR_PUBLISHER_PLACE));
            const char *kept = i ? "address" : "location";
            ck_assert_msg(extra(back, i, kept) && strcmp(extra(back, i, kept),
                                                         extra(r, i, kept)) == 0, "%s", s);
        }
        ck_assert_str_eq(text(back, 2, BIB_VAR_CONTAINER_TITLE), "JT");
        ck_assert_msg(extra(back, 2, "journal") && strcmp(extra(back, 2, "journal"), "J") == 0,
                      "%s", s);
        free(s);
        done(back);
        done(r);
    }
}
END_TEST

START_TEST(test_series_number)
{
    result *r = rd("@book{a, title = {T}, series = {S}, number = 6}\n"
                   "@techreport{b, title = {T}, number = {TR-1}}\n"
                   "@article{c, title = {T}, number = 2}\n"
                   "@misc{d, year = {{13th Century}}}\n");
    ck_assert_str_eq(text(r, 0, BIB_VAR_COLLECTION_NUMBER), "6");
    ck_assert_str_eq(text(r, 1, BIB_VAR_NUMBER), "TR-1");
    ck_assert_str_eq(text(r, 2, BIB_VAR_ISSUE), "2");
    const bib_date *d = bib_field_date(bib_record_get(r->rec[3], BIB_VAR_ISSUED));
    ck_assert_str_eq(d->literal, "13th Century");
    char *s = write_as("bibtex", r, NULL);
    ck_assert_msg(strstr(s, "number = {6}") || strstr(s, "number = 6"), "%s", s);
    free(s);
    done(r);
}
END_TEST

START_TEST(test_report_and_thesis_types)
{
    /* BibLaTeX's localisation keys read as the words they stand for; the
     * writers give them back (the key in BibLaTeX, the words in classic
     * BibTeX) and add nothing to a record without a genre */
    result *r = read_as("biblatex",
                        "@report{a, title = {T}, type = {techreport}}\n"
                        "@thesis{b, title = {T}, type = {mathesis}}\n"
                        "@thesis{c, title = {T}}\n"
                        "@online{d, title = {T}, type = {Blog post}}\n"
                        "@report{e, title = {T}}\n"
                        "@report{f, title = {T}, type = {Technical Report}}\n"
                        "@thesis{g, title = {T}, type = {phdthesis}}\n",
                        false);
    ck_assert_str_eq(text(r, 0, BIB_VAR_GENRE), "Technical report");
    ck_assert_str_eq(text(r, 1, BIB_VAR_GENRE), "Master's thesis");
    ck_assert_str_eq(text(r, 2, BIB_VAR_GENRE), "(none)");
    ck_assert_str_eq(text(r, 4, BIB_VAR_GENRE), "(none)");
    ck_assert_str_eq(text(r, 5, BIB_VAR_GENRE), "Technical Report"); /* not a key: kept */
    ck_assert_str_eq(text(r, 6, BIB_VAR_GENRE), "PhD thesis");
    char *s = write_as("biblatex", r, NULL);
    ck_assert_msg(strstr(s, "@report{a,") && strstr(s, "{techreport}") &&
                      strstr(s, "{mathesis}") && strstr(s, "{Blog post}") &&
                      strstr(s, "{Technical Report}") && strstr(s, "{phdthesis}"),
                  "%s", s);
    /* no genre, and the source said @report: written as it was (biber's
     * "missing mandatory field 'type'" is the source's own) */
    const char *e = strstr(s, "@report{e,"), *f = strstr(s, "@report{f,");
    ck_assert_msg(e && f && e < f, "%s", s);
    for (const char *p = e; p < f; p++)
        ck_assert_msg(strncmp(p, "type", 4) != 0, "%s", s);
    free(s);
    /* a report without a genre from elsewhere (no source entry type):
     * biber wants a `type` on @report, and its alias @techreport gives one
     * without a genre to read back */
    bib_record_extra_remove(r->rec[4], "bibtex", "entrytype");
    s = write_as("biblatex", r, NULL);
    ck_assert_msg(strstr(s, "@techreport{e,"), "%s", s);
    free(s);
    s = write_as("bibtex", r, NULL);
    ck_assert_msg(strstr(s, "@techreport{a,") && strstr(s, "{Technical report}") &&
                      strstr(s, "@mastersthesis{b,") && !strstr(s, "mathesis") &&
                      strstr(s, "@phdthesis{g,") && !strstr(s, "{phdthesis}"),
                  "%s", s);
    free(s);
    done(r);
    /* a CSL genre spelt as the key reads back as the words: nothing lost */
    r = read_as("bibtex", "@techreport{a, title = {T}, type = {techreport}}\n"
                          "@phdthesis{b, title = {T}, type = {Master's thesis}}\n", false);
    ck_assert_str_eq(text(r, 0, BIB_VAR_GENRE), "Technical report");
    s = write_as("bibtex", r, NULL);
    /* the source's @phdthesis stays; its genre must then be written */
    ck_assert_msg(strstr(s, "{Master's thesis}"), "%s", s);
    free(s);
    done(r);
}
END_TEST

/* The classic writer's shortcut in type_note_of: when an entry goes out
 * under the source's own type, no `entrytype` note is looked for, since
 * the general rule (a note when the written type reads back as another
 * CSL type and BibLaTeX's type for it is one the reader takes as a note)
 * then finds none. Tied here to that rule by the type table's own
 * answers, over classic, BibLaTeX-only and unknown types in several
 * spellings: a kept type has no note, and the rule agrees. */
START_TEST(test_kept_type_needs_no_note)
{
    static const char *const types[] = {
        "article",   "book",        "booklet",     "inbook",       "incollection",
        "inproceedings", "conference", "manual",   "mastersthesis", "misc",
        "phdthesis", "proceedings", "techreport",  "unpublished",  "online",
        "report",    "thesis",      "dataset",     "mvbook",       "software",
        "patent",    "Article",     "BOOK",        "InProceedings", "other"};
    size_t kept = 0;
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        char src[128], head[64];
        snprintf(src, sizeof src, "@%s{k, title = {T}}\n", types[i]);
        result *r = rd(src);
        ck_assert_uint_eq(r->n, 1);
        char *s = write_as("bibtex", r, NULL);
        const char *orig = extra(r, 0, "entrytype");
        snprintf(head, sizeof head, "@%s{k,", orig);
        if (strncmp(s, head, strlen(head)) == 0) { /* the source's type went out */
            kept++;
            bib_type t = bib_record_type(r->rec[0]);
            /* the general rule, from the table */
            ck_assert_int_eq(bt_map_type(orig, strlen(orig)), t);
            const char *bl = bt_out_type(t, true);
            bool due = bt_map_type(orig, strlen(orig)) != t && bl &&
                       bt_type_note_ok(bl, strlen(bl)) && bt_map_type(bl, strlen(bl)) == t;
            ck_assert_msg(!due, "%s", types[i]);
            ck_assert_msg(!strstr(s, "entrytype"), "%s: %s", types[i], s);
        }
        free(s);
        done(r);
    }
    ck_assert_uint_gt(kept, 10); /* most classic types go out as they came */
}
END_TEST

/* row_out_name's shortcut: only a row with another name for its variable
 * in the table may go out renamed, and only those ask the record. Tied to
 * the general rule over the whole table: for every pair of plain rows the
 * reader reads one variable by, a source with the other name first and
 * this row's name second (the reader takes the first, keeps the second),
 * written by both flavours, keeps both values: the row whose name was
 * kept goes out under the other name. */
START_TEST(test_renamed_rows_keep_both)
{
    const unsigned art = BT_IF_ARTICLE | BT_IF_NOT_ARTICLE;
    size_t pairs = 0;
    for (size_t i = 0; i < bt_crosswalk_rows; i++) {
        const bt_row *row = &bt_crosswalk[i];
        if (!(row->flavour & BT_RD) || row->special != BT_PLAIN || row->when ||
            row->kind == BT_DATE || row->kind == BT_NAMES)
            continue;
        for (size_t j = 0; j < bt_crosswalk_rows; j++) {
            const bt_row *o = &bt_crosswalk[j];
            /* the general rule: another name for the variable */
            if (!(o->var == row->var && (o->flavour & BT_RD) && o->special == BT_PLAIN &&
                  o->kind == row->kind && (o->when & art) == 0 &&
                  !(o->when & BT_IF_NOT_KEPT) && strcmp(o->name, row->name) != 0))
                continue;
            char src[160];
            snprintf(src, sizeof src, "@misc{k, %s = {Aaa}, %s = {Bbb}}\n", o->name, row->name);
            for (int fl = 0; fl < 2; fl++) {
                result *r = read_as(fl ? "biblatex" : "bibtex", src, false);
                char *s = write_as(fl ? "biblatex" : "bibtex", r, NULL);
                ck_assert_msg(strstr(s, "{Aaa}") && strstr(s, "{Bbb}"), "%s, %s: %s", o->name,
                              row->name, s);
                free(s);
                done(r);
            }
            pairs++;
        }
    }
    ck_assert_uint_gt(pairs, 3);
}
END_TEST

/* A BibLaTeX-only entry type goes out in classic BibTeX as a classic one
 * (styles know only those), noted in `entrytype`, which the reader takes
 * back: bibtex -> bibtex keeps the CSL type, the source's type and the
 * genre; a note naming a classic type, or on a type that is not classic,
 * is not one of the writer's and stays a field. */
START_TEST(test_classic_type_note)
{
    static const char src[] = "@online{a, title = {T}, url = {https://x.org}}\n"
                              "@dataset{b, title = {T}}\n"
                              "@thesis{c, title = {T}}\n"
                              "@thesis{d, title = {T}, type = {mathesis}}\n"
                              "@report{e, title = {T}}\n"
                              "@mvbook{f, title = {T}}\n"
                              "@Other{g, title = {T}}\n"
                              "@article{h, title = {T}}\n";
    static const char *const classic[] = {"@misc{a,", "@misc{b,", "@phdthesis{c,",
                                          "@mastersthesis{d,", "@techreport{e,",
                                          "@book{f,", "@misc{g,", "@article{h,"};
    result *r = read_as("biblatex", src, false);
    char *s = write_as("bibtex", r, NULL);
    for (size_t i = 0; i < sizeof classic / sizeof classic[0]; i++)
        ck_assert_msg(strstr(s, classic[i]), "%s: %s", classic[i], s);
    ck_assert_msg(strstr(s, "{online}") && strstr(s, "{dataset}") && strstr(s, "{mvbook}") &&
                      strstr(s, "{other}") && strstr(s, "{Master's thesis}"),
                  "%s", s);
    /* nothing noted for a type the classic writer keeps */
    ck_assert_msg(strstr(strstr(s, "@article{h,"), "entrytype") == NULL, "%s", s);
    result *b = read_as("bibtex", s, false);
    ck_assert_uint_eq(b->n, r->n);
    for (size_t i = 0; i < r->n; i++) {
        ck_assert_int_eq(bib_record_type(b->rec[i]), bib_record_type(r->rec[i]));
        ck_assert_str_eq(extra(b, i, "entrytype"), extra(r, i, "entrytype"));
        ck_assert_str_eq(text(b, i, BIB_VAR_GENRE), text(r, i, BIB_VAR_GENRE));
    }
    ck_assert_str_eq(text(b, 2, BIB_VAR_GENRE), "(none)"); /* not "PhD thesis" */
    free(s);
    done(b);
    done(r);
    /* not the writer's note: kept as the field it is */
    r = rd("@misc{a, title = {T}, entrytype = {article}}\n"
           "@online{b, title = {T}, entrytype = {dataset}}\n"
           "@misc{c, title = {T}, entrytype = {on line}}\n");
    ck_assert_int_eq(bib_record_type(r->rec[0]), BIB_TYPE_DOCUMENT);
    ck_assert_int_eq(bib_record_type(r->rec[1]), BIB_TYPE_WEBPAGE);
    ck_assert_int_eq(bib_record_type(r->rec[2]), BIB_TYPE_DOCUMENT);
    done(r);
    /* a record of another format (no BibTeX type): a CSL type classic
     * BibTeX writes as a type that reads back as another is noted with
     * BibLaTeX's type for it (a dataset is @misc, noted dataset); one the
     * classic type says (a book, a report) is not noted */
    r = rd("@misc{a, title = {T}}\n@misc{b, title = {T}}\n@misc{c, title = {T}}\n");
    static const bib_type csl[] = {BIB_TYPE_DATASET, BIB_TYPE_WEBPAGE, BIB_TYPE_BOOK};
    for (size_t i = 0; i < 3; i++) {
        bib_record_extra_remove(r->rec[i], "bibtex", "entrytype");
        bib_record_set_type(r->rec[i], csl[i]);
    }
    s = write_as("bibtex", r, NULL);
    ck_assert_msg(strstr(s, "@misc{a,") && strstr(s, "entrytype = {dataset}") &&
                      strstr(s, "@misc{b,") && strstr(s, "entrytype = {online}") &&
                      strstr(s, "@book{c,") && !strstr(strstr(s, "@book{c,"), "entrytype"),
                  "%s", s);
    b = rd(s);
    for (size_t i = 0; i < 3; i++)
        ck_assert_int_eq(bib_record_type(b->rec[i]), csl[i]);
    free(s);
    done(b);
    done(r);
}
END_TEST

/* A classic @inbook without booktitle (its title is the book's) goes out
 * in BibLaTeX as @book, since BibLaTeX's @inbook wants the book as
 * booktitle, with `entrysubtype = {inbook}`, biber's field for a subtype,
 * which the reader takes back as the @inbook; any other subtype, or one
 * on another type, is a field. */
START_TEST(test_biblatex_inbook_subtype)
{
    result *r = rd("@inbook{a, title = {Book}, chapter = 3, year = 2000}\n"
                   "@inbook{b, title = {Part}, booktitle = {Book}}\n"
                   "@book{c, title = {Book}, entrysubtype = {inbook}}\n");
    char *s = write_as("biblatex", r, NULL);
    const char *b_at = strstr(s, "@inbook{b,"), *c_at = strstr(s, "@book{c,");
    ck_assert_msg(strstr(s, "@book{a,") && strstr(s, "entrysubtype = {inbook}") && b_at && c_at &&
                      strstr(b_at, "entrysubtype") > c_at,
                  "%s", s);
    result *b = read_as("biblatex", s, false);
    ck_assert_uint_eq(b->n, 3);
    for (size_t i = 0; i < 3; i++) {
        ck_assert_int_eq(bib_record_type(b->rec[i]), bib_record_type(r->rec[i]));
        ck_assert_str_eq(extra(b, i, "entrytype"), extra(r, i, "entrytype"));
        ck_assert_str_eq(extra(b, i, "entrysubtype"), "(none)");
    }
    ck_assert_int_eq(bib_record_type(b->rec[0]), BIB_TYPE_CHAPTER);
    free(s);
    /* classic output keeps @inbook and writes no subtype */
    s = write_as("bibtex", r, NULL);
    ck_assert_msg(strstr(s, "@inbook{a,") && !strstr(s, "entrysubtype"), "%s", s);
    free(s);
    done(b);
    done(r);
    r = rd("@book{a, title = {T}, entrysubtype = {magazine}}\n"
           "@misc{b, title = {T}, entrysubtype = {inbook}}\n");
    ck_assert_int_eq(bib_record_type(r->rec[0]), BIB_TYPE_BOOK);
    ck_assert_str_eq(extra(r, 0, "entrysubtype"), "magazine");
    ck_assert_int_eq(bib_record_type(r->rec[1]), BIB_TYPE_DOCUMENT);
    ck_assert_str_eq(extra(r, 1, "entrysubtype"), "inbook");
    done(r);
}
END_TEST

START_TEST(test_howpublished_and_numpages)
{
    result *r = rd("@misc{a, howpublished = {\\url{https://x.example/a_b}}, numpages = {10}}\n"
                   "@misc{b, howpublished = {Online}, url = {https://y.example}}\n"
                   "@book{c, numpages = {10}, pagetotal = {12}}\n");
    ck_assert_str_eq(text(r, 0, BIB_VAR_URL), "https://x.example/a_b");
    ck_assert_str_eq(text(r, 0, BIB_VAR_NUMBER_OF_PAGES), "10");
    ck_assert_str_eq(text(r, 1, BIB_VAR_URL), "https://y.example");
    ck_assert_str_eq(extra(r, 1, "howpublished"), "Online");
    ck_assert_str_eq(text(r, 2, BIB_VAR_NUMBER_OF_PAGES), "12");
    ck_assert_str_eq(extra(r, 2, "numpages"), "10");
    done(r);
}
END_TEST

START_TEST(test_yearless_date)
{
    /* "May 29" with no year (a feed page): month and day, in both flavours */
    result *r = rd("@misc{a, title = {T}}\n");
    bib_date d = {0};
    d.raw = "May 29";
    ck_assert_int_eq(bib_record_set_date(r->rec[0], BIB_VAR_ISSUED, &d), 0);
    for (int i = 0; i < 2; i++) {
        char *s = write_as(i ? "biblatex" : "bibtex", r, NULL);
        ck_assert_msg(strstr(s, "month = may") && strstr(s, "day   = {29}") &&
                          !strstr(s, "date") && !strstr(s, "year"),
                      "%s", s);
        /* and read back as the same raw date */
        result *back = rd(s);
        const bib_date *bd = bib_field_date(bib_record_get(back->rec[0], BIB_VAR_ISSUED));
        ck_assert_ptr_nonnull(bd);
        ck_assert_str_eq(bd->raw, "May 29");
        done(back);
        free(s);
    }
    done(r);
}
END_TEST

START_TEST(test_forgiven_slips)
{
    /* what real files hold and biber/JabRef/Zotero accept: each entry
     * is read, with a warning where a field could be misread */
    result *r = rd("@Comment a bare comment line\n"
                   "%@article{commented, title = {Gone}}\n"
                   "@article{a,\n  title = {A}\n  year = 2000}\n"
                   "@article{author = {Doe, J.}, title = {No key}}\n"
                   "@book(b, title = {B}, , year = 2001}\n"
                   "@misc{c,\n%  note = {commented field},\n  title = {C}\xC2\xA0,\n}\n");
    ck_assert_uint_eq(r->n, 4);
    ck_assert_str_eq(bib_record_id(r->rec[0]), "a");
    ck_assert(bib_record_has(r->rec[0], BIB_VAR_ISSUED));
    ck_assert_ptr_null(bib_record_id(r->rec[1]));
    ck_assert_str_eq(text(r, 1, BIB_VAR_TITLE), "No key");
    ck_assert_str_eq(text(r, 2, BIB_VAR_TITLE), "B");
    ck_assert_str_eq(text(r, 3, BIB_VAR_TITLE), "C");
    ck_assert_str_eq(text(r, 3, BIB_VAR_NOTE), "(none)");
    ck_assert_msg(strstr(r->diags, "5:3: warning: missing ','") &&
                      strstr(r->diags, "without a key") && strstr(r->diags, "closed with '}'"),
                  "%s", r->diags);
    ck_assert_msg(!strstr(r->diags, "error"), "%s", r->diags);
    done(r);
}
END_TEST

START_TEST(test_runaway_value_costs_one_entry)
{
    /* an escaped brace BibTeX counts: the value runs to the next entry */
    result *r = rd("@misc{a, author = {Thi\\{'ebaux, S.}, title = {T}}\n"
                   "@misc{b, title = {B}}\n");
    ck_assert_uint_eq(r->n, 1);
    ck_assert_str_eq(bib_record_id(r->rec[0]), "b");
    ck_assert_msg(strstr(r->diags, "error") && strstr(r->diags, "entry 'a'"), "%s", r->diags);
    done(r);
}
END_TEST

START_TEST(test_early_close_warns)
{
    /* an escaped '}' closes the value, the next '}' the entry: the fields
     * after it are BibTeX's comment text, which is said (issue 18) */
    result *r = rd("@article{a,\n  title = {Foo \\}},\n  year = {2020}\n}\n"
                   "@misc{b, title = {B}}\n"
                   "A comment between entries, in prose.\n"
                   "@misc{c, title = {C \\}}\n}\n"
                   "@misc{d, title = {D}}\n");
    ck_assert_uint_eq(r->n, 4);
    ck_assert_msg(strstr(r->diags, "2:19: warning: text after the end of entry 'a' ignored: ','") &&
                      strstr(r->diags, "8:1: warning: text after the end of entry 'c' ignored"),
                  "%s", r->diags);
    /* prose between entries is a comment: no word */
    ck_assert_msg(!strstr(r->diags, "entry 'b'") && !strstr(r->diags, "entry 'd'"), "%s",
                  r->diags);
    done(r);
}
END_TEST

START_TEST(test_crossref_order_for_bibtex)
{
    /* BibTeX inherits only from a parent that comes later: a child read
     * before its parent goes out first and leaves the inherited fields to
     * the parent; a child after its parent gets them written out */
    result *r = rd("@inproceedings{c, title = {C}, crossref = {p}}\n"
                   "@proceedings{p, title = {P}, year = 2000}\n");
    ck_assert_uint_eq(r->n, 2);
    ck_assert_str_eq(bib_record_id(r->rec[0]), "c");
    ck_assert_str_eq(bib_record_id(r->rec[1]), "p");
    char *s = write_as("bibtex", r, NULL);
    ck_assert_msg(!strstr(s, "booktitle") && strstr(s, "crossref = {p}"), "%s", s);
    free(s);
    done(r);
    r = rd("@proceedings{p, title = {P}, year = 2000}\n"
           "@inproceedings{c, title = {C}, crossref = {p}}\n");
    s = write_as("bibtex", r, NULL);
    ck_assert_msg(strstr(s, "booktitle = {P}") && strstr(s, "crossref  = {p}"), "%s", s);
    free(s);
    done(r);
}
END_TEST

/* A value nested 100,000 braces deep (braced and quoted), and the same in
 * @preamble: the lexer matches braces with a counter, in one pass, without
 * recursion. The field has no CSL variable, so it is kept raw as an extra
 * and no LaTeX conversion is involved. A quadratic or recursive lexer
 * fails the time bound or crashes. */
/* An empty field kept as an extra is written back (the round trip keeps
 * it); an empty publisher (an undefined macro) leaves the publisher to
 * organization as no publisher does, so nothing empty is kept for it. */
START_TEST(test_empty_fields_round_trip)
{
    result *r = rd("@inproceedings{a, title = {T}, publisher = AW, organization = {},"
                   " foo = {}}\n");
    ck_assert_str_eq(extra(r, 0, "organization"), "(none)");
    ck_assert_str_eq(extra(r, 0, "foo"), "");
    char *s = write_as("biblatex", r, NULL);
    ck_assert_msg(strstr(s, "foo   = {}") || strstr(s, "foo = {}"), "%s", s);
    result *back = rd(s);
    ck_assert_str_eq(extra(back, 0, "foo"), "");
    free(s);
    done(back);
    done(r);
}
END_TEST

/* A comma at the end of a name is dropped, as BibTeX does ("has a comma at
 * the end"): "May, Keith," is family May, given Keith. A name with a
 * suffix and no given name is written with an empty First, "{}", which
 * reads back as it was. */
START_TEST(test_name_trailing_comma)
{
    result *r = rd("@book{a, author = {May, Keith, and Ray, Jr., {}}, title = {T}}\n");
    ck_assert_str_eq(name_at(r, 0, BIB_VAR_AUTHOR, 0)->family, "May");
    ck_assert_str_eq(name_at(r, 0, BIB_VAR_AUTHOR, 0)->given, "Keith");
    ck_assert_ptr_null(name_at(r, 0, BIB_VAR_AUTHOR, 0)->suffix);
    ck_assert_ptr_null(name_at(r, 0, BIB_VAR_AUTHOR, 1)->given);
    ck_assert_str_eq(name_at(r, 0, BIB_VAR_AUTHOR, 1)->suffix, "Jr.");
    char *s = write_as("bibtex", r, NULL);
    ck_assert_msg(strstr(s, "May, Keith and Ray, Jr., {}"), "%s", s);
    free(s);
    done(r);
}
END_TEST

/* Classic BibTeX counts a crossref to an absent entry an error: the
 * classic writer holds a child until its parent comes (then the child
 * goes right before it, as BibTeX needs), and writes the children whose
 * parent never came with the crossref in its note `crossref-omitted`,
 * which styles skip and the reader takes back as the crossref, unresolved
 * and without a warning; BibLaTeX keeps it (biber warns). A note beside
 * a crossref of the entry's own is a field like any other. */
START_TEST(test_crossref_missing_parent_classic)
{
    result *r = rd("@inproceedings{d, title = {D}, crossref = {nope}}\n"
                   "@inproceedings{c, title = {C}, crossref = {p}}\n"
                   "@proceedings{p, title = {P}, crossref = {mv}, year = 2000}\n");
    char *s = write_as("bibtex", r, NULL);
    ck_assert_msg(!strstr(s, "  crossref         = {nope}") && !strstr(s, "  crossref = {mv}") &&
                      strstr(s, "crossref = {p}"),
                  "%s", s);
    ck_assert_msg(strstr(s, "crossref-omitted = {nope}") && strstr(s, "crossref-omitted = {mv}"),
                  "%s", s);
    char *c = strstr(s, "@inproceedings{c"), *p = strstr(s, "@proceedings{p");
    ck_assert_msg(c && p && c < p, "%s", s);
    result *b = rd(s);
    ck_assert_uint_eq(b->n, 3);
    ck_assert_msg(b->ndiag == 0, "%s", b->diags);
    for (size_t i = 0; i < 3; i++) {
        const char *id = bib_record_id(b->rec[i]);
        size_t k = id[0] == 'd' ? 0 : id[0] == 'c' ? 1 : 2;
        ck_assert_str_eq(extra(b, i, "crossref"), extra(r, k, "crossref"));
        ck_assert_str_eq(extra(b, i, "crossref-omitted"), "(none)");
    }
    done(b);
    free(s);
    b = rd("@misc{e, title = {E}, crossref = {x}, crossref-omitted = {y}}\n"
           "@misc{x, title = {X}}\n");
    ck_assert_str_eq(extra(b, 0, "crossref"), "x");
    ck_assert_str_eq(extra(b, 0, "crossref-omitted"), "y");
    done(b);
    s = write_as("biblatex", r, NULL);
    ck_assert_msg(strstr(s, "crossref = {nope}") && strstr(s, "crossref = {mv}"), "%s", s);
    free(s);
    done(r);
}
END_TEST

static char *deep_entry(const char *head, size_t depth, const char *tail)
{
    size_t hl = strlen(head), tl = strlen(tail);
    char *s = malloc(hl + 2 * depth + 2 + tl);
    ck_assert_ptr_nonnull(s);
    memcpy(s, head, hl);
    memset(s + hl, '{', depth);
    s[hl + depth] = 'x';
    memset(s + hl + depth + 1, '}', depth);
    memcpy(s + hl + 2 * depth + 1, tail, tl + 1);
    return s;
}

START_TEST(test_deep_braces_read_iteratively)
{
    enum { DEPTH = 100000 };
    const char *heads[] = {"@misc{k, deepfield = {", "@misc{k, deepfield = \"",
                           "@preamble{"};
    const char *tails[] = {"}, year = 2000}\n", "\", year = 2000}\n", "}\n"};
    for (int i = 0; i < 3; i++) {
        char *in = deep_entry(heads[i], DEPTH, tails[i]);
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        result *r = read_as("bibtex", in, true);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double sec = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
        ck_assert_msg(sec < 5.0, "case %d: %.2f s for %d nested braces", i, sec, DEPTH);
        ck_assert_uint_eq(r->n, 1);
        ck_assert_int_eq(r->last_rc, 0);
        if (i < 2) {
            const char *v = extra(r, 0, "deepfield");
            ck_assert_uint_eq(strlen(v), 2 * DEPTH + 1);
            ck_assert(v[0] == '{' && v[DEPTH] == 'x' && v[2 * DEPTH] == '}');
        } else {
            size_t n = 0;
            bib_record_directive_text(r->rec[0], &n);
            ck_assert_uint_eq(n, strlen(in) - 1);
        }
        done(r);
        free(in);
    }
}
END_TEST

/* The -j split finds a field name from its '=' back (bt_split.c): the
 * ties it must see (crossref, xdata between fields, in any case, the '='
 * on the next line) and the look-alikes it must not (a longer name, a
 * name in a value). */
START_TEST(test_split_field_names)
{
    static const struct {
        const char *in;
        bool serial;
    } cases[] = {
        {"@book{a,\n  title = {T},\n  crossref = {p}\n}\n", true},
        {"@book{a,\n  title = {T},\n  CrossRef\n  = {p}\n}\n", true},
        {"@book{a, title = {crossref = x}, XDATA={y}}\n", true},
        {"@book{a, title = \"x\" # crossref = {p}}\n", true},
        {"@book{a,\n  mycrossref = {p},\n  xdatax = {q},\n  data = {r}\n}\n", false},
        {"@book{a,\n  title = {crossref = x}\n}\n", false},
        {"@book{a,\n  f={x}crossref = {p}}\n", true},
        {"@book{a,\n  title = {T} }\n@book{b,\n  crossref = {a}}\n", true},
        /* a line that '%' opens between fields is a comment (the lexer's
         * comment_line): its brace opens nothing, its field is none */
        {"@book{a,\n  title = {T},\n  % a {note\n  crossref = {p}\n}\n", true},
        {"@book{a,\n  title = {T},\n% crossref = {p}\n  year = 2000\n}\n", false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        size_t n = strlen(cases[i].in);
        char *d = calloc(n + 16, 1); /* the 16 NUL bytes the contract gives */
        memcpy(d, cases[i].in, n);
        unsigned flags = 0;
        size_t cut = bt_split(d, n, n, &flags);
        ck_assert_msg(((flags & BIB_SPLIT_SERIAL) != 0) == cases[i].serial, "case %zu", i);
        ck_assert_uint_eq(cut, n);
        free(d);
    }
    /* a cut falls before the second entry, after the field scan of the first */
    const char *two = "@book{a,\n  title = {T}, year = 2000\n}\n@book{b, title = {U}}\n";
    char *d = calloc(strlen(two) + 16, 1);
    memcpy(d, two, strlen(two));
    unsigned flags = 0;
    ck_assert_uint_eq(bt_split(d, strlen(two), 1, &flags), (size_t)(strchr(two + 1, '@') - two));
    ck_assert_uint_eq(flags, 0);
    free(d);
}
END_TEST

/* ---- the -j split against a reference ------------------------------------- */

/* The split's rules (plugin.h's bib_split_fn, bt_split.c) read one byte
 * at a time: a reference for bt_split, which jumps from stop to stop. */
static bool ref_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static bool ref_word_byte(char c)
{
    return (unsigned char)c > ' ' && c != 0x7f && !strchr("{}(),=\"#%'@", c);
}

static bool ref_same(const char *s, size_t n, const char *lit)
{
    if (strlen(lit) != n)
        return false;
    for (size_t k = 0; k < n; k++)
        if ((s[k] >= 'A' && s[k] <= 'Z' ? s[k] + 32 : s[k]) != lit[k])
            return false;
    return true;
}

/* The line holding d[i] opens (after spaces and tabs) with a '%' before
 * i, or at i when at. */
static bool ref_comment_line(const char *d, size_t i, bool at)
{
    size_t k = i;
    while (k && d[k - 1] != '\n' && d[k - 1] != '\r')
        k--;
    while (k < i && (d[k] == ' ' || d[k] == '\t'))
        k++;
    return d[k] == '%' && (k < i || at);
}

/* The word before the '=' at d[i] and the blanks before it, not before
 * `from`, is lit as a whole word. */
static bool ref_field(const char *d, size_t from, size_t i, const char *lit)
{
    size_t n = strlen(lit);
    while (i > from && ref_blank(d[i - 1]))
        i--;
    return i - from >= n && ref_same(d + i - n, n, lit) &&
           (i - n == from || !ref_word_byte(d[i - n - 1]));
}

static size_t ref_split(const char *d, size_t len, size_t want, unsigned *flags)
{
    size_t i = 0;
    for (;;) {
        while (i < len && d[i] != '@')
            i++;
        if (i >= len)
            return len;
        size_t at = i++;
        if ((!at || d[at - 1] == '\n' || d[at - 1] == '\r') && at >= want)
            return at;
        if (ref_comment_line(d, at, false))
            continue;
        while (i < len && ref_blank(d[i]))
            i++;
        size_t t = i;
        while (i < len && ref_word_byte(d[i]))
            i++;
        size_t tl = i - t;
        while (i < len && ref_blank(d[i]))
            i++;
        if (!tl || i >= len)
            continue;
        if (d[i] == '(' || (d[i] == '{' && (ref_same(d + t, tl, "string") ||
                                            ref_same(d + t, tl, "xdata"))))
            break;
        if (d[i] != '{') {
            if (ref_same(d + t, tl, "comment"))
                while (i < len && d[i] != '\n')
                    i++;
            else if (d[i] == '@' && i >= want)
                want = i + 1; /* the reader's error quotes what is there */
            continue;
        }
        bool raw = ref_same(d + t, tl, "comment") || ref_same(d + t, tl, "preamble");
        bool indented = false, tie = false;
        size_t depth = 1, from = ++i;
        if (!raw) { /* a '{' first, with no ',' before it: in the key */
            size_t j = i;
            while (j < len && !memchr("{}=@%,", d[j], 6))
                j++;
            tie = j < len && d[j] == '{';
        }
        for (; i < len && depth && !tie; i++) {
            char c = d[i];
            if (c == '{') {
                depth++;
            } else if (c == '}') {
                depth--;
            } else if (raw) {
                continue;
            } else if (c == '@' && d[i - 1] == '\n') {
                if (indented)
                    tie = true;
                else if (i >= want)
                    want = i + 1;
                break; /* the entry is given up; this '@' is read again */
            } else if (c == '@') {
                size_t k = i;
                while (k && (d[k - 1] == ' ' || d[k - 1] == '\t'))
                    k--;
                indented |= k < i && k && (d[k - 1] == '\n' || d[k - 1] == '\r');
            } else if (depth == 1 && c == '%' && ref_comment_line(d, i, true)) {
                while (i < len && d[i] != '\n')
                    i++;
                from = i + 1;
            } else if (depth == 1 && c == '=') {
                tie = ref_field(d, from, i, "crossref") || ref_field(d, from, i, "xdata");
            }
        }
        if (tie)
            break;
        if (depth && i >= len)
            return len;
    }
    *flags |= BIB_SPLIT_SERIAL;
    return len;
}

/* A small generator of BibTeX-like text with what the split looks at. */
typedef struct gen {
    uint64_t s;
    char *b;
    size_t n, cap;
    const char *nl; /* "\n", "\r\n" or "\r" */
} gen;

static unsigned gen_rand(gen *g, unsigned n)
{
    g->s ^= g->s << 13, g->s ^= g->s >> 7, g->s ^= g->s << 17;
    return (unsigned)(g->s >> 11) % n;
}

static void gen_put(gen *g, const char *t)
{
    size_t k = strlen(t);
    if (g->n + k + 1 > g->cap) {
        g->cap = (g->n + k + 1) * 2;
        g->b = realloc(g->b, g->cap);
        ck_assert_ptr_nonnull(g->b);
    }
    memcpy(g->b + g->n, t, k + 1);
    g->n += k;
}

static void gen_pick(gen *g, const char *const *list, unsigned n)
{
    gen_put(g, list[gen_rand(g, n)]);
}

/* A value's text: words, nested braces, and now and then a byte the
 * split looks at. */
static void gen_text(gen *g, unsigned depth)
{
    static const char *const bits[] = {"Lorem", " ", "ipsum", "a@b.org", "50%", "x=y", "\\'e",
                                       "\xc3\xa9", "crossref", " = ", "\t", ",", "\"", "#"};
    for (unsigned k = gen_rand(g, 6); k; k--) {
        unsigned r = gen_rand(g, 40);
        if (r < 3 && depth < 4) {
            gen_put(g, "{");
            gen_text(g, depth + 1);
            gen_put(g, "}");
        } else if (r < 5) {
            gen_put(g, g->nl);
            gen_pick(g, (const char *const[]){"", "  ", "%", "  % c", "@", " @", "\t@x", "}"}, 8);
        } else {
            gen_pick(g, bits, sizeof bits / sizeof *bits);
        }
    }
}

static void gen_field(gen *g)
{
    static const char *const names[] = {"title", "author", "year", "note", "crossref", "CrossRef",
                                        "xdata", "XData", "mycrossref", "xdatax", "data", "af", "f",
                                        "a", "ref", ""};
    unsigned r = gen_rand(g, 100);
    gen_put(g, gen_rand(g, 2) ? g->nl : " ");
    gen_pick(g, (const char *const[]){"", "  ", "\t", " "}, 4);
    if (r < 6) { /* a comment line between fields */
        gen_pick(g, (const char *const[]){"% a {note", "%crossref = {p}", "% @misc{x,", "%"}, 4);
        gen_put(g, g->nl);
        return;
    }
    unsigned n = sizeof names / sizeof *names;
    gen_put(g, names[r < 12 ? gen_rand(g, n) : gen_rand(g, 4)]);
    gen_pick(g, (const char *const[]){" = ", "=", " =", "\t=\t", "  = ", " \r\n = "}, 6);
    r = gen_rand(g, 10);
    if (r < 6) {
        gen_put(g, "{");
        gen_text(g, 1);
        gen_put(g, "}");
    } else if (r < 8) {
        gen_put(g, "\"");
        gen_text(g, 1);
        gen_put(g, "\"");
    } else {
        gen_pick(g, (const char *const[]){"2020", "feb", "jan # \"x\"", "a@b"}, 4);
    }
    gen_put(g, gen_rand(g, 4) ? "," : "");
}

static void gen_input(gen *g)
{
    static const char *const types[] = {"article", "Book", "misc", "a", "online", "inproceedings",
                                        "string", "STRING", "comment", "Comment", "preamble",
                                        "xdata", "XData", ""};
    g->n = 0;
    gen_put(g, "");
    g->nl = (const char *const[]){"\n", "\n", "\r\n", "\r"}[gen_rand(g, 4)];
    for (unsigned k = 1 + gen_rand(g, 8); k; k--) {
        unsigned r = gen_rand(g, 100);
        if (r < 10) { /* junk between entries */
            gen_pick(g, (const char *const[]){"junk {", "% @book{x,", "  @", "x@y", "}", "@ ", "@@"},
                     7);
            gen_put(g, g->nl);
            continue;
        }
        gen_pick(g, (const char *const[]){"@", "@", "@", " @", "%@"}, 5);
        gen_put(g, types[r < 25 ? gen_rand(g, sizeof types / sizeof *types) : gen_rand(g, 6)]);
        gen_pick(g, (const char *const[]){"{", "{", "{", " {", "\n{", "(", "x"}, gen_rand(g, 8) ? 4 : 7);
        gen_pick(g, (const char *const[]){"k1,", "k2,", "", "key", "a{b,", " k{x}y,"}, 6);
        for (unsigned f = gen_rand(g, 6); f; f--)
            gen_field(g);
        gen_put(g, g->nl);
        gen_pick(g, (const char *const[]){"}", "}", "}", "", "}}", " }"}, 6);
        gen_put(g, g->nl);
        gen_put(g, gen_rand(g, 3) ? g->nl : "");
    }
}

/* bt_split against ref_split on generated inputs, at every `want`, with
 * the 16 NUL bytes of the contract after the data and with more data
 * after `len` (core's window onto a longer input). */
START_TEST(test_split_against_reference)
{
    gen g = {0x9e3779b97f4a7c15ull, NULL, 0, 0, "\n"};
    size_t serial = 0, cuts = 0;
    for (unsigned round = 0; round < 600; round++) {
        gen_input(&g);
        size_t total = g.n, len = total;
        if (round % 3 == 2 && total > 2)
            len = 1 + gen_rand(&g, (unsigned)total - 1); /* data goes on past len */
        if (!len)
            continue;
        char *d = malloc((round % 3 == 2 ? total : len) + 16);
        ck_assert_ptr_nonnull(d);
        memcpy(d, g.b, round % 3 == 2 ? total : len);
        memset(d + (round % 3 == 2 ? total : len), 0, 16);
        size_t step = len > 600 ? 1 + len / 300 : 1;
        for (size_t want = 1; want <= len; want += want + step > len && want < len ? len - want : step) {
            unsigned f1 = 0, f2 = 0, f3 = 0;
            size_t a = bt_split(d, len, want, &f1), b = ref_split(d, len, want, &f2);
            ck_assert_msg(a == b && f1 == f2,
                          "round %u, len %zu, want %zu: %zu/%u, reference %zu/%u", round, len,
                          want, a, f1, b, f2);
            ck_assert_msg(bt_split_plain(d, len, want, &f3) == b && f3 == f2,
                          "plain copy: round %u, len %zu, want %zu", round, len, want);
            serial += f1 != 0;
            cuts += a < len;
        }
        free(d);
    }
    /* every length of a few inputs: the last block of the scan is full,
     * short or empty */
    for (unsigned round = 0; round < 16; round++) {
        do
            gen_input(&g);
        while (g.n < 300);
        for (size_t len = 1; len <= g.n; len++) {
            char *d = malloc(len + 16);
            ck_assert_ptr_nonnull(d);
            memcpy(d, g.b, len);
            memset(d + len, 0, 16);
            for (size_t want = 1; want <= len; want += 1 + len / 3) {
                unsigned f1 = 0, f2 = 0, f3 = 0;
                size_t a = bt_split(d, len, want, &f1), b = ref_split(d, len, want, &f2);
                ck_assert_msg(a == b && f1 == f2, "length round %u, len %zu, want %zu", round,
                              len, want);
                ck_assert_msg(bt_split_plain(d, len, want, &f3) == b && f3 == f2,
                              "plain copy: length round %u, len %zu, want %zu", round, len, want);
            }
            free(d);
        }
    }
    /* the inputs reach both answers */
    ck_assert_uint_gt(serial, 500);
    ck_assert_uint_gt(cuts, 500);
    free(g.b);
}
END_TEST

/* The crosswalk's own rules: the names the reader knows are unique (the
 * reader's index finds one row per name), lower case, and every row the
 * writers walk names a variable or a writer rule. */
/* bt_find_field with the name's hash and first word, as the lexer gives them. */
static const bt_row *find_name(const bt_field_index *ix, const char *name, unsigned char *known)
{
    size_t n = strlen(name);
    return bt_find_field(ix, name, n, bt_name_hash(name, n), bt_name_word0(name, n), known);
}

START_TEST(test_crosswalk_rows)
{
    for (size_t i = 0; i < bt_crosswalk_rows; i++) {
        const bt_row *a = &bt_crosswalk[i];
        for (const char *c = a->name; *c; c++)
            ck_assert_msg(!(*c >= 'A' && *c <= 'Z'), "row %s not lower case", a->name);
        ck_assert_msg(strlen(a->name) < 256, "row %s: the field index holds lengths < 256",
                      a->name);
        if (a->order)
            ck_assert_msg((a->flavour & BT_WR) &&
                              (a->var != BIB_VAR_NONE || a->special != BT_PLAIN),
                          "row %s", a->name);
        for (size_t j = i + 1; j < bt_crosswalk_rows && (a->flavour & BT_RD); j++)
            ck_assert_msg(!(bt_crosswalk[j].flavour & BT_RD) ||
                              strcmp(a->name, bt_crosswalk[j].name) != 0,
                          "two rows read '%s'", a->name);
    }
    bt_field_index ix;
    unsigned char known;
    bt_index_fields(&ix);
    ck_assert_int_eq(find_name(&ix, "journaltitle", &known)->var, BIB_VAR_CONTAINER_TITLE);
    ck_assert_int_eq(known, BT_K_NONE);
    ck_assert_ptr_null(find_name(&ix, "nosuchfield", &known));
    ck_assert_int_eq(known, BT_K_NONE);
    /* names that share the first word (eight bytes) of a row's, or all
     * of it but the length */
    ck_assert_ptr_null(find_name(&ix, "journaltitlf", &known));
    ck_assert_ptr_null(find_name(&ix, "journalt", &known));
    ck_assert_int_eq(find_name(&ix, "journal", &known)->var, BIB_VAR_CONTAINER_TITLE);
    /* a known name with a row, one without, and a prefix of a known name */
    ck_assert_int_eq(find_name(&ix, "date", &known)->var, BIB_VAR_ISSUED);
    ck_assert_int_eq(known, BT_K_DATE);
    ck_assert_ptr_null(find_name(&ix, "crossref", &known));
    ck_assert_int_eq(known, BT_K_CROSSREF);
    ck_assert_ptr_null(find_name(&ix, BT_XREF_NOTE, &known));
    ck_assert_int_eq(known, BT_K_XREF_NOTE);
    ck_assert_ptr_null(find_name(&ix, "cross", &known));
    ck_assert_int_eq(known, BT_K_NONE);
    unsigned short order[256];
    size_t n = bt_write_order(order);
    for (size_t k = 1; k < n; k++)
        ck_assert_uint_le(bt_crosswalk[order[k - 1]].order, bt_crosswalk[order[k]].order);
}
END_TEST

/* The name lists kept as their source text (docs/bibtex.md, "Source
 * text") have none of the slips BibTeX warns of; biber's extended format
 * has more than two commas a name and goes out in BibTeX's form. Each
 * case also at an offset past the sixteen-byte blocks of the scan. */
START_TEST(test_names_clean)
{
    static const struct {
        const char *list;
        bool clean;
    } cases[] = {
        {"Donald E. Knuth and Leslie Lamport", true},
        {"May, Keith and Ray, Jr., {}", true},
        {"May, Keith, and Ray, Jr., {}", false},
        {", Keith and May, A", false},
        {"Ray, Jr., Keith, X", false},
        {"{Barnes, Noble, and Co} and A, B", true},
        {"family=Dijk, given=Marten, prefix=van, useprefix=true and B", false},
        {"Alpha, Beta and Gamma, Delta and Epsilon,", false},
        {"Alpha, Beta AND Gamma, Delta\tand\nEpsilon, Z", true},
        {"Alpha, Beta andy, Gamma, Delta", false},
        {"A, B and\nC", true},
    };
    /* clean names before the list move every byte */
    static const char *const pads[] = {"", "Pad Q and ", "Pad Q and Pad, R and Padded S and "};
    char buf[256];
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (size_t p = 0; p < sizeof pads / sizeof pads[0]; p++) {
            snprintf(buf, sizeof buf, "%s%s", pads[p], cases[i].list);
            ck_assert_msg(bt_names_clean(buf, strlen(buf)) == cases[i].clean, "%s", buf);
        }
}
END_TEST

/* The reader's quick date way (bt_date_quick) gives what bib_date_parse
 * gives its forms, and takes nothing the parse reads otherwise: every
 * year alone and with each month (00..13), days 00..32 of sampled years,
 * and random texts of its lengths built of digits, '-' and others. */
static void date_quick_check(const char *v, size_t n)
{
    bib_date q, p;
    if (!bt_date_quick(&q, v, n))
        return;
    int rc = bib_date_parse(&p, v, n, BIB_DATE_EDTF | BIB_DATE_WRITTEN);
    ck_assert_msg(rc == 0, "%.*s: parse %d", (int)n, v, rc);
    bool same = p.nparts == q.nparts && p.circa == q.circa && !p.literal && !p.raw;
    for (int k = 0; k < 2; k++)
        same = same && p.parts[k].has_year == q.parts[k].has_year &&
               p.parts[k].year == q.parts[k].year && p.parts[k].month == q.parts[k].month &&
               p.parts[k].day == q.parts[k].day && p.parts[k].season == q.parts[k].season;
    ck_assert_msg(same, "%.*s: quick %d-%d-%d, parse %d-%d-%d (%d parts)", (int)n, v,
                  q.parts[0].year, q.parts[0].month, q.parts[0].day, p.parts[0].year,
                  p.parts[0].month, p.parts[0].day, p.nparts);
    bib_date_clear(&p);
}

START_TEST(test_date_quick)
{
    char buf[16];
    bib_date d;
    ck_assert(bt_date_quick(&d, "2003-05-12", 10) && d.parts[0].day == 12);
    /* every byte at every place of each form (the year's word test) */
    for (size_t n = 4; n <= 10; n += 3)
        for (size_t at = 0; at < n; at++)
            for (int b = 0; b < 256; b++) {
                memcpy(buf, "2003-05-12", 11);
                buf[at] = (char)b;
                date_quick_check(buf, n);
            }
    for (int y = 0; y <= 9999; y++) {
        snprintf(buf, sizeof buf, "%04d", y);
        date_quick_check(buf, 4);
        for (int m = 0; m <= 13; m++) {
            snprintf(buf, sizeof buf, "%04d-%02d", y, m);
            date_quick_check(buf, 7);
            if (y % 97 == 0 || y == 9999)
                for (int dd = 0; dd <= 32; dd++) {
                    snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, dd);
                    date_quick_check(buf, 10);
                }
        }
    }
    static const char alphabet[] = "0123456789-- /.x";
    srand(17);
    for (int i = 0; i < 200000; i++) {
        size_t n = (size_t)(4 + 3 * (rand() % 3));
        for (size_t k = 0; k < n; k++)
            buf[k] = rand() % 4 ? (char)('0' + rand() % 10) : alphabet[rand() % 16];
        buf[n] = '\0';
        date_quick_check(buf, n);
    }
}
END_TEST

/* bt_has_break (the extras' line-end test) says what memchr for '\n' or
 * '\r' says: random texts of every length up to 70 from bytes next to
 * both (and NUL, and their high-bit twins), at every offset. */
START_TEST(test_has_break)
{
    static const char pool[] = {'a', ' ', '\t', '\n', '\r', 0x0b, 0x0c, 0x0e, 0x09,
                                (char)0x8a, (char)0x8d, '\0', 'z', 0x2a, 0x2d};
    char buf[96];
    unsigned seed = 17;
    for (int round = 0; round < 20000; round++) {
        size_t n = (size_t)(round % 71), off = (size_t)(round % 9);
        bool any = round % 3 != 0; /* a third without either byte */
        for (size_t i = 0; i < sizeof buf; i++) {
            seed = seed * 1103515245u + 12345u;
            char c = pool[(seed >> 16) % sizeof pool];
            buf[i] = !any && (c == '\n' || c == '\r') ? 'x' : c;
        }
        const char *s = buf + off;
        bool want = memchr(s, '\n', n) || memchr(s, '\r', n);
        ck_assert_msg(bt_has_break(s, n) == want, "round %d, n %zu", round, n);
    }
}
END_TEST

/* bt_source_bytes_ok (its word and block ways by length) against a byte
 * walk: random texts of every length up to 50 from bytes around ' ', the
 * line break and tab, high bytes and letters. */
START_TEST(test_source_bytes_ok)
{
    static const unsigned char pool[] = {'a', ' ', '\t', '\n', '\r', 0x1f, 0x20, 0x01, 0x00,
                                         0x7f, 0x80, 0xc3, 0xa9, '-', '9'};
    unsigned char buf[64];
    unsigned seed = 11;
    for (int round = 0; round < 30000; round++) {
        size_t n = (size_t)(round % 51);
        bool clean = round % 2 == 0; /* half without a control byte */
        for (size_t i = 0; i < sizeof buf; i++) {
            seed = seed * 1103515245u + 12345u;
            unsigned char c = pool[(seed >> 16) % sizeof pool];
            buf[i] = clean && c < ' ' && c != '\n' && c != '\t' ? 'x' : c;
        }
        bool want = true, want_ascii = true;
        for (size_t i = 0; i < n; i++) {
            want = want && (buf[i] >= ' ' || buf[i] == '\n' || buf[i] == '\t');
            want_ascii = want_ascii && buf[i] < 0x80;
        }
        bool ascii = false;
        bool ok = bt_source_bytes_ok((const char *)buf, n, &ascii);
        ck_assert_msg(ok == want && (!ok || ascii == want_ascii), "round %d, n %zu", round, n);
    }
}
END_TEST

/* The reader's memo of the last entry type (its bib_type, lower case and
 * whether it may be a crossref parent) is not taken for a type of the
 * same length that differs in its last byte, nor in its first. */
START_TEST(test_type_memo_near_miss)
{
    result *r = rd("@incollection{a, title = {A}}\n@incollectiom{b, title = {B}}\n"
                   "@book{p1, title = {One}}\n@book{p2, title = {Two}}\n@bool{p3, title = {Three}}\n"
                   "@cook{p4, title = {Four}}\n"
                   "@inbook{c1, crossref = {p2}}\n@inbook{c2, crossref = {p3}}\n"
                   "@inbook{c3, crossref = {p4}}\n");
    ck_assert_uint_eq(r->n, 9);
    ck_assert_int_eq(bib_record_type(r->rec[0]), BIB_TYPE_CHAPTER);
    ck_assert_int_eq(bib_record_type(r->rec[1]), BIB_TYPE_DOCUMENT);
    ck_assert_str_eq(extra(r, 1, "entrytype"), "incollectiom");
    ck_assert_str_eq(extra(r, 4, "entrytype"), "bool");
    /* p2 (a memo hit) kept as a parent; p3 and p4 not (unknown types) */
    ck_assert_str_eq(text(r, 6, BIB_VAR_CONTAINER_TITLE), "Two");
    ck_assert_str_eq(text(r, 7, BIB_VAR_CONTAINER_TITLE), "(none)");
    ck_assert_str_eq(text(r, 8, BIB_VAR_CONTAINER_TITLE), "(none)");
    done(r);
}
END_TEST

/* ---- values put off (bib_record_defer) ----------------------------------- */

/* Three reads of one text: the first decodes every value at once and
 * keeps no source text (as toward a writer of another format); the
 * second keeps source texts, so the reader puts the decoding of most
 * values off until something reads them; the third keeps them but puts
 * nothing off (bt_defer_off), as the reader did before values were put
 * off: the values of all three and the source texts of the last two must
 * be alike. */
extern bool bt_defer_off;
typedef struct two_reads {
    bib_diag *d[3];
    bib_input *in[3];
    bib_reader *rd[3];
    char diags[3][8192];
} two_reads;

static void collect_text(const bib_diag_msg *m, void *payload)
{
    char *buf = payload;
    size_t used = strlen(buf);
    snprintf(buf + used, 8192 - used, "%zu:%zu: %s\n", m->line, m->column, m->message);
}

static void two_open(two_reads *t, const char *fmt, const char *text, size_t len)
{
    memset(t, 0, sizeof *t);
    for (int k = 0; k < 3; k++) {
        t->d[k] = bib_diag_new();
        bib_diag_set_callback(t->d[k], collect_text, t->diags[k]);
        t->in[k] = bib_input_open_memory(text, len, "t.bib", t->d[k]);
        ck_assert_ptr_nonnull(t->in[k]);
        ck_assert_int_eq(bib_reader_new(&t->rd[k], format(fmt), t->in[k], NULL, false), 0);
    }
    /* no writer named: both would keep; the eager one is told not to */
    ((bt_reader *)bib_reader_state(t->rd[0]))->keep_src = 0;
}

static void two_close(two_reads *t)
{
    for (int k = 0; k < 3; k++) {
        bib_reader_free(t->rd[k]);
        bib_input_free(t->in[k]);
        bib_diag_free(t->d[k]);
    }
}

static bool same_str_or_null(const char *a, const char *b)
{
    return a == b || (a && b && strcmp(a, b) == 0);
}

/* Every field of a (decoded at once) and b (put off, read now through
 * the getters) alike: order, kind, flags, values, names, dates. `what`
 * names the case in a failure. */
static void same_fields(const bib_record *a, const bib_record *b, const char *what)
{
    ck_assert_msg(bib_record_field_count(a) == bib_record_field_count(b), "%s: field count %zu/%zu",
                  what, bib_record_field_count(a), bib_record_field_count(b));
    for (size_t i = 0; i < bib_record_field_count(a); i++) {
        const bib_field *fa = bib_record_field_at(a, i), *fb = bib_record_field_at(b, i);
        bib_var v = bib_field_var(fa);
        ck_assert_msg(v == bib_field_var(fb), "%s: field %zu is %s/%s", what, i, bib_var_name(v),
                      bib_var_name(bib_field_var(fb)));
        ck_assert_msg(bib_field_kind(fa) == bib_field_kind(fb) &&
                          bib_field_flags(fa) == bib_field_flags(fb) &&
                          bib_record_holds(a, v) == bib_record_holds(b, v),
                      "%s: %s kind, flags or holds", what, bib_var_name(v));
        ck_assert_msg(bib_field_value_count(fa) == bib_field_value_count(fb),
                      "%s: %s has %zu/%zu values", what, bib_var_name(v),
                      bib_field_value_count(fa), bib_field_value_count(fb));
        for (size_t j = 0; j < bib_field_value_count(fa); j++)
            ck_assert_msg(same_str_or_null(bib_field_value_at(fa, j), bib_field_value_at(fb, j)),
                          "%s: %s value %zu '%s' / '%s'", what, bib_var_name(v), j,
                          bib_field_value_at(fa, j), bib_field_value_at(fb, j));
        ck_assert_msg(bib_field_name_count(fa) == bib_field_name_count(fb) &&
                          bib_field_names_truncated(fa) == bib_field_names_truncated(fb),
                      "%s: %s has %zu/%zu names", what, bib_var_name(v), bib_field_name_count(fa),
                      bib_field_name_count(fb));
        for (size_t j = 0; j < bib_field_name_count(fa); j++) {
            const bib_name *x = bib_field_name_at(fa, j), *y = bib_field_name_at(fb, j);
            ck_assert_msg(same_str_or_null(x->family, y->family) &&
                              same_str_or_null(x->given, y->given) &&
                              same_str_or_null(x->dropping_particle, y->dropping_particle) &&
                              same_str_or_null(x->non_dropping_particle, y->non_dropping_particle) &&
                              same_str_or_null(x->suffix, y->suffix) &&
                              same_str_or_null(x->literal, y->literal) &&
                              x->comma_suffix == y->comma_suffix &&
                              x->static_ordering == y->static_ordering &&
                              x->parse_names == y->parse_names,
                          "%s: %s name %zu differs ('%s' / '%s')", what, bib_var_name(v), j,
                          x->family ? x->family : x->literal ? x->literal : "",
                          y->family ? y->family : y->literal ? y->literal : "");
        }
        const bib_date *da = bib_field_date(fa), *db = bib_field_date(fb);
        ck_assert_msg((!da && !db) || (da && db && da->nparts == db->nparts &&
                                       memcmp(da->parts, db->parts, sizeof da->parts) == 0 &&
                                       da->circa == db->circa &&
                                       same_str_or_null(da->literal, db->literal) &&
                                       same_str_or_null(da->raw, db->raw)),
                      "%s: %s date differs", what, bib_var_name(v));
    }
}

/* The source texts of a and b alike, field by field (same fields). */
static void same_sources(const bib_record *a, const bib_record *b, const char *what)
{
    for (size_t i = 0; i < bib_record_field_count(a); i++) {
        const bib_field *fa = bib_record_field_at(a, i), *fb = bib_record_field_at(b, i);
        unsigned ta = 0, tb = 0;
        size_t la = 0, lb = 0;
        const char *sa = bib_field_source(fa, "bibtex", &ta, &la);
        const char *sb = bib_field_source(fb, "bibtex", &tb, &lb);
        ck_assert_msg((!sa && !sb) || (sa && sb && ta == tb && la == lb && memcmp(sa, sb, la) == 0),
                      "%s: %s source text '%.*s' (tag %x) / '%.*s' (tag %x)", what,
                      bib_var_name(bib_field_var(fa)), sa ? (int)la : 6, sa ? sa : "(none)", ta,
                      sb ? (int)lb : 6, sb ? sb : "(none)", tb);
    }
}

/* The rest of a record: kind, type, id, extras, directive text. */
static void same_record(const bib_record *a, const bib_record *b, const char *what)
{
    ck_assert_msg(bib_record_kind_of(a) == bib_record_kind_of(b) &&
                      bib_record_type(a) == bib_record_type(b) &&
                      same_str_or_null(bib_record_id(a), bib_record_id(b)),
                  "%s: kind, type or id ('%s' / '%s')", what, bib_record_id(a), bib_record_id(b));
    ck_assert_msg(bib_record_extra_count(a) == bib_record_extra_count(b), "%s: extras", what);
    for (size_t i = 0; i < bib_record_extra_count(a); i++) {
        const char *fa, *na, *va, *fb, *nb, *vb;
        size_t la, lb;
        bib_record_extra_at(a, i, &fa, &na, &va, &la);
        bib_record_extra_at(b, i, &fb, &nb, &vb, &lb);
        ck_assert_msg(strcmp(fa, fb) == 0 && strcmp(na, nb) == 0 && la == lb &&
                          memcmp(va, vb, la) == 0,
                      "%s: extra %zu (%s)", what, i, na);
    }
    size_t la = 0, lb = 0;
    const char *ta = bib_record_directive_text(a, &la), *tb = bib_record_directive_text(b, &lb);
    ck_assert_msg(la == lb && (!la || memcmp(ta, tb, la) == 0), "%s: directive text", what);
    same_fields(a, b, what);
}

/* Reads text the three ways and compares every record; with `copies`,
 * the put-off one is read through a clone and a keyed view first (each
 * decodes on its own or through its source), then itself. Returns the
 * number of records. */
static size_t compare_reads(const char *fmt, const char *text, size_t len, const char *name,
                            bool copies)
{
    two_reads t;
    two_open(&t, fmt, text, len);
    size_t n = 0;
    char what[300];
    for (;; n++) {
        bib_record *r[3] = {NULL, NULL, NULL};
        int rc[3];
        for (int k = 0; k < 3; k++) {
            bt_defer_off = k == 2;
            do
                rc[k] = bib_reader_next(t.rd[k], &r[k]);
            while (rc[k] < 0 && rc[k] != BIB_ENOMEM && rc[k] != BIB_EIO);
            bt_defer_off = false;
        }
        snprintf(what, sizeof what, "%s (%s), record %zu", name, fmt, n);
        ck_assert_msg(rc[0] == rc[1] && rc[0] == rc[2], "%s: next() %d/%d/%d", what, rc[0], rc[1],
                      rc[2]);
        if (rc[0] <= 0)
            break;
        /* the source texts before any value is read (a read keeps them) */
        same_fields(r[0], r[2], what);
        same_sources(r[2], r[1], what);
        bib_record *c = copies ? bib_record_clone(r[1]) : NULL;
        if (c)
            same_record(r[0], c, what);
        bib_record_free(c);
        if (copies && bib_record_kind_of(r[1]) == BIB_RECORD_ENTRY) {
            bib_record *v = bib_record_keyed_view(r[1], "view");
            ck_assert_ptr_nonnull(v);
            same_fields(r[0], v, what);
            bib_record_free(v);
        }
        same_record(r[0], r[1], what);
        same_sources(r[2], r[1], what);
        for (int k = 0; k < 3; k++)
            bib_record_free(r[k]);
    }
    ck_assert_msg(strcmp(t.diags[0], t.diags[1]) == 0 && strcmp(t.diags[0], t.diags[2]) == 0,
                  "%s (%s): diagnostics differ:\n%s---\n%s", name, fmt, t.diags[0], t.diags[1]);
    two_close(&t);
    return n;
}

/* Cases of the rules bib_record_defer decides by: values that decode to
 * nothing (no field either way), empty names, commands, lists, ranges. */
START_TEST(test_deferred_same_as_decoded)
{
    static const char text[] =
        "@article{a, author = {Knuth, Donald E. and M{\\\"u}ller, J. and others},\n"
        "  editor = {A and and B}, translator = { and X}, director = {Y and },\n"
        "  title = {{\\relax}}, subtitle = {The {TeX}book \\emph{now}},\n"
        "  journal = {$x$}, note = {{}}, volume = {~}, issue = {\\ },\n"
        "  pages = {1--5, 7}, keywords = {a; b,, {c},\\relax; d},\n"
        "  url = {http://x.org/{a}}, howpublished = {x},\n"
        "  abstract = {Line\n   broken}, publisher = {others}, address = {%},\n"
        "  annote = {-- --}, organization = {\\'{}}, series = {{}{}}}\n"
        "@book{b, author = {others}, editor = {{World Health Organization}},\n"
        "  translator = {family=Dijk, given=Marten, prefix=van},\n"
        "  bookauthor = {May, Keith, and Ann}, title = {x}, number = {3}, issue = {4}}\n"
        "@article{c, issue = {2}, number = {5}, title = \"Quoted {T}itle\"}\n"
        "@misc{d, author = {{\\relax} and {}}, title = {\\url{http://a.b}}}\n"
        /* commands: a name or a text of commands and their arguments alone */
        "@misc{e, author = {\\href{x}{} and B}, editor = {M\\\"{u}ller, J. and \\ss},\n"
        "  translator = {{\\\"O}zt{\\\"u}rk and \\relax and X}, director = {\\\"u and A\\,B},\n"
        "  bookauthor = {{\\relax Ch}ristopher and \\noopsort{a}Zed, A.},\n"
        "  title = {\\href{x}{}}, subtitle = {{\\em Title}}, note = {\\emph{x}: y},\n"
        "  series = {\\href x}, abstract = {\\'{}}, addendum = {\\%}, annote = {\\\\ \\ss}}\n";
    ck_assert_uint_eq(compare_reads("bibtex", text, strlen(text), "cases", true), 5);
    ck_assert_uint_eq(compare_reads("biblatex", text, strlen(text), "cases", true), 5);
}
END_TEST

/* BIBCONV_CORPUS_STRIDE=N: every Nth file only (the sanitizer run's
 * setting, as the corpus scripts take it). */
static size_t corpus_stride(void)
{
    const char *v = getenv("BIBCONV_CORPUS_STRIDE");
    long n = v ? strtol(v, NULL, 10) : 1;
    return n > 1 ? (size_t)n : 1;
}

/* The .bib files of the shared corpus (tests/bibtex/corpus.py's), under
 * dir, compared both ways (every *seen-th by the stride); *files and
 * *records count those compared. */
static void compare_dir(const char *dir, size_t *seen, size_t *files, size_t *records)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        if (e->d_name[0] == '.')
            continue;
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        struct stat st;
        if (stat(path, &st) != 0)
            continue;
        size_t nl = strlen(e->d_name);
        if (S_ISDIR(st.st_mode)) {
            compare_dir(path, seen, files, records);
            continue;
        }
        if (nl < 4 || strcmp(e->d_name + nl - 4, ".bib") != 0 || st.st_size > (8 << 20))
            continue;
        if ((*seen)++ % corpus_stride() != 0)
            continue;
        FILE *f = fopen(path, "rb");
        ck_assert_ptr_nonnull(f);
        char *buf = malloc((size_t)st.st_size + 1);
        ck_assert_ptr_nonnull(buf);
        size_t got = fread(buf, 1, (size_t)st.st_size, f);
        fclose(f);
        /* through copies in one flavour of two: the time under ASan */
        *records += compare_reads("bibtex", buf, got, path, *files % 2 == 0);
        *records += compare_reads("biblatex", buf, got, path, *files % 2 == 1);
        (*files)++;
        free(buf);
    }
    closedir(d);
}

/* The reader's memo of entry types (a slot per hash) gives each entry the
 * type and lower case the table gives: 256 entries (what a result holds)
 * of 40 types, each in three spellings of case, in random order (slots
 * shared and replaced). */
START_TEST(test_type_memo_many)
{
    static const char *const names[] = {
        "article", "book", "booklet", "inbook", "incollection", "inproceedings", "manual",
        "mastersthesis", "misc", "phdthesis", "proceedings", "techreport", "unpublished",
        "online", "report", "thesis", "patent", "software", "dataset", "mvbook", "collection",
        "reference", "periodical", "suppbook", "standard", "jurisdiction", "legislation",
        "a", "ab", "abc", "video", "audio", "image", "movie", "music", "letter", "review",
        "commentary", "artwork", "performance"};
    enum { N = sizeof names / sizeof names[0], E = 256 };
    static char spelt[E][40];
    unsigned seed = 5;
    bib_buf b = BIB_BUF_INIT;
    for (int e = 0; e < E; e++) {
        seed = seed * 1103515245u + 12345u;
        const char *nm = names[(seed >> 16) % N];
        unsigned how = (seed >> 8) % 3;
        size_t n = strlen(nm);
        for (size_t k = 0; k < n; k++)
            spelt[e][k] = how == 1 || (how == 2 && k == 0) ? (char)(nm[k] - 'a' + 'A') : nm[k];
        spelt[e][n] = '\0';
        bib_buf_printf(&b, "@%s{k%d, title = {T}}\n", spelt[e], e);
    }
    result *r = rd(b.data);
    ck_assert_uint_eq(r->n, E);
    for (size_t e = 0; e < r->n; e++) {
        char lower[40];
        size_t n = strlen(spelt[e]);
        for (size_t k = 0; k <= n; k++)
            lower[k] = (char)(spelt[e][k] >= 'A' && spelt[e][k] <= 'Z' ? spelt[e][k] + 32
                                                                       : spelt[e][k]);
        ck_assert_str_eq(extra(r, e, "entrytype"), lower);
        ck_assert_int_eq(bib_record_type(r->rec[e]), bt_map_type(spelt[e], n));
    }
    done(r);
    bib_buf_clear(&b);
}
END_TEST

/* Reads text twice, parents kept as their entries (built again when a
 * child names one) and as clones (bt_save_parents_off), and compares
 * every record, its source texts and the diagnostics. */
static void saved_same_as_clones(const char *fmt, const char *text, int keep, int file)
{
    two_reads t;
    two_open(&t, fmt, text, strlen(text));
    for (int k = 0; k < 2; k++)
        ((bt_reader *)bib_reader_state(t.rd[k]))->keep_src = (signed char)keep;
    char what[200];
    for (size_t n = 0;; n++) {
        bib_record *r[2] = {NULL, NULL};
        int rc[2];
        for (int k = 0; k < 2; k++) {
            bt_save_parents_off = k == 1;
            do
                rc[k] = bib_reader_next(t.rd[k], &r[k]);
            while (rc[k] < 0 && rc[k] != BIB_ENOMEM && rc[k] != BIB_EIO);
            bt_save_parents_off = false;
        }
        snprintf(what, sizeof what, "file %d (%s, keep %d), record %zu", file, fmt, keep, n);
        ck_assert_msg(rc[0] == rc[1], "%s: next() %d/%d", what, rc[0], rc[1]);
        if (rc[0] <= 0)
            break;
        same_sources(r[0], r[1], what);
        same_record(r[0], r[1], what);
        size_t la = 0, lb = 0;
        const char *oa = bib_record_origin(r[0], &la), *ob = bib_record_origin(r[1], &lb);
        ck_assert_msg(la == lb && same_str_or_null(oa, ob), "%s: origin line %zu/%zu", what, la,
                      lb);
        for (int k = 0; k < 2; k++)
            bib_record_free(r[k]);
    }
    ck_assert_msg(strcmp(t.diags[0], t.diags[1]) == 0, "file %d (%s): diagnostics differ:\n%s---\n%s",
                  file, fmt, t.diags[0], t.diags[1]);
    two_close(&t);
}

/* Parents kept as their entries give what clones give: random files of
 * parent-like and other entries (types in any case), children naming
 * parents before and after them, themselves or none, nested crossrefs,
 * the classic writer's notes, duplicate fields and empty names (warned
 * once), long keys, macros redefined between a parent and its child. */
START_TEST(test_saved_parents_same_as_clones)
{
    static const char *const types[] = {"book", "Book", "BOOK", "proceedings", "collection",
                                        "mvbook", "periodical", "reference", "software",
                                        "misc", "article", "inbook", "incollection",
                                        "inproceedings", "online"};
    static const char *const fields[] = {
        "title = {Title %d {Sub}}", "author = {Doe, Jane and and Roe, R.}",
        "title = {Twice}", "year = 2001", "month = jan", "date = {2003-05}",
        "publisher = {Pub %d}", "entrytype = {online}", "crossref = {k%d}",
        "crossref-omitted = {k%d}", "xdata = {k%d}", "booktitle = {In %d}",
        "note = {a\n   b}", "editor = {Ed, A.}", "title = m%d # { more}", "pages = {1--%d}"};
    unsigned seed = 7;
#define RND(n) ((seed = seed * 1103515245u + 12345u), (int)((seed >> 16) % (unsigned)(n)))
    bib_buf b = BIB_BUF_INIT;
    for (int file = 0; file < 240; file++) {
        bib_buf_reset(&b);
        int n = 5 + RND(30);
        for (int e = 0; e < n; e++) {
            if (RND(6) == 0) {
                int m = RND(4);
                bib_buf_printf(&b, "@string{m%d = {Macro %d.%d}}\n", m, m, e);
            }
            const char *ty = types[RND(sizeof types / sizeof types[0])];
            if (RND(25) == 0) {
                bib_buf_printf(&b, "@%s{", ty);
                for (int k = 0; k < 600; k++)
                    bib_buf_putc(&b, 'x');
                bib_buf_printf(&b, "%d", e % 3);
            } else {
                bib_buf_printf(&b, "@%s{k%d", ty, RND(5) == 0 ? RND(n) : e);
            }
            int nf = RND(7);
            for (int f = 0; f < nf; f++) {
                bib_buf_puts(&b, ",\n  ");
                /* the field with its "%d" a number (not a format: no
                 * non-literal format string) */
                const char *fl = fields[RND(sizeof fields / sizeof fields[0])];
                const char *pc = strstr(fl, "%d");
                bib_buf_append(&b, fl, pc ? (size_t)(pc - fl) : strlen(fl));
                if (pc) {
                    bib_buf_printf(&b, "%d", RND(n + 2));
                    bib_buf_puts(&b, pc + 2);
                }
            }
            bib_buf_puts(&b, "}\n");
        }
        saved_same_as_clones(file % 2 ? "biblatex" : "bibtex", b.data, file % 3 ? -1 : 0, file);
    }
#undef RND
    /* a parent whose values outgrew the reader's arena (freed after the
     * entry, past 1 MiB): kept as a clone, the same for its child */
    bib_buf_reset(&b);
    bib_buf_puts(&b, "@book{big, title = {Big}, abstract = {");
    for (int k = 0; k < (1 << 20) / 16 + 10; k++)
        bib_buf_puts(&b, "sixteen bytes a ");
    bib_buf_puts(&b, "}}\n@inbook{c, crossref = {big}}\n");
    for (int keep = -1; keep <= 0; keep++)
        saved_same_as_clones("bibtex", b.data, keep, -1);
    bib_buf_clear(&b);
}
END_TEST

START_TEST(test_deferred_same_over_corpus)
{
    const char *shared = getenv("BIBCONV_SHARED");
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/corpus", shared ? shared : "");
    struct stat st;
    if (!shared || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "test_deferred_same_over_corpus: no corpus at '%s': skipped\n", dir);
        return;
    }
    size_t seen = 0, files = 0, records = 0;
    compare_dir(dir, &seen, &files, &records);
    fprintf(stderr, "test_deferred_same_over_corpus: %zu files, %zu records, alike\n", files,
            records);
    ck_assert_uint_gt(files, 0);
}
END_TEST

BIB_TEST_MAIN("bibtex", test_delimiters_and_case, test_long_type_cut_at_char, test_values, test_percent_end_of_line_comment,
              test_date_quick, test_has_break, test_type_memo_near_miss, test_source_bytes_ok,
              test_saved_parents_same_as_clones, test_type_memo_many,
              test_macros_and_concatenation,
              test_undefined_macro_warns, test_text_between_entries, test_lone_at_is_junk,
              test_blanks_between_entries,
              test_preamble_and_comment_kept, test_write_bare_comment_braced,
              test_write_directive_head_comments, test_crossref_software,
              test_write_keys_differing_in_case, test_write_xdata,
              test_duplicate_field_first_wins,
              test_duplicate_key_both_kept, test_lines_after_multiline_constructs,
              test_missing_brace_costs_one_entry,
              test_bad_field_position, test_resync_after_lone_cr, test_unterminated_string,
              test_garbage_only,
              test_latex_and_nocase, test_names_and_others, test_crossref_inherits, test_xdata,
              test_biblatex_dates, test_unmapped_kept_as_extra,
              test_extra_line_breaks_are_spaces,
              test_container_and_year_beside_date, test_write_escapes_and_layout,
              test_write_names_read_back, test_write_auto_keys, test_write_unique_generated_keys,
              test_crossref_by_type_pair, test_series_number, test_report_and_thesis_types, test_classic_type_note,
              test_biblatex_inbook_subtype,
              test_yearless_date, test_howpublished_and_numpages, test_forgiven_slips,
              test_runaway_value_costs_one_entry, test_early_close_warns,
              test_crossref_order_for_bibtex,
              test_deep_braces_read_iteratively, test_crosswalk_rows, test_split_field_names,
              test_long_entry_warns_once,
              test_split_against_reference,
              test_empty_fields_round_trip, test_name_trailing_comma,
              test_crossref_missing_parent_classic, test_crossref_parent_before,
              test_write_foreign_raw_date, test_write_literal_date_escaped,
              test_write_alias_pair_round_trip, test_write_biber_key_bytes,
              test_write_many_orphan_crossrefs, test_names_clean, test_kept_type_needs_no_note,
              test_renamed_rows_keep_both,
              test_deferred_same_as_decoded, test_deferred_same_over_corpus)
