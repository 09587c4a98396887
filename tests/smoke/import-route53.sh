#!/bin/bash
# steerctl import-route53 on the fixtures of tests/data/route53 (the health
# checks pointed at loopback ports: one with an HTTP backend, one closed),
# then the output served as it is: steerd --check passes, steerd and
# steercheck run on it, and dig sees Route 53's answers: static data and
# aliases, weighted shares (weight 0 unused), failover on a failed check
# (and again when the backend stops), multivalue without the failed set,
# an inverted check,
# geolocation, latency, geoproximity and IP-based by EDNS client subnet.
. "$top_srcdir/tests/smoke/lib.sh"
st_need_dig
st_need python3
DB=$top_builddir/tests/data/geo/test-city.mmdb
[ -r "$DB" ] || st_skip "test geo database not built (MaxMind::DB::Writer missing?)"
BACKEND=$top_srcdir/tests/data/health/backend.py
DATA=$top_srcdir/tests/data/route53
D=$ST_TMP
cd "$D" || exit 1

UP=$(st_free_port) DOWN=$(st_free_port)
# Every check probes loopback: the fixture's ports become UP (a backend)
# and DOWN (closed), the addresses 127.0.0.1; one failure or success
# decides, every 10 s.
python3 - "$DATA/health-checks.json" "$UP" "$DOWN" >hc.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for h in d["HealthChecks"]:
    c = h["HealthCheckConfig"]
    if c["Type"] in ("CALCULATED", "CLOUDWATCH_METRIC"):
        continue
    c["IPAddress"] = "127.0.0.1"
    c["Port"] = int(sys.argv[2]) if c.get("Port") == 18080 else int(sys.argv[3])
    c["FailureThreshold"], c["RequestInterval"] = 1, 10
json.dump(d, sys.stdout, indent=1)
PY

"$top_builddir/steerctl" import-route53 --zone example.test --records "$DATA/records.json" \
    --health-checks hc.json --cidr-blocks "$DATA/cidr-blocks.json" --geo-database "$DB" \
    --out out >import.out 2>import.err
rc=$?
st_expect "import exit: some sets not converted" 1 "$rc"
st_expect_match "import summary" '^out: 50 record sets: 9 static records in the zone file, 13 routed records over 31 regions, 8 health checks; 6 not converted' \
    "$(cat import.out)"
st_expect "report on stderr and in the folder" "$(cat import.err)" "$(cat out/import-report.txt)"
st_expect_match "report: a routed TXT" '^not converted: txt\.example\.test\. TXT \[txt-a\]: steerd routes A, AAAA and CNAME' \
    "$(cat out/import-report.txt)"
st_expect_match "CALCULATED: its children are the endpoint's checks" \
    '"calc-a-1": \{ address: "192\.0\.2\.91", check: \[hc-11111111-1111-1111-1111-000000000002, hc-11111111-1111-1111-1111-000000000003\], healthy_when: 1 \}' \
    "$(cat out/steerd.yaml)"
out=$("$top_builddir/steerd" --check -c out/steerd.yaml 2>&1)
st_expect_match "steerd --check" 'out/steerd.yaml: ok, 1 zone, 9 records, 14 dynamic records' "$out"

"$top_builddir/steerctl" import-route53 --zone example.test --records "$DATA/records.json" \
    --out out2 >/dev/null 2>usage.err
st_expect "a missing option: exit 2" "2 steerctl import-route53: --health-checks is required" \
    "$? $(head -1 usage.err)"
echo '{"HostedZones": []}' >zones.json
"$top_builddir/steerctl" import-route53 --zone example.test --records zones.json \
    --health-checks hc.json --out out2 >/dev/null 2>bad.err
st_expect "not a record listing: exit 2" "2 steerctl import-route53: zones.json: no \"ResourceRecordSets\" array (expected the output of \`aws route53 list-resource-record-sets\`)" \
    "$? $(cat bad.err)"

echo ok >mode
st_start backend python3 "$BACKEND" --port "$UP" --mode-file mode
BACKEND_PID=$ST_PID
st_start steercheck "$top_builddir/steercheck" -c out/steerd.yaml
ST_PORT=$(st_free_port)
st_start steerd "$top_builddir/steerd" -c out/steerd.yaml --listen "127.0.0.1:$ST_PORT" --workers 1
ST_STEERD_PID=$ST_PID
st_wait_dns 127.0.0.1 "$ST_PORT" example.test || { cat "$D/steerd.log"; exit 1; }

q() { st_dig +short "$@" | tr '\n' ' ' | sed 's/ $//'; }
qs() { st_dig +short "$@" | sort | tr '\n' ' ' | sed 's/ $//'; }
# wait_answer LABEL WANT ARGS: the answer, sorted, becomes WANT within 20 s
# (a check's interval is 10 s).
wait_answer() {
    st_wait_expect "$1" "$2" 20 qs "${@:3}" || "$top_builddir/steercheck" --dump -c out/steerd.yaml
}

# failover: the primary's check fails (closed port), the secondary answers
wait_answer "failover: primary down -> secondary" 192.0.2.22 api.example.test A
wait_answer "failover: primary up -> primary" 192.0.2.31 app.example.test A
wait_answer "multivalue: the set whose check fails is left out" "192.0.2.41 192.0.2.42" \
    multi.example.test A
wait_answer "inverted check: up while its probe fails (the others fail)" 192.0.2.103 \
    web.example.test A

# CALCULATED, HealthThreshold 1: one child down (closed port), one up
calc() {
    "$top_builddir/steerctl" -c out/steerd.yaml health --json | python3 -c '
import json, sys
e = [x for x in json.load(sys.stdin) if x["endpoint"] == "calc-a-1"][0]
print(e["state"], " ".join(c["check"][-2:] + ":" + c["state"] for c in e["checks"]))'
}
st_wait_expect "calculated: up with one of its two children" "up 02:down 03:up" 20 calc

# static data, aliases
st_expect "simple A at the apex" 192.0.2.1 "$(q example.test A)"
st_expect "MX" "10 mail.example.test." "$(q example.test MX)"
st_expect "wildcard (\\052 in Route 53)" 192.0.2.99 "$(q any.wild.example.test A)"
st_expect "alias in the zone to static data: a copy" 192.0.2.1 "$(q shop.example.test A)"
st_expect_match "alias to a routed record: its answer, no CNAME" '^192\.0\.2\.1[12]$' \
    "$(q store.example.test A)"
st_expect "alias out of the zone: a CNAME" d111111abcdef8.cloudfront.net. "$(q cdn.example.test AAAA)"
st_expect_match "weighted aliases to load balancers" '^web-use[12]-[0-9]+\.us-east-[12]\.elb\.amazonaws\.com\.$' \
    "$(q lb.example.test A)"
st_expect "routed TXT not served" "" "$(q txt.example.test TXT)"

# weighted 3:1:0 over 200 answers (binomial sd ~6: the bounds are 5 sd),
# counted while blue's check stays up: a sample across a change of its
# state (a probe lost on a loaded machine) is taken again
blue() {
    "$top_builddir/steerctl" -c out/steerd.yaml health --json | python3 -c '
import json, sys
e = [x for x in json.load(sys.stdin) if x["endpoint"] == "blue-1"][0]
print(e["state"], e["flaps"])'
}
blue_state() { blue | cut -d' ' -f1; }
for _ in $(seq 1 200); do echo "www.example.test A"; done >batch
for try in 1 2 3; do
    st_wait_expect "blue-1 up (sample $try)" up 20 blue_state || true
    before=$(blue)
    st_dig +short -f batch | sort | uniq -c >shares
    [ "$(blue)" = "$before" ] && break
    echo "# blue-1 changed state during sample $try: again"
done
blue=$(awk '$2 == "192.0.2.11" { print $1 }' shares)
green=$(awk '$2 == "192.0.2.12" { print $1 }' shares)
dark=$(awk '$2 == "192.0.2.13" { print $1 }' shares)
if [ "${blue:-0}" -ge 120 ] && [ "${blue:-0}" -le 180 ] && [ "$((blue + green))" -eq 200 ]; then
    echo "ok - weighted 3:1: blue $blue, green $green of 200"
else
    echo "not ok - weighted 3:1: $(tr '\n' ' ' <shares)"
    "$top_builddir/steercheck" --dump -c out/steerd.yaml
    ST_FAILS=$((ST_FAILS + 1))
fi
st_expect "weight 0 unused while others are up" "" "$dark"
st_expect_match "AAAA of the same sets" '^2001:db8::1[12]$' "$(q www.example.test AAAA)"

# by client subnet (the test geo database)
VA=192.0.2.0/26 OH=192.0.2.64/26 OR=192.0.2.128/25 DE=198.51.100.0/24 JP=203.0.113.0/25 AU=127.0.2.0/24
st_expect "geolocation: continent EU" 192.0.2.51 "$(q geo.example.test A +subnet=$DE)"
st_expect "geolocation: country US" 192.0.2.52 "$(q geo.example.test A +subnet=$VA)"
st_expect "geolocation: subdivision US-OH" 192.0.2.53 "$(q geo.example.test A +subnet=$OH)"
st_expect "geolocation: default" 192.0.2.54 "$(q geo.example.test A +subnet=$AU)"
st_expect_match "weighted over an alias to a routed record (EU)" '^192\.0\.2\.(51|111)$' \
    "$(q mix.example.test A +subnet=$DE)"
for _ in $(seq 1 40); do echo "mix.example.test A +subnet=$DE"; done >batch
st_expect "both sets of the weighted record answer" "192.0.2.111 192.0.2.51" \
    "$(st_dig +short -f batch | sort -u | tr '\n' ' ' | sed 's/ $//')"
st_expect "latency: us-east-1 from Virginia" 192.0.2.71 "$(q lat.example.test A +subnet=$VA)"
st_expect "latency: eu-central-1 from Frankfurt" 192.0.2.72 "$(q lat.example.test A +subnet=$DE)"
st_expect "latency: ap-northeast-1 from Tokyo" 192.0.2.73 "$(q lat.example.test A +subnet=$JP)"
st_expect "geoproximity: AWS region" 192.0.2.61 "$(q near.example.test A +subnet=$VA)"
st_expect "geoproximity: coordinates" 192.0.2.62 "$(q near.example.test A +subnet=$DE)"
st_expect "geoproximity: Local Zone Group" 192.0.2.63 "$(q near.example.test A +subnet=$OR)"
st_expect "IP-based: office" 192.0.2.81 "$(q office.example.test A +subnet=10.1.2.0/24)"
st_expect "IP-based: office, IPv6 block" 192.0.2.81 "$(q office.example.test A +subnet=2001:db8:100:1::/64)"
st_expect "IP-based: lab" 192.0.2.82 "$(q office.example.test A +subnet=10.2.0.0/24)"
st_expect "IP-based: default" 192.0.2.83 "$(q office.example.test A +subnet=$VA)"
st_expect_match "IP-based: ECS scope of the matched block" 'CLIENT-SUBNET: 10\.1\.2\.0/24/16' \
    "$(st_dig +subnet=10.1.2.0/24 office.example.test A)"

# the backend stops: the primary that was up fails over too
st_stop "$BACKEND_PID"
wait_answer "failover: primary's backend stops -> secondary" 192.0.2.32 app.example.test A
wait_answer "weighted: the set whose check fails gets nothing" 192.0.2.12 www.example.test A
st_done
