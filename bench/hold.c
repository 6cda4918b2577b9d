/* hold.c -- the classic hold model on the engine's pending-event set.
 *
 * N events are scheduled at Exp(1) times; then each operation takes the
 * earliest event (time t) and schedules one at t + Exp(1). The set stays at
 * N events, its time distribution converges to the steady state of the hold
 * model, and the figure is nanoseconds per operation (median of the timed
 * rounds).
 *
 * Two ways to run it:
 *   engine (default)  through the engine's own API: the events belong to a
 *                     sim_engine, whose run loop pops each one and calls a
 *                     handler that reschedules it with sim_engine_schedule.
 *                     This is the path every model event takes, dispatch
 *                     and horizon check included.
 *   --set             pop + push on a bare sim_evset: the pending-event set
 *                     alone, without the engine around it.
 *
 * Increments come from a table of Exp(1) draws made beforehand with the
 * simulator's own generator and sampler (MRG32k3a, sim_dist_exponential),
 * read sequentially: the figure is the cost of the event set, not of the
 * draw (rng_bench gives that).
 *
 * usage: hold [--set] [--ops K] [N ...]   default N: 1e3 1e4 1e5 1e6 1e7
 * (--ops: operations per timed round, default max(2e6, 4N))
 * output: one line per N: "N ns_per_op" (tab separated). */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 199309L
#endif

#include "sim/dist.h"
#include "sim/engine.h"
#include "sim/evset.h"
#include "sim/rng_mrg32k3a.h"

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

/* Warm-up and round lengths for N events. Warming up takes 2N operations
 * (at least 1e6) so the set reaches the hold model's steady state; a round
 * is enough operations for ~0.2 s at 100 ns each, and at least 4N. */
static long ops_override;

static long warm_ops(long n)
{
    if (ops_override > 0 || 2 * n > 1000000)
        return 2 * n;
    return 1000000;
}

static long round_ops(long n)
{
    if (ops_override > 0)
        return ops_override;
    if (n >= 10000000)
        return 2 * n;
    return 4 * n > 2000000 ? 4 * n : 2000000;
}

static double median_of_rounds(double *ns)
{
    qsort(ns, ROUNDS, sizeof ns[0], cmp_double);
    return ns[ROUNDS / 2];
}

/* ---- through the engine ------------------------------------------------- */

/* The handler's state: it reschedules every event it is given until the
 * last timed round ends, and reads the clock at each round's boundary. */
typedef struct {
    const double *inc;
    unsigned k;
    int type;           /* the handler's event type */
    long done;          /* operations so far */
    long next_mark;     /* operation count of the next clock reading */
    long ops;
    int mark;           /* clock readings taken, 0 .. ROUNDS + 1 */
    double t[ROUNDS + 1];
    double sum;
} hold_state;

static void on_hold(void *ctx, sim_engine *eng, const sim_event *ev)
{
    hold_state *h = ctx;
    if (h->done++ == h->next_mark) {
        h->t[h->mark++] = now_seconds();
        h->next_mark += h->ops;
    }
    h->sum += ev->time;
    /* After the last round the set drains: those pops are not timed. */
    if (h->mark <= ROUNDS)
        sim_engine_schedule(eng, ev->time + h->inc[h->k++ & (TABLE_SIZE - 1)],
                            SIM_PRIORITY_DEFAULT, h->type, ev->subject, 0, 0);
}

static double hold_engine(long n, const double *inc, double *checksum)
{
    /* No stages, windows or census: the run is the events alone. The
     * horizon is beyond any time the rounds reach (about ops / N days). */
    sim_engine_config cfg = {.horizon = 1e12};
    sim_engine *eng = sim_engine_new(&cfg);
    hold_state h = {.inc = inc, .ops = round_ops(n), .next_mark = warm_ops(n)};
    if (eng == NULL || (h.type = sim_engine_add_handler(eng, on_hold, &h)) < 0) {
        fprintf(stderr, "hold: cannot set up the engine for N = %ld\n", n);
        exit(1);
    }
    sim_engine_reset(eng);
    for (long i = 0; i < n; i++)
        sim_engine_schedule(eng, inc[h.k++ & (TABLE_SIZE - 1)], SIM_PRIORITY_DEFAULT, h.type,
                            (int32_t)i, 0, 0);
    sim_status st = sim_engine_run(eng);
    if (st != SIM_OK || h.mark != ROUNDS + 1) {
        fprintf(stderr, "hold: the engine stopped early for N = %ld (%s)\n", n,
                sim_engine_error_detail(eng));
        exit(1);
    }
    sim_engine_free(eng);
    double ns[ROUNDS];
    for (int r = 0; r < ROUNDS; r++)
        ns[r] = 1e9 * (h.t[r + 1] - h.t[r]) / (double)h.ops;
    *checksum = h.sum;
    return median_of_rounds(ns);
}

/* ---- the bare event set ------------------------------------------------- */

static double hold_set(long n, const double *inc, double *checksum)
{
    sim_evset *set = sim_evset_new((size_t)n + 16);
    if (set == NULL) {
        fprintf(stderr, "hold: out of memory for N = %ld\n", n);
        exit(1);
    }
    unsigned k = 0;
    for (long i = 0; i < n; i++)
        sim_evset_push(set, inc[k++ & (TABLE_SIZE - 1)], SIM_PRIORITY_DEFAULT, 0, (int32_t)i, 0, 0);
    sim_event ev;
    long warm = warm_ops(n);
    for (long i = 0; i < warm; i++) {
        sim_evset_pop(set, &ev);
        sim_evset_push(set, ev.time + inc[k++ & (TABLE_SIZE - 1)], SIM_PRIORITY_DEFAULT, 0,
                       ev.subject, 0, 0);
    }
    long ops = round_ops(n);
    double ns[ROUNDS];
    double sum = 0;
    for (int r = 0; r < ROUNDS; r++) {
        double t0 = now_seconds();
        for (long i = 0; i < ops; i++) {
            sim_evset_pop(set, &ev);
            sum += ev.time;
            sim_evset_push(set, ev.time + inc[k++ & (TABLE_SIZE - 1)], SIM_PRIORITY_DEFAULT, 0,
                           ev.subject, 0, 0);
        }
        ns[r] = 1e9 * (now_seconds() - t0) / (double)ops;
    }
    sim_evset_free(set);
    *checksum = sum;
    return median_of_rounds(ns);
}

int main(int argc, char **argv)
{
    int bare_set = 0;
    long sizes[32];
    int n_sizes = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--set") == 0) {
            bare_set = 1;
        } else if (strcmp(argv[i], "--ops") == 0 && i + 1 < argc) {
            ops_override = (long)strtod(argv[++i], NULL);
        } else if (n_sizes < 32) {
            char *end;
            double v = strtod(argv[i], &end);
            if (*end || v < 1 || v > 1e8) {
                fprintf(stderr, "usage: %s [--set] [--ops K] [N ...]  (1 <= N <= 1e8)\n", argv[0]);
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
        inc[i] = sim_dist_exponential(r, 1.0);
    gsl_rng_free(r);
    printf("# hold model, %s, increments Exp(1); median of %d rounds\n",
           bare_set ? "pop + push on a bare sim_evset" : "through sim_engine (run loop + sim_engine_schedule)",
           ROUNDS);
    printf("N\tns_per_op\n");
    for (int i = 0; i < n_sizes; i++) {
        double cs;
        double v = bare_set ? hold_set(sizes[i], inc, &cs) : hold_engine(sizes[i], inc, &cs);
        printf("%ld\t%.1f\n", sizes[i], v);
        fflush(stdout);
        if (cs < 0)
            printf("# checksum %g\n", cs);
    }
    free(inc);
    return 0;
}
