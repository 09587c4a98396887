#!/bin/bash
# Which server answered: CHAOS TXT id.server and hostname.bind give
# server.identity, version.server and version.bind server.version (RFC 4892);
# an NSID option in a query gets server.nsid back (RFC 5001), with any
# answer, and nothing when it was not asked for. Other CHAOS questions, and
# every one when the keys are not set (answer-basic.sh), are REFUSED.
ANSWER_CONFIG='server:
  identity: ns1.eu-west.example
  version: "steerd test"
  nsid: ns1-eu
zones:
  answer.test: @ZONE_FILE@'
. "$top_srcdir/tests/smoke/answer-common.sh"

st_expect "id.server" 'id.server. 0 CH TXT "ns1.eu-west.example"' "$(ans id.server TXT -c CH)"
st_expect "hostname.bind" 'hostname.bind. 0 CH TXT "ns1.eu-west.example"' "$(ans hostname.bind TXT -c CH)"
st_expect "version.bind" 'version.bind. 0 CH TXT "steerd test"' "$(ans version.bind TXT -c CH)"
st_expect "version.server, case kept" 'VERSION.Server. 0 CH TXT "steerd test"' \
    "$(ans VERSION.Server TXT -c CH)"
st_expect "id.server: authoritative" "NOERROR qr aa" "$(hdr id.server TXT -c CH)"
st_expect "ANY at id.server: the TXT" 'id.server. 0 CH TXT "ns1.eu-west.example"' \
    "$(ans id.server ANY -c CH)"
st_expect "A at id.server: REFUSED" "REFUSED qr" "$(hdr id.server A -c CH)"
st_expect "another CHAOS name: REFUSED" "REFUSED qr" "$(hdr authors.bind TXT -c CH)"
st_expect "a zone's name in CHAOS: REFUSED" "REFUSED qr" "$(hdr www.answer.test A -c CH)"
st_expect "id.server in class IN: not ours" "REFUSED qr" "$(hdr id.server TXT)"

nsid() { st_dig +noall +comments "$@" | sed -n 's/^; NSID: .*("\(.*\)")$/\1/p'; }
st_expect "NSID with an answer" "ns1-eu" "$(nsid +nsid www.answer.test A)"
st_expect "NSID with NXDOMAIN" "ns1-eu" "$(nsid +nsid nope.answer.test A)"
st_expect "NSID with REFUSED" "ns1-eu" "$(nsid +nsid www.other.test A)"
st_expect "NSID with CHAOS" "ns1-eu" "$(nsid +nsid id.server TXT -c CH)"
st_expect "NSID over TCP" "ns1-eu" "$(nsid +nsid +tcp www.answer.test A)"
st_expect "no NSID unasked" "" "$(nsid www.answer.test A)"
st_expect "the answer with NSID" "www.answer.test. 3600 IN A 192.0.2.80" "$(ans +nsid www.answer.test A)"
st_done
