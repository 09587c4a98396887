#!/bin/bash
# Proves tools/xfr-bench.sh runs end to end (a small zone to knotd by AXFR
# with UDP queries beside it); the figures themselves are not judged here.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"
st_need_dig
st_need knotd
st_need_pydns
out=$(TMPDIR=$ST_TMP bash "$top_srcdir/tools/xfr-bench.sh" -n 5000 -b "$top_builddir" 2>&1)
st_expect "xfr-bench.sh exit status" 0 "$?"
st_expect_match "a transfer time" $'^transfer_s \\(knotd\\)\t[0-9.]+$' "$out"
st_expect_match "steerd's CPU" $'^steerd_cpu_s\t[0-9.]+$' "$out"
st_expect_match "UDP answered" $'^udp_answered\t[0-9]+ of [0-9]+' "$out"
printf '%s\n' "$out"
st_done
