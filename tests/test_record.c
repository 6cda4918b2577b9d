/* test_record.c -- the recorder's census: its quantiles and shares. */
#include "sim/record.h"

#include "cu_table.h"

#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static const double quantile_of[] = {0.10, 0.25, 0.50, 0.75, 0.90};

/* The census quantiles are selected, not sorted: they must be those of the
 * sorted data to the bit (outputs keep their bytes), for every size from
 * one person, with ties, and for data in any order. */
static void census_quantiles_are_those_of_the_sorted_stage(void)
{
    sim_record *rec = sim_record_new(1, 0, NULL, 0, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    enum { MAX_N = 2000 };
    double *x = malloc(MAX_N * sizeof *x), *sorted = malloc(MAX_N * sizeof *sorted);
    CU_ASSERT_PTR_NOT_NULL_FATAL(x);
    CU_ASSERT_PTR_NOT_NULL_FATAL(sorted);
    int checked = 0;
    for (size_t n = 1; n <= MAX_N; n = n < 64 ? n + 1 : n * 3 / 2 + 1) {
        for (int layout = 0; layout < 3; layout++) {
            for (size_t i = 0; i < n; i++) {
                double u = gsl_rng_uniform(r) * 1000.0;
                /* 0: distinct; 1: many ties (whole days); 2: decreasing,
                 * as a stage's members listed by entry would be. */
                x[i] = layout == 0 ? u : layout == 1 ? floor(u / 50.0) : (double)(n - i) * 0.5;
            }
            memcpy(sorted, x, n * sizeof *x);
            gsl_sort(sorted, 1, n);
            sim_record_census(rec, 0, 0, x, n);
            const double *row = sim_record_census_row(rec, 0, 0);
            CU_ASSERT_EQUAL(row[SIM_CENSUS_COUNT], (double)n);
            for (int q = 0; q < 5; q++) {
                double want = gsl_stats_quantile_from_sorted_data(sorted, 1, n, quantile_of[q]);
                if (memcmp(&row[SIM_CENSUS_P10 + q], &want, sizeof want) != 0) {
                    CU_FAIL("a census quantile differs from the sorted data's");
                    goto done;
                }
            }
            checked++;
        }
    }
    CU_ASSERT(checked > 200);
done:
    free(x);
    free(sorted);
    gsl_rng_free(r);
    sim_record_free(rec);
}

static void census_shares_count_those_strictly_above_each_bound(void)
{
    sim_record *rec = sim_record_new(1, 0, NULL, 0, 1);
    CU_ASSERT_PTR_NOT_NULL_FATAL(rec);
    double x[] = {731, 10, 30, 365, 91, 200, 31, 730};
    sim_record_census(rec, 0, 0, x, 8);
    const double *row = sim_record_census_row(rec, 0, 0);
    CU_ASSERT_DOUBLE_EQUAL(row[SIM_CENSUS_GT_30], 6.0 / 8, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(row[SIM_CENSUS_GT_91], 4.0 / 8, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(row[SIM_CENSUS_GT_182], 4.0 / 8, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(row[SIM_CENSUS_GT_365], 2.0 / 8, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(row[SIM_CENSUS_GT_730], 1.0 / 8, 1e-15);
    CU_ASSERT_DOUBLE_EQUAL(row[SIM_CENSUS_P50], (91.0 + 200.0) / 2, 1e-12);
    sim_record_census(rec, 0, 0, x, 0);
    CU_ASSERT_EQUAL(row[SIM_CENSUS_COUNT], 0.0);
    CU_ASSERT(isnan(row[SIM_CENSUS_P50]));
    sim_record_free(rec);
}

static const cu_table_test tests[] = {
    {"census_quantiles_are_those_of_the_sorted_stage", census_quantiles_are_those_of_the_sorted_stage},
    {"census_shares_count_those_strictly_above_each_bound", census_shares_count_those_strictly_above_each_bound},
};

int main(void)
{
    return cu_table_run("record", tests, sizeof tests / sizeof tests[0]);
}
