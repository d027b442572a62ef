#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Long values in CSL-YAML (issue 18, a huge value held at most twice):
past 64 KiB the reader hands libyaml's string to the record, and writes a
key outside CSL as its JSON text itself; past 256 KiB it lets go of a
long item's text as it reads (plugins/yaml/yaml_plain.c take_extra,
yaml_reader.c release_held). Checks that (1) such values come out as the
jansson path (an anchor on the item) gives them, byte for byte, and (2)
an error inside a long item still costs that item only.
"""
import json
import os
import subprocess
import sys
import tempfile

build = os.environ.get("BIBCONV_BUILDDIR", "build")
exe = os.path.join(build, "core", "cli", "bibconv")
failed = 0


def check(cond, what):
    global failed
    print(("ok   " if cond else "FAIL ") + what)
    failed += not cond


def quoted(s):
    """s as a YAML double-quoted scalar (escapes for every control)."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch in '"\\':
            out.append("\\" + ch)
        elif o < 0x20 or o == 0x2028:
            out.append("\\x%02x" % o if o < 0x100 else "\\u%04x" % o)
        else:
            out.append(ch)
    return "".join(out) + '"'


def run(path, to="csljson"):
    return subprocess.run([exe, "--no-progress", "-f", "yaml", "-t", to, path],
                          capture_output=True)


special = 'a"b\\c\b\f\n\r\t\x01\x1f \u00e9 \u2028 /x '
values = {"abstract": special * 4000, "title": "word " * 20000,
          "foo": special * 4000, "note": "n" * 70000}
item = "".join("  %s: %s\n" % (k, quoted(v)) for k, v in values.items())
with tempfile.TemporaryDirectory() as tmp:
    plain = os.path.join(tmp, "plain.yaml")
    dom = os.path.join(tmp, "dom.yaml")
    open(plain, "w", encoding="utf-8").write("- id: a\n" + item)
    open(dom, "w", encoding="utf-8").write("- &x id: a\n" + item)
    for to in ("csljson", "yaml", "bibtex"):
        a, b = run(plain, to), run(dom, to)
        check(a.returncode == 0 and a.stdout == b.stdout and a.stdout,
              "long values to %s: the plain path writes what the jansson path writes" % to)
    def unknown(item, key):
        """An unknown key's value: under custom.csljson by default."""
        return item.get("custom", {}).get("csljson", {}).get(key, item.get(key))

    got = json.loads(run(plain).stdout)[0]
    check(got.get("abstract") == values["abstract"] and got.get("note") == values["note"]
          and unknown(got, "foo") == values["foo"],
          "long values read back unchanged (escapes included)")

    # the writer's side: a long value under a key outside CSL is written
    # from its JSON text when it has no escape (yaml_writer.c, dr_member)
    for what, val in (("plain words", "word " * 20000), ("a colon and a hash", "x: y # " * 12000),
                      ("non-ASCII", "\u00e9 \u2211 " * 12000), ("a leading digit", "1 " * 40000)):
        src = os.path.join(tmp, "u.json")
        yml = os.path.join(tmp, "u.yaml")
        json.dump([{"id": "a", "title": "T", "foo": val}], open(src, "w"))
        w = subprocess.run([exe, "--no-progress", "-f", "csljson", "-t", "yaml", "-o", yml, src],
                           capture_output=True)
        back = json.loads(run(yml).stdout or b"[{}]")[0]
        check(w.returncode == 0 and unknown(back, "foo") == val,
              "a long value (%s) under a key outside CSL: YAML and back unchanged" % what)

    # errors inside long items: one item lost, the rest read
    big = "abcdefghi " * 60000
    lines = "\n    ".join("line %d of the abstract" % i for i in range(40000))
    cases = {
        "a 600 KB line, then an error": '- id: b\n  abstract: "%s"\n  title: [unclosed\n' % big,
        "1 MB over 40,000 lines, then an error": '- id: b\n  abstract: "%s"\n   bad: x: y\n'
                                                % lines,
    }
    for what, mid in cases.items():
        p = os.path.join(tmp, "rec.yaml")
        open(p, "w").write("- id: a\n  title: A\n" + mid + "- id: c\n  title: C\n")
        r = run(p)
        ids = [x["id"] for x in json.loads(r.stdout or b"[]")]
        check(r.returncode == 1 and ids == ["a", "c"] and b"item skipped" in r.stderr,
              "%s: the items around it are read (%s)" % (what, ids))
    p = os.path.join(tmp, "ok.yaml")
    open(p, "w").write("- id: a\n  title: A\n- id: b\n  abstract: %s\n- id: c\n  title: C\n"
                       % lines)
    r = run(p)
    got = json.loads(r.stdout or b"[]")
    check(r.returncode == 0 and [x["id"] for x in got] == ["a", "b", "c"] and
          got[1].get("abstract", "").startswith("line 0 of the abstract line 1"),
          "a long plain multi-line value is read whole")
print("%d failed" % failed)
sys.exit(1 if failed else 0)
