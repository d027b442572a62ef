#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Hostile saved pages, generated from the HTML test pages: bytes that are
not UTF-8 in a page read as UTF-8 (in a <meta> attribute and in the text)
are read as Windows-1252 with one warning and every record kept; elements
nested far deeper than any real page (300 to 100,000 levels) lose no
text; a page without any text, and one whose text is no page, exit 1 with
an error. No crash, no silent empty result."""
import os
import subprocess
import sys
import tempfile

build = os.environ["BIBCONV_BUILDDIR"]
src = os.environ["BIBCONV_SRCDIR"]
bib = os.path.join(build, "core", "cli", "bibconv")
html = os.path.join(src, "tests", "page", "html")
fails = 0


def run(path):
    p = subprocess.run([bib, "-f", "page", "-t", "csljson", path], capture_output=True,
                       check=False)
    return p.returncode, p.stdout, p.stderr.decode("utf-8", "replace")


def check(name, ok, detail=""):
    global fails
    print(("ok   " if ok else "FAIL ") + name + ("" if ok else ": " + detail))
    fails += not ok


with tempfile.TemporaryDirectory() as tmp:
    profile = os.path.join(html, "profile-fr-collaborator.html")
    data = open(profile, "rb").read()
    _, want, _ = run(profile)
    # one stray Latin-1 byte (and a C1 one) in a meta attribute of the head
    at = data.index(b"<head>") + len(b"<head>")
    bad = data[:at] + b'\n<meta name="description" content="caf\xe9 \x93x">' + data[at:]
    path = os.path.join(tmp, "badmeta.html")
    open(path, "wb").write(bad)
    rc, out, err = run(path)
    check("meta-byte", rc == 0 and out == want
          and "badmeta.html:4:38: warning: 2 bytes not UTF-8 (the first 0xE9) read as "
              "Windows-1252" in err, "exit %d\n%s" % (rc, err))
    # a stray byte inside a record's text is read as the character it was
    topic = os.path.join(html, "topic.html")
    tdata = open(topic, "rb").read()
    _, twant, _ = run(topic)
    text = twant.decode("utf-8")
    words = [w for w in text.split('"title": "')[1:]]
    first = words[0].split('"')[0].encode("utf-8")
    at = tdata.index(first)
    bad = tdata[:at] + b"Caf\xe9 " + tdata[at:]
    path = os.path.join(tmp, "badtext.html")
    open(path, "wb").write(bad)
    rc, out, err = run(path)
    check("text-byte", rc == 0 and ('"title": "Caf\u00e9 ' + first.decode("utf-8")).encode(
        "utf-8") in out and "warning: 1 byte not UTF-8" in err, "exit %d\n%s" % (rc, err))
    # deep nesting: the text below every level is read
    s = tdata.decode("utf-8")
    i, j = s.index("<body>") + 6, s.index("</body>")
    for depth in (300, 5000, 100000):
        path = os.path.join(tmp, "deep%d.html" % depth)
        open(path, "w", encoding="utf-8").write(
            s[:i] + "<div><span>" * depth + s[i:j] + "</span></div>" * depth + s[j:])
        rc, out, err = run(path)
        check("deep-%d" % depth, rc == 0 and out == twant and not err,
              "exit %d, %d bytes out\n%s" % (rc, len(out), err[:300]))
    # nothing to read
    path = os.path.join(tmp, "empty.html")
    open(path, "w").write("<!DOCTYPE html><html><head><title>x</title></head><body>"
                          "<script>var a = 1;</script></body></html>")
    rc, out, err = run(path)
    check("no-text", rc == 1 and "empty.html:1:1: error: no text found in the HTML page" in err,
          "exit %d\n%s" % (rc, err))
    path = os.path.join(tmp, "other.html")
    open(path, "w").write("<html><body><p>Opening hours</p><p>Monday to Friday</p></body>"
                          "</html>")
    rc, out, err = run(path)
    check("no-page", rc == 1 and "other.html:1:1: error: expected a publication-list page" in err,
          "exit %d\n%s" % (rc, err))
sys.exit(1 if fails else 0)
