/* day_service.c -- rest areas and other day services.
 *
 * A day service has seats and weekly opening hours. While open, visit
 * requests arrive as a Poisson process; a request with a free seat brings in
 * a person drawn from the pool who is not already inside, for a drawn visit
 * length. At closing time everyone goes back outside. A visit may lead to a
 * referral onwards (orientation). Visitors stay members of their pool: the
 * pathway position does not change, only where they are in the day.
 *
 * Requests that find every seat taken are lost, so none is generated while
 * the service is full: the admission that takes the last seat stops the
 * requests, and the next one is drawn from the moment a seat frees, however
 * it frees (the engine reports every end of a visit, a visitor moving on
 * included). Poisson requests have independent increments, so this is the
 * same process, without the events that could only be turned away (7% of
 * Paris events). A request can still find the service full after the
 * capacity schedule removed seats; it stops the requests the same way.
 *
 * Likewise a visit that would last past closing time gets no end event:
 * the closing ends it first (its boundary event runs before any other
 * event of the same time), so that event could only be stale. In Paris
 * that is 38% of visit ends, 15% of all events. */
#include "models/pathway_internal.h"
#include "sim/nhpp.h"

#include <gsl/gsl_randist.h>
#include <math.h>

static void schedule_visit(pathway *pw, int s)
{
    const model_stage *st = &pw->spec->stages[s];
    /* The remembered rate piece saves the week lookups at every request. */
    double next = sim_nhpp_next(&pw->stage_piece[s], pw->stage_rng[s], sim_engine_now(pw->eng),
                                st->visits_per_hour, st->hours, 24.0, sim_engine_horizon(pw->eng));
    if (next <= sim_engine_horizon(pw->eng))
        sim_engine_schedule(pw->eng, next, SIM_PRIORITY_DEFAULT, pw->ev_visit, s, 0, 0);
}

/* The next opening or closing, or capacity change: a service open all
 * week has no opening, and a seat added by the capacity schedule must
 * resume the requests stopped while the service was full (or had no seat). */
static void schedule_boundary(pathway *pw, int s)
{
    const model_stage *st = &pw->spec->stages[s];
    double now = sim_engine_now(pw->eng);
    double next = st->hours ? sim_week_next_change(st->hours, now) : INFINITY;
    if (st->capacity) {
        double cap = sim_schedule_next_change(st->capacity, now);
        if (cap < next)
            next = cap;
    }
    if (next <= sim_engine_horizon(pw->eng))
        sim_engine_schedule(pw->eng, next, SIM_PRIORITY_CAPACITY, pw->ev_boundary, s, 0, 0);
}

/* The next closing after now, or INFINITY if the service does not close
 * then (no hours, or closed now). Kept per stage: while open, the next
 * flip of the week is the closing, the same for every request until then. */
static double closing_time(pathway *pw, int s, double now)
{
    const sim_week *hours = pw->spec->stages[s].hours;
    if (hours == NULL)
        return INFINITY;
    if (!(now < pw->day_close[s])) {
        if (!sim_week_is_open(hours, now))
            return INFINITY;
        pw->day_close[s] = sim_week_next_change(hours, now);
    }
    return pw->day_close[s];
}

void day_service_start(pathway *pw, int s)
{
    sim_nhpp_piece_reset(&pw->stage_piece[s]);   /* forget the last replication's */
    pw->day_full[s] = 0;
    pw->day_close[s] = -INFINITY;                /* computed at the first request */
    schedule_visit(pw, s);
    street_picks_start(&pw->stage_picks[s], pw->stage_rng[s]);
    schedule_boundary(pw, s);
}

void day_service_on_visit(void *ctx, sim_engine *eng, const sim_event *ev)
{
    pathway *pw = ctx;
    int s = ev->subject;
    const model_stage *st = &pw->spec->stages[s];
    gsl_rng *r = pw->stage_rng[s];
    long n = sim_engine_occupancy(eng, st->pool);
    if (sim_engine_occupancy(eng, s) >= sim_engine_capacity(eng, s)) {
        pw->day_full[s] = 1;   /* resumed by the next freed seat */
        return;
    }
    double u = sim_rng_uniform(r);
    double length = sim_dist_sample(st->visit, r);
    if (n > 0) {
        /* A few tries to find someone outside: visitors are a small share.
         * The first pick was drawn ahead (see street.c). */
        for (int attempt = 0; attempt < 8; attempt++) {
            long i = attempt == 0 ? street_pick(&pw->stage_picks[s], r, n)
                                  : (long)sim_rng_uniform_int(r, (unsigned long)n);
            sim_id e = sim_engine_member(eng, st->pool, i);
            if (sim_engine_visiting(eng, e) >= 0)
                continue;
            if (sim_engine_visit(eng, e, s)) {
                double now = sim_engine_now(eng);
                sim_record_add(sim_engine_record(eng), s, SIM_RAW_CONTACTS, now, 1.0);
                if (now + length < closing_time(pw, s, now))
                    sim_engine_schedule(eng, now + length, SIM_PRIORITY_DEFAULT, pw->ev_visit_end, e,
                                        sim_engine_visit_token(eng, e), s);
                if (u < st->refer_p)
                    street_refer(pw, e);
            }
            break;
        }
    }
    if (sim_engine_occupancy(eng, s) >= sim_engine_capacity(eng, s))
        pw->day_full[s] = 1;   /* the next request would be turned away */
    else
        schedule_visit(pw, s);
    if (n > 0)
        street_picks_advance(pw, st->pool, &pw->stage_picks[s], r);
}

static void seat_freed(pathway *pw, int s)
{
    if (pw->day_full[s]) {
        pw->day_full[s] = 0;
        schedule_visit(pw, s);
    }
}

/* The engine calls this however a visit ends: its end event, the closing,
 * or the visitor moving on (admitted to a hotel, leaving the street), which
 * the service could not see otherwise. */
void day_service_visit_ended(void *ctx, sim_engine *eng, int stage, sim_id e)
{
    (void)eng;
    (void)e;
    seat_freed(ctx, stage);
}

void day_service_on_visit_end(void *ctx, sim_engine *eng, const sim_event *ev)
{
    (void)ctx;
    if (sim_engine_visiting(eng, ev->subject) == ev->arg &&
        sim_engine_visit_token(eng, ev->subject) == ev->token)
        sim_engine_end_visit(eng, ev->subject);
}

void day_service_on_boundary(void *ctx, sim_engine *eng, const sim_event *ev)
{
    pathway *pw = ctx;
    int s = ev->subject;
    const sim_week *hours = pw->spec->stages[s].hours;
    if (hours && !sim_week_is_open(hours, sim_engine_now(eng)))
        while (sim_engine_occupancy(eng, s) > 0)
            sim_engine_end_visit(eng, sim_engine_member(eng, s, sim_engine_occupancy(eng, s) - 1));
    seat_freed(pw, s);   /* for a seat the capacity schedule added */
    schedule_boundary(pw, s);
}
