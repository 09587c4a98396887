#!/usr/bin/python3
"""Check every RRset of a DNS message against its RRSIGs with dnspython.

usage: dnssec_verify.py MESSAGE.bin [NOW]

The message carries the zone's DNSKEY RRset (answer section) and the
RRsets to check, each followed by its RRSIG records. Every RRset other
than the RRSIGs must have at least one RRSIG, and every RRSIG must
validate against the DNSKEY RRset at time NOW (default: now).
Exit 0: all valid; 1: a failure (printed); 77: dnspython cannot validate.
"""
import sys
import time

try:
    import dns.dnssec
    import dns.message
    import dns.rdatatype
except ImportError:
    sys.exit(77)


def main():
    wire = open(sys.argv[1], "rb").read()
    now = float(sys.argv[2]) if len(sys.argv) > 2 else time.time()
    msg = dns.message.from_wire(wire)
    sections = msg.answer + msg.authority + msg.additional
    keys = {r.name: r for r in sections if r.rdtype == dns.rdatatype.DNSKEY}
    if not keys:
        print("no DNSKEY RRset in the message")
        return 1
    checked = 0
    for rrset in sections:
        if rrset.rdtype == dns.rdatatype.RRSIG:
            continue
        sigs = [s for s in sections if s.rdtype == dns.rdatatype.RRSIG
                and s.name == rrset.name and s.covers == rrset.rdtype]
        if not sigs:
            print("no RRSIG for %s %s" % (rrset.name, dns.rdatatype.to_text(rrset.rdtype)))
            return 1
        for sig in sigs:
            for one in sig:
                try:
                    dns.dnssec.validate_rrsig(rrset, one, keys, now=now)
                except dns.dnssec.ValidationFailure as e:
                    print("%s %s: key %d: %s" % (rrset.name,
                          dns.rdatatype.to_text(rrset.rdtype), one.key_tag, e))
                    return 1
                except ImportError:
                    return 77
                checked += 1
    print("ok %d" % checked)
    return 0


sys.exit(main())
