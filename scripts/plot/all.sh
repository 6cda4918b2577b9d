#!/bin/sh
# all.sh -- draws every plot of a parcours run directory with gnuplot.
#
# usage: scripts/plot/all.sh DIR [png|svg|both]      (default: png)
#
# DIR is a directory written by `parcours run` (e.g. out/paris-baseline). Each
# plot whose input CSV is in DIR is drawn into DIR:
#   occupancy.gp  occupancy.csv (+ capacity.csv)  -> occupancy.png/.svg
#   street.gp     occupancy.csv (+ capacity.csv)  -> street.png/.svg
#   waiting.gp    waiting.csv                     -> waiting.png/.svg
#   census.gp     census.csv                      -> census.png/.svg   (stage assore)
#   blocked.gp    blocked.csv                     -> blocked.png/.svg  (window all)
#   public_space.gp public_space_by_hour.csv      -> public_space.png/.svg
# The files written are listed on stdout, one per line. A chart with nothing
# to draw (no census dates, nobody ever blocked, no pool) is skipped with a
# line on stderr saying why; a run of another model than Paris gets charts of
# its own stages (see the comment at the top of each .gp).
# Each .gp can also be run by hand, see the comment at its top, e.g.
#   gnuplot -e "dir='out/paris-baseline'; fmt='png'; stage='phase'" scripts/plot/census.gp
#
# Exit status: 0 all drawn, 1 a gnuplot call failed, 2 bad arguments,
#              3 gnuplot is not installed.

usage() {
    echo "usage: $0 DIR [png|svg|both]" >&2
}

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    usage
    exit 2
fi
dir=$1
fmt=${2:-png}
case $fmt in
    png|svg|both) ;;
    *) usage; exit 2 ;;
esac
if [ ! -d "$dir" ]; then
    echo "parcours plot: $dir is not a directory" >&2
    exit 2
fi
case $dir in
    *\'*) echo "parcours plot: the directory name must not contain a single quote: $dir" >&2; exit 2 ;;
esac
dir=${dir%/}
[ -n "$dir" ] || dir=/

if ! command -v gnuplot >/dev/null 2>&1; then
    echo "parcours plot: gnuplot is not installed (apt-get install gnuplot-nox); the CSV files in $dir are still usable" >&2
    exit 3
fi

# The scripts are next to this file.
here=$(cd "$(dirname "$0")" && pwd) || exit 2

# The scripts use features of gnuplot 5.4; older versions are tried anyway.
version=$(gnuplot --version 2>/dev/null | awk '{print $2}')
case $version in
    5.[4-9]*|[6-9].*) ;;
    *) echo "parcours plot: gnuplot $version found, these scripts are written for 5.4 or later" >&2 ;;
esac

png_term='pngcairo size 1200,800 font "sans,10"'
svg_term='svg size 1200,800 dynamic font "sans,10" background "white"'

case $fmt in
    both) formats="png svg" ;;
    *) formats=$fmt ;;
esac

failed=0
# plot name and its input CSV
for pair in occupancy:occupancy.csv street:occupancy.csv waiting:waiting.csv \
            census:census.csv blocked:blocked.csv public_space:public_space_by_hour.csv; do
    name=${pair%%:*}
    input=${pair#*:}
    if [ ! -r "$dir/$input" ]; then
        echo "parcours plot: $dir/$input not found, $name skipped" >&2
        continue
    fi
    for f in $formats; do
        if [ "$f" = png ]; then term=$png_term; else term=$svg_term; fi
        out="$dir/$name.$f"
        # A chart of earlier files must not pass for one of these: a script
        # with nothing to draw (no census dates, nobody blocked) says so and
        # leaves no file.
        rm -f "$out"
        if gnuplot -e "dir='$dir'; fmt='$f'; term='$term'" "$here/$name.gp"; then
            [ ! -e "$out" ] || echo "$out"
        else
            echo "parcours plot: gnuplot failed on $here/$name.gp for $dir ($f)" >&2
            rm -f "$out"    # do not leave a half-drawn picture behind
            failed=1
        fi
    done
done
exit $failed
