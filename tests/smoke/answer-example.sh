# The quick-start zone answers as its comments promise.
ANSWER_ZONES="--zone example.test:$top_srcdir/zones/example.test.zone"
. "$top_srcdir/tests/smoke/answer-common.sh"

st_expect "www" "www.example.test. 3600 IN A 192.0.2.80" "$(ans www.example.test A)"
st_expect "alias chain" "shop.example.test. 3600 IN CNAME web.example.test.
web.example.test. 3600 IN CNAME www.example.test.
www.example.test. 3600 IN AAAA 2001:db8::80" "$(ans shop.example.test AAAA)"
st_expect "wildcard" "anything.apps.example.test. 3600 IN A 192.0.2.90" "$(ans anything.apps.example.test A)"
st_expect "wildcard blocked" "status.apps.example.test. 3600 IN A 192.0.2.91" "$(ans status.apps.example.test A)"
st_expect "NS with addresses" "ns1.example.test. 3600 IN A 192.0.2.1
ns1.example.test. 3600 IN AAAA 2001:db8::1
ns2.example.test. 3600 IN A 192.0.2.2
ns2.example.test. 3600 IN AAAA 2001:db8::2" "$(addl example.test NS)"
st_expect "MX with address" "mail.example.test. 3600 IN A 192.0.2.25" "$(addl example.test MX)"
st_expect "SRV with address" "sip.example.test. 3600 IN A 192.0.2.60" "$(addl _sip._udp.example.test SRV)"
st_expect "delegation" "NOERROR qr" "$(hdr host.lab.example.test A)"
st_expect "delegation glue" "ns1.lab.example.test. 3600 IN A 192.0.2.53
ns2.lab.example.test. 3600 IN A 192.0.2.54" "$(addl host.lab.example.test A | sort)"
st_expect "NXDOMAIN" "example.test. 300 IN SOA ns1.example.test. hostmaster.example.test. 2024010101 7200 3600 1209600 300" \
    "$(auth nope.example.test A)"

st_done
