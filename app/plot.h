/* plot.h -- charts from a run's CSV files, drawn by the gnuplot scripts of
 * scripts/plot/ (parcours writes data; gnuplot draws).
 *
 * The scripts directory is $PARCOURS_SCRIPTS when set, else the source
 * tree's scripts/ (compile-time PARCOURS_SOURCE_DIR). */
#ifndef APP_PLOT_H
#define APP_PLOT_H

#include <stddef.h>

/* The scripts directory (never NULL; a static string or the environment's). */
const char *plot_scripts_dir(void);

/* Writes "<scripts dir>/plot/<name>" into buf. Returns 0, or -1 if it does
 * not fit or the file cannot be read. */
int plot_script_path(const char *name, char *buf, size_t len);

/* 1 if an executable named `program` is on PATH, else 0. */
int plot_have_program(const char *program);

/* Runs argv[0] (searched on PATH) with argv, inside directory `dir` (NULL:
 * the current one), with our standard streams; no shell is involved. Waits
 * for it. Returns its exit status, or -1 if it could not be started or was
 * killed (127: the program could not be run). */
int plot_spawn(const char *dir, char *const argv[]);

/* Lists in names (", "-separated, truncated to fit) the charts in dir
 * that the plot scripts draw (<script>.png or .svg for each
 * scripts/plot/<script>.gp) and returns how many there are: after a run
 * has replaced the CSV files, those charts show the earlier run. */
int plot_charts_in(const char *dir, char *names, size_t size);

/* The `parcours plot DIR [--format png|svg|both]` command. argv holds the
 * arguments after the command name. Exit status: 0 plots written, 1
 * gnuplot missing or a script failed (the CSV files are never touched), 2
 * bad input (no DIR/occupancy.csv, bad option). */
int plot_main(int argc, char **argv);

#endif
