#!/bin/bash
# A full reload (steerctl reload, SIGHUP) re-reads a zone whose $INCLUDE
# file alone changed, and still shares a zone none of whose files changed.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"
. "$top_srcdir/tests/smoke/ctl-common.sh"
st_need_dig
ctl_setup
# A static zone (a zone with routed records is compiled again with each new
# config) with an included file below its folder, and one that includes
# another (each path relative to the including file).
sed -i 's|^  example.test: zones/example.test.zone$|&\n  plain.test: zones/plain.test.zone|' steerd.yaml
grep -q 'plain.test:' steerd.yaml || { echo "config not edited"; exit 1; }
mkdir -p zones/inc
cat >zones/plain.test.zone <<'EOF2'
$ORIGIN plain.test.
$TTL 300
@       IN SOA ns1 hostmaster 1 3600 600 86400 60
@       IN NS  ns1
ns1     IN A   192.0.2.1
$INCLUDE inc/hosts.inc
EOF2
printf 'inc   IN A 192.0.2.50\n$INCLUDE more.inc\n' >zones/inc/hosts.inc
printf 'deep  IN A 192.0.2.60\n' >zones/inc/more.inc
# Files written "long ago": a file modified right before it is read is
# always read again, which would hide the check under test.
old() { touch -d '-30 seconds' zones/plain.test.zone zones/inc/hosts.inc zones/inc/more.inc; }
old
ctl_start
loads() { grep -c 'zone plain\.test\., serial .* loaded from' "$ST_TMP/steerd.log"; }

st_expect "included record" "192.0.2.50" "$(st_dig +short inc.plain.test A)"
st_expect "nested included record" "192.0.2.60" "$(st_dig +short deep.plain.test A)"
st_expect "one load at start" "1" "$(loads)"

# Nothing changed: the zone is shared, not read again.
ctl reload
st_expect "unchanged reload ok" "0" "$CTL_RC"
st_expect "unchanged zone kept" "1" "$(loads)"

# Only the included file changes (same size): a full reload re-reads the zone.
printf 'inc   IN A 192.0.2.51\n$INCLUDE more.inc\n' >zones/inc/hosts.inc
ctl reload
st_expect "reload ok" "0" "$CTL_RC"
st_expect "changed include served after reload" "192.0.2.51" "$(st_dig +short inc.plain.test A)"
st_expect "zone read again" "2" "$(loads)"

# Only the nested included file changes, then SIGHUP.
old
ctl reload
n=$(loads)
printf 'deep  IN A 192.0.2.61\n' >zones/inc/more.inc
kill -HUP "$ST_STEERD_PID"
got=
for _ in $(seq 1 50); do
    got=$(st_dig +short deep.plain.test A)
    [ "$got" = "192.0.2.61" ] && break
    sleep 0.1
done
st_expect "changed nested include served after SIGHUP" "192.0.2.61" "$got"
st_expect "zone read again on SIGHUP" "$((n + 1))" "$(loads)"

# An included file replaced by another one (new inode, same size and time).
old
ctl reload
n=$(loads)
printf 'deep  IN A 192.0.2.62\n' >zones/inc/more.inc.new
touch -r zones/inc/more.inc zones/inc/more.inc.new
mv zones/inc/more.inc.new zones/inc/more.inc
ctl reload
st_expect "replaced include served" "192.0.2.62" "$(st_dig +short deep.plain.test A)"
st_expect "zone read again after replace" "$((n + 1))" "$(loads)"

# A missing included file fails the reload; the old data keeps serving.
old
rm zones/inc/more.inc
ctl reload
st_expect "missing include fails the reload" "1" "$CTL_RC"
st_expect_match "error names the include" 'more\.inc' "$CTL_OUT"
st_expect "old data still served" "192.0.2.62" "$(st_dig +short deep.plain.test A)"

st_done
