/* accommodation.c -- service stages: hotels, apartments, beds, and the
 * plain servers of queueing models.
 *
 * A user admitted to a service stage stays for a drawn time (stabilisation,
 * or service), then is ready to move on. Routing is either random (one route
 * drawn by probability among those the user is eligible for) or
 * first-available (the user waits for every eligible downstream stage at
 * once and takes the first place offered). Until then the user keeps the
 * place: that is the blocking the engine records. Exit hazards run all along. */
#include "models/pathway_internal.h"

#include <gsl/gsl_randist.h>

void accommodation_enter(void *ctx, sim_engine *eng, int stage, sim_id e, double elapsed)
{
    pathway *pw = ctx;
    const model_stage *st = &pw->spec->stages[stage];
    sim_engine_entity(eng, e)->flags &= (uint8_t)~PATHWAY_READY;
    if (st->n_hazards > 0)
        exits_schedule(pw, stage, e, elapsed);
    if (st->stay == NULL)
        return;
    double rest = sim_dist_sample_remaining(st->stay, pw->stage_rng[stage], elapsed);
    sim_entity *x = sim_engine_entity(eng, e);
    if (x->flags & PATHWAY_LISTED_READY) {
        x->flags &= (uint8_t)~PATHWAY_LISTED_READY;
        rest = 0;
    }
    sim_engine_schedule(eng, sim_engine_now(eng) + rest, SIM_PRIORITY_DEFAULT, pw->ev_ready, e,
                        x->token, 0);
}

void accommodation_on_ready(void *ctx, sim_engine *eng, const sim_event *ev)
{
    pathway *pw = ctx;
    if (!sim_engine_is_current(eng, ev))
        return;
    sim_entity *x = sim_engine_entity(eng, ev->subject);
    x->flags |= PATHWAY_READY;
    accommodation_route(pw, x->stage, ev->subject);
}

/* One route drawn by probability among those e is eligible for; no draw
 * when only one of them can be taken (as in a plain queue's only route):
 * its draw would decide nothing, and it would cost a step of the stream
 * that also draws the stays. */
static int pick_random(const model_stage *st, const uint8_t *attr, gsl_rng *r)
{
    double total = 0;
    int n = 0, only = -1;
    for (int i = 0; i < st->n_routes; i++) {
        if (model_when_holds(&st->routes[i].when, attr) && st->routes[i].p > 0) {
            total += st->routes[i].p;
            n++;
            only = i;
        }
    }
    if (n <= 1)
        return only;
    double u = sim_rng_uniform(r) * total;
    int last = -1;
    for (int i = 0; i < st->n_routes; i++) {
        if (!model_when_holds(&st->routes[i].when, attr) || !(st->routes[i].p > 0))
            continue;
        last = i;
        u -= st->routes[i].p;
        if (u < 0)
            return i;
    }
    return last;
}

void accommodation_route(pathway *pw, int stage, sim_id e)
{
    const model_stage *st = &pw->spec->stages[stage];
    sim_target targets[SIM_MAX_AWAITED];
    int n = 0;
    const uint8_t *attr = sim_engine_entity(pw->eng, e)->attr;
    if (st->routing_random) {
        int i = pick_random(st, attr, pw->stage_rng[stage]);
        if (i >= 0) {
            targets[0].stage = st->routes[i].stage;
            targets[0].positive = st->routes[i].positive;
            n = 1;
        }
    } else {
        for (int i = 0; i < st->n_routes && n < SIM_MAX_AWAITED; i++) {
            if (!model_when_holds(&st->routes[i].when, attr))
                continue;
            targets[n].stage = st->routes[i].stage;
            targets[n].positive = st->routes[i].positive;
            n++;
        }
    }
    if (n > 0)
        sim_engine_offer(pw->eng, e, targets, n);
}
