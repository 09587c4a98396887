#!/bin/bash
# Out of file descriptors: steerd raises its soft open-file limit to the
# hard one, keeps server.tcp_max_clients within what the limit leaves, and
# no listener spins or floods the log when accept() fails: with the limit
# at 160, hundreds of idle TCP clients leave steerctl, /metrics and DNS
# answering; idle metrics clients that take every descriptor pause the
# listeners (a log line or two, not thousands) and, once they leave,
# steerctl answers again.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"
st_need_dig
st_need python3 curl timeout

cd "$ST_TMP" || exit 1
mkdir -p run
ST_ADDR=127.0.0.1
ST_PORT=$(st_free_port 127.0.0.1)
METRICS_PORT=$(st_free_port 127.0.0.1)
st_write_zone example.test.zone example.test. 1
cat >steerd.yaml <<EOF
server:
  listen: ["127.0.0.1:$ST_PORT"]
  workers: 1
  control: run/steerd.sock
  metrics: 127.0.0.1:$METRICS_PORT
  tcp_max_clients: 1024
  tcp_idle_timeout: 1h
zones:
  example.test: example.test.zone
EOF

# soft 100, hard 160: raised to 160 at start
st_start steerd bash -c 'ulimit -Sn 100 && ulimit -Hn 160 && exec "$0" "$@"' \
    "$top_builddir/steerd" -c steerd.yaml
ST_STEERD_PID=$ST_PID
st_wait_dns "$ST_ADDR" "$ST_PORT" || { cat steerd.log; exit 1; }
st_expect_match "soft limit raised to the hard one" 'open-file limit raised from 100 to 160' "$(cat steerd.log)"
st_expect_match "the process has it" '^Max open files +160 +160 ' "$(cat /proc/$ST_STEERD_PID/limits)"
st_expect_match "tcp_max_clients does not fit: said, and kept within" \
    'server.tcp_max_clients 1024 does not fit the open-file limit 160 .*: at most [0-9]+ TCP connections' \
    "$(cat steerd.log)"

ctl() { CTL_OUT=$(timeout 5 "$top_builddir/steerctl" -s run/steerd.sock "$@" 2>&1); CTL_RC=$?; }
metrics() { curl -s --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics" | grep -c '^steerdns_' ; }
accept_lines() { grep -c 'accept failed' steerd.log; }

# hold PORT N SECS: open N idle connections to PORT and keep them SECS
# seconds (in the background: HOLDER is its pid, $ST_TMP/held its output).
hold() {
    rm -f held
    python3 - "$@" >held 2>&1 <<'PY' &
import socket, sys, time
port, n, secs = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
kept = []
for _ in range(n):
    try:
        kept.append(socket.create_connection(("127.0.0.1", port), timeout=2))
    except OSError as e:
        print("connect:", e)
print("held", len(kept), flush=True)
time.sleep(secs)
PY
    HOLDER=$!
    ST_PIDS+=("$HOLDER")
    for _ in $(seq 1 50); do grep -q held held && break; sleep 0.1; done
}

# 400 idle TCP clients: the oldest make room, the rest keeps answering.
hold "$ST_PORT" 400 4
ctl status
st_expect "steerctl answers beside 400 TCP clients" "0" "$CTL_RC"
st_expect "metrics answer beside 400 TCP clients" "yes" "$([ "$(metrics)" -gt 10 ] && echo yes || echo no)"
st_expect "DNS over TCP answers" "192.0.2.1" "$(st_dig +tcp +short www.example.test A)"
st_expect "no accept failures" "0" "$(accept_lines)"
wait "$HOLDER"

# 300 idle metrics clients take every descriptor: accept() fails everywhere.
hold "$METRICS_PORT" 300 3
# steerctl and a TCP query now wait in the backlog: accept fails on both
timeout 2 "$top_builddir/steerctl" -s run/steerd.sock status >/dev/null 2>&1
st_dig +tcp +short www.example.test A >/dev/null 2>&1
wait "$HOLDER"
lines=$(accept_lines)
st_expect "accept failures logged, not flooded (at most one line per listener)" "yes" \
    "$([ "$lines" -ge 1 ] && [ "$lines" -le 6 ] && echo yes || echo "no ($lines lines)")"
st_expect_match "the log names the listener" '(control socket .*run/steerd\.sock|metrics 127\.0\.0\.1:[0-9]+|tcp), accept failed \(Too many open files\), pausing for 100 ms' \
    "$(cat steerd.log)"
# the metrics clients are gone (closed by the client): everything answers
for _ in $(seq 1 30); do ctl status; [ "$CTL_RC" = 0 ] && break; sleep 0.2; done
st_expect "steerctl answers again" "0" "$CTL_RC"
st_expect "metrics answer again" "yes" "$([ "$(metrics)" -gt 10 ] && echo yes || echo no)"
st_expect "DNS over TCP answers again" "192.0.2.1" "$(st_dig +tcp +short www.example.test A)"
st_expect "steerd alive" "alive" "$(kill -0 "$ST_STEERD_PID" 2>/dev/null && echo alive || echo dead)"
st_done
