# Shared setup for the routing smoke tests (sourced after lib.sh): a zone, the
# test geo database, four regions at DESIGN.md's metro points and one record
# per policy, all under $ST_TMP.

ROUTE_DB=$top_builddir/tests/data/geo/test-city.mmdb

route_need() {
    st_need_dig
    st_need python3
    [ -r "$ROUTE_DB" ] || st_skip "test geo database not built (MaxMind::DB::Writer missing?)"
}

# route_setup [EXTRA-YAML]: write zone and config, pick ports; sets ROUTE_CONF.
# Endpoints carry a check only when ROUTE_CHECK is set (name of a check that
# EXTRA-YAML defines) and then probe ROUTE_TARGET_<region> ports.
route_setup() {
    cd "$ST_TMP" || exit 1
    mkdir -p run zones
    ST_ADDR=127.0.0.1
    ST_PORT=$(st_free_port 127.0.0.1)
    cat >zones/example.test.zone <<'EOF2'
$ORIGIN example.test.
$TTL 300
@       IN SOA ns1 hostmaster 1 3600 600 86400 60
@       IN NS  ns1
ns1     IN A   192.0.2.53
EOF2
    local c1="" c2="" c3="" c4=""
    if [ -n "${ROUTE_CHECK:-}" ]; then
        c1=", check: $ROUTE_CHECK, check_target: \"127.0.0.1:$ROUTE_PORT_USE1\""
        c2=", check: $ROUTE_CHECK, check_target: \"127.0.0.1:$ROUTE_PORT_USE2\""
        c3=", check: $ROUTE_CHECK, check_target: \"127.0.0.1:$ROUTE_PORT_EUC1\""
        c4=", check: $ROUTE_CHECK, check_target: \"127.0.0.1:$ROUTE_PORT_APNE1\""
    fi
    cat >steerd.yaml <<EOF2
server:
  listen: ["127.0.0.1:$ST_PORT"]
  workers: 1
  control: run/steerd.sock
zones:
  example.test: zones/example.test.zone
geo:
  database: $ROUTE_DB
  coordinates: $top_srcdir/geo/countries.csv
health:
  table: run/health.shm
  stale_after: 5s
${1:-}
regions:
  us-east-1:
    location: [39.04, -77.49]
    select: all
    endpoints:
      use1-a: { address: 192.0.2.11, address6: "2001:db8:a::11", cname: lb-use1.example.net.$c1 }
      use1-b: { address: 192.0.2.12$c1 }
  us-east-2:
    location: [39.96, -83.00]
    endpoints:
      use2-a: { address: 198.51.100.11, address6: "2001:db8:a::21", cname: lb-use2.example.net.$c2 }
  eu-central-1:
    location: [50.11, 8.68]
    endpoints:
      euc1-a: { address: 203.0.113.11$c3 }
  ap-northeast-1:
    location: [35.68, 139.69]
    endpoints:
      apne1-a: { address: 203.0.113.41$c4 }
records:
  simple.example.test: { type: A, ttl: 60, policy: simple, regions: [us-east-1] }
  weighted.example.test:
    type: A
    policy: weighted
    weights: { us-east-1: 1, us-east-2: 3 }
  failover.example.test: { type: A, policy: failover, regions: [us-east-2, us-east-1] }
  strict.example.test: { type: A, policy: failover, regions: [us-east-2, eu-central-1], on_all_down: servfail }
  multi.example.test: { type: A, policy: multivalue, regions: [us-east-1, us-east-2, eu-central-1] }
  geo.example.test:
    type: A
    policy: geolocation
    map: { "subdivision:US-OH": us-east-2, "country:US": us-east-1, "continent:EU": eu-central-1, default: ap-northeast-1 }
  near.example.test:
    type: A
    policy: geoproximity
    regions: [us-east-1, us-east-2, eu-central-1, ap-northeast-1]
  lat.example.test:
    type: [A, AAAA]
    policy: latency
    regions: [us-east-1, us-east-2, eu-central-1, ap-northeast-1]
  office.example.test:
    type: A
    policy: cidr
    map: { "192.0.2.0/24": us-east-1, "198.51.100.0/25": eu-central-1, "2001:db8:2::/48": us-east-2, default: ap-northeast-1 }
  lb.example.test: { type: CNAME, ttl: 30, policy: failover, regions: [us-east-1, us-east-2] }
EOF2
    ROUTE_CONF=$ST_TMP/steerd.yaml
}

route_start() {
    st_start steerd "$top_builddir/steerd" -c "$ROUTE_CONF"
    ST_STEERD_PID=$ST_PID
    st_wait_dns "$ST_ADDR" "$ST_PORT" example.test || { cat "$ST_TMP/steerd.log"; exit 1; }
}

# q NAME [TYPE] [SUBNET]: the sorted short answer on one line.
q() {
    local sub=()
    [ -n "${3:-}" ] && sub=(+subnet="$3")
    st_dig +short "${sub[@]}" "$1" "${2:-A}" | sort | tr '\n' ' ' | sed 's/ $//'
}

# scope NAME SUBNET: the ECS scope prefix length of the answer.
scope() {
    st_dig +subnet="$2" "$1" A | sed -n 's/.*CLIENT-SUBNET: [^ ]*\/[0-9]*\/\([0-9]*\).*/\1/p'
}

# status NAME [TYPE]: the rcode of the answer.
status() {
    st_dig "$1" "${2:-A}" | sed -n 's/.*status: \([A-Z]*\),.*/\1/p'
}
