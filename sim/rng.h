/* rng.h -- one independent random stream per (seed, replication, source).
 *
 * Every random source of a model (arrivals of one source, stays in one stage,
 * routing, ...) draws from its own stream, derived from the run seed, the
 * replication index and the source index. Two runs that share a replication
 * index therefore see the same draws for the same source, whatever else
 * differs (common random numbers), and a replication can be rerun alone. */
#ifndef SIM_RNG_H
#define SIM_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* Returns a generator positioned at the start of the stream, or NULL when
 * out of memory. Free with gsl_rng_free. */
gsl_rng *sim_rng_new(uint64_t seed, uint64_t replication, uint64_t source);

/* Repositions an existing generator at the start of another stream. */
void sim_rng_reset(gsl_rng *r, uint64_t seed, uint64_t replication, uint64_t source);

#endif
