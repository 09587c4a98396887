#!/usr/bin/python3
"""steerdns failover drill: how fast do clients behind a real caching
resolver move away from a failed backend or region, and back? And clients
of the same service over BGP anycast, in the same scenarios?

  tools/drill/drill.py                     full form (every scenario, every variant)
  tools/drill/drill.py --short             one scenario, under a minute (make check runs it)
  tools/drill/drill.py --variants anycast  the anycast lab alone (root, bird2)

Builds a lab on loopback addresses (tools/drill/lab.py) for the DNS
variants and one in network namespaces (tools/drill/anycast.py) for the
anycast variants, runs scenarios, and writes a Markdown report and SVG
plots into a results folder that it names at the end. Exit status 0 when
the target holds for the resolver that honours TTLs and for anycast (and,
in the fleet, no client is sent away from a healthy region for one
vantage point cut off from it), 1 otherwise, 77 when a needed tool is missing (the full form skips the
variants it cannot run and says why).
"""
import argparse
import json
import os
from shutil import which
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import anycast  # noqa: E402
import fleet as fleetmod  # noqa: E402
import lab as labmod  # noqa: E402
import report  # noqa: E402


def backend_fault(mode):
    def fault(lab):
        lab.set_mode("east-a", mode)

    def recover(lab):
        lab.set_mode("east-a", "ok")
    return fault, recover


def kill_fault(names):
    def fault(lab):
        for n in names:
            lab.kill_backend(n)

    def recover(lab):
        for n in names:
            lab.start_backend(n)
    return fault, recover


def region_fault(region):
    return (lambda lab: lab.region_down(region)), (lambda lab: lab.region_up(region))


def checker_fault():
    return (lambda lab: lab.stop_checker()), (lambda lab: lab.start_checker())


def control_restart():
    return (lambda lab: lab.restart_control()), None


def dial_ramp(seconds):
    def prepare(lab):
        lab.dial("east", 1)

    def fault(lab):
        lab.dial("east", 50, over=seconds)

    def cleanup(lab):
        lab.dial_clear()
    return prepare, fault, cleanup


def scenarios(ramp_seconds):
    east_a = ["127.0.1.1"]
    east = ["127.0.1.1", "127.0.1.2"]
    s = {}
    f, r = kill_fault(["east-a"])
    s["backend-killed"] = dict(fault=f, recover=r, failed=east_a, single=True,
                               text="a backend process killed (connection refused)")
    f, r = backend_fault("error500")
    s["backend-500"] = dict(fault=f, recover=r, failed=east_a, single=True,
                            text="a backend answering 500 (service outage)")
    f, r = backend_fault("hang")
    s["backend-hang"] = dict(fault=f, recover=r, failed=east_a, single=True,
                             text="a backend that hangs (probe timeout)")
    f, r = backend_fault("wrongbody")
    s["health-body"] = dict(fault=f, recover=r, failed=east_a, single=True,
                            text="a health endpoint whose body is wrong (index failing)")
    f, r = region_fault("east")
    s["region-down"] = dict(fault=f, recover=r, failed=east, single=True,
                            text="a whole region down (its backends killed)")
    f, r = checker_fault()
    s["checker-killed"] = dict(fault=f, recover=r, failed=[], single=False,
                               text="steercheck killed (stale table, last-known)")
    f, r = control_restart()
    s["steerd-restart"] = dict(fault=f, recover=r, failed=[], single=False,
                               text="steerd restarted")
    f, r = fleetmod.partition_fault(1, "east")
    s["vp-partition"] = dict(fault=f, recover=r, failed=[], single=False, fleet_only=True,
                             name=fleetmod.FO_NAME,
                             text="vantage point 1 cut off from region east (the region is healthy; "
                                  "clients of a failover record east -> west)")
    prep, f, clean = dial_ramp(ramp_seconds)
    s["dial-ramp"] = dict(fault=f, recover=None, prepare=prep, cleanup=clean, failed=[],
                          single=False, name="ramp." + labmod.ZONE,
                          text="a dial ramp of region east 1%% -> 50%% over %d s" % ramp_seconds)
    return s


def scenario_text(variant, name, sc, ramp_seconds=30):
    """What the scenario does in VARIANT's lab."""
    if VARIANTS[variant]["kind"] == "anycast" and name in anycast.SCENARIO_TEXT:
        t = anycast.SCENARIO_TEXT[name]
        return t % ramp_seconds if "%d" in t else t
    return sc["text"]


# Every variant: DNS behind one kind of resolver, or the anycast lab.
VARIANTS = dict({k: dict(v, kind="dns") for k, v in labmod.RESOLVER_VARIANTS.items()},
                **{k: dict(v, kind="anycast") for k, v in anycast.VARIANTS.items()},
                **{k: dict(v, kind="fleet") for k, v in fleetmod.VARIANTS.items()})
# The full form runs these variants on these scenarios only: a stretched
# TTL needs a fault longer than the stretch; without BFD only the loss of a
# region's link differs.
FULL_SCENARIOS = {"min-ttl-300": ("backend-killed", "region-down"), "anycast-hold": ("region-down",),
                  "fleet": ("vp-partition", "region-down"), "fleet-solo": ("vp-partition", "region-down")}


SESSIONS, SESSION_INTERVAL = 8, 1.0


def run_scenario(lab, sc, timing, log):
    name = sc.get("name", "www." + labmod.ZONE)
    if sc.get("prepare"):
        sc["prepare"](lab)
    pop = lab.population(name, timing["clients"], timing["rate"], SESSIONS, SESSION_INTERVAL)
    pop.start()
    time.sleep(timing["warmup"])
    fault_t = pop.now()
    sc["fault"](lab)
    time.sleep(timing["fault"])
    recover_t = pop.now()
    if sc.get("recover"):
        sc["recover"](lab)
        time.sleep(timing["recovery"])
    end_t = pop.now()
    pop.stop()
    if sc.get("cleanup"):
        sc["cleanup"](lab)
    run = dict(samples=pop.samples, auth=pop.auth, sessions=pop.session_events, ip_region=lab.ip_region,
               fault_t=fault_t, recover_t=recover_t, end_t=end_t, failed_ips=sc["failed"],
               recovery=sc.get("recover") is not None)
    fig = report.analyse(run)
    if getattr(pop, "each", None) is not None:
        fig.update(fleetmod.analyse(run, pop.each))
    if timing.get("raw_dir"):
        path = os.path.join(timing["raw_dir"], "%s-%s-%d.csv" % (timing["variant"], sc["key"], timing["rep"]))
        with open(path, "w") as f:
            f.write("# fault_t=%.3f recover_t=%.3f end_t=%.3f failed=%s\n"
                    % (fault_t, recover_t, end_t, " ".join(sc["failed"])))
            f.write("t,resolver,ip,region,dns_ok,ok,error\n")
            for s in pop.samples:
                f.write("%.3f,%d,%s,%s,%d,%d,%s\n" % (s.t, s.resolver, s.ip or "", s.region or "",
                                                      s.dns_ok, s.ok, (s.error or "").replace(",", ";")))
        with open(path[:-4] + "-auth.csv", "w") as f:
            f.write("t,ips\n")
            for t_, ips in pop.auth:
                f.write("%.3f,%s\n" % (t_, report.pack_ips(ips)))
        if getattr(pop, "each", None) is not None:
            with open(path[:-4] + "-each.csv", "w") as f:
                f.write("t,regions per nameserver\n")
                for t_, got in pop.each:
                    f.write("%.3f,%s\n" % (t_, fleetmod.pack_each(got)))
        with open(path[:-4] + "-sessions.csv", "w") as f:
            f.write("t,event,region,error\n")
            for t_, kind, region, error in pop.session_events:
                f.write("%.3f,%s,%s,%s\n" % (t_, kind, region or "", error))
    log("  %s" % ", ".join("%s=%s" % (k, report.fmt(v)) for k, v in fig.items()))
    # a steerd or steercheck that ended without being stopped is named
    died = ["%s (status %d)" % (n, p.p.returncode) for n, p in sorted(lab.procs.items())
            if n.startswith("steer") and p.p is not None and p.p.poll() is not None]
    if died:
        log("  exited during the run without being stopped: %s" % ", ".join(died))
    # Back to a clean state: every backend up, seen up by the checker.
    for n in lab.backends:
        lab.set_mode(n, "ok")
        if not lab.procs["backend-" + n].alive():
            lab.start_backend(n)
    if not lab.checker_alive():
        lab.start_checker()
    lab.settle()
    return run, fig


def write_report(outdir, results, plots, chosen, all_sc, reps, timing, labs):
    """labs: {variant: the lab's description} of the variants that ran."""
    described = []
    dns = [v for v in labs if VARIANTS[v]["kind"] == "dns"]
    if dns:
        described.append(("DNS (%s)" % ", ".join(dns), labs[dns[0]]))
    anycast_ran = [v for v in labs if VARIANTS[v]["kind"] == "anycast"]
    described += [(v, labs[v]) for v in anycast_ran]
    described += [(v, labs[v]) for v in labs if VARIANTS[v]["kind"] == "fleet"]
    notes = ["Scenarios: " + "; ".join("%s = %s" % (n, all_sc[n]["text"]) for n in chosen)]
    differ = [n for n in chosen if n in anycast.SCENARIO_TEXT]
    if anycast_ran and differ:
        notes.append("In the anycast lab: " + "; ".join(
            "%s = %s" % (n, scenario_text(anycast_ran[0], n, all_sc[n])) for n in differ))
    notes += [
        "'control plane moved' is, for DNS, when steerd itself stopped handing out the failed "
        "address (asked directly every 50 ms), and for anycast, when the router stopped "
        "forwarding to the failed region (its forwarding table read every 50 ms); the rest is "
        "what clients saw.",
        "An anycast request that failed without an answer (timeout, reset, refused) cannot tell "
        "which region it reached; it counts as reaching the failed one when the router still "
        "forwarded to that region as the request started.",
        "Beside the clients that open a connection per request, %d persistent (keep-alive) connections "
        "send a request every %g s and connect again (resolving again, for DNS) only when theirs breaks; "
        "'persistent connection breaks' counts, from the fault to the end of the recovery, the requests "
        "on them that ended in a reset, a refusal or a timeout." % (SESSIONS, SESSION_INTERVAL),
        "In the plots, the dashed line is region east's share of steerd's own answers (DNS) or "
        "of the router's next hops, by weight (anycast)."]
    if any(VARIANTS[v]["kind"] == "fleet" for v in labs):
        notes.append("Fleet: 'clients sent away from the healthy region' is 1 - (east's share of the "
                     "client requests during the fault / its share before the fault); in vp-partition "
                     "east is healthy, so every request sent away is sent away wrongly. Each nameserver "
                     "is asked directly every 100 ms which regions it sends clients to (a multivalue "
                     "record over both regions); a poll in which the three answers differ counts as "
                     "disagreement.")
    meta = dict(
        labs=described,
        clients="%d clients at %g requests/s, fault phase %d s, recovery phase %d s"
                % (timing["clients"], timing["rate"], timing["fault"], timing["recovery"]),
        budget=labmod.budget_seconds(), repetitions=reps,
        variants={k: v["title"] for k, v in VARIANTS.items()},
        columns={k: v["column"] for k, v in VARIANTS.items()},
        plots=plots, notes=notes, fleet_figures=fleetmod.FIGURES)
    with open(os.path.join(outdir, "report.md"), "w") as f:
        f.write(report.markdown(results, meta))
    with open(os.path.join(outdir, "figures.json"), "w") as f:
        json.dump(results, f, indent=1)


def plot(outdir, variant, name, sc, run):
    fn = "share-%s-%s.svg" % (variant, name)
    if name == "dial-ramp":
        run = dict(run, recover_t=None)
    with open(os.path.join(outdir, fn), "w") as f:
        f.write(report.svg_share(run, ("%s: %s" % (name, VARIANTS[variant]["title"]),
                                       scenario_text(variant, name, sc))))
    return fn


def plot_compare(outdir, name, sc, runs):
    """One figure with a panel per variant for scenario NAME."""
    fn = "compare-%s.svg" % name
    panels = []
    for variant, run in runs:
        if name == "dial-ramp":
            run = dict(run, recover_t=None)
        panels.append((run, ("%s: %s" % (name, VARIANTS[variant]["title"]), scenario_text(variant, name, sc))))
    with open(os.path.join(outdir, fn), "w") as f:
        f.write(report.svg_panels(panels))
    return fn


PLOTTED = ("region-down", "dial-ramp", "backend-killed", "backend-500", "vp-partition")


def variant_of(base):
    """The variant a results file name starts with (the longest that fits)."""
    for v in sorted(VARIANTS, key=len, reverse=True):
        if base.startswith(v + "-"):
            return v
    return None


def reanalyse(outdir, n_resolvers):
    """Recompute figures, report and plots from the CSV files of a run."""
    all_sc = scenarios(30)
    ip_region = {addr: region for region, spec in labmod.REGIONS.items() for addr in spec["backends"]}
    results, plots, reps, chosen, firsts = {}, [], 0, [], {}
    for fn in sorted(os.listdir(outdir)):
        if not fn.endswith(".csv") or fn.endswith("-auth.csv") or fn.endswith("-sessions.csv") \
                or fn.endswith("-each.csv"):
            continue
        base = fn[:-4]
        variant = variant_of(base)
        if variant is None:
            continue
        name, rep = base[len(variant) + 1:].rsplit("-", 1)
        run = report.load_run(os.path.join(outdir, base), ip_region)
        fig = report.analyse(run)
        each = fleetmod.load_each(os.path.join(outdir, base))
        if each is not None:
            fig.update(fleetmod.analyse(run, each))
        results.setdefault(variant, {}).setdefault(name, []).append(fig)
        reps = max(reps, int(rep))
        if name not in chosen:
            chosen.append(name)
        if rep == "1" and name in PLOTTED:
            plots.append(plot(outdir, variant, name, all_sc[name], run))
            firsts.setdefault(name, []).append((variant, run))
    order = [v for v in VARIANTS if v in results]
    chosen = [n for n in all_sc if n in chosen]
    results = {v: {n: results[v][n] for n in chosen if n in results[v]} for v in order}
    for name, runs in firsts.items():
        if len(runs) > 1:
            plots.append(plot_compare(outdir, name, all_sc[name], sorted(runs, key=lambda r: order.index(r[0]))))
    labs = {}
    for v in order:
        if VARIANTS[v]["kind"] == "dns":
            labs[v] = labmod.Lab.describe_for(n_resolvers)
        elif VARIANTS[v]["kind"] == "fleet":
            labs[v] = fleetmod.FleetLab.describe_for(v, n_resolvers)
        else:
            labs[v] = anycast.AnycastLab.describe_for(v)
    write_report(outdir, results, plots, chosen, all_sc, reps,
                 dict(clients=16, rate=40.0, fault=30, recovery=20), labs)
    print("rebuilt %s/report.md (%s)" % (outdir, ", ".join(plots)))
    return 0


def main():
    top = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--short", action="store_true", help="one scenario, one repetition, under a minute")
    ap.add_argument("--build", default=os.environ.get("top_builddir", os.path.join(top, "build")),
                    help="folder with the steerd, steercheck and steerctl binaries")
    ap.add_argument("--results", default=os.path.join(top, "results"), help="where the results folder goes")
    ap.add_argument("--variants", default=None, help="comma list of %s" % ",".join(VARIANTS))
    ap.add_argument("--scenarios", default=None, help="comma list (default: all)")
    ap.add_argument("--repetitions", type=int, default=None)
    ap.add_argument("--resolvers", type=int, default=8, help="caching resolvers in the lab")
    ap.add_argument("--reanalyse", metavar="DIR", help="rebuild report.md and plots of a results folder from its CSV files")
    args = ap.parse_args()
    if args.reanalyse:
        return reanalyse(args.reanalyse, args.resolvers)
    # SIGTERM unwinds like Ctrl-C, so the lab's processes are stopped by PID
    # and its namespaces deleted.
    signal.signal(signal.SIGTERM, lambda signo, frame: sys.exit(128 + signo))

    if args.short:
        timing = dict(warmup=4, fault=14, recovery=6, clients=12, rate=30.0)
        variants = ["ttl"]
        chosen = ["backend-killed"]
        reps = 1
    else:
        timing = dict(warmup=10, fault=30, recovery=20, clients=16, rate=40.0)
        variants = list(VARIANTS)
        chosen = None
        reps = 3
    explicit = args.variants is not None
    if explicit:
        variants = args.variants.split(",")
    for v in variants:
        if v not in VARIANTS:
            print("unknown variant %s (known: %s)" % (v, ", ".join(VARIANTS)))
            return 2
    if args.repetitions:
        reps = args.repetitions
    ramp_seconds = 30
    all_sc = scenarios(ramp_seconds)
    if args.scenarios:
        chosen = args.scenarios.split(",")
    if chosen is None:
        chosen = list(all_sc)
    for c in chosen:
        if c not in all_sc:
            print("unknown scenario %s (known: %s)" % (c, ", ".join(all_sc)))
            return 2

    # What each kind of lab needs; a variant that cannot run here is
    # skipped with the reason (exit 77 when nothing is left to run).
    any_missing = anycast.missing_tools()

    def missing(v):
        if VARIANTS[v]["kind"] == "fleet":
            need = labmod.have_tools(args.build, "ttl")
            if VARIANTS[v]["fleet"]:
                need += [t for t in ("etcd", "curl") if not which(t)]
            return need
        return labmod.have_tools(args.build, v) if VARIANTS[v]["kind"] == "dns" else any_missing
    skipped = [(v, missing(v)) for v in variants if missing(v)]
    for v, why in skipped:
        print("SKIP variant %s: missing %s" % (v, ", ".join(why)))
    variants = [v for v in variants if not missing(v)]
    if not variants or (explicit and skipped):
        return 77

    stamp = time.strftime("%Y%m%d-%H%M%S")
    outdir = os.path.join(args.results, "drill-" + stamp + ("-short" if args.short else ""))
    os.makedirs(outdir, exist_ok=True)
    logf = open(os.path.join(outdir, "drill.log"), "w")

    def log(msg):
        line = "%s %s" % (time.strftime("%H:%M:%S"), msg)
        print(line, flush=True)
        logf.write(line + "\n")
        logf.flush()

    for v, why in skipped:
        log("variant %s skipped: missing %s" % (v, ", ".join(why)))
    results, plots, labs, firsts = {}, [], {}, {}
    ok = True
    for variant in variants:
        t = dict(timing)
        if variant == "min-ttl-300" and not args.short:
            # A stretched TTL needs the fault to last longer than the stretch.
            t["fault"] = 320
        work = tempfile.mkdtemp(prefix="steer-drill-")
        if VARIANTS[variant]["kind"] == "anycast":
            lab = anycast.AnycastLab(work, args.build, top, variant=variant, log=log)
            log("variant %s: anycast lab in %s, namespaces %s*" % (variant, work, lab.ns_prefix()))
        elif VARIANTS[variant]["kind"] == "fleet":
            lab = fleetmod.FleetLab(work, args.build, top, variant=variant, n_resolvers=args.resolvers,
                                    log=log)
            log("variant %s: fleet lab in %s, nameservers %s port %d, %d resolvers"
                % (variant, work, ", ".join(lab.ns), lab.dns_port, args.resolvers))
        else:
            lab = labmod.Lab(work, args.build, top, variant=variant, n_resolvers=args.resolvers, log=log)
            log("variant %s: lab in %s, steerd on 127.0.0.1:%d, %d resolvers"
                % (variant, work, lab.dns_port, args.resolvers))
        labs[variant] = lab.describe()
        results[variant] = {}
        try:
            lab.start()
            for name in chosen:
                sc = all_sc[name]
                if not args.short and name not in FULL_SCENARIOS.get(variant, (name,)) and not args.scenarios:
                    continue
                if sc.get("fleet_only") and VARIANTS[variant]["kind"] != "fleet":
                    continue
                results[variant][name] = []
                sc["key"] = name
                t["variant"], t["raw_dir"] = variant, outdir
                for rep in range(reps):
                    t["rep"] = rep + 1
                    log("variant %s, scenario %s (%s), repetition %d"
                        % (variant, name, scenario_text(variant, name, sc), rep + 1))
                    run, fig = run_scenario(lab, sc, t, log)
                    results[variant][name].append(fig)
                    if variant in ("ttl", "anycast") and sc["single"]:
                        if fig["t99_s"] > report.TARGET_S or fig["stale_answers_after_target"] != 0:
                            ok = False
                    if variant == "fleet" and name == "vp-partition" and \
                            (fig["sent_away_pct"] != 0 or fig["disagree_pct"] != 0):
                        ok = False  # a quorum must outvote one cut-off vantage point
                    if rep == 0 and name in PLOTTED:
                        plots.append(plot(outdir, variant, name, sc, run))
                        firsts.setdefault(name, []).append((variant, run))
        except Exception as e:  # a lab failure is a failed drill, with its logs kept
            log("drill failed: %s (lab files kept in %s)" % (e, work))
            ok = False
            work = None
        finally:
            lab.stop()
        if work:
            import shutil
            # steerd's and steercheck's logs stay with the results: what
            # each nameserver and vantage point decided, and when
            kept = os.path.join(outdir, "logs-" + variant)
            for base in sorted(os.listdir(work)):
                if base.startswith("steer") and base.endswith(".log"):
                    os.makedirs(kept, exist_ok=True)
                    shutil.copy(os.path.join(work, base), kept)
            shutil.rmtree(work, ignore_errors=True)

    for name, runs in firsts.items():
        if len(runs) > 1:
            plots.append(plot_compare(outdir, name, all_sc[name], runs))
    write_report(outdir, results, plots, chosen, all_sc, reps, timing, labs)
    log("results in %s (report.md, %s)" % (outdir, ", ".join(plots) or "no plots"))
    log("target %s" % ("met" if ok else "NOT met"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
