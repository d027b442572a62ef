#!/bin/sh
# SPDX-License-Identifier: MIT
# Golden-file runner shared by the suites whose cases are whole runs of
# bibconv: each line `name | arguments | expected` of DIR/cases runs
# bibconv with those arguments inside DIR and compares what it prints with
# DIR/expected byte for byte, requiring exit 0 and an empty stderr (no
# diagnostic at all). DIR is the first argument, relative to the source
# tree (tests/yaml/golden, tests/page/golden, ...). A cases file with no
# case is a failure, so a lost file cannot pass as an empty one.
bib="$BIBCONV_BUILDDIR/core/cli/bibconv"
[ $# -eq 1 ] || { echo "usage: golden.sh TESTS-DIR" >&2; exit 2; }
dir="$BIBCONV_SRCDIR/$1"
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
