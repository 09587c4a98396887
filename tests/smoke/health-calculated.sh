#!/bin/bash
# Calculated health with the real checker and real backends on loopback: an
# endpoint with three checks (web, db and an inverted maintenance check,
# healthy_when: all) goes down when any one of them fails, and dig sees the
# failover record move to the other region; an endpoint with
# healthy_when: any stays up until both its checks fail. steerctl health
# (text and JSON) and /metrics say which check failed; steercheck --once
# prints each check. A check with its own target probes that address for
# its endpoint, not the endpoint's check_target.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"
. "$top_srcdir/tests/smoke/ctl-common.sh"
st_need_dig
st_need python3 curl

BACKEND=$(cd "$top_srcdir" && pwd)/tests/data/health/backend.py # used from $ST_TMP
ctl_setup # ports, folders and the zone; the config is written below
# one HTTP backend per check, each behaving as its mode file says
for b in web db maint other dep; do
    eval "P_$b=$(st_free_port)"
    port_var=P_$b
    echo ok >"m_$b"
    st_start "backend-$b" python3 "$BACKEND" --port "${!port_var}" --mode-file "$ST_TMP/m_$b"
done
echo 500 >m_maint # no maintenance page: the inverted check is up
for b in web db maint other dep; do
    for _ in $(seq 1 100); do grep -q ready "backend-$b.log" 2>/dev/null && break; sleep 0.05; done
    grep -q ready "backend-$b.log" || { echo "backend $b did not start"; cat "backend-$b.log"; exit 1; }
done

cat >steerd.yaml <<YAML
server:
  listen: ["127.0.0.1:$ST_PORT"]
  workers: 1
  control: run/steerd.sock
  metrics: 127.0.0.1:$METRICS_PORT
zones:
  example.test: zones/example.test.zone
health:
  table: run/health.shm
checks:
  web: { type: http, port: $P_web, path: /healthz, interval: 300ms, timeout: 250ms, rise: 1, fall: 2 }
  db: { type: http, port: $P_db, path: /db, interval: 400ms, timeout: 300ms, rise: 1, fall: 1 }
  maint: { type: http, port: $P_maint, path: /maintenance, expect_status: [200], invert: true, interval: 300ms, timeout: 250ms, rise: 1, fall: 1 }
  other: { type: http, port: $P_other, interval: 300ms, timeout: 250ms, rise: 1, fall: 1 }
  dep: { type: http, target: "127.0.0.1:$P_dep", path: /dep, interval: 300ms, timeout: 250ms, rise: 1, fall: 1 }
regions:
  east:
    endpoints:
      e1: { address: 192.0.2.1, check: [web, db, maint], check_target: "127.0.0.1" }
  east2:
    endpoints:
      e2: { address: 192.0.2.2, check: [web, db], healthy_when: any, check_target: "127.0.0.1" }
  east3:
    endpoints:
      e3: { address: 192.0.2.3, check: dep, check_target: "127.0.0.9" }
  west:
    endpoints:
      w1: { address: 198.51.100.1, check: other, check_target: "127.0.0.1" }
records:
  app.example.test: { type: A, ttl: 5, policy: failover, regions: [east, west] }
  any.example.test: { type: A, ttl: 5, policy: failover, regions: [east2, west] }
  dep.example.test: { type: A, ttl: 5, policy: failover, regions: [east3, west] }
YAML

# steerd --check names the file and line of a healthy_when no list can meet.
sed 's/check: \[web, db, maint\], check_target/check: [web, db, maint], healthy_when: 4, check_target/' \
    steerd.yaml >bad.yaml
out=$("$top_builddir/steerd" --check -c bad.yaml 2>&1)
st_expect_match "steerd --check: a bad healthy_when with file:line" \
    "bad\.yaml:[0-9]+:[0-9]+: regions\.east\.endpoints\.e1\.healthy_when: 4 is more than the endpoint's 3 checks" "$out"

st_start steercheck "$top_builddir/steercheck" -c steerd.yaml
ctl_start

q() { st_dig +short "$1" A | tr '\n' ' ' | sed 's/ $//'; }
# row NAME [TEXT]: the line of endpoint NAME and the line below it, joined
# with " | " (TEXT: default the last steerctl health).
row() { printf '%s\n' "${2-$CTL_OUT}" | grep -A1 "^$1 " | sed -n '1h;2{H;x;s/\n/ | /;p}'; }
metric() { curl -s --max-time 5 "http://127.0.0.1:$METRICS_PORT/metrics" | awk -v k="$1" '$1 == k { print $2 }'; }
# wait_answer LABEL NAME WANT: bounded wait (8 s) for dig to give WANT.
wait_answer() {
    local label=$1 name=$2 want=$3 got
    for _ in $(seq 1 80); do
        got=$(q "$name")
        [ "$got" = "$want" ] && { echo "ok - $label"; return 0; }
        sleep 0.1
    done
    echo "not ok - $label: want '$want', got '$got'"
    ctl health
    printf '%s\n' "$CTL_OUT"
    ST_FAILS=$((ST_FAILS + 1))
}

# Every check passes (the maintenance page is absent).
ctl_wait_health '^  checks \(healthy when all\): web up, db up, maint up \(inverted\)$' || true
ctl_wait_health '^  checks \(healthy when any\): web up, db up$' || true
ctl_wait_health '^w1 +west +up +up ' || true
ctl health
wait_answer "all checks up: the primary region" app.example.test 192.0.2.1
st_expect "any: the primary region" "192.0.2.2" "$(q any.example.test)"
st_expect_match "health: e1 up, each check up" \
    '^e1 +east +up +up .* \|   checks \(healthy when all\): web up, db up, maint up \(inverted\)$' "$(row e1)"
st_expect_match "health: e2 any" '^  checks \(healthy when any\): web up, db up$' "$CTL_OUT"
st_expect_match "health: a single check" '^w1 +west +up +up +- ' "$CTL_OUT"
st_expect "health: a single check has no checks line" "" \
    "$(printf '%s\n' "$CTL_OUT" | grep -A1 '^w1 ' | grep '^  checks')"

# One check of three fails: e1 is down, the answer moves to the other region;
# e2 (any) keeps its web check and stays.
echo 500 >m_db
wait_answer "db fails: e1 down, failover to west" app.example.test 198.51.100.1
st_expect "any: one check is enough" "192.0.2.2" "$(q any.example.test)"
# e2 probes db on its own schedule: wait for it first (db stays down, so the
# last snapshot holds both e2's and e1's view).
ctl_wait_health '^  checks \(healthy when any\): web up, db down$' || true
ctl_wait_health '^  checks \(healthy when all\): web up, db down, maint up \(inverted\)$' || true
st_expect_match "health: e1 down, which check failed" \
    '^e1 +east +down +down +- .* db: http 500 from 127\.0\.0\.1:[0-9]+ * \|   checks \(healthy when all\): web up, db down, maint up \(inverted\)$' "$(row e1)"
st_expect_match "health: e2 up with db down" \
    '^e2 +east2 +up +up .* \|   checks \(healthy when any\): web up, db down$' "$(row e2)"
ctl explain app.example.test A
st_expect_match "explain: e1's checks" \
    '^endpoint e1 down, checks \(healthy when all\): web up, db down, maint up \(inverted\)$' "$CTL_OUT"
st_expect_match "explain: e1 down in the trace" '^  primary east: 0/1 endpoints up \(e1 down\)' "$CTL_OUT"
st_expect "explain: only the record's calculated endpoints" "" \
    "$(printf '%s\n' "$CTL_OUT" | grep -E '^endpoint (e2|w1) ')"
ctl health --json
st_expect "health --json: e1's checks" "down all db:down,maint:up:inverted,web:up" \
    "$(printf '%s' "$CTL_OUT" | python3 -c '
import json, sys
e = [x for x in json.load(sys.stdin) if x["endpoint"] == "e1"][0]
print(e["checker"], e["healthy_when"], ",".join(sorted(
    c["check"] + ":" + c["state"] + (":inverted" if c["inverted"] else "") for c in e["checks"])))')"
st_expect "metrics: the failed check" "0" \
    "$(metric 'steerdns_endpoint_check_up{endpoint="e1",region="east",check="db"}')"
st_expect "metrics: a passing check" "1" \
    "$(metric 'steerdns_endpoint_check_up{endpoint="e1",region="east",check="web"}')"
st_expect "metrics: e1 down" "0" "$(metric 'steerdns_endpoint_up{endpoint="e1",region="east"}')"
st_expect_match "the checker logs the check and the endpoint" \
    'endpoint e1, check db down \(http 500 from 127\.0\.0\.1:[0-9]+\).*' "$(cat steercheck.log)"
st_expect_match "the checker logs how the endpoint came up" \
    'endpoint e1, up \(3 of 3 checks up, healthy when all, rtt [0-9.]+m?s\)' "$(cat steercheck.log)"
st_expect_match "the endpoint's log line names the check" \
    'endpoint e1, down \(db: http 500 from 127\.0\.0\.1:[0-9]+\)' "$(cat steercheck.log)"

# steercheck --once: the endpoint's verdict, then each check.
"$top_builddir/steercheck" --once -c steerd.yaml >once.out 2>&1
st_expect_match "--once: e1 fails on db" '^e1 +fail +- +db: http 500 from' "$(cat once.out)"
st_expect_match "--once: each check under it" '^  db +fail +- +http 500 from' "$(cat once.out)"
st_expect "--once: e1's checks follow it" "e1|  web|  db|  maint (inverted)" \
    "$(grep -A3 '^e1 ' once.out | sed 's/  *\(ok\|fail\) .*//' | paste -sd'|')"
st_expect_match "--once: the inverted check" '^  maint \(inverted\) +fail ' "$(cat once.out)"
st_expect_match "--once: e2 passes with one of two" '^e2 +ok +[0-9.]+m?s +1 of 2 checks up, healthy when any$' "$(cat once.out)"
# steercheck --dump: each check's state under the endpoint, named with the config.
st_expect_match "--dump: e1's checks" '^e1 +down .* \|   checks: web up, db down, maint up$' \
    "$(row e1 "$("$top_builddir/steercheck" --dump -c steerd.yaml 2>&1)")"
st_expect_match "--dump --table: the states without names" '^e1 +down .* \|   checks: up, down, up$' \
    "$(row e1 "$("$top_builddir/steercheck" --dump --table run/health.shm 2>&1)")"

# db back: e1 up again.
echo ok >m_db
wait_answer "db back: the primary again" app.example.test 192.0.2.1

# The maintenance page appears: the inverted check goes down, so does e1.
echo ok >m_maint
wait_answer "maintenance page: e1 down (inverted check)" app.example.test 198.51.100.1
ctl_wait_health '^  checks \(healthy when all\): web up, db up, maint down \(inverted\)$' || true
st_expect_match "health: the inverted check down, its probe passed" \
    '^e1 +east +down +down +- .* maint: http 200 from 127\.0\.0\.1:[0-9]+ \(inverted\) * \|   checks \(healthy when all\): web up, db up, maint down \(inverted\)$' "$(row e1)"
echo 500 >m_maint
wait_answer "maintenance over: the primary again" app.example.test 192.0.2.1

# Both checks of e2 fail: any is no longer met.
echo 500 >m_web
echo 500 >m_db
wait_answer "any: both checks down, failover to west" any.example.test 198.51.100.1
echo ok >m_web
wait_answer "any: web back is enough" any.example.test 192.0.2.2

# The check with a target probes 127.0.0.1:$P_dep for e3 (its check_target,
# 127.0.0.9, has no listener): up, then down with the target's backend.
wait_answer "target: the check's own address is probed" dep.example.test 192.0.2.3
echo 500 >m_dep
wait_answer "target: its backend fails, failover to west" dep.example.test 198.51.100.1
ctl_wait_health "^e3 +east3 +down +down .* http 500 from 127\.0\.0\.1:$P_dep" || true
st_expect_match "health: e3's probe went to the check's target" \
    "^e3 +east3 +down +down +- .*http 500 from 127\.0\.0\.1:$P_dep" "$CTL_OUT"
echo ok >m_dep
wait_answer "target: back" dep.example.test 192.0.2.3

st_done
