#!/usr/bin/env python3
"""Measure how long a backend fault takes to change steerd's answer.

propagation.py PORT NAME MODE_FILE MODE WANT [LIMIT_S]
Writes MODE into MODE_FILE (the backend reads it on every request), then asks
127.0.0.1:PORT for NAME/A every 5 ms until the answer is exactly WANT. Prints
the elapsed milliseconds; exits 1 when LIMIT_S (default 10) passes first.
"""
import random
import socket
import struct
import sys
import time


def skip_name(msg, i):
    while True:
        n = msg[i]
        if n == 0:
            return i + 1
        if n & 0xC0 == 0xC0:
            return i + 2
        i += n + 1


def answer(port, name):
    """The A addresses in the answer section (no recursion desired), or None."""
    qid = random.randrange(65536)
    qname = b"".join(bytes([len(l)]) + l.encode() for l in name.rstrip(".").split(".")) + b"\0"
    query = struct.pack("!HHHHHH", qid, 0, 1, 0, 0, 0) + qname + struct.pack("!HH", 1, 1)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(0.5)
    try:
        s.sendto(query, ("127.0.0.1", port))
        msg = s.recv(4096)
    except OSError:
        return None
    finally:
        s.close()
    rid, flags, qd, an = struct.unpack("!HHHH", msg[:8])
    if rid != qid:
        return None
    i = 12
    for _ in range(qd):
        i = skip_name(msg, i) + 4
    out = []
    for _ in range(an):
        i = skip_name(msg, i)
        rtype, _cls, _ttl, rdlen = struct.unpack("!HHIH", msg[i:i + 10])
        i += 10
        if rtype == 1 and rdlen == 4:
            out.append(socket.inet_ntoa(msg[i:i + 4]))
        i += rdlen
    return sorted(out)


def main():
    port, name, mode_file, mode, want = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
    limit = float(sys.argv[6]) if len(sys.argv) > 6 else 10.0
    want = sorted(want.split(","))
    t0 = time.monotonic()
    with open(mode_file, "w") as f:
        f.write(mode + "\n")
    while time.monotonic() - t0 < limit:
        if answer(port, name) == want:
            print("%.0f" % ((time.monotonic() - t0) * 1000))
            return 0
        time.sleep(0.005)
    print("timeout: last answer %s" % answer(port, name))
    return 1


if __name__ == "__main__":
    sys.exit(main())
