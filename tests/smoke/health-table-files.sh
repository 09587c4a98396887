#!/bin/bash
# Whatever happens to the health table file, state changes keep reaching
# answers: steercheck writes the table again when it is deleted, replaced
# by junk or by a copy, and steerd follows the new file; a FIFO (or any
# file that is not a regular one) at the path never blocks steerd: it is
# refused with a log line and steerctl keeps answering.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"
st_need_dig
st_need python3 mkfifo timeout

cd "$ST_TMP" || exit 1
mkdir -p run zones
ST_ADDR=127.0.0.1
ST_PORT=$(st_free_port 127.0.0.1)
st_write_zone zones/example.test.zone example.test. 1
touch a-ok
cat >steerd.yaml <<EOF
server:
  listen: ["127.0.0.1:$ST_PORT"]
  workers: 1
  control: run/steerd.sock
zones:
  example.test: zones/example.test.zone
health:
  table: run/health.shm
  stale_after: 3s
checks:
  flag: { type: exec, command: [/bin/sh, -c, "test -e $ST_TMP/a-ok"], interval: 200ms, timeout: 150ms, rise: 1, fall: 1 }
regions:
  a:
    endpoints:
      a1: { address: 192.0.2.11, check: flag }
  b:
    endpoints:
      b1: { address: 192.0.2.21 }
records:
  fo.example.test: { type: A, ttl: 5, policy: failover, regions: [a, b] }
EOF

start_checker() {
    st_start steercheck "$top_builddir/steercheck" -c steerd.yaml
    checker=$ST_PID
}
start_checker
st_start steerd "$top_builddir/steerd" -c steerd.yaml
ST_STEERD_PID=$ST_PID
st_wait_dns "$ST_ADDR" "$ST_PORT" || { cat steerd.log; exit 1; }
ctl() { CTL_OUT=$(timeout 5 "$top_builddir/steerctl" -s run/steerd.sock "$@" 2>&1); CTL_RC=$?; }
answer() { st_dig +short fo.example.test A; }
# wait_answer LABEL WANT: the answer becomes WANT within 5 s
wait_answer() {
    local got
    for _ in $(seq 1 50); do
        got=$(answer)
        [ "$got" = "$2" ] && break
        sleep 0.1
    done
    st_expect "$1" "$2" "$got"
}
# wait_table: a table is back at the path (a regular file), within 5 s
wait_table() {
    for _ in $(seq 1 50); do
        [ -f run/health.shm ] && [ -s run/health.shm ] && return 0
        sleep 0.1
    done
    return 1
}
wait_answer "checked endpoint up" "192.0.2.11"

# Deleted: steercheck writes it again, steerd reads the new file.
rm run/health.shm
st_expect "deleted table written again" "yes" "$(wait_table && echo yes || echo no)"
rm a-ok
wait_answer "a change after the delete reaches answers" "192.0.2.21"

# Replaced by junk (a new inode): the same.
echo "not a health table" >junk && mv junk run/health.shm
sleep 0.5
st_expect_match "junk replaced by a table" "^STHTLB01" "$(head -c 8 run/health.shm)"
touch a-ok
wait_answer "a change after junk reaches answers" "192.0.2.11"

# Replaced by a copy of itself: steercheck takes the copy over.
cp run/health.shm copy && mv copy run/health.shm
sleep 0.5
rm a-ok
wait_answer "a change after a copy reaches answers" "192.0.2.21"
ctl status
st_expect_match "status: fresh" 'health table .*fresh' "$CTL_OUT"
st_expect_match "steercheck said so" 'health table run/health\.shm, deleted or replaced, writing it again' \
    "$(cat steercheck.log)"
st_expect "steercheck alive" "alive" "$(kill -0 "$checker" 2>/dev/null && echo alive || echo dead)"

# A FIFO at the path (checker stopped): steerd must not block opening it.
st_stop "$checker"
rm -f run/health.shm
mkfifo run/health.shm
sleep 0.5
ctl status
st_expect "steerctl answers with a FIFO at the table path" "0" "$CTL_RC"
st_expect_match "status says the table is not usable" 'health table .*(STALE|stale)' "$CTL_OUT"
st_expect_match "the log names the FIFO" 'run/health\.shm: a FIFO, not a regular file: ignored' \
    "$(cat steerd.log)"
st_expect "DNS still answers (last-known)" "192.0.2.21" "$(answer)"
# A checker replaces the FIFO with a table; steerd reads it.
touch a-ok
start_checker
wait_answer "after the FIFO, a new checker's table reaches answers" "192.0.2.11"
st_done
