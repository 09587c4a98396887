#!/bin/bash
# A reload never waits on a file: a FIFO (with no writer, or a writer that
# stalls), a folder or a device where a zone, the config or the countries
# table should be fails the reload promptly with a message naming the path,
# and the old data keeps serving.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"
. "$top_srcdir/tests/smoke/ctl-common.sh"
st_need_dig
ctl_setup
ctl_start

serial() { st_dig +short example.test SOA | awk '{print $3}'; }
# reload with a bound: a wedged main thread would never answer
treload() {
    local t0=$SECONDS
    CTL_OUT=$(timeout 20 "$top_builddir/steerctl" -s "$CTL_SOCK" reload 2>&1)
    CTL_RC=$?
    CTL_TOOK=$((SECONDS - t0))
}
zone=zones/example.test.zone
cp $zone good.zone
cp steerd.yaml good.yaml

# A zone file replaced by a FIFO nobody writes to: read as empty at once.
rm $zone; mkfifo $zone
treload
st_expect "FIFO zone, no writer: reload fails" "1" "$CTL_RC"
st_expect_match "FIFO zone, no writer: says why" 'example\.test\.zone' "$CTL_OUT"
st_expect "FIFO zone, no writer: old serial served" "2026112201" "$(serial)"

# A FIFO whose writer stalls: the reload gives up after the idle limit.
exec 7<>$zone   # a writer (and reader) that never writes
treload
exec 7>&-
st_expect "FIFO zone, stalled writer: reload fails" "1" "$CTL_RC"
st_expect_match "FIFO zone, stalled writer: says so" 'example\.test\.zone: a FIFO gave no data for [0-9]+ s' "$CTL_OUT"
st_expect_match "FIFO zone, stalled writer: bounded wait" '^([0-9]|1[0-5])$' "$CTL_TOOK"
st_expect "FIFO zone, stalled writer: old serial served" "2026112201" "$(serial)"

# A FIFO with a writer that delivers: read, as a pipe would be.
(sed 's/2026112201/2026112202/' good.zone >$zone) &
writer=$!
# let the writer block in open() first (until steerd opens the other end):
# a reader that came first would find no writer and read nothing
for _ in $(seq 1 50); do
    read -r nr _ </proc/$writer/syscall 2>/dev/null && [ "$nr" = 257 ] && break
    sleep 0.1
done
treload
wait $writer 2>/dev/null
st_expect "FIFO zone with data: reload ok" "0" "$CTL_RC"
st_expect "FIFO zone with data: new serial" "2026112202" "$(serial)"
rm -f $zone; cp good.zone $zone

# A folder where the zone should be.
rm $zone; mkdir $zone
treload
st_expect "folder zone: reload fails" "1" "$CTL_RC"
st_expect_match "folder zone: says why" 'example\.test\.zone: cannot read' "$CTL_OUT"
rmdir $zone; cp good.zone $zone

# The config file replaced by a FIFO nobody writes to.
rm steerd.yaml; mkfifo steerd.yaml
treload
st_expect "FIFO config: reload fails" "1" "$CTL_RC"
st_expect_match "FIFO config: not a regular file" 'steerd\.yaml: cannot open: not a regular file' "$CTL_OUT"
st_expect_match "FIFO config: prompt" '^[0-5]$' "$CTL_TOOK"
rm steerd.yaml; cp good.yaml steerd.yaml

# The countries table (geo.coordinates) a FIFO.
mkfifo countries.csv
printf 'geo:\n  coordinates: countries.csv\n' >>steerd.yaml
treload
st_expect "FIFO countries table: reload fails" "1" "$CTL_RC"
st_expect_match "FIFO countries table: says why" 'countries\.csv: cannot open the countries table \(not a regular file\)' "$CTL_OUT"
cp good.yaml steerd.yaml

# Still serving, and a good reload works after all that.
treload
st_expect "good reload after" "0" "$CTL_RC"
st_expect "serial after" "2026112201" "$(serial)"
kill -0 "$ST_STEERD_PID" 2>/dev/null
st_expect "steerd alive" "0" "$?"

st_done
