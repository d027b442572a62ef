#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Every diagnostic names the line its reader found, for every format.

Each input puts comments, blank lines or stray text before its records, and
is tried with LF and CRLF line ends, with and without a UTF-8 byte order
mark: none of these may shift a position. `bibconv check` reports a record
at its reader's line (column 1: the record as a whole); the readers' own
diagnostics keep their line:column; a conversion reports the same reader
diagnostics as check does.

An expected failure (a reader known to set a wrong origin) would go in
XFAIL below with the reason; today there is none.

Usage: origins.py BIBCONV
"""
import subprocess
import sys
import tempfile
import os

CASES = {
    # format: (input lines, expected diagnostics without the "FILE:" prefix)
    "bibtex": (
        ["% comment", "", "@comment{ignored text}", '@preamble{"x"}', "% another", "",
         "@article{k1,", "  title={T},", "  doi={bad}", "}", "junk text between entries",
         "@book{k2,", "  title = {T2", "  year = 2020,", "", "@misc{k3, doi={bad3}}", ""],
        ["7:1: error: record 'k1' (article-journal): malformed DOI 'bad'",
         "13:11: error: unterminated value: expected '}' before next entry "
         "(entry 'k2' from line 12 skipped)",
         "16:1: error: record 'k3' (document): malformed DOI 'bad3'"]),
    "ris": (
        ["", "some header line", "", "TY  - JOUR", "TI  - T", "DO  - bad", "ER  - ", "", "",
         "TY  - BOOK", "DO  - bad3", "ER  - ", ""],
        ["2:1: warning: expected 'TY  - ' to start a record, found 'some header line'",
         "4:1: error: record '(no key)' (article-journal): malformed DOI 'bad'",
         "10:1: error: record '(no key)' (book): malformed DOI 'bad3'"]),
    "csljson": (
        ["", "[", '  {"id": "a", "DOI": "bad"},', "", '  {"id": "b", "type": "nonsense",',
         '   "title": "x"},', '  {"id": "c", "DOI": "bad3"},', '  {"id": "d", "title": },',
         '  {"id": "e", "DOI": "bad5"}', "]", ""],
        ["3:1: error: record 'a' (no type): malformed DOI 'bad'",
         "5:3: warning: item: unknown type 'nonsense'",
         "7:1: error: record 'c' (no type): malformed DOI 'bad3'",
         "8:24: error: invalid JSON: unexpected token near '}'",
         "9:1: error: record 'e' (no type): malformed DOI 'bad5'"]),
    "csljsonl": (
        ["", '{"id": "a", "DOI": "bad"}', "   ", '  {"id": "b", "type": "nonsense"}',
         '{"id": "c", "title": ', '{"id": "d", "DOI": "bad4"}', ""],
        ["2:1: error: record 'a' (no type): malformed DOI 'bad'",
         "4:3: warning: item: unknown type 'nonsense'",
         "5:21: error: invalid JSON: unexpected token near end of file",
         "6:1: error: record 'd' (no type): malformed DOI 'bad4'"]),
    "yaml": (
        ["# comment", "", "---", "references:", "# c", "- id: a", "  DOI: bad", "",
         "-   id: b", "    type: nonsense", "- id: c", "  title: [1, 2", "- id: d",
         "  DOI: bad4", "...", ""],
        ["6:1: error: record 'a' (no type): malformed DOI 'bad'",
         "9:5: warning: item: unknown type 'nonsense'",
         "13:5: error: invalid YAML: did not find expected ',' or ']'",
         "11:3: note: item skipped; reading resumes at line 13",
         "13:1: error: record 'd' (no type): malformed DOI 'bad4'"]),
}
# biblatex reads the BibTeX input through the same reader
CASES["biblatex"] = CASES["bibtex"]

# (format, variant) -> why the reader is known to be wrong there
XFAIL = {}


def diags(stderr, name):
    """The positioned diagnostics of one input, prefix removed."""
    out = []
    for line in stderr.decode("utf-8", "replace").splitlines():
        if line.startswith(name + ":") and "missing required field" not in line:
            out.append(line[len(name) + 1:])
    return out


def matches(got, want):
    return len(got) >= len(want) and all(any(g.startswith(w) for g in got) for w in want)


def main():
    exe = sys.argv[1]
    failures = unexpected = 0
    with tempfile.TemporaryDirectory() as tmp:
        for fmt, (lines, want) in sorted(CASES.items()):
            for eol_name, eol in (("LF", "\n"), ("CRLF", "\r\n")):
                for bom in (False, True):
                    variant = "%s%s" % (eol_name, "+BOM" if bom else "")
                    path = os.path.join(tmp, "in-%s-%s" % (fmt, variant.replace("+", "-")))
                    with open(path, "wb") as f:
                        f.write((b"\xef\xbb\xbf" if bom else b"") + eol.join(lines).encode())
                    chk = subprocess.run([exe, "check", "-f", fmt, path], capture_output=True)
                    got = diags(chk.stderr, path)
                    ok = matches(got, want)
                    # a conversion reports the reader's diagnostics at the same places
                    conv = subprocess.run([exe, "-f", fmt, "-t", "csljson", "--no-progress", path],
                                          capture_output=True)
                    reader_diags = [g for g in got if ": record '" not in g]
                    ok = ok and diags(conv.stderr, path) == reader_diags
                    xf = XFAIL.get((fmt, variant))
                    if ok and not xf:
                        print("ok   %s %s" % (fmt, variant))
                    elif not ok and xf:
                        print("xfail %s %s (%s)" % (fmt, variant, xf))
                    elif ok and xf:
                        print("UNEXPECTED PASS %s %s: remove it from XFAIL" % (fmt, variant))
                        unexpected += 1
                    else:
                        print("FAIL %s %s\n  want: %s\n  got:  %s\n  convert: %s"
                              % (fmt, variant, want, got, diags(conv.stderr, path)))
                        failures += 1
    return 1 if failures or unexpected else 0


if __name__ == "__main__":
    sys.exit(main())
