"""benchlib -- what bench/run and bench/ab share: building parcours,
timing a process, medians, and the description of the machine."""
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


def run_rusage(cmd, cwd=ROOT):
    """Runs cmd; returns its wall time, CPU time (user + sys), peak RSS and output."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = p.stdout.read()
    err = p.stderr.read()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        raise RuntimeError("%s failed (%d): %s" % (" ".join(cmd), p.returncode, err.decode()[-500:]))
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "rss_kb": ru.ru_maxrss,
            "out": out.decode(), "err": err.decode()}


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
