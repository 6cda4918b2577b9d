/* patrol.c -- street outreach patrols.
 *
 * Contacts happen as a Poisson process whose rate is the scenario's
 * contacts per hour during the patrol's weekly hours (none outside them:
 * no night patrols). Each contact meets a person drawn uniformly from those
 * present in the pool and not inside a day service; one not already
 * referred accepts a referral with the patrol's probability. The person
 * is drawn two contacts ahead (see street.c). */
#include "models/pathway_internal.h"
#include "sim/nhpp.h"

#include <gsl/gsl_randist.h>
#include <math.h>

static void schedule_next(pathway *pw, int p)
{
    const model_patrol *pt = &pw->spec->patrols[p];
    double next = sim_nhpp_next(&pw->patrol_piece[p], pw->patrol_rng[p], sim_engine_now(pw->eng),
                                pt->contacts_per_hour, pt->hours, 24.0, sim_engine_horizon(pw->eng));
    if (next <= sim_engine_horizon(pw->eng))
        sim_engine_schedule(pw->eng, next, SIM_PRIORITY_DEFAULT, pw->ev_contact, -1, 0, p);
}

void patrol_start(pathway *pw, int p)
{
    sim_nhpp_piece_reset(&pw->patrol_piece[p]);   /* forget the last replication's */
    schedule_next(pw, p);
    street_picks_start(&pw->patrol_picks[p], pw->patrol_rng[p]);
}

void patrol_on_contact(void *ctx, sim_engine *eng, const sim_event *ev)
{
    pathway *pw = ctx;
    const model_patrol *pt = &pw->spec->patrols[ev->arg];
    gsl_rng *r = pw->patrol_rng[ev->arg];
    long n = sim_engine_occupancy(eng, pt->stage);
    double u = sim_rng_uniform(r);
    if (n > 0) {
        sim_id e = sim_engine_member(eng, pt->stage, street_pick(&pw->patrol_picks[ev->arg], r, n));
        if (sim_engine_visiting(eng, e) < 0) {
            sim_record_add(sim_engine_record(eng), pt->stage, SIM_RAW_CONTACTS, sim_engine_now(eng), 1.0);
            sim_record_add(sim_engine_record(eng), pt->stage, SIM_RAW_CONTACT_COST, sim_engine_now(eng),
                           pt->cost_per_contact);
            if (u < pt->accept && sim_engine_entity(eng, e)->n_awaited == 0)
                street_refer(pw, e);
        }
    }
    schedule_next(pw, ev->arg);
    if (n > 0)
        street_picks_advance(pw, pt->stage, &pw->patrol_picks[ev->arg], r);
}
