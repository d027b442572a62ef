#!/bin/sh
# SPDX-License-Identifier: MIT
# The plugin guide's example (docs/examples/tsv-plugin.c), loaded from its
# own directory with --plugin-dir: listed, converts both ways, reports a bad
# line at its place and skips it (exit 1), takes its writer option.
bib=$1
dir=$(dirname "$2")
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
t() { name=$1; shift; if "$@"; then pass=$((pass + 1)); echo "ok   $name";
      else fail=$((fail + 1)); echo "FAIL $name"; fi; }
printf '# my reading list\nDeep Things\tSmith, Ann; van Dyke, Bo\t2021\nno tabs here\nShallow Things\tLee, C.\t\n' > "$tmp/in.tsv"
"$bib" --plugin-dir "$dir" --list-formats > "$tmp/list" 2>&1
t "listed from --plugin-dir" grep -q '^tsv  *rw' "$tmp/list"
"$bib" --plugin-dir "$dir" -t csljson "$tmp/in.tsv" > "$tmp/out.json" 2> "$tmp/err"
t "a bad line costs that record only (exit 1)" test $? -eq 1
t "the error names its place" grep -q 'in.tsv:3:13: error: expected 3 tab-separated columns' "$tmp/err"
t "two records read, names and year mapped" python3 -c "
import json,sys
d=json.load(open('$tmp/out.json'))
assert [r['title'] for r in d]==['Deep Things','Shallow Things'], d
assert d[0]['author'][1]['family'].endswith('Dyke') and d[0]['author'][0]['given']=='Ann', d
assert d[0]['issued']['date-parts']==[[2021]] and 'issued' not in d[1], d
"
"$bib" --plugin-dir "$dir" -f csljson -t tsv -O header=true "$tmp/out.json" > "$tmp/back.tsv"
printf '# title\tauthors\tyear\nDeep Things\tSmith, Ann; van Dyke, Bo\t2021\nShallow Things\tLee, C.\t\n' > "$tmp/want.tsv"
t "written back, with the header option" cmp -s "$tmp/want.tsv" "$tmp/back.tsv"
"$bib" --plugin-dir "$dir" -f csljson -t tsv -O header=maybe "$tmp/out.json" > /dev/null 2>&1
t "a bad option value is a usage error" test $? -eq 2
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
