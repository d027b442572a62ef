#!/bin/sh
# SPDX-License-Identifier: MIT
# Diagnostics of the page reader: a line that fits no role is a warning
# with its line number and the rest converted; under --strict it is an
# error and the exit status 1; a text that is no known page is refused
# naming its first line; a page cut inside an abstract is kept and flagged.
bib="$BIBCONV_BUILDDIR/core/cli/bibconv"
dir="$BIBCONV_SRCDIR/tests/page/crafted"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0
check() { # name, expected exit, expected stderr pattern, args...
    name=$1 want=$2 pat=$3
    shift 3
    (cd "$dir" && "$bib" "$@") > "$tmp/out" 2> "$tmp/err"
    rc=$?
    if [ $rc -ne "$want" ] || ! grep -q -- "$pat" "$tmp/err"; then
        echo "FAIL $name: exit $rc (want $want), stderr:"
        cat "$tmp/err"
        fail=1
    else
        echo "ok   $name"
    fi
}
check stray-warning 0 "feed-stray.txt:4:1: warning: line fits no role in this feed page: '----'" \
    -f page -t csljson feed-stray.txt
[ "$(grep -c '"title"' "$tmp/out")" -eq 2 ] || { echo "FAIL stray: records lost"; fail=1; }
check stray-strict 1 "feed-stray.txt:4:1: error: line fits no role" \
    -f page --strict -t csljson feed-stray.txt
msg="expected a publication-list page (profile, feed or topic), found 'Not a page at all'"
check not-a-page 1 "notapage.txt:1:1: error: $msg" \
    -f page -t csljson notapage.txt
# without -f, a text of several lines no other format claims is the page
# reader's to judge, and refused by it the same way (two lines are too
# few: detection's own error)
printf 'Not a page at all\njust some notes\nand a third line\n' > "$tmp/notes.txt"
(cd "$tmp" && "$bib" -t csljson notes.txt) > "$tmp/out" 2> "$tmp/err"
if [ $? -eq 1 ] && grep -qF "notes.txt:1:1: error: $msg" "$tmp/err"; then
    echo "ok - not-a-page-detected"
else
    echo "not ok - not-a-page-detected"; cat "$tmp/err"; fail=1
fi
check not-a-page-short 1 "cannot detect the input format" -t csljson notapage.txt
check cut-page 0 "profile-en-cut.txt:50:1: warning: page ends inside a record" \
    -f page -t csljson profile-en-cut.txt
grep -q '"incomplete": "true"' "$tmp/out" || { echo "FAIL cut-page: not flagged"; fail=1; }
# Site chrome before a page's first cue is its lead-in: a warning, the
# records read, exit 0 (not an error and a skip beside written records).
{ printf 'Paper Feed\nSign in\n'; cat "$dir/feed.txt"; } > "$tmp/leadin.txt"
check lead-in 0 "leadin.txt:1:1: warning: lines before the page that starts at line 3 fit no layout, skipped: 'Paper Feed'" \
    -f page -t csljson "$tmp/leadin.txt"
[ "$(grep -c '"title"' "$tmp/out")" -eq "$(grep -c '^[0-9.]*[A-Z][A-Z]*[A-Z][a-z][a-z]' "$dir/feed.txt")" ] \
    || { echo "FAIL lead-in: records lost"; fail=1; }
grep -q "error" "$tmp/err" && { echo "FAIL lead-in: an error beside the records"; fail=1; }
# A forced layout that gives nothing, and a page of a known layout without
# any record: an error naming the first line, exit 1.
check forced-nothing 1 "notapage.txt:1:1: error: no record found in this profile page, which starts 'Not a page at all'" \
    -f page -O layout=profile -t csljson notapage.txt
printf 'Portrait of Ada Example\n\nAda Example\n\nPublications\n' > "$tmp/empty.txt"
check empty-profile 1 "empty.txt:1:1: error: no record found in this profile page, which starts 'Portrait of Ada Exam...'" \
    -f page -t csljson "$tmp/empty.txt"
# A saved page whose bytes stop decoding from its declared charset:
# libxml2 ends the text there; an error says so (exit 1), and nothing of
# libxml2's own output reaches stderr.
printf '<html><head><meta charset="Shift_JIS"></head><body><h2>Publications</h2><p>A. Author. A title \201 \240\375 here.</p></body></html>\n' > "$tmp/badcs.html"
check bad-charset 1 "badcs.html: error: the page's bytes do not all decode from its declared charset" \
    -f page -t csljson "$tmp/badcs.html"
grep -v -e '^[^ ]*badcs.html:' -e '^bibconv: ' "$tmp/err" | grep -q . \
    && { echo "FAIL bad-charset: stray stderr lines"; fail=1; }
# A title and two paragraphs of prose, no cue of any layout: read as a
# single-paper page, whose abstract is the last paragraph; the line
# before it is named in a warning (an error under --strict), not dropped
# silently.
p1="Olfactory systems must represent a very large space of odours with a limited number of receptor types, and how they do so has long puzzled those who study small brains."
p2="We recorded from hundreds of Kenyon cells while presenting natural odour blends and found that each blend activates a small and stable subset of cells, which a linear readout can separate."
printf 'Sparse Coding of Odours in the Insect Mushroom Body\n\n%s\n\n%s\n' "$p1" "$p2" > "$tmp/twopar.txt"
check paper-unread 0 "twopar.txt:3:1: warning: line not read: a page read as a single paper keeps its title and its last paragraph of prose: 'Olfactory systems mu...'" \
    -f page -t csljson "$tmp/twopar.txt"
grep -q '"abstract": "We recorded' "$tmp/out" || { echo "FAIL paper-unread: abstract"; fail=1; }
check paper-unread-strict 1 "twopar.txt:3:1: error: line not read" \
    -f page --strict -t csljson "$tmp/twopar.txt"
check bad-year 2 "bad value 'abc' for option 'year'" -f page -O year=abc -t csljson feed-stray.txt
exit $fail
