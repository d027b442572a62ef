/* SPDX-License-Identifier: MIT */
/*
 * plugin_index.c - writes a plugin module's index: the names of the
 * formats it declares, which the registry reads to open the module only
 * when one of them is needed (docs/plugin-guide.md, "Index files").
 *
 * Usage: bibconv-plugin-index MODULE.so > MODULE.formats
 * The module is opened through the registry, so an index is written only
 * for a module the registry accepts. Run by the build after each module.
 */
#include <stdio.h>
#include <stdlib.h>

#include "bibconv/registry.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s MODULE.so\n", argv[0]);
        return 2;
    }
    bib_diag *diag = bib_diag_new();
    bib_registry *reg = diag ? bib_registry_new(diag) : NULL;
    int status = 1;
    if (reg && bib_registry_load_file(reg, argv[1]) == 0 && bib_registry_count(reg) > 0) {
        printf("bibconv-plugin-index 1\n");
        for (size_t i = 0; i < bib_registry_count(reg); i++)
            printf("%s\n", bib_registry_at(reg, i)->name);
        status = fflush(stdout) == 0 && !ferror(stdout) ? 0 : 1;
    }
    bib_registry_free(reg);
    bib_diag_free(diag);
    return status;
}
