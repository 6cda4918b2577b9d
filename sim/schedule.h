/* schedule.h -- piecewise-constant values over time (capacities, rates).
 *
 * A schedule is a list of (from, value) steps with strictly increasing
 * `from` times in days. The value is 0 before the first step and the value
 * of the last step at or before t afterwards. A constant is one step at
 * -INFINITY. */
#ifndef SIM_SCHEDULE_H
#define SIM_SCHEDULE_H

#include <stddef.h>

typedef struct sim_schedule sim_schedule;

/* Copies the arrays. Returns NULL when out of memory. `from` must be strictly
 * increasing (checked by an assertion; the loader reports it to the user). */
sim_schedule *sim_schedule_new(size_t n, const double *from, const double *values);
sim_schedule *sim_schedule_new_constant(double value);
sim_schedule *sim_schedule_copy(const sim_schedule *s);
void sim_schedule_free(sim_schedule *s);

double sim_schedule_value(const sim_schedule *s, double t);
/* First step time strictly after t, or INFINITY. */
double sim_schedule_next_change(const sim_schedule *s, double t);
/* Largest value the schedule ever takes. */
double sim_schedule_max(const sim_schedule *s);
size_t sim_schedule_steps(const sim_schedule *s);
/* Step i's start time and value (i < sim_schedule_steps). */
double sim_schedule_step_from(const sim_schedule *s, size_t i);
double sim_schedule_step_value(const sim_schedule *s, size_t i);

#endif
