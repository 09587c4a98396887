#!/usr/bin/env python3
"""Measurement helpers for the DNS benchmark: process CPU time from /proc,
dnsperf output parsing, and the result table.

  report.py cpu PID             utime+stime (seconds) of PID and every
                                descendant (NSD forks its workers)
  report.py usercpu PID         utime alone (seconds): the server's own code
  report.py pin PID CPU         pin every thread of PID and its descendants to
                                CPU; prints the threads that were elsewhere
                                (knotd pins its UDP workers to CPUs itself)
  report.py freeport            a port free on 127.0.0.1 for UDP and TCP
  report.py machine             busy CPU seconds of the whole machine so far
                                (every CPU, /proc/uptime)
  report.py cpubusy CPU         busy seconds of one CPU so far (/proc/stat)
  report.py netrx CPU           network receive softirqs run on one CPU so far
                                (/proc/softirqs NET_RX)
  report.py drops PORT          datagrams the kernel dropped so far at the UDP
                                sockets bound to PORT (receive buffer full)
  report.py record OUT.tsv SCENARIO SERVER TRANSPORT RATE CPU0 CPU1 DNSPERF.txt DROPS [MACH0 MACH1 [SRV0 SRV1 [RX0 RX1 [USER0 USER1]]]]
                                append one result row
  report.py table OUT.tsv [--reference SERVER]
                                print the table (median over repetitions)
"""

import os
import random
import re
import socket
import statistics
import sys

TICK = os.sysconf("SC_CLK_TCK")
COLS = ["scenario", "server", "transport", "rate", "sent", "completed", "lost",
        "qps", "cpu_s", "us_per_q", "noerror", "nxdomain", "other_rcodes",
        "sock_drops", "machine_us_per_q", "latency_ms", "srvcpu_us_per_q",
        "netrx_per_q", "user_us_per_q"]


def proc_stat(pid, user_only=False):
    """(ppid, utime+stime ticks) of one process, or None if it is gone;
    with user_only, utime alone."""
    try:
        with open("/proc/%d/stat" % pid, "rb") as f:
            data = f.read().decode("ascii", "replace")
    except OSError:
        return None
    # comm may hold spaces and parentheses: fields start after the last ')'
    rest = data[data.rindex(")") + 2:].split()
    # rest[0] is field 3 (state): ppid is field 4, utime 14, stime 15
    return int(rest[1]), int(rest[11]) + (0 if user_only else int(rest[12]))


def tree(root, user_only=False):
    """{pid: cpu ticks} of root and all its live descendants."""
    procs = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            st = proc_stat(int(name), user_only)
            if st:
                procs[int(name)] = st
    if root not in procs:
        raise SystemExit("process %d is not running" % root)
    children = {}
    for pid, (ppid, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    found, todo = {}, [root]
    while todo:
        p = todo.pop()
        found[p] = procs[p][1]
        todo.extend(children.get(p, []))
    return found


def tree_cpu(root, user_only=False):
    """CPU seconds of root and all its live descendants. /proc/PID/stat of a
    process already sums all of its threads. user_only: utime alone, the
    time spent in the server's own code and its libraries; system calls,
    and the packet work the kernel charges to the server, are the rest."""
    return sum(tree(root, user_only).values()) / TICK


def pin(root, cpu):
    """Pin every thread of root and its descendants to one CPU. Servers may
    set their threads' affinity themselves (knotd puts UDP worker i on CPU
    i), which would put a worker on the client's CPU; returns the
    "pid/tid:cpus" of the threads that were not on cpu alone."""
    moved = []
    for pid in tree(root):
        try:
            tids = [int(t) for t in os.listdir("/proc/%d/task" % pid)]
        except OSError:
            continue
        for tid in tids:
            try:
                was = os.sched_getaffinity(tid)
                if was != {cpu}:
                    os.sched_setaffinity(tid, {cpu})
                    moved.append("%d/%d:%s" % (pid, tid, ",".join(map(str, sorted(was)))))
            except OSError:
                continue  # the thread ended meanwhile
    return moved


def machine_cpu():
    """Busy CPU seconds of the whole machine so far: elapsed time times the
    CPUs, less their idle time (/proc/uptime). Over a pass this is the
    server plus the client plus the kernel work between them. The user,
    system, irq and softirq columns of /proc/stat would not do: they are
    sampled at the scheduler tick, and a server that wakes for short bursts
    between ticks is missed there (half of its time, measured here), while
    idle time is kept exactly on a kernel that stops the tick when idle."""
    with open("/proc/uptime", encoding="ascii") as f:
        up, idle = (float(x) for x in f.read().split())
    return up * os.cpu_count() - idle


def cpu_busy(cpu):
    """Busy seconds of one CPU so far: uptime less that CPU's idle and
    iowait time. Everything the server's CPU did, charged to the server or
    not: its packet reception in softirq context counts here even when it
    ran while the server slept (no process is charged for that on a kernel
    without IRQ time accounting)."""
    with open("/proc/uptime", encoding="ascii") as f:
        up = float(f.read().split()[0])
    with open("/proc/stat", encoding="ascii") as f:
        for line in f:
            col = line.split()
            if col[0] == "cpu%d" % cpu:
                return up - (int(col[4]) + int(col[5])) / TICK
    raise SystemExit("no cpu%d in /proc/stat" % cpu)


def net_rx(cpu):
    """Network receive softirqs run on one CPU so far. On loopback with
    RFS, each run takes the packets queued for this CPU since the last one
    (an inter-processor interrupt from the sender's CPU, or a send of our
    own): fewer runs per query mean larger bursts per run, and that, more
    than the server's own code, sets the kernel's CPU per query."""
    with open("/proc/softirqs", encoding="ascii") as f:
        lines = f.read().splitlines()
    cpus = lines[0].split()
    for line in lines[1:]:
        col = line.split()
        if col and col[0] == "NET_RX:":
            return int(col[1 + cpus.index("CPU%d" % cpu)])
    raise SystemExit("no NET_RX for CPU%d in /proc/softirqs" % cpu)


def freeport():
    for _ in range(200):
        p = random.randint(10000, 32000)
        try:
            u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            u.bind(("127.0.0.1", p))
            t.bind(("127.0.0.1", p))
            u.close()
            t.close()
            return p
        except OSError:
            continue
    raise SystemExit("no free port")


def udp_drops(port):
    """Sum of the 'drops' column of /proc/net/udp{,6} for sockets whose local
    port is PORT: queries the kernel threw away because the server's
    receive buffer was full (the server was not there in time)."""
    total = 0
    for f in ("/proc/net/udp", "/proc/net/udp6"):
        try:
            with open(f, encoding="ascii") as fh:
                next(fh)
                for line in fh:
                    col = line.split()
                    if int(col[1].rsplit(":", 1)[1], 16) == port:
                        total += int(col[-1])
        except OSError:
            continue
    return total


def parse_dnsperf(text):
    def num(label):
        m = re.search(r"^\s*%s:\s+([0-9.]+)" % re.escape(label), text, re.M)
        return float(m.group(1)) if m else 0.0

    r = {"sent": int(num("Queries sent")),
         "completed": int(num("Queries completed")),
         "lost": int(num("Queries lost")),
         "qps": num("Queries per second"),
         "latency_ms": "%.3f" % (num("Average Latency (s)") * 1000)}
    rc = {}
    m = re.search(r"^\s*Response codes:\s*(.*)$", text, re.M)
    if m:
        for name, count in re.findall(r"([A-Z]+) (\d+)", m.group(1)):
            rc[name] = int(count)
    r["noerror"] = rc.pop("NOERROR", 0)
    r["nxdomain"] = rc.pop("NXDOMAIN", 0)
    r["other_rcodes"] = ",".join("%s:%d" % kv for kv in sorted(rc.items())) or "-"
    return r


def cmd_record(out, scenario, server, transport, rate, cpu0, cpu1, perf_file, drops,
               mach0=None, mach1=None, srv0=None, srv1=None, rx0=None, rx1=None,
               user0=None, user1=None):
    with open(perf_file, encoding="utf-8", errors="replace") as f:
        r = parse_dnsperf(f.read())
    cpu = float(cpu1) - float(cpu0)
    us = cpu * 1e6 / r["completed"] if r["completed"] else float("nan")
    row = {"scenario": scenario, "server": server, "transport": transport,
           "rate": rate, "cpu_s": "%.2f" % cpu, "us_per_q": "%.2f" % us}
    row.update(r)
    row["sock_drops"] = drops
    if mach0 is not None and r["completed"]:
        row["machine_us_per_q"] = "%.2f" % ((float(mach1) - float(mach0)) * 1e6 / r["completed"])
    else:
        row["machine_us_per_q"] = "-"
    if srv0 is not None and r["completed"]:
        row["srvcpu_us_per_q"] = "%.2f" % ((float(srv1) - float(srv0)) * 1e6 / r["completed"])
    else:
        row["srvcpu_us_per_q"] = "-"
    if rx0 is not None and r["completed"]:
        row["netrx_per_q"] = "%.3f" % ((int(rx1) - int(rx0)) / r["completed"])
    else:
        row["netrx_per_q"] = "-"
    if user0 is not None and r["completed"]:
        row["user_us_per_q"] = "%.2f" % ((float(user1) - float(user0)) * 1e6 / r["completed"])
    else:
        row["user_us_per_q"] = "-"
    row["qps"] = "%.0f" % r["qps"]
    new = not os.path.exists(out) or os.path.getsize(out) == 0
    with open(out, "a", encoding="utf-8") as f:
        if new:
            f.write("\t".join(COLS) + "\n")
        f.write("\t".join(str(row[c]) for c in COLS) + "\n")
    print("  %-13s %-4s rate %-6s qps %8s  cpu %6.2f s  %6.2f us/query  lost %d"
          "  server CPU %s us/query  machine %s us/query  latency %s ms  rx softirqs %s/query"
          % (server, transport, rate, row["qps"], cpu, us, r["lost"],
             row["srvcpu_us_per_q"], row["machine_us_per_q"], row["latency_ms"],
             row["netrx_per_q"]), flush=True)


def cmd_table(path, reference):
    with open(path, encoding="utf-8") as f:
        lines = [l.rstrip("\n").split("\t") for l in f if l.strip()]
    head, rows = lines[0], [dict(zip(lines[0], l)) for l in lines[1:]]
    # one line per (scenario, transport, rate, server): medians over runs
    groups = {}
    for r in rows:
        groups.setdefault((r["scenario"], r["transport"], r["rate"], r["server"]), []).append(r)
    med = {}
    for key, rs in groups.items():
        us = statistics.median(float(r["us_per_q"]) for r in rs)
        qps = statistics.median(float(r["qps"]) for r in rs)
        lost = sum(int(r["lost"]) for r in rs)
        drops = sum(int(r.get("sock_drops", "0") or 0) for r in rs if r.get("sock_drops", "-") != "-")
        sent = sum(int(r["sent"]) for r in rs)
        comp = sum(int(r["completed"]) for r in rs)
        nx = sum(int(r["nxdomain"]) for r in rs)
        others = sorted({r["other_rcodes"] for r in rs} - {"-"})
        mach = [float(r["machine_us_per_q"]) for r in rs
                if r.get("machine_us_per_q", "-") not in ("-", "")]
        srvc = [float(r["srvcpu_us_per_q"]) for r in rs
                if r.get("srvcpu_us_per_q", "-") not in ("-", "")]
        rxq = [float(r["netrx_per_q"]) for r in rs
               if r.get("netrx_per_q", "-") not in ("-", "")]
        user = [float(r["user_us_per_q"]) for r in rs
                if r.get("user_us_per_q", "-") not in ("-", "")]
        lat = [float(r["latency_ms"]) for r in rs if r.get("latency_ms", "") not in ("-", "")]
        med[key] = {"us": us, "qps": qps, "lost": lost, "sent": sent, "drops": drops,
                    "nx": 100.0 * nx / comp if comp else 0.0,
                    "other": ";".join(others) or "-", "runs": len(rs),
                    "mach": statistics.median(mach) if mach else None,
                    "srvc": statistics.median(srvc) if srvc else None,
                    "lat": statistics.median(lat) if lat else None,
                    "rxq": statistics.median(rxq) if rxq else None,
                    "user": statistics.median(user) if user else None,
                    "spread": (min(float(r["us_per_q"]) for r in rs),
                               max(float(r["us_per_q"]) for r in rs))}
    fmt = "%-12s %-4s %-6s %-13s %9s %9s %-13s %7s %7s %6s %-14s %-13s %8s %9s %9s %8s %7s %6s %6s"
    print(fmt % ("scenario", "tr", "rate", "server", "QPS", "us/query",
                 "(min-max)", "lost", "drops", "NXD%", "other rcodes", "%s ratio" % reference,
                 "srv CPU", "srv ratio", "machine", "lat ms", "rx/q", "user", "floor"))
    order = {}
    for key in groups:
        order.setdefault(key[:3], []).append(key[3])
    for sk in order:
        ref = med.get(sk + (reference,))
        for srv in order[sk]:
            m = med[sk + (srv,)]
            ratio = srv_ratio = floor = "-"
            if srv != reference and ref is not None:
                ratio = "%.2f" % (ref["us"] / m["us"]) if m["us"] else "-"
                if ref["user"] is not None and m["us"]:
                    floor = "%.2f" % ((ref["us"] - ref["user"]) / m["us"])
                if ref["srvc"] is not None and m["srvc"]:
                    srv_ratio = "%.2f" % (ref["srvc"] / m["srvc"])
            spread = "%.2f-%.2f" % m["spread"] if m["runs"] > 1 else ""
            print(fmt % (sk[0], sk[1], sk[2], srv, "%.0f" % m["qps"], "%.2f" % m["us"],
                         spread, m["lost"], m["drops"], "%.1f" % m["nx"], m["other"][:14], ratio,
                         "%.2f" % m["srvc"] if m["srvc"] is not None else "-", srv_ratio,
                         "%.2f" % m["mach"] if m["mach"] is not None else "-",
                         "%.3f" % m["lat"] if m["lat"] is not None else "-",
                         "%.2f" % m["rxq"] if m["rxq"] is not None else "-",
                         "%.2f" % m["user"] if m["user"] is not None else "-", floor))
    print()
    print("us/query = server CPU (utime+stime, all threads and child processes)"
          " / answered queries; median of %d run(s)." % max(m["runs"] for m in med.values()))
    print("lost = no answer within 2 s (dnsperf); drops = of those, dropped by the"
          " kernel at the server's full UDP receive buffer.")
    print("%s ratio = %s us/query / that server's us/query (below 1.00: %s uses"
          " less CPU per query)." % (reference, reference, reference))
    print("srv CPU = busy time of the server's CPU (the server and the kernel work"
          " done there, charged to it or not) / answered queries; srv ratio = %s srv CPU"
          " / that server's." % reference)
    print("machine = busy CPU of the whole machine (server, dnsperf and the kernel"
          " between them) / answered queries; lat ms = dnsperf's average latency.")
    print("rx/q = network receive softirq runs on the server's CPU per answered query"
          " (README.md: why passes of one server differ by 20-40% at full rate).")
    print("user = the server's own code (utime, sampled at the clock tick) / answered"
          " queries; floor = %s ratio if %s's own code took no time at all: the"
          " kernel's share (system calls, packets) alone." % (reference, reference))


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    cmd = argv[0]
    if cmd == "cpu" and len(argv) == 2:
        print("%.2f" % tree_cpu(int(argv[1])))
    elif cmd == "usercpu" and len(argv) == 2:
        print("%.2f" % tree_cpu(int(argv[1]), True))
    elif cmd == "pin" and len(argv) == 3:
        moved = pin(int(argv[1]), int(argv[2]))
        if moved:
            print(" ".join(moved))
    elif cmd == "freeport":
        print(freeport())
    elif cmd == "machine" and len(argv) == 1:
        print("%.2f" % machine_cpu())
    elif cmd == "cpubusy" and len(argv) == 2:
        print("%.2f" % cpu_busy(int(argv[1])))
    elif cmd == "netrx" and len(argv) == 2:
        print(net_rx(int(argv[1])))
    elif cmd == "drops" and len(argv) == 2:
        print(udp_drops(int(argv[1])))
    elif cmd == "record" and len(argv) in (10, 12, 14, 16, 18):
        cmd_record(*argv[1:])
    elif cmd == "table" and len(argv) >= 2:
        ref = argv[3] if len(argv) >= 4 and argv[2] == "--reference" else "steerd"
        cmd_table(argv[1], ref)
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
