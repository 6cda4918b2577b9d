/* mmc.c -- the hand-written C floor for an M/M/c queue, by default c=10
 * servers at rate 1.0 each and arrivals at rate 9.0 (utilisation 0.9); the
 * M/M/1 floor (rate 0.9) is the same file built with the defines below.
 * It is the least work any event-driven simulator must do for the model: a
 * 4-ary event heap by value, a FIFO ring of arrival times and two
 * exponential draws per customer. The model is fixed at compile time, so
 * the M/M/1 build pays nothing for c. parcours is compared against it, so
 * it has no generality beyond the model.
 *
 * The draws are parcours' own: its generator (sim_mrg_type, MRG32k3a) and
 * its exponential sampler (sim_dist_exponential, a ziggurat). The floor
 * must not pay for a different generator or sampler, or the ratio would
 * flatter parcours: MT19937 costs the floor about 8 ns more per customer
 * on the bench machine, and gsl_ran_exponential (log1p) about 27 (two
 * draws of 13-14 ns each). Built with -DGSL_EXPONENTIAL it draws as issue
 * 6 describes the floor instead, through gsl_ran_exponential on the same
 * generator; bench/run builds it as floor_mm1_gsl and floor_mmc_gsl and
 * reports both ratios.
 *
 * Build from the repository root, after a Release build in build/ (bench/run
 * builds the six floors in build-bench/bench/), with the Release build's
 * link-time optimisation:
 * gcc -O3 -flto -std=c11 -Wall -Wextra -Werror -I. bench/floor/mmc.c \
 *     build/libparcours_sim.a -lgsl -lgslcblas -lm -o floor_mmc
 * gcc -O3 -flto -std=c11 -Wall -Wextra -Werror -I. -DSERVERS=1 -DARRIVAL_RATE=0.9 \
 *     -DCUSTOMERS=1000000 -DMODEL='"mm1"' bench/floor/mmc.c \
 *     build/libparcours_sim.a -lgsl -lgslcblas -lm -o floor_mm1
 *
 * Built with -DRECORD it also keeps parcours' own records of the run: the
 * calls to sim/record.c that parcours' engine makes for this model (an
 * admission, an occupancy change, a completed stay, a waiting-list change,
 * with the same times and values). The model's work and its draws are
 * unchanged, so the difference from the plain floor is what recording
 * costs, and what remains between this build and parcours is the general
 * engine (people, stages, routes, events by handler). bench/run builds it
 * as floor_mm1_rec and floor_mmc_rec.
 *
 * Usage: floor_mmc [customers] [seed=1]
 * Prints one line of key=value pairs; theory is W = Wq + 1/mu with Wq from
 * Erlang C (for c = 1, 1/(mu - lambda)). Only the simulation loop is timed. */
#define _POSIX_C_SOURCE 199309L

#include "sim/dist.h"
#include "sim/record.h"
#include "sim/rng_mrg32k3a.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef SERVERS
#define SERVERS 10
#endif
#ifndef ARRIVAL_RATE
#define ARRIVAL_RATE 9.0
#endif
#ifndef CUSTOMERS
#define CUSTOMERS 10000000
#endif
#ifndef MODEL
#define MODEL "mmc"
#endif
#define SERVICE_RATE 1.0

enum event_kind { EV_ARRIVAL, EV_DEPARTURE };

/* Events are stored by value in the heap: no per-event allocation. A
 * departure carries `since`, its customer's arrival time, which is all
 * the statistics need; with RECORD, its start of service instead (the
 * records keep the stay in service, and the wait was counted when service
 * started), so that the event keeps its size. seq breaks ties so equal
 * times pop in schedule order. */
struct event {
    double time;
    unsigned long seq;
    enum event_kind kind;
    double since;
};

/* 4-ary min-heap: shallower than a binary heap, and the four children of a
 * node share one or two cache lines, so sift-down costs fewer misses. */
struct heap {
    struct event *items;
    size_t count;
    size_t capacity;
    unsigned long next_seq;
};

/* Ring buffer of arrival times of waiting customers; capacity is a power of
 * two so wrapping is a mask rather than a division. */
struct fifo {
    double *items;
    size_t head;
    size_t count;
    size_t capacity;
};

static void *xrealloc(void *p, size_t bytes)
{
    void *q = realloc(p, bytes);
    if (q == NULL) {
        fprintf(stderr, "floor_" MODEL ": out of memory\n");
        exit(EXIT_FAILURE);
    }
    return q;
}

static int event_before(const struct event *a, const struct event *b)
{
    if (a->time != b->time)
        return a->time < b->time;
    return a->seq < b->seq;
}

static void heap_sift_up(struct heap *h, size_t i)
{
    struct event moving = h->items[i];
    while (i > 0) {
        size_t parent = (i - 1) / 4;
        if (!event_before(&moving, &h->items[parent]))
            break;
        h->items[i] = h->items[parent];
        i = parent;
    }
    h->items[i] = moving;
}

static size_t heap_min_child(const struct heap *h, size_t first)
{
    size_t last = first + 4 < h->count ? first + 4 : h->count;
    size_t best = first;
    for (size_t c = first + 1; c < last; c++)
        if (event_before(&h->items[c], &h->items[best]))
            best = c;
    return best;
}

static void heap_sift_down(struct heap *h, size_t i)
{
    struct event moving = h->items[i];
    for (;;) {
        size_t first = 4 * i + 1;
        if (first >= h->count)
            break;
        size_t child = heap_min_child(h, first);
        if (!event_before(&h->items[child], &moving))
            break;
        h->items[i] = h->items[child];
        i = child;
    }
    h->items[i] = moving;
}

static void heap_push(struct heap *h, double time, enum event_kind kind,
                      double since)
{
    if (h->count == h->capacity) {
        h->capacity = h->capacity ? 2 * h->capacity : 16;
        h->items = xrealloc(h->items, h->capacity * sizeof *h->items);
    }
    struct event e = { time, h->next_seq++, kind, since };
    h->items[h->count] = e;
    heap_sift_up(h, h->count++);
}

static struct event heap_pop(struct heap *h)
{
    struct event top = h->items[0];
    h->items[0] = h->items[--h->count];
    if (h->count > 0)
        heap_sift_down(h, 0);
    return top;
}

/* Doubling unwraps the ring so head moves back to slot 0. */
static void fifo_grow(struct fifo *q)
{
    size_t cap = q->capacity ? 2 * q->capacity : 64;
    double *items = xrealloc(NULL, cap * sizeof *items);
    for (size_t i = 0; i < q->count; i++)
        items[i] = q->items[(q->head + i) & (q->capacity - 1)];
    free(q->items);
    q->items = items;
    q->head = 0;
    q->capacity = cap;
}

static void fifo_push(struct fifo *q, double t)
{
    if (q->count == q->capacity)
        fifo_grow(q);
    q->items[(q->head + q->count) & (q->capacity - 1)] = t;
    q->count++;
}

static double fifo_pop(struct fifo *q)
{
    double t = q->items[q->head];
    q->head = (q->head + 1) & (q->capacity - 1);
    q->count--;
    return t;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* strtoul alone would accept "-5" (by wrapping it) and trailing junk. */
static unsigned long parse_arg(const char *s, const char *name,
                               unsigned long min)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (*s == '\0' || *end != '\0' || s[0] == '-' || v < min) {
        fprintf(stderr, "floor_" MODEL ": %s must be an integer >= %lu, got '%s'\n",
                name, min, s);
        exit(EXIT_FAILURE);
    }
    return v;
}

/* With RECORD, parcours' stage numbers: the server, and the exit that
 * customers enter when they leave it. */
enum { STATION, DONE };

struct model {
    gsl_rng *rng;
    struct heap events;
    struct fifo waiting;
    int busy; /* servers in use */
    unsigned long departed;
    double total_system_time;
#ifdef RECORD
    sim_record *rec;
#endif
};

/* An exponential draw of the given mean: parcours' sampler, or GSL's. */
static double draw_exponential(struct model *m, double mean)
{
#ifdef GSL_EXPONENTIAL
    return gsl_ran_exponential(m->rng, mean);
#else
    return sim_dist_exponential(m->rng, mean);
#endif
}

static void start_service(struct model *m, double now, double arrived)
{
    double since = arrived;
#ifdef RECORD
    sim_record_admission(m->rec, STATION, now, now - arrived);
    sim_record_occupancy(m->rec, STATION, now, (double)(m->busy + 1));
    m->total_system_time += now - arrived;
    since = now;
#endif
    double service = draw_exponential(m, 1.0 / SERVICE_RATE);
    heap_push(&m->events, now + service, EV_DEPARTURE, since);
    m->busy++;
}

static void on_arrival(struct model *m, double now)
{
    double gap = draw_exponential(m, 1.0 / ARRIVAL_RATE);
    heap_push(&m->events, now + gap, EV_ARRIVAL, 0.0);
    if (m->busy == SERVERS) {
        fifo_push(&m->waiting, now);
#ifdef RECORD
        sim_record_waitlist(m->rec, STATION, now, (double)m->waiting.count);
#endif
    } else {
        start_service(m, now, now);
    }
}

static void on_departure(struct model *m, const struct event *e)
{
    m->departed++;
    m->total_system_time += e->time - e->since;
    m->busy--;
#ifdef RECORD
    sim_record_occupancy(m->rec, STATION, e->time, (double)m->busy);
    sim_record_exit(m->rec, STATION, e->time, 0, e->time - e->since);
    sim_record_admission(m->rec, DONE, e->time, 0.0);
#endif
    if (m->waiting.count > 0) {
        double arrived = fifo_pop(&m->waiting);
#ifdef RECORD
        sim_record_waitlist(m->rec, STATION, e->time, (double)m->waiting.count);
#endif
        start_service(m, e->time, arrived);
    }
}

static void simulate(struct model *m, unsigned long customers)
{
    heap_push(&m->events, 0.0, EV_ARRIVAL, 0.0);
    double now = 0.0;
    while (m->departed < customers) {
        struct event e = heap_pop(&m->events);
        now = e.time;
        if (e.kind == EV_ARRIVAL)
            on_arrival(m, e.time);
        else
            on_departure(m, &e);
    }
#ifdef RECORD
    sim_record_finish(m->rec, now);
#else
    (void)now;
#endif
}

/* Erlang B by its recurrence B(k) = a B(k-1) / (k + a B(k-1)), which never
 * forms a^c or c! and so stays accurate for large c; Erlang C follows from
 * C = B / (1 - rho (1 - B)). */
static double erlang_c(int servers, double offered_load)
{
    double b = 1.0;
    for (int k = 1; k <= servers; k++)
        b = offered_load * b / ((double)k + offered_load * b);
    double rho = offered_load / (double)servers;
    return b / (1.0 - rho * (1.0 - b));
}

/* Mean time in system: Wq = C / (c mu - lambda), plus one mean service. */
static double theory_system_time(void)
{
    double c = erlang_c(SERVERS, ARRIVAL_RATE / SERVICE_RATE);
    double wq = c / ((double)SERVERS * SERVICE_RATE - ARRIVAL_RATE);
    return wq + 1.0 / SERVICE_RATE;
}

int main(int argc, char **argv)
{
    unsigned long customers = argc > 1 ? parse_arg(argv[1], "customers", 1)
                                       : (unsigned long)CUSTOMERS;
    unsigned long seed = argc > 2 ? parse_arg(argv[2], "seed", 0) : 1UL;

    struct model m;
    memset(&m, 0, sizeof m);
    m.rng = gsl_rng_alloc(sim_mrg_type);
    gsl_rng_set(m.rng, seed);
#ifdef RECORD
    /* One window over the scenarios' horizon, no daily series, no census:
     * what parcours records for bench/scenarios/mm1.json and mmc.json. */
    sim_window all = {0.0, 1200000.0};
    m.rec = sim_record_new(2, 1, &all, 0, 0);
    if (m.rec == NULL) {
        fprintf(stderr, "floor_" MODEL ": out of memory\n");
        return EXIT_FAILURE;
    }
    sim_record_reset(m.rec);
#endif

    double t0 = now_seconds();
    simulate(&m, customers);
    double seconds = now_seconds() - t0;

    double theory = theory_system_time();
    printf("tool=floor model=" MODEL " customers=%lu seconds=%.6f "
           "ns_per_customer=%.2f mean_system_time=%.4f theory=%.4f",
           customers, seconds, 1e9 * seconds / (double)customers,
           m.total_system_time / (double)m.departed, theory);
#ifdef RECORD
    /* W as parcours reports it, from the records: the mean wait of those
     * admitted plus the mean completed stay. mean_system_time above also
     * counts the waits of the customers still in service at the end
     * (at most SERVERS of them). */
    double metrics[SIM_METRIC_COUNT];
    sim_record_metrics(m.rec, 0, STATION, metrics);
    printf(" recorded_system_time=%.4f",
           metrics[SIM_METRIC_WAIT_MEAN_DAYS] + metrics[SIM_METRIC_STAY_MEAN_DAYS]);
    sim_record_free(m.rec);
#endif
    printf("\n");

    free(m.events.items);
    free(m.waiting.items);
    gsl_rng_free(m.rng);
    return 0;
}
