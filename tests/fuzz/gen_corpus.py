#!/usr/bin/python3
"""Write the seed corpus of the query fuzz target: valid queries for every
kind of answer the test zone gives, and malformed ones for every FORMERR and
drop case. Deterministic; rerun after changing it and commit the output.

    /usr/bin/python3 tests/fuzz/gen_corpus.py [OUTDIR]
"""
import os
import struct
import sys

import dns.edns
import dns.flags
import dns.message
import dns.opcode
import dns.rdatatype

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "corpus", "query")
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
seeds["edns-unknown-option"] = query(
    "www." + Z, "A", use_edns=0, options=[dns.edns.GenericOption(65001, b"xyz")])

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

os.makedirs(OUT, exist_ok=True)
for old in os.listdir(OUT):
    os.unlink(os.path.join(OUT, old))
for name, data in sorted(seeds.items()):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)
print("wrote %d seeds to %s" % (len(seeds), OUT))
