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
 * the service is full: the next request is drawn from the moment a seat
 * frees. Poisson requests have independent increments, so this is the same
 * process, without the events that could only be turned away. */
#include "models/pathway_internal.h"
#include "sim/nhpp.h"

#include <gsl/gsl_randist.h>
#include <math.h>

/* Visit requests: sim_nhpp_next, with the current piece remembered.
 *
 * sim_nhpp_next asks the rate schedule and the opening hours for the rate
 * and the next change at every request; the week scans made that the
 * largest item of the Paris profile (a quarter of the run). Those answers
 * are the same for every time in [lo, next) -- the rate and the opening
 * state only change at `next` (sim_week_next_change: the next flip strictly
 * after t; sim_schedule_next_change: the next step) and the change time
 * returned is the same boundary, computed the same way, from any time
 * before it -- so next_request keeps them for the current piece and
 * otherwise does exactly what sim_nhpp_next does: the same draw, the same
 * arithmetic, bit-identical request times.
 *
 * The piece is kept in a small per-thread table keyed by pathway and stage
 * and forgotten by day_service_start at the start of every replication (a
 * replication runs from start to end on one thread, so a stale entry of
 * another pathway can never be taken for this one). */
typedef struct request_piece {
    const pathway *pw;
    int stage;
    double lo, next, lambda;     /* for t in [lo, next): rate per day, next change */
} request_piece;

#define REQUEST_PIECES 16
static _Thread_local request_piece request_pieces[REQUEST_PIECES];

static request_piece *request_piece_of(const pathway *pw, int s)
{
    request_piece *c = &request_pieces[(unsigned)s % REQUEST_PIECES];
    if (c->pw != pw || c->stage != s) {
        c->pw = pw;
        c->stage = s;
        c->lo = INFINITY;        /* empty */
        c->next = -INFINITY;
    }
    return c;
}

static double next_request(const pathway *pw, int s, gsl_rng *r, double t, const sim_schedule *rate,
                           const sim_week *hours, double scale, double horizon)
{
    if (rate == NULL)
        return INFINITY;
    request_piece *c = request_piece_of(pw, s);
    double work = gsl_ran_exponential(r, 1.0);
    while (t < horizon) {
        if (!(t >= c->lo && t < c->next)) {
            double lambda = sim_schedule_value(rate, t) * scale;
            if (hours != NULL && !sim_week_is_open(hours, t))
                lambda = 0;
            double next = sim_schedule_next_change(rate, t);
            if (hours != NULL) {
                double w = sim_week_next_change(hours, t);
                if (w < next)
                    next = w;
            }
            c->lo = t;
            c->next = next;
            c->lambda = lambda;
        }
        double lambda = c->lambda, next = c->next;
        if (lambda > 0 && t + work / lambda < next)
            return t + work / lambda;
        if (isinf(next))
            return INFINITY;
        work -= lambda * (next - t);
        t = next;
    }
    return INFINITY;
}

static void schedule_visit(pathway *pw, int s)
{
    const model_stage *st = &pw->spec->stages[s];
    double next = next_request(pw, s, pw->stage_rng[s], sim_engine_now(pw->eng), st->visits_per_hour,
                               st->hours, 24.0, sim_engine_horizon(pw->eng));
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

void day_service_start(pathway *pw, int s)
{
    request_piece *c = request_piece_of(pw, s);
    c->lo = INFINITY;            /* forget the last replication's piece */
    c->next = -INFINITY;
    pw->day_full[s] = 0;
    schedule_visit(pw, s);
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
    double u = gsl_rng_uniform(r);
    double length = sim_dist_sample(st->visit, r);
    if (n > 0) {
        /* A few tries to find someone outside: visitors are a small share. */
        for (int attempt = 0; attempt < 8; attempt++) {
            sim_id e = sim_engine_member(eng, st->pool, (long)gsl_rng_uniform_int(r, (unsigned long)n));
            if (sim_engine_entity(eng, e)->visiting >= 0)
                continue;
            if (sim_engine_visit(eng, e, s)) {
                sim_record_add(sim_engine_record(eng), s, SIM_RAW_CONTACTS, sim_engine_now(eng), 1.0);
                sim_engine_schedule(eng, sim_engine_now(eng) + length, SIM_PRIORITY_DEFAULT,
                                    pw->ev_visit_end, e, sim_engine_entity(eng, e)->visit_token, s);
                if (u < st->refer_p)
                    street_refer(pw, e);
            }
            break;
        }
    }
    schedule_visit(pw, s);
}

static void seat_freed(pathway *pw, int s)
{
    if (pw->day_full[s]) {
        pw->day_full[s] = 0;
        schedule_visit(pw, s);
    }
}

void day_service_on_visit_end(void *ctx, sim_engine *eng, const sim_event *ev)
{
    pathway *pw = ctx;
    sim_entity *x = sim_engine_entity(eng, ev->subject);
    if (x->visiting == ev->arg && x->visit_token == ev->token) {
        sim_engine_end_visit(eng, ev->subject);
        seat_freed(pw, ev->arg);
    }
}

void day_service_on_boundary(void *ctx, sim_engine *eng, const sim_event *ev)
{
    pathway *pw = ctx;
    int s = ev->subject;
    const sim_week *hours = pw->spec->stages[s].hours;
    if (hours && !sim_week_is_open(hours, sim_engine_now(eng)))
        while (sim_engine_occupancy(eng, s) > 0)
            sim_engine_end_visit(eng, sim_engine_member(eng, s, sim_engine_occupancy(eng, s) - 1));
    seat_freed(pw, s);
    schedule_boundary(pw, s);
}
