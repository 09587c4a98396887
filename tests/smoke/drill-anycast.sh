#!/usr/bin/env bash
# The failover drill's anycast lab beside the DNS one, short form: one
# scenario (a backend answering 500) for clients behind a TTL-honouring
# unbound and for anycast clients (network namespaces, BIRD in every region
# and the router, BFD). Checks that anycast failed over (the router stopped
# forwarding to the failed region, clients reached 99% success within the
# target) and came back after recovery, and that the report puts both
# columns side by side. Needs root and bird2; everything runs in namespaces
# the drill creates and deletes.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || st_skip "needs root (network namespaces)"
st_need bird ip tc unbound
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import dns' 2>/dev/null || st_skip "python3-dnspython not installed"

/usr/bin/python3 "$top_srcdir/tools/drill/drill.py" --short --variants ttl,anycast \
    --scenarios backend-500 --build "$top_builddir" --results "$ST_TMP" --resolvers 4 &
drill=$!
# Bounded: a drill still running after 170 s is stopped with SIGTERM, which
# it handles like Ctrl-C (processes stopped, namespaces deleted).
for _ in $(seq 1 1700); do kill -0 $drill 2>/dev/null || break; sleep 0.1; done
if kill -0 $drill 2>/dev/null; then
    echo "FAIL: the drill still runs after 170 s"
    kill -TERM $drill
    for _ in $(seq 1 300); do kill -0 $drill 2>/dev/null || break; sleep 0.1; done
    kill -9 $drill 2>/dev/null
fi
wait $drill
rc=$?
left=$(ip netns list | grep "^sdrill$drill-" || true)
[ -z "$left" ] || { echo "FAIL: namespaces left behind: $left"; exit 1; }
[ $rc -eq 77 ] && st_skip "the drill skipped a variant (see above)"
out=$(ls -d "$ST_TMP"/drill-*)
[ $rc -eq 0 ] || { cat "$out/report.md" "$out/drill.log" 2>/dev/null; exit 1; }

/usr/bin/python3 - "$out" <<'PY'
import json, os, sys
out = sys.argv[1]
fig = json.load(open(os.path.join(out, "figures.json")))
report = open(os.path.join(out, "report.md")).read()
bad = []
a = fig.get("anycast", {}).get("backend-500", [None])[0]
d = fig.get("ttl", {}).get("backend-500", [None])[0]
if not a or not d:
    bad.append("figures for ttl and anycast missing: %s" % sorted(fig))
else:
    if a["auth_moved_s"] is None or not 0 < a["auth_moved_s"] < 10:
        bad.append("the router did not stop forwarding to the failed region: %s" % a["auth_moved_s"])
    if a["t99_s"] > 10 or a["stale_answers_after_target"]:
        bad.append("anycast clients did not fail over: %s" % a)
    if a["failed_requests"] == 0:
        bad.append("no anycast request failed: the fault did not happen")
    if a["back_s"] is None or a["clients_back_s"] is None:
        bad.append("anycast traffic did not come back after recovery: %s" % a)
head = "| scenario | figure | DNS, TTL honoured | anycast, BGP + BFD |"
if head not in report:
    bad.append("report.md lacks the side-by-side table with both columns")
if "share-anycast-backend-500.svg" not in os.listdir(out) or "compare-backend-500.svg" not in os.listdir(out):
    bad.append("plots missing: %s" % sorted(os.listdir(out)))
for b in bad:
    print("FAIL:", b)
if bad:
    print(report)
sys.exit(1 if bad else 0)
PY
