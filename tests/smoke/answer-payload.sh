# The UDP payload cap comes from the config (server.udp_max_payload): the
# OPT advertises it and answers above it are truncated. Also runs with
# coalescing off (server.coalesce_us: 0), which every other test leaves on.
ANSWER_CONFIG='server:
  udp_max_payload: 600
  coalesce_us: 0
zones:
  answer.test: @ZONE_FILE@'
. "$top_srcdir/tests/smoke/answer-common.sh"

st_expect "OPT advertises the cap" "EDNS: version: 0, flags:; udp: 600" "$(edns +bufsize=4096 www.answer.test A)"
# big.answer.test is about 800 bytes: it fits 1232, not 600
st_expect "above the cap: TC" "NOERROR qr aa tc" "$(hdr +bufsize=4096 +ignore big.answer.test TXT)"
st_expect "below the client's size: TC" "NOERROR qr aa tc" "$(hdr +bufsize=700 +ignore big.answer.test TXT)"
st_expect "TCP unaffected" "8" "$(ans +tcp big.answer.test TXT | wc -l | tr -d ' ')"
st_expect "small answers unaffected" "www.answer.test. 3600 IN A 192.0.2.80" "$(ans +bufsize=4096 www.answer.test A)"

st_done
