# A fleet on loopback for the fleet smoke tests (sourced after lib.sh and
# etcd-lib.sh): a three-member etcd cluster, two regions with one HTTP
# backend each, and three sites, each a steerd on its own address
# (127.0.20.N) and a steercheck probing from its own source address
# (127.0.10.N), all from one config (the site keys aside).
#
#   fleet_setup             etcd, backends, configs (FLEET_* variables)
#   fleet_start_site N      steercheck and steerd of site N
#   fleet_stop_checker N [SIG]  stop site N's steercheck (by PID)
#   fleet_answers           "site1|site2|site3" answers of every routed name
#   fleet_wait_until SECS CMD...  retry CMD every 100 ms until it succeeds

FLEET_SITES=3
FLEET_NAMES=(- use1 use2 use3)
FLEET_INTERVAL_MS=300
FLEET_FALL=2
FLEET_ROUTED=(www.example.test api.example.test)

fleet_setup() {
    st_etcd_start etcd 3 || return 1
    FLEET_ETCD=$ST_ETCD_ENDPOINTS
    FLEET_PORT=$(st_free_port 127.0.20.1)
    FLEET_METRICS_PORT=$(st_free_port 127.0.20.1)
    FLEET_EAST_PORT=$(st_free_port 127.0.30.1)
    FLEET_WEST_PORT=$(st_free_port 127.0.30.2)
    [ -n "$FLEET_PORT" ] && [ -n "$FLEET_EAST_PORT" ] && [ -n "$FLEET_WEST_PORT" ] ||
        st_skip "no free ports"
    echo ok >"$ST_TMP/east.mode"
    echo ok >"$ST_TMP/west.mode"
    local b
    for b in east west; do
        local addr=127.0.30.1 port=$FLEET_EAST_PORT
        [ $b = west ] && addr=127.0.30.2 port=$FLEET_WEST_PORT
        st_start "backend-$b" python3 "$top_srcdir/tests/data/health/backend.py" \
            --addr "$addr" --port "$port" --mode-file "$ST_TMP/$b.mode"
        for _ in $(seq 1 100); do grep -q ready "$ST_TMP/backend-$b.log" && break; sleep 0.05; done
    done
    cat >"$ST_TMP/example.test.zone" <<'EOF'
$ORIGIN example.test.
$TTL 300
@    IN SOA ns1 hostmaster 1 3600 600 86400 300
@    IN NS  ns1
ns1  IN A   192.0.2.53
EOF
    local i
    for i in $(seq 1 $FLEET_SITES); do
        mkdir -p "$ST_TMP/site$i/run"
        fleet_write_config "$i" >"$ST_TMP/site$i/steerd.yaml"
    done
}

# The config of site N: the same for every site but its name, etcd order
# (nearest member first), probe source and control socket.
fleet_write_config() {
    local i=$1 first rest
    first=$(echo "$FLEET_ETCD" | cut -d, -f"$i")
    rest=$(echo "$FLEET_ETCD" | tr , '\n' | grep -v -x "$first" | paste -sd, -)
    cat <<EOF
server:
  control: run/steerd.sock
  state_dir: run
  metrics: 127.0.20.$i:$FLEET_METRICS_PORT
zones:
  example.test: $ST_TMP/example.test.zone
health:
  table: run/health.shm
  source: 127.0.10.$i
checks:
  web:
    type: http
    path: /healthz
    expect_body: OK
    interval: ${FLEET_INTERVAL_MS}ms
    timeout: 250ms
    rise: 2
    fall: $FLEET_FALL
regions:
  east:
    endpoints:
      e1: { address: 192.0.2.1, check: web, check_target: "127.0.30.1:$FLEET_EAST_PORT" }
  west:
    endpoints:
      w1: { address: 198.51.100.1, check: web, check_target: "127.0.30.2:$FLEET_WEST_PORT" }
records:
  www.example.test: { type: A, ttl: ${FLEET_TTL:-20}, policy: failover, regions: [east, west] }
  api.example.test: { type: A, ttl: 20, policy: failover, regions: [west, east] }
  nested.example.test: { type: A, ttl: 20, policy: failover, regions: ["@www.example.test", west] }
fleet:
  name: ${FLEET_NAMES[$i]}
  etcd: [${first}${rest:+,$rest}]
  quorum: ${FLEET_QUORUM:-majority}
  view_ttl: 2s
  stale_after: ${FLEET_STALE_AFTER:-5s}
EOF
}

fleet_start_site() {
    local i=$1 d=$ST_TMP/site$1
    st_start "steercheck$i" "$top_builddir/steercheck" -c "$d/steerd.yaml"
    eval "FLEET_CHECK_PID$i=$ST_PID"
    st_start "steerd$i" "$top_builddir/steerd" -c "$d/steerd.yaml" --workers 1 \
        --listen "127.0.20.$i:$FLEET_PORT"
    eval "FLEET_STEERD_PID$i=$ST_PID"
    st_wait_dns "127.0.20.$i" "$FLEET_PORT" example.test || { cat "$ST_TMP/steerd$i.log"; return 1; }
}

fleet_start_checker() {
    local i=$1
    st_start "steercheck$i" "$top_builddir/steercheck" -c "$ST_TMP/site$i/steerd.yaml"
    eval "FLEET_CHECK_PID$i=$ST_PID"
}

fleet_stop_checker() {
    local i=$1 sig=${2:-TERM} pid
    eval "pid=\$FLEET_CHECK_PID$i"
    if [ "$sig" = KILL ]; then
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    else
        st_stop "$pid"
    fi
}

# The answer of site N for a name: its addresses, sorted, on one line.
fleet_answer() {
    "$DIG" @"127.0.20.$1" -p "$FLEET_PORT" +norec +time=1 +tries=2 +short "$2" A | sort | paste -sd' ' -
}

# Every routed name at every site: "www=a|a|a api=b|b|b".
fleet_answers() {
    local n i out="" line
    for n in "${FLEET_ROUTED[@]}"; do
        line=""
        for i in $(seq 1 $FLEET_SITES); do line="$line${line:+|}$(fleet_answer "$i" "$n")"; done
        out="$out${out:+ }${n%%.*}=$line"
    done
    echo "$out"
}

# All sites answer a name with the same addresses, and they are $2.
fleet_all_say() {
    local i
    for i in $(seq 1 $FLEET_SITES); do
        [ "$(fleet_answer "$i" "$1")" = "$2" ] || return 1
    done
}

fleet_wait_until() {
    local secs=$1 n
    shift
    for n in $(seq 1 $((secs * 10))); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}

# steerctl against site N.
fleet_ctl() {
    local i=$1
    shift
    "$top_builddir/steerctl" -s "$ST_TMP/site$i/run/steerd.sock" "$@"
}

fleet_dump() {
    local i
    for i in $(seq 1 $FLEET_SITES); do
        echo "--- site $i table"
        "$top_builddir/steercheck" --dump --table "$ST_TMP/site$i/run/health.shm" 2>&1 || true
    done
}

# fleet_fail LABEL: a failed check, with the state of every site.
fleet_fail() {
    echo "not ok - $1"
    ST_FAILS=$((ST_FAILS + 1))
    fleet_ctl 1 fleet 2>&1 || true
    fleet_answers
    fleet_dump
    fleet_logs
}

fleet_logs() {
    local f
    for f in "$ST_TMP"/steercheck*.log "$ST_TMP"/steerd*.log; do
        echo "--- $f"
        tail -25 "$f"
    done
}
