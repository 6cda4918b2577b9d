/* test_numtext.c -- numtext_g writes exactly what printf's "%.*g" writes,
 * and numtext_json exactly what cJSON prints, for doubles of every kind:
 * random bit patterns (subnormals, huge values), the magnitudes of the
 * outputs, exact decimal ties (which glibc rounds to even) and values a
 * hair from a tie, where a rounding done in floating point would slip. */
#include "app/numtext.h"

#include "cu_table.h"

#include <cjson/cJSON.h>
#include <float.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const int precisions[] = {1, 2, 6, 10, 15, 17};
enum { N_PRECISIONS = sizeof precisions / sizeof precisions[0] };

/* Counts the (value, precision) pairs where numtext_g differs from printf. */
static long g_mismatches(const double *v, size_t n)
{
    long bad = 0;
    for (size_t i = 0; i < n; i++)
        for (int k = 0; k < N_PRECISIONS; k++) {
            char want[64], got[NUMTEXT_SIZE];
            int p = precisions[k];
            int want_len = snprintf(want, sizeof want, "%.*g", p, v[i]);
            int got_len = numtext_g(v[i], p, got);
            if (strcmp(got, want) != 0 || got_len != want_len) {
                if (bad < 5)
                    fprintf(stderr, "numtext_g(%.17g, %d) wrote '%s', printf '%s'\n", v[i], p, got, want);
                bad++;
            }
        }
    return bad;
}

/* Counts the values where numtext_json differs from cJSON's printer.
 * Negative zero is left out: cJSON releases differ on it (see below). */
static long json_mismatches(const double *v, size_t n)
{
    long bad = 0;
    for (size_t i = 0; i < n; i++) {
        if (v[i] == 0 && signbit(v[i]))
            continue;
        char got[NUMTEXT_SIZE];
        cJSON *item = cJSON_CreateNumber(v[i]);
        CU_ASSERT_PTR_NOT_NULL_FATAL(item);
        char *want = cJSON_PrintUnformatted(item);
        CU_ASSERT_PTR_NOT_NULL_FATAL(want);
        int got_len = numtext_json(v[i], got);
        if (strcmp(got, want) != 0 || got_len != (int)strlen(want)) {
            if (bad < 5)
                fprintf(stderr, "numtext_json(%.17g) wrote '%s', cJSON '%s'\n", v[i], got, want);
            bad++;
        }
        cJSON_free(want);
        cJSON_Delete(item);
    }
    return bad;
}

static void check_all(const double *v, size_t n)
{
    CU_ASSERT_EQUAL(g_mismatches(v, n), 0);
    CU_ASSERT_EQUAL(json_mismatches(v, n), 0);
}

static void special_values_match(void)
{
    static const double v[] = {
        0.0, -0.0, INFINITY, -INFINITY, NAN, 5e-324, 1e-320, DBL_MIN, DBL_MAX, -DBL_MAX,
        1.0, -1.0, 0.5, 1.5, 2.5, 0.125, 0.375, 0.1, 0.2, 0.3, 1e-5, 1e-4, 0.0001, 9.99999999995e-5,
        9999999999.5, 0.99999999995, 99999.5, 1e15, 1e16, 1e17, 1e21, 1e22, 1e23, 1e31, 1e32,
        123456789012345678.0, 2147483647.0, -2147483648.0, 2147483648.0, 4503599627370496.5,
        9007199254740993.0, 680.8887367, 0.9501370956, 1e-13, 1e-14, 1e300, -1e-300,
    };
    check_all(v, sizeof v / sizeof v[0]);
}

/* Checks N values v[i] = value(r, i) from a fixed stream. */
static void check_stream(unsigned long seed, double (*value)(gsl_rng *r, size_t i))
{
    enum { N = 60000 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    double *v = malloc(N * sizeof *v);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    CU_ASSERT_PTR_NOT_NULL_FATAL(v);
    gsl_rng_set(r, seed);
    for (size_t i = 0; i < N; i++)
        v[i] = value(r, i);
    check_all(v, N);
    free(v);
    gsl_rng_free(r);
}

/* A double from a random bit pattern, or a uniform scaled to the
 * magnitudes the outputs hold (1e-20 to 1e20). */
static double random_double(gsl_rng *r, size_t i)
{
    if (i % 3 == 0) {
        uint64_t bits = (uint64_t)gsl_rng_get(r) << 32 | (uint64_t)gsl_rng_get(r);
        double v;
        memcpy(&v, &bits, sizeof bits);
        return v;
    }
    double scale = pow(10.0, (double)gsl_rng_uniform_int(r, 41) - 20);
    return (gsl_rng_uniform(r) - 0.5) * 2 * scale;
}

/* k / 2^j has a finite decimal expansion, so rounding it to p digits often
 * meets an exact tie; and the neighbours of short decimals sit a hair from
 * one. */
static double tie_or_near_tie(gsl_rng *r, size_t i)
{
    switch (i % 4) {
    case 0:
        return (double)gsl_rng_uniform_int(r, 100000) / ldexp(1.0, (int)gsl_rng_uniform_int(r, 40));
    case 1:
        return -(double)gsl_rng_uniform_int(r, 4000000000u) / 8.0;
    case 2:
        return nextafter(round(gsl_rng_uniform(r) * 1e9) / 1e9, 2.0);
    default:
        return nextafter((double)gsl_rng_uniform_int(r, 1000000) + 0.5, 0.0);
    }
}

static void random_doubles_match(void)
{
    check_stream(2026, random_double);
}

static void ties_and_near_ties_match(void)
{
    check_stream(7, tie_or_near_tie);
}

/* The rule cJSON 1.7.15 follows, written out: %1.15g when it reads back
 * within DBL_EPSILON, else %1.17g; null for what JSON cannot hold; and
 * negative zero as "-0" (later cJSON releases print it as 0). */
static void json_rule_is_the_documented_one(void)
{
    char got[NUMTEXT_SIZE];
    numtext_json(0.1, got);
    CU_ASSERT_STRING_EQUAL(got, "0.1");
    numtext_json(1.0 / 3.0, got);
    CU_ASSERT_STRING_EQUAL(got, "0.33333333333333331");
    numtext_json(NAN, got);
    CU_ASSERT_STRING_EQUAL(got, "null");
    numtext_json(-INFINITY, got);
    CU_ASSERT_STRING_EQUAL(got, "null");
    numtext_json(-0.0, got);
    CU_ASSERT_STRING_EQUAL(got, "-0");
    numtext_json(1e20, got);
    CU_ASSERT_STRING_EQUAL(got, "1e+20");
}

static const cu_table_test tests[] = {
    {"special_values_match", special_values_match},
    {"random_doubles_match", random_doubles_match},
    {"ties_and_near_ties_match", ties_and_near_ties_match},
    {"json_rule_is_the_documented_one", json_rule_is_the_documented_one},
};

int main(void)
{
    return cu_table_run("numtext", tests, sizeof tests / sizeof tests[0]);
}
