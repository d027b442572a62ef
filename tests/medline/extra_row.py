#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Adding a field to MEDLINE or WoS is one row of its table.

tests/medline/meson.build builds each module's sources a second time, as
module `nbibtest` (format nbibtest) and `wostest` (format wostest), with
-D..._TEST_EXTRA_ROW appending one row: a tag the table does not know <->
`dimensions`, a variable it does not map. This script loads the copy with
--plugin-dir and checks both directions: the tag reads as `dimensions`
(not as an extra), `dimensions` is written under the tag, and the real
module does neither (the row is what makes the difference).

Usage: extra_row.py BIBCONV MODULE FORMAT TAG SAMPLE
"""
import json, os, subprocess, sys

exe, module, fmt, tag, sample = sys.argv[1:6]
real = {"nbibtest": "nbib", "wostest": "wos"}[fmt]
plugdir = os.path.dirname(module)
fails = []


def run(args, data):
    p = subprocess.run([exe, "--no-progress", "--plugin-dir", plugdir] + args,
                       input=data.encode(), capture_output=True)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


data = sample.replace("\\n", "\n")
rc, js, err = run(["-f", fmt, "-t", "csljson", "-"], data)
item = (json.loads(js) or [{}])[0] if rc == 0 else {}
if item.get("dimensions") != "12 x 8 cm" or "custom" in item:
    fails.append("reading %s: %s %s" % (tag, js, err))
rc, out, err = run(["-f", "csljson", "-t", fmt, "-"], js)
if not any(l.startswith(tag) and l.rstrip().endswith("12 x 8 cm") for l in out.splitlines()):
    fails.append("writing dimensions as %s: %s %s" % (tag, out, err))
rc, js2, err = run(["-f", real, "-t", "csljson", "-"], data)
item2 = (json.loads(js2) or [{}])[0] if rc == 0 else {}
if "dimensions" in item2:
    fails.append("the real module %s maps %s too" % (real, tag))
for f in fails:
    print("FAIL", f)
sys.exit(1 if fails else 0)
