#!/bin/bash
# Load one generated zone in steerd, knotd, nsd and gdnsd, each started the
# way it serves, and print side by side how long each takes from launch
# until the zone's last record is answered, the CPU it used by then, its
# memory once loaded (PSS summed over its processes, and the peak RSS); then
# steerd's reload of the same zone (SIGHUP after the file changed): how long
# it took, the highest RSS while it ran, how long RSS stayed above 1.5 times
# the loaded figure, and the memory after. Loopback ports only; every
# process started here is stopped by its PID.
#
# usage: tools/zone-load-compare.sh [-n RECORDS] [-b BUILDDIR] [-z ZONEFILE]
#                                   [-r REPEAT] [-s SERVERS] [-k]
#   -n  records in the generated zone (default 1000000, tools/zone-gen.py)
#   -b  steerdns build folder with steerd and tools/zone-load (default: ./build, build-*)
#   -z  use this zone file (origin big.test.) instead of generating one
#   -r  start each server REPEAT times, in turn, and print medians (default 1)
#   -s  comma-separated subset of steerd,knotd,nsd,gdnsd (default: those installed)
#   -k  keep the temporary folder
set -u

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
records=1000000
build=""
zonefile=""
keep=""
repeat=1
servers=""
while getopts "n:b:z:r:s:kh" opt; do
    case $opt in
    n) records=$OPTARG ;;
    b) build=$OPTARG ;;
    z) zonefile=$OPTARG ;;
    r) repeat=$OPTARG ;;
    s) servers=$OPTARG ;;
    k) keep=1 ;;
    *) sed -n '2,20s/^# \{0,1\}//p' "$0"; exit 2 ;;
    esac
done

loader=""
for d in "$build" "${top_builddir:-}" "$top/build" "$top"/build-*; do
    [ -n "$d" ] && [ -x "$d/tools/zone-load" ] && { loader=$d/tools/zone-load; build=$d; break; }
done
[ -n "$loader" ] || { echo "tools/zone-load not built: run make in a build folder (-b)" >&2; exit 2; }
steerd=$build/steerd
[ -x "$steerd" ] || { echo "$steerd not built" >&2; exit 2; }
if [ -z "$servers" ]; then
    servers=steerd
    for s in knotd nsd gdnsd; do command -v "$s" >/dev/null && servers="$servers,$s"; done
fi
IFS=, read -r -a SERVERS <<<"$servers"

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
    local q keep_pids=()
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

# The processes of a server: the one started and its descendants.
tree() {
    local p
    echo "$1"
    for p in $(pgrep -P "$1"); do tree "$p"; done
}
# CPU seconds (user + system) used so far by a process tree.
tree_cpu() {
    local p t=0 hz
    hz=$(getconf CLK_TCK)
    for p in $(tree "$1"); do
        t=$((t + $(awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || echo 0)))
    done
    awk -v t="$t" -v hz="$hz" 'BEGIN { printf "%.2f", t / hz }'
}
# PSS (proportional set size) of a process tree in KiB: pages shared between
# its processes (NSD's forked server) or with others (libraries) counted once.
tree_pss() {
    local p s=0 k
    for p in $(tree "$1"); do
        k=$(awk '$1 == "Pss:" { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null)
        s=$((s + ${k:-0}))
    done
    echo "$s"
}
# The largest peak RSS (VmHWM, KiB) of a process tree's processes.
tree_hwm() {
    local p h=0 k
    for p in $(tree "$1"); do
        k=$(awk '$1 == "VmHWM:" { print $2 }' "/proc/$p/status" 2>/dev/null)
        [ -n "$k" ] && [ "$k" -gt "$h" ] && h=$k
    done
    echo "$h"
}
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

# launch PORT NAME TYPE SECONDS PIDFILE LOG CMD...: start CMD (its PID into
# PIDFILE, output into LOG), then query NAME/TYPE over UDP every 5 ms until
# an answer with records comes back; prints the seconds from the start.
launch() {
    python3 - "$@" <<'PY'
import random, socket, struct, subprocess, sys, time
port, name, qtype, limit = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
pidfile, log, cmd = sys.argv[5], sys.argv[6], sys.argv[7:]
qid = random.randint(0, 65535)
q = struct.pack(">HHHHHH", qid, 0, 1, 0, 0, 0)
for label in name.rstrip(".").split("."):
    q += bytes([len(label)]) + label.encode()
q += b"\0" + struct.pack(">HH", qtype, 1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.settimeout(0.005)
t0 = time.time()
proc = subprocess.Popen(cmd, stdout=open(log, "w"), stderr=subprocess.STDOUT,
                        stdin=subprocess.DEVNULL)
with open(pidfile, "w") as f:
    f.write("%d\n" % proc.pid)
while time.time() < t0 + limit and proc.poll() is None:
    try:
        s.sendto(q, ("127.0.0.1", port))
        r = s.recv(65535)
        i, flags, _, an = struct.unpack(">HHHH", r[:8])
        if i == qid and flags & 0xf == 0 and an > 0:
            print("%.3f" % (time.time() - t0))
            sys.exit(0)
    except OSError:
        pass
sys.exit(1)
PY
}

if [ -z "$zonefile" ]; then
    zonefile=$T/big.test.zone
    echo "generating $records records into $zonefile" >&2
    python3 "$here/zone-gen.py" -n "$records" -o "$zonefile" || exit 1
fi
[ -r "$zonefile" ] || { echo "cannot read $zonefile" >&2; exit 2; }
zonefile=$(realpath "$zonefile")
echo "zone file: $(wc -l <"$zonefile") lines, $(du -m "$zonefile" | cut -f1) MiB" >&2

# The zone's last record (owner and type), the one every server must answer
# before it counts as loaded.
read -r LAST_NAME LAST_TYPE < <(python3 - "$zonefile" <<'PY'
import sys
codes = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15, "TXT": 16, "AAAA": 28, "SRV": 33}
origin, owner, last = "big.test.", None, None
for line in open(sys.argv[1], encoding="latin-1"):
    line = line.split(";")[0].rstrip()
    if not line.strip():
        continue
    f = line.split()
    if f[0] == "$ORIGIN":
        origin = f[1] if f[1].endswith(".") else f[1] + "." + origin
        continue
    if f[0].startswith("$"):
        continue
    if not line[0].isspace():
        owner = origin if f[0] == "@" else f[0] if f[0].endswith(".") else f[0] + "." + origin
    t = next((x for x in f if x.upper() in codes), None)
    if t:
        last = (owner, codes[t.upper()])
print(*last)
PY
)
echo "last record: $LAST_NAME type $LAST_TYPE" >&2

# ---- servers ---------------------------------------------------------------

# cmd_NAME DIR PORT: write the server's config under DIR, set CMD
cmd_steerd() {
    CMD=("$steerd" --listen "127.0.0.1:$2" --zone "big.test:$zonefile" --workers 1)
}
cmd_knotd() {
    mkdir -p "$1/db"
    cat >"$1/knot.conf" <<EOF
server:
    rundir: "$1"
    listen: 127.0.0.1@$2
    background-workers: 1
    udp-workers: 1
    tcp-workers: 1
database:
    storage: "$1/db"
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
    CMD=(knotd -c "$1/knot.conf")
}
cmd_nsd() {
    cat >"$1/nsd.conf" <<EOF
server:
    ip-address: 127.0.0.1@$2
    server-count: 1
    do-ip6: no
    username: ""
    chroot: ""
    zonesdir: "$1"
    database: ""
    pidfile: "$1/nsd.pid"
    xfrdfile: "$1/xfrd.state"
    zonelistfile: "$1/zone.list"
    xfrdir: "$1"
    verbosity: 1
    logfile: "$1/nsd.log"
remote-control:
    control-enable: no
zone:
    name: big.test.
    zonefile: "$zonefile"
EOF
    CMD=(nsd -d -c "$1/nsd.conf")
}
cmd_gdnsd() {
    mkdir -p "$1/zones" "$1/run" "$1/state"
    ln -sf "$zonefile" "$1/zones/big.test"
    cat >"$1/config" <<EOF
options => {
  listen => [ 127.0.0.1:$2 ]
  udp_threads => 1
  tcp_threads => 1
  run_dir => $1/run
  state_dir => $1/state
}
EOF
    CMD=(gdnsd -c "$1" start)
}

version() {
    case $1 in
    steerd) "$steerd" --version | awk '{ print $NF }' ;;
    knotd) knotd --version | awk '{ print $NF }' ;;
    nsd) nsd -v 2>&1 | awk 'NR == 1 { print $NF }' ;;
    gdnsd) gdnsd -V 2>&1 | awk '/version/ { print $NF; exit }' ;;
    esac
}

# run NAME ROUND: start it, time launch -> last record answered, measure, stop.
# Appends "NAME ready cpu pss_kib hwm_kib" to $T/results.
run() {
    local name=$1 d=$T/$1.$2 port ready pid cpu
    mkdir -p "$d"
    port=$(free_port)
    "cmd_$name" "$d" "$port"
    ready=$(launch "$port" "$LAST_NAME" "$LAST_TYPE" 300 "$d/pid" "$d/out.log" "${CMD[@]}")
    local ok=$?
    pid=$(cat "$d/pid" 2>/dev/null)
    [ -n "$pid" ] && PIDS+=("$pid")
    if [ $ok -ne 0 ] || [ -z "$pid" ]; then
        echo "$name: no answer for $LAST_NAME; its output:" >&2
        tail -5 "$d/out.log" >&2
        [ -n "$pid" ] && stop "$pid"
        return 1
    fi
    cpu=$(tree_cpu "$pid")
    sleep 1 # what a loader frees after the zone is up is gone by now
    echo "$name $ready $cpu $(tree_pss "$pid") $(tree_hwm "$pid")" >>"$T/results"
    if [ "$name" = steerd ]; then reload "$pid" "$d" || true; fi
    stop "$pid"
}

# reload PID DIR: steerd re-reads the (touched) zone file on SIGHUP. RSS is
# sampled every 2 ms from the signal until a second after the reload is
# logged as done. Appends "reload ms peak_kib over_s after_rss_kib after_pss_kib base_kib".
reload() {
    local pid=$1 d=$2
    touch "$zonefile"
    python3 - "$pid" "$d/out.log" "$T/reload" <<'PY' &
import os, re, signal, sys, time
pid, log, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
def rss():
    for l in open("/proc/%d/status" % pid):
        if l.startswith("VmRSS:"):
            return int(l.split()[1])
def pss():
    for l in open("/proc/%d/smaps_rollup" % pid):
        if l.startswith("Pss:"):
            return int(l.split()[1])
base = rss()
logged = os.path.getsize(log)
samples = []
os.kill(pid, signal.SIGHUP)
t0 = time.time()
done = None
while time.time() - t0 < 300:
    samples.append((time.time() - t0, rss()))
    if done is None:
        with open(log) as f:
            f.seek(logged)
            m = re.search(r"reload done in ([0-9.]+) ms|reload failed", f.read())
        if m:
            done = float(m.group(1)) if m.group(1) else -1.0
            t_done = time.time()
    elif time.time() - t_done > 1.0:
        break
    time.sleep(0.002)
peak = max(r for _, r in samples)
over = sum(1 for _, r in samples if r > 1.5 * base)
over_s = 0.0
for (ta, ra), (tb, _) in zip(samples, samples[1:]):
    if ra > 1.5 * base:
        over_s += tb - ta
with open(out, "a") as f:
    f.write("%.1f %d %.3f %d %d %d\n" % (done if done is not None else -1, peak, over_s, rss(), pss(), base))
PY
    wait $!
}

: >"$T/results"
: >"$T/reload"
for round in $(seq 1 "$repeat"); do
    n=${#SERVERS[@]}
    for k in $(seq 0 $((n - 1))); do
        run "${SERVERS[$(((k + round - 1) % n))]}" "$round"
    done
done

# steerd's loader alone: parse, checks, compile (the work before serving).
zl=$("$loader" big.test. "$zonefile") && echo "$zl" >&2

python3 - "$T/results" "$T/reload" "$repeat" "$(for s in "${SERVERS[@]}"; do echo -n "$s=$(version "$s") "; done)" <<'PY'
import statistics, sys
res, rel, repeat, vers = sys.argv[1], sys.argv[2], int(sys.argv[3]), dict(v.split("=") for v in sys.argv[4].split())
rows = {}
for l in open(res):
    f = l.split()
    rows.setdefault(f[0], []).append([float(x) for x in f[1:]])
def med(vals, fmt):
    m = statistics.median(vals)
    s = fmt % m
    if len(vals) > 1:
        s += (" (" + fmt + "-" + fmt + ")") % (min(vals), max(vals))
    return s
print()
print("launch to the last record answered, memory once loaded (%s)" % ("median of %d" % repeat if repeat > 1 else "one run"))
print("%-16s %-24s %-10s %-22s %-18s" % ("server", "ready s", "CPU s", "PSS loaded MiB", "peak RSS MiB"))
for name in vers:
    v = rows.get(name)
    if not v:
        print("%-16s failed" % name)
        continue
    cols = list(zip(*v))
    print("%-16s %-24s %-10s %-22s %-18s" % (name + " " + vers[name], med(cols[0], "%.3f"), med(cols[1], "%.2f"),
          med([x / 1024 for x in cols[2]], "%.1f"), med([x / 1024 for x in cols[3]], "%.0f")))
r = [list(map(float, l.split())) for l in open(rel) if l.strip()]
if r:
    cols = list(zip(*r))
    print()
    print("steerd reload of the same zone (SIGHUP, file touched)")
    print("  done in %s ms; RSS before %s MiB, highest %s MiB during it, above 1.5x for %s s;"
          % (med(cols[0], "%.0f"), med([x / 1024 for x in cols[5]], "%.1f"),
             med([x / 1024 for x in cols[1]], "%.1f"), med(cols[2], "%.3f")))
    print("  a second after: RSS %s MiB, PSS %s MiB" % (med([x / 1024 for x in cols[3]], "%.1f"),
                                                       med([x / 1024 for x in cols[4]], "%.1f")))
PY
