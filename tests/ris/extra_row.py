#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Adding a field to RIS is one row of plugins/ris/ris_table.c.

tests/ris/meson.build builds the ris sources a second time as module
`ristest` with -DRIS_TEST_EXTRA_ROW appending the row LB <-> dimensions (LB
is a tag the table does not know, dimensions a variable it does not map).
This script loads that module with --plugin-dir and checks that the row is
honoured in both directions: RIS -> CSL-JSON puts LB in `dimensions` (not in
the RIS extras), CSL-JSON -> RIS writes `dimensions` as LB, and
RIS -> CSL-JSON -> RIS gives the input back. The real `ris` module must do
neither (the row is what makes the difference).

Usage: extra_row.py BIBCONV RISTEST_MODULE
"""
import json, os, subprocess, sys, tempfile

exe, module = sys.argv[1], sys.argv[2]
plugdir = os.path.dirname(module)
fails = 0


def check(name, ok, detail=""):
    global fails
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + detail))
    fails += 0 if ok else 1


def run(args, data):
    p = subprocess.run([exe, "--no-progress", "--plugin-dir", plugdir] + args,
                       input=data.encode(), capture_output=True)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


RIS = ("TY  - JOUR\nID  - smith2020measured\nTI  - Measured objects\nAU  - Smith, Ann\nPY  - 2020\nDA  - 2020///\n"
       "LB  - 12 x 8 cm\nER  - \n\n")

rc, listing, _ = run(["--list-formats"], "")
check("ristest listed from --plugin-dir", rc == 0 and "\nristest " in "\n" + listing, listing)

# reading: LB is the dimensions variable, not a kept RIS extra
rc, js, err = run(["-f", "ristest", "-t", "csljson", "-"], RIS)
items = json.loads(js) if rc == 0 and js.strip() else [{}]
item = items[0]
check("ristest reads LB as dimensions", item.get("dimensions") == "12 x 8 cm",
      "rc %d %s %s" % (rc, js, err))
check("LB is not kept as an extra", "custom" not in item, json.dumps(item))

# writing: dimensions (with no RIS extras to help) is written as LB
rc, ris, err = run(["-f", "csljson", "-t", "ristest", "-O", "eol=lf", "-"], js)
check("ristest writes dimensions as LB", rc == 0 and "\nLB  - 12 x 8 cm\n" in ris,
      "rc %d %s %s" % (rc, ris, err))
check("ris -> csljson -> ris gives the input back", ris == RIS, repr(ris))
only = json.dumps([{"id": "x", "type": "book", "title": "T", "dimensions": "30 cm"}])
rc, ris2, err = run(["-f", "csljson", "-t", "ristest", "-O", "eol=lf", "-"], only)
check("a CSL-JSON dimensions alone is written as LB", "\nLB  - 30 cm\n" in ris2, ris2 + err)
rc, js2, err = run(["-f", "ristest", "-t", "csljson", "-"], ris2)
check("and read back", rc == 0 and json.loads(js2)[0].get("dimensions") == "30 cm", js2 + err)

# control: the real module has no such row
rc, js3, err = run(["-f", "ris", "-t", "csljson", "-"], RIS)
real = json.loads(js3)[0] if rc == 0 else {}
check("ris (no extra row) does not map LB", "dimensions" not in real and
      real.get("custom", {}).get("ris", {}).get("LB") == "12 x 8 cm", js3 + err)
rc, ris3, err = run(["-f", "csljson", "-t", "ris", "-O", "eol=lf", "-"], only)
check("ris (no extra row) does not write dimensions", rc == 0 and "LB  -" not in ris3, ris3)

sys.exit(1 if fails else 0)
