"""Drill analysis: per-run figures, the Markdown report and an SVG plot of
the share of client traffic per region over time."""
import bisect
import os
import statistics


TARGET_S = 10.0


class Row:
    """A client sample read back from a results folder."""
    __slots__ = ("t", "resolver", "ip", "region", "dns_ok", "ok", "error")


def load_run(path, ip_region):
    """Read one run (PATH.csv and PATH-auth.csv, written by the drill)."""
    with open(path + ".csv") as f:
        lines = f.read().splitlines()
    head = dict(kv.split("=", 1) for kv in lines[0][2:].split(" ") if "=" in kv)
    samples = []
    for line in lines[2:]:
        t, resolver, ip, region, dns_ok, ok, error = line.split(",", 6)
        r = Row()
        r.t, r.resolver, r.ip, r.region = float(t), int(resolver), ip or None, region or None
        r.dns_ok, r.ok, r.error = dns_ok == "1", ok == "1", error or None
        samples.append(r)
    auth = []
    with open(path + "-auth.csv") as f:
        for line in f.read().splitlines()[1:]:
            t, ips = line.split(",", 1)
            auth.append((float(t), unpack_ips(ips)))
    sessions = None  # not measured (a run from before persistent connections)
    if os.path.exists(path + "-sessions.csv"):
        sessions = []
        with open(path + "-sessions.csv") as f:
            for line in f.read().splitlines()[1:]:
                t, kind, region, error = line.split(",", 3)
                sessions.append((float(t), kind, region or None, error))
    failed = lines[0].split("failed=", 1)[1].split() if "failed=" in lines[0] else []
    recover_t = float(head["recover_t"])
    end_t = float(head["end_t"])
    return dict(samples=samples, auth=auth, sessions=sessions, ip_region=ip_region, fault_t=float(head["fault_t"]),
                recover_t=recover_t, end_t=end_t, failed_ips=failed, recovery=recover_t < end_t - 0.5)


def pack_ips(ips):
    """One polled answer for the CSV file: "-" when the poll failed, an
    address repeated N times (a multipath weight) as ADDR*N."""
    if ips is None:
        return "-"
    out, counts = [], {}
    for ip in ips:
        if ip not in counts:
            out.append(ip)
        counts[ip] = counts.get(ip, 0) + 1
    return " ".join(ip if counts[ip] == 1 else "%s*%d" % (ip, counts[ip]) for ip in out)


def unpack_ips(text):
    if text == "-":
        return None
    ips = []
    for tok in text.split():
        ip, _, n = tok.partition("*")
        ips += [ip] * (int(n) if n else 1)
    return ips


class FailedTarget:
    """Which requests went to a failed address: those whose answer pointed
    there, and (anycast, where a request that failed without an answer
    cannot tell where it went) those that failed without an answer while
    the control plane still sent traffic to a failed address when they
    started."""

    def __init__(self, auth, failed):
        self.failed = failed
        self.times, self.routed = [], []
        for t, ips in auth:
            if ips is not None:
                self.times.append(t)
                self.routed.append(bool(failed.intersection(ips)))

    def __call__(self, s):
        if s.ip in self.failed:
            return True
        if s.ip is not None or not s.dns_ok or s.ok:
            return False
        i = bisect.bisect_right(self.times, s.t) - 1
        return i < 0 or self.routed[i]


def bucketize(samples, start, end, width=1.0):
    """[(t0, [samples])] for consecutive buckets of `width` seconds."""
    n = max(0, int((end - start) / width + 0.999))
    buckets = [(start + i * width, []) for i in range(n)]
    for s in samples:
        if start <= s.t < end:
            i = int((s.t - start) / width)
            if i < n:
                buckets[i][1].append(s)
    return buckets


def analyse(run):
    """Figures of one scenario run (a dict filled by the drill)."""
    samples, auth = run["samples"], run["auth"]
    fault, recover, end = run["fault_t"], run["recover_t"], run["end_t"]
    failed = set(run.get("failed_ips") or [])
    to_failed = FailedTarget(auth, failed)
    out = {}
    phase = [s for s in samples if fault <= s.t < recover]
    out["requests"] = len(phase)
    out["failed_requests"] = sum(1 for s in phase if not s.ok)
    out["dns_failures"] = sum(1 for s in phase if not s.dns_ok)

    # Authoritative answer moved: last time steerd still gave a failed address.
    if failed:
        last = None
        for t, ips in auth:
            if fault <= t < recover and ips and failed.intersection(ips):
                last = t
        out["auth_moved_s"] = 0.0 if last is None else round(last + 0.05 - fault, 2)
        last_client = None
        for s in phase:
            if to_failed(s):
                last_client = s.t
        out["clients_moved_s"] = 0.0 if last_client is None else round(last_client - fault, 2)
    else:
        out["auth_moved_s"] = None
        out["clients_moved_s"] = None

    # 99% of client requests succeed again: the earliest time (0.5 s grid)
    # from which at least 99% of the rest of the fault phase succeeds. A
    # stray failure long after the move does not count as not recovered.
    t99 = 0.0
    ok_after = [s.ok for s in phase]
    times = [s.t for s in phase]
    step = 0.5
    t = fault
    while t < recover:
        rest = [o for tt, o in zip(times, ok_after) if tt >= t]
        if not rest or sum(rest) >= 0.99 * len(rest):
            t99 = t - fault
            break
        t += step
    else:
        t99 = recover - fault
    out["t99_s"] = round(t99, 2)
    # What is left of the failed address's region: its share of the
    # successful requests in the fault phase (a backend's fault takes the
    # whole region out of an anycast announcement).
    if failed and phase:
        region = run.get("ip_region", {}).get(sorted(failed)[0])
        out["region_share_pct"] = round(100.0 * sum(1 for s in phase if s.ok and s.region == region)
                                        / len(phase), 1)
    else:
        out["region_share_pct"] = None
    # Persistent connections, from the fault to the end of the recovery:
    # how many broke (reset, refused, timed out) and how many of their
    # requests failed without the connection breaking. None: not measured.
    if run.get("sessions") is None:
        out["sessions_broken"] = out["session_failures"] = None
    else:
        during = [e for e in run["sessions"] if fault <= e[0] < end]
        out["sessions_broken"] = sum(1 for e in during if e[1] == "broken")
        out["session_failures"] = sum(1 for e in during if e[1] == "failed")
    # The target: no answer points at the failed address TARGET_S after the fault.
    out["stale_answers_after_target"] = sum(
        1 for s in phase if s.t >= fault + TARGET_S and to_failed(s)) if failed else 0

    # Recovery: when steerd hands out a recovered address again.
    if failed and run.get("recovery"):
        back = None
        for t, ips in auth:
            if t >= recover and ips and failed.intersection(ips):
                back = t
                break
        out["back_s"] = None if back is None else round(back - recover, 2)
        rec = [s for s in samples if recover <= s.t < end]
        out["failed_after_recovery"] = sum(1 for s in rec if not s.ok)
        # Traffic back: the first client request served by a recovered
        # address (None: not within the recovery phase).
        first = next((s.t for s in rec if s.ok and s.ip in failed), None)
        out["clients_back_s"] = None if first is None else round(first - recover, 2)
        out["recovery_phase_s"] = round(end - recover, 1)
    else:
        out["back_s"] = None
        out["failed_after_recovery"] = None
        out["clients_back_s"] = None
        out["recovery_phase_s"] = None
    return out


def fmt(v):
    if v is None:
        return "-"
    if isinstance(v, float):
        return "%.2f" % v
    return str(v)


def summarise(values):
    vals = [v for v in values if v is not None]
    if not vals:
        return "-", "-"
    med = statistics.median(vals)
    if all(isinstance(v, int) for v in vals):
        return (str(int(med)) if med == int(med) else "%.1f" % med), str(max(vals))
    return fmt(float(med)), fmt(float(max(vals)))


COLUMNS = [
    ("auth_moved_s", "control plane moved (s)"),
    ("clients_moved_s", "last client request to failed (s)"),
    ("t99_s", "99% success again (s)"),
    ("failed_requests", "failed requests"),
    ("dns_failures", "DNS failures"),
    ("stale_answers_after_target", "requests to failed after 10 s"),
    ("back_s", "control plane back after recovery (s)"),
    ("clients_back_s", "traffic back after recovery (s)"),
    ("failed_after_recovery", "failed after recovery"),
    ("region_share_pct", "failed region's share in the fault (%)"),
    ("sessions_broken", "persistent connection breaks"),
    ("session_failures", "failed on persistent connections"),
]

# The side-by-side table: these figures, one row each per scenario.
COMPARED = [
    ("t99_s", "99% success again (s)"),
    ("failed_requests", "failed requests"),
    ("auth_moved_s", "control plane moved (s)"),
    ("clients_back_s", "traffic back after recovery (s)"),
    ("failed_after_recovery", "failed after recovery"),
    ("sessions_broken", "persistent connection breaks"),
]


def cell(runs, key):
    """median / max over the repetitions; a recovery figure that some runs
    never reached reads "> N" (N: the recovery phase)."""
    vals = [r.get(key) for r in runs]
    if key == "clients_back_s":
        phase = max((r.get("recovery_phase_s") or 0) for r in runs)
        if not phase:
            return "-"
        missing = sum(1 for v in vals if v is None)
        if missing == len(vals):
            return "> %g" % phase
        med, mx = summarise(vals)
        return "%s / %s" % (med, mx if not missing else "> %g" % phase)
    med, mx = summarise(vals)
    return "-" if med == "-" else "%s / %s" % (med, mx)


def median_of(results, variant, scenario, key):
    runs = results.get(variant, {}).get(scenario)
    if not runs:
        return None
    vals = [r.get(key) for r in runs if r.get(key) is not None]
    return statistics.median(vals) if vals else None


def times(n):
    return {0: "never", 1: "once", 2: "twice"}.get(n, "%d times" % n)


def comparison(results, meta):
    """Sentences on where DNS falls behind anycast, and by how much, from
    the figures of this run (empty when the run lacks either side)."""
    if "anycast" not in results or "ttl" not in results:
        return []

    def med(v, n, key):
        return median_of(results, v, n, key)
    out = []
    faults = [n for n, runs in results["anycast"].items()
              if runs and runs[0].get("auth_moved_s") is not None and n in results["ttl"]]
    rows = [dict(n=n, d=med("ttl", n, "t99_s"), a=med("anycast", n, "t99_s"),
                 fd=med("ttl", n, "failed_requests"), fa=med("anycast", n, "failed_requests"),
                 rd=med("ttl", n, "failed_after_recovery") or 0, ra=med("anycast", n, "failed_after_recovery") or 0,
                 bd=med("ttl", n, "clients_back_s"), ba=med("anycast", n, "clients_back_s")) for n in faults]
    if rows:
        gaps = sorted(rows, key=lambda r: r["d"] - r["a"], reverse=True)
        fd = sum(r["fd"] for r in rows)
        fa = sum(r["fa"] for r in rows)
        out.append(
            "In the %d scenarios that fail a backend or a region, clients behind resolvers that honour the "
            "TTL were back at 99%% success %.1f s after the fault (median over the scenarios; %.1f to %.1f s), "
            "anycast clients after %.1f s (%.1f to %.1f s): DNS falls behind by %.1f s, and by %.1f s at "
            "most (%s). Its clients saw %d failed requests in these scenarios, anycast's %d%s."
            % (len(rows), statistics.median(r["d"] for r in rows), min(r["d"] for r in rows),
               max(r["d"] for r in rows), statistics.median(r["a"] for r in rows), min(r["a"] for r in rows),
               max(r["a"] for r in rows), statistics.median(r["d"] - r["a"] for r in rows),
               gaps[0]["d"] - gaps[0]["a"], gaps[0]["n"], fd, fa,
               " (%.1f times as many for DNS)" % (fd / fa) if fa and fd > fa else ""))
    if "min-ttl-300" in results:
        # A stretched cache outlives the repetitions: what a repetition sees
        # depends on what the resolvers had cached, so the worst one counts.
        for n in ("region-down", "backend-killed"):
            runs = results["min-ttl-300"].get(n)
            if not runs or med("anycast", n, "t99_s") is None:
                continue
            worst = max(runs, key=lambda r: r["t99_s"])
            out.append("Behind resolvers that stretch the TTL to 300 s, clients whose resolver had cached the "
                       "failed address kept going there: in the worst %s repetition, 99%% success came back "
                       "after %.0f s, with %d failed requests, against %.1f s and %d for anycast (median)."
                       % (n, worst["t99_s"], worst["failed_requests"], med("anycast", n, "t99_s"),
                          med("anycast", n, "failed_requests")))
            break
    if "serve-expired" in results and rows:
        se = [(med("serve-expired", r["n"], "t99_s"), r["n"]) for r in rows
              if med("serve-expired", r["n"], "t99_s") is not None]
        if se:
            out.append("With serve-expired, 99%% success came back after %.1f s (median), %.1f s at worst (%s)."
                       % (statistics.median(v for v, _ in se), *max(se)))
    backs = [r for r in rows if r["bd"] is not None and r["ba"] is not None]
    if backs:
        out.append("After recovery, traffic reached the recovered backend again %.1f s later with DNS "
                   "(median; TTL honoured) and %.1f s later with anycast."
                   % (statistics.median(r["bd"] for r in backs), statistics.median(r["ba"] for r in backs)))
    worse = [r for r in rows if r["a"] > r["d"] + 0.5 or r["fa"] > r["fd"]]
    broke = [r for r in rows if r["ra"] > r["rd"]]
    lost = [(r["n"], med("ttl", r["n"], "region_share_pct"), med("anycast", r["n"], "region_share_pct"))
            for r in rows if results["anycast"][r["n"]][0].get("region_share_pct") is not None]
    lost = [x for x in lost if x[1] is not None and x[1] - x[2] >= 5]
    if worse or broke or lost:
        parts = ["%s: 99%% after %.1f s against %.1f s, %d failed requests against %d"
                 % (r["n"], r["a"], r["d"], r["fa"], r["fd"]) for r in worse]
        if lost:
            parts.append("a fault of one backend takes its whole region out of the announcement: the "
                         "failed backend's region served %s%% of the requests during the fault with DNS "
                         "and %s%% with anycast (%s)"
                         % ("/".join("%.0f" % d for _, d, _ in lost), "/".join("%.0f" % a for _, _, a in lost),
                            ", ".join(n for n, _, _ in lost)))
        if broke:
            parts.append("requests in flight when the router rehashed flows onto the recovered region failed: "
                         "%d after recovery against %d for DNS, which leaves open connections alone"
                         % (sum(r["ra"] for r in broke), sum(r["rd"] for r in broke)))
        out.append("Anycast is not ahead everywhere: %s." % "; ".join(parts))
    sb = [(r["n"], med("ttl", r["n"], "sessions_broken"), med("anycast", r["n"], "sessions_broken"))
          for r in rows]
    sb = [x for x in sb if x[1] is not None and x[2] is not None]
    if sb:
        sf = [(med("ttl", n, "session_failures") or 0, med("anycast", n, "session_failures") or 0)
              for n, _, _ in sb]
        out.append("Connections already open are another matter: a route change moves their packets "
                   "to another region, which resets them, while a DNS change leaves them where they are, "
                   "for better or worse. The persistent connections broke %s with anycast in these "
                   "scenarios (fault and recovery), %s with DNS; %d of their requests failed without "
                   "the connection breaking with DNS (a keep-alive connection to a failing backend stays "
                   "with it), %d with anycast."
                   % (times(sum(a for _, _, a in sb)), times(sum(d for _, d, _ in sb)), sum(d for d, _ in sf),
                      sum(a for _, a in sf)))
    if "anycast-hold" in results:
        h, a = med("anycast-hold", "region-down", "t99_s"), med("anycast", "region-down", "t99_s")
        if h is not None and a is not None:
            out.append("Without BFD, a region that drops off is noticed only when the BGP hold timer runs out: "
                       "99%% success after %.1f s and %d failed requests, against %.1f s and %d with BFD%s."
                       % (h, med("anycast-hold", "region-down", "failed_requests"), a,
                          med("anycast", "region-down", "failed_requests"),
                          "" if med("ttl", "region-down", "t99_s") is None else
                          " and %.1f s with DNS (TTL honoured)" % med("ttl", "region-down", "t99_s")))
    return out


def markdown(results, meta):
    """results: {variant: {scenario: [figures per repetition]}}."""
    lines = ["# steerdns failover drill: DNS and anycast", ""]
    for label, desc in meta.get("labs", []):
        lines.append("- %s lab: %s." % (label, desc))
    lines.append("- Clients: %s." % meta.get("clients", "-"))
    lines.append("")
    lines.append("Budget (interval x fall + timeout + TTL) = %.1f s. "
                 "Target: behind a resolver that honours TTLs, 99%% of client requests "
                 "succeed again within 10 s of a single-backend or single-region fault, and "
                 "no answer points at the failed region after that. 'within target' applies "
                 "this to every scenario; for scenarios without a failed address it is the "
                 "99%% point alone." % meta["budget"])
    lines.append("")
    lines.append("Figures are median / max over %d repetition(s); times from the fault, or from the "
                 "recovery for the figures after recovery." % meta["repetitions"])
    variants = list(results)
    scenarios = []
    for v in variants:
        for n in results[v]:
            if n not in scenarios:
                scenarios.append(n)
    cols = meta.get("columns", {})
    lines += ["", "## DNS and anycast side by side", ""]
    lines.append("| scenario | figure | " + " | ".join(cols.get(v, v) for v in variants) + " |")
    lines.append("|" + "---|" * (len(variants) + 2))
    for n in scenarios:
        for i, (key, label) in enumerate(COMPARED):
            cells = []
            for v in variants:
                runs = results[v].get(n)
                cells.append(cell(runs, key) if runs else "not run")
            if all(c in ("-", "not run") for c in cells):
                continue
            lines.append("| %s | %s | %s |" % (n if i == 0 else "", label, " | ".join(cells)))
    para = comparison(results, meta)
    if para:
        lines += ["", "## Where DNS falls behind", "", " ".join(para)]
    for variant, by_scenario in results.items():
        lines += ["", "## %s" % meta["variants"][variant], ""]
        head = "| scenario | " + " | ".join(c[1] for c in COLUMNS) + " | within target |"
        lines += [head, "|" + "---|" * (len(COLUMNS) + 2)]
        for scenario, runs in by_scenario.items():
            cells = [cell(runs, key) for key, _ in COLUMNS]
            ok = all(r["t99_s"] <= TARGET_S and r["stale_answers_after_target"] == 0 for r in runs)
            lines.append("| %s | %s | %s |" % (scenario, " | ".join(cells), "yes" if ok else "no"))
    fleet = [v for v in variants if any(r.get("disagree_pct") is not None
                                        for runs in results[v].values() for r in runs)]
    if fleet:
        lines += ["", "## The fleet: three nameservers, one vantage point cut off", ""]
        lines.append("| scenario | figure | " + " | ".join(cols.get(v, v) for v in fleet) + " |")
        lines.append("|" + "---|" * (len(fleet) + 2))
        for n in scenarios:
            for i, (key, label) in enumerate(meta.get("fleet_figures", [])):
                cells = [cell(results[v][n], key) if results[v].get(n) else "not run" for v in fleet]
                lines.append("| %s | %s | %s |" % (n if i == 0 else "", label, " | ".join(cells)))
        lines += ["", "Nameservers disagreeing over time, first repetition (% of the polls of each "
                  "5 s of the fault phase that got different region sets from the three):", ""]
        for v in fleet:
            for n, runs in results[v].items():
                if runs and runs[0].get("disagree_series") is not None:
                    lines.append("- %s, %s: %s" % (cols.get(v, v), n, runs[0]["disagree_series"]))
    lines += ["", "## Notes", ""] + ["- " + n for n in meta.get("notes", [])]
    lines += ["", "Plots: traffic share per region over time: %s" % ", ".join(meta.get("plots", []))]
    return "\n".join(lines) + "\n"


W, H, L, R, T, B = 900, 380, 60, 20, 60, 50


def _esc(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _panel(run, title, top, regions=("east", "west")):
    """The SVG elements of one plot, its top edge at TOP; TITLE is one line
    or (heading, subtitle)."""
    samples = run["samples"]
    end = run["end_t"]
    buckets = bucketize(samples, 0.0, end)
    pw, ph = W - L - R, H - T - B
    colors = {"east": "#1f77b4", "west": "#ff7f0e", "failed": "#d62728"}

    def x(t):
        return L + pw * t / max(end, 1e-9)

    def y(v):
        return top + T + ph * (1.0 - v)

    series = {k: [] for k in list(regions) + ["failed"]}
    for t0, b in buckets:
        n = len(b)
        if n < 5:  # a partial bucket at the edges says nothing
            continue
        for r in regions:
            series[r].append((t0 + 0.5, sum(1 for s in b if s.region == r) / n))
        series["failed"].append((t0 + 0.5, sum(1 for s in b if not s.ok) / n))
    # What the control plane itself handed out (steerd asked directly, or
    # the router's next hops), for the first region: for DNS, the
    # resolvers' caches turn this into the steps the clients see.
    auth_share = []
    ip_region = run.get("ip_region", {})
    for i in range(int(end)):
        got = [ip for t, ips in run["auth"] if i <= t < i + 1 and ips for ip in ips]
        if len(got) >= 5:
            auth_share.append((i + 0.5, sum(1 for ip in got if ip_region.get(ip) == regions[0]) / len(got)))
    head, sub = title if isinstance(title, tuple) else (title, "")
    out = ['<text x="%d" y="%d" font-size="14">%s</text>' % (L, top + 20, _esc(head)),
           '<text x="%d" y="%d" fill="#555">%s</text>' % (L, top + 38, _esc(sub))]
    for v in (0, 0.25, 0.5, 0.75, 1.0):
        out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>' % (L, y(v), W - R, y(v)))
        out.append('<text x="%d" y="%.1f" text-anchor="end">%d%%</text>' % (L - 5, y(v) + 4, v * 100))
    step = 10 if end > 60 else 5
    if end > 200:
        step = 30
    t = 0
    while t <= end:
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%ds</text>' % (x(t), top + H - B + 18, t))
        t += step
    for label, key in (("fault", "fault_t"), ("recovery", "recover_t")):
        if run.get(key) is not None and run[key] < end:
            out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#333" stroke-dasharray="4 3"/>'
                       % (x(run[key]), top + T, x(run[key]), top + H - B))
            out.append('<text x="%.1f" y="%d">%s</text>' % (x(run[key]) + 3, top + T + 12, label))
    for i, (name, pts) in enumerate(series.items()):
        if not pts:
            continue
        path = " ".join("%.1f,%.1f" % (x(t), y(v)) for t, v in pts)
        out.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>' % (colors[name], path))
        label = "failed requests" if name == "failed" else "region " + name
        out.append('<rect x="%d" y="%d" width="12" height="12" fill="%s"/>'
                   % (L + 10 + i * 150, top + H - 20, colors[name]))
        out.append('<text x="%d" y="%d">%s</text>' % (L + 26 + i * 150, top + H - 10, label))
    if auth_share:
        path = " ".join("%.1f,%.1f" % (x(t), y(v)) for t, v in auth_share)
        out.append('<polyline fill="none" stroke="%s" stroke-width="1.5" stroke-dasharray="5 3" '
                   'points="%s"/>' % (colors[regions[0]], path))
        out.append('<text x="%d" y="%d">dashed: region %s in the control plane</text>'
                   % (L + 460, top + H - 10, regions[0]))
    return out


def svg_panels(panels):
    """One SVG with a plot per (run, title), stacked."""
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="12">' % (W, H * len(panels)),
           '<rect width="100%" height="100%" fill="white"/>']
    for i, (run, title) in enumerate(panels):
        out += _panel(run, title, i * H)
    out.append("</svg>")
    return "\n".join(out) + "\n"


def svg_share(run, title):
    """Share of client requests per region (and failures) per second."""
    return svg_panels([(run, title)])
