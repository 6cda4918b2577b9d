/* schedule.c -- step functions, searched by bisection (O(log steps)). */
#include "sim/schedule.h"

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

struct sim_schedule {
    size_t n;
    double *from;
    double *values;
};

sim_schedule *sim_schedule_new(size_t n, const double *from, const double *values)
{
    assert(n > 0);
    for (size_t i = 1; i < n; i++)
        assert(from[i] > from[i - 1]);
    sim_schedule *s = calloc(1, sizeof *s);
    if (s == NULL)
        return NULL;
    s->from = malloc(n * sizeof *s->from);
    s->values = malloc(n * sizeof *s->values);
    if (s->from == NULL || s->values == NULL) {
        sim_schedule_free(s);
        return NULL;
    }
    memcpy(s->from, from, n * sizeof *from);
    memcpy(s->values, values, n * sizeof *values);
    s->n = n;
    return s;
}

sim_schedule *sim_schedule_new_constant(double value)
{
    double from = -INFINITY;
    return sim_schedule_new(1, &from, &value);
}

sim_schedule *sim_schedule_copy(const sim_schedule *s)
{
    return sim_schedule_new(s->n, s->from, s->values);
}

void sim_schedule_free(sim_schedule *s)
{
    if (s == NULL)
        return;
    free(s->from);
    free(s->values);
    free(s);
}

/* Index of the last step with from <= t, or -1 if t is before all steps. */
static long step_at(const sim_schedule *s, double t)
{
    long lo = -1, hi = (long)s->n - 1;
    while (lo < hi) {
        long mid = lo + (hi - lo + 1) / 2;
        if (s->from[mid] <= t)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

double sim_schedule_value(const sim_schedule *s, double t)
{
    long i = step_at(s, t);
    return i < 0 ? 0.0 : s->values[i];
}

double sim_schedule_next_change(const sim_schedule *s, double t)
{
    long i = step_at(s, t) + 1;
    return (size_t)i < s->n ? s->from[i] : INFINITY;
}

double sim_schedule_max(const sim_schedule *s)
{
    double m = s->from[0] > -INFINITY ? 0.0 : s->values[0];
    for (size_t i = 0; i < s->n; i++)
        if (s->values[i] > m)
            m = s->values[i];
    return m;
}

size_t sim_schedule_steps(const sim_schedule *s)
{
    return s->n;
}

double sim_schedule_step_from(const sim_schedule *s, size_t i)
{
    assert(i < s->n);
    return s->from[i];
}

double sim_schedule_step_value(const sim_schedule *s, size_t i)
{
    assert(i < s->n);
    return s->values[i];
}
