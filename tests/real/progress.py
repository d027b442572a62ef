#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The progress bar: drawn on stderr when it is a terminal and the run lasts
over a second (input trickled in through a pipe for about two seconds),
erased at the end; never when stderr is a pipe, never with --no-progress."""
import os, pty, select, subprocess, sys, threading, time

exe = os.path.join(os.environ["BIBCONV_BUILDDIR"], "core", "cli", "bibconv")
line = b'{"id":"k%d","type":"book","title":"A title"}\n'


def run(args, tty):
    if tty:
        master, slave = pty.openpty()
        err = slave
    else:
        err = subprocess.PIPE
    p = subprocess.Popen([exe, "-f", "csljsonl", "-t", "csljsonl"] + args, stdin=subprocess.PIPE,
                         stdout=subprocess.DEVNULL, stderr=err)
    def feed():
        n = 0
        for _ in range(22):  # ~2.2 s, 256 records per step
            p.stdin.write(b"".join(line % (n + i) for i in range(256)))
            p.stdin.flush()
            n += 256
            time.sleep(0.1)
        p.stdin.close()
    th = threading.Thread(target=feed)
    th.start()
    got = b""
    if tty:
        os.close(slave)
        while True:
            r, _, _ = select.select([master], [], [], 10)
            if not r:
                break
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the child closed its end
                break
            if not chunk:
                break
            got += chunk
        os.close(master)
    else:
        got = p.stderr.read()
    th.join()
    p.wait()
    return p.returncode, got


fails = 0
rc, out = run([], True)
ok = rc == 0 and b"records" in out and b"MiB/s" in out and out.endswith(b"\r\033[K")
print("%s progress on a terminal: %r" % ("ok  " if ok else "FAIL", out[-120:]))
fails += not ok
rc, out = run([], False)
ok = rc == 0 and out == b""
print("%s nothing when stderr is a pipe: %r" % ("ok  " if ok else "FAIL", out[:120]))
fails += not ok
rc, out = run(["--no-progress"], True)
ok = rc == 0 and b"records" not in out
print("%s nothing with --no-progress: %r" % ("ok  " if ok else "FAIL", out[:120]))
fails += not ok
sys.exit(1 if fails else 0)
