#!/bin/sh
# SPDX-License-Identifier: MIT
# The library example (docs/examples/convert.c) converts like the command.
# Arguments: the example program, bibconv.
ex=$1 bib=$2
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
in=$BIBCONV_SRCDIR/samples/example.json
"$ex" "$in" bibtex > "$tmp/a" || { echo "FAIL example exit"; exit 1; }
"$bib" -t bibtex "$in" > "$tmp/b" 2> /dev/null || { echo "FAIL bibconv exit"; exit 1; }
[ -s "$tmp/a" ] && cmp "$tmp/a" "$tmp/b" && echo "ok   example output == bibconv output" && exit 0
echo "FAIL example output differs"; exit 1
