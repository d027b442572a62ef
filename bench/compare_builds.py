#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Byte-identical check of two builds, for speed work: every corpus file
(and any files named after --) converted by both to each target format must
give the same output, diagnostics and exit status. Files go in batches of
64 through one command; a differing batch is split down to the files,
which are printed. Build the reference from the commit before the change
(git worktree add --detach ../ref HEAD; meson setup ../ref/build-release
--buildtype=release; ninja -C ../ref/build-release).

    python3 bench/compare_builds.py REF_BUILD NEW_BUILD [--shared DIR]
        [--to csljson,bibtex,...] [-- FILE...]
"""
import argparse
import glob
import os
import subprocess
import sys


def env_for(build):
    dirs = sorted(glob.glob(os.path.join(build, "plugins", "*")))
    return dict(os.environ, BIBCONV_PLUGIN_PATH=":".join(d for d in dirs if os.path.isdir(d)))


def main():
    argv = sys.argv[1:]
    extra = []
    if "--" in argv:
        extra = argv[argv.index("--") + 1:]
        argv = argv[:argv.index("--")]
    ap = argparse.ArgumentParser()
    ap.add_argument("ref")
    ap.add_argument("new")
    ap.add_argument("--shared", default=os.environ.get("BIBCONV_SHARED", os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared")))
    ap.add_argument("--to", default="csljson,csljsonl,bibtex,biblatex,ris,yaml")
    a = ap.parse_args(argv)
    exts = ("bib", "json", "jsonl", "ndjson", "ris", "yaml", "yml")
    files = sorted(f for e in exts for f in glob.glob(
        os.path.join(a.shared, "corpus", "**", "*." + e), recursive=True)) + extra
    builds = [os.path.abspath(b) for b in (a.ref, a.new)]  # the plugin path wants them so
    tools = [(os.path.join(b, "core", "cli", "bibconv"), env_for(b)) for b in builds]

    def run(tool, target, batch):
        exe, env = tool
        p = subprocess.run([exe, "--no-progress", "-t", target] + batch, capture_output=True,
                           stdin=subprocess.DEVNULL, env=env)
        return p.returncode, p.stdout, p.stderr

    bad = []
    n = 0
    for target in a.to.split(","):
        todo = [files[i:i + 64] for i in range(0, len(files), 64)]
        while todo:
            batch = todo.pop()
            if run(tools[0], target, batch) == run(tools[1], target, batch):
                n += len(batch)
            elif len(batch) == 1:
                bad.append("%s -t %s" % (batch[0], target))
                n += 1
            else:
                todo += [batch[:len(batch) // 2], batch[len(batch) // 2:]]
    for b in bad:
        print("DIFFERS: " + b)
    print("%d file conversions compared, %d differ" % (n, len(bad)))
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
