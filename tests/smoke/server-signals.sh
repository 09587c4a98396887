#!/bin/bash
# steerd signals: SIGHUP reloads changed zones and the config (a broken file
# keeps the old data serving), SIGTERM and SIGINT exit cleanly in bounded time.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"
st_need_dig

cd "$ST_TMP" || exit 1
ST_PORT=$(st_free_port 127.0.0.1)
st_write_zone example.test.zone example.test. 1
st_write_zone other.test.zone other.test. 50
cat >steerd.yaml <<EOF
server:
  listen: ["127.0.0.1:$ST_PORT"]
  workers: 2
zones:
  example.test: example.test.zone
EOF

serial() { st_dig +short "$1" SOA | awk '{print $3}'; }
# wait_serial ZONE WANT: poll (max ~5 s) until the zone's serial is WANT.
wait_serial() {
    local got
    for _ in $(seq 1 50); do
        got=$(serial "$1")
        [ "$got" = "$2" ] && break
        sleep 0.1
    done
    printf '%s\n' "$got"
}
# wait_log REGEX: poll (max ~5 s) until the log matches.
wait_log() {
    for _ in $(seq 1 50); do
        grep -Eq -- "$1" steerd.log && return 0
        sleep 0.1
    done
    return 1
}

st_start steerd "$top_builddir/steerd" -c steerd.yaml
pid=$ST_PID
st_wait_dns 127.0.0.1 "$ST_PORT" example.test || { cat steerd.log; exit 1; }
st_expect "initial serial" 1 "$(serial example.test)"
st_expect_match "start log names the zone and serial" 'zone example\.test\., serial 1' "$(cat steerd.log)"

# A changed zone file is picked up by SIGHUP.
st_write_zone example.test.zone example.test. 2
kill -HUP "$pid"
st_expect "SIGHUP picks up the new serial" 2 "$(wait_serial example.test 2)"

# A broken zone file keeps the old data serving and the log says where.
st_write_zone example.test.zone example.test. 3
printf 'broken IN A not-an-address\n' >>example.test.zone
kill -HUP "$pid"
wait_log 'reload failed' || true
st_expect_match "broken zone: reload failure logged with file:line" 'reload failed.*example\.test\.zone:8' "$(cat steerd.log)"
st_expect "broken zone: old serial still served" 2 "$(serial example.test)"

# A broken config keeps everything serving too.
st_write_zone example.test.zone example.test. 4
cp steerd.yaml steerd.yaml.good
printf 'bogus: [\n' >>steerd.yaml
kill -HUP "$pid"
for _ in $(seq 1 50); do [ "$(grep -c 'reload failed' steerd.log)" -ge 2 ] && break; sleep 0.1; done
st_expect_match "broken config: failure logged with the config file" 'reload failed.*steerd\.yaml:[0-9]+' "$(cat steerd.log)"
st_expect "broken config: old serial still served" 2 "$(serial example.test)"

# A config change (a second zone) is picked up by SIGHUP.
cp steerd.yaml.good steerd.yaml
printf '  other.test: other.test.zone\n' >>steerd.yaml
kill -HUP "$pid"
st_expect "config reload adds a zone" 50 "$(wait_serial other.test 50)"
st_expect "config reload also reloads the changed zone" 4 "$(serial example.test)"

# Still answering over TCP after reloads.
st_expect "tcp after reloads" 4 "$(st_dig +tcp +short example.test SOA | awk '{print $3}')"

# A changed listen address needs a restart: warned, the old sockets keep serving.
OTHER_PORT=$(st_free_port 127.0.0.1)
sed -i "s/127.0.0.1:$ST_PORT/127.0.0.1:$OTHER_PORT/" steerd.yaml
kill -HUP "$pid"
wait_log 'server.listen changed' || true
st_expect_match "listen change: restart asked for" 'server\.listen changed: restart' "$(cat steerd.log)"
for _ in $(seq 1 50); do [ "$(grep -c 'reload done' steerd.log)" -ge 3 ] && break; sleep 0.1; done
st_expect "listen change: still serving on the old address" 4 "$(serial example.test)"

# A second server on the same port refuses to start (SO_REUSEPORT would let
# it share the port silently).
timeout 10 "$top_builddir/steerd" --listen "127.0.0.1:$ST_PORT" --zone example.test:example.test.zone \
    >second.log 2>&1
st_expect "port in use: exit 1" 1 "$?"
st_expect_match "port in use: address named" "127\.0\.0\.1:$ST_PORT.*in use" "$(cat second.log)"

# SIGTERM: clean exit, code 0, within 5 s.
kill -TERM "$pid"
st_wait_exit "$pid" 5
st_expect "SIGTERM: exit code 0 within 5 s" 0 "$ST_EXIT"

# SIGINT on a server with several workers and an open TCP connection.
st_start steerd2 "$top_builddir/steerd" --listen "127.0.0.1:$ST_PORT" --workers 3 \
    --zone example.test:example.test.zone
pid=$ST_PID
st_wait_dns 127.0.0.1 "$ST_PORT" example.test || { cat steerd2.log; exit 1; }
exec 3<>"/dev/tcp/127.0.0.1/$ST_PORT"
kill -INT "$pid"
st_wait_exit "$pid" 5
st_expect "SIGINT with an open TCP connection: exit code 0 within 5 s" 0 "$ST_EXIT"
exec 3<&-

st_done
