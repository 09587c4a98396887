#!/bin/bash
# Proves the benchmark harness's fleet comparison (--dynamic --fleet) runs
# end to end: a one-member etcd started and stopped by the script, a
# steercheck per steerd (a vantage point of the fleet for steerd-fleet),
# every routed scenario answered by both, and nothing left running.
# Judges only that it ran and got answers, never timings.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"

st_need dnsperf taskset python3 etcd curl
st_need_dig
[ -x "$top_builddir/steerd" ] && [ -x "$top_builddir/steercheck" ] || st_skip "steerd not built"

out=$ST_TMP/bench
log=$ST_TMP/bench.log
# a low rate (ASan+UBSan builds are slow; nothing is timed); --no-steer-rx:
# a test leaves the machine's network settings alone
bash "$top_srcdir/tools/bench/run.sh" --dynamic --fleet --steerd "$top_builddir/steerd" \
	--scenarios weighted,geo+ecs --transports udp --duration 1 --udp-rate 500 --no-steer-rx \
	--out "$out" >"$log" 2>&1
st_expect "run.sh exit status" 0 "$?"
cat "$log"

res=$out/results.tsv
for srv in steerd steerd-fleet; do
	for scen in weighted geo+ecs; do
		# columns: scenario server transport rate sent completed lost ...
		row=$(awk -F'\t' -v s="$scen" -v srv="$srv" '$1 == s && $2 == srv' "$res" 2>/dev/null | head -1)
		st_expect_match "$srv $scen: queries answered" '^[1-9][0-9]*$' "$(printf '%s\n' "$row" | cut -f6)"
		st_expect_match "$srv $scen: NOERROR answers" '^[1-9][0-9]*$' "$(printf '%s\n' "$row" | cut -f11)"
	done
done
st_expect_match "steerd-fleet joined the fleet" "nameserver in etcd" "$(cat "$out/steerd-fleet.log")"
st_expect_match "its steercheck is a vantage point" "vantage point in etcd" \
	"$(cat "$out/steerd-fleet-check.log")"
st_expect_match "steerd has no fleet" '^$' "$(grep -i fleet "$out/steerd.log" || true)"
st_expect_match "table printed" '^weighted +udp +500 +steerd-fleet ' "$(cat "$log")"
# etcd was stopped by its PID (its data folder is the script's)
left=$(cat "$out"/etcd/m*.pid 2>/dev/null || true)
st_expect "no etcd pid file left" "" "$left"
st_expect_match "etcd member stopped" '^$' "$(pgrep -f -- "--data-dir $out/etcd/" || true)"
st_done
