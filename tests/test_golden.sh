#!/bin/sh
# test_golden.sh -- golden outputs: fixed scenarios, seeds and replications
# must write the bytes stored in tests/golden/.
#
# usage: tests/test_golden.sh [--update] [PARCOURS_BINARY]   (from the source tree)
#
# The other suites check that results are right within their confidence
# intervals, and that one build writes the same bytes twice and on any
# number of threads. None of them sees a change that moves every result a
# little: a draw taken in another order, an operation regrouped, a rounding
# changed. This test does. For each case below it runs parcours and compares
# the SHA-256 of every file written with tests/golden/CASE/SHA256SUMS. On a
# difference it names the changed files and shows the start of the diff of
# the case's readable file (summary.json or sweep.csv), stored beside the
# sums.
#
# When the change is meant (a model change, a new output), write the new
# references with --update. Then commit them with the reason for the change.
# Release and debug (ASan) builds write the same bytes, so both run this test.
#
# Exit status: 0 passed (or updated), 1 failed, 2 usage.
set -eu

update=0
if [ "${1:-}" = "--update" ]; then
    update=1
    shift
fi
case "${1:-}" in
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    -*) echo "test_golden.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
esac
BIN=$(realpath "${1:-build/parcours}")
[ -x "$BIN" ] || { echo "test_golden.sh: no parcours binary at $BIN" >&2; exit 2; }
GOLD=tests/golden
[ -d "$GOLD" ] || { echo "test_golden.sh: run from the source tree (no $GOLD/)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failed=0
checked=0

# golden NAME READABLE COMMAND...: runs `parcours COMMAND -q --out DIR` and
# checks (or, with --update, stores) the sums of what it wrote.
golden() {
    name=$1 readable=$2
    shift 2
    out="$work/$name"
    checked=$((checked + 1))
    if ! "$BIN" "$@" -q --out "$out" >"$work/$name.log" 2>&1; then
        echo "FAIL $name: parcours $* exited with an error:"
        cat "$work/$name.log"
        failed=$((failed + 1))
        return
    fi
    (cd "$out" && find . -type f | LC_ALL=C sort | sed 's|^\./||' | xargs sha256sum) >"$work/$name.sums"
    ref="$GOLD/$name"
    if [ "$update" -eq 1 ]; then
        mkdir -p "$ref"
        cp "$work/$name.sums" "$ref/SHA256SUMS"
        cp "$out/$readable" "$ref/$readable"
        echo "updated $ref"
        return
    fi
    if [ ! -f "$ref/SHA256SUMS" ]; then
        echo "FAIL $name: no $ref/SHA256SUMS (write it with --update)"
        failed=$((failed + 1))
        return
    fi
    if cmp -s "$ref/SHA256SUMS" "$work/$name.sums"; then
        echo "ok   $name"
        return
    fi
    failed=$((failed + 1))
    echo "FAIL $name: parcours $* wrote other bytes than $ref."
    echo "  files that differ, are missing or are new:"
    diff "$ref/SHA256SUMS" "$work/$name.sums" | sed -n 's/^[<>] [0-9a-f]*  /    /p' | LC_ALL=C sort -u
    echo "  the start of the diff of $readable:"
    diff -u "$ref/$readable" "$out/$readable" | sed -n '3,42p' | sed 's/^/    /'
}

# The Paris model, every part of it over one year: street, patrols, rest
# areas, hotels, apartments, medical beds, routing, attributes, windows and
# censuses.
golden paris-2019 summary.json run \
    --set end=2019-12-31 \
    --set 'windows=[{"id":"h2","from":"2019-07-01","to":"2019-12-31"}]' \
    --set 'census=["2019-04-30","2019-10-31"]' -r 2
# Paris started from a census of the people present (remaining stays drawn
# given the time already spent).
golden paris-census-start summary.json run --census "$GOLD/paris-census-start.csv" \
    --set end=2019-06-30 --set windows=[] --set census=[] -r 2
# The queueing checks: other distributions, networks, loss, day services,
# patrols, a nonhomogeneous arrival rate.
for check in day-service-full erlang-loss jackson mg1-gamma mg1-lognormal mminf nhpp patrol tandem; do
    golden "check-$check" summary.json run "scenarios/check/$check.json" -s 1 -r 2
done
# Sweeps: a grid and a Latin hypercube (the points' values are drawn too).
golden sweep-mm1-grid sweep.csv sweep scenarios/sweeps/mm1-grid.json -r 2
golden sweep-mm1-lhs sweep.csv sweep scenarios/sweeps/mm1-lhs.json -r 2

if [ "$update" -eq 1 ]; then
    [ "$failed" -eq 0 ] || { echo "test_golden: $failed cases could not run; their references were left as they were"; exit 1; }
    exit 0
fi
if [ "$failed" -gt 0 ]; then
    echo "test_golden: $failed of $checked cases failed. If their results moved on purpose, run"
    echo "  tests/test_golden.sh --update $BIN"
    echo "and commit tests/golden/ with the reason; otherwise a change moved results it should not have."
    exit 1
fi
echo "test_golden: $checked cases, the same bytes as tests/golden/"
