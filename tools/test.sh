#!/usr/bin/env bash
# Build steerdns and run every test (make check). --sanitizers builds in
# build-asan/ with ASan+UBSan instead. Run from anywhere inside the tree.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
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
make -j"$jobs" check || { cat tests/*/*.log 2>/dev/null | tail -200; exit 1; }
