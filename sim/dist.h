/* dist.h -- random variates for durations and delays.
 *
 * A sim_dist is an immutable description of a distribution; sampling takes
 * the generator explicitly, so which stream feeds which draw is always visible
 * at the call site. All durations are in days. */
#ifndef SIM_DIST_H
#define SIM_DIST_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

typedef enum sim_dist_kind {
    SIM_DIST_EXPONENTIAL, /* a = mean */
    SIM_DIST_GAMMA,       /* a = shape, b = scale */
    SIM_DIST_LOGNORMAL,   /* a = mu, b = sigma of the underlying normal */
    SIM_DIST_WEIBULL,     /* a = shape, b = scale */
    SIM_DIST_UNIFORM,     /* a = min, b = max */
    SIM_DIST_FIXED,       /* a = value */
    SIM_DIST_EMPIRICAL    /* values with weights, drawn as a discrete law */
} sim_dist_kind;

typedef struct sim_dist sim_dist;

/* Constructors return NULL when out of memory. Parameters must already be
 * valid (the scenario loader checks them); invalid ones trip an assertion. */
sim_dist *sim_dist_new(sim_dist_kind kind, double a, double b);
/* Copies values and weights (weights may be NULL for equal weights). */
sim_dist *sim_dist_new_empirical(const double *values, const double *weights, size_t n);
sim_dist *sim_dist_copy(const sim_dist *d);
void sim_dist_free(sim_dist *d);

sim_dist_kind sim_dist_get_kind(const sim_dist *d);
double sim_dist_sample(const sim_dist *d, gsl_rng *r);
double sim_dist_mean(const sim_dist *d);

/* An exponential variate of that mean, by Marsaglia and Tsang's ziggurat
 * (see dist.c): every exponential draw of the simulator (durations,
 * Poisson gaps) goes through it. It reads one step of the stream 99% of
 * the time, two or more otherwise. */
double sim_dist_exponential(gsl_rng *r, double mean);

/* Draws the remaining time of a duration already `elapsed` days long, i.e.
 * X - elapsed for X drawn conditionally on X > elapsed. Exact for the
 * exponential (memoryless) and by inversion of the conditional survival
 * function for gamma, lognormal, weibull, uniform; for fixed and empirical
 * laws by discarding the values not above `elapsed`. When elapsed is beyond
 * the support, returns 0 (the duration is already over). */
double sim_dist_sample_remaining(const sim_dist *d, gsl_rng *r, double elapsed);

#endif
