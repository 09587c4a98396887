"""Network namespaces for the drill's anycast lab: created with unique
names (the drill's PID in them), entered per thread, deleted at the end.

Needs root and iproute2. Nothing here touches a namespace the drill did not
create: names carry the prefix NAME_PREFIX and the PID of the run that made
them, and only those of runs that are gone are reaped.
"""
import ctypes
import os
import re
import signal
import subprocess
import time

NAME_PREFIX = "sdrill"
NETNS_DIR = "/run/netns"
CLONE_NEWNET = 0x40000000

_libc = None


def ip(*args, check=True, timeout=10):
    """Run `ip ARGS...`; raise with its message when it fails."""
    r = subprocess.run(["ip"] + list(args), capture_output=True, text=True, timeout=timeout)
    if check and r.returncode != 0:
        raise RuntimeError("ip %s: %s" % (" ".join(args), (r.stderr or r.stdout).strip()))
    return r


def usable():
    """None when namespaces can be made here, else why not."""
    if os.geteuid() != 0:
        return "needs root (network namespaces and veth pairs)"
    try:
        r = ip("-V", check=False)
    except OSError:
        return "iproute2 (ip) not installed"
    if r.returncode != 0:
        return "ip -V failed"
    return None


class Netns:
    """One network namespace of this run."""

    def __init__(self, role, run_id=None):
        self.name = "%s%d-%s" % (NAME_PREFIX, run_id or os.getpid(), role)
        self.made = False

    def create(self):
        ip("netns", "add", self.name)
        self.made = True
        self.ip("link", "set", "lo", "up")

    def ip(self, *args, check=True):
        return ip("-n", self.name, *args, check=check)

    def tc(self, *args, check=True):
        r = subprocess.run(["tc", "-n", self.name] + list(args), capture_output=True, text=True, timeout=10)
        if check and r.returncode != 0:
            raise RuntimeError("tc -n %s %s: %s" % (self.name, " ".join(args), r.stderr.strip()))
        return r

    def sysctl(self, **kv):
        argv = ["-qw"] + ["%s=%s" % (k.replace("__", "."), v) for k, v in kv.items()]
        r = subprocess.run(self.argv(["sysctl"] + argv), capture_output=True, text=True, timeout=10)
        if r.returncode != 0:
            raise RuntimeError("sysctl in %s: %s" % (self.name, r.stderr.strip()))

    def argv(self, argv):
        """A command line that runs ARGV inside this namespace (ip execs it:
        the PID of the process started is the command's own)."""
        return ["ip", "netns", "exec", self.name] + list(argv)

    def enter(self):
        """Move the calling thread (only it) into this namespace: sockets it
        opens afterwards live there."""
        global _libc
        if _libc is None:
            _libc = ctypes.CDLL(None, use_errno=True)
        fd = os.open(os.path.join(NETNS_DIR, self.name), os.O_RDONLY)
        try:
            if _libc.setns(fd, CLONE_NEWNET) != 0:
                e = ctypes.get_errno()
                raise OSError(e, "setns %s: %s" % (self.name, os.strerror(e)))
        finally:
            os.close(fd)

    def pids(self):
        r = ip("netns", "pids", self.name, check=False)
        return [int(p) for p in r.stdout.split() if p.isdigit()]

    def delete(self):
        """Delete the namespace (its veth ends go with it). Any process still
        in it is one this run started: stop it first."""
        if not self.made:
            return
        kill_all(self.pids())
        ip("netns", "del", self.name, check=False)
        self.made = False


def kill_all(pids, wait=3.0):
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    end = time.monotonic() + wait
    for pid in pids:
        while time.monotonic() < end and os.path.exists("/proc/%d" % pid):
            time.sleep(0.05)
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def reap_stale(log=print):
    """Delete the namespaces left by drill runs that died without cleaning up
    (SIGKILL): their names carry the PID of a process that no longer exists."""
    try:
        names = os.listdir(NETNS_DIR)
    except OSError:
        return
    for name in names:
        m = re.match(r"^%s(\d+)-" % NAME_PREFIX, name)
        if not m or os.path.exists("/proc/%s" % m.group(1)):
            continue
        log("removing namespace %s left by a drill run that is gone" % name)
        r = ip("netns", "pids", name, check=False)
        kill_all([int(p) for p in r.stdout.split() if p.isdigit()])
        ip("netns", "del", name, check=False)
