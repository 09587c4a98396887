#!/bin/bash
# Differential test of odd and malformed queries: the same zone served by
# steerd and by Knot DNS (knotd), the same hand-made messages to both over
# UDP and TCP, the response code (extended rcode included) and whether the
# question is echoed compared. Bytes after the records a header counts,
# duplicate or misplaced OPT records, broken options and names, EDNS
# versions, question counts and classes.
. "$top_srcdir/tests/smoke/answer-common.sh"
KNOTD=$(command -v knotd || true)
[ -x /usr/sbin/knotd ] && KNOTD=/usr/sbin/knotd
[ -n "$KNOTD" ] || st_skip "knotd not installed"

KNOT_PORT=$(st_free_port "$ST_ADDR")
K=$ST_TMP/knot
mkdir -p "$K/db" "$K/zones"
cp "$ZONE_FILE" "$K/zones/answer.test.zone"
cat >"$K/knot.conf" <<CONF
server:
    rundir: "$K"
    pidfile: "$K/knot.pid"
    listen: $ST_ADDR@$KNOT_PORT
log:
  - target: "$K/knot.log"
    any: info
database:
    storage: "$K/db"
template:
  - id: default
    storage: "$K/zones"
zone:
  - domain: answer.test
    file: answer.test.zone
CONF
st_start knot "$KNOTD" -c "$K/knot.conf"
KNOT_PID=$ST_PID
ST_PID=$KNOT_PID st_wait_dns "$ST_ADDR" "$KNOT_PORT" answer.test ||
    { cat "$ST_TMP/knot.log" "$K/knot.log"; st_skip "knotd did not start here"; }

# One line per message and transport: "LABEL/PROTO: steerd=R want=R", where
# R is "drop" or "RCODE qd=N" (RCODE with the OPT's extended bits) and want
# is knotd's answer, but where steerd answers as BIND does: FORMERR, not
# silence, when the question cannot be read (knotd drops those), and
# FORMERR for an OPT owned by another name than the root (RFC 6891 6.1.2;
# knotd takes it).
PYTHONPATH=$top_srcdir/tests/smoke "$PY" - "$ST_ADDR" "$ST_PORT" "$KNOT_PORT" >"$ST_TMP/diff.txt" <<'PY'
import struct, sys
from smoke import exchange

addr, ports = sys.argv[1], {"steerd": int(sys.argv[2]), "knot": int(sys.argv[3])}


def name(text):
    return b"".join(bytes([len(l)]) + l.encode() for l in text.split(".") if l) + b"\0"


def header(qd=1, an=0, ns=0, ar=0, flags=0):
    return struct.pack("!HHHHHH", 0xabcd, flags, qd, an, ns, ar)


def opt(rdata=b"", version=0, owner=b"\0", payload=1232):
    return owner + struct.pack("!HHBBHH", 41, payload, 0, version, 0, len(rdata)) + rdata


def option(code, data):
    return struct.pack("!HH", code, len(data)) + data


Q = name("www.answer.test") + struct.pack("!HH", 1, 1)
SOA = name("answer.test") + struct.pack("!HHIH", 6, 1, 0, 22) + name("a") + name("b") + bytes(20)
cases = [
    ("plain", header() + Q),
    ("a byte after the question", header() + Q + b"\0"),
    ("four bytes after the question", header() + Q + b"\1\2\3\4"),
    ("an OPT the header does not count", header() + Q + opt()),
    ("with OPT", header(ar=1) + Q + opt()),
    ("a byte after the OPT", header(ar=1) + Q + opt() + b"\xff"),
    ("an OPT and a record not counted", header(ar=1) + Q + opt() + opt()),
    ("two OPT", header(ar=2) + Q + opt() + opt()),
    ("OPT in the answer section", header(an=1) + Q + opt()),
    ("OPT in the authority section", header(ns=1) + Q + opt()),
    ("OPT not at the root", header(ar=1) + Q + opt(owner=name("x")), "1 qd=1"),
    ("an option past the RDATA", header(ar=1) + Q + opt(b"\0\x0a\0\x09\1\2\3\4")),
    ("half an option header", header(ar=1) + Q + opt(b"\0\x0a\0")),
    ("unknown options", header(ar=1) + Q + opt(option(65001, b"xyz") + option(12, bytes(8)))),
    ("EDNS version 1", header(ar=1) + Q + opt(version=1)),
    ("EDNS version 1 and a byte after", header(ar=1) + Q + opt(version=1) + b"\0"),
    ("a record promised, missing", header(ar=1) + Q),
    ("IXFR with its SOA", header(ns=1) + name("answer.test") + struct.pack("!HH", 251, 1) + SOA),
    ("IXFR with its SOA and a byte after",
     header(ns=1) + name("answer.test") + struct.pack("!HH", 251, 1) + SOA + b"\0"),
    ("no question", header(qd=0)),
    ("no question, a byte", header(qd=0) + b"\0", "1 qd=0"),
    ("two questions", header(qd=2) + Q + Q, "1 qd=0"),
    ("name cut short", header() + b"\3www\6ans", "1 qd=0"),
    ("type cut short", header() + name("www.answer.test") + b"\0\1", "1 qd=0"),
    ("pointer loop", header() + b"\1a\xc0\x0c" + struct.pack("!HH", 1, 1), "1 qd=0"),
    ("label type 01", header() + b"\x41a\0" + struct.pack("!HH", 1, 1), "1 qd=0"),
    ("QR set", header(flags=0x8000) + Q),
]


def summary(r):
    if r is None:
        return "drop"
    rcode, qd, ar = r[3] & 15, struct.unpack("!H", r[4:6])[0], struct.unpack("!H", r[10:12])[0]
    i = r.rfind(b"\x00\x00\x29")
    if ar and i > 0:
        rcode |= r[i + 5] << 4
    return "%d qd=%d" % (rcode, qd)


for label, msg, *bind in cases:
    for proto in ("udp", "tcp"):
        got = {k: summary(exchange(addr, p, msg, proto, 3 if proto == "tcp" else 1.5))
               for k, p in ports.items()}
        want = bind[0] if bind else got["knot"]
        print("%s/%s: steerd=%s want=%s" % (label, proto, got["steerd"], want))
PY

while IFS= read -r line; do
    label=${line%%: steerd=*}
    rest=${line#*: steerd=}
    steerd=${rest%% want=*}
    st_expect "$label" "${rest#* want=}" "$steerd"
done <"$ST_TMP/diff.txt"
st_expect "cases compared" "54" "$(wc -l <"$ST_TMP/diff.txt" | tr -d ' ')"

st_done
