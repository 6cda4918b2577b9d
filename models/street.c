/* street.c -- pools: people present in the public space.
 *
 * A pool has no capacity and no stay of its own: people arrive, leave by
 * their own exit hazards, and move on only when a contact (a patrol, a
 * visit to a day service) convinces them to accept a referral. A referred
 * person waits on the street for a place in the pool's routes.
 *
 * Picks. Day services and patrols pick people at random in the pool. In a
 * pool of a million people the member array (4 MB) and the people's
 * visit state (20 MB) are not in the caches, and a pick reads one after
 * the other: two misses in a row, most of a rest-area visit's time in the
 * synthetic metropolis. So each picker draws its picks two ahead:
 * after a pick, the slot of the pick after the next is prefetched, and
 * the person in the slot of the next pick (prefetched one pick earlier)
 * has their visit state prefetched. The draws are the same in number and
 * law as drawing each pick when it is made, only earlier in the stream;
 * the index is computed at the pick, from the pool size then. */
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

void street_picks_start(street_picks *p, gsl_rng *r)
{
    p->next[0] = sim_rng_pick_draw(r);
    p->next[1] = sim_rng_pick_draw(r);
}

long street_pick(const street_picks *p, gsl_rng *r, long n)
{
    return (long)sim_rng_pick_index(r, p->next[0], (unsigned long)n);
}

void street_picks_advance(pathway *pw, int pool, street_picks *p, gsl_rng *r)
{
    sim_engine *eng = pw->eng;
    p->next[0] = p->next[1];
    p->next[1] = sim_rng_pick_draw(r);
    long n = sim_engine_occupancy(eng, pool);
    if (n <= 0)
        return;
    sim_engine_prefetch_member(eng, pool, (long)sim_rng_pick_hint(p->next[1], (unsigned long)n));
    long i = (long)sim_rng_pick_hint(p->next[0], (unsigned long)n);   /* < n: a draw is below M */
    sim_engine_prefetch_visit(eng, sim_engine_member(eng, pool, i));
}
