"""benchlib -- what bench/run and bench/ab share: building parcours,
timing a process, pinning to a CPU, medians, and the description of the
machine."""
import argparse
import math
import os
import platform
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# What building parcours needs beyond a bare Debian (as scripts/setup).
BUILD_PACKAGES = ["build-essential", "cmake", "pkg-config", "libgsl-dev", "libcjson-dev"]


def log(msg):
    sys.stderr.write(msg + "\n")
    sys.stderr.flush()


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def install_missing(packages):
    sh([os.path.join(ROOT, "scripts/install-missing")] + list(packages))


def build_parcours(src, build_dir):
    """Builds parcours from the source tree src in build_dir, as the
    benchmarks time it (Release: -O3 and link-time optimisation; no tests)."""
    sh(["cmake", "-S", src, "-B", build_dir, "-DCMAKE_BUILD_TYPE=Release", "-DPARCOURS_TESTS=OFF"],
       stdout=subprocess.DEVNULL)
    sh(["cmake", "--build", build_dir, "-j", str(os.cpu_count() or 2)], stdout=subprocess.DEVNULL)
    return os.path.join(build_dir, "parcours")


def run_rusage(cmd, cwd=ROOT, cpus=None):
    """Runs cmd; returns its wall time, CPU time (user + sys), peak RSS and output.
    cpus: the CPUs it may run on (default: this process's, see pin_cpu);
    ALL_CPUS for a run on every core."""
    t0 = time.perf_counter()
    preexec = (lambda: os.sched_setaffinity(0, cpus)) if cpus is not None else None
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=preexec)
    out = p.stdout.read()
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd), p.returncode, err.decode()[-500:]))
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss_kb": ru.ru_maxrss,
            "out": out.decode(), "err": err.decode()}


# The CPUs this process may use when it starts, before pin_cpu.
ALL_CPUS = frozenset(os.sched_getaffinity(0))


def probe_seconds():
    """CPU time of a fixed loop of the interpreter: about 10 ms."""
    t = time.process_time()
    x = 0
    for i in range(200000):
        x = (x * 31 + i) & 0xffff
    return time.process_time() - t


def probe_cpus():
    """The probe's median time in ms on each CPU this process may use, three
    rounds each, then this process's CPUs as they were; {} where the
    system refuses to pin (a sandbox) or there is one CPU."""
    before = os.sched_getaffinity(0)
    cpus = sorted(ALL_CPUS)
    if len(cpus) < 2:
        return {}
    times = {c: [] for c in cpus}
    try:
        for _ in range(3):
            for c in cpus:
                os.sched_setaffinity(0, {c})
                times[c].append(probe_seconds())
    except OSError:
        return {}
    finally:
        try:
            os.sched_setaffinity(0, before)
        except OSError:
            pass
    return {c: 1000 * stats(ts)["median"] for c, ts in times.items()}


def parse_cpu(text):
    """The --cpu argument: "fastest", "any" or a CPU this process may use."""
    if text in ("fastest", "any"):
        return text
    try:
        cpu = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError("%s: not a CPU number, fastest or any" % text)
    if cpu not in ALL_CPUS:
        raise argparse.ArgumentTypeError("%d: no such CPU here (this process may use %s)"
                                         % (cpu, ", ".join(str(c) for c in sorted(ALL_CPUS))))
    return cpu


def add_cpu_option(ap, runs):
    """Adds --cpu to the parser ap; args.cpu is then what pin_cpu takes.
    runs: which runs are pinned, for the help."""
    ap.add_argument("--cpu", default="fastest", type=parse_cpu, metavar="N",
                    help="the CPU %s pinned to: fastest (the default: the one a short probe finds "
                         "fastest), a CPU number, or any (not pinned)" % runs)


def pin_cpu(choice):
    """Pins this process, and so every process it starts, to one CPU; returns
    {"cpu": N, "probe_ms": {cpu: ms}}, or None for choice "any" (no pin).
    choice: what parse_cpu returns (args.cpu of add_cpu_option).

    Why: a single-threaded comparison must run both sides on the same
    core. On this project's 2-core VM one vCPU was at times 1.3x slower
    than the other for parcours (2026-12-07: the host's core under it was
    busy) and a process landed on either, so that pairs compared one core
    with the other. "fastest" probes each CPU with a short loop, three
    rounds, and takes the lowest median; a number pins to that CPU. Where
    the system refuses (a sandbox), says so and runs unpinned."""
    if choice == "any":
        return None
    probe = {}
    cpu = choice
    if choice == "fastest":
        probe = probe_cpus()
        cpu = min(sorted(ALL_CPUS), key=lambda c: probe.get(c, 0))
    try:
        os.sched_setaffinity(0, {cpu})
    except OSError as e:
        log("bench: cannot pin to one CPU (%s): the runs are not pinned" % e.strerror)
        return None
    return {"cpu": cpu, "probe_ms": probe}


def pin_text(pin):
    """The pin as a phrase for a report's header."""
    if pin is None:
        return "not pinned (any CPU)"
    if not pin["probe_ms"]:
        return "pinned to CPU %d" % pin["cpu"]
    return "pinned to CPU %d, the fastest (probe: %s)" % (
        pin["cpu"], ", ".join("CPU %d %.1f ms" % (c, ms) for c, ms in sorted(pin["probe_ms"].items())))


def stats(xs):
    xs = sorted(xs)
    n = len(xs)
    med = xs[n // 2] if n % 2 else 0.5 * (xs[n // 2 - 1] + xs[n // 2])
    return {"median": med, "min": xs[0], "max": xs[-1], "n": n}


def loadavg():
    try:
        return os.getloadavg()
    except OSError:
        return (math.nan,) * 3


def machine():
    model = platform.processor()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "unknown"
    date = subprocess.run(["date", "-u"], capture_output=True, text=True).stdout.strip()
    return {"cpu": model, "cores": os.cpu_count(), "kernel": platform.release(), "date": date,
            "commit": commit, "python": sys.version.split()[0]}
