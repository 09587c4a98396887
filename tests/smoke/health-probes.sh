#!/bin/bash
# steercheck against real loopback backends that the test flips between good
# and bad: HTTP 200/500, wrong body, a hang (timeout), connection refused, TLS
# with a self-signed certificate (verify on, off, and with the cert as CA), a
# DNS server (answer, SERVFAIL, silence), an exec check; then a restart keeps
# the states and a SIGHUP with another endpoint set bumps the generation.
. "$top_srcdir/tests/smoke/lib.sh"
st_need python3 openssl

SC=$top_builddir/steercheck
BACKEND=$top_srcdir/tests/data/health/backend.py
D=$ST_TMP
P_HTTP=$(st_free_port) P_TLS=$(st_free_port) P_DNS=$(st_free_port)
[ -n "$P_HTTP" ] && [ -n "$P_TLS" ] && [ -n "$P_DNS" ] || st_skip "no free ports"
# The refused port stays bound (never listening) for the whole test, so that
# no test running beside this one can start a listener there: a connection
# to it is always refused.
st_start port-holder python3 -c '
import random, socket, sys, time
for _ in range(200):
    p = random.randint(10000, 32000)
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", p))
    except OSError:
        s.close()
        continue
    print(p, flush=True)
    time.sleep(3600)
sys.exit(1)'
for _ in $(seq 1 50); do P_DEAD=$(head -1 "$ST_TMP/port-holder.log" 2>/dev/null); [ -n "$P_DEAD" ] && break; sleep 0.1; done
[ -n "$P_DEAD" ] || st_skip "no free port to hold"

openssl req -x509 -newkey rsa:2048 -nodes -keyout "$D/key.pem" -out "$D/cert.pem" -days 2 \
    -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" >/dev/null 2>&1 ||
    st_skip "openssl cannot make a test certificate"

for m in http tls dns exec; do echo ok >"$D/m_$m"; done

# wait_ready NAME: the backend printed "ready" (bounded wait).
wait_ready() {
    for _ in $(seq 1 100); do grep -q ready "$D/$1.log" 2>/dev/null && return 0; sleep 0.05; done
    echo "backend $1 did not start"; cat "$D/$1.log"; exit 1
}
start_http() {
    st_start backend-http python3 "$BACKEND" --port "$P_HTTP" --mode-file "$D/m_http"
    HTTP_PID=$ST_PID
    wait_ready backend-http
}
start_http
st_start backend-tls python3 "$BACKEND" --port "$P_TLS" --mode-file "$D/m_tls" \
    --tls "$D/cert.pem" "$D/key.pem"
st_start backend-dns python3 "$BACKEND" --dns --port "$P_DNS" --mode-file "$D/m_dns"
wait_ready backend-tls
wait_ready backend-dns

write_conf() { # $1: extra endpoint lines
    cat >"$D/steer.yaml" <<EOF
health:
  table: health.shm
  stale_after: 2s
checks:
  web: { type: http, path: /healthz, expect_body: "OK", interval: 400ms, timeout: 300ms, rise: 2, fall: 2 }
  tls-strict: { type: https, path: /, interval: 400ms, timeout: 300ms, rise: 1, fall: 2 }
  tls-lax: { type: https, path: /, tls_verify: false, interval: 400ms, timeout: 300ms, rise: 1, fall: 2 }
  tls-ca: { type: https, path: /, tls_ca_file: cert.pem, interval: 400ms, timeout: 300ms, rise: 1, fall: 2 }
  dns: { type: dns, dns_name: probe.test., dns_expect: 192.0.2.1, interval: 400ms, timeout: 300ms, rise: 1, fall: 2 }
  tcp: { type: tcp, interval: 400ms, timeout: 300ms, rise: 1, fall: 2 }
  cmd: { type: exec, command: [sh, -c, "grep -qx ok $D/m_exec || { echo exec says no; exit 1; }"], interval: 500ms, timeout: 400ms, rise: 1, fall: 2 }
regions:
  r1:
    endpoints:
      web-a: { address: 192.0.2.11, check: web, check_target: "127.0.0.1:$P_HTTP" }
      dead: { address: 192.0.2.12, check: web, check_target: "127.0.0.1:$P_DEAD" }
      tls-strict: { address: 192.0.2.13, check: tls-strict, check_target: "127.0.0.1:$P_TLS" }
      tls-lax: { address: 192.0.2.14, check: tls-lax, check_target: "127.0.0.1:$P_TLS" }
      tls-ca: { address: 192.0.2.15, check: tls-ca, check_target: "127.0.0.1:$P_TLS" }
      dns-a: { address: 192.0.2.16, check: dns, check_target: "127.0.0.1:$P_DNS" }
      tcp-a: { address: 192.0.2.17, check: tcp, check_target: "127.0.0.1:$P_HTTP" }
      exec-a: { address: 192.0.2.18, check: cmd }
      static: { address: 192.0.2.19 }
$1
EOF
}
write_conf ""

dump() { "$SC" --dump -c "$D/steer.yaml" 2>&1; }
field() { dump | awk -v n="$1" -v f="$2" '$1 == n { print $f }'; }
errtext() { dump | awk -v n="$1" '$1 == n { for (i = 7; i <= NF; i++) printf "%s%s", $i, (i < NF ? " " : ""); print "" }'; }

# wait_state NAME STATE: bounded wait (8 s) for the table to show STATE.
wait_state() {
    local n=$1 want=$2 got
    for _ in $(seq 1 80); do
        kill -0 "$SC_PID" 2>/dev/null || { echo "not ok - steercheck exited"; cat "$D"/steercheck*.log; exit 1; }
        got=$(field "$n" 2)
        [ "$got" = "$want" ] && { echo "ok - $n $want"; return 0; }
        sleep 0.1
    done
    echo "not ok - $n: want $want, got '$got'"
    dump
    ST_FAILS=$((ST_FAILS + 1))
    return 1
}

start_checker() { # $1: log name
    st_start "$1" "$SC" -c "$D/steer.yaml"
    SC_PID=$ST_PID
    for _ in $(seq 1 50); do dump | grep -q "checker pid $SC_PID," && break; sleep 0.1; done
}
start_checker steercheck

wait_state web-a up
wait_state dead down
st_expect_match "refused text" "Connection refused" "$(errtext dead)"
wait_state tls-strict down
st_expect_match "tls verify error" "certificate verify failed" "$(errtext tls-strict)"
wait_state tls-lax up
wait_state tls-ca up
wait_state dns-a up
wait_state tcp-a up
wait_state exec-a up
st_expect "endpoints without a check are not in the table" "" "$(field static 2)"

echo 500 >"$D/m_http"
wait_state web-a down
st_expect "http 500 text" "http 500 from 127.0.0.1:$P_HTTP" "$(errtext web-a)"
echo ok >"$D/m_http"
wait_state web-a up

echo body >"$D/m_http"
wait_state web-a down
st_expect_match "body text" 'body lacks "OK"' "$(errtext web-a)"
echo ok >"$D/m_http"
wait_state web-a up

echo hang >"$D/m_http"
wait_state web-a down
st_expect_match "timeout text" "timeout after 300ms" "$(errtext web-a)"
echo ok >"$D/m_http"
wait_state web-a up

st_stop "$HTTP_PID"
wait_state web-a down
wait_state tcp-a down
st_expect_match "refused after the backend stopped" "Connection refused" "$(errtext tcp-a)"
start_http
wait_state web-a up
wait_state tcp-a up

echo servfail >"$D/m_dns"
wait_state dns-a down
st_expect_match "dns rcode text" "SERVFAIL" "$(errtext dns-a)"
echo ok >"$D/m_dns"
wait_state dns-a up
echo drop >"$D/m_dns"
wait_state dns-a down
st_expect_match "dns timeout text" "timeout" "$(errtext dns-a)"
echo ok >"$D/m_dns"
wait_state dns-a up

echo no >"$D/m_exec"
wait_state exec-a down
st_expect "exec output is the error" "exit 1: exec says no" "$(errtext exec-a)"
echo ok >"$D/m_exec"
wait_state exec-a up

st_expect_match "flaps are counted" "^[1-9]" "$(field web-a 6)"
st_expect_match "rtt is reported" "ms$" "$(field web-a 3)"

# The table emptied in place under the running checker: it writes it again.
: >"$D/health.shm"
wait_state web-a up
st_expect_match "checker survived the truncation" "checker pid $SC_PID," "$(dump)"

# A second checker on the same table is refused.
out=$("$SC" -c "$D/steer.yaml" 2>&1)
st_expect_match "second checker refused" "in use by another steercheck" "$out"

# Restart: the same table is reattached, states and generation kept.
gen=$(dump | sed -n 's/.*generation \([0-9]*\),.*/\1/p')
st_stop "$SC_PID"
st_expect_match "clean exit clears the pid" "checker pid 0," "$(dump)"
start_checker steercheck2
st_expect "dead still down right after a restart" "down" "$(field dead 2)"
st_expect "same generation after a restart" "$gen" "$(dump | sed -n 's/.*generation \([0-9]*\),.*/\1/p')"
st_expect_match "new pid in the table" "checker pid $SC_PID," "$(dump)"

# SIGHUP with another endpoint: new layout, generation + 1, states carried.
write_conf "      web-c: { address: 192.0.2.20, check: web, check_target: \"127.0.0.1:$P_HTTP\" }"
kill -HUP "$SC_PID"
wait_state web-c up
st_expect "generation bumped by the new endpoint set" "$((gen + 1))" \
    "$(dump | sed -n 's/.*generation \([0-9]*\),.*/\1/p')"
st_expect "dead carried over" "down" "$(field dead 2)"

# --once probes without the table and fails when something is down.
out=$("$SC" --once -c "$D/steer.yaml" 2>/dev/null)
rc=$?
st_expect "--once exit code" "1" "$rc"
st_expect_match "--once lists web-a ok" "^web-a +ok" "$out"
st_expect_match "--once lists dead fail" "^dead +fail" "$out"

st_stop "$SC_PID"
# A damaged table: --dump reports it, no crash.
printf 'garbage' >"$D/health.shm"
out=$("$SC" --dump --table "$D/health.shm" 2>&1)
rc=$?
st_expect "dump of a damaged table fails" "1" "$rc"
st_expect_match "dump says why" "truncated|not a health table" "$out"
grep -q "endpoint web-a, down (http 500 from 127.0.0.1:$P_HTTP)" "$D/steercheck.log" ||
    { echo "not ok - state change log line"; ST_FAILS=$((ST_FAILS + 1)); }
st_done
