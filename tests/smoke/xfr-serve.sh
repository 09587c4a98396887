#!/bin/bash
# Zone transfer from steerd, with dig and dnspython as the clients: AXFR
# with the key equals the zone file; unsigned from an address outside
# allow_transfer, a wrong secret, an unknown key and a stale time are
# refused (REFUSED, BADSIG, BADKEY, BADTIME) with nothing transferred; AXFR
# over UDP is refused and IXFR over UDP is the SOA alone when up to date,
# else truncated; IXFR over TCP carries a reload's difference; a large
# transfer cut short or not read at all harms nobody: other TCP and UDP
# clients are answered meanwhile and steerd goes on.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"
. "$top_srcdir/tests/smoke/xfr-common.sh"
st_need_dig
st_need_pydns
st_need curl

# 20000 extra names: a full transfer takes many messages, more than the
# socket buffers hold.
big=()
for i in $(seq 1 20000); do big+=("host$i IN A 10.0.$((i / 256)).$((i % 256))"); done
xfr_zone 100 "${big[@]}"
METRICS_PORT=$(st_free_port)
XFR_SERVER="  metrics: 127.0.0.1:$METRICS_PORT"
xfr_config "allow_transfer: [$XFR_KEY, 127.0.0.1]"
xfr_steerd

key="hmac-sha256:$XFR_KEY:$XFR_SECRET"
axfr=$(xfr_axfr "$ST_PORT" -y "$key")
want=$("$ST_PY" - "$XFR_DIR/$XFR_ZONE.zone" "$XFR_ZONE" <<'PY'
import sys, dns.zone
z = dns.zone.from_file(sys.argv[1], sys.argv[2] + ".", relativize=False)
lines = set()
for name, node in z.nodes.items():
    for rds in node.rdatasets:
        for rd in rds:
            lines.add("%s\t%d\tIN\t%s\t%s" % (name, rds.ttl, dns.rdatatype.to_text(rds.rdtype), rd))
print("\n".join(sorted(lines)))
PY
)
# dig prints tabs between fields; the zone file's text is the same records.
st_expect "AXFR with the key is the zone file" "$(printf '%s\n' "$want" | tr -s '\t ' ' ')" \
    "$(printf '%s\n' "$axfr" | tr -s '\t ' ' ')"
st_expect "AXFR from an allowed address, unsigned" "$(printf '%s\n' "$want" | wc -l)" \
    "$(xfr_axfr "$ST_PORT" | wc -l)"
st_expect "AXFR from 127.0.0.2, unsigned: nothing" "0" "$(xfr_axfr "$ST_PORT" -b 127.0.0.2 | wc -l)"
st_expect_match "AXFR from 127.0.0.2, unsigned: REFUSED logged" \
    'AXFR from 127\.0\.0\.2:[0-9]+ refused: not in allow_transfer' "$(cat "$ST_TMP/steerd.log")"
st_expect "AXFR from 127.0.0.2 with the key" "$(printf '%s\n' "$want" | wc -l)" \
    "$(xfr_axfr "$ST_PORT" -b 127.0.0.2 -y "$key" | wc -l)"

"$ST_PY" - "$ST_PORT" "$XFR_KEY" "$XFR_SECRET" >"$ST_TMP/py.out" 2>&1 <<'PY'
import socket, struct, sys, time
import dns.message, dns.query, dns.rcode, dns.flags, dns.tsig, dns.tsigkeyring, dns.rdatatype
import dns.name, dns.rdata, dns.rdataclass, dns.rrset
port, keyname, secret = int(sys.argv[1]), sys.argv[2], sys.argv[3]
zone = "example.test."

def check(label, cond, detail=""):
    print(("ok - " if cond else "not ok - ") + label + ("" if cond else " %s" % (detail,)))

def split_tsig(raw, owner):
    """The message without its TSIG record (which dnspython would insist on
    verifying), and that record's RDATA."""
    o = dns.name.from_text(owner).to_wire()
    off = raw.rfind(o + b"\x00\xfa\x00\xff")
    rdlen = struct.unpack("!H", raw[off + len(o) + 8:off + len(o) + 10])[0]
    rd = dns.rdata.from_wire(dns.rdataclass.ANY, dns.rdatatype.TSIG, raw, off + len(o) + 10, rdlen)
    body = bytearray(raw[:off])
    body[10:12] = struct.pack("!H", struct.unpack("!H", body[10:12])[0] - 1)
    return dns.message.from_wire(bytes(body)), rd

# A wrong secret: NOTAUTH with BADSIG, no records.
bad = dns.tsigkeyring.from_text({keyname: "c2VjcmV0IHNlY3JldCBzZWNyZXQ="})
q = dns.message.make_query(zone, "AXFR")
q.use_tsig(bad, keyname=keyname, algorithm="hmac-sha256")
w = q.to_wire()
s = socket.create_connection(("127.0.0.1", port), timeout=5)
s.sendall(struct.pack("!H", len(w)) + w)
n = struct.unpack("!H", s.recv(2, socket.MSG_WAITALL))[0]
raw = s.recv(n, socket.MSG_WAITALL)
s.close()
r, t = split_tsig(raw, keyname)
check("wrong secret: NOTAUTH", r.rcode() == dns.rcode.NOTAUTH, dns.rcode.to_text(r.rcode()))
check("wrong secret: BADSIG, no MAC", t.error == dns.rcode.BADSIG and len(t.mac) == 0, t)
check("wrong secret: nothing transferred", len(r.answer) == 0, r.answer)

# An unknown key: BADKEY.
other = dns.tsigkeyring.from_text({"other-key.": secret})
q = dns.message.make_query(zone, "SOA")
q.use_tsig(other, keyname="other-key.", algorithm="hmac-sha256")
w = q.to_wire()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.settimeout(5)
u.sendto(w, ("127.0.0.1", port))
r, t = split_tsig(u.recv(4096), "other-key.")
check("unknown key: NOTAUTH BADKEY", r.rcode() == dns.rcode.NOTAUTH and t.error == dns.rcode.BADKEY,
      (dns.rcode.to_text(r.rcode()), t))

# A request signed 20 minutes ago: BADTIME, signed, with our time in Other Data.
good = dns.tsigkeyring.from_text({keyname: secret})
real = time.time
time.time = lambda: real() - 1200
q = dns.message.make_query(zone, "SOA")
q.use_tsig(good, keyname=keyname, algorithm="hmac-sha256")
w = q.to_wire()
time.time = real
u.sendto(w, ("127.0.0.1", port))
raw = u.recv(4096)
try:
    dns.message.from_wire(raw, keyring=good, request_mac=q.mac)
    check("stale request: BADTIME", False, "no error")
except dns.tsig.PeerBadTime:
    r, t = split_tsig(raw, keyname)
    check("stale request: BADTIME", r.rcode() == dns.rcode.NOTAUTH, r)
    check("stale request: our time in Other Data",
          len(t.other) == 6 and abs(int.from_bytes(t.other, "big") - real()) < 60, t)
    check("stale request: answer signed", len(t.mac) == 32, t)

# A signed SOA query: answered and signed (secondaries check their SOA queries).
q = dns.message.make_query(zone, "SOA")
q.use_tsig(good, keyname=keyname, algorithm="hmac-sha256")
r = dns.query.udp(q, "127.0.0.1", port=port, timeout=5)
check("signed SOA query: answered and verified", r.rcode() == 0 and r.had_tsig and len(r.answer) == 1)

# AXFR over UDP: REFUSED. IXFR over UDP: the SOA when up to date, else TC.
q = dns.message.make_query(zone, "AXFR")
r = dns.query.udp(q, "127.0.0.1", port=port, timeout=5)
check("AXFR over UDP refused", r.rcode() == dns.rcode.REFUSED and not r.answer, r)
def ixfr_query(serial):
    q = dns.message.make_query(zone, "IXFR")
    q.authority.append(dns.rrset.from_text(zone, 0, "IN", "SOA", "ns1.%s hostmaster.%s %d 1 1 1 1" % (zone, zone, serial)))
    return q
r = dns.query.udp(ixfr_query(100), "127.0.0.1", port=port, timeout=5)
check("IXFR over UDP, up to date: the SOA alone",
      r.rcode() == 0 and len(r.answer) == 1 and r.answer[0].rdtype == dns.rdatatype.SOA
      and r.answer[0][0].serial == 100, r)
r = dns.query.udp(ixfr_query(99), "127.0.0.1", port=port, timeout=5)
check("IXFR over UDP, behind: truncated", r.flags & dns.flags.TC and not r.answer, r)
PY
[ $? -eq 0 ] || echo "not ok - the checks in python ended early" >>"$ST_TMP/py.out"
cat "$ST_TMP/py.out"
ST_FAILS=$((ST_FAILS + $(grep -c '^not ok' "$ST_TMP/py.out")))

# A reload with one record more: IXFR from 100 carries it, and nothing else.
xfr_zone 101 "${big[@]}" "added IN A 192.0.2.201"
xfr_reload
st_expect_match "reload" 'serial 101' "$XFR_OUT"
ixfr=$("$DIG" @127.0.0.1 -p "$ST_PORT" +time=5 +tries=1 +nocmd +nostats +nocomments \
    -y "$key" "$XFR_ZONE" IXFR=100 | awk '$4 != "TSIG" && NF > 0' | tr -s '\t ' ' ')
st_expect "IXFR 100 -> 101" "example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 101 3600 600 86400 300
example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 100 3600 600 86400 300
example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 101 3600 600 86400 300
added.example.test. 300 IN A 192.0.2.201
example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 101 3600 600 86400 300" "$ixfr"

# Transfers cut short (reset after the first bytes), and one that is never
# read: while it sits, TCP and UDP clients are answered; afterwards steerd
# still transfers the whole zone.
"$ST_PY" - "$ST_PORT" >"$ST_TMP/py.out" 2>&1 <<'PY'
import socket, struct, sys, time
import dns.message, dns.query
port = int(sys.argv[1])
def check(label, cond, detail=""):
    print(("ok - " if cond else "not ok - ") + label + ("" if cond else " %s" % (detail,)))
w = dns.message.make_query("example.test.", "AXFR").to_wire()
w = struct.pack("!H", len(w)) + w
for i in range(20):
    # A small receive window: the transfer is still going when the reset comes.
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.settimeout(5)
    s.connect(("127.0.0.1", port))
    s.sendall(w)
    s.recv(100)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    s.close()
stalled = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
stalled.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
stalled.settimeout(5)
stalled.connect(("127.0.0.1", port))
stalled.sendall(w)
time.sleep(0.3)
t0 = time.monotonic()
r = dns.query.tcp(dns.message.make_query("www.example.test.", "A"), "127.0.0.1", port=port, timeout=5)
check("TCP answered beside a stalled transfer", r.rcode() == 0 and len(r.answer) == 1, r)
r = dns.query.udp(dns.message.make_query("www.example.test.", "AAAA"), "127.0.0.1", port=port, timeout=5)
check("UDP answered beside a stalled transfer", r.rcode() == 0 and len(r.answer) == 1, r)
n = sum(len(rrset) for m in dns.query.xfr("127.0.0.1", "example.test.", port=port, timeout=10)
        for rrset in m.answer)
check("a whole transfer beside it", n > 20000, n)
stalled.close()
PY
[ $? -eq 0 ] || echo "not ok - the checks in python ended early" >>"$ST_TMP/py.out"
cat "$ST_TMP/py.out"
ST_FAILS=$((ST_FAILS + $(grep -c '^not ok' "$ST_TMP/py.out")))
xfr_status
st_expect_match "zone-status: the cut transfers" "completed [0-9]+, aborted [1-9][0-9]*," "$XFR_OUT"
metrics=$(curl -s --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics")
st_expect_match "metric: zone serial" '^steerdns_zone_serial\{zone="example\.test\."\} 101$' "$metrics"
st_expect_match "metric: refused" '^steerdns_zone_transfers_total\{zone="example\.test\.",result="refused"\} [1-9]' "$metrics"
st_expect_match "metric: ixfr" '^steerdns_zone_transfers_total\{zone="example\.test\.",result="ixfr"\} 1$' "$metrics"
st_expect_match "metric: aborted" '^steerdns_zone_transfers_ended_total\{zone="example\.test\.",result="aborted"\} [1-9][0-9]*$' "$metrics"
st_expect_match "metric: TSIG failures" '^steerdns_tsig_queries_total\{result="failed"\} [1-9]' "$metrics"
st_expect "steerd still runs" "0" "$(kill -0 "$ST_STEERD_PID" 2>/dev/null; echo $?)"
st_expect "and answers" "192.0.2.201" "$(st_dig +short added.example.test A)"
st_done
