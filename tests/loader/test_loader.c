/* SPDX-License-Identifier: MIT */
/*
 * test_loader.c - the plugin loader's refusals, each one line naming the
 * file and the reason while the other modules still load; duplicate format
 * names; the world-writable checks; the reader/writer contract (plugin-bug
 * detection, option validation); index files (a module opened only when a
 * format it lists is needed, a wrong index never changing which module
 * provides a format). The module paths arrive as arguments, in
 * the order of tests/loader/meson.build: testfmt badabi nosym badname noops
 * dupa dupb.
 */
#include "testutil.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <dlfcn.h>
#include <unistd.h>

#include "bibconv.h"

static const char *mods[7];
enum { TESTFMT, BADABI, NOSYM, BADNAME, NOOPS, DUPA, DUPB };

typedef struct { char text[8192]; size_t n; } capture;

static void cap(const bib_diag_msg *m, void *p)
{
    capture *c = p;
    c->n += (size_t)snprintf(c->text + c->n, sizeof c->text - c->n, "%s\n", m->message);
}

/* A fresh directory holding copies of the given modules. */
static char *make_dir(const int *which, size_t n)
{
    static char dir[64];
    strcpy(dir, "/tmp/bibconv-loader-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    chmod(dir, 0755);
    for (size_t i = 0; i < n; i++) {
        char cmd[1024];
        snprintf(cmd, sizeof cmd, "cp '%s' '%s/'", mods[which[i]], dir);
        ck_assert_int_eq(system(cmd), 0);
    }
    return dir;
}

static void remove_dir(const char *dir)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "chmod -R u+w '%s'; rm -rf '%s'", dir, dir);
    ck_assert_int_eq(system(cmd), 0);
}

static bib_registry *load(const char *dir, bib_diag **d, capture *c)
{
    *d = bib_diag_new();
    c->n = 0;
    c->text[0] = '\0';
    bib_diag_set_callback(*d, cap, c);
    bib_registry *r = bib_registry_new(*d);
    bib_registry_add_dir(r, dir);
    bib_registry_load(r, BIB_REGISTRY_NO_ENV | BIB_REGISTRY_NO_DEFAULT);
    return r;
}

START_TEST(test_refusals_others_still_load)
{
    int all[] = {TESTFMT, BADABI, NOSYM, BADNAME, NOOPS};
    char *dir = make_dir(all, 5);
    bib_diag *d;
    capture c;
    bib_registry *r = load(dir, &d, &c);
    ck_assert_uint_eq(bib_registry_count(r), 1);
    ck_assert_ptr_nonnull(bib_registry_find(r, "testfmt"));
    ck_assert_msg(strstr(c.text, "badabi.so refused: built for plugin ABI 999, this bibconv "
                                 "expects 2"), "%s", c.text);
    ck_assert_msg(strstr(c.text, "nosym.so refused: not a bibconv plugin (no "
                                 "bib_plugin_module symbol)"), "%s", c.text);
    ck_assert_msg(strstr(c.text, "badname.so refused: malformed descriptor: module_name "
                                 "'othername' does not match the file name 'badname'"),
                  "%s", c.text);
    ck_assert_msg(strstr(c.text, "noops.so refused: malformed descriptor: format 'noops' has "
                                 "neither a reader nor a writer"), "%s", c.text);
    /* one line per refusal */
    int lines = 0;
    for (const char *p = c.text; *p; p++)
        lines += *p == '\n';
    ck_assert_int_eq(lines, 4);
    bib_registry_free(r);
    bib_diag_free(d);
    remove_dir(dir);
}
END_TEST

START_TEST(test_duplicate_format)
{
    int both[] = {DUPA, DUPB};
    char *dir = make_dir(both, 2);
    bib_diag *d;
    capture c;
    bib_registry *r = load(dir, &d, &c);
    /* sorted order: dupa wins 'dupfmt'; dupb keeps its other format */
    const bib_format_desc *f = bib_registry_find(r, "dupfmt");
    ck_assert_ptr_nonnull(f);
    ck_assert(strstr(bib_registry_module_path(r, f), "/dupa.so"));
    ck_assert_ptr_nonnull(bib_registry_find(r, "dupb-only"));
    ck_assert_msg(strstr(c.text, "dupb.so: format 'dupfmt' refused: already provided by"),
                  "%s", c.text);
    bib_registry_free(r);
    bib_diag_free(d);
    remove_dir(dir);
}
END_TEST

START_TEST(test_world_writable)
{
    int one[] = {TESTFMT};
    char *dir = make_dir(one, 1);
    char path[128];
    snprintf(path, sizeof path, "%s/testfmt.so", dir);
    chmod(path, 0666);
    bib_diag *d;
    capture c;
    bib_registry *r = load(dir, &d, &c);
    ck_assert_uint_eq(bib_registry_count(r), 0);
    ck_assert_msg(strstr(c.text, "testfmt.so refused: the file is world-writable"), "%s",
                  c.text);
    ck_assert_msg(strstr(c.text, "no format plugin found (searched: "), "%s", c.text);
    bib_registry_free(r);
    bib_diag_free(d);
    chmod(path, 0644);
    chmod(dir, 0777); /* world-writable directory without the sticky bit */
    r = load(dir, &d, &c);
    ck_assert_uint_eq(bib_registry_count(r), 0);
    ck_assert_msg(strstr(c.text, "its directory is world-writable without the sticky bit"),
                  "%s", c.text);
    bib_registry_free(r);
    bib_diag_free(d);
    chmod(dir, 01777); /* sticky: accepted, as /tmp-like directories are */
    r = load(dir, &d, &c);
    ck_assert_uint_eq(bib_registry_count(r), 1);
    bib_registry_free(r);
    bib_diag_free(d);
    remove_dir(dir);
}
END_TEST

START_TEST(test_contract)
{
    int one[] = {TESTFMT};
    char *dir = make_dir(one, 1);
    bib_diag *d;
    capture c;
    bib_registry *r = load(dir, &d, &c);
    const bib_format_desc *f = bib_registry_find(r, "testfmt");
    ck_assert_ptr_nonnull(f);
    static const char text[] = "one\n!bad\n!silent\ntwo\n";
    bib_input *in = bib_input_open_memory(text, sizeof text - 1, "mem", d);
    bib_output *out = bib_output_open_memory(d);
    bib_writer *wr;
    ck_assert_int_eq(bib_writer_new(&wr, f, out, NULL), 0);
    bib_convert_stats st = {0, 0, 0};
    ck_assert_int_eq(bib_convert_input(f, in, NULL, false, wr, &st), BIB_EPARSE);
    ck_assert_uint_eq(st.read, 2);
    ck_assert_uint_eq(st.skipped, 2);
    ck_assert_int_eq(bib_writer_finish(wr), 0);
    bib_writer_free(wr);
    bib_output_commit(out);
    ck_assert_str_eq(bib_output_memory(out, NULL), "one\ntwo\n");
    ck_assert_msg(strstr(c.text, "testfmt reader failed without a message (plugin bug)"), "%s",
                  c.text);
    bib_output_free(out);
    bib_input_free(in);
    /* strict stops at the first bad record */
    in = bib_input_open_memory(text, sizeof text - 1, "mem", d);
    out = bib_output_open_memory(d);
    bib_writer_new(&wr, f, out, NULL);
    ck_assert_int_eq(bib_convert_input(f, in, NULL, true, wr, NULL), BIB_ESTOP);
    bib_writer_free(wr);
    bib_output_free(out);
    bib_input_free(in);
    /* options are checked against the tables */
    bib_options *o = bib_options_new();
    bib_options_set(o, "upper", "true");
    ck_assert_int_eq(bib_options_validate(o, f, f, d), 0);
    bib_options_set(o, "upper", "perhaps");
    ck_assert_int_eq(bib_options_validate(o, f, f, d), BIB_EINVAL);
    bib_options_set(o, "upper", "no");
    bib_options_set(o, "nosuch", "1");
    ck_assert_int_eq(bib_options_validate(o, f, f, d), BIB_EINVAL);
    ck_assert_msg(strstr(c.text, "unknown option 'nosuch' for testfmt -> testfmt (valid: upper)"),
                  "%s", c.text);
    bib_options_free(o);
    bib_registry_free(r);
    bib_diag_free(d);
    remove_dir(dir);
}
END_TEST

/* Writes DIR/STEM.formats: the magic line, then `names` as given. */
static void write_index(const char *dir, const char *stem, const char *names)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s.formats", dir, stem);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "bibconv-plugin-index 1\n%s", names);
    ck_assert_int_eq(fclose(f), 0);
}

/* Whether DIR/STEM.so is mapped into this process now. */
static bool is_open(const char *dir, const char *stem)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s.so", dir, stem);
    void *h = dlopen(path, RTLD_NOW | RTLD_NOLOAD);
    if (h)
        dlclose(h);
    return h != NULL;
}

START_TEST(test_index_defers)
{
    int two[] = {DUPA, TESTFMT};
    char *dir = make_dir(two, 2);
    write_index(dir, "dupa", "dupfmt\n");
    write_index(dir, "testfmt", "testfmt\n");
    bib_diag *d;
    capture c;
    bib_registry *r = load(dir, &d, &c);
    ck_assert(!is_open(dir, "dupa") && !is_open(dir, "testfmt"));
    const bib_format_desc *f = bib_registry_find(r, "testfmt");
    ck_assert_ptr_nonnull(f);
    ck_assert_str_eq(f->name, "testfmt");
    ck_assert(is_open(dir, "testfmt"));
    ck_assert(!is_open(dir, "dupa")); /* not needed: not opened */
    /* listing needs every module */
    ck_assert_uint_eq(bib_registry_count(r), 2);
    ck_assert(is_open(dir, "dupa"));
    ck_assert_str_eq(bib_registry_at(r, 0)->name, "dupfmt"); /* search order kept */
    ck_assert_msg(c.n == 0, "%s", c.text);
    bib_registry_free(r);
    bib_diag_free(d);
    remove_dir(dir);
}
END_TEST

START_TEST(test_index_wrong)
{
    /* each index names the other module's format: lookups still find the
     * module that declares it, and each stale index is said once */
    int two[] = {DUPA, TESTFMT};
    char *dir = make_dir(two, 2);
    write_index(dir, "dupa", "testfmt\n");
    write_index(dir, "testfmt", "dupfmt\n");
    bib_diag *d;
    capture c;
    bib_registry *r = load(dir, &d, &c);
    const bib_format_desc *f = bib_registry_find(r, "testfmt");
    ck_assert_ptr_nonnull(f);
    ck_assert(strstr(bib_registry_module_path(r, f), "/testfmt.so"));
    f = bib_registry_find(r, "dupfmt");
    ck_assert_ptr_nonnull(f);
    ck_assert(strstr(bib_registry_module_path(r, f), "/dupa.so"));
    ck_assert_msg(strstr(c.text, "dupa.so: its index lists format 'testfmt', which the module "
                                 "does not declare"), "%s", c.text);
    ck_assert_msg(strstr(c.text, "testfmt.so: its index lists format 'dupfmt'"), "%s", c.text);
    ck_assert_ptr_null(bib_registry_find(r, "nosuchformat"));
    ck_assert_uint_eq(bib_registry_count(r), 2);
    bib_registry_free(r);
    bib_diag_free(d);
    remove_dir(dir);

    /* an index that names nothing the module has, and one not an index:
     * a name no index lists is still found */
    int one[] = {TESTFMT};
    dir = make_dir(one, 1);
    write_index(dir, "testfmt", "other\n");
    r = load(dir, &d, &c);
    ck_assert_ptr_nonnull(bib_registry_find(r, "testfmt"));
    bib_registry_free(r);
    bib_diag_free(d);
    char path[256];
    snprintf(path, sizeof path, "%s/testfmt.formats", dir);
    FILE *fp = fopen(path, "w");
    ck_assert_ptr_nonnull(fp);
    fputs("testfmt\n", fp); /* no magic line: ignored, the module opens at once */
    fclose(fp);
    r = load(dir, &d, &c);
    ck_assert(is_open(dir, "testfmt"));
    ck_assert_ptr_nonnull(bib_registry_find(r, "testfmt"));
    ck_assert_msg(c.n == 0, "%s", c.text);
    bib_registry_free(r);
    bib_diag_free(d);
    remove_dir(dir);
}
END_TEST

START_TEST(test_index_order)
{
    /* dupa (indexed, not opened) comes before dupb (no index, opened at
     * once) in search order: 'dupfmt' is still dupa's, and dupb's is
     * refused once both are open */
    int both[] = {DUPA, DUPB};
    char *dir = make_dir(both, 2);
    write_index(dir, "dupa", "dupfmt\n");
    bib_diag *d;
    capture c;
    bib_registry *r = load(dir, &d, &c);
    ck_assert(!is_open(dir, "dupa") && is_open(dir, "dupb"));
    ck_assert_ptr_nonnull(bib_registry_find(r, "dupb-only"));
    ck_assert(!is_open(dir, "dupa"));
    const bib_format_desc *f = bib_registry_find(r, "dupfmt");
    ck_assert_ptr_nonnull(f);
    ck_assert(strstr(bib_registry_module_path(r, f), "/dupa.so"));
    ck_assert_uint_eq(bib_registry_count(r), 2);
    const char *w = strstr(c.text, "dupb.so: format 'dupfmt' refused: already provided by");
    ck_assert_msg(w && !strstr(w + 1, "dupb.so: format"), "%s", c.text); /* said once */
    bib_registry_free(r);
    bib_diag_free(d);
    remove_dir(dir);
}
END_TEST

int main(int argc, char **argv)
{
    if (argc != 8) {
        fprintf(stderr, "usage: test_loader testfmt badabi nosym badname noops dupa dupb\n");
        return 2;
    }
    for (int i = 0; i < 7; i++)
        mods[i] = argv[i + 1];
    const TTest *const tests[] = {test_refusals_others_still_load, test_duplicate_format, test_world_writable, test_contract,
                                 test_index_defers, test_index_wrong, test_index_order};
    return bib_test_run("loader", tests, sizeof tests / sizeof tests[0]);
}
