#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every field a writer drops has a diagnostic (issue 18; docs/bibconv.1,
DESCRIPTION): CSL-JSON records with variables that some formats have no
place for are written as every format. A writer that does not write a
field says so once per field, at the end, with the number of records that
lost it (exit status 0: the loss is the target's, not bad input);
--verbose adds one info line per record. A field the output holds is never
reported. Extras (what a reader keeps with no CSL variable: a BibTeX
`groups`, a RIS `ZZ`) are reported the same way by the writers of other
formats, as "<format> field '<name>'", a name once per record; an extra
that names the entry type (BibTeX's, RIS TY) is not. Inputs are generated
here."""
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


# ---- extras of another format (docs/bibconv.1, DESCRIPTION) ----
bib = os.path.join(tmp, "in.bib")
with open(bib, "w", encoding="utf-8") as f:
    for i in range(3):
        f.write("@phdthesis{k%d,\n  title = {T%d},\n  author = {Doe, Jane},\n  year = {2001},\n"
                "  school = {S},\n  groups = {grp%d},\n%s}\n\n"
                % (i, i, i, "  owner = {own%d},\n" % i if i else ""))
ris = os.path.join(tmp, "in.ris")
with open(ris, "w", encoding="utf-8") as f:  # ZZ twice in the first record: counted once
    f.write("TY  - JFULL\r\nTI  - A\r\nZZ  - one\r\nZZ  - two\r\nER  - \r\n\r\n"
            "TY  - JOUR\r\nTI  - B\r\nZZ  - three\r\nER  - \r\n\r\n")


def run_in(src, frm, to, *opts):
    p = subprocess.run([exe, "--no-progress", "--diagnostics=json"] + list(opts) +
                       ["-f", frm, "-t", to, src], capture_output=True)
    diags = []
    for line in p.stderr.decode("utf-8", "replace").splitlines():
        try:
            diags.append(json.loads(line))
        except ValueError:
            diags.append({"severity": "?", "message": line})
    return p, diags


def about_x(diags, fmt, name, severity):
    return [d for d in diags if d.get("severity") == severity and
            "%s field '%s'" % (fmt, name) in d.get("message", "")]


for src, frm, lost, keep, writers in (
        (bib, "bibtex", (("groups", 3), ("owner", 2)), "grp1", LOSSY[:5]),
        (ris, "ris", (("ZZ", 2),), "three", ["bibtex", "biblatex", "mods", "endnotexml", "nbib", "wos"])):
    for to in writers:
        p, diags = run_in(src, frm, to)
        err = p.stderr.decode("utf-8", "replace")
        check(p.returncode == 0, "%s -> %s: exit 0" % (frm, to), err)
        for name, n in lost:
            w = about_x(diags, frm, name, "warning")
            check(len(w) == 1 and "in %d record%s" % (n, "s" if n > 1 else "") in w[0]["message"],
                  "%s -> %s: one warning: %s field '%s' lost in %d records" % (frm, to, frm, name, n),
                  err)
        check(not about_x(diags, frm, "entrytype", "warning") and
              not about_x(diags, frm, "TY", "warning"),
              "%s -> %s: the entry type restated by the record's type is no loss" % (frm, to), err)
        check(not [d for d in diags if d.get("severity") == "info" and "field" in d.get("message", "")],
              "%s -> %s: no per-record lines without -v" % (frm, to), err)
        pv, dv = run_in(src, frm, to, "-v")
        name, n = lost[0]
        info = about_x(dv, frm, name, "info")
        check(len(info) == n and all(d.get("line") for d in info),
              "%s -> %s -v: %d info lines for '%s', each at its record's line" % (frm, to, n, name),
              pv.stderr.decode("utf-8", "replace"))
    for to in [frm, "csljson", "yaml"] + (["biblatex"] if frm == "bibtex" else []):
        p, diags = run_in(src, frm, to)
        err = p.stderr.decode("utf-8", "replace")
        check(p.returncode == 0 and not about_x(diags, frm, lost[0][0], "warning") and
              keep in p.stdout.decode("utf-8", "replace"),
              "%s -> %s: carries the extras, reports nothing" % (frm, to), err)

# a name per record, 1100 names: 1024 have their own warning, the rest one
many = os.path.join(tmp, "many.bib")
with open(many, "w", encoding="utf-8") as f:
    for i in range(1100):
        f.write("@misc{m%d, title = {T}, xf%d = {v}}\n" % (i, i))
p, diags = run_in(many, "bibtex", "ris")
err = p.stderr.decode("utf-8", "replace")
named = [d for d in diags if "bibtex field 'xf" in d.get("message", "")]
rest = [d for d in diags if "further names" in d.get("message", "")]
check(p.returncode == 0 and len(named) == 1024 and len(rest) == 1 and
      "in 76 records" in rest[0]["message"],
      "1100 names: 1024 warnings by name, one for the 76 records past them", err[-400:])

for n in os.listdir(tmp):
    os.unlink(os.path.join(tmp, n))
os.rmdir(tmp)
print("%d failures" % len(failures))
sys.exit(1 if failures else 0)
