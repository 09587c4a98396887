#!/usr/bin/env bash
# Build steerdns and run every test (make check), installing missing Debian
# packages first. --sanitizers builds in build-asan/ with ASan+UBSan instead.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
tools/deps.sh
builddir="$top/build"
conf_args=(--enable-werror)
if [ "${1:-}" = "--sanitizers" ]; then
    builddir="$top/build-asan"
    conf_args+=(--enable-sanitizers)
fi
[ -x "$top/configure" ] || autoreconf -fi
mkdir -p "$builddir"
cd "$builddir"
[ -f Makefile ] || "$top/configure" "${conf_args[@]}"
jobs=$(nproc 2>/dev/null || echo 2)
make -j"$jobs"
if ! make -j"$jobs" check; then
    for log in $(grep -l -E '^:test-result: (FAIL|ERROR)' $(find . -name '*.trs') 2>/dev/null | sed 's/\.trs$/.log/'); do
        echo "=== $log"; tail -80 "$log"
    done
    exit 1
fi
