#!/usr/bin/python3
"""steerdns failover drill: how fast do clients behind a real caching
resolver move away from a failed backend or region, and back?

  tools/drill/drill.py            full form (every scenario, every resolver variant)
  tools/drill/drill.py --short    one scenario, under a minute (make check runs it)

Builds a lab on loopback addresses (tools/drill/lab.py), runs scenarios,
and writes a Markdown report and SVG plots into a results folder that it
names at the end. Exit status 0 when the target holds for the resolver that
honours TTLs, 1 otherwise, 77 when a needed tool is missing.
"""
import argparse
import json
import os
import signal
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import clients  # noqa: E402
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


def checker_fault():
    return (lambda lab: lab.stop_checker()), (lambda lab: lab.start_checker())


def steerd_restart():
    def fault(lab):
        lab.stop_steerd()
        lab.start_steerd()
    return fault, None


def dial_ramp(seconds):
    def prepare(lab):
        lab.steerctl("dial", "east", "1")

    def fault(lab):
        lab.steerctl("dial", "east", "50", "--over", "%ds" % seconds)

    def cleanup(lab):
        lab.steerctl("dial", "east", "100")
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
    f, r = kill_fault(["east-a", "east-b"])
    s["region-down"] = dict(fault=f, recover=r, failed=east, single=True,
                            text="a whole region down")
    f, r = checker_fault()
    s["checker-killed"] = dict(fault=f, recover=r, failed=[], single=False,
                               text="steercheck killed (stale table, last-known)")
    f, r = steerd_restart()
    s["steerd-restart"] = dict(fault=f, recover=r, failed=[], single=False,
                               text="steerd restarted")
    prep, f, clean = dial_ramp(ramp_seconds)
    s["dial-ramp"] = dict(fault=f, recover=None, prepare=prep, cleanup=clean, failed=[],
                          single=False, name="ramp." + labmod.ZONE,
                          text="a dial ramp of region east 1%% -> 50%% over %d s" % ramp_seconds)
    return s


def run_scenario(lab, sc, timing, log):
    name = sc.get("name", "www." + labmod.ZONE)
    if sc.get("prepare"):
        sc["prepare"](lab)
    pop = clients.Population(lab, name, clients=timing["clients"], rate=timing["rate"])
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
    run = dict(samples=pop.samples, auth=pop.auth, ip_region=lab.ip_region, fault_t=fault_t, recover_t=recover_t,
               end_t=end_t, failed_ips=sc["failed"], recovery=sc.get("recover") is not None)
    fig = report.analyse(run)
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
                f.write("%.3f,%s\n" % (t_, " ".join(ips) if ips is not None else "-"))
    log("  %s" % ", ".join("%s=%s" % (k, report.fmt(v)) for k, v in fig.items()))
    # Back to a clean state: every backend up, seen up by the checker.
    for n in lab.backends:
        lab.set_mode(n, "ok")
        if not lab.procs["backend-" + n].alive():
            lab.start_backend(n)
    if not lab.procs["steercheck"].alive():
        lab.start_checker()
    time.sleep(labmod.CHECK["interval"] * labmod.CHECK["rise"] + 1.0)
    return run, fig


def write_report(outdir, results, plots, chosen, all_sc, reps, n_resolvers, timing):
    meta = dict(
        lab="%d regions x 2 HTTP backends on 127.0.x.y, steercheck (http /healthz, interval %gs, "
            "fall %d, rise %d, timeout %gs), steerd (weighted record www, latency record ramp, TTL %ds), "
            "%d unbound resolvers, %d clients at %g requests/s"
            % (len(labmod.REGIONS), labmod.CHECK["interval"], labmod.CHECK["fall"], labmod.CHECK["rise"],
               labmod.CHECK["timeout"], labmod.TTL, n_resolvers, timing["clients"], timing["rate"]),
        budget=labmod.budget_seconds(), repetitions=reps,
        variants={k: v["title"] for k, v in labmod.RESOLVER_VARIANTS.items()},
        plots=plots,
        notes=["Scenarios: " + "; ".join("%s = %s" % (n, all_sc[n]["text"]) for n in chosen),
               "'steerd answer moved' is when steerd itself stopped handing out the failed address "
               "(asked directly every 50 ms); the rest is what clients saw through the resolvers.",
               "In the plots, the dashed line is region east's share of steerd's own answers; the "
               "resolvers' caches turn it into the steps that clients see."])
    with open(os.path.join(outdir, "report.md"), "w") as f:
        f.write(report.markdown(results, meta))
    with open(os.path.join(outdir, "figures.json"), "w") as f:
        json.dump(results, f, indent=1)


def plot(outdir, variant, name, sc, run):
    fn = "share-%s-%s.svg" % (variant, name)
    if name == "dial-ramp":
        run = dict(run, recover_t=None)
    with open(os.path.join(outdir, fn), "w") as f:
        f.write(report.svg_share(run, "%s: %s (%s)" % (
            name, sc["text"], labmod.RESOLVER_VARIANTS[variant]["title"])))
    return fn


def reanalyse(outdir, n_resolvers):
    """Recompute figures, report and plots from the CSV files of a run."""
    all_sc = scenarios(30)
    ip_region = {addr: region for region, spec in labmod.REGIONS.items() for addr in spec["backends"]}
    results, plots, reps, chosen = {}, [], 0, []
    for fn in sorted(os.listdir(outdir)):
        if not fn.endswith(".csv") or fn.endswith("-auth.csv"):
            continue
        base = fn[:-4]
        variant = next((v for v in labmod.RESOLVER_VARIANTS if base.startswith(v + "-")), None)
        if variant is None:
            continue
        name, rep = base[len(variant) + 1:].rsplit("-", 1)
        run = report.load_run(os.path.join(outdir, base), ip_region)
        results.setdefault(variant, {}).setdefault(name, []).append(report.analyse(run))
        reps = max(reps, int(rep))
        if name not in chosen:
            chosen.append(name)
        if rep == "1" and name in ("region-down", "dial-ramp", "backend-killed"):
            plots.append(plot(outdir, variant, name, all_sc[name], run))
    write_report(outdir, results, plots, chosen, all_sc, reps, n_resolvers, dict(clients=16, rate=40.0))
    print("rebuilt %s/report.md (%s)" % (outdir, ", ".join(plots)))
    return 0


def main():
    top = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--short", action="store_true", help="one scenario, one repetition, under a minute")
    ap.add_argument("--build", default=os.environ.get("top_builddir", os.path.join(top, "build")),
                    help="folder with the steerd, steercheck and steerctl binaries")
    ap.add_argument("--results", default=os.path.join(top, "results"), help="where the results folder goes")
    ap.add_argument("--variants", default=None, help="comma list of %s" % ",".join(labmod.RESOLVER_VARIANTS))
    ap.add_argument("--scenarios", default=None, help="comma list (default: all)")
    ap.add_argument("--repetitions", type=int, default=None)
    ap.add_argument("--resolvers", type=int, default=8, help="caching resolvers in the lab")
    ap.add_argument("--reanalyse", metavar="DIR", help="rebuild report.md and plots of a results folder from its CSV files")
    args = ap.parse_args()
    if args.reanalyse:
        return reanalyse(args.reanalyse, args.resolvers)
    # SIGTERM unwinds like Ctrl-C, so the lab's processes are stopped by PID.
    signal.signal(signal.SIGTERM, lambda signo, frame: sys.exit(128 + signo))

    missing = labmod.have_tools(args.build)
    if missing:
        print("SKIP: missing %s" % ", ".join(missing))
        return 77

    if args.short:
        timing = dict(warmup=4, fault=14, recovery=6, clients=12, rate=30.0)
        variants = ["ttl"]
        chosen = ["backend-killed"]
        reps = 1
    else:
        timing = dict(warmup=10, fault=30, recovery=20, clients=16, rate=40.0)
        variants = list(labmod.RESOLVER_VARIANTS)
        chosen = None
        reps = 3
    if args.variants:
        variants = args.variants.split(",")
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

    stamp = time.strftime("%Y%m%d-%H%M%S")
    outdir = os.path.join(args.results, "drill-" + stamp + ("-short" if args.short else ""))
    os.makedirs(outdir, exist_ok=True)
    logf = open(os.path.join(outdir, "drill.log"), "w")

    def log(msg):
        line = "%s %s" % (time.strftime("%H:%M:%S"), msg)
        print(line, flush=True)
        logf.write(line + "\n")
        logf.flush()

    results, plots = {}, []
    ok = True
    for variant in variants:
        t = dict(timing)
        if variant == "min-ttl-300" and not args.short:
            # A stretched TTL needs the fault to last longer than the stretch.
            t["fault"] = 320
        work = tempfile.mkdtemp(prefix="steer-drill-")
        lab = labmod.Lab(work, args.build, top, variant=variant, n_resolvers=args.resolvers, log=log)
        log("variant %s: lab in %s, steerd on 127.0.0.1:%d, %d resolvers"
            % (variant, work, lab.dns_port, args.resolvers))
        results[variant] = {}
        try:
            lab.start()
            for name in chosen:
                sc = all_sc[name]
                if variant == "min-ttl-300" and not args.short and name not in ("backend-killed", "region-down"):
                    continue
                results[variant][name] = []
                sc["key"] = name
                t["variant"], t["raw_dir"] = variant, outdir
                for rep in range(reps):
                    t["rep"] = rep + 1
                    log("variant %s, scenario %s (%s), repetition %d" % (variant, name, sc["text"], rep + 1))
                    run, fig = run_scenario(lab, sc, t, log)
                    results[variant][name].append(fig)
                    if variant == "ttl" and sc["single"]:
                        if fig["t99_s"] > report.TARGET_S or fig["stale_answers_after_target"] != 0:
                            ok = False
                    if rep == 0 and (name in ("region-down", "dial-ramp", "backend-killed")):
                        plots.append(plot(outdir, variant, name, sc, run))
        except Exception as e:  # a lab failure is a failed drill, with its logs kept
            log("drill failed: %s (lab files kept in %s)" % (e, work))
            ok = False
            work = None
        finally:
            lab.stop()
        if work:
            import shutil
            shutil.rmtree(work, ignore_errors=True)

    write_report(outdir, results, plots, chosen, all_sc, reps, args.resolvers, timing)
    log("results in %s (report.md, %s)" % (outdir, ", ".join(plots) or "no plots"))
    log("target %s" % ("met" if ok else "NOT met"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
