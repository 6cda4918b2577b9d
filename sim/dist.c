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
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <threads.h>

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

/* ---- exponential draws: the ziggurat ---------------------------------
 *
 * Marsaglia and Tsang's ziggurat for Exp(1) (J. Stat. Softw. 5(8), 2000):
 * 256 strips of equal area v under the density, the base one carrying the
 * tail beyond r. A draw picks a strip with 8 random bits and a position
 * in it with 24 more; 98.9% of positions are under the curve, and the draw
 * is then one generator step, a table read and a multiplication. The rest
 * is the wedge test (exp) or the tail (r plus an exponential, by log).
 *
 * Why not -mean * log(1 - U): that is a logarithm per draw, and every
 * exponential draw feeds the time of the next event, so its latency is
 * paid in full: it was the largest single item of a Paris replication's
 * time (13%) and of an M/M/1 customer's. GSL has a ziggurat for the
 * normal only.
 *
 * Bits. One 32-bit word per try: the strip from its low 8 bits, the
 * position from its high 24 (distinct bits, unlike the original, which
 * reused the strip bits in the position). On parcours' MRG32k3a streams
 * the word is the generator's z, in [1, 2^32 - 209]: the 209 missing words
 * all fall in the last position of strips, a bias below 2^-24. Other GSL
 * generators give floor(U * 2^32). A draw's resolution is 2^-24 of its
 * strip's width: at most 4.6e-7 of the mean.
 *
 * The tables are computed once, on first use (call_once: replications
 * run in threads), by Marsaglia and Tsang's recurrence. */
#define ZIG_R 7.69711747013104972       /* where the tail starts */
#define ZIG_V 3.949659822581572e-3      /* area of each strip */

static struct {
    double w[256];        /* position -> x: strip width / 2^24 */
    double f[256];        /* density at each strip's edge */
    uint32_t k[256];      /* positions below k are under the curve */
} zig;
static once_flag zig_once = ONCE_FLAG_INIT;
static atomic_int zig_ready;   /* set once the tables are: a plain load on x86 */

static void zig_init(void)
{
    const double m = 16777216.0;   /* 2^24 positions */
    double de = ZIG_R, te = ZIG_R;
    double q = ZIG_V / exp(-ZIG_R);
    zig.k[0] = (uint32_t)((de / q) * m);
    zig.k[1] = 0;
    zig.w[0] = q / m;
    zig.w[255] = de / m;
    zig.f[0] = 1.0;
    zig.f[255] = exp(-de);
    for (int i = 254; i >= 1; i--) {
        de = -log(ZIG_V / de + exp(-de));
        zig.k[i + 1] = (uint32_t)((de / te) * m);
        te = de;
        zig.f[i] = exp(-de);
        zig.w[i] = de / m;
    }
    atomic_store_explicit(&zig_ready, 1, memory_order_release);
}

static uint32_t random_word(gsl_rng *r)
{
    if (r->type == sim_mrg_type)
        return (uint32_t)sim_mrg_step(r->state);
    return (uint32_t)(gsl_rng_uniform(r) * 4294967296.0);
}

/* The rare tries: the tail, or the wedge of strip i at position j. */
static __attribute__((noinline)) double exponential_slow(gsl_rng *r, uint32_t i, uint32_t j)
{
    for (;;) {
        if (i == 0)
            return ZIG_R - log(sim_rng_uniform(r));
        double x = (double)j * zig.w[i];
        if (zig.f[i] + sim_rng_uniform(r) * (zig.f[i - 1] - zig.f[i]) < exp(-x))
            return x;
        uint32_t z = random_word(r);
        i = z & 255u;
        j = z >> 8;
        if (j < zig.k[i])
            return (double)j * zig.w[i];
    }
}

double sim_dist_exponential(gsl_rng *r, double mean)
{
    if (!atomic_load_explicit(&zig_ready, memory_order_acquire))
        call_once(&zig_once, zig_init);
    uint32_t z = random_word(r);
    uint32_t i = z & 255u, j = z >> 8;
    if (j < zig.k[i])
        return mean * ((double)j * zig.w[i]);
    return mean * exponential_slow(r, i, j);
}

/* Every law but the exponential, the one of almost every draw: kept out
 * of line so that sim_dist_sample stays small enough to be inlined. */
static __attribute__((noinline)) double sample_other(const sim_dist *d, gsl_rng *r)
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

double sim_dist_sample(const sim_dist *d, gsl_rng *r)
{
    if (d->kind == SIM_DIST_EXPONENTIAL)
        return sim_dist_exponential(r, d->a);
    return sample_other(d, r);
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

static __attribute__((noinline)) double remaining_after(const sim_dist *d, gsl_rng *r, double elapsed)
{
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

double sim_dist_sample_remaining(const sim_dist *d, gsl_rng *r, double elapsed)
{
    if (elapsed <= 0)
        return sim_dist_sample(d, r);
    return remaining_after(d, r, elapsed);
}
