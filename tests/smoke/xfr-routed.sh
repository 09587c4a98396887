#!/bin/bash
# Routed names in a transfer and the serial policy. With the default
# routed_in_transfer: all, a routed name transfers with every address it can
# answer with, sorted and without repeats, whatever the health; with
# serial: unixtime, a configuration change of those addresses makes a new
# serial and an IXFR of just that change, and a reload that changes nothing
# keeps the serial. routed_in_transfer: omit leaves routed names out; with
# serial: file, such a change without a new serial is logged.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"
. "$top_srcdir/tests/smoke/xfr-common.sh"
st_need_dig

regions() {
    XFR_EXTRA="regions:
  east:
    endpoints:
      e1: { address: $1 }
      e2: { address: 192.0.2.11, address6: \"2001:db8::11\" }
  west:
    endpoints:
      w1: { address: 192.0.2.11 }
      w2: { address: 198.51.100.7, check: web }
checks:
  web: { type: tcp, port: 9 }
records:
  routed.$XFR_ZONE:
    type: [A, AAAA]
    ttl: 20
    policy: failover
    regions: [east, west]"
}
key=(-y "hmac-sha256:$XFR_KEY:$XFR_SECRET")
XFR_SERVER="  state_dir: $XFR_DIR/state"
xfr_zone 7
regions 192.0.2.12
xfr_config "allow_transfer: [$XFR_KEY]" "serial: unixtime"
start=$(date +%s)
xfr_steerd

routed() { xfr_axfr "$ST_PORT" "${key[@]}" | awk '$1 == "routed.'$XFR_ZONE'." { print $4, $5 }'; }
serial() { st_dig +short "$XFR_ZONE" SOA | awk '{print $3}'; }
st_expect "a routed name transfers with every address, sorted, once" "A 192.0.2.11
A 192.0.2.12
A 198.51.100.7
AAAA 2001:db8::11" "$(routed)"
s1=$(serial)
st_expect "unixtime serial: the time of the first load" "1" "$([ "$s1" -ge "$start" ] && [ "$s1" -le $((start + 60)) ] && echo 1)"
st_expect "the transferred SOA is the served one" "$s1" \
    "$(xfr_axfr "$ST_PORT" "${key[@]}" | awk '$4 == "SOA" { print $7 }')"

# Nothing changed: the serial stays, across a reload and a restart.
xfr_reload
st_expect "a reload that changes nothing keeps the serial" "$s1" "$(serial)"
st_expect_match "the serial is saved for the next start" "^example\.test\. $s1 [0-9a-f]{16}$" \
    "$(cat "$XFR_DIR/state/xfr-serials" 2>&1)"
st_stop "$ST_STEERD_PID"
sleep 1
xfr_steerd
st_expect "a restart with the same data keeps the serial" "$s1" "$(serial)"

# An endpoint's address changes in the config: a new serial, an IXFR of it.
regions 192.0.2.13
xfr_config "allow_transfer: [$XFR_KEY]" "serial: unixtime"
xfr_reload
s2=$(serial)
st_expect "a routed address change raises the serial" "1" "$([ "$s2" -gt "$s1" ] && echo 1)"
ixfr=$("$DIG" @127.0.0.1 -p "$ST_PORT" +time=5 +tries=1 +nocmd +nostats +nocomments "${key[@]}" \
    "$XFR_ZONE" IXFR="$s1" | awk '$4 != "TSIG" && $4 != "SOA" && NF > 0 { print $1, $4, $5 }')
st_expect "IXFR: the old address out, the new one in" "routed.example.test. A 192.0.2.12
routed.example.test. A 192.0.2.13" "$ixfr"
st_expect "the change is served to secondaries" "A 192.0.2.11
A 192.0.2.13
A 198.51.100.7
AAAA 2001:db8::11" "$(routed)"

# omit: gone from the transfer (still answered by steerd itself).
xfr_config "allow_transfer: [$XFR_KEY]" "serial: unixtime" "routed_in_transfer: omit"
xfr_reload
st_expect "omit: no routed name in the transfer" "" "$(routed)"
st_expect "omit: the serial moved on" "1" "$([ "$(serial)" -gt "$s2" ] && echo 1)"
st_expect_match "omit: steerd still answers the routed name" '^192\.0\.2\.1[13]$' \
    "$(st_dig +short routed.$XFR_ZONE A)"

# serial: file, and the routed data changes under the same serial: logged.
xfr_config "allow_transfer: [$XFR_KEY]"
xfr_reload
regions 192.0.2.14
xfr_config "allow_transfer: [$XFR_KEY]"
xfr_reload
st_expect "file: the file's serial" "7" "$(serial)"
st_expect_match "file: a change under the same serial is logged" \
    "zone example\.test\., transferred data changed \(1 removed, 1 added\) but the serial 7 did not" \
    "$(cat "$ST_TMP/steerd.log")"
st_done
