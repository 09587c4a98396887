# Shared by the answer-*.sh smoke tests (sourced): start steerd on the
# engine's test zone and define short dig helpers. Records print one per
# line with single spaces: "owner ttl class type rdata".
. "$top_srcdir/tests/smoke/lib.sh"
st_need_dig

ZONE_FILE=$top_srcdir/tests/data/zones/answer.test.zone
: "${ANSWER_ZONES:=--zone answer.test:$ZONE_FILE}"
# ANSWER_CONFIG: YAML text for a config file given with -c (ZONE_FILE expanded).
if [ -n "${ANSWER_CONFIG:-}" ]; then
    printf '%s\n' "$ANSWER_CONFIG" | sed "s|@ZONE_FILE@|$ZONE_FILE|g" >"$ST_TMP/steerd.yaml"
    ANSWER_ZONES="-c $ST_TMP/steerd.yaml"
fi
# shellcheck disable=SC2086
st_steerd $ANSWER_ZONES || exit 1

squash() { tr -s '\t ' '  '; }
ans() { st_dig +noall +answer "$@" | squash; }
auth() { st_dig +noall +authority "$@" | squash; }
addl() { st_dig +noall +additional "$@" | squash; }
# hdr ARGS: "STATUS flags", e.g. "NOERROR qr aa"
hdr() {
    st_dig +noall +comments "$@" |
        sed -n -e 's/.*status: \([A-Z0-9]*\),.*/\1/p' -e 's/^;; flags: \([^;]*\);.*/\1/p' |
        tr '\n' ' ' | sed 's/ *$//'
}
# edns ARGS: the OPT pseudo-section lines (EDNS, CLIENT-SUBNET...)
edns() { st_dig +noall +comments "$@" | sed -n -e 's/^; \(EDNS: .*\)/\1/p' -e 's/^; \(CLIENT-SUBNET: .*\)/\1/p'; }

# The system interpreter when there is one: version-manager shims start slowly.
if [ -x /usr/bin/python3 ]; then PY=/usr/bin/python3; else PY=python3; fi

SOA='answer.test. 300 IN SOA ns1.answer.test. hostmaster.answer.test. 2024010101 7200 3600 1209600 300'

# raw HEX [tcp]: send a hand-made message, print "drop" or a summary of the
# response: "rcode=N qd=N an=N ns=N ar=N flags=.. opt=EXTRCODE/VERSION/PAYLOAD".
raw() {
    PYTHONPATH=$top_srcdir/tests/smoke "$PY" - "$ST_ADDR" "$ST_PORT" "$1" "${2:-udp}" <<'PY'
import struct, sys
from smoke import exchange
addr, port, hexmsg, proto = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
msg = bytes.fromhex(hexmsg)
r = exchange(addr, port, msg, proto, 3 if proto == "tcp" else 1.5)
if r is None:
    print("drop")
    sys.exit(0)
idq = msg[:2]
if r[:2] != idq:
    print("wrong id")
    sys.exit(0)
qd, an, ns, ar = struct.unpack("!HHHH", r[4:12])
flags = []
for bit, name in ((0x8000, "qr"), (0x0400, "aa"), (0x0200, "tc"), (0x0100, "rd")):
    if struct.unpack("!H", r[2:4])[0] & bit:
        flags.append(name)
out = "rcode=%d qd=%d an=%d ns=%d ar=%d flags=%s" % (r[3] & 15, qd, an, ns, ar, ",".join(flags))
# The OPT, when present, is the last record and has no options here
# unless the query had some: find it by scanning from the end.
i = r.rfind(b"\x00\x00\x29")
if ar and i > 0:
    payload, ext, ver = struct.unpack("!HBB", r[i + 3:i + 7])
    out += " opt=%d/%d/%d" % (ext, ver, payload)
print(out)
PY
}

# qname_hex NAME: the wire form of NAME in hex.
qname_hex() {
    "$PY" -c 'import sys
n = sys.argv[1].rstrip(".")
print("".join("%02x" % len(l) + l.encode().hex() for l in n.split(".") if l) + "00")' "$1"
}
