#!/bin/sh
# SPDX-License-Identifier: MIT
# Golden files of the yaml plugin: each line of golden/cases runs bibconv
# on an input of golden/ and compares its output byte for byte with the
# expected file, and requires an empty stderr (no diagnostic) and exit 0.
# The inputs cover the three shapes (references: mapping, Markdown front
# matter followed by a body, bare list), detection without -f, and the
# writer's quoting, block scalars, date forms and options.
bib="$BIBCONV_BUILDDIR/core/cli/bibconv"
dir="$BIBCONV_SRCDIR/tests/yaml/golden"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
n=0
while IFS='|' read -r name args expected; do
    case "$name" in ''|\#*) continue ;; esac
    name=$(echo $name)
    expected=$(echo $expected)
    n=$((n + 1))
    # shellcheck disable=SC2086 # the arguments are split on purpose
    (cd "$dir" && "$bib" $args) > "$tmp/out" 2> "$tmp/err"
    rc=$?
    if [ $rc -ne 0 ] || [ -s "$tmp/err" ] || ! cmp -s "$tmp/out" "$dir/$expected"; then
        echo "FAIL $name: exit $rc"
        cat "$tmp/err"
        diff "$dir/$expected" "$tmp/out" | head -20
        fail=1
    else
        echo "ok   $name"
    fi
done < "$dir/cases"
[ $n -gt 0 ] || fail=1
exit $fail
