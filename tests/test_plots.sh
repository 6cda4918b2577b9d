#!/bin/sh
# test_plots.sh -- `parcours plot` and `parcours compare` draw real pictures.
#
# usage: tests/test_plots.sh [PARCOURS_BINARY]     (default: build/parcours)
# Run from the repository root (ctest does). Exit 0 pass, 1 fail, 77 skipped
# (gnuplot not installed).
#
# A small run (3 replications), then `parcours plot --format both`: every
# expected PNG must be a PNG (magic bytes) larger than 5 kB, every SVG must
# parse as XML. A run of another model gets charts of its own stages and
# none where there is nothing to draw; a run without daily series, those of
# its other files. Then: the overlaid plots of `parcours compare`; exit 1
# with the CSV files untouched when gnuplot is missing; exit 2 for a
# directory without any file the charts read. The gnuplot snippets of
# README.md and docs/batch.md run as printed.
set -u
bin=${1:-build/parcours}
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
[ -x "$bin" ] || { echo "test_plots: no executable $bin (build first)" >&2; exit 1; }
if ! command -v gnuplot >/dev/null 2>&1; then
    echo "test_plots: SKIPPED, gnuplot is not installed (apt-get install gnuplot-nox)" >&2
    exit 77
fi
PARCOURS_SCRIPTS=$(pwd)/scripts
export PARCOURS_SCRIPTS

tmp=$(mktemp -d /tmp/parcours-test-plots-XXXXXX) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
pass() { echo "ok: $*"; }

# A PNG starts with the 8 bytes 89 50 4E 47 0D 0A 1A 0A.
is_png() {
    [ "$(od -An -tx1 -N8 "$1" | tr -d ' \n')" = "89504e470d0a1a0a" ]
}
size_of() { wc -c < "$1" | tr -d ' '; }
check_png() {
    if [ ! -f "$1" ]; then fail "$1 missing"
    elif ! is_png "$1"; then fail "$1 is not a PNG"
    elif [ "$(size_of "$1")" -le 5120 ]; then fail "$1 is only $(size_of "$1") bytes"
    else pass "$1 ($(size_of "$1") bytes)"; fi
}
check_svg() {
    if [ ! -f "$1" ]; then fail "$1 missing"; return; fi
    if command -v python3 >/dev/null 2>&1; then
        if python3 -c 'import sys, xml.etree.ElementTree as E; r = E.parse(sys.argv[1]).getroot(); sys.exit(0 if r.tag.endswith("svg") else 1)' "$1"; then
            pass "$1 parses as SVG"
        else
            fail "$1 does not parse as SVG (XML)"
        fi
    elif command -v xmllint >/dev/null 2>&1; then
        if xmllint --noout "$1"; then pass "$1 parses as XML"; else fail "$1 does not parse as XML"; fi
    else
        grep -q '</svg>' "$1" && pass "$1 ends its <svg>" || fail "$1 is not a complete SVG"
    fi
}

# ---- parcours plot over a small run ------------------------------------------------
run=$tmp/run
"$bin" run -r 3 --out "$run" --quiet || { echo "test_plots: parcours run failed" >&2; exit 1; }
before=$(cat "$run"/*.csv | cksum)
if "$bin" plot "$run" --format both; then pass "parcours plot --format both"; else fail "parcours plot exited $?"; fi
for name in occupancy street waiting census blocked public_space; do
    check_png "$run/$name.png"
    check_svg "$run/$name.svg"
done
[ "$(cat "$run"/*.csv | cksum)" = "$before" ] && pass "CSV files unchanged by plot" || fail "plot changed a CSV file"

# ---- another model than Paris, and a run without daily series ----------------------
# The M/M/1 of the sweep examples has none of the Paris stages, no pool, no
# census date and nobody blocked: its own stages get the occupancy panels and
# the charts with nothing to draw are skipped (no file, exit 0). Over the
# Paris run's folder first, so that a chart left from it would show.
other=$tmp/other
cp -r "$run" "$other"
rm -f "$other"/*.csv "$other"/*.svg
"$bin" run scenarios/sweeps/mm1.json --set outputs.daily=true -r 3 --out "$other" --quiet \
    || { echo "test_plots: parcours run of mm1.json failed" >&2; exit 1; }
if "$bin" plot "$other" 2>"$tmp/err"; then pass "parcours plot of another model"; else fail "parcours plot of another model exited $?: $(cat "$tmp/err")"; fi
check_png "$other/occupancy.png"
check_png "$other/waiting.png"
for name in street census blocked; do
    [ ! -e "$other/$name.png" ] && pass "$name: nothing to draw, no chart" || fail "$other/$name.png left behind"
done
grep -q "census.csv has no rows" "$tmp/err" && pass "a skipped chart says why" || fail "no reason given for a skipped chart"
nodaily=$tmp/nodaily
"$bin" run -r 1 --set outputs.daily=false --out "$nodaily" --quiet || { echo "test_plots: run failed" >&2; exit 1; }
if "$bin" plot "$nodaily" 2>/dev/null; then pass "parcours plot without daily series"; else fail "plot without daily series exited $?"; fi
for name in census blocked public_space; do
    check_png "$nodaily/$name.png"
done

# A census that finds nobody (no arrival before day 10, a census at day 5):
# no chart and a reason, not a gnuplot error ("x range is invalid").
empty_census=$tmp/empty-census
"$bin" run scenarios/sweeps/mm1.json --set 'census=[5]' \
    --set 'sources.arrivals.rate=[{"from": 10, "value": 0.7}]' -r 2 --out "$empty_census" --quiet \
    || { echo "test_plots: run with an empty census failed" >&2; exit 1; }
if "$bin" plot "$empty_census" 2>"$tmp/err"; then pass "parcours plot of a census that finds nobody"; else fail "plot of a census that finds nobody exited $?: $(tail -3 "$tmp/err")"; fi
[ ! -e "$empty_census/census.png" ] && pass "empty census: no chart" || fail "empty census: census.png drawn"
grep -q "nobody was in station at any census date" "$tmp/err" && pass "empty census: says why" \
    || fail "empty census: no reason given: $(cat "$tmp/err")"

# ---- the gnuplot snippets of the documentation -------------------------------------
# README.md's chart of one stage from occupancy.csv, and docs/batch.md's
# plot of a sweep.csv column, run as printed (paths aside): they must
# still match the files' names and columns.
snippet() {   # the first ```gnuplot block of file $1
    awk '/^```gnuplot/ { f = 1; next } /^```/ { if (f) exit } f' "$1"
}
{ echo "set terminal pngcairo size 800,400; set output '$tmp/readme.png'"
  snippet README.md | sed "s#out/paris-baseline#$run#g"; } > "$tmp/readme.gp"
if gnuplot "$tmp/readme.gp" 2>"$tmp/err"; then check_png "$tmp/readme.png"; else fail "README.md's gnuplot snippet: $(cat "$tmp/err")"; fi
"$bin" sweep scenarios/sweeps/paris-lhss-lam.json -r 1 --out "$tmp/lhss-lam" --quiet \
    || { echo "test_plots: the sweep for docs/batch.md's snippet failed" >&2; exit 1; }
{ echo "set terminal pngcairo size 800,400; set output '$tmp/batch.png'"
  snippet docs/batch.md | sed "s#out/lhss-lam#$tmp/lhss-lam#g"; } > "$tmp/batch.gp"
if gnuplot "$tmp/batch.gp" 2>"$tmp/err"; then check_png "$tmp/batch.png"; else fail "docs/batch.md's gnuplot snippet: $(cat "$tmp/err")"; fi

# ---- bad input and a missing gnuplot -----------------------------------------------
mkdir "$tmp/empty"
"$bin" plot "$tmp/empty" 2>/dev/null; st=$?
[ $st -eq 2 ] && pass "no CSV file a chart reads: exit 2" || fail "no CSV file a chart reads: exit $st, expected 2"
"$bin" plot "$run" --format jpeg 2>/dev/null; st=$?
[ $st -eq 2 ] && pass "bad --format: exit 2" || fail "bad --format: exit $st, expected 2"
PATH=/nonexistent "$bin" plot "$run" 2>"$tmp/err"; st=$?
if [ $st -eq 1 ] && grep -q "gnuplot is not installed" "$tmp/err"; then
    pass "gnuplot missing: exit 1 with a clear message"
else
    fail "gnuplot missing: exit $st, message: $(cat "$tmp/err")"
fi
[ "$(cat "$run"/*.csv | cksum)" = "$before" ] && pass "CSV files untouched without gnuplot" || fail "CSV files changed"
"$bin" plot --help | grep -q "usage: parcours plot" && pass "plot --help" || fail "plot --help"

# ---- the overlaid plots of parcours compare ------------------------------------------
cmp=$tmp/compare
if "$bin" compare scenarios/paris-baseline.json scenarios/policy/lhss-lam-50.json -r 3 --out "$cmp" --quiet; then
    pass "parcours compare"
else
    fail "parcours compare exited $?"
fi
for stage in street assore lhss; do
    check_png "$cmp/compare_occupancy_$stage.png"
done
grep -q 'src="data:image/png;base64,iVBORw0KGgo' "$cmp/report.html" && pass "report embeds the PNGs" \
    || fail "report.html embeds no PNG"

if [ $failures -gt 0 ]; then
    echo "test_plots: $failures failure(s)" >&2
    exit 1
fi
echo "test_plots: all passed"
