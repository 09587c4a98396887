#!/bin/bash
# Drains, forced states, dials and dial ramps persist in state_dir across a
# restart of steerd; a ramp moves in steps, finishes, resumes after a
# restart, and stops (back to its starting dial) when its region goes down.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"
. "$top_srcdir/tests/smoke/ctl-common.sh"
st_need_dig
ctl_setup
ctl_start

dial_of() { ctl status; printf '%s\n' "$CTL_OUT" | sed -n "s/^region $1 .*dial \([0-9]*\)%.*/\1/p"; }
# wait_dial REGION WANT SECONDS
wait_dial() {
    local got
    for _ in $(seq 1 $(($3 * 10))); do
        got=$(dial_of "$1")
        [ "$got" = "$2" ] && break
        sleep 0.1
    done
    printf '%s\n' "$got"
}

st_expect "state_dir created" "750" "$(stat -c %a run/state)"
ctl drain use1-a
ctl force use2-a down
ctl dial us-east-1 70
st_expect "state file written" "steerd-state 1
endpoint use1-a drain
endpoint use2-a down
dial us-east-1 70" "$(grep -v '^#' run/state/steerd.state)"
st_expect "state file mode" "600" "$(stat -c %a run/state/steerd.state)"

st_stop "$ST_STEERD_PID"
st_expect "socket removed at exit" "gone" "$([ -e "$CTL_SOCK" ] || echo gone)"
ctl_start
st_expect "drain restored" "192.0.2.12" "$(www)"
ctl health
st_expect_match "forced state restored" '^use2-a +us-east-2 +down +no-check +down ' "$CTL_OUT"
st_expect "dial restored" "70" "$(dial_of us-east-1)"
ctl undrain all
ctl force use2-a clear

# A ramp in steps: 70 -> 40 over 6 s, seen part way and at the end.
ctl dial us-east-1 40 --over 6s
st_expect_match "ramp started" '^dial us-east-1 ramping 70% -> 40% over 6s \(1% every 200ms\)' "$CTL_OUT"
sleep 2
mid=$(dial_of us-east-1)
st_expect "ramp part way" "yes" "$([ "$mid" -lt 70 ] && [ "$mid" -gt 40 ] && echo yes || echo "no ($mid)")"
ctl status
st_expect_match "status shows the ramp" '^  ramp 70% -> 40% over 6s, started ' "$CTL_OUT"
st_expect_match "state file has the ramp" '^ramp us-east-1 [0-9]+ 70 40 [0-9]+ 6000$' "$(cat run/state/steerd.state)"
st_expect "ramp done" "40" "$(wait_dial us-east-1 40 8)"
st_expect "state after ramp" "dial us-east-1 40" "$(grep '^dial us-east-1' run/state/steerd.state)"
st_expect_match "ramp logged" 'dial us-east-1, ramp 70% -> 40% over 6s done' "$(cat steerd.log)"

# A ramp resumes after a restart where the clock says it should be.
ctl dial us-east-2 10 --over 4s
st_stop "$ST_STEERD_PID"
sleep 4
ctl_start
st_expect "ramp finished while down" "10" "$(wait_dial us-east-2 10 2)"

# The region goes down during a ramp: the ramp stops, the dial goes back.
ctl dial us-east-2 90 --over 20s
sleep 1.2
ctl force use2-a down
st_expect "ramp stopped, dial back" "10" "$(wait_dial us-east-2 10 3)"
ctl status
st_expect_match "status says the ramp stopped" 'ramp 10% -> 90% over 20s stopped at [0-9]+%: region unhealthy \(0 of 1 endpoints up, min_healthy 1\); dial back to 10%' "$CTL_OUT"
st_expect_match "log says the ramp stopped" 'warning: dial us-east-2, ramp 10% -> 90% over 20s stopped' "$(cat steerd.log)"
st_expect "state after abort" "dial us-east-2 10" "$(grep '^dial us-east-2' run/state/steerd.state)"
st_expect_match "state file keeps why the ramp stopped" \
    '^ramp-stopped us-east-2 [0-9]+ ramp 10% -> 90% over 20s stopped at [0-9]+%: region unhealthy' \
    "$(cat run/state/steerd.state)"
st_stop "$ST_STEERD_PID"
ctl_start
ctl status
st_expect_match "a restart still tells why the ramp stopped" \
    '^  ramp 10% -> 90% over 20s stopped at [0-9]+%: region unhealthy .*dial back to 10% at ' "$CTL_OUT"
ctl dial us-east-2 50 --over 5s
st_expect_match "no ramp on an unhealthy region" 'region us-east-2 is unhealthy' "$CTL_OUT"

ctl dial us-east-2 clear
st_expect "dial clear" "0 dial us-east-2 100% from the config (was 10%)" "$CTL_RC $CTL_OUT"
st_expect "dial cleared from the state file" "" "$(grep '^dial us-east-2' run/state/steerd.state)"
st_expect "the note goes with the dial" "" "$(grep '^ramp-stopped us-east-2' run/state/steerd.state)"

# A corrupt state file is moved aside; steerd starts clean.
st_stop "$ST_STEERD_PID"
printf 'steerd-state 1\nendpoint use1-a sideways\n' >run/state/steerd.state
ctl_start
st_expect "corrupt state ignored" "192.0.2.11 192.0.2.12" "$(www)"
st_expect "corrupt state kept aside" "endpoint use1-a sideways" "$(tail -1 run/state/steerd.state.corrupt)"
st_expect_match "corrupt state logged" 'control state, .*steerd\.state:2: endpoint override must be drain, up or down' "$(cat steerd.log)"

st_done
