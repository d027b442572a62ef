#!/bin/sh
# SPDX-License-Identifier: MIT
# The whole fidelity matrix, no stride: every corpus file through every
# reader x writer pair, and the figures table docs/fidelity.md shows.
# Usage: tests/fidelity/full.sh [BUILDDIR]   (default: build)
# Needs ../shared (or BIBCONV_SHARED); pandoc, bibtex and biber where they
# are installed. It runs a copy of the built programs (--copy-build): a
# rebuild meanwhile cannot disturb it, and each conversion loads only its
# two formats' modules. CPU time per phase goes to stderr (docs/fidelity.md).
here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "${1:-$src/build}" && pwd) || exit 2
[ $# -gt 0 ] && shift
export BIBCONV_SRCDIR="$src" BIBCONV_BUILDDIR="$build"
export BIBCONV_SHARED="${BIBCONV_SHARED:-$src/../shared}"
plugins=""
for d in "$build"/plugins/*/; do plugins="$plugins${plugins:+:}${d%/}"; done
export BIBCONV_PLUGIN_PATH="$plugins"
exec python3 "$here/matrix.py" --full --copy-build "$@"
