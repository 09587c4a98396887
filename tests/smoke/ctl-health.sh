#!/bin/bash
# steerctl with the real checker: health shows the checker's state, RTT and
# last error; status shows the table's heartbeat and checker pid, then the
# table going stale; a dial ramp stops when the checker finds the region
# down; metrics follow.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"
. "$top_srcdir/tests/smoke/ctl-common.sh"
st_need_dig
st_need python3 curl

BACKEND=$top_srcdir/tests/data/health/backend.py
ctl_setup
BP=$(st_free_port 127.0.0.1)
echo ok >mode
st_start backend python3 "$BACKEND" --port "$BP" --mode-file "$ST_TMP/mode"
for _ in $(seq 1 100); do grep -q ready backend.log 2>/dev/null && break; sleep 0.05; done

# The config of ctl-common with a check on use2-a.
python3 - "$BP" <<'PY'
import sys
p = sys.argv[1]
s = open("steerd.yaml").read()
s = s.replace("health:\n  table: run/health.shm\n",
              "health:\n  table: run/health.shm\n  stale_after: 3s\n"
              "checks:\n  web: { type: http, path: /healthz, expect_body: OK, interval: 500ms,"
              " timeout: 400ms, rise: 1, fall: 2 }\n")
s = s.replace("use2-a: { address: 198.51.100.11 }",
              'use2-a: { address: 198.51.100.11, check: web, check_target: "127.0.0.1:%s" }' % p)
open("steerd.yaml", "w").write(s)
PY

st_start steercheck "$top_builddir/steercheck" -c "$CTL_CONF"
checker=$ST_PID
ctl_start

ctl_wait_health '^use2-a +us-east-2 +up +up ' || true
st_expect_match "checker up with RTT" '^use2-a +us-east-2 +up +up +- +[0-9.]+(ms|s) +[0-9.]+ms +- *$' "$CTL_OUT"
ctl health --json
st_expect "health --json" "up up true" "$(printf '%s' "$CTL_OUT" | python3 -c '
import json, sys
e = [x for x in json.load(sys.stdin) if x["endpoint"] == "use2-a"][0]
print(e["state"], e["checker"], str(e["rtt_ms"] > 0).lower())')"
ctl status
st_expect_match "status shows the checker" "^health table .*run/health\.shm, heartbeat age [0-9.]+m?s, checker pid $checker beating, fresh" "$CTL_OUT"

st_expect_match "metrics: rtt" '^steerdns_endpoint_rtt_seconds\{endpoint="use2-a",region="us-east-2"\} 0\.[0-9]+$' \
    "$(curl -s --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics")"

# A ramp on us-east-2 stops when the checker finds its only endpoint down.
ctl dial us-east-2 20
ctl dial us-east-2 80 --over 30s
st_expect "ramp started" "0" "$CTL_RC"
echo 500 >mode
ctl_wait_health '^use2-a +us-east-2 +down +down ' || true
st_expect_match "checker down with error" '^use2-a +us-east-2 +down +down +- +[0-9.]+m?s .*(500|status)' "$CTL_OUT"
for _ in $(seq 1 30); do ctl status; printf '%s\n' "$CTL_OUT" | grep -q 'stopped at' && break; sleep 0.1; done
st_expect_match "ramp stopped by the checker" 'ramp 20% -> 80% over 30s stopped at [0-9]+%: region unhealthy \(0 of 1 endpoints up' "$CTL_OUT"
st_expect_match "dial back" 'region us-east-2 UNHEALTHY, 0/1 endpoints up, dial 20%' "$CTL_OUT"
st_expect "metrics: endpoint down" "0" \
    "$(curl -s --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics" | awk '$1 == "steerdns_endpoint_up{endpoint=\"use2-a\",region=\"us-east-2\"}" { print $2 }')"

# force up overrides the checker; the table goes stale when the checker stops.
ctl force use2-a up
ctl health
st_expect_match "forced up over a down checker" '^use2-a +us-east-2 +up +down +up ' "$CTL_OUT"
# Right after the checker goes, status says so: gone (kill -9) or exited
# (a clean stop), the table ageing, and when it will be stale.
metric() { curl -s --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics" | awk -v k="$1" '$1 == k { print $2 }'; }
st_expect "metrics: checker beating" "1" "$(metric steerdns_health_checker_beating)"
kill -9 "$checker"
wait "$checker" 2>/dev/null
for _ in $(seq 1 30); do ctl status; printf '%s\n' "$CTL_OUT" | grep -q "pid $checker gone" && break; sleep 0.1; done
st_expect_match "status right after kill -9: gone, ageing" "^health table .*run/health\.shm, heartbeat age [0-9.]+m?s, checker pid $checker gone, ageing \(stale in [0-9.]+m?s, then last-known states\)" "$CTL_OUT"
st_expect "metrics: checker not beating" "0" "$(metric steerdns_health_checker_beating)"
ctl status --json
st_expect "status --json: gone, not stale yet" "gone False True" "$(printf '%s' "$CTL_OUT" | python3 -c '
import json, sys
h = json.load(sys.stdin)["health"]
print(h["checker"], h["stale"], h["stale_in_seconds"] > 0)')"
st_start steercheck "$top_builddir/steercheck" -c "$CTL_CONF"
checker=$ST_PID
for _ in $(seq 1 50); do ctl status; printf '%s\n' "$CTL_OUT" | grep -q "pid $checker beating, fresh" && break; sleep 0.1; done
st_expect_match "a new checker: beating" "checker pid $checker beating, fresh" "$CTL_OUT"
st_stop "$checker"
ctl status
st_expect_match "status right after a clean stop: exited, ageing" "^health table .*run/health\.shm, heartbeat age [0-9.]+m?s, checker pid 0 exited, ageing \(stale in [0-9.]+m?s, then last-known states\)" "$CTL_OUT"
st_expect_match "the log says the checker went" "health table .*run/health\.shm, checker pid [0-9]+ (gone|exited) \(heartbeat [0-9]+ms old\): the states age, stale in [0-9]+ms" "$(cat steerd.log)"
for _ in $(seq 1 60); do ctl status; printf '%s\n' "$CTL_OUT" | grep -q STALE && break; sleep 0.1; done
st_expect_match "status says stale" '^health table .*run/health\.shm, heartbeat age [0-9.]+m?s, checker pid 0 exited, STALE \(last-known states\)' "$CTL_OUT"
st_expect "metrics: stale" "1" \
    "$(curl -s --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics" | awk '$1 == "steerdns_health_table_stale" { print $2 }')"

# A slot damaged in place (no checker writes any more): a state of no known
# value, then a sequence word stuck odd over a state that says up. The
# endpoint was down: it stays down (last-known), and steerctl health,
# status and /metrics agree.
ctl force use2-a clear
poke() { # FIELD-OFFSET VALUE: write one word of use2-a's slot
    python3 - "$1" "$2" <<'PY'
import mmap, struct, sys
off, val = int(sys.argv[1]), int(sys.argv[2])
with open("run/health.shm", "r+b") as f:
    m = mmap.mmap(f.fileno(), 0)
    n = struct.unpack_from("<I", m, 20)[0]
    for i in range(n):
        base = 128 + 256 * i
        if m[base + 136:base + 136 + 7] == b"use2-a\0":
            struct.pack_into("<I", m, base + off, val)
    m.close()
PY
}
metric() { curl -s --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics" | awk -v k="$1" '$1 == k { print $2 }'; }
agree() { # LABEL: health, status and metrics all say use2-a is down
    sleep 0.3 # a few ticks
    ctl health
    st_expect_match "$1: health says down, slot corrupt" '^use2-a +us-east-2 +down +corrupt ' "$CTL_OUT"
    ctl status
    st_expect_match "$1: status counts it down" 'region us-east-2 UNHEALTHY, 0/1 endpoints up' "$CTL_OUT"
    st_expect "$1: metrics say down" "0" "$(metric 'steerdns_endpoint_up{endpoint="use2-a",region="us-east-2"}')"
    st_expect "$1: metrics count the slot" "1" "$(metric steerdns_health_table_unreadable_slots)"
}
poke 4 9
agree "state 9"
poke 0 1001
poke 4 1
agree "sequence word stuck odd"
st_expect_match "the log says so" 'health table .*1 slot not readable .*keeping their last states' "$(cat steerd.log)"

st_done
