#!/bin/bash
# The status page (GET / on the metrics listener) in a real browser:
# steerd and steercheck with loopback backends, headless Chromium loads
# the page, and the rendered DOM says what steerctl did (an endpoint forced
# down shows as down, a ramp in progress, a reload), the checker's view,
# the traffic split over both regions, the zone with its serial, and a
# path from the config escaped. The screenshot is kept in the test's
# folder (ST_KEEP_TMP=1), or copied to $ST_STATUS_SCREENSHOT when set.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"
. "$top_srcdir/tests/smoke/ctl-common.sh"
st_need_dig
st_need python3 curl
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
[ -n "$CHROMIUM" ] || st_skip "chromium not installed (Debian package chromium)"

BACKEND=$(cd "$top_srcdir" && pwd)/tests/data/health/backend.py
ctl_setup
BP=$(st_free_port 127.0.0.1)
st_start backend python3 "$BACKEND" --port "$BP" --mode-file "$ST_TMP/mode"
for _ in $(seq 1 100); do grep -q ready backend.log 2>/dev/null && break; sleep 0.05; done

# ctl-common's config with a check on every endpoint (all on the one
# backend; use2-a's health calculated from two checks; slow probes on a
# loaded machine must not stop the ramp below), and the zone file in a folder whose name needs escaping.
odd='zones<b>&x'
mkdir -p "$odd"
cp zones/example.test.zone "$odd/"
python3 - "$BP" "$odd" <<'PY'
import sys
p, odd = sys.argv[1], sys.argv[2]
s = open("steerd.yaml").read()
s = s.replace("health:\n  table: run/health.shm\n",
              "health:\n  table: run/health.shm\n"
              "checks:\n  web: { type: http, path: /healthz, expect_body: OK, interval: 1s,"
              " timeout: 900ms, rise: 1, fall: 4 }\n"
              "  port: { type: tcp, interval: 1s, timeout: 900ms, rise: 1, fall: 4 }\n")
for name, addr, check in (("use1-a", "192.0.2.11", "web"), ("use1-b", "192.0.2.12", "web"),
                          ("use2-a", "198.51.100.11", "[web, port]")):
    s = s.replace("%s: { address: %s }" % (name, addr),
                  '%s: { address: %s, check: %s, check_target: "127.0.0.1:%s" }' % (name, addr, check, p))
s = s.replace("example.test: zones/example.test.zone", 'example.test: "%s/example.test.zone"' % odd)
open("steerd.yaml", "w").write(s)
PY

st_start steercheck "$top_builddir/steercheck" -c "$CTL_CONF"
ctl_start
for _ in $(seq 1 100); do
    ctl health
    [ "$(printf '%s\n' "$CTL_OUT" | grep -Ec '^use[12]-[ab] +us-east-[12] +up +up ')" = 3 ] && break
    sleep 0.1
done
st_expect_match "the checker sees every endpoint up" '^use2-a +us-east-2 +up +up ' "$CTL_OUT"

# Answers from us-east-1, then both of its endpoints forced down: the
# failover record answers from us-east-2.
for _ in 1 2 3; do st_dig www.example.test A >/dev/null; done
ctl force use1-a down
ctl force use1-b down
st_expect "failover to us-east-2" "198.51.100.11" "$(www)"
for _ in 1 2; do st_dig www.example.test A >/dev/null; done # with www: 3 from us-east-2
ctl dial us-east-2 40
ctl dial us-east-2 90 --over 10m
st_expect "ramp started" "0" "$CTL_RC"
ctl reload
st_expect "reload" "0" "$CTL_RC"

url=http://127.0.0.1:$METRICS_PORT/
st_expect "content type" "200 text/html; charset=utf-8" \
    "$(curl -s --max-time 5 -o /dev/null -w '%{http_code} %{content_type}' "$url")"
st_expect "HEAD" "200" "$(curl -s --max-time 5 -o /dev/null -I -w '%{http_code}' "$url")"
st_expect "POST refused" "501" "$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' -X POST "$url")"
st_expect "unknown path" "404" "$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "${url}status")"
st_expect "metrics still there" "200" "$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' "${url}metrics")"
page=$(curl -s --max-time 5 "$url")
st_expect "no external assets" "" "$(printf '%s' "$page" | grep -Eio '(src|href)="([a-z]+:)?//[^"]*"' || true)"
st_expect "no script" "" "$(printf '%s' "$page" | grep -io '<script' || true)"
st_expect_match "refreshes itself" '<meta http-equiv="refresh" content="[0-9]+">' "$page"

# chrome URL OUT...: run headless Chromium (its own profile here, a time
# limit, stopped by its PID); stdout to OUT.
chrome() {
    local out=$1; shift
    "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions \
        --user-data-dir="$ST_TMP/chromium" --window-size=1280,1100 "$@" \
        >"$out" 2>>"$ST_TMP/chromium.log" &
    local pid=$!
    ST_PIDS+=("$pid")
    st_wait_exit "$pid" 60 || echo "chromium did not finish in 60 s"
}
# The chart draws a bar per 10 s interval once one has ended (the one
# going on now is drawn lighter, with fill-opacity).
for _ in $(seq 1 250); do
    curl -s --max-time 5 "$url" | grep -q '<rect [^>]*height="[0-9.]*" fill=' && break
    sleep 0.1
done
chrome dom.html --dump-dom "$url"
chrome /dev/null --screenshot="$ST_TMP/status.png" "$url"

# The rendered DOM, read with Python's HTML parser: per row of each table
# (by its id) the row's data- attributes and its cells' text.
dom() {
    PYTHONIOENCODING=utf-8 python3 - "$ST_TMP/dom.html" "$@" <<'PY'
import html.parser, sys
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.table = None; self.rows = {}; self.row = None; self.cell = None
        self.tags = set(); self.text = {}; self.where = []
        self.bars = set(); self.ended = set(); self.rect = None
    def handle_starttag(self, tag, attrs):
        a = dict(attrs); self.tags.add(tag)
        if tag == "table": self.table = a.get("id")
        elif tag == "tr" and self.table:
            self.row = {"attrs": a, "cells": []}; self.rows.setdefault(self.table, []).append(self.row)
        elif tag in ("td", "th") and self.row is not None: self.cell = ""
        if tag == "rect": self.rect = a; self.title = ""
        if tag in ("p", "span", "svg"):
            self.where.append(a.get("id"))
            if a.get("id"): self.text[a["id"]] = ""
    def handle_endtag(self, tag):
        if tag == "rect" and self.rect is not None:
            self.bars.add(self.title.rsplit(":", 1)[0])
            if "fill-opacity" not in self.rect: self.ended.add(self.rect["x"])
            self.rect = None
        if tag == "table": self.table = None
        elif tag in ("td", "th") and self.cell is not None:
            self.row["cells"].append(self.cell.strip()); self.cell = None
        elif tag in ("p", "span", "svg") and self.where: self.where.pop()
    def handle_data(self, d):
        if self.rect is not None: self.title += d
        if self.cell is not None: self.cell += d
        for w in self.where:
            if w: self.text[w] += d
p = P(); p.feed(open(sys.argv[1], encoding="utf-8").read())
what = sys.argv[2]
if what == "row":   # TABLE ATTR VALUE: the row's data-state and cells
    for r in p.rows.get(sys.argv[3], []):
        if r["attrs"].get(sys.argv[4]) == sys.argv[5]:
            print(" | ".join([r["attrs"].get("data-state", r["attrs"].get("data-health", ""))] + r["cells"]))
elif what == "attr":  # TABLE KEY ATTR: "key=value" per row
    for r in p.rows.get(sys.argv[3], []):
        if sys.argv[4] in r["attrs"]:
            print("%s=%s" % (r["attrs"][sys.argv[4]], r["attrs"].get(sys.argv[5], "")))
elif what == "text":
    print(p.text.get(sys.argv[3], "").strip())
elif what == "bars":  # the regions named in the chart's bars, and how many ended intervals
    print(" ".join(sorted(p.bars)), len(p.ended))
elif what == "tags":
    print(" ".join(sorted(p.tags)))
PY
}

st_expect_match "the browser rendered the page" '^steerd ' "$(grep -o '<h1>[^<]*' dom.html | sed 's/<h1>//')"
st_expect_match "forced down shows as down" '^down \| use1-a \| us-east-1 \| 192\.0\.2\.11 \| down \| forced down \| up \| ' \
    "$(dom row endpoints data-endpoint use1-a)"
st_expect_match "the other one too" '^down \| use1-b \| .* \| down \| forced down \| up ' "$(dom row endpoints data-endpoint use1-b)"
st_expect_match "checker up with its two checks, with an RTT" '^up \| use2-a \| us-east-2 \| 198\.51\.100\.11 \| up \|  \| upchecks \(healthy when all\): web up, port up \|  \| [0-9.]+(us|ms|s) \| ' \
    "$(dom row endpoints data-endpoint use2-a)"
st_expect_match "region down" '^unhealthy \| us-east-1 \| UNHEALTHY \| 0 of 2 ' "$(dom row regions data-region us-east-1)"
st_expect_match "ramp in progress" '^healthy \| us-east-2 \| healthy \| 1 of 1 \(need 1\) \| (4[0-9]|50)% \|  \| ramping 40% → 90% over 10m, now (4[0-9]|50)%' \
    "$(dom row regions data-region us-east-2)"
split=$(dom attr traffic data-region data-answers)
st_expect "traffic split shows the regions" "us-east-1=6 us-east-2=3" "$(printf '%s\n' "$split" | tr '\n' ' ' | sed 's/ $//')"
st_expect_match "the chart: both regions, at least one ended interval" '^us-east-1 us-east-2 [1-9][0-9]*$' "$(dom bars)"
st_expect_match "shares" '^ \| us-east-1 \| 6 \| 66\.7% \| $' "$(dom row traffic data-region us-east-1)"
st_expect_match "reload listed" '^ \| [0-9T:-]+Z \| config and zones \| done \| [0-9.]+ ms \| 2 \| $' \
    "$(dom row reloads data-result done)"
st_expect_match "zone and serial" '^ \| example\.test\. \| 2026112201 \| 4 \| ' "$(dom row zones data-zone example.test.)"
st_expect_match "a path with <, & escaped" '\| /.*/zones<b>&x/example\.test\.zone \| unsigned \| ' \
    "$(dom row zones data-zone example.test.)"
st_expect "no element made from a name" "none" "$(dom tags | tr ' ' '\n' | grep -x b || echo none)"
st_expect_match "health table age" '^[0-9.]+m?s$' "$(dom text health-age)"
st_expect_match "health table fresh" 'checker pid [0-9]+ beating, fresh' "$(dom text health-table)"

if python3 -c 'import sys; sys.exit(open(sys.argv[1], "rb").read(8) != b"\x89PNG\r\n\x1a\n")' "$ST_TMP/status.png" 2>/dev/null; then
    echo "ok - screenshot $ST_TMP/status.png"
    [ -n "${ST_STATUS_SCREENSHOT:-}" ] && cp "$ST_TMP/status.png" "$ST_STATUS_SCREENSHOT"
else
    echo "not ok - no screenshot"; tail -20 "$ST_TMP/chromium.log"
    ST_FAILS=$((ST_FAILS + 1))
fi
st_done
