#!/bin/sh
# SPDX-License-Identifier: MIT
# Every plugin module must export exactly one symbol: bib_plugin_module
# (names starting with "__" come from sanitizers and are ignored).
nm=$1; shift
fail=0
for m in "$@"; do
    syms=$("$nm" -D --defined-only "$m" | awk '{print $NF}' | grep -v '^__' | grep -v '^_init$\|^_fini$' | sort -u)
    if [ "$syms" != "bib_plugin_module" ]; then
        echo "FAIL $m exports: $syms"; fail=1
    else
        echo "ok   $m"
    fi
done
exit $fail
