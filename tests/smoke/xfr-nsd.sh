#!/bin/bash
# NSD as a secondary of steerd with a TSIG key: its copy equals steerd's
# (both read by AXFR, sorted); after a change and `steerctl reload`, steerd's
# NOTIFY makes it pull an IXFR and serve the new record; an NSD with the
# wrong secret is refused and holds nothing.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"
. "$top_srcdir/tests/smoke/xfr-common.sh"
st_need_dig
st_need nsd

ST_PORT=$(st_free_port)
NSD_PORT=$(st_free_port)
BAD_PORT=$(st_free_port)
xfr_zone 2026120101
xfr_config "allow_transfer: [$XFR_KEY]" \
    "notify: [{ address: \"127.0.0.1:$NSD_PORT\", key: $XFR_KEY }]"

# nsd_conf NAME PORT SECRET: an NSD secondary of steerd in $ST_TMP/NAME.
nsd_conf() {
    local d=$ST_TMP/$1
    mkdir -p "$d"
    cat >"$d/nsd.conf" <<EOF
server:
  ip-address: 127.0.0.1@$2
  port: $2
  username: ""
  chroot: ""
  zonesdir: "$d"
  database: ""
  pidfile: "$d/nsd.pid"
  logfile: "$d/nsd.log"
  xfrdfile: "$d/xfrd.state"
  zonelistfile: "$d/zone.list"
  xfrdir: "$d"
  verbosity: 2
  server-count: 1
  reuseport: no
  xfrd-reload-timeout: 0
remote-control:
  control-enable: no
key:
  name: $XFR_KEY
  algorithm: hmac-sha256
  secret: "$3"
zone:
  name: $XFR_ZONE
  zonefile: "$XFR_ZONE.zone"
  request-xfr: 127.0.0.1@$ST_PORT $XFR_KEY
  allow-notify: 127.0.0.1 $XFR_KEY
  provide-xfr: 127.0.0.1 NOKEY
EOF
}

xfr_steerd
nsd_conf nsd "$NSD_PORT" "$XFR_SECRET"
# -d: in the foreground, so that the PID we hold is NSD's.
st_start nsd nsd -d -c "$ST_TMP/nsd/nsd.conf"
xfr_secondary_loaded nsd "$NSD_PORT"
xfr_secondary_follows nsd "$NSD_PORT"
st_expect_match "nsd took the update" "received update to serial 2026120102 .*TSIG verified with key $XFR_KEY" \
    "$(cat "$ST_TMP/nsd/nsd.log")"

nsd_conf bad "$BAD_PORT" "$XFR_WRONG_SECRET"
st_start nsd-bad nsd -d -c "$ST_TMP/bad/nsd.conf"
xfr_secondary_refused "the other nsd" "$BAD_PORT"
st_done
