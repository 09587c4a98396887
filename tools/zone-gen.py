#!/usr/bin/env python3
"""Write a large, deterministic test zone: N records over names with an
A/AAAA/TXT/MX mix, plus the SOA and NS at the apex.

usage: zone-gen.py [-n RECORDS] [-o FILE] [--origin NAME] [--seed S]
"""
import argparse
import random
import sys


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--records", type=int, default=1000000)
    ap.add_argument("-o", "--output", default="-")
    ap.add_argument("--origin", default="big.test.")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    origin = args.origin if args.origin.endswith(".") else args.origin + "."
    rnd = random.Random(args.seed)
    out = sys.stdout if args.output == "-" else open(args.output, "w")
    w = out.write
    w(f"$ORIGIN {origin}\n$TTL 3600\n")
    w("@ IN SOA ns1 hostmaster 2024010101 7200 3600 1209600 300\n")
    w("@ IN NS ns1\n@ IN NS ns2\n")
    w("ns1 IN A 192.0.2.1\nns2 IN A 192.0.2.2\n")
    n = args.records - 5
    i = 0
    host = 0
    while i < n:
        host += 1
        # Mostly one or two records per name, some deeper names (ENTs).
        if host % 10 == 0:
            name = f"h{host}.dept{host % 97}"
        else:
            name = f"h{host}"
        r = rnd.random()
        a = f"10.{(host >> 16) & 255}.{(host >> 8) & 255}.{host & 255}"
        if r < 0.55:
            w(f"{name} A {a}\n")
            i += 1
        elif r < 0.80:
            w(f"{name} A {a}\n{name} AAAA 2001:db8::{host >> 16:x}:{host & 0xffff:x}\n")
            i += 2
        elif r < 0.92:
            w(f'{name} 300 TXT "v=spf1 ip4:{a} -all" "id={rnd.getrandbits(48):012x}"\n')
            i += 1
        else:
            w(f"{name} MX 10 mx{host % 50}\n{name} MX 20 mx{(host + 1) % 50}\n")
            i += 2
    if out is not sys.stdout:
        out.close()


if __name__ == "__main__":
    main()
