#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The YAML reader's own item scanner against libyaml (issue 17): items of
a block sequence in the common subset are scanned by plugins/yaml/yaml_fast.c,
everything else by libyaml, which takes over mid-stream after a prefix that
puts it where the stream's parser would be. A document with a directive
(`%YAML 1.1`) is read by libyaml alone, so each input is read twice, as
written and with the directive put in front: the CSL-JSON, the exit status
and the diagnostics (their line numbers less the added lines) must be
equal. Inputs: the corpus's CSL-JSON items written as YAML (when
../shared is there), the golden YAML inputs, and generated hand-written
shapes (seeded): folded plain and quoted scalars, escapes, blank and
comment lines, flow sequences, nested lists, odd indentation, tabs, CRLF,
anchors, errors between and inside items, text after the list.
"""
import glob
import json
import os
import random
import re
import subprocess
import sys
import tempfile

shared = os.environ.get("BIBCONV_SHARED", "")
build = os.environ.get("BIBCONV_BUILDDIR", "")
exe = os.path.join(build, "core", "cli", "bibconv")
here = os.path.dirname(os.path.abspath(__file__))


def run(args):
    return subprocess.run([exe, "--no-progress"] + args, capture_output=True)


WORDS = ["Foo", "bar", "baz:qux", "a#b", "x - y", "-dash", "1957", "0815", "12", "-3", "true",
         "null", "~", "yes", "é", "日本", "😀", "a\\b", "\\$x", "it's", 'say "hi"', "50%",
         "http://x.org/a?b=c#d", "a  b", "\u00a0nbsp", "Ünï", "x,y", "[b]"]
ODD = ["k: v", "c #d", "@at", "`tick", "{y}", "&amp", "*star", "!bang", "|pipe", ">gt", "?q",
       ":col", ",comma", "tab\there", "", " lead", "trail ", "line\nbreak", "\u2028", "\x85",
       "\ufeff", "\x01"]


def text_of(rnd, odd):
    pool = WORDS + (ODD if odd else [])
    return " ".join(rnd.choice(pool) for _ in range(rnd.randint(1, 8)))


def dq_escaped(rnd, s):
    out = []
    for ch in s:
        x = rnd.random()
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\n":
            out.append(rnd.choice(["\\n", "\\x0A", "\\u000a"]))
        elif ch == "\t":
            out.append(rnd.choice(["\\t", "\t"]))
        elif ord(ch) > 127 and x < 0.3:
            out.append("\\u%04x" % ord(ch) if ord(ch) < 0x10000 else "\\U%08x" % ord(ch))
        elif ch == " " and x < 0.05:
            out.append("\\ ")
        elif x < 0.01:
            out.append(rnd.choice(["\\L", "\\P", "\\N", "\\_", "\\/", "\\e", "\\0", "\\q", "\\x4",
                                   "\\ud800"]))
        else:
            out.append(ch)
    return "".join(out)


def folded(rnd, s, ind, width):
    lines, cur = [], ""
    for w in s.split(" "):
        if cur and len(cur) + 1 + len(w) > width:
            lines.append(cur)
            cur = w
        else:
            cur = cur + " " + w if cur else w
    lines.append(cur)
    sep = "\n" + " " * ind
    if rnd.random() < 0.15:
        sep = "\n" + rnd.choice(["", "\n", "  \n", "\\\n"]) + " " * ind
    return sep.join(lines)


def scalar(rnd, ind, odd):
    s = text_of(rnd, odd)
    cont = max(0, ind + rnd.choice([2, 2, 2, 4, 1, 0, -1]))
    width = rnd.choice([20, 40, 1000])
    k = rnd.random()
    if k < 0.4:
        return folded(rnd, s, cont, width)
    if k < 0.7:
        return "'" + folded(rnd, s.replace("'", "''"), cont, width) + "'"
    if k < 0.95:
        after = rnd.choice(["", "", " ", " # c"])
        return '"' + folded(rnd, dq_escaped(rnd, s), cont, width) + '"' + after
    return rnd.choice(["[1957, 1, 1]", "[[1957, 1, 1]]", "[[2000], [2001, 2]]", "[ ]", "[]",
                       "[a, b]", "[a b]", "[1,2,]", "|\n" + " " * (ind + 2) + "lit", "&a x", "*a",
                       "!!str 5", "{a: 1}"])


KEYS = ["title", "note", "abstract", "container-title", "volume", "issue", "page", "publisher",
        "language", "URL", "DOI", "custom_key", "x-unknown", "number", "edition", "keyword"]


def item(rnd, col, odd):
    m = col + 2
    lines = [" " * col + "- id: " + rnd.choice(["k1", "'k2'", '"k 3"', "k4", "12", "k#5"])]
    keys = rnd.sample(KEYS, rnd.randint(1, 6))
    if rnd.random() < 0.05:
        keys.append(keys[0])
    lines += [" " * m + k + ": " + scalar(rnd, m, odd) for k in keys]
    if rnd.random() < 0.6:
        dash = m + rnd.choice([0, 0, 2])
        lines.append(" " * m + rnd.choice(["author:", "editor:"]))
        for _ in range(rnd.randint(1, 3)):
            parts = rnd.sample(["family", "given", "literal", "suffix"], rnd.randint(1, 2))
            for i, p in enumerate(parts):
                lines.append(" " * dash + ("- " if i == 0 else "  ") + p + ": " +
                             scalar(rnd, dash + 2, odd))
    if rnd.random() < 0.6:
        lines.append(" " * m + "issued:")
        lines.append(" " * (m + rnd.choice([2, 4])) + "date-parts: " +
                     rnd.choice(["[[1957, 1, 1]]", "[[2001]]", "[[2001, 13]]", "[[0]]",
                                 "[['2001']]"]))
    if rnd.random() < 0.1:
        lines.append(" " * m + "keyword:")
        lines += [" " * (m + 2) + "- " + scalar(rnd, m + 2, odd) for _ in range(2)]
    if rnd.random() < 0.05:
        lines.insert(rnd.randrange(1, len(lines) + 1),
                     rnd.choice(["", "# comment", "   ", " " * m + "# c"]))
    if rnd.random() < 0.05:
        lines.insert(rnd.randrange(1, len(lines) + 1),
                     rnd.choice([" " * (m + 1) + "odd: 1", " " * (m - 1) + "odd: 1",
                                 " " * m + "- x"]))
    return "\n".join(lines) + "\n"


def generated(seed, count):
    rnd = random.Random(seed)
    for _ in range(count):
        col = rnd.choice([0, 0, 2])
        head = rnd.choice(["---\nreferences:\n", "references:\n", "---\ntitle: T\nreferences:\n",
                           "---\n"])
        odd = rnd.random() < 0.5
        body = "".join(item(rnd, col, odd) + rnd.choice(["", "", "", "\n", "# x\n", "\n\n"])
                       for _ in range(rnd.randint(1, 8)))
        text = head + body + rnd.choice(["", "...\n", "---\n# Body\n", "other: 1\n", "  late: 2\n"])
        if rnd.random() < 0.05:
            text = text.replace("\n", "\r\n")
        if rnd.random() < 0.1:
            text = text.rstrip("\n")
        yield text


def normalized(err, shift):
    """Diagnostics with their line numbers less `shift`."""
    def at(m):
        return b"%s:%d:" % (m.group(1), int(m.group(2)) - shift)

    def resumes(m):
        return b"at line %d" % (int(m.group(1)) - shift)
    err = re.sub(rb"^([^\n]*?):(\d+):(?=\d+:)", at, err, flags=re.M)
    return re.sub(rb"at line (\d+)", resumes, err)


def main():
    inputs = []
    corpus = os.path.join(shared, "corpus")
    items = []
    for f in sorted(glob.glob(os.path.join(corpus, "**", "*.json"), recursive=True)):
        try:
            doc = json.load(open(f, encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        if isinstance(doc, list) and all(isinstance(x, dict) and "id" in x for x in doc):
            items += doc
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        if items:
            src = os.path.join(tmp, "items.json")
            with open(src, "w", encoding="utf-8") as f:
                json.dump(items, f, ensure_ascii=False)
            inputs.append(("corpus", run(["-f", "csljson", "-t", "yaml", src]).stdout.decode()))
        for g in sorted(glob.glob(os.path.join(here, "golden", "**", "*.y*ml"), recursive=True) +
                        glob.glob(os.path.join(here, "golden", "**", "*.md"), recursive=True)):
            if ".expected." not in g:
                inputs.append((os.path.relpath(g, here), open(g, encoding="utf-8").read()))
        # BIBCONV_CORPUS_STRIDE=N (the sanitizer run in CI): a 1/N of the
        # generated documents, at least 40 (800 runs took 120 s there)
        stride = max(1, int(os.environ.get("BIBCONV_CORPUS_STRIDE", "1") or 1))
        count = max(40, 400 // stride)
        inputs += [("generated %d" % k, t) for k, t in enumerate(generated(17, count))]
        p = os.path.join(tmp, "in.yaml")
        for name, text in inputs:
            if text.startswith("%"):
                continue
            shift = 1 if text.startswith("---") else 2
            outs = []
            for t in (text, "%YAML 1.1\n" + ("" if shift == 1 else "---\n") + text):
                with open(p, "w", encoding="utf-8", newline="") as f:
                    f.write(t)
                r = run(["-f", "yaml", "-t", "csljson", p])
                outs.append((r.returncode, r.stdout, normalized(r.stderr, shift if outs else 0)))
            if outs[0] != outs[1]:
                failed += 1
                print("FAIL: %s: the scanner and libyaml differ" % name)
                print("  input:\n" + text[:2000])
                print("  scanner:\n%s%s\n  libyaml:\n%s%s" % (outs[0][1][:1500].decode(),
                      outs[0][2].decode(), outs[1][1][:1500].decode(), outs[1][2].decode()))
        print("%d inputs, %d differ" % (len(inputs), failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
