#!/bin/sh
# SPDX-License-Identifier: MIT
# The refs reader on bad input: never a crash or a hang, a diagnostic with
# a position for what is lost, non-zero exit when anything was lost; and
# detection: a publication page keeps its format (refs never ties with
# page), a reference list is detected as refs.
bib="$BIBCONV_BUILDDIR/core/cli/bibconv"
src="$BIBCONV_SRCDIR"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() { echo "FAIL $1"; fail=1; }

# run NAME WANT_EXIT(0|nonzero) FILE: no signal, the expected exit
run() {
    timeout 20 "$bib" -f refs -t csljson "$3" > "$tmp/out" 2> "$tmp/err"
    rc=$?
    if [ $rc -ge 124 ]; then bad "$1: exit $rc (crash or hang)"; return; fi
    if [ "$2" = 0 ] && [ $rc -ne 0 ]; then bad "$1: exit $rc"; cat "$tmp/err"; return; fi
    if [ "$2" != 0 ] && [ $rc -eq 0 ]; then bad "$1: exit 0 although input was lost"; return; fi
    echo "ok   $1"
}

: > "$tmp/empty.txt"
run empty nonzero "$tmp/empty.txt"
grep -q "error: no reference found" "$tmp/err" || bad "empty: no diagnostic"

printf '....\n,,, ;;;\n' > "$tmp/punct.txt"
run punctuation nonzero "$tmp/punct.txt"
grep -q "punct.txt:1:1: error:" "$tmp/err" || bad "punctuation: no positioned diagnostic"

printf 'Okonkwo, A. (2018). Tidal \000mixing \377\376 in estuaries. Coastal Research, 3, 1-9.\n' > "$tmp/bytes.txt"
run bytes 0 "$tmp/bytes.txt"

# one good reference, then one that holds no field: the good one is kept
printf 'Okonkwo, A. (2018). Tidal mixing in estuaries. Coastal Research, 3, 1-9.\n\n---- ;; ....\n' > "$tmp/mixed.txt"
run mixed nonzero "$tmp/mixed.txt"
grep -q '"title": "Tidal mixing in estuaries"' "$tmp/out" || bad "mixed: the good reference was lost"

# a very long line and very many tokens: bounded time
python3 -c "import sys; sys.stdout.write('Smith, J., ' * 40000 + '(2001). T. J, 1.\n')" > "$tmp/long.txt"
run long 0 "$tmp/long.txt"
# a marked list followed by a long unmarked one (mixed styles): the
# unmarked lines are a marked reference's wrapped rest only up to the
# join bound, so the text is not one reference split again and again
python3 -c "
import sys
print('[1] Okonkwo, A. (2018). Tidal mixing in estuaries. Coastal Research, 3, 1-9.')
print('[2] Lindqvist, B. (2019). Shallow water. Marine Letters, 4, 10-19.')
for i in range(3000):
    sys.stdout.write('Author%d, C. (%d). Title number %d of a list. Journal of Tests, %d, 1-9.\\n' % (i, 1950 + i % 70, i, i))
" > "$tmp/marked.txt"
run marked-then-unmarked 0 "$tmp/marked.txt"
n=$(grep -c '"id": "ref' "$tmp/out")
[ "$n" -gt 100 ] || bad "marked-then-unmarked: $n records from 3,002 references"
printf '<html><body><p>Okonkwo, A. (2018). Tidal mixing. <i>Coastal Research</i>, 3, 1&#8211;9.</p><script>var a="<p>x</p>";</script><p>&bogus; &#99999999; <b unclosed' > "$tmp/odd.html"
run html-odd nonzero "$tmp/odd.html"
grep -q '"title": "Tidal mixing"' "$tmp/out" || bad "html-odd: the good reference was lost"

# detection: the page reader's pages stay page, a reference list is refs
for f in "$src"/samples/page-*.txt "$src"/tests/page/crafted/*.txt; do
    "$bib" --detect "$f" > "$tmp/det" 2>&1
    r=$(awk '$1 == "refs" {print $2}' "$tmp/det")
    p=$(awk '$1 == "page" {print $2}' "$tmp/det")
    if [ "${r:-0}" -ge "${p:-0}" ] && [ "${r:-0}" -gt 0 ]; then bad "detect $f: refs $r vs page $p"; fi
done
"$bib" --detect "$src/tests/refs/golden/apa.txt" 2>&1 | grep -q "=> refs" || bad "detect apa.txt"
[ $fail -eq 0 ] && echo "ok   detection"
exit $fail
