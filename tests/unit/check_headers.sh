#!/bin/sh
# SPDX-License-Identifier: MIT
# Compiles each public header alone as C11 with -Wall -Wextra -pedantic -Werror
# and no third-party flags, and refuses a public header that includes a
# third-party one (jansson.h: an application would need its flags).
src=$1 build=$2 cc=${3:-cc}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
fail=0 n=0
for h in "$src"/bibconv.h "$src"/bibconv/*.h; do
    rel=${h#"$src"/}
    printf '#include "%s"\nint bibconv_header_test;\n' "$rel" > "$tmp/t.c"
    if grep -En '^[[:space:]]*#[[:space:]]*include[[:space:]]*<(jansson|yaml|libxml/[a-z]*)\.h>' "$h"; then
        echo "FAIL: $rel includes a third-party header"; fail=1
    fi
    if ! "$cc" -std=c11 -Wall -Wextra -pedantic -Werror \
        -I"$src" -I"$build" -c "$tmp/t.c" -o "$tmp/t.o" 2> "$tmp/err"; then
        echo "FAIL: $rel"; cat "$tmp/err"; fail=1
    fi
    n=$((n + 1))
done
echo "$n headers checked"
exit $fail
