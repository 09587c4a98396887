# Authoritative answers: AA, NXDOMAIN and NODATA with the SOA (TTL = min(SOA
# TTL, MINIMUM)), empty non-terminals, 0x20 case, REFUSED, additional-section
# addresses for NS/MX/SRV targets, ANY (RFC 8482).
. "$top_srcdir/tests/smoke/answer-common.sh"

st_expect "A: header" "NOERROR qr aa" "$(hdr www.answer.test A)"
st_expect "A: answer" "www.answer.test. 3600 IN A 192.0.2.80" "$(ans www.answer.test A)"
st_expect "AAAA: answer" "www.answer.test. 3600 IN AAAA 2001:db8::80" "$(ans www.answer.test AAAA)"

st_expect "NXDOMAIN: header" "NXDOMAIN qr aa" "$(hdr nope.answer.test A)"
st_expect "NXDOMAIN: no answer" "" "$(ans nope.answer.test A)"
st_expect "NXDOMAIN: SOA with negative TTL" "$SOA" "$(auth nope.answer.test A)"
st_expect "NXDOMAIN deep: SOA" "$SOA" "$(auth a.b.nope.answer.test A)"
st_expect "NODATA: header" "NOERROR qr aa" "$(hdr www.answer.test MX)"
st_expect "NODATA: no answer" "" "$(ans www.answer.test MX)"
st_expect "NODATA: SOA with negative TTL" "$SOA" "$(auth www.answer.test MX)"
st_expect "SOA query: full TTL" \
    "answer.test. 3600 IN SOA ns1.answer.test. hostmaster.answer.test. 2024010101 7200 3600 1209600 300" \
    "$(ans answer.test SOA)"

st_expect "ENT: NODATA" "NOERROR qr aa" "$(hdr ent.answer.test A)"
st_expect "ENT: SOA" "$SOA" "$(auth deep.ent.answer.test A)"
st_expect "below ENT: NXDOMAIN" "NXDOMAIN qr aa" "$(hdr x.deep.ent.answer.test A)"
st_expect "ENT leaf" "leaf.deep.ent.answer.test. 3600 IN A 192.0.2.40" "$(ans leaf.deep.ent.answer.test A)"

# 0x20: the question and the answer owner keep the bytes as sent.
st_expect "0x20 answer owner" "WwW.AnSwEr.TeSt. 3600 IN A 192.0.2.80" "$(ans WwW.AnSwEr.TeSt A)"
st_expect "0x20 question" ";WwW.AnSwEr.TeSt. IN A" \
    "$(st_dig +noall +question WwW.AnSwEr.TeSt A | squash)"
st_expect "0x20 CNAME owner" "AlIaS.answer.test. 3600 IN CNAME www.answer.test.
www.answer.test. 3600 IN A 192.0.2.80" "$(ans AlIaS.answer.test A)"

st_expect "REFUSED out of zone" "REFUSED qr" "$(hdr www.example.org A)"
st_expect "REFUSED parent" "REFUSED qr" "$(hdr test SOA)"
st_expect "REFUSED: empty" "" "$(st_dig +noall +answer +authority www.example.org A)"
st_expect "REFUSED other class" "REFUSED qr" "$(hdr www.answer.test A -c CH)"
st_expect "REFUSED: Extended DNS Error 20" "; EDE: 20 (Not Authoritative)" \
    "$(st_dig +noall +comments www.example.org A | grep '^; EDE')"

st_expect "NS: additional" "ns1.answer.test. 3600 IN A 192.0.2.1
ns1.answer.test. 3600 IN AAAA 2001:db8::1
ns2.answer.test. 3600 IN A 192.0.2.2" "$(addl answer.test NS)"
st_expect "MX: answer" "mx.answer.test. 3600 IN MX 10 mail.answer.test.
mx.answer.test. 3600 IN MX 20 mail2.example.org." "$(ans mx.answer.test MX)"
st_expect "MX: additional (in zone only)" "mail.answer.test. 3600 IN A 192.0.2.25
mail.answer.test. 3600 IN AAAA 2001:db8::25" "$(addl mx.answer.test MX)"
st_expect "SRV: additional" "sip.answer.test. 3600 IN A 192.0.2.60" "$(addl _sip._udp.answer.test SRV)"

st_expect "ANY: one RRset" "www.answer.test. 3600 IN A 192.0.2.80" "$(ans www.answer.test ANY)"
st_expect "ANY at a CNAME" "alias.answer.test. 3600 IN CNAME www.answer.test." "$(ans alias.answer.test ANY)"
st_expect "ANY at the apex: one RRset" "1" \
    "$(ans answer.test ANY | awk '{print $4}' | sort -u | wc -l | tr -d ' ')"
st_expect "ANY at an ENT: NODATA" "$SOA" "$(auth ent.answer.test ANY)"
st_expect "ANY with only DNSSEC data: HINFO" 'meta.answer.test. 3600 IN HINFO "RFC8482" ""' \
    "$(ans meta.answer.test ANY)"

st_done
