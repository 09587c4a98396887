# Differential test against NSD: the difftest zones served by steerd and by
# nsd, a few thousand generated queries (random case, many types, with and
# without EDNS and DO, UDP and TCP) sent to both. Fails on any "bug" class
# difference; RFC 8482 ANY, truncation thresholds and optional additional
# data are classified apart and do not fail.
. "$top_srcdir/tests/smoke/lib.sh"
st_need_pydns
PY=${PYTHON:-/usr/bin/python3}
"$PY" -c 'import dns.zone' 2>/dev/null || PY=$ST_PY
[ -x /usr/sbin/nsd ] || command -v nsd >/dev/null 2>&1 || st_skip "nsd not installed"

# Reported and not yet fixed: "--open QTYPE:NAME" each, answered as "open",
# listed, not failed on. None at present.
OPEN=""

# shellcheck disable=SC2086
timeout 120 "$PY" "$top_srcdir/tools/difftest/difftest.py" \
    --steerd "$top_builddir/steerd" --peer nsd \
    --count "${DIFFTEST_COUNT:-3000}" --seed "${DIFFTEST_SEED:-1}" \
    --time-limit 50 --show 3 --mutate "${DIFFTEST_MUTATE:-1000}" $OPEN
rc=$?
case $rc in
    0) echo "ok - steerd and nsd agree outside the known-difference classes" ;;
    77) exit 77 ;;
    124) echo "not ok - difftest timed out"; exit 1 ;;
    *) echo "not ok - difftest exit $rc"; exit 1 ;;
esac
