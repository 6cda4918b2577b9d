# blocked.gp -- place-days held by people who are waiting to move on ("blocked").
#
# One stacked bar per upstream stage (the stage where the places are held), split
# by the stage awaited, for one window of the run (default: all). A person
# waiting for several stages at once has each blocked day split evenly among
# them, so the stacks add up to the stage's total, written above each bar.
# Values are means across replications; their 95% intervals (ci95_low/high in
# the file) are not drawn.
#
# Input (written by `parcours run`):
#   DIR/blocked.csv   window,stage,awaited,place_days,ci95_low,ci95_high
# Output:
#   DIR/blocked.png or DIR/blocked.svg
#
# Run by hand (from the repository root):
#   gnuplot -e "dir='out/paris-baseline'; fmt='png'" scripts/plot/blocked.gp
#   gnuplot -e "dir='out/paris-baseline'; fmt='png'; win='audit'" scripts/plot/blocked.gp
# Optional variables: win='all' (default) picks the window (all, audit, y2019, ...
#                     as in the file), term='...' replaces the whole terminal setting.
# Needs gnuplot >= 5.4 and awk.

# ---- settings -------------------------------------------------------------
if (!exists("dir")) dir = "."
if (!exists("fmt")) fmt = "png"
run_name = system(sprintf("basename \"$(cd '%s' && pwd)\"", dir))   # for the title
if (!exists("win")) win = "all"
if (!exists("term")) {
    if (fmt eq "png") { term = 'pngcairo size 1200,800 font "sans,10"' }
    else { if (fmt eq "svg") { term = 'svg size 1200,800 dynamic font "sans,10" background "white"' }
    else { exit error "blocked.gp: fmt must be 'png' or 'svg'" } }
}
blocked = dir . "/blocked.csv"

# ---- stages of the window, in the order of the file ------------------------
awk_list(col) = system(sprintf("awk -F, -v ORS=' ' -v w='%s' 'NR>1 && $1 == w && !seen[$%d]++ {print $%d}' '%s'", win, col, col, blocked))
upstream = awk_list(2)
awaited  = awk_list(3)
n_up = words(upstream)
n_aw = words(awaited)
in_file = system(sprintf("awk -F, -v ORS=' ' 'NR>1 && !seen[$1]++ {print $1}' '%s'", blocked))
if (in_file eq "") { print "blocked.gp: " . blocked . " has no rows (nobody was ever blocked); no chart"; exit }
if (n_up == 0) {
    print "blocked.gp: windows in the file: " . in_file
    exit error "blocked.gp: no row for window '" . win . "' in " . blocked
}

# Fixed colour per stage, the same in all the plots of this folder.
stage_names   = "assore caarud phase uhs court act lhss lam housing street"
stage_colours = "#1f77b4 #ff7f0e #2ca02c #d62728 #9467bd #8c564b #e377c2 #7f7f7f #17becf #bcbd22"
spare_colours = "#393b79 #637939 #8c6d31 #843c39 #7b4173 #3182bd #e6550d #31a354"
stage_index(s) = sum [k = 1:words(stage_names)] (word(stage_names, k) eq s ? k : 0)
colour(s, i) = stage_index(s) > 0 ? word(stage_colours, stage_index(s)) : word(spare_colours, 1 + (i - 1) % words(spare_colours))

# ---- table: one row per upstream stage, one column per awaited stage --------
# $WIDE (comma-separated):  stage,<awaited 1>,...,<awaited n>,total
set datafile separator comma
set print $WIDE
line = "stage"
do for [a in awaited] { line = line . "," . a }
print line . ",total"
do for [u in upstream] {
    line = u
    total = 0
    do for [a in awaited] {
        stats blocked every ::1 using ((strcol(1) eq win && strcol(2) eq u && strcol(3) eq a) ? $4 : 0) name "B" nooutput
        line = line . sprintf(",%.6g", B_sum)
        total = total + B_sum
    }
    print line . sprintf(",%.6g", total)
}
unset print

# ---- look --------------------------------------------------------------------
set terminal @term
set termoption noenhanced
set output dir . "/blocked." . fmt
set title sprintf("Place-days held by people waiting to move on, by stage awaited -- window %s -- %s", \
    win, run_name) font ",12"
set style data histograms
set style histogram rowstacked gap 1
set style fill solid 0.9 border rgb "#555555"
set boxwidth 0.6
set ylabel "blocked place-days (mean across replications)"
set yrange [0:*]
set offsets 0, 0, graph 0.08, 0     # room for the totals
set format y "%.0f"
set ytics nomirror
set grid ytics lc rgb "#dddddd" lw 1
set border 3
set xtics nomirror scale 0
set xlabel "stage where the places are held"
set key outside right top vertical Left reverse invert title "waiting for"
set rmargin 18
set key autotitle columnhead        # first line of $WIDE is the header, not a bar

plot for [j = 1:n_aw] $WIDE using (column(j + 1)):xtic(1) lc rgb colour(word(awaited, j), j) title columnhead(j + 1), \
     $WIDE using 0:(column(n_aw + 2)):(sprintf("%.0f", column(n_aw + 2))) with labels offset 0, 0.8 notitle  # totals
unset output
