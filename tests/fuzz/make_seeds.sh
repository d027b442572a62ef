#!/bin/bash
# make_seeds.sh BUILD-FUZZ SHARED [TARGET...] - adds to tests/fuzz/seeds/<target>/ the
# candidate files that reach edges the seeds there do not (libFuzzer's
# -merge=1, which keeps a minimal subset), renamed back to their source's
# name, with a line in that directory's SOURCES.tsv. Candidates: this
# repository's test inputs and the MIT-licensed folders of the shared
# corpus (JabRef, Better BibTeX, citation-js). Files already in a seed
# directory are kept (reproducers stay). Run from the repository's root:
#     tests/fuzz/make_seeds.sh build-fuzz ../shared
# SEED_MAX_BYTES (default 4096) bounds a candidate's size; TARGETs default
# to every reader target and the writer target.
set -eu
build=$1
corpus=$2/corpus
shift 2
targets=${*:-bibtex biblatex csljson csljsonl writer bt_writer ris yaml nbib endnotexml mods wos zoterojson refs page}
max=${SEED_MAX_BYTES:-4096}
py=${PYTHON:-python3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# which repository and licence each corpus folder comes from (MANIFEST.md)
repo_of() {
    case $1 in
    jabref) echo "JabRef/jabref MIT" ;;
    bbt-import | bbt-export) echo "retorquere/zotero-better-bibtex MIT" ;;
    citation-js) echo "citation-js/citation-js MIT" ;;
    esac
}

# candidates TARGET FILE...: copies each file (under $max bytes) into the
# target's candidate directory and notes where it came from
candidates() {
    local t=$1 f
    shift
    case " $targets csljsonl " in *" $t "*) ;; *) return 0 ;; esac
    mkdir -p "$work/$t"
    for f in "$@"; do
        [ -f "$f" ] && [ "$(stat -c %s "$f")" -lt "$max" ] || continue
        cp "$f" "$work/$t/"
        printf '%s\t%s\n' "$(sha1sum <"$f" | cut -d' ' -f1)" "$f" >>"$work/$t.origin"
    done
}

candidates bibtex "$corpus"/jabref/*.bib "$corpus"/citation-js/*.bib "$corpus"/bbt-import/*.bib \
    tests/real/data/*.bib tests/xml/data/jabref-*.bib
candidates bt_writer "$corpus"/jabref/*.bib "$corpus"/citation-js/*.bib "$corpus"/bbt-import/*.bib \
    tests/real/data/*.bib tests/bibtex/golden/source.bib tests/bibtex/golden/biblatex-src.bib
candidates biblatex "$corpus"/jabref/*.bib "$corpus"/bbt-export/*.bib tests/real/data/*.bib
candidates csljson "$corpus"/citation-js/*.json tests/real/data/*.json
candidates writer "$corpus"/citation-js/*.json tests/real/data/*.json
candidates ris "$corpus"/jabref/*.ris "$corpus"/citation-js/*.ris
candidates yaml "$corpus"/bbt-import/*.yml "$corpus"/bbt-export/*.yml tests/yaml/golden/*.y*ml
candidates nbib "$corpus"/jabref/*.nbib tests/medline/data/handmade*.nbib \
    tests/medline/data/jabref-*.nbib
candidates endnotexml "$corpus"/jabref/*.xml tests/xml/data/jabref-*.xml
candidates mods "$corpus"/jabref/*.xml tests/xml/data/jabref-*.xml
candidates wos tests/wos/data/handmade.txt tests/wos/data/jabref-isi-1.txt
candidates zoterojson "$corpus"/bbt-import/*.json
candidates refs tests/refs/golden/*.txt
candidates page tests/page/crafted/*.txt
# JSON Lines: the CSL-JSON candidates, one item a line
mkdir -p "$work/csljsonl"
for f in "$work"/csljson/*; do
    [ -f "$f" ] || continue
    out="$work/csljsonl/$(basename "$f" .json).jsonl"
    "$py" -c 'import json,sys
d=json.load(open(sys.argv[1]))
d=d if isinstance(d,list) else [d]
print("\n".join(json.dumps(x,ensure_ascii=False) for x in d))' "$f" >"$out" 2>/dev/null || rm -f "$out"
    [ -f "$out" ] && printf '%s\t%s (one item a line)\n' "$(sha1sum <"$out" | cut -d' ' -f1)" \
        "$(grep "^$(sha1sum <"$f" | cut -d' ' -f1)" "$work/csljson.origin" | head -1 | cut -f2)" \
        >>"$work/csljsonl.origin"
done

for t in $targets; do
    fz=$build/tests/fuzz/fuzz_$t
    [ -x "$fz" ] || continue
    seeds=tests/fuzz/seeds/$t
    mkdir -p "$seeds" "$work/$t.new"
    [ -f "$seeds/SOURCES.tsv" ] || printf 'file\tsource\tcommit\tlicence\n' >"$seeds/SOURCES.tsv"
    # the merge writes the chosen candidates under their SHA-1 into .new
    cp -r "$seeds"/. "$work/$t.new/"
    rm -f "$work/$t.new/SOURCES.tsv"
    nice "$fz" -merge=1 -use_counters=0 -max_len=262144 -rss_limit_mb=1024 "$work/$t.new" "$work/$t" \
        >"$work/$t.log" 2>&1
    for f in "$work/$t.new"/*; do
        sum=$(basename "$f")
        src=$(grep "^$sum	" "$work/$t.origin" | head -1 | cut -f2) || true
        [ -n "$src" ] || continue # a seed that was there already
        name=$(basename "${src%% (*}")
        [ "${src%(one item a line)}" != "$src" ] && name=${name%.json}.jsonl
        cp "$f" "$seeds/$name"
        case $src in
        "$corpus"/*)
            rel=${src#"$corpus"/}
            folder=${rel%%/*}
            read -r repo lic <<<"$(repo_of "$folder")"
            orig=$(grep "^$(basename "${rel%% (*}")	" "$corpus/$folder/index.tsv" | cut -f2)
            commit=$("$py" -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' \
                "$corpus/SOURCES.json" "$repo")
            note=${src#"${src%% (*}"}
            printf '%s\thttps://github.com/%s/blob/%s/%s%s\t%s\t%s (%s)\n' "$name" "$repo" \
                "$commit" "$orig" "$note" "$commit" "$lic" "${repo#*/}" >>"$seeds/SOURCES.tsv"
            ;;
        *) # this repository's: the licence its SOURCES.tsv gives, else ours
            lic="MIT (bibconv: this repository's own test input)"
            st=$(dirname "$src")/SOURCES.tsv
            if [ -f "$st" ] && grep -q "$(basename "$src")" "$st"; then
                lic="$(grep "$(basename "$src")" "$st" | head -1 | awk -F'\t' '{print $NF}') (see $st)"
            fi
            printf '%s\t%s of this repository\t-\t%s\n' "$name" "$src" "$lic" >>"$seeds/SOURCES.tsv"
            ;;
        esac
    done
    echo "$t: $(($(ls "$seeds" | wc -l) - 1)) seeds ($(du -sk "$seeds" | cut -f1) KiB)"
done
