# calendar.gp -- the date axis of the daily charts, shared by occupancy.gp,
# street.gp, waiting.gp and compare.gp, which load it once T_min and T_max
# (seconds, as timecolumn gives them) hold the first and last day plotted:
#   load dir_of_script . "/calendar.gp"
#
# Runs of a few years get a labelled tic each 1 January and a minor tic each
# quarter. Longer runs (the queueing checks simulate a century or more) get a
# label every k years, k chosen for at most about 12 labels, on years that
# are multiples of k. Runs shorter than 18 months, where few or no 1 January
# fall, get a label each month.

set xdata time
set timefmt "%Y-%m-%d"
set xrange [T_min:T_max]
set xtics nomirror out ("" T_min 1)
calendar_years = (T_max - T_min) / (365.25 * 86400)
if (calendar_years < 1.5) {
    set format x "%Y-%m"
    do for [y = tm_year(T_min) : tm_year(T_max)] {
        do for [m = 1:12] {
            t = strptime("%Y-%m-%d", sprintf("%d-%02d-01", y, m))
            if (t >= T_min && t <= T_max) { set xtics add (sprintf("%d-%02d", y, m) t) }
        }
    }
} else {
    set format x "%Y"
    calendar_step = calendar_years <= 12 ? 1 : ceil(calendar_years / 12)
    do for [y = tm_year(T_min) : tm_year(T_max) + 1] {
        if (y % calendar_step == 0) {
            set xtics add (sprintf("%d", y) strptime("%Y-%m-%d", sprintf("%d-01-01", y)))
        }
        if (calendar_step == 1) {
            do for [m in "04 07 10"] { set xtics add ("" strptime("%Y-%m-%d", sprintf("%d-%s-01", y, m)) 1) }
        }
    }
}
