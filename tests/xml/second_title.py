#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""A MODS record with a second title of a mapped row (a second host
relatedItem, the collection the record is part of; a second untyped
titleInfo) keeps it on mods -> mods -> csljson (issue 15, the fidelity
matrix's `stable` check): the reader keeps it as an extra under the path of
its <title>, which the writer puts back. The input is generated here.
"""
import json
import os
import subprocess
import sys

build = os.environ.get("BIBCONV_BUILDDIR", "")
exe = os.path.join(build, "core", "cli", "bibconv")

MODS = """<?xml version="1.0" encoding="UTF-8"?>
<modsCollection xmlns="http://www.loc.gov/mods/v3">
<mods ID="two">
  <titleInfo><title>Selected writings</title></titleInfo>
  <titleInfo><title>Writings, selected</title></titleInfo>
  <genre authority="marcgt">book</genre>
  <relatedItem type="host"><titleInfo><title>Collected works</title></titleInfo></relatedItem>
  <relatedItem type="host"><titleInfo><title>A library's collection</title></titleInfo></relatedItem>
</mods>
</modsCollection>
"""


def run(args, data):
    p = subprocess.run([exe] + args, input=data.encode(), capture_output=True)
    return p.returncode, p.stdout.decode(), p.stderr.decode()


rc, ref, err = run(["-f", "mods", "-t", "csljson", "-"], MODS)
rc2, mods, err2 = run(["-f", "mods", "-t", "mods", "-"], MODS)
rc3, back, err3 = run(["-f", "mods", "-t", "csljson", "-"], mods)
fails = 0
if rc or rc2 or rc3:
    print(f"FAIL exit {rc}/{rc2}/{rc3}: {err}{err2}{err3}")
    fails += 1
else:
    a, b = json.loads(ref), json.loads(back)
    if a != b:
        print("FAIL mods -> mods -> csljson differs from mods -> csljson:")
        print(json.dumps(a, ensure_ascii=False, sort_keys=True))
        print(json.dumps(b, ensure_ascii=False, sort_keys=True))
        fails += 1
    text = json.dumps(b, ensure_ascii=False)
    for t in ("A library's collection", "Writings, selected"):
        if t not in text:
            print(f"FAIL the second title {t!r} is lost")
            fails += 1
print(f"{fails} failed")
sys.exit(1 if fails else 0)
