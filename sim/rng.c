/* rng.c -- stream derivation over MRG32k3a.
 *
 * The run seed picks the base state; the replication index picks the stream
 * (2^127 draws apart) and the source key picks the substream within it
 * (2^76 draws apart), so streams never overlap in practice and any one of
 * them can be recreated alone (see rng_mrg32k3a.h). */
#include "sim/rng.h"

#include "sim/rng_mrg32k3a.h"

#define SUBSTREAM_MASK ((1ull << 51) - 1)   /* sim_mrg_seed_stream's limit */

gsl_rng *sim_rng_new(uint64_t seed, uint64_t replication, uint64_t source)
{
    gsl_rng *r = gsl_rng_alloc(sim_mrg_type);
    if (r != NULL)
        sim_rng_reset(r, seed, replication, source);
    return r;
}

void sim_rng_reset(gsl_rng *r, uint64_t seed, uint64_t replication, uint64_t source)
{
    int rc = sim_mrg_seed_stream(r, seed, replication, source & SUBSTREAM_MASK);
    (void)rc;   /* cannot fail: r is an MRG32k3a and the substream is masked */
}
