/* Config errors: every class of error with its exact file:line:column
 * message, a missing file, and damaged copies of the full config (every error
 * path, for the sanitizer build to check for leaks). */
#include "test_conf.h"

#include <stdlib.h>
#include <unistd.h>

static const struct {
	const char *yaml;
	const char *error;
} bad[] = {
    /* syntax and structure */
    {"server:\n  listen: [\n",
     "t.yaml:3:1: YAML syntax: did not find expected node content while parsing a flow node"},
    {"zones: {}\nserver:\n\tworkers: 1\n",
     "t.yaml:3:1: YAML syntax: found character that cannot start any token while scanning for "
     "the next token (a tab in the indentation: YAML indents with spaces)"},
    {"server:\n  workers: 1\n  @x: 1\n",
     "t.yaml:3:3: YAML syntax: found character that cannot start any token while scanning for "
     "the next token"},
    {"server:\n  workers: 1\n  workers: 2\n",
     "t.yaml:3:3: duplicate key 'workers' (first given at line 2); remove one of them"},
    {"a: 1\n---\nb: 2\n",
     "t.yaml:2:1: only one YAML document is allowed (remove this '---' and what follows)"},
    {"server: &s\n  workers: 1\nother: *s\n",
     "t.yaml:3:8: aliases (*s) are not supported; write the value out"},
    {"? [a]\n: 1\n", "t.yaml:1:3: a mapping key must be a plain name, not a list"},
    {"- a\n", "t.yaml:1:1: expected a mapping of sections (server:, zones:...), not a list"},
    /* unknown keys */
    {"sever:\n  workers: 1\n", "t.yaml:1:1: unknown section 'sever' (did you mean 'server'?)"},
    {"tls:\n  x: 1\n",
     "t.yaml:1:1: unknown section 'tls' (sections are server, tsig, zones, geo, health, "
     "checks, regions, records, fleet)"},
    {"server:\n  wokers: 2\n",
     "t.yaml:2:3: server: unknown key 'wokers' (did you mean 'workers'?)"},
    {"server:\n  frobnicate: 2\n", "t.yaml:2:3: server: unknown key 'frobnicate' for a server"},
    /* a key of another section says where it belongs */
    {"server:\n  stale_after: 5s\n",
     "t.yaml:2:3: server: 'stale_after' is not a key of a server: it belongs to the health: "
     "section"},
    {"regions:\n  r: { address: 192.0.2.1, endpoints: { e: { address: 192.0.2.1 } } }\n",
     "t.yaml:2:8: regions.r: 'address' is not a key of a region: it belongs to an endpoint "
     "(under a region's endpoints:)"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, regions: [r], bias: 10 }\n",
     "t.yaml:4:46: records.www.example.test: 'bias' is not a key of a record: it belongs to a "
     "region (under regions:)"},
    {"checks:\n  web: { type: http, intervall: 2s }\n",
     "t.yaml:2:22: checks.web: unknown key 'intervall' (did you mean 'interval'?)"},
    /* wrong types and ranges */
    {"server:\n  workers: two\n", "t.yaml:2:12: server.workers: 'two' is not a whole number"},
    {"server:\n  workers: [1]\n",
     "t.yaml:2:12: server.workers: expected a single value, not a list"},
    {"server:\n  listen: [\"127.0.0.1:53\", ~]\n",
     "t.yaml:2:28: server.listen: a value is missing"},
    {"server:\n  rrl: { rate: 0 }\n",
     "t.yaml:2:16: server.rrl.rate: 0 is out of range (1..1000000)"},
    {"server:\n  identity: \"\"\n",
     "t.yaml:2:13: server.identity: the text must be 1 to 255 bytes long (it is 0); leave the "
     "key out to answer REFUSED"},
    {"server:\n  nsid: 0x123\n",
     "t.yaml:2:9: server.nsid: '0x123' is not 0x and an even number of hex digits (1 to 128 "
     "bytes)"},
    {"server:\n  nsid: 0xgg\n",
     "t.yaml:2:9: server.nsid: '0xgg' is not 0x and an even number of hex digits (1 to 128 "
     "bytes)"},
    {"server:\n  rrl: { sip: 2 }\n",
     "t.yaml:2:10: server.rrl: unknown key 'sip' (did you mean 'slip'?)"},
    {"server:\n  rrl: { exempt: [10.0.0.1/8] }\n",
     "t.yaml:2:19: server.rrl.exempt: '10.0.0.1/8' has address bits set past its prefix length "
     "(the network is 10.0.0.0/8)"},
    {"server:\n  rrl: { exempt: [\"10.0.0.0/8\", \"10.0.0.0/8\"] }\n",
     "t.yaml:2:33: server.rrl.exempt: '10.0.0.0/8' is listed twice"},
    {"server:\n  rrl: { exempt: [nonsense] }\n",
     "t.yaml:2:19: server.rrl.exempt: 'nonsense' is not a network (ADDR/LEN) or an address"},
    {"server:\n  rrl: { exempt: { a: 1 } }\n",
     "t.yaml:2:18: server.rrl.exempt: expected a list of networks (ADDR/LEN or ADDR), not a "
     "mapping"},
    {"server:\n  rrl: maybe\n",
     "t.yaml:2:8: server.rrl: expected a mapping (rate, slip, ipv4_prefix, ipv6_prefix, "
     "table_size, exempt), true or false, not 'maybe'"},
    {"server:\n  rrl: [1]\n", "t.yaml:2:8: server.rrl: expected a mapping of server.rrl keys, not a list"},
    {"server:\n  rate: 5\n",
     "t.yaml:2:3: server: 'rate' is not a key of a server: it belongs to server.rrl (under "
     "server:)"},
    {"server:\n  cookies: sometimes\n", "t.yaml:2:12: server.cookies: 'sometimes' is not true or false"},
    {"server:\n  udp_max_payload: 100\n",
     "t.yaml:2:20: server.udp_max_payload: 100 is out of range (512..4096)"},
    {"server:\n  udp_max_payload: 99999999999999999999999\n",
     "t.yaml:2:20: server.udp_max_payload: '99999999999999999999999' is too large"},
    {"server:\n  tcp_idle_timeout: soon\n",
     "t.yaml:2:21: server.tcp_idle_timeout: 'soon' is not a duration (write 250ms, 2s, 5m, "
     "1h or a number of seconds)"},
    {"server:\n  listen: [\"127.0.0.1:53\", \"localhost:53\"]\n",
     "t.yaml:2:28: server.listen: 'localhost:53' is not ADDR:PORT or [ADDR6]:PORT"},
    {"server:\n  listen: [\"127.0.0.1:53\", \"127.0.0.1\"]\n",
     "t.yaml:2:28: server.listen: '127.0.0.1' is listed twice"},
    {"server:\n  listen: []\n",
     "t.yaml:2:11: server.listen: the list is empty; give at least one ADDR:PORT"},
    {"server:\n  metrics: nowhere:80\n",
     "t.yaml:2:12: server.metrics: 'nowhere:80' is not ADDR:PORT or [ADDR6]:PORT (numeric "
     "address)"},
    {"server:\n  log_level: loud\n",
     "t.yaml:2:14: server.log_level: 'loud' is not one of: error, warning, notice, info, "
     "debug"},
    {"server: 5\n", "t.yaml:1:9: server: expected a mapping of server keys, not a value"},
    {"regions:\n  r: { select: multivalu, endpoints: { e: { address: 192.0.2.1 } } }\n",
     "t.yaml:2:16: regions.r.select: 'multivalu' is not one of: weighted, all, multivalue (did "
     "you mean 'multivalue'?)"},
    {"health:\n  on_stale: fail-closed\n",
     "t.yaml:2:13: health.on_stale: 'fail-closed' is not one of: last-known, fail-open"},
    {"health:\n  stale_after: 10ms\n",
     "t.yaml:2:16: health.stale_after: 10ms is out of range (100ms..1d)"},
    {"health:\n  source: 192.0.2.1:53\n",
     "t.yaml:2:11: health.source: '192.0.2.1:53' is not an IPv4 or IPv6 address (no port)"},
    /* fleet */
    {"fleet: {}\n", "t.yaml:1:8: fleet: 'etcd' is required"},
    {"fleet:\n  etcd: 127.0.0.1:2379\n",
     "t.yaml:2:9: fleet.etcd: '127.0.0.1:2379' is not an etcd client URL (http://HOST:PORT or "
     "https://HOST:PORT, IPv6 in brackets)"},
    {"fleet:\n  etcd: [\"http://a:1\", \"http://a:1\"]\n",
     "t.yaml:2:24: fleet.etcd: 'http://a:1' is listed twice"},
    {"fleet:\n  etcd: [\"http://a:1\"]\n  quorum: half\n",
     "t.yaml:3:11: fleet.quorum: 'half' is not majority, a count of vantage points (1-1000) or "
     "a percentage (1%-100%)"},
    {"fleet:\n  etcd: [\"http://a:1\"]\n  view_ttl: 1500ms\n",
     "t.yaml:3:13: fleet.view_ttl: 1500ms is out of range (2s..1h)"},
    {"fleet:\n  etcd: [\"http://a:1\"]\n  view_ttl: 2500ms\n",
     "t.yaml:3:13: fleet.view_ttl: etcd leases are whole seconds: write 2s, 5s, 30s..."},
    {"fleet:\n  etcd: [\"http://a:1\"]\n  view_ttl: 10s\n  stale_after: 5s\n",
     "t.yaml:4:16: fleet.stale_after: must be at least view_ttl: etcd is not given up on "
     "before a view could expire"},
    {"fleet:\n  etcd: [\"http://a:1\"]\n  name: use/1\n",
     "t.yaml:3:9: fleet: fleet name 'use/1' may only hold letters, digits, '-', '_' and '.'"},
    {"fleet:\n  etcd: [\"http://a:1\"]\n  prefix: steerdns/\n",
     "t.yaml:3:11: fleet.prefix: 'steerdns/' must start with '/', not end with one, and be "
     "2-128 characters (like /steerdns)"},
    {"fleet:\n  etcd: [\"https://a:1\"]\n  tls: { cert_file: c.pem }\n",
     "t.yaml:3:8: fleet.tls: cert_file and key_file go together"},
    {"fleet:\n  etcd: [\"http://a:1\"]\n  tls: { ca_file: ca.pem }\n",
     "t.yaml:3:8: fleet.tls: tls is for https:// etcd endpoints; none is"},
    {"fleet:\n  etcd: [\"https://a:1\"]\n  tls: { ca_fil: ca.pem }\n",
     "t.yaml:3:10: fleet.tls: unknown key 'ca_fil' (did you mean 'ca_file'?)"},
    /* zones */
    {"zones:\n  bad..name: z\n",
     "t.yaml:2:3: zones: 'bad..name' has an empty label (a leading dot or two dots in a row)"},
    {"zones:\n  Example.test: a\n  example.test.: b\n",
     "t.yaml:3:3: zones: zone example.test. is given twice (first at line 2)"},
    {"server:\n  control: \"\"\n",
     "t.yaml:2:12: server.control: the value is empty (leave the key out for the default)"},
    {"zones:\n  example.test:\n",
     "t.yaml:2:16: zones.example.test: expected the zone's file name or a mapping with "
     "'file:', not nothing"},
    {"zones:\n  example.test: { allow_transfer: [k] }\n",
     "t.yaml:2:3: zones.example.test: the zone needs 'file: PATH' (its master file)"},
    {"zones:\n  catalog.test: { catalog: true, file: z, allow_transfer: [192.0.2.1] }\n",
     "t.yaml:2:34: zones.catalog.test.file: a catalog zone is made from the other zones: no "
     "'file:'"},
    {"zones:\n  catalog.test: { catalog: true }\n",
     "t.yaml:2:3: zones.catalog.test: a catalog zone is for secondaries: give it "
     "'allow_transfer:' (and 'notify:')"},
    {"zones:\n  catalog.test: { catalog: true, serial: file, allow_transfer: [192.0.2.1] }\n",
     "t.yaml:2:34: zones.catalog.test.serial: a catalog zone has no file to take a serial "
     "from: its serial is 'unixtime' (the time its list last changed)"},
    {"zones:\n  example.test: { catalog: false, allow_transfer: [192.0.2.1] }\n",
     "t.yaml:2:3: zones.example.test: the zone needs 'file: PATH' (its master file)"},
    {"zones:\n  example.test: { file: z, allow_transfer: [k] }\n",
     "t.yaml:2:45: zones.example.test.allow_transfer: 'k' is not a key of the tsig: section nor "
     "an address or range (keys: none)"},
    {"tsig: { k1: { secret: AQID } }\nzones:\n  example.test: { file: z, allow_transfer: kk }\n",
     "t.yaml:3:44: zones.example.test.allow_transfer: 'kk' is not a key of the tsig: section nor "
     "an address or range (keys: k1.)"},
    {"zones:\n  example.test: { file: z, allow_transfer: [192.0.2.1/24] }\n",
     "t.yaml:2:45: zones.example.test.allow_transfer: '192.0.2.1/24' has bits set past the "
     "prefix length"},
    {"zones:\n  example.test: { file: z, allow_transfer: [192.0.2.0/33] }\n",
     "t.yaml:2:45: zones.example.test.allow_transfer: '192.0.2.0/33' is not an address or a "
     "range such as 192.0.2.0/24"},
    {"zones:\n  example.test: { file: z, allow_transfer: [{ key: k }] }\n",
     "t.yaml:2:45: zones.example.test.allow_transfer: { key: NAME, address: RANGE } needs both"},
    {"zones:\n  example.test: { file: z, notify: [\"ns.example:53\"] }\n",
     "t.yaml:2:37: zones.example.test.notify: 'ns.example:53' is not ADDR, ADDR:PORT or "
     "[ADDR6]:PORT (numeric)"},
    {"zones:\n  example.test: { file: z, notify: [{ address: 192.0.2.1, key: x }] }\n",
     "t.yaml:2:64: zones.example.test.notify: 'x' is not a key of the tsig: section (keys: "
     "none)"},
    {"zones:\n  example.test: { file: z, notify: [{ address: 192.0.2.1, source: \"::1\" }] }\n",
     "t.yaml:2:67: zones.example.test.notify: source '::1' and the target's address are not of "
     "the same family (IPv4 or IPv6)"},
    {"zones:\n  example.test: { file: z, notify: [{ address: 192.0.2.1, source: ns1 }] }\n",
     "t.yaml:2:67: zones.example.test.notify: source 'ns1' is not an address of this host (ADDR, "
     "ADDR:PORT or [ADDR6]:PORT, numeric)"},
    {"zones:\n  example.test: { file: z, notify: [{ address: 192.0.2.1, via: 192.0.2.2 }] }\n",
     "t.yaml:2:59: zones.example.test.notify: unknown key 'via' (a target is ADDR:PORT or "
     "{ address: ADDR:PORT, key: NAME, source: ADDR })"},
    {"zones:\n  example.test: { file: z, routed_in_transfer: some }\n",
     "t.yaml:2:48: zones.example.test.routed_in_transfer: 'some' is not one of: all, omit"},
    {"zones:\n  example.test: { file: z, serial: date }\n",
     "t.yaml:2:36: zones.example.test.serial: 'date' is not one of: file, unixtime"},
    {"zones:\n  example.test: { file: z, ixfr: 3 }\n",
     "t.yaml:2:28: zones.example.test: unknown key 'ixfr' for a zone"},
    /* dnssec */
    {"zones:\n  example.test: { file: z, dnssec: keys }\n",
     "t.yaml:2:36: zones.example.test.dnssec: expected { keys: FOLDER, signature_validity: 7d }, "
     "not a value"},
    {"zones:\n  example.test: { file: z, dnssec: { signature_validity: 7d } }\n",
     "t.yaml:2:36: zones.example.test.dnssec: 'keys' is required"},
    {"zones:\n  example.test: { file: z, dnssec: { keys: k, signature_validity: 10s } }\n",
     "t.yaml:2:67: zones.example.test.dnssec.signature_validity: 10s is out of range (20s..366d)"},
    {"zones:\n  example.test: { file: z, dnssec: { keys: k, denial: nsec3 } }\n",
     "t.yaml:2:55: zones.example.test.dnssec.denial: 'nsec3' is not one of: compact"},
    {"zones:\n  example.test: { file: z, dnssec: { keys: k, validity: 7d } }\n",
     "t.yaml:2:47: zones.example.test.dnssec: unknown key 'validity' for a zone's dnssec"},
    /* tsig */
    {"tsig:\n  k: { algorithm: hmac-md5, secret: AQID }\n",
     "t.yaml:2:19: tsig.k.algorithm: 'hmac-md5' is not one of hmac-sha256, hmac-sha384, "
     "hmac-sha512"},
    {"tsig:\n  k: { algorithm: hmac-sha256 }\n",
     "t.yaml:2:3: tsig.k: give the key's secret as 'secret: BASE64' or 'secret_file: PATH' (one "
     "of them)"},
    {"tsig:\n  k: { secret: \"not base64!\" }\n",
     "t.yaml:2:16: tsig.k.secret: the secret is not base64 (make one with: tsig-keygen, keymgr -t "
     "NAME, or openssl rand -base64 32)"},
    {"tsig:\n  k: { secret_file: /nonexistent/key }\n",
     "t.yaml:2:21: tsig.k.secret_file: cannot read /nonexistent/key (No such file or directory)"},
    {"tsig:\n  k: { secret: AQID }\n  K.: { secret: AQID }\n",
     "t.yaml:3:3: tsig.K.: key k. is given twice (first at line 2)"},
    {"tsig:\n  k: AQID\n",
     "t.yaml:2:6: tsig.k: expected { algorithm: hmac-sha256, secret: BASE64 }, not a value"},
    /* checks */
    {"checks:\n  web: { port: 80 }\n", "t.yaml:2:3: checks.web: 'type' is required"},
    {"checks:\n  web: { type: smtp }\n",
     "t.yaml:2:16: checks.web.type: 'smtp' is not one of: http, https, tcp, dns, exec"},
    {"checks:\n  web: { type: http, interval: 50ms }\n",
     "t.yaml:2:32: checks.web.interval: 50ms is out of range (100ms..1d)"},
    {"checks:\n  web: { type: http, interval: 1s, timeout: 1s }\n",
     "t.yaml:2:45: checks.web.timeout: timeout 1s must be shorter than interval 1s"},
    {"checks:\n  web: { type: http, interval: 500ms }\n",
     "t.yaml:2:32: checks.web.interval: timeout 1s must be shorter than interval 500ms"},
    {"checks:\n  web: { type: http, expect_status: [200, \"500-400\"] }\n",
     "t.yaml:2:43: checks.web.expect_status: '500-400' is not within 100-599 (low-high)"},
    {"checks:\n  web: { type: http, expect_status: [ok] }\n",
     "t.yaml:2:38: checks.web.expect_status: 'ok' is not a status code (200) or a range "
     "(\"200-399\")"},
    {"checks:\n  web: { type: http, path: healthz }\n",
     "t.yaml:2:28: checks.web.path: 'healthz' must start with '/'"},
    {"checks:\n  web: { type: tcp, path: /x }\n",
     "t.yaml:2:21: checks.web: 'path' does not apply to tcp checks (only to http and https)"},
    {"checks:\n  web: { type: http, tls_verify: maybe }\n",
     "t.yaml:2:34: checks.web.tls_verify: 'maybe' is not true or false"},
    {"checks:\n  run: { type: exec }\n",
     "t.yaml:2:3: checks.run: an exec check needs 'command: [program, arg...]'"},
    {"checks:\n  run: { type: exec, command: \"test -f /x\" }\n",
     "t.yaml:2:31: checks.run.command: expected the command as a list [program, arg...] (it "
     "runs without a shell), not a value"},
    {"checks:\n  ns: { type: dns, dns_type: BOGUS }\n",
     "t.yaml:2:30: checks.ns.dns_type: 'BOGUS' is not a record type (A, AAAA, SOA, TXT, "
     "TYPE65...)"},
    {"checks:\n  ns: { type: dns, dns_rcode: 16 }\n",
     "t.yaml:2:31: checks.ns.dns_rcode: 16 is out of range (0..15)"},
    {"checks:\n  ns: { type: dns, port: 0 }\n",
     "t.yaml:2:26: checks.ns.port: 0 is out of range (1..65535)"},
    {"checks:\n  \"a b\": { type: tcp }\n",
     "t.yaml:2:3: checks: check name 'a b' may only hold letters, digits, '-', '_' and '.'"},
    /* regions and endpoints */
    {"regions:\n  r: { dial: 0 }\n", "t.yaml:2:3: regions.r: 'endpoints' is required"},
    {"regions:\n  r:\n    dial: 101\n    endpoints: { e: { address: 192.0.2.1 } }\n",
     "t.yaml:3:11: regions.r.dial: 101 is out of range (0..100)"},
    {"regions:\n  r:\n    bias: -100\n    endpoints: { e: { address: 192.0.2.1 } }\n",
     "t.yaml:3:11: regions.r.bias: -100 is out of range (-99..99)"},
    {"regions:\n  r:\n    location: [91, 0]\n    endpoints: { e: { address: 192.0.2.1 } }\n",
     "t.yaml:3:16: regions.r.location: latitude 91 is out of range (-90..90)"},
    {"regions:\n  r:\n    location: [0, east]\n    endpoints: { e: { address: 192.0.2.1 } }\n",
     "t.yaml:3:19: regions.r.location: longitude 'east' is not a number of degrees"},
    {"regions:\n  r:\n    location: 12\n    endpoints: { e: { address: 192.0.2.1 } }\n",
     "t.yaml:3:15: regions.r.location: expected [latitude, longitude] in degrees, e.g. "
     "[38.9, -77.4]"},
    {"regions:\n  r:\n    select: random\n    endpoints: { e: { address: 192.0.2.1 } }\n",
     "t.yaml:3:13: regions.r.select: 'random' is not one of: weighted, all, multivalue"},
    {"regions:\n  r:\n    select_max: 2\n    endpoints: { e: { address: 192.0.2.1 } }\n",
     "t.yaml:3:5: regions.r: 'select_max' applies only to 'select: multivalue'"},
    {"regions:\n  r:\n    min_healthy: 2\n    endpoints: { e: { address: 192.0.2.1 } }\n",
     "t.yaml:3:18: regions.r.min_healthy: 2 is more than the region's 1 endpoint: it could "
     "never be healthy"},
    {"regions:\n  r:\n    endpoints: { e: { address: 192.0.2.300 } }\n",
     "t.yaml:3:32: regions.r.endpoints.e.address: '192.0.2.300' is not an IPv4 or IPv6 "
     "address"},
    {"regions:\n  r:\n    endpoints: { e: { address6: 192.0.2.1 } }\n",
     "t.yaml:3:33: regions.r.endpoints.e.address6: '192.0.2.1' is not an IPv6 address (put "
     "IPv4 in 'address')"},
    {"regions:\n  r:\n    endpoints: { e: { address: \"::1\", address6: \"::2\" } }\n",
     "t.yaml:3:49: regions.r.endpoints.e.address6: the endpoint has an IPv6 address "
     "already; give IPv4 in 'address' and IPv6 in 'address6'"},
    {"regions:\n  r:\n    endpoints: { e: { weight: 2 } }\n",
     "t.yaml:3:18: regions.r.endpoints.e: the endpoint needs an 'address', 'address6' or "
     "'cname'"},
    {"regions:\n  r:\n    endpoints: { e: { address: 192.0.2.1, check: web } }\n",
     "t.yaml:3:50: regions.r.endpoints.e.check: no check named 'web' in the checks: section"},
    {"checks:\n  web: { type: http }\nregions:\n  r:\n    endpoints: { e: { address: "
     "192.0.2.1, check: wbe } }\n",
     "t.yaml:5:50: regions.r.endpoints.e.check: no check named 'wbe' (did you mean 'web'?)"},
    {"checks:\n  t: { type: tcp }\nregions:\n  r:\n    endpoints: { e: { address: "
     "192.0.2.1, check: t } }\n",
     "t.yaml:5:50: regions.r.endpoints.e.check: tcp check 't' has no port: set 'port' in "
     "the check or give 'check_target: ADDR:PORT'"},
    {"checks:\n  w: { type: http, port: 80 }\nregions:\n  r:\n    endpoints: { e: { cname: "
     "a.example.net, check: w } }\n",
     "t.yaml:5:52: regions.r.endpoints.e.check: check 'w' (http) needs an address to probe, "
     "and the endpoint has only a cname: give 'check_target: ADDR:PORT'"},
    {"checks:\n  db: { type: tcp, target: db.example.net:5432 }\n",
     "t.yaml:2:28: checks.db.target: 'db.example.net:5432' is not ADDR:PORT, [ADDR6]:PORT or "
     "ADDR (numeric address)"},
    {"checks:\n  db: { type: tcp, target: 192.0.2.40 }\n",
     "t.yaml:2:28: checks.db.target: a tcp check needs a port: 'target: ADDR:PORT', or "
     "'port:'"},
    {"checks:\n  s: { type: exec, command: [/bin/true], target: \"127.0.0.1:1\" }\n",
     "t.yaml:2:42: checks.s: 'target' does not apply to exec checks (only to http, https, tcp "
     "and dns)"},
    {"regions:\n  r:\n    endpoints: { e: { address: 192.0.2.1, check_target: "
     "\"127.0.0.1:1\" } }\n",
     "t.yaml:3:43: regions.r.endpoints.e: 'check_target' needs a 'check' to say how to probe "
     "it"},
    {"checks:\n  web: { type: http }\n  db: { type: tcp, port: 5432 }\nregions:\n  r:\n    endpoints:\n"
     "      e: { address: 192.0.2.1, check: [web, db], healthy_when: 3 }\n",
     "t.yaml:7:64: regions.r.endpoints.e.healthy_when: 3 is more than the endpoint's "
     "2 checks: it could never be healthy"},
    {"checks:\n  web: { type: http }\n  db: { type: tcp, port: 5432 }\nregions:\n  r:\n    endpoints:\n"
     "      e: { address: 192.0.2.1, check: [web, db], healthy_when: 0 }\n",
     "t.yaml:7:64: regions.r.endpoints.e.healthy_when: 0 checks would make the "
     "endpoint always healthy: give 1 or more (or leave 'check' out)"},
    {"checks:\n  web: { type: http }\n  db: { type: tcp, port: 5432 }\nregions:\n  r:\n    endpoints:\n"
     "      e: { address: 192.0.2.1, check: [web, db], healthy_when: most }\n",
     "t.yaml:7:64: regions.r.endpoints.e.healthy_when: 'most' is not all, any or a "
     "number of checks"},
    {"checks:\n  web: { type: http }\n  db: { type: tcp, port: 5432 }\nregions:\n  r:\n    endpoints:\n"
     "      e: { address: 192.0.2.1, check: [web, dbb] }\n",
     "t.yaml:7:45: regions.r.endpoints.e.check: no check named 'dbb' (did you mean "
     "'db'?)"},
    {"checks:\n  web: { type: http }\n  db: { type: tcp, port: 5432 }\nregions:\n  r:\n    endpoints:\n"
     "      e: { address: 192.0.2.1, check: [web, db, web] }\n",
     "t.yaml:7:49: regions.r.endpoints.e.check: check 'web' is listed twice"},
    {"checks:\n  web: { type: http }\n  db: { type: tcp, port: 5432 }\nregions:\n  r:\n    endpoints:\n"
     "      e: { address: 192.0.2.1, check: [] }\n",
     "t.yaml:7:39: regions.r.endpoints.e.check: the list of checks is empty (leave "
     "'check' out for an endpoint that is always healthy)"},
    {"checks:\n  web: { type: http }\n  db: { type: tcp, port: 5432 }\nregions:\n  r:\n    endpoints:\n"
     "      e: { address: 192.0.2.1, healthy_when: any }\n",
     "t.yaml:7:32: regions.r.endpoints.e: 'healthy_when' needs a list of checks "
     "(check: [a, b])"},
    {"checks:\n  web: { type: http }\n  db: { type: tcp, port: 5432 }\nregions:\n  r:\n    endpoints:\n"
     "      e: { address: 192.0.2.1, check: [web, { db: 1 }] }\n",
     "t.yaml:7:45: regions.r.endpoints.e.check: expected a single value, not a "
     "mapping"},
    {"checks:\n  web: { type: http, invert: maybe }\n",
     "t.yaml:2:30: checks.web.invert: 'maybe' is not true or false"},
    {"regions:\n  r:\n    endpoints: { e: { address: 192.0.2.1, check_target: lb:80 } }\n",
     "t.yaml:3:57: regions.r.endpoints.e.check_target: 'lb:80' is not ADDR:PORT, "
     "[ADDR6]:PORT or ADDR (numeric address)"},
    {"regions:\n  r:\n    endpoints: { e: { address: 192.0.2.1 } }\n  s:\n    endpoints: "
     "{ e: { address: 192.0.2.2 } }\n",
     "t.yaml:5:18: regions.s: endpoint name 'e' is used already in region r (line 3); "
     "endpoint names are unique across regions"},
    {"regions:\n  r:\n    endpoints: { s: { address: 192.0.2.1 } }\n  s:\n    endpoints: "
     "{ e: { address: 192.0.2.2 } }\n",
     "t.yaml:3:18: regions.r: endpoint name 's' is also a region name (line 4); rename one "
     "so that weights keys are unambiguous"},
    {"regions:\n  r:\n    endpoints: {}\n",
     "t.yaml:3:16: regions.r.endpoints: expected a mapping of endpoint name -> { address: "
     "... }, not an empty one"},
    /* records */
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { regions: [r] }\n",
     "t.yaml:4:3: records.www.example.test: 'type' is required"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: MX, regions: [r] }\n",
     "t.yaml:4:29: records.www.example.test.type: 'MX' is not a dynamic record type (A, "
     "AAAA or CNAME)"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: [A, CNAME], regions: [r] }\n",
     "t.yaml:4:33: records.www.example.test.type: a list of types is A and AAAA (a CNAME "
     "stands alone)"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, ttl: -1, regions: [r] }\n",
     "t.yaml:4:37: records.www.example.test.ttl: '-1' is not a whole number"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: fastest, regions: [r] }\n",
     "t.yaml:4:40: records.www.example.test.policy: 'fastest' is not one of: simple, "
     "weighted, failover, multivalue, geolocation, geoproximity, latency, cidr"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, regions: [q] }\n",
     "t.yaml:4:42: records.www.example.test.regions: 'q' is not a region defined in regions:"},
    {"zones: { example.test: z }\nregions: { us-east-1: { endpoints: { e: { address: "
     "192.0.2.1 } } } }\nrecords:\n  www.example.test: { type: A, regions: [us-east-2] }\n",
     "t.yaml:4:42: records.www.example.test.regions: 'us-east-2' is not a region (did you "
     "mean 'us-east-1'?)"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, regions: [r, r] }\n",
     "t.yaml:4:45: records.www.example.test.regions: region 'r' is listed twice"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: geolocation, map: { \"country:DEU\": r "
     "} }\n",
     "t.yaml:4:60: records.www.example.test.map: 'country:DEU' is not a map key: a country "
     "is two letters (ISO 3166-1), e.g. country:DE"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: geolocation, map: { \"continent:XX\": "
     "r } }\n",
     "t.yaml:4:60: records.www.example.test.map: 'continent:XX' is not a map key: continent "
     "codes are AF, AN, AS, EU, NA, OC, SA"},
    /* codes that no database returns: never a match, so an error */
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: geolocation, map: { \"country:UK\": r } }\n",
     "t.yaml:4:60: records.www.example.test.map: 'country:UK' is not a map key: UK is not "
     "an ISO 3166-1 country code, so no client ever matches it; did you mean GB?"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: geolocation, map: { \"country:zz\": r } }\n",
     "t.yaml:4:60: records.www.example.test.map: 'country:zz' is not a map key: ZZ is not "
     "an ISO 3166-1 country code, so no client ever matches it"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: geolocation, map: { \"subdivision:US-XX\": "
     "r } }\n",
     "t.yaml:4:60: records.www.example.test.map: 'subdivision:US-XX' is not a map key: XX "
     "is not an ISO 3166-2 subdivision of US, so no client ever matches it (US has US-AK, "
     "US-AL, US-AR, US-AS, US-AZ, ...)"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: geolocation, map: { \"subdivision:uk-eng\": "
     "r } }\n",
     "t.yaml:4:60: records.www.example.test.map: 'subdivision:uk-eng' is not a map key: UK "
     "is not an ISO 3166-1 country code, so no client ever matches it; did you mean GB?"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: geolocation, map: { \"subdivision:AQ-AB\": "
     "r } }\n",
     "t.yaml:4:60: records.www.example.test.map: 'subdivision:AQ-AB' is not a map key: ISO "
     "3166-2 lists no subdivisions of AQ, so no client ever matches it; use country:AQ"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: geolocation, map: { \"continent:ME\": r } "
     "}\n",
     "t.yaml:4:60: records.www.example.test.map: 'continent:ME' is not a map key: "
     "continent codes are AF, AN, AS, EU, NA, OC, SA"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: geolocation, map: { \"subdivision:US\": "
     "r } }\n",
     "t.yaml:4:60: records.www.example.test.map: 'subdivision:US' is not a map key: a "
     "subdivision is COUNTRY-CODE (ISO 3166-2), e.g. subdivision:US-VA"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: cidr, map: { \"192.0.2.1/24\": r } }\n",
     "t.yaml:4:53: records.www.example.test.map: '192.0.2.1/24' is not a map key: the "
     "address has bits set past the prefix length"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: cidr, map: { \"192.0.2.0/33\": r } }\n",
     "t.yaml:4:53: records.www.example.test.map: '192.0.2.0/33' is not a map key: the "
     "prefix length must be 0-32"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: cidr, map: { \"country:DE\": r } }\n",
     "t.yaml:4:53: records.www.example.test.map: 'country:DE' does not fit policy cidr (keys "
     "are prefixes such as 192.0.2.0/24 or default)"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: geolocation, map: { \"country:de\": r, "
     "\"country:DE\": r } }\n",
     "t.yaml:4:77: records.www.example.test.map: 'country:DE' is the same key as "
     "'country:de' (line 4)"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: geolocation, map: { default: x } }\n",
     "t.yaml:4:69: records.www.example.test.map: 'x' is not a region defined in regions:"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { use1-a: { address: 192.0.2.1 } } "
     "} }\nrecords:\n  www.example.test: { type: A, policy: weighted, weights: { use1a: 1 } }\n",
     "t.yaml:4:61: records.www.example.test.weights: 'use1a' is not a region or endpoint (did "
     "you mean 'use1-a'?)"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: weighted, weights: { zzz: 1 } }\n",
     "t.yaml:4:61: records.www.example.test.weights: 'zzz' is not a region or endpoint "
     "defined in regions:"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: weighted }\n",
     "t.yaml:4:40: records.www.example.test.policy: policy weighted needs 'weights: { name: "
     "weight }' or 'regions: [...]'"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: weighted, weights: { r: 1 }, regions: [r] "
     "}\n",
     "t.yaml:4:69: records.www.example.test: give 'weights' or 'regions' (equal weights), not "
     "both"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: failover, regions: [r] }\n",
     "t.yaml:4:40: records.www.example.test.policy: policy failover needs 'regions:' with at "
     "least two regions, primary first"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: geolocation }\n",
     "t.yaml:4:40: records.www.example.test.policy: policy geolocation needs 'map: { key: "
     "region }'"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A }\n",
     "t.yaml:4:3: records.www.example.test: policy simple needs 'regions: [...]'"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: latency, regions: [r] }\n",
     "t.yaml:4:59: records.www.example.test.regions: region 'r' has no location (line 2); "
     "policy latency needs 'location: [lat, lon]' on every region"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, policy: latency, map: { default: r } }\n",
     "t.yaml:4:49: records.www.example.test: 'map' is not used by policy latency (latency "
     "uses 'regions')"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: AAAA, regions: [r] }\n",
     "t.yaml:4:29: records.www.example.test.type: the record is type AAAA but none of the "
     "endpoints it can pick has an IPv6 'address' or 'address6'"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: CNAME, regions: [r] }\n",
     "t.yaml:4:29: records.www.example.test.type: the record is type CNAME but none of the "
     "endpoints it can pick has a 'cname'"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { cname: x.example.net } } } "
     "}\nrecords:\n  example.test: { type: CNAME, regions: [r] }\n",
     "t.yaml:4:3: records.example.test: a CNAME cannot be at the zone apex example.test. (it "
     "holds SOA and NS)"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.net: { type: A, regions: [r] }\n",
     "t.yaml:4:3: records.www.example.net: 'www.example.net.' is not inside any zone served "
     "(zones: example.test.)"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  wwwexample.test: { type: A, regions: [r] }\n",
     "t.yaml:4:3: records.wwwexample.test: 'wwwexample.test.' is not inside any zone served "
     "(zones: example.test.)"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, regions: [r] }\n  WWW.example.test.: { type: A, "
     "regions: [r] }\n",
     "t.yaml:5:3: records.WWW.example.test.: record www.example.test. A is given twice (first "
     "at line 4)"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1, cname: "
     "a.example.net } } } }\nrecords:\n  www.example.test: { type: A, regions: [r] }\n  "
     "WWW.example.test.: { type: CNAME, regions: [r] }\n",
     "t.yaml:5:3: records.WWW.example.test.: www.example.test. has a CNAME and an A record "
     "(line 4); a CNAME cannot share its name"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, regions: [r], failover_budget: forever }\n",
     "t.yaml:4:63: records.www.example.test.failover_budget: 'forever' is not a duration "
     "(write 250ms, 2s, 5m, 1h or a number of seconds)"},
    {"zones: { example.test: z }\nregions: { r: { endpoints: { e: { address: 192.0.2.1 } } } }\n"
     "records:\n  www.example.test: { type: A, regions: [r], on_all_down: panic }\n",
     "t.yaml:4:59: records.www.example.test.on_all_down: 'panic' is not one of: route53, "
     "servfail, nodata"},
    /* records over records ("@name") and sticky picks */
#define NEST_HEAD                                                                                  \
	"zones: { example.test: z }\nregions:\n  r: { endpoints: { e: { address: 192.0.2.1 } } "  \
	"}\n  s: { endpoints: { f: { address: 192.0.2.2, cname: b.example.test } } }\nrecords:\n"
    {NEST_HEAD "  a.example.test: { type: A, policy: failover, regions: [\"@b.example.test\", r] "
	       "}\n  b.example.test: { type: A, policy: failover, regions: [\"@a.example.test\", r] "
	       "}\n",
     "t.yaml:7:58: records.b.example.test.: '@a.example.test.' makes a loop: a.example.test. A "
     "-> b.example.test. A -> a.example.test. A"},
    {NEST_HEAD "  a.example.test: { type: A, policy: weighted, weights: { \"@a.example.test\": 1 "
	       "} }\n",
     "t.yaml:6:59: records.a.example.test.: '@a.example.test.' makes a loop: a.example.test. A "
     "-> a.example.test. A"},
    {NEST_HEAD "  a.example.test: { type: CNAME, policy: failover, regions: [s, r] }\n"
	       "  b.example.test: { type: CNAME, policy: geolocation, map: { default: "
	       "\"@a.example.test\" } }\n",
     "t.yaml:7:71: records.b.example.test.: '@a.example.test.' makes a loop: a.example.test. "
     "CNAME -> b.example.test. CNAME -> a.example.test. CNAME"},
    {NEST_HEAD "  a.example.test: { type: A, policy: failover, regions: [\"@c.example.test\", r] "
	       "}\n",
     "t.yaml:6:58: records.a.example.test.: '@c.example.test.' is not a routed record (did you "
     "mean '@a.example.test.'?)"},
    {NEST_HEAD "  a.example.test: { type: AAAA, policy: failover, regions: "
	       "[\"@b.example.test\", r] }\n  b.example.test: { type: A, regions: [r] }\n",
     "t.yaml:6:61: records.a.example.test.: '@b.example.test.' has no AAAA record (it has A, "
     "line 7): a record nests records of its own type"},
    {NEST_HEAD "  a.example.test: { type: A, policy: latency, regions: [\"@b.example.test\", r] "
	       "}\n  b.example.test: { type: A, regions: [r] }\n",
     "t.yaml:6:57: records.a.example.test.regions: '@b.example.test' is a record; policy latency "
     "orders regions by their location, and a record has none (nest this record in the other "
     "one instead)"},
    {NEST_HEAD "  a.example.test: { type: A, policy: failover, regions: [\"@b.example.test\", "
	       "\"@B.example.test.\"] }\n  b.example.test: { type: A, regions: [r] }\n",
     "t.yaml:6:77: records.a.example.test.regions: record '@B.example.test.' is listed twice"},
    {NEST_HEAD "  a.example.test: { type: A, policy: failover, regions: [\"@b..test\", r] }\n",
     "t.yaml:6:58: records.a.example.test.regions: 'b..test' has an empty label (a leading dot "
     "or two dots in a row)"},
    {NEST_HEAD "  a.example.test: { type: A, sticky: true, regions: [r] }\n",
     "t.yaml:6:30: records.a.example.test: 'sticky' applies to policy weighted (a region's "
     "weighted pick of an endpoint is made sticky with 'sticky: true' on the region)"},
    {NEST_HEAD "  a.example.test: { type: A, policy: weighted, sticky_ipv4_prefix: 20, regions: "
	       "[r] }\n",
     "t.yaml:6:48: records.a.example.test: 'sticky_ipv4_prefix' needs 'sticky: true'"},
    {NEST_HEAD "  a.example.test: { type: A, policy: weighted, sticky: true, sticky_ipv6_prefix: "
	       "0, regions: [r] }\n",
     "t.yaml:6:82: records.a.example.test.sticky_ipv6_prefix: 0 is out of range (1..128)"},
    {"regions:\n  r: { select: all, sticky: true, endpoints: { e: { address: 192.0.2.1 } } "
     "}\n",
     "t.yaml:2:21: regions.r: 'sticky' applies to 'select: weighted' (one endpoint by weight)"},
};

static void test_errors(void **state)
{
	size_t failed = 0;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		st_conf_t *c = (st_conf_t *)0x1;
		st_diag_t d;
		int rc = load_text(bad[i].yaml, &c, &d);
		if (rc == 0) {
			st_conf_free(c);
			fail_msg("case %zu loaded, expected: %s", i, bad[i].error);
		}
		if (rc != ST_ECONF && rc != ST_EPARSE)
			fail_msg("case %zu: code %d", i, rc);
		if (strcmp(d.text, bad[i].error) != 0) {
			print_error("case %zu:\n got: %s\nwant: %s\n", i, d.text, bad[i].error);
			failed++;
		}
		assert_null(c);
	}
	assert_int_equal(failed, 0);
}

/* A latency or geoproximity record orders its regions in a fixed array:
 * more than it holds is an error at load, where the regions are listed. */
static void test_too_many_ordered(void **state)
{
	char yaml[16384];
	size_t n = 0;
	n += (size_t)snprintf(yaml + n, sizeof(yaml) - n, "zones: { example.test: z }\nregions:\n");
	for (int i = 0; i <= ST_CONF_MAX_ORDER; i++)
		n += (size_t)snprintf(yaml + n, sizeof(yaml) - n,
				      "  r%d: { location: [0, %d], endpoints: { e%d: { address: "
				      "192.0.2.1 } } }\n",
				      i, i, i);
	n += (size_t)snprintf(yaml + n, sizeof(yaml) - n,
			      "records:\n  www.example.test: { type: A, policy: latency, "
			      "regions: [");
	for (int i = 0; i <= ST_CONF_MAX_ORDER; i++)
		n += (size_t)snprintf(yaml + n, sizeof(yaml) - n, "%sr%d", i ? ", " : "", i);
	snprintf(yaml + n, sizeof(yaml) - n, "] }\n");
	st_conf_t *c = NULL;
	st_diag_t d;
	assert_int_equal(load_text(yaml, &c, &d), ST_ECONF);
	assert_string_equal(d.text, "t.yaml:69:58: records.www.example.test.regions: policy "
				    "latency orders at most 64 regions, not 65");
	/* 64 are fine */
	char *last = strstr(yaml, ", r64]");
	memmove(last, last + 5, strlen(last + 5) + 1);
	assert_int_equal(load_text(yaml, &c, &d), 0);
	st_conf_free(c);
}

/* Records nest at most ST_CONF_MAX_NEST deep: a chain of that many
 * records loads, one more is an error at the reference that makes it too
 * long, with the chain. */
static void test_nest_depth(void **state)
{
	char yaml[8192];
	for (int n = ST_CONF_MAX_NEST; n <= ST_CONF_MAX_NEST + 1; n++) {
		size_t k = (size_t)snprintf(yaml, sizeof(yaml),
					    "zones: { example.test: z }\nregions:\n  r: { endpoints: "
					    "{ e: { address: 192.0.2.1 } } }\nrecords:\n");
		for (int i = 1; i < n; i++)
			k += (size_t)snprintf(yaml + k, sizeof(yaml) - k,
					      "  n%d.example.test: { type: A, policy: failover, "
					      "regions: [\"@n%d.example.test\", r] }\n",
					      i, i + 1);
		snprintf(yaml + k, sizeof(yaml) - k, "  n%d.example.test: { type: A, regions: [r] }\n",
			 n);
		st_conf_t *c = NULL;
		st_diag_t d;
		int rc = load_text(yaml, &c, &d);
		if (n == ST_CONF_MAX_NEST) {
			if (rc != 0)
				fail_msg("%s", d.text);
			assert_int_equal(c->records[0].regions[0], ST_CONF_RECORD | 1);
			st_conf_free(c);
			continue;
		}
		assert_int_equal(rc, ST_ECONF);
		assert_string_equal(d.text,
				    "t.yaml:12:59: records.n8.example.test.: '@n9.example.test.' "
				    "nests records more than 8 deep: n1.example.test. A -> "
				    "n2.example.test. A -> n3.example.test. A -> n4.example.test. A "
				    "-> n5.example.test. A -> n6.example.test. A -> n7.example.test. "
				    "A -> n8.example.test. A -> n9.example.test. A");
	}
}

/* "@name" links to the record of the referring record's type (one per
 * type of `type: [A, AAAA]`), in every place a region is named; a cname
 * endpoint into a routed name knows its records. */
static void test_nest_linked(void **state)
{
	st_conf_t *c = NULL;
	st_diag_t d;
	int rc = load_text("zones: { example.test: z }\nregions:\n"
			   "  r: { endpoints: { e: { address: 192.0.2.1, address6: \"2001:db8::1\" } } }\n"
			   "  s: { endpoints: { f: { address: 192.0.2.2, cname: b.example.test } } }\n"
			   "records:\n"
			   "  b.example.test: { type: [A, AAAA], policy: weighted, regions: [r], "
			   "sticky: true, sticky_ipv4_prefix: 20 }\n"
			   "  a.example.test: { type: [A, AAAA], policy: weighted, weights: { "
			   "\"@B.Example.Test.\": 2, r: 1 } }\n"
			   "  g.example.test: { type: AAAA, policy: geolocation, map: { default: "
			   "\"@a.example.test\" } }\n"
			   "  w.example.test: { type: CNAME, policy: failover, regions: [s, r] }\n",
			   &c, &d);
	if (rc != 0)
		fail_msg("%s", d.text);
	assert_int_equal(c->n_records, 6);
	/* b A, b AAAA, a A, a AAAA, g AAAA, w CNAME */
	assert_int_equal(c->records[2].type, 1);
	assert_int_equal(c->records[2].weights[0].index, ST_CONF_RECORD | 0);
	assert_true(c->records[2].weights[0].is_region);
	assert_false(st_conf_is_record(c->records[2].weights[1].index));
	assert_int_equal(c->records[3].type, 28);
	assert_int_equal(c->records[3].weights[0].index, ST_CONF_RECORD | 1);
	assert_int_equal(c->records[4].map[0].region, ST_CONF_RECORD | 3);
	assert_true(c->records[0].sticky.on);
	assert_int_equal(c->records[0].sticky.ipv4_prefix, 20);
	assert_int_equal(c->records[0].sticky.ipv6_prefix, 56);
	assert_false(c->records[2].sticky.on);
	uint32_t f = st_conf_endpoint_index(c, "f");
	assert_int_equal(c->endpoints[f].cname_routed[0], 0);
	assert_int_equal(c->endpoints[f].cname_routed[1], 1);
	assert_int_equal(c->endpoints[f].cname_routed[2], ST_CONF_NONE);
	uint32_t e = st_conf_endpoint_index(c, "e");
	assert_int_equal(c->endpoints[e].cname_routed[0], ST_CONF_NONE);
	st_conf_free(c);
}

static void test_missing_file(void **state)
{
	st_conf_t *c = NULL;
	st_diag_t d;
	assert_int_equal(st_conf_load("no-such.yaml", &c, &d), ST_ENOENT);
	assert_string_equal(d.text, "no-such.yaml: cannot open: No such file or directory");
	assert_null(c);
}

static void test_tab_in_file(void **state)
{
	char path[] = "/tmp/test_conf_tab_XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	const char text[] = "server:\n\tworkers: 1\n";
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)(sizeof(text) - 1));
	close(fd);
	st_conf_t *c = NULL;
	st_diag_t d;
	int rc = st_conf_load(path, &c, &d);
	unlink(path);
	assert_int_equal(rc, ST_EPARSE);
	assert_non_null(strstr(d.text, ":2:1: YAML syntax: "));
	assert_non_null(strstr(d.text, "(a tab in the indentation: YAML indents with spaces)"));
	assert_null(c);
}

/* Capture what the logger writes to stderr while loading. */
static bool load_damaged(const char *text, const char *how, size_t line)
{
	st_conf_t *c;
	st_diag_t d;
	int rc = load_text(text, &c, &d);
	if (rc == 0) {
		st_conf_free(c);
		return true;
	}
	unsigned l, col;
	char colon;
	if (sscanf(d.text, "t.yaml:%u:%u%c", &l, &col, &colon) != 3 || colon != ':' || l == 0 ||
	    col == 0)
		fail_msg("%s line %zu: error without a position: %s", how, line, d.text);
	return false;
}

/* The full config with each line deleted, each value replaced by a wrong
 * type, and cut short after each line: every error path runs, and the
 * sanitizer build checks that none of them leaks. */
static void test_damaged(void **state)
{
	char path[PATH_MAX];
	data_path(path, sizeof(path), "tests/data/conf/full.yaml");
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char text[16384], out[16384];
	size_t len = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[len] = '\0';
	size_t n_lines = 0;
	const char *lines[512];
	for (char *p = text; *p && n_lines < 512; n_lines++) {
		lines[n_lines] = p;
		p = strchr(p, '\n');
		if (!p)
			break;
		*p++ = '\0';
	}
	static const char *const wrong[] = {"{ x: 1 }", "[1, 2]", "-1", "\"\"", "99999999999", "~"};
	size_t loaded = 0, failed = 0;
	st_log_set_level(ST_LOG_ERR); /* budget warnings of damaged copies are noise here */
	for (size_t i = 0; i < n_lines; i++) {
		for (int mode = 0; mode < 2 + 6; mode++) {
			size_t o = 0;
			for (size_t j = 0; j < n_lines; j++) {
				if (mode == 1 && j > i)
					break;
				if (j == i && mode == 0)
					continue;
				const char *colon = strstr(lines[j], ": ");
				if (j == i && mode >= 2 && colon)
					o += (size_t)snprintf(out + o, sizeof(out) - o,
							      "%.*s: %s\n", (int)(colon - lines[j]),
							      lines[j], wrong[mode - 2]);
				else
					o += (size_t)snprintf(out + o, sizeof(out) - o, "%s\n",
							      lines[j]);
				assert_true(o < sizeof(out));
			}
			if (load_damaged(out,
					 mode == 0   ? "deleted"
					 : mode == 1 ? "cut after"
						     : "wrong type",
					 i + 1))
				loaded++;
			else
				failed++;
		}
	}
	st_log_set_level(ST_LOG_WARNING);
	/* Comments and optional keys can go; most damage must be caught. */
	print_message("damaged copies: %zu loaded, %zu rejected\n", loaded, failed);
	assert_true(loaded > 200 && failed > 400);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_errors),	 cmocka_unit_test(test_too_many_ordered),
	    cmocka_unit_test(test_nest_depth),	 cmocka_unit_test(test_nest_linked),
	    cmocka_unit_test(test_missing_file), cmocka_unit_test(test_tab_in_file),
	    cmocka_unit_test(test_damaged),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
