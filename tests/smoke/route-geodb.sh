#!/bin/bash
# The default country database: tools/geo-build.pl builds it offline from
# Debian's tor-geoipdb, twice with the same bytes, and steerd answers a
# geolocation record from it (a US and a European resolver subnet).
. "$top_srcdir/tests/smoke/lib.sh"
st_need_dig
st_need perl python3
[ -r /usr/share/tor/geoip ] && [ -r /usr/share/tor/geoip6 ] || st_skip "tor-geoipdb not installed"
perl -MMaxMind::DB::Writer::Tree -e1 2>/dev/null || st_skip "MaxMind::DB::Writer not installed"

cd "$ST_TMP" || exit 1
build() {
    perl "$top_srcdir/tools/geo-build.pl" --quiet --countries "$top_srcdir/geo/countries.csv" \
        --tor4 /usr/share/tor/geoip --tor6 /usr/share/tor/geoip6 --out "$1"
}
build a.mmdb || { echo "not ok - build"; exit 1; }
build b.mmdb || { echo "not ok - second build"; exit 1; }
st_expect "reproducible" "$(sha256sum <a.mmdb | cut -d' ' -f1)" "$(sha256sum <b.mmdb | cut -d' ' -f1)"
size=$(stat -c %s a.mmdb)
if [ "$size" -gt 4000000 ]; then echo "ok - size $size"; else echo "not ok - size $size"; ST_FAILS=$((ST_FAILS + 1)); fi

mkdir -p zones
cat >zones/example.test.zone <<'EOF'
$ORIGIN example.test.
$TTL 300
@       IN SOA ns1 hostmaster 1 3600 600 86400 60
@       IN NS  ns1
ns1     IN A   192.0.2.53
EOF
ST_ADDR=127.0.0.1
ST_PORT=$(st_free_port 127.0.0.1)
cat >steerd.yaml <<EOF
server: { listen: ["127.0.0.1:$ST_PORT"], workers: 1 }
zones: { example.test: zones/example.test.zone }
geo: { database: a.mmdb, coordinates: $top_srcdir/geo/countries.csv }
regions:
  us: { location: [39.04, -77.49], endpoints: { us-a: { address: 192.0.2.1 } } }
  eu: { location: [50.11, 8.68], endpoints: { eu-a: { address: 192.0.2.2 } } }
  other: { location: [35.68, 139.69], endpoints: { other-a: { address: 192.0.2.3 } } }
records:
  geo.example.test:
    type: A
    policy: geolocation
    map: { "country:US": us, "continent:EU": eu, default: other }
  near.example.test: { type: A, policy: geoproximity, regions: [us, eu, other] }
EOF
st_start steerd "$top_builddir/steerd" -c steerd.yaml
ST_STEERD_PID=$ST_PID
st_wait_dns "$ST_ADDR" "$ST_PORT" example.test || { cat "$ST_TMP/steerd.log"; exit 1; }

st_expect "US resolver (8.8.8.0/24)" "192.0.2.1" "$(st_dig +short +subnet=8.8.8.0/24 geo.example.test A)"
st_expect "RIPE NCC subnet (NL, EU)" "192.0.2.2" "$(st_dig +short +subnet=193.0.0.0/21 geo.example.test A)"
st_expect "Japanese subnet, geoproximity" "192.0.2.3" "$(st_dig +short +subnet=133.0.0.0/16 near.example.test A)"
st_expect "loopback: default" "192.0.2.3" "$(st_dig +short geo.example.test A)"
st_expect_match "ECS scope from the database network" "CLIENT-SUBNET: 8.8.8.0/24/(1[0-9]|2[0-4])" \
    "$(st_dig +subnet=8.8.8.0/24 geo.example.test A)"
st_done
