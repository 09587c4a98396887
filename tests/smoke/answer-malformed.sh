# Malformed and unusual messages: unknown opcodes NOTIMP, QR=1 and runts
# dropped, QDCOUNT != 1, truncation, bad labels, compression loops,
# overlong names, bytes after the records and malformed COOKIE options
# FORMERR; the server keeps answering throughout.
. "$top_srcdir/tests/smoke/answer-common.sh"
st_need python3

st_expect "NOTIFY: NOTIMP" "NOTIMP qr" "$(hdr +opcode=notify answer.test SOA)"
st_expect "UPDATE: NOTIMP" "NOTIMP qr" "$(hdr +opcode=update answer.test SOA)"
st_expect "STATUS: NOTIMP" "NOTIMP qr" "$(hdr +opcode=status answer.test SOA)"

NAME=$(qname_hex www.answer.test)
GOOD="abcd00000001000000000000${NAME}00010001"
st_expect "hand-made query answered" "rcode=0 qd=1 an=1 ns=0 ar=0 flags=qr,aa" "$(raw "$GOOD")"
st_expect "hand-made query over TCP" "rcode=0 qd=1 an=1 ns=0 ar=0 flags=qr,aa" "$(raw "$GOOD" tcp)"
st_expect "QR=1: dropped" "drop" "$(raw "abcd80000001000000000000${NAME}00010001")"
st_expect "11 bytes: dropped" "drop" "$(raw "abcd0000000100000000")"
st_expect "empty: dropped" "drop" "$(raw "")"
st_expect "QDCOUNT 0: FORMERR" "rcode=1 qd=0 an=0 ns=0 ar=0 flags=qr" "$(raw "abcd00000000000000000000")"
st_expect "QDCOUNT 2: FORMERR" "rcode=1 qd=0 an=0 ns=0 ar=0 flags=qr" \
    "$(raw "abcd00000002000000000000${NAME}00010001${NAME}00010001")"
st_expect "header only: FORMERR" "rcode=1 qd=0 an=0 ns=0 ar=0 flags=qr" "$(raw "abcd00000001000000000000")"
st_expect "name cut short: FORMERR" "rcode=1 qd=0 an=0 ns=0 ar=0 flags=qr" \
    "$(raw "abcd00000001000000000000037777770661")"
st_expect "type cut short: FORMERR" "rcode=1 qd=0 an=0 ns=0 ar=0 flags=qr" \
    "$(raw "abcd00000001000000000000${NAME}0001")"
st_expect "label type 01: FORMERR" "rcode=1 qd=0 an=0 ns=0 ar=0 flags=qr" \
    "$(raw "abcd00000001000000000000416100""00010001")"
st_expect "label type 10: FORMERR" "rcode=1 qd=0 an=0 ns=0 ar=0 flags=qr" \
    "$(raw "abcd00000001000000000000816100""00010001")"
st_expect "pointer to itself: FORMERR" "rcode=1 qd=0 an=0 ns=0 ar=0 flags=qr" \
    "$(raw "abcd00000001000000000000c00c00010001")"
st_expect "pointer loop: FORMERR" "rcode=1 qd=0 an=0 ns=0 ar=0 flags=qr" \
    "$(raw "abcd000000010000000000000161c00c00010001")"
st_expect "pointer forward: FORMERR" "rcode=1 qd=0 an=0 ns=0 ar=0 flags=qr" \
    "$(raw "abcd00000001000000000000c012000100010161""00")"
LONG=$("$PY" -c 'print(("3f" + "61" * 63) * 4 + "00")')
st_expect "name over 255 bytes: FORMERR" "rcode=1 qd=0 an=0 ns=0 ar=0 flags=qr" \
    "$(raw "abcd00000001000000000000${LONG}00010001")"
st_expect "record promised, missing: FORMERR" "rcode=1" \
    "$(raw "abcd00000001000000000001${NAME}00010001" | cut -d' ' -f1)"
st_expect "RDATA past the end: FORMERR" "rcode=1" \
    "$(raw "abcd00000001000000000001${NAME}00010001""000001000100000e100008c0000201" | cut -d' ' -f1)"
st_expect "OPT as QTYPE: FORMERR" "rcode=1" "$(raw "abcd00000001000000000000${NAME}00290001" | cut -d' ' -f1)"
# Bytes after the last record counted (RFC 1035 4.1): FORMERR, as knotd.
st_expect "a byte after the question: FORMERR" "rcode=1 qd=1 an=0 ns=0 ar=0 flags=qr" \
    "$(raw "abcd00000001000000000000${NAME}0001000100")"
st_expect "an OPT not counted: FORMERR" "rcode=1 qd=1 an=0 ns=0 ar=0 flags=qr" \
    "$(raw "abcd00000001000000000000${NAME}000100010000290200000000000000" tcp)"
# Two COOKIE options (RFC 7873): the first counts, each must be well formed.
COOKIE8=000a00080102030405060708
st_expect "two COOKIE options: answered" "rcode=0" \
    "$(raw "abcd00000001000000000001${NAME}000100010000290200000000000018${COOKIE8}000a00080807060504030201" |
        cut -d' ' -f1)"
st_expect "a malformed second COOKIE: FORMERR" "rcode=1" \
    "$(raw "abcd00000001000000000001${NAME}000100010000290200000000000013${COOKIE8}000a0003010203" |
        cut -d' ' -f1)"
st_expect "AXFR: REFUSED" "REFUSED qr" "$(hdr +tcp answer.test AXFR)"

# Garbage of every length: the server must still answer afterwards.
"$PY" - "$ST_ADDR" "$ST_PORT" <<'PY'
import random, socket, sys
random.seed(7)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for n in range(600):
    s.sendto(bytes(random.getrandbits(8) for _ in range(random.randint(0, 300))),
             (sys.argv[1], int(sys.argv[2])))
PY
st_expect "still answering after garbage" "www.answer.test. 3600 IN A 192.0.2.80" "$(ans www.answer.test A)"
kill -0 "$ST_STEERD_PID" 2>/dev/null && alive=yes || alive=no
st_expect "steerd alive" "yes" "$alive"

st_done
