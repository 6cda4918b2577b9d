#!/usr/bin/env python3
"""random_scenarios.py -- run the engine on many random, valid scenarios.

The loader is fuzzed on bytes (tests/fuzz_scenario.c); this drives the
engine instead: every scenario it writes is valid, built from every
feature of the format at random (pools, services with random or
first-available routing, queues with caps, patience and priority levels,
day services with hours past midnight, exit hazards, attributes with
eligibility and transitions, Poisson and renewal sources, patrols, initial
people, capacity schedules that fall to 0 and rise again, windows,
censuses; one in five starts from a random --census file instead), small
enough to run in a fraction of a second. For each one:

  - `parcours validate` accepts it (else the generator is wrong: fail);
  - `parcours run -r 2` exits 0, or 1 with a deadlock the engine names
    (a random network can deadlock; the engine must say so, not hang) or
    with a population or event cap the scenario set low (one in twenty);
    any other status, a sanitizer report or an "invariant" message fails;
  - with --check-bytes, -j 1 and -j 2 write the same bytes;
  - with --same-as OTHER, another build (say, the last commit's) exits
    with the same status and writes the same bytes: a change meant to
    keep every output, checked far from the shipped scenarios;
  - with --plot, `parcours plot` draws its charts without a gnuplot
    error or warning (it finds the scripts as parcours does, or through
    PARCOURS_SCRIPTS);
  - summary.json: its invariants hold (conservation, occupancy within
    capacity, monotone event times), exits = positive + negative exits,
    occupancy within [0, the most places the stage ever has], every
    count >= 0.

usage: tests/random_scenarios.py [--bin build/parcours] [--count N]
       [--seed S] [--check-bytes] [--same-as OTHER] [--plot] [--keep DIR]
Exit 0 if every scenario passed, 1 otherwise (the failing scenario is
kept in --keep DIR, default /tmp/parcours-random-scenarios, to rerun).
"""
import argparse
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile

ATTRS = {"sex": ["male", "female"], "health": ["mild", "moderate", "severe"], "status": ["a", "b"]}
UNITS = ["hours", "days", "weeks", "months"]


def dist(rng, mean_days, positive=False):
    """A random distribution with about that mean, in days; with positive,
    never one that is always 0 (a renewal source without a limit)."""
    kind = rng.choice(["exponential", "gamma", "lognormal", "weibull", "uniform", "fixed", "empirical"])
    m = mean_days * rng.uniform(0.5, 1.5)
    if kind == "exponential":
        return {"dist": "exponential", "mean": round(m, 3)}
    if kind == "gamma":
        return {"dist": "gamma", "shape": rng.choice([0.5, 1, 2, 5]), "mean": round(m, 3)}
    if kind == "lognormal":
        return {"dist": "lognormal", "mean": round(m, 3), "sd": round(m * rng.uniform(0.2, 2), 3)}
    if kind == "weibull":
        return {"dist": "weibull", "shape": rng.choice([0.7, 1, 1.5, 3]), "scale": round(m, 3)}
    if kind == "uniform":
        return {"dist": "uniform", "min": 0, "max": round(2 * m, 3)}
    if kind == "fixed":
        return {"dist": "fixed", "value": round(m, 3) if positive else rng.choice([0, round(m, 3)])}
    vals = sorted(round(m * rng.uniform(0, 2), 3) for _ in range(rng.randint(1, 4)))
    if positive and max(vals) == 0:
        vals[-1] = round(m, 3)
    d = {"dist": "empirical", "values": vals}
    if rng.random() < 0.5:
        d["weights"] = [rng.randint(1, 5) for _ in vals]
    return d


def schedule(rng, days, top, allow_zero=True):
    """A number, or steps that may fall to 0 and rise again."""
    if rng.random() < 0.4:
        return rng.randint(0 if allow_zero else 1, top)
    steps, t = [], 0
    for _ in range(rng.randint(1, 4)):
        steps.append({"from": t, "value": rng.randint(0 if allow_zero else 1, top)})
        t += rng.randint(1, max(1, days // 3))
        if t >= days:
            break
    return steps


def hours(rng):
    def span():
        a = rng.randint(0, 23)
        b = (a + rng.randint(1, 23)) % 24          # may run past midnight
        return "%02d:%02d-%02d:%02d" % (a, rng.choice([0, 30]), b, rng.choice([0, 30]))
    key = rng.choice(["daily", "weekdays", "weekends", "mon", "sat"])
    h = {key: [span()]}
    if rng.random() < 0.3 and key != "daily":
        h["sun"] = [span()]
    return h


def when(rng, attrs):
    if not attrs or rng.random() < 0.6:
        return None
    a = rng.choice(list(attrs))
    vals = rng.sample(attrs[a], rng.randint(1, len(attrs[a])))
    return {a: vals[0] if len(vals) == 1 else vals}


def scenario(rng, index):
    days = rng.randint(30, 400)
    attrs = {a: v for a, v in ATTRS.items() if rng.random() < 0.5}
    n_pool, n_service, n_day, n_exit = rng.randint(1, 2), rng.randint(1, 4), rng.randint(0, 2), rng.randint(1, 2)
    pools = ["pool%d" % i for i in range(n_pool)]
    services = ["svc%d" % i for i in range(n_service)]
    exits = ["gone%d" % i for i in range(n_exit)]
    stages = []
    for p in pools:
        st = {"id": p, "kind": "pool"}
        targets = rng.sample(services, rng.randint(1, len(services)))
        st["routing"] = "first_available"      # the only routing of a pool
        st["routes"] = []
        for t in targets:
            r = {"to": t}
            w = when(rng, attrs)
            if w:
                r["when"] = w
            st["routes"].append(r)
        st["exits"] = [{"to": rng.choice(exits), "after": dist(rng, rng.uniform(5, 200))}]
        stages.append(st)
    for i, s in enumerate(services):
        st = {"id": s, "kind": "service", "capacity": schedule(rng, days, 12),
              "stay": dist(rng, rng.uniform(0.5, 40))}
        if rng.random() < 0.6:
            q = {}
            if rng.random() < 0.4:
                q["capacity"] = rng.randint(0, 20)
            if rng.random() < 0.4:
                q["patience"] = dist(rng, rng.uniform(1, 60))
            if attrs and rng.random() < 0.4:
                a = rng.choice(list(attrs))
                q["priority"] = {"attribute": a, "order": rng.sample(attrs[a], len(attrs[a]))}
            st["queue"] = q
        # Routes go downstream (later services) or out, so every network
        # can empty; some also go back to a pool.
        later = services[i + 1:]
        options = later + exits + ([rng.choice(pools)] if rng.random() < 0.3 else [])
        targets = rng.sample(options, rng.randint(1, min(3, len(options))))
        st["routing"] = rng.choice(["random", "first_available"])
        st["routes"] = []
        for t in targets:
            r = {"to": t}
            if rng.random() < 0.3:
                r["outcome"] = rng.choice(["positive", "negative"])
            st["routes"].append(r)
        if st["routing"] == "random":
            for r in st["routes"]:
                r["p"] = round(1.0 / len(st["routes"]), 6)
            st["routes"][-1]["p"] = round(1.0 - sum(r["p"] for r in st["routes"][:-1]), 6)
        else:
            for r in st["routes"]:
                w = when(rng, attrs)
                if w:
                    r["when"] = w
            st["routes"].append({"to": rng.choice(exits)})   # someone can always leave
        if rng.random() < 0.6:
            st["exits"] = [{"to": rng.choice(pools + exits), "after": dist(rng, rng.uniform(5, 300))}]
        if rng.random() < 0.3:
            st["cost_per_day"] = rng.randint(1, 100)
        stages.append(st)
    for i in range(n_day):
        st = {"id": "day%d" % i, "kind": "day_service", "pool": rng.choice(pools),
              "capacity": schedule(rng, days, 8), "hours": hours(rng),
              "visits_per_hour": rng.choice([0, 0.5, 2, 10]),
              "visit": dist(rng, rng.uniform(0.02, 0.5)), "referral": rng.choice([0, 0.05, 0.5])}
        stages.append(st)
    for e in exits:
        stages.append({"id": e, "kind": "exit"})

    sc = {"name": "random-%d" % index, "start": "2020-01-01", "days": days, "seed": rng.randint(0, 10**6),
          "replications": 2, "stages": stages}
    if rng.random() < 0.3:
        sc["warmup_days"] = rng.randint(0, days // 2)
    if attrs:
        sc["attributes"] = [{"id": a, "values": {v: round(1.0 / len(vs), 6) if k < len(vs) - 1
                                                  else round(1.0 - (len(vs) - 1) * round(1.0 / len(vs), 6), 6)
                                                  for k, v in enumerate(vs)}}
                            for a, vs in attrs.items()]
        if rng.random() < 0.5:
            a = rng.choice(list(attrs))
            f, t = rng.sample(attrs[a], 2)
            sc["transitions"] = [{"attribute": a, "from": f, "to": t, "after": dist(rng, rng.uniform(5, 100))}]
    sources = []
    for k in range(rng.randint(1, 3)):
        src = {"id": "src%d" % k, "to": rng.choice(pools + services)}
        if rng.random() < 0.7:
            src["rate"] = schedule(rng, days, 5)
        else:
            if rng.random() < 0.5:
                src["limit"] = rng.randint(1, 500)
            src["interarrival"] = dist(rng, rng.uniform(0.1, 3), positive="limit" not in src)
        if attrs and rng.random() < 0.3:
            a = rng.choice(list(attrs))
            src["attributes"] = {a: rng.choice(attrs[a])}
        sources.append(src)
    sc["sources"] = sources
    if rng.random() < 0.5:
        sc["patrols"] = [{"id": "patrol%d" % k, "pool": rng.choice(pools), "hours": hours(rng),
                          "contacts_per_hour": schedule(rng, days, 6), "accept": rng.choice([0, 0.1, 1]),
                          **({"cost_per_contact": 10} if rng.random() < 0.3 else {})}
                         for k in range(rng.randint(1, 2))]
    if rng.random() < 0.6:
        sc["initial"] = [{"stage": s, "count": rng.randint(0, 15), "elapsed": dist(rng, rng.uniform(1, 50))}
                         for s in rng.sample(pools + services, rng.randint(1, 2))]
        # Initial people must fit the capacity at the start.
        for init in sc["initial"]:
            st = next(x for x in stages if x["id"] == init["stage"])
            cap = st.get("capacity")
            if isinstance(cap, list):
                cap = cap[0]["value"] if cap[0]["from"] == 0 else 0
            if cap is not None:
                init["count"] = min(init["count"], cap)
    if rng.random() < 0.6:
        a = rng.randint(0, days - 1)
        sc["windows"] = [{"id": "w0", "from": a, "to": rng.randint(a, days - 1)}]
    if rng.random() < 0.5:
        sc["census"] = sorted(set(rng.randint(0, days - 1) for _ in range(rng.randint(1, 3))))
    if rng.random() < 0.3:
        sc["outputs"] = {"daily": False}
    if rng.random() < 0.1:
        scale_up(sc, 40)
    if rng.random() < 0.05:
        # Caps low enough to stop some runs: the stop must be clean.
        sc["limits"] = rng.choice([{"max_events": rng.randint(1, 3000)},
                                   {"max_population": rng.randint(1, 200)}])
    return sc


def scale_up(sc, k):
    """k times the arrivals, places and people at the start: thousands of
    pending events, so that the event set's far tier (calendar buckets,
    rebuilds) runs too."""
    def times(v):
        if isinstance(v, list):
            return [dict(step, value=step["value"] * k) for step in v]
        return v * k
    for src in sc["sources"]:
        if "rate" in src:
            src["rate"] = times(src["rate"])
        if "limit" in src:
            src["limit"] *= k
    for st in sc["stages"]:
        if st.get("capacity") is not None:
            st["capacity"] = times(st["capacity"])
    for init in sc.get("initial", []):
        init["count"] *= k


def census_csv(rng, sc):
    """A --census file for sc: people in its pools and services, some ready
    to move on, within the capacity at the start; None if none fits."""
    attrs = [a["id"] for a in sc.get("attributes", [])]
    values = {a["id"]: list(a["values"]) for a in sc.get("attributes", [])}
    rows = []
    for st in sc["stages"]:
        if st["kind"] not in ("pool", "service"):
            continue
        cap = st.get("capacity")
        if isinstance(cap, list):
            cap = cap[0]["value"] if cap[0]["from"] == 0 else 0
        n = rng.randint(0, 12) if cap is None else rng.randint(0, cap)
        for _ in range(n):
            days = rng.choice([0, round(rng.uniform(0, 400), 2)])
            rows.append(",".join([st["id"], str(days), str(rng.randint(0, 1))]
                                 + [rng.choice(values[a]) for a in attrs]))
    if not rows:
        return None
    return "\n".join([",".join(["stage", "days", "ready"] + attrs)] + rows) + "\n"


def max_places(stage):
    cap = stage.get("capacity")
    if cap is None:
        return math.inf
    if isinstance(cap, list):
        return max(s["value"] for s in cap)
    return cap


def check_summary(sc, path):
    """Problems found in summary.json (a list of strings)."""
    problems = []
    with open(path) as f:
        summary = json.load(f)
    for name in ("conservation", "occupancy_within_capacity", "event_times_monotone"):
        if summary.get("invariants", {}).get(name) is not True:
            problems.append("invariants.%s is not true" % name)
    stages = {s["id"]: s for s in sc["stages"]}
    windows = summary["windows"]
    items = windows.items() if isinstance(windows, dict) else ((w.get("id"), w) for w in windows)
    for wid, w in items:
        for sid, metrics in w["stages"].items():
            def mean(m):
                v = metrics.get(m, {}).get("mean")
                return v
            occ = mean("occupancy_mean")
            if occ is not None and not (-1e-9 <= occ <= max_places(stages.get(sid, {})) + 1e-9):
                problems.append("%s.%s: occupancy_mean %g outside [0, %g]" % (wid, sid, occ, max_places(stages[sid])))
            ex, pos, neg = mean("exits"), mean("exits_positive"), mean("exits_negative")
            if None not in (ex, pos, neg) and abs(ex - pos - neg) > 1e-6 * max(1, ex):
                problems.append("%s.%s: exits %g != positive %g + negative %g" % (wid, sid, ex, pos, neg))
            for m in ("admissions", "exits", "rejected", "reneged", "contacts"):
                v = mean(m)
                if v is not None and v < 0:
                    problems.append("%s.%s: %s %g < 0" % (wid, sid, m, v))
    return problems


def run(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except subprocess.TimeoutExpired:
        return -1, "no answer within 60 s"
    return p.returncode, p.stdout + p.stderr


def same_tree(a, b):
    """The first file of folder a whose bytes differ in b, with the first
    line that differs; None if all are the same."""
    for name in sorted(os.listdir(a)):
        if not os.path.exists(os.path.join(b, name)):
            return "%s: missing" % name
        with open(os.path.join(a, name), "rb") as fa, open(os.path.join(b, name), "rb") as fb:
            da, db = fa.read(), fb.read()
        if da != db:
            for la, lb in zip(da.splitlines(), db.splitlines()):
                if la != lb:
                    return "%s: %s -> %s" % (name, la.decode(errors="replace").strip(),
                                             lb.decode(errors="replace").strip())
            return "%s: one is longer" % name
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default="build/parcours")
    ap.add_argument("--count", type=int, default=100)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--check-bytes", action="store_true", help="also compare -j 1 and -j 2 outputs")
    ap.add_argument("--same-as", metavar="OTHER",
                    help="also run the parcours binary OTHER: the same exit status and the same bytes")
    ap.add_argument("--plot", action="store_true",
                    help="also draw the charts (parcours plot --format both): no gnuplot error or warning")
    ap.add_argument("--keep", default=os.path.join(tempfile.gettempdir(), "parcours-random-scenarios"))
    args = ap.parse_args()
    rng = random.Random(args.seed)
    tmp = tempfile.mkdtemp(prefix="parcours-random-")
    failures, deadlocks, stopped = 0, 0, 0
    try:
        for i in range(args.count):
            sc = scenario(rng, i)
            path = os.path.join(tmp, "s.json")
            with open(path, "w") as f:
                json.dump(sc, f, indent=1)
            why = None
            census = census_csv(rng, sc) if rng.random() < 0.2 else None
            start = []
            if census:
                cpath = os.path.join(tmp, "census.csv")
                with open(cpath, "w") as f:
                    f.write(census)
                start = ["--census", cpath]

            def run_two(binary, threads, folder):   # 2 replications of this scenario
                return run([binary, "run", path, "-r", "2", "-j", str(threads), "-q",
                            "--out", os.path.join(tmp, folder)] + start)

            rc, out = run([args.bin, "validate", path])
            if rc != 0:
                why = "not valid (the generator is wrong):\n" + out
            else:
                o1 = os.path.join(tmp, "o1")
                rc, out = run_two(args.bin, 1, "o1")
                bad = any(k in out for k in ("AddressSanitizer", "runtime error", "LeakSanitizer", "invariant"))
                capped = "limits" in sc and "raise limits.max_" in out
                if bad or rc not in (0, 1) or (rc == 1 and "deadlock" not in out and not capped):
                    why = "run exited %d:\n%s" % (rc, out)
                elif rc == 1 and capped:
                    stopped += 1
                elif rc == 1:
                    deadlocks += 1
                else:
                    problems = check_summary(sc, os.path.join(o1, "summary.json"))
                    if problems:
                        why = "summary.json:\n  " + "\n  ".join(problems)
                    elif args.check_bytes:
                        o2 = os.path.join(tmp, "o2")
                        rc2, out2 = run_two(args.bin, 2, "o2")
                        diff = same_tree(o1, o2) if rc2 == 0 else "exit %d" % rc2
                        if diff:
                            why = "-j 1 and -j 2 differ: %s" % diff
            if why is None and args.same_as:
                o3 = os.path.join(tmp, "o3")
                rc3, out3 = run_two(args.same_as, 1, "o3")
                if rc3 != rc:
                    why = "%s exited %d, not %d:\n%s" % (args.same_as, rc3, rc, out3)
                elif rc == 0:
                    diff = same_tree(o1, o3)
                    if diff:
                        why = "%s wrote other bytes: %s" % (args.same_as, diff)
            if why is None and rc == 0 and args.plot:   # last: it adds the charts to o1
                rc4, out4 = run([args.bin, "plot", o1, "--format", "both"])
                if rc4 != 0 or "warning" in out4.lower():
                    why = "parcours plot exited %d:\n%s" % (rc4, out4)
            if why:
                failures += 1
                os.makedirs(args.keep, exist_ok=True)
                kept = os.path.join(args.keep, "random-%d-%d.json" % (args.seed, i))
                shutil.copy(path, kept)
                if census:
                    shutil.copy(os.path.join(tmp, "census.csv"), kept[:-5] + "-census.csv")
                print("FAIL: scenario %d (%s): %s" % (i, kept, why.strip()[:2000]))
            for d in ("o1", "o2", "o3"):
                shutil.rmtree(os.path.join(tmp, d), ignore_errors=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("random scenarios: %d run, %d deadlocked (named by the engine), %d stopped by a cap, %d failed"
          % (args.count, deadlocks, stopped, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
