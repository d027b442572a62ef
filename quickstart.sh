#!/bin/sh
# SPDX-License-Identifier: MIT
# bibconv quick start: installs the Debian packages that are missing (as
# root, from .ci/packages.txt), builds into ./build, then either runs a real
# conversion of samples/example.bib (default) or the whole test suite.
#   ./quickstart.sh          build and convert a sample
#   ./quickstart.sh test     build and run the tests
set -eu
cd "$(dirname "$0")"
missing=""
for p in $(grep -v '^#' .ci/packages.txt); do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
        missing="$missing $p"
done
if [ -n "$missing" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "quickstart: these packages are missing:$missing" >&2
        echo "quickstart: run as root, or install them with apt-get" >&2
        exit 3
    fi
    echo "quickstart: installing$missing"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi
[ -f build/build.ninja ] || meson setup build >/dev/null
meson compile -C build >/dev/null
case "${1:-demo}" in
demo)
    echo "quickstart: build/core/cli/bibconv samples/example.bib -t csljson" >&2
    build/core/cli/bibconv samples/example.bib -t csljson
    ;;
test)
    meson test -C build --print-errorlogs
    ;;
*)
    echo "usage: ./quickstart.sh [demo|test]" >&2
    exit 2
    ;;
esac
