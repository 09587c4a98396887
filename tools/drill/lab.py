"""The drill lab: real HTTP backends on their own loopback addresses,
steercheck and steerd with a weighted and a latency record, and caching
resolvers (Debian's unbound) between the clients and steerd.

Everything listens on 127.0.0.0/8; every process is stopped by its PID.
"""
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rdatatype

import clients

ZONE = "drill.test"

# Probe settings of the target scenario: interval 1 s, fall 2, timeout 0.5 s, TTL 5 s.
CHECK = {"interval": 1.0, "fall": 2, "rise": 2, "timeout": 0.5}
TTL = 5

REGIONS = {
    "east": {"location": (39.04, -77.49), "backends": ["127.0.1.1", "127.0.1.2"]},
    "west": {"location": (45.84, -119.70), "backends": ["127.0.2.1", "127.0.2.2"]},
}

RESOLVER_VARIANTS = {
    "ttl": {"title": "unbound honouring TTLs", "column": "DNS, TTL honoured", "options": []},
    "min-ttl-300": {"title": "unbound with cache-min-ttl: 300 (stretches TTLs)",
                    "column": "DNS, TTL stretched to 300 s",
                    "options": ["cache-min-ttl: 300"]},
    "serve-expired": {"title": "unbound with serve-expired", "column": "DNS, serve-expired",
                      "options": ["serve-expired: yes", "serve-expired-ttl: 86400",
                                  "serve-expired-client-timeout: 0"]},
    # The zone signed online (keys from dnssec-keygen), every resolver
    # validating with the zone's DS as trust anchor: failover must not
    # trip validation (a bogus answer would be a DNS failure here).
    "dnssec": {"title": "validating unbound, zone signed online", "column": "DNS, DNSSEC validated",
               "options": [], "dnssec": True},
}


def free_port(addr="127.0.0.1"):
    """A port free for both UDP and TCP on addr, below the ephemeral range
    (32768-60999) so that client sockets of other processes cannot take it
    before our server binds it."""
    for _ in range(200):
        port = random.randint(10000, 32000)
        t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        try:
            t.bind((addr, port))
            u.bind((addr, port))
            return port
        except OSError:
            continue
        finally:
            u.close()
            t.close()
    raise RuntimeError("no free port on %s" % addr)


def lab_backends(workdir):
    """The lab's backends: name -> dict(addr, region, mode_file), the same
    in the DNS and the anycast lab (east-a, east-b, west-a, west-b)."""
    out = {}
    for region, spec in REGIONS.items():
        for i, addr in enumerate(spec["backends"]):
            name = "%s-%s" % (region, "abcdefgh"[i])
            out[name] = {"addr": addr, "region": region, "mode_file": os.path.join(workdir, "mode-" + name)}
    return out


def budget_seconds():
    return CHECK["interval"] * CHECK["fall"] + CHECK["timeout"] + TTL


class Proc:
    """A child process we started and stop by PID."""

    def __init__(self, name, argv, log_path, env=None):
        self.name = name
        self.argv = argv
        self.log_path = log_path
        self.env = env
        self.p = None

    def start(self):
        log = open(self.log_path, "ab")
        self.p = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, env=self.env,
                                  start_new_session=True)
        log.close()
        return self

    def alive(self):
        return self.p is not None and self.p.poll() is None

    def stop(self, sig=signal.SIGTERM, wait=5.0):
        if not self.alive():
            self.p = None
            return
        try:
            os.kill(self.p.pid, sig)
            self.p.wait(timeout=wait)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.kill(self.p.pid, signal.SIGKILL)
                self.p.wait(timeout=wait)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                pass
        self.p = None


class Lab:
    def __init__(self, workdir, builddir, srcdir, variant="ttl", n_resolvers=8, log=print):
        self.dir = workdir
        self.build = builddir
        self.src = srcdir
        self.variant = variant
        self.n_resolvers = n_resolvers
        self.log = log
        self.procs = {}
        self.ip_region = {}
        self.ip_endpoint = {}
        os.makedirs(self.dir, exist_ok=True)
        self.backend_port = free_port("127.0.1.1")
        self.dns_port = free_port("127.0.0.1")
        self.resolvers = []  # (addr, port)
        self.backends = lab_backends(self.dir)
        for name, b in self.backends.items():
            self.ip_region[b["addr"]] = b["region"]
            self.ip_endpoint[b["addr"]] = name

    # ---- files -------------------------------------------------------------
    def write_files(self):
        with open(os.path.join(self.dir, ZONE + ".zone"), "w") as f:
            f.write("$ORIGIN %s.\n$TTL 300\n" % ZONE)
            f.write("@ IN SOA ns1 hostmaster 1 3600 600 86400 5\n")
            f.write("@ IN NS ns1\nns1 IN A 127.0.0.1\n")
        lines = [
            "server:",
            "  listen: [\"127.0.0.1:%d\"]" % self.dns_port,
            "  workers: 1",
            "  control: %s/steerd.sock" % self.dir,
            "  state_dir: %s/state" % self.dir,
            "zones:",
        ]
        if RESOLVER_VARIANTS[self.variant].get("dnssec"):
            keys = os.path.join(self.dir, "keys")
            os.makedirs(keys, exist_ok=True)
            for flags in (["-f", "KSK"], []):
                subprocess.run(["dnssec-keygen", "-q", "-a", "ECDSAP256SHA256"] + flags + [ZONE],
                               cwd=keys, check=True, capture_output=True, timeout=60)
            lines += ["  %s:" % ZONE,
                      "    file: %s/%s.zone" % (self.dir, ZONE),
                      "    dnssec: { keys: %s, signature_validity: 1d }" % keys]
        else:
            lines += ["  %s: %s/%s.zone" % (ZONE, self.dir, ZONE)]
        lines += [
            "health:",
            "  table: %s/health.shm" % self.dir,
            "  stale_after: 3s",
            "  on_stale: last-known",
            "checks:",
            "  web:",
            "    type: http",
            "    port: %d" % self.backend_port,
            "    path: /healthz",
            "    expect_status: [200]",
            "    expect_body: \"OK\"",
            "    interval: %gs" % CHECK["interval"],
            "    timeout: %dms" % int(CHECK["timeout"] * 1000),
            "    rise: %d" % CHECK["rise"],
            "    fall: %d" % CHECK["fall"],
            "regions:",
        ]
        for region, spec in REGIONS.items():
            lines += ["  %s:" % region,
                      "    location: [%g, %g]" % spec["location"],
                      "    select: weighted",
                      "    endpoints:"]
            for name, b in self.backends.items():
                if b["region"] == region:
                    lines.append("      %s: { address: %s, check: web }" % (name, b["addr"]))
        lines += [
            "records:",
            "  www.%s:" % ZONE,
            "    type: A",
            "    ttl: %d" % TTL,
            "    policy: weighted",
            "    weights: { east: 1, west: 1 }",
            "  ramp.%s:" % ZONE,
            "    type: A",
            "    ttl: %d" % TTL,
            "    policy: latency",
            "    regions: [east, west]",
        ]
        self.config = os.path.join(self.dir, "steerd.yaml")
        with open(self.config, "w") as f:
            f.write("\n".join(lines) + "\n")
        os.makedirs(os.path.join(self.dir, "state"), exist_ok=True)

    def write_unbound(self, i, addr, port):
        opts = RESOLVER_VARIANTS[self.variant]["options"]
        conf = os.path.join(self.dir, "unbound-%d.conf" % i)
        body = [
            "server:",
            "  interface: %s" % addr,
            "  port: %d" % port,
            "  do-ip6: no",
            "  do-not-query-localhost: no",
            "  access-control: 127.0.0.0/8 allow",
            "  username: \"\"",
            "  chroot: \"\"",
            "  directory: \"%s\"" % self.dir,
            "  pidfile: \"\"",
            "  use-syslog: no",
            "  logfile: \"\"",
            "  verbosity: 0",
            "  num-threads: 1",
        ]
        if RESOLVER_VARIANTS[self.variant].get("dnssec"):
            # Validate the drill zone against its DS, as given to a parent.
            ds = self.steerctl("ds", ZONE).splitlines()[0].replace(" IN DS ", " DS ")
            body += ["  module-config: \"validator iterator\"",
                     "  trust-anchor: \"%s\"" % ds]
        else:
            body += ["  module-config: \"iterator\""]
        body += [
            "  qname-minimisation: no",
            "  infra-keep-probing: yes",
            "  infra-host-ttl: 30",
            "  prefetch: no",
            # RFC 6761 makes test. a local zone in unbound; the drill zone lives under it.
            "  local-zone: \"test.\" nodefault",
        ] + ["  " + o for o in opts] + [
            "remote-control:",
            "  control-enable: no",
            # Everything goes to steerd: the drill zone as a stub, the rest
            # forwarded (and refused), so no packet leaves the loopback.
            "stub-zone:",
            "  name: \"%s\"" % ZONE,
            "  stub-addr: 127.0.0.1@%d" % self.dns_port,
            "forward-zone:",
            "  name: \".\"",
            "  forward-addr: 127.0.0.1@%d" % self.dns_port,
        ]
        with open(conf, "w") as f:
            f.write("\n".join(body) + "\n")
        return conf

    # ---- processes ---------------------------------------------------------
    def _proc(self, name, argv):
        p = Proc(name, argv, os.path.join(self.dir, name + ".log"))
        self.procs[name] = p
        return p

    def set_mode(self, endpoint, mode):
        with open(self.backends[endpoint]["mode_file"], "w") as f:
            f.write(mode + "\n")

    def start_backend(self, name):
        b = self.backends[name]
        p = self._proc("backend-" + name, [
            sys.executable, os.path.join(self.src, "tools/drill/backend.py"),
            "--name", name, "--addr", b["addr"], "--port", str(self.backend_port),
            "--mode-file", b["mode_file"]]).start()
        wait_tcp(b["addr"], self.backend_port, p)

    def kill_backend(self, name):
        self.procs["backend-" + name].stop(signal.SIGKILL)

    def start_checker(self):
        self._proc("steercheck", [os.path.join(self.build, "steercheck"), "-c", self.config]).start()

    def stop_checker(self):
        self.procs["steercheck"].stop(signal.SIGKILL)

    def start_steerd(self):
        p = self._proc("steerd", [os.path.join(self.build, "steerd"), "-c", self.config]).start()
        wait_dns("127.0.0.1", self.dns_port, ZONE, p)

    def stop_steerd(self):
        self.procs["steerd"].stop()

    def start_resolvers(self):
        for i in range(self.n_resolvers):
            addr = "127.0.3.%d" % (i + 1)
            port = free_port(addr)
            conf = self.write_unbound(i, addr, port)
            p = self._proc("unbound-%d" % i, ["unbound", "-d", "-c", conf]).start()
            wait_dns(addr, port, ZONE, p, rd=True)
            self.resolvers.append((addr, port))

    def steerctl(self, *args):
        argv = [os.path.join(self.build, "steerctl"), "-s", os.path.join(self.dir, "steerd.sock")]
        argv += list(args)
        r = subprocess.run(argv, capture_output=True, text=True, timeout=10)
        if r.returncode != 0:
            raise RuntimeError("steerctl %s: %s" % (" ".join(args), (r.stdout + r.stderr).strip()))
        return r.stdout

    # ---- what the scenarios use (the anycast lab has the same) -------------
    kind = "dns"

    @staticmethod
    def describe_for(n_resolvers):
        return ("%d regions x 2 HTTP backends on 127.0.x.y, steercheck (http /healthz, interval %gs, "
                "fall %d, rise %d, timeout %gs), steerd (weighted record www, latency record ramp, TTL %ds), "
                "%d unbound resolvers"
                % (len(REGIONS), CHECK["interval"], CHECK["fall"], CHECK["rise"], CHECK["timeout"], TTL,
                   n_resolvers))

    def describe(self):
        return self.describe_for(self.n_resolvers)

    def population(self, name, clients_n, rate, sessions, session_interval):
        return clients.Population(self, name, clients=clients_n, rate=rate, sessions=sessions,
                                  session_interval=session_interval)

    def region_down(self, region):
        """Every backend of the region killed (connection refused)."""
        for n, b in self.backends.items():
            if b["region"] == region:
                self.kill_backend(n)

    def region_up(self, region):
        for n, b in self.backends.items():
            if b["region"] == region and not self.procs["backend-" + n].alive():
                self.start_backend(n)

    def restart_control(self):
        self.stop_steerd()
        self.start_steerd()

    def dial(self, region, pct, over=None):
        self.steerctl("dial", region, str(pct), *(["--over", "%ds" % over] if over else []))

    def dial_clear(self):
        for region in REGIONS:
            self.steerctl("dial", region, "100")

    def checker_alive(self):
        return self.procs["steercheck"].alive()

    def settle(self):
        """After a scenario: give the checker time to see everything up."""
        time.sleep(CHECK["interval"] * CHECK["rise"] + 1.0)

    def start(self):
        self.write_files()
        for name in self.backends:
            self.set_mode(name, "ok")
            self.start_backend(name)
        self.start_checker()
        self.start_steerd()
        self.start_resolvers()
        # Let the checker see every backend up (rise) before measuring.
        time.sleep(CHECK["interval"] * CHECK["rise"] + 0.5)

    def stop(self):
        for p in list(self.procs.values()):
            p.stop()

    def authoritative(self, name, timeout=0.5):
        """Ask steerd directly (no cache): the set of A addresses."""
        q = dns.message.make_query(name, dns.rdatatype.A)
        r = dns.query.udp(q, "127.0.0.1", port=self.dns_port, timeout=timeout)
        return [rr.address for rrset in r.answer for rr in rrset if rr.rdtype == dns.rdatatype.A]


def wait_tcp(addr, port, proc, limit=10.0):
    end = time.monotonic() + limit
    while time.monotonic() < end:
        if not proc.alive():
            raise RuntimeError("%s exited at start (see %s)" % (proc.name, proc.log_path))
        try:
            socket.create_connection((addr, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("%s does not accept on %s:%d" % (proc.name, addr, port))


def wait_dns(addr, port, zone, proc, rd=False, limit=15.0):
    end = time.monotonic() + limit
    q = dns.message.make_query(zone, dns.rdatatype.SOA)
    if not rd:
        q.flags &= ~dns.flags.RD
    while time.monotonic() < end:
        if not proc.alive():
            raise RuntimeError("%s exited at start (see %s)" % (proc.name, proc.log_path))
        try:
            dns.query.udp(q, addr, port=port, timeout=0.5)
            return
        except (dns.exception.Timeout, OSError):
            time.sleep(0.1)
    raise RuntimeError("%s does not answer DNS on %s:%d" % (proc.name, addr, port))


def have_tools(builddir, variant=None):
    need = ("unbound", "dnssec-keygen") if variant and RESOLVER_VARIANTS[variant].get("dnssec") \
        else ("unbound",)
    missing = [t for t in need if shutil.which(t) is None]
    missing += [b for b in ("steerd", "steercheck", "steerctl")
                if not os.access(os.path.join(builddir, b), os.X_OK)]
    return missing
