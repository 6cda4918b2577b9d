/* test_stats.c -- sim/stats.c: Welford tallies, Student's t and the
 * summaries across replications. Every confidence interval parcours writes
 * comes from these. They are checked against GSL's batch statistics and
 * published t quantiles, and by the coverage of the interval itself. */
#include "sim/rng.h"
#include "sim/stats.h"
#include "tests/cu_table.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>

/* The tally of values around 1e9 whose spread is about 1: a one-pass
 * sum-of-squares formula loses every digit of the variance there, Welford's
 * update keeps it. GSL's two-pass variance is the reference. */
static void tally_agrees_with_two_pass_variance_when_the_mean_is_large(void)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    enum { N = 10000 };
    static double x[N];
    sim_tally t = {0, 0, 0};
    for (int i = 0; i < N; i++) {
        x[i] = 1e9 + gsl_ran_gaussian(r, 1.0);
        sim_tally_add(&t, x[i]);
    }
    CU_ASSERT_EQUAL(t.n, N);
    CU_ASSERT_DOUBLE_EQUAL(t.mean, gsl_stats_mean(x, 1, N), 1e-6);
    double var = gsl_stats_variance(x, 1, N);
    CU_ASSERT_DOUBLE_EQUAL(sim_tally_var(&t), var, 1e-6 * var);
    gsl_rng_free(r);
}

static void tally_of_fewer_than_two_values_has_no_spread(void)
{
    sim_tally t = {0, 0, 0};
    CU_ASSERT_EQUAL(sim_tally_var(&t), 0.0);
    CU_ASSERT_EQUAL(sim_tally_ci95_half(&t), 0.0);
    sim_tally_add(&t, 42.0);
    CU_ASSERT_EQUAL(t.mean, 42.0);
    CU_ASSERT_EQUAL(sim_tally_var(&t), 0.0);
    CU_ASSERT_EQUAL(sim_tally_ci95_half(&t), 0.0);
}

/* Published quantiles t(0.975; df), and the same values whatever the order
 * in which the degrees of freedom are asked (the last one is remembered). */
static void t975_gives_the_published_quantiles_in_any_order(void)
{
    static const struct {
        double df, q;
    } table[] = {{1, 12.7062047}, {2, 4.3026527}, {4, 2.7764451}, {9, 2.2621572},
                 {29, 2.0452296}, {99, 1.9842169}, {1e6, 1.9599664}};
    size_t n = sizeof table / sizeof table[0];
    for (int pass = 0; pass < 2; pass++) {
        for (size_t k = 0; k < n; k++) {
            size_t i = pass == 0 ? k : n - 1 - k;   /* forwards, then backwards */
            CU_ASSERT_DOUBLE_EQUAL(sim_t975(table[i].df), table[i].q, 1e-6);
            CU_ASSERT_DOUBLE_EQUAL(sim_t975(table[i].df), gsl_cdf_tdist_Pinv(0.975, table[i].df), 0);
        }
    }
}

/* 1, 2, 3, 4, 5: mean 3, sd sqrt(2.5), half-width t(0.975; 4) sd / sqrt(5);
 * quantiles by GSL's linear interpolation between order statistics. */
static void summary_of_one_to_five(void)
{
    double v[] = {5, 3, 1, 4, 2};
    sim_summary s;
    sim_summary_of(v, 5, &s);
    double half = 2.7764451 * sqrt(2.5) / sqrt(5.0);
    CU_ASSERT_EQUAL(s.n, 5);
    CU_ASSERT_DOUBLE_EQUAL(s.mean, 3.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(s.sd, sqrt(2.5), 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(s.ci95_low, 3.0 - half, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(s.ci95_high, 3.0 + half, 1e-6);
    CU_ASSERT_DOUBLE_EQUAL(s.p5, 1.2, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(s.p50, 3.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(s.p95, 4.8, 1e-12);
}

/* A replication that could not measure a metric (no exit, so no stay)
 * gives NaN; the summary is that of the others, and n says how many. */
static void summary_skips_nan_and_counts_the_rest(void)
{
    double with_nan[] = {NAN, 5, 3, NAN, 1, 4, 2, NAN};
    double plain[] = {5, 3, 1, 4, 2};
    sim_summary a, b;
    sim_summary_of(with_nan, 8, &a);
    sim_summary_of(plain, 5, &b);
    CU_ASSERT_EQUAL(a.n, 5);
    CU_ASSERT_EQUAL(a.mean, b.mean);
    CU_ASSERT_EQUAL(a.sd, b.sd);
    CU_ASSERT_EQUAL(a.ci95_low, b.ci95_low);
    CU_ASSERT_EQUAL(a.ci95_high, b.ci95_high);
    CU_ASSERT_EQUAL(a.p5, b.p5);
    CU_ASSERT_EQUAL(a.p95, b.p95);
}

static void summary_of_one_value_collapses_and_of_none_is_nan(void)
{
    double one[] = {NAN, 7.5};
    sim_summary s;
    sim_summary_of(one, 2, &s);
    CU_ASSERT_EQUAL(s.n, 1);
    CU_ASSERT_EQUAL(s.mean, 7.5);
    CU_ASSERT_EQUAL(s.sd, 0.0);
    CU_ASSERT_EQUAL(s.ci95_low, 7.5);
    CU_ASSERT_EQUAL(s.ci95_high, 7.5);
    CU_ASSERT_EQUAL(s.p5, 7.5);
    CU_ASSERT_EQUAL(s.p95, 7.5);
    double none[] = {NAN, NAN};
    sim_summary_of(none, 2, &s);
    CU_ASSERT_EQUAL(s.n, 0);
    CU_ASSERT(isnan(s.mean) && isnan(s.sd) && isnan(s.ci95_low) && isnan(s.ci95_high));
    CU_ASSERT(isnan(s.p5) && isnan(s.p50) && isnan(s.p95));
    sim_summary_of(none, 0, &s);
    CU_ASSERT_EQUAL(s.n, 0);
    CU_ASSERT(isnan(s.mean));
}

/* What the interval is for: over many samples of 5 normal values (the
 * smallest batches parcours summarises), the 95% interval holds the true
 * mean in 95% of them. With COUNT samples the share has a standard error of
 * sqrt(0.95 x 0.05 / COUNT) = 0.0034; the test allows 3.5 of them. With
 * this seed the interval covers 95.3%. Using 1.96 instead of
 * t(0.975; 4) = 2.78 it covers 87.4%, and with the population sd (n instead
 * of n - 1) 93.2%: both fail. The tally's half-width must agree with the
 * summary's. Fixed seed. */
static void summary_interval_covers_the_true_mean_95_percent_of_the_time(void)
{
    enum { COUNT = 4000, K = 5 };
    gsl_rng *r = sim_rng_new(20261207, 0, 0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    int covered = 0;
    for (int i = 0; i < COUNT; i++) {
        double v[K];
        sim_tally t = {0, 0, 0};
        for (int k = 0; k < K; k++) {
            v[k] = 10.0 + gsl_ran_gaussian_ziggurat(r, 2.0);
            sim_tally_add(&t, v[k]);
        }
        sim_summary s;
        sim_summary_of(v, K, &s);
        CU_ASSERT_DOUBLE_EQUAL(sim_tally_ci95_half(&t), s.ci95_high - s.mean, 1e-9);
        if (s.ci95_low <= 10.0 && 10.0 <= s.ci95_high)
            covered++;
    }
    double share = (double)covered / COUNT;
    double se = sqrt(0.95 * 0.05 / COUNT);
    CU_ASSERT(fabs(share - 0.95) <= 3.5 * se);
    if (fabs(share - 0.95) > 3.5 * se)
        fprintf(stderr, "coverage %.4f, expected 0.95 +- %.4f\n", share, 3.5 * se);
    gsl_rng_free(r);
}

static const cu_table_test tests[] = {
    {"tally_agrees_with_two_pass_variance_when_the_mean_is_large",
     tally_agrees_with_two_pass_variance_when_the_mean_is_large},
    {"tally_of_fewer_than_two_values_has_no_spread", tally_of_fewer_than_two_values_has_no_spread},
    {"t975_gives_the_published_quantiles_in_any_order", t975_gives_the_published_quantiles_in_any_order},
    {"summary_of_one_to_five", summary_of_one_to_five},
    {"summary_skips_nan_and_counts_the_rest", summary_skips_nan_and_counts_the_rest},
    {"summary_of_one_value_collapses_and_of_none_is_nan", summary_of_one_value_collapses_and_of_none_is_nan},
    {"summary_interval_covers_the_true_mean_95_percent_of_the_time",
     summary_interval_covers_the_true_mean_95_percent_of_the_time},
};

int main(void)
{
    return cu_table_run("stats", tests, sizeof tests / sizeof tests[0]);
}
