#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Hostile and malformed CSL-YAML (issue 5, acceptance 3): each case must
give its diagnostic (file:line:col: error: ...), keep the good items around
the bad one, exit 1 (never crash: a signal or exit > 1 fails), and stay
within a fixed memory bound: peak RSS at most 48 MB above that of reading
an empty file, whatever the input's size (the alias bomb would need
gigabytes, the deep and huge cases grow libyaml's stacks and buffers with
the input if unbounded). Inputs are generated here, not stored.
"""
import os
import re
import resource
import subprocess
import sys
import tempfile

build = os.environ.get("BIBCONV_BUILDDIR", "")
exe = os.path.join(build, "core", "cli", "bibconv")
BOUND_KB = 48 * 1024


def lol(levels, width=9):
    out = ['a0: &a0 [' + ", ".join(['"lol"'] * width) + ']']
    for i in range(1, levels):
        out.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i-1}"] * width) + "]")
    return "\n".join(out) + "\n"


ITEM = "- id: ok{0}\n  type: book\n  title: Good {0}\n"
cases = [
    # name, text, expected items, diagnostic regex
    ("alias-bomb", lol(10) + "references:\n" + ITEM.format(1) +
     "- id: bomb\n  type: book\n  title: *a9\n" + ITEM.format(2), 2,
     r"in\.yaml:\d+:\d+: error: alias '\*a\d' would expand the item past \d+ nodes"),
    ("alias-bomb-in-item", "references:\n" + ITEM.format(1) +
     "- id: bomb\n  type: book\n  note:\n" +
     "".join("    " + l + "\n" for l in lol(12).splitlines()) + ITEM.format(2), 2,
     r"in\.yaml:\d+:\d+: error: alias '\*a\d+' would expand"),
    ("nested-100-flow", "references:\n" + ITEM.format(1) + "- id: deep\n  note: " +
     "[" * 100 + "]" * 100 + "\n" + ITEM.format(2), 2,
     r"in\.yaml:6:\d+: error: nesting deeper than 64 levels"),
    ("nested-100-block", "references:\n" + ITEM.format(1) + "- id: deep\n  note:\n" +
     "".join("  " * (i + 2) + "-\n" for i in range(100)) + ITEM.format(2), 2,
     r"error: nesting deeper than 64 levels"),
    ("nested-root-1M", "[" * 1000000 + "\n", 0, r"in\.yaml:1:\d+: error: nesting deeper"),
    ("nested-map-100", "".join(" " * i + "k:\n" for i in range(100)), 0,
     r"error: nesting deeper than 64 levels"),
    # past the bound of every reader (--max-value=1M in run() for huge-*)
    ("huge-scalar", "references:\n" + ITEM.format(1) + '- id: big\n  abstract: "' +
     "x" * 3000000 + '"\n' + ITEM.format(2), 2,
     r"in\.yaml:6:\d+: error: value longer than 1 MiB \(the bound; raise it with --max-value"),
    ("huge-plain-multiline", "references:\n" + ITEM.format(1) + "- id: big\n  abstract: " +
     ("word " * 20 + "\n    ") * 30000 + "end\n" + ITEM.format(2), 2,
     r"error: value longer than 1 MiB \(the bound; raise it with --max-value"),
    ("huge-item", "references:\n" + ITEM.format(1) + "- id: big\n" +
     "".join("  k%d: v\n" % i for i in range(200000)) + ITEM.format(2), 2,
     r"error: item longer than 1 MiB \(the bound; raise it with --max-value"),
    ("tab-indent", "references:\n" + ITEM.format(1) + "- id: tab\n\ttype: book\n" +
     ITEM.format(2), 2, r"in\.yaml:6:1: error: invalid YAML: found a tab character"),
    # the quote swallows the rest; recovery resumes at the next item line
    ("unterminated-quote", "references:\n" + ITEM.format(1) +
     '- id: q\n  title: "open\n' + ITEM.format(2) + ITEM.format(3), 3,
     r"error: invalid YAML: found unexpected end of stream"),
    ("bad-flow", "references:\n" + ITEM.format(1) + "- id: f\n  title: {x: [1, 2}\n" +
     ITEM.format(2), 2, r"in\.yaml:6:\d+: error: invalid YAML: did not find expected"),
    ("unknown-alias", "references:\n" + ITEM.format(1) + "- id: u\n  title: *nope\n" +
     ITEM.format(2), 2, r"in\.yaml:6:10: error: unknown alias '\*nope'"),
    ("item-not-mapping", "references:\n" + ITEM.format(1) + "- just text\n" +
     ITEM.format(2), 2, r"in\.yaml:5:3: error: expected an item mapping, found a scalar"),
    ("nul-escape", "references:\n" + ITEM.format(1) + '- id: "a\\0b"\n' + ITEM.format(2),
     2, r"error: a NUL character in a scalar is not allowed"),
    # past the head that encoding detection sees: U+FFFD with a warning at
    # its place (libyaml would stop on it, items ahead of it lost)
    ("bad-utf8-late", "references:\n" + "".join(ITEM.format(i) for i in range(5000)) +
     "- id: \udcff\n", 5001,
     r"in\.yaml:15002:7: warning: byte 0xFF is not UTF-8: replaced by U\+FFFD"),
    ("nul-raw", "references:\n" + ITEM.format(1) + "- id: a\0b\n" + ITEM.format(2), 3,
     r"in\.yaml:5:8: warning: NUL byte removed"),
    # in the head: read as Windows-1252 with a warning
    ("latin1", "references:\n- id: caf\udce9\n  type: book\n", 1,
     r"warning: .*(1252|Latin)"),
    ("references-not-list", "references: 12\n", 0,
     r"in\.yaml:1:13: error: expected a list of items after 'references:'"),
    ("many-anchors", "references:\n" + "".join(
        f"- &x{i} {{id: a{i}, type: book}}\n" for i in range(5000)), 5000,
     r"warning: more than 4096 anchors"),
]


def run(text, name=""):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "in.yaml")
        with open(path, "wb") as f:
            f.write(text.encode("utf-8", "surrogateescape"))
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        bound = ["--max-value=1M"] if name.startswith("huge-") else []
        p = subprocess.run([exe, "-f", "yaml", "-t", "csljsonl"] + bound + [path],
                           capture_output=True,
                           timeout=120)
        after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        return p, max(before, after)


base, base_rss = run("")
if base.returncode != 0:
    print("FAIL: an empty file does not read:", base.stderr.decode())
    sys.exit(1)
fail = 0
for name, text, want_items, diag in cases:
    p, rss = run(text, name)
    err = p.stderr.decode(errors="replace")
    items = len(p.stdout.splitlines())
    want_rc = 0 if name in ("many-anchors", "latin1", "bad-utf8-late", "nul-raw") else 1
    problems = []
    if p.returncode != want_rc:
        problems.append(f"exit {p.returncode} (want {want_rc})")
    if want_items is not None and items != want_items:
        problems.append(f"{items} items (want {want_items})")
    if not re.search(diag, err):
        problems.append(f"no diagnostic matching {diag!r}")
    if rss > base_rss + BOUND_KB:
        problems.append(f"peak RSS {rss} KB > {base_rss + BOUND_KB} KB")
    if problems:
        fail = 1
        print(f"FAIL {name}: " + "; ".join(problems))
        print("   " + err[:600].replace("\n", "\n   "))
    else:
        print(f"ok   {name} ({len(text)} bytes, peak RSS so far {rss} KB)")
sys.exit(fail)
