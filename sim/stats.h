/* stats.h -- tallies within a run and summaries across replications.
 *
 * A tally accumulates observations with Welford's update, which stays
 * accurate when the mean is large compared with the spread. Summaries across
 * replications use Student's t for the 95% confidence interval. */
#ifndef SIM_STATS_H
#define SIM_STATS_H

#include <stddef.h>

typedef struct sim_tally {
    double n, mean, m2;
} sim_tally;

void sim_tally_add(sim_tally *t, double x);
double sim_tally_var(const sim_tally *t);

typedef struct sim_summary {
    size_t n;
    double mean, sd, ci95_low, ci95_high, p5, p50, p95;
} sim_summary;

/* Summarises n values (NaN values are skipped; n counts those kept). The
 * values are sorted in place for the quantiles. With fewer than two values
 * the interval collapses to the mean; with none, everything is NaN. */
void sim_summary_of(double *values, size_t n, sim_summary *out);

/* Student's t 0.975 quantile for df degrees of freedom: the factor of
 * every 95% interval in parcours. A run asks for the same df thousands of
 * times (one interval per day and stage) and GSL's inversion costs about
 * 10,000 instructions, so the last df asked in each thread is remembered;
 * the value is the same as gsl_cdf_tdist_Pinv(0.975, df). */
double sim_t975(double df);

/* Half-width of the 95% Student-t interval for a tally. */
double sim_tally_ci95_half(const sim_tally *t);

#endif
