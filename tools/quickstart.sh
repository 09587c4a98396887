#!/usr/bin/env bash
# Quick start: build steerdns, build the default geo database, start demo
# endpoints (HTTP servers on 127.0.x.y:8080), steercheck, and steerd in the
# foreground on 127.0.0.1:5353 with tools/quickstart/steerd.yaml.
# Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
top=$(pwd)
tools/deps.sh
[ -x configure ] || autoreconf -fi
mkdir -p build run
( cd build && { [ -f Makefile ] || ../configure; } && make -j"$(nproc)" && make geo )

conf=tools/quickstart/steerd.yaml
pids=()
stop() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap stop EXIT INT TERM

# Demo endpoints; `echo error500 > run/mode-use1-a` fails one (modes: ok,
# error500, hang, wrongbody), `echo ok > run/mode-use1-a` heals it.
for ep in use1-a:127.0.1.1 use1-b:127.0.1.2 use2-a:127.0.2.1 euc1-a:127.0.3.1; do
    name=${ep%%:*} addr=${ep#*:}
    echo ok >"run/mode-$name"
    /usr/bin/python3 tools/drill/backend.py --name "$name" --addr "$addr" --port 8080 \
        --mode-file "run/mode-$name" >/dev/null 2>&1 &
    pids+=($!)
done

# Wait (at most ~10 s) until every demo endpoint accepts connections, so
# that the first probes see them up.
for addr in 127.0.1.1 127.0.1.2 127.0.2.1 127.0.3.1; do
    for _ in $(seq 1 100); do
        (exec 3<>"/dev/tcp/$addr/8080") 2>/dev/null && break
        sleep 0.1
    done
done

build/steercheck -c "$conf" &
pids+=($!)

cat <<'TXT'

steerdns is starting on 127.0.0.1:5353 and [::1]:5353. In another terminal:

  dig @127.0.0.1 -p 5353 www.example.test                 # static data
  dig @127.0.0.1 -p 5353 app.example.test                 # latency policy
  dig @127.0.0.1 -p 5353 app.example.test +subnet=193.0.0.0/21   # a client in Europe (ECS)
  dig @127.0.0.1 -p 5353 split.example.test               # weighted 1:3
  build/steerctl -c tools/quickstart/steerd.yaml health    # endpoint health
  build/steerctl -c tools/quickstart/steerd.yaml explain app.example.test A --client 193.0.0.1
  echo error500 > run/mode-use1-a                          # fail a demo endpoint
  curl -s http://127.0.0.1:9153/metrics | grep steerdns_answers

TXT
# In the background and waited for: a TERM to this script (not only Ctrl-C,
# which reaches every process) stops everything at once. A trap is deferred
# while a foreground command runs.
build/steerd -c "$conf" &
pids+=($!)
wait "$!"
