#!/bin/bash
# Key rollover by reload, without a query lost: keys made with dnssec-keygen,
# a new zone-signing key published and active next to the old one (both
# sign), the old one retired with dnssec-settime, a key whose Activate time
# comes while steerd runs (taken up without a reload); every answer keeps
# validating with tests/dnssec_check.py, and a client asking all along gets
# every answer.
. "$top_srcdir/tests/smoke/lib.sh"
st_need_dig
st_need_pydns
st_need dnssec-keygen dnssec-settime
"$ST_PY" -c 'import dns.dnssec, sys; sys.exit(0 if dns.dnssec._have_pyca else 1)' ||
    st_skip "python3-cryptography not installed (dnspython cannot validate)"

cd "$ST_TMP" || exit 1
mkdir -p run zones keys
ST_ADDR=127.0.0.1
ST_PORT=$(st_free_port 127.0.0.1)
cat >zones/example.test.zone <<'EOF'
$ORIGIN example.test.
$TTL 300
@       IN SOA ns1 hostmaster 1 3600 600 86400 60
@       IN NS  ns1
ns1     IN A   192.0.2.53
www     IN A   192.0.2.80
EOF
ksk=$(cd keys && dnssec-keygen -q -a ECDSAP256SHA256 -f KSK example.test)
zsk1=$(cd keys && dnssec-keygen -q -a ECDSAP256SHA256 example.test)
cat >steerd.yaml <<EOF
server:
  listen: ["$ST_ADDR:$ST_PORT"]
  workers: 2
  control: run/steerd.sock
zones:
  example.test:
    file: zones/example.test.zone
    dnssec: { keys: keys, signature_validity: 1d }
EOF
st_start steerd "$top_builddir/steerd" -c steerd.yaml
st_wait_dns "$ST_ADDR" "$ST_PORT" example.test || { cat steerd.log; exit 1; }

ctl() { "$top_builddir/steerctl" -s run/steerd.sock "$@"; }
tag() { echo "$1" | sed 's/.*+0*\([0-9][0-9]*\)$/\1/'; }
valid() {
    "$ST_PY" "$top_srcdir/tests/dnssec_check.py" "$ST_ADDR" "$ST_PORT" example.test \
        "www.example.test A answer" "nothere.example.test A nxname" "www.example.test TXT nodata" |
        grep -v '^ok '
}
keys() { st_dig +short example.test DNSKEY | awk '{ print $1 }' | sort | tr '\n' ' '; }
sigtags() { st_dig +dnssec +noall +answer www.example.test A | awk '$4 == "RRSIG" { print $11 }' | sort -n | tr '\n' ' '; }

# A client asking all along (DO set) until told to stop, counting what went
# unanswered (3 s each: a loaded machine is slow, a dropped query is lost).
"$ST_PY" - "$ST_ADDR" "$ST_PORT" "$ST_TMP/stop-asking" >asker.txt 2>&1 <<'PY' &
import os, sys, time, dns.message, dns.query, dns.exception
sent = lost = 0
end = time.time() + 120
while time.time() < end and not os.path.exists(sys.argv[3]):
    q = dns.message.make_query("www.example.test.", "A", want_dnssec=True)
    sent += 1
    try:
        dns.query.udp(q, sys.argv[1], port=int(sys.argv[2]), timeout=3)
    except dns.exception.Timeout:
        lost += 1
    time.sleep(0.005)
print(sent, lost)
PY
ASKER=$!
ST_PIDS+=("$ASKER")

st_expect "first keys validate" "" "$(valid)"
st_expect "signed by the first ZSK" "$(tag "$zsk1") " "$(sigtags)"

# Pre-published, double-signed: a second ZSK, then a reload.
zsk2=$(cd keys && dnssec-keygen -q -a ECDSAP256SHA256 example.test)
st_expect_match "reload with a new key" "^reloaded" "$(ctl reload)"
st_expect "both ZSKs and the KSK published" "256 256 257 " "$(keys)"
want=$(printf '%s\n' "$(tag "$zsk1")" "$(tag "$zsk2")" | sort -n | tr '\n' ' ')
st_expect "both ZSKs sign" "$want" "$(sigtags)"
st_expect "validates during the rollover" "" "$(valid)"

# The old ZSK retired and removed.
dnssec-settime -q -I now -D now "keys/$zsk1" >/dev/null 2>&1 || dnssec-settime -I now -D now "keys/$zsk1" >/dev/null
st_expect_match "reload after retiring a key" "^reloaded" "$(ctl reload)"
st_expect "the old ZSK is gone" "256 257 " "$(keys)"
st_expect "signed by the new ZSK" "$(tag "$zsk2") " "$(sigtags)"
st_expect "validates after the rollover" "" "$(valid)"

# A key published now and active in 6 s: taken up without a reload.
zsk3=$(cd keys && dnssec-keygen -q -a ECDSAP256SHA256 -P now -A +6 example.test)
act=$(date -u -d "$(sed -n 's/^Activate: \([0-9]\{8\}\)\([0-9]\{2\}\)\([0-9]\{2\}\)\([0-9]\{2\}\)$/\1 \2:\3:\4/p' "keys/$zsk3.private")" +%s)
st_expect_match "reload with a future key" "^reloaded" "$(ctl reload)"
status=$(ctl status)
if [ "$(date +%s)" -lt "$act" ]; then
    st_expect_match "published, not yet active" "$(tag "$zsk3") ZSK ECDSAP256SHA256 published" "$status"
else
    echo "# the machine took longer than the key's 6 s to get here: its waiting state not seen"
fi
for _ in $(seq 1 300); do
    ctl status | grep -q "$(tag "$zsk3") ZSK ECDSAP256SHA256 active" && break
    sleep 0.1
done
st_expect_match "active at its time" "$(tag "$zsk3") ZSK ECDSAP256SHA256 active" "$(ctl status)"
want=$(printf '%s\n' "$(tag "$zsk2")" "$(tag "$zsk3")" | sort -n | tr '\n' ' ')
st_expect "both sign once it is active" "$want" "$(sigtags)"
st_expect "validates after the timed activation" "" "$(valid)"
st_expect_match "the KSK's DS" "example.test. IN DS $(tag "$ksk") 13 2 " "$(ctl ds example.test)"

# A reload that cannot sign keeps the signed zone serving and says why:
# keys that are all past their Inactive time, then no key folder.
mkdir expired
(cd expired && dnssec-keygen -q -a ECDSAP256SHA256 -P -3d -A -3d -I -1d example.test >/dev/null)
sed -i 's/keys: keys,/keys: expired,/' steerd.yaml
out=$(ctl reload 2>&1)
st_expect_match "keys past their time fail the reload" \
    "steerd.yaml:8: zone example\.test\.: no key can sign now" "$out"
st_expect "the message names the zone once" "1" "$(printf '%s\n' "$out" | grep -o 'zone example\.test\.:' | wc -l)"
st_expect "still signed and valid" "" "$(valid)"
sed -i 's/keys: expired,/keys: nokeys,/' steerd.yaml
st_expect_match "a missing key folder fails the reload" \
    "steerd.yaml:8: zone example.test.: .*nokeys: No such file or directory \(the folder of the zone's keys\)" \
    "$(ctl reload 2>&1)"
st_expect "still signed and valid after the failed reload" "" "$(valid)"

touch "$ST_TMP/stop-asking"
wait "$ASKER"
read -r sent lost <asker.txt
st_expect "the client kept asking" "yes" "$([ "${sent:-0}" -gt 100 ] && echo yes)"
st_expect "no query lost across the reloads" "0" "${lost:-?}"
st_done
