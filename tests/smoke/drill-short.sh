#!/usr/bin/env bash
# The failover drill's short form: one scenario (a backend killed) behind a
# caching unbound, real steercheck/steerd/steerctl; the drill checks that
# clients recover within the target and that no answer points at the failed
# backend afterwards.
. "$(dirname "$0")/lib.sh"
st_need unbound
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import dns' 2>/dev/null || st_skip "python3-dnspython not installed"
/usr/bin/python3 "$top_srcdir/tools/drill/drill.py" --short --build "$top_builddir" --results "$ST_TMP" --resolvers 4
rc=$?
[ $rc -eq 0 ] || { cat "$ST_TMP"/drill-*/report.md 2>/dev/null; }
exit $rc
