#!/bin/bash
# A NODATA that a routed record's policy decides (on_all_down: nodata with
# every endpoint down; a region without addresses of the asked family) is
# cached no longer than the record's answer would be: its SOA (and, with
# DO, its NSEC) carries the record's TTL, not the zone's negative TTL (an
# hour here), so that clients get the addresses as soon as health brings
# them back. A NODATA that does not depend on health keeps the zone's.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"
st_need_dig
st_need_pydns
"$ST_PY" -c 'import dns.dnssec, sys; sys.exit(0 if dns.dnssec._have_pyca else 1)' ||
    st_skip "python3-cryptography not installed (dnspython cannot validate)"

cd "$ST_TMP" || exit 1
mkdir -p run keys/example.test
cp "$top_srcdir"/tests/data/keys/ecdsa/* keys/example.test/
ST_ADDR=127.0.0.1
ST_PORT=$(st_free_port)
cat >example.test.zone <<'EOF'
$ORIGIN example.test.
$TTL 3600
@       IN SOA ns1 hostmaster 1 3600 600 86400 3600
@       IN NS  ns1
ns1     IN A   192.0.2.53
EOF
cat >steerd.yaml <<EOF
server:
  listen: ["127.0.0.1:$ST_PORT"]
  workers: 1
  control: run/steerd.sock
zones:
  example.test:
    file: example.test.zone
    dnssec: { keys: keys/example.test }
health:
  table: run/health.shm
regions:
  v4only:
    endpoints:
      a1: { address: 192.0.2.1 }
  dual:
    endpoints:
      b1: { address: 192.0.2.2, address6: "2001:db8::2" }
records:
  down.example.test: { type: A, ttl: 5, policy: weighted, weights: { v4only: 1 }, on_all_down: nodata }
  fam.example.test: { type: [A, AAAA], ttl: 7, policy: failover, regions: [v4only, dual] }
EOF
st_steerd_config steerd.yaml example.test || st_done
CTL=("$top_builddir/steerctl" -s run/steerd.sock)

# neg NAME TYPE [DIG ARGS...]: the status and the TTL of the SOA (and of
# the NSEC, with DO) in the authority section.
neg() {
    st_dig "$@" | awk '/status:/ { sub(/,.*/, "", $6); s = $6 }
        $4 == "SOA" { soa = $2 } $4 == "NSEC" { nsec = " nsec " $2 }
        END { print s " soa " soa nsec }'
}
check() { "$ST_PY" "$top_srcdir/tests/dnssec_check.py" "$ST_ADDR" "$ST_PORT" example.test "$@"; }

st_expect "static NODATA: the zone's negative TTL" "NOERROR soa 3600" "$(neg fam.example.test TXT)"
st_expect "static NODATA with DO: the zone's negative TTL" "NOERROR soa 3600 nsec 3600" \
    "$(neg fam.example.test TXT +dnssec)"

"${CTL[@]}" force a1 down >/dev/null
st_expect "all down, on_all_down nodata: the record's TTL" "NOERROR soa 5" "$(neg down.example.test A)"
st_expect "the same with DO" "NOERROR soa 5 nsec 5" "$(neg down.example.test A +dnssec)"
st_expect "it validates" "" "$(check "down.example.test A nodata" | grep -v '^ok ')"
"${CTL[@]}" force a1 clear >/dev/null
st_expect "up again: the address" "192.0.2.1" "$(st_dig +short down.example.test A)"

# The failover's primary has no IPv6 address: NODATA for AAAA while it is up.
st_expect "a region without the family: the record's TTL" "NOERROR soa 7" "$(neg fam.example.test AAAA)"
st_expect "the same with DO" "NOERROR soa 7 nsec 7" "$(neg fam.example.test AAAA +dnssec)"
st_expect "it validates" "" "$(check "fam.example.test AAAA nodata" | grep -v '^ok ')"
"${CTL[@]}" force a1 down >/dev/null
st_expect "primary down: the secondary's IPv6 address" "2001:db8::2" "$(st_dig +short fam.example.test AAAA)"
st_done
