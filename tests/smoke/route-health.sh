#!/bin/bash
# Answers follow health through the real checker: steercheck probes one HTTP
# backend per region; when a region's backend fails, failover, latency and
# geolocation answers move, and they come back when it recovers. Then the
# control plane: steerctl force, dial (spill in the client's order) and explain.
. "$top_srcdir/tests/smoke/lib.sh"
. "$top_srcdir/tests/smoke/route-common.sh"
route_need
BACKEND=$top_srcdir/tests/data/health/backend.py
[ -r "$BACKEND" ] || st_skip "no health backend"

D=$ST_TMP
ROUTE_PORT_USE1=$(st_free_port) ROUTE_PORT_USE2=$(st_free_port)
ROUTE_PORT_EUC1=$(st_free_port) ROUTE_PORT_APNE1=$(st_free_port)
for r in use1 use2 euc1 apne1; do
    echo ok >"$D/m_$r"
    port_var=ROUTE_PORT_${r^^}
    st_start "backend-$r" python3 "$BACKEND" --port "${!port_var}" --mode-file "$D/m_$r"
done
ROUTE_CHECK=web
route_setup "checks:
  web: { type: http, path: /healthz, interval: 500ms, timeout: 400ms, rise: 1, fall: 2 }"
st_start steercheck "$top_builddir/steercheck" -c "$ROUTE_CONF"
route_start
CTL=("$top_builddir/steerctl" -s "$D/run/steerd.sock")

# wait_answer LABEL WANT ARGS-FOR-q: bounded wait (8 s) for q ARGS to give WANT.
wait_answer() {
    local label=$1 want=$2 got
    shift 2
    for _ in $(seq 1 80); do
        got=$(q "$@")
        [ "$got" = "$want" ] && { echo "ok - $label"; return 0; }
        sleep 0.1
    done
    echo "not ok - $label: want '$want', got '$got'"
    "$top_builddir/steercheck" --dump -c "$ROUTE_CONF"
    ST_FAILS=$((ST_FAILS + 1))
}
wait_status() {
    local label=$1 want=$2 got
    shift 2
    for _ in $(seq 1 80); do
        got=$(status "$@")
        [ "$got" = "$want" ] && { echo "ok - $label"; return 0; }
        sleep 0.1
    done
    echo "not ok - $label: want $want, got '$got'"
    ST_FAILS=$((ST_FAILS + 1))
}

USE1="192.0.2.11 192.0.2.12" USE2="198.51.100.11" EUC1="203.0.113.11"
BOARDMAN=192.0.2.128/25 COLUMBUS=192.0.2.64/26

wait_answer "failover: primary up" "$USE2" failover.example.test
st_expect "latency Boardman" "$USE2" "$(q lat.example.test A $BOARDMAN)"
st_expect "geo US-OH" "$USE2" "$(q geo.example.test A $COLUMBUS)"

# us-east-2's backend fails: everything that chose it moves
echo 500 >"$D/m_use2"
wait_answer "failover: moves to the secondary" "$USE1" failover.example.test
st_expect "latency Boardman: next nearest" "$USE1" "$(q lat.example.test A $BOARDMAN)"
st_expect "geo US-OH walks up to country:US" "$USE1" "$(q geo.example.test A $COLUMBUS)"
st_expect "multivalue drops it" "192.0.2.11 192.0.2.12 203.0.113.11" "$(q multi.example.test)"
# weighted 1:3 with us-east-2 down: all to us-east-1
st_expect "weighted: only the healthy region" "$USE1" "$(q weighted.example.test)"

# both regions of strict down: on_all_down servfail; failover: the primary
echo 500 >"$D/m_euc1"
wait_status "on_all_down servfail" SERVFAIL strict.example.test
echo 500 >"$D/m_use1"
wait_answer "failover all down: the primary (Route 53)" "$USE2" failover.example.test

# recovery
for r in use1 use2 euc1; do echo ok >"$D/m_$r"; done
wait_answer "failover: back to the primary" "$USE2" failover.example.test
wait_answer "latency Boardman: back" "$USE2" lat.example.test A $BOARDMAN
wait_status "strict answers again" NOERROR strict.example.test

# control plane: force an endpoint down and clear it
"${CTL[@]}" force use2-a down >/dev/null
wait_answer "force down moves the answer" "$USE1" lat.example.test A $BOARDMAN
"${CTL[@]}" force use2-a clear >/dev/null
wait_answer "force clear brings it back" "$USE2" lat.example.test A $BOARDMAN

# dial 0: Boardman's traffic for us-east-2 spills to the next in its order
"${CTL[@]}" dial us-east-2 0 >/dev/null
wait_answer "dial 0 spills to us-east-1" "$USE1" lat.example.test A $BOARDMAN
st_expect "dial does not touch clients nearer us-east-1" "$USE1" "$(q lat.example.test A 192.0.2.0/26)"
"${CTL[@]}" dial us-east-2 50 >/dev/null
n2=0
for _ in $(seq 1 200); do
    [ "$(q lat.example.test A $BOARDMAN)" = "$USE2" ] && n2=$((n2 + 1))
done
if [ "$n2" -ge 70 ] && [ "$n2" -le 130 ]; then echo "ok - dial 50 ($n2/200 kept)"
else echo "not ok - dial 50 ($n2/200 kept)"; ST_FAILS=$((ST_FAILS + 1)); fi
"${CTL[@]}" dial us-east-2 100 >/dev/null
wait_answer "dial 100" "$USE2" lat.example.test A $BOARDMAN

out=$("${CTL[@]}" explain lat.example.test A --client 192.0.2.130 2>&1)
st_expect_match "explain: location and network" "network 192.0.2.128/25" "$out"
st_expect_match "explain: estimate per region" "ms +us-east-2: 1/1 endpoints up" "$out"
st_expect_match "explain: answer" "answer: A 198.51.100.11 \(us-east-2/use2-a\)" "$out"
st_expect_match "explain: the health table" "^health table: fresh" "$out"

# The ECS scope explain gives is the one the server sends: for every policy
# and clients narrower, wider and unrelated to the networks that decide.
for name in weighted geo near lat office multi failover simple; do
    for sub in 192.0.2.0/24 192.0.2.0/25 192.0.2.64/26 198.51.100.0/24 203.0.113.0/24 \
        127.0.0.0/22 10.0.0.0/8 2001:db8:2::/48 2001:db8::/32; do
        wire=$(scope "$name.example.test" "$sub")
        said=$("${CTL[@]}" explain "$name.example.test" A --client "$sub" 2>&1 |
            sed -n 's/^on the wire: .*ECS source \/[0-9]* scope \/\([0-9]*\).*/\1/p')
        if [ -n "$wire" ] && [ "$wire" = "$said" ]; then
            echo "ok - explain $name --client $sub: scope /$said, as on the wire"
        else
            echo "not ok - explain $name --client $sub: explain says '/$said', the wire '/$wire'"
            ST_FAILS=$((ST_FAILS + 1))
        fi
    done
done
out=$("${CTL[@]}" explain geo.example.test A --client 192.0.2.77 2>&1)
st_expect_match "explain without ECS: none on the wire" "^on the wire: NOERROR \(0\), [0-9]+ answer records?, no ECS option" "$out"

# A weighted pick is one random draw; drained and forced endpoints are
# named as such.
"${CTL[@]}" drain use1-b >/dev/null
"${CTL[@]}" force euc1-a down >/dev/null
out=$("${CTL[@]}" explain weighted.example.test A --client 192.0.2.0/24 2>&1)
st_expect_match "explain: a weighted pick is one random draw" "^weighted: us-east-[12] by one random draw over the healthy weight 4" "$out"
out=$("${CTL[@]}" explain multi.example.test A 2>&1)
st_expect_match "explain: a drained endpoint is named" "us-east-1: 1/2 endpoints up \(use1-b drained\)" "$out"
st_expect_match "explain: a forced endpoint is named" "eu-central-1: 0/1 endpoints up \(euc1-a forced down\)" "$out"
"${CTL[@]}" undrain use1-b >/dev/null
"${CTL[@]}" force euc1-a clear >/dev/null

st_done
