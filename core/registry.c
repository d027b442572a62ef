/* SPDX-License-Identifier: MIT */
/*
 * registry.c - finds, checks and loads format plugins, and probes inputs.
 *
 * Loading never runs plugin code: the descriptor is constant data read
 * after dlopen(RTLD_NOW | RTLD_LOCAL), abi_version first. Every refusal is
 * one warning naming the file and the reason; the other modules still load.
 *
 * A module with an index beside it (NAME.formats, written by the build:
 * docs/plugin-guide.md, "Index files") is opened only when one of the formats
 * it lists is first asked for, or when every format is needed (listing,
 * probing): opening the modules that link libxml2 costs a small
 * conversion more than half of its time. The index only saves work, it
 * never decides: a format is still the first module's in search order
 * that declares it, and a name no index lists opens every module.
 * A build-tree libbibconv uses the build's plugin directories instead of
 * the installed one, so tests are hermetic and a build next to an installed
 * bibconv does not see every format twice.
 *
 * Not for: running readers and writers (convert.c).
 */
#define _GNU_SOURCE /* dladdr */
#include <ctype.h>
#include <dirent.h>
#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "bibconv/registry.h"

#ifndef BIB_BUILD_ROOT
#define BIB_BUILD_ROOT ""
#endif
#ifndef BIB_BUILD_PLUGIN_DIRS
#define BIB_BUILD_PLUGIN_DIRS ""
#endif
#ifndef BIB_PLUGIN_INSTALL_DIR
#define BIB_PLUGIN_INSTALL_DIR "/usr/local/lib/bibconv/plugins"
#endif

#define MAX_FORMATS_PER_MODULE 32
_Static_assert(MAX_FORMATS_PER_MODULE <= 32, "module.warned has one bit a format");
#define BIB_STR_(x) #x
#define BIB_STR(x) BIB_STR_(x)
#define HEAD_SMALL 8192
#define HEAD_LARGE 65536

#define INDEX_MAGIC "bibconv-plugin-index 1"

enum { M_LOADED, M_DEFERRED, M_FAILED };

/* One module file, in search order. */
typedef struct module {
    void *handle;                /* M_LOADED only */
    char *path;                  /* owned */
    const bib_plugin_desc *desc; /* M_LOADED only; the module's constant data */
    char *listed;                /* M_DEFERRED: its index's names, NUL-separated, owned */
    size_t nlisted;
    /* formats already reported as provided by an earlier module, a bit
     * each (check_desc allows MAX_FORMATS_PER_MODULE = 32) */
    uint32_t warned;
    int state;
} module;

/* A format as lookups see it; desc NULL: a name listed by the index of a
 * module not opened yet (a placeholder). */
typedef struct format_entry {
    const bib_format_desc *desc;
    const char *name; /* desc->name, or in the module's `listed` */
    size_t module;    /* index into modules */
} format_entry;

struct bib_registry {
    bib_diag *diag;
    char **seen_dirs; /* real paths of directories already scanned */
    size_t nseen;
    char **dirs;
    size_t ndirs;
    module *modules;
    size_t nmodules;
    format_entry *formats; /* rebuilt from `modules` by rebuild() */
    size_t nformats, capformats;
};

bib_registry *bib_registry_new(bib_diag *diag)
{
    bib_registry *r = calloc(1, sizeof *r);
    if (r)
        r->diag = diag;
    return r;
}

void bib_registry_free(bib_registry *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->ndirs; i++)
        free(r->dirs[i]);
    free(r->dirs);
    for (size_t i = 0; i < r->nseen; i++)
        free(r->seen_dirs[i]);
    free(r->seen_dirs);
    for (size_t i = 0; i < r->nmodules; i++) {
        if (r->modules[i].handle)
            dlclose(r->modules[i].handle);
        free(r->modules[i].path);
        free(r->modules[i].listed);
    }
    free(r->modules);
    free(r->formats);
    free(r);
}

int bib_registry_add_dir(bib_registry *r, const char *dir)
{
    char **d = realloc(r->dirs, (r->ndirs + 1) * sizeof *d);
    if (!d)
        return BIB_ENOMEM;
    r->dirs = d;
    if (!(d[r->ndirs] = strdup(dir)))
        return BIB_ENOMEM;
    r->ndirs++;
    return 0;
}

/* One warning line: the module and why it is refused. */
static void refuse(bib_registry *r, const char *path, const char *fmt, ...) BIB_PRINTF(3, 4);

static void refuse(bib_registry *r, const char *path, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    bib_diag_report(r->diag, BIB_SEV_WARNING, NULL, 0, 0, "plugin %s refused: %s", path, msg);
}

static bool valid_format_name(const char *s)
{
    if (!s || !(islower((unsigned char)*s) || isdigit((unsigned char)*s)))
        return false;
    for (; *s; s++)
        if (!(islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-'))
            return false;
    return true;
}

static bool valid_extensions(const char *s)
{
    if (!s)
        return true;
    if (!*s)
        return false;
    for (const char *p = s; *p; p++) {
        if (*p == ',') {
            if (p == s || p[1] == '\0' || p[1] == ',')
                return false;
        } else if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.') {
            return false;
        }
    }
    return s[0] != '.';
}

/* Checks the shape of a descriptor; returns NULL when fine, else a reason. */
static const char *check_desc(const bib_plugin_desc *d, const char *stem, char *why, size_t wl)
{
    if (!d->module_name || strcmp(d->module_name, stem) != 0) {
        snprintf(why, wl, "module_name '%s' does not match the file name '%s'",
                 d->module_name ? d->module_name : "(null)", stem);
        return why;
    }
    for (const char *p = d->module_name; *p; p++)
        if (!(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '_'))
            return "module_name must be [a-z0-9_]+";
    if (!d->formats || !d->formats[0])
        return "it declares no format";
    size_t n = 0;
    for (; d->formats[n]; n++) {
        if (n >= MAX_FORMATS_PER_MODULE)
            return "it declares more than " BIB_STR(MAX_FORMATS_PER_MODULE) " formats";
        const bib_format_desc *f = d->formats[n];
        if (!valid_format_name(f->name)) {
            snprintf(why, wl, "format %zu has an invalid name", n + 1);
            return why;
        }
        if (!f->description || !*f->description) {
            snprintf(why, wl, "format '%s' has no description", f->name);
            return why;
        }
        if (!f->reader && !f->writer) {
            snprintf(why, wl, "format '%s' has neither a reader nor a writer", f->name);
            return why;
        }
        if (f->reader && (!f->reader->open || !f->reader->next || !f->reader->close)) {
            snprintf(why, wl, "format '%s' has an incomplete reader table", f->name);
            return why;
        }
        if (f->writer && (!f->writer->begin || !f->writer->write || !f->writer->end)) {
            snprintf(why, wl, "format '%s' has an incomplete writer table", f->name);
            return why;
        }
        if (!valid_extensions(f->extensions)) {
            snprintf(why, wl, "format '%s' has a malformed extension list", f->name);
            return why;
        }
        for (size_t j = 0; j < n; j++)
            if (strcmp(d->formats[j]->name, f->name) == 0) {
                snprintf(why, wl, "format '%s' is declared twice", f->name);
                return why;
            }
    }
    return NULL;
}

static const format_entry *find_entry(const bib_registry *r, const char *name)
{
    for (size_t i = 0; i < r->nformats; i++)
        if (strcmp(r->formats[i].name, name) == 0)
            return &r->formats[i];
    return NULL;
}

static size_t count_declared(const bib_plugin_desc *d)
{
    size_t n = 0;
    while (d->formats[n])
        n++;
    return n;
}

/* Makes the format table again from the modules in search order: a name
 * is the first module's that declares it (opened) or lists it (not yet
 * opened). A format an earlier opened module already provides is
 * reported once. On BIB_ENOMEM the table is left as it was. */
static int rebuild(bib_registry *r)
{
    size_t need = 0;
    for (size_t i = 0; i < r->nmodules; i++) {
        const module *m = &r->modules[i];
        need += m->state == M_LOADED ? count_declared(m->desc)
                : m->state == M_DEFERRED ? m->nlisted
                                         : 0;
    }
    if (need > r->capformats) {
        format_entry *fe = realloc(r->formats, need * sizeof *fe);
        if (!fe)
            return BIB_ENOMEM;
        r->formats = fe;
        r->capformats = need;
    }
    r->nformats = 0;
    for (size_t i = 0; i < r->nmodules; i++) {
        module *m = &r->modules[i];
        if (m->state == M_DEFERRED) {
            const char *name = m->listed;
            for (size_t k = 0; k < m->nlisted; k++, name += strlen(name) + 1)
                if (!find_entry(r, name))
                    r->formats[r->nformats++] = (format_entry){NULL, name, i};
            continue;
        }
        if (m->state != M_LOADED)
            continue;
        for (size_t k = 0; m->desc->formats[k]; k++) {
            const bib_format_desc *f = m->desc->formats[k];
            const format_entry *prev = find_entry(r, f->name);
            if (!prev) {
                r->formats[r->nformats++] = (format_entry){f, f->name, i};
            } else if (prev->desc && !(m->warned & (1u << k))) {
                /* first in search order wins; only this format is refused
                 * (said once, when both are open: an index may be wrong) */
                m->warned |= 1u << k;
                bib_diag_report(r->diag, BIB_SEV_WARNING, NULL, 0, 0,
                                "plugin %s: format '%s' refused: already provided by %s",
                                m->path, f->name, r->modules[prev->module].path);
            }
        }
    }
    return 0;
}

/* Formats of module i that the table holds or that wait behind a
 * placeholder (an earlier module's index may be wrong). */
static size_t contributed(const bib_registry *r, size_t i)
{
    size_t n = 0;
    const bib_plugin_desc *d = r->modules[i].desc;
    for (size_t k = 0; d->formats[k]; k++) {
        const format_entry *e = find_entry(r, d->formats[k]->name);
        if (e && (e->module == i || !e->desc))
            n++;
    }
    return n;
}

/* Checks and opens one module file: 0 with *handle and *desc set, else
 * BIB_EPLUGIN after one warning saying why (or BIB_ENOMEM). */
static int open_module(bib_registry *r, const char *path, void **handle,
                       const bib_plugin_desc **desc)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        refuse(r, path, "cannot stat: %s", strerror(errno));
        return BIB_EPLUGIN;
    }
    if (!S_ISREG(st.st_mode)) {
        refuse(r, path, "not a regular file");
        return BIB_EPLUGIN;
    }
    if (st.st_mode & S_IWOTH) {
        refuse(r, path, "the file is world-writable");
        return BIB_EPLUGIN;
    }
    /* whoever can write the directory can swap the file */
    char *dup = strdup(path);
    if (!dup)
        return BIB_ENOMEM;
    char *slash = strrchr(dup, '/');
    const char *dir = ".";
    if (slash) {
        *slash = '\0';
        dir = slash == dup ? "/" : dup;
    }
    struct stat ds;
    if (stat(dir, &ds) == 0 && (ds.st_mode & S_IWOTH) && !(ds.st_mode & S_ISVTX)) {
        free(dup);
        refuse(r, path, "its directory is world-writable without the sticky bit");
        return BIB_EPLUGIN;
    }
    free(dup);

    void *h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *e = dlerror();
        refuse(r, path, "cannot load: %s", e ? e : "unknown error");
        return BIB_EPLUGIN;
    }
    const bib_plugin_desc *d = dlsym(h, "bib_plugin_module");
    if (!d) {
        dlclose(h);
        refuse(r, path, "not a bibconv plugin (no bib_plugin_module symbol)");
        return BIB_EPLUGIN;
    }
    if (d->abi_version != BIB_PLUGIN_ABI_VERSION) {
        long got = (long)d->abi_version;
        dlclose(h);
        refuse(r, path, "built for plugin ABI %ld, this bibconv expects %ld", got,
               (long)BIB_PLUGIN_ABI_VERSION);
        return BIB_EPLUGIN;
    }
    /* file stem: base name without ".so" */
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    char stem[256];
    size_t bl = strlen(base);
    if (bl > 3 && strcmp(base + bl - 3, ".so") == 0)
        bl -= 3;
    if (bl >= sizeof stem)
        bl = sizeof stem - 1;
    memcpy(stem, base, bl);
    stem[bl] = '\0';
    char why[640];
    const char *bad = check_desc(d, stem, why, sizeof why);
    if (bad) {
        dlclose(h);
        refuse(r, path, "malformed descriptor: %s", bad);
        return BIB_EPLUGIN;
    }
    *handle = h;
    *desc = d;
    return 0;
}

/* Appends a module record (path copied) in state `state`; its index
 * within r->modules, or (size_t)-1 on OOM. */
static size_t add_module(bib_registry *r, const char *path, int state)
{
    module *m = realloc(r->modules, (r->nmodules + 1) * sizeof *m);
    if (!m)
        return (size_t)-1;
    r->modules = m;
    char *p = strdup(path);
    if (!p)
        return (size_t)-1;
    r->modules[r->nmodules] = (module){.path = p, .state = state};
    return r->nmodules++;
}

int bib_registry_load_file(bib_registry *r, const char *path)
{
    void *h;
    const bib_plugin_desc *d;
    int rc = open_module(r, path, &h, &d);
    if (rc)
        return rc;
    size_t mi = add_module(r, path, M_LOADED);
    if (mi == (size_t)-1) {
        dlclose(h);
        return BIB_ENOMEM;
    }
    r->modules[mi].handle = h;
    r->modules[mi].desc = d;
    rc = rebuild(r);
    if (rc == 0 && contributed(r, mi) == 0)
        rc = BIB_EPLUGIN; /* every format already provided: the module goes */
    if (rc) {
        dlclose(h);
        free(r->modules[--r->nmodules].path);
        rebuild(r); /* shrinks or keeps: cannot fail */
    }
    return rc;
}

/* Reads `<module path without .so>.formats`: on success the module is
 * recorded as deferred (returns true); a missing, unsafe or malformed
 * index returns false and the caller opens the module now. */
static bool defer_module(bib_registry *r, const char *path)
{
    size_t pl = strlen(path);
    char *ipath = malloc(pl + 8);
    if (!ipath)
        return false;
    memcpy(ipath, path, pl - 3);
    memcpy(ipath + pl - 3, ".formats", 9);
    struct stat st;
    FILE *f = NULL;
    /* an index others can write is not trusted to save work either */
    if (stat(ipath, &st) == 0 && S_ISREG(st.st_mode) && !(st.st_mode & S_IWOTH) &&
        st.st_size < 4096)
        f = fopen(ipath, "r");
    free(ipath);
    if (!f)
        return false;
    char buf[4096];
    size_t len = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[len] = '\0';
    size_t ml = strlen(INDEX_MAGIC);
    if (len < ml + 1 || memcmp(buf, INDEX_MAGIC, ml) != 0 || buf[ml] != '\n')
        return false;
    /* the names, one a line, become NUL-separated in place */
    char *names = buf + ml + 1, *o = names;
    size_t n = 0;
    for (char *line = names; *line;) {
        char *nl = strchr(line, '\n');
        if (!nl)
            return false; /* cut short */
        *nl = '\0';
        if (!valid_format_name(line) || ++n > MAX_FORMATS_PER_MODULE)
            return false;
        size_t l = strlen(line) + 1;
        memmove(o, line, l);
        o += l;
        line = nl + 1;
    }
    if (n == 0)
        return false;
    char *listed = malloc((size_t)(o - names));
    if (!listed)
        return false;
    memcpy(listed, names, (size_t)(o - names));
    size_t mi = add_module(r, path, M_DEFERRED);
    if (mi == (size_t)-1) {
        free(listed);
        return false;
    }
    r->modules[mi].listed = listed;
    r->modules[mi].nlisted = n;
    if (rebuild(r)) { /* out of memory: as if there were no index */
        free(r->modules[--r->nmodules].path);
        free(listed);
        rebuild(r);
        return false;
    }
    return true;
}

/* Opens deferred module i and makes the table again. A name its index
 * listed that it does not declare is said once (the index is stale). */
static int open_deferred(bib_registry *r, size_t i)
{
    module *m = &r->modules[i];
    if (m->state != M_DEFERRED) /* a placeholder left by a rebuild that failed */
        return BIB_ENOMEM;
    void *h;
    const bib_plugin_desc *d;
    int rc = open_module(r, m->path, &h, &d);
    if (rc == 0) {
        const char *name = m->listed;
        for (size_t k = 0; k < m->nlisted; k++, name += strlen(name) + 1) {
            size_t j = 0;
            while (d->formats[j] && strcmp(d->formats[j]->name, name) != 0)
                j++;
            if (!d->formats[j])
                bib_diag_report(r->diag, BIB_SEV_WARNING, NULL, 0, 0,
                                "plugin %s: its index lists format '%s', which the module "
                                "does not declare (a stale index: rebuild or reinstall)",
                                m->path, name);
        }
        m->handle = h;
        m->desc = d;
        m->state = M_LOADED;
    } else {
        m->state = M_FAILED;
    }
    free(m->listed);
    m->listed = NULL;
    m->nlisted = 0;
    int rb = rebuild(r);
    return rb ? rb : rc;
}

/* Opens every deferred module, in search order. Afterwards the table
 * holds no placeholder, even when memory ran out on the way (those names
 * are then missing, as a module that failed to load would be). */
static void open_all(bib_registry *r)
{
    for (size_t i = 0; i < r->nmodules; i++)
        if (r->modules[i].state == M_DEFERRED && open_deferred(r, i) == BIB_ENOMEM)
            break;
    size_t o = 0;
    for (size_t i = 0; i < r->nformats; i++)
        if (r->formats[i].desc)
            r->formats[o++] = r->formats[i];
    r->nformats = o;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads every *.so of one directory in sorted order; returns files seen. */
static size_t load_dir(bib_registry *r, const char *dir, bool quiet_missing)
{
    /* the same directory reached twice (--plugin-dir and the environment,
     * or the environment and the build tree) is scanned once */
    char *real = realpath(dir, NULL);
    if (real) {
        for (size_t i = 0; i < r->nseen; i++)
            if (strcmp(r->seen_dirs[i], real) == 0) {
                free(real);
                return 0;
            }
        char **ns = realloc(r->seen_dirs, (r->nseen + 1) * sizeof *ns);
        if (ns) {
            r->seen_dirs = ns;
            ns[r->nseen++] = real;
        } else {
            free(real);
        }
    }
    DIR *dp = opendir(dir);
    if (!dp) {
        if (!quiet_missing)
            bib_diag_report(r->diag, BIB_SEV_WARNING, NULL, 0, 0,
                            "plugin directory %s: %s", dir, strerror(errno));
        return 0;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    while ((de = readdir(dp))) {
        size_t l = strlen(de->d_name);
        if (l <= 3 || strcmp(de->d_name + l - 3, ".so") != 0 || de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            char **nn = realloc(names, cap * sizeof *nn);
            if (!nn)
                break;
            names = nn;
        }
        size_t pl = strlen(dir) + l + 2;
        char *full = malloc(pl);
        if (!full)
            break;
        snprintf(full, pl, "%s/%s", dir, de->d_name);
        names[n++] = full;
    }
    closedir(dp);
    if (n) /* qsort's pointer must not be NULL even for no element (C11 7.22.5) */
        qsort(names, n, sizeof *names, cmp_str);
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        /* skip subdirectories named *.so, silently (no recursion) */
        if (stat(names[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            free(names[i]);
            continue;
        }
        if (!defer_module(r, names[i]))
            bib_registry_load_file(r, names[i]);
        free(names[i]);
    }
    free(names);
    return n;
}

/* True when this libbibconv was loaded from under the build root. */
static bool running_uninstalled(void)
{
    Dl_info info;
    if (!BIB_BUILD_ROOT[0] || !dladdr((void *)bib_registry_load, &info) || !info.dli_fname)
        return false;
    char *real = realpath(info.dli_fname, NULL);
    char *root = realpath(BIB_BUILD_ROOT, NULL);
    bool in = real && root && strncmp(real, root, strlen(root)) == 0 &&
              real[strlen(root)] == '/';
    free(real);
    free(root);
    return in;
}

/* `<directory of this libbibconv>/bibconv/plugins`, when it exists. */
static bool installed_plugin_dir(char *out, size_t n)
{
    Dl_info info;
    if (!dladdr((void *)bib_registry_load, &info) || !info.dli_fname)
        return false;
    char *real = realpath(info.dli_fname, NULL);
    if (!real)
        return false;
    char *slash = strrchr(real, '/');
    bool ok = false;
    if (slash) {
        *slash = '\0';
        struct stat st;
        ok = (size_t)snprintf(out, n, "%s/bibconv/plugins", real) < n && stat(out, &st) == 0 &&
             S_ISDIR(st.st_mode) && !strchr(out, ':');
    }
    free(real);
    return ok;
}

/* Loads each directory of a colon-separated list and appends it to
 * *searched (for the "nothing found" message); from the environment, an
 * empty or relative element is warned about and skipped. */
static void each_path(bib_registry *r, const char *list, bool from_env, bool quiet,
                      char ***searched, size_t *nsearched)
{
    char *dup = strdup(list);
    if (!dup)
        return;
    /* strtok_r would merge empty elements silently; walk by hand to warn */
    char *s = dup;
    for (;;) {
        char *c = strchr(s, ':');
        if (c)
            *c = '\0';
        if (!*s) {
            if (from_env)
                bib_diag_report(r->diag, BIB_SEV_WARNING, NULL, 0, 0,
                                "BIBCONV_PLUGIN_PATH: empty entry ignored (the current "
                                "directory is never searched)");
        } else if (from_env && s[0] != '/') {
            bib_diag_report(r->diag, BIB_SEV_WARNING, NULL, 0, 0,
                            "BIBCONV_PLUGIN_PATH: relative entry '%s' ignored", s);
        } else {
            char **ns = realloc(*searched, (*nsearched + 1) * sizeof *ns);
            if (ns) {
                *searched = ns;
                ns[(*nsearched)++] = strdup(s);
            }
            load_dir(r, s, quiet);
        }
        if (!c)
            break;
        s = c + 1;
    }
    free(dup);
}

int bib_registry_load(bib_registry *r, unsigned flags)
{
    char **searched = NULL;
    size_t ns = 0;
    for (size_t i = 0; i < r->ndirs; i++) {
        char **n2 = realloc(searched, (ns + 1) * sizeof *n2);
        if (n2) {
            searched = n2;
            searched[ns++] = strdup(r->dirs[i]);
        }
        load_dir(r, r->dirs[i], false);
    }
    const char *env = getenv("BIBCONV_PLUGIN_PATH");
    if (env && !(flags & BIB_REGISTRY_NO_ENV))
        each_path(r, env, true, false, &searched, &ns);
    if (!(flags & BIB_REGISTRY_NO_DEFAULT)) {
        if (running_uninstalled())
            each_path(r, BIB_BUILD_PLUGIN_DIRS, false, true, &searched, &ns);
        else {
            /* relocatable installs (a --destdir tree, a moved prefix): the
             * plugins next to the library that is actually running first */
            char rel[4096];
            if (installed_plugin_dir(rel, sizeof rel) && strcmp(rel, BIB_PLUGIN_INSTALL_DIR))
                each_path(r, rel, false, true, &searched, &ns);
            each_path(r, BIB_PLUGIN_INSTALL_DIR, false, true, &searched, &ns);
        }
    }
    int rc = (int)r->nformats;
    if (r->nformats == 0) {
        char list[2048] = "";
        size_t o = 0;
        for (size_t i = 0; i < ns && o < sizeof list - 4; i++)
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", i ? ", " : "",
                                  searched[i] ? searched[i] : "?");
        bib_diag_report(r->diag, BIB_SEV_ERROR, NULL, 0, 0,
                        "no format plugin found (searched: %s)", ns ? list : "nothing");
        rc = BIB_ENOTFOUND;
    }
    for (size_t i = 0; i < ns; i++)
        free(searched[i]);
    free(searched);
    return rc;
}

/* The lookups below take a const registry (its formats do not change),
 * yet may open deferred modules: the object is never const itself
 * (bib_registry_new allocates it), so the cast is well defined. */
static bib_registry *opening(const bib_registry *r)
{
    return (bib_registry *)(uintptr_t)r;
}

size_t bib_registry_count(const bib_registry *r)
{
    open_all(opening(r));
    return r->nformats;
}

const bib_format_desc *bib_registry_at(const bib_registry *r, size_t i)
{
    open_all(opening(r));
    return i < r->nformats ? r->formats[i].desc : NULL;
}

const char *bib_registry_module_path(const bib_registry *r, const bib_format_desc *f)
{
    for (size_t i = 0; i < r->nformats; i++)
        if (r->formats[i].desc == f)
            return r->modules[r->formats[i].module].path;
    return NULL;
}

const bib_format_desc *bib_registry_find(const bib_registry *cr, const char *name)
{
    bib_registry *r = opening(cr);
    if (!name)
        return NULL;
    /* each turn opens at least one module, so this ends */
    for (;;) {
        const format_entry *e = find_entry(r, name);
        if (e && e->desc)
            return e->desc;
        if (e) {
            if (open_deferred(r, e->module) == BIB_ENOMEM)
                return NULL;
            continue;
        }
        size_t i = 0;
        while (i < r->nmodules && r->modules[i].state != M_DEFERRED)
            i++;
        if (i == r->nmodules)
            return NULL;
        /* no index lists the name: any module may declare it */
        if (open_deferred(r, i) == BIB_ENOMEM)
            return NULL;
    }
}

/* ---- probing ------------------------------------------------------------ */

static bool ext_matches(const char *exts, const char *filename)
{
    if (!exts || !filename)
        return false;
    const char *base = strrchr(filename, '/');
    base = base ? base + 1 : filename;
    const char *dot = strrchr(base, '.');
    if (!dot || !dot[1])
        return false;
    dot++;
    size_t dl = strlen(dot);
    for (const char *p = exts; *p;) {
        const char *c = strchr(p, ',');
        size_t l = c ? (size_t)(c - p) : strlen(p);
        if (l == dl && strncasecmp(p, dot, l) == 0)
            return true;
        if (!c)
            break;
        p = c + 1;
    }
    return false;
}

static int cmp_result(const void *a, const void *b)
{
    const bib_probe_result *x = a, *y = b;
    if (x->score != y->score)
        return y->score - x->score;
    return strcmp(x->format->name, y->format->name);
}

static void score_all(bib_registry *r, const unsigned char *head, size_t len,
                      const char *fname, bib_probe_result *res, size_t *n)
{
    *n = 0;
    for (size_t i = 0; i < r->nformats; i++) {
        const bib_format_desc *f = r->formats[i].desc;
        if (!f->reader)
            continue;
        bib_probe_result pr = {f, 0, ext_matches(f->extensions, fname)};
        if (f->probe) {
            int s = f->probe(head, len, fname);
            pr.score = s < 0 ? 0 : s > BIB_PROBE_MAX ? BIB_PROBE_MAX : s;
            if (pr.ext_match && pr.score < 1)
                pr.score = 1;
        } else if (pr.ext_match) {
            pr.score = BIB_PROBE_EXTENSION;
        }
        res[(*n)++] = pr;
    }
    qsort(res, *n, sizeof *res, cmp_result);
}

int bib_registry_probe(bib_registry *r, bib_input *in, const bib_format_desc **out,
                       bib_probe_result *results, size_t cap, size_t *nresults,
                       size_t *head_size)
{
    *out = NULL;
    open_all(r); /* every reader's probe is asked */
    bib_probe_result *res = calloc(r->nformats ? r->nformats : 1, sizeof *res);
    if (!res)
        return BIB_ENOMEM;
    const char *fname = bib_input_name(in);
    if (fname && fname[0] == '<')
        fname = NULL; /* <stdin> has no extension */
    size_t n = 0, len = 0;
    const char *data;
    int rc = 0;
    size_t sizes[2] = {HEAD_SMALL, HEAD_LARGE};
    /* the head stays within the bound: under a small --max-value the head
     * itself must not read as a line past it */
    for (int k = 0; k < 2; k++)
        if (sizes[k] > bib_input_max_value(in))
            sizes[k] = bib_input_max_value(in);
    for (int pass = 0; pass < 2; pass++) {
        rc = bib_input_window(in, sizes[pass], &data, &len);
        if (rc)
            goto done;
        size_t hl = len < sizes[pass] ? len : sizes[pass];
        /* the window is NUL-padded by bib_input, so probes may read past */
        score_all(r, (const unsigned char *)data, hl, fname, res, &n);
        if (head_size)
            *head_size = hl;
        if (n && res[0].score > BIB_PROBE_WEAK)
            break;
        if (len < sizes[pass])
            break; /* no more input to look at */
    }
    if (results) {
        for (size_t i = 0; i < n && i < cap; i++)
            results[i] = res[i];
    }
    if (nresults)
        *nresults = n < cap ? n : cap;
    if (n == 0 || res[0].score <= BIB_PROBE_WEAK) {
        rc = BIB_ENOTFOUND;
    } else if (n > 1 && res[1].score == res[0].score) {
        /* a tie is broken only by a unique extension match */
        size_t ext = 0, which = 0;
        for (size_t i = 0; i < n && res[i].score == res[0].score; i++) {
            if (res[i].ext_match) {
                ext++;
                which = i;
            }
        }
        if (ext == 1)
            *out = res[which].format;
        else
            rc = BIB_EAMBIGUOUS;
    } else {
        *out = res[0].format;
    }
    if (rc == BIB_ENOTFOUND || rc == BIB_EAMBIGUOUS) {
        char list[1024] = "";
        size_t o = 0;
        for (size_t i = 0; i < n && i < 6 && o < sizeof list - 40; i++)
            o += (size_t)snprintf(list + o, sizeof list - o, "%s%s (%d)", i ? ", " : "",
                                  res[i].format->name, res[i].score);
        bib_input_report(in, BIB_SEV_ERROR, 0, 0,
                         rc == BIB_EAMBIGUOUS
                             ? "cannot tell the input format: candidates tie: %s; use -f FORMAT"
                             : "cannot detect the input format (best scores: %s); use -f FORMAT",
                         n ? list : "none");
    }
done:
    free(res);
    return rc;
}
