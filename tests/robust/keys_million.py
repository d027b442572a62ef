#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""-O keys=auto past the key set's memory tier: 1,000,001 generated RIS
records whose last one repeats the key k999999 come out with 1,000,001
distinct keys (the repeat as k999999a), exit 0, in under 64 MB (measured by
/usr/bin/time when present). Before, keys past 786,000 were no longer made
unique and k999999 was written twice."""
import collections, os, subprocess, sys, tempfile

build = os.environ["BIBCONV_BUILDDIR"]
exe = os.path.join(build, "core", "cli", "bibconv")
# under a sanitizer (argument: meson's b_sanitize) peak memory is not ours
sanitized = len(sys.argv) > 1 and sys.argv[1] not in ("", "none")
N = 1000001
with tempfile.TemporaryDirectory(prefix="bibconv-keys-") as tmp:
    src = os.path.join(tmp, "many.ris")
    with open(src, "w") as f:
        f.writelines("TY  - JOUR\nID  - k%d\nTI  - T\nER  - \n\n" % min(i, N - 2)
                     for i in range(N))
    out = os.path.join(tmp, "out.ris")
    rfile = os.path.join(tmp, "rss")
    time = ["/usr/bin/time", "-f", "%M", "-o", rfile] if os.access("/usr/bin/time", os.X_OK) and not sanitized else []
    p = subprocess.run(time + [exe, "-f", "ris", "-t", "ris", "-O", "keys=auto", "-o", out, src],
                       capture_output=True)
    rss = int(open(rfile).read().split()[-1]) / 1024 if time else 0
    ids = collections.Counter()
    with open(out) as f:
        for line in f:
            if line.startswith("ID  - "):
                ids[line[6:].strip()] += 1
    dups = [k for k, n in ids.items() if n > 1]
    fails = []
    if p.returncode != 0:
        fails.append("exit %d: %s" % (p.returncode, p.stderr[-300:]))
    if sum(ids.values()) != N or dups:
        fails.append("%d keys written, %d distinct, duplicates %s" % (sum(ids.values()), len(ids), dups[:5]))
    if "k999999a" not in ids:
        fails.append("the repeated key was not suffixed")
    if rss >= 64:
        fails.append("peak RSS %.1f MB" % rss)
    print("%d records, %d distinct keys, peak %.1f MB" % (sum(ids.values()), len(ids), rss))
    for m in fails:
        print("FAIL " + m)
    sys.exit(1 if fails else 0)
