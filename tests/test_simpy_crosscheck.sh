#!/bin/sh
# test_simpy_crosscheck.sh -- parcours against an independent SimPy model of
# the Paris baseline (bench/simpy/paris.py), over a short horizon.
#
# usage: tests/test_simpy_crosscheck.sh [PARCOURS_BINARY]
#        (default: $PARCOURS, else build/parcours; run from the source tree)
#
# Both run 40 replications of scenarios/paris-baseline.json cut at
# 2021-05-31 (the end of the audit window). For each calibration metric
# (audit window: ASSORE exits, positive share, Little stay, time to a
# downstream place, street occupancy; 2019: street occupancy) the difference
# of the two means must lie within the combined half-width
# sqrt(h_parcours^2 + h_simpy^2) of the intervals at 1 - 0.05/6 (Bonferroni:
# two correct models pass all six checks together at least 95% of the time;
# at 95% each they would fail one in four runs). Seeds are fixed, so the
# verdict is reproducible. Takes about 30 s (SimPy on 2 processes).
#
# Exit status: 0 agree, 1 disagree or failed, 77 skipped (no SimPy).
set -eu

PARCOURS_BIN=${1:-${PARCOURS:-build/parcours}}
PY=/usr/bin/python3
REPS=40
END=2021-05-31

if ! "$PY" -c 'import simpy' 2>/dev/null; then
    echo "SKIP: $PY has no simpy module (Debian: apt-get install python3-simpy3)"
    exit 77
fi
if [ ! -x "$PARCOURS_BIN" ]; then
    echo "FAIL: no parcours binary at $PARCOURS_BIN"
    exit 1
fi

TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT INT TERM

# Windows beyond the horizon are refused by parcours: keep the ones that fit.
"$PARCOURS_BIN" run scenarios/paris-baseline.json -r "$REPS" -q --out "$TMP/parcours" \
    --set "end=\"$END\"" \
    --set 'windows=[{"id":"audit","from":"2020-01-01","to":"2021-05-31"},{"id":"y2019","from":"2019-01-01","to":"2019-12-31"}]' \
    --set 'census=[]'
"$PY" bench/simpy/paris.py scenarios/paris-baseline.json -r "$REPS" -s 1 -j 2 --end "$END" \
    -q --json "$TMP/simpy.json"

"$PY" - "$TMP/parcours/summary.json" "$TMP/simpy.json" <<'EOF'
import json
import math
import sys
from statistics import NormalDist

parcours = json.load(open(sys.argv[1]))["windows"]
simpy = json.load(open(sys.argv[2]))["summary"]
checks = [("audit", "assore", "exits"),
          ("audit", "assore", "positive_share"),
          ("audit", "assore", "stay_little_days"),
          ("audit", "assore", "time_to_downstream_days"),
          ("audit", "street", "occupancy_mean"),
          ("y2019", "street", "occupancy_mean")]
# The summaries give 95% intervals; widen them to 1 - 0.05/len(checks).
# (Normal quantiles: the ratio of Student's for 39 degrees of freedom is
# 1.38 rather than 1.35, so this is, if anything, the stricter.)
widen = NormalDist().inv_cdf(1 - 0.05 / (2 * len(checks))) / NormalDist().inv_cdf(0.975)
failed = 0
print("%-6s %-7s %-24s %-28s %-28s %9s %9s" % ("window", "stage", "metric", "parcours mean [95% CI]",
                                                "simpy mean [95% CI]", "|diff|", "allowed"))
for w, s, m in checks:
    a = parcours[w]["stages"][s][m]
    b = simpy[w][s][m]
    ha = (a["ci95_high"] - a["ci95_low"]) / 2
    hb = (b["ci95_high"] - b["ci95_low"]) / 2
    allowed = widen * math.sqrt(ha * ha + hb * hb)
    diff = abs(a["mean"] - b["mean"])
    ok = diff <= allowed
    failed += not ok
    def cell(v):
        return "%.4g [%.4g, %.4g]" % (v["mean"], v["ci95_low"], v["ci95_high"])
    print("%-6s %-7s %-24s %-28s %-28s %9.4g %9.4g %s"
          % (w, s, m, cell(a), cell(b), diff, allowed, "ok" if ok else "DISAGREE"))
print("crosscheck: %s" % ("PASS" if failed == 0 else "FAIL (%d metric(s) disagree)" % failed))
sys.exit(1 if failed else 0)
EOF
