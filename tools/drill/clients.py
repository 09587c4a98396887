"""The client population: threads that resolve a name through the caching
resolvers at a steady rate, then make an HTTP request to the address they
got, recording time, answer, region and success. A poller asks steerd
directly to see when the authoritative answer moves.

AnycastPopulation is the same generator for the anycast lab: its clients
(in the lab's client namespace) request the one service address, and the
backend that answered tells where the request went; its poller reads the
router's forwarding table instead of asking steerd."""
import http.client
import threading
import time

import dns.exception
import dns.message
import dns.query
import dns.rcode
import dns.rdatatype


class Sample:
    __slots__ = ("t", "resolver", "ip", "region", "dns_ok", "ok", "error")

    def __init__(self, t, resolver, ip, region, dns_ok, ok, error):
        self.t = t
        self.resolver = resolver
        self.ip = ip
        self.region = region
        self.dns_ok = dns_ok
        self.ok = ok
        self.error = error


class Population:
    """CLIENTS clients that each open a new connection per request, and
    SESSIONS persistent (keep-alive) connections that send a request every
    SESSION_INTERVAL seconds, reconnecting (resolving again) only when their
    connection breaks: what happens to connections already open when the
    steering changes."""

    def __init__(self, lab, name, clients=16, rate=40.0, http_timeout=1.0, sessions=4,
                 session_interval=0.5):
        self.lab = lab
        self.name = name
        self.clients = clients
        self.interval = clients / rate  # seconds between one client's requests
        self.http_timeout = http_timeout
        self.sessions = sessions
        self.session_interval = session_interval
        self.samples = []
        self.auth = []   # (t, [ips]) from steerd directly
        self.session_events = []  # (t, "broken" or "failed", region, error)
        self.lock = threading.Lock()
        self.stop_ev = threading.Event()
        self.threads = []
        self.t0 = None

    def start(self):
        self.t0 = time.monotonic()
        for i in range(self.clients):
            th = threading.Thread(target=self._client, args=(i,), daemon=True)
            th.start()
            self.threads.append(th)
        for j in range(self.sessions):
            th = threading.Thread(target=self._session, args=(j,), daemon=True)
            th.start()
            self.threads.append(th)
        th = threading.Thread(target=self._poller, daemon=True)
        th.start()
        self.threads.append(th)

    def stop(self):
        self.stop_ev.set()
        for th in self.threads:
            th.join(timeout=5)

    def now(self):
        return time.monotonic() - self.t0

    def _resolve(self, resolver):
        addr, port = self.lab.resolvers[resolver]
        q = dns.message.make_query(self.name, dns.rdatatype.A)
        r = dns.query.udp(q, addr, port=port, timeout=1.0)
        for rrset in r.answer:
            for rr in rrset:
                if rr.rdtype == dns.rdatatype.A:
                    return rr.address, None
        return None, "rcode %s, no address" % dns.rcode.to_text(r.rcode())

    def _fetch(self, ip):
        """GET / from IP: (ok, error, name of the backend that answered)."""
        conn = http.client.HTTPConnection(ip, self.lab.backend_port, timeout=self.http_timeout)
        try:
            conn.request("GET", "/")
            resp = conn.getresponse()
            body = resp.read(256).decode(errors="replace")
            words = body.split()
            server = words[1] if len(words) > 1 else None
            if resp.status == 200 and body.startswith("ok"):
                return True, None, server
            return False, "http %d %s" % (resp.status, body.strip()[:40]), server
        finally:
            conn.close()

    def _enter(self, role):
        """Called first in each thread (role "client" or "poller")."""

    def _request(self, i):
        """One client request: (resolver, ip, region, dns_ok, ok, error)."""
        resolver = i % len(self.lab.resolvers)
        ip = region = error = None
        dns_ok = ok = False
        try:
            ip, error = self._resolve(resolver)
            dns_ok = ip is not None
        except (dns.exception.DNSException, OSError) as e:
            error = "dns %s" % type(e).__name__
        if ip:
            region = self.lab.ip_region.get(ip, "?")
            try:
                ok, error, _ = self._fetch(ip)
            except (OSError, http.client.HTTPException) as e:
                error = "http %s" % (type(e).__name__)
        return resolver, ip, region, dns_ok, ok, error

    def _client(self, i):
        self._enter("client")
        # Spread the clients over the interval.
        next_t = time.monotonic() + self.interval * i / self.clients
        while not self.stop_ev.is_set():
            delay = next_t - time.monotonic()
            if delay > 0 and self.stop_ev.wait(delay):
                break
            next_t += self.interval
            t = self.now()
            r = self._request(i)
            with self.lock:
                self.samples.append(Sample(t, *r))

    def _target(self, j):
        """Where persistent connection J goes: its resolver's answer."""
        ip, _ = self._resolve(j % len(self.lab.resolvers))
        return ip

    def _region(self, ip, server):
        return self.lab.ip_region.get(ip)

    def _session(self, j):
        self._enter("client")
        if self.stop_ev.wait(self.session_interval * j / max(1, self.sessions)):
            return
        while not self.stop_ev.is_set():
            try:
                ip = self._target(j)
            except (dns.exception.DNSException, OSError):
                ip = None
            if ip is None:
                self.stop_ev.wait(self.session_interval)
                continue
            region = self._region(ip, None)
            conn = http.client.HTTPConnection(ip, self.lab.backend_port, timeout=self.http_timeout)
            try:
                while not self.stop_ev.wait(self.session_interval):
                    t = self.now()
                    try:
                        conn.request("GET", "/")
                        resp = conn.getresponse()
                        body = resp.read(256).decode(errors="replace")
                    except (OSError, http.client.HTTPException) as e:
                        with self.lock:
                            self.session_events.append((t, "broken", region, "http %s" % type(e).__name__))
                        break
                    words = body.split()
                    region = self._region(ip, words[1] if len(words) > 1 else None) or region
                    if resp.status != 200 or not body.startswith("ok"):
                        with self.lock:
                            self.session_events.append((t, "failed", region, "http %d" % resp.status))
                    if resp.will_close:
                        break
            finally:
                conn.close()

    def _poll(self):
        try:
            return self.lab.authoritative(self.name, timeout=0.3)
        except (dns.exception.DNSException, OSError):
            return None

    def _poller(self):
        self._enter("poller")
        while not self.stop_ev.wait(0.05):
            t = self.now()
            ips = self._poll()
            with self.lock:
                self.auth.append((t, ips))


class AnycastPopulation(Population):
    """Clients of the anycast lab: no DNS, one service address. A request
    is attributed to the backend whose name is in the answer; one that
    failed without an answer has no address (report.FailedTarget says
    where it may have gone). The poller's "answer" is
    what the router forwards to: the backends of every region it routes
    the service to, each repeated by the route's multipath weight."""

    def _enter(self, role):
        self.lab.enter(role)

    def _request(self, i):
        ip = region = error = None
        ok = False
        try:
            ok, error, server = self._fetch(self.lab.service_addr)
            backend = self.lab.backends.get(server)
            if backend:
                ip, region = backend["addr"], backend["region"]
        except (OSError, http.client.HTTPException) as e:
            error = "http %s" % (type(e).__name__)
        return i, ip, region, True, ok, error

    def _target(self, j):
        return self.lab.service_addr

    def _region(self, ip, server):
        backend = self.lab.backends.get(server)
        return backend["region"] if backend else None

    def _poll(self):
        try:
            return self.lab.routed()
        except OSError:
            return None
