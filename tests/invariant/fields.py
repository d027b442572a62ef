# SPDX-License-Identifier: MIT
"""The field half of the no-silent-loss invariant (invariant.py runs it):
every field of an input record either arrives in the output record or a
diagnostic names it.

The fields are counted here, without the reader: per record, the field
names of a BibTeX or BibLaTeX entry, the tags of a RIS or MEDLINE record
(non-empty values), the keys of a CSL-JSON, JSON Lines or CSL-YAML item,
the element paths with text of an EndNote or MODS record (a MODS value
arrives when its words do: name parts are split and joined on the way).
The output is the same format (bibtex -> bibtex, ris -> ris, ...), so the
names compare directly (a RIS or MEDLINE tag also arrives when its values
are in the output record under another tag); a
field the writer spells differently (a BibLaTeX name written in its
BibTeX spelling, `howpublished` holding a web address written as `url`)
arrives when a field of its group (GROUPS below, from docs/crosswalk.md's
tables) is in the output record. Records are paired by key (BibTeX), id
(CSL-JSON, YAML) or order (RIS, MEDLINE; JSON Lines: lost_fields_lines); a record without a partner has been
skipped, which the record half of the invariant covers. A diagnostic
names a field when its message holds the name as a word.

Exceptions that are not losses (a field the reader folds into another on
purpose, with the value kept) are listed, each with its reason, in
field-exceptions.txt next to this script.
"""
import json, os, re

try:
    import yaml
except ImportError:
    yaml = None

# ---- independent field counters ----------------------------------------------

ENTRY = re.compile(r"@\s*([A-Za-z][A-Za-z0-9_:-]*)\s*([{(])")
DIRECTIVES = ("string", "preamble", "comment", "xdata")


def split_top(body):
    """Splits an entry body at commas outside braces and quotes."""
    parts, depth, quote, cur = [], 0, False, []
    for ch in body:
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == '"' and depth == 0:
            quote = not quote
        if ch == "," and depth == 0 and not quote:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


def bibtex_records(text):
    """[(key, {field names})] of the entries (directives left out)."""
    out, i, n = [], 0, len(text)
    while True:
        m = ENTRY.search(text, i)
        if not m:
            return out
        kind, close = m.group(1).lower(), "}" if m.group(2) == "{" else ")"
        j, depth = m.end(), 0
        while j < n:
            ch = text[j]
            if ch == "{":
                depth += 1
            elif ch == "}":
                if depth == 0 and close == "}":
                    break
                depth -= 1
            elif ch == ")" and depth == 0 and close == ")":
                break
            elif ch == "\n" and ENTRY.match(text, j + 1) and depth > 0:
                break  # unclosed: the readers resynchronise at a line's '@'
            j += 1
        body = text[m.end():j]
        i = j + 1
        if kind in DIRECTIVES:
            continue
        parts = split_top(body)
        key = parts[0].strip().strip("\u00a0")
        names, values = set(), {}
        for p in parts[1:]:
            if "=" not in p:
                continue
            name, value = p.split("=", 1)
            name = name.strip(" \t\r\n\u00a0").lower()
            value = " ".join(value.split())
            if not re.fullmatch(r"[^\s{}\"#%'(),=\\]+", name) or value in ("", "{}", '""'):
                continue
            # two spellings of one value (issue = number = 19) are one field
            g = frozenset(group_of("bibtex", name)[1])
            if value in values.get(g, ()):
                continue
            values.setdefault(g, set()).add(value)
            names.add(name)
        out.append((key, names))


RIS_TAG = re.compile(r"^[ \t]*\ufeff?([A-Z][A-Z0-9])[ \t]{1,3}-(?:[ \t](.*)|$)")


def ris_values(text):
    """Per record, {tag: values}: a tag the writer spells otherwise for the
    record's type (M1 of a patent goes out as SN) arrives when its value
    does."""
    out, cur = [], None
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        m = RIS_TAG.match(line)
        if not m:
            continue
        tag, val = m.group(1), " ".join((m.group(2) or "").split())
        if tag == "TY" or (tag != "ER" and cur is None):
            cur = {}
            out.append(cur)
            if tag == "TY":
                continue
        if tag == "ER":
            cur = None
        elif val:
            cur.setdefault(tag, set()).add(val)
    return out


def ris_records(text):
    """[(index, {tags})]: the tags with a value, TY and ER left out."""
    out, cur = [], None
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        m = RIS_TAG.match(line)
        if not m:
            continue
        tag, val = m.group(1), (m.group(2) or "").strip()
        if tag == "TY" or (tag != "ER" and cur is None):
            cur = set()
            out.append((len(out), cur))
            if tag == "TY":
                continue
        if tag == "ER":
            cur = None
        elif val:
            cur.add(tag)
    return out


NBIB_TAG = re.compile(r"^([A-Z][A-Z0-9]{1,3}) *- ?(.*)$")


def nbib_values(text):
    """Per record of MEDLINE text (records apart by blank lines, a value
    continued on indented lines), {tag: values}."""
    out, cur, last = [], None, None
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if not line.strip():
            cur = last = None
            continue
        m = NBIB_TAG.match(line)
        if not m:
            if cur is not None and last is not None and line[:1] in (" ", "\t"):
                vals = cur[last[0]]
                vals.discard(last[1])
                last = (last[0], " ".join((last[1] + " " + line).split()))
                vals.add(last[1])
            continue
        if cur is None:
            cur = {}
            out.append(cur)
        tag, val = m.group(1), " ".join(m.group(2).split())
        if val:
            cur.setdefault(tag, set()).add(val)
            last = (tag, val)
        else:
            last = None
    return out


def nbib_records(text):
    """[(index, {tags})]: the tags with a value."""
    return [(k, set(r)) for k, r in enumerate(nbib_values(text))]


WOS_TAG = re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$")


def wos_values(text):
    """Per record of Web of Science text (PT ... ER; FN, VR and EF are the
    file's), {tag: values}: each line of a list tag (AU, AF, ...) is one
    value, a continued value is joined."""
    out, cur, last = [], None, None
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if line.startswith("   ") and cur is not None and last:
            v = " ".join(line.split())
            if v:
                cur.setdefault(last, set()).add(v)
            continue
        m = WOS_TAG.match(line)
        if not m:
            continue
        tag, val = m.group(1), " ".join((m.group(2) or "").split())
        if tag in ("FN", "VR", "EF"):
            continue
        if tag == "ER":
            cur = last = None
            continue
        if cur is None:
            cur = {}
            out.append(cur)
        last = tag
        if val:
            cur.setdefault(tag, set()).add(val)
    return out


def wos_records(text):
    return [(k, set(r)) for k, r in enumerate(wos_values(text))]


def endnote_values(text):
    """Per <record> of EndNote XML, {element path: texts} of the elements
    with text of their own (rec-number, the output's numbering, aside)."""
    import xml.etree.ElementTree as ET
    out = []
    for r in ET.fromstring(text).iter("record"):
        cur = {}

        def walk(e, path):
            for c in e:
                q = path + "/" + c.tag if path else c.tag
                t = " ".join("".join(c.itertext()).split()) if not len(c) else ""
                if t and q != "rec-number":
                    cur.setdefault(q, set()).add(t)
                walk(c, q)
        walk(r, "")
        out.append(cur)
    return out


def endnote_records(text):
    return [(k, set(r)) for k, r in enumerate(endnote_values(text))]


def mods_values(text):
    """Per <mods> record (namespace prefixes dropped), {element path: texts}
    of the elements with text of their own; a path names its attributes
    but for ID (a <name> is name[type=personal]/namePart[type=family])."""
    import xml.etree.ElementTree as ET
    out = []

    def local(tag):
        return tag.rsplit("}", 1)[-1]

    root = ET.fromstring(text)
    recs = [root] if local(root.tag) == "mods" else [e for e in root.iter()
                                                   if local(e.tag) == "mods"]
    for r in recs:
        cur = {}

        def walk(e, path):
            for c in e:
                if not isinstance(c.tag, str):
                    continue
                attrs = ",".join("%s=%s" % (local(k), v) for k, v in sorted(c.attrib.items())
                                 if local(k) != "ID")
                q = (path + "/" if path else "") + local(c.tag) + ("[%s]" % attrs if attrs else "")
                t = " ".join("".join(c.itertext()).split()) if not len(c) else ""
                if t:
                    cur.setdefault(q, set()).add(t)
                walk(c, q)
        walk(r, "")
        out.append(cur)
    return out


MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
          "september", "october", "november", "december")
EDTF = re.compile(r"^(\d{4})(?:-(\d\d))?(?:-(\d\d))?$")


def edtf_words(values):
    """The other spellings of the EDTF dates the MODS writer writes (a
    date or each end of a range): its digits run together (20021203) and
    its month's name and abbreviation (Jan. 2003), as a MODS input may
    have spelled it."""
    out = set()
    for v in values:
        for end in v.split("/"):
            m = EDTF.match(end.strip())
            if not m:
                continue
            out.add("".join(g for g in m.groups() if g))
            if m.group(2) and 1 <= int(m.group(2)) <= 12:
                name = MONTHS[int(m.group(2)) - 1]
                out.update((name, name[:3]))
    return out


def mods_records(text):
    return [(k, set(r)) for k, r in enumerate(mods_values(text))]


def item_records(items):
    out = []
    for k, it in enumerate(items):
        if isinstance(it, dict):
            key = it.get("id")
            names = {n for n, v in it.items() if v not in (None, "", [], {})}
            # what the CSL-JSON writer keeps under custom.csljson (a key the
            # schema lacks; docs/fidelity.md, "What the schema refuses") is
            # the item's own key, kept
            mine = it.get("custom", {}).get("csljson") if isinstance(it.get("custom"), dict) \
                else None
            if isinstance(mine, dict):
                names |= {n for n, v in mine.items() if v not in (None, "", [], {})}
            out.append((str(key) if key is not None else "#%d" % k, names))
    return out


def json_records(data):
    v = json.loads(data)
    return item_records(v if isinstance(v, list) else [v])


def yaml_records(text):
    items = []
    for d in yaml.safe_load_all(text):
        if isinstance(d, dict) and isinstance(d.get("references"), list):
            items += d["references"]
        elif isinstance(d, list):
            items += d
    return item_records(items)


# ---- renamed on the way: field groups (docs/crosswalk.md) ------------------------

# A group whose names are one value in different spellings ("one"): as
# many of them must come out as went in, else a diagnostic names the
# missing ones (an @article with both journal and booktitle has two
# container titles and BibTeX room for one). A group whose fields merge
# into one value ("merge": year + month -> date): one of them is enough.
GROUPS = {
    "bibtex": [
        ("one", {"journal", "journaltitle", "booktitle"}),
        ("one", {"organization", "institution", "school", "publisher"}),
        ("one", {"howpublished", "url"}),
        ("one", {"address", "location"}),
        ("merge", {"year", "month", "day", "date"}),
        ("one", {"number", "issue"}),
        ("one", {"annote", "annotation"}),
        ("one", {"archiveprefix", "eprinttype"}),
        ("one", {"primaryclass", "eprintclass"}),
        ("one", {"numpages", "pagetotal"}),
    ],
    "ris": [
        ("one", {"TI", "T1"}), ("merge", {"T2", "JF", "JO", "JA", "J1", "J2", "BT", "T3"}),
        ("merge", {"AU", "A1", "A2", "A3", "A4", "ED"}),
        ("merge", {"PY", "Y1", "DA", "Y2"}), ("merge", {"SP", "EP"}),
        ("merge", {"N1", "N2", "AB"}), ("one", {"DB", "DP"}), ("one", {"M1", "C7"}),
        ("merge", {"CY", "PP"}), ("merge", {"UR", "L1", "L2", "L4"}),
    ],
    # a key the readers take for one of CSL's upper-case variables ("url",
    # in pandoc's CSL-YAML) is written under CSL's name ("URL")
    # and CSL 1.0.2's names of three number variables the schema spells
    # without "-number" are written as the schema spells them
    "csljson": [("one", {v, v.lower()}) for v in ("URL", "DOI", "ISBN", "ISSN", "PMID", "PMCID")] +
               [("one", {v, v + "-number"}) for v in ("part", "printing", "supplement")],
    "yaml": [("one", {v, v.lower()}) for v in ("URL", "DOI", "ISBN", "ISSN", "PMID", "PMCID")],
    "nbib": [],
    "wos": [],
    "endnotexml": [],
    "mods": [],
}
GROUPS["biblatex"] = GROUPS["bibtex"]


def group_of(fmt, name):
    for kind, g in GROUPS[fmt]:
        if name in g:
            return kind, g
    return "one", {name}


def records(fmt, data):
    if fmt in ("bibtex", "biblatex"):
        return bibtex_records(data.decode("utf-8", "replace"))
    if fmt == "nbib":
        return nbib_records(data.decode("utf-8", "replace"))
    if fmt == "wos":
        return wos_records(data.decode("utf-8", "replace"))
    if fmt == "endnotexml":
        return endnote_records(data.decode("utf-8", "replace"))
    if fmt == "mods":
        return mods_records(data.decode("utf-8", "replace"))
    if fmt == "ris":
        return ris_records(data.decode("utf-8", "replace"))
    if fmt == "csljson":
        return json_records(data.decode("utf-8-sig"))
    if fmt == "yaml":
        return yaml_records(data.decode("utf-8", "replace"))
    return None


def pair(ins, outs, by_order):
    """[(input fields, output fields)] of the records that have a partner."""
    if by_order:
        return [(a[1], b[1]) for a, b in zip(ins, outs)] if len(ins) == len(outs) else []
    left, count = {}, {}
    for k, f in outs:
        left.setdefault(k, []).append(f)
    for k, _ in ins:
        count[k] = count.get(k, 0) + 1
    pairs = []
    for k, f in ins:
        if count[k] == 1 and left.get(k):  # a repeated key pairs ambiguously
            pairs.append((f, left[k].pop(0)))
    return pairs


def lost_fields(fmt, data, out, messages, exceptions):
    """Field names of the input that reach neither the output nor a
    diagnostic (sorted), or None when the file is not counted (the
    counters could not read the input or the output)."""
    if fmt == "yaml" and yaml is None:
        return None
    try:
        ins, outs = records(fmt, data), records(fmt, out)
    except (ValueError, UnicodeDecodeError) if yaml is None else (ValueError, UnicodeDecodeError,
                                                                   yaml.YAMLError):
        return None
    if ins is None or outs is None:
        return None
    said = " ".join(messages).lower()

    def named(name):
        # an XML path: its element's name (attribute values may hold '/')
        word = re.sub(r"\[[^\]]*\]", "", name).rsplit("/", 1)[-1]
        return (fmt, name) in exceptions or (fmt, word) in exceptions or re.search(
            r"(?<![\w-])%s(?![\w-])" % re.escape(word.lower()), said)

    lost = set()
    vin = vout = None
    by_order = fmt in ("ris", "nbib", "wos", "endnotexml", "mods")
    if by_order:  # a tag the writer spells otherwise arrives with its value
        values = {"ris": ris_values, "nbib": nbib_values, "wos": wos_values,
                  "endnotexml": endnote_values, "mods": mods_values}[fmt]
        vin = values(data.decode("utf-8", "replace"))
        vout = values(out.decode("utf-8", "replace"))
    for k, (fin, fout) in enumerate(pair(ins, outs, by_order)):
        if vin is not None and k < len(vin) and k < len(vout):
            values = set().union(*vout[k].values()) if vout[k] else set()
            if fmt == "mods":  # parts split or joined on the way: by words
                words = set(re.findall(r"\w+", " ".join(values).lower())) | edtf_words(values)
                fin = {n for n in fin if not all(
                    set(re.findall(r"\w+", v.lower())) <= words for v in vin[k].get(n, ()))}
            else:
                fin = {n for n in fin if not (vin[k].get(n, set()) <= values)}
        seen = []
        for name in sorted(fin):
            kind, g = group_of(fmt, name)
            if g in seen:
                continue
            seen.append(g)
            came, went = fin & g, fout & g
            if kind == "merge" and went:
                continue
            missing = sorted(came - went)
            short = len(came) - len(went) if kind == "one" else len(came)
            if short <= 0:
                continue
            said_of = [n for n in came if named(n)]
            if len(said_of) < short:
                lost.update(n for n in missing if not named(n))
                if not missing or all(named(n) for n in missing):
                    lost.update(sorted(came)[:1])
    return sorted(lost)


# Zotero item JSON (no Zotero writer: checked against the CSL-JSON output).
# Keys that are Zotero's bookkeeping, not the work's (the library's item
# key and version, its collections and relations, its timestamps), or that
# are checked apart (creators: by their names).
ZOTERO_BOOKKEEPING = {"key", "version", "itemType", "dateAdded", "dateModified", "relations",
                      "collections", "itemID", "uri", "attachments", "notes", "seeAlso",
                      "libraryID", "parentItem", "deleted", "inPublications", "multi", "select",
                      "itemKey"}
ZOTERO_DATES = {"date", "originalDate", "issueDate", "accessDate", "dateEnacted", "dateDecided",
                "filingDate"}


def _strings(v):
    """Every string and number inside a JSON value."""
    if isinstance(v, dict):
        for x in v.values():
            yield from _strings(x)
    elif isinstance(v, list):
        for x in v:
            yield from _strings(x)
    elif isinstance(v, (str, int, float)) and not isinstance(v, bool):
        yield str(v)


def _words(s):
    """Lower-case words, numbers without leading zeros (07 is 7)."""
    return {(w.lstrip("0") or "0") if w.isdigit() else w for w in re.findall(r"\w+", s.lower())}


def _years(o):
    out = set()
    for v in o.values():
        if isinstance(v, dict) and isinstance(v.get("date-parts"), list):
            for p in v["date-parts"]:
                if isinstance(p, list) and p and isinstance(p[0], (int, str)):
                    try:
                        out.add(int(p[0]))
                    except ValueError:
                        pass
    return out


def zotero_items(data):
    """The records of a Zotero item JSON file, in order (notes and
    attachments aside), each the item's own fields."""
    v = json.loads(data.decode("utf-8-sig"))
    items = v.get("items") if isinstance(v, dict) else v
    out = []
    for x in items if isinstance(items, list) else []:
        if not isinstance(x, dict):
            continue
        if "itemType" not in x and isinstance(x.get("data"), dict):
            x = x["data"]
        if x.get("itemType") not in ("note", "attachment", "annotation"):
            out.append(x)
    return out


def lost_fields_zotero(data, out, messages):
    """Zotero item JSON -> CSL-JSON: each field of an item arrives when its
    words are in the output item (Zotero and CSL name fields differently,
    so by value: an Extra line by its value, a date by its year, which an
    EDTF season or a BC year may spell otherwise), a creator by its
    names; else a diagnostic must name the field. Items pair by order (the
    record half checks the counts). Sorted "item#k:field" of the losses, or
    None when the output is not a list."""
    try:
        ins, outs = zotero_items(data), json.loads(out.decode("utf-8") or "[]")
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(outs, list) or len(ins) != len(outs):
        return None
    said = " ".join(messages).lower()
    lost = []
    for k, (a, o) in enumerate(zip(ins, outs)):
        have = set()
        for x in _strings(o):
            have |= _words(x)
        for name, v in a.items():
            if name in ZOTERO_BOOKKEEPING or v in (None, "", [], {}):
                continue
            if re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(name.lower()), said):
                continue
            if name == "creators":
                vals = [" ".join(str(c.get(f, "")) for f in ("firstName", "lastName", "name"))
                        for c in v if isinstance(c, dict)]
            elif name == "tags":
                vals = [str(t.get("tag", "")) if isinstance(t, dict) else str(t) for t in v]
            elif name == "extra":  # "Key: value" lines (or a list of them): the value
                lines = v if isinstance(v, list) else str(v).splitlines()
                vals = [re.sub(r"^\s*\{?:?[^:{}]{1,40}:\}?\s*", "", str(line)) for line in lines]
            else:
                vals = list(_strings(v))
            if name in ZOTERO_DATES and vals:
                m = re.search(r"(?<!\d)(-?\d{3,4})(?!\d)", vals[0]) or re.match(r"\s*(-?\d+)", vals[0])
                if m and any(abs(y - int(m.group(1))) <= 1 for y in _years(o)):
                    continue
            if not all(_words(x) <= have for x in vals):
                lost.append("item#%d:%s" % (k, name))
    return lost


def load_exceptions(here):
    """{(format, field name): reason} of field-exceptions.txt."""
    exc = {}
    path = os.path.join(here, "field-exceptions.txt")
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            line = line.rstrip("\n")
            if not line.strip() or line.startswith("#"):
                continue
            fmt, name, reason = (line.split("\t") + ["", ""])[:3]
            exc[(fmt.strip(), name.strip())] = reason.strip()
    return exc


def lost_fields_lines(data, out, diags, exceptions):
    """The JSON Lines form of lost_fields: data holds one CSL item per line,
    out is the JSON Lines output and diags the (line, message) pairs of the
    run. Lines pair by order when none was skipped, else by an id that only
    one input line has. Each item is judged with the messages of its own
    line (and those without one). Returns {input line number: lost fields}."""
    ins = data.decode("utf-8").splitlines()
    outs = [x for x in out.decode("utf-8").splitlines() if x.strip()]
    if len(outs) == len(ins):
        partner = dict(enumerate(outs, 1))
    else:
        count, by_id = {}, {}
        for line in ins:
            key = str(json.loads(line).get("id"))
            count[key] = count.get(key, 0) + 1
        for line in outs:
            by_id.setdefault(str(json.loads(line).get("id")), []).append(line)
        partner = {}
        for n, line in enumerate(ins, 1):
            key = str(json.loads(line).get("id"))
            if count[key] == 1 and len(by_id.get(key, ())) == 1:
                partner[n] = by_id[key][0]
    general = [m for n, m in diags if not n]
    lost = {}
    for n, line in enumerate(ins, 1):
        if n not in partner:
            continue  # skipped, which the record half covers
        msgs = general + [m for k, m in diags if k == n]
        it, ot = json.loads(line), json.loads(partner[n])
        if "id" not in it:  # the writer gave it one: pair them all the same
            ot.pop("id", None)
        miss = lost_fields("csljson", line.encode(), json.dumps(ot).encode(), msgs, exceptions)
        if miss:
            lost[n] = miss
    return lost
