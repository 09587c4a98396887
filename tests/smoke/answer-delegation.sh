# Delegations: referrals (NS in authority, glue in additional, AA clear), DS
# answered by the parent side of the cut.
. "$top_srcdir/tests/smoke/answer-common.sh"

NS='sub.answer.test. 3600 IN NS ns.elsewhere.example.
sub.answer.test. 3600 IN NS ns1.sub.answer.test.'
GLUE='ns1.sub.answer.test. 3600 IN A 192.0.2.53
ns1.sub.answer.test. 3600 IN AAAA 2001:db8::53'

for q in "host.sub.answer.test A" "sub.answer.test NS" "a.b.sub.answer.test AAAA" "ns1.sub.answer.test A"; do
    # shellcheck disable=SC2086
    set -- $q
    st_expect "referral $1 $2: header" "NOERROR qr" "$(hdr "$1" "$2")"
    st_expect "referral $1 $2: no answer" "" "$(ans "$1" "$2")"
    st_expect "referral $1 $2: NS" "$NS" "$(auth "$1" "$2" | sort)"
    st_expect "referral $1 $2: glue" "$GLUE" "$(addl "$1" "$2")"
done

st_expect "DS at the cut: header" "NOERROR qr aa" "$(hdr sub.answer.test DS)"
st_expect "DS at the cut: answer" \
    "sub.answer.test. 3600 IN DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF" \
    "$(st_dig +noall +answer +nosplit sub.answer.test DS | squash)"
st_expect "no DS at the cut: NODATA" "NOERROR qr aa" "$(hdr nods.answer.test DS)"
st_expect "no DS at the cut: SOA" "$SOA" "$(auth nods.answer.test DS)"
st_expect "DS below the cut: referral" "NOERROR qr" "$(hdr x.sub.answer.test DS)"
st_expect "unsigned referral" "nods.answer.test. 3600 IN NS ns1.nods.answer.test." "$(auth x.nods.answer.test A)"
st_expect "unsigned referral glue" "ns1.nods.answer.test. 3600 IN A 192.0.2.54" "$(addl x.nods.answer.test A)"

st_expect "glue over 512 bytes: TC" "NOERROR qr tc" "$(hdr +noedns +ignore www.fat.answer.test A)"
st_expect "glue over 512 bytes: whole with EDNS" "24" \
    "$(addl +bufsize=1232 www.fat.answer.test A | wc -l | tr -d ' ')"
st_expect "glue over 512 bytes: whole over TCP" "12" \
    "$(auth +noedns +tcp www.fat.answer.test A | wc -l | tr -d ' ')"

st_done
