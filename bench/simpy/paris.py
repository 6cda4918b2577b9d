#!/usr/bin/python3
"""An independent SimPy 3 implementation of the Paris baseline scenario.

Usage:
  /usr/bin/python3 bench/simpy/paris.py [SCENARIO.json] [options]

  SCENARIO.json   default: scenarios/paris-baseline.json (read with json)
  -r, --reps N    replications (default 10)
  -s, --seed S    base seed (default 1); replication k uses random.Random((S, k))
  -j, --jobs J    replications in parallel processes (default 1)
  --end DATE      stop after that day (YYYY-MM-DD); windows that do not end
                  by then are dropped, as parcours refuses them
  --json FILE     write per-replication metrics and the summary as JSON
  -q, --quiet     no table

It re-implements, with SimPy's own tools and nothing from parcours, what
docs/model.md and sim/engine.h describe:

- a street pool (no capacity) with competing exit hazards drawn on entry;
- outreach patrols: Poisson contacts at contacts_per_hour during their weekly
  hours; a contact meets a random street member not inside a rest area, who
  accepts a referral with probability `accept` unless already referred. Only
  the contacts that offer a referral (probability `accept`, independently)
  are drawn, a Poisson process at contacts_per_hour x accept: the others
  change nothing this model measures (parcours tallies them, patrol.c);
- rest areas (day services): visit requests Poisson at visits_per_hour while
  open; a request with a free seat brings in a random street member not
  already inside (a few tries) for an exponential visit, which leads to a
  referral with probability `referral`; requests finding every seat taken
  are lost, so none is drawn while the area is full (from the admission
  that takes the last seat until a seat frees or seats are added), and a
  visit that closing time cuts gets no end timeout: the same processes, with
  the event economy of parcours (`models/day_service.c`); everyone leaves at
  closing time;
- service stages (ASSORE, CAARUD, downstream places) as SimPy
  PriorityResources whose capacity schedule is enforced by "phantom" holders
  at a higher priority, so that decreases never evict (freed places go to
  the phantoms first) and increases admit the head of the queue;
- a referred street member requests every eligible route at once (FIFO
  queues, nobody jumps a queue), takes the first place granted in route
  order and withdraws the other requests;
- ASSORE/CAARUD: a gamma stabilisation stay, then the resident requests every
  eligible downstream place at once while KEEPING the hotel request granted
  (blocking) until one is granted; competing exits run all along;
- eligibility by attributes drawn on arrival; regularisation of residence
  after an exponential delay re-offers the routes to ready residents;
- downstream places: competing exits only (moved on, street, death ...);
- the initial state: people already in place at time 0, remaining stays drawn
  conditionally on the time already spent (exact for exponential and
  integer-shape gamma laws).

Queue options (patience, length caps, priorities) apply in parcours to the
people waiting FOR the stage that declares them; in the Paris baseline the
only queue is the street's, and nobody waits for the street, so they have no
effect there and are not implemented here.

Metrics per window, as parcours defines them (sim/record.c): occupancy_mean
(time average), admissions, exits, exits_positive, positive_share,
stay_little_days (occupancy_mean / exit rate), time_to_downstream_days
(Little stay / positive share), per stage. Output: a table of the audit
calibration metrics and street means with 95% CIs (Student t), the total
time of env.run() and the number of SimPy events processed.
"""
import argparse
import datetime
import json
import math
import multiprocessing
import os
import random
import sys
import time

import simpy

UNITS = {"days": 1.0, "hours": 1.0 / 24.0, "weeks": 7.0,
         "months": 365.25 / 12.0, "years": 365.25}
DAY_NAMES = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
PHANTOM_PRIORITY = -1    # capacity holders go before people
PERSON_PRIORITY = 0


# ---- reading the scenario ----------------------------------------------------

def parse_date(text):
    return datetime.date.fromisoformat(text)


class Clock:
    """Days since the scenario start <-> dates."""

    def __init__(self, start):
        self.start = parse_date(start)

    def time(self, value):
        if isinstance(value, str):
            return float((parse_date(value) - self.start).days)
        return float(value)

    def weekday0(self):
        return self.start.weekday()   # 0 = Monday


class Dist:
    def __init__(self, spec):
        kind = spec["dist"]
        unit = UNITS[spec.get("unit", "days")]
        self.kind = kind
        if kind == "exponential":
            mean = spec["mean"] if "mean" in spec else 1.0 / spec["rate"]
            self.mean = mean * unit
        elif kind == "gamma":
            self.shape = float(spec["shape"])
            if "scale" in spec:
                self.scale = spec["scale"] * unit
            else:
                self.scale = spec["mean"] * unit / self.shape
        elif kind == "fixed":
            self.value = spec["value"] * unit
        elif kind == "uniform":
            self.lo, self.hi = spec["min"] * unit, spec["max"] * unit
        else:
            raise ValueError("paris.py: distribution %r not supported" % kind)

    def sample(self, rng):
        if self.kind == "exponential":
            return rng.expovariate(1.0 / self.mean)
        if self.kind == "gamma":
            return rng.gammavariate(self.shape, self.scale)
        if self.kind == "fixed":
            return self.value
        return rng.uniform(self.lo, self.hi)

    def remaining(self, rng, elapsed):
        """A draw of X - e given X > e (e = time already spent)."""
        if elapsed <= 0:
            return self.sample(rng)
        if self.kind == "exponential":
            return self.sample(rng)            # memoryless
        if self.kind == "gamma" and self.shape == int(self.shape):
            # Erlang-k as k exponential phases: given X > e, the number j of
            # phases completed by e has P(j) proportional to (e/scale)^j / j!,
            # and what remains is Erlang(k - j).
            k = int(self.shape)
            x = elapsed / self.scale
            weights = [x ** j / math.factorial(j) for j in range(k)]
            j = rng.choices(range(k), weights=weights)[0]
            return rng.gammavariate(k - j, self.scale)
        if self.kind == "fixed":
            return max(self.value - elapsed, 0.0)
        for _ in range(100000):                # other laws: rejection
            x = self.sample(rng)
            if x > elapsed:
                return x - elapsed
        return 0.0


class Schedule:
    """A number, or steps [{"from": date, "value": v}] (0 before the first)."""

    def __init__(self, spec, clock):
        if isinstance(spec, (int, float)):
            self.steps = [(-math.inf, float(spec))]
        else:
            self.steps = [(clock.time(s["from"]), float(s["value"])) for s in spec]

    def value(self, t):
        v = 0.0
        for start, value in self.steps:
            if start <= t:
                v = value
            else:
                break
        return v

    def next_change(self, t):
        for start, _ in self.steps:
            if start > t:
                return start
        return math.inf

    def max(self):
        return max([0.0] + [v for _, v in self.steps])


class Hours:
    """Weekly opening hours as merged intervals of [0, 7) days (Monday 0)."""

    def __init__(self, spec, weekday0):
        raw = []
        for key, spans in spec.items():
            if key == "daily":
                days = range(7)
            elif key == "weekdays":
                days = range(5)
            elif key == "weekends":
                days = (5, 6)
            else:
                days = (DAY_NAMES.index(key),)
            for span in spans:
                a, b = span.split("-")
                h0, h1 = self.hours(a), self.hours(b)
                if h1 < h0:
                    h1 += 24.0
                for d in days:
                    lo, hi = d + h0 / 24.0, d + h1 / 24.0
                    if hi <= 7.0:
                        raw.append((lo, hi))
                    else:
                        raw.append((lo, 7.0))
                        raw.append((0.0, hi - 7.0))
        raw.sort()
        merged = []
        for lo, hi in raw:
            if merged and lo <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
            else:
                merged.append((lo, hi))
        self.iv = merged
        self.offset = weekday0          # t = 0 is this weekday

    @staticmethod
    def hours(text):
        h, m = text.split(":")
        return int(h) + int(m) / 60.0

    def _week(self, t):
        x = t + self.offset
        k = math.floor(x / 7.0)
        return k * 7.0 - self.offset, x - k * 7.0

    def is_open(self, t):
        _, pos = self._week(t)
        return any(lo <= pos < hi for lo, hi in self.iv)

    def next_change(self, t):
        """First time > t at which open/closed flips."""
        if not self.iv or (len(self.iv) == 1 and self.iv[0] == (0.0, 7.0)):
            return math.inf
        base, _ = self._week(t)
        bounds = []
        for lo, hi in self.iv:
            if not (lo == 0.0 and self.iv[-1][1] == 7.0):
                bounds.append(lo)
            if not (hi == 7.0 and self.iv[0][0] == 0.0):
                bounds.append(hi)
        for week in (0.0, 7.0, 14.0):
            for b in bounds:
                if base + week + b > t + 1e-12:
                    return base + week + b
        return math.inf


def poisson_next(rng, t, rate_per_day, hours, horizon):
    """Next event of a Poisson process with a piecewise-constant rate
    (a Schedule, per day) switched off outside `hours`: exponential gaps drawn
    afresh in every piece (memoryless), or math.inf."""
    while t < horizon:
        lam = rate_per_day.value(t)
        nxt = rate_per_day.next_change(t)
        if hours is not None:
            nxt = min(nxt, hours.next_change(t))
            # The state of the piece [t, nxt), taken inside it: at t itself
            # rounding may put a boundary on either side.
            probe = t + 0.5 * (nxt - t) if nxt < math.inf else t + 1e-6
            if not hours.is_open(probe):
                lam = 0.0
        if lam > 0:
            gap = rng.expovariate(lam)
            if t + gap < nxt:
                return t + gap
        if math.isinf(nxt):
            return math.inf
        t = nxt
    return math.inf


class Scaled:
    """A Schedule times a constant (contacts per hour -> per day)."""

    def __init__(self, schedule, factor):
        self.s, self.f = schedule, factor

    def value(self, t):
        return self.s.value(t) * self.f

    def next_change(self, t):
        return self.s.next_change(t)


# ---- the model -----------------------------------------------------------------

class Window:
    def __init__(self, wid, lo, hi):
        self.id, self.lo, self.hi = wid, lo, hi


class Tally:
    """Counts and time integrals of one stage, per window."""

    def __init__(self, windows):
        self.windows = windows
        n = len(windows)
        self.occ_int = [0.0] * n
        self.admissions = [0] * n
        self.exits = [0] * n
        self.exits_pos = [0] * n
        self.level = 0
        self.since = 0.0

    def _integrate(self, t):
        if self.level and t > self.since:
            for i, w in enumerate(self.windows):
                a, b = max(self.since, w.lo), min(t, w.hi)
                if b > a:
                    self.occ_int[i] += self.level * (b - a)
        self.since = t

    def change(self, t, delta):
        self._integrate(t)
        self.level += delta

    def count(self, t, what, positive=False):
        for i, w in enumerate(self.windows):
            if w.lo <= t < w.hi:
                what[i] += 1
                if positive and what is self.exits:
                    self.exits_pos[i] += 1

    def metrics(self, i):
        w = self.windows[i]
        length = w.hi - w.lo
        occ = self.occ_int[i] / length
        exits = self.exits[i]
        share = self.exits_pos[i] / exits if exits else math.nan
        little = occ / (exits / length) if exits else math.nan
        return {"occupancy_mean": occ, "admissions": self.admissions[i], "exits": exits,
                "exits_positive": self.exits_pos[i], "positive_share": share,
                "stay_little_days": little,
                "time_to_downstream_days": little / share if share and share > 0 else math.nan}


class Person:
    __slots__ = ("attrs", "stage", "visiting", "waiting", "referral", "changed",
                 "index", "visit_token", "life")

    def __init__(self, attrs, life):
        self.attrs = attrs
        self.stage = None
        self.visiting = None
        self.waiting = False
        self.referral = None
        self.changed = None
        self.index = -1
        self.visit_token = 0
        self.life = life


class Stage:
    def __init__(self, spec, model):
        self.id = spec["id"]
        self.kind = spec["kind"]
        self.tally = Tally(model.windows)
        clock = model.clock
        self.routes = []
        for r in spec.get("routes", []):
            self.routes.append((r["to"], model.when(r.get("when")), r.get("outcome", "positive") == "positive"))
        self.exits = [(h["to"], Dist(h["after"]), h.get("outcome", "negative") == "positive")
                      for h in spec.get("exits", [])]
        self.stay = Dist(spec["stay"]) if "stay" in spec else None
        self.routing = spec.get("routing", "random" if self.kind == "service" else "first_available")
        if self.routing != "first_available" and self.routes:
            raise ValueError("paris.py: only first_available routing is implemented (%s)" % self.id)
        self.members = []                      # pools: random picks
        if self.kind in ("service", "day_service"):
            cap = spec.get("capacity")
            self.capacity = Schedule(cap, clock) if cap is not None else None
        if self.kind == "service":
            if self.capacity is None:
                raise ValueError("paris.py: unlimited service stages are not implemented (%s)" % self.id)
            top = int(self.capacity.max())
            self.resource = simpy.PriorityResource(model.env, capacity=max(top, 1))
            self.top = max(top, 1)
            self.phantoms = []                 # phantom requests, granted or queued
        if self.kind == "day_service":
            self.pool = spec["pool"]
            self.hours = Hours(spec["hours"], clock.weekday0())
            self.visits = Scaled(Schedule(spec["visits_per_hour"], clock), 24.0)
            self.visit = Dist(spec["visit"])
            self.referral_p = float(spec.get("referral", 0.0))
            self.visitors = []
            self.freed = None              # triggered by the next freed seat


class Model:
    def __init__(self, scenario, rng, horizon_end=None, env=None):
        self.sc = scenario
        self.rng = rng
        self.env = env if env is not None else simpy.Environment()
        self.clock = Clock(scenario["start"])
        if "end" in scenario:
            horizon = self.clock.time(scenario["end"]) + 1.0
        else:
            horizon = float(scenario["days"])
        if horizon_end is not None:
            horizon = min(horizon, self.clock.time(horizon_end) + 1.0)
        self.horizon = horizon
        self.windows = [Window("all", float(scenario.get("warmup_days", 0)), horizon)]
        for w in scenario.get("windows", []):
            lo, hi = self.clock.time(w["from"]), self.clock.time(w["to"]) + 1.0
            if hi <= horizon:
                self.windows.append(Window(w["id"], lo, hi))
        self.attributes = []
        for a in scenario.get("attributes", []):
            names = list(a["values"].keys())
            self.attributes.append((a["id"], names, [a["values"][n] for n in names]))
        self.attr_index = {a[0]: i for i, a in enumerate(self.attributes)}
        self.transitions = []
        for tr in scenario.get("transitions", []):
            i = self.attr_index[tr["attribute"]]
            names = self.attributes[i][1]
            self.transitions.append((i, names.index(tr["from"]), names.index(tr["to"]), Dist(tr["after"])))
        self.stages = {}
        for s in scenario["stages"]:
            self.stages[s["id"]] = Stage(s, self)
        self.lives = 0
        self.events = 0

    def when(self, cond):
        """A predicate on attribute values from a route's "when"."""
        if not cond:
            return None
        tests = []
        for key, allowed in cond.items():
            i = self.attr_index[key]
            names = self.attributes[i][1]
            allowed = [allowed] if isinstance(allowed, str) else allowed
            tests.append((i, {names.index(v) for v in allowed}))
        return tests

    @staticmethod
    def holds(tests, attrs):
        return tests is None or all(attrs[i] in ok for i, ok in tests)

    # ---- people ---------------------------------------------------------

    def new_person(self, fixed=None):
        rng = self.rng
        attrs = []
        for _, names, probs in self.attributes:
            u, acc, v = rng.random(), 0.0, len(names) - 1
            for k in range(len(names) - 1):
                acc += probs[k]
                if u < acc:
                    v = k
                    break
            attrs.append(v)
        self.lives += 1
        p = Person(attrs, self.lives)
        for i, frm, to, after in self.transitions:
            if attrs[i] == frm:
                ev = self.env.timeout(after.sample(rng))
                ev.callbacks.append(lambda _ev, p=p, i=i, frm=frm, to=to: self.transition(p, i, frm, to))
        return p

    def transition(self, p, i, frm, to):
        if p.stage is None or p.attrs[i] != frm:
            return
        p.attrs[i] = to
        if p.changed is not None and not p.changed.triggered:
            p.changed.succeed()

    def draw_exit(self, st, elapsed):
        best, which = math.inf, None
        for to, dist, positive in st.exits:
            t = dist.remaining(self.rng, elapsed)
            if t < best:
                best, which = t, (to, positive)
        return best, which

    def life(self, p, stage_id, elapsed, held):
        """One person's whole path: returns when they reach an exit stage."""
        positive = False
        while True:
            st = self.stages[stage_id]
            # The initial state counts as admitted `elapsed` days before the
            # start, outside every window (as parcours records it).
            st.tally.count(self.env.now - elapsed, st.tally.admissions)
            if st.kind == "exit":
                p.stage = None
                return
            p.stage = st
            st.tally.change(self.env.now, +1)
            if st.kind == "pool":
                stage_id, positive, held = yield from self.in_pool(p, st)
            else:
                stage_id, positive, held = yield from self.in_service(p, st, elapsed, held)
            elapsed = 0.0
            st.tally.change(self.env.now, -1)
            st.tally.count(self.env.now, st.tally.exits, positive)

    def offer(self, p, st, pending):
        """Requests every eligible route not yet requested (route order)."""
        for to, cond, positive in st.routes:
            if to not in pending and self.holds(cond, p.attrs):
                pending[to] = (self.stages[to].resource.request(priority=PERSON_PRIORITY), positive)

    def settle(self, pending, only=None):
        """If some request is granted, keeps the first in route order and
        withdraws the others; returns (stage, positive, request) or None."""
        chosen = None
        for to, (req, positive) in pending.items():
            if req.triggered and (only is None or req in only) and chosen is None:
                chosen = (to, positive, req)
        if chosen is None:
            return None
        for to, (req, _) in pending.items():
            if req is not chosen[2]:
                self.withdraw(self.stages[to].resource, req)
        return chosen

    @staticmethod
    def withdraw(resource, req):
        if req.triggered:
            resource.release(req)
        else:
            req.cancel()

    def in_pool(self, p, st):
        env = self.env
        p.index = len(st.members)
        st.members.append(p)
        delay, (exit_to, exit_pos) = self.draw_exit(st, 0.0)
        hazard = env.timeout(delay) if delay < math.inf else env.event()
        p.referral = env.event()
        p.changed = None
        pending = {}
        result = None
        # (A Timeout counts as triggered from its creation: `processed` tells
        # whether it has happened.)
        while result is None:
            if not pending:
                yield hazard | p.referral
                if hazard.processed:
                    result = (exit_to, exit_pos, None)
                    break
                self.offer(p, st, pending)
                if not pending:                 # nowhere to go: forget it
                    p.referral = env.event()
                    continue
            granted = self.settle(pending)
            if granted is not None:
                result = granted
                break
            p.waiting = True
            p.changed = env.event()
            wait = simpy.AnyOf(env, [req for req, _ in pending.values()])
            yield hazard | wait | p.changed
            if p.changed.triggered:
                self.offer(p, st, pending)      # new eligibility
            granted = self.settle(pending)
            if granted is not None:
                result = granted
            elif hazard.processed:
                for to, (req, _) in pending.items():
                    self.withdraw(self.stages[to].resource, req)
                result = (exit_to, exit_pos, None)
        p.waiting = False
        p.changed = None
        p.referral = None
        self.leave_pool(p, st)
        return result

    def leave_pool(self, p, st):
        if p.visiting is not None:
            self.end_visit(p)
        last = st.members.pop()
        if last is not p:
            st.members[p.index] = last
            last.index = p.index
        p.index = -1

    def in_service(self, p, st, elapsed, held):
        env = self.env
        delay, (exit_to, exit_pos) = self.draw_exit(st, elapsed)
        hazard = env.timeout(delay) if delay < math.inf else env.event()
        if st.stay is not None:
            ready = env.timeout(st.stay.remaining(self.rng, elapsed))
            yield hazard | ready
        else:
            yield hazard
        pending = {}
        while not hazard.processed:
            # Ready: wait for every eligible downstream place, keeping this one.
            self.offer(p, st, pending)
            granted = self.settle(pending)
            if granted is not None:
                st.resource.release(held)
                return granted
            p.changed = env.event()
            events = [req for req, _ in pending.values()]
            if events:
                yield hazard | simpy.AnyOf(env, events) | p.changed
            else:
                yield hazard | p.changed
            p.changed = None
            granted = self.settle(pending)
            if granted is not None:
                st.resource.release(held)
                return granted
        for to, (req, _) in pending.items():
            self.withdraw(self.stages[to].resource, req)
        st.resource.release(held)
        return exit_to, exit_pos, None

    def enter(self, p, stage_id, elapsed=0.0):
        """Starts a person's life in a stage (arrivals, initial state)."""
        st = self.stages[stage_id]
        held = None
        if st.kind == "service":
            held = st.resource.request(priority=PERSON_PRIORITY)
        self.env.process(self.life(p, stage_id, elapsed, held))

    # ---- capacities -------------------------------------------------------

    def capacity_keeper(self, st):
        """Holds top - capacity(t) places with phantom requests."""
        env = self.env
        res = st.resource

        def set_phantoms(target):
            while len(st.phantoms) < target:
                st.phantoms.append(res.request(priority=PHANTOM_PRIORITY))
            while len(st.phantoms) > target:
                # Queued phantoms go first (a decrease not yet in force).
                queued = [r for r in st.phantoms if not r.triggered]
                r = queued[-1] if queued else st.phantoms[-1]
                st.phantoms.remove(r)
                self.withdraw(res, r)

        t = 0.0
        while True:
            set_phantoms(st.top - int(st.capacity.value(t)))
            nxt = st.capacity.next_change(t)
            if nxt >= self.horizon:
                return
            yield env.timeout(nxt - t)
            t = nxt

    # ---- arrivals, patrols, rest areas -----------------------------------------

    def source(self, src):
        env = self.env
        rate = Schedule(src["rate"], self.clock)
        fixed = src.get("attributes", {})
        limit = src.get("limit", 0)
        n = 0
        while limit <= 0 or n < limit:
            t = poisson_next(self.rng, env.now, rate, None, self.horizon)
            if t >= self.horizon:
                return
            yield env.timeout(t - env.now)
            p = self.new_person()
            for key, value in fixed.items():
                i = self.attr_index[key]
                p.attrs[i] = self.attributes[i][1].index(value)
            n += 1
            self.enter(p, src["to"])

    def patrol(self, pt):
        env = self.env
        pool = self.stages[pt["pool"]]
        hours = Hours(pt["hours"], self.clock.weekday0()) if "hours" in pt else None
        accept = float(pt["accept"])
        if accept <= 0:
            return
        rate = Scaled(Schedule(pt["contacts_per_hour"], self.clock), 24.0 * accept)
        rng = self.rng
        while True:
            t = poisson_next(rng, env.now, rate, hours, self.horizon)
            if t >= self.horizon:
                return
            yield env.timeout(t - env.now)
            if pool.members:
                p = pool.members[int(rng.random() * len(pool.members))]
                if p.visiting is None and not p.waiting:
                    self.refer(p)

    @staticmethod
    def refer(p):
        if p.referral is not None and not p.referral.triggered and not p.waiting:
            p.referral.succeed()

    def rest_area(self, ds):
        env = self.env
        pool = self.stages[ds.pool]
        rng = self.rng
        while True:
            t = poisson_next(rng, env.now, ds.visits, ds.hours, self.horizon)
            if t >= self.horizon:
                return
            yield env.timeout(t - env.now)
            if len(ds.visitors) >= ds.capacity.value(t):
                yield self.seat_freed(ds)       # every seat taken (seats removed)
                continue
            if not pool.members:
                continue
            for _ in range(8):                  # a few tries to find someone outside
                p = pool.members[int(rng.random() * len(pool.members))]
                if p.visiting is None:
                    break
            else:
                continue
            p.visiting = ds
            p.visit_token += 1
            ds.visitors.append(p)
            length = ds.visit.sample(rng)
            if env.now + length < ds.hours.next_change(env.now):   # else closing ends it
                end = env.timeout(length)
                token = p.visit_token
                end.callbacks.append(lambda _ev, p=p, token=token: self.visit_over(p, token))
            if rng.random() < ds.referral_p:
                self.refer(p)
            if len(ds.visitors) >= ds.capacity.value(env.now):
                yield self.seat_freed(ds)       # the last seat taken: requests stop

    def seat_freed(self, ds):
        """An event for the next freed seat: a visit's end (however it ends) or
        a capacity change, which may add one."""
        env = self.env
        ds.freed = env.event()
        nxt = ds.capacity.next_change(env.now)
        if nxt < self.horizon:
            return ds.freed | env.timeout(nxt - env.now)
        return ds.freed

    def visit_over(self, p, token):
        if p.visiting is not None and p.visit_token == token:
            self.end_visit(p)

    @staticmethod
    def end_visit(p):
        ds = p.visiting
        ds.visitors.remove(p)
        p.visiting = None
        p.visit_token += 1
        if ds.freed is not None and not ds.freed.triggered:
            ds.freed.succeed()

    def closer(self, ds):
        """Everyone leaves a rest area at closing time."""
        env = self.env
        t = 0.0
        while True:
            nxt = ds.hours.next_change(t)
            if nxt >= self.horizon:
                return
            yield env.timeout(nxt - env.now)
            t = nxt
            if not ds.hours.is_open(t + 0.5 * (ds.hours.next_change(t) - t)):
                for p in list(ds.visitors):
                    self.end_visit(p)

    # ---- a replication -----------------------------------------------------------

    def run(self):
        env = self.env
        for st in self.stages.values():
            if st.kind == "service":
                env.process(self.capacity_keeper(st))
        # Phantoms take their places before anyone is placed.
        for ini in self.sc.get("initial", []):
            dist = Dist(ini["elapsed"]) if "elapsed" in ini else None
            for _ in range(int(ini["count"])):
                p = self.new_person()
                elapsed = dist.sample(self.rng) if dist else 0.0
                self.enter(p, ini["stage"], elapsed)
        for src in self.sc.get("sources", []):
            env.process(self.source(src))
        for pt in self.sc.get("patrols", []):
            env.process(self.patrol(pt))
        for st in self.stages.values():
            if st.kind == "day_service":
                env.process(self.rest_area(st))
                env.process(self.closer(st))
        t0 = time.perf_counter()
        env.run(until=self.horizon)
        seconds = time.perf_counter() - t0
        for st in self.stages.values():
            st.tally.change(self.horizon, 0)
        return seconds

    def results(self):
        out = {}
        for i, w in enumerate(self.windows):
            out[w.id] = {sid: st.tally.metrics(i) for sid, st in self.stages.items()
                         if st.kind in ("pool", "service", "exit")}
        return out


# ---- replications and the summary --------------------------------------------

class CountingEnvironment(simpy.Environment):
    """Counts the events SimPy processes (for events/s figures)."""

    def __init__(self):
        super().__init__()
        self.n_events = 0

    def step(self):
        self.n_events += 1
        return super().step()


def one_replication(args):
    scenario, seed, rep, end, count_events = args
    rng = random.Random("%d:%d" % (seed, rep))
    model = Model(scenario, rng, end, CountingEnvironment() if count_events else None)
    seconds = model.run()
    events = getattr(model.env, "n_events", None)
    return {"rep": rep, "seconds": seconds, "events": events, "windows": model.results()}


T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def t975(df):
    if df <= 30:
        return T975[df - 1]
    return 1.96 + 2.4 / df                      # within 0.2% for df > 30


def summarise(values):
    xs = [v for v in values if v == v]          # drop NaN
    n = len(xs)
    if n == 0:
        return {"mean": math.nan, "ci95_low": math.nan, "ci95_high": math.nan, "sd": math.nan, "n": 0}
    mean = sum(xs) / n
    sd = math.sqrt(sum((x - mean) ** 2 for x in xs) / (n - 1)) if n > 1 else 0.0
    half = t975(n - 1) * sd / math.sqrt(n) if n > 1 else 0.0
    return {"mean": mean, "ci95_low": mean - half, "ci95_high": mean + half, "sd": sd, "n": n}


def summary(reps):
    out = {}
    for w in reps[0]["windows"]:
        out[w] = {}
        for s in reps[0]["windows"][w]:
            out[w][s] = {m: summarise([r["windows"][w][s][m] for r in reps])
                         for m in reps[0]["windows"][w][s]}
    return out


def main(argv):
    ap = argparse.ArgumentParser(description="SimPy implementation of the Paris baseline")
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("scenario", nargs="?",
                    default=os.path.join(here, "..", "..", "scenarios", "paris-baseline.json"))
    ap.add_argument("-r", "--reps", type=int, default=10)
    ap.add_argument("-s", "--seed", type=int, default=1)
    ap.add_argument("-j", "--jobs", type=int, default=1)
    ap.add_argument("--end")
    ap.add_argument("--json")
    ap.add_argument("--count-events", action="store_true",
                    help="count the events SimPy processes (slows it down a little)")
    ap.add_argument("-q", "--quiet", action="store_true")
    a = ap.parse_args(argv[1:])
    with open(a.scenario) as f:
        scenario = json.load(f)
    jobs = [(scenario, a.seed, k, a.end, a.count_events) for k in range(a.reps)]
    t0 = time.perf_counter()
    if a.jobs > 1:
        with multiprocessing.Pool(a.jobs) as pool:
            reps = pool.map(one_replication, jobs)
    else:
        reps = [one_replication(j) for j in jobs]
    wall = time.perf_counter() - t0
    summ = summary(reps)
    run_seconds = [r["seconds"] for r in reps]
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"scenario": scenario.get("name"), "reps": a.reps, "seed": a.seed, "end": a.end,
                       "wall_seconds": wall, "run_seconds": run_seconds,
                       "events": [r["events"] for r in reps],
                       "summary": summ, "replications": reps}, f, indent=1)
    if not a.quiet:
        print("tool=simpy model=paris reps=%d wall_seconds=%.3f run_seconds_per_rep=%.3f%s"
              % (a.reps, wall, sum(run_seconds) / len(run_seconds),
                 " events_per_rep=%.0f" % (sum(r["events"] for r in reps) / len(reps))
                 if a.count_events else ""))
        rows = [("audit", "assore", "exits"), ("audit", "assore", "positive_share"),
                ("audit", "assore", "stay_little_days"), ("audit", "assore", "time_to_downstream_days"),
                ("y2019", "street", "occupancy_mean"), ("y2021", "street", "occupancy_mean")]
        for w, s, m in rows:
            if w in summ:
                v = summ[w][s][m]
                print("%-6s %-7s %-24s %10.3f  [%10.3f, %10.3f]" % (w, s, m, v["mean"], v["ci95_low"], v["ci95_high"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
