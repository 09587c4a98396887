#!/bin/bash
# No query lost on reload: dnsperf sends queries at a steady rate while a
# 100,000-record zone is reloaded (really re-read: each reload replaces the
# file with a new serial) once a second through steerctl. dnsperf must lose
# none and every answer must be NOERROR; dig checks exact answers during the
# reloads, and that the serial it sees never goes back (a reload switches
# atomically: once a query saw the new data, no later query gets the old).
#   make check:            10 reloads at 10,000 qps (about 15 s); CI runs
#                          tests side by side on 2 cores
#   STEER_RELOAD_FULL=1:   30 reloads over 30 s at 20,000 qps
#   STEER_RELOAD_QPS:      offered load (5000 under ASan unless set)
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"
st_need_dig
st_need dnsperf python3

reloads=10 qps=10000
[ -n "${STEER_RELOAD_FULL:-}" ] && reloads=30 qps=20000
qps=${STEER_RELOAD_QPS:-$qps}
if [ -z "${STEER_RELOAD_QPS:-}" ] && nm "$top_builddir/steerd" 2>/dev/null | grep -q __asan_init; then
    qps=5000
fi
records=100000

cd "$ST_TMP" || exit 1
mkdir -p run
ST_ADDR=127.0.0.1
ST_PORT=$(st_free_port 127.0.0.1)

# hNNNNN.load.test A 10.(N/65536).(N/256%256).(N%256): answers are checkable.
python3 - "$records" <<'PY'
import random, sys
n = int(sys.argv[1])
with open("load.test.zone.in", "w") as z:
    z.write("$ORIGIN load.test.\n$TTL 300\n@ IN SOA ns1 hostmaster SERIAL 3600 600 86400 60\n"
            "@ IN NS ns1\nns1 IN A 192.0.2.1\n")
    for i in range(n):
        z.write("h%05d IN A 10.%d.%d.%d\n" % (i, i >> 16, (i >> 8) & 255, i & 255))
rnd = random.Random(7)
with open("queries.txt", "w") as q:
    for _ in range(20000):
        q.write("h%05d.load.test A\n" % rnd.randrange(n))
PY
# zone_serial N: replace the zone file (a new inode) with serial N.
zone_serial() { sed "s/ SERIAL / $1 /" load.test.zone.in >load.test.zone.new && mv load.test.zone.new load.test.zone; }
zone_serial 1
cat >steerd.yaml <<EOF
server:
  listen: ["127.0.0.1:$ST_PORT"]
  workers: 1
  control: run/steerd.sock
zones:
  load.test: load.test.zone
EOF

st_start steerd "$top_builddir/steerd" -c steerd.yaml
ST_STEERD_PID=$ST_PID
st_wait_dns "$ST_ADDR" "$ST_PORT" load.test || { cat steerd.log; exit 1; }
ctl() { "$top_builddir/steerctl" -s run/steerd.sock "$@"; }
generation() { ctl status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["generation"])'; }
# One reload before the load sets the pace: one a second, or slower when a
# reload takes longer (sanitizer builds), so that the load covers them all.
t0=$(date +%s%N)
zone_serial 2
ctl reload >/dev/null || { echo "first reload failed"; exit 1; }
period=$(( ($(date +%s%N) - t0) / 1000000 * 3 / 2 ))
[ "$period" -lt 1000 ] && period=1000
gen0=$(generation)

secs=$(( reloads * period / 1000 + 3 ))
dnsperf -s 127.0.0.1 -p "$ST_PORT" -d queries.txt -l "$secs" -Q "$qps" -c 4 -q 200 \
    >dnsperf.out 2>&1 &
perf_pid=$!
ST_PIDS+=("$perf_pid")

# Exact answers and a serial that never goes back, checked all along (dig
# against the same server).
(
    bad=0 n=0 last=0
    end=$((SECONDS + secs - 1))
    while [ $SECONDS -lt $end ]; do
        i=$(( (RANDOM * 32768 + RANDOM) % records ))
        want="10.$((i >> 16)).$(((i >> 8) & 255)).$((i & 255))"
        got=$("$DIG" @127.0.0.1 -p "$ST_PORT" +norec +time=2 +tries=1 +short "$(printf 'h%05d.load.test' "$i")" A)
        n=$((n + 1))
        [ "$got" = "$want" ] || { bad=$((bad + 1)); echo "wrong answer for h$i: '$got' (want $want)"; }
        serial=$("$DIG" @127.0.0.1 -p "$ST_PORT" +norec +time=2 +tries=1 +short load.test SOA | awk '{ print $3 }')
        n=$((n + 1))
        if [ -z "$serial" ] || [ "$serial" -lt "$last" ]; then
            bad=$((bad + 1)); echo "serial '$serial' after $last"
        else
            last=$serial
        fi
        sleep 0.05
    done
    echo "digs $n wrong $bad"
) >digs.out 2>&1 &
dig_pid=$!
ST_PIDS+=("$dig_pid")

sleep 1
failed=0 ms_total=0 ms_max=0
for r in $(seq 1 "$reloads"); do
    t0=$(date +%s%N)
    zone_serial $((r + 2))   # a changed file is re-read
    out=$(ctl reload 2>&1) || { failed=$((failed + 1)); echo "reload $r: $out"; }
    ms=$(( ($(date +%s%N) - t0) / 1000000 ))
    ms_total=$((ms_total + ms)); [ "$ms" -gt "$ms_max" ] && ms_max=$ms
    left=$((period - ms))
    [ "$left" -gt 0 ] && sleep "$((left / 1000)).$(printf '%03d' $((left % 1000)))"
done
wait "$perf_pid"
wait "$dig_pid"

sed -n '/Statistics/,$p' dnsperf.out
tail -3 digs.out
echo "reloads: $reloads (one every $period ms) at $qps qps offered, failed $failed, steerctl reload time avg $((ms_total / reloads)) ms, max $ms_max ms"

st_expect "every reload succeeded" "0" "$failed"
st_expect "generations advanced" "$reloads" "$(($(generation) - gen0))"
st_expect "zone re-read each time" "$((reloads + 2))" "$(grep -c 'zone load.test., serial [0-9]*, 100003 records' steerd.log)"
st_expect "the last serial serves" "$((reloads + 2))" \
    "$("$DIG" @127.0.0.1 -p "$ST_PORT" +norec +short load.test SOA | awk '{ print $3 }')"
sent=$(sed -n 's/^ *Queries sent: *\([0-9]*\).*/\1/p' dnsperf.out)
lost=$(sed -n 's/^ *Queries lost: *\([0-9]*\).*/\1/p' dnsperf.out)
st_expect "dnsperf sent queries" "yes" "$([ "${sent:-0}" -gt $((qps * secs / 2)) ] && echo yes || echo "no (${sent:-none})")"
st_expect "dnsperf lost none" "0" "${lost:-missing}"
st_expect_match "all NOERROR" 'Response codes: +NOERROR [0-9]+ \(100\.00%\)$' "$(cat dnsperf.out)"
st_expect_match "every dig answer exact" '^digs [1-9][0-9]* wrong 0$' "$(cat digs.out)"

st_done
