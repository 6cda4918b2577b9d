/* week.c -- opening hours as sorted, disjoint intervals of [0, 7) days.
 *
 * Invariant: iv[0..n) are disjoint, non-adjacent and sorted by start, each
 * within [0, 7]. Intervals that cross the end of the week are split. */
#include "sim/week.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct interval { double from, to; } interval;

struct sim_week {
    int start_weekday;
    int n, cap;
    interval *iv;
};

sim_week *sim_week_new(int start_weekday)
{
    sim_week *w = calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    w->start_weekday = start_weekday;
    return w;
}

sim_week *sim_week_copy(const sim_week *src)
{
    sim_week *w = sim_week_new(src->start_weekday);
    if (w == NULL)
        return NULL;
    if (src->n > 0) {
        w->iv = malloc((size_t)src->n * sizeof *w->iv);
        if (w->iv == NULL) {
            free(w);
            return NULL;
        }
        memcpy(w->iv, src->iv, (size_t)src->n * sizeof *w->iv);
    }
    w->n = w->cap = src->n;
    return w;
}

void sim_week_free(sim_week *w)
{
    if (w == NULL)
        return;
    free(w->iv);
    free(w);
}

static int insert(sim_week *w, double from, double to)
{
    if (w->n == w->cap) {
        int cap = w->cap ? 2 * w->cap : 8;
        interval *iv = realloc(w->iv, (size_t)cap * sizeof *iv);
        if (iv == NULL)
            return -1;
        w->iv = iv;
        w->cap = cap;
    }
    int i = w->n;
    while (i > 0 && w->iv[i - 1].from > from) {
        w->iv[i] = w->iv[i - 1];
        i--;
    }
    w->iv[i].from = from;
    w->iv[i].to = to;
    w->n++;
    /* Merge overlapping or touching neighbours to restore the invariant. */
    int k = 0;
    for (int j = 1; j < w->n; j++) {
        if (w->iv[j].from <= w->iv[k].to) {
            if (w->iv[j].to > w->iv[k].to)
                w->iv[k].to = w->iv[j].to;
        } else {
            w->iv[++k] = w->iv[j];
        }
    }
    w->n = k + 1;
    return 0;
}

int sim_week_add(sim_week *w, int day, double from, double to)
{
    double a = day + from / 24.0, b = day + to / 24.0;
    if (b <= 7.0)
        return insert(w, a, b);
    if (insert(w, a, 7.0) != 0)
        return -1;
    return insert(w, 0.0, b - 7.0);
}

static double week_pos(const sim_week *w, double t, double *week_start)
{
    double x = t + w->start_weekday;
    double k = floor(x / 7.0);
    *week_start = k * 7.0 - w->start_weekday;
    return x - k * 7.0;
}

int sim_week_is_open(const sim_week *w, double t)
{
    double base;
    week_pos(w, t, &base);
    /* Compare absolute times built exactly as sim_week_next_change builds
     * them (base + bound): the position t - base can round to the other
     * side of a bound, and then the state at a returned change time would
     * not be the new state (an NHPP would run a closed period as open).
     * The previous week is tried too in case rounding in week_pos put t
     * just before its week start. */
    for (int pass = 0; pass < 2; pass++, base -= 7.0)
        for (int i = 0; i < w->n; i++)
            if (t >= base + w->iv[i].from && t < base + w->iv[i].to)
                return 1;
    return 0;
}

double sim_week_next_change(const sim_week *w, double t)
{
    if (w->n == 0 || (w->n == 1 && w->iv[0].from <= 0 && w->iv[0].to >= 7))
        return INFINITY;
    double base;
    week_pos(w, t, &base);
    /* Compare absolute times, not positions in the week: rounding in the
     * position must never return t itself (the caller would loop). Start a
     * week early in case rounding in week_pos put t before its week start. */
    base -= 7.0;
    for (int pass = 0; pass < 4; pass++, base += 7.0) {
        for (int i = 0; i < w->n; i++) {
            /* A boundary at 7 that meets one at 0 is not a change. */
            int from_is_wrap = w->iv[i].from == 0 && w->iv[w->n - 1].to == 7;
            int to_is_wrap = w->iv[i].to == 7 && w->iv[0].from == 0;
            if (!from_is_wrap && base + w->iv[i].from > t)
                return base + w->iv[i].from;
            if (!to_is_wrap && base + w->iv[i].to > t)
                return base + w->iv[i].to;
        }
    }
    return INFINITY;
}

double sim_week_hours(const sim_week *w)
{
    double h = 0;
    for (int i = 0; i < w->n; i++)
        h += (w->iv[i].to - w->iv[i].from) * 24.0;
    return h;
}
