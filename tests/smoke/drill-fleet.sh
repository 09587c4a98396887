#!/usr/bin/env bash
# The failover drill across a fleet, short form: three nameservers behind
# caching unbounds, their vantage points agreeing through a real etcd
# cluster; one vantage point cut off from a healthy region must send no
# client away from it and leave the nameservers in agreement.
. "$(dirname "$0")/lib.sh"
st_need unbound etcd curl
[ -x /usr/bin/python3 ] && /usr/bin/python3 -c 'import dns' 2>/dev/null || st_skip "python3-dnspython not installed"
/usr/bin/python3 "$top_srcdir/tools/drill/drill.py" --short --variants fleet --scenarios vp-partition \
    --build "$top_builddir" --results "$ST_TMP" --resolvers 4
rc=$?
[ $rc -eq 0 ] || { cat "$ST_TMP"/drill-*/report.md "$ST_TMP"/drill-*/drill.log 2>/dev/null; }
exit $rc
