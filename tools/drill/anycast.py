"""The anycast lab: the same regions, backends and clients as the DNS lab,
with BGP anycast instead of DNS steering.

  client ns --- router ns ---+--- region ns "east": backends on 198.51.100.10, BIRD, checker
                             +--- region ns "west": backends on 198.51.100.10, BIRD, checker

Every region's backends share the service address (SO_REUSEPORT: the
region's kernel spreads new connections over the live ones); each backend
also answers on its own address (the DNS lab's, 127.0.x.y inside the
region), where the region's health checker (anycheck.py) probes it with
the DNS lab's settings. The checker keeps BIRD's static protocol "service"
enabled while every backend of the region is up; BIRD announces the
service prefix over eBGP to the router while it is enabled. The router's
BIRD merges the regions' routes into one multipath route (per-flow hash on
addresses and ports); a traffic dial is the weight of a region's next hop.

Addresses are from the documentation ranges and exist only inside the
namespaces the lab creates (names with the drill's PID), which it deletes
when it stops; nothing is sent anywhere else.
"""
import os
import shutil
import signal
import socket
import struct
import sys
import threading
import time

import bird
import clients
import lab as labmod
import netns

SERVICE_PREFIX = "198.51.100.0/24"
SERVICE_ADDR = "198.51.100.10"
SERVICE_PORT = 80
ROUTER_AS = 65000

# Timers: keepalive 3 s / hold 9 s is the common "fast" eBGP setting (the
# defaults are 80/240 s in BIRD, 60/180 s in Cisco IOS, 30/90 s in Junos);
# BFD 300 ms x 3 is a usual WAN setting. A session that failed waits
# error_wait (BIRD doubles it up to the second value) before it is retried.
BGP = {"keepalive": 3, "hold": 9, "connect_delay": 5, "connect_retry": 5, "error_wait": (5, 30)}
BFD = {"interval_ms": 300, "multiplier": 3}

VARIANTS = {
    "anycast": {"title": "anycast: BGP with BFD", "column": "anycast, BGP + BFD", "bfd": True},
    "anycast-hold": {"title": "anycast: BGP hold timer, no BFD", "column": "anycast, hold timer only",
                     "bfd": False},
}

SCENARIO_TEXT = {
    "region-down": "region east cut off (every packet on its link dropped: BFD or the hold timer notices)",
    "checker-killed": "the regions' health checkers killed (BIRD keeps the last announcement)",
    "steerd-restart": "region east's BGP speaker restarted (BIRD stopped and started, no graceful restart)",
    "dial-ramp": "region east's multipath weight at the router ramped 1%% -> 50%% over %d s",
}


def missing_tools():
    """What the anycast lab needs and this machine lacks (empty: all there)."""
    why = netns.usable()
    if why:
        return [why]
    return ["%s (Debian: %s)" % (t, p) for t, p in (("bird", "bird2"), ("tc", "iproute2"))
            if shutil.which(t) is None]


def timers_text(bfd):
    t = ("eBGP keepalive %ds, hold %ds, connect delay %ds, retry %ds, error wait %d-%ds"
         % (BGP["keepalive"], BGP["hold"], BGP["connect_delay"], BGP["connect_retry"], *BGP["error_wait"]))
    if bfd:
        t += ", BFD %d ms x %d" % (BFD["interval_ms"], BFD["multiplier"])
    else:
        t += ", no BFD"
    return t


class AnycastLab:
    kind = "anycast"

    def __init__(self, workdir, builddir, srcdir, variant="anycast", log=print, **_):
        self.dir = workdir
        self.src = srcdir
        self.variant = variant
        self.bfd = VARIANTS[variant]["bfd"]
        self.log = log
        self.procs = {}
        self.backend_port = SERVICE_PORT
        self.service_addr = SERVICE_ADDR
        self.resolvers = []
        self.dns_port = None
        self.ns = {}
        self.links = {}      # region -> (router side, region side, router addr, region addr)
        self.gw_region = {}  # region's address on its link -> region
        self.weights = {r: 1 for r in labmod.REGIONS}
        self.ramp = None
        self.ramp_stop = threading.Event()
        self.weights_lock = threading.Lock()
        os.makedirs(self.dir, exist_ok=True)
        self.backends = labmod.lab_backends(self.dir)
        self.ip_region = {b["addr"]: b["region"] for b in self.backends.values()}

    @staticmethod
    def describe_for(variant):
        return ("%d regions x 2 HTTP backends sharing %s:%d per region, a router and a client namespace; "
                "BIRD %s in every region and the router, %s, multipath per flow at the router; "
                "one health checker per region (http /healthz, interval %gs, fall %d, rise %d, timeout %gs), "
                "the region announced while all its backends are up"
                % (len(labmod.REGIONS), SERVICE_ADDR, SERVICE_PORT, bird_version(),
                   timers_text(VARIANTS[variant]["bfd"]), labmod.CHECK["interval"], labmod.CHECK["fall"],
                   labmod.CHECK["rise"], labmod.CHECK["timeout"]))

    def describe(self):
        return self.describe_for(self.variant)

    def ns_prefix(self):
        return netns.Netns("").name

    # ---- topology ------------------------------------------------------------
    def _build(self):
        netns.reap_stale(self.log)
        for role in ["cl", "rt"] + list(labmod.REGIONS):
            ns = netns.Netns(role)
            self.ns[role] = ns
            ns.create()
        rt, cl = self.ns["rt"], self.ns["cl"]
        cl.ip("link", "add", "eth0", "type", "veth", "peer", "name", "to-cl", "netns", rt.name)
        cl.ip("addr", "add", "192.0.2.1/30", "dev", "eth0")
        cl.ip("link", "set", "eth0", "up")
        cl.ip("route", "add", "default", "via", "192.0.2.2")
        rt.ip("addr", "add", "192.0.2.2/30", "dev", "to-cl")
        rt.ip("link", "set", "to-cl", "up")
        for i, region in enumerate(labmod.REGIONS):
            ns = self.ns[region]
            base = 4 * (i + 1)
            r_addr, g_addr = "192.0.2.%d" % (base + 1), "192.0.2.%d" % (base + 2)
            r_if = "to-" + region[:10]
            rt.ip("link", "add", r_if, "type", "veth", "peer", "name", "up0", "netns", ns.name)
            rt.ip("addr", "add", r_addr + "/30", "dev", r_if)
            rt.ip("link", "set", r_if, "up")
            ns.ip("addr", "add", g_addr + "/30", "dev", "up0")
            ns.ip("link", "set", "up0", "up")
            ns.ip("addr", "add", SERVICE_ADDR + "/32", "dev", "lo")
            ns.ip("route", "add", "default", "via", r_addr)
            self.links[region] = (r_if, "up0", r_addr, g_addr)
            self.gw_region[g_addr] = region
        rt.sysctl(net__ipv4__ip_forward=1, net__ipv4__fib_multipath_hash_policy=1,
                  net__ipv4__conf__all__rp_filter=0, net__ipv4__conf__default__rp_filter=0)

    # ---- BIRD ------------------------------------------------------------------
    def _sock(self, who):
        return os.path.join(self.dir, "bird-%s.ctl" % who)

    def _bgp_timers(self):
        t = ["hold time %d;" % BGP["hold"], "keepalive time %d;" % BGP["keepalive"],
             "connect delay time %d;" % BGP["connect_delay"], "connect retry time %d;" % BGP["connect_retry"],
             "error wait time %d, %d;" % BGP["error_wait"]]
        if self.bfd:
            t.append("bfd on;")
        return " ".join(t)

    def _bfd_proto(self):
        if not self.bfd:
            return ""
        return ("protocol bfd { interface \"*\" { min rx interval %d ms; min tx interval %d ms; "
                "multiplier %d; }; }\n" % (BFD["interval_ms"], BFD["interval_ms"], BFD["multiplier"]))

    def _write_dial(self):
        with open(os.path.join(self.dir, "dial.conf"), "w") as f:
            for region, w in self.weights.items():
                f.write("define w_%s = %d;\n" % (region, w))

    def _write_bird(self):
        self._write_dial()
        conf = ["router id 192.0.2.2;", "log stderr all;", "debug protocols { states };",
                "protocol device { scan time 10; }",
                self._bfd_proto(),
                "protocol kernel { ipv4 { export all; }; merge paths on; }",
                "include \"%s\";" % os.path.join(self.dir, "dial.conf")]
        for i, region in enumerate(labmod.REGIONS):
            _, _, _, g_addr = self.links[region]
            # import table: a new weight applies at once, without asking the peer again.
            conf.append("protocol bgp %s { local as %d; neighbor %s as %d; %s ipv4 { import table on; "
                        "import filter { weight = w_%s; accept; }; export none; }; }"
                        % (region, ROUTER_AS, g_addr, ROUTER_AS + 1 + i, self._bgp_timers(), region))
        with open(os.path.join(self.dir, "bird-rt.conf"), "w") as f:
            f.write("\n".join(conf) + "\n")
        for i, region in enumerate(labmod.REGIONS):
            _, _, r_addr, g_addr = self.links[region]
            conf = ["router id %s;" % g_addr, "log stderr all;", "debug protocols { states };",
                    "protocol device { scan time 10; }",
                    self._bfd_proto(),
                    "protocol static service { disabled yes; ipv4; route %s unreachable; }" % SERVICE_PREFIX,
                    "protocol bgp uplink { local as %d; neighbor %s as %d; %s ipv4 { import none; "
                    "export where proto = \"service\"; }; }"
                    % (ROUTER_AS + 1 + i, r_addr, ROUTER_AS, self._bgp_timers())]
            with open(os.path.join(self.dir, "bird-%s.conf" % region), "w") as f:
                f.write("\n".join(conf) + "\n")

    def _start_bird(self, who):
        ns = self.ns[who]
        name = "bird-" + who
        p = self._proc(name, ns.argv(["bird", "-f", "-c", os.path.join(self.dir, name + ".conf"),
                                      "-s", self._sock(who)]))
        p.start()
        end = time.monotonic() + 15
        while time.monotonic() < end:
            if not p.alive():
                raise RuntimeError("%s exited at start (see %s)" % (name, p.log_path))
            try:
                bird.command(self._sock(who), "show status", timeout=1.0)
                return
            except (OSError, bird.BirdError):
                time.sleep(0.1)
        raise RuntimeError("%s does not answer on %s" % (name, self._sock(who)))

    def restart_control(self):
        """Region east's BGP speaker stopped and started again."""
        self.procs["bird-east"].stop()
        self._start_bird("east")

    # ---- backends and checkers -----------------------------------------------------
    def _proc(self, name, argv):
        p = labmod.Proc(name, argv, os.path.join(self.dir, name + ".log"))
        self.procs[name] = p
        return p

    def set_mode(self, endpoint, mode):
        with open(self.backends[endpoint]["mode_file"], "w") as f:
            f.write(mode + "\n")

    def start_backend(self, name):
        self.start_backends([name])

    def start_backends(self, names):
        """Start the backends NAMES at once, return when all serve."""
        procs = []
        for name in names:
            b = self.backends[name]
            p = self._proc("backend-" + name, self.ns[b["region"]].argv([
                sys.executable, os.path.join(self.src, "tools/drill/backend.py"), "--name", name,
                "--addr", SERVICE_ADDR, "--addr", b["addr"], "--port", str(SERVICE_PORT),
                "--mode-file", b["mode_file"], "--reuse-port"]))
            if os.path.exists(p.log_path):
                os.unlink(p.log_path)
            procs.append(p.start())
        end = time.monotonic() + 20
        while procs and time.monotonic() < end:
            for p in list(procs):
                if not p.alive():
                    raise RuntimeError("%s exited at start (see %s)" % (p.name, p.log_path))
                with open(p.log_path, "rb") as f:
                    if b"ready" in f.read():
                        procs.remove(p)
            time.sleep(0.05)
        if procs:
            raise RuntimeError("%s not serving after 20 s" % ", ".join(p.name for p in procs))

    def kill_backend(self, name):
        self.procs["backend-" + name].stop(signal.SIGKILL)

    def start_checker(self):
        c = labmod.CHECK
        for region in labmod.REGIONS:
            members = ["%s=%s" % (n, b["addr"]) for n, b in self.backends.items() if b["region"] == region]
            self._proc("anycheck-" + region, self.ns[region].argv([
                sys.executable, os.path.join(self.src, "tools/drill/anycheck.py"),
                "--bird", self._sock(region), "--port", str(SERVICE_PORT), "--path", "/healthz",
                "--expect-status", "200", "--expect-body", "OK", "--interval", str(c["interval"]),
                "--timeout", str(c["timeout"]), "--rise", str(c["rise"]), "--fall", str(c["fall"])]
                + members)).start()

    def stop_checker(self):
        for region in labmod.REGIONS:
            self.procs["anycheck-" + region].stop(signal.SIGKILL)

    def checker_alive(self):
        return all(self.procs["anycheck-" + r].alive() for r in labmod.REGIONS)

    # ---- faults ----------------------------------------------------------------------
    def region_down(self, region):
        """Every packet on the region's link is dropped, both ways (the
        link stays up: only BFD or the BGP hold timer can notice)."""
        r_if, g_if, _, _ = self.links[region]
        self.ns["rt"].tc("qdisc", "replace", "dev", r_if, "root", "blackhole")
        self.ns[region].tc("qdisc", "replace", "dev", g_if, "root", "blackhole")

    def region_up(self, region):
        r_if, g_if, _, _ = self.links[region]
        self.ns["rt"].tc("qdisc", "del", "dev", r_if, "root", check=False)
        self.ns[region].tc("qdisc", "del", "dev", g_if, "root", check=False)

    # ---- dials: the regions' next-hop weights at the router ----------------------------
    def _set_weights(self, weights):
        with self.weights_lock:
            self.weights = dict(weights)
            self._write_dial()
            bird.command(self._sock("rt"), "configure", timeout=5.0)

    def _dial_weights(self, region, pct):
        """GA semantics with the region first in order: it keeps PCT% of
        the traffic, the rest spills to the others."""
        pct = max(1, min(99, int(round(pct))))
        others = [r for r in labmod.REGIONS if r != region]
        w = {r: max(1, int(round((100 - pct) / len(others)))) for r in others}
        w[region] = pct
        return w

    def dial(self, region, pct, over=None):
        self._stop_ramp()
        if not over:
            self._set_weights(self._dial_weights(region, pct))
            return
        start = self.weights[region] * 100.0 / sum(self.weights.values())
        self.ramp_stop.clear()

        def ramp():
            t0 = time.monotonic()
            while not self.ramp_stop.wait(0.5):
                f = min(1.0, (time.monotonic() - t0) / over)
                try:
                    self._set_weights(self._dial_weights(region, start + (pct - start) * f))
                except (OSError, bird.BirdError) as e:
                    self.log("dial ramp: %s" % e)
                if f >= 1.0:
                    break
        self.ramp = threading.Thread(target=ramp, daemon=True)
        self.ramp.start()

    def _stop_ramp(self):
        if self.ramp:
            self.ramp_stop.set()
            self.ramp.join(timeout=10)
            self.ramp = None

    def dial_clear(self):
        """Back to equal-cost multipath over the regions."""
        self._stop_ramp()
        self._set_weights({r: 1 for r in labmod.REGIONS})

    # ---- what the clients and the poller use --------------------------------------------
    def enter(self, role):
        self.ns["cl" if role == "client" else "rt"].enter()

    def population(self, name, clients_n, rate, sessions, session_interval):
        return clients.AnycastPopulation(self, name, clients=clients_n, rate=rate, sessions=sessions,
                                         session_interval=session_interval)

    def routed(self):
        """The backends of each region the router forwards the service to,
        repeated by the next hop's weight (call from a thread in the router
        namespace)."""
        out = []
        for gw, weight in route_nexthops(SERVICE_PREFIX):
            region = self.gw_region.get(gw)
            if region:
                out += [b["addr"] for b in self.backends.values() if b["region"] == region] * weight
        return out

    # ---- life ---------------------------------------------------------------------------
    def start(self):
        self._build()
        self._write_bird()
        for who in ["rt"] + list(labmod.REGIONS):
            self._start_bird(who)
        for name in self.backends:
            self.set_mode(name, "ok")
        self.start_backends(list(self.backends))
        self.start_checker()
        self.wait_routed(labmod.REGIONS, 60)

    def wait_routed(self, regions, limit):
        """Wait until the router forwards to every region in REGIONS."""
        want = {a for r in regions for a in labmod.REGIONS[r]["backends"]}
        got = []
        box = {}
        end = time.monotonic() + limit

        def look():
            try:
                self.enter("poller")
                box["routed"] = self.routed()
            except OSError as e:
                box["error"] = e
        while time.monotonic() < end:
            th = threading.Thread(target=look)
            th.start()
            th.join()
            if "error" in box:
                raise RuntimeError("reading the router's routes: %s" % box["error"])
            got = box.get("routed", [])
            if want <= set(got):
                return
            time.sleep(0.2)
        raise RuntimeError("the router does not route to %s after %d s (routes to %s; see %s)"
                           % (", ".join(regions), limit, ", ".join(sorted(set(got))) or "nothing", self.dir))

    def settle(self):
        """After a scenario: everything healthy and routed again."""
        self._stop_ramp()
        for region in labmod.REGIONS:
            self.region_up(region)
        if not self.procs["bird-east"].alive():
            self._start_bird("east")
        self.wait_routed(labmod.REGIONS, 60)

    def stop(self):
        """Stop every process by PID, delete the namespaces; Ctrl-C waits."""
        old = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            self._stop_ramp()
            for p in list(self.procs.values()):
                p.stop()
            for ns in self.ns.values():
                ns.delete()
        finally:
            signal.signal(signal.SIGINT, old)


def bird_version():
    import subprocess
    try:
        r = subprocess.run(["bird", "--version"], capture_output=True, text=True, timeout=5)
        return (r.stdout + r.stderr).strip().split()[-1]
    except (OSError, IndexError, subprocess.SubprocessError):
        return "?"


# ---- the router's forwarding table over rtnetlink -------------------------------------
RTM_NEWROUTE, RTM_GETROUTE = 24, 26
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_REQUEST, NLM_F_DUMP = 1, 0x300
RTA_DST, RTA_GATEWAY, RTA_MULTIPATH, RTA_TABLE = 1, 5, 9, 15
RT_TABLE_MAIN = 254


def _attrs(buf, off, end):
    while off + 4 <= end:
        alen, atype = struct.unpack_from("=HH", buf, off)
        if alen < 4:
            break
        yield atype & 0x3fff, buf[off + 4:off + alen]
        off += (alen + 3) & ~3


def route_nexthops(prefix):
    """[(gateway, weight)] of the main table's route to PREFIX in the
    calling thread's network namespace ([] when there is none)."""
    dst, plen = prefix.split("/")
    want_dst, want_len = socket.inet_aton(dst), int(plen)
    s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    s.settimeout(2.0)
    try:
        s.bind((0, 0))
        rtmsg = struct.pack("=BBBBBBBBI", socket.AF_INET, 0, 0, 0, 0, 0, 0, 0, 0)
        hdr = struct.pack("=IHHII", 16 + len(rtmsg), RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, 1, 0)
        s.send(hdr + rtmsg)
        out = []
        while True:
            data = s.recv(65536)
            off = 0
            while off + 16 <= len(data):
                mlen, mtype, _, _, _ = struct.unpack_from("=IHHII", data, off)
                if mlen < 16:
                    return out
                if mtype == NLMSG_DONE:
                    return out
                if mtype == NLMSG_ERROR:
                    raise OSError("rtnetlink route dump failed")
                if mtype == RTM_NEWROUTE:
                    out += _route(data, off + 16, off + mlen, want_dst, want_len)
                off += (mlen + 3) & ~3
    finally:
        s.close()


def _route(buf, off, end, want_dst, want_len):
    family, dst_len, _, _, table = struct.unpack_from("=BBBBB", buf, off)
    if family != socket.AF_INET or dst_len != want_len:
        return []
    attrs = dict(_attrs(buf, off + 12, end))
    if attrs.get(RTA_DST) != want_dst:
        return []
    tid = struct.unpack("=I", attrs[RTA_TABLE])[0] if RTA_TABLE in attrs else table
    if tid != RT_TABLE_MAIN:
        return []
    if RTA_GATEWAY in attrs:
        return [(socket.inet_ntoa(attrs[RTA_GATEWAY]), 1)]
    hops = []
    mp = attrs.get(RTA_MULTIPATH, b"")
    o = 0
    while o + 8 <= len(mp):
        nlen, _, weight, _ = struct.unpack_from("=HBBi", mp, o)
        if nlen < 8:
            break
        sub = dict(_attrs(mp, o + 8, o + nlen))
        if RTA_GATEWAY in sub:
            hops.append((socket.inet_ntoa(sub[RTA_GATEWAY]), weight + 1))
        o += (nlen + 3) & ~3
    return hops
