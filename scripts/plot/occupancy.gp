# occupancy.gp -- daily occupancy of each accommodation stage, one panel per stage.
#
# Plots, for each of assore, caarud, phase, uhs, court, act, lhss, lam, housing
# that appears in the run (in the order of the file; in a run of another model,
# which has none of them, each stage with a capacity, else every stage):
#   - the mean occupancy across replications (line),
#   - its 95% confidence band (shaded, ci95_low..ci95_high),
#   - the capacity in force (step line, dashed), when the stage is in capacity.csv.
#
# Inputs (written by `parcours run`):
#   DIR/occupancy.csv   date,stage,mean,ci95_low,ci95_high
#   DIR/capacity.csv    date,stage,capacity            (optional)
# Output:
#   DIR/occupancy.png or DIR/occupancy.svg
#
# Run by hand (from the repository root):
#   gnuplot -e "dir='out/paris-baseline'; fmt='png'" scripts/plot/occupancy.gp
#   gnuplot -e "dir='out/paris-baseline'; fmt='svg'" scripts/plot/occupancy.gp
# Optional variables: term='...' replaces the whole terminal setting,
#                     stages='assore phase uhs' chooses the panels.
# Needs gnuplot >= 5.4 and awk.

# ---- settings -------------------------------------------------------------
if (!exists("dir")) dir = "."
if (!exists("fmt")) fmt = "png"
run_name = system(sprintf("basename \"$(cd '%s' && pwd)\"", dir))   # for the title
dir_of_script = system(sprintf("dirname '%s'", ARG0))   # calendar.gp is beside it
if (!exists("term")) {
    if (fmt eq "png") { term = 'pngcairo size 1200,800 font "sans,10"' }
    else { if (fmt eq "svg") { term = 'svg size 1200,800 dynamic font "sans,10" background "white"' }
    else { exit error "occupancy.gp: fmt must be 'png' or 'svg'" } }
}
occ = dir . "/occupancy.csv"
cap = dir . "/capacity.csv"

# The stages that get a panel, if present in the file (edit to taste).
chosen = exists("stages")
if (!chosen) stages = "assore caarud phase uhs court act lhss lam housing"

# ---- which stages are in the files ----------------------------------------
# Stage names in order of first appearance (awk is POSIX; quotes in dir not supported).
in_occ = system(sprintf("awk -F, -v ORS=' ' 'NR>1 && !seen[$2]++ {print $2}' '%s'", occ))
in_cap = system(sprintf("[ -r '%s' ] && awk -F, -v ORS=' ' 'NR>1 && !seen[$2]++ {print $2}' '%s'", cap, cap))
has(list, s) = strstrt(" " . list . " ", " " . s . " ") > 0
# Without capacity.csv the (then empty) capacity loops below still open their
# file: point them at one that exists to avoid a warning.
if (in_cap eq "") cap = occ

panels = ""
do for [s in in_occ] { if (has(stages, s)) { panels = panels . " " . s } }
if (!chosen && words(panels) == 0) {
    # Another model than Paris: its stages with a capacity, else all of them.
    do for [s in in_occ] { if (has(in_cap, s)) { panels = panels . " " . s } }
    if (words(panels) == 0) { panels = in_occ }
}
n = words(panels)
if (n == 0) { exit error "occupancy.gp: none of '" . stages . "' in " . occ }

# ---- reading the CSV --------------------------------------------------------
set datafile separator comma
set datafile missing NaN        # rows of other stages (NaN) are skipped, lines stay joined
# Value of column c on rows of stage s, NaN elsewhere.
pick(s, c) = (strcol(2) eq s ? column(c) : NaN)

# ---- y range of each panel: 0 to the highest of band and capacity ----------
# (stats must run before `set xdata time`)
array TOP[n]
do for [i = 1:n] {
    s = word(panels, i)
    stats occ every ::1 using (pick(s, 5)) name "O" nooutput
    TOP[i] = O_max
    if (has(in_cap, s)) {
        stats cap every ::1 using (pick(s, 3)) name "C" nooutput
        if (C_max > TOP[i]) { TOP[i] = C_max }
    }
}

# ---- date axis (calendar.gp) ---------------------------------------------
stats occ every ::1 using (timecolumn(1, "%Y-%m-%d")) name "T" nooutput
load dir_of_script . "/calendar.gp"

# ---- look --------------------------------------------------------------------
set terminal @term
set termoption noenhanced       # stage names contain "_": print them as they are
set output dir . "/occupancy." . fmt
set ytics nomirror
set grid xtics ytics lc rgb "#dddddd" lw 1
set border 3
band_colour = "#9ecae1"
mean_colour = "#08519c"
cap_colour  = "#d62728"

cols = ceil(sqrt(n))
rows = ceil(n * 1.0 / cols)
set multiplot layout rows, cols title sprintf("Occupancy by stage (mean across replications, 95%% band) and capacity -- %s", \
    run_name) font ",12"

do for [i = 1:n] {
    s = word(panels, i)
    set title s font ",11"
    if (i == 1) { set key top left opaque box lc rgb "#bbbbbb" samplen 2 } else { unset key }
    k_cap = has(in_cap, s) ? 1 : 0   # 0 -> the capacity line below is left out
    top = TOP[i]
    set yrange [0 : (top > 0 ? 1.1 * top : 1)]
    unset label 1
    if (top == 0) { set label 1 (k_cap ? "capacity 0, empty throughout" : "empty throughout") at graph 0.5, 0.5 center tc rgb "#777777" }
    plot occ every ::1 using 1:(pick(s, 4)):(pick(s, 5)) with filledcurves fc rgb band_colour fs solid 0.6 noborder title "95% CI", \
         occ every ::1 using 1:(pick(s, 3)) with lines lw 1.5 lc rgb mean_colour title "mean", \
         for [k = 1:k_cap] cap every ::1 using 1:(pick(s, 3)) with steps lw 1.5 dt 2 lc rgb cap_colour title "capacity"
}
unset multiplot
unset output
