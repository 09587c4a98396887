#!/bin/bash
# /metrics over HTTP: Prometheus text format 0.0.4 with HELP/TYPE lines,
# counters that move with real queries, health, dials, reloads and build
# info; promtool's linter when Debian's prometheus package is installed.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"
. "$top_srcdir/tests/smoke/ctl-common.sh"
st_need_dig
st_need curl
ctl_setup
ctl_start

url=http://127.0.0.1:$METRICS_PORT/metrics
scrape() { curl -s --max-time 5 "$url"; }
value() { scrape | awk -v s="$1" '$1 == s { print $2 }'; }

st_expect "content type" "text/plain; version=0.0.4; charset=utf-8" \
    "$(curl -s --max-time 5 -o /dev/null -w '%{content_type}' "$url")"
st_expect "other paths 404" "404" "$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$METRICS_PORT/nope")"
st_expect "POST refused" "501" "$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' -X POST "$url")"

udp0=$(value 'steerdns_queries_total{transport="udp"}')
for _ in 1 2 3; do st_dig www.example.test A >/dev/null; done
st_dig nope.example.test A >/dev/null
st_dig +tcp static.example.test A >/dev/null
"$top_builddir/steerctl" -s "$CTL_SOCK" dial us-east-2 25 >/dev/null
"$top_builddir/steerctl" -s "$CTL_SOCK" drain use1-a >/dev/null
"$top_builddir/steerctl" -s "$CTL_SOCK" reload >/dev/null

page=$(scrape)
st_expect_match "build info" '^steerdns_build_info\{version="[0-9.]+"\} 1$' "$page"
st_expect "udp queries" "4" "$(( $(value 'steerdns_queries_total{transport="udp"}') - udp0 ))"
st_expect "tcp queries" "1" "$(value 'steerdns_queries_total{transport="tcp"}')"
st_expect "NXDOMAIN" "1" "$(value 'steerdns_responses_total{rcode="NXDOMAIN"}')"
st_expect "qtype A" "$((5 + 0))" "$(value 'steerdns_queries_by_qtype_total{qtype="A"}')"
st_expect "record answers" "3" "$(value 'steerdns_record_answers_total{record="www.example.test./A"}')"
st_expect "endpoint answers" "3" "$(value 'steerdns_answers_total{region="us-east-1",endpoint="use1-a"}')"
st_expect "drained endpoint down" "0" "$(value 'steerdns_endpoint_up{endpoint="use1-a",region="us-east-1"}')"
st_expect "other endpoint up" "1" "$(value 'steerdns_endpoint_up{endpoint="use1-b",region="us-east-1"}')"
st_expect "override" "1" "$(value 'steerdns_endpoint_override{endpoint="use1-a",override="drain"}')"
st_expect "dial ratio" "0.25" "$(value 'steerdns_region_dial_ratio{region="us-east-2"}')"
st_expect "reloads" "1" "$(value 'steerdns_reloads_total{result="success"}')"
st_expect_match "reload timestamp" '^steerdns_last_reload_timestamp_seconds\{result="success"\} 1[0-9]{9}\.[0-9]+$' "$page"
st_expect_match "health table age" '^steerdns_health_table_age_seconds ' "$page"
st_expect_match "health table stale" '^steerdns_health_table_stale [01]$' "$page"
for m in queries_total responses_total answers_total endpoint_up region_dial_ratio reloads_total; do
    st_expect_match "HELP and TYPE for $m" "^# TYPE steerdns_$m (counter|gauge)$" "$page"
    st_expect_match "HELP for $m" "^# HELP steerdns_$m " "$page"
done

if command -v promtool >/dev/null 2>&1; then
    lint=$(printf '%s\n' "$page" | promtool check metrics 2>&1); rc=$?
    st_expect "promtool check metrics" "0" "$rc"
    [ "$rc" = 0 ] || printf '%s\n' "$lint"
else
    echo "# promtool not installed (Debian package prometheus): lint skipped"
fi

st_done
