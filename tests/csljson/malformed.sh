#!/bin/sh
# SPDX-License-Identifier: MIT
# Malformed CSL-JSON: each case gives a diagnostic at the right place, skips
# only the bad item, converts the rest, and exits 1 (never crashes).
bib="$BIBCONV_BUILDDIR/core/cli/bibconv"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # name input expected-exit expected-items expected-diag-regex
    printf '%b' "$2" > "$tmp/in.json"
    "$bib" -f csljson -t csljsonl "$tmp/in.json" > "$tmp/out" 2> "$tmp/err"
    rc=$?
    items=$(wc -l < "$tmp/out")
    if [ "$5" = "-" ]; then diag_ok=$(test ! -s "$tmp/err" && echo y)
    else diag_ok=$(grep -Eq "$5" "$tmp/err" && echo y); fi
    if [ "$rc" != "$3" ] || [ "$items" != "$4" ] || [ "$diag_ok" != y ]; then
        echo "FAIL $1: exit $rc (want $3), $items items (want $4)"; cat "$tmp/err"; fail=1
    else
        echo "ok   $1"
    fi
}
check bad-middle '[{"id":"a","type":"book"},\n {"id":"b" "type":"book"},\n {"id":"c","type":"book"}]' 1 2 'in.json:2:.*error: invalid JSON'
check truncated '[{"id":"a","type":"book"},\n {"id":"b","ty' 1 1 'in.json:2:.*error: unexpected end of input'
check no-close '[{"id":"a","type":"book"}\n' 1 1 "error: unexpected end of input: the array is not closed"
check not-object '[{"id":"a","type":"book"}, 42, {"id":"c","type":"book"}]' 1 2 'error: expected an item object'
check garbage 'hello' 1 0 "error: expected a CSL-JSON array"
check trailing '[{"id":"a","type":"book"}] x' 1 1 'error: unexpected content after'
check missing-comma '[{"id":"a","type":"book"} {"id":"b","type":"book"}]' 1 2 "error: expected ',' or ']'"
check empty '' 0 0 -
check empty-array '[]' 0 0 -
check nul-in-string '[{"id":"a\\u0000","type":"book"},{"id":"b","type":"book"}]' 1 1 'no value can hold it'
check deep '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]' 1 0 'expected an item object'
# date-parts members that are empty strings are absent (issue 15); a part
# after an empty one is dropped, with a warning
check date-empty-parts '[{"id":"a","type":"book","issued":{"date-parts":[["2000","",""]]}}]' 0 1 -
check date-part-after-empty '[{"id":"a","type":"book","issued":{"date-parts":[["2000","","5"]]}}]' 0 1 "in.json:1:2: warning: item: 'issued' has a date part after an empty one"
exit $fail
