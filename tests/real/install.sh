#!/bin/sh
# SPDX-License-Identifier: MIT
# `meson install --destdir`: the tree has bibconv, a versioned libbibconv,
# headers, bibconv.pc, the plugins, both man pages and the completions;
# the installed bibconv lists its formats with no environment variable;
# pkg-config works (under PKG_CONFIG_SYSROOT_DIR); man -l renders.
build=$BIBCONV_BUILDDIR
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
pass=0 fail=0
t() { name=$1; shift; if "$@"; then pass=$((pass + 1)); echo "ok   $name";
      else fail=$((fail + 1)); echo "FAIL $name"; fi; }
meson install -C "$build" --destdir "$tmp/d" --no-rebuild --quiet > "$tmp/log" 2>&1 \
    || { cat "$tmp/log"; echo "FAIL meson install"; exit 1; }
exe=$(find "$tmp/d" -path '*/bin/bibconv' -type f)
t "bibconv installed" test -x "$exe"
t "versioned soname" sh -c "find '$tmp/d' -name 'libbibconv.so.0' | grep -q . && find '$tmp/d' -name 'libbibconv.so.0.*' | grep -q ."
t "headers installed" sh -c "find '$tmp/d' -path '*/include/bibconv.h' | grep -q . && find '$tmp/d' -path '*/include/bibconv/merge.h' | grep -q ."
t "plugins under libdir/bibconv/plugins" sh -c "find '$tmp/d' -path '*/bibconv/plugins/csljson.so' | grep -q ."
t "man pages" sh -c "find '$tmp/d' -name bibconv.1 | grep -q . && find '$tmp/d' -name bibconv-plugin.7 | grep -q ."
t "bash and zsh completion" sh -c "find '$tmp/d' -path '*bash-completion/completions/bibconv' | grep -q . && find '$tmp/d' -name _bibconv | grep -q ."
env -u BIBCONV_PLUGIN_PATH -u LD_LIBRARY_PATH "$exe" --list-formats > "$tmp/list" 2>&1
t "installed bibconv finds its plugins with no environment variable" \
    sh -c "grep -Eq '^csljson +rw .*$tmp/d/.*/bibconv/plugins/csljson.so' '$tmp/list'"
# the modules' indexes beside them: a conversion opens only its two
# modules (LD_DEBUG=files names each object the loader maps), a listing
# every one (docs/plugin-guide.md, "Index files")
t "plugin indexes installed" sh -c "find '$tmp/d' -path '*/bibconv/plugins/bibtex.formats' | grep -q ."
env -u BIBCONV_PLUGIN_PATH -u LD_LIBRARY_PATH LD_DEBUG=files "$exe" -f bibtex -t csljson \
    "$BIBCONV_SRCDIR/samples/example.bib" 2> "$tmp/ld" > "$tmp/out"
t "BibTeX -> CSL-JSON opens the bibtex and csljson modules only" sh -c \
    "grep -q 'file=.*/bibtex.so ' '$tmp/ld' && grep -q 'file=.*/csljson.so ' '$tmp/ld' &&
     ! grep -Eq 'file=.*/(page|xml|ris|yaml)\.so |libxml2' '$tmp/ld' && grep -q '\"id\"' '$tmp/out'"
env -u BIBCONV_PLUGIN_PATH -u LD_LIBRARY_PATH LD_DEBUG=files "$exe" --list-formats 2> "$tmp/ld" > /dev/null
t "--list-formats opens every module" sh -c "grep -q 'file=.*/xml.so ' '$tmp/ld' && grep -q 'file=.*/page.so ' '$tmp/ld'"
pc=$(dirname "$(find "$tmp/d" -name bibconv.pc)")
if command -v pkg-config > /dev/null; then
    flags=$(PKG_CONFIG_SYSROOT_DIR="$tmp/d" PKG_CONFIG_PATH=$pc pkg-config --cflags --libs bibconv)
    t "pkg-config --cflags --libs bibconv" sh -c "echo '$flags' | grep -q -- '-lbibconv'"
    printf '#include <bibconv.h>\n#include <stdio.h>\nint main(void) { puts(bib_version_string()); return 0; }\n' > "$tmp/v.c"
    # a sanitizer build's library needs its runtime in the program too
    san=""
    if ldd "$(find "$tmp/d" -name 'libbibconv.so.0' | head -1)" | grep -q libasan; then
        san="-fsanitize=address,undefined"
    fi
    t "a program builds against the installed tree" sh -c "cc -std=c11 $san '$tmp/v.c' -o '$tmp/v' $flags && LD_LIBRARY_PATH=\$(dirname \$(find '$tmp/d' -name libbibconv.so.0)) '$tmp/v' | grep -q '^[0-9]'"
else
    echo "skip pkg-config (not installed)"
fi
if command -v man > /dev/null; then
    t "man -l renders bibconv(1)" sh -c "man -l \$(find '$tmp/d' -name bibconv.1) 2>/dev/null | grep -q bibconv"
    t "man -l renders bibconv-plugin(7)" sh -c "man -l \$(find '$tmp/d' -name bibconv-plugin.7) 2>/dev/null | grep -q bib_plugin_module"
fi
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
