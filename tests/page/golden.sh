#!/bin/sh
# SPDX-License-Identifier: MIT
# Golden files of the page reader: each line of golden/cases runs bibconv
# on a page (samples/, crafted/, html/) and compares its CSL-JSON output
# byte for byte with the expected file, requiring exit 0 and an empty
# stderr. The HTML cases point at the golden file of the matching text
# page, so they check that saved HTML gives the same records as its text.
bib="$BIBCONV_BUILDDIR/core/cli/bibconv"
dir="$BIBCONV_SRCDIR/tests/page/golden"
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
