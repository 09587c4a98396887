# Differential test: the same zone served by steerd and by NSD (minimal
# responses), the same queries to both, every section compared. Intentional
# differences are left out of the list: steerd adds addresses for MX and SRV
# targets, and picks a different RRset for ANY (both follow RFC 8482).
. "$top_srcdir/tests/smoke/answer-common.sh"
NSD=$(command -v nsd || true)
[ -x /usr/sbin/nsd ] && NSD=/usr/sbin/nsd
[ -n "$NSD" ] || st_skip "nsd not installed"

NSD_PORT=$(st_free_port "$ST_ADDR")
mkdir -p "$ST_TMP/nsd"
cat >"$ST_TMP/nsd/nsd.conf" <<CONF
server:
  ip-address: $ST_ADDR@$NSD_PORT
  database: ""
  zonesdir: "$ST_TMP/nsd"
  pidfile: "$ST_TMP/nsd/nsd.pid"
  xfrdfile: "$ST_TMP/nsd/xfrd.state"
  zonelistfile: "$ST_TMP/nsd/zone.list"
  username: ""
  chroot: ""
  server-count: 1
  minimal-responses: yes
  verbosity: 1
remote-control:
  control-enable: no
zone:
  name: answer.test
  zonefile: $ZONE_FILE
CONF
st_start nsd "$NSD" -d -c "$ST_TMP/nsd/nsd.conf"
NSD_PID=$ST_PID
ST_PID=$NSD_PID st_wait_dns "$ST_ADDR" "$NSD_PORT" answer.test ||
    { cat "$ST_TMP/nsd.log"; st_skip "nsd did not start here"; }

# The whole response, header flags and rcode included, sections sorted.
norm() {
    local port=$1; shift
    "$DIG" @"$ST_ADDR" -p "$port" +norec +time=2 +tries=1 +nocookie +noall +comments +answer \
        +authority +additional "$@" |
        grep -v -e '^;; Got answer' -e '^;; OPT' -e '^; EDNS' -e '^; COOKIE' -e '^$' |
        sed 's/, id: [0-9]*//' | squash | sort
}

while read -r name type opts; do
    [ -n "$name" ] || continue
    # shellcheck disable=SC2086
    st_expect "$name $type $opts" "$(norm "$NSD_PORT" $opts "$name" "$type")" \
        "$(norm "$ST_PORT" $opts "$name" "$type")"
done <<'QUERIES'
www.answer.test A
www.answer.test AAAA +dnssec
WwW.AnSwEr.TeSt A
www.answer.test TXT +bufsize=4096
nope.answer.test A
a.b.nope.answer.test MX
www.answer.test MX
ent.answer.test A
deep.ent.answer.test TXT
x.deep.ent.answer.test A
leaf.deep.ent.answer.test A
alias.answer.test A
alias.answer.test CNAME
alias.answer.test MX
chain1.answer.test AAAA
dangling.answer.test A
loop1.answer.test A
self.answer.test A
external.answer.test A
tochild.answer.test A
foo.wild.answer.test A
FoO.wild.answer.test A
a.b.wild.answer.test TXT
foo.wild.answer.test MX
exists.wild.answer.test A
exists.wild.answer.test TXT
ent.wild.answer.test A
x.ent.wild.answer.test A
*.wild.answer.test A
x.cwild.answer.test A
x.nxwild.answer.test A
host.sub.answer.test A
sub.answer.test NS
ns1.sub.answer.test A
a.b.sub.answer.test AAAA
sub.answer.test DS
nods.answer.test DS
x.sub.answer.test DS
x.nods.answer.test A
www.fat.answer.test A +bufsize=1232
answer.test NS
answer.test SOA
answer.test TXT
answer.test DNSKEY
host.old.answer.test A
x.old.answer.test A
a.b.out.answer.test A
old.answer.test A
old.answer.test DNAME
big.answer.test TXT +bufsize=1232
big.answer.test TXT +noedns +ignore
huge.answer.test TXT +tcp
www.example.org A
QUERIES

st_done
