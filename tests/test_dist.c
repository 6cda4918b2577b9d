/* test_dist.c -- each distribution's draws have the mean the library
 * reports, and remaining-time draws follow the conditional law.
 *
 * Means and standard deviations are computed here from the textbook
 * formulas, not taken from the library, so a wrong parameterisation (say,
 * shape and scale swapped) shows up as a mismatch. A sample mean is accepted
 * within 4.5 standard errors: with a fixed seed the test is deterministic,
 * and a correct implementation fails at most once in ~150000 seeds. */
#include "sim/dist.h"
#include "sim/rng.h"

#include "cu_table.h"

#include <float.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>

enum { N_DRAWS = 200000 };
static const double z_limit = 4.5;

/* Each check gets its own fixed seed, so checks do not share draws and a
 * failure reproduces alone. */
static gsl_rng *stream(unsigned long k)
{
    gsl_rng *r = sim_rng_new(20240601u + k, 0, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    return r;
}

/* Mean of n draws, and the least and greatest draw. */
static double sample_mean(const sim_dist *d, gsl_rng *r, int n, double *lo, double *hi)
{
    double sum = 0;
    *lo = INFINITY;
    *hi = -INFINITY;
    for (int i = 0; i < n; i++) {
        double x = sim_dist_sample(d, r);
        sum += x;
        if (x < *lo)
            *lo = x;
        if (x > *hi)
            *hi = x;
    }
    return sum / n;
}

/* Checks the library's mean against ours, then the sample mean against
 * both, reporting the z-score when it is out of bounds. */
static void check_mean(const char *what, sim_dist *d, double mean, double sd, unsigned long source)
{
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    CU_ASSERT_DOUBLE_EQUAL(sim_dist_mean(d), mean, 1e-12 * fabs(mean) + 1e-15);
    gsl_rng *r = stream(source);
    double lo, hi;
    double m = sample_mean(d, r, N_DRAWS, &lo, &hi);
    double se = sd / sqrt((double)N_DRAWS);
    if (sd == 0) {
        CU_ASSERT_EQUAL(m, mean);
    } else {
        double z = (m - mean) / se;
        if (fabs(z) > z_limit)
            fprintf(stderr, "%s: sample mean %.6g, expected %.6g, z = %.2f\n", what, m, mean, z);
        CU_ASSERT(fabs(z) <= z_limit);
    }
    CU_ASSERT(lo >= 0);   /* durations */
    gsl_rng_free(r);
}

static void exponential_sample_mean_matches_its_mean(void)
{
    sim_dist *d = sim_dist_new(SIM_DIST_EXPONENTIAL, 3.0, 0);
    check_mean("exponential", d, 3.0, 3.0, 1);
    sim_dist_free(d);
}

/* Pearson's chi-square of n exponential draws over 100 equiprobable
 * bins of Exp(mean), the last one split at the ziggurat's tail (x > 7.697
 * mean, probability 4.5e-4), so that the tail and the wedges, the rare
 * branches of the sampler, are each checked against the exact law. */
static double exponential_chi_square(gsl_rng *r, double mean, int n, double *tail_share,
                                     double *tail_excess)
{
    enum { BINS = 100 };
    const double tail = 7.69711747013104972;
    double count[BINS + 1] = {0}, expected[BINS + 1], excess = 0;
    for (int k = 0; k < BINS; k++)
        expected[k] = (double)n / BINS;
    expected[BINS] = n * exp(-tail);
    expected[BINS - 1] -= expected[BINS];
    for (int i = 0; i < n; i++) {
        double x = sim_dist_exponential(r, mean) / mean;
        if (x >= tail) {
            count[BINS] += 1;
            excess += x - tail;
        } else {
            int k = (int)((1.0 - exp(-x)) * BINS);   /* the CDF picks the bin */
            count[k < BINS ? k : BINS - 1] += 1;
        }
    }
    double chi2 = 0;
    for (int k = 0; k <= BINS; k++)
        chi2 += (count[k] - expected[k]) * (count[k] - expected[k]) / expected[k];
    *tail_share = count[BINS] / n;
    *tail_excess = count[BINS] > 0 ? excess / count[BINS] : NAN;
    return chi2;
}

/* sim_dist_exponential is a ziggurat (see dist.c), not an inversion: its
 * draws must follow Exp(mean) bin by bin, the tail included. The bound is
 * the chi-square quantile of 1e-6 for 100 degrees of freedom (the last bin
 * is split), so a correct sampler fails once in a million seeds. The tail
 * is checked on its own: its share, and, the law being memoryless, a mean
 * excess over the tail's start of one mean, each within 4.5 standard
 * errors. Accepting every wedge, a strip area 0.3% off or dropping the
 * tail's exponential fails it (all three tried). */
static void exponential_draws_follow_the_exponential_law(void)
{
    const int n = 1000000;
    gsl_rng *r = stream(40);
    double share, excess;
    double chi2 = exponential_chi_square(r, 3.0, n, &share, &excess);
    double limit = gsl_cdf_chisq_Qinv(1e-6, 100);
    if (chi2 > limit)
        fprintf(stderr, "exponential: chi-square %.1f above %.1f\n", chi2, limit);
    CU_ASSERT(chi2 <= limit);
    double p = exp(-7.69711747013104972), se = sqrt(p * (1 - p) / n);
    if (fabs(share - p) > z_limit * se)
        fprintf(stderr, "exponential: tail share %.3g, expected %.3g\n", share, p);
    CU_ASSERT(fabs(share - p) <= z_limit * se);
    double excess_se = 1.0 / sqrt(n * p);   /* Exp(1) has sd 1 */
    if (!(fabs(excess - 1.0) <= z_limit * excess_se))
        fprintf(stderr, "exponential: mean excess in the tail %.3g, expected 1\n", excess);
    CU_ASSERT(fabs(excess - 1.0) <= z_limit * excess_se);
    gsl_rng_free(r);
}

/* Any GSL generator can feed it (through floor(U 2^32)), not only the
 * simulator's own streams. */
static void exponential_draws_from_another_generator_follow_the_law(void)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    gsl_rng_set(r, 41);
    double share, excess;
    double chi2 = exponential_chi_square(r, 0.5, 200000, &share, &excess);
    CU_ASSERT(chi2 <= gsl_cdf_chisq_Qinv(1e-6, 100));
    gsl_rng_free(r);
}

static void gamma_sample_mean_matches_shape_times_scale(void)
{
    double k = 2.5, theta = 3.0;
    sim_dist *d = sim_dist_new(SIM_DIST_GAMMA, k, theta);
    check_mean("gamma", d, k * theta, sqrt(k) * theta, 2);
    sim_dist_free(d);
}

static void lognormal_sample_mean_matches_exp_mu_plus_half_sigma_squared(void)
{
    double mu = 1.0, sigma = 0.5;
    double mean = exp(mu + sigma * sigma / 2);
    double sd = sqrt((exp(sigma * sigma) - 1) * exp(2 * mu + sigma * sigma));
    sim_dist *d = sim_dist_new(SIM_DIST_LOGNORMAL, mu, sigma);
    check_mean("lognormal", d, mean, sd, 3);
    sim_dist_free(d);
}

static void weibull_sample_mean_matches_scale_times_gamma_function(void)
{
    double k = 1.5, lambda = 10.0;   /* a = shape, b = scale */
    double g1 = tgamma(1 + 1 / k), g2 = tgamma(1 + 2 / k);
    sim_dist *d = sim_dist_new(SIM_DIST_WEIBULL, k, lambda);
    check_mean("weibull", d, lambda * g1, lambda * sqrt(g2 - g1 * g1), 4);
    sim_dist_free(d);
}

static void uniform_sample_mean_is_the_midpoint_and_draws_stay_in_range(void)
{
    sim_dist *d = sim_dist_new(SIM_DIST_UNIFORM, 2.0, 12.0);
    check_mean("uniform", d, 7.0, 10.0 / sqrt(12.0), 5);
    gsl_rng *r = stream(5);
    double lo, hi;
    sample_mean(d, r, 10000, &lo, &hi);
    CU_ASSERT(lo >= 2.0 && hi <= 12.0);
    gsl_rng_free(r);
    sim_dist_free(d);
}

static void fixed_always_draws_its_value(void)
{
    sim_dist *d = sim_dist_new(SIM_DIST_FIXED, 10.0, 0);
    check_mean("fixed", d, 10.0, 0.0, 6);
    sim_dist_free(d);
}

static void empirical_sample_mean_is_the_weighted_mean_of_its_values(void)
{
    const double values[] = {1.0, 5.0, 20.0};
    const double weights[] = {5.0, 3.0, 2.0};   /* normalised by the library */
    /* mean = 0.5 + 1.5 + 4 = 6; E[X^2] = 0.5 + 7.5 + 80 = 88; var = 52. */
    sim_dist *d = sim_dist_new_empirical(values, weights, 3);
    check_mean("empirical", d, 6.0, sqrt(52.0), 7);
    sim_dist *c = sim_dist_copy(d);   /* a copy is the same law */
    check_mean("empirical copy", c, 6.0, sqrt(52.0), 8);
    sim_dist_free(d);
    sim_dist_free(c);

    /* Without weights every value is equally likely: mean 26/3, and
     * E[X^2] = 426/3, var = 142 - 676/9 = 602/9. */
    d = sim_dist_new_empirical(values, NULL, 3);
    check_mean("empirical unweighted", d, 26.0 / 3.0, sqrt(602.0 / 9.0), 9);
    CU_ASSERT_EQUAL(sim_dist_get_kind(d), SIM_DIST_EMPIRICAL);
    sim_dist_free(d);
}

/* Mean of n remaining-time draws after `elapsed`, with the extremes. */
static double remaining_mean(const sim_dist *d, gsl_rng *r, double elapsed, int n,
                             double *lo, double *hi)
{
    double sum = 0;
    *lo = INFINITY;
    *hi = -INFINITY;
    for (int i = 0; i < n; i++) {
        double x = sim_dist_sample_remaining(d, r, elapsed);
        sum += x;
        if (x < *lo)
            *lo = x;
        if (x > *hi)
            *hi = x;
    }
    return sum / n;
}

static void exponential_remaining_time_has_the_same_mean(void)
{
    sim_dist *d = sim_dist_new(SIM_DIST_EXPONENTIAL, 3.0, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    gsl_rng *r = stream(11);
    double lo, hi;
    double m = remaining_mean(d, r, 50.0, N_DRAWS, &lo, &hi);
    CU_ASSERT(fabs(m - 3.0) <= z_limit * 3.0 / sqrt((double)N_DRAWS));
    CU_ASSERT(lo >= 0);
    gsl_rng_free(r);
    sim_dist_free(d);
}

static void uniform_0_10_after_6_leaves_a_uniform_0_4(void)
{
    sim_dist *d = sim_dist_new(SIM_DIST_UNIFORM, 0.0, 10.0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    gsl_rng *r = stream(12);
    double lo, hi;
    double m = remaining_mean(d, r, 6.0, N_DRAWS, &lo, &hi);
    CU_ASSERT(fabs(m - 2.0) <= z_limit * (4.0 / sqrt(12.0)) / sqrt((double)N_DRAWS));
    CU_ASSERT(lo >= 0.0);
    CU_ASSERT(hi <= 4.0 + 1e-9);
    CU_ASSERT(hi > 3.9);   /* the whole of (0, 4) is reached */
    CU_ASSERT(lo < 0.1);
    /* Past the support the duration is already over. */
    CU_ASSERT_EQUAL(sim_dist_sample_remaining(d, r, 10.0), 0.0);
    CU_ASSERT_EQUAL(sim_dist_sample_remaining(d, r, 11.0), 0.0);
    gsl_rng_free(r);
    sim_dist_free(d);
}

static void fixed_10_after_4_leaves_exactly_6(void)
{
    sim_dist *d = sim_dist_new(SIM_DIST_FIXED, 10.0, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    gsl_rng *r = stream(13);
    CU_ASSERT_EQUAL(sim_dist_sample_remaining(d, r, 4.0), 6.0);
    CU_ASSERT_EQUAL(sim_dist_sample_remaining(d, r, 0.0), 10.0);
    CU_ASSERT_EQUAL(sim_dist_sample_remaining(d, r, 10.0), 0.0);
    CU_ASSERT_EQUAL(sim_dist_sample_remaining(d, r, 12.0), 0.0);
    gsl_rng_free(r);
    sim_dist_free(d);
}

static void empirical_remaining_time_excludes_values_not_above_elapsed(void)
{
    const double values[] = {1.0, 5.0, 20.0};
    const double weights[] = {5.0, 3.0, 2.0};
    sim_dist *d = sim_dist_new_empirical(values, weights, 3);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    gsl_rng *r = stream(14);
    /* Exactly at a value: that value is excluded, only 20 remains. */
    int not_15 = 0;
    for (int i = 0; i < 1000; i++)
        not_15 += sim_dist_sample_remaining(d, r, 5.0) != 15.0;
    CU_ASSERT_EQUAL(not_15, 0);
    /* After 2: 5 and 20 remain with weights 3:2, so 3 w.p. 0.6, 18 w.p. 0.4;
     * mean 9, sd = 15 * sqrt(0.24). */
    int n = N_DRAWS, other = 0;
    double sum = 0;
    for (int i = 0; i < n; i++) {
        double x = sim_dist_sample_remaining(d, r, 2.0);
        if (x != 3.0 && x != 18.0)
            other++;
        sum += x;
    }
    CU_ASSERT_EQUAL(other, 0);
    CU_ASSERT(fabs(sum / n - 9.0) <= z_limit * 15.0 * sqrt(0.24) / sqrt((double)n));
    CU_ASSERT_EQUAL(sim_dist_sample_remaining(d, r, 20.0), 0.0);
    CU_ASSERT_EQUAL(sim_dist_sample_remaining(d, r, 25.0), 0.0);
    gsl_rng_free(r);
    sim_dist_free(d);

    /* The excluded value's weight must not leak to the others: after
     * exactly 5, the values 20 and 30 stay equally likely (mean remaining
     * 20, sd 5). */
    const double four[] = {1.0, 5.0, 20.0, 30.0};
    d = sim_dist_new_empirical(four, NULL, 4);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    r = stream(15);
    sum = 0;
    other = 0;
    for (int i = 0; i < n; i++) {
        double x = sim_dist_sample_remaining(d, r, 5.0);
        if (x != 15.0 && x != 25.0)
            other++;
        sum += x;
    }
    CU_ASSERT_EQUAL(other, 0);
    CU_ASSERT(fabs(sum / n - 20.0) <= z_limit * 5.0 / sqrt((double)n));
    gsl_rng_free(r);
    sim_dist_free(d);
}

/* For the laws drawn by inversion, compare with the definition: draw X
 * until X > elapsed and keep X - elapsed. Two independent sample means
 * must agree within 4.5 standard errors of their difference. */
static void check_remaining_by_rejection(const char *what, sim_dist *d, double elapsed,
                                         unsigned long source)
{
    enum { N = 40000 };
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    gsl_rng *r = stream(source);
    double s1 = 0, q1 = 0, s2 = 0, q2 = 0;
    int negative = 0;
    for (int i = 0; i < N; i++) {
        double x = sim_dist_sample_remaining(d, r, elapsed);
        negative += x < 0;
        s1 += x;
        q1 += x * x;
        /* Bounded, so that a law with almost no mass above `elapsed` (a
         * parameterisation bug) fails instead of hanging. */
        double y = elapsed;
        for (int tries = 0; tries < 10000 && !(y > elapsed); tries++)
            y = sim_dist_sample(d, r);
        if (!(y > elapsed)) {
            CU_FAIL("rejection sampling found no draw above elapsed");
            break;
        }
        s2 += y - elapsed;
        q2 += (y - elapsed) * (y - elapsed);
    }
    double m1 = s1 / N, m2 = s2 / N;
    double v1 = q1 / N - m1 * m1, v2 = q2 / N - m2 * m2;
    double z = (m1 - m2) / sqrt((v1 + v2) / N);
    if (fabs(z) > z_limit)
        fprintf(stderr, "%s: inversion mean %.6g, rejection mean %.6g, z = %.2f\n", what, m1, m2, z);
    CU_ASSERT(fabs(z) <= z_limit);
    CU_ASSERT_EQUAL(negative, 0);
    gsl_rng_free(r);
}

static void gamma_lognormal_weibull_remaining_times_match_rejection_sampling(void)
{
    sim_dist *g = sim_dist_new(SIM_DIST_GAMMA, 2.5, 3.0);
    sim_dist *l = sim_dist_new(SIM_DIST_LOGNORMAL, 1.0, 0.5);
    sim_dist *w = sim_dist_new(SIM_DIST_WEIBULL, 1.5, 10.0);
    check_remaining_by_rejection("gamma", g, 9.0, 21);
    check_remaining_by_rejection("lognormal", l, 3.0, 22);
    check_remaining_by_rejection("weibull", w, 12.0, 23);
    sim_dist_free(g);
    sim_dist_free(l);
    sim_dist_free(w);
}

/* A Weibull of shape 1 is exponential: memoryless, so the remaining time
 * after any elapsed time has the scale as mean. */
static void weibull_of_shape_one_is_memoryless(void)
{
    sim_dist *d = sim_dist_new(SIM_DIST_WEIBULL, 1.0, 4.0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    gsl_rng *r = stream(24);
    double lo, hi;
    int n = 50000;
    double m = remaining_mean(d, r, 7.0, n, &lo, &hi);
    CU_ASSERT(fabs(m - 4.0) <= z_limit * 4.0 / sqrt((double)n));
    gsl_rng_free(r);
    sim_dist_free(d);
}

static void same_seed_gives_the_same_draws(void)
{
    sim_dist *d = sim_dist_new(SIM_DIST_GAMMA, 2.5, 3.0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(d);
    gsl_rng *a = stream(30), *b = stream(30), *c = stream(31);
    int differ_same = 0, differ_other = 0;
    for (int i = 0; i < 100; i++) {
        double x = sim_dist_sample(d, a), y = sim_dist_sample(d, b), z = sim_dist_sample(d, c);
        differ_same += x != y;
        differ_other += x != z;
    }
    CU_ASSERT_EQUAL(differ_same, 0);
    CU_ASSERT(differ_other > 90);
    gsl_rng_free(a);
    gsl_rng_free(b);
    gsl_rng_free(c);
    sim_dist_free(d);
}

static const cu_table_test tests[] = {
    {"exponential_sample_mean_matches_its_mean", exponential_sample_mean_matches_its_mean},
    {"exponential_draws_follow_the_exponential_law", exponential_draws_follow_the_exponential_law},
    {"exponential_draws_from_another_generator_follow_the_law",
     exponential_draws_from_another_generator_follow_the_law},
    {"gamma_sample_mean_matches_shape_times_scale", gamma_sample_mean_matches_shape_times_scale},
    {"lognormal_sample_mean_matches_exp_mu_plus_half_sigma_squared",
     lognormal_sample_mean_matches_exp_mu_plus_half_sigma_squared},
    {"weibull_sample_mean_matches_scale_times_gamma_function",
     weibull_sample_mean_matches_scale_times_gamma_function},
    {"uniform_sample_mean_is_the_midpoint_and_draws_stay_in_range",
     uniform_sample_mean_is_the_midpoint_and_draws_stay_in_range},
    {"fixed_always_draws_its_value", fixed_always_draws_its_value},
    {"empirical_sample_mean_is_the_weighted_mean_of_its_values",
     empirical_sample_mean_is_the_weighted_mean_of_its_values},
    {"exponential_remaining_time_has_the_same_mean", exponential_remaining_time_has_the_same_mean},
    {"uniform_0_10_after_6_leaves_a_uniform_0_4", uniform_0_10_after_6_leaves_a_uniform_0_4},
    {"fixed_10_after_4_leaves_exactly_6", fixed_10_after_4_leaves_exactly_6},
    {"empirical_remaining_time_excludes_values_not_above_elapsed",
     empirical_remaining_time_excludes_values_not_above_elapsed},
    {"gamma_lognormal_weibull_remaining_times_match_rejection_sampling",
     gamma_lognormal_weibull_remaining_times_match_rejection_sampling},
    {"weibull_of_shape_one_is_memoryless", weibull_of_shape_one_is_memoryless},
    {"same_seed_gives_the_same_draws", same_seed_gives_the_same_draws},
};

int main(void)
{
    return cu_table_run("dist", tests, sizeof tests / sizeof tests[0]);
}
