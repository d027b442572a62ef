#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The biblatex writer's output passes biber's data-model validation
(`biber --tool --tool-resolve --validate-datamodel`) with no warning:
samples/example.bib and the corpus's complete entries of every BibTeX type,
written as biblatex straight from BibTeX and through CSL-JSON. One warning
is the source's, not the writer's: "Missing mandatory field" for an entry
biber finds it missing in the source too (a @report without `type`, which
the writer keeps as @report; docs/bibtex.md), as the fidelity matrix takes
it (docs/fidelity.md). One warning is the writer's by design: "Invalid
field 'type' for entrytype" on @book, @inbook, @incollection or
@inproceedings, classic BibTeX's `type` of a part of a book (`type =
{Section}`), which BibLaTeX's data model lacks there; the writer keeps it
so that no data is lost and the round trip is exact, biber keeps it too
and exits 0 (docs/bibtex.md, "type"). Exits 77
(skip) without biber (Debian package `biber`); the corpus part needs
../shared. Not for: classic BibTeX output (biber judges it by BibLaTeX's
model, where classic @inbook is not valid).
"""
import glob, os, shutil, subprocess, sys, tempfile

if not shutil.which("biber"):
    sys.exit(77)
build = os.environ["BIBCONV_BUILDDIR"]
src = os.environ.get("BIBCONV_SRCDIR") or os.path.join(os.path.dirname(__file__), "..", "..")
shared = os.environ.get("BIBCONV_SHARED", "")
exe = os.path.join(build, "core", "cli", "bibconv")
inputs = [os.path.join(src, "samples", "example.bib")]
if os.path.isdir(shared):
    inputs += sorted(glob.glob(os.path.join(shared, "corpus", "citation-js",
                                            "bibtex-in.a-complete-*.bib")))
failures = []


def biber(tmp, name):
    """biber's WARN and ERROR lines on tmp/name, and its exit status."""
    # relative name: biber builds its log name from it
    p = subprocess.run(["biber", "--tool", "--tool-resolve", "--validate-datamodel", name],
                       capture_output=True, cwd=tmp, timeout=300)
    return ([l for l in p.stdout.decode(errors="replace").splitlines()
             if l.startswith(("WARN", "ERROR"))], p.returncode)


# The genre the writer keeps where biber's data model has no `type`
# (write_genre in plugins/bibtex/bt_writer.c): only on these entry types.
KEPT_TYPE = tuple("Invalid field 'type' for entrytype '%s'" % t
                  for t in ("book", "inbook", "incollection", "inproceedings"))


def missing(lines, name):
    """The "Missing mandatory field" warnings, without the file's name."""
    return {l.replace("(%s)" % name, "") for l in lines if "Missing mandatory field" in l}


# biber starts in about a second: it runs three times on the inputs
# concatenated (their keys are distinct) rather than three times a file;
# its warnings name the entry, so a failure still points at its record.
with tempfile.TemporaryDirectory() as tmp:
    parts = {"s": [], "d": [], "v": []}
    for n, f in enumerate(inputs):
        js = subprocess.run([exe, "-f", "bibtex", "-t", "csljson", f], capture_output=True)
        direct = subprocess.run([exe, "-f", "bibtex", "-t", "biblatex", f], capture_output=True)
        via = subprocess.run([exe, "-f", "csljson", "-t", "biblatex", "-"],
                             input=js.stdout, capture_output=True)
        for kind, p in (("d", direct), ("v", via)):
            if p.returncode != 0 or not p.stdout.strip():
                failures.append("%s: no %s output (exit %d)" % (f, kind, p.returncode))
        parts["s"].append(open(f, "rb").read())
        parts["d"].append(direct.stdout)
        parts["v"].append(via.stdout)
    for kind, texts in parts.items():
        with open(os.path.join(tmp, kind + ".bib"), "wb") as out:
            out.write(b"\n".join(texts))
    own = missing(biber(tmp, "s.bib")[0], "s.bib")
    for name in ("d.bib", "v.bib"):
        lines, rc = biber(tmp, name)
        bad = [l for l in lines if l.replace("(%s)" % name, "") not in own
               and not (l.startswith("WARN") and l.endswith(KEPT_TYPE))]
        if rc != 0 or bad:
            failures.append("%s: %s" % (name, "; ".join(bad) or "rc %d" % rc))
print("biber validation: %d inputs written two ways, %d failures" % (len(inputs), len(failures)))
for x in failures:
    print("FAIL:", x)
sys.exit(1 if failures else 0)
