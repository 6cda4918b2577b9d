#!/usr/bin/python3
"""Writes a synthetic "metropolis" scenario at a given scale.

usage: /usr/bin/python3 bench/scale/make_scenario.py SCALE > metropolis.json

At SCALE 1 the city has 1,000,000 users and 100,000 places:
  - 900,000 people on the street (one pool) at the start, 300 newcomers a
    day, competing exits (gone 3 years, death 30 years);
  - 8 hotel districts of 11,250 places (90,000), full at the start, a gamma
    stabilisation stay, then first-available orientation to 4 downstream
    services and a housing quota (2,000 places each, 10,000), with blocking;
  - 4 rest areas (500 seats each, 08:00-20:00, 100 visit requests an hour)
    and 2 outreach patrols (50 contacts an hour, 12 hours a day), whose
    referrals queue for the hotels;
  - one year, no daily series (the engine, not the CSV writer, is measured).
Every count and rate is multiplied by SCALE, so the work per simulated day
and the memory grow linearly with it if the engine is linear.
"""
import json
import sys


def scenario(scale):
    def n(x):
        return max(1, int(round(x * scale)))

    hotels = ["hotel%d" % i for i in range(1, 9)]
    downstream = ["care%d" % i for i in range(1, 5)] + ["housing"]
    stages = [{
        "id": "street", "kind": "pool",
        "routing": "first_available",
        "routes": [{"to": h} for h in hotels[:4]] + [{"to": h, "when": {"sex": "female"}} for h in hotels[4:]],
        "exits": [
            {"to": "gone", "after": {"dist": "exponential", "mean": 3, "unit": "years"}},
            {"to": "death", "after": {"dist": "exponential", "mean": 30, "unit": "years"}}]}]
    for i in range(4):
        stages.append({"id": "rest%d" % (i + 1), "kind": "day_service", "pool": "street",
                       "capacity": n(500), "hours": {"daily": ["08:00-20:00"]},
                       "visits_per_hour": 100 * scale,
                       "visit": {"dist": "exponential", "mean": 3, "unit": "hours"},
                       "referral": 0.01})
    for h in hotels:
        stages.append({"id": h, "kind": "service", "capacity": n(11250),
                       "stay": {"dist": "gamma", "shape": 2, "mean": 120},
                       "routing": "first_available",
                       "routes": [{"to": "care1", "when": {"health": "severe"}},
                                  {"to": "care2", "when": {"health": ["moderate", "severe"]}},
                                  {"to": "care3"}, {"to": "care4"},
                                  {"to": "housing", "when": {"residence": "regular"}}],
                       "exits": [
                           {"to": "street", "after": {"dist": "exponential", "mean": 5, "unit": "years"}},
                           {"to": "death", "after": {"dist": "exponential", "mean": 50, "unit": "years"}}]})
    for d in downstream:
        stages.append({"id": d, "kind": "service", "capacity": n(2000),
                       "exits": [{"to": "moved_on", "outcome": "positive",
                                  "after": {"dist": "exponential", "mean": 1, "unit": "years"}}]})
    for x in ("gone", "death", "moved_on"):
        stages.append({"id": x, "kind": "exit"})
    initial = [{"stage": "street", "count": n(900000),
                "elapsed": {"dist": "exponential", "mean": 2, "unit": "years"}}]
    initial += [{"stage": h, "count": n(11250),
                 "elapsed": {"dist": "exponential", "mean": 0.5, "unit": "years"}} for h in hotels]
    initial += [{"stage": d, "count": n(2000),
                 "elapsed": {"dist": "exponential", "mean": 0.5, "unit": "years"}} for d in downstream]
    return {
        "name": "metropolis-x%g" % scale,
        "description": "synthetic metropolis at scale %g: %d users, %d places" % (
            scale, n(900000) + 8 * n(11250) + 5 * n(2000), 8 * n(11250) + 5 * n(2000)),
        "start": "2024-01-01",
        "days": 365,
        "seed": 1,
        "replications": 1,
        "limits": {"max_population": 100000000},
        "outputs": {"daily": False},
        "attributes": [
            {"id": "sex", "values": {"male": 0.8, "female": 0.2}},
            {"id": "health", "values": {"mild": 0.5, "moderate": 0.3, "severe": 0.2}},
            {"id": "residence", "values": {"regular": 0.7, "irregular": 0.3}}],
        "transitions": [{"attribute": "residence", "from": "irregular", "to": "regular",
                         "after": {"dist": "exponential", "mean": 2, "unit": "years"}}],
        "stages": stages,
        "sources": [{"id": "newcomers", "to": "street", "rate": 300 * scale}],
        "patrols": [{"id": "day%d" % i, "pool": "street", "hours": {"daily": ["08:00-20:00"]},
                     "contacts_per_hour": 50 * scale, "accept": 0.05} for i in (1, 2)],
        "initial": initial,
        "windows": [{"id": "h1", "from": "2024-01-01", "to": "2024-06-30"}],
    }


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: make_scenario.py SCALE")
    scale = float(argv[1])
    if not scale > 0:
        sys.exit("make_scenario.py: SCALE must be > 0")
    json.dump(scenario(scale), sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv)
