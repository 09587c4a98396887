#!/usr/bin/env bash
# Measure a fleet on loopback (a real three-member etcd cluster, three
# sites as in tests/smoke/fleet-health.sh); figures, not a test.
#
#   tools/fleet-measure.sh propagation [N]
#       N times (default 10): region east goes down, then up again. For each
#       change, the quorum's last vote (the vantage point whose change of
#       view completed the majority, from its log) against the moment each
#       nameserver's answer changed (polled every 5 ms by one thread per
#       site): how long an agreed change takes to reach every nameserver.
#   tools/fleet-measure.sh load [ENDPOINTS] [SECONDS]
#       three vantage points checking ENDPOINTS endpoints (default 1000,
#       TCP checks every 1 s against one local listener): etcd's writes
#       (raft proposals, puts, deletes) and lease keep-alives per second,
#       at start, in a steady state of SECONDS (default 60), and with 1% of
#       the endpoints changing state every 10 s.
#
# Build first (tools/test.sh or make in build/); needs etcd-server,
# etcd-client, curl, dig and python3-dnspython. Loopback only; every
# process stopped by its PID.
set -u
top_srcdir=$(cd "$(dirname "$0")/.." && pwd)
: "${top_builddir:=$top_srcdir/build}"
export top_srcdir top_builddir
. "$top_srcdir/tests/smoke/lib.sh"
. "$top_srcdir/tests/smoke/etcd-lib.sh"
. "$top_srcdir/tests/smoke/fleet-lib.sh"
st_need_dig
st_etcd_need
PY=/usr/bin/python3

mode=${1:-}
shift || true

# The first of the vantage points' log lines "endpoint e1, STATE" after
# time T0 (unix ms), as unix ms, per site; the quorum's last vote is the
# second of the three (majority of three).
vote_times() {
    local state=$1 t0=$2 i
    for i in 1 2 3; do
        $PY - "$ST_TMP/steercheck$i.log" "$state" "$t0" <<'PY'
import datetime, re, sys
path, state, t0 = sys.argv[1], sys.argv[2], int(sys.argv[3])
for line in open(path):
    m = re.match(r"(\S+Z) steercheck\[\d+\]: \w+: endpoint e1, %s \(" % state, line)
    if not m:
        continue
    t = datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%fZ").replace(
        tzinfo=datetime.timezone.utc).timestamp() * 1000
    if t >= t0:
        print(int(t))
        break
PY
    done
}

propagation() {
    local n=${1:-10}
    fleet_setup || exit 1
    for i in 1 2 3; do fleet_start_site "$i" || exit 1; done
    fleet_wait_until 30 eval 'fleet_all_say www.example.test 192.0.2.1' || { echo "no start"; exit 1; }
    sleep 2
    local results=$ST_TMP/propagation.txt
    : >"$results"
    for r in $(seq 1 "$n"); do
        for dir in down up; do
            local want=198.51.100.1 mode=500 state=down
            [ $dir = up ] && want=192.0.2.1 mode=ok state=up
            local t0
            t0=$(($(date +%s%N) / 1000000))
            # pollers first, then the fault
            $PY - "$FLEET_PORT" "$want" >"$ST_TMP/poll.out" <<'PY' &
import sys, threading, time
import dns.message, dns.query, dns.rdatatype
port, want = int(sys.argv[1]), sys.argv[2]
seen = {}
def poll(i):
    q = dns.message.make_query("www.example.test", dns.rdatatype.A)
    end = time.time() + 20
    while time.time() < end:
        try:
            r = dns.query.udp(q, "127.0.20.%d" % i, port=port, timeout=0.2)
            if [rr.address for rrset in r.answer for rr in rrset] == [want]:
                seen[i] = int(time.time() * 1000)
                return
        except Exception:
            pass
        time.sleep(0.005)
ts = [threading.Thread(target=poll, args=(i,)) for i in (1, 2, 3)]
for t in ts: t.start()
for t in ts: t.join()
print(" ".join(str(seen.get(i, 0)) for i in (1, 2, 3)))
PY
            local poller=$!
            sleep 0.2
            echo "$mode" >"$ST_TMP/east.mode"
            wait "$poller"
            local seen votes
            seen=$(cat "$ST_TMP/poll.out")
            votes=$(vote_times "$state" "$t0" | sort -n | paste -sd' ' -)
            echo "$dir votes: $votes  answers: $seen" >>"$results"
            sleep 2
        done
    done
    $PY - "$results" <<'PY'
import statistics, sys
rows = []
for line in open(sys.argv[1]):
    d, rest = line.split(" votes: ")
    votes, answers = rest.split("  answers: ")
    v = sorted(int(x) for x in votes.split())
    a = [int(x) for x in answers.split()]
    if len(v) < 2 or 0 in a:
        print("incomplete:", line.strip())
        continue
    last_vote = v[1]  # the second of three completes the majority
    rows.append((d, [x - last_vote for x in a], max(a) - min(a)))
for d in ("down", "up"):
    lat = [x for dd, xs, _ in rows if dd == d for x in xs]
    spread = [s for dd, _, s in rows if dd == d]
    if lat:
        print("%s: %d changes x 3 nameservers: last vote -> answer median %d ms, max %d ms; "
              "spread between nameservers median %d ms, max %d ms"
              % (d, len(lat) // 3, statistics.median(lat), max(lat), statistics.median(spread), max(spread)))
PY
    echo "(raw: $results; log timestamps have 1 ms resolution, answers polled every 5 ms)"
}

# Sum of a metric over the members (keep-alives are handled by one member
# each), or the value of one member (proposals and puts are applied by all).
etcd_metric() {
    local name=$1 how=$2 total=0 v e
    for e in $(echo "$ST_ETCD_ENDPOINTS" | tr , ' '); do
        v=$(curl -s "$e/metrics" | awk -v n="$name" '$1 ~ "^"n {s += $2} END {print s + 0}')
        if [ "$how" = one ]; then echo "$v"; return; fi
        total=$(echo "$total + $v" | bc)
    done
    echo "$total"
}

snapshot() {
    echo "$(etcd_metric etcd_server_proposals_committed_total one) $(etcd_metric etcd_mvcc_put_total one)" \
        "$(etcd_metric etcd_mvcc_delete_total one)" \
        "$(etcd_metric 'grpc_server_handled_total{grpc_code="OK",grpc_method="LeaseKeepAlive"' sum)"
}

rates() {
    local label=$1 a=$2 b=$3 secs=$4
    $PY - "$label" "$a" "$b" "$secs" <<'PY'
import sys
label, a, b, secs = sys.argv[1], [float(x) for x in sys.argv[2].split()], [float(x) for x in sys.argv[3].split()], float(sys.argv[4])
d = [(y - x) / secs for x, y in zip(a, b)]
print("%-34s raft proposals %7.2f/s, puts %7.2f/s, deletes %5.2f/s, lease keep-alives %5.2f/s"
      % (label, d[0], d[1], d[2], d[3]))
PY
}

load() {
    local n=${1:-1000} secs=${2:-60}
    command -v bc >/dev/null || st_skip "bc not installed"
    st_etcd_start etcd 3 || exit 1
    local port
    port=$(st_free_port 127.0.30.1)
    # one listener that accepts and closes: a TCP check passes
    st_start listener $PY -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.30.1", int(sys.argv[1]))); s.listen(4096)
print("ready", flush=True)
while True:
    c, _ = s.accept(); c.close()' "$port"
    for _ in $(seq 1 50); do grep -q ready "$ST_TMP/listener.log" && break; sleep 0.1; done
    # the endpoints that will flap: their check_target is a port that
    # the flapper opens and closes
    local fport
    fport=$(st_free_port 127.0.30.2)
    for i in 1 2 3; do
        mkdir -p "$ST_TMP/site$i/run"
        {
            printf 'health:\n  table: run/health.shm\n  source: 127.0.10.%d\n' "$i"
            printf 'checks:\n  tcp: { type: tcp, interval: 1s, timeout: 500ms, rise: 1, fall: 1 }\n'
            printf 'regions:\n  r:\n    endpoints:\n'
            for e in $(seq 1 "$n"); do
                if [ "$e" -le $((n / 100)) ]; then
                    printf '      e%d: { address: 192.0.2.1, check: tcp, check_target: "127.0.30.2:%d" }\n' "$e" "$fport"
                else
                    printf '      e%d: { address: 192.0.2.1, check: tcp, check_target: "127.0.30.1:%d" }\n' "$e" "$port"
                fi
            done
            printf 'fleet:\n  name: use%d\n  etcd: [%s]\n  view_ttl: 5s\n' "$i" "$ST_ETCD_ENDPOINTS"
        } >"$ST_TMP/site$i/steerd.yaml"
    done
    # the flapping endpoints start up
    st_start flapper $PY -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.30.2", int(sys.argv[1]))); s.listen(4096); s.setblocking(False)
print("ready", flush=True)
import select
while True:
    r, _, _ = select.select([s], [], [], 1)
    if r:
        try:
            c, _ = s.accept(); c.close()
        except BlockingIOError:
            pass' "$fport"
    local flapper=$ST_PID
    local t0 s0 s1 s2 s3 s4
    s0=$(snapshot)
    t0=$(date +%s)
    for i in 1 2 3; do fleet_start_checker "$i"; done
    sleep 10
    s1=$(snapshot)
    rates "start (first 10 s, $n x 3 views)" "$s0" "$s1" 10
    sleep "$secs"
    s2=$(snapshot)
    rates "steady, ${secs}s" "$s1" "$s2" "$secs"
    # 1% of the endpoints change state every 10 s
    local end=$(($(date +%s) + secs)) down=0
    while [ "$(date +%s)" -lt "$end" ]; do
        if [ $down = 0 ]; then st_stop "$flapper"; down=1; else
            st_start flapper $PY -c '
import socket, sys, select
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.30.2", int(sys.argv[1]))); s.listen(4096)
while True:
    c, _ = s.accept(); c.close()' "$fport"
            flapper=$ST_PID down=0
        fi
        sleep 10
    done
    s3=$(snapshot)
    rates "1% of endpoints changing every 10 s" "$s2" "$s3" "$secs"
    echo "(changes in that phase: $((n / 100)) endpoints x 3 vantage points every 10 s =" \
        "$(echo "scale=2; $n / 100 * 3 / 10" | bc) views/s)"
}

case $mode in
propagation) propagation "$@" ;;
load) load "$@" ;;
*)
    sed -n '2,20p' "$0"
    exit 2
    ;;
esac
