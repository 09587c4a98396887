#!/bin/bash
# A zone signed online, checked as validators see it: every kind of answer
# (static, each routing policy with and without ECS, NXDOMAIN and NODATA as
# compact denial, wildcards, a CNAME chain into a routed name, referrals,
# DS, ANY, over UDP and TCP) fetched with DO and checked by
# tests/dnssec_check.py (dnspython against the zone's DNSKEY); delv with the
# zone's key as trust anchor says "fully validated"; an unbound with the DS
# as trust anchor in front of steerd sets AD for its clients; steerctl ds
# matches the published key; signatures are renewed by themselves.
. "$top_srcdir/tests/smoke/lib.sh"
. "$top_srcdir/tests/smoke/route-common.sh"
route_need
st_need_pydns
"$ST_PY" -c 'import dns.dnssec, sys; sys.exit(0 if dns.dnssec._have_pyca else 1)' ||
    st_skip "python3-cryptography not installed (dnspython cannot validate)"

route_setup
mkdir -p keys/example.test
cp "$top_srcdir"/tests/data/keys/ecdsa/* keys/example.test/
# The zone's static part: wildcards, an empty non-terminal, a chain into a
# routed name, a secure and an insecure delegation, and a child zone served
# here too (its DS query is the parent's).
cat >>zones/example.test.zone <<'EOF'
www     IN A     192.0.2.80
        IN TXT   "www"
mail    IN A     192.0.2.25
@       IN MX    10 mail
alias   IN CNAME www
torouted IN CNAME weighted
leaf.deep.ent IN A 192.0.2.40
*.wild  IN A     192.0.2.99
*.cwild IN CNAME failover
secure  IN NS    ns1.secure
        IN DS    12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF
ns1.secure IN A  192.0.2.53
insecure IN NS   ns1.insecure
ns1.insecure IN A 192.0.2.54
child   IN NS    ns1
EOF
cat >zones/child.example.test.zone <<'EOF'
$ORIGIN child.example.test.
$TTL 300
@       IN SOA ns1.example.test. hostmaster.example.test. 1 3600 600 86400 60
@       IN NS  ns1.example.test.
@       IN A   192.0.2.77
EOF
# Short-lived signatures on a second zone: renewed within the test.
cat >zones/fast.test.zone <<'EOF'
$ORIGIN fast.test.
$TTL 10
@       IN SOA ns1 hostmaster 1 3600 600 86400 10
@       IN NS  ns1
ns1     IN A   192.0.2.53
EOF
mkdir -p keys/fast.test
(cd keys/fast.test && sed 's/example\.test\./fast.test./' "$top_srcdir"/tests/data/keys/ed25519/Kexample.test.+015+15318.key \
    >Kfast.test.+015+00000.key && cp "$top_srcdir"/tests/data/keys/ed25519/Kexample.test.+015+15318.private \
    Kfast.test.+015+00000.private)
"$ST_PY" - "$ROUTE_CONF" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
text = text.replace("zones:\n  example.test: zones/example.test.zone\n",
    "zones:\n"
    "  example.test:\n"
    "    file: zones/example.test.zone\n"
    "    dnssec: { keys: keys/example.test, signature_validity: 2d }\n"
    "  child.example.test: zones/child.example.test.zone\n"
    "  fast.test:\n"
    "    file: zones/fast.test.zone\n"
    "    dnssec: { keys: keys/fast.test, signature_validity: 24s, denial: compact }\n")
open(path, "w").write(text)
PY
route_start

check() { "$ST_PY" "$top_srcdir/tests/dnssec_check.py" "$ST_ADDR" "$ST_PORT" "$@"; }
out=$(check example.test \
    "www.example.test A answer" "WWW.Example.TEST TXT answer" "example.test MX answer" \
    "example.test SOA answer" "example.test NS answer" "example.test ANY answer" \
    "example.test CDS answer" "example.test CDNSKEY answer" \
    "simple.example.test A answer" "weighted.example.test A answer" \
    "failover.example.test A answer" "multi.example.test A answer" \
    "geo.example.test A answer" "geo.example.test A answer ecs=192.0.2.64/26" \
    "geo.example.test A answer ecs=198.51.100.0/24" "near.example.test A answer ecs=203.0.113.0/25" \
    "lat.example.test A answer ecs=192.0.2.128/25" "lat.example.test AAAA answer" \
    "lat.example.test AAAA nodata ecs=127.0.3.0/24" \
    "office.example.test A answer ecs=198.51.100.0/25" "office.example.test A answer" \
    "lb.example.test A answer" "lb.example.test CNAME answer" \
    "torouted.example.test A answer" "alias.example.test A answer" \
    "nothere.example.test A nxname" "a.b.nothere.example.test AAAA nxname" \
    "www.example.test AAAA nodata" "weighted.example.test TXT nodata" \
    "ent.example.test A nodata" "deep.ent.example.test A nodata" \
    "x.wild.example.test A wildcard" "a.b.wild.example.test A wildcard" \
    "x.wild.example.test MX nodata" "x.cwild.example.test A wildcard" \
    "host.secure.example.test A referral" "secure.example.test DS answer" \
    "host.insecure.example.test A referral" "insecure.example.test DS nodata" \
    "child.example.test DS nodata" "www.example.test A answer tcp" \
    "multi.example.test A answer tcp" \
    "failover.example.test MX nodata" "lat.example.test TXT nodata" \
    "www.example.test RRSIG answer" "simple.example.test RRSIG answer" \
    "failover.example.test RRSIG answer" "lb.example.test RRSIG answer" \
    "lat.example.test RRSIG answer ecs=192.0.2.128/25" "ent.example.test RRSIG answer" \
    "nothere.example.test RRSIG answer" "x.wild.example.test RRSIG answer")
st_expect "every answer validates" "" "$(printf '%s\n' "$out" | grep -v '^ok ')"
echo "$out" | sed 's/^/# /'

# Without DO, answers are those of an unsigned zone: no RRSIG, NXDOMAIN.
st_expect "no RRSIG without DO" "" "$(st_dig +noall +answer www.example.test A | grep RRSIG)"
st_expect "NXDOMAIN without DO" "NXDOMAIN" "$(status nothere.example.test)"
# ...but RRSIG and NSEC asked for are RRsets like any other (RFC 4035 3.1).
st_expect "RRSIG query without DO" "A NSEC TXT" \
    "$(st_dig +noall +answer www.example.test RRSIG | awk '$4 == "RRSIG" {print $5}' | sort | xargs)"
st_expect "NSEC query without DO" "NSEC" \
    "$(st_dig +noall +answer www.example.test NSEC | awk '{print $4}' | xargs)"
st_expect "RRSIG query without DO, no such name" "NXDOMAIN" \
    "$(st_dig www.nothere.example.test RRSIG | sed -n 's/.*status: \([A-Z]*\).*/\1/p')"
st_expect "AD never set" "" "$(st_dig +dnssec +adflag www.example.test A | grep -E 'flags:[^;]* ad[ ;]')"

# steerctl ds: the digest of the published KSK, as dnspython computes it.
ds=$("$top_builddir/steerctl" -s run/steerd.sock ds example.test)
want=$("$ST_PY" - "$ST_ADDR" "$ST_PORT" <<'PY'
import sys, dns.dnssec, dns.message, dns.query, dns.rdatatype, dns.name
q = dns.message.make_query("example.test.", "DNSKEY")
m = dns.query.udp(q, sys.argv[1], port=int(sys.argv[2]), timeout=5)
name = dns.name.from_text("example.test.")
for k in m.answer[0]:
    if k.flags & 1:
        d = dns.dnssec.make_ds(name, k, "SHA256")
        print("example.test. IN DS %d %d %d %s" % (d.key_tag, d.algorithm, d.digest_type, d.digest.hex().upper()))
PY
)
st_expect "steerctl ds" "$want" "$ds"
st_expect_match "status shows the keys" "keys 54607 ZSK ECDSAP256SHA256 active, 65202 KSK ECDSAP256SHA256 active \(CDS\)" \
    "$("$top_builddir/steerctl" -s run/steerd.sock status)"

# delv with the DS of steerctl ds as trust anchor (the README's recipe).
if command -v delv >/dev/null 2>&1; then
    echo "$ds" | awk '{ print "trust-anchors { " $1 " static-ds " $4, $5, $6 " \"" $7 "\"; };" }' >anchor.conf
    for n in "www.example.test A" "weighted.example.test A" "geo.example.test A" "x.wild.example.test A" \
        "torouted.example.test A" "nothere.example.test A" "www.example.test AAAA"; do
        # shellcheck disable=SC2086
        st_expect_match "delv $n" "fully validated" \
            "$(delv @"$ST_ADDR" -p "$ST_PORT" -a anchor.conf +root=example.test $n 2>&1)"
    done
else
    echo "# delv not installed: skipped"
fi

# An unbound with the DS as trust anchor, steerd as the zone's stub.
if command -v unbound >/dev/null 2>&1; then
    UB_PORT=$(st_free_port 127.0.0.1)
    cat >unbound.conf <<EOF
server:
  interface: 127.0.0.1
  port: $UB_PORT
  do-ip6: no
  access-control: 127.0.0.0/8 allow
  do-not-query-localhost: no
  chroot: ""
  username: ""
  directory: "$ST_TMP"
  pidfile: "$ST_TMP/unbound.pid"
  use-syslog: no
  logfile: "$ST_TMP/unbound-log.txt"
  module-config: "validator iterator"
  trust-anchor: "$(echo "$ds" | head -1 | sed 's/ IN / /')"
  val-log-level: 2
  qname-minimisation: no
  local-zone: "test." nodefault
  harden-referral-path: no
stub-zone:
  name: "example.test"
  stub-addr: 127.0.0.1@$ST_PORT
# Anything else goes to steerd too (refused): nothing leaves the loopback.
forward-zone:
  name: "."
  forward-addr: 127.0.0.1@$ST_PORT
EOF
    st_start unbound unbound -d -c unbound.conf
    st_wait_dns 127.0.0.1 "$UB_PORT" example.test || cat unbound-log.txt
    for n in "www.example.test A" "weighted.example.test A" "geo.example.test A" "nothere.example.test A" \
        "x.wild.example.test A" "torouted.example.test A" "www.example.test AAAA"; do
        # shellcheck disable=SC2086
        st_expect_match "unbound sets AD: $n" "flags: qr rd ra ad;" \
            "$("$DIG" @127.0.0.1 -p "$UB_PORT" +time=3 +tries=2 $n)"
    done
    # RRSIG queries: answered with signatures (which cannot be validated,
    # so no AD), never a NODATA that claims the name has none, nor bogus.
    for n in weighted.example.test www.example.test ent.example.test nothere.example.test; do
        r=$("$DIG" @127.0.0.1 -p "$UB_PORT" +time=3 +tries=2 +dnssec "$n" RRSIG)
        st_expect_match "unbound RRSIG $n: NOERROR" "status: NOERROR," "$r"
        st_expect_match "unbound RRSIG $n: signatures" "ANSWER: [1-9]" "$r"
    done
else
    echo "# unbound not installed: skipped"
fi

# Renewal: fast.test's signatures (24 s) are replaced after 18 s.
exp() {
    "$ST_PY" - "$ST_ADDR" "$ST_PORT" <<'PY'
import sys, dns.message, dns.query
q = dns.message.make_query("fast.test.", "SOA", want_dnssec=True)
m = dns.query.udp(q, sys.argv[1], port=int(sys.argv[2]), timeout=5)
print([r for r in m.answer if r.rdtype == 46][0][0].expiration)
PY
}
e0=$(exp)
for _ in $(seq 1 30); do
    sleep 1
    e1=$(exp)
    [ "$e1" != "$e0" ] && break
done
st_expect "signatures renewed before they expire" "yes" "$([ "$e1" -gt "$e0" ] && echo yes)"
st_expect "renewed signatures validate" "" \
    "$(check fast.test "fast.test SOA answer" "nothere.fast.test A nxname" | grep -v '^ok ')"
st_expect_match "renewal logged" "zone fast.test., new signatures valid until" "$(cat steerd.log)"

st_done
