# CNAME chains chased within the zone, loops stopped, rcode and SOA from the
# last link (RFC 6604), targets outside the zone or below a cut left to the
# resolver; DNAME substitution (RFC 6672).
. "$top_srcdir/tests/smoke/answer-common.sh"

st_expect "chain: every link" "chain1.answer.test. 3600 IN CNAME chain2.answer.test.
chain2.answer.test. 3600 IN CNAME chain3.answer.test.
chain3.answer.test. 3600 IN CNAME www.answer.test.
www.answer.test. 3600 IN A 192.0.2.80" "$(ans chain1.answer.test A)"
st_expect "chain: header" "NOERROR qr aa" "$(hdr chain1.answer.test A)"
st_expect "chain: AAAA at the end" "alias.answer.test. 3600 IN CNAME www.answer.test.
www.answer.test. 3600 IN AAAA 2001:db8::80" "$(ans alias.answer.test AAAA)"
st_expect "CNAME asked for" "alias.answer.test. 3600 IN CNAME www.answer.test." \
    "$(ans alias.answer.test CNAME)"
st_expect "chain ending in NODATA: SOA" "$SOA" "$(auth alias.answer.test MX)"
st_expect "chain ending in NODATA: header" "NOERROR qr aa" "$(hdr alias.answer.test MX)"

st_expect "dangling: NXDOMAIN" "NXDOMAIN qr aa" "$(hdr dangling.answer.test A)"
st_expect "dangling: CNAME kept" "dangling.answer.test. 3600 IN CNAME nowhere.answer.test." \
    "$(ans dangling.answer.test A)"
st_expect "dangling: SOA" "$SOA" "$(auth dangling.answer.test A)"

st_expect "loop: stopped" "loop1.answer.test. 3600 IN CNAME loop2.answer.test.
loop2.answer.test. 3600 IN CNAME loop1.answer.test." "$(ans loop1.answer.test A)"
st_expect "loop: header" "NOERROR qr aa" "$(hdr loop1.answer.test A)"
st_expect "self loop" "self.answer.test. 3600 IN CNAME self.answer.test." "$(ans self.answer.test A)"

st_expect "out of zone: CNAME only" "external.answer.test. 3600 IN CNAME www.example.org." \
    "$(ans external.answer.test A)"
st_expect "out of zone: no SOA" "" "$(auth external.answer.test A)"
st_expect "into a delegation: the CNAME" "tochild.answer.test. 3600 IN CNAME host.sub.answer.test." \
    "$(ans tochild.answer.test A)"
st_expect "into a delegation: then the referral" "sub.answer.test. 3600 IN NS ns.elsewhere.example.
sub.answer.test. 3600 IN NS ns1.sub.answer.test." "$(auth tochild.answer.test A | sort)"
st_expect "into a delegation: AA for the CNAME" "NOERROR qr aa" "$(hdr tochild.answer.test A)"

st_expect "DNAME in the zone" "OLD.answer.test. 3600 IN DNAME new.answer.test.
host.OLD.answer.test. 3600 IN CNAME host.new.answer.test.
host.new.answer.test. 3600 IN A 192.0.2.70" "$(ans host.OLD.answer.test A)"
st_expect "DNAME to nothing: NXDOMAIN" "NXDOMAIN qr aa" "$(hdr x.old.answer.test A)"
st_expect "DNAME out of the zone" "out.answer.test. 3600 IN DNAME example.org.
a.b.out.answer.test. 3600 IN CNAME a.b.example.org." "$(ans a.b.out.answer.test A)"
st_expect "DNAME owner not redirected" "NOERROR qr aa" "$(hdr old.answer.test A)"
st_expect "DNAME overflow: YXDOMAIN" "YXDOMAIN qr aa" \
    "$(hdr "$(printf 'a%.0s' $(seq 1 60)).long.answer.test" A)"

st_done
