# Shared setup for the control-socket smoke tests (sourced after lib.sh):
# a zone, a config with two regions, a failover record, server.control,
# server.metrics and server.state_dir, all under $ST_TMP.

# ctl_setup: write the files and pick ports; sets CTL_SOCK, CTL_CONF, METRICS_PORT.
ctl_setup() {
    cd "$ST_TMP" || exit 1
    mkdir -p run zones
    ST_ADDR=127.0.0.1
    ST_PORT=$(st_free_port 127.0.0.1)
    METRICS_PORT=$(st_free_port 127.0.0.1)
    ctl_write_zone 2026112201
    cat >steerd.yaml <<EOF2
server:
  listen: ["127.0.0.1:$ST_PORT"]
  workers: 1
  control: run/steerd.sock
  metrics: 127.0.0.1:$METRICS_PORT
  state_dir: run/state
zones:
  example.test: zones/example.test.zone
health:
  table: run/health.shm
regions:
  us-east-1:
    location: [38.9, -77.4]
    select: all
    endpoints:
      use1-a: { address: 192.0.2.11 }
      use1-b: { address: 192.0.2.12 }
  us-east-2:
    location: [40.1, -83.0]
    endpoints:
      use2-a: { address: 198.51.100.11 }
records:
  www.example.test:
    type: A
    ttl: 20
    policy: failover
    regions: [us-east-1, us-east-2]
EOF2
    CTL_CONF=$ST_TMP/steerd.yaml
    CTL_SOCK=$ST_TMP/run/steerd.sock
}

# ctl_write_zone SERIAL [EXTRA-LINE]
ctl_write_zone() {
    cat >zones/example.test.zone.new <<EOF2
\$ORIGIN example.test.
\$TTL 300
@       IN SOA ns1 hostmaster $1 3600 600 86400 60
@       IN NS  ns1
ns1     IN A   192.0.2.1
static  IN A   192.0.2.99
${2:-}
EOF2
    mv zones/example.test.zone.new zones/example.test.zone
}

# ctl_start: start steerd on the config, wait for DNS and the socket.
ctl_start() {
    st_start steerd "$top_builddir/steerd" -c "$CTL_CONF"
    ST_STEERD_PID=$ST_PID
    st_wait_dns "$ST_ADDR" "$ST_PORT" || { cat "$ST_TMP/steerd.log"; exit 1; }
    for _ in $(seq 1 50); do [ -S "$CTL_SOCK" ] && return 0; sleep 0.1; done
    echo "no control socket"; cat "$ST_TMP/steerd.log"; exit 1
}

# ctl ARGS...: steerctl against the test socket; output (stdout+stderr) and
# exit code in CTL_OUT and CTL_RC.
ctl() {
    CTL_OUT=$("$top_builddir/steerctl" -s "$CTL_SOCK" "$@" 2>&1)
    CTL_RC=$?
}

# ctl_wait_health REGEX: poll steerctl health until a line of it matches
# (max ~5 s); CTL_OUT holds the last output.
ctl_wait_health() {
    for _ in $(seq 1 50); do
        ctl health
        printf '%s\n' "$CTL_OUT" | grep -Eq -- "$1" && return 0
        sleep 0.1
    done
    return 1
}

# www: the routed answer.
www() { st_dig +short www.example.test A | sort | tr '\n' ' ' | sed 's/ $//'; }
