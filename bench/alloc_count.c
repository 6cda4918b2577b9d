/* alloc_count.c -- counts the allocations parcours makes inside its event
 * loop, to show that the steady state allocates nothing.
 *
 * Linked into a parcours binary with
 *   -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=sim_engine_run
 * (bench/run does it: see build_alloc_count there). Every malloc, calloc and
 * realloc made by parcours' own code is counted; the wrapper of
 * sim_engine_run marks the calls made while an event loop runs and notes
 * how many events had been processed at each (sim_engine_events). Calls
 * made from inside shared libraries (GSL, cJSON, libc) are not seen; the
 * engine and the models make theirs directly.
 *
 * At exit it prints to stderr, per replication run in this process:
 *   alloc_count: run R: E events, A allocations in the loop, S after the
 *   first 10% of events (steady state), last at event L (B bytes)
 * Run it with -j 1 so that replications run one after the other. */
#ifndef _POSIX_C_SOURCE
#define _POSIX_C_SOURCE 200809L
#endif

#include "sim/engine.h"

#include <stdio.h>
#include <stdlib.h>

void *__real_malloc(size_t size);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t size);
sim_status __real_sim_engine_run(sim_engine *eng);

void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t size);
sim_status __wrap_sim_engine_run(sim_engine *eng);

#define MAX_RUNS 64
#define MAX_AT 4096

typedef struct run_stats {
    double events;
    long allocs;
    double bytes;
    long n_at;
    double at[MAX_AT];          /* event index of each allocation (first MAX_AT) */
    double last_at;
} run_stats;

static run_stats runs[MAX_RUNS];
static int n_runs;
static sim_engine *running;     /* the engine whose loop is running, if any */
static long outside;            /* allocations outside any event loop */

static void note(size_t bytes)
{
    if (running == NULL || n_runs == 0 || n_runs > MAX_RUNS) {
        outside++;
        return;
    }
    run_stats *r = &runs[n_runs - 1];
    double at = sim_engine_events(running);
    if (r->n_at < MAX_AT)
        r->at[r->n_at++] = at;
    r->allocs++;
    r->bytes += (double)bytes;
    r->last_at = at;
}

void *__wrap_malloc(size_t size)
{
    note(size);
    return __real_malloc(size);
}

void *__wrap_calloc(size_t n, size_t size)
{
    note(n * size);
    return __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t size)
{
    note(size);
    return __real_realloc(p, size);
}

sim_status __wrap_sim_engine_run(sim_engine *eng)
{
    n_runs++;
    running = eng;
    sim_status st = __real_sim_engine_run(eng);
    running = NULL;
    if (n_runs <= MAX_RUNS)
        runs[n_runs - 1].events = sim_engine_events(eng);
    return st;
}

static void __attribute__((destructor)) report(void)
{
    for (int i = 0; i < n_runs && i < MAX_RUNS; i++) {
        const run_stats *r = &runs[i];
        long steady = 0;
        for (long k = 0; k < r->n_at; k++)
            steady += r->at[k] > 0.1 * r->events;
        if (r->allocs > r->n_at)
            steady += r->allocs - r->n_at;   /* beyond the log: count them all */
        fprintf(stderr,
                "alloc_count: run %d: %.0f events, %ld allocations in the loop (%.0f bytes), "
                "%ld after the first 10%% of events (steady state), last at event %.0f\n",
                i, r->events, r->allocs, r->bytes, steady, r->allocs ? r->last_at : 0.0);
    }
    fprintf(stderr, "alloc_count: %ld allocations outside event loops (loading, setup, output)\n", outside);
}
