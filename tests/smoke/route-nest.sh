#!/bin/bash
# Records over records and sticky weights through dig with EDNS client
# subnets: failover between two geolocation records when every region of
# the first is down, weighted over two latency records, a CNAME endpoint
# that follows the routed name it points to, sticky picks per client subnet,
# the TTL and ECS scope of nested answers, and explain through the chain.
# Health changes go through steerctl force.
. "$top_srcdir/tests/smoke/lib.sh"
. "$top_srcdir/tests/smoke/route-common.sh"
route_need
route_setup
METRICS_PORT=$(st_free_port 127.0.0.1)
sed -i "s|^  control: run/steerd.sock$|&\n  metrics: 127.0.0.1:$METRICS_PORT|" "$ROUTE_CONF"
# two regions whose endpoints are CNAMEs: one into a routed name
sed -i 's/^regions:$/regions:\
  edge:\
    endpoints:\
      to-fo: { cname: fo.example.test }\
  spare:\
    endpoints:\
      to-static: { cname: static.example.net }/' "$ROUTE_CONF"
cat >>"$ROUTE_CONF" <<'EOF'
  geo-a.example.test:
    type: A
    policy: geolocation
    map: { "country:US": us-east-1, "continent:EU": us-east-2 }
  geo-b.example.test:
    type: A
    ttl: 10
    policy: geolocation
    map: { "country:US": eu-central-1, default: ap-northeast-1 }
  fo.example.test:
    type: A
    ttl: 30
    policy: failover
    regions: ["@geo-a.example.test", "@geo-b.example.test"]
  lat-b.example.test: { type: A, policy: latency, regions: [eu-central-1, ap-northeast-1] }
  wl.example.test:
    type: A
    policy: weighted
    weights: { "@lat.example.test": 1, "@lat-b.example.test": 1 }
  www.example.test: { type: CNAME, policy: failover, regions: [edge, spare] }
  sticky.example.test:
    type: A
    policy: weighted
    weights: { us-east-2: 1, eu-central-1: 1 }
    sticky: true
    sticky_ipv4_prefix: 24
EOF
route_start
CTL=("$top_builddir/steerctl" -s "$ST_TMP/run/steerd.sock")

USE1="192.0.2.11 192.0.2.12" USE2="198.51.100.11" EUC1="203.0.113.11" APNE1="203.0.113.41"
ASHBURN=192.0.2.0/26 FRANKFURT=198.51.100.0/24

# ttl NAME SUBNET: the TTL of the first answer record.
ttl() {
    st_dig +noall +answer +subnet="$2" "$1" A | awk 'NR == 1 { print $2 }'
}
force() {
    local state=$1 ep
    shift
    for ep in "$@"; do "${CTL[@]}" force "$ep" "$state" >/dev/null || exit 1; done
}

# failover over geolocation: the primary answers under the queried name
st_expect "fo: Ashburn gets geo-a's US region" "$USE1" "$(q fo.example.test A $ASHBURN)"
st_expect "fo: the answer is the target's, no CNAME" "A" \
    "$(st_dig +noall +answer +subnet=$ASHBURN fo.example.test A | awk '{ print $4 }' | sort -u)"
st_expect "fo: TTL the smallest along the chain" "20" "$(ttl fo.example.test $ASHBURN)"
st_expect "fo: scope of the geo network" "26" "$(scope fo.example.test $ASHBURN)"
st_expect "fo: Frankfurt gets geo-a's EU region" "$USE2" "$(q fo.example.test A $FRANKFURT)"
# Ashburn's region of geo-a down: geo-a has nothing else for it
force down use1-a use1-b
st_expect "fo: Ashburn fails over to geo-b" "$EUC1" "$(q fo.example.test A $ASHBURN)"
st_expect "fo: geo-b's TTL" "10" "$(ttl fo.example.test $ASHBURN)"
st_expect "fo: Frankfurt still on geo-a" "$USE2" "$(q fo.example.test A $FRANKFURT)"
# every region of geo-a down
force down use2-a
st_expect "fo: Frankfurt fails over to geo-b's default" "$APNE1" "$(q fo.example.test A $FRANKFURT)"
st_expect "geo-a asked directly: its on_all_down (route53) answer" "$USE2" \
    "$(q geo-a.example.test A $FRANKFURT)"
out=$("${CTL[@]}" explain fo.example.test A --client $ASHBURN 2>&1)
st_expect_match "explain: the primary has no healthy answer" \
    "primary @geo-a\.example\.test\.: record A .*policy geolocation -> no healthy answer" "$out"
st_expect_match "explain: into the second record" \
    "^-> @geo-b\.example\.test\. A .*policy geolocation, ttl 10:" "$out"
st_expect_match "explain: its map walk" "geolocation: country match -> eu-central-1" "$out"
st_expect_match "explain: the answer" "answer: A 203\.0\.113\.11 \(eu-central-1/euc1-a\), ttl 10" "$out"
st_expect_match "explain: the scope on the wire" "ECS source /26 scope /26" "$out"

# a CNAME endpoint into fo.example.test follows its health for the client
st_expect "www: CNAME into fo while it answers" "fo.example.test." \
    "$(st_dig +short +subnet=$ASHBURN www.example.test CNAME)"
force down euc1-a
st_expect "www: fo still answers for Ashburn (geo-b walks up to default)" "fo.example.test." \
    "$(st_dig +short +subnet=$ASHBURN www.example.test CNAME)"
force down apne1-a
st_expect "www: fo entirely down: the spare" "static.example.net." \
    "$(st_dig +short +subnet=$ASHBURN www.example.test CNAME)"
force clear use1-a use1-b
st_expect "www: Frankfurt: still down (geo-a EU, geo-b default)" "static.example.net." \
    "$(st_dig +short +subnet=$FRANKFURT www.example.test CNAME)"
st_expect "www: Ashburn: fo answers again" "fo.example.test." \
    "$(st_dig +short +subnet=$ASHBURN www.example.test CNAME)"
force clear use2-a euc1-a apne1-a
st_expect "www: back once fo answers" "fo.example.test." \
    "$(st_dig +short +subnet=$ASHBURN www.example.test CNAME)"

# weighted over two latency records: each answers with its nearest region
for _ in $(seq 1 60); do echo "$(q wl.example.test A $ASHBURN)"; done >"$ST_TMP/wl.txt"
n1=$(grep -cx "$USE1" "$ST_TMP/wl.txt")
n2=$(grep -cx "$EUC1" "$ST_TMP/wl.txt")
st_expect "wl: only the two nearest regions" 60 $((n1 + n2))
if [ "$n1" -ge 12 ] && [ "$n1" -le 48 ]; then echo "ok - wl: 1:1 ($n1/60 from lat)"
else echo "not ok - wl: 1:1 ($n1/60 from lat)"; ST_FAILS=$((ST_FAILS + 1)); fi
st_expect "wl: scope of the latency network" "26" "$(scope wl.example.test $ASHBURN)"
force down euc1-a apne1-a
for _ in $(seq 1 20); do echo "$(q wl.example.test A $ASHBURN)"; done >"$ST_TMP/wl.txt"
st_expect "wl: lat-b entirely down: all from lat" 20 "$(grep -cx "$USE1" "$ST_TMP/wl.txt")"
force clear euc1-a apne1-a

# sticky: each /24 keeps its pick, whatever the address inside it
stuck=0 first=0
for i in $(seq 1 30); do
    a=$(q sticky.example.test A "10.$i.7.0/24")
    b=$(q sticky.example.test A "10.$i.7.200/32")
    c=$(q sticky.example.test A "10.$i.7.9/28")
    [ "$a" = "$b" ] && [ "$a" = "$c" ] && stuck=$((stuck + 1))
    [ "$a" = "$USE2" ] && first=$((first + 1))
done
st_expect "sticky: every /24 keeps its pick" 30 "$stuck"
if [ "$first" -ge 5 ] && [ "$first" -le 25 ]; then echo "ok - sticky: both picked ($first/30)"
else echo "not ok - sticky: both picked ($first/30)"; ST_FAILS=$((ST_FAILS + 1)); fi
st_expect "sticky: scope the hashing prefix" "24" "$(scope sticky.example.test 10.1.7.0/28)"
st_expect "sticky: a shorter source is hashed whole" "16" "$(scope sticky.example.test 10.1.0.0/16)"
out=$("${CTL[@]}" explain sticky.example.test A --client 10.1.7.0/24 2>&1)
st_expect_match "explain: the sticky pick" \
    "^weighted: (us-east-2|eu-central-1), the highest rendezvous hash of the client's subnet /24" "$out"

# the metrics count answers through nested records and sticky picks
if command -v curl >/dev/null; then
    metric() {
        curl -s --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics" | awk -v s="$1" '$1 == s { print $2 }'
    }
    before=$(metric steerdns_nested_answers_total)
    sticky=$(metric steerdns_sticky_answers_total)
    for _ in 1 2 3; do q fo.example.test A $ASHBURN >/dev/null; done
    q sticky.example.test A 10.1.7.0/24 >/dev/null
    q failover.example.test >/dev/null
    st_expect "metrics: nested answers counted" $((before + 3)) "$(metric steerdns_nested_answers_total)"
    st_expect "metrics: sticky answers counted" $((sticky + 1)) "$(metric steerdns_sticky_answers_total)"
fi

st_done
