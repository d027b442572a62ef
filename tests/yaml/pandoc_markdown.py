#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The YAML writer's Markdown escapes (docs/yaml.md, "Known limits"): for
each Markdown-active character, in the places where pandoc's Markdown
gives it a meaning and where it does not,

  1. CSL-JSON -> yaml -> csljson gives the text back (the reader undoes
     every escape the writer adds);
  2. pandoc reads the YAML bibliography (`-f markdown -t csljson`) to the
     same text as the CSL-JSON itself (`-f csljson -t csljson`): nothing
     the writer leaves unescaped takes a meaning there (but the no-break
     space pandoc's Markdown puts after an abbreviation of its list,
     `pp. 1` as `pp.` U+00A0 `1`: typography, not text, and not escaped;
     docs/yaml.md);
  3. a value that means nothing in Markdown is written without a
     backslash (only what changes meaning is escaped).

Check 2 needs pandoc (exits 77 without it, after checks 1 and 3 ran).
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

exe = os.path.join(os.environ.get("BIBCONV_BUILDDIR", "build"), "core", "cli", "bibconv")

# (text, inert): inert texts mean nothing in pandoc's Markdown and must be
# written as they are
CASES = [
    ("2*3*4", False), ("a *b* c", False), ("**bold**", False), ("a * b", True), ("a*", True),
    ("a * b * c", True), ("a*b c*d", False), ("* x", True),
    ("_a_ b", False), ("a __b__", False), ("snake_case_name", True), ("a _ b", True),
    ("x^2^", False), ("2^10", True), ("a ^ b", True), ("2^10 and 3^4", True),
    ("H~2~O", False), ("~~gone~~", False), ("~x", True), ("a ~ b", True),
    ("a~b c~d", True), ("~~a b~~", False), ("_a b_", False), ("a _b c", True),
    ("`code`", False), ("a ` b", True),
    ("[x](http://y)", False), ("![img](z)", False), ("[a]{.smallcaps}", False),
    ("[a] and [b]", True), ("a ] b", True), ("[a", True),
    ("a -- b", False), ("a---b", False), ("pp. 1-2", True), ("a - b", True),
    ("wait...", False), ("a....b", False), ("a.b.c", True), ("a..b", True),
    ("&amp; &#65; &#x42;", False), ("a & b", True), ("AT&T;", False), ("a&b", True),
    ("> quoted", False), ("a > b", True), ("line\n> quoted", False),
    ("$x$", False), ("a\\b", False), ("\\bar{1}", False),
    ("x@y.org", True), ("@doe99", True), ("see (@doe)", True), ("50% #1 C# a|b", True),
    ("http://x.org/~a~b/c_d_e", False),
]


def conv(args, data):
    p = subprocess.run([exe] + args, input=data, capture_output=True)
    if p.returncode != 0:
        print("FAIL bibconv %s: exit %d: %s" % (args, p.returncode, p.stderr.decode()[:300]))
        sys.exit(1)
    return p.stdout


items = [{"id": "c%d" % i, "type": "book", "title": t} for i, (t, _) in enumerate(CASES)]
src = json.dumps(items).encode()
yml = conv(["-f", "csljson", "-t", "yaml", "-"], src)
back = json.loads(conv(["-f", "yaml", "-t", "csljson", "-"], yml))
failed = 0
got = {x["id"]: x.get("title") for x in back}
for i, (t, _) in enumerate(CASES):
    if got.get("c%d" % i) != t:
        failed += 1
        print("FAIL round trip %r: came back %r" % (t, got.get("c%d" % i)))

# 3: the writer's text of each inert value, one item at a time
for t, inert in CASES:
    if not inert:
        continue
    one = json.dumps([{"id": "a", "type": "book", "title": t}]).encode()
    y = conv(["-f", "csljson", "-t", "yaml", "-"], one).decode()
    if "\\" in y:
        failed += 1
        print("FAIL %r escaped though it means nothing in Markdown: %s" % (t, y))

pandoc = shutil.which("pandoc")
if pandoc:
    with tempfile.TemporaryDirectory() as tmp:
        ypath, jpath = os.path.join(tmp, "refs.md"), os.path.join(tmp, "refs.json")
        with open(ypath, "wb") as f:
            f.write(yml)
        with open(jpath, "wb") as f:
            f.write(src)

        def titles(fmt, path):
            p = subprocess.run([pandoc, "-f", fmt, "-t", "csljson", path], capture_output=True)
            if p.returncode != 0 or p.stderr:
                print("FAIL pandoc -f %s: %s" % (fmt, p.stderr.decode()[:300]))
                return None
            return {x["id"]: x.get("title") for x in json.loads(p.stdout)}

        def nbsp_as_space(t):
            return t.replace("\u00a0", " ") if isinstance(t, str) else t

        want, have = titles("csljson", jpath), titles("markdown", ypath)
        if want is None or have is None:
            failed += 1
        else:
            for i, (t, _) in enumerate(CASES):
                k = "c%d" % i
                if nbsp_as_space(want.get(k)) != nbsp_as_space(have.get(k)):
                    failed += 1
                    print("FAIL pandoc reads %r from YAML as %r, from CSL-JSON as %r"
                          % (t, have.get(k), want.get(k)))
print("%d Markdown cases: %d failures%s" % (len(CASES), failed,
                                             "" if pandoc else " (pandoc not installed)"))
sys.exit(1 if failed else 0 if pandoc else 77)
