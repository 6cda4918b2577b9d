/* rng.h -- one independent random stream per (seed, replication, source).
 *
 * Every random source of a model (arrivals of one source, stays in one stage,
 * routing, ...) draws from its own stream, derived from the run seed, the
 * replication index and the source index. Two runs that share a replication
 * index therefore see the same draws for the same source, whatever else
 * differs (common random numbers), and a replication can be rerun alone. */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include "sim/rng_mrg32k3a.h"

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* Returns a generator positioned at the start of the stream, or NULL when
 * out of memory. Free with gsl_rng_free. */
gsl_rng *sim_rng_new(uint64_t seed, uint64_t replication, uint64_t source);

/* Repositions an existing generator at the start of another stream. */
void sim_rng_reset(gsl_rng *r, uint64_t seed, uint64_t replication, uint64_t source);

/* gsl_rng_uniform(r), value for value, for the draws of the event
 * handlers: on the simulator's own streams the MRG32k3a step is inlined
 * instead of reached through GSL's two calls. Any other generator goes
 * through GSL. */
static inline double sim_rng_uniform(gsl_rng *r)
{
    if (r->type == sim_mrg_type)
        return (double)sim_mrg_step(r->state) * SIM_MRG_NORM;
    return gsl_rng_uniform(r);
}

/* A uniform integer in [0, n) for a random pick, in two steps: the draw
 * (sim_rng_pick_draw) and its mapping to an index (sim_rng_pick_index).
 * A model that knows it will pick later draws early: the pick is then
 * known ahead and the member it names can be fetched from memory meanwhile
 * (sim_rng_pick_hint); n is only needed, and may have changed, when the
 * pick is made.
 *
 * On the simulator's streams the mapping is Lemire's multiply-and-reject
 * ("Fast random integer generation in an interval", ACM TOMACS 2019) over
 * the M = m1 values of z - 1: k = floor(u n / M), redrawn from r while
 * (u n mod M) < (M mod n), which leaves exactly floor(M / n) values of u
 * to each k, so the pick is exactly uniform. M is a constant, so its
 * division is a multiplication; GSL's rule divides by n twice, and that
 * latency was most of a rest-area visit's pick. Other generators, and n
 * of 2^32 or more, go through gsl_rng_uniform_int (the early draw is then
 * not used). */
static inline uint64_t sim_rng_pick_draw(gsl_rng *r)
{
    if (r->type != sim_mrg_type)
        return 0;
    return sim_mrg_step(r->state) - 1;
}

static inline unsigned long sim_rng_pick_index(gsl_rng *r, uint64_t draw, unsigned long n)
{
    const uint64_t m = SIM_MRG_M1;   /* the number of values of z - 1 */
    if (r->type != sim_mrg_type || n == 0 || n >= m)
        return gsl_rng_uniform_int(r, n);
    uint64_t x = draw * (uint64_t)n;
    uint64_t k = x / m, low = x - k * m;
    if (low < n) {
        uint64_t threshold = m % n;   /* a division, once in about m / n draws */
        while (low < threshold) {
            x = (sim_mrg_step(r->state) - 1) * (uint64_t)n;
            k = x / m;
            low = x - k * m;
        }
    }
    return (unsigned long)k;
}

/* The index sim_rng_pick_index will give for that draw and n unless it
 * rejects the draw (for n < 2^32, on the simulator's streams): a hint for
 * prefetching, never a result. */
static inline unsigned long sim_rng_pick_hint(uint64_t draw, unsigned long n)
{
    return (unsigned long)((draw * (uint64_t)n) / SIM_MRG_M1);
}

/* A pick drawn now and made now. */
static inline unsigned long sim_rng_uniform_int(gsl_rng *r, unsigned long n)
{
    return sim_rng_pick_index(r, sim_rng_pick_draw(r), n);
}

#endif
