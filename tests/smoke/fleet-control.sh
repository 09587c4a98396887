#!/bin/bash
# Fleet-wide control through a real etcd cluster: a drain, a forced state, a
# dial and a ramp given on one nameserver apply on every one; a ramp stopped
# by an unhealthy region stops everywhere; steerctl fleet lists the members
# and flags config drift; health, explain, status and /metrics show the
# votes; with etcd gone a change is refused and nothing changes.
. "$top_srcdir/tests/smoke/lib.sh"
. "$top_srcdir/tests/smoke/etcd-lib.sh"
. "$top_srcdir/tests/smoke/fleet-lib.sh"
st_need_dig
st_need python3 curl
st_etcd_need

EAST=192.0.2.1
WEST=198.51.100.1

on_all() {
    local i
    for i in 1 2 3; do "$@" "$i" || return 1; done
}
overrides_are() { [ "$(fleet_ctl "$2" status | grep '^override' | paste -sd' ' -)" = "$1" ]; }
dial_is() { fleet_ctl "$2" status | grep -q "^region east .* dial $1%"; }
ramp_json() {
    fleet_ctl "$1" --json status | python3 -c '
import json, sys
r = [x for x in json.load(sys.stdin)["regions"] if x["name"] == "east"][0]
print(json.dumps(r.get("ramp")), r.get("ramp_stopped", "") != "")'
}

fleet_setup || exit 1
for i in 1 2 3; do fleet_start_site "$i" || exit 1; done
fleet_wait_until 20 eval 'fleet_all_say www.example.test $EAST && fleet_all_say api.example.test $WEST' ||
    fleet_fail "start"
live_members() { [ "$(fleet_ctl 1 fleet | grep -cE '^use[0-9] +[a-z]+ +live ')" = 6 ]; }
fleet_wait_until 10 live_members || fleet_fail "six live members"

# steerctl fleet: three nameservers, three vantage points, one config
out=$(fleet_ctl 1 fleet)
st_expect "fleet lists 3 nameservers and 3 vantage points" "3 3" \
    "$(echo "$out" | grep -c 'nameserver live') $(echo "$out" | grep -c 'vantage    live')"
st_expect_match "fleet marks this site" "^use1 +nameserver live .*\(this site\)" "$out"
st_expect_match "no drift" "^no config drift" "$out"
st_expect_match "fleet --json" '"members":\[.*"role":"vantage"' "$(fleet_ctl 2 --json fleet)"

# a drain given on site 2 applies everywhere
out=$(fleet_ctl 2 drain e1)
st_expect_match "drain says it is fleet-wide" "fleet-wide: in etcd at revision [0-9]+" "$out"
if fleet_wait_until 5 fleet_all_say www.example.test "$WEST"; then
    echo "ok - a drain on one nameserver moves www on all three"
else
    fleet_fail "fleet-wide drain"
fi
st_expect "every site lists the override" yes \
    "$(on_all overrides_are "override e1 drain" && echo yes)"
fleet_ctl 3 undrain e1 >/dev/null
fleet_wait_until 5 fleet_all_say www.example.test "$EAST" || fleet_fail "fleet-wide undrain"

# a forced state given on site 1
fleet_ctl 1 force w1 down >/dev/null
if fleet_wait_until 5 fleet_all_say api.example.test "$EAST"; then
    echo "ok - force w1 down on one nameserver moves api on all three"
else
    fleet_fail "fleet-wide force"
fi
fleet_ctl 2 force w1 clear >/dev/null
fleet_wait_until 5 fleet_all_say api.example.test "$WEST" || fleet_fail "force clear"
st_expect "no override left anywhere" yes "$(on_all overrides_are "" && echo yes)"

# a dial, then a ramp kept as its definition: every node computes it
fleet_ctl 3 dial east 40 >/dev/null
if fleet_wait_until 5 on_all dial_is 40; then
    echo "ok - a dial on one nameserver applies on all three"
else
    fleet_fail "fleet-wide dial"
fi
fleet_ctl 1 dial east 0 --over 12s >/dev/null
ramp_on_1() { r1=$(ramp_json 1) && [[ $r1 == *'"from": 40, "to": 0'* ]]; }
fleet_wait_until 2 ramp_on_1
st_expect_match "the ramp is running" '"from": 40, "to": 0' "$r1"
# the others learn it through their watch: within 10 s (the ramp lasts 12, so
# that a loaded machine cannot see it end before all three are asked)
same_ramp() { [ "$(ramp_json 2)" = "$r1" ] && [ "$(ramp_json 3)" = "$r1" ]; }
if fleet_wait_until 10 same_ramp; then
    echo "ok - every node has the same ramp definition"
else
    fleet_fail "every node has the same ramp definition ($r1 | $(ramp_json 2) | $(ramp_json 3))"
fi
if fleet_wait_until 20 on_all dial_is 0; then
    echo "ok - the ramp ends at 0% on all three"
else
    fleet_fail "fleet-wide ramp"
fi
st_expect_match "metrics carry the dial" 'steerdns_region_dial_ratio\{region="east"\} 0.00' \
    "$(curl -s "http://127.0.20.2:$FLEET_METRICS_PORT/metrics")"

# a ramp that an unhealthy region stops: stopped everywhere, written once
fleet_ctl 2 dial east 100 --over 30s >/dev/null
sleep 0.5
echo 500 >"$ST_TMP/east.mode"
if fleet_wait_until 10 eval 'on_all dial_is 0 && [ "$(ramp_json 1)" = "null True" ] &&
        [ "$(ramp_json 2)" = "null True" ] && [ "$(ramp_json 3)" = "null True" ]'; then
    echo "ok - an unhealthy region stops the ramp on every node, back to 0%"
else
    fleet_fail "ramp stopped everywhere"
fi
st_expect_match "status says why" "ramp 0% -> 100% over 30s stopped at [0-9]+%: region unhealthy" \
    "$(fleet_ctl 3 status)"
echo ok >"$ST_TMP/east.mode"
fleet_ctl 1 dial east clear >/dev/null
fleet_wait_until 10 eval 'on_all dial_is 100 && fleet_all_say www.example.test $EAST' ||
    fleet_fail "back to 100% and east"

# health, explain, status and metrics show the quorum
echo "deny 127.0.10.1" >"$ST_TMP/east.mode"
fleet_wait_until 10 eval 'fleet_ctl 1 health | grep -Eq "^e1 +up +down +2/3 "' ||
    fleet_fail "site 1 outvoted on e1"
out=$(fleet_ctl 1 health)
st_expect_match "health shows each vantage point's view" \
    "^e1 +up +down +2/3 +use1 down, use2 up, use3 up|^e1 +up +down +2/3 +.*use1 down" "$out"
out=$(fleet_ctl 1 explain www.example.test A)
st_expect_match "explain names the quorum" \
    "e1 \(east\) up: 2 of 3 vantage points see it up, at least 2 \(.*use1 down.*\); this site alone sees it down" \
    "$out"
# a nested record: the quorum behind its target's endpoints and its own
out=$(fleet_ctl 1 explain nested.example.test A)
st_expect_match "explain of a nested record: the target's endpoint" \
    "e1 \(east\) up: 2 of 3 vantage points see it up" "$out"
st_expect_match "explain of a nested record: its own region's endpoint" "w1 \(west\) up: " "$out"
st_expect "steerd answers after explaining a nested record" "$EAST" "$(fleet_answer 1 www.example.test)"
st_expect_match "status names the fleet" "fleet health: agreed by quorum majority of 3 vantage points" \
    "$(fleet_ctl 1 status)"
m=$(curl -s "http://127.0.20.1:$FLEET_METRICS_PORT/metrics")
st_expect_match "metrics: votes" 'steerdns_fleet_votes_up\{endpoint="e1"\} 2' "$m"
st_expect_match "metrics: disagreement" 'steerdns_fleet_disagreement\{endpoint="e1"\} 1' "$m"
st_expect_match "metrics: vantage points" 'steerdns_fleet_vantage_points_live 3' "$m"
st_expect_match "metrics: etcd reachable" 'steerdns_fleet_etcd_reachable 1' "$m"
st_expect_match "metrics: watch lag of both" \
    'steerdns_fleet_watch_lag_seconds\{process="steercheck"\} [0-9.]+.*steerdns_fleet_watch_lag_seconds\{process="steerd"\} [0-9.]+' \
    "$(echo "$m" | paste -sd' ' -)"
st_expect_match "metrics: the agreed mode" 'steerdns_fleet_mode\{mode="agreed"\} 1' "$m"
if command -v promtool >/dev/null 2>&1; then
    st_expect "promtool accepts the page" "" \
        "$(echo "$m" | promtool check metrics 2>&1 | grep -v -e '^$' -e 'counter metrics should have')"
fi
echo ok >"$ST_TMP/east.mode"

# config drift: site 3 serves another TTL
FLEET_TTL=30 fleet_write_config 3 >"$ST_TMP/site3/steerd.yaml"
fleet_ctl 3 reload >/dev/null
kill -HUP "$FLEET_CHECK_PID3"
if fleet_wait_until 10 eval 'fleet_ctl 1 fleet | grep -q "^use3 .*nameserver live .* DRIFT"'; then
    echo "ok - steerctl fleet flags the drifting nameserver"
else
    fleet_fail "drift flagged"
fi
# the vantage point republishes its digest once its SIGHUP is handled
fleet_wait_until 10 eval 'fleet_ctl 1 fleet | grep -Eq "^use3 +vantage +live .* DRIFT"'
st_expect_match "the drifting vantage point too" "^use3 +vantage +live .* DRIFT" "$(fleet_ctl 1 fleet)"
st_expect_match "status says so" "CONFIG DRIFT" "$(fleet_ctl 2 status)"

# etcd gone: a change is refused, nothing changes here
for m in 1 2 3; do st_etcd etcd stop $m; done
out=$(fleet_ctl 1 drain e1 2>&1)
st_expect_match "a drain without etcd is refused" "not applied: the fleet's etcd did not take it" "$out"
st_expect "and not applied here" "$EAST" "$(fleet_answer 1 www.example.test)"
st_expect "no override" yes "$(overrides_are "" 1 && echo yes)"
fleet_wait_until 10 eval 'fleet_ctl 1 status | grep -q "NO ANSWER from etcd"' ||
    fleet_fail "status says etcd does not answer"

st_done
