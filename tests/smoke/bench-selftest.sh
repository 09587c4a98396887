#!/bin/bash
# Proves the benchmark harness runs end to end against steerd, against
# steerd with rate limiting and cookies on (--limits), and against a variant
# of steerd with other server settings (--steerd-variant): zone and query
# generation, server start and readiness, dnsperf over UDP and TCP, CPU
# accounting and the result table. Judges only that it ran and got answers,
# never timings (those belong in tools/bench/run.sh's output, not in tests).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"

st_need dnsperf taskset python3
st_need_dig
[ -x "$top_builddir/steerd" ] || st_skip "steerd not built"

out=$ST_TMP/bench
log=$ST_TMP/bench.log
# low rates: under ASan+UBSan steerd is slow, and nothing here is timed;
# --no-steer-rx: a test leaves the machine's network settings alone
if bash "$top_srcdir/tools/bench/run.sh" --servers steerd --steerd "$top_builddir/steerd" \
	--duration 2 --udp-rate 2000 --tcp-rate 1000 --no-steer-rx --limits \
	--steerd-variant nocoal:coalesce_us=0,udp_max_payload=1400 --out "$out" >"$log" 2>&1; then
	st_expect "run.sh exit status" 0 0
else
	st_expect "run.sh exit status" 0 "$?"
fi
cat "$log"

res=$out/results.tsv
for srv in steerd steerd-limits steerd-nocoal; do
for tr in udp tcp; do
	# columns: scenario server transport rate sent completed lost qps cpu_s
	# us_per_q noerror nxdomain other_rcodes sock_drops machine_us_per_q
	# latency_ms srvcpu_us_per_q netrx_per_q
	row=$(awk -F'\t' -v tr="$tr" -v srv="$srv" '$2 == srv && $3 == tr' "$res" 2>/dev/null | head -1)
	completed=$(printf '%s\n' "$row" | cut -f6)
	noerror=$(printf '%s\n' "$row" | cut -f11)
	nxdomain=$(printf '%s\n' "$row" | cut -f12)
	cpu=$(printf '%s\n' "$row" | cut -f9)
	netrx=$(printf '%s\n' "$row" | cut -f18)
	st_expect_match "$srv $tr: queries answered" '^[1-9][0-9]*$' "$completed"
	st_expect_match "$srv $tr: NOERROR answers" '^[1-9][0-9]*$' "$noerror"
	st_expect_match "$srv $tr: NXDOMAIN answers" '^[1-9][0-9]*$' "$nxdomain"
	st_expect_match "$srv $tr: server CPU time read" '^[0-9]+\.[0-9]+$' "$cpu"
	st_expect_match "$srv $tr: receive softirqs per query read" '^[0-9]+\.[0-9]+$' "$netrx"
done
done
st_expect_match "steerd-limits: lost none (nobody limited)" '^0$' \
	"$(awk -F'\t' '$2 == "steerd-limits" && $3 == "udp" { print $7 }' "$res" | head -1)"

st_expect "variant's settings in its config" "  coalesce_us: 0
  udp_max_payload: 1400" "$(grep -E '^  (coalesce_us|udp_max_payload):' "$out/steerd-nocoal/steerd.yaml" | sort)"
st_expect_match "variant in the table" '^static +udp +2000 +steerd-nocoal ' "$(cat "$log")"
st_expect "a bad variant is refused" "2" "$(bash "$top_srcdir/tools/bench/run.sh" --steerd "$top_builddir/steerd" \
	--steerd-variant 'x:coalesce_us' >/dev/null 2>&1; echo $?)"
st_expect_match "table printed" '^static +tcp +1000 +steerd ' "$(cat "$log")"
st_expect_match "receive processing left alone" "^loopback receive processing: default" "$(cat "$log")"
st_done
