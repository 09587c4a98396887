#!/bin/bash
# steerctl reload: a good zone change is served; a bad zone file keeps the
# old data serving and the error names file:line; a bad config likewise;
# drains and answer counts survive reloads (carried over by name).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"
. "$top_srcdir/tests/smoke/ctl-common.sh"
st_need_dig
st_need curl
ctl_setup
ctl_start

serial() { st_dig +short example.test SOA | awk '{print $3}'; }
st_expect "serial at start" "2026112201" "$(serial)"

ctl drain use1-a
ctl_write_zone 2026112202 "new     IN A   192.0.2.77"
ctl reload
st_expect "reload ok" "0" "$CTL_RC"
st_expect_match "reload reply" '^reloaded, generation 2' "$CTL_OUT"
st_expect_match "reload lists zone" 'zone example\.test\. serial 2026112202, 5 records' "$CTL_OUT"
st_expect "new serial served" "2026112202" "$(serial)"
st_expect "new record served" "192.0.2.77" "$(st_dig +short new.example.test A)"
st_expect "drain survives reload" "192.0.2.12" "$(www)"

# A bad zone: the reply names file:line, the old data keeps serving.
ctl_write_zone 2026112203 "broken  IN A   999.1.2.3"
ctl reload
st_expect "bad reload exit 1" "1" "$CTL_RC"
st_expect_match "bad reload names file:line" 'zones/example\.test\.zone:7: ' "$CTL_OUT"
st_expect "old serial still served" "2026112202" "$(serial)"
st_expect "old record still served" "192.0.2.77" "$(st_dig +short new.example.test A)"
ctl reload example.test
st_expect "bad zone-only reload" "1" "$CTL_RC"
st_expect_match "zone-only reload names file:line" 'zones/example\.test\.zone:7: ' "$CTL_OUT"
ctl checkconf
st_expect "checkconf sees the bad zone" "1" "$CTL_RC"
st_expect_match "checkconf names file:line" 'zones/example\.test\.zone:7: ' "$CTL_OUT"
ctl status
st_expect_match "status counts the failure" 'reloads 1 ok .*, 2 failed \(last .*zones/example\.test\.zone:7: ' "$CTL_OUT"

# A bad config: same.
cp steerd.yaml good.yaml
printf 'bogus_section: 1\n' >>steerd.yaml
ctl reload
st_expect "bad config reload exit 1" "1" "$CTL_RC"
st_expect_match "bad config names the file" 'steerd\.yaml:[0-9]+' "$CTL_OUT"
st_expect "old data after bad config" "2026112202" "$(serial)"

# steerctl -c CONFIG reload (the unit file's ExecReload) with CONFIG broken:
# steerctl still finds the socket, steerd names file:line and counts it.
failures() { curl -s --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics" |
    sed -n 's/^steerdns_reloads_total{result="failure"} //p'; }
before=$(failures)
creload() { CTL_OUT=$("$top_builddir/steerctl" -c "$CTL_CONF" reload 2>&1); CTL_RC=$?; }
# a YAML error below the server section
cp good.yaml steerd.yaml
printf 'extra: [1, 2\n' >>steerd.yaml
creload
st_expect "-c reload of broken YAML: exit 1" "1" "$CTL_RC"
st_expect_match "-c reload of broken YAML: file:line" "steerd\.yaml:$(($(wc -l <good.yaml) + 2)):[0-9]+: " "$CTL_OUT"
# a YAML error inside the server section, before control:
sed 's/^  workers: 1$/  workers: [1/' good.yaml >steerd.yaml
creload
st_expect "-c reload, error before server.control: exit 1" "1" "$CTL_RC"
st_expect_match "-c reload, error before server.control: file:line" 'steerd\.yaml:[0-9]+:[0-9]+: ' "$CTL_OUT"
st_expect "both failures counted" "$((before + 2))" "$(failures)"
st_expect "old data after broken YAML" "2026112202" "$(serial)"
# steerd not running and the file broken: both are said
CTL_OUT=$("$top_builddir/steerctl" -c "$ST_TMP/nosuch/steerd.yaml" reload 2>&1); CTL_RC=$?
st_expect "-c with a missing file: exit 2" "2" "$CTL_RC"
cp good.yaml steerd.yaml

# Fixed: one zone reloaded by name; the drain is still in force.
ctl_write_zone 2026112204
ctl reload example.test
st_expect "zone reload ok" "0" "$CTL_RC"
st_expect_match "zone reload reply" '^reloaded zone example\.test, generation ' "$CTL_OUT"
st_expect "fixed serial served" "2026112204" "$(serial)"
st_expect "drain survives zone reload" "192.0.2.12" "$(www)"
# Carried over by name: endpoints in another order keep their own drains,
# and their answer counts (use1-a has none: drained since before any query).
counts() { ctl stats; printf '%s\n' "$CTL_OUT" | grep '^endpoint use1-' | sort; }
before=$(counts)
st_expect_match "use1-b answered" '^endpoint use1-b us-east-1 [1-9]' "$before"
python3 - <<'PY'
s = open("steerd.yaml").read()
a = "      use1-a: { address: 192.0.2.11 }\n"
b = "      use1-b: { address: 192.0.2.12 }\n"
assert a + b in s
open("steerd.yaml", "w").write(s.replace(a + b, b + a))
PY
ctl reload
st_expect "reload reordered config" "0" "$CTL_RC"
st_expect "answer counts follow the names" "$before" "$(counts)"
st_expect "drain follows the name" "192.0.2.12" "$(www)"
ctl reload nosuch.test
st_expect "unknown zone" "1" "$CTL_RC"

# Keys that need a restart are kept as started, with a warning.
cp steerd.yaml good.yaml
sed "s/127.0.0.1:$METRICS_PORT/127.0.0.1:$(st_free_port 127.0.0.1)/" good.yaml >steerd.yaml
ctl reload
st_expect "reload with a new metrics address" "0" "$CTL_RC"
st_expect_match "metrics address change needs a restart" 'warning: reload, server.metrics changed: restart steerd to apply it' "$(cat steerd.log)"
st_expect_match "metrics still served where they were" '^steerdns_build_info' \
    "$(curl -s --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics")"
cp good.yaml steerd.yaml

# server.coalesce_us and the TCP limits apply to the running workers at once.
python3 - <<'PY2'
s = open("good.yaml").read()
assert "server:\n" in s
open("steerd.yaml", "w").write(
    s.replace("server:\n",
              "server:\n  coalesce_us: 0\n  tcp_max_clients: 2\n  tcp_idle_timeout: 1s\n"
              "  tcp_message_timeout: 500ms\n", 1))
PY2
ctl reload
st_expect "reload with coalesce_us 0, tcp_max_clients 2" "0" "$CTL_RC"
st_expect_match "coalesce_us applied" 'info: reload, server.coalesce_us 200 -> 0' "$(cat steerd.log)"
st_expect_match "tcp_max_clients applied" 'info: reload, server.tcp_max_clients 1024 -> 2' "$(cat steerd.log)"
st_expect_match "tcp_idle_timeout applied" 'info: reload, server.tcp_idle_timeout 10000 ms -> 1000 ms' "$(cat steerd.log)"
st_expect_match "tcp_message_timeout applied" 'info: reload, server.tcp_message_timeout 2000 ms -> 500 ms' "$(cat steerd.log)"
st_expect "no restart needed" "" "$(grep -E '(coalesce_us|tcp_max_clients|tcp_idle_timeout|tcp_message_timeout).*restart' steerd.log)"
st_expect "answers after the change" "192.0.2.12" "$(www)"
# a third connection closes the least active of the first two
st_expect "the new TCP limit and timeouts hold" "first closed, third answered, idle closed, trickle cut off" "$(python3 - "$ST_PORT" <<'PY2'
import socket, struct, sys, time
port = int(sys.argv[1])
q = bytes.fromhex("abcd01000001000000000000") + b"\x03www\x07example\x04test\x00\x00\x01\x00\x01"
conns = []
for _ in range(3):
    c = socket.create_connection(("127.0.0.1", port), timeout=3)
    conns.append(c)
    time.sleep(0.2)
conns[0].settimeout(3)
try:
    first = "first closed" if conns[0].recv(1) == b"" else "first open"
except socket.timeout:
    first = "first still open"
except ConnectionResetError:
    first = "first closed"
conns[2].sendall(struct.pack("!H", len(q)) + q)
n = struct.unpack("!H", conns[2].recv(2))[0]
third = "third answered" if n > 12 else "third not answered"
# a new connection left idle is closed after the new 1 s, not the old 10 s
idle = socket.create_connection(("127.0.0.1", port), timeout=4)
t0 = time.monotonic()
try:
    gone = idle.recv(1) == b""
except socket.timeout:
    gone = False
except ConnectionResetError:
    gone = True
idle_text = "idle closed" if gone and time.monotonic() - t0 < 4 else "idle kept"
# a byte every 300 ms: cut off by the new 500 ms message timeout, not the old 2 s
slow = socket.create_connection(("127.0.0.1", port), timeout=4)
slow.settimeout(0.3)
msg = struct.pack("!H", len(q)) + q
t0 = time.monotonic()
slow_text = "trickle kept"
try:
    for i in range(len(msg)):
        slow.sendall(msg[i:i + 1])
        try:
            if slow.recv(1) == b"":
                break
        except socket.timeout:
            pass
except (BrokenPipeError, ConnectionResetError):
    pass
# the old 2 s timeout could not cut it before 2 s: any cut before 1.9 s is
# the new one, however late a loaded machine runs its timer
if time.monotonic() - t0 < 1.9:
    slow_text = "trickle cut off"
print(first + ", " + third + ", " + idle_text + ", " + slow_text)
PY2
)"
cp good.yaml steerd.yaml

st_done
