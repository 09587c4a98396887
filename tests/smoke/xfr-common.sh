# Shared by the zone transfer smoke tests (sourced after lib.sh): steerd as
# the primary of a zone, with a TSIG key, a control socket, and helpers to
# change the zone and reload.

XFR_KEY=xfr-key
XFR_SECRET=AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=
XFR_ZONE=example.test
XFR_DIR=$ST_TMP

# xfr_zone SERIAL [EXTRA LINE...]: write the zone with that serial.
xfr_zone() {
    local serial=$1; shift
    {
        printf '$ORIGIN %s.\n$TTL 300\n' "$XFR_ZONE"
        printf '@      IN SOA  ns1 hostmaster %s 3600 600 86400 300\n' "$serial"
        printf '@      IN NS   ns1\n@      IN NS   ns2\n'
        printf 'ns1    IN A    192.0.2.53\nns2    IN A    192.0.2.54\n'
        printf '@      IN MX   10 mail\nmail   IN A    192.0.2.25\n'
        printf 'www    IN A    192.0.2.1\nwww    IN AAAA 2001:db8::1\n'
        printf 'txt    IN TXT  "zone transfer test"\n'
        printf '*.wild IN A    192.0.2.99\n'
        printf 'sub    IN NS   ns.sub\nns.sub IN A    192.0.2.100\n'
        local line
        for line in "$@"; do printf '%s\n' "$line"; done
    } >"$XFR_DIR/$XFR_ZONE.zone.tmp"
    mv "$XFR_DIR/$XFR_ZONE.zone.tmp" "$XFR_DIR/$XFR_ZONE.zone"
}

# xfr_config ZONE-KEYS...: steerd.yaml with the key and the zone's mapping
# (each argument one line under the zone, after file:); $XFR_SERVER adds
# lines to server:, $XFR_EXTRA sections (regions and records).
xfr_config() {
    {
        printf 'server:\n  control: %s/steerd.sock\n%s\n' "$XFR_DIR" "${XFR_SERVER:-}"
        printf 'tsig:\n  %s: { algorithm: hmac-sha256, secret: "%s" }\n' "$XFR_KEY" "$XFR_SECRET"
        printf 'zones:\n  %s:\n    file: %s.zone\n' "$XFR_ZONE" "$XFR_ZONE"
        local line
        for line in "$@"; do printf '    %s\n' "$line"; done
        printf 'health:\n  table: %s/health.shm\n' "$XFR_DIR"
        printf '%s\n' "${XFR_EXTRA:-}"
    } >"$XFR_DIR/steerd.yaml.tmp"
    mv "$XFR_DIR/steerd.yaml.tmp" "$XFR_DIR/steerd.yaml"
}

# xfr_steerd: start steerd on the config (ST_PORT set), wait for it.
xfr_steerd() {
    st_steerd -c "$XFR_DIR/steerd.yaml" || st_done
}

# xfr_reload: steerctl reload; output in XFR_OUT.
xfr_reload() {
    XFR_OUT=$("$top_builddir/steerctl" -s "$XFR_DIR/steerd.sock" reload 2>&1)
}

# xfr_axfr PORT [DIG ARGS...]: the zone by AXFR from 127.0.0.1:PORT, one
# record a line, sorted, the closing SOA and TSIG records left out.
xfr_axfr() {
    local port=$1; shift
    "$DIG" @127.0.0.1 -p "$port" +time=5 +tries=1 +nocmd +nostats +nocomments "$@" \
        "$XFR_ZONE" AXFR 2>&1 | awk '$4 != "TSIG" && NF > 0 && $1 !~ /^;/' |
        awk '!seen[$0]++' | sort
}

# xfr_wait_log FILE REGEX SECONDS: wait until a log line matches.
xfr_wait_log() {
    local file=$1 re=$2 secs=$3
    for _ in $(seq 1 $((secs * 10))); do
        grep -Eq -- "$re" "$file" 2>/dev/null && return 0
        sleep 0.1
    done
    return 1
}

# xfr_status [ZONE]: steerctl zone-status; output in XFR_OUT.
xfr_status() {
    XFR_OUT=$("$top_builddir/steerctl" -s "$XFR_DIR/steerd.sock" zone-status "$@" 2>&1)
}

# The steps the secondary tests share. NAME is the secondary's name in the
# messages, PORT where it listens on 127.0.0.1.
xfr_dig2() { "$DIG" @127.0.0.1 -p "$1" +time=1 +tries=1 "${@:2}"; }

# xfr_secondary_loaded NAME PORT: it has serial 2026120101, and steerd's data.
xfr_secondary_loaded() {
    local serial
    for _ in $(seq 1 150); do
        serial=$(xfr_dig2 "$2" +short "$XFR_ZONE" SOA | awk '{print $3}')
        [ "$serial" = 2026120101 ] && break
        sleep 0.1
    done
    st_expect "$1 has the zone" "2026120101" "$serial"
    st_expect "$1's copy is steerd's" "$(xfr_axfr "$ST_PORT" -y "hmac-sha256:$XFR_KEY:$XFR_SECRET")" \
        "$(xfr_axfr "$2")"
}

# xfr_secondary_follows NAME PORT: a change and a reload; the NOTIFY is
# answered, the secondary pulls an IXFR and serves the new record.
xfr_secondary_follows() {
    xfr_zone 2026120102 "fresh IN A 192.0.2.77" "fresh IN TXT \"after the notify\""
    local t0 t1 got
    t0=$(date +%s%N)
    xfr_reload
    st_expect_match "reload" "serial 2026120102" "$XFR_OUT"
    for _ in $(seq 1 100); do
        got=$(xfr_dig2 "$2" +short "fresh.$XFR_ZONE" A)
        [ "$got" = 192.0.2.77 ] && break
        sleep 0.05
    done
    t1=$(date +%s%N)
    st_expect "$1 serves the new record" "192.0.2.77" "$got"
    echo "# $1 served it $(((t1 - t0) / 1000000)) ms after the reload started"
    st_expect_match "steerd logged the answered NOTIFY" \
        "NOTIFY of serial 2026120102 to 127\.0\.0\.1:$2 key $XFR_KEY\. answered" \
        "$(cat "$ST_TMP/steerd.log")"
    st_expect_match "$1 pulled an IXFR" \
        "IXFR to 127\.0\.0\.1:[0-9]+ key $XFR_KEY\., serial 2026120101 -> 2026120102" \
        "$(cat "$ST_TMP/steerd.log")"
    st_expect "$1's copy is steerd's again" \
        "$(xfr_axfr "$ST_PORT" -y "hmac-sha256:$XFR_KEY:$XFR_SECRET")" "$(xfr_axfr "$2")"
}

# xfr_secondary_refused NAME PORT: a secondary with the wrong secret (just
# started) is refused and serves nothing.
xfr_secondary_refused() {
    xfr_wait_log "$ST_TMP/steerd.log" "refused: TSIG BADSIG" 15
    st_expect_match "steerd refused $1's wrong key" "from 127\.0\.0\.1:[0-9]+ refused: TSIG BADSIG" \
        "$(cat "$ST_TMP/steerd.log")"
    st_expect "$1 holds nothing" "SERVFAIL" \
        "$(xfr_dig2 "$2" "$XFR_ZONE" SOA | sed -n 's/.*status: \([A-Z]*\).*/\1/p')"
}

# xfr_knot_conf NAME PORT SECRET [NOTIFY-FROM]: a knotd secondary of steerd
# in $ST_TMP/NAME, listening on 127.0.0.1:PORT, taking NOTIFY signed with
# the key from NOTIFY-FROM (default 127.0.0.1) only. Its zone is $XFR_ZONE,
# or the `zone:` items in $XFR_KNOT_ZONES (templates: `default`, and
# `secondary` with steerd as the primary and the ACLs).
xfr_knot_conf() {
    local d=$ST_TMP/$1
    mkdir -p "$d/db" "$d/zones"
    cat >"$d/knot.conf" <<EOF
server:
    rundir: "$d"
    pidfile: "$d/knot.pid"
    listen: 127.0.0.1@$2
log:
  - target: "$d/knot.log"
    any: info
database:
    storage: "$d/db"
key:
  - id: $XFR_KEY
    algorithm: hmac-sha256
    secret: $3
remote:
  - id: steerd
    address: 127.0.0.1@$ST_PORT
    key: $XFR_KEY
acl:
  - id: notify
    address: ${4:-127.0.0.1}
    key: $XFR_KEY
    action: notify
  - id: local
    address: 127.0.0.1
    action: transfer
template:
  - id: default
    storage: "$d/zones"
  - id: secondary
    storage: "$d/zones"
    master: steerd
    acl: [notify, local]
zone:
${XFR_KNOT_ZONES:-  - domain: $XFR_ZONE
    template: secondary}
EOF
}

# A secret that is not the key's.
XFR_WRONG_SECRET=c2VjcmV0IHNlY3JldCBzZWNyZXQgc2VjcmV0IHNlY3I=
