/* SPDX-License-Identifier: MIT */
/* convert.c - the library in 20 lines: convert FILE to FORMAT on stdout. */
#include <stdio.h>
#include <unistd.h>
#include <bibconv.h>

int main(int argc, char **argv)
{
    if (argc != 3)
        return fprintf(stderr, "usage: convert FILE FORMAT\n"), 2;
    bib_diag *diag = bib_diag_new();
    bib_registry *reg = bib_registry_new(diag);
    bib_options *opts = bib_options_new();
    bib_input *in = bib_registry_load(reg, 0) > 0 ? bib_input_open_file(argv[1], diag) : NULL;
    const bib_format_desc *from = NULL, *to = bib_registry_find(reg, argv[2]);
    bib_output *out = bib_output_open_fd(STDOUT_FILENO, "<stdout>", diag);
    bib_writer *wr = NULL;
    int rc = -1;
    if (in && to && bib_registry_probe(reg, in, &from, NULL, 0, NULL, NULL) == 0 &&
        bib_writer_new(&wr, to, out, opts) == 0)
        rc = bib_convert_input(from, in, opts, false, wr, NULL);
    if (wr && bib_writer_finish(wr) < 0) rc = -1;
    bib_writer_free(wr), bib_output_commit(out), bib_output_free(out), bib_input_free(in);
    bib_options_free(opts), bib_registry_free(reg), bib_diag_free(diag);
    return rc == 0 ? 0 : 1;
}
