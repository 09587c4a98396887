#!/usr/bin/python3
"""Write the seed corpora of the fuzz targets into tests/fuzz/corpus/TARGET:
query (valid queries for every kind of answer the test zone gives, and
malformed ones for every FORMERR and drop case), tcp (streams of those
queries: pipelined, long, cut short), zone (zone files: the test zones and
one per directive, record form and failure), ctl (control sessions) and
files (the state, secret, key, latency, coordinates, fleet and Route 53
files, picked by their first byte) and etcd (watch streams).
The health table's seeds are valid tables made by its writer:
`tests/fuzz/fuzz_healthtab --write-seeds tests/fuzz/corpus/healthtab`.
Deterministic; rerun after changing it and commit the output.

    /usr/bin/python3 tests/fuzz/gen_corpus.py [TARGET...]
"""
import os
import struct
import sys

import dns.edns
import dns.flags
import dns.message
import dns.opcode
import dns.rdatatype

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
Z = "answer.test."


def query(name, rdtype="A", qid=0x1234, **kw):
    q = dns.message.make_query(name, rdtype, **kw)
    q.id = qid
    q.flags &= ~dns.flags.RD
    return q.to_wire()


def ecs(addr, source, scope=0):
    return [dns.edns.ECSOption(addr, source, scope)]


def raw_ecs(family, source, scope, addr):
    body = struct.pack("!HBB", family, source, scope) + addr
    return struct.pack("!HH", 8, len(body)) + body


def header(qid=0x1234, flags=0, qd=1, an=0, ns=0, ar=0):
    return struct.pack("!HHHHHH", qid, flags, qd, an, ns, ar)


def wname(text):
    out = b""
    for label in text.rstrip(".").split("."):
        if label:
            out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def opt_rr(payload=1232, version=0, do=False, options=b""):
    ttl = (version << 16) | (0x8000 if do else 0)
    return b"\0" + struct.pack("!HHIH", 41, payload, ttl, len(options)) + options


def question(name=Z, qtype=1):
    return wname(name) + struct.pack("!HH", qtype, 1)


seeds = {}
# Valid queries: one per kind of answer.
for label, name, t in [
    ("a", "www", "A"), ("aaaa", "www", "AAAA"), ("case", "wWw.AnSwEr.TeSt.", "A"),
    ("nxdomain", "nope", "A"), ("nodata", "www", "MX"), ("ent", "deep.ent", "A"),
    ("chain", "chain1", "A"), ("loop", "loop1", "A"), ("self", "self", "A"),
    ("dangling", "dangling", "A"), ("external", "external", "A"),
    ("tochild", "tochild", "A"), ("wild", "foo.wild", "A"), ("wildtxt", "a.b.wild", "TXT"),
    ("wildblocked", "x.ent.wild", "A"), ("cwild", "x.cwild", "A"),
    ("nxwild", "x.nxwild", "A"), ("referral", "host.sub", "A"), ("ds", "sub", "DS"),
    ("dsnods", "nods", "DS"), ("apexns", "@", "NS"), ("apexsoa", "@", "SOA"),
    ("mx", "mx", "MX"), ("srv", "_sip._udp", "SRV"), ("any", "www", "ANY"),
    ("apexany", "@", "ANY"), ("big", "big", "TXT"), ("huge", "huge", "TXT"),
    ("refused", "www.example.org.", "A"), ("hinfo", "meta", "ANY"), ("dname", "host.old", "A"),
    ("dname-out", "a.out", "A"), ("dname-long", "a" * 60 + ".long", "A"), ("fat", "x.fat", "A"), ("axfr", "@", "AXFR"), ("cname", "alias", "CNAME"),
]:
    if name == "@":
        fq = Z
    elif name.endswith("."):
        fq = name
    else:
        fq = name + "." + Z
    seeds["valid-" + label] = query(fq, t)

seeds["edns-do"] = query("www." + Z, "A", use_edns=0, want_dnssec=True, payload=4096)
seeds["edns-small"] = query("big." + Z, "TXT", use_edns=0, payload=100)
seeds["edns-big"] = query("huge." + Z, "TXT", use_edns=0, payload=65535)
seeds["edns-badvers"] = query("www." + Z, "A", use_edns=1)
seeds["ecs-v4"] = query("www." + Z, "A", use_edns=0, options=ecs("192.0.2.0", 24))
seeds["ecs-v6"] = query("www." + Z, "AAAA", use_edns=0, options=ecs("2001:db8::", 56))
seeds["ecs-zero"] = query("www." + Z, "A", use_edns=0, options=ecs("0.0.0.0", 0))
# Routed names (tests/data/zones/answer-dyn.yaml), with and without ECS.
seeds["dyn-failover"] = query("dyn." + Z, "A")
seeds["dyn-aaaa"] = query("dyn." + Z, "AAAA")
seeds["dyn-cidr-ecs"] = query("net." + Z, "A", use_edns=0, options=ecs("192.0.2.0", 24))
seeds["dyn-cidr-ecs6"] = query("net." + Z, "A", use_edns=0, options=ecs("2001:db8::", 48))
seeds["dyn-cname"] = query("lbname." + Z, "A")
seeds["dyn-cname-out"] = query("farname." + Z, "A")
seeds["dyn-any"] = query("dyn." + Z, "ANY")
# example.test., signed online (fixture.c, fuzz_signed_view): signed
# answers of every kind, and the DNSSEC types with DO and without.
S = "example.test."
for label, name, t in [
    ("a", "www", "A"), ("nxdomain", "nope", "A"), ("nodata", "www", "AAAA"),
    ("ent", "deep.ent", "A"), ("wild", "foo.wild", "A"), ("wildnodata", "foo.wild", "MX"),
    ("cwild", "x.cwild", "A"), ("secure", "host.secure", "A"), ("ds", "secure", "DS"),
    ("insecure", "host.insecure", "A"), ("dsnods", "insecure", "DS"),
    ("chain", "torouted", "A"), ("dname", "host.dn", "A"), ("any", "www", "ANY"),
    ("upper", "upper", "MX"), ("dnskey", "@", "DNSKEY"), ("cds", "@", "CDS"),
    ("cdnskey", "@", "CDNSKEY"), ("rrsig", "www", "RRSIG"), ("rrsig-nx", "nope", "RRSIG"),
    ("rrsig-ent", "deep.ent", "RRSIG"), ("rrsig-wild", "foo.wild", "RRSIG"),
    ("rrsig-dyn", "dyn", "RRSIG"), ("nsec", "www", "NSEC"), ("nsec-nx", "nope", "NSEC"),
    ("nsec-dyn", "dyn", "NSEC"), ("dyn", "dyn", "A"), ("multi", "multi", "A"),
    ("dyn-cname", "lbname", "A"), ("big", "big", "TXT"),
]:
    fq = S if name == "@" else name + "." + S
    seeds["signed-do-" + label] = query(fq, t, use_edns=0, want_dnssec=True, payload=1232)
    if t in ("RRSIG", "NSEC", "DNSKEY"):
        seeds["signed-nodo-" + label] = query(fq, t)
seeds["signed-do-geo-ecs"] = query("geo." + S, "A", use_edns=0, want_dnssec=True,
                                   options=ecs("192.0.2.0", 24))
seeds["signed-do-small"] = query("big." + S, "TXT", use_edns=0, want_dnssec=True, payload=512)
seeds["signed-do-nxname"] = query("www." + S, 128, use_edns=0, want_dnssec=True)
seeds["edns-unknown-option"] = query(
    "www." + Z, "A", use_edns=0, options=[dns.edns.GenericOption(65001, b"xyz")])

# DNS cookies (RFC 7873): client only, with a server cookie (not ours),
# two options, with ECS, and the lengths that are FORMERR.
CC = bytes.fromhex("2464c4abcf10c957")
SC = bytes.fromhex("010000005cf79f111f8130c3eee29480")


def cookie(data):
    return struct.pack("!HH", 10, len(data)) + data


seeds["cookie-client"] = header(ar=1) + question("www." + Z) + opt_rr(options=cookie(CC))
seeds["cookie-server"] = header(ar=1) + question("www." + Z) + opt_rr(options=cookie(CC + SC))
seeds["cookie-server-32"] = header(ar=1) + question("nope." + Z) + opt_rr(
    options=cookie(CC + SC + SC))
seeds["cookie-two"] = header(ar=1) + question("www." + Z) + opt_rr(
    options=cookie(CC) + cookie(CC + SC))
seeds["cookie-ecs"] = header(ar=1) + question("net." + Z) + opt_rr(
    options=raw_ecs(1, 24, 0, b"\xc0\0\2") + cookie(CC))
seeds["cookie-no-question"] = header(qd=0, ar=1) + opt_rr(options=cookie(CC))
seeds["bad-cookie-short"] = header(ar=1) + question("www." + Z) + opt_rr(options=cookie(CC[:7]))
seeds["bad-cookie-9"] = header(ar=1) + question("www." + Z) + opt_rr(options=cookie(CC + b"\1"))
seeds["bad-cookie-41"] = header(ar=1) + question("www." + Z) + opt_rr(
    options=cookie(CC + SC + SC + b"\1"))

# Malformed: every FORMERR and drop case.
base = header() + question("www." + Z)
seeds["bad-empty"] = b""
seeds["bad-short-header"] = base[:11]
seeds["bad-header-only"] = base[:12]
seeds["bad-truncated-name"] = base[:20]
seeds["bad-truncated-type"] = base[:-3]
seeds["bad-qr"] = header(flags=0x8000) + question()
seeds["bad-opcode-notify"] = header(flags=4 << 11) + question(Z, 6)
seeds["bad-opcode-update"] = header(flags=5 << 11, qd=0)
seeds["bad-qdcount0"] = header(qd=0)
seeds["bad-qdcount2"] = header(qd=2) + question() + question()
seeds["bad-label-01"] = header() + b"\x41a\0" + struct.pack("!HH", 1, 1)
seeds["bad-label-10"] = header() + b"\x81a\0" + struct.pack("!HH", 1, 1)
seeds["bad-pointer-self"] = header() + b"\xc0\x0c" + struct.pack("!HH", 1, 1)
seeds["bad-pointer-forward"] = header() + b"\xc0\x12" + struct.pack("!HH", 1, 1) + b"\x01a\0"
seeds["bad-pointer-loop"] = header() + b"\x01a\xc0\x0c" + struct.pack("!HH", 1, 1)
seeds["bad-pointer-header"] = header() + b"\xc0\x02" + struct.pack("!HH", 1, 1)
seeds["bad-name-256"] = header() + (b"\x3f" + b"a" * 63) * 4 + b"\0" + struct.pack("!HH", 1, 1)
seeds["bad-two-opt"] = header(ar=2) + question("www." + Z) + opt_rr() + opt_rr()
seeds["bad-opt-answer"] = header(an=1) + question("www." + Z) + opt_rr()
seeds["bad-opt-authority"] = header(ns=1) + question("www." + Z) + opt_rr()
seeds["bad-opt-owner"] = header(ar=1) + question("www." + Z) + b"\x01x" + opt_rr()
seeds["bad-opt-rdata-overrun"] = header(ar=1) + question("www." + Z) + opt_rr()[:-2] + b"\0\x10"
seeds["bad-option-overrun"] = header(ar=1) + question("www." + Z) + opt_rr(
    options=b"\0\x0a\0\x09\1\2\3\4")
seeds["bad-ecs-family"] = header(ar=1) + question("www." + Z) + opt_rr(
    options=raw_ecs(3, 24, 0, b"\xc0\0\2"))
seeds["bad-ecs-source"] = header(ar=1) + question("www." + Z) + opt_rr(
    options=raw_ecs(1, 33, 0, b"\xc0\0\2\1\0"))
seeds["bad-ecs-scope"] = header(ar=1) + question("www." + Z) + opt_rr(
    options=raw_ecs(1, 24, 16, b"\xc0\0\2"))
seeds["bad-ecs-length"] = header(ar=1) + question("www." + Z) + opt_rr(
    options=raw_ecs(1, 24, 0, b"\xc0\0\2\1"))
seeds["bad-ecs-bits"] = header(ar=1) + question("www." + Z) + opt_rr(
    options=raw_ecs(1, 23, 0, b"\xc0\0\3"))
seeds["bad-ecs-two"] = header(ar=1) + question("www." + Z) + opt_rr(
    options=raw_ecs(1, 8, 0, b"\xc0") * 2)
seeds["bad-rr-truncated"] = header(ar=1) + question("www." + Z) + b"\0\0\1\0\1"
seeds["bad-qtype-opt"] = header() + question("www." + Z, 41)
seeds["odd-trailing-bytes"] = base + b"\xff\xff\xff"
seeds["odd-answer-record"] = header(an=1) + question("www." + Z) + b"\xc0\x0c" + struct.pack(
    "!HHIH", 1, 1, 60, 4) + b"\1\2\3\4"
seeds["odd-class-ch"] = header() + wname("version.bind.") + struct.pack("!HH", 16, 3)
seeds["odd-root"] = header() + b"\0" + struct.pack("!HH", 2, 1)

corpora = {"query": seeds}

# ---- tcp: the first two bytes choose the chunk sizes, then the stream ----


def framed(*msgs):
    return b"".join(struct.pack("!H", len(m)) + m for m in msgs)


def padded(name, size):
    """A query with an EDNS padding option that makes it `size` bytes."""
    head = header(ar=1) + question(name)
    pad = size - len(head) - 11 - 4
    return head + opt_rr(options=struct.pack("!HH", 12, pad) + b"\0" * pad)


valid = [seeds[k] for k in sorted(seeds) if k.startswith("valid-")]
tcp = {}
tcp["one"] = b"\0\0" + framed(seeds["valid-a"])
tcp["pipelined-5"] = b"\0\1" + framed(*valid[:5])
tcp["pipelined-all"] = b"\x12\x34" + framed(*valid)
tcp["pipelined-bad"] = b"\x55\xaa" + framed(seeds["bad-qr"], seeds["bad-empty"],
                                             seeds["valid-nxdomain"], seeds["bad-pointer-loop"])
tcp["long"] = b"\0\2" + framed(padded("www." + Z, 3000))
tcp["long-then-short"] = b"\xff\xff" + framed(padded("www." + Z, 1500), seeds["valid-a"],
                                               padded("big." + Z, 1100), seeds["valid-mx"])
tcp["partial-tail"] = b"\0\3" + framed(seeds["valid-a"], seeds["valid-aaaa"]) + b"\0\x30\0\1"
tcp["half-length"] = b"\0\4" + framed(seeds["valid-a"]) + b"\0"
tcp["zero-length"] = b"\0\5" + b"\0\0" * 3 + framed(seeds["valid-a"])
tcp["max-length"] = b"\0\6" + b"\xff\xff" + b"\0" * 100
tcp["edns-ecs"] = b"\x77\x01" + framed(seeds["ecs-v4"], seeds["ecs-v6"], seeds["dyn-cidr-ecs"])
corpora["tcp"] = tcp

# ---- zone: files loaded as answer.test. (fixtures inc.zone, nested.zone beside) ----
zone = {}
with open(os.path.join(TOP, "tests", "data", "zones", "answer.test.zone"), "rb") as f:
    zone["answer-test"] = f.read()
for d in ("zones-bad", "zones-good"):
    folder = os.path.join(TOP, "tests", "data", d)
    for n in sorted(os.listdir(folder)):
        if n.endswith(".zone"):
            with open(os.path.join(folder, n), "rb") as f:
                zone[d.split("-")[1] + "-" + n[:-5]] = f.read()
APEX = b"$TTL 300\n@ IN SOA ns1 hostmaster 1 7200 3600 1209600 300\n@ NS ns1\nns1 A 192.0.2.1\n"
zone["min"] = APEX
zone["empty"] = b""
zone["include"] = APEX + b"$INCLUDE inc.zone\nwww A 192.0.2.2\n"
zone["include-origin"] = APEX + b"$INCLUDE nested.zone sub.answer.test.\n"
zone["include-self"] = APEX + b"$INCLUDE fuzz.zone\n"
zone["origin-ttl"] = APEX + b"$ORIGIN sub.answer.test.\n$TTL 1h\nx 60 IN A 192.0.2.5\n"
zone["multiline"] = APEX + b"big TXT ( \"a\" ; one\n \"b\" \"c\\\"d\" )\nesc TXT \"\\065\\t\"\n"
zone["unknown-type"] = APEX + b"x TYPE65280 \\# 4 0a0b0c0d\nx CLASS1 A 192.0.2.9\n"
zone["wildcard"] = APEX + b"*.w A 192.0.2.7\n*.w TXT \"w\"\nx.w MX 10 ns1\n*.c CNAME www\n"
zone["delegation"] = APEX + b"sub NS ns.sub\nns.sub A 192.0.2.8\nsub DS 1 13 2 " + b"AB" * 32 + \
    b"\nhidden.sub A 192.0.2.9\n"
zone["dname"] = APEX + b"old DNAME new.answer.test.\nhost.new A 192.0.2.10\n"
zone["dyn-conflict"] = APEX + b"dyn A 192.0.2.11\n"
zone["dyn-cname-conflict"] = APEX + b"lbname TXT \"x\"\n"
zone["dyn-below-deleg"] = APEX + b"net NS ns1\n"
zone["types"] = APEX + (b"mx MX 10 ns1\nsrv SRV 1 2 3 ns1\nptr PTR ns1\nh HINFO a b\n"
                        b"c CAA 0 issue \"ca\"\nn NSEC ns1 A NSEC\ns SSHFP 1 1 " + b"ab" * 20 +
                        b"\n6 AAAA ::ffff:192.0.2.1\n")
zone["ttl-forms"] = b"$TTL 1w2d3h4m5s\n" + APEX[9:] + b"t 0 A 192.0.2.1\nu 2147483647 A 192.0.2.2\n"
# A relative $ORIGIN that fits alone and not once joined to the origin
# (it overran the owner buffer of the records after it), in the file and
# as an $INCLUDE origin.
LONG = ".".join(["a" * 63] * 3 + ["b" * 60]).encode()
zone["origin-too-long"] = APEX + b"$ORIGIN " + LONG + b"\n\tIN A 192.0.2.2\n"
zone["include-origin-too-long"] = APEX + b"$INCLUDE inc.zone " + LONG + b"\n"
# An empty field: ldns gives it no data at all.
zone["caa-empty-value"] = APEX + b'c CAA 0 issue ""\n'
# As libFuzzer found it: a CERT record with certificate type 0 after an
# owner-less TTL line (ldns leaked the field it refused).
zone["cert-type-zero-leak"] = (b"600 1209600" + b" " * 101 + b"CERT" + b" " * 24 + b"0\t.1"
                               + b" " * 12)
corpora["zone"] = zone

# ---- ctl: what a client writes to the control socket ----
ctl = {}
for label, text in [
    ("status", "STEER1 status\n"), ("status-json", "STEER1 status --json\n"),
    ("stats", "STEER1 stats\nSTEER1 stats --json\n"), ("health", "STEER1 health --json\n"),
    ("drain", "STEER1 drain e1\nSTEER1 health\nSTEER1 undrain e1\n"),
    ("drain-region", "STEER1 drain west\nSTEER1 undrain all\n"),
    ("force", "STEER1 force w1 down\nSTEER1 force w1 up\nSTEER1 force w1 clear\n"),
    ("dial", "STEER1 dial east 50\nSTEER1 dial east clear\n"),
    ("ramp", "STEER1 dial west 20 --over 30s\nSTEER1 status\n"),
    ("explain", "STEER1 explain dyn.answer.test A --client 192.0.2.1\n"),
    ("explain-ecs", "STEER1 explain net.answer.test A --client 2001:db8::/48\n"),
    ("explain-static", "STEER1 explain www.answer.test AAAA\n"),
    ("checkconf", "STEER1 checkconf\n"), ("reload", "STEER1 reload\n"),
    ("cookie-rotate", "STEER1 cookie-rotate\nSTEER1 stats --json\n"),
    ("reload-zone", "STEER1 reload answer.test\n"),
    ("bad-version", "STEER2 status\n"), ("bad-magic", "status\n"), ("bad-empty", "\n"),
    ("bad-no-command", "STEER1\n"), ("bad-unknown", "STEER1 frobnicate\n"),
    ("bad-usage", "STEER1 drain\nSTEER1 force e1 sideways\nSTEER1 dial east 101\n"),
    ("bad-args", "STEER1 status " + "x " * 20 + "\n"),
    ("crlf", "STEER1 status\r\nSTEER1 health\r\n"), ("tabs", "STEER1\tstats\t--json\n"),
    ("no-newline", "STEER1 status"), ("pipelined", "STEER1 status\nSTEER1 stats\nSTEER1 health\n"),
]:
    ctl[label] = text.encode()
corpora["ctl"] = ctl

# ---- xfr: transfer requests (the fixture knows key xfr-key., secret bytes
# 1..32, and its clock stands at 1700000000; serials 2024010101 then ...02) ----
import dns.rdataclass
import dns.rrset
import dns.tsig
import base64
import time as _time

XFR_KEY = dns.tsig.Key("xfr-key.", base64.b64encode(bytes(range(1, 33))).decode())
OTHER_KEY = dns.tsig.Key("other-key.", base64.b64encode(bytes(range(1, 33))).decode())


def xfr_query(qtype, serial=None, name=Z, key=None, at=1700000000, rdclass="IN"):
    q = dns.message.make_query(name, qtype, rdclass=rdclass)
    q.id = 0x4242
    q.flags = 0
    if serial is not None:
        q.authority.append(dns.rrset.from_text(
            name, 0, "IN", "SOA", "ns1.%s hostmaster.%s %d 1 1 1 1" % (Z, Z, serial)))
    if key:
        q.use_tsig(key)
    real = _time.time
    _time.time = lambda: at
    try:
        return q.to_wire()
    finally:
        _time.time = real


xfr = {}
xfr["axfr"] = xfr_query("AXFR")
xfr["axfr-signed"] = xfr_query("AXFR", key=XFR_KEY)
xfr["axfr-signed-stale"] = xfr_query("AXFR", key=XFR_KEY, at=1700000000 - 3600)
xfr["axfr-other-key"] = xfr_query("AXFR", key=OTHER_KEY)
xfr["axfr-not-apex"] = xfr_query("AXFR", name="www." + Z)
xfr["axfr-class-ch"] = xfr_query("AXFR", rdclass="CH")
xfr["ixfr-incremental"] = xfr_query("IXFR", serial=2024010101)
xfr["ixfr-incremental-signed"] = xfr_query("IXFR", serial=2024010101, key=XFR_KEY)
xfr["ixfr-uptodate"] = xfr_query("IXFR", serial=2024010102)
xfr["ixfr-newer"] = xfr_query("IXFR", serial=2024010199)
xfr["ixfr-unknown"] = xfr_query("IXFR", serial=5)
xfr["ixfr-no-soa"] = xfr_query("IXFR")
xfr["soa-signed"] = xfr_query("SOA", key=XFR_KEY)
signed = xfr["axfr-signed"]
# The TSIG record cut short, with its MAC changed, and counted twice.
xfr["tsig-cut"] = signed[:-7]
xfr["tsig-bad-mac"] = signed[:-20] + bytes([signed[-20] ^ 1]) + signed[-19:]
xfr["tsig-twice"] = signed[:10] + struct.pack("!H", 2) + signed[12:] + signed[len(xfr["axfr"]):]
# The IXFR SOA's RDATA cut short.
ix = xfr["ixfr-incremental"]
xfr["ixfr-short-soa"] = ix[:-9] + b""
corpora["xfr"] = xfr


# files: the first byte picks the reader (fuzz_files.c), the rest is the
# file: real files of the tree and their damaged forms.
def tree(path):
    with open(os.path.join(TOP, path), "rb") as f:
        return f.read()


STATE = (b"steerd-state 1\n# written by steerd\nendpoint use1-a drain\n"
         b"endpoint euw1-a down\nregion-drain ap-south-1\ndial eu-west-1 40\n"
         b"ramp us-east-1 20 0 100 1733500000000 600000\n"
         b"ramp-stopped us-east-1 1733500300000 every endpoint of the region is down\n")
SECRET = (b"steerd-cookie-secret 1\ncurrent 000102030405060708090a0b0c0d0e0f\n"
          b"previous 0f0e0d0c0b0a09080706050403020100\nsince 1733500000\n")
KEYS = "tests/data/keys/ecdsa/Kexample.test.+013+54607"
OBS = b'{"state":"down","rtt_us":900,"since":1733500000000,"error":"connect: refused"}'
MEMBER = (b'{"version":"1.0","config":"sha256:00112233445566778899aabbccddeeff",'
          b'"started":1733500000000,"generation":3,"endpoints":12}')
files = {}
files["state"] = b"\0" + STATE
files["state-cut"] = b"\0" + STATE[:100]
files["state-other-version"] = b"\0" + STATE.replace(b"state 1", b"state 2")
files["secret"] = b"\1" + SECRET
files["secret-short"] = b"\1" + SECRET[:60]
files["key-pair"] = b"\2" + tree(KEYS + ".key") + b"\n%%\n" + tree(KEYS + ".private")
files["key-public-only"] = b"\2" + tree(KEYS + ".key")
files["latency"] = b"\3" + tree("geo/latency.yaml.example")
files["coordinates"] = b"\4" + tree("geo/countries.csv")[:2000]
files["fleet-obs"] = b"\5" + OBS
files["fleet-member"] = b"\5" + MEMBER
files["route53-records"] = b"\6" + tree("tests/data/route53/records.json")
corpora["files"] = files

# etcd: two bytes for the chunk sizes, then a watch stream as the v3 JSON
# gateway writes it (keys and values base64).
def b64(text):
    import base64
    return base64.b64encode(text.encode()).decode()


def kv(key, value, rev):
    return ('{"key":"%s","create_revision":"%d","mod_revision":"%d","version":"1",'
            '"value":"%s","lease":"7587879581519371012"}' % (b64(key), rev, rev, b64(value)))


def watch_msg(rev, events=None, **extra):
    res = {"header": '{"cluster_id":"1","member_id":"2","revision":"%d","raft_term":"3"}' % rev}
    parts = ['"header":' + res["header"]]
    for k, v in extra.items():
        parts.append('"%s":%s' % (k, v))
    if events is not None:
        parts.append('"events":[%s]' % ",".join(events))
    return ('{"result":{%s}}\n' % ",".join(parts)).encode()


VIEW = '{"state":"down","rtt_us":900,"since":1733500000000,"error":"connect: refused"}'
CREATED = watch_msg(41, created="true")
PUT = watch_msg(42, ['{"kv":%s}' % kv("/steer/views/vp1/use1-a", VIEW, 42)])
DELETE = watch_msg(43, ['{"type":"DELETE","kv":{"key":"%s","mod_revision":"43"}}'
                        % b64("/steer/views/vp1/use1-a")])
etcd = {}
etcd["created-put-delete"] = b"\0\0" + CREATED + PUT + DELETE
etcd["split-small"] = b"\x01\x00" + CREATED + PUT + DELETE
etcd["split-large"] = b"\x01\x03" + CREATED + PUT + DELETE
etcd["two-events"] = b"\2\7" + CREATED + watch_msg(44, [
    '{"kv":%s}' % kv("/steer/nodes/ns1", '{"version":"1.0","config":"sha256:00","started":1,'
                     '"generation":2,"endpoints":3}', 44),
    '{"kv":%s}' % kv("/steer/dials/east", "40", 44)])
etcd["progress"] = b"\3\3" + CREATED + watch_msg(50)
etcd["compacted"] = b"\4\4" + CREATED + watch_msg(60, canceled="true", compact_revision='"55"')
etcd["cancelled"] = b"\5\5" + CREATED + watch_msg(60, canceled="true",
                                                  cancel_reason='"permission denied"') + PUT
etcd["error"] = b"\6\6" + b'{"error":{"grpc_code":14,"message":"etcdserver: no leader"}}\n' + PUT
etcd["not-json"] = b"\7\7" + CREATED + b"<html>502 Bad Gateway</html>\n" + PUT
etcd["bad-base64"] = b"\x08\x08" + CREATED + watch_msg(42, ['{"kv":{"key":"!!","value":"??"}}']) + PUT
etcd["no-newline"] = b"\x09\x09" + CREATED + PUT[:-1]
corpora["etcd"] = etcd

targets = sys.argv[1:] or sorted(corpora)
for target in targets:
    out = os.path.join(HERE, "corpus", target)
    os.makedirs(out, exist_ok=True)
    for old in os.listdir(out):
        os.unlink(os.path.join(out, old))
    for name, data in sorted(corpora[target].items()):
        with open(os.path.join(out, name), "wb") as f:
            f.write(data)
    print("wrote %d seeds to %s" % (len(corpora[target]), out))
