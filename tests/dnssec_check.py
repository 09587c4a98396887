#!/usr/bin/python3
"""Check signed answers of a zone signed online, the way a validator would.

usage: dnssec_check.py SERVER PORT ZONE CASE...
       dnssec_check.py --files ZONE DNSKEY-ANSWER "ANSWER-FILE [KIND]"...

Each CASE is "QNAME QTYPE [KIND] [ecs=ADDR/LEN] [tcp]" in one argument.
The query goes out with DO set (or was made with DO and saved, with the
zone's DNSKEY answer, by a test); the answer is checked against the zone's
DNSKEY RRset (itself checked against its own signatures):

  every RRset of the answer and authority sections (but the NS of a
  referral and a CNAME made from a DNAME) carries RRSIGs, and every RRSIG
  validates (RFC 4034/4035 canonical form, dnspython's dns.dnssec), with
  the TTL of its RRset and an original TTL not below it; AD is clear;
  NXDOMAIN never appears (compact denial, RFC 9824);
  a NODATA proves itself: SOA, and one NSEC at the name with neither the
  type nor CNAME in its bit map (NXNAME when the name does not exist);
  every NSEC lists RRSIG and NSEC (RFC 4035 2.3), so an RRSIG query is
  answered: RRSIGs only, that of the name's NSEC among them, and (when
  asking a server) each validates the RRset a query for its type gets;
  a wildcard answer carries an NSEC that covers the name and shares
  exactly the wildcard's closest encloser with it (RFC 4035 5.3.4);
  a referral carries the signed DS, or an NSEC at the cut without DS.

KIND, when given, is what the answer must be: answer, wildcard, nodata,
nxname, referral (secure or insecure), secure-referral. Prints one line per
case ("ok ..." or "FAIL ..."; a query that times out or an error of the
checker's own is a FAIL line too), exits 1 when any failed, 77 when
dnspython cannot validate here.
"""
import sys
import time

try:
    import dns.dnssec
    import dns.edns
    import dns.flags
    import dns.message
    import dns.name
    import dns.query
    import dns.rcode
    import dns.rdatatype
    if not dns.dnssec._have_pyca:
        raise ImportError("no cryptography")
except (ImportError, AttributeError):
    sys.exit(77)

T = dns.rdatatype


def ask(server, port, qname, qtype, ecs=None, tcp=False):
    opts = []
    if ecs:
        addr, plen = ecs.split("/")
        opts.append(dns.edns.ECSOption(addr, int(plen)))
    q = dns.message.make_query(qname, qtype, want_dnssec=True, use_edns=0,
                               payload=4096, options=opts)
    q.flags &= ~dns.flags.RD
    if tcp:
        return dns.query.tcp(q, server, port=port, timeout=5)
    return dns.query.udp(q, server, port=port, timeout=5)


def sigs_for(section, rrset):
    return [s for s in section if s.rdtype == T.RRSIG and s.name == rrset.name
            and s.covers == rrset.rdtype]


def validate(rrset, sigs, keys, now, problems, where):
    if not sigs:
        problems.append("%s %s %s: no RRSIG" % (where, rrset.name, T.to_text(rrset.rdtype)))
        return None
    labels = None
    for sigset in sigs:
        if sigset.ttl != rrset.ttl:
            problems.append("%s %s: RRSIG TTL %d, RRset TTL %d" % (
                where, rrset.name, sigset.ttl, rrset.ttl))
        for sig in sigset:
            if sig.original_ttl < rrset.ttl:
                problems.append("%s %s: original TTL %d below the TTL %d" % (
                    where, rrset.name, sig.original_ttl, rrset.ttl))
            try:
                dns.dnssec.validate_rrsig(rrset, sig, keys, now=now)
            except dns.dnssec.ValidationFailure as e:
                problems.append("%s %s %s: RRSIG by key %d does not validate: %s" % (
                    where, rrset.name, T.to_text(rrset.rdtype), sig.key_tag, e))
            labels = sig.labels
    return labels


def nsec_types(nsec):
    out = set()
    for window, bitmap in nsec[0].windows:
        for i, byte in enumerate(bitmap):
            for bit in range(8):
                if byte & (0x80 >> bit):
                    out.add(window * 256 + i * 8 + bit)
    return out


def shared_suffix(a, b):
    n = 0
    for la, lb in zip(reversed(a.labels), reversed(b.labels)):
        if la.lower() != lb.lower():
            break
        n += 1
    return n


def covers(nsec, name):
    owner, nxt = nsec.name, nsec[0].next
    return owner < name < nxt


def check(msg, keys, qname, qtype, zone, now):
    """Problems with one answer, and what kind of answer it is."""
    problems = []
    if msg.flags & dns.flags.AD:
        problems.append("AD set")
    if msg.rcode() == dns.rcode.NXDOMAIN:
        problems.append("NXDOMAIN with DO (compact denial answers NOERROR)")
    if msg.rcode() != dns.rcode.NOERROR:
        return problems + ["rcode %s" % dns.rcode.to_text(msg.rcode())], "error"
    if msg.flags & dns.flags.TC:
        return problems + ["TC set"], "truncated"

    dname_owners = [r.name for r in msg.answer if r.rdtype == T.DNAME]
    wild = []
    for rrset in msg.answer:
        if rrset.rdtype == T.RRSIG:
            continue
        if rrset.rdtype == T.CNAME and any(rrset.name.is_subdomain(d) and rrset.name != d
                                           for d in dname_owners):
            continue  # made from the DNAME, not signed (RFC 6672 5.3.1)
        labels = validate(rrset, sigs_for(msg.answer, rrset), keys, now, problems, "answer")
        if labels is not None and labels < len(rrset.name) - 1:
            wild.append((rrset.name, labels))
    auth = [r for r in msg.authority if r.rdtype != T.RRSIG]
    referral = (not msg.answer or all(r.rdtype in (T.CNAME, T.DNAME, T.RRSIG)
                                      for r in msg.answer)) \
        and any(r.rdtype == T.NS for r in auth) and not any(r.rdtype == T.SOA for r in auth)
    for rrset in auth:
        if rrset.rdtype == T.NS and referral:
            continue
        validate(rrset, sigs_for(msg.authority, rrset), keys, now, problems, "authority")
    for rrset in msg.additional:
        if rrset.rdtype in (T.RRSIG, T.OPT):
            continue
        sigs = sigs_for(msg.additional, rrset)
        if sigs:
            validate(rrset, sigs, keys, now, problems, "additional")
        elif not referral:
            problems.append("additional %s %s: no RRSIG" % (rrset.name,
                                                            T.to_text(rrset.rdtype)))
    nsecs = [r for r in auth if r.rdtype == T.NSEC]
    for n in nsecs + [r for r in msg.answer if r.rdtype == T.NSEC]:
        types = nsec_types(n)
        if T.RRSIG not in types or T.NSEC not in types:
            problems.append("NSEC at %s without RRSIG or NSEC: %s" % (n.name, sorted(types)))
    if qtype == T.RRSIG and msg.answer:
        qn = dns.name.from_text(qname)
        if any(r.rdtype != T.RRSIG or r.name != qn for r in msg.answer):
            problems.append("RRSIG answer with other records")
        if not any(r.covers == T.NSEC for r in msg.answer):
            problems.append("RRSIG answer without the signature of the NSEC at %s" % qn)

    # The name the answer ends at: qname, or the last CNAME's target in the zone.
    name = dns.name.from_text(qname)
    left = False  # the chain leads out of the zone: the resolver goes on elsewhere
    for _ in range(16):
        cn = [r for r in msg.answer if r.rdtype == T.CNAME and r.name == name]
        if not cn or qtype in (T.CNAME, T.ANY):
            break
        name = cn[0][0].target
        if not name.is_subdomain(zone):
            left = True
            break
    kind = "answer"
    for owner, labels in wild:
        kind = "wildcard"
        ce = dns.name.Name(owner.labels[-(labels + 1):])
        proof = [n for n in nsecs if covers(n, owner)
                 and max(shared_suffix(n.name, owner),
                         shared_suffix(n[0].next, owner)) == len(ce)]
        if not proof:
            problems.append("wildcard answer for %s: no NSEC covering it with closest "
                            "encloser %s" % (owner, ce))
    final = [r for r in msg.answer if r.name == name and (r.rdtype == qtype or qtype == T.ANY)
             and (r.rdtype != T.RRSIG or qtype == T.RRSIG)]
    if referral:
        cut = [r for r in auth if r.rdtype == T.NS][0].name
        ds = [r for r in auth if r.rdtype == T.DS and r.name == cut]
        ns_nsec = [n for n in nsecs if n.name == cut]
        if ds:
            kind = "secure-referral"
        elif ns_nsec:
            types = nsec_types(ns_nsec[0])
            kind = "referral"
            if T.DS in types or T.NS not in types:
                problems.append("referral NSEC at %s: types %s" % (cut, sorted(types)))
            if not (ns_nsec[0].name < ns_nsec[0][0].next) or \
                    ns_nsec[0][0].next.is_subdomain(cut):
                problems.append("referral NSEC at %s: next name %s" % (cut, ns_nsec[0][0].next))
        else:
            problems.append("referral to %s without DS or NSEC" % cut)
    elif not final and not left and not (qtype == T.CNAME and msg.answer):
        if not any(r.rdtype == T.SOA for r in auth):
            problems.append("negative answer without SOA")
        own = [n for n in nsecs if n.name == name]
        if not own:
            problems.append("negative answer without an NSEC at %s" % name)
        else:
            types = nsec_types(own[0])
            kind = "nxname" if 128 in types else "nodata"
            if qtype in types or T.CNAME in types:
                problems.append("NSEC at %s lists %s" % (name, sorted(types)))
            if not (own[0].name < own[0][0].next):
                problems.append("NSEC at %s: next name %s sorts first" % (
                    name, own[0][0].next))
            expect_ttl = min(a.ttl for a in auth if a.rdtype == T.SOA) if any(
                a.rdtype == T.SOA for a in auth) else None
            if expect_ttl is not None and own[0].ttl != expect_ttl:
                problems.append("NSEC TTL %d, SOA's negative TTL %d" % (own[0].ttl, expect_ttl))
    return problems, kind


def check_keys(km, zone, now):
    keyset = [r for r in km.answer if r.rdtype == T.DNSKEY]
    if not keyset:
        print("FAIL no DNSKEY RRset for %s" % zone)
        return None
    keys = {zone: keyset[0]}
    bad = []
    validate(keyset[0], sigs_for(km.answer, keyset[0]), keys, now, bad, "DNSKEY")
    for b in bad:
        print("FAIL DNSKEY: %s" % b)
    return None if bad else keys


def rrsigs_match(msg, keys, now, server, port, ecs, tcp):
    """An RRSIG answer: each signature validates the RRset a query for the
    type it covers gets (NSEC: the NSEC query's answer)."""
    problems = []
    for sigset in msg.answer:
        if sigset.rdtype != T.RRSIG:
            continue
        got = ask(server, port, sigset.name, sigset.covers, ecs, tcp)
        rrset = [r for r in got.answer if r.name == sigset.name and r.rdtype == sigset.covers]
        if not rrset:
            problems.append("RRSIG of %s %s, but no such RRset" % (
                sigset.name, T.to_text(sigset.covers)))
            continue
        for sig in sigset:
            try:
                dns.dnssec.validate_rrsig(rrset[0], sig, keys, now=now)
            except dns.dnssec.ValidationFailure as e:
                problems.append("RRSIG of %s %s by key %d does not validate its RRset: %s" % (
                    sigset.name, T.to_text(sigset.covers), sig.key_tag, e))
    return problems


def report(case, msg, want, keys, zone, now, server=None):
    q = msg.question[0]
    problems, kind = check(msg, keys, q.name.to_text(), q.rdtype, zone, now)
    if server and q.rdtype == T.RRSIG:
        problems += rrsigs_match(msg, keys, now, *server)
    if want and kind != want and not (want == "referral" and kind == "secure-referral"):
        problems.append("a %s answer, expected %s" % (kind, want))
    if problems:
        print("FAIL %s: %s" % (case, "; ".join(problems)))
        print(msg.to_text())
        return False
    print("ok %s (%s)" % (case, kind))
    return True


def main(argv):
    now = time.time()
    if len(argv) > 3 and argv[1] == "--files":
        # Answers saved by a test: --files ZONE DNSKEY-ANSWER "FILE [KIND]"...
        zone = dns.name.from_text(argv[2])
        keys = check_keys(dns.message.from_wire(open(argv[3], "rb").read()), zone, now)
        if not keys:
            return 1
        ok = True
        for case in argv[4:]:
            words = case.split()
            msg = dns.message.from_wire(open(words[0], "rb").read())
            ok &= report(case, msg, words[1] if len(words) > 1 else None, keys, zone, now)
        return 0 if ok else 1
    server, port, zone = argv[1], int(argv[2]), dns.name.from_text(argv[3])
    keys = check_keys(ask(server, port, zone, T.DNSKEY), zone, now)
    if not keys:
        return 1
    ok = True
    for case in argv[4:]:
        words = case.split()
        qname, qtype = words[0], T.from_text(words[1])
        want, ecs, tcp = None, None, False
        for w in words[2:]:
            if w.startswith("ecs="):
                ecs = w[4:]
            elif w == "tcp":
                tcp = True
            else:
                want = w
        ok &= report(case, ask(server, port, qname, qtype, ecs, tcp), want, keys, zone, now,
                     (server, port, ecs, tcp))
    return 0 if ok else 1


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except Exception as e:  # a timeout, a message that does not parse, a bug here
        # On stdout as a FAIL line: callers keep what is not "ok".
        print("FAIL %s: %s" % (type(e).__name__, e))
        sys.exit(1)
