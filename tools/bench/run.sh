#!/usr/bin/env bash
# DNS benchmark: server CPU time per answered query for steerd, knotd, nsd
# and gdnsd on the same generated zone and query mix, over UDP and TCP.
#
# Usage: tools/bench/run.sh [options]
#   --servers LIST    comma-separated subset of steerd,knotd,nsd,gdnsd
#                     (default: all that are installed / built)
#   --steerd PATH     steerd binary (default: $STEERD, else build*/steerd
#                     under the source tree, newest first)
#   --transports LIST udp,tcp (default both)
#   --udp-rate N      offered load for UDP, queries/s (default 50000)
#   --tcp-rate N      offered load for TCP, queries/s (default 20000)
#   --max             add a pass without a rate limit (dnsperf as fast as
#                     its single core goes)
#   --duration S      seconds per pass (default 15)
#   --repeat N        rounds over all servers (interleaved, so background
#                     load drifts hit all alike); the table shows medians
#                     (default 1)
#   --quick           short passes (3 s) and lower rates, to check the setup
#   --dynamic         dynamic answers instead of the static zone: steerd's
#                     weighted, geolocation and latency records against
#                     gdnsd's weighted and geoip plugins, with and without
#                     an EDNS Client Subnet option in the queries
#   --scenarios LIST  with --dynamic, a comma-separated subset of weighted,
#                     geo,geo+ecs,latency,latency+ecs,nested,nested+ecs
#                     (default all; nested: a failover over the geo and the
#                     latency record, two levels, to set against geo)
#   --mmdb FILE       geo database for --dynamic (default: MaxMind's
#                     GeoIP2-City test database in tests/data/geo/maxmind)
#   --ecs SUBNET      client subnet sent with --dynamic (default 81.2.69.160/27,
#                     GB/Europe in the test database)
#   --dnssec          steerd alone, the zone signed online (keys from
#                     dnssec-keygen): every scenario twice, without and with
#                     the DO bit (dnsperf -D), "+do" in the table: the CPU per
#                     query of signed answers (warm signature caches: the
#                     warm-up pass signs) beside unsigned ones
#   --dnssec-alg N    13 (ECDSA P-256, default) or 15 (Ed25519) for --dnssec
#   --out DIR         keep configs, logs, dnsperf outputs and results.tsv
#                     there (default: a temporary folder, removed at the end)
#   --no-steer-rx     leave loopback receive processing where the kernel
#                     puts it by default (see below and README.md)
#   --limits          add steerd-limits to the servers: the same steerd with
#                     response rate limiting (a rate no client of the mix
#                     reaches) and DNS cookies on, dnsperf sending a client
#                     cookie with every query (to every server, so that all
#                     see the same queries), so each answer of steerd-limits
#                     is counted in the RRL table and carries a fresh server
#                     cookie: what both cost when nobody is limited (static
#                     mix only)
#   --fleet           with --dynamic: steerd-fleet beside steerd (the default
#                     servers are these two), every endpoint probed by a
#                     steercheck (a TCP check of a local listener) for both;
#                     steerd-fleet and its steercheck have a fleet: section
#                     naming a one-member etcd the script starts in its
#                     folder on a loopback port, so the health it answers
#                     with is what the fleet agreed: what the fleet costs
#                     per query (needs etcd, Debian package etcd-server)
#   --steerd-variant NAME:KEY=VALUE[,KEY=VALUE...]
#                     add steerd-NAME to the servers: the same steerd with
#                     these keys of the server: section set (YAML scalars),
#                     e.g. nocoal:coalesce_us=0, measured in the same run
#                     and rounds as steerd (static, --dynamic, --dnssec);
#                     repeatable
#
# What it does: generates the zone (10,000 names) and the queries (80%
# existing A, 10% AAAA, 5% NXDOMAIN, 5% MX/TXT/NS/SOA) with gen.py, writes a
# minimal config per server, starts each server with one worker pinned to
# the second CPU (1), runs dnsperf pinned to the first (0) at the same
# offered load, reads the server's utime+stime from /proc before and after
# each pass, and prints server CPU microseconds per answered query, QPS,
# lost queries and steerd's ratio to each peer (tools/bench/README.md: how
# to read it, and why CPU per query rather than QPS on a 2-core machine).
# Loopback only; every server is stopped by its PID. Exit status 1 when a
# server failed to start or answer.
#
# On loopback the kernel processes a packet's receive side in the sender's
# system call, on the sender's CPU: the client would pay for the server's
# query reception and the server for the client's answer reception (TCP
# ACKs, wake-ups). Two hosts do not share work that way. When it can
# (root, writable /proc/sys and /sys), the script turns on receive flow
# steering for lo while it runs, so that each packet is received on the
# CPU of the process that reads it, and restores the previous settings at
# the end; --no-steer-rx measures without it. The output says which.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
GEN="python3 $HERE/gen.py"
REP="python3 $HERE/report.py"

SERVERS=""
TRANSPORTS="udp,tcp"
UDP_RATE=50000
TCP_RATE=20000
MAXPASS=0
DURATION=15
REPEAT=1
QUICK=0
DYNAMIC=0
MMDB="$TOP/tests/data/geo/maxmind/GeoIP2-City-Test.mmdb"
ECS_NET="81.2.69.160/27"
OUT=""
STEER_RX=1
STEERD_BIN=${STEERD:-}
DNSSEC=0
DNSSEC_ALG=13
LIMITS=0
FLEET=0
VARIANTS=()
SCENARIOS="weighted geo geo+ecs latency latency+ecs nested nested+ecs"

die() { echo "run.sh: $*" >&2; exit 2; }
usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit "${1:-0}"; }

while [ $# -gt 0 ]; do
    case $1 in
    --servers) SERVERS=$2; shift ;;
    --steerd) STEERD_BIN=$2; shift ;;
    --transports) TRANSPORTS=$2; shift ;;
    --udp-rate) UDP_RATE=$2; shift ;;
    --tcp-rate) TCP_RATE=$2; shift ;;
    --max) MAXPASS=1 ;;
    --duration) DURATION=$2; shift ;;
    --repeat) REPEAT=$2; shift ;;
    --quick) QUICK=1 ;;
    --dynamic) DYNAMIC=1 ;;
    --dnssec) DNSSEC=1 ;;
    --dnssec-alg) DNSSEC_ALG=$2; shift ;;
    --mmdb) MMDB=$2; shift ;;
    --ecs) ECS_NET=$2; shift ;;
    --out) OUT=$2; shift ;;
    --no-steer-rx) STEER_RX=0 ;;
    --limits) LIMITS=1 ;;
    --fleet) FLEET=1 ;;
    --steerd-variant) VARIANTS+=("$2"); shift ;;
    --scenarios) SCENARIOS=${2//,/ }; shift ;;
    -h | --help) usage 0 ;;
    *) echo "run.sh: unknown option $1" >&2; usage 2 ;;
    esac
    shift
done

if [ "$QUICK" = 1 ]; then
    DURATION=3
    UDP_RATE=$((UDP_RATE / 4))
    TCP_RATE=$((TCP_RATE / 4))
fi

command -v dnsperf >/dev/null || die "dnsperf not installed (apt-get install dnsperf)"
command -v dig >/dev/null || die "dig not installed (apt-get install bind9-dnsutils)"
command -v taskset >/dev/null || die "taskset not installed (util-linux)"
# the first two CPUs this process may use (containers restrict the set)
CPUS=$(python3 -c 'import os; print(" ".join(map(str, sorted(os.sched_getaffinity(0))[:2])))')
read -r CLIENT_CPU SERVER_CPU <<<"$CPUS"
if [ -z "$SERVER_CPU" ]; then
    # one CPU: no separation possible, measure anyway
    SERVER_CPU=$CLIENT_CPU
    echo "run.sh: only one CPU: server and dnsperf share it" >&2
fi

if [ -z "$STEERD_BIN" ]; then
    # newest build of steerd in the tree
    STEERD_BIN=$(ls -t "$TOP"/steerd "$TOP"/build*/steerd 2>/dev/null | head -1 || true)
fi

if [ -z "$SERVERS" ]; then
    if [ "$DNSSEC" = 1 ]; then SERVERS="steerd"
    elif [ "$FLEET" = 1 ]; then SERVERS="steerd,steerd-fleet"
    elif [ "$DYNAMIC" = 1 ]; then SERVERS="steerd,gdnsd"; else SERVERS="steerd,knotd,nsd,gdnsd"; fi
fi
if [ "$DNSSEC" = 1 ]; then
    [ "$SERVERS" = steerd ] || die "--dnssec measures steerd alone (signed against unsigned; add --steerd-variant for variants of it)"
    command -v dnssec-keygen >/dev/null || die "dnssec-keygen not installed (apt-get install bind9-utils)"
    case $DNSSEC_ALG in 13 | 15) ;; *) die "--dnssec-alg: 13 or 15" ;; esac
fi
[ "$LIMITS" = 1 ] && [ "$DYNAMIC$DNSSEC" != 00 ] && die "--limits measures the unsigned static mix only"
[ "$LIMITS" = 1 ] && SERVERS="$SERVERS,steerd-limits"
# variant_overrides SERVER: the server-section settings of a --steerd-variant
# server ("" for any other)
variant_overrides() {
    local v
    for v in "${VARIANTS[@]}"; do
        [ "steerd-${v%%:*}" = "$1" ] && { printf '%s\n' "${v#*:}"; return 0; }
    done
    return 0
}
for v in "${VARIANTS[@]}"; do
    name=${v%%:*}
    [[ "$v" == *:* && "$name" =~ ^[a-z0-9]+$ && "$name" != limits && "$name" != fleet ]] ||
        die "--steerd-variant NAME:KEY=VALUE,...: NAME of a-z0-9 (not limits or fleet), got '$v'"
    IFS=, read -r -a kvs <<<"${v#*:}"
    for kv in "${kvs[@]}"; do
        [[ "$kv" =~ ^[a-z0-9_]+=[^=]+$ ]] || die "--steerd-variant $name: '$kv' is not KEY=VALUE"
    done
    printf '%s\n' "${SERVERS//,/$'\n'}" | grep -qx "steerd-$name" && die "--steerd-variant $name given twice"
    SERVERS="$SERVERS,steerd-$name"
done
if [ "$FLEET" = 1 ]; then
    [ "$DYNAMIC" = 1 ] && [ "$DNSSEC" = 0 ] || die "--fleet goes with --dynamic (unsigned)"
    command -v etcd >/dev/null || die "etcd not installed (apt-get install etcd-server)"
    STEERCHECK_BIN=$(dirname "$STEERD_BIN")/steercheck
    [ -x "$STEERCHECK_BIN" ] || die "no steercheck beside $STEERD_BIN"
fi
IFS=, read -r -a SERVER_LIST <<<"$SERVERS"
IFS=, read -r -a TRANSPORT_LIST <<<"$TRANSPORTS"
for s in "${SERVER_LIST[@]}"; do
    case $s in
    steerd | steerd-limits | steerd-fleet) [ -n "$STEERD_BIN" ] && [ -x "$STEERD_BIN" ] || die "steerd not built (use --steerd PATH)" ;;
    knotd | nsd | gdnsd) command -v "$s" >/dev/null || die "$s not installed" ;;
    *) [ -n "$(variant_overrides "$s")" ] || die "unknown server $s (steerd, steerd-limits, steerd-fleet, knotd, nsd, gdnsd, or a --steerd-variant)" ;;
    esac
done
for s in $SCENARIOS; do
    case $s in weighted | geo | geo+ecs | latency | latency+ecs | nested | nested+ecs) ;;
    *) die "unknown scenario $s (weighted, geo, geo+ecs, latency, latency+ecs, nested, nested+ecs)" ;; esac
done
if [ "$DYNAMIC" = 1 ]; then
    [ -r "$MMDB" ] || die "geo database $MMDB not readable (use --mmdb FILE)"
    for s in "${SERVER_LIST[@]}"; do
        case $s in steerd | gdnsd) ;; steerd-fleet) [ "$FLEET" = 1 ] || die "steerd-fleet needs --fleet" ;;
        *) [ -n "$(variant_overrides "$s")" ] || die "--dynamic compares steerd (and its variants) and gdnsd only" ;; esac
    done
fi

if [ -n "$OUT" ]; then
    mkdir -p "$OUT"
    WORK=$(cd "$OUT" && pwd)
    KEEP=1
else
    WORK=$(mktemp -d "${TMPDIR:-/tmp}/steer-bench.XXXXXX")
    KEEP=0
fi
RESULTS=$WORK/results.tsv
: >"$RESULTS"

SPID=""
SCMD=()
CPID=""
stop_server() {
    stop_pid "$CPID"
    CPID=""
    stop_pid "$SPID"
    SPID=""
}
stop_pid() {
    local SPID=$1
    [ -n "$SPID" ] || return 0
    kill "$SPID" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SPID" 2>/dev/null || true
    wait "$SPID" 2>/dev/null || true
}
# ---- receive flow steering on lo (RFS) ---------------------------------------
RX_FLOW=/proc/sys/net/core/rps_sock_flow_entries
RX_QUEUE=/sys/class/net/lo/queues/rx-0
RX_SAVED=""
RX_MODE="default (receive work on the sender's CPU)"
steer_rx_on() {
    [ -r "$RX_FLOW" ] && [ -r "$RX_QUEUE/rps_cpus" ] && [ -r "$RX_QUEUE/rps_flow_cnt" ] || {
        echo "run.sh: no RFS settings for lo here; receive work stays on the sender's CPU" >&2
        return 0
    }
    RX_SAVED="$(cat "$RX_FLOW") $(cat "$RX_QUEUE/rps_cpus") $(cat "$RX_QUEUE/rps_flow_cnt")"
    local mask
    mask=$(printf '%x' $(((1 << CLIENT_CPU) | (1 << SERVER_CPU))))
    if { echo 32768 >"$RX_FLOW" && echo 32768 >"$RX_QUEUE/rps_flow_cnt" &&
        echo "$mask" >"$RX_QUEUE/rps_cpus"; } 2>/dev/null; then
        RX_MODE="RFS on lo (each packet received on its reader's CPU)"
    else
        echo "run.sh: cannot turn on RFS for lo (needs root); receive work stays on the sender's CPU" >&2
        steer_rx_restore
    fi
}
steer_rx_restore() {
    [ -n "$RX_SAVED" ] || return 0
    local flow cpus cnt
    read -r flow cpus cnt <<<"$RX_SAVED"
    { echo "$cpus" >"$RX_QUEUE/rps_cpus"; echo "$cnt" >"$RX_QUEUE/rps_flow_cnt"
        echo "$flow" >"$RX_FLOW"; } 2>/dev/null || true
    RX_SAVED=""
}
cleanup() {
    stop_server
    [ -n "$ETCD_DIR" ] && bash "$TOP/tests/smoke/etcd-cluster.sh" "$ETCD_DIR" stopall >/dev/null 2>&1
    steer_rx_restore
    if [ "$KEEP" = 0 ]; then rm -rf "$WORK"; fi
}
ETCD_DIR=""
trap cleanup EXIT
trap 'exit 130' INT TERM

echo "generating zone and queries in $WORK" >&2
$GEN static "$WORK"
ZONEFILE=$WORK/bench.test.zone

# ---- per-server configs and start commands ---------------------------------

# cfg_knotd DIR PORT ZONEFILE: a minimal knotd config, one worker of each kind
cfg_knotd() {
    local d=$1 port=$2 zf=$3
    mkdir -p "$d"
    cat >"$d/knot.conf" <<EOF
server:
    rundir: "$d"
    listen: 127.0.0.1@$port
    udp-workers: 1
    tcp-workers: 1
    background-workers: 1
log:
  - target: stderr
    any: warning
database:
    storage: "$d"
template:
  - id: default
    storage: "$d"
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
zone:
  - domain: bench.test
    file: "$zf"
EOF
    SCMD=(knotd -c "$d/knot.conf")
}

# cfg_nsd DIR PORT ZONEFILE: NSD with one server process, no database, no
# remote control, everything under DIR
cfg_nsd() {
    local d=$1 port=$2 zf=$3
    mkdir -p "$d"
    cat >"$d/nsd.conf" <<EOF
server:
    ip-address: 127.0.0.1@$port
    server-count: 1
    do-ip6: no
    username: ""
    chroot: ""
    zonesdir: "$d"
    database: ""
    pidfile: "$d/nsd.pid"
    zonelistfile: "$d/zone.list"
    xfrdfile: "$d/xfrd.state"
    xfrdir: "$d"
    logfile: "$d/nsd.log"
    verbosity: 1
    tcp-count: 256
    # Debian builds NSD with response rate limiting on: a benchmark from
    # one address would be rate limited
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
remote-control:
    control-enable: no
zone:
    name: bench.test
    zonefile: "$zf"
EOF
    SCMD=(nsd -d -c "$d/nsd.conf")
}

# cfg_gdnsd DIR PORT ZONEFILE [PLUGINS]: gdnsd 3 config dir, one UDP and one
# TCP thread, private run and state dirs
cfg_gdnsd() {
    local d=$1 port=$2 zf=$3 plugins=${4:-}
    mkdir -p "$d/zones" "$d/run" "$d/state"
    cp "$zf" "$d/zones/bench.test"
    {
        echo "options => {"
        echo "  listen => [ 127.0.0.1:$port ]"
        echo "  udp_threads => 1"
        echo "  tcp_threads => 1"
        echo "  run_dir => $d/run"
        echo "  state_dir => $d/state"
        echo "}"
        [ -n "$plugins" ] && cat "$plugins"
    } >"$d/config"
    SCMD=(gdnsd -c "$d" start)
}

cfg_steerd() {
    local port=$2 zf=$3
    SCMD=("$STEERD_BIN" --listen "127.0.0.1:$port" --zone "bench.test:$zf" --workers 1)
    if [ "$DNSSEC" = 1 ]; then
        printf 'server:\n  listen: ["127.0.0.1:%s"]\n  workers: 1\nzones:\n  bench.test: %s\n' \
            "$port" "$zf" >"$WORK/steerd-signed.yaml"
        sign_yaml "$WORK/steerd-signed.yaml"
        SCMD=("$STEERD_BIN" -c "$WORK/steerd-signed.yaml")
    fi
}

# sign_yaml CONFIG: bench.test in CONFIG signed online with keys made once
# per run in WORK/keys (a key-signing and a zone-signing key)
sign_yaml() {
    if [ ! -d "$WORK/keys" ]; then
        mkdir -p "$WORK/keys"
        (cd "$WORK/keys" && dnssec-keygen -q -a "$DNSSEC_ALG" -f KSK bench.test &&
            dnssec-keygen -q -a "$DNSSEC_ALG" bench.test) >/dev/null
    fi
    python3 - "$1" "$WORK/keys" <<'PY'
import re, sys
path, keys = sys.argv[1], sys.argv[2]
text = open(path).read()
text = re.sub(r"^  bench\.test: (\S+)$",
              lambda m: "  bench.test:\n    file: %s\n    dnssec: { keys: %s }" % (m.group(1), keys),
              text, count=1, flags=re.M)
open(path, "w").write(text)
PY
}

# steerd with server.rrl and server.cookies on (--limits)
cfg_steerd_limits() {
    local d=$1 port=$2 zf=$3
    mkdir -p "$d"
    cat >"$d/steerd.yaml" <<EOF
server:
  listen: ["127.0.0.1:$port"]
  workers: 1
  state_dir: $d/state
  rrl: { rate: 1000000 }
  cookies: true
zones:
  bench.test: $zf
EOF
    SCMD=("$STEERD_BIN" -c "$d/steerd.yaml")
}
# set_server_keys CONFIG KEY=VALUE,...: those keys in CONFIG's server:
# section (added, or replacing the same key)
set_server_keys() {
    python3 - "$1" "$2" <<'PY'
import re, sys
path, pairs = sys.argv[1], [p.split("=", 1) for p in sys.argv[2].split(",")]
text = open(path).read()
if not re.search(r"^server:\n", text, flags=re.M):
    text = "server:\n" + text
for key, value in pairs:
    text = re.sub(r"^(server:\n(?:  .*\n)*?)  %s:.*\n" % re.escape(key), r"\1", text, count=1, flags=re.M)
    text = re.sub(r"^server:\n", "server:\n  %s: %s\n" % (key, value), text, count=1, flags=re.M)
open(path, "w").write(text)
PY
}

# steerd with settings of a --steerd-variant (static mix, --dnssec too)
cfg_steerd_variant() {
    local d=$1 port=$2 zf=$3 keys=$4
    mkdir -p "$d"
    printf 'server:\n  listen: ["127.0.0.1:%s"]\n  workers: 1\nzones:\n  bench.test: %s\n' \
        "$port" "$zf" >"$d/steerd.yaml"
    [ "$DNSSEC" = 1 ] && sign_yaml "$d/steerd.yaml"
    set_server_keys "$d/steerd.yaml" "$keys"
    SCMD=("$STEERD_BIN" -c "$d/steerd.yaml")
}

# A client cookie in every query with --limits, whichever the server (a
# resolver sends one whether the server does cookies or not): steerd-limits
# makes a fresh server cookie for each (the dearer case: no cookie to echo),
# the others answer with an OPT record and no cookie.
LIMITS_COOKIE="10:2464c4abcf10c957"

# wait_ready PORT PID: until the server answers the apex SOA authoritatively
wait_ready() {
    local port=$1 pid=$2 out
    for _ in $(seq 1 300); do
        kill -0 "$pid" 2>/dev/null || return 1
        out=$(dig @127.0.0.1 -p "$port" +norec +time=1 +tries=1 bench.test SOA 2>/dev/null || true)
        if printf '%s\n' "$out" | grep -q 'status: NOERROR' &&
            printf '%s\n' "$out" | grep -q 'flags:[^;]* aa'; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

# start_server NAME PORT: start SCMD pinned to SERVER_CPU, set SPID; logs in
# WORK/NAME.log
start_server() {
    local name=$1 port=$2
    echo "starting $name: ${SCMD[*]}" >&2
    taskset -c "$SERVER_CPU" "${SCMD[@]}" >"$WORK/$name.log" 2>&1 &
    SPID=$!
    if ! wait_ready "$port" "$SPID"; then
        echo "run.sh: $name did not answer on 127.0.0.1:$port; its log:" >&2
        tail -20 "$WORK/$name.log" >&2
        stop_server
        return 1
    fi
    pin_server "$name"
}

# pin_server NAME: taskset pins the process, but a server may move its own
# threads (knotd puts UDP worker i on CPU i, here the client's CPU) or start
# new ones: pin them all to SERVER_CPU, and say which had to move
pin_server() {
    local moved
    moved=$($REP pin "$SPID" "$SERVER_CPU")
    [ -z "$moved" ] || echo "  $1 set its own CPU affinity; threads moved to CPU $SERVER_CPU: $moved" >&2
}

# one_pass SCENARIO SERVER TRANSPORT RATE QUERYFILE PORT [dnsperf args]
one_pass() {
    local scen=$1 srv=$2 tr=$3 rate=$4 qf=$5 port=$6
    shift 6
    local args=(-s 127.0.0.1 -p "$port" -d "$qf" -l "$DURATION" -t 2)
    if [ "$tr" = tcp ]; then args+=(-m tcp -c 8 -q 256); else args+=(-c 4 -q 512); fi
    [ "$rate" = max ] || args+=(-Q "$rate")
    local n=$((${#RUNNO[@]} + 1))
    RUNNO+=("$n")
    local perf=$WORK/dnsperf-$scen-$srv-$tr-$rate-$n.txt
    local c0 c1 d0 d1 m0 m1 s0 s1 r0 r1 u0 u1
    pin_server "$srv"
    d0=$($REP drops "$port")
    c0=$($REP cpu "$SPID") || { echo "run.sh: $srv is not running" >&2; return 1; }
    u0=$($REP usercpu "$SPID")
    m0=$($REP machine)
    s0=$($REP cpubusy "$SERVER_CPU")
    r0=$($REP netrx "$SERVER_CPU")
    taskset -c "$CLIENT_CPU" dnsperf "${args[@]}" "$@" >"$perf" 2>&1 || true
    s1=$($REP cpubusy "$SERVER_CPU")
    r1=$($REP netrx "$SERVER_CPU")
    m1=$($REP machine)
    c1=$($REP cpu "$SPID") || {
        echo "run.sh: $srv died during the pass; its log:" >&2
        tail -20 "$WORK/$srv.log" >&2
        return 1
    }
    u1=$($REP usercpu "$SPID")
    d1=$($REP drops "$port")
    if ! grep -q 'Queries completed' "$perf"; then
        echo "run.sh: dnsperf failed against $srv:" >&2
        tail -5 "$perf" >&2
        return 1
    fi
    local drops=-
    [ "$tr" = udp ] && drops=$((d1 - d0))
    $REP record "$RESULTS" "$scen" "$srv" "$tr" "$rate" "$c0" "$c1" "$perf" "$drops" "$m0" "$m1" "$s0" "$s1" "$r0" "$r1" "$u0" "$u1"
}
RUNNO=()

# warm_up TRANSPORT PORT QUERYFILE [dnsperf args]: one unmeasured second at
# the pass rate, so start-up work (lazy allocation, first-touch page faults,
# cache warming) is not counted, and losses in it are not reported
warm_up() {
    local tr=$1 port=$2 qf=$3
    shift 3
    local args=(-s 127.0.0.1 -p "$port" -d "$qf" -l 1 -t 1 -Q "$(rate_for "$tr")")
    [ "$tr" = tcp ] && args+=(-m tcp -c 8)
    taskset -c "$CLIENT_CPU" dnsperf "${args[@]}" "$@" >"$WORK/warmup.txt" 2>&1 || true
}

rate_for() {
    if [ "$1" = tcp ]; then echo "$TCP_RATE"; else echo "$UDP_RATE"; fi
}

# passes SCENARIO SERVER PORT QUERYFILE [dnsperf args]: every transport and
# rate once
passes() {
    local scen=$1 srv=$2 port=$3 qf=$4
    shift 4
    local tr rate rates
    for tr in "${TRANSPORT_LIST[@]}"; do
        warm_up "$tr" "$port" "$qf" "$@"
        rates=$(rate_for "$tr")
        [ "$MAXPASS" = 1 ] && rates="$rates max"
        for rate in $rates; do
            one_pass "$scen" "$srv" "$tr" "$rate" "$qf" "$port" "$@" || return 1
        done
    done
}

FAILED=()

run_static() {
    local srv port
    for srv in "${SERVER_LIST[@]}"; do
        port=$($REP freeport)
        if [ -n "$(variant_overrides "$srv")" ]; then
            cfg_steerd_variant "$WORK/$srv" "$port" "$ZONEFILE" "$(variant_overrides "$srv")"
        else
            cfg_"${srv//-/_}" "$WORK/$srv" "$port" "$ZONEFILE"
        fi
        local extra=()
        [ "$LIMITS" = 1 ] && extra=(-E "$LIMITS_COOKIE")
        if start_server "$srv" "$port"; then
            passes static "$srv" "$port" "$WORK/queries.txt" "${extra[@]}" || FAILED+=("$srv")
            if [ "$DNSSEC" = 1 ]; then
                passes static+do "$srv" "$port" "$WORK/queries.txt" -D || FAILED+=("$srv:do")
            fi
        else
            FAILED+=("$srv")
        fi
        stop_server
    done
}

# start_etcd: the one-member etcd of --fleet, in WORK/etcd (stopped by its
# PID at the end); sets ETCD_URL and ETCD_HOSTPORT
start_etcd() {
    ETCD_DIR=$WORK/etcd
    rm -rf "$ETCD_DIR"
    mkdir -p "$ETCD_DIR"
    bash "$TOP/tests/smoke/etcd-cluster.sh" "$ETCD_DIR" start 1 >&2 || die "etcd did not start"
    ETCD_URL=$(bash "$TOP/tests/smoke/etcd-cluster.sh" "$ETCD_DIR" endpoints)
    ETCD_HOSTPORT=${ETCD_URL#http://}
    echo "etcd at $ETCD_URL" >&2
}

# start_checker NAME CONFIG: steercheck on the client's CPU (its probes are
# not the server's work), CPID; then wait until it has written every
# endpoint up (with a fleet: as the fleet agreed it)
start_checker() {
    local name=$1 conf=$2 dump
    taskset -c "$CLIENT_CPU" "$STEERCHECK_BIN" -c "$conf" >"$WORK/$name-check.log" 2>&1 &
    CPID=$!
    for _ in $(seq 1 300); do
        dump=$("$STEERCHECK_BIN" --dump -c "$conf" 2>/dev/null || true)
        # every endpoint row (not the comments, not the heading) says up
        if printf '%s\n' "$dump" | awk '/^#/ || $1 == "NAME" { next } { n++ } $2 != "up" { bad = 1 }
            END { exit !(n > 0 && !bad) }' &&
            { [ "$name" != steerd-fleet ] || printf '%s\n' "$dump" | grep -q '^# fleet: agreed'; }; then
            return 0
        fi
        sleep 0.1
    done
    echo "run.sh: $name: steercheck did not find every endpoint up; its table:" >&2
    printf '%s\n' "$dump" >&2
    tail -5 "$WORK/$name-check.log" >&2
    return 1
}

run_dynamic() {
    local srv port ecs scen qf
    ecs=$($GEN ecs "$ECS_NET")
    for srv in "${SERVER_LIST[@]}"; do
        port=$($REP freeport)
        local conf=$WORK/dyn/$srv.yaml health=()
        [ "$FLEET" = 1 ] && health=(--check-target "$ETCD_HOSTPORT" --table "$WORK/dyn/$srv.shm")
        [ "$srv" = steerd-fleet ] && health+=(--fleet-etcd "$ETCD_URL")
        $GEN dynamic "$WORK" --mmdb "$MMDB" --listen "127.0.0.1:$port" --config "$srv.yaml" "${health[@]}"
        [ "$DNSSEC" = 1 ] && sign_yaml "$conf"
        [ -n "$(variant_overrides "$srv")" ] && set_server_keys "$conf" "$(variant_overrides "$srv")"
        case $srv in
        steerd | steerd-fleet | steerd-*) SCMD=("$STEERD_BIN" -c "$conf") ;;
        gdnsd) cfg_gdnsd "$WORK/gdnsd-dyn" "$port" "$WORK/dyn/gdnsd-zone" "$WORK/dyn/gdnsd-plugins" ;;
        esac
        if [ "$FLEET" = 1 ] && [ "$srv" != gdnsd ] && ! start_checker "$srv" "$conf"; then
            stop_server
            FAILED+=("$srv")
            continue
        fi
        if ! start_server "$srv" "$port"; then
            stop_server
            FAILED+=("$srv")
            continue
        fi
        local scens=$SCENARIOS sc
        if [ "$DNSSEC" = 1 ]; then
            for sc in $SCENARIOS; do scens="$scens $sc+do"; done
        fi
        for scen in $scens; do
            local base=${scen%+do} do=()
            [ "$base" != "$scen" ] && do=(-D)
            qf=$WORK/dyn/q-${base%+ecs}.txt
            # the first query of each kind must get an answer, or the
            # server does not serve the record at all
            local qname ans subnet=()
            qname=$(head -1 "$qf" | cut -d' ' -f1)
            [ "$base" != "${base%+ecs}" ] && subnet=(+subnet="$ECS_NET")
            ans=$(dig @127.0.0.1 -p "$port" +norec +short "${subnet[@]}" "$qname" A 2>/dev/null | tr '\n' ' ')
            if [ -z "$ans" ]; then
                echo "run.sh: $srv gives no answer for $qname A" >&2
                FAILED+=("$srv:$scen")
                continue
            fi
            echo "  $scen: $qname A ${subnet[*]} -> $ans" >&2
            if [ "$base" != "${base%+ecs}" ]; then
                passes "$scen" "$srv" "$port" "$qf" -E "$ecs" "${do[@]}" || FAILED+=("$srv:$scen")
            else
                passes "$scen" "$srv" "$port" "$qf" "${do[@]}" || FAILED+=("$srv:$scen")
            fi
        done
        stop_server
    done
}

[ "$STEER_RX" = 1 ] && [ "$SERVER_CPU" != "$CLIENT_CPU" ] && steer_rx_on
echo "servers on CPU $SERVER_CPU, dnsperf on CPU $CLIENT_CPU, $DURATION s per pass" >&2
echo "loopback receive processing: $RX_MODE" >&2
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
# Repetitions go round the servers (A B C, A B C, ...) rather than one
# server at a time, so a change in background load hits every server alike.
[ "$FLEET" = 1 ] && start_etcd
for round in $(seq 1 "$REPEAT"); do
    [ "$REPEAT" -gt 1 ] && echo "round $round of $REPEAT" >&2
    if [ "$DYNAMIC" = 1 ]; then run_dynamic; else run_static; fi
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

echo
if [ -s "$RESULTS" ]; then
    ref=steerd
    printf '%s\n' "${SERVER_LIST[@]}" | grep -qx steerd || ref=${SERVER_LIST[0]}
    $REP table "$RESULTS" --reference "$ref"
fi
echo "loopback receive processing: $RX_MODE"
[ "$KEEP" = 1 ] && echo "raw results: $RESULTS"
if [ ${#FAILED[@]} -gt 0 ]; then
    echo "failed: ${FAILED[*]}" >&2
    exit 1
fi
exit 0
