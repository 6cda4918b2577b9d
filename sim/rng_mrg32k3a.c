/* rng_mrg32k3a.c -- MRG32k3a (L'Ecuyer 1999) with RngStreams-style streams
 * and substreams, packaged as a GSL generator type.
 *
 * What it is. MRG32k3a combines two order-3 multiple recursive generators,
 *   x1[n] = (1403580 x1[n-2] - 810728 x1[n-3]) mod m1,  m1 = 2^32 - 209,
 *   x2[n] = (527612 x2[n-1] - 1370589 x2[n-3]) mod m2,  m2 = 2^32 - 22853,
 * and outputs z[n] = (x1[n] - x2[n]) mod m1, with z = 0 replaced by m1.
 * Its period is (m1^3 - 1)(m2^3 - 1)/2, about 2^191, and it passes the
 * usual statistical batteries (TestU01 BigCrush).
 *
 * Why streams. A simulation needs many random sources (one per arrival
 * process, service, routing decision, ...) and many replications, and their
 * sequences must not overlap or results become correlated. Each component
 * is linear, x[n+k] = A^k x[n] mod m, so jumping k steps ahead is one 3x3
 * matrix-vector product once A^k is known. RngStreams cuts the period into
 * streams 2^127 steps apart, each cut into substreams 2^76 steps apart;
 * giving each (replication, source) its own stream guarantees disjoint
 * sequences (no source will ever draw 2^127 numbers), and substreams serve
 * common random numbers across scenarios.
 *
 * References:
 *   P. L'Ecuyer, "Good parameters and implementations for combined multiple
 *   recursive random number generators", Operations Research 47(1), 1999,
 *   159-164.
 *   P. L'Ecuyer, R. Simard, E. J. Chen, W. D. Kelton, "An object-oriented
 *   random-number package with many long streams and substreams",
 *   Operations Research 50(6), 2002, 1073-1075.
 *
 * Arithmetic. Everything is exact unsigned 64-bit integer arithmetic:
 * operands are below 2^32, so every product fits in 64 bits and every sum
 * is reduced before the next product. The double-based tricks of the
 * reference code are not needed on a 64-bit machine. */
#include "sim/rng_mrg32k3a.h"

#include <stddef.h>

static const uint64_t m1 = 4294967087u;
static const uint64_t m2 = 4294944443u;

/* Number of substreams in a stream: 2^127 / 2^76. */
static const uint64_t substreams_per_stream = (uint64_t)1 << 51;

/* A 3x3 matrix mod m. Wrapped in a struct because C does not convert
 * uint64_t (*)[3] to const uint64_t (*)[3] implicitly. */
typedef struct {
    uint64_t a[3][3];
} mat3;

/* One-step transition matrices, x[n+1..n+3] = A x[n..n+2]; the negative
 * coefficients are stored as their residues m - a. */
static const mat3 a1p0 = {{
    {0, 1, 0},
    {0, 0, 1},
    {4294967087u - 810728u, 1403580u, 0},
}};
static const mat3 a2p0 = {{
    {0, 1, 0},
    {0, 0, 1},
    {4294944443u - 1370589u, 0, 527612u},
}};

/* A1^(2^76), A2^(2^76), A1^(2^127), A2^(2^127) mod m1 / m2, as published in
 * L'Ecuyer et al. (2002) and RngStream.c; the test suite recomputes them
 * from the one-step matrices. */
static const mat3 a1p76 = {{
    {82758667u, 1871391091u, 4127413238u},
    {3672831523u, 69195019u, 1871391091u},
    {3672091415u, 3528743235u, 69195019u},
}};
static const mat3 a2p76 = {{
    {1511326704u, 3759209742u, 1610795712u},
    {4292754251u, 1511326704u, 3889917532u},
    {3859662829u, 4292754251u, 3708466080u},
}};
static const mat3 a1p127 = {{
    {2427906178u, 3580155704u, 949770784u},
    {226153695u, 1230515664u, 3580155704u},
    {1988835001u, 986791581u, 1230515664u},
}};
static const mat3 a2p127 = {{
    {1464411153u, 277697599u, 1610723613u},
    {32183930u, 1464411153u, 1022607788u},
    {2824425944u, 32183930u, 2093834863u},
}};

/* RngStreams' default package seed, used as the base state of seed 0. */
static const uint64_t rngstreams_default_seed[6] = {12345, 12345, 12345, 12345, 12345, 12345};

/* ---- the GSL callbacks (the step itself is sim_mrg_step, in the header) */

static unsigned long mrg_get(void *vstate)
{
    return (unsigned long)(sim_mrg_step(vstate) - 1);
}

static double mrg_get_double(void *vstate)
{
    return (double)sim_mrg_step(vstate) * SIM_MRG_NORM;
}

static uint64_t splitmix64_next(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Base state of a seed; see sim_mrg_seed_stream in the header. Values are
 * kept in [1, m - 1] so no component can be all zero. */
static void base_state(sim_mrg_state *st, uint64_t seed)
{
    if (seed == 0) {
        for (int i = 0; i < 3; i++) {
            st->s1[i] = rngstreams_default_seed[i];
            st->s2[i] = rngstreams_default_seed[3 + i];
        }
        return;
    }
    uint64_t x = seed;
    for (int i = 0; i < 3; i++)
        st->s1[i] = 1 + splitmix64_next(&x) % (m1 - 1);
    for (int i = 0; i < 3; i++)
        st->s2[i] = 1 + splitmix64_next(&x) % (m2 - 1);
}

static void mrg_set(void *vstate, unsigned long seed)
{
    base_state(vstate, (uint64_t)seed);
}

static const gsl_rng_type mrg_type = {
    "mrg32k3a-streams",
    4294967086ul, /* m1 - 1: get returns z - 1 */
    0,
    sizeof(sim_mrg_state),
    mrg_set,
    mrg_get,
    mrg_get_double,
};

const gsl_rng_type *sim_mrg_type = &mrg_type;

/* ---- exact 3x3 matrix arithmetic mod m -------------------------------- */

/* Entries of all matrices and vectors are already reduced (< m < 2^32),
 * so a product fits in 64 bits, and a sum of three reduced products too.
 *
 * These are always inlined into jump_times and its kin, whose modulus is
 * the constant m1 or m2: the compiler then reduces by a multiplication
 * instead of a 64-bit division. Seeding a stream takes a few hundred
 * matrix products, and seeding every stream of a replication was 2% of
 * the time of a Paris replication (27 us a stream; 7.3 us inlined). */

static inline __attribute__((always_inline)) uint64_t mul_mod(uint64_t a, uint64_t b, uint64_t m)
{
    return (a * b) % m;
}

/* v = A v mod m. */
static inline __attribute__((always_inline)) void mat_vec_mod(const mat3 *a, uint64_t v[3], uint64_t m)
{
    uint64_t x[3];
    for (int i = 0; i < 3; i++) {
        uint64_t sum = 0;
        for (int k = 0; k < 3; k++)
            sum += mul_mod(a->a[i][k], v[k], m);
        x[i] = sum % m;
    }
    for (int i = 0; i < 3; i++)
        v[i] = x[i];
}

/* Returns a b mod m. Returning by value lets callers write w = f(w, w). */
static inline __attribute__((always_inline)) mat3 mat_mul_mod(const mat3 *a, const mat3 *b, uint64_t m)
{
    mat3 c;
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
            uint64_t sum = 0;
            for (int k = 0; k < 3; k++)
                sum += mul_mod(a->a[i][k], b->a[k][j], m);
            c.a[i][j] = sum % m;
        }
    }
    return c;
}

/* Returns a^n mod m by square-and-multiply: O(log n) products, so stream
 * indices up to 2^64 cost at most 128 matrix products. */
static inline __attribute__((always_inline)) mat3 mat_pow_mod(const mat3 *a, uint64_t n, uint64_t m)
{
    mat3 w = *a;
    mat3 b = {{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
    while (n > 0) {
        if (n & 1)
            b = mat_mul_mod(&w, &b, m);
        w = mat_mul_mod(&w, &w, m);
        n >>= 1;
    }
    return b;
}

/* Returns a^(2^e) mod m by e squarings. */
static inline __attribute__((always_inline)) mat3 mat_two_pow_mod(const mat3 *a, int e, uint64_t m)
{
    mat3 b = *a;
    for (int i = 0; i < e; i++)
        b = mat_mul_mod(&b, &b, m);
    return b;
}

/* Applies p1 to the first component and p2 to the second. */
static void apply_jump(sim_mrg_state *st, const mat3 *p1, const mat3 *p2)
{
    mat_vec_mod(p1, st->s1, m1);
    mat_vec_mod(p2, st->s2, m2);
}

/* Moves st ahead by n times the jump whose matrices are j1, j2. */
static void jump_times(sim_mrg_state *st, const mat3 *j1, const mat3 *j2, uint64_t n)
{
    mat3 p1 = mat_pow_mod(j1, n, m1);
    mat3 p2 = mat_pow_mod(j2, n, m2);
    apply_jump(st, &p1, &p2);
}

/* ---- public API -------------------------------------------------------- */

/* The state of r, or NULL when r is not one of ours: the API takes a plain
 * gsl_rng, so a generator of another type must be refused, not scribbled
 * over. */
static sim_mrg_state *state_of(const gsl_rng *r)
{
    if (r == NULL || r->type != &mrg_type)
        return NULL;
    return r->state;
}

static int component_is_valid(const uint64_t s[3], uint64_t m)
{
    if (s[0] >= m || s[1] >= m || s[2] >= m)
        return 0;
    return s[0] != 0 || s[1] != 0 || s[2] != 0;
}

int sim_mrg_set_state(gsl_rng *r, const uint64_t seed[6])
{
    sim_mrg_state *st = state_of(r);
    if (st == NULL || seed == NULL)
        return -1;
    if (!component_is_valid(seed, m1) || !component_is_valid(seed + 3, m2))
        return -1;
    for (int i = 0; i < 3; i++) {
        st->s1[i] = seed[i];
        st->s2[i] = seed[3 + i];
    }
    return 0;
}

int sim_mrg_get_state(const gsl_rng *r, uint64_t state[6])
{
    const sim_mrg_state *st = state_of(r);
    if (st == NULL || state == NULL)
        return -1;
    for (int i = 0; i < 3; i++) {
        state[i] = st->s1[i];
        state[3 + i] = st->s2[i];
    }
    return 0;
}

int sim_mrg_jump_streams(gsl_rng *r, uint64_t n)
{
    sim_mrg_state *st = state_of(r);
    if (st == NULL)
        return -1;
    jump_times(st, &a1p127, &a2p127, n);
    return 0;
}

int sim_mrg_jump_substreams(gsl_rng *r, uint64_t n)
{
    sim_mrg_state *st = state_of(r);
    if (st == NULL)
        return -1;
    jump_times(st, &a1p76, &a2p76, n);
    return 0;
}

int sim_mrg_seed_stream(gsl_rng *r, uint64_t seed, uint64_t stream, uint64_t substream)
{
    sim_mrg_state *st = state_of(r);
    if (st == NULL || substream >= substreams_per_stream)
        return -1;
    base_state(st, seed);
    /* Jumps commute (powers of the same matrix), so the order is free. */
    jump_times(st, &a1p127, &a2p127, stream);
    jump_times(st, &a1p76, &a2p76, substream);
    return 0;
}

int sim_mrg_advance(gsl_rng *r, int e, uint64_t c)
{
    sim_mrg_state *st = state_of(r);
    if (st == NULL || e < 0)
        return -1;
    if (e > 0) {
        mat3 b1 = mat_two_pow_mod(&a1p0, e, m1);
        mat3 b2 = mat_two_pow_mod(&a2p0, e, m2);
        apply_jump(st, &b1, &b2);
    }
    jump_times(st, &a1p0, &a2p0, c);
    return 0;
}
