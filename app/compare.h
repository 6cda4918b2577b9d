/* compare.h -- several scenarios run on common random numbers, compared.
 *
 * `parcours compare A.json B.json ...` runs every scenario with the same
 * seed and the same replication indices. Replication k of every scenario
 * then draws from the same random streams (one stream per replication, one
 * substream per random source keyed by its id), so that a difference
 * between two scenarios in replication k is due to the policy, not to luck.
 * Differences are therefore computed pair by pair, replication by
 * replication, and summarised with a Student-t interval over the pairs: the
 * interval is much narrower than the one two independent runs would give.
 *
 * Everything is relative to the FIRST scenario (the reference). Windows and
 * stages are matched by id; a quantity missing from the reference has no
 * difference.
 *
 * Outputs in the output directory (all written atomically):
 *   <label>/...             each scenario's usual files (see output.h)
 *   compare.csv             window,stage,metric,scenario,mean,ci95_low,
 *                           ci95_high,diff_mean,diff_ci95_low,diff_ci95_high
 *   compare_occupancy.csv   date,stage,scenario,mean,ci95_low,ci95_high for
 *                           the stages worth overlaying
 *   compare_occupancy_<stage>.png   overlaid plots (scripts/plot/compare.gp)
 *   report.html             one self-contained page (report.c) */
#ifndef APP_COMPARE_H
#define APP_COMPARE_H

#include "app/experiment.h"
#include "models/spec.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* One compared scenario. The label is the scenario's name made safe for
 * file names, CSV cells and gnuplot words ([A-Za-z0-9._-]), made unique
 * by a suffix (-2, -3, ...) when two scenarios share a name. */
typedef struct compare_scenario {
    char label[128];
    const char *file;          /* as given on the command line */
    const model_spec *spec;
    const experiment *x;
    char *cells;               /* its provenance columns (provenance.h), owned */
} compare_scenario;

/* Mean and 95% Student-t interval of a set of values (NaN skipped). n is
 * the number kept; with n < 2 the interval collapses to the mean; with none
 * everything is NaN. Identical values give exactly [mean, mean]. */
typedef struct compare_estimate {
    size_t n;
    double mean, ci95_low, ci95_high;
} compare_estimate;

/* Paired difference b[k] - a[k] over the n replications where both are
 * defined. */
void compare_paired(const double *a, const double *b, long n, compare_estimate *out);

/* Metrics written to compare.csv (sim_metric values), in order. */
extern const int compare_metrics[];
extern const int compare_n_metrics;

/* Index of a window / stage id in a spec, or -1. */
int compare_find_window(const model_spec *spec, const char *id);
int compare_find_stage(const model_spec *spec, const char *id);

/* Estimate of a metric of scenario k (window w, stage s of ITS spec) and,
 * when the reference has the same window and stage ids, its paired
 * difference to the reference (else diff->n == 0 and NaNs). Returns 0, or
 * -1 if the reference lacks the window or the stage. */
int compare_metric(const compare_scenario *sc, int k, int w, int s, int metric, compare_estimate *est,
                   compare_estimate *diff);
/* Whether a spec gives any stage a cost per place-day or any patrol a cost
 * per contact: without, every cost is 0 and not worth a table. */
int compare_has_costs(const model_spec *spec);
/* The same for a cost (EXPERIMENT_COST_*) of window w of scenario k. */
int compare_cost(const compare_scenario *sc, int k, int w, int which, compare_estimate *est,
                 compare_estimate *diff);

/* Lists in names (", "-separated, whole names only) the folders of outdir
 * that hold a run (a summary.json) but are none of the n labels: left by
 * an earlier comparison, whose results they still show. Returns how many. */
int compare_other_folders(const char *outdir, const char *const *labels, int n, char *names, size_t size);

/* Writes compare.csv to f. Returns 0 or -1 (errno set by stdio). */
int compare_write_csv(FILE *f, const compare_scenario *sc, int n);

/* Chooses the stages worth an overlaid occupancy plot: street and assore
 * when present, then every stage (of any scenario, not an exit) whose daily
 * mean occupancy differs from the reference's by at least one person and 2%
 * of its peak on some day, or that the reference lacks. Writes their ids,
 * separated by spaces, into buf. Returns the number of stages. */
int compare_plot_stages(const compare_scenario *sc, int n, char *buf, size_t len);
/* Writes compare_occupancy.csv for those stages (space-separated ids). */
int compare_write_occupancy(FILE *f, const compare_scenario *sc, int n, const char *stages);

/* report.c: writes report.html into f: the title, each scenario with its
 * description, a table per planner question (hotel stay, time to a
 * downstream place, street population, costs) with mean [95% CI] and the
 * paired difference to the reference [95% CI], and the PNG files of
 * `images` (paths) embedded as base64 data: URIs. No JavaScript, no
 * external resource: the page reads offline. `command` is shown as the
 * way to regenerate it. Returns 0, or -1 if an image cannot be read or a
 * write fails (errno set). */
int report_write_html(FILE *f, const compare_scenario *sc, int n, uint64_t seed, long reps,
                      const char *command, const char *const *images, const char *const *captions,
                      int n_images);

/* The `parcours compare` command. argv holds the arguments after the
 * command name. Returns the exit status (0, 1 run or write failed, 2 bad
 * input; nothing is written when any scenario has a problem). */
int compare_main(int argc, char **argv);

#endif
