# public_space.gp -- people in the public space by hour of the day.
#
# One curve per window (mean over the window's days, across replications)
# with its 95% confidence band. People inside an open rest area are not in
# the public space, so the curves dip in the hours the rest areas are open
# and show how many people are outside at night.
#
# Input (written by `parcours run`):
#   DIR/public_space_by_hour.csv   window,hour,mean,ci95_low,ci95_high,...
# Output:
#   DIR/public_space.png or DIR/public_space.svg
#
# Run by hand (from the repository root):
#   gnuplot -e "dir='out/paris-baseline'; fmt='png'" scripts/plot/public_space.gp
# Optional variables: term='...' replaces the whole terminal setting,
#                     windows='y2019 y2023' chooses the windows (default: all
#                     of them, in the file's order).
# Needs gnuplot >= 5.4 and awk.

# ---- settings -------------------------------------------------------------
if (!exists("dir")) dir = "."
if (!exists("fmt")) fmt = "png"
run_name = system(sprintf("basename \"$(cd '%s' && pwd)\"", dir))   # for the title
if (!exists("term")) {
    if (fmt eq "png") { term = 'pngcairo size 1200,800 font "sans,10"' }
    else { if (fmt eq "svg") { term = 'svg size 1200,800 dynamic font "sans,10" background "white"' }
    else { exit error "public_space.gp: fmt must be 'png' or 'svg'" } }
}
csv = dir . "/public_space_by_hour.csv"

# ---- which windows ------------------------------------------------------------
in_csv = system(sprintf("awk -F, -v ORS=' ' 'NR>1 && !seen[$1]++ {print $1}' '%s'", csv))
if (in_csv eq "") { exit error "public_space.gp: no rows in " . csv }
if (!exists("windows")) windows = in_csv
n = words(windows)

colours = "#1b9e77 #d95f02 #7570b3 #e7298a #66a61e #e6ab02 #a6761d #666666"
colour(i) = word(colours, 1 + (i - 1) % words(colours))

# ---- reading the CSV --------------------------------------------------------
set datafile separator comma
set datafile missing NaN
pick(w, c) = (strcol(1) eq w ? column(c) : NaN)

stats csv every ::1 using 5 name "Y" nooutput

# ---- look --------------------------------------------------------------------
set terminal @term
set termoption noenhanced       # window names may contain "_"
set output dir . "/public_space." . fmt
set title sprintf("People in the public space by hour of day -- %s", run_name) font ",12"
set xlabel "hour of day (mean over the window's days; 95% band across replications)"
set ylabel "people in the public space"
set xrange [0:24]
set xtics 0, 3, 24 format "%02.0f:00" nomirror out
set mxtics 3
set yrange [0 : (Y_max > 0 ? 1.1 * Y_max : 1)]
set ytics nomirror
set grid xtics ytics lc rgb "#dddddd" lw 1
set border 3
set key outside right top vertical Left reverse samplen 2

# Each hour h is the interval [h, h+1): drawn at its middle.
plot for [i = 1:n] csv every ::1 using ($2 + 0.5):(pick(word(windows, i), 4)):(pick(word(windows, i), 5)) \
         with filledcurves fc rgb colour(i) fs transparent solid 0.2 noborder notitle, \
     for [i = 1:n] csv every ::1 using ($2 + 0.5):(pick(word(windows, i), 3)) \
         with linespoints lw 1.5 pt 7 ps 0.5 lc rgb colour(i) title word(windows, i)
unset output
