#!/bin/bash
# Load one generated zone in steerd's loader, knotd and nsd and print load
# time and memory side by side. Loopback ports only; every process started
# here is stopped by its PID.
#
# usage: tools/zone-load-compare.sh [-n RECORDS] [-b BUILDDIR] [-z ZONEFILE] [-k]
#   -n  records in the generated zone (default 1000000)
#   -b  steerdns build folder with tools/zone-load (default: ./build, build-*)
#   -z  use this zone file (origin big.test.) instead of generating one
#   -k  keep the temporary folder
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
records=1000000
build=""
zonefile=""
keep=""
while getopts "n:b:z:kh" opt; do
    case $opt in
    n) records=$OPTARG ;;
    b) build=$OPTARG ;;
    z) zonefile=$OPTARG ;;
    k) keep=1 ;;
    *) sed -n '2,12s/^# \{0,1\}//p' "$0"; exit 2 ;;
    esac
done

loader=""
for d in "$build" "${top_builddir:-}" "$top/build" "$top"/build-*; do
    [ -n "$d" ] && [ -x "$d/tools/zone-load" ] && { loader=$d/tools/zone-load; build=$d; break; }
done
[ -n "$loader" ] || { echo "tools/zone-load not built: run make in a build folder (-b)" >&2; exit 2; }

T=$(mktemp -d "${TMPDIR:-/tmp}/zone-load-compare.XXXXXX")
PIDS=()
cleanup() {
    local p
    for p in "${PIDS[@]}"; do stop "$p"; done
    [ -n "$keep" ] && echo "kept $T" >&2 || rm -rf "$T"
}
trap cleanup EXIT

# stop PID: one process started here (SIGTERM, bounded wait, SIGKILL).
stop() {
    local p q keep_pids=()
    kill "$1" 2>/dev/null
    for _ in $(seq 1 100); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$1" 2>/dev/null
    wait "$1" 2>/dev/null
    for q in "${PIDS[@]}"; do [ "$q" = "$1" ] || keep_pids+=("$q"); done
    PIDS=("${keep_pids[@]}")
}

free_port() {
    python3 - <<'PY'
import random, socket, sys
for _ in range(200):
    p = random.randint(10000, 32000)  # below the ephemeral range
    try:
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", p))
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM); t.bind(("127.0.0.1", p))
        u.close(); t.close(); print(p); sys.exit(0)
    except OSError:
        continue
sys.exit(1)
PY
}

now() { date +%s.%N; }
cpu() { awk -v u="$1" -v s="$2" 'BEGIN { printf "%.2f", u + s }'; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
mib() { awk -v k="$1" 'BEGIN { if (k == "" || k < 0) print "-"; else printf "%.0f", k / 1024 }'; }
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null; }
# CPU seconds (user + system) used so far by a process and its children.
tree_cpu() {
    local p t=0 hz
    hz=$(getconf CLK_TCK)
    for p in "$1" $(pgrep -P "$1"); do
        t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
    done
    awk -v t="$t" -v hz="$hz" 'BEGIN { printf "%.2f", t / hz }'
}
# Largest VmHWM and the summed VmRSS over a process and its children.
tree_mem() {
    local p hwm=0 rss=0 h r
    for p in "$1" $(pgrep -P "$1"); do
        h=$(status_kb "$p" VmHWM); r=$(status_kb "$p" VmRSS)
        [ -n "$h" ] && [ "$h" -gt "$hwm" ] && hwm=$h
        [ -n "$r" ] && rss=$((rss + r))
    done
    echo "$hwm $rss"
}
# wait_log FILE REGEX FAIL_REGEX PID SECONDS: 0 when REGEX shows up.
wait_log() {
    local i
    for i in $(seq 1 $(($5 * 20))); do
        grep -qE "$2" "$1" 2>/dev/null && return 0
        grep -qE "$3" "$1" 2>/dev/null && return 1
        kill -0 "$4" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}
answers() {
    command -v dig >/dev/null || { echo "-"; return; }
    local a
    a=$(dig +short +time=2 +tries=1 -p "$1" @127.0.0.1 ns1.big.test A 2>/dev/null)
    [ "$a" = "192.0.2.1" ] && echo yes || echo "no"
}

ROWS=()
row() { ROWS+=("$(printf '%-22s %10s %8s %14s %16s %8s' "$@")"); }

if [ -z "$zonefile" ]; then
    zonefile=$T/big.test.zone
    echo "generating $records records into $zonefile" >&2
    python3 "$here/zone-gen.py" -n "$records" -o "$zonefile" || exit 1
fi
[ -r "$zonefile" ] || { echo "cannot read $zonefile" >&2; exit 2; }
zonefile=$(realpath "$zonefile")
echo "zone file: $(wc -l <"$zonefile") lines, $(du -m "$zonefile" | cut -f1) MiB" >&2

# steerd's loader: parse + checks + compile, the code steerd runs at start.
out=$(/usr/bin/time -f "TIME %e %M %U %S" "$loader" big.test. "$zonefile" 2>"$T/steer.err")
if [ $? -eq 0 ]; then
    echo "$out" >&2
    load=$(sed -n 's/.*loaded in \([0-9.]*\) s.*/\1/p' <<<"$out")
    rss=$(sed -n 's/.*, rss \([0-9]*\) KiB.*/\1/p' <<<"$out")
    read -r _ wall peak u sy < <(grep '^TIME' "$T/steer.err")
    row "steerd (zone-load)" "$load" "-" "$(mib "$peak")" "$(mib "$rss")" "-"
    row "  whole process" "$wall" "$(cpu "$u" "$sy")" "$(mib "$peak")" "-" "-"
else
    cat "$T/steer.err" >&2
    row "steerd (zone-load)" "failed" "-" "-" "-" "-"
fi

# steerd itself, when it is built and can check a zone given on the command line.
steerd=$build/steerd; [ -x "$steerd" ] || steerd=$build/src/steerd/steerd
if [ -x "$steerd" ]; then
    if /usr/bin/time -f "TIME %e %M %U %S" "$steerd" --check --zone "big.test:$zonefile" \
        >"$T/steerd.out" 2>"$T/steerd.err"; then
        read -r _ wall peak u sy < <(grep '^TIME' "$T/steerd.err")
        row "steerd --check" "$wall" "$(cpu "$u" "$sy")" "$(mib "$peak")" "-" "-"
    else
        row "steerd --check" "failed" "-" "-" "-" "-"
        tail -3 "$T/steerd.err" >&2
    fi
fi

# steerd serving: time from start to the first answer, memory once serving.
if [ -x "$steerd" ] && command -v dig >/dev/null; then
    port=$(free_port)
    t0=$(now)
    "$steerd" --listen "127.0.0.1:$port" --zone "big.test:$zonefile" --workers 1 \
        >"$T/steerd.log" 2>&1 &
    sp=$!
    PIDS+=("$sp")
    ok=""
    for _ in $(seq 1 1200); do
        kill -0 "$sp" 2>/dev/null || break
        [ "$(answers "$port")" = yes ] && { ok=1; break; }
        sleep 0.05
    done
    if [ -n "$ok" ]; then
        t1=$(now)
        read -r hwm rss < <(tree_mem "$sp")
        row "steerd (serving)" "$(elapsed "$t0" "$t1")" "$(tree_cpu "$sp")" "$(mib "$hwm")" \
            "$(mib "$rss")" yes
    else
        row "steerd (serving)" "failed" "-" "-" "-" "-"
        tail -3 "$T/steerd.log" >&2
    fi
    stop "$sp"
fi

# knotd: time from start to "loaded" in its log, memory once loaded.
if command -v knotd >/dev/null; then
    port=$(free_port)
    mkdir -p "$T/knot/db"
    cat >"$T/knot/knot.conf" <<EOF
server:
    rundir: "$T/knot"
    listen: 127.0.0.1@$port
    background-workers: 1
    udp-workers: 1
    tcp-workers: 1
database:
    storage: "$T/knot/db"
log:
  - target: stderr
    any: info
template:
  - id: default
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
    semantic-checks: off
zone:
  - domain: big.test.
    file: "$zonefile"
EOF
    t0=$(now)
    knotd -c "$T/knot/knot.conf" >"$T/knot/log" 2>&1 &
    kp=$!
    PIDS+=("$kp")
    if wait_log "$T/knot/log" '\[big\.test\.\] loaded' 'error|failed' "$kp" 300; then
        t1=$(now)
        read -r hwm rss < <(tree_mem "$kp")
        row "knotd $(knotd --version | awk '{print $NF}')" "$(elapsed "$t0" "$t1")" \
            "$(tree_cpu "$kp")" "$(mib "$hwm")" "$(mib "$rss")" "$(answers "$port")"
        grep -E 'parsed|loaded' "$T/knot/log" >&2
    else
        row "knotd" "failed" "-" "-" "-" "-"
        tail -5 "$T/knot/log" >&2
    fi
    stop "$kp"
fi

# nsd-checkzone: parse time alone; nsd: start to "read with success".
if command -v nsd-checkzone >/dev/null; then
    if /usr/bin/time -f "TIME %e %M %U %S" nsd-checkzone big.test. "$zonefile" >"$T/nsdc.out" 2>"$T/nsdc.err"; then
        read -r _ wall peak u sy < <(grep '^TIME' "$T/nsdc.err")
        row "nsd-checkzone" "$wall" "$(cpu "$u" "$sy")" "$(mib "$peak")" "-" "-"
    else
        row "nsd-checkzone" "failed" "-" "-" "-" "-"
    fi
fi
if command -v nsd >/dev/null; then
    port=$(free_port)
    mkdir -p "$T/nsd"
    cat >"$T/nsd/nsd.conf" <<EOF
server:
    ip-address: 127.0.0.1@$port
    port: $port
    username: ""
    chroot: ""
    zonesdir: "$T"
    database: ""
    pidfile: "$T/nsd/nsd.pid"
    xfrdfile: "$T/nsd/xfrd.state"
    zonelistfile: "$T/nsd/zone.list"
    xfrdir: "$T/nsd"
    server-count: 1
    verbosity: 2
    logfile: "$T/nsd/log"
remote-control:
    control-enable: no
zone:
    name: big.test.
    zonefile: "$zonefile"
EOF
    t0=$(now)
    nsd -d -c "$T/nsd/nsd.conf" >"$T/nsd/out" 2>&1 &
    np=$!
    PIDS+=("$np")
    if wait_log "$T/nsd/log" 'zone big\.test\. read with success' 'error' "$np" 300; then
        t1=$(now)
        wait_log "$T/nsd/log" 'nsd started' 'error' "$np" 30
        read -r hwm rss < <(tree_mem "$np")
        row "nsd $(nsd -v 2>&1 | awk 'NR==1 {print $NF}')" "$(elapsed "$t0" "$t1")" \
            "$(tree_cpu "$np")" "$(mib "$hwm")" "$(mib "$rss")" "$(answers "$port")"
    else
        row "nsd" "failed" "-" "-" "-" "-"
        tail -5 "$T/nsd/log" "$T/nsd/out" >&2
    fi
    stop "$np"
fi

echo
printf '%-22s %10s %8s %14s %16s %8s\n' "loader" "load (s)" "CPU (s)" "peak RSS MiB" "RSS loaded MiB" "answers"
printf '%s\n' "${ROWS[@]}"
