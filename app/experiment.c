/* experiment.c -- running replications and combining them in order.
 *
 * Per (window, stage, metric) the value of every replication is kept, so
 * that quantiles can be computed exactly at the end (memory: replications x
 * windows x stages x metrics doubles). Daily series and census rows are
 * combined on the fly with Welford tallies, in replication order. */
#define _GNU_SOURCE   /* sched_getaffinity and CPU_COUNT, on Linux */
#include "app/experiment.h"

#include "models/pathway.h"
#include "sim/record.h"

#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct experiment {
    int n_windows, n_stages, n_days, n_census;
    long reps;              /* replications folded in */
    long cap;               /* room per row of values and costs */
    uint64_t seed;
    long first;             /* the number of replication 0 */
    double events;
    double *values;         /* [window][stage][metric][cap], reps used */
    sim_summary *summary;   /* [window][stage][metric] */
    sim_tally *blocked;     /* [window][stage][stage] */
    sim_tally *daily;       /* [2][day][stage] */
    sim_tally *census;      /* [census][stage][field] */
    sim_tally *pub;         /* [window][hour] */
    double *costs;          /* [window][EXPERIMENT_COSTS][cap], reps used */
    sim_summary *cost_summary;
    const model_spec *spec;
};

static size_t metric_slot(const experiment *x, int w, int s, int m)
{
    return ((size_t)w * (size_t)x->n_stages + (size_t)s) * SIM_METRIC_COUNT + (size_t)m;
}

static size_t n_metrics(const experiment *x) { return (size_t)x->n_windows * (size_t)x->n_stages * SIM_METRIC_COUNT; }
static size_t n_costs(const experiment *x) { return (size_t)x->n_windows * EXPERIMENT_COSTS; }
static size_t n_blocked(const experiment *x) { return (size_t)x->n_windows * (size_t)x->n_stages * (size_t)x->n_stages; }
static size_t n_daily(const experiment *x) { return 2 * (size_t)x->n_days * (size_t)x->n_stages; }
static size_t n_census(const experiment *x) { return (size_t)x->n_census * (size_t)x->n_stages * SIM_CENSUS_FIELDS; }
static size_t n_pub(const experiment *x) { return (size_t)x->n_windows * 24; }

/* An experiment with no replication yet. */
static experiment *alloc_experiment(const model_spec *spec, uint64_t seed, long first)
{
    experiment *x = calloc(1, sizeof *x);
    if (x == NULL)
        return NULL;
    x->n_windows = spec->n_windows;
    x->n_stages = spec->n_stages;
    x->n_days = spec->daily ? (int)spec->horizon : 0;
    x->n_census = spec->n_census;
    x->seed = seed;
    x->first = first;
    x->summary = calloc(n_metrics(x) + 1, sizeof *x->summary);
    x->blocked = calloc(n_blocked(x) + 1, sizeof *x->blocked);
    x->daily = calloc(n_daily(x) + 1, sizeof *x->daily);
    x->census = calloc(n_census(x) + 1, sizeof *x->census);
    x->pub = calloc(n_pub(x) + 1, sizeof *x->pub);
    x->cost_summary = calloc(n_costs(x) + 1, sizeof *x->cost_summary);
    x->spec = spec;
    if (!x->pub || !x->cost_summary || !x->summary || !x->blocked || !x->daily || !x->census) {
        experiment_free(x);
        return NULL;
    }
    return x;
}

void experiment_free(experiment *x)
{
    if (x == NULL)
        return;
    free(x->values);
    free(x->summary);
    free(x->blocked);
    free(x->daily);
    free(x->census);
    free(x->pub);
    free(x->costs);
    free(x->cost_summary);
    free(x);
}

/* Makes room for `total` replications in every row of values and costs,
 * keeping the ones folded in. */
static int reserve_reps(experiment *x, long total)
{
    if (total <= x->cap)
        return 0;
    size_t cap = (size_t)total;
    double *values = malloc(n_metrics(x) * cap * sizeof *values + 1);
    double *costs = malloc(n_costs(x) * cap * sizeof *costs + 1);
    if (values == NULL || costs == NULL) {
        free(values);
        free(costs);
        return -1;
    }
    for (size_t i = 0; x->reps > 0 && i < n_metrics(x); i++)
        memcpy(values + i * cap, x->values + i * (size_t)x->cap, (size_t)x->reps * sizeof *values);
    for (size_t i = 0; x->reps > 0 && i < n_costs(x); i++)
        memcpy(costs + i * cap, x->costs + i * (size_t)x->cap, (size_t)x->reps * sizeof *costs);
    free(x->values);
    free(x->costs);
    x->values = values;
    x->costs = costs;
    x->cap = total;
    return 0;
}

/* One replication's results, copied out of its engine so that workers can
 * go on while the results wait to be combined in replication order. */
typedef struct rep_result {
    double events;
    double *metrics;   /* [window][stage][metric] */
    double *blocked;   /* [window][stage][stage] */
    double *daily;     /* [2][day][stage] */
    double *census;    /* [census][stage][field] */
    double *pub;       /* [window][hour] */
} rep_result;

static int rep_result_init(rep_result *r, const experiment *x)
{
    r->metrics = malloc(n_metrics(x) * sizeof *r->metrics + 1);
    r->blocked = malloc(n_blocked(x) * sizeof *r->blocked + 1);
    r->daily = malloc(n_daily(x) * sizeof *r->daily + 1);
    r->census = malloc(n_census(x) * sizeof *r->census + 1);
    r->pub = malloc(n_pub(x) * sizeof *r->pub + 1);
    return r->metrics && r->blocked && r->daily && r->census && r->pub ? 0 : -1;
}

static void rep_result_fini(rep_result *r)
{
    free(r->metrics);
    free(r->blocked);
    free(r->daily);
    free(r->census);
    free(r->pub);
}

static void snapshot(const experiment *x, sim_engine *eng, rep_result *r)
{
    const sim_record *rec = sim_engine_record(eng);
    r->events = sim_engine_events(eng);
    for (int w = 0; w < x->n_windows; w++)
        for (int s = 0; s < x->n_stages; s++) {
            sim_record_metrics(rec, w, s, r->metrics + metric_slot(x, w, s, 0));
            for (int a = 0; a < x->n_stages; a++)
                r->blocked[((size_t)w * (size_t)x->n_stages + (size_t)s) * (size_t)x->n_stages + (size_t)a] =
                    sim_record_blocked_days(rec, w, s, a);
        }
    for (int d = 0; d < x->n_days; d++)
        for (int s = 0; s < x->n_stages; s++) {
            r->daily[(size_t)d * (size_t)x->n_stages + (size_t)s] = sim_record_daily_occupancy(rec, d, s);
            r->daily[((size_t)x->n_days + (size_t)d) * (size_t)x->n_stages + (size_t)s] = sim_record_daily_waitlist(rec, d, s);
        }
    for (int c = 0; c < x->n_census; c++)
        for (int s = 0; s < x->n_stages; s++)
            memcpy(r->census + ((size_t)c * (size_t)x->n_stages + (size_t)s) * SIM_CENSUS_FIELDS,
                   sim_record_census_row(rec, c, s), SIM_CENSUS_FIELDS * sizeof(double));
    for (int w = 0; w < x->n_windows; w++)
        for (int h = 0; h < 24; h++)
            r->pub[(size_t)w * 24 + (size_t)h] = sim_record_public_by_hour(rec, w, h);
}

/* Costs of one replication in a window: place-days times the cost per
 * place-day of each stage, plus contacts; per person sheltered divides by
 * the admissions into service stages (hotels, apartments, beds). */
static void costs_of(const experiment *x, const rep_result *r, int w, double *total, double *per_person)
{
    const model_spec *spec = x->spec;
    double len = spec->windows[w].to - spec->windows[w].from, cost = 0, sheltered = 0;
    for (int s = 0; s < x->n_stages; s++) {
        const double *m = r->metrics + metric_slot(x, w, s, 0);
        if (!isnan(m[SIM_METRIC_OCCUPANCY_MEAN]))
            cost += spec->stages[s].cost_per_day * m[SIM_METRIC_OCCUPANCY_MEAN] * len;
        cost += m[SIM_METRIC_CONTACT_COST];
        if (spec->stages[s].kind == MODEL_SERVICE)
            sheltered += m[SIM_METRIC_ADMISSIONS];
    }
    *total = cost;
    *per_person = sheltered > 0 ? cost / sheltered : NAN;
}

/* Folds one replication into the experiment. Called in replication order
 * only: floating-point sums depend on the order of their terms. */
static void absorb(experiment *x, const rep_result *r, long rep)
{
    x->events += r->events;
    size_t nm = n_metrics(x);
    for (size_t i = 0; i < nm; i++)
        x->values[i * (size_t)x->cap + (size_t)rep] = r->metrics[i];
    for (size_t i = 0; i < n_blocked(x); i++)
        sim_tally_add(&x->blocked[i], r->blocked[i]);
    for (size_t i = 0; i < n_daily(x); i++)
        sim_tally_add(&x->daily[i], r->daily[i]);
    for (size_t i = 0; i < n_census(x); i++)
        if (!isnan(r->census[i]))
            sim_tally_add(&x->census[i], r->census[i]);
    for (size_t i = 0; i < n_pub(x); i++)
        sim_tally_add(&x->pub[i], r->pub[i]);
    for (int w = 0; w < x->n_windows; w++) {
        double *c = x->costs + (size_t)w * EXPERIMENT_COSTS * (size_t)x->cap;
        costs_of(x, r, w, &c[(size_t)rep], &c[(size_t)x->cap + (size_t)rep]);
    }
}

/* Replications run in parallel without barriers: each worker takes the
 * next replication number, runs it and leaves its result in a ring of
 * slots; results are folded into the experiment strictly in replication
 * order, by whichever worker finds the next one ready (one at a time), while
 * the others go on running. A worker waits only when the ring is full,
 * i.e. when it is `ring` replications ahead of the oldest unfolded one:
 * that bounds the memory held by finished but unfolded results. */
typedef struct pipeline {
    const experiment *x;
    uint64_t seed;
    long first, count;          /* stream numbers first .. first+count-1 */
    long base;                  /* replications folded in before this run */
    long ring;                  /* slots */
    rep_result *slots;          /* slot r % ring holds replication r */
    char *ready;                /* [ring]: the slot holds its result */
    long next;                  /* the next replication to start */
    long folded;                /* replications folded so far, in order */
    int folding;                /* a worker is folding */
    int failed;
    long failed_rep;            /* the first replication that failed */
    char err[256];
    pthread_mutex_t lock;
    pthread_cond_t changed;     /* a slot was freed, or the run failed */
    experiment_progress progress;
    void *ctx;
} pipeline;

typedef struct worker {
    pipeline *pl;
    pathway *pw;
} worker;

/* Folds the ready results at the head of the ring. Called with the lock
 * held; returns with it held. */
static void fold_ready(pipeline *pl)
{
    if (pl->folding)
        return;   /* the worker folding now will see this result too */
    pl->folding = 1;
    while (!pl->failed && pl->folded < pl->count && pl->ready[pl->folded % pl->ring]) {
        long r = pl->folded;
        pthread_mutex_unlock(&pl->lock);
        absorb((experiment *)pl->x, &pl->slots[r % pl->ring], pl->base + r);
        if (pl->progress && ((r + 1) % pl->ring == 0 || r + 1 == pl->count))
            pl->progress(pl->ctx, pl->base + r + 1, pl->base + pl->count);
        pthread_mutex_lock(&pl->lock);
        pl->ready[r % pl->ring] = 0;
        pl->folded = r + 1;
        pthread_cond_broadcast(&pl->changed);
    }
    pl->folding = 0;
}

static void *work(void *arg)
{
    worker *wk = arg;
    pipeline *pl = wk->pl;
    pthread_mutex_lock(&pl->lock);
    for (;;) {
        while (!pl->failed && pl->next < pl->count && pl->next - pl->folded >= pl->ring)
            pthread_cond_wait(&pl->changed, &pl->lock);
        if (pl->failed || pl->next >= pl->count)
            break;
        long r = pl->next++;
        pthread_mutex_unlock(&pl->lock);
        sim_status st = pathway_run(wk->pw, pl->seed, (uint64_t)(pl->first + r));
        sim_engine *eng = pathway_engine(wk->pw);
        if (st == SIM_OK)
            snapshot(pl->x, eng, &pl->slots[r % pl->ring]);
        pthread_mutex_lock(&pl->lock);
        if (st != SIM_OK) {
            /* Every replication before r was started and runs to its end,
             * so the one reported, the first that failed, is the same
             * whatever the threads. */
            if (!pl->failed || r < pl->failed_rep) {
                /* The caps are the scenario's "limits": say how to raise them. */
                const char *hint = st == SIM_ERR_POPULATION_CAP ? "; if the scenario means it, raise limits.max_population"
                                   : st == SIM_ERR_EVENT_CAP   ? "; if the scenario means it, raise limits.max_events"
                                                               : "";
                snprintf(pl->err, sizeof pl->err, "replication %ld stopped: %s%s", pl->first + r,
                         sim_engine_error_detail(eng)[0] ? sim_engine_error_detail(eng) : "out of memory", hint);
                pl->failed_rep = r;
            }
            pl->failed = 1;
            pthread_cond_broadcast(&pl->changed);
            break;
        }
        pl->ready[r % pl->ring] = 1;
        fold_ready(pl);
    }
    /* The last results may be ready with no one left to fold them. */
    fold_ready(pl);
    pthread_mutex_unlock(&pl->lock);
    return NULL;
}

int experiment_default_threads(void)
{
    /* The CPUs this process may run on, not those of the machine: a Slurm
     * job, taskset or mpirun's binding give a process a few cores of a
     * large node, and one thread per core of the node would crowd them. */
    long n = -1;
#ifdef CPU_COUNT
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        n = CPU_COUNT(&set);
#endif
    if (n < 1)
        n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

/* The summaries (mean, CI, quantiles) of every metric and cost over the
 * replications folded in so far. */
static int summarise(experiment *x, char *err, size_t errlen)
{
    size_t n = (size_t)x->reps;
    double *tmp = malloc(n * sizeof *tmp + 1);
    if (tmp == NULL) {
        snprintf(err, errlen, "out of memory while summarising");
        return -1;
    }
    for (size_t i = 0; i < n_metrics(x); i++) {
        memcpy(tmp, x->values + i * (size_t)x->cap, n * sizeof *tmp);
        sim_summary_of(tmp, n, &x->summary[i]);
    }
    for (size_t i = 0; i < n_costs(x); i++) {
        memcpy(tmp, x->costs + i * (size_t)x->cap, n * sizeof *tmp);
        sim_summary_of(tmp, n, &x->cost_summary[i]);
    }
    free(tmp);
    return 0;
}

experiment *experiment_run(const model_spec *spec, uint64_t seed, long first, long count, int threads,
                           experiment_progress progress, void *ctx, char *err, size_t errlen)
{
    experiment *x = alloc_experiment(spec, seed, first);
    if (x == NULL) {
        snprintf(err, errlen, "out of memory while preparing the replications");
        return NULL;
    }
    if (experiment_extend(x, count, threads, progress, ctx, err, errlen) != 0) {
        experiment_free(x);
        return NULL;
    }
    return x;
}

int experiment_extend(experiment *x, long count, int threads, experiment_progress progress, void *ctx,
                      char *err, size_t errlen)
{
    const model_spec *spec = x->spec;
    if (threads < 1)
        threads = 1;
    if (threads > count)
        threads = count > 0 ? (int)count : 1;
    pipeline pl;
    memset(&pl, 0, sizeof pl);
    pl.ring = 4L * threads;
    worker *workers = calloc((size_t)threads, sizeof *workers);
    pthread_t *tids = calloc((size_t)threads, sizeof *tids);
    pl.slots = calloc((size_t)pl.ring, sizeof *pl.slots);
    pl.ready = calloc((size_t)pl.ring, 1);
    int lock_ready = pthread_mutex_init(&pl.lock, NULL) == 0;
    int cond_ready = pthread_cond_init(&pl.changed, NULL) == 0;
    int ok = reserve_reps(x, x->reps + count) == 0 && workers && tids && pl.slots && pl.ready &&
             lock_ready && cond_ready;
    for (long i = 0; ok && i < pl.ring; i++)
        ok = rep_result_init(&pl.slots[i], x) == 0;
    for (int t = 0; ok && t < threads; t++) {
        workers[t].pl = &pl;
        workers[t].pw = pathway_new(spec);
        ok = workers[t].pw != NULL;
    }
    if (!ok)
        snprintf(err, errlen, "out of memory while preparing the replications");
    pl.x = x;
    pl.seed = x->seed;
    pl.first = x->first + x->reps;
    pl.count = count;
    pl.base = x->reps;
    pl.progress = progress;
    pl.ctx = ctx;
    if (ok && count > 0) {
        int started = 0;
        for (int t = 1; t < threads; t++)
            started += pthread_create(&tids[started + 1], NULL, work, &workers[t]) == 0;
        work(&workers[0]);   /* the calling thread works too */
        for (int t = 1; t <= started; t++)
            pthread_join(tids[t], NULL);
        if (pl.failed) {
            snprintf(err, errlen, "%s", pl.err);
            ok = 0;
        } else if (pl.folded != count) {   /* cannot happen: every result is folded by someone */
            snprintf(err, errlen, "internal error: %ld of %ld replications combined", pl.folded, count);
            ok = 0;
        }
    }
    for (int t = 0; workers && t < threads; t++)
        pathway_free(workers[t].pw);
    for (long i = 0; pl.slots && i < pl.ring; i++)
        rep_result_fini(&pl.slots[i]);
    free(pl.slots);
    free(pl.ready);
    free(workers);
    free(tids);
    if (lock_ready)
        pthread_mutex_destroy(&pl.lock);
    if (cond_ready)
        pthread_cond_destroy(&pl.changed);
    if (!ok)
        return -1;
    x->reps += count;
    return summarise(x, err, errlen);
}

long experiment_replications(const experiment *x) { return x->reps; }
double experiment_events(const experiment *x) { return x->events; }

const sim_summary *experiment_metric(const experiment *x, int window, int stage, int metric)
{
    return &x->summary[metric_slot(x, window, stage, metric)];
}

const double *experiment_values(const experiment *x, int window, int stage, int metric)
{
    return x->values + metric_slot(x, window, stage, metric) * (size_t)x->cap;
}

void experiment_blocked(const experiment *x, int window, int stage, int awaited, double *mean, double *half)
{
    const sim_tally *t = &x->blocked[((size_t)window * (size_t)x->n_stages + (size_t)stage) * (size_t)x->n_stages + (size_t)awaited];
    *mean = t->mean;
    *half = sim_tally_ci95_half(t);
}

void experiment_daily(const experiment *x, int waitlist, int day, int stage, double *mean, double *lo, double *hi)
{
    const sim_tally *t = &x->daily[((size_t)(waitlist ? x->n_days : 0) + (size_t)day) * (size_t)x->n_stages + (size_t)stage];
    double h = sim_tally_ci95_half(t);
    *mean = t->mean;
    *lo = t->mean - h;
    *hi = t->mean + h;
}

double experiment_census(const experiment *x, int census, int stage, int field)
{
    const sim_tally *t = &x->census[((size_t)census * (size_t)x->n_stages + (size_t)stage) * SIM_CENSUS_FIELDS + (size_t)field];
    return t->n > 0 ? t->mean : NAN;
}

const sim_summary *experiment_cost(const experiment *x, int window, int which)
{
    return &x->cost_summary[(size_t)window * EXPERIMENT_COSTS + (size_t)which];
}

const double *experiment_cost_values(const experiment *x, int window, int which)
{
    return x->costs + ((size_t)window * EXPERIMENT_COSTS + (size_t)which) * (size_t)x->cap;
}

void experiment_public_by_hour(const experiment *x, int window, int hour, double *mean, double *lo, double *hi)
{
    const sim_tally *t = &x->pub[(size_t)window * 24 + (size_t)hour];
    double h = sim_tally_ci95_half(t);
    *mean = t->mean;
    *lo = t->mean - h;
    *hi = t->mean + h;
}
