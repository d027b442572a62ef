#!/bin/sh
# SPDX-License-Identifier: MIT
# Real use through the command: --dedupe (merge, kept apart, richest value),
# --sort, -O keys across writers, `bibconv check` (planted problems found,
# clean file silent, JSON diagnostics), and the scale-out recipe (split at
# record boundaries, parallel runs, concatenation byte-identical to one run).
# Argument: path of bibconv.
bib=$1
data=$BIBCONV_SRCDIR/tests/real/data
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; [ -f "$tmp/err" ] && sed 's/^/     /' "$tmp/err"; }
t() { name=$1; shift; if "$@"; then ok "$name"; else ko "$name"; fi; }
run() { "$bib" "$@" > "$tmp/out" 2> "$tmp/err"; echo $? > "$tmp/rc"; }
rc() { [ "$(cat "$tmp/rc")" = "$1" ]; }
py() { python3 -c "$1" "$tmp/out"; }

# ---- dedupe ----
run -t csljson --dedupe -v "$data/dedupe-a.bib" "$data/dedupe-b.json"
t "dedupe exit 0" rc 0
t "dedupe: 5 records, 3 works" py '
import json, sys
items = json.load(open(sys.argv[1]))
assert [i["id"] for i in items] == ["smith2020", "smith2020b", "other"], items
r = items[0]
assert len(r["author"]) == 3, "full author list beats the cut one"
assert r["abstract"] == "An abstract."
assert r["DOI"].lower().endswith("10.1234/abcd.5")
assert r["issued"]["date-parts"] == [[2020, 5]]
assert "Random" in r["title"] and "Fixed" in items[1]["title"], "similar titles kept apart"
assert items[1]["ISBN"] == "978-0-306-40615-7", "identifier of the merged copy kept"
'
t "verbose says where merged records came from" grep -q "dedupe-b.json:2: note: same work as .*dedupe-a.bib:9 ('smith2020b')" "$tmp/err"
run -t csljson --dedupe --dedupe-year-slack=0 "$data/dedupe-a.bib" "$data/dedupe-b.json"
t "year slack 0 keeps the 2020/2021 pair apart" py '
import json, sys
assert len(json.load(open(sys.argv[1]))) == 4'
run -t csljson --dedupe-doi-only --dedupe "$data/dedupe-a.bib" "$data/dedupe-b.json"
t "DOI only: the DOI pair merges, the title pair does not" py '
import json, sys
assert len(json.load(open(sys.argv[1]))) == 4'
run -t csljson "$data/dedupe-a.bib" "$data/dedupe-b.json"
t "without --dedupe all five are written" py '
import json, sys
assert len(json.load(open(sys.argv[1]))) == 5'

# ---- sort ----
run -t csljsonl --sort=year "$data/dedupe-a.bib" "$data/dedupe-b.json"
t "sort by year" py '
import json, sys
ys = [json.loads(l)["issued"]["date-parts"][0][0] for l in open(sys.argv[1])]
assert ys == sorted(ys), ys'
run -t csljsonl --sort=author "$data/dedupe-a.bib" "$data/dedupe-b.json"
t "sort by author" py '
import json, sys
fs = [json.loads(l)["author"][0]["family"] for l in open(sys.argv[1])]
assert fs == ["Jones", "Smith", "Smith", "Smith", "Zed"], fs'
run -t csljsonl --sort=title "$data/dedupe-a.bib" "$data/dedupe-b.json"
t "sort by title" py '
import json, sys
ts = [json.loads(l)["title"] for l in open(sys.argv[1])]
assert ts[0] == "Another", ts'
run -t csljson --sort=bogus "$data/dedupe-a.bib"
t "bad --sort is a usage error" rc 2

# ---- keys ----
run -t csljsonl -O keys=regenerate "$data/dedupe-a.bib" "$data/dedupe-b.json"
t "keys=regenerate in CSL-JSON, unique" py '
import json, sys
ids = [json.loads(l)["id"] for l in open(sys.argv[1])]
assert ids == ["smith2020learning", "smith2020learninga", "smith2020learningb",
               "jones2021learning", "zed1999another"], ids'
cat "$data/dedupe-b.json" > "$tmp/dup.json"
run -t bibtex -O keys=auto "$data/dedupe-b.json" "$tmp/dup.json"
t "keys=auto unique across inputs (BibTeX)" sh -c "grep '^@' '$tmp/out' | sort | uniq -d | grep -q . && exit 1; [ \$(grep -c '^@' '$tmp/out') = 6 ]"
run -t yaml -O keys=auto "$data/dedupe-b.json" "$tmp/dup.json"
t "keys=auto unique across inputs (YAML)" sh -c "[ \$(grep -E '^- id:|^  id:|id:' '$tmp/out' | sort | uniq -d | wc -l) = 0 ]"
run -t csljsonl -O keys=keep "$data/dedupe-b.json" "$tmp/dup.json"
t "keys=keep keeps duplicates as given" sh -c "[ \$(grep -c '\"id\":\"s1\"' '$tmp/out') = 2 ]"
run -t csljson -O keys=sometimes "$data/dedupe-b.json"
t "bad keys value is a usage error" rc 2

# ---- check ----
run check "$data/planted.bib"
t "check: planted file exits 1" rc 1
for what in "'nojournal'.*missing required field 'journal'" "'baddoi'.*malformed DOI" \
    "'badisbn'.*ISBN" "'badissn'.*ISSN" "'baddate'.*impossible date" \
    "'badpages'.*runs backwards" "'dupkey'.*duplicate key" "'work2'.*same work as.*work1"; do
    t "check finds $what" grep -q "$what" "$tmp/err"
done
t "check locates problems by line" grep -q "planted.bib:38:1: error: record 'badpages'" "$tmp/err"
run check "$data/clean.bib"
t "check: clean file exits 0" rc 0
t "check: clean file, no problem reported" sh -c "! grep -qE 'error|warning' '$tmp/err'"
run check --diagnostics=json "$data/planted.bib"
t "check --diagnostics=json parses, one object per problem" py '
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1].replace("out", "err"))]
recs = [o for o in objs if o["message"].startswith("record \x27")]
assert len(recs) == 8, len(recs)
assert all(o["file"].endswith("planted.bib") and o["line"] > 0 for o in recs)'

# ---- scale-out: split at record boundaries, N parallel runs, concatenate ----
python3 - "$tmp/big.jsonl" <<'PY'
import json, sys
with open(sys.argv[1], "w") as f:
    for i in range(20000):
        f.write(json.dumps({"id": "r%d" % i, "type": "article-journal",
                            "title": "Title number %d" % i,
                            "author": [{"family": "Name%d" % (i % 97), "given": "A."}],
                            "issued": {"date-parts": [[1900 + i % 120]]}}) + "\n")
PY
"$bib" -f csljsonl -t bibtex "$tmp/big.jsonl" > "$tmp/one.bib" 2> "$tmp/err"
mkdir "$tmp/parts"
split -n l/4 -d "$tmp/big.jsonl" "$tmp/parts/chunk."
ls "$tmp/parts"/chunk.* | xargs -P 4 -I{} sh -c "'$bib' -f csljsonl -t bibtex {} > {}.bib"
cat "$tmp/parts"/chunk.*.bib > "$tmp/many.bib"
t "JSON Lines: 4 parallel chunks == one run" cmp -s "$tmp/one.bib" "$tmp/many.bib"
# BibTeX input split at '@' lines (awk) into three runs of whole entries
"$bib" -f bibtex -t csljsonl "$tmp/one.bib" > "$tmp/one.jsonl" 2> "$tmp/err"
total=$(grep -c '^@' "$tmp/one.bib")
awk -v dir="$tmp/parts" -v total="$total" '/^@/ { n++ } { print > (dir "/b." int(n * 3 / (total + 1))) }' "$tmp/one.bib"
for k in 0 1 2; do "$bib" -f bibtex -t csljsonl "$tmp/parts/b.$k" > "$tmp/parts/b.$k.out" & done; wait
cat "$tmp/parts"/b.0.out "$tmp/parts"/b.1.out "$tmp/parts"/b.2.out > "$tmp/many.jsonl"
t "BibTeX: 3 parallel chunks == one run" sh -c "cmp -s '$tmp/one.jsonl' '$tmp/many.jsonl' && [ \$(wc -l < '$tmp/one.jsonl') = 20000 ]"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
