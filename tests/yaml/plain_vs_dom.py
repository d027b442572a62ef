#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The YAML reader's two paths give the same records (issue 17): a plain
item is mapped straight from libyaml's events, an item with an anchor (or
an alias, a merge key, a duplicate key...) through a jansson value built
from them (plugins/yaml/yaml_reader.c, record_item). Every item of the
corpus's CSL-JSON files and of the golden YAML inputs is written as YAML,
then read twice: as written, and with an anchor on the first key of each
item, which sends the item down the jansson path. The CSL-JSON written
and the diagnostics (columns aside: the anchor shifts them) must be
equal. Exits 77 (skipped) without ../shared.
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

shared = os.environ.get("BIBCONV_SHARED", "")
build = os.environ.get("BIBCONV_BUILDDIR", "")
corpus = os.path.join(shared, "corpus")
if not os.path.isdir(corpus):
    print("skipped: no shared corpus at", corpus)
    sys.exit(77)
exe = os.path.join(build, "core", "cli", "bibconv")
here = os.path.dirname(os.path.abspath(__file__))

items = []
for f in sorted(glob.glob(os.path.join(corpus, "**", "*.json"), recursive=True)):
    try:
        doc = json.load(open(f, encoding="utf-8"))
    except (ValueError, UnicodeDecodeError):
        continue
    if isinstance(doc, list) and doc and all(isinstance(x, dict) and "id" in x for x in doc):
        items += doc


def run(args, **kw):
    return subprocess.run([exe, "--no-progress"] + args, capture_output=True, **kw)


def anchored(text):
    """Each top-level item (a "- " line at column 0) with an anchor on its
    first key; returns the text and how many were anchored."""
    n = [0]

    def sub(m):
        n[0] += 1
        return "- &dom%d %s" % (n[0], m.group(1))
    return re.sub(r"^- (\S)", sub, text, flags=re.M), n[0]


def no_columns(err):
    return re.sub(rb":(\d+):\d+:", rb":\1:", err)


failed = 0
with tempfile.TemporaryDirectory() as tmp:
    src = os.path.join(tmp, "items.json")
    with open(src, "w", encoding="utf-8") as f:
        json.dump(items, f, ensure_ascii=False)
    inputs = [run(["-f", "csljson", "-t", "yaml", src]).stdout.decode()]
    for g in ("bare.yml", "refs.yaml"):
        inputs.append(open(os.path.join(here, "golden", g), encoding="utf-8").read())
    for k, text in enumerate(inputs):
        other, n = anchored(text)
        if n == 0:
            print("FAIL: input %d: no item to anchor" % k)
            failed += 1
            continue
        outs = []
        for t in (text, other):
            p = os.path.join(tmp, "in.yaml")
            with open(p, "w", encoding="utf-8") as f:
                f.write(t)
            r = run(["-f", "yaml", "-t", "csljson", p])
            outs.append((r.returncode, r.stdout, no_columns(r.stderr)))
        if outs[0] != outs[1]:
            print("FAIL: input %d (%d items anchored): the paths differ" % (k, n))
            for i, (a, b) in enumerate(zip(outs[0][1].splitlines(), outs[1][1].splitlines())):
                if a != b:
                    print("  first output difference at line %d:\n  plain: %r\n  dom:   %r"
                          % (i + 1, a, b))
                    break
            if outs[0][2] != outs[1][2]:
                print("  diagnostics:\n%s\n  ---\n%s" % (outs[0][2].decode(), outs[1][2].decode()))
            failed += 1
        else:
            print("ok: input %d, %d items, %d bytes of CSL-JSON" % (k, n, len(outs[0][1])))
sys.exit(1 if failed else 0)
