# Wildcards (RFC 4592): synthesis with the query name as owner, blocked by
# existing names and by empty non-terminals, wildcard CNAMEs chased.
. "$top_srcdir/tests/smoke/answer-common.sh"

st_expect "synthesised A" "foo.wild.answer.test. 3600 IN A 192.0.2.99" "$(ans foo.wild.answer.test A)"
st_expect "synthesised, case kept" "FoO.wild.answer.test. 3600 IN A 192.0.2.99" "$(ans FoO.wild.answer.test A)"
st_expect "synthesised: header" "NOERROR qr aa" "$(hdr foo.wild.answer.test A)"
st_expect "several labels deep" 'a.b.wild.answer.test. 3600 IN TXT "wildcard"' \
    "$(ans a.b.wild.answer.test TXT)"
st_expect "wildcard NODATA" "$SOA" "$(auth foo.wild.answer.test MX)"
st_expect "wildcard NODATA: header" "NOERROR qr aa" "$(hdr foo.wild.answer.test MX)"

st_expect "blocked by a name" "exists.wild.answer.test. 3600 IN A 192.0.2.98" \
    "$(ans exists.wild.answer.test A)"
st_expect "blocked by a name: NODATA for other types" "" "$(ans exists.wild.answer.test TXT)"
st_expect "blocked by an ENT: the ENT is NODATA" "NOERROR qr aa" "$(hdr ent.wild.answer.test A)"
st_expect "blocked by an ENT: no answer" "" "$(ans ent.wild.answer.test A)"
st_expect "blocked below an ENT: NXDOMAIN" "NXDOMAIN qr aa" "$(hdr x.ent.wild.answer.test A)"
st_expect "blocked below an ENT: SOA" "$SOA" "$(auth x.ent.wild.answer.test A)"

st_expect "wildcard CNAME chased" "x.cwild.answer.test. 3600 IN CNAME www.answer.test.
www.answer.test. 3600 IN A 192.0.2.80" "$(ans x.cwild.answer.test A)"
st_expect "wildcard CNAME to nothing: NXDOMAIN" "NXDOMAIN qr aa" "$(hdr x.nxwild.answer.test A)"

st_done
