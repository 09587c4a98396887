"""The client population: threads that resolve a name through the caching
resolvers at a steady rate, then make an HTTP request to the address they
got, recording time, answer, region and success. A poller asks steerd
directly to see when the authoritative answer moves."""
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
    def __init__(self, lab, name, clients=16, rate=40.0, http_timeout=1.0):
        self.lab = lab
        self.name = name
        self.clients = clients
        self.interval = clients / rate  # seconds between one client's requests
        self.http_timeout = http_timeout
        self.samples = []
        self.auth = []   # (t, [ips]) from steerd directly
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
        conn = http.client.HTTPConnection(ip, self.lab.backend_port, timeout=self.http_timeout)
        try:
            conn.request("GET", "/")
            resp = conn.getresponse()
            body = resp.read(256).decode(errors="replace")
            if resp.status == 200 and body.startswith("ok"):
                return True, None
            return False, "http %d %s" % (resp.status, body.strip()[:40])
        finally:
            conn.close()

    def _client(self, i):
        resolver = i % len(self.lab.resolvers)
        # Spread the clients over the interval.
        next_t = time.monotonic() + self.interval * i / self.clients
        while not self.stop_ev.is_set():
            delay = next_t - time.monotonic()
            if delay > 0 and self.stop_ev.wait(delay):
                break
            next_t += self.interval
            t = self.now()
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
                    ok, error = self._fetch(ip)
                except (OSError, http.client.HTTPException) as e:
                    error = "http %s" % (type(e).__name__)
            with self.lock:
                self.samples.append(Sample(t, resolver, ip, region, dns_ok, ok, error))

    def _poller(self):
        while not self.stop_ev.wait(0.05):
            t = self.now()
            try:
                ips = self.lab.authoritative(self.name, timeout=0.3)
            except (dns.exception.DNSException, OSError):
                ips = None
            with self.lock:
                self.auth.append((t, ips))
