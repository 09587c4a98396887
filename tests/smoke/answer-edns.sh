# EDNS0 (RFC 6891) and Client Subnet (RFC 7871): OPT echoed with the
# server's payload size, DO copied, BADVERS, unknown options ignored, two OPT
# FORMERR, payload honoured (below 512 as 512, capped at 1232), TC=1 on UDP
# with the full answer over TCP, ECS echoed with scope 0, malformed ECS FORMERR.
. "$top_srcdir/tests/smoke/answer-common.sh"
st_need python3

st_expect "OPT echoed" "EDNS: version: 0, flags:; udp: 1232" "$(edns +bufsize=4096 www.answer.test A)"
st_expect "no OPT without EDNS" "" "$(edns +noedns www.answer.test A)"
st_expect "DO copied" "EDNS: version: 0, flags: do; udp: 1232" "$(edns +dnssec www.answer.test A)"
st_expect "DO copied on NXDOMAIN" "EDNS: version: 0, flags: do; udp: 1232" "$(edns +dnssec nope.answer.test A)"
st_expect "BADVERS" "BADVERS qr" "$(hdr +edns=1 +noednsnegotiation www.answer.test A)"
st_expect "BADVERS: OPT version 0" "EDNS: version: 0, flags:; udp: 1232" \
    "$(edns +edns=1 +noednsnegotiation www.answer.test A)"
st_expect "BADVERS: no answer" "" "$(ans +edns=1 +noednsnegotiation www.answer.test A)"
st_expect "unknown option ignored" "www.answer.test. 3600 IN A 192.0.2.80" \
    "$(ans +ednsopt=65001:abcdef www.answer.test A)"

# Two OPT records: FORMERR (hand-made: dig sends one).
Q="123400000001000000000002$(qname_hex www.answer.test)00010001"
OPT=0000290400000000000000
st_expect "two OPT: FORMERR" "rcode=1" "$(raw "$Q$OPT$OPT" | cut -d' ' -f1)"
Q1="123400000001000000000001$(qname_hex www.answer.test)00010001"
st_expect "one OPT (same bytes): answered" "rcode=0 qd=1 an=1 ns=0 ar=1 flags=qr,aa opt=0/0/1232" \
    "$(raw "$Q1$OPT")"
st_expect "OPT in the answer section: FORMERR" "rcode=1" \
    "$(raw "123400000001000100000000$(qname_hex www.answer.test)00010001$OPT" | cut -d' ' -f1)"

# Payload sizes and truncation.
st_expect "no EDNS, 800 bytes: TC" "NOERROR qr aa tc" "$(hdr +noedns +ignore big.answer.test TXT)"
st_expect "no EDNS, TC: no records" "" "$(ans +noedns +ignore big.answer.test TXT)"
st_expect "no EDNS over TCP: whole" "8" "$(ans +noedns +tcp big.answer.test TXT | wc -l | tr -d ' ')"
st_expect "EDNS 1232, 800 bytes: whole" "8" "$(ans +bufsize=1232 +ignore big.answer.test TXT | wc -l | tr -d ' ')"
st_expect "EDNS 100 counts as 512: TC" "NOERROR qr aa tc" "$(hdr +bufsize=100 +ignore big.answer.test TXT)"
st_expect "EDNS 100, small answer fits" "NOERROR qr aa" "$(hdr +bufsize=100 +ignore www.answer.test A)"
st_expect "EDNS 4096 capped at 1232: TC" "NOERROR qr aa tc" "$(hdr +bufsize=4096 +ignore huge.answer.test TXT)"
st_expect "TC keeps the OPT" "EDNS: version: 0, flags:; udp: 1232" "$(edns +bufsize=4096 +ignore huge.answer.test TXT)"
st_expect "TCP: whole 6 KB answer" "30" "$(ans +tcp huge.answer.test TXT | wc -l | tr -d ' ')"
st_expect "dig retries over TCP by itself" "30" "$(ans huge.answer.test TXT | wc -l | tr -d ' ')"
st_expect "UDP response size bound" "yes" \
    "$(st_dig +bufsize=4096 +ignore huge.answer.test TXT | sed -n 's/.*MSG SIZE  rcvd: \([0-9]*\).*/\1/p' |
        awk '{print ($1 <= 1232) ? "yes" : "no " $1}')"

# Client Subnet.
st_expect "ECS echoed with scope 0" "CLIENT-SUBNET: 192.0.2.0/24/0" \
    "$(edns +subnet=192.0.2.0/24 www.answer.test A | grep CLIENT)"
st_expect "ECS v6 echoed" "CLIENT-SUBNET: 2001:db8::/56/0" \
    "$(edns +subnet=2001:db8::/56 www.answer.test AAAA | grep CLIENT)"
st_expect "ECS on NXDOMAIN" "CLIENT-SUBNET: 198.51.100.0/24/0" \
    "$(edns +subnet=198.51.100.0/24 nope.answer.test A | grep CLIENT)"
st_expect "ECS source 0" "CLIENT-SUBNET: 0.0.0.0/0/0" "$(edns +subnet=0.0.0.0/0 www.answer.test A | grep CLIENT)"
st_expect "ECS answer unchanged" "www.answer.test. 3600 IN A 192.0.2.80" \
    "$(ans +subnet=192.0.2.0/24 www.answer.test A)"
# family 1, source 24, scope 16: scope must be 0 in queries
st_expect "ECS scope set: FORMERR" "FORMERR qr" "$(hdr +ednsopt=8:00011810c00002 www.answer.test A)"
# family 1, source 24, 4 address bytes: one too many
st_expect "ECS address too long: FORMERR" "FORMERR qr" "$(hdr +ednsopt=8:00011800c0000201 www.answer.test A)"
# family 1, source 23, last byte has bit 24 set
st_expect "ECS bits past the prefix: FORMERR" "FORMERR qr" "$(hdr +ednsopt=8:00011700c00003 www.answer.test A)"
# family 3
st_expect "ECS unknown family: FORMERR" "FORMERR qr" "$(hdr +ednsopt=8:00031800c00002 www.answer.test A)"
# family 1, source 33
st_expect "ECS prefix too long: FORMERR" "FORMERR qr" "$(hdr +ednsopt=8:00012100c000020100 www.answer.test A)"
st_expect "ECS FORMERR: no answer" "" "$(ans +ednsopt=8:00011810c00002 www.answer.test A)"

st_done
