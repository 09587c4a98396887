#!/bin/bash
# A catalog zone (RFC 9432) for secondaries that provision their zones from
# one: knotd (catalog-role: interpret) and BIND's named (catalog-zones) read
# steerd's catalog and serve every zone of steerd's config that allows
# transfers, not the one that does not; a zone added to the config and
# reloaded appears at both after the catalog's NOTIFY, a zone taken out
# disappears. The catalog's serial stays when its list does not change.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"
. "$top_srcdir/tests/smoke/xfr-common.sh"
st_need_dig
st_need knotd named

ST_PORT=$(st_free_port)
KNOT_PORT=$(st_free_port)
BIND_PORT=$(st_free_port)
D=$ST_TMP
for z in example.test other.test private.test new.test; do
    st_write_zone "$D/$z.zone" "$z." 2026120101
done

# catalog_config ZONE...: the zones that allow transfers, private.test
# (which does not) and the catalog, NOTIFYing knotd and named.
catalog_config() {
    {
        printf 'server:\n  listen: ["127.0.0.1:%s"]\n  control: %s/steerd.sock\n' "$ST_PORT" "$D"
        printf 'tsig:\n  %s: { algorithm: hmac-sha256, secret: "%s" }\n' "$XFR_KEY" "$XFR_SECRET"
        printf 'zones:\n'
        local z
        for z in "$@"; do
            printf '  %s: { file: %s.zone, allow_transfer: [%s] }\n' "$z" "$z" "$XFR_KEY"
        done
        printf '  private.test: private.test.zone\n'
        printf '  catalog.test:\n    catalog: true\n    allow_transfer: [%s]\n' "$XFR_KEY"
        printf '    notify: [{ address: "127.0.0.1:%s", key: %s }, { address: "127.0.0.1:%s", key: %s }]\n' \
            "$KNOT_PORT" "$XFR_KEY" "$BIND_PORT" "$XFR_KEY"
        printf 'health:\n  table: %s/health.shm\n' "$D"
    } >"$D/steerd.yaml.tmp"
    mv "$D/steerd.yaml.tmp" "$D/steerd.yaml"
}

# The catalog by AXFR from steerd: one record a line, sorted, no TSIG.
catalog_axfr() {
    "$DIG" @127.0.0.1 -p "$ST_PORT" +time=5 +tries=1 +nocmd +nostats +nocomments \
        -y "hmac-sha256:$XFR_KEY:$XFR_SECRET" catalog.test AXFR 2>&1 |
        awk '$4 != "TSIG" && $4 != "SOA" && NF > 0 && $1 !~ /^;/' | sort -u
}
catalog_serial() { xfr_dig2 "$ST_PORT" +short catalog.test SOA | awk '{print $3}'; }
# has PORT ZONE: the serial the secondary at PORT answers for ZONE's SOA,
# else its rcode.
has() {
    local out
    out=$(xfr_dig2 "$1" +norec "$2" SOA)
    if grep -q 'status: NOERROR' <<<"$out"; then
        xfr_dig2 "$1" +short "$2" SOA | awk '{print $3}'
    else
        sed -n 's/.*status: \([A-Z]*\).*/\1/p' <<<"$out"
    fi
}
SECONDARIES="knotd:$KNOT_PORT named:$BIND_PORT"

catalog_config example.test other.test
st_steerd_config "$D/steerd.yaml" catalog.test || st_done

# What steerd's catalog holds: version 2, NS invalid., one PTR per zone
# that allows transfers, all with TTL 0.
got=$(catalog_axfr)
st_expect_match "the catalog's version is 2" '^version\.catalog\.test\.[[:space:]]+0[[:space:]]+IN[[:space:]]+TXT[[:space:]]+"2"$' "$got"
st_expect_match "the catalog's NS is invalid." '^catalog\.test\.[[:space:]]+0[[:space:]]+IN[[:space:]]+NS[[:space:]]+invalid\.$' "$got"
st_expect "two members, by PTR" "example.test.
other.test." "$(awk '$4 == "PTR" {print $5}' <<<"$got" | sort)"
st_expect "each member under zones., at 16 hex digits" "2" \
    "$(grep -cE '^[0-9a-f]{16}\.zones\.catalog\.test\.[[:space:]]+0[[:space:]]+IN[[:space:]]+PTR' <<<"$got")"
serial1=$(catalog_serial)
st_expect_match "the catalog's serial is a time" '^[0-9]{10}$' "$serial1"

# knotd and named provision the members from the catalog.
XFR_KNOT_ZONES="  - domain: catalog.test
    template: secondary
    catalog-role: interpret
    catalog-template: secondary" xfr_knot_conf knot "$KNOT_PORT" "$XFR_SECRET"
st_start knot knotd -c "$D/knot/knot.conf"
mkdir -p "$D/named"
cat >"$D/named/named.conf" <<EOF
key "$XFR_KEY" { algorithm hmac-sha256; secret "$XFR_SECRET"; };
controls { };
options {
    directory "$D/named";
    pid-file "$D/named/named.pid";
    listen-on port $BIND_PORT { 127.0.0.1; };
    listen-on-v6 { none; };
    recursion no;
    allow-new-zones yes;
    catalog-zones {
        zone "catalog.test." default-primaries { 127.0.0.1 port $ST_PORT key $XFR_KEY; }
            in-memory yes;
    };
};
zone "catalog.test." {
    type secondary;
    primaries { 127.0.0.1 port $ST_PORT key $XFR_KEY; };
    file "catalog.test.db";
    allow-notify { 127.0.0.1; };
};
EOF
st_start named named -g -c "$D/named/named.conf"
for sec in $SECONDARIES; do
    st_wait_expect "${sec%:*} serves example.test from the catalog" 2026120101 30 has "${sec#*:}" example.test
    st_wait_expect "${sec%:*} serves other.test from the catalog" 2026120101 10 has "${sec#*:}" other.test
    st_expect "${sec%:*} does not serve private.test (no transfers: not in the catalog)" REFUSED \
        "$(has "${sec#*:}" private.test)"
done

# A reload that changes nothing keeps the catalog's serial.
xfr_reload
st_expect "a reload without a new zone keeps the catalog's serial" "$serial1" "$(catalog_serial)"

# A zone added: a new serial, the NOTIFY, both serve it.
sleep 1 # the serial is the time of the change: let it move on
catalog_config example.test other.test new.test
xfr_reload
st_expect_match "the reload took the new zone" "new\.test\." "$XFR_OUT"
serial2=$(catalog_serial)
st_expect "the catalog's serial moved on" "yes" "$([ "$serial2" -gt "$serial1" ] && echo yes || echo "no: $serial1 -> $serial2")"
for sec in $SECONDARIES; do
    st_wait_expect "${sec%:*} serves the added zone" 2026120101 30 has "${sec#*:}" new.test
done

# A zone taken out: both drop it.
catalog_config example.test new.test
xfr_reload
for sec in $SECONDARIES; do
    st_wait_expect "${sec%:*} no longer serves the zone taken out" REFUSED 30 has "${sec#*:}" other.test
    st_expect "${sec%:*} still serves the others" "2026120101 2026120101" \
        "$(has "${sec#*:}" example.test) $(has "${sec#*:}" new.test)"
done
xfr_status catalog.test
st_expect_match "zone-status shows the catalog" "^zone catalog\.test\. serial $(catalog_serial) \(unixtime\)" "$XFR_OUT"
st_expect_match "zone-status: named's NOTIFY answered" \
    "notify 127\.0\.0\.1:$BIND_PORT key $XFR_KEY\.: serial $(catalog_serial) answered" "$XFR_OUT"
st_done
