#!/bin/bash
# NOTIFY from a chosen source address: knotd takes NOTIFY only from
# 127.0.0.3 (its acl); steerd, listening on 127.0.0.1, sends it from there
# (notify source:), and knotd pulls the change at once. A source that is not
# an address of this host fails that NOTIFY, with a log line that says so.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"
. "$top_srcdir/tests/smoke/xfr-common.sh"
st_need_dig
st_need knotd

ST_PORT=$(st_free_port)
KNOT_PORT=$(st_free_port)
NOWHERE_PORT=$(st_free_port)
xfr_zone 2026120101
# The second target is never reached: 192.0.2.1 is not ours, so the
# socket cannot be bound and nothing is sent.
xfr_config "allow_transfer: [$XFR_KEY]" \
    "notify: [{ address: \"127.0.0.1:$KNOT_PORT\", key: $XFR_KEY, source: 127.0.0.3 }," \
    "         { address: \"127.0.0.1:$NOWHERE_PORT\", source: 192.0.2.1 }]"

xfr_knot_conf knot "$KNOT_PORT" "$XFR_SECRET" 127.0.0.3
xfr_steerd
st_start knot knotd -c "$ST_TMP/knot/knot.conf"
xfr_secondary_loaded knot "$KNOT_PORT"
xfr_secondary_follows knot "$KNOT_PORT"
st_expect_match "knot took the NOTIFY from 127.0.0.3" \
    "notify, incoming, remote 127\.0\.0\.3@[0-9]+, serial 2026120102" "$(cat "$ST_TMP/knot/knot.log")"
st_expect_match "steerd says why the other NOTIFY failed" \
    "NOTIFY to 127\.0\.0\.1:$NOWHERE_PORT cannot be sent from 192\.0\.2\.1:0 \(Cannot assign requested address\)" \
    "$(cat "$ST_TMP/steerd.log")"
xfr_status
st_expect_match "zone-status: the NOTIFY sent from 127.0.0.3 was answered" \
    "notify 127\.0\.0\.1:$KNOT_PORT key $XFR_KEY\.: serial 2026120102 answered" "$XFR_OUT"
st_expect_match "zone-status: the other failed" \
    "notify 127\.0\.0\.1:$NOWHERE_PORT: serial 2026120102 failed \(source address not usable\)" "$XFR_OUT"
st_done
