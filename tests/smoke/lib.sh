# Shared helpers for the dig smoke tests (sourced, not run).
# Every test: loopback addresses only, bounded waits, processes stopped by PID.
# Exit codes follow automake: 0 pass, 1 fail, 77 skip.

: "${top_srcdir:=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir/build}"
: "${DIG:=$(command -v dig || true)}"

ST_PIDS=()
ST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/steer-smoke.XXXXXX")
ST_FAILS=0

st_cleanup() {
    local pid
    for pid in "${ST_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${ST_PIDS[@]}"; do
        # bounded wait, then force
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    ST_PIDS=()
    if [ "${ST_KEEP_TMP:-}" = "" ]; then rm -rf "$ST_TMP"; fi
}
trap st_cleanup EXIT

st_skip() { echo "SKIP: $*"; exit 77; }
st_need() { local t; for t in "$@"; do command -v "$t" >/dev/null 2>&1 || st_skip "$t not installed"; done; }
st_need_dig() { [ -n "$DIG" ] && [ -x "$DIG" ] || st_skip "dig not installed"; }

# st_need_pydns: set ST_PY to a python3 that has dnspython (the first python3
# on PATH may be another installation), or skip.
st_need_pydns() {
    local py
    for py in python3 /usr/bin/python3; do
        if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import dns.message' 2>/dev/null; then
            ST_PY=$py
            return 0
        fi
    done
    st_skip "python3 with dnspython (python3-dnspython) not installed"
}

# st_have_ipv6: true when ::1 can be bound (some containers have no IPv6).
st_have_ipv6() {
    python3 -c 'import socket; s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM); s.bind(("::1", 0))' \
        >/dev/null 2>&1
}

# A free port on 127.0.0.1 for both UDP and TCP (best effort).
st_free_port() {
    python3 - "$@" <<'PY'
import random, socket, sys
host = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1"
for _ in range(200):
    p = random.randint(10000, 32000)  # below the ephemeral range (32768-60999)
    try:
        fam = socket.AF_INET6 if ":" in host else socket.AF_INET
        u = socket.socket(fam, socket.SOCK_DGRAM); u.bind((host, p))
        t = socket.socket(fam, socket.SOCK_STREAM); t.bind((host, p))
        u.close(); t.close(); print(p); sys.exit(0)
    except OSError:
        continue
sys.exit(1)
PY
}

# st_start NAME CMD ARGS...: start a process in the background, log to
# $ST_TMP/NAME.log, remember its PID in ST_PID and ST_PIDS.
st_start() {
    local name=$1; shift
    "$@" >"$ST_TMP/$name.log" 2>&1 &
    ST_PID=$!
    ST_PIDS+=("$ST_PID")
}

# st_stop PID: stop one process we started (SIGTERM, bounded wait, SIGKILL).
st_stop() {
    local pid=$1
    kill "$pid" 2>/dev/null || return 0
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# st_wait_dns ADDR PORT [NAME]: wait (max ~10 s) until a server answers on UDP.
st_wait_dns() {
    local addr=$1 port=$2 name=${3:-.}
    for _ in $(seq 1 100); do
        if "$DIG" @"$addr" -p "$port" +time=1 +tries=1 +norec "$name" SOA >/dev/null 2>&1; then
            return 0
        fi
        if [ -n "${ST_PID:-}" ] && ! kill -0 "$ST_PID" 2>/dev/null; then
            echo "process $ST_PID exited early"; return 1
        fi
        sleep 0.1
    done
    echo "no DNS answer from $addr port $port"
    return 1
}

# st_wait_expect LABEL WANT SECONDS CMD...: run CMD every 0.1 s until it
# prints WANT, for at most SECONDS; "ok" or "not ok" as st_expect says them.
# Returns 1 when it never did.
st_wait_expect() {
    local label=$1 want=$2 secs=$3 got
    shift 3
    for _ in $(seq 1 $((secs * 10))); do
        got=$("$@")
        [ "$got" = "$want" ] && { echo "ok - $label"; return 0; }
        sleep 0.1
    done
    echo "not ok - $label: want '$want', got '$got'"
    ST_FAILS=$((ST_FAILS + 1))
    return 1
}
# st_hostport ADDR PORT: "127.0.0.1:53" or "[::1]:53".
st_hostport() {
    case $1 in
        *:*) printf '[%s]:%s\n' "$1" "$2" ;;
        *) printf '%s:%s\n' "$1" "$2" ;;
    esac
}

# st_wait_exit PID SECONDS: wait for a process we started to exit by itself;
# sets ST_EXIT to its exit code (or "timeout" after SECONDS, then kills it).
st_wait_exit() {
    local pid=$1 secs=$2
    for _ in $(seq 1 $((secs * 10))); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        ST_EXIT=timeout
        return 1
    fi
    ST_EXIT=0
    wait "$pid" 2>/dev/null || ST_EXIT=$?
    return 0
}

# st_write_zone FILE ORIGIN SERIAL: a small zone (SOA, NS with glue, www A/AAAA).
st_write_zone() {
    local file=$1 origin=$2 serial=$3
    {
        printf '$ORIGIN %s\n$TTL 300\n' "$origin"
        printf '@    IN SOA  ns1 hostmaster %s 3600 600 86400 300\n' "$serial"
        printf '@    IN NS   ns1\n'
        printf 'ns1  IN A    192.0.2.53\n'
        printf 'www  IN A    192.0.2.1\n'
        printf 'www  IN AAAA 2001:db8::1\n'
    } >"$file"
}

# st_steerd ARGS...: start the real steerd with ARGS, set ST_STEERD_PID, wait for it
# (a steerd that never answers is a failed check: `st_steerd ... || st_done` fails).
# Set ST_ADDR (default 127.0.0.1) and ST_PORT (default: a free port) first if needed.
st_steerd() {
    : "${ST_ADDR:=127.0.0.1}"
    : "${ST_PORT:=$(st_free_port "$ST_ADDR")}"
    st_start steerd "$top_builddir/steerd" --listen "$(st_hostport "$ST_ADDR" "$ST_PORT")" --workers 1 "$@"
    ST_STEERD_PID=$ST_PID
    st_wait_dns "$ST_ADDR" "$ST_PORT" || { cat "$ST_TMP/steerd.log"; ST_FAILS=$((ST_FAILS + 1)); return 1; }
}

# st_steerd_config FILE [NAME]: start the real steerd with config FILE (it
# listens on ST_ADDR, default 127.0.0.1, port ST_PORT), set ST_STEERD_PID,
# wait until it answers for NAME.
st_steerd_config() {
    st_start steerd "$top_builddir/steerd" -c "$1"
    ST_STEERD_PID=$ST_PID
    st_wait_dns "${ST_ADDR:-127.0.0.1}" "$ST_PORT" "${2:-.}" ||
        { cat "$ST_TMP/steerd.log"; ST_FAILS=$((ST_FAILS + 1)); return 1; }
}

# st_dig ARGS...: dig against the test server, no recursion, short timeouts.
st_dig() {
    "$DIG" @"${ST_ADDR:-127.0.0.1}" -p "$ST_PORT" +norec +time=2 +tries=1 "$@"
}

# st_expect LABEL EXPECTED ACTUAL: compare, report, count failures.
st_expect() {
    local label=$1 want=$2 got=$3
    if [ "$want" = "$got" ]; then
        echo "ok - $label"
    else
        echo "not ok - $label"
        echo "--- expected"; printf '%s\n' "$want"
        echo "--- got"; printf '%s\n' "$got"
        ST_FAILS=$((ST_FAILS + 1))
    fi
}

# st_expect_match LABEL REGEX ACTUAL (extended regex, whole output searched).
st_expect_match() {
    local label=$1 re=$2 got=$3
    if [[ $re == *$'\n'* ]]; then
        # grep would take each line of the pattern as an alternative
        echo "not ok - $label (the pattern has a newline: match one line per check)"
        ST_FAILS=$((ST_FAILS + 1))
        return
    fi
    if printf '%s\n' "$got" | grep -Eq -- "$re"; then
        echo "ok - $label"
    else
        echo "not ok - $label (no match for /$re/)"
        printf '%s\n' "$got"
        ST_FAILS=$((ST_FAILS + 1))
    fi
}

# st_done: exit with the test result.
st_done() {
    if [ "$ST_FAILS" -ne 0 ]; then
        echo "$ST_FAILS check(s) failed"
        [ -f "$ST_TMP/steerd.log" ] && { echo "--- steerd log"; tail -50 "$ST_TMP/steerd.log"; }
        exit 1
    fi
    exit 0
}
