/* source.c -- arrivals into the pathway.
 *
 * A source is a Poisson process with a piecewise-constant rate per day
 * (exact, by inversion of the integrated rate) or a renewal process with an
 * interarrival law. Each arrival draws its attributes from the source's own
 * stream, so the k-th arrival of a source is the same person in every
 * scenario run with the same seed and replication. */
#include "models/pathway_internal.h"
#include "sim/nhpp.h"

static void schedule_next(pathway *pw, int i)
{
    const model_source *src = &pw->spec->sources[i];
    if (src->limit > 0 && pw->source_count[i] >= src->limit)
        return;
    double now = sim_engine_now(pw->eng), next;
    if (src->interarrival)
        next = now + sim_dist_sample(src->interarrival, pw->source_rng[i]);
    else
        next = sim_nhpp_next(&pw->source_piece[i], pw->source_rng[i], now, src->rate, NULL, 1.0,
                             sim_engine_horizon(pw->eng));
    if (next <= sim_engine_horizon(pw->eng))
        sim_engine_schedule(pw->eng, next, SIM_PRIORITY_DEFAULT, pw->ev_arrival, -1, 0, i);
}

void source_start(pathway *pw, int i)
{
    sim_nhpp_piece_reset(&pw->source_piece[i]);   /* forget the last replication's */
    schedule_next(pw, i);
}

void source_on_arrival(void *ctx, sim_engine *eng, const sim_event *ev)
{
    pathway *pw = ctx;
    const model_source *src = &pw->spec->sources[ev->arg];
    pw->source_count[ev->arg] += 1;
    sim_id e = sim_engine_spawn(eng);
    if (e < 0)
        return;
    attributes_draw(pw, e, pw->source_rng[ev->arg], src);
    sim_target t = {src->stage, 0};
    if (sim_engine_offer(eng, e, &t, 1) == SIM_REJECTED)
        sim_engine_discard(eng, e);
    schedule_next(pw, ev->arg);
}
