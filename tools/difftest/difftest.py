#!/usr/bin/python3
"""Differential test: the same zones served by steerd and by NSD or Knot DNS,
the same generated queries sent to both, the responses compared section by
section. Every difference is classified: "bug" (a resolver could cache a
wrong answer, or steerd broke a rule on its own), "note" (optional data one
side leaves out) or "known" (a legitimate choice, e.g. RFC 8482 ANY).

Usage:
  difftest.py --steerd BUILD/steerd --peer nsd [--count N] [--seed S]
              [--zone NAME:FILE]... [--show N] [--keep]
Exit status: 0 when no "bug" class was seen, 1 otherwise, 77 when the peer
server is not installed, 2 on setup errors.
"""

import argparse
import os
import random
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time

import dns.edns
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdataclass
import dns.rdatatype
import dns.zone

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
DATA = os.path.join(TOP, "tests", "data", "difftest")
DEFAULT_ZONES = [
    ("diff.test", os.path.join(DATA, "diff.test.zone")),
    ("child.diff.test", os.path.join(DATA, "child.diff.test.zone")),
    ("wild.test", os.path.join(DATA, "wild.test.zone")),
]
QTYPES = ["A", "AAAA", "NS", "SOA", "CNAME", "MX", "TXT", "SRV", "DS", "ANY",
          "CAA", "HINFO", "PTR", "DNAME", "NAPTR", "SSHFP", "TYPE65400",
          "TYPE65401", "RRSIG", "DNSKEY", "NSEC"]
# (EDNS payload or None, DO bit, EDNS version, extra option)
EDNS = [(None, False, 0, None), (512, False, 0, None), (1232, False, 0, None),
        (4096, False, 0, None), (1232, True, 0, None), (4096, True, 0, None),
        (100, False, 0, None), (1232, False, 1, None), (1232, False, 0, "unknown"),
        (1232, True, 0, "ecs")]
STEERD_UDP_CAP = 1232
ADDR = "127.0.0.1"


def free_port():
    for _ in range(200):
        p = random.randint(10000, 32000)  # below the ephemeral range
        try:
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            u.bind((ADDR, p))
            t.bind((ADDR, p))
            u.close()
            t.close()
            return p
        except OSError:
            continue
    raise RuntimeError("no free port")


# ---------------------------------------------------------------- servers


class Server:
    """One DNS server process on a loopback port, queried over UDP and TCP."""

    def __init__(self, name, argv, port, log):
        self.name = name
        self.port = port
        self.log = log
        self.logf = open(log, "wb")
        self.proc = subprocess.Popen(argv, stdout=self.logf,
                                     stderr=subprocess.STDOUT)
        self.tcp = None

    def alive(self):
        return self.proc.poll() is None

    def wait_ready(self, zone, secs=15):
        q = dns.message.make_query(zone, "SOA", use_edns=False)
        q.flags = 0
        end = time.time() + secs
        while time.time() < end:
            if not self.alive():
                return False
            r = self.udp(q.to_wire(), 0.3)
            if r is not None:
                return True
            time.sleep(0.1)
        return False

    def udp(self, wire, timeout=2.0):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            s.settimeout(timeout)
            s.connect((ADDR, self.port))
            s.send(wire)
            end = time.time() + timeout
            while True:
                try:
                    r = s.recv(65535)
                except (socket.timeout, ConnectionRefusedError):
                    return None
                if r[:2] == wire[:2]:
                    return r
                if time.time() > end:
                    return None
        finally:
            s.close()

    def _tcp_once(self, wire, timeout):
        if self.tcp is None:
            self.tcp = socket.create_connection((ADDR, self.port), timeout)
            self.tcp.settimeout(timeout)
        self.tcp.sendall(struct.pack("!H", len(wire)) + wire)
        hdr = self._recvn(2)
        (n,) = struct.unpack("!H", hdr)
        return self._recvn(n)

    def _recvn(self, n):
        buf = b""
        while len(buf) < n:
            c = self.tcp.recv(n - len(buf))
            if not c:
                raise ConnectionError("closed")
            buf += c
        return buf

    def tcpq(self, wire, timeout=2.0):
        for attempt in range(2):
            try:
                return self._tcp_once(wire, timeout)
            except (OSError, ConnectionError):
                if self.tcp is not None:
                    self.tcp.close()
                self.tcp = None
        return None

    def stop(self):
        if self.tcp is not None:
            self.tcp.close()
        if self.alive():
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.logf.close()


def start_steerd(binary, zones, tmp):
    port = free_port()
    argv = [binary, "--listen", "%s:%d" % (ADDR, port), "--workers", "1",
            "--log-level", "warning"]
    for name, path in zones:
        argv += ["--zone", "%s:%s" % (name, path)]
    return Server("steerd", argv, port, os.path.join(tmp, "steerd.log"))


def find_bin(name):
    for d in ("/usr/sbin", "/usr/bin", "/sbin"):
        p = os.path.join(d, name)
        if os.access(p, os.X_OK):
            return p
    return shutil.which(name)


def start_nsd(zones, tmp, minimal):
    nsd = find_bin("nsd")
    if nsd is None:
        return None
    port = free_port()
    d = os.path.join(tmp, "nsd")
    os.makedirs(d, exist_ok=True)
    conf = os.path.join(d, "nsd.conf")
    with open(conf, "w") as f:
        f.write("server:\n  ip-address: %s@%d\n  database: \"\"\n" % (ADDR, port))
        f.write("  zonesdir: \"%s\"\n  pidfile: \"%s/nsd.pid\"\n" % (d, d))
        f.write("  xfrdfile: \"%s/xfrd.state\"\n  zonelistfile: \"%s/zone.list\"\n" % (d, d))
        f.write("  username: \"\"\n  chroot: \"\"\n  server-count: 1\n")
        f.write("  verbosity: 1\n  minimal-responses: %s\n" % ("yes" if minimal else "no"))
        f.write("remote-control:\n  control-enable: no\n")
        for name, path in zones:
            f.write("zone:\n  name: %s\n  zonefile: \"%s\"\n" % (name, os.path.abspath(path)))
    return Server("nsd", [nsd, "-d", "-c", conf], port, os.path.join(tmp, "nsd.log"))


def start_knot(zones, tmp):
    knotd = find_bin("knotd")
    if knotd is None:
        return None
    port = free_port()
    d = os.path.join(tmp, "knot")
    os.makedirs(d, exist_ok=True)
    conf = os.path.join(d, "knot.conf")
    with open(conf, "w") as f:
        f.write("server:\n  listen: %s@%d\n  rundir: \"%s\"\n" % (ADDR, port, d))
        f.write("  udp-workers: 1\n  tcp-workers: 1\n  background-workers: 1\n")
        f.write("log:\n  - target: stderr\n    any: warning\n")
        f.write("database:\n  storage: \"%s\"\n" % d)
        f.write("template:\n  - id: default\n    storage: \"%s\"\n" % d)
        f.write("    zonefile-sync: -1\n    zonefile-load: whole\n")
        f.write("    journal-content: none\n")
        f.write("zone:\n")
        for name, path in zones:
            f.write("  - domain: %s\n    file: \"%s\"\n" % (name, os.path.abspath(path)))
    return Server("knot", [knotd, "-c", conf], port, os.path.join(tmp, "knot.log"))


# ---------------------------------------------------------------- queries


def load_zones(zones):
    """Owners, empty non-terminals, cuts and wildcards of every zone."""
    info = []
    for name, path in zones:
        origin = dns.name.from_text(name)
        z = dns.zone.from_file(path, origin=origin, relativize=False,
                               check_origin=False)
        owners = set(z.nodes.keys())
        ents = set()
        for o in owners:
            p = o.parent() if o != origin else None
            while p is not None and p != origin and p.is_subdomain(origin):
                if p not in owners:
                    ents.add(p)
                p = p.parent()
        cuts = {o for o in owners if o != origin and
                z.nodes[o].get_rdataset(dns.rdataclass.IN, dns.rdatatype.NS)}
        wild = {o for o in owners if o.labels[0] == b"*"}
        info.append((origin, owners, ents, cuts, wild))
    return info


def gen_names(info):
    names = set()
    for origin, owners, ents, cuts, wild in info:
        names |= owners | ents
        for o in owners | ents:
            names.add(dns.name.from_text("zz-nx", o))
        for e in ents:
            names.add(dns.name.from_text("nx.deeper", e))
        for c in cuts:
            names.add(dns.name.from_text("a.b", c))
            names.add(dns.name.from_text("host", c))
        for w in wild:
            base = w.parent()
            names.add(dns.name.from_text("foo", base))
            names.add(dns.name.from_text("a.b", base))
            names.add(dns.name.from_text("*.x", base))
        names.add(dns.name.from_text("no-such-name", origin))
        names.add(dns.name.from_text("nx1.nx2.nx3", origin))
    names |= {dns.name.from_text(n) for n in
              ("www.out.example", "test", "example", "out.example",
               "a.dn.diff.test", "host.dn.diff.test", "host.tgt.dn.diff.test",
               "x.y.dn.diff.test",
               "a.dnext.diff.test", "a.dnself.diff.test",
               "a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.dnself.diff.test",
               "foo.cw.diff.test", "a.b.cw.diff.test", "foo.cwloop.diff.test",
               "_http._tcp.srv.diff.test", "a.exists.wild.diff.test",
               "sub.x.y.wild.diff.test", "nope.y.wild.diff.test",
               "foo.sub.wild.test", "a.b.sub.wild.test", "x.deep.wild.test",
               "ent.wild.test", "x.ent.wild.test", "x.exists.wild.test")}
    # odd labels: an escaped dot, binary and non-ASCII octets (0x20 must
    # leave them alone), a 63-octet label, a name of 255 octets
    odd = [b"a.b", b"\x00", b"\xc1\xe1", b"A" * 63]
    for base in ("wild.diff.test", "diff.test", "wild.test"):
        for lab in odd:
            names.add(dns.name.Name([lab] + list(dns.name.from_text(base).labels)))
    for base in ("wild.diff.test", "wild.test", "diff.test"):
        b = dns.name.from_text(base)
        labs = list(b.labels)
        room = 255 - sum(len(x) + 1 for x in labs) - 1
        extra = []
        while room > 1:
            n = min(63, room - 1)
            extra.append(b"x" * n)
            room -= n + 1
        names.add(dns.name.Name(extra + labs))
    return sorted(names)


def rand_case(name, rng):
    out = []
    for lab in name.labels:
        out.append(bytes(c ^ 0x20 if (65 <= c <= 90 or 97 <= c <= 122)
                         and rng.random() < 0.5 else c for c in lab))
    return dns.name.Name(out)


def gen_queries(names, rng, count):
    full = [(n, t, e, tr) for n in names for t in QTYPES
            for e in range(len(EDNS)) for tr in ("udp", "tcp")]
    rng.shuffle(full)
    if count and count < len(full):
        full = full[:count]
    return full


def make_query(qname, qtype, edns_i, rng):
    payload, do, version, opt = EDNS[edns_i]
    options = []
    if opt == "unknown":
        options.append(dns.edns.GenericOption(65001, b"\xab\xcd"))
    elif opt == "ecs":
        options.append(dns.edns.ECSOption("192.0.2.0", 24))
    q = dns.message.make_query(qname, dns.rdatatype.from_text(qtype),
                               use_edns=(version if payload is not None else False),
                               payload=payload or 512, want_dnssec=do,
                               options=options)
    q.flags = 0
    q.id = rng.randrange(65536)
    return q


def dig_cmd(port, qname, qtype, edns_i, tr):
    payload, do, version, opt = EDNS[edns_i]
    opts = ["+norec", "+nocookie"]
    if version:
        opts.append("+edns=%d +noednsnegotiation" % version)
    if opt == "unknown":
        opts.append("+ednsopt=65001:abcd")
    elif opt == "ecs":
        opts.append("+subnet=192.0.2.0/24")
    if tr == "tcp":
        opts.append("+tcp")
    if payload is None:
        opts.append("+noedns")
    else:
        opts.append("+bufsize=%d" % payload)
    if do:
        opts.append("+dnssec")
    return "dig @%s -p %d %s %s %s" % (ADDR, port, " ".join(opts),
                                        qname.to_text(), qtype)


# ---------------------------------------------------------------- compare


def below_dname(owner, answer):
    """Whether owner is below the owner of a DNAME in the answer rrsets()."""
    name = dns.name.from_text(owner)
    return any(t == "DNAME" and name.is_subdomain(dns.name.from_text(o)) for o, t in answer)


def rrsets(section):
    """{(owner lower, type): (ttl, frozenset of canonical rdata)}"""
    out = {}
    for rs in section:
        if rs.rdtype == dns.rdatatype.OPT:
            continue
        key = (rs.name.to_text().lower(), dns.rdatatype.to_text(rs.rdtype))
        rd = frozenset(r.to_digestable() for r in rs)
        if key in out:  # split RRsets: merge
            ttl, old = out[key]
            rd = rd | old
        out[key] = (rs.ttl, rd)
    return out


def parse(wire):
    try:
        return dns.message.from_wire(wire, ignore_trailing=False), None
    except dns.exception.DNSException as e:
        return None, "%s: %s" % (type(e).__name__, e)


def udp_limit(q):
    if q.edns < 0:
        return 512
    return max(512, min(q.payload, STEERD_UDP_CAP))


def check_any(sa, pa, qname, peer_lookup):
    """RFC 8482: one RRset that exists at the name (asked of the peer by
    type over TCP), or a synthesised HINFO."""
    if not sa:
        return False
    if list(sa.keys()) == [(qname.to_text().lower(), "HINFO")]:
        return True
    for k, v in sa.items():
        if pa.get(k) == v:
            continue
        r = peer_lookup(qname, dns.rdatatype.from_text(k[1]))
        if r is None or rrsets(r.answer).get(k) != v:
            return False
    return True


def compare(q, tr, sw, pw, apexes, peer_lookup=None, steerd_tcp=None):
    """Return a list of (class, text). class: bug:x, note:x, known:x."""
    out = []
    qname = q.question[0].name
    qtype = q.question[0].rdtype
    if sw is None:
        return [("bug:no-answer", "steerd did not answer")]
    if pw is None:
        return [("note:peer-no-answer", "reference did not answer")]
    sr, serr = parse(sw)
    if sr is None:
        return [("bug:malformed", "steerd response does not parse: " + serr)]
    pr, perr = parse(pw)
    if pr is None:
        return [("note:peer-malformed", perr)]

    # steerd on its own
    counts = struct.unpack("!HHH", sw[6:12])
    for n, (name, sec) in enumerate((("answer", sr.answer), ("authority", sr.authority),
                                     ("additional", sr.additional))):
        distinct = sum(len(rs) for rs in sec)
        if counts[n] > distinct + (1 if name == "additional" and sr.edns >= 0 else 0):
            out.append(("bug:duplicate-rr", "%s section: %d records, %d distinct" %
                        (name, counts[n], distinct)))
    if tr == "udp" and len(sw) > udp_limit(q):
        out.append(("bug:oversize", "%d octets > limit %d" % (len(sw), udp_limit(q))))
    if len(sr.question) != 1 or sr.question[0].name.labels != qname.labels:
        out.append(("bug:question-case", "question %s, sent %s" %
                    (sr.question[0].name if sr.question else None, qname)))
    for rs in sr.answer:
        if rs.name == qname and rs.name.labels != qname.labels:
            out.append(("bug:owner-case", "answer owner %s, qname %s" % (rs.name, qname)))
    if (sr.edns >= 0) != (q.edns >= 0):
        out.append(("bug:opt", "OPT in response: %s, in query: %s" % (sr.edns >= 0, q.edns >= 0)))
    if sr.edns >= 0 and bool(sr.ednsflags & dns.flags.DO) != bool(q.ednsflags & dns.flags.DO):
        out.append(("bug:do-bit", "DO not copied"))

    for o in q.options:
        if o.otype == dns.edns.ECS:
            echo = [x for x in sr.options if x.otype == dns.edns.ECS]
            if sr.rcode() == dns.rcode.NOERROR or sr.rcode() == dns.rcode.NXDOMAIN:
                if len(echo) != 1 or echo[0].address != o.address or \
                        echo[0].srclen != o.srclen or echo[0].scopelen != 0:
                    out.append(("bug:ecs-echo", "ECS in response: %s" % echo))

    # against the reference
    dnssec_q = qtype in (dns.rdatatype.RRSIG, dns.rdatatype.NSEC)
    if dnssec_q and pr.rcode() == dns.rcode.NOERROR and not any(
            rs.rdtype == dns.rdatatype.CNAME for rs in pr.answer) and any(
            rs.rdtype == dns.rdatatype.CNAME for rs in sr.answer):
        # RRSIG and NSEC may sit next to a CNAME (RFC 2181 10.1, RFC 4035):
        # Knot answers them at the CNAME owner without following it
        out.append(("known:dnssec-type-at-cname", "peer did not follow the CNAME"))
        return out
    if sr.rcode() != pr.rcode():
        out.append(("bug:rcode", "steerd %s, peer %s" % (dns.rcode.to_text(sr.rcode()),
                                                       dns.rcode.to_text(pr.rcode()))))
        return out
    if (sr.edns >= 0) != (pr.edns >= 0):
        out.append(("bug:opt-vs-peer", "OPT steerd %s, peer %s" % (sr.edns >= 0, pr.edns >= 0)))
    s_tc = bool(sr.flags & dns.flags.TC)
    p_tc = bool(pr.flags & dns.flags.TC)
    if bool(sr.flags & dns.flags.AA) != bool(pr.flags & dns.flags.AA):
        out.append(("bug:aa", "AA steerd %s, peer %s" % (bool(sr.flags & dns.flags.AA),
                                                       bool(pr.flags & dns.flags.AA))))
    if s_tc and steerd_tcp is not None:
        full = steerd_tcp()
        if full is not None and len(full) <= udp_limit(q):
            out.append(("bug:needless-tc", "TC on UDP, but the TCP answer is %d octets <= %d" %
                        (len(full), udp_limit(q))))
    if s_tc or p_tc:
        if s_tc != p_tc:
            out.append(("known:tc-threshold", "TC steerd %s (%d octets), peer %s (%d octets)" %
                        (s_tc, len(sw), p_tc, len(pw))))
        return out

    sa, pa = rrsets(sr.answer), rrsets(pr.answer)
    # a referral after a chain: NS of a name that is not above the qname
    s_ref = any(rs.rdtype == dns.rdatatype.NS and not qname.is_subdomain(rs.name)
                for rs in sr.authority)
    if s_ref and sa and all(pa.get(k) == v for k, v in sa.items()) \
            and any(k[1] in ("CNAME", "DNAME") for k in sa):
        # steerd ended the chain at a cut with a referral; the peer,
        # authoritative for the child too, went on into it
        out.append(("note:chain-stops-at-referral", "peer went on: %s" %
                    fmt({k: v for k, v in pa.items() if k not in sa})))
        return out
    if sa != pa:
        s_only = {k: v for k, v in sa.items() if pa.get(k) != v}
        p_only = {k: v for k, v in pa.items() if sa.get(k) != v}
        if qtype == dns.rdatatype.ANY and check_any(sa, pa, qname, peer_lookup):
            out.append(("known:any-minimal", "steerd %s, peer %d RRset(s)" % (fmt(sa), len(pa))))
            return out
        elif not p_only and all(k[1] == "CNAME" for k in s_only):
            out.append(("note:chain-followed-further", "steerd also has %d CNAME(s)" % len(s_only)))
            return out
        elif not s_only and all(k[1] == "CNAME" and below_dname(k[0], sa) for k in p_only):
            # a DNAME whose target is below itself: the peer goes on
            # synthesising CNAMEs, steerd stops where the DNAME would repeat
            out.append(("note:chain-followed-further", "peer also has %d CNAME(s)" % len(p_only)))
            return out
        elif qtype == dns.rdatatype.ANY:
            out.append(("bug:any", "steerd %s\npeer %s" % (fmt(sa), fmt(pa))))
        else:
            same_data = {k: v[1] for k, v in sa.items()} == {k: v[1] for k, v in pa.items()}
            cls = "bug:answer-ttl" if same_data else "bug:answer"
            out.append((cls, "steerd %s\npeer %s" % (fmt(sa), fmt(pa))))
        return out  # authority and additional follow from the answer

    su, pu = rrsets(sr.authority), rrsets(pr.authority)
    if su != pu:
        ns_only = {k for k in set(su) ^ set(pu) if k[1] == "NS"
                   and k[0] in apexes}
        rest_s = {k: v for k, v in su.items() if k not in ns_only}
        rest_p = {k: v for k, v in pu.items() if k not in ns_only}
        if rest_s == rest_p and sa:
            out.append(("note:authority-apex-ns", "apex NS in authority only on one side"))
        else:
            soa_s = [v for k, v in su.items() if k[1] == "SOA"]
            soa_p = [v for k, v in pu.items() if k[1] == "SOA"]
            if soa_s and soa_p and soa_s[0][1] == soa_p[0][1] and soa_s[0][0] != soa_p[0][0]:
                out.append(("bug:negative-ttl", "SOA TTL steerd %d, peer %d" %
                            (soa_s[0][0], soa_p[0][0])))
            else:
                out.append(("bug:authority", "steerd %s\npeer %s" % (fmt(su), fmt(pu))))

    sx, px = rrsets(sr.additional), rrsets(pr.additional)
    if sx != px:
        sflat = {(k, v[0], r) for k, v in sx.items() for r in v[1]}
        pflat = {(k, v[0], r) for k, v in px.items() for r in v[1]}
        if sflat <= pflat:
            out.append(("note:additional-steerd-less", additional_delta(pflat - sflat)))
        elif pflat <= sflat:
            out.append(("note:additional-steerd-more", additional_delta(sflat - pflat)))
        else:
            # the same records with other TTLs, or conflicting data
            sk = {(k, r) for k, t, r in sflat}
            pk = {(k, r) for k, t, r in pflat}
            if sk <= pk or pk <= sk:
                out.append(("bug:additional-ttl", "steerd %s\npeer %s" % (fmt(sx), fmt(px))))
            else:
                out.append(("note:additional-other", "steerd %s\npeer %s" % (fmt(sx), fmt(px))))
    return out


def additional_delta(flat):
    return "only on one side: " + ", ".join(sorted({"%s %s" % k for k, t, r in flat}))


def class_order(cls):
    kind = cls.split(":")[0]
    return ({"bug": 0, "open": 1, "note": 2}.get(kind, 3), cls)


def fmt(sets):
    return "{" + ", ".join("%s %s ttl=%d n=%d" % (k[0], k[1], v[0], len(v[1]))
                           for k, v in sorted(sets.items())) + "}"


def text(wire):
    m, err = parse(wire) if wire is not None else (None, "no response")
    if m is None:
        return "    (%s) %s" % (err, wire.hex() if wire else "")
    return "\n".join("    " + line for line in m.to_text().splitlines())


# ---------------------------------------------------------------- main


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--steerd", default=os.path.join(
        os.environ.get("top_builddir", os.path.join(TOP, "build")), "steerd"))
    ap.add_argument("--peer", choices=("nsd", "knot"), default="nsd")
    ap.add_argument("--zone", action="append", help="NAME:FILE (default: tests/data/difftest)")
    ap.add_argument("--count", type=int, default=0, help="queries (0: all)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--show", type=int, default=5, help="details shown per class")
    ap.add_argument("--nsd-minimal", action="store_true", help="minimal-responses: yes")
    ap.add_argument("--open", action="append", default=[], metavar="QTYPE:NAME",
                    help="a reported, not yet fixed difference: bug classes of "
                    "QTYPE queries (* for all) at or below NAME count as open:, not bug:")
    ap.add_argument("--mutate", type=int, default=0,
                    help="then send N damaged queries to steerd alone")
    ap.add_argument("--keep", action="store_true", help="keep the temp dir")
    ap.add_argument("--time-limit", type=float, default=0, help="stop sending after SECONDS")
    args = ap.parse_args()

    zones = DEFAULT_ZONES
    if args.zone:
        zones = [tuple(z.split(":", 1)) for z in args.zone]
    rng = random.Random(args.seed)
    tmp = tempfile.mkdtemp(prefix="steer-difftest.")
    peer = (start_nsd(zones, tmp, args.nsd_minimal) if args.peer == "nsd"
            else start_knot(zones, tmp))
    if peer is None:
        print("SKIP: %s not installed" % args.peer)
        return 77
    steerd = start_steerd(args.steerd, zones, tmp)
    servers = [steerd, peer]
    try:
        for s in servers:
            if not s.wait_ready(zones[0][0]):
                print("%s did not start; log %s:" % (s.name, s.log))
                s.logf.flush()
                print(open(s.log).read()[-2000:])
                return 77 if s is peer else 2
        return run(args, zones, rng, steerd, peer)
    finally:
        for s in servers:
            s.stop()
        if args.keep:
            print("temp dir kept: %s" % tmp)
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def mutate(args, steerd, queries, rng, counts, details):
    """Damaged queries (flipped bits, cut short, random tails, bad counts)
    to steerd alone: it must keep answering good ones. Returns the packet
    after which it stopped, or None."""
    probe = make_query(queries[0][0], "SOA", 0, rng).to_wire()
    window = []
    for i in range(args.mutate):
        qn, qt, ei, tr = queries[i % len(queries)]
        w = bytearray(make_query(rand_case(qn, rng), qt, ei, rng).to_wire())
        how = rng.randrange(4)
        if how == 0:
            for _ in range(rng.randint(1, 4)):
                j = rng.randrange(len(w))
                w[j] ^= 1 << rng.randrange(8)
        elif how == 1:
            w = w[:rng.randrange(len(w))]
        elif how == 2:
            w += bytes(rng.randrange(256) for _ in range(rng.randint(1, 40)))
        else:
            j = 4 + 2 * rng.randrange(4)
            w[j:j + 2] = struct.pack("!H", rng.choice((0, 2, 3, 0xffff)))
        w = bytes(w)
        window.append(w)
        r = steerd.udp(w, 0.02)
        if r is not None and len(r) >= 12 and r[2] & 0x80 == 0:
            counts["bug:mutate-qr"] = counts.get("bug:mutate-qr", 0) + 1
        if i % 50 == 49 or i == args.mutate - 1:
            if not steerd.alive() or steerd.udp(probe, 2.0) is None:
                counts["bug:crash"] = counts.get("bug:crash", 0) + 1
                return window
            window = []
    counts["known:mutated-sent"] = args.mutate
    return None


def run(args, zones, rng, steerd, peer):
    info = load_zones(zones)
    apexes = {z[0].to_text().lower() for z in info}
    names = gen_names(info)
    queries = gen_queries(names, rng, args.count)
    counts = {}
    details = {}
    bytype = {}
    opened = [(o.split(":", 1)[0], dns.name.from_text(o.split(":", 1)[1])) for o in args.open]
    agree = 0
    sent = 0
    start = time.time()
    for qname, qtype, edns_i, tr in queries:
        if args.time_limit and time.time() - start > args.time_limit:
            break
        q = make_query(rand_case(qname, rng), qtype, edns_i, rng)
        wire = q.to_wire()
        if tr == "udp":
            sw, pw = steerd.udp(wire), peer.udp(wire)
        else:
            sw, pw = steerd.tcpq(wire), peer.tcpq(wire)
        sent += 1
        def peer_lookup(name, rdtype):
            pq = make_query(name, dns.rdatatype.to_text(rdtype), 2, rng)
            w = peer.tcpq(pq.to_wire())
            return parse(w)[0] if w else None

        def steerd_tcp():
            return steerd.tcpq(wire)

        diffs = compare(q, tr, sw, pw, apexes, peer_lookup,
                        steerd_tcp if tr == "udp" else None)
        if sw is None and not steerd.alive():
            diffs.append(("bug:crash", "steerd exited with %s" % steerd.proc.returncode))
        if not diffs:
            agree += 1
            continue
        if any(t in (qtype, "*") and qname.is_subdomain(n) for t, n in opened):
            diffs = [("open:" + c[4:] if c.startswith("bug:") else c, t) for c, t in diffs]
        seen = set()
        for cls, txt in diffs:
            if cls in seen:
                continue
            seen.add(cls)
            counts[cls] = counts.get(cls, 0) + 1
            if cls.startswith(("bug:", "open:")):
                byq = bytype.setdefault(cls, {})
                byq[qtype] = byq.get(qtype, 0) + 1
            lst = details.setdefault(cls, [])
            if len(lst) < args.show:
                lst.append((q.question[0].name, qtype, edns_i, tr, wire, sw, pw, txt))
        if not steerd.alive():
            break
    if steerd.alive() and args.mutate:
        crash = mutate(args, steerd, queries, rng, counts, details)
        if crash:
            print("steerd died or hung after one of these packets:\n  %s" %
                  "\n  ".join(w.hex() for w in crash))
    elapsed = time.time() - start

    bugs = sum(v for k, v in counts.items() if k.startswith("bug:"))
    print("difftest: steerd vs %s, %d names, %d queries in %.1f s, %d agree, %d with a bug-class difference"
          % (peer.name, len(names), sent, elapsed, agree, bugs))
    for cls in sorted(counts, key=class_order):
        print("  %-32s %6d  %s" % (cls, counts[cls], " ".join(
            "%s:%d" % kv for kv in sorted(bytype.get(cls, {}).items()))))
    for cls in sorted(details, key=class_order):
        print("\n=== %s" % cls)
        for qn, qt, ei, tr, wire, sw, pw, txt in details[cls]:
            print("--- %s" % dig_cmd(steerd.port, qn, qt, ei, tr).replace(
                "-p %d" % steerd.port, "-p STEERD"))
            print("    query hex: %s" % wire.hex())
            print("    " + txt.replace("\n", "\n    "))
            if cls.startswith(("bug:", "open:")) or args.show > 5:
                print("  steerd:")
                print(text(sw))
                print("  %s:" % peer.name)
                print(text(pw))
    return 1 if bugs else 0


if __name__ == "__main__":
    sys.exit(main())
