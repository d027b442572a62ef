#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Peak memory of one huge value (issue 18: "a single value larger than
64 MB needs at most 2x its size"). For each reader (BibTeX, RIS,
CSL-JSON) it writes a file holding one record whose abstract is MB
megabytes of plain text, converts it with --max-value raised past it to
CSL-JSON and back to the input's format (RIS, MEDLINE, WoS and YAML too,
with the value as a title, an id or under a key outside CSL), and prints the peak RSS (GNU
time's %M) and its ratio to the value's size. CSL-JSON also holds the
huge value as a name part, as an id, and in an item the streaming reader
hands whole to jansson (a real number in it), and as the title of an item
without an id, whose key is made from it. Not a test: it prints.

    bench/hugevalue/bench.py BUILD_DIR [MB]      (MB: 200 by default)
"""
import os, subprocess, sys, tempfile

build = sys.argv[1] if len(sys.argv) > 1 else "build"
mb = int(sys.argv[2]) if len(sys.argv) > 2 else 200
exe = os.path.join(build, "core", "cli", "bibconv")
TIME = "/usr/bin/time"
if not os.access(TIME, os.X_OK):
    sys.exit("needs GNU time (%s, Debian package 'time')" % TIME)
size = mb * 1000 * 1000
value = b"abcdefghi " * (size // 10)
files = {  # case: (reader format, text before the value, text after it)
    "bibtex": ("bibtex", b"@article{a, title={T}, abstract={", b"}}\n@article{b, title={ok}}\n"),
    "ris": ("ris", b"TY  - JOUR\nTI  - T\nAB  - ", b"\nER  - \n"),
    "csljson": ("csljson", b'[{"id":"a","title":"T","abstract":"', b'"}]\n'),
    "cj-name": ("csljson", b'[{"id":"a","title":"T","author":[{"family":"', b'"}]}]\n'),
    "cj-id": ("csljson", b'[{"title":"T","id":"', b'"}]\n'),
    "cj-whole": ("csljson", b'[{"id":"a","volume":1.5,"title":"T","abstract":"', b'"}]\n'),
    # keyless: the key (keys=auto) is made from the title
    "cj-keyless": ("csljson", b'[{"title":"', b'"}]\n'),
    "ris-title": ("ris", b"TY  - JOUR\nID  - k\nTI  - ", b"\nER  - \n"),
    "ris-id": ("ris", b"TY  - JOUR\nTI  - T\nID  - ", b"\nER  - \n"),
    "nbib": ("nbib", b"PMID- 1\nTI  - ", b"\nAB  - x\n\n"),
    "wos": ("wos", b"FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nTI ", b"\nER\n\nEF\n"),
    "yaml": ("yaml", b'- id: a\n  title: T\n  abstract: "', b'"\n'),
    # a key outside CSL: kept as an extra (its JSON text)
    "yaml-unknown": ("yaml", b'- id: a\n  title: T\n  foo: "', b'"\n'),
}
tmp = tempfile.mkdtemp(prefix="bibconv-huge-")
print("value %d MB, --max-value=%dM" % (mb, mb + 100))
print("%-8s %-8s %10s %7s %8s" % ("from", "to", "peak MB", "ratio", "cpu s"))
try:
    for case, (fmt, head, tail) in files.items():
        path = os.path.join(tmp, "huge." + fmt)
        with open(path, "wb") as f:
            f.write(head + value + tail)
        for to in ("csljson", fmt) if fmt != "csljson" else ("csljson", "bibtex"):
            rfile = os.path.join(tmp, "rss")
            with open(os.devnull, "wb") as null:
                p = subprocess.run([TIME, "-f", "%M %U %S", "-o", rfile, exe,
                                    "--max-value=%dM" % (mb + 100), "-f", fmt, "-t", to, path],
                                   stdout=null, stderr=subprocess.PIPE)
            kb, usr, sys_ = open(rfile).read().split()[-3:]
            secs = "%.2f" % (float(usr) + float(sys_))  # CPU time: the machine is shared
            peak = int(kb) / 1000
            print("%-8s %-8s %10.0f %6.2fx %8s%s" % (case, to, peak, peak / mb, secs,
                                                    "" if p.returncode == 0 else
                                                    "  (exit %d)" % p.returncode))
        os.unlink(path)
finally:
    for n in os.listdir(tmp):
        os.unlink(os.path.join(tmp, n))
    os.rmdir(tmp)
