#!/bin/bash
# DNS cookies on the real steerd, with dig: +cookie gets a server cookie
# that verifies on the next query (sent back as it is); a wrong server
# cookie is answered as usual with a fresh one and a malformed COOKIE is
# FORMERR (RFC 7873 5.2); steerctl cookie-rotate keeps the previous
# secret's cookies valid for one rotation; the secret survives a restart;
# cookies off ignore the option.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"
st_need_dig

ST_PORT=$(st_free_port 127.0.0.1)
st_write_zone "$ST_TMP/example.test.zone" example.test. 2024010101
write_config() {
    cat >"$ST_TMP/steerd.yaml" <<EOF
server:
  listen: ["127.0.0.1:$ST_PORT"]
  workers: 2
  control: $ST_TMP/ctl.sock
  state_dir: $ST_TMP/state
  cookies: $1
zones:
  example.test: example.test.zone
EOF
}
start() { st_steerd_config "$ST_TMP/steerd.yaml" example.test || exit 1; }
ctl() { "$top_builddir/steerctl" -s "$ST_TMP/ctl.sock" "$@"; }
# The COOKIE dig prints (client and server cookie, hex) and its verdict.
cookie_of() { printf '%s\n' "$1" | sed -n 's/^; COOKIE: \([0-9a-f]*\).*/\1/p'; }
valid_count() { ctl stats | sed -n 's/^cookies client-only [0-9]*, valid \([0-9]*\),.*/\1/p'; }

write_config true
start
st_expect "secret file made, mode 0600" "-rw-------" "$(stat -c %A "$ST_TMP/state/cookie-secret")"

out=$(st_dig +cookie www.example.test A)
st_expect_match "+cookie: NOERROR" 'status: NOERROR' "$out"
st_expect_match "+cookie: a server cookie the client accepts" '^; COOKIE: [0-9a-f]{48} \(good\)$' "$out"
c1=$(cookie_of "$out")
client=${c1:0:16}
st_expect_match "server cookie is RFC 9018 version 1" '^[0-9a-f]{16}01000000[0-9a-f]{24}$' "$c1"

before=$(valid_count)
out=$(st_dig +cookie="$c1" www.example.test A)
st_expect "next query: the cookie verifies and comes back as it is" "$c1" "$(cookie_of "$out")"
st_expect "next query: counted valid" "$((before + 1))" "$(valid_count)"
out=$(st_dig +tcp +cookie="$c1" www.example.test A)
st_expect "over TCP too" "$c1" "$(cookie_of "$out")"

# RFC 7873 5.4: a query without a question learns a server cookie.
out=$(st_dig +header-only +cookie)
st_expect_match "no question, a cookie: NOERROR" 'status: NOERROR.*QUERY: 0, ANSWER: 0' "$(printf '%s' "$out" | tr '\n' ' ')"
st_expect_match "no question, a cookie: a server cookie" '^; COOKIE: [0-9a-f]{48} \(good\)$' "$out"

# RFC 7873 5.2.4: a wrong server cookie is answered as if it were absent.
wrong=${client}01000000$(printf '%024d' 0)
out=$(st_dig +cookie="$wrong" www.example.test A)
st_expect_match "wrong server cookie: NOERROR with the answer" 'status: NOERROR.*ANSWER: 1' "$(printf '%s' "$out" | tr '\n' ' ')"
fresh=$(cookie_of "$out")
st_expect_match "wrong server cookie: a fresh one for the same client" "^${client}01000000[0-9a-f]{24}\$" "$fresh"
st_expect "wrong server cookie: not echoed" "yes" "$([ "$fresh" != "$wrong" ] && echo yes)"
# 5.2.2: lengths other than 8 or 16..40 bytes are FORMERR.
out=$(st_dig +cookie=0011223344556677aa www.example.test A)
st_expect_match "9-byte COOKIE: FORMERR" 'status: FORMERR' "$out"

# Rotation: the previous secret's cookie stays valid for one rotation.
st_expect_match "cookie-rotate" '^new server secret in .*/state/cookie-secret; the previous one is accepted until the next rotation$' "$(ctl cookie-rotate)"
st_expect_match "secret file keeps the previous secret" '^previous [0-9a-f]{32}$' "$(cat "$ST_TMP/state/cookie-secret")"
st_expect_match "status: the secret and the previous one" \
    '^cookies on, secret made [0-9TZ:-]+, the previous one accepted until the next rotation$' "$(ctl status)"
st_expect_match "status --json: cookies" '"cookies":\{"secret_since":[0-9]+,"previous":true\}' "$(ctl status --json)"
before=$(valid_count)
out=$(st_dig +cookie="$c1" www.example.test A)
st_expect "after one rotation: the old cookie is valid" "$c1" "$(cookie_of "$out")"
st_expect "after one rotation: counted valid" "$((before + 1))" "$(valid_count)"
out=$(st_dig +cookie www.example.test A)
c2=$(cookie_of "$out")
ctl cookie-rotate >/dev/null
out=$(st_dig +cookie="$c1" www.example.test A)
st_expect_match "after two rotations: the old cookie is replaced" "^${client}01000000[0-9a-f]{24}\$" "$(cookie_of "$out")"
st_expect "after two rotations: not the old one" "yes" "$([ "$(cookie_of "$out")" != "$c1" ] && echo yes)"
out=$(st_dig +cookie="$c2" www.example.test A)
st_expect "the cookie of the secret in between is valid" "$c2" "$(cookie_of "$out")"

# The secret lives in state_dir: a restart accepts the cookies of before.
st_stop "$ST_STEERD_PID"
start
out=$(st_dig +cookie="$c2" www.example.test A)
st_expect "after a restart: still valid" "$c2" "$(cookie_of "$out")"

# A copied secret file (another server of an anycast set rotated) is read
# on reload; a damaged one fails the reload and the secret in use stays.
cp "$ST_TMP/state/cookie-secret" "$ST_TMP/kept"
printf 'steerd-cookie-secret 1\ncurrent 000102030405060708090a0b0c0d0e0f\n' >"$ST_TMP/state/cookie-secret"
ctl reload >/dev/null
out=$(st_dig +cookie="$c2" www.example.test A)
st_expect "reload reads a new secret file: the old cookie is replaced" "yes" "$([ "$(cookie_of "$out")" != "$c2" ] && echo yes)"
echo "current nothex" >"$ST_TMP/state/cookie-secret"
st_expect_match "damaged secret file: the reload fails, naming it" \
    "cookie-secret:1: not a steerd cookie secret file" "$(ctl reload 2>&1)"

# Cookies off: the option is ignored, cookie-rotate says so.
write_config false
ctl reload >/dev/null
out=$(st_dig +cookie www.example.test A)
st_expect "cookies off: no COOKIE in the answer" "" "$(cookie_of "$out")"
st_expect_match "cookies off: NOERROR" 'status: NOERROR' "$out"
st_expect_match "cookies off: cookie-rotate refuses" 'cookies are off' "$(ctl cookie-rotate 2>&1)"
st_expect_match "cookies off: status says so" '^cookies off$' "$(ctl status)"
st_done
