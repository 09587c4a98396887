# Zone cuts between zones served together and chains that must stop, with
# dig against steerd: DS at a child zone's apex from the parent (RFC 4035
# 3.1.4.1), QTYPE=CNAME below a DNAME answered by the synthesised CNAME
# (RFC 1034 4.3.2 3a), loops through wildcards and DNAMEs ended before a
# record repeats (RFC 2181 5).
. "$top_srcdir/tests/smoke/lib.sh"
Z=$top_srcdir/tests/data/zones
ANSWER_ZONES="--zone chain.test:$Z/chain.test.zone --zone sub.chain.test:$Z/sub.chain.test.zone"
ANSWER_ZONES="$ANSWER_ZONES --zone nods.chain.test:$Z/nods.chain.test.zone"
. "$top_srcdir/tests/smoke/answer-common.sh"

SOA='chain.test. 300 IN SOA ns1.chain.test. hostmaster.chain.test. 1 7200 3600 1209600 300'
DS='3600 IN DS 12345 13 2 49FD46E6C4B45C55D4AC69CBD3CD34AC1AFE51DE5EEAD7A1D6C7FEF9B9D4C7F2'
DN='dn.chain.test. 3600 IN DNAME tgt.chain.test.'

st_expect "DS at a served child: the parent's" "sub.chain.test. $DS" \
    "$(ans +norec +nosplit sub.chain.test DS)"
st_expect "DS at a served child: header" "NOERROR qr aa" "$(hdr +norec sub.chain.test DS)"
st_expect "DS at a served child: no SOA" "" "$(auth +norec sub.chain.test DS)"
st_expect "no DS at the cut: parent's NODATA" "NOERROR qr aa" "$(hdr +norec nods.chain.test DS)"
st_expect "no DS at the cut: parent's SOA" "$SOA" "$(auth +norec nods.chain.test DS)"
st_expect "DS with no served parent: own SOA" "$SOA" "$(auth +norec chain.test DS)"
st_expect "SOA at the child apex: the child's" \
    "sub.chain.test. 3600 IN SOA ns1.sub.chain.test. hostmaster.sub.chain.test. 2 7200 3600 1209600 600" \
    "$(ans +norec sub.chain.test SOA)"

st_expect "CNAME below a DNAME: header" "NOERROR qr aa" "$(hdr +norec a.dn.chain.test CNAME)"
st_expect "CNAME below a DNAME: DNAME and CNAME" "$DN
a.dn.chain.test. 3600 IN CNAME a.tgt.chain.test." "$(ans +norec a.dn.chain.test CNAME)"
st_expect "CNAME below a DNAME: no SOA" "" "$(auth +norec a.dn.chain.test CNAME)"
st_expect "CNAME below a DNAME, target exists" "$DN
host.dn.chain.test. 3600 IN CNAME host.tgt.chain.test." "$(ans +norec host.dn.chain.test CNAME)"
st_expect "A below a DNAME still chased" "NXDOMAIN qr aa" "$(hdr +norec a.dn.chain.test A)"

st_expect "wildcard CNAME loop: each record once" \
    "foo.cwloop.chain.test. 3600 IN CNAME a.cwloop.chain.test.
a.cwloop.chain.test. 3600 IN CNAME a.cwloop.chain.test." "$(ans +norec +tcp foo.cwloop.chain.test A)"
st_expect "wildcard CNAME loop: header" "NOERROR qr aa" "$(hdr +norec foo.cwloop.chain.test A)"
st_expect "loop through two wildcards" "foo.w1.chain.test. 3600 IN CNAME x.w2.chain.test.
x.w2.chain.test. 3600 IN CNAME y.w1.chain.test.
y.w1.chain.test. 3600 IN CNAME x.w2.chain.test." "$(ans +norec +tcp foo.w1.chain.test A)"
st_expect "DNAME below itself: once" "dnself.chain.test. 3600 IN DNAME x.dnself.chain.test.
a.dnself.chain.test. 3600 IN CNAME a.x.dnself.chain.test." "$(ans +norec +tcp a.dnself.chain.test A)"
st_expect "DNAME below itself: header" "NOERROR qr aa" "$(hdr +norec a.dnself.chain.test A)"
st_expect "wildcard CNAME chain not cut" "foo.wc.chain.test. 3600 IN CNAME host.tgt.chain.test.
host.tgt.chain.test. 3600 IN A 192.0.2.80" "$(ans +norec foo.wc.chain.test A)"
st_done
