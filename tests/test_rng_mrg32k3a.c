/* test_rng_mrg32k3a.c -- checks sim/rng_mrg32k3a against published values
 * and against an independent reimplementation.
 *
 * Reference values:
 *  - RngStreams' own test output, tests/test2RngStream.res in
 *    github.com/umontreal-simul/RngStreams (L'Ecuyer's package): the states
 *    of streams 1 and 2 from the default seed 12345 x6, the state after
 *    AdvanceState(5, 3), outputs of stream 2 and of its substream 4, and the
 *    states of streams 1..3 from the package seed 1 x6. Doubles there are
 *    printed with 13 significant digits, hence the 1e-12 tolerances.
 *  - The first combined values from 12345 x6 (z = 545508589, ...): these
 *    follow by hand from the recurrence (the first is worked out below) and
 *    are the values quoted by many independent implementations; the uniform
 *    0.12701112204657714 = 545508589 / (m1 + 1) is compared bit for bit.
 *
 * Independent calculation: the ref_ functions below redo the generator and
 * its matrix powers with different arithmetic (signed recurrence, shift-and-
 * add modular products, left-to-right exponentiation) so that a wrong
 * constant in the library cannot be mirrored by the same mistake here. */
#include "sim/rng_mrg32k3a.h"
#include "sim/rng.h"

#include "cu_table.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>

static const uint64_t ref_m1 = 4294967087u;
static const uint64_t ref_m2 = 4294944443u;
static const double ref_norm = 2.328306549295727688e-10;

/* ---- independent reference implementation ----------------------------- */

typedef struct {
    int64_t x1[3];
    int64_t x2[3];
} ref_gen;

static void ref_gen_init(ref_gen *g, const uint64_t s[6])
{
    for (int i = 0; i < 3; i++) {
        g->x1[i] = (int64_t)s[i];
        g->x2[i] = (int64_t)s[3 + i];
    }
}

/* The recurrences as written in L'Ecuyer (1999), with signed arithmetic. */
static uint64_t ref_gen_next(ref_gen *g)
{
    int64_t m1 = (int64_t)ref_m1, m2 = (int64_t)ref_m2;
    int64_t p1 = (1403580 * g->x1[1] - 810728 * g->x1[0]) % m1;
    if (p1 < 0)
        p1 += m1;
    int64_t p2 = (527612 * g->x2[2] - 1370589 * g->x2[0]) % m2;
    if (p2 < 0)
        p2 += m2;
    g->x1[0] = g->x1[1];
    g->x1[1] = g->x1[2];
    g->x1[2] = p1;
    g->x2[0] = g->x2[1];
    g->x2[1] = g->x2[2];
    g->x2[2] = p2;
    int64_t z = ((p1 - p2) % m1 + m1) % m1;
    return z == 0 ? ref_m1 : (uint64_t)z;
}

static void ref_gen_state(const ref_gen *g, uint64_t s[6])
{
    for (int i = 0; i < 3; i++) {
        s[i] = (uint64_t)g->x1[i];
        s[3 + i] = (uint64_t)g->x2[i];
    }
}

/* a * b mod m by doubling, one bit of b at a time: slow but shares nothing
 * with the library's direct 64-bit product. */
static uint64_t ref_mul_mod(uint64_t a, uint64_t b, uint64_t m)
{
    uint64_t r = 0;
    for (int bit = 63; bit >= 0; bit--) {
        r = (r + r) % m;
        if ((b >> bit) & 1)
            r = (r + a) % m;
    }
    return r;
}

typedef struct {
    uint64_t a[3][3];
} ref_mat;

static ref_mat ref_mat_mul(ref_mat x, ref_mat y, uint64_t m)
{
    ref_mat z;
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
            uint64_t s = 0;
            for (int k = 0; k < 3; k++)
                s = (s + ref_mul_mod(x.a[i][k], y.a[k][j], m)) % m;
            z.a[i][j] = s;
        }
    }
    return z;
}

/* One-step matrices built from the signed coefficients. */
static ref_mat ref_one_step(int component)
{
    int64_t m = component == 1 ? (int64_t)ref_m1 : (int64_t)ref_m2;
    int64_t c[3] = {-810728, 1403580, 0};
    if (component == 2) {
        c[0] = -1370589;
        c[1] = 0;
        c[2] = 527612;
    }
    ref_mat a = {{{0, 1, 0}, {0, 0, 1}, {0, 0, 0}}};
    for (int j = 0; j < 3; j++)
        a.a[2][j] = (uint64_t)(((c[j] % m) + m) % m);
    return a;
}

static ref_mat ref_two_pow(ref_mat a, int e, uint64_t m)
{
    for (int i = 0; i < e; i++)
        a = ref_mat_mul(a, a, m);
    return a;
}

/* a^n, scanning n from its top bit down (the library scans bottom up). */
static ref_mat ref_pow(ref_mat a, uint64_t n, uint64_t m)
{
    ref_mat r = {{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
    for (int bit = 63; bit >= 0; bit--) {
        r = ref_mat_mul(r, r, m);
        if ((n >> bit) & 1)
            r = ref_mat_mul(r, a, m);
    }
    return r;
}

static void ref_apply(ref_mat a, uint64_t v[3], uint64_t m)
{
    uint64_t x[3];
    for (int i = 0; i < 3; i++) {
        uint64_t s = 0;
        for (int k = 0; k < 3; k++)
            s = (s + ref_mul_mod(a.a[i][k], v[k], m)) % m;
        x[i] = s;
    }
    for (int i = 0; i < 3; i++)
        v[i] = x[i];
}

/* state = (A^(2^e))^n state for both components. */
static void ref_jump(uint64_t state[6], int e, uint64_t n)
{
    ref_apply(ref_pow(ref_two_pow(ref_one_step(1), e, ref_m1), n, ref_m1), state, ref_m1);
    ref_apply(ref_pow(ref_two_pow(ref_one_step(2), e, ref_m2), n, ref_m2), state + 3, ref_m2);
}

/* ---- helpers ------------------------------------------------------------ */

static const uint64_t seed_12345[6] = {12345, 12345, 12345, 12345, 12345, 12345};

static gsl_rng *new_mrg(void)
{
    gsl_rng *r = gsl_rng_alloc(sim_mrg_type);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    return r;
}

static int states_equal(const uint64_t a[6], const uint64_t b[6])
{
    for (int i = 0; i < 6; i++)
        if (a[i] != b[i])
            return 0;
    return 1;
}

static int state_is(const gsl_rng *r, const uint64_t expected[6])
{
    uint64_t s[6];
    if (sim_mrg_get_state(r, s) != 0)
        return 0;
    return states_equal(s, expected);
}

/* ---- known answers ------------------------------------------------------ */

static void mrg_first_outputs_match_the_recurrence_from_12345(void)
{
    /* x1 = (1403580 - 810728) * 12345 mod m1 = 3023790853,
     * x2 = (527612 - 1370589) * 12345 mod m2 = 2478282264,
     * z = x1 - x2 = 545508589. */
    const uint64_t z[5] = {545508589u, 1368065410u, 1327943761u, 3546985096u, 951893194u};
    gsl_rng *r = new_mrg();
    CU_ASSERT_EQUAL(sim_mrg_set_state(r, seed_12345), 0);
    for (int i = 0; i < 5; i++)
        CU_ASSERT_EQUAL((uint64_t)gsl_rng_get(r) + 1, z[i]);

    CU_ASSERT_EQUAL(sim_mrg_set_state(r, seed_12345), 0);
    for (int i = 0; i < 5; i++)
        CU_ASSERT_EQUAL(gsl_rng_uniform(r), (double)z[i] * ref_norm);

    CU_ASSERT_EQUAL(sim_mrg_set_state(r, seed_12345), 0);
    CU_ASSERT_EQUAL(gsl_rng_uniform(r), 0.12701112204657714);
    CU_ASSERT_EQUAL(gsl_rng_uniform(r), 0.3185275653967945);
    gsl_rng_free(r);
}

static void mrg_seed_zero_is_the_rngstreams_default_seed(void)
{
    gsl_rng *r = new_mrg();
    CU_ASSERT_EQUAL(sim_mrg_seed_stream(r, 0, 0, 0), 0);
    CU_ASSERT_TRUE(state_is(r, seed_12345));
    gsl_rng_set(r, 0);
    CU_ASSERT_TRUE(state_is(r, seed_12345));
    gsl_rng_free(r);

    /* gsl_rng_alloc seeds with gsl_rng_default_seed, which is 0. */
    r = new_mrg();
    CU_ASSERT_TRUE(state_is(r, seed_12345));
    gsl_rng_free(r);
}

static void mrg_streams_one_and_two_match_rngstreams_published_states(void)
{
    const uint64_t g2[6] = {3692455944u, 1366884236u, 2968912127u,
                            335948734u,  4161675175u, 475798818u};
    const uint64_t g3[6] = {1015873554u, 1310354410u, 2249465273u,
                            994084013u,  2912484720u, 3876682925u};
    gsl_rng *r = new_mrg();
    CU_ASSERT_EQUAL(sim_mrg_seed_stream(r, 0, 1, 0), 0);
    CU_ASSERT_TRUE(state_is(r, g2));
    CU_ASSERT_EQUAL(sim_mrg_seed_stream(r, 0, 2, 0), 0);
    CU_ASSERT_TRUE(state_is(r, g3));
    gsl_rng_free(r);
}

static void mrg_stream_two_outputs_match_rngstreams_published_values(void)
{
    const double first5[5] = {0.7285097861965, 0.9655872822837, 0.9961841304801,
                              0.1149884161813, 0.9731454191297};
    gsl_rng *r = new_mrg();
    CU_ASSERT_EQUAL(sim_mrg_seed_stream(r, 0, 2, 0), 0);
    for (int i = 0; i < 5; i++)
        CU_ASSERT_DOUBLE_EQUAL(gsl_rng_uniform(r), first5[i], 1e-12);

    /* The published sum covers outputs 2..101: the reference program draws
     * one value from g3 before summing. */
    CU_ASSERT_EQUAL(sim_mrg_seed_stream(r, 0, 2, 0), 0);
    gsl_rng_uniform(r);
    double sum = 0.0;
    for (int i = 0; i < 100; i++)
        sum += gsl_rng_uniform(r);
    CU_ASSERT_DOUBLE_EQUAL(sum, 53.98590159232, 1e-10);
    gsl_rng_free(r);
}

static void mrg_substream_four_of_stream_two_matches_rngstreams_published_values(void)
{
    const double first5[5] = {0.1734545396358, 0.03286351608942, 0.2643169129682,
                              0.3059403602117, 0.5476303035177};
    gsl_rng *r = new_mrg();
    CU_ASSERT_EQUAL(sim_mrg_seed_stream(r, 0, 2, 4), 0);
    for (int i = 0; i < 5; i++)
        CU_ASSERT_DOUBLE_EQUAL(gsl_rng_uniform(r), first5[i], 1e-12);

    /* Same place reached by four relative substream jumps. */
    CU_ASSERT_EQUAL(sim_mrg_seed_stream(r, 0, 2, 0), 0);
    for (int i = 0; i < 4; i++)
        CU_ASSERT_EQUAL(sim_mrg_jump_substreams(r, 1), 0);
    CU_ASSERT_DOUBLE_EQUAL(gsl_rng_uniform(r), first5[0], 1e-12);
    gsl_rng_free(r);
}

static void mrg_advance_by_2_pow_5_plus_3_matches_rngstreams_published_state(void)
{
    const uint64_t after35[6] = {1040577685u, 3747037609u, 277208355u,
                                 1712706441u, 627445683u,  2408037141u};
    gsl_rng *r = new_mrg();
    CU_ASSERT_EQUAL(sim_mrg_set_state(r, seed_12345), 0);
    CU_ASSERT_EQUAL(sim_mrg_advance(r, 5, 3), 0);
    CU_ASSERT_TRUE(state_is(r, after35));
    CU_ASSERT_DOUBLE_EQUAL(gsl_rng_uniform(r), 0.07941673614985, 1e-13);

    CU_ASSERT_EQUAL(sim_mrg_set_state(r, seed_12345), 0);
    for (int i = 0; i < 35; i++)
        gsl_rng_get(r);
    CU_ASSERT_TRUE(state_is(r, after35));
    gsl_rng_free(r);
}

static void mrg_streams_from_seed_1x6_match_rngstreams_published_states(void)
{
    const uint64_t ones[6] = {1, 1, 1, 1, 1, 1};
    const uint64_t expected[3][6] = {
        {2662865579u, 741857976u, 4206142246u, 3352832365u, 2519202871u, 655500294u},
        {3784663252u, 802042081u, 160569404u, 3391851556u, 2150317468u, 54240022u},
        {3276123839u, 3170955788u, 1470482105u, 884064067u, 1017894425u, 16401881u},
    };
    gsl_rng *r = new_mrg();
    for (uint64_t k = 1; k <= 3; k++) {
        CU_ASSERT_EQUAL(sim_mrg_set_state(r, ones), 0);
        CU_ASSERT_EQUAL(sim_mrg_jump_streams(r, k), 0);
        CU_ASSERT_TRUE(state_is(r, expected[k - 1]));
    }
    gsl_rng_free(r);
}

/* ---- jump matrices ------------------------------------------------------ */

static void mrg_reference_matrix_powers_match_stepping_the_recurrence(void)
{
    /* Validates the test's own matrix code before it is used as a judge. */
    ref_gen g;
    ref_gen_init(&g, seed_12345);
    uint64_t steps = 0;
    for (int e = 0; e <= 20; e++) {
        uint64_t target = (uint64_t)1 << e, expected[6], got[6];
        while (steps < target) {
            ref_gen_next(&g);
            steps++;
        }
        ref_gen_state(&g, expected);
        for (int i = 0; i < 6; i++)
            got[i] = seed_12345[i];
        ref_jump(got, e, 1);
        CU_ASSERT_TRUE(states_equal(got, expected));
    }
}

static void mrg_library_outputs_match_the_reference_recurrence(void)
{
    const uint64_t seed[6] = {1, 2, 3, 4294944442u, 5, 6};
    ref_gen g;
    ref_gen_init(&g, seed);
    gsl_rng *r = new_mrg();
    CU_ASSERT_EQUAL(sim_mrg_set_state(r, seed), 0);
    int mismatches = 0;
    for (int i = 0; i < 100000; i++)
        if ((uint64_t)gsl_rng_get(r) + 1 != ref_gen_next(&g))
            mismatches++;
    CU_ASSERT_EQUAL(mismatches, 0);
    gsl_rng_free(r);
}

static void mrg_advance_by_2_pow_e_matches_stepping_for_e_up_to_20(void)
{
    gsl_rng *stepped = new_mrg();
    gsl_rng *jumped = new_mrg();
    CU_ASSERT_EQUAL(sim_mrg_set_state(stepped, seed_12345), 0);
    uint64_t steps = 0;
    for (int e = 1; e <= 20; e++) {
        uint64_t target = (uint64_t)1 << e;
        for (; steps < target; steps++)
            gsl_rng_get(stepped);
        CU_ASSERT_EQUAL(sim_mrg_set_state(jumped, seed_12345), 0);
        CU_ASSERT_EQUAL(sim_mrg_advance(jumped, e, 0), 0);
        uint64_t expected[6];
        CU_ASSERT_EQUAL(sim_mrg_get_state(stepped, expected), 0);
        CU_ASSERT_TRUE(state_is(jumped, expected));
    }

    /* e == 0 means "c steps", as in RngStreams. */
    CU_ASSERT_EQUAL(sim_mrg_set_state(stepped, seed_12345), 0);
    for (int i = 0; i < 1000; i++)
        gsl_rng_get(stepped);
    uint64_t expected[6];
    CU_ASSERT_EQUAL(sim_mrg_get_state(stepped, expected), 0);
    CU_ASSERT_EQUAL(sim_mrg_set_state(jumped, seed_12345), 0);
    CU_ASSERT_EQUAL(sim_mrg_advance(jumped, 0, 1000), 0);
    CU_ASSERT_TRUE(state_is(jumped, expected));

    CU_ASSERT_EQUAL(sim_mrg_advance(jumped, -1, 0), -1);
    gsl_rng_free(stepped);
    gsl_rng_free(jumped);
}

/* Jumping from the unit vector e_j yields column j of the jump matrix, so
 * three jumps read the library's whole matrix pair. */
static void check_jump_matrices(int e, int (*jump)(gsl_rng *, uint64_t))
{
    ref_mat p1 = ref_two_pow(ref_one_step(1), e, ref_m1);
    ref_mat p2 = ref_two_pow(ref_one_step(2), e, ref_m2);
    gsl_rng *r = new_mrg();
    for (int j = 0; j < 3; j++) {
        uint64_t unit[6] = {0, 0, 0, 0, 0, 0}, col[6];
        unit[j] = 1;
        unit[3 + j] = 1;
        CU_ASSERT_EQUAL(sim_mrg_set_state(r, unit), 0);
        CU_ASSERT_EQUAL(jump(r, 1), 0);
        CU_ASSERT_EQUAL(sim_mrg_get_state(r, col), 0);
        for (int i = 0; i < 3; i++) {
            CU_ASSERT_EQUAL(col[i], p1.a[i][j]);
            CU_ASSERT_EQUAL(col[3 + i], p2.a[i][j]);
        }
    }
    gsl_rng_free(r);
}

static void mrg_substream_jump_matrices_equal_one_step_matrices_to_the_2_pow_76(void)
{
    check_jump_matrices(76, sim_mrg_jump_substreams);
}

static void mrg_stream_jump_matrices_equal_one_step_matrices_to_the_2_pow_127(void)
{
    check_jump_matrices(127, sim_mrg_jump_streams);
}

static void mrg_seed_stream_is_base_state_jumped_by_stream_and_substream_offsets(void)
{
    const uint64_t streams[4] = {3, 1000003, ((uint64_t)1 << 40) + 7, UINT64_MAX};
    const uint64_t substreams[4] = {0, 5, 123456789, ((uint64_t)1 << 51) - 1};
    const uint64_t seeds[2] = {0, 987654321};
    gsl_rng *r = new_mrg();
    for (int s = 0; s < 2; s++) {
        uint64_t base[6];
        CU_ASSERT_EQUAL(sim_mrg_seed_stream(r, seeds[s], 0, 0), 0);
        CU_ASSERT_EQUAL(sim_mrg_get_state(r, base), 0);
        for (int i = 0; i < 4; i++) {
            uint64_t expected[6];
            for (int k = 0; k < 6; k++)
                expected[k] = base[k];
            ref_jump(expected, 127, streams[i]);
            ref_jump(expected, 76, substreams[i]);
            CU_ASSERT_EQUAL(sim_mrg_seed_stream(r, seeds[s], streams[i], substreams[i]), 0);
            CU_ASSERT_TRUE(state_is(r, expected));
        }
    }
    gsl_rng_free(r);
}

/* ---- seeding and validation --------------------------------------------- */

static void mrg_seed_stream_is_deterministic_and_streams_differ(void)
{
    enum { n = 1000 };
    static unsigned long a[n], b[n];
    gsl_rng *r = new_mrg();

    CU_ASSERT_EQUAL(sim_mrg_seed_stream(r, 42, 7, 3), 0);
    for (int i = 0; i < n; i++)
        a[i] = gsl_rng_get(r);
    CU_ASSERT_EQUAL(sim_mrg_seed_stream(r, 42, 7, 3), 0);
    int same = 1;
    for (int i = 0; i < n; i++)
        same = same && gsl_rng_get(r) == a[i];
    CU_ASSERT_TRUE(same);

    /* Neighbours in each coordinate must differ from (42, 7, 3). */
    const uint64_t other[3][3] = {{42, 8, 3}, {42, 7, 4}, {43, 7, 3}};
    for (int k = 0; k < 3; k++) {
        CU_ASSERT_EQUAL(sim_mrg_seed_stream(r, other[k][0], other[k][1], other[k][2]), 0);
        int equal = 0;
        for (int i = 0; i < n; i++) {
            b[i] = gsl_rng_get(r);
            equal += b[i] == a[i];
        }
        CU_ASSERT_TRUE(equal < 5);
    }
    gsl_rng_free(r);
}

static void mrg_gsl_rng_set_equals_seed_stream_with_stream_and_substream_zero(void)
{
    gsl_rng *r = new_mrg();
    for (unsigned long seed = 0; seed < 1000; seed++) {
        uint64_t expected[6];
        CU_ASSERT_EQUAL_FATAL(sim_mrg_seed_stream(r, seed, 0, 0), 0);
        CU_ASSERT_EQUAL_FATAL(sim_mrg_get_state(r, expected), 0);
        gsl_rng_set(r, seed);
        CU_ASSERT_TRUE(state_is(r, expected));
        /* Every derived base state must be a valid state. */
        CU_ASSERT_EQUAL(sim_mrg_set_state(r, expected), 0);
    }
    gsl_rng_free(r);
}

static void mrg_set_state_rejects_invalid_seeds_and_keeps_the_old_state(void)
{
    const uint64_t bad[6][6] = {
        {0, 0, 0, 1, 1, 1},
        {1, 1, 1, 0, 0, 0},
        {4294967087u, 1, 1, 1, 1, 1},
        {1, 1, 1, 1, 4294944443u, 1},
        {1, 1, 1, 1, 1, 4294967086u},
        {UINT64_MAX, 1, 1, 1, 1, 1},
    };
    const uint64_t edge[6] = {4294967086u, 0, 0, 0, 0, 4294944442u};
    gsl_rng *r = new_mrg();
    CU_ASSERT_EQUAL(sim_mrg_set_state(r, seed_12345), 0);
    for (int i = 0; i < 6; i++) {
        CU_ASSERT_EQUAL(sim_mrg_set_state(r, bad[i]), -1);
        CU_ASSERT_TRUE(state_is(r, seed_12345));
    }
    CU_ASSERT_EQUAL(sim_mrg_set_state(r, edge), 0);
    CU_ASSERT_TRUE(state_is(r, edge));
    CU_ASSERT_EQUAL(sim_mrg_set_state(r, NULL), -1);
    gsl_rng_free(r);
}

static void mrg_seed_stream_rejects_substreams_beyond_the_stream(void)
{
    gsl_rng *r = new_mrg();
    CU_ASSERT_EQUAL(sim_mrg_seed_stream(r, 1, 2, 3), 0);
    uint64_t before[6];
    CU_ASSERT_EQUAL(sim_mrg_get_state(r, before), 0);
    CU_ASSERT_EQUAL(sim_mrg_seed_stream(r, 1, 0, (uint64_t)1 << 51), -1);
    CU_ASSERT_TRUE(state_is(r, before));
    gsl_rng_free(r);
}

static void mrg_functions_refuse_generators_of_another_type(void)
{
    gsl_rng *mt = gsl_rng_alloc(gsl_rng_mt19937);
    CU_ASSERT_PTR_NOT_NULL_FATAL(mt);
    uint64_t s[6];
    CU_ASSERT_EQUAL(sim_mrg_set_state(mt, seed_12345), -1);
    CU_ASSERT_EQUAL(sim_mrg_get_state(mt, s), -1);
    CU_ASSERT_EQUAL(sim_mrg_seed_stream(mt, 1, 0, 0), -1);
    CU_ASSERT_EQUAL(sim_mrg_jump_streams(mt, 1), -1);
    CU_ASSERT_EQUAL(sim_mrg_jump_substreams(mt, 1), -1);
    CU_ASSERT_EQUAL(sim_mrg_advance(mt, 1, 0), -1);
    CU_ASSERT_EQUAL(sim_mrg_get_state(NULL, s), -1);
    gsl_rng_free(mt);
}

/* ---- GSL integration ---------------------------------------------------- */

static void mrg_type_reports_name_range_and_consistent_get_and_uniform(void)
{
    CU_ASSERT_EQUAL(ref_norm, 1.0 / ((double)ref_m1 + 1.0));
    gsl_rng *r = new_mrg();
    CU_ASSERT_STRING_EQUAL(gsl_rng_name(r), "mrg32k3a-streams");
    CU_ASSERT_EQUAL(gsl_rng_min(r), 0ul);
    CU_ASSERT_EQUAL(gsl_rng_max(r), 4294967086ul);

    gsl_rng_set(r, 2024);
    gsl_rng *twin = gsl_rng_clone(r);
    CU_ASSERT_PTR_NOT_NULL_FATAL(twin);
    int consistent = 1;
    for (int i = 0; i < 100000; i++) {
        unsigned long k = gsl_rng_get(r);
        double u = gsl_rng_uniform(twin);
        consistent = consistent && k <= gsl_rng_max(r) && u == (double)(k + 1) * ref_norm;
    }
    CU_ASSERT_TRUE(consistent);
    gsl_rng_free(twin);
    gsl_rng_free(r);
}

static void mrg_equal_components_give_the_top_value_not_zero(void)
{
    /* From this state both components next produce 0 (p1 = a12*0 - a13*0,
     * p2 = a21*0 - a23*0). RngStreams maps p1 == p2 to m1, so the uniform is
     * m1 / (m1 + 1) < 1 rather than 0: the rare case random draws miss. */
    const uint64_t tie[6] = {0, 0, 1, 0, 1, 0};
    ref_gen g;
    ref_gen_init(&g, tie);
    CU_ASSERT_EQUAL(ref_gen_next(&g), ref_m1);

    gsl_rng *r = new_mrg();
    CU_ASSERT_EQUAL(sim_mrg_set_state(r, tie), 0);
    CU_ASSERT_EQUAL(gsl_rng_get(r), gsl_rng_max(r));
    CU_ASSERT_EQUAL(sim_mrg_set_state(r, tie), 0);
    double u = gsl_rng_uniform(r);
    CU_ASSERT_EQUAL(u, (double)ref_m1 * ref_norm);
    CU_ASSERT_TRUE(u < 1.0);
    gsl_rng_free(r);
}

static void mrg_uniforms_lie_in_the_open_unit_interval_with_mean_one_half(void)
{
    const int n = 1000000;
    gsl_rng *r = new_mrg();
    gsl_rng_set(r, 20240607);
    double sum = 0.0;
    int outside = 0;
    for (int i = 0; i < n; i++) {
        double u = gsl_rng_uniform(r);
        outside += !(u > 0.0 && u < 1.0);
        sum += u;
    }
    CU_ASSERT_EQUAL(outside, 0);
    double se = sqrt(1.0 / 12.0 / n);
    CU_ASSERT_TRUE(fabs(sum / n - 0.5) < 4.5 * se);

    int bad_int = 0;
    for (int i = 0; i < 10000; i++)
        bad_int += gsl_rng_uniform_int(r, 10) >= 10;
    CU_ASSERT_EQUAL(bad_int, 0);
    gsl_rng_free(r);
}

static void mrg_gsl_exponential_mean_is_within_4_5_standard_errors(void)
{
    const int n = 1000000;
    const double mu = 2.0;
    gsl_rng *r = new_mrg();
    CU_ASSERT_EQUAL(sim_mrg_seed_stream(r, 7, 1, 0), 0);
    double sum = 0.0;
    for (int i = 0; i < n; i++)
        sum += gsl_ran_exponential(r, mu);
    double se = mu / sqrt((double)n);
    CU_ASSERT_TRUE(fabs(sum / n - mu) < 4.5 * se);
    gsl_rng_free(r);
}

/* ---- the handlers' inline draws (sim/rng.h) ----------------------------- */

/* sim_rng_uniform inlines the step: the same doubles as gsl_rng_uniform. */
static void inline_uniform_is_gsl_uniform_bit_for_bit(void)
{
    gsl_rng *a = new_mrg(), *b = new_mrg();
    CU_ASSERT_EQUAL(sim_mrg_seed_stream(a, 11, 2, 3), 0);
    CU_ASSERT_EQUAL(sim_mrg_seed_stream(b, 11, 2, 3), 0);
    int differ = 0;
    for (int i = 0; i < 100000; i++)
        differ += sim_rng_uniform(a) != gsl_rng_uniform(b);
    CU_ASSERT_EQUAL(differ, 0);
    gsl_rng_free(a);
    gsl_rng_free(b);
}

/* The rule sim_rng_uniform_int follows, written out from gsl_rng_get
 * (which returns u = z - 1): k = floor(u n / M), with M = m1 values of u,
 * redrawn while u n mod M < M mod n. Also counts the steps it took. */
static uint64_t ref_uniform_int(gsl_rng *r, uint64_t n, long *steps)
{
    const uint64_t m = ref_m1;
    for (;;) {
        uint64_t x = (uint64_t)gsl_rng_get(r) * n;
        ++*steps;
        if (x % m >= m % n)
            return x / m;
    }
}

/* Same values as the rule, for small and large n (3e9: a third of the
 * draws are redrawn), whether the pick is drawn and made at once
 * (sim_rng_uniform_int) or drawn ahead (sim_rng_pick_draw) and made later
 * with the pool size of then, here one less every other time
 * (sim_rng_pick_index); the hint is the pick unless the draw was redrawn.
 * Dropping the redraw fails it. */
static void picks_follow_the_multiply_and_reject_rule(void)
{
    const unsigned long ns[] = {1, 2, 7, 1000, 65537, 1000000, 3000000000ul};
    for (size_t j = 0; j < sizeof ns / sizeof ns[0]; j++) {
        gsl_rng *a = new_mrg(), *b = new_mrg();
        CU_ASSERT_EQUAL(sim_mrg_seed_stream(a, 5, j, 0), 0);
        CU_ASSERT_EQUAL(sim_mrg_seed_stream(b, 5, j, 0), 0);
        long steps = 0;
        int differ = 0, out_of_range = 0, hint_differs = 0;
        for (int i = 0; i < 100000; i++) {
            unsigned long k, n = ns[j];
            if (i % 2 == 0) {
                k = sim_rng_uniform_int(a, n);
                differ += k != ref_uniform_int(b, n, &steps);
            } else {
                uint64_t draw = sim_rng_pick_draw(a);
                n -= (unsigned long)(i % 4 == 1 && n > 1);   /* the pool changed meanwhile */
                k = sim_rng_pick_index(a, draw, n);
                long before = steps;
                differ += k != ref_uniform_int(b, n, &steps);
                hint_differs += steps == before + 1 && sim_rng_pick_hint(draw, n) != k;
            }
            out_of_range += k >= n;
        }
        CU_ASSERT_EQUAL(differ, 0);
        CU_ASSERT_EQUAL(out_of_range, 0);
        CU_ASSERT_EQUAL(hint_differs, 0);
        /* Both streams took the same number of steps. */
        CU_ASSERT_EQUAL(gsl_rng_get(a), gsl_rng_get(b));
        if (ns[j] == 3000000000ul) {
            /* Redrawn with probability (M mod n) / M = 0.3015: 1.4317 steps
             * a value on average, within 4.5 standard errors. */
            double p = (double)(ref_m1 % ns[j]) / (double)ref_m1, mean = 1 / (1 - p);
            double se = sqrt(p) / (1 - p) / sqrt(100000.0);
            CU_ASSERT(fabs((double)steps / 100000.0 - mean) < 4.5 * se);
        }
        gsl_rng_free(a);
        gsl_rng_free(b);
    }
}

/* Uniform over [0, n): Pearson's chi-square over the n values, below its
 * quantile of 1e-6; and for n = 3e9, half the values in each half. */
static void inline_uniform_int_is_uniform(void)
{
    const unsigned long ns[] = {7, 1000};
    for (size_t j = 0; j < 2; j++) {
        gsl_rng *r = new_mrg();
        CU_ASSERT_EQUAL(sim_mrg_seed_stream(r, 9, j, 0), 0);
        const int draws = 1000000;
        static double count[1000];
        for (unsigned long v = 0; v < ns[j]; v++)
            count[v] = 0;
        for (int i = 0; i < draws; i++)
            count[sim_rng_uniform_int(r, ns[j])] += 1;
        double expected = (double)draws / (double)ns[j], chi2 = 0;
        for (unsigned long v = 0; v < ns[j]; v++)
            chi2 += (count[v] - expected) * (count[v] - expected) / expected;
        CU_ASSERT(chi2 < gsl_cdf_chisq_Qinv(1e-6, (double)ns[j] - 1));
        gsl_rng_free(r);
    }
    gsl_rng *r = new_mrg();
    CU_ASSERT_EQUAL(sim_mrg_seed_stream(r, 9, 2, 0), 0);
    const unsigned long n = 3000000000ul;
    const int draws = 1000000;
    int low = 0;
    for (int i = 0; i < draws; i++)
        low += sim_rng_uniform_int(r, n) < n / 2;
    CU_ASSERT(fabs(low - draws / 2.0) < 4.5 * sqrt(draws / 4.0));
    gsl_rng_free(r);
}

/* ---- runner ------------------------------------------------------------- */

static const cu_table_test tests[] = {
    {"inline_uniform_is_gsl_uniform_bit_for_bit", inline_uniform_is_gsl_uniform_bit_for_bit},
    {"picks_follow_the_multiply_and_reject_rule", picks_follow_the_multiply_and_reject_rule},
    {"inline_uniform_int_is_uniform", inline_uniform_int_is_uniform},
    {"mrg_first_outputs_match_the_recurrence_from_12345",
     mrg_first_outputs_match_the_recurrence_from_12345},
    {"mrg_seed_zero_is_the_rngstreams_default_seed", mrg_seed_zero_is_the_rngstreams_default_seed},
    {"mrg_streams_one_and_two_match_rngstreams_published_states",
     mrg_streams_one_and_two_match_rngstreams_published_states},
    {"mrg_stream_two_outputs_match_rngstreams_published_values",
     mrg_stream_two_outputs_match_rngstreams_published_values},
    {"mrg_substream_four_of_stream_two_matches_rngstreams_published_values",
     mrg_substream_four_of_stream_two_matches_rngstreams_published_values},
    {"mrg_advance_by_2_pow_5_plus_3_matches_rngstreams_published_state",
     mrg_advance_by_2_pow_5_plus_3_matches_rngstreams_published_state},
    {"mrg_streams_from_seed_1x6_match_rngstreams_published_states",
     mrg_streams_from_seed_1x6_match_rngstreams_published_states},
    {"mrg_reference_matrix_powers_match_stepping_the_recurrence",
     mrg_reference_matrix_powers_match_stepping_the_recurrence},
    {"mrg_library_outputs_match_the_reference_recurrence",
     mrg_library_outputs_match_the_reference_recurrence},
    {"mrg_advance_by_2_pow_e_matches_stepping_for_e_up_to_20",
     mrg_advance_by_2_pow_e_matches_stepping_for_e_up_to_20},
    {"mrg_substream_jump_matrices_equal_one_step_matrices_to_the_2_pow_76",
     mrg_substream_jump_matrices_equal_one_step_matrices_to_the_2_pow_76},
    {"mrg_stream_jump_matrices_equal_one_step_matrices_to_the_2_pow_127",
     mrg_stream_jump_matrices_equal_one_step_matrices_to_the_2_pow_127},
    {"mrg_seed_stream_is_base_state_jumped_by_stream_and_substream_offsets",
     mrg_seed_stream_is_base_state_jumped_by_stream_and_substream_offsets},
    {"mrg_seed_stream_is_deterministic_and_streams_differ",
     mrg_seed_stream_is_deterministic_and_streams_differ},
    {"mrg_gsl_rng_set_equals_seed_stream_with_stream_and_substream_zero",
     mrg_gsl_rng_set_equals_seed_stream_with_stream_and_substream_zero},
    {"mrg_set_state_rejects_invalid_seeds_and_keeps_the_old_state",
     mrg_set_state_rejects_invalid_seeds_and_keeps_the_old_state},
    {"mrg_seed_stream_rejects_substreams_beyond_the_stream",
     mrg_seed_stream_rejects_substreams_beyond_the_stream},
    {"mrg_functions_refuse_generators_of_another_type",
     mrg_functions_refuse_generators_of_another_type},
    {"mrg_type_reports_name_range_and_consistent_get_and_uniform",
     mrg_type_reports_name_range_and_consistent_get_and_uniform},
    {"mrg_equal_components_give_the_top_value_not_zero",
     mrg_equal_components_give_the_top_value_not_zero},
    {"mrg_uniforms_lie_in_the_open_unit_interval_with_mean_one_half",
     mrg_uniforms_lie_in_the_open_unit_interval_with_mean_one_half},
    {"mrg_gsl_exponential_mean_is_within_4_5_standard_errors",
     mrg_gsl_exponential_mean_is_within_4_5_standard_errors},
};

int main(void)
{
    return cu_table_run("rng_mrg32k3a", tests, sizeof tests / sizeof tests[0]);
}
