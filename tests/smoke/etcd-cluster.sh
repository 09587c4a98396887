#!/usr/bin/env bash
# A real etcd cluster on loopback for tests and the drill (Debian's etcd).
#   etcd-cluster.sh DIR start N [--tls]   start N members, wait for a leader
#   etcd-cluster.sh DIR stop I            stop member I (1-based) by its PID
#   etcd-cluster.sh DIR kill I            SIGKILL member I
#   etcd-cluster.sh DIR restart I         start member I again (its data kept)
#   etcd-cluster.sh DIR pause I | resume I  SIGSTOP / SIGCONT member I
#   etcd-cluster.sh DIR stopall           stop every member (by PID)
#   etcd-cluster.sh DIR endpoints         client URLs, comma-separated
#   etcd-cluster.sh DIR wait [SECONDS]    wait until the live members have a leader
# Everything (data, logs, pids, ports, certificates) lives in DIR. Ports
# are picked free on 127.0.0.1 below the ephemeral range.
set -euo pipefail

dir=$1
cmd=$2
shift 2

etcd_bin=${ETCD:-$(command -v etcd || true)}
[ -n "$etcd_bin" ] || { echo "etcd not installed (Debian package etcd-server)" >&2; exit 77; }

free_port() {
    python3 - <<'PY'
import random, socket, sys
for _ in range(200):
    p = random.randint(10000, 32000)
    try:
        s = socket.socket(); s.bind(("127.0.0.1", p)); s.close(); print(p); sys.exit(0)
    except OSError:
        continue
sys.exit(1)
PY
}

scheme() { [ -d "$dir/tls" ] && echo https || echo http; }

member_args() {
    local i=$1 s
    s=$(scheme)
    local cport pport
    cport=$(sed -n "${i}p" "$dir/client-ports")
    pport=$(sed -n "${i}p" "$dir/peer-ports")
    local args=(--name "m$i" --data-dir "$dir/m$i.data"
        --listen-client-urls "$s://127.0.0.1:$cport" --advertise-client-urls "$s://127.0.0.1:$cport"
        --listen-peer-urls "http://127.0.0.1:$pport" --initial-advertise-peer-urls "http://127.0.0.1:$pport"
        --initial-cluster "$(cat "$dir/initial-cluster")" --initial-cluster-token "$(cat "$dir/token")"
        --initial-cluster-state new --logger zap --log-outputs stderr --log-level warn)
    if [ "$s" = https ]; then
        args+=(--cert-file "$dir/tls/server.pem" --key-file "$dir/tls/server.key"
            --trusted-ca-file "$dir/tls/ca.pem" --client-cert-auth)
    fi
    printf '%s\n' "${args[@]}"
}

start_member() {
    local i=$1
    local args
    mapfile -t args < <(member_args "$i")
    # its own session, so that a test's terminal signals do not reach it
    setsid "$etcd_bin" "${args[@]}" >>"$dir/m$i.log" 2>&1 </dev/null &
    echo $! >"$dir/m$i.pid"
}

pid_of() { cat "$dir/m$1.pid" 2>/dev/null || true; }

stop_member() {
    local i=$1 sig=${2:-TERM} pid
    pid=$(pid_of "$i")
    [ -n "$pid" ] || return 0
    kill -"$sig" "$pid" 2>/dev/null || { rm -f "$dir/m$i.pid"; return 0; }
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    kill -9 "$pid" 2>/dev/null || true
    rm -f "$dir/m$i.pid"
}

endpoints() {
    local s out="" p
    s=$(scheme)
    while read -r p; do out="$out${out:+,}$s://127.0.0.1:$p"; done <"$dir/client-ports"
    echo "$out"
}

curl_member() {
    local i=$1 path=$2 s port
    s=$(scheme)
    port=$(sed -n "${i}p" "$dir/client-ports")
    if [ "$s" = https ]; then
        curl -s --max-time 2 --cacert "$dir/tls/ca.pem" --cert "$dir/tls/client.pem" \
            --key "$dir/tls/client.key" "https://127.0.0.1:$port$path"
    else
        curl -s --max-time 2 "http://127.0.0.1:$port$path"
    fi
}

# Wait until every running member says it is healthy (has a leader).
wait_leader() {
    local secs=${1:-30} n i ok
    n=$(wc -l <"$dir/client-ports")
    for _ in $(seq 1 $((secs * 5))); do
        ok=1
        for i in $(seq 1 "$n"); do
            [ -f "$dir/m$i.pid" ] || continue
            curl_member "$i" /health | grep -q '"health":"true"' || { ok=0; break; }
        done
        [ $ok = 1 ] && return 0
        sleep 0.2
    done
    echo "etcd cluster in $dir: no leader after ${secs}s" >&2
    for i in $(seq 1 "$n"); do tail -5 "$dir/m$i.log" >&2 || true; done
    return 1
}

make_certs() {
    command -v openssl >/dev/null || { echo "openssl not installed" >&2; exit 77; }
    local t=$dir/tls
    mkdir -p "$t"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 \
        -subj "/CN=steerdns test CA" -keyout "$t/ca.key" -out "$t/ca.pem" 2>/dev/null
    for who in server client; do
        openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
            -subj "/CN=$who" -keyout "$t/$who.key" -out "$t/$who.csr" 2>/dev/null
        printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n' \
            >"$t/$who.ext"
        openssl x509 -req -in "$t/$who.csr" -CA "$t/ca.pem" -CAkey "$t/ca.key" \
            -CAcreateserial -days 2 -extfile "$t/$who.ext" -out "$t/$who.pem" 2>/dev/null
    done
}

# Did a member exit (say, a port taken by someone else meanwhile)?
any_dead() {
    local n i pid
    n=$(wc -l <"$dir/client-ports")
    for i in $(seq 1 "$n"); do
        pid=$(pid_of "$i")
        [ -n "$pid" ] && ! kill -0 "$pid" 2>/dev/null && return 0
    done
    return 1
}

pick_ports() {
    local n=$1 i c p cluster=""
    : >"$dir/client-ports"
    : >"$dir/peer-ports"
    for i in $(seq 1 "$n"); do
        # retry until the pair differs from every port already taken
        while :; do
            c=$(free_port); p=$(free_port)
            [ "$c" != "$p" ] || continue
            grep -qx -e "$c" -e "$p" "$dir/client-ports" "$dir/peer-ports" 2>/dev/null && continue
            break
        done
        echo "$c" >>"$dir/client-ports"
        echo "$p" >>"$dir/peer-ports"
        cluster="$cluster${cluster:+,}m$i=http://127.0.0.1:$p"
    done
    echo "$cluster" >"$dir/initial-cluster"
}

stop_all() {
    local n i pid
    [ -f "$dir/client-ports" ] || return 0
    n=$(wc -l <"$dir/client-ports")
    for i in $(seq 1 "$n"); do
        pid=$(pid_of "$i")
        [ -n "$pid" ] && kill -CONT "$pid" 2>/dev/null || true
        stop_member "$i" TERM
    done
}

case $cmd in
start)
    n=${1:-3}
    mkdir -p "$dir"
    if [ "${2:-}" = --tls ]; then make_certs; fi
    # A port found free may be taken by another test before etcd binds it:
    # then the member exits, and the cluster starts again on new ports.
    for attempt in 1 2 3 4; do
        pick_ports "$n"
        echo "steerdns-test-$$-$RANDOM" >"$dir/token"
        for i in $(seq 1 "$n"); do rm -rf "$dir/m$i.data"; start_member "$i"; done
        ok=0
        for _ in $(seq 1 60); do
            if any_dead; then break; fi
            if wait_leader 1 2>/dev/null; then ok=1; break; fi
        done
        [ $ok = 1 ] && exit 0
        echo "etcd cluster in $dir: attempt $attempt failed, trying new ports" >&2
        grep -h -m1 -E 'address already in use|fatal' "$dir"/m*.log >&2 || true
        stop_all
    done
    echo "etcd cluster in $dir: no leader" >&2
    exit 1
    ;;
stop) stop_member "$1" TERM ;;
kill) stop_member "$1" KILL ;;
restart) start_member "$1" ;;
pause) kill -STOP "$(pid_of "$1")" ;;
resume) kill -CONT "$(pid_of "$1")" ;;
stopall) stop_all ;;
endpoints) endpoints ;;
wait) wait_leader "${1:-30}" ;;
*)
    echo "etcd-cluster.sh: unknown command '$cmd'" >&2
    exit 2
    ;;
esac
