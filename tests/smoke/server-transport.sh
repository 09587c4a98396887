#!/bin/bash
# steerd transport: UDP and TCP on IPv4 and IPv6 loopback, TCP pipelining,
# length prefixes split across writes, garbage, idle timeout, message
# timeout (a client trickling bytes), connection cap.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"
st_need_dig
st_need_pydns

ST_PORT=$(st_free_port 127.0.0.1)
ADDRS="127.0.0.1"
LISTEN="\"127.0.0.1:$ST_PORT\""
if st_have_ipv6; then
    ADDRS="$ADDRS ::1"
    LISTEN="$LISTEN, \"[::1]:$ST_PORT\""
else
    echo "# no IPv6 loopback: IPv4 only"
fi
st_write_zone "$ST_TMP/example.test.zone" example.test. 2024010101
# An RRset of about 16 KB: truncated over UDP, whole over TCP.
for i in $(seq 1 64); do
    printf 'big  IN TXT "%03d %s"\n' "$i" "$(printf '%0240d' 0)"
done >>"$ST_TMP/example.test.zone"
cat >"$ST_TMP/steerd.yaml" <<EOF
server:
  listen: [$LISTEN]
  workers: 2
  tcp_idle_timeout: 1s
  tcp_message_timeout: 1500ms
  tcp_max_clients: 3
zones:
  example.test: example.test.zone
EOF

st_start steerd "$top_builddir/steerd" -c "$ST_TMP/steerd.yaml"
ST_STEERD_PID=$ST_PID
st_wait_dns 127.0.0.1 "$ST_PORT" example.test || { cat "$ST_TMP/steerd.log"; exit 1; }

for addr in $ADDRS; do
    for proto in +notcp +tcp; do
        out=$("$DIG" @"$addr" -p "$ST_PORT" +norec +time=2 +tries=1 $proto www.example.test A)
        st_expect_match "$addr $proto: NOERROR with aa" 'flags: qr aa;' "$out"
        st_expect_match "$addr $proto: www A" '^www\.example\.test\.[[:space:]]+300[[:space:]]+IN[[:space:]]+A[[:space:]]+192\.0\.2\.1' "$out"
        out=$("$DIG" @"$addr" -p "$ST_PORT" +norec +time=2 +tries=1 +short $proto example.test SOA)
        st_expect "$addr $proto: SOA serial" "ns1.example.test. hostmaster.example.test. 2024010101 3600 600 86400 300" "$out"
    done
done

out=$(PYTHONPATH="$top_srcdir/tests/smoke" "$ST_PY" - "$ST_PORT" $ADDRS <<'PY' 2>&1
import socket, struct, sys, time
import dns.edns, dns.message, dns.rcode, dns.rdatatype

port = int(sys.argv[1])
from smoke import check, done

def query(name, rdtype, qid):
    q = dns.message.make_query(name, rdtype)
    q.id = qid
    q.flags = 0
    w = q.to_wire()
    return struct.pack("!H", len(w)) + w

def connect(host="127.0.0.1"):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.settimeout(5)
    s.connect((host, port))
    return s

def recv_exact(s, n):
    buf = b""
    while len(buf) < n:
        chunk = s.recv(n - len(buf))
        if not chunk:
            raise EOFError("closed after %d of %d bytes" % (len(buf), n))
        buf += chunk
    return buf

def read_msg(s):
    (n,) = struct.unpack("!H", recv_exact(s, 2))
    return dns.message.from_wire(recv_exact(s, n))

def closed_within(s, secs):
    """True if the server closes s within secs (EOF or reset)."""
    s.settimeout(secs)
    try:
        while True:
            if not s.recv(4096):
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False

# Pipelining: several queries in one write, answers in the same order.
names = [("www.example.test.", "A"), ("example.test.", "SOA"), ("nx.example.test.", "A"),
         ("www.example.test.", "AAAA"), ("ns1.example.test.", "A"), ("example.test.", "NS")]
for host in sys.argv[2:]:
    s = connect(host)
    s.sendall(b"".join(query(n, t, 100 + i) for i, (n, t) in enumerate(names)))
    try:
        got = [read_msg(s) for _ in names]
        check("%s pipelined answers in order" % host, [m.id for m in got] == [100 + i for i in range(len(names))],
              [m.id for m in got])
        check("%s pipelined nxdomain in place" % host, got[2].rcode() == dns.rcode.NXDOMAIN, got[2])
        check("%s pipelined www A" % host, "192.0.2.1" in str(got[0]), got[0])
    except Exception as e:
        check("%s pipelined answers" % host, False, e)
    s.close()

# The length prefix and the message split across writes.
s = connect()
msg = query("www.example.test.", "A", 7)
try:
    s.sendall(msg[:1]); time.sleep(0.2)
    s.sendall(msg[1:2]); time.sleep(0.2)
    s.sendall(msg[2:10]); time.sleep(0.2)
    s.sendall(msg[10:] + query("example.test.", "SOA", 8)[:5]); time.sleep(0.2)
    s.sendall(query("example.test.", "SOA", 8)[5:])
    a, b = read_msg(s), read_msg(s)
    check("split writes reassembled", a.id == 7 and "192.0.2.1" in str(a) and b.id == 8, (a, b))
except Exception as e:
    check("split writes reassembled", False, e)
s.close()

# Garbage in a well-formed frame, then a real query on the same connection.
s = connect()
try:
    s.sendall(struct.pack("!H", 3) + b"\x00\x01\x02" + struct.pack("!H", 12) + b"\xff" * 12 +
              query("www.example.test.", "A", 9))
    m = read_msg(s)
    while m.id != 9:
        m = read_msg(s)
    check("answers after garbage", "192.0.2.1" in str(m), m)
except Exception as e:
    check("answers after garbage", False, e)
s.close()

# A query longer than a connection's first input buffer (a 3,000-byte EDNS
# option), split across writes.
s = connect()
try:
    q = dns.message.make_query("www.example.test.", "A")
    q.id = 11
    q.flags = 0
    q.use_edns(0, options=[dns.edns.GenericOption(65001, b"x" * 3000)])
    w = q.to_wire(max_size=65535)
    w = struct.pack("!H", len(w)) + w
    s.sendall(w[:1500]); time.sleep(0.1)
    s.sendall(w[1500:] + query("example.test.", "SOA", 12))
    a, b = read_msg(s), read_msg(s)
    check("long query answered", a.id == 11 and "192.0.2.1" in str(a) and b.id == 12, (a, b))
except Exception as e:
    check("long query answered", False, e)
s.close()

# A client that does not read: its answers (far more than the socket buffers
# hold) queue up, reading pauses, and everything arrives in order once it
# reads.
s = connect()
N = 600
try:
    s.sendall(b"".join(query("big.example.test.", "TXT", i) for i in range(N)))
    time.sleep(0.3)
    # Once reading, read as fast as the server sends (the messages are
    # parsed after): a client that stalls mid-read longer than the idle
    # timeout (1 s) is cut off, and parsing 10 MB on a loaded machine could.
    raw = bytearray()
    while True:
        if len(raw) >= 2:
            pos, count = 0, 0
            while pos + 2 <= len(raw):
                pos += 2 + struct.unpack_from("!H", raw, pos)[0]
                count += 1 if pos <= len(raw) else 0
            if count >= N:
                break
        chunk = s.recv(1 << 20)
        if not chunk:
            raise EOFError("closed after %d bytes" % len(raw))
        raw += chunk
    ids, pos = [], 0
    for i in range(N):
        (n,) = struct.unpack_from("!H", raw, pos)
        m = dns.message.from_wire(bytes(raw[pos + 2:pos + 2 + n]))
        pos += 2 + n
        ids.append(m.id)
        if len(m.answer) != 1 or len(m.answer[0]) != 64:
            raise ValueError("answer %d has %s" % (m.id, m.answer))
    check("slow reader gets every answer in order", ids == list(range(N)), ids[:10])
except Exception as e:
    check("slow reader gets every answer in order", False, e)
s.close()

# Half-close right after the queries: the answers still come, then EOF.
s = connect()
try:
    s.sendall(b"".join(query("big.example.test.", "TXT", 40 + i) for i in range(20)))
    s.shutdown(socket.SHUT_WR)
    got = [read_msg(s).id for _ in range(20)]
    check("answers sent after the client's half-close", got == [40 + i for i in range(20)], got)
    check("closed after the last answer", closed_within(s, 2))
except Exception as e:
    check("answers sent after the client's half-close", False, e)
s.close()

# Idle timeout (1 s in the config): the server closes a silent connection.
s = connect()
t0 = time.monotonic()
closed = closed_within(s, 5)
dt = time.monotonic() - t0
check("idle connection closed after the timeout", closed and 0.5 <= dt <= 4.0, "closed=%s after %.2fs" % (closed, dt))
s.close()

# Message timeout (1.5 s in the config): a client that sends a byte every
# 300 ms keeps resetting the idle timer (1 s) but must have sent the whole
# message 1.5 s after its first byte: closed then.
s = connect()
msg = query("www.example.test.", "A", 50)
t0 = time.monotonic()
closed = False
try:
    for i in range(len(msg)):
        s.sendall(msg[i:i + 1])
        if closed_within(s, 0.3):
            closed = True
            break
except (BrokenPipeError, ConnectionResetError):
    closed = True
dt = time.monotonic() - t0
check("a message trickled a byte at a time is cut off", closed and dt <= 3.5,
      "closed=%s after %.2fs" % (closed, dt))
s.close()

# The clock is per message: a connection kept busy for longer than the
# timeout, each message split across writes 400 ms apart (the buffer never
# empty), gets every answer.
s = connect()
msgs = [query("www.example.test.", "A", 60 + i) for i in range(8)]
try:
    s.sendall(msgs[0][:7])
    for i in range(8):
        time.sleep(0.4)
        s.sendall(msgs[i][7:] + (msgs[i + 1][:7] if i + 1 < 8 else b""))
    got = [read_msg(s).id for _ in range(8)]
    check("messages split across writes for 3 s in all: all answered", got == list(range(60, 68)), got)
except Exception as e:
    check("messages split across writes for 3 s in all: all answered", False, e)
s.close()

# Connection cap (3): a fourth connection is served and the least recently
# active one is closed to make room.
conns = []
for i in range(3):
    c = connect()
    c.sendall(query("www.example.test.", "A", 20 + i))
    read_msg(c)
    conns.append(c)
    time.sleep(0.05)
c4 = connect()
c4.sendall(query("www.example.test.", "A", 30))
try:
    m = read_msg(c4)
    check("connection beyond the cap is served", m.id == 30, m)
except Exception as e:
    check("connection beyond the cap is served", False, e)
check("least recently active connection closed at the cap", closed_within(conns[0], 2))
conns[2].sendall(query("www.example.test.", "A", 31))
try:
    check("other connections still served", read_msg(conns[2]).id == 31)
except Exception as e:
    check("other connections still served", False, e)
for c in conns + [c4]:
    c.close()

# A large number of short connections does not leak slots.
for i in range(50):
    c = connect()
    c.sendall(query("www.example.test.", "A", i))
    read_msg(c)
    c.close()
check("many short connections", True)
done()
PY
)
rc=$?
printf '%s\n' "$out"
[ $rc -eq 0 ] || ST_FAILS=$((ST_FAILS + 1))

# A 16 KB answer: TC=1 over UDP, complete over TCP.
out=$(st_dig +notcp +ignore big.example.test TXT)
st_expect_match "large answer over UDP: TC set" 'flags: qr aa tc;' "$out"
out=$(st_dig +tcp +short big.example.test TXT | wc -l)
st_expect "large answer over TCP: all 64 records" 64 "$out"

# Still alive and answering after all of the above.
out=$(st_dig +short example.test SOA)
st_expect_match "still answering" '2024010101' "$out"

st_stop "$ST_STEERD_PID"
st_done
