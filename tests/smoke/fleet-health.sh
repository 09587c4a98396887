#!/bin/bash
# A fleet agreeing on health through a real three-member etcd cluster:
# three sites (steerd + steercheck each, own listen and probe source
# addresses) and two regions. One vantage point that cannot reach a region
# is outvoted; a region really down moves every site within interval x fall
# + 1 s of each other; a killed checker's votes expire with its lease; cut
# off from the etcd majority, sites keep the agreed states, then use their
# own views and say so, and agree again when etcd is back.
. "$top_srcdir/tests/smoke/lib.sh"
. "$top_srcdir/tests/smoke/etcd-lib.sh"
. "$top_srcdir/tests/smoke/fleet-lib.sh"
st_need_dig
st_need python3 curl
st_etcd_need

EAST=192.0.2.1
WEST=198.51.100.1
# the kept period must outlast the checks made in it on a loaded machine
FLEET_STALE_AFTER=8s

# The table of site N shows endpoint EP with state, own view and votes.
table_row() {
    "$top_builddir/steercheck" --dump --table "$ST_TMP/site$1/run/health.shm" 2>/dev/null |
        awk -v ep="$2" '$1 == ep { print $2, $3, $4 }'
}
table_says() { [ "$(table_row "$1" "$2")" = "$3" ]; }
fleet_mode() {
    "$top_builddir/steercheck" --dump --table "$ST_TMP/site$1/run/health.shm" 2>/dev/null |
        sed -n 's/^# fleet: \([a-z]*\),.*/\1/p'
}
site_metrics() { curl -s --max-time 2 "http://127.0.20.$1:$FLEET_METRICS_PORT/metrics"; }
# site_fleet_page N: the fleet paragraph of site N's status page.
site_fleet_page() { curl -s --max-time 2 "http://127.0.20.$1:$FLEET_METRICS_PORT/" | grep '^<p id="fleet">'; }
all_modes() {
    local i
    for i in 1 2 3; do [ "$(fleet_mode $i)" = "$1" ] || return 1; done
}
consistent() {
    local a
    for a in $(fleet_answers); do
        local v=${a#*=}
        local one=${v%%|*}
        [ -n "$one" ] && [ "$v" = "$one|$one|$one" ] || return 1
    done
}

fleet_setup || exit 1
for i in 1 2 3; do fleet_start_site "$i" || exit 1; done

# 1. agreement: every site sees 3 votes, every routed name the same answer
if fleet_wait_until 20 eval 'table_says 1 e1 "up up 3/3" && table_says 3 w1 "up up 3/3"' &&
    fleet_wait_until 10 consistent; then
    echo "ok - three vantage points agree, every site gives the same answers"
else
    fleet_fail "agreement at start"
fi
st_expect "www goes to east everywhere" "www=$EAST|$EAST|$EAST api=$WEST|$WEST|$WEST" \
    "$(fleet_answers)"

# 2. one vantage point loses its path to east: outvoted, nobody moves
echo "deny 127.0.10.1" >"$ST_TMP/east.mode"
if fleet_wait_until 10 table_says 1 e1 "up down 2/3"; then
    echo "ok - site 1 sees east down, the fleet keeps it up (2 of 3)"
else
    fleet_fail "partitioned vantage point outvoted"
fi
moved=0
for _ in $(seq 1 10); do
    fleet_all_say www.example.test "$EAST" || moved=1
    sleep 0.1
done
st_expect "no site moves traffic for one vantage point" 0 "$moved"
# site 1's status page shows both views: its own (down) and the quorum's
# (up, with the votes)
st_expect_match "status page: own view down, the quorum's up with its votes" \
    '<span class="down">down</span></td><td class="up">up, 2 of 3 up</td>' \
    "$(curl -s --max-time 5 "http://127.0.20.1:$FLEET_METRICS_PORT/" | grep '<tr data-endpoint="e1"')"

# ... and east really down: all three move, within interval x fall + 1 s
echo 500 >"$ST_TMP/east.mode"
start=$(date +%s%N)
declare -A moved_at
for _ in $(seq 1 200); do
    for i in 1 2 3; do
        [ -z "${moved_at[$i]:-}" ] && [ "$(fleet_answer $i www.example.test)" = "$WEST" ] &&
            moved_at[$i]=$(date +%s%N)
    done
    [ ${#moved_at[@]} = 3 ] && break
    sleep 0.05
done
if [ ${#moved_at[@]} = 3 ]; then
    lo=$(printf '%s\n' "${moved_at[@]}" | sort -n | head -1)
    hi=$(printf '%s\n' "${moved_at[@]}" | sort -n | tail -1)
    spread=$(((hi - lo) / 1000000))
    bound=$((FLEET_INTERVAL_MS * FLEET_FALL + 1000))
    echo "# moved after $(((lo - start) / 1000000)) ms; spread between sites ${spread} ms (bound ${bound} ms)"
    st_expect "every site moves within interval x fall + 1 s of the others" yes \
        "$([ $spread -le $bound ] && echo yes || echo "no (${spread} ms)")"
else
    fleet_fail "every site moves when east is down (moved: ${!moved_at[*]})"
fi
echo ok >"$ST_TMP/east.mode"
fleet_wait_until 15 fleet_all_say www.example.test "$EAST" ||
    fleet_fail "back to east after recovery"

# 4. a checker killed: its votes leave with its lease, answers stay the same
fleet_stop_checker 3 KILL
if fleet_wait_until 10 eval 'table_says 1 e1 "up up 2/2" && table_says 2 w1 "up up 2/2"'; then
    echo "ok - the killed vantage point's votes expire with its lease"
else
    fleet_fail "votes of a killed checker expire"
fi
st_expect "answers stay consistent without one checker" "www=$EAST|$EAST|$EAST api=$WEST|$WEST|$WEST" \
    "$(fleet_answers)"
fleet_start_checker 3
fleet_wait_until 15 eval 'table_says 1 e1 "up up 3/3"' ||
    fleet_fail "the restarted checker votes again"

# 5. cut off from the etcd majority: kept, then own view, then agreement
echo "deny 127.0.10.1" >"$ST_TMP/east.mode"
fleet_wait_until 10 table_says 1 e1 "up down 2/3" || fleet_fail "site 1 outvoted again"
st_etcd etcd stop 2
st_etcd etcd stop 3
if fleet_wait_until 10 all_modes kept; then
    echo "ok - without the etcd majority every site keeps the agreed states"
    st_expect "answers while kept" "www=$EAST|$EAST|$EAST api=$WEST|$WEST|$WEST" "$(fleet_answers)"
    says_kept() {
        fleet_ctl 2 status | grep -q "^fleet health: KEPT for .*own view after 8s" &&
            site_metrics 2 | grep -qx 'steerdns_fleet_mode{mode="kept"} 1' &&
            site_fleet_page 2 | grep -q '^<p id="fleet">The checker decides: kept, .*etcd <span class="down">unreachable</span>'
    }
    fleet_wait_until 5 says_kept || fleet_fail "status and metrics say the states are kept"
else
    fleet_fail "kept mode"
fi
if fleet_wait_until 15 all_modes own; then
    echo "ok - after stale_after every site uses its own view"
    says_own() {
        fleet_ctl 2 status | grep -q "^fleet health: OWN VIEW of this vantage point, etcd unreachable" &&
            site_metrics 2 | grep -qx 'steerdns_fleet_mode{mode="own"} 1' &&
            site_metrics 2 | grep -qx 'steerdns_fleet_mode{mode="agreed"} 0' &&
            site_fleet_page 2 | grep -q '^<p id="fleet">The checker decides: own, .*etcd <span class="down">unreachable</span>'
    }
    fleet_wait_until 5 says_own || fleet_fail "status and metrics say this site uses its own view"
    st_expect_match "metrics: etcd unreachable" 'steerdns_fleet_etcd_reachable 0' "$(site_metrics 2)"
else
    fleet_fail "own mode"
fi
# site 1's own view has east down: it alone moves, and says why in its log
fleet_wait_until 5 eval '[ "$(fleet_answer 1 www.example.test)" = "$WEST" ]' ||
    fleet_fail "site 1 on its own view"
st_expect "sites 2 and 3 keep east on their own views" "$EAST $EAST" \
    "$(fleet_answer 2 www.example.test) $(fleet_answer 3 www.example.test)"
st_expect_match "site 1 logs the fallback once" "using this vantage point's own view" \
    "$(cat "$ST_TMP/steercheck1.log")"
st_expect "logged once" 1 "$(grep -c "own view" "$ST_TMP/steercheck1.log")"
st_etcd etcd restart 2
st_etcd etcd restart 3
if fleet_wait_until 30 all_modes agreed && fleet_wait_until 10 fleet_all_say www.example.test "$EAST"; then
    echo "ok - etcd back: the sites agree again"
else
    fleet_fail "rejoin after etcd is back"
fi
says_agreed() {
    fleet_ctl 2 status | grep -q "^fleet health: agreed by quorum majority of 3 vantage points" &&
        site_metrics 2 | grep -qx 'steerdns_fleet_mode{mode="agreed"} 1' &&
        site_fleet_page 2 | grep -q '^<p id="fleet">The checker decides: agreed, 3 vantage points live\. etcd <span class="up">reachable</span> at http://127\.0\.0\.1:[0-9]*, 3 nameservers and 3 vantage points live'
}
fleet_wait_until 5 says_agreed || fleet_fail "status and metrics say the site agrees again"
st_expect_match "site 1 logs the rejoin" "etcd answers again" "$(cat "$ST_TMP/steercheck1.log")"

st_done
