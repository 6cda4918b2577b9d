/* dist.c -- distributions over GSL's samplers and cumulative functions.
 *
 * Conditional (remaining-time) draws use inversion: with S the survival
 * function, X | X > e is S^-1(U * S(e)) for U uniform on (0,1). GSL provides
 * the quantile functions, so no rejection loop can run away when e is far in
 * the tail. */
#include "sim/dist.h"

#include "sim/rng.h"

#include <assert.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct sim_dist {
    sim_dist_kind kind;
    double a, b;
    size_t n;
    double *values;          /* empirical only */
    double *weights;         /* empirical only, normalised */
    gsl_ran_discrete_t *table;
};

sim_dist *sim_dist_new(sim_dist_kind kind, double a, double b)
{
    assert(kind != SIM_DIST_EMPIRICAL);
    sim_dist *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    d->kind = kind;
    d->a = a;
    d->b = b;
    return d;
}

sim_dist *sim_dist_new_empirical(const double *values, const double *weights, size_t n)
{
    assert(n > 0);
    sim_dist *d = calloc(1, sizeof *d);
    if (d == NULL)
        return NULL;
    d->kind = SIM_DIST_EMPIRICAL;
    d->n = n;
    d->values = malloc(n * sizeof *d->values);
    d->weights = malloc(n * sizeof *d->weights);
    if (d->values == NULL || d->weights == NULL)
        goto err;
    double total = 0;
    for (size_t i = 0; i < n; i++)
        total += weights ? weights[i] : 1.0;
    for (size_t i = 0; i < n; i++) {
        d->values[i] = values[i];
        d->weights[i] = (weights ? weights[i] : 1.0) / total;
    }
    d->table = gsl_ran_discrete_preproc(n, d->weights);
    if (d->table == NULL)
        goto err;
    return d;
err:
    sim_dist_free(d);
    return NULL;
}

sim_dist *sim_dist_copy(const sim_dist *d)
{
    if (d->kind == SIM_DIST_EMPIRICAL)
        return sim_dist_new_empirical(d->values, d->weights, d->n);
    return sim_dist_new(d->kind, d->a, d->b);
}

void sim_dist_free(sim_dist *d)
{
    if (d == NULL)
        return;
    if (d->table)
        gsl_ran_discrete_free(d->table);
    free(d->values);
    free(d->weights);
    free(d);
}

sim_dist_kind sim_dist_get_kind(const sim_dist *d)
{
    return d->kind;
}

/* gsl_ran_exponential computes -mean * log1p(-u). glibc's log1p is the
 * old fdlibm routine with a division on its critical path: 10.5 ns a call
 * here against 3.8 ns for log, and the draw feeds the next event's time,
 * so its latency is paid in full (a quarter of a Paris replication's time
 * went to log1p). log(1 - u) reads the same uniform; 1 - u is exact for
 * u >= 1/2 and rounded by at most 2^-54 below, so the two values differ
 * by about 1e-16 of the mean, far below any time the model resolves: the
 * trajectories stay the same, and so do the 10-digit CSV outputs (the
 * 17-digit numbers of summary.json move in their last digits). Python's
 * random.expovariate draws the same way. */
double sim_dist_exponential(gsl_rng *r, double mean)
{
    return -mean * log(1.0 - sim_rng_uniform(r));
}

double sim_dist_sample(const sim_dist *d, gsl_rng *r)
{
    switch (d->kind) {
    case SIM_DIST_EXPONENTIAL: return sim_dist_exponential(r, d->a);
    case SIM_DIST_GAMMA: return gsl_ran_gamma(r, d->a, d->b);
    case SIM_DIST_LOGNORMAL: return gsl_ran_lognormal(r, d->a, d->b);
    case SIM_DIST_WEIBULL: return gsl_ran_weibull(r, d->b, d->a);
    case SIM_DIST_UNIFORM: return gsl_ran_flat(r, d->a, d->b);
    case SIM_DIST_FIXED: return d->a;
    case SIM_DIST_EMPIRICAL: return d->values[gsl_ran_discrete(r, d->table)];
    }
    assert(0 && "unknown distribution kind");
    return 0;
}

double sim_dist_mean(const sim_dist *d)
{
    switch (d->kind) {
    case SIM_DIST_EXPONENTIAL: return d->a;
    case SIM_DIST_GAMMA: return d->a * d->b;
    case SIM_DIST_LOGNORMAL: return exp(d->a + d->b * d->b / 2);
    case SIM_DIST_WEIBULL: return d->b * tgamma(1 + 1 / d->a);
    case SIM_DIST_UNIFORM: return (d->a + d->b) / 2;
    case SIM_DIST_FIXED: return d->a;
    case SIM_DIST_EMPIRICAL: {
        double m = 0;
        for (size_t i = 0; i < d->n; i++)
            m += d->values[i] * d->weights[i];
        return m;
    }
    }
    return 0;
}

static double survival(const sim_dist *d, double x)
{
    switch (d->kind) {
    case SIM_DIST_GAMMA: return gsl_cdf_gamma_Q(x, d->a, d->b);
    case SIM_DIST_LOGNORMAL: return gsl_cdf_lognormal_Q(x, d->a, d->b);
    case SIM_DIST_WEIBULL: return gsl_cdf_weibull_Q(x, d->b, d->a);
    case SIM_DIST_UNIFORM: return gsl_cdf_flat_Q(x, d->a, d->b);
    default: return 0;
    }
}

static double survival_inverse(const sim_dist *d, double q)
{
    switch (d->kind) {
    case SIM_DIST_GAMMA: return gsl_cdf_gamma_Qinv(q, d->a, d->b);
    case SIM_DIST_LOGNORMAL: return gsl_cdf_lognormal_Qinv(q, d->a, d->b);
    case SIM_DIST_WEIBULL: return gsl_cdf_weibull_Qinv(q, d->b, d->a);
    case SIM_DIST_UNIFORM: return gsl_cdf_flat_Qinv(q, d->a, d->b);
    default: return 0;
    }
}

static double empirical_remaining(const sim_dist *d, gsl_rng *r, double elapsed)
{
    double mass = 0;
    for (size_t i = 0; i < d->n; i++)
        if (d->values[i] > elapsed)
            mass += d->weights[i];
    if (mass <= 0)
        return 0;
    double u = sim_rng_uniform(r) * mass;
    for (size_t i = 0; i < d->n; i++) {
        if (d->values[i] <= elapsed)
            continue;
        u -= d->weights[i];
        if (u < 0)
            return d->values[i] - elapsed;
    }
    for (size_t i = d->n; i-- > 0;)  /* rounding left u >= 0: take the last one */
        if (d->values[i] > elapsed)
            return d->values[i] - elapsed;
    return 0;
}

double sim_dist_sample_remaining(const sim_dist *d, gsl_rng *r, double elapsed)
{
    if (elapsed <= 0)
        return sim_dist_sample(d, r);
    switch (d->kind) {
    case SIM_DIST_EXPONENTIAL:
        return sim_dist_exponential(r, d->a);
    case SIM_DIST_FIXED:
        return d->a > elapsed ? d->a - elapsed : 0;
    case SIM_DIST_EMPIRICAL:
        return empirical_remaining(d, r, elapsed);
    default: {
        double s = survival(d, elapsed);
        if (!(s > 0))
            return 0;
        double x = survival_inverse(d, gsl_rng_uniform_pos(r) * s);
        return x > elapsed ? x - elapsed : 0;
    }
    }
}
