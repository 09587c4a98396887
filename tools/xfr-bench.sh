#!/bin/bash
# A large zone from steerd to knotd by AXFR with a TSIG key, while a client
# keeps asking steerd over UDP. Reports how long the transfer took (knotd's
# own figure and from its start until it serves the zone), steerd's CPU time
# during it, and the UDP queries answered meanwhile (with their slowest
# answer).
#
# usage: tools/xfr-bench.sh [-n RECORDS] [-b BUILD_DIR]
#   -n RECORDS   records in the zone (default 1000000)
#   -b DIR       where steerd was built (default ./build)
# Everything runs on 127.0.0.1 from a temporary folder (TMPDIR); processes
# are stopped by their PID. Needs knotd, dig and python3 with dnspython.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
records=1000000
build=$top/build
while getopts "n:b:h" o; do
    case $o in
        n) records=$OPTARG ;;
        b) build=$OPTARG ;;
        *) sed -n '2,13p' "$0"; exit 2 ;;
    esac
done
for t in knotd dig; do
    command -v "$t" >/dev/null || { echo "xfr-bench: $t is not installed" >&2; exit 2; }
done
py=/usr/bin/python3
"$py" -c 'import dns.message' 2>/dev/null || py=python3
"$py" -c 'import dns.message' 2>/dev/null || { echo "xfr-bench: python3-dnspython missing" >&2; exit 2; }
[ -x "$build/steerd" ] || { echo "xfr-bench: no steerd in $build (-b DIR)" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/xfr-bench.XXXXXX")
pids=()
cleanup() {
    local p
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${pids[@]}"; do
        for _ in $(seq 1 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    [ -n "${XFR_BENCH_KEEP:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT

port() {
    "$py" - <<'PY'
import random, socket
for _ in range(200):
    p = random.randint(10000, 32000)
    try:
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", p))
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM); t.bind(("127.0.0.1", p))
        u.close(); t.close(); print(p); break
    except OSError:
        pass
PY
}
sport=$(port)
kport=$(port)
secret=AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=

echo "# zone of $records records"
"$py" "$top/tools/zone-gen.py" -n "$records" --origin big.test. -o "$tmp/big.test.zone" || exit 1
cat >"$tmp/steerd.yaml" <<EOF
server:
  listen: ["127.0.0.1:$sport"]
tsig:
  xfr-key: { algorithm: hmac-sha256, secret: "$secret" }
zones:
  big.test:
    file: big.test.zone
    allow_transfer: [xfr-key]
health:
  table: $tmp/health.shm
EOF
"$build/steerd" -c "$tmp/steerd.yaml" >"$tmp/steerd.log" 2>&1 &
spid=$!
pids+=("$spid")
for _ in $(seq 1 600); do
    dig @127.0.0.1 -p "$sport" +time=1 +tries=1 +short big.test SOA >/dev/null 2>&1 && break
    kill -0 "$spid" 2>/dev/null || { cat "$tmp/steerd.log"; exit 1; }
    sleep 0.1
done
echo "# steerd: $(grep -o 'serial [0-9]*, [0-9]* records' "$tmp/steerd.log" | head -1)"

mkdir -p "$tmp/knot/db" "$tmp/knot/zones"
cat >"$tmp/knot/knot.conf" <<EOF
server:
    rundir: "$tmp/knot"
    pidfile: "$tmp/knot/knot.pid"
    listen: 127.0.0.1@$kport
log:
  - target: "$tmp/knot/knot.log"
    any: info
database:
    storage: "$tmp/knot/db"
key:
  - id: xfr-key
    algorithm: hmac-sha256
    secret: $secret
remote:
  - id: steerd
    address: 127.0.0.1@$sport
    key: xfr-key
template:
  - id: default
    storage: "$tmp/knot/zones"
    zonefile-sync: -1
    journal-content: none
zone:
  - domain: big.test
    master: steerd
EOF

# The UDP client: queries names of the zone back to back (one in flight)
# until told to stop; prints sent, answered, slowest.
"$py" - "$sport" "$tmp/stop" >"$tmp/udp.out" 2>&1 <<'PY' &
import os, socket, sys, time
import dns.message, dns.rcode
port, stop = int(sys.argv[1]), sys.argv[2]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(1.0)
sent = answered = 0
slowest = 0.0
i = 0
while not os.path.exists(stop):
    i += 1
    q = dns.message.make_query("h%d.big.test." % (i % 50000 + 1), "A")
    t0 = time.monotonic()
    s.sendto(q.to_wire(), ("127.0.0.1", port))
    sent += 1
    try:
        while True:
            r = dns.message.from_wire(s.recv(4096))
            if r.id == q.id:
                break
        answered += 1
        slowest = max(slowest, time.monotonic() - t0)
    except (socket.timeout, dns.exception.DNSException):
        pass
print("%d %d %.1f" % (sent, answered, slowest * 1000))
PY
upid=$!
pids+=("$upid")

ticks=$(getconf CLK_TCK)
cpu() { awk '{print $14 + $15}' "/proc/$spid/stat"; }
c0=$(cpu)
t0=$(date +%s%N)
knotd -c "$tmp/knot/knot.conf" >"$tmp/knot/stdout.log" 2>&1 &
kpid=$!
pids+=("$kpid")
serial=$(dig @127.0.0.1 -p "$sport" +short big.test SOA | awk '{print $3}')
for _ in $(seq 1 3000); do
    [ "$(dig @127.0.0.1 -p "$kport" +time=1 +tries=1 +short big.test SOA | awk '{print $3}')" = "$serial" ] && break
    kill -0 "$kpid" 2>/dev/null || break
    sleep 0.1
done
t1=$(date +%s%N)
c1=$(cpu)
touch "$tmp/stop"
wait "$upid" 2>/dev/null

line=$(grep 'AXFR, incoming.*finished' "$tmp/knot/knot.log" | tail -1)
if [ -z "$line" ]; then
    echo "xfr-bench: knotd did not finish the transfer" >&2
    tail -20 "$tmp/knot/knot.log" >&2
    tail -5 "$tmp/steerd.log" >&2
    exit 1
fi
read -r sent answered slowest <"$tmp/udp.out"
echo "# knotd: ${line#*finished, }"
printf 'records\t%s\n' "$records"
printf 'transfer_s (knotd)\t%s\n' "$(printf '%s\n' "$line" | sed -n 's/.*finished, \([0-9.]*\) seconds.*/\1/p')"
printf 'until_served_s\t%s\n' "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.2f", (b - a) / 1e9 }')"
printf 'steerd_cpu_s\t%s\n' "$(awk -v a="$c0" -v b="$c1" -v t="$ticks" 'BEGIN { printf "%.2f", (b - a) / t }')"
printf 'udp_answered\t%s of %s (slowest %s ms)\n' "$answered" "$sent" "$slowest"
printf 'messages\t%s\n' "$(printf '%s\n' "$line" | sed -n 's/.* \([0-9]*\) messages.*/\1/p')"
printf 'bytes\t%s\n' "$(printf '%s\n' "$line" | sed -n 's/.* \([0-9]*\) bytes.*/\1/p')"
