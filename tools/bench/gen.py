#!/usr/bin/env python3
"""Deterministic zone, query and config generators for the DNS benchmark.

Every server in a comparison must serve the same data and see the same
queries, so everything here is derived from a fixed seed: two runs on two
machines produce byte-identical files.

  gen.py static OUTDIR [--names N] [--queries N]
      OUTDIR/bench.test.zone   the zone (N owner names, default 10,000)
      OUTDIR/queries.txt       dnsperf input: 80% existing A, 10% AAAA,
                               5% NXDOMAIN, 5% MX/TXT/NS/SOA
  gen.py dynamic OUTDIR --mmdb FILE [--owners N]
      OUTDIR/dyn/...           the same static zone plus dynamic owners, as
                               a steerd YAML config and a gdnsd config dir
      OUTDIR/dyn/q-weighted.txt, q-geo.txt, q-latency.txt   dnsperf inputs
      [--config NAME] [--check-target HOST:PORT --table PATH] [--fleet-etcd URL]
                               steerd's config under another name, every
                               endpoint probed by a TCP check (steercheck
                               writes PATH), a fleet: section (one etcd)
  gen.py ecs ADDR/PREFIX
      prints the dnsperf -E argument for an EDNS Client Subnet option
"""

import argparse
import ipaddress
import os
import random
import sys

ZONE = "bench.test"
SEED = 20261122
TTL = 3600

# Regions shared by the steerd and gdnsd dynamic configs. Coordinates are the
# metro points of DESIGN.md / geo/README.md; addresses are documentation ones.
REGIONS = [
    ("us-east-1", 39.04, -77.49, ["192.0.2.11", "192.0.2.12"]),
    ("us-east-2", 39.96, -83.00, ["198.51.100.11"]),
    ("eu-central-1", 50.11, 8.68, ["203.0.113.11", "203.0.113.12"]),
]
WEIGHTS = {"us-east-1": 1, "us-east-2": 2, "eu-central-1": 3}
# geolocation map: the same decisions in steerd's and gdnsd's syntax
GEO_MAP = [("continent:EU", "eu-central-1"), ("country:US", "us-east-1"),
           ("default", "us-east-2")]
DYN_TTL = 20


def owner(i):
    return "h%05d" % i


def v4(i):
    # 10.x.y.z spread over the /8; never sent anywhere, only served
    return "10.%d.%d.%d" % ((i >> 16) & 255, (i >> 8) & 255, i & 255)


def v6(i):
    return "2001:db8::%x:%x" % ((i >> 16) & 0xffff, i & 0xffff)


def zone_text(names, extra=()):
    """The benchmark zone: apex SOA/NS/MX/TXT, glue, N hosts with A and
    AAAA, a TXT on every tenth host. 'extra' lines are appended (dynamic
    owners for gdnsd)."""
    out = [
        "$ORIGIN %s." % ZONE,
        "$TTL %d" % TTL,
        "@ IN SOA ns1 hostmaster 2026112201 3600 900 604800 300",
        "@ IN NS ns1",
        "@ IN NS ns2",
        "@ IN MX 10 mail",
        '@ IN TXT "v=spf1 -all"',
        "ns1 IN A 192.0.2.53",
        "ns2 IN A 198.51.100.53",
        "mail IN A 192.0.2.25",
    ]
    for i in range(names):
        n = owner(i)
        out.append("%s IN A %s" % (n, v4(i)))
        out.append("%s IN AAAA %s" % (n, v6(i)))
        if i % 10 == 0:
            out.append('%s IN TXT "host %d"' % (n, i))
    out.extend(extra)
    return "\n".join(out) + "\n"


def query_lines(names, count, rng):
    """The static query mix, shuffled deterministically."""
    other = [("@", "SOA"), ("@", "NS"), ("@", "MX"), ("@", "TXT")]
    lines = []
    for k in range(count):
        r = k % 100
        if r < 80:
            lines.append("%s.%s A" % (owner(rng.randrange(names)), ZONE))
        elif r < 90:
            lines.append("%s.%s AAAA" % (owner(rng.randrange(names)), ZONE))
        elif r < 95:
            # never an owner: h followed by more digits than any owner has
            lines.append("nx%07d.%s A" % (rng.randrange(10**7), ZONE))
        else:
            j = r - 95
            if j < len(other):
                o, t = other[j]
                lines.append("%s %s" % (ZONE if o == "@" else o, t))
            else:
                lines.append("%s.%s TXT" % (owner(rng.randrange(names // 10) * 10), ZONE))
    rng.shuffle(lines)
    return lines


def write(path, text):
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "w", encoding="ascii") as f:
        f.write(text)


def cmd_static(a):
    rng = random.Random(SEED)
    write(os.path.join(a.outdir, ZONE + ".zone"), zone_text(a.names))
    write(os.path.join(a.outdir, "queries.txt"),
          "\n".join(query_lines(a.names, a.queries, rng)) + "\n")


def dyn_owner(kind, i):
    return "%s%03d" % (kind, i)


def steerd_yaml(a, listen):
    """steerd config per DESIGN.md: the static zone plus four families of
    dynamic A records (weighted, geolocation, latency, and a failover over a
    geolocation and a latency record: two levels, "@name")."""
    o = []
    o.append("server:")
    o.append('  listen: ["%s"]' % listen)
    o.append("  workers: 1")
    o.append("zones:")
    o.append("  %s: %s" % (ZONE, os.path.join(a.outdir, "dyn", ZONE + ".zone")))
    o.append("geo:")
    o.append("  database: %s" % os.path.abspath(a.mmdb))
    if a.coordinates:
        o.append("  coordinates: %s" % os.path.abspath(a.coordinates))
    check = ""
    if a.check_target:
        # every endpoint probed (a TCP connection to one listener), so
        # that each answer reads its health from the table steercheck
        # writes; with --fleet-etcd, the table holds what the fleet agreed
        o.append("health:")
        o.append("  table: %s" % os.path.abspath(a.table))
        o.append("checks:")
        o.append("  port: { type: tcp, interval: 1s, timeout: 500ms, rise: 1 }")
        check = ", check: port, check_target: \"%s\"" % a.check_target
    if a.fleet_etcd:
        o.append("fleet:")
        o.append("  name: bench")
        o.append("  etcd: [%s]" % a.fleet_etcd)
        o.append("  quorum: majority")
    o.append("regions:")
    for name, lat, lon, addrs in REGIONS:
        o.append("  %s:" % name)
        o.append("    location: [%s, %s]" % (lat, lon))
        o.append("    select: weighted")
        o.append("    endpoints:")
        for k, ad in enumerate(addrs):
            o.append("      %s-%d: { address: %s%s }" % (name, k, ad, check))
    o.append("records:")
    for i in range(a.owners):
        o.append("  %s.%s:" % (dyn_owner("w", i), ZONE))
        o.append("    type: A")
        o.append("    ttl: %d" % DYN_TTL)
        o.append("    policy: weighted")
        o.append("    weights: { %s }" % ", ".join(
            "%s: %d" % kv for kv in WEIGHTS.items()))
        o.append("  %s.%s:" % (dyn_owner("g", i), ZONE))
        o.append("    type: A")
        o.append("    ttl: %d" % DYN_TTL)
        o.append("    policy: geolocation")
        o.append("    map: { %s }" % ", ".join(
            '"%s": %s' % kv if ":" in kv[0] else "%s: %s" % kv for kv in GEO_MAP))
        o.append("  %s.%s:" % (dyn_owner("l", i), ZONE))
        o.append("    type: A")
        o.append("    ttl: %d" % DYN_TTL)
        o.append("    policy: latency")
        o.append("    regions: [%s]" % ", ".join(r[0] for r in REGIONS))
        o.append("  %s.%s:" % (dyn_owner("n", i), ZONE))
        o.append("    type: A")
        o.append("    ttl: %d" % DYN_TTL)
        o.append("    policy: failover")
        o.append('    regions: ["@%s.%s", "@%s.%s"]' % (dyn_owner("g", i), ZONE,
                                                       dyn_owner("l", i), ZONE))
    return "\n".join(o) + "\n"


def gdnsd_plugins(mmdb_name):
    """gdnsd's equivalent of the steerd records: weighted plugin with the
    regions' addresses grouped per region (one address per answer, like
    steerd's select: weighted), geoip with an explicit map (geolocation) and
    with auto_dc_coords (distance, steerd's latency)."""
    dcs = ", ".join(r[0] for r in REGIONS)
    o = ["plugins => {", "  weighted => {", "    multi = false", "    wres => {"]
    for name, _, _, addrs in REGIONS:
        # ungrouped single: one address per answer like steerd's region
        # select: weighted; the region weight is spread over its addresses
        for k, ad in enumerate(addrs):
            o.append("      %s-%d = [ %s, %d ]" % (name, k, ad, WEIGHTS[name] * 60 // len(addrs)))
    o += ["    }", "  }", "  geoip => {", "    maps => {",
          "      geomap => {",
          "        geoip2_db => %s," % mmdb_name,
          "        datacenters => [ %s ]," % dcs,
          "        map => {",
          "          default => [ us-east-2, us-east-1, eu-central-1 ],",
          "          EU => [ eu-central-1, us-east-1, us-east-2 ],",
          "          NA => { US => [ us-east-1, us-east-2, eu-central-1 ] }",
          "        }",
          "      }",
          "      automap => {",
          "        geoip2_db => %s," % mmdb_name,
          "        datacenters => [ %s ]," % dcs,
          "        auto_dc_coords => {"]
    for name, lat, lon, _ in REGIONS:
        o.append("          %s => [ %s, %s ]," % (name, lat, lon))
    o += ["        }", "        auto_dc_limit => 1", "      }", "    }",
          "    resources => {"]
    for res, m in (("geo", "geomap"), ("lat", "automap")):
        o.append("      %s => {" % res)
        o.append("        map => %s" % m)
        o.append("        dcmap => {")
        for name, _, _, addrs in REGIONS:
            # one address per answer like steerd's select: weighted would need
            # a weighted sub-plugin; a single address keeps the work comparable
            o.append("          %s => %s" % (name, addrs[0]))
        o.append("        }")
        o.append("      }")
    o += ["    }", "  }", "}"]
    return "\n".join(o) + "\n"


def cmd_dynamic(a):
    rng = random.Random(SEED + 1)
    d = os.path.join(a.outdir, "dyn")
    # steerd: dynamic owners come from the YAML; the zone stays static
    write(os.path.join(d, ZONE + ".zone"), zone_text(a.names))
    write(os.path.join(d, a.config), steerd_yaml(a, a.listen))
    # gdnsd: the same zone with DYNA owners pointing at plugin resources
    extra = []
    for i in range(a.owners):
        extra.append("%s %d IN DYNA weighted!wres" % (dyn_owner("w", i), DYN_TTL))
        extra.append("%s %d IN DYNA geoip!geo" % (dyn_owner("g", i), DYN_TTL))
        extra.append("%s %d IN DYNA geoip!lat" % (dyn_owner("l", i), DYN_TTL))
        # gdnsd does not nest: the answer the nested record gives (its
        # primary, the geolocation record)
        extra.append("%s %d IN DYNA geoip!geo" % (dyn_owner("n", i), DYN_TTL))
    write(os.path.join(d, "gdnsd-zone"), zone_text(a.names, extra))
    write(os.path.join(d, "gdnsd-plugins"), gdnsd_plugins(os.path.abspath(a.mmdb)))
    for kind, fname in (("w", "q-weighted.txt"), ("g", "q-geo.txt"), ("l", "q-latency.txt"),
                        ("n", "q-nested.txt")):
        lines = ["%s.%s A" % (dyn_owner(kind, rng.randrange(a.owners)), ZONE)
                 for _ in range(a.queries)]
        write(os.path.join(d, fname), "\n".join(lines) + "\n")


def ecs_option(spec):
    """dnsperf -E value for ECS (option 8): family, source prefix, scope 0,
    address truncated to the prefix (RFC 7871 section 6)."""
    net = ipaddress.ip_network(spec, strict=False)
    fam = 1 if net.version == 4 else 2
    nbytes = (net.prefixlen + 7) // 8
    addr = net.network_address.packed[:nbytes]
    return "8:%04x%02x00%s" % (fam, net.prefixlen, addr.hex())


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("static")
    s.add_argument("outdir")
    s.add_argument("--names", type=int, default=10000)
    s.add_argument("--queries", type=int, default=100000)
    d = sub.add_parser("dynamic")
    d.add_argument("outdir")
    d.add_argument("--names", type=int, default=10000)
    d.add_argument("--queries", type=int, default=100000)
    d.add_argument("--owners", type=int, default=100)
    d.add_argument("--mmdb", required=True)
    d.add_argument("--coordinates")
    d.add_argument("--listen", default="127.0.0.1:5353")
    d.add_argument("--config", default="steerd.yaml",
                   help="name of steerd's config in OUTDIR/dyn")
    d.add_argument("--check-target", metavar="HOST:PORT",
                   help="probe every endpoint with a TCP check of HOST:PORT")
    d.add_argument("--table", default="health.shm",
                   help="health table (with --check-target)")
    d.add_argument("--fleet-etcd", metavar="URL",
                   help="a fleet: section with this etcd member")
    e = sub.add_parser("ecs")
    e.add_argument("subnet")
    a = p.parse_args(argv)
    if a.cmd == "static":
        cmd_static(a)
    elif a.cmd == "dynamic":
        cmd_dynamic(a)
    else:
        print(ecs_option(a.subnet))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
