/* nhpp.c -- inversion of the integrated rate over constant pieces. */
#include "sim/nhpp.h"

#include "sim/dist.h"

#include <math.h>

void sim_nhpp_piece_reset(sim_nhpp_piece *piece)
{
    piece->from = INFINITY;   /* empty: contains no time */
    piece->until = -INFINITY;
    piece->rate = 0;
}

void sim_nhpp_piece_at(sim_nhpp_piece *piece, double t, const sim_schedule *rate, const sim_week *hours,
                       double scale)
{
    double lambda = sim_schedule_value(rate, t) * scale;
    double next = sim_schedule_next_change(rate, t);
    /* A schedule at 0 for good ends the process, whatever the hours: one
     * piece to the end of time, not one per opening until the horizon. */
    if (lambda == 0 && isinf(next))
        hours = NULL;
    if (hours != NULL && !sim_week_is_open(hours, t))
        lambda = 0;
    if (hours != NULL) {
        double w = sim_week_next_change(hours, t);
        if (w < next)
            next = w;
    }
    piece->from = t;
    piece->until = next;
    piece->rate = lambda;
}

double sim_nhpp_next(sim_nhpp_piece *piece, gsl_rng *r, double t, const sim_schedule *rate,
                     const sim_week *hours, double scale, double horizon)
{
    if (rate == NULL)
        return INFINITY;
    double work = sim_dist_exponential(r, 1.0);
    while (t < horizon) {
        if (!(t >= piece->from && t < piece->until))
            sim_nhpp_piece_at(piece, t, rate, hours, scale);
        double lambda = piece->rate, next = piece->until;
        if (lambda > 0 && t + work / lambda < next)
            return t + work / lambda;
        if (isinf(next))
            return INFINITY;
        work -= lambda * (next - t);
        t = next;
    }
    return INFINITY;
}
