#!/bin/sh
# SPDX-License-Identifier: MIT
# Golden files of the refs reader: each line of golden/cases runs bibconv
# in tests/refs/golden and compares the CSL-JSON it prints with the
# expected file byte for byte; exit 0 and an empty stderr are required.
bib="$BIBCONV_BUILDDIR/core/cli/bibconv"
dir="$BIBCONV_SRCDIR/tests/refs/golden"
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
