/* SPDX-License-Identifier: MIT */
/*
 * replay.c - runs a libFuzzer target's entry point on files, without
 * libFuzzer, so that the ordinary test build replays each target's seeds
 * and kept reproducers (tests/fuzz/replay/meson.build): a finding aborts
 * as it does under the fuzzer. Arguments are files or directories (their
 * files, not recursively).
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

/* Runs the target on one file; returns 1 when it could not be read. */
static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return 1;
    }
    size_t cap = 1 << 16, len = 0, n;
    unsigned char *data = malloc(cap);
    while (data && (n = fread(data + len, 1, cap - len, f)) > 0) {
        len += n;
        if (len == cap) {
            unsigned char *d = realloc(data, cap *= 2);
            if (!d)
                free(data);
            data = d;
        }
    }
    fclose(f);
    if (!data) {
        fprintf(stderr, "%s: out of memory\n", path);
        return 1;
    }
    /* the fuzzer hands over exactly the file's bytes: a copy of that size
     * lets ASan see a read past the end */
    unsigned char *exact = malloc(len ? len : 1);
    if (exact)
        memcpy(exact, data, len);
    free(data);
    if (!exact)
        return 1;
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    return 0;
}

int main(int argc, char **argv)
{
    LLVMFuzzerInitialize(&argc, &argv);
    int bad = 0, files = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
            struct dirent **ents;
            int n = scandir(argv[i], &ents, NULL, alphasort);
            for (int k = 0; k < n; k++) {
                char path[4096];
                snprintf(path, sizeof path, "%s/%s", argv[i], ents[k]->d_name);
                if (ents[k]->d_name[0] != '.' && strcmp(ents[k]->d_name, "SOURCES.tsv") &&
                    stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
                    bad += run_file(path);
                    files++;
                }
                free(ents[k]);
            }
            free(ents);
        } else {
            bad += run_file(argv[i]);
            files++;
        }
    }
    printf("replayed %d files\n", files - bad);
    return bad || !files;
}
