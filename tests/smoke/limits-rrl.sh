#!/bin/bash
# Response rate limiting on the real steerd: one loopback source floods at
# ten times the rate and gets at most the rate (plus the first second's
# burst) of answers, plus every 2nd limited one truncated, while a source in
# another /24 gets every answer; an exempt network and a client that shows
# a valid cookie are never limited; a client with a client cookie alone
# gets BADCOOKIE (and can then retry with the cookie); TCP is never limited;
# steerctl stats and the summary log line count what the clients saw.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"
st_need_dig
st_need_pydns

ST_PORT=$(st_free_port 127.0.0.1)
st_write_zone "$ST_TMP/example.test.zone" example.test. 2024010101
cat >"$ST_TMP/steerd.yaml" <<EOF
server:
  listen: ["127.0.0.1:$ST_PORT"]
  workers: 1
  control: $ST_TMP/ctl.sock
  state_dir: $ST_TMP/state
  rrl: { rate: 50, slip: 2, exempt: ["127.0.2.0/24"] }
  cookies: true
zones:
  example.test: example.test.zone
EOF

st_steerd_config "$ST_TMP/steerd.yaml" example.test || exit 1
# st_wait_dns's queries (dig sends a cookie) count against 127.0.0.0/24:
# let that bucket fill up again.
sleep 1.2

out=$(PYTHONPATH="$top_srcdir/tests/smoke" "$ST_PY" - "$ST_PORT" <<'PY' 2>&1
import select, socket, sys, time
import dns.edns, dns.message, dns.rcode

port = int(sys.argv[1])
RATE, SLIP = 50, 2
from smoke import check, done

def sock(src):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    s.bind((src, 0))
    s.setblocking(False)
    return s

def wire(qid, cookie=None):
    opts = [dns.edns.GenericOption(10, cookie)] if cookie else []
    q = dns.message.make_query("www.example.test.", "A", use_edns=0 if cookie else None,
                               options=opts)
    q.id = qid
    return q.to_wire()

def kind(m):
    """answer, slip (TC, no records), badcookie, or other."""
    if m.rcode() == dns.rcode.BADCOOKIE:
        return "badcookie"
    if m.flags & 0x0200 and not m.answer:
        return "slip"
    if m.rcode() == dns.rcode.NOERROR and len(m.answer) == 1:
        return "answer"
    return "other"

def drain(s, into, until):
    while True:
        left = until - time.monotonic()
        if left <= 0:
            return
        if not select.select([s], [], [], left)[0]:
            return
        while True:
            try:
                data = s.recv(4096)
            except BlockingIOError:
                break
            m = dns.message.from_wire(data)
            m.received = time.monotonic()
            into.append(m)

def flood(src, seconds, per_tick, tick=0.1, cookie=None, other=None):
    """per_tick queries every tick from src; one query per tick from `other`."""
    s, o = sock(src), sock(other) if other else None
    got, ogot, sent, osent = [], [], 0, 0
    t0 = time.monotonic()
    for t in range(int(seconds / tick)):
        for _ in range(per_tick):
            s.sendto(wire(sent & 0xffff, cookie), ("127.0.0.1", port))
            sent += 1
        if o:
            o.sendto(wire(osent), ("127.0.0.1", port))
            osent += 1
        end = t0 + (t + 1) * tick
        drain(s, got, end)
        if o:
            drain(o, ogot, end)
    # A loaded machine may answer late: wait for a quiet second (10 s at most).
    stop = time.monotonic() + 10
    while time.monotonic() < stop:
        n = len(got) + len(ogot)
        drain(s, got, time.monotonic() + 1.0)
        if o:
            drain(o, ogot, time.monotonic() + 0.1)
        if len(got) + len(ogot) == n:
            break
    # Each answer was let through before it arrived: the server's window
    # runs from the first query to the last answer.
    last = max([m.received for m in got if kind(m) == "answer"], default=t0)
    return sent, got, last - t0, osent, ogot

# 1. 500 queries/s (ten times the rate) for 3 s from 127.0.0.1; 10/s from
#    127.0.1.1, another /24.
sent, got, elapsed, osent, ogot = flood("127.0.0.1", 3.0, 50, other="127.0.1.1")
kinds = [kind(m) for m in got]
answers, slips = kinds.count("answer"), kinds.count("slip")
limited = sent - answers
print("# flood: %d sent, answers within %.2f s: %d answers, %d truncated, %d other" %
      (sent, elapsed, answers, slips, len(got) - answers - slips))
check("flooded source gets at most the rate plus a burst",
      answers <= RATE * (elapsed + 1), (answers, elapsed))
check("flooded source still gets answers", answers >= RATE, answers)
check("every 2nd limited answer slips (TC, no records)",
      abs(slips - limited // SLIP) <= 1, (slips, limited))
check("nothing else comes back to the flooded source", len(got) == answers + slips)
check("the other /24 gets every answer", [kind(m) for m in ogot] == ["answer"] * osent,
      (osent, [kind(m) for m in ogot]))
print("slipped %d" % slips)

# 2. An exempt network is never limited.
sent, got, elapsed, _, _ = flood("127.0.2.1", 1.0, 50)
check("exempt network gets every answer", [kind(m) for m in got] == ["answer"] * sent,
      (sent, len(got)))

# 3. Cookies: a client cookie alone is limited like anyone (its slips are
#    BADCOOKIE with a server cookie); with that server cookie, never.
cc = bytes.fromhex("2464c4abcf10c957")
sent, got, elapsed, _, _ = flood("127.0.3.1", 1.0, 50, cookie=cc)
kinds = [kind(m) for m in got]
bad = [m for m in got if kind(m) == "badcookie"]
check("client cookie alone: limited, slips are BADCOOKIE", len(bad) >= 1 and
      kinds.count("slip") == 0 and kinds.count("answer") <= RATE * 2.5, kinds.count("answer"))
def server_cookie(m):
    for o in m.options:
        if o.otype == 10:
            return o.data if hasattr(o, "data") else o.client + o.server
    return None
full = server_cookie(bad[0]) if bad else None
check("BADCOOKIE carries the client cookie and a server cookie",
      full is not None and len(full) == 24 and full[:8] == cc, full)
if full:
    sent, got, elapsed, _, _ = flood("127.0.3.1", 1.0, 50, cookie=full)
    check("valid server cookie: never limited", [kind(m) for m in got] == ["answer"] * sent,
          (sent, [kind(m) for m in got][:5]))
print("slips-badcookie %d" % len(bad))

# 4. TCP is never limited, even for the flooded network.
ok = 0
for i in range(60):
    t = socket.create_connection(("127.0.0.1", port), timeout=3)
    w = wire(i)
    t.sendall(len(w).to_bytes(2, "big") + w)
    n = int.from_bytes(t.recv(2), "big")
    data = b""
    while len(data) < n:
        data += t.recv(n - len(data))
    ok += kind(dns.message.from_wire(data)) == "answer"
    t.close()
check("TCP is never limited", ok == 60, ok)
done()
PY
)
rc=$?
printf '%s\n' "$out"
[ $rc -eq 0 ] || ST_FAILS=$((ST_FAILS + 1))
slipped=$(printf '%s\n' "$out" | sed -n 's/^slipped //p')
badc=$(printf '%s\n' "$out" | sed -n 's/^slips-badcookie //p')

st_expect_match "status: rrl settings" '^rrl on, 50 responses/s per network and name, slip 2, networks /24 and /56, 1 exempt network$' \
    "$("$top_builddir/steerctl" -s "$ST_TMP/ctl.sock" status)"
stats=$("$top_builddir/steerctl" -s "$ST_TMP/ctl.sock" stats)
st_expect_match "stats: rrl line" '^rrl limited [0-9]+ \(slipped [0-9]+, dropped [0-9]+\), buckets [0-9]+ of 65536, evicted 0$' "$stats"
st_expect "stats: slipped as the clients saw (TC and BADCOOKIE)" \
    "$((slipped + badc))" "$(printf '%s\n' "$stats" | sed -n 's/^rrl limited [0-9]* (slipped \([0-9]*\),.*/\1/p')"
st_expect_match "stats: cookies" '^cookies client-only [1-9][0-9]*, valid [1-9][0-9]*, invalid 0$' "$stats"
st_expect_match "stats: BADCOOKIE rcode" '^rcode BADCOOKIE [1-9]' "$stats"

# The summary: one line per 10 s while limiting, not one per packet.
for _ in $(seq 1 150); do
    grep -q 'rrl, [0-9]* responses limited in the last 10 s' "$ST_TMP/steerd.log" && break
    sleep 0.1
done
st_expect_match "summary log line" \
    'notice: rrl, [0-9]+ responses limited in the last 10 s \([0-9]+ slipped, [0-9]+ dropped\), last from 127\.0\.[0-9]\.0/24 \(answer\); table [0-9]+ of 65536 buckets' \
    "$(cat "$ST_TMP/steerd.log")"
n=$(grep -c 'rrl, ' "$ST_TMP/steerd.log")
st_expect "no line per packet (one per 10 s)" "yes" "$([ "$n" -ge 1 ] && [ "$n" -le 3 ] && echo yes || echo "$n lines")"
st_done
