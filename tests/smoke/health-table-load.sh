#!/bin/bash
# No state of the health table file takes steerd down, under load: dnsperf
# sends routed queries (every answer reads the table) at a few thousand a
# second while the file is truncated in place and extended again, over and
# over, with steercheck writing it. steerd must keep answering every query,
# NOERROR, over UDP and TCP, and be alive at the end.
#   STEER_TABLE_QPS: offered load (default 3000)
#   STEER_TABLE_SECS: how long (default 6)
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"
st_need_dig
st_need dnsperf python3 truncate

qps=${STEER_TABLE_QPS:-3000}
secs=${STEER_TABLE_SECS:-6}
cd "$ST_TMP" || exit 1
mkdir -p run zones
ST_ADDR=127.0.0.1
ST_PORT=$(st_free_port 127.0.0.1)
st_write_zone zones/example.test.zone example.test. 1
cat >steerd.yaml <<EOF
server:
  listen: ["127.0.0.1:$ST_PORT"]
  workers: 2
zones:
  example.test: zones/example.test.zone
health:
  table: run/health.shm
  stale_after: 2s
checks:
  ok: { type: exec, command: [/bin/true], interval: 200ms, timeout: 150ms, rise: 1, fall: 1 }
regions:
  a:
    select: all
    endpoints:
      a1: { address: 192.0.2.11, check: ok }
      a2: { address: 192.0.2.12, check: ok }
  b:
    endpoints:
      b1: { address: 192.0.2.21, check: ok }
records:
  fo.example.test: { type: A, ttl: 5, policy: failover, regions: [a, b] }
  mv.example.test: { type: A, ttl: 5, policy: multivalue, regions: [a, b] }
EOF
for _ in $(seq 1 50); do echo "fo.example.test A"; echo "mv.example.test A"; done >queries.txt

st_start steercheck "$top_builddir/steercheck" -c steerd.yaml
checker=$ST_PID
st_start steerd "$top_builddir/steerd" -c steerd.yaml
ST_STEERD_PID=$ST_PID
st_wait_dns "$ST_ADDR" "$ST_PORT" || { cat steerd.log; exit 1; }
for _ in $(seq 1 50); do [ -s run/health.shm ] && break; sleep 0.1; done
size=$(stat -c %s run/health.shm)
st_expect "steerd answers from the table" "192.0.2.11 192.0.2.12" \
    "$(st_dig +short fo.example.test A | sort | tr '\n' ' ' | sed 's/ $//')"

dnsperf -s 127.0.0.1 -p "$ST_PORT" -d queries.txt -l "$secs" -Q "$qps" -c 2 -q 100 \
    >dnsperf.out 2>&1 &
perf_pid=$!
ST_PIDS+=("$perf_pid")

# TCP queries beside the UDP load (the TCP thread reads the table too).
(
    n=0 bad=0
    end=$((SECONDS + secs))
    while [ $SECONDS -lt $end ]; do
        got=$("$DIG" @127.0.0.1 -p "$ST_PORT" +tcp +norec +time=2 +tries=1 +short mv.example.test A)
        n=$((n + 1))
        [ -n "$got" ] || bad=$((bad + 1))
        sleep 0.02
    done
    echo "tcp $n unanswered $bad"
) >tcp.out 2>&1 &
tcp_pid=$!
ST_PIDS+=("$tcp_pid")

# Truncate in place (shorter than the header, then inside the slots) and
# extend again (zeros), a few milliseconds apart, until dnsperf is done.
cuts=0
end=$((SECONDS + secs))
while [ $SECONDS -lt $end ] && kill -0 "$ST_STEERD_PID" 2>/dev/null; do
    for len in 0 200 "$((size - 100))"; do
        truncate -s "$len" run/health.shm 2>/dev/null
        sleep 0.005
        truncate -s "$size" run/health.shm 2>/dev/null
        sleep 0.01
        cuts=$((cuts + 1))
    done
done
wait "$perf_pid"
wait "$tcp_pid"
sed -n '/Statistics/,$p' dnsperf.out | head -12
echo "truncations: $cuts"
cat tcp.out

st_expect "steerd survived $cuts truncations" "alive" \
    "$(kill -0 "$ST_STEERD_PID" 2>/dev/null && echo alive || echo dead)"
st_expect "steercheck survived" "alive" "$(kill -0 "$checker" 2>/dev/null && echo alive || echo dead)"
sent=$(sed -n 's/^ *Queries sent: *\([0-9]*\).*/\1/p' dnsperf.out)
lost=$(sed -n 's/^ *Queries lost: *\([0-9]*\).*/\1/p' dnsperf.out)
st_expect "dnsperf sent queries" "yes" \
    "$([ "${sent:-0}" -gt $((qps * secs / 2)) ] && echo yes || echo "no (${sent:-none})")"
st_expect "dnsperf lost none" "0" "${lost:-missing}"
st_expect_match "every TCP query answered" '^tcp [1-9][0-9]* unanswered 0$' "$(cat tcp.out)"
st_expect_match "all NOERROR" 'Response codes: +NOERROR [0-9]+ \(100\.00%\)$' "$(cat dnsperf.out)"
st_expect_match "steerd saw the table truncated" 'health table .*truncated' "$(cat steerd.log)"
# After the storm the checker writes a good table again and steerd reads it.
sleep 1
st_expect "answers from the table again" "192.0.2.11 192.0.2.12" \
    "$(st_dig +short fo.example.test A | sort | tr '\n' ' ' | sed 's/ $//')"
st_done
