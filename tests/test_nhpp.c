/* test_nhpp.c -- sim/nhpp.c: the next event of a Poisson process whose rate
 * is a schedule times weekly opening hours, found by inverting the
 * integrated rate. Checked against an integral computed here on its own,
 * and against the same process with the remembered piece thrown away at
 * every event. */
#include "sim/dist.h"
#include "sim/nhpp.h"
#include "sim/rng.h"
#include "tests/cu_table.h"

#include <math.h>

/* Rate per day: 0 before day 0, 6 on days [0, 3), 0 on [3, 5), 30 from day
 * 5 to day 40, 0 after. Opening hours: every day 10:00-18:00, and Monday
 * also 22:00 to 02:00 the next morning. Day 0 is a Wednesday. The process
 * draws from stream `seed` and remembers its piece in `piece`. */
typedef struct {
    sim_schedule *rate;
    sim_week *hours;
    gsl_rng *r;
    sim_nhpp_piece piece;
} process;

static process process_new(uint64_t seed)
{
    static const double from[] = {0, 3, 5, 40};
    static const double value[] = {6, 0, 30, 0};
    process p = {sim_schedule_new(4, from, value), sim_week_new(2), sim_rng_new(seed, 0, 0), {0, 0, 0}};
    CU_ASSERT_PTR_NOT_NULL_FATAL(p.rate);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p.hours);
    CU_ASSERT_PTR_NOT_NULL_FATAL(p.r);
    sim_nhpp_piece_reset(&p.piece);
    for (int d = 0; d < 7; d++)
        CU_ASSERT_EQUAL(sim_week_add(p.hours, d, 10, 18), 0);
    CU_ASSERT_EQUAL(sim_week_add(p.hours, 0, 22, 26), 0);
    return p;
}

static void process_free(process *p)
{
    sim_schedule_free(p->rate);
    sim_week_free(p->hours);
    gsl_rng_free(p->r);
}

/* The rate at t, from the schedule and the hours, as the header defines it. */
static double rate_at(const process *p, double t)
{
    return sim_week_is_open(p->hours, t) ? sim_schedule_value(p->rate, t) : 0.0;
}

/* The integral of the rate over [a, b], summed over the stretches between
 * the changes of the schedule and of the hours. */
static double integral(const process *p, double a, double b)
{
    double sum = 0;
    while (a < b) {
        double next = sim_schedule_next_change(p->rate, a);
        double w = sim_week_next_change(p->hours, a);
        if (w < next)
            next = w;
        if (next > b)
            next = b;
        sum += rate_at(p, a) * (next - a);
        a = next;
    }
    return sum;
}

/* The Exp(1) value the process will draw next from r, read from a copy. */
static double peek_exponential(const gsl_rng *r)
{
    gsl_rng *ahead = gsl_rng_clone(r);
    CU_ASSERT_PTR_NOT_NULL_FATAL(ahead);
    double work = sim_dist_exponential(ahead, 1.0);
    gsl_rng_free(ahead);
    return work;
}

/* Each next time is where the integrated rate from the last one reaches the
 * Exp(1) value the process drew (read from a copy of its stream), and the
 * rate is positive there: no event while closed or at rate 0. */
static void next_event_is_where_the_integrated_rate_reaches_the_draw(void)
{
    process p = process_new(11);
    double t = -1.5, horizon = 60;
    int events = 0, bad_integral = 0, bad_rate = 0;
    for (;;) {
        double work = peek_exponential(p.r);
        double next = sim_nhpp_next(&p.piece, p.r, t, p.rate, p.hours, 1.0, horizon);
        if (isinf(next))
            break;
        CU_ASSERT_FATAL(next > t);
        if (fabs(integral(&p, t, next) - work) > 1e-9 * (1 + work))
            bad_integral++;
        if (!(rate_at(&p, next) > 0))
            bad_rate++;
        t = next;
        events++;
    }
    CU_ASSERT_EQUAL(bad_integral, 0);
    CU_ASSERT_EQUAL(bad_rate, 0);
    /* The rate is 0 from day 40 on, so the process ends; its mean count is
     * the whole integral, 6 x 3 days and 30 x 35 days, open 1/3 of the time
     * plus the Monday nights: about 375. */
    double total = integral(&p, 0, 40);
    CU_ASSERT(events > total - 5 * sqrt(total) && events < total + 5 * sqrt(total));
    process_free(&p);
}

/* The remembered piece only saves lookups: throwing it away before every
 * event gives the same times, to the bit. */
static void remembered_piece_gives_the_same_times_as_a_fresh_one(void)
{
    process p = process_new(12);   /* keeps its piece */
    gsl_rng *b = sim_rng_new(12, 0, 0);   /* the same stream, a fresh piece each time */
    CU_ASSERT_PTR_NOT_NULL_FATAL(b);
    sim_nhpp_piece fresh;
    double ta = 0, tb = 0;
    int differ = 0, events = 0;
    while (!isinf(ta) && events < 10000) {
        ta = sim_nhpp_next(&p.piece, p.r, ta, p.rate, p.hours, 1.0, 60);
        sim_nhpp_piece_reset(&fresh);
        tb = sim_nhpp_next(&fresh, b, tb, p.rate, p.hours, 1.0, 60);
        if (ta != tb && !(isinf(ta) && isinf(tb)))
            differ++;
        events++;
    }
    CU_ASSERT_EQUAL(differ, 0);
    CU_ASSERT(events > 100);
    gsl_rng_free(b);
    process_free(&p);
}

/* No rate, a rate that is 0 from some time on, and a horizon passed while
 * the rate is 0: no next event. `scale` multiplies the rate (24 turns a
 * rate per hour into one per day). */
static void no_event_without_rate_and_scale_multiplies_the_rate(void)
{
    process p = process_new(13);
    CU_ASSERT(isinf(sim_nhpp_next(&p.piece, p.r, 0, NULL, p.hours, 1.0, 60)));
    /* ... found at once: the last piece runs to the end of time, rather
     * than one piece per opening walked up to the horizon. */
    CU_ASSERT(isinf(sim_nhpp_next(&p.piece, p.r, 40, p.rate, p.hours, 1.0, 1e5)));
    CU_ASSERT(isinf(p.piece.until));
    /* Day 3 is closed at the rate (0 until day 5): a horizon at day 4 ends it. */
    sim_nhpp_piece_reset(&p.piece);
    CU_ASSERT(isinf(sim_nhpp_next(&p.piece, p.r, 3, p.rate, p.hours, 1.0, 4)));
    /* With scale 24 the same draw is reached 24 times sooner within a piece:
     * from day 5 10:00, open until 18:00 at 30 x 24 per day. */
    double t0 = 5 + 10.0 / 24;
    double work = peek_exponential(p.r);
    sim_nhpp_piece_reset(&p.piece);
    double next = sim_nhpp_next(&p.piece, p.r, t0, p.rate, p.hours, 24.0, 60);
    if (work < 30 * 24 * (8.0 / 24))
        CU_ASSERT_DOUBLE_EQUAL(next, t0 + work / (30 * 24), 1e-12);
    process_free(&p);
}

static const cu_table_test tests[] = {
    {"next_event_is_where_the_integrated_rate_reaches_the_draw",
     next_event_is_where_the_integrated_rate_reaches_the_draw},
    {"remembered_piece_gives_the_same_times_as_a_fresh_one", remembered_piece_gives_the_same_times_as_a_fresh_one},
    {"no_event_without_rate_and_scale_multiplies_the_rate", no_event_without_rate_and_scale_multiplies_the_rate},
};

int main(void)
{
    return cu_table_run("nhpp", tests, sizeof tests / sizeof tests[0]);
}
