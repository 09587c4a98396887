#!/bin/bash
# Routed-answer counters stay with their names across reloads: a config
# that adds, removes and reorders records, regions and endpoints moves no
# count to another name in `steerctl stats --json` or /metrics, no count
# goes down, and a name that leaves and comes back continues from its count.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"
. "$top_srcdir/tests/smoke/ctl-common.sh"
st_need_dig
st_need curl
ctl_setup
: "${PYTHON:=python3}"

# conf_a: www -> us-east-1 (all of use1-a, use1-b), api -> us-east-2 (use2-a).
conf_a() {
    cat >steerd.yaml <<EOF2
server:
  listen: ["127.0.0.1:$ST_PORT"]
  workers: 2
  control: run/steerd.sock
  metrics: 127.0.0.1:$METRICS_PORT
  state_dir: run/state
zones:
  example.test: zones/example.test.zone
health:
  table: run/health.shm
regions:
  us-east-1:
    select: all
    endpoints:
      use1-a: { address: 192.0.2.11 }
      use1-b: { address: 192.0.2.12 }
  us-east-2:
    endpoints:
      use2-a: { address: 198.51.100.11 }
records:
  www.example.test:
    type: A
    policy: failover
    regions: [us-east-1, us-east-2]
  api.example.test:
    type: A
    policy: simple
    regions: [us-east-2]
EOF2
}
# conf_b: a new region and record first, us-east-1 last with a new endpoint
# first and its old ones swapped; api removed.
conf_b() {
    cat >steerd.yaml <<EOF2
server:
  listen: ["127.0.0.1:$ST_PORT"]
  workers: 2
  control: run/steerd.sock
  metrics: 127.0.0.1:$METRICS_PORT
  state_dir: run/state
zones:
  example.test: zones/example.test.zone
health:
  table: run/health.shm
regions:
  eu-west-1:
    endpoints:
      euw1-a: { address: 203.0.113.21 }
  us-east-2:
    endpoints:
      use2-a: { address: 198.51.100.11 }
  us-east-1:
    select: all
    endpoints:
      use1-c: { address: 192.0.2.13 }
      use1-b: { address: 192.0.2.12 }
      use1-a: { address: 192.0.2.11 }
records:
  eu.example.test:
    type: A
    policy: simple
    regions: [eu-west-1]
  www.example.test:
    type: A
    policy: failover
    regions: [us-east-1, us-east-2]
EOF2
}

conf_a
ctl_start
ask() { local n=$2; for _ in $(seq 1 "$n"); do st_dig +short "$1.example.test" A >/dev/null; done; }

# snap NAME: the counters by name from both interfaces into NAME.stats and
# NAME.metrics ("kind name value" lines, sorted).
snap() {
    ctl stats --json
    [ "$CTL_RC" = 0 ] || { echo "stats failed: $CTL_OUT"; exit 1; }
    printf '%s\n' "$CTL_OUT" | "$PYTHON" -c '
import json, sys
s = json.load(sys.stdin)
for r in s["records"]: print("record", r["owner"] + "/" + r["type"], r["answers"])
for r in s["regions"]: print("region", r["name"], r["answers"])
for e in s["endpoints"]: print("endpoint", e["region"] + "/" + e["name"], e["answers"])
' | sort >"$1.stats"
    curl -s --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics" | "$PYTHON" -c '
import re, sys
regions = {}
for line in sys.stdin:
    m = re.match(r"steerdns_answers_total\{region=\"([^\"]*)\",endpoint=\"([^\"]*)\"\} (\d+)$", line)
    if m:
        print("endpoint", m.group(1) + "/" + m.group(2), m.group(3))
        regions[m.group(1)] = regions.get(m.group(1), 0) + int(m.group(3))
    m = re.match(r"steerdns_record_answers_total\{record=\"([^\"]*)\"\} (\d+)$", line)
    if m:
        print("record", m.group(1), m.group(2))
' | sort >"$1.metrics"
}

# expect LABEL SNAP "kind name value" ...: those lines are in both views.
expect() {
    local label=$1 snapname=$2; shift 2
    local line
    for line in "$@"; do
        st_expect "$label: stats $line" "$line" "$(grep -Fx -- "$line" "$snapname.stats" || echo "missing; have: $(grep -F -- "${line% *} " "$snapname.stats")")"
        case $line in region*) continue ;; esac # /metrics labels regions per endpoint
        st_expect "$label: metrics $line" "$line" "$(grep -Fx -- "$line" "$snapname.metrics" || echo "missing; have: $(grep -F -- "${line% *} " "$snapname.metrics")")"
    done
}

# monotonic OLD NEW: no name present in both went down.
monotonic() {
    local f
    for f in stats metrics; do
        st_expect "no count went down ($1 -> $2, $f)" "" \
            "$(join <(awk '{print $1"|"$2, $3}' "$1.$f" | sort) <(awk '{print $1"|"$2, $3}' "$2.$f" | sort) | awk '$3 < $2')"
    done
}

ask www 4
ask api 2
snap a1
expect "config a" a1 "record www.example.test./A 4" "record api.example.test./A 2" \
    "region us-east-1 8" "region us-east-2 2" \
    "endpoint us-east-1/use1-a 4" "endpoint us-east-1/use1-b 4" "endpoint us-east-2/use2-a 2"

conf_b
ctl reload
st_expect "reload to b" "0" "$CTL_RC"
snap b0
expect "right after reload to b" b0 "record eu.example.test./A 0" "record www.example.test./A 4" \
    "region eu-west-1 0" "region us-east-2 2" "region us-east-1 8" \
    "endpoint eu-west-1/euw1-a 0" "endpoint us-east-2/use2-a 2" "endpoint us-east-1/use1-c 0" \
    "endpoint us-east-1/use1-b 4" "endpoint us-east-1/use1-a 4"
st_expect "api gone from stats" "" "$(grep api b0.stats)"
monotonic a1 b0

ask www 3
ask eu 5
snap b1
expect "config b" b1 "record eu.example.test./A 5" "record www.example.test./A 7" \
    "region eu-west-1 5" "region us-east-2 2" "region us-east-1 17" \
    "endpoint eu-west-1/euw1-a 5" "endpoint us-east-2/use2-a 2" "endpoint us-east-1/use1-c 3" \
    "endpoint us-east-1/use1-b 7" "endpoint us-east-1/use1-a 7"
monotonic b0 b1

# Back: api continues from 2; a zone-only reload and SIGHUP keep the counts.
conf_a
kill -HUP "$ST_STEERD_PID"
for _ in $(seq 1 50); do
    ctl stats
    printf '%s\n' "$CTL_OUT" | grep -q '^record api' && break
    sleep 0.1
done
ask api 1
ctl reload example.test
st_expect "zone reload" "0" "$CTL_RC"
ask www 1
snap a2
expect "config a again" a2 "record www.example.test./A 8" "record api.example.test./A 3" \
    "region us-east-1 19" "region us-east-2 3" \
    "endpoint us-east-1/use1-a 8" "endpoint us-east-1/use1-b 8" "endpoint us-east-2/use2-a 3"
monotonic b1 a2
monotonic a1 a2

# Answers while reloads move the names: every answer counted once, under
# the name that answered (www always hands out use1-a and use1-b together).
for i in 1 2 3 4 5; do
    ask www 5 &
    qpid=$!
    if [ $((i % 2)) = 1 ]; then conf_b; else conf_a; fi
    ctl reload
    st_expect "reload $i under queries" "0" "$CTL_RC"
    wait "$qpid"
done
snap b2
expect "after reloads under queries" b2 "record www.example.test./A 33" \
    "endpoint us-east-1/use1-a 33" "endpoint us-east-1/use1-b 33"
# The region's count is its endpoints' (use1-c answers only under b).
c=$(awk '$2 == "us-east-1/use1-c" {print $3}' b2.stats)
expect "region is the sum of its endpoints" b2 "region us-east-1 $((33 + 33 + c))"
monotonic a2 b2
monotonic b1 b2

st_done
