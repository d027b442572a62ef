#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
""""Adding a field is one table row": the bibtex module built with one
extra crosswalk row (tests/bibtex/extra_row: `testfield` <-> CSL
`dimensions`, a pair the real table does not map) reads the field into the
variable, writes the variable back as the field, in both flavours, and
round-trips bib -> csljson -> bib. The same steps with the real module show
the mapping is the row's doing (each check would fail without it).

Usage: extra_row.py BIBCONV MODULE_DIR"""
import json, os, subprocess, sys, tempfile

exe, moddir = sys.argv[1], sys.argv[2]
failures = []


def check(name, ok, detail=""):
    print(("ok   " if ok else "FAIL ") + name)
    if not ok:
        failures.append(name)
        if detail:
            print("     " + detail.replace("\n", "\n     "))


def run(args, extra_row):
    pre = ["--plugin-dir", moddir] if extra_row else []
    p = subprocess.run([exe, "--no-progress"] + pre + args, capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


with tempfile.TemporaryDirectory() as tmp:
    bib = os.path.join(tmp, "in.bib")
    with open(bib, "w") as f:
        f.write("@misc{k1,\n  title = {Thing},\n  testfield = {12 x 30 cm},\n  year = 2001\n}\n")
    js = os.path.join(tmp, "in.json")
    with open(js, "w") as f:
        json.dump([{"id": "k2", "type": "book", "title": "Other", "dimensions": "3 vols"}], f)

    rc, out, err = run(["--list-formats"], True)
    check("the extra-row module is the one loaded",
          rc == 0 and any(l.split()[0] == "bibtex" and moddir in l for l in out.splitlines()),
          out + err)

    # reading: testfield -> dimensions (the real module keeps it as an extra)
    for extra_row in (True, False):
        rc, out, err = run(["-f", "bibtex", "-t", "csljson", bib], extra_row)
        item = json.loads(out)[0] if rc == 0 else {}
        custom = json.dumps(item.get("custom", {}))
        mapped = item.get("dimensions") == "12 x 30 cm" and "testfield" not in custom
        if extra_row:
            check("read: testfield is CSL dimensions", mapped, out + err)
            with open(os.path.join(tmp, "mid.json"), "w") as f:
                f.write(out)
        else:
            check("read control: the real module does not map testfield", not mapped, out)

    # writing: dimensions -> testfield, both flavours (the real module drops it)
    for to in ("bibtex", "biblatex"):
        for extra_row in (True, False):
            rc, out, err = run(["-f", "csljson", "-t", to, js], extra_row)
            has = rc == 0 and "testfield = {3 vols}" in out
            if extra_row:
                check("write %s: dimensions is testfield" % to, has, out + err)
            else:
                check("write control %s: the real module has no testfield" % to, not has, out)

    # round trip through CSL-JSON (no extras carry it: the row does)
    rc, out, err = run(["-f", "csljson", "-t", "bibtex", os.path.join(tmp, "mid.json")], True)
    check("round trip bib -> csljson -> bib keeps testfield",
          rc == 0 and "testfield = {12 x 30 cm}" in out, out + err)

print("%d failed" % len(failures))
sys.exit(1 if failures else 0)
