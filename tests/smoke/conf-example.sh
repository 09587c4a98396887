#!/bin/bash
# The commented example config (doc/steerd.yaml.example) passes steerd --check
# with no failover budget warning, and a typo in a copy of it is reported with
# file:line:column and a suggestion.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"

steerd=$top_builddir/steerd
example=$top_srcdir/doc/steerd.yaml.example
[ -x "$steerd" ] || st_skip "steerd not built"
[ -r "$top_srcdir/zones/example.test.zone" ] || st_skip "zones/example.test.zone is missing"

run() { out=$("$@" 2>&1); rc=$?; }

run "$steerd" --check -c "$example"
st_expect "example config: exit 0" 0 "$rc"
st_expect_match "example config: summary" 'steerd\.yaml\.example: ok' "$out"
st_expect "example config: failover budgets are met" "" "$(printf '%s\n' "$out" | grep 'budget')"

# The same file with one key misspelt.
line=$(grep -n '^    interval: 2s' "$example" | head -1 | cut -d: -f1)
sed "${line}s/interval:/intervall:/" "$example" >"$ST_TMP/typo.yaml"
run "$steerd" --check -c "$ST_TMP/typo.yaml"
st_expect "misspelt key: exit 1" 1 "$rc"
st_expect_match "misspelt key: file:line:column and a suggestion" \
    "typo\.yaml:$line:5: checks\.web: unknown key 'intervall' \(did you mean 'interval'\?\)" "$out"

st_done
