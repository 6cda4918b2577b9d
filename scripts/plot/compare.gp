# compare.gp -- daily occupancy of several scenarios, overlaid, one plot per stage.
#
# For each stage of `stages`, one chart with, for each scenario that has the
# stage: the mean occupancy across replications (line) and its 95% band
# (light shade of the same colour). The first scenario of `scenarios` is
# the reference of the comparison: drawn in black, on top.
#
# Input (written by `parcours compare`):
#   DIR/compare_occupancy.csv   date,stage,scenario,mean,ci95_low,ci95_high
# Output:
#   DIR/compare_occupancy_<stage>.png (or .svg)
#
# Run by hand (from the repository root):
#   gnuplot -e "dir='out/compare'; stages='street assore'; scenarios='paris-baseline lhss-lam-50'" \
#       scripts/plot/compare.gp
# Variables: dir (default .), fmt png|svg (default png), term (replaces the
# terminal setting), stages and scenarios (space-separated; default: every
# stage / scenario of the file, in order of appearance).
# Needs gnuplot >= 5.4 and awk.

# ---- settings -------------------------------------------------------------
if (!exists("dir")) dir = "."
if (!exists("fmt")) fmt = "png"
dir_of_script = system(sprintf("dirname '%s'", ARG0))   # calendar.gp is beside it
if (!exists("term")) {
    if (fmt eq "png") { term = 'pngcairo size 1200,700 font "sans,10"' }
    else { if (fmt eq "svg") { term = 'svg size 1200,700 dynamic font "sans,10" background "white"' }
    else { exit error "compare.gp: fmt must be 'png' or 'svg'" } }
}
data = dir . "/compare_occupancy.csv"
if (!exists("stages")) {
    stages = system(sprintf("awk -F, -v ORS=' ' 'NR>1 && !seen[$2]++ {print $2}' '%s'", data))
}
if (!exists("scenarios")) {
    scenarios = system(sprintf("awk -F, -v ORS=' ' 'NR>1 && !seen[$3]++ {print $3}' '%s'", data))
}
n_scen = words(scenarios)
if (words(stages) == 0 || n_scen == 0) { exit error "compare.gp: no stage or no scenario in " . data }

# The reference in black, then distinct colours (recycled beyond ten).
colours = "#000000 #d62728 #1f77b4 #2ca02c #ff7f0e #9467bd #8c564b #e377c2 #17becf #bcbd22"
colour(i) = word(colours, 1 + (i - 1) % words(colours))
has(list, s) = strstrt(" " . list . " ", " " . s . " ") > 0

# ---- reading the CSV --------------------------------------------------------
set datafile separator comma
# The rows of one stage and scenario, filtered by awk: much faster than
# testing every row of a large file in gnuplot (quotes in dir not supported).
rows(s, k) = sprintf("< awk -F, 'NR > 1 && $2 == \"%s\" && $3 == \"%s\"' '%s'", s, word(scenarios, k), data)

# ---- calendar axis over the whole file ----------------------------------------
span = system(sprintf("awk -F, 'NR > 1 { if (lo == \"\" || $1 < lo) lo = $1; if ($1 > hi) hi = $1 } END { print lo, hi }' '%s'", data))
t_min = strptime("%Y-%m-%d", word(span, 1))
t_max = strptime("%Y-%m-%d", word(span, 2))

# ---- look --------------------------------------------------------------------
set terminal @term
set termoption noenhanced      # stage and scenario names hold underscores
set ytics nomirror
set grid xtics ytics lc rgb "#dddddd" lw 1
set border 3
set key outside right top vertical Left reverse samplen 2 spacing 1.2 title "scenario (95% band shaded)"
set style fill transparent solid 0.15 noborder

do for [s in stages] {
    # scenarios having this stage, as indices into `scenarios`
    present = system(sprintf("awk -F, -v s='%s' -v ORS=' ' 'NR>1 && $2==s && !seen[$3]++ {print $3}' '%s'", s, data))
    idx = ""
    do for [k = 1:n_scen] { if (has(present, word(scenarios, k))) { idx = idx . " " . k } }
    if (words(idx) > 0) {
        # y range: 0 to the highest upper bound (stats before the time axis)
        unset xdata
        set xrange [*:*]
        set yrange [*:*]
        top = 0
        do for [j in idx] {
            stats rows(s, int(j)) using 6 name "Y" nooutput
            if (Y_max > top) { top = Y_max }
        }
        T_min = t_min
        T_max = t_max
        load dir_of_script . "/calendar.gp"
        set yrange [0 : (top > 0 ? 1.1 * top : 1)]
        set ylabel "people (daily mean)"
        set title sprintf("Occupancy of %s: scenarios compared (mean across replications, 95%% band)", s) font ",12"
        set output sprintf("%s/compare_occupancy_%s.%s", dir, s, fmt)
        # bands first; the key in scenario order; then the lines in reverse
        # order, so that the reference (k = 1, thicker) is drawn on top and
        # stays visible where the scenarios agree
        rev = ""
        do for [j in idx] { rev = j . " " . rev }
        plot for [j in idx] rows(s, int(j)) using 1:5:6 with filledcurves fc rgb colour(int(j)) notitle, \
             for [j in idx] keyentry with lines lw (int(j) == 1 ? 2.2 : 1.5) lc rgb colour(int(j)) \
                 title word(scenarios, int(j)), \
             for [j in rev] rows(s, int(j)) using 1:4 with lines lw (int(j) == 1 ? 2.2 : 1.5) lc rgb colour(int(j)) notitle
        unset output
    }
}
