# SPDX-License-Identifier: MIT
"""Corpus files in batches: one bibconv process for many files.

A process start (the loader opens every plugin) costs more CPU than
converting a typical corpus file, so the corpus tests convert many files
per process: bibconv reads its FILEs in order into one output, and the
test splits a CSL-JSON result back per file by the files' item counts.

The per-file check stays the test's verdict: a batch only counts when every
check passes for every file of it; otherwise (an exit status, a count or a
value differs) its files are run one by one, as before, so a failure is
reported and located exactly as without batching.

Ids: the command makes ids unique across its whole output (-O keys=auto),
which would rename the ids a file shares with another of its batch (most
CSL test files have "ITEM-1"). Batches therefore run with KEEP (-O
keys=keep), which writes each id as it is; for a file whose ids are all
present and distinct that is exactly what keys=auto does with it alone. A
file with a repeated or missing id (auto renames or generates one) is run
alone.
"""

import json

BATCH = 50
KEEP = ["-O", "keys=keep"]


def id_set(items):
    """The case-folded ids of a list of CSL items, or None when one is
    missing, not a string or number, or repeated."""
    seen = set()
    for x in items:
        i = x.get("id") if isinstance(x, dict) else None
        if isinstance(i, bool) or not isinstance(i, (str, int)) or str(i) == "":
            return None
        k = str(i).casefold()
        if k in seen:
            return None
        seen.add(k)
    return seen


def key_suffix(n):
    """The n-th suffix of core's key rule (bib_key_suffix): a..z, aa, ab..."""
    out = ""
    n += 1
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(97 + r) + out
    return out


def writers_ids(items):
    """Sets each item's id (in place) to the one the CSL writers give it:
    an id an earlier item has gets the first free suffix (bib_key_unique,
    "ITEM-4" -> "ITEM-4a"), as the BibTeX writers give a repeated key."""
    used = set()
    for x in items:
        i = x.get("id")
        if isinstance(i, bool) or not isinstance(i, (str, int)) or str(i) == "":
            continue
        k = str(i)
        if k in used:
            n = 0
            while k + key_suffix(n) in used:
                n += 1
            k += key_suffix(n)
            x["id"] = k
        used.add(k)
    return items


DATE_VARS = ("accessed", "available-date", "event-date", "issued", "original-date",
             "submitted")


CASED = ("DOI", "ISBN", "ISSN", "PMCID", "PMID", "URL")


def writers_spelling(items):
    """writers_dates, and a key that is one of CSL's upper-case variables
    in another case ("url", which the readers take for URL) under CSL's
    name, as the CSL writers give it (cslitem_json.c, csl_key); a number
    under `version` or `section` as its text (cslitem_int.h, cslitem_number_as_json)."""
    for x in items:
        for k in [k for k in x if k not in CASED and k.upper() in CASED]:
            if k.upper() not in x:
                x[k.upper()] = x.pop(k)
        # the number variables the schema types as a string alone
        for k in ("version", "section"):
            if isinstance(x.get(k), int) and not isinstance(x.get(k), bool):
                x[k] = str(x[k])
    return writers_dates(items)


def writers_dates(items):
    """Sets each item's dates (in place) as the CSL writers spell them for
    citeproc (cslitem_json.c): a date given as a list of one date object
    is that object, and a date-parts member that is an integer spelt as a
    string citeproc cannot read ("-1": anything but digits alone) is that
    integer; digits alone ("2020") and blank strings stay."""
    def part(v):
        if not isinstance(v, str) or v.isdigit() or not v.strip(" "):
            return v
        try:
            return int(v.rstrip(" "), 10) if v.lstrip()[:1] in "+-0123456789" else v
        except ValueError:
            return v
    for x in items:
        for k in DATE_VARS:
            d = x.get(k)
            if (isinstance(d, list) and len(d) == 1 and isinstance(d[0], dict) and
                    any(m in d[0] for m in ("date-parts", "literal", "raw"))):
                d = x[k] = dict(d[0])
            if isinstance(d, dict) and isinstance(d.get("date-parts"), list):
                d = x[k] = dict(d)
                d["date-parts"] = [[part(v) for v in a] if isinstance(a, list) else a
                                   for a in d["date-parts"]]
    return items


def json_jobs(files, accept):
    """The (path, document) jobs, with their id sets, of the files that
    parse as UTF-8 JSON and whose document accept(doc) takes."""
    jobs = []
    for path in files:
        try:
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        except (ValueError, UnicodeDecodeError):
            continue
        if accept(doc):
            jobs.append(((path, doc), id_set(doc)))
    return jobs


def pack(entries, size=BATCH):
    """entries: (thing, ids) pairs, ids as id_set gives them (None: run
    alone). Yields lists of at most size things, in input order."""
    cur = []
    for thing, ids in entries:
        if ids is None:
            if cur:
                yield cur
                cur = []
            yield [thing]
            continue
        if len(cur) >= size:
            yield cur
            cur = []
        cur.append(thing)
    if cur:
        yield cur


def split(items, counts):
    """items cut into consecutive runs of the given lengths, or None when
    the total differs."""
    if not isinstance(items, list) or len(items) != sum(counts):
        return None
    out, at = [], 0
    for n in counts:
        out.append(items[at:at + n])
        at += n
    return out


def run_batched(entries, check_batch, check_one, size=BATCH):
    """For each batch of pack(entries): check_batch(batch) returns True when
    every file of it passed every check (it must then have counted them, and
    must not report anything otherwise); else check_one(thing) runs for each
    file. A batch of one goes to check_one directly. Returns a line saying
    how many files passed in batches and how many were run alone."""
    together = alone = 0
    for batch in pack(entries, size):
        if len(batch) > 1 and check_batch(batch):
            together += len(batch)
            continue
        for thing in batch:
            check_one(thing)
            alone += 1
    return "batches: %d files checked together, %d one by one" % (together, alone)
