/* test_csv.c -- CSV cells: csv_number writes exactly what "%.10g" writes
 * (its integer shortcut included), NaN as an empty cell, and csv_field
 * quotes only the fields that need it. */
#include "app/csv.h"

#include "cu_table.h"

#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What csv_number writes for v, as a string. */
static void via_csv(double v, char *out, size_t size)
{
    FILE *f = fmemopen(out, size, "w");
    CU_ASSERT_PTR_NOT_NULL_FATAL(f);
    csv_number(f, v);
    long len = ftell(f);
    fclose(f);
    out[len >= 0 && (size_t)len < size ? (size_t)len : 0] = '\0';
}

/* Counts the values among n whose cell differs from "%.10g". */
static int mismatches(const double *v, size_t n)
{
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        char got[64] = {0}, want[64];
        via_csv(v[i], got, sizeof got);
        snprintf(want, sizeof want, "%.10g", v[i]);
        if (strcmp(got, want) != 0) {
            if (bad < 5)
                fprintf(stderr, "csv_number(%.17g) wrote '%s', %%.10g gives '%s'\n", v[i], got, want);
            bad++;
        }
    }
    return bad;
}

static void integers_and_their_neighbours_match_printf(void)
{
    static const double v[] = {
        0.0, 1.0, -1.0, 7.0, 10.0, 26.0, 100.0, 680.0, -680.0, 1e9, -1e9,
        9999999999.0, -9999999999.0, 1e10, -1e10, 1e10 + 1, 12345678901.0,
        1e15, 1e300, -1e300, 4503599627370496.0, 9007199254740993.0,
        0.5, -0.5, 1.5, 2.5, 0.1, 680.8887367, 1e-5, 1e-300, 5e-324,
        9999999999.5, 9999999999.4, 9999999998.9999990, INFINITY, -INFINITY,
    };
    CU_ASSERT_EQUAL(mismatches(v, sizeof v / sizeof v[0]), 0);
    double around[4000];
    size_t n = 0;
    for (int k = -1000; k < 1000; k++) {
        around[n++] = (double)k;
        around[n++] = nextafter((double)k, k < 0 ? -INFINITY : INFINITY);
    }
    CU_ASSERT_EQUAL(mismatches(around, n), 0);
}

/* Random integers of every length and random fractions, from a fixed
 * stream. */
static void random_values_match_printf(void)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 12345);
    enum { N = 200000 };
    double *v = malloc(N * sizeof *v);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    for (size_t i = 0; i < N; i++) {
        double scale = pow(10.0, (double)gsl_rng_uniform_int(r, 23) - 6);
        double x = (gsl_rng_uniform(r) - 0.5) * 2 * scale;
        v[i] = i % 2 ? floor(x) : x;
    }
    CU_ASSERT_EQUAL(mismatches(v, N), 0);
    free(v);
    gsl_rng_free(r);
}

static void nan_is_an_empty_cell_and_negative_zero_keeps_its_sign(void)
{
    char got[16] = "unchanged";
    via_csv(NAN, got, sizeof got);
    CU_ASSERT_STRING_EQUAL(got, "");
    via_csv(-0.0, got, sizeof got);
    CU_ASSERT_STRING_EQUAL(got, "-0");
}

static void fields_are_quoted_only_when_needed(void)
{
    static const struct { const char *in, *out; } cases[] = {
        {"street", "street"},
        {"a,b", "\"a,b\""},
        {"say \"hi\"", "\"say \"\"hi\"\"\""},
        {"two\nlines", "\"two\nlines\""},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char got[64] = {0};
        FILE *f = fmemopen(got, sizeof got, "w");
        CU_ASSERT_PTR_NOT_NULL_FATAL(f);
        csv_field(f, cases[i].in);
        fclose(f);
        CU_ASSERT_STRING_EQUAL(got, cases[i].out);
    }
}

static const cu_table_test tests[] = {
    {"integers_and_their_neighbours_match_printf", integers_and_their_neighbours_match_printf},
    {"random_values_match_printf", random_values_match_printf},
    {"nan_is_an_empty_cell_and_negative_zero_keeps_its_sign",
     nan_is_an_empty_cell_and_negative_zero_keeps_its_sign},
    {"fields_are_quoted_only_when_needed", fields_are_quoted_only_when_needed},
};

int main(void)
{
    return cu_table_run("csv", tests, sizeof tests / sizeof tests[0]);
}
