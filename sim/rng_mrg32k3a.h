/* rng_mrg32k3a.h -- L'Ecuyer's MRG32k3a with streams and substreams, as a
 * GSL generator type.
 *
 * MRG32k3a is the combined multiple recursive generator of L'Ecuyer (1999),
 * used by the RngStreams package (L'Ecuyer, Simard, Chen & Kelton 2002).
 * Its period is about 2^191. The period is cut into streams 2^127 steps
 * apart and each stream into 2^51 substreams 2^76 steps apart, so a model
 * can give each replication and each random source its own stream and be
 * sure that no two of them overlap, instead of hoping that unrelated seeds
 * land far apart. Any GSL sampler (gsl_rng_uniform, gsl_ran_exponential, ...)
 * can draw from it through sim_mrg_type.
 *
 * Outputs. Each step yields the RngStreams combined integer z in
 * [1, m1] with m1 = 4294967087, and
 *   gsl_rng_uniform(r) = z * 2.328306549295727688e-10 = z / (m1 + 1),
 * the exact double RngStreams' U01 returns (no antithetic, no extended
 * precision), so it is never 0 and never 1. gsl_rng_get(r) returns z - 1,
 * so that gsl_rng_min is 0 and gsl_rng_max is m1 - 1 = 4294967086; for the
 * same step, gsl_rng_uniform gives exactly (double)(get + 1) times the
 * constant above, i.e. (get + 1) / (max + 2). Resolution is about 32 bits,
 * not 53.
 *
 * State. Six integers s[0..5]: s[0..2] is the first component (each < m1,
 * not all zero), s[3..5] the second (each < m2 = 4294944443, not all zero),
 * ordered as RngStreams' Cg array.
 *
 * Functions returning int return 0 on success and -1 on bad arguments,
 * including an r that is not a sim_mrg_type generator; on failure the
 * generator is left unchanged. */
#ifndef SIM_RNG_MRG32K3A_H
#define SIM_RNG_MRG32K3A_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* Name "mrg32k3a-streams". gsl_rng_set(r, seed) means
 * sim_mrg_seed_stream(r, seed, 0, 0); gsl_rng_alloc seeds with
 * gsl_rng_default_seed, 0 unless changed. */
extern const gsl_rng_type *sim_mrg_type;

/* Sets the state to seed[0..5] (see State above). */
int sim_mrg_set_state(gsl_rng *r, const uint64_t seed[6]);

/* Copies the current state to state[0..5]. */
int sim_mrg_get_state(const gsl_rng *r, uint64_t state[6]);

/* Positions r at the start of substream `substream` of stream `stream`:
 * the state reached after stream * 2^127 + substream * 2^76 steps from the
 * base state of `seed`.
 *
 * Base state: seed 0 gives RngStreams' default package seed, 12345 six
 * times, so stream k is the k-th RngStream the reference package creates
 * and our outputs can be checked against its published test output. Any
 * other seed gives six successive splitmix64 outputs (the generator state
 * starting at `seed`), the first three mapped to 1 + x mod (m1 - 1) and the
 * last three to 1 + x mod (m2 - 1), which is always a valid state.
 *
 * Streams of one seed never overlap (for stream indices below about
 * 2^64 - 3e14, where the period wraps around). Different seeds are only
 * probably far apart, so a study should fix one seed and number its
 * streams. substream must be below 2^51, the number of substreams in a
 * stream; larger values would silently alias the next streams and are
 * rejected. */
int sim_mrg_seed_stream(gsl_rng *r, uint64_t seed, uint64_t stream, uint64_t substream);

/* Moves the current state n * 2^127 steps ahead. */
int sim_mrg_jump_streams(gsl_rng *r, uint64_t n);

/* Moves the current state n * 2^76 steps ahead (n >= 2^51 crosses into
 * later streams). */
int sim_mrg_jump_substreams(gsl_rng *r, uint64_t n);

/* Moves the current state ahead by 2^e + c steps when e > 0 and by c steps
 * when e == 0, as RngStreams' AdvanceState(e, c) does for e >= 0. Backward
 * moves are not supported: e < 0 is rejected. Costs O(e + log c). */
int sim_mrg_advance(gsl_rng *r, int e, uint64_t c);

/* The state and one step, in the header only so that sim_rng_uniform
 * (sim/rng.h) can inline the step: a draw through gsl_rng_uniform is two
 * calls, one of them indirect, which cost about as much as the step. Use
 * the functions above to read or set a state.
 *
 * s1: first component (mod m1), s2: second (mod m2), oldest value first. */
typedef struct sim_mrg_state {
    uint64_t s1[3];
    uint64_t s2[3];
} sim_mrg_state;

/* 1 / (m1 + 1), the constant RngStreams multiplies by. Written as the same
 * decimal literal as RngStream.c so outputs are bit-identical. */
#define SIM_MRG_NORM 2.328306549295727688e-10

/* m1, the first component's modulus: z takes the m1 values 1 .. m1. */
#define SIM_MRG_M1 4294967087u

/* Advances one step and returns the combined value z in [1, m1]. */
static inline uint64_t sim_mrg_step(sim_mrg_state *st)
{
    const uint64_t m1 = SIM_MRG_M1, m2 = 4294944443u;
    const uint64_t a12 = 1403580u, a13n = 810728u;    /* a13 = -810728 */
    const uint64_t a21 = 527612u, a23n = 1370589u;    /* a23 = -1370589 */
    /* Adding a13n * (m1 - s) instead of subtracting a13n * s keeps the sum
     * nonnegative; it is below 2^54, so one reduction suffices. */
    uint64_t p1 = (a12 * st->s1[1] + a13n * (m1 - st->s1[0])) % m1;
    st->s1[0] = st->s1[1];
    st->s1[1] = st->s1[2];
    st->s1[2] = p1;

    uint64_t p2 = (a21 * st->s2[2] + a23n * (m2 - st->s2[0])) % m2;
    st->s2[0] = st->s2[1];
    st->s2[1] = st->s2[2];
    st->s2[2] = p2;

    /* RngStreams maps p1 == p2 to m1, not 0, which keeps U01 above 0. */
    return p1 > p2 ? p1 - p2 : p1 - p2 + m1;
}

#endif
