/* street.c -- pools: people present in the public space.
 *
 * A pool has no capacity and no stay of its own: people arrive, leave by
 * their own exit hazards, and move on only when a contact (a patrol, a
 * visit to a day service) convinces them to accept a referral. A referred
 * person waits on the street for a place in the pool's routes. */
#include "models/pathway_internal.h"

void street_enter(void *ctx, sim_engine *eng, int stage, sim_id e, double elapsed)
{
    sim_engine_entity(eng, e)->flags &= (uint8_t)~(PATHWAY_READY | PATHWAY_LISTED_READY);
    exits_schedule(ctx, stage, e, elapsed);
}

void street_refer(pathway *pw, sim_id e)
{
    sim_entity *x = sim_engine_entity(pw->eng, e);
    if (x->stage < 0 || x->n_awaited > 0)
        return;
    accommodation_route(pw, x->stage, e);
}
