#!/bin/sh
# test_bench_ab.sh -- bench/ab, the comparison of two builds, on binaries
# given by path (no build): its verdicts on a known same, a known
# different output and a known slowdown, and its errors.
#
# usage: tests/test_bench_ab.sh [PARCOURS_BINARY]   (run from the source tree)
#
# The "builds" are the same parcours, bare or behind a wrapper: one that
# changes the seed (other bytes), one that runs the same command twice
# (twice the CPU time, so NEW / BASE is near 2 and far from the 10%
# allowed), and two that run it twice at every other call, one on odd
# calls and one on even ones: pitted against each other they give ratios
# of 1/2 and 2 in turn, the noise of a busy machine made certain, which
# the guard must call undecided; and one that notes the CPUs it may run
# on. M/M/1 with 1e5 customers: about 15 ms a run. Takes a few seconds.
#
# Exit status: 0 passed, 1 failed.
set -eu

PARCOURS_BIN=$(realpath "${1:-${PARCOURS:-build/parcours}}")
AB="bench/ab --scenario mm1 --set sources.arrivals.limit=100000 --pairs 6"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

fail() {
    echo "FAIL: $*"
    cat "$work/out" "$work/err" 2>/dev/null
    exit 1
}

# expect STATUS TEXT COMMAND...: the exit status and a line of the report.
expect() {
    want=$1 text=$2
    shift 2
    status=0
    "$@" >"$work/out" 2>"$work/err" || status=$?
    [ "$status" -eq "$want" ] || fail "$* exited $status, expected $want"
    grep -q -- "$text" "$work/out" "$work/err" || fail "$*: no \"$text\" in its output"
}

cat >"$work/other_seed" <<EOF
#!/bin/sh
exec "$PARCOURS_BIN" "\$@" --seed 2
EOF
cat >"$work/twice" <<EOF
#!/bin/sh
"$PARCOURS_BIN" "\$@" && exec "$PARCOURS_BIN" "\$@"
EOF
cat >"$work/where" <<EOF
#!/bin/sh
grep Cpus_allowed_list /proc/self/status | cut -f2 >>"$work/cpus"
exec "$PARCOURS_BIN" "\$@"
EOF
chmod +x "$work/other_seed" "$work/twice" "$work/where"

# every_other NAME PARITY: a wrapper that runs the command twice when its
# count of earlier calls has that parity (0 or 1), once otherwise.
every_other() {
    cat >"$work/$1" <<EOF
#!/bin/sh
n=\$(cat "$work/$1.count" 2>/dev/null || echo 0)
echo \$((n + 1)) >"$work/$1.count"
if [ \$((n % 2)) -eq $2 ]; then "$PARCOURS_BIN" "\$@" || exit; fi
exec "$PARCOURS_BIN" "\$@"
EOF
    chmod +x "$work/$1"
}
every_other odd_calls 0
every_other even_calls 1

expect 0 "outputs: the same bytes" $AB --same-bytes "$PARCOURS_BIN" "$PARCOURS_BIN"
expect 0 "95% interval .* (order statistics of 6 pairs, coverage 96.9%)" $AB "$PARCOURS_BIN" "$PARCOURS_BIN"
expect 1 "outputs: DIFFER (.*summary.json" $AB --same-bytes "$PARCOURS_BIN" "$work/other_seed"
expect 1 "regression guard, at most 10% slower: FAILED" $AB --max-slowdown 10 "$PARCOURS_BIN" "$work/twice"
expect 0 "NEW is faster than BASE beyond the noise" $AB --max-slowdown 10 "$work/twice" "$PARCOURS_BIN"
expect 0 "regression guard, at most 10% slower: passed" $AB --max-slowdown 10 "$work/twice" "$PARCOURS_BIN"
expect 3 "regression guard, at most 10% slower: UNDECIDED" $AB --max-slowdown 10 "$work/odd_calls" "$work/even_calls"

# Pinning: every run of both builds on one CPU, the same (one of the CPUs
# this shell may use); with --cpu any, on all of them. Where the system
# refuses to pin (a sandbox), bench/ab runs unpinned and says so.
all=$(grep Cpus_allowed_list /proc/self/status | cut -f2)
if python3 -c 'import os; os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})' 2>/dev/null; then
    expect 0 "pinned to CPU" $AB "$work/where" "$work/where"
    [ "$(sort -u "$work/cpus" | wc -l)" -eq 1 ] || fail "runs on several CPU sets: $(sort -u "$work/cpus" | tr '\n' ' ')"
    grep -qv '^[0-9]*$' "$work/cpus" && fail "runs not pinned to one CPU: $(sort -u "$work/cpus" | tr '\n' ' ')"
    rm "$work/cpus"
else
    echo "test_bench_ab: this system does not let a process pin itself to a CPU; pinning not checked"
fi
expect 0 "not pinned (any CPU)" $AB --cpu any "$work/where" "$work/where"
[ "$(sort -u "$work/cpus")" = "$all" ] || fail "--cpu any ran on $(sort -u "$work/cpus"), not on $all"

# Errors: exit 2 with the reason.
expect 2 "neither a parcours binary nor a revision git knows" $AB no-such-revision-xyz "$PARCOURS_BIN"
expect 2 "6 pairs at least" bench/ab --pairs 3 --max-slowdown 10 "$PARCOURS_BIN" "$PARCOURS_BIN"
expect 2 "no such file" bench/ab --scenario nowhere.json "$PARCOURS_BIN" "$PARCOURS_BIN"
expect 2 "no such CPU here" bench/ab --cpu 4096 "$PARCOURS_BIN" "$PARCOURS_BIN"
expect 2 "no such folder" bench/ab --json /nonexistent/ab.json "$PARCOURS_BIN" "$PARCOURS_BIN"
echo "bench/ab: same bytes, other bytes, a slowdown, noise, pinning and bad arguments all told apart"
