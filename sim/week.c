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
    /* The times of the week at which the state flips, in order: every
     * bound of iv but a 0 and a 7 that meet across the end of the week.
     * Rebuilt by sim_week_add; sim_week_next_change walks it instead of
     * testing both bounds of every interval (rest areas and patrols ask it
     * a few times a simulated day: 4% of a Paris replication's work). */
    int n_flips;
    double *flips;
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
        w->flips = malloc(2 * (size_t)src->n * sizeof *w->flips);
        if (w->iv == NULL || w->flips == NULL) {
            sim_week_free(w);
            return NULL;
        }
        memcpy(w->iv, src->iv, (size_t)src->n * sizeof *w->iv);
        memcpy(w->flips, src->flips, (size_t)src->n_flips * sizeof *w->flips);
    }
    w->n = w->cap = src->n;
    w->n_flips = src->n_flips;
    return w;
}

void sim_week_free(sim_week *w)
{
    if (w == NULL)
        return;
    free(w->iv);
    free(w->flips);
    free(w);
}

/* The flips from the intervals (see struct sim_week). */
static void list_flips(sim_week *w)
{
    int k = 0;
    for (int i = 0; i < w->n; i++) {
        if (!(w->iv[i].from == 0 && w->iv[w->n - 1].to == 7))
            w->flips[k++] = w->iv[i].from;
        if (!(w->iv[i].to == 7 && w->iv[0].from == 0))
            w->flips[k++] = w->iv[i].to;
    }
    w->n_flips = k;
}

static int insert(sim_week *w, double from, double to)
{
    if (w->n == w->cap) {
        int cap = w->cap ? 2 * w->cap : 8;
        interval *iv = realloc(w->iv, (size_t)cap * sizeof *iv);
        if (iv == NULL)
            return -1;
        w->iv = iv;
        double *flips = realloc(w->flips, 2 * (size_t)cap * sizeof *flips);
        if (flips == NULL)
            return -1;
        w->flips = flips;
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
    list_flips(w);
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
     * just before its week start. Only the last interval starting at or
     * before t can hold t: an earlier one ends before the next begins. */
    for (int pass = 0; pass < 2; pass++, base -= 7.0) {
        int last = -1;
        while (last + 1 < w->n && base + w->iv[last + 1].from <= t)
            last++;
        if (last >= 0 && t < base + w->iv[last].to)
            return 1;
    }
    return 0;
}

double sim_week_next_change(const sim_week *w, double t)
{
    int m = w->n_flips;
    if (m == 0)
        return INFINITY;   /* always open, or never */
    double base;
    week_pos(w, t, &base);
    /* Compare absolute times, not positions in the week: rounding in the
     * position must never return t itself (the caller would loop). Start a
     * week early in case rounding in week_pos put t before its week start.
     * The times base + flip never decrease along the weeks, so a week whose
     * last flip is not after t is passed over whole. */
    base -= 7.0;
    for (int pass = 0; pass < 4; pass++, base += 7.0) {
        if (!(base + w->flips[m - 1] > t))
            continue;
        int i = 0;
        while (!(base + w->flips[i] > t))
            i++;
        return base + w->flips[i];
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
