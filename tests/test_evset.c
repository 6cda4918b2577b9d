/* test_evset.c -- the pending-event set pops in (time, priority, scheduling
 * order), whatever the heap shape, so identical calls give identical runs. */
#include "sim/evset.h"

#include "cu_table.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* The low 48 bits of a key are the sequence number (see evset.h). */
static const uint64_t seq_mask = 0xffffffffffffull;

static void events_pop_in_order_of_time(void)
{
    sim_evset *set = sim_evset_new(16);
    CU_ASSERT_PTR_NOT_NULL_FATAL(set);
    const double times[] = {5.0, 1.0, 4.0, 2.0, 3.0, 0.5, 7.25};
    const double sorted[] = {0.5, 1.0, 2.0, 3.0, 4.0, 5.0, 7.25};
    size_t n = sizeof times / sizeof times[0];
    for (size_t i = 0; i < n; i++)
        CU_ASSERT_EQUAL(sim_evset_push(set, times[i], 10, (int32_t)i, 0, 0, 0), 0);
    CU_ASSERT_EQUAL(sim_evset_size(set), n);
    CU_ASSERT_EQUAL(sim_evset_peek_time(set), 0.5);
    sim_event ev;
    for (size_t i = 0; i < n; i++) {
        CU_ASSERT_EQUAL_FATAL(sim_evset_pop(set, &ev), 1);
        CU_ASSERT_EQUAL(ev.time, sorted[i]);
    }
    CU_ASSERT_EQUAL(sim_evset_pop(set, &ev), 0);
    CU_ASSERT_EQUAL(sim_evset_size(set), 0);
    CU_ASSERT(isinf(sim_evset_peek_time(set)));
    sim_evset_free(set);
}

static void events_carry_their_fields_through_the_heap(void)
{
    sim_evset *set = sim_evset_new(16);
    CU_ASSERT_PTR_NOT_NULL_FATAL(set);
    CU_ASSERT_EQUAL(sim_evset_push(set, 2.0, 7, 3, 42, 99u, -5), 0);
    CU_ASSERT_EQUAL(sim_evset_push(set, 1.0, 7, 1, 1, 1u, 1), 0);
    sim_event ev;
    sim_evset_pop(set, &ev);
    sim_evset_pop(set, &ev);
    CU_ASSERT_EQUAL(ev.time, 2.0);
    CU_ASSERT_EQUAL(ev.type, 3);
    CU_ASSERT_EQUAL(ev.subject, 42);
    CU_ASSERT_EQUAL(ev.token, 99u);
    CU_ASSERT_EQUAL(ev.arg, -5);
    CU_ASSERT_EQUAL(ev.key >> 48, 7u);
    sim_evset_free(set);
}

/* Equal times: lower priority number first, then scheduling order. The
 * pushes are interleaved so that neither order is the insertion order. */
static void equal_times_go_by_priority_then_by_insertion_order(void)
{
    sim_evset *set = sim_evset_new(16);
    CU_ASSERT_PTR_NOT_NULL_FATAL(set);
    /* arg = rank expected at pop. */
    const unsigned prio[] = {20, 10, 0, 10, 20, 0, 10, 0, 20, 65535, 1};
    const int32_t rank[] = {7, 4, 0, 5, 8, 1, 6, 2, 9, 10, 3};
    size_t n = sizeof prio / sizeof prio[0];
    for (size_t i = 0; i < n; i++)
        CU_ASSERT_EQUAL(sim_evset_push(set, 3.0, prio[i], 0, (int32_t)i, 0, rank[i]), 0);
    /* An earlier time beats any priority, a later one loses to all. */
    CU_ASSERT_EQUAL(sim_evset_push(set, 2.5, 65535, 0, -1, 0, -1), 0);
    CU_ASSERT_EQUAL(sim_evset_push(set, 3.5, 0, 0, -2, 0, 99), 0);
    sim_event ev;
    CU_ASSERT_EQUAL_FATAL(sim_evset_pop(set, &ev), 1);
    CU_ASSERT_EQUAL(ev.arg, -1);
    for (int32_t r = 0; r < (int32_t)n; r++) {
        CU_ASSERT_EQUAL_FATAL(sim_evset_pop(set, &ev), 1);
        CU_ASSERT_EQUAL(ev.arg, r);
    }
    CU_ASSERT_EQUAL_FATAL(sim_evset_pop(set, &ev), 1);
    CU_ASSERT_EQUAL(ev.arg, 99);
    sim_evset_free(set);
}

/* Many identical (time, priority) pairs stress the tie-break through deep
 * sifts: they must come out exactly in insertion order. */
static void many_exact_ties_come_out_in_insertion_order(void)
{
    sim_evset *set = sim_evset_new(16);
    CU_ASSERT_PTR_NOT_NULL_FATAL(set);
    const int n = 5000;
    for (int i = 0; i < n; i++)
        CU_ASSERT_EQUAL(sim_evset_push(set, (double)(i % 3), 10, 0, i, 0, 0), 0);
    sim_event ev;
    int bad = 0;
    for (int t = 0; t < 3; t++) {
        int32_t last = -1;
        for (int i = t; i < n; i += 3) {
            CU_ASSERT_EQUAL_FATAL(sim_evset_pop(set, &ev), 1);
            if (ev.time != (double)t || ev.subject <= last)
                bad++;
            last = ev.subject;
        }
    }
    CU_ASSERT_EQUAL(bad, 0);
    sim_evset_free(set);
}

/* Starts tiny so that the heap reallocates many times on the way. */
static void set_grows_past_its_capacity_and_pops_1e5_events_in_order(void)
{
    sim_evset *set = sim_evset_new(1);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    CU_ASSERT_PTR_NOT_NULL_FATAL(set);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    gsl_rng_set(r, 2024);
    const int n = 100000;
    double sum_in = 0;
    for (int i = 0; i < n; i++) {
        double t = gsl_rng_uniform(r) * 1000.0;
        sum_in += t;
        CU_ASSERT_EQUAL_FATAL(sim_evset_push(set, t, (unsigned)gsl_rng_uniform_int(r, 4), 0, i, 0, 0), 0);
    }
    CU_ASSERT_EQUAL(sim_evset_size(set), (size_t)n);
    sim_event ev, prev = {0};
    int out_of_order = 0, count = 0;
    double sum_out = 0;
    while (sim_evset_pop(set, &ev)) {
        if (count > 0 && (ev.time < prev.time || (ev.time == prev.time && ev.key < prev.key)))
            out_of_order++;
        sum_out += ev.time;
        prev = ev;
        count++;
    }
    CU_ASSERT_EQUAL(out_of_order, 0);
    CU_ASSERT_EQUAL(count, n);
    /* Same multiset out as in: nothing lost or duplicated while growing. */
    CU_ASSERT_DOUBLE_EQUAL(sum_out, sum_in, 1e-6 * sum_in);
    gsl_rng_free(r);
    sim_evset_free(set);
}

/* A reference priority queue for the test below: a binary heap of
 * (time, key) pairs, written the obvious way. */
typedef struct ref_event {
    double time;
    uint64_t key;
} ref_event;

static int ref_precedes(ref_event a, ref_event b)
{
    return a.time < b.time || (a.time == b.time && a.key < b.key);
}

static void ref_push(ref_event *h, size_t *n, ref_event e)
{
    size_t i = (*n)++;
    while (i > 0 && ref_precedes(e, h[(i - 1) / 2])) {
        h[i] = h[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h[i] = e;
}

static ref_event ref_pop(ref_event *h, size_t *n)
{
    ref_event top = h[0], last = h[--*n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= *n)
            break;
        if (c + 1 < *n && ref_precedes(h[c + 1], h[c]))
            c++;
        if (!ref_precedes(h[c], last))
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = last;
    return top;
}

/* An evset and the reference fed the same pushes. */
typedef struct mirrored {
    sim_evset *set;
    ref_event *ref;
    size_t n_ref;
    uint64_t seq;
    int failed, mismatches;
} mirrored;

static void mirrored_push(mirrored *m, double t, unsigned priority)
{
    m->failed += sim_evset_push(m->set, t, priority, 0, (int32_t)m->seq, 0, 0) != 0;
    ref_push(m->ref, &m->n_ref, (ref_event){t, ((uint64_t)priority << 48) | m->seq});
    m->seq++;
}

/* Pops both; returns the time popped. */
static double mirrored_pop(mirrored *m)
{
    sim_event ev;
    CU_ASSERT_EQUAL_FATAL(sim_evset_pop(m->set, &ev), 1);
    ref_event want = ref_pop(m->ref, &m->n_ref);
    m->mismatches += ev.time != want.time || ev.key != want.key;
    return ev.time;
}

/* The far tier under the traffic of a model: events years ahead (exits),
 * dense near traffic (visits minutes apart), exact ties, and events at
 * +infinity. The near traffic is far finer than the first buckets, so the
 * set abandons them and files everything again; draining at the end uses
 * the buckets up, rebuilds from the overflow and finally absorbs the
 * infinite events. Every pop must match the reference, key included. */
static void far_tier_pops_like_a_reference_under_mixed_traffic(void)
{
    size_t cap = 400000;
    mirrored m = {sim_evset_new(16), malloc(cap * sizeof *m.ref), 0, 0, 0, 0};
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m.set);
    CU_ASSERT_PTR_NOT_NULL_FATAL(m.ref);
    CU_ASSERT_PTR_NOT_NULL_FATAL(r);
    gsl_rng_set(r, 7);
    for (int i = 0; i < 20000; i++)
        mirrored_push(&m, gsl_rng_uniform(r) * 3650.0, (unsigned)gsl_rng_uniform_int(r, 3));
    for (int i = 0; i < 50; i++)
        mirrored_push(&m, INFINITY, (unsigned)gsl_rng_uniform_int(r, 3));
    for (int i = 0; i < 1000; i++)
        mirrored_push(&m, gsl_rng_uniform(r) * 0.01, 10);
    for (int step = 0; step < 300000 && m.n_ref + 2 < cap; step++) {
        double now = mirrored_pop(&m), u = gsl_rng_uniform(r);
        if (u < 0.90) {
            mirrored_push(&m, now + gsl_ran_exponential(r, 0.01), 10);
        } else if (u < 0.93) {
            mirrored_push(&m, now, (unsigned)gsl_rng_uniform_int(r, 12));   /* a tie with now */
        } else if (u < 0.95) {
            mirrored_push(&m, now + gsl_rng_uniform(r) * 3650.0, 10);
        } else if (u < 0.97) {
            mirrored_push(&m, now + gsl_ran_exponential(r, 0.01), 10);
            mirrored_push(&m, now + gsl_ran_exponential(r, 0.01), 10);
        }
    }
    CU_ASSERT_EQUAL(sim_evset_size(m.set), m.n_ref);
    while (m.n_ref > 0)
        mirrored_pop(&m);
    sim_event ev;
    CU_ASSERT_EQUAL(sim_evset_pop(m.set, &ev), 0);
    CU_ASSERT_EQUAL(m.mismatches, 0);
    CU_ASSERT_EQUAL(m.failed, 0);
    free(m.ref);
    gsl_rng_free(r);
    sim_evset_free(m.set);
}

static void clear_empties_the_set_and_restarts_the_sequence(void)
{
    sim_evset *set = sim_evset_new(16);
    CU_ASSERT_PTR_NOT_NULL_FATAL(set);
    for (int i = 0; i < 50; i++)
        sim_evset_push(set, (double)i, 10, 0, i, 0, 0);
    sim_evset_clear(set);
    CU_ASSERT_EQUAL(sim_evset_size(set), 0);
    CU_ASSERT(isinf(sim_evset_peek_time(set)));
    sim_event ev;
    CU_ASSERT_EQUAL(sim_evset_pop(set, &ev), 0);

    /* After clear the same calls give the same keys as on a new set, which
     * is what lets a replication rerun alone reproduce itself. */
    sim_evset *fresh = sim_evset_new(16);
    CU_ASSERT_PTR_NOT_NULL_FATAL(fresh);
    for (int i = 0; i < 5; i++) {
        sim_evset_push(set, 1.0, 3, 0, i, 0, 0);
        sim_evset_push(fresh, 1.0, 3, 0, i, 0, 0);
    }
    for (int i = 0; i < 5; i++) {
        sim_event a, b;
        sim_evset_pop(set, &a);
        sim_evset_pop(fresh, &b);
        CU_ASSERT_EQUAL(a.key, b.key);
        CU_ASSERT_EQUAL(a.key & seq_mask, (uint64_t)i);
        CU_ASSERT_EQUAL(a.subject, i);
    }
    sim_evset_free(fresh);
    sim_evset_free(set);
}

static const cu_table_test tests[] = {
    {"events_pop_in_order_of_time", events_pop_in_order_of_time},
    {"events_carry_their_fields_through_the_heap", events_carry_their_fields_through_the_heap},
    {"equal_times_go_by_priority_then_by_insertion_order",
     equal_times_go_by_priority_then_by_insertion_order},
    {"many_exact_ties_come_out_in_insertion_order", many_exact_ties_come_out_in_insertion_order},
    {"set_grows_past_its_capacity_and_pops_1e5_events_in_order",
     set_grows_past_its_capacity_and_pops_1e5_events_in_order},
    {"far_tier_pops_like_a_reference_under_mixed_traffic",
     far_tier_pops_like_a_reference_under_mixed_traffic},
    {"clear_empties_the_set_and_restarts_the_sequence",
     clear_empties_the_set_and_restarts_the_sequence},
};

int main(void)
{
    return cu_table_run("evset", tests, sizeof tests / sizeof tests[0]);
}
