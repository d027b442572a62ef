#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""NUL bytes in CSL-JSON and JSON Lines (issue 18, item 2): JSON allows
none, so each one is an error at its own line:col and the run exits 1,
wherever it sits: before the array, between or inside items (in a string or
not), after the array. The items around it still convert. Inputs are
generated here."""
import atexit, os, shutil, subprocess, sys, tempfile

build = os.environ["BIBCONV_BUILDDIR"]
exe = os.path.join(build, "core", "cli", "bibconv")
tmp = tempfile.mkdtemp(prefix="bibconv-cjnul-")
atexit.register(shutil.rmtree, tmp, True)  # every run left its folder in /tmp
failures = []

A = b'{"id":"a","type":"book","title":"First"}'
B = b'{"id":"b","type":"book","title":"Second"}'


def run(fmt, data):
    path = os.path.join(tmp, "in." + fmt)
    with open(path, "wb") as f:
        f.write(data)
    p = subprocess.run([exe, "-f", fmt, "-t", "csljsonl", path], stdin=subprocess.DEVNULL,
                       capture_output=True)
    return p.returncode, p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")


def check(cond, what, err=""):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)
        if err:
            print("     stderr: " + err.strip().replace("\n", "\n     "))


# (name, format, input, expected "line:col", ids that must still come out)
cases = [
    ("NUL before the array", "csljson", b"\0[" + A + b"," + B + b"]\n", "1:1", ["a", "b"]),
    ("NUL after the array, then junk", "csljson", b"[" + A + b"]\n\0junk", "2:1", ["a"]),
    ("NUL after the array, at the end", "csljson", b"[" + A + b"]\n  \0", "2:3", ["a"]),
    ("NUL between items", "csljson", b"[" + A + b"\0," + B + b"]", "1:%d" % (len(A) + 2),
     ["a", "b"]),
    ("NUL inside a string", "csljson", b"[" + A + b",\n" + B[:-3] + b"\0d\"}]", "2:%d" % (len(B) - 2),
     ["a"]),
    ("NUL inside an item, outside a string", "csljson", b"[" + B + b",{\"id\":\"c\",\0}]",
     "1:%d" % (len(B) + 13), ["b"]),
    ("NUL in a single item object", "csljson", b'{"id":"a","title":"x\0"}', "1:21", []),
    ("JSON Lines: NUL inside a string", "csljsonl", A + b"\n" + B[:-3] + b"\0d\"}\n",
     "2:%d" % (len(B) - 2), ["a"]),
    ("JSON Lines: NUL outside a string", "csljsonl", b"\0" + A + b"\n" + B + b"\n", "1:1", ["b"]),
]
for name, fmt, data, pos, ids in cases:
    rc, out, err = run(fmt, data)
    check(rc == 1, "%s: exit 1 (got %d)" % (name, rc), err)
    check((":%s: error: NUL byte" % pos) in err, "%s: error at %s" % (name, pos), err)
    got = [line.split('"id":"')[1].split('"')[0] for line in out.splitlines() if '"id":"' in line]
    check(got == ids, "%s: items %s converted (got %s)" % (name, ids, got))

if failures:
    print("%d failure(s)" % len(failures))
    sys.exit(1)
