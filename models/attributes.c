/* attributes.c -- user attributes drawn at arrival, and their transitions.
 *
 * Attributes (sex, health, residence status, court order, ...) are declared
 * by the scenario; the engine only stores value indices. A transition
 * (e.g. residence irregular -> regular after a delay) may make a waiting
 * user eligible for more places, so it re-offers the routes. */
#include "models/pathway_internal.h"

#include <gsl/gsl_randist.h>

static int draw_value(const model_attribute *a, gsl_rng *r)
{
    double u = sim_rng_uniform(r), acc = 0;
    for (int v = 0; v < a->n_values - 1; v++) {
        acc += a->p[v];
        if (u < acc)
            return v;
    }
    return a->n_values - 1;
}

void attributes_draw(pathway *pw, sim_id e, gsl_rng *r, const model_source *src)
{
    const model_spec *spec = pw->spec;
    for (int a = 0; a < spec->n_attributes; a++) {
        int v = draw_value(&spec->attributes[a], r);   /* always drawn: keeps streams aligned */
        for (int k = 0; src && k < src->n_fixed; k++)
            if (src->fixed_attr[k] == a)
                v = src->fixed_value[k];
        sim_engine_entity(pw->eng, e)->attr[a] = (uint8_t)v;
    }
    for (int t = 0; t < spec->n_transitions; t++) {
        const model_transition *tr = &spec->transitions[t];
        double after = sim_dist_sample(tr->after, r);
        sim_entity *x = sim_engine_entity(pw->eng, e);
        if (x->attr[tr->attr] == tr->from)
            sim_engine_schedule(pw->eng, sim_engine_now(pw->eng) + after, SIM_PRIORITY_DEFAULT,
                                pw->ev_transition, e, x->life, t);
    }
}

void attributes_on_transition(void *ctx, sim_engine *eng, const sim_event *ev)
{
    pathway *pw = ctx;
    sim_entity *x = sim_engine_entity(eng, ev->subject);
    if (x->life != ev->token)
        return;   /* that user has left the system */
    const model_transition *tr = &pw->spec->transitions[ev->arg];
    if (x->attr[tr->attr] != tr->from)
        return;
    x->attr[tr->attr] = (uint8_t)tr->to;
    int s = x->stage;
    if (s < 0)
        return;
    const model_stage *st = &pw->spec->stages[s];
    if (st->routing_random)
        return;   /* a drawn route stays drawn */
    if ((st->kind == MODEL_SERVICE && (x->flags & PATHWAY_READY)) ||
        (st->kind == MODEL_POOL && x->n_awaited > 0))
        accommodation_route(pw, s, ev->subject);
}
