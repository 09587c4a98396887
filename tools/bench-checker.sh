#!/bin/bash
# Scale benchmark for steercheck: N endpoints (default 1000), each an HTTP
# listener on its own 127.0.0.0/8 address, probed every second by one
# steercheck. Reports the checker's CPU (utime+stime from /proc over the
# measuring window) and RSS. Targets: < 10% of one core, < 50 MB.
#
# usage: tools/bench-checker.sh [-n ENDPOINTS] [-d SECONDS] [-i INTERVAL] [-t http|tcp]
#                               [-b BUILDDIR]
# Not part of make check (it runs for about a minute).
set -u

N=1000 DURATION=30 INTERVAL=1s TYPE=http
SRC=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${top_builddir:-$SRC/build}
while getopts "n:d:i:t:b:h" o; do
    case $o in
    n) N=$OPTARG ;;
    d) DURATION=$OPTARG ;;
    i) INTERVAL=$OPTARG ;;
    t) TYPE=$OPTARG ;;
    b) BUILD=$OPTARG ;;
    *) sed -n '2,10p' "$0"; exit 2 ;;
    esac
done
SC=$BUILD/steercheck
[ -x "$SC" ] || { echo "no steercheck in $BUILD (build first, or -b BUILDDIR)"; exit 2; }
command -v cc >/dev/null || { echo "cc needed"; exit 2; }
[ "$N" -ge 1 ] && [ "$N" -le 60000 ] || { echo "-n must be 1..60000"; exit 2; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/bench-checker.XXXXXX")
PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do
        for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    rm -rf "$TMP"
}
trap cleanup EXIT

PORT=18080
# Address i: 127.1.(i / 250).(i % 250 + 1)
addr() { echo "127.1.$(($1 / 250)).$(($1 % 250 + 1))"; }

# The listeners: one small epoll process (tests/data/health/listeners.c,
# built here) serving every address.
cc -O2 -o "$TMP/listeners" "$SRC/tests/data/health/listeners.c" || { echo "cannot build the listeners"; exit 2; }
"$TMP/listeners" "$N" "$PORT" >"$TMP/listeners.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 200); do grep -q ready "$TMP/listeners.log" && break; sleep 0.1; done
grep -q ready "$TMP/listeners.log" || { echo "listeners did not start"; cat "$TMP/listeners.log"; exit 1; }

{
    echo "health:"
    echo "  table: $TMP/health.shm"
    echo "checks:"
    if [ "$TYPE" = tcp ]; then
        echo "  web: { type: tcp, port: $PORT, interval: $INTERVAL, timeout: 500ms, rise: 2, fall: 2 }"
    else
        echo "  web: { type: http, port: $PORT, path: /healthz, expect_body: OK, interval: $INTERVAL, timeout: 500ms, rise: 2, fall: 2 }"
    fi
    echo "regions:"
    r=-1
    for i in $(seq 0 $((N - 1))); do
        if [ $((i % 100)) -eq 0 ]; then
            r=$((r + 1))
            echo "  region-$r:"
            echo "    endpoints:"
        fi
        echo "      ep-$i: { address: $(addr "$i"), check: web }"
    done
} >"$TMP/bench.yaml"

"$SC" -c "$TMP/bench.yaml" --log-level warning >"$TMP/steercheck.log" 2>&1 &
SC_PID=$!
PIDS+=("$SC_PID")

ticks() { awk '{ print $14 + $15 }' "/proc/$SC_PID/stat"; }
uticks() { awk '{ print $14 }' "/proc/$SC_PID/stat"; }
HZ=$(getconf CLK_TCK)
sleep 5 # warm-up: every endpoint probed a few times
kill -0 "$SC_PID" 2>/dev/null || { echo "steercheck exited"; cat "$TMP/steercheck.log"; exit 1; }
t0=$(ticks)
u0=$(uticks)
w0=$(date +%s%N)
sleep "$DURATION"
t1=$(ticks)
u1=$(uticks)
w1=$(date +%s%N)
rss_kb=$(awk '/^VmRSS/ { print $2 }' "/proc/$SC_PID/status")
hwm_kb=$(awk '/^VmHWM/ { print $2 }' "/proc/$SC_PID/status")
dump=$("$SC" --dump --table "$TMP/health.shm")
up=$(printf '%s\n' "$dump" | awk 'NR > 2 && $2 == "up"' | wc -l)
down=$(printf '%s\n' "$dump" | awk 'NR > 2 && $2 != "up"' | wc -l)

wall_ms=$(((w1 - w0) / 1000000))
cpu_ms=$(((t1 - t0) * 1000 / HZ))
pct=$(awk -v c="$cpu_ms" -v w="$wall_ms" 'BEGIN { printf "%.2f", 100 * c / w }')
echo "steercheck: $N $TYPE endpoints every $INTERVAL, measured over $((wall_ms / 1000)) s"
user_ms=$(((u1 - u0) * 1000 / HZ))
echo "  cpu: ${cpu_ms} ms in ${wall_ms} ms = ${pct}% of one core (target < 10%)"
echo "       ${user_ms} ms user, $((cpu_ms - user_ms)) ms system (on loopback the kernel's work for"
echo "       both ends of each connection is largely charged to the connecting process)"
echo "  rss: $((rss_kb / 1024)) MB now, $((hwm_kb / 1024)) MB peak (target < 50 MB)"
echo "  table: $up up, $down not up"
ok=1
awk -v p="$pct" 'BEGIN { exit !(p < 10) }' || ok=0
[ "$hwm_kb" -lt $((50 * 1024)) ] || ok=0
[ "$down" -eq 0 ] || { ok=0; printf '%s\n' "$dump" | awk 'NR > 2 && $2 != "up"' | head -5; }
[ $ok = 1 ] && echo "PASS" || echo "FAIL"
[ $ok = 1 ]
