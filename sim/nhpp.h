/* nhpp.h -- next event of a nonhomogeneous Poisson process.
 *
 * The rate is piecewise constant: a schedule (per day) times an optional
 * weekly opening mask. The next event after t is where the integrated rate
 * from t reaches an Exp(1) draw; this is exact, not thinning. */
#ifndef SIM_NHPP_H
#define SIM_NHPP_H

#include "sim/schedule.h"
#include "sim/week.h"

#include <gsl/gsl_rng.h>

/* The rate piece in force: `rate` events per day over [from, until).
 * Remembering it between consecutive events of one process saves the
 * schedule and opening-hours lookups; the arithmetic, hence every event
 * time, is the same as without it. Reset it at the start of every run. */
typedef struct sim_nhpp_piece {
    double from, until, rate;
} sim_nhpp_piece;

void sim_nhpp_piece_reset(sim_nhpp_piece *piece);

/* Makes *piece the one in force at t: from t until the next change of the
 * schedule or of the opening hours, at rate (scale x the schedule's value,
 * 0 while closed). rate must not be NULL. */
void sim_nhpp_piece_at(sim_nhpp_piece *piece, double t, const sim_schedule *rate, const sim_week *hours,
                       double scale);

/* Time of the next event after t, or INFINITY if there is none: the rate
 * is 0 from t up to `horizon`, or for good. A time after `horizon` can be
 * returned (the search stops at the piece that holds the event), so callers
 * compare with their horizon.
 * rate: events per day (NULL means 0); hours: NULL means always open;
 * scale multiplies the schedule (e.g. 24 for a rate per hour). *piece is
 * the process's own remembered piece, reused and updated. */
double sim_nhpp_next(sim_nhpp_piece *piece, gsl_rng *r, double t, const sim_schedule *rate,
                     const sim_week *hours, double scale, double horizon);

#endif
