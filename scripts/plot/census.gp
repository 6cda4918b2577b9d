# census.gp -- tenure of the people present in one stage at each census date.
#
# Clustered bars: for each census date, the share of the people present in the
# stage who had been there for more than 30 days, 91 days (3 months), 182 days
# (6 months), 365 days (1 year) and 730 days (2 years). The x labels also give
# n, the mean number of people present (the base of the shares). A date with
# nobody present has no bars.
#
# Input (written by `parcours run`):
#   DIR/census.csv   date,stage,count,p10,p25,p50,p75,p90,
#                    share_gt_30,share_gt_91,share_gt_182,share_gt_365,share_gt_730
# Output:
#   DIR/census.png or DIR/census.svg
#
# Run by hand (from the repository root):
#   gnuplot -e "dir='out/paris-baseline'; fmt='png'" scripts/plot/census.gp
#   gnuplot -e "dir='out/paris-baseline'; fmt='png'; stage='phase'" scripts/plot/census.gp
# Optional variables: stage='assore' (default; in a run without it, the first
#                     stage of the file with someone present at a census)
#                     picks the stage,
#                     term='...' replaces the whole terminal setting.
# Needs gnuplot >= 5.4 and awk.

# ---- settings -------------------------------------------------------------
if (!exists("dir")) dir = "."
if (!exists("fmt")) fmt = "png"
run_name = system(sprintf("basename \"$(cd '%s' && pwd)\"", dir))   # for the title
chosen = exists("stage")
if (!chosen) stage = "assore"
if (!exists("term")) {
    if (fmt eq "png") { term = 'pngcairo size 1200,800 font "sans,10"' }
    else { if (fmt eq "svg") { term = 'svg size 1200,800 dynamic font "sans,10" background "white"' }
    else { exit error "census.gp: fmt must be 'png' or 'svg'" } }
}
census = dir . "/census.csv"
in_census = system(sprintf("awk -F, -v ORS=' ' 'NR>1 && !seen[$2]++ {print $2}' '%s'", census))
if (in_census eq "") { print "census.gp: " . census . " has no rows (the scenario has no census dates); no chart"; exit }
has(list, s) = strstrt(" " . list . " ", " " . s . " ") > 0
# A run of another model, without the stage assore: its first stage in the
# file with someone present at a census, else its first stage.
present = system(sprintf("awk -F, -v ORS=' ' 'NR>1 && $3 > 0 && !seen[$2]++ {print $2}' '%s'", census))
if (!chosen && !has(in_census, stage)) { stage = (present ne "") ? word(present, 1) : word(in_census, 1) }
if (!has(present, stage) && has(in_census, stage)) {
    print "census.gp: nobody was in " . stage . " at any census date; no chart"
    exit
}

# The share columns (9..13 of census.csv), their legends and colours
# (lighter = shorter tenure).
first_col = 9
array share_title[5]  = ["> 30 days", "> 3 months (91 d)", "> 6 months (182 d)", "> 1 year (365 d)", "> 2 years (730 d)"]
array share_colour[5] = ["#c6dbef", "#9ecae1", "#6baed6", "#3182bd", "#08519c"]
n_shares = |share_title|

# ---- keep the rows of the stage ---------------------------------------------
# A histogram gives a slot to every row, so the rows of the stage are first
# copied into the datablock $ROWS (tab-separated), empty fields as "NaN".
# (Not strcol() for the numbers: gnuplot 5.4 returns the previous line's value
# for an empty last field.)
set datafile separator comma
num(c) = valid(c) ? sprintf("%.10g", column(c)) : "NaN"
set table $ROWS
plot census using (strcol(1)):(num(3)):(num(9)):(num(10)):(num(11)):(num(12)):(num(13)) \
    with table if (strcol(2) eq stage)
unset table
if (|$ROWS| == 0) {
    print "census.gp: stages in the file: " . in_census
    exit error "census.gp: no census row for stage '" . stage . "' in " . census
}
# In $ROWS: 1 date, 2 count, 3..7 the shares.
set datafile separator tab
set datafile missing NaN        # no bar where the share is undefined (nobody present)

# ---- look --------------------------------------------------------------------
set terminal @term
set termoption noenhanced
set output dir . "/census." . fmt
set title sprintf("Tenure of the people present in %s at each census date: share present for more than ... -- %s", \
    stage, run_name) font ",12"
set style data histograms
set style histogram clustered gap 1
set style fill solid 1.0 border rgb "#555555"
set boxwidth 0.9
# Every census date gets its slot, those with nobody present included
# (autoscaling would drop trailing ones and squeeze the last label).
set xrange [-0.5 : |$ROWS| - 0.5]
set yrange [0:100]
set ytics 0, 10, 100 nomirror
set format y "%g%%"
set ylabel "share of the people present"
set grid ytics lc rgb "#dddddd" lw 1
set border 3
set xtics nomirror scale 0
set key outside right top vertical Left reverse title "present for"
set rmargin 22
set bmargin 4
date_label(d, n) = sprintf("%s\nn = %g", d, n)

plot $ROWS using (100 * $3):xtic(date_label(strcol(1), $2)) lc rgb share_colour[1] title share_title[1], \
     for [k = 2:n_shares] $ROWS using (100 * column(2 + k)) lc rgb share_colour[k] title share_title[k]
unset output
