#!/bin/bash
# steerd --check on every bad test zone: exit 1 and the loader's exact
# file:line message; the good zone loads with its warnings.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"

steerd=$top_builddir/steerd
[ -x "$steerd" ] || st_skip "steerd not built"
good=$top_srcdir/tests/data/zones-good
bad=$top_srcdir/tests/data/zones-bad
cd "$bad" || exit 1

run() { out=$("$@" 2>&1); rc=$?; }

run "$steerd" --check --zone "example.test:$good/example.test.zone"
st_expect "good zone: exit 0" 0 "$rc"
st_expect_match "good zone: 35 records" 'ok, 1 zone, 35 records' "$out"
st_expect_match "good zone: TTL warning" \
    'warning: zone example\.test\., .*example\.test\.zone:18: TTL 60 of web\.example\.test\. A differs from 300 at .*example\.test\.zone:15, using 60' "$out"
st_expect_match "good zone: occluded data warning" \
    'example\.test\.zone:27: x\.sub\.example\.test\. TXT is below a delegation and is not served, ignored' "$out"

# file, then the message steerd must print (relative paths: we run in $bad)
while IFS='|' read -r file msg; do
    [ -n "$file" ] || continue
    run "$steerd" --check --zone "bad.test:$file"
    st_expect "$file: exit 1" 1 "$rc"
    if printf '%s\n' "$out" | grep -qF -- "$msg"; then
        echo "ok - $file: message"
    else
        echo "not ok - $file: message"
        echo "--- expected (substring)"; printf '%s\n' "$msg"
        echo "--- got"; printf '%s\n' "$out"
        ST_FAILS=$((ST_FAILS + 1))
    fi
done <<'EOF2'
bad-a.zone|bad-a.zone:5: A record: '192.0.2' is not a valid IPv4 address
class-ch.zone|class-ch.zone:5: class CH, only IN is served
close-paren.zone|close-paren.zone:5: ')' without a matching '('
cname-after.zone|cname-after.zone:6: www.bad.test. CNAME conflicts with the A at cname-after.zone:5 (a CNAME must be alone at its name)
cname-other.zone|cname-other.zone:7: www.bad.test. A conflicts with the CNAME at cname-other.zone:5
generate.zone|generate.zone:5: $GENERATE is not supported
include-bad.zone|include-bad.inc:3: AAAA record: '192.0.2.8' is not a valid IPv6 address
include-words.zone|include-words.inc:1: unknown record type 'words'
include-loop.zone|include-loop.zone:5: $INCLUDE nested more than 8 deep (a loop?)
include-missing.zone|include-missing.zone:5: cannot open $INCLUDE file missing.inc: No such file or directory
meta-type.zone|meta-type.zone:5: type 41 cannot appear in a zone file
no-ns.zone|no-ns.zone:2: no NS records at the zone apex bad.test.
no-soa.zone|no-soa.zone:1: no SOA record at the zone apex bad.test.
nul-byte.zone|nul-byte.zone:6: NUL byte in the file
open-paren.zone|open-paren.zone:5: '(' without a matching ')' before the end of the file
open-quote.zone|open-quote.zone:5: unterminated quoted string
origin-args.zone|origin-args.zone:5: $ORIGIN takes exactly one domain name
out-of-zone.zone|out-of-zone.zone:5: www.example.org. is outside the zone bad.test.
soa-not-apex.zone|soa-not-apex.zone:5: SOA record for sub.bad.test., which is not the zone apex bad.test.
ttl-directive.zone|ttl-directive.zone:5: bad $TTL value 'soon'
ttl-range.zone|ttl-range.zone:5: TTL 2147483648 is out of range (at most 2147483647)
two-cname.zone|two-cname.zone:6: more than one CNAME record at www.bad.test. (first at two-cname.zone:5)
two-soa.zone|two-soa.zone:5: more than one SOA record at bad.test. (first at two-soa.zone:2)
two-soa-order.zone|two-soa-order.zone:5: more than one SOA record at bad.test. (first at two-soa-order.zone:2)
two-soa-include.zone|two-soa-include.zone:5: more than one SOA record at bad.test. (first at two-soa-first.inc:2)
unknown-directive.zone|unknown-directive.zone:5: unknown directive $FOO
unknown-length.zone|unknown-length.zone:5: bad TYPE65000 record data
dname-below.zone|dname-below.zone:6: www.alias.bad.test. A is below the DNAME at alias.bad.test. (dname-below.zone:5)
two-dname.zone|two-dname.zone:6: more than one DNAME record at alias.bad.test. (first at two-dname.zone:5)
bad-type.zone|bad-type.zone:5: unknown record type 'BOGUS'
nul-escape.zone|nul-escape.zone:5: NUL byte in the file
ttl-directive-range.zone|ttl-directive-range.zone:1: $TTL 4294967296 is out of range (at most 2147483647)
ttl-wrap.zone|ttl-wrap.zone:5: TTL 5000000w is out of range (at most 2147483647)
missing.zone|missing.zone: cannot open: No such file or directory
origin-bad.zone|origin-bad.zone:5: $ORIGIN 'a..b' is not a domain name
origin-long.zone|origin-long.zone:6: $ORIGIN 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' makes a name longer than 255 bytes
rdata-name-long.zone|rdata-name-long.zone:7: a name in the record data is longer than 255 bytes
cert-type-zero.zone|cert-type-zero.zone:6: CERT record: '65536' is not a valid certificate type (1 to 65535, or PKIX, SPKI, PGP, ...)
origin-include-long.zone|origin-include-long.zone:5: $INCLUDE origin 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...' makes a name longer than 255 bytes
EOF2
st_done
