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

/* gsl_rng_uniform(r) and gsl_rng_uniform_int(r, n), value for value, for
 * the draws of the event handlers: on the simulator's own streams the
 * MRG32k3a step is inlined instead of reached through GSL's two calls. Any
 * other generator goes through GSL. */
static inline double sim_rng_uniform(gsl_rng *r)
{
    if (r->type == sim_mrg_type)
        return (double)sim_mrg_step(r->state) * SIM_MRG_NORM;
    return gsl_rng_uniform(r);
}

/* GSL's rule: with get in [0, max], scale = max / n and k = get / scale,
 * drawn again while k >= n. Here get = z - 1 and max = m1 - 1 fit in 32
 * bits, so 32-bit divisions give the same quotients, faster. */
static inline unsigned long sim_rng_uniform_int(gsl_rng *r, unsigned long n)
{
    const uint32_t max = 4294967086u;
    if (r->type != sim_mrg_type || n == 0 || n > max)
        return gsl_rng_uniform_int(r, n);
    uint32_t scale = max / (uint32_t)n;
    for (;;) {
        uint32_t k = (uint32_t)(sim_mrg_step(r->state) - 1) / scale;
        if (k < n)
            return k;
    }
}

#endif
