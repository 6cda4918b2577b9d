/* test_week.c -- weekly opening hours: half-open intervals, changes strictly
 * after t (also exactly at a boundary), intervals past midnight, the Sunday
 * to Monday wrap, and the weekday of the run start.
 *
 * Expected boundaries are written as day + hour / 24.0, the same expression
 * the library evaluates, so exact comparisons are meaningful. */
#include "sim/week.h"

#include "cu_table.h"

#include <math.h>
#include <stddef.h>

enum { MON, TUE, WED, THU, FRI, SAT, SUN };

static double at(int day, double hour)
{
    return day + hour / 24.0;
}

static void intervals_are_half_open_and_hours_add_up(void)
{
    sim_week *w = sim_week_new(MON);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_EQUAL(sim_week_add(w, MON, 9, 17), 0);
    CU_ASSERT_FALSE(sim_week_is_open(w, 0.0));
    CU_ASSERT_FALSE(sim_week_is_open(w, nextafter(at(MON, 9), 0.0)));
    CU_ASSERT_TRUE(sim_week_is_open(w, at(MON, 9)));
    CU_ASSERT_TRUE(sim_week_is_open(w, at(MON, 16.99)));
    CU_ASSERT_FALSE(sim_week_is_open(w, at(MON, 17)));
    CU_ASSERT_FALSE(sim_week_is_open(w, at(TUE, 10)));
    CU_ASSERT_TRUE(sim_week_is_open(w, 7.0 + at(MON, 10)));   /* repeats weekly */
    CU_ASSERT_TRUE(sim_week_is_open(w, 700.0 + at(MON, 10)));
    CU_ASSERT_DOUBLE_EQUAL(sim_week_hours(w), 8.0, 1e-9);
    sim_week_free(w);
}

static void next_change_is_strictly_after_t_even_exactly_at_a_boundary(void)
{
    sim_week *w = sim_week_new(MON);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_EQUAL(sim_week_add(w, MON, 9, 17), 0);
    CU_ASSERT_EQUAL(sim_week_next_change(w, 0.0), at(MON, 9));
    CU_ASSERT_EQUAL(sim_week_next_change(w, nextafter(at(MON, 9), 0.0)), at(MON, 9));
    CU_ASSERT_EQUAL(sim_week_next_change(w, at(MON, 9)), at(MON, 17));
    CU_ASSERT_EQUAL(sim_week_next_change(w, at(MON, 12)), at(MON, 17));
    CU_ASSERT_DOUBLE_EQUAL(sim_week_next_change(w, at(MON, 17)), 7.0 + at(MON, 9), 1e-12);
    CU_ASSERT(sim_week_next_change(w, at(MON, 17)) > at(MON, 17));
    sim_week_free(w);
}

static void interval_past_midnight_runs_into_the_next_day(void)
{
    sim_week *w = sim_week_new(MON);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_EQUAL(sim_week_add(w, WED, 20, 32), 0);   /* Wed 20:00 - Thu 08:00 */
    CU_ASSERT_FALSE(sim_week_is_open(w, at(WED, 19)));
    CU_ASSERT_TRUE(sim_week_is_open(w, at(WED, 23)));
    CU_ASSERT_TRUE(sim_week_is_open(w, at(THU, 0)));
    CU_ASSERT_TRUE(sim_week_is_open(w, at(THU, 7.5)));
    CU_ASSERT_FALSE(sim_week_is_open(w, at(THU, 8)));
    CU_ASSERT_EQUAL(sim_week_next_change(w, at(WED, 21)), at(WED, 32));
    /* Midnight inside an interval is not a change. */
    CU_ASSERT_EQUAL(sim_week_next_change(w, at(THU, 0)), at(WED, 32));
    CU_ASSERT_DOUBLE_EQUAL(sim_week_hours(w), 12.0, 1e-9);
    sim_week_free(w);
}

static void sunday_night_wraps_to_monday_morning_without_a_change_at_midnight(void)
{
    sim_week *w = sim_week_new(MON);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_EQUAL(sim_week_add(w, SUN, 22, 30), 0);   /* Sun 22:00 - Mon 06:00 */
    /* The Monday part applies to the first week too: the pattern repeats. */
    CU_ASSERT_TRUE(sim_week_is_open(w, at(MON, 1)));
    CU_ASSERT_FALSE(sim_week_is_open(w, at(MON, 6)));
    CU_ASSERT_FALSE(sim_week_is_open(w, at(SUN, 21)));
    CU_ASSERT_TRUE(sim_week_is_open(w, at(SUN, 23)));
    CU_ASSERT_TRUE(sim_week_is_open(w, 7.0));
    CU_ASSERT_TRUE(sim_week_is_open(w, 7.0 + at(MON, 5)));
    CU_ASSERT_FALSE(sim_week_is_open(w, 7.0 + at(MON, 6)));
    /* From Sunday night the next change is Monday 06:00, not midnight. */
    CU_ASSERT_DOUBLE_EQUAL(sim_week_next_change(w, at(SUN, 23)), 7.0 + at(MON, 6), 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(sim_week_next_change(w, 7.0), 7.0 + at(MON, 6), 1e-12);
    CU_ASSERT_EQUAL(sim_week_next_change(w, 0.0), at(MON, 6));
    CU_ASSERT_EQUAL(sim_week_next_change(w, at(MON, 6)), at(SUN, 22));
    CU_ASSERT_DOUBLE_EQUAL(sim_week_hours(w), 8.0, 1e-9);
    sim_week_free(w);
}

static void start_weekday_places_time_zero_in_the_week(void)
{
    /* t = 0 is a Thursday: the first Monday starts at t = 4. */
    sim_week *w = sim_week_new(THU);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_EQUAL(sim_week_add(w, MON, 9, 17), 0);
    CU_ASSERT_FALSE(sim_week_is_open(w, 10.0 / 24.0));
    CU_ASSERT_TRUE(sim_week_is_open(w, 4.0 + 10.0 / 24.0));
    CU_ASSERT_FALSE(sim_week_is_open(w, 4.0 + 18.0 / 24.0));
    CU_ASSERT_DOUBLE_EQUAL(sim_week_next_change(w, 0.0), 4.0 + 9.0 / 24.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(sim_week_next_change(w, 4.0 + 12.0 / 24.0), 4.0 + 17.0 / 24.0, 1e-12);
    CU_ASSERT_DOUBLE_EQUAL(sim_week_next_change(w, 4.0 + 17.0 / 24.0), 11.0 + 9.0 / 24.0, 1e-12);
    sim_week_free(w);

    /* t = 0 is a Sunday inside the Sunday-to-Monday interval. */
    w = sim_week_new(SUN);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_EQUAL(sim_week_add(w, SUN, 22, 30), 0);
    CU_ASSERT_FALSE(sim_week_is_open(w, 0.5));
    CU_ASSERT_TRUE(sim_week_is_open(w, 23.0 / 24.0));
    CU_ASSERT_TRUE(sim_week_is_open(w, 1.0 + 5.0 / 24.0));
    CU_ASSERT_FALSE(sim_week_is_open(w, 1.0 + 7.0 / 24.0));
    /* Here the boundary is start-of-week + bound, which need not round to
     * 22.0 / 24.0 itself: take it from the library and ask again from it. */
    double opening = sim_week_next_change(w, 0.0);
    CU_ASSERT_DOUBLE_EQUAL(opening, 22.0 / 24.0, 1e-12);
    CU_ASSERT_TRUE(sim_week_is_open(w, opening));
    CU_ASSERT_FALSE(sim_week_is_open(w, nextafter(opening, 0.0)));
    CU_ASSERT_DOUBLE_EQUAL(sim_week_next_change(w, opening), 1.25, 1e-12);
    sim_week_free(w);
}

/* With t = 0 on a Thursday, the week starts at t = 4. The double just below
 * 4 is Sunday 23:59:59.99...; t + 3 rounds up to 7, so a naive position in
 * the week would be Monday 00:00 of the next week. */
static void time_just_before_a_week_start_belongs_to_the_previous_week(void)
{
    sim_week *w = sim_week_new(THU);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_EQUAL(sim_week_add(w, SUN, 20, 24), 0);
    double t = nextafter(4.0, 0.0);
    CU_ASSERT_TRUE(sim_week_is_open(w, t));
    CU_ASSERT_FALSE(sim_week_is_open(w, 4.0));
    CU_ASSERT_EQUAL(sim_week_next_change(w, t), 4.0);
    sim_week_free(w);
}

static void overlapping_and_touching_intervals_merge(void)
{
    sim_week *w = sim_week_new(MON);
    CU_ASSERT_PTR_NOT_NULL_FATAL(w);
    CU_ASSERT_EQUAL(sim_week_add(w, TUE, 8, 12), 0);
    CU_ASSERT_EQUAL(sim_week_add(w, TUE, 10, 14), 0);
    CU_ASSERT_EQUAL(sim_week_add(w, TUE, 14, 16), 0);
    CU_ASSERT_EQUAL(sim_week_add(w, TUE, 9, 10), 0);
    CU_ASSERT_DOUBLE_EQUAL(sim_week_hours(w), 8.0, 1e-9);
    CU_ASSERT_EQUAL(sim_week_next_change(w, at(TUE, 8)), at(TUE, 16));
    CU_ASSERT_TRUE(sim_week_is_open(w, at(TUE, 14)));
    sim_week_free(w);
}

static void always_open_and_never_open_weeks_never_change(void)
{
    sim_week *never = sim_week_new(MON);
    sim_week *always = sim_week_new(WED);
    CU_ASSERT_PTR_NOT_NULL_FATAL(never);
    CU_ASSERT_PTR_NOT_NULL_FATAL(always);
    for (int d = MON; d <= SUN; d++)
        CU_ASSERT_EQUAL(sim_week_add(always, d, 0, 24), 0);
    CU_ASSERT(isinf(sim_week_next_change(never, 3.3)));
    CU_ASSERT(isinf(sim_week_next_change(always, 3.3)));
    CU_ASSERT(isinf(sim_week_next_change(always, 0.0)));
    CU_ASSERT_FALSE(sim_week_is_open(never, 3.3));
    for (double t = 0; t < 30; t += 0.37)
        CU_ASSERT_TRUE(sim_week_is_open(always, t));
    CU_ASSERT_DOUBLE_EQUAL(sim_week_hours(always), 168.0, 1e-9);
    sim_week_free(never);
    sim_week_free(always);
}

/* Follows next_change over many weeks: every step moves strictly forward,
 * the state is constant between changes and flips at each change. Hours
 * like 9:20 are not exact in binary, so this catches rounding that would
 * make is_open disagree with next_change at a boundary. */
static void walking_next_change_alternates_open_and_closed(void)
{
    for (int start = MON; start <= SUN; start++) {
        sim_week *w = sim_week_new(start);
        CU_ASSERT_PTR_NOT_NULL_FATAL(w);
        sim_week_add(w, MON, 9.0 + 1.0 / 3.0, 17.1);
        sim_week_add(w, WED, 20, 31.7);          /* past midnight */
        sim_week_add(w, FRI, 6.25, 6.5);
        sim_week_add(w, SUN, 22.3, 30.9);        /* wraps to Monday */
        sim_week *c = sim_week_copy(w);
        CU_ASSERT_PTR_NOT_NULL_FATAL(c);
        sim_week_free(w);                        /* the copy stands alone */
        double t = 0.0;
        int state = sim_week_is_open(c, t);
        int changes = 0, bad_step = 0, bad_flip = 0, bad_middle = 0;
        while (t < 70.0) {
            double next = sim_week_next_change(c, t);
            if (!(next > t)) {
                bad_step++;
                break;
            }
            if (sim_week_is_open(c, 0.5 * (t + next)) != state)
                bad_middle++;
            int now_state = sim_week_is_open(c, next);
            if (now_state == state)
                bad_flip++;
            state = now_state;
            t = next;
            changes++;
        }
        CU_ASSERT_EQUAL(bad_step, 0);
        CU_ASSERT_EQUAL(bad_middle, 0);
        CU_ASSERT_EQUAL(bad_flip, 0);
        /* Four intervals, two changes each, per week, over ten weeks. */
        CU_ASSERT(changes >= 79 && changes <= 81);
        sim_week_free(c);
    }
}

static const cu_table_test tests[] = {
    {"intervals_are_half_open_and_hours_add_up", intervals_are_half_open_and_hours_add_up},
    {"next_change_is_strictly_after_t_even_exactly_at_a_boundary",
     next_change_is_strictly_after_t_even_exactly_at_a_boundary},
    {"interval_past_midnight_runs_into_the_next_day", interval_past_midnight_runs_into_the_next_day},
    {"sunday_night_wraps_to_monday_morning_without_a_change_at_midnight",
     sunday_night_wraps_to_monday_morning_without_a_change_at_midnight},
    {"start_weekday_places_time_zero_in_the_week", start_weekday_places_time_zero_in_the_week},
    {"time_just_before_a_week_start_belongs_to_the_previous_week",
     time_just_before_a_week_start_belongs_to_the_previous_week},
    {"overlapping_and_touching_intervals_merge", overlapping_and_touching_intervals_merge},
    {"always_open_and_never_open_weeks_never_change", always_open_and_never_open_weeks_never_change},
    {"walking_next_change_alternates_open_and_closed",
     walking_next_change_alternates_open_and_closed},
};

int main(void)
{
    return cu_table_run("week", tests, sizeof tests / sizeof tests[0]);
}
