#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Hostile and malformed EndNote XML and MODS (issue 16, security): each
case gives its diagnostic (file:line:col: error or warning), keeps the
records it should, never crashes (a signal or an exit above 1 fails), and
stays under 64 MB of peak RSS. An external entity is never expanded: the
secret file's content must not appear in the output. Inputs are generated
here, not stored.
"""
import atexit, os, shutil
import re
import resource
import subprocess
import sys
import tempfile

build = os.environ.get("BIBCONV_BUILDDIR", "")
exe = os.path.join(build, "core", "cli", "bibconv")
BOUND_KB = 64 * 1024
MODS_NS = 'xmlns="http://www.loc.gov/mods/v3"'


def mods(*titles, doctype=""):
    body = "".join(f"<mods><titleInfo><title>{t}</title></titleInfo></mods>\n" for t in titles)
    return f'<?xml version="1.0"?>\n{doctype}<modsCollection {MODS_NS}>\n{body}</modsCollection>\n'


def endnote(*titles, doctype=""):
    body = "".join(f'<record><ref-type name="Book">6</ref-type><titles><title>'
                   f'<style face="normal">{t}</style></title></titles></record>\n' for t in titles)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{doctype}<xml><records>\n{body}</records></xml>\n'


def laughs(root):
    ents = ['<!ENTITY lol "lol">'] + [
        f'<!ENTITY lol{i} "' + (f"&lol{i-1};" if i > 1 else "&lol;") * 10 + '">'
        for i in range(1, 10)]
    return f"<!DOCTYPE {root} [\n" + "\n".join(ents) + "\n]>\n"


secret_dir = tempfile.mkdtemp()
atexit.register(shutil.rmtree, secret_dir, True)  # left in /tmp by every run before
secret = os.path.join(secret_dir, "secret.txt")
with open(secret, "w") as f:
    f.write("TOPSECRET-XXE-CONTENT\n")
xxe = lambda root: (f'<!DOCTYPE {root} [\n<!ENTITY xxe SYSTEM "file://{secret}">\n'
                    f'<!ENTITY % pe SYSTEM "file://{secret}">\n]>\n')
deep = "<a>" * 100000 + "</a>" * 100000

cases = [
    # name, format, bytes, expected records (None: do not check), exit, regex
    ("billion-laughs-mods", "mods", mods("ok1", "&lol9;", "ok2", doctype=laughs("modsCollection")),
     None, 1, r"in\.xml:\d+:\d+: error: invalid XML: Detected an entity reference loop"),
    ("billion-laughs-endnote", "endnotexml",
     endnote("ok1", "&lol9;", doctype=laughs("xml")), None, 1,
     r"in\.xml:\d+:\d+: error: invalid XML: Detected an entity reference loop"),
    ("xxe-mods", "mods", mods("a &xxe; b", doctype=xxe("modsCollection")), 1, 0,
     r"in\.xml:\d+: warning: an entity reference is kept as written"),
    ("xxe-endnote", "endnotexml", endnote("a &xxe; b", doctype=xxe("xml")), 1, 0,
     r"in\.xml:\d+: warning: an entity reference is kept as written"),
    ("internal-entity", "mods",
     mods("a &co; b &amp; &#233;", doctype='<!DOCTYPE modsCollection [<!ENTITY co "Co">]>\n'),
     1, 0, r"warning: an entity reference is kept as written"),
    ("external-dtd", "mods",
     mods("x", doctype='<!DOCTYPE modsCollection SYSTEM "http://127.0.0.1:9/x.dtd">\n'),
     1, 0, None),
    ("deep-nesting", "mods",
     mods("ok").replace("</modsCollection>", f"<mods>{deep}</mods></modsCollection>"),
     1, 1, r"in\.xml:\d+:\d+: error: invalid XML: Excessive depth in document"),
    ("truncated", "endnotexml", endnote("ok1", "ok2")[:-40], None, 1,
     r"in\.xml:\d+:\d+: error: invalid XML: "),
    ("not-utf8", "mods", mods("caf\udce9"), 0, 1,
     r"in\.xml:3:\d+: error: invalid XML: Input is not proper UTF-8"),
    ("wrong-root", "mods", "<html><body>x</body></html>\n", 0, 1,
     r"in\.xml:1: error: the root element <html> is not one of"),
    ("empty", "endnotexml", "", 0, 1, r"error: "),
    ("huge-text-bound", "mods", mods("ok", "x" * 2000000, "ok2"), 2, 1,
     r"error: an element's text longer than 1 MiB"),
    ("control-char-ref", "mods", mods("a&#1;b"), None, 1, r"in\.xml:3:\d+: error: invalid XML"),
    # past libxml2's 10,000,000-byte text node: ours to bound (--max-value)
    ("text-past-10MB", "mods", mods("ok", "abcdefghi " * 1010000, "ok2"), 3, 0, None),
    # libxml2's push parser takes CDATA 300 bytes a call: the reader
    # drains it (a 190 KB section used to pile up past its look-up limit)
    ("cdata-long", "mods", mods("ok", "<![CDATA[" + "a<b& " * 2200000 + "]]>", "ok2"), 3, 0,
     None),
    ("text-past-bound-col", "mods", mods("ok", "x" * 1100000, "ok2"), 2, 1,
     r"in\.xml:4:\d+: error: an element's text longer than 1 MiB"),
    ("record-past-bound", "mods",
     mods("ok", "</title><title>".join(["y" * 300000] * 4), "ok2"), 2, 1,
     r"in\.xml:4:\d+: error: a record's elements and text longer than 1 MiB"),
    # bytes that are not the declared encoding: libxml2 says so only on
    # its generic channel, which must come out as our diagnostic
    ("bad-declared-encoding", "mods",
     mods("ok1", "a\udc81\udca0\udcfd b").replace('<?xml version="1.0"?>',
                                                  '<?xml version="1.0" encoding="Shift_JIS"?>'),
     None, 1, r"in\.xml:\d+:\d+: error: invalid XML in a record: input conversion failed"),
    # the old reader's look-ahead lost the records just before an error
    ("record-before-error", "mods", mods("ok1", "ok2", "&undefined;"), 2, 1,
     r"in\.xml:5:\d+: error: invalid XML: Entity 'undefined' not defined"),
]


# under a sanitizer (argument: meson's b_sanitize) peak memory is not ours
sanitized = len(sys.argv) > 1 and sys.argv[1] not in ("", "none")
TIME = "/usr/bin/time"


def run(fmt, data, extra=()):
    """The run and its peak RSS in kB: GNU time's when there is one (a
    child forked by Python inherits Python's peak, which the large inputs
    raise), else the children's maximum."""
    path = os.path.join(secret_dir, "in.xml")
    with open(path, "wb") as f:
        f.write(data.encode("utf-8", "surrogateescape"))
    rfile = os.path.join(secret_dir, "rss")
    timed = os.access(TIME, os.X_OK)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    p = subprocess.run(([TIME, "-f", "%M", "-o", rfile] if timed else []) +
                       [exe, "-f", fmt, "-t", "csljson", *extra, path],
                       capture_output=True, timeout=120)
    if sanitized:
        return p, 0
    if timed:
        try:
            return p, int(open(rfile).read().split()[-1])
        except (OSError, ValueError, IndexError):
            pass
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return p, max(before, after)


failed = 0
for name, fmt, data, nrec, code, regex in cases:
    extra = ["--max-value=1M"] if name in ("huge-text-bound", "text-past-bound-col",
                                           "record-past-bound") else []
    p, rss = run(fmt, data, extra)
    out = p.stdout.decode(errors="replace")
    err = p.stderr.decode(errors="replace")
    problems = []
    if p.returncode != code:
        problems.append(f"exit {p.returncode}, expected {code}")
    if regex and not re.search(regex, err):
        problems.append(f"no diagnostic matching {regex!r}")
    if nrec is not None and out.count('"title"') != nrec:
        problems.append(f"{out.count(chr(34) + 'title' + chr(34))} records, expected {nrec}")
    # every line of stderr is ours: file:line[:col]: severity, or the run's summary
    stray = [l for l in err.splitlines()
             if l and not re.match(r"(\S*in\.xml(:\d+)*: (error|warning|note)|bibconv: )", l)]
    if stray:
        problems.append(f"stderr line not a diagnostic: {stray[0]!r}")
    if "TOPSECRET" in out or "TOPSECRET" in err:
        problems.append("the external entity was expanded")
    if "lollollol" in out:
        problems.append("an entity was expanded")
    if rss > BOUND_KB:
        problems.append(f"peak RSS {rss} kB over {BOUND_KB} kB")
    if problems:
        failed += 1
        print(f"FAIL {name}: {'; '.join(problems)}\n{err[:600]}")
    else:
        print(f"ok   {name} (peak RSS {rss // 1024} MB)")
sys.exit(1 if failed else 0)
