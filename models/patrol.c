/* patrol.c -- street outreach patrols.
 *
 * Contacts happen as a Poisson process whose rate is the scenario's
 * contacts per hour during the patrol's weekly hours (none outside them:
 * no night patrols). Each contact meets a person drawn uniformly from those
 * present in the pool and not inside a day service; one not already
 * referred accepts a referral with the patrol's probability. */
#include "models/pathway_internal.h"
#include "sim/nhpp.h"

#include <gsl/gsl_randist.h>
#include <math.h>

/* Contact times: sim_nhpp_next with the current piece (rate and opening
 * state until their next change) remembered, exactly as next_request in
 * day_service.c, which explains why the results are bit-identical. The
 * piece lives in a per-thread table keyed by pathway and patrol, forgotten
 * by patrol_start at the start of every replication. */
typedef struct contact_piece {
    const pathway *pw;
    int patrol;
    double lo, next, lambda;     /* for t in [lo, next): rate per day, next change */
} contact_piece;

#define CONTACT_PIECES 16
static _Thread_local contact_piece contact_pieces[CONTACT_PIECES];

static contact_piece *contact_piece_of(const pathway *pw, int p)
{
    contact_piece *c = &contact_pieces[(unsigned)p % CONTACT_PIECES];
    if (c->pw != pw || c->patrol != p) {
        c->pw = pw;
        c->patrol = p;
        c->lo = INFINITY;        /* empty */
        c->next = -INFINITY;
    }
    return c;
}

static double next_contact(const pathway *pw, int p, gsl_rng *r, double t, const sim_schedule *rate,
                           const sim_week *hours, double scale, double horizon)
{
    if (rate == NULL)
        return INFINITY;
    contact_piece *c = contact_piece_of(pw, p);
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

static void schedule_next(pathway *pw, int p)
{
    const model_patrol *pt = &pw->spec->patrols[p];
    double next = next_contact(pw, p, pw->patrol_rng[p], sim_engine_now(pw->eng), pt->contacts_per_hour,
                               pt->hours, 24.0, sim_engine_horizon(pw->eng));
    if (next <= sim_engine_horizon(pw->eng))
        sim_engine_schedule(pw->eng, next, SIM_PRIORITY_DEFAULT, pw->ev_contact, -1, 0, p);
}

void patrol_start(pathway *pw, int p)
{
    contact_piece *c = contact_piece_of(pw, p);
    c->lo = INFINITY;            /* forget the last replication's piece */
    c->next = -INFINITY;
    schedule_next(pw, p);
}

void patrol_on_contact(void *ctx, sim_engine *eng, const sim_event *ev)
{
    pathway *pw = ctx;
    const model_patrol *pt = &pw->spec->patrols[ev->arg];
    gsl_rng *r = pw->patrol_rng[ev->arg];
    long n = sim_engine_occupancy(eng, pt->stage);
    double u = gsl_rng_uniform(r);
    if (n > 0) {
        sim_id e = sim_engine_member(eng, pt->stage, (long)gsl_rng_uniform_int(r, (unsigned long)n));
        sim_entity *x = sim_engine_entity(eng, e);
        if (x->visiting < 0) {
            sim_record_add(sim_engine_record(eng), pt->stage, SIM_RAW_CONTACTS, sim_engine_now(eng), 1.0);
            sim_record_add(sim_engine_record(eng), pt->stage, SIM_RAW_CONTACT_COST, sim_engine_now(eng),
                           pt->cost_per_contact);
            if (x->n_awaited == 0 && u < pt->accept)
                street_refer(pw, e);
        }
    }
    schedule_next(pw, ev->arg);
}
