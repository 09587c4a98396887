#!/bin/bash
# Knot DNS (knotd) as a secondary of steerd with a TSIG key: its copy equals
# steerd's (both read by AXFR, sorted); after a change and `steerctl
# reload`, steerd's NOTIFY makes it pull an IXFR and serve the new record;
# a knotd with the wrong secret is refused and holds nothing.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"
. "$top_srcdir/tests/smoke/xfr-common.sh"
st_need_dig
st_need knotd

ST_PORT=$(st_free_port)
KNOT_PORT=$(st_free_port)
BAD_PORT=$(st_free_port)
xfr_zone 2026120101
xfr_config "allow_transfer: [$XFR_KEY]" \
    "notify: [{ address: \"127.0.0.1:$KNOT_PORT\", key: $XFR_KEY }]"

xfr_steerd
xfr_knot_conf knot "$KNOT_PORT" "$XFR_SECRET"
st_start knot knotd -c "$ST_TMP/knot/knot.conf"
xfr_secondary_loaded knot "$KNOT_PORT"
xfr_secondary_follows knot "$KNOT_PORT"
st_expect_match "knot took the NOTIFY" "notify, incoming, remote 127\.0\.0\.1@[0-9]+, serial 2026120102" \
    "$(cat "$ST_TMP/knot/knot.log")"
st_expect_match "knot says it was an IXFR" "IXFR, incoming, remote 127\.0\.0\.1@$ST_PORT, finished" \
    "$(cat "$ST_TMP/knot/knot.log")"
xfr_status
st_expect_match "zone-status: serial" "^zone example\.test\. serial 2026120102 \(file\), 16 records by AXFR" "$XFR_OUT"
st_expect_match "zone-status: who may transfer" "allow_transfer: $XFR_KEY\.; routed names with every address" "$XFR_OUT"
st_expect_match "zone-status: IXFR versions" "ixfr: 1 of 16 versions kept, from serial 2026120101" "$XFR_OUT"
st_expect_match "zone-status: transfers served" "served: axfr [1-9][0-9]*, ixfr 1, " "$XFR_OUT"
st_expect_match "zone-status: NOTIFY" \
    "notify 127\.0\.0\.1:$KNOT_PORT key $XFR_KEY\.: serial 2026120102 answered \(answered\) after 1 try" "$XFR_OUT"

# The wrong secret: refused (TSIG BADSIG), nothing transferred.
xfr_knot_conf bad "$BAD_PORT" "$XFR_WRONG_SECRET"
st_start knot-bad knotd -c "$ST_TMP/bad/knot.conf"
xfr_secondary_refused "the other knot" "$BAD_PORT"
st_done
