#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The BibTeX values' decoding decides in one scan that a value needs no
LaTeX conversion (plain_value in core/record_decode.c), with its own copy
of the LaTeX converter's set of bytes that start one (core/latex_scan.h). The two must
agree: every printable ASCII byte, alone and doubled, at every offset of
a value longer than two scan blocks and in values of a few bytes, gives
the same text as the same value behind an empty group `{}`, which always
takes the conversion."""
import json, os, subprocess, sys, tempfile

exe = os.path.join(os.environ["BIBCONV_BUILDDIR"], "core", "cli", "bibconv")
base = "Plain words of a title that run past two blocks of sixteen bytes"
inserts = []
for c in map(chr, range(0x20, 0x7F)):
    if c in "{}":
        continue
    piece = c + "x" if c == "\\" else c  # a lone backslash would escape the closing brace
    inserts += [piece, piece * 2, " " + piece]
inserts += ["{x}", "\t", "  ", "\u00e9", "---"]
entries, n = [], 0
for ins in inserts:
    # at every offset of a long value (the sixteen-byte scan), and in
    # values of one to three bytes (the byte loop's classes)
    shorts = [ins + "x", "x" + ins, "a" + ins + "b"] + ([ins] if ins.strip() else [])
    for v in [base[:off] + ins + base[off:] for off in range(0, 48)] + shorts:
        for field in ("title", "note"):
            entries.append("@misc{a%d, %s = {%s}}\n@misc{b%d, %s = {{}%s}}\n" % (n, field, v, n, field, v))
            n += 1
with tempfile.TemporaryDirectory() as d:
    src = os.path.join(d, "in.bib")
    with open(src, "w", encoding="utf-8") as f:
        f.writelines(entries)
    out = subprocess.run([exe, "-f", "bibtex", "-t", "csljson", src], capture_output=True, text=True)
if out.returncode != 0:
    sys.exit("bibconv failed (%d): %s" % (out.returncode, out.stderr[:500]))
items = {it["id"]: it for it in json.loads(out.stdout)}
bad = 0
for i in range(n):
    a, b = items["a%d" % i], items["b%d" % i]
    ta = a.get("title", a.get("note")); tb = b.get("title", b.get("note"))
    if ta != tb:
        bad += 1
        if bad <= 5:
            print("differs: %r (plain scan) vs %r (converted)" % (ta, tb))
print("%d values, %d differ" % (n, bad))
sys.exit(1 if bad or n < 1000 else 0)
