"""Drill analysis: per-run figures, the Markdown report and an SVG plot of
the share of client traffic per region over time."""
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
            auth.append((float(t), None if ips == "-" else ips.split()))
    failed = lines[0].split("failed=", 1)[1].split() if "failed=" in lines[0] else []
    recover_t = float(head["recover_t"])
    end_t = float(head["end_t"])
    return dict(samples=samples, auth=auth, ip_region=ip_region, fault_t=float(head["fault_t"]),
                recover_t=recover_t, end_t=end_t, failed_ips=failed, recovery=recover_t < end_t - 0.5)


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
            if s.ip in failed:
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
    # The target: no answer points at the failed address TARGET_S after the fault.
    out["stale_answers_after_target"] = sum(
        1 for s in phase if s.t >= fault + TARGET_S and s.ip in failed) if failed else 0

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
    else:
        out["back_s"] = None
        out["failed_after_recovery"] = None
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
    ("auth_moved_s", "steerd answer moved (s)"),
    ("clients_moved_s", "last client answer to failed (s)"),
    ("t99_s", "99% success again (s)"),
    ("failed_requests", "failed requests"),
    ("dns_failures", "DNS failures"),
    ("stale_answers_after_target", "answers to failed after 10 s"),
    ("back_s", "recovered endpoint back (s)"),
]


def markdown(results, meta):
    """results: {variant: {scenario: [figures per repetition]}}."""
    lines = ["# steerdns failover drill", ""]
    lines.append("Lab: %s." % meta["lab"])
    lines.append("")
    lines.append("Budget (interval x fall + timeout + TTL) = %.1f s. "
                 "Target: behind a resolver that honours TTLs, 99%% of client requests "
                 "succeed again within 10 s of a single-backend or single-region fault, and "
                 "no answer points at the failed region after that. 'within target' applies "
                 "this to every scenario; for scenarios without a failed address it is the "
                 "99%% point alone." % meta["budget"])
    lines.append("")
    lines.append("Figures are median / max over %d repetition(s); times from the fault." %
                 meta["repetitions"])
    for variant, by_scenario in results.items():
        lines += ["", "## %s" % meta["variants"][variant], ""]
        head = "| scenario | " + " | ".join(c[1] for c in COLUMNS) + " | within target |"
        lines += [head, "|" + "---|" * (len(COLUMNS) + 2)]
        for scenario, runs in by_scenario.items():
            cells = []
            for key, _ in COLUMNS:
                med, mx = summarise([r[key] for r in runs])
                cells.append("%s / %s" % (med, mx))
            ok = all(r["t99_s"] <= TARGET_S and r["stale_answers_after_target"] == 0 for r in runs)
            lines.append("| %s | %s | %s |" % (scenario, " | ".join(cells), "yes" if ok else "no"))
    lines += ["", "## Notes", ""] + ["- " + n for n in meta.get("notes", [])]
    lines += ["", "Plot: traffic share per region over time: %s" % ", ".join(meta.get("plots", []))]
    return "\n".join(lines) + "\n"


def svg_share(run, title, regions=("east", "west")):
    """Share of client requests per region (and failures) per second."""
    samples = run["samples"]
    end = run["end_t"]
    buckets = bucketize(samples, 0.0, end)
    W, H, L, R, T, B = 900, 360, 60, 20, 40, 50
    pw, ph = W - L - R, H - T - B
    colors = {"east": "#1f77b4", "west": "#ff7f0e", "failed": "#d62728"}

    def x(t):
        return L + pw * t / max(end, 1e-9)

    def y(v):
        return T + ph * (1.0 - v)

    series = {k: [] for k in list(regions) + ["failed"]}
    for t0, b in buckets:
        n = len(b)
        if n < 5:  # a partial bucket at the edges says nothing
            continue
        for r in regions:
            series[r].append((t0 + 0.5, sum(1 for s in b if s.region == r) / n))
        series["failed"].append((t0 + 0.5, sum(1 for s in b if not s.ok) / n))
    # What steerd itself handed out (asked directly), for the first region:
    # the resolvers' caches turn this into the steps the clients see.
    auth_share = []
    ip_region = run.get("ip_region", {})
    for i in range(int(end)):
        got = [ip for t, ips in run["auth"] if i <= t < i + 1 and ips for ip in ips]
        if len(got) >= 5:
            auth_share.append((i + 0.5, sum(1 for ip in got if ip_region.get(ip) == regions[0]) / len(got)))
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="12">' % (W, H),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="20" font-size="14">%s</text>' % (L, title)]
    for v in (0, 0.25, 0.5, 0.75, 1.0):
        out.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>' % (L, y(v), W - R, y(v)))
        out.append('<text x="%d" y="%.1f" text-anchor="end">%d%%</text>' % (L - 5, y(v) + 4, v * 100))
    step = 10 if end > 60 else 5
    t = 0
    while t <= end:
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%ds</text>' % (x(t), H - B + 18, t))
        t += step
    for label, key in (("fault", "fault_t"), ("recovery", "recover_t")):
        if run.get(key) is not None and run[key] < end:
            out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#333" stroke-dasharray="4 3"/>'
                       % (x(run[key]), T, x(run[key]), H - B))
            out.append('<text x="%.1f" y="%d">%s</text>' % (x(run[key]) + 3, T + 12, label))
    for i, (name, pts) in enumerate(series.items()):
        if not pts:
            continue
        path = " ".join("%.1f,%.1f" % (x(t), y(v)) for t, v in pts)
        out.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>' % (colors[name], path))
        label = "failed requests" if name == "failed" else "region " + name
        out.append('<rect x="%d" y="%d" width="12" height="12" fill="%s"/>' % (L + 10 + i * 150, H - 20, colors[name]))
        out.append('<text x="%d" y="%d">%s</text>' % (L + 26 + i * 150, H - 10, label))
    if auth_share:
        path = " ".join("%.1f,%.1f" % (x(t), y(v)) for t, v in auth_share)
        out.append('<polyline fill="none" stroke="%s" stroke-width="1.5" stroke-dasharray="5 3" '
                   'points="%s"/>' % (colors[regions[0]], path))
        out.append('<text x="%d" y="%d">dashed: region %s in steerd\'s own answers</text>'
                   % (L + 460, H - 10, regions[0]))
    out.append("</svg>")
    return "\n".join(out) + "\n"
