#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Regenerates plugins/page/page_model_table.c (ninja -C build train-page):
generates the training pages (seed TRAIN_SEED) and the validation pages
(seed VALID_SEED, other records) with tools/page_gen.py, trains with the
built page_train and prints its validation score. With --truth-dir DIR
the validation pages are also written there with answer keys for the
project's score tool.

usage: page_train_run.py PAGE_TRAIN SRCDIR [--truth-dir DIR]
"""
import os
import subprocess
import sys
import tempfile

TRAIN_SEED, VALID_SEED, TRAIN_PAGES, VALID_PAGES, EPOCHS = 1, 2, 7200, 600, 15
# The inputs whose hash the table records (order matters).
INPUTS = ["tools/data/corpus-records.jsonl", "tools/page_gen.py", "tools/page_train_run.py",
          "tools/page_train.c", "plugins/page/page_model.c", "plugins/page/page_model.h",
          # the line features (page_text.c) and core's name model feed the
          # page model: a change to either makes the table stale
          "plugins/page/page_text.c", "core/namemodel.c", "core/name_model_table.c"]


def main():
    exe, src = sys.argv[1], sys.argv[2]
    truth = sys.argv[sys.argv.index("--truth-dir") + 1] if "--truth-dir" in sys.argv else None
    gen = os.path.join(src, "tools", "page_gen.py")
    with tempfile.TemporaryDirectory() as tmp:
        tr, va = os.path.join(tmp, "train.txt"), os.path.join(tmp, "valid.txt")
        subprocess.run([sys.executable, gen, "--set", "train", "--seed", str(TRAIN_SEED),
                        "--pages", str(TRAIN_PAGES), "--out", tr], check=True)
        cmd = [sys.executable, gen, "--set", "valid", "--seed", str(VALID_SEED),
               "--pages", str(VALID_PAGES), "--out", va]
        subprocess.run(cmd + (["--truth-dir", truth] if truth else []), check=True)
        subprocess.run([exe, "--train", tr, "--valid", va, "--seed", str(TRAIN_SEED),
                        "--epochs", str(EPOCHS),
                        "--out", os.path.join(src, "plugins", "page", "page_model_table.c"),
                        "--inputs"] + [os.path.join(src, p) for p in INPUTS], check=True)


if __name__ == "__main__":
    main()
