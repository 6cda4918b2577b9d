/* experiment.c -- running replications and combining them in order.
 *
 * Per (window, stage, metric) the value of every replication is kept, so
 * that quantiles can be computed exactly at the end (memory: replications x
 * windows x stages x metrics doubles). Daily series and census rows are
 * combined on the fly with Welford tallies, in replication order. */
#include "app/experiment.h"

#include "models/pathway.h"
#include "sim/record.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct experiment {
    int n_windows, n_stages, n_days, n_census;
    long reps;
    double events;
    double *values;         /* [window][stage][metric][rep] */
    sim_summary *summary;   /* [window][stage][metric] */
    sim_tally *blocked;     /* [window][stage][stage] */
    sim_tally *daily;       /* [2][day][stage] */
    sim_tally *census;      /* [census][stage][field] */
};

static size_t metric_slot(const experiment *x, int w, int s, int m)
{
    return ((size_t)w * (size_t)x->n_stages + (size_t)s) * SIM_METRIC_COUNT + (size_t)m;
}

static experiment *alloc_experiment(const model_spec *spec, long reps)
{
    experiment *x = calloc(1, sizeof *x);
    if (x == NULL)
        return NULL;
    x->n_windows = spec->n_windows;
    x->n_stages = spec->n_stages;
    x->n_days = spec->daily ? (int)spec->horizon : 0;
    x->n_census = spec->n_census;
    x->reps = reps;
    size_t wsm = (size_t)x->n_windows * (size_t)x->n_stages * SIM_METRIC_COUNT;
    size_t ss = (size_t)x->n_stages * (size_t)x->n_stages;
    x->values = malloc(wsm * (size_t)reps * sizeof *x->values + 1);
    x->summary = calloc(wsm + 1, sizeof *x->summary);
    x->blocked = calloc((size_t)x->n_windows * ss + 1, sizeof *x->blocked);
    x->daily = calloc(2 * (size_t)x->n_days * (size_t)x->n_stages + 1, sizeof *x->daily);
    x->census = calloc((size_t)x->n_census * (size_t)x->n_stages * SIM_CENSUS_FIELDS + 1, sizeof *x->census);
    if (!x->values || !x->summary || !x->blocked || !x->daily || !x->census) {
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
    free(x);
}

/* Folds one replication's record into the experiment (in order). */
static void absorb(experiment *x, const sim_record *rec, long rep)
{
    double m[SIM_METRIC_COUNT];
    for (int w = 0; w < x->n_windows; w++)
        for (int s = 0; s < x->n_stages; s++) {
            sim_record_metrics(rec, w, s, m);
            for (int k = 0; k < SIM_METRIC_COUNT; k++)
                x->values[metric_slot(x, w, s, k) * (size_t)x->reps + (size_t)rep] = m[k];
            for (int a = 0; a < x->n_stages; a++)
                sim_tally_add(&x->blocked[((size_t)w * (size_t)x->n_stages + (size_t)s) * (size_t)x->n_stages + (size_t)a],
                              sim_record_blocked_days(rec, w, s, a));
        }
    for (int d = 0; d < x->n_days; d++)
        for (int s = 0; s < x->n_stages; s++) {
            sim_tally_add(&x->daily[(size_t)d * (size_t)x->n_stages + (size_t)s], sim_record_daily_occupancy(rec, d, s));
            sim_tally_add(&x->daily[((size_t)x->n_days + (size_t)d) * (size_t)x->n_stages + (size_t)s],
                          sim_record_daily_waitlist(rec, d, s));
        }
    for (int c = 0; c < x->n_census; c++)
        for (int s = 0; s < x->n_stages; s++) {
            const double *row = sim_record_census_row(rec, c, s);
            for (int f = 0; f < SIM_CENSUS_FIELDS; f++)
                if (!isnan(row[f]))
                    sim_tally_add(&x->census[((size_t)c * (size_t)x->n_stages + (size_t)s) * SIM_CENSUS_FIELDS + (size_t)f], row[f]);
        }
}

experiment *experiment_run(const model_spec *spec, uint64_t seed, long first, long count,
                           experiment_progress progress, void *ctx, char *err, size_t errlen)
{
    experiment *x = alloc_experiment(spec, count);
    pathway *pw = x ? pathway_new(spec) : NULL;
    if (pw == NULL) {
        snprintf(err, errlen, "out of memory while preparing the replications");
        experiment_free(x);
        return NULL;
    }
    for (long r = 0; r < count; r++) {
        sim_status st = pathway_run(pw, seed, (uint64_t)(first + r));
        sim_engine *eng = pathway_engine(pw);
        if (st != SIM_OK) {
            snprintf(err, errlen, "replication %ld stopped: %s", first + r,
                     sim_engine_error_detail(eng)[0] ? sim_engine_error_detail(eng) : "out of memory");
            pathway_free(pw);
            experiment_free(x);
            return NULL;
        }
        x->events += sim_engine_events(eng);
        absorb(x, sim_engine_record(eng), r);
        if (progress)
            progress(ctx, r + 1, count);
    }
    pathway_free(pw);
    double *tmp = malloc((size_t)count * sizeof *tmp + 1);
    if (tmp == NULL) {
        snprintf(err, errlen, "out of memory while summarising");
        experiment_free(x);
        return NULL;
    }
    for (int w = 0; w < x->n_windows; w++)
        for (int s = 0; s < x->n_stages; s++)
            for (int k = 0; k < SIM_METRIC_COUNT; k++) {
                size_t slot = metric_slot(x, w, s, k);
                memcpy(tmp, x->values + slot * (size_t)count, (size_t)count * sizeof *tmp);
                sim_summary_of(tmp, (size_t)count, &x->summary[slot]);
            }
    free(tmp);
    return x;
}

long experiment_replications(const experiment *x) { return x->reps; }
double experiment_events(const experiment *x) { return x->events; }

const sim_summary *experiment_metric(const experiment *x, int window, int stage, int metric)
{
    return &x->summary[metric_slot(x, window, stage, metric)];
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
