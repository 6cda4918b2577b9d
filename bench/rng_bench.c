/* rng_bench.c -- cost of one draw from sim_mrg_type versus GSL's MT19937.
 *
 * Times sim_rng_uniform and sim_dist_exponential, which is how the
 * simulator's handlers draw (the MRG32k3a step inlined; any other
 * generator through GSL's call), and gsl_ran_exponential (inversion with
 * log1p, through GSL) for comparison. The draws of a loop are independent,
 * so the figures are throughput, not the latency of one draw. Usage:
 * rng_bench [draws]  (default 1e8 per cell). Not a test: timings depend on
 * the machine and its load. */
#define _POSIX_C_SOURCE 199309L

#include "sim/dist.h"
#include "sim/rng.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The three draws timed. */
enum { DRAW_UNIFORM, DRAW_EXPONENTIAL, DRAW_GSL_EXPONENTIAL };

static double draw(int what, gsl_rng *r)
{
    switch (what) {
    case DRAW_UNIFORM: return sim_rng_uniform(r);
    case DRAW_EXPONENTIAL: return sim_dist_exponential(r, 1.0);
    default: return gsl_ran_exponential(r, 1.0);
    }
}

/* ns per draw. `what` is a constant at each call, so the compiler
 * specialises the loop and the switch costs nothing inside it. The sums
 * are printed so the compiler cannot drop the loops. */
static double time_draws(int what, gsl_rng *r, long n, double *sum)
{
    double s = 0.0;
    double t0 = now_seconds();
    for (long i = 0; i < n; i++)
        s += draw(what, r);
    double t1 = now_seconds();
    *sum = s;
    return 1e9 * (t1 - t0) / (double)n;
}

static int bench_one(const gsl_rng_type *type, long n)
{
    gsl_rng *r = gsl_rng_alloc(type);
    if (r == NULL) {
        fprintf(stderr, "cannot allocate %s\n", type->name);
        return -1;
    }
    gsl_rng_set(r, 12345);
    double su, se, sg;
    double ns_u = time_draws(DRAW_UNIFORM, r, n, &su);
    double ns_e = time_draws(DRAW_EXPONENTIAL, r, n, &se);
    double ns_g = time_draws(DRAW_GSL_EXPONENTIAL, r, n, &sg);
    printf("%-18s %14.2f %18.2f %22.2f   (means %.5f %.5f %.5f)\n", gsl_rng_name(r), ns_u, ns_e, ns_g,
           su / (double)n, se / (double)n, sg / (double)n);
    gsl_rng_free(r);
    return 0;
}

int main(int argc, char **argv)
{
    long n = 100000000L;
    if (argc > 1) {
        n = strtol(argv[1], NULL, 10);
        if (n <= 0) {
            fprintf(stderr, "usage: %s [draws > 0]\n", argv[0]);
            return 2;
        }
    }
    printf("%ld draws per cell\n", n);
    printf("%-18s %14s %18s %22s\n", "generator", "ns/uniform", "ns/exponential", "ns/gsl_ran_exponential");
    if (bench_one(sim_mrg_type, n) != 0 || bench_one(gsl_rng_mt19937, n) != 0)
        return 1;
    return 0;
}
