"""The Python halves of the smoke tests: one line per check, "ok - LABEL" or
"not ok - LABEL DETAIL", and an exit status that says whether all passed.
Import it with PYTHONPATH=$top_srcdir/tests/smoke."""
import socket
import struct
import sys

fails = 0


def check(label, cond, detail=""):
    global fails
    print(("ok - " if cond else "not ok - ") + label + ("" if cond else " " + str(detail)))
    if not cond:
        fails += 1


def done():
    sys.exit(1 if fails else 0)


def exchange(addr, port, msg, proto="udp", timeout=1.5):
    """Send one DNS message over UDP or TCP (length-prefixed); the response,
    or None when none came (timeout, connection closed)."""
    try:
        if proto == "tcp":
            s = socket.create_connection((addr, port), timeout=timeout)
            s.sendall(struct.pack("!H", len(msg)) + msg)
            head = b""
            while len(head) < 2:
                part = s.recv(2 - len(head))
                if not part:
                    return None
                head += part
            n, r = struct.unpack("!H", head)[0], b""
            while len(r) < n:
                part = s.recv(n - len(r))
                if not part:
                    return None
                r += part
            return r
        s = socket.socket(socket.AF_INET6 if ":" in addr else socket.AF_INET, socket.SOCK_DGRAM)
        s.settimeout(timeout)
        s.sendto(msg, (addr, port))
        return s.recvfrom(65535)[0]
    except (socket.timeout, ConnectionError):
        return None
