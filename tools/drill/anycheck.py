#!/usr/bin/python3
"""The health checker of one anycast region, paired with the region's BIRD
the way anycast operators pair one (anycast-healthchecker, ExaBGP's
healthcheck): it probes every local backend over HTTP and keeps the BIRD
protocol that originates the service prefix enabled while the region is
healthy, disabled (the prefix withdrawn) while it is not.

  anycheck.py --bird SOCKET --protocol service --port 80 east-a=127.0.1.1 east-b=127.0.1.2

Probes follow steercheck's rules: one timer per backend (drift-free, the
first probe at a random point of the interval), GET PATH with a timeout for
the whole exchange, the expected status and a body that contains the
expected text; a backend whose state is unknown goes up at its first
success, down after FALL failures; a down backend comes back after RISE
successes. The region is healthy while at least --min-up backends are up
(default: all of them); unknown backends leave the announcement as it is.
The desired state is asserted again every interval, so a BIRD that
restarted gets it back.
"""
import argparse
import random
import socket
import sys
import threading
import time

import bird

UNKNOWN, UP, DOWN = "unknown", "up", "down"


def probe(addr, port, path, timeout, expect_status, expect_body):
    """One HTTP probe: None when it passed, else why it failed."""
    deadline = time.monotonic() + timeout
    try:
        s = socket.create_connection((addr, port), timeout=timeout)
    except socket.timeout:
        return "connect timeout"
    except OSError as e:
        return "connect: %s" % (e.strerror or e)
    data = b""
    try:
        s.sendall(("GET %s HTTP/1.0\r\nHost: %s\r\n\r\n" % (path, addr)).encode())
        while len(data) < 65536:
            left = deadline - time.monotonic()
            if left <= 0:
                return "timeout"
            s.settimeout(left)
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    except socket.timeout:
        return "timeout"
    except OSError as e:
        return "read: %s" % (e.strerror or e)
    finally:
        s.close()
    head, _, body = data.partition(b"\r\n\r\n")
    try:
        status = int(head.split(b" ", 2)[1])
    except (IndexError, ValueError):
        return "no HTTP status"
    if status not in expect_status:
        return "status %d" % status
    if expect_body and expect_body.encode() not in body:
        return "body without %r" % expect_body
    return None


class Region:
    def __init__(self, args, backends):
        self.args = args
        self.backends = backends  # name -> addr
        self.state = {n: UNKNOWN for n in backends}
        self.ok_run = {n: 0 for n in backends}
        self.fail_run = {n: 0 for n in backends}
        self.min_up = args.min_up or len(backends)
        self.lock = threading.Lock()
        self.applied = None       # True announced, False withdrawn, None not yet
        self.asserted_at = 0.0

    def log(self, msg):
        now = time.time()
        sys.stdout.write("%s.%03d %s\n" % (time.strftime("%H:%M:%S", time.localtime(now)),
                                            int(now * 1000) % 1000, msg))
        sys.stdout.flush()

    def result(self, name, error):
        """steercheck's hysteresis (src/check/hyst.c) for one result."""
        a = self.args
        with self.lock:
            before = self.state[name]
            if error is None:
                self.fail_run[name] = 0
                self.ok_run[name] += 1
                if before == UNKNOWN or (before == DOWN and self.ok_run[name] >= a.rise):
                    self.state[name] = UP
            else:
                self.ok_run[name] = 0
                self.fail_run[name] += 1
                if before != DOWN and self.fail_run[name] >= a.fall:
                    self.state[name] = DOWN
            if self.state[name] != before:
                self.log("backend %s %s%s" % (name, self.state[name], "" if error is None else " (%s)" % error))
            self.decide()

    def wanted(self):
        states = list(self.state.values())
        if sum(1 for s in states if s == UP) >= self.min_up:
            return True
        if len(states) - sum(1 for s in states if s == DOWN) < self.min_up:
            return False
        return None  # not enough known: leave the announcement as it is

    def decide(self):
        want = self.wanted()
        if want is None:
            return
        now = time.monotonic()
        if want == self.applied and now - self.asserted_at < self.args.interval:
            return
        cmd = ("enable " if want else "disable ") + self.args.protocol
        try:
            bird.command(self.args.bird, cmd, timeout=1.0)
        except (OSError, bird.BirdError) as e:
            if self.applied is not None:
                self.log("%s: %s (again at the next result)" % (cmd, e))
            self.applied = None
            return
        if want != self.applied:
            self.log("%s: %s" % ("announce" if want else "withdraw", cmd))
        self.applied = want
        self.asserted_at = now

    def run_backend(self, name):
        a = self.args
        addr = self.backends[name]
        due = time.monotonic() + random.uniform(0, a.interval)
        while True:
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            error = probe(addr, a.port, a.path, a.timeout, a.expect_status, a.expect_body)
            self.result(name, error)
            due += a.interval
            if due < time.monotonic():  # a late probe does not pile up
                due = time.monotonic() + a.interval


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bird", required=True, help="BIRD's control socket")
    ap.add_argument("--protocol", default="service", help="the BIRD protocol that originates the prefix")
    ap.add_argument("--port", type=int, default=80)
    ap.add_argument("--path", default="/healthz")
    ap.add_argument("--expect-status", default="200", help="comma list of statuses")
    ap.add_argument("--expect-body", default="OK")
    ap.add_argument("--interval", type=float, default=1.0)
    ap.add_argument("--timeout", type=float, default=0.5)
    ap.add_argument("--rise", type=int, default=2)
    ap.add_argument("--fall", type=int, default=2)
    ap.add_argument("--min-up", type=int, default=0, help="backends up for the region to be healthy (0: all)")
    ap.add_argument("backend", nargs="+", help="NAME=ADDRESS")
    args = ap.parse_args()
    args.expect_status = [int(s) for s in args.expect_status.split(",")]
    backends = {}
    for b in args.backend:
        name, sep, addr = b.partition("=")
        if not sep:
            ap.error("backend %r: expected NAME=ADDRESS" % b)
        backends[name] = addr
    region = Region(args, backends)
    region.log("checking %s every %gs (timeout %gs, rise %d, fall %d), %d up to announce"
               % (", ".join(backends), args.interval, args.timeout, args.rise, args.fall, region.min_up))
    threads = [threading.Thread(target=region.run_backend, args=(n,), daemon=True) for n in backends]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


if __name__ == "__main__":
    main()
