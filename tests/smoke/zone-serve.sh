#!/bin/bash
# The loaded zone as served: $INCLUDE and $ORIGIN, unknown types, TTLs
# unified inside an RRset, duplicates collapsed, RDATA names in their case,
# dynamic-free delegation data, and a generated zone of 20,000 records.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"

st_need_dig
[ -x "$top_builddir/steerd" ] || st_skip "steerd not built"
st_need python3
good=$top_srcdir/tests/data/zones-good
python3 "$top_srcdir/tools/zone-gen.py" -n 20000 --origin big.test. -o "$ST_TMP/big.zone" ||
    exit 1
st_steerd --zone "example.test:$good/example.test.zone" --zone "big.test:$ST_TMP/big.zone" ||
    exit 1

a() { st_dig +noall +answer "$@" | awk '{ $1 = tolower($1); print }' | sort; }

st_expect "duplicate collapsed, lowest TTL" \
    "$(printf 'web.example.test. 60 IN A 192.0.2.%s\n' 80 81 82)" "$(a web.example.test A)"
st_expect "included file" "extra.example.test. 300 IN A 192.0.2.100" "$(a extra.example.test A)"
st_expect "included file with its own origin" "z.other.example.test. 300 IN TXT \"included\"" \
    "$(a z.other.example.test TXT)"
st_expect "\$ORIGIN inside an include" "moved.elsewhere.example.test. 300 IN A 192.0.2.102" \
    "$(a moved.elsewhere.example.test A)"
st_expect "relative \$ORIGIN, \$TTL 1h" "y.rel.example.test. 3600 IN A 192.0.2.202" \
    "$(a y.rel.example.test A)"
st_expect "\$TTL 0" "z.rel.example.test. 0 IN A 192.0.2.203" "$(a z.rel.example.test A)"
st_expect "RFC 3597 type" "unk.example.test. 300 IN TYPE65000 \\# 3 ABCDEF" \
    "$(a unk.example.test TYPE65000)"
st_expect "class before TTL" "cls.example.test. 60 IN A 192.0.2.60" "$(a cls.example.test A)"
st_expect "RDATA name keeps its case" "example.test. 300 IN MX 10 Mail.example.test." \
    "$(a example.test MX)"
st_expect "SRV" "_sip._udp.example.test. 300 IN SRV 0 5 5060 sipserver.example.test." \
    "$(a _sip._udp.example.test SRV)"
st_expect "quoted text with ; and (" "a.b.c.example.test. 300 IN TXT \"deep; (name)\"" \
    "$(a a.b.c.example.test TXT)"
st_expect_match "generated zone answers" '^ns1\.big\.test\. 3600 IN A 192\.0\.2\.1$' \
    "$(a ns1.big.test A)"
st_expect_match "generated zone MX" '^h[0-9]+\.big\.test\. 3600 IN MX (10|20) mx' \
    "$(for n in 1 2 3 4 5 6 7 8 9 11 12 13 14 15 16 17 18 19 21 22 23 24 25 26 27 28 29; do
        a h$n.big.test MX; done)"
st_done
