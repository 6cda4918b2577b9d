/* experiment.h -- replications of a scenario and their summary.
 *
 * Replication r of seed s always uses the same random streams, whatever
 * else runs, and results are combined in replication order, so the summary
 * is a pure function of (scenario, seed, replications). */
#ifndef APP_EXPERIMENT_H
#define APP_EXPERIMENT_H

#include "models/spec.h"
#include "sim/stats.h"

#include <stdint.h>

typedef struct experiment experiment;

typedef void (*experiment_progress)(void *ctx, long done, long total);

/* Runs replications first .. first+count-1 on `threads` threads (the
 * calling one included). The result does not depend on the thread count.
 * Returns NULL on failure with a message in err (size errlen). */
experiment *experiment_run(const model_spec *spec, uint64_t seed, long first, long count, int threads,
                           experiment_progress progress, void *ctx, char *err, size_t errlen);
/* Runs the next `count` replications of x (the streams a single run of
 * experiment_replications(x) + count replications would give them) and
 * folds them in: the result is the same, byte for byte, as that single
 * run. Returns 0, or -1 with a message in err; x is then unusable but must
 * still be freed. */
int experiment_extend(experiment *x, long count, int threads, experiment_progress progress, void *ctx,
                      char *err, size_t errlen);
/* The number of cores this process may run on (its CPU affinity: a Slurm
 * job or taskset may give it fewer than the machine has), at most 256. */
int experiment_default_threads(void);
void experiment_free(experiment *x);

long experiment_replications(const experiment *x);
double experiment_events(const experiment *x);
/* Summary of a metric (sim_metric) in a window for a stage. */
const sim_summary *experiment_metric(const experiment *x, int window, int stage, int metric);
/* The value of that metric in each replication, in replication order
 * (experiment_replications(x) doubles, NaN where undefined). Owned by x;
 * valid until experiment_free. Used for paired comparisons (common random
 * numbers): replication k of two scenarios share their random streams. */
const double *experiment_values(const experiment *x, int window, int stage, int metric);
/* Mean and 95% half-width of blocked place-days of stage waiting for awaited. */
void experiment_blocked(const experiment *x, int window, int stage, int awaited, double *mean, double *half);
/* Daily occupancy / waiting list: mean and 95% interval across replications. */
void experiment_daily(const experiment *x, int waitlist, int day, int stage, double *mean, double *lo,
                      double *hi);
/* Census field (SIM_CENSUS_*) averaged across replications (NaN if never defined). */
double experiment_census(const experiment *x, int census, int stage, int field);

/* Costs per window, across replications: total (EUR) and per person
 * sheltered (admissions into service stages). */
enum { EXPERIMENT_COST_TOTAL, EXPERIMENT_COST_PER_PERSON, EXPERIMENT_COSTS };
const sim_summary *experiment_cost(const experiment *x, int window, int which);
/* The cost of each replication, as experiment_values. */
const double *experiment_cost_values(const experiment *x, int window, int which);
/* People in the public space at an hour of the day (0..23) within a window. */
void experiment_public_by_hour(const experiment *x, int window, int hour, double *mean, double *lo, double *hi);

#endif
