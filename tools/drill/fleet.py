"""The drill across a fleet: three nameservers, each a steerd with its own
steercheck (its own listen address 127.0.4.N and probe source address
127.0.10.N), behind the same unbound resolvers, each of which knows all
three (as a delegation to three NS records). In variant `fleet` the three
vantage points agree on health through a three-member etcd cluster
(quorum: majority); in `fleet-solo` every site decides alone, as one box
per region does without a fleet. Scenario vp-partition cuts one vantage
point off from region east (east's backends refuse its source address, and
nothing else): the region is healthy, so every client sent away from it is
sent away wrongly, and nameservers that answer differently contradict each
other.

Everything listens on 127.0.0.0/8; every process (etcd members included)
is stopped by its PID."""
import os
import subprocess
import threading
import time

import dns.exception
import dns.message
import dns.query
import dns.rdatatype

import clients
import lab as labmod

SITES = 3
ALL_NAME = "all." + labmod.ZONE  # every healthy endpoint: what a nameserver believes
FO_NAME = "fo." + labmod.ZONE  # failover east -> west: every client in east while it is up

VARIANTS = {
    "fleet": {"title": "three nameservers, health agreed by a quorum (majority) of three vantage "
                       "points through etcd",
              "column": "fleet, quorum of 3", "options": [], "fleet": True},
    "fleet-solo": {"title": "three nameservers, each deciding on its own vantage point alone",
                   "column": "fleet, 1 vantage point per site", "options": [], "fleet": False},
}


def partition_fault(vp, region):
    """Vantage point VP loses its path to REGION: the region's backends
    refuse VP's probe source address, and only that."""
    def fault(lab):
        for n, b in lab.backends.items():
            if b["region"] == region:
                lab.set_mode(n, "deny %s" % lab.source(vp))

    def recover(lab):
        for n, b in lab.backends.items():
            if b["region"] == region:
                lab.set_mode(n, "ok")
    return fault, recover


class FleetPopulation(clients.Population):
    """The clients, and beside them a poller that asks each nameserver
    directly which endpoints it believes up (ALL_NAME)."""

    def __init__(self, lab, *args, **kw):
        super().__init__(lab, *args, **kw)
        self.each = []  # (t, [answer set or None per nameserver])

    def start(self):
        super().start()
        th = threading.Thread(target=self._each_poller, daemon=True)
        th.start()
        self.threads.append(th)

    def _each_poller(self):
        while not self.stop_ev.wait(0.1):
            t = self.now()
            got = [self.lab.answer_of(i, ALL_NAME) for i in range(SITES)]
            with self.lock:
                self.each.append((t, got))


class FleetLab(labmod.Lab):
    kind = "fleet"

    def __init__(self, workdir, builddir, srcdir, variant="fleet", n_resolvers=8, log=print):
        labmod.Lab.__init__(self, workdir, builddir, srcdir, variant="ttl", n_resolvers=n_resolvers,
                            log=log)
        self.fleet_variant = variant  # the resolvers stay the TTL-honouring kind ("ttl")
        self.fleet = VARIANTS[variant]["fleet"]
        self.ns = ["127.0.4.%d" % (i + 1) for i in range(SITES)]
        self.dns_port = self._port_on_all(self.ns)
        self.etcd_dir = os.path.join(self.dir, "etcd")
        self.etcd_script = os.path.join(srcdir, "tests/smoke/etcd-cluster.sh")
        self.etcd_started = False

    @staticmethod
    def _port_on_all(addrs):
        """One port free on every address (the nameservers share it)."""
        for _ in range(50):
            port = labmod.free_port(addrs[0])
            if all(_free(a, port) for a in addrs[1:]):
                return port
        raise RuntimeError("no port free on %s" % ", ".join(addrs))

    @staticmethod
    def source(vp):
        return "127.0.10.%d" % vp

    def site_dir(self, i):
        return os.path.join(self.dir, "site%d" % (i + 1))

    # ---- files -------------------------------------------------------------
    def write_files(self):
        labmod.Lab.write_files(self)  # the zone, and the one-site config to start from
        with open(self.config) as f:
            base = f.read().splitlines()
        if self.fleet:
            etcd = self.etcd_endpoints()
        for i in range(SITES):
            d = self.site_dir(i)
            os.makedirs(os.path.join(d, "state"), exist_ok=True)
            out = []
            for line in base:
                if line.startswith("  listen:"):
                    line = "  listen: [\"%s:%d\"]" % (self.ns[i], self.dns_port)
                elif line.startswith("  control:"):
                    line = "  control: %s/steerd.sock" % d
                elif line.startswith("  state_dir:"):
                    line = "  state_dir: %s/state" % d
                elif line.startswith("  table:"):
                    line = "  table: %s/health.shm" % d
                out.append(line)
                if line.startswith("  on_stale:"):
                    out.append("  source: %s" % self.source(i + 1))
            out += ["  %s:" % FO_NAME,
                    "    type: A",
                    "    ttl: %d" % labmod.TTL,
                    "    policy: failover",
                    "    regions: [east, west]"]
            # every endpoint a nameserver believes up: the poller compares them
            out += ["  %s:" % ALL_NAME,
                    "    type: A",
                    "    ttl: %d" % labmod.TTL,
                    "    policy: multivalue",
                    "    regions: [%s]" % ", ".join(labmod.REGIONS)]
            if self.fleet:
                order = etcd[i:] + etcd[:i]  # the nearest member first
                out += ["fleet:",
                        "  name: site%d" % (i + 1),
                        "  etcd: [%s]" % ", ".join("\"%s\"" % e for e in order),
                        "  quorum: majority",
                        "  view_ttl: 3s",
                        "  stale_after: 10s"]
            with open(os.path.join(d, "steerd.yaml"), "w") as f:
                f.write("\n".join(out) + "\n")

    def write_unbound(self, i, addr, port):
        conf = labmod.Lab.write_unbound(self, i, addr, port)
        with open(conf) as f:
            lines = f.read().splitlines()
        out = []
        for line in lines:
            if line.startswith("  stub-addr:"):
                # a delegation to three nameservers: unbound picks among them
                out += ["  stub-addr: %s@%d" % (ns, self.dns_port) for ns in self.ns]
            elif line.startswith("  forward-addr:"):
                out.append("  forward-addr: %s@%d" % (self.ns[0], self.dns_port))
            else:
                out.append(line)
        with open(conf, "w") as f:
            f.write("\n".join(out) + "\n")
        return conf

    # ---- etcd --------------------------------------------------------------
    def etcd_cmd(self, *args):
        r = subprocess.run(["bash", self.etcd_script, self.etcd_dir] + list(args), capture_output=True,
                           text=True, timeout=240)
        if r.returncode != 0:
            raise RuntimeError("etcd-cluster.sh %s: %s" % (" ".join(args), (r.stdout + r.stderr).strip()))
        return r.stdout.strip()

    def etcd_endpoints(self):
        if not self.etcd_started:
            self.etcd_cmd("start", "3")
            self.etcd_started = True
        return self.etcd_cmd("endpoints").split(",")

    # ---- processes ---------------------------------------------------------
    def start_checker(self):
        for i in range(SITES):
            self._proc("steercheck%d" % (i + 1), [os.path.join(self.build, "steercheck"), "-c",
                                                  os.path.join(self.site_dir(i), "steerd.yaml")]).start()

    def stop_checker(self):
        for i in range(SITES):
            self.procs["steercheck%d" % (i + 1)].stop()

    def checker_alive(self):
        return all(self.procs["steercheck%d" % (i + 1)].alive() for i in range(SITES))

    def start_steerd(self):
        for i in range(SITES):
            p = self._proc("steerd%d" % (i + 1), [os.path.join(self.build, "steerd"), "-c",
                                                  os.path.join(self.site_dir(i), "steerd.yaml")]).start()
            labmod.wait_dns(self.ns[i], self.dns_port, labmod.ZONE, p)

    def stop_steerd(self):
        for i in range(SITES):
            self.procs["steerd%d" % (i + 1)].stop()

    def steerctl(self, *args):
        argv = [os.path.join(self.build, "steerctl"), "-s", os.path.join(self.site_dir(0), "steerd.sock")]
        r = subprocess.run(argv + list(args), capture_output=True, text=True, timeout=20)
        if r.returncode != 0:
            raise RuntimeError("steerctl %s: %s" % (" ".join(args), (r.stdout + r.stderr).strip()))
        return r.stdout

    def dial(self, region, pct, over=None):
        # in the fleet one nameserver sets it for all; alone, each its own
        for i in range(1 if self.fleet else SITES):
            argv = [os.path.join(self.build, "steerctl"), "-s",
                    os.path.join(self.site_dir(i), "steerd.sock"), "dial", region, str(pct)]
            subprocess.run(argv + (["--over", "%ds" % over] if over else []), capture_output=True,
                           timeout=20, check=True)

    def dial_clear(self):
        for region in labmod.REGIONS:
            self.dial(region, 100)

    def population(self, name, clients_n, rate, sessions, session_interval):
        return FleetPopulation(self, name, clients=clients_n, rate=rate, sessions=sessions,
                               session_interval=session_interval)

    @staticmethod
    def describe_for(variant, n_resolvers):
        return ("%d nameservers (steerd + steercheck each, probes from their own addresses) %s, "
                "behind %d unbound resolvers that each know all three; %d regions x 2 HTTP backends; "
                "steercheck interval %gs, fall %d, rise %d, timeout %gs; TTL %ds"
                % (SITES, "agreeing through a 3-member etcd cluster (quorum majority, view_ttl 3 s)"
                   if VARIANTS[variant]["fleet"] else "each deciding alone", n_resolvers,
                   len(labmod.REGIONS), labmod.CHECK["interval"], labmod.CHECK["fall"],
                   labmod.CHECK["rise"], labmod.CHECK["timeout"], labmod.TTL))

    def describe(self):
        return self.describe_for(self.fleet_variant, self.n_resolvers)

    def start(self):
        if self.fleet:
            self.etcd_endpoints()
        labmod.Lab.start(self)
        if self.fleet:
            time.sleep(1.0)  # the views of all three in etcd

    def stop(self):
        labmod.Lab.stop(self)
        if self.etcd_started:
            try:
                self.etcd_cmd("stopall")
            except (RuntimeError, subprocess.TimeoutExpired):
                pass

    def addresses_of(self, i, name, timeout=0.3):
        """The A addresses nameserver I gives (None: no answer)."""
        q = dns.message.make_query(name, dns.rdatatype.A)
        try:
            r = dns.query.udp(q, self.ns[i], port=self.dns_port, timeout=timeout)
        except (dns.exception.DNSException, OSError):
            return None
        return [rr.address for rrset in r.answer for rr in rrset if rr.rdtype == dns.rdatatype.A]

    def answer_of(self, i, name, timeout=0.3):
        """The regions nameserver I sends clients to (None: no answer):
        ALL_NAME gives one address of each region it believes healthy."""
        got = self.addresses_of(i, name, timeout)
        return None if got is None else tuple(sorted(set(self.ip_region.get(a, a) for a in got)))

    def authoritative(self, name, timeout=0.3):
        """What any nameserver hands out (the union)."""
        out = []
        for i in range(SITES):
            got = self.addresses_of(i, name, timeout)
            if got is None:
                continue
            out += [a for a in got if a not in out]
        return out


def _free(addr, port):
    import socket
    for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
        s = socket.socket(socket.AF_INET, kind)
        try:
            s.bind((addr, port))
        except OSError:
            return False
        finally:
            s.close()
    return True


def analyse(run, each, healthy_region="east"):
    """Fleet figures of a run: how much of the healthy region's traffic was
    sent away during the fault (against its share before the fault; only
    when nothing really failed), and how often and how long the
    nameservers answered differently."""
    fault, recover = run["fault_t"], run["recover_t"]
    before = [s for s in run["samples"] if s.t < fault and s.region]
    during = [s for s in run["samples"] if fault <= s.t < recover and s.region]

    def share(samples):
        return 100.0 * sum(1 for s in samples if s.region == healthy_region) / len(samples) if samples else None
    b, d = share(before), share(during)
    out = {"east_share_before_pct": round(b, 1) if b is not None else None,
           "east_share_fault_pct": round(d, 1) if d is not None else None,
           "sent_away_pct": round(max(0.0, 100.0 * (1 - d / b)), 1)
           if b and d is not None and not run.get("failed_ips") else None}
    polls = [(t, got) for t, got in each if fault <= t < recover]
    differ = [t for t, got in polls if len(set(g for g in got if g is not None)) > 1]
    out["disagree_pct"] = round(100.0 * len(differ) / len(polls), 1) if polls else None
    # the polls come every 100 ms or slower (three queries each): time from their share
    out["disagree_s"] = round((recover - fault) * len(differ) / len(polls), 1) if polls else None
    # disagreement over time: the share of polls that differ, per 5 s of the fault
    series = []
    t0 = fault
    while t0 < recover:
        win = [got for t, got in polls if t0 <= t < t0 + 5]
        n = sum(1 for got in win if len(set(g for g in got if g is not None)) > 1)
        series.append(round(100.0 * n / len(win)) if win else 0)
        t0 += 5
    out["disagree_series"] = " ".join(str(x) for x in series)
    # when each nameserver stopped sending clients to the healthy region
    # (in region-down, the region that failed): all together, or one alone
    moved = []
    for i in range(SITES):
        t_i = next((t for t, got in polls if got[i] is not None and healthy_region not in got[i]), None)
        if t_i is not None:
            moved.append(t_i - fault)
    out["ns_moved"] = len(moved)
    out["ns_moved_first_s"] = round(min(moved), 2) if moved else None
    out["ns_moved_spread_s"] = round(max(moved) - min(moved), 2) if len(moved) == SITES else None
    return out


def pack_each(got):
    """One poll of the nameservers for a CSV file: their region sets, "-"
    for no answer, separated by "|"."""
    return "|".join("-" if g is None else " ".join(g) for g in got)


def load_each(path):
    """The polls of the nameservers written with a run (PATH-each.csv), or
    None when the run has none."""
    if not os.path.exists(path + "-each.csv"):
        return None
    out = []
    with open(path + "-each.csv") as f:
        for line in f.read().splitlines()[1:]:
            t, rest = line.split(",", 1)
            out.append((float(t), [None if g == "-" else tuple(g.split()) for g in rest.split("|")]))
    return out


FIGURES = [
    ("east_share_before_pct", "east's share before the fault (%)"),
    ("east_share_fault_pct", "east's share during the fault (%)"),
    ("sent_away_pct", "clients sent away from the healthy region (%)"),
    ("disagree_pct", "polls with nameservers disagreeing (%)"),
    ("disagree_s", "time nameservers disagreed (s)"),
    ("ns_moved", "nameservers that stopped answering with east (of 3)"),
    ("ns_moved_first_s", "first of them, after the fault (s)"),
    ("ns_moved_spread_s", "from the first to the last of the three (s)"),
]
