#!/bin/bash
# The man pages cover every command and option the programs list in their
# --help, and render without warnings; the systemd unit reloads through
# steerctl.
. "${top_srcdir:-$(dirname "$0")/../..}/tests/smoke/lib.sh"

doc=$top_srcdir/doc
for cmd in $("$top_builddir/steerctl" -h | sed -n '/^commands:/,$p' | awk 'NR > 1 { print $1 }'); do
    st_expect_match "steerctl.8 documents $cmd" "^\.B[IR]? \"?$cmd\b" "$(cat "$doc/steerctl.8")"
done
for prog in steerd steercheck steerctl; do
    for opt in $("$top_builddir/$prog" --help 2>&1 | grep -oE -- '--[a-z][a-z-]+' | sort -u); do
        man_opt=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
        st_expect_match "$prog.8 documents $opt" "$man_opt" "$(cat "$doc/$prog.8")"
    done
done
if command -v man >/dev/null 2>&1 && man --help 2>&1 | grep -q -- --warnings; then
    for page in steerd.8 steercheck.8 steerctl.8; do
        st_expect "$page renders cleanly" "" "$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$doc/$page" 2>&1 >/dev/null)"
    done
fi
st_expect_match "steerd.service reloads with steerctl" '^ExecReload=/.*/steerctl -c /.*/steerdns/steerd.yaml reload$' \
    "$(cat "$top_builddir/dist/systemd/steerd.service")"
if command -v systemd-analyze >/dev/null 2>&1; then
    for unit in steerd.service steercheck.service; do
        # Binaries and man pages are not installed here: only syntax counts.
        st_expect "systemd-analyze verify $unit" "" \
            "$(systemd-analyze verify "$top_builddir/dist/systemd/$unit" 2>&1 | grep -v -e 'is not executable' -e "Command 'man ")"
    done
fi
st_done
