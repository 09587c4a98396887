#!/bin/bash
# steerd on wildcard addresses replies from the address that was queried
# (127.0.0.2 is answered from 127.0.0.2, not from the route's 127.0.0.1).
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"
st_need_dig
st_need_pydns

ST_PORT=$(st_free_port 0.0.0.0)
st_write_zone "$ST_TMP/example.test.zone" example.test. 2024010101
V6=
V6LISTEN=()
if st_have_ipv6; then
    V6=1
    V6LISTEN=(--listen "[::]:$ST_PORT")
else
    echo "# no IPv6 loopback: IPv4 only"
fi
st_start steerd "$top_builddir/steerd" --listen "0.0.0.0:$ST_PORT" "${V6LISTEN[@]}" \
    --workers 2 --zone "example.test:$ST_TMP/example.test.zone"
ST_STEERD_PID=$ST_PID
st_wait_dns 127.0.0.1 "$ST_PORT" example.test || { cat "$ST_TMP/steerd.log"; exit 1; }

out=$("$ST_PY" - "$ST_PORT" "$V6" <<'PY' 2>&1
import socket, sys
import dns.message

port = int(sys.argv[1])
fails = 0
pairs = [("127.0.0.1", "127.0.0.2"), ("127.0.0.1", "127.0.0.1"), ("127.0.0.3", "127.0.0.2")]
if len(sys.argv) > 2 and sys.argv[2]:
    pairs.append(("::1", "::1"))
for client, server in pairs:
    fam = socket.AF_INET6 if ":" in server else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((client, 0))
    s.settimeout(3)
    q = dns.message.make_query("www.example.test.", "A")
    try:
        s.sendto(q.to_wire(), (server, port))
        data, src = s.recvfrom(4096)
        m = dns.message.from_wire(data)
        ok = src[0] == server and src[1] == port and m.id == q.id and "192.0.2.1" in str(m)
        detail = "reply from %s:%d" % (src[0], src[1])
    except Exception as e:
        ok, detail = False, repr(e)
    print(("ok - " if ok else "not ok - ") + "query to %s from %s answered from %s (%s)" % (server, client, server, detail))
    fails += not ok
    s.close()
sys.exit(1 if fails else 0)
PY
)
rc=$?
printf '%s\n' "$out"
[ $rc -eq 0 ] || ST_FAILS=$((ST_FAILS + 1))

out=$("$DIG" @127.0.0.2 -p "$ST_PORT" +norec +time=2 +tries=1 +tcp +short www.example.test A)
st_expect "tcp on the wildcard address" "192.0.2.1" "$out"

st_stop "$ST_STEERD_PID"
st_done
