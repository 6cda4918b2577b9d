/* test_schedule.c -- step functions: value 0 before the first step, each
 * step's value from its start time (inclusive), changes strictly after t. */
#include "sim/schedule.h"

#include "cu_table.h"

#include <math.h>
#include <stddef.h>

static void value_is_zero_before_the_first_step_and_steps_start_inclusive(void)
{
    const double from[] = {0.0, 10.0, 20.5};
    const double values[] = {5.0, 3.0, 8.0};
    sim_schedule *s = sim_schedule_new(3, from, values);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(sim_schedule_value(s, -1.0), 0.0);
    CU_ASSERT_EQUAL(sim_schedule_value(s, nextafter(0.0, -1.0)), 0.0);
    CU_ASSERT_EQUAL(sim_schedule_value(s, 0.0), 5.0);
    CU_ASSERT_EQUAL(sim_schedule_value(s, 9.999), 5.0);
    CU_ASSERT_EQUAL(sim_schedule_value(s, nextafter(10.0, 0.0)), 5.0);
    CU_ASSERT_EQUAL(sim_schedule_value(s, 10.0), 3.0);
    CU_ASSERT_EQUAL(sim_schedule_value(s, 20.4), 3.0);
    CU_ASSERT_EQUAL(sim_schedule_value(s, 20.5), 8.0);
    CU_ASSERT_EQUAL(sim_schedule_value(s, 1e9), 8.0);
    CU_ASSERT_EQUAL(sim_schedule_value(s, INFINITY), 8.0);
    sim_schedule_free(s);
}

static void next_change_is_the_first_step_strictly_after_t(void)
{
    const double from[] = {0.0, 10.0, 20.5};
    const double values[] = {5.0, 3.0, 8.0};
    sim_schedule *s = sim_schedule_new(3, from, values);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(sim_schedule_next_change(s, -5.0), 0.0);
    /* Exactly at a step the change has happened: the next one is later,
     * otherwise an event loop rescheduling at next_change would spin. */
    CU_ASSERT_EQUAL(sim_schedule_next_change(s, 0.0), 10.0);
    CU_ASSERT_EQUAL(sim_schedule_next_change(s, 5.0), 10.0);
    CU_ASSERT_EQUAL(sim_schedule_next_change(s, 10.0), 20.5);
    CU_ASSERT_EQUAL(sim_schedule_next_change(s, nextafter(20.5, 0.0)), 20.5);
    CU_ASSERT(isinf(sim_schedule_next_change(s, 20.5)));
    CU_ASSERT(isinf(sim_schedule_next_change(s, 100.0)));
    sim_schedule_free(s);
}

static void walking_next_change_visits_every_step_once(void)
{
    enum { N = 50 };
    double from[N], values[N];
    for (int i = 0; i < N; i++) {
        from[i] = 0.1 * i * i;   /* uneven gaps exercise the bisection */
        values[i] = i;
    }
    sim_schedule *s = sim_schedule_new(N, from, values);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    double t = -1.0;
    int visited = 0;
    for (;;) {
        double next = sim_schedule_next_change(s, t);
        if (isinf(next))
            break;
        CU_ASSERT(next > t);
        CU_ASSERT_EQUAL(next, from[visited]);
        CU_ASSERT_EQUAL(sim_schedule_value(s, next), values[visited]);
        t = next;
        visited++;
        if (visited > N)
            break;
    }
    CU_ASSERT_EQUAL(visited, N);
    sim_schedule_free(s);
}

static void constant_schedule_holds_everywhere_and_never_changes(void)
{
    sim_schedule *s = sim_schedule_new_constant(42.0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    CU_ASSERT_EQUAL(sim_schedule_value(s, -1e300), 42.0);
    CU_ASSERT_EQUAL(sim_schedule_value(s, 0.0), 42.0);
    CU_ASSERT_EQUAL(sim_schedule_value(s, 1e300), 42.0);
    CU_ASSERT(isinf(sim_schedule_next_change(s, -1e300)));
    CU_ASSERT(isinf(sim_schedule_next_change(s, 0.0)));
    CU_ASSERT_EQUAL(sim_schedule_max(s), 42.0);
    CU_ASSERT_EQUAL(sim_schedule_steps(s), 1);
    CU_ASSERT(isinf(sim_schedule_step_from(s, 0)) && sim_schedule_step_from(s, 0) < 0);
    sim_schedule_free(s);
}

/* The implicit 0 before a finite first step is a value the schedule takes,
 * so it counts for the maximum; a constant has no such prefix. */
static void max_counts_the_zero_before_a_finite_first_step(void)
{
    const double from[] = {5.0, 6.0};
    const double neg[] = {-3.0, -1.0};
    const double pos[] = {2.0, 7.0};
    sim_schedule *a = sim_schedule_new(2, from, neg);
    sim_schedule *b = sim_schedule_new(2, from, pos);
    sim_schedule *c = sim_schedule_new_constant(-2.0);
    CU_ASSERT_PTR_NOT_NULL_FATAL(a);
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    CU_ASSERT_EQUAL(sim_schedule_max(a), 0.0);
    CU_ASSERT_EQUAL(sim_schedule_max(b), 7.0);
    CU_ASSERT_EQUAL(sim_schedule_max(c), -2.0);
    sim_schedule_free(a);
    sim_schedule_free(b);
    sim_schedule_free(c);
}

static void new_and_copy_own_their_arrays(void)
{
    double from[] = {1.0, 2.0};
    double values[] = {10.0, 20.0};
    sim_schedule *s = sim_schedule_new(2, from, values);
    CU_ASSERT_PTR_NOT_NULL_FATAL(s);
    from[1] = 100.0;     /* the caller's arrays are not referenced */
    values[1] = -1.0;
    CU_ASSERT_EQUAL(sim_schedule_value(s, 2.0), 20.0);
    sim_schedule *c = sim_schedule_copy(s);
    CU_ASSERT_PTR_NOT_NULL_FATAL(c);
    sim_schedule_free(s);  /* the copy survives its original */
    CU_ASSERT_EQUAL(sim_schedule_steps(c), 2);
    CU_ASSERT_EQUAL(sim_schedule_step_from(c, 0), 1.0);
    CU_ASSERT_EQUAL(sim_schedule_step_from(c, 1), 2.0);
    CU_ASSERT_EQUAL(sim_schedule_step_value(c, 0), 10.0);
    CU_ASSERT_EQUAL(sim_schedule_step_value(c, 1), 20.0);
    CU_ASSERT_EQUAL(sim_schedule_value(c, 1.5), 10.0);
    sim_schedule_free(c);
    sim_schedule_free(NULL);   /* like free(): a no-op */
}

static const cu_table_test tests[] = {
    {"value_is_zero_before_the_first_step_and_steps_start_inclusive",
     value_is_zero_before_the_first_step_and_steps_start_inclusive},
    {"next_change_is_the_first_step_strictly_after_t", next_change_is_the_first_step_strictly_after_t},
    {"walking_next_change_visits_every_step_once", walking_next_change_visits_every_step_once},
    {"constant_schedule_holds_everywhere_and_never_changes",
     constant_schedule_holds_everywhere_and_never_changes},
    {"max_counts_the_zero_before_a_finite_first_step", max_counts_the_zero_before_a_finite_first_step},
    {"new_and_copy_own_their_arrays", new_and_copy_own_their_arrays},
};

int main(void)
{
    return cu_table_run("schedule", tests, sizeof tests / sizeof tests[0]);
}
