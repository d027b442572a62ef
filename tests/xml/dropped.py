#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""What the MODS reader cannot keep is said (issue 18, no silent loss):
an element the record has no place for (typeOfResource, recordInfo, a
name's affiliation, nameIdentifier or date part, a role without a CSL
variable) gives one info line per record and one warning per element path
at the end of the run, with its count of records; a second date of a date
variable closes a range (point="end"), adds precision, or is kept as an
extra that a MODS output writes back. Distinct paths are bounded (a
hostile input cannot grow the table). Inputs are generated here.
"""
import json
import os
import re
import subprocess
import sys

build = os.environ.get("BIBCONV_BUILDDIR", "")
exe = os.path.join(build, "core", "cli", "bibconv")
NS = 'xmlns="http://www.loc.gov/mods/v3"'


def run(args, data):
    return subprocess.run([exe, "--no-progress"] + args, input=data.encode(), capture_output=True,
                          timeout=120)


def collection(*records):
    return f'<?xml version="1.0"?>\n<modsCollection {NS}>\n' + "\n".join(records) + \
        "\n</modsCollection>\n"


def rec(ident, body):
    return f'<mods ID="{ident}"><titleInfo><title>T {ident}</title></titleInfo>{body}</mods>'


NAME = ('<name type="personal"><namePart type="given">Ada</namePart>'
        '<namePart type="family">Lovelace</namePart><namePart type="date">1815-1852</namePart>'
        '<affiliation>Analytical Society</affiliation>'
        '<nameIdentifier type="orcid">0000-0002-1825-0097</nameIdentifier>'
        '<role><roleTerm type="text">author</roleTerm></role></name>'
        '<name type="personal"><namePart>Babbage, Charles</namePart>'
        '<role><roleTerm type="text">Bestandsbildner</roleTerm></role></name>')
DATES = {
    "range": '<originInfo><dateIssued point="start">1998</dateIssued>'
             '<dateIssued point="end">2001</dateIssued></originInfo>',
    "finer": '<originInfo><dateIssued>2003</dateIssued></originInfo><relatedItem type="host">'
             '<titleInfo><title>J</title></titleInfo><part><date>Jan. 2003</date></part></relatedItem>',
    "other": '<originInfo><dateIssued>2003</dateIssued></originInfo><relatedItem type="host">'
             '<titleInfo><title>J</title></titleInfo><part><date>1999</date></part></relatedItem>',
}
data = collection(
    rec("a", NAME + "<typeOfResource>text</typeOfResource>" + DATES["range"] +
        "<recordInfo><recordOrigin>by hand</recordOrigin><recordIdentifier>r1</recordIdentifier>"
        "</recordInfo>"),
    rec("b", "<typeOfResource>text</typeOfResource>" + DATES["finer"]),
    rec("c", DATES["other"]))

failed = 0


def check(what, ok, detail=""):
    global failed
    if not ok:
        failed += 1
    print(("ok   " if ok else "FAIL ") + what + ("" if ok else ": " + detail[:800]))


p = run(["-v", "-f", "mods", "-t", "csljson", "-"], data)
err = p.stderr.decode()
check("exit 0, three records", p.returncode == 0 and len(json.loads(p.stdout)) == 3, err)
want = {"name@type=personal/namePart@type=date": 1, "name@type=personal/affiliation": 1,
        "name@type=personal/nameIdentifier@type=orcid": 1,
        "name@type=personal/role/roleTerm@type=text": 1, "typeOfResource": 2,
        "recordInfo/recordOrigin": 1, "recordInfo/recordIdentifier": 1}
warned = dict((m.group(1), int(m.group(2))) for m in re.finditer(
    r"warning: element '([^']+)' not read in (\d+) records?: the record has no place for it", err))
check("one warning per dropped path, with its count", warned == want, str(warned))
infos = re.findall(r"<stdin>:(\d+): info: element '([^']+)' not read", err)
check("an info line per record and path", len(infos) == sum(want.values()), str(infos))
items = {x["id"]: x for x in json.loads(p.stdout)}
check("point=end closes a range", items["a"].get("issued") == {"date-parts": [[1998], [2001]]},
      str(items["a"].get("issued")))
check("a finer second date replaces the first",
      items["b"].get("issued") == {"date-parts": [[2003, 1]]}, str(items["b"].get("issued")))
check("the role without a variable is a contributor",
      [n.get("family") for n in items["a"].get("contributor", [])] == ["Babbage"],
      str(items["a"]))

q = run(["-f", "mods", "-t", "mods", "-"], data)
out = q.stdout.decode()
check("a different second date is kept (written back in MODS)",
      re.search(r"<date>1999</date>", out) is not None, out)

# many distinct dropped paths: bounded, the rest counted under one line
many = collection(rec("m", "<recordInfo>" + "".join(
    f"<x{i}>v</x{i}>" for i in range(200)) + "</recordInfo>"))
r = run(["-f", "mods", "-t", "csljson", "-"], many)
lines = re.findall(r"warning: element '([^']+)' not read", r.stderr.decode())
check("distinct dropped paths are bounded", r.returncode == 0 and len(lines) == 65 and
      lines[-1] == "(other elements)", str(len(lines)) + " " + str(lines[-3:]))

# a degree grantor is the thesis's publisher, whichever comes first: the
# <originInfo> publisher is kept as the extra MODS writes back (it was lost
# without a word when it came first); a second grantor is said
GRANTOR = ('<name type="corporate"><namePart>%s</namePart><role><roleTerm type="text">'
           'degree grantor</roleTerm></role></name>')
PUB = "<originInfo><publisher>%s</publisher><dateIssued>2001</dateIssued></originInfo>"
theses = collection(
    rec("g1", GRANTOR % "Univ X" + PUB % "Press X" + "<genre>thesis</genre>"),
    rec("g2", PUB % "Press Y" + GRANTOR % "Univ Y" + "<genre>thesis</genre>"),
    rec("g3", GRANTOR % "Univ Z" + GRANTOR % "Univ W" + "<genre>thesis</genre>"))
p = run(["-f", "mods", "-t", "csljson", "-"], theses)
err = p.stderr.decode()
items = {x["id"]: x for x in json.loads(p.stdout)}
for ident, uni, press in (("g1", "Univ X", "Press X"), ("g2", "Univ Y", "Press Y")):
    check("%s: the grantor is the publisher, the press kept" % ident,
          items[ident].get("publisher") == uni and
          items[ident].get("custom", {}).get("mods", {}).get("originInfo/publisher") == press,
          str(items[ident]))
check("g3: a second grantor is named as not read",
      items["g3"].get("publisher") == "Univ Z" and
      "element 'name@type=corporate/namePart' not read in 1 record" in err, err)
q = run(["-f", "mods", "-t", "mods", "-"], theses)
out = q.stdout.decode()
check("both back in MODS, either order",
      all(x in out for x in ("Univ X", "Press X", "Univ Y", "Press Y")), out)

# an entry of names alone whose key is no xs:ID (BibLaTeX's @nameonly
# "9.44:1a") is written with its names, not refused as holding nothing
names_only = json.dumps([{"id": "9.44:1a", "type": "document",
                          "author": [{"family": "Benjamin", "given": "A. S."}]}])
p = run(["-f", "csljson", "-t", "mods", "-"], names_only)
q = run(["--strict", "-f", "mods", "-t", "csljson", "-"], p.stdout.decode())
back = json.loads(q.stdout or b"[]")
check("names alone, key no xs:ID: written and read back",
      p.returncode == 0 and q.returncode == 0 and len(back) == 1 and
      back[0].get("author") == [{"family": "Benjamin", "given": "A. S."}],
      p.stderr.decode() + q.stderr.decode())
sys.exit(1 if failed else 0)
