#!/bin/sh
# SPDX-License-Identifier: MIT
# The bibconv command: exit codes 0/1/2/3, stdin/stdout, several inputs,
# detection, --list-formats, atomic -o, JSON diagnostics, option checks.
# Uses the csljson plugin and the loader tests' testfmt plugin (via
# --plugin-dir). Arguments: path of bibconv, directory of testfmt.so.
bib=$1 testdir=$2
src=$BIBCONV_SRCDIR
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; [ -f "$tmp/err" ] && sed 's/^/     /' "$tmp/err"; }
expect_rc() { # name expected-rc cmd...
    name=$1 want=$2; shift 2
    "$@" > "$tmp/out" 2> "$tmp/err"; rc=$?
    if [ "$rc" = "$want" ]; then ok "$name"; else ko "$name (exit $rc, want $want)"; fi
}
sample=$src/samples/example.json

expect_rc "convert a sample (exit 0)" 0 "$bib" -f csljson -t csljson "$sample"
cmp -s "$tmp/out" "$tmp/out" && grep -q '"id": "watson1953structure"' "$tmp/out" \
    && ok "output has the items" || ko "output has the items"
expect_rc "detected input format" 0 "$bib" -t csljsonl "$sample"
[ "$(wc -l < "$tmp/out")" = 6 ] && ok "six items as JSON Lines" || ko "six items as JSON Lines"
expect_rc "stdin to stdout" 0 sh -c "cat '$sample' | '$bib' -f csljson -t csljsonl"
[ "$(wc -l < "$tmp/out")" = 6 ] && ok "stdin gave six items" || ko "stdin gave six items"
expect_rc "stdin with detection and '-'" 0 sh -c "cat '$sample' | '$bib' -t csljsonl -"
expect_rc "several files in order" 0 "$bib" -t csljsonl "$sample" "$sample"
[ "$(wc -l < "$tmp/out")" = 12 ] && ok "twelve items" || ko "twelve items"

# CSL wants one item per id: an id an earlier item has gets a suffix, as the
# BibTeX writers give a repeated key (warned); -O keys=keep keeps it
ids() { grep -o '"id": *"[^"]*"' "$tmp/out" | sed 's/.*"\([^"]*\)"$/\1/'; }
for t in csljson csljsonl; do
    expect_rc "repeated ids -> $t" 0 "$bib" -f csljson -t $t "$sample" "$sample"
    [ "$(ids | sort | uniq -d)" = "" ] && ids | grep -qx watson1953structurea \
        && grep -q "record 'watson1953structure': written with id 'watson1953structurea'" \
            "$tmp/err" && ok "repeated ids made unique ($t)" || ko "repeated ids made unique ($t)"
done
expect_rc "repeated ids -> yaml" 0 "$bib" -f csljson -t yaml "$sample" "$sample"
[ "$(grep -c '^- id: ' "$tmp/out")" = 12 ] && [ "$(grep '^- id: ' "$tmp/out" | sort | uniq -d)" = "" ] \
    && grep -q '^- id: watson1953structurea$' "$tmp/out" && ok "repeated ids made unique (yaml)" \
    || ko "repeated ids made unique (yaml)"
expect_rc "repeated ids kept (keys=keep)" 0 "$bib" -f csljson -t csljsonl -O keys=keep \
    "$sample" "$sample"
[ "$(ids | sort | uniq -d | wc -l)" = 6 ] && ok "keys=keep keeps repeated ids" \
    || ko "keys=keep keeps repeated ids"
if "$bib" -f csljson -t csljsonl "$sample" > "$tmp/one.jsonl"; then
    for i in 1 2 3 4 5 6 7 8; do cat "$tmp/one.jsonl"; done > "$tmp/rep.jsonl"
    expect_rc "repeated ids, -j 2" 0 "$bib" -j 2 -f csljsonl -t csljson "$tmp/rep.jsonl"
    [ "$(ids | sort | uniq -d)" = "" ] && [ "$(ids | wc -l)" = 48 ] \
        && ok "repeated ids made unique (-j 2)" || ko "repeated ids made unique (-j 2)"
else
    ko "sample as JSON Lines"
fi

expect_rc "no -t is a usage error" 2 "$bib" "$sample"
expect_rc "unknown output format" 2 "$bib" -t nosuch "$sample"
grep -q "unknown output format 'nosuch' (known: csljson, csljsonl" "$tmp/err" \
    && ok "unknown format lists the known ones" || ko "unknown format lists the known ones"
expect_rc "unknown input format" 2 "$bib" -f nosuch -t csljson "$sample"
# a usage error writes nothing (an unknown -f wrote an empty array)
[ ! -s "$tmp/out" ] && ok "unknown input format: nothing on stdout" \
    || ko "unknown input format: nothing on stdout"
expect_rc "unknown option" 2 "$bib" -t csljson -O nosuch=1 "$sample"
grep -q "unknown option 'nosuch'.*valid: parser, compact, extras" "$tmp/err" \
    && ok "unknown option lists the valid ones" || ko "unknown option lists the valid ones"
expect_rc "bad option value" 2 "$bib" -t csljson -O compact=maybe "$sample"
expect_rc "bad -O syntax" 2 "$bib" -t csljson -O compact "$sample"
expect_rc "unknown flag" 2 "$bib" --nosuch
expect_rc "missing file is a system error" 3 "$bib" -t csljson "$tmp/nonexistent.json"
expect_rc "--help" 0 "$bib" --help
grep -q "Examples:" "$tmp/out" && ok "help has examples" || ko "help has examples"
expect_rc "--version" 0 "$bib" --version
expect_rc "--help-format" 0 "$bib" --help-format csljson
grep -q -- "-O compact=true|false" "$tmp/out" && ok "help-format lists options" \
    || ko "help-format lists options"

expect_rc "--list-formats" 0 "$bib" --list-formats
grep -Eq '^csljson +rw .*/csljson\.so$' "$tmp/out" && grep -Eq '^csljsonl +rw .*/csljson\.so$' "$tmp/out" \
    && ok "list shows formats with module paths" || ko "list shows formats with module paths"
expect_rc "--detect" 0 "$bib" --detect "$sample"
grep -q "=> csljson" "$tmp/out" && ok "detect picks csljson" || ko "detect picks csljson"
printf 'just some words\n' > "$tmp/plain.txt"
expect_rc "undetectable input" 1 "$bib" -t csljson "$tmp/plain.txt"
grep -q "cannot detect the input format" "$tmp/err" && ok "weak detection message" \
    || ko "weak detection message"
# JSON Lines whose lines are longer than the detection head (items with
# long abstracts): the .jsonl name decides, all three read (the file was
# taken for one CSL-JSON item and its second line was an error)
long=$(printf '%*s' 9000 '' | tr ' ' a)
for k in 1 2 3; do printf '{"id":"l%s","type":"book","abstract":"%s"}\n' "$k" "$long"; done \
    > "$tmp/long.jsonl"
expect_rc "long JSON Lines detected" 0 "$bib" -t csljsonl "$tmp/long.jsonl"
[ "$(wc -l < "$tmp/out")" = 3 ] && ok "long JSON Lines: three items" || ko "long JSON Lines: three items"
# ... and from standard input, which has no name: a first line longer
# than the head (64 KiB), or a short first line and a long second one
long=$(printf '%*s' 70000 '' | tr ' ' a)
for k in 1 2 3; do printf '{"id":"l%s","type":"book","abstract":"%s"}\n' "$k" "$long"; done \
    > "$tmp/longer.jsonl"
expect_rc "long JSON Lines on stdin" 0 sh -c "cat '$tmp/longer.jsonl' | '$bib' -t csljsonl"
[ "$(wc -l < "$tmp/out")" = 3 ] && ok "long JSON Lines on stdin: three items" \
    || ko "long JSON Lines on stdin: three items"
{ printf '{"id":"s0","type":"book"}\n'; cat "$tmp/longer.jsonl"; } > "$tmp/second.jsonl"
expect_rc "long second line on stdin" 0 sh -c "cat '$tmp/second.jsonl' | '$bib' -t csljsonl"
[ "$(wc -l < "$tmp/out")" = 4 ] && ok "long second line on stdin: four items" \
    || ko "long second line on stdin: four items"
# a long one-line object of items stays CSL-JSON's (its values are items)
printf '{"1":{"id":"o1","type":"book","abstract":"%s"},"2":{"id":"o2","type":"book"}}\n' "$long" \
    > "$tmp/items.json"
expect_rc "long object of items on stdin" 0 sh -c "cat '$tmp/items.json' | '$bib' -t csljsonl"
[ "$(wc -l < "$tmp/out")" = 2 ] && ok "long object of items: two items" \
    || ko "long object of items: two items"

# bad input: exit 1, the good items still converted
printf '[{"id":"a","type":"book"},\n{"id":"b" "type":"book"},\n{"id":"c","type":"book"}]' > "$tmp/bad.json"
expect_rc "bad item: exit 1" 1 "$bib" -f csljson -t csljsonl "$tmp/bad.json"
[ "$(wc -l < "$tmp/out")" = 2 ] && ok "the other items converted" || ko "the other items converted"
grep -q "bad.json:2:" "$tmp/err" && ok "diagnostic has file:line" || ko "diagnostic has file:line"
grep -q "2 records read, 2 written, 1 skipped" "$tmp/err" && ok "summary when skipped" \
    || ko "summary when skipped"
expect_rc "--strict stops" 1 "$bib" --strict -f csljson -t csljsonl "$tmp/bad.json"
[ "$(wc -l < "$tmp/out")" = 1 ] && ok "strict stopped at the bad item" || ko "strict stopped at the bad item"
expect_rc "json diagnostics" 1 "$bib" --diagnostics=json -f csljson -t csljsonl "$tmp/bad.json"
python3 -c "
import json, sys
lines = open(sys.argv[1]).read().splitlines()
objs = [json.loads(l) for l in lines]
assert any(o['severity'] == 'error' and o['line'] == 2 and o['file'].endswith('bad.json') for o in objs)
" "$tmp/err" && ok "json diagnostics parse" || ko "json diagnostics parse"
# a file name with a quote, a backslash and a tab: escaped in JSON, each
# message one whole line (diag.c builds the line, then writes it once)
weird="$tmp/we\"ird\\na	me.json"
cp "$tmp/bad.json" "$weird"
expect_rc "json diagnostics, odd file name" 1 "$bib" --diagnostics=json -f csljson -t csljsonl \
    "$weird"
python3 -c "
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1], encoding='utf-8').read().splitlines()]
assert any(o['severity'] == 'error' and o['line'] == 2 and o['file'] == sys.argv[2] for o in objs), objs
" "$tmp/err" "$weird" && ok "json diagnostics escape the file name" \
    || ko "json diagnostics escape the file name"

# atomic -o
printf 'OLD CONTENT\n' > "$tmp/out.json"
cp "$tmp/out.json" "$tmp/orig.json"
expect_rc "failing run with -o" 1 "$bib" -f csljson -t csljson -o "$tmp/out.json" "$tmp/bad.json"
cmp -s "$tmp/out.json" "$tmp/orig.json" && ok "old output byte-for-byte unchanged" \
    || ko "old output byte-for-byte unchanged"
[ "$(ls -A "$tmp" | grep -c '^\.out\.json')" = 0 ] && ok "no temporary file left" \
    || ko "no temporary file left"
expect_rc "system error run with -o" 3 "$bib" -t csljson -o "$tmp/out.json" "$tmp/missing.json"
cmp -s "$tmp/out.json" "$tmp/orig.json" && ok "unchanged after a system error" \
    || ko "unchanged after a system error"
expect_rc "successful run with -o" 0 "$bib" -t csljson -o "$tmp/out.json" "$sample"
grep -q watson1953structure "$tmp/out.json" && ok "output replaced on success" \
    || ko "output replaced on success"
expect_rc "-o into a missing directory" 3 "$bib" -t csljson -o "$tmp/no/dir/x.json" "$sample"
# a target that is not a regular file is written, never replaced (as
# root, renaming onto /dev/null would make it a regular file)
if mkfifo "$tmp/fifo" 2>/dev/null; then
    cat "$tmp/fifo" > "$tmp/from-fifo" &
    reader=$!
    expect_rc "-o onto a FIFO" 0 "$bib" -t csljson -o "$tmp/fifo" "$sample"
    if [ -p "$tmp/fifo" ]; then wait $reader; else kill $reader; fi
    [ -p "$tmp/fifo" ] && grep -q watson1953structure "$tmp/from-fifo" \
        && ok "the FIFO stays one and gets the output" || ko "the FIFO stays one and gets the output"
fi
# through a symbolic link: the file it names is replaced, the link kept
printf 'OLD\n' > "$tmp/real.json"
ln -s real.json "$tmp/link.json"
expect_rc "-o through a symbolic link" 0 "$bib" -t csljson -o "$tmp/link.json" "$sample"
[ -L "$tmp/link.json" ] && grep -q watson1953structure "$tmp/real.json" \
    && ok "link kept, its file replaced" || ko "link kept, its file replaced"
# the replacement keeps the old file's mode, and (as root) its owner
printf 'OLD\n' > "$tmp/owned.json"
chmod 640 "$tmp/owned.json"
[ "$(id -u)" = 0 ] && chown 65534:65534 "$tmp/owned.json"
before=$(stat -c '%a %u %g' "$tmp/owned.json")
expect_rc "-o onto a file with its own mode" 0 "$bib" -t csljson -o "$tmp/owned.json" "$sample"
[ "$(stat -c '%a %u %g' "$tmp/owned.json")" = "$before" ] \
    && grep -q watson1953structure "$tmp/owned.json" \
    && ok "mode and owner kept ($before)" || ko "mode and owner kept ($before)"

# --plugin-dir and the plugin-bug check, with the test plugin
printf 'TESTFMT\nfirst\n!silent\nsecond\n' > "$tmp/t.tst"
# the directory also holds the malformed test modules: refused, others load
expect_rc "--plugin-dir with refused modules" 1 "$bib" --plugin-dir "$testdir" -f testfmt -t testfmt "$tmp/t.tst"
grep -q "badabi.so refused: built for plugin ABI 999" "$tmp/err" && ok "refusal line" \
    || ko "refusal line"
grep -q "failed without a message (plugin bug)" "$tmp/err" && ok "plugin bug named" \
    || ko "plugin bug named"
[ "$(cat "$tmp/out" | tr '\n' ' ')" = "TESTFMT first second " ] && ok "testfmt output" \
    || ko "testfmt output"
expect_rc "empty plugin path entries warn" 0 env BIBCONV_PLUGIN_PATH=":relative:$BIBCONV_PLUGIN_PATH" \
    "$bib" --list-formats
grep -q "empty entry ignored" "$tmp/err" && grep -q "relative entry 'relative' ignored" "$tmp/err" \
    && ok "path warnings" || ko "path warnings"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
