#!/bin/bash
# The etcd client against real etcd: a three-member cluster and a one-member
# https cluster that asks for client certificates, driven by the
# test_fleet_etcd program (members killed, restarted and compacted under it).
. "$top_srcdir/tests/smoke/lib.sh"
. "$top_srcdir/tests/smoke/etcd-lib.sh"
st_etcd_need
st_need openssl

st_etcd_start etcd 3 || exit 1
export ST_ETCD_ENDPOINTS ST_ETCD_SCRIPT
export ST_ETCD_DIR=$ST_TMP/etcd
st_etcd_start etcd-tls 1 --tls || exit 1
export ST_ETCD_TLS_ENDPOINTS=$ST_ETCD_ENDPOINTS
export ST_ETCD_TLS_DIR=$ST_TMP/etcd-tls
ST_ETCD_ENDPOINTS=$(st_etcd etcd endpoints)

"$top_builddir/tests/unit/test_fleet_etcd"
