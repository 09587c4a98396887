#!/bin/bash
# Every routing policy through dig against the real steerd, with EDNS client
# subnets placing the client (test geo database: tests/data/geo/test.txt),
# and the ECS scope each answer carries.
. "$top_srcdir/tests/smoke/lib.sh"
. "$top_srcdir/tests/smoke/route-common.sh"
route_need
route_setup
route_start

# simple: every endpoint of the region, no ECS dependence
st_expect "simple" "192.0.2.11 192.0.2.12" "$(q simple.example.test)"
st_expect "simple scope 0" "0" "$(scope simple.example.test 192.0.2.0/24)"

# weighted 1:3 over 400 queries: us-east-2 near 75% (a query that times out
# on a loaded machine is asked again, as a resolver would: this counts shares)
n2=0
for _ in $(seq 1 400); do
    st_dig +short +tries=3 weighted.example.test A | sort | tr '\n' ' ' | sed 's/ $//'
    echo
done >"$ST_TMP/weighted.txt"
n2=$(grep -c '^198.51.100.11$' "$ST_TMP/weighted.txt")
n1=$(grep -c '^192.0.2.11 192.0.2.12$' "$ST_TMP/weighted.txt")
st_expect "weighted answers only the two regions" 400 $((n1 + n2))
if [ "$n2" -ge 255 ] && [ "$n2" -le 345 ]; then echo "ok - weighted 1:3 ($n2/400 to us-east-2)"
else echo "not ok - weighted 1:3 ($n2/400 to us-east-2)"; ST_FAILS=$((ST_FAILS + 1)); fi
st_expect "weighted scope 0" "0" "$(scope weighted.example.test 192.0.2.0/24)"

st_expect "failover primary" "198.51.100.11" "$(q failover.example.test)"
st_expect "multivalue" "192.0.2.11 192.0.2.12 198.51.100.11 203.0.113.11" "$(q multi.example.test)"

# geolocation: subdivision > country > continent > default
st_expect "geo US-OH" "198.51.100.11" "$(q geo.example.test A 192.0.2.64/26)"
st_expect "geo US-OH scope" "26" "$(scope geo.example.test 192.0.2.64/26)"
st_expect "geo US (VA)" "192.0.2.11 192.0.2.12" "$(q geo.example.test A 192.0.2.0/24)"
st_expect "geo DE (EU)" "203.0.113.11" "$(q geo.example.test A 198.51.100.0/24)"
# an ECS /25 over Ashburn (US-VA) and Columbus (US-OH): what they share
# (US) decides, for the whole /25
st_expect "geo /25 over two subdivisions: country" "192.0.2.11 192.0.2.12" "$(q geo.example.test A 192.0.2.0/25)"
st_expect "geo /25 over two subdivisions: scope 25" "25" "$(scope geo.example.test 192.0.2.0/25)"
# an ECS /24 over Tokyo and London: nothing in common, the default
st_expect "geo /24 over two continents: default" "203.0.113.41" "$(q geo.example.test A 203.0.113.0/24)"
st_expect "geo DE scope" "24" "$(scope geo.example.test 198.51.100.0/24)"
st_expect "geo unknown client: default" "203.0.113.41" "$(q geo.example.test A)"
# ECS /0: located by the resolver's address, scope 0 (RFC 7871)
st_expect "ECS /0 scope 0" "0" "$(scope geo.example.test 0.0.0.0/0)"
st_expect "geo IPv6 subnet (DE)" "203.0.113.11" "$(q geo.example.test A 2001:db8:2::/48)"

# geoproximity: nearest region to the client's point
st_expect "near London" "203.0.113.11" "$(q near.example.test A 203.0.113.128/26)"
st_expect "near Tokyo" "203.0.113.41" "$(q near.example.test A 203.0.113.0/25)"
st_expect "near Columbus" "198.51.100.11" "$(q near.example.test A 192.0.2.64/26)"
st_expect "near Sydney" "203.0.113.41" "$(q near.example.test A 127.0.2.0/24)"

# latency: Boardman is nearer us-east-2 (Columbus) than us-east-1
st_expect "latency Boardman" "198.51.100.11" "$(q lat.example.test A 192.0.2.128/25)"
st_expect "latency Boardman scope" "25" "$(scope lat.example.test 192.0.2.128/25)"
st_expect "latency Paris" "203.0.113.11" "$(q lat.example.test A 127.0.3.0/24)"
st_expect "latency AAAA" "2001:db8:a::21" "$(q lat.example.test AAAA 192.0.2.128/25)"
# eu-central-1 has no IPv6 address: NODATA for AAAA from Paris (not an
# IPv6 address in another region than the IPv4 answer)
st_expect "latency AAAA without an IPv6 endpoint" "NOERROR " \
    "$(status lat.example.test AAAA) $(q lat.example.test AAAA 127.0.3.0/24)"

# cidr: longest prefix, default, scope of the deciding network
st_expect "cidr /24" "192.0.2.11 192.0.2.12" "$(q office.example.test A 192.0.2.0/24)"
st_expect "cidr /25" "203.0.113.11" "$(q office.example.test A 198.51.100.0/25)"
st_expect "cidr /25 scope" "25" "$(scope office.example.test 198.51.100.0/25)"
st_expect "cidr default" "203.0.113.41" "$(q office.example.test A 198.51.100.128/25)"
st_expect "cidr IPv6" "198.51.100.11" "$(q office.example.test A 2001:db8:2::/56)"
st_expect "cidr IPv6 scope" "48" "$(scope office.example.test 2001:db8:2::/56)"
# an ECS network wider than the map network inside it: that network decides
# only half of it, so not for it (the default), and the scope stays /24
st_expect "cidr /24 ECS over a /25 entry: default" "203.0.113.41" "$(q office.example.test A 198.51.100.0/24)"
st_expect "cidr /24 ECS over a /25 entry: scope 24" "24" "$(scope office.example.test 198.51.100.0/24)"

# CNAME record: the target of the chosen region, for any type
st_expect "cname" "lb-use1.example.net." "$(q lb.example.test A)"
st_expect "cname AAAA" "lb-use1.example.net." "$(q lb.example.test AAAA)"
st_expect "ttl" "30" "$(st_dig +noall +answer lb.example.test A | awk '{print $2}')"

st_done
