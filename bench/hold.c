/* hold.c -- the classic hold model on the engine's pending-event set.
 *
 * N events are scheduled at Exp(1) times; then each operation removes the
 * earliest event (time t) and schedules one at t + Exp(1), through
 * sim_evset_replace_top (one sift) or pop + push (--pop-push). The set stays
 * at N events, its time distribution converges to the steady state of the
 * hold model, and the figure is nanoseconds per operation (median of the
 * timed rounds).
 *
 * Increments come from a table of Exp(1) draws made beforehand with the
 * simulator's own generator (MRG32k3a + gsl_ran_exponential), read
 * sequentially: the figure is the cost of the event set, not of the draw
 * (rng_bench gives that: about 20 ns per exponential draw).
 *
 * usage: hold [--pop-push] [--ops K] [N ...]   default N: 1e3 1e4 1e5 1e6 1e7
 * (--ops: operations per timed round, default max(2e6, 4N))
 * output: one line per N: "N ns_per_op ops" (tab separated). */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 199309L
#endif

#include "sim/evset.h"
#include "sim/rng_mrg32k3a.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define TABLE_BITS 20
#define TABLE_SIZE (1u << TABLE_BITS)
#define ROUNDS 5

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static long ops_override;

static double hold(long n, int pop_push, const double *inc, double *checksum)
{
    sim_evset *set = sim_evset_new((size_t)n + 16);
    if (set == NULL) {
        fprintf(stderr, "hold: out of memory for N = %ld\n", n);
        exit(1);
    }
    unsigned k = 0;
    for (long i = 0; i < n; i++)
        sim_evset_push(set, inc[k++ & (TABLE_SIZE - 1)], 10, 0, (int32_t)i, 0, 0);
    sim_event ev;
    /* Warm up to the steady state: 2N operations (at least 1e6). */
    long warm = 2 * n > 1000000 ? 2 * n : 1000000;
    if (ops_override > 0)
        warm = 2 * n;
    for (long i = 0; i < warm; i++) {
        sim_evset_pop(set, &ev);
        sim_evset_push(set, ev.time + inc[k++ & (TABLE_SIZE - 1)], 10, 0, ev.subject, 0, 0);
    }
    /* Each round: enough operations for ~0.2 s at 100 ns per op, at least 4N. */
    long ops = 2000000;
    if (ops < 4 * n)
        ops = 4 * n;
    if (n >= 10000000)
        ops = 2 * n;
    if (ops_override > 0)
        ops = ops_override;
    double ns[ROUNDS];
    double sum = 0;
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = now_seconds();
        if (pop_push) {
            for (long i = 0; i < ops; i++) {
                sim_evset_pop(set, &ev);
                sum += ev.time;
                sim_evset_push(set, ev.time + inc[k++ & (TABLE_SIZE - 1)], 10, 0, ev.subject, 0, 0);
            }
        } else {
            double t = sim_evset_peek_time(set);
            for (long i = 0; i < ops; i++) {
                sim_evset_replace_top(set, &ev, t + inc[k++ & (TABLE_SIZE - 1)], 10, 0, 0, 0, 0);
                sum += ev.time;
                t = sim_evset_peek_time(set);
            }
        }
        ns[r] = 1e9 * (now_seconds() - t0) / (double)ops;
    }
    sim_evset_free(set);
    *checksum = sum;
    qsort(ns, ROUNDS, sizeof ns[0], cmp_double);
    return ns[ROUNDS / 2];
}

int main(int argc, char **argv)
{
    int pop_push = 0;
    long sizes[32];
    int n_sizes = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--pop-push") == 0) {
            pop_push = 1;
        } else if (strcmp(argv[i], "--ops") == 0 && i + 1 < argc) {
            ops_override = (long)strtod(argv[++i], NULL);
        } else if (n_sizes < 32) {
            char *end;
            double v = strtod(argv[i], &end);
            if (*end || v < 1) {
                fprintf(stderr, "usage: %s [--pop-push] [--ops K] [N ...]\n", argv[0]);
                return 2;
            }
            sizes[n_sizes++] = (long)v;
        }
    }
    if (n_sizes == 0) {
        long def[] = {1000, 10000, 100000, 1000000, 10000000};
        memcpy(sizes, def, sizeof def);
        n_sizes = 5;
    }
    double *inc = malloc(TABLE_SIZE * sizeof *inc);
    gsl_rng *r = gsl_rng_alloc(sim_mrg_type);
    if (inc == NULL || r == NULL)
        return 1;
    sim_mrg_seed_stream(r, 1, 0, 0);
    for (unsigned i = 0; i < TABLE_SIZE; i++)
        inc[i] = gsl_ran_exponential(r, 1.0);
    gsl_rng_free(r);
    printf("# hold model, %s, increments Exp(1); median of %d rounds\n",
           pop_push ? "pop + push" : "replace_top", ROUNDS);
    printf("N\tns_per_op\n");
    for (int i = 0; i < n_sizes; i++) {
        double cs;
        double v = hold(sizes[i], pop_push, inc, &cs);
        printf("%ld\t%.1f\n", sizes[i], v);
        fflush(stdout);
        if (cs < 0)
            printf("# checksum %g\n", cs);
    }
    free(inc);
    return 0;
}
