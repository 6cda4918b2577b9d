# street.gp -- people in public space over time, and the day-service rest areas.
#
# Top panel: daily mean number of people in public space (stage `street`) across
# replications, with its 95% confidence band. A run of another model, without
# a stage `street`, gets its first stage without a capacity (a pool) instead,
# and no chart if it has none.
# Bottom panel (only if the run has stages named rest_*): daily mean occupancy of
# each rest area with its 95% band, and its capacity (dashed steps) from capacity.csv.
#
# Inputs (written by `parcours run`):
#   DIR/occupancy.csv   date,stage,mean,ci95_low,ci95_high
#   DIR/capacity.csv    date,stage,capacity            (optional)
# Output:
#   DIR/street.png or DIR/street.svg
#
# Run by hand (from the repository root):
#   gnuplot -e "dir='out/paris-baseline'; fmt='png'" scripts/plot/street.gp
# Optional variables: term='...' replaces the whole terminal setting,
#                     street='street' names the public-space stage,
#                     rest='rest_chapelle rest_eole' chooses the rest areas.
# Needs gnuplot >= 5.4 and awk.

# ---- settings -------------------------------------------------------------
if (!exists("dir")) dir = "."
if (!exists("fmt")) fmt = "png"
run_name = system(sprintf("basename \"$(cd '%s' && pwd)\"", dir))   # for the title
dir_of_script = system(sprintf("dirname '%s'", ARG0))   # calendar.gp is beside it
if (!exists("term")) {
    if (fmt eq "png") { term = 'pngcairo size 1200,800 font "sans,10"' }
    else { if (fmt eq "svg") { term = 'svg size 1200,800 dynamic font "sans,10" background "white"' }
    else { exit error "street.gp: fmt must be 'png' or 'svg'" } }
}
occ = dir . "/occupancy.csv"
cap = dir . "/capacity.csv"

# ---- which stages are in the files ----------------------------------------
# Stage names in order of first appearance, space-separated (quotes in dir not supported).
in_occ = system(sprintf("awk -F, -v ORS=' ' 'NR>1 && !seen[$2]++ {print $2}' '%s'", occ))
in_cap = system(sprintf("[ -r '%s' ] && awk -F, -v ORS=' ' 'NR>1 && !seen[$2]++ {print $2}' '%s'", cap, cap))
has(list, s) = strstrt(" " . list . " ", " " . s . " ") > 0
# Without capacity.csv the (then empty) capacity loops below still open their
# file: point them at one that exists to avoid a warning.
if (in_cap eq "") cap = occ
if (!exists("street")) {
    street = "street"
    if (!has(in_occ, street)) {
        street = ""
        do for [s in in_occ] { if (street eq "" && !has(in_cap, s)) { street = s } }
        if (street eq "") { print "street.gp: every stage of " . occ . " has a capacity (no pool); no chart"; exit }
    }
}
if (!has(in_occ, street)) { exit error "street.gp: no stage '" . street . "' in " . occ }
# The Paris street is the public space; another pool is named as it is.
place = street eq "street" ? "public space" : street
if (!exists("rest")) {
    rest = ""
    do for [s in in_occ] { if (s[1:5] eq "rest_") { rest = rest . " " . s } }
}
n_rest = words(rest)

# Colours of the rest areas, in order (recycled if there are more areas).
rest_colours = "#1b9e77 #d95f02 #7570b3 #e7298a #66a61e #e6ab02 #a6761d #666666"
rest_colour(i) = word(rest_colours, 1 + (i - 1) % words(rest_colours))

# ---- reading the CSV --------------------------------------------------------
set datafile separator comma
set datafile missing NaN        # rows of other stages (NaN) are skipped, lines stay joined
pick(s, c) = (strcol(2) eq s ? column(c) : NaN)

# ---- y ranges (stats must run before `set xdata time`) ---------------------
stats occ every ::1 using (pick(street, 5)) name "S" nooutput
rest_top = 0
rest_caps = 0                   # how many rest areas have a capacity
do for [i = 1:n_rest] {
    s = word(rest, i)
    rest_caps = rest_caps + has(in_cap, s)
    stats occ every ::1 using (pick(s, 5)) name "R" nooutput
    if (R_max > rest_top) { rest_top = R_max }
    if (has(in_cap, s)) {
        stats cap every ::1 using (pick(s, 3)) name "C" nooutput
        if (C_max > rest_top) { rest_top = C_max }
    }
}

# ---- date axis (calendar.gp) ---------------------------------------------
stats occ every ::1 using (timecolumn(1, "%Y-%m-%d")) name "T" nooutput
load dir_of_script . "/calendar.gp"

# ---- look --------------------------------------------------------------------
set terminal @term
set termoption noenhanced       # stage names contain "_": print them as they are
set output dir . "/street." . fmt
set ytics nomirror
set grid xtics ytics lc rgb "#dddddd" lw 1
set border 3
set lmargin 10                  # same left margin in both panels: x axes line up
set rmargin 22                  # same right margin too; the keys go there
set key outside right top vertical Left reverse samplen 2

set multiplot title sprintf("People in %s%s -- %s", place, \
    (n_rest > 0 ? " and rest areas" : ""), run_name) font ",12"

# Top panel: street
if (n_rest > 0) { set origin 0, 0.36; set size 1, 0.60 } else { set origin 0, 0; set size 1, 0.96 }
set ylabel sprintf("people in %s (daily mean)", place)
set yrange [0 : (S_max > 0 ? 1.1 * S_max : 1)]
plot occ every ::1 using 1:(pick(street, 4)):(pick(street, 5)) with filledcurves fc rgb "#fdae6b" fs solid 0.6 noborder title "95% CI", \
     occ every ::1 using 1:(pick(street, 3)) with lines lw 1.5 lc rgb "#a63603" title "mean"

# Bottom panel: rest areas, if any
if (n_rest > 0) {
    set origin 0, 0; set size 1, 0.36
    set ylabel "rest-area occupancy"
    set yrange [0 : (rest_top > 0 ? 1.1 * rest_top : 1)]
    plot for [i = 1:n_rest] occ every ::1 using 1:(pick(word(rest, i), 4)):(pick(word(rest, i), 5)) \
             with filledcurves fc rgb rest_colour(i) fs transparent solid 0.25 noborder notitle, \
         for [i = 1:n_rest] occ every ::1 using 1:(pick(word(rest, i), 3)) \
             with lines lw 1.5 lc rgb rest_colour(i) title word(rest, i), \
         for [i = 1:n_rest] for [k = 1:(has(in_cap, word(rest, i)) ? 1 : 0)] cap every ::1 using 1:(pick(word(rest, i), 3)) \
             with steps lw 1 dt 2 lc rgb rest_colour(i) notitle, \
         for [k = 1:(rest_caps > 0 ? 1 : 0)] keyentry with lines lw 1 dt 2 lc rgb "#555555" title "capacity (dashed)"
}
unset multiplot
unset output
