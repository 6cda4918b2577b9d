# waiting.gp -- waiting-list length of each stage over time, one line per stage.
#
# Plots the daily mean waiting-list length across replications for every stage
# of waiting.csv whose list is ever non-empty (in the order of the file).
# Bands are left out to keep the lines readable; add them from ci95_low/ci95_high
# (columns 4 and 5) as in occupancy.gp if needed.
# A person can wait for several stages at once and is then counted in each list:
# two lines that coincide (e.g. phase and uhs) are told apart by the dashes.
#
# Input (written by `parcours run`):
#   DIR/waiting.csv     date,stage,mean,ci95_low,ci95_high
# Output:
#   DIR/waiting.png or DIR/waiting.svg
#
# Run by hand (from the repository root):
#   gnuplot -e "dir='out/paris-baseline'; fmt='png'" scripts/plot/waiting.gp
# Optional variables: term='...' replaces the whole terminal setting,
#                     stages='assore phase uhs' chooses the lines.
# Needs gnuplot >= 5.4 and awk.

# ---- settings -------------------------------------------------------------
if (!exists("dir")) dir = "."
if (!exists("fmt")) fmt = "png"
run_name = system(sprintf("basename \"$(cd '%s' && pwd)\"", dir))   # for the title
dir_of_script = system(sprintf("dirname '%s'", ARG0))   # calendar.gp is beside it
if (!exists("term")) {
    if (fmt eq "png") { term = 'pngcairo size 1200,800 font "sans,10"' }
    else { if (fmt eq "svg") { term = 'svg size 1200,800 dynamic font "sans,10" background "white"' }
    else { exit error "waiting.gp: fmt must be 'png' or 'svg'" } }
}
wait = dir . "/waiting.csv"

# ---- which stages: in file order, those with a non-empty list on some day ---
if (!exists("stages")) {
    stages = system(sprintf("awk -F, -v ORS=' ' 'NR>1 { if (!($2 in seen)) { seen[$2] = 1; order[++n] = $2 } if ($3 + 0 > 0) used[$2] = 1 } END { for (i = 1; i <= n; i++) if (order[i] in used) print order[i] }' '%s'", wait))
}
n = words(stages)
if (n == 0) { print "waiting.gp: no waiting list is ever non-empty in " . wait . "; plotting nothing" }

# Fixed colour per stage, the same in all the plots of this folder.
stage_names   = "assore caarud phase uhs court act lhss lam housing street"
stage_colours = "#1f77b4 #ff7f0e #2ca02c #d62728 #9467bd #8c564b #e377c2 #7f7f7f #17becf #bcbd22"
spare_colours = "#393b79 #637939 #8c6d31 #843c39 #7b4173 #3182bd #e6550d #31a354"
stage_index(s) = sum [k = 1:words(stage_names)] (word(stage_names, k) eq s ? k : 0)
colour(s, i) = stage_index(s) > 0 ? word(stage_colours, stage_index(s)) : word(spare_colours, 1 + (i - 1) % words(spare_colours))

# ---- reading the CSV --------------------------------------------------------
set datafile separator comma
set datafile missing NaN        # rows of other stages (NaN) are skipped, lines stay joined
pick(s, c) = (strcol(2) eq s ? column(c) : NaN)
dash(i) = (i % 2 ? 1 : 2)       # odd lines solid, even lines dashed

# ---- date axis (calendar.gp) ---------------------------------------------
stats wait every ::1 using (timecolumn(1, "%Y-%m-%d")) name "T" nooutput
load dir_of_script . "/calendar.gp"

# ---- look --------------------------------------------------------------------
set terminal @term
set termoption noenhanced       # stage names contain "_": print them as they are
set output dir . "/waiting." . fmt
set title sprintf("Waiting-list length by stage (daily mean across replications) -- %s", \
    run_name) font ",12"
set ylabel "people on the waiting list"
set ytics nomirror
set grid xtics ytics lc rgb "#dddddd" lw 1
set border 3
set yrange [0:*]
set offsets 0, 0, graph 0.05, 0
set rmargin 16
set key outside right top vertical Left reverse samplen 3 title "waiting for"

if (n > 0) {
    plot for [i = 1:n] wait every ::1 using 1:(pick(word(stages, i), 3)) \
        with lines lw 1.5 dt dash(i) lc rgb colour(word(stages, i), i) title word(stages, i)
} else {
    set yrange [0:1]
    set label 1 "no waiting list is ever non-empty" at graph 0.5, 0.5 center
    plot 0 with lines lc rgb "#dddddd" notitle
}
unset output
