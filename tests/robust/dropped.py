#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every field a writer drops has a diagnostic (issue 18; docs/bibconv.1,
DESCRIPTION): CSL-JSON records with variables that some formats have no
place for are written as every format. A writer that does not write a
field says so once per field, at the end, with the number of records that
lost it (exit status 0: the loss is the target's, not bad input);
--verbose adds one info line per record. A field the output holds is never
reported. Inputs are generated here."""
import json, os, subprocess, sys, tempfile

build = os.environ["BIBCONV_BUILDDIR"]
exe = os.path.join(build, "core", "cli", "bibconv")
tmp = tempfile.mkdtemp(prefix="bibconv-dropped-")
failures = []

items = [
    {"id": "a%d" % i, "type": "book", "title": "Title %d" % i,
     "author": [{"family": "Doe", "given": "Jane"}], "issued": {"date-parts": [[2001 + i]]},
     "dimensions": "%d cm" % (20 + i), "scale": "1:%d" % (1000 * (i + 1))}
    for i in range(3)
]
items[1].pop("scale")  # scale in 2 records, dimensions in 3
path = os.path.join(tmp, "in.json")
with open(path, "w", encoding="utf-8") as f:
    json.dump(items, f)

# writers with no place for `dimensions` (docs/crosswalk.md 3.12,
# docs/fidelity.md), and those that carry every CSL variable
LOSSY = ["ris", "nbib", "wos", "mods", "endnotexml", "bibtex", "biblatex"]
WHOLE = ["csljson", "csljsonl", "yaml"]


def check(cond, what, err=""):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)
        if err:
            print("     stderr: " + err.strip().replace("\n", "\n     "))


def run(to, *opts):
    p = subprocess.run([exe, "--no-progress", "--diagnostics=json"] + list(opts) +
                       ["-f", "csljson", "-t", to, path], capture_output=True)
    diags = []
    for line in p.stderr.decode("utf-8", "replace").splitlines():
        try:
            diags.append(json.loads(line))
        except ValueError:
            diags.append({"severity": "?", "message": line})
    return p, diags


def about(diags, field, severity):
    return [d for d in diags if d.get("severity") == severity and
            "'%s'" % field in d.get("message", "")]


for to in LOSSY:
    p, diags = run(to)
    err = p.stderr.decode("utf-8", "replace")
    check(p.returncode == 0, "%s: exit 0 (a target's loss is no input error)" % to, err)
    out = p.stdout.decode("utf-8", "replace")
    for field, n in (("dimensions", 3), ("scale", 2)):
        if "%d cm" % 20 in out and field == "dimensions" or "1:1000" in out and field == "scale":
            # the writer carries it after all: then it must not be reported
            check(not about(diags, field, "warning"), "%s: %s written, not reported" % (to, field), err)
            continue
        w = about(diags, field, "warning")
        check(len(w) == 1, "%s: one warning names '%s'" % (to, field), err)
        if w:
            check("in %d records" % n in w[0]["message"],
                  "%s: the warning counts %d records losing '%s'" % (to, n, field), err)
    check(not about(diags, "title", "warning") and not about(diags, "author", "warning"),
          "%s: no warning about fields it wrote" % to, err)
    check(not about(diags, "dimensions", "info"), "%s: no per-record lines without -v" % to, err)
    pv, dv = run(to, "-v")
    info = about(dv, "dimensions", "info")
    check(len(info) == 3 and all("'a%d'" % i in info[i]["message"] for i in range(3)),
          "%s -v: one info line per record that lost 'dimensions'" % to,
          pv.stderr.decode("utf-8", "replace"))
    check(all(d.get("line") for d in info), "%s -v: the info lines have the input line" % to)

for to in WHOLE:
    p, diags = run(to)
    err = p.stderr.decode("utf-8", "replace")
    out = p.stdout.decode("utf-8", "replace")
    check(p.returncode == 0 and not about(diags, "dimensions", "warning") and "22 cm" in out,
          "%s: carries 'dimensions', reports nothing" % to, err)

for n in os.listdir(tmp):
    os.unlink(os.path.join(tmp, n))
os.rmdir(tmp)
print("%d failures" % len(failures))
sys.exit(1 if failures else 0)
