# etcd for the fleet tests (sourced after lib.sh): a real cluster of
# Debian's etcd on loopback, its data in the test's folder, every member
# stopped by PID when the test ends.
ST_ETCD_SCRIPT=$top_srcdir/tests/smoke/etcd-cluster.sh
ST_ETCD_DIRS=()

st_etcd_cleanup() {
    local d
    for d in "${ST_ETCD_DIRS[@]}"; do bash "$ST_ETCD_SCRIPT" "$d" stopall || true; done
    st_cleanup
}
trap st_etcd_cleanup EXIT

# st_etcd_need: skip when etcd or etcdctl is missing.
st_etcd_need() {
    command -v etcd >/dev/null 2>&1 || st_skip "etcd not installed (etcd-server)"
    command -v etcdctl >/dev/null 2>&1 || st_skip "etcdctl not installed (etcd-client)"
    command -v curl >/dev/null 2>&1 || st_skip "curl not installed"
}

# st_etcd_start NAME N [--tls]: an N-member cluster in $ST_TMP/NAME; sets
# ST_ETCD_ENDPOINTS (comma-separated client URLs).
st_etcd_start() {
    local name=$1 n=$2
    shift 2
    ST_ETCD_DIRS+=("$ST_TMP/$name")
    bash "$ST_ETCD_SCRIPT" "$ST_TMP/$name" start "$n" "$@" || return 1
    ST_ETCD_ENDPOINTS=$(bash "$ST_ETCD_SCRIPT" "$ST_TMP/$name" endpoints)
}

# st_etcd NAME COMMAND [ARG]: stop|kill|restart|pause|resume I, wait [S].
st_etcd() {
    local name=$1
    shift
    bash "$ST_ETCD_SCRIPT" "$ST_TMP/$name" "$@"
}
