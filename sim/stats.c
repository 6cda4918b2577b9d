/* stats.c -- Welford tallies and across-replication summaries (GSL). */
#include "sim/stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>

void sim_tally_add(sim_tally *t, double x)
{
    t->n += 1;
    double d = x - t->mean;
    t->mean += d / t->n;
    t->m2 += d * (x - t->mean);
}

double sim_tally_var(const sim_tally *t)
{
    return t->n > 1 ? t->m2 / (t->n - 1) : 0.0;
}

double sim_t975(double df)
{
    static _Thread_local double last_df = -1, last_q;
    if (df != last_df) {
        last_q = gsl_cdf_tdist_Pinv(0.975, df);
        last_df = df;
    }
    return last_q;
}

double sim_tally_ci95_half(const sim_tally *t)
{
    if (t->n < 2)
        return 0.0;
    return sim_t975(t->n - 1) * sqrt(sim_tally_var(t) / t->n);
}

void sim_summary_of(double *values, size_t n, sim_summary *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(values[i]))
            values[k++] = values[i];
    out->n = k;
    if (k == 0) {
        out->mean = out->sd = out->ci95_low = out->ci95_high = NAN;
        out->p5 = out->p50 = out->p95 = NAN;
        return;
    }
    out->mean = gsl_stats_mean(values, 1, k);
    out->sd = k > 1 ? gsl_stats_sd_m(values, 1, k, out->mean) : 0.0;
    double half = k > 1 ? sim_t975((double)k - 1) * out->sd / sqrt((double)k) : 0.0;
    out->ci95_low = out->mean - half;
    out->ci95_high = out->mean + half;
    gsl_sort(values, 1, k);
    out->p5 = gsl_stats_quantile_from_sorted_data(values, 1, k, 0.05);
    out->p50 = gsl_stats_quantile_from_sorted_data(values, 1, k, 0.50);
    out->p95 = gsl_stats_quantile_from_sorted_data(values, 1, k, 0.95);
}
