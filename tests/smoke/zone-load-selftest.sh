#!/bin/bash
# Proves tools/zone-load-compare.sh runs end to end against steerd: zone
# generation, the launch-to-last-record timing, PSS and peak RSS, the reload
# sampling and the tables. Judges only that it ran and measured, never the
# figures (those belong in the script's output, not in tests).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"

st_need python3 pgrep
[ -x "$top_builddir/steerd" ] || st_skip "steerd not built"
[ -x "$top_builddir/tools/zone-load" ] || st_skip "tools/zone-load not built"

log=$ST_TMP/compare.log
if TMPDIR=$ST_TMP bash "$top_srcdir/tools/zone-load-compare.sh" -n 3000 -r 2 -s steerd \
	-b "$top_builddir" >"$log" 2>&1; then
	st_expect "zone-load-compare.sh exit status" 0 0
else
	st_expect "zone-load-compare.sh exit status" 0 "$?"
fi
cat "$log"
out=$(cat "$log")
num='[0-9]+(\.[0-9]+)?'
st_expect_match "the last record found" "last record: h[0-9]+\.big\.test\. type [0-9]+" "$out"
st_expect_match "steerd row: ready, CPU, PSS, peak RSS (medians with ranges)" \
	"steerd [0-9.]+ +$num \($num-$num\) +$num .* +$num \($num-$num\) +$num" "$out"
st_expect_match "reload measured" "done in $num .*ms; RSS before $num .*MiB, highest $num .*MiB" "$out"
st_expect_match "memory after the reload" "a second after: RSS $num .*MiB, PSS $num" "$out"
st_done
