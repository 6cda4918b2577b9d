/* week.h -- weekly opening hours.
 *
 * A sim_week is a set of half-open intervals within a week, Monday 00:00 to
 * Sunday 24:00, repeated every week. Simulation time t (days since the run
 * start) is placed in the week through the weekday of the start date. */
#ifndef SIM_WEEK_H
#define SIM_WEEK_H

typedef struct sim_week sim_week;

/* start_weekday: weekday of t = 0 (0 = Monday). NULL when out of memory. */
sim_week *sim_week_new(int start_weekday);
sim_week *sim_week_copy(const sim_week *w);
void sim_week_free(sim_week *w);

/* Opens `day` (0 = Monday) from hour `from` to hour `to` (0 <= from < to <=
 * 48; beyond 24 runs into the next day, Sunday wraps to Monday). Overlapping
 * intervals merge. Returns 0, or -1 when out of memory. */
int sim_week_add(sim_week *w, int day, double from, double to);

int sim_week_is_open(const sim_week *w, double t);
/* Next time strictly after t at which the open/closed state flips, or
 * INFINITY if it never does (always open or always closed). */
double sim_week_next_change(const sim_week *w, double t);
/* Open hours per week. */
double sim_week_hours(const sim_week *w);

#endif
