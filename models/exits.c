/* exits.c -- competing exit hazards.
 *
 * Each exit of a stage (to the street, prison, death, leaving ...) has its
 * own time-to-event law. On entry every one is drawn and the earliest wins;
 * it fires unless the user has moved on first (the event is then stale).
 * For the initial state the draws are conditional on the time already
 * spent. Absorbing exits are engine stages that free the user on entry. */
#include "models/pathway_internal.h"

#include <math.h>

void exits_schedule(pathway *pw, int stage, sim_id e, double elapsed)
{
    const model_stage *st = &pw->spec->stages[stage];
    gsl_rng *r = pw->stage_rng[stage];
    double best = INFINITY;
    int which = -1;
    for (int h = 0; h < st->n_hazards; h++) {
        double t = sim_dist_sample_remaining(st->hazards[h].after, r, elapsed);
        if (t < best) {
            best = t;
            which = h;
        }
    }
    if (which >= 0) {
        sim_entity *x = sim_engine_entity(pw->eng, e);
        sim_engine_schedule(pw->eng, sim_engine_now(pw->eng) + best, SIM_PRIORITY_DEFAULT,
                            pw->ev_exit, e, x->token, which);
    }
}

void exits_on_exit(void *ctx, sim_engine *eng, const sim_event *ev)
{
    pathway *pw = ctx;
    if (!sim_engine_is_current(eng, ev))
        return;
    sim_entity *x = sim_engine_entity(eng, ev->subject);
    const model_hazard *h = &pw->spec->stages[x->stage].hazards[ev->arg];
    sim_engine_move(eng, ev->subject, h->stage, h->positive);
}
