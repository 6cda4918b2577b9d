/* calibrate.h -- `parcours calibrate`: fit uncertain parameters to targets.
 *
 * A calibration file (docs/calibration.md) names a scenario, some of its
 * numeric parameters (each a `--set` path with bounds) and targets (a
 * summary metric and the value it should have). The objective is the
 * weighted sum of squared scaled errors
 *     sum_k weight_k * ((mean_k - target_k) / scale_k)^2
 * where mean_k is the metric's mean over replications 0..R-1 of one seed:
 * every evaluation uses the same random numbers (common random numbers),
 * so the objective moves with the parameters, not with the noise. It is
 * minimised with the Nelder-Mead simplex (GSL nmsimplex2) in logit
 * coordinates, so every evaluated point lies strictly within the bounds.
 *
 * Output directory (written only after a successful fit, each file atomic):
 *   fitted.json       the scenario with the fitted values, pretty printed
 *   calibration.csv   target,window,stage,metric,target_value,fitted_mean,ci95_low,ci95_high
 *   parameters.csv    parameter,start,fitted,min,max
 *   trace.csv         evaluation,iteration,objective,<one column per parameter> */
#ifndef APP_CALIBRATE_H
#define APP_CALIBRATE_H

#include "sim/stats.h"

#include <stdint.h>
#include <stdio.h>

/* Runs `parcours calibrate` with the arguments after the command name
 * (argv[0] is its first argument). Returns the exit status: 0 ok, 1 a run
 * or the writing failed, 2 bad input (nothing is then written). */
int calibrate_main(int argc, char **argv);

/* The help text. */
extern const char calibrate_help[];

/* ---- the steps, shared with tests/test_calibrate.c ----------------------- */

typedef struct calib_param {
    char *path;                  /* a --set path */
    double min, max, start;
    int integer;                 /* values rounded to whole numbers */
    double fitted;               /* after calib_fit */
} calib_param;

typedef struct calib_target {
    char *name;                  /* "windows.W.stages.S.M" as written */
    int window, stage, metric;   /* indices in the scenario's spec */
    char *window_id, *stage_id;
    double target, weight, scale;
    sim_summary start;           /* at the start values, after calib_fit */
    sim_summary fitted;          /* at the fitted values, after calib_fit */
} calib_target;

typedef struct calib_def {
    char *file;                  /* the calibration file */
    char *scenario_path;         /* resolved relative to the calibration file */
    char *scenario_text;
    char *scenario_name;
    uint64_t scenario_hash;      /* of the scenario as written (provenance) */
    uint64_t seed;
    long replications;
    long max_iterations;
    double tolerance;            /* on the simplex size, in logit coordinates */
    int digits;                  /* significant digits of the fitted values */
    int n_params;
    calib_param *params;
    int n_targets;
    calib_target *targets;
    /* Results of calib_fit. */
    long iterations, evaluations;
    int restarts;                /* fresh simplexes started at the best point */
    double start_objective;      /* at the start values */
    double best_objective;       /* the simplex's best point */
    double objective;            /* at the fitted (rounded) values */
    double size;                 /* final simplex size */
    int converged;               /* size < tolerance, and a restart gained < 1% */
    double seconds;
    char *fitted_canonical;      /* the scenario JSON with the fitted values */
    long n_trace;                /* rows of trace: evaluation, iteration, objective, x... */
    double *trace;
} calib_def;

/* Reads and checks a calibration file and its scenario (loaded at the
 * start, min and max of every parameter). Every problem is printed to
 * `errs` as "FILE: JSON.path: ...". Returns 0, or an exit status (2 bad
 * input, 1 out of memory). The def is to be freed with calib_fini either way. */
int calib_load(const char *file, calib_def *def, FILE *errs);

/* Called after each iteration: objective and size of the simplex, and the
 * best parameter values so far (n_params of them). */
typedef void (*calib_progress)(void *ctx, const calib_def *def, long iteration, double objective,
                               double size, const double *x);

/* Minimises the objective; fills the results. Returns 0, or -1 with a
 * message in err when a run fails. */
int calib_fit(calib_def *def, int threads, calib_progress progress, void *ctx, char *err, size_t errlen);

/* Writes the output files into dir (created if needed); command is the
 * command line for their provenance. Returns 0 or -1 with a message. */
int calib_write(const calib_def *def, const char *dir, const char *command, char *err, size_t errlen);

/* Prints the final tables. */
void calib_print(const calib_def *def, FILE *out);

void calib_fini(calib_def *def);

#endif
