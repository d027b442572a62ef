#!/bin/sh
# SPDX-License-Identifier: MIT
# Malformed Zotero JSON: each case gives a diagnostic at the right place,
# skips only the bad item, converts the rest, and exits as promised (never
# crashes). Cases marked "auto" are detected, not named with -f: a JSON
# object that is neither Zotero JSON nor CSL-JSON is refused with an error
# that says what it is.
bib="$BIBCONV_BUILDDIR/core/cli/bibconv"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # name input expected-exit expected-records expected-diag-regex [auto]
    printf '%b' "$2" > "$tmp/in.json"
    if [ "$6" = auto ]; then
        "$bib" -t csljsonl "$tmp/in.json" > "$tmp/out" 2> "$tmp/err"
    else
        "$bib" -f zoterojson -t csljsonl "$tmp/in.json" > "$tmp/out" 2> "$tmp/err"
    fi
    rc=$?
    items=$(wc -l < "$tmp/out")
    if [ "$5" = "-" ]; then diag_ok=$(test ! -s "$tmp/err" && echo y)
    else diag_ok=$(grep -Eq "$5" "$tmp/err" && echo y); fi
    if [ "$rc" != "$3" ] || [ "$items" != "$4" ] || [ "$diag_ok" != y ]; then
        echo "FAIL $1: exit $rc (want $3), $items records (want $4)"; cat "$tmp/err"; fail=1
    else
        echo "ok   $1"
    fi
}
A='{"itemType":"book","title":"A"}'
C='{"itemType":"book","title":"C"}'
check bad-middle "{\"config\":{},\"items\":[$A,\n {\"itemType\":\"book\" \"title\":\"B\"},\n $C]}" 1 2 'in.json:2:.*error: invalid JSON'
check truncated "{\"config\":{},\"items\":[$A,\n {\"itemType\":\"bo" 1 1 'in.json:2:.*error: unexpected end of input inside an item'
check no-close "[$A\n" 1 1 'error: unexpected end of input: the items array is not closed'
check no-item-type "[$A, {\"title\":\"B\"}, $C]" 1 2 'error: an item without an "itemType"'
check not-object "[$A, 42, $C]" 1 2 'error: an item must be a JSON object'
check items-not-array '{"config":{},"items":{"a":1}}' 1 0 'error: expected the "items" array'
check no-items '{"config":{"label":"BetterBibTeX JSON"}}' 1 0 'error: a JSON object without an "items" array'
check no-items-auto '{"config":{"label":"BetterBibTeX JSON"}}' 1 0 'error: a JSON object without an "items" array' auto
check empty-object '{}' 1 0 'in.json:1:1: error: the input is an empty JSON object' auto
check empty-object-nl '{}\n' 1 0 'error: the input is an empty JSON object' auto
check neither '{"foo": 1, "bar": [1, 2]}' 1 0 'error: the input is a JSON object that is neither a CSL-JSON item nor Zotero JSON' auto
check csl-object '{"title": "T", "type": "book"}' 1 0 'error: .*CSL-JSON keys.*-f csljson'
check trailing "[$A] x" 1 1 'error: unexpected content after'
check missing-comma "[$A $C]" 1 2 "error: expected ',' or ']'"
check trailing-comma "[$A,]" 0 1 "warning: trailing ','"
check empty '' 0 0 -
check empty-array '[]' 0 0 -
check skipped-keys "{\"collections\":{\"a\":{\"name\":\"x\\\\\"}]\",\"items\":[1,[2]]}},\"config\":{},\"items\":[$A],\"version\":3}" 0 1 -
check keys-first "{\"notes\":[{\"itemType\":\"note\"}],\"attachments\":[],\"items\":[$A,\n 42, $C]}" 1 2 'note: 1 note and 0 attachments' auto
check export-after-items "{\"items\":[$A],\"collections\":{}}" 0 1 - auto
check nul-in-string "[{\"itemType\":\"book\",\"title\":\"a\\\\u0000\"}, $C]" 1 1 'no value can hold it'
D=$(printf '[%.0s' $(seq 3000))$(printf ']%.0s' $(seq 3000))
check deep "[$A, $D, $C]" 1 2 'error: (an item must be a JSON object|arrays and objects nested more than 2048 deep)'
check unterminated-export '{"config": {"a": "b"' 1 0 'error: unexpected end of input inside a value'
check unknown-type '[{"itemType":"spaceship","title":"S"}]' 0 1 'warning: unknown item type "spaceship": read as a document'
check notes "[$A, {\"itemType\":\"note\",\"note\":\"n\"}, {\"itemType\":\"attachment\"}, {\"itemType\":\"book\",\"title\":\"D\",\"notes\":[{\"note\":\"x\"}]}]" 0 2 'note: 2 notes and 1 attachment are not bibliographic records'
check bad-creators '[{"itemType":"book","title":"A","creators":[42,{"creatorType":"author"}],"tags":"x"}]' 0 1 'warning: creator 1 is not an object'
check nameless-creator '[{"itemType":"book","title":"A","creators":[{"creatorType":"author"}]}]' 0 1 'warning: a author without a name'
check web-api-single '{"key":"K","version":1,"data":{"itemType":"book","title":"A"}}' 0 1 - auto
# items are built from the CSL-JSON tokenizer (zt_dom.c); what it does
# not take goes to jansson, which words the error at the same place
check duplicate-key "[$A,\n {\"itemType\":\"book\",\"title\":\"B\",\"title\":\"B2\"}, $C]" 1 2 'in.json:2:.*error: invalid JSON: duplicate object key'
check bad-utf8 "[$A,\n {\"itemType\":\"book\",\"title\":\"\\377\"}, $C]" 1 2 'in.json:2:.*error: invalid JSON: unable to decode byte 0xff'
check real-overflow "[$A,\n {\"itemType\":\"book\",\"volume\":1e999999}, $C]" 1 2 'in.json:2:.*error: invalid JSON: real number overflow'
check escapes '[{"itemType":"book","ti\\u0074le":"D\\u00e9j\\u00e0 \\"vu\\"","volume":1.5,"extra":"a: b\\nDOI: 10.1/x"}]' 0 1 -
grep -q '"title":"Déjà \\"vu\\"".*"DOI":"10.1/x"' "$tmp/out" || { echo "FAIL escapes: $(cat "$tmp/out")"; fail=1; }
exit $fail
