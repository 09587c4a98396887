#!/bin/bash
# steerd --check and the command line: exit codes and messages naming file:line.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"

steerd=$top_builddir/steerd
cd "$ST_TMP" || exit 1
st_write_zone good.zone example.test. 2024010101
st_write_zone other.zone other.test. 7
# Line 5 holds a bad IPv4 address.
sed 's/^ns1  IN A    192.0.2.53$/ns1  IN A    192.0.2.999/' good.zone >bad.zone

run() { out=$("$@" 2>&1); rc=$?; }

run "$steerd" --check --zone example.test:good.zone
st_expect "good zone: exit 0" 0 "$rc"
st_expect_match "good zone: summary" '^command line: ok, 1 zone, [0-9]+ records' "$out"

run "$steerd" --check --zone example.test:good.zone --zone other.test:other.zone
st_expect "two zones: exit 0" 0 "$rc"
st_expect_match "two zones: summary" 'ok, 2 zones' "$out"

run "$steerd" --check --zone example.test:bad.zone
st_expect "bad zone: exit 1" 1 "$rc"
st_expect_match "bad zone: file:line" 'bad\.zone:5' "$out"

run "$steerd" --check --zone example.test:missing.zone
st_expect "missing zone file: exit 1" 1 "$rc"
st_expect_match "missing zone file: named" 'missing\.zone' "$out"

run "$steerd" --check --zone example.test:other.zone
st_expect "zone file of another origin: exit 1" 1 "$rc"

# A missing zone file named in a config: the config's line points at it.
printf 'zones:\n  example.test: good.zone\n  x.test: nofile.zone\n' >missing.yaml
run "$steerd" --check -c missing.yaml
st_expect "config with a missing zone file: exit 1" 1 "$rc"
st_expect_match "config with a missing zone file: config line and file" \
    'missing\.yaml:3: zone x\.test\.: .*nofile\.zone: cannot open' "$out"

cat >good.yaml <<'EOF'
server:
  listen: ["127.0.0.1:5353"]
  workers: 1
zones:
  example.test: good.zone
  other.test: other.zone
EOF
run "$steerd" --check -c good.yaml
st_expect "good config: exit 0" 0 "$rc"
st_expect_match "good config: summary" '^good\.yaml: ok, 2 zones' "$out"

cat >unknown.yaml <<'EOF'
server:
  listen: ["127.0.0.1:5353"]
  wrokers: 1
zones:
  example.test: good.zone
EOF
run "$steerd" --check -c unknown.yaml
st_expect "unknown key: exit 1" 1 "$rc"
st_expect_match "unknown key: file:line:column" 'unknown\.yaml:3:[0-9]+' "$out"

cat >badzone.yaml <<'EOF'
server:
  listen: ["127.0.0.1:5353"]
zones:
  example.test: bad.zone
EOF
run "$steerd" --check -c badzone.yaml
st_expect "config with a bad zone: exit 1" 1 "$rc"
st_expect_match "config with a bad zone: file:line" 'bad\.zone:5' "$out"

# The command line adds zones to the config's and replaces one of the same name.
run "$steerd" --check -c badzone.yaml --zone example.test:good.zone
st_expect "command-line zone replaces the config's: exit 0" 0 "$rc"

run "$steerd" --check -c good.yaml --listen 127.0.0.1:notaport
st_expect "bad listen address: exit 1" 1 "$rc"
st_expect_match "bad listen address: named" 'notaport' "$out"

run "$steerd"
st_expect "nothing to serve: exit 2" 2 "$rc"
run "$steerd" --workers many --zone example.test:good.zone
st_expect "bad --workers: exit 2" 2 "$rc"
run "$steerd" --no-such-option
st_expect "unknown option: exit 2" 2 "$rc"
run "$steerd" --version
st_expect "--version: exit 0" 0 "$rc"
st_expect_match "--version: output" '^steerd [0-9]+\.[0-9]+' "$out"
run "$steerd" --help
st_expect "--help: exit 0" 0 "$rc"
st_expect_match "--help: mentions --check" '--check' "$out"

# More endpoints than the routed-answer counters hold: served, and said.
python3 - <<'PY2'
with open("many.yaml", "w") as f:
    f.write("zones:\n  example.test: good.zone\nregions:\n  r1:\n    endpoints:\n")
    for i in range(4097):
        f.write("      e%d: { address: 192.0.2.%d }\n" % (i, 1 + i % 250))
    f.write("records:\n  dyn.example.test: { type: A, policy: simple, regions: [r1] }\n")
PY2
if st_steerd -c many.yaml; then
    st_expect_match "4097 endpoints: answered" '^192\.0\.2\.' "$(st_dig +short dyn.example.test A | head -1)"
    st_expect_match "4097 endpoints: uncounted ones named in the log" \
        'config has 4097 endpoints: answers of those after the first 4096 are not counted' \
        "$(cat "$ST_TMP/steerd.log")"
    st_stop "$ST_STEERD_PID"
else
    st_expect "steerd with 4097 endpoints started" 0 1
fi

st_done
