#!/bin/bash
# steerctl against a running steerd: socket mode, status, health, stats,
# drain/undrain/force changing real answers, errors and exit codes, the
# protocol version check, a second steerd refused on a live socket.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"
. "$top_srcdir/tests/smoke/ctl-common.sh"
st_need_dig
ctl_setup
ctl_start

st_expect "socket mode 0600" "600" "$(stat -c %a "$CTL_SOCK")"

ctl status
st_expect "status exit 0" 0 "$CTL_RC"
st_expect_match "status version" '^steerd [0-9]+\.[0-9]+\.[0-9]+, pid [0-9]+, up ' "$CTL_OUT"
st_expect_match "status zone" 'zone example\.test\. serial 2026112201, [0-9]+ records, loaded ' "$CTL_OUT"
st_expect_match "status workers" '^workers 1, config ' "$CTL_OUT"
st_expect_match "status regions" 'region us-east-2 healthy, 1/1 endpoints up, dial 100%' "$CTL_OUT"
ctl status --json
st_expect "status --json parses" "2026112201" \
    "$(printf '%s' "$CTL_OUT" | python3 -c 'import json,sys; print(json.load(sys.stdin)["zones"][0]["serial"])')"
# -c finds the socket from server.control, relative to the config file.
out=$(cd / && "$top_builddir/steerctl" -c "$CTL_CONF" status 2>&1)
st_expect_match "steerctl -c config" '^steerd ' "$out"

st_expect "answer before drain" "192.0.2.11 192.0.2.12" "$(www)"
ctl drain use1-a
st_expect "drain endpoint" "0 drained endpoint use1-a (region us-east-1)" "$CTL_RC $CTL_OUT"
st_expect "answer after endpoint drain" "192.0.2.12" "$(www)"
ctl health
st_expect_match "health shows drain" '^use1-a +us-east-1 +drained +no-check +drain ' "$CTL_OUT"
st_expect_match "health header" '^endpoint +region +state +checker +override +since +rtt +error' "$CTL_OUT"
ctl drain us-east-1
st_expect "drain region" "0 drained region us-east-1 (2 endpoints)" "$CTL_RC $CTL_OUT"
st_expect "answer after region drain" "198.51.100.11" "$(www)"
ctl undrain use1-b
st_expect_match "undrain inside drained region refused" 'stays drained with its region us-east-1' "$CTL_OUT"
ctl undrain use1-a
st_expect "refused undrain of a drained endpoint" "1" "$CTL_RC"
st_expect_match "refused undrain keeps its drain on disk" '^endpoint use1-a drain$' "$(cat run/state/steerd.state)"
ctl undrain all
st_expect "undrain all" "0 ended 2 drains" "$CTL_RC $CTL_OUT"
st_expect "answer after undrain" "192.0.2.11 192.0.2.12" "$(www)"

ctl force use1-a down
st_expect "force down" "0 endpoint use1-a forced down" "$CTL_RC $CTL_OUT"
st_expect "answer with use1-a forced down" "192.0.2.12" "$(www)"
ctl force use1-a clear
st_expect "force clear" "0 endpoint use1-a follows its checker again" "$CTL_RC $CTL_OUT"
st_expect "answer after force clear" "192.0.2.11 192.0.2.12" "$(www)"
ctl force use1-a sideways
st_expect "force bad state" "1" "$CTL_RC"

ctl dial us-east-2 40
st_expect "dial at once" "0 dial us-east-2 40% (was 100%)" "$CTL_RC $CTL_OUT"
ctl status
st_expect_match "status shows dial" 'region us-east-2 healthy, 1/1 endpoints up, dial 40%' "$CTL_OUT"
ctl dial us-east-2 101
st_expect_match "dial out of range" 'expected a percentage 0-100' "$CTL_OUT"

ctl stats
st_expect "stats exit 0" 0 "$CTL_RC"
st_expect_match "stats queries" '^queries [1-9][0-9]* \(udp [1-9][0-9]*, tcp 0\)' "$CTL_OUT"
st_expect_match "stats rcode" '^rcode NOERROR [1-9]' "$CTL_OUT"
st_expect_match "stats per record" '^record www\.example\.test\. A [1-9]' "$CTL_OUT"
st_expect_match "stats per region" '^region us-east-2 [1-9]' "$CTL_OUT"
st_expect_match "stats per endpoint" '^endpoint use1-b us-east-1 [1-9]' "$CTL_OUT"
ctl stats --json
st_expect "stats --json parses" "ok" \
    "$(printf '%s' "$CTL_OUT" | python3 -c 'import json,sys; d=json.load(sys.stdin); print("ok" if d["queries"]["udp"] > 0 and d["endpoints"][0]["name"] == "use1-a" else d)')"

ctl explain www.example.test A --client 192.0.2.1
st_expect "explain exit 0" 0 "$CTL_RC"
st_expect_match "explain names the policy" '^record www\.example\.test\. A \(.*steerd\.yaml:[0-9]+\), policy failover' "$CTL_OUT"
st_expect_match "explain names the client" '^client 192\.0\.2\.1/32' "$CTL_OUT"
st_expect_match "explain gives the answer" '^answer: A 192\.0\.2\.11' "$CTL_OUT"
ctl explain www.example.test A --client 198.51.100.0/24
st_expect_match "explain with ECS" '^client 198\.51\.100\.0/24 \(EDNS client subnet\)' "$CTL_OUT"
ctl explain static.example.test A
st_expect "explain static name" "1 steerctl: static.example.test. A is not a routed record (static zone data is answered as written)" "$CTL_RC $CTL_OUT"
ctl explain www.example.test A --client 300.1.1.1
st_expect_match "explain bad client" "expected ADDR or ADDR/PREFIX" "$CTL_OUT"
for p in -8 0 33 24x ""; do
    ctl explain www.example.test A --client "198.51.100.0/$p"
    st_expect "explain bad prefix /$p" "1 steerctl: --client '198.51.100.0/$p': prefix must be 1-32" "$CTL_RC $CTL_OUT"
done

ctl checkconf
st_expect_match "checkconf" '^steerd\.yaml and 1 zone are valid|and 1 zone are valid' "$CTL_OUT"

# Errors: exit 1 with the server's text; unknown names; usage.
ctl drain nowhere
st_expect "unknown name" "1 steerctl: no endpoint or region named 'nowhere' in the config (see: steerctl health)" "$CTL_RC $CTL_OUT"
ctl frobnicate
st_expect_match "unknown command" "^steerctl: unknown command 'frobnicate' \(commands: status reload" "$CTL_OUT"
st_expect "unknown command exit" 1 "$CTL_RC"
st_expect "steerctl -h lists the server's commands" \
    "$(printf '%s' "$CTL_OUT" | sed 's/.*(commands: \(.*\))$/\1/' | tr ' ' '\n' | sort)" \
    "$("$top_builddir/steerctl" -h | sed -n '/^commands:/,$p' | awk 'NR > 1 { print $1 }' | sort -u)"
ctl force use1-a
st_expect "usage error" "1 steerctl: usage: force ENDPOINT up|down|clear" "$CTL_RC $CTL_OUT"
out=$("$top_builddir/steerctl" -s "$ST_TMP/run/none.sock" status 2>&1); rc=$?
st_expect "no socket" "2 steerctl: cannot connect to $ST_TMP/run/none.sock: No such file or directory (is steerd running?)" "$rc $out"
out=$("$top_builddir/steerctl" -s "$CTL_SOCK" --json drain use1-a 2>&1); rc=$?
st_expect "--json only for data" "2 steerctl: --json applies to status, stats, health and fleet" "$rc $out"
out=$("$top_builddir/steerctl" -s "$CTL_SOCK" --json health 2>&1); rc=$?
st_expect "--json before the command" "0 3" "$rc $(printf '%s' "$out" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')"
out=$("$top_builddir/steerctl" -h); rc=$?
st_expect_match "help lists commands" 'dial REGION PCT \[--over DURATION\]' "$out"
st_expect "help exit" 0 "$rc"

# The raw protocol: versioned, pipelined, blank line after each reply.
raw=$(python3 - "$CTL_SOCK" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX); s.connect(sys.argv[1])
s.sendall(b"STEER2 status\nSTEER1 force use1-a clear\nSTEER1 dial us-east-2 100\n")
s.shutdown(socket.SHUT_WR)
data = b""
while True:
    b = s.recv(4096)
    if not b: break
    data += b
sys.stdout.write(data.decode())
PY
)
st_expect "raw protocol" "error unsupported protocol version STEER2 (this server speaks STEER1)

error endpoint use1-a has no forced state

ok dial us-east-2 100% (was 40%)" "$raw"

# A state file that cannot be written: the change is in force, and the
# error says that a restart would lose it.
mkdir run/state/steerd.state.tmp
ctl drain use1-a
st_expect "unsaved drain exit 1" 1 "$CTL_RC"
st_expect_match "unsaved drain says it applies" '^steerctl: applied, but not saved: a restart of steerd would lose it \(.*steerd\.state\.tmp: Is a directory\)$' "$CTL_OUT"
st_expect "unsaved drain in force" "192.0.2.12" "$(www)"
rmdir run/state/steerd.state.tmp
ctl undrain use1-a
st_expect "undrain saved again" "0" "$CTL_RC"

# A second steerd on the same control socket refuses to start.
port2=$(st_free_port 127.0.0.1)
sed "s/127.0.0.1:$ST_PORT/127.0.0.1:$port2/; s/127.0.0.1:$METRICS_PORT/127.0.0.1:$(st_free_port 127.0.0.1)/" steerd.yaml >second.yaml
st_start second "$top_builddir/steerd" -c second.yaml
second=$ST_PID
for _ in $(seq 1 100); do kill -0 "$second" 2>/dev/null || break; sleep 0.1; done
if kill -0 "$second" 2>/dev/null; then code=running; st_stop "$second"; else wait "$second"; code=$?; fi
st_expect "second steerd exits with an error" "yes" "$([ "$code" != running ] && [ "$code" != 0 ] && echo yes)"
st_expect_match "second steerd says why" 'another server answers on this control socket' "$(cat second.log)"
ctl status
st_expect "first steerd still answers" 0 "$CTL_RC"

st_done
